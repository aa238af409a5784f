/*
 * paxta — turning events into signed entries for a ledger.
 *
 * An author's entries form a chain: sequence numbers 1, 2, 3, … and each
 * entry names the leaf hash of the author's previous one. A signer keeps
 * that chain for every author it signs for during a bulk load, asking where
 * the chain stands (a local ledger, or a node) only the first time.
 */
#ifndef PAXTA_SIGNER_H
#define PAXTA_SIGNER_H

#include <stdint.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/event.h"

/* Where an author's chain stands. */
struct px_author_state {
	uint64_t seq;             /* its last sequence number, 0: none yet */
	struct px_hash last_hash; /* entry hash of its last entry */
	struct px_pubkey key;     /* its current key */
	int revoked;
};

/*
 * Look up actor's chain: PX_OK, PX_ENOTFOUND (not registered), or an error.
 * For a void by hash, index_of resolves an entry hash (entry.h) to its
 * index.
 */
struct px_signer_source {
	int (*author)(void *ctx, const char *actor,
		      struct px_author_state *out);
	int (*index_of)(void *ctx, const struct px_hash *entry_hash,
			uint64_t *out);
	void *ctx;
};

struct px_signer;

int px_signer_new(struct px_signer **out, const struct px_signer_source *src);
void px_signer_free(struct px_signer *s);

/*
 * Number, time-stamp (now, unless the event gave "time"), encode and sign
 * ev with key: *out (malloc'd, free()) gets the SignedEntry bytes. The
 * signer then expects the entry to be logged; call px_signer_forget when it
 * is refused. PX_EREFUSED with r filled when the key is not the author's
 * current key (bad_signature), the author is not registered
 * (unknown_actor) or revoked, or a void names an unknown hash.
 */
int px_signer_sign(struct px_signer *s, struct px_event *ev,
		   const struct px_seckey *key, int64_t now, uint8_t **out,
		   size_t *out_len, struct px_refusal *r);

/* Forget what the signer assumed about actor (its entry was refused). */
void px_signer_forget(struct px_signer *s, const char *actor);

#endif
