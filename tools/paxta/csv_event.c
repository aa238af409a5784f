/*
 * paxta — rows of a CSV file as events (docs/events.md, "CSV"): the header
 * row names each column by its field in the event's JSON, a nested field
 * by its path joined with dots (documents.0.type), and a row becomes the
 * same JSON object a clerk would have written, which then goes through
 * exactly what a JSON event goes through. This file only shapes values:
 * what a field may hold is the event parser's to say.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "paxta/encoding.h"

/* Path parts of a column: 1..64 bytes of letters, digits and '_'; a part
 * of digits only (at most 4) is a place in a list. */
#define PART_MAX  64
#define INDEX_MAX 9999

/* The shape the header gives every event: a tree of objects and lists
 * whose leaves are columns. */
struct shape {
	char *name;     /* a member of an object; NULL for a list item */
	unsigned index; /* a list item's place */
	int column;     /* a leaf: its column; -1: a container */
	int is_list;    /* a container whose kids are list items */
	struct shape *kids;
	size_t n_kids, cap_kids;
};

struct csv_events {
	struct csv_reader *csv;
	char kind[32];
	char **columns; /* names as written in the header */
	size_t n_columns;
	int kind_column, actor_column; /* -1: none */
	struct shape root;
};

static const char *const csv_kinds[] = { "harvest", "transfer", "receive",
					 "transform" };

int
csv_kind_ok(const char *kind)
{
	for (size_t i = 0; i < sizeof(csv_kinds) / sizeof(*csv_kinds); i++)
		if (strcmp(kind, csv_kinds[i]) == 0)
			return 1;
	return 0;
}

static int say(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
say(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, CSV_ERROR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static void
shape_release(struct shape *s)
{
	for (size_t i = 0; i < s->n_kids; i++)
		shape_release(&s->kids[i]);
	free(s->kids);
	free(s->name);
}

void
csv_events_free(struct csv_events *ce)
{
	if (!ce)
		return;
	csv_free(ce->csv);
	for (size_t i = 0; i < ce->n_columns; i++)
		free(ce->columns[i]);
	free(ce->columns);
	shape_release(&ce->root);
	free(ce);
}

/* text without the spaces and tabs around it, in place; its new length. */
static size_t
trim(char **text, size_t len)
{
	char *t = *text;

	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		t[--len] = '\0';
	while (len && (*t == ' ' || *t == '\t')) {
		t++;
		len--;
	}
	*text = t;
	return len;
}

/* The kid of s for one path part (a name, or a list place when is_index),
 * made when missing; NULL with err when the part does not fit the shape
 * other columns gave s. */
static struct shape *
kid_of(struct shape *s, const char *part, int is_index, const char *column,
       char *err)
{
	unsigned index = is_index ? (unsigned)strtoul(part, NULL, 10) : 0;
	struct shape *k;

	if (s->n_kids && s->is_list != is_index) {
		say(err,
		    "line 1: column '%s' makes a list of what another column "
		    "makes an object, or the other way round",
		    column);
		return NULL;
	}
	s->is_list = is_index;
	for (size_t i = 0; i < s->n_kids; i++) {
		k = &s->kids[i];
		if (is_index ? k->index == index : strcmp(k->name, part) == 0)
			return k;
	}
	if (s->n_kids == s->cap_kids) {
		size_t cap = s->cap_kids ? s->cap_kids * 2 : 8;

		k = realloc(s->kids, cap * sizeof(*k));
		if (!k) {
			say(err, "out of memory");
			return NULL;
		}
		s->kids = k;
		s->cap_kids = cap;
	}
	k = &s->kids[s->n_kids];
	memset(k, 0, sizeof(*k));
	k->column = -1;
	k->index = index;
	if (!is_index && !(k->name = strdup(part))) {
		say(err, "out of memory");
		return NULL;
	}
	s->n_kids++;
	return k;
}

/* Add column c, named name, to the shape. */
static int
add_column(struct csv_events *ce, int c, const char *name, char *err)
{
	struct shape *s = &ce->root;
	const char *p = name;

	for (int first = 1;; first = 0) {
		char part[PART_MAX + 1];
		size_t n = 0;
		int digits = 1;

		while (p[n] && p[n] != '.') {
			if (!isalnum((unsigned char)p[n]) && p[n] != '_')
				break;
			if (!isdigit((unsigned char)p[n]))
				digits = 0;
			n++;
		}
		if (n == 0 || n > PART_MAX || (p[n] && p[n] != '.') ||
		    (digits && (first || n > 4)))
			return say(err,
				   "line 1: column '%s' is not a field name "
				   "(letters, digits and '_'; nested fields "
				   "joined by dots, list places numbered: "
				   "documents.0.type)",
				   name);
		memcpy(part, p, n);
		part[n] = '\0';
		if (s->column >= 0)
			return say(err,
				   "line 1: columns '%s' and '%s' both give "
				   "'%.*s'",
				   ce->columns[s->column], name,
				   (int)(p - name - 1), name);
		if (!(s = kid_of(s, part, digits, name, err)))
			return -1;
		p += n;
		if (!*p)
			break;
		p++; /* the dot */
	}
	if (s->column >= 0 || s->n_kids)
		return say(err, "line 1: columns '%s' and '%s' both give '%s'",
			   s->column >= 0 ? ce->columns[s->column]
					  : ce->columns[c],
			   name, name);
	s->column = c;
	return 0;
}

static int
cmp_place(const void *a, const void *b)
{
	const struct shape *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* List items in the order of their places. */
static void
sort_places(struct shape *s)
{
	if (s->is_list)
		qsort(s->kids, s->n_kids, sizeof(*s->kids), cmp_place);
	for (size_t i = 0; i < s->n_kids; i++)
		sort_places(&s->kids[i]);
}

int
csv_events_open(struct csv_events **out, FILE *f, const char *kind, char *err)
{
	struct csv_events *ce = calloc(1, sizeof(*ce));
	struct csv_row row;
	int rc;

	*out = NULL;
	if (!ce || !(ce->csv = csv_new(f))) {
		free(ce);
		return say(err, "out of memory");
	}
	snprintf(ce->kind, sizeof(ce->kind), "%s", kind);
	ce->root.column = -1;
	ce->kind_column = ce->actor_column = -1;
	rc = csv_next(ce->csv, &row);
	if (rc < 0) {
		say(err, "%s", csv_error(ce->csv));
		goto fail;
	}
	if (rc == 0) { /* an empty file: no events */
		*out = ce;
		return 0;
	}
	if (!(ce->columns = calloc(row.n, sizeof(*ce->columns)))) {
		say(err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < row.n; i++) {
		char *name = (char *)row.fields[i];
		size_t len = trim(&name, row.lens[i]);

		if (len == 0) {
			say(err, "line %zu: column %zu has no name", row.line,
			    i + 1);
			goto fail;
		}
		if (!(ce->columns[i] = strdup(name))) {
			say(err, "out of memory");
			goto fail;
		}
		ce->n_columns++;
		for (size_t k = 0; k < i; k++)
			if (strcmp(ce->columns[k], name) == 0) {
				say(err, "line %zu: column '%s' appears twice",
				    row.line, name);
				goto fail;
			}
		if (strcmp(name, "kind") == 0)
			ce->kind_column = (int)i;
		else if (add_column(ce, (int)i, name, err))
			goto fail;
		if (strcmp(name, "actor") == 0)
			ce->actor_column = (int)i;
	}
	sort_places(&ce->root);
	*out = ce;
	return 0;
fail:
	csv_events_free(ce);
	return -1;
}

/* A cell quoted in a message: at most 48 bytes of it, cut between
 * characters ("…" when cut), anything that is not printable UTF-8 as '?',
 * so the message stays one line of valid text whatever the cell held. */
struct quoted {
	char text[64];
};

static struct quoted
quote(const char *cell)
{
	const unsigned char *p = (const unsigned char *)cell;
	struct quoted q;
	size_t n = 0;

	while (*p) {
		size_t len = *p < 0x80    ? 1
			     : *p >= 0xf0 ? 4
			     : *p >= 0xe0 ? 3
					  : 2;

		if (n + len > 48) {
			memcpy(q.text + n, "\xe2\x80\xa6", 3);
			n += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f ||
		    (*p >= 0x80 && (strnlen((const char *)p, len) < len ||
				    !px_utf8_valid(p, len)))) {
			q.text[n++] = '?';
			p++;
			continue;
		}
		memcpy(q.text + n, p, len);
		n += len;
		p += len;
	}
	q.text[n] = '\0';
	return q;
}

/*
 * A number as a spreadsheet writes it: digits, a sign, a decimal point —
 * or a decimal comma in a file separated by ';' (Excel's CSV where a comma
 * is the decimal sign). No exponents, no thousands separators. A JSON
 * integer when whole (and integer_only: only then), else a JSON real.
 */
static json_t *
number_value(const char *text, char sep, int integer_only)
{
	char buf[64];
	const char *p = text;
	size_t n = 0, digits = 0, point = 0;

	if (*p == '-' || *p == '+')
		buf[n++] = *p++;
	for (; *p && n < sizeof(buf) - 1; p++) {
		if (isdigit((unsigned char)*p)) {
			buf[n++] = *p;
			digits++;
		} else if ((*p == '.' || (*p == ',' && sep == ';')) && !point &&
			   digits && !integer_only) {
			buf[n++] = '.';
			point = n;
		} else {
			return NULL;
		}
	}
	buf[n] = '\0';
	if (*p || !digits || (point && point == n))
		return NULL;
	if (!point && digits <= 15)
		return json_integer((json_int_t)strtoll(buf, NULL, 10));
	if (integer_only)
		return NULL;
	return json_real(strtod(buf, NULL));
}

/* Which fields are numbers: kg everywhere, the season. */
static int
numeric(const char *name, int *integer_only)
{
	*integer_only = name && strcmp(name, "season") == 0;
	return name && (strcmp(name, "kg") == 0 || *integer_only);
}

/*
 * A list in one cell, items separated by ';' ("PBI-1:225.2;PBI-2:226"):
 * parts 0 (plain items: documents' SHA-256 values), 2 (LOT:KG: lots,
 * inputs) or 3 (LOT:KG:PRODUCT: outputs), split at the last colons so a
 * lot id may hold one.
 */
static json_t *
list_value(const char *column, char *text, int parts, char sep, char *problem)
{
	json_t *list = json_array();
	size_t item = 0;
	char *next;

	if (!list) {
		say(problem, "out of memory");
		return NULL;
	}
	for (char *p = text; p; p = next) {
		char *kg, *product = NULL, *lot = p;
		json_t *value, *one;
		size_t len;

		if ((next = strchr(p, ';')))
			*next++ = '\0';
		if (trim(&lot, strlen(lot)) == 0)
			continue;
		item++;
		if (parts == 0) {
			if (json_array_append_new(list, json_string(lot)))
				goto nomem;
			continue;
		}
		if (parts == 3 && (product = strrchr(lot, ':')))
			*product++ = '\0';
		kg = strrchr(lot, ':');
		if (!kg || (parts == 3 && !product)) {
			say(problem,
			    "column '%s': item %zu '%s' is not %s (items "
			    "separated by ';')",
			    column, item, quote(lot).text,
			    parts == 3 ? "LOT:KG:PRODUCT" : "LOT:KG");
			goto fail;
		}
		*kg++ = '\0';
		len = trim(&lot, strlen(lot));
		trim(&kg, strlen(kg));
		if (product)
			trim(&product, strlen(product));
		if (len == 0) {
			say(problem, "column '%s': item %zu has no lot id",
			    column, item);
			goto fail;
		}
		if (!(value = number_value(kg, sep, 0))) {
			say(problem,
			    "column '%s': item %zu: '%s' is not a number",
			    column, item, quote(kg).text);
			goto fail;
		}
		one = product ? json_pack("{s:s,s:o,s:s}", "lot", lot, "kg",
					  value, "product", product)
			      : json_pack("{s:s,s:o}", "lot", lot, "kg", value);
		if (!one || json_array_append_new(list, one))
			goto nomem;
	}
	return list;
nomem:
	say(problem, "out of memory");
fail:
	json_decref(list);
	return NULL;
}

/* Row values the shape asks for; NULL *out when every cell under s is
 * empty (the field is left out, as an empty cell means). */
struct build {
	struct csv_events *ce;
	const struct csv_row *row;
	char *problem;
};

static int
leaf_value(struct build *b, const struct shape *s, int top, json_t **out)
{
	const char *column = b->ce->columns[s->column];
	char *text = (char *)b->row->fields[s->column];
	size_t len = trim(&text, b->row->lens[s->column]);
	char sep = csv_separator(b->ce->csv);
	int integer_only;

	*out = NULL;
	if (len == 0)
		return 0;
	if (!px_utf8_valid((const uint8_t *)text, len))
		return say(b->problem,
			   "column '%s' is not UTF-8 text (save the sheet as "
			   "\"CSV UTF-8\")",
			   column);
	if (top &&
	    (strcmp(s->name, "lots") == 0 || strcmp(s->name, "inputs") == 0))
		*out = list_value(column, text, 2, sep, b->problem);
	else if (top && strcmp(s->name, "outputs") == 0)
		*out = list_value(column, text, 3, sep, b->problem);
	else if (top && strcmp(s->name, "documents") == 0)
		*out = list_value(column, text, 0, sep, b->problem);
	else if (numeric(s->name, &integer_only)) {
		if (!(*out = number_value(text, sep, integer_only)))
			return say(b->problem, "column '%s': '%s' is not %s",
				   column, quote(text).text,
				   integer_only ? "a whole number"
						: "a number");
		return 0;
	} else if (!(*out = json_string(text)))
		return say(b->problem, "out of memory");
	return *out ? 0 : -1;
}

static int
shape_value(struct build *b, const struct shape *s, int top, json_t **out)
{
	json_t *whole, *kid;

	*out = NULL;
	if (s->column >= 0)
		return leaf_value(b, s, top, out);
	if (!(whole = s->is_list ? json_array() : json_object()))
		return say(b->problem, "out of memory");
	for (size_t i = 0; i < s->n_kids; i++) {
		if (shape_value(b, &s->kids[i], s == &b->ce->root, &kid)) {
			json_decref(whole);
			return -1;
		}
		if (kid &&
		    (s->is_list ? json_array_append_new(whole, kid)
				: json_object_set_new(whole, s->kids[i].name,
						      kid))) {
			json_decref(whole);
			return say(b->problem, "out of memory");
		}
	}
	if (json_is_array(whole) ? json_array_size(whole) == 0
				 : json_object_size(whole) == 0) {
		json_decref(whole);
		return 0;
	}
	*out = whole;
	return 0;
}

/* A row with nothing in it (a blank line, or only separators, as a sheet
 * saves rows it once formatted): skipped. */
static int
blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		for (size_t k = 0; k < row->lens[i]; k++)
			if (row->fields[i][k] != ' ' &&
			    row->fields[i][k] != '\t')
				return 0;
	return 1;
}

/* What the report says of a row that is not an event: its kind and, when
 * it can be read, its actor. */
static json_t *
row_label(struct csv_events *ce, const struct csv_row *row)
{
	json_t *j = json_pack("{s:s}", "kind", ce->kind);

	if (j && ce->actor_column >= 0 && (size_t)ce->actor_column < row->n) {
		char *actor = (char *)row->fields[ce->actor_column];
		size_t len = trim(&actor, row->lens[ce->actor_column]);

		if (len && strcmp(quote(actor).text, actor) == 0)
			json_object_set_new(j, "actor", json_string(actor));
	}
	return j;
}

int
csv_events_next(struct csv_events *ce, json_t **out, size_t *line,
		char *problem, char *err)
{
	struct csv_row row;
	struct build b = { ce, &row, problem };
	json_t *event = NULL;
	int rc;

	*out = NULL;
	problem[0] = '\0';
	if (ce->n_columns == 0)
		return 0; /* an empty file */
	do {
		rc = csv_next(ce->csv, &row);
		if (rc < 0)
			return say(err, "%s", csv_error(ce->csv));
		if (rc == 0)
			return 0;
	} while (blank(&row));
	*line = row.line;
	if (row.n != ce->n_columns) {
		say(problem, "the row has %zu fields, the header %zu%s", row.n,
		    ce->n_columns,
		    row.n > ce->n_columns && csv_separator(ce->csv) == ';'
			    ? " (a cell that holds ';', a list of lots, is "
			      "quoted)"
			    : "");
		goto refused;
	}
	if (ce->kind_column >= 0) {
		char *kind = (char *)row.fields[ce->kind_column];

		if (trim(&kind, row.lens[ce->kind_column]) &&
		    strcmp(kind, ce->kind) != 0) {
			say(problem,
			    "column 'kind': '%s', but the file is read as "
			    "%s rows (--csv %s)",
			    quote(kind).text, ce->kind, ce->kind);
			goto refused;
		}
	}
	if (shape_value(&b, &ce->root, 0, &event))
		goto refused;
	if (!event && !(event = json_object()))
		return say(err, "out of memory");
	if (json_object_set_new(event, "kind", json_string(ce->kind))) {
		json_decref(event);
		return say(err, "out of memory");
	}
	*out = event;
	return 1;
refused:
	/* Top-level members are set before any that fails, so shape_value
	 * leaves nothing behind; the row is reported, not logged. */
	if (!(*out = row_label(ce, &row)))
		return say(err, "out of memory");
	return 1;
}
