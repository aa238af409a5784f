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

/* One statement that counts, as read from its own leaf. */
struct statement {
	uint64_t index;
	Paxta__Status status;
	int64_t from, until; /* its period (0: open) */
	int64_t time;        /* the entry's time */
	char monitor[PX_ID_MAX + 1];
};

/* What a question holds of one subject and season (the cache's value):
 * the statements that count in log order, and the first suspension that
 * cut a monitor's word (0: none). */
struct statements {
	struct statement *s;
	size_t n;
	uint64_t suspension;
};

struct statement_scan {
	struct px_txn *t;
	uint64_t at;
	const char *subject;
	uint32_t season; /* 0: every season */
	struct statements *list;
	size_t cap;
	struct monitor_cut *m;
	size_t n, cap_m;
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
 * Every statement that counts, in log order. The state's record only says
 * where to look: what counts is read from the statement's own leaf (issue
 * 13: a verdict never rests on unchecked state). A record that names a
 * leaf which is not that monitor's statement on this subject and season is
 * PX_ESTATE.
 */
static int
take_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct statement_scan *ss = ctx;
	struct px_entry logged;
	const Paxta__Attest *a;
	struct statement row;
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
	row = (struct statement){ rec->index, a->status,         a->from,
				  a->until,   logged.body->time, "" };
	px_id_copy(row.monitor, logged.body->actor);
	px_entry_release(&logged);
	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->m[i].monitor, rec->monitor) == 0)
			break;
	if (i == ss->n) {
		ss->rc = px_array_grow((void **)&ss->m, &ss->cap_m, ss->n + 1,
				       sizeof(*ss->m));
		if (ss->rc == PX_OK) {
			memset(&ss->m[i], 0, sizeof(ss->m[i]));
			px_id_copy(ss->m[i].monitor, rec->monitor);
			ss->rc = find_cut(ss->t, ss->at, &ss->m[i]);
		}
		if (ss->rc != PX_OK)
			return ss->rc;
		ss->n++;
	}
	if (rec->index >= ss->m[i].cut)
		return 0;
	ss->m[i].counted = 1;
	ss->rc = px_array_grow((void **)&ss->list->s, &ss->cap, ss->list->n + 1,
			       sizeof(*ss->list->s));
	if (ss->rc != PX_OK)
		return ss->rc;
	ss->list->s[ss->list->n++] = row;
	return 0;
}

/* A question's statements, read once per subject and season: key ->
 * struct statements (its array the cache's). */
void
px_statements_init(struct px_map *cache)
{
	px_map_init(cache, sizeof(struct statements));
}

static int
cache_drop(void *ctx, const char *key, void *value)
{
	(void)ctx;
	(void)key;
	free(((struct statements *)value)->s);
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
 * *out (borrowed from cache until its next put). A lineage's origins
 * share districts, regions and a country, so each is read once per
 * question.
 */
static int
statements_on(struct px_txn *t, struct px_map *cache, const char *subject,
	      uint32_t season, uint64_t at, const struct statements **out)
{
	char key[PX_ID_MAX + 16 + 8];
	struct statements list = { NULL, 0, 0 }, *held;
	struct statement_scan ss = { t, at,   subject, season, &list,
				     0, NULL, 0,       0,      PX_OK };
	size_t n = strnlen(subject, PX_ID_MAX + 16);
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
		*out = held;
		return PX_OK;
	}
	rc = px_state_each_attestation(t, subject, season, take_statement, &ss);
	if (rc == 1)
		rc = PX_OK;
	if (rc == PX_OK && ss.rc != PX_OK)
		rc = ss.rc;
	/* The first monitor (in the order their statements were met) whose
	 * word a suspension cut: the one a judgement names. */
	for (size_t i = 0; i < ss.n && rc == PX_OK; i++)
		if (ss.m[i].suspension) {
			list.suspension = ss.m[i].suspension;
			break;
		}
	if (rc == PX_OK &&
	    px_map_put(cache, key, (void **)&held, NULL) != PX_OK)
		rc = PX_ENOMEM;
	if (rc != PX_OK) {
		free(list.s);
		goto out;
	}
	*held = list;
	*out = held;
out:
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
judge(const struct statements *list, int64_t when, const char *skip,
      struct px_judgement *j)
{
	struct word *words = NULL;
	size_t n = 0, cap = 0;
	int rc = PX_OK;

	for (size_t k = 0; k < list->n; k++) {
		const struct statement *s = &list->s[k];
		struct word *w = NULL;

		if (skip && strcmp(s->monitor, skip) == 0)
			continue; /* no actor's word counts for its own */
		for (size_t i = 0; i < n; i++)
			if (strcmp(words[i].monitor, s->monitor) == 0)
				w = &words[i];
		if (!w) {
			rc = px_array_grow((void **)&words, &cap, n + 1,
					   sizeof(*words));
			if (rc != PX_OK)
				break;
			w = &words[n++];
			*w = (struct word){ s->monitor,
					    PAXTA__STATUS__STATUS_UNSPECIFIED,
					    0 };
		}
		if (s->status == PAXTA__STATUS__STATUS_REMEDIATED) {
			/* Cotton harvested from the remediation on is
			 * judged by what follows; before it, the finding
			 * stands. */
			if (px_status_is_finding(w->status) && when &&
			    when >= (s->from ? s->from : s->time)) {
				w->status = s->status;
				w->index = s->index;
			}
			continue;
		}
		if ((s->from && when < s->from) ||
		    (s->until && when > s->until))
			continue; /* outside its period */
		if (px_status_is_finding(w->status) &&
		    !px_status_is_finding(s->status))
			continue;
		w->status = s->status;
		w->index = s->index;
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
	if (!j->suspension)
		j->suspension = list->suspension;
	free(words);
	return rc;
}

int
px_judge_subject(struct px_txn *t, struct px_map *statements,
		 const char *subject, uint32_t season, uint64_t at,
		 int64_t when, const char *skip, struct px_judgement *j)
{
	const struct statements *list;
	int rc = statements_on(t, statements, subject, season,
			       at ? at : UINT64_MAX, &list);

	*j = (struct px_judgement){ PAXTA__STATUS__STATUS_UNSPECIFIED, 0, "",
				    0 };
	return rc == PX_OK ? judge(list, when, skip, j) : rc;
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
