/*
 * Unit tests: checkpoints as C2SP signed notes (node/core/checkpoint.c).
 *
 * Known answers live in tests/vectors/checkpoint/ (see its README.md): a real
 * sum.golang.org checkpoint with the Go checksum database's verifier key, and
 * the PeterNeumann / EnochRoot keys and notes of golang.org/x/mod's
 * sumdb/note tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/checkpoint.h"
#include "paxta/crypto.h"
#include "paxta/error.h"
#include "support.h"

#define EM_DASH "\xe2\x80\x94"
#define ORIGIN  "paxta.example/log"

/* A vector file's text, malloc'd; fails the test when it is missing. */
static char *
vector(const char *name, size_t *out_len)
{
	char *path = pxt_vector_path(name);
	char *text = pxt_read_file(path, out_len);

	if (!text)
		fail_msg("cannot read vector '%s'", path);
	free(path);
	return text;
}

/* A key string vector without its final newline. */
static char *
vector_line(const char *name)
{
	size_t len;
	char *text = vector(name, &len);

	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

static char *
cat(const char *a, const char *b)
{
	char *s = NULL;

	assert_true(asprintf(&s, "%s%s", a, b) >= 0);
	return s;
}

static void
key_from_fill(struct px_seckey *key, uint8_t fill)
{
	uint8_t seed[PX_SEED_LEN];

	memset(seed, fill, sizeof(seed));
	assert_int_equal(px_key_from_seed(key, seed), PX_OK);
}

static void
verifier_of(struct px_note_verifier *v, const char *name,
	    const struct px_seckey *key)
{
	char *text = NULL;

	assert_int_equal(px_note_verifier_string(&text, name, &key->pub),
			 PX_OK);
	assert_int_equal(px_note_verifier_parse(v, text), PX_OK);
	free(text);
}

/* "— <name> <base64(blob)>\n" */
static char *
raw_sig_line(const char *name, const uint8_t *blob, size_t len)
{
	char *b64 = NULL;
	char *line = NULL;

	assert_int_equal(px_base64_encode(&b64, blob, len), PX_OK);
	assert_true(asprintf(&line, EM_DASH " %s %s\n", name, b64) >= 0);
	free(b64);
	return line;
}

/*
 * A signature line over text, built here from px_sign so the refusal tests
 * can sign any text; checked against Go's output in test_go_signature.
 */
static char *
sig_line(const char *text, const char *name, const struct px_seckey *key)
{
	uint8_t blob[4 + PX_SIG_LEN];
	struct px_sig sig;

	assert_int_equal(px_note_key_id(blob, name, &key->pub), PX_OK);
	assert_int_equal(px_sign(&sig, key, text, strlen(text)), PX_OK);
	memcpy(blob + 4, sig.b, PX_SIG_LEN);
	return raw_sig_line(name, blob, sizeof(blob));
}

/* text, the blank line, and name's signature over text. */
static char *
note_of(const char *text, const char *name, const struct px_seckey *key)
{
	char *line = sig_line(text, name, key);
	char *note = NULL;

	assert_true(asprintf(&note, "%s\n%s", text, line) >= 0);
	free(line);
	return note;
}

static int
open_str(struct px_checkpoint *out, const char *note,
	 const struct px_note_verifier *v)
{
	return px_checkpoint_open(out, note, strlen(note), v);
}

/* fmt with its one "%s" replaced by arg (the formats are data here). */
static char *
subst(const char *fmt, const char *arg)
{
	const char *at = strstr(fmt, "%s");
	char *s = NULL;

	if (!at)
		s = strdup(fmt);
	else if (asprintf(&s, "%.*s%s%s", (int)(at - fmt), fmt, arg, at + 2) <
		 0)
		s = NULL;
	assert_non_null(s);
	return s;
}

/* The standard test checkpoint and its key. */
static void
fixture(struct px_checkpoint *cp, struct px_seckey *key,
	struct px_note_verifier *v)
{
	memset(cp, 0, sizeof(*cp));
	strcpy(cp->origin, ORIGIN);
	cp->size = 12345;
	for (int i = 0; i < PX_HASH_LEN; i++)
		cp->root.b[i] = (uint8_t)(i * 7 + 1);
	key_from_fill(key, 0x42);
	verifier_of(v, ORIGIN, key);
}

/* The text of a note: everything up to and including its last "\n\n"'s
 * first newline. */
static char *
note_text(const char *note)
{
	const char *p = NULL;
	char *text;

	for (const char *q = strstr(note, "\n\n"); q; q = strstr(q + 1, "\n\n"))
		p = q;
	assert_non_null(p);
	text = strndup(note, (size_t)(p - note) + 1);
	assert_non_null(text);
	return text;
}

static int
setup(void **state)
{
	(void)state;
	return px_crypto_init() == PX_OK ? 0 : -1;
}

/* Key ids and verifier strings of the published keys, exactly. */
static void
test_key_id_vectors(void **state)
{
	static const struct {
		const char *file, *name, *id;
	} keys[] = {
		{ "checkpoint/peterneumann.vkey", "PeterNeumann", "c74f20a3" },
		{ "checkpoint/enochroot.vkey", "EnochRoot", "af0cfe78" },
		{ "checkpoint/go-sumdb.vkey", "sum.golang.org", "033de0ae" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *vkey = vector_line(keys[i].file);
		struct px_note_verifier v;
		uint8_t id[4];
		char hex[9];
		char *again = NULL;

		assert_int_equal(px_note_verifier_parse(&v, vkey), PX_OK);
		assert_string_equal(v.name, keys[i].name);
		px_hex_encode(hex, v.key_id, 4);
		assert_string_equal(hex, keys[i].id);

		assert_int_equal(px_note_key_id(id, keys[i].name, &v.pub),
				 PX_OK);
		assert_memory_equal(id, v.key_id, 4);

		assert_int_equal(
			px_note_verifier_string(&again, keys[i].name, &v.pub),
			PX_OK);
		assert_string_equal(again, vkey);
		free(again);
		free(vkey);
	}
}

/*
 * Go's signer key for PeterNeumann holds the Ed25519 seed: signing the Go
 * test text with it must give Go's signature line byte for byte, so our
 * notes are what Go would write.
 */
static void
test_go_signature(void **state)
{
	static const char prefix[] = "PRIVATE+KEY+PeterNeumann+c74f20a3+";
	char *skey = vector_line("checkpoint/peterneumann.skey");
	char *vkey = vector_line("checkpoint/peterneumann.vkey");
	char *note = vector("checkpoint/peterneumann.note", NULL);
	char *text = note_text(note);
	struct px_note_verifier v;
	struct px_seckey key;
	uint8_t raw[64];
	size_t raw_len;
	char *line;
	(void)state;

	assert_int_equal(strncmp(skey, prefix, strlen(prefix)), 0);
	assert_int_equal(px_base64_decode(raw, sizeof(raw), &raw_len,
					  skey + strlen(prefix),
					  strlen(skey + strlen(prefix))),
			 PX_OK);
	assert_int_equal(raw_len, 1 + PX_SEED_LEN);
	assert_int_equal(raw[0], 0x01);
	assert_int_equal(px_key_from_seed(&key, raw + 1), PX_OK);

	assert_int_equal(px_note_verifier_parse(&v, vkey), PX_OK);
	assert_memory_equal(key.pub.b, v.pub.b, PX_PUBKEY_LEN);

	line = sig_line(text, "PeterNeumann", &key);
	assert_string_equal(note + strlen(text) + 1, line);

	px_key_wipe(&key);
	free(line);
	free(text);
	free(note);
	free(vkey);
	free(skey);
}

/*
 * The Go note's body is no checkpoint: with its key the signature layer
 * passes and the body is refused (PX_EMALFORMED); without, PX_EVERIFY.
 */
static void
test_go_note(void **state)
{
	char *peter_key = vector_line("checkpoint/peterneumann.vkey");
	char *enoch_key = vector_line("checkpoint/enochroot.vkey");
	char *note = vector("checkpoint/peterneumann.note", NULL);
	char *enoch_sig = vector("checkpoint/enochroot.sig", NULL);
	char *text = note_text(note);
	const char *peter_sig = note + strlen(text) + 1;
	struct px_note_verifier peter, enoch;
	struct px_checkpoint cp;
	char *both, *bad, *s;
	(void)state;

	assert_int_equal(px_note_verifier_parse(&peter, peter_key), PX_OK);
	assert_int_equal(px_note_verifier_parse(&enoch, enoch_key), PX_OK);

	assert_int_equal(open_str(&cp, note, &peter), PX_EMALFORMED);
	assert_int_equal(open_str(&cp, note, &enoch), PX_EVERIFY);
	both = cat(note, enoch_sig);
	assert_int_equal(open_str(&cp, both, &enoch), PX_EMALFORMED);
	assert_int_equal(open_str(&cp, both, &peter), PX_EMALFORMED);

	/* Go's "invalid signature" case: "ABCD" spliced into the base64. */
	assert_true(asprintf(&bad, "%s\n%.60sABCD%s", text, peter_sig,
			     peter_sig + 60) >= 0);
	assert_int_equal(open_str(&cp, bad, &peter), PX_EVERIFY);
	free(bad);

	/* Go's malformed notes. */
	{
		const char *bads[8];
		char *owned[8];
		size_t n = 0;

		owned[n] = strdup(text);
		bads[n] = owned[n];
		n++;
		owned[n] = cat(text, "\n");
		bads[n] = owned[n];
		n++;
		owned[n] = strndup(note, strlen(note) - 1);
		bads[n] = owned[n];
		n++;
		owned[n] = cat("\x01", note);
		bads[n] = owned[n];
		n++;
		owned[n] = cat("\xff", note);
		bads[n] = owned[n];
		n++;
		assert_true(asprintf(&owned[n], "%s\n" EM_DASH " Bad Name %s",
				     text, strrchr(peter_sig, ' ') + 1) >= 0);
		bads[n] = owned[n];
		n++;
		owned[n] = cat(note, "Unexpected line.\n");
		bads[n] = owned[n];
		n++;
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(open_str(&cp, bads[i], &peter),
					 PX_EMALFORMED);
			free(owned[i]);
		}
	}

	/* A byte of the signature flipped. */
	s = strdup(note);
	s[strlen(s) - 10] ^= 0x01;
	assert_int_equal(open_str(&cp, s, &peter), PX_EVERIFY);
	free(s);

	free(both);
	free(text);
	free(enoch_sig);
	free(note);
	free(enoch_key);
	free(peter_key);
}

/* A real checkpoint of the Go checksum database opens, and its body is what
 * px_checkpoint_body writes. */
static void
test_go_sumdb_checkpoint(void **state)
{
	static const uint8_t root[32] = {
		0x99, 0x77, 0xe0, 0x45, 0xc2, 0x74, 0x6c, 0x6d,
		0x23, 0xdc, 0x23, 0xdd, 0x2b, 0x08, 0x06, 0x5a,
		0xd5, 0x33, 0x05, 0x46, 0xd7, 0xeb, 0xbb, 0x1a,
		0x64, 0x64, 0x66, 0x16, 0xe2, 0x46, 0x1a, 0xc3,
	};
	size_t len;
	char *note = vector("checkpoint/go-sumdb-checkpoint.note", &len);
	char *vkey = vector_line("checkpoint/go-sumdb.vkey");
	char *peter_key = vector_line("checkpoint/peterneumann.vkey");
	char *text = note_text(note);
	struct px_note_verifier v, peter;
	struct px_checkpoint cp;
	char *body = NULL;
	(void)state;

	assert_int_equal(px_note_verifier_parse(&v, vkey), PX_OK);
	assert_int_equal(px_checkpoint_open(&cp, note, len, &v), PX_OK);
	assert_string_equal(cp.origin, "go.sum database tree");
	assert_true(cp.size == 30055305);
	assert_memory_equal(cp.root.b, root, 32);

	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	assert_string_equal(body, text);

	/* Every byte matters. */
	for (size_t i = 0; i < len; i++) {
		note[i] ^= 0x01;
		if (px_checkpoint_open(&cp, note, len, &v) == PX_OK)
			fail_msg("flipped byte %zu still opens", i);
		note[i] ^= 0x01;
	}
	/* the tree size, then the root: signed bytes */
	note[strlen("go.sum database tree\n3")] ^= 0x01;
	assert_int_equal(px_checkpoint_open(&cp, note, len, &v), PX_EVERIFY);
	note[strlen("go.sum database tree\n3")] ^= 0x01;
	note[strlen("go.sum database tree\n30055305\nm")] ^= 0x01;
	assert_int_equal(px_checkpoint_open(&cp, note, len, &v), PX_EVERIFY);
	note[strlen("go.sum database tree\n30055305\nm")] ^= 0x01;

	assert_int_equal(px_note_verifier_parse(&peter, peter_key), PX_OK);
	assert_int_equal(px_checkpoint_open(&cp, note, len, &peter),
			 PX_EVERIFY);

	free(body);
	free(text);
	free(peter_key);
	free(vkey);
	free(note);
}

static void
test_round_trip(void **state)
{
	static const char *const origins[] = {
		ORIGIN,
		"caf\xc3\xa9.example/log",
		"x",
	};
	static const uint64_t sizes[] = { 0, 1, 12345, UINT64_MAX };
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	(void)state;

	fixture(&cp, &key, &v);
	for (size_t o = 0; o < sizeof(origins) / sizeof(origins[0]); o++) {
		strcpy(cp.origin, origins[o]);
		verifier_of(&v, origins[o], &key);
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			char *note = NULL;
			char *body = NULL;
			char *want;

			cp.size = sizes[s];
			cp.root.b[0] = (uint8_t)s;
			assert_int_equal(px_checkpoint_sign(&note, &cp, &key),
					 PX_OK);
			assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
			/* body, blank line, one line signed by the origin */
			want = note_of(body, origins[o], &key);
			assert_string_equal(note, want);

			memset(&got, 0xee, sizeof(got));
			assert_int_equal(open_str(&got, note, &v), PX_OK);
			assert_string_equal(got.origin, cp.origin);
			assert_true(got.size == cp.size);
			assert_memory_equal(got.root.b, cp.root.b, 32);
			free(want);
			free(body);
			free(note);
		}
	}
}

/* The exact text of a small checkpoint. */
static void
test_body_format(void **state)
{
	struct px_checkpoint cp;
	char *body = NULL;
	char *note = NULL;
	char *line;
	struct px_seckey key;
	struct px_note_verifier v;
	(void)state;

	fixture(&cp, &key, &v);
	memset(cp.root.b, 0, 32);
	cp.size = 7;
	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	assert_string_equal(body, ORIGIN
			    "\n7\n"
			    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	assert_int_equal(px_checkpoint_sign(&note, &cp, &key), PX_OK);
	assert_int_equal(strncmp(note, body, strlen(body)), 0);
	line = note + strlen(body);
	assert_int_equal(strncmp(line, "\n" EM_DASH " " ORIGIN " ",
				 strlen("\n" EM_DASH " " ORIGIN " ")),
			 0);
	line += strlen("\n" EM_DASH " " ORIGIN " ");
	/* base64 of 4 + 64 bytes, then the final newline */
	assert_int_equal(strlen(line), 92 + 1);
	assert_int_equal(line[92], '\n');
	free(note);
	free(body);
}

static void
test_verifier_string(void **state)
{
	static const char *const bad_names[] = {
		"",
		"a b",
		"a+b",
		"a\tb",
		"a\nb",
		"a\302\240b",     /* U+00A0 NO-BREAK SPACE */
		"a\343\200\200b", /* U+3000 IDEOGRAPHIC SPACE */
		"a\342\200\250b", /* U+2028 LINE SEPARATOR */
		"\xff",
		"a\xc0\xae",
	};
	char long_name[PX_ORIGIN_MAX + 2];
	struct px_note_verifier v;
	struct px_seckey key;
	char *text = NULL;
	const char *p;
	(void)state;

	key_from_fill(&key, 0x42);
	assert_int_equal(px_note_verifier_string(&text, ORIGIN, &key.pub),
			 PX_OK);
	/* "<name>+<8 lowercase hex>+<base64(0x01 ‖ pub)>" */
	assert_int_equal(strlen(text), strlen(ORIGIN) + 1 + 8 + 1 + 44);
	assert_int_equal(strncmp(text, ORIGIN "+", strlen(ORIGIN "+")), 0);
	p = text + strlen(ORIGIN "+");
	for (int i = 0; i < 8; i++)
		assert_non_null(strchr("0123456789abcdef", p[i]));
	assert_int_equal(p[8], '+');
	assert_int_equal(p[9], 'A'); /* 0x01 opens with six zero bits */
	assert_int_equal(px_note_verifier_parse(&v, text), PX_OK);
	assert_string_equal(v.name, ORIGIN);
	assert_memory_equal(v.pub.b, key.pub.b, PX_PUBKEY_LEN);
	free(text);

	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		text = (char *)1;
		assert_int_equal(
			px_note_verifier_string(&text, bad_names[i], &key.pub),
			PX_EINVAL);
		assert_null(text);
	}
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(px_note_verifier_string(&text, long_name, &key.pub),
			 PX_EINVAL);
	long_name[PX_ORIGIN_MAX] = '\0';
	assert_int_equal(px_note_verifier_string(&text, long_name, &key.pub),
			 PX_OK);
	assert_int_equal(px_note_verifier_parse(&v, text), PX_OK);
	assert_string_equal(v.name, long_name);
	free(text);

	assert_int_equal(px_note_verifier_string(NULL, ORIGIN, &key.pub),
			 PX_EINVAL);
	assert_int_equal(px_note_verifier_string(&text, NULL, &key.pub),
			 PX_EINVAL);
	assert_int_equal(px_note_verifier_string(&text, ORIGIN, NULL),
			 PX_EINVAL);
}

/* After golang.org/x/mod's TestNewVerifier: every proper substring and every
 * single-byte change of a good key string is refused. */
static void
test_verifier_parse_mangled(void **state)
{
	char *vkey = vector_line("checkpoint/peterneumann.vkey");
	size_t len = strlen(vkey);
	struct px_note_verifier v;
	char *upper;
	(void)state;

	assert_int_equal(px_note_verifier_parse(&v, vkey), PX_OK);
	for (size_t i = 0; i < len; i++) {
		for (size_t j = i + 1; j <= len; j++) {
			char *sub;

			if (i == 0 && j == len)
				continue;
			sub = strndup(vkey + i, j - i);
			assert_non_null(sub);
			if (px_note_verifier_parse(&v, sub) != PX_EMALFORMED)
				fail_msg("'%s' accepted", sub);
			free(sub);
		}
	}
	for (size_t i = 0; i < len; i++) {
		vkey[i]++;
		if (px_note_verifier_parse(&v, vkey) != PX_EMALFORMED)
			fail_msg("'%s' accepted", vkey);
		vkey[i]--;
	}
	/* wrong key length and unknown algorithm, each with a matching id */
	assert_int_equal(px_note_verifier_parse(
				 &v, "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbz"
				     "hKqiBfsVkmqq/LDE4izWy10TWBADKEY=="),
			 PX_EMALFORMED);
	assert_int_equal(px_note_verifier_parse(
				 &v, "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbz"
				     "hKqiBfsVkmqq/LDE4izWy10TW"),
			 PX_EMALFORMED);
	/* a trailing newline is not part of the key */
	upper = cat(vkey, "\n");
	assert_int_equal(px_note_verifier_parse(&v, upper), PX_EMALFORMED);
	free(upper);
	/* Go reads the key id in either case; so do we */
	upper = strdup(vkey);
	for (char *p = upper + strlen("PeterNeumann+"); *p != '+'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(px_note_verifier_parse(&v, upper), PX_OK);
	free(upper);

	assert_int_equal(px_note_verifier_parse(NULL, vkey), PX_EINVAL);
	assert_int_equal(px_note_verifier_parse(&v, NULL), PX_EINVAL);
	free(vkey);
}

/* Other signatures, before or after ours, known or not, are ignored. */
static void
test_extra_signatures(void **state)
{
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key, other;
	uint8_t blob[4 + 200];
	char long_name[300];
	char *body = NULL;
	char *ours, *theirs, *same_name, *same_id, *big, *note, *tmp;
	(void)state;

	fixture(&cp, &key, &v);
	key_from_fill(&other, 0x17);
	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	ours = sig_line(body, ORIGIN, &key);
	theirs = sig_line(body, "witness.example/w1", &other);
	/* an unknown key under our name */
	same_name = sig_line(body, ORIGIN, &other);
	/* our key id under another name, and a long post-quantum-sized one */
	memcpy(blob, v.key_id, 4);
	memset(blob + 4, 0x33, sizeof(blob) - 4);
	same_id = raw_sig_line("other.example", blob, 4 + PX_SIG_LEN);
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	big = raw_sig_line(long_name, blob + 1, sizeof(blob) - 1);

	assert_true(asprintf(&note, "%s\n%s%s%s%s%s", body, theirs, same_name,
			     same_id, big, ours) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	assert_true(got.size == cp.size);
	free(note);
	assert_true(asprintf(&note, "%s\n%s%s%s", body, ours, same_name,
			     theirs) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	free(note);

	/* only others: no signature by verifier */
	assert_true(asprintf(&note, "%s\n%s%s%s", body, theirs, same_name,
			     same_id) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_EVERIFY);
	free(note);

	/* sixteen lines are fine, seventeen are not */
	note = cat(body, "\n");
	for (int i = 0; i < PX_NOTE_MAX_SIGS - 1; i++) {
		tmp = cat(note, theirs);
		free(note);
		note = tmp;
	}
	tmp = cat(note, ours);
	free(note);
	note = tmp;
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	tmp = cat(note, theirs);
	assert_int_equal(open_str(&got, tmp, &v), PX_EMALFORMED);
	free(tmp);
	free(note);

	/* a line too short to hold a key id and a signature */
	tmp = raw_sig_line("short.example", blob, 4);
	assert_true(asprintf(&note, "%s\n%s%s", body, tmp, ours) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_EMALFORMED);
	free(note);
	free(tmp);

	px_key_wipe(&other);
	free(big);
	free(same_id);
	free(same_name);
	free(theirs);
	free(ours);
	free(body);
}

/* A line with our name and key id that does not verify sinks the note,
 * even next to a good one (signed-note: clients SHOULD reject). */
static void
test_bad_known_signature(void **state)
{
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	uint8_t blob[4 + PX_SIG_LEN];
	char *body = NULL;
	char *ours, *forged, *short_sig, *note;
	(void)state;

	fixture(&cp, &key, &v);
	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	ours = sig_line(body, ORIGIN, &key);
	memcpy(blob, v.key_id, 4);
	memset(blob + 4, 0x55, PX_SIG_LEN);
	forged = raw_sig_line(ORIGIN, blob, sizeof(blob));
	short_sig = raw_sig_line(ORIGIN, blob, sizeof(blob) - 1);

	assert_true(asprintf(&note, "%s\n%s%s", body, ours, forged) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_EVERIFY);
	free(note);
	assert_true(asprintf(&note, "%s\n%s%s", body, forged, ours) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_EVERIFY);
	free(note);
	assert_true(asprintf(&note, "%s\n%s%s", body, short_sig, ours) >= 0);
	assert_int_equal(open_str(&got, note, &v), PX_EVERIFY);
	free(note);

	free(short_sig);
	free(forged);
	free(ours);
	free(body);
}

/* Re-encode the signature line of note after flipping decoded byte at. */
static char *
flip_blob(const char *note, size_t at)
{
	const char *b64 = strrchr(note, ' ') + 1;
	size_t b64_len = strlen(b64) - 1;
	uint8_t blob[4 + PX_SIG_LEN];
	size_t blob_len;
	char *enc = NULL;
	char *out = NULL;

	assert_int_equal(
		px_base64_decode(blob, sizeof(blob), &blob_len, b64, b64_len),
		PX_OK);
	assert_int_equal(blob_len, sizeof(blob));
	blob[at] ^= 0x01;
	assert_int_equal(px_base64_encode(&enc, blob, blob_len), PX_OK);
	assert_true(asprintf(&out, "%.*s%s\n", (int)(b64 - note), note, enc) >=
		    0);
	free(enc);
	return out;
}

static void
test_tampered(void **state)
{
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	char *note = NULL;
	char *bad;
	size_t len;
	(void)state;

	fixture(&cp, &key, &v);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &key), PX_OK);
	len = strlen(note);

	/* body: the tree size 12345 -> 12344 */
	bad = strdup(note);
	bad[strlen(ORIGIN "\n1234")] ^= 0x01;
	assert_int_equal(open_str(&got, bad, &v), PX_EVERIFY);
	free(bad);
	/* signature */
	bad = flip_blob(note, 4 + 10);
	assert_int_equal(open_str(&got, bad, &v), PX_EVERIFY);
	free(bad);
	/* key id: no longer ours, so no signature by verifier */
	bad = flip_blob(note, 2);
	assert_int_equal(open_str(&got, bad, &v), PX_EVERIFY);
	free(bad);
	/* the key name's last byte: "log" -> "lof", an unknown key */
	bad = strdup(note);
	bad[strlen(note) - 95] ^= 0x01;
	assert_int_equal(open_str(&got, bad, &v), PX_EVERIFY);
	free(bad);

	for (size_t i = 0; i < len; i++) {
		note[i] ^= 0x01;
		if (px_checkpoint_open(&got, note, len, &v) == PX_OK)
			fail_msg("flipped byte %zu still opens", i);
		note[i] ^= 0x01;
	}
	/* one byte less, one byte more */
	assert_int_not_equal(px_checkpoint_open(&got, note, len - 1, &v),
			     PX_OK);
	bad = cat(note, "x");
	assert_int_not_equal(open_str(&got, bad, &v), PX_OK);
	free(bad);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	free(note);
}

static void
test_wrong_verifier(void **state)
{
	struct px_note_verifier v, w;
	struct px_checkpoint cp, got;
	struct px_seckey key, other;
	char *note = NULL;
	(void)state;

	fixture(&cp, &key, &v);
	key_from_fill(&other, 0x43);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &key), PX_OK);

	verifier_of(&w, ORIGIN, &other);
	assert_int_equal(open_str(&got, note, &w), PX_EVERIFY);
	verifier_of(&w, "paxta.example/other", &key);
	assert_int_equal(open_str(&got, note, &w), PX_EVERIFY);
	/* same name and id, other key: the signature fails */
	w = v;
	w.pub = other.pub;
	assert_int_equal(open_str(&got, note, &w), PX_EVERIFY);

	px_key_wipe(&other);
	free(note);
}

/* Well-signed bodies that are not paxta checkpoints. */
static void
test_not_a_checkpoint(void **state)
{
	static const char root[] =
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
	static const char *const bodies[] = {
		/* extension lines, and an empty one */
		"o\n1\n%s\nextension\n",
		"o\n1\n%s\n\n",
		/* tree sizes */
		"o\n01\n%s\n",
		"o\n00\n%s\n",
		"o\n-1\n%s\n",
		"o\n+1\n%s\n",
		"o\n 1\n%s\n",
		"o\n1 \n%s\n",
		"o\n1a\n%s\n",
		"o\n0x1\n%s\n",
		"o\n\n%s\n",
		"o\n18446744073709551616\n%s\n",
		"o\n99999999999999999999\n%s\n",
		"o\n100000000000000000000\n%s\n",
		"o\n\xef\xbc\x91\n%s\n", /* U+FF11 FULLWIDTH DIGIT ONE */
		/* missing lines */
		"o\n",
		"o\n1\n",
		"\n1\n%s\n",
		/* CRLF: a control character */
		"o\r\n1\r\n%s\r\n",
		/* no final newline on the root line (the blank line eats it) */
		"o\n1\n%s",
	};
	static const char *const roots[] = {
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==",  /* 31 bytes */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAh",  /* 33 bytes */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",   /* no pad */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB=",  /* pad bits */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= ", /* space */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eH-A=",  /* base64url */
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY\nGRobHB0eHyA=",
		("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e"
		 "1f20"), /* hex */
		"",
	};
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	char long_origin[PX_ORIGIN_MAX + 2];
	char *body, *note;
	(void)state;

	fixture(&cp, &key, &v);
	verifier_of(&v, "k", &key);

	/* the key name need not be the origin; the good case first */
	assert_true(asprintf(&body, "o\n1\n%s\n", root) >= 0);
	note = note_of(body, "k", &key);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	assert_string_equal(got.origin, "o");
	assert_true(got.size == 1);
	assert_int_equal(got.root.b[0], 1);
	assert_int_equal(got.root.b[31], 32);
	free(note);
	free(body);
	assert_true(asprintf(&body, "o\n18446744073709551615\n%s\n", root) >=
		    0);
	note = note_of(body, "k", &key);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	assert_true(got.size == UINT64_MAX);
	free(note);
	free(body);
	assert_true(asprintf(&body, "o\n0\n%s\n", root) >= 0);
	note = note_of(body, "k", &key);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	assert_true(got.size == 0);
	free(note);
	free(body);

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		body = subst(bodies[i], root);
		note = note_of(body, "k", &key);
		if (open_str(&got, note, &v) != PX_EMALFORMED)
			fail_msg("body %zu '%s' not refused as malformed", i,
				 body);
		free(note);
		free(body);
	}
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		assert_true(asprintf(&body, "o\n1\n%s\n", roots[i]) >= 0);
		note = note_of(body, "k", &key);
		if (open_str(&got, note, &v) != PX_EMALFORMED)
			fail_msg("root %zu '%s' not refused", i, roots[i]);
		free(note);
		free(body);
	}

	/* an origin longer than struct px_checkpoint holds */
	memset(long_origin, 'o', sizeof(long_origin) - 1);
	long_origin[sizeof(long_origin) - 1] = '\0';
	assert_true(asprintf(&body, "%s\n1\n%s\n", long_origin, root) >= 0);
	note = note_of(body, "k", &key);
	assert_int_equal(open_str(&got, note, &v), PX_EMALFORMED);
	free(note);
	free(body);
	long_origin[PX_ORIGIN_MAX] = '\0';
	assert_true(asprintf(&body, "%s\n1\n%s\n", long_origin, root) >= 0);
	note = note_of(body, "k", &key);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	assert_string_equal(got.origin, long_origin);
	free(note);
	free(body);
}

/* Notes that break the signed-note syntax. */
static void
test_not_a_note(void **state)
{
	static const char *const bad_utf8[] = {
		"\xc3\x28",         /* bad continuation */
		"\xc0\xaf",         /* overlong '/' */
		"\xe0\x80\xaf",     /* overlong '/' */
		"\xed\xa0\x80",     /* surrogate U+D800 */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xf8\x88\x80\x80\x80",
		"\x80",     /* lone continuation */
		"\xe2\x80", /* truncated */
		"\x7f\t",   /* DEL is allowed, tab is not */
		"\x1b",
	};
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	char *body = NULL;
	char *note = NULL;
	char *ours, *bad, *b;
	(void)state;

	fixture(&cp, &key, &v);
	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	ours = sig_line(body, ORIGIN, &key);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &key), PX_OK);

	/* no final newline */
	assert_int_equal(px_checkpoint_open(&got, note, strlen(note) - 1, &v),
			 PX_EMALFORMED);
	/* no blank line */
	bad = cat(body, ours);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	/* no signature */
	bad = cat(body, "\n");
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	/* trailing garbage: a line, a blank line, bytes without a newline */
	bad = cat(note, "garbage\n");
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	bad = cat(note, "\n");
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	bad = cat(note, "garbage");
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	/* a hyphen, or no space, instead of "— " */
	assert_true(asprintf(&bad, "%s\n- %s", body, ours + 4) >= 0);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	assert_true(asprintf(&bad, "%s\n" EM_DASH "%s", body, ours + 4) >= 0);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	/* no base64, and a key name with '+' */
	assert_true(asprintf(&bad, "%s\n" EM_DASH " %s \n", body, ORIGIN) >= 0);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	assert_true(asprintf(&bad, "%s\n" EM_DASH " a+b %s", body,
			     strrchr(ours, ' ') + 1) >= 0);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);
	/* a NUL inside */
	bad = strdup(note);
	bad[3] = '\0';
	assert_int_equal(px_checkpoint_open(&got, bad, strlen(note), &v),
			 PX_EMALFORMED);
	free(bad);
	/* signed-note: the text ends at the LAST blank line, so a text with
	 * an empty line is a note (wrong key: PX_EVERIFY), though no
	 * checkpoint (right key: PX_EMALFORMED) */
	bad = note_of("a\n\nb\n", ORIGIN, &key);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	{
		struct px_note_verifier w;
		struct px_seckey other;

		key_from_fill(&other, 0x99);
		verifier_of(&w, ORIGIN, &other);
		assert_int_equal(open_str(&got, bad, &w), PX_EVERIFY);
	}
	free(bad);
	/* empty */
	assert_int_equal(px_checkpoint_open(&got, "", 0, &v), PX_EMALFORMED);
	assert_int_equal(px_checkpoint_open(&got, "\n", 1, &v), PX_EMALFORMED);

	/* not UTF-8, in a body signed as it is */
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		assert_true(asprintf(&b, "o%s\n1\n%s", bad_utf8[i],
				     body + strlen(ORIGIN "\n12345\n")) >= 0);
		bad = note_of(b, ORIGIN, &key);
		if (open_str(&got, bad, &v) != PX_EMALFORMED)
			fail_msg("bytes %zu accepted", i);
		free(bad);
		free(b);
	}
	/* and in a signature line */
	assert_true(asprintf(&bad, "%s\n%s" EM_DASH " x\xff %s", body, ours,
			     strrchr(ours, ' ') + 1) >= 0);
	assert_int_equal(open_str(&got, bad, &v), PX_EMALFORMED);
	free(bad);

	free(ours);
	free(note);
	free(body);
}

/* PX_NOTE_MAX bytes open; one more is refused before parsing. */
static void
test_size_cap(void **state)
{
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	char *body = NULL;
	char *ours, *note, *filler;
	uint8_t *blob;
	size_t rest, name_len, m;
	char name[8];
	(void)state;

	fixture(&cp, &key, &v);
	assert_int_equal(px_checkpoint_body(&body, &cp), PX_OK);
	ours = sig_line(body, ORIGIN, &key);
	/* body "\n" filler ours; filler = "— " name " " base64(3m bytes) "\n"
	 */
	rest = PX_NOTE_MAX - strlen(body) - 1 - strlen(ours);
	for (name_len = 1; (rest - 6 - name_len) % 4 != 0; name_len++)
		;
	m = (rest - 6 - name_len) / 4;
	memset(name, 'z', sizeof(name));
	name[name_len] = '\0';
	blob = malloc(3 * m);
	assert_non_null(blob);
	memset(blob, 0x5a, 3 * m);
	filler = raw_sig_line(name, blob, 3 * m);
	assert_true(asprintf(&note, "%s\n%s%s", body, filler, ours) >= 0);
	assert_int_equal(strlen(note), PX_NOTE_MAX);
	assert_int_equal(open_str(&got, note, &v), PX_OK);
	free(note);
	free(filler);

	name[name_len] = 'z';
	name[name_len + 1] = '\0';
	filler = raw_sig_line(name, blob, 3 * m);
	assert_true(asprintf(&note, "%s\n%s%s", body, filler, ours) >= 0);
	assert_int_equal(strlen(note), PX_NOTE_MAX + 1);
	assert_int_equal(open_str(&got, note, &v), PX_ETOOLARGE);
	/* refused on length alone */
	note[0] = '\xff';
	assert_int_equal(open_str(&got, note, &v), PX_ETOOLARGE);
	free(note);
	free(filler);

	free(blob);
	free(ours);
	free(body);
}

static void
test_sign_refusals(void **state)
{
	static const char *const bad_origins[] = {
		"",     "paxta.example/log\n", "paxta\nexample", "a\tb", "a\rb",
		"\xff", "a\xed\xa0\x80",
	};
	static const char *const bad_key_names[] = {
		"go.sum database tree", "a+b",
		"a\302\240b", /* U+00A0 NO-BREAK SPACE */
	};
	struct px_note_verifier v;
	struct px_checkpoint cp;
	struct px_seckey key;
	char *out;
	(void)state;

	fixture(&cp, &key, &v);
	for (size_t i = 0; i < sizeof(bad_origins) / sizeof(bad_origins[0]);
	     i++) {
		strcpy(cp.origin, bad_origins[i]);
		out = (char *)1;
		assert_int_equal(px_checkpoint_body(&out, &cp), PX_EINVAL);
		assert_null(out);
		out = (char *)1;
		assert_int_equal(px_checkpoint_sign(&out, &cp, &key),
				 PX_EINVAL);
		assert_null(out);
	}
	/* a fine origin, but no key name: the body is fine, signing is not */
	for (size_t i = 0; i < sizeof(bad_key_names) / sizeof(bad_key_names[0]);
	     i++) {
		strcpy(cp.origin, bad_key_names[i]);
		assert_int_equal(px_checkpoint_body(&out, &cp), PX_OK);
		free(out);
		assert_int_equal(px_checkpoint_sign(&out, &cp, &key),
				 PX_EINVAL);
		assert_null(out);
	}
	/* no NUL inside the origin's array */
	memset(cp.origin, 'a', sizeof(cp.origin));
	assert_int_equal(px_checkpoint_body(&out, &cp), PX_EINVAL);
	assert_int_equal(px_checkpoint_sign(&out, &cp, &key), PX_EINVAL);
	/* the longest origin */
	cp.origin[PX_ORIGIN_MAX] = '\0';
	assert_int_equal(px_checkpoint_sign(&out, &cp, &key), PX_OK);
	verifier_of(&v, cp.origin, &key);
	{
		struct px_checkpoint got;

		assert_int_equal(open_str(&got, out, &v), PX_OK);
		assert_string_equal(got.origin, cp.origin);
	}
	free(out);

	strcpy(cp.origin, ORIGIN);
	assert_int_equal(px_checkpoint_body(NULL, &cp), PX_EINVAL);
	assert_int_equal(px_checkpoint_body(&out, NULL), PX_EINVAL);
	assert_int_equal(px_checkpoint_sign(NULL, &cp, &key), PX_EINVAL);
	assert_int_equal(px_checkpoint_sign(&out, NULL, &key), PX_EINVAL);
	assert_int_equal(px_checkpoint_sign(&out, &cp, NULL), PX_EINVAL);
}

static void
test_open_args(void **state)
{
	struct px_note_verifier v;
	struct px_checkpoint cp, got;
	struct px_seckey key;
	char *note = NULL;
	uint8_t id[4];
	(void)state;

	fixture(&cp, &key, &v);
	assert_int_equal(px_checkpoint_sign(&note, &cp, &key), PX_OK);
	assert_int_equal(px_checkpoint_open(NULL, note, strlen(note), &v),
			 PX_EINVAL);
	assert_int_equal(px_checkpoint_open(&got, NULL, 0, &v), PX_EINVAL);
	assert_int_equal(px_checkpoint_open(&got, note, strlen(note), NULL),
			 PX_EINVAL);
	/* a verifier whose name has no end */
	memset(v.name, 'a', sizeof(v.name));
	assert_int_equal(px_checkpoint_open(&got, note, strlen(note), &v),
			 PX_EINVAL);
	assert_int_equal(px_note_key_id(NULL, ORIGIN, &key.pub), PX_EINVAL);
	assert_int_equal(px_note_key_id(id, NULL, &key.pub), PX_EINVAL);
	assert_int_equal(px_note_key_id(id, ORIGIN, NULL), PX_EINVAL);
	free(note);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_id_vectors),
		cmocka_unit_test(test_go_signature),
		cmocka_unit_test(test_go_note),
		cmocka_unit_test(test_go_sumdb_checkpoint),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_body_format),
		cmocka_unit_test(test_verifier_string),
		cmocka_unit_test(test_verifier_parse_mangled),
		cmocka_unit_test(test_extra_signatures),
		cmocka_unit_test(test_bad_known_signature),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_wrong_verifier),
		cmocka_unit_test(test_not_a_checkpoint),
		cmocka_unit_test(test_not_a_note),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_sign_refusals),
		cmocka_unit_test(test_open_args),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
