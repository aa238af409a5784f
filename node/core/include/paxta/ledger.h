/*
 * paxta — the ledger: append = rules + state + store, in one transaction.
 *
 * A ledger folder holds the LMDB store (store.h) and the node's key,
 * node.key (PKCS#8 PEM, 0600). Leaf 0 is the genesis: the origin, the
 * registrars (the trust anchors) and the mass-balance policy, signed by the
 * node key.
 *
 * Thread-safety: px_ledger_append and px_ledger_checkpoint must be called
 * from one thread at a time; read snapshots (px_ledger_read) from any.
 */
#ifndef PAXTA_LEDGER_H
#define PAXTA_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/store.h"

#define PX_NODE_KEY_FILE "node.key"
#define PX_ID_MAX        128 /* actor, lot, shipment ids */

/* Policy defaults (DESIGN.md §3.4): Uzbekistan picks from late August to
 * December; 6 t of seed cotton per hectare is above any real field. */
#define PX_HARVEST_FROM    820
#define PX_HARVEST_UNTIL   1231
#define PX_MAX_YIELD_KG_HA 6000

struct px_ledger;
struct px_verifier;

/* Yield caps in parts per million (DESIGN.md §3.3) and the clock skew. */
struct px_policy {
	uint32_t ginning_ppm;
	uint32_t spinning_ppm;
	uint32_t weaving_ppm;
	uint32_t knitting_ppm;
	uint32_t making_ppm;
	uint32_t max_skew_s;
	/* The harvest calendar, MMDD (DESIGN.md §3.4): a window that wraps
	 * past New Year is the season of the year it starts in. */
	uint32_t harvest_from, harvest_until;
	uint32_t max_yield_kg_ha; /* seed cotton per hectare and season */
};

/* The defaults of DESIGN.md §3.3: 0.45, 0.95, 0.98, 0.98, 0.95; 300 s;
 * picking from 20 August to 31 December; 6 t/ha. */
void px_policy_default(struct px_policy *out);

struct px_registrar {
	const char *id;
	struct px_pubkey pub;
};

/*
 * Create a ledger in dir (made if missing; PX_EEXIST when it holds a ledger
 * already): a fresh node key in dir/node.key, the genesis leaf, and a first
 * checkpoint. origin names the log and its key: 1..255 printable ASCII
 * bytes, no space or '+' (e.g. "paxta.example.org/uz-2026"); ids
 * 1..PX_ID_MAX bytes. PX_EINVAL otherwise. *out_node_key (may be NULL) gets the
 * node's public key.
 */
int px_ledger_create(const char *dir, const char *origin,
		     const struct px_registrar *registrars, size_t n,
		     const struct px_policy *policy,
		     struct px_pubkey *out_node_key);

enum px_ledger_flags {
	PX_LEDGER_READONLY = 1 << 0, /* no appends, no writer lock */
};

/* Open an existing ledger. Errors as px_store_open, and PX_EFOREIGN when
 * leaf 0 is not a genesis, PX_ENOTFOUND / PX_EMALFORMED for the node key. */
int px_ledger_open(struct px_ledger **out, const char *dir, unsigned flags);

/* Close; accepts NULL. */
void px_ledger_close(struct px_ledger *l);

/* Borrowed until px_ledger_close. */
const char *px_ledger_origin(const struct px_ledger *l);
const struct px_pubkey *px_ledger_node_key(const struct px_ledger *l);
const struct px_policy *px_ledger_policy(const struct px_ledger *l);
struct px_store *px_ledger_store(struct px_ledger *l);

/* The result of one entry of a batch. */
struct px_append_result {
	int rc;         /* PX_OK: logged (or already was); else why not */
	int duplicate;  /* 1: the same entry was logged before */
	uint64_t index; /* its index in the log when rc == PX_OK */
	struct px_hash leaf_hash;
	struct px_refusal refusal; /* when rc == PX_EREFUSED or PX_EVERIFY */
};

enum px_append_flags {
	/* The caller's verifier pool already checked every envelope's
	 * signature (results passed in as verified[]). */
	PX_APPEND_PREVERIFIED = 1 << 0,
};

/*
 * Append a batch of signed entries (each the exact bytes of a SignedEntry)
 * in one write transaction and one fsync. Each entry is checked against
 * every rule in order, on the state left by the ones before it; a refused
 * entry stores nothing and the rest go on. results[i] says what became of
 * leaves[i]. An entry logged before (or earlier in the batch) is answered
 * with its original index and duplicate = 1.
 *
 * verified may be NULL; with PX_APPEND_PREVERIFIED, verified[i] is
 * px_entry_verify_leaf's result for leaves[i], and the signature is not
 * checked again. now is the node's clock (Unix seconds) for the skew rule.
 *
 * Returns PX_OK once the transaction has committed (results are final);
 * otherwise nothing of the batch is stored and results are meaningless
 * (PX_ESTORE, PX_ENOMEM, PX_EFULL only when the map could not grow).
 */
int px_ledger_append(struct px_ledger *l, const uint8_t *const *leaves,
		     const size_t *lens, size_t n, const int *verified,
		     unsigned flags, int64_t now,
		     struct px_append_result *results);

/*
 * Sign a checkpoint of the current tree when the log has grown past the
 * latest one (a node never signs two checkpoints of one size), store it, and
 * return the latest note in *out (malloc'd, NUL-terminated; may be NULL to
 * only sign). A read-only ledger returns the latest stored note.
 */
int px_ledger_checkpoint(struct px_ledger *l, char **out);

/* The node's verifier key string (checkpoint.h); *out malloc'd. */
int px_ledger_verifier_key(const struct px_ledger *l, char **out);

struct px_signer_source;

/* A signer source (signer.h) that answers from l's current state. */
void px_ledger_signer_source(struct px_ledger *l, struct px_signer_source *out);

/* A read snapshot; end it with px_store_abort. */
int px_ledger_read(struct px_ledger *l, struct px_txn **out);

#endif
