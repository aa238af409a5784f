/*
 * paxta — the lot page (GET /lots/{id}) and the landing page (GET /): for
 * people, on a screen or on paper. No scripts, nothing fetched; the
 * chart scales to the column; a print style sheet drops the navigation.
 */
#include <inttypes.h>
#include <string.h>

#include "dossier.h"
#include "msg.h"
#include "paxta/error.h"
#include "paxta/names.h"
#include "paxta/units.h"
#include "sections.h"

/* The page lists at most this many origins, statements and lab results
 * (the report lists them all). */
#define PX_PAGE_ROWS 100

/* Shared by the page and the landing page. */
static const char style[] =
	"*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;"
	"margin:0;color:#1d2330;background:#f6f5f1}.wrap{max-width:1100px;"
	"margin:0 auto;padding:0 16px}header.top{background:#1d2330;color:"
	"#fff;padding:8px 0}header.top .wrap{display:flex;gap:12px;"
	"align-items:center;flex-wrap:wrap}header.top a{color:#fff}"
	".brand{font-weight:700;text-decoration:none}.langs{margin-left:"
	"auto}.langs a{margin-left:8px}.langs .on{font-weight:700;"
	"text-decoration:none}h1{font-size:1.5em;margin:.1em 0;"
	"overflow-wrap:anywhere}h2{font-size:1.15em;margin:0 0 .5em}h3{"
	"font-size:1em;margin:.2em 0;overflow-wrap:anywhere}code{font:13px "
	"ui-monospace,monospace;overflow-wrap:anywhere}section{background:"
	"#fff;border:1px solid #ddd9cf;border-radius:8px;padding:14px 16px;"
	"margin:14px 0}.muted,.id{color:#5f6677}.id{font-size:.85em}"
	".title{display:flex;gap:16px;align-items:flex-start;margin-top:"
	"14px}.title>div{flex:1;min-width:0}.qr{margin:0;width:128px;"
	"flex:none;text-align:center;font-size:11px;color:#5f6677;"
	"overflow-wrap:anywhere}.qr svg{width:128px;height:128px;display:"
	"block}.links a{margin-right:14px;white-space:nowrap}.verdict{"
	"border-left:8px solid}.verdict.ok{border-left-color:#2e7d32}"
	".verdict.bad{border-left-color:#c62828}.verdict.warn{"
	"border-left-color:#b7791f}.badge{display:inline-block;padding:1px "
	"9px;border-radius:11px;color:#fff;font-weight:600;font-size:.9em}"
	".badge.ok,.fill.ok{background:#2e7d32}.badge.bad,.fill.bad{"
	"background:#c62828}.badge.warn,.fill.warn{background:#b7791f}"
	".lead{font-size:1.05em}.row{display:flex;align-items:center;gap:"
	"10px;margin:4px 0}.row .label{width:150px;flex:none}.bar{flex:1;"
	"height:14px;background:#ecebe6;border-radius:7px;overflow:hidden;"
	"min-width:40px}.fill{display:block;height:100%}.row .num{flex:none;"
	"text-align:right;font-variant-numeric:tabular-nums}.asof{color:"
	"#5f6677;margin-bottom:0}table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid "
	"#eeece6;vertical-align:top}th{font-weight:600}td.num,th.num{white-"
	"space:nowrap;"
	"text-align:right;font-variant-numeric:tabular-nums}.scroll{"
	"overflow-x:auto}.item{border-top:1px solid #eeece6;padding:8px 0}"
	".kv th{width:30%;font-weight:500;color:#5f6677}.nw{white-space:"
	"nowrap}.docs tr.first td{border-bottom:0}.hash{font-size:"
	"11px;word-break:break-all}.uri{overflow-wrap:anywhere}svg.chart{"
	"width:100%;height:auto;display:block;margin:0 "
	"auto}svg.narrow{display:none}"
	"form.search{display:flex;gap:8px;flex-wrap:wrap}form.search input{"
	"flex:1;min-width:200px;font:inherit;padding:8px 10px;border:1px "
	"solid #b9bdc7;border-radius:6px}form.search button{font:inherit;"
	"padding:8px 16px;border:0;border-radius:6px;background:#1d2330;"
	"color:#fff}@media (max-width:640px){svg.wide{display:none}.opt{"
	"display:none}"
	"svg.narrow{display:block}.badge{font-size:.8em;padding:1px 6px}.title{"
	"flex-direction:column-reverse}"
	".qr{width:96px}.qr svg{width:96px;height:96px}.row .label{width:"
	"100px}body{font-size:14px}section{padding:10px}th,td{padding:3px "
	"4px}}@media print{@page{size:A4;margin:14mm}body{background:#fff;"
	"font-size:11pt}header.top,.links,form{display:none}section{border:"
	"0;border-top:1px solid #999;border-radius:0;padding:8px 0;"
	"break-inside:auto}svg.chart{break-inside:avoid}svg.narrow{display:"
	"none!important}svg.wide{display:block!important}.badge{"
	"print-color-adjust:exact;-webkit-print-color-adjust:exact}.fill{"
	"print-color-adjust:exact;-webkit-print-color-adjust:exact}}";

/* The top bar: the ledger, and the page in the other languages. */
static void
put_top(struct px_html *h, const struct px_html_opts *o)
{
	px_html_put(h,
		    "<header class=\"top\"><div class=\"wrap\"><a class=\""
		    "brand\" href=\"/?lang=%s\">paxta</a><span>",
		    px_lang_tag(o->lang));
	px_html_text(h, o->origin, 80);
	px_html_put(h, "</span><nav class=\"langs\">");
	for (int i = 0; i < PX_LANG_COUNT; i++)
		px_html_put(h, "<a href=\"?lang=%s\"%s lang=\"%s\">%s</a>",
			    px_lang_tag(i),
			    i == (int)o->lang ? " class=\"on\"" : "",
			    px_lang_tag(i), px_msg((enum px_lang)i, PX_M_LANG));
	px_html_put(h, "</nav></div></header><main class=\"wrap\">");
}

static void
put_tail(struct px_html *h)
{
	px_html_put(h, "</main></body></html>\n");
}

static void
error_page(struct px_html *h, const struct px_html_opts *o, const char *lot,
	   const char *what)
{
	px_put_head(h, o, M(o->lang, LOT), lot, style);
	put_top(h, o);
	px_html_put(h, "<h1>%s <code>", M(o->lang, LOT));
	px_html_text(h, lot, 200);
	px_html_put(h, "</code></h1><section><p>%s</p></section>", what);
	put_tail(h);
}

/* What the lot is, who made it, when. */
static void
put_summary(struct px_html *h, const struct px_dossier *d,
	    const struct px_html_opts *o)
{
	const Paxta__LotRecord *lot = d->lot;
	enum px_lang l = o->lang;
	char kg[PX_KG_TEXT], when[PX_DATE_TEXT], recorded[PX_DATE_TEXT];

	px_format_kg(kg, lot->grams);
	px_fmt_datetime(when, lot->time);
	px_fmt_datetime(recorded, d->recorded);
	px_html_put(h, "<p>%s · %s kg · ", px_msg_product(l, lot->product), kg);
	if (lot->farm[0]) {
		px_html_put(h, "%s ", M(l, HARVESTED_BY));
		px_html_text(h, px_dossier_name(d, lot->farm), 80);
		px_html_put(h, " · ");
		px_html_text(h, lot->district, 0);
		px_html_put(h, " · %s %u", M(l, SEASON), lot->season);
	} else {
		px_html_put(h, "%s ", M(l, MADE_BY));
		px_html_text(h, px_dossier_name(d, lot->creator), 80);
		px_html_put(h, " (%s)", px_msg_process(l, lot->process));
	}
	/* When it happened and when the node recorded it: a record made long
	 * after the event shows. */
	px_html_put(h,
		    " · <span id=\"happened\">%s %s</span> · <span "
		    "id=\"recorded\">%s %s</span> · %s %" PRIu64 "%s</p>",
		    M(l, HAPPENED), when, M(l, RECORDED), recorded, M(l, ENTRY),
		    lot->created_at,
		    lot->voided ? " · <strong>voided</strong>" : "");
}

static void
put_check(struct px_html *h, const struct px_dossier *d,
	  const struct px_html_opts *o)
{
	enum px_lang l = o->lang;

	px_html_put(h, "<section id=\"check\"><h2>%s</h2><p>%s</p><ul>",
		    M(l, CHECK_TITLE), M(l, CHECK_PAGE_TEXT));
	if (d->checkpointed) {
		px_html_put(h, "<li><a href=\"/v1/lots/");
		px_html_segment(h, d->lot->id);
		px_html_put(h,
			    "/bundle?size=%" PRIu64 "\">%s</a></li><li><a "
			    "href=\"/v1/checkpoint?size=%" PRIu64
			    "\">%s %" PRIu64 "</a></li>",
			    d->size, M(l, BUNDLE), d->size, M(l, CHECKPOINT_OF),
			    d->size);
	}
	px_html_put(h, "<li><a href=\"/v1/lots/");
	px_html_segment(h, d->lot->id);
	px_html_put(h,
		    "/verdict?at=%" PRIu64 "\">%s</a></li><li><a href=\""
		    "/v1/lots/",
		    d->size, M(l, VERDICT_JSON));
	px_html_segment(h, d->lot->id);
	px_html_put(h, "/provenance\">%s</a></li></ul><p>%s <code>",
		    M(l, LINEAGE_JSON), M(l, SIGNED_BY));
	px_html_text(h, o->verifier_key, 0);
	px_html_put(h, "</code></p>");
	if (d->checkpointed) {
		px_html_put(h, "<pre><code>paxta bundle ");
		px_put_shell_word(h, d->lot->id);
		px_html_put(h, " --at %" PRIu64 " --node ", d->size);
		px_put_shell_word(h, o->base_url ? o->base_url : "URL");
		px_html_put(h, " --out lot.bundle\npaxta verify-bundle "
			       "lot.bundle --trust ");
		px_put_shell_word(h, o->verifier_key);
		px_html_put(h, "</code></pre>");
	}
	px_html_put(h, "</section>");
}

int
px_html_lot_page(struct px_html *h, unsigned *status, struct px_txn *t,
		 const char *lot, const struct px_html_opts *o)
{
	struct px_dossier *d = NULL;
	enum px_lang l = o->lang;
	int rc;

	*status = 200;
	if (!px_state_valid_id(lot)) {
		*status = 400;
		error_page(h, o, lot, M(l, NOT_A_LOT_ID));
		goto out;
	}
	rc = px_dossier_build(&d, t, lot, o->size);
	if (rc != PX_OK) {
		*status = rc == PX_ENOTFOUND   ? 404
			  : rc == PX_ETOOLARGE ? 422
					       : 500;
		error_page(h, o, lot,
			   rc == PX_ENOTFOUND   ? M(l, NO_SUCH_LOT)
			   : rc == PX_ETOOLARGE ? M(l, TOO_LARGE)
						: M(l, CANNOT_READ));
		goto out;
	}
	px_put_head(h, o, M(l, LOT), d->lot->id, style);
	put_top(h, o);
	px_html_put(h,
		    "<div class=\"title\"><div><p class=\"muted\">%s</p>"
		    "<h1 id=\"lot-id\">",
		    M(l, LOT));
	px_html_text(h, d->lot->id, 0);
	px_html_put(h, "</h1>");
	put_summary(h, d, o);
	px_html_put(h, "<p class=\"links\"><a href=\"/lots/");
	px_html_segment(h, d->lot->id);
	px_html_put(h, "/report?lang=%s\">%s</a>", px_lang_tag(l),
		    M(l, REPORT_LINK));
	if (d->checkpointed) {
		px_html_put(h, "<a href=\"/v1/lots/");
		px_html_segment(h, d->lot->id);
		px_html_put(h, "/bundle?size=%" PRIu64 "\">%s</a>", d->size,
			    M(l, BUNDLE));
	}
	px_html_put(h, "</p></div>");
	if (o->base_url) {
		struct px_html url = { 0 };

		/* The page's address without ?lang: a label outlives
		 * whoever first scanned it. */
		px_html_put(&url, "%s/lots/", o->base_url);
		px_html_segment(&url, d->lot->id);
		if (!url.failed) {
			px_html_put(h, "<figure class=\"qr\">");
			px_html_qr_svg(h, url.buf);
			px_html_put(h, "<figcaption>");
			px_html_text(h, url.buf, 0);
			px_html_put(h, "</figcaption></figure>");
		}
		h->failed |= url.failed;
		px_html_release(&url);
	}
	px_html_put(h, "</div>");
	px_put_verdict(h, d, o, 1);
	px_put_holders(h, d, o);
	px_put_chart(h, d, o, 1);
	px_put_labs(h, d, PX_PAGE_ROWS, o);
	px_html_put(h, "<div class=\"scroll\">");
	px_put_origins(h, d, PX_PAGE_ROWS, o, 1);
	px_html_put(h, "</div>");
	px_put_statements(h, d, PX_PAGE_ROWS, o);
	put_check(h, d, o);
	put_tail(h);
out:
	px_dossier_free(d);
	return h->failed ? PX_ENOMEM : PX_OK;
}

int
px_html_landing(struct px_html *h, struct px_txn *t,
		const struct px_html_opts *o)
{
	enum px_lang l = o->lang;

	px_html_put(h,
		    "<!doctype html><html lang=\"%s\"><head><meta charset="
		    "\"utf-8\"><meta name=\"viewport\" content=\"width="
		    "device-width,initial-scale=1\"><title>paxta</title>"
		    "<style>%s</style></head><body>",
		    px_lang_tag(l), style);
	put_top(h, o);
	px_html_put(h,
		    "<h1>paxta</h1><p>%s</p><section><h2>%s</h2><form "
		    "class=\"search\" method=\"get\" action=\"/lots\" role="
		    "\"search\"><input type=\"hidden\" name=\"lang\" value="
		    "\"%s\"><input id=\"lot-search\" type=\"search\" name="
		    "\"id\" required maxlength=\"%d\" placeholder=\"%s\" "
		    "aria-label=\"%s\"><button type=\"submit\">%s</button>"
		    "</form></section><section><p>",
		    M(l, LANDING_TEXT), M(l, FIND_LOT), px_lang_tag(l),
		    PX_ID_MAX, M(l, LOT_ID_EXAMPLE), M(l, LOT_ID), M(l, SHOW));
	px_html_text(h, o->origin, 0);
	px_html_put(h,
		    " · %s %" PRIu64 " · <a href=\"/v1/checkpoint\">%s"
		    "</a> · <a href=\"/v1/log\">/v1/log</a></p></section>",
		    M(l, ENTRIES), px_store_size(t), M(l, LATEST_CHECKPOINT));
	put_tail(h);
	return h->failed ? PX_ENOMEM : PX_OK;
}
