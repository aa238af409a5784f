/*
 * paxta — a bundle's completeness proofs (bundle_index.h).
 *
 * The keys a verdict reads, from the lot's lineage: each lot (lot:ID, its
 * lab results and voids), each lot's maker (actor:ID, statements on the
 * facility), and each origin's farm, district, region and country (the
 * statements that decide its status). Maker and builder list them with the
 * same function over the same lineage, so a key the verdict reads cannot
 * go unproven.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "bundle_index.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/index.h"
#include "paxta/state.h"

#define LABEL_MAX (PX_ID_MAX + 16)

struct labels {
	char (*v)[LABEL_MAX];
	size_t n, cap;
};

static int
add_label(struct labels *l, const char *kind, const char *id, size_t id_len)
{
	int rc;

	if (id_len == 0)
		return PX_OK; /* no such place: nothing to read */
	if (id_len > PX_ID_MAX)
		return PX_ESTORE;
	rc = px_array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	if (rc == PX_OK)
		snprintf(l->v[l->n++], LABEL_MAX, "%s%.*s", kind, (int)id_len,
			 id);
	return rc;
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The keys the verdict on lin's lot reads, sorted, each once. */
static int
labels_of(struct labels *out, const struct px_lineage *lin)
{
	struct labels l = { 0 };
	size_t k = 0;
	int rc = PX_OK;

	for (size_t i = 0; i < lin->n_lots && rc == PX_OK; i++) {
		const struct px_lineage_lot *lot = &lin->lots[i];

		rc = add_label(&l, "lot:", lot->lot, strlen(lot->lot));
		if (rc == PX_OK)
			rc = add_label(&l, "actor:", lot->creator,
				       strlen(lot->creator));
		if (rc != PX_OK || !lot->is_origin)
			continue;
		/* DESIGN.md §3.4: region and country follow from the
		 * district. */
		rc = add_label(&l, "farm:", lot->farm, strlen(lot->farm));
		if (rc == PX_OK)
			rc = add_label(&l, "district:", lot->district,
				       strlen(lot->district));
		if (rc == PX_OK)
			rc = add_label(&l, "region:", lot->region,
				       strlen(lot->region));
		if (rc == PX_OK)
			rc = add_label(&l, "country:", lot->district,
				       strcspn(lot->district, "-"));
	}
	if (rc != PX_OK) {
		free(l.v);
		return rc;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_label);
	for (size_t i = 0; i < l.n; i++)
		if (k == 0 || strcmp(l.v[k - 1], l.v[i]) != 0)
			memmove(l.v[k++], l.v[i], sizeof(*l.v));
	l.n = k;
	*out = l;
	return PX_OK;
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

int
px_bundle_index_root_leaf(struct px_bundle_problem *p,
			  const Paxta__BundleLeaf *bl,
			  const struct px_pubkey *node_key,
			  struct px_hash *root)
{
	struct px_entry e;
	const Paxta__IndexRoot *ir;
	int rc;

	rc = px_entry_read(&e, bl->leaf.data, bl->leaf.len, PX_ENTRY_ALL);
	if (rc != PX_OK)
		return rc;
	if (e.status != PX_OK || !e.body ||
	    e.body->body_case != PAXTA__ENTRY__BODY_INDEX_ROOT) {
		rc = PX_ENOTFOUND;
		goto out;
	}
	ir = e.body->index_root;
	rc = PX_EVERIFY;
	if (node_key && memcmp(e.env.pub.b, node_key->b, PX_PUBKEY_LEN) != 0)
		problem(p, rc,
			"leaf %" PRIu64 ": an index root not signed by the "
			"trusted key",
			bl->index);
	else if (ir->size != bl->index || ir->root.len != PX_HASH_LEN ||
		 e.body->seq != 0)
		problem(p, rc,
			"leaf %" PRIu64 ": an index root that does not cover "
			"the entries before it",
			bl->index);
	else {
		if (root)
			memcpy(root->b, ir->root.data, PX_HASH_LEN);
		rc = PX_OK;
	}
out:
	px_entry_release(&e);
	return rc;
}

/* ---- making ---- */

static int
copy_bytes(ProtobufCBinaryData *out, const uint8_t *b, size_t len)
{
	out->data = malloc(len ? len : 1);
	if (!out->data)
		return PX_ENOMEM;
	memcpy(out->data, b, len);
	out->len = len;
	return PX_OK;
}

/* The proof of one key: its list below size and its path. */
static int
one_proof(Paxta__IndexProof **out, struct px_txn *t, const char *label,
	  uint64_t size, int tree_is_current)
{
	Paxta__IndexProof *ip = NULL;
	struct px_smt_proof *proof = NULL;
	struct px_hash key, root;
	int rc;

	if ((rc = px_smt_key(&key, label)) != PX_OK)
		return rc;
	rc = PX_ENOMEM;
	proof = malloc(sizeof(*proof));
	ip = calloc(1, sizeof(*ip));
	if (!proof || !ip)
		goto out;
	paxta__index_proof__init(ip);
	ip->label = NULL;
	if ((rc = px_index_list(&ip->indexes, &ip->n_indexes, t, &key, size)) !=
	    PX_OK)
		goto out;
	/* The stored tree when nothing was indexed since the root; else the
	 * tree as it was, rebuilt from the lists. */
	rc = tree_is_current ? px_index_prove(proof, t, &key)
			     : px_index_at(&root, proof, t, size, &key);
	if (rc != PX_OK)
		goto out;
	rc = PX_ENOMEM;
	if (!(ip->label = strdup(label)))
		goto out;
	ip->siblings = calloc(proof->n_siblings ? proof->n_siblings : 1,
			      sizeof(*ip->siblings));
	if (!ip->siblings)
		goto out;
	for (size_t i = 0; i < proof->n_siblings; i++) {
		if ((rc = copy_bytes(&ip->siblings[i], proof->siblings[i].b,
				     PX_HASH_LEN)) != PX_OK)
			goto out;
		ip->n_siblings++;
	}
	ip->ends_at_leaf = proof->ends_at_leaf;
	if (proof->ends_at_leaf &&
	    ((rc = copy_bytes(&ip->leaf_key, proof->leaf.key.b, PX_HASH_LEN)) !=
		     PX_OK ||
	     (rc = copy_bytes(&ip->leaf_value, proof->leaf.value.b,
			      PX_HASH_LEN)) != PX_OK))
		goto out;
	*out = ip;
	ip = NULL;
	rc = PX_OK;
out:
	if (ip)
		paxta__index_proof__free_unpacked(ip, NULL);
	free(proof);
	return rc;
}

int
px_bundle_index_build(Paxta__Bundle *b, uint64_t **extra, size_t *n_extra,
		      struct px_txn *t, const struct px_lineage *lin,
		      uint64_t size)
{
	Paxta__BundleLeaf last = PAXTA__BUNDLE_LEAF__INIT;
	struct px_bundle_problem p;
	struct labels l = { 0 };
	struct px_hash logged, now;
	uint64_t *idx = NULL;
	size_t n_idx = 0, cap_idx = 0;
	const uint8_t *leaf;
	size_t len;
	int rc;

	*extra = NULL;
	*n_extra = 0;
	if (size < 2)
		return PX_OK;
	/* The index root is the checkpoint's last leaf, or there is none. */
	if ((rc = px_store_leaf(t, size - 1, &leaf, &len)) != PX_OK)
		return rc;
	last.index = size - 1;
	last.leaf.data = (uint8_t *)leaf;
	last.leaf.len = len;
	rc = px_bundle_index_root_leaf(&p, &last, NULL, &logged);
	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc == PX_EVERIFY)
		return PX_ESTORE; /* the node's rules logged it */
	if (rc != PX_OK)
		return rc;
	if ((rc = px_index_root(t, &now)) != PX_OK)
		return rc;
	if ((rc = labels_of(&l, lin)) != PX_OK)
		return rc;
	rc = PX_ENOMEM;
	b->index = calloc(l.n ? l.n : 1, sizeof(*b->index));
	if (!b->index)
		goto out;
	rc = px_array_grow((void **)&idx, &cap_idx, 1, sizeof(*idx));
	if (rc == PX_OK)
		idx[n_idx++] = size - 1;
	for (size_t i = 0; i < l.n && rc == PX_OK; i++) {
		Paxta__IndexProof *ip = NULL;

		rc = one_proof(&ip, t, l.v[i], size - 1,
			       memcmp(now.b, logged.b, PX_HASH_LEN) == 0);
		if (rc != PX_OK)
			break;
		b->index[b->n_index++] = ip;
		rc = px_array_grow((void **)&idx, &cap_idx,
				   n_idx + ip->n_indexes, sizeof(*idx));
		if (rc == PX_OK && ip->n_indexes) {
			memcpy(idx + n_idx, ip->indexes,
			       ip->n_indexes * sizeof(*idx));
			n_idx += ip->n_indexes;
		}
	}
	if (rc == PX_OK) {
		*extra = idx;
		*n_extra = n_idx;
		idx = NULL;
	}
out:
	free(idx);
	free(l.v);
	return rc;
}

/* ---- checking ---- */

static int
cmp_leaf_index(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key;
	uint64_t i = (*(const Paxta__BundleLeaf *const *)elem)->index;

	return k < i ? -1 : k > i;
}

static int
holds(const Paxta__Bundle *b, uint64_t index)
{
	return bsearch(&index, b->leaves, b->n_leaves, sizeof(*b->leaves),
		       cmp_leaf_index) != NULL;
}

static const Paxta__IndexProof *
proof_of(const Paxta__Bundle *b, const char *label)
{
	for (size_t i = 0; i < b->n_index; i++)
		if (b->index[i]->label &&
		    strcmp(b->index[i]->label, label) == 0)
			return b->index[i];
	return NULL;
}

/* One key's proof against root (the index of the first root_size leaves). */
static int
check_one(struct px_bundle_problem *p, const Paxta__Bundle *b,
	  const Paxta__IndexProof *ip, const struct px_hash *root,
	  uint64_t root_size)
{
	struct px_smt_proof *proof = NULL;
	struct px_hash key, value;
	int rc;

	if (ip->n_siblings > PX_SMT_DEPTH ||
	    (ip->ends_at_leaf && (ip->leaf_key.len != PX_HASH_LEN ||
				  ip->leaf_value.len != PX_HASH_LEN)))
		return problem(p, PX_EMALFORMED,
			       "the index proof of '%s' is malformed",
			       ip->label);
	for (size_t i = 0; i < ip->n_indexes; i++) {
		if (i && ip->indexes[i] <= ip->indexes[i - 1])
			return problem(p, PX_EMALFORMED,
				       "the entries of '%s' are out of order",
				       ip->label);
		if (ip->indexes[i] >= root_size)
			return problem(p, PX_EVERIFY,
				       "entry %" PRIu64 " of '%s' is past the "
				       "index root",
				       ip->indexes[i], ip->label);
		if (!holds(b, ip->indexes[i]))
			return problem(p, PX_EVERIFY,
				       "entry %" PRIu64 " on '%s' (a "
				       "statement, lab result or void) is "
				       "not in the bundle",
				       ip->indexes[i], ip->label);
	}
	if (!(proof = calloc(1, sizeof(*proof))))
		return PX_ENOMEM;
	proof->n_siblings = ip->n_siblings;
	for (size_t i = 0; i < ip->n_siblings; i++) {
		if (ip->siblings[i].len != PX_HASH_LEN) {
			rc = problem(p, PX_EMALFORMED,
				     "the index proof of '%s' is malformed",
				     ip->label);
			goto out;
		}
		memcpy(proof->siblings[i].b, ip->siblings[i].data, PX_HASH_LEN);
	}
	proof->ends_at_leaf = ip->ends_at_leaf;
	if (ip->ends_at_leaf) {
		memcpy(proof->leaf.key.b, ip->leaf_key.data, PX_HASH_LEN);
		memcpy(proof->leaf.value.b, ip->leaf_value.data, PX_HASH_LEN);
	}
	if ((rc = px_smt_key(&key, ip->label)) != PX_OK ||
	    (ip->n_indexes && (rc = px_index_value(&value, ip->indexes,
						   ip->n_indexes)) != PX_OK))
		goto out;
	rc = px_smt_verify(proof, root, &key, ip->n_indexes ? &value : NULL);
	if (rc == PX_EVERIFY && ip->n_indexes)
		rc = problem(p, rc,
			     "the index root does not list exactly these "
			     "%zu entries on '%s': one is left out",
			     ip->n_indexes, ip->label);
	else if (rc == PX_EVERIFY)
		rc = problem(p, rc,
			     "the index root does not show that nothing is "
			     "logged on '%s'",
			     ip->label);
out:
	free(proof);
	return rc;
}

int
px_bundle_index_check(struct px_bundle_problem *p, const Paxta__Bundle *b,
		      const struct px_checkpoint *cp,
		      const struct px_pubkey *node_key,
		      const struct px_lineage *lin)
{
	const Paxta__BundleLeaf *last;
	struct labels l = { 0 };
	struct px_hash root;
	int rc;

	last = b->n_leaves ? b->leaves[b->n_leaves - 1] : NULL;
	if (!last || cp->size < 2 || last->index != cp->size - 1 ||
	    (rc = px_bundle_index_root_leaf(p, last, node_key, &root)) ==
		    PX_ENOTFOUND)
		return problem(p, PX_EVERIFY,
			       "the bundle ends with no index root at leaf "
			       "%" PRIu64 ", the last of checkpoint %" PRIu64
			       ": nothing shows that no statement, lab result "
			       "or void was left out",
			       cp->size ? cp->size - 1 : 0, cp->size);
	if (rc != PX_OK)
		return rc;
	if ((rc = labels_of(&l, lin)) != PX_OK)
		return rc;
	for (size_t i = 0; i < l.n && rc == PX_OK; i++) {
		const Paxta__IndexProof *ip = proof_of(b, l.v[i]);

		rc = ip ? check_one(p, b, ip, &root, cp->size - 1)
			: problem(p, PX_EVERIFY,
				  "the bundle does not prove what is logged "
				  "on '%s'",
				  l.v[i]);
	}
	free(l.v);
	return rc;
}
