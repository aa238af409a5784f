/*
 * paxta — C2SP tlog-tiles: the log as static resources, so existing tlog
 * tooling can read, verify and mirror it.
 *
 *   tile/<L>/<N>[.p/<W>]        hash tiles: at level L, hash i of tile N is
 *                               MTH(D[(N*256+i)*256^L : (N*256+i+1)*256^L]),
 *                               256 of them (8,192 bytes) or W (1..255)
 *   tile/entries/<N>[.p/<W>]    entry bundles: big-endian uint16
 *                               length-prefixed leaves, the exact bytes
 *                               whose RFC 9162 leaf hashes form level 0
 *
 * <N> is written in zero-padded 3-digit path elements, all but the last
 * with an 'x' (1234067: x001/x234/067).
 */
#ifndef PAXTA_TILES_H
#define PAXTA_TILES_H

#include <stddef.h>
#include <stdint.h>

#include "paxta/error.h"
#include "paxta/merkle.h"

#define PX_TILE_WIDTH    256
#define PX_TILE_PATH_MAX 64
/* Levels whose tiles a 64-bit tree can hold: 256^(L+1) <= 2^64. */
#define PX_TILE_LEVEL_MAX 7
/* The largest leaf an entry bundle can carry (uint16 length). */
#define PX_TILE_ENTRY_MAX 65535

struct px_tile {
	int entries;    /* 1: an entry bundle; 0: a hash tile */
	unsigned level; /* hash tiles: 0..PX_TILE_LEVEL_MAX - 1 */
	uint64_t index; /* N */
	unsigned width; /* 1..256; 256 is a full tile (no .p/W) */
};

/*
 * Parse the part of a tile path after "tile/": "0/x001/x234/067",
 * "entries/005.p/17". PX_EMALFORMED for anything tlog-tiles does not
 * allow (leading zeroes, a level past the cap, a width of 0 or 256, an
 * index past 2^64 - 1).
 */
int px_tile_parse(struct px_tile *out, const char *path);

/* The path after "tile/" (the inverse of px_tile_parse) into out. PX_OK or
 * PX_EINVAL (out too small, a tile that cannot exist). */
int px_tile_format(char *out, size_t cap, const struct px_tile *t);

/* Does a tree of size leaves hold this tile whole? PX_OK, or PX_ENOTFOUND
 * (not yet; or a partial tile its full one has replaced: tlog-tiles lets
 * a log serve either, paxta serves only partial tiles still partial). */
int px_tile_exists(const struct px_tile *t, uint64_t size);

/* The first leaf a tile covers and how many leaves per hash. */
uint64_t px_tile_first_leaf(const struct px_tile *t);

/* The width * 32 bytes of a hash tile, from a Merkle source (merkle.h).
 * PX_EINVAL for an entry bundle. */
int px_tile_hashes(uint8_t *out, const struct px_tile *t, px_merkle_source src,
		   void *ctx);

#endif
