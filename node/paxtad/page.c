/*
 * paxtad — GET /lots/{id}: a page for people (DESIGN.md §6.3).
 *
 * The verdict with its breakdown, a flow chart of the lot's path from the
 * farms (inline SVG), the origins and the monitors' statements that decide
 * them, and how to check it all without trusting this page. One
 * self-contained document: no scripts, no external assets, a
 * Content-Security-Policy that forbids loading any.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"
#include "paxtad.h"

/* The chart draws lineages up to this many lots ... */
#define CHART_LOTS 2000
/* ... and at most this many lots per column (the rest in one box). */
#define CHART_ROWS 8
/* Origins and statements listed at most. */
#define LIST_MAX 50

#define BOX_W 200
#define BOX_H 60
#define COL_W 260
#define ROW_H 72
#define PAD   12

struct html {
	char *buf;
	size_t len, cap;
	int failed;
};

static void
grow_to(struct html *h, size_t need)
{
	size_t cap = h->cap ? h->cap : 16384;
	char *nb;

	if (need <= h->cap || h->failed)
		return;
	while (cap < need)
		cap *= 2;
	if (!(nb = realloc(h->buf, cap))) {
		h->failed = 1;
		return;
	}
	h->buf = nb;
	h->cap = cap;
}

/* Markup, formatted: only ever with trusted text or numbers. */
__attribute__((format(printf, 2, 3))) static void
put(struct html *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		h->failed = 1;
		return;
	}
	grow_to(h, h->len + (size_t)n + 1);
	if (h->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(h->buf + h->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	h->len += (size_t)n;
}

/* Text from the ledger, escaped for element content and attributes. At
 * most max bytes of it, then "…" (max 0: all). */
static void
put_text(struct html *h, const char *s, size_t max)
{
	size_t n = strlen(s ? s : "");

	if (max && n > max) {
		/* Cut on a UTF-8 character boundary. */
		while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
			max--;
	}
	for (size_t i = 0; i < n && (!max || i < max); i++) {
		switch (s[i]) {
		case '&':
			put(h, "&amp;");
			break;
		case '<':
			put(h, "&lt;");
			break;
		case '>':
			put(h, "&gt;");
			break;
		case '"':
			put(h, "&quot;");
			break;
		case '\'':
			put(h, "&#39;");
			break;
		default:
			grow_to(h, h->len + 2);
			if (!h->failed)
				h->buf[h->len++] = s[i];
		}
	}
	if (max && n > max)
		put(h, "…");
}

/* A path segment of a URL: everything but unreserved characters escaped,
 * so an id with '/' or '?' stays one segment. */
static void
put_segment(struct html *h, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			put(h, "%c", c);
		else
			put(h, "%%%02X", c);
	}
}

static const char *
or_unknown(const char *s)
{
	return s ? s : "unknown";
}

/* The CSS class of a status: colours in the style sheet. */
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

static const char style[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;"
	"background:#f6f5f1}main{max-width:1100px;margin:0 auto;padding:"
	"20px}h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.15em;margin:"
	"1.6em 0 .5em}code{font:13px ui-monospace,monospace}section{"
	"background:#fff;border:1px solid #ddd9cf;border-radius:8px;"
	"padding:14px 18px;margin:14px 0}.muted{color:#5f6677}.verdict{"
	"border-left:8px solid}.verdict.ok{border-color:#2e7d32}"
	".verdict.bad{border-color:#c62828}.verdict.warn{border-color:"
	"#b7791f}.badge{display:inline-block;padding:2px 10px;border-radius:"
	"12px;color:#fff;font-weight:600}.badge.ok,.fill.ok{background:"
	"#2e7d32}.badge.bad,.fill.bad{background:#c62828}.badge.warn,"
	".fill.warn{background:#b7791f}.row{display:flex;align-items:center;"
	"gap:10px;margin:4px 0}.row .label{width:130px}.bar{flex:1;height:"
	"14px;background:#ecebe6;border-radius:7px;overflow:hidden}.fill{"
	"height:100%}.row .num{width:200px;text-align:right;font-variant-"
	"numeric:tabular-nums}table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid "
	"#eeece6;vertical-align:top}th{font-weight:600}td.num{text-align:"
	"right;font-variant-numeric:tabular-nums}.chart{overflow-x:auto}"
	"svg text{font:12px system-ui,sans-serif}ul{margin:.3em 0;padding-"
	"left:1.3em}";

/* ---- the flow chart ---- */

struct chart {
	const struct px_lineage *g;
	const struct px_verdict *v;
	int *depth;     /* longest path up from the lot */
	int *col, *row; /* where each lot is drawn; row -1: in the column's
			   "more" box */
	int cols;
	int *shown; /* per column: lots drawn, and the row of "more" */
	int *hidden;
};

static int
by_created_desc(const void *a, const void *b, void *ctx)
{
	const struct px_lineage *g = ctx;
	uint64_t x = g->lots[*(const size_t *)a].created_at;
	uint64_t y = g->lots[*(const size_t *)b].created_at;

	return x > y ? -1 : x < y;
}

/* The status the verdict gave the origin lot id, or -1. */
static int
origin_status(const struct px_verdict *v, const char *lot)
{
	for (size_t i = 0; v && i < v->n_origins; i++)
		if (strcmp(v->origins[i].lot, lot) == 0)
			return (int)v->origins[i].status;
	return -1;
}

static void
box_xy(const struct chart *c, size_t i, int *x, int *y)
{
	int row = c->row[i] >= 0 ? c->row[i] : c->shown[c->col[i]];

	*x = PAD + c->col[i] * COL_W;
	*y = PAD + row * ROW_H;
}

static int
layout(struct chart *c)
{
	const struct px_lineage *g = c->g;
	size_t n = g->n_lots, *order = NULL;
	int max_depth = 0;

	c->depth = calloc(n, sizeof(int));
	c->col = calloc(n, sizeof(int));
	c->row = calloc(n, sizeof(int));
	order = calloc(n, sizeof(*order));
	if (!c->depth || !c->col || !c->row || !order) {
		free(order);
		return PX_ENOMEM;
	}
	/* Longest path from the lot: an output is always logged after its
	 * inputs, so in decreasing log order each lot's depth is final
	 * before its inputs are pushed further up. */
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_created_desc, (void *)g);
	for (size_t k = 0; k < n; k++) {
		size_t u = order[k];

		for (size_t e = 0; e < g->n_edges; e++)
			if (g->edges[e].output == u &&
			    c->depth[g->edges[e].input] < c->depth[u] + 1)
				c->depth[g->edges[e].input] = c->depth[u] + 1;
	}
	free(order);
	for (size_t i = 0; i < n; i++)
		if (c->depth[i] > max_depth)
			max_depth = c->depth[i];
	c->cols = max_depth + 1;
	c->shown = calloc((size_t)c->cols, sizeof(int));
	c->hidden = calloc((size_t)c->cols, sizeof(int));
	if (!c->shown || !c->hidden)
		return PX_ENOMEM;
	/* Origins on the left, the lot on the right; in each column the
	 * lots nearest the lot first (breadth-first order). */
	for (size_t i = 0; i < n; i++) {
		int col = max_depth - c->depth[i];

		c->col[i] = col;
		if (c->shown[col] < CHART_ROWS) {
			c->row[i] = c->shown[col]++;
		} else {
			c->row[i] = -1;
			c->hidden[col]++;
		}
	}
	return PX_OK;
}

static void
put_chart(struct html *h, const struct px_lineage *g,
	  const struct px_verdict *v)
{
	struct chart c = { .g = g, .v = v };
	int rows = 1, width, height;

	if (layout(&c) != PX_OK) {
		h->failed = 1;
		goto out;
	}
	for (int k = 0; k < c.cols; k++) {
		int r = c.shown[k] + (c.hidden[k] ? 1 : 0);

		if (r > rows)
			rows = r;
	}
	width = 2 * PAD + (c.cols - 1) * COL_W + BOX_W;
	height = 2 * PAD + (rows - 1) * ROW_H + BOX_H;
	put(h,
	    "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"flow chart of the lot's lineage\">",
	    width, height, width, height);
	/* Edges first, under the boxes; one per pair of boxes drawn. */
	for (size_t e = 0; e < g->n_edges; e++) {
		const struct px_lineage_edge *ed = &g->edges[e];
		int x1, y1, x2, y2, dup = 0;
		char kg[PX_KG_TEXT];

		/* Lineage edges join distinct pairs of lots: only a "more"
		 * box can stand for several. */
		for (size_t f = 0;
		     (c.row[ed->input] < 0 || c.row[ed->output] < 0) && f < e &&
		     !dup;
		     f++) {
			int a1, b1, a2, b2, c1, d1, c2, d2;

			box_xy(&c, g->edges[f].input, &a1, &b1);
			box_xy(&c, g->edges[f].output, &a2, &b2);
			box_xy(&c, ed->input, &c1, &d1);
			box_xy(&c, ed->output, &c2, &d2);
			dup = a1 == c1 && b1 == d1 && a2 == c2 && b2 == d2;
		}
		if (dup)
			continue;
		box_xy(&c, ed->input, &x1, &y1);
		box_xy(&c, ed->output, &x2, &y2);
		x1 += BOX_W;
		y1 += BOX_H / 2;
		y2 += BOX_H / 2;
		px_format_kg(kg, ed->grams);
		put(h,
		    "<path d=\"M%d %d C%d %d %d %d %d %d\" fill=\"none\" "
		    "stroke=\"#9aa3b5\" stroke-width=\"1.5\"><title>",
		    x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
		put_text(h, g->lots[ed->input].lot, 0);
		put(h, " → ");
		put_text(h, g->lots[ed->output].lot, 0);
		put(h, ": %s kg</title></path>", kg);
	}
	for (size_t i = 0; i < g->n_lots; i++) {
		const struct px_lineage_lot *l = &g->lots[i];
		int x, y, st = l->is_origin ? origin_status(v, l->lot) : -1;
		const char *fill = "#ffffff", *stroke = "#7d8799";
		char kg[PX_KG_TEXT];

		if (c.row[i] < 0)
			continue;
		if (st >= 0) {
			const char *cls = status_class((Paxta__Status)st);

			fill = strcmp(cls, "ok") == 0    ? "#e3f1e4"
			       : strcmp(cls, "bad") == 0 ? "#f8dede"
							 : "#f8ecd6";
		}
		if (i == 0)
			stroke = "#1d2330";
		box_xy(&c, i, &x, &y);
		px_format_kg(kg, l->grams);
		put(h, "<a href=\"/lots/");
		put_segment(h, l->lot);
		put(h,
		    "\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "rx=\"6\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>"
		    "<text x=\"%d\" y=\"%d\" font-weight=\"600\">",
		    x, y, BOX_W, BOX_H, fill, stroke, i == 0 ? "2.5" : "1",
		    x + 8, y + 18);
		put_text(h, l->lot, 26);
		put(h,
		    "</text><text x=\"%d\" y=\"%d\" fill=\"#5f6677\">%s · "
		    "%s kg</text><text x=\"%d\" y=\"%d\" fill=\"#5f6677\">",
		    x + 8, y + 35, or_unknown(px_product_name(l->product)), kg,
		    x + 8, y + 51);
		put_text(h, l->is_origin ? l->farm : l->creator, 28);
		put(h, "</text><title>");
		put_text(h, l->lot, 0);
		put(h, " (entry %" PRIu64 ")</title></a>", l->created_at);
	}
	for (int k = 0; k < c.cols; k++) {
		if (!c.hidden[k])
			continue;
		put(h,
		    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "rx=\"6\" fill=\"#f0efea\" stroke=\"#b9bdc7\" "
		    "stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\" "
		    "fill=\"#5f6677\">+ %d more lot%s</text>",
		    PAD + k * COL_W, PAD + c.shown[k] * ROW_H, BOX_W, BOX_H,
		    PAD + k * COL_W + 8, PAD + c.shown[k] * ROW_H + 35,
		    c.hidden[k], c.hidden[k] == 1 ? "" : "s");
	}
	put(h, "</svg></div>");
out:
	free(c.depth);
	free(c.col);
	free(c.row);
	free(c.shown);
	free(c.hidden);
}

/* ---- statements ---- */

static void
put_statement(struct html *h, struct px_txn *t, uint64_t index)
{
	struct px_entry logged = { 0 };
	const Paxta__Entry *e;
	const Paxta__Attest *a;
	char when[PX_TIME_TEXT], sha[2 * PX_HASH_LEN + 1];

	if (px_state_entry(t, index, &logged) != PX_OK ||
	    logged.body->body_case != PAXTA__ENTRY__BODY_ATTEST) {
		put(h, "<li>entry %" PRIu64 ": not readable</li>", index);
		goto out;
	}
	e = logged.body;
	a = e->attest;
	px_format_time(when, e->time);
	put(h, "<li><span class=\"badge %s\">%s</span> ",
	    status_class(a->status), px_status_name(a->status));
	put_text(h, a->subject, 0);
	put(h, ", season %u — by <code>", a->season);
	put_text(h, e->actor, 0);
	put(h,
	    "</code>, %s, <a href=\"/v1/entries/%" PRIu64 "\">entry %" PRIu64
	    "</a>",
	    when, index, index);
	if (a->n_indicators) {
		put(h, "<br><span class=\"muted\">ILO indicators:</span> ");
		for (size_t i = 0; i < a->n_indicators; i++) {
			put(h, "%s", i ? ", " : "");
			put_text(h, a->indicators[i], 0);
		}
	}
	if (a->report_uri[0]) {
		put(h, "<br><span class=\"muted\">report:</span> ");
		/* Only web links are links. */
		if (strncmp(a->report_uri, "https://", 8) == 0 ||
		    strncmp(a->report_uri, "http://", 7) == 0) {
			put(h, "<a rel=\"noopener noreferrer\" href=\"");
			put_text(h, a->report_uri, 0);
			put(h, "\">");
			put_text(h, a->report_uri, 100);
			put(h, "</a>");
		} else {
			put_text(h, a->report_uri, 100);
		}
	}
	if (a->report_sha256.len == PX_HASH_LEN) {
		px_hex_encode(sha, a->report_sha256.data, PX_HASH_LEN);
		put(h, " <span class=\"muted\">SHA-256</span> <code>%s</code>",
		    sha);
	}
	put(h, "</li>");
out:
	px_entry_release(&logged);
}

/* ---- the page ---- */

static const char *
verdict_words(enum px_verdict_kind k)
{
	switch (k) {
	case PX_VERDICT_FREE:
		return "every kg traces to origins certified free of forced "
		       "labour";
	case PX_VERDICT_FLAGGED:
		return "some kg traces to forced or child labour, or a lab "
		       "test contradicts the claimed origin";
	case PX_VERDICT_UNVERIFIED:
		return "some kg traces to origins that are uncertified, under "
		       "review or withdrawn";
	default:
		return "a record on the way fails a signature, the hash chain "
		       "or a rule";
	}
}

static void
put_head(struct html *h, const char *lot)
{
	put(h, "<!doctype html><html lang=\"en\"><head><meta "
	       "charset=\"utf-8\"><meta name=\"viewport\" "
	       "content=\"width=device-width,initial-scale=1\"><title>Lot ");
	put_text(h, lot, 0);
	put(h, " — paxta</title><style>%s</style></head><body><main>", style);
}

static void
put_breakdown(struct html *h, const struct px_verdict *v)
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

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		double share = v->by_status[order[i]];

		if (share <= 0)
			continue;
		px_format_kg(kg, (uint64_t)llround(share * (double)v->grams));
		put(h,
		    "<div class=\"row\"><span class=\"label\">%s</span>"
		    "<div class=\"bar\"><div class=\"fill %s\" style=\"width:"
		    "%.2f%%\"></div></div><span class=\"num\">%.1f %% · %s "
		    "kg</span></div>",
		    px_status_name(order[i]), status_class(order[i]),
		    share * 100, share * 100, kg);
	}
	if (v->lab_mismatch > 0) {
		px_format_kg(kg, (uint64_t)llround(v->lab_mismatch *
						   (double)v->grams));
		put(h,
		    "<div class=\"row\"><span class=\"label\">lab_mismatch"
		    "</span><div class=\"bar\"><div class=\"fill bad\" "
		    "style=\"width:%.2f%%\"></div></div><span class=\"num\">"
		    "%.1f %% · %s kg</span></div>",
		    v->lab_mismatch * 100, v->lab_mismatch * 100, kg);
	}
}

/* Each lab finding behind lab_mismatch: the lab, the lot, the method and
 * the report. */
static void
put_labs(struct html *h, const struct px_verdict *v)
{
	char hex[2 * 32 + 1];

	if (!v->n_labs)
		return;
	put(h, "<p>Labs:</p><ul>");
	for (size_t i = 0; i < v->n_labs && i < LIST_MAX; i++) {
		const struct px_lab_finding *f = &v->labs[i];

		put(h, "<li><code>");
		put_text(h, f->lab, 0);
		put(h, "</code> tested <code>");
		put_text(h, f->lot, 0);
		put(h, "</code> by ");
		put_text(h, f->method[0] ? f->method : "a method not given", 0);
		put(h,
		    ": %.1f %% of it does not match its claimed origin "
		    "(entry %" PRIu64 "); report ",
		    f->lot_share * 100, f->index);
		if (f->has_report) {
			px_hex_encode(hex, f->report_sha256, 32);
			put(h, "<code>%s</code>", hex);
		} else {
			put(h, "not given");
		}
		put(h, "</li>");
	}
	put(h, "</ul>");
}

static void
put_origins(struct html *h, struct px_txn *t, const struct px_verdict *v)
{
	uint64_t *seen = NULL;
	size_t n_seen = 0;

	put(h, "<section><h2>Origins</h2><table><tr><th>harvest lot</th>"
	       "<th>farm</th><th>district</th><th>season</th><th>picked"
	       "</th><th class=\"num\">share</th><th>status</th></tr>");
	for (size_t i = 0; i < v->n_origins && i < LIST_MAX; i++) {
		const struct px_origin *o = &v->origins[i];

		put(h, "<tr><td><a href=\"/lots/");
		put_segment(h, o->lot);
		put(h, "\"><code>");
		put_text(h, o->lot, 0);
		put(h, "</code></a></td><td><code>");
		put_text(h, o->farm, 0);
		put(h, "</code></td><td>");
		put_text(h, o->district, 0);
		put(h,
		    "</td><td>%u</td><td>%s</td><td class=\"num\">%.1f %%"
		    "</td><td><span class=\"badge %s\">%s</span></td></tr>",
		    o->season, or_unknown(px_method_name(o->method)),
		    o->share * 100, status_class(o->status),
		    px_status_name(o->status));
	}
	put(h, "</table>");
	if (v->n_origins > LIST_MAX)
		put(h,
		    "<p class=\"muted\">… and %zu more origins (the verdict "
		    "as JSON lists them all).</p>",
		    v->n_origins - LIST_MAX);
	put(h, "</section><section><h2>Monitors' statements that decide "
	       "them</h2>");
	seen = calloc(v->n_origins ? v->n_origins : 1, sizeof(*seen));
	if (!seen) {
		h->failed = 1;
		return;
	}
	put(h, "<ul>");
	for (size_t i = 0; i < v->n_origins && n_seen < LIST_MAX; i++) {
		const struct px_origin *o = &v->origins[i];
		int dup = 0;

		if (!o->status)
			continue;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = seen[k] == o->decided_by;
		if (dup)
			continue;
		seen[n_seen++] = o->decided_by;
		put_statement(h, t, o->decided_by);
	}
	put(h, "</ul>");
	if (n_seen == 0)
		put(h, "<p class=\"muted\">No monitor has made a statement on "
		       "these origins for their seasons: they are "
		       "uncertified.</p>");
	put(h, "</section>");
	free(seen);
}

static void
reply_html(struct pxd_request *rq, unsigned status, struct html *h)
{
	pxd_add_header(rq, "Content-Security-Policy",
		       "default-src 'none'; style-src 'unsafe-inline'; "
		       "img-src 'self'");
	if (h->failed) {
		free(h->buf);
		pxd_reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	pxd_reply(rq, status, "text/html; charset=utf-8", h->buf, h->len);
}

static void
page_error(struct pxd_request *rq, unsigned status, const char *lot,
	   const char *what)
{
	struct html h = { 0 };

	put_head(&h, lot);
	put(&h, "<h1>Lot <code>");
	put_text(&h, lot, 200);
	put(&h, "</code></h1><section><p>");
	put_text(&h, what, 0);
	put(&h, "</p></section></main></body></html>\n");
	reply_html(rq, status, &h);
}

void
pxd_page_lot(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	const char *id = pxd_param(rq, 0);
	Paxta__LotRecord *lot = NULL;
	struct px_verdict *v = NULL;
	struct px_lineage *g = NULL;
	struct px_txn *t = NULL;
	struct html h = { 0 };
	char kg[PX_KG_TEXT], when[PX_TIME_TEXT];
	int rc, lineage_rc = PX_OK;

	if (!px_state_valid_id(id)) {
		page_error(rq, 400, id, "This is not a lot id.");
		return;
	}
	if ((rc = px_ledger_read(node->ledger, &t)) != PX_OK) {
		page_error(rq, 500, id, "The node cannot read its ledger.");
		return;
	}
	rc = px_state_lot(t, id, &lot);
	if (rc == PX_ENOTFOUND) {
		page_error(rq, 404, id, "No lot of this id is in the ledger.");
		goto out;
	}
	if (rc == PX_OK && !lot->voided)
		rc = px_verdict(&v, t, id, 0);
	if (rc == PX_OK)
		lineage_rc = px_lineage(&g, t, id, CHART_LOTS);
	if (rc != PX_OK ||
	    (lineage_rc != PX_OK && lineage_rc != PX_ETOOLARGE)) {
		page_error(rq, rc == PX_ETOOLARGE ? 422 : 500, id,
			   rc == PX_ETOOLARGE
				   ? "The lineage of this lot is too large to "
				     "trace in one answer."
				   : "The node cannot read this lot.");
		goto out;
	}

	put_head(&h, lot->id);
	px_format_kg(kg, lot->grams);
	px_format_time(when, lot->time);
	put(&h, "<p class=\"muted\">paxta ledger <code>");
	put_text(&h, px_ledger_origin(node->ledger), 0);
	put(&h, "</code> · %" PRIu64 " entries</p><h1>Lot <code>",
	    px_store_size(t));
	put_text(&h, lot->id, 0);
	put(&h, "</code></h1><p>%s · %s kg · ",
	    or_unknown(px_product_name(lot->product)), kg);
	if (lot->farm[0]) {
		put(&h, "harvested by <code>");
		put_text(&h, lot->farm, 0);
		put(&h, "</code> in ");
		put_text(&h, lot->district, 0);
		put(&h, ", season %u", lot->season);
	} else {
		put(&h, "made by <code>");
		put_text(&h, lot->creator, 0);
		put(&h, "</code> (%s)",
		    or_unknown(px_process_name(lot->process)));
	}
	put(&h,
	    ", %s (<a href=\"/v1/entries/%" PRIu64 "\">entry %" PRIu64
	    "</a>)%s</p>",
	    when, lot->created_at, lot->created_at,
	    lot->voided ? " · <strong>voided</strong>" : "");

	if (!v) {
		put(&h, "<section class=\"verdict warn\"><h2>Voided</h2><p>"
			"Its maker withdrew this lot's record; nothing was "
			"made from it.</p></section>");
	} else {
		const char *cls = v->kind == PX_VERDICT_FREE         ? "ok"
				  : v->kind == PX_VERDICT_UNVERIFIED ? "warn"
								     : "bad";

		put(&h,
		    "<section class=\"verdict %s\"><h2><span class=\"badge "
		    "%s\">%s</span> %s</h2>",
		    cls, cls, px_verdict_name(v->kind), verdict_words(v->kind));
		put_breakdown(&h, v);
		put_labs(&h, v);
		if (v->n_reasons) {
			put(&h, "<ul>");
			for (size_t i = 0; i < v->n_reasons && i < LIST_MAX;
			     i++) {
				put(&h, "<li>");
				put_text(&h, v->reasons[i], 0);
				put(&h, "</li>");
			}
			put(&h, "</ul>");
		}
		put(&h,
		    "<p class=\"muted\">As of entry %" PRIu64 "; %zu origin%s, "
		    "%zu lot%s in the lineage.</p></section>",
		    v->at, v->n_origins, v->n_origins == 1 ? "" : "s",
		    v->ancestors, v->ancestors == 1 ? "" : "s");
	}

	put(&h, "<section><h2>The lot's path from the farms</h2>");
	if (lineage_rc == PX_ETOOLARGE) {
		put(&h,
		    "<p class=\"muted\">More than %d lots in the lineage: "
		    "too many to draw. The graph is at <a href=\"/v1/lots/",
		    CHART_LOTS);
		put_segment(&h, lot->id);
		put(&h, "/provenance\">/provenance</a>.</p>");
	} else {
		put(&h, "<p class=\"muted\">Origins on the left; each step a "
			"transform (ginning, spinning, weaving, making), "
			"shipments move lots unchanged. Coloured by the "
			"origin's status.</p>");
		put_chart(&h, g, v);
	}
	put(&h, "</section>");

	if (v && v->n_origins)
		put_origins(&h, t, v);

	put(&h, "<section><h2>Check it yourself</h2><p>This page is a "
		"view. The records behind it are signed entries in an "
		"append-only log: ask the node for the <a href=\"/v1/lots/");
	put_segment(&h, lot->id);
	put(&h, "/verdict\">verdict as JSON</a>, the <a href=\"/v1/lots/");
	put_segment(&h, lot->id);
	put(&h, "/provenance\">lineage graph</a>, the <a "
		"href=\"/v1/checkpoint\">signed checkpoint</a> (a C2SP "
		"signed note by <code>");
	put_text(&h, node->verifier_key, 0);
	put(&h, "</code>), and an inclusion proof for each entry at "
		"<code>/v1/proof/inclusion?index=I&amp;size=N</code>; or run "
		"<code>paxta verify</code> against a copy of the "
		"log.</p></section></main></body></html>\n");
	reply_html(rq, 200, &h);
out:
	px_store_abort(t);
	px_lineage_free(g);
	px_verdict_free(v);
	px_state_free(lot);
}
