/*
 * paxta — audit: re-read the whole log and check everything (DESIGN.md §4).
 *
 * Every leaf's signature (in parallel on a verifier pool), every hash-chain
 * link and stored subtree hash, the entry index, the root and signature
 * of every stored checkpoint, and every rule: the state is re-derived from
 * the leaves into a scratch store and must equal the stored state, table by
 * table. The report names the first bad index and what is wrong with it.
 */
#ifndef PAXTA_AUDIT_H
#define PAXTA_AUDIT_H

#include <stdint.h>

#include "paxta/ledger.h"

struct px_verifier;

struct px_audit_report {
	int intact;           /* 1: nothing wrong */
	uint64_t entries;     /* leaves checked */
	uint64_t checkpoints; /* checkpoints checked */
	int has_bad_index;    /* bad_index names a leaf */
	/* A replica (paxta mirror): its checkpoints are its source's signed
	 * notes, each verified, but nothing here seals them, so one deleted
	 * from the folder cannot be seen (the next mirror run fetches it). */
	int replica;
	uint64_t bad_index;
	char problem[512]; /* what is wrong, for people */
};

/* Called now and then with leaves done and the total. */
typedef void (*px_audit_progress)(void *ctx, uint64_t done, uint64_t total);

/*
 * Audit l (open it read-only). scratch_dir is a folder for the re-derived
 * state (NULL: $TMPDIR or /tmp); it is removed afterwards. v may be NULL (a
 * pool is made for the call). Returns PX_OK when the audit ran to a verdict
 * (out->intact says which), or an error when it could not check (PX_ESTORE,
 * PX_EIO, PX_ENOMEM).
 */
int px_audit(struct px_audit_report *out, struct px_ledger *l,
	     struct px_verifier *v, const char *scratch_dir,
	     px_audit_progress progress, void *ctx);

#endif
