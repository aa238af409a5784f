/*
 * paxta — the sections the lot page and the evidence report share. Every
 * string from the ledger goes through px_html_text (or px_html_segment
 * in a link); markup around it is ours.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "msg.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/names.h"
#include "paxta/units.h"
#include "sections.h"

#define LIST_MAX 200 /* rows of a table, at most */

void
px_fmt_date(char out[PX_DATE_TEXT], int64_t seconds)
{
	time_t s = (time_t)seconds;
	struct tm tm;

	if (!seconds || !gmtime_r(&s, &tm) ||
	    !strftime(out, PX_DATE_TEXT, "%Y-%m-%d", &tm))
		strcpy(out, "—");
}

void
px_fmt_datetime(char out[PX_DATE_TEXT], int64_t seconds)
{
	time_t s = (time_t)seconds;
	struct tm tm;

	if (!seconds || !gmtime_r(&s, &tm) ||
	    !strftime(out, PX_DATE_TEXT, "%Y-%m-%d %H:%M UTC", &tm))
		strcpy(out, "—");
}

/* "+ more rows: N" after a table cut at max rows. */
static void
put_more(struct px_html *h, enum px_lang l, size_t n, size_t max)
{
	if (n > max)
		px_html_put(h, "<p class=\"muted\">+ %s %zu</p>",
			    M(l, MORE_ROWS), n - max);
}

static const char *
status_class(Paxta__Status s)
{
	switch (s) {
	case PAXTA__STATUS__STATUS_CERTIFIED:
		return "ok";
	case PAXTA__STATUS__STATUS_FORCED_LABOUR:
	case PAXTA__STATUS__STATUS_CHILD_LABOUR:
		return "bad";
	default:
		return "warn";
	}
}

static const char *
verdict_class(enum px_verdict_kind k)
{
	return k == PX_VERDICT_FREE         ? "ok"
	       : k == PX_VERDICT_UNVERIFIED ? "warn"
					    : "bad";
}

static void
put_hex(struct px_html *h, const uint8_t *b, size_t n)
{
	char hex[2 * 32 + 1];

	if (n != 32) {
		px_html_put(h, "—");
		return;
	}
	px_hex_encode(hex, b, 32);
	px_html_put(h, "<code class=\"hash\">%s</code>", hex);
}

/* A party by name, its id beside it when they differ. */
static void
put_party(struct px_html *h, const struct px_dossier *d, const char *id)
{
	const char *name = px_dossier_name(d, id);

	px_html_text(h, name, 80);
	if (strcmp(name, id ? id : "") != 0) {
		px_html_put(h, " <span class=\"id\">");
		px_html_text(h, id, 0);
		px_html_put(h, "</span>");
	}
}

void
px_put_shell_word(struct px_html *h, const char *s)
{
	px_html_put(h, "'");
	for (; s && *s; s++) {
		char one[2] = { *s, 0 };

		if (*s == '\'')
			px_html_put(h, "'\\''");
		else
			px_html_text(h, one, 0);
	}
	px_html_put(h, "'");
}

void
px_put_head(struct px_html *h, const struct px_html_opts *o, const char *title,
	    const char *lot, const char *style)
{
	px_html_put(h,
		    "<!doctype html><html lang=\"%s\"><head><meta "
		    "charset=\"utf-8\"><meta name=\"viewport\" content=\""
		    "width=device-width,initial-scale=1\"><title>%s ",
		    px_lang_tag(o->lang), title);
	px_html_text(h, lot, 0);
	px_html_put(h, " — paxta</title><style>%s</style></head><body>", style);
}

static void
put_breakdown(struct px_html *h, const struct px_verdict *v, enum px_lang lang)
{
	static const Paxta__Status order[] = {
		PAXTA__STATUS__STATUS_CERTIFIED,
		PAXTA__STATUS__STATUS_REMEDIATED,
		PAXTA__STATUS__STATUS_UNDER_REVIEW,
		PAXTA__STATUS__STATUS_WITHDRAWN,
		PAXTA__STATUS__STATUS_UNSPECIFIED,
		PAXTA__STATUS__STATUS_CHILD_LABOUR,
		PAXTA__STATUS__STATUS_FORCED_LABOUR,
	};
	char kg[PX_KG_TEXT];

	px_html_put(h, "<div class=\"bars\">");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		double share = v->by_status[order[i]];

		if (share <= 0)
			continue;
		px_format_kg(kg, (uint64_t)llround(share * (double)v->grams));
		px_html_put(h,
			    "<div class=\"row\"><span class=\"label\">%s"
			    "</span><span class=\"bar\"><span class=\"fill %s"
			    "\" style=\"width:%.2f%%\"></span></span><span "
			    "class=\"num\">%.1f %% · %s kg</span></div>",
			    px_msg_status(lang, order[i]),
			    status_class(order[i]), share * 100, share * 100,
			    kg);
	}
	if (v->lab_mismatch > 0) {
		px_format_kg(kg, (uint64_t)llround(v->lab_mismatch *
						   (double)v->grams));
		px_html_put(h,
			    "<div class=\"row\"><span class=\"label\">%s"
			    "</span><span class=\"bar\"><span class=\"fill "
			    "bad\" style=\"width:%.2f%%\"></span></span><span "
			    "class=\"num\">%.1f %% · %s kg</span></div>",
			    M(lang, LAB_MISMATCH), v->lab_mismatch * 100,
			    v->lab_mismatch * 100, kg);
	}
	if (v->facility > 0) {
		px_format_kg(kg,
			     (uint64_t)llround(v->facility * (double)v->grams));
		px_html_put(h,
			    "<div class=\"row\"><span class=\"label\">%s"
			    "</span><span class=\"bar\"><span class=\"fill "
			    "bad\" style=\"width:%.2f%%\"></span></span><span "
			    "class=\"num\">%.1f %% · %s kg</span></div>",
			    M(lang, FACILITY_FINDING), v->facility * 100,
			    v->facility * 100, kg);
	}
	px_html_put(h, "</div>");
}

void
px_put_verdict(struct px_html *h, const struct px_dossier *d,
	       const struct px_html_opts *o, int link)
{
	const struct px_verdict *v = d->v;
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT];

	px_fmt_datetime(when, d->as_of);
	if (!v) {
		px_html_put(h,
			    "<section class=\"verdict warn\" id=\"verdict\">"
			    "<h2>%s</h2><p>%s</p></section>",
			    M(l, VOIDED), M(l, VOIDED_TEXT));
		return;
	}
	px_html_put(h,
		    "<section class=\"verdict %s\" id=\"verdict\"><h2>%s "
		    "<span class=\"badge %s\" id=\"verdict-word\">%s</span>"
		    "</h2><p class=\"lead\">%s</p>",
		    verdict_class(v->kind), M(l, VERDICT),
		    verdict_class(v->kind), px_verdict_name(v->kind),
		    px_msg_verdict(l, v->kind));
	put_breakdown(h, v, l);
	if (v->n_reasons) {
		px_html_put(h, "<details%s><summary>%s (%zu)</summary><ul>",
			    v->n_reasons <= 6 ? " open" : "", M(l, REASONS),
			    v->n_reasons);
		for (size_t i = 0; i < v->n_reasons && i < LIST_MAX; i++) {
			px_html_put(h, "<li>");
			px_html_text(h, v->reasons[i], 0);
			px_html_put(h, "</li>");
		}
		px_html_put(h, "</ul></details>");
	}
	px_html_put(h, "<p class=\"asof\">%s %s · ", M(l, AS_OF), when);
	if (d->checkpointed && link)
		px_html_put(h,
			    "<a href=\"/v1/checkpoint?size=%" PRIu64 "\">%s "
			    "%" PRIu64 "</a>",
			    d->size, M(l, CHECKPOINT_OF), d->size);
	else if (d->checkpointed)
		px_html_put(h, "%s %" PRIu64, M(l, CHECKPOINT_OF), d->size);
	else
		px_html_put(h, "%s %" PRIu64, M(l, NOT_CHECKPOINTED), d->size);
	px_html_put(h, " · %s %zu · %s %zu</p></section>", M(l, ORIGINS_N),
		    v->n_origins, M(l, LOTS_IN_LINEAGE), v->ancestors);
}

void
px_put_holders(struct px_html *h, const struct px_dossier *d,
	       const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char kg[PX_KG_TEXT];

	px_html_put(h, "<section id=\"holders\"><h2>%s</h2>",
		    M(l, HOLDERS_TITLE));
	if (!d->n_holders && !d->n_transit)
		px_html_put(h, "<p class=\"muted\">%s</p>", M(l, NO_HOLDERS));
	if (d->n_holders) {
		px_html_put(h,
			    "<table><tr><th>%s</th><th class=\"num\">kg</th>"
			    "</tr>",
			    M(l, HOLDER));
		for (size_t i = 0; i < d->n_holders && i < LIST_MAX; i++) {
			px_format_kg(kg, d->holders[i].grams);
			px_html_put(h, "<tr><td>");
			put_party(h, d, d->holders[i].holder);
			px_html_put(h, "</td><td class=\"num\">%s</td></tr>",
				    kg);
		}
		px_html_put(h, "</table>");
	}
	if (d->n_transit) {
		px_html_put(h,
			    "<h3>%s</h3><table><tr><th>%s</th><th>%s</th>"
			    "<th class=\"num\">kg</th></tr>",
			    M(l, ON_THE_ROAD), M(l, SHIPMENT), M(l, TO));
		for (size_t i = 0; i < d->n_transit && i < LIST_MAX; i++) {
			px_format_kg(kg, d->transit[i].grams);
			px_html_put(h, "<tr><td><code>");
			px_html_text(h, d->transit[i].shipment, 0);
			px_html_put(h, "</code></td><td>");
			put_party(h, d, d->transit[i].holder);
			px_html_put(h, "</td><td class=\"num\">%s</td></tr>",
				    kg);
		}
		px_html_put(h, "</table>");
	}
	px_html_put(h, "</section>");
}

void
px_put_parties(struct px_html *h, const struct px_dossier *d,
	       const struct px_html_opts *o)
{
	static const unsigned parts[] = {
		PX_PART_FARM,      PX_PART_MAKER,  PX_PART_SENDER,
		PX_PART_CONSIGNEE, PX_PART_HOLDER, PX_PART_MONITOR,
		PX_PART_LAB,
	};
	enum px_lang l = o->lang;

	px_html_put(h,
		    "<section id=\"parties\"><h2>%s</h2><table><tr><th>%s"
		    "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
		    M(l, PARTIES_TITLE), M(l, NAME), M(l, ROLES),
		    M(l, PART_HERE), M(l, LOCATION), M(l, REGISTERED));
	for (size_t i = 0; i < d->n_parties; i++) {
		const struct px_party *p = &d->parties[i];
		const Paxta__Actor *a = p->rec ? p->rec->actor : NULL;
		int first = 1;

		px_html_put(h, "<tr><td class=\"party\">");
		px_html_text(h, a && a->name[0] ? a->name : p->id, 0);
		px_html_put(h, "<br><span class=\"id\">");
		px_html_text(h, p->id, 0);
		px_html_put(h, "</span></td><td>");
		for (size_t k = 0; a && k < a->n_roles; k++)
			px_html_put(h, "%s%s", k ? ", " : "",
				    px_msg_role(l, a->roles[k]));
		px_html_put(h, "</td><td>");
		for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
			if (p->parts & parts[k]) {
				px_html_put(h, "%s%s", first ? "" : ", ",
					    px_msg_part(l, parts[k]));
				first = 0;
			}
		px_html_put(h, "</td><td class=\"nw\">");
		if (a) {
			px_html_text(
				h, a->district[0] ? a->district : a->region, 0);
			if (a->has_coords)
				px_html_put(h, "<br>%.4f, %.4f", a->lat,
					    a->lon);
		}
		px_html_put(h, "</td><td>");
		if (p->rec)
			px_html_put(h, "%s %" PRIu64 "%s", M(l, ENTRY),
				    p->rec->registered_at,
				    p->rec->revoked ? " · " : "");
		if (p->rec && p->rec->revoked)
			px_html_put(h, "<strong>%s %" PRIu64 "</strong>",
				    M(l, REVOKED_AT), p->rec->revoked_at);
		if (!p->rec)
			px_html_put(h, "%s", M(l, NOT_REGISTERED));
		px_html_put(h, "</td></tr>");
	}
	px_html_put(h, "</table></section>");
}

void
px_put_origins(struct px_html *h, const struct px_dossier *d, size_t max,
	       const struct px_html_opts *o, int link)
{
	const struct px_verdict *v = d->v;
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT];

	if (!v || !v->n_origins)
		return;
	px_html_put(h,
		    "<section id=\"origins\"><h2>%s</h2><table><tr><th>%s"
		    "</th><th>%s</th><th class=\"opt\">%s</th><th class=\""
		    "opt\">%s</th><th class=\"opt\">%s</th><th class=\"num\">"
		    "%s</th><th>%s</th></tr>",
		    M(l, ORIGINS_TITLE), M(l, HARVEST_LOT), M(l, FARM),
		    M(l, DISTRICT), M(l, SEASON), M(l, PICKED), M(l, SHARE),
		    M(l, STATUS));
	for (size_t i = 0; i < v->n_origins && i < max; i++) {
		const struct px_origin *og = &v->origins[i];

		px_fmt_date(when, og->harvested_at);
		px_html_put(h, "<tr><td>");
		if (link) {
			px_html_put(h, "<a href=\"/lots/");
			px_html_segment(h, og->lot);
			px_html_put(h, "?lang=%s\">", px_lang_tag(l));
		}
		px_html_put(h, "<code>");
		px_html_text(h, og->lot, 0);
		px_html_put(h, "</code>%s</td><td>", link ? "</a>" : "");
		put_party(h, d, og->farm);
		px_html_put(h, "</td><td class=\"opt\">");
		px_html_text(h, og->district, 0);
		px_html_put(h,
			    "</td><td class=\"opt\">%u</td><td class=\"opt\">"
			    "%s, %s</td><td class=\"num\">"
			    "%.1f %%</td><td><span class=\"badge %s\">%s</span>"
			    "</td></tr>",
			    og->season, px_msg_method(l, og->method), when,
			    og->share * 100, status_class(og->status),
			    px_msg_status(l, og->status));
	}
	px_html_put(h, "</table>");
	put_more(h, l, v->n_origins, max);
	px_html_put(h, "</section>");
}

/* Each document on one row (type, number, date, issuer), its SHA-256
 * and URI on a row of their own beneath: a hash takes a line's room. */
static void
put_documents(struct px_html *h, Paxta__Document *const *docs, size_t n,
	      enum px_lang l)
{
	char when[PX_DATE_TEXT];

	if (!n)
		return;
	px_html_put(h,
		    "<table class=\"docs\"><tr><th>%s</th><th>%s</th><th>%s"
		    "</th><th>%s</th></tr>",
		    M(l, DOC_TYPE), M(l, DOC_NUMBER), M(l, DATE),
		    M(l, DOC_ISSUER));
	for (size_t i = 0; i < n; i++) {
		const Paxta__Document *doc = docs[i];
		int more = doc->sha256.len || doc->uri[0];

		px_fmt_date(when, doc->date);
		px_html_put(h, "<tr%s><td>", more ? " class=\"first\"" : "");
		px_html_text(h, doc->type, 0);
		px_html_put(h, "</td><td>");
		px_html_text(h, doc->number, 0);
		px_html_put(h, "</td><td class=\"nw\">%s</td><td>", when);
		px_html_text(h, doc->issuer, 0);
		px_html_put(h, "</td></tr>");
		if (!more)
			continue;
		px_html_put(h, "<tr><td colspan=\"4\" class=\"uri\">");
		if (doc->sha256.len) {
			px_html_put(h, "SHA-256 ");
			put_hex(h, doc->sha256.data, doc->sha256.len);
			px_html_put(h, " ");
		}
		px_html_text(h, doc->uri, 200);
		px_html_put(h, "</td></tr>");
	}
	px_html_put(h, "</table>");
}

static void
put_lot_masses(struct px_html *h, Paxta__LotMass *const *lots, size_t n)
{
	char kg[PX_KG_TEXT];

	for (size_t i = 0; i < n; i++) {
		px_format_kg(kg, lots[i]->grams);
		px_html_put(h, "%s<code>", i ? "<br>" : "");
		px_html_text(h, lots[i]->lot, 0);
		px_html_put(h, "</code> %s kg", kg);
	}
}

void
px_put_shipments(struct px_html *h, const struct px_dossier *d, size_t max,
		 const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT];

	px_html_put(h, "<section id=\"shipments\"><h2>%s</h2>",
		    M(l, SHIPMENTS_TITLE));
	if (!d->n_shipments)
		px_html_put(h, "<p class=\"muted\">%s</p>", M(l, NO_SHIPMENTS));
	for (size_t i = 0; i < d->n_shipments && i < max; i++) {
		Paxta__ShipmentRecord *s = NULL;
		struct px_entry sent = { 0 }, got = { 0 };
		const Paxta__Transfer *tr = NULL;
		const Paxta__Receive *rv = NULL;

		if (px_state_shipment(d->t, d->shipments[i].id, &s) != PX_OK) {
			h->failed = 1;
			break;
		}
		if (px_state_entry(d->t, s->sent_at, &sent) == PX_OK &&
		    sent.body &&
		    sent.body->body_case == PAXTA__ENTRY__BODY_TRANSFER)
			tr = sent.body->transfer;
		if (s->received && s->received_at < d->size &&
		    px_state_entry(d->t, s->received_at, &got) == PX_OK &&
		    got.body &&
		    got.body->body_case == PAXTA__ENTRY__BODY_RECEIVE)
			rv = got.body->receive;
		px_fmt_datetime(when, s->time);
		px_html_put(h, "<div class=\"item\"><h3>%s <code>",
			    M(l, SHIPMENT));
		px_html_text(h, s->id, 0);
		px_html_put(h,
			    "</code></h3><table class=\"kv\"><tr><th>%s"
			    "</th><td>",
			    M(l, FROM));
		put_party(h, d, s->from);
		px_html_put(h, "</td></tr><tr><th>%s</th><td>", M(l, TO));
		put_party(h, d, s->to);
		px_html_put(h,
			    "</td></tr><tr><th>%s</th><td>%s · %s %" PRIu64
			    "</td></tr><tr><th>%s</th><td>",
			    M(l, DISPATCHED), when, M(l, ENTRY), s->sent_at,
			    M(l, LOTS_SENT));
		put_lot_masses(h, s->lots, s->n_lots);
		px_html_put(h, "</td></tr><tr><th>%s</th><td>", M(l, RECEIVED));
		if (rv) {
			px_fmt_datetime(when, got.body->time);
			px_html_put(h, "%s · %s %" PRIu64 "<br>", when,
				    M(l, ENTRY), s->received_at);
			put_lot_masses(h, s->received_lots, s->n_received_lots);
		} else {
			px_html_put(h, "%s", M(l, NOT_YET));
		}
		px_html_put(h, "</td></tr>");
		if (tr && tr->n_documents) {
			px_html_put(h, "<tr><th>%s</th><td>",
				    M(l, TRANSPORT_HASHES));
			for (size_t k = 0; k < tr->n_documents; k++)
				put_hex(h, tr->documents[k].data,
					tr->documents[k].len);
			px_html_put(h, "</td></tr>");
		}
		px_html_put(h, "</table>");
		if (tr)
			put_documents(h, tr->papers, tr->n_papers, l);
		if (rv)
			put_documents(h, rv->documents, rv->n_documents, l);
		if ((!tr || !tr->n_papers) && (!rv || !rv->n_documents))
			px_html_put(h, "<p class=\"muted\">%s</p>",
				    M(l, NO_DOCUMENTS));
		px_html_put(h, "</div>");
		px_entry_release(&sent);
		px_entry_release(&got);
		px_state_free(s);
	}
	put_more(h, l, d->n_shipments, max);
	px_html_put(h, "</section>");
}

void
px_put_transforms(struct px_html *h, const struct px_dossier *d, size_t max,
		  const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT], kg[PX_KG_TEXT];

	px_html_put(h, "<section id=\"transforms\"><h2>%s</h2>",
		    M(l, TRANSFORMS_TITLE));
	if (!d->n_transforms)
		px_html_put(h, "<p class=\"muted\">%s</p>",
			    M(l, NO_TRANSFORMS));
	for (size_t i = 0; i < d->n_transforms && i < max; i++) {
		struct px_entry e = { 0 };
		const Paxta__Transform *tf;
		uint64_t in = 0, main_out = 0;

		if (px_state_entry(d->t, d->transforms[i], &e) != PX_OK ||
		    !e.body ||
		    e.body->body_case != PAXTA__ENTRY__BODY_TRANSFORM) {
			px_entry_release(&e);
			continue;
		}
		tf = e.body->transform;
		for (size_t k = 0; k < tf->n_inputs; k++)
			in += tf->inputs[k]->grams;
		/* The main product is the first output's (DESIGN.md §3.3:
		 * the yield cap is on it). */
		for (size_t k = 0; k < tf->n_outputs; k++)
			if (tf->outputs[k]->product == tf->outputs[0]->product)
				main_out += tf->outputs[k]->grams;
		px_fmt_datetime(when, e.body->time);
		px_html_put(h, "<div class=\"item\"><h3>%s — ",
			    px_msg_process(l, tf->process));
		put_party(h, d, e.body->actor);
		px_html_put(h,
			    "</h3><p class=\"muted\">%s · %s %" PRIu64 " · %s "
			    "%.1f %%</p><table><tr><th>%s</th><th>%s</th></tr>"
			    "<tr><td>",
			    when, M(l, ENTRY), d->transforms[i], M(l, YIELD),
			    in ? 100.0 * (double)main_out / (double)in : 0.0,
			    M(l, INPUTS), M(l, OUTPUTS));
		put_lot_masses(h, tf->inputs, tf->n_inputs);
		px_html_put(h, "</td><td>");
		for (size_t k = 0; k < tf->n_outputs; k++) {
			px_format_kg(kg, tf->outputs[k]->grams);
			px_html_put(h, "%s<code>", k ? "<br>" : "");
			px_html_text(h, tf->outputs[k]->lot, 0);
			px_html_put(h, "</code> %s · %s kg (%.1f %%)",
				    px_msg_product(l, tf->outputs[k]->product),
				    kg,
				    in ? 100.0 * (double)tf->outputs[k]->grams /
						    (double)in
				       : 0.0);
		}
		px_html_put(h, "</td></tr></table>");
		put_documents(h, tf->documents, tf->n_documents, l);
		px_html_put(h, "</div>");
		px_entry_release(&e);
	}
	put_more(h, l, d->n_transforms, max);
	px_html_put(h, "</section>");
}

void
px_put_statements(struct px_html *h, const struct px_dossier *d, size_t max,
		  const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT], from[PX_DATE_TEXT], until[PX_DATE_TEXT];

	px_html_put(h, "<section id=\"statements\"><h2>%s</h2>",
		    M(l, STATEMENTS_TITLE));
	if (!d->n_statements)
		px_html_put(h, "<p class=\"muted\">%s</p>",
			    M(l, NO_STATEMENTS));
	for (size_t i = 0; i < d->n_statements && i < max; i++) {
		struct px_entry e = { 0 };
		const Paxta__Attest *a;

		if (px_state_entry(d->t, d->statements[i], &e) != PX_OK ||
		    !e.body || e.body->body_case != PAXTA__ENTRY__BODY_ATTEST) {
			px_entry_release(&e);
			continue;
		}
		a = e.body->attest;
		px_fmt_datetime(when, e.body->time);
		px_html_put(h,
			    "<div class=\"item\"><h3><span class=\"badge %s\">"
			    "%s</span> <code>",
			    status_class(a->status),
			    px_msg_status(l, a->status));
		px_html_text(h, a->subject, 0);
		px_html_put(h,
			    "</code>, %s %u</h3><table class=\"kv\"><tr>"
			    "<th>%s</th><td>",
			    M(l, SEASON), a->season, M(l, BY));
		put_party(h, d, e.body->actor);
		px_html_put(h,
			    "</td></tr><tr><th>%s</th><td>%s · %s %" PRIu64
			    "</td></tr>",
			    M(l, DATE), when, M(l, ENTRY), d->statements[i]);
		if (a->from || a->until) {
			px_fmt_date(from, a->from);
			px_fmt_date(until, a->until);
			px_html_put(h, "<tr><th>%s</th><td>%s – %s</td></tr>",
				    M(l, PERIOD), from, until);
		}
		px_html_put(h, "<tr><th>%s</th><td>", M(l, INDICATORS));
		for (size_t k = 0; k < a->n_indicators; k++) {
			px_html_put(h, "%s", k ? ", " : "");
			px_html_text(h, a->indicators[k], 0);
		}
		if (!a->n_indicators)
			px_html_put(h, "%s", M(l, NONE));
		px_html_put(h, "</td></tr><tr><th>%s</th><td class=\"uri\">",
			    M(l, REPORT));
		px_html_text(h, a->report_uri, 200);
		px_html_put(h, " ");
		put_hex(h, a->report_sha256.data, a->report_sha256.len);
		px_html_put(h, "</td></tr></table>");
		put_documents(h, a->documents, a->n_documents, l);
		px_html_put(h, "</div>");
		px_entry_release(&e);
	}
	put_more(h, l, d->n_statements, max);
	px_html_put(h, "</section>");
}

void
px_put_labs(struct px_html *h, const struct px_dossier *d, size_t max,
	    const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char when[PX_DATE_TEXT];

	px_html_put(h, "<section id=\"labs\"><h2>%s</h2>", M(l, LABS_TITLE));
	if (!d->n_labs)
		px_html_put(h, "<p class=\"muted\">%s</p>", M(l, NO_LABS));
	for (size_t i = 0; i < d->n_labs && i < max; i++) {
		struct px_entry e = { 0 };
		const Paxta__LabResult *r;

		if (px_state_entry(d->t, d->labs[i], &e) != PX_OK || !e.body ||
		    e.body->body_case != PAXTA__ENTRY__BODY_LAB_RESULT) {
			px_entry_release(&e);
			continue;
		}
		r = e.body->lab_result;
		px_fmt_datetime(when,
				r->tested_at ? r->tested_at : e.body->time);
		px_html_put(h,
			    "<div class=\"item\"><h3><span class=\"badge %s\">"
			    "%s</span> <code>",
			    r->matches ? "ok" : "bad",
			    r->matches ? M(l, LAB_MATCHES)
				       : M(l, LAB_DOES_NOT_MATCH));
		px_html_text(h, r->lot, 0);
		px_html_put(h,
			    "</code></h3><table class=\"kv\"><tr><th>%s"
			    "</th><td>",
			    M(l, BY));
		put_party(h, d, e.body->actor);
		px_html_put(h,
			    "</td></tr><tr><th>%s</th><td>%s · %s %" PRIu64
			    "</td></tr><tr><th>%s</th><td>",
			    M(l, TESTED), when, M(l, ENTRY), d->labs[i],
			    M(l, METHOD));
		px_html_text(h, r->method, 0);
		px_html_put(h, "</td></tr><tr><th>%s</th><td>",
			    M(l, CLAIMED_REGION));
		px_html_text(h, r->claimed_region, 0);
		if (r->matched_region[0]) {
			px_html_put(h, " → ");
			px_html_text(h, r->matched_region, 0);
		}
		if (!r->matches)
			px_html_put(h, " · %.1f %%",
				    r->share_ppm ? r->share_ppm / 1e4 : 100.0);
		px_html_put(h, "</td></tr><tr><th>%s</th><td>", M(l, REPORT));
		put_hex(h, r->report_sha256.data, r->report_sha256.len);
		px_html_put(h, "</td></tr></table>");
		put_documents(h, r->documents, r->n_documents, l);
		px_html_put(h, "</div>");
		px_entry_release(&e);
	}
	put_more(h, l, d->n_labs, max);
	px_html_put(h, "</section>");
}

void
px_put_chart(struct px_html *h, const struct px_dossier *d,
	     const struct px_html_opts *o, int page)
{
	enum px_lang l = o->lang;

	px_html_put(h, "<section id=\"chart\"><h2>%s</h2>", M(l, CHART_TITLE));
	if (!d->g) {
		px_html_put(h, "<p class=\"muted\">%s %d</p></section>",
			    M(l, CHART_TOO_LARGE), PX_DOSSIER_LOTS);
		return;
	}
	px_html_put(h, "<p class=\"muted\">%s</p>", M(l, CHART_HELP));
	if (page) {
		/* Four boxes a row on a wide screen and on paper, two on a
		 * phone: each scaled to its column, text still legible. */
		px_chart_svg(h, d,
			     &(struct px_chart_opts){ .lang = l,
						      .per_row = 4,
						      .link = 1,
						      .css_class = "wide" });
		px_chart_svg(h, d,
			     &(struct px_chart_opts){ .lang = l,
						      .per_row = 2,
						      .link = 1,
						      .css_class = "narrow" });
	} else {
		px_chart_svg(h, d,
			     &(struct px_chart_opts){ .lang = l,
						      .per_row = 4,
						      .css_class = "wide" });
	}
	px_html_put(h, "</section>");
}
