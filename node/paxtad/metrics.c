/*
 * paxtad — metrics in the Prometheus text exposition format (0.0.4).
 *
 * Counters are C11 atomics: request threads and the writer update them
 * without a lock; a scrape reads each once (a histogram's buckets may be a
 * request apart from its count, which Prometheus tolerates).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/provenance.h"
#include "paxtad.h"

/* Latency buckets in seconds (upper bounds; +Inf is the count). */
static const double latency_bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01,
					 0.025,  0.05,  0.1,    0.25,  0.5,
					 1,      2.5,   5,      10 };
#define N_LATENCY (sizeof(latency_bounds) / sizeof(latency_bounds[0]))

/* Entries per group commit. */
static const double batch_bounds[] = { 1,    2,    4,    8,    16,
				       32,   64,   128,  256,  512,
				       1024, 2048, 4096, 8192, 16384 };
#define N_BATCH (sizeof(batch_bounds) / sizeof(batch_bounds[0]))

/* HTTP statuses counted one by one; anything else is "other". */
static const unsigned statuses[] = { 200, 201, 207, 400, 403, 404, 405,
				     409, 413, 415, 422, 500, 503 };
#define N_STATUS (sizeof(statuses) / sizeof(statuses[0]))

struct histogram {
	atomic_uint_fast64_t buckets[16]; /* cumulative at render time */
	atomic_uint_fast64_t count;
	atomic_uint_fast64_t sum_ns; /* seconds or entries, times 1e9 */
};

struct pxd_metrics {
	size_t n_routes;
	const char *const *route_names;
	struct histogram *requests; /* n_routes + 1 (unmatched) */
	atomic_uint_fast64_t responses[N_STATUS + 1];
	atomic_uint_fast64_t logged, duplicates, checkpoints;
	atomic_uint_fast64_t checkpoint_size;
	atomic_uint_fast64_t refusals[PX_CODE__COUNT];
	atomic_uint_fast64_t deadline_cuts[2]; /* request, answer */
	struct histogram commit_seconds, commit_entries;
};

static void
observe(struct histogram *h, const double *bounds, size_t n, double value)
{
	size_t i = 0;

	while (i < n && value > bounds[i])
		i++;
	if (i < n)
		atomic_fetch_add_explicit(&h->buckets[i], 1,
					  memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns,
				  (uint_fast64_t)(value * 1e9 + 0.5),
				  memory_order_relaxed);
}

int
pxd_metrics_new(struct pxd_metrics **out, size_t n_routes,
		const char *const *route_names)
{
	struct pxd_metrics *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return PX_ENOMEM;
	m->requests = calloc(n_routes + 1, sizeof(*m->requests));
	if (!m->requests) {
		free(m);
		return PX_ENOMEM;
	}
	m->n_routes = n_routes;
	m->route_names = route_names;
	*out = m;
	return PX_OK;
}

void
pxd_metrics_free(struct pxd_metrics *m)
{
	if (!m)
		return;
	free(m->requests);
	free(m);
}

void
pxd_metrics_request(struct pxd_metrics *m, size_t route, unsigned status,
		    double seconds)
{
	size_t s = 0;

	if (route > m->n_routes)
		route = m->n_routes;
	observe(&m->requests[route], latency_bounds, N_LATENCY, seconds);
	while (s < N_STATUS && statuses[s] != status)
		s++;
	atomic_fetch_add_explicit(&m->responses[s], 1, memory_order_relaxed);
}

void
pxd_metrics_commit(struct pxd_metrics *m, size_t entries, double seconds)
{
	observe(&m->commit_seconds, latency_bounds, N_LATENCY, seconds);
	observe(&m->commit_entries, batch_bounds, N_BATCH, (double)entries);
}

void
pxd_metrics_appended(struct pxd_metrics *m, uint64_t logged,
		     uint64_t duplicates)
{
	atomic_fetch_add_explicit(&m->logged, logged, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->duplicates, duplicates,
				  memory_order_relaxed);
}

void
pxd_metrics_refusal(struct pxd_metrics *m, enum px_code code)
{
	if ((unsigned)code >= PX_CODE__COUNT)
		code = PX_CODE_NONE;
	atomic_fetch_add_explicit(&m->refusals[code], 1, memory_order_relaxed);
}

void
pxd_metrics_deadline(struct pxd_metrics *m, int sending)
{
	atomic_fetch_add_explicit(&m->deadline_cuts[sending ? 1 : 0], 1,
				  memory_order_relaxed);
}

void
pxd_metrics_checkpoint(struct pxd_metrics *m, uint64_t size)
{
	atomic_fetch_add_explicit(&m->checkpoints, 1, memory_order_relaxed);
	atomic_store_explicit(&m->checkpoint_size, size, memory_order_relaxed);
}

/* A growing text buffer; on out of memory it stops growing and says so. */
struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

__attribute__((format(printf, 2, 3))) static void
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = t->cap ? t->cap * 2 : 8192;
			char *nb;

			while (cap < t->len + (size_t)n + 1)
				cap *= 2;
			nb = realloc(t->buf, cap);
			if (!nb) {
				t->failed = 1;
				return;
			}
			t->buf = nb;
			t->cap = cap;
		}
	}
}

static uint64_t
load(atomic_uint_fast64_t *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

/* One histogram's lines; labels is "" or `route="..."` etc. */
static void
put_histogram(struct text *t, const char *name, const char *labels,
	      struct histogram *h, const double *bounds, size_t n)
{
	uint64_t cumulative = 0;
	const char *sep = labels[0] ? "," : "";

	for (size_t i = 0; i < n; i++) {
		cumulative += load(&h->buckets[i]);
		put(t, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
		    bounds[i], (unsigned long long)cumulative);
	}
	put(t, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
	    (unsigned long long)load(&h->count));
	put(t, "%s_sum%s%s%s %.9f\n", name, labels[0] ? "{" : "", labels,
	    labels[0] ? "}" : "", (double)load(&h->sum_ns) / 1e9);
	put(t, "%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
	    labels[0] ? "}" : "", (unsigned long long)load(&h->count));
}

int
pxd_metrics_render(struct pxd_metrics *m, uint64_t log_size,
		   uint64_t data_bytes,
		   const struct px_lineage_memo_stats *memo,
		   size_t answer_bytes, size_t answer_budget, char **out,
		   size_t *out_len)
{
	struct text t = { 0 };
	char labels[512];

	put(&t,
	    "# HELP paxtad_log_entries Entries in the log (its tree "
	    "size).\n# TYPE paxtad_log_entries gauge\n"
	    "paxtad_log_entries %llu\n",
	    (unsigned long long)log_size);
	put(&t,
	    "# HELP paxtad_data_bytes Bytes the ledger's data file takes "
	    "on disk.\n# TYPE paxtad_data_bytes gauge\n"
	    "paxtad_data_bytes %llu\n",
	    (unsigned long long)data_bytes);
	put(&t,
	    "# HELP paxtad_entries_appended_total Entries newly logged "
	    "by this process.\n# TYPE paxtad_entries_appended_total "
	    "counter\npaxtad_entries_appended_total %llu\n",
	    (unsigned long long)load(&m->logged));
	put(&t,
	    "# HELP paxtad_entries_duplicate_total Entries submitted "
	    "again and answered with their original index.\n"
	    "# TYPE paxtad_entries_duplicate_total counter\n"
	    "paxtad_entries_duplicate_total %llu\n",
	    (unsigned long long)load(&m->duplicates));
	put(&t, "# HELP paxtad_refusals_total Entries refused, by stable "
		"code.\n# TYPE paxtad_refusals_total counter\n");
	for (int c = 1; c < PX_CODE__COUNT; c++)
		put(&t, "paxtad_refusals_total{code=\"%s\"} %llu\n",
		    px_code_name((enum px_code)c),
		    (unsigned long long)load(&m->refusals[c]));
	put(&t,
	    "# HELP paxtad_deadline_cuts_total Connections closed for "
	    "missing a deadline:\n# a request not in within "
	    "--request-timeout, an answer not taken within\n# "
	    "--send-timeout.\n# TYPE paxtad_deadline_cuts_total counter\n"
	    "paxtad_deadline_cuts_total{phase=\"request\"} %llu\n"
	    "paxtad_deadline_cuts_total{phase=\"answer\"} %llu\n",
	    (unsigned long long)load(&m->deadline_cuts[0]),
	    (unsigned long long)load(&m->deadline_cuts[1]));
	put(&t,
	    "# HELP paxtad_answer_bytes_held Bytes held for answers not yet "
	    "taken by their\n# clients: answers held whole, and streamed "
	    "answers' buffers and what\n# they are made from.\n# TYPE "
	    "paxtad_answer_bytes_held gauge\npaxtad_answer_bytes_held %llu\n"
	    "# HELP paxtad_answer_budget_bytes The most paxtad_answer_bytes_"
	    "held may reach\n# (--answer-budget).\n# TYPE "
	    "paxtad_answer_budget_bytes gauge\n"
	    "paxtad_answer_budget_bytes %llu\n",
	    (unsigned long long)answer_bytes,
	    (unsigned long long)answer_budget);
	put(&t,
	    "# HELP paxtad_verdict_memory_total What the verdict's memory "
	    "of lineages did:\n# a verdict used a remembered lineage "
	    "(hit) or walked (miss); a\n# lineage was forgotten when the "
	    "ledger changed one (stale) or\n# pushed out to stay within "
	    "its budget (evicted).\n# TYPE paxtad_verdict_memory_total "
	    "counter\n"
	    "paxtad_verdict_memory_total{event=\"hit\"} %llu\n"
	    "paxtad_verdict_memory_total{event=\"miss\"} %llu\n"
	    "paxtad_verdict_memory_total{event=\"stale\"} %llu\n"
	    "paxtad_verdict_memory_total{event=\"evicted\"} %llu\n",
	    (unsigned long long)memo->hits, (unsigned long long)memo->misses,
	    (unsigned long long)memo->stale, (unsigned long long)memo->evicted);
	put(&t,
	    "# HELP paxtad_verdict_memory_lineages Lineages the verdict's "
	    "memory holds.\n# TYPE paxtad_verdict_memory_lineages gauge\n"
	    "paxtad_verdict_memory_lineages %llu\n"
	    "# HELP paxtad_verdict_memory_bytes Bytes they take, of "
	    "paxtad_verdict_memory_budget_bytes.\n# TYPE "
	    "paxtad_verdict_memory_bytes gauge\n"
	    "paxtad_verdict_memory_bytes %llu\n"
	    "# HELP paxtad_verdict_memory_budget_bytes The most the "
	    "verdict's memory keeps.\n# TYPE "
	    "paxtad_verdict_memory_budget_bytes gauge\n"
	    "paxtad_verdict_memory_budget_bytes %llu\n",
	    (unsigned long long)memo->lineages, (unsigned long long)memo->bytes,
	    (unsigned long long)memo->budget);
	put(&t,
	    "# HELP paxtad_checkpoints_signed_total Checkpoints signed "
	    "by this process.\n# TYPE paxtad_checkpoints_signed_total "
	    "counter\npaxtad_checkpoints_signed_total %llu\n",
	    (unsigned long long)load(&m->checkpoints));
	put(&t,
	    "# HELP paxtad_checkpoint_size Tree size of the latest "
	    "signed checkpoint.\n# TYPE paxtad_checkpoint_size gauge\n"
	    "paxtad_checkpoint_size %llu\n",
	    (unsigned long long)load(&m->checkpoint_size));
	put(&t, "# HELP paxtad_commit_entries Entries per group commit (one "
		"transaction, one fsync).\n# TYPE paxtad_commit_entries "
		"histogram\n");
	put_histogram(&t, "paxtad_commit_entries", "", &m->commit_entries,
		      batch_bounds, N_BATCH);
	put(&t, "# HELP paxtad_commit_seconds Time of a group commit, rules "
		"and fsync included.\n# TYPE paxtad_commit_seconds "
		"histogram\n");
	put_histogram(&t, "paxtad_commit_seconds", "", &m->commit_seconds,
		      latency_bounds, N_LATENCY);
	put(&t, "# HELP paxtad_request_seconds Time from a request's headers "
		"to its response sent, by route.\n# TYPE "
		"paxtad_request_seconds histogram\n");
	for (size_t r = 0; r <= m->n_routes; r++) {
		snprintf(labels, sizeof(labels), "route=\"%s\"",
			 r < m->n_routes ? m->route_names[r] : "unmatched");
		put_histogram(&t, "paxtad_request_seconds", labels,
			      &m->requests[r], latency_bounds, N_LATENCY);
	}
	put(&t, "# HELP paxtad_http_responses_total HTTP responses by "
		"status.\n# TYPE paxtad_http_responses_total counter\n");
	for (size_t s = 0; s <= N_STATUS; s++) {
		if (s < N_STATUS)
			put(&t,
			    "paxtad_http_responses_total{status=\"%u\"} %llu\n",
			    statuses[s],
			    (unsigned long long)load(&m->responses[s]));
		else
			put(&t,
			    "paxtad_http_responses_total{status=\"other\"} "
			    "%llu\n",
			    (unsigned long long)load(&m->responses[s]));
	}
	if (t.failed) {
		free(t.buf);
		return PX_ENOMEM;
	}
	*out = t.buf;
	*out_len = t.len;
	return PX_OK;
}
