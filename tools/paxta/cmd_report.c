/*
 * paxta report: a lot's evidence report (docs/report.md) into an HTML
 * file, made here from a ledger folder with the html library paxtad
 * serves it with, or as the node at URL makes it (GET
 * /lots/{id}/report).
 */
#include <stdio.h>

#include "backend.h"
#include "lot_file.h"

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

int
cmd_report(int argc, char **argv)
{
	struct lot_file_args a;
	struct backend *b = NULL;
	struct px_html h = { 0 };
	int rc;

	if ((rc = parse_lot_file("report", report_help, "FILE.html", 1, argc,
				 argv, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = backend_open(&b, &a.c, BACKEND_READ)) != 0)
		goto out;
	if (b->ops->report(b, a.lot, a.lang, a.at, &h)) {
		rc = backend_fail(b);
		goto out;
	}
	if (h.failed) {
		rc = fail("out of memory");
		goto out;
	}
	if ((rc = write_file(a.out, h.buf, h.len)) != 0)
		goto out;
	printf("wrote the evidence report of lot '%s' to %s (%zu bytes)\n",
	       a.lot, a.out, h.len);
out:
	px_html_release(&h);
	backend_close(b);
	return rc;
}
