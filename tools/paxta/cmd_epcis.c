/* paxta export --epcis, paxta import --epcis: GS1 EPCIS 2.0 documents
 * (docs/epcis.md). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "paxta/epcis.h"

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

/* The options of paxta export beside --data and --node. */
struct export_args {
	int epcis, all;
	const char *from, *to, *out;
};

static int
take_export(void *ctx, int opt, const char *arg)
{
	struct export_args *a = ctx;

	switch (opt) {
	case 'e':
		a->epcis = 1;
		break;
	case 'a':
		a->all = 1;
		break;
	case 'f':
		a->from = arg;
		break;
	case 't':
		a->to = arg;
		break;
	case 'o':
		a->out = arg;
		break;
	default:
		return usage_error("export", "unknown option");
	}
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
		{ 0 },
	};
	struct export_args a = { 0 };
	const struct cli_parser p = {
		.cmd = "export",
		.help = export_help,
		.shortopts = "h",
		.flags = CLI_SOURCE | CLI_CHECK_LATER,
		.own = opts,
		.take = take_export,
		.ctx = &a,
	};
	struct cli_common c;
	struct px_epcis_select sel = { 0 };
	struct backend *b = NULL;
	json_t *doc = NULL;
	int status;

	if ((status = parse_options(&p, argc, argv, &c)) != 0)
		return status < 0 ? 0 : status;
	if (!a.epcis)
		return usage_error("export", "give --epcis (the only format)");
	if (!a.out)
		return usage_error("export", "give --out FILE");
	if ((status = check_source(&p, &c)) != 0)
		return status;
	if (argc - optind == 1 && !a.all && !a.from && !a.to) {
		sel.lot = argv[optind];
	} else if (argc - optind == 0 && a.all && !a.from && !a.to) {
		sel.to = UINT64_MAX;
	} else if (argc - optind == 0 && !a.all && a.from && a.to) {
		if (parse_u64(a.from, &sel.from) || parse_u64(a.to, &sel.to) ||
		    sel.from > sel.to)
			return usage_error("export", "--from N --to M: "
						     "indexes, N <= M");
	} else {
		return usage_error("export", "give one LOT, --all, or --from "
					     "N --to M");
	}
	if ((status = backend_open(&b, &c, BACKEND_READ)) != 0)
		goto out;
	if ((status = b->ops->epcis(b, &sel, &doc)) != 0) {
		/* EXIT_NO stays: there is no such lot, the answer is no. */
		backend_fail(b);
		goto out;
	}
	if ((status = write_doc(doc, a.out)) != 0)
		goto out;
	if (strcmp(a.out, "-") != 0)
		printf("%zu EPCIS events written to %s\n",
		       json_array_size(json_object_get(
			       json_object_get(doc, "epcisBody"), "eventList")),
		       a.out);
out:
	json_decref(doc);
	backend_close(b);
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

/* The options of paxta import: --epcis FILE, and paxta submit's --keys. */
struct import_args {
	struct submit_opts o;
	const char *path;
};

static int
take_import(void *ctx, int opt, const char *arg)
{
	struct import_args *a = ctx;

	if (opt == 'e')
		a->path = arg;
	else if (opt != 'K' || submit_option(&a->o, opt, arg))
		return usage_error("import", "unknown option");
	return 0;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "epcis", required_argument, NULL, 'e' },
		{ "keys", required_argument, NULL, 'K' },
		{ 0 },
	};
	struct import_args ia = { 0 };
	struct submit_opts *o = &ia.o;
	const struct cli_parser p = {
		.cmd = "import",
		.help = import_help,
		.shortopts = "h",
		.flags = CLI_JSON | CLI_SOURCE | CLI_CHECK_LATER,
		.own = opts,
		.take = take_import,
		.ctx = &ia,
	};
	const char *path;
	struct event_reader *reader = NULL;
	struct px_refusal r = { 0 };
	json_t *doc = NULL, *list, *context, *events = NULL, *labels = NULL;
	json_t *x, *skipped = NULL, *numbers = NULL;
	size_t len, i, left_out = 0;
	char *text = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_options(&p, argc, argv, &o->c)) != 0)
		return rc < 0 ? 0 : rc;
	path = ia.path;
	if (!path || !o->keydir || argc != optind)
		return usage_error("import", "give --epcis FILE and --keys "
					     "KEYDIR");
	if ((rc = check_source(&p, &o->c)) != 0)
		return rc;
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
			if (o->c.json)
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
	if (o->c.json && json_array_size(skipped)) {
		/* Those left out first, on stderr: stdout keeps the one
		 * JSON answer of the submit. */
		json_dumpf(skipped, stderr, JSON_INDENT(2));
		fputc('\n', stderr);
	}
	if (json_array_size(events) == 0) {
		if (!o->c.json)
			printf("0 logged, 0 already logged, %zu refused\n",
			       left_out);
		status = left_out ? EXIT_NO : 0;
		goto out;
	}
	o->labels = labels;
	if (event_reader_from_array(&reader, path, events, numbers))
		goto out;
	status = submit_events(o, &reader, (const char *const *)&path, 1);
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
