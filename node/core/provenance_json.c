/*
 * paxta — the verdict and recall as JSON (docs/api.md): whole or none,
 * never a silent drop; stored text that is not UTF-8 shows as U+FFFD.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"
#include "paxta/names.h"
#include "paxta/provenance.h"
#include "paxta/units.h"

static json_t *
json_share(double share)
{
	/* Six decimals: enough for people, stable for scripts. */
	return json_real(round(share * 1e6) / 1e6);
}

/* Set or append value, stolen; *ok becomes 0 when it could not be (a NULL
 * value: out of memory), so an answer is whole or none, never a silent
 * drop. */
static void
put(int *ok, json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, value) != 0)
		*ok = 0;
}

static void
push(int *ok, json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, value) != 0)
		*ok = 0;
}

static const char *
name_or_unknown(const char *name)
{
	return name ? name : "unknown";
}

json_t *
px_verdict_json(const struct px_verdict *v)
{
	json_t *root = json_object(), *status = json_object(),
	       *origins = json_array(), *districts = json_object(),
	       *reasons = json_array(), *dlist = json_array();
	const char *key;
	json_t *val;
	int ok = 1;

	if (!root || !status || !origins || !districts || !reasons || !dlist)
		goto fail;
	put(&ok, root, "lot", px_json_text(v->lot));
	put(&ok, root, "product",
	    json_string(name_or_unknown(px_product_name(v->product))));
	put(&ok, root, "kg", px_kg_json((double)v->grams));
	put(&ok, root, "verdict", json_string(px_verdict_name(v->kind)));
	put(&ok, root, "at", json_integer((json_int_t)v->at));
	put(&ok, root, "ancestors", json_integer((json_int_t)v->ancestors));
	for (int s = 0; s < PX_STATUS_COUNT; s++) {
		if (v->by_status[s] <= 0)
			continue;
		put(&ok, status, px_status_name((Paxta__Status)s),
		    json_pack("{s:o,s:o}", "share", json_share(v->by_status[s]),
			      "kg",
			      px_kg_json(v->by_status[s] * (double)v->grams)));
	}
	if (v->lab_mismatch > 0)
		put(&ok, status, "lab_mismatch",
		    json_pack("{s:o,s:o}", "share", json_share(v->lab_mismatch),
			      "kg",
			      px_kg_json(v->lab_mismatch * (double)v->grams)));
	if (v->facility > 0)
		put(&ok, status, "facility",
		    json_pack("{s:o,s:o}", "share", json_share(v->facility),
			      "kg",
			      px_kg_json(v->facility * (double)v->grams)));
	put(&ok, root, "by_status", json_incref(status));
	if (v->n_facilities) {
		json_t *list = json_array();

		for (size_t i = 0; list && i < v->n_facilities; i++) {
			const struct px_facility_finding *f = &v->facilities[i];

			push(&ok, list,
			     json_pack(
				     "{s:o,s:o,s:s,s:o,s:I,s:o,s:o}",
				     "facility", px_json_text(f->facility),
				     "lot", px_json_text(f->lot), "status",
				     px_status_name(f->status), "monitor",
				     px_json_text(f->monitor), "decided_by",
				     (json_int_t)f->decided_by, "share",
				     json_share(f->share), "kg",
				     px_kg_json(f->share * (double)v->grams)));
		}
		put(&ok, root, "facilities", list);
	}
	if (v->n_labs) {
		json_t *labs = json_array();

		for (size_t i = 0; labs && i < v->n_labs; i++) {
			const struct px_lab_finding *f = &v->labs[i];
			char hex[2 * 32 + 1];
			json_t *j = json_pack(
				"{s:o,s:o,s:o,s:I,s:o,s:o,s:o}", "lab",
				px_json_text(f->lab), "lot",
				px_json_text(f->lot), "method",
				px_json_text(f->method), "index",
				(json_int_t)f->index, "lot_share",
				json_share(f->lot_share), "share",
				json_share(f->share), "kg",
				px_kg_json(f->share * (double)v->grams));

			if (j && f->has_report) {
				px_hex_encode(hex, f->report_sha256, 32);
				put(&ok, j, "report_sha256", json_string(hex));
			}
			if (j && f->tested_at) {
				char when[PX_TIME_TEXT];

				px_format_time(when, f->tested_at);
				put(&ok, j, "tested_at", json_string(when));
			}
			push(&ok, labs, j);
		}
		put(&ok, root, "labs", labs);
	}
	for (size_t i = 0; i < v->n_origins; i++) {
		const struct px_origin *o = &v->origins[i];
		/* stored strings as px_json_text: never refused by jansson */
		json_t *j = json_pack(
			"{s:o,s:o,s:o,s:o,s:I,s:s,s:o,s:o,s:s}", "lot",
			px_json_text(o->lot), "farm", px_json_text(o->farm),
			"district", px_json_text(o->district), "region",
			px_json_text(o->region), "season",
			(json_int_t)o->season, "method",
			name_or_unknown(px_method_name(o->method)), "share",
			json_share(o->share), "kg",
			px_kg_json(o->share * (double)v->grams), "status",
			px_status_name(o->status));
		char dkey[PX_ID_MAX + 16];
		json_t *d;

		if (j && o->status)
			put(&ok, j, "decided_by",
			    json_pack("{s:I,s:o,s:o}", "index",
				      (json_int_t)o->decided_by, "monitor",
				      px_json_text(o->monitor), "subject",
				      px_json_text(o->subject)));
		push(&ok, origins, j);

		snprintf(dkey, sizeof(dkey), "%s/%u", o->district, o->season);
		d = json_object_get(districts, dkey);
		if (!d) {
			d = json_pack("{s:o,s:I,s:s,s:f,s:i}", "district",
				      px_json_text(o->district), "season",
				      (json_int_t)o->season, "status",
				      px_status_name(o->status), "share", 0.0,
				      "rank", (int)o->status);
			/* the key is only looked up, never shown: any bytes */
			if (!d) {
				ok = 0;
				continue;
			}
			if (json_object_setn_new_nocheck(districts, dkey,
							 strlen(dkey),
							 json_incref(d)) != 0) {
				json_decref(d);
				ok = 0;
				continue;
			}
			if (json_array_append_new(dlist, d) != 0) {
				ok = 0;
				continue;
			}
		}
		{
			double share =
				json_real_value(json_object_get(d, "share")) +
				o->share;

			put(&ok, d, "share", json_real(share));
			/* A district's status is its worst origin's: a farm
			 * finding is not hidden by its neighbours. */
			if ((int)o->status >
			    json_integer_value(json_object_get(d, "rank"))) {
				put(&ok, d, "status",
				    json_string(px_status_name(o->status)));
				put(&ok, d, "rank", json_integer(o->status));
			}
		}
	}
	/* Round the districts' shares and give their kg. */
	json_object_foreach(districts, key, val)
	{
		double share = json_real_value(json_object_get(val, "share"));

		json_object_del(val, "rank");
		put(&ok, val, "share", json_share(share));
		put(&ok, val, "kg", px_kg_json(share * (double)v->grams));
	}
	put(&ok, root, "origins", json_incref(origins));
	put(&ok, root, "districts", json_incref(dlist));
	for (size_t i = 0; i < v->n_reasons; i++)
		push(&ok, reasons, px_json_text(v->reasons[i]));
	put(&ok, root, "reasons", json_incref(reasons));
	if (!ok)
		goto fail;
	json_decref(status);
	json_decref(origins);
	json_decref(dlist);
	json_decref(reasons);
	json_decref(districts);
	return root;
fail:
	json_decref(root);
	json_decref(status);
	json_decref(origins);
	json_decref(districts);
	json_decref(reasons);
	json_decref(dlist);
	return NULL;
}

json_t *
px_recall_json(const struct px_recall *r)
{
	json_t *root = json_object(), *lots = json_array();
	int ok = root && lots;

	if (!ok)
		goto out;
	put(&ok, root, "recall", px_json_text(r->what));
	put(&ok, root, "origins", json_integer((json_int_t)r->n_origins));
	put(&ok, root, "affected_kg", px_kg_json((double)r->affected_grams));
	for (size_t i = 0; ok && i < r->n_lots; i++) {
		const struct px_recall_lot *rl = &r->lots[i];
		json_t *holders = json_array(), *transit = json_array(), *j;

		for (size_t k = 0; transit && k < rl->n_transit; k++)
			push(&ok, transit,
			     json_pack(
				     "{s:o,s:o,s:o}", "shipment",
				     px_json_text(rl->transit[k].shipment),
				     "to", px_json_text(rl->transit[k].to),
				     "kg",
				     px_kg_json((double)rl->transit[k].grams)));
		for (size_t h = 0; holders && h < rl->n_holders; h++)
			push(&ok, holders,
			     json_pack(
				     "{s:o,s:o}", "holder",
				     px_json_text(rl->holders[h]), "kg",
				     px_kg_json((double)rl->holder_grams[h])));
		if (!holders || !transit)
			ok = 0;
		/* "o" steals holders even when the pack fails */
		j = json_pack("{s:o,s:s,s:o,s:o,s:o}", "lot",
			      px_json_text(rl->lot), "product",
			      name_or_unknown(px_product_name(rl->product)),
			      "share", json_share(rl->share), "held_kg",
			      px_kg_json((double)rl->held), "holders", holders);
		/* Only lots with something on the road carry the keys, so a
		 * recall's JSON stays the size of what matters. */
		if (j && rl->n_transit) {
			put(&ok, j, "in_transit_kg",
			    px_kg_json((double)rl->in_transit));
			put(&ok, j, "in_transit", transit);
		} else {
			json_decref(transit);
		}
		push(&ok, lots, j);
	}
	put(&ok, root, "lots", json_incref(lots));
out:
	json_decref(lots);
	if (!ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}
