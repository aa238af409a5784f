/*
 * paxta — the verdict's memory of lineages, private to libpaxta.
 *
 * A verdict on a lot walks its lineage (graph.h) and holds every lot of it
 * to the entry that made it (verdict.c, check_records): ~2.5 µs a lot, 25
 * ms for a fabric of 10,000 ancestors. Both depend only on the lot records
 * and lineage edges of the lineage, and those change rarely once a lot is
 * made: a transform's inputs never change; a lab result, a void or a
 * void-and-remake does (state.h, "the lineage marker"). So the walk is
 * remembered, per lot, with the tree size it was read at (read_at), and a
 * later verdict takes it instead of walking when it is exactly what a
 * walk would give: asked as of at >= read_at, and the lineage marker of
 * the question's snapshot below read_at (no walked fact of a lot that
 * existed at read_at changed since).
 *
 * What is not remembered is judged afresh on every verdict: the monitors'
 * statements (origins and facilities), the lab results themselves, the
 * push of the mass up the lineage. What changes is when the records are
 * held to the log: once per process, when a lineage is first read. A
 * later verdict rests on that check; a leaf or a lot record edited on
 * disk behind the process's back (not through the ledger) is seen by the
 * next process, or by audit, not by a remembered lineage.
 *
 * Lifetimes and threads: the memory belongs to the open store (a
 * px_store_attachment), made on the first verdict and freed at
 * px_store_close. It is shared by every thread: a mutex guards the table,
 * and each lineage is immutable once made and counted: the table holds a
 * reference and each verdict using it holds one, so an eviction while a
 * verdict reads it frees it only when that verdict releases it. Bounded
 * by a byte budget (PX_LINEAGE_MEMO_BUDGET): the least recently used goes
 * first, and a lineage larger than a quarter of the budget is not kept,
 * nor one smaller than PX_LINEAGE_MEMO_SMALLEST lots.
 * Only the newest read of a lot is kept, and only reads of a read
 * snapshot as of its own size: a historical verdict (at below the
 * snapshot's size) and a verdict inside a write transaction walk and are
 * not kept.
 */
#ifndef PAXTA_LINEAGE_MEMO_H
#define PAXTA_LINEAGE_MEMO_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

/* The memory's default budget in bytes. */
#define PX_LINEAGE_MEMO_BUDGET ((size_t)64 << 20)

/* Lineages of fewer lots are not kept by default: walking a few lots
 * costs about what remembering them does (a copy, the lock, a table
 * entry), and a node asked about many small lots would fill its memory
 * with them for nothing. */
#define PX_LINEAGE_MEMO_SMALLEST 64

/*
 * One lineage as a walk up from `root` read it: nodes in the walk's
 * numbering (their text in the lineage's own buffer, their weight unused),
 * their input edges, and order: the lots newest first (the asked lot
 * first), as px_verdict sorts them. Immutable once made.
 */
struct px_lineage {
	struct px_graph_node *nodes;
	size_t n_nodes;
	struct px_graph_edge *edges;
	size_t n_edges;
	size_t *order;
	size_t n_order;
	size_t root;
	uint64_t read_at; /* the snapshot's size when it was read */
	size_t bytes;     /* what it holds, counted against the budget */

	/* private to lineage_memo.c */
	char *text;
	atomic_uint refs;
	char lot[PX_ID_MAX + 1];
	struct px_lineage *newer, *older; /* the memory's recency list */
	int held;                         /* in the memory's table */
};

struct px_lineage_memo;

/*
 * Take g's walk from root (order[0..n_order), newest first) as a lineage
 * read at tree size read_at: the graph's nodes and edges move into it (g
 * keeps its index and text, to be released as usual), their text is
 * copied, and order is freed. One reference, the caller's: release it
 * with px_lineage_release. PX_ENOMEM (order and the graph's arrays are
 * still the caller's).
 */
int px_lineage_take(struct px_lineage **out, struct px_graph *g, size_t root,
		    size_t *order, size_t n_order, uint64_t read_at);

/* Drop a reference; the last one frees the lineage. Accepts NULL. */
void px_lineage_release(struct px_lineage *lin);

/*
 * The memory of t's store, made on first use (px_store_attachment): borrowed
 * until the store closes. PX_ENOMEM, or PX_EINVAL when the store holds
 * another attachment.
 */
int px_lineage_memo_of(struct px_txn *t, struct px_lineage_memo **out);

/*
 * The remembered lineage of lot for a question as of at, on a snapshot
 * whose lineage marker is mark (px_state_lineage_mark): NULL when there is
 * none, or when it was read after at; when the marker moved since it was
 * read it is forgotten, and NULL. A lineage returned holds a reference for
 * the caller (px_lineage_release).
 */
struct px_lineage *px_lineage_memo_get(struct px_lineage_memo *m,
				       const char *lot, uint64_t at,
				       uint64_t mark);

/*
 * Remember lin as lot's lineage (the memory takes a reference of its own;
 * the caller keeps its own). Not kept when larger than a quarter of the
 * budget or older than the lineage already kept for lot; the least
 * recently used go until it fits. Nothing to fail: a lineage that cannot
 * be kept is not.
 */
void px_lineage_memo_put(struct px_lineage_memo *m, const char *lot,
			 struct px_lineage *lin);

/* What the memory did and holds (provenance.h). */
void px_lineage_memo_stats(struct px_lineage_memo *m,
			   struct px_lineage_memo_stats *out);

/* Set the budget (tests: 0 keeps nothing), evicting down to it. */
void px_lineage_memo_set_budget(struct px_lineage_memo *m, size_t bytes);

/* Would a lineage of n_lots lots be kept (PX_LINEAGE_MEMO_SMALLEST or
 * more)? Asked before one is taken; px_lineage_memo_put asks too. */
int px_lineage_memo_keeps(struct px_lineage_memo *m, size_t n_lots);

/* Keep lineages from n_lots lots up (tests: 1 keeps every one). */
void px_lineage_memo_set_smallest(struct px_lineage_memo *m, size_t n_lots);

#endif
