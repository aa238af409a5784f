/*
 * paxta — the proof bundle of one lot (bundle.h, docs/bundle.md).
 *
 * Building it is a walk over the state tables of one snapshot: the lot's
 * lineage, then what bears on each lot and each origin, then the authors'
 * registrations until every author's is in. The indexes are gathered
 * first, sorted and made unique, and only then read with their proofs, so
 * each leaf is read and proven once.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "bundle_index.h"
#include "paxta/bundle.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/lot.h"
#include "paxta/merkle.h"
#include "paxta/provenance.h"
#include "paxta/state.h"

/* Indexes gathered, all below size. */
struct gather {
	struct px_txn *t;
	uint64_t size;
	uint64_t *idx;
	size_t n_idx, cap_idx;
	/* Authors whose registrations are still to add. */
	char (*authors)[PX_ID_MAX + 1];
	size_t n_authors, cap_authors;
};

static int
add_index(struct gather *g, uint64_t index)
{
	int rc;

	if (index >= g->size)
		return PX_OK; /* logged after the checkpoint */
	if (g->n_idx >= PX_BUNDLE_MAX_LEAVES)
		return PX_ETOOLARGE;
	rc = px_array_grow((void **)&g->idx, &g->cap_idx, g->n_idx + 1,
			   sizeof(*g->idx));
	if (rc == PX_OK)
		g->idx[g->n_idx++] = index;
	return rc;
}

static int
add_author(struct gather *g, const char *actor)
{
	int rc;

	if (strlen(actor) > PX_ID_MAX)
		return PX_ESTORE; /* stored ids are checked on the way in */
	rc = px_array_grow((void **)&g->authors, &g->cap_authors,
			   g->n_authors + 1, sizeof(*g->authors));
	if (rc == PX_OK)
		strcpy(g->authors[g->n_authors++], actor);
	return rc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_author(const void *a, const void *b)
{
	return strcmp(a, b);
}

static size_t
unique_u64(uint64_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

static int
on_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct gather *g = ctx;
	int rc = PX_OK;

	if (rec->index < g->size) {
		rc = add_index(g, rec->index);
		if (rc == PX_OK)
			rc = add_author(g, rec->monitor);
	}
	return rc;
}

static int
on_lab(void *ctx, const Paxta__LabRecord *rec)
{
	struct gather *g = ctx;
	int rc = PX_OK;

	if (rec->index < g->size) {
		rc = add_index(g, rec->index);
		if (rc == PX_OK)
			rc = add_author(g, rec->lab);
	}
	return rc;
}

static int
statements_on(struct gather *g, const char *kind, const char *id,
	      uint32_t season)
{
	char subject[PX_ID_MAX + 16];

	if (snprintf(subject, sizeof(subject), "%s%s", kind, id) >=
	    (int)sizeof(subject))
		return PX_ESTORE;
	return px_state_each_attestation(g->t, subject, season, on_statement,
					 g);
}

/* The publish_districts entry that published code, when it was. */
static int
place(struct gather *g, const char *code)
{
	Paxta__PlaceRecord *rec = NULL;
	int rc = px_state_place(g->t, code, &rec);

	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc == PX_OK)
		rc = add_index(g, rec->published_at);
	px_state_free(rec);
	return rc;
}

/* An origin: its statements at every level for its season, and its
 * places. Region and country follow from the district (DESIGN.md §3.4). */
static int
origin(struct gather *g, const struct px_lineage_lot *l)
{
	char country[PX_ID_MAX + 1];
	size_t nc = strcspn(l->district, "-");
	int rc;

	memcpy(country, l->district, nc);
	country[nc] = '\0';
	rc = statements_on(g, "farm:", l->farm, l->season);
	if (rc == PX_OK)
		rc = statements_on(g, "district:", l->district, l->season);
	if (rc == PX_OK)
		rc = statements_on(g, "region:", l->region, l->season);
	if (rc == PX_OK)
		rc = statements_on(g, "country:", country, l->season);
	if (rc == PX_OK)
		rc = place(g, l->district);
	if (rc == PX_OK)
		rc = place(g, l->region);
	if (rc == PX_OK)
		rc = place(g, country);
	return rc;
}

static int
one_lot(struct gather *g, const struct px_lineage_lot *l)
{
	Paxta__LotRecord *rec = NULL;
	int rc;

	rc = add_index(g, l->created_at);
	if (rc == PX_OK)
		rc = add_author(g, l->creator);
	if (rc == PX_OK && l->voided) {
		rc = px_state_lot(g->t, l->lot, &rec);
		if (rc == PX_OK && rec->voided)
			rc = add_index(g, rec->voided_at);
	}
	if (rc == PX_OK)
		rc = px_state_each_lab(g->t, l->lot, on_lab, g);
	if (rc == PX_OK)
		rc = statements_on(g, "actor:", l->creator, 0);
	if (rc == PX_OK && l->is_origin)
		rc = origin(g, l);
	px_state_free(rec);
	return rc;
}

/* The transfer and receive of one shipment that carried a lot of the
 * lineage, found through the lot -> shipment index (a shipment carrying
 * several of the lots is met once per lot: unique_u64 and registrations()
 * drop the repeats). A voided shipment moved nothing and is left out. */
static int
on_shipment(void *ctx, const char *shipment, uint64_t sent_at)
{
	struct gather *g = ctx;
	Paxta__ShipmentRecord *s = NULL;
	int rc;

	if (sent_at >= g->size)
		return PX_OK; /* sent after the checkpoint */
	if ((rc = px_state_shipment(g->t, shipment, &s)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	if (s->sent_at != sent_at)
		rc = PX_ESTORE; /* the index and the record disagree */
	else if (!s->voided) {
		rc = add_index(g, s->sent_at);
		if (rc == PX_OK)
			rc = add_author(g, s->from);
		if (rc == PX_OK && s->received && s->received_at < g->size) {
			rc = add_index(g, s->received_at);
			if (rc == PX_OK)
				rc = add_author(g, s->to);
		}
	}
	px_state_free(s);
	return rc;
}

static int
add_actor_entry(void *ctx, uint64_t index)
{
	return add_index(ctx, index);
}

/* One author's history: registration, changes of roles, name or place,
 * key rotations, revocation and suspension (the genesis, index 0,
 * registers the first registrars; the node that signs it is no actor). A
 * verifier replaying the bundle must see each, or an actor's later roles
 * and keys would not be the ledger's. */
static int
author(struct gather *g, const char *actor)
{
	return px_state_each_actor_entry(g->t, actor, add_actor_entry, g);
}

/* Authors of the entries at idx[from..n_idx): the registrars behind the
 * registrations just added. */
static int
authors_of(struct gather *g, size_t from)
{
	int rc = PX_OK;

	for (size_t i = from; i < g->n_idx && rc == PX_OK; i++) {
		struct px_entry e = { 0 };

		rc = px_state_entry(g->t, g->idx[i], &e);
		if (rc == PX_OK && e.body && e.body->actor &&
		    e.body->body_case != PAXTA__ENTRY__BODY_GENESIS)
			rc = add_author(g, e.body->actor);
		px_entry_release(&e);
	}
	return rc;
}

/* Add every author's registration entries, then their authors', until no
 * author is new. */
static int
registrations(struct gather *g)
{
	char(*done)[PX_ID_MAX + 1] = NULL;
	size_t n_done = 0, cap_done = 0;
	int rc = PX_OK;

	while (g->n_authors && rc == PX_OK) {
		char(*todo)[PX_ID_MAX + 1] = g->authors;
		size_t n_todo = g->n_authors, k = 0, first = g->n_idx;

		g->authors = NULL;
		g->n_authors = g->cap_authors = 0;
		qsort(todo, n_todo, sizeof(*todo), cmp_author);
		for (size_t i = 0; i < n_todo; i++) {
			if (k && strcmp(todo[k - 1], todo[i]) == 0)
				continue;
			if (n_done && bsearch(todo[i], done, n_done,
					      sizeof(*done), cmp_author))
				continue;
			memmove(todo[k++], todo[i], sizeof(*todo));
		}
		for (size_t i = 0; i < k && rc == PX_OK; i++)
			rc = author(g, todo[i]);
		if (rc == PX_OK)
			rc = authors_of(g, first);
		if (rc == PX_OK)
			rc = px_array_grow((void **)&done, &cap_done,
					   n_done + k, sizeof(*done));
		if (rc == PX_OK) {
			memcpy(done + n_done, todo, k * sizeof(*todo));
			n_done += k;
			qsort(done, n_done, sizeof(*done), cmp_author);
		}
		free(todo);
	}
	free(done);
	return rc;
}

/* The leaf at index with its inclusion proof to the tree of size. */
static int
bundle_leaf(Paxta__BundleLeaf **out, struct px_txn *t, uint64_t index,
	    uint64_t size)
{
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	Paxta__BundleLeaf *bl = NULL;
	const uint8_t *leaf;
	size_t len, n = 0;
	int rc;

	rc = px_store_leaf(t, index, &leaf, &len);
	if (rc == PX_OK)
		rc = px_merkle_inclusion_proof(proof, &n, index, size,
					       px_store_merkle_source, t);
	if (rc != PX_OK)
		return rc;
	rc = PX_ENOMEM;
	bl = calloc(1, sizeof(*bl));
	if (!bl)
		goto out;
	paxta__bundle_leaf__init(bl);
	bl->index = index;
	bl->leaf.data = malloc(len ? len : 1);
	bl->proof = calloc(n ? n : 1, sizeof(*bl->proof));
	if (!bl->leaf.data || !bl->proof)
		goto out;
	memcpy(bl->leaf.data, leaf, len);
	bl->leaf.len = len;
	for (size_t i = 0; i < n; i++) {
		bl->proof[i].data = malloc(sizeof(proof[i].b));
		if (!bl->proof[i].data)
			goto out;
		memcpy(bl->proof[i].data, proof[i].b, sizeof(proof[i].b));
		bl->proof[i].len = sizeof(proof[i].b);
		bl->n_proof++;
	}
	*out = bl;
	bl = NULL;
	rc = PX_OK;
out:
	if (bl)
		paxta__bundle_leaf__free_unpacked(bl, NULL);
	return rc;
}

/* The note of size (0: the latest), or the caller's cosigned copy of it;
 * *out malloc'd, *out_size its tree size. */
static int
checkpoint_note(char **out, uint64_t *out_size, struct px_txn *t, uint64_t size,
		const char *given)
{
	const char *note;
	size_t len;
	int rc;

	if (size)
		rc = px_store_checkpoint_get(t, size, &note, &len);
	else
		rc = px_store_checkpoint_latest(t, &size, &note, &len);
	if (rc != PX_OK)
		return rc;
	if (given && (strlen(given) < len || memcmp(given, note, len) != 0))
		return PX_EINVAL;
	*out = given ? strdup(given) : strndup(note, len);
	*out_size = size;
	return *out ? PX_OK : PX_ENOMEM;
}

int
px_bundle_build(uint8_t **out, size_t *out_len, struct px_txn *t,
		const char *lot, uint64_t size, const char *note)
{
	Paxta__Bundle b = PAXTA__BUNDLE__INIT;
	struct gather g = { 0 };
	struct px_lineage *lin = NULL;
	uint8_t *bytes = NULL;
	uint64_t *indexed = NULL;
	size_t n = 0, n_indexed = 0, first;
	int rc;

	/* The initialiser points strings at protobuf-c's shared "": ours are
	 * malloc'd, and freed below. */
	b.lot = b.checkpoint = NULL;
	rc = checkpoint_note(&b.checkpoint, &size, t, size, note);
	if (rc != PX_OK)
		goto out;
	g.t = t;
	g.size = size;
	rc = px_lineage(&lin, t, lot, 0);
	if (rc == PX_OK && lin->lots[0].created_at >= size)
		rc = PX_ENOTFOUND;
	if (rc != PX_OK)
		goto out;
	rc = add_index(&g, 0);
	for (size_t i = 0; i < lin->n_lots && rc == PX_OK; i++)
		rc = one_lot(&g, &lin->lots[i]);
	for (size_t i = 0; i < lin->n_lots && rc == PX_OK; i++)
		rc = px_state_each_lot_shipment(t, lin->lots[i].lot,
						on_shipment, &g);
	/* Completeness (bundle_index.h): the index root, a proof for each
	 * key the verdict reads, and every entry the proofs name, with
	 * their authors. */
	if (rc == PX_OK)
		rc = px_bundle_index_build(&b, &indexed, &n_indexed, t, lin,
					   size);
	first = g.n_idx;
	for (size_t i = 0; i < n_indexed && rc == PX_OK; i++)
		rc = add_index(&g, indexed[i]);
	if (rc == PX_OK)
		rc = authors_of(&g, first);
	if (rc == PX_OK)
		rc = registrations(&g);
	if (rc != PX_OK)
		goto out;
	g.n_idx = unique_u64(g.idx, g.n_idx);

	rc = PX_ENOMEM;
	b.version = PX_BUNDLE_VERSION;
	b.lot = strdup(lot);
	b.leaves = calloc(g.n_idx ? g.n_idx : 1, sizeof(*b.leaves));
	if (!b.lot || !b.leaves)
		goto out;
	for (size_t i = 0; i < g.n_idx; i++) {
		rc = bundle_leaf(&b.leaves[i], t, g.idx[i], size);
		if (rc != PX_OK)
			goto out;
		b.n_leaves++;
	}
	n = paxta__bundle__get_packed_size(&b);
	rc = PX_ETOOLARGE;
	if (n > PX_BUNDLE_MAX)
		goto out;
	rc = PX_ENOMEM;
	bytes = malloc(n ? n : 1);
	if (!bytes)
		goto out;
	paxta__bundle__pack(&b, bytes);
	*out = bytes;
	*out_len = n;
	bytes = NULL;
	rc = PX_OK;
out:
	for (size_t i = 0; i < b.n_leaves; i++)
		paxta__bundle_leaf__free_unpacked(b.leaves[i], NULL);
	free(b.leaves);
	for (size_t i = 0; i < b.n_index; i++)
		paxta__index_proof__free_unpacked(b.index[i], NULL);
	free(b.index);
	free(indexed);
	free(b.lot);
	free(b.checkpoint);
	free(bytes);
	free(g.idx);
	free(g.authors);
	px_lineage_free(lin);
	return rc;
}

/* Fields of another version, or a tag changed in transit: a leaf could
 * hide in one, so none is taken. */
static int
known_fields(const Paxta__Bundle *b)
{
	if (b->base.n_unknown_fields)
		return 0;
	for (size_t i = 0; i < b->n_leaves; i++)
		if (b->leaves[i]->base.n_unknown_fields)
			return 0;
	for (size_t i = 0; i < b->n_index; i++)
		if (b->index[i]->base.n_unknown_fields)
			return 0;
	return 1;
}

int
px_bundle_decode(Paxta__Bundle **out, const uint8_t *bytes, size_t len)
{
	Paxta__Bundle *b;

	if (len > PX_BUNDLE_MAX)
		return PX_ETOOLARGE;
	b = paxta__bundle__unpack(NULL, len, bytes);
	if (!b)
		return PX_EMALFORMED;
	if (b->version != PX_BUNDLE_VERSION ||
	    b->n_leaves > PX_BUNDLE_MAX_LEAVES ||
	    b->n_index > PX_BUNDLE_MAX_LEAVES || !known_fields(b)) {
		paxta__bundle__free_unpacked(b, NULL);
		return PX_EMALFORMED;
	}
	*out = b;
	return PX_OK;
}

void
px_bundle_free(Paxta__Bundle *b)
{
	if (b)
		paxta__bundle__free_unpacked(b, NULL);
}

__attribute__((format(printf, 3, 4))) static int
problem(struct px_bundle_problem *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	return rc;
}

/* RFC 9162 §2.1.3.2 for one leaf of the bundle. */
static int
check_leaf(struct px_bundle_problem *p, const Paxta__BundleLeaf *bl,
	   const struct px_checkpoint *cp)
{
	struct px_hash proof[PX_MERKLE_MAX_PROOF], leaf_hash;
	int rc;

	if (bl->n_proof > PX_MERKLE_MAX_PROOF)
		return problem(p, PX_EVERIFY,
			       "leaf %" PRIu64 ": its proof is too long",
			       bl->index);
	for (size_t i = 0; i < bl->n_proof; i++) {
		if (bl->proof[i].len != sizeof(proof[i].b))
			return problem(p, PX_EMALFORMED,
				       "leaf %" PRIu64
				       ": a proof hash is not 32 bytes",
				       bl->index);
		memcpy(proof[i].b, bl->proof[i].data, sizeof(proof[i].b));
	}
	rc = px_hash_leaf(&leaf_hash, bl->leaf.data, bl->leaf.len);
	if (rc != PX_OK)
		return rc;
	rc = px_merkle_verify_inclusion(&leaf_hash, bl->index, cp->size, proof,
					bl->n_proof, &cp->root);
	if (rc == PX_EVERIFY)
		return problem(p, rc,
			       "leaf %" PRIu64 ": inclusion proof does not "
			       "lead to the root of checkpoint %" PRIu64,
			       bl->index, cp->size);
	if (rc != PX_OK)
		return rc;
	rc = px_entry_verify_leaf(bl->leaf.data, bl->leaf.len);
	if (rc == PX_EMALFORMED || rc == PX_ETOOLARGE)
		return problem(p, PX_EMALFORMED,
			       "leaf %" PRIu64 ": not a signed entry",
			       bl->index);
	if (rc == PX_EVERIFY)
		return problem(p, rc,
			       "leaf %" PRIu64 ": its signature does not "
			       "verify",
			       bl->index);
	return rc;
}

int
px_bundle_check(struct px_checkpoint *cp, struct px_bundle_problem *p,
		const Paxta__Bundle *b, const struct px_note_verifier *verifier)
{
	int rc;

	p->message[0] = '\0';
	if (!b->checkpoint)
		return problem(p, PX_EMALFORMED, "no checkpoint");
	rc = px_checkpoint_open(cp, b->checkpoint, strlen(b->checkpoint),
				verifier);
	if (rc == PX_EVERIFY)
		return problem(p, rc, "the checkpoint is not signed by '%s'",
			       verifier->name);
	if (rc == PX_EMALFORMED || rc == PX_ETOOLARGE)
		return problem(p, PX_EMALFORMED,
			       "the checkpoint is not a signed note");
	if (rc != PX_OK)
		return rc;
	if (b->n_leaves == 0 || b->leaves[0]->index != 0)
		return problem(p, PX_EVERIFY,
			       "the genesis (leaf 0) is missing");
	for (size_t i = 0; i < b->n_leaves; i++) {
		const Paxta__BundleLeaf *bl = b->leaves[i];

		if (bl->index >= cp->size)
			return problem(p, PX_EVERIFY,
				       "leaf %" PRIu64
				       " is past checkpoint %" PRIu64,
				       bl->index, cp->size);
		if (i && bl->index <= b->leaves[i - 1]->index)
			return problem(p, PX_EMALFORMED,
				       "leaf %" PRIu64
				       " is out of order or repeated",
				       bl->index);
		rc = check_leaf(p, bl, cp);
		if (rc != PX_OK)
			return rc;
	}
	return PX_OK;
}
