/*
 * A ledger in a temporary folder for tests, with keys for its actors and a
 * way to submit events as JSON the way `paxta submit` does.
 */
#ifndef PX_TEST_FIXTURE_H
#define PX_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdint.h>

#include "paxta/ledger.h"
#include "paxta/signer.h"

#define PXT_REGISTRAR "uz.registrar"
#define PXT_GENESIS   1767225600 /* 2026-01-01T00:00:00Z */

struct pxt_ledger {
	char *dir;
	struct px_ledger *l;
	struct px_signer *signer;
	struct px_pubkey node_key;
	struct {
		char id[PX_ID_MAX + 1];
		struct px_seckey key;
	} keys[128];
	size_t n_keys;
	int64_t now; /* the node's clock for appends */
};

/* A fresh ledger with one registrar (PXT_REGISTRAR) and default policy
 * (or *policy). Aborts the test on failure. */
struct pxt_ledger *pxt_ledger_new(const struct px_policy *policy);
/* As pxt_ledger_new, on a node clock of now: the genesis is dated now and
 * fx->now starts there. */
struct pxt_ledger *pxt_ledger_new_at(const struct px_policy *policy,
				     int64_t now);
void pxt_ledger_free(struct pxt_ledger *fx);

/* Close and reopen the ledger (e.g. after editing its file). */
void pxt_ledger_reopen(struct pxt_ledger *fx);

/* The key of actor (made on first use). */
const struct px_seckey *pxt_key(struct pxt_ledger *fx, const char *actor);

/* Register actor with roles (comma-separated names) in region/district;
 * asserts it is logged. */
void pxt_register(struct pxt_ledger *fx, const char *id, const char *roles,
		  const char *region, const char *district);

/*
 * Sign the event (printf-formatted JSON) with its actor's key and append
 * it alone. Returns the result's rc (PX_OK, PX_EREFUSED, …); *out (may be
 * NULL) gets the whole result. A refusal by the signer itself (an unknown
 * actor) is reported the same way.
 */
int pxt_submit(struct pxt_ledger *fx, struct px_append_result *out,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Append leaves[0..n) as one batch (px_ledger_append on fresh entries);
 * results[i] gets what became of leaves[i]. Returns px_ledger_append's
 * result.
 */
int pxt_append(struct px_ledger *l, const uint8_t *const *leaves,
	       const size_t *lens, size_t n, int64_t now,
	       struct px_append_result *results);

/* Sign an event into leaf bytes without appending (*out malloc'd). */
int pxt_sign(struct pxt_ledger *fx, uint8_t **out, size_t *out_len,
	     struct px_refusal *r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* What a refusal must leave unchanged: the log's size and root and a
 * digest of every state table. */
struct pxt_snapshot {
	uint64_t size;
	struct px_hash root;
	struct px_hash state;
};
void pxt_snapshot(struct pxt_ledger *fx, struct pxt_snapshot *out);
int pxt_snapshot_equal(const struct pxt_snapshot *a,
		       const struct pxt_snapshot *b);

/* Leaves in l's log, and checkpoints stored. */
uint64_t pxt_log_size(struct px_ledger *l);
uint64_t pxt_checkpoint_count(struct px_ledger *l);

/*
 * Events written with single quotes for double ones (a test's JSON reads
 * better so), printf-formatted:
 * pxt_ok: logged (not a refusal, not a duplicate), at the index returned;
 * pxt_refused: refused with code, needle in its message (NULL: any), and
 * the ledger as it was;
 * pxt_squote: the text alone (malloc'd), for tests that submit it their way.
 */
char *pxt_squote(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
uint64_t pxt_ok(struct pxt_ledger *fx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pxt_refused(struct pxt_ledger *fx, enum px_code code, const char *needle,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* from ships kg of lot to `to` as shipment (pxt_ok), and `to` receives got
 * kg of it; got 0: the shipment stays on the road. */
void pxt_ship(struct pxt_ledger *fx, const char *from, const char *to,
	      const char *shipment, const char *lot, unsigned kg, unsigned got);

/* Audit fx's ledger (as it is open): intact, or the test fails naming the
 * entry and the problem. */
void pxt_audit_intact(struct pxt_ledger *fx);

/* A cmocka teardown for tests whose *state is a struct pxt_ledger: frees
 * it, also when an assertion failed. */
int pxt_teardown(void **state);

/* The entry hash (entry.h) of the leaf at index of t's log. */
void pxt_entry_hash_at(struct px_txn *t, uint64_t index, struct px_hash *out);

/* A copy (malloc'd) of the signed entry the leaf at index of l's log
 * wraps: the bytes its author sent. */
uint8_t *pxt_signed_at(struct px_ledger *l, uint64_t index, size_t *out_len);

/* Grams of lot held by holder now. */
uint64_t pxt_holding(struct pxt_ledger *fx, const char *lot,
		     const char *holder);

#endif
