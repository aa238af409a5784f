/*
 * paxta — the lineage graph, private to libpaxta: the one walk along the
 * lineage edges that the verdict (up, to the origins), recall (down, to
 * everything made from them) and the provenance graph (up, as people see
 * it) share.
 *
 * A walk is breadth first: every lot reached is read once (its record and
 * its edges) and numbered in the order it was reached, the roots first.
 * Lots only point at lots logged before them, so sorting the reached lots
 * by the entry that made them orders them for the mass to flow: newest
 * first going up, oldest first going down.
 */
#ifndef PAXTA_GRAPH_H
#define PAXTA_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/map.h"
#include "paxta/store.h"

struct px_graph_edge {
	size_t node; /* the other lot */
	uint64_t grams;
};

/* One lot. The text fields point into the graph's own pool. */
struct px_graph_node {
	const char *id;
	const char *creator;
	const char *farm; /* "" unless a harvest */
	const char *district;
	const char *region;
	Paxta__Product product;
	Paxta__Process process;
	Paxta__Method method;
	uint64_t grams;
	uint64_t created_at;
	int64_t time; /* harvested, or made */
	uint32_t season;
	int is_origin;
	int has_labs;
	int voided;
	int reached; /* a walk reached it (queued to be read) */
	int is_seed; /* a recalled lot itself */
	double weight;
	size_t first_edge, n_edges; /* into px_graph.edges */
};

struct px_graph_pool; /* text of the lots, in blocks that never move */

struct px_graph {
	struct px_graph_node *nodes;
	size_t n_nodes, cap_nodes;
	struct px_graph_edge *edges;
	size_t n_edges, cap_edges;
	struct px_map index; /* lot id -> node number (size_t) */
	struct px_graph_pool *pool;
	size_t max_nodes;
	/* Which version of a lot: the one standing as of tree size at (a tag
	 * voided and taken again is the old lot before the void), or, for 0,
	 * the lot's latest record whatever it is (a voided lot included). */
	uint64_t at;
};

/* An empty graph of at most max_nodes lots (0: PX_PROVENANCE_MAX_LOTS). */
void px_graph_init(struct px_graph *g, uint64_t at, size_t max_nodes);
void px_graph_release(struct px_graph *g);

/* The node of lot id, or SIZE_MAX. */
size_t px_graph_find(const struct px_graph *g, const char *id);

/* The node of lot id, added (not loaded) when new. PX_ETOOLARGE past
 * max_nodes, PX_ENOMEM. */
int px_graph_node(struct px_graph *g, const char *id, size_t *out);

/*
 * Read node i's record: PX_ENOTFOUND when the lot did not exist (as of
 * g->at), PX_ESTORE, PX_ENOMEM. Its edges are not read.
 */
int px_graph_load(struct px_txn *t, struct px_graph *g, size_t i);

/*
 * Walk from roots[0..n_roots) along the edges, up (inputs) or down (lots
 * made from them), reading every lot reached and its edges once. *order
 * (malloc'd, *n_order) lists the lots read, in the order reached. Lots
 * that did not exist as of g->at are left out going down (made later);
 * going up every input existed before its output, so a missing one is
 * PX_ESTORE.
 */
int px_graph_walk(struct px_txn *t, struct px_graph *g, const size_t *roots,
		  size_t n_roots, int up, size_t **order, size_t *n_order);

/* Sort nodes[0..n) by the entry that made each lot (ties by id, so the
 * order is the same on every node): oldest first, or newest first. */
void px_graph_sort(const struct px_graph *g, size_t *nodes, size_t n,
		   int newest_first);

#endif
