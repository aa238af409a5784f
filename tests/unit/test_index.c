/*
 * Unit tests for the verifiable index (index.c, bundle_index.c): what moves
 * the root, the index root the node logs and the rule that checks it,
 * audit's recomputation, a bundle's completeness proofs, and the stored
 * tree against smt.c's from scratch.
 *
 * The season: farm 1 harvests H-1 and H-2, farm 2 harvests H-3; a monitor
 * certifies farm 1, a lab tests H-1, farm 1 ships H-1 to the gin and voids
 * H-2. Nothing is ever said about farm 2 or H-3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/bundle.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/index.h"
#include "paxta/smt.h"
#include "paxta/state.h"
#include "paxta/store.h"
#include "support.h"

#define FARM_1  "uz.farm.1"
#define FARM_2  "uz.farm.2"
#define GIN     "uz.gin.1"
#define MONITOR "monitor.tpm"
#define LAB     "lab.iso"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

struct season {
	struct pxt_ledger *fx;
	uint64_t attest, lab, void_, harvest_2;
};

static struct px_hash
root_now(struct pxt_ledger *fx)
{
	struct px_txn *t = NULL;
	struct px_hash root;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_index_root(t, &root), PX_OK);
	px_store_abort(t);
	return root;
}

static int
same(const struct px_hash *a, const struct px_hash *b)
{
	return memcmp(a->b, b->b, PX_HASH_LEN) == 0;
}

static uint64_t
harvest(struct pxt_ledger *fx, const char *farm, const char *lot)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'%s','lot':'%s','kg':1000,"
		      "'season':2026,'district':'UZ-SA-KTK','method':'hand',"
		      "'harvested_at':'2026-09-21T08:00:00Z'}",
		      farm, lot);
}

/* The season, asserting after each entry whether the root moved. */
static int
setup(void **state)
{
	struct season *s = calloc(1, sizeof(*s));
	struct pxt_ledger *fx;
	struct px_hash r0, r;

	assert_non_null(s);
	s->fx = fx = pxt_ledger_new(NULL);
	pxt_register(fx, FARM_1, "farm", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, FARM_2, "farm", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, GIN, "gin", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, MONITOR, "monitor", "UZ-TK", "UZ-TK-TAS");
	pxt_register(fx, LAB, "lab", "UZ-TK", "UZ-TK-TAS");
	harvest(fx, FARM_1, "H-1");
	s->harvest_2 = harvest(fx, FARM_1, "H-2");
	harvest(fx, FARM_2, "H-3");
	r0 = root_now(fx);
	assert_true(same(&r0, &(struct px_hash){ { 0 } })); /* nothing yet */

	s->attest = pxt_ok(fx,
			   "{'kind':'attest','actor':'%s','subject':'farm:%s',"
			   "'season':2026,'status':'certified','indicators':"
			   "[],'report_uri':'https://example.org/tpm.pdf',"
			   "'report_sha256':'%s'}",
			   MONITOR, FARM_1, REPORT);
	r = root_now(fx);
	assert_false(same(&r, &r0)); /* a statement moves it */
	r0 = r;

	pxt_ok(fx,
	       "{'kind':'transfer','actor':'%s','to':'%s','shipment':'WB-1',"
	       "'lots':[{'lot':'H-1','kg':1000}]}",
	       FARM_1, GIN);
	pxt_ok(fx,
	       "{'kind':'receive','actor':'%s','shipment':'WB-1','lots':[{"
	       "'lot':'H-1','kg':1000}]}",
	       GIN);
	r = root_now(fx);
	assert_true(same(&r, &r0)); /* a transfer and a receive do not */

	s->lab = pxt_ok(fx,
			"{'kind':'lab_result','actor':'%s','lot':'H-1',"
			"'matches':true,'claimed_region':'UZ-SA',"
			"'report_sha256':'%s'}",
			LAB, REPORT);
	r = root_now(fx);
	assert_false(same(&r, &r0)); /* a lab result does */
	r0 = r;

	s->void_ = pxt_ok(fx, "{'kind':'void','actor':'%s','entry':%llu}",
			  FARM_1, (unsigned long long)s->harvest_2);
	r = root_now(fx);
	assert_false(same(&r, &r0)); /* and a void */
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct season *s = *state;

	pxt_ledger_free(s->fx);
	free(s);
	return 0;
}

static void
assert_list(struct pxt_ledger *fx, const char *label, const uint64_t *want,
	    size_t n)
{
	struct px_txn *t = NULL;
	struct px_hash key;
	uint64_t *got = NULL;
	size_t n_got = 0;

	assert_int_equal(px_smt_key(&key, label), PX_OK);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_index_list(&got, &n_got, t, &key, UINT64_MAX),
			 PX_OK);
	px_store_abort(t);
	assert_int_equal(n_got, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	free(got);
}

/* Each entry lands on its key's list, and nothing else does. */
static void
test_lists(void **state)
{
	struct season *s = *state;

	assert_list(s->fx, "farm:" FARM_1, &s->attest, 1);
	assert_list(s->fx, "lot:H-1", &s->lab, 1);
	assert_list(s->fx, "lot:H-2", &s->void_, 1);
	assert_list(s->fx, "lot:H-3", NULL, 0);
	assert_list(s->fx, "farm:" FARM_2, NULL, 0);
	assert_list(s->fx, "actor:" GIN, NULL, 0);
}

/* An index root signed by the node's key, over size, with root. */
static void
index_root_leaf(struct pxt_ledger *fx, uint8_t **out, size_t *out_len,
		uint64_t size, const struct px_hash *root,
		const struct px_seckey *key)
{
	Paxta__Entry body = PAXTA__ENTRY__INIT;
	Paxta__IndexRoot ir = PAXTA__INDEX_ROOT__INIT;
	uint8_t *payload = NULL;
	size_t payload_len;

	ir.size = size;
	ir.root.data = (uint8_t *)root->b;
	ir.root.len = PX_HASH_LEN;
	body.actor = (char *)px_ledger_origin(fx->l);
	body.time = fx->now;
	body.body_case = PAXTA__ENTRY__BODY_INDEX_ROOT;
	body.index_root = &ir;
	assert_int_equal(px_entry_body_encode(&payload, &payload_len, &body),
			 PX_OK);
	assert_int_equal(px_entry_seal(out, out_len, payload, payload_len, key),
			 PX_OK);
	free(payload);
}

static void
node_key(struct pxt_ledger *fx, struct px_seckey *out)
{
	char *path = NULL;

	assert_int_equal(px_ledger_default_key_path(&path, fx->dir), PX_OK);
	assert_int_equal(px_key_read_pem(out, path), PX_OK);
	free(path);
}

static void
refused(struct pxt_ledger *fx, const uint8_t *leaf, size_t len,
	enum px_code want)
{
	struct px_append_result res;
	struct pxt_snapshot before, after;
	const uint8_t *leaves[1] = { leaf };
	size_t lens[1] = { len };

	pxt_snapshot(fx, &before);
	assert_int_equal(pxt_append(fx->l, leaves, lens, 1, fx->now, &res),
			 PX_OK);
	assert_int_equal(res.rc, PX_EREFUSED);
	if (res.refusal.code != want)
		fail_msg("refused as %s (%s), not %s",
			 px_code_name(res.refusal.code), res.refusal.message,
			 px_code_name(want));
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
}

/* The node logs its root with the checkpoint; the rule refuses a wrong
 * root, one over another size, and one signed by another key. */
static void
test_index_root_logged_and_checked(void **state)
{
	struct season *s = *state;
	struct pxt_ledger *fx = s->fx;
	struct px_seckey node, other;
	struct px_hash root = root_now(fx), wrong = root;
	struct px_entry e = { 0 };
	struct px_txn *t = NULL;
	uint64_t size = pxt_log_size(fx->l), cps = pxt_checkpoint_count(fx->l);
	uint8_t *leaf = NULL;
	size_t len;

	node_key(fx, &node);
	assert_int_equal(px_key_generate(&other), PX_OK);
	wrong.b[0] ^= 1;
	index_root_leaf(fx, &leaf, &len, size, &wrong, &node);
	refused(fx, leaf, len, PX_CODE_INDEX_ROOT);
	free(leaf);
	index_root_leaf(fx, &leaf, &len, size - 1, &root, &node);
	refused(fx, leaf, len, PX_CODE_MALFORMED);
	free(leaf);
	index_root_leaf(fx, &leaf, &len, size, &root, &other);
	refused(fx, leaf, len, PX_CODE_BAD_SIGNATURE);
	free(leaf);

	/* The checkpoint: the root at size, then the note over size + 1. */
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(pxt_log_size(fx->l), size + 1);
	assert_int_equal(pxt_checkpoint_count(fx->l), cps + 1);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_entry(t, size, &e), PX_OK);
	assert_int_equal(e.body->body_case, PAXTA__ENTRY__BODY_INDEX_ROOT);
	assert_int_equal(e.body->index_root->size, size);
	assert_memory_equal(e.body->index_root->root.data, root.b, PX_HASH_LEN);
	px_entry_release(&e);
	px_store_abort(t);
	/* Nothing new: no second root, no new checkpoint. */
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(pxt_log_size(fx->l), size + 1);
	/* A transfer logged after it: the next checkpoint ends with a root
	 * again, the same one (nothing indexed moved). */
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'%s','to':'%s','shipment':'WB-3',"
	       "'lots':[{'lot':'H-3','kg':10}]}",
	       FARM_2, GIN);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(pxt_log_size(fx->l), size + 3);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_entry(t, size + 2, &e), PX_OK);
	assert_int_equal(e.body->body_case, PAXTA__ENTRY__BODY_INDEX_ROOT);
	assert_memory_equal(e.body->index_root->root.data, root.b, PX_HASH_LEN);
	px_entry_release(&e);
	px_store_abort(t);
	px_key_wipe(&node);
	px_key_wipe(&other);
}

/* A wrong root put in the log behind the rules' back: audit recomputes
 * every root from the log and names the one that is wrong. */
static void
test_audit_catches_a_wrong_root(void **state)
{
	struct season *s = *state;
	struct pxt_ledger *fx = s->fx;
	struct px_audit_report rep;
	struct px_seckey node;
	struct px_store *st = NULL;
	struct px_txn *t = NULL;
	struct px_hash wrong = root_now(fx), h, key;
	uint64_t at;
	int64_t when;
	uint8_t *leaf = NULL, *wrapped = NULL;
	size_t len, wrapped_len;

	/* A good root first: audit finds the log intact. */
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
	if (!rep.intact)
		fail_msg("a good index root: %s", rep.problem);

	node_key(fx, &node);
	pxt_ok(fx,
	       "{'kind':'attest','actor':'%s','subject':'farm:%s','season':"
	       "2026,'status':'forced_labour','indicators':[],'report_uri':"
	       "'https://example.org/tpm.pdf','report_sha256':'%s'}",
	       MONITOR, FARM_2, REPORT);
	/* The root as it was before the finding: what a node hiding it
	 * would log. */
	at = pxt_log_size(fx->l);
	index_root_leaf(fx, &leaf, &len, at, &wrong, &node);
	/* The checkpoint's own root was logged on the real clock, which may
	 * be a second past the test's: the forgery keeps the log's times
	 * running forward, so the root is all that is wrong with it. */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_accepted_at(t, at - 1, &when), PX_OK);
	px_store_abort(t);
	t = NULL;
	if (when < fx->now)
		when = fx->now;
	px_signer_free(fx->signer);
	fx->signer = NULL;
	px_ledger_close(fx->l);
	fx->l = NULL;
	/* Wrapped as the node would, at its clock now. */
	assert_int_equal(px_leaf_make(&wrapped, &wrapped_len, leaf, len, when),
			 PX_OK);
	assert_int_equal(px_hash_leaf(&h, wrapped, wrapped_len), PX_OK);
	assert_int_equal(px_entry_hash(&key, leaf, len), PX_OK);
	assert_int_equal(px_store_open(&st, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, st, 1), PX_OK);
	assert_int_equal(px_store_append(t, wrapped, wrapped_len, &h, &key),
			 PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(st);
	free(wrapped);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);

	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, at);
	if (!strstr(rep.problem, "index root"))
		fail_msg("the problem does not name the index root: %s",
			 rep.problem);
	free(leaf);
	px_key_wipe(&node);
}

/* ---- bundles ---- */

static Paxta__Bundle *
bundle_of(struct pxt_ledger *fx, const char *lot)
{
	Paxta__Bundle *b = NULL;
	struct px_txn *t = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;

	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_bundle_build(&bytes, &len, t, lot, 0, NULL), PX_OK);
	px_store_abort(t);
	assert_int_equal(px_bundle_decode(&b, bytes, len), PX_OK);
	free(bytes);
	return b;
}

/* px_bundle_verify's rc; the problem must hold want (may be NULL). */
static int
verify(struct pxt_ledger *fx, const Paxta__Bundle *b, const char *want)
{
	struct px_note_verifier v;
	struct px_bundle_problem p;
	struct px_verdict *verdict = NULL;
	struct px_checkpoint cp;
	char *text = NULL;
	int rc;

	assert_int_equal(px_ledger_verifier_key(fx->l, &text), PX_OK);
	assert_int_equal(px_note_verifier_parse(&v, text), PX_OK);
	free(text);
	p.message[0] = '\0';
	rc = px_bundle_verify(&verdict, &cp, &p, b, &v, NULL);
	px_verdict_free(verdict);
	if (want && !strstr(p.message, want))
		fail_msg("problem '%s', wanted '%s'", p.message, want);
	return rc;
}

static size_t
leaf_at(const Paxta__Bundle *b, uint64_t index)
{
	for (size_t i = 0; i < b->n_leaves; i++)
		if (b->leaves[i]->index == index)
			return i;
	fail_msg("entry %llu is not in the bundle", (unsigned long long)index);
	return 0;
}

static Paxta__IndexProof *
proof_of(const Paxta__Bundle *b, const char *label)
{
	for (size_t i = 0; i < b->n_index; i++)
		if (strcmp(b->index[i]->label, label) == 0)
			return b->index[i];
	fail_msg("no proof for '%s'", label);
	return NULL;
}

/* Take leaf i out of b; put it back with put_back. */
static Paxta__BundleLeaf *
take_out(Paxta__Bundle *b, size_t i)
{
	Paxta__BundleLeaf *gone = b->leaves[i];

	memmove(&b->leaves[i], &b->leaves[i + 1],
		(b->n_leaves - i - 1) * sizeof(*b->leaves));
	b->n_leaves--;
	return gone;
}

static void
put_back(Paxta__Bundle *b, size_t i, Paxta__BundleLeaf *gone)
{
	memmove(&b->leaves[i + 1], &b->leaves[i],
		(b->n_leaves - i) * sizeof(*b->leaves));
	b->leaves[i] = gone;
	b->n_leaves++;
}

/* H-1's bundle with its statement or lab result taken out, the proof
 * kept or trimmed or dropped: refused, naming what is missing. */
static void
test_bundle_with_a_statement_removed_is_refused(void **state)
{
	struct season *s = *state;
	Paxta__Bundle *b = bundle_of(s->fx, "H-1");
	Paxta__IndexProof *farm = proof_of(b, "farm:" FARM_1);
	Paxta__BundleLeaf *gone;
	size_t i;
	char want[128];

	assert_int_equal(verify(s->fx, b, NULL), PX_OK);
	assert_int_equal(farm->n_indexes, 1);
	assert_int_equal(farm->indexes[0], s->attest);
	assert_int_equal(proof_of(b, "lot:H-1")->n_indexes, 1);

	/* The statement out, its proof kept. */
	i = leaf_at(b, s->attest);
	gone = take_out(b, i);
	snprintf(want, sizeof(want), "entry %llu on 'farm:" FARM_1 "'",
		 (unsigned long long)s->attest);
	assert_int_equal(verify(s->fx, b, want), PX_EVERIFY);
	assert_int_equal(verify(s->fx, b, "not in the bundle"), PX_EVERIFY);
	/* And out of the proof's list: the root says otherwise. */
	farm->n_indexes = 0;
	assert_int_equal(
		verify(s->fx, b, "nothing is logged on 'farm:" FARM_1 "'"),
		PX_EVERIFY);
	farm->n_indexes = 1;
	/* And the proof dropped. */
	for (size_t k = 0; k < b->n_index; k++)
		if (b->index[k] == farm) {
			b->index[k] = b->index[b->n_index - 1];
			b->index[b->n_index - 1] = farm;
		}
	b->n_index--;
	assert_int_equal(verify(s->fx, b,
				"does not prove what is logged on "
				"'farm:" FARM_1 "'"),
			 PX_EVERIFY);
	b->n_index++;
	put_back(b, i, gone);
	assert_int_equal(verify(s->fx, b, NULL), PX_OK);

	/* The lab result out. */
	i = leaf_at(b, s->lab);
	gone = take_out(b, i);
	snprintf(want, sizeof(want), "entry %llu on 'lot:H-1'",
		 (unsigned long long)s->lab);
	assert_int_equal(verify(s->fx, b, want), PX_EVERIFY);
	put_back(b, i, gone);

	/* The index root out. */
	i = b->n_leaves - 1;
	gone = take_out(b, i);
	assert_int_equal(verify(s->fx, b, "no index root"), PX_EVERIFY);
	put_back(b, i, gone);
	assert_int_equal(verify(s->fx, b, NULL), PX_OK);
	px_bundle_free(b);
}

/* H-3: nothing was ever said about it, its farm or its maker; its bundle
 * proves each absence, and a proof that claims an entry fails. */
static void
test_bundle_proves_absence(void **state)
{
	static const char *const labels[] = {
		"lot:H-3",       "farm:" FARM_2,
		"actor:" FARM_2, "district:UZ-SA-KTK",
		"region:UZ-SA",  "country:UZ",
	};
	struct season *s = *state;
	Paxta__Bundle *b = bundle_of(s->fx, "H-3");
	Paxta__IndexProof *lot;
	uint64_t fake;

	assert_int_equal(b->n_index, sizeof(labels) / sizeof(labels[0]));
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		assert_int_equal(proof_of(b, labels[i])->n_indexes, 0);
	assert_int_equal(verify(s->fx, b, NULL), PX_OK);
	/* An entry claimed on H-3 (one the bundle holds): not in the root. */
	lot = proof_of(b, "lot:H-3");
	fake = b->leaves[1]->index;
	lot->indexes = &fake;
	lot->n_indexes = 1;
	assert_int_equal(verify(s->fx, b, "one is left out"), PX_EVERIFY);
	lot->indexes = NULL;
	lot->n_indexes = 0;
	px_bundle_free(b);
}

/* ---- the stored tree against smt.c's, from scratch ---- */

static uint64_t
next_random(uint64_t *x)
{
	/* xorshift64: the same sequence every run. */
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#define N_LABELS 300
#define N_ADDS   3000

static void
test_incremental_equals_scratch(void **state)
{
	char *dir = pxt_tempdir();
	struct px_store *st = NULL;
	struct px_txn *t = NULL;
	struct px_smt_leaf *leaves = calloc(N_LABELS, sizeof(*leaves));
	struct px_smt_leaf *sorted = calloc(N_LABELS, sizeof(*sorted));
	int *used = calloc(N_LABELS, sizeof(*used));
	uint64_t x = 0x9e3779b97f4a7c15u, index = 1;
	size_t last = 0;
	char label[32];
	struct px_hash before, after;
	struct px_smt_proof *proof = malloc(sizeof(*proof));

	(void)state;
	assert_non_null(leaves);
	assert_non_null(sorted);
	assert_non_null(used);
	assert_non_null(proof);
	assert_int_equal(
		px_store_open(&st, dir, PX_STORE_CREATE | PX_STORE_SCRATCH),
		PX_OK);
	assert_int_equal(px_store_begin(&t, st, 1), PX_OK);
	for (size_t k = 0; k < N_LABELS; k++) {
		snprintf(label, sizeof(label), "farm:uz.farm.%zu", k);
		assert_int_equal(px_smt_key(&leaves[k].key, label), PX_OK);
	}
	for (size_t step = 1; step <= N_ADDS; step++) {
		size_t k = next_random(&x) % N_LABELS, n = 0;
		uint8_t be[8];
		struct px_hash got, want, again;

		snprintf(label, sizeof(label), "farm:uz.farm.%zu", k);
		index += 1 + next_random(&x) % 3;
		assert_int_equal(px_index_add(t, label, index), PX_OK);
		/* The value's chain, computed here by its definition. */
		px_put_be64(be, index);
		assert_int_equal(px_sha256_prefixed(&leaves[k].value, 0x12,
						    leaves[k].value.b,
						    PX_HASH_LEN, be, 8),
				 PX_OK);
		used[k] = 1;
		last = k;
		if (step % 100 && step != 1 && step != 2)
			continue;
		for (size_t j = 0; j < N_LABELS; j++)
			if (used[j])
				sorted[n++] = leaves[j];
		assert_int_equal(px_smt_root(&want, sorted, n), PX_OK);
		assert_int_equal(px_index_root(t, &got), PX_OK);
		assert_memory_equal(got.b, want.b, PX_HASH_LEN);
		assert_int_equal(px_index_at(&again, NULL, t, UINT64_MAX, NULL),
				 PX_OK);
		assert_memory_equal(again.b, want.b, PX_HASH_LEN);
		/* Every key's path from the stored tree, present or not. */
		for (size_t j = 0; j < N_LABELS; j += 7) {
			assert_int_equal(
				px_index_prove(proof, t, &leaves[j].key),
				PX_OK);
			assert_int_equal(
				px_smt_verify(proof, &want, &leaves[j].key,
					      used[j] ? &leaves[j].value
						      : NULL),
				PX_OK);
		}
	}
	/* An index out of log order is refused; the same one again is no
	 * change. */
	snprintf(label, sizeof(label), "farm:uz.farm.%zu", last);
	assert_int_equal(px_index_root(t, &before), PX_OK);
	assert_int_equal(px_index_add(t, label, 1), PX_EINVAL);
	assert_int_equal(px_index_add(t, label, index), PX_OK);
	assert_int_equal(px_index_root(t, &after), PX_OK);
	assert_memory_equal(before.b, after.b, PX_HASH_LEN);
	px_store_abort(t);
	px_store_close(st);
	pxt_rmtree(dir);
	free(proof);
	free(used);
	free(sorted);
	free(leaves);
}

/* The stored root of st (a fresh snapshot) is the root from the lists,
 * and key's path proves its value under it. */
static void
assert_stored_root(struct px_store *st, const char *label)
{
	struct px_smt_proof *proof = malloc(sizeof(*proof));
	struct px_hash stored, from_lists, key;
	struct px_txn *t;
	uint64_t *idx = NULL;
	size_t n = 0;

	assert_non_null(proof);
	assert_int_equal(px_store_begin(&t, st, 0), PX_OK);
	assert_int_equal(px_index_root(t, &stored), PX_OK);
	assert_int_equal(px_index_at(&from_lists, NULL, t, UINT64_MAX, NULL),
			 PX_OK);
	assert_memory_equal(stored.b, from_lists.b, PX_HASH_LEN);
	assert_int_equal(px_smt_key(&key, label), PX_OK);
	assert_int_equal(px_index_list(&idx, &n, t, &key, UINT64_MAX), PX_OK);
	assert_int_equal(px_index_prove(proof, t, &key), PX_OK);
	if (n) {
		struct px_hash value;

		assert_int_equal(px_index_value(&value, idx, n), PX_OK);
		assert_int_equal(px_smt_verify(proof, &stored, &key, &value),
				 PX_OK);
	} else {
		assert_int_equal(px_smt_verify(proof, &stored, &key, NULL),
				 PX_OK);
	}
	free(idx);
	free(proof);
	px_store_abort(t);
}

/*
 * The paths above the keys a transaction changed are rewritten when it
 * commits, once: nobody read the root in it, a nested transaction read the
 * root and was then undone, a key was new in the undone part only.
 */
static void
test_paths_rewritten_at_commit(void **state)
{
	char *dir = pxt_tempdir();
	struct px_store *st = NULL;
	struct px_txn *t = NULL, *nested = NULL;
	struct px_hash root;
	uint64_t x = 0x51ed2701a3c5b7e9u, index = 1;
	char label[32];

	(void)state;
	/* A ledger's store: a scratch one has no nested transactions. */
	assert_int_equal(px_store_open(&st, dir, PX_STORE_CREATE), PX_OK);
	/* 1. a batch, committed without a look at the root */
	assert_int_equal(px_store_begin(&t, st, 1), PX_OK);
	for (size_t i = 0; i < 500; i++) {
		snprintf(label, sizeof(label), "farm:uz.farm.%u",
			 (unsigned)(next_random(&x) % 200));
		assert_int_equal(px_index_add(t, label, index++), PX_OK);
	}
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_stored_root(st, "farm:uz.farm.7");

	/* 2. more, then a nested part that reads the root and is undone */
	assert_int_equal(px_store_begin(&t, st, 1), PX_OK);
	for (size_t i = 0; i < 100; i++) {
		snprintf(label, sizeof(label), "farm:uz.farm.%u",
			 (unsigned)(next_random(&x) % 300));
		assert_int_equal(px_index_add(t, label, index++), PX_OK);
	}
	assert_int_equal(px_store_begin_nested(&nested, t), PX_OK);
	assert_int_equal(px_index_add(nested, "farm:only.in.undone", index++),
			 PX_OK);
	assert_int_equal(px_index_add(nested, "farm:uz.farm.7", index++),
			 PX_OK);
	assert_int_equal(px_index_root(nested, &root), PX_OK);
	px_store_abort(nested);
	assert_int_equal(px_index_add(t, "farm:uz.farm.8", index++), PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_stored_root(st, "farm:uz.farm.7");
	assert_stored_root(st, "farm:only.in.undone");

	/* 3. the root read in the outermost transaction, then more keys */
	assert_int_equal(px_store_begin(&t, st, 1), PX_OK);
	assert_int_equal(px_index_add(t, "farm:uz.farm.9", index++), PX_OK);
	assert_int_equal(px_index_root(t, &root), PX_OK);
	assert_int_equal(px_index_add(t, "farm:uz.farm.10", index++), PX_OK);
	assert_int_equal(px_index_add(t, "farm:new.after.root", index++),
			 PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_stored_root(st, "farm:new.after.root");
	px_store_close(st);
	pxt_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_lists),
		T(test_index_root_logged_and_checked),
		T(test_audit_catches_a_wrong_root),
		T(test_bundle_with_a_statement_removed_is_refused),
		T(test_bundle_proves_absence),
#undef T
		cmocka_unit_test(test_incremental_equals_scratch),
		cmocka_unit_test(test_paths_rewritten_at_commit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
