/*
 * paxtad: GET /v1/lots/{id}/bundle[?size=N], a lot's proof bundle
 * (docs/bundle.md, docs/api.md), with the checkpoint as the node serves it:
 * cosigned by its witnesses when they answered.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "paxta/bundle.h"
#include "paxta/state.h"
#include "paxtad.h"

#define CT_BUNDLE "application/vnd.paxta.bundle+protobuf"

/* The signed size the bundle is for: ?size=N, or the latest. */
static int
bundle_size(struct px_txn *t, uint64_t *size, int has_size)
{
	const char *note;
	size_t len;

	if (has_size)
		return px_store_checkpoint_get(t, *size, &note, &len);
	return px_store_checkpoint_latest(t, size, &note, &len);
}

void
pxd_get_bundle(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	struct px_txn *t = NULL;
	uint8_t *bytes = NULL;
	char *cosigned = NULL;
	uint64_t size = 0;
	size_t len = 0;
	int has_size, rc;

	if (!px_state_valid_id(id)) {
		pxd_reply_error(rq, 400, "malformed",
				"'%s' is not a lot id (1 to %d printable "
				"ASCII characters, no spaces)",
				id, PX_ID_MAX);
		return;
	}
	if (pxd_query_u64(rq, "size", &size, &has_size) ||
	    pxd_begin(rq, &t) != PX_OK)
		return;
	rc = bundle_size(t, &size, has_size);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"the node signed no checkpoint of %" PRIu64
				" entries",
				size);
		goto out;
	}
	if (rc == PX_OK) {
		cosigned =
			pxd_cosigned_note(pxd_request_node(rq)->cosigner, size);
		rc = px_bundle_build(&bytes, &len, t, id, size, cosigned);
	}
	if (rc == PX_ENOTFOUND)
		pxd_reply_error(rq, 404, "not_found",
				"lot '%s' is not in the ledger at checkpoint "
				"%" PRIu64,
				id, size);
	else if (rc == PX_ETOOLARGE)
		pxd_reply_error(rq, 422, "too_large",
				"lot '%s' has a lineage too large for one "
				"bundle",
				id);
	else if (rc != PX_OK)
		pxd_fail_internal(rq, rc);
	else {
		pxd_reply(rq, 200, CT_BUNDLE, (char *)bytes, len);
		bytes = NULL;
	}
out:
	free(bytes);
	free(cosigned);
	pxd_end(rq, t);
}
