/*
 * paxtad — GET /v1/checkpoints: the sizes at which the node signed a
 * checkpoint, so a brand or an auditor holding a note of one size can ask
 * for it (GET /v1/checkpoint?size=N) and for a consistency proof from it.
 */
#include <inttypes.h>
#include <stdint.h>

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
