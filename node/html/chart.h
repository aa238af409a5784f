/* paxta — the flow chart (chart.c), private to the html library. */
#ifndef PAXTA_HTML_CHART_H
#define PAXTA_HTML_CHART_H
#include "dossier.h"
#include "paxta/html.h"

struct px_chart_opts {
	enum px_lang lang;
	int per_row;           /* boxes in a row at most, >= 2 */
	int link;              /* boxes link to their lots' pages */
	const char *css_class; /* trusted */
};

/* The chart of d's lineage (d->g not NULL) into h. */
void px_chart_svg(struct px_html *h, const struct px_dossier *d,
		  const struct px_chart_opts *o);
#endif
