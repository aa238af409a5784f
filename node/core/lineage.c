/*
 * paxta — the lineage graph of a lot as people see it: every lot it was
 * made from, with the kg consumed at each step (GET /v1/lots/{id}/
 * provenance, the lot page's chart). Read by the one lineage walk of
 * graph.c.
 */
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "paxta/encoding.h"
#include "paxta/lot.h"
#include "paxta/names.h"
#include "paxta/state.h"
#include "paxta/units.h"

static const char *
or_unknown(const char *s)
{
	return s ? s : "unknown";
}

int
px_lineage(struct px_lineage **out, struct px_txn *t, const char *lot,
	   size_t max_lots)
{
	struct px_lineage *l = NULL;
	struct px_graph g;
	size_t root, *order = NULL, n_order = 0, *pos = NULL;
	int rc;

	*out = NULL;
	/* 0: each lot's latest record, a voided one included */
	px_graph_init(&g, 0, max_lots);
	if ((rc = px_graph_node(&g, lot, &root)) != PX_OK ||
	    (rc = px_graph_load(t, &g, root)) != PX_OK)
		goto out;
	if ((rc = px_graph_walk(t, &g, &root, 1, 1, &order, &n_order)) != PX_OK)
		goto out;
	l = calloc(1, sizeof(*l));
	pos = malloc(g.n_nodes * sizeof(*pos));
	if (!l || !pos ||
	    !(l->lots = calloc(n_order ? n_order : 1, sizeof(*l->lots))) ||
	    !(l->edges =
		      calloc(g.n_edges ? g.n_edges : 1, sizeof(*l->edges)))) {
		rc = PX_ENOMEM;
		goto out;
	}
	/* Breadth first, the lot itself first; each lot's inputs in the
	 * order the state lists them. */
	for (size_t k = 0; k < n_order; k++)
		pos[order[k]] = k;
	for (size_t k = 0; k < n_order; k++) {
		const struct px_graph_node *n = &g.nodes[order[k]];
		struct px_lineage_lot *x = &l->lots[l->n_lots++];

		px_id_copy(x->lot, n->id);
		px_id_copy(x->creator, n->creator);
		x->product = n->product;
		x->process = n->process;
		x->grams = n->grams;
		x->created_at = n->created_at;
		x->time = n->time;
		x->voided = n->voided;
		x->is_origin = n->is_origin;
		if (n->is_origin) {
			px_id_copy(x->farm, n->farm);
			px_id_copy(x->district, n->district);
			px_id_copy(x->region, n->region);
			x->season = n->season;
			x->method = n->method;
		}
		for (size_t e = 0; e < n->n_edges; e++) {
			const struct px_graph_edge *ed =
				&g.edges[n->first_edge + e];

			l->edges[l->n_edges++] =
				(struct px_lineage_edge){ pos[ed->node], k,
							  ed->grams };
		}
	}
	*out = l;
	l = NULL;
out:
	free(pos);
	free(order);
	px_graph_release(&g);
	px_lineage_free(l);
	return rc;
}

void
px_lineage_free(struct px_lineage *g)
{
	if (!g)
		return;
	free(g->lots);
	free(g->edges);
	free(g);
}

json_t *
px_lineage_json(const struct px_lineage *g)
{
	json_t *root = NULL, *nodes = json_array(), *edges = json_array();
	char when[PX_TIME_TEXT];

	if (!nodes || !edges)
		goto fail;
	for (size_t i = 0; i < g->n_lots; i++) {
		const struct px_lineage_lot *l = &g->lots[i];
		json_t *n;

		px_format_time(when, l->time);
		n = json_pack(
			"{s:s,s:s,s:o,s:s,s:I,s:s,s:b}", "lot", l->lot,
			"product", or_unknown(px_product_name(l->product)),
			"kg", px_kg_json((double)l->grams), "creator",
			l->creator, "created_at", (json_int_t)l->created_at,
			"time", when, "voided", l->voided);
		if (!n || json_array_append_new(nodes, n) != 0)
			goto fail;
		if (l->is_origin &&
		    json_object_set_new(
			    n, "harvest",
			    json_pack("{s:s,s:s,s:s,s:i,s:s}", "farm", l->farm,
				      "district", l->district, "region",
				      l->region, "season", (int)l->season,
				      "method",
				      or_unknown(px_method_name(l->method)))) !=
			    0)
			goto fail;
		if (l->process &&
		    json_object_set_new(n, "process",
					json_string(or_unknown(px_process_name(
						l->process)))) != 0)
			goto fail;
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct px_lineage_edge *e = &g->edges[i];

		if (json_array_append_new(
			    edges, json_pack("{s:s,s:s,s:o}", "from",
					     g->lots[e->input].lot, "to",
					     g->lots[e->output].lot, "kg",
					     px_kg_json((double)e->grams))) !=
		    0)
			goto fail;
	}
	root = json_pack("{s:s,s:o,s:o}", "lot",
			 g->n_lots ? g->lots[0].lot : "", "nodes", nodes,
			 "edges", edges);
	return root;
fail:
	json_decref(nodes);
	json_decref(edges);
	return NULL;
}
