/*
 * Unit tests for smt.c: the sparse Merkle tree of the verifiable index —
 * roots by hand for small trees, and for a thousand leaves every
 * membership and absence proof, and the ones that must fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/smt.h"

#define MANY 1000

static struct px_hash
hash_of(const char *prefix, unsigned i)
{
	struct px_hash h;
	char label[64];

	snprintf(label, sizeof(label), "%s%u", prefix, i);
	assert_int_equal(px_smt_key(&h, label), PX_OK);
	return h;
}

static struct px_hash
leaf(const struct px_smt_leaf *l)
{
	struct px_hash h;

	assert_int_equal(
		px_sha256_prefixed(&h, 0x10, l->key.b, 32, l->value.b, 32),
		PX_OK);
	return h;
}

static struct px_hash
node(const struct px_hash *a, const struct px_hash *b)
{
	struct px_hash h;

	assert_int_equal(px_sha256_prefixed(&h, 0x11, a->b, 32, b->b, 32),
			 PX_OK);
	return h;
}

/* No leaves: the root is Z, every key absent, none present. */
static void
test_smt_empty(void **state)
{
	struct px_hash root, zero = { { 0 } }, key = hash_of("lot:", 1);
	struct px_smt_proof p;

	(void)state;
	assert_int_equal(px_smt_root(&root, NULL, 0), PX_OK);
	assert_memory_equal(root.b, zero.b, 32);
	assert_int_equal(px_smt_prove(&p, NULL, 0, &key), PX_OK);
	assert_int_equal(p.n_siblings, 0);
	assert_int_equal(px_smt_verify(&p, &root, &key, NULL), PX_OK);
	assert_int_equal(px_smt_verify(&p, &root, &key, &zero), PX_EVERIFY);
}

/* Roots by hand: one leaf stands at the root; keys that part at the first
 * bit; keys that share it and part at the second, beside an empty half. */
static void
test_smt_roots_by_hand(void **state)
{
	struct px_smt_leaf l[2];
	struct px_hash root, want, zero = { { 0 } }, below;

	(void)state;
	memset(l, 0, sizeof(l));
	l[0].value = hash_of("v", 0);
	l[1].value = hash_of("v", 1);
	l[1].key.b[0] = 0x80;
	assert_int_equal(px_smt_root(&root, l, 1), PX_OK);
	want = leaf(&l[0]);
	assert_memory_equal(root.b, want.b, 32);

	assert_int_equal(px_smt_root(&root, l, 2), PX_OK);
	want = node((struct px_hash[]){ leaf(&l[0]) },
		    (struct px_hash[]){ leaf(&l[1]) });
	assert_memory_equal(root.b, want.b, 32);

	l[1].key.b[0] = 0x40; /* 01…: both take the left half */
	assert_int_equal(px_smt_root(&root, l, 2), PX_OK);
	below = node((struct px_hash[]){ leaf(&l[0]) },
		     (struct px_hash[]){ leaf(&l[1]) });
	want = node(&below, &zero);
	assert_memory_equal(root.b, want.b, 32);

	l[1].key = l[0].key;
	assert_int_equal(px_smt_root(&root, l, 2), PX_EINVAL);
}

struct many {
	struct px_smt_leaf leaves[MANY];
	struct px_hash root;
};

static int
setup(void **state)
{
	struct many *m = calloc(1, sizeof(*m));
	struct px_smt_leaf shuffled[MANY];
	struct px_hash again;

	if (!m)
		return -1;
	for (unsigned i = 0; i < MANY; i++) {
		m->leaves[i].key = hash_of("lot:L-", i);
		m->leaves[i].value = hash_of("statements of ", i);
	}
	/* The same set in another order has the same root. */
	for (unsigned i = 0; i < MANY; i++)
		shuffled[i] = m->leaves[(i * 7919u) % MANY];
	if (px_smt_root(&m->root, m->leaves, MANY) != PX_OK ||
	    px_smt_root(&again, shuffled, MANY) != PX_OK ||
	    memcmp(again.b, m->root.b, 32) != 0) {
		free(m);
		return -1;
	}
	*state = m;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* Every key proves its value, and no other. */
static void
test_smt_membership(void **state)
{
	struct many *m = *state;
	struct px_smt_proof *p = malloc(sizeof(*p));

	assert_non_null(p);
	for (unsigned i = 0; i < MANY; i++) {
		const struct px_smt_leaf *l = &m->leaves[i];
		struct px_hash other = l->value, root = m->root;

		assert_int_equal(px_smt_prove(p, m->leaves, MANY, &l->key),
				 PX_OK);
		assert_true(p->ends_at_leaf);
		assert_int_equal(px_smt_verify(p, &m->root, &l->key, &l->value),
				 PX_OK);
		/* Not absent; not another value; not another root. */
		assert_int_equal(px_smt_verify(p, &m->root, &l->key, NULL),
				 PX_EVERIFY);
		other.b[31] ^= 1;
		assert_int_equal(px_smt_verify(p, &m->root, &l->key, &other),
				 PX_EVERIFY);
		root.b[0] ^= 1;
		assert_int_equal(px_smt_verify(p, &root, &l->key, &l->value),
				 PX_EVERIFY);
		if (p->n_siblings) {
			p->siblings[p->n_siblings - 1].b[5] ^= 1;
			assert_int_equal(
				px_smt_verify(p, &m->root, &l->key, &l->value),
				PX_EVERIFY);
		}
	}
	free(p);
}

/* Keys that are not there prove absent, and cannot be made present; a
 * present key's proof cannot be cut short into an absence. */
static void
test_smt_absence(void **state)
{
	struct many *m = *state;
	struct px_smt_proof *p = malloc(sizeof(*p));
	unsigned at_leaf = 0, at_empty = 0;

	assert_non_null(p);
	for (unsigned i = 0; i < MANY; i++) {
		struct px_hash key = hash_of("lot:absent-", i), v;

		assert_int_equal(px_smt_prove(p, m->leaves, MANY, &key), PX_OK);
		assert_int_equal(px_smt_verify(p, &m->root, &key, NULL), PX_OK);
		v = p->ends_at_leaf ? p->leaf.value : key;
		assert_int_equal(px_smt_verify(p, &m->root, &key, &v),
				 PX_EVERIFY);
		at_leaf += p->ends_at_leaf;
		at_empty += !p->ends_at_leaf;
	}
	/* Both ways of being absent were seen. */
	assert_true(at_leaf > 0 && at_empty > 0);

	/* A present key's path ends at its own leaf: dropping the last
	 * sibling, or claiming an empty end, proves nothing. */
	assert_int_equal(px_smt_prove(p, m->leaves, MANY, &m->leaves[3].key),
			 PX_OK);
	p->ends_at_leaf = 0;
	assert_int_equal(px_smt_verify(p, &m->root, &m->leaves[3].key, NULL),
			 PX_EVERIFY);
	p->ends_at_leaf = 1;
	p->n_siblings--;
	assert_int_equal(px_smt_verify(p, &m->root, &m->leaves[3].key,
				       &m->leaves[3].value),
			 PX_EVERIFY);
	/* A leaf off the key's path does not show the key absent. */
	assert_int_equal(px_smt_prove(p, m->leaves, MANY, &m->leaves[3].key),
			 PX_OK);
	p->leaf.key.b[0] ^= 0x80;
	assert_int_equal(px_smt_verify(p, &m->root, &m->leaves[3].key, NULL),
			 PX_EVERIFY);
	free(p);
}

/* Proofs are asked of sorted, distinct leaves. */
static void
test_smt_prove_needs_sorted_leaves(void **state)
{
	struct many *m = *state;
	struct px_smt_proof *p = malloc(sizeof(*p));
	struct px_smt_leaf two[2] = { m->leaves[1], m->leaves[0] };

	assert_non_null(p);
	assert_int_equal(px_smt_prove(p, two, 2, &two[0].key), PX_EINVAL);
	two[1] = two[0];
	assert_int_equal(px_smt_prove(p, two, 2, &two[0].key), PX_EINVAL);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smt_empty),
		cmocka_unit_test(test_smt_roots_by_hand),
		cmocka_unit_test_setup_teardown(test_smt_membership, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_smt_absence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_smt_prove_needs_sorted_leaves, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
