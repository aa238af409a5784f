/* paxta — a logged entry as the node serves it and the CLI prints it. */
#include <stdlib.h>

#include "paxta/event.h"
#include "paxta/units.h"

json_t *
px_event_logged(const struct px_entry *e, uint64_t index)
{
	char leaf[2 * PX_HASH_LEN + 1], entry[2 * PX_HASH_LEN + 1];
	char recorded[PX_TIME_TEXT], *b64 = NULL, *sent = NULL;
	json_t *ev = NULL, *j = NULL;

	if (!e->logged || !(e->done & PX_ENTRY_HASH) || !e->body)
		return NULL;
	if (px_base64_encode(&b64, e->leaf, e->leaf_len) != PX_OK ||
	    px_base64_encode(&sent, e->signed_entry, e->signed_len) != PX_OK ||
	    !(ev = px_event_from_entry(e->body)))
		goto out;
	px_hex_encode(leaf, e->leaf_hash.b, PX_HASH_LEN);
	px_hex_encode(entry, e->entry_hash.b, PX_HASH_LEN);
	px_format_time(recorded, e->accepted_at);
	j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:O}", "index",
		      (json_int_t)index, "leaf_hash", leaf, "entry_hash", entry,
		      "recorded", recorded, "leaf", b64, "signed_entry", sent,
		      "entry", ev);
	/* With its signature checked, say what the check found. */
	if (j && (e->done & PX_ENTRY_VERIFY) &&
	    json_object_set_new(j, "signature_valid",
				json_boolean(e->status == PX_OK)) != 0) {
		json_decref(j);
		j = NULL;
	}
out:
	json_decref(ev);
	free(b64);
	free(sent);
	return j;
}
