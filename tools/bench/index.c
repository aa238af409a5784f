/*
 * paxta-bench index: what committing the verifiable index costs (index.h).
 *
 * A scratch store is filled with KEYS keys (one statement each), then one
 * checkpoint's worth of CHANGES statements on random keys is added and the
 * root read, in one transaction, as the rules and the checkpoint do. The
 * same root is then computed from scratch, as a node without the stored
 * tree would at every checkpoint: from the lists (px_index_at) and, hashes
 * alone, from the leaves in memory (px_smt_root). Both in the same run, so
 * the ratio holds on any machine; and one change in Ed25519 verifies, the
 * ceiling every other figure is a fraction of.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/index.h"
#include "paxta/smt.h"
#include "paxta/store.h"

static uint64_t
next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
label_of(char *out, size_t cap, size_t k)
{
	snprintf(out, cap, "farm:bench.farm.%zu", k);
}

int
bench_index(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "changes", required_argument, NULL, 'c' },
		{ "smoke", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	size_t keys = 100000, changes = 1000;
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	struct px_smt_leaf *leaves;
	struct px_hash incremental, from_lists, from_leaves;
	uint64_t index = 1, x = 0x2545f4914f6cdd1du;
	double t0, load_s, incr_s, lists_s, leaves_s, verifies;
	char label[64], *dir;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:c:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			changes = strtoull(optarg, NULL, 10);
			break;
		case 's':
			keys = 2000; /* runs end to end; figures mean nothing */
			changes = 100;
			break;
		default:
			fputs("usage: paxta-bench index [--keys N] "
			      "[--changes K] [--smoke]\n",
			      stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (keys < 2 || changes < 1)
		bench_die("--keys must be >= 2 and --changes >= 1");
	bench_check(px_crypto_init(), "crypto");
	if (asprintf(&dir, "%s/paxta-bench-index-XXXXXX",
		     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") < 0 ||
	    !mkdtemp(dir))
		bench_die("cannot make a scratch folder");
	rmdir(dir);
	bench_check(px_store_open(&s, dir, PX_STORE_CREATE | PX_STORE_SCRATCH),
		    "scratch store");
	leaves = calloc(keys, sizeof(*leaves));
	if (!leaves)
		bench_die("out of memory");

	/* KEYS keys, 10,000 to a transaction. */
	t0 = bench_now();
	for (size_t k = 0; k < keys; k++) {
		if (!t)
			bench_check(px_store_begin(&t, s, 1), "begin");
		label_of(label, sizeof(label), k);
		bench_check(px_index_add(t, label, index++), "index add");
		if ((k + 1) % 10000 == 0 || k + 1 == keys) {
			bench_check(px_store_commit(t), "commit");
			t = NULL;
		}
	}
	load_s = bench_now() - t0;

	/* One checkpoint's changes: the rules add, the checkpoint reads the
	 * root, the transaction commits. */
	t0 = bench_now();
	bench_check(px_store_begin(&t, s, 1), "begin");
	for (size_t i = 0; i < changes; i++) {
		label_of(label, sizeof(label), next_random(&x) % keys);
		bench_check(px_index_add(t, label, index++), "index add");
	}
	bench_check(px_index_root(t, &incremental), "root");
	bench_check(px_store_commit(t), "commit");
	incr_s = bench_now() - t0;

	/* The same root from scratch: from the stored lists, then from the
	 * leaves in memory (hashes alone). */
	bench_check(px_store_begin(&t, s, 0), "begin");
	t0 = bench_now();
	bench_check(px_index_at(&from_lists, NULL, t, UINT64_MAX, NULL),
		    "root from the lists");
	lists_s = bench_now() - t0;
	for (size_t k = 0; k < keys; k++) {
		const uint8_t *v;
		size_t len;

		label_of(label, sizeof(label), k);
		bench_check(px_smt_key(&leaves[k].key, label), "key");
		bench_check(px_store_get(t, PX_TABLE_INDEX_LEAVES,
					 leaves[k].key.b, PX_HASH_LEN, &v,
					 &len),
			    "leaf");
		memcpy(leaves[k].value.b, v, PX_HASH_LEN);
	}
	px_store_abort(t);
	t0 = bench_now();
	bench_check(px_smt_root(&from_leaves, leaves, keys), "px_smt_root");
	leaves_s = bench_now() - t0;
	if (memcmp(incremental.b, from_lists.b, PX_HASH_LEN) != 0 ||
	    memcmp(incremental.b, from_leaves.b, PX_HASH_LEN) != 0)
		bench_die(
			"the stored tree's root is not the root from scratch");
	verifies = bench_raw_rate(1, 4000);

	printf("index: %zu keys, one checkpoint of %zu changes\n", keys,
	       changes);
	printf("  loading the keys:              %8.3f s  (%.0f adds/s)\n",
	       load_s, (double)keys / load_s);
	printf("  the checkpoint, incremental:   %8.3f ms (%.1f us a change "
	       "= %.2f Ed25519 verifies)\n",
	       incr_s * 1e3, incr_s * 1e6 / (double)changes,
	       incr_s / (double)changes * verifies);
	printf("  from scratch, from the lists:  %8.3f ms\n", lists_s * 1e3);
	printf("  from scratch, px_smt_root:     %8.3f ms (hashes alone)\n",
	       leaves_s * 1e3);
	printf("  ratio incremental / from the lists: %.4f; / px_smt_root: "
	       "%.4f\n",
	       incr_s / lists_s, incr_s / leaves_s);
	printf("  ceiling: %.0f Ed25519 verifies/s on one core\n", verifies);
	free(leaves);
	px_store_close(s);
	{
		char *cmd;

		if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
			if (system(cmd) != 0)
				fprintf(stderr, "could not remove %s\n", dir);
			free(cmd);
		}
	}
	free(dir);
	return 0;
}
