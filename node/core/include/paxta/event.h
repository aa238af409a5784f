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
#include "paxta/error.h"

/* Cap on one event's JSON text, checked before parsing. */
#define PX_EVENT_MAX (64 * 1024)

/* A parsed event: the Entry and every byte it points to. */
struct px_event {
	Paxta__Entry *entry; /* seq 0, prev empty: the caller numbers it */
	int has_time;        /* the event gave "time"; else entry->time = 0 */
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

/* Names used in events, for the CLI and reports. NULL / 0 when unknown. */
const char *px_role_name(Paxta__Role role);
const char *px_product_name(Paxta__Product product);
const char *px_process_name(Paxta__Process process);
const char *px_method_name(Paxta__Method method);
const char *px_status_name(Paxta__Status status); /* 0: "uncertified" */
int px_role_from_name(Paxta__Role *out, const char *name);
int px_product_from_name(Paxta__Product *out, const char *name);
int px_process_from_name(Paxta__Process *out, const char *name);
int px_status_from_name(Paxta__Status *out, const char *name);

#endif
