/*
 * paxta — the Merkle tree of RFC 9162 §2.1, as pure functions.
 *
 * The tree's hashes come from a source: a callback that returns the hash of
 * a *perfect* subtree, the 2^level leaves starting at start (start is a
 * multiple of 2^level). The store answers it from its stored subtree hashes
 * in one read; tests answer it from an array of leaves. Every function below
 * asks the source for O(log n) subtrees, so a root or a proof costs O(log n)
 * reads, never a pass over the leaves.
 *
 * Proof hashes are in RFC 9162 order (§2.1.3.1, §2.1.4.1): the path from the
 * leaf (or the old root) upwards.
 */
#ifndef PAXTA_MERKLE_H
#define PAXTA_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/error.h"

#include "paxta/crypto.h"

/* The longest proof paxta makes or accepts. A consistency proof has up to
 * ceil(log2 n) + 1 hashes, 65 past 2^63 leaves: such trees are refused
 * with PX_ETOOLARGE (generation) or PX_EVERIFY (verification). */
#define PX_MERKLE_MAX_PROOF 64

/*
 * Hash of the perfect subtree [start, start + 2^level) into out.
 * Returns PX_OK or a negative px_err, which the caller passes on.
 */
typedef int (*px_merkle_source)(void *ctx, uint64_t start, unsigned level,
				struct px_hash *out);

/* RFC 9162 §2.1.1: MTH of the first size leaves. The empty tree's hash is
 * SHA-256 of the empty string. */
int px_merkle_root(struct px_hash *out, uint64_t size, px_merkle_source src,
		   void *ctx);

/* MTH(D[start:end]) for any 0 <= start < end that occurs as a node or a
 * right-edge subtree of some tree (start is a multiple of the largest power
 * of two <= end - start, as in every RFC 9162 proof). */
int px_merkle_subtree(struct px_hash *out, uint64_t start, uint64_t end,
		      px_merkle_source src, void *ctx);

/*
 * RFC 9162 §2.1.3.1: the inclusion proof of leaf index in the tree of size
 * leaves. out has room for PX_MERKLE_MAX_PROOF hashes; *out_len is set.
 * PX_EINVAL when index >= size.
 */
int px_merkle_inclusion_proof(struct px_hash *out, size_t *out_len,
			      uint64_t index, uint64_t size,
			      px_merkle_source src, void *ctx);

/*
 * RFC 9162 §2.1.4.1: the consistency proof between the trees of sizes
 * old_size and new_size, 0 < old_size <= new_size (old_size == new_size
 * gives an empty proof). PX_EINVAL otherwise.
 */
int px_merkle_consistency_proof(struct px_hash *out, size_t *out_len,
				uint64_t old_size, uint64_t new_size,
				px_merkle_source src, void *ctx);

/*
 * RFC 9162 §2.1.3.2: PX_OK when proof shows leaf_hash at index in the tree
 * of size whose root is root; PX_EVERIFY otherwise (wrong length, index out
 * of range, mismatching root).
 */
int px_merkle_verify_inclusion(const struct px_hash *leaf_hash, uint64_t index,
			       uint64_t size, const struct px_hash *proof,
			       size_t proof_len, const struct px_hash *root);

/*
 * RFC 9162 §2.1.4.2: PX_OK when proof shows the tree of old_size with root
 * old_root is a prefix of the tree of new_size with root new_root;
 * PX_EVERIFY otherwise.
 */
int px_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
				 const struct px_hash *old_root,
				 const struct px_hash *new_root,
				 const struct px_hash *proof, size_t proof_len);

/*
 * The root of the old tree a consistency proof speaks for: the proof from
 * old_size to new_size must lead to new_root (RFC 9162 §2.1.4.2, step 7's
 * second half), and *out gets the old root it leads from. A log that
 * signed a root of old_size other than *out has shown two views of its
 * history: with new_root's signed note, that is evidence of a fork.
 * PX_EINVAL unless 0 < old_size < new_size and old_size is not a power of
 * two (such a tree's root is the start of the path, not part of the proof);
 * PX_EVERIFY when the proof does not lead to new_root.
 */
int px_merkle_consistency_old_root(struct px_hash *out, uint64_t old_size,
				   uint64_t new_size,
				   const struct px_hash *new_root,
				   const struct px_hash *proof,
				   size_t proof_len);

#endif
