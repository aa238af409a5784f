/*
 * Unit tests: the ledger (node/core/ledger.c): creation, the genesis,
 * checkpoints, batches with refusals, reopening, read-only use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <lmdb.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "paxta/checkpoint.h"
#include "paxta/entry.h"
#include "paxta/ledger.h"
#include "paxta/state.h"
#include "paxta/store.h"
#include "paxta/verify.h"
#include "support.h"

#define ORIGIN    "test.example/cotton"
#define HARVESTED "2026-09-21T08:00:00Z"
#define FARM_1    "uz.farm.0001"
#define FARM_2    "uz.farm.0002"
#define FARM_3    "uz.farm.0003"
#define GIN_1     "uz.gin.kattakurgan-01"
#define DISTRICT  "UZ-SA-KTK"

/* ---- helpers ---- */

static char *
path_in(const char *dir, const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

/* The node key beside the folder: DIR.key. */
static char *
key_of(const char *dir)
{
	char *p = NULL;

	assert_int_equal(px_ledger_default_key_path(&p, dir), PX_OK);
	return p;
}

/* Open note with the ledger's own verifier key string and check it is a
 * checkpoint of the log's first `size` leaves. */
static void
check_note(struct px_ledger *l, const char *note, uint64_t size)
{
	struct px_note_verifier v;
	struct px_checkpoint cp;
	struct px_hash root;
	struct px_txn *t = NULL;
	char *key = NULL;

	assert_int_equal(px_ledger_verifier_key(l, &key), PX_OK);
	assert_int_equal(strncmp(key, ORIGIN "+", strlen(ORIGIN) + 1), 0);
	assert_int_equal(px_note_verifier_parse(&v, key), PX_OK);
	assert_memory_equal(v.pub.b, px_ledger_node_key(l)->b, 32);
	assert_int_equal(px_checkpoint_open(&cp, note, strlen(note), &v),
			 PX_OK);
	assert_string_equal(cp.origin, ORIGIN);
	assert_int_equal(cp.size, size);
	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	assert_int_equal(px_store_root(t, size, &root), PX_OK);
	px_store_abort(t);
	assert_memory_equal(cp.root.b, root.b, 32);
	free(key);
}

static void
harvest(struct pxt_ledger *fx, const char *farm, const char *lot, int kg)
{
	struct px_append_result res;

	if (pxt_submit(fx, &res,
		       "{\"kind\":\"harvest\",\"actor\":\"%s\",\"lot\":\"%s\","
		       "\"kg\":%d,\"season\":2026,\"district\":\"" DISTRICT
		       "\",\"method\":\"hand\",\"harvested_at\":\"" HARVESTED
		       "\"}",
		       farm, lot, kg) != PX_OK)
		fail_msg("harvest of '%s': %s: %s", lot,
			 px_code_name(res.refusal.code), res.refusal.message);
}

/* A signed harvest, not appended; *len gets its size. */
static uint8_t *
sign_harvest(struct pxt_ledger *fx, const char *farm, const char *lot, int kg,
	     size_t *len)
{
	struct px_refusal r = { 0 };
	uint8_t *leaf = NULL;

	assert_int_equal(pxt_sign(fx, &leaf, len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"%s\","
				  "\"lot\":\"%s\",\"kg\":%d,\"season\":2026,"
				  "\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"" HARVESTED "\"}",
				  farm, lot, kg),
			 PX_OK);
	return leaf;
}

static int
lot_exists(struct pxt_ledger *fx, const char *lot)
{
	Paxta__LotRecord *rec = NULL;
	struct px_txn *t = NULL;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_state_lot(t, lot, &rec);
	px_state_free(rec);
	px_store_abort(t);
	assert_true(rc == PX_OK || rc == PX_ENOTFOUND);
	return rc == PX_OK;
}

static int
leaf_logged(struct pxt_ledger *fx, const struct px_hash *h, uint64_t *index)
{
	struct px_txn *t = NULL;
	uint64_t i = 0;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_state_find_entry(t, h, &i);
	px_store_abort(t);
	assert_true(rc == PX_OK || rc == PX_ENOTFOUND);
	if (index)
		*index = i;
	return rc == PX_OK;
}

/* The signed entry logged at index (the bytes its author sent), copied. */
static uint8_t *
leaf_copy(struct px_ledger *l, uint64_t index, size_t *len)
{
	return pxt_signed_at(l, index, len);
}

/* ---- create ---- */

static void
test_create_refusals(void **state)
{
	char *base = pxt_tempdir(), *dir = path_in(base, "ledger");
	struct px_seckey key;
	struct px_registrar reg = { .id = PXT_REGISTRAR };
	struct px_policy policy;
	char long_origin[PX_ORIGIN_MAX + 2], long_id[PX_ID_MAX + 2];
	const char *bad_origins[] = {
		"",          "with space", "a+b",         "tab\there",
		"new\nline", "\x7f",       "caf\xc3\xa9", "uz.registrar+",
	};
	struct stat st;

	(void)state;
	assert_int_equal(px_crypto_init(), PX_OK);
	assert_int_equal(px_key_generate(&key), PX_OK);
	reg.pub = key.pub;
	px_policy_default(&policy);
	for (size_t i = 0; i < sizeof(bad_origins) / sizeof(bad_origins[0]);
	     i++) {
		assert_int_equal(px_ledger_create(dir, bad_origins[i], &reg, 1,
						  &policy, NULL),
				 PX_EINVAL);
		/* Refused before anything is made. */
		assert_int_not_equal(stat(dir, &st), 0);
	}
	memset(long_origin, 'o', sizeof(long_origin));
	long_origin[PX_ORIGIN_MAX + 1] = '\0';
	assert_int_equal(
		px_ledger_create(dir, long_origin, &reg, 1, &policy, NULL),
		PX_EINVAL);
	/* No registrar, or one without a usable id. */
	assert_int_equal(px_ledger_create(dir, ORIGIN, &reg, 0, &policy, NULL),
			 PX_EINVAL);
	reg.id = "";
	assert_int_equal(px_ledger_create(dir, ORIGIN, &reg, 1, &policy, NULL),
			 PX_EINVAL);
	reg.id = NULL;
	assert_int_equal(px_ledger_create(dir, ORIGIN, &reg, 1, &policy, NULL),
			 PX_EINVAL);
	memset(long_id, 'r', sizeof(long_id));
	long_id[PX_ID_MAX + 1] = '\0';
	reg.id = long_id;
	assert_int_equal(px_ledger_create(dir, ORIGIN, &reg, 1, &policy, NULL),
			 PX_EINVAL);
	assert_int_not_equal(stat(dir, &st), 0);

	/* The longest origin is fine, in a folder that exists already. */
	reg.id = PXT_REGISTRAR;
	assert_int_equal(mkdir(dir, 0700), 0);
	long_origin[PX_ORIGIN_MAX] = '\0';
	{
		struct px_ledger *l = NULL;
		struct px_pubkey node;
		char *note = NULL;

		assert_int_equal(px_ledger_create(dir, long_origin, &reg, 1,
						  &policy, &node),
				 PX_OK);
		assert_int_equal(px_ledger_open(&l, dir, 0), PX_OK);
		assert_string_equal(px_ledger_origin(l), long_origin);
		assert_memory_equal(px_ledger_node_key(l)->b, node.b, 32);
		assert_int_equal(px_ledger_checkpoint(l, &note), PX_OK);
		assert_int_equal(strncmp(note, long_origin, PX_ORIGIN_MAX), 0);
		free(note);
		px_ledger_close(l);
	}
	px_key_wipe(&key);
	free(dir);
	pxt_rmtree(base);
}

static void
test_create_existing(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	char *key_path = key_of(fx->dir);
	struct px_registrar reg = { .id = PXT_REGISTRAR };
	struct pxt_snapshot before, after;
	size_t key_len, key_len2;
	char *key_text = pxt_read_file(key_path, &key_len), *key_text2;
	struct px_policy policy;

	(void)state;
	assert_non_null(key_text);
	reg.pub = pxt_key(fx, PXT_REGISTRAR)->pub;
	px_policy_default(&policy);
	pxt_snapshot(fx, &before);
	/* Open (holding the writer lock) and closed: a ledger is there. */
	assert_int_equal(
		px_ledger_create(fx->dir, ORIGIN, &reg, 1, &policy, NULL),
		PX_EEXIST);
	px_signer_free(fx->signer);
	fx->signer = NULL;
	px_ledger_close(fx->l);
	fx->l = NULL;
	assert_int_equal(px_ledger_create(fx->dir, "other.example/log", &reg, 1,
					  &policy, NULL),
			 PX_EEXIST);
	/* The node key was not replaced, the log not touched. */
	key_text2 = pxt_read_file(key_path, &key_len2);
	assert_non_null(key_text2);
	assert_int_equal(key_len, key_len2);
	assert_memory_equal(key_text, key_text2, key_len);
	pxt_ledger_reopen(fx);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	assert_string_equal(px_ledger_origin(fx->l), ORIGIN);
	free(key_text);
	free(key_text2);
	free(key_path);
	pxt_ledger_free(fx);
}

static void
test_create_genesis(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	char *key_path = key_of(fx->dir);
	struct px_entry e = { 0 };
	const struct px_signed_entry *env;
	const Paxta__Entry *body;
	const Paxta__Genesis *g;
	struct px_policy def;
	struct px_txn *t = NULL;
	struct px_hash h;
	const uint8_t *leaf;
	size_t len;
	uint64_t index = 99;
	struct stat st;

	(void)state;
	/* The node's private key is for the node alone. */
	assert_int_equal(stat(key_path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_string_equal(px_ledger_origin(fx->l), ORIGIN);
	assert_memory_equal(px_ledger_node_key(fx->l)->b, fx->node_key.b, 32);
	px_policy_default(&def);
	assert_memory_equal(px_ledger_policy(fx->l), &def, sizeof(def));

	/* One leaf, the genesis, signed by the node key. */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_size(t), 1);
	assert_int_equal(px_store_leaf(t, 0, &leaf, &len), PX_OK);
	assert_int_equal(px_entry_verify_leaf(leaf, len), PX_OK);
	assert_int_equal(px_entry_read(&e, leaf, len, PX_ENTRY_ALL), PX_OK);
	assert_int_equal(e.status, PX_OK);
	env = &e.env;
	body = e.body;
	assert_memory_equal(env->pub.b, fx->node_key.b, 32);
	/* Wrapped with the node's time: the genesis's own here. */
	assert_int_equal(e.accepted_at, body->time);
	assert_int_equal(body->body_case, PAXTA__ENTRY__BODY_GENESIS);
	g = body->genesis;
	assert_int_equal(g->format, PX_STORE_FORMAT);
	assert_string_equal(g->origin, ORIGIN);
	assert_int_equal(g->node_key.len, 32);
	assert_memory_equal(g->node_key.data, fx->node_key.b, 32);
	assert_int_equal(g->n_registrars, 1);
	assert_string_equal(g->registrars[0]->id, PXT_REGISTRAR);
	assert_int_equal(g->registrars[0]->public_key.len, 32);
	assert_memory_equal(g->registrars[0]->public_key.data,
			    pxt_key(fx, PXT_REGISTRAR)->pub.b, 32);
	assert_non_null(g->policy);
	assert_int_equal(g->policy->ginning_ppm, 450000);
	assert_int_equal(g->policy->spinning_ppm, 950000);
	assert_int_equal(g->policy->weaving_ppm, 980000);
	assert_int_equal(g->policy->knitting_ppm, 980000);
	assert_int_equal(g->policy->making_ppm, 950000);
	assert_int_equal(g->policy->max_skew_s, 300);
	/* Indexed by its entry hash, chained from 32 zero bytes by its leaf
	 * hash. */
	assert_int_equal(px_state_find_entry(t, &e.entry_hash, &index), PX_OK);
	assert_int_equal(index, 0);
	assert_int_equal(px_hash_leaf(&h, leaf, len), PX_OK);
	{
		struct px_hash zero = { { 0 } }, want, chain;

		assert_int_equal(px_hash_chain(&want, &zero, &h), PX_OK);
		assert_int_equal(px_store_chain(t, 0, &chain), PX_OK);
		assert_memory_equal(chain.b, want.b, 32);
	}
	px_entry_release(&e);
	px_store_abort(t);
	/* And a first checkpoint of it. */
	assert_int_equal(pxt_checkpoint_count(fx->l), 1);
	free(key_path);
	pxt_ledger_free(fx);
}

/* A policy set at creation is read back from the genesis. */
static void
test_create_policy(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	(void)state;
	px_policy_default(&policy);
	policy.ginning_ppm = 400000;
	policy.making_ppm = 900000;
	policy.max_skew_s = 60;
	fx = pxt_ledger_new(&policy);
	assert_memory_equal(px_ledger_policy(fx->l), &policy, sizeof(policy));
	pxt_ledger_reopen(fx);
	assert_memory_equal(px_ledger_policy(fx->l), &policy, sizeof(policy));
	pxt_ledger_free(fx);
}

/* ---- checkpoints ---- */

static void
test_checkpoint(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	char *n1 = NULL, *n2 = NULL, *n3 = NULL, *key = NULL;
	struct px_note_verifier other;
	struct px_checkpoint cp;
	struct px_seckey stranger;

	(void)state;
	/* The log has not grown since creation: the same note, no new one. */
	assert_int_equal(px_ledger_checkpoint(fx->l, &n1), PX_OK);
	assert_non_null(n1);
	assert_int_equal(pxt_checkpoint_count(fx->l), 1);
	check_note(fx->l, n1, 1);

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, GIN_1, "gin", "UZ-SA", DISTRICT);
	harvest(fx, FARM_1, "UZ-2026-F0001-001", 12000);
	assert_int_equal(pxt_log_size(fx->l), 4);
	/* Appending signs nothing by itself. */
	assert_int_equal(pxt_checkpoint_count(fx->l), 1);

	assert_int_equal(px_ledger_checkpoint(fx->l, &n2), PX_OK);
	assert_non_null(n2);
	assert_string_not_equal(n1, n2);
	assert_int_equal(pxt_checkpoint_count(fx->l), 2);
	check_note(fx->l, n2, 4);
	/* Once more at the same size: the stored note, unchanged. */
	assert_int_equal(px_ledger_checkpoint(fx->l, &n3), PX_OK);
	assert_string_equal(n2, n3);
	assert_int_equal(pxt_checkpoint_count(fx->l), 2);
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	assert_int_equal(pxt_checkpoint_count(fx->l), 2);
	/* The older note still verifies for its own size. */
	check_note(fx->l, n1, 1);

	/* Another key's verifier does not accept it. */
	assert_int_equal(px_key_generate(&stranger), PX_OK);
	assert_int_equal(px_note_verifier_string(&key, ORIGIN, &stranger.pub),
			 PX_OK);
	assert_int_equal(px_note_verifier_parse(&other, key), PX_OK);
	assert_int_equal(px_checkpoint_open(&cp, n2, strlen(n2), &other),
			 PX_EVERIFY);
	px_key_wipe(&stranger);

	/* It survives a reopen, and is not signed again. */
	pxt_ledger_reopen(fx);
	free(n3);
	n3 = NULL;
	assert_int_equal(px_ledger_checkpoint(fx->l, &n3), PX_OK);
	assert_string_equal(n2, n3);
	assert_int_equal(pxt_checkpoint_count(fx->l), 2);

	free(key);
	free(n1);
	free(n2);
	free(n3);
	pxt_ledger_free(fx);
}

/* ---- batches ---- */

/* Flip one byte of the signature inside a SignedEntry's bytes. */
static void
break_signature(uint8_t *leaf, size_t len)
{
	struct px_signed_entry env = { 0 };
	uint8_t *at;

	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	at = memmem(leaf, len, env.sig.b, PX_SIG_LEN);
	assert_non_null(at);
	px_entry_close(&env);
	at[10] ^= 0x01;
}

/*
 * A batch where rules refuse some entries. (Envelopes that do not open or
 * verify are in test_batch_bad_envelopes.)
 */
enum {
	B_HARVEST_A,     /* farm 1: logged */
	B_HARVEST_B,     /* farm 2: logged */
	B_GIN_HARVEST,   /* a gin may not harvest: role_denied */
	B_HARVEST_C,     /* farm 1: logged */
	B_DUP_IN_BATCH,  /* the bytes of B_HARVEST_A again */
	B_DUP_LOT,       /* farm 3 claims lot A: duplicate_lot */
	B_SEQ,           /* farm 2 skips a sequence number: sequence */
	B_TRANSFER,      /* farm 1 ships lot A: logged */
	B_LOGGED_BEFORE, /* a leaf logged before this batch */
	B_TOO_LARGE,     /* over PX_ENTRY_MAX: too_large */
	B__COUNT
};

static void
test_batch(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_append_result res[B__COUNT], again[B__COUNT];
	const uint8_t *leaves[B__COUNT];
	uint8_t *owned[B__COUNT] = { NULL };
	size_t lens[B__COUNT];
	struct px_refusal r = { 0 };
	struct pxt_snapshot snap1, snap2;
	uint64_t base, reg_index, index;
	const int logged[] = { B_HARVEST_A, B_HARVEST_B, B_HARVEST_C,
			       B_TRANSFER };
	const struct {
		int at;
		int rc;
		enum px_code code;
	} refused[] = {
		{ B_GIN_HARVEST, PX_EREFUSED, PX_CODE_ROLE_DENIED },
		{ B_DUP_LOT, PX_EREFUSED, PX_CODE_DUPLICATE_LOT },
		{ B_SEQ, PX_EREFUSED, PX_CODE_SEQUENCE },
		{ B_TOO_LARGE, PX_EREFUSED, PX_CODE_TOO_LARGE },
	};

	(void)state;
	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_2, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_3, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, GIN_1, "gin", "UZ-SA", DISTRICT);
	reg_index = 2; /* FARM_2's registration */
	base = pxt_log_size(fx->l);
	assert_int_equal(base, 5);

	owned[B_HARVEST_A] =
		sign_harvest(fx, FARM_1, "LOT-A", 1000, &lens[B_HARVEST_A]);
	owned[B_HARVEST_B] =
		sign_harvest(fx, FARM_2, "LOT-B", 2000, &lens[B_HARVEST_B]);
	owned[B_GIN_HARVEST] =
		sign_harvest(fx, GIN_1, "LOT-G", 500, &lens[B_GIN_HARVEST]);
	owned[B_HARVEST_C] =
		sign_harvest(fx, FARM_1, "LOT-C", 3000, &lens[B_HARVEST_C]);
	owned[B_DUP_LOT] =
		sign_harvest(fx, FARM_3, "LOT-A", 999, &lens[B_DUP_LOT]);
	/* Farm 2's next two entries; only the second goes in the batch, so
	 * its sequence number is one too far. */
	free(sign_harvest(fx, FARM_2, "LOT-SKIPPED", 1, &lens[B_SEQ]));
	owned[B_SEQ] = sign_harvest(fx, FARM_2, "LOT-D", 4000, &lens[B_SEQ]);
	assert_int_equal(pxt_sign(fx, &owned[B_TRANSFER], &lens[B_TRANSFER], &r,
				  "{\"kind\":\"transfer\",\"actor\":\"" FARM_1
				  "\",\"to\":\"" GIN_1 "\",\"shipment\":"
				  "\"WB-1\",\"lots\":[{\"lot\":\"LOT-A\","
				  "\"kg\":400}]}"),
			 PX_OK);
	owned[B_LOGGED_BEFORE] =
		leaf_copy(fx->l, reg_index, &lens[B_LOGGED_BEFORE]);
	lens[B_TOO_LARGE] = PX_ENTRY_MAX + 1;
	owned[B_TOO_LARGE] = calloc(1, lens[B_TOO_LARGE]);
	assert_non_null(owned[B_TOO_LARGE]);
	for (int i = 0; i < B__COUNT; i++)
		leaves[i] = owned[i];
	leaves[B_DUP_IN_BATCH] = owned[B_HARVEST_A];
	lens[B_DUP_IN_BATCH] = lens[B_HARVEST_A];

	memset(res, 0xee, sizeof(res));
	assert_int_equal(
		pxt_append(fx->l, leaves, lens, B__COUNT, fx->now, res), PX_OK);

	/* The good ones, logged in batch order. */
	for (size_t k = 0; k < sizeof(logged) / sizeof(logged[0]); k++) {
		const struct px_append_result *x = &res[logged[k]];
		struct px_hash h;

		if (x->rc != PX_OK)
			fail_msg("batch entry %d: %s: %s", logged[k],
				 px_code_name(x->refusal.code),
				 x->refusal.message);
		assert_int_equal(x->duplicate, 0);
		assert_int_equal(x->index, base + k);
		assert_int_equal(
			px_hash_leaf(&h, leaves[logged[k]], lens[logged[k]]),
			PX_OK);
		assert_memory_equal(x->entry_hash.b, h.b, 32);
		assert_true(leaf_logged(fx, &h, &index));
		assert_int_equal(index, base + k);
		{
			size_t n;
			uint8_t *stored = leaf_copy(fx->l, base + k, &n);

			assert_int_equal(n, lens[logged[k]]);
			assert_memory_equal(stored, leaves[logged[k]], n);
			free(stored);
		}
	}
	assert_int_equal(pxt_log_size(fx->l), base + 4);

	/* The refused ones: a code each, nothing stored. */
	for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
		const struct px_append_result *x = &res[refused[k].at];
		struct px_hash h;

		if (x->rc != refused[k].rc ||
		    x->refusal.code != refused[k].code)
			fail_msg("batch entry %d: rc %d code %s (%s), want rc "
				 "%d code %s",
				 refused[k].at, x->rc,
				 px_code_name(x->refusal.code),
				 x->refusal.message, refused[k].rc,
				 px_code_name(refused[k].code));
		assert_int_equal(x->duplicate, 0);
		assert_true(x->refusal.message[0] != '\0');
		assert_int_equal(px_hash_leaf(&h, leaves[refused[k].at],
					      lens[refused[k].at]),
				 PX_OK);
		assert_false(leaf_logged(fx, &h, NULL));
	}
	assert_false(lot_exists(fx, "LOT-G"));
	assert_false(lot_exists(fx, "LOT-D"));
	assert_true(lot_exists(fx, "LOT-A"));
	assert_true(lot_exists(fx, "LOT-B"));
	assert_true(lot_exists(fx, "LOT-C"));
	/* Lot A belongs to farm 1 (minus what it shipped), not farm 3. */
	assert_int_equal(pxt_holding(fx, "LOT-A", FARM_1), 600000);
	assert_int_equal(pxt_holding(fx, "LOT-A", FARM_3), 0);
	assert_int_equal(pxt_holding(fx, "LOT-C", FARM_1), 3000000);

	/* A duplicate inside the batch: its first index, flagged. */
	assert_int_equal(res[B_DUP_IN_BATCH].rc, PX_OK);
	assert_int_equal(res[B_DUP_IN_BATCH].duplicate, 1);
	assert_int_equal(res[B_DUP_IN_BATCH].index, res[B_HARVEST_A].index);
	assert_memory_equal(res[B_DUP_IN_BATCH].leaf_hash.b,
			    res[B_HARVEST_A].leaf_hash.b, 32);
	/* One logged before the batch: its old index. */
	assert_int_equal(res[B_LOGGED_BEFORE].rc, PX_OK);
	assert_int_equal(res[B_LOGGED_BEFORE].duplicate, 1);
	assert_int_equal(res[B_LOGGED_BEFORE].index, reg_index);

	/* The whole batch again: the same answers, nothing new. */
	pxt_snapshot(fx, &snap1);
	memset(again, 0xee, sizeof(again));
	assert_int_equal(
		pxt_append(fx->l, leaves, lens, B__COUNT, fx->now, again),
		PX_OK);
	pxt_snapshot(fx, &snap2);
	assert_true(pxt_snapshot_equal(&snap1, &snap2));
	for (int i = 0; i < B__COUNT; i++) {
		assert_int_equal(again[i].rc, res[i].rc);
		if (res[i].rc == PX_OK) {
			assert_int_equal(again[i].duplicate, 1);
			assert_int_equal(again[i].index, res[i].index);
		} else {
			assert_int_equal(again[i].refusal.code,
					 res[i].refusal.code);
		}
	}

	/* The refused authors go on from where the log says they are. */
	px_signer_forget(fx->signer, GIN_1);
	px_signer_forget(fx->signer, FARM_2);
	px_signer_forget(fx->signer, FARM_3);
	harvest(fx, FARM_2, "LOT-D", 4000);
	harvest(fx, FARM_3, "LOT-E", 100);
	assert_int_equal(pxt_log_size(fx->l), base + 6);

	for (int i = 0; i < B__COUNT; i++)
		free(owned[i]);
	pxt_ledger_free(fx);
}

/*
 * A ledger and the buffers a test allocates, freed by the teardown even
 * when the test fails half-way (so a failure reports itself, not a leak).
 */
struct ledger_case {
	struct pxt_ledger *fx;
	void *owned[16];
	size_t n_owned;
};

static int
case_setup(void **state)
{
	struct ledger_case *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->fx = pxt_ledger_new(NULL);
	*state = c;
	return 0;
}

static int
case_teardown(void **state)
{
	struct ledger_case *c = *state;

	for (size_t i = 0; i < c->n_owned; i++)
		free(c->owned[i]);
	pxt_ledger_free(c->fx);
	free(c);
	return 0;
}

static void *
keep(struct ledger_case *c, void *p)
{
	assert_true(c->n_owned < sizeof(c->owned) / sizeof(c->owned[0]));
	c->owned[c->n_owned++] = p;
	return p;
}

/*
 * Envelopes refused before any rule: bytes that are no SignedEntry, a
 * signature that does not verify, a signed payload that is no Entry. Each is
 * refused alone; the batch around it is logged (ledger.h: "a refused entry
 * stores nothing and the rest go on").
 */
static void
test_batch_bad_envelopes(void **state)
{
	struct ledger_case *c = *state;
	struct pxt_ledger *fx = c->fx;
	enum {
		GOOD_1,
		GARBAGE,
		GOOD_2,
		BAD_SIG,
		NOT_ENTRY,
		GOOD_3,
		COUNT
	};
	struct px_append_result res[COUNT];
	const uint8_t *leaves[COUNT];
	uint8_t *owned[COUNT] = { NULL };
	const uint8_t junk_payload[] = { 0x0a, 0xff };
	size_t lens[COUNT];
	uint64_t base;
	int rc;

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_2, "farm", "UZ-SA", DISTRICT);
	base = pxt_log_size(fx->l);
	owned[GOOD_1] = sign_harvest(fx, FARM_1, "LOT-E1", 10, &lens[GOOD_1]);
	owned[GARBAGE] = (uint8_t *)strdup("not a signed entry at all");
	lens[GARBAGE] = strlen((char *)owned[GARBAGE]);
	owned[GOOD_2] = sign_harvest(fx, FARM_1, "LOT-E2", 20, &lens[GOOD_2]);
	owned[BAD_SIG] = sign_harvest(fx, FARM_2, "LOT-E9", 90, &lens[BAD_SIG]);
	break_signature(owned[BAD_SIG], lens[BAD_SIG]);
	assert_int_equal(px_entry_seal(&owned[NOT_ENTRY], &lens[NOT_ENTRY],
				       junk_payload, sizeof(junk_payload),
				       pxt_key(fx, FARM_1)),
			 PX_OK);
	assert_int_equal(
		px_entry_verify_signed(owned[NOT_ENTRY], lens[NOT_ENTRY]),
		PX_OK);
	owned[GOOD_3] = sign_harvest(fx, FARM_1, "LOT-E3", 30, &lens[GOOD_3]);
	for (int i = 0; i < COUNT; i++)
		leaves[i] = keep(c, owned[i]);

	memset(res, 0, sizeof(res));
	rc = pxt_append(fx->l, leaves, lens, COUNT, fx->now, res);
	if (rc != PX_OK)
		fail_msg("the batch failed as a whole (%d, %s): one bad "
			 "envelope must not sink the entries around it",
			 rc, px_strerror(rc));
	assert_int_equal(res[GOOD_1].rc, PX_OK);
	assert_int_equal(res[GOOD_1].index, base);
	assert_int_equal(res[GARBAGE].rc, PX_EREFUSED);
	assert_int_equal(res[GARBAGE].refusal.code, PX_CODE_MALFORMED);
	assert_int_equal(res[GOOD_2].rc, PX_OK);
	assert_int_equal(res[GOOD_2].index, base + 1);
	assert_int_equal(res[BAD_SIG].rc, PX_EVERIFY);
	assert_int_equal(res[BAD_SIG].refusal.code, PX_CODE_BAD_SIGNATURE);
	assert_int_equal(res[NOT_ENTRY].rc, PX_EREFUSED);
	assert_int_equal(res[NOT_ENTRY].refusal.code, PX_CODE_MALFORMED);
	assert_int_equal(res[GOOD_3].rc, PX_OK);
	assert_int_equal(res[GOOD_3].index, base + 2);
	assert_int_equal(pxt_log_size(fx->l), base + 3);
	assert_false(lot_exists(fx, "LOT-E9"));
}

/* One bad envelope alone: refused, and the call itself succeeds. */
static void
test_single_bad_envelope(void **state)
{
	struct ledger_case *c = *state;
	struct pxt_ledger *fx = c->fx;
	struct px_append_result res;
	struct pxt_snapshot before, after;
	const uint8_t *leaf_c;
	uint8_t *leaf;
	size_t len;

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_snapshot(fx, &before);
	leaf = keep(c, sign_harvest(fx, FARM_1, "LOT-S1", 10, &len));
	break_signature(leaf, len);
	leaf_c = leaf;
	memset(&res, 0, sizeof(res));
	assert_int_equal(pxt_append(fx->l, &leaf_c, &len, 1, fx->now, &res),
			 PX_OK);
	assert_int_equal(res.rc, PX_EVERIFY);
	assert_int_equal(res.refusal.code, PX_CODE_BAD_SIGNATURE);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
}

/* A batch prepared on a verifier pool: the good entry is logged, the
 * forged one refused, and the batch goes on. */
static void
test_batch_prepared(void **state)
{
	struct ledger_case *c = *state;
	struct pxt_ledger *fx = c->fx;
	struct px_verifier *pool = NULL;
	struct px_entry entries[2], *ptrs[2] = { &entries[0], &entries[1] };
	uint8_t *forged;
	size_t lens[2];
	const uint8_t *good;
	uint64_t base;

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_2, "farm", "UZ-SA", DISTRICT);
	base = pxt_log_size(fx->l);
	good = keep(c, sign_harvest(fx, FARM_1, "LOT-P1", 10, &lens[0]));
	forged = keep(c, sign_harvest(fx, FARM_2, "LOT-P2", 20, &lens[1]));
	forged[lens[1] - 1] ^= 0x80; /* the signature's last byte */
	px_entry_init(&entries[0], good, lens[0]);
	px_entry_init(&entries[1], forged, lens[1]);
	assert_int_equal(px_verifier_new(&pool, 2), PX_OK);
	assert_int_equal(px_verifier_run(pool, ptrs, 2, PX_ENTRY_ALL), PX_OK);
	px_verifier_free(pool);
	assert_int_equal(px_ledger_append(fx->l, ptrs, 2, fx->now), PX_OK);
	assert_int_equal(entries[0].result.rc, PX_OK);
	assert_int_equal(entries[0].result.index, base);
	assert_int_equal(entries[1].result.rc, PX_EVERIFY);
	assert_int_equal(entries[1].result.refusal.code, PX_CODE_BAD_SIGNATURE);
	assert_int_equal(pxt_log_size(fx->l), base + 1);
	assert_false(lot_exists(fx, "LOT-P2"));
	px_entry_release(&entries[0]);
	px_entry_release(&entries[1]);
}

/*
 * A record added to the entry index on disk (the hash of a signed,
 * never-logged entry pointing at an existing index) must not make that
 * entry "already logged": the store confirms an index record against the
 * leaf it names, and the append fails as a store fault instead of
 * answering a duplicate.
 */
static void
test_forged_index_record(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_append_result res;
	struct pxt_snapshot before, after;
	struct px_txn *t = NULL;
	struct px_hash h;
	const uint8_t *leaf_c;
	uint8_t *leaf, at[8];
	uint64_t index;
	size_t len;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val k, v;

	(void)state;
	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	leaf = sign_harvest(fx, FARM_1, "LOT-F1", 10, &len);
	assert_int_equal(px_hash_leaf(&h, leaf, len), PX_OK);
	pxt_snapshot(fx, &before);

	px_ledger_close(fx->l);
	fx->l = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
	assert_int_equal(mdb_env_set_mapsize(env, PX_STORE_MAP_DEFAULT), 0);
	assert_int_equal(mdb_env_open(env, fx->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "entry_index", 0, &dbi), 0);
	px_put_be64(at, 1);
	k = (MDB_val){ PX_HASH_LEN, h.b };
	v = (MDB_val){ 8, at };
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	pxt_ledger_reopen(fx);

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_find_entry(t, &h, &index), PX_ESTORE);
	px_store_abort(t);
	leaf_c = leaf;
	memset(&res, 0, sizeof(res));
	assert_int_equal(pxt_append(fx->l, &leaf_c, &len, 1, fx->now, &res),
			 PX_ESTORE);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	assert_false(lot_exists(fx, "LOT-F1"));
	free(leaf);
	pxt_ledger_free(fx);
}

/* ---- reopen and read-only ---- */

static void
build_some(struct pxt_ledger *fx)
{
	struct px_append_result res;

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, GIN_1, "gin", "UZ-SA", DISTRICT);
	harvest(fx, FARM_1, "LOT-R1", 5000);
	assert_int_equal(pxt_submit(fx, &res,
				    "{\"kind\":\"transfer\",\"actor\":\"" FARM_1
				    "\",\"to\":\"" GIN_1 "\",\"shipment\":"
				    "\"WB-R1\",\"lots\":[{\"lot\":\"LOT-R1\","
				    "\"kg\":5000}]}"),
			 PX_OK);
	assert_int_equal(pxt_submit(fx, &res,
				    "{\"kind\":\"receive\",\"actor\":\"" GIN_1
				    "\",\"shipment\":\"WB-R1\",\"lots\":[{"
				    "\"lot\":\"LOT-R1\",\"kg\":4990}]}"),
			 PX_OK);
}

static void
test_reopen(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct pxt_snapshot before, after;
	char *n1 = NULL, *n2 = NULL;

	(void)state;
	build_some(fx);
	assert_int_equal(pxt_holding(fx, "LOT-R1", GIN_1), 4990000);
	assert_int_equal(px_ledger_checkpoint(fx->l, &n1), PX_OK);
	pxt_snapshot(fx, &before);

	pxt_ledger_reopen(fx);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	assert_string_equal(px_ledger_origin(fx->l), ORIGIN);
	assert_memory_equal(px_ledger_node_key(fx->l)->b, fx->node_key.b, 32);
	assert_int_equal(px_ledger_checkpoint(fx->l, &n2), PX_OK);
	assert_string_equal(n1, n2);
	assert_int_equal(pxt_holding(fx, "LOT-R1", GIN_1), 4990000);

	/* Authors carry on where they were: sequence numbers come from the
	 * reopened log. */
	harvest(fx, FARM_1, "LOT-R2", 100);
	assert_int_equal(pxt_log_size(fx->l), before.size + 1);
	free(n1);
	free(n2);
	pxt_ledger_free(fx);
}

static void
test_readonly(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct pxt_snapshot before, after;
	struct px_ledger *ro = NULL, *second = NULL;
	struct px_append_result res;
	const uint8_t *leaf_c;
	uint8_t *leaf;
	size_t len;
	char *n1 = NULL, *n2 = NULL, *k1 = NULL, *k2 = NULL;

	(void)state;
	build_some(fx);
	assert_int_equal(px_ledger_checkpoint(fx->l, &n1), PX_OK);

	/* One writer at a time. */
	assert_int_equal(px_ledger_open(&second, fx->dir, 0), PX_ELOCKED);
	assert_null(second);

	/* A reader beside the writer. */
	assert_int_equal(px_ledger_open(&ro, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	assert_string_equal(px_ledger_origin(ro), ORIGIN);
	assert_memory_equal(px_ledger_node_key(ro)->b, fx->node_key.b, 32);
	assert_int_equal(pxt_log_size(ro), pxt_log_size(fx->l));
	assert_int_equal(px_ledger_verifier_key(ro, &k1), PX_OK);
	assert_int_equal(px_ledger_verifier_key(fx->l, &k2), PX_OK);
	assert_string_equal(k1, k2);

	/* It cannot append: an error, and nothing changes. */
	pxt_snapshot(fx, &before);
	leaf = sign_harvest(fx, FARM_1, "LOT-RO", 10, &len);
	leaf_c = leaf;
	memset(&res, 0, sizeof(res));
	assert_int_not_equal(pxt_append(ro, &leaf_c, &len, 1, fx->now, &res),
			     PX_OK);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	assert_int_equal(pxt_log_size(ro), before.size);

	/* Nor sign a checkpoint: it hands back the latest stored one. */
	assert_int_equal(px_ledger_checkpoint(ro, &n2), PX_OK);
	assert_string_equal(n1, n2);
	px_ledger_close(ro);
	ro = NULL;

	/* The writer still appends the same entry. */
	assert_int_equal(pxt_append(fx->l, &leaf_c, &len, 1, fx->now, &res),
			 PX_OK);
	assert_int_equal(res.rc, PX_OK);
	assert_int_equal(res.index, before.size);

	/* A reader that comes later sees it, and the grown log does not make
	 * a reader sign. */
	assert_int_equal(px_ledger_open(&ro, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	assert_int_equal(pxt_log_size(ro), before.size + 1);
	free(n2);
	n2 = NULL;
	assert_int_equal(px_ledger_checkpoint(ro, &n2), PX_OK);
	assert_string_equal(n1, n2);
	assert_int_equal(pxt_checkpoint_count(ro), pxt_checkpoint_count(fx->l));
	px_ledger_close(ro);

	free(leaf);
	free(n1);
	free(n2);
	free(k1);
	free(k2);
	pxt_ledger_free(fx);
}

/* The key lives beside the folder, never inside it (DESIGN.md §4). */
static void
test_node_key_apart(void **state)
{
	char *base = pxt_tempdir(), *dir = path_in(base, "ledger");
	char *inside = path_in(dir, "node.key"), *deeper = NULL;
	char *elsewhere = path_in(base, "keys"), *named = NULL, *p = NULL;
	struct px_registrar reg = { .id = PXT_REGISTRAR };
	struct px_ledger *l = NULL;
	struct px_seckey key, read;
	struct px_policy policy;
	struct px_pubkey node;
	struct stat st;
	struct dirent *de;
	DIR *d;

	(void)state;
	assert_int_equal(px_crypto_init(), PX_OK);
	assert_int_equal(px_key_generate(&key), PX_OK);
	reg.pub = key.pub;
	px_policy_default(&policy);

	/* Where the default is. */
	assert_int_equal(px_ledger_default_key_path(&p, "ledger"), PX_OK);
	assert_string_equal(p, "ledger.key");
	free(p);
	assert_int_equal(px_ledger_default_key_path(&p, "a/ledger//"), PX_OK);
	assert_string_equal(p, "a/ledger.key");
	free(p);
	assert_int_equal(px_ledger_default_key_path(&p, "/"), PX_EINVAL);
	assert_null(p);
	assert_int_equal(px_ledger_default_key_path(&p, ""), PX_EINVAL);

	/* Inside the folder, or below it: refused, and nothing is made. */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(px_ledger_create_key(dir, inside, ORIGIN, &reg, 1,
					      &policy, NULL, time(NULL)),
			 PX_EINVAL);
	assert_true(asprintf(&deeper, "%s/./k.key", dir) > 0);
	assert_int_equal(px_ledger_create_key(dir, deeper, ORIGIN, &reg, 1,
					      &policy, NULL, time(NULL)),
			 PX_EINVAL);
	free(deeper);
	assert_true(asprintf(&deeper, "%s/../ledger/k.key", dir) > 0);
	assert_int_equal(px_ledger_create_key(dir, deeper, ORIGIN, &reg, 1,
					      &policy, NULL, time(NULL)),
			 PX_EINVAL);
	assert_int_not_equal(stat(inside, &st), 0);
	assert_int_not_equal(stat(deeper, &st), 0);
	/* Its folder must exist. */
	named = path_in(elsewhere, "node.key");
	assert_int_equal(px_ledger_create_key(dir, named, ORIGIN, &reg, 1,
					      &policy, NULL, time(NULL)),
			 PX_ENOTFOUND);
	assert_int_equal(px_ledger_open(&l, dir, PX_LEDGER_READONLY),
			 PX_EFOREIGN);

	/* Named elsewhere: made there, and the folder holds no key. */
	assert_int_equal(mkdir(elsewhere, 0700), 0);
	assert_int_equal(px_ledger_create_key(dir, named, ORIGIN, &reg, 1,
					      &policy, &node, time(NULL)),
			 PX_OK);
	assert_int_equal(stat(named, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(px_key_read_pem(&read, named), PX_OK);
	assert_memory_equal(read.pub.b, node.b, 32);
	px_key_wipe(&read);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char *f = path_in(dir, de->d_name), *text;
		size_t len;

		if (stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
			text = pxt_read_file(f, &len);
			assert_non_null(text);
			assert_null(memmem(text, len, "PRIVATE KEY", 11));
			free(text);
		}
		free(f);
	}
	closedir(d);
	/* No key at the default place: writing needs the named one, reading
	 * needs none. */
	assert_int_equal(px_ledger_open(&l, dir, 0), PX_ENOTFOUND);
	assert_int_equal(px_ledger_open(&l, dir, PX_LEDGER_READONLY), PX_OK);
	px_ledger_close(l);
	assert_int_equal(px_ledger_open_key(&l, dir, named, 0), PX_OK);
	assert_memory_equal(px_ledger_node_key(l)->b, node.b, 32);
	px_ledger_close(l);
	/* A second ledger never takes an existing key file. */
	free(inside);
	inside = path_in(base, "other");
	assert_int_equal(px_ledger_create_key(inside, named, ORIGIN, &reg, 1,
					      &policy, NULL, time(NULL)),
			 PX_EEXIST);
	assert_int_not_equal(stat(inside, &st), 0);

	px_key_wipe(&key);
	free(named);
	free(elsewhere);
	free(deeper);
	free(inside);
	free(dir);
	pxt_rmtree(base);
}

/* The node key must be there, readable, and the genesis's. */
static void
test_open_node_key(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	char *key_path = key_of(fx->dir);
	char *saved = NULL, *empty = NULL, *base = NULL;
	struct px_ledger *l = NULL;
	struct px_seckey other;
	size_t saved_len;
	FILE *f;

	(void)state;
	saved = pxt_read_file(key_path, &saved_len);
	assert_non_null(saved);
	px_signer_free(fx->signer);
	fx->signer = NULL;
	px_ledger_close(fx->l);
	fx->l = NULL;

	/* Missing: no writing, but reading needs no key. */
	assert_int_equal(unlink(key_path), 0);
	assert_int_equal(px_ledger_open(&l, fx->dir, 0), PX_ENOTFOUND);
	assert_null(l);
	assert_int_equal(px_ledger_open(&l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	assert_string_equal(px_ledger_origin(l), ORIGIN);
	px_ledger_close(l);
	l = NULL;

	/* Not a key. */
	f = fopen(key_path, "w");
	assert_non_null(f);
	fputs("not a key\n", f);
	fclose(f);
	assert_int_equal(px_ledger_open(&l, fx->dir, 0), PX_EMALFORMED);
	assert_null(l);
	assert_int_equal(unlink(key_path), 0);

	/* Somebody else's key: its checkpoints would not verify. */
	assert_int_equal(px_key_generate(&other), PX_OK);
	assert_int_equal(px_key_write_pem(key_path, &other), PX_OK);
	px_key_wipe(&other);
	assert_int_equal(px_ledger_open(&l, fx->dir, 0), PX_EFOREIGN);
	assert_null(l);
	assert_int_equal(unlink(key_path), 0);

	/* Put back, all is well. */
	f = fopen(key_path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(saved, 1, saved_len, f), saved_len);
	fclose(f);
	pxt_ledger_reopen(fx);
	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	assert_int_equal(pxt_log_size(fx->l), 2);

	/* Not a ledger at all. */
	base = pxt_tempdir();
	empty = path_in(base, "nothing");
	assert_int_equal(px_ledger_open(&l, empty, 0), PX_ENOTFOUND);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(px_ledger_open(&l, empty, 0), PX_EFOREIGN);
	assert_int_equal(px_ledger_open(&l, empty, PX_LEDGER_READONLY),
			 PX_EFOREIGN);
	assert_null(l);

	free(empty);
	pxt_rmtree(base);
	free(saved);
	free(key_path);
	pxt_ledger_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_refusals),
		cmocka_unit_test(test_create_existing),
		cmocka_unit_test(test_create_genesis),
		cmocka_unit_test(test_create_policy),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_batch),
		cmocka_unit_test_setup_teardown(test_batch_bad_envelopes,
						case_setup, case_teardown),
		cmocka_unit_test_setup_teardown(test_single_bad_envelope,
						case_setup, case_teardown),
		cmocka_unit_test_setup_teardown(test_batch_prepared, case_setup,
						case_teardown),
		cmocka_unit_test(test_forged_index_record),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_open_node_key),
		cmocka_unit_test(test_node_key_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
