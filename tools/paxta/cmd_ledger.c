/* paxta keygen, init, checkpoint, audit: making and checking a ledger. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "paxta/audit.h"
#include "paxta/checkpoint.h"
#include "paxta/cosignature.h"
#include "paxta/state.h"
#include "paxta/units.h"

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
	"Create a ledger in DIR: a new node key (DIR.key, beside the folder, "
	"mode 0600),\nthe genesis (leaf 0: the origin, the registrars and "
	"the mass-balance policy,\nsigned by the node key) and a first signed "
	"checkpoint. The key is never inside\nthe folder: the folder alone "
	"can be handed to an auditor or backed up, and\nwhoever holds it "
	"cannot sign checkpoints. An existing key file is never\n"
	"replaced.\n\n"
	"  --node-key FILE      write the node key to FILE instead of "
	"DIR.key (not inside\n"
	"                       DIR); paxtad and 'paxta submit|checkpoint "
	"--data DIR'\n"
	"                       then need the same --node-key FILE\n"
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
	"  --genesis-time TIME  the genesis's date, RFC 3339 (default: now);"
	" no entry\n"
	"                       may claim a time before it (less the "
	"skew), so a ledger\n"
	"                       that records past seasons begins before "
	"them\n"
	"  --harvest MMDD-MMDD  the harvest calendar: picking runs from the "
	"first month-day\n"
	"                       to the second; a harvest's season follows "
	"from its date\n"
	"                       (default 0820-1231; 1001-0331 wraps into the "
	"next year)\n"
	"  --max-yield KG       most seed cotton a farm registered with "
	"area_ha may pick\n"
	"                       per hectare and season (default 6000)\n"
	"  --transit-loss P     how much less than shipped a receive may "
	"weigh, as a\n"
	"                       percentage (2%) or a fraction (0.02); "
	"default 2%\n"
	"  --transit-gain P     how much more than shipped it may weigh "
	"(default 0.5%);\n"
	"                       outside these a receive is refused as "
	"'weight'\n"
	"  --max-delay KIND=SPAN[,KIND=SPAN...]\n"
	"                       how long after it happened an event of KIND "
	"may still be\n"
	"                       recorded (by the node's clock when it "
	"accepts it), e.g.\n"
	"                       harvest=30d,receive=7d; SPAN in s, m, h or "
	"d; kinds are\n"
	"                       harvest, transfer, receive, transform, "
	"lab_result,\n"
	"                       attest, void, ... (default: no cap; "
	"docs/events.md)\n"
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

/* "2%" (a percentage) or "0.02" (a fraction) -> ppm, at most 100 %. */
static int
parse_share(const char *text, uint32_t *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !(v >= 0 && v <= 1))
		return -1;
	*out = (uint32_t)llround(v * 1e6);
	return 0;
}

/* "harvest=30d,receive=7d" into policy->max_delay_s. */
static int
parse_delays(const char *text, struct px_policy *policy)
{
	char *copy = strdup(text), *save = NULL;
	int rc = copy && *text ? 0 : -1;

	for (char *item = copy ? strtok_r(copy, ",", &save) : NULL;
	     item && rc == 0; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		unsigned long long n;
		uint64_t unit = 1;
		unsigned k;

		rc = -1;
		if (!eq)
			break;
		*eq = '\0';
		for (k = PAXTA__ENTRY__BODY_GENESIS + 1; k < PX_KIND_SLOTS; k++)
			if (strcmp(px_entry_kind_name(
					   (Paxta__Entry__BodyCase)k),
				   item) == 0)
				break;
		if (k == PX_KIND_SLOTS || strcmp(item, "unknown") == 0)
			break;
		if (eq[1] < '0' || eq[1] > '9')
			break;
		n = strtoull(eq + 1, &end, 10);
		if (*end == 'd')
			unit = 86400;
		else if (*end == 'h')
			unit = 3600;
		else if (*end == 'm')
			unit = 60;
		else if (*end && *end != 's')
			break;
		if (*end && end[1])
			break;
		if (n == 0 || n > UINT32_MAX / unit)
			break;
		policy->max_delay_s[k] = (uint32_t)(n * unit);
		rc = 0;
	}
	free(copy);
	return rc;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node-key", required_argument, NULL, 'N' },
		{ "origin", required_argument, NULL, 'o' },
		{ "registrar", required_argument, NULL, 'r' },
		{ "ginning-cap", required_argument, NULL, 'G' },
		{ "spinning-cap", required_argument, NULL, 'S' },
		{ "weaving-cap", required_argument, NULL, 'W' },
		{ "knitting-cap", required_argument, NULL, 'K' },
		{ "making-cap", required_argument, NULL, 'M' },
		{ "max-skew", required_argument, NULL, 'k' },
		{ "genesis-time", required_argument, NULL, 'g' },
		{ "harvest", required_argument, NULL, 'H' },
		{ "max-yield", required_argument, NULL, 'Y' },
		{ "transit-loss", required_argument, NULL, 'L' },
		{ "transit-gain", required_argument, NULL, 'A' },
		{ "max-delay", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct px_registrar regs[32];
	char *ids[32];
	size_t n = 0;
	const char *data = NULL, *origin = NULL, *node_key = NULL;
	char *key_file = NULL;
	struct px_policy policy;
	struct px_pubkey node;
	struct px_ledger *l = NULL;
	char *verifier = NULL, *note = NULL;
	int64_t genesis_time = (int64_t)time(NULL);
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
		case 'N':
			node_key = optarg;
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
		case 'g':
			if (px_parse_time(&genesis_time, optarg) != PX_OK) {
				status = usage_error(
					"init",
					"--genesis-time takes an RFC 3339 "
					"time, not '%s'",
					optarg);
				goto out;
			}
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
		case 'L':
		case 'A':
			if (parse_share(optarg,
					c == 'L' ? &policy.transit_loss_ppm
						 : &policy.transit_gain_ppm)) {
				status = usage_error(
					"init",
					"--transit-%s takes a percentage "
					"(2%%) or a fraction (0.02) from 0 to "
					"1, not '%s'",
					c == 'L' ? "loss" : "gain", optarg);
				goto out;
			}
			break;
		case 'D':
			if (parse_delays(optarg, &policy)) {
				status = usage_error(
					"init",
					"--max-delay takes KIND=SPAN[,...] "
					"with an entry kind (harvest, "
					"receive, ...) and a span above 0 in "
					"s, m, h or d (at most 136 years), "
					"not '%s'",
					optarg);
				goto out;
			}
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
	if (node_key)
		key_file = strdup(node_key);
	else if (px_ledger_default_key_path(&key_file, data) != PX_OK)
		key_file = NULL;
	if (!key_file) {
		status = usage_error("init", "'%s' cannot name a ledger folder",
				     data);
		goto out;
	}
	rc = px_ledger_create_key(data, key_file, origin, regs, n, &policy,
				  &node, genesis_time);
	if (rc == PX_EEXIST &&
	    px_ledger_open(&l, data, PX_LEDGER_READONLY) == PX_OK) {
		status = fail("'%s' holds a ledger already", data);
		goto out;
	}
	if (rc == PX_EEXIST) {
		status = fail("key file '%s' exists already: a node key is "
			      "never replaced (move it away, or give "
			      "--node-key FILE)",
			      key_file);
		goto out;
	}
	if (rc == PX_EINVAL && node_key) {
		status = fail("node key '%s' would be inside the ledger folder "
			      "'%s': keep it beside the folder, so the folder "
			      "can be handed over without it",
			      node_key, data);
		goto out;
	}
	if (rc == PX_ENOTFOUND) {
		status = fail("cannot write the node key '%s': its folder "
			      "does not exist",
			      key_file);
		goto out;
	}
	if (rc == PX_EINVAL) {
		/* The origin, or a default key that would land inside the
		 * folder ('--data .' puts DIR.key in the folder itself). */
		status = fail("origin '%s' cannot name a log (use 1 to 255 "
			      "printable characters, no spaces or '+'), or "
			      "the node key '%s' would be inside '%s' (give "
			      "--node-key FILE outside it)",
			      origin, key_file, data);
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
		print_json(json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "data", data,
				     "node_key", key_file, "origin", origin,
				     "verifier_key", verifier, "registrars", r,
				     "checkpoint", note));
	} else {
		printf("created ledger '%s' (origin %s) with %zu "
		       "registrar%s\n",
		       data, origin, n, n == 1 ? "" : "s");
		printf("node key: %s (keep it apart from the folder)\n",
		       key_file);
		printf("node verifier key: %s\n", verifier);
		printf("yield caps: ginning %.2f, spinning %.2f, weaving "
		       "%.2f, knitting %.2f, making %.2f\n",
		       policy.ginning_ppm / 1e6, policy.spinning_ppm / 1e6,
		       policy.weaving_ppm / 1e6, policy.knitting_ppm / 1e6,
		       policy.making_ppm / 1e6);
		printf("transit tolerance: %g %% loss, %g %% gain\n",
		       policy.transit_loss_ppm / 1e4,
		       policy.transit_gain_ppm / 1e4);
		for (unsigned k = 0; k < PX_KIND_SLOTS; k++)
			if (policy.max_delay_s[k])
				printf("recording delay: a %s at most %" PRIu32
				       " s after it happened\n",
				       px_entry_kind_name(
					       (Paxta__Entry__BodyCase)k),
				       policy.max_delay_s[k]);
		printf("next: register actors with 'paxta submit --data %s "
		       "--key REGISTRAR.key EVENT.json'\n",
		       data);
	}
	status = 0;
out:
	free(key_file);
	free(verifier);
	free(note);
	px_ledger_close(l);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	return status;
}

/* ---- checkpoint ---- */

static const char checkpoint_help[] =
	"usage: paxta checkpoint (--data DIR [--node-key FILE] | --node URL) "
	"[--witness KEY]...\n"
	"                        [--quorum K] [--json]\n\n"
	"Print the ledger's latest signed checkpoint: a C2SP tlog-checkpoint "
	"signed as a\nC2SP signed note with the node's key, byte for byte as "
	"the node serves it.\nWhen the log has grown since the last one and "
	"no node is running on DIR, a\nnew checkpoint is signed first.\n\n"
	"  --data DIR  the ledger in DIR; a new checkpoint is signed with its "
	"node key,\n"
	"              DIR.key or --node-key FILE (without the key, the "
	"latest stored one\n"
	"              is printed)\n"
	"  --node URL  the node at URL (http:// or https://): its latest "
	"checkpoint, checked\n"
	"              against its verifier key (GET /v1/log). A node signs "
	"one within\n"
	"              its --checkpoint-interval of the log growing; 'paxta "
	"submit --node'\n"
	"              asks for one after a load\n"
	"  --witness KEY  a witness's cosigner key (NAME+HEX8+BASE64, type "
	"0x04, as its\n"
	"              GET /v1/witness gives it); repeat for several. Its "
	"cosignature on\n"
	"              the note (C2SP cosignature/v1) is checked; one that "
	"fails is an\n"
	"              error\n"
	"  --quorum K  exit 1 unless at least K of the --witness keys "
	"cosigned the note\n"
	"  --json      {\"checkpoint\", \"verifier_key\", \"cosigned_by\"}\n";

/* The latest checkpoint, and its verifier key: the note must be signed by
 * that key, so what is printed is a checkpoint, whatever a node answered. */
static int
latest_checkpoint(const struct cli_common *c, char **note, char **verifier)
{
	struct backend *b = NULL;
	struct px_note_verifier v;
	struct px_checkpoint cp;
	size_t len;
	int status = EXIT_ERROR;

	if (backend_open(&b, c, BACKEND_CHECKPOINT))
		return EXIT_ERROR;
	if (b->ops->verifier(b, &v, verifier) ||
	    b->ops->checkpoint(b, 0, note, &len)) {
		status = backend_fail(b);
		goto out;
	}
	if (strlen(*note) != len ||
	    px_checkpoint_open(&cp, *note, len, &v) != PX_OK) {
		backend_bad_answer(b, "a checkpoint that its own verifier key "
				      "does not sign");
		status = backend_fail(b);
		goto out;
	}
	status = 0;
out:
	if (status) {
		free(*note);
		*note = NULL;
		free(*verifier);
		*verifier = NULL;
	}
	backend_close(b);
	return status;
}

/* The cosignatures on note by the witnesses given: how many verify, their
 * names in *names (a JSON array). 0, 1 (printed: a forged cosignature) or
 * 2. */
static int
count_cosignatures(const char *note, const char *const *keys, size_t n,
		   size_t *out, json_t *names)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		struct px_note_verifier v;
		int rc;

		if (px_cosig_verifier_parse(&v, keys[i]) != PX_OK)
			return usage_error("checkpoint",
					   "--witness takes a witness's "
					   "cosigner key (NAME+HEX8+BASE64, "
					   "type 0x04), not '%s'",
					   keys[i]);
		rc = px_cosig_verify(note, strlen(note), &v, NULL);
		if (rc == PX_OK) {
			(*out)++;
			json_array_append_new(names, json_string(v.name));
		} else if (rc == PX_EVERIFY) {
			printf("%sNOT COSIGNED%s: the cosignature of '%s' "
			       "does not verify\n",
			       style("red"), style("reset"), v.name);
			return EXIT_NO;
		} else if (rc != PX_ENOTFOUND) {
			return fail("cannot check the cosignatures: %s",
				    px_strerror(rc));
		}
	}
	return 0;
}

/* The options of paxta checkpoint beside --data, --node and --node-key. */
struct checkpoint_args {
	const char **keys; /* --witness KEY..., room for argc */
	size_t n_keys;
	uint64_t quorum;
	int has_quorum;
};

static int
take_checkpoint(void *ctx, int opt, const char *arg)
{
	struct checkpoint_args *a = ctx;

	switch (opt) {
	case 'w':
		a->keys[a->n_keys++] = arg;
		break;
	case 'q':
		if (parse_u64(arg, &a->quorum) || a->quorum > 64)
			return usage_error("checkpoint",
					   "--quorum takes 0 to 64");
		a->has_quorum = 1;
		break;
	default:
		return usage_error("checkpoint", "unknown option");
	}
	return 0;
}

int
cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "witness", required_argument, NULL, 'w' },
		{ "quorum", required_argument, NULL, 'q' },
		{ 0 },
	};
	struct checkpoint_args a = { 0 };
	const struct cli_parser p = {
		.cmd = "checkpoint",
		.help = checkpoint_help,
		.shortopts = "d:jh",
		.flags = CLI_JSON | CLI_NODE_KEY | CLI_CHECK_LATER,
		.own = opts,
		.take = take_checkpoint,
		.ctx = &a,
	};
	struct cli_common src;
	char *note = NULL, *verifier = NULL;
	json_t *names = NULL;
	size_t cosigned = 0;
	int status = EXIT_ERROR;

	if (!(a.keys = calloc((size_t)argc, sizeof(*a.keys))) ||
	    !(names = json_array())) {
		free(a.keys);
		return fail("out of memory");
	}
	if ((status = parse_options(&p, argc, argv, &src)) != 0) {
		status = status < 0 ? 0 : status;
		goto out;
	}
	status = EXIT_ERROR;
	/* One sentence for every way the command line is off. */
	if (argc != optind || (src.data && src.node) ||
	    (src.node_key && !src.data) || a.quorum > a.n_keys) {
		status = usage_error("checkpoint",
				     "give --data DIR [--node-key FILE] or "
				     "--node URL, no operands, and at most as "
				     "large a --quorum as there are --witness "
				     "keys");
		goto out;
	}
	if (latest_checkpoint(&src, &note, &verifier))
		goto out;
	if ((status = count_cosignatures(note, a.keys, a.n_keys, &cosigned,
					 names)) != 0)
		goto out;
	if (a.has_quorum && cosigned < a.quorum) {
		if (src.json)
			print_json(json_pack(
				"{s:s,s:s,s:O,s:b,s:s}", "checkpoint", note,
				"verifier_key", verifier, "cosigned_by", names,
				"quorum", 0, "problem",
				"fewer cosignatures than the quorum"));
		else
			printf("%sNOT COSIGNED%s: %zu of the %" PRIu64
			       " cosignatures asked for verify\n%s",
			       style("red"), style("reset"), cosigned, a.quorum,
			       note);
		status = EXIT_NO;
		goto out;
	}
	if (src.json)
		print_json(json_pack("{s:s,s:s,s:O}", "checkpoint", note,
				     "verifier_key", verifier, "cosigned_by",
				     names));
	else
		fputs(note, stdout);
	status = 0;
out:
	json_decref(names);
	free(a.keys);
	free(note);
	free(verifier);
	return status;
}

/* ---- audit ---- */

static const char audit_help[] =
	"usage: paxta audit --data DIR [--checkpoint SAVED]... [--json]\n\n"
	"Re-verify the whole ledger: every signature, every hash-chain link "
	"and stored\nMerkle subtree hash, the root and signature of every "
	"checkpoint, and every\nrule (the state is re-derived from the "
	"leaves and compared with the stored\nstate). Exit 0 only when the "
	"ledger is intact; otherwise the first bad index\nand what is wrong "
	"with it are named. An intact ledger is printed with its size,\nits "
	"root and the latest checkpoint it verified. Progress goes to stderr "
	"on a\nterminal.\n\n"
	"  --checkpoint SAVED  also check a checkpoint kept elsewhere (a "
	"file holding the\n"
	"                      note, as 'paxta checkpoint' printed it): it "
	"must be signed\n"
	"                      by the ledger's node key, and the ledger's "
	"tree of that\n"
	"                      size must have its root. One that the ledger "
	"does not\n"
	"                      extend (rolled back, forked) is reported with "
	"both roots\n"
	"                      and the audit fails. Repeat for several\n"
	"  --json              the result as JSON\n\n"
	"Audit reads the folder itself, beside a running node if need be, "
	"and needs no\nnode key: it takes no --node. Over HTTP, 'paxta proof "
	"--node URL' checks\ninclusion and consistency proofs against the "
	"node's signed checkpoints.\n";

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

/* A checkpoint kept elsewhere, checked against the ledger. */
struct saved_check {
	const char *file;
	int extended; /* 1: the ledger's tree of its size has its root */
	uint64_t size;
	char note_root[64], log_root[64]; /* base64; log_root "" past the log */
	char problem[256];
};

static void
root_b64(char out[64], const struct px_hash *h)
{
	char *b64 = NULL;

	out[0] = '\0';
	if (px_base64_encode(&b64, h->b, PX_HASH_LEN) == PX_OK)
		snprintf(out, 64, "%s", b64);
	free(b64);
}

/* 0 (checked: c->extended says how), or EXIT_ERROR (printed). */
static int
check_saved(struct saved_check *c, struct px_ledger *l, struct px_txn *t,
	    const struct px_note_verifier *v)
{
	struct px_checkpoint cp;
	struct px_hash root;
	char *note = NULL;
	size_t len;
	uint64_t size = px_store_size(t);
	int rc;

	if (read_small_file(c->file, PX_NOTE_MAX, &note, &len))
		return EXIT_ERROR;
	rc = strlen(note) == len ? px_checkpoint_open(&cp, note, len, v)
				 : PX_EMALFORMED;
	free(note);
	if (rc == PX_EVERIFY) {
		snprintf(c->problem, sizeof(c->problem),
			 "not signed by this ledger's node key (%s)",
			 px_ledger_origin(l));
		return 0;
	}
	if (rc != PX_OK) {
		snprintf(c->problem, sizeof(c->problem),
			 "not a signed checkpoint");
		return 0;
	}
	c->size = cp.size;
	root_b64(c->note_root, &cp.root);
	if (cp.size > size) {
		snprintf(c->problem, sizeof(c->problem),
			 "the ledger holds %" PRIu64
			 " entries, the note %" PRIu64 ": it went back",
			 size, cp.size);
		return 0;
	}
	if ((rc = px_store_root(t, cp.size, &root)) != PX_OK)
		return fail("cannot compute the root of %" PRIu64
			    " entries: %s",
			    cp.size, px_strerror(rc));
	root_b64(c->log_root, &root);
	if (memcmp(root.b, cp.root.b, PX_HASH_LEN) != 0) {
		snprintf(c->problem, sizeof(c->problem),
			 "the ledger's tree of %" PRIu64
			 " entries has another root: it does not extend the "
			 "note",
			 cp.size);
		return 0;
	}
	c->extended = 1;
	return 0;
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct px_ledger *l = NULL;
	struct px_audit_report report;
	struct progress prog = { 0, 0 };
	struct timespec t0, t1;
	struct saved_check *saved = NULL;
	struct px_note_verifier verifier;
	struct px_txn *t = NULL;
	struct px_hash root;
	const char *data = NULL, *latest_note = NULL;
	char *verifier_text = NULL, *latest = NULL, root_text[64];
	size_t n_saved = 0, latest_len = 0;
	uint64_t latest_size = 0;
	double secs;
	int json = 0, c, rc, status = EXIT_ERROR, all_extended = 1;

	if (!(saved = calloc((size_t)argc, sizeof(*saved))))
		return fail("out of memory");
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'c':
			saved[n_saved++].file = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(audit_help, stdout);
			status = 0;
			goto out;
		case 'n':
			status = usage_error(
				"audit",
				"audit re-reads a ledger folder: give --data "
				"DIR (it works beside a running node; a "
				"node's log is checked remotely with 'paxta "
				"proof --node')");
			goto out;
		default:
			status = usage_error("audit", "unknown option");
			goto out;
		}
	}
	if (optind != argc) {
		status = usage_error("audit", "takes no operands");
		goto out;
	}
	if (open_ledger(&l, data, PX_LEDGER_READONLY))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = px_audit(&report, l, NULL, NULL,
		      err_is_tty() ? audit_progress : NULL, &prog);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (prog.shown)
		fputc('\n', stderr);
	if (rc != PX_OK) {
		status = fail("audit could not check the ledger: %s",
			      px_strerror(rc));
		goto out;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* What was verified: the size, the root, the latest checkpoint; and
	 * the notes kept elsewhere against them. A ledger that is not intact
	 * has no root to speak of. */
	root_text[0] = '\0';
	if ((rc = px_ledger_read(l, &t)) != PX_OK) {
		status = fail("cannot read the audited ledger: %s",
			      px_strerror(rc));
		goto out;
	}
	if (!report.intact)
		n_saved = 0;
	else if ((rc = px_store_root(t, px_store_size(t), &root)) != PX_OK ||
		 (rc = px_ledger_verifier_key(l, &verifier_text)) != PX_OK ||
		 (rc = px_note_verifier_parse(&verifier, verifier_text)) !=
			 PX_OK) {
		status = fail("cannot read the audited ledger: %s",
			      px_strerror(rc));
		goto out;
	} else {
		root_b64(root_text, &root);
	}
	if (report.intact &&
	    px_store_checkpoint_latest(t, &latest_size, &latest_note,
				       &latest_len) == PX_OK &&
	    !(latest = strndup(latest_note, latest_len))) {
		status = fail("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_saved; i++) {
		if (check_saved(&saved[i], l, t, &verifier))
			goto out;
		all_extended &= saved[i].extended;
	}
	if (json) {
		json_t *j = json_pack(
			"{s:b,s:I,s:I,s:f,s:I,s:s*,s:s*}", "intact",
			report.intact && all_extended, "entries",
			(json_int_t)report.entries, "checkpoints",
			(json_int_t)report.checkpoints, "seconds", secs, "size",
			(json_int_t)px_store_size(t), "root",
			report.intact ? root_text : NULL, "checkpoint", latest);
		json_t *arr = json_array();

		for (size_t i = 0; i < n_saved && j && arr; i++) {
			json_t *e = json_pack("{s:s,s:b,s:I,s:s,s:s}", "file",
					      saved[i].file, "extended",
					      saved[i].extended, "size",
					      (json_int_t)saved[i].size,
					      "note_root", saved[i].note_root,
					      "log_root", saved[i].log_root);

			if (e && !saved[i].extended)
				json_object_set_new(
					e, "problem",
					json_string(saved[i].problem));
			json_array_append_new(arr, e);
		}
		if (j && n_saved)
			json_object_set(j, "saved_checkpoints", arr);
		json_decref(arr);
		if (j && report.intact && !all_extended)
			json_object_set_new(
				j, "problem",
				json_string("a saved checkpoint is not "
					    "extended by the ledger"));
		if (j && report.replica)
			json_object_set_new(j, "replica", json_true());
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
	} else {
		if (report.intact) {
			printf("%sintact%s: %" PRIu64 " entries and %" PRIu64
			       " checkpoint%s verified in %.2f s\n",
			       style("green"), style("reset"), report.entries,
			       report.checkpoints,
			       report.checkpoints == 1 ? "" : "s", secs);
			printf("  size %" PRIu64 ", root %s\n",
			       px_store_size(t), root_text);
			if (report.replica)
				printf("  a replica: its checkpoints are its "
				       "source's signed notes, each verified; "
				       "none is sealed here\n");
			if (latest)
				printf("  latest checkpoint (%" PRIu64
				       " entries):\n%s",
				       latest_size, latest);
		} else {
			printf("%sNOT INTACT%s: %s\n", style("red"),
			       style("reset"), report.problem);
		}
		for (size_t i = 0; i < n_saved; i++) {
			if (saved[i].extended) {
				printf("saved checkpoint '%s': %sextended%s "
				       "(%" PRIu64 " entries, root %s)\n",
				       saved[i].file, style("green"),
				       style("reset"), saved[i].size,
				       saved[i].note_root);
				continue;
			}
			printf("saved checkpoint '%s': %sNOT EXTENDED%s: %s\n",
			       saved[i].file, style("red"), style("reset"),
			       saved[i].problem);
			if (saved[i].note_root[0])
				printf("  the note:   %" PRIu64
				       " entries, root %s\n",
				       saved[i].size, saved[i].note_root);
			if (saved[i].log_root[0])
				printf("  the ledger: %" PRIu64
				       " entries, root %s\n",
				       saved[i].size, saved[i].log_root);
			else if (saved[i].note_root[0])
				printf("  the ledger: %" PRIu64
				       " entries, root %s\n",
				       px_store_size(t), root_text);
		}
	}
	status = report.intact && all_extended ? 0 : EXIT_NO;
out:
	px_store_abort(t);
	px_ledger_close(l);
	free(verifier_text);
	free(latest);
	free(saved);
	return status;
}
