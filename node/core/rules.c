/*
 * paxta — the rules of DESIGN.md §3.3, checked before an entry is logged,
 * and the entry's effects on the state, in the append's transaction.
 *
 * Every refusal happens before the first write that matters, and the
 * ledger runs each entry in a nested transaction it aborts on refusal, so a
 * refused entry leaves the state as it found it either way.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paxta/index.h"
#include "paxta/names.h"
#include "paxta/rules.h"
#include "paxta/state.h"
#include "paxta/units.h"

#define MAX_LINES 1024 /* lots in one transform, transfer or receive */

struct apply {
	struct px_txn *t;
	const struct px_rules_ctx *ctx;
	uint64_t index;
	const Paxta__Entry *e;
	const Paxta__ActorRecord *author;
	struct px_refusal *r;
	int64_t when; /* the event's time: event_time, else the entry's */
};

static int check_documents(struct apply *a, Paxta__Document **docs, size_t n);
static int index_lot(struct apply *a, const char *lot);

static int
has_role(const Paxta__Actor *actor, Paxta__Role role)
{
	for (size_t i = 0; i < actor->n_roles; i++)
		if (actor->roles[i] == role)
			return 1;
	return 0;
}

static int
need_role(struct apply *a, Paxta__Role role, const char *what)
{
	if (has_role(a->author->actor, role))
		return PX_OK;
	return px_refuse(a->r, PX_CODE_ROLE_DENIED,
			 "only a %s may %s; '%s' is not one",
			 px_role_name(role), what, a->e->actor);
}

/* A lot that exists and has not been voided. */
static int
find_lot(struct apply *a, const char *id, Paxta__LotRecord **out)
{
	int rc = px_state_lot(a->t, id, out);

	if (rc == PX_ENOTFOUND)
		return px_refuse(a->r, PX_CODE_UNKNOWN_LOT,
				 "lot '%s' is not in the ledger", id);
	if (rc != PX_OK)
		return rc;
	if ((*out)->voided) {
		rc = px_refuse(a->r, PX_CODE_UNKNOWN_LOT,
			       "lot '%s' was voided at entry %" PRIu64, id,
			       (*out)->voided_at);
		px_state_free(*out);
		*out = NULL;
	}
	return rc;
}

/* The author holds at least grams of lot (rule 3, custody). */
static int
check_holds(struct apply *a, const char *lot, uint64_t grams)
{
	char want[PX_KG_TEXT], have[PX_KG_TEXT];
	uint64_t held;
	int rc;

	if ((rc = px_state_holding(a->t, lot, a->e->actor, &held)) != PX_OK)
		return rc;
	if (held == 0)
		return px_refuse(a->r, PX_CODE_NOT_HOLDER,
				 "'%s' holds none of lot '%s'", a->e->actor,
				 lot);
	if (held < grams) {
		px_format_kg(want, grams);
		px_format_kg(have, held);
		return px_refuse(a->r, PX_CODE_OVERSPEND,
				 "lot '%s': '%s' holds %s kg, not %s", lot,
				 a->e->actor, have, want);
	}
	return PX_OK;
}

static int
add_holding(struct px_txn *t, const char *lot, const char *holder,
	    int64_t delta)
{
	uint64_t held;
	int rc;

	if ((rc = px_state_holding(t, lot, holder, &held)) != PX_OK)
		return rc;
	if (delta < 0 && held < (uint64_t)-delta)
		return PX_ESTORE; /* checked before: state is inconsistent */
	return px_state_set_holding(t, lot, holder, held + (uint64_t)delta);
}

/* Lines of a transfer, receive or transform input: valid, unique, > 0. */
static int
check_lines(struct apply *a, Paxta__LotMass **lines, size_t n, const char *what)
{
	if (n == 0 || n > MAX_LINES)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a %s needs 1 to %d lots", what, MAX_LINES);
	for (size_t i = 0; i < n; i++) {
		if (!px_state_valid_id(lines[i]->lot))
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "'%s' is not a valid lot id",
					 lines[i]->lot);
		if (lines[i]->grams == 0 || lines[i]->grams > PX_GRAMS_MAX)
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "lot '%s': kg must be above 0 and at "
					 "most 10^12",
					 lines[i]->lot);
		for (size_t j = 0; j < i; j++)
			if (strcmp(lines[i]->lot, lines[j]->lot) == 0)
				return px_refuse(a->r, PX_CODE_MALFORMED,
						 "lot '%s' is listed twice",
						 lines[i]->lot);
	}
	return PX_OK;
}

/* Rule 5: an entry cannot claim a time before the lots it consumes. */
static int
check_after(struct apply *a, const char *what, int64_t when)
{
	char t1[PX_TIME_TEXT], t2[PX_TIME_TEXT];

	/* By the event's time: a receive keyed in weeks later still says
	 * when the bales came in (DESIGN.md §6.1 "event_time"). */
	if (a->when >= when)
		return PX_OK;
	px_format_time(t1, a->when);
	px_format_time(t2, when);
	return px_refuse(a->r, PX_CODE_TIME, "%s time %s is before %s at %s",
			 a->e->event_time[0] ? "event" : "entry", t1, what, t2);
}

/* 32 bytes that are a usable Ed25519 key: no small-order point (the
 * all-zero key), no non-canonical encoding (crypto.h). */
static int
valid_key(const ProtobufCBinaryData *key)
{
	return px_pubkey_valid(key->data, key->len);
}

static int
valid_roles(const Paxta__Actor *actor)
{
	if (actor->n_roles == 0 || actor->n_roles > 12)
		return 0;
	for (size_t i = 0; i < actor->n_roles; i++)
		if (actor->roles[i] < PAXTA__ROLE__ROLE_REGISTRAR ||
		    actor->roles[i] > PAXTA__ROLE__ROLE_LAB)
			return 0;
	return 1;
}

static int
valid_location(const Paxta__Actor *actor)
{
	return (!actor->region[0] || px_state_valid_id(actor->region)) &&
	       (!actor->district[0] || px_state_valid_id(actor->district)) &&
	       (!actor->has_coords ||
		(actor->lat >= -90 && actor->lat <= 90 && actor->lon >= -180 &&
		 actor->lon <= 180));
}

/* A monitor holds no supply-chain role (DESIGN.md §3.4): whoever grows,
 * gins, trades or sells cotton cannot also judge it. */
static int
mixes_monitor(const Paxta__Actor *actor)
{
	int monitor = has_role(actor, PAXTA__ROLE__ROLE_MONITOR);

	for (size_t i = 0; monitor && i < actor->n_roles; i++)
		if (actor->roles[i] != PAXTA__ROLE__ROLE_MONITOR &&
		    actor->roles[i] != PAXTA__ROLE__ROLE_REGISTRAR &&
		    actor->roles[i] != PAXTA__ROLE__ROLE_LAB)
			return 1;
	return 0;
}

static int
refuse_mixed(struct apply *a, const char *id)
{
	return px_refuse(a->r, PX_CODE_ROLE_DENIED,
			 "actor '%s' cannot be a monitor and hold a "
			 "supply-chain role",
			 id);
}

/* ~400 km x 400 km: no farm is larger. */
#define AREA_M2_MAX 160000000000ULL

/* "UZ-SA-KTK" -> "UZ-SA": ISO 3166-2 region of a district code. */
static void
region_of(char *out, size_t cap, const char *district)
{
	const char *dash = strchr(district, '-');

	if (dash)
		dash = strchr(dash + 1, '-');
	snprintf(out, cap, "%.*s",
		 dash ? (int)(dash - district) : (int)strlen(district),
		 district);
}

/* A district is named as CC-RR-DDD: the region is the district's. */
static int
valid_place(struct apply *a, const Paxta__Actor *s)
{
	char region[PX_ID_MAX + 1];

	if (s->area_m2 > AREA_M2_MAX)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "actor '%s': an area of more than 16 million "
				 "ha is not a farm",
				 s->id);
	if (!s->district[0] || !s->region[0])
		return PX_OK;
	region_of(region, sizeof(region), s->district);
	if (strcmp(region, s->region) != 0)
		return px_refuse(a->r, PX_CODE_ORIGIN,
				 "district '%s' is in region '%s', not '%s'",
				 s->district, region, s->region);
	return PX_OK;
}

/* MMDD of a real day (29 February included). */
static int
valid_month_day(uint32_t mmdd)
{
	static const uint8_t days[12] = { 31, 29, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };
	uint32_t m = mmdd / 100, d = mmdd % 100;

	return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

/*
 * The registrar's map (DESIGN.md §6.1): once a country has one, a region or
 * district of it must be a published one; a country without a map keeps
 * accepting its codes (and verdicts say they are unchecked).
 */
static int
check_mapped(struct apply *a, const char *code, int district)
{
	char country[PX_ID_MAX + 1];
	const char *dash = strchr(code, '-');
	Paxta__PlaceRecord *rec = NULL;
	int rc, right;

	snprintf(country, sizeof(country), "%.*s",
		 dash ? (int)(dash - code) : (int)strlen(code), code);
	rc = px_state_place(a->t, country, &rec);
	px_state_free(rec);
	rec = NULL;
	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc != PX_OK)
		return rc;
	rc = px_state_place(a->t, code, &rec);
	if (rc != PX_OK && rc != PX_ENOTFOUND)
		return rc;
	right = rc == PX_OK && (district ? rec->region[0] != '\0'
					 : rec->region[0] == '\0' && dash);
	px_state_free(rec);
	if (right)
		return PX_OK;
	return px_refuse(a->r, PX_CODE_ORIGIN,
			 "%s '%s' is not on the registrar's map of '%s'",
			 district ? "district" : "region", code, country);
}

static int
check_actor_mapped(struct apply *a, const Paxta__Actor *s)
{
	int rc = PX_OK;

	if (s->region[0])
		rc = check_mapped(a, s->region, 0);
	if (rc == PX_OK && s->district[0])
		rc = check_mapped(a, s->district, 1);
	return rc;
}

/* ---- genesis and the registry ---- */

/* ---- time (rule 5) ---- */

#define GENESIS_TIME "genesis_time"

static int
put_genesis_time(struct px_txn *t, int64_t when)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)when >> (56 - 8 * i));
	return px_store_meta_put(t, GENESIS_TIME, b, sizeof(b));
}

/* The genesis's time: from the metadata, kept there by apply_genesis. */
static int
genesis_time(int64_t *out, struct px_txn *t)
{
	const uint8_t *v;
	size_t len;
	uint64_t u = 0;
	int rc = px_store_meta_get(t, GENESIS_TIME, &v, &len);

	if (rc == PX_ENOTFOUND || (rc == PX_OK && len != 8))
		return PX_ESTORE;
	if (rc != PX_OK)
		return rc;
	for (int i = 0; i < 8; i++)
		u = u << 8 | v[i];
	*out = (int64_t)u;
	return PX_OK;
}

/*
 * Rule 5: an author's times never run backwards by more than the skew
 * (clocks of one organisation's machines may disagree that much), and no
 * entry claims a time before the log's genesis (less the same skew).
 * Without it an author could date a harvest to year 0001 or slip an entry
 * in before its own earlier ones.
 */
static int
check_time_order(struct px_txn *t, const struct px_rules_ctx *ctx,
		 const Paxta__Entry *e, const Paxta__ActorRecord *author,
		 struct px_refusal *r)
{
	int64_t skew = (int64_t)ctx->policy->max_skew_s, start = 0;
	char t1[PX_TIME_TEXT], t2[PX_TIME_TEXT];
	int rc;

	if ((rc = genesis_time(&start, t)) != PX_OK)
		return rc;
	px_format_time(t1, e->time);
	if (e->time < start - skew) {
		px_format_time(t2, start);
		return px_refuse(r, PX_CODE_TIME,
				 "entry time %s is before the log's genesis "
				 "at %s",
				 t1, t2);
	}
	if (author->seq > 0 && e->time < author->last_time - skew) {
		px_format_time(t2, author->last_time);
		return px_refuse(r, PX_CODE_TIME,
				 "entry time %s of '%s' is more than %" PRId64
				 " s before its entry at %s",
				 t1, e->actor, skew, t2);
	}
	return PX_OK;
}

/* The transit tolerances and recording-delay caps of a genesis: a
 * tolerance is a share of the kg shipped, a cap names an entry kind. */
static int
check_policy(struct apply *a, const Paxta__Policy *p)
{
	struct px_policy read;

	if (p->transit_loss_ppm > 1000000 || p->transit_gain_ppm > 1000000)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a transit tolerance is at most 100 %%");
	if (p->n_max_delay > PX_KIND_SLOTS || px_policy_read(&read, p) != PX_OK)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a recording-delay cap names an entry kind "
				 "(harvest, transfer, receive, ...)");
	return PX_OK;
}

static int
apply_genesis(struct apply *a, const struct px_signed_entry *env)
{
	const Paxta__Genesis *g = a->e->genesis;
	const Paxta__Policy *p = g->policy;
	int rc;

	if (a->index != 0)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a genesis can only be leaf 0");
	if (g->format != PX_STORE_FORMAT || !p || g->n_registrars == 0 ||
	    !valid_key(&g->node_key))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "the genesis needs format %d, a node key, a "
				 "policy and at least one registrar",
				 PX_STORE_FORMAT);
	if (memcmp(g->node_key.data, a->ctx->node_key->b, PX_PUBKEY_LEN) != 0 ||
	    memcmp(env->pub.b, a->ctx->node_key->b, PX_PUBKEY_LEN) != 0)
		return px_refuse(
			a->r, PX_CODE_BAD_SIGNATURE,
			"the genesis must be signed by this node's key");
	/* The store's metadata names the log it holds, and when it began:
	 * no later entry may claim a time before that (rule 5). */
	if ((rc = px_store_meta_put(a->t, "origin", g->origin,
				    strlen(g->origin))) != PX_OK)
		return rc;
	if ((rc = put_genesis_time(a->t, a->e->time)) != PX_OK)
		return rc;
	if (p->ginning_ppm > 1000000 || p->spinning_ppm > 1000000 ||
	    p->weaving_ppm > 1000000 || p->knitting_ppm > 1000000 ||
	    p->making_ppm > 1000000)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a yield cap cannot exceed 1");
	if (p->max_yield_kg_ha > 100000 ||
	    ((p->harvest_from || p->harvest_until) &&
	     (!valid_month_day(p->harvest_from) ||
	      !valid_month_day(p->harvest_until))))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a harvest calendar runs between two "
				 "month-days (MMDD) and a farm's yield is at "
				 "most 100 t/ha");
	if ((rc = check_policy(a, p)) != PX_OK)
		return rc;
	for (size_t i = 0; i < g->n_registrars; i++) {
		const Paxta__Registrar *reg = g->registrars[i];
		Paxta__ActorRecord rec = PAXTA__ACTOR_RECORD__INIT, *old;
		Paxta__Actor actor = PAXTA__ACTOR__INIT;
		Paxta__Role role = PAXTA__ROLE__ROLE_REGISTRAR;

		if (!px_state_valid_id(reg->id) || !valid_key(&reg->public_key))
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "registrar '%s' needs a valid id and "
					 "a 32-byte key",
					 reg->id);
		rc = px_state_actor(a->t, reg->id, &old);
		px_state_free(old);
		if (rc == PX_OK)
			return px_refuse(a->r, PX_CODE_DUPLICATE_ACTOR,
					 "registrar '%s' is listed twice",
					 reg->id);
		if (rc != PX_ENOTFOUND)
			return rc;
		actor.id = reg->id;
		actor.name = reg->id;
		actor.n_roles = 1;
		actor.roles = &role;
		actor.public_key = reg->public_key;
		rec.actor = &actor;
		if ((rc = px_state_put_actor(a->t, &rec)) != PX_OK)
			return rc;
		rc = px_state_put_key(a->t, reg->id, 0, reg->public_key.data);
		if (rc != PX_OK)
			return rc;
	}
	return PX_OK;
}

/*
 * The node's commitment to the verifiable index (index.h): signed by the
 * node's key, as the genesis, covering every leaf before it. A replay (a
 * replica, paxta audit) recomputes the root from the log it holds, so a
 * wrong root is refused at its own index.
 */
static int
apply_index_root(struct apply *a, const struct px_signed_entry *env)
{
	const Paxta__IndexRoot *ir = a->e->index_root;
	struct px_hash root;
	int rc;

	if (memcmp(env->pub.b, a->ctx->node_key->b, PX_PUBKEY_LEN) != 0)
		return px_refuse(a->r, PX_CODE_BAD_SIGNATURE,
				 "an index root must be signed by this node's "
				 "key");
	if (!ir || ir->size != a->index || ir->root.len != PX_HASH_LEN ||
	    a->e->seq != 0)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "an index root at entry %" PRIu64
				 " covers the %" PRIu64
				 " entries before it with a 32-byte root and "
				 "sequence 0",
				 a->index, a->index);
	if ((rc = px_index_root(a->t, &root)) != PX_OK)
		return rc;
	if (memcmp(root.b, ir->root.data, PX_HASH_LEN) != 0)
		return px_refuse(a->r, PX_CODE_INDEX_ROOT,
				 "the index root at entry %" PRIu64
				 " is not the root of the statements, lab "
				 "results and voids logged before it",
				 a->index);
	return PX_OK;
}

static int
apply_register(struct apply *a)
{
	const Paxta__Actor *s = a->e->register_actor->subject;
	Paxta__ActorRecord rec = PAXTA__ACTOR_RECORD__INIT, *old = NULL;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR,
			    "register actors")) != PX_OK)
		return rc;
	if (!s || !px_state_valid_id(s->id) || !valid_roles(s) ||
	    !valid_location(s))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "an actor needs a valid id, known roles, a "
				 "valid location and a 32-byte public key");
	if (!valid_key(&s->public_key))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "the key of '%s' is no usable ed25519 public "
				 "key (32 bytes, canonical, not of small "
				 "order)",
				 s->id);
	if (mixes_monitor(s))
		return refuse_mixed(a, s->id);
	if ((rc = valid_place(a, s)) != PX_OK ||
	    (rc = check_actor_mapped(a, s)) != PX_OK)
		return rc;
	rc = px_state_actor(a->t, s->id, &old);
	px_state_free(old);
	if (rc == PX_OK)
		return px_refuse(a->r, PX_CODE_DUPLICATE_ACTOR,
				 "actor '%s' is registered already", s->id);
	if (rc != PX_ENOTFOUND)
		return rc;
	rec.actor = (Paxta__Actor *)s;
	rec.registered_at = a->index;
	if ((rc = px_state_put_actor(a->t, &rec)) != PX_OK)
		return rc;
	return px_state_put_key(a->t, s->id, a->index, s->public_key.data);
}

/* The subject of an update, revocation or rotation: registered. */
static int
find_actor(struct apply *a, const char *id, Paxta__ActorRecord **out)
{
	int rc = px_state_actor(a->t, id, out);

	if (rc == PX_ENOTFOUND)
		return px_refuse(a->r, PX_CODE_UNKNOWN_ACTOR,
				 "actor '%s' is not registered", id);
	return rc;
}

static int
apply_update(struct apply *a)
{
	const Paxta__Actor *s = a->e->update_actor->subject;
	Paxta__ActorRecord *rec = NULL;
	Paxta__Actor *old_actor;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR, "change actors")) !=
	    PX_OK)
		return rc;
	if (!s || !px_state_valid_id(s->id) || !valid_roles(s) ||
	    !valid_location(s))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "an update needs the actor's id, known roles "
				 "and a valid location");
	if (mixes_monitor(s))
		return refuse_mixed(a, s->id);
	if ((rc = valid_place(a, s)) != PX_OK ||
	    (rc = check_actor_mapped(a, s)) != PX_OK)
		return rc;
	if ((rc = find_actor(a, s->id, &rec)) != PX_OK)
		return rc;
	/* A monitor never becomes a trader, nor a trader a monitor: its
	 * statements would then judge cotton it made or held. */
	if (has_role(rec->actor, PAXTA__ROLE__ROLE_MONITOR) !=
	    has_role(s, PAXTA__ROLE__ROLE_MONITOR)) {
		Paxta__Actor both = *s;
		Paxta__Role roles[32];
		size_t n = 0;

		for (size_t i = 0; i < s->n_roles && n < 32; i++)
			roles[n++] = s->roles[i];
		for (size_t i = 0; i < rec->actor->n_roles && n < 32; i++)
			roles[n++] = rec->actor->roles[i];
		both.roles = roles;
		both.n_roles = n;
		if (mixes_monitor(&both)) {
			rc = refuse_mixed(a, s->id);
			px_state_free(rec);
			return rc;
		}
	}
	/* Name, roles and location change; the key only by rotate_key. */
	old_actor = rec->actor;
	{
		Paxta__Actor merged = *s;

		merged.public_key = old_actor->public_key;
		rec->actor = &merged;
		rc = px_state_put_actor(a->t, rec);
		rec->actor = old_actor;
	}
	px_state_free(rec);
	return rc;
}

static int
apply_revoke(struct apply *a)
{
	const Paxta__RevokeActor *rv = a->e->revoke_actor;
	Paxta__ActorRecord *rec = NULL;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR, "revoke actors")) !=
	    PX_OK)
		return rc;
	if ((rc = find_actor(a, rv->subject, &rec)) != PX_OK)
		return rc;
	if (rec->revoked) {
		rc = px_refuse(
			a->r, PX_CODE_REVOKED,
			"actor '%s' was revoked already at entry %" PRIu64,
			rv->subject, rec->revoked_at);
	} else {
		rec->revoked = 1;
		rec->revoked_at = a->index;
		rc = px_state_put_actor(a->t, rec);
	}
	px_state_free(rec);
	return rc;
}

static int
apply_rotate(struct apply *a)
{
	const Paxta__RotateKey *rk = a->e->rotate_key;
	Paxta__ActorRecord *rec = NULL;
	ProtobufCBinaryData old_key;
	int rc;

	/* An actor rotates its own key; a registrar, anyone's (after a
	 * compromise). */
	if (strcmp(rk->subject, a->e->actor) != 0 &&
	    (rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR,
			    "rotate another actor's key")) != PX_OK)
		return rc;
	if (!valid_key(&rk->public_key))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "the new key of '%s' is no usable ed25519 "
				 "public key (32 bytes, canonical, not of "
				 "small order)",
				 rk->subject);
	if ((rc = find_actor(a, rk->subject, &rec)) != PX_OK)
		return rc;
	if (rec->revoked) {
		rc = px_refuse(a->r, PX_CODE_REVOKED,
			       "actor '%s' was revoked at entry %" PRIu64,
			       rk->subject, rec->revoked_at);
		goto out;
	}
	old_key = rec->actor->public_key;
	rec->actor->public_key = rk->public_key;
	rc = px_state_put_actor(a->t, rec);
	rec->actor->public_key = old_key;
	if (rc == PX_OK)
		rc = px_state_put_key(a->t, rk->subject, a->index,
				      rk->public_key.data);
out:
	px_state_free(rec);
	return rc;
}

/* ---- lots ---- */

/*
 * Lot ids are unique (rule 5) among lots that stand: an id whose creation
 * was voided is free again, so the corrected bale keeps its physical tag
 * (docs/events.md "void"). The voided one stays in the lot's history.
 */
static int
check_new_lot(struct apply *a, const char *id)
{
	Paxta__LotRecord *old = NULL;
	int rc = px_state_lot(a->t, id, &old);

	if (rc == PX_OK && !old->voided)
		rc = px_refuse(a->r, PX_CODE_DUPLICATE_LOT,
			       "lot '%s' is in the ledger already (entry "
			       "%" PRIu64 ")",
			       id, old->created_at);
	else if (rc == PX_OK || rc == PX_ENOTFOUND)
		rc = PX_OK;
	px_state_free(old);
	return rc;
}

/*
 * The season cotton picked at seconds belongs to, by the policy's harvest
 * calendar (MMDD from .. until; a window that wraps past New Year is the
 * season of the year it starts in): 0 when it is outside every season.
 */
static uint32_t
season_of(int64_t seconds, const struct px_policy *policy)
{
	time_t t = (time_t)seconds;
	uint32_t from = policy->harvest_from, until = policy->harvest_until;
	uint32_t day;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < 0)
		return 0;
	day = (uint32_t)(tm.tm_mon + 1) * 100 + (uint32_t)tm.tm_mday;
	if (from <= until)
		return day >= from && day <= until ? (uint32_t)tm.tm_year + 1900
						   : 0;
	if (day >= from)
		return (uint32_t)tm.tm_year + 1900;
	return day <= until ? (uint32_t)tm.tm_year + 1899 : 0;
}

/* A season's seed cotton from this farm so far (DESIGN.md §6.1 area_ha). */
struct farm_total {
	struct px_txn *t;
	const char *farm;
	uint64_t grams;
};

static int
add_farm_lot(void *ctx, const char *lot, const char *farm)
{
	struct farm_total *ft = ctx;
	Paxta__LotRecord *rec = NULL;
	int rc;

	if (strcmp(farm, ft->farm) != 0)
		return PX_OK;
	if ((rc = px_state_lot(ft->t, lot, &rec)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	ft->grams += rec->grams;
	px_state_free(rec);
	return PX_OK;
}

/* Plausibility at the origin: a season's harvests within area x yield. */
static int
check_yield(struct apply *a, const Paxta__Harvest *h)
{
	const Paxta__Actor *farm = a->author->actor;
	struct farm_total ft = { a->t, a->e->actor, 0 };
	char got[PX_KG_TEXT], cap_text[PX_KG_TEXT];
	uint64_t cap;
	int rc;

	if (!farm->area_m2)
		return PX_OK;
	/* m² x kg/ha / 10 = grams; both capped, so no overflow. */
	cap = farm->area_m2 * a->ctx->policy->max_yield_kg_ha / 10;
	rc = px_state_each_origin(a->t, h->district, h->season, add_farm_lot,
				  &ft);
	if (rc != PX_OK)
		return rc;
	if (ft.grams + h->grams <= cap)
		return PX_OK;
	px_format_kg(got, ft.grams + h->grams);
	px_format_kg(cap_text, cap);
	return px_refuse(a->r, PX_CODE_YIELD,
			 "farm '%s' would harvest %s kg in season %u; its "
			 "%.2f ha give at most %s kg",
			 a->e->actor, got, h->season,
			 (double)farm->area_m2 / 10000.0, cap_text);
}

static int
apply_harvest(struct apply *a)
{
	const Paxta__Harvest *h = a->e->harvest;
	Paxta__LotRecord rec = PAXTA__LOT_RECORD__INIT;
	char region[PX_ID_MAX + 1], when[PX_TIME_TEXT];
	uint32_t season;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_FARM, "harvest")) != PX_OK)
		return rc;
	/* One sentence per field, so the refusal names the one that broke. */
	if (!px_state_valid_id(h->lot))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a harvest's 'lot' must be an id of 1 to %d "
				 "ASCII letters, digits and punctuation",
				 PX_ID_MAX);
	if (h->grams == 0 || h->grams > PX_GRAMS_MAX)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s': 'kg' must be above 0 and at "
				 "most 10^12",
				 h->lot);
	if (h->season < PX_SEASON_MIN || h->season > PX_SEASON_MAX)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s': 'season' must be a year from "
				 "%d to %d",
				 h->lot, PX_SEASON_MIN, PX_SEASON_MAX);
	if (!px_state_valid_id(h->district))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s': 'district' must be an id of 1 "
				 "to %d ASCII letters, digits and punctuation",
				 h->lot, PX_ID_MAX);
	if (h->harvested_at <= 0)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s' needs 'harvested_at'", h->lot);
	if (h->method != PAXTA__METHOD__METHOD_HAND &&
	    h->method != PAXTA__METHOD__METHOD_MACHINE)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s' needs a picking 'method': hand "
				 "or machine",
				 h->lot);
	if (a->ctx->now != INT64_MAX &&
	    h->harvested_at > a->ctx->now + a->ctx->policy->max_skew_s)
		return px_refuse(a->r, PX_CODE_TIME,
				 "lot '%s' is harvested in the future", h->lot);
	/* Picked before it is recorded. */
	px_format_time(when, h->harvested_at);
	if (h->harvested_at > a->e->time)
		return px_refuse(a->r, PX_CODE_TIME,
				 "lot '%s' is harvested at %s, after the "
				 "entry's own time",
				 h->lot, when);
	/* Seasons from the calendar: a lot picked in 2026 cannot be declared
	 * a 2025 lot of a district certified that year. */
	season = season_of(h->harvested_at, a->ctx->policy);
	if (season != h->season)
		return season ? px_refuse(a->r, PX_CODE_SEASON,
					  "lot '%s' is harvested at %s, in "
					  "season %u, not %u",
					  h->lot, when, season, h->season)
			      : px_refuse(a->r, PX_CODE_SEASON,
					  "lot '%s' is harvested at %s, "
					  "outside the harvest calendar",
					  h->lot, when);
	/* A farm harvests in the district it is registered in: a farm cannot
	 * claim a neighbour's certified district, nor pick "anywhere". */
	if (!a->author->actor->district[0])
		return px_refuse(a->r, PX_CODE_ORIGIN,
				 "farm '%s' is registered with no district; "
				 "it cannot harvest",
				 a->e->actor);
	if (strcmp(a->author->actor->district, h->district) != 0)
		return px_refuse(a->r, PX_CODE_ORIGIN,
				 "farm '%s' is registered in district '%s'; "
				 "lot '%s' cannot come from '%s'",
				 a->e->actor, a->author->actor->district,
				 h->lot, h->district);
	if ((rc = check_mapped(a, h->district, 1)) != PX_OK ||
	    (rc = check_yield(a, h)) != PX_OK)
		return rc;
	if ((rc = check_new_lot(a, h->lot)) != PX_OK ||
	    (rc = px_state_supersede_lot(a->t, h->lot, a->index)) != PX_OK)
		return rc;

	/* The region is always the district's (DESIGN.md §3.4). */
	region_of(region, sizeof(region), h->district);
	rec.id = h->lot;
	rec.product = PAXTA__PRODUCT__PRODUCT_SEED_COTTON;
	rec.creator = a->e->actor;
	rec.created_at = a->index;
	rec.time = h->harvested_at;
	rec.grams = h->grams;
	rec.season = h->season;
	rec.district = h->district;
	rec.region = region;
	rec.farm = a->e->actor;
	rec.method = h->method;
	if ((rc = px_state_put_lot(a->t, &rec)) != PX_OK)
		return rc;
	rc = px_state_set_holding(a->t, h->lot, a->e->actor, h->grams);
	if (rc != PX_OK)
		return rc;
	return px_state_put_origin(a->t, h->district, h->season, h->lot,
				   a->e->actor);
}

struct process_rule {
	Paxta__Role role;
	const char *verb;
	Paxta__Product input;
	Paxta__Product main;
	Paxta__Product by[2]; /* allowed by-products besides the main one */
};

static const struct process_rule *
process_rule(Paxta__Process p)
{
	static const struct process_rule rules[] = {
		[PAXTA__PROCESS__PROCESS_GINNING] = { PAXTA__ROLE__ROLE_GIN,
						      "gin",
						      PAXTA__PRODUCT__PRODUCT_SEED_COTTON,
						      PAXTA__PRODUCT__PRODUCT_LINT,
						      { PAXTA__PRODUCT__PRODUCT_COTTONSEED,
							PAXTA__PRODUCT__PRODUCT_WASTE } },
		[PAXTA__PROCESS__PROCESS_SPINNING] = { PAXTA__ROLE__ROLE_SPINNER,
						       "spin",
						       PAXTA__PRODUCT__PRODUCT_LINT,
						       PAXTA__PRODUCT__PRODUCT_YARN,
						       { PAXTA__PRODUCT__PRODUCT_WASTE,
							 PAXTA__PRODUCT__PRODUCT_WASTE } },
		[PAXTA__PROCESS__PROCESS_WEAVING] = { PAXTA__ROLE__ROLE_WEAVER,
						      "weave",
						      PAXTA__PRODUCT__PRODUCT_YARN,
						      PAXTA__PRODUCT__PRODUCT_FABRIC,
						      { PAXTA__PRODUCT__PRODUCT_WASTE,
							PAXTA__PRODUCT__PRODUCT_WASTE } },
		[PAXTA__PROCESS__PROCESS_KNITTING] = { PAXTA__ROLE__ROLE_WEAVER,
						       "knit",
						       PAXTA__PRODUCT__PRODUCT_YARN,
						       PAXTA__PRODUCT__PRODUCT_FABRIC,
						       { PAXTA__PRODUCT__PRODUCT_WASTE,
							 PAXTA__PRODUCT__PRODUCT_WASTE } },
		[PAXTA__PROCESS__PROCESS_MAKING] = { PAXTA__ROLE__ROLE_MANUFACTURER,
						     "make garments",
						     PAXTA__PRODUCT__PRODUCT_FABRIC,
						     PAXTA__PRODUCT__PRODUCT_GARMENT,
						     { PAXTA__PRODUCT__PRODUCT_WASTE,
						       PAXTA__PRODUCT__PRODUCT_WASTE } },
	};

	if (p < PAXTA__PROCESS__PROCESS_GINNING ||
	    p > PAXTA__PROCESS__PROCESS_MAKING)
		return NULL;
	return &rules[p];
}

static uint32_t
cap_ppm(const struct px_policy *pol, Paxta__Process p)
{
	switch (p) {
	case PAXTA__PROCESS__PROCESS_GINNING:
		return pol->ginning_ppm;
	case PAXTA__PROCESS__PROCESS_SPINNING:
		return pol->spinning_ppm;
	case PAXTA__PROCESS__PROCESS_WEAVING:
		return pol->weaving_ppm;
	case PAXTA__PROCESS__PROCESS_KNITTING:
		return pol->knitting_ppm;
	default:
		return pol->making_ppm;
	}
}

/* floor(grams * ppm / 10^6) without overflow: grams <= 10^15 * MAX_LINES. */
static uint64_t
scale_ppm(uint64_t grams, uint32_t ppm)
{
	return grams / 1000000 * ppm + grams % 1000000 * ppm / 1000000;
}

static int
apply_transform(struct apply *a)
{
	const Paxta__Transform *tf = a->e->transform;
	const struct process_rule *pr = process_rule(tf->process);
	Paxta__LotRecord *lot = NULL;
	uint64_t in_total = 0, out_total = 0, main_total = 0, cap;
	uint32_t season = 0;
	char k1[PX_KG_TEXT], k2[PX_KG_TEXT];
	int mixed_season = 0;
	int rc;

	if (!pr)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "unknown process; use ginning, spinning, "
				 "weaving, knitting or making");
	if ((rc = need_role(a, pr->role, pr->verb)) != PX_OK)
		return rc;
	if ((rc = check_lines(a, tf->inputs, tf->n_inputs, "transform")) !=
	    PX_OK)
		return rc;
	if (tf->n_outputs == 0 || tf->n_outputs > MAX_LINES)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a transform needs 1 to %d outputs",
				 MAX_LINES);

	for (size_t i = 0; i < tf->n_inputs; i++) {
		const Paxta__LotMass *in = tf->inputs[i];

		if ((rc = find_lot(a, in->lot, &lot)) != PX_OK)
			return rc;
		if (lot->product != pr->input) {
			rc = px_refuse(a->r, PX_CODE_PRODUCT,
				       "lot '%s' is %s; to %s takes %s",
				       in->lot,
				       px_product_name(lot->product)
					       ? px_product_name(lot->product)
					       : "unknown",
				       pr->verb, px_product_name(pr->input));
			goto out;
		}
		if ((rc = check_holds(a, in->lot, in->grams)) != PX_OK)
			goto out;
		if ((rc = check_after(a, "lot's creation", lot->time)) != PX_OK)
			goto out;
		if (i == 0)
			season = lot->season;
		mixed_season |= lot->season != season;
		in_total += in->grams;
		px_state_free(lot);
		lot = NULL;
	}

	for (size_t i = 0; i < tf->n_outputs; i++) {
		const Paxta__Output *o = tf->outputs[i];
		int allowed = o->product == pr->main ||
			      o->product == pr->by[0] ||
			      o->product == pr->by[1];

		if (!px_state_valid_id(o->lot) || o->grams == 0 ||
		    o->grams > PX_GRAMS_MAX)
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "output '%s' needs a valid lot id and "
					 "kg above 0",
					 o->lot);
		/* proto3 lets any number through an enum: name only
		 * what has a name. */
		if (!px_product_name(o->product))
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "output '%s' names product number %d, "
					 "which is none of seed_cotton, lint, "
					 "cottonseed, waste, yarn, fabric, "
					 "garment",
					 o->lot, (int)o->product);
		if (!allowed)
			return px_refuse(a->r, PX_CODE_PRODUCT,
					 "to %s cannot make %s (output '%s')",
					 pr->verb, px_product_name(o->product),
					 o->lot);
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->lot, tf->outputs[j]->lot) == 0)
				return px_refuse(a->r, PX_CODE_DUPLICATE_LOT,
						 "output lot '%s' is listed "
						 "twice",
						 o->lot);
		if ((rc = check_new_lot(a, o->lot)) != PX_OK)
			return rc;
		out_total += o->grams;
		if (o->product == pr->main)
			main_total += o->grams;
	}

	/* Rule 4: mass balance, and the yield cap on the main product. */
	if (out_total > in_total) {
		px_format_kg(k1, out_total);
		px_format_kg(k2, in_total);
		return px_refuse(a->r, PX_CODE_MASS_BALANCE,
				 "outputs weigh %s kg, more than the %s kg "
				 "consumed",
				 k1, k2);
	}
	cap = scale_ppm(in_total, cap_ppm(a->ctx->policy, tf->process));
	if (main_total > cap) {
		char k3[PX_KG_TEXT];

		px_format_kg(k1, main_total);
		px_format_kg(k2, in_total);
		px_format_kg(k3, cap);
		return px_refuse(a->r, PX_CODE_MASS_BALANCE,
				 "%s kg of %s from %s kg is over the yield cap "
				 "of %s kg (%.4g of the input)",
				 k1, px_product_name(pr->main), k2, k3,
				 cap_ppm(a->ctx->policy, tf->process) / 1e6);
	}

	/* All checked: consume the inputs, create the outputs. */
	for (size_t i = 0; i < tf->n_inputs; i++) {
		rc = add_holding(a->t, tf->inputs[i]->lot, a->e->actor,
				 -(int64_t)tf->inputs[i]->grams);
		if (rc != PX_OK)
			return rc;
	}
	for (size_t i = 0; i < tf->n_outputs; i++) {
		const Paxta__Output *o = tf->outputs[i];
		Paxta__LotRecord rec = PAXTA__LOT_RECORD__INIT;

		rec.id = o->lot;
		rec.product = o->product;
		rec.creator = a->e->actor;
		rec.created_at = a->index;
		rec.time = a->when;
		rec.grams = o->grams;
		rec.input_grams = in_total;
		rec.season = mixed_season ? 0 : season;
		rec.district = "";
		rec.region = "";
		rec.farm = "";
		rec.process = tf->process;
		if ((rc = px_state_supersede_lot(a->t, o->lot, a->index)) !=
			    PX_OK ||
		    (rc = px_state_put_lot(a->t, &rec)) != PX_OK)
			return rc;
		rc = px_state_set_holding(a->t, o->lot, a->e->actor, o->grams);
		if (rc != PX_OK)
			return rc;
		for (size_t i2 = 0; i2 < tf->n_inputs; i2++) {
			rc = px_state_put_edge(a->t, o->lot,
					       tf->inputs[i2]->lot,
					       tf->inputs[i2]->grams);
			if (rc != PX_OK)
				return rc;
		}
	}
	return PX_OK;
out:
	px_state_free(lot);
	return rc;
}

/* A lot's count of transfers that carry it (void refuses a lot that was
 * shipped, even if it came back). */
static int
count_shipment(struct px_txn *t, const char *id, int delta)
{
	Paxta__LotRecord *lot = NULL;
	int rc = px_state_lot(t, id, &lot);

	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	lot->shipments = (uint32_t)((int64_t)lot->shipments + delta);
	rc = px_state_put_lot(t, lot);
	px_state_free(lot);
	return rc;
}

static int
apply_transfer(struct apply *a)
{
	const Paxta__Transfer *tr = a->e->transfer;
	Paxta__ShipmentRecord rec = PAXTA__SHIPMENT_RECORD__INIT, *old = NULL;
	Paxta__ActorRecord *to = NULL;
	Paxta__LotRecord *lot = NULL;
	int rc;

	if (!px_state_valid_id(tr->shipment))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a transfer needs a valid shipment id");
	if ((rc = check_lines(a, tr->lots, tr->n_lots, "transfer")) != PX_OK)
		return rc;
	for (size_t i = 0; i < tr->n_documents; i++)
		if (tr->documents[i].len != PX_HASH_LEN)
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "a transport document's SHA-256 is "
					 "32 bytes");
	rc = px_state_shipment(a->t, tr->shipment, &old);
	px_state_free(old);
	if (rc == PX_OK)
		return px_refuse(a->r, PX_CODE_DUPLICATE_SHIPMENT,
				 "shipment '%s' is in the ledger already",
				 tr->shipment);
	if (rc != PX_ENOTFOUND)
		return rc;
	if ((rc = find_actor(a, tr->to, &to)) != PX_OK)
		return rc;
	rc = to->revoked ? px_refuse(a->r, PX_CODE_REVOKED,
				     "consignee '%s' was revoked at entry "
				     "%" PRIu64,
				     tr->to, to->revoked_at)
	     /* A monitor holds no cotton it might judge. */
	     : has_role(to->actor, PAXTA__ROLE__ROLE_MONITOR)
		     ? px_refuse(a->r, PX_CODE_ROLE_DENIED,
				 "consignee '%s' is a monitor; a monitor "
				 "holds no cotton",
				 tr->to)
	     : strcmp(tr->to, a->e->actor) == 0
		     ? px_refuse(a->r, PX_CODE_MALFORMED,
				 "'%s' cannot ship to itself", tr->to)
		     : PX_OK;
	px_state_free(to);
	if (rc != PX_OK)
		return rc;
	for (size_t i = 0; i < tr->n_lots; i++) {
		if ((rc = find_lot(a, tr->lots[i]->lot, &lot)) != PX_OK)
			return rc;
		rc = check_holds(a, tr->lots[i]->lot, tr->lots[i]->grams);
		if (rc == PX_OK)
			rc = check_after(a, "lot's creation", lot->time);
		px_state_free(lot);
		if (rc != PX_OK)
			return rc;
	}
	for (size_t i = 0; i < tr->n_lots; i++) {
		rc = add_holding(a->t, tr->lots[i]->lot, a->e->actor,
				 -(int64_t)tr->lots[i]->grams);
		if (rc == PX_OK)
			rc = count_shipment(a->t, tr->lots[i]->lot, 1);
		if (rc == PX_OK)
			rc = px_state_put_transit(a->t, tr->lots[i]->lot,
						  tr->shipment, tr->to,
						  tr->lots[i]->grams);
		if (rc == PX_OK)
			rc = px_state_put_lot_shipment(a->t, tr->lots[i]->lot,
						       tr->shipment, a->index);
		if (rc != PX_OK)
			return rc;
	}
	rec.id = tr->shipment;
	rec.from = a->e->actor;
	rec.to = tr->to;
	rec.n_lots = tr->n_lots;
	rec.lots = tr->lots;
	rec.sent_at = a->index;
	rec.time = a->when; /* dispatched */
	return px_state_put_shipment(a->t, &rec);
}

/* What a receive weighed against what was shipped, lot by lot: the
 * differences, kept on the shipment record. */
struct weighing {
	Paxta__LotMass *lines; /* loss first, then gain */
	Paxta__LotMass **loss, **gain;
	size_t n_loss, n_gain;
};

static void
weighing_release(struct weighing *w)
{
	free(w->lines);
	free(w->loss);
	free(w->gain);
}

/*
 * Scales disagree (docs/events.md "receive"): the kg weighed on arrival
 * may fall short of the kg shipped by the policy's transit loss, or exceed
 * it by its transit gain, each a share of the kg shipped. A lot of the
 * shipment the receive does not list weighed nothing. Exact in integers:
 * for a whole diff, diff > floor(shipped x ppm / 10^6) exactly when
 * diff x 10^6 > shipped x ppm, and scale_ppm cannot overflow.
 */
static int
weigh(struct apply *a, const Paxta__ShipmentRecord *sh,
      const Paxta__Receive *rv, struct weighing *w)
{
	const struct px_policy *pol = a->ctx->policy;
	char k1[PX_KG_TEXT], k2[PX_KG_TEXT];

	w->lines = calloc(sh->n_lots ? sh->n_lots : 1, sizeof(*w->lines));
	w->loss = calloc(sh->n_lots ? sh->n_lots : 1, sizeof(*w->loss));
	w->gain = calloc(sh->n_lots ? sh->n_lots : 1, sizeof(*w->gain));
	if (!w->lines || !w->loss || !w->gain)
		return PX_ENOMEM;
	for (size_t j = 0; j < sh->n_lots; j++) {
		const Paxta__LotMass *sent = sh->lots[j];
		Paxta__LotMass *line;
		uint64_t got = 0, diff;
		uint32_t ppm;
		int light;

		for (size_t i = 0; i < rv->n_lots; i++)
			if (strcmp(rv->lots[i]->lot, sent->lot) == 0)
				got = rv->lots[i]->grams;
		if (got == sent->grams)
			continue;
		light = got < sent->grams;
		diff = light ? sent->grams - got : got - sent->grams;
		ppm = light ? pol->transit_loss_ppm : pol->transit_gain_ppm;
		if (diff > scale_ppm(sent->grams, ppm)) {
			px_format_kg(k1, got);
			px_format_kg(k2, sent->grams);
			return px_refuse(
				a->r, PX_CODE_WEIGHT,
				"lot '%s' weighed %s kg on arrival, %s kg was "
				"shipped in '%s': %.2f %% %s, over the "
				"ledger's tolerance of %g %% %s",
				sent->lot, k1, k2, sh->id,
				(double)diff * 100.0 / (double)sent->grams,
				light ? "less" : "more", ppm / 10000.0,
				light ? "transit loss" : "transit gain");
		}
		line = &w->lines[w->n_loss + w->n_gain];
		paxta__lot_mass__init(line);
		line->lot = sent->lot;
		line->grams = diff;
		if (light)
			w->loss[w->n_loss++] = line;
		else
			w->gain[w->n_gain++] = line;
	}
	return PX_OK;
}

/* The lot keeps the receives whose scales disagreed with the sender's,
 * so its own view shows transit loss and gain without a shipment scan. */
static int
note_weighing(struct apply *a, const Paxta__ShipmentRecord *sh,
	      const Paxta__Receive *rv, const char *id)
{
	Paxta__Weighing wg = PAXTA__WEIGHING__INIT, **old, **more;
	Paxta__LotRecord *lot = NULL;
	int rc = px_state_lot(a->t, id, &lot);

	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	wg.shipment = sh->id;
	wg.received_at = a->index;
	for (size_t j = 0; j < sh->n_lots; j++)
		if (strcmp(sh->lots[j]->lot, id) == 0)
			wg.shipped = sh->lots[j]->grams;
	for (size_t i = 0; i < rv->n_lots; i++)
		if (strcmp(rv->lots[i]->lot, id) == 0)
			wg.weighed = rv->lots[i]->grams;
	more = malloc((lot->n_weighings + 1) * sizeof(*more));
	if (!more) {
		px_state_free(lot);
		return PX_ENOMEM;
	}
	if (lot->n_weighings)
		memcpy(more, lot->weighings, lot->n_weighings * sizeof(*more));
	more[lot->n_weighings] = &wg;
	old = lot->weighings;
	lot->weighings = more;
	lot->n_weighings++;
	rc = px_state_put_lot(a->t, lot);
	lot->n_weighings--;
	lot->weighings = old;
	free(more);
	px_state_free(lot);
	return rc;
}

static int
apply_receive(struct apply *a)
{
	const Paxta__Receive *rv = a->e->receive;
	Paxta__ShipmentRecord *sh = NULL;
	struct weighing w = { 0 };
	int rc;

	if ((rc = check_lines(a, rv->lots, rv->n_lots, "receive")) != PX_OK)
		return rc;
	rc = px_state_shipment(a->t, rv->shipment, &sh);
	if (rc == PX_ENOTFOUND)
		return px_refuse(a->r, PX_CODE_UNKNOWN_SHIPMENT,
				 "shipment '%s' is not in the ledger",
				 rv->shipment);
	if (rc != PX_OK)
		return rc;
	if (sh->voided) {
		rc = px_refuse(a->r, PX_CODE_UNKNOWN_SHIPMENT,
			       "shipment '%s' was voided by its sender",
			       rv->shipment);
		goto out;
	}
	if (strcmp(sh->to, a->e->actor) != 0) {
		rc = px_refuse(a->r, PX_CODE_ROLE_DENIED,
			       "shipment '%s' is consigned to '%s', not '%s'",
			       rv->shipment, sh->to, a->e->actor);
		goto out;
	}
	if (sh->received) {
		rc = px_refuse(a->r, PX_CODE_OVERSPEND,
			       "shipment '%s' was received already at entry "
			       "%" PRIu64,
			       rv->shipment, sh->received_at);
		goto out;
	}
	if ((rc = check_after(a, "the shipment's dispatch", sh->time)) != PX_OK)
		goto out;
	/* Every lot shipped is weighed on arrival, within the tolerance. */
	for (size_t i = 0; i < rv->n_lots; i++) {
		size_t j;

		for (j = 0; j < sh->n_lots; j++)
			if (strcmp(sh->lots[j]->lot, rv->lots[i]->lot) == 0)
				break;
		if (j == sh->n_lots) {
			rc = px_refuse(a->r, PX_CODE_UNKNOWN_LOT,
				       "lot '%s' is not in shipment '%s'",
				       rv->lots[i]->lot, rv->shipment);
			goto out;
		}
	}
	if ((rc = weigh(a, sh, rv, &w)) != PX_OK)
		goto out;
	for (size_t i = 0; i < w.n_loss + w.n_gain; i++)
		if ((rc = note_weighing(a, sh, rv, w.lines[i].lot)) != PX_OK)
			goto out;
	for (size_t i = 0; i < rv->n_lots; i++) {
		rc = add_holding(a->t, rv->lots[i]->lot, a->e->actor,
				 (int64_t)rv->lots[i]->grams);
		if (rc != PX_OK)
			goto out;
	}
	/* Arrived: nothing of the shipment is on the road any more (what
	 * was not received was lost in transit). */
	for (size_t i = 0; i < sh->n_lots; i++)
		if ((rc = px_state_del_transit(a->t, sh->lots[i]->lot,
					       sh->id)) != PX_OK)
			goto out;
	{
		/* Point the record at the entry's lines while it is packed. */
		size_t n_old = sh->n_received_lots;
		Paxta__LotMass **old = sh->received_lots;
		size_t n_loss = sh->n_transit_loss, n_gain = sh->n_transit_gain;
		Paxta__LotMass **loss = sh->transit_loss,
			       **gain = sh->transit_gain;

		sh->received = 1;
		sh->received_at = a->index;
		sh->n_received_lots = rv->n_lots;
		sh->received_lots = rv->lots;
		sh->n_transit_loss = w.n_loss;
		sh->transit_loss = w.loss;
		sh->n_transit_gain = w.n_gain;
		sh->transit_gain = w.gain;
		rc = px_state_put_shipment(a->t, sh);
		sh->n_received_lots = n_old;
		sh->received_lots = old;
		sh->n_transit_loss = n_loss;
		sh->transit_loss = loss;
		sh->n_transit_gain = n_gain;
		sh->transit_gain = gain;
	}
out:
	weighing_release(&w);
	px_state_free(sh);
	return rc;
}

/* ---- monitors and labs ---- */

/* Documents an event refers to (DESIGN.md §6.1): any kind may carry them. */
static int
check_documents(struct apply *a, Paxta__Document **docs, size_t n)
{
	if (n > 64)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "an entry refers to at most 64 documents");
	for (size_t i = 0; i < n; i++) {
		const Paxta__Document *d = docs[i];

		if (!d->type[0] || strlen(d->type) > 64 ||
		    strlen(d->number) > 256 || strlen(d->issuer) > 256 ||
		    strlen(d->uri) > 2048 ||
		    (d->sha256.len && d->sha256.len != PX_HASH_LEN) ||
		    (!d->sha256.len && !d->uri[0] && !d->number[0]))
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "document %zu needs a type and a "
					 "number, SHA-256 or URI to find it by",
					 i + 1);
	}
	return PX_OK;
}

/* A facility statement (DESIGN.md §3.4) names a gin, a mill, a weaver or
 * a garment maker, and when: its period starts somewhere. */
static int
check_facility(struct apply *a, const Paxta__Attest *at)
{
	static const Paxta__Role facilities[] = {
		PAXTA__ROLE__ROLE_GIN,          PAXTA__ROLE__ROLE_WAREHOUSE,
		PAXTA__ROLE__ROLE_SPINNER,      PAXTA__ROLE__ROLE_WEAVER,
		PAXTA__ROLE__ROLE_MANUFACTURER,
	};
	Paxta__ActorRecord *rec = NULL;
	int rc, is = 0;

	if (!at->from)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a statement on facility '%s' needs 'from': "
				 "the lots it made from then on are covered",
				 at->subject + 6);
	if ((rc = find_actor(a, at->subject + 6, &rec)) != PX_OK)
		return rc;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		is |= has_role(rec->actor, facilities[i]);
	px_state_free(rec);
	if (!is)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "'%s' is not a gin, warehouse, spinner, "
				 "weaver or manufacturer",
				 at->subject + 6);
	return PX_OK;
}

/* The author's latest own statement on a subject and season. */
struct own_latest {
	const char *monitor;
	Paxta__Status status;
	int64_t time; /* its entry time */
};

static int
take_own(void *ctx, const Paxta__AttestationRecord *rec)
{
	struct own_latest *ol = ctx;

	if (strcmp(rec->monitor, ol->monitor) == 0) {
		ol->status = rec->attest->status;
		ol->time = rec->time;
	}
	return 0;
}

/* The DWCP row: only a monitor whose latest word on the subject was a
 * finding states a remediation, and it comes with the plan. */
static int
check_remediation(struct apply *a, const Paxta__Attest *at)
{
	struct own_latest ol = { a->e->actor, PAXTA__STATUS__STATUS_UNSPECIFIED,
				 0 };
	int rc;

	if (at->n_documents == 0)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a remediation needs its plan in "
				 "'documents'");
	rc = px_state_each_attestation(a->t, at->subject, at->season, take_own,
				       &ol);
	if (rc != PX_OK)
		return rc;
	if (ol.status != PAXTA__STATUS__STATUS_FORCED_LABOUR &&
	    ol.status != PAXTA__STATUS__STATUS_CHILD_LABOUR)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "'%s' found no forced or child labour on "
				 "'%s' for season %u to remediate",
				 a->e->actor, at->subject, at->season);
	/* Cotton harvested before the finding was published stays
	 * flagged: a remediation cannot reach back past it. */
	if (at->from && at->from < ol.time)
		return px_refuse(a->r, PX_CODE_TIME,
				 "a remediation cannot start before the "
				 "finding it remediates");
	return PX_OK;
}

static int
apply_attest(struct apply *a)
{
	const Paxta__Attest *at = a->e->attest;
	Paxta__AttestationRecord rec = PAXTA__ATTESTATION_RECORD__INIT;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_MONITOR, "attest")) != PX_OK)
		return rc;
	if (!px_state_valid_subject(at->subject) ||
	    at->season < PX_SEASON_MIN || at->season > PX_SEASON_MAX ||
	    at->status < PAXTA__STATUS__STATUS_CERTIFIED ||
	    at->status > PAXTA__STATUS__STATUS_REMEDIATED ||
	    (at->report_sha256.len != 0 &&
	     at->report_sha256.len != PX_HASH_LEN) ||
	    at->n_indicators > 64 || strlen(at->report_uri) > 2048 ||
	    at->from < 0 || at->until < 0 ||
	    (at->from && at->until && at->until < at->from))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a statement needs a subject (farm:, actor:, "
				 "district:, region: or country:), a season, "
				 "a status, a 32-byte report SHA-256 and a "
				 "period whose end is not before its start");
	if (strncmp(at->subject, "actor:", 6) == 0 &&
	    (rc = check_facility(a, at)) != PX_OK)
		return rc;
	if (at->status == PAXTA__STATUS__STATUS_REMEDIATED &&
	    (rc = check_remediation(a, at)) != PX_OK)
		return rc;
	if (strncmp(at->subject, "farm:", 5) == 0) {
		Paxta__ActorRecord *farm = NULL;

		if ((rc = find_actor(a, at->subject + 5, &farm)) != PX_OK)
			return rc;
		/* A gin or a mill named as a farm would be judged as no
		 * origin and change nothing. */
		rc = has_role(farm->actor, PAXTA__ROLE__ROLE_FARM)
			     ? PX_OK
			     : px_refuse(a->r, PX_CODE_MALFORMED,
					 "'%s' is not a farm", at->subject + 5);
		px_state_free(farm);
		if (rc != PX_OK)
			return rc;
	}
	if (strncmp(at->subject, "district:", 9) == 0)
		rc = check_mapped(a, at->subject + 9, 1);
	else if (strncmp(at->subject, "region:", 7) == 0)
		rc = check_mapped(a, at->subject + 7, 0);
	if (rc != PX_OK)
		return rc;
	if ((rc = check_documents(a, at->documents, at->n_documents)) != PX_OK)
		return rc;
	rec.index = a->index;
	rec.monitor = a->e->actor;
	rec.time = a->e->time;
	rec.attest = (Paxta__Attest *)at;
	if ((rc = px_state_put_attestation(a->t, &rec)) != PX_OK)
		return rc;
	/* The verifiable index: every statement on the subject. */
	return px_index_add(a->t, at->subject, a->index);
}

static int
apply_lab(struct apply *a)
{
	const Paxta__LabResult *lr = a->e->lab_result;
	Paxta__LabRecord rec = PAXTA__LAB_RECORD__INIT;
	Paxta__LotRecord *lot = NULL;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_LAB, "report lab results")) !=
	    PX_OK)
		return rc;
	if (lr->report_sha256.len != 0 && lr->report_sha256.len != PX_HASH_LEN)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a report's SHA-256 is 32 bytes");
	if (lr->share_ppm > 1000000 || (lr->matches && lr->share_ppm) ||
	    (!lr->matches && !lr->share_ppm) || strlen(lr->method) > 64 ||
	    lr->tested_at < 0 || lr->tested_at > a->e->time)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a lab result on lot '%s' needs a share from "
				 "0 to 1 (above 0 only for a mismatch), a "
				 "method and a test date before the entry",
				 lr->lot);
	if ((rc = check_documents(a, lr->documents, lr->n_documents)) != PX_OK)
		return rc;
	if ((rc = find_lot(a, lr->lot, &lot)) != PX_OK)
		return rc;
	/* Counted on the lot, so a verdict skips lots with none. */
	lot->lab_results++;
	rc = px_state_put_lot(a->t, lot);
	px_state_free(lot);
	if (rc != PX_OK)
		return rc;
	rec.index = a->index;
	rec.lab = a->e->actor;
	rec.time = a->e->time;
	rec.result = (Paxta__LabResult *)lr;
	if ((rc = px_state_put_lab(a->t, &rec)) != PX_OK)
		return rc;
	return index_lot(a, lr->lot);
}

/* ---- void ---- */

/* The verifiable index (index.h): a lab result or a void about lot. */
static int
index_lot(struct apply *a, const char *lot)
{
	char label[PX_ID_MAX + 8];

	if (snprintf(label, sizeof(label), "lot:%s", lot) >= (int)sizeof(label))
		return PX_EINVAL; /* ids were checked before */
	return px_index_add(a->t, label, a->index);
}

struct untouched {
	const char *holder;
	uint64_t grams;
	int others;
};

static int
count_other(void *ctx, const char *holder, uint64_t grams)
{
	struct untouched *u = ctx;

	if (strcmp(holder, u->holder) != 0 || grams != u->grams)
		u->others++;
	return 0;
}

static int
count_output(void *ctx, const char *lot, uint64_t grams)
{
	(void)lot;
	(void)grams;
	((struct untouched *)ctx)->others++;
	return 0;
}

/* Nothing has built on lot: its creator holds all of it, no lot was made
 * from it, and no transfer (unless voided) ever carried it. */
static int
lot_untouched(struct apply *a, const Paxta__LotRecord *lot)
{
	struct untouched u = { a->e->actor, lot->grams, 0 };
	uint64_t held;
	int rc;

	if ((rc = px_state_holding(a->t, lot->id, a->e->actor, &held)) != PX_OK)
		return rc;
	if (held != lot->grams || lot->shipments)
		u.others++;
	if ((rc = px_state_each_holder(a->t, lot->id, count_other, &u)) !=
	    PX_OK)
		return rc;
	if ((rc = px_state_each_output(a->t, lot->id, count_output, &u)) !=
	    PX_OK)
		return rc;
	if (u.others)
		return px_refuse(a->r, PX_CODE_VOID_DENIED,
				 "lot '%s' has been used since; only an entry "
				 "nothing has built on can be voided",
				 lot->id);
	return PX_OK;
}

static int
void_lot(struct apply *a, const char *id, uint64_t entry)
{
	Paxta__LotRecord *lot = NULL;
	int rc;

	if ((rc = find_lot(a, id, &lot)) != PX_OK)
		return rc;
	/* The id may have been taken again after an earlier void: the lot
	 * that stands now is not this entry's to void. */
	if (lot->created_at != entry)
		rc = px_refuse(a->r, PX_CODE_VOID_DENIED,
			       "lot '%s' of entry %" PRIu64 " was voided "
			       "already; the lot of that id now is entry "
			       "%" PRIu64 "'s",
			       id, entry, lot->created_at);
	/* A lab's finding names the lot: voiding it (and making it again
	 * under another id) would wash the finding away. */
	else if (lot->lab_results)
		rc = px_refuse(a->r, PX_CODE_VOID_DENIED,
			       "lot '%s' has a lab result; a lot a lab "
			       "tested cannot be voided",
			       id);
	else if ((rc = lot_untouched(a, lot)) == PX_OK) {
		lot->voided = 1;
		lot->voided_at = a->index;
		rc = px_state_put_lot(a->t, lot);
		if (rc == PX_OK)
			rc = px_state_set_holding(a->t, id, a->e->actor, 0);
		if (rc == PX_OK && lot->farm[0])
			rc = px_state_del_origin(a->t, lot->district,
						 lot->season, id);
	}
	px_state_free(lot);
	return rc;
}

static int
apply_void(struct apply *a)
{
	const Paxta__Void *v = a->e->void_;
	struct px_entry stored = { 0 };
	const Paxta__Entry *target;
	Paxta__ShipmentRecord *sh = NULL;
	int rc;

	if (v->index == 0 || v->index >= a->index)
		return px_refuse(a->r, PX_CODE_VOID_DENIED,
				 "entry %" PRIu64 " is not an earlier entry",
				 v->index);
	/* Leaves were checked on the way in; fail closed if one is not. */
	if ((rc = px_state_entry(a->t, v->index, &stored)) != PX_OK)
		return rc;
	target = stored.body;
	if (strcmp(target->actor, a->e->actor) != 0) {
		rc = px_refuse(a->r, PX_CODE_VOID_DENIED,
			       "entry %" PRIu64 " was written by '%s'; an "
			       "actor can only void its own entries",
			       v->index, target->actor);
		goto out;
	}
	switch (target->body_case) {
	case PAXTA__ENTRY__BODY_HARVEST:
		rc = void_lot(a, target->harvest->lot, v->index);
		if (rc == PX_OK)
			rc = index_lot(a, target->harvest->lot);
		break;
	case PAXTA__ENTRY__BODY_TRANSFORM: {
		const Paxta__Transform *tf = target->transform;

		/* The outputs' lineage edges stay: as of before the void,
		 * the verdict still walks them. */
		for (size_t i = 0; i < tf->n_outputs && rc == PX_OK; i++) {
			rc = void_lot(a, tf->outputs[i]->lot, v->index);
			if (rc == PX_OK)
				rc = index_lot(a, tf->outputs[i]->lot);
		}
		for (size_t j = 0; j < tf->n_inputs && rc == PX_OK; j++)
			rc = add_holding(a->t, tf->inputs[j]->lot, a->e->actor,
					 (int64_t)tf->inputs[j]->grams);
		break;
	}
	case PAXTA__ENTRY__BODY_TRANSFER:
		rc = px_state_shipment(a->t, target->transfer->shipment, &sh);
		if (rc != PX_OK)
			break;
		if (sh->received || sh->voided) {
			rc = px_refuse(a->r, PX_CODE_VOID_DENIED,
				       "shipment '%s' was %s already", sh->id,
				       sh->received ? "received" : "voided");
			break;
		}
		for (size_t i = 0; i < sh->n_lots && rc == PX_OK; i++) {
			rc = add_holding(a->t, sh->lots[i]->lot, a->e->actor,
					 (int64_t)sh->lots[i]->grams);
			if (rc == PX_OK)
				rc = count_shipment(a->t, sh->lots[i]->lot, -1);
			if (rc == PX_OK)
				rc = px_state_del_transit(
					a->t, sh->lots[i]->lot, sh->id);
		}
		sh->voided = 1;
		if (rc == PX_OK)
			rc = px_state_put_shipment(a->t, sh);
		break;
	default:
		rc = px_refuse(a->r, PX_CODE_VOID_DENIED,
			       "a %s cannot be voided; only a harvest, "
			       "transform or transfer (a monitor withdraws a "
			       "statement with status 'withdrawn')",
			       px_entry_kind_name(target->body_case));
	}
out:
	px_state_free(sh);
	px_entry_release(&stored);
	return rc;
}

/* ---- the registrar's word on monitors and places ---- */

/* A registrar suspends a monitor's statements from an entry on, with a
 * signed reason (DESIGN.md §3.4). */
static int
apply_suspend(struct apply *a)
{
	const Paxta__Suspend *sp = a->e->suspend;
	Paxta__ActorRecord *rec = NULL;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR,
			    "suspend a monitor")) != PX_OK)
		return rc;
	if (sp->from == 0 || sp->from >= a->index || !sp->reason[0] ||
	    strlen(sp->reason) > 1024)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a suspension names an earlier entry to "
				 "suspend from and a reason");
	if ((rc = find_actor(a, sp->subject, &rec)) != PX_OK)
		return rc;
	if (!has_role(rec->actor, PAXTA__ROLE__ROLE_MONITOR))
		rc = px_refuse(a->r, PX_CODE_ROLE_DENIED,
			       "'%s' is not a monitor", sp->subject);
	else if (rec->suspended_at)
		rc = px_refuse(a->r, PX_CODE_REVOKED,
			       "monitor '%s' was suspended already at entry "
			       "%" PRIu64,
			       sp->subject, rec->suspended_at);
	if (rc == PX_OK) {
		char *own = rec->suspension_reason;

		rec->suspended_from = sp->from;
		rec->suspended_at = a->index;
		rec->suspension_reason = sp->reason; /* the entry's, lent */
		rc = px_state_put_actor(a->t, rec);
		rec->suspension_reason = own;
	}
	px_state_free(rec);
	return rc;
}

/* "UZ" is a country code: two capital letters. */
static int
valid_country(const char *code)
{
	return strlen(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' &&
	       code[1] >= 'A' && code[1] <= 'Z';
}

/* code is prefix ‖ '-' ‖ something: "UZ-SA" of "UZ", "UZ-SA-KTK" of
 * "UZ-SA". */
static int
code_under(const char *code, const char *prefix)
{
	size_t n = strlen(prefix);

	return px_state_valid_id(code) && strncmp(code, prefix, n) == 0 &&
	       code[n] == '-' && code[n + 1] != '\0' &&
	       !strchr(code + n + 1, '-');
}

static int
put_place(struct apply *a, const char *code, const char *name,
	  const char *region)
{
	Paxta__PlaceRecord rec = PAXTA__PLACE_RECORD__INIT, *old = NULL;
	int rc = px_state_place(a->t, code, &old);

	px_state_free(old);
	if (rc == PX_OK)
		return PX_OK; /* published before: the map only grows */
	if (rc != PX_ENOTFOUND)
		return rc;
	rec.code = (char *)code;
	rec.name = (char *)name;
	rec.region = (char *)region;
	rec.published_at = a->index;
	return px_state_put_place(a->t, &rec);
}

/* The registrar's map of a country; a later one adds to it. */
static int
apply_publish(struct apply *a)
{
	const Paxta__PublishDistricts *pd = a->e->publish_districts;
	int rc;

	if ((rc = need_role(a, PAXTA__ROLE__ROLE_REGISTRAR,
			    "publish districts")) != PX_OK)
		return rc;
	if (!valid_country(pd->country) || pd->n_regions == 0 ||
	    pd->n_regions > 256)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "a map names a country (ISO 3166-1, 'UZ') "
				 "and 1 to 256 regions");
	for (size_t i = 0; i < pd->n_regions; i++) {
		const Paxta__Region *rg = pd->regions[i];

		if (!code_under(rg->code, pd->country) || !rg->name[0] ||
		    strlen(rg->name) > 128 || rg->n_districts > 1024)
			return px_refuse(a->r, PX_CODE_MALFORMED,
					 "region '%s' is not a region of '%s' "
					 "(ISO 3166-2) with a name and at "
					 "most 1024 districts",
					 rg->code, pd->country);
		for (size_t k = 0; k < rg->n_districts; k++)
			if (!code_under(rg->districts[k]->code, rg->code) ||
			    !rg->districts[k]->name[0] ||
			    strlen(rg->districts[k]->name) > 128)
				return px_refuse(
					a->r, PX_CODE_MALFORMED,
					"district '%s' is not a district of "
					"'%s' with a name",
					rg->districts[k]->code, rg->code);
	}
	if ((rc = put_place(a, pd->country, pd->country, "")) != PX_OK)
		return rc;
	for (size_t i = 0; i < pd->n_regions; i++) {
		const Paxta__Region *rg = pd->regions[i];

		if ((rc = put_place(a, rg->code, rg->name, "")) != PX_OK)
			return rc;
		for (size_t k = 0; k < rg->n_districts; k++)
			if ((rc = put_place(a, rg->districts[k]->code,
					    rg->districts[k]->name,
					    rg->code)) != PX_OK)
				return rc;
	}
	return PX_OK;
}

/* ---- every entry ---- */

/*
 * What every kind may carry beside its body (DESIGN.md §6.1): the event's
 * own time, and documents on the kinds that move cotton. An event is
 * recorded once it happened: its time is not after the entry's (give or
 * take the clock skew); a harvest's event time is its harvested_at.
 */
static int
check_event(struct apply *a)
{
	const Paxta__Entry *e = a->e;
	char t1[PX_TIME_TEXT], t2[PX_TIME_TEXT];
	int64_t when;
	int rc = PX_OK;

	a->when = e->time;
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_HARVEST:
		rc = check_documents(a, e->harvest->documents,
				     e->harvest->n_documents);
		break;
	case PAXTA__ENTRY__BODY_TRANSFORM:
		rc = check_documents(a, e->transform->documents,
				     e->transform->n_documents);
		break;
	case PAXTA__ENTRY__BODY_TRANSFER:
		rc = check_documents(a, e->transfer->papers,
				     e->transfer->n_papers);
		break;
	case PAXTA__ENTRY__BODY_RECEIVE:
		rc = check_documents(a, e->receive->documents,
				     e->receive->n_documents);
		break;
	default:
		break;
	}
	if (rc != PX_OK || !e->event_time[0])
		return rc;
	if (strlen(e->event_time) > 64 || !strchr(e->event_time, 'T') ||
	    px_parse_time(&when, e->event_time) != PX_OK)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "event_time '%.64s' is not an RFC 3339 "
				 "date-time with its UTC offset",
				 e->event_time);
	if (when > e->time + (int64_t)a->ctx->policy->max_skew_s) {
		px_format_time(t1, when);
		px_format_time(t2, e->time);
		return px_refuse(a->r, PX_CODE_TIME,
				 "event time %s is after the entry's own time "
				 "%s: an event is recorded once it happened",
				 t1, t2);
	}
	if (e->body_case == PAXTA__ENTRY__BODY_HARVEST &&
	    e->harvest->harvested_at != when)
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "harvest '%s': event_time and harvested_at "
				 "name different times",
				 e->harvest->lot);
	a->when = when;
	return PX_OK;
}

/* A span of seconds for people: "40d 0h 0m", "3h 5m" or "4m 2s". */
static void
format_span(char *out, size_t cap, int64_t s)
{
	int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d)
		snprintf(out, cap, "%" PRId64 "d %" PRId64 "h %" PRId64 "m", d,
			 h, m);
	else if (h)
		snprintf(out, cap, "%" PRId64 "h %" PRId64 "m", h, m);
	else
		snprintf(out, cap, "%" PRId64 "m %" PRId64 "s", m, s % 60);
}

/*
 * The policy's recording-delay cap (docs/events.md "Recording delay"): an
 * event of a capped kind is recorded at most that long after it happened,
 * measured from its event time (a harvest's harvested_at) to the node's
 * acceptance time — ctx->now, never this machine's clock, so an audit that
 * replays with the logged acceptance time decides the same. Without a
 * node's time (INT64_MAX) there is nothing to measure against.
 */
static int
check_delay(struct apply *a)
{
	const Paxta__Entry *e = a->e;
	unsigned kind = (unsigned)e->body_case;
	char t1[PX_TIME_TEXT], t2[PX_TIME_TEXT], late[48], cap[48];
	int64_t when = a->when, max;

	if (kind >= PX_KIND_SLOTS || !a->ctx->policy->max_delay_s[kind] ||
	    a->ctx->now == INT64_MAX)
		return PX_OK;
	if (e->body_case == PAXTA__ENTRY__BODY_HARVEST && !e->event_time[0])
		when = e->harvest->harvested_at;
	max = (int64_t)a->ctx->policy->max_delay_s[kind];
	if (when >= a->ctx->now - max)
		return PX_OK;
	px_format_time(t1, when);
	px_format_time(t2, a->ctx->now);
	format_span(late, sizeof(late), a->ctx->now - when);
	format_span(cap, sizeof(cap), max);
	return px_refuse(a->r, PX_CODE_TIME,
			 "%s of %s is recorded %s after it happened (accepted "
			 "%s); the ledger's policy records a %s at most %s "
			 "after it happened",
			 px_entry_kind_name(e->body_case), t1, late, t2,
			 px_entry_kind_name(e->body_case), cap);
}

/* The actor an entry changes, or NULL. */
static const char *
actor_changed(const Paxta__Entry *e)
{
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_REGISTER_ACTOR:
		return e->register_actor->subject->id;
	case PAXTA__ENTRY__BODY_UPDATE_ACTOR:
		return e->update_actor->subject->id;
	case PAXTA__ENTRY__BODY_REVOKE_ACTOR:
		return e->revoke_actor->subject;
	case PAXTA__ENTRY__BODY_ROTATE_KEY:
		return e->rotate_key->subject;
	case PAXTA__ENTRY__BODY_SUSPEND:
		return e->suspend->subject;
	default:
		return NULL;
	}
}

/*
 * An event's id (DESIGN.md §6.1): an id, logged once per author. The
 * ledger answers a repeat as already logged before it gets here; a log
 * that holds one twice is wrong.
 */
static int
check_event_id(struct apply *a)
{
	const Paxta__Entry *e = a->e;
	uint64_t at;
	int rc;

	if (!e->event_id[0])
		return PX_OK;
	if (!px_state_valid_id(e->event_id))
		return px_refuse(a->r, PX_CODE_MALFORMED,
				 "event_id must be an id of 1 to %d ASCII "
				 "letters, digits and punctuation",
				 PX_ID_MAX);
	rc = px_state_event(a->t, e->actor, e->event_id, &at);
	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc != PX_OK)
		return rc;
	return px_refuse(a->r, PX_CODE_MALFORMED,
			 "event '%s' of '%s' is logged already, at entry "
			 "%" PRIu64,
			 e->event_id, e->actor, at);
}

int
px_rules_apply(struct px_txn *t, const struct px_rules_ctx *ctx, uint64_t index,
	       const struct px_entry *entry, struct px_refusal *r)
{
	const struct px_signed_entry *env = &entry->env;
	const struct px_hash *entry_hash = &entry->entry_hash;
	const Paxta__Entry *e = entry->body;
	struct apply a = { t, ctx, index, e, NULL, r, 0 };
	Paxta__ActorRecord *author = NULL;
	ProtobufCBinaryData last;
	const char *subject;
	char t1[PX_TIME_TEXT];
	int rc;

	if (e->body_case == PAXTA__ENTRY__BODY_GENESIS)
		return apply_genesis(&a, env);
	if (index == 0)
		return px_refuse(r, PX_CODE_MALFORMED,
				 "leaf 0 must be the genesis");
	if (e->body_case == PAXTA__ENTRY__BODY_INDEX_ROOT)
		return apply_index_root(&a, env);
	if (e->body_case == PAXTA__ENTRY__BODY__NOT_SET)
		return px_refuse(r, PX_CODE_MALFORMED,
				 "the entry has no kind this node knows");

	/* Rule 1: a registered, unrevoked author, signing with its current
	 * key. */
	rc = px_state_actor(t, e->actor, &author);
	if (rc == PX_ENOTFOUND)
		return px_refuse(r, PX_CODE_UNKNOWN_ACTOR,
				 "actor '%s' is not registered", e->actor);
	if (rc != PX_OK)
		return rc;
	if (author->revoked) {
		rc = px_refuse(r, PX_CODE_REVOKED,
			       "actor '%s' was revoked at entry %" PRIu64,
			       e->actor, author->revoked_at);
		goto out;
	}
	if (author->actor->public_key.len != PX_PUBKEY_LEN ||
	    memcmp(author->actor->public_key.data, env->pub.b, PX_PUBKEY_LEN) !=
		    0) {
		rc = px_refuse(r, PX_CODE_BAD_SIGNATURE,
			       "the entry is signed by a key that is not "
			       "'%s''s current key",
			       e->actor);
		goto out;
	}
	/* Rule 2: exactly the next sequence number, after exactly the
	 * author's previous entry. */
	if (e->seq != author->seq + 1) {
		rc = px_refuse(r, PX_CODE_SEQUENCE,
			       "'%s' is at sequence %" PRIu64
			       "; the next entry must be %" PRIu64
			       ", not %" PRIu64,
			       e->actor, author->seq, author->seq + 1, e->seq);
		goto out;
	}
	if (e->prev.len != author->last_hash.len ||
	    (e->prev.len &&
	     memcmp(e->prev.data, author->last_hash.data, e->prev.len) != 0)) {
		rc = px_refuse(r, PX_CODE_SEQUENCE,
			       "the entry does not follow '%s''s previous "
			       "entry (prev hash mismatch)",
			       e->actor);
		goto out;
	}
	/* Rule 5: no further ahead of the node's clock than the skew. */
	if (ctx->now != INT64_MAX &&
	    e->time > ctx->now + (int64_t)ctx->policy->max_skew_s) {
		px_format_time(t1, e->time);
		rc = px_refuse(r, PX_CODE_TIME,
			       "entry time %s is more than %u s ahead of the "
			       "node's clock",
			       t1, ctx->policy->max_skew_s);
		goto out;
	}

	if ((rc = check_time_order(t, ctx, e, author, r)) != PX_OK)
		goto out;

	/* The author's chain moves on first: a kind that changes the author
	 * itself (a registrar updating its own record, a rotation) reads the
	 * new record and writes over it. */
	last = author->last_hash;
	author->seq = e->seq;
	if (e->time > author->last_time)
		author->last_time = e->time;
	author->last_hash.data = (uint8_t *)entry_hash->b;
	author->last_hash.len = PX_HASH_LEN;
	rc = px_state_put_actor(t, author);
	author->last_hash = last;
	if (rc != PX_OK)
		goto out;
	a.author = author;
	if ((rc = check_event(&a)) != PX_OK ||
	    (rc = check_delay(&a)) != PX_OK ||
	    (rc = check_event_id(&a)) != PX_OK)
		goto out;

	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_REGISTER_ACTOR:
		rc = e->register_actor ? apply_register(&a) : PX_EINVAL;
		break;
	case PAXTA__ENTRY__BODY_UPDATE_ACTOR:
		rc = apply_update(&a);
		break;
	case PAXTA__ENTRY__BODY_REVOKE_ACTOR:
		rc = apply_revoke(&a);
		break;
	case PAXTA__ENTRY__BODY_ROTATE_KEY:
		rc = apply_rotate(&a);
		break;
	case PAXTA__ENTRY__BODY_HARVEST:
		rc = apply_harvest(&a);
		break;
	case PAXTA__ENTRY__BODY_TRANSFORM:
		rc = apply_transform(&a);
		break;
	case PAXTA__ENTRY__BODY_TRANSFER:
		rc = apply_transfer(&a);
		break;
	case PAXTA__ENTRY__BODY_RECEIVE:
		rc = apply_receive(&a);
		break;
	case PAXTA__ENTRY__BODY_LAB_RESULT:
		rc = apply_lab(&a);
		break;
	case PAXTA__ENTRY__BODY_VOID:
		rc = apply_void(&a);
		break;
	case PAXTA__ENTRY__BODY_ATTEST:
		rc = apply_attest(&a);
		break;
	case PAXTA__ENTRY__BODY_SUSPEND:
		rc = apply_suspend(&a);
		break;
	case PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS:
		rc = apply_publish(&a);
		break;
	default:
		rc = px_refuse(r, PX_CODE_MALFORMED,
			       "the entry has no kind this node knows");
	}
	/* In the same transaction as the entry: an event is logged once. */
	if (rc == PX_OK && e->event_id[0])
		rc = px_state_put_event(t, e->actor, e->event_id, index);
	/* An actor's own history (registration, changes, keys, revocation,
	 * suspension): what a bundle gathers for each author it holds. */
	if (rc == PX_OK && (subject = actor_changed(e)))
		rc = px_state_put_actor_entry(t, subject, index);
out:
	px_state_free(author);
	return rc;
}
