/*
 * paxta — hashes, keys and signatures.
 *
 * SHA-256 comes from OpenSSL EVP (it uses the CPU's SHA instructions);
 * Ed25519 from libsodium (strict about non-canonical and small-order
 * encodings, so every node accepts exactly the same signatures). Private keys
 * live on disk as PKCS#8 PEM files, mode 0600, readable by `openssl pkey`.
 *
 * All functions are thread-safe once px_crypto_init() has returned.
 */
#ifndef PAXTA_CRYPTO_H
#define PAXTA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/error.h"

#define PX_HASH_LEN   32
#define PX_PUBKEY_LEN 32
#define PX_SIG_LEN    64
#define PX_SEED_LEN   32

/* Distinct types for distinct bytes: a key can't be passed for a hash. */
struct px_hash {
	uint8_t b[PX_HASH_LEN];
};
struct px_pubkey {
	uint8_t b[PX_PUBKEY_LEN];
};
struct px_sig {
	uint8_t b[PX_SIG_LEN];
};
/* A secret key: the 32-byte seed and libsodium's 64-byte expanded form. */
struct px_seckey {
	uint8_t seed[PX_SEED_LEN];
	uint8_t sk[64];
	struct px_pubkey pub;
};

/* The DSSE payload type every paxta entry is signed under (DESIGN.md §3.2). */
#define PX_ENTRY_PAYLOAD_TYPE "application/vnd.paxta.entry+protobuf"

/* Initialise libsodium. Call once before anything else; PX_OK or PX_ECRYPTO. */
int px_crypto_init(void);

/* out = SHA-256(data). PX_OK or PX_ECRYPTO. */
int px_sha256(struct px_hash *out, const void *data, size_t len);

/* out = SHA-256(prefix ‖ a ‖ b), b may be NULL with blen 0. The three
 * domain-separated hashes of DESIGN.md §4 are built on it. */
int px_sha256_prefixed(struct px_hash *out, uint8_t prefix, const void *a,
		       size_t alen, const void *b, size_t blen);

/* RFC 9162 §2.1.1: out = SHA-256(0x00 ‖ leaf). */
int px_hash_leaf(struct px_hash *out, const void *leaf, size_t len);

/* RFC 9162 §2.1.1: out = SHA-256(0x01 ‖ left ‖ right). */
int px_hash_node(struct px_hash *out, const struct px_hash *left,
		 const struct px_hash *right);

/* DESIGN.md §4: out = SHA-256(0x02 ‖ prev ‖ leaf_hash). */
int px_hash_chain(struct px_hash *out, const struct px_hash *prev,
		  const struct px_hash *leaf_hash);

/*
 * The DSSE pre-authentication encoding
 * "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in ASCII
 * decimal. *out is malloc'd, freed by the caller with free().
 * PX_OK or PX_ENOMEM.
 */
int px_dsse_pae(uint8_t **out, size_t *out_len, const char *type,
		const uint8_t *body, size_t body_len);

/* A new random key. PX_OK or PX_ECRYPTO. */
int px_key_generate(struct px_seckey *out);

/* The key whose seed is seed (RFC 8032 §5.1.5). PX_OK or PX_ECRYPTO. */
int px_key_from_seed(struct px_seckey *out, const uint8_t seed[PX_SEED_LEN]);

/* Wipe a secret key with OPENSSL_cleanse. Accepts NULL. */
void px_key_wipe(struct px_seckey *key);

/*
 * Write key to path as a PKCS#8 PEM private key, created with mode 0600.
 * Refuses to overwrite: PX_EEXIST when path exists. PX_EIO, PX_ECRYPTO.
 */
int px_key_write_pem(const char *path, const struct px_seckey *key);

/*
 * Read an Ed25519 PKCS#8 PEM private key (as `openssl genpkey -algorithm
 * ed25519` writes it). PX_ENOTFOUND when path does not exist, PX_EMALFORMED
 * when it is not an Ed25519 private key, PX_EIO.
 */
int px_key_read_pem(struct px_seckey *out, const char *path);

/* Ed25519 signature over msg (the exact bytes). PX_OK or PX_ECRYPTO. */
int px_sign(struct px_sig *out, const struct px_seckey *key, const void *msg,
	    size_t len);

/* PX_OK when sig is pub's valid signature on msg, else PX_EVERIFY. */
int px_verify(const struct px_pubkey *pub, const struct px_sig *sig,
	      const void *msg, size_t len);

/* Sign / verify the DSSE PAE of (type, body): what every entry uses. */
int px_sign_dsse(struct px_sig *out, const struct px_seckey *key,
		 const char *type, const uint8_t *body, size_t len);
int px_verify_dsse(const struct px_pubkey *pub, const struct px_sig *sig,
		   const char *type, const uint8_t *body, size_t len);

/*
 * Standard base64 with padding, through OpenSSL's EVP encoder, no newlines.
 * px_base64_encode: *out is a malloc'd NUL-terminated string (free()).
 * px_base64_decode: decodes into out (capacity out_cap), *out_len set;
 * PX_EMALFORMED on bad input (bad characters, bad padding, whitespace),
 * PX_ETOOLARGE when it would not fit.
 */
int px_base64_encode(char **out, const uint8_t *data, size_t len);
int px_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len,
		     const char *text, size_t text_len);

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
void px_hex_encode(char *out, const uint8_t *data, size_t len);
/* Decode exactly len bytes from 2*len hex chars (either case); PX_EMALFORMED.
 */
int px_hex_decode(uint8_t *out, size_t len, const char *hex);

/*
 * 1 when b[0..len) is an Ed25519 public key that can stand for one signer:
 * 32 bytes, the canonical encoding (RFC 8032 §5.1.3) of a point on the
 * curve in its prime-order subgroup, not of small order (libsodium's
 * crypto_core_ed25519_is_valid_point). An all-zero or other small-order key
 * would verify signatures nobody made, or none at all. 0 otherwise.
 */
int px_pubkey_valid(const uint8_t *b, size_t len);

/* Public key to / from standard base64 (44 chars). PX_EMALFORMED. */
int px_pubkey_to_base64(char out[45], const struct px_pubkey *pub);
int px_pubkey_from_base64(struct px_pubkey *out, const char *text);

#endif
