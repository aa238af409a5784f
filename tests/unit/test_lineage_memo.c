/*
 * The verdict's memory of lineages (lineage_memo.h): a verdict that uses a
 * remembered lineage says byte for byte what a fresh walk says. The fresh
 * answer to compare with is a verdict inside a write transaction (which
 * never uses the memory), or one on the ledger opened again (an empty
 * memory). Statements, facility findings and lab results are judged
 * afresh; a lab result on a lot, a void and a remake move the lineage
 * marker (state.h) and the lineage is read again; shipments do not.
 *
 * The world: farm A (UZ-SA-KTK) and farm B (UZ-SA-PAY) ship their harvests
 * to a gin, which gins them into LINT-1 and SEED-1; a monitor certifies
 * both districts. LINT-1's lineage: LINT-1, LOT-A, LOT-B.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "lineage_memo.h"
#include "paxta/audit.h"
#include "paxta/error.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

#define SEASON  2025
#define FARM_A  "uz.farm.a"
#define FARM_B  "uz.farm.b"
#define DIST_A  "UZ-SA-KTK"
#define DIST_B  "UZ-SA-PAY"
#define GIN     "uz.gin.1"
#define SPINNER "uz.spin.1"
#define MONITOR "monitor.tpm"
#define LAB     "lab.iso"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* ---- helpers ---- */

static void
harvest(struct pxt_ledger *fx, const char *farm, const char *lot,
	const char *district)
{
	pxt_ok(fx,
	       "{'kind':'harvest','actor':'%s','lot':'%s','kg':1000,"
	       "'season':%u,'district':'%s','method':'hand',"
	       "'harvested_at':'%u-09-21T08:00:00Z'}",
	       farm, lot, SEASON, district, SEASON);
}

static uint64_t
attest(struct pxt_ledger *fx, const char *subject, const char *status)
{
	static unsigned said;

	return pxt_ok(fx,
		      "{'kind':'attest','actor':'" MONITOR "','subject':'%s',"
		      "'season':%u,'status':'%s','indicators':[],"
		      "'report_sha256':'" REPORT "','event_id':'s-%u'}",
		      subject, SEASON, status, ++said);
}

static uint64_t
lab(struct pxt_ledger *fx, const char *lot, int matches)
{
	static unsigned tested;

	return pxt_ok(fx,
		      "{'kind':'lab_result','actor':'" LAB "','lot':'%s',"
		      "'matches':%s,'claimed_region':'UZ-SA',"
		      "'report_sha256':'" REPORT "','event_id':'l-%u'}",
		      lot, matches ? "true" : "false", ++tested);
}

static struct px_lineage_memo *memo_of(struct pxt_ledger *fx);

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, FARM_A, "farm", "UZ-SA", DIST_A);
	pxt_register(fx, FARM_B, "farm", "UZ-SA", DIST_B);
	pxt_register(fx, GIN, "gin", "UZ-SA", DIST_A);
	pxt_register(fx, SPINNER, "spinner", "UZ-TO", "UZ-TO-CHR");
	pxt_register(fx, MONITOR, "monitor", "UZ-TK", "UZ-TK-YAK");
	pxt_register(fx, LAB, "lab", "UZ-TK", "UZ-TK-YAK");
	harvest(fx, FARM_A, "LOT-A", DIST_A);
	harvest(fx, FARM_B, "LOT-B", DIST_B);
	pxt_ship(fx, FARM_A, GIN, "WB-A", "LOT-A", 1000, 1000);
	pxt_ship(fx, FARM_B, GIN, "WB-B", "LOT-B", 1000, 1000);
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
		   "'ginning','inputs':[{'lot':'LOT-A','kg':1000},{'lot':"
		   "'LOT-B','kg':1000}],'outputs':[{'lot':'LINT-1','kg':800,"
		   "'product':'lint'},{'lot':'SEED-1','kg':1000,'product':"
		   "'cottonseed'}]}");
	attest(fx, "district:" DIST_A, "certified");
	attest(fx, "district:" DIST_B, "certified");
	/* The lineages here are of a few lots: keep every one. */
	px_lineage_memo_set_smallest(memo_of(fx), 1);
	*state = fx;
	return 0;
}

/* The verdict's JSON, as paxtad and paxta print it (malloc'd); NULL and
 * *rc when there is none. */
static char *
answer(struct px_txn *t, const char *lot, uint64_t at, int *rc)
{
	struct px_verdict *v = NULL;
	json_t *j;
	char *text;

	if ((*rc = px_verdict(&v, t, lot, at)) != PX_OK)
		return NULL;
	j = px_verdict_json(v);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(text);
	json_decref(j);
	px_verdict_free(v);
	return text;
}

/* The verdict on lot as of at (0: now) on a read snapshot: the memory's
 * answer when it has one. */
static char *
remembered(struct pxt_ledger *fx, const char *lot, uint64_t at)
{
	struct px_txn *t = NULL;
	char *text;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	text = answer(t, lot, at, &rc);
	px_store_abort(t);
	if (rc != PX_OK)
		fail_msg("verdict on '%s': %s", lot, px_strerror(rc));
	return text;
}

/* The same from a fresh walk: in a write transaction, undone. */
static char *
fresh(struct pxt_ledger *fx, const char *lot, uint64_t at)
{
	struct px_txn *t = NULL;
	char *text;
	int rc;

	assert_int_equal(px_store_begin(&t, px_ledger_store(fx->l), 1), PX_OK);
	text = answer(t, lot, at, &rc);
	px_store_abort(t);
	if (rc != PX_OK)
		fail_msg("fresh verdict on '%s': %s", lot, px_strerror(rc));
	return text;
}

static void
stats(struct pxt_ledger *fx, struct px_lineage_memo_stats *out)
{
	struct px_lineage_memo *m = NULL;
	struct px_txn *t = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_lineage_memo_of(t, &m), PX_OK);
	px_lineage_memo_stats(m, out);
	px_store_abort(t);
}

/* The store's memory of lineages (made on first use). */
static struct px_lineage_memo *
memo_of(struct pxt_ledger *fx)
{
	struct px_lineage_memo *m = NULL;
	struct px_txn *t = NULL;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_lineage_memo_of(t, &m), PX_OK);
	px_store_abort(t);
	return m;
}

static void
set_budget(struct pxt_ledger *fx, size_t bytes)
{
	px_lineage_memo_set_budget(memo_of(fx), bytes);
}

static uint64_t
marker(struct pxt_ledger *fx)
{
	struct px_txn *t = NULL;
	uint64_t mark = 0;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_lineage_mark(t, &mark), PX_OK);
	px_store_abort(t);
	return mark;
}

/* The memory's answer is the fresh one, and was the memory's (hit 1) or
 * a walk's (hit 0), as said (-1: either). */
static void
check(struct pxt_ledger *fx, const char *lot, uint64_t at, int hit, char **out)
{
	struct px_lineage_memo_stats before, after;
	char *got, *want;

	stats(fx, &before);
	got = remembered(fx, lot, at);
	stats(fx, &after);
	want = fresh(fx, lot, at);
	if (strcmp(got, want) != 0)
		fail_msg("the memory says\n%s\na fresh walk says\n%s", got,
			 want);
	if (hit == 1 && after.hits != before.hits + 1)
		fail_msg("the verdict on '%s' walked again", lot);
	if (hit == 0 && after.hits != before.hits)
		fail_msg("the verdict on '%s' used a remembered lineage", lot);
	free(want);
	if (out)
		*out = got;
	else
		free(got);
}

static int
says(const char *answer_text, const char *verdict)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "\"verdict\":\"%s\"", verdict);
	return strstr(answer_text, needle) != NULL;
}

/* ---- tests ---- */

/* A second verdict is the first, byte for byte, from the memory. */
static void
test_second_verdict_identical(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_lineage_memo_stats st;
	char *first, *second;

	check(fx, "LINT-1", 0, 0, &first);
	assert_true(says(first, "free"));
	check(fx, "LINT-1", 0, 1, &second);
	assert_string_equal(first, second);
	stats(fx, &st);
	assert_int_equal(st.lineages, 1);
	assert_true(st.bytes > 0 && st.bytes <= st.budget);
	free(first);
	free(second);
	pxt_audit_intact(fx);
}

/* With the default, a lineage of fewer than PX_LINEAGE_MEMO_SMALLEST lots
 * (LINT-1 has three) is walked every time and never kept. */
static void
test_small_not_kept(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_lineage_memo_stats st;

	px_lineage_memo_set_smallest(memo_of(fx), PX_LINEAGE_MEMO_SMALLEST);
	check(fx, "LINT-1", 0, 0, NULL);
	check(fx, "LINT-1", 0, 0, NULL);
	stats(fx, &st);
	assert_int_equal(st.lineages, 0);
	assert_int_equal(st.bytes, 0);
	px_lineage_memo_set_smallest(memo_of(fx), 3);
	check(fx, "LINT-1", 0, 0, NULL);
	check(fx, "LINT-1", 0, 1, NULL);
}

/* A lab result on an ancestor moves the marker: the next verdict reads
 * the lineage again and is flagged. The lab's re-test (it matches) moves
 * nothing a walk reads: the memory answers, and the re-test is judged. */
static void
test_lab_result_on_ancestor(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_lineage_memo_stats before, after;
	uint64_t tested;
	char *text;

	check(fx, "LINT-1", 0, 0, NULL);
	tested = lab(fx, "LOT-A", 0);
	assert_int_equal(marker(fx), tested);
	stats(fx, &before);
	check(fx, "LINT-1", 0, 0, &text);
	stats(fx, &after);
	assert_int_equal(after.stale, before.stale + 1);
	assert_true(says(text, "flagged"));
	assert_non_null(strstr(text, "lab_mismatch"));
	free(text);

	lab(fx, "LOT-A", 1);
	assert_int_equal(marker(fx), tested);
	check(fx, "LINT-1", 0, 1, &text);
	assert_true(says(text, "free"));
	free(text);
	pxt_audit_intact(fx);
}

/* Statements are judged afresh: a finding on a district, or on the gin
 * (a facility), flags the lot from the remembered lineage. */
static void
test_findings_judged_fresh(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t mark;
	char *text;

	check(fx, "LINT-1", 0, 0, NULL);
	mark = marker(fx);
	attest(fx, "district:" DIST_B, "forced_labour");
	assert_int_equal(marker(fx), mark);
	check(fx, "LINT-1", 0, 1, &text);
	assert_true(says(text, "flagged"));
	assert_non_null(strstr(text, DIST_B));
	free(text);

	attest(fx, "district:" DIST_B, "certified");
	check(fx, "LINT-1", 0, 1, &text);
	free(text);
	pxt_ok(fx,
	       "{'kind':'attest','actor':'" MONITOR "','subject':'actor:" GIN
	       "','season':2025,'status':'child_labour','indicators':[],"
	       "'from':'2025-01-01T00:00:00Z','report_sha256':'" REPORT "'}");
	check(fx, "LINT-1", 0, 1, &text);
	assert_true(says(text, "flagged"));
	assert_non_null(strstr(text, GIN));
	free(text);
}

/* A void and a remake under the same id: the remake's lineage is used,
 * and the old one still answers as of before the void. */
static void
test_void_and_remake(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t made, voided, remade;
	char *text;

	harvest(fx, FARM_B, "LOT-C", DIST_B);
	pxt_ship(fx, FARM_B, GIN, "WB-C", "LOT-C", 1000, 1000);
	made = pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
			  "'ginning','inputs':[{'lot':'LOT-C','kg':500}],"
			  "'outputs':[{'lot':'PBI-1','kg':200,'product':"
			  "'lint'}]}");
	check(fx, "PBI-1", 0, 0, &text);
	assert_non_null(strstr(text, "LOT-C"));
	free(text);
	check(fx, "PBI-1", 0, 1, NULL);

	voided = pxt_ok(fx,
			"{'kind':'void','actor':'" GIN "','entry':%" PRIu64
			",'reason':'typo'}",
			made);
	assert_int_equal(marker(fx), voided);
	remade = pxt_ok(fx, "{'kind':'transform','actor':'" GIN "','process':"
			    "'ginning','inputs':[{'lot':'LOT-C','kg':400}],"
			    "'outputs':[{'lot':'PBI-1','kg':150,'product':"
			    "'lint'}]}");
	assert_true(marker(fx) >= voided && marker(fx) <= remade);
	check(fx, "PBI-1", 0, 0, &text);
	assert_non_null(strstr(text, "\"kg\":150"));
	free(text);
	check(fx, "PBI-1", 0, 1, NULL);
	/* as of before the void: the first bale, walked (a historical
	 * question is never the memory's) */
	check(fx, "PBI-1", voided, 0, &text);
	assert_non_null(strstr(text, "\"kg\":200"));
	free(text);
	pxt_audit_intact(fx);
}

/* Shipments and weighings of an ancestor leave the marker: the memory
 * answers after them. */
static void
test_shipment_keeps_marker(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t mark;

	check(fx, "LINT-1", 0, 0, NULL);
	mark = marker(fx);
	/* 5 kg lost on the road: a weighing on the lot */
	pxt_ship(fx, GIN, SPINNER, "WB-S", "LINT-1", 500, 495);
	pxt_ship(fx, GIN, SPINNER, "WB-T", "SEED-1", 100, 100);
	assert_int_equal(marker(fx), mark);
	check(fx, "LINT-1", 0, 1, NULL);
	pxt_audit_intact(fx);
}

/* Asked as of an older size: from the memory when it was read by then,
 * walked when it was read later, and either way what a freshly opened
 * ledger says. */
static void
test_older_at_equals_fresh_store(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t first, later;
	char *a, *b, *c, *d;

	first = pxt_log_size(fx->l);
	check(fx, "LINT-1", 0, 0, NULL);
	attest(fx, "district:" DIST_A, "under_review");
	pxt_ship(fx, GIN, SPINNER, "WB-S", "LINT-1", 500, 500);
	later = pxt_log_size(fx->l);
	check(fx, "LINT-1", first, 1, &a); /* read at `first` */
	check(fx, "LINT-1", first - 1, 0, &b);
	check(fx, "LINT-1", 0, 1, &c);

	pxt_ledger_reopen(fx);
	d = remembered(fx, "LINT-1", first);
	assert_string_equal(a, d);
	free(d);
	d = remembered(fx, "LINT-1", first - 1);
	assert_string_equal(b, d);
	free(d);
	d = remembered(fx, "LINT-1", later);
	assert_string_equal(c, d);
	free(d);
	assert_true(says(c, "unverified"));
	free(a);
	free(b);
	free(c);
}

/* The budget: lineages beyond it go, least recently used first; one
 * larger than a quarter of it is not kept; answers stay the same. */
static void
test_budget_evicts(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_lineage_memo_stats st;
	static const char *const lots[] = { "LOT-C", "LOT-D", "LOT-E",
					    "LOT-F" };
	size_t one;

	for (size_t i = 0; i < 4; i++)
		harvest(fx, FARM_A, lots[i], DIST_A);
	check(fx, "LOT-A", 0, 0, NULL);
	stats(fx, &st);
	one = st.bytes; /* a harvest's lineage: one lot, ids alike */
	/* room for four of them, each a quarter of the budget */
	set_budget(fx, 4 * one);
	for (size_t i = 0; i < 4; i++)
		check(fx, lots[i], 0, 0, NULL);
	stats(fx, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.lineages, 4);
	assert_int_equal(st.bytes, 4 * one);
	/* the least recently used went: LOT-A */
	check(fx, "LOT-F", 0, 1, NULL);
	check(fx, "LOT-C", 0, 1, NULL);
	check(fx, "LOT-A", 0, 0, NULL); /* and LOT-D goes */
	check(fx, "LOT-D", 0, 0, NULL);

	/* LINT-1's lineage (three lots) is more than a quarter: walked
	 * each time, never kept */
	check(fx, "LINT-1", 0, 0, NULL);
	check(fx, "LINT-1", 0, 0, NULL);
	set_budget(fx, 0);
	stats(fx, &st);
	assert_int_equal(st.lineages, 0);
	assert_int_equal(st.bytes, 0);
	check(fx, "LOT-A", 0, 0, NULL);
	check(fx, "LOT-A", 0, 0, NULL);
}

/* The marker is state: audit re-derives it and finds an edited one. */
static void
test_marker_audited(void **state)
{
	struct pxt_ledger *fx = *state;
	static const uint8_t key[] = { 0, 'l', 'i', 'n', 'e', 'a', 'g', 'e' };
	struct px_audit_report rep;
	struct px_txn *t = NULL;
	uint8_t value[8];
	uint64_t tested;

	tested = lab(fx, "LOT-B", 0);
	assert_int_equal(marker(fx), tested);
	pxt_audit_intact(fx);
	assert_int_equal(px_store_begin(&t, px_ledger_store(fx->l), 1), PX_OK);
	px_put_be64(value, 3);
	assert_int_equal(px_store_put(t, PX_TABLE_EVENTS, key, sizeof(key),
				      value, sizeof(value)),
			 PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
	assert_false(rep.intact);
	assert_non_null(strstr(rep.problem, "events"));
}

/* ---- threads ---- */

struct race {
	struct pxt_ledger *fx;
	int stop;
	pthread_mutex_t mu;
	int failed; /* a reader's verdict failed or was not free/flagged */
	unsigned verdicts;
};

static void *
reader(void *arg)
{
	struct race *r = arg;

	for (;;) {
		struct px_verdict *v = NULL;
		struct px_txn *t = NULL;
		int stop, rc, bad;

		pthread_mutex_lock(&r->mu);
		stop = r->stop;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		rc = px_ledger_read(r->fx->l, &t);
		if (rc == PX_OK)
			rc = px_verdict(&v, t, "LINT-1", 0);
		px_store_abort(t);
		bad = rc != PX_OK || (v->kind != PX_VERDICT_FREE &&
				      v->kind != PX_VERDICT_FLAGGED);
		px_verdict_free(v);
		pthread_mutex_lock(&r->mu);
		r->failed |= bad;
		r->verdicts++;
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

/* Four threads ask while the writer appends lab results (each on a new
 * lot: the marker moves every time), statements and shipments, with a
 * budget small enough that lineages are evicted while read. */
static void
test_threads(void **state)
{
	struct pxt_ledger *fx = *state;
	struct race r = { .fx = fx };
	struct px_lineage_memo_stats st;
	pthread_t th[4];
	char *text;

	pthread_mutex_init(&r.mu, NULL);
	check(fx, "LINT-1", 0, 0, NULL);
	stats(fx, &st);
	set_budget(fx, 4 * st.bytes);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &r), 0);
	for (unsigned i = 0; i < 30; i++) {
		char lot[32];

		snprintf(lot, sizeof(lot), "LOT-X%u", i);
		harvest(fx, FARM_A, lot, DIST_A);
		lab(fx, lot, 0);
		if (i == 15)
			lab(fx, "LOT-B", 0);
		if (i % 10 == 0)
			attest(fx, "district:" DIST_A, "certified");
	}
	pthread_mutex_lock(&r.mu);
	r.stop = 1;
	pthread_mutex_unlock(&r.mu);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_mutex_destroy(&r.mu);
	assert_false(r.failed);
	assert_true(r.verdicts > 0);
	stats(fx, &st);
	assert_true(st.stale > 0);
	/* a reader may have read it again after the last lab result */
	check(fx, "LINT-1", 0, -1, &text);
	assert_true(says(text, "flagged"));
	free(text);
	check(fx, "LINT-1", 0, 1, NULL);
	pxt_audit_intact(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_verdict_identical,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_small_not_kept, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_lab_result_on_ancestor,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_findings_judged_fresh,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_void_and_remake, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_shipment_keeps_marker,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(
			test_older_at_equals_fresh_store, setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_budget_evicts, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_marker_audited, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup,
						pxt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
