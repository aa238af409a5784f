/*
 * paxta — events as JSON (DESIGN.md §6.1) to and from entries.
 *
 * People and scripts write small JSON documents; px_event_parse turns one
 * into an Entry body (proto/paxta.proto) ready to be numbered, encoded and
 * signed. px_event_from_entry turns a logged entry back into the same JSON,
 * with "kind", "seq", "prev" (hex) and "time" (RFC 3339) added.
 *
 * Field names are a contract: see DESIGN.md §6.1. kg are JSON numbers with
 * at most 3 decimals (integer grams inside); times RFC 3339; keys standard
 * base64; SHA-256 values lowercase or uppercase hex.
 */
#ifndef PAXTA_EVENT_H
#define PAXTA_EVENT_H

#include <jansson.h>

#include "paxta.pb-c.h"
#include "paxta/crypto.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/names.h"

/* Cap on one event's JSON text, checked before parsing. */
#define PX_EVENT_MAX (64 * 1024)

/* A parsed event: the Entry and every byte it points to. */
struct px_event {
	Paxta__Entry *entry; /* seq 0, prev empty: the caller numbers it */
	int has_time;        /* the event gave "time"; else entry->time = 0 */
	int has_event_time;  /* the event gave "event_time" (kept as given in */
	int64_t event_time;  /* entry->event_time), in seconds here */
	/* A void naming its target by hash ("entry": "HEX"): the caller
	 * looks the index up and sets entry->void_->index. */
	int void_by_hash;
	struct px_hash void_hash;
	void *arena; /* owned memory, private */
};

/*
 * Parse one event object. PX_OK with *out (free with px_event_free);
 * PX_EMALFORMED with r filled (code PX_CODE_MALFORMED and a sentence that
 * names the field: `field 'kg' of lot 'X' has 4 decimals; at most 3`);
 * PX_ENOMEM.
 */
int px_event_parse(struct px_event **out, const json_t *event,
		   struct px_refusal *r);

/* As px_event_parse, from JSON text (PX_ETOOLARGE over PX_EVENT_MAX). */
int px_event_parse_text(struct px_event **out, const char *text, size_t len,
			struct px_refusal *r);

/* Free; accepts NULL. */
void px_event_free(struct px_event *ev);

/* The JSON of a logged entry (a new reference, the caller's). NULL on
 * out of memory. */
json_t *px_event_from_entry(const Paxta__Entry *e);

/*
 * A logged entry as the node serves it and `paxta entry` prints it:
 * {"index", "leaf_hash" (hex), "leaf" (base64 of the exact bytes),
 * "entry" (px_event_from_entry)}, and "signature_valid" when e was prepared
 * with PX_ENTRY_VERIFY. e is prepared with PX_ENTRY_HASH and decodes. A new
 * reference; NULL when e is not so, or out of memory.
 */
json_t *px_event_logged(const struct px_entry *e, uint64_t index);

#endif
