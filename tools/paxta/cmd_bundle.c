/*
 * paxta bundle: a lot's proof bundle into a file (docs/bundle.md), from a
 * ledger folder or from a node.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "lot_file.h"
#include "paxta/bundle.h"
#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/provenance.h"

static const char bundle_help[] =
	"usage: paxta bundle LOT --out FILE [--at SIZE] (--data DIR | --node "
	"URL)\n\n"
	"Write LOT's proof bundle to FILE: the signed checkpoint (with its "
	"witnesses'\n"
	"cosignatures when the node has them), every entry its verdict rests "
	"on, and\n"
	"an inclusion proof for each, with the node's index root and a "
	"proof for every\n"
	"subject and lot the verdict reads that nothing about it was left "
	"out\n"
	"(docs/bundle.md). Check it anywhere, with no ledger and no "
	"network, with\n"
	"paxta verify-bundle.\n\n"
	"  --out FILE  where to write it (replaced if it exists)\n"
	"  --at SIZE   as of the checkpoint of SIZE entries (default: the "
	"latest)\n"
	"  --data DIR  from the ledger in DIR\n"
	"  --node URL  from the paxtad node at URL (GET "
	"/v1/lots/{id}/bundle)\n";

int
cmd_bundle(int argc, char **argv)
{
	struct lot_file_args a;
	struct backend *be = NULL;
	Paxta__Bundle *b = NULL;
	uint8_t *bytes = NULL;
	struct px_hash sum;
	char hex[65];
	size_t len = 0, origin_len;
	unsigned long long size = 0;
	char *origin = NULL;
	int rc;

	if ((rc = parse_lot_file("bundle", bundle_help, "FILE", 0, argc, argv,
				 &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = backend_open(&be, &a.c, BACKEND_READ)) != 0)
		goto out;
	if (be->ops->bundle(be, a.lot, a.at, &bytes, &len)) {
		rc = backend_fail(be);
		goto out;
	}
	/* A node's answer is kept only when it is a bundle of this lot;
	 * what it proves is verify-bundle's question. */
	if (px_bundle_decode(&b, bytes, len) != PX_OK ||
	    strcmp(b->lot, a.lot) != 0) {
		rc = fail("the answer is not a bundle of lot '%s'", a.lot);
		goto out;
	}
	if ((rc = write_file(a.out, bytes, len)) != 0)
		goto out;
	if (px_sha256(&sum, bytes, len) != PX_OK) {
		rc = fail("cannot hash the bundle");
		goto out;
	}
	px_hex_encode(hex, sum.b, sizeof(sum.b));
	/* The note's first lines, as it says them: verify-bundle checks. */
	origin_len = strcspn(b->checkpoint, "\n");
	if (!(origin = strndup(b->checkpoint, origin_len))) {
		rc = fail("out of memory");
		goto out;
	}
	text_clean(origin);
	if (b->checkpoint[origin_len])
		size = strtoull(b->checkpoint + origin_len + 1, NULL, 10);
	printf("bundle of lot '%s': %zu entries, checkpoint %llu of %s, "
	       "%zu bytes\nsha256 %s\n",
	       a.lot, b->n_leaves, size, origin, len, hex);
	printf("written to %s\n", a.out);
out:
	free(origin);
	px_bundle_free(b);
	free(bytes);
	backend_close(be);
	return rc;
}

/* ---- verify-bundle ---- */

static const char verify_bundle_help[] =
	"usage: paxta verify-bundle FILE --trust VERIFIER_KEY [--json]\n\n"
	"Check a lot's proof bundle (paxta bundle) with no ledger and no "
	"network, trusting\n"
	"only the node's checkpoint key: the checkpoint's signature, every "
	"entry's\n"
	"inclusion proof to it, every entry's signature by the key its "
	"author held (as\n"
	"the bundle's registrations and rotations, anchored in the genesis, "
	"prove it),\n"
	"the rules replayed over the bundle's entries (roles, custody, mass "
	"balance),\n"
	"and the verdict recomputed by the same code as paxta verify.\n\n"
	"  --trust KEY  the node's verifier key, NAME+HEX8+BASE64 (paxta "
	"checkpoint --json\n"
	"               gives it as verifier_key; GET /v1/log as "
	"verifier_key)\n"
	"  --json       the verdict as paxta verify --json prints it, with "
	"\"checkpoint\":\n"
	"               {\"origin\", \"size\"}\n\n"
	"Complete: the checkpoint's last entry is the node's index root; "
	"every statement,\n"
	"lab result and void it lists on the lot's lineage, makers and "
	"origins (farm,\n"
	"district, region, country) must be in the bundle, and what is "
	"absent is proven\n"
	"absent. Not proven by a bundle alone: the author's entries it "
	"leaves out and\n"
	"kg spent elsewhere from the same lots (docs/bundle.md).\n\n"
	"Exit 0 only when everything verifies and the lot is free; 1 when it "
	"is not free\n"
	"or something does not verify (named); 2 when FILE cannot be read.\n";

static int
parse_verify(int argc, char **argv, const char **file, const char **trust,
	     int *json)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*trust = NULL;
	*json = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			*trust = optarg;
			break;
		case 'j':
			*json = 1;
			break;
		case 'h':
			fputs(verify_bundle_help, stdout);
			return -1;
		default:
			return usage_error("verify-bundle", "unknown option");
		}
	}
	if (!*trust)
		return usage_error("verify-bundle",
				   "give --trust VERIFIER_KEY");
	if (argc - optind != 1)
		return usage_error("verify-bundle", "give one bundle file");
	*file = argv[optind];
	return 0;
}

int
cmd_verify_bundle(int argc, char **argv)
{
	struct px_note_verifier verifier;
	struct px_bundle_problem problem;
	struct px_verdict *v = NULL;
	struct px_checkpoint cp;
	Paxta__Bundle *b = NULL;
	const char *file = NULL, *trust = NULL;
	json_t *j = NULL;
	char *bytes = NULL;
	size_t len = 0;
	int rc, json;

	if ((rc = parse_verify(argc, argv, &file, &trust, &json)) != 0)
		return rc < 0 ? 0 : rc;
	if (px_note_verifier_parse(&verifier, trust) != PX_OK)
		return usage_error("verify-bundle",
				   "--trust takes a verifier key, "
				   "NAME+HEX8+BASE64");
	if (read_small_file(file, PX_BUNDLE_MAX, &bytes, &len))
		return EXIT_ERROR;
	rc = px_bundle_decode(&b, (const uint8_t *)bytes, len);
	if (rc != PX_OK) {
		fprintf(stderr,
			"paxta: '%s' does not verify: it is not a "
			"paxta bundle\n",
			file);
		rc = EXIT_NO;
		goto out;
	}
	rc = px_bundle_verify(&v, &cp, &problem, b, &verifier, NULL);
	if (rc == PX_EVERIFY || rc == PX_EMALFORMED) {
		fprintf(stderr, "paxta: '%s' does not verify: %s\n", file,
			problem.message);
		rc = EXIT_NO;
		goto out;
	}
	if (rc != PX_OK) {
		rc = fail("cannot check '%s': %s", file, px_strerror(rc));
		goto out;
	}
	if (!(j = px_verdict_json(v)) ||
	    json_object_set_new(j, "checkpoint",
				json_pack("{s:s, s:I}", "origin", cp.origin,
					  "size", (json_int_t)cp.size))) {
		rc = fail("out of memory");
		goto out;
	}
	if (json) {
		print_json(json_incref(j));
	} else {
		print_verdict(j);
		printf("\nchecked offline against checkpoint %" PRIu64
		       " of %s\n",
		       cp.size, cp.origin);
		printf("%scomplete: every statement, lab result and void on "
		       "its %zu keys is in it\n(index root at entry %" PRIu64
		       ")%s\n",
		       style("dim"), b->n_index, cp.size - 1, style("reset"));
	}
	rc = v->kind == PX_VERDICT_FREE ? 0 : EXIT_NO;
out:
	json_decref(j);
	px_verdict_free(v);
	px_bundle_free(b);
	free(bytes);
	return rc;
}
