/*
 * paxta — provenance: composition, origin status, the verdict, recall
 * (DESIGN.md §3.4).
 *
 * Composition is computed from the lineage edges on demand: a transform's
 * outputs inherit the mass-weighted mix of the kg it consumed, a transfer
 * moves a lot unchanged. Everything here reads one snapshot and can be asked
 * "as of" a tree size: only entries logged before that size count.
 */
#ifndef PAXTA_PROVENANCE_H
#define PAXTA_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "paxta.pb-c.h"
#include "paxta/state.h"
#include "paxta/store.h"

enum px_verdict_kind {
	PX_VERDICT_FREE,
	PX_VERDICT_FLAGGED,
	PX_VERDICT_UNVERIFIED,
	PX_VERDICT_INVALID,
};

/* Statuses as the verdict counts them; PAXTA__STATUS__STATUS_UNSPECIFIED
 * is "uncertified" (no statement at any level). */
#define PX_STATUS_COUNT 7

/* One origin harvest lot in a lot's composition. */
struct px_origin {
	char lot[PX_ID_MAX + 1];
	char farm[PX_ID_MAX + 1];
	char district[PX_ID_MAX + 1];
	char region[PX_ID_MAX + 1];
	uint32_t season;
	int64_t harvested_at; /* statements with a period judge by it */
	Paxta__Method method;
	double share;         /* of the asked lot's mass, 0..1 */
	Paxta__Status status; /* the worst of the latest statements */
	uint64_t decided_by; /* index of the deciding statement (status != 0) */
	char monitor[PX_ID_MAX + 1];  /* its author */
	char subject[PX_ID_MAX + 16]; /* its subject, "district:UZ-SA-KTK" */
	/* A registrar's suspension that took a monitor's statements on this
	 * origin out of the count (its entry index; 0: none). */
	uint64_t suspension;
};

/* A lab's latest result on a lot of the lineage that found part of it not
 * to match its claimed origin. */
struct px_lab_finding {
	char lab[PX_ID_MAX + 1];
	char lot[PX_ID_MAX + 1]; /* the tested lot */
	char method[65];
	uint64_t index;    /* the lab result's entry */
	int64_t tested_at; /* 0: not given */
	double lot_share;  /* of the tested lot's mass, 0..1 */
	double share;      /* of the asked lot's mass, 0..1 */
	uint8_t report_sha256[32];
	int has_report;
};

/* A lot of the lineage made by a facility while a monitor's finding on it
 * ("actor:ID") covered the time it was made. */
struct px_facility_finding {
	char facility[PX_ID_MAX + 1];
	char lot[PX_ID_MAX + 1];
	char monitor[PX_ID_MAX + 1];
	Paxta__Status status;
	uint64_t decided_by;
	double share; /* of the asked lot's mass, 0..1 */
};

struct px_verdict {
	enum px_verdict_kind kind;
	char lot[PX_ID_MAX + 1];
	Paxta__Product product;
	uint64_t grams;                    /* the lot's mass as created */
	uint64_t at;                       /* tree size it was computed as of */
	size_t ancestors;                  /* lots walked, the lot included */
	double by_status[PX_STATUS_COUNT]; /* share of the mass per status */
	struct px_origin *origins;         /* by share, largest first */
	size_t n_origins;
	/* Share of the mass a lab found not to match its claimed origin:
	 * it is in no origin's share, so by_status and it sum to 1. */
	double lab_mismatch;
	struct px_lab_finding *labs; /* the findings behind it */
	size_t n_labs, cap_labs;
	/* Share that passed through a facility under a finding: in no
	 * origin's share either. */
	double facility;
	struct px_facility_finding *facilities;
	size_t n_facilities, cap_facilities;
	char **reasons; /* sentences for people */
	size_t n_reasons;
};

/* The name people and JSON use: "free", "flagged", "unverified", "invalid". */
const char *px_verdict_name(enum px_verdict_kind kind);

/*
 * The verdict on lot as of tree size at (0: the snapshot's size).
 * PX_OK with *out (free with px_verdict_free); PX_ENOTFOUND when the lot did
 * not exist at that size; PX_ETOOLARGE past PX_PROVENANCE_MAX_LOTS;
 * PX_ESTORE, PX_ENOMEM.
 */
int px_verdict(struct px_verdict **out, struct px_txn *t, const char *lot,
	       uint64_t at);
void px_verdict_free(struct px_verdict *v);

/*
 * What the verdict's memory of lineages has done in this process, and what
 * it holds (docs/design.md, "Provenance and the verdict"): for tests and
 * operators' metrics.
 */
struct px_lineage_memo_stats {
	uint64_t hits;    /* verdicts that used a remembered lineage */
	uint64_t misses;  /* verdicts that walked */
	uint64_t stale;   /* lineages forgotten because the marker moved */
	uint64_t evicted; /* lineages pushed out by the budget */
	size_t lineages;  /* held now */
	size_t bytes;     /* held now */
	size_t budget;
};
/* Of the memory of t's store (made empty on first use). PX_ENOMEM. */
int px_verdict_memory(struct px_txn *t, struct px_lineage_memo_stats *out);

/* The verdict as JSON (new reference): lot, verdict, kg, at, breakdown
 * by status (with "lab_mismatch") / origin / district, labs, reasons. Whole
 * or NULL (out of memory): nothing is ever left out, and stored text that is
 * not UTF-8 shows as U+FFFD instead of failing. */
json_t *px_verdict_json(const struct px_verdict *v);

/* The status of an origin (farm, district, region, season) as of at, with
 * the deciding statement. */
int px_origin_status(struct px_txn *t, struct px_origin *origin, uint64_t at);

/* What a recall starts from. */
struct px_recall_query {
	const char *district; /* with season */
	const char *farm;     /* with season (0: every season) */
	const char *lot;      /* one lot and everything made from it (a lab
				 shows a bale is not from where it claims) */
	uint64_t attestation; /* index of a statement (when district, farm
				 and lot are NULL) */
	uint32_t season;
};

/* Grams of a lot shipped and not yet received. */
struct px_transit {
	char shipment[PX_ID_MAX + 1];
	char to[PX_ID_MAX + 1];
	uint64_t grams;
};

/* One lot downstream of the recalled origins. */
struct px_recall_lot {
	char lot[PX_ID_MAX + 1];
	Paxta__Product product;
	double share;  /* of its mass from the recalled origins */
	uint64_t held; /* grams held now, all holders */
	size_t n_holders;
	char (*holders)[PX_ID_MAX + 1];
	uint64_t *holder_grams;
	uint64_t in_transit; /* grams on the road now, all shipments */
	size_t n_transit;
	struct px_transit *transit;
};

struct px_recall {
	char what[PX_ID_MAX + 64];  /* "district UZ-SA-KTK, season 2026" */
	size_t n_origins;           /* recalled lots (harvests, or the lot) */
	struct px_recall_lot *lots; /* those first, then downstream in log
				       order */
	size_t n_lots;
	/* sum over lots of (held + in transit) × share */
	uint64_t affected_grams;
};

/*
 * Every lot downstream of the origins the query names, with who holds it
 * now and how many kg, and what is on the road to whom. PX_ENOTFOUND for an
 * attestation index that is not a statement, or a lot that is not in the
 * ledger (or was voided); PX_EINVAL for an empty query; PX_ETOOLARGE,
 * PX_ESTORE.
 */
int px_recall(struct px_recall **out, struct px_txn *t,
	      const struct px_recall_query *q);
void px_recall_free(struct px_recall *r);
json_t *px_recall_json(const struct px_recall *r);

#endif
