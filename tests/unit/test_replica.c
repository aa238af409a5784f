/*
 * Unit tests: what a mirror checks before it appends (node/core/replica.c)
 * and the replica's start from a source's genesis (px_ledger_create_replica).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "paxta/checkpoint.h"
#include "paxta/replica.h"
#include "paxta/witness.h"
#include "support.h"

#define DISTRICT "UZ-SA-KTK"

/* A source ledger of 1 + n entries. */
static struct pxt_ledger *
source(int n)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	for (int i = 0; i < n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "uz.farm.%04d", i);
		pxt_register(fx, id, "farm", "UZ-SA", DISTRICT);
	}
	return fx;
}

/* The root a tree would have, from the store below base and fresh leaf
 * hashes above it, is the store's own root. */
static void
test_root_before_append(void **state)
{
	struct pxt_ledger *fx = source(12);
	struct px_txn *t = NULL;
	struct px_hash fresh[13], want, got;

	(void)state;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	for (uint64_t base = 0; base <= 13; base++) {
		for (uint64_t i = base; i < 13; i++) {
			const uint8_t *leaf;
			size_t len;

			assert_int_equal(px_store_leaf(t, i, &leaf, &len),
					 PX_OK);
			assert_int_equal(
				px_hash_leaf(&fresh[i - base], leaf, len),
				PX_OK);
		}
		for (uint64_t size = base ? base : 1; size <= 13; size++) {
			assert_int_equal(px_store_root(t, size, &want), PX_OK);
			assert_int_equal(
				px_replica_root(&got, t, base, fresh, size),
				PX_OK);
			assert_memory_equal(got.b, want.b, 32);
		}
	}
	/* One changed fresh leaf changes the root. */
	fresh[0].b[0] ^= 1;
	assert_int_equal(px_replica_root(&got, t, 5, fresh, 13), PX_OK);
	assert_int_equal(px_store_root(t, 13, &want), PX_OK);
	assert_memory_not_equal(got.b, want.b, 32);
	assert_int_equal(px_replica_root(&got, t, 14, fresh, 15), PX_EINVAL);
	assert_int_equal(px_replica_root(&got, t, 6, fresh, 5), PX_EINVAL);
	px_store_abort(t);
	pxt_ledger_free(fx);
}

static int
count(void *ctx, const char *text, size_t len)
{
	(void)text;
	(void)len;
	(*(int *)ctx)++;
	return 0;
}

/* A replica starts from the source's genesis, holds no key, and keeps
 * only notes of the source's key that are its own tree. */
static void
test_replica(void **state)
{
	struct pxt_ledger *fx = source(3);
	char *base = pxt_tempdir(), *dir = NULL, *note = NULL, *forged = NULL;
	struct px_ledger *r = NULL;
	struct px_txn *t = NULL;
	const uint8_t *leaf, *leaf1;
	size_t len, len1;
	struct px_pubkey node;
	struct px_checkpoint cp, got;
	struct px_seckey other;
	struct px_hash id;
	char *text = NULL;
	int n = 0;

	(void)state;
	assert_true(asprintf(&dir, "%s/replica", base) > 0);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_leaf(t, 0, &leaf, &len), PX_OK);
	assert_int_equal(px_store_leaf(t, 1, &leaf1, &len1), PX_OK);
	/* Not a genesis: nothing made. */
	assert_int_equal(px_ledger_create_replica(dir, leaf1, len1, NULL),
			 PX_EFOREIGN);
	assert_int_equal(px_ledger_open(&r, dir, PX_LEDGER_READONLY),
			 PX_ENOTFOUND);
	assert_int_equal(px_ledger_create_replica(dir, leaf, len, &node),
			 PX_OK);
	assert_memory_equal(node.b, fx->node_key.b, 32);
	px_store_abort(t);
	/* No key beside it, none needed. */
	assert_int_equal(px_ledger_open(&r, dir, 0), PX_ENOTFOUND);
	assert_int_equal(px_ledger_open(&r, dir, PX_LEDGER_REPLICA), PX_OK);
	assert_string_equal(px_ledger_origin(r), px_ledger_origin(fx->l));
	assert_int_equal(pxt_log_size(r), 1);
	/* It signs nothing. */
	assert_int_equal(px_ledger_checkpoint(r, &note), PX_ENOTFOUND);

	/* The source's note of 1 entry is this tree: kept. Of 4 entries:
	 * past the replica. Signed by another key: not kept. */
	snprintf(cp.origin, sizeof(cp.origin), "%s", px_ledger_origin(fx->l));
	cp.size = 1;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_root(t, 1, &cp.root), PX_OK);
	px_store_abort(t);
	{
		struct px_seckey node_key;
		char *key_path = NULL;

		assert_int_equal(px_ledger_default_key_path(&key_path, fx->dir),
				 PX_OK);
		assert_int_equal(px_key_read_pem(&node_key, key_path), PX_OK);
		free(key_path);
		assert_int_equal(px_checkpoint_sign(&note, &cp, &node_key),
				 PX_OK);
		assert_int_equal(px_key_generate(&other), PX_OK);
		assert_int_equal(px_checkpoint_sign(&forged, &cp, &other),
				 PX_OK);
		assert_int_equal(px_replica_keep_checkpoint(
					 r, forged, strlen(forged), NULL),
				 PX_EVERIFY);
		free(forged);
		/* Another root of one entry: not this tree. */
		cp.root.b[0] ^= 1;
		assert_int_equal(px_checkpoint_sign(&forged, &cp, &node_key),
				 PX_OK);
		assert_int_equal(px_replica_keep_checkpoint(
					 r, forged, strlen(forged), NULL),
				 PX_EVERIFY);
		free(forged);
		cp.root.b[0] ^= 1;
		cp.size = 4;
		assert_int_equal(px_checkpoint_sign(&forged, &cp, &node_key),
				 PX_OK);
		assert_int_equal(px_replica_keep_checkpoint(
					 r, forged, strlen(forged), NULL),
				 PX_EINVAL);
		px_key_wipe(&node_key);
		px_key_wipe(&other);
	}
	assert_int_equal(pxt_checkpoint_count(r), 0);
	assert_int_equal(
		px_replica_keep_checkpoint(r, note, strlen(note), &got), PX_OK);
	assert_int_equal(got.size, 1);
	assert_int_equal(pxt_checkpoint_count(r), 1);

	/* Evidence it keeps is kept once. */
	{
		struct px_note_verifier v;
		char *vkey = NULL;

		assert_int_equal(px_ledger_verifier_key(r, &vkey), PX_OK);
		assert_int_equal(px_note_verifier_parse(&v, vkey), PX_OK);
		free(vkey);
		assert_int_equal(px_evidence_make(&text, &id, &v, note,
						  strlen(note), forged,
						  strlen(forged), NULL, 0,
						  "mirror", 1),
				 PX_OK);
		assert_int_equal(px_replica_keep_evidence(r, &id, text), PX_OK);
		assert_int_equal(px_replica_keep_evidence(r, &id, text), PX_OK);
		assert_int_equal(px_replica_evidence_each(r, count, &n), PX_OK);
		assert_int_equal(n, 1);
		free(text);
	}
	free(forged);
	free(note);
	px_ledger_close(r);
	free(dir);
	pxt_rmtree(base);
	pxt_ledger_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_before_append),
		cmocka_unit_test(test_replica),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
