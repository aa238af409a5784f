/*
 * Unit tests: the LMDB store alone (node/core/store.c).
 *
 * Leaves here are arbitrary bytes: the store does not care what it logs.
 * Every hash the store keeps is checked against values computed in this file
 * straight from OpenSSL: the leaf hash and chain of DESIGN.md §4, and a
 * naive recursive MTH, PATH and PROOF of RFC 9162 §2.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/merkle.h"
#include "paxta/store.h"
#include "support.h"

/* Leaves logged by test_append_and_hashes: crosses 256 so the tree has a
 * level-8 perfect subtree and ragged right edges above it. */
#define N_LEAVES 300

/* ---- independent hashing (OpenSSL EVP, nothing from libpaxta) ---- */

static void
sha256_parts(struct px_hash *out, uint8_t prefix, const void *a, size_t alen,
	     const void *b, size_t blen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, &prefix, 1), 1);
	if (alen)
		assert_int_equal(EVP_DigestUpdate(ctx, a, alen), 1);
	if (blen)
		assert_int_equal(EVP_DigestUpdate(ctx, b, blen), 1);
	assert_int_equal(EVP_DigestFinal_ex(ctx, out->b, &n), 1);
	assert_int_equal(n, 32);
	EVP_MD_CTX_free(ctx);
}

/* RFC 9162 §2.1.1: SHA-256(0x00 ‖ leaf). */
static void
ref_leaf_hash(struct px_hash *out, const uint8_t *leaf, size_t len)
{
	sha256_parts(out, 0x00, leaf, len, NULL, 0);
}

/* SHA-256(0x01 ‖ l ‖ r). */
/* Append leaf with its reference leaf hash; *index (may be NULL) gets its
 * index and *h (may be NULL) the leaf hash the store kept for it. */
static int
store_append(struct px_txn *t, const uint8_t *leaf, size_t len, uint64_t *index,
	     struct px_hash *h)
{
	uint64_t at = px_store_size(t);
	struct px_hash lh;
	int rc;

	ref_leaf_hash(&lh, leaf, len);
	rc = px_store_append(t, leaf, len, &lh, &lh);
	if (rc == PX_OK && index)
		*index = at;
	if (rc == PX_OK && h)
		rc = px_store_leaf_hash(t, at, h);
	return rc;
}

static void
ref_node_hash(struct px_hash *out, const struct px_hash *l,
	      const struct px_hash *r)
{
	sha256_parts(out, 0x01, l->b, 32, r->b, 32);
}

/* DESIGN.md §4: chain_i = SHA-256(0x02 ‖ prev ‖ leaf_hash_i). */
static void
ref_chain(struct px_hash *out, const struct px_hash *prev,
	  const struct px_hash *leaf_hash)
{
	sha256_parts(out, 0x02, prev->b, 32, leaf_hash->b, 32);
}

static void
ref_empty_root(struct px_hash *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	assert_int_equal(EVP_DigestFinal_ex(ctx, out->b, &n), 1);
	EVP_MD_CTX_free(ctx);
}

/* The largest power of two smaller than n (n > 1): RFC 9162's k. */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/*
 * A naive RFC 9162 tree over leaf hashes lh[0..n): MTH(D[start:start+len])
 * by the recursive definition, memoised so that checking every (index, size)
 * pair stays cheap.
 */
struct ref_tree {
	const struct px_hash *lh;
	uint64_t n;
	struct px_hash *memo; /* [(start * (n + 1)) + len] */
	uint8_t *have;
};

static void
ref_tree_init(struct ref_tree *rt, const struct px_hash *lh, uint64_t n)
{
	rt->lh = lh;
	rt->n = n;
	rt->memo = calloc((size_t)((n + 1) * (n + 1)), sizeof(*rt->memo));
	rt->have = calloc((size_t)((n + 1) * (n + 1)), 1);
	assert_non_null(rt->memo);
	assert_non_null(rt->have);
}

static void
ref_tree_release(struct ref_tree *rt)
{
	free(rt->memo);
	free(rt->have);
}

static struct px_hash
ref_mth(struct ref_tree *rt, uint64_t start, uint64_t len)
{
	size_t at = (size_t)(start * (rt->n + 1) + len);
	struct px_hash l, r;
	uint64_t k;

	assert_true(len >= 1 && start + len <= rt->n);
	if (rt->have[at])
		return rt->memo[at];
	if (len == 1) {
		rt->memo[at] = rt->lh[start];
	} else {
		k = split_point(len);
		l = ref_mth(rt, start, k);
		r = ref_mth(rt, start + k, len - k);
		ref_node_hash(&rt->memo[at], &l, &r);
	}
	rt->have[at] = 1;
	return rt->memo[at];
}

/* MTH(lh[0..n)) straight from the definition, without a memo. */
static struct px_hash
ref_mth_plain(const struct px_hash *lh, uint64_t n)
{
	struct px_hash l, r, out;
	uint64_t k;

	if (n == 1)
		return lh[0];
	k = split_point(n);
	l = ref_mth_plain(lh, k);
	r = ref_mth_plain(lh + k, n - k);
	ref_node_hash(&out, &l, &r);
	return out;
}

/* RFC 9162 §2.1.3.1 PATH(m, D[start:start+len]) appended to out. */
static void
ref_path(struct ref_tree *rt, uint64_t m, uint64_t start, uint64_t len,
	 struct px_hash *out, size_t *n_out)
{
	uint64_t k;

	if (len == 1)
		return;
	k = split_point(len);
	if (m < k) {
		ref_path(rt, m, start, k, out, n_out);
		out[(*n_out)++] = ref_mth(rt, start + k, len - k);
	} else {
		ref_path(rt, m - k, start + k, len - k, out, n_out);
		out[(*n_out)++] = ref_mth(rt, start, k);
	}
}

/* RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:start+len], b). */
static void
ref_subproof(struct ref_tree *rt, uint64_t m, uint64_t start, uint64_t len,
	     int b, struct px_hash *out, size_t *n_out)
{
	uint64_t k;

	if (m == len) {
		if (!b)
			out[(*n_out)++] = ref_mth(rt, start, len);
		return;
	}
	k = split_point(len);
	if (m <= k) {
		ref_subproof(rt, m, start, k, b, out, n_out);
		out[(*n_out)++] = ref_mth(rt, start + k, len - k);
	} else {
		ref_subproof(rt, m - k, start + k, len - k, 0, out, n_out);
		out[(*n_out)++] = ref_mth(rt, start, k);
	}
}

/* ---- helpers ---- */

/* A path for a store inside a fresh temporary folder; the store's folder
 * does not exist yet. *base is for pxt_rmtree. */
static char *
store_path(char **base)
{
	char *path = NULL;

	*base = pxt_tempdir();
	assert_true(asprintf(&path, "%s/store", *base) > 0);
	return path;
}

static struct px_store *
create_store(const char *dir)
{
	struct px_store *s = NULL;

	assert_int_equal(px_store_open(&s, dir, PX_STORE_CREATE), PX_OK);
	assert_non_null(s);
	return s;
}

/* Leaf number i of the test log: 0..~200 arbitrary bytes, zeros included,
 * different for every i; leaf 7 is empty (a leaf is any byte string). */
static uint8_t *
make_leaf(uint64_t i, size_t *out_len)
{
	size_t len = i == 7 ? 0 : (size_t)(9 + (i * 37) % 191);
	uint8_t *b = malloc(len + 1);

	assert_non_null(b);
	for (size_t j = 0; j < len; j++)
		b[j] = (uint8_t)((i * 131 + j * 7 + (j % 5 == 0 ? 0 : i)) &
				 0xff);
	if (len >= 8)
		px_put_be64(b, i); /* distinct */
	*out_len = len;
	return b;
}

static size_t
store_size(struct px_store *s)
{
	struct px_txn *t = NULL;
	uint64_t n;

	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	n = px_store_size(t);
	px_store_abort(t);
	return (size_t)n;
}

/* Append leaves [from, to) of the test log in one write transaction. */
static void
append_range(struct px_store *s, uint64_t from, uint64_t to)
{
	struct px_txn *t = NULL;

	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_size(t), from);
	for (uint64_t i = from; i < to; i++) {
		struct px_hash h, want;
		uint64_t index = UINT64_MAX;
		size_t len;
		uint8_t *leaf = make_leaf(i, &len);

		assert_int_equal(store_append(t, leaf, len, &index, &h), PX_OK);
		assert_int_equal(index, i);
		ref_leaf_hash(&want, leaf, len);
		assert_memory_equal(h.b, want.b, 32);
		assert_int_equal(px_store_size(t), i + 1);
		free(leaf);
	}
	assert_int_equal(px_store_commit(t), PX_OK);
}

/* ---- open and create ---- */

static void
test_open_create(void **state)
{
	char *base, *dir = store_path(&base), *empty = NULL, *data = NULL;
	struct px_store *s = NULL, *s2 = NULL, *ro = NULL;
	struct px_txn *t = NULL;
	struct stat st;

	(void)state;
	/* A missing folder, without PX_STORE_CREATE. */
	assert_int_equal(px_store_open(&s, dir, 0), PX_ENOTFOUND);
	assert_null(s);
	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY),
			 PX_ENOTFOUND);
	assert_int_not_equal(stat(dir, &st), 0);
	/* Create and read-only at once is nonsense. */
	assert_int_equal(
		px_store_open(&s, dir, PX_STORE_CREATE | PX_STORE_READONLY),
		PX_EINVAL);

	s = create_store(dir);
	assert_string_equal(px_store_dir(s), dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(store_size(s), 0);

	/* A ledger is there now: creating again is refused, open or not. */
	assert_int_equal(px_store_open(&s2, dir, PX_STORE_CREATE), PX_EEXIST);
	assert_null(s2);

	/* One writer per folder. flock() locks belong to the open file
	 * description, so a second open in this same process conflicts. */
	assert_int_equal(px_store_open(&s2, dir, 0), PX_ELOCKED);
	assert_null(s2);
	/* The refused open let go of its own descriptor only: the writer
	 * still holds the lock. */
	assert_int_equal(px_store_open(&s2, dir, 0), PX_ELOCKED);

	/* Readers need no lock, and see what the writer committed. */
	append_range(s, 0, 3);
	assert_int_equal(px_store_open(&ro, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(store_size(ro), 3);
	assert_int_equal(px_store_begin(&t, ro, 1), PX_EINVAL);
	assert_null(t);
	assert_int_equal(px_store_begin(&t, ro, 0), PX_OK);
	assert_int_equal(store_append(t, (const uint8_t *)"x", 1, NULL, NULL),
			 PX_EINVAL);
	{
		struct px_txn *c = NULL;

		assert_int_equal(px_store_begin_nested(&c, t), PX_EINVAL);
		assert_null(c);
	}
	px_store_abort(t);
	t = NULL;
	px_store_close(ro);
	ro = NULL;

	px_store_close(s);
	s = NULL;
	assert_int_equal(px_store_open(&s, dir, PX_STORE_CREATE), PX_EEXIST);
	/* The lock went with the close. */
	assert_int_equal(px_store_open(&s, dir, 0), PX_OK);
	assert_int_equal(store_size(s), 3);
	px_store_close(s);
	s = NULL;

	/* A folder that holds no data.mdb is not a ledger. */
	assert_true(asprintf(&empty, "%s/empty", base) > 0);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(px_store_open(&s, empty, 0), PX_EFOREIGN);
	assert_int_equal(px_store_open(&s, empty, PX_STORE_READONLY),
			 PX_EFOREIGN);
	assert_null(s);

	/* Nor is a data.mdb that is not LMDB. */
	assert_true(asprintf(&data, "%s/data.mdb", empty) > 0);
	{
		uint8_t junk[8192];
		int fd = open(data, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		assert_true(fd >= 0);
		memset(junk, 'x', sizeof(junk));
		assert_int_equal(write(fd, junk, sizeof(junk)),
				 (ssize_t)sizeof(junk));
		close(fd);
	}
	assert_int_equal(px_store_open(&s, empty, PX_STORE_READONLY),
			 PX_EFOREIGN);
	assert_null(s);

	/* A plain file where the folder should be. */
	assert_int_equal(px_store_open(&s, data, 0), PX_EFOREIGN);
	assert_null(s);

	free(data);
	free(empty);
	free(dir);
	pxt_rmtree(base);
}

/* A store of another format version is foreign. */
static void
test_open_other_format(void **state)
{
	char *base, *dir = store_path(&base);
	const uint8_t fmt2[4] = { 0, 0, 0, PX_STORE_FORMAT + 1 };
	struct px_store *s = create_store(dir);
	struct px_txn *t = NULL;
	const uint8_t *v;
	size_t len;

	(void)state;
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_meta_get(t, "format", &v, &len), PX_OK);
	assert_int_equal(len, 4);
	assert_int_equal(v[3], PX_STORE_FORMAT);
	assert_int_equal(px_store_meta_get(t, "no-such-name", &v, &len),
			 PX_ENOTFOUND);
	assert_int_equal(px_store_meta_put(t, "origin", "o.example/x", 11),
			 PX_OK);
	assert_int_equal(px_store_meta_put(t, "format", fmt2, 4), PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	s = NULL;
	assert_int_equal(px_store_open(&s, dir, 0), PX_EFOREIGN);
	assert_null(s);
	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY),
			 PX_EFOREIGN);
	assert_null(s);
	free(dir);
	pxt_rmtree(base);
}

/* ---- the log ---- */

static void
test_append_and_hashes(void **state)
{
	/* Batches of 1, 2, 3, ... leaves: one write transaction each. */
	char *base, *dir = store_path(&base);
	struct px_store *s = create_store(dir);
	struct px_hash *lh = calloc(N_LEAVES, sizeof(*lh));
	struct px_hash prev = { { 0 } }, h, root, want;
	struct px_hash proof[PX_MERKLE_MAX_PROOF], ref[PX_MERKLE_MAX_PROOF];
	struct px_txn *t = NULL;
	struct ref_tree rt;
	uint64_t at = 0, batch = 1, index;
	size_t n_proof, n_ref;

	(void)state;
	assert_non_null(lh);
	while (at < N_LEAVES) {
		uint64_t to = at + batch < N_LEAVES ? at + batch : N_LEAVES;

		append_range(s, at, to);
		assert_int_equal(store_size(s), to);
		at = to;
		batch++;
	}
	px_store_close(s);
	/* Everything below reads a reopened store. */
	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_size(t), N_LEAVES);

	for (uint64_t i = 0; i < N_LEAVES; i++) {
		const uint8_t *stored, *rec;
		size_t len, stored_len, rec_len;
		uint8_t *leaf = make_leaf(i, &len);
		unsigned levels = 0;

		ref_leaf_hash(&lh[i], leaf, len);
		/* The exact bytes come back. */
		assert_int_equal(px_store_leaf(t, i, &stored, &stored_len),
				 PX_OK);
		assert_int_equal(stored_len, len);
		if (len)
			assert_memory_equal(stored, leaf, len);
		/* Found by its hash. */
		index = UINT64_MAX;
		assert_int_equal(px_store_find(t, &lh[i], &index), PX_OK);
		assert_int_equal(index, i);
		assert_int_equal(px_store_leaf_hash(t, i, &h), PX_OK);
		assert_memory_equal(h.b, lh[i].b, 32);
		/* The chain, from 32 zero bytes at the genesis. */
		ref_chain(&want, &prev, &lh[i]);
		assert_int_equal(px_store_chain(t, i, &h), PX_OK);
		assert_memory_equal(h.b, want.b, 32);
		prev = want;
		/* The tree record: chain ‖ h_0 ‖ … ‖ h_levels, where 2^levels
		 * is the largest power of two dividing i + 1. */
		while (((i + 1) & ((uint64_t)1 << levels)) == 0)
			levels++;
		assert_int_equal(px_store_tree_record(t, i, &rec, &rec_len),
				 PX_OK);
		assert_int_equal(rec_len, 32 * (2 + (size_t)levels));
		assert_memory_equal(rec, want.b, 32);
		free(leaf);
	}
	ref_tree_init(&rt, lh, N_LEAVES);
	for (uint64_t i = 0; i < N_LEAVES; i++) {
		const uint8_t *rec;
		size_t rec_len;

		assert_int_equal(px_store_tree_record(t, i, &rec, &rec_len),
				 PX_OK);
		/* h_l covers the 2^l leaves that end at leaf i. */
		for (size_t l = 0; l + 1 < rec_len / 32; l++) {
			uint64_t w = (uint64_t)1 << l;

			want = ref_mth(&rt, i + 1 - w, w);
			assert_memory_equal(rec + 32 * (1 + l), want.b, 32);
		}
	}

	/* Past the end. */
	{
		const uint8_t *none;
		size_t none_len;

		assert_int_equal(px_store_leaf(t, N_LEAVES, &none, &none_len),
				 PX_ENOTFOUND);
	}
	assert_int_equal(px_store_chain(t, N_LEAVES, &h), PX_ENOTFOUND);
	memset(&h, 0xab, sizeof(h));
	assert_int_equal(px_store_find(t, &h, &index), PX_ENOTFOUND);

	/* Roots of every size against the naive MTH. */
	ref_empty_root(&want);
	assert_int_equal(px_store_root(t, 0, &root), PX_OK);
	assert_memory_equal(root.b, want.b, 32);
	for (uint64_t n = 1; n <= N_LEAVES; n++) {
		want = ref_mth(&rt, 0, n);
		assert_int_equal(px_store_root(t, n, &root), PX_OK);
		assert_memory_equal(root.b, want.b, 32);
	}
	assert_int_equal(px_store_root(t, N_LEAVES + 1, &root), PX_EINVAL);

	/* Inclusion proofs for every (index, size): equal to RFC 9162's PATH
	 * and verifying against the naive root. */
	for (uint64_t n = 1; n <= N_LEAVES; n++) {
		struct px_hash r = ref_mth(&rt, 0, n);

		for (uint64_t m = 0; m < n; m++) {
			assert_int_equal(px_merkle_inclusion_proof(
						 proof, &n_proof, m, n,
						 px_store_merkle_source, t),
					 PX_OK);
			n_ref = 0;
			ref_path(&rt, m, 0, n, ref, &n_ref);
			assert_int_equal(n_proof, n_ref);
			if (n_ref)
				assert_memory_equal(proof, ref,
						    n_ref * sizeof(*ref));
			assert_int_equal(
				px_merkle_verify_inclusion(&lh[m], m, n, proof,
							   n_proof, &r),
				PX_OK);
			/* The same proof does not hold for a neighbour. */
			if (n > 1)
				assert_int_equal(px_merkle_verify_inclusion(
							 &lh[(m + 1) % n], m, n,
							 proof, n_proof, &r),
						 PX_EVERIFY);
			if (n_proof && (m * 7 + n) % 5 == 0) {
				proof[n_proof / 2].b[m % 32] ^= 0x01;
				assert_int_equal(px_merkle_verify_inclusion(
							 &lh[m], m, n, proof,
							 n_proof, &r),
						 PX_EVERIFY);
			}
		}
		assert_int_equal(
			px_merkle_inclusion_proof(proof, &n_proof, n, n,
						  px_store_merkle_source, t),
			PX_EINVAL);
	}

	/* Consistency proofs for every 0 < m <= n: equal to RFC 9162's PROOF
	 * and verifying between the naive roots. */
	for (uint64_t n = 1; n <= N_LEAVES; n++) {
		struct px_hash rn = ref_mth(&rt, 0, n);

		for (uint64_t m = 1; m <= n; m++) {
			struct px_hash rm = ref_mth(&rt, 0, m);

			assert_int_equal(px_merkle_consistency_proof(
						 proof, &n_proof, m, n,
						 px_store_merkle_source, t),
					 PX_OK);
			n_ref = 0;
			if (m < n)
				ref_subproof(&rt, m, 0, n, 1, ref, &n_ref);
			assert_int_equal(n_proof, n_ref);
			if (n_ref)
				assert_memory_equal(proof, ref,
						    n_ref * sizeof(*ref));
			assert_int_equal(
				px_merkle_verify_consistency(m, n, &rm, &rn,
							     proof, n_proof),
				PX_OK);
			if (n_proof && (m * 3 + n) % 7 == 0) {
				proof[0].b[n % 32] ^= 0x80;
				assert_int_equal(
					px_merkle_verify_consistency(
						m, n, &rm, &rn, proof, n_proof),
					PX_EVERIFY);
			}
		}
	}
	assert_int_equal(px_merkle_consistency_proof(proof, &n_proof, 0, 5,
						     px_store_merkle_source, t),
			 PX_EINVAL);
	assert_int_equal(px_merkle_consistency_proof(proof, &n_proof, 6, 5,
						     px_store_merkle_source, t),
			 PX_EINVAL);
	px_store_abort(t);
	t = NULL;
	px_store_close(s);

	/* The same bytes twice: refused, and nothing moves. */
	assert_int_equal(px_store_open(&s, dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	for (uint64_t i = 0; i < N_LEAVES; i += 37) {
		size_t len;
		uint8_t *leaf = make_leaf(i, &len);

		index = UINT64_MAX;
		assert_int_equal(store_append(t, leaf, len, &index, &h),
				 PX_EEXIST);
		assert_int_equal(index, UINT64_MAX);
		assert_int_equal(px_store_size(t), N_LEAVES);
		free(leaf);
	}
	/* The transaction is still good for a new leaf after a refusal. */
	{
		size_t len;
		uint8_t *leaf = make_leaf(N_LEAVES, &len);

		assert_int_equal(store_append(t, leaf, len, &index, &h), PX_OK);
		assert_int_equal(index, N_LEAVES);
		ref_chain(&want, &prev, &h);
		assert_int_equal(px_store_chain(t, N_LEAVES, &root), PX_OK);
		assert_memory_equal(root.b, want.b, 32);
		free(leaf);
	}
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(store_size(s), N_LEAVES + 1);
	px_store_close(s);

	ref_tree_release(&rt);
	free(lh);
	free(dir);
	pxt_rmtree(base);
}

/* ---- transactions ---- */

static int
leaf_present(struct px_store *s, uint64_t i)
{
	struct px_txn *t = NULL;
	struct px_hash h;
	size_t len;
	uint8_t *leaf = make_leaf(i, &len);
	uint64_t index;
	int rc;

	ref_leaf_hash(&h, leaf, len);
	free(leaf);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	rc = px_store_find(t, &h, &index);
	px_store_abort(t);
	assert_true(rc == PX_OK || rc == PX_ENOTFOUND);
	return rc == PX_OK;
}

static void
append_in(struct px_txn *t, uint64_t i)
{
	uint64_t index = UINT64_MAX;
	size_t len;
	uint8_t *leaf = make_leaf(i, &len);

	assert_int_equal(store_append(t, leaf, len, &index, NULL), PX_OK);
	assert_int_equal(index, i);
	free(leaf);
}

static void
test_nested_transactions(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = create_store(dir);
	struct px_txn *t = NULL, *c = NULL, *r = NULL;
	const uint8_t *v;
	size_t len;

	(void)state;
	append_range(s, 0, 5);

	/* A child aborted leaves nothing; the parent goes on from where it
	 * was, and the leaves it appends get the indexes the child's would
	 * have had. */
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_begin_nested(&c, t), PX_OK);
	assert_int_equal(px_store_size(c), 5);
	append_in(c, 5);
	append_in(c, 6);
	assert_int_equal(px_store_put(c, PX_TABLE_LOTS, "lot-x", 5, "v", 1),
			 PX_OK);
	assert_int_equal(px_store_size(c), 7);
	px_store_abort(c);
	c = NULL;
	assert_int_equal(px_store_size(t), 5);
	assert_int_equal(px_store_leaf(t, 5, &v, &len), PX_ENOTFOUND);
	assert_int_equal(px_store_get(t, PX_TABLE_LOTS, "lot-x", 5, &v, &len),
			 PX_ENOTFOUND);
	assert_int_equal(px_store_commit(t), PX_OK);
	t = NULL;
	assert_int_equal(store_size(s), 5);
	assert_false(leaf_present(s, 5));
	assert_false(leaf_present(s, 6));

	/* A child committed into a parent that is then aborted: nothing. */
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_begin_nested(&c, t), PX_OK);
	append_in(c, 5);
	assert_int_equal(px_store_put(c, PX_TABLE_LOTS, "lot-y", 5, "v", 1),
			 PX_OK);
	assert_int_equal(px_store_commit(c), PX_OK);
	c = NULL;
	assert_int_equal(px_store_size(t), 6);
	assert_int_equal(px_store_leaf(t, 5, &v, &len), PX_OK);
	assert_int_equal(px_store_get(t, PX_TABLE_LOTS, "lot-y", 5, &v, &len),
			 PX_OK);
	px_store_abort(t);
	t = NULL;
	assert_int_equal(store_size(s), 5);
	assert_false(leaf_present(s, 5));
	assert_int_equal(px_store_begin(&r, s, 0), PX_OK);
	assert_int_equal(px_store_get(r, PX_TABLE_LOTS, "lot-y", 5, &v, &len),
			 PX_ENOTFOUND);
	px_store_abort(r);
	r = NULL;

	/* Children committed and aborted in turn inside one parent (the
	 * ledger's batch): only the committed ones stay, with consecutive
	 * indexes and an unbroken chain. */
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	for (uint64_t k = 0; k < 6; k++) {
		uint64_t next = px_store_size(t);

		assert_int_equal(px_store_begin_nested(&c, t), PX_OK);
		append_in(c, next);
		if (k % 2 == 0) {
			assert_int_equal(px_store_commit(c), PX_OK);
			assert_int_equal(px_store_size(t), next + 1);
		} else {
			px_store_abort(c);
			assert_int_equal(px_store_size(t), next);
		}
		c = NULL;
	}
	/* A read snapshot taken now does not see the uncommitted parent. */
	assert_int_equal(px_store_begin(&r, s, 0), PX_OK);
	assert_int_equal(px_store_size(r), 5);
	assert_int_equal(px_store_commit(t), PX_OK);
	t = NULL;
	assert_int_equal(px_store_size(r), 5);
	assert_int_equal(px_store_leaf(r, 5, &v, &len), PX_ENOTFOUND);
	px_store_abort(r);
	r = NULL;
	assert_int_equal(store_size(s), 8);
	for (uint64_t i = 0; i < 8; i++)
		assert_true(leaf_present(s, i));
	assert_false(leaf_present(s, 8));
	{
		struct px_hash prev = { { 0 } }, want, h;

		assert_int_equal(px_store_begin(&r, s, 0), PX_OK);
		for (uint64_t i = 0; i < 8; i++) {
			size_t n;
			uint8_t *leaf = make_leaf(i, &n);

			ref_leaf_hash(&h, leaf, n);
			ref_chain(&want, &prev, &h);
			assert_int_equal(px_store_chain(r, i, &h), PX_OK);
			assert_memory_equal(h.b, want.b, 32);
			prev = want;
			free(leaf);
		}
		px_store_abort(r);
		r = NULL;
	}

	/* A child of a read snapshot makes no sense. */
	assert_int_equal(px_store_begin(&r, s, 0), PX_OK);
	assert_int_equal(px_store_begin_nested(&c, r), PX_EINVAL);
	assert_null(c);
	assert_int_equal(store_append(r, (const uint8_t *)"zz", 2, NULL, NULL),
			 PX_EINVAL);
	/* Committing a read snapshot just ends it. */
	assert_int_equal(px_store_commit(r), PX_OK);
	r = NULL;
	px_store_abort(NULL);

	px_store_close(s);
	free(dir);
	pxt_rmtree(base);
}

/* A scratch store writes its pages straight into the map: it commits and
 * reads like any store, refuses a nested transaction, and takes its folder
 * away when closed. */
static void
test_scratch_store(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = NULL;
	struct px_txn *t = NULL, *c = NULL;
	const uint8_t *v;
	size_t len;
	struct stat st;
	char *made;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(px_store_open_scratch(&s, dir, "scratch"), PX_OK);
	made = strdup(px_store_dir(s));
	assert_non_null(made);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_begin_nested(&c, t), PX_EINVAL);
	assert_null(c);
	append_in(t, 0);
	assert_int_equal(px_store_put(t, PX_TABLE_LOTS, "lot-s", 5, "v", 1),
			 PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	t = NULL;
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_size(t), 1);
	assert_int_equal(px_store_get(t, PX_TABLE_LOTS, "lot-s", 5, &v, &len),
			 PX_OK);
	assert_int_equal(len, 1);
	px_store_abort(t);
	px_store_close(s);
	assert_int_equal(stat(made, &st), -1);
	free(made);
	free(dir);
	pxt_rmtree(base);
}

/* ---- map growth ---- */

#define BIG_LEAF  1000
#define BIG_BATCH 64

static uint8_t *
big_leaf(uint64_t i)
{
	uint8_t *b = malloc(BIG_LEAF);

	assert_non_null(b);
	for (size_t j = 0; j < BIG_LEAF; j++)
		b[j] = (uint8_t)(i * 31 + j * 17 + (j >> 8));
	px_put_be64(b, i);
	return b;
}

/* Appends a batch of big leaves from `from` in one transaction. Returns
 * PX_OK or the first error of append or commit (the transaction undone). */
static int
try_big_batch(struct px_store *s, uint64_t from)
{
	struct px_txn *t = NULL;
	int rc;

	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_size(t), from);
	for (uint64_t i = from; i < from + BIG_BATCH; i++) {
		uint8_t *leaf = big_leaf(i);

		rc = store_append(t, leaf, BIG_LEAF, NULL, NULL);
		free(leaf);
		if (rc != PX_OK) {
			px_store_abort(t);
			return rc;
		}
	}
	return px_store_commit(t);
}

static void
test_map_growth(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	struct px_hash *lh = NULL, root, want;
	uint64_t size = 0;
	int rc = PX_OK, batches = 0;

	(void)state;
	assert_int_equal(
		px_store_open_sized(&s, dir, PX_STORE_CREATE, (size_t)1 << 20),
		PX_OK);
	/* 64 KB a batch fills a 1 MiB map well within 100 batches. */
	while ((rc = try_big_batch(s, size)) == PX_OK) {
		size += BIG_BATCH;
		assert_true(++batches < 100);
	}
	assert_int_equal(rc, PX_EFULL);
	assert_true(size > 0);
	/* The failed batch left nothing. */
	assert_int_equal(store_size(s), size);

	/* Grown, the same batch goes in, and more after it. */
	assert_int_equal(px_store_grow(s), PX_OK);
	assert_int_equal(try_big_batch(s, size), PX_OK);
	size += BIG_BATCH;
	for (int k = 0; k < 3; k++) {
		while ((rc = try_big_batch(s, size)) == PX_EFULL)
			assert_int_equal(px_store_grow(s), PX_OK);
		assert_int_equal(rc, PX_OK);
		size += BIG_BATCH;
	}
	assert_int_equal(store_size(s), size);
	px_store_close(s);
	s = NULL;

	/* Reopened with the small map again: LMDB takes the file's size, and
	 * every leaf is there with the right root. */
	assert_int_equal(px_store_open_sized(&s, dir, 0, (size_t)1 << 20),
			 PX_OK);
	lh = calloc((size_t)size, sizeof(*lh));
	assert_non_null(lh);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_size(t), size);
	for (uint64_t i = 0; i < size; i++) {
		const uint8_t *stored;
		size_t len;
		uint8_t *leaf = big_leaf(i);

		assert_int_equal(px_store_leaf(t, i, &stored, &len), PX_OK);
		assert_int_equal(len, BIG_LEAF);
		assert_memory_equal(stored, leaf, BIG_LEAF);
		ref_leaf_hash(&lh[i], leaf, BIG_LEAF);
		free(leaf);
	}
	want = ref_mth_plain(lh, size);
	assert_int_equal(px_store_root(t, size, &root), PX_OK);
	assert_memory_equal(root.b, want.b, 32);
	px_store_abort(t);
	t = NULL;
	/* And it still takes appends, growing as it needs to. */
	while ((rc = try_big_batch(s, size)) == PX_EFULL)
		assert_int_equal(px_store_grow(s), PX_OK);
	assert_int_equal(rc, PX_OK);
	{
		uint64_t bytes = 0;

		assert_int_equal(px_store_disk_bytes(s, &bytes), PX_OK);
		assert_true(bytes >= (size_t)1 << 20);
	}
	px_store_close(s);
	free(lh);
	free(dir);
	pxt_rmtree(base);
}

/*
 * The writer in another process grows the map past the size a reader here
 * opened with: the reader's next snapshot adopts the new size (store.h's
 * px_store_begin) and sees every leaf.
 */
static void
test_map_grown_elsewhere(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = NULL, *ro = NULL;
	struct px_txn *t = NULL;
	struct px_hash *lh, root, want;
	uint64_t size;
	int status = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(
		px_store_open_sized(&s, dir, PX_STORE_CREATE, (size_t)1 << 20),
		PX_OK);
	assert_int_equal(try_big_batch(s, 0), PX_OK);
	px_store_close(s);
	s = NULL;
	assert_int_equal(px_store_open_sized(&ro, dir, PX_STORE_READONLY,
					     (size_t)1 << 20),
			 PX_OK);
	assert_int_equal(store_size(ro), BIG_BATCH);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child: no cmocka here, an exit status instead. */
		uint64_t at = BIG_BATCH;
		int rc, grows = 0;

		if (px_store_open_sized(&s, dir, 0, (size_t)1 << 20) != PX_OK)
			_exit(2);
		while (at < 40 * BIG_BATCH) {
			rc = try_big_batch(s, at);
			if (rc == PX_EFULL && px_store_grow(s) == PX_OK) {
				grows++;
				continue;
			}
			if (rc != PX_OK)
				_exit(3);
			at += BIG_BATCH;
		}
		px_store_close(s);
		_exit(grows > 0 ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(px_store_begin(&t, ro, 0), PX_OK);
	size = px_store_size(t);
	assert_int_equal(size, 40 * BIG_BATCH);
	lh = calloc((size_t)size, sizeof(*lh));
	assert_non_null(lh);
	for (uint64_t i = 0; i < size; i++) {
		const uint8_t *stored;
		size_t len;
		uint8_t *leaf = big_leaf(i);

		assert_int_equal(px_store_leaf(t, i, &stored, &len), PX_OK);
		assert_int_equal(len, BIG_LEAF);
		assert_memory_equal(stored, leaf, BIG_LEAF);
		ref_leaf_hash(&lh[i], leaf, BIG_LEAF);
		free(leaf);
	}
	want = ref_mth_plain(lh, size);
	assert_int_equal(px_store_root(t, size, &root), PX_OK);
	assert_memory_equal(root.b, want.b, 32);
	px_store_abort(t);
	px_store_close(ro);
	free(lh);
	free(dir);
	pxt_rmtree(base);
}

/* ---- checkpoints ---- */

struct cp_seen {
	uint64_t sizes[8];
	char notes[8][32];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int
collect_cp(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct cp_seen *seen = ctx;

	assert_true(seen->n < 8 && len < sizeof(seen->notes[0]));
	seen->sizes[seen->n] = size;
	memcpy(seen->notes[seen->n], note, len);
	seen->notes[seen->n][len] = '\0';
	seen->n++;
	if (seen->stop_after && seen->n == seen->stop_after)
		return 42;
	return 0;
}

static void
test_checkpoints(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = create_store(dir);
	struct px_txn *t = NULL;
	struct cp_seen seen = { .n = 0 };
	const char *note;
	size_t len;
	uint64_t size;

	(void)state;
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_checkpoint_latest(t, &size, &note, &len),
			 PX_ENOTFOUND);
	assert_int_equal(px_store_checkpoint_each(t, collect_cp, &seen), PX_OK);
	assert_int_equal(seen.n, 0);
	/* Read snapshots do not write. */
	assert_int_equal(px_store_checkpoint_put(t, 1, "no", 2), PX_EINVAL);
	px_store_abort(t);

	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_checkpoint_put(t, 1, "note one", 8), PX_OK);
	/* Stored out of order; kept in size order (keys are big-endian, so
	 * 256 sorts after 5). */
	assert_int_equal(px_store_checkpoint_put(t, 256, "note 256", 8), PX_OK);
	assert_int_equal(px_store_checkpoint_put(t, 5, "note five", 9), PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);

	px_store_close(s);
	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_checkpoint_latest(t, &size, &note, &len),
			 PX_OK);
	assert_int_equal(size, 256);
	assert_int_equal(len, 8);
	assert_memory_equal(note, "note 256", 8);
	assert_int_equal(px_store_checkpoint_each(t, collect_cp, &seen), PX_OK);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.sizes[0], 1);
	assert_int_equal(seen.sizes[1], 5);
	assert_int_equal(seen.sizes[2], 256);
	assert_string_equal(seen.notes[0], "note one");
	assert_string_equal(seen.notes[1], "note five");
	assert_string_equal(seen.notes[2], "note 256");
	/* A non-zero return stops the walk and comes back. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	assert_int_equal(px_store_checkpoint_each(t, collect_cp, &seen), 42);
	assert_int_equal(seen.n, 2);
	px_store_abort(t);
	px_store_close(s);
	free(dir);
	pxt_rmtree(base);
}

/* ---- state tables ---- */

struct scan_seen {
	char keys[16][32];
	char values[16][16];
	size_t n;
	size_t stop_after;
};

static int
collect_record(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	       size_t vlen)
{
	struct scan_seen *seen = ctx;

	assert_true(seen->n < 16 && klen < 32 && vlen < 16);
	/* Keys here join ids with a 0 byte: show it as '/'. */
	for (size_t i = 0; i < klen; i++)
		seen->keys[seen->n][i] = key[i] ? (char)key[i] : '/';
	seen->keys[seen->n][klen] = '\0';
	memcpy(seen->values[seen->n], value, vlen);
	seen->values[seen->n][vlen] = '\0';
	seen->n++;
	return seen->stop_after && seen->n == seen->stop_after ? 7 : 0;
}

static size_t
scan(struct px_txn *t, enum px_table table, const void *prefix, size_t plen,
     struct scan_seen *seen)
{
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(
		px_store_scan(t, table, prefix, plen, collect_record, seen),
		PX_OK);
	return seen->n;
}

static void
put(struct px_txn *t, enum px_table table, const char *key, size_t klen,
    const char *value)
{
	assert_int_equal(
		px_store_put(t, table, key, klen, value, strlen(value)), PX_OK);
}

static void
test_state_tables(void **state)
{
	char *base, *dir = store_path(&base);
	struct px_store *s = create_store(dir);
	struct px_txn *t = NULL;
	struct scan_seen seen;
	uint8_t long_key[512];
	const uint8_t *v;
	size_t len;

	(void)state;
	assert_string_equal(px_store_table_name(PX_TABLE_ACTORS), "actors");
	assert_string_equal(px_store_table_name(PX_TABLE_HOLDINGS), "holdings");
	assert_string_equal(px_store_table_name(PX_TABLE_ORIGINS), "origins");
	assert_string_equal(px_store_table_name(PX_TABLE__COUNT), "unknown");

	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	/* Inserted out of order: "lot ‖ 0 ‖ holder" keys. */
	put(t, PX_TABLE_HOLDINGS, "lotB\0h1", 7, "40");
	put(t, PX_TABLE_HOLDINGS, "lotA\0h2", 7, "20");
	put(t, PX_TABLE_HOLDINGS, "lotAB\0x", 7, "30");
	put(t, PX_TABLE_HOLDINGS, "lotA\0h1", 7, "10");
	put(t, PX_TABLE_HOLDINGS, "lot", 3, "0");
	/* The same key in another table is another record. */
	put(t, PX_TABLE_HELD_BY, "lotA\0h1", 7, "other");
	/* Overwrite. */
	put(t, PX_TABLE_HOLDINGS, "lotA\0h2", 7, "21");
	assert_int_equal(px_store_commit(t), PX_OK);

	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(
		px_store_get(t, PX_TABLE_HOLDINGS, "lotA\0h2", 7, &v, &len),
		PX_OK);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "21", 2);
	assert_int_equal(
		px_store_get(t, PX_TABLE_HELD_BY, "lotA\0h1", 7, &v, &len),
		PX_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(v, "other", 5);
	assert_int_equal(
		px_store_get(t, PX_TABLE_HOLDINGS, "lotA\0h3", 7, &v, &len),
		PX_ENOTFOUND);
	assert_int_equal(
		px_store_get(t, PX_TABLE_LOTS, "lotA\0h1", 7, &v, &len),
		PX_ENOTFOUND);

	/* Everything, in key order. */
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, NULL, 0, &seen), 5);
	assert_string_equal(seen.keys[0], "lot");
	assert_string_equal(seen.keys[1], "lotA/h1");
	assert_string_equal(seen.keys[2], "lotA/h2");
	assert_string_equal(seen.keys[3], "lotAB/x");
	assert_string_equal(seen.keys[4], "lotB/h1");
	assert_string_equal(seen.values[2], "21");
	/* One lot's holders: the 0 byte keeps "lotAB" out. */
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "lotA", 5, &seen), 2);
	assert_string_equal(seen.keys[0], "lotA/h1");
	assert_string_equal(seen.values[0], "10");
	assert_string_equal(seen.keys[1], "lotA/h2");
	/* A plain string prefix. */
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "lotA", 4, &seen), 3);
	assert_string_equal(seen.keys[2], "lotAB/x");
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "lotB\0h1", 7, &seen), 1);
	/* Nothing there, before, between or past the keys. */
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "a", 1, &seen), 0);
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "lotAA", 5, &seen), 0);
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "zzz", 3, &seen), 0);
	assert_int_equal(scan(t, PX_TABLE_LABS, NULL, 0, &seen), 0);
	/* A non-zero return stops the scan and is returned. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	assert_int_equal(px_store_scan(t, PX_TABLE_HOLDINGS, "lot", 3,
				       collect_record, &seen),
			 7);
	assert_int_equal(seen.n, 2);
	/* Writes need the write transaction. */
	assert_int_equal(px_store_put(t, PX_TABLE_LOTS, "k", 1, "v", 1),
			 PX_EINVAL);
	assert_int_equal(px_store_del(t, PX_TABLE_HOLDINGS, "lot", 3),
			 PX_EINVAL);
	assert_int_equal(px_store_clear(t, PX_TABLE_HOLDINGS), PX_EINVAL);
	px_store_abort(t);

	/* Keys LMDB cannot take, tables that do not exist. */
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	memset(long_key, 'k', sizeof(long_key));
	assert_int_equal(px_store_put(t, PX_TABLE_LOTS, long_key, 511, "v", 1),
			 PX_OK);
	assert_int_equal(px_store_put(t, PX_TABLE_LOTS, long_key, 512, "v", 1),
			 PX_EINVAL);
	assert_int_equal(px_store_put(t, PX_TABLE_LOTS, "", 0, "v", 1),
			 PX_EINVAL);
	assert_int_equal(px_store_get(t, PX_TABLE_LOTS, "", 0, &v, &len),
			 PX_EINVAL);
	assert_int_equal(px_store_put(t, PX_TABLE__COUNT, "k", 1, "v", 1),
			 PX_EINVAL);
	assert_int_equal(px_store_get(t, PX_TABLE__COUNT, "k", 1, &v, &len),
			 PX_EINVAL);
	assert_int_equal(px_store_del(t, PX_TABLE__COUNT, "k", 1), PX_EINVAL);
	assert_int_equal(px_store_scan(t, PX_TABLE__COUNT, NULL, 0,
				       collect_record, &seen),
			 PX_EINVAL);
	assert_int_equal(px_store_clear(t, PX_TABLE__COUNT), PX_EINVAL);
	assert_int_equal(px_store_del(t, PX_TABLE_LOTS, long_key, 511), PX_OK);

	/* Delete. */
	assert_int_equal(px_store_del(t, PX_TABLE_HOLDINGS, "lotA\0h1", 7),
			 PX_OK);
	assert_int_equal(px_store_del(t, PX_TABLE_HOLDINGS, "lotA\0h1", 7),
			 PX_ENOTFOUND);
	assert_int_equal(
		px_store_get(t, PX_TABLE_HOLDINGS, "lotA\0h1", 7, &v, &len),
		PX_ENOTFOUND);
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, "lotA", 5, &seen), 1);
	assert_string_equal(seen.keys[0], "lotA/h2");
	/* The twin in the other table stays. */
	assert_int_equal(
		px_store_get(t, PX_TABLE_HELD_BY, "lotA\0h1", 7, &v, &len),
		PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);

	/* Clear one table: the others and the log are untouched. */
	append_range(s, 0, 2);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_checkpoint_put(t, 2, "cp", 2), PX_OK);
	assert_int_equal(px_store_clear(t, PX_TABLE_HOLDINGS), PX_OK);
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, NULL, 0, &seen), 0);
	/* A cleared table takes records again. */
	put(t, PX_TABLE_HOLDINGS, "fresh", 5, "1");
	assert_int_equal(px_store_commit(t), PX_OK);

	px_store_close(s);
	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(scan(t, PX_TABLE_HOLDINGS, NULL, 0, &seen), 1);
	assert_string_equal(seen.keys[0], "fresh");
	assert_int_equal(scan(t, PX_TABLE_HELD_BY, NULL, 0, &seen), 1);
	assert_string_equal(seen.values[0], "other");
	assert_int_equal(px_store_size(t), 2);
	{
		const char *note;
		uint64_t size;

		assert_int_equal(
			px_store_checkpoint_latest(t, &size, &note, &len),
			PX_OK);
		assert_int_equal(size, 2);
	}
	px_store_abort(t);
	px_store_close(s);
	free(dir);
	pxt_rmtree(base);
}

/* What px_store_table_diff says of table in two stores' snapshots. */
static enum px_store_diff
diff_of(struct px_store *a, struct px_store *b, enum px_table table,
	const char *want_key, size_t want_len)
{
	struct px_txn *ta = NULL, *tb = NULL;
	enum px_store_diff d;
	const uint8_t *key;
	size_t klen;

	assert_int_equal(px_store_begin(&ta, a, 0), PX_OK);
	assert_int_equal(px_store_begin(&tb, b, 0), PX_OK);
	assert_int_equal(px_store_table_diff(ta, tb, table, &d, &key, &klen),
			 PX_OK);
	if (want_key) {
		assert_int_equal(klen, want_len);
		assert_memory_equal(key, want_key, want_len);
	} else {
		assert_null(key);
	}
	px_store_abort(tb);
	px_store_abort(ta);
	return d;
}

/* Two stores' tables compared in key order at once (audit's last step):
 * equal, a record only on one side, a value that differs; the first
 * difference in key order is the one named. */
static void
test_table_diff(void **state)
{
	char *base_a, *dir_a = store_path(&base_a);
	char *base_b, *dir_b = store_path(&base_b);
	struct px_store *a = create_store(dir_a), *b = create_store(dir_b);
	struct px_txn *t = NULL;
	enum px_store_diff d;
	const uint8_t *key;
	size_t klen;

	(void)state;
	/* Empty on both sides, and no such table. */
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, NULL, 0), PX_DIFF_NONE);
	assert_int_equal(px_store_begin(&t, a, 0), PX_OK);
	assert_int_equal(
		px_store_table_diff(t, t, PX_TABLE__COUNT, &d, &key, &klen),
		PX_EINVAL);
	px_store_abort(t);

	for (int side = 0; side < 2; side++) {
		assert_int_equal(px_store_begin(&t, side ? b : a, 1), PX_OK);
		put(t, PX_TABLE_LOTS, "lot-1", 5, "one");
		put(t, PX_TABLE_LOTS, "lot-2", 5, "two");
		put(t, PX_TABLE_LOTS, "lot-3", 5, "three");
		assert_int_equal(px_store_commit(t), PX_OK);
	}
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, NULL, 0), PX_DIFF_NONE);

	/* Past the end of the other side, then before its start. */
	assert_int_equal(px_store_begin(&t, a, 1), PX_OK);
	put(t, PX_TABLE_LOTS, "lot-4", 5, "four");
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, "lot-4", 5),
			 PX_DIFF_ONLY_A);
	assert_int_equal(diff_of(b, a, PX_TABLE_LOTS, "lot-4", 5),
			 PX_DIFF_ONLY_B);
	assert_int_equal(px_store_begin(&t, b, 1), PX_OK);
	put(t, PX_TABLE_LOTS, "lot-0", 5, "zero");
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, "lot-0", 5),
			 PX_DIFF_ONLY_B);

	/* A value that differs, in the middle, comes before both. */
	assert_int_equal(px_store_begin(&t, b, 1), PX_OK);
	assert_int_equal(px_store_del(t, PX_TABLE_LOTS, "lot-0", 5), PX_OK);
	put(t, PX_TABLE_LOTS, "lot-4", 5, "four");
	put(t, PX_TABLE_LOTS, "lot-2", 5, "TWO");
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, "lot-2", 5),
			 PX_DIFF_VALUE);
	/* A value of another length, and a key that is a prefix of another. */
	assert_int_equal(px_store_begin(&t, b, 1), PX_OK);
	put(t, PX_TABLE_LOTS, "lot-2", 5, "two");
	put(t, PX_TABLE_LOTS, "lot-3", 5, "thre");
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, "lot-3", 5),
			 PX_DIFF_VALUE);
	assert_int_equal(px_store_begin(&t, b, 1), PX_OK);
	put(t, PX_TABLE_LOTS, "lot-3", 5, "three");
	put(t, PX_TABLE_LOTS, "lot-", 4, "prefix");
	assert_int_equal(px_store_commit(t), PX_OK);
	assert_int_equal(diff_of(a, b, PX_TABLE_LOTS, "lot-", 4),
			 PX_DIFF_ONLY_B);
	/* Other tables are not looked at. */
	assert_int_equal(diff_of(a, b, PX_TABLE_HOLDINGS, NULL, 0),
			 PX_DIFF_NONE);

	px_store_close(a);
	px_store_close(b);
	free(dir_a);
	free(dir_b);
	pxt_rmtree(base_a);
	pxt_rmtree(base_b);
}

static void
test_be64(void **state)
{
	const uint64_t values[] = {
		0, 1, 255, 256, 0x0102030405060708ull, UINT64_MAX
	};
	uint8_t b[8];

	(void)state;
	px_put_be64(b, 0x0102030405060708ull);
	assert_memory_equal(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		px_put_be64(b, values[i]);
		assert_true(px_get_be64(b) == values[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_create),
		cmocka_unit_test(test_open_other_format),
		cmocka_unit_test(test_append_and_hashes),
		cmocka_unit_test(test_nested_transactions),
		cmocka_unit_test(test_scratch_store),
		cmocka_unit_test(test_map_growth),
		cmocka_unit_test(test_map_grown_elsewhere),
		cmocka_unit_test(test_checkpoints),
		cmocka_unit_test(test_be64),
		cmocka_unit_test(test_state_tables),
		cmocka_unit_test(test_table_diff),
	};

	if (px_crypto_init() != PX_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
