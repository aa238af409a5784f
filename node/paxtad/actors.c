/*
 * paxtad — actors and the monitors' statements (docs/api.md).
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

/* Statements listed for one subject at most. */
#define ATTESTATIONS_MAX 10000

/* ---- actors and statements ---- */

void
pxd_get_actor(struct pxd_request *rq)
{
	const char *id = pxd_param(rq, 0);
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t;
	json_t *j;
	int rc;

	if (!pxd_valid_id(rq, "an actor", id) || pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_state_actor(t, id, &rec);
	px_store_abort(t);
	if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"actor '%s' is not registered", id);
		return;
	}
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	/* The keys of `paxta actor --json`, last_hash among them: a client
	 * signs the actor's next entry from seq and last_hash. */
	j = px_actor_json(rec);
	px_state_free(rec);
	pxd_reply_json(rq, 200, j);
}

struct statements {
	json_t *list;
	size_t n;
	int truncated;
};

static int
collect_statement(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct statements *st = ctx;
	const Paxta__Attest *a = rec->attest;
	char when[PX_TIME_TEXT], sha[2 * PX_HASH_LEN + 1] = "";
	json_t *indicators = json_array(), *j;

	if (st->n == ATTESTATIONS_MAX) {
		st->truncated = 1;
		json_decref(indicators);
		return 1;
	}
	if (!indicators)
		return PX_ENOMEM;
	/* stored text through px_json_text: never refused by jansson, and
	 * every failure is one, never a statement or indicator left out */
	for (size_t i = 0; i < a->n_indicators; i++)
		if (json_array_append_new(
			    indicators, px_json_text(a->indicators[i])) != 0) {
			json_decref(indicators);
			return PX_ENOMEM;
		}
	if (a->report_sha256.len == PX_HASH_LEN)
		px_hex_encode(sha, a->report_sha256.data, PX_HASH_LEN);
	px_format_time(when, rec->time);
	j = json_pack("{s:I,s:o,s:s,s:o,s:i,s:s,s:o,s:o,s:s}", "index",
		      (json_int_t)rec->index, "monitor",
		      px_json_text(rec->monitor), "time", when, "subject",
		      px_json_text(a->subject), "season", (int)a->season,
		      "status", px_status_name(a->status), "indicators",
		      indicators, "report_uri", px_json_text(a->report_uri),
		      "report_sha256", sha);
	/* The period, when given, as the event's JSON has it (its
	 * documents are in the entry: GET /v1/entries/{index}). */
	if (j && a->from) {
		px_format_time(when, a->from);
		json_object_set_new(j, "from", json_string(when));
	}
	if (j && a->until) {
		px_format_time(when, a->until);
		json_object_set_new(j, "until", json_string(when));
	}
	if (!j || json_array_append_new(st->list, j) != 0)
		return PX_ENOMEM;
	st->n++;
	return 0;
}

void
pxd_get_attestations(struct pxd_request *rq)
{
	const char *subject = pxd_query(rq, "subject");
	struct statements st = { json_array(), 0, 0 };
	struct px_txn *t;
	uint32_t season = 0;
	int has_season, rc;

	if (!subject || !px_state_valid_subject(subject)) {
		pxd_reply_error(rq, 400, "malformed",
				"give subject=farm:ID, actor:ID, "
				"district:CODE, region:CODE or country:CODE");
		json_decref(st.list);
		return;
	}
	if (pxd_query_season(rq, &season, &has_season) ||
	    pxd_begin(rq, &t) != PX_OK) {
		json_decref(st.list);
		return;
	}
	rc = st.list ? px_state_each_attestation(t, subject, season,
						 collect_statement, &st)
		     : PX_ENOMEM;
	px_store_abort(t);
	if (rc < 0) {
		json_decref(st.list);
		pxd_fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:s,s:o,s:b}", "subject", subject,
				 "attestations", st.list, "truncated",
				 st.truncated));
}
