/* paxta — turning events into signed entries, keeping authors' chains. */
#include <stdlib.h>
#include <string.h>

#include "paxta/entry.h"
#include "paxta/map.h"
#include "paxta/signer.h"

/* Where an author's chain stands, as this signer assumes it. */
struct chain {
	uint64_t seq;
	struct px_hash last;
};

struct px_signer {
	struct px_signer_source src;
	struct px_map chains; /* actor -> struct chain */
};

int
px_signer_new(struct px_signer **out, const struct px_signer_source *src)
{
	struct px_signer *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return PX_ENOMEM;
	s->src = *src;
	px_map_init(&s->chains, sizeof(struct chain));
	*out = s;
	return PX_OK;
}

void
px_signer_free(struct px_signer *s)
{
	if (!s)
		return;
	px_map_clear(&s->chains);
	free(s);
}

void
px_signer_forget(struct px_signer *s, const char *actor)
{
	px_map_del(&s->chains, actor);
}

/* Where actor's chain stands: as assumed, or asked of the source. */
static int
chain_of(struct px_signer *s, const char *actor, const struct px_seckey *key,
	 uint64_t *seq, struct px_hash *last, struct px_refusal *r)
{
	struct chain *c = px_map_get(&s->chains, actor);
	struct px_author_state st;
	int rc;

	if (c) {
		*seq = c->seq;
		*last = c->last;
		return PX_OK;
	}
	rc = s->src.author(s->src.ctx, actor, &st);
	if (rc == PX_ENOTFOUND)
		return px_refuse(r, PX_CODE_UNKNOWN_ACTOR,
				 "actor '%s' is not registered", actor);
	if (rc != PX_OK)
		return rc;
	if (st.revoked)
		return px_refuse(r, PX_CODE_REVOKED, "actor '%s' is revoked",
				 actor);
	if (memcmp(st.key.b, key->pub.b, PX_PUBKEY_LEN) != 0)
		return px_refuse(
			r, PX_CODE_BAD_SIGNATURE,
			"the key given is not actor '%s''s current key", actor);
	*seq = st.seq;
	*last = st.last_hash;
	if ((rc = px_map_put(&s->chains, actor, (void **)&c, NULL)) != PX_OK)
		return rc;
	*c = (struct chain){ st.seq, st.last_hash };
	return PX_OK;
}

int
px_signer_sign(struct px_signer *s, struct px_event *ev,
	       const struct px_seckey *key, int64_t now, uint8_t **out,
	       size_t *out_len, struct px_refusal *r)
{
	Paxta__Entry *e = ev->entry;
	uint8_t *payload = NULL;
	size_t payload_len;
	struct px_hash last, entry_hash;
	struct chain *c;
	uint64_t seq = 0;
	int rc;

	*out = NULL;
	if ((rc = chain_of(s, e->actor, key, &seq, &last, r)) != PX_OK)
		return rc;
	if (ev->void_by_hash) {
		rc = s->src.index_of(s->src.ctx, &ev->void_hash,
				     &e->void_->index);
		if (rc == PX_ENOTFOUND)
			return px_refuse(
				r, PX_CODE_VOID_DENIED,
				"no entry in the ledger has that hash");
		if (rc != PX_OK)
			return rc;
	}
	e->seq = seq + 1;
	e->prev.data = seq ? last.b : NULL;
	e->prev.len = seq ? PX_HASH_LEN : 0;
	if (!ev->has_time)
		e->time = now;
	rc = px_entry_body_encode(&payload, &payload_len, e);
	e->prev.data = NULL;
	e->prev.len = 0;
	if (rc != PX_OK)
		return rc;
	rc = px_entry_seal(out, out_len, payload, payload_len, key);
	free(payload);
	if (rc != PX_OK)
		return rc;
	if ((rc = px_entry_hash(&entry_hash, *out, *out_len)) != PX_OK)
		goto fail;
	if ((rc = px_map_put(&s->chains, e->actor, (void **)&c, NULL)) != PX_OK)
		goto fail;
	*c = (struct chain){ e->seq, entry_hash };
	return PX_OK;
fail:
	free(*out);
	*out = NULL;
	return rc;
}
