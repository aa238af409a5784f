/*
 * Weights as weighed (docs/events.md "receive"): a receive records the kg
 * weighed on arrival; within the ledger's transit tolerance the difference
 * is kept as transit loss or gain and the receiver holds what it weighed,
 * outside it the receive is refused as `weight`. And the recording-delay
 * cap: an event recorded too long after it happened is refused as `time`.
 * Every refusal leaves the ledger unchanged.
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
#include "paxta/holdings.h"
#include "paxta/lot.h"
#include "paxta/rules.h"
#include "paxta/state.h"

#define GENESIS_T 1767225600 /* 2026-01-01T00:00:00Z */
#define NOW       1792656000 /* 2026-10-22T08:00:00Z */
#define DAY       86400
#define FARM      "uz.farm.0042"
#define GIN       "uz.gin.kattakurgan-01"
#define REGION    "UZ-SA"
#define DISTRICT  "UZ-SA-KTK"

static struct pxt_ledger *
world(const struct px_policy *policy)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(policy, GENESIS_T);

	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	return fx;
}

/* A 1000 kg lot picked on 1 October, shipped to the gin as shipment. */
static void
harvest_and_ship(struct pxt_ledger *fx, const char *lot, const char *shipment)
{
	pxt_ok(fx,
	       "{'kind':'harvest','actor':'" FARM "','lot':'%s',"
	       "'kg':1000,'season':2026,'district':'" DISTRICT
	       "','method':'hand','harvested_at':"
	       "'2026-10-01T08:00:00Z'}",
	       lot);
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
	       "','shipment':'%s','lots':[{'lot':'%s','kg':1000}]}",
	       shipment, lot);
}

static json_t *
shipment(struct pxt_ledger *fx, const char *id)
{
	struct px_txn *t = NULL;
	json_t *j = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_shipment_json(&j, t, id), PX_OK);
	px_store_abort(t);
	return j;
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

static double
kg_of(json_t *lines, size_t i)
{
	return json_number_value(
		json_object_get(json_array_get(lines, i), "kg"));
}

static void
test_light_within_tolerance(void **state)
{
	struct pxt_ledger *fx = world(NULL);
	json_t *j, *w;

	(void)state;
	harvest_and_ship(fx, "LOT-A", "WB-1");
	/* 0.3 % light: 997 kg weighed of 1000 shipped */
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-1',"
		   "'lots':[{'lot':'LOT-A','kg':997}]}");
	assert_int_equal(pxt_holding(fx, "LOT-A", GIN), 997000);
	assert_int_equal(pxt_holding(fx, "LOT-A", FARM), 0);

	j = shipment(fx, "WB-1");
	assert_int_equal(json_array_size(json_object_get(j, "transit_loss")),
			 1);
	assert_true(kg_of(json_object_get(j, "transit_loss"), 0) == 3);
	assert_int_equal(json_array_size(json_object_get(j, "transit_gain")),
			 0);
	assert_true(kg_of(json_object_get(j, "received_lots"), 0) == 997);
	json_decref(j);

	j = lot_view(fx, "LOT-A");
	w = json_array_get(json_object_get(j, "transit"), 0);
	assert_string_equal(json_string_value(json_object_get(w, "shipment")),
			    "WB-1");
	assert_true(json_number_value(json_object_get(w, "loss_kg")) == 3);
	assert_true(json_number_value(json_object_get(w, "shipped_kg")) ==
		    1000);
	assert_true(json_number_value(json_object_get(w, "weighed_kg")) == 997);
	assert_null(json_object_get(w, "gain_kg"));
	json_decref(j);

	/* Downstream, the gin holds and spends what it weighed: 997 kg. */
	pxt_refused(fx, PX_CODE_OVERSPEND, "holds 997 kg, not 997.001",
		    "{'kind':'transform','actor':'" GIN "','process':'ginning',"
		    "'inputs':[{'lot':'LOT-A','kg':997.001}],'outputs':[{'lot':"
		    "'PBI-1','kg':400,'product':'lint'}]}");
	/* the yield cap is on the 997 kg consumed: 448.65 kg of lint */
	pxt_refused(fx, PX_CODE_MASS_BALANCE, "over the yield cap of 448.65 kg",
		    "{'kind':'transform','actor':'" GIN "','process':'ginning',"
		    "'inputs':[{'lot':'LOT-A','kg':997}],'outputs':[{'lot':"
		    "'PBI-1','kg':448.651,'product':'lint'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
		   "'ginning','inputs':[{'lot':'LOT-A','kg':997}],"
		   "'outputs':[{'lot':'PBI-1','kg':448.65,'product':"
		   "'lint'},{'lot':'SEED-1','kg':540,'product':"
		   "'cottonseed'}]}");
	assert_int_equal(pxt_holding(fx, "LOT-A", GIN), 0);
	/* all of the lint is still the one farm's cotton */
	j = lot_view(fx, "PBI-1");
	assert_true(
		json_number_value(json_object_get(
			json_array_get(json_object_get(j, "composition"), 0),
			"share")) == 1.0);
	json_decref(j);
	pxt_audit_intact(fx);
	pxt_ledger_free(fx);
}

static void
test_heavy_within_tolerance(void **state)
{
	struct pxt_ledger *fx = world(NULL);
	json_t *j, *w;

	(void)state;
	harvest_and_ship(fx, "LOT-B", "WB-2");
	/* 0.4 % heavy: the gin's scale says 1004 kg */
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-2',"
		   "'lots':[{'lot':'LOT-B','kg':1004}]}");
	assert_int_equal(pxt_holding(fx, "LOT-B", GIN), 1004000);
	j = shipment(fx, "WB-2");
	assert_true(kg_of(json_object_get(j, "transit_gain"), 0) == 4);
	assert_int_equal(json_array_size(json_object_get(j, "transit_loss")),
			 0);
	json_decref(j);
	j = lot_view(fx, "LOT-B");
	w = json_array_get(json_object_get(j, "transit"), 0);
	assert_true(json_number_value(json_object_get(w, "gain_kg")) == 4);
	json_decref(j);
	/* and all 1004 kg may be ginned */
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
		   "'ginning','inputs':[{'lot':'LOT-B','kg':1004}],"
		   "'outputs':[{'lot':'PBI-2','kg':451.8,'product':"
		   "'lint'}]}");
	pxt_audit_intact(fx);
	pxt_ledger_free(fx);
}

static void
test_outside_tolerance(void **state)
{
	struct pxt_ledger *fx = world(NULL);

	(void)state;
	harvest_and_ship(fx, "LOT-C", "WB-3");
	/* 3 % light */
	pxt_refused(
		fx, PX_CODE_WEIGHT,
		"lot 'LOT-C' weighed 970 kg on arrival, 1000 kg was shipped "
		"in 'WB-3': 3.00 % less, over the ledger's tolerance of 2 % "
		"transit loss",
		"{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
		"'lots':[{'lot':'LOT-C','kg':970}]}");
	/* 1 % heavy */
	pxt_refused(
		fx, PX_CODE_WEIGHT,
		"lot 'LOT-C' weighed 1010 kg on arrival, 1000 kg was shipped "
		"in 'WB-3': 1.00 % more, over the ledger's tolerance of 0.5 % "
		"transit gain",
		"{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
		"'lots':[{'lot':'LOT-C','kg':1010}]}");
	/* just past either edge (20 kg and 5 kg of 1000) */
	pxt_refused(fx, PX_CODE_WEIGHT, "2.00 % less",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
		    "'lots':[{'lot':'LOT-C','kg':979.999}]}");
	pxt_refused(fx, PX_CODE_WEIGHT, "0.50 % more",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
		    "'lots':[{'lot':'LOT-C','kg':1005.001}]}");
	assert_int_equal(pxt_holding(fx, "LOT-C", GIN), 0);
	/* on the edge: 2 % light is still within */
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
		   "'lots':[{'lot':'LOT-C','kg':980}]}");
	assert_int_equal(pxt_holding(fx, "LOT-C", GIN), 980000);
	pxt_audit_intact(fx);
	pxt_ledger_free(fx);
}

/* At the largest mass a line may carry, the tolerance is still exact. */
static void
test_tolerance_at_the_largest_mass(void **state)
{
	struct pxt_ledger *fx = world(NULL);

	(void)state;
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'LOT-BIG',"
		   "'kg':1000000000000,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':"
		   "'2026-10-01T08:00:00Z'}");
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-BIG','lots':[{'lot':'LOT-BIG','kg':"
		   "1000000000000}]}");
	pxt_refused(fx, PX_CODE_WEIGHT, "2.00 % less",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-BIG',"
		    "'lots':[{'lot':'LOT-BIG','kg':979999999999.999}]}");
	pxt_refused(fx, PX_CODE_WEIGHT, "over the ledger's tolerance of 2 %",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-BIG',"
		    "'lots':[{'lot':'LOT-BIG','kg':1}]}");
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-BIG',"
		   "'lots':[{'lot':'LOT-BIG','kg':980000000000}]}");
	assert_int_equal(pxt_holding(fx, "LOT-BIG", GIN), 980000000000000ULL);
	pxt_ledger_free(fx);
}

static void
test_lot_not_weighed(void **state)
{
	struct pxt_ledger *fx = world(NULL);

	(void)state;
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'LOT-D',"
		   "'kg':10,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':"
		   "'2026-10-01T08:00:00Z'}");
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'LOT-E',"
		   "'kg':10,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':"
		   "'2026-10-01T08:00:00Z'}");
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-4','lots':[{'lot':'LOT-D','kg':10},"
		   "{'lot':'LOT-E','kg':10}]}");
	/* a lot of the shipment left out weighed nothing */
	pxt_refused(fx, PX_CODE_WEIGHT,
		    "lot 'LOT-E' weighed 0 kg on arrival, 10 kg was shipped",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-4',"
		    "'lots':[{'lot':'LOT-D','kg':10}]}");
	pxt_ledger_free(fx);
}

static void
test_custom_tolerance(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	(void)state;
	px_policy_default(&policy);
	policy.transit_loss_ppm = 5000; /* 0.5 % */
	policy.transit_gain_ppm = 0;    /* a scale never finds more */
	fx = world(&policy);
	/* the genesis keeps it: read back after a reopen */
	pxt_ledger_reopen(fx);
	assert_int_equal(px_ledger_policy(fx->l)->transit_loss_ppm, 5000);
	assert_int_equal(px_ledger_policy(fx->l)->transit_gain_ppm, 0);
	harvest_and_ship(fx, "LOT-F", "WB-5");
	pxt_refused(fx, PX_CODE_WEIGHT, "tolerance of 0.5 % transit loss",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-5',"
		    "'lots':[{'lot':'LOT-F','kg':994}]}");
	pxt_refused(fx, PX_CODE_WEIGHT, "tolerance of 0 % transit gain",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-5',"
		    "'lots':[{'lot':'LOT-F','kg':1000.001}]}");
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-5',"
		   "'lots':[{'lot':'LOT-F','kg':997}]}");
	assert_int_equal(pxt_holding(fx, "LOT-F", GIN), 997000);
	pxt_audit_intact(fx);
	pxt_ledger_free(fx);
}

/* A genesis made before the fields existed: the defaults. */
static void
test_old_genesis_defaults(void **state)
{
	Paxta__Policy p = PAXTA__POLICY__INIT;
	Paxta__DelayCap cap = PAXTA__DELAY_CAP__INIT, *caps[1] = { &cap };
	Paxta__DelayCap out_caps[PX_KIND_SLOTS], *out_ptrs[PX_KIND_SLOTS];
	struct px_policy read, back;

	(void)state;
	p.ginning_ppm = 450000;
	assert_int_equal(px_policy_read(&read, &p), PX_OK);
	assert_int_equal(read.transit_loss_ppm, PX_TRANSIT_LOSS_PPM);
	assert_int_equal(read.transit_gain_ppm, PX_TRANSIT_GAIN_PPM);
	for (int k = 0; k < PX_KIND_SLOTS; k++)
		assert_int_equal(read.max_delay_s[k], 0);
	/* stated, a 0 is no tolerance */
	p.transit_set = 1;
	assert_int_equal(px_policy_read(&read, &p), PX_OK);
	assert_int_equal(read.transit_loss_ppm, 0);
	/* delay caps by kind name, both ways */
	cap.kind = "receive";
	cap.seconds = 7 * DAY;
	p.n_max_delay = 1;
	p.max_delay = caps;
	assert_int_equal(px_policy_read(&read, &p), PX_OK);
	assert_int_equal(read.max_delay_s[PAXTA__ENTRY__BODY_RECEIVE], 7 * DAY);
	px_policy_write(&p, &read, out_caps, out_ptrs);
	assert_int_equal(p.n_max_delay, 1);
	assert_string_equal(p.max_delay[0]->kind, "receive");
	assert_int_equal(px_policy_read(&back, &p), PX_OK);
	assert_memory_equal(&back, &read, sizeof(back));
	cap.kind = "harvset";
	p.max_delay = caps;
	assert_int_equal(px_policy_read(&read, &p), PX_EINVAL);
	cap.kind = "unknown";
	assert_int_equal(px_policy_read(&read, &p), PX_EINVAL);
}

static void
test_delay_cap(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	(void)state;
	px_policy_default(&policy);
	policy.max_delay_s[PAXTA__ENTRY__BODY_HARVEST] = 30 * DAY;
	policy.max_delay_s[PAXTA__ENTRY__BODY_RECEIVE] = 7 * DAY;
	fx = world(&policy);
	/* picked 40 days before the node accepts it (12 September) */
	pxt_refused(
		fx, PX_CODE_TIME,
		"harvest of 2026-09-12T08:00:00Z is recorded 40d 0h 0m after "
		"it happened (accepted 2026-10-22T08:00:00Z); the ledger's "
		"policy records a harvest at most 30d 0h 0m after it happened",
		"{'kind':'harvest','actor':'" FARM "','lot':'LOT-OLD','kg':100,"
		"'season':2026,'district':'" DISTRICT "','method':'hand',"
		"'harvested_at':'2026-09-12T08:00:00Z'}");
	/* by event_time as well, in its own offset */
	pxt_refused(fx, PX_CODE_TIME, "recorded 40d 0h 0m after",
		    "{'kind':'harvest','actor':'" FARM
		    "','lot':'LOT-OLD','kg':100,"
		    "'season':2026,'district':'" DISTRICT "','method':'hand',"
		    "'event_time':'2026-09-12T13:00:00+05:00'}");
	/* 10 days: within the cap */
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'LOT-NEW',"
		   "'kg':100,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':"
		   "'2026-10-12T08:00:00Z'}");
	/* a transfer has no cap: a month-old dispatch is recorded */
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-9','lots':[{'lot':'LOT-NEW','kg':100}],"
		   "'event_time':'2026-10-13T08:00:00Z'}");
	/* a receive 8 days back is refused, 6 days back is fine */
	pxt_refused(fx, PX_CODE_TIME, "recorded 8d 0h 0m after",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-9',"
		    "'lots':[{'lot':'LOT-NEW','kg':100}],"
		    "'event_time':'2026-10-14T08:00:00Z'}");
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-9',"
		   "'lots':[{'lot':'LOT-NEW','kg':100}],"
		   "'event_time':'2026-10-16T08:00:00Z'}");
	/* the node's clock moves on: the cap is measured from it */
	fx->now = NOW + 25 * DAY;
	pxt_refused(fx, PX_CODE_TIME, "recorded 31d 0h 0m after",
		    "{'kind':'harvest','actor':'" FARM "','lot':'LOT-LATE',"
		    "'kg':100,'season':2026,'district':'" DISTRICT
		    "','method':'hand','harvested_at':'2026-10-16T08:00:00Z'}");
	pxt_audit_intact(fx);
	pxt_ledger_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_light_within_tolerance),
		cmocka_unit_test(test_heavy_within_tolerance),
		cmocka_unit_test(test_outside_tolerance),
		cmocka_unit_test(test_tolerance_at_the_largest_mass),
		cmocka_unit_test(test_lot_not_weighed),
		cmocka_unit_test(test_custom_tolerance),
		cmocka_unit_test(test_old_genesis_defaults),
		cmocka_unit_test(test_delay_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
