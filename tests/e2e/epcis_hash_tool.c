/*
 * px-epcis-hash DOC: the eventID paxta computes (px_epcis_event_id, the
 * CBV 2.0 event hash) of every event of an EPCIS document, one a line in
 * the document's order; "-" for an event it does not hash. With -v, each
 * event's pre-hash string goes to stderr. tests/e2e/epcis.sh compares these
 * with the hashes of GS1 Europe's epcis2.js (tests/e2e/epcis_hash.js).
 * Exit status 0, 2 on usage errors or a document it cannot read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paxta/epcis.h"

int
main(int argc, char **argv)
{
	int verbose = argc == 3 && strcmp(argv[1], "-v") == 0;
	const char *path = argv[argc - 1];
	json_error_t err;
	json_t *doc, *list, *context, *ev;
	size_t i;
	int rc = 0;

	if (argc != 2 && !verbose) {
		fputs("usage: px-epcis-hash [-v] DOC\n", stderr);
		return 2;
	}
	if (!(doc = json_load_file(path, 0, &err))) {
		fprintf(stderr, "px-epcis-hash: '%s': %s\n", path, err.text);
		return 2;
	}
	context = json_object_get(doc, "@context");
	list = json_object_get(json_object_get(doc, "epcisBody"), "eventList");
	if (!json_is_array(list)) {
		fprintf(stderr, "px-epcis-hash: '%s': no epcisBody.eventList\n",
			path);
		rc = 2;
		goto out;
	}
	json_array_foreach(list, i, ev)
	{
		char id[PX_EPCIS_ID_TEXT];
		char *pre = NULL;

		if (px_epcis_event_id(id, &pre, ev, context) != PX_OK) {
			puts("-");
			continue;
		}
		puts(id);
		if (verbose)
			fprintf(stderr, "%zu %s\n", i, pre);
		free(pre);
	}
out:
	json_decref(doc);
	return rc;
}
