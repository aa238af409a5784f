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
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/rules.h"
#include "paxta/state.h"
#include "paxta/store.h"

#define PX_NODE_KEY_FILE "node.key"

struct px_ledger;
struct px_verifier;

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

/* px_ledger_create with the genesis dated now (Unix seconds) rather than
 * the clock's time: for tests and simulations that run on a clock of
 * their own. No entry may claim a time before the genesis (rules.c). */
int px_ledger_create_at(const char *dir, const char *origin,
			const struct px_registrar *registrars, size_t n,
			const struct px_policy *policy,
			struct px_pubkey *out_node_key, int64_t now);

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

/*
 * Append a batch of entries in one write transaction and one fsync. Each
 * entry is checked against every rule in order, on the state left by the
 * ones before it; a refused entry stores nothing and the rest go on.
 * entries[i]->result says what became of it: logged at result.index, or
 * logged before (or earlier in the batch: result.duplicate = 1, with its
 * original index), or refused (result.rc and result.refusal).
 *
 * The steps of px_entry_prepare an entry has not taken yet are taken here
 * (a caller with a verifier pool takes them there first, on every core).
 * now is the node's clock (Unix seconds) for the skew rule.
 *
 * Returns PX_OK once the transaction has committed (results are final);
 * otherwise nothing of the batch is stored and results are meaningless
 * (PX_ESTORE, PX_ENOMEM, PX_ECRYPTO, PX_EFULL only when the map could not
 * grow).
 */
int px_ledger_append(struct px_ledger *l, struct px_entry *const *entries,
		     size_t n, int64_t now);

/*
 * The step append and audit share: check e (prepared, e->result.rc ==
 * PX_OK) against the rules on the state in t, apply its effects and store
 * it as the next leaf of t. PX_OK; PX_EREFUSED or PX_EVERIFY with
 * e->result.refusal filled (t holds partial writes: the caller undoes t);
 * PX_EEXIST when the same leaf is already in t's log; or an error of the
 * store.
 */
int px_ledger_apply(struct px_txn *t, const struct px_rules_ctx *ctx,
		    struct px_entry *e);

/* The rules' context of l at the node's clock now. */
void px_ledger_rules_ctx(const struct px_ledger *l, int64_t now,
			 struct px_rules_ctx *out);

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
