/* Fuzz target: an event as JSON, and back. */
#include <stdint.h>
#include <stdlib.h>

#include "paxta/event.h"
#include "paxta/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct px_event *ev = NULL;
	struct px_refusal r;
	char *text;

	if (px_event_parse_text(&ev, (const char *)data, size, &r) == PX_OK) {
		json_t *j = px_event_from_entry(ev->entry);

		json_decref(j);
		px_event_free(ev);
	}
	/* The scalar parsers on the same bytes as text. */
	text = malloc(size + 1);
	if (text) {
		int64_t t;
		uint64_t g;

		for (size_t i = 0; i < size; i++)
			text[i] = data[i] ? (char)data[i] : ' ';
		text[size] = '\0';
		(void)px_parse_time(&t, text);
		(void)px_parse_kg(&g, text);
		free(text);
	}
	return 0;
}
