/*
 * paxta — a bundle's completeness proofs (docs/bundle.md "The verifiable
 * index"), private to libpaxta: made by bundle.c, checked by
 * bundle_verify.c, both over the same list of keys a verdict reads.
 */
#ifndef PAXTA_BUNDLE_INDEX_H
#define PAXTA_BUNDLE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/bundle.h"
#include "paxta/lot.h"
#include "paxta/store.h"

/*
 * Into b->index, a proof for every key the verdict on lin's lot reads, in
 * the index as the index root at size - 1 (the checkpoint's last leaf)
 * committed to it; *extra (malloc'd) gets every entry the proofs name, for
 * the bundle's leaves. When the checkpoint's last leaf is no index root
 * (nothing was indexed), no proof is made and *n_extra is 0.
 * PX_OK, PX_ENOMEM, PX_ESTORE, PX_ECRYPTO.
 */
int px_bundle_index_build(Paxta__Bundle *b, uint64_t **extra, size_t *n_extra,
			  struct px_txn *t, const struct px_lineage *lin,
			  uint64_t size);

/*
 * Check b's completeness against the index root that must be the last leaf
 * of checkpoint cp, signed by node_key: for every key the verdict on the
 * lineage lin (as the replay rebuilt it) reads, a proof that leads to the
 * root, and every entry it names among b's leaves.
 * PX_OK; PX_EVERIFY or PX_EMALFORMED with *p saying what is missing;
 * PX_ENOMEM, PX_ECRYPTO.
 */
int px_bundle_index_check(struct px_bundle_problem *p, const Paxta__Bundle *b,
			  const struct px_checkpoint *cp,
			  const struct px_pubkey *node_key,
			  const struct px_lineage *lin);

/* Whether leaf (a bundle leaf's bytes) is an index root signed by node_key
 * (NULL: any key) and covering the index-many leaves before it: PX_OK, or
 * PX_EVERIFY (with *p) when it is an index root but not a good one;
 * PX_ENOTFOUND when it is another kind of entry. */
int px_bundle_index_root_leaf(struct px_bundle_problem *p,
			      const Paxta__BundleLeaf *bl,
			      const struct px_pubkey *node_key,
			      struct px_hash *root);

#endif
