/*
 * paxta — the command-line client of the cotton ledger.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "paxta/crypto.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "keygen", cmd_keygen, "make a new Ed25519 key file" },
	{ "init", cmd_init, "create a ledger: its node key and genesis" },
	{ "submit", cmd_submit, "sign events (JSON or CSV) and append them" },
	{ "sign", cmd_sign, "sign one event; the entry (protobuf) on stdout" },
	{ "lot", cmd_lot, "a lot: product, holders, lineage, composition" },
	{ "verify", cmd_verify, "is a lot free of forced labour? the verdict" },
	{ "recall", cmd_recall, "every lot downstream of a farm or district" },
	{ "actor", cmd_actor, "an actor: roles, location, key, sequence" },
	{ "entry", cmd_entry, "one logged entry, decoded" },
	{ "checkpoint", cmd_checkpoint, "the latest signed checkpoint (note)" },
	{ "bundle", cmd_bundle, "a lot's proof bundle, to check offline" },
	{ "verify-bundle", cmd_verify_bundle,
	  "check a bundle offline: its proofs and verdict" },
	{ "report", cmd_report, "a lot's evidence report (HTML, for print)" },
	{ "proof", cmd_proof, "check an inclusion or consistency proof" },
	{ "audit", cmd_audit, "re-verify the whole ledger" },
	{ "evidence", cmd_evidence, "check the evidence of a log's fork" },
	{ "mirror", cmd_mirror, "keep a verifying read replica of a node" },
	{ "export", cmd_export,
	  "the ledger's events as a GS1 EPCIS 2.0 document" },
	{ "import", cmd_import,
	  "sign and append the events of an EPCIS document" },
};

static void
help(FILE *f)
{
	fputs("paxta — a ledger that proves where cotton comes from and that "
	      "it was not\npicked with forced labour.\n\n"
	      "usage: paxta COMMAND [OPTIONS]   (paxta COMMAND --help for "
	      "more)\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\na first ledger:\n"
	      "  paxta keygen --out registrar.key          # prints the "
	      "public key\n"
	      "  paxta init --data ledger --origin example.org/cotton \\\n"
	      "       --registrar uz.registrar=PUBKEY\n"
	      "  paxta submit --data ledger --key registrar.key "
	      "register-farm.json\n"
	      "  paxta verify --data ledger LOT\n\n"
	      "every command but keygen, init, audit and verify-bundle also "
	      "talks to a\nrunning node:\n"
	      "  paxta verify --node http://127.0.0.1:8470 LOT\n\n"
	      "a lot's proof, checked anywhere later with no ledger and no "
	      "network:\n"
	      "  paxta bundle --data ledger --out lot.bundle LOT\n"
	      "  paxta verify-bundle lot.bundle --trust VERIFIER_KEY\n\n"
	      "exit status: 0 success (a 'free' verdict, an intact audit); 1 "
	      "the answer is\nno (a verdict that is not free, a refused "
	      "entry, a broken ledger); 2 an error.\n",
	      f);
}

int
main(int argc, char **argv)
{
	if (px_crypto_init() != PX_OK)
		return fail("cannot initialise libsodium");
	if (argc < 2) {
		help(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("paxta 0.1.0");
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "paxta: unknown command '%s'\n\n", argv[1]);
	help(stderr);
	return EXIT_ERROR;
}
