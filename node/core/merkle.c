/*
 * paxta — the Merkle tree of RFC 9162 §2.1, as pure functions.
 *
 * Every hash comes from the caller's source, which answers for one perfect
 * subtree at a time. The proofs are built top-down, iteratively: one
 * sibling per level, and of all those siblings only the one hanging off the
 * right edge of the tree can be incomplete. So a root or a proof costs
 * O(log n) source calls, never a pass over the leaves.
 */
#include <assert.h>
#include <string.h>

#include "paxta/error.h"
#include "paxta/merkle.h"

/* floor(log2(x)) for x > 0. */
static unsigned
floor_log2(uint64_t x)
{
	unsigned r = 0;

	while (x >>= 1)
		r++;
	return r;
}

/* RFC 9162 §2.1.1: k, the largest power of two smaller than n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	return (uint64_t)1 << floor_log2(n - 1);
}

int
px_merkle_subtree(struct px_hash *out, uint64_t start, uint64_t end,
		  px_merkle_source src, void *ctx)
{
	struct px_hash acc, piece, parent;
	uint64_t len, pos;
	unsigned level;
	int have = 0;
	int rc;

	if (!out || !src || start >= end)
		return PX_EINVAL;
	len = end - start;
	if (start & (((uint64_t)1 << floor_log2(len)) - 1))
		return PX_EINVAL;

	/*
	 * RFC 9162 §2.1.1 splits D[a:b] at the largest power of two k < b - a:
	 * the left part is perfect, the right part splits the same way. So
	 * MTH(D[a:b]) = node(P0, node(P1, ... node(Pj-1, Pj))), where P0..Pj
	 * are the perfect subtrees given by the set bits of b - a, largest
	 * first. Fold it from the right end: one source call per set bit,
	 * at most 64. Each piece starts on a multiple of its own size because
	 * start is a multiple of the largest one.
	 */
	pos = end;
	for (level = 0; level < 64; level++) {
		uint64_t size = (uint64_t)1 << level;

		if (!(len & size))
			continue;
		pos -= size;
		if (!have) {
			rc = src(ctx, pos, level, &acc);
			if (rc != PX_OK)
				return rc;
			have = 1;
			continue;
		}
		rc = src(ctx, pos, level, &piece);
		if (rc == PX_OK)
			rc = px_hash_node(&parent, &piece, &acc);
		if (rc != PX_OK)
			return rc;
		acc = parent;
	}
	assert(have && pos == start);
	*out = acc;
	return PX_OK;
}

int
px_merkle_root(struct px_hash *out, uint64_t size, px_merkle_source src,
	       void *ctx)
{
	if (!out)
		return PX_EINVAL;
	/* RFC 9162 §2.1.1: MTH({}) = HASH(). */
	if (size == 0)
		return px_sha256(out, "", 0);
	return px_merkle_subtree(out, 0, size, src, ctx);
}

int
px_merkle_inclusion_proof(struct px_hash *out, size_t *out_len, uint64_t index,
			  uint64_t size, px_merkle_source src, void *ctx)
{
	struct px_hash path[PX_MERKLE_MAX_PROOF];
	uint64_t lo = 0, hi = size, k;
	size_t n = 0, i;
	int rc;

	if (!out || !out_len || !src)
		return PX_EINVAL;
	*out_len = 0;
	if (index >= size)
		return PX_EINVAL;

	/*
	 * RFC 9162 §2.1.3.1, PATH(m, D[n]) unrolled top-down over the range
	 * [lo, hi) that holds the leaf: each level contributes the hash of
	 * the other half. ceil(log2(hi - lo)) drops by at least one per level,
	 * so there are at most 64 of them.
	 *
	 * Source calls: a left sibling is always perfect (one call). A right
	 * sibling D[lo+k:hi] is incomplete only while hi == size, and taking
	 * it sets hi = lo + k, below which every range is perfect. So at most
	 * one sibling is incomplete, costing at most one call per set bit of
	 * its length: at most 2 * ceil(log2(size)) calls in all.
	 */
	while (hi - lo > 1) {
		assert(n < PX_MERKLE_MAX_PROOF);
		k = split_point(hi - lo);
		if (index - lo < k) {
			rc = px_merkle_subtree(&path[n], lo + k, hi, src, ctx);
			hi = lo + k;
		} else {
			rc = src(ctx, lo, floor_log2(k), &path[n]);
			lo += k;
		}
		if (rc != PX_OK)
			return rc;
		n++;
	}

	/* Collected root first; the proof lists them leaf first. */
	for (i = 0; i < n; i++)
		out[i] = path[n - 1 - i];
	*out_len = n;
	return PX_OK;
}

int
px_merkle_consistency_proof(struct px_hash *out, size_t *out_len,
			    uint64_t old_size, uint64_t new_size,
			    px_merkle_source src, void *ctx)
{
	struct px_hash path[PX_MERKLE_MAX_PROOF];
	uint64_t lo = 0, hi = new_size, m = old_size, k;
	size_t n = 0, i;
	int known = 1; /* SUBPROOF's b: the old root is the one asked about */
	int rc;

	if (!out || !out_len || !src)
		return PX_EINVAL;
	*out_len = 0;
	if (old_size == 0 || old_size > new_size)
		return PX_EINVAL;
	/* RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) = {}. */
	if (old_size == new_size)
		return PX_OK;

	/*
	 * RFC 9162 §2.1.4.1, SUBPROOF(m, D[n], b) unrolled top-down: [lo, hi)
	 * is the current subtree and m the number of its leaves in the old
	 * tree. Each level adds one hash, plus one at the end when the old
	 * tree's last subtree is not its root (b false).
	 *
	 * Source calls: as for inclusion, a left sibling D[lo:lo+k] is always
	 * perfect and the only incomplete one is the first right sibling
	 * D[lo+k:hi] taken while hi == new_size. The closing MTH(D[lo:hi])
	 * is perfect too: there hi = lo + m = old_size < new_size, so the
	 * range is off the right edge. At most 2 * ceil(log2(new_size)) + 1
	 * calls in all.
	 *
	 * The proof has at most ceil(log2(new_size)) + 1 hashes. That is 65,
	 * one more than out has room for, only when new_size > 2^63 (e.g.
	 * from 3 to 2^64 - 1): such a proof is refused with PX_ETOOLARGE.
	 */
	for (;;) {
		if (hi - lo == m) {
			if (known)
				break;
			if (n == PX_MERKLE_MAX_PROOF)
				return PX_ETOOLARGE;
			rc = px_merkle_subtree(&path[n], lo, hi, src, ctx);
			if (rc != PX_OK)
				return rc;
			n++;
			break;
		}
		if (n == PX_MERKLE_MAX_PROOF)
			return PX_ETOOLARGE;
		k = split_point(hi - lo);
		if (m <= k) {
			/* The right half exists only in the new tree. */
			rc = px_merkle_subtree(&path[n], lo + k, hi, src, ctx);
			hi = lo + k;
		} else {
			/* The left half is the same in both trees. */
			rc = src(ctx, lo, floor_log2(k), &path[n]);
			lo += k;
			m -= k;
			known = 0;
		}
		if (rc != PX_OK)
			return rc;
		n++;
	}

	for (i = 0; i < n; i++)
		out[i] = path[n - 1 - i];
	*out_len = n;
	return PX_OK;
}

static int
hash_equal(const struct px_hash *a, const struct px_hash *b)
{
	return memcmp(a->b, b->b, PX_HASH_LEN) == 0;
}

int
px_merkle_verify_inclusion(const struct px_hash *leaf_hash, uint64_t index,
			   uint64_t size, const struct px_hash *proof,
			   size_t proof_len, const struct px_hash *root)
{
	struct px_hash r, next;
	uint64_t fn, sn;
	size_t i;
	int rc;

	if (!leaf_hash || !root || (proof_len > 0 && !proof))
		return PX_EINVAL;
	if (proof_len > PX_MERKLE_MAX_PROOF)
		return PX_EVERIFY;

	/* RFC 9162 §2.1.3.2, steps 1-3. */
	if (index >= size)
		return PX_EVERIFY;
	fn = index;
	sn = size - 1;
	r = *leaf_hash;

	/* Step 4. */
	for (i = 0; i < proof_len; i++) {
		if (sn == 0)
			return PX_EVERIFY;
		if ((fn & 1) || fn == sn) {
			rc = px_hash_node(&next, &proof[i], &r);
			if (!(fn & 1)) {
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			rc = px_hash_node(&next, &r, &proof[i]);
		}
		if (rc != PX_OK)
			return rc;
		r = next;
		fn >>= 1;
		sn >>= 1;
	}

	/* Step 5. */
	if (sn != 0 || !hash_equal(&r, root))
		return PX_EVERIFY;
	return PX_OK;
}

/*
 * RFC 9162 §2.1.4.2 steps 1-6 for 0 < old_size < new_size: the roots fr and
 * sr the proof leads to. When old_size is a power of two the path starts
 * from the old root itself, old_root (which fr then equals).
 */
static int
consistency_walk(uint64_t old_size, uint64_t new_size,
		 const struct px_hash *old_root, const struct px_hash *proof,
		 size_t proof_len, struct px_hash *fr, struct px_hash *sr)
{
	struct px_hash next;
	const struct px_hash *c;
	uint64_t fn, sn;
	size_t i;
	int first, rc;

	/* Step 1. */
	if (proof_len == 0)
		return PX_EVERIFY;

	/*
	 * Step 2: when first is a power of two, consistency_path is
	 * first_hash followed by the proof. Rather than copy it, start from
	 * old_root and walk the whole proof; otherwise start from proof[0]
	 * and walk the rest.
	 */
	first = (old_size & (old_size - 1)) == 0;

	/* Steps 3-4. */
	fn = old_size - 1;
	sn = new_size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}

	/* Step 5. */
	c = first ? old_root : &proof[0];
	*fr = *c;
	*sr = *c;

	/* Step 6, over the rest of consistency_path. */
	for (i = first ? 0 : 1; i < proof_len; i++) {
		c = &proof[i];
		if (sn == 0)
			return PX_EVERIFY;
		if ((fn & 1) || fn == sn) {
			rc = px_hash_node(&next, c, fr);
			if (rc != PX_OK)
				return rc;
			*fr = next;
			rc = px_hash_node(&next, c, sr);
			if (rc != PX_OK)
				return rc;
			*sr = next;
			if (!(fn & 1)) {
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			rc = px_hash_node(&next, sr, c);
			if (rc != PX_OK)
				return rc;
			*sr = next;
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 7, its size half. */
	return sn == 0 ? PX_OK : PX_EVERIFY;
}

int
px_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
			     const struct px_hash *old_root,
			     const struct px_hash *new_root,
			     const struct px_hash *proof, size_t proof_len)
{
	struct px_hash fr, sr;
	int rc;

	if (!old_root || !new_root || (proof_len > 0 && !proof))
		return PX_EINVAL;
	if (proof_len > PX_MERKLE_MAX_PROOF)
		return PX_EVERIFY;
	if (old_size == 0 || old_size > new_size)
		return PX_EVERIFY;
	/* Equal sizes: nothing to prove, the roots must simply agree. */
	if (old_size == new_size) {
		if (proof_len != 0 || !hash_equal(old_root, new_root))
			return PX_EVERIFY;
		return PX_OK;
	}
	rc = consistency_walk(old_size, new_size, old_root, proof, proof_len,
			      &fr, &sr);
	if (rc != PX_OK)
		return rc;
	/* Step 7. */
	if (!hash_equal(&fr, old_root) || !hash_equal(&sr, new_root))
		return PX_EVERIFY;
	return PX_OK;
}

int
px_merkle_consistency_old_root(struct px_hash *out, uint64_t old_size,
			       uint64_t new_size,
			       const struct px_hash *new_root,
			       const struct px_hash *proof, size_t proof_len)
{
	struct px_hash fr, sr;
	int rc;

	if (!out || !new_root || (proof_len > 0 && !proof))
		return PX_EINVAL;
	/* A power of two's own root is not in its proof: nothing to say. */
	if (old_size == 0 || old_size >= new_size ||
	    (old_size & (old_size - 1)) == 0)
		return PX_EINVAL;
	if (proof_len > PX_MERKLE_MAX_PROOF)
		return PX_EVERIFY;
	rc = consistency_walk(old_size, new_size, NULL, proof, proof_len, &fr,
			      &sr);
	if (rc != PX_OK)
		return rc;
	if (!hash_equal(&sr, new_root))
		return PX_EVERIFY;
	*out = fr;
	return PX_OK;
}
