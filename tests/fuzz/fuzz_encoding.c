/*
 * Fuzz target: the UTF-8 validator and the string walk of encoding.c over
 * any bytes as an Entry. Invariants: a payload the wire walk passes and
 * protobuf-c decodes has only valid strings in the decoded message too;
 * px_utf8_valid agrees with stepping px_utf8_next; px_json_text always
 * gives a JSON string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"
#include "paxta/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct px_refusal r;
	Paxta__Entry *e = NULL;
	size_t pos = 0;
	uint32_t c;
	int wire, stepped = 1;
	char *text;
	json_t *j;

	wire = px_encoding_check_wire(&paxta__entry__descriptor, data, size,
				      &r);
	if (px_entry_body_decode(&e, data, size) == PX_OK) {
		if (wire == PX_OK &&
		    px_encoding_check_message(&e->base, &r) != PX_OK)
			abort();
		px_entry_body_free(e);
	}
	while (pos < size && stepped)
		stepped = px_utf8_next(&c, data, size, &pos);
	if (stepped != px_utf8_valid(data, size))
		abort();
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		j = px_json_text(text);
		if (!j || !json_is_string(j))
			abort();
		json_decref(j);
		free(text);
	}
	return 0;
}
