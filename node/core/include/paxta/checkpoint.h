/*
 * paxta — checkpoints: C2SP tlog-checkpoint bodies signed as C2SP
 * signed-notes with the node's Ed25519 key (DESIGN.md §4).
 *
 * Body:   "<origin>\n<size>\n<base64 root>\n"   (no extension lines)
 * Note:   body "\n" then one line per signature:
 *         "\u2014 <key name> <base64(key id[4] ‖ signature[64])>\n"
 * Key id: the first 4 bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ pubkey).
 * Verifier key string: "<name>+<hex8 key id>+<base64(0x01 ‖ pubkey)>".
 *
 * The key name of a paxta node is its log's origin.
 */
#ifndef PAXTA_CHECKPOINT_H
#define PAXTA_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/error.h"

#include "paxta/crypto.h"

/* Caps checked before parsing. */
#define PX_NOTE_MAX      16384
#define PX_ORIGIN_MAX    255
#define PX_NOTE_MAX_SIGS 16

struct px_checkpoint {
	char origin[PX_ORIGIN_MAX + 1];
	uint64_t size;
	struct px_hash root;
};

/* A parsed verifier key. */
struct px_note_verifier {
	char name[PX_ORIGIN_MAX + 1];
	uint8_t key_id[4];
	struct px_pubkey pub;
};

/* Signed-note's algorithm byte of an Ed25519 note signature. */
#define PX_NOTE_ALG_ED25519 0x01

/* key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ pub)[0:4]. PX_OK or PX_ECRYPTO. */
int px_note_key_id(uint8_t out[4], const char *name,
		   const struct px_pubkey *pub);

/* "<name>+<hex8>+<base64(0x01 ‖ pub)>"; *out malloc'd (free()). */
int px_note_verifier_string(char **out, const char *name,
			    const struct px_pubkey *pub);

/* Parse a verifier key string. PX_EMALFORMED when it is not one for an
 * Ed25519 key (algorithm byte 0x01) or its key id does not match. */
int px_note_verifier_parse(struct px_note_verifier *out, const char *text);

/* 1 when name is a signed-note key name (non-empty, at most PX_ORIGIN_MAX
 * bytes of valid UTF-8, no space, no '+'), else 0. */
int px_note_name_valid(const char *name);

/*
 * The same three for the signature type whose algorithm byte is alg (C2SP
 * signed-note: the key id and the key string name it; cosignature/v1 keys
 * use 0x04, cosignature.h). The key name follows signed-note's rule:
 * non-empty, no space, no '+', valid UTF-8.
 */
int px_note_key_id_alg(uint8_t out[4], const char *name, uint8_t alg,
		       const struct px_pubkey *pub);
int px_note_verifier_string_alg(char **out, const char *name, uint8_t alg,
				const struct px_pubkey *pub);
int px_note_verifier_parse_alg(struct px_note_verifier *out, const char *text,
			       uint8_t alg);

/* The checkpoint body; *out malloc'd NUL-terminated (free()). PX_EINVAL for
 * an origin that is empty, too long or holds a newline. */
int px_checkpoint_body(char **out, const struct px_checkpoint *cp);

/* Sign cp as a note under the key name cp->origin; *out malloc'd. */
int px_checkpoint_sign(char **out, const struct px_checkpoint *cp,
		       const struct px_seckey *key);

/*
 * Parse and verify a signed note holding a checkpoint: the note must carry a
 * valid signature by verifier (other signatures, known or not, are
 * ignored), and its body must be a checkpoint with no extension lines.
 * PX_OK with *out filled; PX_ETOOLARGE over PX_NOTE_MAX; PX_EMALFORMED when
 * the text is not a note or not a checkpoint; PX_EVERIFY when no valid
 * signature by verifier is present.
 */
int px_checkpoint_open(struct px_checkpoint *out, const char *note,
		       size_t note_len,
		       const struct px_note_verifier *verifier);

#endif
