/*
 * paxta — the parts the lot page and the report share (sections.c),
 * private to the html library. Each writes one <section> (or less) about
 * d in o->lang.
 */
#ifndef PAXTA_HTML_SECTIONS_H
#define PAXTA_HTML_SECTIONS_H
#include "dossier.h"
#include "paxta/html.h"
#include <stdint.h>

/* "2026-09-21" and "2026-09-21 08:00 UTC" (0: "—"). */
#define PX_DATE_TEXT 32
void px_fmt_date(char out[PX_DATE_TEXT], int64_t seconds);
void px_fmt_datetime(char out[PX_DATE_TEXT], int64_t seconds);

/* A shell word for a command people copy: single-quoted, a quote in it
 * as '\'', HTML-escaped. */
void px_put_shell_word(struct px_html *h, const char *s);
/* The head of a document: doctype, <html lang>, title "TITLE LOT — paxta",
 * the style sheet (trusted), and <body>. */
void px_put_head(struct px_html *h, const struct px_html_opts *o,
		 const char *title, const char *lot, const char *style);
/* The verdict: badge, what it means, the breakdown by status, the
 * reasons, and what it is as of (link: to the checkpoint of that size). */
void px_put_verdict(struct px_html *h, const struct px_dossier *d,
		    const struct px_html_opts *o, int link);
/* Who holds the lot now and what of it is on the road. */
void px_put_holders(struct px_html *h, const struct px_dossier *d,
		    const struct px_html_opts *o);
/* Every party: name, id, registered roles, its part here, location,
 * registration entry. */
void px_put_parties(struct px_html *h, const struct px_dossier *d,
		    const struct px_html_opts *o);
/* Tables below list at most max rows (SIZE_MAX: all, as the report does)
 * and say how many more there are. */
/* The origin harvests: farm, district, season, method, date, share,
 * status. */
void px_put_origins(struct px_html *h, const struct px_dossier *d, size_t max,
		    const struct px_html_opts *o, int link);
/* Shipments that carried the lineage, with their documents. */
void px_put_shipments(struct px_html *h, const struct px_dossier *d, size_t max,
		      const struct px_html_opts *o);
/* Transforms that made the lineage, with their yields. */
void px_put_transforms(struct px_html *h, const struct px_dossier *d,
		       size_t max, const struct px_html_opts *o);
/* Monitors' statements that bear on the lot. */
void px_put_statements(struct px_html *h, const struct px_dossier *d,
		       size_t max, const struct px_html_opts *o);
/* Lab results on lots of the lineage. */
void px_put_labs(struct px_html *h, const struct px_dossier *d, size_t max,
		 const struct px_html_opts *o);
/* The flow chart, or why there is none. */
void px_put_chart(struct px_html *h, const struct px_dossier *d,
		  const struct px_html_opts *o, int page);
#endif
