/*
 * paxta report: a lot's evidence report (docs/report.md) into an HTML
 * file, made here from a ledger folder with the html library paxtad
 * serves it with, or as the node at URL makes it (GET
 * /lots/{id}/report).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paxta/error.h"
#include "paxta/html.h"
#include "paxta/ledger.h"

/* A report is text and tables, the chart capped: a node's answer larger
 * than this is not one. */
#define REPORT_MAX ((size_t)64 << 20)

static const char report_help[] =
	"usage: paxta report LOT --out FILE.html [--lang en|uz|ru] [--at SIZE]"
	"\n                    (--data DIR | --node URL)\n\n"
	"Write LOT's evidence report: one HTML file for print (A4), in the "
	"sections of\n"
	"a UFLPA applicability review — the verdict, every party, a flow "
	"chart from\n"
	"the farms, the origins, every shipment with its documents, every "
	"transform\n"
	"with its yield, the monitors' statements and lab results, and how "
	"to check\n"
	"it all with the proof bundle (its SHA-256 and the commands). Print "
	"it to PDF\n"
	"with any browser (docs/report.md).\n\n"
	"  --out FILE   where to write it (replaced if it exists)\n"
	"  --lang L     en (default), uz (Uzbek, Latin script) or ru\n"
	"  --at SIZE    as of the signed checkpoint of SIZE entries (default: "
	"the latest)\n"
	"  --data DIR   from the ledger in DIR\n"
	"  --node URL   as the paxtad node at URL makes it\n";

enum {
	OPT_NODE = 256,
	OPT_OUT,
	OPT_LANG,
	OPT_AT,
};

struct report_args {
	const char *data, *node, *out, *lot;
	enum px_lang lang;
	uint64_t at;
};

static int
parse(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "at", required_argument, NULL, OPT_AT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->data = optarg;
			break;
		case OPT_NODE:
			a->node = optarg;
			break;
		case OPT_OUT:
			a->out = optarg;
			break;
		case OPT_LANG:
			if (px_lang_parse(&a->lang, optarg))
				return usage_error("report",
						   "--lang takes en, uz or ru");
			break;
		case OPT_AT:
			if (parse_u64(optarg, &a->at) || a->at == 0)
				return usage_error("report",
						   "--at takes a tree size (a "
						   "number of entries)");
			break;
		case 'h':
			fputs(report_help, stdout);
			return -1;
		default:
			return usage_error("report", "unknown option");
		}
	}
	if (!a->data == !a->node)
		return usage_error("report", "give --data DIR or --node URL");
	if (!a->out)
		return usage_error("report", "give --out FILE.html");
	if (argc - optind != 1)
		return usage_error("report", "give one lot id");
	a->lot = argv[optind];
	return 0;
}

static int
from_ledger(const struct report_args *a, struct px_html *h)
{
	struct px_html_opts o = {
		.lang = a->lang,
		.size = a->at,
		.now = (int64_t)time(NULL),
		.data_dir_hint = a->data,
	};
	struct px_ledger *l = NULL;
	struct px_txn *t = NULL;
	char *verifier = NULL;
	unsigned status = 500;
	int rc;

	if (open_ledger(&l, a->data, PX_LEDGER_READONLY))
		return EXIT_ERROR;
	rc = px_ledger_verifier_key(l, &verifier);
	if (rc == PX_OK)
		rc = px_ledger_read(l, &t);
	if (rc == PX_OK) {
		o.origin = px_ledger_origin(l);
		o.verifier_key = verifier;
		rc = px_html_report(h, &status, t, a->lot, &o);
	}
	px_store_abort(t);
	px_ledger_close(l);
	free(verifier);
	if (rc != PX_OK)
		return fail("cannot make the report of lot '%s': %s", a->lot,
			    px_strerror(rc));
	if (status == 404)
		return fail(a->at ? "lot '%s' is not in the ledger at a signed "
				    "checkpoint of %" PRIu64 " entries"
				  : "lot '%s' is not in the ledger",
			    a->lot, a->at);
	if (status == 400)
		return fail("'%s' is not a lot id", a->lot);
	if (status != 200)
		return fail("cannot make the report of lot '%s' (its lineage "
			    "is too large, or the ledger cannot be read)",
			    a->lot);
	return 0;
}

static int
from_node(const struct report_args *a, struct px_html *h)
{
	struct node *n = NULL;
	char *lot = NULL, at[40] = "";
	uint8_t *body = NULL;
	size_t len = 0;
	int rc;

	if (node_open(&n, a->node))
		return EXIT_ERROR;
	if (!(lot = node_escape(a->lot))) {
		node_close(n);
		return fail("out of memory");
	}
	if (a->at)
		snprintf(at, sizeof(at), "&size=%" PRIu64, a->at);
	rc = node_bytes(n, &body, &len, REPORT_MAX, "/lots/%s/report?lang=%s%s",
			lot, px_lang_tag(a->lang), at);
	if (rc)
		node_fail(n);
	else if (len < 15 || memcmp(body, "<!doctype html>", 15) != 0) {
		rc = node_bad_answer(n, "something that is not an HTML "
					"report");
		node_fail(n);
	} else {
		px_html_put(h, "%.*s", (int)len, (const char *)body);
		rc = h->failed ? fail("out of memory") : 0;
	}
	free(body);
	free(lot);
	node_close(n);
	return rc;
}

int
cmd_report(int argc, char **argv)
{
	struct report_args a;
	struct px_html h = { 0 };
	FILE *f = NULL;
	int rc;

	if ((rc = parse(argc, argv, &a)) != 0)
		return rc < 0 ? 0 : rc;
	rc = a.data ? from_ledger(&a, &h) : from_node(&a, &h);
	if (rc)
		goto out;
	if (h.failed) {
		rc = fail("out of memory");
		goto out;
	}
	if (!(f = fopen(a.out, "wb")) || fwrite(h.buf, 1, h.len, f) != h.len ||
	    fflush(f) != 0) {
		rc = fail("cannot write '%s': %s", a.out, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = fail("cannot write '%s': %s", a.out, strerror(errno));
		goto out;
	}
	f = NULL;
	printf("wrote the evidence report of lot '%s' to %s (%zu bytes)\n",
	       a.lot, a.out, h.len);
out:
	if (f)
		fclose(f);
	px_html_release(&h);
	return rc;
}
