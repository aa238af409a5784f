/*
 * paxta-bench — benchmarks kept in files of their own, run from bench.c's
 * main.
 */
#ifndef PAXTA_BENCH_H
#define PAXTA_BENCH_H

/* Seconds on the monotonic clock. */
double bench_now(void);

/* "paxta-bench: " + message on stderr, then exit(2) (atexit handlers run,
 * so a node the bench started is stopped). */
__attribute__((format(printf, 1, 2), noreturn)) void bench_die(const char *fmt,
							       ...);

/* bench_die with what and px_strerror(rc) unless rc is PX_OK. */
void bench_check(int rc, const char *what);

/* Online CPUs, at least 1. */
unsigned bench_cpus(void);

/*
 * The ceiling every figure is a ratio of: raw Ed25519 verifies per second
 * of threads threads (at most 256), each verifying per_thread signatures on
 * a 400-byte message. One implementation, so every benchmark divides by the
 * same thing.
 */
double bench_raw_rate(unsigned threads, unsigned long per_thread);

/*
 * paxta-bench node [options]: paxtad over HTTP, clients on the same
 * machine (node.c). argv[0] is "node". Returns the exit status.
 */
int bench_node(int argc, char **argv);

#endif
