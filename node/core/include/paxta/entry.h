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
#include "paxta/error.h"

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

/* What became of one entry offered to the ledger (px_ledger_append). */
struct px_append_result {
	int rc;         /* PX_OK: logged (or already was); else why not */
	int duplicate;  /* 1: the same entry was logged before */
	uint64_t index; /* its index in the log when rc == PX_OK */
	struct px_hash leaf_hash;
	struct px_refusal refusal; /* when rc == PX_EREFUSED or PX_EVERIFY */
};

/* The steps of px_entry_prepare; each is done once, whoever asks. */
enum px_entry_steps {
	PX_ENTRY_HASH = 1 << 0,   /* the RFC 9162 leaf hash of the bytes */
	PX_ENTRY_DECODE = 1 << 1, /* the envelope and the Entry it signs */
	PX_ENTRY_VERIFY = 1 << 2, /* the signature over its own key */
	PX_ENTRY_ALL = PX_ENTRY_HASH | PX_ENTRY_DECODE | PX_ENTRY_VERIFY,
};

/*
 * One entry on its way into the log, or read back out of it. It is made
 * once — by a request thread, the verifier pool, audit's chunks or the CLI
 * — and carried by pointer: its bytes are hashed once, decoded once and
 * their signature checked once, whoever needs them next.
 *
 * leaf is borrowed: the caller keeps the bytes alive and unchanged until
 * px_entry_release. Everything else belongs to the entry.
 */
struct px_entry {
	const uint8_t *leaf; /* the exact SignedEntry bytes */
	size_t len;
	unsigned done;            /* enum px_entry_steps already taken */
	struct px_hash leaf_hash; /* with PX_ENTRY_HASH */
	struct px_signed_entry env;
	Paxta__Entry *body; /* with PX_ENTRY_DECODE, when it decodes */
	/*
	 * PX_OK while nothing is wrong with the bytes; a step that finds
	 * them wrong sets it (PX_EREFUSED with code too_large or malformed,
	 * PX_EVERIFY with bad_signature), and result.rc likewise, with
	 * result.refusal saying why. The ledger fills the rest of result
	 * when it appends.
	 */
	int status;
	struct px_append_result result;
};

/* Point e at leaf[0..len), nothing done yet. */
void px_entry_init(struct px_entry *e, const uint8_t *leaf, size_t len);

/*
 * Take the steps of `steps` that e has not taken (VERIFY implies DECODE).
 * Bytes found wrong are not an error of this function: they are recorded
 * in e->result, and the later steps are skipped. Returns PX_OK, or
 * PX_ENOMEM / PX_ECRYPTO when it could not check (then nothing is
 * recorded and the step may be asked again). Safe on different entries
 * from different threads at once.
 */
int px_entry_prepare(struct px_entry *e, unsigned steps);

/* px_entry_init and px_entry_prepare in one call. */
int px_entry_read(struct px_entry *e, const uint8_t *leaf, size_t len,
		  unsigned steps);

/* Decode and check leaf alone: PX_OK when it is a SignedEntry whose
 * signature verifies, else PX_EMALFORMED, PX_ETOOLARGE or PX_EVERIFY (or
 * could-not-check errors). A question about bytes, not part of the write
 * path. */
int px_entry_verify_leaf(const uint8_t *leaf, size_t len);

/* Free what the entry holds (not leaf); accepts a zeroed entry. The entry
 * may be prepared again after px_entry_init. */
void px_entry_release(struct px_entry *e);

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
