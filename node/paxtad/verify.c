/*
 * paxtad — signature verification for request threads.
 *
 * A request verifies its own entries on its own thread: many requests at
 * once spread over the cores by themselves. A batch of many entries is
 * one request, though, on one thread — and which thread serves which
 * connection is libmicrohttpd's choice, so two batches may well land on
 * the same one. A batch is therefore verified on a shared pool (every
 * core, the request's thread included), one batch at a time.
 */
#include <stdlib.h>

#include "paxta/entry.h"
#include "paxta/verify.h"
#include "paxtad.h"

/* Fewer entries than this are verified on the request's thread alone. */
#define POOL_MIN 8

struct pxd_verify {
	struct px_verifier *pool;
	pthread_mutex_t lock; /* the pool takes one batch at a time */
};

int
pxd_verify_new(struct pxd_verify **out, unsigned threads)
{
	struct pxd_verify *v = calloc(1, sizeof(*v));
	int rc;

	*out = NULL;
	if (!v)
		return PX_ENOMEM;
	/* The request's thread works too: threads - 1 more. */
	if ((rc = px_verifier_new(&v->pool, threads > 1 ? threads - 1 : 1)) !=
	    PX_OK) {
		free(v);
		return rc;
	}
	pthread_mutex_init(&v->lock, NULL);
	*out = v;
	return PX_OK;
}

void
pxd_verify_free(struct pxd_verify *v)
{
	if (!v)
		return;
	px_verifier_free(v->pool);
	pthread_mutex_destroy(&v->lock);
	free(v);
}

int
pxd_verify(struct pxd_verify *v, struct px_entry *const *entries, size_t n)
{
	int rc = PX_OK;

	if (n < POOL_MIN) {
		for (size_t i = 0; i < n && rc == PX_OK; i++)
			rc = px_entry_prepare(entries[i], PX_ENTRY_ALL);
		return rc;
	}
	pthread_mutex_lock(&v->lock);
	rc = px_verifier_run(v->pool, entries, n, PX_ENTRY_ALL);
	pthread_mutex_unlock(&v->lock);
	return rc;
}
