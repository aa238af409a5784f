/* paxta — C2SP tlog-cosignature/v1 (Ed25519), see cosignature.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "paxta/cosignature.h"
#include "paxta/store.h"

#define KEY_ID_LEN     4
#define SIG_PREFIX     "\xe2\x80\x94 " /* U+2014 and a space */
#define SIG_PREFIX_LEN 4
#define HEADER         "cosignature/v1\n"
/* "cosignature/v1\ntime " + 19 digits + "\n" */
#define MESSAGE_HEAD_MAX 48

int
px_cosig_key_id(uint8_t out[4], const char *name, const struct px_pubkey *pub)
{
	/* tlog-cosignature: SHA-256(<name> || "\n" || 0x04 || key)[:4] */
	return px_note_key_id_alg(out, name, PX_COSIG_ALG_ED25519, pub);
}

int
px_cosig_verifier_string(char **out, const char *name,
			 const struct px_pubkey *pub)
{
	return px_note_verifier_string_alg(out, name, PX_COSIG_ALG_ED25519,
					   pub);
}

int
px_cosig_verifier_parse(struct px_note_verifier *out, const char *text)
{
	return px_note_verifier_parse_alg(out, text, PX_COSIG_ALG_ED25519);
}

int
px_note_body(size_t *out_len, const char *note, size_t note_len)
{
	/* signed-note: the text ends at the note's last blank line, and at
	 * least one signature line follows it. */
	if (note_len < 2 || note[note_len - 1] != '\n')
		return PX_EMALFORMED;
	for (size_t split = note_len - 1; split-- > 0;)
		if (note[split] == '\n' && note[split + 1] == '\n') {
			if (split + 2 == note_len)
				return PX_EMALFORMED;
			*out_len = split + 1;
			return PX_OK;
		}
	return PX_EMALFORMED;
}

/* The cosigned message: header, time line, body. *out malloc'd. */
static int
message(uint8_t **out, size_t *out_len, const char *body, size_t body_len,
	uint64_t timestamp)
{
	char head[MESSAGE_HEAD_MAX];
	int n = snprintf(head, sizeof(head), HEADER "time %" PRIu64 "\n",
			 timestamp);

	if (n < 0 || (size_t)n >= sizeof(head))
		return PX_EINVAL;
	*out = malloc((size_t)n + body_len);
	if (!*out)
		return PX_ENOMEM;
	memcpy(*out, head, (size_t)n);
	memcpy(*out + n, body, body_len);
	*out_len = (size_t)n + body_len;
	return PX_OK;
}

int
px_cosig_sign(char **out, const char *body, size_t body_len, const char *name,
	      const struct px_seckey *key, uint64_t timestamp)
{
	uint8_t blob[PX_COSIG_BLOB_LEN], *msg = NULL;
	struct px_sig sig;
	char *blob64 = NULL;
	size_t msg_len;
	int rc;

	if (!out || !body || !name || !key)
		return PX_EINVAL;
	*out = NULL;
	/* tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1. */
	if (timestamp > (uint64_t)INT64_MAX || !px_note_name_valid(name))
		return PX_EINVAL;
	if ((rc = px_cosig_key_id(blob, name, &key->pub)) != PX_OK ||
	    (rc = message(&msg, &msg_len, body, body_len, timestamp)) !=
		    PX_OK ||
	    (rc = px_sign(&sig, key, msg, msg_len)) != PX_OK)
		goto out;
	px_put_be64(blob + KEY_ID_LEN, timestamp);
	memcpy(blob + KEY_ID_LEN + 8, sig.b, PX_SIG_LEN);
	if ((rc = px_base64_encode(&blob64, blob, sizeof(blob))) != PX_OK)
		goto out;
	if (asprintf(out, SIG_PREFIX "%s %s\n", name, blob64) < 0) {
		*out = NULL;
		rc = PX_ENOMEM;
	}
out:
	free(msg);
	free(blob64);
	OPENSSL_cleanse(&sig, sizeof(sig));
	return rc;
}

/* One signature line (no newline): PX_OK and *found when it is v's and
 * verifies, PX_EVERIFY when it is v's and does not, PX_OK otherwise. */
static int
check_line(const char *line, size_t len, const char *body, size_t body_len,
	   const struct px_note_verifier *v, int *found, uint64_t *ts)
{
	size_t name_len = strlen(v->name), blob_len;
	uint8_t blob[PX_COSIG_BLOB_LEN + 3], *msg = NULL;
	const char *name, *space;
	struct px_sig sig;
	size_t msg_len;
	uint64_t t;
	int rc;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN))
		return PX_EMALFORMED;
	name = line + SIG_PREFIX_LEN;
	space = memchr(name, ' ', len - SIG_PREFIX_LEN);
	if (!space)
		return PX_EMALFORMED;
	/* signed-note: ignore lines of other keys, whatever they hold. */
	if ((size_t)(space - name) != name_len ||
	    memcmp(name, v->name, name_len) != 0)
		return PX_OK;
	if ((size_t)(line + len - space - 1) > 4 * sizeof(blob) / 3 ||
	    px_base64_decode(blob, sizeof(blob), &blob_len, space + 1,
			     (size_t)(line + len - space - 1)) != PX_OK ||
	    blob_len < KEY_ID_LEN || memcmp(blob, v->key_id, KEY_ID_LEN) != 0)
		return PX_OK;
	/* v's key: anything but a good cosignature/v1 fails the note. */
	if (blob_len != PX_COSIG_BLOB_LEN)
		return PX_EVERIFY;
	t = px_get_be64(blob + KEY_ID_LEN);
	if (t > (uint64_t)INT64_MAX)
		return PX_EVERIFY;
	memcpy(sig.b, blob + KEY_ID_LEN + 8, PX_SIG_LEN);
	if ((rc = message(&msg, &msg_len, body, body_len, t)) != PX_OK)
		return rc;
	rc = px_verify(&v->pub, &sig, msg, msg_len);
	free(msg);
	if (rc == PX_OK) {
		*found = 1;
		*ts = t;
	}
	return rc;
}

int
px_cosig_verify(const char *note, size_t note_len,
		const struct px_note_verifier *v, uint64_t *out_timestamp)
{
	size_t body_len, pos, lines = 0;
	uint64_t ts = 0;
	int found = 0, rc;

	if (!note || !v)
		return PX_EINVAL;
	if (note_len > PX_NOTE_MAX)
		return PX_ETOOLARGE;
	if ((rc = px_note_body(&body_len, note, note_len)) != PX_OK)
		return rc;
	for (pos = body_len + 1; pos < note_len;) {
		const char *nl = memchr(note + pos, '\n', note_len - pos);
		size_t len = (size_t)(nl - (note + pos));

		/* signed-note: verifiers may cap the lines; the log's own
		 * and one per witness fit. */
		if (++lines > 2 * PX_NOTE_MAX_SIGS)
			return PX_EMALFORMED;
		rc = check_line(note + pos, len, note, body_len, v, &found,
				&ts);
		if (rc != PX_OK)
			return rc;
		pos += len + 1;
	}
	if (!found)
		return PX_ENOTFOUND;
	if (out_timestamp)
		*out_timestamp = ts;
	return PX_OK;
}
