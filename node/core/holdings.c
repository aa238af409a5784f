/* paxta — an actor's holdings and pending shipments, one shipment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"
#include "paxta/error.h"
#include "paxta/holdings.h"
#include "paxta/names.h"
#include "paxta/state.h"
#include "paxta/units.h"

/* kg as paxta prints them: an integer when whole. */
static json_t *
kg_value(uint64_t grams)
{
	if (grams % 1000 == 0)
		return json_integer((json_int_t)(grams / 1000));
	return json_real((double)grams / 1000.0);
}

static json_t *
lines_value(Paxta__LotMass *const *lines, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(
			    arr, json_pack("{s:o,s:o}", "lot",
					   px_json_text(lines[i]->lot), "kg",
					   kg_value(lines[i]->grams))) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *
shipment_value(const Paxta__ShipmentRecord *rec)
{
	char when[PX_TIME_TEXT];
	json_t *j;

	px_format_time(when, rec->time);
	j = json_pack("{s:o,s:o,s:o,s:o,s:I,s:s,s:b,s:b}", "shipment",
		      px_json_text(rec->id), "from", px_json_text(rec->from),
		      "to", px_json_text(rec->to), "lots",
		      lines_value(rec->lots, rec->n_lots), "sent_at",
		      (json_int_t)rec->sent_at, "dispatched", when, "received",
		      (int)rec->received, "voided", (int)rec->voided);
	if (j && rec->received &&
	    (json_object_set_new(j, "received_at",
				 json_integer((json_int_t)rec->received_at)) ||
	     json_object_set_new(
		     j, "received_lots",
		     lines_value(rec->received_lots, rec->n_received_lots)) ||
	     /* what the scales found short or over, per lot (docs/api.md) */
	     json_object_set_new(
		     j, "transit_loss",
		     lines_value(rec->transit_loss, rec->n_transit_loss)) ||
	     json_object_set_new(
		     j, "transit_gain",
		     lines_value(rec->transit_gain, rec->n_transit_gain)))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
px_shipment_json(json_t **out, struct px_txn *t, const char *shipment)
{
	Paxta__ShipmentRecord *rec = NULL;
	int rc;

	*out = NULL;
	if ((rc = px_state_shipment(t, shipment, &rec)) != PX_OK)
		return rc;
	*out = shipment_value(rec);
	px_state_free(rec);
	return *out ? PX_OK : PX_ENOMEM;
}

struct view {
	struct px_txn *t;
	const char *actor;
	json_t *holdings, *to_receive, *to_send;
};

static int
add_holding(void *ctx, const char *lot, uint64_t grams)
{
	struct view *v = ctx;
	Paxta__LotRecord *rec = NULL;
	const char *product = NULL;
	int rc;

	if ((rc = px_state_lot(v->t, lot, &rec)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	product = px_product_name(rec->product);
	rc = json_array_append_new(v->holdings,
				   json_pack("{s:o,s:s,s:o}", "lot",
					     px_json_text(lot), "product",
					     product ? product : "unknown",
					     "kg", kg_value(grams)))
		     ? PX_ENOMEM
		     : PX_OK;
	px_state_free(rec);
	return rc;
}

static int
add_pending(void *ctx, const Paxta__ShipmentRecord *rec)
{
	struct view *v = ctx;
	json_t *list;

	if (rec->received || rec->voided)
		return 0;
	if (strcmp(rec->to, v->actor) == 0)
		list = v->to_receive;
	else if (strcmp(rec->from, v->actor) == 0)
		list = v->to_send;
	else
		return 0;
	return json_array_append_new(list, shipment_value(rec)) ? PX_ENOMEM : 0;
}

int
px_holdings_json(json_t **out, struct px_txn *t, const char *actor)
{
	Paxta__ActorRecord *rec = NULL;
	struct view v = { t, actor, json_array(), json_array(), json_array() };
	int rc;

	*out = NULL;
	if (!v.holdings || !v.to_receive || !v.to_send) {
		rc = PX_ENOMEM;
		goto out;
	}
	if ((rc = px_state_actor(t, actor, &rec)) != PX_OK ||
	    (rc = px_state_each_held(t, actor, add_holding, &v)) != PX_OK ||
	    (rc = px_state_each_shipment(t, add_pending, &v)) != PX_OK)
		goto out;
	*out = json_pack("{s:o,s:O,s:O,s:O}", "actor", px_json_text(actor),
			 "holdings", v.holdings, "to_receive", v.to_receive,
			 "to_send", v.to_send);
	rc = *out ? PX_OK : PX_ENOMEM;
out:
	if (rc > 0) /* a callback's stop is not an answer */
		rc = PX_ESTORE;
	px_state_free(rec);
	json_decref(v.holdings);
	json_decref(v.to_receive);
	json_decref(v.to_send);
	return rc;
}

/* ---- the shipments of one lot ---- */

struct carried {
	uint64_t sent_at;
	char shipment[PX_ID_MAX + 1];
};

struct carried_list {
	struct carried *items;
	size_t n, cap;
};

static int
add_carried(void *ctx, const char *shipment, uint64_t sent_at)
{
	struct carried_list *cl = ctx;

	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 8;
		struct carried *items =
			realloc(cl->items, cap * sizeof(*items));

		if (!items)
			return PX_ENOMEM;
		cl->items = items;
		cl->cap = cap;
	}
	cl->items[cl->n].sent_at = sent_at;
	snprintf(cl->items[cl->n].shipment, sizeof(cl->items[0].shipment), "%s",
		 shipment);
	cl->n++;
	return PX_OK;
}

static int
cmp_carried(const void *a, const void *b)
{
	const struct carried *x = a, *y = b;

	return x->sent_at < y->sent_at ? -1 : x->sent_at > y->sent_at;
}

/* Grams of lot among lines (0 when it is not there). */
static uint64_t
line_grams(Paxta__LotMass *const *lines, size_t n, const char *lot)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lines[i]->lot, lot) == 0)
			return lines[i]->grams;
	return 0;
}

/* {"index", "time", "event_time"} of the transfer logged at index. */
static int
sent_value(json_t **out, struct px_txn *t, uint64_t index)
{
	struct px_entry e;
	char when[PX_TIME_TEXT];
	int rc;

	*out = NULL;
	if ((rc = px_state_entry(t, index, &e)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	if (e.body->body_case != PAXTA__ENTRY__BODY_TRANSFER) {
		px_entry_release(&e);
		return PX_ESTORE; /* the index names another kind of entry */
	}
	px_format_time(when, e.body->time);
	*out = json_pack("{s:I,s:s,s:o}", "index", (json_int_t)index, "time",
			 when, "event_time",
			 e.body->event_time && e.body->event_time[0]
				 ? px_json_text(e.body->event_time)
				 : json_string(when));
	px_entry_release(&e);
	return *out ? PX_OK : PX_ENOMEM;
}

static int
carried_value(json_t **out, struct px_txn *t, const char *lot,
	      const struct carried *c)
{
	Paxta__ShipmentRecord *rec = NULL;
	json_t *sent = NULL, *received = NULL;
	int rc;

	*out = NULL;
	if ((rc = px_state_shipment(t, c->shipment, &rec)) != PX_OK) {
		rc = rc == PX_ENOTFOUND ? PX_ESTORE : rc;
		goto out;
	}
	/* The index and the record were written by the same transfer. */
	if (rec->sent_at != c->sent_at) {
		rc = PX_ESTORE;
		goto out;
	}
	if ((rc = sent_value(&sent, t, rec->sent_at)) != PX_OK)
		goto out;
	received = rec->received
			   ? json_pack("{s:I,s:o}", "index",
				       (json_int_t)rec->received_at, "kg",
				       kg_value(line_grams(rec->received_lots,
							   rec->n_received_lots,
							   lot)))
			   : json_null();
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:O,s:O,s:b,s:b}", "shipment",
			 px_json_text(rec->id), "from", px_json_text(rec->from),
			 "to", px_json_text(rec->to), "kg",
			 kg_value(line_grams(rec->lots, rec->n_lots, lot)),
			 "lots", lines_value(rec->lots, rec->n_lots), "sent",
			 sent, "received", received, "in_transit",
			 !rec->received && !rec->voided, "voided",
			 (int)rec->voided);
	rc = *out ? PX_OK : PX_ENOMEM;
out:
	json_decref(sent);
	json_decref(received);
	px_state_free(rec);
	return rc;
}

int
px_lot_shipments_json(json_t **out, struct px_txn *t, const char *lot)
{
	Paxta__LotRecord *rec = NULL;
	struct carried_list cl = { 0 };
	json_t *list = NULL, *one;
	int rc;

	*out = NULL;
	if ((rc = px_state_lot(t, lot, &rec)) != PX_OK)
		goto out;
	if ((rc = px_state_each_lot_shipment(t, lot, add_carried, &cl)) !=
	    PX_OK)
		goto out;
	if (cl.n)
		qsort(cl.items, cl.n, sizeof(*cl.items), cmp_carried);
	rc = PX_ENOMEM;
	if (!(list = json_array()))
		goto out;
	for (size_t i = 0; i < cl.n; i++) {
		if ((rc = carried_value(&one, t, lot, &cl.items[i])) != PX_OK)
			goto out;
		if (json_array_append_new(list, one)) {
			rc = PX_ENOMEM;
			goto out;
		}
	}
	*out = json_pack("{s:o,s:O}", "lot", px_json_text(lot), "shipments",
			 list);
	rc = *out ? PX_OK : PX_ENOMEM;
out:
	if (rc > 0)
		rc = PX_ESTORE;
	json_decref(list);
	free(cl.items);
	px_state_free(rec);
	return rc;
}
