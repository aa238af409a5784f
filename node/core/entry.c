/* paxta — the signed entry envelope (DESIGN.md §3.2) and its leaf (§4). */
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/error.h"

int
px_entry_open(struct px_signed_entry *out, const uint8_t *signed_entry,
	      size_t len)
{
	Paxta__SignedEntry *msg;

	memset(out, 0, sizeof(*out));
	/* Capped before parsing: the parser never sees a large input. */
	if (len > PX_ENTRY_MAX)
		return PX_ETOOLARGE;
	msg = paxta__signed_entry__unpack(NULL, len, signed_entry);
	if (!msg)
		return PX_EMALFORMED;
	if (msg->public_key.len != PX_PUBKEY_LEN ||
	    msg->signature.len != PX_SIG_LEN || msg->payload.len == 0) {
		paxta__signed_entry__free_unpacked(msg, NULL);
		return PX_EMALFORMED;
	}
	memcpy(out->pub.b, msg->public_key.data, PX_PUBKEY_LEN);
	memcpy(out->sig.b, msg->signature.data, PX_SIG_LEN);
	out->payload = msg->payload.data;
	out->payload_len = msg->payload.len;
	out->msg = msg;
	return PX_OK;
}

void
px_entry_close(struct px_signed_entry *e)
{
	if (!e || !e->msg)
		return;
	paxta__signed_entry__free_unpacked(e->msg, NULL);
	memset(e, 0, sizeof(*e));
}

int
px_entry_check(const struct px_signed_entry *e)
{
	return px_verify_dsse(&e->pub, &e->sig, PX_ENTRY_PAYLOAD_TYPE,
			      e->payload, e->payload_len);
}

void
px_entry_init(struct px_entry *e, const uint8_t *signed_entry, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->bytes = e->signed_entry = signed_entry;
	e->len = e->signed_len = len;
}

void
px_entry_init_logged(struct px_entry *e, const uint8_t *leaf, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->bytes = e->leaf = leaf;
	e->len = e->leaf_len = len;
	e->logged = 1;
}

int
px_entry_hash(struct px_hash *out, const uint8_t *signed_entry, size_t len)
{
	return px_hash_leaf(out, signed_entry, len);
}

/* The bytes are wrong: say so in e's status and result. */
static void
entry_wrong(struct px_entry *e, int rc)
{
	struct px_refusal *r = &e->result.refusal;

	if (rc == PX_ETOOLARGE && e->logged && !e->signed_entry) {
		e->status = px_refuse(r, PX_CODE_TOO_LARGE,
				      "leaf of %zu bytes is over the %d-byte "
				      "cap",
				      e->len, PX_LEAF_MAX);
	} else if (rc == PX_ETOOLARGE) {
		e->status = px_refuse(r, PX_CODE_TOO_LARGE,
				      "entry of %zu bytes is over the %d-byte "
				      "cap",
				      e->signed_len, PX_ENTRY_MAX);
	} else if (e->logged && !e->signed_entry) {
		e->status = px_refuse(r, PX_CODE_MALFORMED,
				      "not a log leaf (a Leaf around a signed "
				      "entry)");
	} else if (rc == PX_EVERIFY) {
		px_refuse(r, PX_CODE_BAD_SIGNATURE,
			  "the signature does not verify for the entry's key");
		e->status = PX_EVERIFY;
	} else if (e->env.msg) {
		e->status =
			px_refuse(r, PX_CODE_MALFORMED,
				  "the signed payload is not a paxta entry");
	} else {
		e->status = px_refuse(r, PX_CODE_MALFORMED,
				      "not a signed entry (SignedEntry with a "
				      "32-byte key and a 64-byte signature)");
	}
	e->result.rc = e->status;
}

/* A logged entry's Leaf: the signed entry inside and its time. Bytes that
 * are not a Leaf are recorded as wrong (e->status). */
static int
unwrap(struct px_entry *e)
{
	Paxta__Leaf *w;

	if (!e->logged || e->wrap || e->status != PX_OK)
		return PX_OK;
	if (e->len > PX_LEAF_MAX) {
		entry_wrong(e, PX_ETOOLARGE);
		return PX_OK;
	}
	w = paxta__leaf__unpack(NULL, e->len, e->bytes);
	if (!w || w->entry.len == 0) {
		/* protobuf-c answers NULL for bytes that do not decode and
		 * for want of memory alike: both are "not a leaf" here, as
		 * for any other undecodable leaf. */
		if (w)
			paxta__leaf__free_unpacked(w, NULL);
		entry_wrong(e, PX_EMALFORMED);
		return PX_OK;
	}
	e->wrap = w;
	e->signed_entry = w->entry.data;
	e->signed_len = w->entry.len;
	e->accepted_at = w->accepted_at;
	return PX_OK;
}

int
px_entry_prepare(struct px_entry *e, unsigned steps)
{
	int rc;

	if (steps & PX_ENTRY_VERIFY)
		steps |= PX_ENTRY_DECODE;
	/* A leaf's own hash needs only its bytes: audit names a leaf altered
	 * on disk even when it no longer decodes. */
	if ((steps & PX_ENTRY_HASH) && e->logged &&
	    !(e->done & PX_ENTRY_HASH)) {
		if ((rc = px_hash_leaf(&e->leaf_hash, e->leaf, e->leaf_len)) !=
		    PX_OK)
			return rc;
		e->result.leaf_hash = e->leaf_hash;
	}
	if ((rc = unwrap(e)) != PX_OK)
		return rc;
	if ((steps & PX_ENTRY_HASH) && !(e->done & PX_ENTRY_HASH)) {
		if (e->signed_entry &&
		    (rc = px_entry_hash(&e->entry_hash, e->signed_entry,
					e->signed_len)) != PX_OK)
			return rc;
		e->result.entry_hash = e->entry_hash;
		e->done |= PX_ENTRY_HASH;
	}
	if (e->status != PX_OK)
		return PX_OK; /* already found wrong: nothing more to learn */
	if ((steps & PX_ENTRY_DECODE) && !(e->done & PX_ENTRY_DECODE)) {
		rc = px_entry_open(&e->env, e->signed_entry, e->signed_len);
		if (rc == PX_OK)
			rc = px_entry_body_decode(&e->body, e->env.payload,
						  e->env.payload_len);
		if (rc == PX_ENOMEM)
			return rc;
		e->done |= PX_ENTRY_DECODE;
		if (rc != PX_OK) {
			entry_wrong(e, rc);
			return PX_OK;
		}
		/* Every string is text, checked against the signed bytes:
		 * protobuf-c checks neither UTF-8 nor an embedded NUL. */
		rc = px_encoding_check(&e->body->base, e->env.payload,
				       e->env.payload_len, &e->result.refusal);
		if (rc == PX_EREFUSED) {
			e->status = e->result.rc = rc;
			return PX_OK;
		}
		if (rc != PX_OK) {
			entry_wrong(e, PX_EMALFORMED);
			return PX_OK;
		}
	}
	if ((steps & PX_ENTRY_VERIFY) && !(e->done & PX_ENTRY_VERIFY)) {
		rc = px_entry_check(&e->env);
		if (rc != PX_OK && rc != PX_EVERIFY)
			return rc; /* could not check is not "invalid" */
		e->done |= PX_ENTRY_VERIFY;
		if (rc != PX_OK)
			entry_wrong(e, rc);
	}
	return PX_OK;
}

int
px_entry_read(struct px_entry *e, const uint8_t *leaf, size_t len,
	      unsigned steps)
{
	px_entry_init_logged(e, leaf, len);
	return px_entry_prepare(e, steps);
}

int
px_leaf_make(uint8_t **out, size_t *out_len, const uint8_t *signed_entry,
	     size_t len, int64_t accepted_at)
{
	Paxta__Leaf w = PAXTA__LEAF__INIT;
	uint8_t *buf;
	size_t n;

	*out = NULL;
	if (len == 0 || len > PX_ENTRY_MAX)
		return PX_EINVAL;
	w.entry.data = (uint8_t *)signed_entry;
	w.entry.len = len;
	w.accepted_at = accepted_at;
	n = paxta__leaf__get_packed_size(&w);
	if (!(buf = malloc(n)))
		return PX_ENOMEM;
	paxta__leaf__pack(&w, buf);
	*out = buf;
	*out_len = n;
	return PX_OK;
}

int
px_entry_wrap(struct px_entry *e, int64_t accepted_at)
{
	uint8_t *leaf;
	size_t len;
	int rc;

	if (e->logged || !(e->done & PX_ENTRY_HASH))
		return PX_EINVAL;
	rc = px_leaf_make(&leaf, &len, e->signed_entry, e->signed_len,
			  accepted_at);
	if (rc != PX_OK)
		return rc;
	if ((rc = px_hash_leaf(&e->leaf_hash, leaf, len)) != PX_OK) {
		free(leaf);
		return rc;
	}
	free(e->own_leaf);
	e->own_leaf = leaf;
	e->leaf = leaf;
	e->leaf_len = len;
	e->accepted_at = accepted_at;
	e->result.leaf_hash = e->leaf_hash;
	return PX_OK;
}

int
px_entry_verify_signed(const uint8_t *signed_entry, size_t len)
{
	struct px_signed_entry e;
	int rc = px_entry_open(&e, signed_entry, len);

	if (rc != PX_OK)
		return rc;
	rc = px_entry_check(&e);
	px_entry_close(&e);
	return rc;
}

int
px_entry_verify_leaf(const uint8_t *leaf, size_t len)
{
	struct px_entry e;
	int rc = px_entry_read(&e, leaf, len, 0); /* unwrapped only */

	if (rc == PX_OK && !e.signed_entry)
		rc = len > PX_LEAF_MAX ? PX_ETOOLARGE : PX_EMALFORMED;
	if (rc == PX_OK)
		rc = px_entry_verify_signed(e.signed_entry, e.signed_len);
	px_entry_release(&e);
	return rc;
}

void
px_entry_release(struct px_entry *e)
{
	if (!e)
		return;
	px_entry_body_free(e->body);
	px_entry_close(&e->env);
	if (e->wrap)
		paxta__leaf__free_unpacked(e->wrap, NULL);
	free(e->own_leaf);
	memset(e, 0, sizeof(*e));
}

int
px_entry_seal(uint8_t **out, size_t *out_len, const uint8_t *payload,
	      size_t payload_len, const struct px_seckey *key)
{
	Paxta__SignedEntry msg = PAXTA__SIGNED_ENTRY__INIT;
	struct px_sig sig;
	uint8_t *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (payload_len == 0)
		return PX_EINVAL;
	rc = px_sign_dsse(&sig, key, PX_ENTRY_PAYLOAD_TYPE, payload,
			  payload_len);
	if (rc != PX_OK)
		return rc;
	msg.payload.data = (uint8_t *)payload;
	msg.payload.len = payload_len;
	msg.public_key.data = (uint8_t *)key->pub.b;
	msg.public_key.len = PX_PUBKEY_LEN;
	msg.signature.data = sig.b;
	msg.signature.len = PX_SIG_LEN;
	n = paxta__signed_entry__get_packed_size(&msg);
	if (n > PX_ENTRY_MAX)
		return PX_ETOOLARGE;
	buf = malloc(n);
	if (!buf)
		return PX_ENOMEM;
	paxta__signed_entry__pack(&msg, buf);
	*out = buf;
	*out_len = n;
	return PX_OK;
}

int
px_entry_body_decode(Paxta__Entry **out, const uint8_t *payload, size_t len)
{
	*out = NULL;
	if (len > PX_ENTRY_MAX)
		return PX_ETOOLARGE;
	*out = paxta__entry__unpack(NULL, len, payload);
	return *out ? PX_OK : PX_EMALFORMED;
}

void
px_entry_body_free(Paxta__Entry *body)
{
	if (body)
		paxta__entry__free_unpacked(body, NULL);
}

int
px_entry_body_encode(uint8_t **out, size_t *out_len, const Paxta__Entry *body)
{
	size_t n = paxta__entry__get_packed_size(body);
	uint8_t *buf;

	*out = NULL;
	if (n > PX_ENTRY_MAX)
		return PX_ETOOLARGE;
	buf = malloc(n ? n : 1);
	if (!buf)
		return PX_ENOMEM;
	paxta__entry__pack(body, buf);
	*out = buf;
	*out_len = n;
	return PX_OK;
}

const char *
px_entry_kind_name(Paxta__Entry__BodyCase kind)
{
	switch (kind) {
	case PAXTA__ENTRY__BODY_GENESIS:
		return "genesis";
	case PAXTA__ENTRY__BODY_REGISTER_ACTOR:
		return "register_actor";
	case PAXTA__ENTRY__BODY_UPDATE_ACTOR:
		return "update_actor";
	case PAXTA__ENTRY__BODY_REVOKE_ACTOR:
		return "revoke_actor";
	case PAXTA__ENTRY__BODY_ROTATE_KEY:
		return "rotate_key";
	case PAXTA__ENTRY__BODY_HARVEST:
		return "harvest";
	case PAXTA__ENTRY__BODY_TRANSFORM:
		return "transform";
	case PAXTA__ENTRY__BODY_TRANSFER:
		return "transfer";
	case PAXTA__ENTRY__BODY_RECEIVE:
		return "receive";
	case PAXTA__ENTRY__BODY_LAB_RESULT:
		return "lab_result";
	case PAXTA__ENTRY__BODY_VOID:
		return "void";
	case PAXTA__ENTRY__BODY_ATTEST:
		return "attest";
	case PAXTA__ENTRY__BODY_SUSPEND:
		return "suspend";
	case PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS:
		return "publish_districts";
	case PAXTA__ENTRY__BODY_INDEX_ROOT:
		return "index_root";
	case PAXTA__ENTRY__BODY__NOT_SET:
	default:
		return "unknown";
	}
}
