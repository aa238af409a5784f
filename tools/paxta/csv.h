/*
 * paxta — CSV as a spreadsheet saves it (RFC 4180, read leniently where
 * spreadsheets differ), and rows of it as events (docs/events.md, "CSV").
 *
 * The reader: fields separated by ',' or ';' or a tab (whichever the first
 * row uses first: Excel in a locale with a decimal comma saves ';'),
 * records ended by CRLF, LF or a lone CR; a field in double quotes may hold
 * the separator, line breaks and doubled quotes (""); a UTF-8 byte order
 * mark at the start is skipped. Bytes are not interpreted otherwise (the
 * rows-as-events layer checks UTF-8). Sizes are capped while reading, so a
 * file that is not CSV (an unclosed quote, a binary file) stops with an
 * error instead of filling memory.
 *
 * Neither layer prints: errors come back as one line of text.
 */
#ifndef PAXTA_CSV_H
#define PAXTA_CSV_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define CSV_FIELD_MAX  (32 * 1024) /* bytes in one field */
#define CSV_ROW_MAX    (64 * 1024) /* bytes in one record, all fields */
#define CSV_FIELDS_MAX 1024        /* fields in one record */
#define CSV_ERROR_MAX  256

struct csv_reader;

/* One record: fields[0..n), each NUL-terminated (a field never holds a
 * NUL byte) with its length; line is the line of the file it begins on
 * (1-based). Borrowed from the reader until its next csv_next. */
struct csv_row {
	size_t line;
	size_t n;
	const char *const *fields;
	const size_t *lens;
};

/* A reader of f (not closed by csv_free). NULL when out of memory. */
struct csv_reader *csv_new(FILE *f);
void csv_free(struct csv_reader *r); /* accepts NULL */

/*
 * The next record: 1 with *row; 0 at the end of the file; -1 when the file
 * is not CSV from here on or cannot be read: csv_error() says why, with
 * the line ("line 7: a quoted field from line 5 never ends").
 */
int csv_next(struct csv_reader *r, struct csv_row *row);
const char *csv_error(const struct csv_reader *r);

/* The field separator the file uses (',' until a record showed one). */
char csv_separator(const struct csv_reader *r);

/* ---- rows as events (csv_event.c) ---- */

struct csv_events;

/*
 * Events of kind (harvest, transfer, receive, transform) from the CSV file
 * f, whose first row names each column by its field in the event's JSON
 * (docs/events.md). Reads the header row: 0 with *out, or -1 with err
 * (CSV_ERROR_MAX bytes) saying what is wrong with it ("line 1: column
 * 'kg' appears twice"); an empty file gives no events.
 */
int csv_events_open(struct csv_events **out, FILE *f, const char *kind,
		    char *err);
void csv_events_free(struct csv_events *ce); /* accepts NULL */

/*
 * The next row as an event: 1 with *out (a new reference) and *line, the
 * line the row begins on. When the row cannot become an event (a kg that
 * is not a number, a row longer than the header), problem (CSV_ERROR_MAX
 * bytes) names the column and the value, and *out holds what could be
 * read of the row's kind and actor, for the report. 0 at the end; -1 with
 * err when the file stops being CSV (nothing after it is read).
 */
int csv_events_next(struct csv_events *ce, json_t **out, size_t *line,
		    char *problem, char *err);

/* Is kind one a clerk may keep as CSV? */
int csv_kind_ok(const char *kind);

#endif
