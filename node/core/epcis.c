/*
 * paxta — entries to EPCIS 2.0 events and back (DESIGN.md §6.4; the
 * tables are in docs/epcis.md). Both directions go through the event JSON
 * of DESIGN.md §6.1 (px_event_from_entry, px_event_parse), one function
 * per kind, so a field added to an event is mapped in one place.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/crypto.h"
#include "paxta/entry.h"
#include "paxta/epcis.h"
#include "paxta/event.h"
#include "paxta/state.h"
#include "paxta/units.h"

#define PREFIX "paxta:"

/* ---- identifiers ---- */

/* https://ORIGIN/KIND/ID, ID percent-encoded (RFC 3986 §2.1): a lot id
 * may hold '/', '#', '?' or '%'. */
static json_t *
uri_value(const char *origin, const char *kind, const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(origin) + strlen(kind) + 3 * strlen(id) + 16;
	char *s = malloc(n), *p;
	json_t *v;

	if (!s)
		return NULL;
	p = s + snprintf(s, n, "https://%s/%s/", origin, kind);
	for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
		if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' ||
		    *c == '~') {
			*p++ = (char)*c;
		} else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	*p = '\0';
	v = json_string(s);
	free(s);
	return v;
}

/*
 * The id in an http(s) URI whose last two segments are KIND/ID (any
 * node's: a document from another paxta node names its own origin).
 * PX_OK with out filled; PX_EMALFORMED otherwise.
 */
static int
uri_id(char out[PX_ID_MAX + 1], const char *uri, const char *kind)
{
	const char *last, *p;
	size_t n = 0, kl = strlen(kind);

	if (strncmp(uri, "https://", 8) != 0 && strncmp(uri, "http://", 7) != 0)
		return PX_EMALFORMED;
	last = strrchr(uri, '/');
	if (!last || last - uri < (ptrdiff_t)(kl + 1) ||
	    strncmp(last - kl, kind, kl) != 0 ||
	    last[-(ptrdiff_t)kl - 1] != '/')
		return PX_EMALFORMED;
	for (p = last + 1; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			uint8_t b;

			/* reads p[2] only when p[1] is a hex digit */
			if (px_hex_decode(&b, 1, p + 1) != PX_OK)
				return PX_EMALFORMED;
			c = b;
			p += 2;
		}
		if (n == PX_ID_MAX || c == 0)
			return PX_EMALFORMED;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return px_state_valid_id(out) ? PX_OK : PX_EMALFORMED;
}

/* ---- export: one function per kind ---- */

struct out {
	const char *origin;
	int ok;
};

static void
put(struct out *o, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v))
		o->ok = 0;
}

static void
push(struct out *o, json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v))
		o->ok = 0;
}

/* A copy of ev's field key, if there is one. */
static void
copy(struct out *o, json_t *obj, const char *key, const json_t *ev,
     const char *field)
{
	json_t *v = json_object_get(ev, field);

	if (v)
		put(o, obj, key, json_deep_copy(v));
}

static json_t *
uri(struct out *o, const char *kind, const json_t *ev, const char *field)
{
	const char *id = json_string_value(json_object_get(ev, field));

	return uri_value(o->origin, kind, id ? id : "");
}

/* A place or party as {"id": actor URI}. */
static json_t *
place(struct out *o, const json_t *ev)
{
	json_t *p = json_object();

	if (p)
		put(o, p, "id", uri(o, "actor", ev, "actor"));
	return p;
}

/* [{lot, kg}] as an EPCIS quantityList in kg (UN/CEFACT KGM). */
static json_t *
quantities(struct out *o, const json_t *lines)
{
	json_t *list = json_array(), *line;
	size_t i;

	if (!list)
		return NULL;
	json_array_foreach(lines, i, line)
	{
		json_t *q = json_object();

		if (q) {
			put(o, q, "epcClass", uri(o, "lot", line, "lot"));
			copy(o, q, "quantity", line, "kg");
			put(o, q, "uom", json_string("KGM"));
		}
		push(o, list, q);
	}
	return list;
}

/* [{type, source|destination: actor URI}] */
static json_t *
party_list(struct out *o, const char *member, const json_t *ev,
	   const char *field)
{
	json_t *list = json_array(), *p = json_object();

	if (p) {
		put(o, p, "type", json_string("owning_party"));
		put(o, p, member, uri(o, "actor", ev, field));
	}
	push(o, list, p);
	return list;
}

/* The CBV 2.0 business transaction type (BTT) of a document type, or
 * NULL for papers no BTT names (a weighbridge ticket, a contract): those
 * travel only in paxta:documents. */
static const char *
btt_of(const char *type)
{
	static const char *const map[][2] = {
		{ "invoice", "inv" },
		{ "purchase_order", "po" },
		{ "bill_of_lading", "bol" },
		{ "cmr", "bol" }, /* the road consignment note */
		{ "waybill", "bol" },
		{ "packing_list", "desadv" },
		{ "certificate", "cert" },
		{ "hvi_report", "testres" },
	};

	for (size_t i = 0; type && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* The shipment as a despatch advice (CBV 2.0 BTT desadv), first (import
 * reads the shipment there), then each of the event's papers that a BTT
 * names: by its own URI, else by its number under the node's. */
static json_t *
shipment_list(struct out *o, const json_t *ev)
{
	json_t *list = json_array(), *b = json_object();
	const json_t *doc;
	size_t i;

	if (b) {
		put(o, b, "type", json_string("desadv"));
		put(o, b, "bizTransaction", uri(o, "shipment", ev, "shipment"));
	}
	push(o, list, b);
	json_array_foreach(json_object_get(ev, "documents"), i, doc)
	{
		const char *btt =
			btt_of(json_string_value(json_object_get(doc, "type")));
		const json_t *own = json_object_get(doc, "uri");

		if (!btt || !json_is_object(doc))
			continue;
		if (!json_is_string(own) &&
		    !json_is_string(json_object_get(doc, "number")))
			continue;
		b = json_object();
		if (b) {
			put(o, b, "type", json_string(btt));
			put(o, b, "bizTransaction",
			    json_is_string(own)
				    ? json_incref((json_t *)own)
				    : uri(o, "document", doc, "number"));
		}
		push(o, list, b);
	}
	return list;
}

static void
map_harvest(struct out *o, json_t *x, const json_t *ev)
{
	json_t *lines = json_array(), *line = json_object(), *ilmd;

	copy(o, line, "lot", ev, "lot");
	copy(o, line, "kg", ev, "kg");
	push(o, lines, line);
	put(o, x, "type", json_string("ObjectEvent"));
	put(o, x, "action", json_string("ADD"));
	put(o, x, "bizStep", json_string("commissioning"));
	put(o, x, "disposition", json_string("active"));
	put(o, x, "quantityList", quantities(o, lines));
	put(o, x, "bizLocation", place(o, ev));
	/* What is known of the new lot: its instance/lot master data. */
	ilmd = json_object();
	put(o, ilmd, PREFIX "product", json_string("seed_cotton"));
	copy(o, ilmd, PREFIX "season", ev, "season");
	copy(o, ilmd, PREFIX "district", ev, "district");
	copy(o, ilmd, PREFIX "field", ev, "field");
	copy(o, ilmd, PREFIX "method", ev, "method");
	put(o, x, "ilmd", ilmd);
	json_decref(lines);
}

static void
map_transform(struct out *o, json_t *x, const json_t *ev)
{
	const json_t *outputs = json_object_get(ev, "outputs"), *line;
	json_t *products = json_array(), *ilmd;
	size_t i;

	put(o, x, "type", json_string("TransformationEvent"));
	put(o, x, "inputQuantityList",
	    quantities(o, json_object_get(ev, "inputs")));
	put(o, x, "outputQuantityList", quantities(o, outputs));
	put(o, x, "bizStep", json_string("creating_class_instance"));
	put(o, x, "bizLocation", place(o, ev));
	copy(o, x, PREFIX "process", ev, "process");
	json_array_foreach(outputs, i, line)
	{
		json_t *p = json_object();

		if (p) {
			put(o, p, PREFIX "lot", uri(o, "lot", line, "lot"));
			copy(o, p, PREFIX "product", line, "product");
		}
		push(o, products, p);
	}
	ilmd = json_object();
	put(o, ilmd, PREFIX "products", products);
	put(o, x, "ilmd", ilmd);
}

static void
map_transfer(struct out *o, json_t *x, const json_t *ev)
{
	put(o, x, "type", json_string("ObjectEvent"));
	put(o, x, "action", json_string("OBSERVE"));
	put(o, x, "bizStep", json_string("shipping"));
	put(o, x, "disposition", json_string("in_transit"));
	put(o, x, "quantityList", quantities(o, json_object_get(ev, "lots")));
	put(o, x, "bizTransactionList", shipment_list(o, ev));
	put(o, x, "sourceList", party_list(o, "source", ev, "actor"));
	put(o, x, "destinationList", party_list(o, "destination", ev, "to"));
	copy(o, x, PREFIX "documents", ev, "documents");
}

static void
map_receive(struct out *o, json_t *x, const json_t *ev)
{
	put(o, x, "type", json_string("ObjectEvent"));
	put(o, x, "action", json_string("OBSERVE"));
	put(o, x, "bizStep", json_string("receiving"));
	put(o, x, "disposition", json_string("in_progress"));
	put(o, x, "quantityList", quantities(o, json_object_get(ev, "lots")));
	put(o, x, "bizLocation", place(o, ev));
	put(o, x, "bizTransactionList", shipment_list(o, ev));
	put(o, x, "destinationList", party_list(o, "destination", ev, "actor"));
	copy(o, x, PREFIX "documents", ev, "documents");
}

/* The report as certificationInfo: its URI, or its SHA-256 as an RFC
 * 6920 name when it has none. */
static void
put_certification(struct out *o, json_t *x, const json_t *ev)
{
	const char *report =
		json_string_value(json_object_get(ev, "report_uri"));
	const char *sha =
		json_string_value(json_object_get(ev, "report_sha256"));
	char ni[PX_EPCIS_ID_TEXT];

	if (report) {
		put(o, x, "certificationInfo", json_string(report));
	} else if (sha && sha[0]) {
		snprintf(ni, sizeof(ni), "ni:///sha-256;%s", sha);
		put(o, x, "certificationInfo", json_string(ni));
	}
	if (sha && sha[0])
		put(o, x, PREFIX "reportSha256", json_string(sha));
}

static void
map_lab_result(struct out *o, json_t *x, const json_t *ev)
{
	json_t *list = json_array(), *q = json_object();

	if (q)
		put(o, q, "epcClass", uri(o, "lot", ev, "lot"));
	push(o, list, q);
	put(o, x, "type", json_string("ObjectEvent"));
	put(o, x, "action", json_string("OBSERVE"));
	put(o, x, "bizStep", json_string("inspecting"));
	put(o, x, "quantityList", list);
	put_certification(o, x, ev);
	put(o, x, PREFIX "actor", uri(o, "actor", ev, "actor"));
	copy(o, x, PREFIX "matches", ev, "matches");
	copy(o, x, PREFIX "claimedRegion", ev, "claimed_region");
	copy(o, x, PREFIX "matchedRegion", ev, "matched_region");
	copy(o, x, PREFIX "method", ev, "method");
}

static void
map_attest(struct out *o, json_t *x, const json_t *ev)
{
	put(o, x, "type", json_string("ObjectEvent"));
	put(o, x, "action", json_string("OBSERVE"));
	put(o, x, "bizStep", json_string("inspecting"));
	put(o, x, "epcList", json_array());
	put_certification(o, x, ev);
	put(o, x, PREFIX "actor", uri(o, "actor", ev, "actor"));
	copy(o, x, PREFIX "subject", ev, "subject");
	copy(o, x, PREFIX "season", ev, "season");
	copy(o, x, PREFIX "status", ev, "status");
	copy(o, x, PREFIX "indicators", ev, "indicators");
}

/* When it happened: the event's business time when it has one (a
 * harvest's harvested_at; "event_time" once events carry it), else the
 * author's signed time. */
static const char *
business_time(const json_t *ev)
{
	const char *t = json_string_value(json_object_get(ev, "event_time"));

	if (!t)
		t = json_string_value(json_object_get(ev, "harvested_at"));
	if (!t)
		t = json_string_value(json_object_get(ev, "time"));
	return t ? t : "";
}

/* The offset a time was written with: "+05:00", or "+00:00" for Z. */
static json_t *
offset_of(const char *t)
{
	size_t n = strlen(t);

	if (n > 6 && (t[n - 6] == '+' || t[n - 6] == '-') && t[n - 3] == ':')
		return json_string(t + n - 6);
	return json_string("+00:00");
}

int
px_epcis_event(json_t **out, const char *origin, uint64_t index,
	       const struct px_hash *leaf_hash, int64_t recorded,
	       const Paxta__Entry *e)
{
	char record_time[PX_TIME_TEXT];
	struct out o = { .origin = origin, .ok = 1 };
	json_t *ev = NULL, *x = NULL, *context = NULL;
	char hex[2 * sizeof(leaf_hash->b) + 1], id[PX_EPCIS_ID_TEXT];
	const char *when;
	int rc = PX_ENOMEM;

	*out = NULL;
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_HARVEST:
	case PAXTA__ENTRY__BODY_TRANSFORM:
	case PAXTA__ENTRY__BODY_TRANSFER:
	case PAXTA__ENTRY__BODY_RECEIVE:
	case PAXTA__ENTRY__BODY_LAB_RESULT:
	case PAXTA__ENTRY__BODY_ATTEST:
		break;
	default:
		return PX_ENOTFOUND;
	}
	if (!(ev = px_event_from_entry(e)) || !(x = json_object()))
		goto out;
	when = business_time(ev);
	/* "type" first, then the times: the order people read. */
	put(&o, x, "type", json_string(""));
	put(&o, x, "eventTime", json_string(when));
	put(&o, x, "eventTimeZoneOffset", offset_of(when));
	/* When the node recorded it: the time its leaf carries. */
	px_format_time(record_time, recorded);
	put(&o, x, "recordTime", json_string(record_time));
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_HARVEST:
		map_harvest(&o, x, ev);
		break;
	case PAXTA__ENTRY__BODY_TRANSFORM:
		map_transform(&o, x, ev);
		break;
	case PAXTA__ENTRY__BODY_TRANSFER:
		map_transfer(&o, x, ev);
		break;
	case PAXTA__ENTRY__BODY_RECEIVE:
		map_receive(&o, x, ev);
		break;
	case PAXTA__ENTRY__BODY_LAB_RESULT:
		map_lab_result(&o, x, ev);
		break;
	default:
		map_attest(&o, x, ev);
		break;
	}
	px_hex_encode(hex, leaf_hash->b, sizeof(leaf_hash->b));
	put(&o, x, PREFIX "index", json_integer((json_int_t)index));
	put(&o, x, PREFIX "leafHash", json_string(hex));
	if (!o.ok)
		goto out;
	context = json_pack("{s:s}", "paxta", PX_EPCIS_NS);
	if (!context)
		goto out;
	if ((rc = px_epcis_event_id(id, NULL, x, context)) != PX_OK)
		goto out;
	if (json_object_set_new(x, "eventID", json_string(id))) {
		rc = PX_ENOMEM;
		goto out;
	}
	*out = x;
	x = NULL;
	rc = PX_OK;
out:
	json_decref(context);
	json_decref(ev);
	json_decref(x);
	return rc;
}

/* ---- export: the document ---- */

/* A set of ids (lots, subjects) for one export, kept sorted: each add
 * is a binary search and a move, each look-up a binary search. */
struct idset {
	char **v;
	size_t n, cap;
};

/* The position of id in s, or where it would go; *found says which. */
static size_t
idset_find(const struct idset *s, const char *id, int *found)
{
	size_t lo = 0, hi = s->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid], id);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
idset_has(const struct idset *s, const char *id)
{
	int found;

	idset_find(s, id, &found);
	return found;
}

/* Add id (nothing when it is there). */
static int
idset_add(struct idset *s, const char *id)
{
	int found;
	size_t at = idset_find(s, id, &found);
	char *copy_;

	if (found)
		return PX_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return PX_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (!(copy_ = strdup(id)))
		return PX_ENOMEM;
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
	s->v[at] = copy_;
	s->n++;
	return PX_OK;
}

static void
idset_release(struct idset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* A lot's history: the lots it was made from, and the statements'
 * subjects that weigh on it (DESIGN.md §3.4). */
struct history {
	struct px_txn *t;
	struct idset lots, subjects;
	struct idset queue; /* lots whose inputs are still to be read (any
			       order will do: it is a work list) */
};

static int
add_subject(struct history *h, const char *kind, const char *id)
{
	char s[PX_ID_MAX + 16];

	if (!id || !id[0])
		return PX_OK;
	snprintf(s, sizeof(s), "%s:%s", kind, id);
	return idset_add(&h->subjects, s);
}

static int
visit_input(void *ctx, const char *lot, uint64_t grams)
{
	struct history *h = ctx;
	int rc;

	(void)grams;
	if (idset_has(&h->lots, lot))
		return PX_OK;
	if ((rc = idset_add(&h->lots, lot)) != PX_OK)
		return rc;
	return idset_add(&h->queue, lot);
}

static int
walk_lineage(struct history *h, const char *lot)
{
	Paxta__LotRecord *rec = NULL;
	int rc;

	if ((rc = idset_add(&h->lots, lot)) != PX_OK ||
	    (rc = idset_add(&h->queue, lot)) != PX_OK)
		return rc;
	while (h->queue.n) {
		char *id = h->queue.v[--h->queue.n];
		char country[8];

		rc = px_state_lot(h->t, id, &rec);
		if (rc == PX_OK) {
			size_t cl = strcspn(rec->region, "-");

			snprintf(country, sizeof(country), "%.*s",
				 (int)(cl < 7 ? cl : 7), rec->region);
			rc = add_subject(h, "actor", rec->creator);
			if (rc == PX_OK)
				rc = add_subject(h, "farm", rec->farm);
			if (rc == PX_OK)
				rc = add_subject(h, "district", rec->district);
			if (rc == PX_OK)
				rc = add_subject(h, "region", rec->region);
			if (rc == PX_OK)
				rc = add_subject(h, "country", country);
			if (rc == PX_OK)
				rc = px_state_each_input(h->t, id, visit_input,
							 h);
		}
		px_state_free(rec);
		rec = NULL;
		free(id);
		if (rc != PX_OK)
			return rc;
	}
	return PX_OK;
}

static int
names_any(struct history *h, Paxta__LotMass *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i] && idset_has(&h->lots, lines[i]->lot))
			return 1;
	return 0;
}

/* Does entry e belong to the history h? */
static int
in_history(struct history *h, const Paxta__Entry *e)
{
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_HARVEST:
		return e->harvest && idset_has(&h->lots, e->harvest->lot);
	case PAXTA__ENTRY__BODY_TRANSFORM:
		if (!e->transform)
			return 0;
		for (size_t i = 0; i < e->transform->n_outputs; i++)
			if (idset_has(&h->lots, e->transform->outputs[i]->lot))
				return 1;
		return names_any(h, e->transform->inputs,
				 e->transform->n_inputs);
	case PAXTA__ENTRY__BODY_TRANSFER:
		return e->transfer &&
		       names_any(h, e->transfer->lots, e->transfer->n_lots);
	case PAXTA__ENTRY__BODY_RECEIVE:
		return e->receive &&
		       names_any(h, e->receive->lots, e->receive->n_lots);
	case PAXTA__ENTRY__BODY_LAB_RESULT:
		return e->lab_result && idset_has(&h->lots, e->lab_result->lot);
	case PAXTA__ENTRY__BODY_ATTEST:
		return e->attest && idset_has(&h->subjects, e->attest->subject);
	default:
		return 0;
	}
}

int
px_epcis_export(json_t **out, struct px_txn *t, const char *origin,
		const struct px_epcis_select *sel, int64_t created)
{
	struct history h = { .t = t };
	json_t *doc = NULL, *events = NULL, *x = NULL;
	uint64_t size = px_store_size(t), from = 0, to = 0;
	char when[PX_TIME_TEXT];
	int rc;

	*out = NULL;
	if (sel->lot) {
		Paxta__LotRecord *rec = NULL;

		if ((rc = px_state_lot(t, sel->lot, &rec)) != PX_OK)
			return rc;
		px_state_free(rec);
		if ((rc = walk_lineage(&h, sel->lot)) != PX_OK)
			goto out;
		to = size ? size - 1 : 0;
	} else {
		from = sel->from;
		to = sel->to < size ? sel->to : size - 1;
	}
	rc = PX_ENOMEM;
	px_format_time(when, created);
	doc = json_pack("{s:[s,{s:s}],s:s,s:s,s:s,s:{s:[]}}", "@context",
			PX_EPCIS_CONTEXT, "paxta", PX_EPCIS_NS, "type",
			"EPCISDocument", "schemaVersion", "2.0", "creationDate",
			when, "epcisBody", "eventList");
	if (!doc)
		goto out;
	events =
		json_object_get(json_object_get(doc, "epcisBody"), "eventList");
	for (uint64_t i = from; size && i <= to; i++) {
		struct px_entry e;

		memset(&e, 0, sizeof(e));
		if ((rc = px_state_entry(t, i, &e)) != PX_OK)
			goto out;
		if (!e.body || (sel->lot && !in_history(&h, e.body))) {
			px_entry_release(&e);
			continue;
		}
		if ((rc = px_entry_prepare(&e, PX_ENTRY_HASH)) == PX_OK)
			rc = px_epcis_event(&x, origin, i, &e.leaf_hash,
					    e.accepted_at, e.body);
		px_entry_release(&e);
		if (rc == PX_ENOTFOUND)
			continue;
		if (rc != PX_OK)
			goto out;
		if (json_array_append_new(events, x)) {
			rc = PX_ENOMEM;
			goto out;
		}
	}
	*out = doc;
	doc = NULL;
	rc = PX_OK;
out:
	json_decref(doc);
	idset_release(&h.lots);
	idset_release(&h.subjects);
	idset_release(&h.queue);
	return rc;
}

/* ---- import ---- */

/* "commissioning" from any of the forms a CBV word takes. */
static const char *
bare_word(const char *v, const char *vocab)
{
	static const char *const forms[] = { "https://ref.gs1.org/cbv/",
					     "http://ref.gs1.org/cbv/",
					     "cbv:" };
	size_t vl = strlen(vocab);

	if (!v)
		return "";
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t n = strlen(forms[i]);

		if (strncmp(v, forms[i], n) == 0 &&
		    strncmp(v + n, vocab, vl) == 0 && v[n + vl] == '-')
			return v + n + vl + 1;
	}
	if (strncmp(v, "urn:epcglobal:cbv:", 18) == 0) {
		const char *w = strchr(v + 18, ':');

		return w ? w + 1 : v;
	}
	return v;
}

struct in {
	struct px_refusal *r;
	int rc;
};

/* The first failure is the one reported. */
static int __attribute__((format(printf, 2, 3)))
bad(struct in *in, const char *fmt, ...)
{
	char message[PX_REFUSAL_MESSAGE_MAX];
	va_list ap;

	if (in->rc != PX_OK)
		return in->rc;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	in->rc = px_refuse(in->r, PX_CODE_MALFORMED, "%s", message);
	return in->rc;
}

/* Sets obj's key to v (taken, also after a failure). */
static void
set(struct in *in, json_t *obj, const char *key, json_t *v)
{
	if (in->rc != PX_OK) {
		json_decref(v);
		return;
	}
	if (!v || json_object_set_new(obj, key, v))
		in->rc = PX_ENOMEM;
}

static void
take(struct in *in, json_t *obj, const char *key, const json_t *from,
     const char *field)
{
	const json_t *v = json_object_get(from, field);

	if (v)
		set(in, obj, key, json_deep_copy(v));
}

/* An id out of a URI of kind, as a JSON string. */
static json_t *
id_of(struct in *in, const json_t *v, const char *kind, const char *what)
{
	char id[PX_ID_MAX + 1];

	if (!json_is_string(v) ||
	    uri_id(id, json_string_value(v), kind) != PX_OK) {
		bad(in, "%s is not a paxta %s URI (https://ORIGIN/%s/ID)", what,
		    kind, kind);
		return NULL;
	}
	return json_string(id);
}

/* quantityList to [{lot, kg}]: every quantity a number of kg. */
static json_t *
lots_of(struct in *in, const json_t *list, const char *name)
{
	json_t *lines = json_array(), *q;
	size_t i;

	if (!lines)
		return NULL;
	if (!json_is_array(list) || json_array_size(list) == 0) {
		bad(in, "'%s' is missing or empty", name);
		return lines;
	}
	json_array_foreach(list, i, q)
	{
		const json_t *kg = json_object_get(q, "quantity");
		const char *uom = json_string_value(json_object_get(q, "uom"));
		json_t *line = json_object();
		json_t *lot = id_of(in, json_object_get(q, "epcClass"), "lot",
				    "epcClass");

		if (in->rc == PX_OK &&
		    (!json_is_number(kg) || json_number_value(kg) < 0)) {
			bad(in,
			    "the quantity of lot '%s' is not a number of kg",
			    json_string_value(lot));
		}
		if (in->rc == PX_OK && (!uom || strcmp(uom, "KGM") != 0))
			bad(in, "uom '%s' is not KGM: paxta counts kg",
			    uom ? uom : "");
		if (line && lot) {
			set(in, line, "lot", lot);
			lot = NULL;
			take(in, line, "kg", q, "quantity");
		}
		json_decref(lot);
		if (!line || json_array_append_new(lines, line))
			in->rc = PX_ENOMEM;
	}
	return lines;
}

static const json_t *
party(const json_t *x, const char *list, const char *member)
{
	return json_object_get(json_array_get(json_object_get(x, list), 0),
			       member);
}

static void
unmap_harvest(struct in *in, json_t *ev, const json_t *x)
{
	const json_t *ilmd = json_object_get(x, "ilmd");
	json_t *lines =
		lots_of(in, json_object_get(x, "quantityList"), "quantityList");
	const json_t *line = json_array_get(lines, 0);

	set(in, ev, "actor",
	    id_of(in, json_object_get(json_object_get(x, "bizLocation"), "id"),
		  "actor", "bizLocation"));
	if (json_array_size(lines) != 1)
		bad(in, "a harvest makes one lot, not %zu",
		    json_array_size(lines));
	take(in, ev, "lot", line, "lot");
	take(in, ev, "kg", line, "kg");
	take(in, ev, "season", ilmd, PREFIX "season");
	take(in, ev, "district", ilmd, PREFIX "district");
	take(in, ev, "field", ilmd, PREFIX "field");
	take(in, ev, "method", ilmd, PREFIX "method");
	take(in, ev, "harvested_at", x, "eventTime");
	json_decref(lines);
}

static void
unmap_transform(struct in *in, json_t *ev, const json_t *x)
{
	json_t *inputs = lots_of(in, json_object_get(x, "inputQuantityList"),
				 "inputQuantityList");
	json_t *outputs = lots_of(in, json_object_get(x, "outputQuantityList"),
				  "outputQuantityList");
	const json_t *products =
		json_object_get(json_object_get(x, "ilmd"), PREFIX "products");
	json_t *line;
	size_t i;

	set(in, ev, "actor",
	    id_of(in, json_object_get(json_object_get(x, "bizLocation"), "id"),
		  "actor", "bizLocation"));
	take(in, ev, "process", x, PREFIX "process");
	/* Each output's product, from the lot master data. */
	json_array_foreach(outputs, i, line)
	{
		const char *lot =
			json_string_value(json_object_get(line, "lot"));
		const json_t *p;
		size_t k;

		json_array_foreach(products, k, p)
		{
			char id[PX_ID_MAX + 1];
			const char *u = json_string_value(
				json_object_get(p, PREFIX "lot"));

			if (u && lot && uri_id(id, u, "lot") == PX_OK &&
			    strcmp(id, lot) == 0)
				take(in, line, "product", p, PREFIX "product");
		}
		if (in->rc == PX_OK && !json_object_get(line, "product"))
			bad(in,
			    "no product for output lot '%s' (ilmd "
			    "paxta:products)",
			    lot ? lot : "");
	}
	set(in, ev, "inputs", inputs);
	set(in, ev, "outputs", outputs);
}

/* What a transfer and a receive share: the shipment (the first business
 * transaction), the lots and their papers. */
static void
unmap_shipment(struct in *in, json_t *ev, const json_t *x, json_t *lines)
{
	set(in, ev, "shipment",
	    id_of(in, party(x, "bizTransactionList", "bizTransaction"),
		  "shipment", "bizTransaction"));
	set(in, ev, "lots", lines);
	take(in, ev, "documents", x, PREFIX "documents");
}

static void
unmap_transfer(struct in *in, json_t *ev, const json_t *x)
{
	json_t *lines =
		lots_of(in, json_object_get(x, "quantityList"), "quantityList");

	set(in, ev, "actor",
	    id_of(in, party(x, "sourceList", "source"), "actor",
		  "sourceList's source"));
	set(in, ev, "to",
	    id_of(in, party(x, "destinationList", "destination"), "actor",
		  "destinationList's destination"));
	unmap_shipment(in, ev, x, lines);
}

static void
unmap_receive(struct in *in, json_t *ev, const json_t *x)
{
	json_t *lines =
		lots_of(in, json_object_get(x, "quantityList"), "quantityList");

	set(in, ev, "actor",
	    id_of(in, party(x, "destinationList", "destination"), "actor",
		  "destinationList's destination"));
	unmap_shipment(in, ev, x, lines);
}

/* The report of a statement or lab result back from certificationInfo
 * and paxta:reportSha256. */
static void
unmap_report(struct in *in, json_t *ev, const json_t *x, int with_uri)
{
	const char *info =
		json_string_value(json_object_get(x, "certificationInfo"));

	if (with_uri && info && strncmp(info, "ni:", 3) != 0)
		set(in, ev, "report_uri", json_string(info));
	take(in, ev, "report_sha256", x, PREFIX "reportSha256");
}

static void
unmap_lab_result(struct in *in, json_t *ev, const json_t *x)
{
	const json_t *q = json_array_get(json_object_get(x, "quantityList"), 0);

	set(in, ev, "actor",
	    id_of(in, json_object_get(x, PREFIX "actor"), "actor",
		  PREFIX "actor"));
	set(in, ev, "lot",
	    id_of(in, json_object_get(q, "epcClass"), "lot", "epcClass"));
	take(in, ev, "matches", x, PREFIX "matches");
	take(in, ev, "claimed_region", x, PREFIX "claimedRegion");
	take(in, ev, "matched_region", x, PREFIX "matchedRegion");
	take(in, ev, "method", x, PREFIX "method");
	unmap_report(in, ev, x, 0);
}

static void
unmap_attest(struct in *in, json_t *ev, const json_t *x)
{
	set(in, ev, "actor",
	    id_of(in, json_object_get(x, PREFIX "actor"), "actor",
		  PREFIX "actor"));
	take(in, ev, "subject", x, PREFIX "subject");
	take(in, ev, "season", x, PREFIX "season");
	take(in, ev, "status", x, PREFIX "status");
	take(in, ev, "indicators", x, PREFIX "indicators");
	unmap_report(in, ev, x, 1);
}

int
px_epcis_to_event(json_t **out, const json_t *x, struct px_refusal *r)
{
	struct in in = { .r = r, .rc = PX_OK };
	const char *type = json_string_value(json_object_get(x, "type"));
	const char *action = json_string_value(json_object_get(x, "action"));
	const char *step = bare_word(
		json_string_value(json_object_get(x, "bizStep")), "BizStep");
	const char *kind = NULL;
	const char *when;
	json_t *ev;

	*out = NULL;
	if (!json_is_object(x))
		return px_refuse(r, PX_CODE_MALFORMED,
				 "an EPCIS event is a JSON object");
	type = type ? type : "";
	action = action ? action : "";
	if (strcmp(type, "TransformationEvent") == 0)
		kind = "transform";
	else if (strcmp(type, "ObjectEvent") != 0)
		kind = NULL;
	else if (strcmp(action, "ADD") == 0 &&
		 strcmp(step, "commissioning") == 0)
		kind = "harvest";
	else if (strcmp(action, "OBSERVE") == 0 &&
		 strcmp(step, "shipping") == 0)
		kind = "transfer";
	else if (strcmp(action, "OBSERVE") == 0 &&
		 strcmp(step, "receiving") == 0)
		kind = "receive";
	else if (strcmp(step, "inspecting") == 0 &&
		 json_object_get(x, PREFIX "status"))
		kind = "attest";
	else if (strcmp(step, "inspecting") == 0 &&
		 json_object_get(x, PREFIX "matches"))
		kind = "lab_result";
	if (!kind)
		return px_refuse(r, PX_CODE_NONE,
				 "paxta has no meaning for a%s '%s' with "
				 "action '%s' and bizStep '%s'",
				 type[0] == 'A' || type[0] == 'O' ? "n" : "",
				 type, action, step);
	if (!(ev = json_object()))
		return PX_ENOMEM;
	set(&in, ev, "kind", json_string(kind));
	/* The signed time: when it was recorded, else when it happened. */
	when = json_string_value(json_object_get(x, "recordTime"));
	if (!when)
		when = json_string_value(json_object_get(x, "eventTime"));
	if (!when)
		bad(&in, "'%s' is missing", "eventTime");
	else
		set(&in, ev, "time", json_string(when));
	/* When it happened, as written: a harvest's is its harvested_at. */
	if (strcmp(kind, "harvest") != 0 &&
	    json_is_string(json_object_get(x, "eventTime")))
		take(&in, ev, "event_time", x, "eventTime");
	if (strcmp(kind, "harvest") == 0)
		unmap_harvest(&in, ev, x);
	else if (strcmp(kind, "transform") == 0)
		unmap_transform(&in, ev, x);
	else if (strcmp(kind, "transfer") == 0)
		unmap_transfer(&in, ev, x);
	else if (strcmp(kind, "receive") == 0)
		unmap_receive(&in, ev, x);
	else if (strcmp(kind, "lab_result") == 0)
		unmap_lab_result(&in, ev, x);
	else
		unmap_attest(&in, ev, x);
	if (in.rc != PX_OK) {
		json_decref(ev);
		return in.rc;
	}
	*out = ev;
	return PX_OK;
}

int
px_epcis_parse(json_t **doc, json_t **events, json_t **context,
	       const char *text, size_t len, struct px_refusal *r)
{
	json_error_t err;
	const char *type;
	json_t *body, *list;

	*doc = *events = *context = NULL;
	if (len > PX_EPCIS_DOC_MAX)
		return PX_ETOOLARGE;
	if (!(*doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err))) {
		px_refuse(r, PX_CODE_MALFORMED, "not JSON: line %d: %s",
			  err.line, err.text);
		return PX_EMALFORMED;
	}
	type = json_string_value(json_object_get(*doc, "type"));
	body = json_object_get(*doc, "epcisBody");
	list = json_object_get(body, "eventList");
	if (!list) /* an EPCISQueryDocument */
		list = json_object_get(
			json_object_get(json_object_get(body, "queryResults"),
					"resultsBody"),
			"eventList");
	if (!type ||
	    (strcmp(type, "EPCISDocument") != 0 &&
	     strcmp(type, "EPCISQueryDocument") != 0) ||
	    !json_is_array(list)) {
		json_decref(*doc);
		*doc = NULL;
		px_refuse(r, PX_CODE_MALFORMED,
			  "not an EPCIS 2.0 document (type EPCISDocument "
			  "with epcisBody.eventList)");
		return PX_EMALFORMED;
	}
	if (json_array_size(list) > PX_EPCIS_EVENTS_MAX) {
		json_decref(*doc);
		*doc = NULL;
		return PX_ETOOLARGE;
	}
	*events = list;
	*context = json_object_get(*doc, "@context");
	return PX_OK;
}
