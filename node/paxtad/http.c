/*
 * paxtad — HTTP with libmicrohttpd: connections, limits, request bodies,
 * deferred answers and replies. The only file that includes microhttpd.h.
 *
 * A pool of threads (--threads) each runs an event loop over its share of
 * the connections and calls the handlers. A handler that needs the writer
 * queues its job and the connection is suspended, so the thread goes on
 * serving others; the writer resumes it once the transaction committed,
 * and the handler is called again to answer.
 */
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "paxta/encoding.h"
#include "paxtad.h"

/* Request bodies held in memory at once, over all connections: past it a
 * request is answered 503 (try again) instead of read. */
#define PENDING_MAX ((size_t)512 << 20)

/* Path segments and headers a request may have for us. */
#define MAX_SEGMENTS 8
#define MAX_HEADERS  4

/* Connection memory: headers and the read buffer (libmicrohttpd clears
 * it between requests, so no more than it needs). */
#define CONNECTION_MEMORY (32 * 1024)

/*
 * Deadlines against slow clients. libmicrohttpd's --timeout is an idle
 * timeout: a client that sends one header byte every few seconds keeps its
 * connection for ever. So each connection is tracked from the moment it is
 * ready for a request: its headers and body must be in within
 * request_timeout, and once an answer is queued it must be taken within
 * send_timeout. A reaper thread shuts down (shutdown(2)) the sockets of
 * connections past their deadline; libmicrohttpd then sees the connection
 * end and closes it. No deadline runs while a handler works or waits for
 * the writer: that time is the node's, not the client's.
 */
enum conn_phase {
	PHASE_RECEIVING, /* waiting for, or reading, a request */
	PHASE_HANDLING,  /* the node is at work on it */
	PHASE_SENDING,   /* an answer is queued */
};

struct pxd_conn {
	struct pxd_conn *prev, *next;
	MHD_socket fd;
	enum conn_phase phase;
	double since; /* when the phase began (monotonic seconds) */
	int cut;      /* shut down by the reaper */
};

/* How often the reaper looks (seconds). */
#define REAPER_PERIOD 0.25

struct pxd_http {
	struct MHD_Daemon *daemon;
	struct pxd_node *node;
	MHD_socket quiesced;  /* the listening socket, once quiesced */
	pthread_mutex_t lock; /* deferrals and the in-flight count */
	pthread_cond_t idle;
	size_t active;
	atomic_size_t pending;     /* body bytes held */
	struct pxd_budget answers; /* answer bytes held, until sent */
	atomic_uint costly;        /* costly answers being made */
	unsigned costly_max;

	pthread_mutex_t conns_lock; /* conns and every pxd_conn in it */
	struct pxd_conn *conns;
	pthread_t reaper;
	int reaper_started;
	int reaper_stop; /* under conns_lock */
	pthread_cond_t reaper_wake;
};

struct query_arg {
	char *name, *value;
};

struct pxd_request {
	struct pxd_http *h;
	struct MHD_Connection *conn;
	double started;
	size_t route; /* pxd_n_routes: none matched */

	char *segments[MAX_SEGMENTS]; /* the decoded path */
	size_t n_segments;
	const char *params[MAX_SEGMENTS]; /* the segments matched by {x} */
	size_t n_params;
	struct query_arg *query; /* decoded query arguments asked for */
	size_t n_query;

	uint8_t *body;
	size_t body_len, body_cap;
	size_t reserved;  /* bytes counted in h->pending */
	int too_large;    /* the body passed the cap: discarding it */
	size_t discarded; /* bytes past the cap, dropped */

	int dispatched; /* the handler was called */
	int deferred;   /* it queued a job */
	int job_done;   /* the writer is done with it (under h->lock) */
	int suspended;  /* the connection waits for the writer (h->lock) */

	struct {
		char *name, *value;
	} headers[MAX_HEADERS];
	size_t n_headers;
	int replied;
	int costly; /* holds one of h->costly until it answers */
	unsigned status;
	enum MHD_Result queued;

	void *state;
	void (*state_free)(void *);
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- what handlers see ---- */

const char *
pxd_param(const struct pxd_request *rq, size_t i)
{
	return i < rq->n_params ? rq->params[i] : NULL;
}

const char *
pxd_query(const struct pxd_request *crq, const char *name)
{
	/* The cache of decoded values belongs to the request: handlers hold
	 * it const, and only this function adds to it. */
	struct pxd_request *rq = (struct pxd_request *)crq;
	struct query_arg *q;
	const char *raw;
	char *name_copy, *value;

	for (size_t i = 0; i < rq->n_query; i++)
		if (strcmp(rq->query[i].name, name) == 0)
			return rq->query[i].value;
	raw = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
					  name);
	if (!raw)
		return NULL;
	q = realloc(rq->query, (rq->n_query + 1) * sizeof(*q));
	if (!q)
		return NULL;
	rq->query = q;
	name_copy = strdup(name);
	value = strdup(raw);
	if (!name_copy || !value || pxd_percent_decode(value) != 0) {
		/* A bad escape reads as a value no parameter accepts. */
		free(value);
		value = strdup("\x01");
		if (!value || !name_copy) {
			free(name_copy);
			free(value);
			return NULL;
		}
	}
	rq->query[rq->n_query].name = name_copy;
	rq->query[rq->n_query].value = value;
	return rq->query[rq->n_query++].value;
}

const char *
pxd_header(struct pxd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const uint8_t *
pxd_body(const struct pxd_request *rq, size_t *len)
{
	*len = rq->body_len;
	return rq->body;
}

struct pxd_node *
pxd_request_node(const struct pxd_request *rq)
{
	return rq->h->node;
}

void
pxd_set_state(struct pxd_request *rq, void *state, void (*free_fn)(void *))
{
	rq->state = state;
	rq->state_free = free_fn;
}

void *
pxd_state(const struct pxd_request *rq)
{
	return rq->state;
}

int
pxd_resumed(const struct pxd_request *rq)
{
	return rq->deferred && rq->job_done;
}

/* The writer is done with the request's job: resume its connection. */
static void
job_done(struct pxd_job *job, void *ctx)
{
	struct pxd_request *rq = ctx;
	struct pxd_http *h = rq->h;

	(void)job;
	pthread_mutex_lock(&h->lock);
	rq->job_done = 1;
	if (rq->suspended) {
		rq->suspended = 0;
		/* From here the request may complete and be freed by its
		 * thread; nothing of rq is touched after this call. */
		MHD_resume_connection(rq->conn);
	}
	pthread_mutex_unlock(&h->lock);
}

int
pxd_defer(struct pxd_request *rq, struct pxd_job *job)
{
	int rc;

	if (rq->deferred)
		return PX_EINVAL;
	job->done = job_done;
	job->ctx = rq;
	rq->deferred = 1;
	rq->job_done = 0;
	if ((rc = pxd_writer_submit(rq->h->node->writer, job)) != PX_OK)
		rq->deferred = 0;
	return rc;
}

void
pxd_add_header(struct pxd_request *rq, const char *name, const char *value)
{
	char *n, *v;

	if (rq->n_headers == MAX_HEADERS)
		return;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return;
	}
	rq->headers[rq->n_headers].name = n;
	rq->headers[rq->n_headers++].value = v;
}

/* ---- deadlines and the answer budget ---- */

static void
set_phase(struct pxd_http *h, struct MHD_Connection *conn,
	  enum conn_phase phase)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct pxd_conn *c = info ? info->socket_context : NULL;

	if (!c)
		return;
	pthread_mutex_lock(&h->conns_lock);
	c->phase = phase;
	c->since = now_s();
	pthread_mutex_unlock(&h->conns_lock);
}

/* libmicrohttpd's word on a connection's start and end: track it. */
static void
notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe)
{
	struct pxd_http *h = cls;
	struct pxd_conn *c = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = calloc(1, sizeof(*c));
		if (!c || !info) {
			/* untracked: it still has the idle timeout */
			free(c);
			*socket_context = NULL;
			return;
		}
		c->fd = info->connect_fd;
		c->phase = PHASE_RECEIVING;
		c->since = now_s();
		pthread_mutex_lock(&h->conns_lock);
		c->next = h->conns;
		if (h->conns)
			h->conns->prev = c;
		h->conns = c;
		pthread_mutex_unlock(&h->conns_lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	/* called before the socket is closed: the reaper, which shuts
	 * sockets down under the same lock, never touches a reused one */
	pthread_mutex_lock(&h->conns_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&h->conns_lock);
	free(c);
	*socket_context = NULL;
}

static void *
reaper_main(void *arg)
{
	struct pxd_http *h = arg;
	const struct pxd_config *cfg = h->node->config;
	struct timespec until;

	pthread_mutex_lock(&h->conns_lock);
	while (!h->reaper_stop) {
		double now = now_s();

		for (struct pxd_conn *c = h->conns; c; c = c->next) {
			double limit = c->phase == PHASE_RECEIVING
					       ? cfg->request_timeout
				       : c->phase == PHASE_SENDING
					       ? cfg->send_timeout
					       : 0;

			if (c->cut || limit <= 0 || now - c->since <= limit)
				continue;
			/* An answer not taken is cut, not closed: what the
			 * kernel still holds of it is dropped (a reset) and
			 * the client hears of it at once, where a FIN would
			 * wait behind those bytes for ever. */
			if (c->phase == PHASE_SENDING)
				setsockopt(c->fd, SOL_SOCKET, SO_LINGER,
					   &(struct linger){ .l_onoff = 1,
							     .l_linger = 0 },
					   sizeof(struct linger));
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
			pxd_metrics_deadline(h->node->metrics,
					     c->phase == PHASE_SENDING);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)(REAPER_PERIOD * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->reaper_wake, &h->conns_lock, &until);
	}
	pthread_mutex_unlock(&h->conns_lock);
	return NULL;
}

/* Count len bytes against the budget for answers; 0 when it is spent. */
static int
reserve_answer(struct pxd_http *h, size_t len)
{
	return pxd_budget_take(&h->answers, len);
}

struct held_answer {
	struct pxd_http *h;
	char *body;
	size_t len;
};

/* libmicrohttpd is done with an answer: its bytes leave the budget. */
static void
release_answer(void *cls)
{
	struct held_answer *a = cls;

	pxd_budget_give(&a->h->answers, a->len);
	free(a->body);
	free(a);
}

/* A response over body (taken), counted in the budget until it is sent or
 * its connection ends. NULL (body freed, budget released) on failure. */
static struct MHD_Response *
held_response(struct pxd_http *h, char *body, size_t len)
{
	struct held_answer *a = malloc(sizeof(*a));
	struct MHD_Response *resp;

	if (!a) {
		pxd_budget_give(&h->answers, len);
		free(body);
		return NULL;
	}
	*a = (struct held_answer){ h, body, len };
	resp = MHD_create_response_from_buffer_with_free_callback_cls(
		len, body, release_answer, a);
	if (!resp)
		release_answer(a);
	return resp;
}

/* The request's costly answer is made: its slot is free. */
static void
costly_end(struct pxd_request *rq)
{
	if (rq->costly) {
		atomic_fetch_sub(&rq->h->costly, 1);
		rq->costly = 0;
	}
}

/* Queue resp (NULL: none could be made, the connection is closed) with
 * the request's headers; the send deadline starts. */
static void
queue(struct pxd_request *rq, unsigned status, const char *content_type,
      struct MHD_Response *resp)
{
	costly_end(rq);
	if (!resp) {
		rq->status = 0;
		rq->queued = MHD_NO; /* close the connection */
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (size_t i = 0; i < rq->n_headers; i++)
		MHD_add_response_header(resp, rq->headers[i].name,
					rq->headers[i].value);
	rq->status = status;
	rq->queued = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	set_phase(rq->h, rq->conn, PHASE_SENDING);
}

/* 503: the answer does not fit in the budget; it is dropped, not held. */
static void
reply_busy(struct pxd_request *rq)
{
	static const char busy[] =
		"{\"error\":\"unavailable\",\"message\":\"the node holds as "
		"many answers as it may; try again\"}\n";

	rq->replied = 1;
	pxd_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	queue(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
	      MHD_create_response_from_buffer(strlen(busy), (void *)busy,
					      MHD_RESPMEM_PERSISTENT));
}

void
pxd_reply(struct pxd_request *rq, unsigned status, const char *content_type,
	  char *body, size_t len)
{
	static char failed[] = "{\"error\":\"internal\",\"message\":\"out of "
			       "memory\"}\n";
	struct MHD_Response *resp;
	int held = 0;

	if (rq->replied) {
		free(body);
		return;
	}
	if (body && !reserve_answer(rq->h, len)) {
		free(body);
		reply_busy(rq);
		return;
	}
	rq->replied = 1;
	if (!body && len) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		content_type = "application/json";
		body = NULL;
		len = 0;
	}
	if (body) {
		held = 1;
		resp = held_response(rq->h, body, len);
	} else if (status == MHD_HTTP_INTERNAL_SERVER_ERROR && !len)
		resp = MHD_create_response_from_buffer(strlen(failed), failed,
						       MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(0, NULL,
						       MHD_RESPMEM_PERSISTENT);
	if (!resp && !held)
		free(body); /* held_response freed it when it made none */
	queue(rq, status, content_type, resp);
}

void
pxd_reply_json(struct pxd_request *rq, unsigned status, json_t *j)
{
	char *text = j ? json_dumps(j, PXD_JSON_FLAGS) : NULL;
	size_t len = text ? strlen(text) : 0;

	json_decref(j);
	if (text) {
		/* One line per document: curl and jq users both like it. */
		char *nl = realloc(text, len + 2);

		if (nl) {
			text = nl;
			text[len++] = '\n';
			text[len] = '\0';
		}
	}
	pxd_reply(rq, text ? status : MHD_HTTP_INTERNAL_SERVER_ERROR,
		  "application/json", text, text ? len : 0);
}

/* ---- streamed answers ---- */

/* A block size for libmicrohttpd's own buffer of a callback response:
 * chunked answers (HTTP/1.1) are written through the connection's memory,
 * this one serves HTTP/1.0 clients. Counted in the budget all the same. */
#define STREAM_BLOCK ((size_t)4 << 10)

struct streamed {
	struct pxd_http *h;
	struct pxd_stream *s;
	struct pxd_out out;
	size_t reserved; /* s->held and STREAM_BLOCK, in the budget */
	int done;        /* s produced its last piece */
};

/* libmicrohttpd is done with the answer (sent, or the connection ended,
 * cut by the reaper or by the client): everything it held goes. */
static void
stream_release(void *cls)
{
	struct streamed *a = cls;

	pxd_stream_free(a->s);
	pxd_out_release(&a->out);
	pxd_budget_give(&a->h->answers, a->reserved);
	free(a);
}

/* The connection can take up to max bytes more: from the buffer, produced
 * again whenever it ran dry. On the connection's thread. */
static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct streamed *a = cls;
	size_t n;
	int rc;

	(void)pos;
	if (a->out.len == 0 && !a->done &&
	    (rc = pxd_stream_fill(a->s, &a->out, &a->done)) != PX_OK) {
		/* Headers are gone: all that is left is to cut, and the
		 * client sees a chunked answer without its end. */
		fprintf(stderr, "paxtad: a streamed answer was cut: %s\n",
			rc == PX_ETOOLARGE ? "the answer budget is spent"
					   : px_strerror(rc));
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (a->out.len == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = a->out.len < max ? a->out.len : max;
	memcpy(buf, a->out.buf + a->out.off, n);
	pxd_out_consume(&a->out, n);
	return (ssize_t)n;
}

void
pxd_reply_stream(struct pxd_request *rq, unsigned status,
		 const char *content_type, struct pxd_stream *s)
{
	struct pxd_http *h = rq->h;
	struct streamed *a = NULL;
	struct MHD_Response *resp;
	int rc;

	if (rq->replied) {
		pxd_stream_free(s);
		return;
	}
	if (!s) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		pxd_stream_free(s);
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	a->h = h;
	a->s = s;
	a->reserved = s->held + STREAM_BLOCK;
	if (!reserve_answer(h, a->reserved)) {
		a->reserved = 0;
		rc = PX_ETOOLARGE;
	} else if ((rc = pxd_out_init(&a->out, &h->answers)) == PX_OK) {
		rc = pxd_stream_fill(s, &a->out, &a->done);
	}
	if (rc != PX_OK) {
		stream_release(a);
		if (rc == PX_ETOOLARGE)
			reply_busy(rq); /* the budget is spent */
		else
			pxd_fail_internal(rq, rc);
		return;
	}
	if (a->done) {
		/* The whole answer is in: held as any other, with its
		 * length, and the stream's memory back at once. */
		char *body = malloc(a->out.len ? a->out.len : 1);
		size_t len = a->out.len;

		if (body)
			memcpy(body, a->out.buf + a->out.off, len);
		stream_release(a);
		if (!body)
			pxd_fail_internal(rq, PX_ENOMEM);
		else
			pxd_reply(rq, status, content_type, body, len);
		return;
	}
	rq->replied = 1;
	resp = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, a, stream_release);
	if (!resp)
		stream_release(a);
	queue(rq, status, content_type, resp);
}

int
pxd_costly(struct pxd_request *rq)
{
	struct pxd_http *h = rq->h;
	const struct pxd_budget *b = &h->answers;

	if (rq->costly)
		return 1;
	if (atomic_load(&b->held) + PXD_STREAM_CHUNK + STREAM_BLOCK >
	    b->limit) {
		reply_busy(rq);
		return 0;
	}
	if (atomic_fetch_add(&h->costly, 1) >= h->costly_max) {
		atomic_fetch_sub(&h->costly, 1);
		pxd_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		pxd_reply_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
				"the node is making as many large answers "
				"(recalls, lineages) as it may at once; try "
				"again");
		return 0;
	}
	rq->costly = 1;
	return 1;
}

size_t
pxd_answer_bytes(const struct pxd_request *rq)
{
	return atomic_load(&rq->h->answers.held);
}

void
pxd_reply_error(struct pxd_request *rq, unsigned status, const char *code,
		const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Messages quote what the client sent, which may be any bytes;
	 * JSON strings are UTF-8: a byte that is not becomes '?'. */
	for (unsigned char *p = (unsigned char *)message; *p;) {
		size_t n = px_utf8_sequence((const char *)p);

		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
	pxd_reply_json(
		rq, status,
		json_pack("{s:s,s:s}", "error", code, "message", message));
}

/* ---- routing ---- */

/* Split the raw path into decoded segments (url.c). -1 for a path that
 * cannot be one of ours (too many segments, bad escapes): 404 or 400
 * follows. */
static int
split_path(struct pxd_request *rq, const char *url)
{
	return pxd_split_path(rq->segments, MAX_SEGMENTS, &rq->n_segments, url);
}

/* Does the path match pattern? Fills params on a match. */
static int
path_matches(struct pxd_request *rq, const char *pattern)
{
	const char *p = pattern;
	size_t seg = 0;

	rq->n_params = 0;
	while (*p == '/') {
		const char *end = strchr(p + 1, '/');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);

		if (seg == rq->n_segments)
			return 0;
		if (n >= 2 && p[1] == '{' && p[n] == '}') {
			if (!rq->segments[seg][0])
				return 0;
			rq->params[rq->n_params++] = rq->segments[seg];
		} else if (strlen(rq->segments[seg]) != n ||
			   memcmp(rq->segments[seg], p + 1, n) != 0) {
			return 0;
		}
		seg++;
		p += n + 1;
	}
	return seg == rq->n_segments;
}

static int
method_is(const char *method, const char *route_method)
{
	/* HEAD is GET without the body; libmicrohttpd leaves it out. */
	return strcmp(method, route_method) == 0 ||
	       (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 &&
		strcmp(route_method, MHD_HTTP_METHOD_GET) == 0);
}

/* Find the route; answer 400, 404 or 405 when there is none. Returns 1
 * when a route was found. */
static int
route(struct pxd_request *rq, const char *url, const char *method)
{
	char allow[64] = "";
	int rc = split_path(rq, url);

	if (rc == -2) {
		pxd_reply(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			  "application/json", NULL, 0);
		return 0;
	}
	if (rc == -3) {
		pxd_reply_error(rq, MHD_HTTP_BAD_REQUEST, "malformed",
				"the path holds a bad %%-escape");
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < pxd_n_routes; i++) {
		if (!path_matches(rq, pxd_routes[i].pattern))
			continue;
		if (method_is(method, pxd_routes[i].method)) {
			rq->route = i;
			return 1;
		}
		if (!strstr(allow, pxd_routes[i].method)) {
			size_t n = strlen(allow);

			snprintf(allow + n, sizeof(allow) - n, "%s%s",
				 n ? ", " : "", pxd_routes[i].method);
			if (strcmp(pxd_routes[i].method, "GET") == 0) {
				n = strlen(allow);
				snprintf(allow + n, sizeof(allow) - n,
					 ", HEAD");
			}
		}
	}
	if (allow[0]) {
		pxd_add_header(rq, MHD_HTTP_HEADER_ALLOW, allow);
		pxd_reply_error(
			rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
			"%s is not allowed here; use %s", method, allow);
		return 0;
	}
	pxd_reply_error(rq, MHD_HTTP_NOT_FOUND, "not_found",
			"no such route: %s %s (the API is under /v1; see "
			"docs/api.md)",
			method, url);
	return 0;
}

/* ---- request bodies ---- */

/* Count bytes more against the memory for bodies; 0 when it is full. */
static int
reserve_body(struct pxd_request *rq, size_t bytes)
{
	size_t was = atomic_fetch_add(&rq->h->pending, bytes);

	if (was + bytes > PENDING_MAX) {
		atomic_fetch_sub(&rq->h->pending, bytes);
		return 0;
	}
	rq->reserved += bytes;
	return 1;
}

static void
release_body(struct pxd_request *rq)
{
	atomic_fetch_sub(&rq->h->pending, rq->reserved);
	rq->reserved = 0;
	free(rq->body);
	rq->body = NULL;
	rq->body_cap = 0;
}

/* The first call: route, then check the announced body before any of it
 * is read (curl waits for "100 Continue" on big bodies: it gets the 413
 * instead and sends nothing). */
static enum MHD_Result
start(struct pxd_request *rq, const char *url, const char *method)
{
	size_t max = rq->h->node->config->max_body;
	const char *cl;
	unsigned long long announced;
	char *end;

	if (!route(rq, url, method))
		return rq->queued;
	cl = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return MHD_YES; /* none, or chunked: capped as it comes */
	announced = strtoull(cl, &end, 10);
	if (*end || announced > max) {
		pxd_reply_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
				"a body of %s bytes is over this node's cap of "
				"%zu bytes (--max-body)",
				cl, max);
		return rq->queued;
	}
	if (announced == 0)
		return MHD_YES;
	if (!reserve_body(rq, (size_t)announced)) {
		pxd_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		pxd_reply_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
				"the node holds as many request bodies as it "
				"may; try again");
		return rq->queued;
	}
	rq->body = malloc((size_t)announced);
	if (!rq->body)
		return MHD_NO;
	rq->body_cap = (size_t)announced;
	return MHD_YES;
}

static enum MHD_Result
receive(struct pxd_request *rq, const char *data, size_t *size)
{
	size_t max = rq->h->node->config->max_body, n = *size;

	*size = 0;
	if (rq->too_large) {
		/* A chunked body past the cap is read to its end and
		 * dropped so the client gets its 413, unless it goes on
		 * for as much again: then the connection is closed. */
		rq->discarded += n;
		return rq->discarded > max ? MHD_NO : MHD_YES;
	}
	if (rq->body_len + n > max) {
		rq->too_large = 1;
		rq->discarded = rq->body_len + n - max;
		release_body(rq);
		rq->body_len = 0;
		return MHD_YES;
	}
	if (rq->body_len + n > rq->body_cap) {
		size_t cap = rq->body_cap ? rq->body_cap * 2 : 64 * 1024;
		uint8_t *nb;

		while (cap < rq->body_len + n)
			cap *= 2;
		if (cap > max)
			cap = max;
		if (!reserve_body(rq, cap - rq->body_cap))
			return MHD_NO;
		nb = realloc(rq->body, cap);
		if (!nb)
			return MHD_NO;
		rq->body = nb;
		rq->body_cap = cap;
	}
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
	return MHD_YES;
}

/* ---- the access handler ---- */

static enum MHD_Result
run_handler(struct pxd_request *rq)
{
	int resumed = pxd_resumed(rq);

	pxd_routes[rq->route].handler(rq);
	if (rq->replied)
		return rq->queued;
	if (rq->deferred && !resumed) {
		pthread_mutex_lock(&rq->h->lock);
		if (!rq->job_done) {
			rq->suspended = 1;
			MHD_suspend_connection(rq->conn);
			pthread_mutex_unlock(&rq->h->lock);
			return MHD_YES;
		}
		pthread_mutex_unlock(&rq->h->lock);
		/* The writer was quicker than this thread: answer now. */
		pxd_routes[rq->route].handler(rq);
		if (rq->replied)
			return rq->queued;
	}
	pxd_reply_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
			"the handler of %s gave no answer",
			pxd_routes[rq->route].pattern);
	return rq->queued;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
	struct pxd_http *h = cls;
	struct pxd_request *rq = *con_cls;

	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->h = h;
		rq->conn = conn;
		rq->started = now_s();
		rq->route = pxd_n_routes;
		rq->queued = MHD_YES;
		*con_cls = rq;
		pthread_mutex_lock(&h->lock);
		h->active++;
		pthread_mutex_unlock(&h->lock);
		return start(rq, url, method);
	}
	if (rq->replied)
		return rq->queued;
	if (*upload_data_size)
		return receive(rq, upload_data, upload_data_size);
	if (rq->too_large) {
		pxd_reply_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
				"the body is over this node's cap of %zu bytes "
				"(--max-body)",
				h->node->config->max_body);
		return rq->queued;
	}
	if (rq->dispatched && !pxd_resumed(rq))
		return MHD_YES; /* still waiting for the writer */
	rq->dispatched = 1;
	set_phase(h, conn, PHASE_HANDLING);
	return run_handler(rq);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct pxd_http *h = cls;
	struct pxd_request *rq = *con_cls;

	(void)toe;
	if (!rq)
		return;
	*con_cls = NULL;
	pxd_metrics_request(h->node->metrics, rq->route,
			    rq->replied ? rq->status : 0,
			    now_s() - rq->started);
	costly_end(rq);
	release_body(rq);
	if (rq->state_free)
		rq->state_free(rq->state);
	for (size_t i = 0; i < rq->n_segments; i++)
		free(rq->segments[i]);
	for (size_t i = 0; i < rq->n_query; i++) {
		free(rq->query[i].name);
		free(rq->query[i].value);
	}
	free(rq->query);
	for (size_t i = 0; i < rq->n_headers; i++) {
		free(rq->headers[i].name);
		free(rq->headers[i].value);
	}
	free(rq);
	/* a kept-alive connection is ready for its next request now */
	set_phase(h, conn, PHASE_RECEIVING);
	pthread_mutex_lock(&h->lock);
	if (--h->active == 0)
		pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
}

/* The path is decoded segment by segment (routes.c), so "%2F" inside a lot
 * id stays a character of the id, not a separator; query values are
 * decoded when asked for. libmicrohttpd is told to decode nothing. */
static size_t
keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	fprintf(stderr, "paxtad: http: %s\n", line);
}

int
pxd_http_start(struct pxd_http **out, struct pxd_node *node, unsigned *out_port,
	       char *err, size_t err_len)
{
	const struct pxd_config *c = node->config;
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV },
			*ai = NULL;
	struct pxd_http *h;
	const union MHD_DaemonInfo *info;
	char port[16];
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	int gai;

	*out = NULL;
	snprintf(port, sizeof(port), "%u", c->listen_port);
	gai = getaddrinfo(c->listen_host, port, &hints, &ai);
	if (gai != 0) {
		snprintf(err, err_len, "cannot listen on '%s': %s",
			 c->listen_host, gai_strerror(gai));
		return PX_EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		freeaddrinfo(ai);
		return PX_ENOMEM;
	}
	h->node = node;
	h->answers.limit = c->answer_budget;
	h->costly_max = c->threads > 1 ? c->threads - 1 : 1;
	h->quiesced = MHD_INVALID_SOCKET;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->idle, NULL);
	pthread_mutex_init(&h->conns_lock, NULL);
	pthread_cond_init(&h->reaper_wake, NULL);
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->daemon = MHD_start_daemon(
		flags, (uint16_t)c->listen_port, NULL, NULL, answer, h,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_SOCK_ADDR,
		ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)(c->threads > 1 ? c->threads : 0),
		MHD_OPTION_CONNECTION_LIMIT, c->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, c->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, completed, h,
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, h,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!h->daemon) {
		snprintf(err, err_len,
			 "cannot listen on %s:%u (the port is in use, or the "
			 "address is not one of this machine's)",
			 c->listen_host, c->listen_port);
		pthread_cond_destroy(&h->idle);
		pthread_mutex_destroy(&h->lock);
		pthread_cond_destroy(&h->reaper_wake);
		pthread_mutex_destroy(&h->conns_lock);
		free(h);
		return PX_EIO;
	}
	if (pthread_create(&h->reaper, NULL, reaper_main, h) != 0) {
		snprintf(err, err_len, "cannot start the deadline thread");
		pxd_http_stop(h);
		return PX_ENOMEM;
	}
	h->reaper_started = 1;
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*out_port = info ? info->port : c->listen_port;
	*out = h;
	return PX_OK;
}

void
pxd_http_quiesce(struct pxd_http *h)
{
	if (h && h->quiesced == MHD_INVALID_SOCKET)
		h->quiesced = MHD_quiesce_daemon(h->daemon);
}

int
pxd_http_drain(struct pxd_http *h, double deadline_s)
{
	struct timespec until;
	int idle;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)deadline_s;
	pthread_mutex_lock(&h->lock);
	while (h->active > 0 &&
	       pthread_cond_timedwait(&h->idle, &h->lock, &until) == 0)
		;
	idle = h->active == 0;
	pthread_mutex_unlock(&h->lock);
	return idle;
}

void
pxd_http_stop(struct pxd_http *h)
{
	if (!h)
		return;
	if (h->reaper_started) {
		pthread_mutex_lock(&h->conns_lock);
		h->reaper_stop = 1;
		pthread_cond_signal(&h->reaper_wake);
		pthread_mutex_unlock(&h->conns_lock);
		pthread_join(h->reaper, NULL);
	}
	MHD_stop_daemon(h->daemon);
	/* Closed only now: a pool thread may have used it until the stop. */
	if (h->quiesced != MHD_INVALID_SOCKET)
		close(h->quiesced);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->reaper_wake);
	pthread_mutex_destroy(&h->conns_lock);
	free(h);
}
