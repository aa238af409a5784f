/* Fuzz target: a log leaf — the signed envelope, then its Entry. */
#include <stdint.h>
#include <stdlib.h>

#include "paxta/entry.h"
#include "paxta/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct px_signed_entry env;
	Paxta__Entry *e = NULL;
	json_t *j;

	if (px_entry_open(&env, data, size) != PX_OK)
		return 0;
	(void)px_entry_check(&env);
	if (px_entry_body_decode(&e, env.payload, env.payload_len) == PX_OK) {
		/* What a node prints of any entry it could be sent. */
		j = px_event_from_entry(e);
		json_decref(j);
		px_entry_body_free(e);
	}
	px_entry_close(&env);
	return 0;
}
