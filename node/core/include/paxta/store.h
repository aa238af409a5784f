/*
 * paxta — the store: the only code that touches LMDB.
 *
 * A ledger folder holds one LMDB environment with these databases:
 *   meta         format version, origin, ...        name -> bytes
 *   leaves       the exact leaf bytes               index (u64 BE) -> leaf
 *   tree         hash chain and subtree hashes      index -> chain ‖ h0 ‖ h1 ‖
 * … entry_index  one entry stored once              entry hash -> index
 *   checkpoints  signed notes                       size (u64 BE) -> note
 *   and the tables of enum px_table, kept by the ledger's state layer.
 *
 * tree[i] holds chain_i (DESIGN.md §4) and h_l for every perfect subtree of
 * 2^l leaves that ends at leaf i ((i + 1) is a multiple of 2^l): h_0 is the
 * leaf hash. So the hash of any perfect subtree is one read, and a root or
 * an RFC 9162 proof costs O(log n) reads.
 *
 * Write transactions are single-writer: one process holds the folder's
 * writer lock, a flock(2) on the folder itself that the kernel releases
 * when the process dies (a second writer gets PX_ELOCKED), and one thread
 * writes at a time.
 * Durability is LMDB's default: px_store_commit returns after fsync.
 *
 * Threads: a store may be shared by any number of threads. Read snapshots
 * may be begun and ended on any thread (MDB_NOTLS), many at once, beside
 * the one write transaction. The map (address space, not disk) grows only
 * inside the store: px_store_grow, and the adoption of a size another
 * process set, wait until no read snapshot of this process is open and
 * hold new ones back meanwhile (LMDB forbids a resize under an open
 * transaction). So a thread must not begin a second read snapshot while it
 * holds one and another thread may grow the map: it would wait for itself.
 */
#ifndef PAXTA_STORE_H
#define PAXTA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/crypto.h"
#include "paxta/merkle.h"

/* 2: leaves wrap their entry with the node's time (entry.h), the index is
 * by entry hash. 3: the state keeps the lineage marker (state.h). */
#define PX_STORE_FORMAT 3

struct px_store;
struct px_txn;

/* Tables the ledger's state layer keeps beside the log. */
enum px_table {
	PX_TABLE_ACTORS,       /* actor id -> actor record */
	PX_TABLE_KEYS,         /* actor id ‖ 0 ‖ from index -> key record */
	PX_TABLE_LOTS,         /* lot id -> lot record */
	PX_TABLE_HOLDINGS,     /* lot id ‖ 0 ‖ holder -> grams */
	PX_TABLE_HELD_BY,      /* holder ‖ 0 ‖ lot id -> grams */
	PX_TABLE_SHIPMENTS,    /* shipment id -> shipment record */
	PX_TABLE_EDGES_UP,     /* lot ‖ 0 ‖ input lot -> grams consumed */
	PX_TABLE_EDGES_DOWN,   /* input lot ‖ 0 ‖ output lot -> grams */
	PX_TABLE_ATTESTATIONS, /* subject ‖ 0 ‖ season ‖ index -> record */
	PX_TABLE_LABS,         /* lot ‖ 0 ‖ index -> lab record */
	PX_TABLE_ORIGINS,      /* district ‖ 0 ‖ season ‖ lot -> farm */
	PX_TABLE_IN_TRANSIT, /* lot ‖ 0 ‖ shipment -> grams ‖ consignee */
	PX_TABLE_PLACES,     /* country, region or district code -> record */
	/* author ‖ 0 ‖ event_id -> index (8 bytes); and 0 ‖ "lineage" ->
	 * the lineage marker (state.h), an index too */
	PX_TABLE_EVENTS,
	/* lot ‖ 0 ‖ shipment -> index of the transfer (8 bytes): every
	 * shipment that ever carried the lot, voided ones too */
	PX_TABLE_LOT_SHIPMENTS,
	/* actor ‖ 0 ‖ index (8) -> nothing: every entry that registered,
	 * changed, re-keyed, revoked or suspended the actor */
	PX_TABLE_ACTOR_ENTRIES,
	/* The verifiable index (index.h): each key's entries, its value, and
	 * the sparse Merkle tree's subtrees of two leaves or more. */
	PX_TABLE_INDEX_LISTS,  /* key (32) ‖ index (8) -> nothing */
	PX_TABLE_INDEX_LEAVES, /* key (32) -> value (32) */
	PX_TABLE_INDEX_NODES,  /* depth (1) ‖ path (32) -> hash (32) */
	PX_TABLE__COUNT
};

enum px_store_flags {
	PX_STORE_CREATE =
		1 << 0, /* make a new ledger; PX_EEXIST if one is there */
	PX_STORE_READONLY = 1 << 1, /* no writes, no writer lock */
	/* A throwaway store (audit's re-derived state): commits skip the
	 * fsync, and pages are written straight into the map (LMDB's
	 * MDB_WRITEMAP: no copy of each dirty page through write(2); the data
	 * file is made as large as the map, sparse). So a scratch store has no
	 * nested transactions (PX_EINVAL). Never for a ledger. */
	PX_STORE_SCRATCH = 1 << 2,
};

/*
 * Open the ledger folder dir. With PX_STORE_CREATE the folder is made if
 * missing and must not hold a ledger yet (PX_EEXIST). Otherwise:
 * PX_ENOTFOUND (no such folder), PX_EFOREIGN (a folder that is not a paxta
 * ledger of this format), PX_ELOCKED (another process writes it, only
 * without PX_STORE_READONLY), PX_ESTORE.
 */
int px_store_open(struct px_store **out, const char *dir, unsigned flags);

/* The map size a store starts with; px_store_grow doubles it when full.
 * It is address space, not memory or disk (the file grows with the log):
 * 64 GiB holds ~50 million entries before a grow. */
#define PX_STORE_MAP_DEFAULT ((size_t)64 << 30)

/* As px_store_open, with the initial map size in bytes (0: the default). */
int px_store_open_sized(struct px_store **out, const char *dir, unsigned flags,
			size_t map_bytes);

/*
 * A scratch store (PX_STORE_SCRATCH) in a new folder "NAME-XXXXXX" under
 * dir (NULL: $TMPDIR, else /tmp), which px_store_close removes with its
 * files: audit's re-derived state, a bundle's offline replay.
 */
int px_store_open_scratch(struct px_store **out, const char *dir,
			  const char *name);

/* Close; accepts NULL. No transaction may be open. */
void px_store_close(struct px_store *s);

/* The folder this store lives in (borrowed until px_store_close). */
const char *px_store_dir(const struct px_store *s);

/* Bytes the data file takes on disk. */
int px_store_disk_bytes(struct px_store *s, uint64_t *out);

/*
 * Begin a transaction: a read snapshot (write = 0; any thread, many at once)
 * or the write transaction (write = 1). A nested write transaction
 * (parent != NULL) commits into its parent or is undone alone: the ledger
 * refuses one entry of a batch without losing the others. Not in a scratch
 * store (PX_EINVAL).
 */
int px_store_begin(struct px_txn **out, struct px_store *s, int write);
int px_store_begin_nested(struct px_txn **out, struct px_txn *parent);

/*
 * Commit: for a top-level write transaction, returns only after the data is
 * on disk (PX_OK), or PX_EFULL when the map filled (the transaction is undone:
 * call px_store_grow and try again), or PX_ESTORE. Frees t in every case.
 */
int px_store_commit(struct px_txn *t);

/* Undo and free; accepts NULL. */
void px_store_abort(struct px_txn *t);

/*
 * Work a write transaction owes before it commits. The verifiable index
 * (index.c) puts each leaf it changes at once but rewrites the subtrees
 * above them once for the whole transaction: a batch's keys share the top
 * of the tree. The work is registered on the outermost transaction, whose
 * px_store_commit runs flush before LMDB commits (a failure undoes the
 * transaction and is returned, PX_EFULL included, so a grow-and-retry
 * redoes it); every end of the transaction, commit or abort, runs drop.
 * Work noted in a nested transaction that is then undone stays noted: its
 * flush must be harmless for it.
 */
struct px_store_pending {
	int (*flush)(struct px_txn *t, void *state);
	void (*drop)(void *state);
};

/* Is t nested in another write transaction? */
int px_store_nested(const struct px_txn *t);

/* The state registered for kind on t's outermost transaction, or NULL. */
void *px_store_pending_get(struct px_txn *t,
			   const struct px_store_pending *kind);
/* Register state for kind (one kind per transaction): PX_EINVAL on a read
 * snapshot or when another kind is registered. */
int px_store_pending_set(struct px_txn *t, const struct px_store_pending *kind,
			 void *state);

/* Is t a write transaction (outermost or nested), not a read snapshot? */
int px_store_writing(const struct px_txn *t);

/*
 * An attachment: one pointer that a layer above keeps for as long as the
 * store is open (the verdict's memory of lineages, provenance.h). The store
 * never looks inside it: it makes it once and releases it at close.
 */
struct px_store_attachment {
	void *(*make)(void);          /* NULL when out of memory */
	void (*release)(void *state); /* at px_store_close */
};

/*
 * The state of kind attached to t's store: made by kind->make on the first
 * call, under a lock of the store, so that every thread gets the same one;
 * released by kind->release in px_store_close. *out is borrowed until
 * px_store_close (after every transaction has ended, as close demands)
 * and shared by every thread of the store: it does its own locking.
 * PX_ENOMEM when make fails (a later call tries again); PX_EINVAL when
 * another kind is attached (one kind per store).
 */
int px_store_attachment(struct px_txn *t,
			const struct px_store_attachment *kind, void **out);

/* Double the map. The calling thread holds no transaction; the call waits
 * until other threads' read snapshots end (see "Threads" above). */
int px_store_grow(struct px_store *s);

/* ---- the log ---- */

/* Number of leaves in the snapshot. */
uint64_t px_store_size(const struct px_txn *t);

/*
 * Append leaf (its exact bytes, whose RFC 9162 leaf hash the caller
 * computed) as the next index: writes the leaf, its chain value and the
 * subtree hashes it completes, and indexes it under key (the ledger gives
 * the entry hash: entry.h). A key already indexed is PX_EEXIST (nothing
 * written). PX_EFULL when the map is full.
 */
int px_store_append(struct px_txn *t, const uint8_t *leaf, size_t len,
		    const struct px_hash *leaf_hash, const struct px_hash *key);

/* The index stored under key: PX_ENOTFOUND, or PX_ESTORE when the record
 * is cut or names an index past the log. The store cannot tell whether the
 * leaf there is the one the key hashes (it does not read leaves): the
 * state layer confirms it (px_state_find_entry) before anyone acts on it. */
int px_store_find(struct px_txn *t, const struct px_hash *key,
		  uint64_t *out_index);

/* The leaf at index: *out points into the map, valid until t ends. */
int px_store_leaf(struct px_txn *t, uint64_t index, const uint8_t **out,
		  size_t *out_len);

/* Leaf hash and chain value of index. */
int px_store_leaf_hash(struct px_txn *t, uint64_t index, struct px_hash *out);
int px_store_chain(struct px_txn *t, uint64_t index, struct px_hash *out);

/*
 * The raw tree record of index, for audit: *out points into the map until t
 * ends; its length is 32 * (2 + levels) for the chain value and h_0..h_levels.
 */
int px_store_tree_record(struct px_txn *t, uint64_t index, const uint8_t **out,
			 size_t *out_len);

/* A px_merkle_source over t (ctx = t): for px_merkle_* functions. */
int px_store_merkle_source(void *ctx, uint64_t start, unsigned level,
			   struct px_hash *out);

/* Root of the first size leaves (size <= px_store_size). */
int px_store_root(struct px_txn *t, uint64_t size, struct px_hash *out);

/* ---- metadata ---- */

/* A metadata value: *out borrowed until t ends. PX_ENOTFOUND. */
int px_store_meta_get(struct px_txn *t, const char *name, const uint8_t **out,
		      size_t *out_len);
int px_store_meta_put(struct px_txn *t, const char *name, const void *value,
		      size_t len);

/* ---- checkpoints ---- */

/* Store the signed note for a tree of size leaves. */
int px_store_checkpoint_put(struct px_txn *t, uint64_t size, const char *note,
			    size_t len);

/* The latest stored checkpoint (largest size): PX_ENOTFOUND when none.
 * *note borrowed until t ends, not NUL-terminated. */
int px_store_checkpoint_latest(struct px_txn *t, uint64_t *out_size,
			       const char **note, size_t *note_len);

/* The stored checkpoint of a tree of size leaves: PX_ENOTFOUND when none
 * was signed at that size. *note borrowed until t ends, not
 * NUL-terminated. */
int px_store_checkpoint_get(struct px_txn *t, uint64_t size, const char **note,
			    size_t *note_len);

/* Call fn for each stored checkpoint in increasing size; a non-zero return
 * from fn stops and is returned. */
typedef int (*px_store_checkpoint_fn)(void *ctx, uint64_t size,
				      const char *note, size_t len);
int px_store_checkpoint_each(struct px_txn *t, px_store_checkpoint_fn fn,
			     void *ctx);

/* Call fn for each record of the entry index (entry hash -> index, u64
 * big-endian), in key order, with the raw bytes as stored (audit checks
 * their shape). A non-zero return from fn stops and is returned. */
typedef int (*px_store_index_fn)(void *ctx, const uint8_t *key, size_t klen,
				 const uint8_t *value, size_t vlen);
int px_store_entry_index_each(struct px_txn *t, px_store_index_fn fn,
			      void *ctx);

/* The same from the first checkpoint of at least start leaves on. */
int px_store_checkpoint_from(struct px_txn *t, uint64_t start,
			     px_store_checkpoint_fn fn, void *ctx);

/* ---- what a witness keeps (witness.h) ----
 *
 *   witnessed   the latest checkpoint cosigned      log origin -> signed note
 *   evidence    two inconsistent signed checkpoints SHA-256 of it -> JSON
 *
 * Both tables are made on the first writable open; a read-only store of an
 * older ledger answers PX_ENOTFOUND and no evidence.
 */

/* The latest note witnessed for origin; *note borrowed until t ends, not
 * NUL-terminated. PX_ENOTFOUND when none. */
int px_store_witnessed_get(struct px_txn *t, const char *origin,
			   const char **note, size_t *note_len);
int px_store_witnessed_put(struct px_txn *t, const char *origin,
			   const char *note, size_t note_len);

/* Keep evidence under id (the SHA-256 of text: kept once however often it
 * is met). */
int px_store_evidence_put(struct px_txn *t, const struct px_hash *id,
			  const char *text, size_t len);
/* Call fn for each piece of evidence; a non-zero return stops and is
 * returned. */
typedef int (*px_store_evidence_fn)(void *ctx, const char *text, size_t len);
int px_store_evidence_each(struct px_txn *t, px_store_evidence_fn fn,
			   void *ctx);

/* ---- state tables ---- */

/* Get: *out borrowed until t ends (or the next write to the table).
 * PX_ENOTFOUND when absent. */
int px_store_get(struct px_txn *t, enum px_table table, const void *key,
		 size_t klen, const uint8_t **out, size_t *out_len);
int px_store_put(struct px_txn *t, enum px_table table, const void *key,
		 size_t klen, const void *value, size_t vlen);
/* Delete; PX_ENOTFOUND when absent. */
int px_store_del(struct px_txn *t, enum px_table table, const void *key,
		 size_t klen);

/*
 * Call fn for every record whose key starts with prefix (plen may be 0), in
 * key order. A non-zero return from fn stops the scan and is returned.
 * fn must not write to the table being scanned.
 */
typedef int (*px_store_scan_fn)(void *ctx, const uint8_t *key, size_t klen,
				const uint8_t *value, size_t vlen);
int px_store_scan(struct px_txn *t, enum px_table table, const void *prefix,
		  size_t plen, px_store_scan_fn fn, void *ctx);

/*
 * Compare table in two snapshots (of two stores, say a ledger and audit's
 * re-derivation of it), walking both in key order at once: no lookups.
 * *out says how they first part, and *key, *klen (borrowed until either
 * snapshot ends) where: a record only in a, only in b, or in both with other
 * values; PX_DIFF_NONE when the tables are equal. PX_OK, PX_EINVAL (no such
 * table), PX_ESTORE.
 */
enum px_store_diff {
	PX_DIFF_NONE,
	PX_DIFF_ONLY_A,
	PX_DIFF_ONLY_B,
	PX_DIFF_VALUE,
};
int px_store_table_diff(struct px_txn *a, struct px_txn *b, enum px_table table,
			enum px_store_diff *out, const uint8_t **key,
			size_t *klen);

/*
 * The nearest keys of table around key, in key order: *below the greatest
 * key less than key, *above the least greater one (NULL, 0 when there is
 * none). Borrowed until t ends or the table is written. PX_OK, PX_EINVAL
 * (no such table), PX_ESTORE.
 */
int px_store_near(struct px_txn *t, enum px_table table, const void *key,
		  size_t klen, const uint8_t **below, size_t *below_len,
		  const uint8_t **above, size_t *above_len);

/*
 * The first record of table whose key is key or after it: *out_key and
 * *value borrowed as px_store_near's. PX_OK, PX_ENOTFOUND (none), PX_EINVAL,
 * PX_ESTORE.
 */
int px_store_seek(struct px_txn *t, enum px_table table, const void *key,
		  size_t klen, const uint8_t **out_key, size_t *out_klen,
		  const uint8_t **value, size_t *vlen);

/* The table's name, "holdings" etc. */
const char *px_store_table_name(enum px_table table);

/* Remove every record of table (audit rebuilds state from the leaves). */
int px_store_clear(struct px_txn *t, enum px_table table);

/* Big-endian u64 helpers for keys. */
void px_put_be64(uint8_t out[8], uint64_t v);
uint64_t px_get_be64(const uint8_t in[8]);

#endif
