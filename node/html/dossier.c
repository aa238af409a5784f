/*
 * paxta — one lot's facts for people, as of a checkpoint: its verdict and
 * lineage, every party, the shipments that carried its lineage, the
 * transforms that made it, the statements and lab results that bear on it
 * (the same ones its proof bundle carries: docs/bundle.md), its holders.
 */
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "paxta/error.h"
#include "paxta/map.h"

int
px_grow(void **items, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (!(p = realloc(*items, n * size)))
		return -1;
	*items = p;
	*cap = n;
	return 0;
}

const struct px_party *
px_dossier_party(const struct px_dossier *d, const char *id)
{
	for (size_t i = 0; id && i < d->n_parties; i++)
		if (strcmp(d->parties[i].id, id) == 0)
			return &d->parties[i];
	return NULL;
}

const char *
px_dossier_name(const struct px_dossier *d, const char *id)
{
	const struct px_party *p = px_dossier_party(d, id);

	if (p && p->rec && p->rec->actor && p->rec->actor->name &&
	    p->rec->actor->name[0])
		return p->rec->actor->name;
	return id;
}

static int
add_party(struct px_dossier *d, const char *id, unsigned part)
{
	struct px_party *p = (struct px_party *)px_dossier_party(d, id);
	int rc;

	if (!id || !id[0])
		return PX_OK;
	if (p) {
		p->parts |= part;
		return PX_OK;
	}
	if (strlen(id) > PX_ID_MAX)
		return PX_ESTORE;
	if (px_grow((void **)&d->parties, &d->cap_parties, d->n_parties + 1,
		    sizeof(*d->parties)))
		return PX_ENOMEM;
	p = &d->parties[d->n_parties];
	memset(p, 0, sizeof(*p));
	strcpy(p->id, id);
	p->parts = part;
	rc = px_state_actor(d->t, id, &p->rec);
	if (rc == PX_ENOTFOUND)
		rc = PX_OK;
	if (rc == PX_OK)
		d->n_parties++;
	return rc;
}

static int
add_index(uint64_t **v, size_t *n, size_t *cap, uint64_t index)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == index)
			return PX_OK;
	if (px_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return PX_ENOMEM;
	(*v)[(*n)++] = index;
	return PX_OK;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_sent(const void *a, const void *b)
{
	const struct px_sent *x = a, *y = b;

	return x->sent_at < y->sent_at ? -1 : x->sent_at > y->sent_at;
}

static int
on_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct px_dossier *d = ctx;
	int rc;

	if (rec->index >= d->size)
		return PX_OK;
	rc = add_index(&d->statements, &d->n_statements, &d->cap_statements,
		       rec->index);
	return rc ? rc : add_party(d, rec->monitor, PX_PART_MONITOR);
}

static int
statements_on(struct px_dossier *d, const char *kind, const char *id,
	      uint32_t season)
{
	char subject[PX_ID_MAX + 16];

	if (!id || !id[0])
		return PX_OK;
	if (snprintf(subject, sizeof(subject), "%s%s", kind, id) >=
	    (int)sizeof(subject))
		return PX_ESTORE;
	return px_state_each_attestation(d->t, subject, season, on_statement,
					 d);
}

static int
on_lab(void *ctx, const Paxta__LabRecord *rec)
{
	struct px_dossier *d = ctx;
	int rc;

	if (rec->index >= d->size)
		return PX_OK;
	rc = add_index(&d->labs, &d->n_labs, &d->cap_labs, rec->index);
	return rc ? rc : add_party(d, rec->lab, PX_PART_LAB);
}

/* Statements at every level an origin is judged by (DESIGN.md §3.4), on
 * the facilities, and lab results: what the bundle carries. */
static int
one_lot(struct px_dossier *d, const struct px_lineage_lot *l)
{
	char country[PX_ID_MAX + 1];
	size_t nc = strcspn(l->district, "-");
	int rc;

	rc = add_party(d, l->creator,
		       l->is_origin ? PX_PART_FARM : PX_PART_MAKER);
	if (rc == PX_OK && !l->is_origin && l->created_at < d->size)
		rc = add_index(&d->transforms, &d->n_transforms,
			       &d->cap_transforms, l->created_at);
	if (rc == PX_OK)
		rc = px_state_each_lab(d->t, l->lot, on_lab, d);
	if (rc == PX_OK)
		rc = statements_on(d, "actor:", l->creator, 0);
	if (rc != PX_OK || !l->is_origin)
		return rc;
	memcpy(country, l->district, nc);
	country[nc] = '\0';
	rc = statements_on(d, "farm:", l->farm, l->season);
	if (rc == PX_OK)
		rc = statements_on(d, "district:", l->district, l->season);
	if (rc == PX_OK)
		rc = statements_on(d, "region:", l->region, l->season);
	if (rc == PX_OK)
		rc = statements_on(d, "country:", country, l->season);
	return rc;
}

/* A shipment that carried a lot of the lineage (not voided, sent as of
 * the dossier's size). */
static int
on_shipment(struct px_dossier *d, const Paxta__ShipmentRecord *s)
{
	int rc;

	if (s->voided || s->sent_at >= d->size)
		return PX_OK;
	if (strlen(s->id) > PX_ID_MAX)
		return PX_ESTORE;
	if (px_grow((void **)&d->shipments, &d->cap_shipments,
		    d->n_shipments + 1, sizeof(*d->shipments)))
		return PX_ENOMEM;
	strcpy(d->shipments[d->n_shipments].id, s->id);
	d->shipments[d->n_shipments++].sent_at = s->sent_at;
	rc = add_party(d, s->from, PX_PART_SENDER);
	return rc ? rc : add_party(d, s->to, PX_PART_CONSIGNEE);
}

/* The lineage's shipments, through the lot -> shipment index: each once,
 * though it may carry several of the lineage's lots. */
struct ship_scan {
	struct px_dossier *d;
	struct px_txn *t;
	struct px_map seen;
};

static int
on_lot_shipment(void *ctx, const char *shipment, uint64_t sent_at)
{
	struct ship_scan *sc = ctx;
	Paxta__ShipmentRecord *s = NULL;
	void *mark;
	int made, rc;

	if (sent_at >= sc->d->size)
		return PX_OK;
	if (px_map_put(&sc->seen, shipment, &mark, &made) != PX_OK)
		return PX_ENOMEM;
	if (!made)
		return PX_OK;
	rc = px_state_shipment(sc->t, shipment, &s);
	if (rc == PX_OK)
		rc = on_shipment(sc->d, s);
	else if (rc == PX_ENOTFOUND)
		rc = PX_ESTORE; /* the index names a shipment with no record */
	px_state_free(s);
	return rc;
}

static int
lineage_shipments(struct px_dossier *d, struct px_txn *t)
{
	struct ship_scan sc = { d, t, { 0 } };
	int rc = PX_OK;

	px_map_init(&sc.seen, 0);
	for (size_t i = 0; i < d->g->n_lots && rc == PX_OK; i++)
		rc = px_state_each_lot_shipment(t, d->g->lots[i].lot,
						on_lot_shipment, &sc);
	px_map_clear(&sc.seen);
	return rc;
}

static int
add_holding(struct px_holding **v, size_t *n, size_t *cap, const char *who,
	    const char *shipment, uint64_t grams)
{
	if (strlen(who) > PX_ID_MAX ||
	    (shipment && strlen(shipment) > PX_ID_MAX))
		return PX_ESTORE;
	if (px_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return PX_ENOMEM;
	memset(&(*v)[*n], 0, sizeof(**v));
	strcpy((*v)[*n].holder, who);
	if (shipment)
		strcpy((*v)[*n].shipment, shipment);
	(*v)[(*n)++].grams = grams;
	return PX_OK;
}

static int
on_holder(void *ctx, const char *holder, uint64_t grams)
{
	struct px_dossier *d = ctx;
	int rc = add_holding(&d->holders, &d->n_holders, &d->cap_holders,
			     holder, NULL, grams);

	return rc ? rc : add_party(d, holder, PX_PART_HOLDER);
}

static int
on_transit(void *ctx, const char *shipment, const char *consignee,
	   uint64_t grams)
{
	struct px_dossier *d = ctx;
	int rc = add_holding(&d->transit, &d->n_transit, &d->cap_transit,
			     consignee, shipment, grams);

	return rc ? rc : add_party(d, consignee, PX_PART_CONSIGNEE);
}

static int
by_created(const void *a, const void *b, void *ctx)
{
	const struct px_lineage *g = ctx;
	uint64_t x = g->lots[*(const size_t *)a].created_at;
	uint64_t y = g->lots[*(const size_t *)b].created_at;

	return x < y ? -1 : x > y;
}

/* Which lots of the lineage hold flagged cotton: origins the verdict
 * found forced or child labour on, lots a lab found not to match, lots a
 * facility finding covers; and everything made from them. Inputs are
 * logged before their outputs, so one pass in log order carries it. */
static int
taint(struct px_dossier *d)
{
	const struct px_lineage *g = d->g;
	const struct px_verdict *v = d->v;
	size_t *order;

	if (!(d->tainted = calloc(g->n_lots ? g->n_lots : 1, 1)) ||
	    !(order = calloc(g->n_lots ? g->n_lots : 1, sizeof(*order))))
		return PX_ENOMEM;
	for (size_t i = 0; i < g->n_lots; i++) {
		const char *id = g->lots[i].lot;

		order[i] = i;
		for (size_t k = 0; v && k < v->n_origins; k++)
			if (strcmp(v->origins[k].lot, id) == 0 &&
			    (v->origins[k].status ==
				     PAXTA__STATUS__STATUS_FORCED_LABOUR ||
			     v->origins[k].status ==
				     PAXTA__STATUS__STATUS_CHILD_LABOUR))
				d->tainted[i] = 1;
		for (size_t k = 0; v && k < v->n_labs; k++)
			if (strcmp(v->labs[k].lot, id) == 0)
				d->tainted[i] = 1;
		for (size_t k = 0; v && k < v->n_facilities; k++)
			if (strcmp(v->facilities[k].lot, id) == 0)
				d->tainted[i] = 1;
	}
	qsort_r(order, g->n_lots, sizeof(*order), by_created, (void *)g);
	for (size_t k = 0; k < g->n_lots; k++)
		for (size_t e = 0; e < g->n_edges; e++)
			if (g->edges[e].output == order[k] &&
			    d->tainted[g->edges[e].input])
				d->tainted[order[k]] = 1;
	free(order);
	return PX_OK;
}

int
px_dossier_build(struct px_dossier **out, struct px_txn *t, const char *lot,
		 uint64_t size)
{
	struct px_dossier *d;
	const char *note;
	size_t len;
	int rc;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))))
		return PX_ENOMEM;
	d->t = t;
	if ((rc = px_state_lot(t, lot, &d->lot)) != PX_OK)
		goto out;
	if (size) {
		if ((rc = px_store_checkpoint_get(t, size, &note, &len)) !=
		    PX_OK)
			goto out;
		d->checkpointed = 1;
	} else if (px_store_checkpoint_latest(t, &size, &note, &len) == PX_OK &&
		   d->lot->created_at < size) {
		d->checkpointed = 1;
	} else {
		size = px_store_size(t);
	}
	d->size = size;
	/* When the lot was recorded: the time in its creating entry's leaf
	 * (a record keyed in long after the picking shows as such). The log
	 * as of that size ends with a leaf, and the leaf says when the node
	 * took it: the date the facts stand at. */
	if ((rc = px_state_accepted_at(t, d->lot->created_at, &d->recorded)) !=
		    PX_OK ||
	    (size > 0 &&
	     (rc = px_state_accepted_at(t, size - 1, &d->as_of)) != PX_OK))
		goto out;
	if (d->lot->created_at >= size) {
		rc = PX_ENOTFOUND;
		goto out;
	}
	if (!d->lot->voided && (rc = px_verdict(&d->v, t, lot, size)) != PX_OK)
		goto out;
	rc = px_lineage(&d->g, t, lot, PX_DOSSIER_LOTS);
	if (rc == PX_ETOOLARGE) {
		d->g = NULL;
		rc = add_party(d, d->lot->creator,
			       d->lot->farm[0] ? PX_PART_FARM : PX_PART_MAKER);
	} else if (rc == PX_OK) {
		for (size_t i = 0; i < d->g->n_lots && rc == PX_OK; i++)
			rc = one_lot(d, &d->g->lots[i]);
		if (rc == PX_OK)
			rc = taint(d);
		if (rc == PX_OK)
			rc = lineage_shipments(d, t);
	}
	if (rc == PX_OK)
		rc = px_state_each_holder(t, lot, on_holder, d);
	if (rc == PX_OK)
		rc = px_state_each_transit(t, lot, on_transit, d);
	if (rc != PX_OK)
		goto out;
	/* qsort takes no NULL, even for none */
	if (d->n_shipments)
		qsort(d->shipments, d->n_shipments, sizeof(*d->shipments),
		      cmp_sent);
	if (d->n_statements)
		qsort(d->statements, d->n_statements, sizeof(uint64_t),
		      cmp_u64);
	if (d->n_labs)
		qsort(d->labs, d->n_labs, sizeof(uint64_t), cmp_u64);
	if (d->n_transforms)
		qsort(d->transforms, d->n_transforms, sizeof(uint64_t),
		      cmp_u64);
	*out = d;
	d = NULL;
out:
	px_dossier_free(d);
	return rc;
}

void
px_dossier_free(struct px_dossier *d)
{
	if (!d)
		return;
	px_state_free(d->lot);
	px_verdict_free(d->v);
	px_lineage_free(d->g);
	free(d->tainted);
	for (size_t i = 0; i < d->n_parties; i++)
		px_state_free(d->parties[i].rec);
	free(d->parties);
	free(d->shipments);
	free(d->statements);
	free(d->labs);
	free(d->transforms);
	free(d->holders);
	free(d->transit);
	free(d);
}
