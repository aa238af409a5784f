/* paxta — audit of the entry index, the checkpoints and their seal. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paxta/audit_index.h"
#include "paxta/checkpoint.h"
#include "paxta/cpseal.h"
#include "paxta/state.h"

struct index_audit {
	struct px_audit_report *out;
	struct px_ledger *l;
	struct px_txn *t;
	uint64_t size; /* leaves in the log */
	uint64_t records;
	struct px_note_verifier verifier;
	int rc; /* a failure to check, from a callback */
};

__attribute__((format(printf, 3, 4))) static void
bad(struct index_audit *a, int64_t index, const char *fmt, ...)
{
	struct px_audit_report *out = a->out;
	va_list ap;
	int n = 0;

	if (!out->intact)
		return; /* the first problem is the one named */
	out->intact = 0;
	if (index >= 0) {
		out->has_bad_index = 1;
		out->bad_index = (uint64_t)index;
		n = snprintf(out->problem, sizeof(out->problem),
			     "entry %" PRId64 ": ", index);
	}
	va_start(ap, fmt);
	vsnprintf(out->problem + n, sizeof(out->problem) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* One record of the entry index: it names a leaf of this log whose entry
 * hashes to its key (entry.h). Stops (returns 1) at the first bad one. */
static int
check_record(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	     size_t vlen)
{
	struct index_audit *a = ctx;
	char hex[2 * PX_HASH_LEN + 1] = "";
	struct px_hash h;
	uint64_t index, at;
	int rc;

	a->records++;
	if (klen != PX_HASH_LEN || vlen != 8) {
		bad(a, -1,
		    "the entry index holds a record that is not an entry hash "
		    "and an index (%zu and %zu bytes)",
		    klen, vlen);
		return 1;
	}
	px_hex_encode(hex, key, PX_HASH_LEN);
	index = px_get_be64(value);
	if (index >= a->size) {
		bad(a, -1,
		    "the entry index names entry %" PRIu64 " for hash %s, but "
		    "the log has %" PRIu64 " leaves",
		    index, hex, a->size);
		return 1;
	}
	memcpy(h.b, key, PX_HASH_LEN);
	rc = px_state_find_entry(a->t, &h, &at);
	if (rc == PX_ESTORE) {
		bad(a, (int64_t)index,
		    "the entry index says hash %s is this entry, whose hash "
		    "differs (a forged index record would answer 'duplicate' "
		    "for an entry never stored)",
		    hex);
		return 1;
	}
	if (rc != PX_OK) {
		a->rc = rc;
		return 1;
	}
	return 0;
}

/* The entry hash of leaf i; a leaf that does not unwrap has none (audit's
 * replay names it). */
static int
entry_hash_at(struct index_audit *a, uint64_t i, struct px_hash *out, int *has)
{
	struct px_entry e;
	const uint8_t *leaf;
	size_t len;
	int rc = px_store_leaf(a->t, i, &leaf, &len);

	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	if ((rc = px_entry_read(&e, leaf, len, PX_ENTRY_HASH)) != PX_OK)
		return rc;
	*has = e.signed_entry != NULL;
	*out = e.entry_hash;
	px_entry_release(&e);
	return PX_OK;
}

static int
check_entry_index(struct index_audit *a)
{
	int rc = px_store_entry_index_each(a->t, check_record, a);

	if (rc == 1)
		return a->rc;
	if (rc != PX_OK)
		return rc;
	/* Every record names a distinct leaf with its hash, so as many
	 * records as leaves means every leaf is indexed. */
	if (a->out->intact && a->records != a->size) {
		uint64_t missing = 0;
		struct px_hash h;

		for (uint64_t i = 0; i < a->size; i++) {
			uint64_t at;
			int has;

			if ((rc = entry_hash_at(a, i, &h, &has)) != PX_OK)
				return rc;
			if (!has)
				continue;
			rc = px_store_find(a->t, &h, &at);
			if (rc == PX_ENOTFOUND || (rc == PX_OK && at != i)) {
				missing = i;
				break;
			}
			if (rc != PX_OK)
				return rc;
		}
		bad(a, (int64_t)missing,
		    "the entry index has %" PRIu64 " records for %" PRIu64
		    " leaves; this one is not indexed",
		    a->records, a->size);
	}
	return PX_OK;
}

/* A stored checkpoint, whatever its size: signed by the node's key for
 * this log, at the size it is stored under, with the log's root there. */
static int
check_note(void *ctx, uint64_t size, const char *note, size_t len)
{
	struct index_audit *a = ctx;
	struct px_checkpoint cp;
	struct px_hash root;
	int rc;

	rc = px_checkpoint_open(&cp, note, len, &a->verifier);
	if (rc != PX_OK) {
		bad(a, -1, "checkpoint of size %" PRIu64 ": %s", size,
		    rc == PX_EVERIFY ? "its signature does not verify with "
				       "the node's key"
				     : "it is not a signed checkpoint");
		return 1;
	}
	if (cp.size != size || strcmp(cp.origin, px_ledger_origin(a->l))) {
		bad(a, -1,
		    "checkpoint stored as size %" PRIu64 " says size %" PRIu64
		    " of log '%s'",
		    size, cp.size, cp.origin);
		return 1;
	}
	if (size > a->size) {
		bad(a, -1,
		    "a checkpoint of size %" PRIu64 " is stored, but the log "
		    "has only %" PRIu64 " leaves",
		    size, a->size);
		return 1;
	}
	/* RFC 9162 §2.1.1: the hash of an empty list is SHA-256 of nothing */
	rc = size == 0 ? px_sha256(&root, "", 0)
		       : px_store_root(a->t, size, &root);
	if (rc != PX_OK) {
		a->rc = rc;
		return 1;
	}
	if (memcmp(root.b, cp.root.b, PX_HASH_LEN) != 0) {
		bad(a, -1,
		    "checkpoint of size %" PRIu64 " does not match the tree "
		    "of the log's first %" PRIu64 " leaves",
		    size, size);
		return 1;
	}
	return 0;
}

int
px_audit_indexes(struct px_audit_report *out, struct px_ledger *l,
		 struct px_txn *t)
{
	struct index_audit a = { .out = out, .l = l, .t = t };
	char problem[256];
	int rc;

	a.size = px_store_size(t);
	snprintf(a.verifier.name, sizeof(a.verifier.name), "%s",
		 px_ledger_origin(l));
	a.verifier.pub = *px_ledger_node_key(l);
	rc = px_note_key_id(a.verifier.key_id, a.verifier.name,
			    &a.verifier.pub);
	if (rc != PX_OK)
		return rc;
	if ((rc = check_entry_index(&a)) != PX_OK || !out->intact)
		return rc;
	rc = px_store_checkpoint_each(t, check_note, &a);
	if (rc == 1)
		return a.rc;
	if (rc != PX_OK || !out->intact)
		return rc;
	/* A replica keeps its source's signed notes, each checked above, and
	 * holds no key to seal them: a note missing from it is fetched again
	 * by the next 'paxta mirror'. */
	{
		const uint8_t *v;
		size_t vlen;

		rc = px_store_meta_get(t, PX_LEDGER_REPLICA_META, &v, &vlen);
		if (rc == PX_OK) {
			out->replica = 1;
			return PX_OK;
		}
		if (rc != PX_ENOTFOUND)
			return rc;
	}
	rc = px_cpseal_check(t, px_ledger_node_key(l), problem,
			     sizeof(problem));
	if (rc == PX_EVERIFY) {
		bad(&a, -1, "%s", problem);
		rc = PX_OK;
	}
	return rc;
}
