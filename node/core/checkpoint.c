/*
 * paxta — checkpoints: C2SP tlog-checkpoint bodies signed as C2SP
 * signed-notes (DESIGN.md §4).
 *
 * c2sp.org/tlog-checkpoint gives the body, c2sp.org/signed-note the signature
 * lines and key ids; the verifier key string "<name>+<hex8>+<base64>" is the
 * one golang.org/x/mod/sumdb/note reads, so a paxta key can be handed to Go
 * tooling and transparency-log witnesses as is.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/checkpoint.h"
#include "paxta/crypto.h"
#include "paxta/encoding.h"
#include "paxta/error.h"

/* signed-note: a signature line opens with U+2014 EM DASH and a space. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof(sig_prefix) - 1)

/* signed-note: the signature type byte of Ed25519. */
#define ALG_ED25519 PX_NOTE_ALG_ED25519
#define KEY_ID_LEN  4
/* base64 of a 32-byte root: 43 characters and one '='. */
#define ROOT_B64_LEN 44
/* UINT64_MAX has 20 decimal digits. */
#define SIZE_DIGITS_MAX 20

/* signed-note: valid UTF-8 with no control character but newline. */
static bool
text_ok(const char *text, size_t len)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t pos = 0;
	uint32_t c;

	while (pos < len) {
		if (!px_utf8_next(&c, s, len, &pos))
			return false;
		if (c < 0x20 && c != '\n')
			return false;
	}
	return true;
}

/* Unicode White_Space (PropList.txt): what "Unicode spaces" covers. */
static bool
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000;
}

/*
 * signed-note: key names are non-empty, hold no Unicode space and no '+'.
 * Control characters are refused too: no note could carry them.
 */
static bool
key_name_ok(const char *name, size_t len)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t pos = 0;
	uint32_t c;

	if (len == 0)
		return false;
	while (pos < len) {
		if (!px_utf8_next(&c, s, len, &pos))
			return false;
		if (c < 0x20 || c == '+' || is_space(c))
			return false;
	}
	return true;
}

/* Decode base64 from a note; anything that does not fit is malformed.
 * px_base64_decode refuses all but the one canonical spelling (RFC 4648
 * §3.5), which keeps one spelling per note; a note never has an empty
 * field. */
static int
note_b64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *text,
		size_t len)
{
	int rc;

	if (len == 0)
		return PX_EMALFORMED;
	rc = px_base64_decode(out, cap, out_len, text, len);
	if (rc == PX_ETOOLARGE)
		rc = PX_EMALFORMED;
	return rc;
}

int
px_note_name_valid(const char *name)
{
	size_t len = name ? strnlen(name, PX_ORIGIN_MAX + 1) : 0;

	return len <= PX_ORIGIN_MAX && key_name_ok(name, len);
}

int
px_note_key_id(uint8_t out[4], const char *name, const struct px_pubkey *pub)
{
	return px_note_key_id_alg(out, name, ALG_ED25519, pub);
}

int
px_note_key_id_alg(uint8_t out[4], const char *name, uint8_t alg,
		   const struct px_pubkey *pub)
{
	uint8_t msg[PX_ORIGIN_MAX + 2 + PX_PUBKEY_LEN];
	struct px_hash h;
	size_t len;
	int rc;

	if (!out || !name || !pub)
		return PX_EINVAL;
	len = strnlen(name, PX_ORIGIN_MAX + 1);
	if (len > PX_ORIGIN_MAX)
		return PX_EINVAL;
	/* signed-note: SHA-256(key name ‖ 0x0A ‖ alg ‖ public key)[:4] */
	memcpy(msg, name, len);
	msg[len] = '\n';
	msg[len + 1] = alg;
	memcpy(msg + len + 2, pub->b, PX_PUBKEY_LEN);
	rc = px_sha256(&h, msg, len + 2 + PX_PUBKEY_LEN);
	if (rc == PX_OK)
		memcpy(out, h.b, KEY_ID_LEN);
	return rc;
}

int
px_note_verifier_string(char **out, const char *name,
			const struct px_pubkey *pub)
{
	return px_note_verifier_string_alg(out, name, ALG_ED25519, pub);
}

int
px_note_verifier_string_alg(char **out, const char *name, uint8_t alg,
			    const struct px_pubkey *pub)
{
	uint8_t key[1 + PX_PUBKEY_LEN];
	uint8_t id[KEY_ID_LEN];
	char hex[2 * KEY_ID_LEN + 1];
	char *key64 = NULL;
	char *text = NULL;
	size_t len;
	int rc;

	if (!out || !name || !pub)
		return PX_EINVAL;
	*out = NULL;
	len = strnlen(name, PX_ORIGIN_MAX + 1);
	if (len > PX_ORIGIN_MAX || !key_name_ok(name, len)) {
		rc = PX_EINVAL;
		goto out;
	}
	rc = px_note_key_id_alg(id, name, alg, pub);
	if (rc != PX_OK)
		goto out;
	px_hex_encode(hex, id, KEY_ID_LEN);
	key[0] = alg;
	memcpy(key + 1, pub->b, PX_PUBKEY_LEN);
	rc = px_base64_encode(&key64, key, sizeof(key));
	if (rc != PX_OK)
		goto out;
	if (asprintf(&text, "%s+%s+%s", name, hex, key64) < 0) {
		text = NULL;
		rc = PX_ENOMEM;
		goto out;
	}
	*out = text;
out:
	free(key64);
	return rc;
}

int
px_note_verifier_parse(struct px_note_verifier *out, const char *text)
{
	return px_note_verifier_parse_alg(out, text, ALG_ED25519);
}

int
px_note_verifier_parse_alg(struct px_note_verifier *out, const char *text,
			   uint8_t alg)
{
	struct px_note_verifier v;
	uint8_t key[1 + PX_PUBKEY_LEN];
	uint8_t id[KEY_ID_LEN];
	char hex[2 * KEY_ID_LEN + 1];
	const char *plus, *key64;
	size_t name_len, key_len;
	int rc;

	if (!out || !text)
		return PX_EINVAL;
	memset(&v, 0, sizeof(v));
	rc = PX_EMALFORMED;
	plus = strchr(text, '+');
	if (!plus)
		goto out;
	name_len = (size_t)(plus - text);
	if (name_len > PX_ORIGIN_MAX || !key_name_ok(text, name_len))
		goto out;
	memcpy(v.name, text, name_len);
	v.name[name_len] = '\0';

	/* exactly eight hex digits, then '+' */
	if (strnlen(plus + 1, sizeof(hex)) < sizeof(hex) ||
	    plus[sizeof(hex)] != '+')
		goto out;
	memcpy(hex, plus + 1, 2 * KEY_ID_LEN);
	hex[2 * KEY_ID_LEN] = '\0';
	if (px_hex_decode(v.key_id, KEY_ID_LEN, hex) != PX_OK)
		goto out;

	key64 = plus + 1 + sizeof(hex);
	rc = note_b64_decode(key, sizeof(key), &key_len, key64, strlen(key64));
	if (rc != PX_OK)
		goto out;
	rc = PX_EMALFORMED;
	if (key_len != sizeof(key) || key[0] != alg)
		goto out;
	memcpy(v.pub.b, key + 1, PX_PUBKEY_LEN);

	/* The key id is a hash of name and key: a mismatch is a typo. */
	rc = px_note_key_id_alg(id, v.name, alg, &v.pub);
	if (rc != PX_OK)
		goto out;
	if (memcmp(id, v.key_id, KEY_ID_LEN) != 0) {
		rc = PX_EMALFORMED;
		goto out;
	}
	*out = v;
out:
	return rc;
}

/* The origin of cp and its length, or PX_EINVAL. */
static int
origin_check(size_t *out, const struct px_checkpoint *cp)
{
	size_t len = strnlen(cp->origin, sizeof(cp->origin));

	if (len == 0 || len > PX_ORIGIN_MAX)
		return PX_EINVAL;
	/* one line of a note: valid UTF-8, no newline, no control character */
	if (memchr(cp->origin, '\n', len) || !text_ok(cp->origin, len))
		return PX_EINVAL;
	*out = len;
	return PX_OK;
}

int
px_checkpoint_body(char **out, const struct px_checkpoint *cp)
{
	char *root64 = NULL;
	char *body = NULL;
	size_t origin_len;
	int rc;

	if (!out || !cp)
		return PX_EINVAL;
	*out = NULL;
	rc = origin_check(&origin_len, cp);
	if (rc != PX_OK)
		goto out;
	rc = px_base64_encode(&root64, cp->root.b, PX_HASH_LEN);
	if (rc != PX_OK)
		goto out;
	/* tlog-checkpoint: origin, decimal size, base64 root; no extensions */
	if (asprintf(&body, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size,
		     root64) < 0) {
		body = NULL;
		rc = PX_ENOMEM;
		goto out;
	}
	*out = body;
out:
	free(root64);
	return rc;
}

int
px_checkpoint_sign(char **out, const struct px_checkpoint *cp,
		   const struct px_seckey *key)
{
	uint8_t blob[KEY_ID_LEN + PX_SIG_LEN];
	struct px_sig sig;
	char *body = NULL;
	char *blob64 = NULL;
	char *note = NULL;
	int rc;

	if (!out || !cp || !key)
		return PX_EINVAL;
	*out = NULL;
	rc = px_checkpoint_body(&body, cp);
	if (rc != PX_OK)
		goto out;
	/* The origin doubles as the key name (checkpoint.h). */
	if (!key_name_ok(cp->origin, strlen(cp->origin))) {
		rc = PX_EINVAL;
		goto out;
	}
	rc = px_note_key_id(blob, cp->origin, &key->pub);
	if (rc != PX_OK)
		goto out;
	/* signed-note: Ed25519 over the text, up to its final newline */
	rc = px_sign(&sig, key, body, strlen(body));
	if (rc != PX_OK)
		goto out;
	memcpy(blob + KEY_ID_LEN, sig.b, PX_SIG_LEN);
	rc = px_base64_encode(&blob64, blob, sizeof(blob));
	if (rc != PX_OK)
		goto out;
	if (asprintf(&note, "%s\n%s%s %s\n", body, sig_prefix, cp->origin,
		     blob64) < 0) {
		note = NULL;
		rc = PX_ENOMEM;
		goto out;
	}
	*out = note;
out:
	free(blob64);
	free(body);
	return rc;
}

/* What px_checkpoint_open learns from the signature lines. */
struct sig_scan {
	const char *text; /* the signed note text */
	size_t text_len;
	const struct px_note_verifier *verifier;
	size_t name_len;
	uint8_t *buf; /* room for the largest signature the note can hold */
	size_t buf_cap;
	bool verified; /* a good signature by verifier */
	bool forged;   /* a signature by verifier that fails */
};

/* Check one signature line "— <name> <base64>" (without its newline). */
static int
sig_line(struct sig_scan *scan, const char *line, size_t len)
{
	const struct px_note_verifier *v = scan->verifier;
	const char *name, *space, *blob64;
	size_t name_len, blob_len;
	struct px_sig sig;
	int rc;

	if (len < SIG_PREFIX_LEN ||
	    memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
		return PX_EMALFORMED;
	name = line + SIG_PREFIX_LEN;
	space = memchr(name, ' ', len - SIG_PREFIX_LEN);
	if (!space)
		return PX_EMALFORMED;
	name_len = (size_t)(space - name);
	if (!key_name_ok(name, name_len))
		return PX_EMALFORMED;
	blob64 = space + 1;
	rc = note_b64_decode(scan->buf, scan->buf_cap, &blob_len, blob64,
			     (size_t)(line + len - blob64));
	if (rc != PX_OK)
		return rc;
	/* signed-note: a key id and a signature of at least one byte */
	if (blob_len <= KEY_ID_LEN)
		return PX_EMALFORMED;

	/* signed-note: ignore unknown keys, even sharing a name or an id */
	if (name_len != scan->name_len ||
	    memcmp(name, v->name, name_len) != 0 ||
	    memcmp(scan->buf, v->key_id, KEY_ID_LEN) != 0)
		return PX_OK;
	/* Our key, and not an Ed25519 signature: it fails to verify. */
	if (blob_len != KEY_ID_LEN + PX_SIG_LEN) {
		scan->forged = true;
		return PX_OK;
	}
	memcpy(sig.b, scan->buf + KEY_ID_LEN, PX_SIG_LEN);
	rc = px_verify(&v->pub, &sig, scan->text, scan->text_len);
	if (rc == PX_OK)
		scan->verified = true;
	else if (rc == PX_EVERIFY)
		scan->forged = true;
	else
		return rc;
	return PX_OK;
}

/* Parse a tlog-checkpoint body, which ends with its newline. */
static int
checkpoint_parse(struct px_checkpoint *out, const char *body, size_t len)
{
	const char *end = body + len;
	const char *p = body;
	const char *nl;
	uint64_t size = 0;
	size_t n, root_len;
	int rc = PX_EMALFORMED;

	memset(out, 0, sizeof(*out));

	/* origin: non-empty */
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)(nl - p);
	if (n == 0 || n > PX_ORIGIN_MAX)
		goto out;
	memcpy(out->origin, p, n);
	out->origin[n] = '\0';
	p = nl + 1;

	/* tree size: decimal, no leading zero unless it is 0 */
	nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!nl)
		goto out;
	n = (size_t)(nl - p);
	if (n == 0 || n > SIZE_DIGITS_MAX || (p[0] == '0' && n > 1))
		goto out;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (p[i] < '0' || p[i] > '9')
			goto out;
		d = (unsigned)(p[i] - '0');
		if (size > (UINT64_MAX - d) / 10)
			goto out;
		size = size * 10 + d;
	}
	out->size = size;
	p = nl + 1;

	/* root hash: 32 bytes of padded base64 */
	nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!nl || (size_t)(nl - p) != ROOT_B64_LEN)
		goto out;
	rc = note_b64_decode(out->root.b, PX_HASH_LEN, &root_len, p,
			     ROOT_B64_LEN);
	if (rc != PX_OK)
		goto out;
	rc = PX_EMALFORMED;
	if (root_len != PX_HASH_LEN)
		goto out;
	p = nl + 1;

	/* tlog-checkpoint allows extension lines; paxta signs none and
	 * accepts none (DESIGN.md §4). */
	if (p != end)
		goto out;
	rc = PX_OK;
out:
	return rc;
}

int
px_checkpoint_open(struct px_checkpoint *out, const char *note, size_t note_len,
		   const struct px_note_verifier *verifier)
{
	struct sig_scan scan = { 0 };
	struct px_checkpoint cp;
	size_t split, pos, sigs = 0;
	bool found = false;
	int rc;

	if (!out || !note || !verifier)
		return PX_EINVAL;
	if (note_len > PX_NOTE_MAX)
		return PX_ETOOLARGE;
	scan.name_len = strnlen(verifier->name, sizeof(verifier->name));
	if (scan.name_len > PX_ORIGIN_MAX)
		return PX_EINVAL;

	rc = PX_EMALFORMED;
	if (note_len < 2 || note[note_len - 1] != '\n' ||
	    !text_ok(note, note_len))
		goto out;
	/* signed-note: the text ends at the note's last blank line */
	for (split = note_len - 1; split-- > 0;) {
		if (note[split] == '\n' && note[split + 1] == '\n') {
			found = true;
			break;
		}
	}
	if (!found || split + 2 == note_len)
		goto out;

	scan.text = note;
	scan.text_len = split + 1;
	scan.verifier = verifier;
	scan.buf_cap = note_len;
	scan.buf = malloc(scan.buf_cap);
	if (!scan.buf) {
		rc = PX_ENOMEM;
		goto out;
	}
	for (pos = split + 2; pos < note_len;) {
		const char *line = note + pos;
		const char *nl = memchr(line, '\n', note_len - pos);
		size_t len = (size_t)(nl - line);

		/* signed-note: verifiers may cap the count, at 16 or more */
		if (++sigs > PX_NOTE_MAX_SIGS) {
			rc = PX_EMALFORMED;
			goto out;
		}
		rc = sig_line(&scan, line, len);
		if (rc != PX_OK)
			goto out;
		pos += len + 1;
	}
	/* signed-note: a known key's bad signature rejects the whole note */
	if (scan.forged || !scan.verified) {
		rc = PX_EVERIFY;
		goto out;
	}
	/* Only verified text is read (signed-note). */
	rc = checkpoint_parse(&cp, note, scan.text_len);
	if (rc != PX_OK)
		goto out;
	*out = cp;
out:
	free(scan.buf);
	return rc;
}
