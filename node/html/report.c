/*
 * paxta — the evidence report of one lot (docs/report.md): one HTML
 * document for print, A4, whose sections follow the document groups CBP
 * asks an importer for in an applicability review under the UFLPA
 * (U.S. Customs and Border Protection, "Uyghur Forced Labor Prevention
 * Act: U.S. Customs and Border Protection Operational Guidance for
 * Importers", June 2022: supply chain tracing — the entities, their roles
 * and locations, a flow chart of production; transaction and transport
 * records; evidence of origin for each input — and the due diligence
 * behind it). Page header and page numbers in @page margin boxes (CSS
 * Paged Media §5, which Chromium prints).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "msg.h"
#include "paxta/bundle.h"
#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/units.h"
#include "sections.h"

static const char style[] =
	"*{box-sizing:border-box}html{background:#e9e7e1}body{font:10.5pt/"
	"1.4 system-ui,sans-serif;color:#1d2330;margin:0}main{max-width:"
	"210mm;margin:0 auto;background:#fff;padding:14mm;counter-reset:s}"
	"h1{font-size:18pt;margin:0 0 4pt;overflow-wrap:anywhere}h2{font-"
	"size:13pt;margin:14pt 0 6pt;border-bottom:1.5pt solid #1d2330;"
	"padding-bottom:2pt;break-after:avoid}section>h2::before{"
	"counter-increment:s;content:counter(s) \". \"}h3{font-size:10.5pt;"
	"margin:6pt 0 3pt;overflow-wrap:anywhere;break-after:avoid}code{"
	"font:9pt ui-monospace,monospace;overflow-wrap:anywhere}pre{"
	"white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f3ef;"
	"padding:6pt;border-radius:3pt}.muted,.id{color:#5f6677}.id{"
	"font-size:8.5pt}.badge{display:inline-block;padding:0 6pt;"
	"border-radius:8pt;color:#fff;font-weight:600;font-size:9pt}"
	".ok{--c:#2e7d32}.bad{--c:#c62828}.warn{--c:#b7791f}.badge,.fill{"
	"background:var(--c)}.verdict{border-left:5pt solid var(--c);"
	"padding-left:8pt}.row{display:flex;align-items:center;gap:8pt;"
	"margin:2pt 0}.row .label{width:36mm;flex:none}.bar{flex:1;height:"
	"8pt;background:#ecebe6;border-radius:4pt;overflow:hidden}.fill{"
	"display:block;height:100%}.num{text-align:right;white-space:nowrap;"
	"font-variant-"
	"numeric:tabular-nums}table{border-collapse:collapse;width:100%;"
	"margin:3pt 0}th,td{text-align:left;padding:2pt 4pt;border-bottom:"
	"0.5pt solid #cfcbc0;vertical-align:top}th{font-weight:600}"
	"tr{break-inside:avoid}.kv th{width:32%;font-weight:500;color:"
	"#5f6677}.item{break-inside:avoid;border-top:0.5pt solid #cfcbc0;"
	"padding:3pt 0}.nw{white-space:nowrap}.docs tr.first "
	"td{border-bottom:"
	"0}.hash{font-size:7.5pt;word-break:break-all}.uri{"
	"overflow-wrap:anywhere}.docs{font-size:9pt}svg.chart{width:100%;"
	"margin:0 auto;"
	"height:auto;display:block;max-height:230mm;break-inside:avoid}"
	"#chart{break-inside:avoid}details>summary{list-style:none}.cover "
	"p{margin:2pt 0}.toc{"
	"columns:2;font-size:9.5pt}*{print-color-adjust:exact;"
	"-webkit-print-color-adjust:exact}@media print{html{background:"
	"#fff}main{max-width:none;padding:0}}";

/* A CSS string's contents (CSS Syntax §4.3.5): everything but letters,
 * digits, space and a few marks as a hex escape, so no quote, backslash
 * or "</style" can end it. */
static void
put_css_string(struct px_html *h, const char *s, size_t max)
{
	for (size_t i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == ' ' || c == '-' ||
		    c == '.' || c == '_' || c == ':' || c >= 0x80)
			px_html_put(h, "%c", c);
		else
			px_html_put(h, "\\%x ", c);
	}
}

static void
put_page_boxes(struct px_html *h, const struct px_dossier *d,
	       const struct px_html_opts *o)
{
	char when[PX_DATE_TEXT];

	px_fmt_date(when, o->now);
	/* Margin boxes: on every printed page, the lot and the date above,
	 * the page number below. */
	px_html_put(h, "<style>@page{size:A4;margin:18mm 14mm 16mm;"
		       "@top-left{content:\"paxta · ");
	put_css_string(h, M(o->lang, REPORT_TITLE), 100);
	px_html_put(h, " · ");
	put_css_string(h, d->lot->id, PX_ID_MAX);
	px_html_put(h,
		    "\";font:8.5pt system-ui,sans-serif;color:#5f6677}"
		    "@top-right{content:\"%s\";font:8.5pt system-ui,"
		    "sans-serif;color:#5f6677}@bottom-right{content:\"",
		    when);
	put_css_string(h, M(o->lang, PAGE), 40);
	px_html_put(h, " \" counter(page) \" / \" counter(pages);font:8.5pt "
		       "system-ui,sans-serif;color:#5f6677}@bottom-left{"
		       "content:\"");
	put_css_string(h, o->origin, 100);
	px_html_put(h, "\";font:8.5pt system-ui,sans-serif;color:#5f6677}}"
		       "</style>");
}

static void
put_check(struct px_html *h, const struct px_dossier *d,
	  const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	uint8_t *bytes = NULL;
	struct px_hash sum;
	char hex[2 * PX_HASH_LEN + 1];
	size_t len = 0;
	int rc = PX_ENOTFOUND;

	px_html_put(h, "<section id=\"check\"><h2>%s</h2><p>%s</p>",
		    M(l, CHECK_TITLE), M(l, CHECK_REPORT_TEXT));
	if (d->checkpointed)
		rc = px_bundle_build(&bytes, &len, d->t, d->lot->id, d->size,
				     o->note);
	if (rc == PX_OK && px_sha256(&sum, bytes, len) == PX_OK) {
		px_hex_encode(hex, sum.b, PX_HASH_LEN);
		px_html_put(h,
			    "<table class=\"kv\"><tr><th>%s</th><td>%" PRIu64
			    "</td></tr><tr><th>%s</th><td>%zu bytes</td></tr>"
			    "<tr><th>SHA-256</th><td><code id=\"bundle-sha256"
			    "\">%s</code></td></tr><tr><th>%s</th><td><code>",
			    M(l, CHECKPOINT_OF), d->size, M(l, BUNDLE), len,
			    hex, M(l, SIGNED_BY));
		px_html_text(h, o->verifier_key, 0);
		px_html_put(h, "</code></td></tr></table><pre><code>paxta "
			       "bundle ");
		px_put_shell_word(h, d->lot->id);
		px_html_put(h, " --at %" PRIu64 " ", d->size);
		if (o->data_dir_hint) {
			px_html_put(h, "--data ");
			px_put_shell_word(h, o->data_dir_hint);
		} else {
			px_html_put(h, "--node ");
			px_put_shell_word(h, o->base_url ? o->base_url : "URL");
		}
		px_html_put(h, " --out lot.bundle\nsha256sum lot.bundle\n"
			       "paxta verify-bundle lot.bundle --trust ");
		px_put_shell_word(h, o->verifier_key);
		px_html_put(h, "</code></pre><p>%s</p>", M(l, CHECK_EXIT));
	} else if (rc == PX_OK || rc == PX_ENOMEM) {
		h->failed = 1;
	} else {
		px_html_put(h, "<p class=\"muted\">%s</p>",
			    rc == PX_ENOTFOUND ? M(l, NO_CHECKPOINT_YET)
					       : M(l, NO_BUNDLE));
	}
	px_html_put(h, "</section>");
	free(bytes);
}

static void
put_cover(struct px_html *h, const struct px_dossier *d,
	  const struct px_html_opts *o)
{
	enum px_lang l = o->lang;
	char kg[PX_KG_TEXT], when[PX_DATE_TEXT];

	px_format_kg(kg, d->lot->grams);
	px_fmt_datetime(when, o->now);
	px_html_put(h,
		    "<div class=\"cover\"><p class=\"muted\">%s</p><h1 "
		    "id=\"lot-id\">",
		    M(l, REPORT_TITLE));
	px_html_text(h, d->lot->id, 0);
	px_html_put(h, "</h1><p>%s · %s kg · ",
		    px_msg_product(l, d->lot->product), kg);
	px_html_text(h, px_dossier_name(d, d->lot->creator), 0);
	px_html_put(h, "</p><p class=\"muted\">%s %s · ", M(l, GENERATED),
		    when);
	px_html_text(h, o->origin, 0);
	px_html_put(h,
		    "</p><p class=\"muted\">%s</p><ol class=\"toc\">"
		    "<li>%s</li><li>%s</li><li>%s</li><li>%s</li><li>%s"
		    "</li><li>%s</li><li>%s</li><li>%s</li><li>%s</li>"
		    "</ol></div>",
		    M(l, UFLPA_NOTE), M(l, VERDICT), M(l, PARTIES_TITLE),
		    M(l, CHART_TITLE), M(l, ORIGINS_TITLE),
		    M(l, SHIPMENTS_TITLE), M(l, TRANSFORMS_TITLE),
		    M(l, STATEMENTS_TITLE), M(l, LABS_TITLE),
		    M(l, CHECK_TITLE));
}

int
px_html_report(struct px_html *h, unsigned *status, struct px_txn *t,
	       const char *lot, const struct px_html_opts *o)
{
	struct px_dossier *d = NULL;
	enum px_lang l = o->lang;
	int rc;

	*status = 200;
	rc = px_state_valid_id(lot) ? px_dossier_build(&d, t, lot, o->size)
				    : PX_EINVAL;
	if (rc != PX_OK) {
		*status = rc == PX_EINVAL      ? 400
			  : rc == PX_ENOTFOUND ? 404
			  : rc == PX_ETOOLARGE ? 422
					       : 500;
		px_put_head(h, o, M(l, REPORT_TITLE), lot, style);
		px_html_put(h, "<main><h1>");
		px_html_text(h, lot, 200);
		px_html_put(h, "</h1><p>%s</p></main></body></html>\n",
			    rc == PX_EINVAL      ? M(l, NOT_A_LOT_ID)
			    : rc == PX_ENOTFOUND ? M(l, NO_SUCH_LOT)
			    : rc == PX_ETOOLARGE ? M(l, TOO_LARGE)
						 : M(l, CANNOT_READ));
		goto out;
	}
	px_put_head(h, o, M(l, REPORT_TITLE), d->lot->id, style);
	put_page_boxes(h, d, o);
	px_html_put(h, "<main>");
	put_cover(h, d, o);
	px_put_verdict(h, d, o, 0);
	px_put_parties(h, d, o);
	px_put_chart(h, d, o, 0);
	px_put_origins(h, d, SIZE_MAX, o, 0);
	px_put_shipments(h, d, SIZE_MAX, o);
	px_put_transforms(h, d, SIZE_MAX, o);
	px_put_statements(h, d, SIZE_MAX, o);
	px_put_labs(h, d, SIZE_MAX, o);
	put_check(h, d, o);
	px_html_put(h, "</main></body></html>\n");
out:
	px_dossier_free(d);
	return h->failed ? PX_ENOMEM : PX_OK;
}
