/*
 * paxta-bench — benchmarks kept in files of their own, run from bench.c's
 * main.
 */
#ifndef PAXTA_BENCH_H
#define PAXTA_BENCH_H

/*
 * paxta-bench node [options]: paxtad over HTTP, clients on the same
 * machine (node.c). argv[0] is "node". Returns the exit status.
 */
int bench_node(int argc, char **argv);

#endif
