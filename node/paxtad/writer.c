/*
 * paxtad — the writer: group commit (DESIGN.md §4).
 *
 * Request threads decode and verify signatures in parallel, then queue
 * their entries here. One writer thread takes everything waiting into one
 * px_ledger_append call — one LMDB transaction, one fsync — where the order
 * and rule checks run one entry after another, and tells each request only
 * after the commit. With many requests in flight, an fsync is shared by all
 * of them; with one, it costs no more than a transaction of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paxta/store.h"
#include "paxtad.h"

/* Entries per transaction: the LMDB write transaction's dirty pages stay
 * well inside its limit, and no request waits behind an unbounded one. */
#define TXN_MAX PXD_BATCH_MAX

struct pxd_writer {
	struct px_ledger *l;
	struct pxd_metrics *m;
	unsigned interval;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	struct pxd_job *head, *tail;
	int stopping;
	int started;

	/* The writer thread's own: the log's growth since the last
	 * checkpoint, and the entries of the batch being committed. */
	int grown;
	double last_checkpoint;
	struct px_entry **entries;
	size_t cap;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
reserve(struct pxd_writer *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 64;
	struct px_entry **entries;

	if (n <= w->cap)
		return PX_OK;
	while (cap < n)
		cap *= 2;
	if (!(entries = realloc(w->entries, cap * sizeof(*entries))))
		return PX_ENOMEM;
	w->entries = entries;
	w->cap = cap;
	return PX_OK;
}

/* Sign a checkpoint when the log outgrew the latest one. *note (may be
 * NULL) gets the latest note; *signed_new whether it was signed now. */
static int
checkpoint(struct pxd_writer *w, char **note, int *signed_new)
{
	struct px_txn *t = NULL;
	const char *latest;
	size_t latest_len;
	uint64_t cp_size = 0, size;
	int rc;

	if ((rc = px_ledger_read(w->l, &t)) != PX_OK)
		return rc;
	size = px_store_size(t);
	rc = px_store_checkpoint_latest(t, &cp_size, &latest, &latest_len);
	px_store_abort(t);
	if (rc != PX_OK && rc != PX_ENOTFOUND)
		return rc;
	if ((rc = px_ledger_checkpoint(w->l, note)) != PX_OK)
		return rc;
	/* The checkpoint may have logged the index root first (ledger.h):
	 * its size is the log's now. */
	if (size > cp_size && px_ledger_read(w->l, &t) == PX_OK) {
		size = px_store_size(t);
		px_store_abort(t);
	}
	if (signed_new)
		*signed_new = size > cp_size;
	if (size > cp_size)
		pxd_metrics_checkpoint(w->m, size);
	w->grown = 0;
	w->last_checkpoint = now_s();
	return PX_OK;
}

/* Append the entries of the jobs in batch (a list) in one transaction and
 * tell each job. */
static void
commit(struct pxd_writer *w, struct pxd_job *batch)
{
	struct pxd_job *j, *next;
	size_t n = 0, at;
	uint64_t logged = 0, duplicates = 0;
	int rc = PX_OK, want_checkpoint = 0;
	double t0;

	for (j = batch; j; j = j->next) {
		n += j->n;
		want_checkpoint |= j->checkpoint;
	}
	if (n > 0 && (rc = reserve(w, n)) == PX_OK) {
		at = 0;
		for (j = batch; j; j = j->next) {
			/* A checkpoint job has no entries (and NULL for them).
			 */
			if (j->n)
				memcpy(w->entries + at, j->entries,
				       j->n * sizeof(*j->entries));
			at += j->n;
		}
		t0 = now_s();
		rc = px_ledger_append(w->l, w->entries, n, (int64_t)time(NULL));
		if (rc == PX_OK)
			pxd_metrics_commit(w->m, n, now_s() - t0);
	}
	for (j = batch; j; j = j->next) {
		j->rc = rc;
		for (size_t i = 0; rc == PX_OK && i < j->n; i++) {
			const struct px_append_result *r =
				&j->entries[i]->result;

			if (r->rc != PX_OK)
				continue;
			if (r->duplicate)
				duplicates++;
			else
				logged++;
		}
	}
	if (logged || duplicates)
		pxd_metrics_appended(w->m, logged, duplicates);
	if (logged)
		w->grown = 1;
	/* A checkpoint asked for covers everything committed before it. */
	if (want_checkpoint) {
		char *note = NULL;
		int signed_new = 0, crc = checkpoint(w, &note, &signed_new);

		for (j = batch; j; j = j->next) {
			if (!j->checkpoint)
				continue;
			if (crc == PX_OK && note) {
				j->note = strdup(note);
				j->signed_new = signed_new;
				if (!j->note)
					j->rc = PX_ENOMEM;
			} else if (j->rc == PX_OK) {
				j->rc = crc != PX_OK ? crc : PX_ENOTFOUND;
			}
		}
		free(note);
	}
	for (j = batch; j; j = next) {
		next = j->next; /* done may free j */
		j->next = NULL;
		j->done(j, j->ctx);
	}
}

static void *
run(void *arg)
{
	struct pxd_writer *w = arg;

	for (;;) {
		struct pxd_job *batch = NULL, **tail = &batch;
		size_t n = 0;
		int last;

		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping) {
			struct timespec until;
			double due;

			if (!w->grown || !w->interval) {
				pthread_cond_wait(&w->cond, &w->lock);
				continue;
			}
			due = w->last_checkpoint + w->interval;
			if (now_s() >= due)
				break;
			until.tv_sec = (time_t)due;
			until.tv_nsec =
				(long)((due - (double)until.tv_sec) * 1e9);
			if (pthread_cond_timedwait(&w->cond, &w->lock,
						   &until) == ETIMEDOUT)
				break;
		}
		/* Everything waiting, up to a transaction's worth (a job
		 * alone may fill one). */
		while (w->head && (n == 0 || n + w->head->n <= TXN_MAX)) {
			struct pxd_job *j = w->head;

			w->head = j->next;
			j->next = NULL;
			*tail = j;
			tail = &j->next;
			n += j->n;
		}
		if (!w->head)
			w->tail = NULL;
		last = w->stopping && !w->head;
		pthread_mutex_unlock(&w->lock);

		if (batch)
			commit(w, batch);
		if (w->grown && w->interval &&
		    now_s() - w->last_checkpoint >= w->interval &&
		    checkpoint(w, NULL, NULL) != PX_OK)
			fprintf(stderr, "paxtad: cannot sign a checkpoint\n");
		if (last)
			break;
	}
	/* What was logged is covered by a signed checkpoint on the way out. */
	if (w->grown && checkpoint(w, NULL, NULL) != PX_OK)
		fprintf(stderr, "paxtad: cannot sign the last checkpoint\n");
	return NULL;
}

int
pxd_writer_start(struct pxd_writer **out, struct px_ledger *l,
		 struct pxd_metrics *m, unsigned interval)
{
	struct pxd_writer *w;
	pthread_condattr_t ca;
	struct px_txn *t = NULL;
	const char *note;
	size_t note_len;
	uint64_t cp_size = 0;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return PX_ENOMEM;
	w->l = l;
	w->m = m;
	w->interval = interval;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);

	/* A log that outgrew its last checkpoint (a node killed before it
	 * signed one) gets one at the first chance. */
	if ((rc = px_ledger_read(l, &t)) != PX_OK)
		goto fail;
	rc = px_store_checkpoint_latest(t, &cp_size, &note, &note_len);
	w->grown = rc == PX_ENOTFOUND || px_store_size(t) > cp_size;
	if (rc == PX_OK)
		pxd_metrics_checkpoint(m, cp_size);
	px_store_abort(t);
	if (rc != PX_OK && rc != PX_ENOTFOUND)
		goto fail;
	w->last_checkpoint = now_s() - interval;
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		rc = PX_ENOMEM;
		goto fail;
	}
	w->started = 1;
	*out = w;
	return PX_OK;
fail:
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return rc;
}

int
pxd_writer_submit(struct pxd_writer *w, struct pxd_job *job)
{
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return PX_EINVAL;
	}
	job->next = NULL;
	job->rc = PX_OK;
	job->note = NULL;
	job->signed_new = 0;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return PX_OK;
}

void
pxd_writer_stop(struct pxd_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = 0;
}

void
pxd_writer_free(struct pxd_writer *w)
{
	if (!w)
		return;
	pxd_writer_stop(w);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->entries);
	free(w);
}
