/*
 * Unit tests: C2SP tlog-cosignature/v1 (node/core/cosignature.c) and the
 * tlog-witness state machine with its evidence of forks (witness.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paxta/checkpoint.h"
#include "paxta/cosignature.h"
#include "paxta/merkle.h"
#include "paxta/store.h"
#include "paxta/witness.h"
#include "support.h"

#define LOG    "test.example/log"
#define OTHER  "test.example/other"
#define WNAME  "witness.test.example/w1"
#define LEAVES 16

/* A log in memory: leaf i is "<tag>-<i>". */
struct tree {
	struct px_hash leaf[LEAVES];
};

static void
tree_init(struct tree *t, const char *tag, size_t fork_from)
{
	for (size_t i = 0; i < LEAVES; i++) {
		char text[32];

		snprintf(text, sizeof(text), "%s-%zu",
			 i >= fork_from ? tag : "same", i);
		assert_int_equal(px_hash_leaf(&t->leaf[i], text, strlen(text)),
				 PX_OK);
	}
}

static int
source(void *ctx, uint64_t start, unsigned level, struct px_hash *out)
{
	struct tree *t = ctx;
	struct px_hash l, r;

	if (level == 0) {
		*out = t->leaf[start];
		return PX_OK;
	}
	source(ctx, start, level - 1, &l);
	source(ctx, start + ((uint64_t)1 << (level - 1)), level - 1, &r);
	return px_hash_node(out, &l, &r);
}

struct env {
	char *dir;
	struct px_store *store;
	struct px_seckey log_key, other_key, witness_key;
	struct px_note_verifier log, other;
	struct px_witness *w;
	struct tree honest, forked;
};

static char *
note_of(struct env *e, const char *origin, struct tree *t, uint64_t size,
	const struct px_seckey *key)
{
	struct px_checkpoint cp = { .size = size };
	char *note = NULL;

	snprintf(cp.origin, sizeof(cp.origin), "%s", origin);
	assert_int_equal(px_merkle_root(&cp.root, size, source, t), PX_OK);
	assert_int_equal(px_checkpoint_sign(&note, &cp, key), PX_OK);
	(void)e;
	return note;
}

/* "old M\n", the proof from M to the note's size in t, "\n", note. */
static char *
request(struct tree *t, uint64_t old, uint64_t size, const char *note)
{
	struct px_hash proof[PX_MERKLE_MAX_PROOF];
	size_t n = 0, len;
	char *out = NULL, *p;

	if (old && old < size)
		assert_int_equal(px_merkle_consistency_proof(proof, &n, old,
							     size, source, t),
				 PX_OK);
	len = 32 + n * 45 + strlen(note) + 2;
	out = malloc(len);
	assert_non_null(out);
	p = out + sprintf(out, "old %" PRIu64 "\n", old);
	for (size_t i = 0; i < n; i++) {
		char *b64 = NULL;

		assert_int_equal(px_base64_encode(&b64, proof[i].b, 32), PX_OK);
		p += sprintf(p, "%s\n", b64);
		free(b64);
	}
	sprintf(p, "\n%s", note);
	return out;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char *vkey = NULL;

	assert_non_null(e);
	assert_int_equal(px_crypto_init(), PX_OK);
	e->dir = pxt_tempdir();
	assert_int_equal(px_store_open(&e->store, e->dir, PX_STORE_CREATE),
			 PX_OK);
	assert_int_equal(px_key_generate(&e->log_key), PX_OK);
	assert_int_equal(px_key_generate(&e->other_key), PX_OK);
	assert_int_equal(px_key_generate(&e->witness_key), PX_OK);
	assert_int_equal(px_note_verifier_string(&vkey, LOG, &e->log_key.pub),
			 PX_OK);
	assert_int_equal(px_note_verifier_parse(&e->log, vkey), PX_OK);
	free(vkey);
	assert_int_equal(
		px_note_verifier_string(&vkey, OTHER, &e->other_key.pub),
		PX_OK);
	assert_int_equal(px_note_verifier_parse(&e->other, vkey), PX_OK);
	free(vkey);
	assert_int_equal(
		px_witness_new(&e->w, e->store, WNAME, &e->witness_key), PX_OK);
	assert_int_equal(px_witness_watch(e->w, &e->log), PX_OK);
	assert_int_equal(px_witness_watch(e->w, &e->log), PX_EEXIST);
	assert_int_equal(px_witness_watch(e->w, &e->other), PX_OK);
	tree_init(&e->honest, "honest", LEAVES);
	tree_init(&e->forked, "forked", 6);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	px_witness_free(e->w);
	px_store_close(e->store);
	pxt_rmtree(e->dir);
	free(e);
	return 0;
}

/* ---- cosignature/v1 ---- */

static void
test_cosignature_format(void **state)
{
	struct env *e = *state;
	struct px_note_verifier v, bad;
	uint8_t id[4], msg[PX_ORIGIN_MAX + 2 + 32], blob[80];
	struct px_hash h;
	char *vkey = NULL, *line = NULL, *note, *cosigned = NULL, *text;
	size_t body_len, blob_len, n = strlen(WNAME);
	uint64_t ts = 0;
	struct px_sig sig;

	(void)state;
	/* Key id: SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4], not signed-note's
	 * 0x01 (tlog-cosignature). */
	memcpy(msg, WNAME, n);
	msg[n] = '\n';
	msg[n + 1] = 0x04;
	memcpy(msg + n + 2, e->witness_key.pub.b, 32);
	assert_int_equal(px_sha256(&h, msg, n + 34), PX_OK);
	assert_int_equal(px_cosig_key_id(id, WNAME, &e->witness_key.pub),
			 PX_OK);
	assert_memory_equal(id, h.b, 4);
	assert_int_equal(px_note_key_id(id, WNAME, &e->witness_key.pub), PX_OK);
	assert_memory_not_equal(id, h.b, 4);

	/* The verifier key: name+hex8+base64(0x04 ‖ key). */
	assert_int_equal(
		px_cosig_verifier_string(&vkey, WNAME, &e->witness_key.pub),
		PX_OK);
	assert_int_equal(px_cosig_verifier_parse(&v, vkey), PX_OK);
	assert_string_equal(v.name, WNAME);
	assert_memory_equal(v.key_id, h.b, 4);
	assert_memory_equal(v.pub.b, e->witness_key.pub.b, 32);
	/* A note verifier key (0x01) is not a cosigner's. */
	assert_int_equal(px_cosig_verifier_parse(&bad, "x"), PX_EMALFORMED);
	{
		char *log_vkey = NULL;

		assert_int_equal(px_note_verifier_string(&log_vkey, WNAME,
							 &e->witness_key.pub),
				 PX_OK);
		assert_int_equal(px_cosig_verifier_parse(&bad, log_vkey),
				 PX_EMALFORMED);
		free(log_vkey);
	}
	vkey[strlen(vkey) - 3] ^= 1; /* the key no longer matches its id */
	assert_int_equal(px_cosig_verifier_parse(&bad, vkey), PX_EMALFORMED);
	free(vkey);

	/* The line: "— name base64(id ‖ u64 BE time ‖ sig)"; the signed
	 * message: "cosignature/v1\ntime T\n" and the body. */
	note = note_of(e, LOG, &e->honest, 5, &e->log_key);
	assert_int_equal(px_note_body(&body_len, note, strlen(note)), PX_OK);
	assert_int_equal(note[body_len], '\n');
	assert_int_equal(px_cosig_sign(&line, note, body_len, WNAME,
				       &e->witness_key, 1679315147),
			 PX_OK);
	assert_int_equal(strncmp(line, "\xe2\x80\x94 " WNAME " ", n + 5), 0);
	assert_int_equal(line[strlen(line) - 1], '\n');
	line[strlen(line) - 1] = '\0';
	assert_int_equal(px_base64_decode(blob, sizeof(blob), &blob_len,
					  line + n + 5, strlen(line + n + 5)),
			 PX_OK);
	assert_int_equal(blob_len, 76);
	assert_memory_equal(blob, h.b, 4);
	assert_int_equal(px_get_be64(blob + 4), 1679315147);
	assert_true(asprintf(&text, "cosignature/v1\ntime 1679315147\n%.*s",
			     (int)body_len, note) > 0);
	memcpy(sig.b, blob + 12, 64);
	assert_int_equal(
		px_verify(&e->witness_key.pub, &sig, text, strlen(text)),
		PX_OK);
	free(text);

	/* Verified among the note's lines; the log's own line is ignored. */
	assert_true(asprintf(&cosigned, "%s%s\n", note, line) > 0);
	assert_int_equal(px_cosig_verify(cosigned, strlen(cosigned), &v, &ts),
			 PX_OK);
	assert_int_equal(ts, 1679315147);
	assert_int_equal(px_cosig_verify(note, strlen(note), &v, NULL),
			 PX_ENOTFOUND);
	/* The log's checkpoint still opens with the cosignature on it. */
	{
		struct px_checkpoint cp;

		assert_int_equal(px_checkpoint_open(&cp, cosigned,
						    strlen(cosigned), &e->log),
				 PX_OK);
		assert_int_equal(cp.size, 5);
	}
	/* One changed byte of the body or of the cosignature: no. */
	for (size_t at = 0; at < strlen(cosigned); at++) {
		char *copy = strdup(cosigned);

		if (copy[at] == '\n' || (unsigned char)copy[at] >= 0x80 ||
		    (at > body_len && at < strlen(note))) {
			free(copy); /* the log's own line is not ours */
			continue;
		}
		copy[at] = copy[at] == 'A' ? 'B' : 'A';
		assert_int_not_equal(
			px_cosig_verify(copy, strlen(copy), &v, NULL), PX_OK);
		free(copy);
	}
	/* Timestamps past 2^63 - 1 are not made. */
	assert_int_equal(px_cosig_sign(&text, note, body_len, WNAME,
				       &e->witness_key, (uint64_t)1 << 63),
			 PX_EINVAL);
	assert_int_equal(px_cosig_sign(&text, note, body_len, "has space",
				       &e->witness_key, 1),
			 PX_EINVAL);
	free(cosigned);
	free(line);
	free(note);
}

/* ---- the witness ---- */

static unsigned
add(struct env *e, const char *req, char **body, int *evidence)
{
	struct px_witness_answer a;

	assert_int_equal(px_witness_add_checkpoint(e->w, req, strlen(req),
						   1700000000, &a),
			 PX_OK);
	if (evidence)
		*evidence = a.evidence;
	if (body)
		*body = a.body;
	else
		free(a.body);
	return a.status;
}

struct kept {
	size_t n;
	char *last;
};

/* Every piece kept proves a fork from its own text. */

static int
count_evidence(void *ctx, const char *text, size_t len)
{
	struct kept *k = ctx;

	free(k->last);
	k->last = strndup(text, len);
	k->n++;
	assert_int_equal(px_evidence_check(text, len, NULL, NULL, NULL), PX_OK);
	return 0;
}

/* How many pieces of evidence the witness keeps; *last the last one. */
static size_t
evidence(struct env *e, char **last)
{
	struct kept k = { 0, NULL };
	struct px_txn *t = NULL;

	assert_int_equal(px_store_begin(&t, e->store, 0), PX_OK);
	assert_int_equal(px_store_evidence_each(t, count_evidence, &k), PX_OK);
	px_store_abort(t);
	*last = k.last;
	return k.n;
}

static void
test_witness_states(void **state)
{
	struct env *e = *state;
	struct px_note_verifier v;
	char *vkey = NULL, *n5, *n7, *n10, *req, *body, *cosigned, *kept;
	int ev;

	assert_int_equal(px_witness_verifier_key(e->w, &vkey), PX_OK);
	assert_int_equal(px_cosig_verifier_parse(&v, vkey), PX_OK);
	free(vkey);
	n5 = note_of(e, LOG, &e->honest, 5, &e->log_key);
	n7 = note_of(e, LOG, &e->honest, 7, &e->log_key);
	n10 = note_of(e, LOG, &e->honest, 10, &e->log_key);

	/* First sight: old 0, no proof: cosigned. */
	req = request(&e->honest, 0, 5, n5);
	assert_int_equal(add(e, req, &body, NULL), 200);
	assert_true(asprintf(&cosigned, "%s%s", n5, body) > 0);
	assert_int_equal(px_cosig_verify(cosigned, strlen(cosigned), &v, NULL),
			 PX_OK);
	free(cosigned);
	free(body);
	/* The same again: 409 with the size it holds, as text/x.tlog.size. */
	assert_int_equal(add(e, req, &body, NULL), 409);
	assert_string_equal(body, "5\n");
	free(body);
	free(req);
	/* From 5 to 7 with the proof: cosigned; from 5 again: 409 "7". */
	req = request(&e->honest, 5, 7, n7);
	assert_int_equal(add(e, req, NULL, NULL), 200);
	assert_int_equal(add(e, req, &body, NULL), 409);
	assert_string_equal(body, "7\n");
	free(body);
	free(req);
	/* The same size again with the same root: cosigned afresh. */
	req = request(&e->honest, 7, 7, n7);
	assert_int_equal(add(e, req, NULL, NULL), 200);
	free(req);
	/* Going back: old past the checkpoint is 400. */
	req = request(&e->honest, 7, 5, n5);
	assert_int_equal(add(e, req, NULL, NULL), 400);
	free(req);
	/* A proof that is wrong (from 6, not 7): 422, no evidence. */
	{
		char *wrong = request(&e->honest, 6, 10, n10);

		wrong[4] = '7'; /* claims old 7 with 6's proof */
		assert_int_equal(add(e, wrong, NULL, &ev), 422);
		assert_int_equal(ev, 0);
		free(wrong);
	}
	/* Unknown log: 404; the log's origin signed by another key: 403. */
	{
		char *stranger = note_of(e, "test.example/nobody", &e->honest,
					 5, &e->log_key);
		char *forged = note_of(e, LOG, &e->honest, 10, &e->other_key);

		req = request(&e->honest, 0, 5, stranger);
		assert_int_equal(add(e, req, NULL, NULL), 404);
		free(req);
		req = request(&e->honest, 7, 10, forged);
		assert_int_equal(add(e, req, NULL, NULL), 403);
		free(req);
		free(stranger);
		free(forged);
	}
	/* Malformed requests: 400. */
	assert_int_equal(add(e, "old 07\n\n", NULL, NULL), 400);
	assert_int_equal(add(e, "new 7\n\n", NULL, NULL), 400);
	assert_int_equal(add(e, "old 7\nnot-base64\n\nx", NULL, NULL), 400);
	assert_int_equal(add(e, "old 7\n", NULL, NULL), 400);
	/* Another log, first seen: from 0 with a proof is 422; an empty
	 * tree must have the empty root. */
	{
		char *o8 = note_of(e, OTHER, &e->honest, 8, &e->other_key);
		char *o0 = note_of(e, OTHER, &e->honest, 0, &e->other_key);
		struct px_checkpoint cp = { .size = 0 };
		char *bad0 = NULL;

		assert_true(
			asprintf(&req, "old 0\n%s\n\n%s",
				 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
				 o8) > 0);
		assert_int_equal(add(e, req, NULL, NULL), 422);
		free(req);
		snprintf(cp.origin, sizeof(cp.origin), "%s", OTHER);
		memset(cp.root.b, 7, 32);
		assert_int_equal(px_checkpoint_sign(&bad0, &cp, &e->other_key),
				 PX_OK);
		req = request(&e->honest, 0, 0, bad0);
		assert_int_equal(add(e, req, NULL, NULL), 422);
		free(req);
		req = request(&e->honest, 0, 0, o0);
		assert_int_equal(add(e, req, NULL, NULL), 200);
		free(req);
		free(bad0);
		free(o0);
		free(o8);
	}
	assert_int_equal(evidence(e, &kept), 0);

	/* The log forks after 6 entries and signs 10: its proof from 7
	 * leads to its 10 from another 7. Refused, and kept. */
	{
		char *f10 = note_of(e, LOG, &e->forked, 10, &e->log_key);
		uint64_t a = 0, b = 0;

		req = request(&e->forked, 7, 10, f10);
		assert_int_equal(add(e, req, &body, &ev), 422);
		assert_int_equal(ev, 1);
		assert_non_null(strstr(body, "forked"));
		free(body);
		free(req);
		assert_int_equal(evidence(e, &kept), 1);
		assert_int_equal(
			px_evidence_check(kept, strlen(kept), &e->log, &a, &b),
			PX_OK);
		assert_int_equal(a, 7);
		assert_int_equal(b, 10);
		assert_int_equal(
			px_evidence_check(kept, strlen(kept), NULL, NULL, NULL),
			PX_OK);
		/* Not the log's key: proves nothing about it. */
		assert_int_equal(px_evidence_check(kept, strlen(kept),
						   &e->other, NULL, NULL),
				 PX_EVERIFY);
		free(kept);
		/* The honest tree still moves on from 7. */
		req = request(&e->honest, 7, 10, n10);
		assert_int_equal(add(e, req, NULL, NULL), 200);
		free(req);
		/* And the fork's 10 meets the honest 10: one size, two
		 * roots. */
		req = request(&e->forked, 10, 10, f10);
		assert_int_equal(add(e, req, NULL, &ev), 422);
		assert_int_equal(ev, 1);
		free(req);
		assert_int_equal(evidence(e, &kept), 2);
		free(kept);
		/* The same fork met again is kept once. */
		req = request(&e->forked, 10, 10, f10);
		assert_int_equal(add(e, req, NULL, &ev), 422);
		free(req);
		assert_int_equal(evidence(e, &kept), 2);
		free(kept);
		free(f10);
	}
	/* Consistent notes are no evidence. */
	{
		json_t *fake =
			json_pack("{s:s,s:s,s:s,s:[]}", "verifier_key", "x",
				  "older", n7, "newer", n7, "proof");
		char *text = json_dumps(fake, 0);

		assert_int_equal(px_evidence_check(text, strlen(text), &e->log,
						   NULL, NULL),
				 PX_EVERIFY);
		free(text);
		json_decref(fake);
		assert_int_equal(
			px_evidence_check("{}", 2, &e->log, NULL, NULL),
			PX_EMALFORMED);
	}
	free(n5);
	free(n7);
	free(n10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cosignature_format, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_witness_states, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
