/*
 * paxta — audit: re-verify the whole log and re-derive its state.
 *
 * The leaves are replayed, in order, into a scratch store through the same
 * rules the ledger applied when it accepted them. The scratch store then
 * holds what the ledger *should* hold: its tree records must equal the
 * stored ones (chain and subtree hashes), its roots must equal the stored
 * checkpoints', and its state tables must equal the stored tables.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paxta/audit.h"
#include "paxta/audit_index.h"
#include "paxta/checkpoint.h"
#include "paxta/entry.h"
#include "paxta/rules.h"
#include "paxta/state.h"
#include "paxta/verify.h"

/* Leaves verified in parallel and replayed per scratch transaction. */
#define CHUNK 4096

struct stored_checkpoint {
	uint64_t size;
	char *note;
	size_t len;
};

struct audit {
	struct px_audit_report *out;
	struct px_ledger *l;
	struct px_txn *src; /* the ledger's snapshot */
	struct stored_checkpoint *cps;
	size_t n_cps, next_cp;
	struct px_note_verifier verifier;
	int64_t last_accepted; /* the previous leaf's time (entry.h) */
};

__attribute__((format(printf, 3, 4))) static void
bad(struct audit *a, int64_t index, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!a->out->intact)
		return; /* the first problem is the one named */
	a->out->intact = 0;
	if (index >= 0) {
		a->out->has_bad_index = 1;
		a->out->bad_index = (uint64_t)index;
		n = snprintf(a->out->problem, sizeof(a->out->problem),
			     "entry %" PRId64 ": ", index);
	}
	va_start(ap, fmt);
	vsnprintf(a->out->problem + n, sizeof(a->out->problem) - (size_t)n, fmt,
		  ap);
	va_end(ap);
}

static int
collect_checkpoint(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct audit *a = ctx;
	struct stored_checkpoint *c;

	c = realloc(a->cps, (a->n_cps + 1) * sizeof(*c));
	if (!c)
		return PX_ENOMEM;
	a->cps = c;
	c[a->n_cps].note = malloc(len + 1);
	if (!c[a->n_cps].note)
		return PX_ENOMEM;
	memcpy(c[a->n_cps].note, note, len);
	c[a->n_cps].note[len] = '\0';
	c[a->n_cps].len = len;
	c[a->n_cps].size = size;
	a->n_cps++;
	return PX_OK;
}

/* The stored checkpoints of tree size `size` (the scratch tree has that
 * many leaves now): root and signature. */
static int
check_checkpoints(struct audit *a, struct px_txn *scratch, uint64_t size)
{
	while (a->next_cp < a->n_cps && a->cps[a->next_cp].size <= size) {
		const struct stored_checkpoint *c = &a->cps[a->next_cp++];
		struct px_checkpoint cp;
		struct px_hash root;
		int rc;

		if (c->size < size)
			continue; /* passed: it was checked, or size 0 */
		rc = px_checkpoint_open(&cp, c->note, c->len, &a->verifier);
		if (rc != PX_OK) {
			bad(a, -1, "checkpoint of size %" PRIu64 ": %s",
			    c->size,
			    rc == PX_EVERIFY ? "its signature does not verify "
					       "with the node's key"
					     : "it is not a signed checkpoint");
			return PX_OK;
		}
		if ((rc = px_store_root(scratch, size, &root)) != PX_OK)
			return rc;
		if (cp.size != c->size ||
		    strcmp(cp.origin, px_ledger_origin(a->l)) != 0 ||
		    memcmp(cp.root.b, root.b, PX_HASH_LEN) != 0) {
			bad(a, -1,
			    "checkpoint of size %" PRIu64 " does not match "
			    "the tree of the log's first %" PRIu64 " leaves",
			    c->size, size);
			return PX_OK;
		}
		a->out->checkpoints++;
	}
	return PX_OK;
}

/* Leaf i replayed into the scratch store: compare what it derived. */
static int
compare_leaf(struct audit *a, struct px_txn *scratch, uint64_t i,
	     const struct px_entry *e)
{
	const struct px_hash *leaf_hash = &e->leaf_hash;
	const uint8_t *want, *have;
	size_t want_len, have_len;
	uint64_t found;
	int rc;

	rc = px_store_tree_record(a->src, i, &have, &have_len);
	if (rc == PX_ENOTFOUND || rc == PX_ESTORE) {
		bad(a, (int64_t)i, "its hash-chain record is missing or cut");
		return PX_OK;
	}
	if (rc != PX_OK)
		return rc;
	if ((rc = px_store_tree_record(scratch, i, &want, &want_len)) != PX_OK)
		return rc;
	if (memcmp(have + PX_HASH_LEN, leaf_hash->b, PX_HASH_LEN) != 0) {
		bad(a, (int64_t)i,
		    "the leaf's bytes do not hash to its stored leaf hash (the "
		    "leaf was altered)");
		return PX_OK;
	}
	if (memcmp(have, want, PX_HASH_LEN) != 0) {
		bad(a, (int64_t)i,
		    "the hash chain is broken: its stored chain value is not "
		    "SHA-256(0x02 || prev || leaf hash)");
		return PX_OK;
	}
	if (have_len != want_len || memcmp(have, want, want_len) != 0) {
		bad(a, (int64_t)i,
		    "a stored Merkle subtree hash ending at this leaf is "
		    "wrong");
		return PX_OK;
	}
	rc = px_store_find(a->src, &e->entry_hash, &found);
	if (rc == PX_ENOTFOUND || (rc == PX_OK && found != i)) {
		bad(a, (int64_t)i, "the entry index does not point at it");
		return PX_OK;
	}
	return rc;
}

/* A leaf that fails a check may simply have been altered on disk: say so
 * when its bytes no longer hash to the stored leaf hash. */
static int
compare_leaf_hash_only(struct audit *a, uint64_t i,
		       const struct px_hash *leaf_hash)
{
	struct px_hash stored;
	int rc = px_store_leaf_hash(a->src, i, &stored);

	if (rc == PX_ENOTFOUND || rc == PX_ESTORE) {
		bad(a, (int64_t)i, "its hash-chain record is missing or cut");
		return PX_OK;
	}
	if (rc == PX_OK && memcmp(stored.b, leaf_hash->b, PX_HASH_LEN) != 0)
		bad(a, (int64_t)i,
		    "the leaf's bytes do not hash to its stored leaf hash (the "
		    "leaf was altered)");
	return rc;
}

static int
replay_leaf(struct audit *a, struct px_txn *scratch, uint64_t i,
	    struct px_entry *e)
{
	struct px_rules_ctx ctx;
	int rc;

	if (e->status != PX_OK) {
		/* Name a tampered leaf as tampered, not just as malformed. */
		rc = compare_leaf_hash_only(a, i, &e->leaf_hash);
		if (rc == PX_OK)
			bad(a, (int64_t)i, "%s",
			    e->status == PX_EVERIFY
				    ? "its signature does not verify for its "
				      "key"
				    : "it is not a signed paxta entry");
		return rc;
	}
	/* The node's times run forward in its log (DESIGN.md §4). */
	if (i > 0 && e->accepted_at < a->last_accepted) {
		bad(a, (int64_t)i,
		    "it was accepted at %" PRId64 ", before the leaf before it "
		    "(%" PRId64 "): the node's times must run forward",
		    e->accepted_at, a->last_accepted);
		return PX_OK;
	}
	a->last_accepted = e->accepted_at;
	/* Judged at its acceptance time, as the node judged it. */
	px_ledger_rules_ctx(a->l, e->accepted_at, &ctx);
	rc = px_ledger_apply(scratch, &ctx, e);
	if (rc == PX_EREFUSED || rc == PX_EVERIFY) {
		rc = compare_leaf_hash_only(a, i, &e->leaf_hash);
		if (rc == PX_OK)
			bad(a, (int64_t)i, "it breaks a rule (%s): %s",
			    px_code_name(e->result.refusal.code),
			    e->result.refusal.message);
		return rc;
	}
	if (rc == PX_EEXIST) {
		bad(a, (int64_t)i, "the same leaf is logged twice");
		return PX_OK;
	}
	if (rc != PX_OK)
		return rc;
	return compare_leaf(a, scratch, i, e);
}

/* ---- the state tables ---- */

static void
describe_key(char *out, size_t cap, const uint8_t *key, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < cap; i++) {
		if (key[i] >= 0x20 && key[i] < 0x7f && key[i] != '\\')
			out[o++] = (char)key[i];
		else if (key[i] == 0)
			out[o++] = '/';
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x",
					      key[i]);
	}
	out[o] = '\0';
}

/* The stored state tables against the re-derived ones, each walked in key
 * order beside the other. */
static int
compare_tables(struct audit *a, struct px_txn *scratch)
{
	for (int t = 0; t < PX_TABLE__COUNT; t++) {
		enum px_store_diff diff;
		const uint8_t *key;
		size_t klen;
		char text[160];
		int rc;

		rc = px_store_table_diff(a->src, scratch, (enum px_table)t,
					 &diff, &key, &klen);
		if (rc != PX_OK)
			return rc;
		if (diff == PX_DIFF_NONE)
			continue;
		describe_key(text, sizeof(text), key, klen);
		if (diff == PX_DIFF_ONLY_B)
			bad(a, -1,
			    "stored state table '%s' lacks key '%s' that the "
			    "leaves derive",
			    px_store_table_name((enum px_table)t), text);
		else
			bad(a, -1,
			    "stored state table '%s' differs from the state "
			    "re-derived from the leaves at key '%s'",
			    px_store_table_name((enum px_table)t), text);
		return PX_OK;
	}
	return PX_OK;
}

/* One chunk of leaves: pointers into the snapshot and their signature
 * checks. */
struct chunk {
	struct px_verifier *pool;
	struct px_entry entries[CHUNK];
	struct px_entry *ptrs[CHUNK];
	size_t n;
	int64_t missing; /* index of a leaf that is not there, or -1 */
	int rc;          /* the pool's: PX_OK or could not check */
};

static void
release_chunk(struct chunk *c)
{
	for (size_t i = 0; i < c->n; i++)
		px_entry_release(&c->entries[i]);
	c->n = 0;
}

static int
fetch_chunk(struct audit *a, struct chunk *c, uint64_t base, uint64_t size)
{
	size_t want = size - base < CHUNK ? (size_t)(size - base) : CHUNK;
	int rc;

	release_chunk(c);
	c->missing = -1;
	for (size_t i = 0; i < want; i++) {
		const uint8_t *leaf;
		size_t len;

		rc = px_store_leaf(a->src, base + i, &leaf, &len);
		if (rc == PX_ENOTFOUND) {
			c->missing = (int64_t)(base + i);
			break;
		}
		if (rc != PX_OK)
			return rc;
		px_entry_init_logged(&c->entries[i], leaf, len);
		c->ptrs[i] = &c->entries[i];
		c->n = i + 1;
	}
	return PX_OK;
}

/* Hash, decode and verify a chunk on every core. */
static void
verify_chunk(struct chunk *c)
{
	c->rc = px_verifier_run(c->pool, c->ptrs, c->n, PX_ENTRY_ALL);
}

static void *
verify_thread(void *arg)
{
	verify_chunk(arg);
	return NULL;
}

/* Replay a verified chunk into the scratch store, in one transaction. */
static int
replay_chunk(struct audit *a, struct px_store *scratch, struct chunk *c,
	     uint64_t base)
{
	struct px_txn *st = NULL;
	int rc;

	if (c->rc != PX_OK)
		return c->rc;
	if ((rc = px_store_begin(&st, scratch, 1)) != PX_OK)
		return rc;
	for (size_t i = 0; i < c->n && a->out->intact; i++) {
		rc = replay_leaf(a, st, base + i, &c->entries[i]);
		if (rc != PX_OK) {
			px_store_abort(st);
			return rc;
		}
		if (a->out->intact) {
			a->out->entries++;
			rc = check_checkpoints(a, st, base + i + 1);
			if (rc != PX_OK) {
				px_store_abort(st);
				return rc;
			}
		}
	}
	if (a->out->intact && c->missing >= 0)
		bad(a, c->missing, "the leaf is missing");
	return px_store_commit(st);
}

int
px_audit(struct px_audit_report *out, struct px_ledger *l,
	 struct px_verifier *v, const char *scratch_dir,
	 px_audit_progress progress, void *ctx)
{
	struct audit a = { .out = out, .l = l };
	struct px_verifier *own = NULL;
	struct px_store *scratch = NULL;
	struct px_txn *st = NULL;
	struct chunk *chunks = NULL;
	pthread_t verifier_thread;
	uint64_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	out->intact = 1;
	snprintf(a.verifier.name, sizeof(a.verifier.name), "%s",
		 px_ledger_origin(l));
	a.verifier.pub = *px_ledger_node_key(l);
	rc = px_note_key_id(a.verifier.key_id, a.verifier.name,
			    &a.verifier.pub);
	if (rc != PX_OK)
		return rc;
	if (!v) {
		if ((rc = px_verifier_new(&own, 0)) != PX_OK)
			return rc;
		v = own;
	}
	chunks = calloc(2, sizeof(*chunks));
	if (!chunks) {
		rc = PX_ENOMEM;
		goto out;
	}
	chunks[0].pool = chunks[1].pool = v;
	if ((rc = px_store_open_scratch(&scratch, scratch_dir,
					"paxta-audit")) != PX_OK)
		goto out;
	if ((rc = px_ledger_read(l, &a.src)) != PX_OK)
		goto out;
	size = px_store_size(a.src);
	if ((rc = px_store_checkpoint_each(a.src, collect_checkpoint, &a)) !=
	    PX_OK)
		goto out;

	/* Verify chunk k + 1 on the pool while chunk k is replayed. */
	if ((rc = fetch_chunk(&a, &chunks[0], 0, size)) != PX_OK)
		goto out;
	verify_chunk(&chunks[0]);
	for (uint64_t base = 0, k = 0; base < size && out->intact;
	     base += CHUNK, k++) {
		struct chunk *cur = &chunks[k % 2],
			     *next = &chunks[(k + 1) % 2];
		int verifying = 0;

		if (base + CHUNK < size) {
			if ((rc = fetch_chunk(&a, next, base + CHUNK, size)) !=
			    PX_OK)
				goto out;
			if (pthread_create(&verifier_thread, NULL,
					   verify_thread, next) != 0) {
				rc = PX_ENOMEM;
				goto out;
			}
			verifying = 1;
		}
		rc = replay_chunk(&a, scratch, cur, base);
		if (verifying)
			pthread_join(verifier_thread, NULL);
		if (rc != PX_OK)
			goto out;
		if (progress)
			progress(ctx, out->entries, size);
	}
	if (out->intact && a.next_cp < a.n_cps)
		bad(&a, -1,
		    "a checkpoint of size %" PRIu64 " is stored, but the log "
		    "has only %" PRIu64 " leaves",
		    a.cps[a.next_cp].size, size);
	if (out->intact) {
		if ((rc = px_store_begin(&st, scratch, 0)) != PX_OK)
			goto out;
		rc = compare_tables(&a, st);
	}
	/* records that name leaves, checked from their side */
	if (rc == PX_OK && out->intact)
		rc = px_audit_indexes(out, l, a.src);
out:
	px_store_abort(st);
	px_store_abort(a.src);
	px_store_close(scratch);
	for (size_t i = 0; i < a.n_cps; i++)
		free(a.cps[i].note);
	free(a.cps);
	if (chunks) {
		release_chunk(&chunks[0]);
		release_chunk(&chunks[1]);
	}
	free(chunks);
	px_verifier_free(own);
	return rc;
}
