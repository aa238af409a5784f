/*
 * Unit tests for statements, seasons, labs and plausibility (DESIGN.md
 * §3.4, docs/statements.md): each way an attacker turned flagged cotton
 * into "free" (issue 10) ends refused, with the ledger unchanged, or not
 * free.
 *
 * The world: a farm in Qashqadaryo (UZ-QA-NKS) and one in Samarqand
 * (UZ-SA-KTK), a gin, two monitors (monitor.tpm and monitor.rogue), two
 * labs. Events are written with single quotes and turned into JSON.
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
#include "paxta/event.h"
#include "paxta/provenance.h"
#include "paxta/store.h"

#define FARM    "uz.farm.nks-01"
#define FARM_SA "uz.farm.ktk-01"
#define DIST    "UZ-QA-NKS"
#define DIST_SA "UZ-SA-KTK"
#define GIN     "uz.gin.qa-01"
#define TPM     "monitor.tpm"
#define ROGUE   "monitor.rogue"
#define LAB     "lab.isotope-1"
#define LAB_2   "lab.dna-1"
#define LOT     "UZ-2026-NKS-001"
#define LOT_SA  "UZ-2026-KTK-001"
#define PICKED  "2026-10-01T08:00:00Z"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define EPSILON       1e-9
#define CERTIFIED     PAXTA__STATUS__STATUS_CERTIFIED
#define UNCERTIFIED   PAXTA__STATUS__STATUS_UNSPECIFIED
#define FORCED_LABOUR PAXTA__STATUS__STATUS_FORCED_LABOUR

/* ---- helpers ---- */

static struct px_verdict *live; /* freed by teardown after a failure */

#define assert_near(got, want)                                           \
	do {                                                             \
		if (!(fabs((got) - (want)) <= EPSILON))                  \
			fail_msg("line %d: %s is %.17g, expected %.17g", \
				 __LINE__, #got, (double)(got),          \
				 (double)(want));                        \
	} while (0)

/* The event is refused with code, and the ledger is as it was. */
__attribute__((format(printf, 3, 4))) static void
refused(struct pxt_ledger *fx, enum px_code code, const char *fmt, ...)
{
	struct px_append_result res;
	struct pxt_snapshot before, after;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = pxt_squote(fmt, ap);
	va_end(ap);
	pxt_snapshot(fx, &before);
	memset(&res, 0, sizeof(res));
	pxt_submit(fx, &res, "%s", text);
	if (res.rc != PX_EREFUSED || res.refusal.code != code)
		fail_msg("%s\nwanted refusal '%s', got rc %d '%s': %s", text,
			 px_code_name(code), res.rc,
			 px_code_name(res.refusal.code), res.refusal.message);
	free(text);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
}

static uint64_t
harvest(struct pxt_ledger *fx, const char *farm, const char *lot,
	const char *district, unsigned kg)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'%s','lot':'%s','kg':%u,"
		      "'season':2026,'district':'%s','method':'hand',"
		      "'harvested_at':'" PICKED "'}",
		      farm, lot, kg, district);
}

static uint64_t
attest(struct pxt_ledger *fx, const char *monitor, const char *subject,
       unsigned season, const char *status)
{
	return pxt_ok(fx,
		      "{'kind':'attest','actor':'%s','subject':'%s',"
		      "'season':%u,'status':'%s','indicators':[],"
		      "'report_sha256':'" REPORT "'}",
		      monitor, subject, season, status);
}

static struct px_verdict *
verdict(struct pxt_ledger *fx, const char *lot, uint64_t at)
{
	struct px_txn *t = NULL;
	int rc;

	px_verdict_free(live);
	live = NULL;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_verdict(&live, t, lot, at);
	px_store_abort(t);
	if (rc != PX_OK)
		fail_msg("verdict on '%s': %s", lot, px_strerror(rc));
	return live;
}

static int
has_reason(const struct px_verdict *v, const char *part)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (strstr(v->reasons[i], part))
			return 1;
	return 0;
}

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, FARM, "farm", "UZ-QA", DIST);
	pxt_register(fx, FARM_SA, "farm", "UZ-SA", DIST_SA);
	pxt_register(fx, GIN, "gin", "UZ-QA", DIST);
	pxt_register(fx, TPM, "monitor", "", "");
	pxt_register(fx, ROGUE, "monitor", "", "");
	pxt_register(fx, LAB, "lab", "", "");
	pxt_register(fx, LAB_2, "lab", "", "");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	px_verdict_free(live);
	live = NULL;
	pxt_ledger_free(*state);
	return 0;
}

/* ---- whose word counts ---- */

/* A second monitor cannot clear the first one's finding: each monitor's
 * latest statement counts, and the worst across monitors wins. */
static void
test_second_monitor_cannot_clear(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t finding;

	harvest(fx, FARM, LOT, DIST, 1000);
	finding = attest(fx, TPM, "district:" DIST, 2026, "forced_labour");
	attest(fx, ROGUE, "district:" DIST, 2026, "certified");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], 1.0);
	assert_int_equal(v->origins[0].decided_by, finding);
	assert_string_equal(v->origins[0].monitor, TPM);

	/* Nor does a rogue withdrawal turn flagged into unverified. */
	attest(fx, ROGUE, "district:" DIST, 2026, "withdrawn");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);

	/* Nor does its own later certification: a finding stands for the
	 * cotton harvested before a remediation (see below). */
	attest(fx, TPM, "district:" DIST, 2026, "certified");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_int_equal(v->origins[0].decided_by, finding);
}

/* A monitor's statements count only up to its revocation. */
static void
test_revoked_monitor_stops_counting(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t revoked;

	harvest(fx, FARM, LOT, DIST, 1000);
	attest(fx, ROGUE, "district:" DIST, 2026, "certified");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	revoked = pxt_ok(fx,
			 "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
			 "','subject':'" ROGUE "','reason':'paid to certify'}");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[UNCERTIFIED], 1.0);
	/* As of before the revocation, its word still stood. */
	v = verdict(fx, LOT, revoked);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
}

/* A registrar suspends a monitor's statements from an entry on, with a
 * signed reason the verdict names; earlier statements still count. */
static void
test_suspension_from_an_entry(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t early, bought, suspension;

	harvest(fx, FARM, LOT, DIST, 1000);
	harvest(fx, FARM_SA, LOT_SA, DIST_SA, 1000);
	early = attest(fx, ROGUE, "district:" DIST_SA, 2026, "certified");
	bought = attest(fx, ROGUE, "district:" DIST, 2026, "certified");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'suspend','actor':'" GIN "','subject':'" ROGUE
		"','from':%" PRIu64 ",'reason':'x'}",
		bought);
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'suspend','actor':'" PXT_REGISTRAR "','subject':'" GIN
		"','from':%" PRIu64 ",'reason':'x'}",
		bought);
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'suspend','actor':'" PXT_REGISTRAR
		"','subject':'" ROGUE "','from':%" PRIu64 ",'reason':'x'}",
		bought + 100);
	suspension = pxt_ok(fx,
			    "{'kind':'suspend','actor':'" PXT_REGISTRAR
			    "','subject':'" ROGUE "','from':%" PRIu64
			    ",'reason':'certified districts it never "
			    "visited'}",
			    bought);
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_int_equal(v->origins[0].suspension, suspension);
	assert_true(has_reason(v, "never visited"));
	/* Its statement before the suspended entry still counts. */
	v = verdict(fx, LOT_SA, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_int_equal(v->origins[0].decided_by, early);
	/* As of before the suspension, the verdict was free. */
	v = verdict(fx, LOT, suspension);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	refused(fx, PX_CODE_REVOKED,
		"{'kind':'suspend','actor':'" PXT_REGISTRAR
		"','subject':'" ROGUE "','from':1,'reason':'again'}");
}

/* No self-certification: a monitor holds no supply-chain role, never
 * becomes one, and receives no cotton. */
static void
test_monitor_holds_no_supply_chain_role(void **state)
{
	struct pxt_ledger *fx = *state;
	char pub[45];

	px_pubkey_to_base64(pub, &pxt_key(fx, "uz.farm.self")->pub);
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'register_actor','actor':'" PXT_REGISTRAR
		"','subject':{'id':'uz.farm.self','name':'Self',"
		"'roles':['farm','monitor'],'region':'UZ-QA','district':'" DIST
		"','public_key':'%s'}}",
		pub);
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'update_actor','actor':'" PXT_REGISTRAR
		"','subject':{'id':'" FARM "','name':'F','roles':['monitor'],"
		"'region':'UZ-QA','district':'" DIST "'}}");
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'update_actor','actor':'" PXT_REGISTRAR
		"','subject':{'id':'" TPM "','name':'T','roles':['gin']}}");
	harvest(fx, FARM, LOT, DIST, 1000);
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'transfer','actor':'" FARM "','to':'" TPM
		"','shipment':'WB-1','lots':[{'lot':'" LOT "','kg':10}]}");
}

/* A finding named on a gin as if it were a farm is refused, not silently
 * ignored. */
static void
test_farm_subject_must_be_a_farm(void **state)
{
	struct pxt_ledger *fx = *state;

	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" TPM "','subject':'farm:" GIN
		"','season':2026,'status':'forced_labour','indicators':[]}");
}

/* ---- seasons ---- */

/* Certified for 2025, forced labour for 2026: cotton picked in 2026
 * cannot be declared 2025's, nor leave out when it was picked. */
static void
test_season_cannot_be_laundered(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;

	attest(fx, TPM, "district:" DIST, 2025, "certified");
	attest(fx, TPM, "district:" DIST, 2026, "forced_labour");
	refused(fx, PX_CODE_SEASON,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':1000,'season':2025,'district':'" DIST
		"','method':'hand','harvested_at':'" PICKED "'}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':1000,'season':2025,'district':'" DIST
		"','method':'hand'}");
	harvest(fx, FARM, LOT, DIST, 1000);
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
}

/* ---- origin from the district ---- */

static void
test_origin_comes_from_the_district(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	struct px_recall *r = NULL;
	struct px_recall_query q = { 0 };
	struct px_txn *t = NULL;
	uint64_t national;
	char pub[45];

	/* A farm with no district cannot harvest anywhere. */
	pxt_register(fx, "uz.farm.nowhere", "farm", "", "");
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'harvest','actor':'uz.farm.nowhere','lot':'" LOT
		"','kg':1000,'season':2026,'district':'" DIST
		"','method':'hand','harvested_at':'" PICKED "'}");
	/* A region that is not its district's. */
	px_pubkey_to_base64(pub, &pxt_key(fx, "uz.farm.kz")->pub);
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'register_actor','actor':'" PXT_REGISTRAR
		"','subject':{'id':'uz.farm.kz','name':'K','roles':['farm'],"
		"'region':'KZ-x','district':'" DIST_SA "','public_key':'%s'}}",
		pub);

	/* A national finding reaches the farm through its district, in the
	 * verdict and in recall alike. */
	harvest(fx, FARM_SA, LOT_SA, DIST_SA, 1000);
	national = attest(fx, TPM, "country:UZ", 2026, "forced_labour");
	v = verdict(fx, LOT_SA, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_string_equal(v->origins[0].region, "UZ-SA");
	assert_string_equal(v->origins[0].subject, "country:UZ");
	q.attestation = national;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_recall(&r, t, &q), PX_OK);
	px_store_abort(t);
	assert_int_equal(r->n_origins, 1);
	assert_string_equal(r->lots[0].lot, LOT_SA);
	px_recall_free(r);
	r = NULL;
	/* A region statement too. */
	q.attestation = attest(fx, TPM, "region:UZ-SA", 2026, "child_labour");
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_recall(&r, t, &q), PX_OK);
	px_store_abort(t);
	assert_int_equal(r->n_origins, 1);
	px_recall_free(r);
}

/* ---- periods and remediation ---- */

static uint64_t
picked(struct pxt_ledger *fx, const char *lot, const char *when)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'" FARM "','lot':'%s',"
		      "'kg':1000,'season':2026,'district':'" DIST
		      "','method':'hand','harvested_at':'%s'}",
		      lot, when);
}

/* A statement with a period judges only cotton harvested in it. */
static void
test_period_covers_cotton_harvested_in_it(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;

	picked(fx, "L-SEP", "2026-09-25T08:00:00Z");
	picked(fx, "L-OCT", "2026-10-12T08:00:00Z");
	attest(fx, TPM, "district:" DIST, 2026, "certified");
	pxt_ok(fx,
	       "{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
	       "','season':2026,'status':'forced_labour','indicators':"
	       "['abusive_working_conditions'],'from':'2026-10-01T00:00:00Z',"
	       "'until':'2026-10-31T23:59:59Z'}");
	v = verdict(fx, "L-SEP", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	v = verdict(fx, "L-OCT", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
		"','season':2026,'status':'certified','indicators':[],"
		"'from':'2026-10-31T00:00:00Z','until':'2026-10-01T00:00:00Z'"
		"}");
}

/* The DWCP row: a remediation clears next month's cotton, not last
 * month's, once the statements that follow certify it. */
static void
test_remediation_clears_later_cotton_only(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;

	picked(fx, "L-SEP", "2026-09-25T08:00:00Z");
	picked(fx, "L-NOV", "2026-11-10T08:00:00Z");
	pxt_ok(fx,
	       "{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
	       "','season':2026,'status':'forced_labour','indicators':"
	       "['coercion'],'time':'2026-10-05T00:00:00Z'}");
	/* Only the monitor that found it, with the plan, not backdated. */
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" ROGUE "','subject':'district:" DIST
		"','season':2026,'status':'remediated','indicators':[],"
		"'documents':[{'type':'remediation_plan','number':'P-1'}]}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
		"','season':2026,'status':'remediated','indicators':[]}");
	refused(fx, PX_CODE_TIME,
		"{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
		"','season':2026,'status':'remediated','indicators':[],"
		"'from':'2026-09-01T00:00:00Z','documents':[{'type':"
		"'remediation_plan','number':'P-1'}]}");
	pxt_ok(fx,
	       "{'kind':'attest','actor':'" TPM "','subject':'district:" DIST
	       "','season':2026,'status':'remediated','indicators':[],"
	       "'from':'2026-10-20T00:00:00Z','time':"
	       "'2026-10-20T00:00:00Z','documents':[{'type':"
	       "'remediation_plan','number':'DWCP-UZ-7','date':"
	       "'2026-10-18T00:00:00Z','issuer':'ILO','sha256':'" REPORT
	       "','uri':'https://example.org/plan.pdf'}]}");
	v = verdict(fx, "L-NOV", 0);
	assert_int_equal(v->kind, PX_VERDICT_UNVERIFIED);
	assert_near(v->by_status[PAXTA__STATUS__STATUS_REMEDIATED], 1.0);
	attest(fx, TPM, "district:" DIST, 2026, "certified");
	v = verdict(fx, "L-NOV", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	v = verdict(fx, "L-SEP", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->by_status[FORCED_LABOUR], 1.0);
}

/* ---- facilities ---- */

#define MILL_1 "uz.mill.1"
#define MILL_2 "uz.mill.2"
#define WEAVER "uz.weave.1"
#define MAKER  "uz.make.1"

/* A mill's finding flags a garment by the share that went through the
 * mill while the finding covered it. */
static void
test_mill_finding_flags_its_share(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	struct px_recall *r = NULL;
	struct px_recall_query q = { 0 };
	struct px_txn *t = NULL;
	uint64_t finding;

	pxt_register(fx, MILL_1, "spinner", "UZ-QA", DIST);
	pxt_register(fx, MILL_2, "spinner", "UZ-SA", DIST_SA);
	pxt_register(fx, WEAVER, "weaver", "UZ-SA", DIST_SA);
	pxt_register(fx, MAKER, "manufacturer", "UZ-SA", DIST_SA);
	attest(fx, TPM, "district:" DIST, 2026, "certified");
	attest(fx, TPM, "district:" DIST_SA, 2026, "certified");
	harvest(fx, FARM, LOT, DIST, 1000);
	harvest(fx, FARM_SA, LOT_SA, DIST_SA, 1000);
	pxt_ship(fx, FARM, GIN, "WB-1", LOT, 1000, 1000);
	pxt_ship(fx, FARM_SA, GIN, "WB-2", LOT_SA, 1000, 1000);
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':'ginning',"
		   "'inputs':[{'lot':'" LOT "','kg':1000}],'outputs':[{'lot':"
		   "'LINT-A','kg':400,'product':'lint'}]}");
	pxt_ok(fx,
	       "{'kind':'transform','actor':'" GIN "','process':'ginning',"
	       "'inputs':[{'lot':'" LOT_SA "','kg':1000}],'outputs':[{'lot':"
	       "'LINT-B','kg':400,'product':'lint'}]}");
	pxt_ship(fx, GIN, MILL_1, "WB-3", "LINT-A", 400, 400);
	pxt_ship(fx, GIN, MILL_2, "WB-4", "LINT-B", 400, 400);
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL_1 "','process':"
		   "'spinning','inputs':[{'lot':'LINT-A','kg':300}],'outputs':"
		   "[{'lot':'YARN-1','kg':270,'product':'yarn'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL_2 "','process':"
		   "'spinning','inputs':[{'lot':'LINT-B','kg':400}],'outputs':"
		   "[{'lot':'YARN-2','kg':380,'product':'yarn'}]}");
	pxt_ship(fx, MILL_1, WEAVER, "WB-5", "YARN-1", 270, 270);
	pxt_ship(fx, MILL_2, WEAVER, "WB-6", "YARN-2", 380, 380);
	/* 90 kg of yarn 1 and 210 of yarn 2: 30 % went through mill 1. */
	pxt_ok(fx, "{'kind':'transform','actor':'" WEAVER "','process':"
		   "'weaving','inputs':[{'lot':'YARN-1','kg':90},{'lot':"
		   "'YARN-2','kg':210}],'outputs':[{'lot':'FAB-1','kg':294,"
		   "'product':'fabric'}]}");
	pxt_ship(fx, WEAVER, MAKER, "WB-7", "FAB-1", 294, 294);
	pxt_ok(fx, "{'kind':'transform','actor':'" MAKER "','process':"
		   "'making','inputs':[{'lot':'FAB-1','kg':294}],'outputs':"
		   "[{'lot':'GMT-1','kg':279,'product':'garment'}]}");
	v = verdict(fx, "GMT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);

	/* A finding whose period ended before the mill spun: not covered. */
	pxt_ok(fx, "{'kind':'attest','actor':'" TPM "','subject':'actor:" MILL_1
		   "','season':2026,'status':'forced_labour','indicators':[],"
		   "'from':'2026-09-01T00:00:00Z','until':"
		   "'2026-09-30T00:00:00Z'}");
	v = verdict(fx, "GMT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	finding = pxt_ok(fx, "{'kind':'attest','actor':'" TPM
			     "','subject':'actor:" MILL_1
			     "','season':2026,'status':'forced_labour',"
			     "'indicators':['retention_of_identity_documents'"
			     "],'from':'2026-10-01T00:00:00Z'}");
	v = verdict(fx, "GMT-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->facility, 0.3);
	assert_near(v->by_status[CERTIFIED], 0.7);
	assert_int_equal(v->n_facilities, 1);
	assert_string_equal(v->facilities[0].facility, MILL_1);
	assert_string_equal(v->facilities[0].lot, "YARN-1");
	assert_int_equal(v->facilities[0].decided_by, finding);
	assert_true(has_reason(v, "facility '" MILL_1 "'"));
	/* Mill 2's yarn is untouched. */
	v = verdict(fx, "YARN-2", 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	/* Recall from the finding: what the mill made since, and all that
	 * was made from it. */
	q.attestation = finding;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_recall(&r, t, &q), PX_OK);
	px_store_abort(t);
	assert_int_equal(r->n_origins, 1);
	assert_int_equal(r->n_lots, 3);
	assert_string_equal(r->lots[0].lot, "YARN-1");
	assert_string_equal(r->lots[2].lot, "GMT-1");
	assert_true(fabs(r->lots[2].share - 0.3) < EPSILON);
	px_recall_free(r);

	/* A facility statement needs its start; a farm is no facility. */
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" TPM "','subject':'actor:" MILL_2
		"','season':2026,'status':'forced_labour','indicators':[]}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'attest','actor':'" TPM "','subject':'actor:" FARM
		"','season':2026,'status':'forced_labour','indicators':[],"
		"'from':'2026-10-01T00:00:00Z'}");
}

/* ---- the map ---- */

#define MAP_UZ                                                              \
	"{'kind':'publish_districts','actor':'" PXT_REGISTRAR               \
	"','country':'UZ','regions':[{'code':'UZ-QA','name':'Qashqadaryo'," \
	"'districts':[{'code':'UZ-QA-NKS','name':'Nishon'}]},{'code':"      \
	"'UZ-SA','name':'Samarqand','districts':[{'code':'UZ-SA-KTK',"      \
	"'name':'Kattaqorgon'}]}]}"

/* Once the registrar published a country's map, registrations, harvests
 * and statements name its codes or are refused. */
static void
test_map_of_districts(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	char pub[45];

	/* Before a map: accepted, and the verdict says it is unchecked. */
	harvest(fx, FARM, LOT, DIST, 1000);
	v = verdict(fx, LOT, 0);
	assert_true(has_reason(v, "no map of 'UZ'"));
	refused(fx, PX_CODE_ROLE_DENIED,
		"{'kind':'publish_districts','actor':'" FARM
		"','country':'UZ','regions':[{'code':'UZ-QA','name':'Q'}]}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'publish_districts','actor':'" PXT_REGISTRAR
		"','country':'UZ','regions':[{'code':'KZ-QA','name':'Q'}]}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'publish_districts','actor':'" PXT_REGISTRAR
		"','country':'UZ','regions':[{'code':'UZ-QA','name':'Q',"
		"'districts':[{'code':'UZ-SA-KTK','name':'K'}]}]}");
	pxt_ok(fx, MAP_UZ);
	v = verdict(fx, LOT, 0);
	assert_false(has_reason(v, "no map"));

	/* The attack's typo: a district the map does not have. */
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'attest','actor':'" TPM "','subject':'district:"
		"UZ-XO-GRLL','season':2026,'status':'forced_labour',"
		"'indicators':[]}");
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'attest','actor':'" TPM "','subject':'region:UZ-XO',"
		"'season':2026,'status':'forced_labour','indicators':[]}");
	/* A region named as a district. */
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'attest','actor':'" TPM "','subject':'district:UZ-QA',"
		"'season':2026,'status':'forced_labour','indicators':[]}");
	px_pubkey_to_base64(pub, &pxt_key(fx, "uz.farm.typo")->pub);
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'register_actor','actor':'" PXT_REGISTRAR
		"','subject':{'id':'uz.farm.typo','name':'T','roles':['farm'],"
		"'region':'UZ-QA','district':'UZ-QA-NKX','public_key':'%s'}}",
		pub);
	attest(fx, TPM, "district:" DIST, 2026, "certified");
	attest(fx, TPM, "region:UZ-SA", 2026, "certified");
	/* A country without a map still takes any of its codes. */
	pxt_register(fx, "kz.farm.1", "farm", "KZ-TUR", "KZ-TUR-SHY");
	/* The map grows: a later publication adds a district. */
	refused(fx, PX_CODE_ORIGIN,
		"{'kind':'attest','actor':'" TPM "','subject':'district:"
		"UZ-QA-GUZ','season':2026,'status':'certified',"
		"'indicators':[]}");
	pxt_ok(fx, "{'kind':'publish_districts','actor':'" PXT_REGISTRAR
		   "','country':'UZ','regions':[{'code':'UZ-QA','name':"
		   "'Qashqadaryo','districts':[{'code':'UZ-QA-GUZ','name':"
		   "'Guzor'}]}]}");
	attest(fx, TPM, "district:UZ-QA-GUZ", 2026, "certified");
}

/* ---- labs ---- */

/* A void cannot wash a lab finding: the tested bale stays. */
static void
test_void_cannot_wash_a_lab_finding(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	uint64_t ginning;

	attest(fx, TPM, "district:" DIST, 2026, "certified");
	harvest(fx, FARM, LOT, DIST, 1000);
	pxt_ship(fx, FARM, GIN, "WB-1", LOT, 1000, 1000);
	ginning = pxt_ok(fx, "{'kind':'transform','actor':'" GIN
			     "','process':'ginning','inputs':[{'lot':'" LOT
			     "','kg':1000}],'outputs':[{'lot':'BALE-1','kg':"
			     "400,'product':'lint'}]}");
	pxt_ok(fx, "{'kind':'lab_result','actor':'" LAB
		   "','lot':'BALE-1','matches':false,'claimed_region':'UZ-QA',"
		   "'method':'isotope','tested_at':'2026-10-20T00:00:00Z',"
		   "'documents':[{'type':'lab_report','number':'ISO-77',"
		   "'sha256':'" REPORT "'}]}");
	refused(fx, PX_CODE_VOID_DENIED,
		"{'kind':'void','actor':'" GIN "','entry':%" PRIu64 "}",
		ginning);
	/* So the seed cotton cannot be ginned again as another bale. */
	refused(fx, PX_CODE_NOT_HOLDER,
		"{'kind':'transform','actor':'" GIN
		"','process':'ginning','inputs':[{'lot':'" LOT
		"','kg':1000}],'outputs':[{'lot':'BALE-1B','kg':400,"
		"'product':'lint'}]}");
	v = verdict(fx, "BALE-1", 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->lab_mismatch, 1.0);
	assert_near(v->by_status[CERTIFIED], 0.0);
	assert_int_equal(v->n_labs, 1);
	assert_string_equal(v->labs[0].lab, LAB);
	assert_string_equal(v->labs[0].method, "isotope");
	assert_true(v->labs[0].has_report);
}

/* A lab's share of the lot, in kg and % of the breakdown; a re-test by
 * the same lab supersedes it, another lab's result does not. */
static void
test_lab_share_and_retest(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_verdict *v;
	json_t *j;

	attest(fx, TPM, "district:" DIST, 2026, "certified");
	harvest(fx, FARM, LOT, DIST, 1000);
	pxt_ok(fx, "{'kind':'lab_result','actor':'" LAB "','lot':'" LOT
		   "','matches':false,'share':0.4,'method':'isotope'}");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->lab_mismatch, 0.4);
	assert_near(v->by_status[CERTIFIED], 0.6);
	j = px_verdict_json(v);
	assert_non_null(j);
	assert_true(json_real_value(json_object_get(
			    json_object_get(json_object_get(j, "by_status"),
					    "lab_mismatch"),
			    "share")) == 0.4);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(j, "by_status"),
					"lab_mismatch"),
			"kg")),
		400);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "labs"), 0), "lab")),
		LAB);
	json_decref(j);

	/* The same lab re-tests: it matches. */
	pxt_ok(fx, "{'kind':'lab_result','actor':'" LAB "','lot':'" LOT
		   "','matches':true,'method':'isotope'}");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	assert_near(v->lab_mismatch, 0.0);
	/* Another lab's finding is its own. */
	pxt_ok(fx, "{'kind':'lab_result','actor':'" LAB_2 "','lot':'" LOT
		   "','matches':false,'share':0.25,'method':'dna'}");
	v = verdict(fx, LOT, 0);
	assert_int_equal(v->kind, PX_VERDICT_FLAGGED);
	assert_near(v->lab_mismatch, 0.25);
	assert_true(has_reason(v, LAB_2));
	/* A share is a fraction of the lot, and only a mismatch has one. */
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'lab_result','actor':'" LAB "','lot':'" LOT
		"','matches':false,'share':1.5}");
	refused(fx, PX_CODE_MALFORMED,
		"{'kind':'lab_result','actor':'" LAB "','lot':'" LOT
		"','matches':true,'share':0.5}");
}

/* ---- plausibility at the origin ---- */

static void
test_yield_is_bounded_by_area(void **state)
{
	struct pxt_ledger *fx = *state;
	char pub[45];

	px_pubkey_to_base64(pub, &pxt_key(fx, "uz.farm.small")->pub);
	pxt_ok(fx,
	       "{'kind':'register_actor','actor':'" PXT_REGISTRAR
	       "','subject':{'id':'uz.farm.small','name':'Small','roles':"
	       "['farm'],'region':'UZ-QA','district':'" DIST
	       "','area_ha':2.5,'public_key':'%s'}}",
	       pub);
	/* 2.5 ha x 6 t/ha = 15,000 kg in a season. */
	harvest(fx, "uz.farm.small", "S-1", DIST, 10000);
	refused(fx, PX_CODE_YIELD,
		"{'kind':'harvest','actor':'uz.farm.small','lot':'S-2',"
		"'kg':5000.001,'season':2026,'district':'" DIST
		"','method':'hand','harvested_at':'" PICKED "'}");
	/* The attack's 5,000,000 t harvest. */
	refused(fx, PX_CODE_YIELD,
		"{'kind':'harvest','actor':'uz.farm.small','lot':'S-2',"
		"'kg':500000000,'season':2026,'district':'" DIST
		"','method':'hand','harvested_at':'" PICKED "'}");
	harvest(fx, "uz.farm.small", "S-2", DIST, 5000);
	/* A farm without an area is not bounded (the docs say so). */
	harvest(fx, FARM, LOT, DIST, 100000);
}

/* ---- the events' JSON ---- */

/* Parse text (single quotes), render the entry back, and return that
 * JSON (the test owns it). */
static json_t *
round_trip(const char *text)
{
	char *copy = strdup(text);
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;
	json_t *j;

	assert_non_null(copy);
	for (char *c = copy; *c; c++)
		if (*c == '\'')
			*c = '"';
	if (px_event_parse_text(&ev, copy, strlen(copy), &r) != PX_OK)
		fail_msg("%s\nrefused: %s", copy, r.message);
	j = px_event_from_entry(ev->entry);
	px_event_free(ev);
	free(copy);
	assert_non_null(j);
	return j;
}

static void
malformed(const char *text, const char *says)
{
	char *copy = strdup(text);
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;

	assert_non_null(copy);
	for (char *c = copy; *c; c++)
		if (*c == '\'')
			*c = '"';
	assert_int_equal(px_event_parse_text(&ev, copy, strlen(copy), &r),
			 PX_EMALFORMED);
	assert_null(ev);
	assert_int_equal(r.code, PX_CODE_MALFORMED);
	if (!strstr(r.message, says))
		fail_msg("'%s' does not say '%s'", r.message, says);
	free(copy);
}

/* Documents, periods, maps and suspensions read and render with the
 * same names (docs/statements.md). */
static void
test_event_json(void **state)
{
	json_t *j, *doc, *region;

	(void)state;
	j = round_trip("{'kind':'attest','actor':'" TPM "','subject':"
		       "'district:" DIST "','season':2026,'status':"
		       "'remediated','indicators':[],'from':"
		       "'2026-10-20T00:00:00Z','documents':[{'type':"
		       "'remediation_plan','number':'DWCP-UZ-7','date':"
		       "'2026-10-18T00:00:00Z','issuer':'ILO','sha256':'" REPORT
		       "','uri':'https://example.org/plan.pdf'}]}");
	assert_string_equal(json_string_value(json_object_get(j, "status")),
			    "remediated");
	assert_string_equal(json_string_value(json_object_get(j, "from")),
			    "2026-10-20T00:00:00Z");
	doc = json_array_get(json_object_get(j, "documents"), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "type")),
			    "remediation_plan");
	assert_string_equal(json_string_value(json_object_get(doc, "number")),
			    "DWCP-UZ-7");
	assert_string_equal(json_string_value(json_object_get(doc, "date")),
			    "2026-10-18T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(doc, "sha256")),
			    REPORT);
	json_decref(j);

	j = round_trip("{'kind':'publish_districts','actor':'" PXT_REGISTRAR
		       "','country':'UZ','regions':[{'code':'UZ-SA','name':"
		       "'Samarqand','districts':[{'code':'UZ-SA-KTK','name':"
		       "'Kattaqorgon'}]},{'code':'UZ-TK','name':'Tashkent'}]}");
	region = json_array_get(json_object_get(j, "regions"), 0);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(region, "districts"), 0),
			"code")),
		"UZ-SA-KTK");
	json_decref(j);

	j = round_trip("{'kind':'suspend','actor':'" PXT_REGISTRAR
		       "','subject':'" ROGUE "','from':42,'reason':'bribed'}");
	assert_int_equal(json_integer_value(json_object_get(j, "from")), 42);
	json_decref(j);

	j = round_trip("{'kind':'lab_result','actor':'" LAB "','lot':'L',"
		       "'matches':false,'share':0.4,'tested_at':"
		       "'2026-10-20T00:00:00Z'}");
	assert_true(json_real_value(json_object_get(j, "share")) == 0.4);
	json_decref(j);

	malformed("{'kind':'attest','actor':'m','subject':'farm:f','season':"
		  "2026,'status':'certified','documents':[{'type':'memo',"
		  "'number':'1'}]}",
		  "unknown document type 'memo'");
	malformed("{'kind':'attest','actor':'m','subject':'farm:f','season':"
		  "2026,'status':'certified','documents':[{'type':'other'}]}",
		  "a document needs a number, a sha256 or a uri");
	malformed("{'kind':'lab_result','actor':'l','lot':'L','matches':"
		  "false,'share':2}",
		  "field 'share' must be a number from 0 to 1");
	malformed("{'kind':'register_actor','actor':'r','subject':{'id':'f',"
		  "'name':'F','roles':['farm'],'area_ha':-1}}",
		  "field 'area_ha'");
	malformed("{'kind':'suspend','actor':'r','subject':'m','from':3}",
		  "field 'reason' is missing");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_second_monitor_cannot_clear),
		T(test_revoked_monitor_stops_counting),
		T(test_suspension_from_an_entry),
		T(test_map_of_districts),
		T(test_period_covers_cotton_harvested_in_it),
		T(test_remediation_clears_later_cotton_only),
		T(test_mill_finding_flags_its_share),
		T(test_monitor_holds_no_supply_chain_role),
		T(test_farm_subject_must_be_a_farm),
		T(test_season_cannot_be_laundered),
		T(test_origin_comes_from_the_district),
		T(test_void_cannot_wash_a_lab_finding),
		T(test_lab_share_and_retest),
		T(test_yield_is_bounded_by_area),
		T(test_event_json),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
