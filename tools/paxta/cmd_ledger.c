/* paxta keygen, init, checkpoint, audit: making and checking a ledger. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paxta/audit.h"
#include "paxta/checkpoint.h"
#include "paxta/state.h"

/* ---- keygen ---- */

static const char keygen_help[] =
	"usage: paxta keygen --out KEYFILE [--json]\n"
	"       paxta keygen --show KEYFILE [--json]\n\n"
	"Make a new Ed25519 key and write it to KEYFILE as a PKCS#8 PEM "
	"private key\n(mode 0600, readable by 'openssl pkey'); print its "
	"public key in base64, the\nform 'paxta init --registrar' and "
	"register_actor events take.\n"
	"--show prints the public key of an existing key file.\n";

int
cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "show", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out = NULL, *show = NULL;
	struct px_seckey key;
	char pub[45];
	int json = 0, c, rc;

	while ((c = getopt_long(argc, argv, "o:s:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			show = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(keygen_help, stdout);
			return 0;
		default:
			return usage_error("keygen", "unknown option");
		}
	}
	if (!out == !show)
		return usage_error("keygen", "give --out KEYFILE (a new key) "
					     "or --show KEYFILE");
	if (show) {
		rc = px_key_read_pem(&key, show);
		if (rc == PX_ENOTFOUND)
			return fail("no key file '%s'", show);
		if (rc != PX_OK)
			return fail("'%s' is not an Ed25519 private key file",
				    show);
	} else {
		if ((rc = px_key_generate(&key)) != PX_OK)
			return fail("cannot make a key: %s", px_strerror(rc));
		rc = px_key_write_pem(out, &key);
		if (rc == PX_EEXIST) {
			px_key_wipe(&key);
			return fail("'%s' exists already; paxta never "
				    "overwrites a key file",
				    out);
		}
		if (rc != PX_OK) {
			px_key_wipe(&key);
			return fail("cannot write '%s': %s", out,
				    px_strerror(rc));
		}
	}
	px_pubkey_to_base64(pub, &key.pub);
	px_key_wipe(&key);
	if (json)
		print_json(json_pack("{s:s,s:s}", "file", out ? out : show,
				     "public_key", pub));
	else
		puts(pub);
	return 0;
}

/* ---- init ---- */

static const char init_help[] =
	"usage: paxta init --data DIR --origin NAME --registrar ID=PUBKEY... "
	"[options]\n\n"
	"Create a ledger in DIR: a new node key (DIR/node.key, mode 0600), "
	"the genesis\n(leaf 0: the origin, the registrars and the "
	"mass-balance policy, signed by the\nnode key) and a first signed "
	"checkpoint.\n\n"
	"  --origin NAME        the log's name in checkpoints and its key's "
	"name, e.g.\n"
	"                       paxta.example.org/uz (no spaces or '+')\n"
	"  --registrar ID=KEY   a trust anchor: an actor id and its base64 "
	"public key\n"
	"                       (from 'paxta keygen'); repeat for several\n"
	"  --ginning-cap X      most lint per kg of seed cotton (default "
	"0.45)\n"
	"  --spinning-cap X     most yarn per kg of lint (default 0.95)\n"
	"  --weaving-cap X      most fabric per kg of yarn (default 0.98)\n"
	"  --knitting-cap X     most fabric per kg of yarn (default 0.98)\n"
	"  --making-cap X       most garments per kg of fabric (default "
	"0.95)\n"
	"  --max-skew SECONDS   how far past this node's clock an entry's "
	"time may be\n"
	"                       (default 300)\n"
	"  --harvest MMDD-MMDD  the harvest calendar: picking runs from the "
	"first month-day\n"
	"                       to the second; a harvest's season follows "
	"from its date\n"
	"                       (default 0820-1231; 1001-0331 wraps into the "
	"next year)\n"
	"  --max-yield KG       most seed cotton a farm registered with "
	"area_ha may pick\n"
	"                       per hectare and season (default 6000)\n"
	"  --json               print the result as JSON\n\n"
	"example:\n"
	"  paxta keygen --out registrar.key\n"
	"  paxta init --data ledger --origin example.org/cotton \\\n"
	"      --registrar uz.registrar=$(paxta keygen --show "
	"registrar.key)\n";

static int
parse_cap(const char *text, uint32_t *out)
{
	char *end;
	double v = strtod(text, &end);

	if (*end || !(v > 0 && v <= 1))
		return -1;
	*out = (uint32_t)llround(v * 1e6);
	return 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "origin", required_argument, NULL, 'o' },
		{ "registrar", required_argument, NULL, 'r' },
		{ "ginning-cap", required_argument, NULL, 'G' },
		{ "spinning-cap", required_argument, NULL, 'S' },
		{ "weaving-cap", required_argument, NULL, 'W' },
		{ "knitting-cap", required_argument, NULL, 'K' },
		{ "making-cap", required_argument, NULL, 'M' },
		{ "max-skew", required_argument, NULL, 'k' },
		{ "harvest", required_argument, NULL, 'H' },
		{ "max-yield", required_argument, NULL, 'Y' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct px_registrar regs[32];
	char *ids[32];
	size_t n = 0;
	const char *data = NULL, *origin = NULL;
	struct px_policy policy;
	struct px_pubkey node;
	struct px_ledger *l = NULL;
	char *verifier = NULL, *note = NULL;
	uint64_t skew, yield;
	unsigned from, until;
	char tail;
	int json = 0, c, rc, status = EXIT_ERROR;

	px_policy_default(&policy);
	while ((c = getopt_long(argc, argv, "d:o:r:jh", opts, NULL)) != -1) {
		uint32_t *cap = NULL;
		char *eq;

		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'o':
			origin = optarg;
			break;
		case 'r':
			eq = strchr(optarg, '=');
			if (!eq || n == 32) {
				status = usage_error(
					"init",
					"--registrar takes ID=PUBKEY (at most "
					"32)");
				goto out;
			}
			ids[n] = strndup(optarg, (size_t)(eq - optarg));
			if (!ids[n] || !px_state_valid_id(ids[n]) ||
			    px_pubkey_from_base64(&regs[n].pub, eq + 1) !=
				    PX_OK) {
				status = usage_error(
					"init",
					"'%s' is not ID=PUBKEY with a valid id "
					"and a base64 Ed25519 public key",
					optarg);
				free(ids[n]);
				goto out;
			}
			regs[n].id = ids[n];
			n++;
			break;
		case 'G':
			cap = &policy.ginning_ppm;
			break;
		case 'S':
			cap = &policy.spinning_ppm;
			break;
		case 'W':
			cap = &policy.weaving_ppm;
			break;
		case 'K':
			cap = &policy.knitting_ppm;
			break;
		case 'M':
			cap = &policy.making_ppm;
			break;
		case 'k':
			if (parse_u64(optarg, &skew) || skew > 86400 * 7) {
				status = usage_error(
					"init",
					"--max-skew takes seconds, at most a "
					"week");
				goto out;
			}
			policy.max_skew_s = (uint32_t)skew;
			break;
		case 'H':
			/* Checked as month-days by the genesis rule too. */
			if (sscanf(optarg, "%4u-%4u%c", &from, &until, &tail) !=
				    2 ||
			    from / 100 < 1 || from / 100 > 12 ||
			    from % 100 < 1 || from % 100 > 31 ||
			    until / 100 < 1 || until / 100 > 12 ||
			    until % 100 < 1 || until % 100 > 31) {
				status = usage_error(
					"init",
					"--harvest takes MMDD-MMDD, e.g. "
					"0820-1231, not '%s'",
					optarg);
				goto out;
			}
			policy.harvest_from = from;
			policy.harvest_until = until;
			break;
		case 'Y':
			if (parse_u64(optarg, &yield) || yield == 0 ||
			    yield > 100000) {
				status = usage_error(
					"init",
					"--max-yield takes kg per hectare, "
					"1 to 100000");
				goto out;
			}
			policy.max_yield_kg_ha = (uint32_t)yield;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(init_help, stdout);
			status = 0;
			goto out;
		default:
			status = usage_error("init", "unknown option");
			goto out;
		}
		if (cap && parse_cap(optarg, cap)) {
			status = usage_error("init",
					     "a yield cap is a number above 0 "
					     "and at most 1, not '%s'",
					     optarg);
			goto out;
		}
	}
	if (!data || !origin || n == 0) {
		status = usage_error("init", "--data, --origin and at least "
					     "one --registrar are needed");
		goto out;
	}
	rc = px_ledger_create(data, origin, regs, n, &policy, &node);
	if (rc == PX_EEXIST) {
		status = fail("'%s' holds a ledger already", data);
		goto out;
	}
	if (rc == PX_EINVAL) {
		status = fail("origin '%s' cannot name a log: use 1 to 255 "
			      "printable characters, no spaces or '+'",
			      origin);
		goto out;
	}
	if (rc != PX_OK) {
		status = fail("cannot create a ledger in '%s': %s", data,
			      px_strerror(rc));
		goto out;
	}
	if (open_ledger(&l, data, PX_LEDGER_READONLY))
		goto out;
	if (px_ledger_verifier_key(l, &verifier) != PX_OK ||
	    px_ledger_checkpoint(l, &note) != PX_OK) {
		status = fail("ledger created, but cannot read it back");
		goto out;
	}
	if (json) {
		json_t *r = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(r, json_string(regs[i].id));
		print_json(json_pack("{s:s,s:s,s:s,s:o,s:s}", "data", data,
				     "origin", origin, "verifier_key", verifier,
				     "registrars", r, "checkpoint", note));
	} else {
		printf("created ledger '%s' (origin %s) with %zu "
		       "registrar%s\n",
		       data, origin, n, n == 1 ? "" : "s");
		printf("node verifier key: %s\n", verifier);
		printf("yield caps: ginning %.2f, spinning %.2f, weaving "
		       "%.2f, knitting %.2f, making %.2f\n",
		       policy.ginning_ppm / 1e6, policy.spinning_ppm / 1e6,
		       policy.weaving_ppm / 1e6, policy.knitting_ppm / 1e6,
		       policy.making_ppm / 1e6);
		printf("next: register actors with 'paxta submit --data %s "
		       "--key REGISTRAR.key EVENT.json'\n",
		       data);
	}
	status = 0;
out:
	free(verifier);
	free(note);
	px_ledger_close(l);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	return status;
}

/* ---- checkpoint ---- */

static const char checkpoint_help[] =
	"usage: paxta checkpoint (--data DIR | --node URL) [--json]\n\n"
	"Print the ledger's latest signed checkpoint: a C2SP tlog-checkpoint "
	"signed as a\nC2SP signed note with the node's key, byte for byte as "
	"the node serves it.\nWhen the log has grown since the last one and "
	"no node is running on DIR, a\nnew checkpoint is signed first.\n\n"
	"  --data DIR  the ledger in DIR\n"
	"  --node URL  the node at URL (http:// or https://): its latest "
	"checkpoint, checked\n"
	"              against its verifier key (GET /v1/log). A node signs "
	"one within\n"
	"              its --checkpoint-interval of the log growing; 'paxta "
	"submit --node'\n"
	"              asks for one after a load\n"
	"  --json      {\"checkpoint\", \"verifier_key\"}\n";

/* The node's latest checkpoint, and its verifier key: the note must be
 * signed by that key, so what is printed is a checkpoint, whatever the
 * node answered. */
static int
node_checkpoint(const char *url, char **note, char **verifier)
{
	struct node *n = NULL;
	struct px_note_verifier v;
	struct px_checkpoint cp;
	json_t *log = NULL;
	size_t len;
	int status = EXIT_ERROR;

	if (node_open(&n, url))
		return EXIT_ERROR;
	if (node_get_json(n, &log, "/v1/log") ||
	    node_text(n, note, &len, "GET", "/v1/checkpoint")) {
		status = node_fail(n);
		goto out;
	}
	if (px_note_verifier_parse(&v, jstr(log, "verifier_key")) != PX_OK) {
		node_bad_answer(n, "a log without a verifier key "
				   "(NAME+HEX8+BASE64)");
		status = node_fail(n);
		goto out;
	}
	if (strlen(*note) != len ||
	    px_checkpoint_open(&cp, *note, len, &v) != PX_OK) {
		node_bad_answer(n, "a checkpoint that its own verifier key "
				   "does not sign");
		status = node_fail(n);
		goto out;
	}
	if (!(*verifier = strdup(jstr(log, "verifier_key")))) {
		status = fail("out of memory");
		goto out;
	}
	status = 0;
out:
	if (status) {
		free(*note);
		*note = NULL;
	}
	json_decref(log);
	node_close(n);
	return status;
}

int
cmd_checkpoint(int argc, char **argv)
{
	struct cli_common o;
	const char *data;
	struct px_ledger *l = NULL;
	char *note = NULL, *verifier = NULL;
	int json, rc;

	if ((rc = parse_common("checkpoint", checkpoint_help, argc, argv,
			       &o)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc != optind)
		return usage_error("checkpoint", "takes no operands");
	data = o.data;
	json = o.json;
	if (o.node) {
		if (node_checkpoint(o.node, &note, &verifier))
			return EXIT_ERROR;
	} else {
		/* Sign when we may write; a running node signs its own. */
		rc = px_ledger_open(&l, data ? data : "", 0);
		if (rc == PX_ELOCKED)
			rc = px_ledger_open(&l, data, PX_LEDGER_READONLY);
		if (rc != PX_OK && open_ledger(&l, data, PX_LEDGER_READONLY))
			return EXIT_ERROR;
		rc = px_ledger_checkpoint(l, &note);
		if (rc == PX_OK)
			rc = px_ledger_verifier_key(l, &verifier);
		px_ledger_close(l);
		if (rc != PX_OK) {
			free(note);
			return fail("cannot read the checkpoint: %s",
				    px_strerror(rc));
		}
	}
	if (json)
		print_json(json_pack("{s:s,s:s}", "checkpoint", note,
				     "verifier_key", verifier));
	else
		fputs(note, stdout);
	free(note);
	free(verifier);
	return 0;
}

/* ---- audit ---- */

static const char audit_help[] =
	"usage: paxta audit --data DIR [--json]\n\n"
	"Re-verify the whole ledger: every signature, every hash-chain link "
	"and stored\nMerkle subtree hash, the root and signature of every "
	"checkpoint, and every\nrule (the state is re-derived from the "
	"leaves and compared with the stored\nstate). Exit 0 only when the "
	"ledger is intact; otherwise the first bad index\nand what is wrong "
	"with it are named. Progress goes to stderr on a terminal.\n\n"
	"Audit reads the folder itself, beside a running node if need be: it "
	"takes no\n--node. Over HTTP, 'paxta proof --node URL' checks "
	"inclusion and consistency\nproofs against the node's signed "
	"checkpoints.\n";

struct progress {
	time_t last;
	int shown;
};

static void
audit_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	time_t now = time(NULL);

	if (now == p->last && done != total)
		return;
	p->last = now;
	p->shown = 1;
	fprintf(stderr, "\raudit: %" PRIu64 " / %" PRIu64 " entries (%.0f %%)",
		done, total,
		total ? 100.0 * (double)done / (double)total : 100);
}

int
cmd_audit(int argc, char **argv)
{
	struct cli_common o;
	struct px_ledger *l = NULL;
	struct px_audit_report report;
	struct progress prog = { 0, 0 };
	struct timespec t0, t1;
	const char *data;
	double secs;
	int json, rc;

	if ((rc = parse_common("audit", audit_help, argc, argv, &o)) != 0)
		return rc < 0 ? 0 : rc;
	if (o.node)
		return usage_error(
			"audit", "audit re-reads a ledger folder: give --data "
				 "DIR (it works beside a running node; a "
				 "node's log is checked remotely with 'paxta "
				 "proof --node')");
	data = o.data;
	json = o.json;
	if (open_ledger(&l, data, PX_LEDGER_READONLY))
		return EXIT_ERROR;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = px_audit(&report, l, NULL, NULL,
		      err_is_tty() ? audit_progress : NULL, &prog);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	px_ledger_close(l);
	if (prog.shown)
		fputc('\n', stderr);
	if (rc != PX_OK)
		return fail("audit could not check the ledger: %s",
			    px_strerror(rc));
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (json) {
		json_t *j = json_pack(
			"{s:b,s:I,s:I,s:f}", "intact", report.intact, "entries",
			(json_int_t)report.entries, "checkpoints",
			(json_int_t)report.checkpoints, "seconds", secs);

		if (!report.intact) {
			json_object_set_new(j, "problem",
					    json_string(report.problem));
			if (report.has_bad_index)
				json_object_set_new(
					j, "bad_index",
					json_integer(
						(json_int_t)report.bad_index));
		}
		print_json(j);
	} else if (report.intact) {
		printf("%sintact%s: %" PRIu64 " entries and %" PRIu64
		       " checkpoint%s verified in %.2f s\n",
		       style("green"), style("reset"), report.entries,
		       report.checkpoints, report.checkpoints == 1 ? "" : "s",
		       secs);
	} else {
		printf("%sNOT INTACT%s: %s\n", style("red"), style("reset"),
		       report.problem);
	}
	return report.intact ? 0 : EXIT_NO;
}
