/*
 * paxta — C2SP tlog-cosignature, the Ed25519 "cosignature/v1" kind: a
 * witness's timestamped statement that a checkpoint is the largest
 * consistent tree it has seen of that log.
 *
 * Signature line:  "\u2014 <name> <base64(key id[4] ‖ timestamp[8] ‖
 * sig[64])>\n" Key id:          SHA-256(name ‖ "\n" ‖ 0x04 ‖ pubkey)[:4] Signed
 * message:  "cosignature/v1\n" "time <decimal timestamp>\n" ‖ body (the note's
 * body: the checkpoint, final newline included, no signature lines) Verifier
 * key:    "<name>+<hex8 key id>+<base64(0x04 ‖ pubkey)>" (C2SP signed-note vkey
 * with signature type 0x04) The timestamp is big-endian seconds since the
 * Epoch, at most 2^63 - 1.
 */
#ifndef PAXTA_COSIGNATURE_H
#define PAXTA_COSIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/checkpoint.h"
#include "paxta/crypto.h"
#include "paxta/error.h"

#define PX_COSIG_ALG_ED25519 0x04
#define PX_COSIG_BLOB_LEN    (4 + 8 + 64)

/* key id = SHA-256(name ‖ "\n" ‖ 0x04 ‖ pub)[0:4]. PX_EINVAL for a name
 * longer than PX_ORIGIN_MAX. */
int px_cosig_key_id(uint8_t out[4], const char *name,
		    const struct px_pubkey *pub);

/* The cosigner's verifier key string; *out malloc'd. PX_EINVAL for a name
 * that cannot be a key name (empty, too long, spaces, '+'). */
int px_cosig_verifier_string(char **out, const char *name,
			     const struct px_pubkey *pub);

/* Parse a cosigner verifier key (type 0x04) into out (whose key_id is the
 * cosignature key id). PX_EMALFORMED otherwise. */
int px_cosig_verifier_parse(struct px_note_verifier *out, const char *text);

/*
 * The body of a signed note: the text before its signature lines, final
 * newline included (signed-note: up to the last blank line). *out_len set;
 * PX_EMALFORMED when note has no blank line followed by signatures.
 */
int px_note_body(size_t *out_len, const char *note, size_t note_len);

/*
 * Cosign the note body (body_len bytes, as px_note_body finds it) under
 * name at timestamp: *out is one signature line, newline included
 * (malloc'd, NUL-terminated). PX_EINVAL for a bad name or a timestamp past
 * 2^63 - 1.
 */
int px_cosig_sign(char **out, const char *body, size_t body_len,
		  const char *name, const struct px_seckey *key,
		  uint64_t timestamp);

/*
 * Find and check v's cosignature among note's signature lines. PX_OK with
 * *out_timestamp (may be NULL) when one verifies; PX_ENOTFOUND when no line
 * carries v's name and key id; PX_EVERIFY when one does and fails (a known
 * key's bad signature: signed-note rejects the note); PX_EMALFORMED when
 * note is not a signed note; PX_ETOOLARGE past PX_NOTE_MAX.
 */
int px_cosig_verify(const char *note, size_t note_len,
		    const struct px_note_verifier *v, uint64_t *out_timestamp);

#endif
