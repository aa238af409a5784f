/*
 * paxta — the lineage graph: one breadth-first walk along the lineage
 * edges of one snapshot. See graph.h.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "graph.h"
#include "paxta/state.h"

/* Text is copied into blocks of this size, each kept until the graph is
 * released, so a node's strings never move while nodes are added. */
#define POOL_BLOCK 65536

struct px_graph_pool {
	struct px_graph_pool *next;
	size_t used;
	char text[POOL_BLOCK];
};

void
px_graph_init(struct px_graph *g, uint64_t at, size_t max_nodes)
{
	memset(g, 0, sizeof(*g));
	px_map_init(&g->index, sizeof(size_t));
	g->at = at;
	g->max_nodes = max_nodes ? max_nodes : PX_PROVENANCE_MAX_LOTS;
}

void
px_graph_release(struct px_graph *g)
{
	while (g->pool) {
		struct px_graph_pool *next = g->pool->next;

		free(g->pool);
		g->pool = next;
	}
	px_map_clear(&g->index);
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

/* A copy of s (cut at PX_ID_MAX bytes) in the graph's pool; NULL when out
 * of memory. Ids from the state are valid, but a longer one is cut, never
 * overflowed. */
static const char *
pool_copy(struct px_graph *g, const char *s)
{
	size_t n = strnlen(s ? s : "", PX_ID_MAX);
	char *out;

	if (!g->pool || g->pool->used + n + 1 > POOL_BLOCK) {
		struct px_graph_pool *p = malloc(sizeof(*p));

		if (!p)
			return NULL;
		p->next = g->pool;
		p->used = 0;
		g->pool = p;
	}
	out = g->pool->text + g->pool->used;
	memcpy(out, s ? s : "", n);
	out[n] = '\0';
	g->pool->used += n + 1;
	return out;
}

size_t
px_graph_find(const struct px_graph *g, const char *id)
{
	const size_t *at = px_map_get(&g->index, id);

	return at ? *at : SIZE_MAX;
}

int
px_graph_node(struct px_graph *g, const char *id, size_t *out)
{
	struct px_graph_node *n;
	size_t *slot;
	int made, rc;

	if ((*out = px_graph_find(g, id)) != SIZE_MAX)
		return PX_OK;
	if (g->n_nodes >= g->max_nodes)
		return PX_ETOOLARGE;
	rc = px_array_grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes + 1,
			   sizeof(*g->nodes));
	if (rc != PX_OK)
		return rc;
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	if (!(n->id = pool_copy(g, id)))
		return PX_ENOMEM;
	n->creator = n->farm = n->district = n->region = "";
	if (px_map_put(&g->index, n->id, (void **)&slot, &made) != PX_OK)
		return PX_ENOMEM;
	*slot = g->n_nodes;
	*out = g->n_nodes++;
	return PX_OK;
}

/* Read node i's record into *out (the caller frees it). */
static int
read_record(struct px_txn *t, struct px_graph *g, size_t i,
	    Paxta__LotRecord **out)
{
	struct px_graph_node *n = &g->nodes[i];
	Paxta__LotRecord *rec = NULL;
	int rc = g->at ? px_state_lot_as_of(t, n->id, g->at, &rec)
		       : px_state_lot(t, n->id, &rec);

	if (rc != PX_OK)
		return rc;
	n->product = rec->product;
	n->process = rec->process;
	n->grams = rec->grams;
	n->created_at = rec->created_at;
	n->time = rec->time;
	n->voided = rec->voided;
	n->is_origin = rec->farm[0] != '\0';
	n->has_labs = rec->lab_results > 0;
	if (!(n->creator = pool_copy(g, rec->creator)))
		rc = PX_ENOMEM;
	if (n->is_origin) {
		n->season = rec->season;
		n->method = rec->method;
		if (!(n->farm = pool_copy(g, rec->farm)) ||
		    !(n->district = pool_copy(g, rec->district)) ||
		    !(n->region = pool_copy(g, rec->region)))
			rc = PX_ENOMEM;
	}
	if (rc != PX_OK) {
		px_state_free(rec);
		return rc;
	}
	*out = rec;
	return PX_OK;
}

int
px_graph_load(struct px_txn *t, struct px_graph *g, size_t i)
{
	Paxta__LotRecord *rec = NULL;
	int rc = read_record(t, g, i, &rec);

	px_state_free(rec);
	return rc;
}

struct edge_load {
	struct px_graph *g;
};

static int
add_edge(void *ctx, const char *lot, uint64_t grams)
{
	struct px_graph *g = ((struct edge_load *)ctx)->g;
	size_t other;
	int rc;

	if ((rc = px_graph_node(g, lot, &other)) != PX_OK)
		return rc;
	rc = px_array_grow((void **)&g->edges, &g->cap_edges, g->n_edges + 1,
			   sizeof(*g->edges));
	if (rc != PX_OK)
		return rc;
	g->edges[g->n_edges++] = (struct px_graph_edge){ other, grams };
	return PX_OK;
}

/* Read node i and its edges (up: its inputs; down: lots made from it). */
static int
visit(struct px_txn *t, struct px_graph *g, size_t i, int up)
{
	struct edge_load el = { g };
	Paxta__LotRecord *rec = NULL;
	int rc;

	if ((rc = read_record(t, g, i, &rec)) != PX_OK)
		return rc;
	g->nodes[i].first_edge = g->n_edges;
	if (rec->superseded_at) {
		/* A superseded version keeps its own inputs; it had no
		 * outputs (only a lot nothing was made from is voided). */
		for (size_t k = 0; up && rc == PX_OK && k < rec->n_inputs; k++)
			rc = add_edge(&el, rec->inputs[k]->lot,
				      rec->inputs[k]->grams);
	} else {
		rc = up ? px_state_each_input(t, g->nodes[i].id, add_edge, &el)
			: px_state_each_output(t, g->nodes[i].id, add_edge,
					       &el);
	}
	g->nodes[i].n_edges = g->n_edges - g->nodes[i].first_edge;
	px_state_free(rec);
	return rc;
}

int
px_graph_walk(struct px_txn *t, struct px_graph *g, const size_t *roots,
	      size_t n_roots, int up, size_t **order, size_t *n_order)
{
	size_t *queue = NULL, cap = 0, head = 0, tail = 0, kept = 0;
	int rc = PX_OK;

	*order = NULL;
	*n_order = 0;
	/* Breadth first: a lot joins the queue when it is first reached, so
	 * each is read once. */
	for (size_t r = 0; r < n_roots && rc == PX_OK; r++) {
		if (g->nodes[roots[r]].reached)
			continue;
		g->nodes[roots[r]].reached = 1;
		rc = px_array_grow((void **)&queue, &cap, tail + 1,
				   sizeof(*queue));
		if (rc == PX_OK)
			queue[tail++] = roots[r];
	}
	/* The lots read move to the front of the queue as they are read:
	 * queue[0..kept) is the answer. */
	while (head < tail && rc == PX_OK) {
		size_t i = queue[head++];

		rc = visit(t, g, i, up);
		if (rc == PX_ENOTFOUND && !up) {
			rc = PX_OK; /* made after g->at: not in the answer */
			continue;
		}
		if (rc != PX_OK)
			break;
		queue[kept++] = i;
		for (size_t e = 0; rc == PX_OK && e < g->nodes[i].n_edges;
		     e++) {
			size_t child =
				g->edges[g->nodes[i].first_edge + e].node;

			if (g->nodes[child].reached)
				continue;
			g->nodes[child].reached = 1;
			rc = px_array_grow((void **)&queue, &cap, tail + 1,
					   sizeof(*queue));
			if (rc == PX_OK)
				queue[tail++] = child;
		}
	}
	if (rc != PX_OK) {
		free(queue);
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	}
	*order = queue;
	*n_order = kept;
	return PX_OK;
}

static int
by_made(const void *a, const void *b, void *ctx)
{
	const struct px_graph *g = ctx;
	const struct px_graph_node *x = &g->nodes[*(const size_t *)a];
	const struct px_graph_node *y = &g->nodes[*(const size_t *)b];

	/* The outputs of one entry by id, so the order is the same on every
	 * node. */
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
px_graph_sort(const struct px_graph *g, size_t *nodes, size_t n,
	      int newest_first)
{
	if (n > 1)
		qsort_r(nodes, n, sizeof(*nodes), by_made, (void *)g);
	for (size_t i = 0; newest_first && i < n / 2; i++) {
		size_t tmp = nodes[i];

		nodes[i] = nodes[n - 1 - i];
		nodes[n - 1 - i] = tmp;
	}
}
