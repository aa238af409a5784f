/*
 * paxta — reading events from files: one JSON object, a JSON array of
 * objects, or JSON lines (one object per line); or the rows of a CSV file
 * (csv.h). JSON lines and CSV are streamed, so a bulk load of millions of
 * events holds one line or row in memory at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"

/* The largest file read whole (an array, or one pretty-printed object). */
#define WHOLE_MAX ((size_t)1 << 30)

struct event_reader {
	const char *path;
	FILE *f;
	json_t *whole;     /* array mode: every event; NULL in lines mode */
	size_t next;       /* array mode: the next element */
	size_t line;       /* lines mode: lines read */
	size_t number;     /* events returned */
	size_t event_line; /* lines mode: the line of the last event */
	json_t *numbers;   /* in memory: each event's own number, if given */
	char *buf;
	size_t cap;
	/* CSV: rows of csv_kind (NULL: JSON), and why the last row returned
	 * is not an event (empty when it is one). */
	const char *csv_kind;
	struct csv_events *csv;
	char problem[CSV_ERROR_MAX];
};

/* The rest of f after prefix (prefix_len bytes), whole. */
static char *
read_rest(FILE *f, const char *prefix, size_t prefix_len, size_t *out_len)
{
	size_t len = prefix_len, cap = prefix_len + (1 << 16);
	char *buf = malloc(cap), *nb;

	if (!buf)
		return NULL;
	memcpy(buf, prefix, prefix_len);
	for (;;) {
		size_t got = fread(buf + len, 1, cap - len - 1, f);

		len += got;
		if (got == 0)
			break;
		if (len + 1 == cap) {
			if (cap >= WHOLE_MAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			if (!(nb = realloc(buf, cap * 2))) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*out_len = len;
	return buf;
}

/* Decide the mode from the first line; leave lines mode ready to return
 * that line's event first. */
static int
start(struct event_reader *r)
{
	json_error_t err;
	ssize_t n;
	char *text, *s;
	size_t len;

	r->line = r->next = r->number = 0;
	json_decref(r->whole);
	r->whole = NULL;
	do {
		n = getline(&r->buf, &r->cap, r->f);
		r->line++;
		if (n < 0) {
			if (ferror(r->f))
				return fail("cannot read '%s': %s", r->path,
					    strerror(errno));
			r->whole = json_array(); /* an empty file */
			return r->whole ? 0 : fail("out of memory");
		}
		s = r->buf;
		/* A UTF-8 byte order mark, as some editors save the file. */
		if (r->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		for (; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
			;
	} while (!*s);
	if (*s == '{') {
		json_t *one = json_loads(s, JSON_REJECT_DUPLICATES, &err);

		if (one) {
			/* JSON lines: keep this line's event for next(). */
			r->whole = json_array();
			if (!r->whole || json_array_append_new(r->whole, one))
				return fail("out of memory");
			return 0;
		}
	}
	/* An array, or one object over several lines: read it whole. */
	text = read_rest(r->f, s, (size_t)n - (size_t)(s - r->buf), &len);
	if (!text)
		return fail("cannot read '%s': %s", r->path, strerror(errno));
	r->whole = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	free(text);
	if (!r->whole)
		return fail("%s: line %d: not JSON: %s", r->path,
			    err.line + (int)r->line - 1, err.text);
	if (!json_is_array(r->whole)) {
		json_t *a = json_array();

		if (!a || json_array_append_new(a, r->whole))
			return fail("out of memory");
		r->whole = a;
	}
	r->line = 0; /* array mode: the lines are read */
	return 0;
}

int
event_reader_open(struct event_reader **out, const char *path)
{
	struct event_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return fail("out of memory");
	r->path = path;
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!r->f) {
		free(r);
		return fail("cannot read '%s': %s", path, strerror(errno));
	}
	if (start(r)) {
		event_reader_close(r);
		return EXIT_ERROR;
	}
	*out = r;
	return 0;
}

int
event_reader_next(struct event_reader *r, json_t **out, size_t *number)
{
	json_error_t err;
	ssize_t n;

	*out = NULL;
	if (r->csv_kind) {
		char why[CSV_ERROR_MAX];
		int rc = r->csv ? csv_events_next(r->csv, out, &r->event_line,
						  r->problem, why)
				: 0;

		if (rc < 0) {
			fail("%s: %s", r->path, why);
			return -1;
		}
		if (rc > 0)
			*number = ++r->number;
		return rc;
	}
	/* Array mode, or the first line of JSON lines kept by start(). */
	if (r->next < json_array_size(r->whole)) {
		json_t *own = json_array_get(r->numbers, r->next);

		r->event_line = r->line; /* JSON lines: the first line's */
		*out = json_incref(json_array_get(r->whole, r->next++));
		*number = ++r->number;
		if (json_is_integer(own))
			*number = (size_t)json_integer_value(own);
		return 1;
	}
	if (r->line == 0)
		return 0; /* array mode: done */
	while ((n = getline(&r->buf, &r->cap, r->f)) >= 0) {
		char *s = r->buf;

		r->line++;
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s)
			continue;
		*out = json_loads(s, JSON_REJECT_DUPLICATES, &err);
		if (!*out) {
			fail("%s: line %zu: not JSON: %s", r->path, r->line,
			     err.text);
			return -1;
		}
		*number = ++r->number;
		r->event_line = r->line;
		return 1;
	}
	if (ferror(r->f)) {
		fail("cannot read '%s': %s", r->path, strerror(errno));
		return -1;
	}
	return 0;
}

size_t
event_reader_line(const struct event_reader *r)
{
	if (r->csv_kind)
		return r->event_line;
	return r->whole && r->line == 0 ? 0 : r->event_line;
}

const char *
event_reader_problem(const struct event_reader *r)
{
	return r->csv_kind && r->problem[0] ? r->problem : NULL;
}

/* (Re)start a CSV file: its header row. */
static int
start_csv(struct event_reader *r)
{
	char err[CSV_ERROR_MAX];

	csv_events_free(r->csv);
	r->csv = NULL;
	r->number = 0;
	r->problem[0] = '\0';
	if (csv_events_open(&r->csv, r->f, r->csv_kind, err))
		return fail("%s: %s", r->path, err);
	return 0;
}

int
event_reader_open_csv(struct event_reader **out, const char *path,
		      const char *kind)
{
	struct event_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return fail("out of memory");
	r->path = path;
	r->csv_kind = kind;
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!r->f) {
		free(r);
		return fail("cannot read '%s': %s", path, strerror(errno));
	}
	if (start_csv(r)) {
		event_reader_close(r);
		return EXIT_ERROR;
	}
	*out = r;
	return 0;
}

int
event_reader_from_array(struct event_reader **out, const char *name,
			json_t *events, json_t *numbers)
{
	struct event_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return fail("out of memory");
	r->path = name;
	r->whole = json_incref(events);
	r->numbers = json_incref(numbers);
	*out = r;
	return 0;
}

int
event_reader_rewind(struct event_reader *r)
{
	if (!r->f) {
		r->next = r->number = 0; /* in memory */
		return 0;
	}
	if (r->f == stdin || fseek(r->f, 0, SEEK_SET) != 0)
		return -1;
	if (r->csv_kind)
		return start_csv(r) ? -1 : 0;
	return start(r) ? -1 : 0;
}

void
event_reader_close(struct event_reader *r)
{
	if (!r)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	json_decref(r->whole);
	json_decref(r->numbers);
	csv_events_free(r->csv);
	free(r->buf);
	free(r);
}
