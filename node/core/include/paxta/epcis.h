/*
 * paxta — GS1 EPCIS 2.0 / CBV 2.0 interchange (DESIGN.md §6.4).
 *
 * Export: logged entries become the EPCIS events the standard means (a
 * harvest is a commissioning ObjectEvent ADD, a transform a
 * TransformationEvent, a transfer a shipping ObjectEvent, a receive a
 * receiving one, statements and lab results inspecting ObjectEvents with
 * certificationInfo and our own extensions), gathered in one
 * EPCISDocument (JSON-LD). Import: the same events back into the event JSON
 * of DESIGN.md §6.1, for the normal signing and append path. docs/epcis.md
 * has the tables.
 *
 * Identifiers are class-level URIs of the node: lots https://ORIGIN/lot/ID,
 * actors (parties and places) https://ORIGIN/actor/ID, shipments
 * https://ORIGIN/shipment/ID, ids percent-encoded. Our extensions live in
 * the namespace PX_EPCIS_NS under the JSON-LD prefix "paxta".
 *
 * Every function here is pure JSON work (jansson) and thread-safe; none
 * keeps a reference to its arguments.
 */
#ifndef PAXTA_EPCIS_H
#define PAXTA_EPCIS_H

#include <stdint.h>

#include <jansson.h>

#include "paxta.pb-c.h"
#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/store.h"

/* The EPCIS 2.0 JSON-LD context and our extension namespace. */
#define PX_EPCIS_CONTEXT \
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
#define PX_EPCIS_NS "urn:paxta:epcis:"

/* Caps on an imported document, checked before (and while) parsing. */
#define PX_EPCIS_DOC_MAX    ((size_t)64 << 20)
#define PX_EPCIS_EVENTS_MAX 100000

/* "ni:///sha-256;" + 64 hex + "?ver=CBV2.0" and the NUL. */
#define PX_EPCIS_ID_TEXT 96

/*
 * The CBV 2.0 event hash (CBV 2.0 §8.9, "EPCIS Event Hash ID") of event,
 * an EPCIS 2.0 JSON-LD event object: the canonical pre-hash string hashed
 * with SHA-256, as "ni:///sha-256;HEX?ver=CBV2.0" (RFC 6920). context is
 * the document's "@context" (string, object or array; may be NULL) whose
 * prefixes expand extension names. *prehash (may be NULL) gets the
 * pre-hash string (malloc'd, free()).
 *
 * PX_OK; PX_EMALFORMED when a field the algorithm reads has the wrong
 * type or a time does not parse, or the event carries what paxta does not
 * canonicalise (sensorElementList, errorDeclaration); PX_ENOMEM.
 */
int px_epcis_event_id(char out[PX_EPCIS_ID_TEXT], char **prehash,
		      const json_t *event, const json_t *context);

/*
 * The EPCIS event of one logged entry: e at index, its RFC 9162 leaf hash
 * leaf_hash, accepted by the node called origin at recorded (its leaf's
 * time: the EPCIS recordTime). *out is a new reference with its eventID
 * set. PX_ENOTFOUND for kinds that have no EPCIS meaning (the genesis,
 * actors and keys, district maps, voids); PX_ENOMEM.
 */
int px_epcis_event(json_t **out, const char *origin, uint64_t index,
		   const struct px_hash *leaf_hash, int64_t recorded,
		   const Paxta__Entry *e);

/* Which entries to export: the history of one lot (lot not NULL), or the
 * indexes from..to (inclusive, clipped to the log). */
struct px_epcis_select {
	const char *lot;
	uint64_t from, to;
};

/*
 * One EPCISDocument of the entries sel picks from snapshot t, created at
 * `created` (Unix seconds). A lot's history is every harvest, transform,
 * transfer, receive and lab result naming the lot or a lot it was made
 * from, and every monitor's statement on the farms, districts, regions
 * and countries of its origins and on the facilities its lots passed
 * (found by one pass over the log). PX_OK with *out (a new reference);
 * PX_ENOTFOUND for an unknown lot; PX_ESTORE, PX_ENOMEM.
 */
int px_epcis_export(json_t **out, struct px_txn *t, const char *origin,
		    const struct px_epcis_select *sel, int64_t created);

/*
 * One EPCIS event (of a document with context) as paxta event JSON
 * (DESIGN.md §6.1): *out a new reference, ready for px_event_parse and the
 * signer. The author is the party the event names (see docs/epcis.md).
 * Returns PX_OK; PX_EREFUSED with r filled: code PX_CODE_MALFORMED when
 * the event is paxta's but a field is wrong (a quantity that is not kg,
 * an identifier that is not a paxta URI), code PX_CODE_NONE when paxta has
 * no meaning for it (another event type or business step) — reported,
 * never guessed; PX_ENOMEM.
 */
int px_epcis_to_event(json_t **out, const json_t *event, struct px_refusal *r);

/*
 * The events of an EPCISDocument (or EPCISQueryDocument) in text[0..len):
 * PX_ETOOLARGE over PX_EPCIS_DOC_MAX (before parsing) or
 * PX_EPCIS_EVENTS_MAX events; PX_EMALFORMED with r filled when it is not
 * an EPCIS document. *events and *context are borrowed from *doc (a new
 * reference, the caller's).
 */
int px_epcis_parse(json_t **doc, json_t **events, json_t **context,
		   const char *text, size_t len, struct px_refusal *r);

#endif
