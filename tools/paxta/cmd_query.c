/* paxta lot, verify, recall, actor, entry: asking the ledger. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/holdings.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"

/* Options of the query commands: --data DIR or --node URL, --json, --at
 * SIZE, and recall's. */
struct query {
	struct cli_common c;
	uint64_t at;
	const char *district, *farm;
	uint64_t season, attestation;
	int has_attestation;
	int holdings;
	int shipments;
	const char *cmd;
	struct backend *b;
};

enum {
	OPT_AT = 1000,
	OPT_DISTRICT,
	OPT_FARM,
	OPT_SEASON,
	OPT_ATTESTATION,
	OPT_HOLDINGS,
	OPT_SHIPMENTS
};

static int
take_query(void *ctx, int opt, const char *arg)
{
	struct query *q = ctx;

	switch (opt) {
	case OPT_AT:
		if (parse_u64(arg, &q->at) || q->at == 0)
			return usage_error(q->cmd, "--at takes a tree size (a "
						   "number of entries)");
		break;
	case OPT_DISTRICT:
		q->district = arg;
		break;
	case OPT_FARM:
		q->farm = arg;
		break;
	case OPT_SEASON:
		if (parse_u64(arg, &q->season) || q->season < PX_SEASON_MIN ||
		    q->season > PX_SEASON_MAX)
			return usage_error(q->cmd, "--season takes a year, "
						   "like 2026");
		break;
	case OPT_ATTESTATION:
		if (parse_u64(arg, &q->attestation))
			return usage_error(q->cmd, "--attestation takes an "
						   "entry index");
		q->has_attestation = 1;
		break;
	case OPT_HOLDINGS:
		q->holdings = 1;
		break;
	case OPT_SHIPMENTS:
		q->shipments = 1;
		break;
	default:
		return usage_error(q->cmd, "unknown option");
	}
	return 0;
}

static int
parse_query(const char *cmd, const char *help, int argc, char **argv,
	    struct query *q)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, OPT_AT },
		{ "district", required_argument, NULL, OPT_DISTRICT },
		{ "farm", required_argument, NULL, OPT_FARM },
		{ "season", required_argument, NULL, OPT_SEASON },
		{ "attestation", required_argument, NULL, OPT_ATTESTATION },
		{ "holdings", no_argument, NULL, OPT_HOLDINGS },
		{ "shipments", no_argument, NULL, OPT_SHIPMENTS },
		{ 0 },
	};
	const struct cli_parser p = {
		.cmd = cmd,
		.help = help,
		.shortopts = "d:jh",
		.flags = CLI_JSON,
		.own = opts,
		.take = take_query,
		.ctx = q,
	};

	memset(q, 0, sizeof(*q));
	q->cmd = cmd;
	return parse_options(&p, argc, argv, &q->c);
}

/* An answer without what every answer of its kind has: only a node (or
 * something that is not one) gives those. */
static int
bad_answer(struct query *q, const char *what)
{
	backend_bad_answer(q->b, what);
	return backend_fail(q->b);
}

/* The answer as JSON, or for people by render: the same either way for a
 * ledger and a node, since both are the core's JSON. */
static void
print_answer(const struct query *q, json_t *j, void (*render)(json_t *))
{
	if (q->c.json) {
		print_json(json_incref(j));
		return;
	}
	/* A node's text cannot break the lines or drive the terminal. */
	json_clean(j);
	render(j);
}

/* What an operation answered (rc), checked for the shape its kind has
 * (shaped), and printed by render: the exit status. */
static int
show(struct query *q, int rc, json_t *j, int shaped, const char *what,
     void (*render)(json_t *))
{
	if (rc)
		return backend_fail(q->b);
	if (!shaped)
		return bad_answer(q, what);
	print_answer(q, j, render);
	return 0;
}

static const char *
status_colour(const char *status)
{
	if (strcmp(status, "certified") == 0)
		return style("green");
	if (strcmp(status, "forced_labour") == 0 ||
	    strcmp(status, "child_labour") == 0 ||
	    strcmp(status, "lab_mismatch") == 0 ||
	    strcmp(status, "facility") == 0)
		return style("red");
	return style("yellow");
}

/* ---- verify ---- */

static const char verify_help[] =
	"usage: paxta verify (--data DIR | --node URL) LOT [--at SIZE] "
	"[--json]\n\n"
	"Is lot LOT free of forced labour? The verdict traces every kg of the "
	"lot to its\norigin harvests (through every blend, split and "
	"shipment) and weighs each\norigin by its monitors' statements on "
	"the farm, its district, its region and\nthe country for the "
	"season: each monitor's latest statement counts, the\nworst across "
	"monitors wins (docs/statements.md).\n\n"
	"  free        every kg traces to certified origins\n"
	"  flagged     some kg traces to forced or child labour, passed "
	"through a facility\n"
	"              under such a finding, or a lab found it does not "
	"match its origin\n"
	"  unverified  some kg traces to origins that are uncertified, "
	"remediated, under\n"
	"              review or whose certification was withdrawn\n\n"
	"  --data DIR  the ledger in DIR\n"
	"  --node URL  ask the paxtad node at URL (http:// or https://)\n"
	"  --at SIZE   the verdict as of the tree of SIZE entries (a "
	"checkpoint you held):\n"
	"              only what was logged before it counts\n"
	"  --json      the verdict with its breakdown as JSON\n\n"
	"Exit 0 only when the verdict is free; 1 otherwise; 2 on errors.\n";

void
print_verdict(json_t *v)
{
	static const char *const order[] = {
		"certified",     "remediated",  "under_review",
		"withdrawn",     "uncertified", "child_labour",
		"forced_labour", "facility",    "lab_mismatch",
	};
	const char *verdict = jstr(v, "verdict");
	const char *colour = strcmp(verdict, "free") == 0 ? style("green")
			     : strcmp(verdict, "flagged") == 0
				     ? style("red")
				     : style("yellow");
	json_t *by_status = json_object_get(v, "by_status");
	json_t *origins = json_object_get(v, "origins");
	json_t *reasons = json_object_get(v, "reasons"), *o;
	json_t *labs = json_object_get(v, "labs");
	size_t n_origins = json_array_size(origins), i;
	json_int_t ancestors = jint(v, "ancestors");
	char kg[PX_KG_TEXT];

	jkg(kg, v, "kg");
	printf("lot %s%s%s (%s, %s kg) as of entry %" JSON_INTEGER_FORMAT
	       ": %s%s%s%s\n\n",
	       style("bold"), jstr(v, "lot"), style("reset"),
	       jstr(v, "product"), kg, jint(v, "at"), style("bold"), colour,
	       verdict, style("reset"));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		json_t *st = json_object_get(by_status, order[i]);
		double share = jnum(st, "share");

		if (share <= 0)
			continue;
		jkg(kg, st, "kg");
		printf("  %s%-14s%s ", status_colour(order[i]), order[i],
		       style("reset"));
		print_bar(share > 1 ? 1 : share, 24);
		printf(" %6.1f %%  %12s kg\n", share * 100, kg);
	}
	printf("\n  %zu origin%s, %" JSON_INTEGER_FORMAT
	       " lot%s in the lineage\n",
	       n_origins, n_origins == 1 ? "" : "s", ancestors,
	       ancestors == 1 ? "" : "s");
	json_array_foreach(origins, i, o)
	{
		if (i == 8)
			break;
		printf("    %5.1f %%  %-22s farm %-20s %s %" JSON_INTEGER_FORMAT
		       "  %s%s%s\n",
		       jnum(o, "share") * 100, jstr(o, "lot"), jstr(o, "farm"),
		       jstr(o, "district"), jint(o, "season"),
		       status_colour(jstr(o, "status")), jstr(o, "status"),
		       style("reset"));
	}
	if (n_origins > 8)
		printf("    … and %zu more (--json lists them all)\n",
		       n_origins - 8);
	if (json_array_size(labs))
		printf("\n  labs:\n");
	json_array_foreach(labs, i, o)
	{
		jkg(kg, o, "kg");
		printf("    %s%s%s tested %s (%s): %.1f %% of it does not "
		       "match, %s kg here; report %s, entry "
		       "%" JSON_INTEGER_FORMAT "\n",
		       style("red"), jstr(o, "lab"), style("reset"),
		       jstr(o, "lot"),
		       *jstr(o, "method") ? jstr(o, "method")
					  : "method not given",
		       jnum(o, "lot_share") * 100, kg,
		       json_string_value(json_object_get(o, "report_sha256"))
			       ? json_string_value(
					 json_object_get(o, "report_sha256"))
			       : "not given",
		       jint(o, "index"));
	}
	if (json_array_size(reasons)) {
		printf("\n  why:\n");
		json_array_foreach(reasons, i, o) printf(
			"    • %s\n",
			json_string_value(o) ? json_string_value(o) : "?");
	}
}

int
cmd_verify(int argc, char **argv)
{
	static const char *const verdicts[] = { "free", "flagged", "unverified",
						"invalid" };
	struct query q;
	json_t *j = NULL;
	const char *verdict;
	int rc, known = 0;

	if ((rc = parse_query("verify", verify_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return usage_error("verify", "give one lot id");
	if (backend_open(&q.b, &q.c, BACKEND_READ))
		return EXIT_ERROR;
	if (q.b->ops->verdict(q.b, argv[optind], q.at, &j)) {
		rc = backend_fail(q.b);
		backend_close(q.b);
		return rc;
	}
	verdict = jstr(j, "verdict");
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		known |= strcmp(verdict, verdicts[i]) == 0;
	if (!known) {
		rc = bad_answer(&q, "a verdict that is not free, flagged, "
				    "unverified or invalid");
		json_decref(j);
		backend_close(q.b);
		return rc;
	}
	print_answer(&q, j, print_verdict);
	rc = strcmp(verdict, "free") == 0 ? 0 : EXIT_NO;
	json_decref(j);
	backend_close(q.b);
	return rc;
}

/* ---- lot ---- */

static const char lot_help[] =
	"usage: paxta lot (--data DIR | --node URL) LOT [--shipments] "
	"[--json]\n\n"
	"A lot's state: its product and mass, who made it and from what, who "
	"holds how\nmany kg now, the lots made from it, lab results, and its "
	"composition by origin.\n\n"
	"  --data DIR   the ledger in DIR\n"
	"  --node URL   ask the paxtad node at URL (http:// or https://)\n"
	"  --shipments  every shipment that carried LOT instead, oldest "
	"first: from, to,\n"
	"               the kg sent, when it was sent, and the kg weighed on "
	"arrival,\n"
	"               in transit, or voided (GET /v1/lots/{id}/shipments)\n"
	"  --json       as JSON (docs/api.md, GET /v1/lots/{id}): inputs[].kg "
	"is the kg of\n"
	"               each input consumed to make LOT; outputs[].kg_used the "
	"kg of LOT\n"
	"               consumed into each lot made from it (a transform with "
	"several\n"
	"               outputs lists what it consumed under each)\n";

static void
print_lot_shipments(json_t *j)
{
	json_t *sh, *sent, *got;
	char kg[PX_KG_TEXT], kg2[PX_KG_TEXT];
	size_t i;

	printf("lot %s%s%s: %zu shipment%s\n", style("bold"), jstr(j, "lot"),
	       style("reset"), json_array_size(json_object_get(j, "shipments")),
	       json_array_size(json_object_get(j, "shipments")) == 1 ? ""
								     : "s");
	json_array_foreach(json_object_get(j, "shipments"), i, sh)
	{
		sent = json_object_get(sh, "sent");
		got = json_object_get(sh, "received");
		jkg(kg, sh, "kg");
		printf("  %s  %s -> %s  %s kg, sent %s (entry "
		       "%" JSON_INTEGER_FORMAT ")\n",
		       jstr(sh, "shipment"), jstr(sh, "from"), jstr(sh, "to"),
		       kg, jstr(sent, "event_time"), jint(sent, "index"));
		if (json_is_true(json_object_get(sh, "voided")))
			printf("      VOIDED by its sender\n");
		else if (json_is_object(got)) {
			jkg(kg2, got, "kg");
			printf("      received %s kg (entry "
			       "%" JSON_INTEGER_FORMAT ")\n",
			       kg2, jint(got, "index"));
		} else
			printf("      in transit\n");
	}
}

static void
print_lot(json_t *j)
{
	json_t *harvest = json_object_get(j, "harvest"), *p;
	json_t *inputs = json_object_get(j, "inputs");
	json_t *holders = json_object_get(j, "holders");
	json_t *outputs = json_object_get(j, "outputs");
	json_t *labs = json_object_get(j, "lab_results");
	json_t *comp = json_object_get(j, "composition");
	char kg[PX_KG_TEXT];
	size_t i;

	jkg(kg, j, "kg");
	printf("lot %s%s%s · %s · %s kg%s\n", style("bold"), jstr(j, "lot"),
	       style("reset"), jstr(j, "product"), kg,
	       json_is_true(json_object_get(j, "voided")) ? " · VOIDED" : "");
	if (json_is_object(harvest))
		printf("  harvested by %s in %s (%s), season "
		       "%" JSON_INTEGER_FORMAT ", %s-picked, %s (entry "
		       "%" JSON_INTEGER_FORMAT ")\n",
		       jstr(harvest, "farm"), jstr(harvest, "district"),
		       jstr(harvest, "region"), jint(harvest, "season"),
		       jstr(harvest, "method"), jstr(j, "time"),
		       jint(j, "created_at"));
	else
		printf("  made by %s (%s), %s (entry %" JSON_INTEGER_FORMAT
		       ")\n",
		       jstr(j, "creator"),
		       json_is_string(json_object_get(j, "process"))
			       ? jstr(j, "process")
			       : "unknown",
		       jstr(j, "time"), jint(j, "created_at"));
	/* When it happened and when it was recorded: a record keyed in long
	 * after the event shows as such. */
	if (json_is_string(json_object_get(j, "recorded")))
		printf("  happened  %s · recorded %s\n",
		       json_is_string(json_object_get(j, "event_time"))
			       ? jstr(j, "event_time")
			       : jstr(j, "time"),
		       jstr(j, "recorded"));
	json_array_foreach(json_object_get(j, "documents"), i, p)
	{
		if (json_is_string(p))
			printf("  %s sha256 %s\n",
			       i ? "         " : "papers   ",
			       json_string_value(p));
		else
			printf("  %s %s %s%s%s%s%s\n",
			       i ? "         " : "papers   ", jstr(p, "type"),
			       jstr(p, "number"),
			       json_object_get(p, "issuer") ? " by " : "",
			       json_object_get(p, "issuer") ? jstr(p, "issuer")
							    : "",
			       json_object_get(p, "date") ? " of " : "",
			       json_object_get(p, "date") ? jstr(p, "date")
							  : "");
	}
	json_array_foreach(inputs, i, p)
	{
		jkg(kg, p, "kg");
		printf("  %s %s (%s kg consumed)\n",
		       i ? "         " : "made from", jstr(p, "lot"), kg);
	}
	if (json_array_size(holders) == 0)
		printf("  held by   nobody now%s\n",
		       json_array_size(json_object_get(j, "in_transit"))
			       ? ""
			       : " (consumed into other lots)");
	json_array_foreach(holders, i, p)
	{
		jkg(kg, p, "kg");
		printf("  %s %-28s %s kg\n", i ? "         " : "held by  ",
		       jstr(p, "holder"), kg);
	}
	json_array_foreach(json_object_get(j, "in_transit"), i, p)
	{
		jkg(kg, p, "kg");
		printf("  %s %-28s %s kg (shipment %s)\n",
		       i ? "         " : "on the road to", jstr(p, "to"), kg,
		       jstr(p, "shipment"));
	}
	json_array_foreach(json_object_get(j, "previous"), i, p)
	{
		jkg(kg, p, "kg");
		printf("  %s %s kg %s by %s (entry %" JSON_INTEGER_FORMAT
		       "), voided at entry %" JSON_INTEGER_FORMAT
		       ", tag taken again at entry %" JSON_INTEGER_FORMAT "\n",
		       i ? "         " : "earlier  ", kg, jstr(p, "product"),
		       jstr(p, "creator"), jint(p, "created_at"),
		       jint(p, "voided_at"), jint(p, "superseded_at"));
	}
	json_array_foreach(json_object_get(j, "transit"), i, p)
	{
		char shipped[PX_KG_TEXT], diff[PX_KG_TEXT];
		int loss = json_object_get(p, "loss_kg") != NULL;

		jkg(kg, p, "weighed_kg");
		jkg(shipped, p, "shipped_kg");
		jkg(diff, p, loss ? "loss_kg" : "gain_kg");
		printf("  %s %s kg of %s kg shipped in %s: transit %s %s kg "
		       "(entry %" JSON_INTEGER_FORMAT ")\n",
		       i ? "         " : "weighed  ", kg, shipped,
		       jstr(p, "shipment"), loss ? "loss" : "gain", diff,
		       jint(p, "received_at"));
	}
	json_array_foreach(outputs, i, p)
	{
		jkg(kg, p, "kg_used");
		printf("  %s %s (%s kg of this lot)\n",
		       i ? "         " : "used for ", jstr(p, "lot"), kg);
	}
	json_array_foreach(labs, i, p)
		printf("  lab %s: %s (entry %" JSON_INTEGER_FORMAT ")\n",
		       jstr(p, "lab"),
		       json_is_true(json_object_get(p, "matches"))
			       ? "matches the claimed origin"
			       : "does NOT match the claimed origin",
		       jint(p, "index"));
	if (json_array_size(comp))
		printf("  composition:\n");
	json_array_foreach(comp, i, p)
	{
		if (i == 10)
			break;
		printf("    %5.1f %%  %-22s %s %s %" JSON_INTEGER_FORMAT "\n",
		       jnum(p, "share") * 100, jstr(p, "lot"), jstr(p, "farm"),
		       jstr(p, "district"), jint(p, "season"));
	}
	if (json_array_size(comp) > 10)
		printf("    … and %zu more origins\n",
		       json_array_size(comp) - 10);
}

int
cmd_lot(int argc, char **argv)
{
	struct query q;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("lot", lot_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return usage_error("lot", "give one lot id");
	if (backend_open(&q.b, &q.c, BACKEND_READ))
		goto out;
	if (q.shipments) {
		rc = q.b->ops->lot_shipments(q.b, argv[optind], &j);
		status = show(&q, rc, j,
			      json_is_array(json_object_get(j, "shipments")),
			      "shipments without their list",
			      print_lot_shipments);
	} else {
		rc = q.b->ops->lot(q.b, argv[optind], &j);
		status = show(&q, rc, j,
			      json_is_string(json_object_get(j, "lot")),
			      "a lot without its id", print_lot);
	}
out:
	json_decref(j);
	backend_close(q.b);
	return status;
}

/* ---- recall ---- */

static const char recall_help[] =
	"usage: paxta recall (--data DIR | --node URL)\n"
	"                    (--district CODE --season YEAR | --farm ID "
	"[--season YEAR]\n"
	"                     | --attestation INDEX) [--json]\n\n"
	"Every lot downstream of the origins named — a district's harvest "
	"of a season,\na farm's, or the subject of a monitor's statement — "
	"with the share of its mass\nfrom those origins, who holds it now "
	"and how many kg: what a brand needs the\nday a monitor reports "
	"forced labour.\n\n"
	"  --data DIR  the ledger in DIR\n"
	"  --node URL  ask the paxtad node at URL (http:// or https://)\n"
	"  --json      every lot, as JSON\n";

/* Products from the most finished; then kg from the recalled origins. */
static int
product_rank(const char *product)
{
	static const char *const ranks[] = { "garment",     "fabric",
					     "yarn",        "lint",
					     "seed_cotton", "cottonseed" };

	for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++)
		if (strcmp(product, ranks[i]) == 0)
			return (int)i;
	return 6;
}

/* Grams of a recalled lot held now from the recalled origins. */
static double
recalled_grams(json_t *lot)
{
	double g = (jnum(lot, "held_kg") + jnum(lot, "in_transit_kg")) * 1000 *
		   jnum(lot, "share");

	return g > 0 ? g : 0;
}

static int
by_urgency(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int rx = product_rank(jstr(x, "product"));
	int ry = product_rank(jstr(y, "product"));
	double kx = recalled_grams(x), ky = recalled_grams(y);

	if (rx != ry)
		return rx - ry;
	if (kx != ky)
		return kx < ky ? 1 : -1;
	return strcmp(jstr(x, "lot"), jstr(y, "lot"));
}

static void
print_recall(json_t *r)
{
	json_t *lots = json_object_get(r, "lots"), *l, *h, **order;
	size_t n_lots = json_array_size(lots), held = 0, i, k;
	json_int_t origins = jint(r, "origins");
	size_t n_origins = origins < 0                ? 0
			   : (size_t)origins > n_lots ? n_lots
						      : (size_t)origins;
	size_t downstream = n_lots - n_origins;
	char kg[PX_KG_TEXT];

	jkg(kg, r, "affected_kg");
	printf("recall of %s%s%s: %zu origin lot%s, %zu lot%s downstream, "
	       "%s kg held or on the road now from those origins\n\n",
	       style("bold"), jstr(r, "recall"), style("reset"), n_origins,
	       n_origins == 1 ? "" : "s", downstream,
	       downstream == 1 ? "" : "s", kg);
	/* What a brand acts on first: finished goods, then the most kg
	 * from the recalled origins. */
	order = calloc(n_lots ? n_lots : 1, sizeof(*order));
	if (!order) {
		fail("out of memory");
		return;
	}
	json_array_foreach(lots, i, l) order[i] = l;
	qsort(order, n_lots, sizeof(*order), by_urgency);
	for (i = 0; i < n_lots; i++) {
		l = order[i];
		if (jnum(l, "held_kg") <= 0 && jnum(l, "in_transit_kg") <= 0)
			continue;
		held++;
		px_format_kg(kg, (uint64_t)llround(recalled_grams(l)));
		printf("  %-24s %-11s %5.1f %% from recalled origins: %s kg "
		       "now\n",
		       jstr(l, "lot"), jstr(l, "product"),
		       jnum(l, "share") * 100, kg);
		json_array_foreach(json_object_get(l, "holders"), k, h)
		{
			jkg(kg, h, "kg");
			printf("      held by %-28s %12s kg\n",
			       jstr(h, "holder"), kg);
		}
		json_array_foreach(json_object_get(l, "in_transit"), k, h)
		{
			jkg(kg, h, "kg");
			printf("      in transit to %-23s %12s kg (shipment "
			       "%s)\n",
			       jstr(h, "to"), kg, jstr(h, "shipment"));
		}
	}
	if (held < n_lots)
		printf("\n  %zu other lot%s, origins included, hold%s nothing "
		       "now (consumed; --json lists them)\n",
		       n_lots - held, n_lots - held == 1 ? "" : "s",
		       n_lots - held == 1 ? "s" : "");
	free(order);
}

int
cmd_recall(int argc, char **argv)
{
	struct px_recall_query rq = { 0 };
	struct query q;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("recall", recall_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if ((q.district != NULL) + (q.farm != NULL) + q.has_attestation != 1 ||
	    (q.district && !q.season) || (q.has_attestation && q.season) ||
	    argc != optind)
		return usage_error("recall", "give --district CODE --season "
					     "YEAR, --farm ID, or "
					     "--attestation INDEX");
	rq.district = q.district;
	rq.farm = q.farm;
	rq.season = (uint32_t)q.season;
	rq.attestation = q.attestation;
	if (backend_open(&q.b, &q.c, BACKEND_READ))
		goto out;
	rc = q.b->ops->recall(q.b, &rq, &j);
	status = show(&q, rc, j, json_is_array(json_object_get(j, "lots")),
		      "a recall without its lots", print_recall);
out:
	json_decref(j);
	backend_close(q.b);
	return status;
}

/* ---- actor ---- */

static const char actor_help[] =
	"usage: paxta actor (--data DIR | --node URL) ID [--holdings] "
	"[--json]\n\n"
	"An actor's registration: name, roles, location, current public key, "
	"last\nsequence number and the hash of its last entry, and whether it "
	"is revoked.\n\n"
	"  --data DIR  the ledger in DIR\n"
	"  --node URL  ask the paxtad node at URL (http:// or https://)\n"
	"  --holdings  its stock instead: the lots it holds and the shipments "
	"to it and\n              from it not received yet (GET "
	"/v1/actors/{id}/holdings)\n"
	"  --json      as JSON (docs/api.md, GET /v1/actors/{id})\n";

static void
print_shipments(json_t *list, const char *title, const char *other)
{
	char kg[PX_KG_TEXT];
	json_t *sh, *line;
	size_t i, k;

	json_array_foreach(list, i, sh)
	{
		printf("  %s shipment %s %s %s, dispatched %s:\n",
		       i ? "   " : title, jstr(sh, "shipment"),
		       other[0] == 'f' ? "from" : "to", jstr(sh, other),
		       jstr(sh, "dispatched"));
		json_array_foreach(json_object_get(sh, "lots"), k, line)
		{
			jkg(kg, line, "kg");
			printf("      %-28s %s kg\n", jstr(line, "lot"), kg);
		}
	}
}

static void
print_holdings(json_t *j)
{
	char kg[PX_KG_TEXT];
	json_t *h;
	size_t i;

	printf("actor %s%s%s holds:\n", style("bold"), jstr(j, "actor"),
	       style("reset"));
	if (json_array_size(json_object_get(j, "holdings")) == 0)
		printf("  nothing\n");
	json_array_foreach(json_object_get(j, "holdings"), i, h)
	{
		jkg(kg, h, "kg");
		printf("  %-28s %-12s %s kg\n", jstr(h, "lot"),
		       jstr(h, "product"), kg);
	}
	print_shipments(json_object_get(j, "to_receive"),
			"to receive:", "from");
	print_shipments(json_object_get(j, "to_send"),
			"sent, not received:", "to");
}

static void
print_actor(json_t *a)
{
	char *roles = json_dumps(json_object_get(a, "roles"),
				 JSON_COMPACT | JSON_ENCODE_ANY);

	printf("actor %s%s%s — %s\n  roles %s\n  location %s %s\n  key %s\n  "
	       "registered at entry %" JSON_INTEGER_FORMAT
	       ", %" JSON_INTEGER_FORMAT " entries written%s\n",
	       style("bold"), jstr(a, "id"), style("reset"), jstr(a, "name"),
	       roles ? roles : "[]", jstr(a, "region"), jstr(a, "district"),
	       jstr(a, "public_key"), jint(a, "registered_at"), jint(a, "seq"),
	       json_is_true(json_object_get(a, "revoked")) ? ", REVOKED" : "");
	free(roles);
}

int
cmd_actor(int argc, char **argv)
{
	struct query q;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("actor", actor_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return usage_error("actor", "give one actor id");
	if (backend_open(&q.b, &q.c, BACKEND_READ))
		goto out;
	if (q.holdings) {
		rc = q.b->ops->holdings(q.b, argv[optind], &j);
		status = show(&q, rc, j,
			      json_is_array(json_object_get(j, "holdings")),
			      "holdings without their list", print_holdings);
	} else {
		rc = q.b->ops->actor(q.b, argv[optind], &j);
		status = show(&q, rc, j,
			      json_is_string(json_object_get(j, "id")),
			      "an actor without its id", print_actor);
	}
out:
	json_decref(j);
	backend_close(q.b);
	return status;
}

/* ---- entry ---- */

static const char entry_help[] =
	"usage: paxta entry (--data DIR | --node URL) INDEX [--json]\n\n"
	"One logged entry: its leaf hash, author and signature check, and "
	"the event it\nsays, decoded. From a node only the entry's bytes are "
	"taken: the hash, the\nsignature check and the decoding are done "
	"here.\n\n"
	"  --data DIR  the ledger in DIR\n"
	"  --node URL  ask the paxtad node at URL (http:// or https://)\n"
	"  --json      as JSON\n";

int
cmd_entry(int argc, char **argv)
{
	struct query q;
	struct px_entry e = { 0 };
	uint8_t *leaf = NULL;
	uint64_t index;
	size_t len;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("entry", entry_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1 || parse_u64(argv[optind], &index))
		return usage_error("entry", "give one entry index");
	if (backend_open(&q.b, &q.c, BACKEND_READ))
		goto out;
	if (q.b->ops->leaf(q.b, index, &leaf, &len)) {
		backend_fail(q.b);
		goto out;
	}
	/* The signature checked here, whoever served the bytes. */
	if (px_entry_read(&e, leaf, len, PX_ENTRY_ALL) != PX_OK ||
	    !(j = px_event_logged(&e, index))) {
		status = fail("entry %" PRIu64 " does not decode", index);
		goto out;
	}
	if (q.c.json) {
		json_incref(j);
		print_json(j);
	} else {
		json_t *ev = json_object_get(j, "entry");

		printf("entry %" PRIu64 "  leaf hash %s  signature %s\n", index,
		       json_string_value(json_object_get(j, "leaf_hash")),
		       e.status == PX_OK ? "valid" : "INVALID");
		json_clean(ev);
		json_incref(ev);
		print_json(ev);
	}
	status = 0;
out:
	json_decref(j);
	free(leaf);
	px_entry_release(&e);
	backend_close(q.b);
	return status;
}
