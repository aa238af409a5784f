/*
 * paxta — the verifiable index (DESIGN.md §4 "Verifiable index",
 * docs/bundle.md "The verifiable index"): for each subject a statement
 * names (farm:ID, district:CODE, region:CODE, country:CODE, actor:ID) and
 * each lot (lot:ID), the log indexes of every statement, lab result and
 * void about it, committed to by a sparse Merkle tree (smt.h) whose root
 * the node logs with each checkpoint (an IndexRoot entry).
 *
 * Key and value:
 *
 *   key    = SHA-256(label)                       label "farm:uz.farm.0042"
 *   value  = v_n, where v_0 = 32 zero bytes and
 *            v_k = SHA-256(0x12 ‖ v_{k-1} ‖ u64be(index_k))
 *            over the key's indexes in increasing (log) order
 *
 * so appending an entry to a key costs one hash, and anyone holding the
 * list recomputes the value.
 *
 * The node keeps the lists, the values and every subtree of two leaves or
 * more in the store (PX_TABLE_INDEX_*), written by the rules in the same
 * transaction as the leaf: adding an index rewrites the O(depth) subtrees
 * on its key's path and nothing else, so the root is always the root of
 * the log as it stands, and reading it costs a few lookups.
 */
#ifndef PAXTA_INDEX_H
#define PAXTA_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/crypto.h"
#include "paxta/smt.h"
#include "paxta/store.h"

/* Domain byte of a value's chain (beside smt.h's 0x10, 0x11). */
#define PX_INDEX_VALUE_TAG 0x12

/*
 * Add index (the entry being applied) to label's list, and the key's new
 * value to the tree, in t (a write transaction). Indexes come in log order;
 * one already listed is left as it is. PX_OK; PX_EINVAL (an index before the
 * key's last); PX_ESTORE, PX_EFULL, PX_ECRYPTO.
 */
int px_index_add(struct px_txn *t, const char *label, uint64_t index);

/* The root of the index as t holds it (32 zero bytes when empty). PX_OK;
 * PX_ESTORE when the stored tree is incomplete; PX_ECRYPTO. */
int px_index_root(struct px_txn *t, struct px_hash *out);

/* The value of a key whose list is indexes[0..n) (n > 0). PX_OK or
 * PX_ECRYPTO. */
int px_index_value(struct px_hash *out, const uint64_t *indexes, size_t n);

/* Key's indexes below size, increasing, into *out (malloc'd, free(); NULL
 * when *n is 0). PX_OK, PX_ENOMEM, PX_ESTORE. */
int px_index_list(uint64_t **out, size_t *n, struct px_txn *t,
		  const struct px_hash *key, uint64_t size);

/* The path to key in the stored tree (the index as t holds it): O(depth)
 * lookups. PX_OK; PX_ESTORE; PX_ECRYPTO. */
int px_index_prove(struct px_smt_proof *out, struct px_txn *t,
		   const struct px_hash *key);

/*
 * The index as it stood when the log had size leaves, recomputed from the
 * lists (O(entries indexed)): its root into *root, and, when key is not
 * NULL, the path to key into *out. For a checkpoint older than the state
 * (paxta bundle --at) and for tests. PX_OK; PX_ENOMEM; PX_ESTORE;
 * PX_ECRYPTO.
 */
int px_index_at(struct px_hash *root, struct px_smt_proof *out,
		struct px_txn *t, uint64_t size, const struct px_hash *key);

#endif
