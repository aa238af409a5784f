/*
 * paxta — the ledger's policy (DESIGN.md §3.3): what a genesis states, and
 * the defaults for what a genesis made before a field existed left out.
 */
#include <string.h>

#include "paxta/rules.h"

void
px_policy_default(struct px_policy *out)
{
	*out = (struct px_policy){ .ginning_ppm = 450000,
				   .spinning_ppm = 950000,
				   .weaving_ppm = 980000,
				   .knitting_ppm = 980000,
				   .making_ppm = 950000,
				   .max_skew_s = 300,
				   .harvest_from = PX_HARVEST_FROM,
				   .harvest_until = PX_HARVEST_UNTIL,
				   .max_yield_kg_ha = PX_MAX_YIELD_KG_HA,
				   .transit_loss_ppm = PX_TRANSIT_LOSS_PPM,
				   .transit_gain_ppm = PX_TRANSIT_GAIN_PPM };
}

/* Every kind has a slot for its cap (proto/paxta.proto Entry.body). */
_Static_assert(PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS < PX_KIND_SLOTS,
	       "an entry kind past PX_KIND_SLOTS has no delay cap");

/* The body case whose name is kind, or 0 (the genesis has no delay). */
static unsigned
kind_of(const char *kind)
{
	if (strcmp(kind, "unknown") == 0)
		return 0;
	for (unsigned k = PAXTA__ENTRY__BODY_GENESIS + 1; k < PX_KIND_SLOTS;
	     k++)
		if (strcmp(px_entry_kind_name((Paxta__Entry__BodyCase)k),
			   kind) == 0)
			return k;
	return 0;
}

int
px_policy_read(struct px_policy *out, const Paxta__Policy *p)
{
	*out = (struct px_policy){ .ginning_ppm = p->ginning_ppm,
				   .spinning_ppm = p->spinning_ppm,
				   .weaving_ppm = p->weaving_ppm,
				   .knitting_ppm = p->knitting_ppm,
				   .making_ppm = p->making_ppm,
				   .max_skew_s = p->max_skew_s,
				   .harvest_from = p->harvest_from,
				   .harvest_until = p->harvest_until,
				   .max_yield_kg_ha = p->max_yield_kg_ha };
	/* A genesis without a calendar or a yield takes the defaults. */
	if (!out->harvest_from && !out->harvest_until) {
		out->harvest_from = PX_HARVEST_FROM;
		out->harvest_until = PX_HARVEST_UNTIL;
	}
	if (!out->max_yield_kg_ha)
		out->max_yield_kg_ha = PX_MAX_YIELD_KG_HA;
	/* Proto3 has no "unset" for a number: the flag says whether the
	 * tolerances were stated (a 0 then is none) or are the defaults. */
	out->transit_loss_ppm =
		p->transit_set ? p->transit_loss_ppm : PX_TRANSIT_LOSS_PPM;
	out->transit_gain_ppm =
		p->transit_set ? p->transit_gain_ppm : PX_TRANSIT_GAIN_PPM;
	for (size_t i = 0; i < p->n_max_delay; i++) {
		unsigned k = kind_of(p->max_delay[i]->kind);

		if (!k)
			return PX_EINVAL;
		out->max_delay_s[k] = p->max_delay[i]->seconds;
	}
	return PX_OK;
}

void
px_policy_write(Paxta__Policy *out, const struct px_policy *policy,
		Paxta__DelayCap *caps, Paxta__DelayCap **cap_ptrs)
{
	paxta__policy__init(out);
	out->ginning_ppm = policy->ginning_ppm;
	out->spinning_ppm = policy->spinning_ppm;
	out->weaving_ppm = policy->weaving_ppm;
	out->knitting_ppm = policy->knitting_ppm;
	out->making_ppm = policy->making_ppm;
	out->max_skew_s = policy->max_skew_s;
	out->harvest_from = policy->harvest_from;
	out->harvest_until = policy->harvest_until;
	out->max_yield_kg_ha = policy->max_yield_kg_ha;
	out->transit_set = 1;
	out->transit_loss_ppm = policy->transit_loss_ppm;
	out->transit_gain_ppm = policy->transit_gain_ppm;
	out->max_delay = cap_ptrs;
	for (unsigned k = PAXTA__ENTRY__BODY_GENESIS + 1; k < PX_KIND_SLOTS;
	     k++) {
		if (!policy->max_delay_s[k])
			continue;
		paxta__delay_cap__init(&caps[out->n_max_delay]);
		caps[out->n_max_delay].kind =
			(char *)px_entry_kind_name((Paxta__Entry__BodyCase)k);
		caps[out->n_max_delay].seconds = policy->max_delay_s[k];
		cap_ptrs[out->n_max_delay] = &caps[out->n_max_delay];
		out->n_max_delay++;
	}
}
