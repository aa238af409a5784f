/*
 * paxtad — small helpers for the route files beside routes.c (checkpoints,
 * witness, tiles, evidence): query numbers, read snapshots, 500s.
 */
#include <stdint.h>

#include "paxtad.h"

int
pxd_query_u64(struct pxd_request *rq, const char *name, uint64_t *out,
	      int *present)
{
	const char *v = pxd_query(rq, name);
	uint64_t n = 0;

	*present = v != NULL;
	if (!v)
		return 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			goto bad;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (!*v)
		goto bad;
	*out = n;
	return 0;
bad:
	pxd_reply_error(rq, 400, "malformed",
			"query argument '%s' takes a number, not '%s'", name,
			v);
	return -1;
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
