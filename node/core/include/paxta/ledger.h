/*
 * paxta — the ledger: append = rules + state + store, in one transaction.
 *
 * A ledger folder holds the LMDB store (store.h). The node's key (PKCS#8
 * PEM, 0600) lives beside it, never inside (DESIGN.md §4): DIR.key by
 * default, or a file the caller names, so the folder can be handed to an
 * auditor or backed up without the key that signs its checkpoints. Leaf 0
 * is the genesis: the origin, the registrars (the trust anchors) and the
 * mass-balance policy, signed by the node key.
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

struct px_ledger;
struct px_verifier;

struct px_registrar {
	const char *id;
	struct px_pubkey pub;
};

/*
 * The default node key file of the ledger in dir: "DIR.key", beside the
 * folder (trailing slashes dropped: "ledger/" gives "ledger.key"). *out
 * malloc'd. PX_EINVAL for "" or "/", PX_ENOMEM.
 */
int px_ledger_default_key_path(char **out, const char *dir);

/*
 * Create a ledger in dir (made if missing; PX_EEXIST when it holds a ledger
 * already, or when the key file exists: a key is never replaced): a fresh
 * node key in key_file (NULL: px_ledger_default_key_path), the genesis leaf,
 * and a first checkpoint. PX_EINVAL when key_file would be inside dir,
 * PX_ENOTFOUND when the key file's folder does not exist. origin names the log
 * and its key: 1..255 printable ASCII bytes, no space or '+' (e.g.
 * "paxta.example.org/uz-2026"); ids 1..PX_ID_MAX bytes. PX_EINVAL otherwise.
 * *out_node_key (may be NULL) gets the node's public key. The genesis is
 * dated now (Unix seconds): no entry may claim a time before it.
 */
int px_ledger_create_key(const char *dir, const char *key_file,
			 const char *origin,
			 const struct px_registrar *registrars, size_t n,
			 const struct px_policy *policy,
			 struct px_pubkey *out_node_key, int64_t now);

/* px_ledger_create_key with the default key file, DIR.key, and the
 * genesis dated by the clock. */
int px_ledger_create(const char *dir, const char *origin,
		     const struct px_registrar *registrars, size_t n,
		     const struct px_policy *policy,
		     struct px_pubkey *out_node_key);

/* px_ledger_create with the genesis dated now (Unix seconds) rather than
 * by the clock: for tests and simulations that run on a clock of their
 * own. */
int px_ledger_create_at(const char *dir, const char *origin,
			const struct px_registrar *registrars, size_t n,
			const struct px_policy *policy,
			struct px_pubkey *out_node_key, int64_t now);

enum px_ledger_flags {
	PX_LEDGER_READONLY = 1 << 0, /* no appends, no writer lock */
	/* A replica of another node's log: appends, holds no node key,
	 * never signs (px_ledger_checkpoint answers the latest kept). */
	PX_LEDGER_REPLICA = 1 << 1,
};

/*
 * Open an existing ledger. A writable ledger reads its node key from
 * key_file (NULL: DIR.key); a read-only one needs no key. Errors as
 * px_store_open, and PX_EFOREIGN when leaf 0 is not a genesis or the key is
 * not the genesis's, PX_ENOTFOUND / PX_EMALFORMED for the node key file.
 */
int px_ledger_open_key(struct px_ledger **out, const char *dir,
		       const char *key_file, unsigned flags);

/* px_ledger_open_key with the default key file, DIR.key. */
int px_ledger_open(struct px_ledger **out, const char *dir, unsigned flags);

/*
 * Start a replica of another node's log in dir (made if missing): its
 * genesis leaf, checked against the key it names and appended through the
 * genesis rule. Open it later with PX_LEDGER_REPLICA. *out_node_key (may be
 * NULL) gets the source's node key. PX_EFOREIGN when genesis is not a
 * genesis signed by its own key; PX_EEXIST when dir holds a ledger.
 */
/* The metadata record that marks a replica (its value: "1"). */
#define PX_LEDGER_REPLICA_META "replica"

int px_ledger_create_replica(const char *dir, const uint8_t *genesis,
			     size_t len, struct px_pubkey *out_node_key);

/*
 * Why px_ledger_open_key(dir, key_file) answered rc, as one sentence for
 * people in out (cap bytes, NUL-terminated; cut if longer): "no ledger at
 * 'x': the folder does not exist …", "no node key at 'x.key': …". The one
 * wording the node and the command line share.
 */
void px_ledger_open_words(char *out, size_t cap, int rc, const char *dir,
			  const char *key_file);

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
 *
 * Before signing, in the same transaction, it appends the node's index
 * root (index.h, docs/bundle.md) unless nothing is indexed yet or the last
 * leaf is one already: once anything is indexed, every checkpoint's last
 * leaf is an index root, and the checkpoint covers it. PX_ESTORE when the
 * node's own rules refuse it (the stored index is not the log's).
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
