/*
 * paxta — the local backend: the ledger in a folder (--data DIR), asked
 * through the core as paxtad asks it, so its answers are the node's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "paxta/bundle.h"
#include "paxta/entry.h"
#include "paxta/holdings.h"
#include "paxta/ledger.h"
#include "paxta/lot.h"
#include "paxta/state.h"
#include "paxta/verify.h"

struct local {
	struct backend b; /* first: a struct backend * is a struct local * */
	const char *dir;
	int writable;
	struct px_ledger *l;
	struct px_txn *t;         /* the snapshot reads come from */
	struct px_verifier *pool; /* verifies appends, started at the first */
};

/* The read snapshot, taken at the first read: a writable ledger holds no
 * read transaction while it signs or appends. */
static int
snapshot(struct local *s)
{
	if (!s->t && px_ledger_read(s->l, &s->t) != PX_OK)
		return backend_error(&s->b, "cannot read the ledger");
	return 0;
}

/* PX_ENOTFOUND as not_found, anything else as "cannot WHAT 'ID': why". */
static int
lookup_error(struct local *s, int rc, const char *not_found, const char *what,
	     const char *id)
{
	if (rc == PX_ENOTFOUND)
		return backend_error(&s->b, "%s '%s' %s", what, id, not_found);
	return backend_error(&s->b, "cannot read %s '%s': %s", what, id,
			     px_strerror(rc));
}

static int
local_lot(struct backend *b, const char *lot, json_t **out)
{
	struct local *s = (struct local *)b;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_lot_json(out, s->t, lot);
	if (rc == PX_ETOOLARGE)
		return backend_error(b,
				     "lot '%s' has more lots in its lineage "
				     "than one answer may walk",
				     lot);
	return rc == PX_OK ? 0
			   : lookup_error(s, rc, "is not in the ledger", "lot",
					  lot);
}

static int
local_lot_shipments(struct backend *b, const char *lot, json_t **out)
{
	struct local *s = (struct local *)b;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_lot_shipments_json(out, s->t, lot);
	return rc == PX_OK ? 0
			   : lookup_error(s, rc, "is not in the ledger", "lot",
					  lot);
}

static int
local_verdict(struct backend *b, const char *lot, uint64_t at, json_t **out)
{
	struct local *s = (struct local *)b;
	struct px_verdict *v = NULL;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	if (at > px_store_size(s->t))
		return backend_error(b,
				     "--at %" PRIu64
				     " is past the log's %" PRIu64 " entries",
				     at, px_store_size(s->t));
	rc = px_verdict(&v, s->t, lot, at);
	if (rc == PX_ENOTFOUND)
		return backend_error(b, "lot '%s' is not in the ledger%s", lot,
				     at ? " as of that size" : "");
	if (rc != PX_OK)
		return backend_error(b, "cannot compute the verdict: %s",
				     px_strerror(rc));
	*out = px_verdict_json(v);
	px_verdict_free(v);
	return *out ? 0 : backend_error(b, "out of memory");
}

static int
local_recall(struct backend *b, const struct px_recall_query *q, json_t **out)
{
	struct local *s = (struct local *)b;
	struct px_recall *r = NULL;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_recall(&r, s->t, q);
	if (rc == PX_ENOTFOUND)
		return backend_error(
			b, "entry %" PRIu64 " is not a monitor's statement",
			q->attestation);
	if (rc != PX_OK)
		return backend_error(b, "cannot recall: %s", px_strerror(rc));
	*out = px_recall_json(r);
	px_recall_free(r);
	return *out ? 0 : backend_error(b, "out of memory");
}

static int
local_actor(struct backend *b, const char *id, json_t **out)
{
	struct local *s = (struct local *)b;
	Paxta__ActorRecord *rec = NULL;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_state_actor(s->t, id, &rec);
	if (rc == PX_ENOTFOUND)
		return backend_error(b, "actor '%s' is not registered", id);
	if (rc == PX_OK)
		*out = px_actor_json(rec);
	px_state_free(rec);
	if (rc != PX_OK || !*out)
		return backend_error(b, "cannot read actor '%s'", id);
	return 0;
}

static int
local_holdings(struct backend *b, const char *id, json_t **out)
{
	struct local *s = (struct local *)b;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_holdings_json(out, s->t, id);
	return rc == PX_OK
		       ? 0
		       : lookup_error(s, rc, "is not registered", "actor", id);
}

static int
local_leaf(struct backend *b, uint64_t index, uint8_t **out, size_t *out_len)
{
	struct local *s = (struct local *)b;
	const uint8_t *leaf;

	if (snapshot(s))
		return EXIT_ERROR;
	if (px_store_leaf(s->t, index, &leaf, out_len) != PX_OK)
		return backend_error(
			b, "no entry %" PRIu64 " (the log has %" PRIu64 ")",
			index, px_store_size(s->t));
	if (!(*out = malloc(*out_len ? *out_len : 1)))
		return backend_error(b, "out of memory");
	memcpy(*out, leaf, *out_len);
	return 0;
}

static int
local_verifier(struct backend *b, struct px_note_verifier *out, char **text)
{
	struct local *s = (struct local *)b;
	char *key = NULL;

	if (px_ledger_verifier_key(s->l, &key) != PX_OK ||
	    px_note_verifier_parse(out, key) != PX_OK) {
		free(key);
		return backend_error(b, "cannot read the ledger's verifier "
					"key");
	}
	if (text)
		*text = key;
	else
		free(key);
	return 0;
}

static int
local_checkpoint(struct backend *b, uint64_t size, char **out, size_t *out_len)
{
	struct local *s = (struct local *)b;
	const char *note;
	uint64_t latest;
	int rc;

	*out = NULL;
	if (size == 0 && s->writable) {
		/* Sign when we may write; a running node signs its own. */
		if ((rc = px_ledger_checkpoint(s->l, out)) != PX_OK)
			return backend_error(b,
					     "cannot read the checkpoint: %s",
					     px_strerror(rc));
		*out_len = strlen(*out);
		return 0;
	}
	if (snapshot(s))
		return EXIT_ERROR;
	rc = size ? px_store_checkpoint_get(s->t, size, &note, out_len)
		  : px_store_checkpoint_latest(s->t, &latest, &note, out_len);
	if (rc == PX_ENOTFOUND && size)
		return backend_error(b,
				     "the ledger signed no checkpoint of "
				     "%" PRIu64 " entries",
				     size);
	if (rc != PX_OK)
		return backend_error(b,
				     "cannot read the ledger's checkpoint: %s",
				     px_strerror(rc));
	if (!(*out = strndup(note, *out_len)))
		return backend_error(b, "out of memory");
	return 0;
}

/* A proof made from the snapshot (rc), or why not. */
static int
proof_made(struct backend *b, int rc)
{
	return rc == PX_OK ? 0
			   : backend_error(b, "cannot make the proof: %s",
					   px_strerror(rc));
}

static int
local_inclusion(struct backend *b, uint64_t index, uint64_t size,
		struct px_hash *out, size_t *out_len)
{
	struct local *s = (struct local *)b;

	if (snapshot(s))
		return EXIT_ERROR;
	return proof_made(
		b, px_merkle_inclusion_proof(out, out_len, index, size,
					     px_store_merkle_source, s->t));
}

static int
local_consistency(struct backend *b, uint64_t from, uint64_t to,
		  struct px_hash *out, size_t *out_len)
{
	struct local *s = (struct local *)b;

	if (snapshot(s))
		return EXIT_ERROR;
	return proof_made(b, px_merkle_consistency_proof(out, out_len, from, to,
							 px_store_merkle_source,
							 s->t));
}

/* Not in the ledger, or not at the checkpoint asked for. */
static int
lot_not_found(struct backend *b, const char *lot, uint64_t at)
{
	if (at)
		return backend_error(
			b,
			"lot '%s' is not in the ledger at a signed "
			"checkpoint of %" PRIu64 " entries",
			lot, at);
	return backend_error(b, "lot '%s' is not in the ledger", lot);
}

static int
local_bundle(struct backend *b, const char *lot, uint64_t at, uint8_t **out,
	     size_t *out_len)
{
	struct local *s = (struct local *)b;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_bundle_build(out, out_len, s->t, lot, at, NULL);
	if (rc == PX_ENOTFOUND)
		return lot_not_found(b, lot, at);
	if (rc == PX_ETOOLARGE)
		return backend_error(b,
				     "lot '%s' has a lineage too large for one "
				     "bundle",
				     lot);
	if (rc != PX_OK)
		return backend_error(b,
				     "cannot make the bundle of lot '%s': %s",
				     lot, px_strerror(rc));
	return 0;
}

static int
local_report(struct backend *b, const char *lot, enum px_lang lang, uint64_t at,
	     struct px_html *h)
{
	struct local *s = (struct local *)b;
	struct px_html_opts o = {
		.lang = lang,
		.size = at,
		.now = (int64_t)time(NULL),
		.data_dir_hint = s->dir,
		.origin = px_ledger_origin(s->l),
	};
	char *verifier = NULL;
	unsigned status = 500;
	int rc;

	rc = px_ledger_verifier_key(s->l, &verifier);
	if (rc == PX_OK && snapshot(s)) {
		free(verifier);
		return EXIT_ERROR;
	}
	if (rc == PX_OK) {
		o.verifier_key = verifier;
		rc = px_html_report(h, &status, s->t, lot, &o);
	}
	free(verifier);
	if (rc != PX_OK)
		return backend_error(b,
				     "cannot make the report of lot '%s': %s",
				     lot, px_strerror(rc));
	if (status == 404)
		return lot_not_found(b, lot, at);
	if (status == 400)
		return backend_error(b, "'%s' is not a lot id", lot);
	if (status != 200)
		return backend_error(b,
				     "cannot make the report of lot '%s' (its "
				     "lineage is too large, or the ledger "
				     "cannot be read)",
				     lot);
	return 0;
}

static int
local_epcis(struct backend *b, const struct px_epcis_select *sel, json_t **out)
{
	struct local *s = (struct local *)b;
	int rc;

	if (snapshot(s))
		return EXIT_ERROR;
	rc = px_epcis_export(out, s->t, px_ledger_origin(s->l), sel,
			     (int64_t)time(NULL));
	if (rc == PX_ENOTFOUND) {
		/* The answer is no: there is no such lot to export. */
		backend_error(b, "no lot '%s' in the ledger", sel->lot);
		return EXIT_NO;
	}
	return rc == PX_OK
		       ? 0
		       : backend_error(b, "cannot export: %s", px_strerror(rc));
}

static void
local_signer_source(struct backend *b, struct px_signer_source *out)
{
	px_ledger_signer_source(((struct local *)b)->l, out);
}

static int
local_append(struct backend *b, uint8_t *const *leaves, const size_t *lens,
	     size_t n, struct backend_result *out)
{
	struct local *s = (struct local *)b;
	struct px_entry *entries = calloc(n, sizeof(*entries));
	struct px_entry **ptrs = calloc(n, sizeof(*ptrs));
	int rc = PX_ENOMEM;

	if (!entries || !ptrs)
		goto out;
	if (!s->pool && (rc = px_verifier_new(&s->pool, 0)) != PX_OK) {
		backend_error(b, "cannot start verifier threads");
		goto out;
	}
	/* Hashed, decoded and verified in parallel, then one transaction. */
	for (size_t k = 0; k < n; k++) {
		px_entry_init(&entries[k], leaves[k], lens[k]);
		ptrs[k] = &entries[k];
	}
	if ((rc = px_verifier_run(s->pool, ptrs, n, PX_ENTRY_ALL)) != PX_OK)
		goto out;
	if ((rc = px_ledger_append(s->l, ptrs, n, (int64_t)time(NULL))) !=
	    PX_OK)
		goto out;
	for (size_t k = 0; k < n; k++) {
		const struct px_append_result *res = &entries[k].result;

		memset(&out[k], 0, sizeof(out[k]));
		out[k].rc = res->rc;
		out[k].duplicate = res->duplicate;
		out[k].index = res->index;
		out[k].refusal = res->refusal;
	}
out:
	for (size_t k = 0; entries && k < n; k++)
		px_entry_release(&entries[k]);
	free(entries);
	free(ptrs);
	return rc;
}

static int
local_sign_checkpoint(struct backend *b)
{
	int rc = px_ledger_checkpoint(((struct local *)b)->l, NULL);

	if (rc != PX_OK)
		backend_error(b, "cannot sign a checkpoint: %s",
			      px_strerror(rc));
	return rc;
}

static void
local_close(struct backend *b)
{
	struct local *s = (struct local *)b;

	px_store_abort(s->t);
	px_verifier_free(s->pool);
	px_ledger_close(s->l);
	free(s);
}

static const struct backend_ops local_ops = {
	.lot = local_lot,
	.lot_shipments = local_lot_shipments,
	.verdict = local_verdict,
	.recall = local_recall,
	.actor = local_actor,
	.holdings = local_holdings,
	.leaf = local_leaf,
	.verifier = local_verifier,
	.checkpoint = local_checkpoint,
	.inclusion = local_inclusion,
	.consistency = local_consistency,
	.bundle = local_bundle,
	.report = local_report,
	.epcis = local_epcis,
	.signer_source = local_signer_source,
	.append = local_append,
	.sign_checkpoint = local_sign_checkpoint,
	.close = local_close,
};

int
backend_local_open(struct backend **out, const struct cli_common *c,
		   enum backend_mode mode)
{
	struct local *s;
	int rc;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return fail("out of memory");
	s->b.ops = &local_ops;
	snprintf(s->b.who, sizeof(s->b.who), "the ledger");
	s->dir = c->data;
	switch (mode) {
	case BACKEND_READ:
		rc = open_ledger(&s->l, c->data, PX_LEDGER_READONLY);
		break;
	case BACKEND_APPEND:
		rc = open_ledger_key(&s->l, c->data, c->node_key, 0);
		s->writable = 1;
		break;
	case BACKEND_CHECKPOINT:
		/* Writable when the key is at hand and no node runs on DIR;
		 * else the latest checkpoint kept is read. */
		rc = px_ledger_open_key(&s->l, c->data ? c->data : "",
					c->node_key, 0);
		s->writable = rc == PX_OK;
		if (rc == PX_ELOCKED || (rc == PX_ENOTFOUND && !c->node_key))
			rc = px_ledger_open(&s->l, c->data, PX_LEDGER_READONLY);
		if (rc != PX_OK)
			rc = open_ledger(&s->l, c->data, PX_LEDGER_READONLY);
		break;
	default:
		rc = fail("no such backend mode");
		break;
	}
	if (rc) {
		local_close(&s->b);
		return EXIT_ERROR;
	}
	*out = &s->b;
	return 0;
}
