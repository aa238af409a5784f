/*
 * paxta — one lot as people and scripts read it: its state, its lineage
 * graph, and everything made from it (DESIGN.md §3.4, §6.3); and an actor's
 * registration.
 *
 * These build answers from one read snapshot; the node serves them as JSON
 * and the CLI prints them. Nothing here writes. JSON values returned are
 * new references, the caller's.
 */
#ifndef PAXTA_LOT_H
#define PAXTA_LOT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "paxta.pb-c.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

/*
 * The state of lot as `paxta lot --json` prints it: lot, product, creator,
 * created_at, time, recorded, event_time and documents (of the entry that
 * made it, when given), kg, voided, harvest (origins only), process (transform
 * outputs only), holders ([{holder, kg}]: who holds how much now), inputs
 * ([{lot, kg}]: the kg of each input consumed to make this lot), outputs
 * ([{lot, kg_used}]: the kg of THIS lot consumed into each lot made from it,
 * not that lot's own mass; a transform with several outputs lists what it
 * consumed under each), lab_results, composition.
 * PX_OK with *out; PX_ENOTFOUND when there is no such lot; PX_ETOOLARGE when
 * its composition walks more than PX_PROVENANCE_MAX_LOTS lots; PX_ESTORE,
 * PX_ENOMEM.
 */
int px_lot_json(json_t **out, struct px_txn *t, const char *lot);

/*
 * An actor's registration as `paxta actor --json` prints it and the node
 * serves it (GET /v1/actors/{id}): id, name, roles, region, district,
 * public_key (its current key, base64), registered_at (index), seq (its last
 * sequence number, 0 before its first entry), last_hash (the leaf hash of
 * its last entry, lowercase hex; "" when seq is 0), revoked, and revoked_at
 * (index) when revoked: what a client needs to sign the actor's next entry.
 * Beside the lots' answers because it is one too. A new reference; NULL on
 * out of memory.
 */
json_t *px_actor_json(const Paxta__ActorRecord *rec);

/* One lot of a lineage graph. */
struct px_lineage_lot {
	char lot[PX_ID_MAX + 1];
	char creator[PX_ID_MAX + 1];
	Paxta__Product product;
	Paxta__Process process; /* transform outputs; 0 otherwise */
	uint64_t grams;         /* mass created */
	uint64_t created_at;    /* index of the creating entry */
	int64_t time;           /* its claimed time */
	int voided;
	int is_origin; /* a harvest: the fields below are set */
	char farm[PX_ID_MAX + 1];
	char district[PX_ID_MAX + 1];
	char region[PX_ID_MAX + 1];
	uint32_t season;
	Paxta__Method method;
};

/* input was consumed, grams of it, to make output (indexes into lots). */
struct px_lineage_edge {
	size_t input, output;
	uint64_t grams;
};

/* A lot and every lot it was made from: lots[0] is the lot asked about,
 * the others in breadth-first order upwards. */
struct px_lineage {
	struct px_lineage_lot *lots;
	size_t n_lots;
	struct px_lineage_edge *edges;
	size_t n_edges;
};

/*
 * The lineage of lot: every lot it was made from, through every transform,
 * with the kg consumed at each step (transfers move a lot unchanged, so
 * they add no lots). At most max_lots lots (0: PX_PROVENANCE_MAX_LOTS).
 * PX_OK with *out (free with px_lineage_free); PX_ENOTFOUND when there is
 * no such lot; PX_ETOOLARGE past max_lots; PX_ESTORE, PX_ENOMEM.
 */
int px_lineage(struct px_lineage **out, struct px_txn *t, const char *lot,
	       size_t max_lots);

/* Free; accepts NULL. */
void px_lineage_free(struct px_lineage *g);

/*
 * The lineage as JSON: {"lot", "nodes": [{"lot", "product", "kg", "creator",
 * "created_at", "time", "voided", "process" | "harvest": {...}}], "edges":
 * [{"from": input lot, "to": output lot, "kg"}]}. NULL on out of memory.
 */
json_t *px_lineage_json(const struct px_lineage *g);

/*
 * Every lot made from lot, directly or through later transforms, with the
 * share of its mass that came from lot, who holds it now and how many kg:
 * the recall of one lot (a bale a lab found is not from where it claims).
 * The answer has the shape of px_recall's: lots[0] is lot itself (share 1,
 * n_origins 1), then every lot downstream in log order; voided lots are left
 * out. PX_OK with *out (free with px_recall_free, JSON by px_recall_json);
 * PX_ENOTFOUND when there is no such lot; PX_ETOOLARGE past
 * PX_PROVENANCE_MAX_LOTS; PX_ESTORE, PX_ENOMEM.
 */
int px_lot_recall(struct px_recall **out, struct px_txn *t, const char *lot);

#endif
