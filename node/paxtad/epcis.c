/*
 * paxtad — GET /v1/epcis/events?lot=ID | ?from=N&to=M: the ledger's events
 * as one GS1 EPCIS 2.0 document, the same one `paxta export --epcis`
 * writes (the core renders both: px_epcis_export).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paxta/epcis.h"
#include "paxta/state.h"
#include "paxta/store.h"
#include "paxtad.h"

/* Entries one range request may read: the answer and its time stay
 * bounded whatever a client asks; a larger export takes several. */
#define EPCIS_RANGE_MAX 10000

static int
number(const char *text, uint64_t *out)
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

void
pxd_get_epcis_events(struct pxd_request *rq)
{
	struct px_ledger *l = pxd_request_node(rq)->ledger;
	const char *lot = pxd_query(rq, "lot");
	const char *from = pxd_query(rq, "from"), *to = pxd_query(rq, "to");
	struct px_epcis_select sel = { 0 };
	struct px_txn *t = NULL;
	json_t *doc = NULL;
	int rc;

	if (lot && !from && !to) {
		if (!px_state_valid_id(lot)) {
			pxd_reply_error(rq, 400, "malformed",
					"'%s' is not a lot id", lot);
			return;
		}
		sel.lot = lot;
	} else if (!lot && from && to) {
		if (number(from, &sel.from) || number(to, &sel.to) ||
		    sel.from > sel.to) {
			pxd_reply_error(rq, 400, "malformed",
					"from and to are indexes, from <= to");
			return;
		}
		if (sel.to - sel.from >= EPCIS_RANGE_MAX)
			sel.to = sel.from + EPCIS_RANGE_MAX - 1;
	} else {
		pxd_reply_error(rq, 400, "malformed",
				"give lot=ID, or from=N&to=M");
		return;
	}
	if ((rc = px_ledger_read(l, &t)) == PX_OK)
		rc = px_epcis_export(&doc, t, px_ledger_origin(l), &sel,
				     (int64_t)time(NULL));
	px_store_abort(t);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "unknown_lot", "no lot '%s'", lot);
		return;
	}
	if (rc != PX_OK) {
		pxd_reply_error(rq, 500, "internal",
				"the node cannot export its ledger: %s",
				px_strerror(rc));
		return;
	}
	pxd_reply_json(rq, 200, doc);
}
