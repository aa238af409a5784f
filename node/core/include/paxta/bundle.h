/*
 * paxta — the proof bundle of one lot (DESIGN.md §4 "Proof bundle"): the
 * signed checkpoint, the leaves that bear on the lot's verdict, and an
 * RFC 9162 inclusion proof for each, as one protobuf Bundle
 * (proto/paxta.proto). docs/bundle.md says what goes in and why.
 *
 * Making a bundle reads one snapshot; checking one needs no ledger.
 */
#ifndef PAXTA_BUNDLE_H
#define PAXTA_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/checkpoint.h"
#include "paxta/store.h"

/* Cap on a bundle's bytes, checked before parsing, and on its leaves. */
#define PX_BUNDLE_MAX        ((size_t)256 << 20)
#define PX_BUNDLE_MAX_LEAVES 1000000
#define PX_BUNDLE_VERSION    1

/*
 * The bundle of lot as of the checkpoint of size leaves (0: the latest
 * stored checkpoint), serialized into *out (malloc'd, free()).
 *
 * note, when not NULL, is the signed note to carry instead of the stored
 * one: the same note with cosignatures added (it must begin with the
 * stored note's bytes; PX_EINVAL otherwise).
 *
 * Only entries logged before size count: a lot made later is
 * PX_ENOTFOUND, a receive or void logged later is left out.
 * Returns PX_OK; PX_ENOTFOUND when no checkpoint of that size was signed
 * or lot did not exist at it; PX_ETOOLARGE past PX_BUNDLE_MAX_LEAVES
 * leaves, PX_BUNDLE_MAX bytes or PX_PROVENANCE_MAX_LOTS lots; PX_ESTORE,
 * PX_ENOMEM.
 */
int px_bundle_build(uint8_t **out, size_t *out_len, struct px_txn *t,
		    const char *lot, uint64_t size, const char *note);

/*
 * Decode a bundle's bytes: PX_ETOOLARGE over PX_BUNDLE_MAX (before
 * parsing), PX_EMALFORMED when they are not a Bundle of version
 * PX_BUNDLE_VERSION. *out freed with px_bundle_free; it borrows nothing.
 */
int px_bundle_decode(Paxta__Bundle **out, const uint8_t *bytes, size_t len);
void px_bundle_free(Paxta__Bundle *b);

/*
 * What px_bundle_check found wrong, for people: "leaf 12: inclusion proof
 * does not lead to the checkpoint's root".
 */
struct px_bundle_problem {
	char message[256];
};

/*
 * Check what a bundle proves by itself, against the node's verifier key:
 * the note's signature (PX_EVERIFY when verifier did not sign it), its
 * origin; leaves in strictly increasing index order below the
 * checkpoint's size, leaf 0 among them; each leaf's RFC 9162 inclusion
 * proof to the checkpoint's root; each leaf a SignedEntry whose signature
 * verifies with its own key. *cp gets the checkpoint. Whose key signed
 * each entry, and what the entries say, are the replay's questions (not
 * this function's).
 * PX_OK; PX_EVERIFY or PX_EMALFORMED with *problem saying which leaf and
 * what; PX_ENOMEM, PX_ECRYPTO.
 */
int px_bundle_check(struct px_checkpoint *cp, struct px_bundle_problem *problem,
		    const Paxta__Bundle *b,
		    const struct px_note_verifier *verifier);

#endif
