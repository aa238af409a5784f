/*
 * The CSV reader of paxta submit --csv (tools/paxta/csv.c): RFC 4180
 * quoting, line breaks inside quotes, CRLF and lone CR, a byte order mark,
 * empty fields, the caps; and rows as events (csv_event.c): dotted paths,
 * lists in a cell, numbers with a decimal point or comma, ragged rows, a
 * header that cannot be one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* A FILE over text[0..len) (fmemopen: the reader sees a file). */
static FILE *
text_file(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "rb");

	assert_non_null(f);
	return f;
}

/* Read every record of text; each record joined as "a|b|c" into out[],
 * with its line. Returns the number of records, or -1 (error copied). */
static int
records(const char *text, size_t len, char out[][256], size_t *lines,
	char *error)
{
	FILE *f = text_file(text, len);
	struct csv_reader *r = csv_new(f);
	struct csv_row row;
	int n = 0, rc;

	assert_non_null(r);
	while ((rc = csv_next(r, &row)) == 1) {
		size_t o = 0;

		assert_true(n < 16);
		for (size_t i = 0; i < row.n; i++) {
			assert_int_equal(strlen(row.fields[i]), row.lens[i]);
			o += (size_t)snprintf(out[n] + o, 256 - o, "%s%s",
					      i ? "|" : "", row.fields[i]);
		}
		lines[n++] = row.line;
	}
	if (rc < 0)
		snprintf(error, 256, "%s", csv_error(r));
	csv_free(r);
	fclose(f);
	return rc < 0 ? -1 : n;
}

#define RECORDS(text) records(text, sizeof(text) - 1, rec, lines, error)

static void
test_quotes_and_line_breaks(void **state)
{
	char rec[16][256], error[256] = "";
	size_t lines[16];

	(void)state;
	/* Quoted separators, doubled quotes, a line break inside quotes,
	 * CRLF records, an empty field, and no line break at the end. */
	assert_int_equal(RECORDS("a,b,c\r\n"
				 "\"x, y\",\"say \"\"hi\"\"\",\r\n"
				 "\"two\r\nlines\",,z\r\n"
				 "last,1,2"),
			 4);
	assert_string_equal(rec[0], "a|b|c");
	assert_string_equal(rec[1], "x, y|say \"hi\"|");
	assert_string_equal(rec[2], "two\r\nlines||z");
	assert_string_equal(rec[3], "last|1|2");
	assert_int_equal(lines[0], 1);
	assert_int_equal(lines[1], 2);
	assert_int_equal(lines[2], 3);
	assert_int_equal(lines[3], 5); /* the quoted break took a line */

	/* LF alone, a lone CR (old Mac sheets), a blank line, an empty
	 * quoted field, a quote inside an unquoted field kept as is. */
	assert_int_equal(RECORDS("a,b\nc,d\re,f\n\n\"\",5 \"in\"\n"), 5);
	assert_string_equal(rec[1], "c|d");
	assert_string_equal(rec[2], "e|f");
	assert_string_equal(rec[3], "");
	assert_string_equal(rec[4], "|5 \"in\"");
	assert_int_equal(lines[2], 3);
	assert_int_equal(lines[4], 5);
}

static void
test_separators_and_bom(void **state)
{
	char rec[16][256], error[256] = "";
	size_t lines[16];

	(void)state;
	/* Excel's "CSV UTF-8": a byte order mark first, dropped. */
	assert_int_equal(RECORDS("\xef\xbb\xbf"
				 "lot,kg\r\nA,1\r\n"),
			 2);
	assert_string_equal(rec[0], "lot|kg");
	/* Something that only starts like a mark is data. */
	assert_int_equal(RECORDS("\xef\xbb"
				 "x,y\n"),
			 1);
	assert_string_equal(rec[0], "\xef\xbb"
				    "x|y");
	/* ';' (a decimal-comma locale): commas are data then. */
	assert_int_equal(RECORDS("lot;kg\nA;225,2\n\"B;2\";1\n"), 3);
	assert_string_equal(rec[1], "A|225,2");
	assert_string_equal(rec[2], "B;2|1");
	/* Tabs. */
	assert_int_equal(RECORDS("lot\tkg\nA\t1,5\n"), 2);
	assert_string_equal(rec[1], "A|1,5");
	/* An empty file: no records. */
	assert_int_equal(RECORDS(""), 0);
}

static void
test_not_csv(void **state)
{
	char rec[16][256], error[256] = "";
	size_t lines[16];
	char *big;
	size_t n;

	(void)state;
	assert_int_equal(RECORDS("a,b\n\"open,2\nmore\n"), -1);
	assert_non_null(strstr(error, "a quoted field from line 2 never ends"));
	assert_int_equal(RECORDS("a,b\n\"x\"y,2\n"), -1);
	assert_non_null(strstr(error, "line 2: 'y' after a closing quote"));
	assert_int_equal(records("a,b\nc\0d,e\n", 10, rec, lines, error), -1);
	assert_non_null(strstr(error, "line 2: a NUL byte"));

	/* A field one byte over the cap; one at the cap is read. */
	n = CSV_FIELD_MAX + 1;
	big = malloc(n + 2);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big + n, "\n", 2);
	assert_int_equal(records(big, n + 1, rec, lines, error), -1);
	assert_non_null(strstr(error, "line 1: a field longer than"));
	assert_int_equal(records(big + 1, n, rec, lines, error), 1);
	free(big);

	/* A row over the cap in many small fields, and too many fields. */
	n = CSV_ROW_MAX + 10;
	big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 1000 == 999 ? ',' : 'y';
	assert_int_equal(records(big, n, rec, lines, error), -1);
	assert_non_null(strstr(error, "a row longer than"));
	memset(big, ',', CSV_FIELDS_MAX + 1);
	assert_int_equal(records(big, CSV_FIELDS_MAX + 1, rec, lines, error),
			 -1);
	assert_non_null(strstr(error, "more than 1024 fields"));
	free(big);
}

/* ---- rows as events ---- */

struct rows {
	FILE *f;
	struct csv_events *ce;
	char err[CSV_ERROR_MAX];
};

static int
open_rows(struct rows *r, const char *kind, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->f = text_file(text, strlen(text));
	return csv_events_open(&r->ce, r->f, kind, r->err);
}

static void
close_rows(struct rows *r)
{
	csv_events_free(r->ce);
	fclose(r->f);
}

/* The next row as compact JSON (malloc'd), its line and problem. */
static char *
next_row(struct rows *r, size_t *line, char *problem)
{
	json_t *ev = NULL;
	char *text;

	assert_int_equal(csv_events_next(r->ce, &ev, line, problem, r->err), 1);
	text = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(ev);
	assert_non_null(text);
	return text;
}

static void
expect_row(struct rows *r, size_t want_line, const char *want_json)
{
	char problem[CSV_ERROR_MAX];
	size_t line = 0;
	char *text = next_row(r, &line, problem);

	if (problem[0])
		fail_msg("line %zu: %s", line, problem);
	assert_string_equal(text, want_json);
	assert_int_equal(line, want_line);
	free(text);
}

static void
expect_problem(struct rows *r, size_t want_line, const char *want_json,
	       const char *want_problem)
{
	char problem[CSV_ERROR_MAX];
	size_t line = 0;
	char *text = next_row(r, &line, problem);

	if (!strstr(problem, want_problem))
		fail_msg("line %zu: want '%s', got '%s'", line, want_problem,
			 problem);
	assert_string_equal(text, want_json);
	assert_int_equal(line, want_line);
	free(text);
}

static void
expect_end(struct rows *r)
{
	char problem[CSV_ERROR_MAX];
	json_t *ev = NULL;
	size_t line;

	assert_int_equal(csv_events_next(r->ce, &ev, &line, problem, r->err),
			 0);
	assert_null(ev);
}

static void
test_rows_as_events(void **state)
{
	struct rows r;

	(void)state;
	/* Harvests: numbers typed, an empty cell left out, spaces around
	 * values dropped, a blank row and a row of separators skipped. */
	assert_int_equal(open_rows(&r, "harvest",
				   "actor,lot,kg,season,field\r\n"
				   "f.1, A-1 ,12000,2026,\"North, canal\"\r\n"
				   "\r\n"
				   ",,,,\r\n"
				   "f.1,A-2,225.25,2026,\r\n"
				   "f.1,A-3,22x,2026,\r\n"
				   "f.1,A-4,1,2026\r\n"
				   "f.1,A-5,1,20.5,\r\n"
				   "f.1,A-6,1,2026,,extra\r\n"),
			 0);
	expect_row(&r, 2,
		   "{\"actor\":\"f.1\",\"field\":\"North, canal\",\"kg\":12000,"
		   "\"kind\":\"harvest\",\"lot\":\"A-1\",\"season\":2026}");
	expect_row(&r, 5,
		   "{\"actor\":\"f.1\",\"kg\":225.25,\"kind\":\"harvest\","
		   "\"lot\":\"A-2\",\"season\":2026}");
	expect_problem(&r, 6, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "column 'kg': '22x' is not a number");
	expect_problem(&r, 7, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "the row has 4 fields, the header 5");
	expect_problem(&r, 8, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "column 'season': '20.5' is not a whole number");
	expect_problem(&r, 9, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "the row has 6 fields, the header 5");
	expect_end(&r);
	close_rows(&r);

	/* A transfer: lots in one cell, documents by dotted paths (their
	 * numbers only order them), a decimal comma in a ';' file. */
	assert_int_equal(open_rows(&r, "transfer",
				   "kind;actor;to;shipment;lots;"
				   "documents.2.type;documents.2.number;"
				   "documents.1.type;documents.1.number\n"
				   "transfer;g.1;s.1;WB-1;\"PBI-1:225,2; "
				   "PBI-2:226;\";waybill;W-1;invoice;I-9\n"
				   ";g.1;s.1;WB-2;PBI-3:1;;;;\n"
				   "receive;g.1;s.1;WB-3;PBI-4:1;;;;\n"
				   "transfer;g.1;s.1;WB-4;PBI-4;;;;\n"
				   "transfer;g.1;s.1;WB-5;PBI-4:1.5;;;;\n"),
			 0);
	expect_row(&r, 2,
		   "{\"actor\":\"g.1\",\"documents\":[{\"number\":\"I-9\","
		   "\"type\":\"invoice\"},{\"number\":\"W-1\",\"type\":"
		   "\"waybill\"}],\"kind\":\"transfer\",\"lots\":[{\"kg\":"
		   "225.19999999999999,\"lot\":\"PBI-1\"},{\"kg\":226,\"lot\":"
		   "\"PBI-2\"}],\"shipment\":\"WB-1\",\"to\":\"s.1\"}");
	expect_row(&r, 3,
		   "{\"actor\":\"g.1\",\"kind\":\"transfer\",\"lots\":[{\"kg\":"
		   "1,\"lot\":\"PBI-3\"}],\"shipment\":\"WB-2\",\"to\":"
		   "\"s.1\"}");
	expect_problem(&r, 4, "{\"actor\":\"g.1\",\"kind\":\"transfer\"}",
		       "column 'kind': 'receive', but the file is read as "
		       "transfer rows");
	expect_problem(&r, 5, "{\"actor\":\"g.1\",\"kind\":\"transfer\"}",
		       "column 'lots': item 1 'PBI-4' is not LOT:KG");
	/* In a ';' file a point is a decimal point too. */
	expect_row(&r, 6,
		   "{\"actor\":\"g.1\",\"kind\":\"transfer\",\"lots\":[{\"kg\":"
		   "1.5,\"lot\":\"PBI-4\"}],\"shipment\":\"WB-5\",\"to\":"
		   "\"s.1\"}");
	expect_end(&r);
	close_rows(&r);

	/* A transform: outputs LOT:KG:PRODUCT, a lot id with a colon;
	 * lines by dotted paths too; a comma is not a decimal sign in a ','
	 * file; text that is not UTF-8. */
	assert_int_equal(open_rows(&r, "transform",
				   "actor,process,inputs,outputs,"
				   "outputs.0.lot\n"),
			 -1);
	assert_non_null(strstr(r.err, "columns 'outputs' and "
				      "'outputs.0.lot' both give 'outputs'"));
	close_rows(&r);
	assert_int_equal(open_rows(&r, "transform",
				   "actor,process,inputs,outputs,field\n"
				   "g.1,ginning,UZ:A-1:1000,PBI-9:227:lint;"
				   "S-1:600:cottonseed,\n"
				   "g.1,ginning,\"A-1:1,5\",PBI-9:2:lint,\n"
				   "g.1,ginning,A-1:1,PBI-9:2,\n"
				   "g.1,ginning,A-1:1,PBI-9:2:lint,\xff\xfe\n"),
			 0);
	expect_row(&r, 2,
		   "{\"actor\":\"g.1\",\"inputs\":[{\"kg\":1000,\"lot\":"
		   "\"UZ:A-1\"}],\"kind\":\"transform\",\"outputs\":[{\"kg\":"
		   "227,\"lot\":\"PBI-9\",\"product\":\"lint\"},{\"kg\":600,"
		   "\"lot\":\"S-1\",\"product\":\"cottonseed\"}],\"process\":"
		   "\"ginning\"}");
	expect_problem(&r, 3, "{\"actor\":\"g.1\",\"kind\":\"transform\"}",
		       "column 'inputs': item 1: '1,5' is not a number");
	expect_problem(&r, 4, "{\"actor\":\"g.1\",\"kind\":\"transform\"}",
		       "is not LOT:KG:PRODUCT");
	expect_problem(&r, 5, "{\"actor\":\"g.1\",\"kind\":\"transform\"}",
		       "column 'field' is not UTF-8 text");
	expect_end(&r);
	close_rows(&r);
}

/* What a message quotes of a cell stays short, one line, valid UTF-8. */
static void
test_quoted_cells(void **state)
{
	char text[512], problem[CSV_ERROR_MAX];
	struct rows r;
	json_t *ev = NULL;
	size_t line;

	(void)state;
	snprintf(text, sizeof(text),
		 "kind,actor,kg\n"
		 "h\xff\x01,f.1,1\n"
		 "harvest,\"f\rx\",%s\xd0\x9b\n"
		 "harvest,f.1,1;2\n",
		 "123456789012345678901234567890123456789012345678");
	assert_int_equal(open_rows(&r, "harvest", text), 0);
	expect_problem(&r, 2, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "column 'kind': 'h?"
		       "?', but the file is read as harvest");
	/* A cut between characters, and an actor that is not one line is
	 * not repeated in the report. */
	assert_int_equal(csv_events_next(r.ce, &ev, &line, problem, r.err), 1);
	assert_string_equal(problem,
			    "column 'kg': '12345678901234567890123456789012345"
			    "6789012345678\xe2\x80\xa6' is not a number");
	assert_null(json_object_get(ev, "actor"));
	json_decref(ev);
	expect_problem(&r, 4, "{\"actor\":\"f.1\",\"kind\":\"harvest\"}",
		       "column 'kg': '1;2' is not a number");
	expect_end(&r);
	close_rows(&r);
	/* In a ';' file, an unquoted list of lots is more cells than the
	 * header: the refusal says what to do. */
	assert_int_equal(open_rows(&r, "transfer", "actor;lots\ng.1;A:1;B:2\n"),
			 0);
	expect_problem(&r, 2, "{\"actor\":\"g.1\",\"kind\":\"transfer\"}",
		       "the row has 3 fields, the header 2 (a cell that holds "
		       "';', a list of lots, is quoted)");
	close_rows(&r);
}

static void
test_bad_headers(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "actor,,kg\n", "line 1: column 2 has no name" },
		{ "actor,kg,kg\n", "column 'kg' appears twice" },
		{ "actor,lot id\n", "column 'lot id' is not a field name" },
		{ "actor,0.lot\n", "column '0.lot' is not a field name" },
		{ "actor,lots.\n", "column 'lots.' is not a field name" },
		{ "actor,lots.12345.kg\n", "is not a field name" },
		{ "lots.0.kg,lots.x\n", "makes a list of what another column "
					"makes an object" },
		{ "lots.0,lots.0.kg\n", "columns 'lots.0' and 'lots.0.kg' both "
					"give 'lots.0'" },
		{ "a,\"b\"x\n", "after a closing quote" },
	};
	struct rows r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(open_rows(&r, "harvest", cases[i].text), -1);
		if (!strstr(r.err, cases[i].want))
			fail_msg("%s: want '%s', got '%s'", cases[i].text,
				 cases[i].want, r.err);
		close_rows(&r);
	}
	/* An empty file: no events, no error. */
	assert_int_equal(open_rows(&r, "harvest", ""), 0);
	expect_end(&r);
	close_rows(&r);
	/* A row that stops being CSV stops the file. */
	assert_int_equal(open_rows(&r, "harvest", "actor,lot\nf,\"A\n"), 0);
	{
		char problem[CSV_ERROR_MAX];
		json_t *ev = NULL;
		size_t line;

		assert_int_equal(
			csv_events_next(r.ce, &ev, &line, problem, r.err), -1);
		assert_non_null(strstr(r.err, "never ends"));
	}
	close_rows(&r);
	assert_true(csv_kind_ok("receive"));
	assert_false(csv_kind_ok("void"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes_and_line_breaks),
		cmocka_unit_test(test_separators_and_bom),
		cmocka_unit_test(test_not_csv),
		cmocka_unit_test(test_rows_as_events),
		cmocka_unit_test(test_quoted_cells),
		cmocka_unit_test(test_bad_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
