/* paxta — an actor's holdings and pending shipments, one shipment. */
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
