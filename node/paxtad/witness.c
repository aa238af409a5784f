/*
 * paxtad — the node as a C2SP tlog-witness (--witness-for): POST
 * /add-checkpoint, GET /v1/witness (who it is, which logs it watches) and
 * GET /v1/evidence (the forks it met). The state lives in a store of its
 * own, DIR/witness, so a witness never waits on the ledger's writer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "paxta/cosignature.h"
#include "paxta/replica.h"
#include "paxta/witness.h"
#include "paxtad.h"

struct pxd_witness_server {
	pthread_mutex_t lock; /* one add-checkpoint at a time (witness.h) */
	struct px_store *store;
	struct px_witness *w;
	char *verifier_key;
	json_t *logs; /* the verifier keys watched, for GET /v1/witness */
};

int
pxd_witness_start(struct pxd_witness_server **out, const struct pxd_config *c,
		  const char *origin, char *err, size_t err_len)
{
	struct pxd_witness_server *s = NULL;
	struct px_seckey key = { 0 };
	char *key_path = NULL, *dir = NULL, *name = NULL, *def = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (c->n_witness_for == 0)
		return PX_OK;
	rc = PX_ENOMEM;
	if (!(s = calloc(1, sizeof(*s))))
		goto fail;
	pthread_mutex_init(&s->lock, NULL);
	if (!(s->logs = json_array()))
		goto fail;
	if (c->witness_key) {
		key_path = strdup(c->witness_key);
	} else if (px_ledger_default_key_path(&def, c->data) == PX_OK) {
		/* Beside the folder as its node key: DIR.witness.key. */
		def[strlen(def) - 4] = '\0';
		if (asprintf(&key_path, "%s.witness.key", def) < 0)
			key_path = NULL;
	}
	if (!key_path || asprintf(&dir, "%s/witness", c->data) < 0 ||
	    (c->witness_name ? !(name = strdup(c->witness_name))
			     : asprintf(&name, "%s/witness", origin) < 0))
		goto fail;
	if ((rc = px_key_read_pem(&key, key_path)) != PX_OK) {
		snprintf(err, err_len,
			 "witness key '%s': %s (make one with 'paxta keygen "
			 "--out %s', or give --witness-key FILE)",
			 key_path, px_strerror(rc), key_path);
		goto fail;
	}
	rc = px_store_open(&s->store, dir,
			   stat(dir, &st) == 0 ? 0 : PX_STORE_CREATE);
	if (rc != PX_OK) {
		snprintf(err, err_len, "witness state '%s': %s", dir,
			 px_strerror(rc));
		goto fail;
	}
	if ((rc = px_witness_new(&s->w, s->store, name, &key)) != PX_OK) {
		snprintf(err, err_len,
			 "witness name '%s' cannot name a key (no spaces or "
			 "'+')",
			 name);
		goto fail;
	}
	for (size_t i = 0; i < c->n_witness_for; i++) {
		struct px_note_verifier v;

		if (px_note_verifier_parse(&v, c->witness_for[i]) != PX_OK) {
			rc = PX_EINVAL;
			snprintf(err, err_len,
				 "--witness-for '%s' is not a log's verifier "
				 "key (NAME+HEX8+BASE64, as GET /v1/log "
				 "gives it)",
				 c->witness_for[i]);
			goto fail;
		}
		if ((rc = px_witness_watch(s->w, &v)) != PX_OK) {
			snprintf(err, err_len, "--witness-for '%s': %s",
				 c->witness_for[i],
				 rc == PX_EEXIST ? "a log watched twice"
						 : "too many logs");
			goto fail;
		}
		json_array_append_new(s->logs, json_string(c->witness_for[i]));
	}
	if ((rc = px_witness_verifier_key(s->w, &s->verifier_key)) != PX_OK)
		goto fail;
	px_key_wipe(&key);
	free(def);
	free(key_path);
	free(dir);
	free(name);
	*out = s;
	return PX_OK;
fail:
	if (rc == PX_ENOMEM && err_len && !*err)
		snprintf(err, err_len, "out of memory");
	px_key_wipe(&key);
	free(def);
	free(key_path);
	free(dir);
	free(name);
	pxd_witness_free(s);
	return rc;
}

void
pxd_witness_free(struct pxd_witness_server *s)
{
	if (!s)
		return;
	px_witness_free(s->w);
	px_store_close(s->store);
	json_decref(s->logs);
	free(s->verifier_key);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *
pxd_witness_verifier_key(const struct pxd_witness_server *s)
{
	return s ? s->verifier_key : NULL;
}

/* POST /add-checkpoint (C2SP tlog-witness) */
void
pxd_post_add_checkpoint(struct pxd_request *rq)
{
	struct pxd_witness_server *s = pxd_request_node(rq)->witness;
	struct px_witness_answer a;
	const uint8_t *body;
	size_t len;
	int rc;

	if (!s) {
		pxd_reply_error(rq, 404, "not_found",
				"this node is not a witness (paxtad "
				"--witness-for LOG_KEY)");
		return;
	}
	body = pxd_body(rq, &len);
	pthread_mutex_lock(&s->lock);
	rc = px_witness_add_checkpoint(s->w, (const char *)body, len,
				       (uint64_t)time(NULL), &a);
	pthread_mutex_unlock(&s->lock);
	if (rc != PX_OK) {
		pxd_fail_internal(rq, rc);
		return;
	}
	if (a.evidence)
		fprintf(stderr,
			"paxtad: witness: a log showed two views of its "
			"history; the evidence is kept (GET /v1/evidence)\n");
	switch (a.status) {
	case 200:
		pxd_reply(rq, 200, "text/plain; charset=utf-8", a.body,
			  strlen(a.body));
		return;
	case 409:
		pxd_reply(rq, 409, "text/x.tlog.size", a.body, strlen(a.body));
		return;
	case 403:
		pxd_reply_error(rq, 403, "bad_signature", "%s", a.body);
		break;
	case 404:
		pxd_reply_error(rq, 404, "not_found", "%s", a.body);
		break;
	case 422:
		pxd_reply_error(rq, 422, "inconsistent", "%s", a.body);
		break;
	default:
		pxd_reply_error(rq, 400, "malformed", "%s", a.body);
		break;
	}
	free(a.body);
}

/* GET /v1/witness */
void
pxd_get_witness(struct pxd_request *rq)
{
	struct pxd_witness_server *s = pxd_request_node(rq)->witness;

	if (!s) {
		pxd_reply_error(rq, 404, "not_found",
				"this node is not a witness");
		return;
	}
	pxd_reply_json(rq, 200,
		       json_pack("{s:s,s:O}", "verifier_key", s->verifier_key,
				 "logs", s->logs));
}

static int
add_evidence(void *ctx, const char *text, size_t len)
{
	json_t *arr = ctx, *j = json_loadb(text, len, 0, NULL);

	if (j)
		json_array_append_new(arr, j);
	return 0;
}

/* GET /v1/evidence: what this node keeps of forks it met, as a witness
 * (and as a mirror: pxd_mirror_evidence). */
void
pxd_get_evidence(struct pxd_request *rq)
{
	struct pxd_witness_server *s = pxd_request_node(rq)->witness;
	struct px_txn *t = NULL;
	json_t *arr = json_array();
	int rc = PX_OK;

	if (!arr) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	if (s) {
		pthread_mutex_lock(&s->lock);
		rc = px_store_begin(&t, s->store, 0);
		if (rc == PX_OK)
			rc = px_store_evidence_each(t, add_evidence, arr);
		px_store_abort(t);
		pthread_mutex_unlock(&s->lock);
	}
	/* And what 'paxta mirror' kept in the ledger's folder, when this
	 * node serves a mirror (--replica). */
	if (rc == PX_OK)
		rc = px_replica_evidence_each(pxd_request_node(rq)->ledger,
					      add_evidence, arr);
	if (rc != PX_OK) {
		json_decref(arr);
		pxd_fail_internal(rq, rc);
		return;
	}
	pxd_reply_json(rq, 200, json_pack("{s:o}", "evidence", arr));
}
