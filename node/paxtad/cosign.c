/*
 * paxtad — a log node's witnesses (--witness URL=KEY, --quorum K): each new
 * checkpoint is submitted to every witness with C2SP tlog-witness
 * add-checkpoint (libcurl), with a consistency proof from the size the
 * witness last cosigned; the cosignatures that verify are served with the
 * checkpoint (GET /v1/checkpoint). A thread of its own watches the latest
 * checkpoint, so neither the writer nor a request waits on a witness.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "paxta/cosignature.h"
#include "paxta/merkle.h"
#include "paxtad.h"

#define POLL_MS         200
#define RETRY_S         2
#define ANSWER_MAX      ((size_t)64 << 10)
#define REQUEST_TIMEOUT 10L /* seconds */

struct witness {
	char *url; /* of add-checkpoint */
	struct px_note_verifier key;
	uint64_t old; /* the size it last cosigned, as far as we know */
	char *line;   /* its cosignature of line_size */
	uint64_t line_size;
	time_t next_try;
	int warned;
};

struct pxd_cosigner {
	struct pxd_node *node;
	struct witness *w;
	size_t n;
	unsigned quorum;
	pthread_t thread;
	pthread_mutex_t lock; /* cosigned, stopping */
	pthread_cond_t cond;
	int stopping, started;
	char *cosigned; /* the latest note with the cosignatures collected */
	uint64_t cosigned_size;
	unsigned cosigned_count;
	uint64_t warned_size; /* short of the quorum, said once per size */
};

int
pxd_cosigner_start(struct pxd_cosigner **out, struct pxd_node *node, char *err,
		   size_t err_len)
{
	const struct pxd_config *c = node->config;
	struct pxd_cosigner *s;

	*out = NULL;
	if (c->n_witnesses == 0)
		return PX_OK;
	if (!(s = calloc(1, sizeof(*s))) ||
	    !(s->w = calloc(c->n_witnesses, sizeof(*s->w)))) {
		free(s);
		return PX_ENOMEM;
	}
	s->node = node;
	s->quorum = c->quorum;
	s->warned_size = UINT64_MAX;
	for (size_t i = 0; i < c->n_witnesses; i++) {
		const char *spec = c->witnesses[i], *eq = strchr(spec, '=');
		struct witness *w = &s->w[s->n];

		if (!eq || px_cosig_verifier_parse(&w->key, eq + 1) != PX_OK ||
		    (strncmp(spec, "http://", 7) != 0 &&
		     strncmp(spec, "https://", 8) != 0)) {
			snprintf(err, err_len,
				 "--witness takes URL=KEY: the witness's "
				 "http(s) URL and its cosigner key "
				 "(NAME+HEX8+BASE64 of type 0x04), not '%s'",
				 spec);
			pxd_cosigner_free(s);
			return PX_EINVAL;
		}
		if (asprintf(&w->url, "%.*s%sadd-checkpoint", (int)(eq - spec),
			     spec, eq[-1] == '/' ? "" : "/") < 0) {
			w->url = NULL;
			pxd_cosigner_free(s);
			return PX_ENOMEM;
		}
		s->n++;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	*out = s;
	return PX_OK;
}

/* ---- one request ---- */

struct buf {
	char *p;
	size_t len;
};

static size_t
collect(char *data, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	size_t add = size * n;
	char *p;

	if (b->len + add > ANSWER_MAX)
		return 0; /* past the cap: curl fails the transfer */
	if (!(p = realloc(b->p, b->len + add + 1)))
		return 0;
	memcpy(p + b->len, data, add);
	b->len += add;
	p[b->len] = '\0';
	b->p = p;
	return add;
}

/* POST body to url: the status (0 when there was no answer) and the
 * answer in *answer (malloc'd, NUL-terminated). */
static long
post(const char *url, const char *body, size_t len, char **answer)
{
	struct buf b = { NULL, 0 };
	struct curl_slist *h = NULL;
	CURL *curl = curl_easy_init();
	long status = 0;

	*answer = NULL;
	if (!curl)
		return 0;
	h = curl_slist_append(h, "Content-Type: text/plain");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, REQUEST_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	*answer = b.p ? b.p : strdup("");
	return status;
}

/* The add-checkpoint body from old to the note's size (C2SP
 * tlog-witness); *out malloc'd. */
static int
request_body(struct pxd_cosigner *s, uint64_t old, uint64_t size,
	     const char *note, char **out, size_t *out_len)
{
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	struct px_txn *t = NULL;
	size_t n = 0, cap;
	char *p;
	int rc;

	if (old > 0 && old < size) {
		if ((rc = pxd_read_begin(s->node->writer, &t)) != PX_OK)
			return rc;
		rc = px_merkle_consistency_proof(proof, &n, old, size,
						 px_store_merkle_source, t);
		pxd_read_end(s->node->writer, t);
		if (rc != PX_OK)
			return rc;
	}
	cap = 32 + n * 46 + strlen(note) + 2;
	if (!(*out = malloc(cap)))
		return PX_ENOMEM;
	p = *out + sprintf(*out, "old %" PRIu64 "\n", old);
	for (size_t i = 0; i < n; i++) {
		char *b64 = NULL;

		if (px_base64_encode(&b64, proof[i].b, PX_HASH_LEN) != PX_OK) {
			free(*out);
			return PX_ENOMEM;
		}
		p += sprintf(p, "%s\n", b64);
		free(b64);
	}
	p += sprintf(p, "\n%s", note);
	*out_len = (size_t)(p - *out);
	return PX_OK;
}

/* Submit note (of size) to w: its cosignature kept in w->line when it
 * verifies. A 409 tells the size it holds: asked again once from there. */
static void
submit(struct pxd_cosigner *s, struct witness *w, const char *note,
       uint64_t size)
{
	char *body = NULL, *answer = NULL, *cosigned = NULL;
	size_t len;
	long status = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		uint64_t held;
		char *end;

		free(body);
		free(answer);
		body = answer = NULL;
		if (w->old > size) {
			/* The witness holds a larger tree than this log
			 * signed: the log went back. Nothing to ask. */
			status = 409;
			break;
		}
		if (request_body(s, w->old, size, note, &body, &len) != PX_OK)
			goto out;
		status = post(w->url, body, len, &answer);
		if (status != 409)
			break;
		held = strtoull(answer, &end, 10);
		if (end == answer || *end != '\n' || held == w->old)
			break;
		w->old = held;
	}
	if (status == 200) {
		/* Only a line that verifies for this witness's key on this
		 * very note is kept (tlog-witness: ignore unknown keys). */
		if (asprintf(&cosigned, "%s%s", note, answer) < 0)
			cosigned = NULL;
		if (cosigned && strlen(answer) > 0 &&
		    px_cosig_verify(cosigned, strlen(cosigned), &w->key,
				    NULL) == PX_OK) {
			free(w->line);
			w->line = answer;
			answer = NULL;
			w->line_size = size;
			w->old = size;
			w->warned = 0;
			goto out;
		}
	}
	if (!w->warned)
		fprintf(stderr,
			"paxtad: witness %s did not cosign the checkpoint of "
			"%" PRIu64 " entries (HTTP %ld%s%.200s)\n",
			w->url, size, status, answer && *answer ? ": " : "",
			answer ? answer : "");
	w->warned = 1;
	w->next_try = time(NULL) + RETRY_S;
out:
	free(cosigned);
	free(body);
	free(answer);
}

/* The latest note with the cosignatures collected for it. */
static void
publish(struct pxd_cosigner *s, const char *note, uint64_t size)
{
	size_t len = strlen(note) + 1;
	unsigned count = 0;
	char *all, *p;

	for (size_t i = 0; i < s->n; i++)
		if (s->w[i].line && s->w[i].line_size == size)
			len += strlen(s->w[i].line);
	if (!(all = malloc(len)))
		return;
	p = all + sprintf(all, "%s", note);
	for (size_t i = 0; i < s->n; i++)
		if (s->w[i].line && s->w[i].line_size == size) {
			p += sprintf(p, "%s", s->w[i].line);
			count++;
		}
	pthread_mutex_lock(&s->lock);
	free(s->cosigned);
	s->cosigned = all;
	s->cosigned_size = size;
	s->cosigned_count = count;
	pthread_mutex_unlock(&s->lock);
	if (count < s->quorum && s->warned_size != size) {
		s->warned_size = size;
		fprintf(stderr,
			"paxtad: the checkpoint of %" PRIu64 " entries has %u "
			"of the %u cosignatures --quorum asks for\n",
			size, count, s->quorum);
	}
}

static void *
run(void *arg)
{
	struct pxd_cosigner *s = arg;
	uint64_t published = UINT64_MAX;

	for (;;) {
		struct px_txn *t = NULL;
		const char *latest;
		char *note = NULL;
		size_t len;
		uint64_t size = 0;
		int pending = 0;
		struct timespec until;

		pthread_mutex_lock(&s->lock);
		if (!s->stopping) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += POLL_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&s->cond, &s->lock, &until);
		}
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		pthread_mutex_unlock(&s->lock);

		if (pxd_read_begin(s->node->writer, &t) != PX_OK)
			continue;
		if (px_store_checkpoint_latest(t, &size, &latest, &len) ==
		    PX_OK)
			note = strndup(latest, len);
		pxd_read_end(s->node->writer, t);
		if (!note)
			continue;
		for (size_t i = 0; i < s->n; i++) {
			struct witness *w = &s->w[i];

			if (w->line && w->line_size == size)
				continue;
			if (time(NULL) < w->next_try)
				continue;
			submit(s, w, note, size);
			pending = 1;
		}
		if (pending || published != size) {
			publish(s, note, size);
			published = size;
		}
		free(note);
	}
	return NULL;
}

int
pxd_cosigner_run(struct pxd_cosigner *s)
{
	if (!s)
		return PX_OK;
	if (pthread_create(&s->thread, NULL, run, s) != 0)
		return PX_ENOMEM;
	s->started = 1;
	return PX_OK;
}

char *
pxd_cosigned_note(struct pxd_cosigner *s, uint64_t size)
{
	char *out = NULL;

	if (!s)
		return NULL;
	pthread_mutex_lock(&s->lock);
	if (s->cosigned && s->cosigned_size == size && s->cosigned_count > 0)
		out = strdup(s->cosigned);
	pthread_mutex_unlock(&s->lock);
	return out;
}

void
pxd_cosigner_free(struct pxd_cosigner *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stopping = 1;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		curl_global_cleanup();
	}
	for (size_t i = 0; i < s->n; i++) {
		free(s->w[i].url);
		free(s->w[i].line);
	}
	free(s->w);
	free(s->cosigned);
	free(s);
}
