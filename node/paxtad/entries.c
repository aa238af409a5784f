/*
 * paxtad — the log's entries: POST /v1/entries (one entry or a batch,
 * through the writer), GET /v1/entries/{index}, /v1/entries/by-hash/{hash}
 * and ranges for replication (docs/api.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paxta/checkpoint.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/lot.h"
#include "paxta/merkle.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"
#include "paxtad.h"

/* A range of entries answers at most this many, and stops early once it
 * holds this many bytes of leaves. */
#define RANGE_DEFAULT 100
#define RANGE_MAX     1000
#define RANGE_BYTES   ((size_t)4 << 20)

/* ---- POST /v1/entries ---- */

struct post {
	struct pxd_job job;
	struct px_entry *entries; /* n of them; their bytes are the body's */
	struct px_entry **ptrs;
	size_t n;
	int batch;
};

static void
post_free(void *p)
{
	struct post *s = p;

	if (!s)
		return;
	free(s->job.note);
	for (size_t i = 0; s->entries && i < s->n; i++)
		px_entry_release(&s->entries[i]);
	free(s->entries);
	free(s->ptrs);
	free(s);
}

/*
 * The entry media type: 1 for one SignedEntry, 2 for an EntryBatch, 0 for
 * anything else. "application/x-protobuf" alone is one entry; a batch says
 * so with the parameter proto=paxta.EntryBatch.
 */
static int
entry_media_type(const char *ct)
{
	static const char base[] = "application/x-protobuf";
	const char *p;
	int kind = 1;

	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, base, sizeof(base) - 1) != 0)
		return 0;
	p = ct + sizeof(base) - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p == ';') {
		char name[32], value[64];
		size_t n = 0;

		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p && *p != '=' && *p != ';' && n + 1 < sizeof(name))
			name[n++] = *p++;
		name[n] = '\0';
		n = 0;
		if (*p == '=') {
			int quoted = *++p == '"';

			p += quoted;
			while (*p && (quoted ? *p != '"' : *p != ';') &&
			       n + 1 < sizeof(value))
				value[n++] = *p++;
			if (quoted && *p == '"')
				p++;
		}
		while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
			n--;
		value[n] = '\0';
		while (*p && *p != ';')
			p++;
		if (strcasecmp(name, "proto") != 0)
			continue; /* charset and the like: no bearing */
		if (strcmp(value, "paxta.EntryBatch") == 0)
			kind = 2;
		else if (strcmp(value, "paxta.SignedEntry") == 0)
			kind = 1;
		else
			return 0;
	}
	return *p ? 0 : kind;
}

static json_t *
result_json(struct pxd_node *node, const struct px_append_result *r)
{
	char leaf[2 * PX_HASH_LEN + 1], entry[2 * PX_HASH_LEN + 1];

	if (r->rc == PX_OK) {
		px_hex_encode(leaf, r->leaf_hash.b, PX_HASH_LEN);
		px_hex_encode(entry, r->entry_hash.b, PX_HASH_LEN);
		return json_pack("{s:I,s:b,s:s,s:s}", "index",
				 (json_int_t)r->index, "duplicate",
				 r->duplicate, "leaf_hash", leaf, "entry_hash",
				 entry);
	}
	pxd_metrics_refusal(node->metrics, r->refusal.code);
	return json_pack("{s:s,s:s}", "error", px_code_name(r->refusal.code),
			 "message", r->refusal.message);
}

static void
post_answer(struct pxd_request *rq, struct post *s)
{
	struct pxd_node *node = pxd_request_node(rq);
	json_t *results, *j;
	size_t logged = 0, duplicates = 0, refused = 0;

	if (s->job.rc != PX_OK) {
		pxd_add_header(rq, "Retry-After", "1");
		pxd_reply_error(rq, 503, "unavailable",
				"the node could not commit: %s; nothing of the "
				"request was logged",
				px_strerror(s->job.rc));
		return;
	}
	if (!s->batch) {
		const struct px_append_result *r = &s->entries[0].result;

		if (r->rc == PX_OK) {
			char where[48];

			snprintf(where, sizeof(where), "/v1/entries/%" PRIu64,
				 r->index);
			pxd_add_header(rq, "Location", where);
			pxd_reply_json(rq, 201, result_json(node, r));
		} else {
			pxd_reply_json(rq, pxd_code_status(r->refusal.code),
				       result_json(node, r));
		}
		return;
	}
	results = json_array();
	for (size_t i = 0; results && i < s->n; i++) {
		const struct px_append_result *r = &s->entries[i].result;

		if (r->rc != PX_OK)
			refused++;
		else if (r->duplicate)
			duplicates++;
		else
			logged++;
		if (json_array_append_new(results, result_json(node, r)) != 0) {
			json_decref(results);
			results = NULL;
		}
	}
	j = results ? json_pack("{s:I,s:I,s:I,s:o}", "logged",
				(json_int_t)logged, "duplicates",
				(json_int_t)duplicates, "refused",
				(json_int_t)refused, "results", results)
		    : NULL;
	pxd_reply_json(rq, refused ? 207 : 201, j);
}

/* The entries of the body, one or a batch, into s. PX_OK, or an error
 * already answered. */
static int
post_read(struct pxd_request *rq, struct post *s, const uint8_t *body,
	  size_t len)
{
	struct pxd_node *node = pxd_request_node(rq);
	const uint8_t **leaves = NULL;
	size_t *lens = NULL;
	int rc = PX_OK;

	if (s->batch) {
		rc = pxd_batch_read(body, len, PXD_BATCH_MAX, &leaves, &lens,
				    &s->n);
		if (rc == PX_ETOOLARGE) {
			pxd_metrics_refusal(node->metrics, PX_CODE_TOO_LARGE);
			pxd_reply_error(rq, 413, "too_large",
					"a batch holds at most %d entries",
					PXD_BATCH_MAX);
			goto out;
		}
		if (rc == PX_OK && s->n == 0)
			rc = PX_EMALFORMED;
		if (rc == PX_EMALFORMED) {
			pxd_metrics_refusal(node->metrics, PX_CODE_MALFORMED);
			pxd_reply_error(rq, 400, "malformed",
					"the body is not an EntryBatch with at "
					"least one entry");
			goto out;
		}
	} else {
		s->n = 1;
	}
	if (rc == PX_OK) {
		s->entries = calloc(s->n, sizeof(*s->entries));
		s->ptrs = calloc(s->n, sizeof(*s->ptrs));
		if (!s->entries || !s->ptrs)
			rc = PX_ENOMEM;
	}
	if (rc != PX_OK) {
		s->n = 0;
		pxd_fail_internal(rq, rc);
		goto out;
	}
	for (size_t i = 0; i < s->n; i++) {
		px_entry_init(&s->entries[i], s->batch ? leaves[i] : body,
			      s->batch ? lens[i] : len);
		s->ptrs[i] = &s->entries[i];
	}
out:
	free(leaves);
	free(lens);
	return rc;
}

void
pxd_post_entries(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct post *s = pxd_state(rq);
	const uint8_t *body;
	size_t len;
	int kind, rc;

	if (pxd_resumed(rq)) {
		post_answer(rq, s);
		return;
	}
	if (pxd_read_only(rq))
		return;
	kind = entry_media_type(pxd_header(rq, "Content-Type"));
	if (kind == 0) {
		pxd_reply_error(rq, 415, "unsupported_media_type",
				"send one entry as application/x-protobuf, or "
				"a batch as application/x-protobuf; "
				"proto=paxta.EntryBatch");
		return;
	}
	body = pxd_body(rq, &len);
	if (len == 0) {
		pxd_metrics_refusal(node->metrics, PX_CODE_MALFORMED);
		pxd_reply_error(rq, 400, "malformed", "the body is empty");
		return;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_set_state(rq, s, post_free);
	s->batch = kind == 2;
	if ((rc = post_read(rq, s, body, len)) != PX_OK)
		return;
	/* Each entry is hashed, decoded and its signature checked here, in
	 * parallel with every other request; the writer only orders. */
	if ((rc = pxd_verify(node->verify, s->ptrs, s->n)) != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	/* One entry whose bytes are wrong is answered now, without waiting
	 * for the writer: nothing the ledger holds could change that. */
	if (!s->batch && s->entries[0].status != PX_OK) {
		post_answer(rq, s);
		return;
	}
	s->job.entries = s->ptrs;
	s->job.n = s->n;
	if ((rc = pxd_defer(rq, &s->job)) != PX_OK) {
		pxd_add_header(rq, "Retry-After", "1");
		pxd_reply_error(rq, 503, "unavailable",
				"the node is shutting down; nothing was "
				"logged");
	}
}

/* ---- GET /v1/entries/{index}, GET /v1/entries?start&count ---- */

/* The entry at index as an event (docs/api.md); NULL when it does not
 * decode. */
static json_t *
entry_json(uint64_t index, const uint8_t *leaf, size_t len)
{
	struct px_entry e;
	json_t *j = NULL;

	if (px_entry_read(&e, leaf, len, PX_ENTRY_HASH | PX_ENTRY_DECODE) ==
	    PX_OK)
		j = px_event_logged(&e, index);
	px_entry_release(&e);
	return j;
}

/* Answer entry index of the snapshot t (which the caller ends). */
static void
reply_entry(struct pxd_request *rq, struct px_txn *t, uint64_t index)
{
	const uint8_t *leaf;
	size_t len;
	json_t *j;
	int rc;

	rc = px_store_leaf(t, index, &leaf, &len);
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	j = entry_json(index, leaf, len);
	if (!j) {
		pxd_reply_error(rq, 500, "internal",
				"entry %" PRIu64 " does not decode", index);
		return;
	}
	pxd_reply_json(rq, 200, j);
}

void
pxd_get_entry(struct pxd_request *rq)
{
	const char *arg = pxd_param(rq, 0);
	struct px_txn *t;
	uint64_t index;

	if (pxd_parse_u64(arg, &index) != 0) {
		pxd_reply_error(rq, 400, "malformed",
				"'%s' is not an entry index", arg);
		return;
	}
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	if (index >= px_store_size(t))
		pxd_reply_error(rq, 404, "not_found",
				"no entry %" PRIu64 " (the log has %" PRIu64
				" entries)",
				index, px_store_size(t));
	else
		reply_entry(rq, t, index);
	px_store_abort(t);
}

/* GET /v1/entries/by-hash/{leaf_hash}: what a void by hash needs (the
 * index of the entry it withdraws), and a way to find an entry one holds. */
void
pxd_get_entry_by_hash(struct pxd_request *rq)
{
	const char *arg = pxd_param(rq, 0);
	struct px_hash h;
	struct px_txn *t;
	uint64_t index;
	int rc;

	if (strlen(arg) != 2 * PX_HASH_LEN ||
	    px_hex_decode(h.b, PX_HASH_LEN, arg) != PX_OK) {
		pxd_reply_error(rq, 400, "malformed",
				"'%s' is not an entry hash (64 hex digits)",
				arg);
		return;
	}
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_state_find_entry(t, &h, &index);
	if (rc == PX_OK)
		reply_entry(rq, t, index);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"no entry has the entry hash %s", arg);
	else
		pxd_fail_internal(rq, rc);
	px_store_abort(t);
}

static int
wants_protobuf(struct pxd_request *rq)
{
	const char *accept = pxd_header(rq, "Accept");

	return accept && strstr(accept, "application/x-protobuf") != NULL;
}

/* GET /v1/entries?start&count: streamed (answers.c), each piece read in
 * its own snapshot, so a slow client pins nothing of the store. */
void
pxd_get_entries(struct pxd_request *rq)
{
	struct px_txn *t = NULL;
	struct pxd_stream *s = NULL;
	uint64_t start = 0, count = RANGE_DEFAULT, size;
	int present, protobuf, rc;

	if (pxd_query_u64(rq, "start", &start, &present) ||
	    pxd_query_u64(rq, "count", &count, &present))
		return;
	if (present && count == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"count must be at least 1");
		return;
	}
	if (count > RANGE_MAX)
		count = RANGE_MAX;
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	px_store_abort(t);
	if (start > size) {
		pxd_reply_error(rq, 400, "malformed",
				"start %" PRIu64 " is past the log's %" PRIu64
				" entries",
				start, size);
		return;
	}
	if (count > size - start)
		count = size - start;
	protobuf = wants_protobuf(rq);
	rc = pxd_range_stream(&s, pxd_request_node(rq)->ledger, start, count,
			      size, RANGE_BYTES, protobuf);
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	if (protobuf) {
		char first[24];

		snprintf(first, sizeof(first), "%" PRIu64, start);
		pxd_add_header(rq, "X-Paxta-Start", first);
	}
	pxd_reply_stream(rq, 200, protobuf ? PXD_CT_BATCH : PXD_CT_JSON, s);
}
