/*
 * paxta — the sparse Merkle tree of the verifiable index (smt.h).
 */
#include <stdlib.h>
#include <string.h>

#include "paxta/smt.h"

#define SMT_LEAF 0x10
#define SMT_NODE 0x11

/* Bit d of key, most significant first: the path's turn at depth d. */
static int
bit(const struct px_hash *key, size_t d)
{
	return (key->b[d / 8] >> (7 - d % 8)) & 1;
}

static int
leaf_hash(struct px_hash *out, const struct px_smt_leaf *l)
{
	return px_sha256_prefixed(out, SMT_LEAF, l->key.b, sizeof(l->key.b),
				  l->value.b, sizeof(l->value.b));
}

static int
node_hash(struct px_hash *out, const struct px_hash *left,
	  const struct px_hash *right)
{
	return px_sha256_prefixed(out, SMT_NODE, left->b, sizeof(left->b),
				  right->b, sizeof(right->b));
}

static int
cmp_leaf(const void *a, const void *b)
{
	return memcmp(((const struct px_smt_leaf *)a)->key.b,
		      ((const struct px_smt_leaf *)b)->key.b, PX_HASH_LEN);
}

/* The first of leaves[lo..hi) (sorted, sharing the first d bits) whose
 * bit d is 1. */
static size_t
split(const struct px_smt_leaf *leaves, size_t lo, size_t hi, size_t d)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bit(&leaves[mid].key, d))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The subtree at depth d holding leaves[lo..hi). Distinct keys part
 * before depth 256, so the recursion ends there. */
static int
subtree(struct px_hash *out, const struct px_smt_leaf *leaves, size_t lo,
	size_t hi, size_t d)
{
	struct px_hash left, right;
	size_t m;
	int rc;

	if (lo == hi) {
		memset(out->b, 0, sizeof(out->b));
		return PX_OK;
	}
	if (hi - lo == 1)
		return leaf_hash(out, &leaves[lo]);
	if (d >= PX_SMT_DEPTH)
		return PX_EINVAL; /* two leaves of one key */
	m = split(leaves, lo, hi, d);
	if ((rc = subtree(&left, leaves, lo, m, d + 1)) != PX_OK ||
	    (rc = subtree(&right, leaves, m, hi, d + 1)) != PX_OK)
		return rc;
	return node_hash(out, &left, &right);
}

int
px_smt_leaf_hash(struct px_hash *out, const struct px_smt_leaf *leaf)
{
	return leaf_hash(out, leaf);
}

int
px_smt_node_hash(struct px_hash *out, const struct px_hash *left,
		 const struct px_hash *right)
{
	return node_hash(out, left, right);
}

int
px_smt_bit(const struct px_hash *key, size_t d)
{
	return bit(key, d);
}

int
px_smt_key(struct px_hash *out, const char *label)
{
	return px_sha256(out, label, strlen(label));
}

int
px_smt_root(struct px_hash *out, struct px_smt_leaf *leaves, size_t n)
{
	if (n > 1)
		qsort(leaves, n, sizeof(*leaves), cmp_leaf);
	for (size_t i = 1; i < n; i++)
		if (cmp_leaf(&leaves[i - 1], &leaves[i]) == 0)
			return PX_EINVAL;
	return subtree(out, leaves, 0, n, 0);
}

int
px_smt_prove(struct px_smt_proof *out, const struct px_smt_leaf *leaves,
	     size_t n, const struct px_hash *key)
{
	size_t lo = 0, hi = n, d = 0;
	int rc;

	for (size_t i = 1; i < n; i++)
		if (cmp_leaf(&leaves[i - 1], &leaves[i]) >= 0)
			return PX_EINVAL;
	memset(out, 0, sizeof(*out));
	/* Down the key's path while two or more leaves share it. */
	while (hi - lo > 1) {
		size_t m = split(leaves, lo, hi, d);
		struct px_hash *sib = &out->siblings[d];

		if (bit(key, d)) {
			rc = subtree(sib, leaves, lo, m, d + 1);
			lo = m;
		} else {
			rc = subtree(sib, leaves, m, hi, d + 1);
			hi = m;
		}
		if (rc != PX_OK)
			return rc;
		d++;
	}
	out->n_siblings = d;
	if (hi - lo == 1) {
		out->ends_at_leaf = 1;
		out->leaf = leaves[lo];
	}
	return PX_OK;
}

int
px_smt_verify(const struct px_smt_proof *proof, const struct px_hash *root,
	      const struct px_hash *key, const struct px_hash *value)
{
	struct px_hash h;
	size_t d = proof->n_siblings;
	int same_key, rc;

	if (d > PX_SMT_DEPTH)
		return PX_EVERIFY;
	if (proof->ends_at_leaf) {
		/* The leaf standing at depth d must be on the key's path. */
		for (size_t i = 0; i < d; i++)
			if (bit(&proof->leaf.key, i) != bit(key, i))
				return PX_EVERIFY;
		same_key = memcmp(proof->leaf.key.b, key->b, PX_HASH_LEN) == 0;
		if (value ? !same_key || memcmp(proof->leaf.value.b, value->b,
						PX_HASH_LEN) != 0
			  : same_key)
			return PX_EVERIFY;
		if ((rc = leaf_hash(&h, &proof->leaf)) != PX_OK)
			return rc;
	} else {
		if (value)
			return PX_EVERIFY;
		memset(h.b, 0, sizeof(h.b));
	}
	while (d-- > 0) {
		struct px_hash below = h;

		rc = bit(key, d) ? node_hash(&h, &proof->siblings[d], &below)
				 : node_hash(&h, &below, &proof->siblings[d]);
		if (rc != PX_OK)
			return rc;
	}
	return memcmp(h.b, root->b, PX_HASH_LEN) == 0 ? PX_OK : PX_EVERIFY;
}
