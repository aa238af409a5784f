/*
 * paxta — what an actor holds and what is on the road to or from it, and
 * one shipment: the record-keeper's views (docs/api.md). Built from one
 * read snapshot; nothing here writes. JSON values returned are new
 * references, the caller's.
 */
#ifndef PAXTA_HOLDINGS_H
#define PAXTA_HOLDINGS_H

#include <jansson.h>

#include "paxta/store.h"

/*
 * An actor's stock as `paxta actor ID --holdings --json` prints it and the
 * node serves it (GET /v1/actors/{id}/holdings): {"actor", "holdings":
 * [{"lot", "product", "kg"}], "to_receive": [SHIPMENT], "to_send":
 * [SHIPMENT]}: the lots it holds now, and the shipments consigned to it
 * (or sent by it) that are not received yet (SHIPMENT as px_shipment_json
 * gives it). Pending shipments come from a scan of every shipment.
 * PX_OK with *out; PX_ENOTFOUND when no such actor is registered;
 * PX_ESTORE, PX_ENOMEM.
 */
int px_holdings_json(json_t **out, struct px_txn *t, const char *actor);

/*
 * One shipment (GET /v1/shipments/{id}): {"shipment", "from", "to",
 * "lots": [{"lot", "kg"}], "sent_at" (index), "dispatched" (its event
 * time, UTC), "received", "received_at" (index, once received),
 * "received_lots", "voided"}. PX_OK with *out; PX_ENOTFOUND; PX_ESTORE,
 * PX_ENOMEM.
 */
int px_shipment_json(json_t **out, struct px_txn *t, const char *shipment);

/*
 * Every shipment that carried lot (GET /v1/lots/{id}/shipments, `paxta lot
 * ID --shipments`), oldest first: {"lot", "shipments": [{"shipment",
 * "from", "to", "kg" (the lot's line), "lots" (every line), "sent":
 * {"index", "time", "event_time"}, "received": {"index", "kg" (the lot as
 * weighed on arrival)} or null, "in_transit", "voided"}]}. Read from the
 * lot -> shipment index (px_state_each_lot_shipment) and each transfer's
 * entry. PX_OK with *out; PX_ENOTFOUND when no such lot; PX_ESTORE,
 * PX_ENOMEM.
 */
int px_lot_shipments_json(json_t **out, struct px_txn *t, const char *lot);

#endif
