/*
 * paxtad — EntryBatch (proto/paxta.proto) on the wire.
 *
 * A batch is read in place: each entry is a pointer into the request body,
 * so the bytes logged are exactly the bytes received, nothing is copied,
 * and the entries are counted against the cap before anything is
 * allocated for them. The wire format is protobuf's
 * (https://protobuf.dev/programming-guides/encoding/): field 1, wire type 2,
 * repeated; other fields are skipped as protobuf readers do.
 */
#include <stdlib.h>
#include <string.h>

#include "paxtad.h"

/* A varint at *p (before end): PX_OK and *p moved past it. */
static int
varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*p >= end)
			return PX_EMALFORMED;
		b = *(*p)++;
		/* The tenth byte may only carry the top bit. */
		if (shift == 63 && b > 1)
			return PX_EMALFORMED;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return PX_OK;
		}
	}
	return PX_EMALFORMED;
}

/* Walk the fields of body, counting the entries (field 1) into *n and,
 * when leaves is not NULL, pointing leaves[i] and lens[i] at each. */
static int
scan(const uint8_t *body, size_t len, size_t max, const uint8_t **leaves,
     size_t *lens, size_t *n)
{
	const uint8_t *p = body, *end = body + len;
	uint64_t key, v;

	*n = 0;
	while (p < end) {
		if (varint(&p, end, &key) != PX_OK || (key >> 3) == 0)
			return PX_EMALFORMED;
		switch (key & 7) {
		case 0:
			if (varint(&p, end, &v) != PX_OK)
				return PX_EMALFORMED;
			break;
		case 1:
			if ((size_t)(end - p) < 8)
				return PX_EMALFORMED;
			p += 8;
			break;
		case 2:
			if (varint(&p, end, &v) != PX_OK ||
			    v > (uint64_t)(end - p))
				return PX_EMALFORMED;
			if ((key >> 3) == 1) {
				if (*n >= max)
					return PX_ETOOLARGE;
				if (leaves) {
					leaves[*n] = p;
					lens[*n] = (size_t)v;
				}
				(*n)++;
			}
			p += v;
			break;
		case 5:
			if ((size_t)(end - p) < 4)
				return PX_EMALFORMED;
			p += 4;
			break;
		default: /* groups (3, 4) and unknown wire types */
			return PX_EMALFORMED;
		}
		/* Field 1 is bytes: any other wire type is not a batch. */
		if ((key >> 3) == 1 && (key & 7) != 2)
			return PX_EMALFORMED;
	}
	return PX_OK;
}

int
pxd_batch_read(const uint8_t *body, size_t len, size_t max,
	       const uint8_t ***leaves, size_t **lens, size_t *n)
{
	size_t count;
	int rc;

	*leaves = NULL;
	*lens = NULL;
	*n = 0;
	if ((rc = scan(body, len, max, NULL, NULL, &count)) != PX_OK)
		return rc;
	*leaves = calloc(count ? count : 1, sizeof(**leaves));
	*lens = calloc(count ? count : 1, sizeof(**lens));
	if (!*leaves || !*lens) {
		free(*leaves);
		free(*lens);
		*leaves = NULL;
		*lens = NULL;
		return PX_ENOMEM;
	}
	/* The same walk again cannot fail; were it to, nothing is kept. */
	if ((rc = scan(body, len, max, *leaves, *lens, n)) != PX_OK) {
		free(*leaves);
		free(*lens);
		*leaves = NULL;
		*lens = NULL;
		*n = 0;
	}
	return rc;
}

static size_t
put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

size_t
pxd_batch_header(uint8_t head[PXD_BATCH_HEADER_MAX], size_t len)
{
	head[0] = (1 << 3) | 2; /* field 1, length-delimited */
	return 1 + put_varint(head + 1, len);
}

int
pxd_batch_write(const uint8_t *const *leaves, const size_t *lens, size_t n,
		uint8_t **out, size_t *out_len)
{
	size_t total = 0, at = 0;
	uint8_t *buf;

	for (size_t i = 0; i < n; i++)
		total += PXD_BATCH_HEADER_MAX + lens[i];
	buf = malloc(total ? total : 1);
	if (!buf)
		return PX_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		at += pxd_batch_header(buf + at, lens[i]);
		memcpy(buf + at, leaves[i], lens[i]);
		at += lens[i];
	}
	*out = buf;
	*out_len = at;
	return PX_OK;
}
