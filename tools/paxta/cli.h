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

#define EXIT_NO    1
#define EXIT_ERROR 2

/* Options most commands share. */
struct cli_common {
	const char *data; /* --data DIR */
	int json;         /* --json */
};

/*
 * Parse --data DIR, --json and --help for command cmd. Returns 0 (parsed;
 * operands start at optind), -1 (help printed: exit 0) or EXIT_ERROR
 * (usage printed).
 */
int parse_common(const char *cmd, const char *help, int argc, char **argv,
		 struct cli_common *out);

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

/* "paxta: " + message + "\n" on stderr; returns EXIT_ERROR. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error: the message, then "try 'paxta CMD --help'". */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the ledger in dir, explaining failures in words people can act on.
 * Returns 0 or EXIT_ERROR (message printed). */
int open_ledger(struct px_ledger **out, const char *dir, unsigned flags);

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
/* 1 with *out (a new reference) and its 1-based number; 0 at the end. */
int event_reader_next(struct event_reader *r, json_t **out, size_t *number);
/* Back to the first event (not for stdin). */
int event_reader_rewind(struct event_reader *r);
void event_reader_close(struct event_reader *r);

/* Parse a non-negative decimal integer; 0 on success. */
int parse_u64(const char *text, uint64_t *out);

#endif
