/* paxta export --epcis, paxta import --epcis: GS1 EPCIS 2.0 documents
 * (docs/epcis.md). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paxta/epcis.h"
#include "paxta/store.h"

static const char export_help[] =
	"usage: paxta export --epcis (LOT | --all | --from N --to M) --out "
	"FILE\n                    (--data DIR | --node URL)\n\n"
	"Write one GS1 EPCIS 2.0 document (JSON-LD) of the ledger's events: "
	"the history\nof LOT (every harvest, transform, transfer, receive and "
	"lab result of it and\nof the lots it was made from, and the monitors' "
	"statements on its origins and\nfacilities), every entry (--all), or "
	"the entries with index N to M. Harvests\nare commissioning "
	"ObjectEvents, transforms TransformationEvents, transfers and\n"
	"receives shipping and receiving ObjectEvents, statements and lab "
	"results\ninspecting ObjectEvents; kg as quantities in KGM. Each event "
	"carries its\nCBV 2.0 event hash as eventID and the entry's index and "
	"leaf hash\n(paxta:index, paxta:leafHash). Entries without an EPCIS "
	"meaning (actors,\nkeys, district maps, voids) are left out. "
	"docs/epcis.md has the mapping.\n\n"
	"  --epcis         the format (the only one)\n"
	"  --all           every entry\n"
	"  --from N --to M entries N to M (inclusive)\n"
	"  --out FILE      where the document goes ('-': stdout)\n"
	"  --data DIR      the ledger in DIR\n"
	"  --node URL      the paxtad node at URL (GET /v1/epcis/events)\n";

static int
write_doc(json_t *doc, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int bad;

	if (!f)
		return fail("cannot write '%s': %s", path, strerror(errno));
	bad = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	bad |= fputc('\n', f) == EOF;
	bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad)
		return fail("cannot write '%s'", path);
	return 0;
}

/* The node answers a range in pages of EPCIS_PAGE entries
 * (docs/api.md): ask page by page up to the log's size, one document. */
#define EPCIS_PAGE 10000

static int
node_range(struct node *node, json_t **out, uint64_t from, uint64_t to)
{
	json_t *log = NULL, *doc = NULL, *page = NULL, *list;
	uint64_t size;
	int rc;

	*out = NULL;
	if ((rc = node_get_json(node, &log, "/v1/log")))
		return rc;
	if (!json_is_integer(json_object_get(log, "size")) ||
	    json_integer_value(json_object_get(log, "size")) < 1) {
		json_decref(log);
		return node_bad_answer(node, "a log without a size");
	}
	size = (uint64_t)json_integer_value(json_object_get(log, "size"));
	json_decref(log);
	if (to > size - 1)
		to = size - 1;
	if (to < from)
		to = from; /* past the end: the node answers no events */
	for (uint64_t at = from;; at += EPCIS_PAGE) {
		uint64_t last = to - at < EPCIS_PAGE ? to : at + EPCIS_PAGE - 1;
		json_t *events;

		if ((rc = node_get_json(node, &page,
					"/v1/epcis/events?from=%" PRIu64
					"&to=%" PRIu64,
					at, last)))
			break;
		events = json_object_get(json_object_get(page, "epcisBody"),
					 "eventList");
		if (!json_is_array(events)) {
			rc = node_bad_answer(node, "something that is not an "
						   "EPCIS document");
			break;
		}
		if (!doc) {
			doc = page;
			page = NULL;
		} else {
			list = json_object_get(
				json_object_get(doc, "epcisBody"), "eventList");
			if (json_array_extend(list, events)) {
				rc = fail("out of memory");
				break;
			}
			json_decref(page);
			page = NULL;
		}
		if (last >= to)
			break;
	}
	json_decref(page);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "epcis", no_argument, NULL, 'e' },
		{ "all", no_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct px_epcis_select sel = { 0 };
	const char *out_path = NULL, *data = NULL, *url = NULL;
	const char *from = NULL, *to = NULL;
	int c, epcis = 0, all = 0, status = EXIT_ERROR, rc;
	struct px_ledger *l = NULL;
	struct px_txn *t = NULL;
	struct node *node = NULL;
	json_t *doc = NULL;
	char *lot = NULL;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			epcis = 1;
			break;
		case 'a':
			all = 1;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'd':
			data = optarg;
			break;
		case 'n':
			url = optarg;
			break;
		case 'h':
			fputs(export_help, stdout);
			return 0;
		default:
			return usage_error("export", "unknown option");
		}
	}
	if (!epcis)
		return usage_error("export", "give --epcis (the only format)");
	if (!out_path)
		return usage_error("export", "give --out FILE");
	if (!data == !url)
		return usage_error("export", "give --data DIR or --node URL");
	if (argc - optind == 1 && !all && !from && !to) {
		sel.lot = argv[optind];
	} else if (argc - optind == 0 && all && !from && !to) {
		sel.to = UINT64_MAX;
	} else if (argc - optind == 0 && !all && from && to) {
		if (parse_u64(from, &sel.from) || parse_u64(to, &sel.to) ||
		    sel.from > sel.to)
			return usage_error("export", "--from N --to M: "
						     "indexes, N <= M");
	} else {
		return usage_error("export", "give one LOT, --all, or --from "
					     "N --to M");
	}
	if (url) {
		if (node_open(&node, url))
			goto out;
		if (sel.lot) {
			if (!(lot = node_escape(sel.lot))) {
				status = fail("out of memory");
				goto out;
			}
			rc = node_get_json(node, &doc,
					   "/v1/epcis/events?lot=%s", lot);
		} else {
			rc = node_range(node, &doc, sel.from, sel.to);
		}
		if (rc) {
			status = node_fail(node);
			goto out;
		}
		if (!json_is_object(doc) ||
		    !json_is_array(json_object_get(
			    json_object_get(doc, "epcisBody"), "eventList"))) {
			status = fail("node %s answered something that is not "
				      "an EPCIS document",
				      node_url(node));
			goto out;
		}
	} else {
		if (open_ledger(&l, data, PX_LEDGER_READONLY))
			goto out;
		if (px_ledger_read(l, &t) != PX_OK) {
			status = fail("cannot read the ledger");
			goto out;
		}
		rc = px_epcis_export(&doc, t, px_ledger_origin(l), &sel,
				     (int64_t)time(NULL));
		if (rc == PX_ENOTFOUND) {
			fprintf(stderr, "paxta: no lot '%s' in the ledger\n",
				sel.lot);
			status = EXIT_NO;
			goto out;
		}
		if (rc != PX_OK) {
			status = fail("cannot export: %s", px_strerror(rc));
			goto out;
		}
	}
	if (write_doc(doc, out_path))
		goto out;
	if (strcmp(out_path, "-") != 0)
		printf("%zu EPCIS events written to %s\n",
		       json_array_size(json_object_get(
			       json_object_get(doc, "epcisBody"), "eventList")),
		       out_path);
	status = 0;
out:
	free(lot);
	json_decref(doc);
	px_store_abort(t);
	px_ledger_close(l);
	node_close(node);
	return status;
}

/* ---- import ---- */

static const char import_help[] =
	"usage: paxta import --epcis FILE --keys KEYDIR (--data DIR | --node "
	"URL) [--json]\n\n"
	"Read a GS1 EPCIS 2.0 document (JSON-LD, an EPCISDocument or an "
	"EPCISQueryDocument,\nat most 64 MiB and 100000 events), map each "
	"event back to a paxta event and\nsign it with the key of the party it "
	"names (KEYDIR/ACTOR.key), then append\nthem as 'paxta submit' does: "
	"the ledger's rules decide. A refusal names the\nEPCIS event by its "
	"eventID (its CBV 2.0 event hash when it has none). An event\npaxta "
	"has no meaning for (another event type or business step) or one it "
	"cannot\nread (a quantity that is not kg, an identifier that is not a "
	"paxta URI) is\nreported and not imported; the others go on. Actors "
	"must be registered first:\nEPCIS events do not carry them. "
	"docs/epcis.md has the mapping.\n\n"
	"  --epcis FILE    the document\n"
	"  --keys KEYDIR   sign each event with KEYDIR/ACTOR.key\n"
	"  --data DIR      the ledger in DIR\n"
	"  --node URL      the paxtad node at URL\n"
	"  --json          one result per event, with its eventID\n\n"
	"Exit 0 when every event was logged (or had been), 1 when any was "
	"refused or\nleft out, 2 on errors.\n";

static char *
read_capped(const char *path, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, size = 1 << 16;

	if (!f)
		return NULL;
	if (!(buf = malloc(size)))
		goto fail;
	for (;;) {
		size_t got = fread(buf + n, 1, size - n, f);

		n += got;
		if (n > cap) {
			errno = EFBIG;
			goto fail;
		}
		if (got == 0)
			break;
		if (n == size) {
			char *nb = realloc(buf, size * 2);

			if (!nb)
				goto fail;
			buf = nb;
			size *= 2;
		}
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "epcis", required_argument, NULL, 'e' },
		{ "keys", required_argument, NULL, 'K' },
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct submit_opts o = { 0 };
	const char *path = NULL;
	struct event_reader *reader = NULL;
	struct px_refusal r = { 0 };
	json_t *doc = NULL, *list, *context, *events = NULL, *labels = NULL;
	json_t *x, *skipped = NULL, *numbers = NULL;
	size_t len, i, left_out = 0;
	char *text = NULL;
	int c, rc, status = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			path = optarg;
			break;
		case 'K':
			o.keydir = optarg;
			break;
		case 'd':
			o.data = optarg;
			break;
		case 'n':
			o.node = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			fputs(import_help, stdout);
			return 0;
		default:
			return usage_error("import", "unknown option");
		}
	}
	if (!path || !o.keydir || argc != optind)
		return usage_error("import", "give --epcis FILE and --keys "
					     "KEYDIR");
	if (!o.data == !o.node)
		return usage_error("import", "give --data DIR or --node URL");
	if (!(text = read_capped(path, PX_EPCIS_DOC_MAX, &len))) {
		status = fail(errno == EFBIG ? "'%s' is over the 64 MiB cap "
					       "of an EPCIS document"
					     : "cannot read '%s'",
			      path);
		goto out;
	}
	rc = px_epcis_parse(&doc, &list, &context, text, len, &r);
	if (rc == PX_ETOOLARGE) {
		status = fail("'%s' holds more than %d events", path,
			      PX_EPCIS_EVENTS_MAX);
		goto out;
	}
	if (rc != PX_OK) {
		status = fail("%s: %s", path, r.message);
		goto out;
	}
	events = json_array();
	labels = json_array();
	skipped = json_array();
	numbers = json_array();
	if (!events || !labels || !skipped || !numbers) {
		status = fail("out of memory");
		goto out;
	}
	json_array_foreach(list, i, x)
	{
		const char *given =
			json_string_value(json_object_get(x, "eventID"));
		char id[PX_EPCIS_ID_TEXT + 24];
		json_t *ev = NULL;

		/* The event's name in every message: its eventID, else its
		 * CBV 2.0 hash, else its place in the document. */
		if (given)
			snprintf(id, sizeof(id), "%s", given);
		else if (px_epcis_event_id(id, NULL, x, context) != PX_OK)
			snprintf(id, sizeof(id), "event %zu", i + 1);
		if (json_array_append_new(labels, json_string(id))) {
			status = fail("out of memory");
			goto out;
		}
		rc = px_epcis_to_event(&ev, x, &r);
		if (rc == PX_ENOMEM) {
			status = fail("out of memory");
			goto out;
		}
		if (rc != PX_OK) {
			const char *code = r.code == PX_CODE_NONE
						   ? "unsupported"
						   : px_code_name(r.code);

			left_out++;
			if (o.json)
				json_array_append_new(
					skipped,
					json_pack("{s:s,s:I,s:s,s:s,s:s}",
						  "file", path, "event",
						  (json_int_t)(i + 1),
						  "eventID", id, "error", code,
						  "message", r.message));
			else
				fprintf(stderr,
					"refused: %s event '%s': %s: %s\n",
					path, id, code, r.message);
			continue;
		}
		if (json_array_append_new(events, ev) ||
		    json_array_append_new(numbers,
					  json_integer((json_int_t)(i + 1)))) {
			status = fail("out of memory");
			goto out;
		}
	}
	if (o.json && json_array_size(skipped)) {
		/* Those left out first, on stderr: stdout keeps the one
		 * JSON answer of the submit. */
		json_dumpf(skipped, stderr, JSON_INDENT(2));
		fputc('\n', stderr);
	}
	if (json_array_size(events) == 0) {
		if (!o.json)
			printf("0 logged, 0 already logged, %zu refused\n",
			       left_out);
		status = left_out ? EXIT_NO : 0;
		goto out;
	}
	o.labels = labels;
	if (event_reader_from_array(&reader, path, events, numbers))
		goto out;
	status = submit_events(&o, &reader, (const char *const *)&path, 1);
	if (status == 0 && left_out)
		status = EXIT_NO;
out:
	event_reader_close(reader);
	json_decref(skipped);
	json_decref(numbers);
	json_decref(events);
	json_decref(labels);
	json_decref(doc);
	free(text);
	return status;
}
