/*
 * paxta-bench — what every benchmark shares: the clock, dying with a
 * message, and the ceiling (raw Ed25519 verifies per second) that every
 * figure is a ratio of.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "paxta/crypto.h"
#include "paxta/ledger.h"
#include "paxta/verify.h"

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bench_die(const char *fmt, ...)
{
	va_list ap;

	fputs("paxta-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void
bench_check(int rc, const char *what)
{
	if (rc != PX_OK)
		bench_die("%s: %s", what, px_strerror(rc));
}

unsigned
bench_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

struct raw_job {
	const struct px_pubkey *pub;
	const struct px_sig *sig;
	const uint8_t *msg;
	size_t len;
	unsigned long count;
};

static void *
raw_verify(void *arg)
{
	struct raw_job *j = arg;

	for (unsigned long i = 0; i < j->count; i++)
		if (px_verify(j->pub, j->sig, j->msg, j->len) != PX_OK)
			bench_die("raw verify failed");
	return NULL;
}

double
bench_raw_rate(unsigned threads, unsigned long per_thread)
{
	struct px_seckey key;
	struct px_sig sig;
	uint8_t msg[400];
	pthread_t tid[256];
	struct raw_job job;
	double t0, elapsed;

	if (threads == 0 || threads > 256)
		bench_die("the ceiling is measured on 1 to 256 threads");
	memset(msg, 'p', sizeof(msg));
	bench_check(px_key_generate(&key), "keygen");
	bench_check(px_sign(&sig, &key, msg, sizeof(msg)), "sign");
	job = (struct raw_job){ &key.pub, &sig, msg, sizeof(msg), per_thread };
	t0 = bench_now();
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, raw_verify, &job) != 0)
			bench_die("cannot start a thread");
	for (unsigned i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	elapsed = bench_now() - t0;
	px_key_wipe(&key);
	return (double)threads * (double)per_thread / elapsed;
}

uint64_t
bench_written_bytes(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	unsigned long long v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "wchar: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

void
bench_batch_set(struct bench_batch *b, const uint8_t *const *leaves,
		const size_t *lens, size_t n)
{
	for (size_t i = 0; i < b->n; i++)
		px_entry_release(&b->entries[i]);
	b->n = 0;
	if (n > b->cap) {
		free(b->entries);
		free(b->ptrs);
		b->entries = calloc(n, sizeof(*b->entries));
		b->ptrs = calloc(n, sizeof(*b->ptrs));
		if (!b->entries || !b->ptrs)
			bench_die("out of memory");
		b->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		px_entry_init(&b->entries[i], leaves[i], lens[i]);
		b->ptrs[i] = &b->entries[i];
	}
	b->n = n;
}

void
bench_batch_free(struct bench_batch *b)
{
	bench_batch_set(b, NULL, NULL, 0);
	free(b->entries);
	free(b->ptrs);
	memset(b, 0, sizeof(*b));
}

void
bench_append(struct px_ledger *l, struct px_verifier *pool,
	     struct bench_batch *b, int64_t now, uint64_t *refused)
{
	if (pool)
		bench_check(px_verifier_run(pool, b->ptrs, b->n, PX_ENTRY_ALL),
			    "verify");
	bench_check(px_ledger_append(l, b->ptrs, b->n, now), "append");
	for (size_t i = 0; i < b->n; i++) {
		const struct px_append_result *r = &b->entries[i].result;

		if (r->rc == PX_OK)
			continue;
		if (!refused)
			bench_die("refused: %s: %s",
				  px_code_name(r->refusal.code),
				  r->refusal.message);
		if (!*refused)
			fprintf(stderr, "refused: %s\n", r->refusal.message);
		(*refused)++;
	}
}
