/* paxta — the checkpoint seal (cpseal.h): a deleted checkpoint is seen. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paxta/cpseal.h"

#define SEAL_CONTEXT     "paxta checkpoint seal v1\n"
#define SEAL_CONTEXT_LEN (sizeof(SEAL_CONTEXT) - 1)
#define SEAL_SIGNED      (8 + 8 + PX_HASH_LEN)

struct seal {
	uint64_t count;
	uint64_t size;
	struct px_hash chain;
	struct px_sig sig;
};

int
px_cpseal_link(struct px_hash *out, const struct px_hash *prev, uint64_t size,
	       const char *note, size_t len)
{
	uint8_t buf[1 + PX_HASH_LEN + 8 + PX_HASH_LEN];
	struct px_hash note_hash;
	int rc;

	if ((rc = px_sha256(&note_hash, note, len)) != PX_OK)
		return rc;
	buf[0] = 0x03; /* 0x00 leaves, 0x01 nodes, 0x02 the hash chain */
	memcpy(buf + 1, prev->b, PX_HASH_LEN);
	px_put_be64(buf + 1 + PX_HASH_LEN, size);
	memcpy(buf + 1 + PX_HASH_LEN + 8, note_hash.b, PX_HASH_LEN);
	return px_sha256(out, buf, sizeof(buf));
}

/* What the node key signs: the context string, then count ‖ size ‖ chain. */
static void
signed_bytes(uint8_t out[SEAL_CONTEXT_LEN + SEAL_SIGNED], const struct seal *s)
{
	memcpy(out, SEAL_CONTEXT, SEAL_CONTEXT_LEN);
	px_put_be64(out + SEAL_CONTEXT_LEN, s->count);
	px_put_be64(out + SEAL_CONTEXT_LEN + 8, s->size);
	memcpy(out + SEAL_CONTEXT_LEN + 16, s->chain.b, PX_HASH_LEN);
}

/* The chain over every stored checkpoint. */
struct walk {
	struct seal s;
	int rc;
};

static int
walk_note(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct walk *w = ctx;

	w->rc = px_cpseal_link(&w->s.chain, &w->s.chain, size, note, len);
	if (w->rc != PX_OK)
		return 1;
	w->s.count++;
	w->s.size = size;
	return 0;
}

static int
chain_all(struct seal *out, struct px_txn *t)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	rc = px_store_checkpoint_each(t, walk_note, &w);
	if (rc == 1)
		return w.rc;
	if (rc != PX_OK)
		return rc;
	*out = w.s;
	return PX_OK;
}

/* The stored seal: PX_ENOTFOUND when none, PX_EMALFORMED when the record
 * is not one. */
static int
read_seal(struct seal *out, struct px_txn *t)
{
	const uint8_t *v;
	size_t len;
	int rc = px_store_meta_get(t, PX_CPSEAL_META, &v, &len);

	if (rc != PX_OK)
		return rc;
	if (len != PX_CPSEAL_LEN)
		return PX_EMALFORMED;
	out->count = px_get_be64(v);
	out->size = px_get_be64(v + 8);
	memcpy(out->chain.b, v + 16, PX_HASH_LEN);
	memcpy(out->sig.b, v + 16 + PX_HASH_LEN, PX_SIG_LEN);
	return PX_OK;
}

int
px_cpseal_add(struct px_txn *t, uint64_t size, const char *note, size_t len,
	      const struct px_seckey *key)
{
	uint8_t msg[SEAL_CONTEXT_LEN + SEAL_SIGNED], rec[PX_CPSEAL_LEN];
	struct seal s;
	int rc;

	rc = read_seal(&s, t);
	if (rc == PX_OK && s.size < size) {
		rc = px_cpseal_link(&s.chain, &s.chain, size, note, len);
		s.count++;
		s.size = size;
	} else if (rc == PX_OK || rc == PX_ENOTFOUND || rc == PX_EMALFORMED) {
		/* no seal yet, or one that does not end below this
		 * checkpoint: seal what is stored (the new one included) */
		rc = chain_all(&s, t);
	}
	if (rc != PX_OK)
		return rc;
	signed_bytes(msg, &s);
	if ((rc = px_sign(&s.sig, key, msg, sizeof(msg))) != PX_OK)
		return rc;
	memcpy(rec, msg + SEAL_CONTEXT_LEN, SEAL_SIGNED);
	memcpy(rec + SEAL_SIGNED, s.sig.b, PX_SIG_LEN);
	return px_store_meta_put(t, PX_CPSEAL_META, rec, sizeof(rec));
}

__attribute__((format(printf, 3, 4))) static int
problem_at(char *problem, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (problem && cap) {
		va_start(ap, fmt);
		vsnprintf(problem, cap, fmt, ap);
		va_end(ap);
	}
	return PX_EVERIFY;
}

int
px_cpseal_check(struct px_txn *t, const struct px_pubkey *pub, char *problem,
		size_t cap)
{
	uint8_t msg[SEAL_CONTEXT_LEN + SEAL_SIGNED];
	struct seal stored, derived;
	int rc;

	if ((rc = chain_all(&derived, t)) != PX_OK)
		return rc;
	rc = read_seal(&stored, t);
	if (rc == PX_ENOTFOUND)
		return derived.count == 0
			       ? PX_OK
			       : problem_at(problem, cap,
					    "%" PRIu64 " checkpoints are "
					    "stored but none is sealed (the "
					    "seal was deleted)",
					    derived.count);
	if (rc == PX_EMALFORMED)
		return problem_at(problem, cap,
				  "the checkpoint seal is not one");
	if (rc != PX_OK)
		return rc;
	signed_bytes(msg, &stored);
	if (px_verify(pub, &stored.sig, msg, sizeof(msg)) != PX_OK)
		return problem_at(problem, cap,
				  "the checkpoint seal's signature does not "
				  "verify with the node's key");
	if (stored.count != derived.count)
		return problem_at(problem, cap,
				  "%" PRIu64 " checkpoints were sealed, up to "
				  "size %" PRIu64 ", but %" PRIu64
				  " are stored: one was %s",
				  stored.count, stored.size, derived.count,
				  derived.count < stored.count ? "deleted"
							       : "added");
	if (stored.size != derived.size ||
	    memcmp(stored.chain.b, derived.chain.b, PX_HASH_LEN) != 0)
		return problem_at(problem, cap,
				  "the stored checkpoints are not the sealed "
				  "ones (one was replaced or deleted and "
				  "another added)");
	return PX_OK;
}
