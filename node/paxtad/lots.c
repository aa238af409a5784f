/*
 * paxtad — lots: state, verdict, provenance and recall, and the recall of a
 * district, farm or statement (docs/api.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paxta/checkpoint.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/lot.h"
#include "paxta/merkle.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/units.h"
#include "paxtad.h"

/* The lineage graph served as JSON at most this many lots. */
#define LINEAGE_MAX 20000

/* ---- streamed answers ---- */

/* A recall or lineage is held in its C form until its client took the
 * JSON, made one element at a time (answers.c): never the whole tree or
 * text. Both take what they answer. */
static void
reply_recall(struct pxd_request *rq, struct px_recall *r)
{
	struct pxd_stream *s;
	int rc = pxd_recall_stream(&s, r);

	if (rc != PX_OK)
		pxd_fail_internal(rq, rc);
	else
		pxd_reply_stream(rq, 200, PXD_CT_JSON, s);
}

static void
reply_lineage(struct pxd_request *rq, struct px_lineage *g)
{
	struct pxd_stream *s;
	int rc = pxd_lineage_stream(&s, g);

	if (rc != PX_OK)
		pxd_fail_internal(rq, rc);
	else
		pxd_reply_stream(rq, 200, PXD_CT_JSON, s);
}

/* ---- lots ---- */

static void
lot_missing(struct pxd_request *rq, const char *id, int rc, uint64_t at)
{
	if (rc == PX_ENOTFOUND && at)
		pxd_reply_error(rq, 404, "not_found",
				"lot '%s' was not in the ledger as of %" PRIu64
				" entries",
				id, at);
	else if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"lot '%s' is not in the ledger", id);
	else if (rc == PX_ETOOLARGE)
		pxd_reply_error(rq, 422, "too_large",
				"lot '%s' has more lots in its lineage than "
				"one answer may walk",
				id);
	else
		pxd_fail_internal(rq, rc);
}

void
pxd_get_lot(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	json_t *j = NULL;
	int rc;

	if (!pxd_valid_id(rq, "a lot", id) || pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_lot_json(&j, t, id);
	px_store_abort(t);
	if (rc != PX_OK)
		lot_missing(rq, id, rc, 0);
	else
		pxd_reply_json(rq, 200, j);
}

void
pxd_get_verdict(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_verdict *v = NULL;
	uint64_t at = 0;
	int has_at, rc;

	if (!pxd_valid_id(rq, "a lot", id) ||
	    pxd_query_u64(rq, "at", &at, &has_at))
		return;
	if (has_at && at == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"at is a tree size: at least 1");
		return;
	}
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	if (at > px_store_size(t)) {
		pxd_reply_error(rq, 400, "malformed",
				"at %" PRIu64 " is past the log's %" PRIu64
				" entries",
				at, px_store_size(t));
		px_store_abort(t);
		return;
	}
	rc = px_verdict(&v, t, id, at);
	px_store_abort(t);
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, at);
		return;
	}
	pxd_reply_json(rq, 200, px_verdict_json(v));
	px_verdict_free(v);
}

void
pxd_get_provenance(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_lineage *g = NULL;
	int rc;

	if (!pxd_valid_id(rq, "a lot", id) || !pxd_costly(rq) ||
	    pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_lineage(&g, t, id, LINEAGE_MAX);
	px_store_abort(t);
	if (rc == PX_ETOOLARGE) {
		pxd_reply_error(rq, 422, "too_large",
				"lot '%s' has more than %d lots in its "
				"lineage; its verdict gives the breakdown by "
				"origin",
				id, LINEAGE_MAX);
		return;
	}
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, 0);
		return;
	}
	reply_lineage(rq, g);
}

void
pxd_get_lot_recall(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t;
	struct px_recall *r = NULL;
	int rc;

	if (!pxd_valid_id(rq, "a lot", id) || !pxd_costly(rq) ||
	    pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_lot_recall(&r, t, id);
	px_store_abort(t);
	if (rc != PX_OK) {
		lot_missing(rq, id, rc, 0);
		return;
	}
	reply_recall(rq, r);
}

/* ---- GET /v1/recall ---- */

void
pxd_get_recall(struct pxd_request *rq)
{
	struct px_recall_query q = { 0 };
	struct px_recall *r = NULL;
	struct px_txn *t;
	int has_season, has_attestation, rc;

	q.district = pxd_query(rq, "district");
	q.farm = pxd_query(rq, "farm");
	if (pxd_query_season(rq, &q.season, &has_season) ||
	    pxd_query_u64(rq, "attestation", &q.attestation, &has_attestation))
		return;
	if ((q.district != NULL) + (q.farm != NULL) + has_attestation != 1 ||
	    (q.district && !has_season) || (has_attestation && has_season) ||
	    (has_attestation && q.attestation == 0)) {
		pxd_reply_error(rq, 400, "malformed",
				"give district=CODE&season=YEAR, "
				"farm=ID[&season=YEAR], or attestation=INDEX");
		return;
	}
	if ((q.district && !pxd_valid_id(rq, "a district", q.district)) ||
	    (q.farm && !pxd_valid_id(rq, "an actor", q.farm)) ||
	    !pxd_costly(rq))
		return;
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_recall(&r, t, &q);
	px_store_abort(t);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"entry %" PRIu64 " is not a monitor's "
				"statement",
				q.attestation);
		return;
	}
	if (rc == PX_ETOOLARGE) {
		pxd_reply_error(rq, 422, "too_large",
				"the recall reaches more lots than one answer "
				"may walk");
		return;
	}
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	reply_recall(rq, r);
}
