/*
 * paxta — the command-line client: shared helpers of its commands.
 *
 * Each command is a function `int cmd_<name>(int argc, char **argv)`
 * returning the process's exit status: 0 success, 1 "no" (a verdict that is
 * not free, an audit that is not intact, a refused entry), 2 an error
 * (usage, a missing ledger, an unreadable file).
 */
#ifndef PAXTA_CLI_H
#define PAXTA_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "paxta/ledger.h"
#include "paxta/signer.h"

#define EXIT_NO    1
#define EXIT_ERROR 2

/* Options most commands share. */
struct cli_common {
	const char *data;     /* --data DIR */
	const char *node;     /* --node URL */
	const char *node_key; /* --node-key FILE (commands that sign) */
	int json;             /* --json */
};

/*
 * Parse --data DIR, --node URL, --json and --help for command cmd. Returns
 * 0 (parsed; operands start at optind), -1 (help printed: exit 0) or
 * EXIT_ERROR (usage printed, also for --data and --node together).
 */
int parse_common(const char *cmd, const char *help, int argc, char **argv,
		 struct cli_common *out);
/* The same, also taking --node-key FILE (with --data), for commands that
 * sign with the node's key. */
int parse_common_signer(const char *cmd, const char *help, int argc,
			char **argv, struct cli_common *out);

int cmd_keygen(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_lot(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_recall(int argc, char **argv);
int cmd_actor(int argc, char **argv);
int cmd_entry(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_proof(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_verify_bundle(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_mirror(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);

struct event_reader;

/* How to sign and append events: paxta submit's options. */
struct submit_opts {
	const char *data, *node; /* one of them */
	const char *keyfile;     /* --key, or */
	const char *keydir;      /* --keys */
	const char *node_key;    /* --node-key, with data (NULL: DIR.key) */
	int json, verbose;
	/* Optional: labels[n - 1] names the event numbered n in refusals
	 * and results (an EPCIS eventID). */
	json_t *labels;
};

/*
 * Sign the events of readers[0..n) and append them to the ledger or send
 * them to the node, as paxta submit does (readers are read through first,
 * then rewound). Returns the exit status; closes nothing.
 */
int submit_events(const struct submit_opts *o, struct event_reader **readers,
		  const char *const *names, int n);

/* "paxta: " + message + "\n" on stderr; returns EXIT_ERROR. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error: the message, then "try 'paxta CMD --help'". */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the ledger in dir, explaining failures in words people can act on.
 * Returns 0 or EXIT_ERROR (message printed). */
int open_ledger(struct px_ledger **out, const char *dir, unsigned flags);
/* The same with the node key in key_file (NULL: DIR.key, beside it). */
int open_ledger_key(struct px_ledger **out, const char *dir,
		    const char *key_file, unsigned flags);

/* A whole file ("-": stdin) of at most cap bytes: *out malloc'd and
 * NUL-terminated. 0, or EXIT_ERROR (printed: unreadable, over cap). */
int read_small_file(const char *path, size_t cap, char **out, size_t *out_len);

/* A verdict's JSON (px_verdict_json) for people, as paxta verify prints
 * it (cmd_query.c). */
void print_verdict(json_t *v);

/* Print j on stdout, indented, with a newline; consumes the reference. */
void print_json(json_t *j);

/* Is stdout / stderr a terminal (for colour and progress)? */
int out_is_tty(void);
int err_is_tty(void);

/* Terminal styling, empty strings when stdout is not a terminal. */
const char *style(const char *name); /* "bold", "red", "green", "yellow",
					"dim", "reset" */

/* A bar of width cells, filled to share (0..1), for breakdowns. */
void print_bar(double share, int width);

/*
 * Events from a file ("-": stdin): one JSON object, a JSON array, or JSON
 * lines (streamed). Functions that fail print why and return EXIT_ERROR
 * (open), -1 (next, rewind).
 */
struct event_reader;
int event_reader_open(struct event_reader **out, const char *path);
/* Rows of a CSV file ("-": stdin) as events of kind (csv.h): reads the
 * header row; EXIT_ERROR (printed) when it is not one. */
int event_reader_open_csv(struct event_reader **out, const char *path,
			  const char *kind);
/* Why the event next() returned last cannot be an event (a CSV row with a
 * kg that is not a number: "column 'kg': '22x' is not a number"), or NULL
 * when it can; next() then returned the row's kind and actor only. */
const char *event_reader_problem(const struct event_reader *r);
/* Events already in memory (a JSON array, referenced), named name;
 * numbers (may be NULL) gives each its own number (its place in a
 * document some of whose events were left out). */
int event_reader_from_array(struct event_reader **out, const char *name,
			    json_t *events, json_t *numbers);
/* 1 with *out (a new reference) and its 1-based number; 0 at the end. */
int event_reader_next(struct event_reader *r, json_t **out, size_t *number);
/* The line the last event returned began on (JSON lines and CSV; 0 for
 * an array or one object read whole). */
size_t event_reader_line(const struct event_reader *r);
/* Back to the first event (not for stdin). */
int event_reader_rewind(struct event_reader *r);
void event_reader_close(struct event_reader *r);

struct node;
struct px_txn;

/* The exact bytes of entry index (*out malloc'd), from the node when node
 * is not NULL, else from the snapshot t. 0, or EXIT_ERROR (printed). */
int fetch_leaf(struct node *node, struct px_txn *t, uint64_t index,
	       uint8_t **out, size_t *out_len);

/* Parse a non-negative decimal integer; 0 on success. */
int parse_u64(const char *text, uint64_t *out);

/*
 * Reading answers (JSON from the core, or from a node) for people. A node's
 * JSON is not trusted to have any shape: these never fail, whatever o is.
 */
const char *jstr(json_t *o, const char *key);       /* "" unless a string */
json_int_t jint(json_t *o, const char *key);        /* 0 unless an integer */
double jnum(json_t *o, const char *key);            /* 0 unless a number */
void jkg(char out[32], json_t *o, const char *key); /* kg as paxta prints */
/* Replace control characters in every string of j (in place): a node's
 * text printed for people stays on its lines. */
void json_clean(json_t *j);

/* ---- a paxtad node over HTTP (client.c) ---- */

#define NODE_CONNECT_TIMEOUT 10                 /* seconds */
#define NODE_TIMEOUT         120                /* seconds per request */
#define NODE_JSON_MAX        ((size_t)64 << 20) /* cap on a JSON answer */
#define NODE_TEXT_MAX        ((size_t)64 << 10) /* on a text answer */

/*
 * A client of the node at url: http:// or https://, host and port, and an
 * optional path prefix (a node behind a proxy). Returns 0, or EXIT_ERROR
 * with the reason printed (another scheme, out of memory).
 */
int node_open(struct node **out, const char *url);
void node_close(struct node *n); /* accepts NULL */
const char *node_url(const struct node *n);

/*
 * Requests. path is printf-formatted, its variable parts escaped with
 * node_escape. Each returns 0 on a 2xx answer, or EXIT_ERROR with one line
 * kept in the handle (node_fail prints it): the node's own sentence for a
 * refusal or a 4xx ({"error", "message"}, as a local ledger words it), "node
 * URL: connection refused", "node URL answered 502, not a paxta answer",
 * "node URL answered something that is not JSON", an answer past its cap.
 * After a failure node_status and node_code tell what the node answered
 * (0 and "" when it did not).
 */
int node_get_json(struct node *n, json_t **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int node_post_json(struct node *n, json_t **out, const char *content_type,
		   const void *body, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A text answer (GET or POST without a body); *out malloc'd, NUL-ended. */
int node_text(struct node *n, char **out, size_t *out_len, const char *method,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A binary answer to GET of at most cap bytes (a proof bundle); *out
 * malloc'd. */
int node_bytes(struct node *n, uint8_t **out, size_t *out_len, size_t cap,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
long node_status(const struct node *n);
const char *node_code(const struct node *n);

/* Print the kept line on stderr; returns EXIT_ERROR. */
int node_fail(struct node *n);
const char *node_error(const struct node *n);
/* Keep "node URL answered WHAT" as the failure; returns EXIT_ERROR. */
int node_bad_answer(struct node *n, const char *what);

/* text %-escaped as one path segment or query value; malloc'd, NULL on
 * out of memory. */
char *node_escape(const char *text);

/* Control characters in s (in place) become '?'. */
void node_clean(char *s);

/* A leaf from its base64 in a node's JSON: *out malloc'd. PX_EMALFORMED
 * when b64 is not base64 of at most an entry's size. */
int node_leaf(uint8_t **out, size_t *out_len, json_t *b64);

/*
 * Where authors' chains stand, asked of the node (GET /v1/actors/{id}; for
 * a void by hash, GET /v1/entries/by-hash/{hash}): for px_signer_new. Its
 * functions return PX_ENOTFOUND for a 404, PX_EIO with the reason kept in
 * n for anything else that went wrong.
 */
void node_signer_source(struct node *n, struct px_signer_source *out);

#endif
