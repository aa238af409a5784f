/*
 * paxta — the state kept beside the log: actors, keys, lots, holdings,
 * shipments, lineage edges, monitors' statements, lab results.
 *
 * Records are protobuf messages (proto/paxta.proto, "State records") in the
 * store's tables; keys join ids with a 0 byte (ids never hold one). Records
 * returned through **out are the caller's, freed with px_state_free.
 */
#ifndef PAXTA_STATE_H
#define PAXTA_STATE_H

#include <stdint.h>
#include <string.h>

#include "paxta.pb-c.h"
#include "paxta/entry.h"
#include "paxta/store.h"

#define PX_ID_MAX 128 /* actor, lot, shipment ids */

/* A season is a year in [PX_SEASON_MIN, PX_SEASON_MAX]. */
#define PX_SEASON_MIN 1900
#define PX_SEASON_MAX 2200

/* Cap on the lots one question (a verdict, a recall, a lineage) may walk,
 * so a query cannot eat the node. */
#define PX_PROVENANCE_MAX_LOTS 2000000

/* Copy an id into a PX_ID_MAX + 1 buffer: cut rather than overflowed
 * (ids from the state are valid; NULL copies as ""). */
static inline void
px_id_copy(char *out, const char *id)
{
	size_t n = strnlen(id ? id : "", PX_ID_MAX);

	memcpy(out, id ? id : "", n);
	out[n] = '\0';
}

/* A valid id: 1..PX_ID_MAX printable ASCII bytes, no space. */
int px_state_valid_id(const char *id);
/* A statement's subject: farm:ID, actor:ID, district:CODE, region:CODE or
 * country:CODE, the part after the colon a valid id (DESIGN.md §6.1). */
int px_state_valid_subject(const char *subject);

/*
 * The entry logged at index, decoded (px_entry_read with PX_ENTRY_DECODE):
 * out->bytes points into t's map, valid until t ends; release out with
 * px_entry_release. PX_ENOTFOUND past the end of t's log; PX_ESTORE when
 * the stored leaf does not decode (leaves are checked on the way in).
 */
int px_state_entry(struct px_txn *t, uint64_t index, struct px_entry *out);

/* When the node accepted the entry logged at index (the time its leaf
 * carries: entry.h); errors as px_state_entry. */
int px_state_accepted_at(struct px_txn *t, uint64_t index, int64_t *out);

/*
 * The index of the logged entry whose entry hash (entry.h) is entry_hash:
 * PX_ENOTFOUND, or PX_ESTORE when the index record names a leaf whose
 * entry is of another hash — an index record edited on disk is never taken
 * at its word (a never-logged entry must not become "already logged").
 */
int px_state_find_entry(struct px_txn *t, const struct px_hash *entry_hash,
			uint64_t *out_index);

/*
 * An author's events by id (DESIGN.md §6.1 "event_id"): PX_OK with *index
 * the entry that logged it, PX_ENOTFOUND, PX_ESTORE. Ids longer than
 * PX_ID_MAX are never stored (PX_ENOTFOUND; put: PX_EINVAL).
 */
int px_state_event(struct px_txn *t, const char *author, const char *event_id,
		   uint64_t *index);
int px_state_put_event(struct px_txn *t, const char *author,
		       const char *event_id, uint64_t index);

/* A lot record passed to a callback, borrowed until it returns; a
 * non-zero return stops the scan. */
typedef int (*px_state_lot_fn)(void *ctx, const Paxta__LotRecord *rec);

/* Free any record this module returned; accepts NULL. */
void px_state_free(void *record);

/* Records by id: PX_ENOTFOUND when absent, PX_ESTORE when undecodable. */
int px_state_actor(struct px_txn *t, const char *id, Paxta__ActorRecord **out);
int px_state_lot(struct px_txn *t, const char *id, Paxta__LotRecord **out);
int px_state_shipment(struct px_txn *t, const char *id,
		      Paxta__ShipmentRecord **out);

/*
 * The version of lot id that existed as of tree size at: created before at
 * and not voided before at — the live record, or a superseded one (a voided
 * creation whose id a later entry took again). PX_ENOTFOUND when none did.
 */
int px_state_lot_as_of(struct px_txn *t, const char *id, uint64_t at,
		       Paxta__LotRecord **out);

/*
 * Before the entry at index creates lot id again: when the live record of
 * id is voided, keep it as a superseded version (id ‖ 0 ‖ created_at, with
 * superseded_at = index and its lineage inputs) and take its lineage edges
 * out of the live tables, so they cannot mix with the new lot's. PX_OK
 * (also when there is no record of id); PX_EINVAL when the record is not
 * voided.
 */
int px_state_supersede_lot(struct px_txn *t, const char *id, uint64_t index);

/* Call fn for each superseded version of lot id, earliest first. */
int px_state_each_lot_version(struct px_txn *t, const char *id,
			      px_state_lot_fn fn, void *ctx);

int px_state_put_actor(struct px_txn *t, const Paxta__ActorRecord *rec);

/*
 * Put a lot record under its id. When it replaces a record whose walked
 * facts differ (what a lineage walk reads of a lot: its product, process,
 * maker, creating entry, time, kg, season, place, farm, method, void,
 * whether a lab tested it, supersession and kept inputs), the lineage
 * marker moves to the entry being applied. A record of shipments or
 * weighings alone leaves it.
 */
int px_state_put_lot(struct px_txn *t, const Paxta__LotRecord *rec);

/*
 * The lineage marker: the index of the last entry that changed a walked
 * fact of an existing lot (px_state_put_lot), took a voided lot's edges
 * out of the live tables (px_state_supersede_lot) or gave an existing lot
 * new inputs (px_state_put_edge); 0 when none did. "The entry" is the one
 * being applied: the log's size in t, as the ledger applies an entry before
 * it appends its leaf. A lot's lineage as read at tree size N is what a
 * walk would read now while the marker is below N: the verdict's memory
 * of lineages rests on this (provenance.h). Kept in PX_TABLE_EVENTS under
 * the key 0 ‖ "lineage", which no author's event can have, so audit
 * re-derives and compares it with the rest of the state. One read.
 */
int px_state_lineage_mark(struct px_txn *t, uint64_t *out);
int px_state_put_shipment(struct px_txn *t, const Paxta__ShipmentRecord *rec);

/* The registrar's map (DESIGN.md §6.1 publish_districts): a country
 * ("UZ"), region ("UZ-SA") or district ("UZ-SA-KTK") code as published.
 * PX_ENOTFOUND when it was not. */
int px_state_place(struct px_txn *t, const char *code,
		   Paxta__PlaceRecord **out);
int px_state_put_place(struct px_txn *t, const Paxta__PlaceRecord *rec);

/* The key actor held from index from on. */
int px_state_put_key(struct px_txn *t, const char *actor, uint64_t from,
		     const uint8_t pub[32]);

/* Grams of lot that holder holds (0 when none). */
int px_state_holding(struct px_txn *t, const char *lot, const char *holder,
		     uint64_t *out);
/* Set it (0 removes the holding); keeps holdings and held_by in step. */
int px_state_set_holding(struct px_txn *t, const char *lot, const char *holder,
			 uint64_t grams);

/* Call fn(ctx, holder, grams) for every holder of lot. */
typedef int (*px_state_holder_fn)(void *ctx, const char *holder,
				  uint64_t grams);
int px_state_each_holder(struct px_txn *t, const char *lot,
			 px_state_holder_fn fn, void *ctx);

/* Call fn(ctx, lot, grams) for every lot holder holds (held_by). */
int px_state_each_held(struct px_txn *t, const char *holder,
		       px_state_holder_fn fn, void *ctx);

/* Call fn(ctx, record) for every shipment (a scan of them all); the record
 * is borrowed until fn returns. A non-zero return stops the scan. */
typedef int (*px_state_shipment_fn)(void *ctx,
				    const Paxta__ShipmentRecord *rec);
int px_state_each_shipment(struct px_txn *t, px_state_shipment_fn fn,
			   void *ctx);

/* Shipments in transit: grams of lot on shipment to consignee, from the
 * transfer until the receive (or the transfer's void). */
int px_state_put_transit(struct px_txn *t, const char *lot,
			 const char *shipment, const char *consignee,
			 uint64_t grams);
int px_state_del_transit(struct px_txn *t, const char *lot,
			 const char *shipment);
typedef int (*px_state_transit_fn)(void *ctx, const char *shipment,
				   const char *consignee, uint64_t grams);
int px_state_each_transit(struct px_txn *t, const char *lot,
			  px_state_transit_fn fn, void *ctx);

/* The lot -> shipment index: shipment, sent by the transfer logged at
 * index sent_at, carried lot. Kept for good (a void of the transfer
 * leaves it: the shipment record says it was voided), so a lot's
 * shipments are one prefix scan, never a scan of every shipment. */
int px_state_put_lot_shipment(struct px_txn *t, const char *lot,
			      const char *shipment, uint64_t sent_at);
/* Call fn(ctx, shipment, sent_at) for each shipment that carried lot, in
 * shipment id order. A non-zero return from fn stops and is returned. */
typedef int (*px_state_lot_shipment_fn)(void *ctx, const char *shipment,
					uint64_t sent_at);
int px_state_each_lot_shipment(struct px_txn *t, const char *lot,
			       px_state_lot_shipment_fn fn, void *ctx);

/* The entry at index registered, changed, re-keyed, revoked or suspended
 * actor (PX_TABLE_ACTOR_ENTRIES). */
int px_state_put_actor_entry(struct px_txn *t, const char *actor,
			     uint64_t index);
/* Call fn(ctx, index) for each such entry of actor, in log order. */
int px_state_each_actor_entry(struct px_txn *t, const char *actor,
			      int (*fn)(void *ctx, uint64_t index), void *ctx);

/* Lineage: output was made from grams of input. */
int px_state_put_edge(struct px_txn *t, const char *output, const char *input,
		      uint64_t grams);

/* Call fn(ctx, other lot, grams) for each input of lot (up) or each lot
 * made from it (down). */
typedef int (*px_state_edge_fn)(void *ctx, const char *lot, uint64_t grams);
int px_state_each_input(struct px_txn *t, const char *lot, px_state_edge_fn fn,
			void *ctx);
int px_state_each_output(struct px_txn *t, const char *lot, px_state_edge_fn fn,
			 void *ctx);

/* A monitor's statement on subject for season, logged at rec->index. */
int px_state_put_attestation(struct px_txn *t,
			     const Paxta__AttestationRecord *rec);
/* Call fn for each statement on subject for season in log order (season 0:
 * every season). Records passed to fn are freed after it returns. */
typedef int (*px_state_attestation_fn)(void *ctx,
				       const Paxta__AttestationRecord *rec);
int px_state_each_attestation(struct px_txn *t, const char *subject,
			      uint32_t season, px_state_attestation_fn fn,
			      void *ctx);

/* Call fn for every lot record, in id order, superseded versions (voided)
 * included (a recall from a facility's finding: no index by maker, so it
 * reads them all). */
int px_state_each_lot(struct px_txn *t, px_state_lot_fn fn, void *ctx);

/* A lab result on a lot, and every lab result on a lot in log order. */
int px_state_put_lab(struct px_txn *t, const Paxta__LabRecord *rec);
typedef int (*px_state_lab_fn)(void *ctx, const Paxta__LabRecord *rec);
int px_state_each_lab(struct px_txn *t, const char *lot, px_state_lab_fn fn,
		      void *ctx);

/* The origin index: harvest lot of farm in district for season. */
int px_state_put_origin(struct px_txn *t, const char *district, uint32_t season,
			const char *lot, const char *farm);
int px_state_del_origin(struct px_txn *t, const char *district, uint32_t season,
			const char *lot);
/* Call fn(ctx, lot, farm) for each harvest lot of district (NULL: every
 * district) in season (0: every season). */
typedef int (*px_state_origin_fn)(void *ctx, const char *lot, const char *farm);
int px_state_each_origin(struct px_txn *t, const char *district,
			 uint32_t season, px_state_origin_fn fn, void *ctx);

#endif
