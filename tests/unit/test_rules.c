/*
 * Unit tests for rules.c through the ledger: every rule of DESIGN.md §3.3
 * broken once, checking the refusal (rc and stable code) and that the
 * ledger is unchanged (log size, root and a digest of every state table,
 * and holdings where they matter).
 *
 * Events are written with single quotes and turned into JSON by
 * pxt_squote() (fixture.c). The JSON path (pxt_submit) numbers and signs
 * entries the way `paxta submit` does; craft() builds entries by hand for
 * what it cannot say (a wrong sequence number or prev hash, a key that is not
 * the author's, an unknown or revoked author), so the ledger's own checks are
 * tested, not only the signer's. Times are fixed: the node's clock is NOW, lots
 * are harvested at HARVESTED. Each test has its own ledger, freed by
 * pxt_teardown() even when an assertion fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/crypto.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/event.h"
#include "paxta/ledger.h"
#include "paxta/state.h"
#include "paxta/store.h"
#include "paxta/verify.h"
#include "support.h"

/* 2026-10-01T12:30:00Z: the node's clock in every test. */
#define NOW 1790857800
/* 2026-01-01T00:00:00Z: the genesis, before every date used here. */
#define GENESIS_T 1767225600
/* 2026-09-21T08:00:00Z: when every lot here was picked. */
#define HARVESTED   "2026-09-21T08:00:00Z"
#define HARVESTED_T 1789977600
/* Before any lot here existed. */
#define BEFORE_HARVEST "2026-09-20T00:00:00Z"

#define FARM     "uz.farm.0042"
#define FARM2    "uz.farm.0043"
#define GIN      "uz.gin.kattakurgan-01"
#define SPINNER  "uz.spin.tashkent-01"
#define MONITOR  "monitor.tpm"
#define LAB      "lab.isotope-1"
#define MILL     "uz.mill.integrated-01" /* farm, gin, spinner, weaver, maker */
#define REGION   "UZ-SA"
#define DISTRICT "UZ-SA-KTK"
#define LOT      "UZ-2026-F0042-001"
#define HEX      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* ---- helpers ---- */

static void expect_refused(struct pxt_ledger *fx, int want_rc,
			   enum px_code want, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A fresh ledger (policy NULL: the defaults) on the node clock NOW, with a
 * farm and a gin registered; *state holds it for pxt_teardown(). */
static struct pxt_ledger *
world(void **state, const struct px_policy *policy)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(policy, GENESIS_T);

	*state = fx;
	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	return fx;
}

/* The signer remembers each author's chain as it signed it; after a leaf
 * that did not go through pxt_submit, let it ask the ledger again. */
static void
forget_all(struct pxt_ledger *fx)
{
	for (size_t i = 0; i < fx->n_keys; i++)
		px_signer_forget(fx->signer, fx->keys[i].id);
}

static void
check_refusal(const struct px_append_result *res, int want_rc,
	      enum px_code want)
{
	if (res->rc != want_rc || res->refusal.code != want)
		fail_msg("want rc %d (%s) code %s; got rc %d (%s) code %s: %s",
			 want_rc, px_strerror(want_rc), px_code_name(want),
			 res->rc, px_strerror(res->rc),
			 px_code_name(res->refusal.code), res->refusal.message);
	assert_true(res->refusal.message[0] != '\0');
	assert_int_equal(res->duplicate, 0);
}

static void
assert_unchanged(struct pxt_ledger *fx, const struct pxt_snapshot *before)
{
	struct pxt_snapshot after;

	pxt_snapshot(fx, &after);
	assert_int_equal(after.size, before->size);
	if (!pxt_snapshot_equal(before, &after))
		fail_msg("a refused entry changed the ledger (size %llu)",
			 (unsigned long long)after.size);
}

/* Submit an event that must be refused with want_rc and code want, and
 * leave the ledger as it was. */
static void
expect_refused(struct pxt_ledger *fx, int want_rc, enum px_code want,
	       const char *fmt, ...)
{
	struct px_append_result res;
	struct pxt_snapshot before;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = pxt_squote(fmt, ap);
	va_end(ap);
	pxt_snapshot(fx, &before);
	memset(&res, 0, sizeof(res));
	pxt_submit(fx, &res, "%s", text);
	if (res.rc != want_rc || res.refusal.code != want)
		print_error("event: %s\n", text);
	free(text);
	check_refusal(&res, want_rc, want);
	assert_unchanged(fx, &before);
}

/* Append one leaf, whatever it is, at the node clock now. */
static void
append_leaf(struct pxt_ledger *fx, const uint8_t *leaf, size_t len, int64_t now,
	    struct px_append_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	rc = pxt_append(fx->l, &leaf, &len, 1, now, res);
	if (rc != PX_OK)
		fail_msg("px_ledger_append failed the batch: %s (%d); a "
			 "refusal belongs in the entry's result",
			 px_strerror(rc), rc);
}

/* Append a leaf that must be refused; the ledger must not change. */
static void
expect_leaf_refused(struct pxt_ledger *fx, const uint8_t *leaf, size_t len,
		    int want_rc, enum px_code want)
{
	struct px_append_result res;
	struct pxt_snapshot before;

	pxt_snapshot(fx, &before);
	append_leaf(fx, leaf, len, fx->now, &res);
	check_refusal(&res, want_rc, want);
	assert_unchanged(fx, &before);
	forget_all(fx);
}

/* Where actor's chain stands in the ledger (seq 0: none, or unknown). */
static void
author_state(struct pxt_ledger *fx, const char *actor, uint64_t *seq,
	     struct px_hash *last, int *has_last)
{
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t = NULL;
	int rc;

	*seq = 0;
	*has_last = 0;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_state_actor(t, actor, &rec);
	if (rc == PX_OK) {
		*seq = rec->seq;
		if (rec->last_hash.len == PX_HASH_LEN) {
			memcpy(last->b, rec->last_hash.data, PX_HASH_LEN);
			*has_last = 1;
		}
	} else {
		assert_int_equal(rc, PX_ENOTFOUND);
	}
	px_state_free(rec);
	px_store_abort(t);
}

enum prev_kind {
	PREV_RIGHT,   /* the author's last leaf hash (none for a first entry) */
	PREV_NONE,    /* empty */
	PREV_FLIPPED, /* the right one with a bit flipped, or 32 zero bytes */
};

/* How craft() numbers and signs an entry. */
struct craft {
	const struct px_seckey *key; /* NULL: the author's fixture key */
	int64_t seq_delta;           /* added to the right next number */
	enum prev_kind prev;
};

/* Seal an Entry body with key into a leaf (malloc'd). */
static uint8_t *
seal_body(const Paxta__Entry *e, const struct px_seckey *key, size_t *out_len)
{
	uint8_t *payload = NULL, *leaf = NULL;
	size_t payload_len = 0;

	assert_int_equal(px_entry_body_encode(&payload, &payload_len, e),
			 PX_OK);
	assert_int_equal(
		px_entry_seal(&leaf, out_len, payload, payload_len, key),
		PX_OK);
	free(payload);
	return leaf;
}

/* An event made into a signed leaf by hand, numbered from the ledger's
 * state of its author as c says. */
static uint8_t *craft(struct pxt_ledger *fx, const struct craft *c,
		      size_t *out_len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static uint8_t *
craft(struct pxt_ledger *fx, const struct craft *c, size_t *out_len,
      const char *fmt, ...)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;
	struct px_hash last = { { 0 } };
	uint8_t prev[PX_HASH_LEN];
	uint64_t seq;
	int has_last;
	uint8_t *leaf;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = pxt_squote(fmt, ap);
	va_end(ap);
	if (px_event_parse_text(&ev, text, strlen(text), &r) != PX_OK)
		fail_msg("%s: %s", text, r.message);
	free(text);
	author_state(fx, ev->entry->actor, &seq, &last, &has_last);
	ev->entry->seq = (uint64_t)((int64_t)seq + 1 + c->seq_delta);
	memcpy(prev, last.b, PX_HASH_LEN);
	switch (c->prev) {
	case PREV_RIGHT:
		ev->entry->prev.data = has_last ? prev : NULL;
		ev->entry->prev.len = has_last ? PX_HASH_LEN : 0;
		break;
	case PREV_NONE:
		ev->entry->prev.data = NULL;
		ev->entry->prev.len = 0;
		break;
	case PREV_FLIPPED:
		if (has_last)
			prev[7] ^= 0x10;
		ev->entry->prev.data = prev;
		ev->entry->prev.len = PX_HASH_LEN;
		break;
	}
	if (!ev->has_time)
		ev->entry->time = fx->now;
	leaf = seal_body(ev->entry,
			 c->key ? c->key : pxt_key(fx, ev->entry->actor),
			 out_len);
	px_event_free(ev);
	return leaf;
}

/* A copy of the signed entry logged at index (malloc'd): the bytes its
 * author sent. */
static uint8_t *
leaf_at(struct pxt_ledger *fx, uint64_t index, size_t *out_len)
{
	return pxt_signed_at(fx->l, index, out_len);
}

/* The lot's record (free with px_state_free); NULL when absent. */
static Paxta__LotRecord *
lot_record(struct pxt_ledger *fx, const char *id)
{
	Paxta__LotRecord *rec = NULL;
	struct px_txn *t = NULL;
	int rc;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	rc = px_state_lot(t, id, &rec);
	px_store_abort(t);
	if (rc == PX_ENOTFOUND)
		return NULL;
	assert_int_equal(rc, PX_OK);
	return rec;
}

/* Index of the entry that made lot. */
static uint64_t
created_at(struct pxt_ledger *fx, const char *id)
{
	Paxta__LotRecord *lot = lot_record(fx, id);
	uint64_t at;

	assert_non_null(lot);
	at = lot->created_at;
	px_state_free(lot);
	return at;
}

/* Index of the entry that registered actor. */
static uint64_t
registered_at(struct pxt_ledger *fx, const char *id)
{
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t = NULL;
	uint64_t at;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_actor(t, id, &rec), PX_OK);
	at = rec->registered_at;
	px_state_free(rec);
	px_store_abort(t);
	return at;
}

static int
count_origin(void *ctx, const char *lot, const char *farm)
{
	(void)lot;
	(void)farm;
	++*(int *)ctx;
	return 0;
}

/* Harvest lots of DISTRICT in season 2026 in the origin index. */
static int
origins(struct pxt_ledger *fx)
{
	struct px_txn *t = NULL;
	int n = 0;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(
		px_state_each_origin(t, DISTRICT, 2026, count_origin, &n),
		PX_OK);
	px_store_abort(t);
	return n;
}

static void
assert_audit_intact(struct pxt_ledger *fx)
{
	struct px_audit_report rep;

	memset(&rep, 0, sizeof(rep));
	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
	if (!rep.intact)
		fail_msg("audit: entry %llu: %s",
			 (unsigned long long)rep.bad_index, rep.problem);
}

/* Replace the key the fixture signs actor's events with. */
static void
set_key(struct pxt_ledger *fx, const char *actor, const struct px_seckey *key)
{
	for (size_t i = 0; i < fx->n_keys; i++)
		if (strcmp(fx->keys[i].id, actor) == 0) {
			fx->keys[i].key = *key;
			px_signer_forget(fx->signer, actor);
			return;
		}
	fail_msg("no key for '%s'", actor);
}

static uint64_t
harvest(struct pxt_ledger *fx, const char *farm, const char *lot,
	const char *kg)
{
	return pxt_ok(fx,
		      "{'kind':'harvest','actor':'%s','lot':'%s','kg':%s,"
		      "'season':2026,'district':'" DISTRICT "',"
		      "'method':'hand','harvested_at':'" HARVESTED "'}",
		      farm, lot, kg);
}

static uint64_t
ship(struct pxt_ledger *fx, const char *from, const char *to,
     const char *shipment, const char *lot, const char *kg)
{
	return pxt_ok(fx,
		      "{'kind':'transfer','actor':'%s','to':'%s',"
		      "'shipment':'%s','lots':[{'lot':'%s','kg':%s}]}",
		      from, to, shipment, lot, kg);
}

static uint64_t
receive(struct pxt_ledger *fx, const char *to, const char *shipment,
	const char *lot, const char *kg)
{
	return pxt_ok(fx,
		      "{'kind':'receive','actor':'%s','shipment':'%s',"
		      "'lots':[{'lot':'%s','kg':%s}]}",
		      to, shipment, lot, kg);
}

/* The farm's 12000 kg lot LOT, shipped whole to the gin, which received
 * 11980 kg of it. */
static void
lot_at_gin(struct pxt_ledger *fx)
{
	harvest(fx, FARM, LOT, "12000");
	ship(fx, FARM, GIN, "WB-7781", LOT, "12000");
	receive(fx, GIN, "WB-7781", LOT, "11980");
}

static const char *
pubkey_b64(struct pxt_ledger *fx, const char *actor, char out[45])
{
	assert_int_equal(px_pubkey_to_base64(out, &pxt_key(fx, actor)->pub),
			 PX_OK);
	return out;
}

/* ---- rule 1: signature, author, role ---- */

/* Where the n bytes of part are in leaf (they must be there once). */
static size_t
offset_in(const uint8_t *leaf, size_t len, const void *part, size_t n)
{
	const uint8_t *at = memmem(leaf, len, part, n);

	assert_non_null(at);
	assert_null(memmem(at + 1, len - (size_t)(at + 1 - leaf), part, n));
	return (size_t)(at - leaf);
}

static void
test_signature_bytes_tampered(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_refusal r = { 0 };
	struct px_append_result res;
	struct px_signed_entry env;
	uint8_t *leaf = NULL, *bad;
	size_t len = 0, sig_at, payload_at, payload_len, key_at;

	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	/* protobuf-c copies bytes fields out: find them in the leaf. */
	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	sig_at = offset_in(leaf, len, env.sig.b, PX_SIG_LEN);
	payload_at = offset_in(leaf, len, env.payload, env.payload_len);
	payload_len = env.payload_len;
	key_at = offset_in(leaf, len, env.pub.b, PX_PUBKEY_LEN);
	px_entry_close(&env);
	bad = malloc(len);
	assert_non_null(bad);

	/* A byte of the signature. */
	memcpy(bad, leaf, len);
	bad[sig_at + 5] ^= 0x01;
	expect_leaf_refused(fx, bad, len, PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
	/* Its last byte (the top of S). */
	memcpy(bad, leaf, len);
	bad[sig_at + PX_SIG_LEN - 1] ^= 0x80;
	expect_leaf_refused(fx, bad, len, PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
	/* A byte of the signed payload. */
	memcpy(bad, leaf, len);
	bad[payload_at + payload_len - 1] ^= 0x01;
	expect_leaf_refused(fx, bad, len, PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
	/* A byte of the envelope's key. */
	memcpy(bad, leaf, len);
	bad[key_at + 3] ^= 0x01;
	expect_leaf_refused(fx, bad, len, PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);

	/* The refusals used up nothing: the untouched leaf is logged. */
	append_leaf(fx, leaf, len, fx->now, &res);
	assert_int_equal(res.rc, PX_OK);
	assert_int_equal(res.duplicate, 0);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	free(bad);
	free(leaf);
}

static void
test_signature_not_current_key(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_seckey stranger;
	struct craft c = { 0 };
	uint8_t *leaf;
	size_t len;

	assert_int_equal(px_key_generate(&stranger), PX_OK);
	/* A valid signature by a key that is nobody's. */
	c.key = &stranger;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':12000,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	assert_int_equal(px_entry_verify_signed(leaf, len), PX_OK);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	/* Another actor's current key: the gin cannot write as the farm. */
	c.key = pxt_key(fx, GIN);
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':12000,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	/* Nor the registrar (which may rotate the farm's key, not sign as
	 * it). */
	c.key = pxt_key(fx, PXT_REGISTRAR);
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':12000,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	assert_null(lot_record(fx, LOT));
	px_key_wipe(&stranger);
}

static void
test_unknown_actor(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct craft c = { 0 };
	uint8_t *leaf;
	size_t len;

	/* The ledger's own check, on an entry signed by hand. */
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'uz.farm.ghost','lot':'" LOT
		"','kg':12000,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR);
	free(leaf);
	/* And through the signer. */
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		"{'kind':'harvest','actor':'uz.farm.ghost','lot':'" LOT
		"','kg':12000,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	assert_null(lot_record(fx, LOT));
}

static void
test_revoked_actor(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result res;
	struct craft c = { 0 };
	uint8_t *leaf, *before_leaf;
	size_t len, before_len;
	uint64_t at, revoked_at;
	Paxta__LotRecord *lot;

	pxt_register(fx, FARM2, "farm", REGION, DISTRICT);
	at = harvest(fx, FARM, LOT, "12000");
	harvest(fx, FARM2, "UZ-2026-F0043-001", "5000");
	before_leaf = leaf_at(fx, at, &before_len);
	revoked_at = pxt_ok(fx, "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
				"','subject':'" FARM "','reason':'fraud'}");
	assert_true(revoked_at > at);

	/* Its entries from now on: refused by the ledger... */
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-002','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_REVOKED);
	free(leaf);
	leaf = craft(fx, &c, &len,
		     "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		     "','shipment':'WB-1','lots':[{'lot':'" LOT
		     "','kg':100}]}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_REVOKED);
	free(leaf);
	/* ... and by the signer. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_REVOKED,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':100}]}");
	/* Nobody ships to it, and it is not revoked twice. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_REVOKED,
		       "{'kind':'transfer','actor':'" FARM2 "','to':'" FARM
		       "','shipment':'WB-2','lots':[{'lot':"
		       "'UZ-2026-F0043-001','kg':100}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_REVOKED,
		       "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
		       "','subject':'" FARM "'}");

	/* What it logged before the revocation stays: the leaf, the lot, the
	 * holding, and a replay of it is answered with its old index. */
	leaf = leaf_at(fx, at, &len);
	assert_int_equal(len, before_len);
	assert_memory_equal(leaf, before_leaf, len);
	assert_int_equal(px_entry_verify_signed(leaf, len), PX_OK);
	free(leaf);
	lot = lot_record(fx, LOT);
	assert_non_null(lot);
	assert_false(lot->voided);
	assert_int_equal(lot->grams, 12000000);
	px_state_free(lot);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	append_leaf(fx, before_leaf, before_len, fx->now, &res);
	assert_int_equal(res.rc, PX_OK);
	assert_int_equal(res.duplicate, 1);
	assert_int_equal(res.index, at);
	free(before_leaf);
	assert_audit_intact(fx);
}

static void
test_role_denied(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	char pub[45];

	pxt_register(fx, SPINNER, "spinner", "UZ-TK", "UZ-TK-TAS");
	pxt_register(fx, MONITOR, "monitor", REGION, DISTRICT);
	pxt_register(fx, LAB, "lab", REGION, DISTRICT);
	lot_at_gin(fx);

	/* A harvest by a gin. */
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		"{'kind':'harvest','actor':'" GIN
		"','lot':'UZ-2026-G-1','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	assert_null(lot_record(fx, "UZ-2026-G-1"));
	/* Ginning by a farm, of seed cotton it holds. */
	harvest(fx, FARM, "UZ-2026-F0042-002", "1000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'transform','actor':'" FARM
		       "','process':'ginning','inputs':[{'lot':"
		       "'UZ-2026-F0042-002','kg':1000}],'outputs':[{'lot':"
		       "'PBI-1','kg':400,'product':'lint'}]}");
	assert_int_equal(pxt_holding(fx, "UZ-2026-F0042-002", FARM), 1000000);
	/* Spinning by a gin, of lint it holds. */
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN
		   "','process':'ginning','inputs':[{'lot':'" LOT
		   "','kg':11980}],'outputs':[{'lot':'PBI-1','kg':5000,"
		   "'product':'lint'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'spinning','inputs':[{'lot':'PBI-1',"
		       "'kg':1000}],'outputs':[{'lot':'YARN-1','kg':900,"
		       "'product':'yarn'}]}");
	assert_int_equal(pxt_holding(fx, "PBI-1", GIN), 5000000);
	/* An attestation by a farm, a gin and a lab. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'attest','actor':'" FARM
		       "','subject':'farm:" FARM "','season':2026,"
		       "'status':'certified','indicators':[],"
		       "'report_sha256':'" HEX "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'attest','actor':'" LAB
		       "','subject':'district:" DISTRICT "','season':2026,"
		       "'status':'certified','indicators':[]}");
	/* A registration by a farm. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'register_actor','actor':'" FARM
		       "','subject':{'id':'uz.farm.new','name':'New',"
		       "'roles':['farm'],'region':'" REGION
		       "','district':'" DISTRICT "','public_key':'%s'}}",
		       pubkey_b64(fx, "uz.farm.new", pub));
	/* A lab result by a monitor and by a farm. */
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		"{'kind':'lab_result','actor':'" MONITOR
		"','lot':'PBI-1','matches':false,'claimed_region':'" REGION
		"','report_sha256':'" HEX "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'lab_result','actor':'" FARM "','lot':'" LOT
		       "','matches':true,'claimed_region':'" REGION "'}");

	/* The same acts by the right roles go through. */
	pxt_ok(fx, "{'kind':'attest','actor':'" MONITOR
		   "','subject':'district:" DISTRICT "','season':2026,"
		   "'status':'certified','indicators':[]}");
	pxt_ok(fx, "{'kind':'lab_result','actor':'" LAB
		   "','lot':'PBI-1','matches':true,'claimed_region':'" REGION
		   "','report_sha256':'" HEX "'}");
}

/* Roles are read from the current record: a registrar taking the farm
 * role away stops its harvests. */
static void
test_role_removed_by_update(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "100");
	pxt_ok(fx, "{'kind':'update_actor','actor':'" PXT_REGISTRAR
		   "','subject':{'id':'" FARM "','name':'Farm 42',"
		   "'roles':['warehouse'],'region':'" REGION
		   "','district':'" DISTRICT "'}}");
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-002','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	/* A holder without the role still ships what it holds. */
	ship(fx, FARM, GIN, "WB-1", LOT, "100");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
}

/* ---- rule 2: sequence numbers and the author's chain ---- */

static void
test_sequence_skipped_or_repeated(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct craft c = { 0 };
	uint8_t *leaf;
	size_t len;

	harvest(fx, FARM, LOT, "100");
	harvest(fx, FARM, "UZ-2026-F0042-002", "100");
	/* Skipped: 4 after 2. */
	c.seq_delta = 1;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-003','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	/* Far ahead. */
	c.seq_delta = 1000;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-003','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	/* Repeated: number 2 again, after the current prev, so only the
	 * number is wrong (test_sequence_fork has a real fork). */
	c.seq_delta = -1;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-003','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	/* Sequence 0. */
	c.seq_delta = -3;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-003','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	assert_null(lot_record(fx, "UZ-2026-F0042-003"));
	/* The right number goes in. */
	c.seq_delta = 0;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-003','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	{
		struct px_append_result res;

		append_leaf(fx, leaf, len, fx->now, &res);
		assert_int_equal(res.rc, PX_OK);
	}
	free(leaf);
	forget_all(fx);
}

/* A fork: a different entry with a number and prev already used. */
static void
test_sequence_fork(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_hash last;
	uint64_t seq;
	int has_last;
	uint8_t *leaf;
	size_t len;
	Paxta__Entry e = PAXTA__ENTRY__INIT;
	Paxta__Harvest h = PAXTA__HARVEST__INIT;

	harvest(fx, FARM, LOT, "100");
	author_state(fx, FARM, &seq, &last, &has_last);
	assert_int_equal(seq, 1);
	harvest(fx, FARM, "UZ-2026-F0042-002", "100");
	/* Entry 2 again, after entry 1, with other content. */
	e.actor = FARM;
	e.seq = 2;
	e.prev.data = last.b;
	e.prev.len = PX_HASH_LEN;
	e.time = NOW;
	e.body_case = PAXTA__ENTRY__BODY_HARVEST;
	e.harvest = &h;
	h.lot = "UZ-2026-F0042-009";
	h.grams = 5000000;
	h.season = 2026;
	h.district = DISTRICT;
	h.method = PAXTA__METHOD__METHOD_HAND;
	leaf = seal_body(&e, pxt_key(fx, FARM), &len);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	assert_null(lot_record(fx, "UZ-2026-F0042-009"));
}

static void
test_sequence_wrong_prev(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct craft c = { 0 };
	uint8_t *leaf;
	size_t len;

	/* A first entry naming a previous one. */
	c.prev = PREV_FLIPPED;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		"','kg':100,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	harvest(fx, FARM, LOT, "100");
	/* The right number after a wrong hash. */
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-002','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	/* ... and after none. */
	c.prev = PREV_NONE;
	leaf = craft(
		fx, &c, &len,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'UZ-2026-F0042-002','kg':100,'season':2026,"
		"'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_SEQUENCE);
	free(leaf);
	/* Another author's last hash. */
	{
		struct px_hash gin_last, farm_last;
		uint64_t seq;
		int has;
		Paxta__Entry e = PAXTA__ENTRY__INIT;
		Paxta__Harvest h = PAXTA__HARVEST__INIT;

		author_state(fx, GIN, &seq, &gin_last, &has);
		assert_false(has); /* the gin has written nothing */
		author_state(fx, PXT_REGISTRAR, &seq, &gin_last, &has);
		assert_true(has);
		author_state(fx, FARM, &seq, &farm_last, &has);
		e.actor = FARM;
		e.seq = seq + 1;
		e.prev.data = gin_last.b;
		e.prev.len = PX_HASH_LEN;
		e.time = NOW;
		e.body_case = PAXTA__ENTRY__BODY_HARVEST;
		e.harvest = &h;
		h.lot = "UZ-2026-F0042-002";
		h.grams = 100000;
		h.season = 2026;
		h.district = DISTRICT;
		h.method = PAXTA__METHOD__METHOD_HAND;
		leaf = seal_body(&e, pxt_key(fx, FARM), &len);
		expect_leaf_refused(fx, leaf, len, PX_EREFUSED,
				    PX_CODE_SEQUENCE);
		free(leaf);
		/* A prev of the wrong length. */
		e.prev.data = farm_last.b;
		e.prev.len = 16;
		leaf = seal_body(&e, pxt_key(fx, FARM), &len);
		expect_leaf_refused(fx, leaf, len, PX_EREFUSED,
				    PX_CODE_SEQUENCE);
		free(leaf);
	}
	assert_null(lot_record(fx, "UZ-2026-F0042-002"));
}

static void
test_same_entry_twice(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result first, again;
	struct px_refusal r = { 0 };
	struct pxt_snapshot before;
	uint8_t *leaf = NULL;
	size_t len = 0;

	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	append_leaf(fx, leaf, len, fx->now, &first);
	assert_int_equal(first.rc, PX_OK);
	assert_int_equal(first.duplicate, 0);

	pxt_snapshot(fx, &before);
	append_leaf(fx, leaf, len, fx->now, &again);
	assert_int_equal(again.rc, PX_OK);
	assert_int_equal(again.duplicate, 1);
	assert_int_equal(again.index, first.index);
	assert_memory_equal(&again.leaf_hash, &first.leaf_hash, PX_HASH_LEN);
	assert_unchanged(fx, &before);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);

	/* Still answered after the author moved on, even on a later clock. */
	ship(fx, FARM, GIN, "WB-1", LOT, "500");
	pxt_snapshot(fx, &before);
	append_leaf(fx, leaf, len, fx->now + 100000, &again);
	assert_int_equal(again.rc, PX_OK);
	assert_int_equal(again.duplicate, 1);
	assert_int_equal(again.index, first.index);
	assert_unchanged(fx, &before);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 11500000);
	free(leaf);
}

static void
test_same_entry_twice_in_batch(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result res[3];
	struct px_refusal r = { 0 };
	const uint8_t *leaves[3];
	size_t lens[3];
	uint8_t *leaf = NULL;
	size_t len = 0;
	uint64_t size;

	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	size = pxt_log_size(fx->l);
	leaves[0] = leaves[1] = leaves[2] = leaf;
	lens[0] = lens[1] = lens[2] = len;
	memset(res, 0, sizeof(res));
	assert_int_equal(pxt_append(fx->l, leaves, lens, 3, fx->now, res),
			 PX_OK);
	assert_int_equal(res[0].rc, PX_OK);
	assert_int_equal(res[0].duplicate, 0);
	assert_int_equal(res[0].index, size);
	for (int i = 1; i < 3; i++) {
		assert_int_equal(res[i].rc, PX_OK);
		assert_int_equal(res[i].duplicate, 1);
		assert_int_equal(res[i].index, size);
	}
	assert_int_equal(pxt_log_size(fx->l), size + 1);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	free(leaf);
}

/* Append leaf[0..n) as one batch, with results in res; the log's size
 * before it. */
static uint64_t
append_batch(struct pxt_ledger *fx, uint8_t *const *leaf, const size_t *lens,
	     size_t n, struct px_append_result *res)
{
	const uint8_t *leaves[8];
	uint64_t size = pxt_log_size(fx->l);

	assert_true(n <= sizeof(leaves) / sizeof(leaves[0]));
	for (size_t i = 0; i < n; i++)
		leaves[i] = leaf[i];
	memset(res, 0, n * sizeof(*res));
	assert_int_equal(pxt_append(fx->l, leaves, lens, n, fx->now, res),
			 PX_OK);
	return size;
}

/* In a batch each entry meets the state the ones before it left; a
 * refused one stores nothing and the rest go on. */
static void
test_batch_refusal_is_isolated(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result res[3];
	struct px_refusal r = { 0 };
	uint8_t *leaf[3] = { NULL };
	size_t lens[3];
	uint64_t size;

	assert_int_equal(pxt_sign(fx, &leaf[0], &lens[0], &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	assert_int_equal(pxt_sign(fx, &leaf[1], &lens[1], &r,
				  "{\"kind\":\"transfer\",\"actor\":\"" GIN
				  "\",\"to\":\"" FARM "\",\"shipment\":"
				  "\"WB-0\",\"lots\":[{\"lot\":\"" LOT
				  "\",\"kg\":1}]}"),
			 PX_OK);
	assert_int_equal(pxt_sign(fx, &leaf[2], &lens[2], &r,
				  "{\"kind\":\"transfer\",\"actor\":\"" FARM
				  "\",\"to\":\"" GIN "\",\"shipment\":"
				  "\"WB-1\",\"lots\":[{\"lot\":\"" LOT
				  "\",\"kg\":12000}]}"),
			 PX_OK);
	size = append_batch(fx, leaf, lens, 3, res);
	assert_int_equal(res[0].rc, PX_OK);
	assert_int_equal(res[0].index, size);
	check_refusal(&res[1], PX_EREFUSED, PX_CODE_NOT_HOLDER);
	assert_int_equal(res[2].rc, PX_OK);
	assert_int_equal(res[2].index, size + 1);
	assert_int_equal(pxt_log_size(fx->l), size + 2);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	forget_all(fx);
	for (int i = 0; i < 3; i++)
		free(leaf[i]);
}

/* A harvest event of actor for kg of lot, signed into *leaf. */
static void
sign_harvest_of(struct pxt_ledger *fx, const char *actor, const char *lot,
		unsigned kg, uint8_t **leaf, size_t *len)
{
	struct px_refusal r = { 0 };

	assert_int_equal(pxt_sign(fx, leaf, len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"%s\","
				  "\"lot\":\"%s\",\"kg\":%u,\"season\":2026,"
				  "\"district\":\"" DISTRICT "\",\"method\":"
				  "\"hand\",\"harvested_at\":\"" HARVESTED
				  "\"}",
				  actor, lot, kg),
			 PX_OK);
}

/*
 * A refusal found after the rules had written part of the entry: the
 * author's chain moves on before the body is judged, and duplicate_lot is
 * found after. The append goes straight into the batch's transaction until
 * a refusal, then runs the batch again with that entry nested (ledger.c),
 * so nothing of the refused entry may remain: the author's next entry in
 * the same batch takes the very sequence number the refused one had, and
 * the entries around it are logged where they belong.
 */
static void
test_batch_refusal_undoes_its_writes(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result res[4];
	uint8_t *leaf[4] = { NULL };
	size_t lens[4];
	uint64_t size, seq_before, seq_after;
	struct px_hash last;
	int has_last;

	pxt_register(fx, FARM2, "farm", REGION, DISTRICT);
	assert_int_equal(pxt_submit(fx, NULL,
				    "{\"kind\":\"harvest\",\"actor\":\"" FARM
				    "\",\"lot\":\"" LOT "\",\"kg\":1000,"
				    "\"season\":2026,\"district\":\"" DISTRICT
				    "\",\"method\":\"hand\",\"harvested_at\":"
				    "\"" HARVESTED "\"}"),
			 PX_OK);
	author_state(fx, FARM, &seq_before, &last, &has_last);
	sign_harvest_of(fx, FARM2, "UZ-2026-F0043-001", 1000, &leaf[0],
			&lens[0]);
	/* The same lot id again (not the same event: another weight). */
	sign_harvest_of(fx, FARM, LOT, 900, &leaf[1], &lens[1]);
	/* The farm's next entry, numbered as if the one before were not. */
	px_signer_forget(fx->signer, FARM);
	sign_harvest_of(fx, FARM, "UZ-2026-F0042-002", 1000, &leaf[2],
			&lens[2]);
	sign_harvest_of(fx, FARM2, "UZ-2026-F0043-002", 1000, &leaf[3],
			&lens[3]);
	size = append_batch(fx, leaf, lens, 4, res);
	assert_int_equal(res[0].rc, PX_OK);
	assert_int_equal(res[0].index, size);
	check_refusal(&res[1], PX_EREFUSED, PX_CODE_DUPLICATE_LOT);
	assert_int_equal(res[2].rc, PX_OK);
	assert_int_equal(res[2].index, size + 1);
	assert_int_equal(res[3].rc, PX_OK);
	assert_int_equal(res[3].index, size + 2);
	assert_int_equal(pxt_log_size(fx->l), size + 3);
	author_state(fx, FARM, &seq_after, &last, &has_last);
	assert_int_equal(seq_after, seq_before + 1);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 1000000);
	assert_int_equal(pxt_holding(fx, "UZ-2026-F0042-002", FARM), 1000000);
	pxt_audit_intact(fx);
	forget_all(fx);
	for (int i = 0; i < 4; i++)
		free(leaf[i]);
}

/* A bad envelope in a batch is that entry's refusal: the batch commits
 * and the entries around it are logged (ledger.h: "a refused entry stores
 * nothing and the rest go on"). */
static void
test_batch_bad_envelope_is_isolated(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	static const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	struct px_append_result res[4];
	struct px_signed_entry env;
	struct px_refusal r = { 0 };
	struct craft c = { 0 };
	uint8_t *leaf[4] = { NULL };
	size_t lens[4], at;
	uint64_t size;

	assert_int_equal(pxt_sign(fx, &leaf[0], &lens[0], &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	/* The gin's entry with a byte of its signature flipped. */
	leaf[1] =
		craft(fx, &c, &lens[1],
		      "{'kind':'transfer','actor':'" GIN "','to':'" FARM
		      "','shipment':'WB-0','lots':[{'lot':'" LOT "','kg':1}]}");
	assert_int_equal(px_entry_open(&env, leaf[1], lens[1]), PX_OK);
	at = offset_in(leaf[1], lens[1], env.sig.b, PX_SIG_LEN);
	px_entry_close(&env);
	leaf[1][at + 9] ^= 0x04;
	leaf[2] = malloc(sizeof(garbage));
	assert_non_null(leaf[2]);
	memcpy(leaf[2], garbage, sizeof(garbage));
	lens[2] = sizeof(garbage);
	assert_int_equal(pxt_sign(fx, &leaf[3], &lens[3], &r,
				  "{\"kind\":\"transfer\",\"actor\":\"" FARM
				  "\",\"to\":\"" GIN "\",\"shipment\":"
				  "\"WB-1\",\"lots\":[{\"lot\":\"" LOT
				  "\",\"kg\":12000}]}"),
			 PX_OK);
	size = append_batch(fx, leaf, lens, 4, res);
	assert_int_equal(res[0].rc, PX_OK);
	assert_int_equal(res[0].index, size);
	check_refusal(&res[1], PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
	check_refusal(&res[2], PX_EREFUSED, PX_CODE_MALFORMED);
	assert_int_equal(res[3].rc, PX_OK);
	assert_int_equal(res[3].index, size + 1);
	assert_int_equal(pxt_log_size(fx->l), size + 2);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	forget_all(fx);
	for (int i = 0; i < 4; i++)
		free(leaf[i]);
}

/* An entry prepared on a verifier pool carries its signature's verdict
 * to the ledger: a forged one is refused, and stays refused when the same
 * entry is offered again. */
static void
test_prepared_bad_signature(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_verifier *pool = NULL;
	struct px_refusal r = { 0 };
	struct pxt_snapshot before;
	struct px_entry entry, *ptr = &entry;
	uint8_t *leaf = NULL;
	size_t len = 0;

	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":12000,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	leaf[len - 1] ^= 0x01; /* the last byte of the signature */
	assert_int_equal(px_verifier_new(&pool, 1), PX_OK);
	px_entry_init(&entry, leaf, len);
	assert_int_equal(px_verifier_run(pool, &ptr, 1, PX_ENTRY_ALL), PX_OK);
	assert_int_equal(entry.status, PX_EVERIFY);
	pxt_snapshot(fx, &before);
	for (int again = 0; again < 2; again++) {
		assert_int_equal(px_ledger_append(fx->l, &ptr, 1, fx->now),
				 PX_OK);
		check_refusal(&entry.result, PX_EVERIFY, PX_CODE_BAD_SIGNATURE);
		assert_unchanged(fx, &before);
	}
	px_entry_release(&entry);
	/* The genuine bytes, prepared on the pool, are logged. */
	leaf[len - 1] ^= 0x01;
	px_entry_init(&entry, leaf, len);
	assert_int_equal(px_verifier_run(pool, &ptr, 1, PX_ENTRY_ALL), PX_OK);
	assert_int_equal(px_ledger_append(fx->l, &ptr, 1, fx->now), PX_OK);
	assert_int_equal(entry.result.rc, PX_OK);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	px_entry_release(&entry);
	px_verifier_free(pool);
	free(leaf);
}

/* The same signed entry in other envelope bytes (an unknown field added,
 * the fields in another order) is still never stored twice: answered as a
 * duplicate, or refused as a replay of a used sequence number. */
static void
check_not_stored_twice(struct pxt_ledger *fx, const uint8_t *leaf, size_t len,
		       uint64_t index)
{
	struct px_append_result res;
	struct pxt_snapshot before;

	assert_int_equal(px_entry_verify_signed(leaf, len), PX_OK);
	pxt_snapshot(fx, &before);
	append_leaf(fx, leaf, len, fx->now, &res);
	if (res.rc == PX_OK) {
		assert_int_equal(res.duplicate, 1);
		assert_int_equal(res.index, index);
	} else {
		check_refusal(&res, PX_EREFUSED, PX_CODE_SEQUENCE);
	}
	assert_unchanged(fx, &before);
}

static size_t
put_field(uint8_t *out, uint8_t tag, const uint8_t *data, size_t n)
{
	size_t k = 0;

	out[k++] = tag;
	for (size_t v = n;; v >>= 7) {
		out[k++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		if (v <= 0x7f)
			break;
	}
	memcpy(out + k, data, n);
	return k + n;
}

static void
test_reencoded_envelope_not_stored_twice(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_signed_entry env;
	uint8_t *leaf, *other;
	size_t len, n;
	uint64_t at;

	at = harvest(fx, FARM, LOT, "12000");
	leaf = leaf_at(fx, at, &len);
	other = malloc(len + 16);
	assert_non_null(other);
	/* An unknown varint field 15 after the signature. */
	memcpy(other, leaf, len);
	other[len] = 0x78;
	other[len + 1] = 0x01;
	check_not_stored_twice(fx, other, len + 2, at);
	/* Signature, key, payload: the fields backwards. */
	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	n = put_field(other, 0x1a, env.sig.b, PX_SIG_LEN);
	n += put_field(other + n, 0x12, env.pub.b, PX_PUBKEY_LEN);
	n += put_field(other + n, 0x0a, env.payload, env.payload_len);
	px_entry_close(&env);
	assert_int_equal(n, len);
	assert_true(memcmp(other, leaf, len) != 0);
	check_not_stored_twice(fx, other, n, at);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	free(other);
	free(leaf);
}

/* ---- rule 3: custody ---- */

static void
test_transfer_not_holder(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "12000");
	/* The gin ships the farm's lot. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_NOT_HOLDER,
		       "{'kind':'transfer','actor':'" GIN "','to':'" FARM
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	/* The farm, after shipping all of it. */
	ship(fx, FARM, GIN, "WB-2", LOT, "12000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_NOT_HOLDER,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-3','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	/* The gin, while the lot is in transit to it. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_NOT_HOLDER,
		       "{'kind':'transfer','actor':'" GIN "','to':'" FARM
		       "','shipment':'WB-4','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 0);
}

static void
test_transfer_overspend(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "12000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':12000.001}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	/* A double spend: 8000 then 5000 of 12000. */
	ship(fx, FARM, GIN, "WB-1", LOT, "8000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-2','lots':[{'lot':'" LOT
		       "','kg':5000}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 4000000);
	/* One lot listed twice, each line within the holding. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MALFORMED,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-2','lots':[{'lot':'" LOT
		       "','kg':3000},{'lot':'" LOT "','kg':3000}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 4000000);
	/* A second lot fine, the first over: nothing moves. */
	harvest(fx, FARM, "UZ-2026-F0042-002", "100");
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-2','lots':[{'lot':"
		       "'UZ-2026-F0042-002','kg':100},{'lot':'" LOT
		       "','kg':4000.5}]}");
	assert_int_equal(pxt_holding(fx, "UZ-2026-F0042-002", FARM), 100000);
	/* Exactly what it holds goes. */
	ship(fx, FARM, GIN, "WB-2", LOT, "4000");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
}

static void
test_transfer_bad_consignee_or_shipment(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "12000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'transfer','actor':'" FARM
		       "','to':'uz.gin.ghost','shipment':'WB-1','lots':[{'lot':"
		       "'" LOT "','kg':1}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_MALFORMED,
		       "{'kind':'transfer','actor':'" FARM "','to':'" FARM
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	ship(fx, FARM, GIN, "WB-1", LOT, "1");
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_SHIPMENT,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','event_id':'second','lots':[{"
		       "'lot':'" LOT "','kg':1}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 11999000);
}

static void
test_transfer_moves_kg(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "12000");
	ship(fx, FARM, GIN, "WB-1", LOT, "5000");
	/* In transit: out of the sender, not yet the consignee's. */
	assert_int_equal(pxt_holding(fx, LOT, FARM), 7000000);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 0);
	receive(fx, GIN, "WB-1", LOT, "5000");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 7000000);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 5000000);
	/* A second shipment adds to what the gin holds. */
	ship(fx, FARM, GIN, "WB-2", LOT, "7000");
	receive(fx, GIN, "WB-2", LOT, "6999.5");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 11999500);
	/* And the gin ships on what it received. */
	pxt_register(fx, FARM2, "farm", REGION, DISTRICT);
	ship(fx, GIN, FARM2, "WB-3", LOT, "11999.5");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 0);
}

static void
test_receive_less_than_shipped(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	harvest(fx, FARM, LOT, "12000");
	ship(fx, FARM, GIN, "WB-1", LOT, "12000");
	receive(fx, GIN, "WB-1", LOT, "11980");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 11980000);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	/* What went missing in transit cannot be spent by anyone. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transfer','actor':'" GIN "','to':'" FARM
		       "','shipment':'WB-2','lots':[{'lot':'" LOT
		       "','kg':11981}]}");
}

static void
test_receive_refusals(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	pxt_register(fx, SPINNER, "spinner", REGION, DISTRICT);
	harvest(fx, FARM, LOT, "12000");
	harvest(fx, FARM, "UZ-2026-F0042-002", "10");
	ship(fx, FARM, GIN, "WB-1", LOT, "12000");

	/* By someone who is not the consignee: the spinner, the sender. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'receive','actor':'" SPINNER
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':12000}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'receive','actor':'" FARM
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':12000}]}");
	/* More than shipped, past the 0.5 % transit gain (60 kg). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_WEIGHT,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':12060.001}]}");
	/* A lot the shipment does not carry. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':"
		       "'UZ-2026-F0042-002','kg':10}]}");
	/* An unknown shipment. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_SHIPMENT,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-404','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 0);
	assert_int_equal(pxt_holding(fx, LOT, SPINNER), 0);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);

	/* Twice: the second would credit the same kg again. */
	receive(fx, GIN, "WB-1", LOT, "12000");
	/* (the same event again is already logged: a second receive is a
	 * new event, with its own event_id) */
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-1','event_id':'second','lots':[{"
		       "'lot':'" LOT "','kg':12000}]}");
	/* Also after a short first receipt (within the 2 % loss). */
	ship(fx, FARM, GIN, "WB-2", "UZ-2026-F0042-002", "10");
	receive(fx, GIN, "WB-2", "UZ-2026-F0042-002", "9.9");
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-2','lots':[{'lot':"
		       "'UZ-2026-F0042-002','kg':6}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 12000000);
	assert_int_equal(pxt_holding(fx, "UZ-2026-F0042-002", GIN), 9900);
}

static void
test_transform_custody(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	lot_at_gin(fx);
	/* More than it holds (it received 11980 of 12000). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'ginning','inputs':[{'lot':'" LOT
		       "','kg':12000}],'outputs':[{'lot':'PBI-1','kg':227,"
		       "'product':'lint'}]}");
	/* One lot listed twice, each line within the holding. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MALFORMED,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'ginning','inputs':[{'lot':'" LOT
		       "','kg':10000},{'lot':'" LOT "','kg':10000}],"
		       "'outputs':[{'lot':'PBI-1','kg':9000,"
		       "'product':'lint'}]}");
	/* A lot it does not hold. */
	harvest(fx, FARM, "UZ-2026-F0042-002", "1000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_NOT_HOLDER,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'ginning','inputs':[{'lot':"
		       "'UZ-2026-F0042-002','kg':1000}],'outputs':[{'lot':"
		       "'PBI-1','kg':227,'product':'lint'}]}");
	assert_null(lot_record(fx, "PBI-1"));
	assert_int_equal(pxt_holding(fx, LOT, GIN), 11980000);
	/* Consumes what it says. */
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN
		   "','process':'ginning','inputs':[{'lot':'" LOT
		   "','kg':11000}],'outputs':[{'lot':'PBI-1','kg':227,"
		   "'product':'lint'},{'lot':'SEED-1','kg':6500,"
		   "'product':'cottonseed'}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 980000);
	assert_int_equal(pxt_holding(fx, "PBI-1", GIN), 227000);
	assert_int_equal(pxt_holding(fx, "SEED-1", GIN), 6500000);
	expect_refused(fx, PX_EREFUSED, PX_CODE_OVERSPEND,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'ginning','inputs':[{'lot':'" LOT
		       "','kg':980.001}],'outputs':[{'lot':'PBI-2','kg':227,"
		       "'product':'lint'}]}");
}

/* An output's product is a protobuf enum: a number no name stands for is
 * refused as malformed, with the number, never printed as "(null)". */
static void
test_unknown_product_number(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_signed_entry env;
	struct px_append_result res;
	struct px_refusal r = { 0 };
	struct pxt_snapshot before;
	Paxta__Entry *body = NULL;
	uint8_t *leaf = NULL, *payload = NULL, *forged = NULL;
	const uint8_t *leaf_c;
	size_t len = 0, plen = 0, flen = 0;

	lot_at_gin(fx);
	assert_int_equal(
		pxt_sign(fx, &leaf, &len, &r,
			 "{\"kind\":\"transform\",\"actor\":\"" GIN
			 "\",\"process\":\"ginning\",\"inputs\":[{\"lot\":"
			 "\"" LOT "\",\"kg\":1000}],\"outputs\":[{\"lot\":"
			 "\"PBI-99\",\"kg\":227,\"product\":\"lint\"}]}"),
		PX_OK);
	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	assert_int_equal(
		px_entry_body_decode(&body, env.payload, env.payload_len),
		PX_OK);
	body->transform->outputs[0]->product = (Paxta__Product)99;
	assert_int_equal(px_entry_body_encode(&payload, &plen, body), PX_OK);
	assert_int_equal(
		px_entry_seal(&forged, &flen, payload, plen, pxt_key(fx, GIN)),
		PX_OK);
	pxt_snapshot(fx, &before);
	leaf_c = forged;
	assert_int_equal(pxt_append(fx->l, &leaf_c, &flen, 1, fx->now, &res),
			 PX_OK);
	check_refusal(&res, PX_EREFUSED, PX_CODE_MALFORMED);
	assert_non_null(strstr(res.refusal.message, "product number 99"));
	assert_unchanged(fx, &before);
	px_entry_body_free(body);
	px_entry_close(&env);
	free(payload);
	free(forged);
	free(leaf);
}

/* ---- rule 4: mass balance ---- */

/* A ledger with MILL (every making role) holding 1000 kg of seed cotton
 * "SC-1". */
static struct pxt_ledger *
mill(void **state, const struct px_policy *policy)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(policy, GENESIS_T);

	*state = fx;
	fx->now = NOW;
	pxt_register(fx, MILL, "farm,gin,spinner,weaver,manufacturer", REGION,
		     DISTRICT);
	harvest(fx, MILL, "SC-1", "1000");
	return fx;
}

static void
test_mass_balance_outputs_heavier(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'L-1','kg':400,"
		       "'product':'lint'},{'lot':'S-1','kg':600.001,"
		       "'product':'cottonseed'}]}");
	/* By-products alone, heavier than the input. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':100}],'outputs':[{'lot':'S-1','kg':80,"
		       "'product':'cottonseed'},{'lot':'W-1','kg':21,"
		       "'product':'waste'}]}");
	assert_null(lot_record(fx, "L-1"));
	assert_null(lot_record(fx, "S-1"));
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 1000000);
	/* Exactly the input's mass is fine. */
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-1','kg':400,"
		   "'product':'lint'},{'lot':'S-1','kg':600,"
		   "'product':'cottonseed'}]}");
}

static void
test_mass_balance_ginning_cap(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	/* 0.45 of 1000 kg is 450 kg: one gram more is over. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'L-1','kg':450.001,"
		       "'product':'lint'},{'lot':'S-1','kg':500,"
		       "'product':'cottonseed'}]}");
	/* Split over two lint lots. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'L-1','kg':225,"
		       "'product':'lint'},{'lot':'L-2','kg':225.001,"
		       "'product':'lint'}]}");
	assert_null(lot_record(fx, "L-1"));
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 1000000);
	/* Exactly at the cap. */
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-1','kg':225,"
		   "'product':'lint'},{'lot':'L-2','kg':225,"
		   "'product':'lint'},{'lot':'S-1','kg':540,"
		   "'product':'cottonseed'},{'lot':'W-1','kg':10,"
		   "'product':'waste'}]}");
	assert_int_equal(pxt_holding(fx, "L-1", MILL), 225000);
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 0);
}

static void
test_mass_balance_custom_policy(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	px_policy_default(&policy);
	policy.ginning_ppm = 400000;
	policy.spinning_ppm = 900000;
	fx = mill(state, &policy);
	assert_int_equal(px_ledger_policy(fx->l)->ginning_ppm, 400000);
	/* Under the default cap, over this ledger's. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'L-1','kg':400.001,"
		       "'product':'lint'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-1','kg':400,"
		   "'product':'lint'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'L-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-1','kg':90.001,"
		       "'product':'yarn'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'spinning','inputs':[{'lot':'L-1',"
		   "'kg':100}],'outputs':[{'lot':'Y-1','kg':90,"
		   "'product':'yarn'}]}");
	/* The policy is the genesis's: it survives a reopen. */
	pxt_ledger_reopen(fx);
	fx->now = NOW;
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'L-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-2','kg':90.001,"
		       "'product':'yarn'}]}");
}

/* Every process's default cap, at the cap and one gram over:
 * spinning 0.95, weaving 0.98, knitting 0.98, making 0.95. */
static void
test_mass_balance_process_caps(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-1','kg':450,"
		   "'product':'lint'}]}");
	/* Spinning: 400 kg of lint makes at most 380 kg of yarn. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'L-1',"
		       "'kg':400}],'outputs':[{'lot':'Y-1','kg':380.001,"
		       "'product':'yarn'}]}");
	assert_int_equal(pxt_holding(fx, "L-1", MILL), 450000);
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'spinning','inputs':[{'lot':'L-1',"
		   "'kg':400}],'outputs':[{'lot':'Y-1','kg':380,"
		   "'product':'yarn'},{'lot':'W-1','kg':20,"
		   "'product':'waste'}]}");
	/* Weaving: 200 kg of yarn, at most 196 kg of fabric. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'weaving','inputs':[{'lot':'Y-1',"
		       "'kg':200}],'outputs':[{'lot':'F-1','kg':196.001,"
		       "'product':'fabric'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'weaving','inputs':[{'lot':'Y-1',"
		   "'kg':200}],'outputs':[{'lot':'F-1','kg':196,"
		   "'product':'fabric'}]}");
	/* Knitting: 180 kg of yarn, at most 176.4 kg. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'knitting','inputs':[{'lot':'Y-1',"
		       "'kg':180}],'outputs':[{'lot':'F-2','kg':176.401,"
		       "'product':'fabric'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'knitting','inputs':[{'lot':'Y-1',"
		   "'kg':180}],'outputs':[{'lot':'F-2','kg':176.4,"
		   "'product':'fabric'}]}");
	/* Making: 196 kg of fabric, at most 186.2 kg of garments. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'making','inputs':[{'lot':'F-1',"
		       "'kg':196}],'outputs':[{'lot':'G-1','kg':186.201,"
		       "'product':'garment'}]}");
	assert_int_equal(pxt_holding(fx, "F-1", MILL), 196000);
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'making','inputs':[{'lot':'F-1',"
		   "'kg':196}],'outputs':[{'lot':'G-1','kg':186.2,"
		   "'product':'garment'}]}");
	assert_int_equal(pxt_holding(fx, "G-1", MILL), 186200);
}

/* The cap is on the mass consumed by the whole transform: two inputs. */
static void
test_mass_balance_several_inputs(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	harvest(fx, MILL, "SC-2", "500");
	expect_refused(fx, PX_EREFUSED, PX_CODE_MASS_BALANCE,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000},{'lot':'SC-2','kg':500}],'outputs':[{'lot':"
		       "'L-1','kg':675.001,'product':'lint'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000},{'lot':'SC-2','kg':500}],'outputs':[{'lot':"
		   "'L-1','kg':675,'product':'lint'}]}");
}

/* ---- rule 5: lots, products, time ---- */

static void
test_duplicate_lot(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	/* A harvest reusing a lot id: its own, or another farm's. */
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		"{'kind':'harvest','actor':'" MILL
		"','lot':'SC-1','kg':5,'season':2026,'district':'" DISTRICT
		"','method':'machine','harvested_at':'" HARVESTED "'}");
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		"{'kind':'harvest','actor':'" FARM
		"','lot':'SC-1','kg':5,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 1000000);
	assert_int_equal(pxt_holding(fx, "SC-1", FARM), 0);
	harvest(fx, MILL, "SC-2", "100");
	/* A transform output reusing an existing lot's id... */
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'SC-2','kg':400,"
		       "'product':'lint'}]}");
	/* ... its own input's ... */
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'SC-1','kg':400,"
		       "'product':'lint'}]}");
	/* ... or the same new id twice. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':1000}],'outputs':[{'lot':'L-1','kg':400,"
		       "'product':'lint'},{'lot':'L-1','kg':500,"
		       "'product':'cottonseed'}]}");
	assert_int_equal(pxt_holding(fx, "SC-2", MILL), 100000);
	assert_null(lot_record(fx, "L-1"));
	/* Made once, an output id is taken for good. */
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':500}],'outputs':[{'lot':'L-1','kg':200,"
		   "'product':'lint'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','event_id':'second','inputs':[{"
		       "'lot':'SC-1','kg':500}],'outputs':[{'lot':'L-1',"
		       "'kg':200,'product':'lint'}]}");
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_DUPLICATE_LOT,
		"{'kind':'harvest','actor':'" MILL
		"','lot':'L-1','kg':5,'season':2026,'district':'" DISTRICT
		"','method':'hand','harvested_at':'2026-09-21T08:00:00Z'}");
}

static void
test_wrong_product(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);
	Paxta__LotRecord *lot;

	/* Spinning seed cotton. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'SC-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-1','kg':50,"
		       "'product':'yarn'}]}");
	/* Ginning that makes yarn. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-1','kg':40,"
		       "'product':'yarn'}]}");
	/* Ginning that makes more seed cotton (a product changing type
	 * would follow). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':100}],'outputs':[{'lot':'SC-9','kg':40,"
		       "'product':'seed_cotton'}]}");
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-1','kg':450,"
		   "'product':'lint'},{'lot':'S-1','kg':500,"
		   "'product':'cottonseed'}]}");
	/* Ginning lint; weaving lint; spinning cottonseed. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'L-1',"
		       "'kg':100}],'outputs':[{'lot':'L-2','kg':40,"
		       "'product':'lint'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'weaving','inputs':[{'lot':'L-1',"
		       "'kg':100}],'outputs':[{'lot':'F-1','kg':40,"
		       "'product':'fabric'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'S-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-1','kg':40,"
		       "'product':'yarn'}]}");
	/* One right input and one wrong one. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_PRODUCT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'L-1',"
		       "'kg':100},{'lot':'S-1','kg':100}],'outputs':[{'lot':"
		       "'Y-1','kg':40,'product':'yarn'}]}");
	assert_int_equal(pxt_holding(fx, "L-1", MILL), 450000);
	assert_int_equal(pxt_holding(fx, "S-1", MILL), 500000);
	lot = lot_record(fx, "L-1");
	assert_non_null(lot);
	assert_int_equal(lot->product, PAXTA__PRODUCT__PRODUCT_LINT);
	px_state_free(lot);
}

static void
test_unknown_lot(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);

	pxt_register(fx, LAB, "lab", REGION, DISTRICT);
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-404',"
		       "'kg':100}],'outputs':[{'lot':'L-1','kg':40,"
		       "'product':'lint'}]}");
	/* An unknown lot beside a known one. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'ginning','inputs':[{'lot':'SC-1',"
		       "'kg':100},{'lot':'SC-404','kg':100}],'outputs':[{'lot':"
		       "'L-1','kg':40,'product':'lint'}]}");
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'transfer','actor':'" MILL "','to':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'SC-404',"
		       "'kg':1}]}");
	expect_refused(
		fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		"{'kind':'lab_result','actor':'" LAB
		"','lot':'SC-404','matches':false,'claimed_region':'" REGION
		"'}");
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 1000000);
}

static void
test_time_before_consumed_lot(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__LotRecord *lot;

	pxt_register(fx, MILL, "gin", REGION, DISTRICT);
	/* Each author's own times run forward (rule 5), so the farm records
	 * its harvest the day it picked it. */
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':12000,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':'" HARVESTED
		   "','time':'" HARVESTED "'}");
	/* A harvest lot is as old as its picking, not its entry. */
	lot = lot_record(fx, LOT);
	assert_non_null(lot);
	assert_int_equal(lot->time, HARVESTED_T);
	px_state_free(lot);
	/* A transfer dated before the lot was picked. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','time':'" BEFORE_HARVEST
		       "','lots':[{'lot':'" LOT "','kg':100}]}");
	/* One second before. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','time':'2026-09-21T07:59:59Z',"
		       "'lots':[{'lot':'" LOT "','kg':100}]}");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	/* At that very second is fine. */
	pxt_ok(fx, "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		   "','shipment':'WB-1','time':'" HARVESTED
		   "','lots':[{'lot':'" LOT "','kg':6000}]}");
	/* A receive dated before the dispatch. */
	ship(fx, FARM, MILL, "WB-2", LOT, "6000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'receive','actor':'" MILL
		       "','shipment':'WB-2','time':'2026-10-01T12:29:59Z',"
		       "'lots':[{'lot':'" LOT "','kg':6000}]}");
	assert_int_equal(pxt_holding(fx, LOT, MILL), 0);
	pxt_ok(fx, "{'kind':'receive','actor':'" GIN
		   "','shipment':'WB-1','time':'2026-09-22T00:00:00Z',"
		   "'lots':[{'lot':'" LOT "','kg':6000}]}");
	/* A transform dated before its input was picked. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'transform','actor':'" GIN
		       "','process':'ginning','time':'" BEFORE_HARVEST
		       "','inputs':[{'lot':'" LOT "','kg':1000}],'outputs':[{"
		       "'lot':'PBI-1','kg':400,'product':'lint'}]}");
	assert_int_equal(pxt_holding(fx, LOT, GIN), 6000000);
	pxt_ok(fx, "{'kind':'transform','actor':'" GIN
		   "','process':'ginning','time':'2026-09-30T00:00:00Z',"
		   "'inputs':[{'lot':'" LOT "','kg':1000}],'outputs':[{"
		   "'lot':'PBI-1','kg':400,'product':'lint'}]}");
	/* Shipping the lint before it was ginned. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'transfer','actor':'" GIN "','to':'" FARM
		       "','shipment':'WB-3','time':'2026-09-29T23:59:59Z',"
		       "'lots':[{'lot':'PBI-1','kg':1}]}");
	assert_int_equal(pxt_holding(fx, "PBI-1", GIN), 400000);
}

static void
test_time_skew(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(NULL, GENESIS_T);
	struct px_append_result res;
	struct px_refusal r = { 0 };
	struct pxt_snapshot before;
	uint8_t *leaf = NULL;
	size_t len = 0;

	/* The world of world(), registered well before NOW: the node's
	 * clock never runs back past its last leaf (it would be taken as
	 * that leaf's time), so the clock behind the author's below must
	 * still be after it. */
	*state = fx;
	fx->now = NOW - 1000;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(fx, GIN, "gin", REGION, DISTRICT);
	fx->now = NOW;

	/* NOW + 301 s is more than the default 300 s ahead. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':'" HARVESTED
		       "','time':'2026-10-01T12:35:01Z'}");
	/* A lot picked in the future. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':"
		       "'2026-10-02T00:00:00Z'}");
	assert_null(lot_record(fx, LOT));
	/* The node's clock behind the author's: signed at NOW, appended on a
	 * clock 301 s behind. */
	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":100,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	pxt_snapshot(fx, &before);
	append_leaf(fx, leaf, len, NOW - 301, &res);
	check_refusal(&res, PX_EREFUSED, PX_CODE_TIME);
	assert_unchanged(fx, &before);
	/* 300 s behind is within the skew: the same leaf goes in. */
	append_leaf(fx, leaf, len, NOW - 300, &res);
	assert_int_equal(res.rc, PX_OK);
	assert_int_equal(res.duplicate, 0);
	free(leaf);
	/* Exactly at the skew is fine. */
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM
		   "','lot':'UZ-2026-F0042-002','kg':100,'season':2026,"
		   "'district':'" DISTRICT "','method':'hand','harvested_at':"
		   "'" HARVESTED "','time':'2026-10-01T12:35:00Z'}");
}

/* Rule 5 for harvests: picked before it is recorded. */
static void
test_harvest_time(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	/* Harvested after the entry's own time. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':'" HARVESTED
		       "','time':'2026-09-20T00:00:00Z'}");
	assert_null(lot_record(fx, LOT));
}

/* Seasons from the calendar (DESIGN.md §3.4): the season follows from
 * harvested_at, which every harvest carries. */
static void
test_harvest_season(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	/* No harvested_at: a lot could name any season. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_MALFORMED,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2025,'district':'" DISTRICT
		       "','method':'hand'}");
	/* Picked on 1 October 2026, declared 2025 (a certified year). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_SEASON,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2025,'district':'" DISTRICT
		       "','method':'hand','harvested_at':"
		       "'2026-10-01T08:00:00Z'}");
	/* Years before its season. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_SEASON,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':"
		       "'2019-09-21T08:00:00Z'}");
	/* Outside the default calendar (20 August to 31 December). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_SEASON,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':"
		       "'2026-06-10T08:00:00Z'}");
	assert_null(lot_record(fx, LOT));
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':100,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':'2026-08-20T06:00:00Z'}");
}

/* A calendar that runs past New Year belongs to the year it starts in. */
static void
test_harvest_calendar_wraps(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	px_policy_default(&policy);
	policy.harvest_from = 1001;
	policy.harvest_until = 131;
	fx = pxt_ledger_new(&policy);
	*state = fx;
	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	expect_refused(fx, PX_EREFUSED, PX_CODE_SEASON,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':'" HARVESTED "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_SEASON,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':"
		       "'2026-01-10T08:00:00Z'}");
	assert_null(lot_record(fx, LOT));
	/* January 2026 is the 2025 season's. */
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':100,'season':2025,'district':'" DISTRICT
		   "','method':'hand','harvested_at':'2026-01-10T08:00:00Z'}");
}

/* A farm harvests in the district it is registered in. */
static void
test_harvest_origin(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	expect_refused(fx, PX_EREFUSED, PX_CODE_ORIGIN,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'UZ-QR-NKS',"
		       "'method':'hand','harvested_at':'" HARVESTED "'}");
	assert_null(lot_record(fx, LOT));
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':100,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':'" HARVESTED "'}");
}

static void
test_time_skew_policy(void **state)
{
	struct px_policy policy;
	struct pxt_ledger *fx;

	px_policy_default(&policy);
	policy.max_skew_s = 60;
	fx = pxt_ledger_new_at(&policy, GENESIS_T);
	*state = fx;
	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	expect_refused(fx, PX_EREFUSED, PX_CODE_TIME,
		       "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		       "','kg':100,'season':2026,'district':'" DISTRICT
		       "','method':'hand','harvested_at':'" HARVESTED
		       "','time':'2026-10-01T12:31:01Z'}");
	pxt_ok(fx, "{'kind':'harvest','actor':'" FARM "','lot':'" LOT
		   "','kg':100,'season':2026,'district':'" DISTRICT
		   "','method':'hand','harvested_at':'" HARVESTED
		   "','time':'2026-10-01T12:31:00Z'}");
}

/* ---- rule 6: monitors attest, registrars change actors ---- */

static void
test_only_monitors_attest(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);

	pxt_register(fx, MONITOR, "monitor", REGION, DISTRICT);
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'attest','actor':'" FARM
		       "','subject':'farm:" FARM
		       "','season':2026,'status':'certified','indicators':[]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'attest','actor':'" GIN
		       "','subject':'country:UZ','season':2026,"
		       "'status':'certified','indicators':[]}");
	/* Not even a registrar. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'attest','actor':'" PXT_REGISTRAR
		       "','subject':'district:" DISTRICT "','season':2026,"
		       "'status':'certified','indicators':[]}");
	pxt_ok(fx,
	       "{'kind':'attest','actor':'" MONITOR "','subject':'farm:" FARM
	       "','season':2026,'status':'forced_labour','indicators':["
	       "'coercion'],'report_uri':'https://example.org/r.pdf',"
	       "'report_sha256':'" HEX "'}");
	/* About a farm nobody registered. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'attest','actor':'" MONITOR
		       "','subject':'farm:uz.farm.ghost','season':2026,"
		       "'status':'certified','indicators':[]}");
}

static void
test_only_registrars_change_actors(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	char pub[45];

	pxt_register(fx, MONITOR, "monitor", REGION, DISTRICT);
	/* Register: by a farm, by a monitor. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'register_actor','actor':'" FARM
		       "','subject':{'id':'uz.gin.new','name':'New Gin',"
		       "'roles':['gin'],'region':'" REGION
		       "','public_key':'%s'}}",
		       pubkey_b64(fx, "uz.gin.new", pub));
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'register_actor','actor':'" MONITOR
		       "','subject':{'id':'uz.gin.new','name':'New Gin',"
		       "'roles':['registrar'],'public_key':'%s'}}",
		       pubkey_b64(fx, "uz.gin.new", pub));
	/* Update: a farm making itself a gin (and a monitor). */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'update_actor','actor':'" FARM
		       "','subject':{'id':'" FARM "','name':'Farm 42',"
		       "'roles':['farm','gin','monitor'],'region':'" REGION
		       "','district':'" DISTRICT "'}}");
	/* Or changing the gin. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'update_actor','actor':'" FARM
		       "','subject':{'id':'" GIN "','name':'Gin',"
		       "'roles':['warehouse']}}");
	/* Revoke: a farm revoking the gin, a monitor revoking the farm,
	 * a farm revoking itself. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'revoke_actor','actor':'" FARM
		       "','subject':'" GIN "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'revoke_actor','actor':'" MONITOR
		       "','subject':'" FARM "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'revoke_actor','actor':'" FARM
		       "','subject':'" FARM "'}");
	/* Rotate another actor's key. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_ROLE_DENIED,
		       "{'kind':'rotate_key','actor':'" FARM "','subject':'" GIN
		       "','public_key':'%s'}",
		       pubkey_b64(fx, "stolen", pub));

	/* The registrar may; and not twice, nor on nobody. */
	pxt_ok(fx,
	       "{'kind':'register_actor','actor':'" PXT_REGISTRAR
	       "','subject':{'id':'uz.gin.new','name':'New Gin',"
	       "'roles':['gin'],'region':'" REGION "','public_key':'%s'}}",
	       pubkey_b64(fx, "uz.gin.new", pub));
	expect_refused(fx, PX_EREFUSED, PX_CODE_DUPLICATE_ACTOR,
		       "{'kind':'register_actor','actor':'" PXT_REGISTRAR
		       "','event_id':'second',"
		       "'subject':{'id':'uz.gin.new','name':'New Gin',"
		       "'roles':['gin'],'region':'" REGION
		       "','public_key':'%s'}}",
		       pubkey_b64(fx, "uz.gin.new", pub));
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'update_actor','actor':'" PXT_REGISTRAR
		       "','subject':{'id':'uz.ghost','name':'Ghost',"
		       "'roles':['gin']}}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
		       "','subject':'uz.ghost'}");
	pxt_ok(fx, "{'kind':'update_actor','actor':'" PXT_REGISTRAR
		   "','subject':{'id':'" FARM "','name':'Farm 42',"
		   "'roles':['farm','gin'],'region':'" REGION
		   "','district':'" DISTRICT "'}}");
	pxt_ok(fx, "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
		   "','subject':'" GIN "'}");
}

static void
test_rotate_key_by_self(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_seckey old_key, new_key;
	struct craft c = { 0 };
	uint8_t *leaf, *before_leaf;
	size_t len, before_len;
	uint64_t at;
	char pub[45];

	at = harvest(fx, FARM, LOT, "12000");
	before_leaf = leaf_at(fx, at, &before_len);
	old_key = *pxt_key(fx, FARM);
	assert_int_equal(px_key_generate(&new_key), PX_OK);
	assert_int_equal(px_pubkey_to_base64(pub, &new_key.pub), PX_OK);
	/* Signed by the old key, naming itself implicitly. */
	pxt_ok(fx, "{'kind':'rotate_key','actor':'" FARM "','public_key':'%s'}",
	       pub);
	set_key(fx, FARM, &new_key);

	/* The old key's entries are refused from now on. */
	c.key = &old_key;
	leaf = craft(fx, &c, &len,
		     "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		     "','shipment':'WB-1','lots':[{'lot':'" LOT
		     "','kg':100}]}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	/* Including a rotation back to a key of the thief's choosing. */
	leaf = craft(fx, &c, &len,
		     "{'kind':'rotate_key','actor':'" FARM
		     "','public_key':'%s'}",
		     pubkey_b64(fx, "thief", pub));
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);

	/* The new key's go in. */
	ship(fx, FARM, GIN, "WB-1", LOT, "100");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 11900000);
	/* What the old key signed before stays: same leaf, still valid, a
	 * replay still answered with its index. */
	leaf = leaf_at(fx, at, &len);
	assert_int_equal(len, before_len);
	assert_memory_equal(leaf, before_leaf, len);
	assert_int_equal(px_entry_verify_signed(leaf, len), PX_OK);
	free(leaf);
	{
		struct px_append_result res;

		append_leaf(fx, before_leaf, before_len, fx->now, &res);
		assert_int_equal(res.rc, PX_OK);
		assert_int_equal(res.duplicate, 1);
		assert_int_equal(res.index, at);
	}
	free(before_leaf);
	assert_audit_intact(fx);
	px_key_wipe(&old_key);
	px_key_wipe(&new_key);
}

static void
test_rotate_key_by_registrar(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_seckey old_key, new_key;
	struct craft c = { 0 };
	uint8_t *leaf;
	size_t len;
	char pub[45];

	harvest(fx, FARM, LOT, "12000");
	old_key = *pxt_key(fx, FARM);
	assert_int_equal(px_key_generate(&new_key), PX_OK);
	assert_int_equal(px_pubkey_to_base64(pub, &new_key.pub), PX_OK);
	/* After a compromise the registrar gives the farm a new key. */
	pxt_ok(fx,
	       "{'kind':'rotate_key','actor':'" PXT_REGISTRAR
	       "','subject':'" FARM "','public_key':'%s'}",
	       pub);
	c.key = &old_key;
	leaf = craft(fx, &c, &len,
		     "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		     "','shipment':'WB-1','lots':[{'lot':'" LOT
		     "','kg':12000}]}");
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	/* Nor can the old key rotate itself back. */
	leaf = craft(fx, &c, &len,
		     "{'kind':'rotate_key','actor':'" FARM
		     "','public_key':'%s'}",
		     pubkey_b64(fx, "thief", pub));
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_BAD_SIGNATURE);
	free(leaf);
	set_key(fx, FARM, &new_key);
	ship(fx, FARM, GIN, "WB-1", LOT, "12000");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	/* A revoked actor's key is not rotated. */
	pxt_ok(fx, "{'kind':'revoke_actor','actor':'" PXT_REGISTRAR
		   "','subject':'" GIN "'}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_REVOKED,
		       "{'kind':'rotate_key','actor':'" PXT_REGISTRAR
		       "','subject':'" GIN "','public_key':'%s'}",
		       pubkey_b64(fx, "fresh", pub));
	/* Nor an unknown one's. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'rotate_key','actor':'" PXT_REGISTRAR
		       "','subject':'uz.ghost','public_key':'%s'}",
		       pubkey_b64(fx, "fresh", pub));
	assert_audit_intact(fx);
	px_key_wipe(&old_key);
	px_key_wipe(&new_key);
}

/* ---- void ---- */

static void
test_void_untouched_harvest(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__LotRecord *lot;
	uint64_t at, voided_at;

	at = harvest(fx, FARM, LOT, "1200");
	assert_int_equal(origins(fx), 1);
	voided_at = pxt_ok(fx,
			   "{'kind':'void','actor':'" FARM
			   "','entry':%llu,'reason':'typo in kg'}",
			   (unsigned long long)at);
	lot = lot_record(fx, LOT);
	assert_non_null(lot);
	assert_true(lot->voided);
	assert_int_equal(lot->voided_at, voided_at);
	px_state_free(lot);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
	assert_int_equal(origins(fx), 0);
	/* Both stay in history: the harvest leaf is still there. */
	assert_true(pxt_log_size(fx->l) > voided_at);
	/* A voided lot is gone for every purpose. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'transfer','actor':'" FARM "','to':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':1}]}");
	/* Voided again: refused, nothing changes. */
	{
		struct px_append_result res;
		struct pxt_snapshot before;

		pxt_snapshot(fx, &before);
		pxt_submit(fx, &res,
			   "{\"kind\":\"void\",\"actor\":\"" FARM
			   "\",\"entry\":%llu}",
			   (unsigned long long)at);
		assert_int_equal(res.rc, PX_EREFUSED);
		assert_true(res.refusal.code == PX_CODE_VOID_DENIED ||
			    res.refusal.code == PX_CODE_UNKNOWN_LOT);
		assert_unchanged(fx, &before);
	}
}

static void
test_void_by_hash(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	struct px_append_result res;
	char hex[2 * PX_HASH_LEN + 1];
	Paxta__LotRecord *lot;

	assert_int_equal(pxt_submit(fx, &res,
				    "{\"kind\":\"harvest\",\"actor\":\"" FARM
				    "\",\"lot\":\"" LOT "\",\"kg\":10,"
				    "\"season\":2026,\"district\":\"" DISTRICT
				    "\",\"method\":\"hand\",\"harvested_at\":"
				    "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	px_hex_encode(hex, res.entry_hash.b, PX_HASH_LEN);
	pxt_ok(fx, "{'kind':'void','actor':'" FARM "','entry':'%s'}", hex);
	lot = lot_record(fx, LOT);
	assert_non_null(lot);
	assert_true(lot->voided);
	px_state_free(lot);
}

static void
test_void_denied(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	uint64_t at, reg_at, shipped_at, other_at;

	pxt_register(fx, FARM2, "farm", REGION, DISTRICT);
	at = harvest(fx, FARM, LOT, "12000");
	other_at = harvest(fx, FARM2, "UZ-2026-F0043-001", "10");
	/* Another actor's entry: the farm voiding its neighbour's harvest,
	 * the registrar voiding it. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)other_at);
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" PXT_REGISTRAR
		       "','entry':%llu}",
		       (unsigned long long)other_at);
	assert_int_equal(pxt_holding(fx, "UZ-2026-F0043-001", FARM2), 10000);
	/* The genesis, itself and later entries. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':0}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)pxt_log_size(fx->l));
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)pxt_log_size(fx->l) + 10);
	/* A kind that cannot be voided: the registrar's registration. */
	reg_at = registered_at(fx, FARM);
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" PXT_REGISTRAR
		       "','entry':%llu}",
		       (unsigned long long)reg_at);
	/* A harvest part of which was shipped. */
	shipped_at = ship(fx, FARM, GIN, "WB-1", LOT, "1000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)at);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 11000000);
	/* A harvest shipped whole and received: still denied. */
	receive(fx, GIN, "WB-1", LOT, "1000");
	ship(fx, FARM, GIN, "WB-2", LOT, "11000");
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)at);
	/* A received transfer. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)shipped_at);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 1000000);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 0);
}

/* A harvest something was made from cannot be voided, nor a transform
 * whose output was used since. */
static void
test_void_transform(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);
	uint64_t ginned_at;

	ginned_at = pxt_ok(fx, "{'kind':'transform','actor':'" MILL
			       "','process':'ginning','inputs':[{'lot':"
			       "'SC-1','kg':600}],'outputs':[{'lot':'L-1',"
			       "'kg':250,'product':'lint'}]}");
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 400000);
	/* The harvest has been built on. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" MILL "','entry':%llu}",
		       (unsigned long long)created_at(fx, "SC-1"));
	/* The transform's output spun: the transform is built on. */
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'spinning','inputs':[{'lot':'L-1',"
		   "'kg':100}],'outputs':[{'lot':'Y-1','kg':90,"
		   "'product':'yarn'}]}");
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" MILL "','entry':%llu}",
		       (unsigned long long)ginned_at);
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 400000);
	assert_int_equal(pxt_holding(fx, "L-1", MILL), 150000);
}

static void
test_void_transform_restores_inputs(void **state)
{
	struct pxt_ledger *fx = mill(state, NULL);
	Paxta__LotRecord *lot;
	uint64_t ginned_at;

	ginned_at = pxt_ok(fx, "{'kind':'transform','actor':'" MILL
			       "','process':'ginning','inputs':[{'lot':"
			       "'SC-1','kg':600}],'outputs':[{'lot':'L-1',"
			       "'kg':250,'product':'lint'},{'lot':'S-1',"
			       "'kg':300,'product':'cottonseed'}]}");
	pxt_ok(fx, "{'kind':'void','actor':'" MILL "','entry':%llu}",
	       (unsigned long long)ginned_at);
	assert_int_equal(pxt_holding(fx, "SC-1", MILL), 1000000);
	assert_int_equal(pxt_holding(fx, "L-1", MILL), 0);
	assert_int_equal(pxt_holding(fx, "S-1", MILL), 0);
	lot = lot_record(fx, "L-1");
	assert_non_null(lot);
	assert_true(lot->voided);
	px_state_free(lot);
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_LOT,
		       "{'kind':'transform','actor':'" MILL
		       "','process':'spinning','inputs':[{'lot':'L-1',"
		       "'kg':100}],'outputs':[{'lot':'Y-1','kg':90,"
		       "'product':'yarn'}]}");
	/* The whole harvest can be ginned again. */
	pxt_ok(fx, "{'kind':'transform','actor':'" MILL
		   "','process':'ginning','inputs':[{'lot':'SC-1',"
		   "'kg':1000}],'outputs':[{'lot':'L-2','kg':450,"
		   "'product':'lint'}]}");
}

static void
test_void_transfer(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	uint64_t shipped_at;

	harvest(fx, FARM, LOT, "12000");
	shipped_at = ship(fx, FARM, GIN, "WB-1", LOT, "5000");
	/* Not the gin's to void. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" GIN "','entry':%llu}",
		       (unsigned long long)shipped_at);
	pxt_ok(fx, "{'kind':'void','actor':'" FARM "','entry':%llu}",
	       (unsigned long long)shipped_at);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
	assert_int_equal(pxt_holding(fx, LOT, GIN), 0);
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_SHIPMENT,
		       "{'kind':'receive','actor':'" GIN
		       "','shipment':'WB-1','lots':[{'lot':'" LOT
		       "','kg':5000}]}");
	/* Voided twice: it would credit the sender again. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM
		       "','event_id':'second','entry':%llu}",
		       (unsigned long long)shipped_at);
	assert_int_equal(pxt_holding(fx, LOT, FARM), 12000000);
}

/* A harvest that went to the gin and came back whole is held in full by
 * its farm again, but the gin's receive and transfer were built on it: it
 * is no longer "an entry nothing has built on" (DESIGN.md §3.2), and
 * rules.c's lot_untouched() itself says "no shipment carries it". */
static void
test_void_after_round_trip(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__LotRecord *lot;
	uint64_t at;

	at = harvest(fx, FARM, LOT, "1000");
	ship(fx, FARM, GIN, "WB-1", LOT, "1000");
	receive(fx, GIN, "WB-1", LOT, "1000");
	ship(fx, GIN, FARM, "WB-2", LOT, "1000");
	receive(fx, FARM, "WB-2", LOT, "1000");
	assert_int_equal(pxt_holding(fx, LOT, FARM), 1000000);
	expect_refused(fx, PX_EREFUSED, PX_CODE_VOID_DENIED,
		       "{'kind':'void','actor':'" FARM "','entry':%llu}",
		       (unsigned long long)at);
	lot = lot_record(fx, LOT);
	assert_non_null(lot);
	assert_false(lot->voided);
	px_state_free(lot);
	assert_int_equal(origins(fx), 1);
}

/* ---- the envelope at the ledger ---- */

static void
test_malformed_leaves(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__SignedEntry msg = PAXTA__SIGNED_ENTRY__INIT;
	static const uint8_t not_entry[] = { 0x0a, 0x10, 'x' };
	static const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	uint8_t key[PX_PUBKEY_LEN] = { 1 }, sig[PX_SIG_LEN] = { 2 };
	struct px_refusal r = { 0 };
	uint8_t *leaf = NULL, *buf;
	size_t len = 0, n;

	/* Not a SignedEntry at all; empty. */
	expect_leaf_refused(fx, garbage, sizeof(garbage), PX_EREFUSED,
			    PX_CODE_MALFORMED);
	expect_leaf_refused(fx, garbage, 0, PX_EREFUSED, PX_CODE_MALFORMED);
	/* A 31-byte key, a 63-byte signature, an empty payload. */
	msg.payload.data = (uint8_t *)not_entry;
	msg.payload.len = sizeof(not_entry);
	msg.public_key.data = key;
	msg.public_key.len = PX_PUBKEY_LEN - 1;
	msg.signature.data = sig;
	msg.signature.len = PX_SIG_LEN;
	n = paxta__signed_entry__get_packed_size(&msg);
	buf = malloc(n);
	assert_non_null(buf);
	paxta__signed_entry__pack(&msg, buf);
	expect_leaf_refused(fx, buf, n, PX_EREFUSED, PX_CODE_MALFORMED);
	free(buf);
	msg.public_key.len = PX_PUBKEY_LEN;
	msg.signature.len = PX_SIG_LEN - 1;
	n = paxta__signed_entry__get_packed_size(&msg);
	buf = malloc(n);
	assert_non_null(buf);
	paxta__signed_entry__pack(&msg, buf);
	expect_leaf_refused(fx, buf, n, PX_EREFUSED, PX_CODE_MALFORMED);
	free(buf);
	msg.signature.len = PX_SIG_LEN;
	msg.payload.len = 0;
	n = paxta__signed_entry__get_packed_size(&msg);
	buf = malloc(n);
	assert_non_null(buf);
	paxta__signed_entry__pack(&msg, buf);
	expect_leaf_refused(fx, buf, n, PX_EREFUSED, PX_CODE_MALFORMED);
	free(buf);

	/* A valid signature over a payload that is not an Entry. */
	assert_int_equal(px_entry_seal(&leaf, &len, not_entry,
				       sizeof(not_entry), pxt_key(fx, FARM)),
			 PX_OK);
	assert_int_equal(px_entry_verify_signed(leaf, len), PX_OK);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_MALFORMED);
	free(leaf);

	/* A signed entry cut short. */
	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM
				  "\",\"lot\":\"" LOT "\",\"kg\":10,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	expect_leaf_refused(fx, leaf, len - 10, PX_EREFUSED, PX_CODE_MALFORMED);
	free(leaf);
	assert_null(lot_record(fx, LOT));
}

/* Entries well signed by their author that are still not entries this
 * node logs: no kind, and a genesis after leaf 0. */
static void
test_malformed_bodies(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__Entry e = PAXTA__ENTRY__INIT;
	Paxta__Genesis g = PAXTA__GENESIS__INIT;
	Paxta__Policy pol = PAXTA__POLICY__INIT;
	Paxta__Registrar reg = PAXTA__REGISTRAR__INIT, *regs[1] = { &reg };
	struct px_seckey node_key;
	struct px_hash last;
	uint64_t seq;
	int has_last;
	uint8_t *leaf;
	size_t len;
	char *path;

	/* No kind: the right author, number and key. */
	author_state(fx, FARM, &seq, &last, &has_last);
	e.actor = FARM;
	e.seq = seq + 1;
	e.time = NOW;
	leaf = seal_body(&e, pxt_key(fx, FARM), &len);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_MALFORMED);
	free(leaf);

	/* A second genesis, signed by the node's own key, that would add a
	 * registrar of its choosing. */
	assert_int_equal(px_ledger_default_key_path(&path, fx->dir), PX_OK);
	assert_int_equal(px_key_read_pem(&node_key, path), PX_OK);
	free(path);
	assert_memory_equal(node_key.pub.b, fx->node_key.b, PX_PUBKEY_LEN);
	reg.id = "uz.registrar.rogue";
	reg.public_key.data =
		(uint8_t *)pxt_key(fx, "uz.registrar.rogue")->pub.b;
	reg.public_key.len = PX_PUBKEY_LEN;
	pol.ginning_ppm = 1000000;
	pol.spinning_ppm = 1000000;
	pol.weaving_ppm = 1000000;
	pol.knitting_ppm = 1000000;
	pol.making_ppm = 1000000;
	pol.max_skew_s = 300;
	g.format = PX_STORE_FORMAT;
	g.origin = "test.example/cotton";
	g.node_key.data = node_key.pub.b;
	g.node_key.len = PX_PUBKEY_LEN;
	g.n_registrars = 1;
	g.registrars = regs;
	g.policy = &pol;
	memset(&e, 0, sizeof(e));
	paxta__entry__init(&e);
	e.actor = "test.example/cotton";
	e.time = NOW;
	e.body_case = PAXTA__ENTRY__BODY_GENESIS;
	e.genesis = &g;
	leaf = seal_body(&e, &node_key, &len);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_MALFORMED);
	free(leaf);
	/* The same, signed by the registrar. */
	leaf = seal_body(&e, pxt_key(fx, PXT_REGISTRAR), &len);
	expect_leaf_refused(fx, leaf, len, PX_EREFUSED, PX_CODE_MALFORMED);
	free(leaf);
	px_key_wipe(&node_key);
	/* The rogue registrar was not admitted. */
	expect_refused(fx, PX_EREFUSED, PX_CODE_UNKNOWN_ACTOR,
		       "{'kind':'revoke_actor','actor':'uz.registrar.rogue',"
		       "'subject':'" FARM "'}");
}

static void
test_too_large(void **state)
{
	struct pxt_ledger *fx = world(state, NULL);
	Paxta__SignedEntry msg = PAXTA__SIGNED_ENTRY__INIT;
	uint8_t key[PX_PUBKEY_LEN] = { 1 }, sig[PX_SIG_LEN] = { 2 };
	uint8_t *big, *buf;
	size_t n;

	/* Garbage one byte over the cap: too large, not parsed. */
	big = calloc(1, PX_ENTRY_MAX + 1);
	assert_non_null(big);
	expect_leaf_refused(fx, big, PX_ENTRY_MAX + 1, PX_EREFUSED,
			    PX_CODE_TOO_LARGE);
	/* At the cap it is parsed, and is not an entry. */
	expect_leaf_refused(fx, big, PX_ENTRY_MAX, PX_EREFUSED,
			    PX_CODE_MALFORMED);
	free(big);
	/* A well-formed envelope with a 64 KiB payload. */
	big = malloc(PX_ENTRY_MAX);
	assert_non_null(big);
	memset(big, 'x', PX_ENTRY_MAX);
	msg.payload.data = big;
	msg.payload.len = PX_ENTRY_MAX;
	msg.public_key.data = key;
	msg.public_key.len = PX_PUBKEY_LEN;
	msg.signature.data = sig;
	msg.signature.len = PX_SIG_LEN;
	n = paxta__signed_entry__get_packed_size(&msg);
	assert_true(n > PX_ENTRY_MAX);
	buf = malloc(n);
	assert_non_null(buf);
	paxta__signed_entry__pack(&msg, buf);
	expect_leaf_refused(fx, buf, n, PX_EREFUSED, PX_CODE_TOO_LARGE);
	free(buf);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_signature_bytes_tampered,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_signature_not_current_key,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_unknown_actor, pxt_teardown),
		cmocka_unit_test_teardown(test_revoked_actor, pxt_teardown),
		cmocka_unit_test_teardown(test_role_denied, pxt_teardown),
		cmocka_unit_test_teardown(test_role_removed_by_update,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_sequence_skipped_or_repeated,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_sequence_fork, pxt_teardown),
		cmocka_unit_test_teardown(test_sequence_wrong_prev,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_same_entry_twice, pxt_teardown),
		cmocka_unit_test_teardown(test_same_entry_twice_in_batch,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_batch_refusal_is_isolated,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_batch_refusal_undoes_its_writes,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_batch_bad_envelope_is_isolated,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_prepared_bad_signature,
					  pxt_teardown),
		cmocka_unit_test_teardown(
			test_reencoded_envelope_not_stored_twice, pxt_teardown),
		cmocka_unit_test_teardown(test_transfer_not_holder,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_transfer_overspend,
					  pxt_teardown),
		cmocka_unit_test_teardown(
			test_transfer_bad_consignee_or_shipment, pxt_teardown),
		cmocka_unit_test_teardown(test_transfer_moves_kg, pxt_teardown),
		cmocka_unit_test_teardown(test_receive_less_than_shipped,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_receive_refusals, pxt_teardown),
		cmocka_unit_test_teardown(test_transform_custody, pxt_teardown),
		cmocka_unit_test_teardown(test_unknown_product_number,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_mass_balance_outputs_heavier,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_mass_balance_ginning_cap,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_mass_balance_custom_policy,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_mass_balance_process_caps,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_mass_balance_several_inputs,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_duplicate_lot, pxt_teardown),
		cmocka_unit_test_teardown(test_wrong_product, pxt_teardown),
		cmocka_unit_test_teardown(test_unknown_lot, pxt_teardown),
		cmocka_unit_test_teardown(test_time_before_consumed_lot,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_time_skew, pxt_teardown),
		cmocka_unit_test_teardown(test_time_skew_policy, pxt_teardown),
		cmocka_unit_test_teardown(test_harvest_time, pxt_teardown),
		cmocka_unit_test_teardown(test_harvest_season, pxt_teardown),
		cmocka_unit_test_teardown(test_harvest_calendar_wraps,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_harvest_origin, pxt_teardown),
		cmocka_unit_test_teardown(test_only_monitors_attest,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_only_registrars_change_actors,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_rotate_key_by_self,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_rotate_key_by_registrar,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_void_untouched_harvest,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_void_by_hash, pxt_teardown),
		cmocka_unit_test_teardown(test_void_denied, pxt_teardown),
		cmocka_unit_test_teardown(test_void_transform, pxt_teardown),
		cmocka_unit_test_teardown(test_void_transform_restores_inputs,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_void_transfer, pxt_teardown),
		cmocka_unit_test_teardown(test_void_after_round_trip,
					  pxt_teardown),
		cmocka_unit_test_teardown(test_malformed_leaves, pxt_teardown),
		cmocka_unit_test_teardown(test_malformed_bodies, pxt_teardown),
		cmocka_unit_test_teardown(test_too_large, pxt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
