/*
 * Unit tests: audit (node/core/audit.c), on clean ledgers and on ledgers
 * whose data.mdb was edited behind the ledger's back.
 *
 * Tampering edits the file itself: find the bytes, change one, reopen. LMDB
 * copies a page before it changes it, so a data file can hold stale copies
 * of the same bytes in pages it has freed; tamper() changes each copy in
 * turn until the store reads back the changed value, so that exactly the
 * live copy is edited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/checkpoint.h"
#include "paxta/cpseal.h"
#include "paxta/entry.h"
#include "paxta/ledger.h"
#include "paxta/store.h"
#include "paxta/units.h"
#include "paxta/verify.h"
#include "support.h"

#define FARM_1     "uz.farm.0001"
#define FARM_2     "uz.farm.0002"
#define GIN_1      "uz.gin.kattakurgan-01"
#define MONITOR    "monitor.tpm"
#define DISTRICT   "UZ-SA-KTK"
#define HARVESTED  "2026-09-21T08:00:00Z"
#define TAMPER_LOT "TAMPER-LOT-77"
#define EM_DASH    "\xe2\x80\x94"

/* ---- building ledgers ---- */

static void
submit_ok(struct px_append_result *res, const char *what, int rc)
{
	if (rc != PX_OK)
		fail_msg("%s: %s: %s", what, px_code_name(res->refusal.code),
			 res->refusal.message);
}

static uint64_t
harvest(struct pxt_ledger *fx, const char *farm, const char *lot, int kg)
{
	struct px_append_result res;

	submit_ok(&res, lot,
		  pxt_submit(fx, &res,
			     "{\"kind\":\"harvest\",\"actor\":\"%s\",\"lot\":"
			     "\"%s\",\"kg\":%d,\"season\":2026,\"district\":"
			     "\"" DISTRICT "\",\"method\":\"hand\","
			     "\"harvested_at\":\"" HARVESTED "\"}",
			     farm, lot, kg));
	return res.index;
}

static void
checkpoint(struct pxt_ledger *fx)
{
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
}

/*
 * A small ledger with every kind of record the state tables hold: actors,
 * harvests, a shipment, a ginning, a monitor's statement, and checkpoints
 * along the way. Returns the index of the harvest of TAMPER_LOT, the only
 * entry that names it.
 */
static uint64_t
build(struct pxt_ledger *fx)
{
	struct px_append_result res;
	uint64_t k;

	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_2, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, GIN_1, "gin", "UZ-SA", DISTRICT);
	pxt_register(fx, MONITOR, "monitor", "UZ-TK", "UZ-TK-TAS");
	checkpoint(fx);
	harvest(fx, FARM_1, "UZ-2026-F0001-001", 12000);
	k = harvest(fx, FARM_2, TAMPER_LOT, 8000);
	checkpoint(fx);
	submit_ok(&res, "transfer",
		  pxt_submit(fx, &res,
			     "{\"kind\":\"transfer\",\"actor\":\"" FARM_1
			     "\",\"to\":\"" GIN_1 "\",\"shipment\":\"WB-7781\","
			     "\"lots\":[{\"lot\":\"UZ-2026-F0001-001\","
			     "\"kg\":12000}]}"));
	submit_ok(&res, "receive",
		  pxt_submit(fx, &res,
			     "{\"kind\":\"receive\",\"actor\":\"" GIN_1
			     "\",\"shipment\":\"WB-7781\",\"lots\":[{\"lot\":"
			     "\"UZ-2026-F0001-001\",\"kg\":11980}]}"));
	submit_ok(&res, "ginning",
		  pxt_submit(fx, &res,
			     "{\"kind\":\"transform\",\"actor\":\"" GIN_1
			     "\",\"process\":\"ginning\",\"inputs\":[{\"lot\":"
			     "\"UZ-2026-F0001-001\",\"kg\":11980}],"
			     "\"outputs\":[{\"lot\":\"PBI-000100000001\","
			     "\"kg\":5000,\"product\":\"lint\"},{\"lot\":"
			     "\"SEED-2026-0001\",\"kg\":6000,\"product\":"
			     "\"cottonseed\"}]}"));
	submit_ok(&res, "attest",
		  pxt_submit(fx, &res,
			     "{\"kind\":\"attest\",\"actor\":\"" MONITOR
			     "\",\"subject\":\"district:" DISTRICT
			     "\",\"season\":2026,\"status\":\"certified\","
			     "\"indicators\":[],\"report_uri\":"
			     "\"https://example.org/tpm-2026.pdf\","
			     "\"report_sha256\":\"%064d\"}",
			     7));
	checkpoint(fx);
	return k;
}

/* Close the fixture's ledger (and signer): the folder is free to edit. */
static void
close_ledger(struct pxt_ledger *fx)
{
	px_signer_free(fx->signer);
	fx->signer = NULL;
	px_ledger_close(fx->l);
	fx->l = NULL;
}

/* Reopen it read-only, as an auditor would. pxt_ledger_free closes it. */
static void
open_readonly(struct pxt_ledger *fx)
{
	close_ledger(fx);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
}

/* Audit fx's ledger; asserts the audit ran to a verdict. */
static void
audit(struct pxt_ledger *fx, struct px_audit_report *out)
{
	int rc = px_audit(out, fx->l, NULL, NULL, NULL, NULL);

	if (rc != PX_OK)
		fail_msg("px_audit could not check: %s", px_strerror(rc));
}

static void
expect_intact(struct pxt_ledger *fx)
{
	struct px_audit_report rep;

	audit(fx, &rep);
	if (!rep.intact)
		fail_msg("audit of an untouched ledger: %s", rep.problem);
	assert_int_equal(rep.has_bad_index, 0);
	assert_int_equal(rep.entries, pxt_log_size(fx->l));
	assert_int_equal(rep.checkpoints, pxt_checkpoint_count(fx->l));
}

/* ---- editing data.mdb ---- */

/* Did the edit reach what the store reads? */
typedef int (*live_fn)(const char *dir, const void *ctx);

static void
write_byte(const char *path, size_t offset, uint8_t b)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &b, 1, (off_t)offset), 1);
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

/*
 * Set byte `rel` of the live copy of needle[0..nlen) in dir/data.mdb to
 * `to`. Returns how many copies the file held.
 */
static size_t
tamper(const char *dir, const void *needle, size_t nlen, size_t rel, uint8_t to,
       live_fn live, const void *ctx)
{
	char *path = NULL, *text;
	size_t len, copies = 0, done = 0;
	const char *at;

	assert_true(rel < nlen);
	assert_true(asprintf(&path, "%s/data.mdb", dir) > 0);
	text = pxt_read_file(path, &len);
	assert_non_null(text);
	for (at = memmem(text, len, needle, nlen); at;
	     at = memmem(at + 1, len - (size_t)(at + 1 - text), needle, nlen))
		copies++;
	assert_true(copies > 0);
	for (at = memmem(text, len, needle, nlen); at && !done;
	     at = memmem(at + 1, len - (size_t)(at + 1 - text), needle, nlen)) {
		size_t off = (size_t)(at - text) + rel;

		assert_int_not_equal((uint8_t)text[off], to);
		write_byte(path, off, to);
		if (live(dir, ctx))
			done = 1;
		else
			write_byte(path, off, (uint8_t)text[off]);
	}
	if (!done)
		fail_msg("none of the %zu copies in data.mdb is the live one",
			 copies);
	free(text);
	free(path);
	return copies;
}

struct leaf_at {
	uint64_t index;
	const uint8_t *bytes;
	size_t len;
};

static int
leaf_changed(const char *dir, const void *ctx)
{
	const struct leaf_at *want = ctx;
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	const uint8_t *leaf;
	size_t len;
	int changed;

	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_leaf(t, want->index, &leaf, &len), PX_OK);
	changed = len != want->len || memcmp(leaf, want->bytes, len) != 0;
	px_store_abort(t);
	px_store_close(s);
	return changed;
}

struct note_at {
	uint64_t size;
	const char *note;
	int changed;
};

static int
note_cb(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct note_at *n = ctx;

	if (size == n->size)
		n->changed = len != strlen(n->note) ||
			     memcmp(note, n->note, len) != 0;
	return 0;
}

static int
note_changed(const char *dir, const void *ctx)
{
	struct note_at n = *(const struct note_at *)ctx;
	struct px_store *s = NULL;
	struct px_txn *t = NULL;

	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_checkpoint_each(t, note_cb, &n), PX_OK);
	px_store_abort(t);
	px_store_close(s);
	return n.changed;
}

struct record_at {
	uint64_t index;
	uint8_t rec[32 * 66];
	size_t len;
};

static int
record_changed(const char *dir, const void *ctx)
{
	const struct record_at *want = ctx;
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	const uint8_t *rec;
	size_t len;
	int changed;

	assert_int_equal(px_store_open(&s, dir, PX_STORE_READONLY), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 0), PX_OK);
	assert_int_equal(px_store_tree_record(t, want->index, &rec, &len),
			 PX_OK);
	changed = len != want->len || memcmp(rec, want->rec, len) != 0;
	px_store_abort(t);
	px_store_close(s);
	return changed;
}

static void
read_record(struct px_ledger *l, struct record_at *out, uint64_t index)
{
	struct px_txn *t = NULL;
	const uint8_t *rec;

	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	assert_int_equal(px_store_tree_record(t, index, &rec, &out->len),
			 PX_OK);
	assert_true(out->len <= sizeof(out->rec));
	memcpy(out->rec, rec, out->len);
	out->index = index;
	px_store_abort(t);
}

/* ---- clean ledgers ---- */

struct progress {
	unsigned calls;
	uint64_t last_done, last_total, prev_done;
	int backwards;
};

static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;

	if (p->calls && done < p->prev_done)
		p->backwards = 1;
	p->calls++;
	p->prev_done = p->last_done = done;
	p->last_total = total;
}

static int
folder_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n == 0;
}

static void
test_clean(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct progress prog = { 0 };
	char *scratch = pxt_tempdir();
	uint64_t size;

	(void)state;
	build(fx);
	open_readonly(fx);
	size = pxt_log_size(fx->l);
	/* 10 entries and the index root logged before the last
	 * checkpoint (the statement is indexed). */
	assert_int_equal(size, 12);
	assert_int_equal(pxt_checkpoint_count(fx->l), 4);

	memset(&rep, 0xee, sizeof(rep));
	assert_int_equal(
		px_audit(&rep, fx->l, NULL, scratch, on_progress, &prog),
		PX_OK);
	if (!rep.intact)
		fail_msg("audit of an untouched ledger: %s", rep.problem);
	assert_int_equal(rep.has_bad_index, 0);
	assert_int_equal(rep.entries, size);
	/* The creation's checkpoint and the three of build(). */
	assert_int_equal(rep.checkpoints, 4);
	/* Progress, ending with everything done. */
	assert_true(prog.calls >= 1);
	assert_false(prog.backwards);
	assert_int_equal(prog.last_total, size);
	assert_int_equal(prog.last_done, size);
	/* The scratch store is gone afterwards. */
	assert_true(folder_is_empty(scratch));

	/* With the caller's own verifier pool: the same verdict. */
	{
		struct px_verifier *v = NULL;

		assert_int_equal(px_verifier_new(&v, 2), PX_OK);
		assert_int_equal(px_audit(&rep, fx->l, v, NULL, NULL, NULL),
				 PX_OK);
		assert_true(rep.intact);
		assert_int_equal(rep.entries, size);
		assert_int_equal(rep.checkpoints, 4);
		px_verifier_free(v);
	}
	/* No scratch folder to work in: could not check, which is not a
	 * verdict. */
	assert_int_not_equal(px_audit(&rep, fx->l, NULL,
				      "/nonexistent/paxta-audit", NULL, NULL),
			     PX_OK);

	/* A fresh ledger (the genesis and its checkpoint) is intact too. */
	pxt_ledger_free(fx);
	fx = pxt_ledger_new(NULL);
	open_readonly(fx);
	audit(fx, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.entries, 1);
	assert_int_equal(rep.checkpoints, 1);

	pxt_rmtree(scratch);
	pxt_ledger_free(fx);
}

/* Enough entries for several of audit's chunks: progress is reported along
 * the way and ends at the total. */
static void
test_progress_many(void **state)
{
	enum {
		N = 4100,
		BATCH = 410
	};
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_append_result *res = calloc(BATCH, sizeof(*res));
	const uint8_t **leaves = calloc(BATCH, sizeof(*leaves));
	uint8_t **owned = calloc(BATCH, sizeof(*owned));
	size_t *lens = calloc(BATCH, sizeof(*lens));
	struct progress prog = { 0 };
	struct px_audit_report rep;
	struct px_refusal r;
	uint64_t size;

	(void)state;
	assert_non_null(res);
	assert_non_null(leaves);
	assert_non_null(owned);
	assert_non_null(lens);
	pxt_register(fx, FARM_1, "farm", "UZ-SA", DISTRICT);
	for (int b = 0; b < N / BATCH; b++) {
		for (int i = 0; i < BATCH; i++) {
			assert_int_equal(
				pxt_sign(fx, &owned[i], &lens[i], &r,
					 "{\"kind\":\"harvest\",\"actor\":"
					 "\"" FARM_1 "\",\"lot\":\"BULK-%05d\","
					 "\"kg\":%d,\"season\":2026,"
					 "\"district\":\"" DISTRICT "\","
					 "\"method\":\"machine\",\"harvested_"
					 "at\":\"2026-09-21T08:00:00Z\"}",
					 b * BATCH + i, 100 + i),
				PX_OK);
			leaves[i] = owned[i];
		}
		assert_int_equal(
			pxt_append(fx->l, leaves, lens, BATCH, fx->now, res),
			PX_OK);
		for (int i = 0; i < BATCH; i++) {
			assert_int_equal(res[i].rc, PX_OK);
			free(owned[i]);
		}
		if (b % 3 == 0)
			checkpoint(fx);
	}
	open_readonly(fx);
	size = pxt_log_size(fx->l);
	assert_int_equal(size, 2 + N);

	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, on_progress, &prog),
			 PX_OK);
	if (!rep.intact)
		fail_msg("audit of an untouched ledger: %s", rep.problem);
	assert_int_equal(rep.entries, size);
	assert_int_equal(rep.checkpoints, pxt_checkpoint_count(fx->l));
	assert_true(prog.calls >= 2);
	assert_false(prog.backwards);
	assert_int_equal(prog.last_done, size);
	assert_int_equal(prog.last_total, size);

	free(res);
	free(leaves);
	free(owned);
	free(lens);
	pxt_ledger_free(fx);
}

/* ---- tampered leaves and hashes ---- */

/* THE test: one byte of one stored leaf changed in data.mdb, and audit
 * names that leaf. */
static void
test_tampered_leaf(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct leaf_at want;
	struct px_txn *t = NULL;
	const uint8_t *leaf, *lot;
	uint8_t *copy;
	uint64_t k;
	size_t len, rel;

	(void)state;
	k = build(fx);
	assert_true(k > 0 && k + 1 < pxt_log_size(fx->l));

	/* The exact bytes of leaf k, and where the lot id sits in them. */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_leaf(t, k, &leaf, &len), PX_OK);
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, leaf, len);
	px_store_abort(t);
	lot = memmem(copy, len, TAMPER_LOT, strlen(TAMPER_LOT));
	assert_non_null(lot);
	rel = (size_t)(lot - copy);
	/* Only that entry names the lot. */
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	for (uint64_t i = 0; i < px_store_size(t); i++) {
		const uint8_t *other;
		size_t olen;

		assert_int_equal(px_store_leaf(t, i, &other, &olen), PX_OK);
		assert_true((i == k) == (memmem(other, olen, TAMPER_LOT,
						strlen(TAMPER_LOT)) != NULL));
	}
	px_store_abort(t);
	expect_intact(fx);
	close_ledger(fx);

	/* 'T' -> 'U' in the stored leaf. */
	want = (struct leaf_at){ .index = k, .bytes = copy, .len = len };
	tamper(fx->dir, copy, len, rel, (uint8_t)(copy[rel] ^ 0x01),
	       leaf_changed, &want);

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	if (rep.bad_index != k)
		fail_msg("audit names entry %llu, not %llu: %s",
			 (unsigned long long)rep.bad_index,
			 (unsigned long long)k, rep.problem);
	if (!strstr(rep.problem, "altered"))
		fail_msg("the problem does not say the leaf was altered: %s",
			 rep.problem);
	/* The entries before it were checked. */
	assert_int_equal(rep.entries, k);
	free(copy);
	pxt_ledger_free(fx);
}

/* The genesis itself edited (its origin): named as leaf 0. */
static void
test_tampered_genesis(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct leaf_at want;
	struct px_txn *t = NULL;
	const uint8_t *leaf, *origin;
	uint8_t *copy;
	size_t len, rel;

	(void)state;
	build(fx);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_store_leaf(t, 0, &leaf, &len), PX_OK);
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, leaf, len);
	px_store_abort(t);
	origin = memmem(copy, len, "test.example/cotton", 19);
	assert_non_null(origin);
	rel = (size_t)(origin - copy) +
	      5; /* "test.example" -> "test/example" */
	close_ledger(fx);
	want = (struct leaf_at){ .index = 0, .bytes = copy, .len = len };
	tamper(fx->dir, copy, len, rel, '/', leaf_changed, &want);

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, 0);
	if (!strstr(rep.problem, "altered"))
		fail_msg("the problem does not say the leaf was altered: %s",
			 rep.problem);
	free(copy);
	pxt_ledger_free(fx);
}

/* A stored chain value changed: the chain breaks at that leaf. */
static void
test_tampered_chain(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct record_at want;
	uint64_t j = 6;

	(void)state;
	build(fx);
	read_record(fx->l, &want, j);
	close_ledger(fx);
	/* The chain value is the record's first 32 bytes. */
	tamper(fx->dir, want.rec, 32, 17, (uint8_t)(want.rec[17] ^ 0x40),
	       record_changed, &want);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, j);
	if (!strstr(rep.problem, "chain"))
		fail_msg("the problem does not name the chain: %s",
			 rep.problem);
	pxt_ledger_free(fx);
}

/* A stored subtree hash changed: named at the leaf whose record holds it. */
static void
test_tampered_subtree(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct record_at want;
	uint64_t j = 7; /* i + 1 = 8: chain, h_0, h_1, h_2, h_3 */

	(void)state;
	build(fx);
	read_record(fx->l, &want, j);
	assert_int_equal(want.len, 32 * 5);
	close_ledger(fx);
	/* h_2 = MTH(leaves 4..8). */
	tamper(fx->dir, want.rec + 32 * 3, 32, 0,
	       (uint8_t)(want.rec[32 * 3] ^ 0x01), record_changed, &want);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, j);
	if (!strstr(rep.problem, "subtree"))
		fail_msg("the problem does not name the subtree hash: %s",
			 rep.problem);
	pxt_ledger_free(fx);
}

/*
 * Leaves put in the log behind the rules' back (straight into the store, so
 * every hash is consistent): audit replays the rules and the signatures.
 */
static void
append_raw_at(struct pxt_ledger *fx, const uint8_t *signed_entry, size_t len,
	      int64_t accepted_at)
{
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	struct px_hash h, key;
	uint8_t *leaf;
	size_t leaf_len;

	close_ledger(fx);
	/* Wrapped as the node would, at accepted_at. */
	assert_int_equal(
		px_leaf_make(&leaf, &leaf_len, signed_entry, len, accepted_at),
		PX_OK);
	assert_int_equal(px_hash_leaf(&h, leaf, leaf_len), PX_OK);
	assert_int_equal(px_entry_hash(&key, signed_entry, len), PX_OK);
	assert_int_equal(px_store_open(&s, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_append(t, leaf, leaf_len, &h, &key), PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	free(leaf);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
}

static void
append_raw(struct pxt_ledger *fx, const uint8_t *signed_entry, size_t len)
{
	append_raw_at(fx, signed_entry, len, fx->now);
}

/* The acceptance time of the leaf at index. */
static int64_t
accepted_at(struct pxt_ledger *fx, uint64_t index)
{
	struct px_txn *t = NULL;
	int64_t at;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_accepted_at(t, index, &at), PX_OK);
	px_store_abort(t);
	return at;
}

static uint8_t *
sign_harvest_at(struct pxt_ledger *fx, const char *lot, int64_t when,
		size_t *len)
{
	struct px_refusal r;
	uint8_t *leaf = NULL;
	char time[PX_TIME_TEXT];

	px_format_time(time, when);
	assert_int_equal(pxt_sign(fx, &leaf, len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM_1
				  "\",\"lot\":\"%s\",\"kg\":5,\"season\":2026,"
				  "\"district\":\"" DISTRICT "\",\"method\":"
				  "\"hand\",\"harvested_at\":\"" HARVESTED
				  "\",\"time\":\"%s\"}",
				  lot, time),
			 PX_OK);
	return leaf;
}

/*
 * DESIGN.md §4: each leaf carries the node's acceptance time, the log's
 * times run forward, and audit judges each leaf's clock rules at that
 * time — so a record made long after its event, or slipped in with a
 * time of its own, shows.
 */
static void
test_leaf_times(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_append_result res;
	struct px_audit_report rep;
	uint8_t *leaf;
	size_t len;
	uint64_t k, size;
	int64_t first;

	(void)state;
	build(fx);
	/* build() checkpoints, and the node logs each index root on the
	 * real clock: the test's clock runs a minute ahead of it. */
	fx->now = (int64_t)time(NULL) + 60;
	/* Stamped with the node's clock, inside the leaf. */
	k = harvest(fx, FARM_1, "LOT-T1", 10);
	first = fx->now;
	assert_int_equal(accepted_at(fx, k), first);
	/* The node's clock steps back an hour (the farm's does not): the
	 * log's time stays put. */
	leaf = sign_harvest_at(fx, "LOT-T2", first, &len);
	assert_int_equal(pxt_append(fx->l, (const uint8_t *const *)&leaf, &len,
				    1, first - 3600, &res),
			 PX_OK);
	submit_ok(&res, "LOT-T2", res.rc);
	k = res.index;
	free(leaf);
	assert_int_equal(accepted_at(fx, k), first);
	/* The same signed entry later: already logged, under its entry hash,
	 * though its leaf would carry another time. */
	fx->now = first + 86400;
	leaf = pxt_signed_at(fx->l, k, &len);
	size = pxt_log_size(fx->l);
	assert_int_equal(pxt_append(fx->l, (const uint8_t *const *)&leaf, &len,
				    1, fx->now, &res),
			 PX_OK);
	assert_int_equal(res.rc, PX_OK);
	assert_int_equal(res.duplicate, 1);
	assert_int_equal(res.index, k);
	assert_int_equal(pxt_log_size(fx->l), size);
	free(leaf);
	/* Leaves logged on a clock a month ahead, then a checkpoint, whose
	 * index root the node logs on its own clock: still forward. */
	fx->now = first + 30 * 86400;
	harvest(fx, FARM_1, "LOT-T5", 10);
	size = pxt_log_size(fx->l);
	checkpoint(fx);
	assert_int_equal(pxt_log_size(fx->l), size + 1); /* the index root */
	assert_int_equal(accepted_at(fx, size), fx->now);
	open_readonly(fx);
	expect_intact(fx);
	pxt_ledger_free(fx);

	/* A leaf from another log (as a mirror appends them) whose time is
	 * before this log's last: refused as 'time', nothing stored. */
	{
		struct px_entry mirrored, *ptr = &mirrored;
		struct pxt_snapshot before, after;
		uint8_t *signed_entry, *wrapped;
		size_t signed_len, wrapped_len;

		fx = pxt_ledger_new(NULL);
		build(fx);
		/* build() checkpoints, and the node logs each index root on the
		 * real clock: the test's clock runs a minute ahead of it. */
		fx->now = (int64_t)time(NULL) + 60;
		signed_entry =
			sign_harvest_at(fx, "LOT-M1", fx->now, &signed_len);
		assert_int_equal(
			px_leaf_make(&wrapped, &wrapped_len, signed_entry,
				     signed_len,
				     accepted_at(fx, pxt_log_size(fx->l) - 1) -
					     1),
			PX_OK);
		pxt_snapshot(fx, &before);
		px_entry_init_logged(&mirrored, wrapped, wrapped_len);
		assert_int_equal(px_ledger_append(fx->l, &ptr, 1, fx->now),
				 PX_OK);
		assert_int_equal(mirrored.result.rc, PX_EREFUSED);
		assert_int_equal(mirrored.result.refusal.code, PX_CODE_TIME);
		px_entry_release(&mirrored);
		pxt_snapshot(fx, &after);
		assert_true(pxt_snapshot_equal(&before, &after));
		free(wrapped);
		free(signed_entry);
		pxt_ledger_free(fx);
	}

	/* A leaf put in with a time before the leaf before it. */
	fx = pxt_ledger_new(NULL);
	build(fx);
	/* build() checkpoints, and the node logs each index root on the
	 * real clock: the test's clock runs a minute ahead of it. */
	fx->now = (int64_t)time(NULL) + 60;
	size = pxt_log_size(fx->l);
	leaf = sign_harvest_at(fx, "LOT-T3", fx->now, &len);
	append_raw_at(fx, leaf, len, accepted_at(fx, size - 1) - 1);
	free(leaf);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.bad_index, size);
	if (!strstr(rep.problem, "times must run forward"))
		fail_msg("the problem does not name the time: %s", rep.problem);
	pxt_ledger_free(fx);

	/* A leaf whose entry claims a time past the node's clock (more than
	 * the 300 s skew after its acceptance): the node would have refused
	 * it, and audit, judging at the leaf's time, does too. */
	fx = pxt_ledger_new(NULL);
	build(fx);
	/* build() checkpoints, and the node logs each index root on the
	 * real clock: the test's clock runs a minute ahead of it. */
	fx->now = (int64_t)time(NULL) + 60;
	size = pxt_log_size(fx->l);
	leaf = sign_harvest_at(fx, "LOT-T4", fx->now + 301, &len);
	append_raw_at(fx, leaf, len, fx->now);
	free(leaf);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.bad_index, size);
	if (!strstr(rep.problem, "(time)"))
		fail_msg("the problem does not name the time rule: %s",
			 rep.problem);
	pxt_ledger_free(fx);
}

static void
test_forged_appends(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct px_signed_entry env = { 0 };
	struct px_refusal r;
	uint8_t *leaf = NULL, *sig;
	size_t len;
	uint64_t at;

	(void)state;
	/* A gin's harvest, well signed by the gin: the rules refuse it. */
	build(fx);
	at = pxt_log_size(fx->l);
	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" GIN_1
				  "\",\"lot\":\"GIN-LOT\",\"kg\":5,\"season\":"
				  "2026,\"district\":\"" DISTRICT "\","
				  "\"method\":\"hand\",\"harvested_at\":\"2026-"
				  "09-21T08:00:00Z\"}"),
			 PX_OK);
	append_raw(fx, leaf, len);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, at);
	if (!strstr(rep.problem, "role_denied"))
		fail_msg("the problem does not name the rule: %s", rep.problem);
	free(leaf);
	leaf = NULL;
	pxt_ledger_free(fx);

	/* A good entry whose signature was broken before it was stored. */
	fx = pxt_ledger_new(NULL);
	build(fx);
	at = pxt_log_size(fx->l);
	assert_int_equal(pxt_sign(fx, &leaf, &len, &r,
				  "{\"kind\":\"harvest\",\"actor\":\"" FARM_1
				  "\",\"lot\":\"FORGED-LOT\",\"kg\":5,"
				  "\"season\":2026,\"district\":\"" DISTRICT
				  "\",\"method\":\"hand\",\"harvested_at\":"
				  "\"2026-09-21T08:00:00Z\"}"),
			 PX_OK);
	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	sig = memmem(leaf, len, env.sig.b, PX_SIG_LEN);
	assert_non_null(sig);
	px_entry_close(&env);
	sig[5] ^= 0x10;
	append_raw(fx, leaf, len);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_int_equal(rep.has_bad_index, 1);
	assert_int_equal(rep.bad_index, at);
	if (!strstr(rep.problem, "signature"))
		fail_msg("the problem does not name the signature: %s",
			 rep.problem);
	free(leaf);
	pxt_ledger_free(fx);
}

/* ---- tampered checkpoints ---- */

struct nth_note {
	uint64_t want_size;
	char *note;
};

static int
find_note(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct nth_note *n = ctx;

	if (size == n->want_size) {
		n->note = strndup(note, len);
		assert_non_null(n->note);
	}
	return 0;
}

static char *
stored_note(struct px_ledger *l, uint64_t size)
{
	struct nth_note n = { size, NULL };
	struct px_txn *t = NULL;

	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	assert_int_equal(px_store_checkpoint_each(t, find_note, &n), PX_OK);
	px_store_abort(t);
	assert_non_null(n.note);
	return n.note;
}

static void
test_tampered_checkpoint_signature(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct note_at want;
	const char *sig;
	char *note;
	size_t rel;

	(void)state;
	build(fx);
	/* The checkpoint taken after the registrations: size 5. */
	note = stored_note(fx->l, 5);
	assert_non_null(strstr(note, "\n5\n"));
	close_ledger(fx);

	/* "— <name> <base64(key id ‖ signature)>": change one character well
	 * inside the signature, to another base64 character. */
	sig = strstr(note, EM_DASH " ");
	assert_non_null(sig);
	sig = strchr(sig + strlen(EM_DASH " "), ' ');
	assert_non_null(sig);
	rel = (size_t)(sig + 1 + 40 - note);
	assert_true(rel < strlen(note) - 4);
	want = (struct note_at){ .size = 5, .note = note };
	tamper(fx->dir, note, strlen(note), rel, note[rel] == 'A' ? 'B' : 'A',
	       note_changed, &want);

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	if (!strstr(rep.problem, "checkpoint"))
		fail_msg("the problem does not name the checkpoint: %s",
			 rep.problem);
	assert_non_null(strstr(rep.problem, "signature"));
	assert_int_equal(rep.has_bad_index, 0);
	free(note);
	pxt_ledger_free(fx);
}

/* Checkpoints signed with the node's own key but not of this log: a root
 * that is not the tree's, a size the log never reached. */
static void
test_inconsistent_checkpoints(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct px_audit_report rep;
	struct px_checkpoint cp = { .size = 3 };
	struct px_seckey node;
	struct px_store *s = NULL;
	struct px_txn *t = NULL;
	char *key_path = NULL, *note = NULL;
	uint64_t size;

	(void)state;
	build(fx);
	size = pxt_log_size(fx->l);
	close_ledger(fx);
	assert_int_equal(px_ledger_default_key_path(&key_path, fx->dir), PX_OK);
	assert_int_equal(px_key_read_pem(&node, key_path), PX_OK);
	snprintf(cp.origin, sizeof(cp.origin), "%s", "test.example/cotton");
	memset(cp.root.b, 0x5a, sizeof(cp.root.b));
	assert_int_equal(px_checkpoint_sign(&note, &cp, &node), PX_OK);
	assert_int_equal(px_store_open(&s, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_checkpoint_put(t, 3, note, strlen(note)),
			 PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	free(note);
	note = NULL;

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_non_null(strstr(rep.problem, "checkpoint of size 3"));
	px_ledger_close(fx->l);
	fx->l = NULL;

	/* Put a right one back, sealed as the node seals its checkpoints
	 * (cpseal.h); then one past the end of the log. */
	assert_int_equal(px_store_open(&s, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_store_root(t, 3, &cp.root), PX_OK);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &node), PX_OK);
	assert_int_equal(px_store_checkpoint_put(t, 3, note, strlen(note)),
			 PX_OK);
	assert_int_equal(px_cpseal_add(t, 3, note, strlen(note), &node), PX_OK);
	free(note);
	note = NULL;
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	expect_intact(fx);
	px_ledger_close(fx->l);
	fx->l = NULL;

	cp.size = size + 5;
	assert_int_equal(px_store_open(&s, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &node), PX_OK);
	assert_int_equal(
		px_store_checkpoint_put(t, cp.size, note, strlen(note)), PX_OK);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	assert_non_null(strstr(rep.problem, "checkpoint"));

	px_key_wipe(&node);
	free(note);
	free(key_path);
	pxt_ledger_free(fx);
}

/* ---- tampered state ---- */

/* Open the folder's store for writing (the ledger closed), run edit. */
static void
edit_state(struct pxt_ledger *fx, void (*edit)(struct px_txn *t, void *ctx),
	   void *ctx)
{
	struct px_store *s = NULL;
	struct px_txn *t = NULL;

	if (fx->l) {
		px_ledger_close(fx->l);
		fx->l = NULL;
	}
	assert_int_equal(px_store_open(&s, fx->dir, 0), PX_OK);
	assert_int_equal(px_store_begin(&t, s, 1), PX_OK);
	edit(t, ctx);
	assert_int_equal(px_store_commit(t), PX_OK);
	px_store_close(s);
	assert_int_equal(px_ledger_open(&fx->l, fx->dir, PX_LEDGER_READONLY),
			 PX_OK);
}

/* "lot ‖ 0 ‖ holder" */
static const char holding_key[] = TAMPER_LOT "\0" FARM_2;
#define HOLDING_KLEN (sizeof(holding_key) - 1)
static const char held_by_key[] = FARM_2 "\0" TAMPER_LOT;
#define HELD_BY_KLEN (sizeof(held_by_key) - 1)

struct saved {
	uint8_t value[64];
	size_t len;
};

static void
save_and_inflate(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;
	const uint8_t *v;
	uint8_t wrong[8];

	assert_int_equal(px_store_get(t, PX_TABLE_HOLDINGS, holding_key,
				      HOLDING_KLEN, &v, &sv->len),
			 PX_OK);
	assert_int_equal(sv->len, 8);
	memcpy(sv->value, v, sv->len);
	/* 8000 kg held: make it one gram more. */
	assert_int_equal(px_get_be64(sv->value), 8000000);
	px_put_be64(wrong, 8000001);
	assert_int_equal(px_store_put(t, PX_TABLE_HOLDINGS, holding_key,
				      HOLDING_KLEN, wrong, 8),
			 PX_OK);
}

static void
restore_holding(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;

	assert_int_equal(px_store_put(t, PX_TABLE_HOLDINGS, holding_key,
				      HOLDING_KLEN, sv->value, sv->len),
			 PX_OK);
}

static void
save_and_drop_held_by(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;
	const uint8_t *v;

	assert_int_equal(px_store_get(t, PX_TABLE_HELD_BY, held_by_key,
				      HELD_BY_KLEN, &v, &sv->len),
			 PX_OK);
	assert_true(sv->len <= sizeof(sv->value));
	memcpy(sv->value, v, sv->len);
	assert_int_equal(
		px_store_del(t, PX_TABLE_HELD_BY, held_by_key, HELD_BY_KLEN),
		PX_OK);
}

static void
restore_held_by(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;

	assert_int_equal(px_store_put(t, PX_TABLE_HELD_BY, held_by_key,
				      HELD_BY_KLEN, sv->value, sv->len),
			 PX_OK);
}

static void
add_stray_lot(struct px_txn *t, void *ctx)
{
	const uint8_t *v;
	size_t len;

	(void)ctx;
	/* A lot nobody harvested, with a real lot's record. */
	assert_int_equal(px_store_get(t, PX_TABLE_LOTS, TAMPER_LOT,
				      strlen(TAMPER_LOT), &v, &len),
			 PX_OK);
	{
		uint8_t *copy = malloc(len);

		assert_non_null(copy);
		memcpy(copy, v, len);
		assert_int_equal(px_store_put(t, PX_TABLE_LOTS, "GHOST-LOT", 9,
					      copy, len),
				 PX_OK);
		free(copy);
	}
}

/* "lot ‖ 0 ‖ shipment" of the lot -> shipment index */
static const char carried_key[] = "UZ-2026-F0001-001\0WB-7781";
#define CARRIED_KLEN (sizeof(carried_key) - 1)

static void
save_and_drop_carried(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;
	const uint8_t *v;

	assert_int_equal(px_store_get(t, PX_TABLE_LOT_SHIPMENTS, carried_key,
				      CARRIED_KLEN, &v, &sv->len),
			 PX_OK);
	assert_int_equal(sv->len, 8);
	memcpy(sv->value, v, sv->len);
	assert_int_equal(px_store_del(t, PX_TABLE_LOT_SHIPMENTS, carried_key,
				      CARRIED_KLEN),
			 PX_OK);
}

static void
restore_carried(struct px_txn *t, void *ctx)
{
	struct saved *sv = ctx;

	assert_int_equal(px_store_put(t, PX_TABLE_LOT_SHIPMENTS, carried_key,
				      CARRIED_KLEN, sv->value, sv->len),
			 PX_OK);
}

static void
add_stray_carried(struct px_txn *t, void *ctx)
{
	static const char key[] = TAMPER_LOT "\0WB-7781";
	uint8_t sent_at[8];

	(void)ctx;
	/* The farm's lot never left it: say it rode on the gin's shipment. */
	px_put_be64(sent_at, 9);
	assert_int_equal(px_store_put(t, PX_TABLE_LOT_SHIPMENTS, key,
				      sizeof(key) - 1, sent_at, 8),
			 PX_OK);
}

static void
drop_stray_carried(struct px_txn *t, void *ctx)
{
	static const char key[] = TAMPER_LOT "\0WB-7781";

	(void)ctx;
	assert_int_equal(
		px_store_del(t, PX_TABLE_LOT_SHIPMENTS, key, sizeof(key) - 1),
		PX_OK);
}

static void
expect_state_problem(struct pxt_ledger *fx, const char *table, const char *also)
{
	struct px_audit_report rep;
	char quoted[64];

	audit(fx, &rep);
	assert_int_equal(rep.intact, 0);
	snprintf(quoted, sizeof(quoted), "'%s'", table);
	if (!strstr(rep.problem, quoted) ||
	    (also && !strstr(rep.problem, also)))
		fail_msg("the problem does not name table %s (and '%s'): %s",
			 quoted, also ? also : "", rep.problem);
	/* State is not a leaf: no index to name, every leaf checked. */
	assert_int_equal(rep.has_bad_index, 0);
	assert_int_equal(rep.entries, pxt_log_size(fx->l));
}

static void
test_tampered_state(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	struct saved sv;

	(void)state;
	build(fx);
	close_ledger(fx);

	/* A holding one gram off. */
	edit_state(fx, save_and_inflate, &sv);
	expect_state_problem(fx, "holdings", TAMPER_LOT);
	/* Put right again, audit is satisfied: it found exactly that. */
	edit_state(fx, restore_holding, &sv);
	expect_intact(fx);

	/* A record missing. */
	edit_state(fx, save_and_drop_held_by, &sv);
	expect_state_problem(fx, "held_by", NULL);
	edit_state(fx, restore_held_by, &sv);
	expect_intact(fx);

	/* The lot -> shipment index checked both ways: a shipment
	 * missing from it, then one no transfer made. */
	edit_state(fx, save_and_drop_carried, &sv);
	expect_state_problem(fx, "lot_shipments", NULL);
	edit_state(fx, restore_carried, &sv);
	expect_intact(fx);
	edit_state(fx, add_stray_carried, NULL);
	expect_state_problem(fx, "lot_shipments", TAMPER_LOT);
	edit_state(fx, drop_stray_carried, NULL);
	expect_intact(fx);

	/* A record no leaf derives. */
	edit_state(fx, add_stray_lot, NULL);
	expect_state_problem(fx, "lots", "GHOST-LOT");

	pxt_ledger_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_progress_many),
		cmocka_unit_test(test_tampered_leaf),
		cmocka_unit_test(test_tampered_genesis),
		cmocka_unit_test(test_tampered_chain),
		cmocka_unit_test(test_tampered_subtree),
		cmocka_unit_test(test_forged_appends),
		cmocka_unit_test(test_leaf_times),
		cmocka_unit_test(test_tampered_checkpoint_signature),
		cmocka_unit_test(test_inconsistent_checkpoints),
		cmocka_unit_test(test_tampered_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
