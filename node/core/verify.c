/* paxta — parallel signature verification. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/verify.h"

/* Entries a thread takes at a time: big enough to keep the shared counter
 * cold, small enough to balance a batch of a few hundred. */
#define CHUNK 16

struct px_verifier {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a new job, or stop */
	pthread_cond_t done; /* a worker finished its part */
	pthread_t *threads;
	unsigned nthreads;
	int stop;
	uint64_t generation; /* bumped per job */
	unsigned busy;       /* workers still on the current job */

	/* The current job. */
	struct px_entry *const *entries;
	unsigned steps;
	size_t n;
	atomic_size_t next;
	atomic_int failed; /* the first could-not-check error */
};

static void
work(struct px_verifier *v)
{
	for (;;) {
		size_t i = atomic_fetch_add(&v->next, CHUNK);

		if (i >= v->n)
			return;
		for (size_t end = i + CHUNK < v->n ? i + CHUNK : v->n; i < end;
		     i++) {
			int rc = px_entry_prepare(v->entries[i], v->steps);
			int none = PX_OK;

			if (rc != PX_OK)
				atomic_compare_exchange_strong(&v->failed,
							       &none, rc);
		}
	}
}

static void *
worker(void *arg)
{
	struct px_verifier *v = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&v->lock);
	for (;;) {
		while (!v->stop && v->generation == seen)
			pthread_cond_wait(&v->wake, &v->lock);
		if (v->stop)
			break;
		seen = v->generation;
		pthread_mutex_unlock(&v->lock);
		work(v);
		pthread_mutex_lock(&v->lock);
		if (--v->busy == 0)
			pthread_cond_signal(&v->done);
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

int
px_verifier_new(struct px_verifier **out, unsigned threads)
{
	struct px_verifier *v;

	*out = NULL;
	if (threads == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cpus > 1 ? (unsigned)cpus - 1 : 1;
	}
	if (threads > 256)
		return PX_EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return PX_ENOMEM;
	v->threads = calloc(threads, sizeof(*v->threads));
	if (!v->threads) {
		free(v);
		return PX_ENOMEM;
	}
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->wake, NULL);
	pthread_cond_init(&v->done, NULL);
	atomic_init(&v->next, 0);
	atomic_init(&v->failed, PX_OK);
	for (; v->nthreads < threads; v->nthreads++) {
		if (pthread_create(&v->threads[v->nthreads], NULL, worker, v) !=
		    0) {
			px_verifier_free(v);
			return PX_ENOMEM;
		}
	}
	*out = v;
	return PX_OK;
}

void
px_verifier_free(struct px_verifier *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = 1;
	pthread_cond_broadcast(&v->wake);
	pthread_mutex_unlock(&v->lock);
	for (unsigned i = 0; i < v->nthreads; i++)
		pthread_join(v->threads[i], NULL);
	pthread_cond_destroy(&v->done);
	pthread_cond_destroy(&v->wake);
	pthread_mutex_destroy(&v->lock);
	free(v->threads);
	free(v);
}

int
px_verifier_run(struct px_verifier *v, struct px_entry *const *entries,
		size_t n, unsigned steps)
{
	if (n == 0)
		return PX_OK;
	pthread_mutex_lock(&v->lock);
	v->entries = entries;
	v->steps = steps;
	v->n = n;
	atomic_store(&v->next, 0);
	atomic_store(&v->failed, PX_OK);
	v->busy = v->nthreads;
	v->generation++;
	pthread_cond_broadcast(&v->wake);
	pthread_mutex_unlock(&v->lock);

	work(v);

	pthread_mutex_lock(&v->lock);
	while (v->busy > 0)
		pthread_cond_wait(&v->done, &v->lock);
	pthread_mutex_unlock(&v->lock);
	return atomic_load(&v->failed);
}

unsigned
px_verifier_threads(const struct px_verifier *v)
{
	return v->nthreads;
}
