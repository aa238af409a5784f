/*
 * paxtad — GET /v1/checkpoints: the sizes at which the node signed a
 * checkpoint, so a brand or an auditor holding a note of one size can ask
 * for it (GET /v1/checkpoint?size=N) and for a consistency proof from it.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/ledger.h"
#include "paxtad.h"

#define PAGE_DEFAULT 1000
#define PAGE_MAX     10000

struct page {
	json_t *sizes;
	uint64_t want, next;
	int more;
};

static int
add_size(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct page *pg = ctx;

	(void)note;
	(void)len;
	if (json_array_size(pg->sizes) == pg->want) {
		pg->more = 1;
		pg->next = size;
		return 1;
	}
	return json_array_append_new(pg->sizes, json_integer((json_int_t)size))
		       ? PX_ENOMEM
		       : 0;
}

void
pxd_get_checkpoints(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_txn *t = NULL;
	struct page pg = { .want = PAGE_DEFAULT };
	uint64_t start = 0, count = 0;
	int has_start, has_count, rc;
	json_t *j;

	if (pxd_query_u64(rq, "start", &start, &has_start) ||
	    pxd_query_u64(rq, "count", &count, &has_count))
		return;
	if (has_count && (count == 0 || count > PAGE_MAX)) {
		pxd_reply_error(rq, 400, "malformed",
				"count takes 1 to %d sizes, not %" PRIu64,
				PAGE_MAX, count);
		return;
	}
	if (has_count)
		pg.want = count;
	if (!(pg.sizes = json_array())) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	if (pxd_begin(rq, &t) != PX_OK) {
		json_decref(pg.sizes);
		return;
	}
	rc = px_store_checkpoint_from(t, start, add_size, &pg);
	if (rc != PX_OK && rc != 1) {
		json_decref(pg.sizes);
		pxd_fail_internal(rq, rc);
		goto out;
	}
	j = json_pack("{s:s,s:I,s:o,s:o}", "origin",
		      px_ledger_origin(node->ledger), "log_size",
		      (json_int_t)px_store_size(t), "sizes", pg.sizes, "next",
		      pg.more ? json_integer((json_int_t)pg.next)
			      : json_null());
	pxd_reply_json(rq, 200, j);
out:
	pxd_end(rq, t);
}

/* ---- POST /v1/checkpoint, GET /v1/checkpoint ---- */

static void
job_free(void *p)
{
	struct pxd_job *job = p;

	if (job)
		free(job->note);
	free(job);
}

void
pxd_post_checkpoint(struct pxd_request *rq)
{
	struct pxd_job *job = pxd_state(rq);

	if (pxd_resumed(rq)) {
		if (job->rc != PX_OK || !job->note) {
			pxd_fail_internal(rq, job->rc);
			return;
		}
		pxd_reply(rq, job->signed_new ? 201 : 200, PXD_CT_TEXT,
			  job->note, strlen(job->note));
		job->note = NULL;
		return;
	}
	if (pxd_read_only(rq))
		return;
	if (!(job = calloc(1, sizeof(*job)))) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_set_state(rq, job, job_free);
	job->checkpoint = 1;
	if (pxd_defer(rq, job) != PX_OK)
		pxd_reply_error(rq, 503, "unavailable",
				"the node is shutting down");
}

void
pxd_get_checkpoint(struct pxd_request *rq)
{
	struct px_txn *t;
	const char *note;
	size_t len;
	uint64_t size = 0;
	int has_size, rc;

	if (pxd_query_u64(rq, "size", &size, &has_size) ||
	    pxd_begin(rq, &t) != PX_OK)
		return;
	/* ?size=N: the one signed at that size, so a client can check a
	 * proof against an older tree than the latest. */
	if (has_size)
		rc = px_store_checkpoint_get(t, size, &note, &len);
	else
		rc = px_store_checkpoint_latest(t, &size, &note, &len);
	if (rc == PX_OK) {
		/* With the cosignatures its witnesses returned, if any. */
		char *cosigned =
			pxd_cosigned_note(pxd_request_node(rq)->cosigner, size);

		if (cosigned)
			pxd_reply(rq, 200, PXD_CT_TEXT, cosigned,
				  strlen(cosigned));
		else
			pxd_reply(rq, 200, PXD_CT_TEXT, strndup(note, len),
				  len);
	} else if (rc == PX_ENOTFOUND && has_size)
		pxd_reply_error(rq, 404, "not_found",
				"the node signed no checkpoint of %" PRIu64
				" entries",
				size);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"the node has not signed a checkpoint yet");
	else
		pxd_fail_internal(rq, rc);
	px_store_abort(t);
}
