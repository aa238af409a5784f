/* A ledger in a temporary folder for tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "fixture.h"
#include "paxta/audit.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/state.h"
#include "support.h"

const struct px_seckey *
pxt_key(struct pxt_ledger *fx, const char *actor)
{
	for (size_t i = 0; i < fx->n_keys; i++)
		if (strcmp(fx->keys[i].id, actor) == 0)
			return &fx->keys[i].key;
	assert_true(fx->n_keys < sizeof(fx->keys) / sizeof(fx->keys[0]));
	snprintf(fx->keys[fx->n_keys].id, sizeof(fx->keys[0].id), "%s", actor);
	assert_int_equal(px_key_generate(&fx->keys[fx->n_keys].key), PX_OK);
	return &fx->keys[fx->n_keys++].key;
}

static void
open_fixture(struct pxt_ledger *fx)
{
	struct px_signer_source src;

	assert_int_equal(px_ledger_open(&fx->l, fx->dir, 0), PX_OK);
	px_ledger_signer_source(fx->l, &src);
	assert_int_equal(px_signer_new(&fx->signer, &src), PX_OK);
}

static struct pxt_ledger *new_ledger(const struct px_policy *policy,
				     int64_t genesis, int64_t now);

struct pxt_ledger *
pxt_ledger_new(const struct px_policy *policy)
{
	int64_t now = (int64_t)time(NULL);

	/* Tests date their entries in the 2026 season: the log begins
	 * before it (no entry may claim a time before the genesis). */
	return new_ledger(policy, now < PXT_GENESIS ? now : PXT_GENESIS, now);
}

struct pxt_ledger *
pxt_ledger_new_at(const struct px_policy *policy, int64_t now)
{
	return new_ledger(policy, now, now);
}

static struct pxt_ledger *
new_ledger(const struct px_policy *policy, int64_t genesis, int64_t now)
{
	struct pxt_ledger *fx = calloc(1, sizeof(*fx));
	struct px_registrar reg;
	struct px_policy def;
	char *base;

	assert_non_null(fx);
	assert_int_equal(px_crypto_init(), PX_OK);
	base = pxt_tempdir();
	assert_true(asprintf(&fx->dir, "%s/ledger", base) > 0);
	free(base);
	px_policy_default(&def);
	reg.id = PXT_REGISTRAR;
	reg.pub = pxt_key(fx, PXT_REGISTRAR)->pub;
	assert_int_equal(px_ledger_create_at(fx->dir, "test.example/cotton",
					     &reg, 1, policy ? policy : &def,
					     &fx->node_key, genesis),
			 PX_OK);
	fx->now = now;
	open_fixture(fx);
	return fx;
}

void
pxt_ledger_reopen(struct pxt_ledger *fx)
{
	px_signer_free(fx->signer);
	px_ledger_close(fx->l);
	open_fixture(fx);
}

void
pxt_ledger_free(struct pxt_ledger *fx)
{
	char *parent;

	if (!fx)
		return;
	px_signer_free(fx->signer);
	px_ledger_close(fx->l);
	for (size_t i = 0; i < fx->n_keys; i++)
		px_key_wipe(&fx->keys[i].key);
	parent = strdup(fx->dir);
	*strrchr(parent, '/') = '\0';
	pxt_rmtree(parent);
	free(fx->dir);
	free(fx);
}

static int
vsign(struct pxt_ledger *fx, uint8_t **out, size_t *out_len,
      struct px_refusal *r, const char *fmt, va_list ap)
{
	struct px_event *ev = NULL;
	char *text = NULL;
	int rc;

	assert_true(vasprintf(&text, fmt, ap) >= 0);
	rc = px_event_parse_text(&ev, text, strlen(text), r);
	free(text);
	if (rc != PX_OK)
		return rc == PX_EMALFORMED ? PX_EREFUSED : rc;
	rc = px_signer_sign(fx->signer, ev, pxt_key(fx, ev->entry->actor),
			    fx->now, out, out_len, r);
	if (rc != PX_OK)
		px_signer_forget(fx->signer, ev->entry->actor);
	px_event_free(ev);
	return rc;
}

int
pxt_append(struct px_ledger *l, const uint8_t *const *leaves,
	   const size_t *lens, size_t n, int64_t now,
	   struct px_append_result *results)
{
	struct px_entry *entries = calloc(n ? n : 1, sizeof(*entries));
	struct px_entry **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	int rc;

	assert_non_null(entries);
	assert_non_null(ptrs);
	for (size_t i = 0; i < n; i++) {
		px_entry_init(&entries[i], leaves[i], lens[i]);
		ptrs[i] = &entries[i];
	}
	rc = px_ledger_append(l, ptrs, n, now);
	for (size_t i = 0; i < n; i++) {
		results[i] = entries[i].result;
		px_entry_release(&entries[i]);
	}
	free(ptrs);
	free(entries);
	return rc;
}

int
pxt_sign(struct pxt_ledger *fx, uint8_t **out, size_t *out_len,
	 struct px_refusal *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vsign(fx, out, out_len, r, fmt, ap);
	va_end(ap);
	return rc;
}

int
pxt_submit(struct pxt_ledger *fx, struct px_append_result *out, const char *fmt,
	   ...)
{
	struct px_append_result res;
	uint8_t *leaf = NULL;
	size_t len = 0;
	va_list ap;
	int rc;

	memset(&res, 0, sizeof(res));
	va_start(ap, fmt);
	rc = vsign(fx, &leaf, &len, &res.refusal, fmt, ap);
	va_end(ap);
	if (rc == PX_OK) {
		struct px_entry entry, *entries = &entry;

		px_entry_init(&entry, leaf, len);
		rc = px_ledger_append(fx->l, &entries, 1, fx->now);
		assert_int_equal(rc, PX_OK);
		res = entry.result;
		rc = res.rc;
		/* The signer numbered the actor's next entry past this one;
		 * an event already logged (even re-signed) took no number. */
		if ((rc != PX_OK || res.duplicate) && entry.body)
			px_signer_forget(fx->signer, entry.body->actor);
		px_entry_release(&entry);
	} else {
		res.rc = rc;
	}
	free(leaf);
	if (out)
		*out = res;
	return rc;
}

void
pxt_register(struct pxt_ledger *fx, const char *id, const char *roles,
	     const char *region, const char *district)
{
	char pub[45], list[256] = "", *copy = strdup(roles), *save = NULL;
	struct px_append_result res;

	px_pubkey_to_base64(pub, &pxt_key(fx, id)->pub);
	for (char *r = strtok_r(copy, ",", &save); r;
	     r = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(list);

		snprintf(list + n, sizeof(list) - n, "%s\"%s\"", n ? "," : "",
			 r);
	}
	free(copy);
	pxt_submit(fx, &res,
		   "{\"kind\":\"register_actor\",\"actor\":\"%s\",\"subject\":"
		   "{\"id\":\"%s\",\"name\":\"%s\",\"roles\":[%s],\"region\":"
		   "\"%s\",\"district\":\"%s\",\"public_key\":\"%s\"}}",
		   PXT_REGISTRAR, id, id, list, region, district, pub);
	if (res.rc != PX_OK)
		fail_msg("registering '%s': %s: %s", id,
			 px_code_name(res.refusal.code), res.refusal.message);
}

struct digest {
	EVP_MD_CTX *ctx;
};

static int
digest_record(void *ctx, const uint8_t *key, size_t klen, const uint8_t *value,
	      size_t vlen)
{
	struct digest *d = ctx;
	uint64_t lens[2] = { klen, vlen };

	EVP_DigestUpdate(d->ctx, lens, sizeof(lens));
	EVP_DigestUpdate(d->ctx, key, klen);
	EVP_DigestUpdate(d->ctx, value, vlen);
	return 0;
}

void
pxt_snapshot(struct pxt_ledger *fx, struct pxt_snapshot *out)
{
	struct px_txn *t = NULL;
	struct digest d = { EVP_MD_CTX_new() };
	unsigned int n;

	assert_non_null(d.ctx);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	out->size = px_store_size(t);
	assert_int_equal(px_store_root(t, out->size, &out->root), PX_OK);
	assert_int_equal(EVP_DigestInit_ex(d.ctx, EVP_sha256(), NULL), 1);
	for (int i = 0; i < PX_TABLE__COUNT; i++) {
		EVP_DigestUpdate(d.ctx, &i, sizeof(i));
		assert_int_equal(px_store_scan(t, (enum px_table)i, NULL, 0,
					       digest_record, &d),
				 PX_OK);
	}
	assert_int_equal(EVP_DigestFinal_ex(d.ctx, out->state.b, &n), 1);
	EVP_MD_CTX_free(d.ctx);
	px_store_abort(t);
}

int
pxt_snapshot_equal(const struct pxt_snapshot *a, const struct pxt_snapshot *b)
{
	return a->size == b->size && memcmp(&a->root, &b->root, 32) == 0 &&
	       memcmp(&a->state, &b->state, 32) == 0;
}

uint64_t
pxt_holding(struct pxt_ledger *fx, const char *lot, const char *holder)
{
	struct px_txn *t = NULL;
	uint64_t g = 0;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_state_holding(t, lot, holder, &g), PX_OK);
	px_store_abort(t);
	return g;
}

uint64_t
pxt_log_size(struct px_ledger *l)
{
	struct px_txn *t = NULL;
	uint64_t n;

	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	n = px_store_size(t);
	px_store_abort(t);
	return n;
}

static int
count_checkpoint(void *ctx, uint64_t size, const char *note, size_t len)
{
	(void)size;
	(void)note;
	(void)len;
	(*(uint64_t *)ctx)++;
	return 0;
}

uint64_t
pxt_checkpoint_count(struct px_ledger *l)
{
	struct px_txn *t = NULL;
	uint64_t n = 0;

	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	assert_int_equal(px_store_checkpoint_each(t, count_checkpoint, &n),
			 PX_OK);
	px_store_abort(t);
	return n;
}

void
pxt_entry_hash_at(struct px_txn *t, uint64_t index, struct px_hash *out)
{
	struct px_entry e;

	assert_int_equal(px_state_entry(t, index, &e), PX_OK);
	assert_int_equal(px_entry_prepare(&e, PX_ENTRY_HASH), PX_OK);
	*out = e.entry_hash;
	px_entry_release(&e);
}

uint8_t *
pxt_signed_at(struct px_ledger *l, uint64_t index, size_t *out_len)
{
	struct px_txn *t = NULL;
	struct px_entry e;
	uint8_t *copy;

	assert_int_equal(px_ledger_read(l, &t), PX_OK);
	assert_int_equal(px_state_entry(t, index, &e), PX_OK);
	copy = malloc(e.signed_len);
	assert_non_null(copy);
	memcpy(copy, e.signed_entry, e.signed_len);
	*out_len = e.signed_len;
	px_entry_release(&e);
	px_store_abort(t);
	return copy;
}

char *
pxt_squote(const char *fmt, va_list ap)
{
	char *text = NULL;

	assert_true(vasprintf(&text, fmt, ap) >= 0);
	for (char *c = text; *c; c++)
		if (*c == '\'')
			*c = '"';
	return text;
}

uint64_t
pxt_ok(struct pxt_ledger *fx, const char *fmt, ...)
{
	struct px_append_result res = { 0 };
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = pxt_squote(fmt, ap);
	va_end(ap);
	if (pxt_submit(fx, &res, "%s", text) != PX_OK || res.duplicate)
		fail_msg("%s\n%s: %s: %s", text,
			 res.duplicate ? "already logged" : "refused",
			 px_code_name(res.refusal.code), res.refusal.message);
	free(text);
	return res.index;
}

void
pxt_ship(struct pxt_ledger *fx, const char *from, const char *to,
	 const char *shipment, const char *lot, unsigned kg, unsigned got)
{
	pxt_ok(fx,
	       "{'kind':'transfer','actor':'%s','to':'%s','shipment':'%s',"
	       "'lots':[{'lot':'%s','kg':%u}]}",
	       from, to, shipment, lot, kg);
	if (got)
		pxt_ok(fx,
		       "{'kind':'receive','actor':'%s','shipment':'%s',"
		       "'lots':[{'lot':'%s','kg':%u}]}",
		       to, shipment, lot, got);
}

void
pxt_refused(struct pxt_ledger *fx, enum px_code code, const char *needle,
	    const char *fmt, ...)
{
	struct px_append_result res = { 0 };
	struct pxt_snapshot before, after;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = pxt_squote(fmt, ap);
	va_end(ap);
	pxt_snapshot(fx, &before);
	pxt_submit(fx, &res, "%s", text);
	if (res.rc == PX_OK || res.refusal.code != code ||
	    (needle && !strstr(res.refusal.message, needle)))
		fail_msg("%s\nwant %s '%s', got %s: %s", text,
			 px_code_name(code), needle ? needle : "",
			 res.rc == PX_OK ? "logged"
					 : px_code_name(res.refusal.code),
			 res.refusal.message);
	pxt_snapshot(fx, &after);
	assert_true(pxt_snapshot_equal(&before, &after));
	free(text);
}

void
pxt_audit_intact(struct pxt_ledger *fx)
{
	struct px_audit_report rep;

	memset(&rep, 0, sizeof(rep));
	assert_int_equal(px_audit(&rep, fx->l, NULL, NULL, NULL, NULL), PX_OK);
	if (!rep.intact)
		fail_msg("audit: entry %llu: %s",
			 (unsigned long long)rep.bad_index, rep.problem);
}

int
pxt_teardown(void **state)
{
	pxt_ledger_free(*state);
	return 0;
}
