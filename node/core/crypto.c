/* paxta — hashes, keys and signatures (DESIGN.md §3.2, §4). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "paxta/crypto.h"
#include "paxta/error.h"

/*
 * PAE bytes of entries up to this size are built on the stack; larger ones
 * are malloc'd. Entries are small protobufs, so signing and verifying them
 * on the hot path allocates nothing here.
 */
#define PX_PAE_STACK 2048

/* "DSSEv1" SP len SP type SP len SP: the longest decimal size_t is 20. */
#define PX_PAE_DECIMAL_MAX 21

/*
 * EVP_EncodeBlock and EVP_DecodeBlock count in int: feed them pieces that
 * are whole groups (3 bytes in, 4 characters out) and stay under INT_MAX.
 */
#define PX_B64_CHUNK_BYTES (3u << 28)
#define PX_B64_CHUNK_CHARS (4u << 28)

/*
 * SHA-256 is fetched from the provider once (an implicit fetch on every
 * EVP_DigestInit_ex would look it up each time), and every thread keeps one
 * EVP_MD_CTX, freed by the key's destructor when the thread ends.
 */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;
static pthread_key_t sha256_ctx_key;

static void
sha256_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void
sha256_setup(void)
{
	if (pthread_key_create(&sha256_ctx_key, sha256_ctx_free) != 0)
		return;
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	if (!sha256_md) {
		ERR_clear_error();
		pthread_key_delete(sha256_ctx_key);
	}
}

/* This thread's digest context, made on first use; NULL on failure. */
static EVP_MD_CTX *
sha256_ctx(void)
{
	EVP_MD_CTX *ctx;

	if (pthread_once(&sha256_once, sha256_setup) != 0 || !sha256_md)
		return NULL;
	ctx = pthread_getspecific(sha256_ctx_key);
	if (ctx)
		return ctx;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return NULL;
	if (pthread_setspecific(sha256_ctx_key, ctx) != 0) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* out = SHA-256(prefix ‖ a ‖ b); prefix may be NULL, a and b empty. */
static int
sha256_parts(struct px_hash *out, const uint8_t *prefix, const void *a,
	     size_t alen, const void *b, size_t blen)
{
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	int rc = PX_ECRYPTO;

	ctx = sha256_ctx();
	if (!ctx)
		goto out;
	if (!EVP_DigestInit_ex2(ctx, sha256_md, NULL))
		goto out;
	if (prefix && !EVP_DigestUpdate(ctx, prefix, 1))
		goto out;
	if (alen > 0 && !EVP_DigestUpdate(ctx, a, alen))
		goto out;
	if (blen > 0 && !EVP_DigestUpdate(ctx, b, blen))
		goto out;
	if (!EVP_DigestFinal_ex(ctx, out->b, &n) || n != PX_HASH_LEN)
		goto out;
	rc = PX_OK;
out:
	if (rc != PX_OK)
		ERR_clear_error();
	return rc;
}

int
px_crypto_init(void)
{
	int rc = PX_OK;

	if (sodium_init() < 0 || !sha256_ctx()) {
		ERR_clear_error();
		rc = PX_ECRYPTO;
	}
	return rc;
}

int
px_sha256(struct px_hash *out, const void *data, size_t len)
{
	return sha256_parts(out, NULL, data, len, NULL, 0);
}

int
px_sha256_prefixed(struct px_hash *out, uint8_t prefix, const void *a,
		   size_t alen, const void *b, size_t blen)
{
	return sha256_parts(out, &prefix, a, alen, b, blen);
}

int
px_hash_leaf(struct px_hash *out, const void *leaf, size_t len)
{
	/* RFC 9162 §2.1.1 */
	return px_sha256_prefixed(out, 0x00, leaf, len, NULL, 0);
}

int
px_hash_node(struct px_hash *out, const struct px_hash *left,
	     const struct px_hash *right)
{
	/* RFC 9162 §2.1.1 */
	return px_sha256_prefixed(out, 0x01, left->b, PX_HASH_LEN, right->b,
				  PX_HASH_LEN);
}

int
px_hash_chain(struct px_hash *out, const struct px_hash *prev,
	      const struct px_hash *leaf_hash)
{
	/* DESIGN.md §4 */
	return px_sha256_prefixed(out, 0x02, prev->b, PX_HASH_LEN, leaf_hash->b,
				  PX_HASH_LEN);
}

/*
 * The two lengths of the PAE in decimal into tlen and blen, and the size of
 * "DSSEv1 <tlen> <type> <blen> <body>" into *out_len. PX_ENOMEM when it
 * would not fit a size_t: nothing that large could be allocated.
 */
static int
pae_size(size_t *out_len, char tlen[PX_PAE_DECIMAL_MAX],
	 char blen[PX_PAE_DECIMAL_MAX], size_t type_len, size_t body_len)
{
	size_t head;

	snprintf(tlen, PX_PAE_DECIMAL_MAX, "%zu", type_len);
	snprintf(blen, PX_PAE_DECIMAL_MAX, "%zu", body_len);
	head = strlen("DSSEv1 ") + strlen(tlen) + 1 + strlen(blen) + 2;
	if (type_len > SIZE_MAX - head || body_len > SIZE_MAX - head - type_len)
		return PX_ENOMEM;
	*out_len = head + type_len + body_len;
	return PX_OK;
}

/* Write the PAE into buf, which holds exactly the size pae_size gave. */
static void
pae_fill(uint8_t *buf, const char *tlen, const char *blen, const char *type,
	 size_t type_len, const uint8_t *body, size_t body_len)
{
	size_t n;
	uint8_t *p = buf;

	memcpy(p, "DSSEv1 ", 7);
	p += 7;
	n = strlen(tlen);
	memcpy(p, tlen, n);
	p += n;
	*p++ = ' ';
	memcpy(p, type, type_len);
	p += type_len;
	*p++ = ' ';
	n = strlen(blen);
	memcpy(p, blen, n);
	p += n;
	*p++ = ' ';
	if (body_len > 0)
		memcpy(p, body, body_len);
}

/*
 * The PAE of (type, body) in stack when it fits (stack may be NULL), else
 * malloc'd; *out points at whichever holds it and *heap at what the caller
 * must free (or NULL).
 */
static int
pae_build(uint8_t **out, uint8_t **heap, size_t *out_len,
	  uint8_t stack[PX_PAE_STACK], const char *type, const uint8_t *body,
	  size_t body_len)
{
	char tlen[PX_PAE_DECIMAL_MAX], blen[PX_PAE_DECIMAL_MAX];
	size_t type_len = strlen(type);
	size_t len;
	uint8_t *buf = stack;
	int rc;

	*heap = NULL;
	rc = pae_size(&len, tlen, blen, type_len, body_len);
	if (rc != PX_OK)
		goto out;
	if (!stack || len > PX_PAE_STACK) {
		buf = malloc(len ? len : 1);
		if (!buf) {
			rc = PX_ENOMEM;
			goto out;
		}
		*heap = buf;
	}
	pae_fill(buf, tlen, blen, type, type_len, body, body_len);
	*out = buf;
	*out_len = len;
out:
	return rc;
}

int
px_dsse_pae(uint8_t **out, size_t *out_len, const char *type,
	    const uint8_t *body, size_t body_len)
{
	uint8_t *heap;

	return pae_build(out, &heap, out_len, NULL, type, body, body_len);
}

int
px_key_generate(struct px_seckey *out)
{
	uint8_t seed[PX_SEED_LEN];
	int rc;

	randombytes_buf(seed, sizeof(seed));
	rc = px_key_from_seed(out, seed);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

int
px_key_from_seed(struct px_seckey *out, const uint8_t seed[PX_SEED_LEN])
{
	uint8_t copy[PX_SEED_LEN];
	int rc = PX_OK;

	/* seed may be out->seed itself */
	memcpy(copy, seed, sizeof(copy));
	if (crypto_sign_seed_keypair(out->pub.b, out->sk, copy) != 0) {
		OPENSSL_cleanse(out, sizeof(*out));
		rc = PX_ECRYPTO;
		goto out;
	}
	memcpy(out->seed, copy, sizeof(copy));
out:
	OPENSSL_cleanse(copy, sizeof(copy));
	return rc;
}

void
px_key_wipe(struct px_seckey *key)
{
	if (key)
		OPENSSL_cleanse(key, sizeof(*key));
}

int
px_key_write_pem(const char *path, const struct px_seckey *key)
{
	EVP_PKEY *pkey = NULL;
	FILE *f = NULL;
	int fd = -1;
	int created = 0;
	int rc;

	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key->seed,
					    PX_SEED_LEN);
	if (!pkey) {
		rc = PX_ECRYPTO;
		goto out;
	}
	/* O_EXCL: never replace a key someone already holds */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? PX_EEXIST : PX_EIO;
		goto out;
	}
	created = 1;
	f = fdopen(fd, "w");
	if (!f) {
		rc = PX_EIO;
		goto out;
	}
	fd = -1;
	/* No cipher: PKCS#8 PrivateKeyInfo, as `openssl genpkey` writes it. */
	if (!PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL)) {
		rc = ferror(f) ? PX_EIO : PX_ECRYPTO;
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = PX_EIO;
		goto out;
	}
	rc = PX_OK;
out:
	if (f && fclose(f) != 0 && rc == PX_OK)
		rc = PX_EIO;
	if (fd >= 0)
		close(fd);
	/* a half-written key file is worse than none */
	if (rc != PX_OK && created)
		unlink(path);
	EVP_PKEY_free(pkey);
	if (rc != PX_OK)
		ERR_clear_error();
	return rc;
}

/* Refuse encrypted PEM files instead of prompting on the terminal. */
static int
pem_no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int
px_key_read_pem(struct px_seckey *out, const char *path)
{
	EVP_PKEY *pkey = NULL;
	FILE *f = NULL;
	uint8_t seed[PX_SEED_LEN];
	size_t seed_len = sizeof(seed);
	int rc;

	f = fopen(path, "re");
	if (!f) {
		rc = (errno == ENOENT || errno == ENOTDIR) ? PX_ENOTFOUND
							   : PX_EIO;
		goto out;
	}
	pkey = PEM_read_PrivateKey(f, NULL, pem_no_password, NULL);
	if (!pkey) {
		rc = ferror(f) ? PX_EIO : PX_EMALFORMED;
		goto out;
	}
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		rc = PX_EMALFORMED;
		goto out;
	}
	if (!EVP_PKEY_get_raw_private_key(pkey, seed, &seed_len) ||
	    seed_len != PX_SEED_LEN) {
		rc = PX_EMALFORMED;
		goto out;
	}
	rc = px_key_from_seed(out, seed);
out:
	OPENSSL_cleanse(seed, sizeof(seed));
	EVP_PKEY_free(pkey);
	if (f)
		fclose(f);
	if (rc != PX_OK)
		ERR_clear_error();
	return rc;
}

int
px_sign(struct px_sig *out, const struct px_seckey *key, const void *msg,
	size_t len)
{
	static const uint8_t empty[1];
	int rc = PX_OK;

	/* libsodium wants a pointer even for no bytes */
	if (len == 0)
		msg = empty;
	if (crypto_sign_detached(out->b, NULL, msg, len, key->sk) != 0)
		rc = PX_ECRYPTO;
	return rc;
}

int
px_verify(const struct px_pubkey *pub, const struct px_sig *sig,
	  const void *msg, size_t len)
{
	static const uint8_t empty[1];
	int rc = PX_OK;

	if (len == 0)
		msg = empty;
	/* strict: rejects non-canonical S and R, small-order keys */
	if (crypto_sign_verify_detached(sig->b, msg, len, pub->b) != 0)
		rc = PX_EVERIFY;
	return rc;
}

int
px_sign_dsse(struct px_sig *out, const struct px_seckey *key, const char *type,
	     const uint8_t *body, size_t len)
{
	uint8_t stack[PX_PAE_STACK];
	uint8_t *pae = NULL, *heap = NULL;
	size_t pae_len = 0;
	int rc;

	rc = pae_build(&pae, &heap, &pae_len, stack, type, body, len);
	if (rc != PX_OK)
		goto out;
	rc = px_sign(out, key, pae, pae_len);
out:
	free(heap);
	return rc;
}

int
px_verify_dsse(const struct px_pubkey *pub, const struct px_sig *sig,
	       const char *type, const uint8_t *body, size_t len)
{
	uint8_t stack[PX_PAE_STACK];
	uint8_t *pae = NULL, *heap = NULL;
	size_t pae_len = 0;
	int rc;

	rc = pae_build(&pae, &heap, &pae_len, stack, type, body, len);
	if (rc != PX_OK)
		goto out;
	rc = px_verify(pub, sig, pae, pae_len);
out:
	free(heap);
	return rc;
}

int
px_base64_encode(char **out, const uint8_t *data, size_t len)
{
	char *text = NULL;
	size_t groups = len / 3 + (len % 3 != 0);
	size_t done = 0, pos = 0;
	int rc = PX_OK;

	if (groups > (SIZE_MAX - 1) / 4) {
		rc = PX_ETOOLARGE;
		goto out;
	}
	text = malloc(groups * 4 + 1);
	if (!text) {
		rc = PX_ENOMEM;
		goto out;
	}
	text[0] = '\0';
	while (done < len) {
		size_t n = len - done;

		if (n > PX_B64_CHUNK_BYTES)
			n = PX_B64_CHUNK_BYTES;
		/* RFC 4648 §4, no line breaks; NUL-terminates */
		pos += (size_t)EVP_EncodeBlock((unsigned char *)text + pos,
					       data + done, (int)n);
		done += n;
	}
	*out = text;
out:
	return rc;
}

/* The 6-bit value of a character of the RFC 4648 §4 alphabet, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Check text is canonical base64: whole groups of 4, alphabet only, at most
 * two '=' and only at the end, and zero bits under the padding (RFC 4648
 * §3.5), so every byte string has exactly one accepted encoding.
 */
static int
b64_check(size_t *out_pad, const char *text, size_t text_len)
{
	size_t pad = 0, i;

	if (text_len % 4 != 0)
		return PX_EMALFORMED;
	if (text_len > 0 && text[text_len - 1] == '=')
		pad++;
	if (text_len > 1 && text[text_len - 2] == '=')
		pad++;
	if (pad == 1 && text[text_len - 1] != '=')
		return PX_EMALFORMED;
	for (i = 0; i < text_len - pad; i++)
		if (b64_value((unsigned char)text[i]) < 0)
			return PX_EMALFORMED;
	if (pad == 1 && (b64_value((unsigned char)text[text_len - 2]) & 0x03))
		return PX_EMALFORMED;
	if (pad == 2 && (b64_value((unsigned char)text[text_len - 3]) & 0x0f))
		return PX_EMALFORMED;
	*out_pad = pad;
	return PX_OK;
}

/* Decode n characters (whole groups, no padding) into 3/4 n bytes. */
static int
b64_decode_groups(uint8_t *out, const char *text, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t chunk = n - done;
		int got;

		if (chunk > PX_B64_CHUNK_CHARS)
			chunk = PX_B64_CHUNK_CHARS;
		got = EVP_DecodeBlock(out + done / 4 * 3,
				      (const unsigned char *)text + done,
				      (int)chunk);
		if (got < 0 || (size_t)got != chunk / 4 * 3)
			return PX_EMALFORMED;
		done += chunk;
	}
	return PX_OK;
}

int
px_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len,
		 const char *text, size_t text_len)
{
	uint8_t last[3];
	size_t pad = 0, len, whole;
	int rc;

	rc = b64_check(&pad, text, text_len);
	if (rc != PX_OK)
		goto out;
	len = text_len / 4 * 3 - pad;
	if (len > out_cap) {
		rc = PX_ETOOLARGE;
		goto out;
	}
	/*
	 * EVP_DecodeBlock writes 3 bytes for every group, padding included:
	 * decode the padded last group aside so out never sees more than len.
	 */
	whole = pad ? text_len - 4 : text_len;
	rc = b64_decode_groups(out, text, whole);
	if (rc != PX_OK)
		goto out;
	if (pad) {
		rc = b64_decode_groups(last, text + whole, 4);
		if (rc != PX_OK)
			goto out;
		memcpy(out + whole / 4 * 3, last, 3 - pad);
	}
	*out_len = len;
out:
	OPENSSL_cleanse(last, sizeof(last));
	if (rc != PX_OK)
		ERR_clear_error();
	return rc;
}

void
px_hex_encode(char *out, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
px_hex_decode(uint8_t *out, size_t len, const char *hex)
{
	size_t i;

	/* stops at the first non-hex character, so never reads past a NUL */
	for (i = 0; i < len; i++) {
		int hi = hex_value(hex[2 * i]);
		int lo = hi < 0 ? -1 : hex_value(hex[2 * i + 1]);

		if (lo < 0)
			return PX_EMALFORMED;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return PX_OK;
}

int
px_pubkey_to_base64(char out[45], const struct px_pubkey *pub)
{
	/* 32 bytes are 44 characters with one '=' and the NUL */
	EVP_EncodeBlock((unsigned char *)out, pub->b, PX_PUBKEY_LEN);
	return PX_OK;
}

int
px_pubkey_valid(const uint8_t *b, size_t len)
{
	if (!b || len != PX_PUBKEY_LEN)
		return 0;
	return crypto_core_ed25519_is_valid_point(b) == 1;
}

int
px_pubkey_from_base64(struct px_pubkey *out, const char *text)
{
	uint8_t b[PX_PUBKEY_LEN];
	size_t n = 0;
	int rc = PX_EMALFORMED;

	if (strnlen(text, 45) != 44)
		goto out;
	if (px_base64_decode(b, sizeof(b), &n, text, 44) != PX_OK ||
	    n != PX_PUBKEY_LEN)
		goto out;
	memcpy(out->b, b, sizeof(b));
	rc = PX_OK;
out:
	return rc;
}
