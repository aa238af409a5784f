/*
 * A verdict never rests on unchecked state (issue 13): what the verdict
 * takes from the ledger's state tables — a lot's farm, district, season
 * and kg, a monitor's statements, its revocation — is either read again
 * from the leaves the records name (the log's answer) or held to them, and
 * a record that disagrees makes the verdict `invalid` or the question
 * refused with PX_ESTATE. Each test edits one state record as an attacker
 * with the folder would, and asks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "paxta/error.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"

#define FARM   "uz.farm.ktk-01"
#define DIST   "UZ-SA-KTK"
#define DIST_2 "UZ-SA-URG"
#define TPM    "monitor.tpm"
#define LOT    "UZ-2026-KTK-001"
#define PICKED "2026-10-01T08:00:00Z"
#define REPORT \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

struct world {
	struct pxt_ledger *fx;
	uint64_t harvest; /* index of LOT's harvest */
	uint64_t statement;
};

static uint64_t
submit(struct pxt_ledger *fx, const char *json)
{
	struct px_append_result res;

	if (pxt_submit(fx, &res, "%s", json) != PX_OK)
		fail_msg("%s\nrefused: %s: %s", json,
			 px_code_name(res.refusal.code), res.refusal.message);
	return res.index;
}

/* A farm in UZ-SA-KTK whose district a monitor certified: LOT is free. */
static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->fx = pxt_ledger_new(NULL);
	pxt_register(w->fx, FARM, "farm", "UZ-SA", DIST);
	pxt_register(w->fx, TPM, "monitor", "", "");
	w->harvest = submit(w->fx, "{\"kind\":\"harvest\",\"actor\":\"" FARM
				   "\",\"lot\":\"" LOT "\",\"kg\":1000,"
				   "\"season\":2026,\"district\":\"" DIST
				   "\",\"method\":\"hand\",\"harvested_at\":"
				   "\"" PICKED "\"}");
	w->statement = submit(w->fx, "{\"kind\":\"attest\",\"actor\":\"" TPM
				     "\",\"subject\":\"district:" DIST
				     "\",\"season\":2026,\"status\":"
				     "\"certified\",\"indicators\":[],"
				     "\"report_sha256\":\"" REPORT "\"}");
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	pxt_ledger_free(w->fx);
	free(w);
	return 0;
}

/* The verdict on LOT now: *out, or the error. */
static int
ask(struct world *w, struct px_verdict **out)
{
	struct px_txn *t = NULL;
	int rc;

	*out = NULL;
	assert_int_equal(px_ledger_read(w->fx->l, &t), PX_OK);
	rc = px_verdict(out, t, LOT, 0);
	px_store_abort(t);
	return rc;
}

static int
has_reason(const struct px_verdict *v, const char *part)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (strstr(v->reasons[i], part))
			return 1;
	return 0;
}

/* Edit the state in one write transaction, as someone with the folder. */
static void
edit(struct world *w, void (*fn)(struct px_txn *t, struct world *w))
{
	struct px_txn *t = NULL;

	assert_int_equal(px_store_begin(&t, px_ledger_store(w->fx->l), 1),
			 PX_OK);
	fn(t, w);
	assert_int_equal(px_store_commit(t), PX_OK);
}

static void
test_untouched_is_free(void **state)
{
	struct world *w = *state;
	struct px_verdict *v;

	assert_int_equal(ask(w, &v), PX_OK);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	px_verdict_free(v);
}

/* The lot moved to another district in the lot table: the harvest's leaf
 * says otherwise, and the verdict says so. */
static void
move_lot(struct px_txn *t, struct world *w)
{
	Paxta__LotRecord *rec = NULL;
	char *own;

	(void)w;
	assert_int_equal(px_state_lot(t, LOT, &rec), PX_OK);
	own = rec->district;
	rec->district = DIST_2;
	assert_int_equal(px_state_put_lot(t, rec), PX_OK);
	rec->district = own; /* the record's, freed with it */
	px_state_free(rec);
}

static void
test_lot_district_edited(void **state)
{
	struct world *w = *state;
	struct px_verdict *v;

	edit(w, move_lot);
	assert_int_equal(ask(w, &v), PX_OK);
	assert_int_equal(v->kind, PX_VERDICT_INVALID);
	if (!has_reason(v, "(its district)") || !has_reason(v, LOT))
		fail_msg("the reasons do not name the lot and the field");
	px_verdict_free(v);
}

/* The lot's kg inflated in the lot table. */
static void
inflate_lot(struct px_txn *t, struct world *w)
{
	Paxta__LotRecord *rec = NULL;

	(void)w;
	assert_int_equal(px_state_lot(t, LOT, &rec), PX_OK);
	rec->grams *= 2;
	assert_int_equal(px_state_put_lot(t, rec), PX_OK);
	px_state_free(rec);
}

static void
test_lot_kg_edited(void **state)
{
	struct world *w = *state;
	struct px_verdict *v;

	edit(w, inflate_lot);
	assert_int_equal(ask(w, &v), PX_OK);
	assert_int_equal(v->kind, PX_VERDICT_INVALID);
	assert_true(has_reason(v, "(its kg)"));
	px_verdict_free(v);
}

/* The monitor's statement turned into "forced labour" in the statements
 * table: the leaf still says certified, and that is what counts. */
static void
flip_statement(struct px_txn *t, struct world *w)
{
	Paxta__AttestationRecord rec = PAXTA__ATTESTATION_RECORD__INIT;
	Paxta__Attest a = PAXTA__ATTEST__INIT;

	a.subject = "district:" DIST;
	a.season = 2026;
	a.status = PAXTA__STATUS__STATUS_FORCED_LABOUR;
	rec.index = w->statement;
	rec.monitor = TPM;
	rec.attest = &a;
	assert_int_equal(px_state_put_attestation(t, &rec), PX_OK);
}

static void
test_statement_edited_reads_the_log(void **state)
{
	struct world *w = *state;
	struct px_verdict *v;

	edit(w, flip_statement);
	assert_int_equal(ask(w, &v), PX_OK);
	assert_int_equal(v->kind, PX_VERDICT_FREE);
	px_verdict_free(v);
}

/* A statement record added that names a leaf which is no statement (the
 * harvest): the question is refused, not answered from it. */
static void
forge_statement(struct px_txn *t, struct world *w)
{
	Paxta__AttestationRecord rec = PAXTA__ATTESTATION_RECORD__INIT;
	Paxta__Attest a = PAXTA__ATTEST__INIT;

	a.subject = "district:" DIST;
	a.season = 2026;
	a.status = PAXTA__STATUS__STATUS_FORCED_LABOUR;
	rec.index = w->harvest;
	rec.monitor = TPM;
	rec.attest = &a;
	assert_int_equal(px_state_put_attestation(t, &rec), PX_OK);
}

static void
test_statement_forged_refused(void **state)
{
	struct world *w = *state;
	struct px_verdict *v = NULL;

	edit(w, forge_statement);
	assert_int_equal(ask(w, &v), PX_ESTATE);
	assert_null(v);
	assert_non_null(strstr(px_strerror(PX_ESTATE), "paxta audit"));
}

/* The monitor marked revoked in the actor table, naming the harvest as
 * its revocation: not a revocation, refused. */
static void
revoke_monitor(struct px_txn *t, struct world *w)
{
	Paxta__ActorRecord *rec = NULL;

	assert_int_equal(px_state_actor(t, TPM, &rec), PX_OK);
	rec->revoked = 1;
	rec->revoked_at = w->harvest;
	assert_int_equal(px_state_put_actor(t, rec), PX_OK);
	px_state_free(rec);
}

static void
test_revocation_forged_refused(void **state)
{
	struct world *w = *state;
	struct px_verdict *v = NULL;

	edit(w, revoke_monitor);
	assert_int_equal(ask(w, &v), PX_ESTATE);
	assert_null(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched_is_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lot_district_edited, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lot_kg_edited, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_statement_edited_reads_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_forged_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_forged_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
