/*
 * paxta — recall (DESIGN.md §3.4): every lot downstream of the origins a
 * question names — a district's or farm's season, a monitor's statement,
 * one lot — with its share from them, who holds it and what is on the
 * road.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "graph.h"
#include "paxta/entry.h"
#include "paxta/lot.h"
#include "paxta/names.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "status.h"

struct seed_scan {
	struct px_graph *g;
	struct px_txn *t;
	const char *farm;     /* only this farm's lots */
	const char *region;   /* only lots of this region */
	const char *country;  /* only lots whose district starts "CC-" */
	const char *facility; /* lots this facility made in [from, until] */
	int64_t from, until;
	size_t *roots;
	size_t n_roots, cap_roots;
};

static int
add_seed(void *ctx, const char *lot, const char *farm)
{
	struct seed_scan *ss = ctx;
	size_t node;
	int rc;

	if (ss->farm && strcmp(farm, ss->farm) != 0)
		return PX_OK;
	if (ss->region || ss->country) {
		Paxta__LotRecord *rec = NULL;
		char region[PX_ID_MAX + 1], country[PX_ID_MAX + 1];
		int keep;

		if ((rc = px_state_lot(ss->t, lot, &rec)) != PX_OK)
			return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
		/* As the verdict does: region and country from the
		 * district. */
		px_place_of(rec->district, region, country);
		keep = ss->region ? strcmp(region, ss->region) == 0
				  : strcmp(country, ss->country) == 0;
		px_state_free(rec);
		if (!keep)
			return PX_OK;
	}
	/* Only lots kept become nodes: the walk reads every node. */
	if ((rc = px_graph_node(ss->g, lot, &node)) != PX_OK)
		return rc;
	rc = px_array_grow((void **)&ss->roots, &ss->cap_roots, ss->n_roots + 1,
			   sizeof(*ss->roots));
	if (rc == PX_OK)
		ss->roots[ss->n_roots++] = node;
	return rc;
}

static int
add_holder(void *ctx, const char *holder, uint64_t grams)
{
	struct px_recall_lot *rl = ctx;
	char(*h)[PX_ID_MAX + 1];
	uint64_t *hg;

	h = realloc(rl->holders, (rl->n_holders + 1) * sizeof(*h));
	if (!h)
		return PX_ENOMEM;
	rl->holders = h;
	hg = realloc(rl->holder_grams, (rl->n_holders + 1) * sizeof(*hg));
	if (!hg)
		return PX_ENOMEM;
	rl->holder_grams = hg;
	snprintf(rl->holders[rl->n_holders], PX_ID_MAX + 1, "%s", holder);
	rl->holder_grams[rl->n_holders++] = grams;
	rl->held += grams;
	return PX_OK;
}

static int
add_transit(void *ctx, const char *shipment, const char *consignee,
	    uint64_t grams)
{
	struct px_recall_lot *rl = ctx;
	struct px_transit *tr;

	tr = realloc(rl->transit, (rl->n_transit + 1) * sizeof(*tr));
	if (!tr)
		return PX_ENOMEM;
	rl->transit = tr;
	tr += rl->n_transit++;
	px_id_copy(tr->shipment, shipment);
	px_id_copy(tr->to, consignee);
	tr->grams = grams;
	rl->in_transit += grams;
	return PX_OK;
}

/* An output's inputs: their total kg and the kg from recalled origins. */
struct share_sum {
	const struct px_graph *g;
	uint64_t total;
	double share;
};

static int
sum_share(void *ctx, const char *lot, uint64_t grams)
{
	struct share_sum *sum = ctx;
	size_t at = px_graph_find(sum->g, lot);

	sum->total += grams;
	if (at != SIZE_MAX)
		sum->share += sum->g->nodes[at].weight * (double)grams;
	return PX_OK;
}

/* Fill the query's seeds from an attestation's subject. */
static int
seeds_of_statement(struct px_txn *t, uint64_t index, struct seed_scan *ss,
		   char *what, size_t what_len, const char **district,
		   uint32_t *season, char *buf, size_t buf_len)
{
	struct px_entry stored = { 0 };
	const Paxta__Entry *e;
	int rc;

	/* PX_ENOTFOUND past the log's end, PX_ESTORE for a leaf that does
	 * not decode (px_state_entry). */
	if ((rc = px_state_entry(t, index, &stored)) != PX_OK)
		return rc;
	e = stored.body;
	if (e->body_case != PAXTA__ENTRY__BODY_ATTEST) {
		rc = PX_ENOTFOUND;
		goto out;
	}
	*season = e->attest->season;
	snprintf(buf, buf_len, "%s", strchr(e->attest->subject, ':') + 1);
	snprintf(what, what_len, "statement %" PRIu64 " (%s, season %u: %s)",
		 index, e->attest->subject, e->attest->season,
		 px_status_name(e->attest->status));
	rc = PX_OK;
	if (strncmp(e->attest->subject, "farm:", 5) == 0)
		ss->farm = buf;
	else if (strncmp(e->attest->subject, "district:", 9) == 0)
		*district = buf;
	else if (strncmp(e->attest->subject, "region:", 7) == 0)
		ss->region = buf;
	else if (strncmp(e->attest->subject, "actor:", 6) == 0) {
		ss->facility = buf;
		ss->from = e->attest->from;
		ss->until = e->attest->until;
	} else
		ss->country = buf;
out:
	px_entry_release(&stored);
	return rc;
}

/* A lot the facility made while its statement covered it. */
static int
add_made(void *ctx, const Paxta__LotRecord *rec)
{
	struct seed_scan *ss = ctx;

	if (strcmp(rec->creator, ss->facility) != 0 || rec->farm[0] ||
	    rec->voided || rec->created_at >= ss->g->at ||
	    (ss->from && rec->time < ss->from) ||
	    (ss->until && rec->time > ss->until))
		return PX_OK;
	return add_seed(ss, rec->id, "");
}

/* The recalled lot itself as the only seed. */
static int
seed_lot(struct px_txn *t, struct seed_scan *ss, const char *lot, char *what,
	 size_t what_len)
{
	Paxta__LotRecord *rec = NULL;
	int rc = px_state_lot(t, lot, &rec);

	if (rc == PX_OK && rec->voided)
		rc = PX_ENOTFOUND;
	px_state_free(rec);
	if (rc != PX_OK)
		return rc;
	snprintf(what, what_len, "lot %s", lot);
	return add_seed(ss, lot, "");
}

int
px_recall(struct px_recall **out, struct px_txn *t,
	  const struct px_recall_query *q)
{
	struct px_recall *r = NULL;
	struct px_graph g;
	struct seed_scan ss = { 0 };
	const char *district = q->district;
	uint32_t season = q->season;
	char subject[PX_ID_MAX + 16];
	size_t *order = NULL, n_order = 0;
	int rc = PX_OK;

	*out = NULL;
	/* Index 0 is the genesis, never a statement. */
	if (!q->district && !q->farm && !q->lot && q->attestation == 0)
		return PX_EINVAL;
	px_graph_init(&g, px_store_size(t), 0);
	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = PX_ENOMEM;
		goto out;
	}
	ss.g = &g;
	ss.t = t;
	if (q->lot) {
		rc = seed_lot(t, &ss, q->lot, r->what, sizeof(r->what));
	} else if (q->district) {
		snprintf(r->what, sizeof(r->what), "district %s, season %u",
			 q->district, q->season);
	} else if (q->farm) {
		ss.farm = q->farm;
		if (q->season)
			snprintf(r->what, sizeof(r->what), "farm %s, season %u",
				 q->farm, q->season);
		else
			snprintf(r->what, sizeof(r->what), "farm %s", q->farm);
	} else {
		rc = seeds_of_statement(t, q->attestation, &ss, r->what,
					sizeof(r->what), &district, &season,
					subject, sizeof(subject));
	}
	if (rc == PX_OK && ss.facility)
		rc = px_state_each_lot(t, add_made, &ss);
	else if (rc == PX_OK && !q->lot)
		rc = px_state_each_origin(t, district, season, add_seed, &ss);
	if (rc != PX_OK)
		goto out;
	r->n_origins = ss.n_roots;

	/* Every lot downstream, in log order: a lot's inputs were logged
	 * before it, so each lot's inputs have their shares when it is
	 * reached. */
	if ((rc = px_graph_walk(t, &g, ss.roots, ss.n_roots, 0, &order,
				&n_order)) != PX_OK)
		goto out;
	px_graph_sort(&g, order, n_order, 0);
	r->lots = calloc(n_order ? n_order : 1, sizeof(*r->lots));
	if (!r->lots) {
		rc = PX_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ss.n_roots; i++) {
		g.nodes[ss.roots[i]].weight = 1.0;
		g.nodes[ss.roots[i]].is_seed = 1;
	}
	/* The share of each lot from the recalled ones: its inputs'
	 * shares, weighted by the kg it consumed of each. */
	for (size_t k = 0; k < n_order; k++) {
		struct px_graph_node *n = &g.nodes[order[k]];
		struct share_sum sum = { &g, 0, 0 };

		if (n->is_seed)
			continue;
		rc = px_state_each_input(t, n->id, sum_share, &sum);
		if (rc != PX_OK)
			goto out;
		n->weight = sum.total ? sum.share / (double)sum.total : 0;
	}
	/* The recalled lots first, then every lot downstream. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < n_order; k++) {
			struct px_graph_node *n = &g.nodes[order[k]];
			struct px_recall_lot *rl;

			if (n->is_seed != (pass == 0))
				continue;
			rl = &r->lots[r->n_lots++];
			px_id_copy(rl->lot, n->id);
			rl->product = n->product;
			rl->share = n->weight;
			rc = px_state_each_holder(t, n->id, add_holder, rl);
			if (rc == PX_OK)
				rc = px_state_each_transit(t, n->id,
							   add_transit, rl);
			if (rc != PX_OK)
				goto out;
			r->affected_grams += (uint64_t)llround(
				(double)(rl->held + rl->in_transit) *
				rl->share);
		}
	}
out:
	free(order);
	free(ss.roots);
	px_graph_release(&g);
	if (rc != PX_OK) {
		px_recall_free(r);
		return rc;
	}
	*out = r;
	return PX_OK;
}

void
px_recall_free(struct px_recall *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_lots; i++) {
		free(r->lots[i].holders);
		free(r->lots[i].holder_grams);
		free(r->lots[i].transit);
	}
	free(r->lots);
	free(r);
}

int
px_lot_recall(struct px_recall **out, struct px_txn *t, const char *lot)
{
	struct px_recall_query q = { .lot = lot };

	return px_recall(out, t, &q);
}
