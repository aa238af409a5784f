/* paxta lot, verify, recall, actor, entry: asking the ledger. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"

/* Options of the query commands: --data DIR, --json, --at SIZE. */
struct query {
	const char *data;
	int json;
	uint64_t at;
	const char *district, *farm;
	uint64_t season, attestation;
	int has_attestation;
	struct px_ledger *l;
	struct px_txn *t;
};

enum {
	OPT_AT = 1000,
	OPT_DISTRICT,
	OPT_FARM,
	OPT_SEASON,
	OPT_ATTESTATION
};

static int
parse_query(const char *cmd, const char *help, int argc, char **argv,
	    struct query *q)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "at", required_argument, NULL, OPT_AT },
		{ "district", required_argument, NULL, OPT_DISTRICT },
		{ "farm", required_argument, NULL, OPT_FARM },
		{ "season", required_argument, NULL, OPT_SEASON },
		{ "attestation", required_argument, NULL, OPT_ATTESTATION },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(q, 0, sizeof(*q));
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			q->data = optarg;
			break;
		case 'j':
			q->json = 1;
			break;
		case OPT_AT:
			if (parse_u64(optarg, &q->at) || q->at == 0)
				return usage_error(cmd, "--at takes a tree "
							"size (a number of "
							"entries)");
			break;
		case OPT_DISTRICT:
			q->district = optarg;
			break;
		case OPT_FARM:
			q->farm = optarg;
			break;
		case OPT_SEASON:
			if (parse_u64(optarg, &q->season) || q->season < 1900 ||
			    q->season > 2200)
				return usage_error(cmd, "--season takes a "
							"year, like 2026");
			break;
		case OPT_ATTESTATION:
			if (parse_u64(optarg, &q->attestation))
				return usage_error(cmd, "--attestation takes "
							"an entry index");
			q->has_attestation = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			return usage_error(cmd, "unknown option");
		}
	}
	return 0;
}

static int
open_query(struct query *q)
{
	if (open_ledger(&q->l, q->data, PX_LEDGER_READONLY))
		return EXIT_ERROR;
	if (px_ledger_read(q->l, &q->t) != PX_OK)
		return fail("cannot read the ledger");
	return 0;
}

static void
close_query(struct query *q)
{
	px_store_abort(q->t);
	px_ledger_close(q->l);
}

static const char *
or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static const char *
status_colour(Paxta__Status s)
{
	switch (s) {
	case PAXTA__STATUS__STATUS_CERTIFIED:
		return style("green");
	case PAXTA__STATUS__STATUS_FORCED_LABOUR:
	case PAXTA__STATUS__STATUS_CHILD_LABOUR:
		return style("red");
	default:
		return style("yellow");
	}
}

/* ---- verify ---- */

static const char verify_help[] =
	"usage: paxta verify --data DIR LOT [--at SIZE] [--json]\n\n"
	"Is lot LOT free of forced labour? The verdict traces every kg of the "
	"lot to its\norigin harvests (through every blend, split and "
	"shipment) and weighs each\norigin by its monitors' statements on "
	"the farm, its district, its region and\nthe country for the "
	"season: the latest statement on each counts, the worst\nwins.\n\n"
	"  free        every kg traces to certified origins\n"
	"  flagged     some kg traces to forced or child labour, or a lab "
	"test contradicts\n"
	"              the claimed origin\n"
	"  unverified  some kg traces to origins that are uncertified, "
	"under review or\n"
	"              whose certification was withdrawn\n\n"
	"  --at SIZE   the verdict as of the tree of SIZE entries (a "
	"checkpoint you held):\n"
	"              only what was logged before it counts\n"
	"  --json      the verdict with its breakdown as JSON\n\n"
	"Exit 0 only when the verdict is free; 1 otherwise; 2 on errors.\n";

static void
print_verdict(const struct px_verdict *v)
{
	static const Paxta__Status order[] = {
		PAXTA__STATUS__STATUS_CERTIFIED,
		PAXTA__STATUS__STATUS_UNDER_REVIEW,
		PAXTA__STATUS__STATUS_WITHDRAWN,
		PAXTA__STATUS__STATUS_UNSPECIFIED,
		PAXTA__STATUS__STATUS_CHILD_LABOUR,
		PAXTA__STATUS__STATUS_FORCED_LABOUR,
	};
	const char *colour = v->kind == PX_VERDICT_FREE      ? style("green")
			     : v->kind == PX_VERDICT_FLAGGED ? style("red")
							     : style("yellow");
	char kg[PX_KG_TEXT];
	size_t shown = 0;

	px_format_kg(kg, v->grams);
	printf("lot %s%s%s (%s, %s kg) as of entry %" PRIu64 ": %s%s%s%s\n\n",
	       style("bold"), v->lot, style("reset"),
	       or_unknown(px_product_name(v->product)), kg, v->at,
	       style("bold"), colour, px_verdict_name(v->kind), style("reset"));
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		double share = v->by_status[order[i]];

		if (share <= 0)
			continue;
		px_format_kg(kg, (uint64_t)llround(share * (double)v->grams));
		printf("  %s%-14s%s ", status_colour(order[i]),
		       px_status_name(order[i]), style("reset"));
		print_bar(share, 24);
		printf(" %6.1f %%  %12s kg\n", share * 100, kg);
	}
	printf("\n  %zu origin%s, %zu lot%s in the lineage\n", v->n_origins,
	       v->n_origins == 1 ? "" : "s", v->ancestors,
	       v->ancestors == 1 ? "" : "s");
	for (size_t i = 0; i < v->n_origins && shown < 8; i++, shown++) {
		const struct px_origin *o = &v->origins[i];

		printf("    %5.1f %%  %-22s farm %-20s %s %u  %s%s%s\n",
		       o->share * 100, o->lot, o->farm, o->district, o->season,
		       status_colour(o->status), px_status_name(o->status),
		       style("reset"));
	}
	if (v->n_origins > shown)
		printf("    … and %zu more (--json lists them all)\n",
		       v->n_origins - shown);
	if (v->n_reasons) {
		printf("\n  why:\n");
		for (size_t i = 0; i < v->n_reasons; i++)
			printf("    • %s\n", v->reasons[i]);
	}
}

int
cmd_verify(int argc, char **argv)
{
	struct query q;
	struct px_verdict *v = NULL;
	int rc, status;

	if ((rc = parse_query("verify", verify_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return usage_error("verify", "give one lot id");
	if (open_query(&q))
		return EXIT_ERROR;
	if (q.at > px_store_size(q.t)) {
		close_query(&q);
		return fail("--at %" PRIu64 " is past the log's %" PRIu64
			    " entries",
			    q.at, px_store_size(q.t));
	}
	rc = px_verdict(&v, q.t, argv[optind], q.at);
	if (rc == PX_ENOTFOUND) {
		close_query(&q);
		return fail("lot '%s' is not in the ledger%s", argv[optind],
			    q.at ? " as of that size" : "");
	}
	if (rc != PX_OK) {
		close_query(&q);
		return fail("cannot compute the verdict: %s", px_strerror(rc));
	}
	if (q.json)
		print_json(px_verdict_json(v));
	else
		print_verdict(v);
	status = v->kind == PX_VERDICT_FREE ? 0 : EXIT_NO;
	px_verdict_free(v);
	close_query(&q);
	return status;
}

/* ---- lot ---- */

static const char lot_help[] =
	"usage: paxta lot --data DIR LOT [--json]\n\n"
	"A lot's state: its product and mass, who made it and from what, who "
	"holds how\nmany kg now, the lots made from it, lab results, and its "
	"composition by origin.\n";

struct lines {
	json_t *arr;
};

static int
collect_pair(void *ctx, const char *id, uint64_t grams)
{
	char kg[PX_KG_TEXT];

	px_format_kg(kg, grams);
	json_array_append_new(((struct lines *)ctx)->arr,
			      json_pack("{s:s,s:s,s:I}", "id", id, "kg_text",
					kg, "grams", (json_int_t)grams));
	return 0;
}

static int
collect_lab(void *ctx, const Paxta__LabRecord *rec)
{
	json_array_append_new(
		((struct lines *)ctx)->arr,
		json_pack("{s:I,s:s,s:b,s:s,s:s}", "index",
			  (json_int_t)rec->index, "lab", rec->lab, "matches",
			  rec->result->matches, "claimed_region",
			  rec->result->claimed_region, "matched_region",
			  rec->result->matched_region));
	return 0;
}

static json_t *
kg_list(json_t *pairs, const char *key)
{
	json_t *out = json_array(), *p;
	size_t i;

	json_array_foreach(pairs, i, p)
	{
		json_int_t g = json_integer_value(json_object_get(p, "grams"));
		json_t *kg = g % 1000 ? json_real((double)g / 1000.0)
				      : json_integer(g / 1000);

		json_array_append_new(out, json_pack("{s:O,s:o}", key,
						     json_object_get(p, "id"),
						     "kg", kg));
	}
	return out;
}

int
cmd_lot(int argc, char **argv)
{
	struct query q;
	Paxta__LotRecord *lot = NULL;
	struct px_verdict *v = NULL;
	struct lines holders = { json_array() }, inputs = { json_array() },
		     outputs = { json_array() }, labs = { json_array() };
	char kg[PX_KG_TEXT], when[PX_TIME_TEXT];
	json_t *p;
	size_t i;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("lot", lot_help, argc, argv, &q)) != 0) {
		status = rc < 0 ? 0 : rc;
		goto done;
	}
	if (argc - optind != 1) {
		status = usage_error("lot", "give one lot id");
		goto done;
	}
	if (open_query(&q))
		goto done;
	rc = px_state_lot(q.t, argv[optind], &lot);
	if (rc == PX_ENOTFOUND) {
		status = fail("lot '%s' is not in the ledger", argv[optind]);
		goto out;
	}
	if (rc != PX_OK ||
	    px_state_each_holder(q.t, lot->id, collect_pair, &holders) ||
	    px_state_each_input(q.t, lot->id, collect_pair, &inputs) ||
	    px_state_each_output(q.t, lot->id, collect_pair, &outputs) ||
	    px_state_each_lab(q.t, lot->id, collect_lab, &labs)) {
		status = fail("cannot read lot '%s'", argv[optind]);
		goto out;
	}
	if (!lot->voided && px_verdict(&v, q.t, lot->id, 0) != PX_OK) {
		status = fail("cannot compute lot '%s''s composition",
			      argv[optind]);
		goto out;
	}
	if (q.json) {
		json_t *j = json_pack(
			"{s:s,s:s,s:s,s:I,s:s,s:o,s:b}", "lot", lot->id,
			"product", or_unknown(px_product_name(lot->product)),
			"creator", lot->creator, "created_at",
			(json_int_t)lot->created_at, "time",
			(px_format_time(when, lot->time), when), "kg",
			lot->grams % 1000
				? json_real((double)lot->grams / 1000.0)
				: json_integer((json_int_t)(lot->grams / 1000)),
			"voided", lot->voided);
		json_t *comp = json_array();

		if (lot->farm[0])
			json_object_set_new(
				j, "harvest",
				json_pack("{s:s,s:s,s:s,s:i,s:s}", "farm",
					  lot->farm, "district", lot->district,
					  "region", lot->region, "season",
					  (int)lot->season, "method",
					  or_unknown(px_method_name(
						  lot->method))));
		if (lot->process)
			json_object_set_new(
				j, "process",
				json_string(or_unknown(
					px_process_name(lot->process))));
		json_object_set_new(j, "holders",
				    kg_list(holders.arr, "holder"));
		json_object_set_new(j, "inputs", kg_list(inputs.arr, "lot"));
		json_object_set_new(j, "outputs", kg_list(outputs.arr, "lot"));
		json_object_set_new(j, "lab_results", json_incref(labs.arr));
		for (size_t k = 0; v && k < v->n_origins; k++)
			json_array_append_new(
				comp,
				json_pack("{s:s,s:s,s:s,s:i,s:f}", "lot",
					  v->origins[k].lot, "farm",
					  v->origins[k].farm, "district",
					  v->origins[k].district, "season",
					  (int)v->origins[k].season, "share",
					  v->origins[k].share));
		json_object_set_new(j, "composition", comp);
		print_json(j);
		status = 0;
		goto out;
	}
	px_format_kg(kg, lot->grams);
	px_format_time(when, lot->time);
	printf("lot %s%s%s · %s · %s kg%s\n", style("bold"), lot->id,
	       style("reset"), or_unknown(px_product_name(lot->product)), kg,
	       lot->voided ? " · VOIDED" : "");
	if (lot->farm[0])
		printf("  harvested by %s in %s (%s), season %u, %s-picked, "
		       "%s (entry %" PRIu64 ")\n",
		       lot->farm, lot->district, lot->region, lot->season,
		       or_unknown(px_method_name(lot->method)), when,
		       lot->created_at);
	else
		printf("  made by %s (%s), %s (entry %" PRIu64 ")\n",
		       lot->creator, or_unknown(px_process_name(lot->process)),
		       when, lot->created_at);
	json_array_foreach(inputs.arr, i, p) printf(
		"  %s %s (%s kg consumed)\n", i ? "         " : "made from",
		json_string_value(json_object_get(p, "id")),
		json_string_value(json_object_get(p, "kg_text")));
	if (json_array_size(holders.arr) == 0)
		printf("  held by   nobody now (consumed, shipped or in "
		       "transit)\n");
	json_array_foreach(holders.arr, i, p)
		printf("  %s %-28s %s kg\n", i ? "         " : "held by  ",
		       json_string_value(json_object_get(p, "id")),
		       json_string_value(json_object_get(p, "kg_text")));
	json_array_foreach(outputs.arr, i, p)
		printf("  %s %s\n", i ? "         " : "used for ",
		       json_string_value(json_object_get(p, "id")));
	json_array_foreach(labs.arr, i, p)
		printf("  lab %s: %s (entry %" JSON_INTEGER_FORMAT ")\n",
		       json_string_value(json_object_get(p, "lab")),
		       json_is_true(json_object_get(p, "matches"))
			       ? "matches the claimed origin"
			       : "does NOT match the claimed origin",
		       json_integer_value(json_object_get(p, "index")));
	if (v && v->n_origins) {
		printf("  composition:\n");
		for (size_t k = 0; k < v->n_origins && k < 10; k++)
			printf("    %5.1f %%  %-22s %s %s %u\n",
			       v->origins[k].share * 100, v->origins[k].lot,
			       v->origins[k].farm, v->origins[k].district,
			       v->origins[k].season);
		if (v->n_origins > 10)
			printf("    … and %zu more origins\n",
			       v->n_origins - 10);
	}
	status = 0;
out:
	close_query(&q);
done:
	px_state_free(lot);
	px_verdict_free(v);
	json_decref(holders.arr);
	json_decref(inputs.arr);
	json_decref(outputs.arr);
	json_decref(labs.arr);
	return status;
}

/* ---- recall ---- */

static const char recall_help[] =
	"usage: paxta recall --data DIR (--district CODE --season YEAR | "
	"--farm ID "
	"[--season YEAR]\n                    | --attestation INDEX) "
	"[--json]\n\n"
	"Every lot downstream of the origins named — a district's harvest "
	"of a season,\na farm's, or the subject of a monitor's statement — "
	"with the share of its mass\nfrom those origins, who holds it now "
	"and how many kg: what a brand needs the\nday a monitor reports "
	"forced labour.\n";

/* Products from the most finished; then kg from the recalled origins. */
static int
product_rank(Paxta__Product p)
{
	switch (p) {
	case PAXTA__PRODUCT__PRODUCT_GARMENT:
		return 0;
	case PAXTA__PRODUCT__PRODUCT_FABRIC:
		return 1;
	case PAXTA__PRODUCT__PRODUCT_YARN:
		return 2;
	case PAXTA__PRODUCT__PRODUCT_LINT:
		return 3;
	case PAXTA__PRODUCT__PRODUCT_SEED_COTTON:
		return 4;
	case PAXTA__PRODUCT__PRODUCT_COTTONSEED:
		return 5;
	default:
		return 6;
	}
}

static int
by_urgency(const void *a, const void *b)
{
	const struct px_recall_lot *x = *(const struct px_recall_lot *const *)a;
	const struct px_recall_lot *y = *(const struct px_recall_lot *const *)b;
	double kx = (double)x->held * x->share, ky = (double)y->held * y->share;

	if (product_rank(x->product) != product_rank(y->product))
		return product_rank(x->product) - product_rank(y->product);
	if (kx != ky)
		return kx < ky ? 1 : -1;
	return strcmp(x->lot, y->lot);
}

int
cmd_recall(int argc, char **argv)
{
	struct query q;
	struct px_recall_query rq = { 0 };
	struct px_recall *r = NULL;
	const struct px_recall_lot **order = NULL;
	char kg[PX_KG_TEXT];
	size_t held = 0;
	int rc;

	if ((rc = parse_query("recall", recall_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if ((q.district != NULL) + (q.farm != NULL) + q.has_attestation != 1 ||
	    (q.district && !q.season) || argc != optind)
		return usage_error("recall", "give --district CODE --season "
					     "YEAR, --farm ID, or "
					     "--attestation INDEX");
	rq.district = q.district;
	rq.farm = q.farm;
	rq.season = (uint32_t)q.season;
	rq.attestation = q.attestation;
	if (open_query(&q))
		return EXIT_ERROR;
	rc = px_recall(&r, q.t, &rq);
	close_query(&q);
	if (rc == PX_ENOTFOUND)
		return fail("entry %" PRIu64 " is not a monitor's statement",
			    q.attestation);
	if (rc != PX_OK)
		return fail("cannot recall: %s", px_strerror(rc));
	if (q.json) {
		print_json(px_recall_json(r));
		px_recall_free(r);
		return 0;
	}
	px_format_kg(kg, r->affected_grams);
	printf("recall of %s%s%s: %zu origin lot%s, %zu lot%s downstream, "
	       "%s kg held now from those origins\n\n",
	       style("bold"), r->what, style("reset"), r->n_origins,
	       r->n_origins == 1 ? "" : "s", r->n_lots - r->n_origins,
	       r->n_lots - r->n_origins == 1 ? "" : "s", kg);
	/* What a brand acts on first: finished goods, then the most kg
	 * from the recalled origins. */
	order = calloc(r->n_lots ? r->n_lots : 1, sizeof(*order));
	if (!order) {
		px_recall_free(r);
		return fail("out of memory");
	}
	for (size_t i = 0; i < r->n_lots; i++)
		order[i] = &r->lots[i];
	qsort(order, r->n_lots, sizeof(*order), by_urgency);
	for (size_t i = 0; i < r->n_lots; i++) {
		const struct px_recall_lot *rl = order[i];

		if (rl->held == 0)
			continue;
		held++;
		px_format_kg(kg,
			     (uint64_t)llround((double)rl->held * rl->share));
		printf("  %-24s %-11s %5.1f %% from recalled origins: %s kg "
		       "now\n",
		       rl->lot, or_unknown(px_product_name(rl->product)),
		       rl->share * 100, kg);
		for (size_t h = 0; h < rl->n_holders; h++) {
			px_format_kg(kg, rl->holder_grams[h]);
			printf("      held by %-28s %12s kg\n", rl->holders[h],
			       kg);
		}
	}
	if (held < r->n_lots)
		printf("\n  %zu other lot%s, origins included, hold%s nothing "
		       "now (consumed, shipped or in transit; --json lists "
		       "them)\n",
		       r->n_lots - held, r->n_lots - held == 1 ? "" : "s",
		       r->n_lots - held == 1 ? "s" : "");
	free(order);
	px_recall_free(r);
	return 0;
}

/* ---- actor ---- */

static const char actor_help[] =
	"usage: paxta actor --data DIR ID [--json]\n\n"
	"An actor's registration: name, roles, location, current public key, "
	"last\nsequence number, and whether it is revoked.\n";

int
cmd_actor(int argc, char **argv)
{
	struct query q;
	Paxta__ActorRecord *rec = NULL;
	json_t *roles;
	char key[45] = "";
	struct px_pubkey pub;
	int rc;

	if ((rc = parse_query("actor", actor_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return usage_error("actor", "give one actor id");
	if (open_query(&q))
		return EXIT_ERROR;
	rc = px_state_actor(q.t, argv[optind], &rec);
	close_query(&q);
	if (rc == PX_ENOTFOUND)
		return fail("actor '%s' is not registered", argv[optind]);
	if (rc != PX_OK)
		return fail("cannot read actor '%s'", argv[optind]);
	if (rec->actor->public_key.len == PX_PUBKEY_LEN) {
		memcpy(pub.b, rec->actor->public_key.data, PX_PUBKEY_LEN);
		px_pubkey_to_base64(key, &pub);
	}
	roles = json_array();
	for (size_t i = 0; i < rec->actor->n_roles; i++)
		json_array_append_new(
			roles, json_string(or_unknown(
				       px_role_name(rec->actor->roles[i]))));
	if (q.json) {
		print_json(json_pack(
			"{s:s,s:s,s:o,s:s,s:s,s:s,s:I,s:I,s:b}", "id",
			rec->actor->id, "name", rec->actor->name, "roles",
			roles, "region", rec->actor->region, "district",
			rec->actor->district, "public_key", key,
			"registered_at", (json_int_t)rec->registered_at, "seq",
			(json_int_t)rec->seq, "revoked", rec->revoked));
	} else {
		char *r = json_dumps(roles, JSON_COMPACT);

		printf("actor %s%s%s — %s\n  roles %s\n  location %s %s\n  "
		       "key %s\n  registered at entry %" PRIu64 ", %" PRIu64
		       " entries written%s\n",
		       style("bold"), rec->actor->id, style("reset"),
		       rec->actor->name, r ? r : "?", rec->actor->region,
		       rec->actor->district, key, rec->registered_at, rec->seq,
		       rec->revoked ? ", REVOKED" : "");
		free(r);
		json_decref(roles);
	}
	px_state_free(rec);
	return 0;
}

/* ---- entry ---- */

static const char entry_help[] =
	"usage: paxta entry --data DIR INDEX [--json]\n\n"
	"One logged entry: its leaf hash, author and signature check, and "
	"the event it\nsays, decoded.\n";

int
cmd_entry(int argc, char **argv)
{
	struct query q;
	struct px_signed_entry env = { 0 };
	Paxta__Entry *e = NULL;
	struct px_hash h;
	const uint8_t *leaf;
	char hex[2 * PX_HASH_LEN + 1], *b64 = NULL;
	uint64_t index;
	size_t len;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if ((rc = parse_query("entry", entry_help, argc, argv, &q)) != 0)
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1 || parse_u64(argv[optind], &index))
		return usage_error("entry", "give one entry index");
	if (open_query(&q))
		return EXIT_ERROR;
	if (px_store_leaf(q.t, index, &leaf, &len) != PX_OK) {
		status = fail("no entry %" PRIu64 " (the log has %" PRIu64 ")",
			      index, px_store_size(q.t));
		goto out;
	}
	if (px_entry_open(&env, leaf, len) != PX_OK ||
	    px_entry_body_decode(&e, env.payload, env.payload_len) != PX_OK ||
	    px_hash_leaf(&h, leaf, len) != PX_OK ||
	    px_base64_encode(&b64, leaf, len) != PX_OK ||
	    !(j = px_event_from_entry(e))) {
		status = fail("entry %" PRIu64 " does not decode", index);
		goto out;
	}
	px_hex_encode(hex, h.b, PX_HASH_LEN);
	if (q.json) {
		print_json(json_pack(
			"{s:I,s:s,s:s,s:b,s:O}", "index", (json_int_t)index,
			"leaf_hash", hex, "leaf", b64, "signature_valid",
			px_entry_check(&env) == PX_OK, "entry", j));
	} else {
		printf("entry %" PRIu64 "  leaf hash %s  signature %s\n", index,
		       hex,
		       px_entry_check(&env) == PX_OK ? "valid" : "INVALID");
		json_incref(j);
		print_json(j);
	}
	status = 0;
out:
	json_decref(j);
	free(b64);
	px_entry_body_free(e);
	px_entry_close(&env);
	close_query(&q);
	return status;
}
