/*
 * paxtad — the routes of DESIGN.md §6.3: a table mapping method and path
 * pattern to one handler each, and the handlers. docs/api.md documents
 * every route, its answers and its statuses.
 *
 * Handlers read one snapshot each (px_ledger_read) and answer from it;
 * only POST /v1/entries and POST /v1/checkpoint go through the writer.
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

/* The lineage graph served as JSON at most this many lots. */
#define LINEAGE_MAX 20000

/* Statements listed for one subject at most. */
#define ATTESTATIONS_MAX 10000

#define CT_JSON  "application/json"
#define CT_TEXT  "text/plain; charset=utf-8"
#define CT_BATCH "application/x-protobuf; proto=paxta.EntryBatch"

unsigned
pxd_code_status(enum px_code code)
{
	switch (code) {
	case PX_CODE_BAD_SIGNATURE:
	case PX_CODE_UNKNOWN_ACTOR:
	case PX_CODE_REVOKED:
	case PX_CODE_ROLE_DENIED:
		return 403; /* who signed may not write this */
	case PX_CODE_SEQUENCE:
	case PX_CODE_OVERSPEND:
	case PX_CODE_NOT_HOLDER:
	case PX_CODE_UNKNOWN_LOT:
	case PX_CODE_DUPLICATE_LOT:
	case PX_CODE_UNKNOWN_SHIPMENT:
	case PX_CODE_DUPLICATE_SHIPMENT:
	case PX_CODE_DUPLICATE_ACTOR:
	case PX_CODE_VOID_DENIED:
		return 409; /* conflicts with the ledger's state */
	case PX_CODE_MASS_BALANCE:
	case PX_CODE_PRODUCT:
	case PX_CODE_TIME:
	case PX_CODE_ORIGIN:
	case PX_CODE_SEASON:
	case PX_CODE_YIELD:
		return 422; /* the entry itself breaks a rule */
	case PX_CODE_TOO_LARGE:
		return 413;
	default:
		return 400; /* malformed */
	}
}

/* ---- helpers ---- */

/* 500 for a failure to check (never a refusal). */
static void
fail_internal(struct pxd_request *rq, int rc)
{
	if (rc == PX_ENOMEM)
		pxd_reply_error(rq, 500, "internal", "out of memory");
	else
		pxd_reply_error(rq, 500, "internal",
				"the node cannot read its ledger: %s",
				px_strerror(rc));
}

/* A decimal u64 with digits only. */
static int
parse_u64(const char *text, uint64_t *out)
{
	uint64_t v = 0;

	if (!text || !*text)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

/* The query argument name as a number: 0 when absent (*present = 0), -1
 * after answering 400. */
static int
query_u64(struct pxd_request *rq, const char *name, uint64_t *out, int *present)
{
	const char *v = pxd_query(rq, name);

	*present = v != NULL;
	if (!v)
		return 0;
	if (parse_u64(v, out) != 0) {
		pxd_reply_error(rq, 400, "malformed",
				"query argument '%s' takes a number, not '%s'",
				name, v);
		return -1;
	}
	return 0;
}

static json_t *
hash_b64(const struct px_hash *h)
{
	char *b64 = NULL;
	json_t *j;

	if (px_base64_encode(&b64, h->b, PX_HASH_LEN) != PX_OK)
		return NULL;
	j = json_string(b64);
	free(b64);
	return j;
}

/* An id from the path that the ledger could hold; answers 400 if not. */
static int
valid_id(struct pxd_request *rq, const char *what, const char *id)
{
	if (px_state_valid_id(id))
		return 1;
	pxd_reply_error(rq, 400, "malformed",
			"'%s' is not %s id (1 to %d printable ASCII "
			"characters, no spaces)",
			id, what, PX_ID_MAX);
	return 0;
}

static int
begin(struct pxd_request *rq, struct px_txn **t)
{
	int rc = px_ledger_read(pxd_request_node(rq)->ledger, t);

	if (rc != PX_OK)
		fail_internal(rq, rc);
	return rc;
}

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
	char hex[2 * PX_HASH_LEN + 1];

	if (r->rc == PX_OK) {
		px_hex_encode(hex, r->leaf_hash.b, PX_HASH_LEN);
		return json_pack("{s:I,s:b,s:s}", "index", (json_int_t)r->index,
				 "duplicate", r->duplicate, "leaf_hash", hex);
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
		fail_internal(rq, rc);
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

static void
post_entries(struct pxd_request *rq)
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
		fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_set_state(rq, s, post_free);
	s->batch = kind == 2;
	if ((rc = post_read(rq, s, body, len)) != PX_OK)
		return;
	/* Each entry is hashed, decoded and its signature checked here, in
	 * parallel with every other request; the writer only orders. */
	if ((rc = pxd_verify(node->verify, s->ptrs, s->n)) != PX_OK) {
		fail_internal(rq, rc);
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

/* ---- POST /v1/checkpoint, GET /v1/checkpoint ---- */

static void
job_free(void *p)
{
	struct pxd_job *job = p;

	if (job)
		free(job->note);
	free(job);
}

static void
post_checkpoint(struct pxd_request *rq)
{
	struct pxd_job *job = pxd_state(rq);

	if (pxd_resumed(rq)) {
		if (job->rc != PX_OK || !job->note) {
			fail_internal(rq, job->rc);
			return;
		}
		pxd_reply(rq, job->signed_new ? 201 : 200, CT_TEXT, job->note,
			  strlen(job->note));
		job->note = NULL;
		return;
	}
	if (!(job = calloc(1, sizeof(*job)))) {
		fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_set_state(rq, job, job_free);
	job->checkpoint = 1;
	if (pxd_defer(rq, job) != PX_OK)
		pxd_reply_error(rq, 503, "unavailable",
				"the node is shutting down");
}

static void
get_checkpoint(struct pxd_request *rq)
{
	struct px_txn *t;
	const char *note;
	size_t len;
	uint64_t size = 0;
	int has_size, rc;

	if (query_u64(rq, "size", &size, &has_size) || begin(rq, &t) != PX_OK)
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
			pxd_reply(rq, 200, CT_TEXT, cosigned, strlen(cosigned));
		else
			pxd_reply(rq, 200, CT_TEXT, strndup(note, len), len);
	} else if (rc == PX_ENOTFOUND && has_size)
		pxd_reply_error(rq, 404, "not_found",
				"the node signed no checkpoint of %" PRIu64
				" entries",
				size);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"the node has not signed a checkpoint yet");
	else
		fail_internal(rq, rc);
	px_store_abort(t);
}

/* ---- GET /v1/log ---- */

static void
get_log(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_txn *t;
	struct px_hash root;
	uint64_t size;
	int rc;

	if (begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	rc = px_store_root(t, size, &root);
	px_store_abort(t);
	if (rc != PX_OK) {
		fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:s,s:I,s:o,s:s}", "origin",
				 px_ledger_origin(node->ledger), "size",
				 (json_int_t)size, "root", hash_b64(&root),
				 "verifier_key", node->verifier_key));
}

/* ---- GET /v1/entries/{index}, GET /v1/entries?start&count ---- */

static json_t *
entry_json(uint64_t index, const uint8_t *leaf, size_t len, int decoded)
{
	struct px_signed_entry env = { 0 };
	Paxta__Entry *e = NULL;
	struct px_hash h;
	char hex[2 * PX_HASH_LEN + 1], *b64 = NULL;
	json_t *j = NULL, *ev = NULL;

	if (px_base64_encode(&b64, leaf, len) != PX_OK)
		goto out;
	if (!decoded) {
		j = json_pack("{s:I,s:s}", "index", (json_int_t)index, "leaf",
			      b64);
		goto out;
	}
	if (px_hash_leaf(&h, leaf, len) != PX_OK ||
	    px_entry_open(&env, leaf, len) != PX_OK ||
	    px_entry_body_decode(&e, env.payload, env.payload_len) != PX_OK ||
	    !(ev = px_event_from_entry(e)))
		goto out;
	px_hex_encode(hex, h.b, PX_HASH_LEN);
	j = json_pack("{s:I,s:s,s:s,s:O}", "index", (json_int_t)index,
		      "leaf_hash", hex, "leaf", b64, "entry", ev);
out:
	json_decref(ev);
	px_entry_body_free(e);
	px_entry_close(&env);
	free(b64);
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
		fail_internal(rq, rc);
		return;
	}
	j = entry_json(index, leaf, len, 1);
	if (!j) {
		pxd_reply_error(rq, 500, "internal",
				"entry %" PRIu64 " does not decode", index);
		return;
	}
	pxd_reply_json(rq, 200, j);
}

static void
get_entry(struct pxd_request *rq)
{
	const char *arg = pxd_param(rq, 0);
	struct px_txn *t;
	uint64_t index;

	if (parse_u64(arg, &index) != 0) {
		pxd_reply_error(rq, 400, "malformed",
				"'%s' is not an entry index", arg);
		return;
	}
	if (begin(rq, &t) != PX_OK)
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
static void
get_entry_by_hash(struct pxd_request *rq)
{
	const char *arg = pxd_param(rq, 0);
	struct px_hash h;
	struct px_txn *t;
	uint64_t index;
	int rc;

	if (strlen(arg) != 2 * PX_HASH_LEN ||
	    px_hex_decode(h.b, PX_HASH_LEN, arg) != PX_OK) {
		pxd_reply_error(rq, 400, "malformed",
				"'%s' is not a leaf hash (64 hex digits)", arg);
		return;
	}
	if (begin(rq, &t) != PX_OK)
		return;
	rc = px_store_find(t, &h, &index);
	if (rc == PX_OK)
		reply_entry(rq, t, index);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"no entry has the leaf hash %s", arg);
	else
		fail_internal(rq, rc);
	px_store_abort(t);
}

static int
wants_protobuf(struct pxd_request *rq)
{
	const char *accept = pxd_header(rq, "Accept");

	return accept && strstr(accept, "application/x-protobuf") != NULL;
}

static void
get_entries(struct pxd_request *rq)
{
	struct px_txn *t = NULL;
	uint64_t start = 0, count = RANGE_DEFAULT, size;
	const uint8_t **leaves = NULL;
	size_t *lens = NULL, n = 0, bytes = 0;
	json_t *list = NULL;
	int present, rc = PX_OK;

	if (query_u64(rq, "start", &start, &present) ||
	    query_u64(rq, "count", &count, &present))
		return;
	if (present && count == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"count must be at least 1");
		return;
	}
	if (count > RANGE_MAX)
		count = RANGE_MAX;
	if (begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	if (start > size) {
		pxd_reply_error(rq, 400, "malformed",
				"start %" PRIu64 " is past the log's %" PRIu64
				" entries",
				start, size);
		goto out;
	}
	if (count > size - start)
		count = size - start;
	leaves = calloc(count ? count : 1, sizeof(*leaves));
	lens = calloc(count ? count : 1, sizeof(*lens));
	if (!leaves || !lens) {
		rc = PX_ENOMEM;
		goto out;
	}
	/* Whole entries only: stop before the byte budget is passed. */
	for (n = 0; n < count; n++) {
		rc = px_store_leaf(t, start + n, &leaves[n], &lens[n]);
		if (rc != PX_OK)
			goto out;
		if (n > 0 && bytes + lens[n] > RANGE_BYTES)
			break;
		bytes += lens[n];
	}
	if (wants_protobuf(rq)) {
		uint8_t *out;
		size_t out_len;
		char first[24];

		if ((rc = pxd_batch_write(leaves, lens, n, &out, &out_len)) !=
		    PX_OK)
			goto out;
		snprintf(first, sizeof(first), "%" PRIu64, start);
		pxd_add_header(rq, "X-Paxta-Start", first);
		pxd_reply(rq, 200, CT_BATCH, (char *)out, out_len);
		goto out;
	}
	list = json_array();
	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, entry_json(start + i, leaves[i],
							   lens[i], 0)) != 0)
			rc = PX_ENOMEM;
	if (!list || rc != PX_OK)
		goto out;
	pxd_reply_json(rq, 200,
		       json_pack("{s:I,s:I,s:o}", "start", (json_int_t)start,
				 "size", (json_int_t)size, "entries", list));
	list = NULL;
out:
	/* The leaves point into the snapshot: it ends after the reply. */
	px_store_abort(t);
	json_decref(list);
	free(leaves);
	free(lens);
	if (rc != PX_OK)
		fail_internal(rq, rc);
}

/* ---- proofs ---- */

static json_t *
proof_json(const struct px_hash *proof, size_t len)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < len; i++) {
		if (json_array_append_new(arr, hash_b64(&proof[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static void
get_inclusion(struct pxd_request *rq)
{
	struct px_txn *t;
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	uint64_t index = 0, size = 0, log_size;
	size_t len;
	int has_index, has_size, rc;

	if (query_u64(rq, "index", &index, &has_index) ||
	    query_u64(rq, "size", &size, &has_size))
		return;
	if (!has_index) {
		pxd_reply_error(rq, 400, "malformed",
				"give index=I (and size=N, the tree size of a "
				"checkpoint you hold)");
		return;
	}
	if (begin(rq, &t) != PX_OK)
		return;
	log_size = px_store_size(t);
	if (!has_size)
		size = log_size;
	if (size > log_size) {
		pxd_reply_error(rq, 404, "not_found",
				"no tree of %" PRIu64
				" entries: the log has %" PRIu64,
				size, log_size);
		goto out;
	}
	if (index >= size) {
		pxd_reply_error(rq, 400, "malformed",
				"index %" PRIu64 " is not in a tree of %" PRIu64
				" entries",
				index, size);
		goto out;
	}
	/* No root and no leaf hash: a client checks the proof from the
	 * entry it holds to the root of a checkpoint it holds, never to
	 * values the node hands it beside the proof. */
	if ((rc = px_merkle_inclusion_proof(proof, &len, index, size,
					    px_store_merkle_source, t))) {
		fail_internal(rq, rc);
		goto out;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:I,s:I,s:o}", "index", (json_int_t)index,
				 "size", (json_int_t)size, "hashes",
				 proof_json(proof, len)));
out:
	px_store_abort(t);
}

static void
get_consistency(struct pxd_request *rq)
{
	struct px_txn *t;
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	uint64_t from = 0, to = 0, log_size;
	size_t len;
	int has_from, has_to, rc;

	if (query_u64(rq, "from", &from, &has_from) ||
	    query_u64(rq, "to", &to, &has_to))
		return;
	if (!has_from || from == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"give from=M (at least 1) and to=N");
		return;
	}
	if (begin(rq, &t) != PX_OK)
		return;
	log_size = px_store_size(t);
	if (!has_to)
		to = log_size;
	if (to > log_size) {
		pxd_reply_error(rq, 404, "not_found",
				"no tree of %" PRIu64
				" entries: the log has %" PRIu64,
				to, log_size);
		goto out;
	}
	if (from > to) {
		pxd_reply_error(rq, 400, "malformed",
				"from %" PRIu64 " is past to %" PRIu64, from,
				to);
		goto out;
	}
	if ((rc = px_merkle_consistency_proof(proof, &len, from, to,
					      px_store_merkle_source, t))) {
		fail_internal(rq, rc);
		goto out;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:I,s:I,s:o}", "from", (json_int_t)from,
				 "to", (json_int_t)to, "hashes",
				 proof_json(proof, len)));
out:
	px_store_abort(t);
}

/* ---- lots ---- */

static void
lot_missing(struct pxd_request *rq, const char *id, int rc, uint64_t at)
{
	if (rc == PX_ENOTFOUND && at)
		pxd_reply_error(rq, 404, "not_found",
				"lot '%s' was not in the ledger as of %" PRIu64
				" entries",
				id, at);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"lot '%s' is not in the ledger", id);
	else if (rc == PX_ETOOLARGE)
		pxd_reply_error(rq, 422, "too_large",
				"lot '%s' has more lots in its lineage than "
				"one answer may walk",
				id);
	else
		fail_internal(rq, rc);
}

static void
get_lot(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	json_t *j = NULL;
	int rc;

	if (!valid_id(rq, "a lot", id) || begin(rq, &t) != PX_OK)
		return;
	rc = px_lot_json(&j, t, id);
	px_store_abort(t);
	if (rc != PX_OK)
		lot_missing(rq, id, rc, 0);
	else
		pxd_reply_json(rq, 200, j);
}

static void
get_verdict(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_verdict *v = NULL;
	uint64_t at = 0;
	int has_at, rc;

	if (!valid_id(rq, "a lot", id) || query_u64(rq, "at", &at, &has_at))
		return;
	if (has_at && at == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"at is a tree size: at least 1");
		return;
	}
	if (begin(rq, &t) != PX_OK)
		return;
	if (at > px_store_size(t)) {
		pxd_reply_error(rq, 400, "malformed",
				"at %" PRIu64 " is past the log's %" PRIu64
				" entries",
				at, px_store_size(t));
		px_store_abort(t);
		return;
	}
	rc = px_verdict(&v, t, id, at);
	px_store_abort(t);
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, at);
		return;
	}
	pxd_reply_json(rq, 200, px_verdict_json(v));
	px_verdict_free(v);
}

static void
get_provenance(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_lineage *g = NULL;
	int rc;

	if (!valid_id(rq, "a lot", id) || begin(rq, &t) != PX_OK)
		return;
	rc = px_lineage(&g, t, id, LINEAGE_MAX);
	px_store_abort(t);
	if (rc == PX_ETOOLARGE) {
		pxd_reply_error(rq, 422, "too_large",
				"lot '%s' has more than %d lots in its "
				"lineage; its verdict gives the breakdown by "
				"origin",
				id, LINEAGE_MAX);
		return;
	}
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, 0);
		return;
	}
	pxd_reply_json(rq, 200, px_lineage_json(g));
	px_lineage_free(g);
}

static void
get_lot_recall(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_recall *r = NULL;
	int rc;

	if (!valid_id(rq, "a lot", id) || begin(rq, &t) != PX_OK)
		return;
	rc = px_lot_recall(&r, t, id);
	px_store_abort(t);
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, 0);
		return;
	}
	pxd_reply_json(rq, 200, px_recall_json(r));
	px_recall_free(r);
}

/* ---- GET /v1/recall ---- */

static int
season_arg(struct pxd_request *rq, uint32_t *out, int *present)
{
	uint64_t season = 0;

	if (query_u64(rq, "season", &season, present))
		return -1;
	if (*present && (season < 1900 || season > 2200)) {
		pxd_reply_error(rq, 400, "malformed",
				"season is a year, like 2026");
		return -1;
	}
	*out = (uint32_t)season;
	return 0;
}

static void
get_recall(struct pxd_request *rq)
{
	struct px_recall_query q = { 0 };
	struct px_recall *r = NULL;
	struct px_txn *t;
	int has_season, has_attestation, rc;

	q.district = pxd_query(rq, "district");
	q.farm = pxd_query(rq, "farm");
	if (season_arg(rq, &q.season, &has_season) ||
	    query_u64(rq, "attestation", &q.attestation, &has_attestation))
		return;
	if ((q.district != NULL) + (q.farm != NULL) + has_attestation != 1 ||
	    (q.district && !has_season) || (has_attestation && has_season) ||
	    (has_attestation && q.attestation == 0)) {
		pxd_reply_error(rq, 400, "malformed",
				"give district=CODE&season=YEAR, "
				"farm=ID[&season=YEAR], or attestation=INDEX");
		return;
	}
	if ((q.district && !valid_id(rq, "a district", q.district)) ||
	    (q.farm && !valid_id(rq, "an actor", q.farm)))
		return;
	if (begin(rq, &t) != PX_OK)
		return;
	rc = px_recall(&r, t, &q);
	px_store_abort(t);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"entry %" PRIu64 " is not a monitor's "
				"statement",
				q.attestation);
		return;
	}
	if (rc == PX_ETOOLARGE) {
		pxd_reply_error(rq, 422, "too_large",
				"the recall reaches more lots than one answer "
				"may walk");
		return;
	}
	if (rc != PX_OK) {
		fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200, px_recall_json(r));
	px_recall_free(r);
}

/* ---- actors and statements ---- */

static void
get_actor(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t;
	json_t *j;
	int rc;

	if (!valid_id(rq, "an actor", id) || begin(rq, &t) != PX_OK)
		return;
	rc = px_state_actor(t, id, &rec);
	px_store_abort(t);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"actor '%s' is not registered", id);
		return;
	}
	if (rc != PX_OK) {
		fail_internal(rq, rc);
		return;
	}
	/* The keys of `paxta actor --json`, last_hash among them: a client
	 * signs the actor's next entry from seq and last_hash. */
	j = px_actor_json(rec);
	px_state_free(rec);
	pxd_reply_json(rq, 200, j);
}

/* A subject of a statement: farm:ID, actor:ID, district:CODE, region:CODE
 * or country:CODE (DESIGN.md §6.1). */
static int
valid_subject(const char *s)
{
	static const char *const kinds[] = { "farm:", "actor:", "district:",
					     "region:", "country:" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i]);

		if (strncmp(s, kinds[i], n) == 0)
			return px_state_valid_id(s + n);
	}
	return 0;
}

struct statements {
	json_t *list;
	size_t n;
	int truncated;
};

static int
collect_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct statements *st = ctx;
	const Paxta__Attest *a = rec->attest;
	char when[PX_TIME_TEXT], sha[2 * PX_HASH_LEN + 1] = "";
	json_t *indicators = json_array(), *j;

	if (st->n == ATTESTATIONS_MAX) {
		st->truncated = 1;
		json_decref(indicators);
		return 1;
	}
	if (!indicators)
		return PX_ENOMEM;
	/* stored text through px_json_text: never refused by jansson, and
	 * every failure is one, never a statement or indicator left out */
	for (size_t i = 0; i < a->n_indicators; i++)
		if (json_array_append_new(
			    indicators, px_json_text(a->indicators[i])) != 0) {
			json_decref(indicators);
			return PX_ENOMEM;
		}
	if (a->report_sha256.len == PX_HASH_LEN)
		px_hex_encode(sha, a->report_sha256.data, PX_HASH_LEN);
	px_format_time(when, rec->time);
	j = json_pack("{s:I,s:o,s:s,s:o,s:i,s:s,s:o,s:o,s:s}", "index",
		      (json_int_t)rec->index, "monitor",
		      px_json_text(rec->monitor), "time", when, "subject",
		      px_json_text(a->subject), "season", (int)a->season,
		      "status", px_status_name(a->status), "indicators",
		      indicators, "report_uri", px_json_text(a->report_uri),
		      "report_sha256", sha);
	/* The period, when given, as the event's JSON has it (its
	 * documents are in the entry: GET /v1/entries/{index}). */
	if (j && a->from) {
		px_format_time(when, a->from);
		json_object_set_new(j, "from", json_string(when));
	}
	if (j && a->until) {
		px_format_time(when, a->until);
		json_object_set_new(j, "until", json_string(when));
	}
	if (!j || json_array_append_new(st->list, j) != 0)
		return PX_ENOMEM;
	st->n++;
	return 0;
}

static void
get_attestations(struct pxd_request *rq)
{
	const char *subject = pxd_query(rq, "subject");
	struct statements st = { json_array(), 0, 0 };
	struct px_txn *t;
	uint32_t season = 0;
	int has_season, rc;

	if (!subject || !valid_subject(subject)) {
		pxd_reply_error(rq, 400, "malformed",
				"give subject=farm:ID, actor:ID, "
				"district:CODE, region:CODE or country:CODE");
		json_decref(st.list);
		return;
	}
	if (season_arg(rq, &season, &has_season) || begin(rq, &t) != PX_OK) {
		json_decref(st.list);
		return;
	}
	rc = st.list ? px_state_each_attestation(t, subject, season,
						 collect_statement, &st)
		     : PX_ENOMEM;
	px_store_abort(t);
	if (rc < 0) {
		json_decref(st.list);
		fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:s,s:o,s:b}", "subject", subject,
				 "attestations", st.list, "truncated",
				 st.truncated));
}

/* ---- health and metrics ---- */

static void
get_healthz(struct pxd_request *rq)
{
	pxd_reply(rq, 200, CT_TEXT, strdup("ok\n"), 3);
}

static void
get_metrics(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_txn *t;
	uint64_t size, disk = 0;
	char *text;
	size_t len;

	if (begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	px_store_abort(t);
	px_store_disk_bytes(px_ledger_store(node->ledger), &disk);
	if (pxd_metrics_render(node->metrics, size, disk, &text, &len) !=
	    PX_OK) {
		fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_reply(rq, 200, "text/plain; version=0.0.4; charset=utf-8", text,
		  len);
}

/* ---- the table ---- */

const struct pxd_route pxd_routes[] = {
	{ .method = "POST", .pattern = "/v1/entries", .handler = post_entries },
	{ .method = "GET", .pattern = "/v1/entries", .handler = get_entries },
	{ .method = "GET",
	  .pattern = "/v1/entries/{index}",
	  .handler = get_entry },
	{ .method = "GET",
	  .pattern = "/v1/entries/by-hash/{leaf_hash}",
	  .handler = get_entry_by_hash },
	{ .method = "GET", .pattern = "/v1/log", .handler = get_log },
	{ .method = "GET",
	  .pattern = "/v1/checkpoint",
	  .handler = get_checkpoint },
	{ .method = "POST",
	  .pattern = "/v1/checkpoint",
	  .handler = post_checkpoint },
	{ .method = "GET",
	  .pattern = "/v1/checkpoints",
	  .handler = pxd_get_checkpoints },
	{ .method = "POST",
	  .pattern = "/add-checkpoint",
	  .handler = pxd_post_add_checkpoint },
	{ .method = "GET",
	  .pattern = "/v1/witness",
	  .handler = pxd_get_witness },
	{ .method = "GET",
	  .pattern = "/v1/evidence",
	  .handler = pxd_get_evidence },
	{ .method = "GET",
	  .pattern = "/checkpoint",
	  .handler = pxd_get_tlog_checkpoint },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}/{n}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}/{n}/{n}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}/{n}/{n}/{n}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/tile/{l}/{n}/{n}/{n}/{n}/{n}/{n}",
	  .handler = pxd_get_tile },
	{ .method = "GET",
	  .pattern = "/v1/proof/inclusion",
	  .handler = get_inclusion },
	{ .method = "GET",
	  .pattern = "/v1/proof/consistency",
	  .handler = get_consistency },
	{ .method = "GET", .pattern = "/v1/lots/{id}", .handler = get_lot },
	{ .method = "GET",
	  .pattern = "/v1/lots/{id}/verdict",
	  .handler = get_verdict },
	{ .method = "GET",
	  .pattern = "/v1/lots/{id}/provenance",
	  .handler = get_provenance },
	{ .method = "GET",
	  .pattern = "/v1/lots/{id}/recall",
	  .handler = get_lot_recall },
	{ .method = "GET", .pattern = "/v1/recall", .handler = get_recall },
	{ .method = "GET", .pattern = "/v1/actors/{id}", .handler = get_actor },
	{ .method = "GET",
	  .pattern = "/v1/actors/{id}/holdings",
	  .handler = pxd_get_holdings },
	{ .method = "GET",
	  .pattern = "/v1/shipments/{id}",
	  .handler = pxd_get_shipment },
	{ .method = "GET",
	  .pattern = "/v1/attestations",
	  .handler = get_attestations },
	{ .method = "GET", .pattern = "/healthz", .handler = get_healthz },
	{ .method = "GET", .pattern = "/metrics", .handler = get_metrics },
	{ .method = "GET", .pattern = "/lots/{id}", .handler = pxd_page_lot },
};

const size_t pxd_n_routes = sizeof(pxd_routes) / sizeof(pxd_routes[0]);
