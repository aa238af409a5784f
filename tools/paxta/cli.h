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

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "paxta/ledger.h"
#include "text.h"

#define EXIT_NO    1
#define EXIT_ERROR 2

/* Options most commands share. */
struct cli_common {
	const char *data;     /* --data DIR */
	const char *node;     /* --node URL */
	const char *node_key; /* --node-key FILE (commands that sign) */
	int json;             /* --json */
};

/* What parse_options takes beside --data DIR, --node URL and --help. */
enum {
	CLI_JSON = 1 << 0,        /* --json */
	CLI_NODE_KEY = 1 << 1,    /* --node-key FILE, only with --data */
	CLI_SOURCE = 1 << 2,      /* one of --data and --node is required */
	CLI_CHECK_LATER = 1 << 3, /* check_source is the caller's to call,
				     after its own checks */
};

/* The option values parse_options keeps for itself: a command's own
 * options use others ('d', 'j' and 'h' are taken too). */
enum {
	CLI_OPT_NODE = 0x7000,
	CLI_OPT_NODE_KEY,
};

/* How one command reads its options. */
struct cli_parser {
	const char *cmd, *help;
	const char *shortopts;    /* getopt's: "d:jh", "h", ... */
	unsigned flags;           /* CLI_* */
	const struct option *own; /* its own long options, {0}-ended; NULL */
	/* Take own option opt (its val) with arg (NULL without one): 0, or
	 * EXIT_ERROR with the usage error printed. */
	int (*take)(void *ctx, int opt, const char *arg);
	void *ctx;
};

/*
 * Parse the common options and the command's own (p->take). Returns 0
 * (parsed; operands start at optind), -1 (help printed: exit 0) or
 * EXIT_ERROR (usage printed: an unknown option, --data and --node
 * together, neither with CLI_SOURCE, --node-key without --data).
 */
int parse_options(const struct cli_parser *p, int argc, char **argv,
		  struct cli_common *out);
/* Whether c names a source as p->flags ask (parse_options calls it unless
 * CLI_CHECK_LATER): 0, or EXIT_ERROR with the usage error printed. */
int check_source(const struct cli_parser *p, const struct cli_common *c);

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
	struct cli_common c; /* --data or --node, --node-key, --json */
	const char *keyfile; /* --key, or */
	const char *keydir;  /* --keys */
	const char *csv;     /* --csv KIND (submit only) */
	int verbose;
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

/* Take one of paxta submit's own options into the struct submit_opts at
 * ctx ('k' --key, 'K' --keys, 'C' --csv, 'v' --verbose), for
 * parse_options: paxta import takes some of them too. */
int submit_option(void *ctx, int opt, const char *arg);

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

/* Parse a non-negative decimal integer (digits only, at most UINT64_MAX):
 * 0, or -1 with *out untouched. */
int parse_u64(const char *text, uint64_t *out);

/*
 * Reading answers (JSON from the core, or from a node) for people. A node's
 * JSON is not trusted to have any shape: these never fail, whatever o is.
 */
const char *jstr(json_t *o, const char *key);       /* "" unless a string */
json_int_t jint(json_t *o, const char *key);        /* 0 unless an integer */
double jnum(json_t *o, const char *key);            /* 0 unless a number */
void jkg(char out[32], json_t *o, const char *key); /* kg as paxta prints */
/* Print node_error(n) as paxta prints a failure (backend_node.c); returns
 * EXIT_ERROR. For paxta mirror, which speaks to a node directly. */
struct node;
int node_fail(struct node *n);

#endif
