/*
 * Unit tests for lot.c: a lot's state as JSON, its lineage graph, and the
 * recall of one lot, on a small season built from JSON events.
 *
 * The season: farm A harvests 1000 kg, farm B 1000 kg (B-1); both
 * ship everything to the gin, which gins 600 kg of A-1 with 400 kg of B-1
 * into LINT-1 (400 kg) and SEED-1 (500 kg), and the other 400 kg of A-1
 * into LINT-2 (150 kg). LINT-1 goes to the spinner and is spun into YARN-1
 * (380 kg). Shares from A-1: LINT-1 and SEED-1 600/1000, LINT-2 all of it,
 * YARN-1 as LINT-1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "paxta/error.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

#define FARM_A  "uz.farm.a"
#define FARM_B  "uz.farm.b"
#define GIN     "uz.gin.1"
#define SPINNER "uz.spin.1"

/* The index of the transform that made LINT-2 (for the void test). */
static uint64_t lint2_at;

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, FARM_A, "farm", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, FARM_B, "farm", "UZ-QA", "UZ-QA-NKS");
	pxt_register(fx, GIN, "gin", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, SPINNER, "spinner", "UZ-SA", "UZ-SA-KTK");
	pxt_ok(fx,
	       "{'kind':'harvest','actor':'%s','lot':'A-1','kg':1000,"
	       "'season':2026,'district':'UZ-SA-KTK','method':'hand','"
	       "harvested_at':'2026-09-21T08:00:00Z'}",
	       FARM_A);
	pxt_ok(fx,
	       "{'kind':'harvest','actor':'%s','lot':'B-1','kg':1000,"
	       "'season':2026,'district':'UZ-QA-NKS','method':'machine','"
	       "harvested_at':'2026-09-21T08:00:00Z'}",
	       FARM_B);
	pxt_ship(fx, FARM_A, GIN, "WB-A", "A-1", 1000, 1000);
	pxt_ship(fx, FARM_B, GIN, "WB-B", "B-1", 1000, 1000);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'A-1','kg':600},{'lot':'B-1','kg':400}],"
	       "'outputs':[{'lot':'LINT-1','kg':400,'product':'lint'},"
	       "{'lot':'SEED-1','kg':500,'product':'cottonseed'}]}",
	       GIN);
	lint2_at = pxt_ok(fx,
			  "{'kind':'transform','actor':'%s','process':"
			  "'ginning','inputs':[{'lot':'A-1','kg':400}],"
			  "'outputs':[{'lot':'LINT-2','kg':150,'product':"
			  "'lint'}]}",
			  GIN);
	pxt_ship(fx, GIN, SPINNER, "TR-1", "LINT-1", 400, 400);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'spinning',"
	       "'inputs':[{'lot':'LINT-1','kg':400}],"
	       "'outputs':[{'lot':'YARN-1','kg':380,'product':'yarn'}]}",
	       SPINNER);
	*state = fx;
	return 0;
}

static struct px_txn *
snapshot(struct pxt_ledger *fx)
{
	struct px_txn *t = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	return t;
}

/* The JSON of j at path (jq-like, dots only), as compact text. */
static char *
at(json_t *j, const char *key)
{
	return json_dumps(json_object_get(j, key),
			  JSON_COMPACT | JSON_ENCODE_ANY |
				  JSON_REAL_PRECISION(6));
}

static void
assert_json(json_t *j, const char *key, const char *want)
{
	char *got = at(j, key);

	if (!got || strcmp(got, want) != 0)
		fail_msg("'%s' is %s, expected %s", key, got ? got : "absent",
			 want);
	free(got);
}

static void
test_lot_json(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_txn *t = snapshot(fx);
	json_t *j = NULL, *sentinel;

	assert_int_equal(px_lot_json(&j, t, "LINT-1"), PX_OK);
	/* The keys and forms of `paxta lot --json`. */
	assert_json(j, "lot", "\"LINT-1\"");
	assert_json(j, "product", "\"lint\"");
	assert_json(j, "creator", "\"" GIN "\"");
	assert_json(j, "kg", "400");
	assert_json(j, "voided", "false");
	assert_json(j, "process", "\"ginning\"");
	assert_null(json_object_get(j, "harvest"));
	assert_json(j, "holders", "[]");
	assert_json(
		j, "inputs",
		"[{\"lot\":\"A-1\",\"kg\":600},{\"lot\":\"B-1\",\"kg\":400}]");
	assert_json(j, "outputs", "[{\"lot\":\"YARN-1\",\"kg_used\":400}]");
	assert_json(j, "lab_results", "[]");
	assert_json(j, "composition",
		    "[{\"lot\":\"A-1\",\"farm\":\"uz.farm.a\",\"district\":"
		    "\"UZ-SA-KTK\",\"season\":2026,\"share\":0.6},{\"lot\":"
		    "\"B-1\",\"farm\":\"uz.farm.b\",\"district\":\"UZ-QA-NKS\","
		    "\"season\":2026,\"share\":0.4}]");
	json_decref(j);

	assert_int_equal(px_lot_json(&j, t, "A-1"), PX_OK);
	assert_json(
		j, "harvest",
		"{\"farm\":\"uz.farm.a\",\"district\":\"UZ-SA-KTK\","
		"\"region\":\"UZ-SA\",\"season\":2026,\"method\":\"hand\"}");
	assert_null(json_object_get(j, "process"));
	json_decref(j);

	/* *out is cleared on failure. */
	sentinel = json_object();
	j = sentinel;
	assert_int_equal(px_lot_json(&j, t, "NO-SUCH"), PX_ENOTFOUND);
	assert_null(j);
	json_decref(sentinel);
	px_store_abort(t);
}

static size_t
find(const struct px_lineage *g, const char *lot)
{
	for (size_t i = 0; i < g->n_lots; i++)
		if (strcmp(g->lots[i].lot, lot) == 0)
			return i;
	fail_msg("lot '%s' is not in the lineage", lot);
	return 0;
}

static void
assert_edge(const struct px_lineage *g, const char *input, const char *output,
	    uint64_t grams)
{
	size_t in = find(g, input), out = find(g, output);

	for (size_t e = 0; e < g->n_edges; e++)
		if (g->edges[e].input == in && g->edges[e].output == out) {
			assert_int_equal(g->edges[e].grams, grams);
			return;
		}
	fail_msg("no edge %s -> %s", input, output);
}

static void
test_lineage(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_txn *t = snapshot(fx);
	struct px_lineage *g = NULL;
	json_t *j;
	char *text;

	assert_int_equal(px_lineage(&g, t, "YARN-1", 0), PX_OK);
	assert_string_equal(g->lots[0].lot, "YARN-1");
	assert_int_equal(g->n_lots, 4);
	assert_int_equal(g->n_edges, 3);
	assert_edge(g, "LINT-1", "YARN-1", 400000);
	assert_edge(g, "A-1", "LINT-1", 600000);
	assert_edge(g, "B-1", "LINT-1", 400000);
	assert_true(g->lots[find(g, "A-1")].is_origin);
	assert_string_equal(g->lots[find(g, "B-1")].district, "UZ-QA-NKS");
	assert_false(g->lots[find(g, "LINT-1")].is_origin);
	assert_int_equal(g->lots[find(g, "LINT-1")].process,
			 PAXTA__PROCESS__PROCESS_GINNING);

	j = px_lineage_json(g);
	assert_non_null(j);
	assert_json(j, "lot", "\"YARN-1\"");
	text = at(j, "edges");
	assert_non_null(strstr(text, "{\"from\":\"A-1\",\"to\":\"LINT-1\","
				     "\"kg\":600}"));
	free(text);
	json_decref(j);
	px_lineage_free(g);

	/* The cap holds; an origin is its own lineage. */
	assert_int_equal(px_lineage(&g, t, "YARN-1", 3), PX_ETOOLARGE);
	assert_null(g);
	assert_int_equal(px_lineage(&g, t, "A-1", 0), PX_OK);
	assert_int_equal(g->n_lots, 1);
	assert_int_equal(g->n_edges, 0);
	px_lineage_free(g);
	assert_int_equal(px_lineage(&g, t, "NO-SUCH", 0), PX_ENOTFOUND);
	px_store_abort(t);
}

static const struct px_recall_lot *
recalled(const struct px_recall *r, const char *lot)
{
	for (size_t i = 0; i < r->n_lots; i++)
		if (strcmp(r->lots[i].lot, lot) == 0)
			return &r->lots[i];
	return NULL;
}

static void
test_lot_recall(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_txn *t = snapshot(fx);
	struct px_recall *r = NULL;
	json_t *j;

	assert_int_equal(px_lot_recall(&r, t, "A-1"), PX_OK);
	assert_string_equal(r->what, "lot A-1");
	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 5);
	/* The lot first, then in log order. */
	assert_string_equal(r->lots[0].lot, "A-1");
	assert_string_equal(r->lots[1].lot, "LINT-1");
	assert_string_equal(r->lots[2].lot, "SEED-1");
	assert_string_equal(r->lots[3].lot, "LINT-2");
	assert_string_equal(r->lots[4].lot, "YARN-1");
	assert_true(fabs(r->lots[0].share - 1.0) < 1e-9);
	assert_true(fabs(recalled(r, "LINT-1")->share - 0.6) < 1e-9);
	assert_true(fabs(recalled(r, "LINT-2")->share - 1.0) < 1e-9);
	assert_true(fabs(recalled(r, "YARN-1")->share - 0.6) < 1e-9);
	assert_int_equal(recalled(r, "YARN-1")->n_holders, 1);
	assert_string_equal(recalled(r, "YARN-1")->holders[0], SPINNER);
	assert_int_equal(recalled(r, "YARN-1")->held, 380000);
	assert_int_equal(recalled(r, "LINT-1")->held, 0);
	/* Held now × share: SEED-1 500 × 0.6 + LINT-2 150 + YARN-1 380 ×
	 * 0.6 = 678 kg. */
	assert_int_equal(r->affected_grams, 678000);
	j = px_recall_json(r);
	assert_non_null(j);
	assert_json(j, "recall", "\"lot A-1\"");
	json_decref(j);
	px_recall_free(r);

	/* Downstream of B-1: not LINT-2, which is A-1's alone. */
	assert_int_equal(px_lot_recall(&r, t, "B-1"), PX_OK);
	assert_null(recalled(r, "LINT-2"));
	assert_true(fabs(recalled(r, "YARN-1")->share - 0.4) < 1e-9);
	px_recall_free(r);

	assert_int_equal(px_lot_recall(&r, t, "NO-SUCH"), PX_ENOTFOUND);
	assert_null(r);
	px_store_abort(t);
}

static void
test_recall_leaves_out_voided_lots(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall *r = NULL;
	struct px_txn *t;

	pxt_ok(fx, "{'kind':'void','actor':'%s','entry':%llu}", GIN,
	       (unsigned long long)lint2_at);
	t = snapshot(fx);
	assert_int_equal(px_lot_recall(&r, t, "A-1"), PX_OK);
	assert_null(recalled(r, "LINT-2"));
	assert_int_equal(r->n_lots, 4);
	px_recall_free(r);
	px_store_abort(t);
}

/* What a client signs an actor's next entry from: seq and last_hash. */
static void
test_actor_json(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_txn *t = snapshot(fx);
	Paxta__ActorRecord *rec = NULL;
	struct px_hash h;
	char hex[2 * PX_HASH_LEN + 3];
	json_t *j;

	/* The spinner's last entry is the last of the log. */
	pxt_entry_hash_at(t, px_store_size(t) - 1, &h);
	hex[0] = '"';
	px_hex_encode(hex + 1, h.b, PX_HASH_LEN);
	strcat(hex, "\"");
	assert_int_equal(px_state_actor(t, SPINNER, &rec), PX_OK);
	j = px_actor_json(rec);
	assert_non_null(j);
	assert_json(j, "id", "\"" SPINNER "\"");
	assert_json(j, "roles", "[\"spinner\"]");
	assert_json(j, "district", "\"UZ-SA-KTK\"");
	assert_json(j, "seq", "2");
	assert_json(j, "last_hash", hex);
	assert_json(j, "revoked", "false");
	assert_null(json_object_get(j, "revoked_at"));
	assert_int_equal(
		strlen(json_string_value(json_object_get(j, "public_key"))),
		44);
	json_decref(j);
	px_state_free(rec);
	px_store_abort(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, pxt_teardown)
		T(test_lot_json),   T(test_lineage),
		T(test_lot_recall), T(test_recall_leaves_out_voided_lots),
		T(test_actor_json),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
