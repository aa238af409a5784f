/* paxta — C2SP tlog-tiles paths and hash tiles, see tiles.h. */
#include <stdio.h>
#include <string.h>

#include "paxta/tiles.h"

/* A decimal of at most max_digits with no leading zero. */
static int
decimal(const char *p, size_t n, size_t max_digits, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > max_digits || (p[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

int
px_tile_parse(struct px_tile *out, const char *path)
{
	const char *p = path, *slash;
	uint64_t v, index = 0;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->width = PX_TILE_WIDTH;
	slash = strchr(p, '/');
	if (!slash)
		return PX_EMALFORMED;
	n = (size_t)(slash - p);
	if (n == 7 && memcmp(p, "entries", 7) == 0) {
		out->entries = 1;
	} else if (decimal(p, n, 2, &v) || v >= PX_TILE_LEVEL_MAX) {
		return PX_EMALFORMED;
	} else {
		out->level = (unsigned)v;
	}
	/* "x001/x234/067", then ".p/W" or the end. */
	for (p = slash + 1;; p += 5) {
		if (p[0] == 'x') {
			if (strlen(p) < 5 || p[4] != '/')
				return PX_EMALFORMED;
			for (int i = 1; i <= 3; i++)
				if (p[i] < '0' || p[i] > '9')
					return PX_EMALFORMED;
			v = (uint64_t)((p[1] - '0') * 100 + (p[2] - '0') * 10 +
				       (p[3] - '0'));
			if (index > (UINT64_MAX - v) / 1000)
				return PX_EMALFORMED;
			index = index * 1000 + v;
			/* No leading zero group: one way to write N. */
			if (index == 0)
				return PX_EMALFORMED;
			continue;
		}
		for (int i = 0; i < 3; i++)
			if (p[i] < '0' || p[i] > '9')
				return PX_EMALFORMED;
		v = (uint64_t)((p[0] - '0') * 100 + (p[1] - '0') * 10 +
			       (p[2] - '0'));
		if (index > (UINT64_MAX - v) / 1000)
			return PX_EMALFORMED;
		index = index * 1000 + v;
		p += 3;
		break;
	}
	out->index = index;
	if (*p == '\0')
		return PX_OK;
	if (strncmp(p, ".p/", 3) != 0 || decimal(p + 3, strlen(p + 3), 3, &v) ||
	    v == 0 || v >= PX_TILE_WIDTH)
		return PX_EMALFORMED;
	out->width = (unsigned)v;
	return PX_OK;
}

int
px_tile_format(char *out, size_t cap, const struct px_tile *t)
{
	char groups[8][5];
	uint64_t n = t->index;
	size_t k = 0, len;
	int w;

	if (t->width == 0 || t->width > PX_TILE_WIDTH ||
	    (!t->entries && t->level >= PX_TILE_LEVEL_MAX))
		return PX_EINVAL;
	do {
		snprintf(groups[k++], sizeof(groups[0]), "%03u",
			 (unsigned)(n % 1000));
		n /= 1000;
	} while (n);
	w = t->entries ? snprintf(out, cap, "entries")
		       : snprintf(out, cap, "%u", t->level);
	if (w < 0 || (size_t)w >= cap)
		return PX_EINVAL;
	len = (size_t)w;
	while (k-- > 0) {
		w = snprintf(out + len, cap - len, "/%s%s", k ? "x" : "",
			     groups[k]);
		if (w < 0 || (size_t)w >= cap - len)
			return PX_EINVAL;
		len += (size_t)w;
	}
	if (t->width < PX_TILE_WIDTH) {
		w = snprintf(out + len, cap - len, ".p/%u", t->width);
		if (w < 0 || (size_t)w >= cap - len)
			return PX_EINVAL;
	}
	return PX_OK;
}

/* 256^level leaves per hash (entry bundles: 1). */
static uint64_t
span(const struct px_tile *t)
{
	return t->entries ? 1 : (uint64_t)1 << (8 * t->level);
}

uint64_t
px_tile_first_leaf(const struct px_tile *t)
{
	return t->index * PX_TILE_WIDTH * span(t);
}

int
px_tile_exists(const struct px_tile *t, uint64_t size)
{
	uint64_t per = span(t), hashes = size / per;

	/* Tiles past what 64 bits can index are past any tree. */
	if (t->index > (UINT64_MAX / PX_TILE_WIDTH) / per)
		return PX_ENOTFOUND;
	/* Full: the tree holds all 256 hashes of the tile. Partial: the
	 * tree's own partial tile at this level has exactly this width. */
	if (t->width == PX_TILE_WIDTH)
		return hashes / PX_TILE_WIDTH > t->index ? PX_OK : PX_ENOTFOUND;
	return hashes / PX_TILE_WIDTH == t->index &&
			       hashes % PX_TILE_WIDTH >= t->width
		       ? PX_OK
		       : PX_ENOTFOUND;
}

int
px_tile_hashes(uint8_t *out, const struct px_tile *t, px_merkle_source src,
	       void *ctx)
{
	uint64_t first = px_tile_first_leaf(t), per = span(t);
	struct px_hash h;
	int rc;

	if (t->entries)
		return PX_EINVAL;
	for (unsigned i = 0; i < t->width; i++) {
		/* One perfect subtree of 2^(8L) leaves per hash. */
		rc = src(ctx, first + i * per, 8 * t->level, &h);
		if (rc != PX_OK)
			return rc;
		memcpy(out + (size_t)i * PX_HASH_LEN, h.b, PX_HASH_LEN);
	}
	return PX_OK;
}
