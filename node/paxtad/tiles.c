/*
 * paxtad — the log as C2SP tlog-tiles (tiles.h): GET /checkpoint, hash
 * tiles and entry bundles under GET /tile/…, so existing tlog tooling can
 * read and mirror it. Tiles never change once served: they are cached for
 * a year; the checkpoint for a few seconds.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/entry.h"
#include "paxta/tiles.h"
#include "paxtad.h"

#define CT_TILE     "application/octet-stream"
#define IMMUTABLE   "public, max-age=31536000, immutable"
#define SHORT_LIVED "public, max-age=5"

/* GET /checkpoint: the latest note, with its cosignatures if any. */
void
pxd_get_tlog_checkpoint(struct pxd_request *rq)
{
	struct px_txn *t = NULL;
	const char *note;
	char *cosigned;
	size_t len;
	uint64_t size;
	int rc;

	if (pxd_begin(rq, &t) != PX_OK)
		return;
	rc = px_store_checkpoint_latest(t, &size, &note, &len);
	if (rc == PX_OK) {
		pxd_add_header(rq, "Cache-Control", SHORT_LIVED);
		cosigned =
			pxd_cosigned_note(pxd_request_node(rq)->cosigner, size);
		if (cosigned)
			pxd_reply(rq, 200, "text/plain; charset=utf-8",
				  cosigned, strlen(cosigned));
		else
			pxd_reply(rq, 200, "text/plain; charset=utf-8",
				  strndup(note, len), len);
	} else if (rc == PX_ENOTFOUND) {
		pxd_reply_error(rq, 404, "not_found",
				"the node has not signed a checkpoint yet");
	} else {
		pxd_fail_internal(rq, rc);
	}
	pxd_end(rq, t);
}

/* An entry bundle: uint16 BE length, then the leaf, for each leaf. */
static void
bundle(struct pxd_request *rq, struct px_txn *t, const struct px_tile *tile)
{
	uint64_t first = px_tile_first_leaf(tile);
	size_t cap = (size_t)tile->width * (2 + PX_ENTRY_MAX), len = 0;
	uint8_t *out = malloc(cap);

	if (!out) {
		pxd_fail_internal(rq, PX_ENOMEM);
		return;
	}
	for (unsigned i = 0; i < tile->width; i++) {
		const uint8_t *leaf;
		size_t n;
		int rc = px_store_leaf(t, first + i, &leaf, &n);

		if (rc != PX_OK) {
			free(out);
			pxd_fail_internal(rq, rc);
			return;
		}
		if (n > PX_TILE_ENTRY_MAX || len + 2 + n > cap) {
			free(out);
			pxd_reply_error(rq, 500, "internal",
					"entry %" PRIu64
					" is over the %d bytes "
					"an entry bundle can carry",
					first + i, PX_TILE_ENTRY_MAX);
			return;
		}
		out[len] = (uint8_t)(n >> 8);
		out[len + 1] = (uint8_t)n;
		memcpy(out + len + 2, leaf, n);
		len += 2 + n;
	}
	pxd_add_header(rq, "Cache-Control", IMMUTABLE);
	pxd_reply(rq, 200, CT_TILE, (char *)out, len);
}

/* GET /tile/…: the route table matches two to eight segments after
 * "tile"; the path is put back together and parsed here. */
void
pxd_get_tile(struct pxd_request *rq)
{
	char path[PX_TILE_PATH_MAX + 16];
	struct px_tile tile;
	struct px_txn *t = NULL;
	uint8_t *hashes;
	size_t len = 0;
	int rc;

	path[0] = '\0';
	for (size_t i = 0; pxd_param(rq, i); i++) {
		const char *seg = pxd_param(rq, i);

		if (len + strlen(seg) + 2 > sizeof(path)) {
			pxd_reply_error(rq, 404, "not_found", "no such tile");
			return;
		}
		len += (size_t)snprintf(path + len, sizeof(path) - len, "%s%s",
					i ? "/" : "", seg);
	}
	if (px_tile_parse(&tile, path) != PX_OK) {
		pxd_reply_error(rq, 404, "not_found",
				"'tile/%s' is not a tlog-tiles path", path);
		return;
	}
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	if (px_tile_exists(&tile, px_store_size(t)) != PX_OK) {
		pxd_reply_error(rq, 404, "not_found",
				"the log of %" PRIu64 " entries has no tile "
				"'tile/%s'",
				px_store_size(t), path);
		goto out;
	}
	if (tile.entries) {
		bundle(rq, t, &tile);
		goto out;
	}
	if (!(hashes = malloc((size_t)tile.width * PX_HASH_LEN))) {
		pxd_fail_internal(rq, PX_ENOMEM);
		goto out;
	}
	rc = px_tile_hashes(hashes, &tile, px_store_merkle_source, t);
	if (rc != PX_OK) {
		free(hashes);
		pxd_fail_internal(rq, rc);
		goto out;
	}
	pxd_add_header(rq, "Cache-Control", IMMUTABLE);
	pxd_reply(rq, 200, CT_TILE, (char *)hashes,
		  (size_t)tile.width * PX_HASH_LEN);
out:
	pxd_end(rq, t);
}
