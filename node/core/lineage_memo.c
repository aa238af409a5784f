/*
 * paxta — the verdict's memory of lineages: a table of lot id -> lineage,
 * least recently used first out, under one mutex. See lineage_memo.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lineage_memo.h"
#include "paxta/error.h"
#include "paxta/map.h"

/* What malloc keeps beside each block we count (glibc: 8 to 16 bytes). */
#define ALLOC_OVERHEAD 16

struct px_lineage_memo {
	pthread_mutex_t mu;
	struct px_map table; /* lot id -> struct px_lineage * */
	struct px_lineage *newest, *oldest;
	size_t bytes, budget;
	size_t smallest; /* fewer lots than this are not kept */
	struct px_lineage_memo_stats stats;
};

static size_t
text_len(const char *s)
{
	return strnlen(s, PX_ID_MAX) + 1;
}

/* Copy s into the lineage's text at *used. */
static const char *
text_copy(char *text, size_t *used, const char *s)
{
	size_t n = text_len(s) - 1;
	char *out = text + *used;

	memcpy(out, s, n);
	out[n] = '\0';
	*used += n + 1;
	return out;
}

int
px_lineage_take(struct px_lineage **out, struct px_graph *g, size_t root,
		size_t *order, size_t n_order, uint64_t read_at)
{
	struct px_lineage *lin = calloc(1, sizeof(*lin));
	size_t len = 0, used = 0;
	void *shrunk;

	*out = NULL;
	if (!lin)
		return PX_ENOMEM;
	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct px_graph_node *n = &g->nodes[i];

		len += text_len(n->id) + text_len(n->creator) +
		       text_len(n->farm) + text_len(n->district) +
		       text_len(n->region);
	}
	if (!(lin->text = malloc(len ? len : 1))) {
		free(lin);
		return PX_ENOMEM;
	}
	/* From here nothing fails: the graph's arrays move. */
	for (size_t i = 0; i < g->n_nodes; i++) {
		struct px_graph_node *n = &g->nodes[i];

		n->id = text_copy(lin->text, &used, n->id);
		n->creator = text_copy(lin->text, &used, n->creator);
		n->farm = text_copy(lin->text, &used, n->farm);
		n->district = text_copy(lin->text, &used, n->district);
		n->region = text_copy(lin->text, &used, n->region);
		n->weight = 0;
	}
	/* Exactly as long as they are, for the budget's sake. */
	if (g->n_nodes &&
	    (shrunk = realloc(g->nodes, g->n_nodes * sizeof(*g->nodes))))
		g->nodes = shrunk;
	if (g->n_edges &&
	    (shrunk = realloc(g->edges, g->n_edges * sizeof(*g->edges))))
		g->edges = shrunk;
	lin->nodes = g->nodes;
	lin->n_nodes = g->n_nodes;
	lin->edges = g->edges;
	lin->n_edges = g->n_edges;
	g->nodes = NULL;
	g->edges = NULL;
	g->n_nodes = g->cap_nodes = g->n_edges = g->cap_edges = 0;
	if (n_order && (shrunk = realloc(order, n_order * sizeof(*order))))
		order = shrunk;
	lin->order = order;
	lin->n_order = n_order;
	lin->root = root;
	lin->read_at = read_at;
	lin->bytes = sizeof(*lin) + lin->n_nodes * sizeof(*lin->nodes) +
		     lin->n_edges * sizeof(*lin->edges) +
		     n_order * sizeof(*order) + len + 5 * ALLOC_OVERHEAD;
	atomic_init(&lin->refs, 1);
	*out = lin;
	return PX_OK;
}

void
px_lineage_release(struct px_lineage *lin)
{
	if (!lin || atomic_fetch_sub(&lin->refs, 1) != 1)
		return;
	free(lin->nodes);
	free(lin->edges);
	free(lin->order);
	free(lin->text);
	free(lin);
}

/* What keeping lin under its lot costs besides lin itself: the table's
 * key, value and its share of the slots (kept under half full). */
static size_t
held_bytes(const struct px_lineage *lin)
{
	return lin->bytes + strlen(lin->lot) + 1 + sizeof(lin) +
	       2 * ALLOC_OVERHEAD + 2 * 3 * sizeof(void *);
}

static void *
memo_make(void)
{
	struct px_lineage_memo *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	px_map_init(&m->table, sizeof(struct px_lineage *));
	m->budget = PX_LINEAGE_MEMO_BUDGET;
	m->smallest = PX_LINEAGE_MEMO_SMALLEST;
	return m;
}

/* Take lin out of the table and the recency list, and drop the table's
 * reference. Under m->mu. */
static void
forget(struct px_lineage_memo *m, struct px_lineage *lin)
{
	if (lin->newer)
		lin->newer->older = lin->older;
	else
		m->newest = lin->older;
	if (lin->older)
		lin->older->newer = lin->newer;
	else
		m->oldest = lin->newer;
	lin->newer = lin->older = NULL;
	lin->held = 0;
	m->bytes -= held_bytes(lin);
	px_map_del(&m->table, lin->lot);
	px_lineage_release(lin);
}

static void
memo_release(void *state)
{
	struct px_lineage_memo *m = state;

	if (!m)
		return;
	while (m->oldest)
		forget(m, m->oldest);
	px_map_clear(&m->table);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static const struct px_store_attachment memo_kind = { memo_make, memo_release };

int
px_lineage_memo_of(struct px_txn *t, struct px_lineage_memo **out)
{
	return px_store_attachment(t, &memo_kind, (void **)out);
}

/* Put lin, in no list, at the front of the recency list. Under m->mu. */
static void
push_front(struct px_lineage_memo *m, struct px_lineage *lin)
{
	lin->newer = NULL;
	lin->older = m->newest;
	if (m->newest)
		m->newest->newer = lin;
	m->newest = lin;
	if (!m->oldest)
		m->oldest = lin;
}

/* Make lin the most recently used. Under m->mu. */
static void
to_front(struct px_lineage_memo *m, struct px_lineage *lin)
{
	if (m->newest == lin)
		return;
	/* out of the list */
	if (lin->newer)
		lin->newer->older = lin->older;
	if (lin->older)
		lin->older->newer = lin->newer;
	else if (lin->newer)
		m->oldest = lin->newer;
	push_front(m, lin);
}

struct px_lineage *
px_lineage_memo_get(struct px_lineage_memo *m, const char *lot, uint64_t at,
		    uint64_t mark)
{
	struct px_lineage **slot, *lin = NULL;

	pthread_mutex_lock(&m->mu);
	slot = px_map_get(&m->table, lot);
	if (slot && mark >= (*slot)->read_at) {
		/* A walked fact changed since: never usable again by a
		 * snapshot as new as this one. */
		forget(m, *slot);
		m->stats.stale++;
	} else if (slot && (*slot)->read_at <= at) {
		lin = *slot;
		atomic_fetch_add(&lin->refs, 1);
		to_front(m, lin);
	}
	if (lin)
		m->stats.hits++;
	else
		m->stats.misses++;
	pthread_mutex_unlock(&m->mu);
	return lin;
}

/* Evict the least recently used until need more bytes fit. Under m->mu. */
static void
make_room(struct px_lineage_memo *m, size_t need)
{
	while (m->oldest && m->bytes + need > m->budget) {
		forget(m, m->oldest);
		m->stats.evicted++;
	}
}

void
px_lineage_memo_put(struct px_lineage_memo *m, const char *lot,
		    struct px_lineage *lin)
{
	struct px_lineage **slot;
	size_t need;
	int made;

	pthread_mutex_lock(&m->mu);
	if (lin->held)
		goto out; /* kept already (a lineage the memory gave) */
	px_id_copy(lin->lot, lot);
	need = held_bytes(lin);
	if (need > m->budget / 4 || lin->n_order < m->smallest)
		goto out;
	slot = px_map_get(&m->table, lin->lot);
	if (slot) {
		if ((*slot)->read_at >= lin->read_at)
			goto out; /* only the newest read is kept */
		forget(m, *slot);
	}
	make_room(m, need);
	if (px_map_put(&m->table, lin->lot, (void **)&slot, &made) != PX_OK)
		goto out; /* out of memory: not kept */
	*slot = lin;
	atomic_fetch_add(&lin->refs, 1);
	lin->held = 1;
	push_front(m, lin);
	m->bytes += need;
out:
	pthread_mutex_unlock(&m->mu);
}

void
px_lineage_memo_stats(struct px_lineage_memo *m,
		      struct px_lineage_memo_stats *out)
{
	pthread_mutex_lock(&m->mu);
	*out = m->stats;
	out->lineages = px_map_size(&m->table);
	out->bytes = m->bytes;
	out->budget = m->budget;
	pthread_mutex_unlock(&m->mu);
}

int
px_verdict_memory(struct px_txn *t, struct px_lineage_memo_stats *out)
{
	struct px_lineage_memo *m;
	int rc = px_lineage_memo_of(t, &m);

	memset(out, 0, sizeof(*out));
	if (rc == PX_OK)
		px_lineage_memo_stats(m, out);
	return rc;
}

void
px_lineage_memo_set_budget(struct px_lineage_memo *m, size_t bytes)
{
	pthread_mutex_lock(&m->mu);
	m->budget = bytes;
	make_room(m, 0);
	pthread_mutex_unlock(&m->mu);
}

int
px_lineage_memo_keeps(struct px_lineage_memo *m, size_t n_lots)
{
	int keeps;

	pthread_mutex_lock(&m->mu);
	keeps = n_lots >= m->smallest;
	pthread_mutex_unlock(&m->mu);
	return keeps;
}

void
px_lineage_memo_set_smallest(struct px_lineage_memo *m, size_t n_lots)
{
	pthread_mutex_lock(&m->mu);
	m->smallest = n_lots;
	pthread_mutex_unlock(&m->mu);
}
