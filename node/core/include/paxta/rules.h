/*
 * paxta — the rules every node enforces before an entry is logged
 * (DESIGN.md §3.3), and the state they keep beside the log (state.h).
 *
 * px_rules_apply checks one entry against the state of the transaction it
 * is given and, when every rule holds, writes the entry's effects on that
 * state. It is called by the ledger inside the same LMDB write transaction
 * as the append (a nested one per entry, so a refusal undoes its writes).
 */
#ifndef PAXTA_RULES_H
#define PAXTA_RULES_H

#include <stdint.h>

#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/store.h"

/* Policy defaults (DESIGN.md §3.4): Uzbekistan picks from late August to
 * December; 6 t of seed cotton per hectare is above any real field. */
#define PX_HARVEST_FROM    820
#define PX_HARVEST_UNTIL   1231
#define PX_MAX_YIELD_KG_HA 6000

/* Scales disagree (docs/events.md "receive"): a receive may weigh up to
 * 2 % less or 0.5 % more than was shipped, by default. */
#define PX_TRANSIT_LOSS_PPM 20000
#define PX_TRANSIT_GAIN_PPM 5000

/* Recording-delay caps are kept per entry kind, indexed by the entry's
 * body case (PAXTA__ENTRY__BODY_*, all below this). */
#define PX_KIND_SLOTS 32

/* The ledger's policy, set in its genesis: yield caps in parts per million
 * (DESIGN.md §3.3), the clock skew, the harvest calendar and the yield
 * cap of a hectare. */
struct px_policy {
	uint32_t ginning_ppm;
	uint32_t spinning_ppm;
	uint32_t weaving_ppm;
	uint32_t knitting_ppm;
	uint32_t making_ppm;
	uint32_t max_skew_s;
	/* The harvest calendar, MMDD (DESIGN.md §3.4): a window that wraps
	 * past New Year is the season of the year it starts in. */
	uint32_t harvest_from, harvest_until;
	uint32_t max_yield_kg_ha; /* seed cotton per hectare and season */
	/* A receive's weighed kg within these parts per million of the kg
	 * shipped, below and above. */
	uint32_t transit_loss_ppm, transit_gain_ppm;
	/* An event of kind k recorded at most max_delay_s[k] seconds after
	 * it happened (0: no cap), k a PAXTA__ENTRY__BODY_* case. */
	uint32_t max_delay_s[PX_KIND_SLOTS];
};

/* The defaults of DESIGN.md §3.3: 0.45, 0.95, 0.98, 0.98, 0.95; 300 s;
 * picking from 20 August to 31 December; 6 t/ha; 2 % transit loss and
 * 0.5 % gain; no recording-delay cap. */
void px_policy_default(struct px_policy *out);

/*
 * The policy a genesis states, with the defaults for what an older genesis
 * left out (a calendar, a yield, the transit tolerances). PX_OK, or
 * PX_EINVAL when a delay cap names no entry kind.
 */
int px_policy_read(struct px_policy *out, const Paxta__Policy *p);

/*
 * The genesis's Policy message of policy: every field set, the delay caps
 * as (kind, seconds) in out->max_delay pointing into caps / cap_ptrs
 * (PX_KIND_SLOTS each, the caller's, alive while out is used).
 */
void px_policy_write(Paxta__Policy *out, const struct px_policy *policy,
		     Paxta__DelayCap *caps, Paxta__DelayCap **cap_ptrs);

struct px_rules_ctx {
	const struct px_policy *policy;
	const struct px_pubkey *node_key;
	int64_t now; /* the node's clock, Unix seconds; INT64_MAX: no skew check
		      */
};

/*
 * Check the entry that would be logged at index (prepared with
 * PX_ENTRY_DECODE and its signature checked over its own key: e->result.rc
 * is PX_OK) and apply it to the state in t. PX_OK; PX_EREFUSED or
 * PX_EVERIFY with r filled (nothing written that survives: the caller
 * aborts t); or PX_ESTORE / PX_ENOMEM (could not check).
 */
int px_rules_apply(struct px_txn *t, const struct px_rules_ctx *ctx,
		   uint64_t index, const struct px_entry *e,
		   struct px_refusal *r);

#endif
