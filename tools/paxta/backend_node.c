/*
 * paxta — the node backend: a paxtad node over HTTP (--node URL), through
 * client.c. The routes are docs/api.md's; each answer is checked for the
 * shape its kind has before a command reads it, and a failure is the
 * node's own line (client.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "client.h"
#include "paxta/bundle.h"
#include "paxta/entry.h"

/* A batch refused 503 (nothing of it logged) is sent again this often. */
#define BUSY_TRIES 5
#define BATCH_TYPE "application/x-protobuf; proto=paxta.EntryBatch"
/* A report is text and tables, the chart capped: a node's answer larger
 * than this is not one. */
#define REPORT_MAX ((size_t)64 << 20)
/* The node answers EPCIS in pages of this many entries (docs/api.md). */
#define EPCIS_PAGE 10000

struct remote {
	struct backend b; /* first: a struct backend * is a struct remote * */
	struct node *node;
};

int
node_fail(struct node *n)
{
	return fail("%s", node_error(n)[0] ? node_error(n) : "the node failed");
}

/* The node's kept line as the backend's failure. */
static int
failed(struct remote *r)
{
	return backend_error(&r->b, "%s",
			     node_error(r->node)[0] ? node_error(r->node)
						    : "the node failed");
}

/* GET prefix + id (escaped) + suffix as JSON. */
static int
get_by_id(struct remote *r, json_t **out, const char *prefix, const char *id,
	  const char *suffix)
{
	char *esc = node_escape(id);
	int rc;

	if (!esc)
		return backend_error(&r->b, "out of memory");
	rc = node_get_json(r->node, out, "%s%s%s", prefix, esc, suffix);
	free(esc);
	return rc ? failed(r) : 0;
}

static int
node_lot(struct backend *b, const char *lot, json_t **out)
{
	return get_by_id((struct remote *)b, out, "/v1/lots/", lot, "");
}

static int
node_lot_shipments(struct backend *b, const char *lot, json_t **out)
{
	return get_by_id((struct remote *)b, out, "/v1/lots/", lot,
			 "/shipments");
}

static int
node_verdict(struct backend *b, const char *lot, uint64_t at, json_t **out)
{
	char suffix[48] = "/verdict";

	if (at)
		snprintf(suffix, sizeof(suffix), "/verdict?at=%" PRIu64, at);
	return get_by_id((struct remote *)b, out, "/v1/lots/", lot, suffix);
}

static int
node_recall(struct backend *b, const struct px_recall_query *q, json_t **out)
{
	struct remote *r = (struct remote *)b;
	char *arg;
	int rc;

	if (!q->district && !q->farm)
		rc = node_get_json(r->node, out,
				   "/v1/recall?attestation=%" PRIu64,
				   q->attestation);
	else if (!(arg = node_escape(q->district ? q->district : q->farm)))
		return backend_error(b, "out of memory");
	else {
		if (q->season)
			rc = node_get_json(r->node, out,
					   "/v1/recall?%s=%s&season=%" PRIu32,
					   q->district ? "district" : "farm",
					   arg, q->season);
		else
			rc = node_get_json(r->node, out, "/v1/recall?farm=%s",
					   arg);
		free(arg);
	}
	return rc ? failed(r) : 0;
}

static int
node_actor(struct backend *b, const char *id, json_t **out)
{
	return get_by_id((struct remote *)b, out, "/v1/actors/", id, "");
}

static int
node_holdings(struct backend *b, const char *id, json_t **out)
{
	return get_by_id((struct remote *)b, out, "/v1/actors/", id,
			 "/holdings");
}

static int
node_leaf_at(struct backend *b, uint64_t index, uint8_t **out, size_t *out_len)
{
	struct remote *r = (struct remote *)b;
	json_t *j = NULL;
	int rc;

	if (node_get_json(r->node, &j, "/v1/entries/%" PRIu64, index))
		return failed(r);
	rc = jint(j, "index") == (json_int_t)index
		     ? node_leaf(out, out_len, json_object_get(j, "leaf"))
		     : PX_EMALFORMED;
	json_decref(j);
	if (rc == PX_ENOMEM)
		return backend_error(b, "out of memory");
	if (rc != PX_OK)
		return backend_bad_answer(b, "an entry without its leaf (the "
					     "base64 of its bytes)");
	return 0;
}

static int
node_verifier(struct backend *b, struct px_note_verifier *out, char **text)
{
	struct remote *r = (struct remote *)b;
	json_t *log = NULL;
	int rc = 0;

	if (node_get_json(r->node, &log, "/v1/log"))
		return failed(r);
	if (px_note_verifier_parse(out, jstr(log, "verifier_key")) != PX_OK)
		rc = backend_bad_answer(b, "a log without a verifier key "
					   "(NAME+HEX8+BASE64)");
	else if (text && !(*text = strdup(jstr(log, "verifier_key"))))
		rc = backend_error(b, "out of memory");
	json_decref(log);
	return rc;
}

static int
node_checkpoint(struct backend *b, uint64_t size, char **out, size_t *out_len)
{
	struct remote *r = (struct remote *)b;
	int rc;

	rc = size ? node_text(r->node, out, out_len, "GET",
			      "/v1/checkpoint?size=%" PRIu64, size)
		  : node_text(r->node, out, out_len, "GET", "/v1/checkpoint");
	return rc ? failed(r) : 0;
}

/* The hashes of a node's proof answer, which must echo what was asked. */
static int
proof_hashes(struct backend *b, json_t *j, const char *ka, uint64_t a,
	     const char *kb, uint64_t vb, struct px_hash *out, size_t *out_len)
{
	json_t *hashes = json_object_get(j, "hashes"), *h;
	size_t i, len;

	if (jint(j, ka) != (json_int_t)a || jint(j, kb) != (json_int_t)vb ||
	    !json_is_array(hashes) ||
	    json_array_size(hashes) > PX_MERKLE_MAX_PROOF)
		goto bad;
	json_array_foreach(hashes, i, h)
	{
		const char *text = json_string_value(h);

		if (!text ||
		    px_base64_decode(out[i].b, PX_HASH_LEN, &len, text,
				     strlen(text)) != PX_OK ||
		    len != PX_HASH_LEN)
			goto bad;
	}
	*out_len = json_array_size(hashes);
	return 0;
bad:
	return backend_bad_answer(b, "a proof that is not the one asked for, "
				     "as a list of base64 SHA-256 hashes");
}

static int
node_inclusion(struct backend *b, uint64_t index, uint64_t size,
	       struct px_hash *out, size_t *out_len)
{
	struct remote *r = (struct remote *)b;
	json_t *j = NULL;
	int rc;

	if (node_get_json(r->node, &j,
			  "/v1/proof/inclusion?index=%" PRIu64 "&size=%" PRIu64,
			  index, size))
		return failed(r);
	rc = proof_hashes(b, j, "index", index, "size", size, out, out_len);
	json_decref(j);
	return rc;
}

static int
node_consistency(struct backend *b, uint64_t from, uint64_t to,
		 struct px_hash *out, size_t *out_len)
{
	struct remote *r = (struct remote *)b;
	json_t *j = NULL;
	int rc;

	if (node_get_json(r->node, &j,
			  "/v1/proof/consistency?from=%" PRIu64 "&to=%" PRIu64,
			  from, to))
		return failed(r);
	rc = proof_hashes(b, j, "from", from, "to", to, out, out_len);
	json_decref(j);
	return rc;
}

static int
node_bundle(struct backend *b, const char *lot, uint64_t at, uint8_t **out,
	    size_t *out_len)
{
	struct remote *r = (struct remote *)b;
	char *esc = node_escape(lot), size[40] = "";
	int rc;

	if (!esc)
		return backend_error(b, "out of memory");
	if (at)
		snprintf(size, sizeof(size), "?size=%" PRIu64, at);
	rc = node_bytes(r->node, out, out_len, PX_BUNDLE_MAX,
			"/v1/lots/%s/bundle%s", esc, size);
	free(esc);
	return rc ? failed(r) : 0;
}

static int
node_report(struct backend *b, const char *lot, enum px_lang lang, uint64_t at,
	    struct px_html *h)
{
	struct remote *r = (struct remote *)b;
	char *esc = node_escape(lot), size[40] = "";
	uint8_t *body = NULL;
	size_t len = 0;
	int rc;

	if (!esc)
		return backend_error(b, "out of memory");
	if (at)
		snprintf(size, sizeof(size), "&size=%" PRIu64, at);
	rc = node_bytes(r->node, &body, &len, REPORT_MAX,
			"/lots/%s/report?lang=%s%s", esc, px_lang_tag(lang),
			size);
	free(esc);
	if (rc)
		rc = failed(r);
	else if (len < 15 || memcmp(body, "<!doctype html>", 15) != 0)
		rc = backend_bad_answer(b, "something that is not an HTML "
					   "report");
	else {
		px_html_put(h, "%.*s", (int)len, (const char *)body);
		rc = h->failed ? backend_error(b, "out of memory") : 0;
	}
	free(body);
	return rc;
}

static json_t *
event_list(json_t *doc)
{
	return json_object_get(json_object_get(doc, "epcisBody"), "eventList");
}

/* Entries from..to as one document, asked page by page up to the log's
 * size. */
static int
epcis_range(struct remote *r, json_t **out, uint64_t from, uint64_t to)
{
	json_t *log = NULL, *doc = NULL, *page = NULL;
	uint64_t size;
	int rc;

	if (node_get_json(r->node, &log, "/v1/log"))
		return failed(r);
	if (!json_is_integer(json_object_get(log, "size")) ||
	    json_integer_value(json_object_get(log, "size")) < 1) {
		json_decref(log);
		return backend_bad_answer(&r->b, "a log without a size");
	}
	size = (uint64_t)json_integer_value(json_object_get(log, "size"));
	json_decref(log);
	if (to > size - 1)
		to = size - 1;
	if (to < from)
		to = from; /* past the end: the node answers no events */
	for (uint64_t at = from;; at += EPCIS_PAGE) {
		uint64_t last = to - at < EPCIS_PAGE ? to : at + EPCIS_PAGE - 1;

		if (node_get_json(r->node, &page,
				  "/v1/epcis/events?from=%" PRIu64
				  "&to=%" PRIu64,
				  at, last)) {
			rc = failed(r);
			break;
		}
		if (!json_is_array(event_list(page))) {
			rc = backend_bad_answer(&r->b, "something that is not "
						       "an EPCIS document");
			break;
		}
		if (!doc) {
			doc = page;
		} else if (json_array_extend(event_list(doc),
					     event_list(page))) {
			rc = backend_error(&r->b, "out of memory");
			break;
		} else {
			json_decref(page);
		}
		page = NULL;
		rc = 0;
		if (last >= to)
			break;
	}
	json_decref(page);
	if (rc)
		json_decref(doc);
	else
		*out = doc;
	return rc;
}

static int
node_epcis(struct backend *b, const struct px_epcis_select *sel, json_t **out)
{
	struct remote *r = (struct remote *)b;
	int rc;

	*out = NULL;
	rc = sel->lot ? get_by_id(r, out, "/v1/epcis/events?lot=", sel->lot, "")
		      : epcis_range(r, out, sel->from, sel->to);
	if (rc == 0 && !json_is_array(event_list(*out))) {
		json_decref(*out);
		*out = NULL;
		rc = backend_bad_answer(b, "something that is not an EPCIS "
					   "document");
	}
	return rc;
}

/* ---- signing over HTTP: where an author's chain stands ---- */

/* What a 404 of the node means for the signer: not there. */
static int
lookup_failed(struct remote *r)
{
	failed(r);
	return node_status(r->node) == 404 &&
			       strcmp(node_code(r->node), "not_found") == 0
		       ? PX_ENOTFOUND
		       : PX_EIO;
}

static int
http_author(void *ctx, const char *actor, struct px_author_state *out)
{
	struct remote *r = ctx;
	json_t *j = NULL, *seq, *revoked;
	const char *last, *key;
	char *id = node_escape(actor);
	int rc = PX_EIO;

	memset(out, 0, sizeof(*out));
	if (!id)
		return PX_ENOMEM;
	if (node_get_json(r->node, &j, "/v1/actors/%s", id)) {
		free(id);
		return lookup_failed(r);
	}
	free(id);
	seq = json_object_get(j, "seq");
	revoked = json_object_get(j, "revoked");
	last = json_string_value(json_object_get(j, "last_hash"));
	key = json_string_value(json_object_get(j, "public_key"));
	if (!json_is_integer(seq) || json_integer_value(seq) < 0 ||
	    !json_is_boolean(revoked) || !last || !key ||
	    px_pubkey_from_base64(&out->key, key) != PX_OK ||
	    (json_integer_value(seq) > 0 &&
	     (strlen(last) != 2 * PX_HASH_LEN ||
	      px_hex_decode(out->last_hash.b, PX_HASH_LEN, last) != PX_OK))) {
		backend_bad_answer(&r->b,
				   "an actor without a sequence number, last "
				   "hash, key and revoked flag (GET "
				   "/v1/actors/{id} gives them since paxta "
				   "0.1)");
		goto out;
	}
	out->seq = (uint64_t)json_integer_value(seq);
	out->revoked = json_is_true(revoked);
	rc = PX_OK;
out:
	json_decref(j);
	return rc;
}

static int
http_index_of(void *ctx, const struct px_hash *entry_hash, uint64_t *out)
{
	struct remote *r = ctx;
	char hex[2 * PX_HASH_LEN + 1];
	uint8_t *leaf = NULL;
	size_t len;
	struct px_entry e = { 0 };
	json_t *j = NULL, *index;
	int rc = PX_EIO;

	px_hex_encode(hex, entry_hash->b, PX_HASH_LEN);
	if (node_get_json(r->node, &j, "/v1/entries/by-hash/%s", hex))
		return lookup_failed(r);
	index = json_object_get(j, "index");
	/* The index is taken only with the leaf whose entry hashes to what
	 * was asked: a void must name the entry its author means. */
	if (!json_is_integer(index) || json_integer_value(index) < 0 ||
	    node_leaf(&leaf, &len, json_object_get(j, "leaf")) != PX_OK ||
	    px_entry_read(&e, leaf, len, PX_ENTRY_HASH) != PX_OK ||
	    !e.signed_entry ||
	    memcmp(e.entry_hash.b, entry_hash->b, PX_HASH_LEN) != 0) {
		backend_bad_answer(&r->b, "an entry that is not the one whose "
					  "hash was asked");
		goto out;
	}
	*out = (uint64_t)json_integer_value(index);
	rc = PX_OK;
out:
	px_entry_release(&e);
	free(leaf);
	json_decref(j);
	return rc;
}

static void
node_signer_source(struct backend *b, struct px_signer_source *out)
{
	out->author = http_author;
	out->index_of = http_index_of;
	out->ctx = b;
}

/* ---- appending: POST /v1/entries ---- */

/* What the node said of one entry of a batch. */
static int
batch_result(struct remote *r, struct backend_result *o, json_t *res)
{
	json_t *index = json_object_get(res, "index");
	const char *code = json_string_value(json_object_get(res, "error"));
	const char *message =
		json_string_value(json_object_get(res, "message"));

	memset(o, 0, sizeof(*o));
	if (json_is_integer(index) && json_integer_value(index) >= 0) {
		o->rc = PX_OK;
		o->index = (uint64_t)json_integer_value(index);
		o->duplicate = json_is_true(json_object_get(res, "duplicate"));
		return PX_OK;
	}
	if (!code || !message) {
		backend_bad_answer(&r->b, "a result that is neither an index "
					  "nor an error");
		return PX_EIO;
	}
	/* The refusal as the local ledger words it: the node's code and
	 * sentence (a code this paxta does not know is kept as it came). */
	o->rc = PX_EREFUSED;
	o->refusal.code = px_code_from_name(code);
	snprintf(o->code, sizeof(o->code), "%s", code);
	snprintf(o->refusal.message, sizeof(o->refusal.message), "%s", message);
	text_clean(o->code);
	text_clean(o->refusal.message);
	return PX_OK;
}

/* The entries as one EntryBatch, one request. */
static int
node_append(struct backend *b, uint8_t *const *leaves, const size_t *lens,
	    size_t n, struct backend_result *out)
{
	struct remote *r = (struct remote *)b;
	Paxta__EntryBatch batch = PAXTA__ENTRY_BATCH__INIT;
	ProtobufCBinaryData *entries = calloc(n ? n : 1, sizeof(*entries));
	uint8_t *body = NULL;
	size_t len;
	json_t *j = NULL, *results;
	int rc = PX_ENOMEM;

	if (!entries)
		goto out;
	for (size_t k = 0; k < n; k++) {
		entries[k].data = leaves[k];
		entries[k].len = lens[k];
	}
	batch.entries = entries;
	batch.n_entries = n;
	len = paxta__entry_batch__get_packed_size(&batch);
	if (!(body = malloc(len ? len : 1)))
		goto out;
	paxta__entry_batch__pack(&batch, body);
	for (int tries = 1;; tries++) {
		if (node_post_json(r->node, &j, BATCH_TYPE, body, len,
				   "/v1/entries") == 0)
			break;
		/* 503: nothing of it was logged, and it may be sent again. */
		if (node_status(r->node) == 503 && tries < BUSY_TRIES) {
			sleep(1);
			continue;
		}
		/* 413: a node with a smaller body cap takes it in halves. */
		if (node_status(r->node) == 413 && n > 1) {
			size_t half = n / 2;

			rc = node_append(b, leaves, lens, half, out);
			if (rc == PX_OK)
				rc = node_append(b, leaves + half, lens + half,
						 n - half, out + half);
			goto out;
		}
		failed(r);
		rc = PX_EIO;
		goto out;
	}
	results = json_object_get(j, "results");
	if (!json_is_array(results) || json_array_size(results) != n) {
		backend_bad_answer(b, "a batch without one result per entry");
		rc = PX_EIO;
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		if ((rc = batch_result(r, &out[k],
				       json_array_get(results, k))) != PX_OK)
			goto out;
	rc = PX_OK;
out:
	json_decref(j);
	free(body);
	free(entries);
	return rc;
}

/* POST /v1/checkpoint signs one when the log grew. */
static int
node_sign_checkpoint(struct backend *b)
{
	struct remote *r = (struct remote *)b;
	char *note = NULL;
	size_t len;
	int rc = node_text(r->node, &note, &len, "POST", "/v1/checkpoint");

	free(note);
	if (rc == 0)
		return PX_OK;
	backend_error(b, "the node did not sign a checkpoint: %s",
		      node_error(r->node));
	return PX_EIO;
}

static void
node_backend_close(struct backend *b)
{
	struct remote *r = (struct remote *)b;

	node_close(r->node);
	free(r);
}

static const struct backend_ops node_ops = {
	.lot = node_lot,
	.lot_shipments = node_lot_shipments,
	.verdict = node_verdict,
	.recall = node_recall,
	.actor = node_actor,
	.holdings = node_holdings,
	.leaf = node_leaf_at,
	.verifier = node_verifier,
	.checkpoint = node_checkpoint,
	.inclusion = node_inclusion,
	.consistency = node_consistency,
	.bundle = node_bundle,
	.report = node_report,
	.epcis = node_epcis,
	.signer_source = node_signer_source,
	.append = node_append,
	.sign_checkpoint = node_sign_checkpoint,
	.close = node_backend_close,
};

int
backend_node_open(struct backend **out, const char *url)
{
	struct remote *r;
	char why[NODE_ERROR_MAX];

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return fail("out of memory");
	r->b.ops = &node_ops;
	if (node_open(&r->node, url, why)) {
		free(r);
		return fail("%s", why);
	}
	snprintf(r->b.who, sizeof(r->b.who), "node %s", node_url(r->node));
	*out = &r->b;
	return 0;
}
