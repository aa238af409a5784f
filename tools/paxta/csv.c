/*
 * paxta — a CSV reader (RFC 4180, with what spreadsheets do beside it):
 * see csv.h. One byte at a time from a FILE, one record in memory.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct csv_reader {
	FILE *f;
	char sep;  /* 0 until the first record shows one */
	int begun; /* the byte order mark was looked for */
	unsigned char pending[3];
	int n_pending;
	size_t line; /* the line the next byte is on */
	/* The record: its bytes, each field NUL-ended, and where each
	 * field starts. */
	char *buf;
	size_t len, cap;
	size_t *starts, *lens;
	const char **fields;
	size_t n, cap_fields;
	char error[CSV_ERROR_MAX];
};

struct csv_reader *
csv_new(FILE *f)
{
	struct csv_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->f = f;
	r->line = 1;
	return r;
}

void
csv_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->starts);
	free(r->lens);
	free(r->fields);
	free(r);
}

const char *
csv_error(const struct csv_reader *r)
{
	return r->error;
}

char
csv_separator(const struct csv_reader *r)
{
	return r->sep ? r->sep : ',';
}

static int failf(struct csv_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
failf(struct csv_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* The next byte, or EOF; the byte order mark (EF BB BF) of a file saved
 * as "CSV UTF-8" is skipped. Bytes read ahead wait in pending, the next
 * one first. */
static int
next_byte(struct csv_reader *r)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	int c;

	if (!r->begun) {
		r->begun = 1;
		while (r->n_pending < 3 && (c = getc(r->f)) != EOF) {
			r->pending[r->n_pending++] = (unsigned char)c;
			if (c != bom[r->n_pending - 1])
				break;
		}
		if (r->n_pending == 3 && memcmp(r->pending, bom, 3) == 0)
			r->n_pending = 0;
	}
	if (r->n_pending) {
		c = r->pending[0];
		memmove(r->pending, r->pending + 1, (size_t)--r->n_pending);
		return c;
	}
	return getc(r->f);
}

/* Give back c, read one too far: it comes next. */
static void
unread_byte(struct csv_reader *r, int c)
{
	memmove(r->pending + 1, r->pending, (size_t)r->n_pending++);
	r->pending[0] = (unsigned char)c;
}

static int
put_byte(struct csv_reader *r, size_t field_start, int c)
{
	if (r->len - field_start >= CSV_FIELD_MAX)
		return failf(r,
			     "line %zu: a field longer than %d bytes (a "
			     "quote never closed?)",
			     r->line, CSV_FIELD_MAX);
	if (r->len + 1 >= CSV_ROW_MAX)
		return failf(r, "line %zu: a row longer than %d bytes", r->line,
			     CSV_ROW_MAX);
	if (r->len + 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		char *buf = realloc(r->buf, cap);

		if (!buf)
			return failf(r, "out of memory");
		r->buf = buf;
		r->cap = cap;
	}
	r->buf[r->len++] = (char)c;
	return 0;
}

/* Close the field that began at start. */
static int
end_field(struct csv_reader *r, size_t start)
{
	if (r->n == CSV_FIELDS_MAX)
		return failf(r, "line %zu: a row of more than %d fields",
			     r->line, CSV_FIELDS_MAX);
	if (r->n == r->cap_fields) {
		size_t cap = r->cap_fields ? r->cap_fields * 2 : 32;
		size_t *starts = realloc(r->starts, cap * sizeof(*starts));
		size_t *lens;

		if (!starts)
			return failf(r, "out of memory");
		r->starts = starts;
		if (!(lens = realloc(r->lens, cap * sizeof(*lens))))
			return failf(r, "out of memory");
		r->lens = lens;
		r->cap_fields = cap;
	}
	r->starts[r->n] = start;
	r->lens[r->n] = r->len - start;
	r->n++;
	/* The NUL: room for it was kept by put_byte (or is made here for an
	 * empty record). */
	if (r->len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		char *buf = realloc(r->buf, cap);

		if (!buf)
			return failf(r, "out of memory");
		r->buf = buf;
		r->cap = cap;
	}
	r->buf[r->len++] = '\0';
	return 0;
}

static int
is_sep(struct csv_reader *r, int c)
{
	if (r->sep)
		return c == r->sep;
	if (c == ',' || c == ';' || c == '\t') {
		r->sep = (char)c; /* the first record decides */
		return 1;
	}
	return 0;
}

/* A line break ends the record: CRLF, LF or a lone CR. */
static void
end_line(struct csv_reader *r, int c)
{
	if (c == '\r') {
		int d = next_byte(r);

		if (d != '\n' && d != EOF)
			unread_byte(r, d);
	}
	r->line++;
}

int
csv_next(struct csv_reader *r, struct csv_row *row)
{
	size_t start = 0, quote_line;
	int c;

	r->len = r->n = 0;
	r->error[0] = '\0';
	c = next_byte(r);
	if (c == EOF)
		return ferror(r->f) ? failf(r, "line %zu: cannot read the file",
					    r->line)
				    : 0;
	row->line = r->line;
	for (;;) {
		/* At the start of a field, with its first byte in c. */
		start = r->len;
		if (c == '"') {
			quote_line = r->line;
			for (;;) {
				c = next_byte(r);
				if (c == EOF)
					return failf(
						r,
						"line %zu: a quoted field from "
						"line %zu never ends",
						r->line, quote_line);
				if (c == '"') {
					c = next_byte(r);
					if (c != '"')
						break; /* closed */
				} else if (c == '\n') {
					r->line++;
				} else if (c == '\0') {
					return failf(r,
						     "line %zu: a NUL byte: "
						     "not a text file",
						     r->line);
				}
				if (put_byte(r, start, c))
					return -1;
			}
			/* After the closing quote: a separator, a line break
			 * or the end. */
			if (c != EOF && c != '\n' && c != '\r' && !is_sep(r, c))
				return failf(r,
					     "line %zu: '%c' after a closing "
					     "quote (a quote inside a quoted "
					     "field is doubled: \"\")",
					     r->line,
					     c >= 0x20 && c < 0x7f ? c : '?');
		} else {
			/* Unquoted: up to a separator or a line break; a
			 * quote inside is kept as it is. */
			while (c != EOF && c != '\n' && c != '\r' &&
			       !is_sep(r, c)) {
				if (c == '\0')
					return failf(r,
						     "line %zu: a NUL byte: "
						     "not a text file",
						     r->line);
				if (put_byte(r, start, c))
					return -1;
				c = next_byte(r);
			}
		}
		if (end_field(r, start))
			return -1;
		if (c == EOF)
			break;
		if (c == '\n' || c == '\r') {
			end_line(r, c);
			break;
		}
		c = next_byte(r); /* the next field's first byte */
	}
	if (ferror(r->f))
		return failf(r, "line %zu: cannot read the file", r->line);
	if (!(r->fields = realloc(r->fields, r->n * sizeof(*r->fields))))
		return failf(r, "out of memory");
	for (size_t i = 0; i < r->n; i++)
		r->fields[i] = r->buf + r->starts[i];
	row->n = r->n;
	row->fields = r->fields;
	row->lens = r->lens;
	return 1;
}
