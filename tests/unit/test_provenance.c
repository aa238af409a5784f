/*
 * Unit tests for provenance.c: composition, origin status, the verdict and
 * recall (DESIGN.md §3.4), on ledgers built from JSON events (§6.1).
 *
 * Every world has the same actors: two farms in Samarkand (UZ-SA), farm A in
 * district UZ-SA-KTK and farm B in UZ-SA-PAY, a farm in Kazakhstan, a gin, a
 * spinner, a weaver, a garment maker, a monitor and a lab. Events are
 * written with single quotes and turned into JSON by pxt_ok() (fixture.c).
 * Expected shares are worked out by hand, as exact fractions, in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "paxta/error.h"
#include "paxta/provenance.h"
#include "paxta/store.h"
#include "support.h"

#define SEASON  2025
#define FARM_A  "uz.farm.a"
#define FARM_B  "uz.farm.b"
#define FARM_KZ "kz.farm.c"
#define DIST_A  "UZ-SA-KTK"
#define DIST_B  "UZ-SA-PAY"
#define DIST_KZ "KZ-TUR-SHY"
#define GIN     "uz.gin.1"
#define SPINNER "uz.spin.1"
#define WEAVER  "uz.weave.1"
#define MAKER   "uz.make.1"
#define MONITOR "monitor.tpm"
#define LAB     "lab.iso"

#define LOT_A  "UZ-2025-A-001"
#define LOT_B  "UZ-2025-B-001"
#define LOT_KZ "KZ-2025-C-001"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define EPSILON       1e-9
#define KG            1000 /* grams */
#define CERTIFIED     PAXTA__STATUS__STATUS_CERTIFIED
#define UNCERTIFIED   PAXTA__STATUS__STATUS_UNSPECIFIED
#define UNDER_REVIEW  PAXTA__STATUS__STATUS_UNDER_REVIEW
#define WITHDRAWN     PAXTA__STATUS__STATUS_WITHDRAWN
#define CHILD_LABOUR  PAXTA__STATUS__STATUS_CHILD_LABOUR
#define FORCED_LABOUR PAXTA__STATUS__STATUS_FORCED_LABOUR

/* ---- helpers ---- */

static void
near(double got, double want, double eps, const char *what, int line)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("line %d: %s is %.17g, expected %.17g (within %g)",
			 line, what, got, want, eps);
}
#define assert_near(got, want) near((got), (want), EPSILON, #got, __LINE__)

static void
contains(const char *text, const char *part, int line)
{
	if (!text || !strstr(text, part))
		fail_msg("line %d: '%s' does not mention '%s'", line,
			 text ? text : "(null)", part);
}
#define assert_contains(text, part) contains((text), (part), __LINE__)

static uint64_t
harvest(struct pxt_ledger *fx, const char *farm, const char *lot, unsigned kg,
	const char *district, unsigned season)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'%s','lot':'%s','kg':%u,"
		      "'season':%u,'district':'%s','method':'hand',"
		      "'harvested_at':'%u-09-21T08:00:00Z'}",
		      farm, lot, kg, season, district, season);
}

static uint64_t
attest(struct pxt_ledger *fx, const char *subject, unsigned season,
       const char *status)
{
	static unsigned said;

	/* A monitor saying the same again is a new statement: its own
	 * event_id (an identical event would be "already logged"). */
	return pxt_ok(fx,
		      "{'kind':'attest','actor':'%s','subject':'%s',"
		      "'season':%u,'status':'%s','indicators':[],"
		      "'report_uri':'https://example.org/tpm.pdf',"
		      "'report_sha256':'%s','event_id':'statement-%u'}",
		      MONITOR, subject, season, status, REPORT, ++said);
}

static uint64_t
lab(struct pxt_ledger *fx, const char *lot, int matches)
{
	return pxt_ok(fx,
		      "{'kind':'lab_result','actor':'%s','lot':'%s',"
		      "'matches':%s,'claimed_region':'UZ-SA',"
		      "'report_sha256':'%s'}",
		      LAB, lot, matches ? "true" : "false", REPORT);
}

/* What the helpers below hand out, freed by teardown when a failed
 * assertion skips a test's own cleanup. */
static struct px_verdict *live_verdicts[8];
static struct px_recall *live_recalls[8];

static void
keep(void **slots, size_t n, void *p)
{
	for (size_t i = 0; i < n; i++)
		if (!slots[i]) {
			slots[i] = p;
			return;
		}
	fail_msg("more than %zu results alive at once", n);
}

static int
unkeep(void **slots, size_t n, void *p)
{
	for (size_t i = 0; i < n; i++)
		if (slots[i] == p) {
			slots[i] = NULL;
			return 1;
		}
	return 0;
}

static void
drop_verdict(struct px_verdict *v)
{
	unkeep((void **)live_verdicts, 8, v);
	px_verdict_free(v);
}

static void
drop_recall(struct px_recall *r)
{
	unkeep((void **)live_recalls, 8, r);
	px_recall_free(r);
}

static int
verdict_at(struct pxt_ledger *fx, struct px_verdict **out, const char *lot,
	   uint64_t at)
{
	struct px_txn *t = NULL;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_verdict(out, t, lot, at);
	px_store_abort(t);
	return rc;
}

/* The verdict on lot as of at (0: now); fails the test when there is
 * none. */
static struct px_verdict *
verdict(struct pxt_ledger *fx, const char *lot, uint64_t at)
{
	struct px_verdict *v = NULL;
	int rc = verdict_at(fx, &v, lot, at);

	if (rc != PX_OK)
		fail_msg("verdict on '%s' as of %" PRIu64 ": %s", lot, at,
			 px_strerror(rc));
	assert_non_null(v);
	keep((void **)live_verdicts, 8, v);
	assert_string_equal(v->lot, lot);
	return v;
}

static const struct px_origin *
origin(const struct px_verdict *v, const char *lot)
{
	for (size_t i = 0; i < v->n_origins; i++)
		if (strcmp(v->origins[i].lot, lot) == 0)
			return &v->origins[i];
	fail_msg("'%s' is not an origin of '%s'", lot, v->lot);
	return NULL;
}

/* Some reason mentions both a and b (b may be NULL). */
static int
has_reason(const struct px_verdict *v, const char *a, const char *b)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (strstr(v->reasons[i], a) &&
		    (!b || strstr(v->reasons[i], b)))
			return 1;
	return 0;
}

static void
print_reasons(const struct px_verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		print_message("  reason: %s\n", v->reasons[i]);
}
#define assert_reason(v, a, b)                                                \
	do {                                                                  \
		if (!has_reason((v), (a), (b))) {                             \
			print_reasons(v);                                     \
			fail_msg("line %d: no reason mentions '%s' and '%s'", \
				 __LINE__, (a), (b) ? (b) : "");              \
		}                                                             \
	} while (0)

static double
status_sum(const struct px_verdict *v)
{
	double sum = 0;

	for (int s = 0; s < PX_STATUS_COUNT; s++)
		sum += v->by_status[s];
	return sum;
}

static int
recall_rc(struct pxt_ledger *fx, struct px_recall **out,
	  const struct px_recall_query *q)
{
	struct px_txn *t = NULL;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_recall(out, t, q);
	px_store_abort(t);
	return rc;
}

static struct px_recall *
recall(struct pxt_ledger *fx, const struct px_recall_query *q)
{
	struct px_recall *r = NULL;
	int rc = recall_rc(fx, &r, q);

	if (rc != PX_OK)
		fail_msg("recall: %s", px_strerror(rc));
	assert_non_null(r);
	keep((void **)live_recalls, 8, r);
	return r;
}

static const struct px_recall_lot *
recalled(const struct px_recall *r, const char *lot)
{
	for (size_t i = 0; i < r->n_lots; i++)
		if (strcmp(r->lots[i].lot, lot) == 0)
			return &r->lots[i];
	return NULL;
}

/* lot is in the recall with that share, held by exactly the holders given
 * as (id, grams) pairs ending in NULL. */
static void
check_recalled(const struct px_recall *r, const char *lot,
	       Paxta__Product product, double share, ...)
{
	const struct px_recall_lot *rl = recalled(r, lot);
	uint64_t held = 0;
	const char *holder;
	size_t n = 0;
	va_list ap;

	if (!rl)
		fail_msg("lot '%s' is not in the recall of %s", lot, r->what);
	assert_int_equal(rl->product, product);
	near(rl->share, share, EPSILON, lot, __LINE__);
	va_start(ap, share);
	while ((holder = va_arg(ap, const char *))) {
		uint64_t grams = va_arg(ap, uint64_t);
		size_t h;

		for (h = 0; h < rl->n_holders; h++)
			if (strcmp(rl->holders[h], holder) == 0)
				break;
		if (h == rl->n_holders)
			fail_msg("'%s' does not hold lot '%s'", holder, lot);
		assert_int_equal(rl->holder_grams[h], grams);
		held += grams;
		n++;
	}
	va_end(ap);
	assert_int_equal(rl->n_holders, n);
	assert_int_equal(rl->held, held);
}

/* ---- worlds ---- */

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, FARM_A, "farm", "UZ-SA", DIST_A);
	pxt_register(fx, FARM_B, "farm", "UZ-SA", DIST_B);
	pxt_register(fx, FARM_KZ, "farm", "KZ-TUR", DIST_KZ);
	pxt_register(fx, GIN, "gin", "UZ-SA", DIST_A);
	pxt_register(fx, SPINNER, "spinner", "UZ-TO", "UZ-TO-CHR");
	pxt_register(fx, WEAVER, "weaver", "UZ-TO", "UZ-TO-CHR");
	pxt_register(fx, MAKER, "manufacturer", "UZ-TK", "UZ-TK-YAK");
	pxt_register(fx, MONITOR, "monitor", "UZ-TK", "UZ-TK-YAK");
	pxt_register(fx, LAB, "lab", "UZ-TK", "UZ-TK-YAK");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	for (size_t i = 0; i < 8; i++) {
		px_verdict_free(live_verdicts[i]);
		px_recall_free(live_recalls[i]);
		live_verdicts[i] = NULL;
		live_recalls[i] = NULL;
	}
	pxt_ledger_free(*state);
	return 0;
}

/*
 * Farm A harvests 10000 kg in UZ-SA-KTK, the second farm 6000 kg; both ship
 * everything to the gin, which gins it together: 16000 kg of seed cotton
 * into LINT-1 (7000 kg, under the 7200 kg cap), SEED-1 (8000 kg) and
 * WASTE-G1 (500 kg). Every output is 10000/16000 = 62.5 % farm A and
 * 6000/16000 = 37.5 % the other farm. Returns the transform's index.
 */
static uint64_t
gin_two(struct pxt_ledger *fx, const char *farm2, const char *lot2,
	const char *district2)
{
	harvest(fx, FARM_A, LOT_A, 10000, DIST_A, SEASON);
	harvest(fx, farm2, lot2, 6000, district2, SEASON);
	pxt_ship(fx, FARM_A, GIN, "WB-A", LOT_A, 10000, 10000);
	pxt_ship(fx, farm2, GIN, "WB-2", lot2, 6000, 6000);
	return pxt_ok(fx,
		      "{'kind':'transform','actor':'%s','process':'ginning',"
		      "'inputs':[{'lot':'%s','kg':10000},"
		      "{'lot':'%s','kg':6000}],"
		      "'outputs':[{'lot':'LINT-1','kg':7000,'product':'lint'},"
		      "{'lot':'SEED-1','kg':8000,'product':'cottonseed'},"
		      "{'lot':'WASTE-G1','kg':500,'product':'waste'}]}",
		      GIN, LOT_A, lot2);
}

/*
 * The two-farm, one-gin, one-spinner blend:
 *
 *   farm A harvests UZ-2025-A-001, 12000 kg (UZ-SA-KTK); ships all of it,
 *     the gin receives 11980 kg (20 kg lost on the road)
 *   farm B harvests UZ-2025-B-001, 8000 kg (UZ-SA-PAY); the gin receives
 *     all 8000 kg
 *   gin: 6000 A + 2000 B (8000) -> BALE-1 3500 kg lint (cap 3600),
 *        SEED-1 4000 kg cottonseed
 *   gin: 5980 A + 6000 B (11980) -> BALE-2 5000 kg lint (cap 5391),
 *        SEED-2 6000 kg cottonseed
 *   gin ships 3000 kg of BALE-1 and 4000 kg of BALE-2 to the spinner, who
 *     receives 3000 and 3990 kg
 *   spinner: x = 2000 kg of BALE-1 + y = 3000 kg of BALE-2 (5000) ->
 *        YARN-1 4500 kg yarn (cap 4750), WASTE-S1 400 kg waste
 *
 * By hand:
 *   BALE-1, SEED-1: A 6000/8000 = 3/4,         B 2000/8000 = 1/4
 *   BALE-2, SEED-2: A 5980/11980 = 299/599,    B 6000/11980 = 300/599
 *   YARN-1, WASTE-S1:
 *     A = (2000 * 3/4 + 3000 * 299/599) / 5000
 *       = (1500 * 11980 + 3000 * 5980) / (5000 * 11980)
 *       = 35910000 / 59900000 = 3591/5990 (0.59949916527545909...)
 *     B = (2000 * 1/4 + 3000 * 300/599) / 5000
 *       = (500 * 11980 + 3000 * 6000) / (5000 * 11980)
 *       = 23990000 / 59900000 = 2399/5990 (0.40050083472454090...)
 *
 * Held afterwards: the harvest lots nothing; BALE-1 gin 500 + spinner 1000;
 * BALE-2 gin 1000 + spinner 990; SEED-1 gin 4000; SEED-2 gin 6000; YARN-1
 * spinner 4500; WASTE-S1 spinner 400.
 */
#define BALE1_A (3.0 / 4.0)
#define BALE1_B (1.0 / 4.0)
#define BALE2_A (299.0 / 599.0)
#define BALE2_B (300.0 / 599.0)
#define YARN_A  (3591.0 / 5990.0)
#define YARN_B  (2399.0 / 5990.0)

static void
blend(struct pxt_ledger *fx)
{
	harvest(fx, FARM_A, LOT_A, 12000, DIST_A, SEASON);
	harvest(fx, FARM_B, LOT_B, 8000, DIST_B, SEASON);
	pxt_ship(fx, FARM_A, GIN, "WB-A", LOT_A, 12000, 11980);
	pxt_ship(fx, FARM_B, GIN, "WB-B", LOT_B, 8000, 8000);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'%s','kg':6000},{'lot':'%s','kg':2000}],"
	       "'outputs':[{'lot':'BALE-1','kg':3500,'product':'lint'},"
	       "{'lot':'SEED-1','kg':4000,'product':'cottonseed'}]}",
	       GIN, LOT_A, LOT_B);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'%s','kg':5980},{'lot':'%s','kg':6000}],"
	       "'outputs':[{'lot':'BALE-2','kg':5000,'product':'lint'},"
	       "{'lot':'SEED-2','kg':6000,'product':'cottonseed'}]}",
	       GIN, LOT_A, LOT_B);
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'%s','to':'%s','shipment':'SH-1',"
	       "'lots':[{'lot':'BALE-1','kg':3000},"
	       "{'lot':'BALE-2','kg':4000}]}",
	       GIN, SPINNER);
	pxt_ok(fx,
	       "{'kind':'receive','actor':'%s','shipment':'SH-1',"
	       "'lots':[{'lot':'BALE-1','kg':3000},"
	       "{'lot':'BALE-2','kg':3990}]}",
	       SPINNER);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'spinning',"
	       "'inputs':[{'lot':'BALE-1','kg':2000},"
	       "{'lot':'BALE-2','kg':3000}],"
	       "'outputs':[{'lot':'YARN-1','kg':4500,'product':'yarn'},"
	       "{'lot':'WASTE-S1','kg':400,'product':'waste'}]}",
	       SPINNER);
}

/* ---- the verdict ---- */

static void
test_certified_everywhere_is_free(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	const struct px_origin *a, *b;
	uint64_t sa, sb;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	sa = attest(fx, "district:" DIST_A, SEASON, "certified");
	sb = attest(fx, "district:" DIST_B, SEASON, "certified");

	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_string_equal(px_verdict_name(v->kind), "free");
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_LINT);
	assert_int_equal(v->grams, 7000 * KG);
	assert_int_equal(v->at, pxt_log_size(fx->l));
	assert_int_equal(v->ancestors, 3); /* LINT-1 and two harvests */
	assert_int_equal(v->n_origins, 2);
	assert_near(v->by_status[CERTIFIED], 1.0);
	assert_near(status_sum(v), 1.0);
	/* By share, largest first. */
	assert_string_equal(v->origins[0].lot, LOT_A);
	assert_string_equal(v->origins[1].lot, LOT_B);
	a = origin(v, LOT_A);
	b = origin(v, LOT_B);
	assert_near(a->share, 0.625);
	assert_near(b->share, 0.375);
	assert_string_equal(a->farm, FARM_A);
	assert_string_equal(a->district, DIST_A);
	assert_string_equal(a->region, "UZ-SA"); /* the farm actor's */
	assert_int_equal(a->season, SEASON);
	assert_int_equal(a->method, PAXTA__METHOD__METHOD_HAND);
	assert_int_equal(a->status, CERTIFIED);
	assert_int_equal(a->decided_by, sa);
	assert_string_equal(a->monitor, MONITOR);
	assert_string_equal(a->subject, "district:" DIST_A);
	assert_int_equal(b->status, CERTIFIED);
	assert_int_equal(b->decided_by, sb);
	assert_string_equal(b->subject, "district:" DIST_B);
	assert_true(v->n_reasons >= 1);
	assert_reason(v, "certified", NULL);
	drop_verdict(v);

	/* The by-products carry the same mix; a harvest lot is its own sole
	 * origin. */
	v = verdict(fx, "SEED-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_COTTONSEED);
	assert_near(origin(v, LOT_A)->share, 0.625);
	drop_verdict(v);
	v = verdict(fx, LOT_B, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_SEED_COTTON);
	assert_int_equal(v->grams, 6000 * KG);
	assert_int_equal(v->ancestors, 1);
	assert_int_equal(v->n_origins, 1);
	assert_near(v->origins[0].share, 1.0);
	drop_verdict(v);
}

static void
test_forced_labour_district_flags_its_share(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t bad;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	bad = attest(fx, "district:" DIST_A, SEASON, "forced_labour");
	attest(fx, "district:" DIST_B, SEASON, "certified");

	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_string_equal(px_verdict_name(v->kind), "flagged");
	assert_near(v->by_status[FORCED_LABOUR], 0.625);
	assert_near(v->by_status[CERTIFIED], 0.375);
	assert_near(status_sum(v), 1.0);
	assert_int_equal(origin(v, LOT_A)->status, FORCED_LABOUR);
	assert_int_equal(origin(v, LOT_A)->decided_by, bad);
	assert_int_equal(origin(v, LOT_B)->status, CERTIFIED);
	assert_reason(v, "district:" DIST_A, "62.5 %");
	assert_reason(v, "forced_labour", MONITOR);
	assert_false(has_reason(v, DIST_B, NULL));
	drop_verdict(v);

	/* Farm B's own harvest does not trace to the bad district. */
	v = verdict(fx, LOT_B, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
	v = verdict(fx, LOT_A, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], 1.0);
	drop_verdict(v);
}

static void
test_district_without_statement_is_unverified(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	const struct px_origin *b;
	uint64_t silent;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	silent = pxt_log_size(fx->l);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	/* A statement on the district for another season does not count. */
	attest(fx, "district:" DIST_B, SEASON - 1, "certified");

	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_string_equal(px_verdict_name(v->kind), "unverified");
	assert_near(v->by_status[CERTIFIED], 0.625);
	assert_near(v->by_status[UNCERTIFIED], 0.375);
	b = origin(v, LOT_B);
	assert_int_equal(b->status, UNCERTIFIED);
	assert_int_equal(b->decided_by, 0);
	assert_string_equal(b->subject, "");
	assert_string_equal(b->monitor, "");
	assert_reason(v, DIST_B, "37.5 %");
	drop_verdict(v);

	/* No statement anywhere (before the monitor spoke): all of it
	 * uncertified, one reason per district. */
	v = verdict(fx, "SEED-1", silent);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[UNCERTIFIED], 1.0);
	assert_reason(v, DIST_A, "62.5 %");
	assert_reason(v, DIST_B, "37.5 %");
	drop_verdict(v);
	v = verdict(fx, LOT_B, 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[UNCERTIFIED], 1.0);
	drop_verdict(v);
}

static void
test_withdrawal_counts_from_its_entry_on(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t sb, before, w;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	sb = attest(fx, "district:" DIST_B, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);

	before = pxt_log_size(fx->l);
	w = attest(fx, "district:" DIST_B, SEASON, "withdrawn");
	assert_int_equal(w, before);

	/* Now: the latest statement on UZ-SA-PAY withdraws certification. */
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_int_equal(v->at, before + 1);
	assert_near(v->by_status[CERTIFIED], 0.625);
	assert_near(v->by_status[WITHDRAWN], 0.375);
	assert_int_equal(origin(v, LOT_B)->status, WITHDRAWN);
	assert_int_equal(origin(v, LOT_B)->decided_by, w);
	assert_reason(v, "withdrawn", "district:" DIST_B);
	drop_verdict(v);

	/* As of the tree the brand held before the withdrawal: free. */
	v = verdict(fx, "LINT-1", before);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->at, before);
	assert_near(v->by_status[CERTIFIED], 1.0);
	assert_int_equal(origin(v, LOT_B)->status, CERTIFIED);
	assert_int_equal(origin(v, LOT_B)->decided_by, sb);
	drop_verdict(v);
}

static void
test_country_statement_weighs_on_every_farm(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t national;

	/* Farm A in Uzbekistan ginned with a Kazakh farm's cotton. */
	gin_two(fx, FARM_KZ, LOT_KZ, DIST_KZ);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_KZ, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_string_equal(origin(v, LOT_KZ)->region, "KZ-TUR");
	drop_verdict(v);

	national = attest(fx, "country:UZ", SEASON, "forced_labour");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], 0.625);
	assert_near(v->by_status[CERTIFIED], 0.375);
	assert_int_equal(origin(v, LOT_A)->status, FORCED_LABOUR);
	assert_int_equal(origin(v, LOT_A)->decided_by, national);
	assert_string_equal(origin(v, LOT_A)->subject, "country:UZ");
	assert_int_equal(origin(v, LOT_KZ)->status, CERTIFIED);
	assert_reason(v, "country:UZ", "62.5 %");
	drop_verdict(v);

	/* The Kazakh harvest alone is untouched; the Uzbek one is flagged
	 * whatever its district says. */
	v = verdict(fx, LOT_KZ, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
	v = verdict(fx, LOT_A, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	drop_verdict(v);
}

static void
test_statements_combine_worst_of_latest(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	struct px_origin o;
	struct px_txn *t = NULL;
	uint64_t review, region, child, sb, fb;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");

	/* A farm statement combines with its district's: worst wins. */
	review = attest(fx, "farm:" FARM_A, SEASON, "under_review");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[UNDER_REVIEW], 0.625);
	assert_near(v->by_status[CERTIFIED], 0.375);
	assert_int_equal(origin(v, LOT_A)->status, UNDER_REVIEW);
	assert_int_equal(origin(v, LOT_A)->decided_by, review);
	assert_string_equal(origin(v, LOT_A)->subject, "farm:" FARM_A);
	drop_verdict(v);

	/* A later statement on the same subject replaces it. */
	attest(fx, "farm:" FARM_A, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_near(v->by_status[CERTIFIED], 1.0);
	assert_int_equal(origin(v, LOT_A)->status, CERTIFIED);
	drop_verdict(v);

	/* Another season's finding does not weigh on this one. */
	attest(fx, "district:" DIST_B, SEASON - 1, "child_labour");
	attest(fx, "farm:" FARM_B, SEASON + 1, "forced_labour");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);

	/* Worst of the latest per subject, not the latest overall: a later
	 * district certification does not clear a farm finding... */
	fb = attest(fx, "farm:" FARM_B, SEASON, "forced_labour");
	sb = attest(fx, "district:" DIST_B, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], 0.375);
	assert_string_equal(origin(v, LOT_B)->subject, "farm:" FARM_B);
	drop_verdict(v);
	/* ...nor does a later certification of the farm by the monitor
	 * itself: a finding stands for cotton harvested before the monitor
	 * states a remediation (test_statements covers that). */
	attest(fx, "farm:" FARM_B, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_int_equal(origin(v, LOT_B)->decided_by, fb);
	drop_verdict(v);

	/* A region statement weighs on both districts, below a worse one... */
	region = attest(fx, "region:UZ-SA", SEASON, "under_review");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[UNDER_REVIEW], 0.625);
	assert_int_equal(origin(v, LOT_A)->decided_by, region);
	assert_string_equal(origin(v, LOT_A)->subject, "region:UZ-SA");
	assert_int_equal(origin(v, LOT_B)->decided_by, fb);
	drop_verdict(v);
	/* ...and a worse district one beats it where it applies. */
	child = attest(fx, "district:" DIST_A, SEASON, "child_labour");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[CHILD_LABOUR], 0.625);
	assert_near(v->by_status[FORCED_LABOUR], 0.375);
	assert_int_equal(origin(v, LOT_A)->decided_by, child);
	assert_reason(v, "child_labour", "district:" DIST_A);
	drop_verdict(v);

	/* px_origin_status directly, now and as of before the farm's
	 * finding. */
	memset(&o, 0, sizeof(o));
	snprintf(o.farm, sizeof(o.farm), "%s", FARM_B);
	snprintf(o.district, sizeof(o.district), "%s", DIST_B);
	snprintf(o.region, sizeof(o.region), "UZ-SA");
	o.season = SEASON;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_origin_status(t, &o, 0), PX_OK);
	assert_int_equal(o.status, FORCED_LABOUR);
	assert_int_equal(o.decided_by, fb);
	assert_string_equal(o.monitor, MONITOR);
	assert_string_equal(o.subject, "farm:" FARM_B);
	assert_int_equal(px_origin_status(t, &o, fb), PX_OK);
	assert_int_equal(o.status, CERTIFIED);
	assert_int_equal(px_origin_status(t, &o, sb + 1), PX_OK);
	assert_int_equal(o.status, FORCED_LABOUR);
	assert_int_equal(px_origin_status(t, &o, region + 1), PX_OK);
	assert_int_equal(o.status, FORCED_LABOUR);
	o.season = SEASON - 1; /* only the child-labour district finding */
	assert_int_equal(px_origin_status(t, &o, 0), PX_OK);
	assert_int_equal(o.status, CHILD_LABOUR);
	o.season = SEASON - 2; /* nothing at all */
	assert_int_equal(px_origin_status(t, &o, 0), PX_OK);
	assert_int_equal(o.status, UNCERTIFIED);
	assert_int_equal(o.decided_by, 0);
	px_store_abort(t);
}

static void
test_lab_result_flags_lot_and_descendants(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t before, bad;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");
	lab(fx, LOT_B, 1); /* a match changes nothing */
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);

	before = pxt_log_size(fx->l);
	bad = lab(fx, LOT_A, 0);
	/* An ancestor's failed test flags the lint, whatever the paperwork
	 * says: the share that came through lot A is lab_mismatch, not
	 * certified, and the rest still is. */
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->lab_mismatch, 0.625);
	assert_near(v->by_status[CERTIFIED], 0.375);
	assert_int_equal(v->n_labs, 1);
	assert_near(v->labs[0].share, 0.625);
	assert_reason(v, LAB, LOT_A);
	drop_verdict(v);
	v = verdict(fx, LOT_A, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	drop_verdict(v);
	v = verdict(fx, LOT_B, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
	/* Not as of before the result. */
	v = verdict(fx, "LINT-1", before);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
	v = verdict(fx, "LINT-1", bad + 1);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	drop_verdict(v);

	/* A failed test on the lot itself. */
	lab(fx, "SEED-1", 0);
	v = verdict(fx, "SEED-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_reason(v, LAB, "SEED-1");
	drop_verdict(v);
}

static void
test_blend_composition_by_hand(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;

	blend(fx);
	attest(fx, "district:" DIST_A, SEASON, "forced_labour");
	attest(fx, "district:" DIST_B, SEASON, "certified");

	v = verdict(fx, "BALE-1", 0);
	assert_int_equal(v->ancestors, 3);
	assert_int_equal(v->n_origins, 2);
	assert_near(origin(v, LOT_A)->share, BALE1_A);
	assert_near(origin(v, LOT_B)->share, BALE1_B);
	drop_verdict(v);
	v = verdict(fx, "SEED-2", 0);
	assert_near(origin(v, LOT_A)->share, BALE2_A);
	assert_near(origin(v, LOT_B)->share, BALE2_B);
	drop_verdict(v);
	v = verdict(fx, "BALE-2", 0);
	assert_int_equal(v->grams, 5000 * KG);
	assert_near(origin(v, LOT_A)->share, BALE2_A);
	assert_near(origin(v, LOT_B)->share, BALE2_B);
	/* B gave more than A here: B first. */
	assert_string_equal(v->origins[0].lot, LOT_B);
	drop_verdict(v);

	v = verdict(fx, "YARN-1", 0);
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_YARN);
	assert_int_equal(v->grams, 4500 * KG);
	/* YARN-1, BALE-1, BALE-2 and the two harvests, each once although
	 * both harvests are reached through both bales. */
	assert_int_equal(v->ancestors, 5);
	assert_int_equal(v->n_origins, 2);
	assert_string_equal(v->origins[0].lot, LOT_A);
	assert_near(origin(v, LOT_A)->share, YARN_A);
	assert_near(origin(v, LOT_B)->share, YARN_B);
	assert_near(origin(v, LOT_A)->share + origin(v, LOT_B)->share, 1.0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], YARN_A);
	assert_near(v->by_status[CERTIFIED], YARN_B);
	assert_reason(v, "59.9 %", "district:" DIST_A);
	drop_verdict(v);

	v = verdict(fx, "WASTE-S1", 0);
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_WASTE);
	assert_near(origin(v, LOT_A)->share, YARN_A);
	drop_verdict(v);
}

static void
test_composition_through_weaving_and_making(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;

	blend(fx);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");
	pxt_ship(fx, SPINNER, WEAVER, "SH-2", "YARN-1", 4500, 4500);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'weaving',"
	       "'inputs':[{'lot':'YARN-1','kg':4500}],"
	       "'outputs':[{'lot':'FABRIC-1','kg':4400,'product':'fabric'}]}",
	       WEAVER);
	pxt_ship(fx, WEAVER, MAKER, "SH-3", "FABRIC-1", 4400, 4400);
	/* 4180 kg is exactly the 0.95 cap on 4400 kg of fabric. */
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'making',"
	       "'inputs':[{'lot':'FABRIC-1','kg':4400}],"
	       "'outputs':[{'lot':'GARMENT-1','kg':4180,'product':"
	       "'garment'}]}",
	       MAKER);

	/* Single-input steps pass the yarn's mix on unchanged. */
	v = verdict(fx, "GARMENT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->product, PAXTA__PRODUCT__PRODUCT_GARMENT);
	assert_int_equal(v->grams, 4180 * KG);
	assert_int_equal(v->ancestors, 7);
	assert_int_equal(v->n_origins, 2);
	assert_near(origin(v, LOT_A)->share, YARN_A);
	assert_near(origin(v, LOT_B)->share, YARN_B);
	assert_near(v->by_status[CERTIFIED], 1.0);
	drop_verdict(v);
}

static void
test_unknown_lot_and_as_of(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v = (struct px_verdict *)1;
	uint64_t made, size, typo, voided;

	made = gin_two(fx, FARM_B, LOT_B, DIST_B);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");

	assert_int_equal(verdict_at(fx, &v, "NO-SUCH-LOT", 0), PX_ENOTFOUND);
	assert_null(v);
	v = (struct px_verdict *)1;
	assert_int_equal(verdict_at(fx, &v, "", 0), PX_ENOTFOUND);
	assert_null(v);

	/* LINT-1 is logged at index made: as of a tree of that size it does
	 * not exist yet; one leaf later it does. */
	assert_int_equal(verdict_at(fx, &v, "LINT-1", made), PX_ENOTFOUND);
	assert_null(v);
	assert_int_equal(verdict_at(fx, &v, "LINT-1", 1), PX_ENOTFOUND);
	v = verdict(fx, "LINT-1", made + 1);
	assert_int_equal(v->at, made + 1);
	assert_int_equal(v->n_origins, 2);
	/* Before the monitors spoke: nothing certified yet. */
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[UNCERTIFIED], 1.0);
	drop_verdict(v);

	/* 0 and sizes past the end mean now. */
	size = pxt_log_size(fx->l);
	v = verdict(fx, "LINT-1", size + 100);
	assert_int_equal(v->at, size);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);

	/* A voided harvest is gone now, but not as of before its void. */
	typo = harvest(fx, FARM_A, "UZ-2025-A-TYPO", 1, DIST_A, SEASON);
	voided = pxt_ok(fx, "{'kind':'void','actor':'%s','entry':%" PRIu64 "}",
			FARM_A, typo);
	assert_int_equal(verdict_at(fx, &v, "UZ-2025-A-TYPO", 0), PX_ENOTFOUND);
	v = verdict(fx, "UZ-2025-A-TYPO", voided);
	assert_int_equal(v->grams, 1 * KG);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
}

/* A transform voided later still had its inputs as of before the void. */
static void
test_voided_transform_keeps_its_past(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t made, before;

	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");
	made = gin_two(fx, FARM_B, LOT_B, DIST_B);
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->n_origins, 2);
	drop_verdict(v);

	before = pxt_log_size(fx->l);
	pxt_ok(fx, "{'kind':'void','actor':'%s','entry':%" PRIu64 "}", GIN,
	       made);
	v = (struct px_verdict *)1;
	assert_int_equal(verdict_at(fx, &v, "LINT-1", 0), PX_ENOTFOUND);
	assert_null(v);

	/* As of the tree before the void, the verdict is what it was then. */
	v = verdict(fx, "LINT-1", before);
	assert_int_equal(v->at, before);
	if (v->n_origins != 2)
		print_reasons(v);
	assert_int_equal(v->ancestors, 3);
	assert_int_equal(v->n_origins, 2);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_near(origin(v, LOT_A)->share, 0.625);
	assert_near(origin(v, LOT_B)->share, 0.375);
	drop_verdict(v);
}

/*
 * A record on the way that no longer is what was logged (DESIGN.md §3.4:
 * "invalid — a record on the way fails a signature, the hash chain, or a
 * rule"): flip one byte of the ginning entry's stored leaf in the LMDB file.
 */
static void
test_tampered_record_is_invalid(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	struct px_txn *t = NULL;
	const uint8_t *stored;
	uint8_t *leaf;
	size_t len, file_len, hits = 0;
	char *path, *file;
	uint64_t made;
	FILE *f;

	made = gin_two(fx, FARM_B, LOT_B, DIST_B);
	attest(fx, "district:" DIST_A, SEASON, "certified");
	attest(fx, "district:" DIST_B, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_leaf(t, made, &stored, &len), PX_OK);
	leaf = malloc(len);
	assert_non_null(leaf);
	memcpy(leaf, stored, len);
	px_store_abort(t);

	/* Every copy of the leaf in the file (old pages may hold one too):
	 * its last byte, in the signature, flipped. */
	assert_true(asprintf(&path, "%s/data.mdb", fx->dir) > 0);
	file = pxt_read_file(path, &file_len);
	assert_non_null(file);
	f = fopen(path, "r+b");
	assert_non_null(f);
	for (size_t at = 0; at + len <= file_len; at++) {
		if (memcmp(file + at, leaf, len) != 0)
			continue;
		assert_int_equal(fseek(f, (long)(at + len - 1), SEEK_SET), 0);
		assert_int_equal(fputc(leaf[len - 1] ^ 0x01, f),
				 leaf[len - 1] ^ 0x01);
		hits++;
	}
	assert_int_equal(fclose(f), 0);
	assert_true(hits >= 1);
	free(file);
	free(path);
	pxt_ledger_reopen(fx);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_leaf(t, made, &stored, &len), PX_OK);
	assert_int_not_equal(memcmp(stored, leaf, len), 0);
	px_store_abort(t);
	free(leaf);

	v = verdict(fx, "LINT-1", 0);
	if (v->kind != PX_VERDICT_INVALID)
		print_reasons(v);
	assert_string_equal(px_verdict_name(v->kind),
			    px_verdict_name(PX_VERDICT_INVALID));
	drop_verdict(v);
	/* The harvests before it are still intact. */
	v = verdict(fx, LOT_A, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	drop_verdict(v);
}

/* ---- recall ---- */

/* The blend's lots downstream of farm A's harvest, as recalled by district
 * or by the statement on it. */
static void
check_district_recall(const struct px_recall *r)
{
	/*
	 * affected = sum of held x share, in grams:
	 *   BALE-1   1500000 * 3/4         = 1125000
	 *   SEED-1   4000000 * 3/4         = 3000000
	 *   BALE-2   1990000 * 299/599     =  993338.898...
	 *   SEED-2   6000000 * 299/599     = 2994991.652...
	 *   YARN-1   4500000 * 3591/5990   = 2697746.243...
	 *   WASTE-S1  400000 * 3591/5990   =  239799.666...
	 *   total                          = 11050876.461...
	 * (the harvest lot itself is all consumed or lost on the road).
	 */
	const double affected =
		1125000.0 + 3000000.0 + 1990000.0 * 299.0 / 599.0 +
		6000000.0 * 299.0 / 599.0 + 4500000.0 * 3591.0 / 5990.0 +
		400000.0 * 3591.0 / 5990.0;

	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 7);
	assert_string_equal(r->lots[0].lot, LOT_A);
	assert_null(recalled(r, LOT_B));
	check_recalled(r, LOT_A, PAXTA__PRODUCT__PRODUCT_SEED_COTTON, 1.0,
		       NULL);
	check_recalled(r, "BALE-1", PAXTA__PRODUCT__PRODUCT_LINT, BALE1_A, GIN,
		       (uint64_t)500 * KG, SPINNER, (uint64_t)1000 * KG, NULL);
	check_recalled(r, "SEED-1", PAXTA__PRODUCT__PRODUCT_COTTONSEED, BALE1_A,
		       GIN, (uint64_t)4000 * KG, NULL);
	check_recalled(r, "BALE-2", PAXTA__PRODUCT__PRODUCT_LINT, BALE2_A, GIN,
		       (uint64_t)1000 * KG, SPINNER, (uint64_t)990 * KG, NULL);
	check_recalled(r, "SEED-2", PAXTA__PRODUCT__PRODUCT_COTTONSEED, BALE2_A,
		       GIN, (uint64_t)6000 * KG, NULL);
	check_recalled(r, "YARN-1", PAXTA__PRODUCT__PRODUCT_YARN, YARN_A,
		       SPINNER, (uint64_t)4500 * KG, NULL);
	check_recalled(r, "WASTE-S1", PAXTA__PRODUCT__PRODUCT_WASTE, YARN_A,
		       SPINNER, (uint64_t)400 * KG, NULL);
	/* To the gram: per-lot or total rounding may differ by under 1 g. */
	near((double)r->affected_grams, affected, 1.0, "affected_grams",
	     __LINE__);
}

/* Origins come first in a recall, then every lot after all of its
 * recalled inputs. */
static void
check_recall_order(const struct px_recall *r)
{
	for (size_t i = 0; i < r->n_lots; i++) {
		int is_origin = r->lots[i].product ==
				PAXTA__PRODUCT__PRODUCT_SEED_COTTON;

		if ((i < r->n_origins) != is_origin)
			fail_msg("lot %zu of %zu, '%s', is %san origin, but "
				 "the recall has %zu origins first",
				 i, r->n_lots, r->lots[i].lot,
				 is_origin ? "" : "not ", r->n_origins);
	}
}

static void
test_recall_by_district(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { .district = DIST_A, .season = SEASON };
	struct px_recall *r;

	blend(fx);
	attest(fx, "district:" DIST_A, SEASON, "forced_labour");

	r = recall(fx, &q);
	assert_contains(r->what, DIST_A);
	assert_contains(r->what, "2025");
	check_district_recall(r);
	check_recall_order(r);
	drop_recall(r);

	/* The other district: farm B's side of the same lots. */
	q.district = DIST_B;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 7);
	assert_string_equal(r->lots[0].lot, LOT_B);
	check_recalled(r, "BALE-2", PAXTA__PRODUCT__PRODUCT_LINT, BALE2_B, GIN,
		       (uint64_t)1000 * KG, SPINNER, (uint64_t)990 * KG, NULL);
	check_recalled(r, "YARN-1", PAXTA__PRODUCT__PRODUCT_YARN, YARN_B,
		       SPINNER, (uint64_t)4500 * KG, NULL);
	drop_recall(r);

	/* Another season, or a district with no harvest: nothing. */
	q.district = DIST_A;
	q.season = SEASON - 1;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 0);
	assert_int_equal(r->n_lots, 0);
	assert_int_equal(r->affected_grams, 0);
	drop_recall(r);
	q.district = "UZ-XO-NOP";
	q.season = SEASON;
	r = recall(fx, &q);
	assert_int_equal(r->n_lots, 0);
	drop_recall(r);
}

/*
 * Farm A harvests UZ-2025-A-001 (5000 kg) and UZ-2025-A-002 (4000 kg) in
 * 2025 and UZ-2024-A-001 (3000 kg) in 2024; farm B UZ-2025-B-001 (5000 kg).
 * The gin makes LINT-1 (4000 kg) and SEED-1 (5000 kg) from 5000 A-001 +
 * 5000 B-001 (1/2 farm A) and LINT-2 (1800 kg) from A-002 alone.
 */
static void
farm_lots(struct pxt_ledger *fx)
{
	harvest(fx, FARM_A, "UZ-2024-A-001", 3000, DIST_A, SEASON - 1);
	harvest(fx, FARM_A, "UZ-2025-A-001", 5000, DIST_A, SEASON);
	harvest(fx, FARM_A, "UZ-2025-A-002", 4000, DIST_A, SEASON);
	harvest(fx, FARM_B, LOT_B, 5000, DIST_B, SEASON);
	pxt_ship(fx, FARM_A, GIN, "WB-A1", "UZ-2025-A-001", 5000, 5000);
	pxt_ship(fx, FARM_A, GIN, "WB-A2", "UZ-2025-A-002", 4000, 4000);
	pxt_ship(fx, FARM_B, GIN, "WB-B", LOT_B, 5000, 5000);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'UZ-2025-A-001','kg':5000},"
	       "{'lot':'%s','kg':5000}],"
	       "'outputs':[{'lot':'LINT-1','kg':4000,'product':'lint'},"
	       "{'lot':'SEED-1','kg':5000,'product':'cottonseed'}]}",
	       GIN, LOT_B);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'UZ-2025-A-002','kg':4000}],"
	       "'outputs':[{'lot':'LINT-2','kg':1800,'product':'lint'}]}",
	       GIN);
}

static void
test_recall_by_farm(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { .farm = FARM_A, .season = SEASON };
	struct px_recall *r;

	farm_lots(fx);

	r = recall(fx, &q);
	assert_contains(r->what, FARM_A);
	assert_int_equal(r->n_origins, 2);
	assert_int_equal(r->n_lots, 5);
	check_recalled(r, "UZ-2025-A-001", PAXTA__PRODUCT__PRODUCT_SEED_COTTON,
		       1.0, NULL);
	check_recalled(r, "UZ-2025-A-002", PAXTA__PRODUCT__PRODUCT_SEED_COTTON,
		       1.0, NULL);
	check_recalled(r, "LINT-1", PAXTA__PRODUCT__PRODUCT_LINT, 0.5, GIN,
		       (uint64_t)4000 * KG, NULL);
	check_recalled(r, "SEED-1", PAXTA__PRODUCT__PRODUCT_COTTONSEED, 0.5,
		       GIN, (uint64_t)5000 * KG, NULL);
	check_recalled(r, "LINT-2", PAXTA__PRODUCT__PRODUCT_LINT, 1.0, GIN,
		       (uint64_t)1800 * KG, NULL);
	assert_null(recalled(r, "UZ-2024-A-001"));
	assert_null(recalled(r, LOT_B));
	/* 4000 * 1/2 + 5000 * 1/2 + 1800 = 6300 kg */
	assert_int_equal(r->affected_grams, 6300 * KG);
	drop_recall(r);

	/* Every season: the 2024 harvest too, still on the farm. */
	q.season = 0;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 3);
	assert_int_equal(r->n_lots, 6);
	check_recalled(r, "UZ-2024-A-001", PAXTA__PRODUCT__PRODUCT_SEED_COTTON,
		       1.0, FARM_A, (uint64_t)3000 * KG, NULL);
	assert_int_equal(r->affected_grams, 9300 * KG);
	drop_recall(r);

	/* Farm B: its own harvest and its half of LINT-1 and SEED-1. */
	q.farm = FARM_B;
	q.season = SEASON;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 3);
	check_recalled(r, "LINT-1", PAXTA__PRODUCT__PRODUCT_LINT, 0.5, GIN,
		       (uint64_t)4000 * KG, NULL);
	assert_int_equal(r->affected_grams, 4500 * KG);
	drop_recall(r);

	/* A farm with no harvest. */
	q.farm = FARM_KZ;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 0);
	assert_int_equal(r->n_lots, 0);
	drop_recall(r);
}

/* Kg on the road count: a recall names the consignee and shipment of
 * what is shipped and not yet received, and forgets it on arrival. */
static void
test_recall_in_transit(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { .farm = FARM_A, .season = SEASON };
	const struct px_recall_lot *rl;
	struct px_recall *r;
	json_t *j;

	harvest(fx, FARM_A, "UZ-2025-A-001", 1000, DIST_A, SEASON);
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM_A "','to':'" GIN
		   "','shipment':'WB-1','lots':[{'lot':'UZ-2025-A-001',"
		   "'kg':600}]}");

	r = recall(fx, &q);
	rl = recalled(r, "UZ-2025-A-001");
	assert_non_null(rl);
	assert_int_equal(rl->held, 400 * KG);
	assert_int_equal(rl->n_transit, 1);
	assert_string_equal(rl->transit[0].shipment, "WB-1");
	assert_string_equal(rl->transit[0].to, GIN);
	assert_int_equal(rl->transit[0].grams, 600 * KG);
	assert_int_equal(r->affected_grams, 1000 * KG);
	j = px_recall_json(r);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(j, "lots"), 0),
				 "in_transit_kg")),
			 600);
	json_decref(j);
	drop_recall(r);

	/* 590 kg arrive; 10 kg were lost on the way: nothing is in transit. */
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN "','shipment':'WB-1',"
		   "'lots':[{'lot':'UZ-2025-A-001','kg':590}]}");
	r = recall(fx, &q);
	rl = recalled(r, "UZ-2025-A-001");
	assert_int_equal(rl->n_transit, 0);
	assert_int_equal(rl->in_transit, 0);
	check_recalled(r, "UZ-2025-A-001", PAXTA__PRODUCT__PRODUCT_SEED_COTTON,
		       1.0, FARM_A, (uint64_t)400 * KG, GIN, (uint64_t)590 * KG,
		       NULL);
	assert_int_equal(r->affected_grams, 990 * KG);
	drop_recall(r);
}

/* Origins first, then downstream (provenance.h), also when a farm's
 * harvests lead to different lots. */
static void
test_recall_lists_origins_first(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { .farm = FARM_A, .season = SEASON };
	struct px_recall *r;

	farm_lots(fx);
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 2);
	check_recall_order(r);
	drop_recall(r);
	q.season = 0;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 3);
	check_recall_order(r);
	drop_recall(r);
}

static void
test_recall_by_attestation(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { 0 };
	struct px_recall *r = (struct px_recall *)1;
	uint64_t district, farm, country, region, other_season, harvest_at;

	harvest_at = pxt_log_size(fx->l);
	blend(fx);
	district = attest(fx, "district:" DIST_A, SEASON, "forced_labour");
	farm = attest(fx, "farm:" FARM_B, SEASON, "under_review");
	country = attest(fx, "country:UZ", SEASON, "forced_labour");
	region = attest(fx, "region:UZ-SA", SEASON, "child_labour");
	other_season =
		attest(fx, "district:" DIST_A, SEASON - 1, "forced_labour");

	/* The attest entry's index: the same as recalling its district. */
	q.attestation = district;
	r = recall(fx, &q);
	assert_contains(r->what, "district:" DIST_A);
	check_district_recall(r);
	drop_recall(r);

	q.attestation = farm;
	r = recall(fx, &q);
	assert_contains(r->what, FARM_B);
	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 7);
	assert_string_equal(r->lots[0].lot, LOT_B);
	check_recalled(r, "YARN-1", PAXTA__PRODUCT__PRODUCT_YARN, YARN_B,
		       SPINNER, (uint64_t)4500 * KG, NULL);
	check_recalled(r, "SEED-1", PAXTA__PRODUCT__PRODUCT_COTTONSEED, BALE1_B,
		       GIN, (uint64_t)4000 * KG, NULL);
	drop_recall(r);

	/* A national finding recalls every farm of the country: everything
	 * downstream is all from recalled origins, held kg in full. */
	q.attestation = country;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 2);
	assert_int_equal(r->n_lots, 8);
	check_recalled(r, "YARN-1", PAXTA__PRODUCT__PRODUCT_YARN, 1.0, SPINNER,
		       (uint64_t)4500 * KG, NULL);
	check_recalled(r, "BALE-2", PAXTA__PRODUCT__PRODUCT_LINT, 1.0, GIN,
		       (uint64_t)1000 * KG, SPINNER, (uint64_t)990 * KG, NULL);
	/* 500 + 1000 + 4000 + 1000 + 990 + 6000 + 4500 + 400 kg */
	assert_int_equal(r->affected_grams, 18390 * KG);
	check_recall_order(r);
	drop_recall(r);

	q.attestation = region;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 2);
	assert_int_equal(r->affected_grams, 18390 * KG);
	drop_recall(r);

	q.attestation = other_season;
	r = recall(fx, &q);
	assert_int_equal(r->n_origins, 0);
	assert_int_equal(r->n_lots, 0);
	drop_recall(r);

	/* Not a statement, or past the end of the log. */
	r = (struct px_recall *)1;
	q.attestation = harvest_at;
	assert_int_equal(recall_rc(fx, &r, &q), PX_ENOTFOUND);
	assert_null(r);
	q.attestation = pxt_log_size(fx->l);
	assert_int_equal(recall_rc(fx, &r, &q), PX_ENOTFOUND);
	q.attestation = UINT64_MAX;
	assert_int_equal(recall_rc(fx, &r, &q), PX_ENOTFOUND);
}

/* Neither a district, a farm nor a statement (index 0 is the genesis). */
static void
test_recall_empty_query(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { 0 };
	struct px_recall *r = (struct px_recall *)1;

	blend(fx);
	assert_int_equal(recall_rc(fx, &r, &q), PX_EINVAL);
	assert_null(r);
}

/* ---- JSON ---- */

static const json_t *
member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		fail_msg("no key '%s'", key);
	return v;
}

static void
check_number(const json_t *obj, const char *key, double want)
{
	const json_t *v = member(obj, key);

	if (!json_is_number(v))
		fail_msg("'%s' is not a number", key);
	near(json_number_value(v), want, 1e-6, key, __LINE__);
}

static void
check_string(const json_t *obj, const char *key, const char *want)
{
	const json_t *v = member(obj, key);

	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	assert_string_equal(json_string_value(v), want);
}

static void
test_verdict_json(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	const json_t *status, *origins, *o, *d, *districts, *reasons, *by;
	json_t *j;
	uint64_t bad, good;
	int mentions = 0;

	gin_two(fx, FARM_B, LOT_B, DIST_B);
	bad = attest(fx, "district:" DIST_A, SEASON, "forced_labour");
	good = attest(fx, "district:" DIST_B, SEASON, "certified");
	v = verdict(fx, "LINT-1", 0);
	j = px_verdict_json(v);
	assert_non_null(j);

	check_string(j, "lot", "LINT-1");
	check_string(j, "verdict", "flagged");
	check_string(j, "product", "lint");
	check_number(j, "kg", 7000);
	check_number(j, "at", (double)pxt_log_size(fx->l));
	check_number(j, "ancestors", 3);

	/* 62.5 % of 7000 kg is 4375 kg, 37.5 % is 2625 kg. */
	status = member(j, "by_status");
	assert_true(json_is_object(status));
	assert_int_equal(json_object_size(status), 2);
	by = member(status, "forced_labour");
	check_number(by, "share", 0.625);
	check_number(by, "kg", 4375);
	by = member(status, "certified");
	check_number(by, "share", 0.375);
	check_number(by, "kg", 2625);

	origins = member(j, "origins");
	assert_true(json_is_array(origins));
	assert_int_equal(json_array_size(origins), 2);
	o = json_array_get(origins, 0);
	assert_non_null(o);
	check_string(o, "lot", LOT_A);
	check_string(o, "farm", FARM_A);
	check_string(o, "district", DIST_A);
	check_string(o, "region", "UZ-SA");
	check_number(o, "season", SEASON);
	check_string(o, "method", "hand");
	check_number(o, "share", 0.625);
	check_number(o, "kg", 4375);
	check_string(o, "status", "forced_labour");
	d = member(o, "decided_by");
	check_number(d, "index", (double)bad);
	check_string(d, "monitor", MONITOR);
	check_string(d, "subject", "district:" DIST_A);
	o = json_array_get(origins, 1);
	assert_non_null(o);
	check_string(o, "lot", LOT_B);
	check_string(o, "status", "certified");
	check_number(member(o, "decided_by"), "index", (double)good);

	districts = member(j, "districts");
	assert_true(json_is_array(districts));
	assert_int_equal(json_array_size(districts), 2);
	for (size_t i = 0; i < 2; i++) {
		d = json_array_get(districts, i);
		assert_non_null(d);
		check_number(d, "season", SEASON);
		if (strcmp(json_string_value(member(d, "district")), DIST_A) ==
		    0) {
			check_string(d, "status", "forced_labour");
			check_number(d, "share", 0.625);
			check_number(d, "kg", 4375);
		} else {
			check_string(d, "district", DIST_B);
			check_string(d, "status", "certified");
			check_number(d, "share", 0.375);
			check_number(d, "kg", 2625);
		}
	}

	reasons = member(j, "reasons");
	assert_true(json_is_array(reasons));
	assert_int_equal(json_array_size(reasons), v->n_reasons);
	for (size_t i = 0; i < json_array_size(reasons); i++) {
		const json_t *s = json_array_get(reasons, i);

		assert_true(json_is_string(s));
		mentions += strstr(json_string_value(s), DIST_A) != NULL;
	}
	assert_true(mentions >= 1);
	json_decref(j);
	drop_verdict(v);

	/* An uncertified origin is counted as "uncertified" and has no
	 * deciding statement. */
	v = verdict(fx, LOT_B, good + 1);
	j = px_verdict_json(v);
	check_string(j, "verdict", "free");
	json_decref(j);
	drop_verdict(v);
	v = verdict(fx, LOT_B, good);
	j = px_verdict_json(v);
	assert_non_null(j);
	check_string(j, "verdict", "unverified");
	check_number(member(member(j, "by_status"), "uncertified"), "share",
		     1.0);
	o = json_array_get(member(j, "origins"), 0);
	check_string(o, "status", "uncertified");
	assert_null(json_object_get(o, "decided_by"));
	json_decref(j);
	drop_verdict(v);
}

static void
test_recall_json(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query q = { .district = DIST_A, .season = SEASON };
	struct px_recall *r;
	const json_t *lots, *bale = NULL, *holders, *h;
	json_t *j;

	blend(fx);
	r = recall(fx, &q);
	j = px_recall_json(r);
	assert_non_null(j);
	assert_contains(json_string_value(member(j, "recall")), DIST_A);
	check_number(j, "origins", 1);
	check_number(j, "affected_kg", (double)r->affected_grams / 1000.0);
	lots = member(j, "lots");
	assert_true(json_is_array(lots));
	assert_int_equal(json_array_size(lots), 7);
	check_string(json_array_get(lots, 0), "lot", LOT_A);
	check_number(json_array_get(lots, 0), "held_kg", 0);
	for (size_t i = 0; i < json_array_size(lots); i++) {
		const json_t *l = json_array_get(lots, i);

		member(l, "product");
		member(l, "share");
		member(l, "held_kg");
		assert_true(json_is_array(member(l, "holders")));
		if (strcmp(json_string_value(member(l, "lot")), "BALE-1") == 0)
			bale = l;
	}
	assert_non_null(bale);
	check_string(bale, "product", "lint");
	check_number(bale, "share", 0.75);
	check_number(bale, "held_kg", 1500);
	holders = member(bale, "holders");
	assert_int_equal(json_array_size(holders), 2);
	for (size_t i = 0; i < 2; i++) {
		h = json_array_get(holders, i);
		if (strcmp(json_string_value(member(h, "holder")), GIN) == 0)
			check_number(h, "kg", 500);
		else {
			check_string(h, "holder", SPINNER);
			check_number(h, "kg", 1000);
		}
	}
	json_decref(j);
	drop_recall(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_certified_everywhere_is_free),
		T(test_forced_labour_district_flags_its_share),
		T(test_district_without_statement_is_unverified),
		T(test_withdrawal_counts_from_its_entry_on),
		T(test_country_statement_weighs_on_every_farm),
		T(test_statements_combine_worst_of_latest),
		T(test_lab_result_flags_lot_and_descendants),
		T(test_blend_composition_by_hand),
		T(test_composition_through_weaving_and_making),
		T(test_unknown_lot_and_as_of),
		T(test_voided_transform_keeps_its_past),
		T(test_tampered_record_is_invalid),
		T(test_recall_by_district),
		T(test_recall_by_farm),
		T(test_recall_in_transit),
		T(test_recall_lists_origins_first),
		T(test_recall_by_attestation),
		T(test_recall_empty_query),
		T(test_verdict_json),
		T(test_recall_json),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
