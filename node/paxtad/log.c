/*
 * paxtad — the log as a whole: GET /v1/log and RFC 9162 inclusion and
 * consistency proofs (docs/api.md).
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

/* ---- GET /v1/log ---- */

void
pxd_get_log(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_txn *t;
	struct px_hash root;
	uint64_t size;
	int rc;

	if (pxd_begin(rq, &t) != PX_OK)
		return;
	size = px_store_size(t);
	rc = px_store_root(t, size, &root);
	px_store_abort(t);
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:s,s:I,s:o,s:s}", "origin",
				 px_ledger_origin(node->ledger), "size",
				 (json_int_t)size, "root", pxd_hash_b64(&root),
				 "verifier_key", node->verifier_key));
}

/* ---- proofs ---- */

static json_t *
proof_json(const struct px_hash *proof, size_t len)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < len; i++) {
		if (json_array_append_new(arr, pxd_hash_b64(&proof[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The snapshot a proof is made in, *size the tree size asked (the log's
 * own when none was given). 0, or -1 when the request is answered already
 * (404 for a tree larger than the log). */
static int
proof_snapshot(struct pxd_request *rq, struct px_txn **t, uint64_t *size,
	       int given)
{
	uint64_t log_size;

	if (pxd_begin(rq, t) != PX_OK)
		return -1;
	log_size = px_store_size(*t);
	if (!given)
		*size = log_size;
	if (*size > log_size) {
		pxd_reply_error(rq, 404, "not_found",
				"no tree of %" PRIu64
				" entries: the log has %" PRIu64,
				*size, log_size);
		px_store_abort(*t);
		*t = NULL;
		return -1;
	}
	return 0;
}

/* {a, b, "hashes"}: the proof made (rc PX_OK), or a 500. */
static void
reply_proof(struct pxd_request *rq, int rc, const char *a, uint64_t a_value,
	    const char *b, uint64_t b_value, const struct px_hash *proof,
	    size_t len)
{
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:I,s:I,s:o}", a, (json_int_t)a_value, b,
				 (json_int_t)b_value, "hashes",
				 proof_json(proof, len)));
}

void
pxd_get_inclusion(struct pxd_request *rq)
{
	struct px_txn *t;
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	uint64_t index = 0, size = 0;
	size_t len = 0;
	int has_index, has_size, rc;

	if (pxd_query_u64(rq, "index", &index, &has_index) ||
	    pxd_query_u64(rq, "size", &size, &has_size))
		return;
	if (!has_index) {
		pxd_reply_error(rq, 400, "malformed",
				"give index=I (and size=N, the tree size of a "
				"checkpoint you hold)");
		return;
	}
	if (proof_snapshot(rq, &t, &size, has_size) != 0)
		return;
	if (index >= size) {
		pxd_reply_error(rq, 400, "malformed",
				"index %" PRIu64 " is not in a tree of %" PRIu64
				" entries",
				index, size);
		px_store_abort(t);
		return;
	}
	/* No root and no leaf hash: a client checks the proof from the
	 * entry it holds to the root of a checkpoint it holds, never to
	 * values the node hands it beside the proof. */
	rc = px_merkle_inclusion_proof(proof, &len, index, size,
				       px_store_merkle_source, t);
	px_store_abort(t);
	reply_proof(rq, rc, "index", index, "size", size, proof, len);
}

void
pxd_get_consistency(struct pxd_request *rq)
{
	struct px_txn *t;
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	uint64_t from = 0, to = 0;
	size_t len = 0;
	int has_from, has_to, rc;

	if (pxd_query_u64(rq, "from", &from, &has_from) ||
	    pxd_query_u64(rq, "to", &to, &has_to))
		return;
	if (!has_from || from == 0) {
		pxd_reply_error(rq, 400, "malformed",
				"give from=M (at least 1) and to=N");
		return;
	}
	if (proof_snapshot(rq, &t, &to, has_to) != 0)
		return;
	if (from > to) {
		pxd_reply_error(rq, 400, "malformed",
				"from %" PRIu64 " is past to %" PRIu64, from,
				to);
		px_store_abort(t);
		return;
	}
	rc = px_merkle_consistency_proof(proof, &len, from, to,
					 px_store_merkle_source, t);
	px_store_abort(t);
	reply_proof(rq, rc, "from", from, "to", to, proof, len);
}
