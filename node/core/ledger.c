/* paxta — the ledger: append = rules + state + store in one transaction. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "paxta/checkpoint.h"
#include "paxta/cpseal.h"
#include "paxta/entry.h"
#include "paxta/index.h"
#include "paxta/ledger.h"
#include "paxta/rules.h"
#include "paxta/signer.h"
#include "paxta/state.h"

/* How often a batch is retried after growing a full map. */
#define MAX_GROWS 8

/* append_one's answer when an entry applied straight into the batch's
 * transaction was refused: the batch runs again, nesting from that entry
 * on (positive, so it is no enum px_err). */
#define REDO_NESTED 1

struct px_ledger {
	struct px_store *store;
	char origin[PX_ORIGIN_MAX + 1];
	struct px_pubkey node_pub;
	struct px_seckey node_key;
	int have_key;
	struct px_policy policy;
};

static int
valid_origin(const char *origin)
{
	size_t n = strlen(origin);

	if (n == 0 || n > PX_ORIGIN_MAX)
		return 0;
	/* The origin is also the checkpoint key's name in signed notes: no
	 * spaces, no '+' (C2SP signed-note). */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)origin[i] <= 0x20 ||
		    (unsigned char)origin[i] >= 0x7f || origin[i] == '+')
			return 0;
	return 1;
}

int
px_ledger_default_key_path(char **out, const char *dir)
{
	size_t n = strlen(dir);

	*out = NULL;
	/* "ledger/" names the folder "ledger": its key is "ledger.key". */
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || (n == 1 && dir[0] == '/'))
		return PX_EINVAL;
	if (asprintf(out, "%.*s.key", (int)n, dir) < 0) {
		*out = NULL;
		return PX_ENOMEM;
	}
	return PX_OK;
}

/* The key file to use: key_file, or DIR.key when it is NULL. */
static int
key_path(char **out, const char *dir, const char *key_file)
{
	if (!key_file)
		return px_ledger_default_key_path(out, dir);
	if (!*key_file)
		return PX_EINVAL;
	*out = strdup(key_file);
	return *out ? PX_OK : PX_ENOMEM;
}

/*
 * The key file must not be inside the ledger folder (or below it): whoever
 * is handed the folder -- an auditor, a backup -- must not be handed the key
 * that signs its checkpoints (DESIGN.md §4). PX_EINVAL when it would be,
 * PX_ENOTFOUND when the key's folder does not exist, PX_ENOMEM.
 */
static int
key_apart(const char *dir, const char *path)
{
	char *d = NULL, *copy = strdup(path), *slash, *parent = NULL;
	size_t n;
	int rc = PX_ENOMEM;

	if (!copy)
		goto out;
	slash = strrchr(copy, '/');
	if (!slash)
		parent = realpath(".", NULL);
	else if (slash == copy)
		parent = realpath("/", NULL);
	else {
		*slash = '\0';
		parent = realpath(copy, NULL);
	}
	if (!parent) {
		rc = errno == ENOMEM ? PX_ENOMEM : PX_ENOTFOUND;
		goto out;
	}
	/* A folder still to be made holds nothing yet. */
	if (!(d = realpath(dir, NULL))) {
		rc = errno == ENOENT ? PX_OK : PX_EIO;
		goto out;
	}
	n = strlen(d);
	if (strcmp(d, "/") == 0 || (strncmp(parent, d, n) == 0 &&
				    (parent[n] == '\0' || parent[n] == '/')))
		rc = PX_EINVAL;
	else
		rc = PX_OK;
out:
	free(parent);
	free(copy);
	free(d);
	return rc;
}

static int
genesis_leaf(uint8_t **out, size_t *out_len, const char *origin,
	     const struct px_registrar *registrars, size_t n,
	     const struct px_policy *policy, const struct px_seckey *key,
	     int64_t now)
{
	Paxta__Entry entry = PAXTA__ENTRY__INIT;
	Paxta__Genesis genesis = PAXTA__GENESIS__INIT;
	Paxta__Policy pol;
	Paxta__DelayCap caps[PX_KIND_SLOTS], *cap_ptrs[PX_KIND_SLOTS];
	Paxta__Registrar *regs = NULL, **reg_ptrs = NULL;
	uint8_t *payload = NULL;
	size_t payload_len;
	int rc = PX_ENOMEM;

	regs = calloc(n ? n : 1, sizeof(*regs));
	reg_ptrs = calloc(n ? n : 1, sizeof(*reg_ptrs));
	if (!regs || !reg_ptrs)
		goto out;
	for (size_t i = 0; i < n; i++) {
		paxta__registrar__init(&regs[i]);
		regs[i].id = (char *)registrars[i].id;
		regs[i].public_key.data = (uint8_t *)registrars[i].pub.b;
		regs[i].public_key.len = PX_PUBKEY_LEN;
		reg_ptrs[i] = &regs[i];
	}
	px_policy_write(&pol, policy, caps, cap_ptrs);
	genesis.format = PX_STORE_FORMAT;
	genesis.origin = (char *)origin;
	genesis.node_key.data = (uint8_t *)key->pub.b;
	genesis.node_key.len = PX_PUBKEY_LEN;
	genesis.n_registrars = n;
	genesis.registrars = reg_ptrs;
	genesis.policy = &pol;
	entry.actor = (char *)origin;
	entry.seq = 0;
	entry.time = now;
	entry.body_case = PAXTA__ENTRY__BODY_GENESIS;
	entry.genesis = &genesis;
	rc = px_entry_body_encode(&payload, &payload_len, &entry);
	if (rc == PX_OK)
		rc = px_entry_seal(out, out_len, payload, payload_len, key);
out:
	free(payload);
	free(reg_ptrs);
	free(regs);
	return rc;
}

int
px_ledger_create(const char *dir, const char *origin,
		 const struct px_registrar *registrars, size_t n,
		 const struct px_policy *policy, struct px_pubkey *out_node_key)
{
	return px_ledger_create_key(dir, NULL, origin, registrars, n, policy,
				    out_node_key, (int64_t)time(NULL));
}

int
px_ledger_create_at(const char *dir, const char *origin,
		    const struct px_registrar *registrars, size_t n,
		    const struct px_policy *policy,
		    struct px_pubkey *out_node_key, int64_t now)
{
	return px_ledger_create_key(dir, NULL, origin, registrars, n, policy,
				    out_node_key, now);
}

int
px_ledger_create_key(const char *dir, const char *key_file, const char *origin,
		     const struct px_registrar *registrars, size_t n,
		     const struct px_policy *policy,
		     struct px_pubkey *out_node_key, int64_t now)
{
	struct px_ledger *l = NULL;
	struct px_store *store = NULL;
	struct px_seckey key = { 0 };
	struct px_entry genesis = { 0 }, *entries = &genesis;
	uint8_t *leaf = NULL;
	size_t leaf_len;
	char *path = NULL;
	int rc;

	if (!valid_origin(origin) || n == 0)
		return PX_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!registrars[i].id || !*registrars[i].id ||
		    strlen(registrars[i].id) > PX_ID_MAX)
			return PX_EINVAL;
	if ((rc = key_path(&path, dir, key_file)) != PX_OK)
		return rc;
	/* Never replace a key someone holds, never put it in the folder,
	 * and find out before the folder is made. */
	if (access(path, F_OK) == 0) {
		rc = PX_EEXIST;
		goto out;
	}
	if ((rc = key_apart(dir, path)) != PX_OK)
		goto out;
	if ((rc = px_store_open(&store, dir, PX_STORE_CREATE)) != PX_OK)
		goto out;
	px_store_close(store);
	if ((rc = px_key_generate(&key)) != PX_OK)
		goto out;
	if ((rc = px_key_write_pem(path, &key)) != PX_OK)
		goto out;
	if ((rc = genesis_leaf(&leaf, &leaf_len, origin, registrars, n, policy,
			       &key, now)) != PX_OK)
		goto out;

	/* The genesis goes in through the same rules as every entry. */
	if ((rc = px_ledger_open_key(&l, dir, path, 0)) != PX_OK)
		goto out;
	px_entry_init(&genesis, leaf, leaf_len);
	rc = px_ledger_append(l, &entries, 1, now);
	if (rc == PX_OK)
		rc = genesis.result.rc;
	px_ledger_close(l);
	l = NULL;
	/* Reopened, it reads its origin and policy from the genesis. */
	if (rc == PX_OK)
		rc = px_ledger_open_key(&l, dir, path, 0);
	if (rc == PX_OK)
		rc = px_ledger_checkpoint(l, NULL);
	if (rc == PX_OK && out_node_key)
		*out_node_key = key.pub;
out:
	px_ledger_close(l);
	px_entry_release(&genesis);
	free(leaf);
	free(path);
	px_key_wipe(&key);
	return rc;
}

int
px_ledger_create_replica(const char *dir, const uint8_t *genesis, size_t len,
			 struct px_pubkey *out_node_key)
{
	struct px_entry entry = { 0 }, *entries = &entry;
	struct px_ledger *l = NULL;
	struct px_store *store = NULL;
	struct px_txn *t = NULL;
	int rc;

	/* The source's genesis, signed by the key it names. */
	if ((rc = px_entry_read(&entry, genesis, len, PX_ENTRY_ALL)) != PX_OK)
		goto out;
	if (entry.status != PX_OK ||
	    entry.body->body_case != PAXTA__ENTRY__BODY_GENESIS ||
	    entry.body->genesis->node_key.len != PX_PUBKEY_LEN) {
		rc = PX_EFOREIGN;
		goto out;
	}
	if ((rc = px_store_open(&store, dir, PX_STORE_CREATE)) != PX_OK)
		goto out;
	px_store_close(store);
	if ((rc = px_ledger_open_key(&l, dir, NULL, PX_LEDGER_REPLICA)) !=
	    PX_OK)
		goto out;
	/* The genesis rule checks the leaf against the node key: the one the
	 * genesis names, which is all a replica knows of its source. */
	memcpy(l->node_pub.b, entry.body->genesis->node_key.data,
	       PX_PUBKEY_LEN);
	rc = px_ledger_append(l, &entries, 1, (int64_t)time(NULL));
	if (rc == PX_OK)
		rc = entry.result.rc;
	/* Marked as a replica: it holds the source's checkpoints and no key
	 * to seal them with (cpseal.h), which audit must know. */
	if (rc == PX_OK)
		rc = px_store_begin(&t, l->store, 1);
	if (rc == PX_OK)
		rc = px_store_meta_put(t, PX_LEDGER_REPLICA_META, "1", 1);
	if (rc == PX_OK) {
		rc = px_store_commit(t);
		t = NULL;
	}
	if (rc == PX_OK && out_node_key)
		*out_node_key = l->node_pub;
out:
	px_store_abort(t);
	px_ledger_close(l);
	px_entry_release(&entry);
	return rc;
}

/* Read the genesis (leaf 0) into l; PX_ENOTFOUND on an empty log. */
static int
load_genesis(struct px_ledger *l)
{
	struct px_txn *t = NULL;
	struct px_entry first = { 0 };
	const Paxta__Genesis *g;
	const Paxta__Policy *p;
	int rc;

	if ((rc = px_store_begin(&t, l->store, 0)) != PX_OK)
		return rc;
	if (px_store_size(t) == 0) {
		rc = PX_ENOTFOUND;
		goto out;
	}
	rc = px_state_entry(t, 0, &first);
	if (rc != PX_OK && rc != PX_ESTORE)
		goto out;
	rc = PX_EFOREIGN;
	if (!first.body || first.body->body_case != PAXTA__ENTRY__BODY_GENESIS)
		goto out;
	g = first.body->genesis;
	p = g->policy;
	if (g->node_key.len != PX_PUBKEY_LEN || !p ||
	    strlen(g->origin) > PX_ORIGIN_MAX)
		goto out;
	memcpy(l->node_pub.b, g->node_key.data, PX_PUBKEY_LEN);
	snprintf(l->origin, sizeof(l->origin), "%s", g->origin);
	if (px_policy_read(&l->policy, p) != PX_OK)
		goto out;
	rc = PX_OK;
out:
	px_entry_release(&first);
	px_store_abort(t);
	return rc;
}

int
px_ledger_open(struct px_ledger **out, const char *dir, unsigned flags)
{
	return px_ledger_open_key(out, dir, NULL, flags);
}

int
px_ledger_open_key(struct px_ledger **out, const char *dir,
		   const char *key_file, unsigned flags)
{
	struct px_ledger *l;
	char *path = NULL;
	int readonly = (flags & PX_LEDGER_READONLY) != 0;
	int rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return PX_ENOMEM;
	rc = px_store_open(&l->store, dir, readonly ? PX_STORE_READONLY : 0);
	if (rc != PX_OK)
		goto fail;
	rc = load_genesis(l);
	if (rc == PX_ENOTFOUND && !readonly) {
		/* A ledger being created: px_ledger_create appends the
		 * genesis next. */
		rc = PX_OK;
	} else if (rc == PX_ENOTFOUND) {
		rc = PX_EFOREIGN;
	}
	if (rc != PX_OK)
		goto fail;
	/* A replica appends what its source logged and signs nothing: it
	 * holds no key. */
	if (!readonly && !(flags & PX_LEDGER_REPLICA)) {
		if ((rc = key_path(&path, dir, key_file)) != PX_OK)
			goto fail;
		if ((rc = px_key_read_pem(&l->node_key, path)) != PX_OK)
			goto fail;
		l->have_key = 1;
		/* A node key that is not the genesis's would sign checkpoints
		 * nobody can verify. */
		if (l->origin[0] && memcmp(l->node_key.pub.b, l->node_pub.b,
					   PX_PUBKEY_LEN) != 0) {
			rc = PX_EFOREIGN;
			goto fail;
		}
	}
	free(path);
	*out = l;
	return PX_OK;
fail:
	free(path);
	px_ledger_close(l);
	return rc;
}

void
px_ledger_open_words(char *out, size_t cap, int rc, const char *dir,
		     const char *key_file)
{
	char *def = NULL;

	if (rc == PX_ENOTFOUND && access(dir, F_OK) == 0 &&
	    (key_file || px_ledger_default_key_path(&def, dir) == PX_OK)) {
		/* The folder is there: the key is not. */
		snprintf(
			out, cap,
			"no node key at '%s': it lives beside the ledger "
			"folder, never inside (a ledger made by an older paxta "
			"kept it as DIR/node.key: move it to DIR.key), or give "
			"--node-key FILE",
			key_file ? key_file : def);
		free(def);
		return;
	}
	switch (rc) {
	case PX_ENOTFOUND:
		snprintf(out, cap,
			 "no ledger at '%s': the folder does not exist (create "
			 "one with 'paxta init --data %s ...')",
			 dir, dir);
		break;
	case PX_EFOREIGN:
		snprintf(out, cap,
			 "'%s' is not a paxta ledger of this version (no "
			 "data.mdb with a genesis, or a node key that is not "
			 "the "
			 "genesis's)",
			 dir);
		break;
	case PX_ELOCKED:
		snprintf(
			out, cap,
			"ledger '%s' is in use by another process (a running "
			"paxtad, or a paxta command writing it): one writer at "
			"a time",
			dir);
		break;
	case PX_EMALFORMED:
		snprintf(out, cap,
			 "ledger '%s': its node key is not an Ed25519 private "
			 "key",
			 dir);
		break;
	default:
		snprintf(out, cap, "cannot open ledger '%s': %s", dir,
			 px_strerror(rc));
	}
}

void
px_ledger_close(struct px_ledger *l)
{
	if (!l)
		return;
	px_store_close(l->store);
	px_key_wipe(&l->node_key);
	OPENSSL_cleanse(l, sizeof(*l));
	free(l);
}

const char *
px_ledger_origin(const struct px_ledger *l)
{
	return l->origin;
}

const struct px_pubkey *
px_ledger_node_key(const struct px_ledger *l)
{
	return &l->node_pub;
}

const struct px_policy *
px_ledger_policy(const struct px_ledger *l)
{
	return &l->policy;
}

struct px_store *
px_ledger_store(struct px_ledger *l)
{
	return l->store;
}

int
px_ledger_read(struct px_ledger *l, struct px_txn **out)
{
	return px_store_begin(out, l->store, 0);
}

void
px_ledger_rules_ctx(const struct px_ledger *l, int64_t now,
		    struct px_rules_ctx *out)
{
	*out = (struct px_rules_ctx){ .policy = &l->policy,
				      .node_key = l->have_key ? &l->node_key.pub
							      : &l->node_pub,
				      .now = now };
}

int
px_ledger_apply(struct px_txn *t, const struct px_rules_ctx *ctx,
		struct px_entry *e)
{
	struct px_rules_ctx at = *ctx;
	int rc;

	/* A leaf read from a log is judged at the time it was accepted, so
	 * audit and a mirror check the clock rules as the node did. */
	if (e->logged)
		at.now = e->accepted_at;
	rc = px_rules_apply(t, &at, px_store_size(t), e, &e->result.refusal);
	if (rc == PX_OK && !e->logged)
		rc = px_entry_wrap(e, ctx->now);
	if (rc == PX_OK)
		rc = px_store_append(t, e->leaf, e->leaf_len, &e->leaf_hash,
				     &e->entry_hash);
	return rc;
}

/* When the last leaf of t was accepted; INT64_MIN on an empty log. */
static int
last_accepted(struct px_txn *t, int64_t *out)
{
	uint64_t size = px_store_size(t);

	*out = INT64_MIN;
	return size ? px_state_accepted_at(t, size - 1, out) : PX_OK;
}

/*
 * One entry of a batch, inside the batch's transaction t. Returns PX_OK with
 * e->result telling what became of it, or an error that fails the whole
 * batch.
 *
 * With nest, the entry's writes go into a nested transaction, so that a
 * refusal undoes them alone. Without, they go straight into t, and a refusal
 * returns REDO_NESTED: t is spoilt, and the batch runs again with this entry
 * nested, and every one after it too. Rules are deterministic, so the
 * entries before it pass again as they did: a batch with refusals runs at
 * most twice, a batch without runs once with no nesting at all. (A nested
 * transaction per entry makes LMDB copy each page the batch has dirtied
 * that the entry touches again, such as the last pages of the log, and
 * merge the child's dirty pages into the batch's list at every entry:
 * append of 100,000 entries ran at ~14,000/s with it, ~16,000/s without.)
 */
static int
append_one(struct px_txn *t, const struct px_rules_ctx *ctx, struct px_entry *e,
	   int64_t last, int nest)
{
	struct px_append_result *res = &e->result;
	struct px_txn *child = NULL;
	int rc;

	if ((rc = px_entry_prepare(e, PX_ENTRY_ALL)) != PX_OK)
		return rc;
	if (e->status != PX_OK)
		return PX_OK; /* the bytes are wrong: refused, nothing stored */
	/* §3.3 rule 2: the same entry twice is answered with its original
	 * position (confirmed against the entry logged there). */
	rc = px_state_find_entry(t, &e->entry_hash, &res->index);
	if (rc == PX_OK) {
		res->duplicate = 1;
		return px_store_leaf_hash(t, res->index, &res->leaf_hash);
	}
	if (rc != PX_ENOTFOUND)
		return rc;
	/* The same event again, even re-signed (DESIGN.md §6.1 "event_id"),
	 * is answered the same way: logged once. */
	if (e->body && e->body->event_id[0]) {
		rc = px_state_event(t, e->body->actor, e->body->event_id,
				    &res->index);
		if (rc == PX_OK) {
			res->duplicate = 1;
			return px_store_leaf_hash(t, res->index,
						  &res->leaf_hash);
		}
		if (rc != PX_ENOTFOUND)
			return rc;
	}
	/* A leaf from another log (a mirror's): its source's times must run
	 * forward too. */
	if (e->logged && e->accepted_at < last) {
		res->rc = px_refuse(&res->refusal, PX_CODE_TIME,
				    "the leaf was accepted at %" PRId64
				    ", before the leaf before it (%" PRId64 ")",
				    e->accepted_at, last);
		return PX_OK;
	}
	if (!nest) {
		/* Straight into the batch's transaction: a refusal here may
		 * have written half an entry, so the caller starts again. */
		res->index = px_store_size(t);
		rc = px_ledger_apply(t, ctx, e);
		if (rc == PX_EREFUSED || rc == PX_EVERIFY)
			return REDO_NESTED;
		return rc;
	}
	/* A nested transaction: a refusal undoes this entry alone. */
	if ((rc = px_store_begin_nested(&child, t)) != PX_OK)
		return rc;
	res->index = px_store_size(child);
	rc = px_ledger_apply(child, ctx, e);
	if (rc == PX_EREFUSED || rc == PX_EVERIFY) {
		res->rc = rc;
		px_store_abort(child);
		return PX_OK;
	}
	if (rc != PX_OK) {
		px_store_abort(child);
		return rc;
	}
	return px_store_commit(child);
}

int
px_ledger_append(struct px_ledger *l, struct px_entry *const *entries, size_t n,
		 int64_t now)
{
	struct px_rules_ctx ctx;
	struct px_txn *t = NULL;
	size_t nest_from = n; /* entries from here on get a nested txn */
	int rc = PX_OK, grows = 0;

	for (;;) {
		int64_t last;

		if ((rc = px_store_begin(&t, l->store, 1)) != PX_OK)
			return rc;
		/* The node's times run forward in the log, whatever its clock
		 * does (DESIGN.md §4: leaves carry them). */
		if ((rc = last_accepted(t, &last)) != PX_OK) {
			px_store_abort(t);
			return rc;
		}
		px_ledger_rules_ctx(l, now > last ? now : last, &ctx);
		for (size_t i = 0; i < n && rc == PX_OK; i++) {
			struct px_entry *e = entries[i];

			/* A retry after growing the map starts afresh; what
			 * the bytes were found to be stays. */
			e->result.rc = e->status;
			e->result.duplicate = 0;
			rc = append_one(t, &ctx, e, last, i >= nest_from);
			if (rc == REDO_NESTED)
				nest_from = i;
			else if (rc == PX_OK && e->logged &&
				 e->result.rc == PX_OK && !e->result.duplicate)
				last = e->accepted_at;
		}
		if (rc == PX_OK)
			rc = px_store_commit(t); /* durable before anyone
						    hears */
		else
			px_store_abort(t);
		t = NULL;
		if (rc == REDO_NESTED)
			continue; /* entry nest_from was refused: again, with a
				     nested txn from it on */
		if (rc != PX_EFULL)
			return rc;
		/* The map filled: nothing of the batch is stored. Grow it and
		 * run the whole batch again. */
		if (++grows > MAX_GROWS)
			return PX_EFULL;
		if ((rc = px_store_grow(l->store)) != PX_OK)
			return rc;
	}
}

/*
 * DESIGN.md §4 "Verifiable index": the node's signed commitment to the
 * index of everything logged before it, appended in t just before a
 * checkpoint is signed, so that the checkpoint's last leaf is always an
 * index root (a bundle proves completeness against that leaf and no other:
 * an older root would not cover what came after it). Nothing is logged
 * while nothing is indexed, nor when the last leaf is an index root
 * already.
 */
static int
log_index_root(struct px_ledger *l, struct px_txn *t)
{
	Paxta__Entry body = PAXTA__ENTRY__INIT;
	Paxta__IndexRoot ir = PAXTA__INDEX_ROOT__INIT;
	static const struct px_hash none = { { 0 } };
	struct px_entry last = { 0 }, e = { 0 };
	struct px_rules_ctx ctx;
	struct px_hash root;
	uint8_t *payload = NULL, *leaf = NULL;
	size_t payload_len, leaf_len;
	uint64_t size = px_store_size(t);
	int64_t now = (int64_t)time(NULL);
	int rc;

	if ((rc = px_index_root(t, &root)) != PX_OK)
		return rc;
	if (memcmp(root.b, none.b, PX_HASH_LEN) == 0 || size == 0)
		return PX_OK;
	if ((rc = px_state_entry(t, size - 1, &last)) != PX_OK)
		goto out;
	if (last.body && last.body->body_case == PAXTA__ENTRY__BODY_INDEX_ROOT)
		goto out;
	/* The log's times run forward, whatever the clock does. */
	if (now < last.accepted_at)
		now = last.accepted_at;
	ir.size = size;
	ir.root.data = root.b;
	ir.root.len = PX_HASH_LEN;
	body.actor = l->origin;
	body.time = now;
	body.body_case = PAXTA__ENTRY__BODY_INDEX_ROOT;
	body.index_root = &ir;
	if ((rc = px_entry_body_encode(&payload, &payload_len, &body)) !=
		    PX_OK ||
	    (rc = px_entry_seal(&leaf, &leaf_len, payload, payload_len,
				&l->node_key)) != PX_OK)
		goto out;
	px_entry_init(&e, leaf, leaf_len);
	if ((rc = px_entry_prepare(&e, PX_ENTRY_ALL)) != PX_OK)
		goto out;
	px_ledger_rules_ctx(l, now, &ctx);
	rc = e.status != PX_OK ? PX_ECRYPTO : px_ledger_apply(t, &ctx, &e);
	/* The node's own root refused by its own rules: the stored index is
	 * not the log's. */
	if (rc == PX_EREFUSED || rc == PX_EVERIFY)
		rc = PX_ESTORE;
out:
	px_entry_release(&e);
	px_entry_release(&last);
	free(leaf);
	free(payload);
	return rc;
}

int
px_ledger_checkpoint(struct px_ledger *l, char **out)
{
	struct px_txn *t = NULL;
	struct px_checkpoint cp;
	const char *note;
	size_t note_len;
	uint64_t latest = 0;
	char *signed_note = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (l->have_key) {
		if ((rc = px_store_begin(&t, l->store, 1)) != PX_OK)
			return rc;
		rc = px_store_checkpoint_latest(t, &latest, &note, &note_len);
		if (rc != PX_OK && rc != PX_ENOTFOUND)
			goto out;
		if (rc == PX_ENOTFOUND || px_store_size(t) > latest) {
			if ((rc = log_index_root(l, t)) != PX_OK)
				goto out;
			snprintf(cp.origin, sizeof(cp.origin), "%s", l->origin);
			cp.size = px_store_size(t);
			if ((rc = px_store_root(t, cp.size, &cp.root)) != PX_OK)
				goto out;
			rc = px_checkpoint_sign(&signed_note, &cp,
						&l->node_key);
			if (rc != PX_OK)
				goto out;
			rc = px_store_checkpoint_put(t, cp.size, signed_note,
						     strlen(signed_note));
			/* cpseal.h: a deleted checkpoint will show */
			if (rc == PX_OK)
				rc = px_cpseal_add(t, cp.size, signed_note,
						   strlen(signed_note),
						   &l->node_key);
			if (rc != PX_OK)
				goto out;
			rc = px_store_commit(t);
			t = NULL;
			if (rc != PX_OK)
				goto out;
			if (out) {
				*out = signed_note;
				signed_note = NULL;
			}
			goto out;
		}
	} else if ((rc = px_store_begin(&t, l->store, 0)) != PX_OK) {
		return rc;
	}
	rc = px_store_checkpoint_latest(t, &latest, &note, &note_len);
	if (rc == PX_OK && out) {
		*out = strndup(note, note_len);
		if (!*out)
			rc = PX_ENOMEM;
	}
out:
	free(signed_note);
	px_store_abort(t);
	return rc;
}

int
px_ledger_verifier_key(const struct px_ledger *l, char **out)
{
	return px_note_verifier_string(out, l->origin, &l->node_pub);
}

static int
local_author(void *ctx, const char *actor, struct px_author_state *out)
{
	struct px_ledger *l = ctx;
	Paxta__ActorRecord *rec = NULL;
	struct px_txn *t = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = px_store_begin(&t, l->store, 0)) != PX_OK)
		return rc;
	rc = px_state_actor(t, actor, &rec);
	if (rc == PX_OK) {
		out->seq = rec->seq;
		out->revoked = rec->revoked;
		if (rec->last_hash.len == PX_HASH_LEN)
			memcpy(out->last_hash.b, rec->last_hash.data,
			       PX_HASH_LEN);
		if (rec->actor->public_key.len == PX_PUBKEY_LEN)
			memcpy(out->key.b, rec->actor->public_key.data,
			       PX_PUBKEY_LEN);
	}
	px_state_free(rec);
	px_store_abort(t);
	return rc;
}

static int
local_index_of(void *ctx, const struct px_hash *entry_hash, uint64_t *out)
{
	struct px_ledger *l = ctx;
	struct px_txn *t = NULL;
	int rc;

	if ((rc = px_store_begin(&t, l->store, 0)) != PX_OK)
		return rc;
	rc = px_state_find_entry(t, entry_hash, out);
	px_store_abort(t);
	return rc;
}

void
px_ledger_signer_source(struct px_ledger *l, struct px_signer_source *out)
{
	out->author = local_author;
	out->index_of = local_index_of;
	out->ctx = l;
}
