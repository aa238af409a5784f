/*
 * paxta — the checkpoint seal: how a deleted checkpoint is noticed.
 *
 * Each checkpoint is a signed note on its own (C2SP signed-note, no
 * extension lines): deleting one from the store leaves nothing behind that
 * says it was there. So the node keeps, beside the checkpoints, one sealed
 * record in the store's metadata ("checkpoint_seal"):
 *
 *   count (u64 BE) ‖ size (u64 BE) ‖ chain (32 bytes) ‖ signature (64)
 *
 * where, over the stored checkpoints in increasing size,
 *   chain_0 = 32 zero bytes,
 *   chain_k = SHA-256(0x03 ‖ chain_{k-1} ‖ size_k (u64 BE) ‖
 *                     SHA-256(note_k)),
 * count and size are the number of checkpoints and the largest size, and
 * the signature is the node key's Ed25519 over
 *   "paxta checkpoint seal v1\n" ‖ count ‖ size ‖ chain.
 * Every new checkpoint extends the chain and signs the seal again, in the
 * same transaction as the checkpoint. Audit recomputes the chain from the
 * stored notes: a checkpoint deleted, added or edited, or a seal edited,
 * no longer matches, and a seal cannot be forged without the node key.
 * What it cannot see alone: the latest checkpoint deleted together with a
 * copy of the seal kept from before it (a rollback of both); that is what
 * witnesses and peers holding the latest checkpoint are for.
 */
#ifndef PAXTA_CPSEAL_H
#define PAXTA_CPSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/crypto.h"
#include "paxta/store.h"

#define PX_CPSEAL_META "checkpoint_seal"
#define PX_CPSEAL_LEN  (8 + 8 + PX_HASH_LEN + PX_SIG_LEN)

/* The chain's next link: *out = SHA-256(0x03 ‖ prev ‖ size ‖ SHA-256(note))
 * (out may alias prev). PX_OK or PX_ECRYPTO. */
int px_cpseal_link(struct px_hash *out, const struct px_hash *prev,
		   uint64_t size, const char *note, size_t len);

/*
 * After px_store_checkpoint_put(t, size, note, len): extend the seal in t
 * by that checkpoint and sign it with key (the node's). A ledger without a
 * seal yet (made before seals) gets one over every stored checkpoint.
 * PX_OK, PX_ECRYPTO, PX_ESTORE, PX_ENOMEM.
 */
int px_cpseal_add(struct px_txn *t, uint64_t size, const char *note, size_t len,
		  const struct px_seckey *key);

/*
 * Check the seal in t against the stored checkpoints and pub (the node's
 * key). PX_OK when they agree; PX_EVERIFY with problem (cap bytes, may be
 * NULL) saying what is wrong, for people; PX_ESTORE, PX_ECRYPTO, PX_ENOMEM
 * when it could not check. No checkpoint and no seal is PX_OK.
 */
int px_cpseal_check(struct px_txn *t, const struct px_pubkey *pub,
		    char *problem, size_t cap);

#endif
