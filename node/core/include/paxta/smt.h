/*
 * paxta — a sparse Merkle (Merkle prefix) tree over 256-bit keys, as pure
 * functions: the tree of the verifiable index (docs/design-bundle.md),
 * which commits, for each subject and each lot, to every statement, lab
 * result and void about it, so that a bundle can prove what is absent.
 *
 * A key is SHA-256 of a label ("lot:BALE-1", "district:UZ-SA-KTK"); its
 * bits, most significant first, are the path from the root. Hashes
 * (domain-separated from RFC 9162's 0x00/0x01 and the chain's 0x02):
 *
 *   empty subtree      Z = 32 zero bytes
 *   one leaf alone     SHA-256(0x10 ‖ key ‖ value), wherever it stands
 *   two or more        SHA-256(0x11 ‖ left ‖ right)
 *
 * A subtree holding one leaf is that leaf's hash, so a leaf stands as high
 * as the keys around it let it, and a tree of n leaves costs O(n log n)
 * hashes, not 256 n. The tree of a set of leaves is unique, so anyone
 * holding the set recomputes the root (paxta audit's check).
 */
#ifndef PAXTA_SMT_H
#define PAXTA_SMT_H

#include <stddef.h>

#include "paxta/crypto.h"
#include "paxta/error.h"

#define PX_SMT_DEPTH 256

struct px_smt_leaf {
	struct px_hash key;
	struct px_hash value;
};

/* The hash of a lone leaf, SHA-256(0x10 ‖ key ‖ value), and of a subtree
 * of two or more, SHA-256(0x11 ‖ left ‖ right): for a tree kept
 * elsewhere (index.c). PX_OK or PX_ECRYPTO. */
int px_smt_leaf_hash(struct px_hash *out, const struct px_smt_leaf *leaf);
int px_smt_node_hash(struct px_hash *out, const struct px_hash *left,
		     const struct px_hash *right);

/* Bit d (0: the most significant) of key: the path's turn at depth d. */
int px_smt_bit(const struct px_hash *key, size_t d);

/* The key of label: SHA-256 of its bytes. PX_OK or PX_ECRYPTO. */
int px_smt_key(struct px_hash *out, const char *label);

/*
 * The root of the tree of leaves[0..n), which this sorts by key in place.
 * PX_OK; PX_EINVAL when two leaves have one key; PX_ECRYPTO.
 */
int px_smt_root(struct px_hash *out, struct px_smt_leaf *leaves, size_t n);

/*
 * The path to a key: the siblings from the root down to where the path
 * ends (n_siblings of them, at most PX_SMT_DEPTH), and what it ends at: an
 * empty subtree, or the one leaf that stands there — the key's own
 * (membership) or another whose key shares the path (absence).
 */
struct px_smt_proof {
	size_t n_siblings;
	struct px_hash siblings[PX_SMT_DEPTH];
	int ends_at_leaf;
	struct px_smt_leaf leaf; /* when ends_at_leaf */
};

/*
 * The proof for key in the tree of leaves[0..n), sorted by key (as
 * px_smt_root leaves them) and without repeated keys. Costs O(n) hashes.
 * PX_OK; PX_EINVAL when leaves are not sorted; PX_ECRYPTO.
 */
int px_smt_prove(struct px_smt_proof *out, const struct px_smt_leaf *leaves,
		 size_t n, const struct px_hash *key);

/*
 * Check proof against root: with value, that key holds value; with value
 * NULL, that key is in no leaf. PX_OK or PX_EVERIFY (a proof that leads
 * elsewhere, a leaf off the key's path, a value that differs, a key that
 * is there when absence was asked); PX_ECRYPTO.
 */
int px_smt_verify(const struct px_smt_proof *proof, const struct px_hash *root,
		  const struct px_hash *key, const struct px_hash *value);

#endif
