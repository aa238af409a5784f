/*
 * paxta — the signed entry, and the log leaf that wraps it.
 *
 * An author sends the exact bytes of a protobuf SignedEntry { payload,
 * public_key, signature }; the signature is Ed25519 over the DSSE
 * pre-authentication encoding of (PX_ENTRY_PAYLOAD_TYPE, payload). The
 * payload is an Entry (proto/paxta.proto). Nothing is ever re-encoded to
 * check a signature.
 *
 * The log stores each as a Leaf { entry, accepted_at }: those bytes and the
 * node's time of acceptance (DESIGN.md §4). Two hashes follow:
 *   entry hash  SHA-256(0x00 ‖ SignedEntry) — what the author can compute:
 *               its chain (Entry.prev), the duplicate check, "by hash";
 *   leaf hash   SHA-256(0x00 ‖ Leaf) — RFC 9162's, what the tree holds.
 */
#ifndef PAXTA_ENTRY_H
#define PAXTA_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/crypto.h"
#include "paxta/error.h"

/* Cap on a signed entry, checked before parsing. */
#define PX_ENTRY_MAX (64 * 1024)
/* Cap on a log leaf: a signed entry and its wrapping (two tags, a length
 * and a time: at most 1 + 3 + 1 + 10 bytes). */
#define PX_LEAF_MAX (PX_ENTRY_MAX + 16)

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
int px_entry_open(struct px_signed_entry *out, const uint8_t *signed_entry,
		  size_t len);

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
	struct px_hash entry_hash; /* of the signed entry, once hashed */
	struct px_hash leaf_hash;  /* of its leaf in the log (a duplicate's:
				      the leaf logged first) */
	struct px_refusal refusal; /* when rc == PX_EREFUSED or PX_EVERIFY */
};

/* The steps of px_entry_prepare; each is done once, whoever asks. */
enum px_entry_steps {
	PX_ENTRY_HASH = 1 << 0,   /* the entry hash (and a leaf's hash) */
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
 * It is either offered (px_entry_init: the SignedEntry bytes an author
 * sent) or logged (px_entry_init_logged: a Leaf read from a log). The
 * ledger logs an offered entry by wrapping it (px_entry_wrap): from then on
 * it has a leaf and a leaf hash like a logged one.
 *
 * bytes is borrowed: the caller keeps them alive and unchanged until
 * px_entry_release. Everything else belongs to the entry.
 */
struct px_entry {
	const uint8_t *bytes; /* as given: a SignedEntry, or a Leaf (logged) */
	size_t len;
	int logged;    /* bytes are a Leaf */
	unsigned done; /* enum px_entry_steps already taken */
	/* The signed entry: bytes themselves, or inside the Leaf (any step
	 * unwraps it). */
	const uint8_t *signed_entry;
	size_t signed_len;
	struct px_hash entry_hash; /* with PX_ENTRY_HASH */
	/* The leaf as logged: bytes when logged, else what px_entry_wrap
	 * made (NULL before). leaf_hash with PX_ENTRY_HASH or the wrap. */
	const uint8_t *leaf;
	size_t leaf_len;
	struct px_hash leaf_hash;
	int64_t accepted_at; /* the Leaf's time; 0 before the wrap */
	Paxta__Leaf *wrap;   /* a logged entry's decoded Leaf */
	uint8_t *own_leaf;   /* the Leaf px_entry_wrap made */
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

/* Point e at a signed entry offered to the log, nothing done yet. */
void px_entry_init(struct px_entry *e, const uint8_t *signed_entry, size_t len);

/* Point e at a leaf read from a log (a Leaf), nothing done yet. */
void px_entry_init_logged(struct px_entry *e, const uint8_t *leaf, size_t len);

/*
 * Take the steps of `steps` that e has not taken (VERIFY implies DECODE).
 * Bytes found wrong are not an error of this function: they are recorded
 * in e->result, and the later steps are skipped. Returns PX_OK, or
 * PX_ENOMEM / PX_ECRYPTO when it could not check (then nothing is
 * recorded and the step may be asked again). Safe on different entries
 * from different threads at once.
 */
int px_entry_prepare(struct px_entry *e, unsigned steps);

/* px_entry_init_logged and px_entry_prepare in one call: a log's leaf. */
int px_entry_read(struct px_entry *e, const uint8_t *leaf, size_t len,
		  unsigned steps);

/*
 * Log the offered entry e (hashed, not yet wrapped) at accepted_at: make
 * its Leaf bytes and their leaf hash (e->leaf, e->leaf_hash). Done again
 * with another time, the earlier wrap is replaced. PX_ENOMEM, PX_EINVAL.
 */
int px_entry_wrap(struct px_entry *e, int64_t accepted_at);

/* Check a log leaf alone: PX_OK when it is a Leaf around a SignedEntry
 * whose signature verifies for its own key, else PX_EMALFORMED,
 * PX_ETOOLARGE or PX_EVERIFY (or could-not-check errors). The payload is
 * not decoded. A question about bytes, not part of the write path. */
int px_entry_verify_leaf(const uint8_t *leaf, size_t len);

/* The same for the bytes of a signed entry, as an author sends them. */
int px_entry_verify_signed(const uint8_t *signed_entry, size_t len);

/* The entry hash of signed-entry bytes (SHA-256(0x00 ‖ bytes)). */
int px_entry_hash(struct px_hash *out, const uint8_t *signed_entry, size_t len);

/* Wrap signed-entry bytes as a leaf accepted at accepted_at: *out
 * malloc'd (free()). For tests and tools that build logs by hand. */
int px_leaf_make(uint8_t **out, size_t *out_len, const uint8_t *signed_entry,
		 size_t len, int64_t accepted_at);

/* Free what the entry holds (not bytes); accepts a zeroed entry. The entry
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
