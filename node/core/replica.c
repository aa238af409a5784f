/* paxta — a verifying replica of another node's log, see replica.h. */
#include <stdlib.h>
#include <string.h>

#include "paxta/replica.h"

struct combined {
	struct px_txn *t;
	uint64_t base;
	const struct px_hash *fresh;
};

/* A merkle.h source: perfect subtrees from the store below base, from the
 * fresh leaf hashes above it, and split where they straddle it. */
static int
combined_source(void *ctx, uint64_t start, unsigned level, struct px_hash *out)
{
	struct combined *c = ctx;
	uint64_t n = (uint64_t)1 << level;
	struct px_hash l, r;
	int rc;

	if (start + n <= c->base)
		return px_store_merkle_source(c->t, start, level, out);
	if (level == 0) {
		*out = c->fresh[start - c->base];
		return PX_OK;
	}
	if ((rc = combined_source(ctx, start, level - 1, &l)) != PX_OK ||
	    (rc = combined_source(ctx, start + n / 2, level - 1, &r)) != PX_OK)
		return rc;
	return px_hash_node(out, &l, &r);
}

int
px_replica_root(struct px_hash *out, struct px_txn *t, uint64_t base,
		const struct px_hash *fresh, uint64_t size)
{
	struct combined c = { t, base, fresh };

	if (base > size || base > px_store_size(t))
		return PX_EINVAL;
	return px_merkle_root(out, size, combined_source, &c);
}

int
px_replica_keep_checkpoint(struct px_ledger *l, const char *note, size_t len,
			   struct px_checkpoint *out)
{
	struct px_note_verifier v;
	struct px_checkpoint cp;
	struct px_txn *t = NULL;
	struct px_hash root;
	char *vkey = NULL;
	int rc;

	if ((rc = px_ledger_verifier_key(l, &vkey)) != PX_OK)
		return rc;
	rc = px_note_verifier_parse(&v, vkey);
	free(vkey);
	if (rc != PX_OK)
		return rc;
	if ((rc = px_checkpoint_open(&cp, note, len, &v)) != PX_OK)
		return rc;
	if ((rc = px_store_begin(&t, px_ledger_store(l), 1)) != PX_OK)
		return rc;
	if (cp.size > px_store_size(t)) {
		rc = PX_EINVAL;
		goto out;
	}
	if ((rc = px_store_root(t, cp.size, &root)) != PX_OK)
		goto out;
	if (memcmp(root.b, cp.root.b, PX_HASH_LEN) != 0) {
		rc = PX_EVERIFY;
		goto out;
	}
	if ((rc = px_store_checkpoint_put(t, cp.size, note, len)) != PX_OK)
		goto out;
	rc = px_store_commit(t);
	t = NULL;
	if (rc == PX_OK && out)
		*out = cp;
out:
	px_store_abort(t);
	return rc;
}

int
px_replica_keep_evidence(struct px_ledger *l, const struct px_hash *id,
			 const char *text)
{
	struct px_txn *t = NULL;
	int rc;

	if ((rc = px_store_begin(&t, px_ledger_store(l), 1)) != PX_OK)
		return rc;
	rc = px_store_evidence_put(t, id, text, strlen(text));
	if (rc == PX_OK) {
		rc = px_store_commit(t);
		t = NULL;
	}
	px_store_abort(t);
	return rc;
}

int
px_replica_evidence_each(struct px_ledger *l, px_store_evidence_fn fn,
			 void *ctx)
{
	struct px_txn *t = NULL;
	int rc;

	if ((rc = px_store_begin(&t, px_ledger_store(l), 0)) != PX_OK)
		return rc;
	rc = px_store_evidence_each(t, fn, ctx);
	px_store_abort(t);
	return rc;
}
