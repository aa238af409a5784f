/*
 * paxta — a pool of threads that verify entry signatures in parallel.
 *
 * Signature verification is the ledger's ceiling (DESIGN.md §7): the pool
 * spreads it over the cores while one writer keeps the log in order.
 */
#ifndef PAXTA_VERIFY_H
#define PAXTA_VERIFY_H

#include <stddef.h>
#include <stdint.h>

struct px_verifier;
struct px_entry;

/* A pool of threads workers (0: one per online CPU, less the caller's).
 * PX_OK, PX_ENOMEM, PX_EINVAL. */
int px_verifier_new(struct px_verifier **out, unsigned threads);

/* Stop the threads and free; accepts NULL. */
void px_verifier_free(struct px_verifier *v);

/*
 * px_entry_prepare(entries[i], steps) for i < n, on the pool's threads and
 * the calling thread together; returns when all are done: PX_OK, or the
 * first "could not check" error (PX_ENOMEM, PX_ECRYPTO) of any entry. One
 * call at a time per pool (the pool is not re-entrant).
 */
int px_verifier_run(struct px_verifier *v, struct px_entry *const *entries,
		    size_t n, unsigned steps);

/* Workers in the pool (not counting the caller). */
unsigned px_verifier_threads(const struct px_verifier *v);

#endif
