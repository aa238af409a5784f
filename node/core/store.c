/*
 * paxta — the store: the log, its hashes and the state tables in LMDB.
 * See store.h for the layout of the databases.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>

#include "paxta/error.h"
#include "paxta/store.h"

#define DATA_FILE "data.mdb"

/* The log's databases, then one per enum px_table. */
enum {
	DB_META,
	DB_LEAVES,
	DB_TREE,
	DB_ENTRY_INDEX,
	DB_CHECKPOINTS,
	DB__LOG_COUNT
};
#define DB_COUNT (DB__LOG_COUNT + PX_TABLE__COUNT)

static const char *const db_names[DB_COUNT] = {
	"meta",
	"leaves",
	"tree",
	"entry_index",
	"checkpoints",
	[DB__LOG_COUNT + PX_TABLE_ACTORS] = "actors",
	[DB__LOG_COUNT + PX_TABLE_KEYS] = "keys",
	[DB__LOG_COUNT + PX_TABLE_LOTS] = "lots",
	[DB__LOG_COUNT + PX_TABLE_HOLDINGS] = "holdings",
	[DB__LOG_COUNT + PX_TABLE_HELD_BY] = "held_by",
	[DB__LOG_COUNT + PX_TABLE_SHIPMENTS] = "shipments",
	[DB__LOG_COUNT + PX_TABLE_EDGES_UP] = "edges_up",
	[DB__LOG_COUNT + PX_TABLE_EDGES_DOWN] = "edges_down",
	[DB__LOG_COUNT + PX_TABLE_ATTESTATIONS] = "attestations",
	[DB__LOG_COUNT + PX_TABLE_LABS] = "labs",
	[DB__LOG_COUNT + PX_TABLE_ORIGINS] = "origins",
	[DB__LOG_COUNT + PX_TABLE_IN_TRANSIT] = "in_transit",
	[DB__LOG_COUNT + PX_TABLE_PLACES] = "places",
	[DB__LOG_COUNT + PX_TABLE_EVENTS] = "events",
	[DB__LOG_COUNT + PX_TABLE_LOT_SHIPMENTS] = "lot_shipments",
	[DB__LOG_COUNT + PX_TABLE_ACTOR_ENTRIES] = "actor_entries",
	[DB__LOG_COUNT + PX_TABLE_INDEX_LISTS] = "index_lists",
	[DB__LOG_COUNT + PX_TABLE_INDEX_LEAVES] = "index_leaves",
	[DB__LOG_COUNT + PX_TABLE_INDEX_NODES] = "index_nodes",
};

/* What a witness keeps (witness.h), beside the log: made on the first
 * writable open, so older ledgers open as they are. */
enum {
	WDB_WITNESSED,
	WDB_EVIDENCE,
	WDB__COUNT
};
static const char *const wdb_names[WDB__COUNT] = { "witnessed", "evidence" };

struct px_store {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT];
	MDB_dbi wdbi[WDB__COUNT];
	int have_wdb[WDB__COUNT];
	char *dir;
	int lock_fd;
	int readonly;
	int scratch;  /* PX_STORE_SCRATCH: MDB_WRITEMAP, no nested txns */
	int owns_dir; /* px_store_open_scratch made it: close removes it */

	/*
	 * LMDB may change the map's size only while no transaction of this
	 * process is open (mdb_env_set_mapsize). Read snapshots count
	 * themselves in readers; a resize waits until there are none and
	 * holds new ones back meanwhile (resizing), so it cannot starve.
	 */
	pthread_mutex_t map_mu;
	pthread_cond_t map_cv;
	unsigned readers;
	int resizing;

	/* One attachment of a layer above (store.h), made once under
	 * attach_mu, released at close. */
	pthread_mutex_t attach_mu;
	const struct px_store_attachment *attach_kind;
	void *attached;
};

struct px_txn {
	struct px_store *s;
	MDB_txn *txn;
	struct px_txn *parent;
	int write;
	uint64_t size; /* leaves in this snapshot */
	/* work owed before commit (outermost write transaction only) */
	const struct px_store_pending *pending;
	void *pending_state;
};

/* The outermost transaction of t. */
static struct px_txn *
outermost(struct px_txn *t)
{
	while (t->parent)
		t = t->parent;
	return t;
}

/* The transaction ends: its pending work goes. */
static void
drop_pending(struct px_txn *t)
{
	if (t->pending)
		t->pending->drop(t->pending_state);
	t->pending = NULL;
	t->pending_state = NULL;
}

int
px_store_nested(const struct px_txn *t)
{
	return t->parent != NULL;
}

int
px_store_writing(const struct px_txn *t)
{
	return t->write;
}

int
px_store_attachment(struct px_txn *t, const struct px_store_attachment *kind,
		    void **out)
{
	struct px_store *s = t->s;
	int rc = PX_OK;

	pthread_mutex_lock(&s->attach_mu);
	if (!s->attach_kind) {
		if ((s->attached = kind->make()))
			s->attach_kind = kind;
		else
			rc = PX_ENOMEM;
	} else if (s->attach_kind != kind) {
		rc = PX_EINVAL;
	}
	*out = rc == PX_OK ? s->attached : NULL;
	pthread_mutex_unlock(&s->attach_mu);
	return rc;
}

void *
px_store_pending_get(struct px_txn *t, const struct px_store_pending *kind)
{
	t = outermost(t);
	return t->pending == kind ? t->pending_state : NULL;
}

int
px_store_pending_set(struct px_txn *t, const struct px_store_pending *kind,
		     void *state)
{
	t = outermost(t);
	if (!t->write || (t->pending && t->pending != kind))
		return PX_EINVAL;
	t->pending = kind;
	t->pending_state = state;
	return PX_OK;
}

void
px_put_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t
px_get_be64(const uint8_t in[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

static int
map_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return PX_OK;
	case MDB_NOTFOUND:
		return PX_ENOTFOUND;
	case MDB_KEYEXIST:
		return PX_EEXIST;
	case MDB_MAP_FULL:
		return PX_EFULL;
	case ENOMEM:
		return PX_ENOMEM;
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return PX_EFOREIGN;
	default:
		return PX_ESTORE;
	}
}

static char *
path_in(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

/*
 * The writer lock: one process writes a ledger at a time. LMDB would make a
 * second writer wait; we want it told instead. The lock is a flock(2) on
 * the ledger folder itself, not on a file in it: a file can be deleted
 * while its lock is held, and the next writer would lock a new file of
 * the same name; the folder cannot go while it holds the ledger, and
 * whoever opens it by any path locks the same inode. The kernel drops
 * the lock when the process dies, however it dies.
 */
static int
take_writer_lock(struct px_store *s)
{
	int rc = PX_OK;

	s->lock_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->lock_fd < 0)
		return errno == ENOENT ? PX_ENOTFOUND : PX_EIO;
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
		rc = errno == EWOULDBLOCK ? PX_ELOCKED : PX_EIO;
	return rc;
}

static int
open_dbs(struct px_store *s, int create)
{
	MDB_txn *txn = NULL;
	int rc;

	rc = mdb_txn_begin(s->env, NULL, s->readonly ? MDB_RDONLY : 0, &txn);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	for (int i = 0; i < DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i], create ? MDB_CREATE : 0,
				  &s->dbi[i]);
		if (rc == MDB_NOTFOUND) {
			mdb_txn_abort(txn);
			return PX_EFOREIGN;
		}
		if (rc != MDB_SUCCESS) {
			mdb_txn_abort(txn);
			return map_err(rc);
		}
	}
	for (int i = 0; i < WDB__COUNT; i++) {
		rc = mdb_dbi_open(txn, wdb_names[i],
				  s->readonly ? 0 : MDB_CREATE, &s->wdbi[i]);
		if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
			mdb_txn_abort(txn);
			return map_err(rc);
		}
		s->have_wdb[i] = rc == MDB_SUCCESS;
	}
	if (create) {
		uint8_t fmt[4] = { 0, 0, 0, PX_STORE_FORMAT };
		MDB_val k = { 6, (void *)"format" }, v = { 4, fmt };

		rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
		if (rc != MDB_SUCCESS) {
			mdb_txn_abort(txn);
			return map_err(rc);
		}
	} else {
		MDB_val k = { 6, (void *)"format" }, v;

		rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
		if (rc != MDB_SUCCESS || v.mv_size != 4 ||
		    memcmp(v.mv_data, "\0\0\0", 3) != 0 ||
		    ((uint8_t *)v.mv_data)[3] != PX_STORE_FORMAT) {
			mdb_txn_abort(txn);
			return PX_EFOREIGN;
		}
	}
	return map_err(mdb_txn_commit(txn));
}

int
px_store_open_sized(struct px_store **out, const char *dir, unsigned flags,
		    size_t map_bytes)
{
	struct px_store *s = NULL;
	char *data = NULL;
	struct stat st;
	int create = (flags & PX_STORE_CREATE) != 0;
	int rc;

	*out = NULL;
	if (create && (flags & PX_STORE_READONLY))
		return PX_EINVAL;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || !create)
			return errno == ENOENT ? PX_ENOTFOUND : PX_EIO;
		if (mkdir(dir, 0700) != 0)
			return PX_EIO;
	} else if (!S_ISDIR(st.st_mode)) {
		return PX_EFOREIGN;
	}
	data = path_in(dir, DATA_FILE);
	if (!data)
		return PX_ENOMEM;
	rc = stat(data, &st);
	free(data);
	if (create && rc == 0)
		return PX_EEXIST;
	if (!create && rc != 0)
		return PX_EFOREIGN;

	s = calloc(1, sizeof(*s));
	if (!s)
		return PX_ENOMEM;
	s->lock_fd = -1;
	s->readonly = (flags & PX_STORE_READONLY) != 0;
	s->scratch = (flags & PX_STORE_SCRATCH) != 0;
	pthread_mutex_init(&s->map_mu, NULL);
	pthread_cond_init(&s->map_cv, NULL);
	pthread_mutex_init(&s->attach_mu, NULL);
	s->dir = strdup(dir);
	if (!s->dir) {
		rc = PX_ENOMEM;
		goto fail;
	}
	if (!s->readonly && (rc = take_writer_lock(s)) != PX_OK)
		goto fail;
	if ((rc = map_err(mdb_env_create(&s->env))) != PX_OK)
		goto fail;
	mdb_env_set_maxdbs(s->env, DB_COUNT + WDB__COUNT);
	mdb_env_set_mapsize(s->env,
			    map_bytes ? map_bytes : PX_STORE_MAP_DEFAULT);
	/* MDB_NOTLS: read snapshots may move between threads (the node's
	 * workers). No flag that weakens durability, but for a scratch store
	 * nobody keeps: no sync, and pages written in the map itself (audit's
	 * replay of 1,000,000 entries took 47 s instead of 53; store.h). */
	rc = mdb_env_open(s->env, dir,
			  MDB_NOTLS | (s->readonly ? MDB_RDONLY : 0) |
				  (s->scratch
					   ? MDB_NOSYNC | MDB_NOMETASYNC |
						     MDB_WRITEMAP | MDB_MAPASYNC
					   : 0),
			  0600);
	if (rc != MDB_SUCCESS) {
		rc = map_err(rc);
		goto fail;
	}
	if ((rc = open_dbs(s, create)) != PX_OK)
		goto fail;
	*out = s;
	return PX_OK;
fail:
	px_store_close(s);
	return rc;
}

int
px_store_open(struct px_store **out, const char *dir, unsigned flags)
{
	return px_store_open_sized(out, dir, flags, 0);
}

void
px_store_close(struct px_store *s)
{
	if (!s)
		return;
	if (s->attach_kind)
		s->attach_kind->release(s->attached);
	pthread_mutex_destroy(&s->attach_mu);
	if (s->env)
		mdb_env_close(s->env);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock */
	pthread_cond_destroy(&s->map_cv);
	pthread_mutex_destroy(&s->map_mu);
	if (s->owns_dir) {
		static const char *const files[] = { DATA_FILE, "lock.mdb" };

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			char *f = path_in(s->dir, files[i]);

			if (f)
				unlink(f);
			free(f);
		}
		rmdir(s->dir);
	}
	free(s->dir);
	free(s);
}

int
px_store_open_scratch(struct px_store **out, const char *dir, const char *name)
{
	const char *base = dir ? dir : getenv("TMPDIR");
	char *path;
	int rc;

	*out = NULL;
	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/%s-XXXXXX", base, name) < 0)
		return PX_ENOMEM;
	if (!mkdtemp(path)) {
		free(path);
		return PX_EIO;
	}
	/* A fresh name, taken; px_store_open makes the folder itself. */
	rmdir(path);
	rc = px_store_open(out, path, PX_STORE_CREATE | PX_STORE_SCRATCH);
	if (rc == PX_OK)
		(*out)->owns_dir = 1;
	else
		rmdir(path);
	free(path);
	return rc;
}

const char *
px_store_dir(const struct px_store *s)
{
	return s->dir;
}

int
px_store_disk_bytes(struct px_store *s, uint64_t *out)
{
	char *data = path_in(s->dir, DATA_FILE);
	struct stat st;
	int rc;

	if (!data)
		return PX_ENOMEM;
	rc = stat(data, &st);
	free(data);
	if (rc != 0)
		return PX_EIO;
	*out = (uint64_t)st.st_blocks * 512u;
	return PX_OK;
}

/* Set the map's size (0: adopt the size another process set) once no read
 * snapshot of this process is open. The caller holds no transaction. */
static int
resize(struct px_store *s, size_t bytes)
{
	int rc;

	pthread_mutex_lock(&s->map_mu);
	while (s->resizing)
		pthread_cond_wait(&s->map_cv, &s->map_mu);
	s->resizing = 1;
	while (s->readers > 0)
		pthread_cond_wait(&s->map_cv, &s->map_mu);
	rc = map_err(mdb_env_set_mapsize(s->env, bytes));
	s->resizing = 0;
	pthread_cond_broadcast(&s->map_cv);
	pthread_mutex_unlock(&s->map_mu);
	return rc;
}

int
px_store_grow(struct px_store *s)
{
	MDB_envinfo info;

	if (mdb_env_info(s->env, &info) != MDB_SUCCESS)
		return PX_ESTORE;
	if (info.me_mapsize > SIZE_MAX / 2)
		return PX_EFULL;
	return resize(s, info.me_mapsize * 2);
}

static void
reader_enter(struct px_store *s)
{
	pthread_mutex_lock(&s->map_mu);
	while (s->resizing)
		pthread_cond_wait(&s->map_cv, &s->map_mu);
	s->readers++;
	pthread_mutex_unlock(&s->map_mu);
}

static void
reader_leave(struct px_store *s)
{
	pthread_mutex_lock(&s->map_mu);
	if (--s->readers == 0)
		pthread_cond_broadcast(&s->map_cv);
	pthread_mutex_unlock(&s->map_mu);
}

/* Leaves in the snapshot: one past the last key of the tree database. */
static int
load_size(struct px_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[DB_TREE], &c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		t->size = 0;
		return PX_OK;
	}
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	if (k.mv_size != 8)
		return PX_ESTORE;
	t->size = px_get_be64(k.mv_data) + 1;
	return PX_OK;
}

int
px_store_begin(struct px_txn **out, struct px_store *s, int write)
{
	struct px_txn *t;
	int rc;

	*out = NULL;
	if (write && s->readonly)
		return PX_EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return PX_ENOMEM;
	t->s = s;
	t->write = write;
	for (int tries = 0;; tries++) {
		if (!write)
			reader_enter(s);
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY,
				   &t->txn);
		if (rc != MDB_SUCCESS && !write)
			reader_leave(s);
		if (rc != MDB_MAP_RESIZED || tries > 0)
			break;
		/* Another process grew the map: adopt its size. */
		if ((rc = resize(s, 0)) != PX_OK) {
			free(t);
			return rc;
		}
	}
	if (rc != MDB_SUCCESS) {
		free(t);
		return map_err(rc);
	}
	if ((rc = load_size(t)) != PX_OK) {
		px_store_abort(t);
		return rc;
	}
	*out = t;
	return PX_OK;
}

int
px_store_begin_nested(struct px_txn **out, struct px_txn *parent)
{
	struct px_txn *t;
	int rc;

	*out = NULL;
	if (!parent->write || parent->s->scratch)
		return PX_EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return PX_ENOMEM;
	*t = (struct px_txn){ .s = parent->s,
			      .parent = parent,
			      .write = 1,
			      .size = parent->size };
	rc = mdb_txn_begin(parent->s->env, parent->txn, 0, &t->txn);
	if (rc != MDB_SUCCESS) {
		free(t);
		return map_err(rc);
	}
	*out = t;
	return PX_OK;
}

int
px_store_commit(struct px_txn *t)
{
	int rc;

	if (!t->write) {
		px_store_abort(t);
		return PX_OK;
	}
	if (!t->parent && t->pending &&
	    (rc = t->pending->flush(t, t->pending_state)) != PX_OK) {
		px_store_abort(t);
		return rc;
	}
	drop_pending(t);
	rc = mdb_txn_commit(t->txn);
	if (rc == MDB_SUCCESS && t->parent)
		t->parent->size = t->size;
	free(t);
	return map_err(rc);
}

void
px_store_abort(struct px_txn *t)
{
	if (!t)
		return;
	drop_pending(t);
	mdb_txn_abort(t->txn);
	if (!t->write)
		reader_leave(t->s);
	free(t);
}

uint64_t
px_store_size(const struct px_txn *t)
{
	return t->size;
}

static int
get_raw(struct px_txn *t, int db, const void *key, size_t klen,
	const uint8_t **out, size_t *out_len)
{
	MDB_val k = { klen, (void *)key }, v;
	int rc = mdb_get(t->txn, t->s->dbi[db], &k, &v);

	if (rc != MDB_SUCCESS)
		return map_err(rc);
	*out = v.mv_data;
	*out_len = v.mv_size;
	return PX_OK;
}

static int
put_raw(struct px_txn *t, int db, const void *key, size_t klen,
	const void *value, size_t vlen, unsigned flags)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)value };

	if (!t->write)
		return PX_EINVAL;
	return map_err(mdb_put(t->txn, t->s->dbi[db], &k, &v, flags));
}

int
px_store_tree_record(struct px_txn *t, uint64_t index, const uint8_t **out,
		     size_t *out_len)
{
	uint8_t key[8];
	int rc;

	px_put_be64(key, index);
	rc = get_raw(t, DB_TREE, key, 8, out, out_len);
	/* Bytes from the disk are checked, never asserted on. */
	if (rc == PX_OK &&
	    (*out_len < 2 * PX_HASH_LEN || *out_len % PX_HASH_LEN != 0))
		return PX_ESTORE;
	return rc;
}

/* The hash at slot (0: chain value, 1: leaf hash) of tree[index]. */
static int
tree_hash(struct px_txn *t, uint64_t index, size_t slot, struct px_hash *out)
{
	const uint8_t *rec;
	size_t len;
	int rc = px_store_tree_record(t, index, &rec, &len);

	if (rc == PX_OK)
		memcpy(out->b, rec + slot * PX_HASH_LEN, PX_HASH_LEN);
	return rc;
}

int
px_store_chain(struct px_txn *t, uint64_t index, struct px_hash *out)
{
	return tree_hash(t, index, 0, out);
}

int
px_store_leaf_hash(struct px_txn *t, uint64_t index, struct px_hash *out)
{
	return tree_hash(t, index, 1, out);
}

int
px_store_merkle_source(void *ctx, uint64_t start, unsigned level,
		       struct px_hash *out)
{
	struct px_txn *t = ctx;
	const uint8_t *rec;
	size_t len;
	int rc;

	if (level >= 64)
		return PX_EINVAL;
	rc = px_store_tree_record(t, start + ((uint64_t)1 << level) - 1, &rec,
				  &len);
	if (rc != PX_OK)
		return rc == PX_ENOTFOUND ? PX_EINVAL : rc;
	if (len < (size_t)(2 + level) * PX_HASH_LEN)
		return PX_ESTORE;
	memcpy(out->b, rec + (size_t)(1 + level) * PX_HASH_LEN, PX_HASH_LEN);
	return PX_OK;
}

int
px_store_root(struct px_txn *t, uint64_t size, struct px_hash *out)
{
	if (size > t->size)
		return PX_EINVAL;
	return px_merkle_root(out, size, px_store_merkle_source, t);
}

int
px_store_find(struct px_txn *t, const struct px_hash *key, uint64_t *out_index)
{
	const uint8_t *v;
	size_t len;
	uint64_t index;
	int rc = get_raw(t, DB_ENTRY_INDEX, key->b, PX_HASH_LEN, &v, &len);

	if (rc != PX_OK)
		return rc;
	if (len != 8)
		return PX_ESTORE;
	index = px_get_be64(v);
	if (index >= t->size)
		return PX_ESTORE;
	*out_index = index;
	return PX_OK;
}

int
px_store_leaf(struct px_txn *t, uint64_t index, const uint8_t **out,
	      size_t *out_len)
{
	uint8_t key[8];

	px_put_be64(key, index);
	return get_raw(t, DB_LEAVES, key, 8, out, out_len);
}

int
px_store_append(struct px_txn *t, const uint8_t *leaf, size_t len,
		const struct px_hash *leaf_hash,
		const struct px_hash *index_key)
{
	/* chain ‖ h_0 ‖ … ‖ h_63 */
	uint8_t rec[(2 + 63) * PX_HASH_LEN];
	struct px_hash prev = { { 0 } }, chain, h;
	uint64_t i = t->size;
	uint8_t key[8];
	size_t rlen;
	int rc;

	if (!t->write)
		return PX_EINVAL;
	/* The index first: a leaf already logged is PX_EEXIST before
	 * anything else is written. */
	px_put_be64(key, i);
	rc = put_raw(t, DB_ENTRY_INDEX, index_key->b, PX_HASH_LEN, key, 8,
		     MDB_NOOVERWRITE);
	if (rc != PX_OK)
		return rc;
	if (i > 0 && (rc = px_store_chain(t, i - 1, &prev)) != PX_OK)
		return rc;
	if ((rc = px_hash_chain(&chain, &prev, leaf_hash)) != PX_OK)
		return rc;

	memcpy(rec, chain.b, PX_HASH_LEN);
	memcpy(rec + PX_HASH_LEN, leaf_hash->b, PX_HASH_LEN);
	rlen = 2 * PX_HASH_LEN;
	h = *leaf_hash;
	/* Every perfect subtree that leaf i completes: 2^l divides i + 1. Its
	 * left half ends 2^(l-1) leaves back. */
	for (unsigned l = 1;
	     l < 64 && ((i + 1) & (((uint64_t)1 << l) - 1)) == 0; l++) {
		struct px_hash left;

		rc = px_store_merkle_source(t, i + 1 - ((uint64_t)1 << l),
					    l - 1, &left);
		if (rc != PX_OK)
			return rc;
		if ((rc = px_hash_node(&h, &left, &h)) != PX_OK)
			return rc;
		memcpy(rec + rlen, h.b, PX_HASH_LEN);
		rlen += PX_HASH_LEN;
	}

	if ((rc = put_raw(t, DB_LEAVES, key, 8, leaf, len, MDB_APPEND)) !=
	    PX_OK)
		return rc;
	if ((rc = put_raw(t, DB_TREE, key, 8, rec, rlen, MDB_APPEND)) != PX_OK)
		return rc;
	t->size = i + 1;
	return PX_OK;
}

int
px_store_meta_get(struct px_txn *t, const char *name, const uint8_t **out,
		  size_t *out_len)
{
	return get_raw(t, DB_META, name, strlen(name), out, out_len);
}

int
px_store_meta_put(struct px_txn *t, const char *name, const void *value,
		  size_t len)
{
	return put_raw(t, DB_META, name, strlen(name), value, len, 0);
}

int
px_store_checkpoint_put(struct px_txn *t, uint64_t size, const char *note,
			size_t len)
{
	uint8_t key[8];

	px_put_be64(key, size);
	return put_raw(t, DB_CHECKPOINTS, key, 8, note, len, 0);
}

int
px_store_checkpoint_latest(struct px_txn *t, uint64_t *out_size,
			   const char **note, size_t *note_len)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[DB_CHECKPOINTS], &c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	if (k.mv_size != 8)
		return PX_ESTORE;
	*out_size = px_get_be64(k.mv_data);
	*note = v.mv_data;
	*note_len = v.mv_size;
	return PX_OK;
}

int
px_store_checkpoint_get(struct px_txn *t, uint64_t size, const char **note,
			size_t *note_len)
{
	const uint8_t *v;
	uint8_t key[8];
	int rc;

	px_put_be64(key, size);
	if ((rc = get_raw(t, DB_CHECKPOINTS, key, 8, &v, note_len)) != PX_OK)
		return rc;
	*note = (const char *)v;
	return PX_OK;
}

int
px_store_checkpoint_each(struct px_txn *t, px_store_checkpoint_fn fn, void *ctx)
{
	return px_store_checkpoint_from(t, 0, fn, ctx);
}

int
px_store_checkpoint_from(struct px_txn *t, uint64_t start,
			 px_store_checkpoint_fn fn, void *ctx)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint8_t key[8];
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[DB_CHECKPOINTS], &c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	px_put_be64(key, start);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	/* Big-endian keys sort as numbers: the first size >= start. */
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		int r;

		if (k.mv_size != 8) {
			mdb_cursor_close(c);
			return PX_ESTORE;
		}
		r = fn(ctx, px_get_be64(k.mv_data), v.mv_data, v.mv_size);
		if (r != 0) {
			mdb_cursor_close(c);
			return r;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? PX_OK : map_err(rc);
}

int
px_store_entry_index_each(struct px_txn *t, px_store_index_fn fn, void *ctx)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ENTRY_INDEX], &c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		int r = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size);

		if (r != 0) {
			mdb_cursor_close(c);
			return r;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? PX_OK : map_err(rc);
}

/* ---- what a witness keeps ---- */

int
px_store_witnessed_get(struct px_txn *t, const char *origin, const char **note,
		       size_t *note_len)
{
	MDB_val k = { strlen(origin), (void *)origin }, v;
	int rc;

	if (k.mv_size == 0 || k.mv_size > 511)
		return PX_EINVAL;
	if (!t->s->have_wdb[WDB_WITNESSED])
		return PX_ENOTFOUND;
	rc = mdb_get(t->txn, t->s->wdbi[WDB_WITNESSED], &k, &v);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	*note = v.mv_data;
	*note_len = v.mv_size;
	return PX_OK;
}

int
px_store_witnessed_put(struct px_txn *t, const char *origin, const char *note,
		       size_t note_len)
{
	MDB_val k = { strlen(origin), (void *)origin },
		v = { note_len, (void *)note };

	if (k.mv_size == 0 || k.mv_size > 511)
		return PX_EINVAL;
	if (!t->write || !t->s->have_wdb[WDB_WITNESSED])
		return PX_EINVAL;
	return map_err(mdb_put(t->txn, t->s->wdbi[WDB_WITNESSED], &k, &v, 0));
}

int
px_store_evidence_put(struct px_txn *t, const struct px_hash *id,
		      const char *text, size_t len)
{
	MDB_val k = { PX_HASH_LEN, (void *)id->b }, v = { len, (void *)text };

	if (!t->write || !t->s->have_wdb[WDB_EVIDENCE])
		return PX_EINVAL;
	return map_err(mdb_put(t->txn, t->s->wdbi[WDB_EVIDENCE], &k, &v, 0));
}

int
px_store_evidence_each(struct px_txn *t, px_store_evidence_fn fn, void *ctx)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if (!t->s->have_wdb[WDB_EVIDENCE])
		return PX_OK;
	rc = mdb_cursor_open(t->txn, t->s->wdbi[WDB_EVIDENCE], &c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		int r = fn(ctx, v.mv_data, v.mv_size);

		if (r != 0) {
			mdb_cursor_close(c);
			return r;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? PX_OK : map_err(rc);
}

/* A key of table is 1..511 bytes (LMDB's default key size limit). */
static int
table_key_ok(enum px_table table, size_t klen)
{
	return (unsigned)table < PX_TABLE__COUNT && klen > 0 && klen <= 511;
}

/* A cursor on table (klen: the key it will look for, 0 for none). */
static int
table_cursor(struct px_txn *t, enum px_table table, size_t klen, MDB_cursor **c)
{
	if (klen ? !table_key_ok(table, klen)
		 : (unsigned)table >= PX_TABLE__COUNT)
		return PX_EINVAL;
	return map_err(
		mdb_cursor_open(t->txn, t->s->dbi[DB__LOG_COUNT + table], c));
}

int
px_store_get(struct px_txn *t, enum px_table table, const void *key,
	     size_t klen, const uint8_t **out, size_t *out_len)
{
	if (!table_key_ok(table, klen))
		return PX_EINVAL;
	return get_raw(t, DB__LOG_COUNT + table, key, klen, out, out_len);
}

int
px_store_put(struct px_txn *t, enum px_table table, const void *key,
	     size_t klen, const void *value, size_t vlen)
{
	if (!table_key_ok(table, klen))
		return PX_EINVAL;
	return put_raw(t, DB__LOG_COUNT + table, key, klen, value, vlen, 0);
}

int
px_store_del(struct px_txn *t, enum px_table table, const void *key,
	     size_t klen)
{
	MDB_val k = { klen, (void *)key };

	if (!table_key_ok(table, klen) || !t->write)
		return PX_EINVAL;
	return map_err(
		mdb_del(t->txn, t->s->dbi[DB__LOG_COUNT + table], &k, NULL));
}

int
px_store_scan(struct px_txn *t, enum px_table table, const void *prefix,
	      size_t plen, px_store_scan_fn fn, void *ctx)
{
	MDB_cursor *c;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc, r = 0;

	if ((rc = table_cursor(t, table, 0, &c)) != PX_OK)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == MDB_SUCCESS) {
		if (plen &&
		    (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		r = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
		if (r != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (r != 0)
		return r;
	return rc == MDB_NOTFOUND || rc == MDB_SUCCESS ? PX_OK : map_err(rc);
}

int
px_store_table_diff(struct px_txn *a, struct px_txn *b, enum px_table table,
		    enum px_store_diff *out, const uint8_t **key, size_t *klen)
{
	MDB_cursor *ca = NULL, *cb = NULL;
	MDB_val ka, va, kb, vb;
	int ra, rb, rc;

	*out = PX_DIFF_NONE;
	*key = NULL;
	*klen = 0;
	if ((rc = table_cursor(a, table, 0, &ca)) != PX_OK)
		return rc;
	if ((rc = table_cursor(b, table, 0, &cb)) != PX_OK) {
		mdb_cursor_close(ca);
		return rc;
	}
	ra = mdb_cursor_get(ca, &ka, &va, MDB_FIRST);
	rb = mdb_cursor_get(cb, &kb, &vb, MDB_FIRST);
	/* Both in key order at once: the first key where they part. */
	while (ra == MDB_SUCCESS || rb == MDB_SUCCESS) {
		int c;

		if ((ra != MDB_SUCCESS && ra != MDB_NOTFOUND) ||
		    (rb != MDB_SUCCESS && rb != MDB_NOTFOUND))
			break;
		c = ra == MDB_NOTFOUND ? 1
		    : rb == MDB_NOTFOUND
			    ? -1
			    : mdb_cmp(a->txn, a->s->dbi[DB__LOG_COUNT + table],
				      &ka, &kb);
		if (c != 0 || va.mv_size != vb.mv_size ||
		    memcmp(va.mv_data, vb.mv_data, va.mv_size) != 0) {
			const MDB_val *at = c > 0 ? &kb : &ka;

			*out = c < 0   ? PX_DIFF_ONLY_A
			       : c > 0 ? PX_DIFF_ONLY_B
				       : PX_DIFF_VALUE;
			*key = at->mv_data;
			*klen = at->mv_size;
			break;
		}
		ra = mdb_cursor_get(ca, &ka, &va, MDB_NEXT);
		rb = mdb_cursor_get(cb, &kb, &vb, MDB_NEXT);
	}
	mdb_cursor_close(ca);
	mdb_cursor_close(cb);
	if (*out != PX_DIFF_NONE)
		return PX_OK;
	if (ra != MDB_SUCCESS && ra != MDB_NOTFOUND)
		return map_err(ra);
	if (rb != MDB_SUCCESS && rb != MDB_NOTFOUND)
		return map_err(rb);
	return PX_OK;
}

/* ---- the verifiable index's neighbours (index.c) ---- */

int
px_store_near(struct px_txn *t, enum px_table table, const void *key,
	      size_t klen, const uint8_t **below, size_t *below_len,
	      const uint8_t **above, size_t *above_len)
{
	MDB_cursor *c;
	MDB_val k = { klen, (void *)key }, v;
	int rc;

	*below = *above = NULL;
	*below_len = *above_len = 0;
	if ((rc = table_cursor(t, table, klen, &c)) != PX_OK)
		return rc;
	/* The first key at or after key; the one before it is below. */
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == MDB_SUCCESS) {
		MDB_val at = k;

		if (at.mv_size == klen && memcmp(at.mv_data, key, klen) == 0)
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		if (rc == MDB_SUCCESS) {
			*above = k.mv_data;
			*above_len = k.mv_size;
		}
		if (rc == MDB_SUCCESS || rc == MDB_NOTFOUND) {
			k = (MDB_val){ klen, (void *)key };
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			if (rc == MDB_SUCCESS)
				rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
		}
	} else if (rc == MDB_NOTFOUND) {
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	}
	if (rc == MDB_SUCCESS) {
		*below = k.mv_data;
		*below_len = k.mv_size;
	}
	mdb_cursor_close(c);
	return rc == MDB_SUCCESS || rc == MDB_NOTFOUND ? PX_OK : map_err(rc);
}

int
px_store_seek(struct px_txn *t, enum px_table table, const void *key,
	      size_t klen, const uint8_t **out_key, size_t *out_klen,
	      const uint8_t **value, size_t *vlen)
{
	MDB_cursor *c;
	MDB_val k = { klen, (void *)key }, v;
	int rc;

	if ((rc = table_cursor(t, table, klen, &c)) != PX_OK)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	mdb_cursor_close(c);
	if (rc != MDB_SUCCESS)
		return map_err(rc);
	*out_key = k.mv_data;
	*out_klen = k.mv_size;
	*value = v.mv_data;
	*vlen = v.mv_size;
	return PX_OK;
}

const char *
px_store_table_name(enum px_table table)
{
	if ((unsigned)table >= PX_TABLE__COUNT)
		return "unknown";
	return db_names[DB__LOG_COUNT + table];
}

int
px_store_clear(struct px_txn *t, enum px_table table)
{
	if ((unsigned)table >= PX_TABLE__COUNT || !t->write)
		return PX_EINVAL;
	return map_err(mdb_drop(t->txn, t->s->dbi[DB__LOG_COUNT + table], 0));
}
