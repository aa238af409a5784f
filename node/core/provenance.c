/*
 * paxta — composition, origin status, the verdict and recall
 * (DESIGN.md §3.4), computed from the state tables of one snapshot.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/map.h"
#include "paxta/names.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"

/* ---- a growable lineage graph ---- */

struct edge {
	size_t node; /* the other lot */
	uint64_t grams;
};

struct node {
	char id[PX_ID_MAX + 1];
	Paxta__Product product;
	uint64_t grams;
	uint64_t created_at;
	int visited;
	size_t first_edge, n_edges; /* into graph.edges */
	double weight;
	int is_origin;
	int is_seed; /* a recalled lot itself */
	int has_labs;
	uint32_t season;
	Paxta__Method method;
	int64_t time; /* harvested, or made */
	char district[PX_ID_MAX + 1];
	char region[PX_ID_MAX + 1];
	char farm[PX_ID_MAX + 1];
	char creator[PX_ID_MAX + 1];
};

struct graph {
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	struct edge *edges;
	size_t n_edges, cap_edges;
	size_t *slots;  /* open addressing: node number + 1, 0 empty */
	size_t n_slots; /* a power of two, at least twice n_nodes */
	uint64_t at;
};

static int
graph_init(struct graph *g, uint64_t at)
{
	memset(g, 0, sizeof(*g));
	g->at = at;
	return PX_OK;
}

static void
graph_release(struct graph *g)
{
	free(g->nodes);
	free(g->edges);
	free(g->slots);
	memset(g, 0, sizeof(*g));
}

/* Copy an id into a PX_ID_MAX + 1 buffer (ids from the state are valid,
 * but a longer one is cut, never overflowed). */
static void
copy_id(char *out, const char *id)
{
	size_t n = strnlen(id, PX_ID_MAX);

	memcpy(out, id, n);
	out[n] = '\0';
}

/* FNV-1a: lot ids are short ASCII. A verdict walks 10,000 lots, so the
 * lookup from id to node is a plain open-addressing table. */
static uint64_t
hash_id(const char *id)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *id; id++)
		h = (h ^ (uint8_t)*id) * 1099511628211ULL;
	return h;
}

/* The node of lot id, or SIZE_MAX. */
static size_t
graph_find(const struct graph *g, const char *id)
{
	if (!g->n_slots)
		return SIZE_MAX;
	for (size_t i = hash_id(id) & (g->n_slots - 1);;
	     i = (i + 1) & (g->n_slots - 1)) {
		size_t slot = g->slots[i];

		if (slot == 0)
			return SIZE_MAX;
		if (strcmp(g->nodes[slot - 1].id, id) == 0)
			return slot - 1;
	}
}

static void
graph_place(struct graph *g, size_t node)
{
	size_t i = hash_id(g->nodes[node].id) & (g->n_slots - 1);

	while (g->slots[i])
		i = (i + 1) & (g->n_slots - 1);
	g->slots[i] = node + 1;
}

/* The node of lot id, added (unvisited) when new. */
static int
graph_node(struct graph *g, const char *id, size_t *out)
{
	size_t at = graph_find(g, id);
	struct node *n;
	int rc;

	if (at != SIZE_MAX) {
		*out = at;
		return PX_OK;
	}
	if (g->n_nodes >= PX_PROVENANCE_MAX_LOTS)
		return PX_ETOOLARGE;
	rc = px_array_grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes + 1,
			   sizeof(*g->nodes));
	if (rc != PX_OK)
		return rc;
	if (2 * (g->n_nodes + 1) > g->n_slots) {
		size_t n_slots = g->n_slots ? 2 * g->n_slots : 256;
		size_t *slots = calloc(n_slots, sizeof(*slots));

		if (!slots)
			return PX_ENOMEM;
		free(g->slots);
		g->slots = slots;
		g->n_slots = n_slots;
		for (size_t i = 0; i < g->n_nodes; i++)
			graph_place(g, i);
	}
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	copy_id(n->id, id);
	graph_place(g, g->n_nodes);
	*out = g->n_nodes++;
	return PX_OK;
}

/* Read lot's record into its node: PX_ENOTFOUND when it did not exist as of
 * the graph's size. */
static int
load_lot(struct px_txn *t, struct graph *g, size_t i, Paxta__LotRecord **out)
{
	Paxta__LotRecord *rec = NULL;
	struct node *n = &g->nodes[i];
	/* The version that stood then: a tag voided and taken again by a
	 * corrected entry is the old lot as of before the void. */
	int rc = px_state_lot_as_of(t, n->id, g->at, &rec);

	if (rc != PX_OK)
		return rc;
	n->product = rec->product;
	n->grams = rec->grams;
	n->created_at = rec->created_at;
	n->season = rec->season;
	n->time = rec->time;
	copy_id(n->creator, rec->creator);
	n->method = rec->method;
	n->is_origin = rec->farm[0] != '\0';
	n->has_labs = rec->lab_results > 0;
	copy_id(n->district, rec->district);
	copy_id(n->region, rec->region);
	copy_id(n->farm, rec->farm);
	*out = rec;
	return PX_OK;
}

struct edge_load {
	struct graph *g;
	int rc;
};

static int
add_edge(void *ctx, const char *lot, uint64_t grams)
{
	struct edge_load *el = ctx;
	struct graph *g = el->g;
	size_t other;
	int rc;

	if ((rc = graph_node(g, lot, &other)) != PX_OK)
		return rc;
	rc = px_array_grow((void **)&g->edges, &g->cap_edges, g->n_edges + 1,
			   sizeof(*g->edges));
	if (rc != PX_OK)
		return rc;
	g->edges[g->n_edges++] = (struct edge){ other, grams };
	return PX_OK;
}

/* Load node i and its edges (up: its inputs; down: lots made from it). */
static int
visit(struct px_txn *t, struct graph *g, size_t i, int up)
{
	struct edge_load el = { g, PX_OK };
	Paxta__LotRecord *rec = NULL;
	int rc;

	g->nodes[i].visited = 1;
	if ((rc = load_lot(t, g, i, &rec)) != PX_OK)
		return rc;
	g->nodes[i].first_edge = g->n_edges;
	if (rec->superseded_at) {
		/* A superseded version keeps its own inputs; it had no
		 * outputs (only a lot nothing was made from is voided). */
		for (size_t k = 0; up && rc == PX_OK && k < rec->n_inputs; k++)
			rc = add_edge(&el, rec->inputs[k]->lot,
				      rec->inputs[k]->grams);
	} else {
		rc = up ? px_state_each_input(t, g->nodes[i].id, add_edge, &el)
			: px_state_each_output(t, g->nodes[i].id, add_edge,
					       &el);
	}
	g->nodes[i].n_edges = g->n_edges - g->nodes[i].first_edge;
	px_state_free(rec);
	return rc;
}

/*
 * Walk from the nodes in roots along edges (up or down), loading every lot
 * reached, and leave in *order the nodes in reverse postorder: each before
 * every node its edges lead to. Lots that did not exist as of g->at are
 * dropped on the way down (lots made later); on the way up every input
 * existed before its output, so none is missing.
 */
static int
walk(struct px_txn *t, struct graph *g, const size_t *roots, size_t n_roots,
     int up, size_t **order, size_t *n_order)
{
	struct frame {
		size_t node, next;
	} *stack = NULL;
	size_t depth = 0, cap = 0, *post = NULL, n_post = 0, cap_post = 0;
	int rc = PX_OK;

	*order = NULL;
	*n_order = 0;
	for (size_t r = 0; r < n_roots && rc == PX_OK; r++) {
		if (g->nodes[roots[r]].visited)
			continue;
		if ((rc = visit(t, g, roots[r], up)) != PX_OK)
			break;
		if ((rc = px_array_grow((void **)&stack, &cap, depth + 1,
					sizeof(*stack))) != PX_OK)
			break;
		stack[depth++] = (struct frame){ roots[r], 0 };
		while (depth > 0 && rc == PX_OK) {
			struct frame *f = &stack[depth - 1];
			struct node *n = &g->nodes[f->node];

			if (f->next < n->n_edges) {
				size_t child =
					g->edges[n->first_edge + f->next++]
						.node;

				if (g->nodes[child].visited)
					continue;
				rc = visit(t, g, child, up);
				if (rc == PX_ENOTFOUND && !up) {
					rc = PX_OK; /* made after g->at */
					continue;
				}
				if (rc != PX_OK)
					break;
				rc = px_array_grow((void **)&stack, &cap,
						   depth + 1, sizeof(*stack));
				if (rc == PX_OK)
					stack[depth++] =
						(struct frame){ child, 0 };
				continue;
			}
			rc = px_array_grow((void **)&post, &cap_post,
					   n_post + 1, sizeof(*post));
			if (rc == PX_OK)
				post[n_post++] = f->node;
			depth--;
		}
	}
	free(stack);
	if (rc != PX_OK) {
		free(post);
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	}
	for (size_t i = 0; i < n_post / 2; i++) {
		size_t tmp = post[i];

		post[i] = post[n_post - 1 - i];
		post[n_post - 1 - i] = tmp;
	}
	*order = post;
	*n_order = n_post;
	return PX_OK;
}

/* ---- origin status ---- */

/* The worst of each monitor's word wins (DESIGN.md §3.4): a remediation
 * is better than a review, worse than a certification. */
static int
status_rank(Paxta__Status s)
{
	static const int rank[] = {
		[PAXTA__STATUS__STATUS_UNSPECIFIED] = 0,
		[PAXTA__STATUS__STATUS_CERTIFIED] = 1,
		[PAXTA__STATUS__STATUS_REMEDIATED] = 2,
		[PAXTA__STATUS__STATUS_UNDER_REVIEW] = 3,
		[PAXTA__STATUS__STATUS_WITHDRAWN] = 4,
		[PAXTA__STATUS__STATUS_CHILD_LABOUR] = 5,
		[PAXTA__STATUS__STATUS_FORCED_LABOUR] = 6,
	};

	return (unsigned)s < sizeof(rank) / sizeof(rank[0]) ? rank[s] : 6;
}

static int
is_finding(Paxta__Status s)
{
	return s == PAXTA__STATUS__STATUS_FORCED_LABOUR ||
	       s == PAXTA__STATUS__STATUS_CHILD_LABOUR;
}

/* One monitor's standing as of the question: from which index on its
 * statements do not count. */
struct monitor_cut {
	char monitor[PX_ID_MAX + 1];
	uint64_t cut;        /* its statements from here on do not count */
	uint64_t suspension; /* the suspending entry, when one cut them */
	int counted;         /* a statement of it before the cut */
};

struct statement_scan {
	struct px_txn *t;
	uint64_t at;
	const char *subject;
	uint32_t season; /* 0: every season */
	json_t *list;
	struct monitor_cut *m;
	size_t n, cap;
	int rc;
};

/* The entry at index must be the revocation (suspend = 0) or the
 * suspension (from its entry `from` on) of monitor: PX_ESTATE when the
 * actor record names one that is not. */
static int
confirm_cut(struct px_txn *t, uint64_t index, const char *monitor, int suspend,
	    uint64_t from)
{
	struct px_entry logged;
	const Paxta__Entry *e;
	int rc = px_state_entry(t, index, &logged);

	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTATE : rc;
	e = logged.body;
	if (suspend ? e->body_case != PAXTA__ENTRY__BODY_SUSPEND ||
			      strcmp(e->suspend->subject, monitor) != 0 ||
			      e->suspend->from != from
		    : e->body_case != PAXTA__ENTRY__BODY_REVOKE_ACTOR ||
			      strcmp(e->revoke_actor->subject, monitor) != 0)
		rc = PX_ESTATE;
	px_entry_release(&logged);
	return rc;
}

/* Where a monitor's word stops counting as of at: its revocation (all of
 * it), or a registrar's suspension from an entry on — each confirmed by the
 * entry the actor record names. */
static int
find_cut(struct px_txn *t, uint64_t at, struct monitor_cut *mc)
{
	Paxta__ActorRecord *m = NULL;
	int rc = px_state_actor(t, mc->monitor, &m);

	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	mc->cut = UINT64_MAX;
	if (m->revoked && m->revoked_at < at) {
		mc->cut = 0;
		rc = confirm_cut(t, m->revoked_at, mc->monitor, 0, 0);
	} else if (m->suspended_at && m->suspended_at < at) {
		mc->cut = m->suspended_from;
		mc->suspension = m->suspended_at;
		rc = confirm_cut(t, m->suspended_at, mc->monitor, 1,
				 m->suspended_from);
	}
	px_state_free(m);
	return rc;
}

/*
 * Every statement that counts, in log order, as [index, status, monitor,
 * from, until, time]. The state's record only says where to look: what
 * counts is read from the statement's own leaf (issue 13: a verdict never
 * rests on unchecked state). A record that names a leaf which is not that
 * monitor's statement on this subject and season is PX_ESTATE.
 */
static int
take_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct statement_scan *ss = ctx;
	struct px_entry logged;
	const Paxta__Attest *a;
	json_t *row;
	size_t i;
	int rc;

	if (rec->index >= ss->at)
		return 1; /* log order: nothing later counts */
	rc = px_state_entry(ss->t, rec->index, &logged);
	if (rc != PX_OK)
		return ss->rc = rc == PX_ENOTFOUND ? PX_ESTATE : rc;
	a = logged.body->attest;
	if (logged.body->body_case != PAXTA__ENTRY__BODY_ATTEST ||
	    strcmp(logged.body->actor, rec->monitor) != 0 ||
	    strcmp(a->subject, ss->subject) != 0 ||
	    (ss->season && a->season != ss->season)) {
		px_entry_release(&logged);
		return ss->rc = PX_ESTATE;
	}
	row = json_pack("[I,i,s,I,I,I]", (json_int_t)rec->index, (int)a->status,
			logged.body->actor, (json_int_t)a->from,
			(json_int_t)a->until, (json_int_t)logged.body->time);
	px_entry_release(&logged);
	if (!row)
		return ss->rc = PX_ENOMEM;
	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->m[i].monitor, rec->monitor) == 0)
			break;
	if (i == ss->n) {
		ss->rc = px_array_grow((void **)&ss->m, &ss->cap, ss->n + 1,
				       sizeof(*ss->m));
		if (ss->rc == PX_OK) {
			memset(&ss->m[i], 0, sizeof(ss->m[i]));
			copy_id(ss->m[i].monitor, rec->monitor);
			ss->rc = find_cut(ss->t, ss->at, &ss->m[i]);
		}
		if (ss->rc != PX_OK) {
			json_decref(row);
			return ss->rc;
		}
		ss->n++;
	}
	if (rec->index >= ss->m[i].cut) {
		json_decref(row);
		return 0;
	}
	ss->m[i].counted = 1;
	if (json_array_append_new(ss->list, row) != 0)
		return ss->rc = PX_ENOMEM;
	return 0;
}

/* A question's statements, read once per subject and season: key ->
 * json_t * (a reference the cache holds). */
static void
cache_init(struct px_map *cache)
{
	px_map_init(cache, sizeof(json_t *));
}

static int
cache_drop(void *ctx, const char *key, void *value)
{
	(void)ctx;
	(void)key;
	json_decref(*(json_t **)value);
	return 0;
}

static void
cache_free(struct px_map *cache)
{
	px_map_each(cache, cache_drop, NULL);
	px_map_clear(cache);
}

/*
 * The statements on subject for season (0: every season) as of at, in
 * *out: {"s": [statements], "suspended": [[monitor, suspension]]}
 * (borrowed from cache). A lineage's origins share districts, regions and
 * a country, so each is read once per question.
 */
static int
statements_on(struct px_txn *t, struct px_map *cache, const char *subject,
	      uint32_t season, uint64_t at, json_t **out)
{
	char key[PX_ID_MAX + 16 + 8];
	struct statement_scan ss = { t,    at, subject, season, json_array(),
				     NULL, 0,  0,       PX_OK };
	size_t n = strnlen(subject, PX_ID_MAX + 16);
	json_t *entry = NULL, *suspended = json_array(), **held;
	int rc;

	/* season (4 bytes, never 0 in a byte that ends the key) ‖ subject:
	 * no printf on this path. */
	key[0] = (char)('0' + season / 1000 % 10);
	key[1] = (char)('0' + season / 100 % 10);
	key[2] = (char)('0' + season / 10 % 10);
	key[3] = (char)('0' + season % 10);
	memcpy(key + 4, subject, n);
	key[4 + n] = '\0';
	if ((held = px_map_get(cache, key))) {
		*out = *held;
		rc = PX_OK;
		goto out;
	}
	if (!ss.list || !suspended) {
		rc = PX_ENOMEM;
		goto out;
	}
	rc = px_state_each_attestation(t, subject, season, take_statement, &ss);
	if (rc == 1)
		rc = PX_OK;
	if (rc == PX_OK && ss.rc != PX_OK)
		rc = ss.rc;
	for (size_t i = 0; i < ss.n && rc == PX_OK; i++)
		if (ss.m[i].suspension &&
		    json_array_append_new(
			    suspended,
			    json_pack("[s,I]", ss.m[i].monitor,
				      (json_int_t)ss.m[i].suspension)) != 0)
			rc = PX_ENOMEM;
	if (rc != PX_OK)
		goto out;
	entry = json_pack("{s:O,s:O}", "s", ss.list, "suspended", suspended);
	if (!entry || px_map_put(cache, key, (void **)&held, NULL) != PX_OK) {
		json_decref(entry);
		rc = PX_ENOMEM;
		goto out;
	}
	*held = entry;
	*out = entry;
out:
	json_decref(ss.list);
	json_decref(suspended);
	free(ss.m);
	return rc;
}

/* What the statements say about cotton harvested (or a lot made) at
 * `when`: the worst across monitors of each monitor's word. */
struct judgement {
	Paxta__Status status;
	uint64_t decided_by;
	char monitor[PX_ID_MAX + 1];
	uint64_t suspension;
};

/* One monitor's word on `when`, walking its statements in log order. */
struct word {
	const char *monitor;
	Paxta__Status status;
	uint64_t index;
};

/*
 * Periods and the DWCP row (DESIGN.md §3.4): a statement judges what its
 * period covers (none: the whole season); a monitor's later statement
 * supersedes its earlier one, except that a finding stands for cotton
 * harvested before the monitor's remediation. Statements by `skip` (the
 * farm itself) never count.
 */
static int
judge(const json_t *entry, int64_t when, const char *skip, struct judgement *j)
{
	const json_t *list = json_object_get(entry, "s"), *s;
	struct word *words = NULL;
	size_t n = 0, cap = 0, k;
	int rc = PX_OK;

	json_array_foreach(list, k, s)
	{
		uint64_t index =
			(uint64_t)json_integer_value(json_array_get(s, 0));
		Paxta__Status st =
			(Paxta__Status)json_integer_value(json_array_get(s, 1));
		const char *monitor = json_string_value(json_array_get(s, 2));
		int64_t from = json_integer_value(json_array_get(s, 3));
		int64_t until = json_integer_value(json_array_get(s, 4));
		int64_t time = json_integer_value(json_array_get(s, 5));
		struct word *w = NULL;

		if (skip && strcmp(monitor, skip) == 0)
			continue; /* no actor's word counts for its own */
		for (size_t i = 0; i < n; i++)
			if (strcmp(words[i].monitor, monitor) == 0)
				w = &words[i];
		if (!w) {
			rc = px_array_grow((void **)&words, &cap, n + 1,
					   sizeof(*words));
			if (rc != PX_OK)
				break;
			w = &words[n++];
			*w = (struct word){ monitor,
					    PAXTA__STATUS__STATUS_UNSPECIFIED,
					    0 };
		}
		if (st == PAXTA__STATUS__STATUS_REMEDIATED) {
			/* Cotton harvested from the remediation on is
			 * judged by what follows; before it, the finding
			 * stands. */
			if (is_finding(w->status) && when &&
			    when >= (from ? from : time)) {
				w->status = st;
				w->index = index;
			}
			continue;
		}
		if ((from && when < from) || (until && when > until))
			continue; /* outside its period */
		if (is_finding(w->status) && !is_finding(st))
			continue;
		w->status = st;
		w->index = index;
	}
	for (size_t i = 0; i < n; i++) {
		if (words[i].status == PAXTA__STATUS__STATUS_UNSPECIFIED)
			continue;
		if (j->status != PAXTA__STATUS__STATUS_UNSPECIFIED &&
		    status_rank(words[i].status) <= status_rank(j->status))
			continue;
		j->status = words[i].status;
		j->decided_by = words[i].index;
		copy_id(j->monitor, words[i].monitor);
	}
	if (!j->suspension) {
		const json_t *sus = json_object_get(entry, "suspended");

		if (json_array_size(sus))
			j->suspension = (uint64_t)json_integer_value(
				json_array_get(json_array_get(sus, 0), 1));
	}
	free(words);
	return rc;
}

/* out = kind ‖ id; out has room for PX_ID_MAX + 16 bytes. */
static void
subject_of(char *out, const char *kind, const char *id)
{
	size_t k = strlen(kind), n = strnlen(id, PX_ID_MAX);

	memcpy(out, kind, k);
	memcpy(out + k, id, n);
	out[k + n] = '\0';
}

/* "UZ-SA-KTK" -> region "UZ-SA", country "UZ": both always from the
 * district (DESIGN.md §3.4), in the verdict and in recall alike. */
static void
place_of(const char *district, char *region, char *country)
{
	const char *d1 = strchr(district, '-');
	const char *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	size_t nr = d2 ? (size_t)(d2 - district) : strnlen(district, PX_ID_MAX);
	size_t nc = d1 ? (size_t)(d1 - district) : strnlen(district, PX_ID_MAX);

	if (region) {
		memcpy(region, district, nr);
		region[nr] = '\0';
	}
	memcpy(country, district, nc);
	country[nc] = '\0';
}

static int
origin_status(struct px_txn *t, struct px_map *cache, struct px_origin *o,
	      uint64_t at)
{
	char subjects[4][PX_ID_MAX + 16], country[PX_ID_MAX + 1];
	int rc;

	/* Thousands of origins per verdict: build the subjects without
	 * printf. */
	place_of(o->district, o->region, country);
	subject_of(subjects[0], "farm:", o->farm);
	subject_of(subjects[1], "district:", o->district);
	subject_of(subjects[2], "region:", o->region);
	subject_of(subjects[3], "country:", country);
	o->status = PAXTA__STATUS__STATUS_UNSPECIFIED;
	o->decided_by = 0;
	o->suspension = 0;
	o->monitor[0] = o->subject[0] = '\0';
	for (int i = 0; i < 4; i++) {
		struct judgement j = { PAXTA__STATUS__STATUS_UNSPECIFIED, 0, "",
				       0 };
		json_t *entry;

		rc = statements_on(t, cache, subjects[i], o->season,
				   at ? at : UINT64_MAX, &entry);
		if (rc == PX_OK)
			rc = judge(entry, o->harvested_at, o->farm, &j);
		if (rc != PX_OK)
			return rc;
		if (j.suspension && !o->suspension)
			o->suspension = j.suspension;
		if (j.status == PAXTA__STATUS__STATUS_UNSPECIFIED ||
		    (o->status != PAXTA__STATUS__STATUS_UNSPECIFIED &&
		     status_rank(j.status) <= status_rank(o->status)))
			continue;
		o->status = j.status;
		o->decided_by = j.decided_by;
		copy_id(o->monitor, j.monitor);
		/* Same size: subjects[i] is NUL-terminated. */
		memcpy(o->subject, subjects[i], sizeof(o->subject));
	}
	return PX_OK;
}

int
px_origin_status(struct px_txn *t, struct px_origin *o, uint64_t at)
{
	struct px_map cache;
	int rc;

	cache_init(&cache);
	rc = origin_status(t, &cache, o, at);
	cache_free(&cache);
	return rc;
}

/* ---- the verdict ---- */

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
	copy_id(f->lab, rec->lab);
	copy_id(f->lot, lr->lot);
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
 * The labs' findings on node n, as of at: each lab's latest result, the
 * worst share of them flagged. *out_share is the share of n's mass that
 * does not match; the findings that say so join v->labs.
 */
static int
lab_findings(struct px_verdict *v, struct px_txn *t, const struct node *n,
	     uint64_t at, double *out_share)
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
		f->share = n->weight * f->lot_share;
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

/* A lineage node and the index of the entry that made it. */
struct made {
	uint64_t at;
	size_t node;
};

static int
by_made(const void *a, const void *b)
{
	uint64_t x = ((const struct made *)a)->at;
	uint64_t y = ((const struct made *)b)->at;

	return x < y ? -1 : x > y;
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
node_disagrees(const struct node *n, const Paxta__Entry *e)
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
check_records(struct px_verdict *v, struct px_txn *t, const struct graph *g,
	      const size_t *order, size_t n_order)
{
	struct made *made = malloc((n_order ? n_order : 1) * sizeof(*made));
	struct px_entry e = { 0 };
	uint64_t read_at = UINT64_MAX;
	int rc = PX_OK;

	if (!made)
		return PX_ENOMEM;
	for (size_t k = 0; k < n_order; k++)
		made[k] = (struct made){ g->nodes[order[k]].created_at,
					 order[k] };
	qsort(made, n_order, sizeof(*made), by_made);
	for (size_t k = 0; k < n_order && rc == PX_OK; k++) {
		const struct node *n = &g->nodes[made[k].node];
		struct px_hash stored;
		const char *field;

		if (n->created_at != read_at) {
			px_entry_release(&e);
			read_at = n->created_at;
			rc = px_state_entry(t, read_at, &e);
			if (rc == PX_OK)
				rc = px_entry_prepare(&e, PX_ENTRY_HASH);
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
			if (memcmp(e.leaf_hash.b, stored.b, PX_HASH_LEN) != 0) {
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
	free(made);
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

/* Group origins by what decided them, for the reasons. */
static int
explain(struct px_verdict *v)
{
	int rc = PX_OK;

	for (size_t i = 0; i < v->n_origins && rc == PX_OK; i++) {
		const struct px_origin *o = &v->origins[i];
		double share = 0;
		int first = 1;

		if (o->status == PAXTA__STATUS__STATUS_CERTIFIED)
			continue;
		/* One sentence per deciding statement (or per district for
		 * origins with none), at its first origin. */
		for (size_t j = 0; j < v->n_origins; j++) {
			const struct px_origin *p = &v->origins[j];
			int same = p->status == o->status &&
				   (o->status ? p->decided_by == o->decided_by
					      : strcmp(p->district,
						       o->district) == 0 &&
							p->season == o->season);

			if (!same)
				continue;
			if (j < i) {
				first = 0;
				break;
			}
			share += p->share;
		}
		if (!first)
			continue;
		if (o->status == PAXTA__STATUS__STATUS_UNSPECIFIED)
			rc = add_reason(v,
					"%.1f %% traces to district '%s' "
					"(season %u), which no monitor has "
					"certified",
					share * 100, o->district, o->season);
		else
			rc = add_reason(
				v,
				"%.1f %% traces to origins where "
				"monitor '%s' says %s for %s, season %u "
				"(entry %" PRIu64 ")",
				share * 100, o->monitor,
				px_status_name(o->status), o->subject,
				o->season, o->decided_by);
	}
	return rc;
}

/*
 * Facilities (DESIGN.md §3.4): a lot made by a gin, a mill, a weaver or a
 * garment maker while a monitor's finding on "actor:ID" covered the time
 * it was made. Its share of the asked lot is `facility`, named in
 * v->facilities, and stops there: it is in no origin's share.
 */
static int
facility_finding(struct px_verdict *v, struct px_txn *t, struct px_map *cache,
		 struct node *n, uint64_t at)
{
	char subject[PX_ID_MAX + 16];
	struct judgement j = { PAXTA__STATUS__STATUS_UNSPECIFIED, 0, "", 0 };
	struct px_facility_finding *f;
	json_t *entry;
	int rc;

	subject_of(subject, "actor:", n->creator);
	rc = statements_on(t, cache, subject, 0, at, &entry);
	if (rc == PX_OK && json_array_size(json_object_get(entry, "s")))
		rc = judge(entry, n->time, n->creator, &j);
	if (rc != PX_OK || !is_finding(j.status))
		return rc;
	rc = px_array_grow((void **)&v->facilities, &v->cap_facilities,
			   v->n_facilities + 1, sizeof(*v->facilities));
	if (rc != PX_OK)
		return rc;
	f = &v->facilities[v->n_facilities++];
	memset(f, 0, sizeof(*f));
	copy_id(f->facility, n->creator);
	copy_id(f->lot, n->id);
	copy_id(f->monitor, j.monitor);
	f->status = j.status;
	f->decided_by = j.decided_by;
	f->share = n->weight;
	v->facility += n->weight;
	n->weight = 0;
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
		place_of(o->district, NULL, country);
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

int
px_verdict(struct px_verdict **out, struct px_txn *t, const char *lot,
	   uint64_t at)
{
	struct px_verdict *v = NULL;
	Paxta__LotRecord *rec = NULL;
	struct graph g;
	size_t root, *order = NULL, n_order = 0, n_origins = 0;
	struct px_map statements;
	int rc;

	*out = NULL;
	if (at == 0 || at > px_store_size(t))
		at = px_store_size(t);
	if (!px_state_valid_id(lot))
		return PX_ENOTFOUND;
	if ((rc = graph_init(&g, at)) != PX_OK)
		return rc;
	cache_init(&statements);
	v = calloc(1, sizeof(*v));
	if (!v) {
		rc = PX_ENOMEM;
		goto out;
	}
	snprintf(v->lot, sizeof(v->lot), "%s", lot);
	v->at = at;
	if ((rc = graph_node(&g, lot, &root)) != PX_OK)
		goto out;
	if ((rc = load_lot(t, &g, root, &rec)) != PX_OK)
		goto out;
	px_state_free(rec);
	rec = NULL;
	if ((rc = walk(t, &g, &root, 1, 1, &order, &n_order)) != PX_OK)
		goto out;
	v->product = g.nodes[root].product;
	v->grams = g.nodes[root].grams;
	v->ancestors = n_order;

	/* Push the lot's mass up its lineage: every lot before its inputs.
	 * The share of a lot that a lab found not to match its claimed
	 * origin stops there: it is lab_mismatch, whatever the origins
	 * upstream say (DESIGN.md §3.4). */
	g.nodes[root].weight = 1.0;
	for (size_t k = 0; k < n_order; k++) {
		struct node *n = &g.nodes[order[k]];
		uint64_t total = 0;
		double mismatch = 0;

		/* A lot a facility made while a finding covered it: its
		 * share is flagged as the facility's, whatever came in. */
		if (!n->is_origin && n->creator[0] && n->weight > 0) {
			if ((rc = facility_finding(v, t, &statements, n, at)) !=
			    PX_OK)
				goto out;
		}
		if (n->has_labs && n->weight > 0 &&
		    (rc = lab_findings(v, t, n, at, &mismatch)) != PX_OK)
			goto out;
		v->lab_mismatch += n->weight * mismatch;
		n->weight *= 1 - mismatch;
		for (size_t e = 0; e < n->n_edges; e++)
			total += g.edges[n->first_edge + e].grams;
		for (size_t e = 0; e < n->n_edges && total; e++) {
			const struct edge *ed = &g.edges[n->first_edge + e];

			g.nodes[ed->node].weight +=
				n->weight * (double)ed->grams / (double)total;
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
	for (size_t k = 0; k < n_order; k++) {
		struct node *n = &g.nodes[order[k]];
		struct px_origin *o;

		if (!n->is_origin)
			continue;
		o = &v->origins[v->n_origins++];
		copy_id(o->lot, n->id);
		copy_id(o->farm, n->farm);
		copy_id(o->district, n->district);
		copy_id(o->region, n->region);
		o->season = n->season;
		o->harvested_at = n->time;
		o->method = n->method;
		o->share = n->weight;
		if ((rc = origin_status(t, &statements, o, at)) != PX_OK)
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
	if ((rc = check_records(v, t, &g, order, n_order)) != PX_OK)
		goto out;
	if (v->kind == PX_VERDICT_FREE)
		rc = add_reason(v, "every kg traces to origins whose monitors "
				   "certified them for the season");
out:
	cache_free(&statements);
	free(order);
	graph_release(&g);
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

/* kg of a share of grams, rounded to the gram, as a JSON number. */
static json_t *
json_kg(double grams)
{
	double g = round(grams);

	if (fmod(g, 1000.0) == 0)
		return json_integer((json_int_t)(g / 1000.0));
	return json_real(g / 1000.0);
}

static json_t *
json_share(double share)
{
	/* Six decimals: enough for people, stable for scripts. */
	return json_real(round(share * 1e6) / 1e6);
}

/* Set or append value, stolen; *ok becomes 0 when it could not be (a NULL
 * value: out of memory), so an answer is whole or none, never a silent
 * drop. */
static void
put(int *ok, json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, value) != 0)
		*ok = 0;
}

static void
push(int *ok, json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, value) != 0)
		*ok = 0;
}

static const char *
name_or_unknown(const char *name)
{
	return name ? name : "unknown";
}

json_t *
px_verdict_json(const struct px_verdict *v)
{
	json_t *root = json_object(), *status = json_object(),
	       *origins = json_array(), *districts = json_object(),
	       *reasons = json_array(), *dlist = json_array();
	const char *key;
	json_t *val;
	int ok = 1;

	if (!root || !status || !origins || !districts || !reasons || !dlist)
		goto fail;
	put(&ok, root, "lot", px_json_text(v->lot));
	put(&ok, root, "product",
	    json_string(name_or_unknown(px_product_name(v->product))));
	put(&ok, root, "kg", json_kg((double)v->grams));
	put(&ok, root, "verdict", json_string(px_verdict_name(v->kind)));
	put(&ok, root, "at", json_integer((json_int_t)v->at));
	put(&ok, root, "ancestors", json_integer((json_int_t)v->ancestors));
	for (int s = 0; s < PX_STATUS_COUNT; s++) {
		if (v->by_status[s] <= 0)
			continue;
		put(&ok, status, px_status_name((Paxta__Status)s),
		    json_pack("{s:o,s:o}", "share", json_share(v->by_status[s]),
			      "kg",
			      json_kg(v->by_status[s] * (double)v->grams)));
	}
	if (v->lab_mismatch > 0)
		put(&ok, status, "lab_mismatch",
		    json_pack("{s:o,s:o}", "share", json_share(v->lab_mismatch),
			      "kg",
			      json_kg(v->lab_mismatch * (double)v->grams)));
	if (v->facility > 0)
		put(&ok, status, "facility",
		    json_pack("{s:o,s:o}", "share", json_share(v->facility),
			      "kg", json_kg(v->facility * (double)v->grams)));
	put(&ok, root, "by_status", json_incref(status));
	if (v->n_facilities) {
		json_t *list = json_array();

		for (size_t i = 0; list && i < v->n_facilities; i++) {
			const struct px_facility_finding *f = &v->facilities[i];

			push(&ok, list,
			     json_pack("{s:o,s:o,s:s,s:o,s:I,s:o,s:o}",
				       "facility", px_json_text(f->facility),
				       "lot", px_json_text(f->lot), "status",
				       px_status_name(f->status), "monitor",
				       px_json_text(f->monitor), "decided_by",
				       (json_int_t)f->decided_by, "share",
				       json_share(f->share), "kg",
				       json_kg(f->share * (double)v->grams)));
		}
		put(&ok, root, "facilities", list);
	}
	if (v->n_labs) {
		json_t *labs = json_array();

		for (size_t i = 0; labs && i < v->n_labs; i++) {
			const struct px_lab_finding *f = &v->labs[i];
			char hex[2 * 32 + 1];
			json_t *j =
				json_pack("{s:o,s:o,s:o,s:I,s:o,s:o,s:o}",
					  "lab", px_json_text(f->lab), "lot",
					  px_json_text(f->lot), "method",
					  px_json_text(f->method), "index",
					  (json_int_t)f->index, "lot_share",
					  json_share(f->lot_share), "share",
					  json_share(f->share), "kg",
					  json_kg(f->share * (double)v->grams));

			if (j && f->has_report) {
				px_hex_encode(hex, f->report_sha256, 32);
				put(&ok, j, "report_sha256", json_string(hex));
			}
			if (j && f->tested_at) {
				char when[PX_TIME_TEXT];

				px_format_time(when, f->tested_at);
				put(&ok, j, "tested_at", json_string(when));
			}
			push(&ok, labs, j);
		}
		put(&ok, root, "labs", labs);
	}
	for (size_t i = 0; i < v->n_origins; i++) {
		const struct px_origin *o = &v->origins[i];
		/* stored strings as px_json_text: never refused by jansson */
		json_t *j = json_pack(
			"{s:o,s:o,s:o,s:o,s:I,s:s,s:o,s:o,s:s}", "lot",
			px_json_text(o->lot), "farm", px_json_text(o->farm),
			"district", px_json_text(o->district), "region",
			px_json_text(o->region), "season",
			(json_int_t)o->season, "method",
			name_or_unknown(px_method_name(o->method)), "share",
			json_share(o->share), "kg",
			json_kg(o->share * (double)v->grams), "status",
			px_status_name(o->status));
		char dkey[PX_ID_MAX + 16];
		json_t *d;

		if (j && o->status)
			put(&ok, j, "decided_by",
			    json_pack("{s:I,s:o,s:o}", "index",
				      (json_int_t)o->decided_by, "monitor",
				      px_json_text(o->monitor), "subject",
				      px_json_text(o->subject)));
		push(&ok, origins, j);

		snprintf(dkey, sizeof(dkey), "%s/%u", o->district, o->season);
		d = json_object_get(districts, dkey);
		if (!d) {
			d = json_pack("{s:o,s:I,s:s,s:f,s:i}", "district",
				      px_json_text(o->district), "season",
				      (json_int_t)o->season, "status",
				      px_status_name(o->status), "share", 0.0,
				      "rank", (int)o->status);
			/* the key is only looked up, never shown: any bytes */
			if (!d) {
				ok = 0;
				continue;
			}
			if (json_object_setn_new_nocheck(districts, dkey,
							 strlen(dkey),
							 json_incref(d)) != 0) {
				json_decref(d);
				ok = 0;
				continue;
			}
			if (json_array_append_new(dlist, d) != 0) {
				ok = 0;
				continue;
			}
		}
		{
			double share =
				json_real_value(json_object_get(d, "share")) +
				o->share;

			put(&ok, d, "share", json_real(share));
			/* A district's status is its worst origin's: a farm
			 * finding is not hidden by its neighbours. */
			if ((int)o->status >
			    json_integer_value(json_object_get(d, "rank"))) {
				put(&ok, d, "status",
				    json_string(px_status_name(o->status)));
				put(&ok, d, "rank", json_integer(o->status));
			}
		}
	}
	/* Round the districts' shares and give their kg. */
	json_object_foreach(districts, key, val)
	{
		double share = json_real_value(json_object_get(val, "share"));

		json_object_del(val, "rank");
		put(&ok, val, "share", json_share(share));
		put(&ok, val, "kg", json_kg(share * (double)v->grams));
	}
	put(&ok, root, "origins", json_incref(origins));
	put(&ok, root, "districts", json_incref(dlist));
	for (size_t i = 0; i < v->n_reasons; i++)
		push(&ok, reasons, px_json_text(v->reasons[i]));
	put(&ok, root, "reasons", json_incref(reasons));
	if (!ok)
		goto fail;
	json_decref(status);
	json_decref(origins);
	json_decref(dlist);
	json_decref(reasons);
	json_decref(districts);
	return root;
fail:
	json_decref(root);
	json_decref(status);
	json_decref(origins);
	json_decref(districts);
	json_decref(reasons);
	json_decref(dlist);
	return NULL;
}

/* ---- recall ---- */

struct seed_scan {
	struct graph *g;
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
	if ((rc = graph_node(ss->g, lot, &node)) != PX_OK)
		return rc;
	if (ss->region || ss->country) {
		Paxta__LotRecord *rec = NULL;
		char region[PX_ID_MAX + 1], country[PX_ID_MAX + 1];
		int keep;

		if ((rc = px_state_lot(ss->t, lot, &rec)) != PX_OK)
			return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
		/* As the verdict does: region and country from the
		 * district. */
		place_of(rec->district, region, country);
		keep = ss->region ? strcmp(region, ss->region) == 0
				  : strcmp(country, ss->country) == 0;
		px_state_free(rec);
		if (!keep)
			return PX_OK;
	}
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
	copy_id(tr->shipment, shipment);
	copy_id(tr->to, consignee);
	tr->grams = grams;
	rl->in_transit += grams;
	return PX_OK;
}

/* An output's inputs: their total kg and the kg from recalled origins. */
struct share_sum {
	const struct graph *g;
	uint64_t total;
	double share;
};

static int
sum_share(void *ctx, const char *lot, uint64_t grams)
{
	struct share_sum *sum = ctx;
	size_t at = graph_find(sum->g, lot);

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

static int
by_log_order(const void *a, const void *b, void *ctx)
{
	const struct graph *g = ctx;
	const struct node *x = &g->nodes[*(const size_t *)a];
	const struct node *y = &g->nodes[*(const size_t *)b];

	/* The outputs of one entry by id, so the order is the same on every
	 * node. */
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return strcmp(x->id, y->id);
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
	struct graph g;
	struct seed_scan ss = { 0 };
	const char *district = q->district;
	uint32_t season = q->season;
	char subject[PX_ID_MAX + 16];
	size_t *order = NULL, n_order = 0;
	int rc;

	*out = NULL;
	/* Index 0 is the genesis, never a statement. */
	if (!q->district && !q->farm && !q->lot && q->attestation == 0)
		return PX_EINVAL;
	if ((rc = graph_init(&g, px_store_size(t))) != PX_OK)
		return rc;
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
	if ((rc = walk(t, &g, ss.roots, ss.n_roots, 0, &order, &n_order)) !=
	    PX_OK)
		goto out;
	if (n_order > 1)
		qsort_r(order, n_order, sizeof(*order), by_log_order, &g);
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
		struct node *n = &g.nodes[order[k]];
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
			struct node *n = &g.nodes[order[k]];
			struct px_recall_lot *rl;

			if (n->is_seed != (pass == 0))
				continue;
			rl = &r->lots[r->n_lots++];
			copy_id(rl->lot, n->id);
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
	graph_release(&g);
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

json_t *
px_recall_json(const struct px_recall *r)
{
	json_t *root = json_object(), *lots = json_array();
	int ok = root && lots;

	if (!ok)
		goto out;
	put(&ok, root, "recall", px_json_text(r->what));
	put(&ok, root, "origins", json_integer((json_int_t)r->n_origins));
	put(&ok, root, "affected_kg", json_kg((double)r->affected_grams));
	for (size_t i = 0; ok && i < r->n_lots; i++) {
		const struct px_recall_lot *rl = &r->lots[i];
		json_t *holders = json_array(), *transit = json_array(), *j;

		for (size_t k = 0; transit && k < rl->n_transit; k++)
			push(&ok, transit,
			     json_pack("{s:o,s:o,s:o}", "shipment",
				       px_json_text(rl->transit[k].shipment),
				       "to", px_json_text(rl->transit[k].to),
				       "kg",
				       json_kg((double)rl->transit[k].grams)));
		for (size_t h = 0; holders && h < rl->n_holders; h++)
			push(&ok, holders,
			     json_pack("{s:o,s:o}", "holder",
				       px_json_text(rl->holders[h]), "kg",
				       json_kg((double)rl->holder_grams[h])));
		if (!holders || !transit)
			ok = 0;
		/* "o" steals holders even when the pack fails */
		j = json_pack("{s:o,s:s,s:o,s:o,s:o}", "lot",
			      px_json_text(rl->lot), "product",
			      name_or_unknown(px_product_name(rl->product)),
			      "share", json_share(rl->share), "held_kg",
			      json_kg((double)rl->held), "holders", holders);
		/* Only lots with something on the road carry the keys, so a
		 * recall's JSON stays the size of what matters. */
		if (j && rl->n_transit) {
			put(&ok, j, "in_transit_kg",
			    json_kg((double)rl->in_transit));
			put(&ok, j, "in_transit", transit);
		} else {
			json_decref(transit);
		}
		push(&ok, lots, j);
	}
	put(&ok, root, "lots", json_incref(lots));
out:
	json_decref(lots);
	if (!ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}
