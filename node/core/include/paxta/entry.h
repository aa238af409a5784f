/*
 * paxta — the signed entry: the envelope every log leaf is.
 *
 * A leaf is the exact bytes of a protobuf SignedEntry { payload, public_key,
 * signature }; the signature is Ed25519 over the DSSE pre-authentication
 * encoding of (PX_ENTRY_PAYLOAD_TYPE, payload). The payload is an Entry
 * (proto/paxta.proto). Nothing is ever re-encoded to check a signature.
 */
#ifndef PAXTA_ENTRY_H
#define PAXTA_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/crypto.h"

/* Cap on a leaf, checked before parsing. */
#define PX_ENTRY_MAX (64 * 1024)

/* A decoded envelope; released with px_entry_close. */
struct px_signed_entry {
	const uint8_t *payload; /* owned by msg */
	size_t payload_len;
	struct px_pubkey pub;
	struct px_sig sig;
	Paxta__SignedEntry *msg;
};

/*
 * Decode the envelope in leaf[0..len): PX_ETOOLARGE over PX_ENTRY_MAX
 * (before parsing), PX_EMALFORMED when it is not a SignedEntry, its key is
 * not 32 bytes, its signature not 64, or its payload empty.
 */
int px_entry_open(struct px_signed_entry *out, const uint8_t *leaf, size_t len);

/* Release what px_entry_open took; accepts a zeroed or closed envelope. */
void px_entry_close(struct px_signed_entry *e);

/* PX_OK when the envelope's signature is valid for its own key over its
 * payload; PX_EVERIFY otherwise. Whether that key is the author's current
 * key is the ledger's rule, not this function's. */
int px_entry_check(const struct px_signed_entry *e);

/* Open and check in one call (the verifier pool's unit of work). */
int px_entry_verify_leaf(const uint8_t *leaf, size_t len);

/*
 * Seal payload with key: *out (malloc'd, free()) gets the SignedEntry
 * bytes. PX_ETOOLARGE when the result would be over PX_ENTRY_MAX.
 */
int px_entry_seal(uint8_t **out, size_t *out_len, const uint8_t *payload,
		  size_t payload_len, const struct px_seckey *key);

/* Decode an Entry payload; *out freed with px_entry_body_free. The result
 * borrows nothing. PX_EMALFORMED, PX_ETOOLARGE. */
int px_entry_body_decode(Paxta__Entry **out, const uint8_t *payload,
			 size_t len);
void px_entry_body_free(Paxta__Entry *body);

/* Serialize an Entry: *out malloc'd (free()). */
int px_entry_body_encode(uint8_t **out, size_t *out_len,
			 const Paxta__Entry *body);

/* The kind's name as in DESIGN.md §6.1 ("harvest", "transfer", ...). */
const char *px_entry_kind_name(Paxta__Entry__BodyCase kind);

#endif
