/* paxta — the state kept beside the log, as records in the store's tables. */
#include <stdlib.h>
#include <string.h>

#include "paxta/error.h"
#include "paxta/state.h"

struct msg_scan {
	const ProtobufCMessageDescriptor *desc;
	int (*fn)(void *ctx, const void *rec);
	void *ctx;
};

static int msg_cb(void *ctx, const uint8_t *key, size_t klen,
		  const uint8_t *value, size_t vlen);

/* Longest key: two ids, a 0 byte, a season and an index. */
#define KEY_MAX (2 * PX_ID_MAX + 16 + 8 + 4)

int
px_state_valid_id(const char *id)
{
	size_t n;

	if (!id)
		return 0;
	n = strlen(id);
	if (n == 0 || n > PX_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] <= 0x20 ||
		    (unsigned char)id[i] >= 0x7f)
			return 0;
	return 1;
}

int
px_state_valid_subject(const char *subject)
{
	static const char *const kinds[] = { "farm:", "district:", "region:",
					     "country:", "actor:" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i]);

		if (strncmp(subject, kinds[i], n) == 0)
			return px_state_valid_id(subject + n);
	}
	return 0;
}

int
px_state_entry(struct px_txn *t, uint64_t index, struct px_entry *out)
{
	const uint8_t *leaf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (index >= px_store_size(t))
		return PX_ENOTFOUND;
	if ((rc = px_store_leaf(t, index, &leaf, &len)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	if ((rc = px_entry_read(out, leaf, len, PX_ENTRY_DECODE)) != PX_OK)
		return rc;
	if (out->status != PX_OK) {
		px_entry_release(out);
		return PX_ESTORE;
	}
	return PX_OK;
}

int
px_state_accepted_at(struct px_txn *t, uint64_t index, int64_t *out)
{
	struct px_entry e;
	int rc = px_state_entry(t, index, &e);

	if (rc == PX_OK)
		*out = e.accepted_at;
	px_entry_release(&e);
	return rc;
}

int
px_state_find_entry(struct px_txn *t, const struct px_hash *entry_hash,
		    uint64_t *out_index)
{
	struct px_entry e;
	const uint8_t *leaf;
	size_t len;
	uint64_t index;
	int rc = px_store_find(t, entry_hash, &index);

	if (rc != PX_OK)
		return rc;
	if ((rc = px_store_leaf(t, index, &leaf, &len)) != PX_OK)
		return rc == PX_ENOTFOUND ? PX_ESTORE : rc;
	if ((rc = px_entry_read(&e, leaf, len, PX_ENTRY_HASH)) != PX_OK)
		return rc;
	if (!e.signed_entry ||
	    memcmp(e.entry_hash.b, entry_hash->b, PX_HASH_LEN) != 0)
		rc = PX_ESTORE;
	px_entry_release(&e);
	if (rc == PX_OK)
		*out_index = index;
	return rc;
}

void
px_state_free(void *record)
{
	if (record)
		protobuf_c_message_free_unpacked(record, NULL);
}

/* key = a ‖ 0 ‖ b (b may be NULL: a alone, or a ‖ 0 when sep). */
static size_t
join(uint8_t *key, const char *a, const char *b, int sep)
{
	size_t n = strnlen(a, PX_ID_MAX + 16);

	memcpy(key, a, n);
	if (b || sep)
		key[n++] = 0;
	if (b) {
		size_t m = strnlen(b, PX_ID_MAX + 16);

		memcpy(key + n, b, m);
		n += m;
	}
	return n;
}

static int
get_msg(struct px_txn *t, enum px_table table, const void *key, size_t klen,
	const ProtobufCMessageDescriptor *desc, void **out)
{
	const uint8_t *v;
	size_t vlen;
	int rc;

	*out = NULL;
	if ((rc = px_store_get(t, table, key, klen, &v, &vlen)) != PX_OK)
		return rc;
	*out = protobuf_c_message_unpack(desc, NULL, vlen, v);
	return *out ? PX_OK : PX_ESTORE;
}

static int
put_msg(struct px_txn *t, enum px_table table, const void *key, size_t klen,
	const ProtobufCMessage *msg)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t stack[1024], *buf = stack;
	int rc;

	if (n > sizeof(stack) && !(buf = malloc(n)))
		return PX_ENOMEM;
	protobuf_c_message_pack(msg, buf);
	rc = px_store_put(t, table, key, klen, buf, n);
	if (buf != stack)
		free(buf);
	return rc;
}

static int
get_u64(struct px_txn *t, enum px_table table, const void *key, size_t klen,
	uint64_t *out)
{
	const uint8_t *v;
	size_t vlen;
	int rc = px_store_get(t, table, key, klen, &v, &vlen);

	*out = 0;
	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc != PX_OK)
		return rc;
	if (vlen != 8)
		return PX_ESTORE;
	*out = px_get_be64(v);
	return PX_OK;
}

static int
put_u64(struct px_txn *t, enum px_table table, const void *key, size_t klen,
	uint64_t value)
{
	uint8_t v[8];

	px_put_be64(v, value);
	return px_store_put(t, table, key, klen, v, 8);
}

int
px_state_actor(struct px_txn *t, const char *id, Paxta__ActorRecord **out)
{
	if (!px_state_valid_id(id)) {
		*out = NULL;
		return PX_ENOTFOUND;
	}
	return get_msg(t, PX_TABLE_ACTORS, id, strlen(id),
		       &paxta__actor_record__descriptor, (void **)out);
}

int
px_state_lot(struct px_txn *t, const char *id, Paxta__LotRecord **out)
{
	if (!px_state_valid_id(id)) {
		*out = NULL;
		return PX_ENOTFOUND;
	}
	return get_msg(t, PX_TABLE_LOTS, id, strlen(id),
		       &paxta__lot_record__descriptor, (void **)out);
}

/* A version existed as of tree size at: made before, voided not before. */
static int
lot_exists_at(const Paxta__LotRecord *rec, uint64_t at)
{
	return rec->created_at < at && !(rec->voided && rec->voided_at < at);
}

struct version_find {
	uint64_t at;
	Paxta__LotRecord *found;
};

static int
find_version(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	     size_t vlen)
{
	struct version_find *vf = ctx;
	Paxta__LotRecord *rec;

	(void)key;
	(void)klen;
	rec = paxta__lot_record__unpack(NULL, vlen, value);
	if (!rec)
		return PX_ESTORE;
	if (lot_exists_at(rec, vf->at)) {
		vf->found = rec;
		return 1; /* versions never overlap: the first is the one */
	}
	px_state_free(rec);
	return PX_OK;
}

int
px_state_lot_as_of(struct px_txn *t, const char *id, uint64_t at,
		   Paxta__LotRecord **out)
{
	struct version_find vf = { at, NULL };
	uint8_t prefix[KEY_MAX];
	int rc = px_state_lot(t, id, out);

	if (rc != PX_OK)
		return rc;
	if (lot_exists_at(*out, at))
		return PX_OK;
	/* One cursor seek when the id was never taken again. */
	px_state_free(*out);
	*out = NULL;
	rc = px_store_scan(t, PX_TABLE_LOTS, prefix, join(prefix, id, NULL, 1),
			   find_version, &vf);
	if (rc < 0) {
		px_state_free(vf.found);
		return rc;
	}
	*out = vf.found;
	return vf.found ? PX_OK : PX_ENOTFOUND;
}

/* The lineage marker's key in PX_TABLE_EVENTS: an empty author, which no
 * event has (authors are valid ids). */
static const uint8_t lineage_mark_key[] = {
	0, 'l', 'i', 'n', 'e', 'a', 'g', 'e'
};

int
px_state_lineage_mark(struct px_txn *t, uint64_t *out)
{
	return get_u64(t, PX_TABLE_EVENTS, lineage_mark_key,
		       sizeof(lineage_mark_key), out);
}

/* A walked fact of an existing lot changes in the entry being applied. */
static int
mark_lineage(struct px_txn *t)
{
	return put_u64(t, PX_TABLE_EVENTS, lineage_mark_key,
		       sizeof(lineage_mark_key), px_store_size(t));
}

/* Collect the lineage inputs of a lot about to be superseded. */
struct inputs_take {
	Paxta__LotMass *lines;
	size_t n, cap;
	char (*ids)[PX_ID_MAX + 1];
};

static int
take_input(void *ctx, const char *lot, uint64_t grams)
{
	struct inputs_take *it = ctx;

	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 8;
		Paxta__LotMass *lines =
			realloc(it->lines, cap * sizeof(*lines));
		char(*ids)[PX_ID_MAX + 1];

		if (!lines)
			return PX_ENOMEM;
		it->lines = lines;
		ids = realloc(it->ids, cap * sizeof(*ids));
		if (!ids)
			return PX_ENOMEM;
		it->ids = ids;
		it->cap = cap;
	}
	strcpy(it->ids[it->n], lot); /* scan_pairs: at most PX_ID_MAX */
	paxta__lot_mass__init(&it->lines[it->n]);
	it->lines[it->n].grams = grams;
	it->n++;
	return PX_OK;
}

int
px_state_supersede_lot(struct px_txn *t, const char *id, uint64_t index)
{
	struct inputs_take it = { 0 };
	Paxta__LotRecord *rec = NULL;
	Paxta__LotMass **ptrs = NULL;
	uint8_t key[KEY_MAX];
	size_t n;
	int rc = px_state_lot(t, id, &rec);

	if (rc == PX_ENOTFOUND)
		return PX_OK;
	if (rc != PX_OK)
		return rc;
	if (!rec->voided || rec->n_inputs) {
		rc = PX_EINVAL;
		goto out;
	}
	if ((rc = mark_lineage(t)) != PX_OK)
		goto out;
	if ((rc = px_state_each_input(t, id, take_input, &it)) != PX_OK)
		goto out;
	if (it.n && !(ptrs = calloc(it.n, sizeof(*ptrs)))) {
		rc = PX_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < it.n; i++) {
		it.lines[i].lot = it.ids[i];
		ptrs[i] = &it.lines[i];
		/* Its edges leave the live tables with it. */
		rc = px_store_del(t, PX_TABLE_EDGES_UP, key,
				  join(key, id, it.ids[i], 1));
		if (rc == PX_OK)
			rc = px_store_del(t, PX_TABLE_EDGES_DOWN, key,
					  join(key, it.ids[i], id, 1));
		if (rc != PX_OK)
			goto out;
	}
	rec->superseded_at = index;
	rec->n_inputs = it.n;
	rec->inputs = ptrs;
	n = join(key, id, NULL, 1);
	px_put_be64(key + n, rec->created_at);
	rc = put_msg(t, PX_TABLE_LOTS, key, n + 8, &rec->base);
	rec->n_inputs = 0;
	rec->inputs = NULL;
	if (rc == PX_OK)
		rc = px_store_del(t, PX_TABLE_LOTS, id, strlen(id));
out:
	free(ptrs);
	free(it.lines);
	free(it.ids);
	px_state_free(rec);
	return rc;
}

int
px_state_each_lot_version(struct px_txn *t, const char *id, px_state_lot_fn fn,
			  void *ctx)
{
	uint8_t prefix[KEY_MAX];
	struct msg_scan ms = { &paxta__lot_record__descriptor,
			       (int (*)(void *, const void *))fn, ctx };

	return px_store_scan(t, PX_TABLE_LOTS, prefix,
			     join(prefix, id, NULL, 1), msg_cb, &ms);
}

int
px_state_shipment(struct px_txn *t, const char *id, Paxta__ShipmentRecord **out)
{
	if (!px_state_valid_id(id)) {
		*out = NULL;
		return PX_ENOTFOUND;
	}
	return get_msg(t, PX_TABLE_SHIPMENTS, id, strlen(id),
		       &paxta__shipment_record__descriptor, (void **)out);
}

int
px_state_put_actor(struct px_txn *t, const Paxta__ActorRecord *rec)
{
	const char *id = rec->actor->id;

	return put_msg(t, PX_TABLE_ACTORS, id, strlen(id), &rec->base);
}

static int
same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Do a and b differ in what graph.c's walk reads of a lot (read_record
 * and visit), or in what picks the version it reads (voided_at)? A lab
 * result counts only when it is the first: the walk reads whether a lot
 * has one, and the verdict reads the results themselves afresh. */
static int
walked_facts_differ(const Paxta__LotRecord *a, const Paxta__LotRecord *b)
{
	if (a->product != b->product || a->process != b->process ||
	    a->created_at != b->created_at || a->time != b->time ||
	    a->grams != b->grams || a->season != b->season ||
	    a->method != b->method || a->voided != b->voided ||
	    a->voided_at != b->voided_at ||
	    (a->lab_results > 0) != (b->lab_results > 0) ||
	    a->superseded_at != b->superseded_at ||
	    a->n_inputs != b->n_inputs || !same_text(a->creator, b->creator) ||
	    !same_text(a->district, b->district) ||
	    !same_text(a->region, b->region) || !same_text(a->farm, b->farm))
		return 1;
	for (size_t i = 0; i < a->n_inputs; i++)
		if (a->inputs[i]->grams != b->inputs[i]->grams ||
		    !same_text(a->inputs[i]->lot, b->inputs[i]->lot))
			return 1;
	return 0;
}

int
px_state_put_lot(struct px_txn *t, const Paxta__LotRecord *rec)
{
	Paxta__LotRecord *old = NULL;
	int rc = px_state_lot(t, rec->id, &old);

	/* A record that does not decode is a changed one. */
	if (rc == PX_ESTORE || (rc == PX_OK && walked_facts_differ(old, rec)))
		rc = mark_lineage(t);
	else if (rc == PX_ENOTFOUND)
		rc = PX_OK; /* a new lot: in no lineage read before */
	px_state_free(old);
	if (rc != PX_OK)
		return rc;
	return put_msg(t, PX_TABLE_LOTS, rec->id, strlen(rec->id), &rec->base);
}

int
px_state_put_shipment(struct px_txn *t, const Paxta__ShipmentRecord *rec)
{
	return put_msg(t, PX_TABLE_SHIPMENTS, rec->id, strlen(rec->id),
		       &rec->base);
}

int
px_state_place(struct px_txn *t, const char *code, Paxta__PlaceRecord **out)
{
	if (!px_state_valid_id(code)) {
		*out = NULL;
		return PX_ENOTFOUND;
	}
	return get_msg(t, PX_TABLE_PLACES, code, strlen(code),
		       &paxta__place_record__descriptor, (void **)out);
}

int
px_state_put_place(struct px_txn *t, const Paxta__PlaceRecord *rec)
{
	return put_msg(t, PX_TABLE_PLACES, rec->code, strlen(rec->code),
		       &rec->base);
}

int
px_state_put_key(struct px_txn *t, const char *actor, uint64_t from,
		 const uint8_t pub[32])
{
	Paxta__KeyRecord rec = PAXTA__KEY_RECORD__INIT;
	uint8_t key[KEY_MAX];
	size_t n = join(key, actor, NULL, 1);

	px_put_be64(key + n, from);
	rec.public_key.data = (uint8_t *)pub;
	rec.public_key.len = 32;
	rec.from = from;
	return put_msg(t, PX_TABLE_KEYS, key, n + 8, &rec.base);
}

int
px_state_event(struct px_txn *t, const char *author, const char *event_id,
	       uint64_t *index)
{
	uint8_t key[KEY_MAX];
	const uint8_t *v;
	size_t vlen;
	int rc;

	if (strnlen(event_id, PX_ID_MAX + 1) > PX_ID_MAX ||
	    strnlen(author, PX_ID_MAX + 1) > PX_ID_MAX)
		return PX_ENOTFOUND;
	rc = px_store_get(t, PX_TABLE_EVENTS, key,
			  join(key, author, event_id, 1), &v, &vlen);
	if (rc != PX_OK)
		return rc;
	if (vlen != 8)
		return PX_ESTORE;
	*index = px_get_be64(v);
	return PX_OK;
}

int
px_state_put_event(struct px_txn *t, const char *author, const char *event_id,
		   uint64_t index)
{
	uint8_t key[KEY_MAX];

	if (!event_id[0] || strnlen(event_id, PX_ID_MAX + 1) > PX_ID_MAX ||
	    strnlen(author, PX_ID_MAX + 1) > PX_ID_MAX)
		return PX_EINVAL;
	return put_u64(t, PX_TABLE_EVENTS, key, join(key, author, event_id, 1),
		       index);
}

int
px_state_holding(struct px_txn *t, const char *lot, const char *holder,
		 uint64_t *out)
{
	uint8_t key[KEY_MAX];

	return get_u64(t, PX_TABLE_HOLDINGS, key, join(key, lot, holder, 1),
		       out);
}

int
px_state_set_holding(struct px_txn *t, const char *lot, const char *holder,
		     uint64_t grams)
{
	uint8_t key[KEY_MAX], rkey[KEY_MAX];
	size_t n = join(key, lot, holder, 1), rn = join(rkey, holder, lot, 1);
	int rc;

	if (grams == 0) {
		rc = px_store_del(t, PX_TABLE_HOLDINGS, key, n);
		if (rc == PX_OK || rc == PX_ENOTFOUND)
			rc = px_store_del(t, PX_TABLE_HELD_BY, rkey, rn);
		return rc == PX_ENOTFOUND ? PX_OK : rc;
	}
	if ((rc = put_u64(t, PX_TABLE_HOLDINGS, key, n, grams)) != PX_OK)
		return rc;
	return put_u64(t, PX_TABLE_HELD_BY, rkey, rn, grams);
}

/* Scans keyed "id ‖ 0 ‖ other id" -> u64 grams. */
struct pair_scan {
	size_t prefix;
	int (*fn)(void *ctx, const char *other, uint64_t grams);
	void *ctx;
};

static int
pair_cb(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	size_t vlen)
{
	struct pair_scan *ps = ctx;
	char other[PX_ID_MAX + 1];
	size_t n = klen - ps->prefix;

	if (vlen != 8 || n == 0 || n > PX_ID_MAX)
		return PX_ESTORE;
	memcpy(other, key + ps->prefix, n);
	other[n] = '\0';
	return ps->fn(ps->ctx, other, px_get_be64(value));
}

static int
scan_pairs(struct px_txn *t, enum px_table table, const char *id,
	   int (*fn)(void *, const char *, uint64_t), void *ctx)
{
	uint8_t prefix[KEY_MAX];
	struct pair_scan ps = { .fn = fn, .ctx = ctx };

	ps.prefix = join(prefix, id, NULL, 1);
	return px_store_scan(t, table, prefix, ps.prefix, pair_cb, &ps);
}

int
px_state_each_holder(struct px_txn *t, const char *lot, px_state_holder_fn fn,
		     void *ctx)
{
	return scan_pairs(t, PX_TABLE_HOLDINGS, lot, fn, ctx);
}

int
px_state_each_held(struct px_txn *t, const char *holder, px_state_holder_fn fn,
		   void *ctx)
{
	return scan_pairs(t, PX_TABLE_HELD_BY, holder, fn, ctx);
}

struct shipment_scan {
	px_state_shipment_fn fn;
	void *ctx;
};

static int
shipment_cb(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	    size_t vlen)
{
	struct shipment_scan *ss = ctx;
	Paxta__ShipmentRecord *rec =
		paxta__shipment_record__unpack(NULL, vlen, value);
	int rc;

	(void)key;
	(void)klen;
	if (!rec)
		return PX_ESTORE;
	rc = ss->fn(ss->ctx, rec);
	px_state_free(rec);
	return rc;
}

int
px_state_each_shipment(struct px_txn *t, px_state_shipment_fn fn, void *ctx)
{
	struct shipment_scan ss = { fn, ctx };

	return px_store_scan(t, PX_TABLE_SHIPMENTS, NULL, 0, shipment_cb, &ss);
}

int
px_state_put_transit(struct px_txn *t, const char *lot, const char *shipment,
		     const char *consignee, uint64_t grams)
{
	uint8_t key[KEY_MAX], value[8 + PX_ID_MAX];
	size_t n = strnlen(consignee, PX_ID_MAX);

	px_put_be64(value, grams);
	memcpy(value + 8, consignee, n);
	return px_store_put(t, PX_TABLE_IN_TRANSIT, key,
			    join(key, lot, shipment, 1), value, 8 + n);
}

int
px_state_del_transit(struct px_txn *t, const char *lot, const char *shipment)
{
	uint8_t key[KEY_MAX];
	int rc = px_store_del(t, PX_TABLE_IN_TRANSIT, key,
			      join(key, lot, shipment, 1));

	return rc == PX_ENOTFOUND ? PX_OK : rc;
}

struct transit_scan {
	size_t prefix;
	px_state_transit_fn fn;
	void *ctx;
};

static int
transit_cb(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	   size_t vlen)
{
	struct transit_scan *ts = ctx;
	char shipment[PX_ID_MAX + 1], consignee[PX_ID_MAX + 1];
	size_t n = klen - ts->prefix, m = vlen - 8;

	if (vlen <= 8 || n == 0 || n > PX_ID_MAX || m > PX_ID_MAX)
		return PX_ESTORE;
	memcpy(shipment, key + ts->prefix, n);
	shipment[n] = '\0';
	memcpy(consignee, value + 8, m);
	consignee[m] = '\0';
	return ts->fn(ts->ctx, shipment, consignee, px_get_be64(value));
}

int
px_state_each_transit(struct px_txn *t, const char *lot, px_state_transit_fn fn,
		      void *ctx)
{
	uint8_t prefix[KEY_MAX];
	struct transit_scan ts = { 0, fn, ctx };

	ts.prefix = join(prefix, lot, NULL, 1);
	return px_store_scan(t, PX_TABLE_IN_TRANSIT, prefix, ts.prefix,
			     transit_cb, &ts);
}

int
px_state_put_lot_shipment(struct px_txn *t, const char *lot,
			  const char *shipment, uint64_t sent_at)
{
	uint8_t key[KEY_MAX];

	return put_u64(t, PX_TABLE_LOT_SHIPMENTS, key,
		       join(key, lot, shipment, 1), sent_at);
}

int
px_state_each_lot_shipment(struct px_txn *t, const char *lot,
			   px_state_lot_shipment_fn fn, void *ctx)
{
	return scan_pairs(t, PX_TABLE_LOT_SHIPMENTS, lot, fn, ctx);
}

/* actor ‖ 0 ‖ index: *out its length, 0 for an id over the cap. */
static size_t
actor_entry_key(uint8_t key[KEY_MAX], const char *actor, uint64_t index)
{
	size_t n = strlen(actor);

	if (n > PX_ID_MAX)
		return 0;
	memcpy(key, actor, n);
	key[n] = 0;
	px_put_be64(key + n + 1, index);
	return n + 9;
}

int
px_state_put_actor_entry(struct px_txn *t, const char *actor, uint64_t index)
{
	uint8_t key[KEY_MAX];
	size_t n = actor_entry_key(key, actor, index);

	if (!n)
		return PX_EINVAL;
	return px_store_put(t, PX_TABLE_ACTOR_ENTRIES, key, n, "", 0);
}

struct actor_entry_scan {
	int (*fn)(void *ctx, uint64_t index);
	void *ctx;
};

static int
on_actor_entry(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	       size_t vlen)
{
	struct actor_entry_scan *sc = ctx;

	(void)value;
	(void)vlen;
	if (klen < 9)
		return PX_ESTORE;
	return sc->fn(sc->ctx, px_get_be64(key + klen - 8));
}

int
px_state_each_actor_entry(struct px_txn *t, const char *actor,
			  int (*fn)(void *ctx, uint64_t index), void *ctx)
{
	struct actor_entry_scan sc = { fn, ctx };
	uint8_t prefix[KEY_MAX];
	size_t n = strlen(actor);

	if (n > PX_ID_MAX)
		return PX_ENOTFOUND;
	memcpy(prefix, actor, n);
	prefix[n] = 0;
	return px_store_scan(t, PX_TABLE_ACTOR_ENTRIES, prefix, n + 1,
			     on_actor_entry, &sc);
}

int
px_state_put_edge(struct px_txn *t, const char *output, const char *input,
		  uint64_t grams)
{
	Paxta__LotRecord *made = NULL;
	uint8_t key[KEY_MAX];
	int rc = px_state_lot(t, output, &made);

	/* New inputs of a lot made by an earlier entry change its lineage
	 * (a transform's outputs, made by the entry being applied, do not:
	 * nothing has read them yet). */
	if (rc == PX_ESTORE ||
	    (rc == PX_OK && made->created_at < px_store_size(t)))
		rc = mark_lineage(t);
	else if (rc == PX_ENOTFOUND)
		rc = PX_OK;
	px_state_free(made);
	if (rc != PX_OK)
		return rc;
	rc = put_u64(t, PX_TABLE_EDGES_UP, key, join(key, output, input, 1),
		     grams);
	if (rc != PX_OK)
		return rc;
	return put_u64(t, PX_TABLE_EDGES_DOWN, key, join(key, input, output, 1),
		       grams);
}

int
px_state_each_input(struct px_txn *t, const char *lot, px_state_edge_fn fn,
		    void *ctx)
{
	return scan_pairs(t, PX_TABLE_EDGES_UP, lot, fn, ctx);
}

int
px_state_each_output(struct px_txn *t, const char *lot, px_state_edge_fn fn,
		     void *ctx)
{
	return scan_pairs(t, PX_TABLE_EDGES_DOWN, lot, fn, ctx);
}

static void
put_be32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

int
px_state_put_attestation(struct px_txn *t, const Paxta__AttestationRecord *rec)
{
	uint8_t key[KEY_MAX];
	size_t n = join(key, rec->attest->subject, NULL, 1);

	put_be32(key + n, rec->attest->season);
	px_put_be64(key + n + 4, rec->index);
	return put_msg(t, PX_TABLE_ATTESTATIONS, key, n + 12, &rec->base);
}

static int
msg_cb(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
       size_t vlen)
{
	struct msg_scan *ms = ctx;
	ProtobufCMessage *rec;
	int rc;

	(void)key;
	(void)klen;
	rec = protobuf_c_message_unpack(ms->desc, NULL, vlen, value);
	if (!rec)
		return PX_ESTORE;
	rc = ms->fn(ms->ctx, rec);
	protobuf_c_message_free_unpacked(rec, NULL);
	return rc;
}

int
px_state_each_attestation(struct px_txn *t, const char *subject,
			  uint32_t season, px_state_attestation_fn fn,
			  void *ctx)
{
	uint8_t prefix[KEY_MAX];
	size_t n = join(prefix, subject, NULL, 1);
	struct msg_scan ms = { &paxta__attestation_record__descriptor,
			       (int (*)(void *, const void *))fn, ctx };

	if (season) {
		put_be32(prefix + n, season);
		n += 4;
	}
	return px_store_scan(t, PX_TABLE_ATTESTATIONS, prefix, n, msg_cb, &ms);
}

int
px_state_each_lot(struct px_txn *t, px_state_lot_fn fn, void *ctx)
{
	struct msg_scan ms = { &paxta__lot_record__descriptor,
			       (int (*)(void *, const void *))fn, ctx };

	return px_store_scan(t, PX_TABLE_LOTS, NULL, 0, msg_cb, &ms);
}

int
px_state_put_lab(struct px_txn *t, const Paxta__LabRecord *rec)
{
	uint8_t key[KEY_MAX];
	size_t n = join(key, rec->result->lot, NULL, 1);

	px_put_be64(key + n, rec->index);
	return put_msg(t, PX_TABLE_LABS, key, n + 8, &rec->base);
}

int
px_state_each_lab(struct px_txn *t, const char *lot, px_state_lab_fn fn,
		  void *ctx)
{
	uint8_t prefix[KEY_MAX];
	size_t n = join(prefix, lot, NULL, 1);
	struct msg_scan ms = { &paxta__lab_record__descriptor,
			       (int (*)(void *, const void *))fn, ctx };

	return px_store_scan(t, PX_TABLE_LABS, prefix, n, msg_cb, &ms);
}

static size_t
origin_key(uint8_t *key, const char *district, uint32_t season, const char *lot)
{
	size_t n = join(key, district, NULL, 1);
	size_t m = strnlen(lot, PX_ID_MAX);

	put_be32(key + n, season);
	memcpy(key + n + 4, lot, m);
	return n + 4 + m;
}

int
px_state_put_origin(struct px_txn *t, const char *district, uint32_t season,
		    const char *lot, const char *farm)
{
	uint8_t key[KEY_MAX];

	return px_store_put(t, PX_TABLE_ORIGINS, key,
			    origin_key(key, district, season, lot), farm,
			    strlen(farm));
}

int
px_state_del_origin(struct px_txn *t, const char *district, uint32_t season,
		    const char *lot)
{
	uint8_t key[KEY_MAX];

	return px_store_del(t, PX_TABLE_ORIGINS, key,
			    origin_key(key, district, season, lot));
}

struct origin_scan {
	size_t prefix;
	uint32_t season;
	px_state_origin_fn fn;
	void *ctx;
};

static int
origin_cb(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	  size_t vlen)
{
	struct origin_scan *os = ctx;
	char lot[PX_ID_MAX + 1], farm[PX_ID_MAX + 1];
	const uint8_t *zero = memchr(key + os->prefix, 0, klen - os->prefix);
	size_t at, n;
	uint32_t season;

	/* With no district in the prefix, skip this record's district. */
	at = os->prefix ? os->prefix : (zero ? (size_t)(zero - key) + 1 : klen);
	if (klen < at + 4 || vlen == 0 || vlen > PX_ID_MAX)
		return PX_ESTORE;
	season = (uint32_t)key[at] << 24 | (uint32_t)key[at + 1] << 16 |
		 (uint32_t)key[at + 2] << 8 | key[at + 3];
	if (os->season && season != os->season)
		return PX_OK;
	n = klen - at - 4;
	if (n == 0 || n > PX_ID_MAX)
		return PX_ESTORE;
	memcpy(lot, key + at + 4, n);
	lot[n] = '\0';
	memcpy(farm, value, vlen);
	farm[vlen] = '\0';
	return os->fn(os->ctx, lot, farm);
}

int
px_state_each_origin(struct px_txn *t, const char *district, uint32_t season,
		     px_state_origin_fn fn, void *ctx)
{
	uint8_t prefix[KEY_MAX];
	struct origin_scan os = { 0, season, fn, ctx };
	size_t n = 0;

	if (district) {
		n = join(prefix, district, NULL, 1);
		if (season) {
			put_be32(prefix + n, season);
			n += 4;
			os.season = 0;
			os.prefix = n - 4;
		} else {
			os.prefix = n;
		}
	}
	return px_store_scan(t, PX_TABLE_ORIGINS, prefix, n, origin_cb, &os);
}
