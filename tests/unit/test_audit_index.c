/*
 * Unit tests for audit_index.c and cpseal.c: audit looks at the records
 * that name leaves from their side.
 *
 * Issue 13: one record added to the leaf-hash index (the hash of a
 * signed, never-logged forced_labour statement -> index 3) left audit
 * saying "intact"; so did a forged checkpoint at size 0 and a deleted
 * checkpoint. Each is made here by editing the ledger's LMDB file
 * directly, as an attacker with the disk would, and audit must name it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/checkpoint.h"
#include "paxta/cpseal.h"
#include "paxta/store.h"

#define MONITOR  "monitor.tpm"
#define FARM     "uz.farm.0042"
#define REGION   "UZ-SA"
#define DISTRICT "UZ-SA-KTK"
#define REPORT \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* ---- raw edits of the ledger's LMDB file ---- */

enum edit {
	EDIT_PUT,
	EDIT_DEL
};

static void
raw_edit(const char *dir, const char *db, enum edit what, const void *key,
	 size_t klen, const void *value, size_t vlen)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)value };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 30), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
	if (what == EDIT_PUT)
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	else
		assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
be64(uint8_t out[8], uint64_t v)
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ---- a ledger with a few entries and checkpoints ---- */

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, MONITOR, "monitor", REGION, DISTRICT);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	pxt_register(fx, "uz.farm.0043", "farm", REGION, DISTRICT);
	pxt_register(fx, "uz.farm.0044", "farm", REGION, DISTRICT);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	*state = fx;
	return 0;
}

static void
close_all(struct pxt_ledger *fx)
{
	px_signer_free(fx->signer);
	px_ledger_close(fx->l);
	fx->signer = NULL;
	fx->l = NULL;
}

/* Reopen after an edit, audit, and return the report. */
static void
audit(struct pxt_ledger *fx, struct px_audit_report *rep)
{
	struct px_signer_source src;

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, 0), PX_OK);
	px_ledger_signer_source(fx->l, &src);
	assert_int_equal(px_signer_new(&fx->signer, &src), PX_OK);
	assert_int_equal(px_audit(rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
}

static void
expect_problem(struct pxt_ledger *fx, const char *part)
{
	struct px_audit_report rep;

	audit(fx, &rep);
	if (rep.intact || !strstr(rep.problem, part))
		fail_msg("audit says %s '%s', not a problem with '%s'",
			 rep.intact ? "intact" : "not intact:", rep.problem,
			 part);
}

static void
test_clean_ledger_intact(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_audit_report rep;

	close_all(fx);
	audit(fx, &rep);
	if (!rep.intact)
		fail_msg("%s", rep.problem);
	assert_int_equal(rep.checkpoints, 4);
}

/* The attack of issue 13: a forged "already logged" record. */
static void
test_extra_index_record(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_audit_report rep;
	struct px_refusal r = { 0 };
	struct px_hash h;
	uint8_t *leaf = NULL, index[8];
	size_t len = 0;

	assert_int_equal(
		pxt_sign(fx, &leaf, &len, &r,
			 "{\"kind\":\"attest\",\"actor\":\"" MONITOR "\","
			 "\"subject\":\"district:" DISTRICT "\","
			 "\"season\":2026,\"status\":\"forced_labour\","
			 "\"indicators\":[],\"report_uri\":"
			 "\"https://example.org/r.pdf\","
			 "\"report_sha256\":\"" REPORT "\"}"),
		PX_OK);
	assert_int_equal(px_hash_leaf(&h, leaf, len), PX_OK);
	free(leaf);
	close_all(fx);
	be64(index, 3);
	raw_edit(fx->dir, "entry_index", EDIT_PUT, h.b, sizeof(h.b), index, 8);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, 3);
	assert_non_null(strstr(rep.problem, "the entry index says hash"));
}

static void
test_index_record_past_the_log(void **state)
{
	struct pxt_ledger *fx = *state;
	uint8_t key[32], index[8];

	close_all(fx);
	memset(key, 0x42, sizeof(key));
	be64(index, 1000);
	raw_edit(fx->dir, "entry_index", EDIT_PUT, key, sizeof(key), index, 8);
	expect_problem(fx, "names entry 1000");
}

static void
test_missing_index_record(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_audit_report rep;
	struct px_txn *t = NULL;
	struct px_hash h;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	pxt_entry_hash_at(t, 2, &h);
	px_store_abort(t);
	close_all(fx);
	raw_edit(fx->dir, "entry_index", EDIT_DEL, h.b, sizeof(h.b), NULL, 0);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, 2);
	/* the replay sees this side too ("does not point at it") */
	if (!strstr(rep.problem, "index"))
		fail_msg("%s", rep.problem);
}

/* Sign a checkpoint with the node's own key, as a thief of it would. */
static char *
node_signed(struct pxt_ledger *fx, uint64_t size, uint8_t root_byte)
{
	struct px_checkpoint cp = { .size = size };
	struct px_seckey node;
	char *path = NULL, *note = NULL;

	assert_int_equal(px_ledger_default_key_path(&path, fx->dir), PX_OK);
	assert_int_equal(px_key_read_pem(&node, path), PX_OK);
	free(path);
	snprintf(cp.origin, sizeof(cp.origin), "%s", "test.example/cotton");
	memset(cp.root.b, root_byte, sizeof(cp.root.b));
	assert_int_equal(px_checkpoint_sign(&note, &cp, &node), PX_OK);
	px_key_wipe(&node);
	return note;
}

static void
test_forged_checkpoint_at_size_0(void **state)
{
	struct pxt_ledger *fx = *state;
	uint8_t size[8];
	char *note;

	close_all(fx);
	note = node_signed(fx, 0, 0x5a);
	be64(size, 0);
	raw_edit(fx->dir, "checkpoints", EDIT_PUT, size, 8, note, strlen(note));
	free(note);
	expect_problem(fx, "checkpoint of size 0 does not match");
}

static void
test_deleted_checkpoint(void **state)
{
	struct pxt_ledger *fx = *state;
	uint8_t size[8];

	close_all(fx);
	be64(size, 3); /* the checkpoint after the monitor's registration */
	raw_edit(fx->dir, "checkpoints", EDIT_DEL, size, 8, NULL, 0);
	expect_problem(fx, "one was deleted");
}

static void
test_deleted_or_forged_seal(void **state)
{
	struct pxt_ledger *fx = *state;
	const char *name = PX_CPSEAL_META;
	uint8_t junk[PX_CPSEAL_LEN];

	close_all(fx);
	memset(junk, 0, sizeof(junk));
	junk[7] = 4; /* "4 checkpoints", unsigned */
	raw_edit(fx->dir, "meta", EDIT_PUT, name, strlen(name), junk,
		 sizeof(junk));
	expect_problem(fx, "signature does not verify");
	close_all(fx);
	raw_edit(fx->dir, "meta", EDIT_DEL, name, strlen(name), NULL, 0);
	expect_problem(fx, "none is sealed");
}

/* A new checkpoint extends the seal: audit stays intact. */
static void
test_seal_follows_new_checkpoints(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_audit_report rep;

	pxt_register(fx, "uz.farm.0045", "farm", REGION, DISTRICT);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	pxt_ledger_reopen(fx);
	pxt_register(fx, "uz.farm.0046", "farm", REGION, DISTRICT);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	close_all(fx);
	audit(fx, &rep);
	if (!rep.intact)
		fail_msg("%s", rep.problem);
	assert_int_equal(rep.checkpoints, 6);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, pxt_teardown)
	const struct CMUnitTest tests[] = {
		T(test_clean_ledger_intact),
		T(test_extra_index_record),
		T(test_index_record_past_the_log),
		T(test_missing_index_record),
		T(test_forged_checkpoint_at_size_0),
		T(test_deleted_checkpoint),
		T(test_deleted_or_forged_seal),
		T(test_seal_follows_new_checkpoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
