/*
 * paxta-bench node — paxtad over HTTP, measured against the raw Ed25519
 * verify rate of the same cores in the same run (DESIGN.md §7).
 *
 * A ledger is made with farms and a monitor; each farm's chain of harvests
 * is signed beforehand on every core. Then paxtad is started on it (with
 * durable commits, as always) and clients on this machine — libcurl multi
 * event loops, one thread per core, many keep-alive connections each:
 *
 *   1. post the harvests of some farms in batches (an EntryBatch per
 *      request), a few connections at once;
 *   2. post other farms' harvests one entry per request, many connections
 *      at once (so the node's group commit has company to share an fsync
 *      with);
 *   3. read, for a few seconds each, /healthz (a trivial route), inclusion
 *      proofs at the log's size, and verdicts of random lots.
 *
 * The ceiling is measured before, between and after the ingest phases
 * (this machine's speed drifts), and each phase is given as a ratio of the
 * mean of the two measurements around it. Every
 * acknowledgement is checked. Nothing here asserts a time: it measures and
 * prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bench.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/ledger.h"
#include "paxta/signer.h"

#define DISTRICTS 16

extern char **environ;

struct options {
	const char *paxtad;
	const char *dir;
	size_t batched, single, batch;
	unsigned batch_clients, single_clients, read_clients;
	double read_seconds;
	unsigned threads;
	double memory_minutes, memory_rate;
};

/* One farm's chain of harvests, signed beforehand. */
struct farm {
	char id[32];
	size_t number; /* its district is number % DISTRICTS */
	struct px_seckey key;
	uint8_t **leaves;
	size_t *lens;
	size_t n;
};

static pid_t node_pid = -1;

static void
stop_node_on_exit(void)
{
	if (node_pid > 0) {
		kill(node_pid, SIGKILL);
		waitpid(node_pid, NULL, 0);
		node_pid = -1;
	}
}

/* The season of harvests picked yesterday: the rules want a harvest's
 * time inside its season. */
static uint32_t
season(void)
{
	time_t yesterday = time(NULL) - 86400;
	struct tm tm;

	if (!gmtime_r(&yesterday, &tm))
		bench_die("no calendar");
	return (uint32_t)tm.tm_year + 1900;
}

/* ---- the corpus ---- */

struct sign_job {
	struct farm *farms;
	size_t n_farms;
	unsigned first, step;
	uint32_t season;
};

static void *
sign_farms(void *arg)
{
	struct sign_job *j = arg;
	int64_t now = (int64_t)time(NULL);

	for (size_t f = j->first; f < j->n_farms; f += j->step) {
		struct farm *fm = &j->farms[f];
		struct px_hash prev;

		for (size_t k = 0; k < fm->n; k++) {
			Paxta__Entry e = PAXTA__ENTRY__INIT;
			Paxta__Harvest h = PAXTA__HARVEST__INIT;
			char lot[64], district[32];
			uint8_t *payload;
			size_t plen;

			snprintf(lot, sizeof(lot), "H-%s-%06zu", fm->id, k);
			snprintf(district, sizeof(district), "UZ-SA-D%02zu",
				 fm->number % DISTRICTS);
			h.lot = lot;
			h.grams = 2000000;
			h.season = j->season;
			h.district = district;
			h.method = PAXTA__METHOD__METHOD_HAND;
			h.harvested_at = now - 86400;
			e.actor = fm->id;
			e.seq = k + 1;
			if (k > 0) {
				e.prev.data = prev.b;
				e.prev.len = PX_HASH_LEN;
			}
			e.time = now - 3600;
			e.body_case = PAXTA__ENTRY__BODY_HARVEST;
			e.harvest = &h;
			bench_check(px_entry_body_encode(&payload, &plen, &e),
				    "encode");
			bench_check(px_entry_seal(&fm->leaves[k], &fm->lens[k],
						  payload, plen, &fm->key),
				    "seal");
			free(payload);
			bench_check(
				px_hash_leaf(&prev, fm->leaves[k], fm->lens[k]),
				"hash");
		}
	}
	return NULL;
}

static void
make_farms(struct farm *farms, size_t n_farms, size_t first_number,
	   size_t entries)
{
	unsigned threads = bench_cpus() < 64 ? bench_cpus() : 64;
	pthread_t tid[64];
	struct sign_job jobs[64];

	for (size_t f = 0; f < n_farms; f++) {
		struct farm *fm = &farms[f];

		fm->number = first_number + f;
		snprintf(fm->id, sizeof(fm->id), "uz.farm.b%04zu", fm->number);
		bench_check(px_key_generate(&fm->key), "keygen");
		/* Entries shared out: the first farms take one more. */
		fm->n = entries / n_farms + (f < entries % n_farms ? 1 : 0);
		fm->leaves = calloc(fm->n ? fm->n : 1, sizeof(*fm->leaves));
		fm->lens = calloc(fm->n ? fm->n : 1, sizeof(*fm->lens));
		if (!fm->leaves || !fm->lens)
			bench_die("out of memory");
	}
	for (unsigned i = 0; i < threads; i++) {
		jobs[i] = (struct sign_job){ farms, n_farms, i, threads,
					     season() };
		pthread_create(&tid[i], NULL, sign_farms, &jobs[i]);
	}
	for (unsigned i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
}

static void
free_farms(struct farm *farms, size_t n)
{
	for (size_t f = 0; f < n; f++) {
		for (size_t k = 0; k < farms[f].n; k++)
			free(farms[f].leaves[k]);
		free(farms[f].leaves);
		free(farms[f].lens);
		px_key_wipe(&farms[f].key);
	}
}

/* Events signed by the registrar (or the monitor) and appended in one
 * transaction. */
static void
append_events(struct px_ledger *l, json_t *events, const char *signer_id,
	      const struct px_seckey *key)
{
	struct px_signer *signer;
	struct px_signer_source src;
	size_t n = json_array_size(events);
	uint8_t **leaves = calloc(n, sizeof(*leaves));
	size_t *lens = calloc(n, sizeof(*lens));
	struct bench_batch b = { 0 };

	if (!leaves || !lens)
		bench_die("out of memory");
	px_ledger_signer_source(l, &src);
	bench_check(px_signer_new(&signer, &src), "signer");
	for (size_t i = 0; i < n; i++) {
		struct px_event *ev;
		struct px_refusal why;

		if (px_event_parse(&ev, json_array_get(events, i), &why) !=
		    PX_OK)
			bench_die("event: %s", why.message);
		if (px_signer_sign(signer, ev, key, (int64_t)time(NULL),
				   &leaves[i], &lens[i], &why) != PX_OK)
			bench_die("sign for %s: %s", signer_id, why.message);
		px_event_free(ev);
	}
	bench_batch_set(&b, (const uint8_t *const *)leaves, lens, n);
	bench_append(l, NULL, &b, (int64_t)time(NULL), NULL);
	bench_batch_free(&b);
	for (size_t i = 0; i < n; i++)
		free(leaves[i]);
	px_signer_free(signer);
	free(leaves);
	free(lens);
}

/* A ledger with the farms and a monitor registered and every district
 * certified, so verdicts have statements to weigh. */
static void
make_ledger(const char *dir, struct farm *farms, size_t n_farms)
{
	struct px_seckey reg, monitor;
	struct px_registrar r = { "uz.registrar", { { 0 } } };
	struct px_policy policy;
	struct px_ledger *l;
	json_t *events = json_array(), *attests = json_array();
	char pub[45];

	bench_check(px_key_generate(&reg), "keygen");
	bench_check(px_key_generate(&monitor), "keygen");
	r.pub = reg.pub;
	px_policy_default(&policy);
	/* Harvests are picked "yesterday", any day of the year. */
	policy.harvest_from = 101;
	policy.harvest_until = 1231;
	bench_check(px_ledger_create_at(dir, "bench.example/node", &r, 1,
					&policy, NULL, BENCH_GENESIS),
		    "create");
	bench_check(px_ledger_open(&l, dir, 0), "open");
	for (size_t f = 0; f < n_farms; f++) {
		char district[32];

		px_pubkey_to_base64(pub, &farms[f].key.pub);
		snprintf(district, sizeof(district), "UZ-SA-D%02zu",
			 farms[f].number % DISTRICTS);
		json_array_append_new(
			events,
			json_pack("{s:s,s:s,s:{s:s,s:s,s:[s],s:s,s:s,s:s}}",
				  "kind", "register_actor", "actor",
				  "uz.registrar", "subject", "id", farms[f].id,
				  "name", farms[f].id, "roles", "farm",
				  "region", "UZ-SA", "district", district,
				  "public_key", pub));
	}
	px_pubkey_to_base64(pub, &monitor.pub);
	json_array_append_new(
		events,
		json_pack("{s:s,s:s,s:{s:s,s:s,s:[s],s:s,s:s,s:s}}", "kind",
			  "register_actor", "actor", "uz.registrar", "subject",
			  "id", "monitor.bench", "name", "bench monitor",
			  "roles", "monitor", "region", "UZ", "district", "UZ",
			  "public_key", pub));
	append_events(l, events, "uz.registrar", &reg);
	for (int d = 0; d < DISTRICTS; d++) {
		char subject[48];

		snprintf(subject, sizeof(subject), "district:UZ-SA-D%02d", d);
		json_array_append_new(
			attests,
			json_pack("{s:s,s:s,s:s,s:i,s:s}", "kind", "attest",
				  "actor", "monitor.bench", "subject", subject,
				  "season", (int)season(), "status",
				  "certified"));
	}
	append_events(l, attests, "monitor.bench", &monitor);
	bench_check(px_ledger_checkpoint(l, NULL), "checkpoint");
	px_ledger_close(l);
	json_decref(events);
	json_decref(attests);
	px_key_wipe(&reg);
	px_key_wipe(&monitor);
}

/* ---- the node ---- */

static const char *
find_paxtad(const char *given)
{
	static char path[PATH_MAX];
	ssize_t n;
	char *slash;

	if (given)
		return given;
	n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	if (n <= 0)
		bench_die("cannot find paxtad: give --paxtad PATH");
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "paxtad");
	if (access(path, X_OK) != 0)
		bench_die("no paxtad next to paxta-bench (%s): give --paxtad "
			  "PATH",
			  path);
	return path;
}

/* Start paxtad on dir; its port from the line it prints. */
static unsigned
start_node(const char *paxtad, const char *dir, unsigned threads)
{
	posix_spawn_file_actions_t fa;
	char log[PATH_MAX], threads_arg[16];
	char *argv[16];
	int argc = 0;
	unsigned port = 0;

	snprintf(log, sizeof(log), "%s/paxtad.log", dir);
	snprintf(threads_arg, sizeof(threads_arg), "%u", threads);
	argv[argc++] = (char *)paxtad;
	argv[argc++] = "--data";
	argv[argc++] = (char *)dir;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--max-per-ip";
	argv[argc++] = "0";
	argv[argc++] = "--max-connections";
	argv[argc++] = "4096";
	if (threads) {
		argv[argc++] = "--threads";
		argv[argc++] = threads_arg;
	}
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&node_pid, paxtad, &fa, NULL, argv, environ) != 0)
		bench_die("cannot start %s: %s", paxtad, strerror(errno));
	posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 1000 && !port; i++) {
		char line[512];
		FILE *f = fopen(log, "r");
		const char *at;

		while (f && fgets(line, sizeof(line), f))
			if ((at = strstr(line, " on http://127.0.0.1:")))
				port = (unsigned)atoi(at + 21);
		if (f)
			fclose(f);
		if (!port) {
			if (waitpid(node_pid, NULL, WNOHANG) == node_pid) {
				node_pid = -1;
				bench_die("paxtad stopped; see %s", log);
			}
			usleep(10000);
		}
	}
	if (!port)
		bench_die("paxtad printed no port; see %s", log);
	return port;
}

static void
stop_node(void)
{
	int status;

	kill(node_pid, SIGTERM);
	waitpid(node_pid, &status, 0);
	node_pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_die("paxtad did not stop cleanly");
}

/* ---- HTTP clients: event loops over many connections ---- */

/*
 * A load: conns connections, each sending one request after another. A
 * few threads (one per core) each drive a share of the connections with a
 * curl multi handle, as a load generator does: the clients take little of
 * the cores the node runs on.
 */
struct reply {
	char buf[65536];
	size_t len;
};

struct load {
	unsigned conns;
	/* Set connection c's next request on easy; 0 when c is done. */
	int (*next)(struct load *ld, unsigned c, CURL *easy);
	/* Check the answer to connection c's last request. */
	void (*check)(struct load *ld, unsigned c, long status,
		      const char *body);
	void *ctx;
	/* Filled in: every request's time, and the run's. */
	double *latency;
	size_t n_latency;
	double seconds;
};

struct driver {
	struct load *ld;
	unsigned first, step; /* connections first, first + step, ... */
	pthread_barrier_t *start;
	double *latency;
	size_t n_latency, cap_latency;
};

static size_t
collect(char *data, size_t size, size_t n, void *ctx)
{
	struct reply *r = ctx;
	size_t take = size * n;

	if (take > sizeof(r->buf) - 1 - r->len)
		take = sizeof(r->buf) - 1 - r->len;
	memcpy(r->buf + r->len, data, take);
	r->len += take;
	r->buf[r->len] = '\0';
	return size * n;
}

static void
record(struct driver *d, double seconds)
{
	if (d->n_latency == d->cap_latency) {
		size_t cap = d->cap_latency ? 2 * d->cap_latency : 4096;
		double *nl = realloc(d->latency, cap * sizeof(*nl));

		if (!nl)
			bench_die("out of memory");
		d->latency = nl;
		d->cap_latency = cap;
	}
	d->latency[d->n_latency++] = seconds;
}

static void *
drive(void *arg)
{
	struct driver *d = arg;
	struct load *ld = d->ld;
	CURLM *m = curl_multi_init();
	size_t n = 0;
	CURL **easy;
	struct reply *replies;
	double *started;
	int active = 0;

	for (unsigned c = d->first; c < ld->conns; c += d->step)
		n++;
	easy = calloc(n ? n : 1, sizeof(*easy));
	replies = calloc(n ? n : 1, sizeof(*replies));
	started = calloc(n ? n : 1, sizeof(*started));
	if (!m || !easy || !replies || !started)
		bench_die("out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!(easy[i] = curl_easy_init()))
			bench_die("curl_easy_init");
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &replies[i]);
		curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (void *)i);
		curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
	}
	pthread_barrier_wait(d->start);
	for (size_t i = 0; i < n; i++) {
		if (!ld->next(ld, d->first + (unsigned)i * d->step, easy[i]))
			continue;
		started[i] = bench_now();
		curl_multi_add_handle(m, easy[i]);
		active++;
	}
	while (active > 0) {
		CURLMsg *msg;
		int running, queued;

		if (curl_multi_perform(m, &running) != CURLM_OK)
			bench_die("curl_multi_perform");
		while ((msg = curl_multi_info_read(m, &queued))) {
			void *priv;
			size_t i;
			unsigned c;
			long status = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&priv);
			i = (size_t)priv;
			c = d->first + (unsigned)i * d->step;
			if (msg->data.result != CURLE_OK)
				bench_die("request failed: %s",
					  curl_easy_strerror(msg->data.result));
			record(d, bench_now() - started[i]);
			curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE,
					  &status);
			curl_multi_remove_handle(m, easy[i]);
			ld->check(ld, c, status, replies[i].buf);
			replies[i].len = 0;
			replies[i].buf[0] = '\0';
			if (ld->next(ld, c, easy[i])) {
				started[i] = bench_now();
				curl_multi_add_handle(m, easy[i]);
			} else {
				active--;
			}
		}
		if (active > 0 &&
		    curl_multi_poll(m, NULL, 0, 100, NULL) != CURLM_OK)
			bench_die("curl_multi_poll");
	}
	for (size_t i = 0; i < n; i++)
		curl_easy_cleanup(easy[i]);
	curl_multi_cleanup(m);
	free(easy);
	free(replies);
	free(started);
	return NULL;
}

static void
run_load(struct load *ld)
{
	unsigned threads = bench_cpus() < ld->conns ? bench_cpus() : ld->conns;
	struct driver *d = calloc(threads, sizeof(*d));
	pthread_t *tid = calloc(threads, sizeof(*tid));
	pthread_barrier_t start;
	double t0;

	if (!d || !tid)
		bench_die("out of memory");
	pthread_barrier_init(&start, NULL, threads + 1);
	for (unsigned t = 0; t < threads; t++) {
		d[t] = (struct driver){
			.ld = ld, .first = t, .step = threads, .start = &start
		};
		pthread_create(&tid[t], NULL, drive, &d[t]);
	}
	pthread_barrier_wait(&start);
	t0 = bench_now();
	for (unsigned t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	ld->seconds = bench_now() - t0;
	pthread_barrier_destroy(&start);
	ld->n_latency = 0;
	for (unsigned t = 0; t < threads; t++)
		ld->n_latency += d[t].n_latency;
	ld->latency =
		calloc(ld->n_latency ? ld->n_latency : 1, sizeof(*ld->latency));
	if (!ld->latency)
		bench_die("out of memory");
	ld->n_latency = 0;
	for (unsigned t = 0; t < threads; t++) {
		memcpy(ld->latency + ld->n_latency, d[t].latency,
		       d[t].n_latency * sizeof(*d[t].latency));
		ld->n_latency += d[t].n_latency;
		free(d[t].latency);
	}
	free(d);
	free(tid);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct rate {
	double per_s, p50, p99;
	size_t requests;
};

static struct rate
rate_of(struct load *ld, size_t items)
{
	struct rate r = { 0 };

	qsort(ld->latency, ld->n_latency, sizeof(*ld->latency), by_value);
	r.requests = ld->n_latency;
	r.per_s = (double)items / ld->seconds;
	if (r.requests) {
		r.p50 = ld->latency[r.requests / 2];
		r.p99 = ld->latency[(size_t)((double)r.requests * 0.99)];
	}
	free(ld->latency);
	ld->latency = NULL;
	return r;
}

/* ---- ingest ---- */

/* One connection's requests: bodies and the entries in each. */
struct stream {
	uint8_t **bodies;
	size_t *lens, *entries;
	size_t n, next;
	struct curl_slist *headers;
};

struct ingest {
	char url[64];
	int batched;
	struct stream *streams;
};

static int
ingest_next(struct load *ld, unsigned c, CURL *easy)
{
	struct ingest *in = ld->ctx;
	struct stream *s = &in->streams[c];

	if (s->next == s->n)
		return 0;
	curl_easy_setopt(easy, CURLOPT_URL, in->url);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, s->bodies[s->next]);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)s->lens[s->next]);
	return 1;
}

static void
ingest_check(struct load *ld, unsigned c, long status, const char *body)
{
	struct ingest *in = ld->ctx;
	struct stream *s = &in->streams[c];
	char want[64];

	if (status != 201)
		bench_die("HTTP %ld: %.300s", status, body);
	/* Every entry new: logged, not answered as a duplicate. */
	if (in->batched) {
		snprintf(want, sizeof(want), "{\"logged\":%zu,",
			 s->entries[s->next]);
		if (strncmp(body, want, strlen(want)) != 0)
			bench_die("batch not all logged: %.300s", body);
	} else if (!strstr(body, "\"duplicate\":false")) {
		bench_die("entry not logged anew: %.300s", body);
	}
	s->next++;
}

/* Post the farms' entries over clients connections: connection c takes
 * every clients-th farm and sends its entries round those farms in chain
 * order, per_request entries per request. */
static struct rate
ingest(unsigned port, struct farm *farms, size_t n_farms, unsigned clients,
       size_t per_request)
{
	struct ingest in = { .batched = per_request > 1 };
	struct load ld = { .conns = clients,
			   .next = ingest_next,
			   .check = ingest_check,
			   .ctx = &in };
	size_t total = 0;
	struct rate r;

	snprintf(in.url, sizeof(in.url), "http://127.0.0.1:%u/v1/entries",
		 port);
	in.streams = calloc(clients, sizeof(*in.streams));
	if (!in.streams)
		bench_die("out of memory");
	for (unsigned c = 0; c < clients; c++) {
		struct stream *s = &in.streams[c];
		const uint8_t **leaves;
		size_t *lens, n = 0, most = 0;

		for (size_t f = c; f < n_farms; f += clients) {
			n += farms[f].n;
			if (farms[f].n > most)
				most = farms[f].n;
		}
		leaves = calloc(n ? n : 1, sizeof(*leaves));
		lens = calloc(n ? n : 1, sizeof(*lens));
		if (!leaves || !lens)
			bench_die("out of memory");
		n = 0;
		for (size_t k = 0; k < most; k++)
			for (size_t f = c; f < n_farms; f += clients)
				if (k < farms[f].n) {
					leaves[n] = farms[f].leaves[k];
					lens[n++] = farms[f].lens[k];
				}
		s->headers = curl_slist_append(
			NULL, in.batched ? "Content-Type: application/"
					   "x-protobuf; proto=paxta.EntryBatch"
					 : "Content-Type: application/"
					   "x-protobuf");
		/* Bodies go at once: no "100 Continue" round trip. */
		s->headers = curl_slist_append(s->headers, "Expect:");
		s->n = (n + per_request - 1) / per_request;
		s->bodies = calloc(s->n ? s->n : 1, sizeof(*s->bodies));
		s->lens = calloc(s->n ? s->n : 1, sizeof(*s->lens));
		s->entries = calloc(s->n ? s->n : 1, sizeof(*s->entries));
		if (!s->headers || !s->bodies || !s->lens || !s->entries)
			bench_die("out of memory");
		for (size_t i = 0; i < s->n; i++) {
			size_t first = i * per_request;
			size_t m = n - first < per_request ? n - first
							   : per_request;
			size_t cap = 0, at = 0;
			uint8_t *b;

			s->entries[i] = m;
			if (!in.batched) {
				s->bodies[i] = (uint8_t *)leaves[first];
				s->lens[i] = lens[first];
				continue;
			}
			/* EntryBatch: field 1, length-delimited, per entry. */
			for (size_t k = 0; k < m; k++)
				cap += 11 + lens[first + k];
			if (!(b = malloc(cap)))
				bench_die("out of memory");
			for (size_t k = 0; k < m; k++) {
				size_t len = lens[first + k];

				b[at++] = 0x0a;
				do {
					b[at++] = (uint8_t)((len & 0x7f) |
							    (len >= 0x80 ? 0x80
									 : 0));
					len >>= 7;
				} while (len);
				memcpy(b + at, leaves[first + k],
				       lens[first + k]);
				at += lens[first + k];
			}
			s->bodies[i] = b;
			s->lens[i] = at;
		}
		total += n;
		free(leaves);
		free(lens);
	}
	run_load(&ld);
	r = rate_of(&ld, total);
	for (unsigned c = 0; c < clients; c++) {
		struct stream *s = &in.streams[c];

		if (in.batched)
			for (size_t i = 0; i < s->n; i++)
				free(s->bodies[i]);
		free(s->bodies);
		free(s->lens);
		free(s->entries);
		curl_slist_free_all(s->headers);
	}
	free(in.streams);
	return r;
}

/* ---- reads ---- */

enum read_kind {
	READ_HEALTHZ,
	READ_PROOF,
	READ_VERDICT,
	READ_MIXED /* each of the above, entry ranges and district recalls */
};

struct reads {
	unsigned port;
	enum read_kind kind;
	uint64_t size;
	const struct farm *farms;
	size_t n_farms;
	double until;
	uint64_t *seeds; /* per connection */
	char (*urls)[256];
};

static uint64_t
rand64(uint64_t *state)
{
	/* xorshift64*: reproducible picks, no quality needed. */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

static int
read_next(struct load *ld, unsigned c, CURL *easy)
{
	struct reads *rd = ld->ctx;
	char *url = rd->urls[c];
	const struct farm *f;

	enum read_kind kind = rd->kind;
	uint64_t pick;

	if (bench_now() >= rd->until)
		return 0;
	if (kind == READ_MIXED) {
		/* a twentieth each of recalls, a fifth entry ranges, the
		 * rest health, proofs and verdicts alike */
		pick = rand64(&rd->seeds[c]) % 20;
		if (pick >= 15 && pick < 19) {
			snprintf(url, 256,
				 "http://127.0.0.1:%u/v1/entries?start=%" PRIu64
				 "&count=100",
				 rd->port, rand64(&rd->seeds[c]) % rd->size);
			goto set;
		}
		if (pick == 19) {
			snprintf(url, 256,
				 "http://127.0.0.1:%u/v1/recall?district=UZ-SA-"
				 "D%02u&season=%u",
				 rd->port,
				 (unsigned)(rand64(&rd->seeds[c]) % DISTRICTS),
				 season());
			goto set;
		}
		kind = (enum read_kind)(pick / 5);
	}
	switch (kind) {
	case READ_HEALTHZ:
		snprintf(url, 256, "http://127.0.0.1:%u/healthz", rd->port);
		break;
	case READ_PROOF:
		snprintf(url, 256,
			 "http://127.0.0.1:%u/v1/proof/inclusion?index=%" PRIu64
			 "&size=%" PRIu64,
			 rd->port, rand64(&rd->seeds[c]) % rd->size, rd->size);
		break;
	case READ_VERDICT:
		f = &rd->farms[rand64(&rd->seeds[c]) % rd->n_farms];
		snprintf(url, 256,
			 "http://127.0.0.1:%u/v1/lots/H-%s-%06" PRIu64
			 "/verdict",
			 rd->port, f->id, rand64(&rd->seeds[c]) % f->n);
		break;
	case READ_MIXED:
		break;
	}
set:
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
	return 1;
}

static void
read_check(struct load *ld, unsigned c, long status, const char *body)
{
	struct reads *rd = ld->ctx;

	/* A node may turn a heavy question away while it answers as many
	 * as it may at once (503, try again): not a failure. */
	if (status == 503 && strstr(rd->urls[c], "/v1/recall?"))
		return;
	if (status != 200)
		bench_die("GET %s: HTTP %ld: %.300s", rd->urls[c], status,
			  body);
	if (strstr(rd->urls[c], "/verdict") &&
	    !strstr(body, "\"verdict\":\"free\""))
		bench_die("a verdict that is not free: %.300s", body);
	if (strstr(rd->urls[c], "/proof/") && !strstr(body, "\"hashes\":["))
		bench_die("not a proof: %.300s", body);
}

static double
read_rate(unsigned port, enum read_kind kind, uint64_t size,
	  const struct farm *farms, size_t n_farms, unsigned clients,
	  double seconds)
{
	struct reads rd = { port, kind, size, farms, n_farms, 0, NULL, NULL };
	struct load ld = { .conns = clients,
			   .next = read_next,
			   .check = read_check,
			   .ctx = &rd };
	struct rate r;

	rd.seeds = calloc(clients, sizeof(*rd.seeds));
	rd.urls = calloc(clients, sizeof(*rd.urls));
	if (!rd.seeds || !rd.urls)
		bench_die("out of memory");
	for (unsigned c = 0; c < clients; c++)
		rd.seeds[c] = c + 1;
	rd.until = bench_now() + seconds;
	run_load(&ld);
	r = rate_of(&ld, 0);
	free(rd.seeds);
	free(rd.urls);
	return (double)r.requests / ld.seconds;
}

/* One GET with a fresh handle: its body in r. */
static void
get(unsigned port, const char *path, struct reply *r)
{
	CURL *c = curl_easy_init();
	char url[128];
	long status = 0;

	if (!c)
		bench_die("curl_easy_init");
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	r->len = 0;
	r->buf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (curl_easy_perform(c) != CURLE_OK ||
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
	    status != 200)
		bench_die("GET %s: %.300s", path, r->buf);
	curl_easy_cleanup(c);
}

static uint64_t
log_size(unsigned port)
{
	struct reply *r = malloc(sizeof(*r));
	json_t *j;
	uint64_t size;

	if (!r)
		bench_die("out of memory");
	get(port, "/v1/log", r);
	if (!(j = json_loads(r->buf, 0, NULL)))
		bench_die("GET /v1/log: %.300s", r->buf);
	size = (uint64_t)json_integer_value(json_object_get(j, "size"));
	json_decref(j);
	free(r);
	return size;
}

/* The node's group commits so far: how many, entries and seconds in all. */
#define COUNT "\npaxtad_commit_entries_count "
#define SUM   "\npaxtad_commit_entries_sum "
#define TIME  "\npaxtad_commit_seconds_sum "

static void
commits(unsigned port, double *count, double *entries, double *seconds)
{
	struct reply *r = malloc(sizeof(*r));
	const char *at;

	if (!r)
		bench_die("out of memory");
	get(port, "/metrics", r);
	at = strstr(r->buf, COUNT);
	*count = at ? strtod(at + strlen(COUNT), NULL) : 0;
	at = strstr(r->buf, SUM);
	*entries = at ? strtod(at + strlen(SUM), NULL) : 0;
	at = strstr(r->buf, TIME);
	*seconds = at ? strtod(at + strlen(TIME), NULL) : 0;
	free(r);
}

/* ---- memory over a long mixed run ---- */

/* paxtad's resident memory from /proc (kB): all of it, its private
 * memory (heap, stacks) and the file pages it has mapped (the LMDB file,
 * which grows with the log). */
struct memory {
	double at; /* seconds into the run */
	long rss, anon, file;
};

static int
node_memory(struct memory *m)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)node_pid);
	if (!(f = fopen(path, "r")))
		return -1;
	m->rss = m->anon = m->file = -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld kB", &m->rss);
		sscanf(line, "RssAnon: %ld kB", &m->anon);
		sscanf(line, "RssFile: %ld kB", &m->file);
	}
	fclose(f);
	return m->rss < 0 || m->anon < 0 ? -1 : 0;
}

/* New entries posted one at a time at a steady rate, round the farms in
 * chain order, until the run ends. */
struct trickle {
	unsigned port;
	struct farm *farms;
	size_t n_farms;
	double rate, until;
	size_t posted;
};

static void *
trickle_main(void *arg)
{
	struct trickle *tr = arg;
	struct curl_slist *headers = NULL;
	struct reply *r = malloc(sizeof(*r));
	CURL *c = curl_easy_init();
	double t0 = bench_now();
	size_t f = 0, k = 0;
	char url[64];

	headers = curl_slist_append(headers,
				    "Content-Type: application/x-protobuf");
	headers = curl_slist_append(headers, "Expect:");
	if (!r || !c || !headers)
		bench_die("out of memory");
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/v1/entries", tr->port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	while (k < tr->farms[f].n) {
		double now = bench_now(),
		       due = t0 + (double)tr->posted / tr->rate;
		long status = 0;

		if (now >= tr->until)
			break;
		if (due > now) {
			double wait =
				due < tr->until ? due - now : tr->until - now;
			struct timespec ts = {
				(time_t)wait,
				(long)((wait - (double)(time_t)wait) * 1e9)
			};

			nanosleep(&ts, NULL);
			continue;
		}
		r->len = 0;
		r->buf[0] = '\0';
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, tr->farms[f].leaves[k]);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)tr->farms[f].lens[k]);
		if (curl_easy_perform(c) != CURLE_OK ||
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) !=
			    CURLE_OK ||
		    status != 201 || !strstr(r->buf, "\"duplicate\":false"))
			bench_die("posting while reading: HTTP %ld: %.300s",
				  status, r->buf);
		tr->posted++;
		if (++f == tr->n_farms) {
			f = 0;
			k++;
		}
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	free(r);
	return NULL;
}

/* paxtad's memory every few seconds until the run ends. */
struct sampler {
	double t0, until;
	struct memory *samples;
	size_t n, cap;
};

#define SAMPLE_EVERY 2.0

static void *
sampler_main(void *arg)
{
	struct sampler *sm = arg;

	while (bench_now() < sm->until && sm->n < sm->cap) {
		struct memory m;
		struct timespec ts = { (time_t)SAMPLE_EVERY, 0 };

		if (node_memory(&m) == 0) {
			m.at = bench_now() - sm->t0;
			sm->samples[sm->n++] = m;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/*
 * Read for `minutes` over clients connections (health, proofs, verdicts,
 * entry ranges, district recalls) while the trickle farms post rate new
 * entries a second, and print paxtad's memory: per minute, and the change
 * of its private part between answers from the second minute (after the
 * warm-up) to the last.
 */
static void
memory_run(unsigned port, struct farm *readable, size_t n_readable,
	   struct farm *trickle_farms, size_t n_trickle, unsigned clients,
	   double minutes, double rate)
{
	struct reads rd = { port,       READ_MIXED, log_size(port), readable,
			    n_readable, 0,          NULL,           NULL };
	struct load ld = { .conns = clients,
			   .next = read_next,
			   .check = read_check,
			   .ctx = &rd };
	struct trickle tr = { port, trickle_farms, n_trickle, rate, 0, 0 };
	struct sampler sm = { 0 };
	pthread_t trickle_tid, sampler_tid;
	long high = 0, warm_low = 0, last_low = 0;
	struct rate r;

	sm.cap = (size_t)(minutes * 60 / SAMPLE_EVERY) + 8;
	sm.samples = calloc(sm.cap, sizeof(*sm.samples));
	rd.seeds = calloc(clients, sizeof(*rd.seeds));
	rd.urls = calloc(clients, sizeof(*rd.urls));
	if (!sm.samples || !rd.seeds || !rd.urls)
		bench_die("out of memory");
	for (unsigned c = 0; c < clients; c++)
		rd.seeds[c] = 1000 + c;
	sm.t0 = bench_now();
	sm.until = tr.until = rd.until = sm.t0 + minutes * 60;
	pthread_create(&sampler_tid, NULL, sampler_main, &sm);
	pthread_create(&trickle_tid, NULL, trickle_main, &tr);
	run_load(&ld);
	pthread_join(trickle_tid, NULL);
	pthread_join(sampler_tid, NULL);
	r = rate_of(&ld, 0);
	free(rd.seeds);
	free(rd.urls);
	if (sm.n < 2)
		bench_die("could not read paxtad's memory from /proc");

	printf("  memory over %g min: %u connections reading (health, "
	       "proofs, verdicts, entry ranges, district recalls; %zu "
	       "requests) while %zu entries were posted one at a time\n",
	       minutes, clients, r.requests, tr.posted);
	/* A sample catches whatever answers are being made at that moment
	 * (a district recall's working set is megabytes), so each minute
	 * shows its lowest and highest private memory: the lowest is what
	 * paxtad keeps between answers, the memory that must not grow. */
	printf("      minute   resident   private (heap): lowest  highest   "
	       "file pages (the log)\n");
	for (size_t i = 0, first = 0; i < sm.n; i++) {
		const struct memory *m = &sm.samples[i];
		long low = m->anon, top = m->anon;

		if (i + 1 < sm.n &&
		    (long)(m->at / 60) == (long)(sm.samples[i + 1].at / 60))
			continue;
		for (size_t k = first; k < i; k++) {
			if (sm.samples[k].anon < low)
				low = sm.samples[k].anon;
			if (sm.samples[k].anon > top)
				top = sm.samples[k].anon;
		}
		if (top > high && m->at >= 60)
			high = top;
		if (m->at >= 60 && !warm_low)
			warm_low = low;
		last_low = low;
		first = i + 1;
		printf("      %6.1f %8.1f MB %19.1f MB %6.1f MB %13.1f MB\n",
		       m->at / 60, m->rss / 1024.0, low / 1024.0, top / 1024.0,
		       m->file / 1024.0);
	}
	if (!warm_low)
		warm_low = last_low;
	printf("      private memory between answers (each minute's lowest): "
	       "%.1f MB in the second minute, %.1f MB in the last (%+.1f "
	       "%%; aim: flat within 10 %%); highest sample %.1f MB\n",
	       warm_low / 1024.0, last_low / 1024.0,
	       100.0 * ((double)last_low / (double)warm_low - 1),
	       high / 1024.0);
	free(sm.samples);
}

/* ---- the benchmark ---- */

static const char usage[] =
	"usage: paxta-bench node [--paxtad PATH] [--batched N] [--single N]\n"
	"                        [--batch B] [--batch-clients C] "
	"[--single-clients C]\n"
	"                        [--read-clients C] [--read-seconds S] "
	"[--threads T]\n"
	"                        [--dir DIR]\n\n"
	"paxtad over HTTP against the raw Ed25519 verify rate of this "
	"machine's cores:\n"
	"  --batched N         entries posted in batches (default 100000)\n"
	"  --batch B           entries per batch request (default 1000)\n"
	"  --batch-clients C   clients posting batches at once (default 4)\n"
	"  --single N          entries posted one per request (default "
	"30000)\n"
	"  --single-clients C  clients posting single entries (default 64)\n"
	"  --read-clients C    connections reading (default 16)\n"
	"  --read-seconds S    seconds per read route (default 3)\n"
	"  --threads T         paxtad's --threads (default: its own)\n"
	"  --paxtad PATH       the node (default: paxtad beside "
	"paxta-bench)\n"
	"  --dir DIR           keep the ledger in DIR (default: a temporary "
	"folder)\n"
	"  --memory-minutes M  then read for M minutes while posting, and "
	"print\n"
	"                      paxtad's memory (default 0: not run; the aim "
	"is 10)\n"
	"  --memory-rate R     entries a second posted meanwhile (default "
	"100)\n";

static void
parse(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "paxtad", required_argument, NULL, 'p' },
		{ "batched", required_argument, NULL, 'n' },
		{ "single", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "batch-clients", required_argument, NULL, 'B' },
		{ "single-clients", required_argument, NULL, 'S' },
		{ "read-clients", required_argument, NULL, 'R' },
		{ "read-seconds", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "dir", required_argument, NULL, 'd' },
		{ "memory-minutes", required_argument, NULL, 'm' },
		{ "memory-rate", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct options){ .batched = 100000,
			       .single = 30000,
			       .batch = 1000,
			       .batch_clients = 4,
			       .single_clients = 64,
			       .read_clients = 16,
			       .read_seconds = 3,
			       .memory_rate = 100 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->paxtad = optarg;
			break;
		case 'n':
			o->batched = strtoull(optarg, NULL, 10);
			break;
		case 's':
			o->single = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			o->batch = strtoull(optarg, NULL, 10);
			break;
		case 'B':
			o->batch_clients = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			o->single_clients = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'R':
			o->read_clients = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o->read_seconds = strtod(optarg, NULL);
			break;
		case 't':
			o->threads = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'm':
			o->memory_minutes = strtod(optarg, NULL);
			break;
		case 'M':
			o->memory_rate = strtod(optarg, NULL);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (o->batched < 1 || o->single < 1 || o->batch < 2 ||
	    o->batch > 10000 || o->batch_clients < 1 ||
	    o->batch_clients > 256 || o->single_clients < 1 ||
	    o->single_clients > 1024 || o->read_clients < 1 ||
	    o->read_clients > 1024 || !(o->read_seconds > 0) ||
	    !(o->memory_minutes >= 0) || o->memory_minutes > 1440 ||
	    !(o->memory_rate > 0) || o->memory_rate > 100000)
		bench_die("options out of range (--batch 2..10000, clients "
			  "1..256 batched, 1..1024 single and read, "
			  "--memory-minutes 0..1440, --memory-rate above 0)");
}

int
bench_node(int argc, char **argv)
{
	struct options o;
	struct farm *farms;
	size_t n_batch_farms, n_single_farms, n_trickle_farms, n_farms,
		trickle_entries;
	char *dir = NULL, *ledger = NULL, *cmd = NULL;
	double raw1, ceiling[3], healthz, proofs, verdicts;
	double c0, e0, s0, c1, e1, s1, c2, e2, s2;
	struct rate batched, single;
	const char *paxtad;
	unsigned port, ncpu = bench_cpus();
	uint64_t size;

	parse(argc, argv, &o);
	paxtad = find_paxtad(o.paxtad);
	bench_check(px_crypto_init(), "crypto");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		bench_die("curl_global_init");
	atexit(stop_node_on_exit);
	if (o.dir) {
		if (mkdir(o.dir, 0700) != 0 && errno != EEXIST)
			bench_die("cannot make folder '%s'", o.dir);
		dir = strdup(o.dir);
	} else if (asprintf(&dir, "%s/paxta-bench-node-XXXXXX",
			    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") < 0 ||
		   !mkdtemp(dir)) {
		bench_die("cannot make a scratch folder");
	}
	if (!dir || asprintf(&ledger, "%s/ledger", dir) < 0)
		bench_die("out of memory");

	/* One farm per client at least, and enough that a batch mixes
	 * several chains. */
	n_batch_farms = o.batch_clients * 16;
	n_single_farms = o.single_clients;
	/* the memory run's: enough entries for its minutes, and a tenth */
	trickle_entries =
		(size_t)(o.memory_rate * o.memory_minutes * 60 * 1.1) + 1;
	n_trickle_farms = o.memory_minutes > 0 ? 16 : 0;
	n_farms = n_batch_farms + n_single_farms + n_trickle_farms;
	farms = calloc(n_farms, sizeof(*farms));
	if (!farms)
		bench_die("out of memory");
	fprintf(stderr, "signing %zu harvests of %zu farms on %u cores...\n",
		o.batched + o.single, n_farms, ncpu);
	make_farms(farms, n_batch_farms, 0, o.batched);
	make_farms(farms + n_batch_farms, n_single_farms, n_batch_farms,
		   o.single);
	if (n_trickle_farms)
		make_farms(farms + n_batch_farms + n_single_farms,
			   n_trickle_farms, n_batch_farms + n_single_farms,
			   trickle_entries);
	make_ledger(ledger, farms, n_farms);

	port = start_node(paxtad, ledger, o.threads);
	fprintf(stderr, "measuring raw Ed25519 verification...\n");
	raw1 = bench_raw_rate(1, 20000);
	ceiling[0] = bench_raw_rate(ncpu, 20000);
	commits(port, &c0, &e0, &s0);
	fprintf(stderr,
		"posting %zu entries in batches of %zu, %u clients...\n",
		o.batched, o.batch, o.batch_clients);
	batched = ingest(port, farms, n_batch_farms, o.batch_clients, o.batch);
	fprintf(stderr, "measuring raw Ed25519 verification again...\n");
	ceiling[1] = bench_raw_rate(ncpu, 20000);
	commits(port, &c1, &e1, &s1);
	fprintf(stderr, "posting %zu entries one per request, %u clients...\n",
		o.single, o.single_clients);
	single = ingest(port, farms + n_batch_farms, n_single_farms,
			o.single_clients, 1);
	commits(port, &c2, &e2, &s2);
	fprintf(stderr, "measuring raw Ed25519 verification once more...\n");
	ceiling[2] = bench_raw_rate(ncpu, 20000);

	size = log_size(port);
	fprintf(stderr, "reading, %u connections, %g s per route...\n",
		o.read_clients, o.read_seconds);
	healthz = read_rate(port, READ_HEALTHZ, size, farms, n_farms,
			    o.read_clients, o.read_seconds);
	proofs = read_rate(port, READ_PROOF, size, farms, n_farms,
			   o.read_clients, o.read_seconds);
	verdicts = read_rate(port, READ_VERDICT, size, farms,
			     n_batch_farms + n_single_farms, o.read_clients,
			     o.read_seconds);

	printf("paxta-bench node: paxtad on 127.0.0.1, clients on the same "
	       "%u cores, durable commits\n",
	       ncpu);
	printf("  raw Ed25519 verify, 1 core              %10.0f /s\n", raw1);
	printf("  raw Ed25519 verify, %u cores            %10.0f /s, %.0f /s, "
	       "%.0f /s  (the ceiling: before, between, after)\n",
	       ncpu, ceiling[0], ceiling[1], ceiling[2]);
	printf("  ingest, batches of %-5zu (%3u clients)   %10.0f /s  = %.2f "
	       "of the ceiling (aim >= 0.8)\n",
	       o.batch, o.batch_clients, batched.per_s,
	       batched.per_s / ((ceiling[0] + ceiling[1]) / 2));
	printf("      per request: p50 %.1f ms, p99 %.1f ms (%zu requests)\n"
	       "      %.0f group commits of %.0f entries, %.1f ms, on "
	       "average\n",
	       batched.p50 * 1e3, batched.p99 * 1e3, batched.requests, c1 - c0,
	       c1 > c0 ? (e1 - e0) / (c1 - c0) : 0,
	       c1 > c0 ? (s1 - s0) / (c1 - c0) * 1e3 : 0);
	printf("  ingest, one per request (%3u clients)   %10.0f /s  = %.2f "
	       "of the ceiling (aim >= 0.6)\n",
	       o.single_clients, single.per_s,
	       single.per_s / ((ceiling[1] + ceiling[2]) / 2));
	printf("      per request: p50 %.2f ms, p99 %.2f ms (%zu requests)\n"
	       "      %.0f group commits of %.1f entries, %.1f ms, on "
	       "average\n",
	       single.p50 * 1e3, single.p99 * 1e3, single.requests, c2 - c1,
	       c2 > c1 ? (e2 - e1) / (c2 - c1) : 0,
	       c2 > c1 ? (s2 - s1) / (c2 - c1) * 1e3 : 0);
	printf("  reads at %" PRIu64 " entries (%u connections):\n", size,
	       o.read_clients);
	printf("      GET /healthz                        %10.0f /s  (the "
	       "trivial route)\n",
	       healthz);
	printf("      GET /v1/proof/inclusion             %10.0f /s  = %.2f "
	       "of healthz (aim >= 0.8)\n",
	       proofs, proofs / healthz);
	printf("      GET /v1/lots/{id}/verdict           %10.0f /s  = %.2f "
	       "of healthz (aim >= 0.8)\n",
	       verdicts, verdicts / healthz);
	fflush(stdout);
	if (o.memory_minutes > 0) {
		fprintf(stderr,
			"reading for %g min while posting %g entries "
			"a second...\n",
			o.memory_minutes, o.memory_rate);
		memory_run(port, farms, n_batch_farms + n_single_farms,
			   farms + n_batch_farms + n_single_farms,
			   n_trickle_farms, o.read_clients, o.memory_minutes,
			   o.memory_rate);
	}
	stop_node();

	free_farms(farms, n_farms);
	free(farms);
	if (!o.dir && asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	free(cmd);
	free(ledger);
	free(dir);
	curl_global_cleanup();
	return 0;
}
