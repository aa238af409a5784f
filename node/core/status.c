/*
 * paxta — origin status (DESIGN.md §3.4): what the monitors' statements
 * say about a farm, district, region or country for a season, read from
 * the statements' own leaves. See status.h.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "paxta/entry.h"
#include "paxta/state.h"
#include "status.h"

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

int
px_status_is_finding(Paxta__Status s)
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
			px_id_copy(ss->m[i].monitor, rec->monitor);
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
void
px_statements_init(struct px_map *cache)
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

void
px_statements_free(struct px_map *cache)
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
judge(const json_t *entry, int64_t when, const char *skip,
      struct px_judgement *j)
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
			if (px_status_is_finding(w->status) && when &&
			    when >= (from ? from : time)) {
				w->status = st;
				w->index = index;
			}
			continue;
		}
		if ((from && when < from) || (until && when > until))
			continue; /* outside its period */
		if (px_status_is_finding(w->status) &&
		    !px_status_is_finding(st))
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
		px_id_copy(j->monitor, words[i].monitor);
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

int
px_judge_subject(struct px_txn *t, struct px_map *statements,
		 const char *subject, uint32_t season, uint64_t at,
		 int64_t when, const char *skip, struct px_judgement *j)
{
	json_t *entry;
	int rc = statements_on(t, statements, subject, season,
			       at ? at : UINT64_MAX, &entry);

	*j = (struct px_judgement){ PAXTA__STATUS__STATUS_UNSPECIFIED, 0, "",
				    0 };
	return rc == PX_OK ? judge(entry, when, skip, j) : rc;
}

/* out = kind ‖ id; out has room for PX_ID_MAX + 16 bytes. */
void
px_subject_of(char *out, const char *kind, const char *id)
{
	size_t k = strlen(kind), n = strnlen(id, PX_ID_MAX);

	memcpy(out, kind, k);
	memcpy(out + k, id, n);
	out[k + n] = '\0';
}

/* "UZ-SA-KTK" -> region "UZ-SA", country "UZ": both always from the
 * district (DESIGN.md §3.4), in the verdict and in recall alike. */
void
px_place_of(const char *district, char *region, char *country)
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

int
px_origin_judge(struct px_txn *t, struct px_map *cache, struct px_origin *o,
		uint64_t at)
{
	char subjects[4][PX_ID_MAX + 16], country[PX_ID_MAX + 1];
	int rc;

	/* Thousands of origins per verdict: build the subjects without
	 * printf. */
	px_place_of(o->district, o->region, country);
	px_subject_of(subjects[0], "farm:", o->farm);
	px_subject_of(subjects[1], "district:", o->district);
	px_subject_of(subjects[2], "region:", o->region);
	px_subject_of(subjects[3], "country:", country);
	o->status = PAXTA__STATUS__STATUS_UNSPECIFIED;
	o->decided_by = 0;
	o->suspension = 0;
	o->monitor[0] = o->subject[0] = '\0';
	for (int i = 0; i < 4; i++) {
		struct px_judgement j;

		rc = px_judge_subject(t, cache, subjects[i], o->season, at,
				      o->harvested_at, o->farm, &j);
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
		px_id_copy(o->monitor, j.monitor);
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

	px_statements_init(&cache);
	rc = px_origin_judge(t, &cache, o, at);
	px_statements_free(&cache);
	return rc;
}
