/*
 * paxtad — the paxta node: serves a ledger over HTTP (DESIGN.md §6.3).
 *
 * main: flags, opening the ledger (one writer per folder), starting the
 * writer and the HTTP server, and a clean stop on SIGTERM or SIGINT: stop
 * accepting connections, let the requests in flight finish, commit what is
 * queued, sign a last checkpoint, close the ledger.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paxta/crypto.h"
#include "paxta/witness.h"
#include "paxtad.h"

#define MAX_WITNESSES 16

#define EXIT_ERROR 2

static const char help[] =
	"usage: paxtad --data DIR [--listen ADDR:PORT] [options]\n\n"
	"Serve the paxta ledger in DIR over HTTP: signed entries in "
	"(POST /v1/entries),\nverdicts, lineage, recalls, proofs and "
	"signed checkpoints out. The routes are\nthose of DESIGN.md §6.3, "
	"under /v1; docs/api.md documents each one. A page for\npeople is "
	"at /lots/ID.\n\n"
	"Every entry is checked against every rule and acknowledged (201) "
	"only once it\nis on disk: request threads verify signatures in "
	"parallel, and one writer\ncommits everything waiting in one "
	"transaction and one fsync (group commit).\n\n"
	"  --data DIR              the ledger folder (made by 'paxta "
	"init'); required.\n"
	"                          One process writes a ledger at a time: "
	"a second paxtad\n"
	"                          on DIR is refused. 'paxta ... --data "
	"DIR' may still read it.\n"
	"  --node-key FILE         the node's signing key (default DIR.key, "
	"beside the folder,\n"
	"                          as 'paxta init' writes it; never inside "
	"it)\n"
	"  --replica               serve a read replica that 'paxta mirror' "
	"keeps in DIR:\n"
	"                          every read route, the source's "
	"checkpoints; no key, and\n"
	"                          no entries taken (403 read_only), while "
	"the mirror appends\n"
	"  --listen ADDR:PORT      address to serve on (default "
	"127.0.0.1:8470); [::1]:8470\n"
	"                          for IPv6, 0.0.0.0:8470 for every "
	"interface, port 0 for any\n"
	"                          free port (the port taken is printed "
	"on stderr)\n"
	"  --threads N             HTTP threads, which verify the "
	"signatures of what they\n"
	"                          receive, and as many for the "
	"signatures of big batches\n"
	"                          (default: one per CPU)\n"
	"  --checkpoint-interval S sign a checkpoint when the log has "
	"grown and S seconds\n"
	"                          passed since the last (default 10; 0: "
	"only on POST\n"
	"                          /v1/checkpoint and on the way out)\n"
	"  --max-body BYTES        largest request body, checked from "
	"Content-Length before\n"
	"                          reading it and as a chunked body "
	"comes (413 past it);\n"
	"                          a number or with K or M (default 8M). "
	"One entry is at\n"
	"                          most 64K; a batch at most 10000 "
	"entries\n"
	"  --max-connections N     open connections at once, in total "
	"(default 512)\n"
	"  --max-per-ip N          open connections from one client "
	"address (default 32;\n"
	"                          0: no limit)\n"
	"  --timeout SECONDS       close a connection idle this long "
	"(default 15); also how\n"
	"                          long a stop waits for requests in "
	"flight\n"
	"  --request-timeout SECONDS\n"
	"                          a request's headers and body must "
	"arrive within this\n"
	"                          long, however slowly they trickle "
	"(default 10)\n"
	"  --send-timeout SECONDS  an answer must be taken by the client "
	"within this long\n"
	"                          (default 60)\n"
	"  --answer-budget BYTES   memory for answers, all connections "
	"together: answers\n"
	"                          waiting to be taken, and each streamed "
	"one's 64K buffer\n"
	"                          and the result it is made from; past it "
	"a request is\n"
	"                          answered 503 (default 128M, at least "
	"256K)\n"
	"  --help                  this text\n";

/* Two strings: C11 compilers need take no more than 4095 bytes in one. */
static const char help_witness[] =
	"\nas a witness (C2SP tlog-witness; docs/witness.md):\n"
	"  --witness-for KEY       cosign the checkpoints of the log with "
	"this verifier key\n"
	"                          (NAME+HEX8+BASE64, its GET /v1/log "
	"'verifier_key'); repeat\n"
	"                          for several. Serves POST /add-checkpoint "
	"and keeps what it\n"
	"                          cosigned, and the evidence of forks, in "
	"DIR/witness\n"
	"  --witness-key FILE      the witness's own Ed25519 key (default "
	"DIR.witness.key;\n"
	"                          'paxta keygen --out FILE' makes one)\n"
	"  --witness-name NAME     its name in cosignatures (default "
	"ORIGIN/witness)\n"
	"\nas a log with witnesses:\n"
	"  --witness URL=KEY       submit every new checkpoint to the "
	"witness at URL, whose\n"
	"                          cosigner key (GET URL/v1/witness) is KEY; "
	"repeat for\n"
	"                          several. GET /v1/checkpoint serves the "
	"note with the\n"
	"                          cosignatures collected\n"
	"  --quorum K              how many cosignatures each checkpoint "
	"should have (a\n"
	"                          warning on stderr when fewer came; "
	"clients check it with\n"
	"                          'paxta checkpoint --witness KEY... "
	"--quorum K')\n\n"
	"Signals: SIGTERM or SIGINT stop the node cleanly. Exit status: 0 "
	"after a clean\nstop, 2 when it cannot start (no ledger, ledger in "
	"use, address taken).\n\n"
	"example:\n"
	"  paxta init --data ledger --origin example.org/cotton "
	"--registrar uz.registrar=KEY\n"
	"  paxtad --data ledger --listen 127.0.0.1:8470 &\n"
	"  curl -s http://127.0.0.1:8470/v1/log\n"
	"  paxta sign --data ledger --key farm.key harvest.json > e.pb\n"
	"  curl -s -H 'Content-Type: application/x-protobuf' --data-binary "
	"@e.pb \\\n"
	"       http://127.0.0.1:8470/v1/entries\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("paxtad: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fputs("paxtad: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntry 'paxtad --help'\n", stderr);
	return EXIT_ERROR;
}

/* A decimal number in [min, max], optionally with K or M (for bytes). */
static int
parse_number(const char *text, uint64_t min, uint64_t max, int suffix,
	     uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -1;
	if (suffix && (*end == 'K' || *end == 'k') && v <= max >> 10) {
		v <<= 10;
		end++;
	} else if (suffix && (*end == 'M' || *end == 'm') && v <= max >> 20) {
		v <<= 20;
		end++;
	}
	if (*end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "ADDR:PORT", "[V6ADDR]:PORT". */
static int
parse_listen(const char *text, struct pxd_config *c)
{
	const char *colon = strrchr(text, ':');
	const char *host = text;
	size_t n;
	uint64_t port;

	if (!colon || parse_number(colon + 1, 0, 65535, 0, &port) != 0)
		return -1;
	n = (size_t)(colon - text);
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(c->listen_host))
		return -1;
	memcpy(c->listen_host, host, n);
	c->listen_host[n] = '\0';
	c->listen_port = (unsigned)port;
	return 0;
}

static int
open_ledger(struct px_ledger **out, const char *dir, const char *key_file,
	    int replica)
{
	int rc = px_ledger_open_key(out, dir, key_file,
				    replica ? PX_LEDGER_READONLY : 0);
	char why[512];

	if (rc == PX_OK)
		return 0;
	px_ledger_open_words(why, sizeof(why), rc, dir, key_file);
	return fail("%s", why);
}

enum {
	OPT_DATA = 1000,
	OPT_NODE_KEY,
	OPT_REPLICA,
	OPT_WITNESS_FOR,
	OPT_WITNESS_KEY,
	OPT_WITNESS_NAME,
	OPT_WITNESS,
	OPT_QUORUM,
	OPT_LISTEN,
	OPT_THREADS,
	OPT_INTERVAL,
	OPT_MAX_BODY,
	OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_IP,
	OPT_TIMEOUT,
	OPT_REQUEST_TIMEOUT,
	OPT_SEND_TIMEOUT,
	OPT_ANSWER_BUDGET,
	OPT_HELP,
	OPT_VERSION,
};

static int
parse_flags(int argc, char **argv, struct pxd_config *c)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, OPT_DATA },
		{ "node-key", required_argument, NULL, OPT_NODE_KEY },
		{ "replica", no_argument, NULL, OPT_REPLICA },
		{ "witness-for", required_argument, NULL, OPT_WITNESS_FOR },
		{ "witness-key", required_argument, NULL, OPT_WITNESS_KEY },
		{ "witness-name", required_argument, NULL, OPT_WITNESS_NAME },
		{ "witness", required_argument, NULL, OPT_WITNESS },
		{ "quorum", required_argument, NULL, OPT_QUORUM },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "checkpoint-interval", required_argument, NULL,
		  OPT_INTERVAL },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "max-connections", required_argument, NULL,
		  OPT_MAX_CONNECTIONS },
		{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "request-timeout", required_argument, NULL,
		  OPT_REQUEST_TIMEOUT },
		{ "send-timeout", required_argument, NULL, OPT_SEND_TIMEOUT },
		{ "answer-budget", required_argument, NULL, OPT_ANSWER_BUDGET },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	static const char *witness_for[PX_WITNESS_LOGS_MAX];
	static const char *witnesses[MAX_WITNESSES];
	uint64_t v;
	int opt;

	*c = (struct pxd_config){
		.witness_for = witness_for,
		.witnesses = witnesses,
		.threads = cpus > 0 ? (unsigned)(cpus < 64 ? cpus : 64) : 1,
		.checkpoint_interval = 10,
		.max_body = (size_t)8 << 20,
		/* a few hundred slow connections from a handful of
		 * addresses leave room for everyone else (docs/reliability.md)
		 */
		.max_connections = 512,
		.max_per_ip = 32,
		.timeout = 15,
		.request_timeout = 10,
		.send_timeout = 60,
		.answer_budget = (size_t)128 << 20,
	};
	parse_listen("127.0.0.1:8470", c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_DATA:
			c->data = optarg;
			break;
		case OPT_NODE_KEY:
			c->node_key = optarg;
			break;
		case OPT_REPLICA:
			c->replica = 1;
			break;
		case OPT_WITNESS_FOR:
			if (c->n_witness_for == PX_WITNESS_LOGS_MAX)
				return usage("at most %d --witness-for",
					     PX_WITNESS_LOGS_MAX);
			c->witness_for[c->n_witness_for++] = optarg;
			break;
		case OPT_WITNESS_KEY:
			c->witness_key = optarg;
			break;
		case OPT_WITNESS_NAME:
			c->witness_name = optarg;
			break;
		case OPT_WITNESS:
			if (c->n_witnesses == MAX_WITNESSES)
				return usage("at most %d --witness",
					     MAX_WITNESSES);
			c->witnesses[c->n_witnesses++] = optarg;
			break;
		case OPT_QUORUM:
			if (parse_number(optarg, 0, MAX_WITNESSES, 0, &v) != 0)
				return usage("--quorum takes 0 to %d",
					     MAX_WITNESSES);
			c->quorum = (unsigned)v;
			break;
		case OPT_LISTEN:
			if (parse_listen(optarg, c) != 0)
				return usage("--listen takes ADDR:PORT, like "
					     "127.0.0.1:8470 or [::1]:8470");
			break;
		case OPT_THREADS:
			if (parse_number(optarg, 1, 64, 0, &v) != 0)
				return usage("--threads takes 1 to 64");
			c->threads = (unsigned)v;
			break;
		case OPT_INTERVAL:
			if (parse_number(optarg, 0, 86400, 0, &v) != 0)
				return usage("--checkpoint-interval takes "
					     "seconds, 0 to 86400");
			c->checkpoint_interval = (unsigned)v;
			break;
		case OPT_MAX_BODY:
			if (parse_number(optarg, 1024, (uint64_t)1 << 30, 1,
					 &v) != 0)
				return usage("--max-body takes bytes, 1K to "
					     "1024M (like 8M)");
			c->max_body = (size_t)v;
			break;
		case OPT_MAX_CONNECTIONS:
			if (parse_number(optarg, 1, 100000, 0, &v) != 0)
				return usage("--max-connections takes 1 to "
					     "100000");
			c->max_connections = (unsigned)v;
			break;
		case OPT_MAX_PER_IP:
			if (parse_number(optarg, 0, 100000, 0, &v) != 0)
				return usage("--max-per-ip takes 0 (no limit) "
					     "to 100000");
			c->max_per_ip = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (parse_number(optarg, 1, 86400, 0, &v) != 0)
				return usage("--timeout takes seconds, 1 to "
					     "86400");
			c->timeout = (unsigned)v;
			break;
		case OPT_REQUEST_TIMEOUT:
			if (parse_number(optarg, 1, 3600, 0, &v) != 0)
				return usage("--request-timeout takes seconds, "
					     "1 to 3600");
			c->request_timeout = (unsigned)v;
			break;
		case OPT_SEND_TIMEOUT:
			if (parse_number(optarg, 1, 86400, 0, &v) != 0)
				return usage("--send-timeout takes seconds, 1 "
					     "to 86400");
			c->send_timeout = (unsigned)v;
			break;
		case OPT_ANSWER_BUDGET:
			if (parse_number(optarg, 256 * 1024, (uint64_t)16 << 30,
					 1, &v) != 0)
				return usage(
					"--answer-budget takes bytes, 256K "
					"to 16384M (like 128M)");
			c->answer_budget = (size_t)v;
			break;
		case 'h':
		case OPT_HELP:
			fputs(help, stdout);
			fputs(help_witness, stdout);
			return -1;
		case OPT_VERSION:
			puts("paxtad 0.1.0");
			return -1;
		default:
			return usage("unknown option");
		}
	}
	if (optind != argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!c->data)
		return usage("give the ledger folder: --data DIR (made by "
			     "'paxta init')");
	if (c->quorum > c->n_witnesses)
		return usage("--quorum %u asks for more cosignatures than the "
			     "%zu --witness given",
			     c->quorum, c->n_witnesses);
	return 0;
}

int
main(int argc, char **argv)
{
	struct pxd_config config;
	struct pxd_node node = { .config = &config };
	struct pxd_http *http = NULL;
	char **route_names = NULL, err[512];
	sigset_t stop;
	unsigned port = 0;
	int rc, sig, status = EXIT_ERROR;

	if ((rc = parse_flags(argc, argv, &config)) != 0)
		return rc < 0 ? 0 : rc;
	if (px_crypto_init() != PX_OK)
		return fail("cannot initialise libsodium");

	/* Every thread started from here on inherits the mask: only
	 * sigwait below hears SIGTERM and SIGINT. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (config.replica && (config.node_key || config.n_witnesses))
		return usage("a --replica signs nothing: no --node-key, no "
			     "--witness");
	if (open_ledger(&node.ledger, config.data, config.node_key,
			config.replica))
		return EXIT_ERROR;
	if (px_ledger_verifier_key(node.ledger, &node.verifier_key) != PX_OK) {
		fail("out of memory");
		goto out;
	}
	route_names = calloc(pxd_n_routes, sizeof(*route_names));
	if (!route_names)
		goto out;
	for (size_t i = 0; i < pxd_n_routes; i++)
		if (asprintf(&route_names[i], "%s %s", pxd_routes[i].method,
			     pxd_routes[i].pattern) < 0) {
			route_names[i] = NULL;
			fail("out of memory");
			goto out;
		}
	if (pxd_metrics_new(&node.metrics, pxd_n_routes,
			    (const char *const *)route_names) != PX_OK) {
		fail("out of memory");
		goto out;
	}
	if ((rc = pxd_verify_new(&node.verify, config.threads)) != PX_OK) {
		fail("cannot start verifier threads: %s", px_strerror(rc));
		goto out;
	}
	if (!config.replica &&
	    (rc = pxd_writer_start(&node.writer, node.ledger, node.metrics,
				   config.checkpoint_interval)) != PX_OK) {
		fail("cannot start the writer: %s", px_strerror(rc));
		goto out;
	}
	err[0] = '\0';
	if (pxd_witness_start(&node.witness, &config,
			      px_ledger_origin(node.ledger), err,
			      sizeof(err)) != PX_OK) {
		fail("%s", err[0] ? err : "cannot start the witness");
		goto out;
	}
	if (pxd_cosigner_start(&node.cosigner, &node, err, sizeof(err)) !=
		    PX_OK ||
	    pxd_cosigner_run(node.cosigner) != PX_OK) {
		fail("%s", err[0] ? err : "cannot start the witness client");
		goto out;
	}
	if (pxd_http_start(&http, &node, &port, err, sizeof(err)) != PX_OK) {
		fail("%s", err);
		goto out;
	}
	{
		struct px_txn *t;
		uint64_t size = 0;

		if (px_ledger_read(node.ledger, &t) == PX_OK) {
			size = px_store_size(t);
			px_store_abort(t);
		}
		fprintf(stderr,
			"paxtad: serving %sledger '%s' (%" PRIu64
			" entries) on http://%s%s%s:%u with %u threads\n",
			config.replica ? "a read replica of " : "",
			px_ledger_origin(node.ledger), size,
			strchr(config.listen_host, ':') ? "[" : "",
			config.listen_host,
			strchr(config.listen_host, ':') ? "]" : "", port,
			config.threads);
		if (node.witness)
			fprintf(stderr, "paxtad: witness of %zu log%s as %s\n",
				config.n_witness_for,
				config.n_witness_for == 1 ? "" : "s",
				pxd_witness_verifier_key(node.witness));
	}

	if (sigwait(&stop, &sig) != 0)
		sig = SIGTERM;
	fprintf(stderr,
		"paxtad: %s: no new connections; finishing the requests in "
		"flight\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	pxd_http_quiesce(http);
	if (!pxd_http_drain(http, config.timeout))
		fprintf(stderr,
			"paxtad: requests still in flight after %u s: "
			"closing them\n",
			config.timeout);
	/* Everything queued is committed and answered; new entries on open
	 * connections are answered 503. */
	pxd_writer_stop(node.writer);
	pxd_http_drain(http, 5);
	status = 0;
out:
	pxd_http_stop(http);
	pxd_cosigner_free(node.cosigner);
	pxd_witness_free(node.witness);
	pxd_writer_free(node.writer);
	pxd_verify_free(node.verify);
	pxd_metrics_free(node.metrics);
	for (size_t i = 0; route_names && i < pxd_n_routes; i++)
		free(route_names[i]);
	free(route_names);
	free(node.verifier_key);
	px_ledger_close(node.ledger);
	if (status == 0)
		fprintf(stderr, "paxtad: stopped; the ledger is closed\n");
	return status;
}
