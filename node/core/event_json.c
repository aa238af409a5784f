/*
 * paxta — entries as event JSON (DESIGN.md §6.1): what the node serves and
 * the CLI prints for a logged entry. The other way, JSON to an entry, is
 * event.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/crypto.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/event.h"
#include "paxta/units.h"

/* ---- entries as JSON ---- */

/* json_object_set_new steals value, a NULL one too, and then fails. */
static void
put(int *ok, json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, value) != 0)
		*ok = 0;
}

/* Strings of a logged entry: px_json_text shows bytes that are not UTF-8
 * as U+FFFD (the leaf's exact bytes are what counts, and they are served
 * beside). */
static void
put_text(int *ok, json_t *obj, const char *key, const char *s)
{
	put(ok, obj, key, px_json_text(s));
}

/* Optional strings: absent when empty, as proto3 has them. */
static void
put_opt_text(int *ok, json_t *obj, const char *key, const char *s)
{
	if (s && s[0])
		put(ok, obj, key, px_json_text(s));
}

static json_t *
u64_value(uint64_t v)
{
	/* Beyond json_int_t only in entries no ledger accepts. */
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

/* kg: an integer when whole, else a real that parses back exactly. */
static json_t *
kg_value(uint64_t grams)
{
	if (grams % 1000 == 0)
		return json_integer((json_int_t)(grams / 1000));
	return json_real((double)grams / 1000.0);
}

/* An enum by its name; a value this build has no name for, as a number. */
static json_t *
name_value(const char *name, int v)
{
	return name ? json_string(name) : json_integer(v);
}

static json_t *
hex_value(const ProtobufCBinaryData *b)
{
	json_t *v;
	char *hex;

	if (b->len > (SIZE_MAX - 1) / 2 || !(hex = malloc(2 * b->len + 1)))
		return NULL;
	px_hex_encode(hex, b->data, b->len);
	v = json_string(hex);
	free(hex);
	return v;
}

static void
put_hex(int *ok, json_t *obj, const char *key, const ProtobufCBinaryData *b)
{
	if (b->len)
		put(ok, obj, key, hex_value(b));
}

static json_t *
base64_value(const ProtobufCBinaryData *b)
{
	json_t *v;
	char *text = NULL;

	if (px_base64_encode(&text, b->data, b->len) != PX_OK)
		return NULL;
	v = json_string(text);
	free(text);
	return v;
}

static void
put_base64(int *ok, json_t *obj, const char *key, const ProtobufCBinaryData *b)
{
	if (b->len)
		put(ok, obj, key, base64_value(b));
}

/* json_array_append_new steals value like put, also when it fails. */
static void
append(int *ok, json_t *arr, json_t *value)
{
	if (!arr) {
		json_decref(value);
		*ok = 0;
	} else if (json_array_append_new(arr, value) != 0) {
		*ok = 0;
	}
}

static json_t *
lot_masses_value(Paxta__LotMass *const *lines, size_t n)
{
	json_t *arr = json_array();
	int ok = arr != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		json_t *line = json_object();

		if (line && lines[i]) {
			put_text(&ok, line, "lot", lines[i]->lot);
			put(&ok, line, "kg", kg_value(lines[i]->grams));
		}
		append(&ok, arr, line);
	}
	if (!ok) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *
actor_value(const Paxta__Actor *a)
{
	json_t *obj = json_object(), *roles = json_array();
	int ok = obj && roles;

	for (size_t i = 0; ok && i < a->n_roles; i++)
		append(&ok, roles,
		       name_value(px_role_name(a->roles[i]), a->roles[i]));
	if (ok) {
		put_text(&ok, obj, "id", a->id);
		put_text(&ok, obj, "name", a->name);
		put(&ok, obj, "roles", roles);
		roles = NULL;
		put_opt_text(&ok, obj, "region", a->region);
		put_opt_text(&ok, obj, "district", a->district);
		if (a->has_coords) {
			put(&ok, obj, "lat", json_real(a->lat));
			put(&ok, obj, "lon", json_real(a->lon));
		}
		if (a->area_m2)
			put(&ok, obj, "area_ha", json_real(a->area_m2 / 1e4));
		put_base64(&ok, obj, "public_key", &a->public_key);
	}
	json_decref(roles);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static void
put_genesis(int *ok, json_t *obj, const Paxta__Genesis *g)
{
	json_t *registrars = json_array();

	put(ok, obj, "format", json_integer(g->format));
	put_text(ok, obj, "origin", g->origin);
	put_base64(ok, obj, "node_key", &g->node_key);
	for (size_t i = 0; *ok && i < g->n_registrars; i++) {
		json_t *reg = json_object();

		if (reg && g->registrars[i]) {
			put_text(ok, reg, "id", g->registrars[i]->id);
			put_base64(ok, reg, "public_key",
				   &g->registrars[i]->public_key);
		}
		append(ok, registrars, reg);
	}
	put(ok, obj, "registrars", registrars);
	if (g->policy) {
		const Paxta__Policy *pol = g->policy;
		json_t *policy = json_object();

		/* yield caps as fractions, as §3.3 states them */
		if (policy) {
			put(ok, policy, "ginning",
			    json_real(pol->ginning_ppm / 1e6));
			put(ok, policy, "spinning",
			    json_real(pol->spinning_ppm / 1e6));
			put(ok, policy, "weaving",
			    json_real(pol->weaving_ppm / 1e6));
			put(ok, policy, "knitting",
			    json_real(pol->knitting_ppm / 1e6));
			put(ok, policy, "making",
			    json_real(pol->making_ppm / 1e6));
			put(ok, policy, "max_skew_s",
			    json_integer(pol->max_skew_s));
			if (pol->harvest_from || pol->harvest_until) {
				put(ok, policy, "harvest_from",
				    json_integer(pol->harvest_from));
				put(ok, policy, "harvest_until",
				    json_integer(pol->harvest_until));
			}
			if (pol->max_yield_kg_ha)
				put(ok, policy, "max_yield_kg_ha",
				    json_integer(pol->max_yield_kg_ha));
			/* as fractions of the kg shipped, like the caps */
			if (pol->transit_set) {
				put(ok, policy, "transit_loss",
				    json_real(pol->transit_loss_ppm / 1e6));
				put(ok, policy, "transit_gain",
				    json_real(pol->transit_gain_ppm / 1e6));
			}
			if (pol->n_max_delay) {
				json_t *caps = json_object();

				for (size_t i = 0; caps && i < pol->n_max_delay;
				     i++)
					put(ok, caps, pol->max_delay[i]->kind,
					    json_integer(pol->max_delay[i]
								 ->seconds));
				put(ok, policy, "max_delay_s", caps);
			}
		}
		put(ok, obj, "policy", policy);
	}
}

static void put_documents(int *ok, json_t *obj,
			  const ProtobufCBinaryData *hashes, size_t n_hashes,
			  Paxta__Document *const *docs, size_t n);

static void
put_transform(int *ok, json_t *obj, const Paxta__Transform *t)
{
	json_t *outputs = json_array();

	put(ok, obj, "process",
	    name_value(px_process_name(t->process), t->process));
	put(ok, obj, "inputs", lot_masses_value(t->inputs, t->n_inputs));
	for (size_t i = 0; *ok && i < t->n_outputs; i++) {
		const Paxta__Output *o = t->outputs[i];
		json_t *line = json_object();

		if (line && o) {
			put_text(ok, line, "lot", o->lot);
			put(ok, line, "kg", kg_value(o->grams));
			put(ok, line, "product",
			    name_value(px_product_name(o->product),
				       o->product));
		}
		append(ok, outputs, line);
	}
	put(ok, obj, "outputs", outputs);
	put_documents(ok, obj, NULL, 0, t->documents, t->n_documents);
}

static void
put_transfer(int *ok, json_t *obj, const Paxta__Transfer *t)
{
	put_text(ok, obj, "to", t->to);
	put_text(ok, obj, "shipment", t->shipment);
	put(ok, obj, "lots", lot_masses_value(t->lots, t->n_lots));
	put_documents(ok, obj, t->documents, t->n_documents, t->papers,
		      t->n_papers);
}

/* "documents" as the parser reads them: a transfer's bare SHA-256 values
 * (hashes, n_hashes) first, then document objects; absent when none. */
static void
put_documents(int *ok, json_t *obj, const ProtobufCBinaryData *hashes,
	      size_t n_hashes, Paxta__Document *const *docs, size_t n)
{
	json_t *list;

	if (n == 0 && n_hashes == 0)
		return;
	list = json_array();
	for (size_t i = 0; *ok && i < n_hashes; i++)
		append(ok, list, hex_value(&hashes[i]));
	for (size_t i = 0; *ok && i < n; i++) {
		const Paxta__Document *d = docs[i];
		json_t *doc = json_object();

		if (doc && d) {
			put_text(ok, doc, "type", d->type);
			put_opt_text(ok, doc, "number", d->number);
			if (d->date) {
				char when[PX_TIME_TEXT];

				px_format_time(when, d->date);
				put_text(ok, doc, "date", when);
			}
			put_opt_text(ok, doc, "issuer", d->issuer);
			put_hex(ok, doc, "sha256", &d->sha256);
			put_opt_text(ok, doc, "uri", d->uri);
		}
		append(ok, list, doc);
	}
	put(ok, obj, "documents", list);
}

static void
put_attest(int *ok, json_t *obj, const Paxta__Attest *a)
{
	json_t *indicators = json_array();

	put_text(ok, obj, "subject", a->subject);
	put(ok, obj, "season", json_integer(a->season));
	put(ok, obj, "status",
	    name_value(px_status_name(a->status), a->status));
	for (size_t i = 0; *ok && i < a->n_indicators; i++)
		append(ok, indicators, px_json_text(a->indicators[i]));
	put(ok, obj, "indicators", indicators);
	put_opt_text(ok, obj, "report_uri", a->report_uri);
	put_hex(ok, obj, "report_sha256", &a->report_sha256);
	put_documents(ok, obj, NULL, 0, a->documents, a->n_documents);
	if (a->from) {
		char when[PX_TIME_TEXT];

		px_format_time(when, a->from);
		put_text(ok, obj, "from", when);
	}
	if (a->until) {
		char when[PX_TIME_TEXT];

		px_format_time(when, a->until);
		put_text(ok, obj, "until", when);
	}
}

static void
put_publish(int *ok, json_t *obj, const Paxta__PublishDistricts *pd)
{
	json_t *regions = json_array();

	put_text(ok, obj, "country", pd->country);
	for (size_t i = 0; *ok && i < pd->n_regions; i++) {
		const Paxta__Region *rg = pd->regions[i];
		json_t *region = json_object(), *districts = json_array();

		if (region && districts && rg) {
			put_text(ok, region, "code", rg->code);
			put_text(ok, region, "name", rg->name);
			for (size_t k = 0; *ok && k < rg->n_districts; k++) {
				json_t *d = json_object();

				if (d && rg->districts[k]) {
					put_text(ok, d, "code",
						 rg->districts[k]->code);
					put_text(ok, d, "name",
						 rg->districts[k]->name);
				}
				append(ok, districts, d);
			}
			put(ok, region, "districts", districts);
			districts = NULL;
		}
		json_decref(districts);
		append(ok, regions, region);
	}
	put(ok, obj, "regions", regions);
}

/* The body's fields, beside "kind" and the header. */
static void
put_body(int *ok, json_t *obj, const Paxta__Entry *e)
{
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_GENESIS:
		if (e->genesis)
			put_genesis(ok, obj, e->genesis);
		break;
	case PAXTA__ENTRY__BODY_REGISTER_ACTOR:
		if (e->register_actor && e->register_actor->subject)
			put(ok, obj, "subject",
			    actor_value(e->register_actor->subject));
		break;
	case PAXTA__ENTRY__BODY_UPDATE_ACTOR:
		if (e->update_actor && e->update_actor->subject)
			put(ok, obj, "subject",
			    actor_value(e->update_actor->subject));
		break;
	case PAXTA__ENTRY__BODY_REVOKE_ACTOR:
		if (!e->revoke_actor)
			break;
		put_text(ok, obj, "subject", e->revoke_actor->subject);
		put_opt_text(ok, obj, "reason", e->revoke_actor->reason);
		break;
	case PAXTA__ENTRY__BODY_ROTATE_KEY:
		if (!e->rotate_key)
			break;
		put_text(ok, obj, "subject", e->rotate_key->subject);
		put_base64(ok, obj, "public_key", &e->rotate_key->public_key);
		break;
	case PAXTA__ENTRY__BODY_HARVEST: {
		const Paxta__Harvest *h = e->harvest;

		if (!h)
			break;
		put_text(ok, obj, "lot", h->lot);
		put(ok, obj, "kg", kg_value(h->grams));
		put(ok, obj, "season", json_integer(h->season));
		put_text(ok, obj, "district", h->district);
		put_opt_text(ok, obj, "field", h->field);
		if (h->method != PAXTA__METHOD__METHOD_UNSPECIFIED)
			put(ok, obj, "method",
			    name_value(px_method_name(h->method), h->method));
		if (h->harvested_at != 0) {
			char when[PX_TIME_TEXT];

			px_format_time(when, h->harvested_at);
			put_text(ok, obj, "harvested_at", when);
		}
		put_documents(ok, obj, NULL, 0, h->documents, h->n_documents);
		break;
	}
	case PAXTA__ENTRY__BODY_TRANSFORM:
		if (e->transform)
			put_transform(ok, obj, e->transform);
		break;
	case PAXTA__ENTRY__BODY_TRANSFER:
		if (e->transfer)
			put_transfer(ok, obj, e->transfer);
		break;
	case PAXTA__ENTRY__BODY_RECEIVE:
		if (!e->receive)
			break;
		put_text(ok, obj, "shipment", e->receive->shipment);
		put(ok, obj, "lots",
		    lot_masses_value(e->receive->lots, e->receive->n_lots));
		put_documents(ok, obj, NULL, 0, e->receive->documents,
			      e->receive->n_documents);
		break;
	case PAXTA__ENTRY__BODY_LAB_RESULT: {
		const Paxta__LabResult *l = e->lab_result;

		if (!l)
			break;
		put_text(ok, obj, "lot", l->lot);
		put(ok, obj, "matches", json_boolean(l->matches));
		put_opt_text(ok, obj, "claimed_region", l->claimed_region);
		put_opt_text(ok, obj, "matched_region", l->matched_region);
		put_opt_text(ok, obj, "method", l->method);
		put_hex(ok, obj, "report_sha256", &l->report_sha256);
		if (l->share_ppm)
			put(ok, obj, "share", json_real(l->share_ppm / 1e6));
		if (l->tested_at) {
			char when[PX_TIME_TEXT];

			px_format_time(when, l->tested_at);
			put_text(ok, obj, "tested_at", when);
		}
		put_documents(ok, obj, NULL, 0, l->documents, l->n_documents);
		break;
	}
	case PAXTA__ENTRY__BODY_VOID:
		if (!e->void_)
			break;
		put(ok, obj, "entry", u64_value(e->void_->index));
		put_opt_text(ok, obj, "reason", e->void_->reason);
		break;
	case PAXTA__ENTRY__BODY_ATTEST:
		if (e->attest)
			put_attest(ok, obj, e->attest);
		break;
	case PAXTA__ENTRY__BODY_SUSPEND:
		if (!e->suspend)
			break;
		put_text(ok, obj, "subject", e->suspend->subject);
		put(ok, obj, "from", u64_value(e->suspend->from));
		put_text(ok, obj, "reason", e->suspend->reason);
		break;
	case PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS:
		if (e->publish_districts)
			put_publish(ok, obj, e->publish_districts);
		break;
	case PAXTA__ENTRY__BODY_INDEX_ROOT:
		if (!e->index_root)
			break;
		put(ok, obj, "size", u64_value(e->index_root->size));
		put_hex(ok, obj, "root", &e->index_root->root);
		break;
	case PAXTA__ENTRY__BODY__NOT_SET:
	default:
		break;
	}
}

json_t *
px_event_from_entry(const Paxta__Entry *e)
{
	char when[PX_TIME_TEXT];
	json_t *obj = json_object();
	int ok = obj != NULL;

	if (!ok)
		return NULL;
	put_text(&ok, obj, "kind", px_entry_kind_name(e->body_case));
	put_text(&ok, obj, "actor", e->actor);
	put(&ok, obj, "seq", u64_value(e->seq));
	put_hex(&ok, obj, "prev", &e->prev);
	px_format_time(when, e->time);
	put_text(&ok, obj, "time", when);
	/* as given, its offset kept */
	put_opt_text(&ok, obj, "event_time", e->event_time);
	put_opt_text(&ok, obj, "event_id", e->event_id);
	put_body(&ok, obj, e);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
