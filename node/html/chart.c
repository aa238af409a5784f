/*
 * paxta — the flow chart of a lot's path from the farms, as inline SVG:
 * one row per stage (the farms' harvests at the top, the lot at the
 * bottom), at most per_row boxes in a row and the rest counted in one,
 * the path of flagged cotton in red. The viewBox is in chart units and
 * the SVG has no fixed size: it scales to its column, all of it in view.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "msg.h"
#include "paxta/error.h"
#include "paxta/names.h"
#include "paxta/units.h"

#define BOX_W   210
#define BOX_H   62
#define GAP_X   18
#define LABEL_H 22
#define GAP_Y   40
#define PAD     10
#define ROW_H   (LABEL_H + BOX_H + GAP_Y)

#define RED "#c62828"

struct layout {
	const struct px_dossier *d;
	int per_row;
	int rows;
	int *depth;
	int *row, *slot; /* slot per_row - 1 of a full row: its "more" box */
	int *n_in_row, *n_hidden, *hidden_tainted;
	uint64_t *row_grams, *hidden_grams;
	size_t *order;
};

static int
by_weight(const void *a, const void *b, void *ctx)
{
	const struct px_dossier *d = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct px_lineage *g = d->g;

	/* The lot first, then flagged cotton, then the heaviest. */
	if ((x == 0) != (y == 0))
		return x == 0 ? -1 : 1;
	if (d->tainted[x] != d->tainted[y])
		return d->tainted[x] ? -1 : 1;
	if (g->lots[x].grams != g->lots[y].grams)
		return g->lots[x].grams > g->lots[y].grams ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
by_created_desc(const void *a, const void *b, void *ctx)
{
	const struct px_lineage *g = ctx;
	uint64_t x = g->lots[*(const size_t *)a].created_at;
	uint64_t y = g->lots[*(const size_t *)b].created_at;

	return x > y ? -1 : x < y;
}

static void
layout_free(struct layout *c)
{
	free(c->depth);
	free(c->row);
	free(c->slot);
	free(c->n_in_row);
	free(c->n_hidden);
	free(c->hidden_tainted);
	free(c->row_grams);
	free(c->hidden_grams);
	free(c->order);
}

static int
lay_out(struct layout *c)
{
	const struct px_lineage *g = c->d->g;
	size_t n = g->n_lots;
	int max_depth = 0, *next;

	c->depth = calloc(n, sizeof(int));
	c->row = calloc(n, sizeof(int));
	c->slot = calloc(n, sizeof(int));
	c->order = calloc(n, sizeof(size_t));
	if (!c->depth || !c->row || !c->slot || !c->order)
		return PX_ENOMEM;
	/* Longest path down to the lot: outputs are logged after their
	 * inputs, so in decreasing log order a lot's depth is final before
	 * it is pushed to its inputs. */
	for (size_t i = 0; i < n; i++)
		c->order[i] = i;
	qsort_r(c->order, n, sizeof(size_t), by_created_desc, (void *)g);
	for (size_t k = 0; k < n; k++) {
		size_t u = c->order[k];

		for (size_t e = 0; e < g->n_edges; e++)
			if (g->edges[e].output == u &&
			    c->depth[g->edges[e].input] < c->depth[u] + 1)
				c->depth[g->edges[e].input] = c->depth[u] + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (c->depth[i] > max_depth)
			max_depth = c->depth[i];
	c->rows = max_depth + 1;
	c->n_in_row = calloc((size_t)c->rows, sizeof(int));
	c->n_hidden = calloc((size_t)c->rows, sizeof(int));
	c->hidden_tainted = calloc((size_t)c->rows, sizeof(int));
	c->row_grams = calloc((size_t)c->rows, sizeof(uint64_t));
	c->hidden_grams = calloc((size_t)c->rows, sizeof(uint64_t));
	next = calloc((size_t)c->rows, sizeof(int));
	if (!c->n_in_row || !c->n_hidden || !c->hidden_tainted ||
	    !c->row_grams || !c->hidden_grams || !next) {
		free(next);
		return PX_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		c->row[i] = max_depth - c->depth[i];
		c->n_in_row[c->row[i]]++;
		c->row_grams[c->row[i]] += g->lots[i].grams;
	}
	for (size_t i = 0; i < n; i++)
		c->order[i] = i;
	qsort_r(c->order, n, sizeof(size_t), by_weight, (void *)c->d);
	for (size_t k = 0; k < n; k++) {
		size_t i = c->order[k];
		int r = c->row[i];
		int room = c->n_in_row[r] <= c->per_row ? c->per_row
							: c->per_row - 1;

		if (next[r] < room) {
			c->slot[i] = next[r]++;
		} else {
			c->slot[i] = c->per_row - 1;
			c->n_hidden[r]++;
			c->hidden_grams[r] += g->lots[i].grams;
			c->hidden_tainted[r] += c->d->tainted[i];
		}
	}
	free(next);
	return PX_OK;
}

/* Boxes in row r, the "more" box included. */
static int
row_boxes(const struct layout *c, int r)
{
	return c->n_in_row[r] < c->per_row ? c->n_in_row[r] : c->per_row;
}

static void
box_xy(const struct layout *c, int width, int r, int slot, int *x, int *y)
{
	int boxes = row_boxes(c, r);
	int row_w = boxes * BOX_W + (boxes - 1) * GAP_X;

	*x = (width - row_w) / 2 + slot * (BOX_W + GAP_X);
	*y = PAD + r * ROW_H + LABEL_H;
}

static const char *
origin_fill(const struct px_dossier *d, const char *lot)
{
	for (size_t i = 0; d->v && i < d->v->n_origins; i++)
		if (strcmp(d->v->origins[i].lot, lot) == 0)
			switch (d->v->origins[i].status) {
			case PAXTA__STATUS__STATUS_CERTIFIED:
				return "#e3f1e4";
			case PAXTA__STATUS__STATUS_FORCED_LABOUR:
			case PAXTA__STATUS__STATUS_CHILD_LABOUR:
				return "#f8dede";
			default:
				return "#f8ecd6";
			}
	return "#ffffff";
}

/* The product most of row r's mass is, for its label. */
static Paxta__Product
row_product(const struct layout *c, int r)
{
	const struct px_lineage *g = c->d->g;
	uint64_t best = 0;
	Paxta__Product p = 0;

	for (size_t i = 0; i < g->n_lots; i++)
		if (c->row[i] == r && g->lots[i].grams >= best) {
			best = g->lots[i].grams;
			p = g->lots[i].product;
		}
	return p;
}

static void
put_edges(struct px_html *h, const struct layout *c, int width)
{
	const struct px_lineage *g = c->d->g;
	size_t slots = (size_t)c->rows * (size_t)c->per_row;
	size_t cells = slots * slots;
	unsigned char *drawn = calloc(cells ? cells : 1, 1);

	if (!drawn) {
		h->failed = 1;
		return;
	}
	/* Flagged edges last, so red lies over grey; one path per pair of
	 * boxes (a "more" box stands for several lots). */
	for (int pass = 0; pass < 2; pass++)
		for (size_t e = 0; e < g->n_edges; e++) {
			const struct px_lineage_edge *ed = &g->edges[e];
			size_t a = (size_t)c->row[ed->input] * c->per_row +
				   c->slot[ed->input];
			size_t b = (size_t)c->row[ed->output] * c->per_row +
				   c->slot[ed->output];
			int red = c->d->tainted[ed->input], x1, y1, x2, y2;

			if (red != pass || drawn[a * slots + b])
				continue;
			drawn[a * slots + b] = 1;
			box_xy(c, width, c->row[ed->input], c->slot[ed->input],
			       &x1, &y1);
			box_xy(c, width, c->row[ed->output],
			       c->slot[ed->output], &x2, &y2);
			x1 += BOX_W / 2;
			y1 += BOX_H;
			x2 += BOX_W / 2;
			px_html_put(h,
				    "<path d=\"M%d %d C%d %d %d %d %d %d\" "
				    "fill=\"none\" stroke=\"%s\" "
				    "stroke-width=\"%s\"/>",
				    x1, y1, x1, (y1 + y2) / 2, x2,
				    (y1 + y2) / 2, x2, y2,
				    red ? RED : "#9aa3b5", red ? "3" : "1.5");
		}
	free(drawn);
}

static void
put_box(struct px_html *h, const struct layout *c, int width, size_t i,
	const struct px_chart_opts *o)
{
	const struct px_lineage_lot *l = &c->d->g->lots[i];
	const char *stroke = c->d->tainted[i] ? RED : "#7d8799";
	char kg[PX_KG_TEXT];
	int x, y;

	box_xy(c, width, c->row[i], c->slot[i], &x, &y);
	px_format_kg(kg, l->grams);
	if (o->link) {
		px_html_put(h, "<a href=\"/lots/");
		px_html_segment(h, l->lot);
		px_html_put(h, "?lang=%s\">", px_lang_tag(o->lang));
	}
	px_html_put(h, "<g><title>");
	px_html_text(h, l->lot, 0);
	px_html_put(h,
		    "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" rx=\"6\" fill=\"%s\" stroke=\"%s\" "
		    "stroke-width=\"%s\"/><text x=\"%d\" y=\"%d\" "
		    "class=\"b\">",
		    x, y, BOX_W, BOX_H,
		    l->is_origin ? origin_fill(c->d, l->lot) : "#ffffff",
		    i == 0 && !c->d->tainted[i] ? "#1d2330" : stroke,
		    i == 0 || c->d->tainted[i] ? "3" : "1", x + 8, y + 18);
	px_html_text(h, l->lot, 24);
	px_html_put(h,
		    "</text><text x=\"%d\" y=\"%d\">%s · %s kg</text>"
		    "<text x=\"%d\" y=\"%d\" class=\"m\">",
		    x + 8, y + 36, px_msg_product(o->lang, l->product), kg,
		    x + 8, y + 53);
	px_html_text(h, px_dossier_name(c->d, l->creator), 28);
	px_html_put(h, "</text></g>%s", o->link ? "</a>" : "");
}

void
px_chart_svg(struct px_html *h, const struct px_dossier *d,
	     const struct px_chart_opts *o)
{
	struct layout c = { .d = d, .per_row = o->per_row };
	int width, height, most = 2;
	char kg[PX_KG_TEXT];

	if (lay_out(&c) != PX_OK) {
		h->failed = 1;
		goto out;
	}
	/* As wide as its widest row, and never drawn larger than 1.3 times
	 * its units: a short lineage does not blow up to the column. */
	for (int r = 0; r < c.rows; r++)
		if (row_boxes(&c, r) > most)
			most = row_boxes(&c, r);
	width = 2 * PAD + most * BOX_W + (most - 1) * GAP_X;
	height = 2 * PAD + c.rows * ROW_H - GAP_Y;
	px_html_put(h,
		    "<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/"
		    "svg\" viewBox=\"0 0 %d %d\" style=\"max-width:%dpx\" "
		    "role=\"img\" aria-label=\"%s\"><style>text{font:13px "
		    "system-ui,sans-serif;fill:#1d2330}.b{font-weight:600}.m{"
		    "fill:#5f6677}.s{font-size:12px;fill:#5f6677}</style>",
		    o->css_class, width, height, width * 13 / 10,
		    M(o->lang, CHART_TITLE));
	put_edges(h, &c, width);
	for (int r = 0; r < c.rows; r++) {
		int x, y;

		struct px_html label = { 0 };
		size_t chars = 0;

		px_format_kg(kg, c.row_grams[r]);
		box_xy(&c, width, r, 0, &x, &y);
		px_html_put(&label, "%s · %s %d · %s kg",
			    px_msg_product(o->lang, row_product(&c, r)),
			    M(o->lang, LOTS), c.n_in_row[r], kg);
		/* Right of the first box's middle, where edges come in: between
		 * it and the next box's, on a white ground (its width guessed
		 * from its characters) for the edges that cross it. */
		for (size_t k = 0; k < label.len; k++)
			chars += ((unsigned char)label.buf[k] & 0xc0) != 0x80;
		if (!label.failed)
			px_html_put(
				h,
				"<rect x=\"%d\" y=\"%d\" width=\"%zu\" "
				"height=\"16\" fill=\"#fff\"/><text x=\"%d\" "
				"y=\"%d\" class=\"s\">%s</text>",
				x + BOX_W / 2 + 3, y - 20, chars * 13 / 2 + 6,
				x + BOX_W / 2 + 6, y - 7, label.buf);
		h->failed |= label.failed;
		px_html_release(&label);
	}
	for (size_t i = 0; i < d->g->n_lots; i++)
		if (c.n_in_row[c.row[i]] <= c.per_row ||
		    c.slot[i] < c.per_row - 1)
			put_box(h, &c, width, i, o);
	for (int r = 0; r < c.rows; r++) {
		int x, y;

		if (!c.n_hidden[r])
			continue;
		box_xy(&c, width, r, c.per_row - 1, &x, &y);
		px_format_kg(kg, c.hidden_grams[r]);
		px_html_put(
			h,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"rx=\"6\" fill=\"#f0efea\" stroke=\"%s\" "
			"stroke-width=\"%s\" stroke-dasharray=\"5 3\"/>"
			"<text x=\"%d\" y=\"%d\" class=\"b\">+ %s %d"
			"</text><text x=\"%d\" y=\"%d\">%s kg</text>",
			x, y, BOX_W, BOX_H,
			c.hidden_tainted[r] ? RED : "#b9bdc7",
			c.hidden_tainted[r] ? "2.5" : "1", x + 8, y + 18,
			M(o->lang, MORE_LOTS), c.n_hidden[r], x + 8, y + 36,
			kg);
		if (c.hidden_tainted[r])
			px_html_put(h,
				    "<text x=\"%d\" y=\"%d\" fill=\"" RED
				    "\">%s %d</text>",
				    x + 8, y + 53, M(o->lang, FLAGGED_LOTS),
				    c.hidden_tainted[r]);
	}
	px_html_put(h, "</svg>");
out:
	layout_free(&c);
}
