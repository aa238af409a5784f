/*
 * paxta — the verifiable index, kept incrementally in the store (index.h).
 *
 * The stored tree: PX_TABLE_INDEX_LEAVES holds every key's value, and
 * PX_TABLE_INDEX_NODES the hash of every subtree holding two leaves or
 * more, keyed by its depth and its path (the key's first depth bits, the
 * rest zero). A subtree of one leaf is that leaf's hash and an empty one is
 * zeros (smt.h), so neither is stored: which of the three a subtree is, the
 * leaves table says by its first two keys in the subtree's range. Keys are
 * never removed, so a stored subtree never becomes a lone leaf again.
 *
 * A key's leaf is written when its list grows; the subtrees above the
 * keys a transaction changed are rewritten once, when it commits
 * (px_store_pending), or before anything in it reads a stored subtree.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "paxta/index.h"

#define NODE_KEY_LEN (1 + PX_HASH_LEN)

/* key with the bits from depth d on cleared (d < 256). */
static void
path_of(struct px_hash *out, const struct px_hash *key, size_t d)
{
	*out = *key;
	if (d >= PX_SMT_DEPTH)
		return;
	out->b[d / 8] &= (uint8_t)(0xff00 >> (d % 8));
	memset(out->b + d / 8 + 1, 0, PX_HASH_LEN - d / 8 - 1);
}

/* The last key of the subtree at depth d whose path is path. */
static void
last_of(struct px_hash *out, const struct px_hash *path, size_t d)
{
	*out = *path;
	if (d >= PX_SMT_DEPTH)
		return;
	out->b[d / 8] |= (uint8_t)(0xff >> (d % 8));
	memset(out->b + d / 8 + 1, 0xff, PX_HASH_LEN - d / 8 - 1);
}

static int
get_leaf(struct px_txn *t, const uint8_t *key, struct px_smt_leaf *out)
{
	const uint8_t *v;
	size_t len;
	int rc;

	rc = px_store_get(t, PX_TABLE_INDEX_LEAVES, key, PX_HASH_LEN, &v, &len);
	if (rc != PX_OK)
		return rc;
	if (len != PX_HASH_LEN)
		return PX_ESTORE;
	memmove(out->key.b, key, PX_HASH_LEN); /* key may be out->key */
	memcpy(out->value.b, v, PX_HASH_LEN);
	return PX_OK;
}

static void
node_key(uint8_t out[NODE_KEY_LEN], const struct px_hash *path, size_t d)
{
	out[0] = (uint8_t)d;
	memcpy(out + 1, path->b, PX_HASH_LEN);
}

enum shape {
	EMPTY,
	ONE,
	MANY
};

/* The first leaf of the subtree at depth d with path into *one, and
 * *found 1; or *found 0 when the subtree holds none. */
static int
first_leaf(int *found, struct px_smt_leaf *one, struct px_txn *t,
	   const struct px_hash *path, size_t d)
{
	struct px_hash last;
	const uint8_t *k, *v;
	size_t klen, vlen;
	int rc;

	*found = 0;
	last_of(&last, path, d);
	rc = px_store_seek(t, PX_TABLE_INDEX_LEAVES, path->b, PX_HASH_LEN, &k,
			   &klen, &v, &vlen);
	if (rc == PX_ENOTFOUND ||
	    (rc == PX_OK && memcmp(k, last.b, PX_HASH_LEN) > 0))
		return PX_OK;
	if (rc != PX_OK)
		return rc;
	if (klen != PX_HASH_LEN || vlen != PX_HASH_LEN)
		return PX_ESTORE;
	memcpy(one->key.b, k, PX_HASH_LEN);
	memcpy(one->value.b, v, PX_HASH_LEN);
	*found = 1;
	return PX_OK;
}

/*
 * What the subtree at depth d with path holds: two leaves or more (its
 * stored hash into *hash), one (into *one), or nothing. A stored subtree
 * is looked up first — one lookup for most siblings — and only when there
 * is none, the first leaf of its range.
 */
static int
shape_of(enum shape *out, struct px_hash *hash, struct px_smt_leaf *one,
	 struct px_txn *t, const struct px_hash *path, size_t d)
{
	uint8_t nk[NODE_KEY_LEN];
	const uint8_t *v;
	size_t vlen;
	int found, rc;

	if (d < PX_SMT_DEPTH) {
		node_key(nk, path, d);
		rc = px_store_get(t, PX_TABLE_INDEX_NODES, nk, sizeof(nk), &v,
				  &vlen);
		if (rc == PX_OK) {
			if (vlen != PX_HASH_LEN)
				return PX_ESTORE;
			memcpy(hash->b, v, PX_HASH_LEN);
			*out = MANY;
			return PX_OK;
		}
		if (rc != PX_ENOTFOUND)
			return rc;
	}
	if ((rc = first_leaf(&found, one, t, path, d)) != PX_OK)
		return rc;
	*out = found ? ONE : EMPTY;
	return PX_OK;
}

/* The hash of the subtree at depth d with path. */
static int
subtree(struct px_hash *out, struct px_txn *t, const struct px_hash *path,
	size_t d)
{
	struct px_smt_leaf one;
	enum shape shape;
	int rc;

	if ((rc = shape_of(&shape, out, &one, t, path, d)) != PX_OK)
		return rc;
	if (shape == EMPTY)
		memset(out->b, 0, sizeof(out->b));
	else if (shape == ONE)
		rc = px_smt_leaf_hash(out, &one);
	return rc;
}

/* The sibling at depth d + 1 of key's path at depth d. */
static int
sibling(struct px_hash *out, struct px_txn *t, const struct px_hash *key,
	size_t d)
{
	struct px_hash path;

	path_of(&path, key, d + 1);
	path.b[d / 8] ^= (uint8_t)(0x80 >> (d % 8));
	return subtree(out, t, &path, d + 1);
}

/* ---- the paths above the keys a transaction changed ---- */

/* The keys whose leaves changed since the transaction began, rewritten at
 * its commit (px_store_pending): a batch's keys share the top of the tree,
 * and each subtree on their paths is rewritten once. */
struct dirty {
	struct px_hash *keys;
	size_t n, cap;
	size_t sorted; /* keys[0..sorted) are in order, without repeats */
};

static int
by_key(const void *a, const void *b)
{
	return memcmp(a, b, PX_HASH_LEN);
}

/*
 * How many leaves (0, 1, or 2 for two or more) the subtree at depth d with
 * path holds, counted in the leaves table: while paths are pending, a
 * subtree that just got its second leaf has no stored node yet. *first
 * gets its first leaf.
 */
static int
count_leaves(int *count, struct px_smt_leaf *first, struct px_txn *t,
	     const struct px_hash *path, size_t d)
{
	struct px_hash last;
	const uint8_t *below, *above;
	size_t below_len, above_len;
	int rc = first_leaf(count, first, t, path, d);

	if (rc != PX_OK || *count == 0)
		return rc;
	rc = px_store_near(t, PX_TABLE_INDEX_LEAVES, first->key.b, PX_HASH_LEN,
			   &below, &below_len, &above, &above_len);
	if (rc != PX_OK)
		return rc;
	last_of(&last, path, d);
	*count = above && above_len == PX_HASH_LEN &&
				 memcmp(above, last.b, PX_HASH_LEN) <= 0
			 ? 2
			 : 1;
	return PX_OK;
}

/*
 * The hash of the subtree at depth d with path, in which the leaves of
 * keys[0..n) (in order, all in the subtree) may have changed: every stored
 * subtree on their paths is rewritten, each once; the others are read as
 * they are. A key with no leaf (its entry was refused after it was noted)
 * changes nothing.
 */
static int
rewrite(struct px_hash *out, struct px_txn *t, const struct px_hash *path,
	size_t d, const struct px_hash *keys, size_t n)
{
	struct px_smt_leaf first;
	struct px_hash left, right, rpath;
	uint8_t nk[NODE_KEY_LEN];
	const uint8_t *v;
	size_t vlen, split = 0;
	int count = 2, rc;

	if (n == 0 || d >= PX_SMT_DEPTH)
		return subtree(out, t, path, d);
	/* A stored subtree holds two leaves or more, for good (keys are
	 * never removed); else count them. */
	node_key(nk, path, d);
	rc = px_store_get(t, PX_TABLE_INDEX_NODES, nk, sizeof(nk), &v, &vlen);
	if (rc == PX_ENOTFOUND)
		rc = count_leaves(&count, &first, t, path, d);
	if (rc != PX_OK)
		return rc;
	if (count == 0) {
		memset(out->b, 0, sizeof(out->b));
		return PX_OK;
	}
	if (count == 1)
		return px_smt_leaf_hash(out, &first);
	while (split < n && !px_smt_bit(&keys[split], d))
		split++;
	rpath = *path;
	rpath.b[d / 8] |= (uint8_t)(0x80 >> (d % 8));
	if ((rc = rewrite(&left, t, path, d + 1, keys, split)) != PX_OK ||
	    (rc = rewrite(&right, t, &rpath, d + 1, keys + split, n - split)) !=
		    PX_OK ||
	    (rc = px_smt_node_hash(out, &left, &right)) != PX_OK)
		return rc;
	return px_store_put(t, PX_TABLE_INDEX_NODES, nk, sizeof(nk), out->b,
			    PX_HASH_LEN);
}

/* Rewrite the paths of every key noted so far. */
static int
flush_paths(struct px_txn *t, void *state)
{
	struct dirty *dt = state;
	struct px_hash root, top = { { 0 } };
	size_t n = 0;

	if (dt->sorted < dt->n) {
		qsort(dt->keys, dt->n, sizeof(*dt->keys), by_key);
		for (size_t i = 0; i < dt->n; i++)
			if (n == 0 || memcmp(dt->keys[n - 1].b, dt->keys[i].b,
					     PX_HASH_LEN) != 0)
				dt->keys[n++] = dt->keys[i];
		dt->n = dt->sorted = n;
	}
	return rewrite(&root, t, &top, 0, dt->keys, dt->n);
}

static void
drop_paths(void *state)
{
	struct dirty *dt = state;

	if (dt)
		free(dt->keys);
	free(dt);
}

static const struct px_store_pending pending_paths = { flush_paths,
						       drop_paths };

/* Note that key's leaf changed: its path is rewritten at commit. */
static int
note_key(struct px_txn *t, const struct px_hash *key)
{
	struct dirty *dt = px_store_pending_get(t, &pending_paths);
	int rc;

	if (!dt) {
		if (!(dt = calloc(1, sizeof(*dt))))
			return PX_ENOMEM;
		if ((rc = px_store_pending_set(t, &pending_paths, dt)) !=
		    PX_OK) {
			free(dt);
			return rc;
		}
	}
	rc = px_array_grow((void **)&dt->keys, &dt->cap, dt->n + 1,
			   sizeof(*dt->keys));
	if (rc == PX_OK)
		dt->keys[dt->n++] = *key;
	return rc;
}

/* Readers of the stored subtrees see the paths rewritten first. In the
 * outermost transaction they are then done with; a nested one may still
 * be undone, so there the keys stay noted for the commit. */
static int
paths_current(struct px_txn *t)
{
	struct dirty *dt = px_store_pending_get(t, &pending_paths);
	int rc = dt ? flush_paths(t, dt) : PX_OK;

	if (rc == PX_OK && dt && !px_store_nested(t))
		dt->n = dt->sorted = 0;
	return rc;
}

static int
chain(struct px_hash *out, const struct px_hash *prev, uint64_t index)
{
	uint8_t be[8];

	px_put_be64(be, index);
	return px_sha256_prefixed(out, PX_INDEX_VALUE_TAG, prev->b, PX_HASH_LEN,
				  be, sizeof(be));
}

int
px_index_value(struct px_hash *out, const uint64_t *indexes, size_t n)
{
	struct px_hash v = { { 0 } };
	int rc = PX_OK;

	for (size_t i = 0; i < n && rc == PX_OK; i++)
		rc = chain(&v, &v, indexes[i]);
	if (rc == PX_OK)
		*out = v;
	return rc;
}

int
px_index_add(struct px_txn *t, const char *label, uint64_t index)
{
	struct px_smt_leaf leaf = { 0 };
	struct px_hash prev = { { 0 } };
	uint8_t lk[PX_HASH_LEN + 8];
	const uint8_t *v, *below, *above;
	size_t len, below_len, above_len;
	int rc;

	if ((rc = px_smt_key(&leaf.key, label)) != PX_OK)
		return rc;
	memcpy(lk, leaf.key.b, PX_HASH_LEN);
	px_put_be64(lk + PX_HASH_LEN, index);
	rc = px_store_get(t, PX_TABLE_INDEX_LISTS, lk, sizeof(lk), &v, &len);
	if (rc == PX_OK)
		return PX_OK; /* one entry naming the key twice */
	if (rc != PX_ENOTFOUND)
		return rc;
	/* The chain is in log order: nothing of the key's after index. */
	rc = px_store_near(t, PX_TABLE_INDEX_LISTS, lk, sizeof(lk), &below,
			   &below_len, &above, &above_len);
	if (rc != PX_OK)
		return rc;
	if (above && above_len >= PX_HASH_LEN &&
	    memcmp(above, leaf.key.b, PX_HASH_LEN) == 0)
		return PX_EINVAL;
	rc = get_leaf(t, leaf.key.b, &leaf);
	if (rc == PX_OK)
		prev = leaf.value;
	else if (rc != PX_ENOTFOUND)
		return rc;
	rc = px_store_put(t, PX_TABLE_INDEX_LISTS, lk, sizeof(lk), "", 0);
	if (rc == PX_OK)
		rc = chain(&leaf.value, &prev, index);
	if (rc == PX_OK)
		rc = px_store_put(t, PX_TABLE_INDEX_LEAVES, leaf.key.b,
				  PX_HASH_LEN, leaf.value.b, PX_HASH_LEN);
	if (rc == PX_OK)
		rc = note_key(t, &leaf.key);
	return rc;
}

int
px_index_root(struct px_txn *t, struct px_hash *out)
{
	struct px_hash top = { { 0 } };
	int rc = paths_current(t);

	return rc == PX_OK ? subtree(out, t, &top, 0) : rc;
}

/* The index a list record (key ‖ index, 8 bytes big-endian) names: 1 when
 * it is below size, 0 when it is not, PX_ESTORE for a record of another
 * length. */
static int
record_index(uint64_t *index, const uint8_t *key, size_t klen, uint64_t size)
{
	if (klen != PX_HASH_LEN + 8)
		return PX_ESTORE;
	*index = px_get_be64(key + PX_HASH_LEN);
	return *index < size;
}

struct list {
	uint64_t size;
	uint64_t *idx;
	size_t n, cap;
};

static int
take_index(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	   size_t vlen)
{
	struct list *l = ctx;
	uint64_t index;
	int rc = record_index(&index, key, klen, l->size);

	(void)value;
	(void)vlen;
	if (rc <= 0)
		return rc;
	rc = px_array_grow((void **)&l->idx, &l->cap, l->n + 1,
			   sizeof(*l->idx));
	if (rc == PX_OK)
		l->idx[l->n++] = index;
	return rc;
}

int
px_index_list(uint64_t **out, size_t *n, struct px_txn *t,
	      const struct px_hash *key, uint64_t size)
{
	struct list l = { size, NULL, 0, 0 };
	int rc;

	rc = px_store_scan(t, PX_TABLE_INDEX_LISTS, key->b, PX_HASH_LEN,
			   take_index, &l);
	if (rc != PX_OK) {
		free(l.idx);
		l.idx = NULL;
		l.n = 0;
	}
	*out = l.idx;
	*n = l.n;
	return rc;
}

int
px_index_prove(struct px_smt_proof *out, struct px_txn *t,
	       const struct px_hash *key)
{
	struct px_hash path;
	enum shape shape;
	size_t d = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = paths_current(t)) != PX_OK)
		return rc;
	/* Down the key's path while two or more leaves share it. */
	for (;;) {
		struct px_hash here;

		path_of(&path, key, d);
		rc = shape_of(&shape, &here, &out->leaf, t, &path, d);
		if (rc != PX_OK)
			return rc;
		if (shape != MANY)
			break;
		if (d >= PX_SMT_DEPTH)
			return PX_ESTORE;
		if ((rc = sibling(&out->siblings[d], t, key, d)) != PX_OK)
			return rc;
		d++;
	}
	out->n_siblings = d;
	out->ends_at_leaf = shape == ONE;
	if (!out->ends_at_leaf)
		memset(&out->leaf, 0, sizeof(out->leaf));
	return PX_OK;
}

/* Every key's value over its indexes below size, from the lists (in key
 * order: a list's records begin with its key). */
struct rebuild {
	uint64_t size;
	struct px_smt_leaf *leaves;
	size_t n, cap;
	int open; /* leaves[n - 1] is the key being read */
};

static int
take_all(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	 size_t vlen)
{
	struct rebuild *r = ctx;
	uint64_t index;
	int rc = record_index(&index, key, klen, r->size);

	(void)value;
	(void)vlen;
	if (rc <= 0)
		return rc;
	if (!r->n || memcmp(r->leaves[r->n - 1].key.b, key, PX_HASH_LEN) != 0) {
		rc = px_array_grow((void **)&r->leaves, &r->cap, r->n + 1,
				   sizeof(*r->leaves));
		if (rc != PX_OK)
			return rc;
		memcpy(r->leaves[r->n].key.b, key, PX_HASH_LEN);
		memset(r->leaves[r->n].value.b, 0, PX_HASH_LEN);
		r->n++;
	}
	return chain(&r->leaves[r->n - 1].value, &r->leaves[r->n - 1].value,
		     index);
}

int
px_index_at(struct px_hash *root, struct px_smt_proof *out, struct px_txn *t,
	    uint64_t size, const struct px_hash *key)
{
	struct rebuild r = { size, NULL, 0, 0, 0 };
	int rc;

	rc = px_store_scan(t, PX_TABLE_INDEX_LISTS, NULL, 0, take_all, &r);
	if (rc == PX_OK)
		rc = px_smt_root(root, r.leaves, r.n);
	if (rc == PX_OK && key && out)
		rc = px_smt_prove(out, r.leaves, r.n, key);
	if (rc == PX_EINVAL)
		rc = PX_ESTORE;
	free(r.leaves);
	return rc;
}
