/*
 * paxta — what the monitors' statements say (DESIGN.md §3.4), private to
 * libpaxta: the origin status the verdict counts, the facility findings it
 * checks, and the places recall selects by.
 *
 * A question reads each subject's statements once: they are held in a
 * px_map (subject and season -> what counts of them) for its length.
 */
#ifndef PAXTA_STATUS_H
#define PAXTA_STATUS_H

#include <stdint.h>

#include "paxta.pb-c.h"
#include "paxta/map.h"
#include "paxta/provenance.h"
#include "paxta/store.h"

/* An empty cache of statements; free it with px_statements_free. */
void px_statements_init(struct px_map *statements);
void px_statements_free(struct px_map *statements);

/* What the statements on one subject say about cotton harvested (or a lot
 * made) at `when`: the worst across monitors of each monitor's word. */
struct px_judgement {
	Paxta__Status status; /* PAXTA__STATUS__STATUS_UNSPECIFIED: none */
	uint64_t decided_by;  /* the deciding statement's index */
	char monitor[PX_ID_MAX + 1];
	/* A registrar's suspension that took a monitor's statements out of
	 * the count (its entry index; 0: none). */
	uint64_t suspension;
};

/*
 * Judge subject ("district:UZ-SA-KTK") for season (0: every season) as of
 * tree size at: periods, remediation and the cut of a revoked or
 * suspended monitor applied; statements by `skip` (the actor the subject
 * names) never count. PX_ESTATE when the state names a leaf that is not
 * the statement, revocation or suspension it claims.
 */
int px_judge_subject(struct px_txn *t, struct px_map *statements,
		     const char *subject, uint32_t season, uint64_t at,
		     int64_t when, const char *skip, struct px_judgement *j);

/* o's status, deciding statement and suspension from its farm, district,
 * region and country (as px_origin_status), reading through statements. */
int px_origin_judge(struct px_txn *t, struct px_map *statements,
		    struct px_origin *o, uint64_t at);

/* Forced or child labour. */
int px_status_is_finding(Paxta__Status s);

/* out = kind ‖ id ("district:" ‖ "UZ-SA-KTK"); room for PX_ID_MAX + 16. */
void px_subject_of(char *out, const char *kind, const char *id);

/* "UZ-SA-KTK" -> region "UZ-SA" (region may be NULL), country "UZ":
 * always from the district, in the verdict and in recall alike. */
void px_place_of(const char *district, char *region, char *country);

#endif
