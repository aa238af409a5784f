/*
 * paxta — a verifying replica of another node's log (paxta mirror): what
 * the mirror checks before it appends what its source served, and what it
 * keeps. The leaves themselves go in through px_ledger_append, every
 * signature and rule checked as on the source.
 */
#ifndef PAXTA_REPLICA_H
#define PAXTA_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/checkpoint.h"
#include "paxta/ledger.h"

/*
 * The root of the tree of size leaves whose first base leaves are the
 * ones in t's log and whose others have the leaf hashes fresh[0 .. size -
 * base): what the log would have after appending them, known before.
 * PX_EINVAL unless base <= size and base <= the log's size.
 */
int px_replica_root(struct px_hash *out, struct px_txn *t, uint64_t base,
		    const struct px_hash *fresh, uint64_t size);

/*
 * Keep the source's signed note in l's checkpoints after checking it: signed
 * by l's node key (the genesis's), and l's tree of its size has its root.
 * *out (may be NULL) gets what it says. PX_EVERIFY when it is not signed
 * or not l's tree; PX_EINVAL past l's size; PX_EMALFORMED.
 */
int px_replica_keep_checkpoint(struct px_ledger *l, const char *note,
			       size_t len, struct px_checkpoint *out);

/* Keep a piece of evidence (witness.h: px_evidence_make) in l's store. */
int px_replica_keep_evidence(struct px_ledger *l, const struct px_hash *id,
			     const char *text);

/* Call fn for each piece of evidence l keeps. */
int px_replica_evidence_each(struct px_ledger *l, px_store_evidence_fn fn,
			     void *ctx);

#endif
