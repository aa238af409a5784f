/*
 * paxta — a C2SP tlog-witness: cosign the checkpoints of the logs it is
 * told to watch, only after checking that each extends the last one it
 * cosigned (DESIGN.md §5), and keep the evidence when a log shows two views
 * of its history.
 *
 * The witness keeps, per log origin, the latest checkpoint it cosigned (the
 * store's "witnessed" table), and the evidence of forks it met ("evidence").
 * Its state lives in a store of its own, so it never waits on the ledger's
 * writer. Calls on one witness must come from one thread at a time.
 */
#ifndef PAXTA_WITNESS_H
#define PAXTA_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/checkpoint.h"
#include "paxta/crypto.h"
#include "paxta/store.h"

/* tlog-witness: the client MUST NOT send more than 63 proof lines. */
#define PX_WITNESS_PROOF_MAX 63
/* A request: the old size line, the proof lines and a note. */
#define PX_WITNESS_REQUEST_MAX (32 + PX_WITNESS_PROOF_MAX * 45 + PX_NOTE_MAX)
#define PX_WITNESS_LOGS_MAX    64

struct px_witness;

/*
 * A witness named name (a signed-note key name) signing with key, keeping
 * its state in store (borrowed: it must outlive the witness). PX_EINVAL for
 * a name that cannot be a key name.
 */
int px_witness_new(struct px_witness **out, struct px_store *store,
		   const char *name, const struct px_seckey *key);
void px_witness_free(struct px_witness *w); /* accepts NULL */

/* Watch the log whose checkpoints log verifies (its name is the log's
 * origin). PX_EEXIST for an origin already watched, PX_ETOOLARGE past
 * PX_WITNESS_LOGS_MAX. */
int px_witness_watch(struct px_witness *w, const struct px_note_verifier *log);

/* The witness's verifier key (cosignature.h); *out malloc'd. */
int px_witness_verifier_key(const struct px_witness *w, char **out);

/* What to answer an add-checkpoint request, with the statuses of C2SP
 * tlog-witness. */
struct px_witness_answer {
	unsigned status;       /* 200, 400, 403, 404, 409, 422 */
	char *body;            /* malloc'd, NUL-terminated: the cosignature line
				  (200), "<latest size>\n" (409), a sentence for
				  people otherwise */
	int evidence;          /* 1: the request showed a fork; kept */
	int content_type_size; /* 1: body is "<size>\n", served as
				  text/x.tlog.size (409) */
};

/*
 * POST add-checkpoint (C2SP tlog-witness): the body is "old <size>\n",
 * consistency proof lines (base64), an empty line and a signed checkpoint.
 * now is the cosignature's timestamp (seconds since the Epoch). The latest
 * checkpoint is checked and replaced in one write transaction.
 *
 * Returns PX_OK with *out filled (free out->body), or an error when the
 * witness could not check (PX_ESTORE, PX_ENOMEM, PX_ECRYPTO): nothing was
 * cosigned.
 */
int px_witness_add_checkpoint(struct px_witness *w, const char *request,
			      size_t len, uint64_t now,
			      struct px_witness_answer *out);

/*
 * Evidence of a split view, as the witness keeps and serves it (JSON):
 *   {"origin", "verifier_key", "older": NOTE, "newer": NOTE,
 *    "proof": [BASE64...], "found_by": NAME, "found_at": SECONDS}
 * Both notes are signed by verifier_key. Either they are of one size with
 * different roots, or proof is a consistency proof from older's size to
 * newer's that leads to newer's root from a root of older's size other
 * than older's: the log signed two trees that cannot both be its history.
 *
 * px_evidence_check checks that from the text alone, trusting log (NULL:
 * the verifier_key in the text). PX_OK when it proves a fork (*out_size_a,
 * *out_size_b the two sizes, may be NULL); PX_EVERIFY when it does not
 * (a note not signed, consistent trees); PX_EMALFORMED when it is not
 * evidence; PX_ETOOLARGE past 4 * PX_NOTE_MAX.
 */
/*
 * Evidence as above, in *out (malloc'd JSON), and its id: the SHA-256 of
 * it without found_by and found_at, so one fork is kept once. found_by
 * names the witness or mirror that met it. PX_ENOMEM.
 */
int px_evidence_make(char **out, struct px_hash *out_id,
		     const struct px_note_verifier *log, const char *older,
		     size_t older_len, const char *newer, size_t newer_len,
		     const struct px_hash *proof, size_t proof_len,
		     const char *found_by, uint64_t now);

int px_evidence_check(const char *text, size_t len,
		      const struct px_note_verifier *log, uint64_t *out_size_a,
		      uint64_t *out_size_b);

#endif
