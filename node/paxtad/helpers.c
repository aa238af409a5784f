/*
 * paxtad — what the route files share: HTTP statuses of refusal codes,
 * numbers from paths and queries, ids, read snapshots, 500s.
 */
#include <stdint.h>
#include <stdlib.h>

#include "paxta/state.h"
#include "paxtad.h"

unsigned
pxd_code_status(enum px_code code)
{
	switch (code) {
	case PX_CODE_BAD_SIGNATURE:
	case PX_CODE_UNKNOWN_ACTOR:
	case PX_CODE_REVOKED:
	case PX_CODE_ROLE_DENIED:
		return 403; /* who signed may not write this */
	case PX_CODE_SEQUENCE:
	case PX_CODE_OVERSPEND:
	case PX_CODE_NOT_HOLDER:
	case PX_CODE_UNKNOWN_LOT:
	case PX_CODE_DUPLICATE_LOT:
	case PX_CODE_UNKNOWN_SHIPMENT:
	case PX_CODE_DUPLICATE_SHIPMENT:
	case PX_CODE_DUPLICATE_ACTOR:
	case PX_CODE_VOID_DENIED:
	case PX_CODE_INDEX_ROOT:
		return 409; /* conflicts with the ledger's state */
	case PX_CODE_MASS_BALANCE:
	case PX_CODE_PRODUCT:
	case PX_CODE_TIME:
	case PX_CODE_ORIGIN:
	case PX_CODE_SEASON:
	case PX_CODE_YIELD:
	case PX_CODE_WEIGHT:
		return 422; /* the entry itself breaks a rule */
	case PX_CODE_TOO_LARGE:
		return 413;
	default:
		return 400; /* malformed */
	}
}

int
pxd_parse_u64(const char *text, uint64_t *out)
{
	uint64_t v = 0;

	if (!text || !*text)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

int
pxd_query_u64(struct pxd_request *rq, const char *name, uint64_t *out,
	      int *present)
{
	const char *v = pxd_query(rq, name);

	*present = v != NULL;
	if (!v)
		return 0;
	if (pxd_parse_u64(v, out) != 0) {
		pxd_reply_error(rq, 400, "malformed",
				"query argument '%s' takes a number, not '%s'",
				name, v);
		return -1;
	}
	return 0;
}

int
pxd_query_season(struct pxd_request *rq, uint32_t *out, int *present)
{
	uint64_t season = 0;

	if (pxd_query_u64(rq, "season", &season, present))
		return -1;
	if (*present && (season < PX_SEASON_MIN || season > PX_SEASON_MAX)) {
		pxd_reply_error(rq, 400, "malformed",
				"season is a year from %d to %d, like 2026",
				PX_SEASON_MIN, PX_SEASON_MAX);
		return -1;
	}
	*out = (uint32_t)season;
	return 0;
}

json_t *
pxd_hash_b64(const struct px_hash *h)
{
	char *b64 = NULL;
	json_t *j;

	if (px_base64_encode(&b64, h->b, PX_HASH_LEN) != PX_OK)
		return NULL;
	j = json_string(b64);
	free(b64);
	return j;
}

int
pxd_valid_id(struct pxd_request *rq, const char *what, const char *id)
{
	if (px_state_valid_id(id))
		return 1;
	pxd_reply_error(rq, 400, "malformed",
			"'%s' is not %s id (1 to %d printable ASCII "
			"characters, no spaces)",
			id, what, PX_ID_MAX);
	return 0;
}

void
pxd_fail_internal(struct pxd_request *rq, int rc)
{
	if (rc == PX_ENOMEM)
		pxd_reply_error(rq, 500, "internal", "out of memory");
	else
		pxd_reply_error(rq, 500, "internal",
				"the node cannot read its ledger: %s",
				px_strerror(rc));
}

int
pxd_read_only(struct pxd_request *rq)
{
	if (pxd_request_node(rq)->writer)
		return 0;
	pxd_reply_error(rq, 403, "read_only",
			"this node serves a read replica of '%s': send entries "
			"to its source",
			px_ledger_origin(pxd_request_node(rq)->ledger));
	return 1;
}

int
pxd_begin(struct pxd_request *rq, struct px_txn **t)
{
	int rc = px_ledger_read(pxd_request_node(rq)->ledger, t);

	if (rc != PX_OK)
		pxd_fail_internal(rq, rc);
	return rc;
}

void
pxd_end(struct pxd_request *rq, struct px_txn *t)
{
	(void)rq;
	px_store_abort(t);
}
