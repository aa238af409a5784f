/*
 * paxta-bench — benchmarks kept in files of their own, run from bench.c's
 * main.
 */
#ifndef PAXTA_BENCH_H
#define PAXTA_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* The benchmarks' ledgers begin on 2026-01-01T00:00:00Z: their entries
 * are dated in the 2026 season, and none may predate the genesis. */
#define BENCH_GENESIS 1767225600

/* Seconds on the monotonic clock. */
double bench_now(void);

/* "paxta-bench: " + message on stderr, then exit(2) (atexit handlers run,
 * so a node the bench started is stopped). */
__attribute__((format(printf, 1, 2), noreturn)) void bench_die(const char *fmt,
							       ...);

/* bench_die with what and px_strerror(rc) unless rc is PX_OK. */
void bench_check(int rc, const char *what);

/* Bytes this process has handed to write(2) and pwrite(2) so far: the
 * pages LMDB writes at its commits (/proc/self/io wchar; 0 where the
 * kernel does not say). Not write_bytes: the kernel counts that per page
 * cache folio dirtied, and a folio can be 16 times the 4 KiB page LMDB
 * wrote into it. */
uint64_t bench_written_bytes(void);

/* Online CPUs, at least 1. */
unsigned bench_cpus(void);

/*
 * The ceiling every figure is a ratio of: raw Ed25519 verifies per second
 * of threads threads (at most 256), each verifying per_thread signatures on
 * a 400-byte message. One implementation, so every benchmark divides by the
 * same thing.
 */
double bench_raw_rate(unsigned threads, unsigned long per_thread);

struct px_ledger;
struct px_verifier;

/*
 * A batch of entries over leaves the caller owns, as the ledger takes
 * them. bench_batch_set releases what the batch held and points it at
 * leaves[0..n); bench_batch_free releases and frees its arrays.
 */
struct bench_batch {
	struct px_entry *entries;
	struct px_entry **ptrs;
	size_t n, cap;
};
void bench_batch_set(struct bench_batch *b, const uint8_t *const *leaves,
		     const size_t *lens, size_t n);
void bench_batch_free(struct bench_batch *b);

/* Prepare the batch on pool (NULL: let the ledger do it), append it, and
 * die on a refusal unless refused is not NULL (then counted there). */
void bench_append(struct px_ledger *l, struct px_verifier *pool,
		  struct bench_batch *b, int64_t now, uint64_t *refused);

/*
 * paxta-bench node [options]: paxtad over HTTP, clients on the same
 * machine (node.c). argv[0] is "node". Returns the exit status.
 */
int bench_node(int argc, char **argv);

/*
 * paxta-bench index [--keys N] [--changes K] [--smoke]: one checkpoint's
 * changes to the verifiable index, incremental against from scratch
 * (index.c). argv[0] is "index". Returns the exit status.
 */
int bench_index(int argc, char **argv);

#endif
