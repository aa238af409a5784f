/*
 * paxtad — for operators: GET /healthz and GET /metrics (Prometheus).
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

/* ---- health and metrics ---- */

void
pxd_get_healthz(struct pxd_request *rq)
{
	pxd_reply(rq, 200, PXD_CT_TEXT, strdup("ok\n"), 3);
}

void
pxd_get_metrics(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_lineage_memo_stats memo;
	struct px_txn *t;
	uint64_t size, disk = 0;
	char *text;
	size_t len;
	int rc;

	if (pxd_begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	rc = px_verdict_memory(t, &memo);
	px_store_abort(t);
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	px_store_disk_bytes(px_ledger_store(node->ledger), &disk);
	if (pxd_metrics_render(
		    node->metrics, size, disk, &memo, pxd_answer_bytes(rq),
		    node->config->answer_budget, &text, &len) != PX_OK) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	pxd_reply(rq, 200, "text/plain; version=0.0.4; charset=utf-8", text,
		  len);
}
