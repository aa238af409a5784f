/*
 * paxta — one lot as people and scripts read it: state, lineage graph,
 * recall of everything made from it. See lot.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "paxta/encoding.h"
#include "paxta/event.h"
#include "paxta/lot.h"
#include "paxta/map.h"
#include "paxta/names.h"
#include "paxta/state.h"
#include "paxta/units.h"

static const char *
or_unknown(const char *s)
{
	return s ? s : "unknown";
}

/* ---- the lot's state ---- */

struct pairs {
	json_t *arr;
	const char *key;    /* "holder" or "lot" */
	const char *kg_key; /* "kg", or "kg_used" for outputs */
};

static int
collect_pair(void *ctx, const char *id, uint64_t grams)
{
	struct pairs *p = ctx;
	json_t *j = json_pack("{s:o,s:o}", p->key, px_json_text(id), p->kg_key,
			      px_kg_json((double)grams));

	if (!j || json_array_append_new(p->arr, j) != 0)
		return PX_ENOMEM;
	return PX_OK;
}

static int
collect_lab(void *ctx, const Paxta__LabRecord *rec)
{
	json_t *j = json_pack(
		"{s:I,s:o,s:b,s:o,s:o}", "index", (json_int_t)rec->index, "lab",
		px_json_text(rec->lab), "matches", rec->result->matches,
		"claimed_region", px_json_text(rec->result->claimed_region),
		"matched_region", px_json_text(rec->result->matched_region));

	const Paxta__LabResult *lr = rec->result;

	/* What a reader needs to weigh it: the method, the share that does
	 * not match, when, and the report (docs/statements.md). */
	if (j) {
		json_object_set_new(j, "method", json_string(lr->method));
		json_object_set_new(j, "share", json_real(lr->share_ppm / 1e6));
		if (lr->tested_at) {
			char when[PX_TIME_TEXT];

			px_format_time(when, lr->tested_at);
			json_object_set_new(j, "tested_at", json_string(when));
		}
		if (lr->report_sha256.len == 32) {
			char hex[65];

			px_hex_encode(hex, lr->report_sha256.data, 32);
			json_object_set_new(j, "report_sha256",
					    json_string(hex));
		}
	}
	if (!j || json_array_append_new(ctx, j) != 0)
		return PX_ENOMEM;
	return PX_OK;
}

static int
collect_transit(void *ctx, const char *shipment, const char *consignee,
		uint64_t grams)
{
	json_t *j = json_pack(
		"{s:o,s:o,s:o}", "shipment", px_json_text(shipment), "to",
		px_json_text(consignee), "kg", px_kg_json((double)grams));

	if (!j || json_array_append_new(ctx, j) != 0)
		return PX_ENOMEM;
	return PX_OK;
}

/*
 * From the entry that made the lot: "recorded" (when the node accepted it:
 * the time its leaf carries), "signed" (the author's claimed time), and the
 * event's own "event_time" (as given) and "documents" when it has them, so
 * a record made long after the event shows (DESIGN.md §6.1).
 */
static int
put_record_times(json_t *j, struct px_txn *t, uint64_t index)
{
	struct px_entry entry;
	json_t *ev = NULL, *v;
	char when[PX_TIME_TEXT], signed_at[PX_TIME_TEXT];
	int rc;

	if ((rc = px_state_entry(t, index, &entry)) != PX_OK)
		return rc;
	px_format_time(when, entry.accepted_at);
	px_format_time(signed_at, entry.body->time);
	if (!(ev = px_event_from_entry(entry.body)) ||
	    json_object_set_new(j, "recorded", json_string(when)) != 0 ||
	    json_object_set_new(j, "signed", json_string(signed_at)) != 0) {
		rc = PX_ENOMEM;
		goto out;
	}
	if (((v = json_object_get(ev, "event_time")) &&
	     json_object_set(j, "event_time", v) != 0) ||
	    ((v = json_object_get(ev, "documents")) &&
	     json_object_set(j, "documents", v) != 0))
		rc = PX_ENOMEM;
out:
	json_decref(ev);
	px_entry_release(&entry);
	return rc;
}

/* "transit": receives whose weight differed from the kg shipped, with
 * the transit loss (or gain) the ledger's tolerance let through. */
static int
put_weighings(json_t *j, const Paxta__LotRecord *rec)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < rec->n_weighings; i++) {
		const Paxta__Weighing *w = rec->weighings[i];
		int light = w->weighed < w->shipped;
		json_t *o = json_pack(
			"{s:o,s:I,s:o,s:o,s:o}", "shipment",
			px_json_text(w->shipment), "received_at",
			(json_int_t)w->received_at, "shipped_kg",
			px_kg_json((double)w->shipped), "weighed_kg",
			px_kg_json((double)w->weighed),
			light ? "loss_kg" : "gain_kg",
			px_kg_json((double)light ? w->shipped - w->weighed
						 : w->weighed - w->shipped));

		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr && json_object_set_new(j, "transit", arr) == 0 ? PX_OK
								  : PX_ENOMEM;
}

static int
collect_version(void *ctx, const Paxta__LotRecord *rec)
{
	char when[PX_TIME_TEXT];
	json_t *j;

	px_format_time(when, rec->time);
	j = json_pack("{s:I,s:o,s:s,s:o,s:s,s:I,s:I}", "created_at",
		      (json_int_t)rec->created_at, "creator",
		      px_json_text(rec->creator), "product",
		      or_unknown(px_product_name(rec->product)), "kg",
		      px_kg_json((double)rec->grams), "time", when, "voided_at",
		      (json_int_t)rec->voided_at, "superseded_at",
		      (json_int_t)rec->superseded_at);
	if (!j || json_array_append_new(ctx, j) != 0)
		return PX_ENOMEM;
	return PX_OK;
}

/* "previous": the versions of this id whose creation was voided before a
 * corrected entry took the id again, earliest first (docs/api.md). */
static int
put_previous(json_t *j, struct px_txn *t, const char *id)
{
	json_t *arr = json_array();
	int rc;

	if (!arr)
		return PX_ENOMEM;
	rc = px_state_each_lot_version(t, id, collect_version, arr);
	if (rc == PX_OK && json_array_size(arr) &&
	    json_object_set(j, "previous", arr) != 0)
		rc = PX_ENOMEM;
	json_decref(arr);
	return rc;
}

int
px_lot_json(json_t **out, struct px_txn *t, const char *lot)
{
	Paxta__LotRecord *rec = NULL;
	struct px_verdict *v = NULL;
	/* An output's kg is how much of THIS lot went into it, not the
	 * output's own mass: named so nobody reads it as the latter. */
	struct pairs holders = { json_array(), "holder", "kg" },
		     inputs = { json_array(), "lot", "kg" },
		     outputs = { json_array(), "lot", "kg_used" };
	json_t *labs = json_array(), *comp = json_array(),
	       *transit = json_array(), *j = NULL;
	char when[PX_TIME_TEXT];
	int rc;

	*out = NULL;
	if (!holders.arr || !inputs.arr || !outputs.arr || !labs || !comp ||
	    !transit) {
		rc = PX_ENOMEM;
		goto out;
	}
	if ((rc = px_state_lot(t, lot, &rec)) != PX_OK)
		goto out;
	if ((rc = px_state_each_holder(t, rec->id, collect_pair, &holders)) ||
	    (rc = px_state_each_input(t, rec->id, collect_pair, &inputs)) ||
	    (rc = px_state_each_output(t, rec->id, collect_pair, &outputs)) ||
	    (rc = px_state_each_lab(t, rec->id, collect_lab, labs)) ||
	    (rc = px_state_each_transit(t, rec->id, collect_transit, transit)))
		goto out;
	/* A voided lot has no composition: nothing may be made from it. */
	if (!rec->voided && (rc = px_verdict(&v, t, rec->id, 0)) != PX_OK)
		goto out;
	px_format_time(when, rec->time);
	j = json_pack("{s:o,s:s,s:o,s:I,s:s,s:o,s:b}", "lot",
		      px_json_text(rec->id), "product",
		      or_unknown(px_product_name(rec->product)), "creator",
		      px_json_text(rec->creator), "created_at",
		      (json_int_t)rec->created_at, "time", when, "kg",
		      px_kg_json((double)rec->grams), "voided", rec->voided);
	if (!j) {
		rc = PX_ENOMEM;
		goto out;
	}
	if (rec->farm[0] &&
	    json_object_set_new(
		    j, "harvest",
		    json_pack("{s:o,s:o,s:o,s:i,s:s}", "farm",
			      px_json_text(rec->farm), "district",
			      px_json_text(rec->district), "region",
			      px_json_text(rec->region), "season",
			      (int)rec->season, "method",
			      or_unknown(px_method_name(rec->method)))) != 0) {
		rc = PX_ENOMEM;
		goto out;
	}
	if (rec->process &&
	    json_object_set_new(j, "process",
				json_string(or_unknown(
					px_process_name(rec->process)))) != 0) {
		rc = PX_ENOMEM;
		goto out;
	}
	for (size_t k = 0; v && k < v->n_origins; k++) {
		const struct px_origin *o = &v->origins[k];

		if (json_array_append_new(
			    comp, json_pack("{s:o,s:o,s:o,s:i,s:f}", "lot",
					    px_json_text(o->lot), "farm",
					    px_json_text(o->farm), "district",
					    px_json_text(o->district), "season",
					    (int)o->season, "share",
					    o->share)) != 0) {
			rc = PX_ENOMEM;
			goto out;
		}
	}
	if (json_object_set(j, "holders", holders.arr) ||
	    json_object_set(j, "in_transit", transit) ||
	    json_object_set(j, "inputs", inputs.arr) ||
	    json_object_set(j, "outputs", outputs.arr) ||
	    json_object_set(j, "lab_results", labs) ||
	    json_object_set(j, "composition", comp)) {
		rc = PX_ENOMEM;
		goto out;
	}
	if (rec->n_weighings && (rc = put_weighings(j, rec)) != PX_OK)
		goto out;
	if ((rc = put_previous(j, t, rec->id)) != PX_OK)
		goto out;
	if ((rc = put_record_times(j, t, rec->created_at)) != PX_OK)
		goto out;
	*out = j;
	j = NULL;
	rc = PX_OK;
out:
	if (rc > 0) /* a callback's stop is not an answer */
		rc = PX_ESTORE;
	json_decref(j);
	json_decref(holders.arr);
	json_decref(transit);
	json_decref(inputs.arr);
	json_decref(outputs.arr);
	json_decref(labs);
	json_decref(comp);
	px_verdict_free(v);
	px_state_free(rec);
	return rc;
}

/* ---- an actor ---- */

json_t *
px_actor_json(const Paxta__ActorRecord *rec)
{
	const Paxta__Actor *a = rec->actor;
	char key[45] = "", last[2 * PX_HASH_LEN + 1] = "";
	struct px_pubkey pub;
	json_t *roles = json_array(), *j;

	if (!a) {
		json_decref(roles);
		return NULL;
	}
	if (a->public_key.len == PX_PUBKEY_LEN) {
		memcpy(pub.b, a->public_key.data, PX_PUBKEY_LEN);
		px_pubkey_to_base64(key, &pub);
	}
	if (rec->seq && rec->last_hash.len == PX_HASH_LEN)
		px_hex_encode(last, rec->last_hash.data, PX_HASH_LEN);
	for (size_t i = 0; roles && i < a->n_roles; i++)
		if (json_array_append_new(
			    roles,
			    json_string(or_unknown(px_role_name(a->roles[i])))))
			goto fail;
	if (!roles)
		return NULL; /* "o*" would leave the roles out silently */
	j = json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:I,s:I,s:s,s:b}", "id",
		      px_json_text(a->id), "name", px_json_text(a->name),
		      "roles", roles, "region", px_json_text(a->region),
		      "district", px_json_text(a->district), "public_key", key,
		      "registered_at", (json_int_t)rec->registered_at, "seq",
		      (json_int_t)rec->seq, "last_hash", last, "revoked",
		      rec->revoked);
	if (j && rec->revoked &&
	    json_object_set_new(j, "revoked_at",
				json_integer((json_int_t)rec->revoked_at))) {
		json_decref(j);
		return NULL;
	}
	return j;
fail:
	json_decref(roles);
	return NULL;
}
