/*
 * The record-keeper's rules: an event's own time orders custody (a
 * receive after its dispatch, a transform after its inputs were made)
 * while the entry keeps its signing time; documents on the kinds that move
 * cotton. Every refusal leaves the ledger unchanged.
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
#include "paxta/holdings.h"
#include "paxta/lot.h"
#include "paxta/state.h"

#define GENESIS_T 1767225600 /* 2026-01-01T00:00:00Z */
#define NOW       1792656000 /* 2026-10-22T08:00:00Z: the clerk's day */
#define FARM      "uz.farm.0042"
#define GIN       "uz.gin.kattakurgan-01"
#define REGION    "UZ-SA"
#define DISTRICT  "UZ-SA-KTK"
#define LOT       "UZ-2026-F0042-001"

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(NULL, GENESIS_T);

	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	/* picked 21 September, keyed in weeks later */
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':12000,'season':2026,'district':'" DISTRICT
		   "','method':'hand',"
		   "'event_time':'2026-09-21T13:00:00+05:00'}");
	*state = fx;
	return 0;
}

static void
test_receive_by_event_time(void **state)
{
	struct pxt_ledger *fx = *state;
	Paxta__ShipmentRecord *sh = NULL;
	Paxta__LotRecord *lot = NULL;
	struct px_txn *t = NULL;
	json_t *j = NULL, *doc;

	/* The farm ships on 15 October, recorded today (the entry's time is
	 * the node's now); the gin received on 16 October. Before, the
	 * receive had to be dated after the transfer's signing. */
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
	       "','shipment':'WB-7781','lots':[{'lot':'" LOT "','kg':12000}],"
	       "'event_time':'2026-10-15T08:10:00+05:00',"
	       "'documents':[{'type':'waybill','number':'WB-7781'}]}");
	/* a receive that happened before its dispatch */
	pxt_refused(fx, PX_CODE_TIME,
		    "event time 2026-10-15T03:09:59Z is before the shipment's "
		    "dispatch at 2026-10-15T03:10:00Z",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-7781',"
		    "'lots':[{'lot':'" LOT "','kg':12000}],"
		    "'event_time':'2026-10-15T08:09:59+05:00'}");
	/* an event recorded before it happened */
	pxt_refused(fx, PX_CODE_TIME, "is after the entry's own time",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-7781',"
		    "'lots':[{'lot':'" LOT "','kg':12000}],"
		    "'event_time':'2026-11-15T08:00:00+05:00'}");
	/* documents are checked by the rules as well */
	pxt_refused(fx, PX_CODE_MALFORMED, "document 1 needs",
		    "{'kind':'receive','actor':'" GIN "','shipment':'WB-7781',"
		    "'lots':[{'lot':'" LOT "','kg':12000}],"
		    "'documents':[{'type':'waybill','number':'%0300d'}]}",
		    1);
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-7781',"
		   "'lots':[{'lot':'" LOT "','kg':12000}],"
		   "'event_time':'2026-10-16T09:00:00+05:00',"
		   "'documents':[{'type':'weighbridge_ticket',"
		   "'number':'W-1'}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 12000000);

	/* the shipment is dated by its dispatch, the lot by its picking */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_shipment(t, "WB-7781", &sh), PX_OK);
	assert_int_equal(sh->time, 1792033800);
	assert_int_equal(px_state_lot(t, LOT, &lot), PX_OK);
	assert_int_equal(lot->time, 1789977600);
	px_state_free(sh);
	px_state_free(lot);
	px_store_abort(t);

	/* a transform before its input was picked, by event time */
	pxt_refused(fx, PX_CODE_TIME,
		    "event time 2026-09-20T00:00:00Z is before",
		    "{'kind':'transform','actor':'" GIN "','process':'ginning',"
		    "'event_time':'2026-09-20T05:00:00+05:00',"
		    "'inputs':[{'lot':'" LOT "','kg':1000}],'outputs':[{"
		    "'lot':'PBI-1','kg':400,'product':'lint'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
		   "'ginning','event_time':'2026-10-17T10:00:00+05:00',"
		   "'inputs':[{'lot':'" LOT "','kg':1000}],'outputs':[{"
		   "'lot':'PBI-1','kg':400,'product':'lint'}],"
		   "'documents':[{'type':'hvi_report','number':'H-1'}]}");

	/* the lot shows when it happened, when it was recorded, its papers */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_lot_json(&j, t, "PBI-1"), PX_OK);
	px_store_abort(t);
	assert_string_equal(json_string_value(json_object_get(j, "event_time")),
			    "2026-10-17T10:00:00+05:00");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "2026-10-17T05:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "recorded")),
			    "2026-10-22T08:00:00Z");
	doc = json_array_get(json_object_get(j, "documents"), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "type")),
			    "hvi_report");
	assert_string_equal(json_string_value(json_object_get(doc, "number")),
			    "H-1");
	json_decref(j);
}

/* Submitted again: already logged, at its first index, nothing added. */
static void
already_logged(struct pxt_ledger *fx, uint64_t want_index, const char *text)
{
	struct px_append_result res = { 0 };
	struct pxt_snapshot before, after;
	char *dq = strdup(text);

	for (char *c = dq; *c; c++)
		if (*c == '\'')
			*c = '"';
	pxt_snapshot(fx, &before);
	assert_int_equal(pxt_submit(fx, &res, "%s", dq), PX_OK);
	assert_int_equal(res.duplicate, 1);
	assert_int_equal(res.index, want_index);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	free(dq);
}

static void
test_event_id(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_append_result res = { 0 };
	uint64_t shipped;

	/* derived from the content: re-signed (a new seq, prev and time), the
	 * same transfer is already logged */
	assert_int_equal(
		pxt_submit(fx, &res,
			   "{\"kind\":\"transfer\",\"actor\":\"" FARM
			   "\",\"to\":\"" GIN "\",\"shipment\":\"WB-1\","
			   "\"lots\":[{\"lot\":\"" LOT "\",\"kg\":100}]}"),
		PX_OK);
	shipped = res.index;
	already_logged(fx, shipped,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':100}]}");
	fx->now += 3600;
	already_logged(fx, shipped,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','time':'2026-10-22T09:00:00Z',"
		       "'lots':[{'lot':'" LOT "','kg':100}]}");
	/* the author's chain goes on after a repeat */
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-2','lots':[{'lot':'" LOT "','kg':100}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 11800000);

	/* given: the author's own id names the event */
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-3','event_id':'day-1/row-7','lots':[{"
		   "'lot':'" LOT "','kg':1}]}");
	assert_int_equal(pxt_submit(fx, &res,
				    "{\"kind\":\"void\",\"actor\":\"" FARM
				    "\",\"entry\":1,\"event_id\":"
				    "\"day-1/row-7\"}"),
			 PX_OK);
	assert_int_equal(res.duplicate, 1);
	/* another author may use the same id */
	pxt_ok(fx,
	       "{'kind':'receive','actor':'" GIN "','shipment':'WB-3',"
	       "'event_id':'day-1/row-7','lots':[{'lot':'" LOT "','kg':1}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 1000);
	/* an id is an id */
	pxt_refused(
		fx, PX_CODE_MALFORMED, "field 'event_id' 'row 8' is not an id",
		"{'kind':'transfer','actor':'" FARM "','to':'" GIN
		"','shipment':'WB-4','event_id':'row 8','lots':[{'lot':'" LOT
		"','kg':1}]}");
}

/* GET /v1/actors/{id}/holdings, from the ledger as it is now. */
static json_t *
holdings(struct pxt_ledger *fx, const char *actor)
{
	struct px_txn *t = NULL;
	json_t *j = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_holdings_json(&j, t, actor), PX_OK);
	px_store_abort(t);
	return j;
}

static void
test_holdings_and_shipments(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_txn *t = NULL;
	json_t *j, *sh;

	j = holdings(fx, FARM);
	assert_int_equal(json_array_size(json_object_get(j, "holdings")), 1);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(j, "holdings"), 0),
			"kg")),
		12000);
	json_decref(j);
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
	       "','shipment':'WB-7781','lots':[{'lot':'" LOT "','kg':12000}],"
	       "'event_time':'2026-10-15T08:10:00+05:00'}");
	/* on the road: the farm holds nothing, the gin has it to receive */
	j = holdings(fx, FARM);
	assert_int_equal(json_array_size(json_object_get(j, "holdings")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "to_send")), 1);
	json_decref(j);
	j = holdings(fx, GIN);
	sh = json_array_get(json_object_get(j, "to_receive"), 0);
	assert_string_equal(json_string_value(json_object_get(sh, "shipment")),
			    "WB-7781");
	assert_string_equal(json_string_value(json_object_get(sh, "from")),
			    FARM);
	assert_string_equal(
		json_string_value(json_object_get(sh, "dispatched")),
		"2026-10-15T03:10:00Z");
	json_decref(j);
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-7781',"
		   "'lots':[{'lot':'" LOT "','kg':12000}]}");
	j = holdings(fx, GIN);
	assert_int_equal(json_array_size(json_object_get(j, "to_receive")), 0);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "holdings"), 0),
			"lot")),
		LOT);
	json_decref(j);

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_shipment_json(&j, t, "WB-7781"), PX_OK);
	assert_true(json_is_true(json_object_get(j, "received")));
	assert_int_equal(json_array_size(json_object_get(j, "received_lots")),
			 1);
	json_decref(j);
	assert_int_equal(px_shipment_json(&j, t, "WB-404"), PX_ENOTFOUND);
	assert_int_equal(px_holdings_json(&j, t, "nobody"), PX_ENOTFOUND);
	px_store_abort(t);
}

/* The lot -> shipment index, read directly. */
struct seen {
	char shipment[4][PX_ID_MAX + 1];
	uint64_t sent_at[4];
	size_t n;
};

static int
see(void *ctx, const char *shipment, uint64_t sent_at)
{
	struct seen *s = ctx;

	assert_true(s->n < 4);
	snprintf(s->shipment[s->n], sizeof(s->shipment[0]), "%s", shipment);
	s->sent_at[s->n++] = sent_at;
	return 0;
}

static json_t *
lot_shipments(struct pxt_ledger *fx, const char *lot)
{
	struct px_txn *t = NULL;
	json_t *j = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_lot_shipments_json(&j, t, lot), PX_OK);
	px_store_abort(t);
	return j;
}

static const char *
shipment_str(json_t *sh, const char *key)
{
	return json_string_value(json_object_get(sh, key));
}

/* GET /v1/lots/{id}/shipments: kept by the rules in the transfer's
 * transaction, through a void, a refusal and a receive. */
static void
test_lot_shipments(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_append_result res = { 0 };
	struct px_txn *t = NULL;
	struct seen seen = { 0 };
	json_t *j, *sh;
	uint64_t voided_at;

	j = lot_shipments(fx, LOT);
	assert_int_equal(json_array_size(json_object_get(j, "shipments")), 0);
	json_decref(j);

	/* A shipment keyed wrong, voided by its sender. */
	assert_int_equal(pxt_submit(fx, &res,
				    "{\"kind\":\"transfer\",\"actor\":\"" FARM
				    "\",\"to\":\"" GIN
				    "\",\"shipment\":\"WB-7780\",\"lots\":[{"
				    "\"lot\":\"" LOT "\",\"kg\":1200}]}"),
			 PX_OK);
	voided_at = res.index;
	pxt_ok(fx, "{'kind':'void','actor':'" FARM "','entry':%llu}",
	       (unsigned long long)voided_at);
	/* The right one, sent on 15 October in Tashkent time. */
	assert_int_equal(
		pxt_submit(fx, &res,
			   "{\"kind\":\"transfer\",\"actor\":\"" FARM
			   "\",\"to\":\"" GIN
			   "\",\"shipment\":\"WB-7781\",\"lots\":[{\"lot\":"
			   "\"" LOT "\",\"kg\":12000}],\"event_time\":"
			   "\"2026-10-15T08:10:00+05:00\"}"),
		PX_OK);
	/* A refused transfer (nothing left to send) leaves the index as it
	 * was: pxt_refused() compares every table. */
	pxt_refused(fx, PX_CODE_NOT_HOLDER, LOT,
		    "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		    "','shipment':'WB-7782','lots':[{'lot':'" LOT
		    "','kg':1}]}");

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_each_lot_shipment(t, LOT, see, &seen), PX_OK);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.shipment[0], "WB-7780");
	assert_int_equal(seen.sent_at[0], voided_at);
	assert_string_equal(seen.shipment[1], "WB-7781");
	assert_int_equal(seen.sent_at[1], res.index);
	assert_int_equal(px_lot_shipments_json(&j, t, "NO-SUCH-LOT"),
			 PX_ENOTFOUND);
	px_store_abort(t);

	j = lot_shipments(fx, LOT);
	assert_int_equal(json_array_size(json_object_get(j, "shipments")), 2);
	sh = json_array_get(json_object_get(j, "shipments"), 0);
	assert_string_equal(shipment_str(sh, "shipment"), "WB-7780");
	assert_true(json_is_true(json_object_get(sh, "voided")));
	assert_true(json_is_false(json_object_get(sh, "in_transit")));
	assert_true(json_is_null(json_object_get(sh, "received")));
	sh = json_array_get(json_object_get(j, "shipments"), 1);
	assert_string_equal(shipment_str(sh, "shipment"), "WB-7781");
	assert_string_equal(shipment_str(sh, "from"), FARM);
	assert_string_equal(shipment_str(sh, "to"), GIN);
	assert_int_equal(json_integer_value(json_object_get(sh, "kg")), 12000);
	assert_true(json_is_false(json_object_get(sh, "voided")));
	assert_true(json_is_true(json_object_get(sh, "in_transit")));
	assert_true(json_is_null(json_object_get(sh, "received")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(sh, "sent"), "index")),
			 res.index);
	assert_string_equal(
		shipment_str(json_object_get(sh, "sent"), "event_time"),
		"2026-10-15T08:10:00+05:00");
	json_decref(j);

	assert_int_equal(
		pxt_submit(fx, &res,
			   "{\"kind\":\"receive\",\"actor\":\"" GIN
			   "\",\"shipment\":\"WB-7781\",\"lots\":[{\"lot\":"
			   "\"" LOT "\",\"kg\":11990.5}]}"),
		PX_OK);
	j = lot_shipments(fx, LOT);
	sh = json_array_get(json_object_get(j, "shipments"), 1);
	assert_true(json_is_false(json_object_get(sh, "in_transit")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(sh, "received"), "index")),
			 res.index);
	assert_true(json_real_value(json_object_get(
			    json_object_get(sh, "received"), "kg")) == 11990.5);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_receive_by_event_time,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_event_id, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_holdings_and_shipments,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_lot_shipments, setup,
						pxt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
