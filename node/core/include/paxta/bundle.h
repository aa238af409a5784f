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
#include "paxta/provenance.h"
#include "paxta/store.h"

/* Cap on a bundle's bytes, checked before parsing, and on its leaves. */
#define PX_BUNDLE_MAX        ((size_t)256 << 20)
#define PX_BUNDLE_MAX_LEAVES 1000000
#define PX_BUNDLE_VERSION    2

/*
 * The bundle of lot as of the checkpoint of size leaves (0: the latest
 * stored checkpoint), serialized into *out (malloc'd, free()).
 *
 * note, when not NULL, is the signed note to carry instead of the stored
 * one: the same note with cosignatures added (it must begin with the
 * stored note's bytes; PX_EINVAL otherwise).
 *
 * With it go the checkpoint's last leaf when it is an index root, and a
 * completeness proof for every key the verdict reads (bundle_index.h).
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
 * PX_BUNDLE_VERSION, or carry fields it does not know (a changed tag
 * would hide a leaf in one). *out freed with px_bundle_free; it borrows
 * nothing.
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

/*
 * Verify a bundle with no ledger and no network, trusting only verifier
 * (the node's checkpoint key):
 *
 *  1. px_bundle_check: the note, the order, every inclusion proof, every
 *     entry's signature over its own key;
 *  2. leaf 0 is a genesis of the note's origin signed by verifier: its
 *     registrars and policy anchor everything after;
 *  3. every leaf replayed at its own index, in order, through the rules
 *     (px_ledger_apply) into a scratch store made under scratch_dir (NULL:
 *     $TMPDIR, else /tmp) and removed before returning: each entry signed
 *     by its author's key as the bundle's registrations and rotations
 *     prove it, by an author that holds the role, custody and mass balance
 *     along the lineage, the places published, lot ids unique, times
 *     forward (not the node's clock skew);
 *  4. completeness: the bundle's last leaf is the checkpoint's last, an
 *     index root signed by verifier; for every key the verdict on the
 *     replayed lineage reads (index.h), a proof leading to that root, and
 *     every entry it lists among the bundle's leaves — a statement, lab
 *     result or void left out is named;
 *  5. the verdict on b->lot as of the checkpoint, by px_verdict.
 *
 * What a replay of part of a log cannot check (docs/bundle.md): an
 * author's entries the bundle leaves out — its chain is taken up at each
 * entry's own sequence number and previous hash, so only consecutive
 * entries are linked; entries that spent the same kg on another path; the
 * history of lots outside the lineage that share a shipment with it (the
 * sender is taken to hold what it ships of them, and none may turn out to
 * be in the lineage); and an index root the node computed wrongly (audit's
 * question).
 *
 * PX_OK with *out (free with px_verdict_free) and *cp; PX_EVERIFY or
 * PX_EMALFORMED with *problem naming the leaf and what is wrong; PX_EIO
 * (no scratch folder), PX_ESTORE, PX_ENOMEM, PX_ECRYPTO: could not check.
 */
int px_bundle_verify(struct px_verdict **out, struct px_checkpoint *cp,
		     struct px_bundle_problem *problem, const Paxta__Bundle *b,
		     const struct px_note_verifier *verifier,
		     const char *scratch_dir);

#endif
