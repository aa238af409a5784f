/* paxta — a C2SP tlog-witness and evidence of forks, see witness.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "paxta/cosignature.h"
#include "paxta/merkle.h"
#include "paxta/witness.h"

#define EVIDENCE_MAX (4 * PX_NOTE_MAX)

struct px_witness {
	struct px_store *store;
	char name[PX_ORIGIN_MAX + 1];
	struct px_seckey key;
	struct px_note_verifier logs[PX_WITNESS_LOGS_MAX];
	size_t n_logs;
};

int
px_witness_new(struct px_witness **out, struct px_store *store,
	       const char *name, const struct px_seckey *key)
{
	struct px_witness *w;
	char *probe = NULL;
	int rc;

	*out = NULL;
	/* The name must be one a verifier key can carry. */
	if ((rc = px_cosig_verifier_string(&probe, name, &key->pub)) != PX_OK)
		return rc;
	free(probe);
	if (!(w = calloc(1, sizeof(*w))))
		return PX_ENOMEM;
	w->store = store;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->key = *key;
	*out = w;
	return PX_OK;
}

void
px_witness_free(struct px_witness *w)
{
	if (!w)
		return;
	OPENSSL_cleanse(w, sizeof(*w));
	free(w);
}

int
px_witness_watch(struct px_witness *w, const struct px_note_verifier *log)
{
	for (size_t i = 0; i < w->n_logs; i++)
		if (strcmp(w->logs[i].name, log->name) == 0)
			return PX_EEXIST;
	if (w->n_logs == PX_WITNESS_LOGS_MAX)
		return PX_ETOOLARGE;
	w->logs[w->n_logs++] = *log;
	return PX_OK;
}

int
px_witness_verifier_key(const struct px_witness *w, char **out)
{
	return px_cosig_verifier_string(out, w->name, &w->key.pub);
}

/* ---- the request ---- */

struct request {
	uint64_t old;
	struct px_hash proof[PX_WITNESS_PROOF_MAX];
	size_t proof_len;
	const char *note;
	size_t note_len;
};

/* A decimal with no leading zero (unless it is "0"). */
static int
parse_size(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || (p[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' ||
		    v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* tlog-witness: "old N\n", proof lines, "\n", the checkpoint. */
static int
parse_request(struct request *r, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t got;

	memset(r, 0, sizeof(*r));
	nl = memchr(p, '\n', len);
	if (!nl || nl - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    parse_size(p + 4, (size_t)(nl - p - 4), &r->old))
		return -1;
	for (p = nl + 1; p < end && *p != '\n'; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		/* A SHA-256 hash is 44 base64 characters. */
		if (!nl || nl - p != 44 ||
		    r->proof_len == PX_WITNESS_PROOF_MAX ||
		    px_base64_decode(r->proof[r->proof_len].b, PX_HASH_LEN,
				     &got, p, 44) != PX_OK ||
		    got != PX_HASH_LEN)
			return -1;
		r->proof_len++;
	}
	if (p >= end)
		return -1;
	r->note = p + 1;
	r->note_len = (size_t)(end - p - 1);
	return 0;
}

static int answer(struct px_witness_answer *out, unsigned status,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
answer(struct px_witness_answer *out, unsigned status, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&out->body, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out->body = NULL;
		return PX_ENOMEM;
	}
	out->status = status;
	return PX_OK;
}

/* ---- evidence ---- */

static json_t *
proof_json(const struct px_hash *proof, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		char *b64 = NULL;

		if (px_base64_encode(&b64, proof[i].b, PX_HASH_LEN) != PX_OK ||
		    json_array_append_new(arr, json_string(b64))) {
			free(b64);
			json_decref(arr);
			return NULL;
		}
		free(b64);
	}
	return arr;
}

int
px_evidence_make(char **out, struct px_hash *out_id,
		 const struct px_note_verifier *log, const char *older,
		 size_t older_len, const char *newer, size_t newer_len,
		 const struct px_hash *proof, size_t proof_len,
		 const char *found_by, uint64_t now)
{
	char *vkey = NULL, *key_text = NULL;
	json_t *j = NULL;
	int rc;

	*out = NULL;
	if ((rc = px_note_verifier_string(&vkey, log->name, &log->pub)) !=
	    PX_OK)
		return rc;
	rc = PX_ENOMEM;
	j = json_pack("{s:s,s:s,s:s%,s:s%,s:o,s:s,s:I}", "origin", log->name,
		      "verifier_key", vkey, "older", older, older_len, "newer",
		      newer, newer_len, "proof", proof_json(proof, proof_len),
		      "found_by", found_by, "found_at", (json_int_t)now);
	if (!j || !(*out = json_dumps(j, JSON_COMPACT)))
		goto out;
	/* Kept once, however often it is met: the id leaves out who found
	 * it and when. */
	json_object_del(j, "found_at");
	json_object_del(j, "found_by");
	if (!(key_text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS)))
		goto out;
	rc = px_sha256(out_id, key_text, strlen(key_text));
out:
	if (rc != PX_OK) {
		free(*out);
		*out = NULL;
	}
	free(key_text);
	json_decref(j);
	free(vkey);
	return rc;
}

/* Keep older and newer (and the proof between them) as evidence. */
static int
keep_evidence(struct px_witness *w, struct px_txn *t,
	      const struct px_note_verifier *log, const char *older,
	      size_t older_len, const char *newer, size_t newer_len,
	      const struct px_hash *proof, size_t proof_len, uint64_t now)
{
	struct px_hash id;
	char *text = NULL;
	int rc = px_evidence_make(&text, &id, log, older, older_len, newer,
				  newer_len, proof, proof_len, w->name, now);

	if (rc == PX_OK)
		rc = px_store_evidence_put(t, &id, text, strlen(text));
	free(text);
	return rc;
}

/* ---- add-checkpoint ---- */

static const struct px_note_verifier *
find_log(const struct px_witness *w, const char *note, size_t len)
{
	const char *nl = memchr(note, '\n', len);
	size_t n = nl ? (size_t)(nl - note) : 0;

	for (size_t i = 0; nl && i < w->n_logs; i++)
		if (strlen(w->logs[i].name) == n &&
		    memcmp(w->logs[i].name, note, n) == 0)
			return &w->logs[i];
	return NULL;
}

int
px_witness_add_checkpoint(struct px_witness *w, const char *request, size_t len,
			  uint64_t now, struct px_witness_answer *out)
{
	static const struct px_hash empty_root = {
		{ 0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
		  0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
		  0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
		  0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55 }
	};
	const struct px_note_verifier *log;
	struct px_checkpoint cp, last;
	struct px_txn *t = NULL;
	struct request r;
	const char *stored = NULL;
	char *stored_copy = NULL;
	size_t stored_len = 0, body_len;
	int rc, have_last = 0;

	memset(out, 0, sizeof(*out));
	if (len > PX_WITNESS_REQUEST_MAX)
		return answer(out, 400,
			      "a request of %zu bytes is over the "
			      "%d-byte cap",
			      len, PX_WITNESS_REQUEST_MAX);
	if (parse_request(&r, request, len))
		return answer(out, 400,
			      "not an add-checkpoint request: 'old SIZE', at "
			      "most 63 base64 proof hashes, an empty line and "
			      "a checkpoint");
	/* tlog-witness: an unknown origin is 404. */
	if (!(log = find_log(w, r.note, r.note_len)))
		return answer(out, 404, "this witness does not watch that log");
	rc = px_checkpoint_open(&cp, r.note, r.note_len, log);
	if (rc == PX_EVERIFY)
		return answer(out, 403,
			      "the checkpoint is not signed by the key of log "
			      "'%s'",
			      log->name);
	if (rc == PX_EMALFORMED || rc == PX_ETOOLARGE)
		return answer(out, 400, "not a signed checkpoint");
	if (rc != PX_OK)
		return rc;
	if (r.old > cp.size)
		return answer(out, 400,
			      "old size %" PRIu64 " is past the checkpoint's "
			      "%" PRIu64,
			      r.old, cp.size);

	/* Checked and replaced in one write transaction: a slower request
	 * cannot roll the witness back (tlog-witness). */
	if ((rc = px_store_begin(&t, w->store, 1)) != PX_OK)
		return rc;
	rc = px_store_witnessed_get(t, log->name, &stored, &stored_len);
	if (rc == PX_OK) {
		/* Our own record: checked like any note all the same. */
		if (!(stored_copy = strndup(stored, stored_len))) {
			rc = PX_ENOMEM;
			goto out;
		}
		if (px_checkpoint_open(&last, stored_copy, stored_len, log) !=
		    PX_OK) {
			rc = PX_ESTORE;
			goto out;
		}
		have_last = 1;
	} else if (rc != PX_ENOTFOUND) {
		goto out;
	}
	/* Two signed trees of one size: a fork, whatever the request says. */
	if (have_last && last.size == cp.size &&
	    memcmp(last.root.b, cp.root.b, PX_HASH_LEN) != 0) {
		if ((rc = keep_evidence(w, t, log, stored_copy, stored_len,
					r.note, r.note_len, NULL, 0, now)) !=
		    PX_OK)
			goto out;
		out->evidence = 1;
		if ((rc = px_store_commit(t)) != PX_OK) {
			t = NULL;
			goto out;
		}
		t = NULL;
		if (r.old != last.size) {
			out->content_type_size = 1;
			rc = answer(out, 409, "%" PRIu64 "\n", last.size);
		} else {
			rc = answer(out, 422,
				    "log '%s' signed two trees of %" PRIu64
				    " entries with different roots: kept as "
				    "evidence",
				    log->name, cp.size);
		}
		goto out;
	}
	if (r.old != (have_last ? last.size : 0)) {
		out->content_type_size = 1;
		rc = answer(out, 409, "%" PRIu64 "\n",
			    have_last ? last.size : 0);
		goto out;
	}
	if (cp.size == 0 && memcmp(cp.root.b, empty_root.b, PX_HASH_LEN) != 0) {
		rc = answer(out, 422, "an empty tree has the empty root");
		goto out;
	}
	if (r.old == 0 && r.proof_len != 0) {
		rc = answer(out, 422, "from size 0 the proof is empty");
		goto out;
	}
	if (r.old != 0 &&
	    px_merkle_verify_consistency(r.old, cp.size, &last.root, &cp.root,
					 r.proof, r.proof_len) != PX_OK) {
		struct px_hash other;

		/* A proof that leads to the new root from another root of
		 * the old size: the log's own words that it forked. */
		if (px_merkle_consistency_old_root(&other, r.old, cp.size,
						   &cp.root, r.proof,
						   r.proof_len) == PX_OK &&
		    memcmp(other.b, last.root.b, PX_HASH_LEN) != 0) {
			if ((rc = keep_evidence(w, t, log, stored_copy,
						stored_len, r.note, r.note_len,
						r.proof, r.proof_len, now)) !=
			    PX_OK)
				goto out;
			out->evidence = 1;
			rc = px_store_commit(t);
			t = NULL;
			if (rc != PX_OK)
				goto out;
		}
		rc = answer(out, 422,
			    "the consistency proof does not show the tree of "
			    "%" PRIu64 " entries this witness cosigned as a "
			    "prefix of the tree of %" PRIu64 "%s",
			    r.old, cp.size,
			    out->evidence ? ": the log forked; kept as evidence"
					  : "");
		goto out;
	}
	if ((rc = px_store_witnessed_put(t, log->name, r.note, r.note_len)) !=
	    PX_OK)
		goto out;
	if ((rc = px_note_body(&body_len, r.note, r.note_len)) != PX_OK ||
	    (rc = px_cosig_sign(&out->body, r.note, body_len, w->name, &w->key,
				now)) != PX_OK)
		goto out;
	/* tlog-witness: persist before answering. */
	rc = px_store_commit(t);
	t = NULL;
	if (rc != PX_OK)
		goto out;
	out->status = 200;
out:
	px_store_abort(t);
	free(stored_copy);
	if (rc != PX_OK) {
		free(out->body);
		out->body = NULL;
	}
	return rc;
}

/* ---- checking evidence ---- */

int
px_evidence_check(const char *text, size_t len,
		  const struct px_note_verifier *log, uint64_t *out_size_a,
		  uint64_t *out_size_b)
{
	struct px_note_verifier from_text;
	struct px_checkpoint a, b;
	struct px_hash proof[PX_MERKLE_MAX_PROOF], other;
	const char *older, *newer, *vkey;
	size_t n, got;
	json_t *j = NULL, *arr, *h;
	int rc = PX_EMALFORMED;

	if (len > EVIDENCE_MAX)
		return PX_ETOOLARGE;
	if (!(j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)))
		return PX_EMALFORMED;
	older = json_string_value(json_object_get(j, "older"));
	newer = json_string_value(json_object_get(j, "newer"));
	vkey = json_string_value(json_object_get(j, "verifier_key"));
	arr = json_object_get(j, "proof");
	if (!older || !newer || !json_is_array(arr) ||
	    json_array_size(arr) > PX_MERKLE_MAX_PROOF)
		goto out;
	if (!log) {
		if (!vkey || px_note_verifier_parse(&from_text, vkey) != PX_OK)
			goto out;
		log = &from_text;
	}
	json_array_foreach(arr, n, h)
	{
		const char *s = json_string_value(h);

		if (!s || strlen(s) != 44 ||
		    px_base64_decode(proof[n].b, PX_HASH_LEN, &got, s, 44) !=
			    PX_OK ||
		    got != PX_HASH_LEN)
			goto out;
	}
	n = json_array_size(arr);
	/* Both signed by the log: otherwise they prove nothing about it. */
	rc = px_checkpoint_open(&a, older, strlen(older), log);
	if (rc == PX_OK)
		rc = px_checkpoint_open(&b, newer, strlen(newer), log);
	if (rc != PX_OK)
		goto out;
	rc = PX_EVERIFY;
	if (strcmp(a.origin, b.origin) != 0)
		goto out;
	if (a.size == b.size) {
		if (n != 0 || memcmp(a.root.b, b.root.b, PX_HASH_LEN) == 0)
			goto out;
	} else if (a.size < b.size) {
		/* The proof leads to newer's root from a root of older's
		 * size that is not older's. */
		if (px_merkle_consistency_old_root(&other, a.size, b.size,
						   &b.root, proof,
						   n) != PX_OK ||
		    memcmp(other.b, a.root.b, PX_HASH_LEN) == 0)
			goto out;
	} else {
		goto out;
	}
	if (out_size_a)
		*out_size_a = a.size;
	if (out_size_b)
		*out_size_b = b.size;
	rc = PX_OK;
out:
	json_decref(j);
	return rc;
}
