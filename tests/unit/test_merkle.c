/*
 * Unit tests for merkle.c: RFC 9162 §2.1 roots, proofs and verifiers.
 *
 * Against a deliberately naive reference (RFC 9162's recursive MTH, PATH
 * and SUBPROOF over an array of leaf hashes), for every tree size up to
 * SMALL_N, every index and every old size; against known answers from
 * outside (tests/vectors/rfc6962-roots.txt); and with sources that count
 * their calls, up to trees of 2^64 - 1 leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/merkle.h"
#include "support.h"

/* Every size 1..SMALL_N, every index, every old size. */
#define SMALL_N 300
/* Sizes whose every proof is also tampered with, and claimed wrongly. */
#define TAMPER_N 128
#define CLAIM_N  64
/* Sizes whose every proof has every bit of every hash flipped. */
#define EVERY_BIT_N 12
/* Leaves of the larger tree of real hashes. */
#define BIG_N ((1u << 16) + 4321)

/* Proof buffers: one more than the library's cap, for refusal tests. */
#define PROOF_CAP (PX_MERKLE_MAX_PROOF + 2)

typedef unsigned long long ull;

/* ---- Trees the sources answer from ---- */

enum tree_kind {
	TREE_ARRAY,   /* real leaves; perfect subtree hashes tabulated */
	TREE_FAKE,    /* subtree hashes fabricated from (start, level) */
	TREE_UNIFORM, /* every leaf the same: consistent at any size */
};

struct memo {
	struct px_hash h;
	int set;
};

struct tree {
	enum tree_kind kind;
	uint64_t size;    /* the tree the source is being asked about */
	uint64_t calls;   /* source calls so far */
	uint64_t fail_at; /* when nonzero, that call returns PX_ESTORE */
	/* TREE_ARRAY: perfect[l][j] is MTH of leaves [j*2^l, (j+1)*2^l). */
	struct px_hash *perfect[64];
	unsigned levels;
	uint64_t leaves;
	struct memo *memo; /* reference MTH(D[a:b]) cache, or NULL */
	/* TREE_UNIFORM: the perfect subtree hash at each level. */
	struct px_hash uniform[64];
};

static struct tree small; /* SMALL_N leaves, built once */

static void
fake_hash(struct px_hash *out, uint64_t start, unsigned level)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < 8; i++)
		out->b[i] = (uint8_t)(start >> (8 * i));
	out->b[8] = (uint8_t)level;
	out->b[31] = 0xfa;
}

/* The source under test: one perfect subtree of the tree of t->size. */
static int
tree_source(void *ctx, uint64_t start, unsigned level, struct px_hash *out)
{
	struct tree *t = ctx;
	uint64_t width;

	if (level >= 64)
		fail_msg("source asked for level %u", level);
	width = (uint64_t)1 << level;
	if (start % width != 0 || width > t->size || start > t->size - width)
		fail_msg("source asked for [%llu, %llu + 2^%u) in a tree of "
			 "%llu",
			 (ull)start, (ull)start, level, (ull)t->size);
	t->calls++;
	if (t->fail_at && t->calls == t->fail_at)
		return PX_ESTORE;
	switch (t->kind) {
	case TREE_ARRAY:
		assert_true(level < t->levels);
		assert_true(start + width <= t->leaves);
		*out = t->perfect[level][start >> level];
		break;
	case TREE_FAKE:
		fake_hash(out, start, level);
		break;
	case TREE_UNIFORM:
		*out = t->uniform[level];
		break;
	}
	return PX_OK;
}

static void
node(struct px_hash *out, const struct px_hash *l, const struct px_hash *r)
{
	assert_int_equal(px_hash_node(out, l, r), PX_OK);
}

static int
hash_eq(const struct px_hash *a, const struct px_hash *b)
{
	return memcmp(a->b, b->b, PX_HASH_LEN) == 0;
}

/* A tree of n real leaves, "bale 0", "bale 1", ... */
static void
tree_build(struct tree *t, uint64_t n, int memoize)
{
	uint64_t i, count;
	unsigned l;

	memset(t, 0, sizeof(*t));
	t->kind = TREE_ARRAY;
	t->leaves = n;
	t->perfect[0] = calloc(n, sizeof(struct px_hash));
	assert_non_null(t->perfect[0]);
	for (i = 0; i < n; i++) {
		char data[32];
		int len = snprintf(data, sizeof(data), "bale %llu", (ull)i);

		assert_int_equal(
			px_hash_leaf(&t->perfect[0][i], data, (size_t)len),
			PX_OK);
	}
	/* perfect(start, l) = node(perfect(start, l-1),
	 *                          perfect(start + 2^(l-1), l-1)), tabulated */
	for (l = 1; (n >> l) > 0; l++) {
		count = n >> l;
		t->perfect[l] = calloc(count, sizeof(struct px_hash));
		assert_non_null(t->perfect[l]);
		for (i = 0; i < count; i++)
			node(&t->perfect[l][i], &t->perfect[l - 1][2 * i],
			     &t->perfect[l - 1][2 * i + 1]);
	}
	t->levels = l;
	if (memoize) {
		t->memo = calloc((n + 1) * (n + 1), sizeof(struct memo));
		assert_non_null(t->memo);
	}
}

static void
tree_release(struct tree *t)
{
	unsigned l;

	for (l = 0; l < 64; l++)
		free(t->perfect[l]);
	free(t->memo);
	memset(t, 0, sizeof(*t));
}

static void
tree_uniform(struct tree *t)
{
	unsigned l;

	memset(t, 0, sizeof(*t));
	t->kind = TREE_UNIFORM;
	assert_int_equal(px_hash_leaf(&t->uniform[0], "cotton", 6), PX_OK);
	for (l = 1; l < 64; l++)
		node(&t->uniform[l], &t->uniform[l - 1], &t->uniform[l - 1]);
}

/* ---- The reference: RFC 9162 §2.1's recursive definitions ---- */

/* k, the largest power of two smaller than n (n > 1), the slow way. */
static uint64_t
ref_split(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k *= 2;
	return k;
}

/* ceil(log2(n)), the slow way; 0 for n <= 1. */
static unsigned
ref_ceil_log2(uint64_t n)
{
	unsigned l = 0;

	while (l < 64 && ((uint64_t)1 << l) < n)
		l++;
	return l;
}

static int
is_pow2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* RFC 9162 §2.1.1: MTH(D[a:b]). */
static void
ref_mth(struct px_hash *out, struct tree *t, uint64_t a, uint64_t b)
{
	struct px_hash left, right;
	struct memo *m = NULL;
	uint64_t k;

	if (a == b) {
		assert_int_equal(px_sha256(out, "", 0), PX_OK);
		return;
	}
	if (t->kind != TREE_ARRAY && is_pow2(b - a)) {
		/* Fabricated trees: perfect subtrees are opaque values. */
		unsigned level = ref_ceil_log2(b - a);

		if (t->kind == TREE_FAKE)
			fake_hash(out, a, level);
		else
			*out = t->uniform[level];
		return;
	}
	if (t->kind == TREE_ARRAY && b - a == 1) {
		*out = t->perfect[0][a];
		return;
	}
	if (t->memo) {
		m = &t->memo[a * (t->leaves + 1) + b];
		if (m->set) {
			*out = m->h;
			return;
		}
	}
	k = ref_split(b - a);
	ref_mth(&left, t, a, a + k);
	ref_mth(&right, t, a + k, b);
	node(out, &left, &right);
	if (m) {
		m->h = *out;
		m->set = 1;
	}
}

struct hlist {
	struct px_hash h[PROOF_CAP];
	size_t n;
};

static void
push(struct hlist *l, const struct px_hash *h)
{
	assert_true(l->n < PROOF_CAP);
	l->h[l->n++] = *h;
}

/* RFC 9162 §2.1.3.1: PATH(m, D[a:b]), m counted from a. */
static void
ref_path(struct hlist *out, struct tree *t, uint64_t m, uint64_t a, uint64_t b)
{
	struct px_hash h;
	uint64_t k;

	if (b - a == 1)
		return;
	k = ref_split(b - a);
	if (m < k) {
		ref_path(out, t, m, a, a + k);
		ref_mth(&h, t, a + k, b);
	} else {
		ref_path(out, t, m - k, a + k, b);
		ref_mth(&h, t, a, a + k);
	}
	push(out, &h);
}

/* RFC 9162 §2.1.4.1: SUBPROOF(m, D[a:b], known). */
static void
ref_subproof(struct hlist *out, struct tree *t, uint64_t m, uint64_t a,
	     uint64_t b, int known)
{
	struct px_hash h;
	uint64_t k;

	if (m == b - a) {
		if (!known) {
			ref_mth(&h, t, a, b);
			push(out, &h);
		}
		return;
	}
	k = ref_split(b - a);
	if (m <= k) {
		ref_subproof(out, t, m, a, a + k, known);
		ref_mth(&h, t, a + k, b);
	} else {
		ref_subproof(out, t, m - k, a + k, b, 0);
		ref_mth(&h, t, a, a + k);
	}
	push(out, &h);
}

/* RFC 9162 §2.1.4.1: PROOF(m, D[n]); empty when m == n. */
static void
ref_proof(struct hlist *out, struct tree *t, uint64_t m, uint64_t n)
{
	out->n = 0;
	if (m < n)
		ref_subproof(out, t, m, 0, n, 1);
}

/* The length PATH(m, D[n]) and PROOF(m, D[n]) have, without hashing. */
static size_t
ref_path_len(uint64_t m, uint64_t n)
{
	uint64_t k;

	if (n == 1)
		return 0;
	k = ref_split(n);
	return 1 + (m < k ? ref_path_len(m, k) : ref_path_len(m - k, n - k));
}

static size_t
ref_subproof_len(uint64_t m, uint64_t n, int known)
{
	uint64_t k;

	if (m == n)
		return known ? 0 : 1;
	k = ref_split(n);
	if (m <= k)
		return 1 + ref_subproof_len(m, k, known);
	return 1 + ref_subproof_len(m - k, n - k, 0);
}

/*
 * The reference verifiers: run PATH's and SUBPROOF's recursion backwards,
 * consuming the proof from its end. They accept exactly the proofs the
 * recursive definitions could have produced for (m, n) under the roots.
 */
static int
ref_inclusion_root(struct px_hash *out, const struct px_hash *leaf, uint64_t m,
		   uint64_t n, const struct px_hash *p, size_t len)
{
	struct px_hash sub;
	uint64_t k;

	if (n == 1) {
		if (len != 0)
			return 0;
		*out = *leaf;
		return 1;
	}
	if (len == 0)
		return 0;
	k = ref_split(n);
	if (m < k) {
		if (!ref_inclusion_root(&sub, leaf, m, k, p, len - 1))
			return 0;
		node(out, &sub, &p[len - 1]);
	} else {
		if (!ref_inclusion_root(&sub, leaf, m - k, n - k, p, len - 1))
			return 0;
		node(out, &p[len - 1], &sub);
	}
	return 1;
}

static int
ref_verify_inclusion(const struct px_hash *leaf, uint64_t m, uint64_t n,
		     const struct px_hash *p, size_t len,
		     const struct px_hash *root)
{
	struct px_hash r;

	return m < n && ref_inclusion_root(&r, leaf, m, n, p, len) &&
	       hash_eq(&r, root);
}

static int
ref_consistency_roots(struct px_hash *old_out, struct px_hash *new_out,
		      uint64_t m, uint64_t n, int known,
		      const struct px_hash *old_root, const struct px_hash *p,
		      size_t len)
{
	struct px_hash o, w;
	uint64_t k;

	if (m == n) {
		if (known) {
			if (len != 0)
				return 0;
			*old_out = *new_out = *old_root;
		} else {
			if (len != 1)
				return 0;
			*old_out = *new_out = p[0];
		}
		return 1;
	}
	if (len == 0)
		return 0;
	k = ref_split(n);
	if (m <= k) {
		if (!ref_consistency_roots(&o, &w, m, k, known, old_root, p,
					   len - 1))
			return 0;
		*old_out = o;
		node(new_out, &w, &p[len - 1]);
	} else {
		if (!ref_consistency_roots(&o, &w, m - k, n - k, 0, old_root, p,
					   len - 1))
			return 0;
		node(old_out, &p[len - 1], &o);
		node(new_out, &p[len - 1], &w);
	}
	return 1;
}

static int
ref_verify_consistency(uint64_t m, uint64_t n, const struct px_hash *old_root,
		       const struct px_hash *new_root, const struct px_hash *p,
		       size_t len)
{
	struct px_hash o, w;

	if (m == 0 || m > n)
		return 0;
	if (m == n)
		return len == 0 && hash_eq(old_root, new_root);
	return ref_consistency_roots(&o, &w, m, n, 1, old_root, p, len) &&
	       hash_eq(&o, old_root) && hash_eq(&w, new_root);
}

/* ---- Helpers ---- */

static void
assert_proof_eq(const struct px_hash *got, size_t got_len,
		const struct hlist *want, const char *what, ull a, ull b)
{
	size_t i;

	if (got_len != want->n)
		fail_msg("%s(%llu, %llu): %zu hashes, the reference has %zu",
			 what, a, b, got_len, want->n);
	for (i = 0; i < got_len; i++)
		if (!hash_eq(&got[i], &want->h[i]))
			fail_msg("%s(%llu, %llu): hash %zu differs", what, a, b,
				 i);
}

static void
flip(struct px_hash *h, unsigned bit)
{
	h->b[(bit / 8) % PX_HASH_LEN] ^= (uint8_t)(1u << (bit % 8));
}

/* A cheap deterministic sequence for sampling. */
static uint64_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 11;
}

static int
setup_small(void **state)
{
	(void)state;
	tree_build(&small, SMALL_N, 1);
	return 0;
}

static int
teardown_small(void **state)
{
	(void)state;
	tree_release(&small);
	return 0;
}

/* ---- Tests ---- */

/* Roots and proofs equal the reference for every size, index, old size. */
static void
test_matches_reference(void **state)
{
	struct px_hash roots[SMALL_N + 1], root, proof[PROOF_CAP];
	struct hlist want;
	uint64_t n, i, m;
	size_t len;
	unsigned l;

	(void)state;
	for (n = 0; n <= SMALL_N; n++)
		ref_mth(&roots[n], &small, 0, n);

	for (n = 1; n <= SMALL_N; n++) {
		small.size = n;
		l = ref_ceil_log2(n);

		small.calls = 0;
		assert_int_equal(px_merkle_root(&root, n, tree_source, &small),
				 PX_OK);
		assert_true(hash_eq(&root, &roots[n]));
		assert_true(small.calls <= l + 1);

		for (i = 0; i < n; i++) {
			small.calls = 0;
			assert_int_equal(
				px_merkle_inclusion_proof(proof, &len, i, n,
							  tree_source, &small),
				PX_OK);
			assert_true(small.calls <= 2 * l);
			want.n = 0;
			ref_path(&want, &small, i, 0, n);
			assert_proof_eq(proof, len, &want, "inclusion", i, n);
			assert_int_equal(px_merkle_verify_inclusion(
						 &small.perfect[0][i], i, n,
						 proof, len, &roots[n]),
					 PX_OK);
		}

		for (m = 1; m <= n; m++) {
			small.calls = 0;
			assert_int_equal(
				px_merkle_consistency_proof(
					proof, &len, m, n, tree_source, &small),
				PX_OK);
			assert_true(small.calls <= 2 * l + 1);
			ref_proof(&want, &small, m, n);
			assert_proof_eq(proof, len, &want, "consistency", m, n);
			assert_int_equal(
				px_merkle_verify_consistency(
					m, n, &roots[m], &roots[n], proof, len),
				PX_OK);
		}
	}
}

/* MTH(D[a:b]) of every node and right-edge subtree; refusals otherwise. */
static void
test_subtree(void **state)
{
	struct px_hash got, want;
	uint64_t a, b, width;

	(void)state;
	small.size = SMALL_N;
	for (b = 1; b <= SMALL_N; b++) {
		for (a = 0; a < b; a++) {
			width = (uint64_t)1 << (ref_ceil_log2(b - a + 1) - 1);
			if (a % width != 0) {
				assert_int_equal(px_merkle_subtree(&got, a, b,
								   tree_source,
								   &small),
						 PX_EINVAL);
				continue;
			}
			small.calls = 0;
			assert_int_equal(px_merkle_subtree(&got, a, b,
							   tree_source, &small),
					 PX_OK);
			ref_mth(&want, &small, a, b);
			assert_true(hash_eq(&got, &want));
			assert_true(small.calls <= ref_ceil_log2(b - a) + 1);
		}
		assert_int_equal(
			px_merkle_subtree(&got, b, b, tree_source, &small),
			PX_EINVAL);
		assert_int_equal(
			px_merkle_subtree(&got, b, b - 1, tree_source, &small),
			PX_EINVAL);
	}
}

/* Every refusal of an inclusion proof for (i, n) that must be refused. */
static void
tamper_inclusion(uint64_t i, uint64_t n, const struct px_hash *proof,
		 size_t len, const struct px_hash *leaf,
		 const struct px_hash *root, const struct px_hash *other_root)
{
	struct px_hash bad[PROOF_CAP], h;
	size_t j;
	unsigned bit, first, last;

	/* One bit flipped in any hash of the proof. */
	for (j = 0; j < len; j++) {
		first = n <= EVERY_BIT_N ? 0 : (unsigned)((j * 29 + i) % 256);
		last = n <= EVERY_BIT_N ? 255 : first;
		for (bit = first; bit <= last; bit++) {
			memcpy(bad, proof, len * sizeof(*proof));
			flip(&bad[j], bit);
			assert_int_equal(px_merkle_verify_inclusion(
						 leaf, i, n, bad, len, root),
					 PX_EVERIFY);
		}
	}
	/* ... or of the leaf, or of the root. */
	h = *leaf;
	flip(&h, (unsigned)(i * 7 % 256));
	assert_int_equal(px_merkle_verify_inclusion(&h, i, n, proof, len, root),
			 PX_EVERIFY);
	h = *root;
	flip(&h, (unsigned)(n * 5 % 256));
	assert_int_equal(px_merkle_verify_inclusion(leaf, i, n, proof, len, &h),
			 PX_EVERIFY);
	/* A root of another size. */
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, i, n, proof, len, other_root),
		PX_EVERIFY);
	/* Truncated, at either end. */
	if (len > 0) {
		assert_int_equal(px_merkle_verify_inclusion(leaf, i, n, proof,
							    len - 1, root),
				 PX_EVERIFY);
		assert_int_equal(px_merkle_verify_inclusion(
					 leaf, i, n, proof + 1, len - 1, root),
				 PX_EVERIFY);
	}
	/* Extended: an extra hash after, or before. */
	memcpy(bad, proof, len * sizeof(*proof));
	bad[len] = *root;
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, i, n, bad, len + 1, root),
		PX_EVERIFY);
	bad[len] = len > 0 ? proof[len - 1] : *leaf;
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, i, n, bad, len + 1, root),
		PX_EVERIFY);
	bad[0] = *leaf;
	memcpy(bad + 1, proof, len * sizeof(*proof));
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, i, n, bad, len + 1, root),
		PX_EVERIFY);
	/* Index out of range. */
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, n, n, proof, len, root),
		PX_EVERIFY);
	assert_int_equal(px_merkle_verify_inclusion(leaf, UINT64_MAX, n, proof,
						    len, root),
			 PX_EVERIFY);
	assert_int_equal(
		px_merkle_verify_inclusion(leaf, i, 0, proof, len, root),
		PX_EVERIFY);
}

/* Every refusal of a consistency proof for (m, n) that must be refused. */
static void
tamper_consistency(uint64_t m, uint64_t n, const struct px_hash *proof,
		   size_t len, const struct px_hash *old_root,
		   const struct px_hash *new_root)
{
	struct px_hash bad[PROOF_CAP], h;
	size_t j;
	unsigned bit, first, last;

	if (len == 0) {
		/* m == n: any hash at all is one too many. */
		assert_int_equal(px_merkle_verify_consistency(
					 m, n, old_root, new_root, old_root, 1),
				 PX_EVERIFY);
		h = *new_root;
		flip(&h, (unsigned)(m % 256));
		assert_int_equal(px_merkle_verify_consistency(m, n, old_root,
							      &h, NULL, 0),
				 PX_EVERIFY);
		return;
	}
	for (j = 0; j < len; j++) {
		first = n <= EVERY_BIT_N ? 0 : (unsigned)((j * 31 + m) % 256);
		last = n <= EVERY_BIT_N ? 255 : first;
		for (bit = first; bit <= last; bit++) {
			memcpy(bad, proof, len * sizeof(*proof));
			flip(&bad[j], bit);
			assert_int_equal(
				px_merkle_verify_consistency(
					m, n, old_root, new_root, bad, len),
				PX_EVERIFY);
		}
	}
	h = *old_root;
	flip(&h, (unsigned)(m * 3 % 256));
	assert_int_equal(
		px_merkle_verify_consistency(m, n, &h, new_root, proof, len),
		PX_EVERIFY);
	h = *new_root;
	flip(&h, (unsigned)(n * 3 % 256));
	assert_int_equal(
		px_merkle_verify_consistency(m, n, old_root, &h, proof, len),
		PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(m, n, new_root, old_root,
						      proof, len),
			 PX_EVERIFY);
	assert_int_equal(
		px_merkle_verify_consistency(m, n, old_root, new_root, NULL, 0),
		PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      proof, len - 1),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      proof + 1, len - 1),
			 PX_EVERIFY);
	memcpy(bad, proof, len * sizeof(*proof));
	bad[len] = *new_root;
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      bad, len + 1),
			 PX_EVERIFY);
	bad[len] = *old_root;
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      bad, len + 1),
			 PX_EVERIFY);
	bad[0] = *old_root;
	memcpy(bad + 1, proof, len * sizeof(*proof));
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      bad, len + 1),
			 PX_EVERIFY);
	bad[0] = proof[0];
	assert_int_equal(px_merkle_verify_consistency(m, n, old_root, new_root,
						      bad, len + 1),
			 PX_EVERIFY);
	/* Sizes in the wrong order, or an empty old tree. */
	assert_int_equal(px_merkle_verify_consistency(n, m, new_root, old_root,
						      proof, len),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(0, n, old_root, new_root,
						      proof, len),
			 PX_EVERIFY);
}

/*
 * Proofs refused when mutated, truncated, extended, or held against another
 * root, index or size.
 */
static void
test_refuses_tampering(void **state)
{
	struct px_hash roots[SMALL_N + 2], proof[PROOF_CAP];
	uint64_t n, i, m;
	size_t len;

	(void)state;
	for (n = 0; n <= SMALL_N; n++)
		ref_mth(&roots[n], &small, 0, n);
	roots[SMALL_N + 1] = roots[SMALL_N - 1];

	for (n = 1; n <= SMALL_N; n++) {
		small.size = n;
		for (i = 0; i < n; i++) {
			if (n > TAMPER_N && i > 2 && i + 3 < n && i != n / 2)
				continue;
			assert_int_equal(
				px_merkle_inclusion_proof(proof, &len, i, n,
							  tree_source, &small),
				PX_OK);
			tamper_inclusion(i, n, proof, len, &small.perfect[0][i],
					 &roots[n], &roots[n + 1]);
		}
		for (m = 1; m <= n; m++) {
			if (n > TAMPER_N && m > 2 && m + 3 < n && m != n / 2)
				continue;
			assert_int_equal(
				px_merkle_consistency_proof(
					proof, &len, m, n, tree_source, &small),
				PX_OK);
			tamper_consistency(m, n, proof, len, &roots[m],
					   &roots[n]);
		}
	}
}

/*
 * A proof held against another index or size is refused, except where the
 * other (index, size) gives the path the very same shape: then the verifier
 * recomputes the same root and RFC 9162 rightly accepts (e.g. the proof of
 * leaf 0 of 3 is also a proof of leaf 0 of 4 under that root: a tree head
 * binds its size by being signed with it). So each wrong claim is decided
 * by the recursive reference verifier, and the two must agree.
 */
static void
test_wrong_claims(void **state)
{
	struct px_hash roots[2 * CLAIM_N + 2], proof[PROOF_CAP];
	uint64_t n, i, m, ci, cn, cands_i[8], cands_n[7];
	size_t len, a, b;
	unsigned long refused[2] = { 0, 0 }, accepted[2] = { 0, 0 };
	int want, got;

	(void)state;
	for (n = 0; n < 2 * CLAIM_N + 2; n++)
		ref_mth(&roots[n], &small, 0, n);

	for (n = 1; n <= CLAIM_N; n++) {
		small.size = n;
		cands_n[0] = n - 1;
		cands_n[1] = n;
		cands_n[2] = n + 1;
		cands_n[3] = n + 2;
		cands_n[4] = 2 * n;
		cands_n[5] = n / 2;
		cands_n[6] = n ^ 1;
		for (i = 0; i < n; i++) {
			assert_int_equal(
				px_merkle_inclusion_proof(proof, &len, i, n,
							  tree_source, &small),
				PX_OK);
			cands_i[0] = i - 1; /* wraps for i == 0: out of range */
			cands_i[1] = i;
			cands_i[2] = i + 1;
			cands_i[3] = i ^ 1;
			cands_i[4] = i ^ 2;
			cands_i[5] = 0;
			cands_i[6] = n - 1;
			cands_i[7] = n;
			for (a = 0; a < 8; a++) {
				for (b = 0; b < 7; b++) {
					ci = cands_i[a];
					cn = cands_n[b];
					if (ci == i && cn == n)
						continue;
					want = ref_verify_inclusion(
						&small.perfect[0][i], ci, cn,
						proof, len, &roots[n]);
					got = px_merkle_verify_inclusion(
						&small.perfect[0][i], ci, cn,
						proof, len, &roots[n]);
					if (got != (want ? PX_OK : PX_EVERIFY))
						fail_msg("inclusion proof of "
							 "(%llu, %llu) held as "
							 "(%llu, %llu): %d",
							 (ull)i, (ull)n,
							 (ull)ci, (ull)cn, got);
					if (want)
						accepted[0]++;
					else
						refused[0]++;
				}
			}
		}
		for (m = 1; m <= n; m++) {
			assert_int_equal(
				px_merkle_consistency_proof(
					proof, &len, m, n, tree_source, &small),
				PX_OK);
			cands_i[0] = m - 1;
			cands_i[1] = m;
			cands_i[2] = m + 1;
			cands_i[3] = m ^ 1;
			cands_i[4] = m ^ 2;
			cands_i[5] = 1;
			cands_i[6] = n - 1;
			cands_i[7] = n;
			for (a = 0; a < 8; a++) {
				for (b = 0; b < 7; b++) {
					ci = cands_i[a];
					cn = cands_n[b];
					if (ci == m && cn == n)
						continue;
					want = ref_verify_consistency(
						ci, cn, &roots[m], &roots[n],
						proof, len);
					got = px_merkle_verify_consistency(
						ci, cn, &roots[m], &roots[n],
						proof, len);
					if (got != (want ? PX_OK : PX_EVERIFY))
						fail_msg("consistency proof of "
							 "(%llu, %llu) held as "
							 "(%llu, %llu): %d",
							 (ull)m, (ull)n,
							 (ull)ci, (ull)cn, got);
					if (want)
						accepted[1]++;
					else
						refused[1]++;
				}
			}
		}
	}
	print_message("wrong claims refused: inclusion %lu, consistency %lu; "
		      "accepted for having the same shape: %lu, %lu\n",
		      refused[0], refused[1], accepted[0], accepted[1]);
	/* Guards against a reference that accepts anything. */
	assert_true(refused[0] > 5 * accepted[0]);
	assert_true(refused[1] > 5 * accepted[1]);
}

/* Malformed input: refused, never read out of bounds. */
static void
test_refuses_malformed(void **state)
{
	struct px_hash proof[PROOF_CAP], h, root;
	size_t len;

	(void)state;
	memset(proof, 0x5a, sizeof(proof));
	h = proof[0];
	root = proof[1];
	root.b[0] ^= 1;
	/* Longer than any proof can be. */
	assert_int_equal(px_merkle_verify_inclusion(&h, 0, UINT64_MAX, proof,
						    PX_MERKLE_MAX_PROOF + 1,
						    &root),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(1, UINT64_MAX, &h, &root,
						      proof,
						      PX_MERKLE_MAX_PROOF + 1),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_inclusion(&h, 0, 0, NULL, 0, &root),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_inclusion(&h, 0, 1, NULL, 0, &h),
			 PX_OK);
	assert_int_equal(px_merkle_verify_inclusion(&h, 1, 1, NULL, 0, &h),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_inclusion(&h, 0, 1, NULL, 0, &root),
			 PX_EVERIFY);
	/* Consistency: old == 0 and old > new are refused, whatever else. */
	assert_int_equal(px_merkle_verify_consistency(0, 0, &h, &h, NULL, 0),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(0, 5, &h, &root, NULL, 0),
			 PX_EVERIFY);
	assert_int_equal(
		px_merkle_verify_consistency(2, 1, &h, &root, proof, 1),
		PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(3, 3, &h, &h, NULL, 0),
			 PX_OK);
	assert_int_equal(px_merkle_verify_consistency(3, 3, &h, &root, NULL, 0),
			 PX_EVERIFY);
	assert_int_equal(px_merkle_verify_consistency(1, 2, &h, &root, NULL, 0),
			 PX_EVERIFY);

	/* Generators: impossible arguments. */
	small.size = 8;
	assert_int_equal(px_merkle_inclusion_proof(proof, &len, 8, 8,
						   tree_source, &small),
			 PX_EINVAL);
	assert_int_equal(px_merkle_inclusion_proof(proof, &len, 0, 0,
						   tree_source, &small),
			 PX_EINVAL);
	assert_int_equal(px_merkle_consistency_proof(proof, &len, 0, 8,
						     tree_source, &small),
			 PX_EINVAL);
	assert_int_equal(px_merkle_consistency_proof(proof, &len, 0, 0,
						     tree_source, &small),
			 PX_EINVAL);
	assert_int_equal(px_merkle_consistency_proof(proof, &len, 9, 8,
						     tree_source, &small),
			 PX_EINVAL);
	len = 99;
	assert_int_equal(px_merkle_consistency_proof(proof, &len, 8, 8,
						     tree_source, &small),
			 PX_OK);
	assert_int_equal(len, 0);

	/* The empty tree. */
	assert_int_equal(px_merkle_root(&root, 0, tree_source, &small), PX_OK);
	assert_int_equal(px_sha256(&h, "", 0), PX_OK);
	assert_true(hash_eq(&root, &h));
}

/* A failing source fails the call with its own code, wherever it fails. */
static void
test_source_errors(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 3, 7, 8, 13, 100, 255, 300 };
	struct px_hash proof[PROOF_CAP], root;
	uint64_t n, at, need;
	size_t s, len;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		n = sizes[s];
		small.size = n;

		small.calls = 0;
		assert_int_equal(px_merkle_root(&root, n, tree_source, &small),
				 PX_OK);
		need = small.calls;
		for (at = 1; at <= need; at++) {
			small.calls = 0;
			small.fail_at = at;
			assert_int_equal(
				px_merkle_root(&root, n, tree_source, &small),
				PX_ESTORE);
			small.fail_at = 0;
		}

		small.calls = 0;
		assert_int_equal(px_merkle_inclusion_proof(proof, &len, n / 3,
							   n, tree_source,
							   &small),
				 PX_OK);
		need = small.calls;
		for (at = 1; at <= need; at++) {
			small.calls = 0;
			small.fail_at = at;
			assert_int_equal(
				px_merkle_inclusion_proof(proof, &len, n / 3, n,
							  tree_source, &small),
				PX_ESTORE);
			small.fail_at = 0;
		}

		small.calls = 0;
		assert_int_equal(
			px_merkle_consistency_proof(proof, &len, n / 3 + 1, n,
						    tree_source, &small),
			PX_OK);
		need = small.calls;
		for (at = 1; at <= need; at++) {
			small.calls = 0;
			small.fail_at = at;
			assert_int_equal(px_merkle_consistency_proof(
						 proof, &len, n / 3 + 1, n,
						 tree_source, &small),
					 PX_ESTORE);
			small.fail_at = 0;
		}
	}
}

/* ---- Known answers from outside ---- */

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a hex word into out (cap bytes); "-" is empty. Length or -1. */
static long
hex_decode(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex), i;

	if (strcmp(hex, "-") == 0)
		return 0;
	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_nibble(hex[2 * i]),
		    lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

static void
parse_hashes(struct hlist *out, char **save)
{
	char *word;

	out->n = 0;
	while ((word = strtok_r(NULL, " \t", save)) != NULL) {
		assert_true(out->n < PROOF_CAP);
		assert_int_equal(
			hex_decode(out->h[out->n].b, PX_HASH_LEN, word),
			PX_HASH_LEN);
		out->n++;
	}
}

static uint64_t
parse_u64(char **save)
{
	char *word = strtok_r(NULL, " \t", save), *end;
	unsigned long long v;

	assert_non_null(word);
	v = strtoull(word, &end, 10);
	assert_true(*end == '\0');
	return (uint64_t)v;
}

static void
test_known_answers(void **state)
{
	struct px_hash roots[9], got[PROOF_CAP], root;
	struct tree t;
	struct hlist want;
	char *path, *text, *line, *save_line, *save, *kind;
	uint8_t data[64];
	uint64_t a, b;
	size_t len;
	unsigned nleaves = 0, nroots = 0, nincl = 0, ncons = 0;
	long dlen;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.kind = TREE_ARRAY;
	t.leaves = 8;
	t.levels = 4;
	for (a = 0; a < 4; a++) {
		t.perfect[a] = calloc(8 >> a, sizeof(struct px_hash));
		assert_non_null(t.perfect[a]);
	}

	path = pxt_vector_path("rfc6962-roots.txt");
	text = pxt_read_file(path, NULL);
	if (!text)
		fail_msg("cannot read %s", path);
	free(path);

	for (line = strtok_r(text, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		kind = strtok_r(line, " \t", &save);
		if (!kind)
			continue;
		if (strcmp(kind, "leaf") == 0) {
			a = parse_u64(&save);
			assert_true(a == nleaves && a < 8);
			kind = strtok_r(NULL, " \t", &save);
			assert_non_null(kind);
			dlen = hex_decode(data, sizeof(data), kind);
			assert_true(dlen >= 0);
			assert_int_equal(px_hash_leaf(&t.perfect[0][a], data,
						      (size_t)dlen),
					 PX_OK);
			if (++nleaves == 8) {
				for (b = 1; b < 4; b++)
					for (a = 0; a < (8u >> b); a++)
						node(&t.perfect[b][a],
						     &t.perfect[b - 1][2 * a],
						     &t.perfect[b - 1]
							       [2 * a + 1]);
			}
		} else if (strcmp(kind, "root") == 0) {
			assert_int_equal(nleaves, 8);
			a = parse_u64(&save);
			assert_true(a == nroots && a <= 8);
			parse_hashes(&want, &save);
			assert_int_equal(want.n, 1);
			roots[a] = want.h[0];
			t.size = a;
			assert_int_equal(
				px_merkle_root(&root, a, tree_source, &t),
				PX_OK);
			assert_true(hash_eq(&root, &roots[a]));
			nroots++;
		} else if (strcmp(kind, "inclusion") == 0) {
			assert_int_equal(nroots, 9);
			a = parse_u64(&save);
			b = parse_u64(&save);
			parse_hashes(&want, &save);
			t.size = b;
			assert_int_equal(
				px_merkle_inclusion_proof(got, &len, a, b,
							  tree_source, &t),
				PX_OK);
			assert_proof_eq(got, len, &want, "inclusion", a, b);
			assert_int_equal(px_merkle_verify_inclusion(
						 &t.perfect[0][a], a, b, want.h,
						 want.n, &roots[b]),
					 PX_OK);
			nincl++;
		} else if (strcmp(kind, "consistency") == 0) {
			assert_int_equal(nroots, 9);
			a = parse_u64(&save);
			b = parse_u64(&save);
			parse_hashes(&want, &save);
			t.size = b;
			assert_int_equal(
				px_merkle_consistency_proof(got, &len, a, b,
							    tree_source, &t),
				PX_OK);
			assert_proof_eq(got, len, &want, "consistency", a, b);
			assert_int_equal(px_merkle_verify_consistency(
						 a, b, &roots[a], &roots[b],
						 want.h, want.n),
					 PX_OK);
			ncons++;
		} else {
			fail_msg("rfc6962-roots.txt: unknown line '%s'", kind);
		}
	}
	free(text);
	assert_int_equal(nroots, 9);
	assert_true(nincl >= 4 && ncons >= 4);
	tree_release(&t);
}

/* ---- Source calls, up to the largest trees ---- */

struct call_stats {
	uint64_t root, inclusion, consistency; /* most calls seen */
	uint64_t at_n;                         /* for sizes up to this */
	uint64_t too_large; /* consistency proofs over the cap */
};

/* Generate root and proofs from the fabricated tree: the same values as
 * the reference, and O(log n) source calls. */
static void
count_calls(struct tree *t, uint64_t n, const uint64_t *olds, size_t nolds,
	    struct call_stats *st)
{
	struct px_hash root, want_root, proof[PROOF_CAP];
	struct hlist want;
	unsigned l = ref_ceil_log2(n), cap = 4 * (l > 0 ? l : 1);
	size_t j, len, want_len;
	uint64_t x;
	int rc;

	t->size = n;
	t->calls = 0;
	assert_int_equal(px_merkle_root(&root, n, tree_source, t), PX_OK);
	ref_mth(&want_root, t, 0, n);
	assert_true(hash_eq(&root, &want_root));
	assert_true(t->calls <= l + 1 && t->calls <= cap);
	if (n <= st->at_n && t->calls > st->root)
		st->root = t->calls;

	for (j = 0; j < nolds; j++) {
		/* Inclusion of leaf x - 1 (x in 1..n), consistency from x. */
		x = olds[j];
		if (x == 0 || x > n)
			continue;
		t->calls = 0;
		assert_int_equal(px_merkle_inclusion_proof(proof, &len, x - 1,
							   n, tree_source, t),
				 PX_OK);
		if (t->calls > 2 * l || t->calls > cap)
			fail_msg("inclusion(%llu, %llu): %llu source calls",
				 (ull)(x - 1), (ull)n, (ull)t->calls);
		if (n <= st->at_n && t->calls > st->inclusion)
			st->inclusion = t->calls;
		assert_int_equal(len, ref_path_len(x - 1, n));
		want.n = 0;
		ref_path(&want, t, x - 1, 0, n);
		assert_proof_eq(proof, len, &want, "inclusion", x - 1, n);

		want_len = x < n ? ref_subproof_len(x, n, 1) : 0;
		t->calls = 0;
		rc = px_merkle_consistency_proof(proof, &len, x, n, tree_source,
						 t);
		if (want_len > PX_MERKLE_MAX_PROOF) {
			/* Only possible beyond 2^63 leaves. */
			assert_true(n > ((uint64_t)1 << 63));
			assert_int_equal(rc, PX_ETOOLARGE);
			st->too_large++;
			continue;
		}
		assert_int_equal(rc, PX_OK);
		if (t->calls > 2 * l + 1 || t->calls > cap)
			fail_msg("consistency(%llu, %llu): %llu source calls",
				 (ull)x, (ull)n, (ull)t->calls);
		if (n <= st->at_n && t->calls > st->consistency)
			st->consistency = t->calls;
		assert_int_equal(len, want_len);
		ref_proof(&want, t, x, n);
		assert_proof_eq(proof, len, &want, "consistency", x, n);
	}
}

static void
test_source_calls(void **state)
{
	static const uint64_t big[] = {
		999999,           1000000,
		1000001,          (1u << 20) - 1,
		1u << 20,         (1u << 20) + 1,
		123457,           777777,
		(1ull << 32) + 5, (1ull << 40) + 12345,
		(1ull << 62) + 1, (1ull << 63) - 1,
		1ull << 63,       (1ull << 63) + 1,
		UINT64_MAX - 1,   UINT64_MAX,
	};
	struct call_stats st = { 0, 0, 0, 1000001, 0 };
	struct tree t;
	uint64_t n, olds[48], seed = 42;
	size_t s, j, k;
	unsigned b;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.kind = TREE_FAKE;

	/* Every size up to 4096, a handful of indexes and old sizes each. */
	for (n = 1; n <= 4096; n++) {
		olds[0] = 1;
		olds[1] = 2;
		olds[2] = n / 2;
		olds[3] = n / 2 + 1;
		olds[4] = n - 1;
		olds[5] = n;
		olds[6] = 1 + lcg(&seed) % n;
		count_calls(&t, n, olds, 7, &st);
	}
	/* Around every power of two up to 2^63, and the largest trees. */
	for (b = 12; b < 64; b++) {
		for (s = 0; s < 3; s++) {
			n = ((uint64_t)1 << b) - 1 + s;
			k = 0;
			olds[k++] = 1;
			olds[k++] = n;
			olds[k++] = n - 1;
			olds[k++] = n / 2;
			olds[k++] = n / 2 + 1;
			olds[k++] = ((uint64_t)1 << (b - 1)) + 1;
			for (j = 0; j < 8; j++)
				olds[k++] = 1 + lcg(&seed) % n;
			count_calls(&t, n, olds, k, &st);
		}
	}
	for (s = 0; s < sizeof(big) / sizeof(big[0]); s++) {
		n = big[s];
		k = 0;
		olds[k++] = 1;
		olds[k++] = 2;
		olds[k++] = n;
		olds[k++] = n - 1;
		olds[k++] = n / 2;
		olds[k++] = n / 2 + 1;
		olds[k++] = n / 3;
		if (n > ((uint64_t)1 << 63))
			olds[k++] = ((uint64_t)1 << 63) + 1; /* 65 hashes */
		while (k < 48)
			olds[k++] = 1 + lcg(&seed) % n;
		count_calls(&t, n, olds, k, &st);
	}
	print_message("most source calls for n <= %llu (ceil(log2 n) = %u): "
		      "root %llu, inclusion %llu, consistency %llu\n",
		      (ull)st.at_n, ref_ceil_log2(st.at_n), (ull)st.root,
		      (ull)st.inclusion, (ull)st.consistency);
	/* Some of the largest trees need 65 hashes: refused, not cut. */
	assert_true(st.too_large > 0);
}

/* Trees of every leaf the same: consistent hashes at any size, so proofs
 * up to 2^64 - 1 leaves can be verified, not only counted. */
static void
test_huge_trees_verify(void **state)
{
	static const uint64_t sizes[] = {
		1000000,    (1ull << 32) + 7, (1ull << 63) - 1,
		1ull << 63, (1ull << 63) + 1, UINT64_MAX,
	};
	struct px_hash root, old_root, proof[PROOF_CAP];
	struct hlist want;
	struct tree t;
	uint64_t n, olds[6];
	size_t s, j, len;
	int rc;

	(void)state;
	tree_uniform(&t);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		n = sizes[s];
		t.size = n;
		assert_int_equal(px_merkle_root(&root, n, tree_source, &t),
				 PX_OK);
		olds[0] = 1;
		olds[1] = n / 2;
		olds[2] = n - 1;
		olds[3] = n;
		olds[4] = n / 3 + 1;
		olds[5] = n - 2;
		for (j = 0; j < 6; j++) {
			assert_int_equal(px_merkle_inclusion_proof(
						 proof, &len, olds[j] - 1, n,
						 tree_source, &t),
					 PX_OK);
			assert_int_equal(px_merkle_verify_inclusion(
						 &t.uniform[0], olds[j] - 1, n,
						 proof, len, &root),
					 PX_OK);
			if (n == UINT64_MAX && j == 2)
				assert_int_equal(len, PX_MERKLE_MAX_PROOF);

			t.size = olds[j];
			assert_int_equal(px_merkle_root(&old_root, olds[j],
							tree_source, &t),
					 PX_OK);
			t.size = n;
			rc = px_merkle_consistency_proof(proof, &len, olds[j],
							 n, tree_source, &t);
			if (olds[j] < n && ref_subproof_len(olds[j], n, 1) >
						   PX_MERKLE_MAX_PROOF) {
				assert_int_equal(rc, PX_ETOOLARGE);
				continue;
			}
			assert_int_equal(rc, PX_OK);
			assert_int_equal(px_merkle_verify_consistency(
						 olds[j], n, &old_root, &root,
						 proof, len),
					 PX_OK);
		}
	}

	/*
	 * From 3 to 2^64 - 1 leaves the consistency proof has 65 hashes: a
	 * true proof, but longer than PX_MERKLE_MAX_PROOF, so refused.
	 */
	n = UINT64_MAX;
	t.size = 3;
	assert_int_equal(px_merkle_root(&old_root, 3, tree_source, &t), PX_OK);
	t.size = n;
	assert_int_equal(px_merkle_root(&root, n, tree_source, &t), PX_OK);
	ref_proof(&want, &t, 3, n);
	assert_int_equal(want.n, PX_MERKLE_MAX_PROOF + 1);
	assert_true(
		ref_verify_consistency(3, n, &old_root, &root, want.h, want.n));
	assert_int_equal(px_merkle_verify_consistency(3, n, &old_root, &root,
						      want.h, want.n),
			 PX_EVERIFY);
	assert_int_equal(
		px_merkle_consistency_proof(proof, &len, 3, n, tree_source, &t),
		PX_ETOOLARGE);
}

/* A larger tree of distinct real leaves: proofs verify against roots
 * computed the naive way. */
static void
test_larger_tree(void **state)
{
	static const uint64_t olds[] = { 1,     2,     3,     1000,     4096,
					 4097,  32767, 32768, 32769,    65535,
					 65536, 65537, 69000, BIG_N - 1 };
	struct px_hash root, want, old_roots[sizeof(olds) / sizeof(olds[0])];
	struct px_hash proof[PROOF_CAP];
	struct tree t;
	uint64_t i, seed = 7;
	size_t j, len;

	(void)state;
	tree_build(&t, BIG_N, 0);
	t.size = BIG_N;
	t.calls = 0;
	assert_int_equal(px_merkle_root(&root, BIG_N, tree_source, &t), PX_OK);
	ref_mth(&want, &t, 0, BIG_N);
	assert_true(hash_eq(&root, &want));

	for (j = 0; j < 200; j++) {
		i = j < 4 ? (j < 2 ? j : BIG_N - 4 + j) : lcg(&seed) % BIG_N;
		assert_int_equal(px_merkle_inclusion_proof(proof, &len, i,
							   BIG_N, tree_source,
							   &t),
				 PX_OK);
		assert_int_equal(px_merkle_verify_inclusion(&t.perfect[0][i], i,
							    BIG_N, proof, len,
							    &root),
				 PX_OK);
		assert_int_equal(px_merkle_verify_inclusion(
					 &t.perfect[0][(i + 1) % BIG_N], i,
					 BIG_N, proof, len, &root),
				 PX_EVERIFY);
	}
	for (j = 0; j < sizeof(olds) / sizeof(olds[0]); j++) {
		ref_mth(&old_roots[j], &t, 0, olds[j]);
		assert_int_equal(px_merkle_consistency_proof(proof, &len,
							     olds[j], BIG_N,
							     tree_source, &t),
				 PX_OK);
		assert_int_equal(px_merkle_verify_consistency(
					 olds[j], BIG_N, &old_roots[j], &root,
					 proof, len),
				 PX_OK);
		if (j > 0)
			assert_int_equal(
				px_merkle_verify_consistency(olds[j], BIG_N,
							     &old_roots[j - 1],
							     &root, proof, len),
				PX_EVERIFY);
	}
	tree_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_matches_reference),
		cmocka_unit_test(test_subtree),
		cmocka_unit_test(test_refuses_tampering),
		cmocka_unit_test(test_wrong_claims),
		cmocka_unit_test(test_refuses_malformed),
		cmocka_unit_test(test_source_errors),
		cmocka_unit_test(test_source_calls),
		cmocka_unit_test(test_huge_trees_verify),
		cmocka_unit_test(test_larger_tree),
	};

	if (px_crypto_init() != PX_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup_small, teardown_small);
}
