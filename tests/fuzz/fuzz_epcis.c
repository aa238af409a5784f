/* Fuzz target: an EPCIS document, each event's CBV 2.0 hash and its
 * mapping to paxta event JSON. */
#include <stdint.h>
#include <stdlib.h>

#include "paxta/epcis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct px_refusal r;
	json_t *doc = NULL, *events, *context, *x;
	size_t i;

	if (px_epcis_parse(&doc, &events, &context, (const char *)data, size,
			   &r) != PX_OK)
		return 0;
	json_array_foreach(events, i, x)
	{
		char id[PX_EPCIS_ID_TEXT];
		char *pre = NULL;
		json_t *ev = NULL;

		(void)px_epcis_event_id(id, &pre, x, context);
		free(pre);
		if (px_epcis_to_event(&ev, x, &r) == PX_OK)
			json_decref(ev);
	}
	json_decref(doc);
	return 0;
}
