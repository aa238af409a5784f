/*
 * Unit tests for bundle.c: what a lot's proof bundle holds, and what
 * px_bundle_check refuses.
 *
 * The season (test_lot's, with a map, a monitor and a lab): farms A and B
 * harvest A-1 and B-1 and ship them to the gin, which gins part of both
 * into LINT-1 and the rest of A-1 into LINT-2; LINT-1 is spun into YARN-1.
 * LINT-1 travels to the spinner with LINT-2 in one truck. Farm C, its
 * shipment, the transform that made LINT-2, a statement on farm C and a
 * lab result on LINT-2 have nothing to do with YARN-1 and must stay out
 * of its bundle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "paxta/bundle.h"
#include "paxta/checkpoint.h"
#include "paxta/error.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

#define FARM_A  "uz.farm.a"
#define FARM_B  "uz.farm.b"
#define FARM_C  "uz.farm.c"
#define GIN     "uz.gin.1"
#define SPINNER "uz.spin.1"
#define MONITOR "monitor.tpm"
#define LAB     "lab.iso"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

#define MAP_UZ                                                              \
	"{'kind':'publish_districts','actor':'" PXT_REGISTRAR               \
	"','country':'UZ','regions':[{'code':'UZ-QA','name':'Qashqadaryo'," \
	"'districts':[{'code':'UZ-QA-NKS','name':'Nishon'}]},{'code':"      \
	"'UZ-SA','name':'Samarqand','districts':[{'code':'UZ-SA-KTK',"      \
	"'name':'Kattaqorgon'}]}]}"

/* What the season logged, by what it is to YARN-1's bundle. */
struct season {
	struct pxt_ledger *fx;
	uint64_t in[64], out[64]; /* indexes that must be in, must not */
	size_t n_in, n_out;
	uint64_t late; /* a statement logged after the first checkpoint */
	uint64_t first_size;
};

static void
in(struct season *s, uint64_t index)
{
	for (size_t i = 0; i < s->n_in; i++)
		if (s->in[i] == index)
			return; /* the genesis registers the registrar */
	s->in[s->n_in++] = index;
}

static void
out(struct season *s, uint64_t index)
{
	s->out[s->n_out++] = index;
}

static uint64_t
registered_at(struct pxt_ledger *fx, const char *actor)
{
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t = NULL;
	uint64_t at;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_actor(t, actor, &rec), PX_OK);
	at = rec->registered_at;
	px_state_free(rec);
	px_store_abort(t);
	return at;
}

static void
reg(struct season *s, const char *id, const char *roles, const char *region,
    const char *district, int wanted)
{
	pxt_register(s->fx, id, roles, region, district);
	(wanted ? in : out)(s, registered_at(s->fx, id));
}

static void
ship(struct season *s, const char *from, const char *to, const char *shipment,
     const char *lot, unsigned kg, int wanted)
{
	void (*put)(struct season *, uint64_t) = wanted ? in : out;

	put(s, pxt_ok(s->fx,
		      "{'kind':'transfer','actor':'%s','to':'%s','shipment':"
		      "'%s','lots':[{'lot':'%s','kg':%u}]}",
		      from, to, shipment, lot, kg));
	put(s, pxt_ok(s->fx,
		      "{'kind':'receive','actor':'%s','shipment':'%s',"
		      "'lots':[{'lot':'%s','kg':%u}]}",
		      to, shipment, lot, kg));
}

static uint64_t
attest(struct pxt_ledger *fx, const char *subject, const char *status)
{
	return pxt_ok(fx,
		      "{'kind':'attest','actor':'%s','subject':'%s',"
		      "'season':2026,'status':'%s','indicators':[],"
		      "'report_uri':'https://example.org/tpm.pdf',"
		      "'report_sha256':'%s'}",
		      MONITOR, subject, status, REPORT);
}

static uint64_t
lab(struct pxt_ledger *fx, const char *lot, int matches)
{
	return pxt_ok(fx,
		      "{'kind':'lab_result','actor':'%s','lot':'%s',"
		      "'matches':%s,'claimed_region':'UZ-SA',"
		      "'report_sha256':'%s'}",
		      LAB, lot, matches ? "true" : "false", REPORT);
}

static int
setup(void **state)
{
	struct season *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->fx = pxt_ledger_new(NULL);
	in(s, 0);
	in(s, registered_at(s->fx, PXT_REGISTRAR));
	in(s, pxt_ok(s->fx, MAP_UZ));
	reg(s, FARM_A, "farm", "UZ-SA", "UZ-SA-KTK", 1);
	reg(s, FARM_B, "farm", "UZ-QA", "UZ-QA-NKS", 1);
	reg(s, FARM_C, "farm", "UZ-QA", "UZ-QA-NKS", 0);
	reg(s, GIN, "gin", "UZ-SA", "UZ-SA-KTK", 1);
	reg(s, SPINNER, "spinner", "UZ-SA", "UZ-SA-KTK", 1);
	reg(s, MONITOR, "monitor", "UZ-SA", "UZ-SA-KTK", 1);
	reg(s, LAB, "lab", "UZ-SA", "UZ-SA-KTK", 1);
	in(s, pxt_ok(s->fx,
		     "{'kind':'harvest','actor':'%s','lot':'A-1','kg':1000,"
		     "'season':2026,'district':'UZ-SA-KTK','method':'hand',"
		     "'harvested_at':'2026-09-21T08:00:00Z'}",
		     FARM_A));
	in(s, pxt_ok(s->fx,
		     "{'kind':'harvest','actor':'%s','lot':'B-1','kg':1000,"
		     "'season':2026,'district':'UZ-QA-NKS','method':"
		     "'machine','harvested_at':'2026-09-21T08:00:00Z'}",
		     FARM_B));
	out(s, pxt_ok(s->fx,
		      "{'kind':'harvest','actor':'%s','lot':'C-1','kg':500,"
		      "'season':2026,'district':'UZ-QA-NKS','method':"
		      "'machine','harvested_at':'2026-09-21T08:00:00Z'}",
		      FARM_C));
	ship(s, FARM_A, GIN, "WB-A", "A-1", 1000, 1);
	ship(s, FARM_B, GIN, "WB-B", "B-1", 1000, 1);
	in(s, pxt_ok(s->fx,
		     "{'kind':'transform','actor':'%s','process':'ginning',"
		     "'inputs':[{'lot':'A-1','kg':600},{'lot':'B-1','kg':400}"
		     "],'outputs':[{'lot':'LINT-1','kg':400,'product':'lint'}"
		     ",{'lot':'SEED-1','kg':500,'product':'cottonseed'}]}",
		     GIN));
	out(s, pxt_ok(s->fx,
		      "{'kind':'transform','actor':'%s','process':'ginning',"
		      "'inputs':[{'lot':'A-1','kg':400}],'outputs':[{'lot':"
		      "'LINT-2','kg':150,'product':'lint'}]}",
		      GIN));
	/* One truck with a lot of YARN-1's lineage and one from outside
	 * it: the replay takes LINT-2 on the shipment's word. */
	in(s, pxt_ok(s->fx,
		     "{'kind':'transfer','actor':'%s','to':'%s','shipment':"
		     "'TR-1','lots':[{'lot':'LINT-1','kg':400},{'lot':"
		     "'LINT-2','kg':150}]}",
		     GIN, SPINNER));
	in(s, pxt_ok(s->fx,
		     "{'kind':'receive','actor':'%s','shipment':'TR-1',"
		     "'lots':[{'lot':'LINT-1','kg':400},{'lot':'LINT-2','kg':"
		     "150}]}",
		     SPINNER));
	ship(s, FARM_C, GIN, "WB-C", "C-1", 500, 0);
	in(s, pxt_ok(s->fx,
		     "{'kind':'transform','actor':'%s','process':'spinning',"
		     "'inputs':[{'lot':'LINT-1','kg':400}],'outputs':[{'lot':"
		     "'YARN-1','kg':380,'product':'yarn'}]}",
		     SPINNER));
	in(s, attest(s->fx, "district:UZ-SA-KTK", "certified"));
	in(s, attest(s->fx, "farm:" FARM_B, "certified"));
	in(s, attest(s->fx, "region:UZ-QA", "under_review"));
	in(s, pxt_ok(s->fx,
		     "{'kind':'attest','actor':'%s','subject':'actor:%s',"
		     "'season':2026,'status':'under_review','indicators':[],"
		     "'from':'2026-01-01T00:00:00Z'}",
		     MONITOR, GIN));
	out(s, attest(s->fx, "farm:" FARM_C, "forced_labour"));
	in(s, lab(s->fx, "LINT-1", 1));
	out(s, lab(s->fx, "LINT-2", 1));
	/* A lot a lab found not to be from where it claims. */
	out(s, pxt_ok(s->fx,
		      "{'kind':'harvest','actor':'%s','lot':'A-2','kg':300,"
		      "'season':2026,'district':'UZ-SA-KTK','method':'hand',"
		      "'harvested_at':'2026-09-22T08:00:00Z'}",
		      FARM_A));
	out(s, lab(s->fx, "A-2", 0));
	assert_int_equal(px_ledger_checkpoint(s->fx->l, NULL), PX_OK);
	s->first_size = pxt_log_size(s->fx->l);
	s->late = attest(s->fx, "farm:" FARM_A, "certified");
	assert_int_equal(px_ledger_checkpoint(s->fx->l, NULL), PX_OK);
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

static Paxta__Bundle *
build(struct season *s, const char *lot, uint64_t size, const char *note,
      int want_rc)
{
	Paxta__Bundle *b = NULL;
	struct px_txn *t = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;

	assert_int_equal(px_ledger_read(s->fx->l, &t), PX_OK);
	assert_int_equal(px_bundle_build(&bytes, &len, t, lot, size, note),
			 want_rc);
	px_store_abort(t);
	if (want_rc != PX_OK)
		return NULL;
	assert_int_equal(px_bundle_decode(&b, bytes, len), PX_OK);
	free(bytes);
	return b;
}

static int
holds(const Paxta__Bundle *b, uint64_t index)
{
	for (size_t i = 0; i < b->n_leaves; i++)
		if (b->leaves[i]->index == index)
			return 1;
	return 0;
}

static void
verifier(struct season *s, struct px_note_verifier *out)
{
	char *text = NULL;

	assert_int_equal(px_ledger_verifier_key(s->fx->l, &text), PX_OK);
	assert_int_equal(px_note_verifier_parse(out, text), PX_OK);
	free(text);
}

static void
assert_checks(const Paxta__Bundle *b, const struct px_note_verifier *v,
	      int want_rc, const char *want_message)
{
	struct px_bundle_problem p;
	struct px_checkpoint cp;

	assert_int_equal(px_bundle_check(&cp, &p, b, v), want_rc);
	if (want_message && !strstr(p.message, want_message))
		fail_msg("problem '%s', wanted '%s'", p.message, want_message);
}

/* YARN-1's bundle at the latest checkpoint holds every entry that bears
 * on it, nothing that does not, and proves each. */
static void
test_bundle_holds_the_lineage(void **state)
{
	struct season *s = *state;
	struct px_note_verifier v;
	Paxta__Bundle *b = build(s, "YARN-1", 0, NULL, PX_OK);

	verifier(s, &v);
	assert_string_equal(b->lot, "YARN-1");
	for (size_t i = 0; i < s->n_in; i++)
		if (!holds(b, s->in[i]))
			fail_msg("entry %zu is not in the bundle",
				 (size_t)s->in[i]);
	for (size_t i = 0; i < s->n_out; i++)
		if (holds(b, s->out[i]))
			fail_msg("entry %zu should not be in the bundle",
				 (size_t)s->out[i]);
	assert_true(holds(b, s->late));
	/* And the index root that ends the checkpoint. */
	assert_true(holds(b, pxt_log_size(s->fx->l) - 1));
	assert_int_equal(b->n_leaves, s->n_in + 2);
	assert_checks(b, &v, PX_OK, NULL);
	px_bundle_free(b);
}

/* At an older checkpoint only what was logged before it counts; a size
 * with no checkpoint and a lot made after it are not found. */
static void
test_bundle_at_a_checkpoint(void **state)
{
	struct season *s = *state;
	struct px_note_verifier v;
	struct px_bundle_problem p;
	struct px_checkpoint cp;
	Paxta__Bundle *b = build(s, "YARN-1", s->first_size, NULL, PX_OK);

	verifier(s, &v);
	assert_false(holds(b, s->late));
	assert_true(holds(b, s->first_size - 1)); /* its index root */
	assert_int_equal(b->n_leaves, s->n_in + 1);
	assert_int_equal(px_bundle_check(&cp, &p, b, &v), PX_OK);
	assert_int_equal(cp.size, s->first_size);
	px_bundle_free(b);
	build(s, "YARN-1", s->first_size - 1, NULL, PX_ENOTFOUND);
	build(s, "YARN-1", 1, NULL, PX_ENOTFOUND); /* the genesis's */
	build(s, "NO-SUCH-LOT", 0, NULL, PX_ENOTFOUND);
}

/* A note given in place of the stored one must be that note with more
 * signatures (cosignatures) after it. */
static void
test_bundle_carries_a_cosigned_note(void **state)
{
	struct season *s = *state;
	const char *stored;
	struct px_txn *t = NULL;
	char *note = NULL;
	uint64_t size;
	size_t len;
	Paxta__Bundle *b;

	assert_int_equal(px_ledger_read(s->fx->l, &t), PX_OK);
	assert_int_equal(px_store_checkpoint_latest(t, &size, &stored, &len),
			 PX_OK);
	assert_true(asprintf(&note, "%.*s\xe2\x80\x94 witness AAAA\n", (int)len,
			     stored) > 0);
	px_store_abort(t);
	b = build(s, "YARN-1", 0, note, PX_OK);
	assert_string_equal(b->checkpoint, note);
	px_bundle_free(b);
	build(s, "YARN-1", 0, "example.org/log\n1\nAAAA\n", PX_EINVAL);
	free(note);
}

/* Whatever px_bundle_check can see by itself is refused, naming what. */
static void
test_bundle_check_refuses(void **state)
{
	struct season *s = *state;
	struct px_note_verifier v, other;
	struct px_seckey key;
	char *text = NULL;
	Paxta__Bundle *b = build(s, "YARN-1", 0, NULL, PX_OK);
	Paxta__BundleLeaf *saved;
	uint8_t byte;

	verifier(s, &v);
	/* Another node's key. */
	assert_int_equal(px_key_generate(&key), PX_OK);
	assert_int_equal(px_note_verifier_string(&text, v.name, &key.pub),
			 PX_OK);
	assert_int_equal(px_note_verifier_parse(&other, text), PX_OK);
	free(text);
	assert_checks(b, &other, PX_EVERIFY, "is not signed by");

	/* A changed byte of an entry: its proof no longer leads there. */
	byte = b->leaves[5]->leaf.data[10];
	b->leaves[5]->leaf.data[10] ^= 1;
	assert_checks(b, &v, PX_EVERIFY, "inclusion proof does not lead");
	b->leaves[5]->leaf.data[10] = byte;

	/* A changed proof hash, a short one. */
	b->leaves[3]->proof[0].data[0] ^= 1;
	assert_checks(b, &v, PX_EVERIFY, "inclusion proof does not lead");
	b->leaves[3]->proof[0].data[0] ^= 1;
	b->leaves[3]->proof[0].len = 31;
	assert_checks(b, &v, PX_EMALFORMED, "not 32 bytes");
	b->leaves[3]->proof[0].len = 32;

	/* Another leaf's index: the proof is for the other place. */
	b->leaves[4]->index++;
	assert_checks(b, &v, PX_EVERIFY, NULL);
	b->leaves[4]->index--;

	/* Order, and the genesis. */
	saved = b->leaves[1];
	b->leaves[1] = b->leaves[2];
	b->leaves[2] = saved;
	assert_checks(b, &v, PX_EMALFORMED, "out of order");
	b->leaves[2] = b->leaves[1];
	b->leaves[1] = saved;
	b->leaves++;
	b->n_leaves--;
	assert_checks(b, &v, PX_EVERIFY, "genesis");
	b->leaves--;
	b->n_leaves++;

	assert_checks(b, &v, PX_OK, NULL);
	px_bundle_free(b);
	px_key_wipe(&key);
}

/* Bytes that are not a bundle, or too many of them. */
static void
test_bundle_decode_refuses(void **state)
{
	Paxta__Bundle *b = NULL;
	static const uint8_t junk[] = { 0xff, 0xff, 0xff };
	static const uint8_t version3[] = { 0x08, 0x03 };

	(void)state;
	assert_int_equal(px_bundle_decode(&b, junk, sizeof(junk)),
			 PX_EMALFORMED);
	assert_int_equal(px_bundle_decode(&b, version3, sizeof(version3)),
			 PX_EMALFORMED);
	assert_int_equal(px_bundle_decode(&b, junk, PX_BUNDLE_MAX + 1),
			 PX_ETOOLARGE);
	assert_null(b);
}

/* The bundle's bytes, as a file would hold them. */
static uint8_t *
bundle_bytes(struct season *s, const char *lot, size_t *len)
{
	struct px_txn *t = NULL;
	uint8_t *bytes = NULL;

	assert_int_equal(px_ledger_read(s->fx->l, &t), PX_OK);
	assert_int_equal(px_bundle_build(&bytes, len, t, lot, 0, NULL), PX_OK);
	px_store_abort(t);
	return bytes;
}

static char *
verdict_text(const struct px_verdict *v)
{
	json_t *j = px_verdict_json(v);
	char *text;

	assert_non_null(j);
	text = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	assert_non_null(text);
	return text;
}

/* rc of px_bundle_verify on bytes; the verdict's JSON in *text (may be
 * NULL). */
static int
verify_bytes(struct season *s, const uint8_t *bytes, size_t len, char **text,
	     struct px_bundle_problem *p)
{
	struct px_note_verifier v;
	struct px_verdict *verdict = NULL;
	struct px_checkpoint cp;
	Paxta__Bundle *b = NULL;
	int rc;

	verifier(s, &v);
	rc = px_bundle_decode(&b, bytes, len);
	if (rc != PX_OK)
		return rc;
	rc = px_bundle_verify(&verdict, &cp, p, b, &v, NULL);
	if (rc == PX_OK && text)
		*text = verdict_text(verdict);
	px_verdict_free(verdict);
	px_bundle_free(b);
	return rc;
}

/* A free, an unverified, a flagged and a lab-flagged lot: each bundle
 * verifies offline to the verdict the ledger gives, word for word. */
static void
test_bundle_verifies_to_the_ledgers_verdict(void **state)
{
	static const struct {
		const char *lot;
		enum px_verdict_kind kind;
	} lots[] = {
		{ "LINT-2", PX_VERDICT_FREE },
		{ "YARN-1", PX_VERDICT_UNVERIFIED },
		{ "C-1", PX_VERDICT_FLAGGED },
		{ "A-2", PX_VERDICT_FLAGGED },
	};
	struct season *s = *state;

	for (size_t i = 0; i < sizeof(lots) / sizeof(lots[0]); i++) {
		struct px_bundle_problem p;
		struct px_verdict *v = NULL;
		struct px_txn *t = NULL;
		char *offline = NULL, *online;
		size_t len;
		uint8_t *bytes = bundle_bytes(s, lots[i].lot, &len);

		assert_int_equal(px_ledger_read(s->fx->l, &t), PX_OK);
		assert_int_equal(px_verdict(&v, t, lots[i].lot, 0), PX_OK);
		px_store_abort(t);
		assert_int_equal(v->kind, lots[i].kind);
		online = verdict_text(v);
		px_verdict_free(v);
		if (verify_bytes(s, bytes, len, &offline, &p) != PX_OK)
			fail_msg("lot %s: %s", lots[i].lot, p.message);
		assert_string_equal(offline, online);
		free(offline);
		free(online);
		free(bytes);
	}
}

/* A maker whose roles a registrar changed after registering it: its
 * update is in the bundle, and the replay sees the role it gins with. */
static void
test_bundle_carries_actor_updates(void **state)
{
	struct season *s = *state;
	struct px_bundle_problem p;
	Paxta__Bundle *b;
	uint64_t update;
	uint8_t *bytes;
	size_t len;

	pxt_register(s->fx, "uz.farm.d", "farm", "UZ-SA", "UZ-SA-KTK");
	update = pxt_ok(s->fx,
			"{'kind':'update_actor','actor':'" PXT_REGISTRAR
			"','subject':{'id':'uz.farm.d','name':'Farm D and "
			"its gin','roles':['farm','gin'],'region':'UZ-SA',"
			"'district':'UZ-SA-KTK'}}");
	pxt_ok(s->fx,
	       "{'kind':'harvest','actor':'uz.farm.d','lot':'D-1','kg':1000,"
	       "'season':2026,'district':'UZ-SA-KTK','method':'hand',"
	       "'harvested_at':'2026-09-21T08:00:00Z'}");
	pxt_ok(s->fx, "{'kind':'transform','actor':'uz.farm.d','process':"
		      "'ginning','inputs':[{'lot':'D-1','kg':1000}],'outputs':"
		      "[{'lot':'LINT-D','kg':400,'product':'lint'}]}");
	assert_int_equal(px_ledger_checkpoint(s->fx->l, NULL), PX_OK);
	b = build(s, "LINT-D", 0, NULL, PX_OK);
	assert_true(holds(b, update));
	px_bundle_free(b);
	bytes = bundle_bytes(s, "LINT-D", &len);
	if (verify_bytes(s, bytes, len, NULL, &p) != PX_OK)
		fail_msg("LINT-D: %s", p.message);
	free(bytes);
}

/* Every byte of a small bundle flipped in turn: none verifies. */
static void
test_bundle_with_a_byte_changed_never_verifies(void **state)
{
	struct season *s = *state;
	struct px_bundle_problem p;
	size_t len;
	uint8_t *bytes = bundle_bytes(s, "C-1", &len);

	assert_int_equal(verify_bytes(s, bytes, len, NULL, &p), PX_OK);
	for (size_t i = 0; i < len; i++) {
		int rc;

		bytes[i] ^= 0x01;
		rc = verify_bytes(s, bytes, len, NULL, &p);
		if (rc == PX_OK)
			fail_msg("byte %zu of %zu changed, and it verifies", i,
				 len);
		bytes[i] ^= 0x01;
		bytes[i] ^= 0x80;
		rc = verify_bytes(s, bytes, len, NULL, &p);
		if (rc == PX_OK)
			fail_msg("byte %zu of %zu changed (high bit), and it "
				 "verifies",
				 i, len);
		bytes[i] ^= 0x80;
	}
	free(bytes);
}

/* One leaf taken out of YARN-1's bundle: the replay misses it, and says
 * where. */
static void
test_bundle_with_an_entry_removed_never_verifies(void **state)
{
	struct season *s = *state;
	struct px_note_verifier v;
	Paxta__Bundle *b = build(s, "YARN-1", 0, NULL, PX_OK);
	size_t n = b->n_leaves;

	verifier(s, &v);
	/* Each leaf but the genesis (px_bundle_check names that one) and
	 * the map (no index lists the places): the statements and the lab
	 * result on the way too, which the completeness proofs miss, and
	 * the index root. */
	for (size_t i = 1; i < n; i++) {
		struct px_bundle_problem p;
		struct px_verdict *verdict = NULL;
		struct px_checkpoint cp;
		Paxta__BundleLeaf *gone = b->leaves[i];
		struct px_entry e;
		int rc, kind;

		assert_int_equal(px_entry_read(&e, gone->leaf.data,
					       gone->leaf.len, PX_ENTRY_DECODE),
				 PX_OK);
		kind = e.body->body_case;
		px_entry_release(&e);
		if (kind == PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS)
			continue;
		memmove(&b->leaves[i], &b->leaves[i + 1],
			(n - i - 1) * sizeof(*b->leaves));
		b->n_leaves = n - 1;
		rc = px_bundle_verify(&verdict, &cp, &p, b, &v, NULL);
		px_verdict_free(verdict);
		if (rc != PX_EVERIFY)
			fail_msg("leaf %zu (%s) removed: %s",
				 (size_t)gone->index, px_entry_kind_name(kind),
				 rc == PX_OK ? "it verifies" : px_strerror(rc));
		memmove(&b->leaves[i + 1], &b->leaves[i],
			(n - i - 1) * sizeof(*b->leaves));
		b->leaves[i] = gone;
		b->n_leaves = n;
	}
	px_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_bundle_holds_the_lineage),
		T(test_bundle_at_a_checkpoint),
		T(test_bundle_carries_a_cosigned_note),
		T(test_bundle_check_refuses),
		T(test_bundle_verifies_to_the_ledgers_verdict),
		T(test_bundle_carries_actor_updates),
		T(test_bundle_with_a_byte_changed_never_verifies),
		T(test_bundle_with_an_entry_removed_never_verifies),
		cmocka_unit_test(test_bundle_decode_refuses),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
