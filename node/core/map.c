/* paxta — a map from text keys to fixed-size values (map.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "paxta/error.h"
#include "paxta/map.h"

/* A key and its value share one allocation, which starts at the value
 * (so value_room(m) bytes, keeping malloc's alignment) and ends with the
 * key's text. */
struct px_map_slot {
	uint64_t hash;
	char *key;   /* NULL: empty */
	void *value; /* the allocation */
};

static uint64_t
hash_of(const struct px_map *m, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v = 0;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), m->key);
	for (size_t i = 0; i < sizeof(v); i++)
		v = v << 8 | h[i];
	return v;
}

void
px_map_init(struct px_map *m, size_t value_size)
{
	memset(m, 0, sizeof(*m));
	m->value_size = value_size;
	randombytes_buf(m->key, sizeof(m->key));
}

void
px_map_clear(struct px_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			free(m->slots[i].value);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

size_t
px_map_size(const struct px_map *m)
{
	return m->n;
}

int
px_map_each(const struct px_map *m,
	    int (*fn)(void *ctx, const char *key, void *value), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++) {
		int rc;

		if (m->slots[i].key &&
		    (rc = fn(ctx, m->slots[i].key, m->slots[i].value)) != 0)
			return rc;
	}
	return 0;
}

/* The slot of key, or the empty slot where it would go. */
static size_t
find(const struct px_map *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	while (m->slots[i].key &&
	       (m->slots[i].hash != h || strcmp(m->slots[i].key, key) != 0))
		i = (i + 1) & mask;
	return i;
}

void *
px_map_get(const struct px_map *m, const char *key)
{
	size_t i;

	if (m->n == 0)
		return NULL;
	i = find(m, key, hash_of(m, key));
	return m->slots[i].key ? m->slots[i].value : NULL;
}

static int
grow(struct px_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct px_map_slot *slots = calloc(cap, sizeof(*slots)),
			   *old = m->slots;
	size_t old_cap = m->cap;

	if (!slots)
		return PX_ENOMEM;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			m->slots[find(m, old[i].key, old[i].hash)] = old[i];
	free(old);
	return PX_OK;
}

/* Bytes of a slot's allocation before the key's text. */
static size_t
value_room(const struct px_map *m)
{
	return (m->value_size + 15) / 16 * 16;
}

int
px_map_put(struct px_map *m, const char *key, void **out, int *made)
{
	size_t len = strlen(key), room = value_room(m), i;
	uint64_t h;
	char *block;

	if (made)
		*made = 0;
	h = hash_of(m, key);
	if (m->n) {
		i = find(m, key, h);
		if (m->slots[i].key) {
			*out = m->slots[i].value;
			return PX_OK;
		}
	}
	/* At most half full, so a probe ends soon. */
	if ((m->n + 1) * 2 > m->cap && grow(m) != PX_OK)
		return PX_ENOMEM;
	if (!(block = calloc(1, room + len + 1)))
		return PX_ENOMEM;
	memcpy(block + room, key, len);
	i = find(m, key, h);
	m->slots[i] = (struct px_map_slot){ h, block + room, block };
	m->n++;
	*out = block;
	if (made)
		*made = 1;
	return PX_OK;
}

/* Free a slot's allocation (it starts at the value). */
static void
free_slot(struct px_map_slot *s)
{
	free(s->value);
	s->key = NULL;
	s->value = NULL;
}

void
px_map_del(struct px_map *m, const char *key)
{
	size_t mask, i, j;

	if (m->n == 0)
		return;
	mask = m->cap - 1;
	i = find(m, key, hash_of(m, key));
	if (!m->slots[i].key)
		return;
	free_slot(&m->slots[i]);
	m->n--;
	/* Shift the run after i back so no probe stops short of its key. */
	for (j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = (size_t)m->slots[j].hash & mask;

		/* j's key may move to i when i lies on its probe path, from
		 * home to j (cyclically). */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			m->slots[j].value = NULL;
			i = j;
		}
	}
}
