/*
 * paxta — a bundle verified with no ledger (bundle.h, docs/bundle.md):
 * its proofs, then its leaves replayed through the rules into a scratch
 * store, then the verdict by the same code as `paxta verify`.
 *
 * The leaves keep their own indexes in the scratch log: the state records
 * indexes (a lot's creating entry, a statement's, a key's first one) and
 * the verdict reads leaves by them, so the places between the bundle's
 * leaves are filled with gap leaves no rule ever reads. The cost grows
 * with the checkpoint's size, not only the bundle's.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "bundle_index.h"
#include "paxta/bundle.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/ledger.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/rules.h"
#include "paxta/state.h"
#include "paxta/store.h"

/* Leaves per scratch write transaction: a big log's gaps are not held in
 * one. */
#define COMMIT_EVERY 65536

__attribute__((format(printf, 3, 4))) static int
problem(struct px_bundle_problem *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	return rc;
}

/* Leaf 0 must be a genesis of the checkpoint's origin by the trusted key:
 * the trust anchor of every registration after it. */
static int
genesis(struct px_policy *policy, struct px_bundle_problem *p,
	const Paxta__Bundle *b, const struct px_checkpoint *cp,
	const struct px_note_verifier *verifier)
{
	const Paxta__BundleLeaf *bl = b->leaves[0];
	struct px_entry e;
	const Paxta__Genesis *g;
	int rc;

	rc = px_entry_read(&e, bl->leaf.data, bl->leaf.len, PX_ENTRY_DECODE);
	if (rc != PX_OK)
		return rc;
	rc = PX_EVERIFY;
	if (e.status != PX_OK || !e.body ||
	    e.body->body_case != PAXTA__ENTRY__BODY_GENESIS ||
	    !e.body->genesis->policy) {
		problem(p, rc, "leaf 0 is not a genesis");
		goto out;
	}
	g = e.body->genesis;
	if (strcmp(g->origin, cp->origin) != 0) {
		problem(p, rc, "the genesis is of log '%s', not '%s'",
			g->origin, cp->origin);
		goto out;
	}
	if (memcmp(e.env.pub.b, verifier->pub.b, PX_PUBKEY_LEN) != 0) {
		problem(p, rc, "the genesis is not signed by the trusted key");
		goto out;
	}
	if (px_policy_read(policy, g->policy) != PX_OK) {
		problem(p, rc, "the genesis's policy names an unknown kind");
		goto out;
	}
	rc = PX_OK;
out:
	px_entry_release(&e);
	return rc;
}

/* The places between the bundle's leaves: bytes no entry can be (they do
 * not decode as one), unique by index. */
static int
gap_leaf(struct px_txn *t, uint64_t index)
{
	uint8_t leaf[24] = "paxta bundle gap";
	struct px_hash h;
	int rc;

	px_put_be64(leaf + 16, index);
	rc = px_hash_leaf(&h, leaf, sizeof(leaf));
	if (rc == PX_OK)
		rc = px_store_append(t, leaf, sizeof(leaf), &h, &h);
	return rc;
}

/*
 * The bundle leaves out an author's entries between the ones it holds, so
 * its chain is taken up where the next entry says it stands (its sequence
 * number and previous hash) — unless the entry is the very next one after
 * the last replayed, when the rule checks the link itself. Sequence
 * numbers that do not grow are left for the rule to refuse.
 */
static int
skip_ahead(struct px_txn *t, const Paxta__Entry *e)
{
	Paxta__ActorRecord *rec = NULL;
	ProtobufCBinaryData last;
	int rc;

	rc = px_state_actor(t, e->actor, &rec);
	if (rc == PX_ENOTFOUND)
		return PX_OK; /* the rule says so */
	if (rc != PX_OK)
		return rc;
	if (e->seq > rec->seq + 1) {
		last = rec->last_hash;
		rec->seq = e->seq - 1;
		rec->last_hash = e->prev;
		rc = px_state_put_actor(t, rec);
		rec->last_hash = last;
	}
	px_state_free(rec);
	return rc;
}

/* Lots the replay took on a shipment's word. */
struct strangers {
	char (*ids)[PX_ID_MAX + 1];
	size_t n, cap;
};

/*
 * A shipment may carry lots besides the lineage's (a truck of bales from
 * one gin): their history is not in the bundle, and cannot bear on the
 * verdict, since nothing of the lineage was made from them. So the sender
 * is taken to hold what the transfer ships of each lot the replay has not
 * met, for the rules to check the rest of the transfer. Such a lot must
 * stay out of the lineage (verify, after the replay): a lineage lot whose
 * creation was taken out of the bundle shows up as one.
 */
static int
take_strangers(struct px_txn *t, struct strangers *st, const Paxta__Entry *e)
{
	const Paxta__Transfer *tr = e->transfer;
	int rc = PX_OK;

	for (size_t i = 0; i < tr->n_lots && rc == PX_OK; i++) {
		const char *lot = tr->lots[i]->lot;
		Paxta__LotRecord rec = PAXTA__LOT_RECORD__INIT, *known = NULL;

		if (!px_state_valid_id(lot))
			continue; /* the rule says so */
		rc = px_state_lot(t, lot, &known);
		px_state_free(known);
		if (rc != PX_ENOTFOUND)
			continue;
		rec.id = (char *)lot;
		rec.creator = e->actor;
		rec.grams = tr->lots[i]->grams;
		rc = px_state_put_lot(t, &rec);
		if (rc == PX_OK)
			rc = px_state_set_holding(t, lot, e->actor,
						  tr->lots[i]->grams);
		if (rc == PX_OK)
			rc = px_array_grow((void **)&st->ids, &st->cap,
					   st->n + 1, sizeof(*st->ids));
		if (rc == PX_OK)
			strcpy(st->ids[st->n++], lot);
	}
	return rc;
}

static int
replay_leaf(struct px_txn *t, const struct px_rules_ctx *ctx,
	    struct px_bundle_problem *p, const Paxta__BundleLeaf *bl,
	    struct strangers *st)
{
	struct px_entry e;
	int rc;

	rc = px_entry_read(&e, bl->leaf.data, bl->leaf.len, PX_ENTRY_ALL);
	if (rc != PX_OK)
		return rc;
	if (e.status != PX_OK) {
		rc = problem(p, PX_EVERIFY, "leaf %" PRIu64 ": %s", bl->index,
			     e.result.refusal.message);
		goto out;
	}
	/* An index root commits to the whole log's index, of which the
	 * scratch store holds a part: it is checked against the proofs
	 * (px_bundle_index_check), not replayed, and kept at its index. */
	if (e.body->body_case == PAXTA__ENTRY__BODY_INDEX_ROOT) {
		rc = px_bundle_index_root_leaf(p, bl, ctx->node_key, NULL);
		if (rc == PX_OK)
			rc = px_store_append(t, e.leaf, e.leaf_len,
					     &e.leaf_hash, &e.entry_hash);
		goto out;
	}
	/* A void the index lists under a lot whose id a corrected entry took
	 * again withdraws that lot's earlier version, which is not in the
	 * bundle (its leaf here is a gap): nothing of the lineage rests on
	 * it, so it is checked (signature, inclusion, the index's list) and
	 * kept at its index, not replayed. A void of an entry the bundle
	 * holds is replayed like any other. */
	if (e.body->body_case == PAXTA__ENTRY__BODY_VOID) {
		struct px_entry target;
		int held = px_state_entry(t, e.body->void_->index, &target);

		px_entry_release(&target);
		if (held == PX_ESTORE || held == PX_ENOTFOUND) {
			rc = px_store_append(t, e.leaf, e.leaf_len,
					     &e.leaf_hash, &e.entry_hash);
			goto out;
		}
		if (held != PX_OK) {
			rc = held;
			goto out;
		}
	}
	if (e.body->body_case != PAXTA__ENTRY__BODY_GENESIS &&
	    (rc = skip_ahead(t, e.body)) != PX_OK)
		goto out;
	if (e.body->body_case == PAXTA__ENTRY__BODY_TRANSFER &&
	    (rc = take_strangers(t, st, e.body)) != PX_OK)
		goto out;
	rc = px_ledger_apply(t, ctx, &e);
	if (rc == PX_EREFUSED || rc == PX_EVERIFY)
		rc = problem(p, PX_EVERIFY,
			     "leaf %" PRIu64 " (%s by '%s') breaks a rule "
			     "(%s): %s",
			     bl->index, px_entry_kind_name(e.body->body_case),
			     e.body->actor, px_code_name(e.result.refusal.code),
			     e.result.refusal.message);
	else if (rc == PX_EEXIST)
		rc = problem(p, PX_EVERIFY, "leaf %" PRIu64 " is logged twice",
			     bl->index);
out:
	px_entry_release(&e);
	return rc;
}

/* One more leaf written in *t: every COMMIT_EVERY of them, commit and
 * go on in a new transaction. */
static int
written(struct px_store *s, struct px_txn **t, uint64_t *since)
{
	int rc;

	if (++*since < COMMIT_EVERY)
		return PX_OK;
	*since = 0;
	rc = px_store_commit(*t);
	*t = NULL;
	if (rc == PX_OK)
		rc = px_store_begin(t, s, 1);
	return rc;
}

/* Gap leaves from *next up to until. */
static int
fill(struct px_store *s, struct px_txn **t, uint64_t *next, uint64_t until,
     uint64_t *since)
{
	int rc = PX_OK;

	for (; *next < until && rc == PX_OK; ++*next) {
		rc = gap_leaf(*t, *next);
		if (rc == PX_OK)
			rc = written(s, t, since);
	}
	return rc;
}

/* Every leaf at its index, the gaps filled, up to size: the verdict is as
 * of it. */
static int
replay(struct px_store *s, const struct px_rules_ctx *ctx,
       struct px_bundle_problem *p, const Paxta__Bundle *b, uint64_t size,
       struct strangers *st)
{
	struct px_txn *t = NULL;
	uint64_t next = 0, since = 0;
	int rc;

	if ((rc = px_store_begin(&t, s, 1)) != PX_OK)
		return rc;
	for (size_t i = 0; i < b->n_leaves && rc == PX_OK; i++) {
		rc = fill(s, &t, &next, b->leaves[i]->index, &since);
		if (rc == PX_OK)
			rc = replay_leaf(t, ctx, p, b->leaves[i], st);
		next++;
		if (rc == PX_OK)
			rc = written(s, &t, &since);
	}
	if (rc == PX_OK)
		rc = fill(s, &t, &next, size, &since);
	if (rc == PX_OK) {
		rc = px_store_commit(t);
		t = NULL;
	}
	px_store_abort(t);
	return rc;
}

/* No lot of the lineage may be one taken on a shipment's word, and
 * nothing logged on the lineage's keys may be left out. */
static int
no_strangers(struct px_txn *t, struct px_bundle_problem *p,
	     const Paxta__Bundle *b, const struct px_checkpoint *cp,
	     const struct px_pubkey *node_key, const struct strangers *st)
{
	struct px_lineage *g = NULL;
	int rc;

	if ((rc = px_lineage(&g, t, b->lot, 0)) != PX_OK)
		return rc;
	for (size_t i = 0; i < g->n_lots && rc == PX_OK; i++)
		for (size_t k = 0; k < st->n; k++)
			if (strcmp(g->lots[i].lot, st->ids[k]) == 0) {
				rc = problem(p, PX_EVERIFY,
					     "the entry that made lot '%s' of "
					     "the lineage is not in the bundle",
					     st->ids[k]);
				break;
			}
	if (rc == PX_OK)
		rc = px_bundle_index_check(p, b, cp, node_key, g);
	px_lineage_free(g);
	return rc;
}

int
px_bundle_verify(struct px_verdict **out, struct px_checkpoint *cp,
		 struct px_bundle_problem *p, const Paxta__Bundle *b,
		 const struct px_note_verifier *verifier,
		 const char *scratch_dir)
{
	struct px_policy policy;
	struct px_rules_ctx ctx;
	struct strangers st = { 0 };
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = px_bundle_check(cp, p, b, verifier)) != PX_OK)
		return rc;
	if ((rc = genesis(&policy, p, b, cp, verifier)) != PX_OK)
		return rc;
	if (!px_state_valid_id(b->lot))
		return problem(p, PX_EMALFORMED, "the bundle names no lot");
	/* The skew rule is the node's clock at the time: not checked. */
	ctx = (struct px_rules_ctx){ .policy = &policy,
				     .node_key = &verifier->pub,
				     .now = INT64_MAX };
	rc = px_store_open_scratch(&s, scratch_dir, "paxta-bundle");
	if (rc == PX_OK)
		rc = replay(s, &ctx, p, b, cp->size, &st);
	if (rc == PX_OK)
		rc = px_store_begin(&t, s, 0);
	if (rc == PX_OK)
		rc = no_strangers(t, p, b, cp, &verifier->pub, &st);
	if (rc == PX_OK)
		rc = px_verdict(out, t, b->lot, cp->size);
	if (rc == PX_ENOTFOUND)
		rc = problem(p, PX_EVERIFY, "the bundle does not hold lot '%s'",
			     b->lot);
	if (rc != PX_OK) {
		px_verdict_free(*out);
		*out = NULL;
	}
	free(st.ids);
	px_store_abort(t);
	px_store_close(s);
	return rc;
}
