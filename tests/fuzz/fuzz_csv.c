/*
 * Fuzz target: a CSV file as paxta submit --csv reads it (tools/paxta/
 * csv.c, csv_event.c): the first byte picks the kind, the rest is the
 * file; every record, then every row as an event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = { "harvest", "transfer", "receive",
				     "transform" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CSV_ERROR_MAX], problem[CSV_ERROR_MAX];
	struct csv_events *ce = NULL;
	struct csv_reader *r;
	struct csv_row row;
	const char *kind;
	json_t *ev;
	size_t line;
	FILE *f;
	int rc;

	if (size == 0)
		return 0;
	kind = kinds[data[0] % 4];
	data++;
	size--;
	/* fmemopen of 0 bytes is EINVAL on some libcs: an empty file is
	 * read from a 1-byte buffer of which 0 bytes are given. */
	f = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "rb");
	if (!f)
		return 0;
	if (!size)
		fseek(f, 1, SEEK_SET);
	/* The records. */
	if ((r = csv_new(f))) {
		while ((rc = csv_next(r, &row)) == 1)
			for (size_t i = 0; i < row.n; i++)
				if (strlen(row.fields[i]) != row.lens[i])
					abort();
		csv_free(r);
	}
	/* The rows as events. */
	rewind(f);
	if (!size)
		fseek(f, 1, SEEK_SET);
	if (csv_events_open(&ce, f, kind, err) == 0) {
		while ((rc = csv_events_next(ce, &ev, &line, problem, err)) ==
		       1) {
			char *text;

			if (!json_is_object(ev))
				abort();
			/* Every row is text JSON can carry. */
			text = json_dumps(ev, JSON_COMPACT);
			if (!text)
				abort();
			free(text);
			json_decref(ev);
		}
		csv_events_free(ce);
	}
	fclose(f);
	return 0;
}
