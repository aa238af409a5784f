/*
 * paxtad — the node: the ledger served over HTTP (DESIGN.md §6.3).
 *
 * The pieces, each in its own file:
 *   main.c     flags, signals, start and clean shutdown
 *   http.c     libmicrohttpd: connections, limits, bodies, replies (the only
 *              file that includes microhttpd.h)
 *   routes.c   the route table: method + path pattern -> one handler each
 *   page.c     the page for people at /lots/{id}
 *   batch.c    EntryBatch on the wire, read without copying
 *   verify.c   signatures checked on request threads, batches on a pool
 *   writer.c   group commit: one writer thread, one transaction per batch
 *   metrics.c  counters and histograms in Prometheus text format
 */
#ifndef PAXTAD_H
#define PAXTAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "paxta/ledger.h"

/* An entry batch holds at most this many entries (DESIGN.md §6.3). */
#define PXD_BATCH_MAX 10000

/* What the node runs with: the flags of main.c. */
struct pxd_config {
	const char *data;
	const char *node_key; /* --node-key FILE; NULL: DIR.key */
	/* --replica: serve a folder 'paxta mirror' keeps, read-only: no
	 * writer, no key, no entries taken (the mirror appends). */
	int replica;
	/* A witness of other logs (witness.c): --witness-for KEY... */
	const char **witness_for;
	size_t n_witness_for;
	const char *witness_key;  /* NULL: DIR.witness.key */
	const char *witness_name; /* NULL: ORIGIN/witness */
	/* This log's witnesses (cosign.c): --witness URL=KEY..., --quorum */
	const char **witnesses;
	size_t n_witnesses;
	unsigned quorum;
	char listen_host[256];
	unsigned listen_port;
	unsigned threads;
	unsigned checkpoint_interval; /* seconds */
	size_t max_body;              /* bytes */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout; /* seconds */
	/* Deadlines against slow clients (http.c): a request's headers and
	 * body within request_timeout seconds of the connection being ready
	 * for it, an answer sent within send_timeout seconds. */
	unsigned request_timeout;
	unsigned send_timeout;
	size_t answer_budget; /* bytes of answers held, all connections */
};

struct pxd_writer;
struct pxd_metrics;
struct pxd_verify;

/* The node's shared state, read by every request thread. */
struct pxd_node {
	const struct pxd_config *config;
	struct px_ledger *ledger;
	struct pxd_writer *writer;
	struct pxd_metrics *metrics;
	struct pxd_verify *verify;
	char *verifier_key; /* C2SP note verifier key of the node */
	struct pxd_witness_server *witness; /* NULL unless --witness-for */
	struct pxd_cosigner *cosigner;      /* NULL unless --witness */
};

/* ---- url.c: what a URL holds, decoded (no libmicrohttpd) ---- */

/* Decode %XX in place. -1 for a bad escape or an escaped NUL (a decoded
 * value never holds one); 0 otherwise. The result is never longer. */
int pxd_percent_decode(char *s);

/*
 * Split the raw path url ("/v1/lots/A%2F1") into at most max decoded
 * segments, appended to segments[*n..] (each malloc'd: the caller frees
 * segments[0..*n) whatever the result). 0; -1 when the path does not
 * start with '/' or has more than max segments; -2 out of memory; -3 a
 * bad escape.
 */
int pxd_split_path(char **segments, size_t max, size_t *n, const char *url);

/* ---- verify.c ---- */

/* A pool of threads (threads in all, the caller included) for batches.
 * PX_OK, PX_ENOMEM, PX_EINVAL. */
int pxd_verify_new(struct pxd_verify **out, unsigned threads);
void pxd_verify_free(struct pxd_verify *v);

/* px_entry_prepare(entries[i], PX_ENTRY_ALL) for each: on the calling
 * thread for a few entries, on the pool for many. Any thread. PX_OK, or
 * PX_ENOMEM / PX_ECRYPTO when it could not check. */
int pxd_verify(struct pxd_verify *v, struct px_entry *const *entries, size_t n);

/* ---- writer.c: group commit ---- */

/* One request's entries, handed to the writer. */
struct pxd_job {
	/* Entries (prepared or not: the ledger takes the steps left); n ==
	 * 0 asks for a checkpoint only. The writer fills each entry's result
	 * and uses them until done is called. */
	struct px_entry *const *entries;
	size_t n;
	int checkpoint; /* sign a checkpoint after these entries */

	/* Filled by the writer before done is called. */
	int rc;         /* PX_OK: results are final and durable; else none is */
	char *note;     /* checkpoint jobs: the latest signed note (malloc'd) */
	int signed_new; /* checkpoint jobs: the note was signed just now */

	/* Called once, from the writer thread, after the commit. */
	void (*done)(struct pxd_job *job, void *ctx);
	void *ctx;

	struct pxd_job *next; /* the writer's queue */
};

/*
 * Start the writer thread on l: it appends queued jobs in group commits and
 * signs a checkpoint when the log has grown and interval seconds have
 * passed since the last one (also once at start when the log outgrew its
 * last checkpoint). PX_OK, PX_ENOMEM, PX_EINVAL.
 */
int pxd_writer_start(struct pxd_writer **out, struct px_ledger *l,
		     struct pxd_metrics *m, unsigned interval);

/*
 * Queue job; job->done is called from the writer thread once its entries
 * are committed (or failed). PX_OK, or PX_EINVAL when the writer is
 * stopping (job->done will not be called).
 */
int pxd_writer_submit(struct pxd_writer *w, struct pxd_job *job);

/*
 * Stop: refuse new jobs, commit everything queued, sign a last checkpoint
 * and join the thread. Read snapshots still work until pxd_writer_free.
 * Accepts NULL; a second call does nothing.
 */
void pxd_writer_stop(struct pxd_writer *w);

/* Stop if needed, and free; accepts NULL. No request may be running. */
void pxd_writer_free(struct pxd_writer *w);

/* ---- metrics.c ---- */

int pxd_metrics_new(struct pxd_metrics **out, size_t n_routes,
		    const char *const *route_names);
void pxd_metrics_free(struct pxd_metrics *m);

/* One HTTP response: its route (n_routes for none), status and time. */
void pxd_metrics_request(struct pxd_metrics *m, size_t route, unsigned status,
			 double seconds);
/* One group commit: entries in it and its time. */
void pxd_metrics_commit(struct pxd_metrics *m, size_t entries, double seconds);
/* Entries newly logged, duplicates answered, refusals by code. */
void pxd_metrics_appended(struct pxd_metrics *m, uint64_t logged,
			  uint64_t duplicates);
void pxd_metrics_refusal(struct pxd_metrics *m, enum px_code code);
/* A connection cut for missing its deadline (http.c): sending = 0 for a
 * request not in on time, 1 for an answer not taken on time. */
void pxd_metrics_deadline(struct pxd_metrics *m, int sending);
void pxd_metrics_checkpoint(struct pxd_metrics *m, uint64_t size);

struct px_lineage_memo_stats; /* paxta/provenance.h */

/* The Prometheus text exposition; *out malloc'd. log_size and data_bytes
 * are read by the caller from a snapshot, and what the verdict's memory of
 * lineages did; answer_bytes are held for answers now, of answer_budget.
 * PX_OK or PX_ENOMEM. */
int pxd_metrics_render(struct pxd_metrics *m, uint64_t log_size,
		       uint64_t data_bytes,
		       const struct px_lineage_memo_stats *memo,
		       size_t answer_bytes, size_t answer_budget, char **out,
		       size_t *out_len);

/* ---- http.c: requests and replies, for handlers ---- */

struct pxd_request;
struct pxd_stream;

/* Path parameters ({id}, {index}) of the matched route, decoded. */
const char *pxd_param(const struct pxd_request *rq, size_t i);
/* A query argument, decoded; NULL when absent. */
const char *pxd_query(const struct pxd_request *rq, const char *name);
/* A request header; NULL when absent. */
const char *pxd_header(struct pxd_request *rq, const char *name);
/* The body (POST), complete: at most max_body bytes. */
const uint8_t *pxd_body(const struct pxd_request *rq, size_t *len);
struct pxd_node *pxd_request_node(const struct pxd_request *rq);

/*
 * Hand job to the writer and answer once it is done: the handler is
 * called again (pxd_resumed() true) after job->done. The job and the memory
 * it points to must live in the handler's state (pxd_set_state). Returns
 * PX_OK, or an error (nothing queued): the handler answers now.
 */
int pxd_defer(struct pxd_request *rq, struct pxd_job *job);
int pxd_resumed(const struct pxd_request *rq);

/* State of the handler across a deferral, freed with free_fn at the end of
 * the request. */
void pxd_set_state(struct pxd_request *rq, void *state,
		   void (*free_fn)(void *));
void *pxd_state(const struct pxd_request *rq);

/* Add a header to the reply about to be made. */
void pxd_add_header(struct pxd_request *rq, const char *name,
		    const char *value);

/* Replies: exactly one per request. body is taken (free()d by the reply);
 * a NULL body after a failed allocation answers 500. */
void pxd_reply(struct pxd_request *rq, unsigned status,
	       const char *content_type, char *body, size_t len);
void pxd_reply_json(struct pxd_request *rq, unsigned status, json_t *j);
/*
 * Answer with what s produces, sent as the client takes it (chunked). s is
 * taken. Its first PXD_STREAM_FILL bytes are produced now, so a small
 * answer is whole before it is queued and a failure at the start is a 500;
 * a failure later cuts the connection. The buffer and s->held count in the
 * answer budget until the connection is done with the answer: 503 when
 * they do not fit. The send deadline (--send-timeout) applies as to any
 * answer.
 */
void pxd_reply_stream(struct pxd_request *rq, unsigned status,
		      const char *content_type, struct pxd_stream *s);
/*
 * For answers costly to make (a recall, a lineage: a walk of up to millions
 * of lots): 1 when this one may be made now; else answers 503 and returns
 * 0. At most --threads - 1 (1 at least) are made at once, so a thread is
 * left for everything else (/healthz, entries) whatever clients ask, and
 * none is made while the answer budget has no room for one more stream.
 * The slot is the request's until it answers.
 */
int pxd_costly(struct pxd_request *rq);
/* Bytes held for answers now, over all connections (for /metrics). */
size_t pxd_answer_bytes(const struct pxd_request *rq);
void pxd_reply_error(struct pxd_request *rq, unsigned status, const char *code,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- stream.c: streamed answers (no libmicrohttpd) ---- */

/* How every JSON answer is written: compact, one line, reals with 15
 * significant digits. */
#define PXD_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* A streamed answer's buffer: this many bytes, counted in the answer
 * budget from the start; the producer is called while fewer than
 * PXD_STREAM_FILL wait in it, so an element up to the difference never
 * grows it. */
#define PXD_STREAM_CHUNK ((size_t)64 << 10)
#define PXD_STREAM_FILL  ((size_t)32 << 10)

/* Once a stream that held PXD_TRIM_AFTER bytes or more is freed, the
 * heaps give their free pages back (malloc_trim, stream.c). */
#define PXD_TRIM_AFTER ((size_t)1 << 20)

/*
 * Bytes the node holds for answers, over all connections (--answer-budget):
 * answers held whole, and streams' buffers and what they are produced
 * from. Any thread.
 */
struct pxd_budget {
	atomic_size_t held;
	size_t limit;
};

/* Count n more bytes: 1, or 0 (nothing counted) when that would pass the
 * limit. b NULL counts nothing and always succeeds. */
int pxd_budget_take(struct pxd_budget *b, size_t n);
/* Bytes taken before are held no more; b may be NULL. */
void pxd_budget_give(struct pxd_budget *b, size_t n);

/* The bytes of a streamed answer not yet taken by its connection:
 * buf[off, off + len). Its capacity is counted in budget for as long as it
 * lives. */
struct pxd_out {
	char *buf;
	size_t off; /* taken already */
	size_t len; /* waiting */
	size_t cap; /* counted in budget */
	struct pxd_budget *budget;
};

/* An empty buffer of PXD_STREAM_CHUNK bytes, counted in budget (NULL:
 * not counted). PX_OK; PX_ETOOLARGE when the budget is spent; PX_ENOMEM. */
int pxd_out_init(struct pxd_out *o, struct pxd_budget *budget);
/* Free the buffer and give its bytes back; o is empty afterwards. */
void pxd_out_release(struct pxd_out *o);
/* Append n bytes, growing the buffer past PXD_STREAM_CHUNK (counted) for
 * an element that big. PX_OK; PX_ETOOLARGE when the budget is spent;
 * PX_ENOMEM. */
int pxd_out_write(struct pxd_out *o, const void *p, size_t n);
/* Append j as JSON (PXD_JSON_FLAGS), and drop the reference to j (which
 * may be NULL after a failed allocation: PX_ENOMEM). */
int pxd_out_json(struct pxd_out *o, json_t *j);
/* The first n bytes waiting are taken by the connection; the buffer comes
 * back to PXD_STREAM_CHUNK bytes once it was grown and is empty. */
void pxd_out_consume(struct pxd_out *o, size_t n);

/*
 * What a streamed answer is produced from. next appends the next piece of
 * the answer to out and returns 1 when more follows, 0 after the last
 * piece, or a negative px_err (the answer cannot be finished). It is
 * called only while fewer than PXD_STREAM_FILL bytes wait in out, on the
 * thread of the connection, one call at a time, and must hold no ledger
 * snapshot between calls (a snapshot pins LMDB's pages). held is what the
 * stream keeps in memory until it is freed, counted in the budget.
 */
struct pxd_stream {
	int (*next)(struct pxd_stream *s, struct pxd_out *out);
	void (*free)(struct pxd_stream *s);
	size_t held;
};

/* Free s with its own free function; accepts NULL. */
void pxd_stream_free(struct pxd_stream *s);

/* Call s->next until at least PXD_STREAM_FILL bytes wait in out or the
 * answer ended (*done = 1). PX_OK, or next's error. */
int pxd_stream_fill(struct pxd_stream *s, struct pxd_out *out, int *done);

/*
 * Entries [start, start + count) of the log, which had size entries when
 * the request began, as GET /v1/entries answers them: JSON
 * {"start","size","entries":[{"index","leaf","signed_entry"}]} (one line),
 * or an EntryBatch when protobuf (field 1, length-delimited, one after
 * the other: a batch is the concatenation of its entries). Whole entries
 * only: it stops before the leaves' bytes pass max_bytes, after at least
 * one. Each call of next reads in its own snapshot of l: leaf i never
 * changes once logged. PX_OK or PX_ENOMEM.
 */
int pxd_range_stream(struct pxd_stream **out, struct px_ledger *l,
		     uint64_t start, uint64_t count, uint64_t size,
		     size_t max_bytes, int protobuf);

struct px_recall;
struct px_lineage;

/* The JSON of px_recall_json(r) (and of px_lineage_json(g)), byte for
 * byte as json_dumps with PXD_JSON_FLAGS and a newline, one element of
 * its arrays at a time. The stream takes r (g): freed with the stream,
 * also on failure. held estimates their bytes. PX_OK or PX_ENOMEM. */
int pxd_recall_stream(struct pxd_stream **out, struct px_recall *r);
int pxd_lineage_stream(struct pxd_stream **out, struct px_lineage *g);

/* ---- routes.c ---- */

struct pxd_route {
	const char *method;  /* "GET", "POST" */
	const char *pattern; /* "/v1/lots/{id}/verdict": {x} is one segment */
	void (*handler)(struct pxd_request *rq);
};

extern const struct pxd_route pxd_routes[];
extern const size_t pxd_n_routes;

/* ---- helpers.c: what the route files share ---- */

#define PXD_CT_JSON  "application/json"
#define PXD_CT_TEXT  "text/plain; charset=utf-8"
#define PXD_CT_BATCH "application/x-protobuf; proto=paxta.EntryBatch"

/* The HTTP status of a refusal code (403, 409, 413, 422, 400). */
unsigned pxd_code_status(enum px_code code);

/* A decimal u64 of digits only: 0, or -1 (nothing answered). */
int pxd_parse_u64(const char *text, uint64_t *out);

/* The query argument name as a number: 0 when absent (*present = 0), -1
 * after answering 400. */
int pxd_query_u64(struct pxd_request *rq, const char *name, uint64_t *out,
		  int *present);

/* The query argument "season" as a year: 0 (absent: *present = 0), or -1
 * after answering 400. */
int pxd_query_season(struct pxd_request *rq, uint32_t *out, int *present);

/* A hash as a JSON string of standard base64; NULL when out of memory. */
json_t *pxd_hash_b64(const struct px_hash *h);

/* 1 when id (from the path) is one the ledger could hold; else answers 400
 * naming what ("a lot", "an actor") and returns 0. */
int pxd_valid_id(struct pxd_request *rq, const char *what, const char *id);

/* 1 after answering 403 read_only when the node is a replica (no writer);
 * else 0. */
int pxd_read_only(struct pxd_request *rq);

/* A 500 for a failure to check (never a refusal). */
void pxd_fail_internal(struct pxd_request *rq, int rc);

/* A read snapshot (PX_OK, or an error after answering 500) and its end. */
int pxd_begin(struct pxd_request *rq, struct px_txn **t);
void pxd_end(struct pxd_request *rq, struct px_txn *t);

/* ---- the handlers, one file per group of routes ---- */

/* entries.c */
void pxd_post_entries(struct pxd_request *rq);
void pxd_get_entry(struct pxd_request *rq);
void pxd_get_entry_by_hash(struct pxd_request *rq);
void pxd_get_entries(struct pxd_request *rq);

/* log.c */
void pxd_get_log(struct pxd_request *rq);
void pxd_get_inclusion(struct pxd_request *rq);
void pxd_get_consistency(struct pxd_request *rq);

/* checkpoints.c */
void pxd_post_checkpoint(struct pxd_request *rq);
void pxd_get_checkpoint(struct pxd_request *rq);
void pxd_get_checkpoints(struct pxd_request *rq);

/* records.c: GET /v1/actors/{id}/holdings, GET /v1/shipments/{id},
 * GET /v1/lots/{id}/shipments */
void pxd_get_holdings(struct pxd_request *rq);
void pxd_get_shipment(struct pxd_request *rq);
void pxd_get_lot_shipments(struct pxd_request *rq);

/* lots.c */
void pxd_get_lot(struct pxd_request *rq);
void pxd_get_verdict(struct pxd_request *rq);
void pxd_get_provenance(struct pxd_request *rq);
void pxd_get_lot_recall(struct pxd_request *rq);
void pxd_get_recall(struct pxd_request *rq);

/* actors.c */
void pxd_get_actor(struct pxd_request *rq);
void pxd_get_attestations(struct pxd_request *rq);

/* health.c */
void pxd_get_healthz(struct pxd_request *rq);
void pxd_get_metrics(struct pxd_request *rq);

/* bundle.c: GET /v1/lots/{id}/bundle */
void pxd_get_bundle(struct pxd_request *rq);

/* witness.c: the node as a C2SP tlog-witness. pxd_witness_start makes
 * nothing (*out NULL, PX_OK) without --witness-for; errors are worded in
 * err. */
struct pxd_witness_server;
int pxd_witness_start(struct pxd_witness_server **out,
		      const struct pxd_config *c, const char *origin, char *err,
		      size_t err_len);
void pxd_witness_free(struct pxd_witness_server *s);
const char *pxd_witness_verifier_key(const struct pxd_witness_server *s);
void pxd_post_add_checkpoint(struct pxd_request *rq); /* POST /add-checkpoint */
void pxd_get_witness(struct pxd_request *rq);         /* GET /v1/witness */
void pxd_get_evidence(struct pxd_request *rq);        /* GET /v1/evidence */

/* cosign.c: this log's witnesses. Start parses the flags (nothing without
 * --witness); run starts the thread, after the writer; free stops it. The
 * cosigned note of size: malloc'd, NULL when none was collected. */
struct pxd_cosigner;
int pxd_cosigner_start(struct pxd_cosigner **out, struct pxd_node *node,
		       char *err, size_t err_len);
int pxd_cosigner_run(struct pxd_cosigner *s);
char *pxd_cosigned_note(struct pxd_cosigner *s, uint64_t size);
void pxd_cosigner_free(struct pxd_cosigner *s);

/* tiles.c: C2SP tlog-tiles. GET /checkpoint; GET /tile/... (the route
 * table has one pattern per number of path segments). */
void pxd_get_tlog_checkpoint(struct pxd_request *rq);
void pxd_get_tile(struct pxd_request *rq);

/* epcis.c: GET /v1/epcis/events */
void pxd_get_epcis_events(struct pxd_request *rq);

/* page.c: the pages for people. GET /lots/{id}, GET /lots/{id}/report,
 * GET / (a search box) and GET /lots?id= (where it goes). */
void pxd_page_lot(struct pxd_request *rq);
void pxd_page_report(struct pxd_request *rq);
void pxd_page_landing(struct pxd_request *rq);
void pxd_page_search(struct pxd_request *rq);

/* batch.c: the entries of an EntryBatch body, pointing into body.
 * PX_OK; PX_EMALFORMED when it is not an EntryBatch; PX_ETOOLARGE past
 * max entries. *leaves and *lens malloc'd (free both). */
int pxd_batch_read(const uint8_t *body, size_t len, size_t max,
		   const uint8_t ***leaves, size_t **lens, size_t *n);
/* The bytes before a leaf of len bytes in an EntryBatch (its field's key
 * and length) into head: how many. A batch is these and the leaves, one
 * after the other. */
#define PXD_BATCH_HEADER_MAX 11
size_t pxd_batch_header(uint8_t head[PXD_BATCH_HEADER_MAX], size_t len);
/* An EntryBatch of leaves; *out malloc'd. PX_OK or PX_ENOMEM. */
int pxd_batch_write(const uint8_t *const *leaves, const size_t *lens, size_t n,
		    uint8_t **out, size_t *out_len);

/* ---- http.c: the server ---- */

struct pxd_http;

/* Start serving node on config's address. *out_port gets the bound port
 * (for --listen ADDR:0). PX_OK, PX_EINVAL (bad address), PX_EIO (cannot
 * bind: message in err). */
int pxd_http_start(struct pxd_http **out, struct pxd_node *node,
		   unsigned *out_port, char *err, size_t err_len);
/* Stop accepting connections; requests in flight go on. */
void pxd_http_quiesce(struct pxd_http *h);
/* Wait until no request is in flight or deadline_s seconds pass; 1 when
 * all finished. */
int pxd_http_drain(struct pxd_http *h, double deadline_s);
/* Close every connection and free; accepts NULL. */
void pxd_http_stop(struct pxd_http *h);

#endif
