/*
 * paxta — the verdict on a lot (DESIGN.md §3.4): its mass pushed up its
 * lineage to the origins, each origin's status, lab results and
 * facilities under a finding on the way, and every lot of the way held to
 * the entry that made it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "graph.h"
#include "lineage_memo.h"
#include "paxta/entry.h"
#include "paxta/map.h"
#include "paxta/names.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"
#include "status.h"

const char *
px_verdict_name(enum px_verdict_kind kind)
{
	switch (kind) {
	case PX_VERDICT_FREE:
		return "free";
	case PX_VERDICT_FLAGGED:
		return "flagged";
	case PX_VERDICT_UNVERIFIED:
		return "unverified";
	default:
		return "invalid";
	}
}

__attribute__((format(printf, 2, 3))) static int
add_reason(struct px_verdict *v, const char *fmt, ...)
{
	char **r, *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PX_ENOMEM;
	r = realloc(v->reasons, (v->n_reasons + 1) * sizeof(*r));
	if (!r) {
		free(s);
		return PX_ENOMEM;
	}
	v->reasons = r;
	v->reasons[v->n_reasons++] = s;
	return PX_OK;
}

/* Each lab's latest result on one lot: a re-test by the same lab
 * supersedes its earlier result (DESIGN.md §3.4). */
struct lab_scan {
	uint64_t at;
	struct px_lab_finding *f;
	size_t n, cap;
	int rc;
};

static int
take_lab(void *ctx, const Paxta__LabRecord *rec)
{
	struct lab_scan *ls = ctx;
	const Paxta__LabResult *lr = rec->result;
	struct px_lab_finding *f;
	size_t i;

	if (rec->index >= ls->at)
		return 1; /* log order: nothing later counts */
	for (i = 0; i < ls->n; i++)
		if (strcmp(ls->f[i].lab, rec->lab) == 0)
			break;
	if (i == ls->n) {
		ls->rc = px_array_grow((void **)&ls->f, &ls->cap, ls->n + 1,
				       sizeof(*ls->f));
		if (ls->rc != PX_OK)
			return ls->rc;
		ls->n++;
	}
	f = &ls->f[i];
	memset(f, 0, sizeof(*f));
	px_id_copy(f->lab, rec->lab);
	px_id_copy(f->lot, lr->lot);
	snprintf(f->method, sizeof(f->method), "%s", lr->method);
	f->index = rec->index;
	f->tested_at = lr->tested_at;
	f->lot_share = lr->matches ? 0 : lr->share_ppm / 1e6;
	/* The report: its SHA-256, or the first document that has one. */
	if (lr->report_sha256.len == PX_HASH_LEN) {
		memcpy(f->report_sha256, lr->report_sha256.data, PX_HASH_LEN);
		f->has_report = 1;
	}
	for (size_t d = 0; d < lr->n_documents && !f->has_report; d++)
		if (lr->documents[d]->sha256.len == PX_HASH_LEN) {
			memcpy(f->report_sha256, lr->documents[d]->sha256.data,
			       PX_HASH_LEN);
			f->has_report = 1;
		}
	return 0;
}

/*
 * The labs' findings on node n (weight: its share of the asked lot), as of
 * at: each lab's latest result, the worst share of them flagged.
 * *out_share is the share of n's mass that does not match; the findings
 * that say so join v->labs.
 */
static int
lab_findings(struct px_verdict *v, struct px_txn *t,
	     const struct px_graph_node *n, double weight, uint64_t at,
	     double *out_share)
{
	struct lab_scan ls = { at, NULL, 0, 0, PX_OK };
	double worst = 0;
	int rc;

	*out_share = 0;
	rc = px_state_each_lab(t, n->id, take_lab, &ls);
	if (rc == 1)
		rc = PX_OK;
	if (rc == PX_OK)
		rc = ls.rc;
	for (size_t i = 0; i < ls.n && rc == PX_OK; i++) {
		struct px_lab_finding *f;

		if (ls.f[i].lot_share <= 0)
			continue;
		if (ls.f[i].lot_share > worst)
			worst = ls.f[i].lot_share;
		rc = px_array_grow((void **)&v->labs, &v->cap_labs,
				   v->n_labs + 1, sizeof(*v->labs));
		if (rc != PX_OK)
			break;
		f = &v->labs[v->n_labs++];
		*f = ls.f[i];
		f->share = weight * f->lot_share;
		rc = add_reason(v,
				"lab '%s' found that %.1f %% of lot '%s' does "
				"not match its claimed origin (%s, entry "
				"%" PRIu64 ")",
				f->lab, f->lot_share * 100, f->lot,
				f->method[0] ? f->method : "method not given",
				f->index);
	}
	free(ls.f);
	if (rc == PX_OK)
		*out_share = worst;
	return rc;
}

/* When the event of e happened: its event time, else its entry time. */
static int64_t
event_when(const Paxta__Entry *e)
{
	int64_t when;

	if (e->event_time[0] && px_parse_time(&when, e->event_time) == PX_OK)
		return when;
	return e->time;
}

/*
 * Does node n say what the entry e that made it says? The verdict reads
 * lots from the ledger's state; this is where that state is held to the
 * log (issue 13: "a verdict never rests on unchecked state"). 0 when it
 * agrees, else the name of the first field that does not.
 */
static const char *
node_disagrees(const struct px_graph_node *n, const Paxta__Entry *e)
{
	if (e->body_case == PAXTA__ENTRY__BODY_HARVEST) {
		const Paxta__Harvest *h = e->harvest;

		if (strcmp(h->lot, n->id) != 0)
			return "id";
		if (!n->is_origin || strcmp(e->actor, n->farm) != 0)
			return "farm";
		if (strcmp(h->district, n->district) != 0)
			return "district";
		if (h->season != n->season)
			return "season";
		if (h->harvested_at != n->time)
			return "harvest time";
		if (h->grams != n->grams)
			return "kg";
		if (n->product != PAXTA__PRODUCT__PRODUCT_SEED_COTTON)
			return "product";
		return NULL;
	}
	if (e->body_case == PAXTA__ENTRY__BODY_TRANSFORM) {
		const Paxta__Transform *tf = e->transform;

		if (n->is_origin)
			return "farm";
		if (strcmp(e->actor, n->creator) != 0)
			return "maker";
		if (event_when(e) != n->time)
			return "time";
		for (size_t k = 0; k < tf->n_outputs; k++)
			if (strcmp(tf->outputs[k]->lot, n->id) == 0)
				return tf->outputs[k]->grams != n->grams ? "kg"
				       : tf->outputs[k]->product != n->product
					       ? "product"
					       : NULL;
		return "id";
	}
	return "kind of entry";
}

/*
 * Every record on the way is intact: the leaf that created each lot of the
 * lineage still hashes to the leaf hash the log's tree was built from, and
 * the lot as the ledger's state holds it — its farm, district, season,
 * times, kg — is what that entry says. Signatures were checked when each
 * entry was appended; audit re-checks them, every chain link and every
 * stored hash. Hashing and decoding a leaf are cheap next to verifying its
 * signature, which is what keeps a verdict fast.
 */
static int
check_records(struct px_verdict *v, struct px_txn *t,
	      const struct px_graph_node *nodes, const size_t *order,
	      size_t n_order)
{
	struct px_entry e = { 0 };
	uint64_t read_at = UINT64_MAX;
	int rc = PX_OK;

	/* order is by the entry that made each lot: the outputs of one
	 * entry side by side, read once */
	for (size_t k = 0; k < n_order && rc == PX_OK; k++) {
		const struct px_graph_node *n = &nodes[order[k]];
		struct px_hash stored, leaf_hash;
		const char *field;

		if (n->created_at != read_at) {
			px_entry_release(&e);
			read_at = n->created_at;
			rc = px_state_entry(t, read_at, &e);
			if (rc == PX_OK)
				rc = px_hash_leaf(&leaf_hash, e.leaf,
						  e.leaf_len);
			if (rc == PX_OK)
				rc = px_store_leaf_hash(t, read_at, &stored);
			if (rc == PX_ESTORE) {
				rc = add_reason(
					v,
					"entry %" PRIu64 " that made lot "
					"'%s' does not decode: the ledger "
					"was altered (run paxta audit)",
					read_at, n->id);
				v->kind = PX_VERDICT_INVALID;
				break;
			}
			if (rc != PX_OK)
				break;
			if (memcmp(leaf_hash.b, stored.b, PX_HASH_LEN) != 0) {
				v->kind = PX_VERDICT_INVALID;
				rc = add_reason(
					v,
					"entry %" PRIu64 " on the lot's "
					"way does not match the log's "
					"hashes: the ledger was altered "
					"(run paxta audit)",
					read_at);
				break;
			}
		}
		if ((field = node_disagrees(n, e.body))) {
			v->kind = PX_VERDICT_INVALID;
			rc = add_reason(v,
					"the ledger's record of lot '%s' does "
					"not match entry %" PRIu64 " that made "
					"it (its %s): the ledger's state was "
					"altered (run paxta audit)",
					n->id, read_at, field);
			break;
		}
	}
	px_entry_release(&e);
	return rc;
}

static int
by_share(const void *a, const void *b)
{
	const struct px_origin *x = a, *y = b;

	if (x->share != y->share)
		return x->share < y->share ? 1 : -1;
	return strcmp(x->lot, y->lot);
}

/* The group of origin o in the reasons: its deciding statement, or for
 * origins no monitor judged, its district and season. Built by hand:
 * thousands of origins per verdict. out has room for PX_ID_MAX + 32. */
static void
group_key(char *out, const struct px_origin *o)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	out[n++] = (char)('a' + (int)o->status % 26);
	if (o->status != PAXTA__STATUS__STATUS_UNSPECIFIED) {
		for (int shift = 60; shift >= 0; shift -= 4)
			out[n++] = hex[(o->decided_by >> shift) & 15];
	} else {
		for (int shift = 28; shift >= 0; shift -= 4)
			out[n++] = hex[(o->season >> shift) & 15];
		px_id_copy(out + n, o->district);
		return;
	}
	out[n] = '\0';
}

struct group {
	size_t first; /* the group's first origin, where its reason goes */
	double share;
};

/* Group origins by what decided them, for the reasons: one sentence per
 * deciding statement (or per district and season for origins with none),
 * at its first origin, with the group's share summed in origin order. */
static int
explain(struct px_verdict *v)
{
	char key[PX_ID_MAX + 32];
	struct px_map groups;
	int rc = PX_OK;

	px_map_init(&groups, sizeof(struct group));
	for (size_t i = 0; i < v->n_origins && rc == PX_OK; i++) {
		const struct px_origin *o = &v->origins[i];
		struct group *gr;
		int made;

		if (o->status == PAXTA__STATUS__STATUS_CERTIFIED)
			continue;
		group_key(key, o);
		if ((rc = px_map_put(&groups, key, (void **)&gr, &made)) !=
		    PX_OK)
			break;
		if (made)
			gr->first = i;
		gr->share += o->share;
	}
	for (size_t i = 0; i < v->n_origins && rc == PX_OK; i++) {
		const struct px_origin *o = &v->origins[i];
		const struct group *gr;

		if (o->status == PAXTA__STATUS__STATUS_CERTIFIED)
			continue;
		group_key(key, o);
		gr = px_map_get(&groups, key);
		if (!gr || gr->first != i)
			continue;
		if (o->status == PAXTA__STATUS__STATUS_UNSPECIFIED)
			rc = add_reason(v,
					"%.1f %% traces to district '%s' "
					"(season %u), which no monitor has "
					"certified",
					gr->share * 100, o->district,
					o->season);
		else
			rc = add_reason(
				v,
				"%.1f %% traces to origins where "
				"monitor '%s' says %s for %s, season %u "
				"(entry %" PRIu64 ")",
				gr->share * 100, o->monitor,
				px_status_name(o->status), o->subject,
				o->season, o->decided_by);
	}
	px_map_clear(&groups);
	return rc;
}

/*
 * Facilities (DESIGN.md §3.4): a lot made by a gin, a mill, a weaver or a
 * garment maker while a monitor's finding on "actor:ID" covered the time
 * it was made. Its share of the asked lot (*weight) is `facility`, named
 * in v->facilities, and stops there: it is in no origin's share.
 */
static int
facility_finding(struct px_verdict *v, struct px_txn *t, struct px_map *cache,
		 const struct px_graph_node *n, double *weight, uint64_t at)
{
	char subject[PX_ID_MAX + 16];
	struct px_judgement j;
	struct px_facility_finding *f;
	int rc;

	px_subject_of(subject, "actor:", n->creator);
	rc = px_judge_subject(t, cache, subject, 0, at, n->time, n->creator,
			      &j);
	if (rc != PX_OK || !px_status_is_finding(j.status))
		return rc;
	rc = px_array_grow((void **)&v->facilities, &v->cap_facilities,
			   v->n_facilities + 1, sizeof(*v->facilities));
	if (rc != PX_OK)
		return rc;
	f = &v->facilities[v->n_facilities++];
	memset(f, 0, sizeof(*f));
	px_id_copy(f->facility, n->creator);
	px_id_copy(f->lot, n->id);
	px_id_copy(f->monitor, j.monitor);
	f->status = j.status;
	f->decided_by = j.decided_by;
	f->share = *weight;
	v->facility += *weight;
	*weight = 0;
	return add_reason(v,
			  "%.1f %% passed through facility '%s' (lot '%s') "
			  "while monitor '%s' says %s for it (entry %" PRIu64
			  ")",
			  f->share * 100, f->facility, f->lot, f->monitor,
			  px_status_name(f->status), f->decided_by);
}

/* "the registrar suspended monitor X's statements from entry N on":
 * the verdict names each suspension that changed what counted. */
static int
name_suspension(struct px_verdict *v, struct px_txn *t, uint64_t index)
{
	struct px_entry stored = { 0 };
	const Paxta__Entry *e;
	int rc;

	if ((rc = px_state_entry(t, index, &stored)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	e = stored.body;
	if (e->body_case != PAXTA__ENTRY__BODY_SUSPEND) {
		rc = PX_ESTORE;
		goto out;
	}
	rc = add_reason(v,
			"registrar '%s' suspended the statements of monitor "
			"'%s' from entry %" PRIu64 " on (entry %" PRIu64
			"): %s",
			e->actor, e->suspend->subject, e->suspend->from, index,
			e->suspend->reason);
out:
	px_entry_release(&stored);
	return rc;
}

/* Suspensions and unmapped countries behind the origins, once each: a
 * verdict has thousands of origins but a handful of each. */
static int
explain_ground(struct px_verdict *v, struct px_txn *t)
{
	char(*countries)[PX_ID_MAX + 1] = NULL;
	uint64_t *suspensions = NULL;
	size_t n_c = 0, cap_c = 0, n_s = 0, cap_s = 0;
	int rc = PX_OK;

	for (size_t i = 0; i < v->n_origins && rc == PX_OK; i++) {
		const struct px_origin *o = &v->origins[i];
		char country[PX_ID_MAX + 1];
		Paxta__PlaceRecord *map = NULL;
		size_t k;

		if (o->suspension) {
			for (k = 0; k < n_s; k++)
				if (suspensions[k] == o->suspension)
					break;
			if (k == n_s) {
				rc = px_array_grow((void **)&suspensions,
						   &cap_s, n_s + 1,
						   sizeof(*suspensions));
				if (rc == PX_OK) {
					suspensions[n_s++] = o->suspension;
					rc = name_suspension(v, t,
							     o->suspension);
				}
			}
		}
		px_place_of(o->district, NULL, country);
		for (k = 0; k < n_c; k++)
			if (strcmp(countries[k], country) == 0)
				break;
		if (rc != PX_OK || k < n_c)
			continue;
		rc = px_array_grow((void **)&countries, &cap_c, n_c + 1,
				   sizeof(*countries));
		if (rc != PX_OK)
			break;
		memcpy(countries[n_c++], country, sizeof(country));
		rc = px_state_place(t, country, &map);
		px_state_free(map);
		if (rc == PX_ENOTFOUND)
			rc = add_reason(v,
					"the registrar has published no map "
					"of '%s': its district codes are "
					"unchecked",
					country);
	}
	free(countries);
	free(suspensions);
	return rc;
}

/* A lineage as the verdict reads it: a fresh walk's graph or a
 * remembered one (lineage_memo.h), the lots newest first. */
struct lineage_view {
	const struct px_graph_node *nodes;
	size_t n_nodes;
	const struct px_graph_edge *edges;
	const size_t *order;
	size_t n_order;
	size_t root;
};

/* Walk lot's lineage up as of g->at and sort it newest first: every lot
 * before its inputs, so the mass flows up in one pass. */
static int
walk(struct px_txn *t, struct px_graph *g, const char *lot, size_t *root,
     size_t **order, size_t *n_order)
{
	int rc;

	if ((rc = px_graph_node(g, lot, root)) != PX_OK ||
	    (rc = px_graph_load(t, g, *root)) != PX_OK ||
	    (rc = px_graph_walk(t, g, root, 1, 1, order, n_order)) != PX_OK)
		return rc;
	px_graph_sort(g, *order, *n_order, 1);
	return PX_OK;
}

int
px_verdict(struct px_verdict **out, struct px_txn *t, const char *lot,
	   uint64_t at)
{
	struct px_verdict *v = NULL;
	struct px_graph g;
	struct px_lineage_memo *memo = NULL;
	struct px_lineage *lin = NULL;
	struct lineage_view w;
	size_t root, *order = NULL, n_order = 0, n_origins = 0;
	uint64_t size = px_store_size(t), mark = 0;
	double *weight = NULL;
	struct px_map statements;
	int rc;

	*out = NULL;
	if (at == 0 || at > size)
		at = size;
	if (!px_state_valid_id(lot))
		return PX_ENOTFOUND;
	px_graph_init(&g, at, 0);
	px_statements_init(&statements);
	v = calloc(1, sizeof(*v));
	if (!v) {
		rc = PX_ENOMEM;
		goto out;
	}
	snprintf(v->lot, sizeof(v->lot), "%s", lot);
	v->at = at;

	/* A read snapshot asks the store's memory of lineages first (a
	 * write transaction's state may yet be undone: it always walks).
	 * The memory gives a lineage only when it is what the walk would
	 * read: read as of at or before, and no walked fact changed since
	 * (the lineage marker). */
	if (!px_store_writing(t)) {
		rc = px_lineage_memo_of(t, &memo);
		if (rc == PX_EINVAL)
			memo = NULL; /* the store holds another attachment */
		else if (rc != PX_OK)
			goto out;
		if (memo && (rc = px_state_lineage_mark(t, &mark)) != PX_OK)
			goto out;
		if (memo)
			lin = px_lineage_memo_get(memo, lot, at, mark);
	}
	if (lin) {
		w =
			(struct lineage_view){ lin->nodes,   lin->n_nodes,
					       lin->edges,   lin->order,
					       lin->n_order, lin->root };
	} else {
		if ((rc = walk(t, &g, lot, &root, &order, &n_order)) != PX_OK)
			goto out;
		w = (struct lineage_view){ g.nodes, g.n_nodes, g.edges,
					   order,   n_order,   root };
	}
	v->product = w.nodes[w.root].product;
	v->grams = w.nodes[w.root].grams;
	v->ancestors = w.n_order;

	/* Push the lot's mass up its lineage: every lot before its inputs,
	 * each lot's share in weight[] (the lineage may be shared: it is
	 * never written). The share of a lot that a lab found not to match
	 * its claimed origin stops there: it is lab_mismatch, whatever the
	 * origins upstream say (DESIGN.md §3.4). */
	if (!(weight = calloc(w.n_nodes ? w.n_nodes : 1, sizeof(*weight)))) {
		rc = PX_ENOMEM;
		goto out;
	}
	weight[w.root] = 1.0;
	for (size_t k = 0; k < w.n_order; k++) {
		size_t i = w.order[k];
		const struct px_graph_node *n = &w.nodes[i];
		uint64_t total = 0;
		double mismatch = 0;

		/* A lot a facility made while a finding covered it: its
		 * share is flagged as the facility's, whatever came in. */
		if (!n->is_origin && n->creator[0] && weight[i] > 0) {
			if ((rc = facility_finding(v, t, &statements, n,
						   &weight[i], at)) != PX_OK)
				goto out;
		}
		if (n->has_labs && weight[i] > 0 &&
		    (rc = lab_findings(v, t, n, weight[i], at, &mismatch)) !=
			    PX_OK)
			goto out;
		v->lab_mismatch += weight[i] * mismatch;
		weight[i] *= 1 - mismatch;
		for (size_t e = 0; e < n->n_edges; e++)
			total += w.edges[n->first_edge + e].grams;
		for (size_t e = 0; e < n->n_edges && total; e++) {
			const struct px_graph_edge *ed =
				&w.edges[n->first_edge + e];

			weight[ed->node] +=
				weight[i] * (double)ed->grams / (double)total;
		}
		if (n->is_origin)
			n_origins++;
	}

	v->origins = calloc(n_origins ? n_origins : 1, sizeof(*v->origins));
	if (!v->origins) {
		rc = PX_ENOMEM;
		goto out;
	}
	v->kind = PX_VERDICT_FREE;
	for (size_t k = 0; k < w.n_order; k++) {
		const struct px_graph_node *n = &w.nodes[w.order[k]];
		struct px_origin *o;

		if (!n->is_origin)
			continue;
		o = &v->origins[v->n_origins++];
		px_id_copy(o->lot, n->id);
		px_id_copy(o->farm, n->farm);
		px_id_copy(o->district, n->district);
		px_id_copy(o->region, n->region);
		o->season = n->season;
		o->harvested_at = n->time;
		o->method = n->method;
		o->share = weight[w.order[k]];
		if ((rc = px_origin_judge(t, &statements, o, at)) != PX_OK)
			goto out;
		v->by_status[o->status] += o->share;
	}
	qsort(v->origins, v->n_origins, sizeof(*v->origins), by_share);

	/* A lab result that contradicts a lot's claimed origin flags it,
	 * whatever the paperwork says. */
	if (v->by_status[PAXTA__STATUS__STATUS_FORCED_LABOUR] > 0 ||
	    v->by_status[PAXTA__STATUS__STATUS_CHILD_LABOUR] > 0 ||
	    v->lab_mismatch > 0 || v->facility > 0)
		v->kind = PX_VERDICT_FLAGGED;
	else if (v->kind != PX_VERDICT_FLAGGED) {
		for (size_t i = 0; i < v->n_origins; i++)
			if (v->origins[i].status !=
			    PAXTA__STATUS__STATUS_CERTIFIED)
				v->kind = PX_VERDICT_UNVERIFIED;
		if (v->n_origins == 0) {
			v->kind = PX_VERDICT_UNVERIFIED;
			rc = add_reason(v, "lot '%s' traces to no harvest",
					lot);
			if (rc != PX_OK)
				goto out;
		}
	}
	if ((rc = explain(v)) != PX_OK || (rc = explain_ground(v, t)) != PX_OK)
		goto out;
	/* A remembered lineage passed these checks when it was read. */
	if (!lin &&
	    (rc = check_records(v, t, w.nodes, w.order, w.n_order)) != PX_OK)
		goto out;
	if (v->kind == PX_VERDICT_FREE)
		rc = add_reason(v, "every kg traces to origins whose monitors "
				   "certified them for the season");
	/* Remember a walk of a read snapshot as of its own size whose
	 * records held: the lineage is then what a walk as of any later
	 * size gives until the marker moves. A small lineage, or one that
	 * cannot be taken (out of memory), is just not remembered. */
	if (rc == PX_OK && memo && !lin && at == size &&
	    v->kind != PX_VERDICT_INVALID &&
	    px_lineage_memo_keeps(memo, n_order) &&
	    px_lineage_take(&lin, &g, root, order, n_order, size) == PX_OK) {
		order = NULL; /* the lineage's now */
		px_lineage_memo_put(memo, lot, lin);
	}
out:
	px_lineage_release(lin);
	free(weight);
	px_statements_free(&statements);
	free(order);
	px_graph_release(&g);
	if (rc != PX_OK) {
		px_verdict_free(v);
		return rc;
	}
	*out = v;
	return PX_OK;
}

void
px_verdict_free(struct px_verdict *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_reasons; i++)
		free(v->reasons[i]);
	free(v->reasons);
	free(v->origins);
	free(v->labs);
	free(v->facilities);
	free(v);
}
