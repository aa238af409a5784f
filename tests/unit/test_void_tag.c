/*
 * Voids that free a tag (docs/events.md "void"): voiding the entry that
 * created a lot frees its id for a corrected entry; the lot's history keeps
 * both versions, a verdict as of before the void still sees the old one,
 * and lineage edges, holdings and the origin index never mix the two.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/bundle.h"
#include "paxta/checkpoint.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/state.h"

#define GENESIS_T 1767225600 /* 2026-01-01T00:00:00Z */
#define NOW       1792656000 /* 2026-10-22T08:00:00Z */
#define FARM      "uz.farm.0042"
#define GIN       "uz.gin.kattakurgan-01"
#define MONITOR   "monitor.tpm"
#define REGION    "UZ-SA"
#define DISTRICT  "UZ-SA-KTK"
#define REPORT \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(NULL, GENESIS_T);

	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	pxt_register(fx, MONITOR, "monitor", REGION, DISTRICT);
	/* 2026 is certified; 2025 has no statement (uncertified) */
	pxt_ok(fx, "{'kind':'attest','actor':'" MONITOR
		   "','subject':'district:" DISTRICT
		   "','season':2026,'status':'certified','indicators':"
		   "[],'report_uri':'https://example.org/tpm.pdf',"
		   "'report_sha256':'" REPORT "'}");
	*state = fx;
	return 0;
}

static uint64_t
harvest(struct pxt_ledger *fx, const char *lot, const char *kg, int season)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'" FARM "','lot':'%s',"
		      "'kg':%s,'season':%d,'district':'" DISTRICT "',"
		      "'method':'hand','harvested_at':'%d-09-21T08:00:00Z'}",
		      lot, kg, season, season);
}

static uint64_t
void_entry(struct pxt_ledger *fx, const char *actor, uint64_t index)
{
	return pxt_ok(fx,
		      "{'kind':'void','actor':'%s','entry':%llu,"
		      "'reason':'typo'}",
		      actor, (unsigned long long)index);
}

/* The verdict on lot as of tree size at (0: now). */
static struct px_verdict *
verdict(struct pxt_ledger *fx, const char *lot, uint64_t at)
{
	struct px_verdict *v = NULL;
	struct px_txn *t = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_verdict(&v, t, lot, at), PX_OK);
	px_store_abort(t);
	return v;
}

static json_t *
lot_view(struct pxt_ledger *fx, const char *id)
{
	struct px_txn *t = NULL;
	json_t *j = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_lot_json(&j, t, id), PX_OK);
	px_store_abort(t);
	return j;
}

struct listed {
	int n;
	char lot[4][PX_ID_MAX + 1];
};

static int
list_origin(void *ctx, const char *lot, const char *farm)
{
	struct listed *l = ctx;

	(void)farm;
	if (l->n < 4)
		snprintf(l->lot[l->n], sizeof(l->lot[0]), "%s", lot);
	l->n++;
	return 0;
}

static int
list_edge(void *ctx, const char *lot, uint64_t grams)
{
	return list_origin(ctx, lot, grams ? "" : "");
}

/* The lot's proof bundle verifies offline to the ledger's verdict: the
 * corrected lot's lineage alone, not the voided one's. */
static void
bundle_verifies(struct pxt_ledger *fx, const char *lot,
		enum px_verdict_kind want)
{
	struct px_note_verifier nv;
	struct px_bundle_problem p;
	struct px_verdict *v = NULL;
	struct px_checkpoint cp;
	Paxta__Bundle *b = NULL;
	struct px_txn *t = NULL;
	uint8_t *bytes = NULL;
	char *key = NULL;
	size_t len;
	int rc;

	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_bundle_build(&bytes, &len, t, lot, 0, NULL), PX_OK);
	px_store_abort(t);
	assert_int_equal(px_ledger_verifier_key(fx->l, &key), PX_OK);
	assert_int_equal(px_note_verifier_parse(&nv, key), PX_OK);
	assert_int_equal(px_bundle_decode(&b, bytes, len), PX_OK);
	rc = px_bundle_verify(&v, &cp, &p, b, &nv, NULL);
	if (rc != PX_OK)
		fail_msg("bundle of '%s': %s (%s)", lot, p.message,
			 px_strerror(rc));
	assert_int_equal(v->kind, want);
	px_verdict_free(v);
	px_bundle_free(b);
	free(bytes);
	free(key);
}

static void
test_corrected_bale_same_tag(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	struct listed origins = { 0 };
	struct px_txn *t = NULL;
	uint64_t first, voided, second;
	json_t *j, *prev;

	/* keyed in as a 2025 lot of 100 kg: a typo on both counts */
	first = harvest(fx, "UZ-F42-001", "100", 2025);
	voided = void_entry(fx, FARM, first);
	/* the corrected bale keeps its tag */
	second = harvest(fx, "UZ-F42-001", "120", 2026);
	assert_true(second > voided);

	/* now: the corrected lot, certified */
	v = verdict(fx, "UZ-F42-001", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->grams, 120000);
	assert_int_equal(v->origins[0].season, 2026);
	px_verdict_free(v);
	/* as of before the void: the old lot, of an uncertified season */
	v = verdict(fx, "UZ-F42-001", voided);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_int_equal(v->grams, 100000);
	assert_int_equal(v->origins[0].season, 2025);
	px_verdict_free(v);
	/* between the void and the correction: no lot of that id */
	{
		struct px_verdict *none = NULL;

		assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
		assert_int_equal(px_verdict(&none, t, "UZ-F42-001", second),
				 PX_ENOTFOUND);
		px_store_abort(t);
	}

	/* the history keeps both */
	j = lot_view(fx, "UZ-F42-001");
	assert_true(json_is_false(json_object_get(j, "voided")));
	assert_int_equal(json_integer_value(json_object_get(j, "kg")), 120);
	assert_int_equal(json_integer_value(json_object_get(j, "created_at")),
			 second);
	assert_int_equal(json_array_size(json_object_get(j, "previous")), 1);
	prev = json_array_get(json_object_get(j, "previous"), 0);
	assert_int_equal(json_integer_value(json_object_get(prev, "kg")), 100);
	assert_int_equal(
		json_integer_value(json_object_get(prev, "created_at")), first);
	assert_int_equal(json_integer_value(json_object_get(prev, "voided_at")),
			 voided);
	assert_int_equal(
		json_integer_value(json_object_get(prev, "superseded_at")),
		second);
	json_decref(j);

	/* the farm holds the corrected kg; the origin index has it once,
	 * under its own season only */
	assert_int_equal(pxt_holding(fx, "UZ-F42-001", FARM), 120000);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(
		px_state_each_origin(t, DISTRICT, 2026, list_origin, &origins),
		PX_OK);
	assert_int_equal(origins.n, 1);
	origins.n = 0;
	assert_int_equal(
		px_state_each_origin(t, DISTRICT, 2025, list_origin, &origins),
		PX_OK);
	assert_int_equal(origins.n, 0);
	px_store_abort(t);

	/* a standing lot's id is still taken */
	pxt_refused(fx, PX_CODE_DUPLICATE_LOT,
		    "lot 'UZ-F42-001' is in the ledger",
		    "{'kind':'harvest','actor':'" FARM "','lot':'UZ-F42-001',"
		    "'kg':5,'season':2026,'district':'" DISTRICT "','method':"
		    "'hand','harvested_at':'2026-09-22T08:00:00Z'}");
	/* the old entry cannot void the new lot */
	pxt_refused(fx, PX_CODE_VOID_DENIED, "was voided already",
		    "{'kind':'void','actor':'" FARM "','entry':%llu}",
		    (unsigned long long)first);
	pxt_audit_intact(fx);

	/* a third version: both earlier ones in the history */
	void_entry(fx, FARM, second);
	harvest(fx, "UZ-F42-001", "121", 2026);
	j = lot_view(fx, "UZ-F42-001");
	assert_int_equal(json_array_size(json_object_get(j, "previous")), 2);
	prev = json_array_get(json_object_get(j, "previous"), 1);
	assert_int_equal(json_integer_value(json_object_get(prev, "kg")), 120);
	json_decref(j);
	v = verdict(fx, "UZ-F42-001", second + 1);
	assert_int_equal(v->grams, 120000);
	px_verdict_free(v);
	bundle_verifies(fx, "UZ-F42-001", PX_VERDICT_FREE);
	pxt_audit_intact(fx);
}

static void
test_corrected_transform_output(void **state)
{
	struct pxt_ledger *fx = *state;
	struct listed inputs = { 0 }, outputs = { 0 };
	struct px_recall *r = NULL;
	struct px_verdict *v;
	struct px_txn *t = NULL;
	uint64_t ginned, voided;
	json_t *j;

	harvest(fx, "LOT-A", "1000", 2025);
	harvest(fx, "LOT-B", "1000", 2026);
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-1','lots':[{'lot':'LOT-A','kg':1000},"
		   "{'lot':'LOT-B','kg':1000}]}");
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-1',"
		   "'lots':[{'lot':'LOT-A','kg':1000},{'lot':'LOT-B',"
		   "'kg':1000}]}");
	/* ginned from the wrong lot */
	ginned = pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
			    "'ginning','inputs':[{'lot':'LOT-A','kg':500}],"
			    "'outputs':[{'lot':'PBI-1','kg':200,'product':"
			    "'lint'}]}");
	voided = void_entry(fx, GIN, ginned);
	assert_int_equal(pxt_holding(fx, "LOT-A", GIN), 1000000);
	/* the same bale tag, from the right lot */
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
		   "'ginning','inputs':[{'lot':'LOT-B','kg':500}],"
		   "'outputs':[{'lot':'PBI-1','kg':210,'product':'lint'}]}");

	/* the live lineage is the new one's alone */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_each_input(t, "PBI-1", list_edge, &inputs),
			 PX_OK);
	assert_int_equal(inputs.n, 1);
	assert_string_equal(inputs.lot[0], "LOT-B");
	assert_int_equal(px_state_each_output(t, "LOT-A", list_edge, &outputs),
			 PX_OK);
	assert_int_equal(outputs.n, 0);
	/* a recall from the wrong lot finds nothing made from it */
	assert_int_equal(px_lot_recall(&r, t, "LOT-A"), PX_OK);
	assert_int_equal(r->n_lots, 1);
	px_recall_free(r);
	px_store_abort(t);

	v = verdict(fx, "PBI-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->n_origins, 1);
	assert_string_equal(v->origins[0].lot, "LOT-B");
	px_verdict_free(v);
	/* as of before the void: the old bale, from LOT-A (2025) */
	v = verdict(fx, "PBI-1", voided);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_int_equal(v->grams, 200000);
	assert_int_equal(v->n_origins, 1);
	assert_string_equal(v->origins[0].lot, "LOT-A");
	px_verdict_free(v);

	j = lot_view(fx, "PBI-1");
	assert_int_equal(json_array_size(json_object_get(j, "inputs")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "previous")), 1);
	json_decref(j);
	bundle_verifies(fx, "PBI-1", PX_VERDICT_FREE);
	pxt_audit_intact(fx);
}

static void
test_void_refused_when_shipped(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t made;

	made = harvest(fx, "LOT-S", "500", 2026);
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-2','lots':[{'lot':'LOT-S','kg':500}]}");
	pxt_refused(fx, PX_CODE_VOID_DENIED, "lot 'LOT-S' has been used since",
		    "{'kind':'void','actor':'" FARM "','entry':%llu}",
		    (unsigned long long)made);
	/* so the tag stays taken */
	pxt_refused(fx, PX_CODE_DUPLICATE_LOT, "lot 'LOT-S' is in the ledger",
		    "{'kind':'harvest','actor':'" FARM "','lot':'LOT-S','kg':5,"
		    "'season':2026,'district':'" DISTRICT "','method':'hand',"
		    "'harvested_at':'2026-09-22T08:00:00Z'}");
	pxt_audit_intact(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_corrected_bale_same_tag,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_corrected_transform_output,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_void_refused_when_shipped,
						setup, pxt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
