/*
 * paxta — audit of the log's indexes and checkpoints, both ways.
 *
 * The replay of audit.c re-derives state from the leaves and compares it;
 * these checks look from the other side, at records that name leaves:
 *
 * - the entry index (entry hash -> index), which answers "is this entry
 *   logged already?": every record must name a leaf of the log whose
 *   entry's hash is the record's key (nothing extra: a forged record would make
 * the node answer "duplicate" for an entry it never stored), and there must be
 * exactly one record per leaf (nothing missing);
 * - every stored checkpoint, at any size, 0 included (RFC 9162 §2.1.1: the
 *   root of the empty tree is SHA-256 of nothing): a signed note of this
 *   log under the node's key, whose size is its key in the store and whose
 *   root is the log's at that size;
 * - the checkpoint seal (cpseal.h): no checkpoint deleted or added.
 */
#ifndef PAXTA_AUDIT_INDEX_H
#define PAXTA_AUDIT_INDEX_H

#include "paxta/audit.h"
#include "paxta/ledger.h"
#include "paxta/store.h"

/*
 * Run the checks on the snapshot t of l. A problem sets out->intact to 0
 * and out->problem (and out->bad_index when one leaf is to blame) unless
 * out names a problem already: the first one found is the one named.
 * Returns PX_OK when the checks ran (whatever they found), or PX_ESTORE,
 * PX_ENOMEM, PX_ECRYPTO when they could not.
 */
int px_audit_indexes(struct px_audit_report *out, struct px_ledger *l,
		     struct px_txn *t);

#endif
