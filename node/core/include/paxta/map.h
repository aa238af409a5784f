/*
 * paxta — a map from text keys to fixed-size values.
 *
 * For the places that look things up by actor, lot or subject id while they
 * work (a signer's chains, a verdict's statements): one allocation per
 * key, no JSON objects used as maps. Open addressing with linear probing,
 * kept under half full; removal shifts the run back (no tombstones). Keys
 * come from input, so the hash is keyed: SipHash-2-4 (libsodium's
 * crypto_shorthash) under a random key per map, and a flood of chosen ids
 * cannot make lookups linear.
 *
 * Not thread-safe: one map, one thread at a time.
 */
#ifndef PAXTA_MAP_H
#define PAXTA_MAP_H

#include <stddef.h>
#include <stdint.h>

struct px_map_slot;

struct px_map {
	struct px_map_slot *slots;
	size_t cap; /* a power of two, or 0 before the first put */
	size_t n;
	size_t value_size;
	uint8_t key[16]; /* the hash's key */
};

/* An empty map of values of value_size bytes (0: keys alone). */
void px_map_init(struct px_map *m, size_t value_size);

/* Free every key and value; the map is empty and may be used again. */
void px_map_clear(struct px_map *m);

/* The value stored under key, or NULL. Valid until the next put or del. */
void *px_map_get(const struct px_map *m, const char *key);

/*
 * The value under key, made (zeroed) when key was not there: *out points
 * at it until the next put or del; *made (may be NULL) says whether it
 * is new. PX_OK, or PX_ENOMEM with the map unchanged.
 */
int px_map_put(struct px_map *m, const char *key, void **out, int *made);

/* Remove key and its value; nothing when it is not there. */
void px_map_del(struct px_map *m, const char *key);

/* Keys in the map. */
size_t px_map_size(const struct px_map *m);

/* Call fn for every key and its value, in no order; the map must not
 * change meanwhile. A non-zero return from fn stops and is returned. */
int px_map_each(const struct px_map *m,
		int (*fn)(void *ctx, const char *key, void *value), void *ctx);

#endif
