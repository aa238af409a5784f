/*
 * paxtad — the record-keeper's views: GET /v1/actors/{id}/holdings (what an
 * actor holds, what is on the road to and from it) and GET
 * /v1/shipments/{id}, GET /v1/lots/{id}/shipments (docs/api.md). Answers from
 * one read snapshot.
 */
#include "paxta/holdings.h"
#include "paxta/ledger.h"
#include "paxta/state.h"
#include "paxtad.h"

/* The id in the path, or a 400 naming what it should be. */
static int
path_id(struct pxd_request *rq, const char *what, const char **out)
{
	const char *id = pxd_param(rq, 0);

	*out = id;
	if (id && px_state_valid_id(id))
		return 1;
	/* the id is not quoted: it is not an id, and may be anything */
	pxd_reply_error(rq, 400, "malformed",
			"the path does not hold %s id (1 to %d printable "
			"ASCII characters, no spaces)",
			what, PX_ID_MAX);
	return 0;
}

/* One view: built by fn from a snapshot, 404 when its subject is not. */
static void
answer(struct pxd_request *rq, const char *what, const char *id,
       int (*fn)(json_t **out, struct px_txn *t, const char *id))
{
	struct px_txn *t = NULL;
	json_t *j = NULL;
	int rc;

	if (pxd_begin(rq, &t) != PX_OK)
		return;
	rc = fn(&j, t, id);
	if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found", "no %s '%s'", what, id);
	else if (rc != PX_OK)
		pxd_fail_internal(rq, rc);
	else
		pxd_reply_json(rq, 200, j);
	pxd_end(rq, t);
}

void
pxd_get_holdings(struct pxd_request *rq)
{
	const char *id;

	if (path_id(rq, "an actor", &id))
		answer(rq, "actor", id, px_holdings_json);
}

void
pxd_get_shipment(struct pxd_request *rq)
{
	const char *id;

	if (path_id(rq, "a shipment", &id))
		answer(rq, "shipment", id, px_shipment_json);
}

void
pxd_get_lot_shipments(struct pxd_request *rq)
{
	const char *id;

	if (path_id(rq, "a lot", &id))
		answer(rq, "lot", id, px_lot_shipments_json);
}
