/*
 * paxta evidence: check, from the notes alone, that a log showed two views
 * of its history (witness.h: px_evidence_check). The file is one piece of
 * evidence, or what a witness serves at GET /v1/evidence.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paxta/checkpoint.h"
#include "paxta/witness.h"

static const char evidence_help[] =
	"usage: paxta evidence FILE [--trust KEY] [--json]\n\n"
	"Check evidence of a split view: two checkpoints signed by one log "
	"that cannot\nboth be its history -- two trees of one size with "
	"different roots, or a\nconsistency proof that leads to the newer "
	"signed root from a root of the older\nsize other than the one the "
	"log signed. Nothing but the file is read: the\nnotes' signatures and "
	"the proof are checked here.\n\n"
	"FILE holds one piece of evidence as a witness keeps it ({\"origin\", "
	"\"verifier_key\",\n\"older\", \"newer\", \"proof\", ...}), or "
	"what GET /v1/evidence serves ({\"evidence\":\n[...]}); - reads "
	"stdin.\n\n"
	"  --trust KEY  the log's verifier key (NAME+HEX8+BASE64) the notes "
	"must be signed\n"
	"               by; without it, the key named in the evidence (which "
	"then proves\n"
	"               that key's holder signed both)\n"
	"  --json       the result as JSON\n\n"
	"Exit 0 when every piece proves a fork; 1 when one does not (a note "
	"not signed\nby the key, trees that are consistent); 2 on errors.\n";

#define EVIDENCE_FILE_MAX ((size_t)16 << 20)

/* One piece: 0 proven, 1 not (printed), 2 error. */
static int
check_one(json_t *piece, const struct px_note_verifier *trust, int json,
	  json_t *results)
{
	char *text = json_dumps(piece, JSON_COMPACT);
	const char *origin = jstr(piece, "origin");
	uint64_t a = 0, b = 0;
	int rc;

	if (!text)
		return fail("out of memory");
	rc = px_evidence_check(text, strlen(text), trust, &a, &b);
	free(text);
	if (json) {
		json_array_append_new(
			results,
			rc == PX_OK
				? json_pack("{s:b,s:s,s:I,s:I}", "proven", 1,
					    "origin", origin, "older_size",
					    (json_int_t)a, "newer_size",
					    (json_int_t)b)
				: json_pack("{s:b,s:s,s:s}", "proven", 0,
					    "origin", origin, "problem",
					    rc == PX_EVERIFY ? "not a fork"
							     : "not evidence"));
	} else if (rc == PX_OK) {
		char clean[PX_ORIGIN_MAX + 1];

		snprintf(clean, sizeof(clean), "%s", origin);
		text_clean(clean);
		if (a == b)
			printf("%sproven%s: log '%s' signed two trees of "
			       "%" PRIu64 " entries with different roots\n",
			       style("red"), style("reset"), clean, a);
		else
			printf("%sproven%s: log '%s' signed a tree of "
			       "%" PRIu64 " entries and one of %" PRIu64
			       " whose own consistency proof leads from "
			       "another "
			       "tree of %" PRIu64 ": a fork\n",
			       style("red"), style("reset"), clean, a, b, a);
	} else {
		printf("NOT PROVEN: %s\n",
		       rc == PX_EVERIFY
			       ? "the notes are not both signed by the key, or "
				 "the trees are consistent"
			       : "not evidence (origin, verifier_key, older, "
				 "newer, proof)");
	}
	return rc == PX_OK ? 0 : EXIT_NO;
}

int
cmd_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct px_note_verifier trust;
	const char *trust_text = NULL;
	char *text = NULL;
	size_t len, i;
	json_t *j = NULL, *list, *piece, *results = NULL;
	int json = 0, c, status = EXIT_ERROR, worst = 0;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			trust_text = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(evidence_help, stdout);
			return 0;
		default:
			return usage_error("evidence", "unknown option");
		}
	}
	if (argc - optind != 1)
		return usage_error("evidence", "give one FILE");
	if (trust_text && px_note_verifier_parse(&trust, trust_text) != PX_OK)
		return usage_error("evidence",
				   "--trust takes a note verifier key "
				   "NAME+HEX8+BASE64, not '%s'",
				   trust_text);
	if (read_small_file(argv[optind], EVIDENCE_FILE_MAX, &text, &len))
		return EXIT_ERROR;
	if (!(j = json_loadb(text, len, 0, NULL)) || !json_is_object(j)) {
		status = fail("'%s' is not JSON evidence", argv[optind]);
		goto out;
	}
	list = json_object_get(j, "evidence");
	if (list && (!json_is_array(list) || json_array_size(list) == 0)) {
		status = fail("'%s' holds no evidence", argv[optind]);
		goto out;
	}
	if (!(results = json_array())) {
		status = fail("out of memory");
		goto out;
	}
	if (!list) {
		worst = check_one(j, trust_text ? &trust : NULL, json, results);
	} else {
		json_array_foreach(list, i, piece)
		{
			int rc = check_one(piece, trust_text ? &trust : NULL,
					   json, results);

			if (rc > worst)
				worst = rc;
		}
	}
	if (json)
		print_json(json_pack("{s:b,s:O}", "proven", worst == 0,
				     "results", results));
	status = worst;
out:
	json_decref(results);
	json_decref(j);
	free(text);
	return status;
}
