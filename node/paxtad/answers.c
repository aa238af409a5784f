/*
 * paxtad — the answers that are streamed: ranges of entries, recalls and
 * lineages, produced a piece at a time into a bounded buffer (stream.c)
 * while the client reads (http.c).
 *
 * The JSON is the same, byte for byte, as the core's whole answer dumped
 * with PXD_JSON_FLAGS: each element is made by the core's own function
 * (px_recall_json, px_lineage_json) on a view of one element, so there is
 * one writer of every field. The object around the arrays comes from the
 * core too: its JSON with the arrays emptied, cut at each "[]".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/store.h"
#include "paxtad.h"

/* What glibc's malloc adds to each block, for estimates of held bytes. */
#define MALLOC_OVERHEAD 16

/* next's answer: an error, or more (1) or the end (0). */
static int
step(int rc, int more)
{
	return rc != PX_OK ? rc : more;
}

/* ---- the object around streamed arrays ---- */

#define FRAME_ARRAYS 2

/*
 * The JSON text of an object whose arrays keys[0..n) are streamed: piece 0
 * ends with the first array's '[', piece k (0 < k < n) runs from array
 * k-1's ']' to array k's '[', and piece n from the last ']' to the end.
 */
struct frame {
	char *text;
	size_t len;
	size_t cut[FRAME_ARRAYS]; /* just after each array's '[' */
	size_t n;
};

/* Cut root (taken: its arrays are emptied) around keys. PX_OK; PX_ENOMEM;
 * PX_EINVAL when root has no such array (a bug: the core's shape moved). */
static int
frame_make(struct frame *f, json_t *root, const char *const *keys, size_t n)
{
	size_t from = 0;
	int rc = PX_OK;

	*f = (struct frame){ 0 };
	if (!root || n > FRAME_ARRAYS) {
		rc = root ? PX_EINVAL : PX_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		if (!json_is_array(json_object_get(root, keys[k]))) {
			rc = PX_EINVAL;
			goto out;
		}
		/* the key keeps its place among the object's members */
		if (json_object_set_new(root, keys[k], json_array()) != 0) {
			rc = PX_ENOMEM;
			goto out;
		}
	}
	f->text = json_dumps(root, PXD_JSON_FLAGS);
	if (!f->text) {
		rc = PX_ENOMEM;
		goto out;
	}
	f->len = strlen(f->text);
	/* A key followed by ':' cannot be inside a string value: a '"' in a
	 * string is escaped, and only keys are followed by ':'. */
	for (size_t k = 0; k < n; k++) {
		char needle[64];
		const char *at;

		snprintf(needle, sizeof(needle), "\"%s\":[]", keys[k]);
		at = strstr(f->text + from, needle);
		if (!at) {
			rc = PX_EINVAL;
			goto out;
		}
		from = (size_t)(at - f->text) + strlen(needle) - 1;
		f->cut[k] = from;
	}
	f->n = n;
out:
	json_decref(root);
	if (rc != PX_OK) {
		free(f->text);
		*f = (struct frame){ 0 };
	}
	return rc;
}

/* Write piece k of f; the last piece ends the line. */
static int
frame_piece(const struct frame *f, size_t k, struct pxd_out *out)
{
	size_t from = k ? f->cut[k - 1] : 0, to = k < f->n ? f->cut[k] : f->len;
	int rc = pxd_out_write(out, f->text + from, to - from);

	if (rc == PX_OK && k == f->n)
		rc = pxd_out_write(out, "\n", 1);
	return rc;
}

/* Element i of an array: a comma before all but the first. j is the
 * element's JSON (a reference the caller keeps). */
static int
put_element(struct pxd_out *out, size_t i, json_t *j)
{
	int rc = i ? pxd_out_write(out, ",", 1) : PX_OK;

	if (!j)
		return PX_ENOMEM;
	return rc == PX_OK ? pxd_out_json(out, json_incref(j)) : rc;
}

/* ---- GET /v1/entries?start&count ---- */

struct range_stream {
	struct pxd_stream s;
	struct px_ledger *ledger;
	struct frame frame; /* JSON only */
	uint64_t start, next, end;
	size_t bytes, max_bytes;
	int protobuf;
	int begun;
};

/* One entry of a range: its leaf and the signed entry in it, what its
 * author sent (docs/api.md). */
static json_t *
range_entry_json(uint64_t index, const uint8_t *leaf, size_t len)
{
	struct px_entry e;
	char *b64 = NULL, *sent = NULL;
	json_t *j = NULL;

	if (px_entry_read(&e, leaf, len, 0) == PX_OK && e.signed_entry &&
	    px_base64_encode(&b64, leaf, len) == PX_OK &&
	    px_base64_encode(&sent, e.signed_entry, e.signed_len) == PX_OK)
		j = json_pack("{s:I,s:s,s:s}", "index", (json_int_t)index,
			      "leaf", b64, "signed_entry", sent);
	px_entry_release(&e);
	free(b64);
	free(sent);
	return j;
}

static int
range_put(struct range_stream *rs, struct pxd_out *out, const uint8_t *leaf,
	  size_t len)
{
	uint8_t head[PXD_BATCH_HEADER_MAX];
	json_t *j;
	int rc;

	if (rs->protobuf) {
		rc = pxd_out_write(out, head, pxd_batch_header(head, len));
		return rc == PX_OK ? pxd_out_write(out, leaf, len) : rc;
	}
	j = range_entry_json(rs->next, leaf, len);
	rc = put_element(out, rs->next - rs->start, j);
	json_decref(j);
	return rc;
}

static int
range_next(struct pxd_stream *s, struct pxd_out *out)
{
	struct range_stream *rs = (struct range_stream *)s;
	struct px_txn *t = NULL;
	int rc = PX_OK;

	if (!rs->begun) {
		rs->begun = 1;
		if (!rs->protobuf)
			return step(frame_piece(&rs->frame, 0, out), 1);
	}
	if (rs->next < rs->end) {
		/* A snapshot for this piece only: leaf i never changes once
		 * logged, and a snapshot held while a slow client reads
		 * would pin LMDB's pages. */
		if ((rc = px_ledger_read(rs->ledger, &t)) != PX_OK)
			return rc;
		while (rs->next < rs->end && out->len < PXD_STREAM_FILL) {
			const uint8_t *leaf;
			size_t len;

			rc = px_store_leaf(t, rs->next, &leaf, &len);
			if (rc != PX_OK)
				break;
			/* Whole entries only: stop before the byte budget
			 * is passed, after one at least. */
			if (rs->next > rs->start &&
			    rs->bytes + len > rs->max_bytes) {
				rs->end = rs->next;
				break;
			}
			rs->bytes += len;
			if ((rc = range_put(rs, out, leaf, len)) != PX_OK)
				break;
			rs->next++;
		}
		px_store_abort(t);
		if (rc != PX_OK)
			return rc;
		if (rs->next < rs->end)
			return 1;
	}
	if (!rs->protobuf && (rc = frame_piece(&rs->frame, 1, out)) != PX_OK)
		return rc;
	return 0;
}

static void
range_free(struct pxd_stream *s)
{
	struct range_stream *rs = (struct range_stream *)s;

	free(rs->frame.text);
	free(rs);
}

int
pxd_range_stream(struct pxd_stream **out, struct px_ledger *l, uint64_t start,
		 uint64_t count, uint64_t size, size_t max_bytes, int protobuf)
{
	static const char *const keys[] = { "entries" };
	struct range_stream *rs = calloc(1, sizeof(*rs));
	int rc;

	*out = NULL;
	if (!rs)
		return PX_ENOMEM;
	*rs = (struct range_stream){
		.s = { range_next, range_free, sizeof(*rs) },
		.ledger = l,
		.start = start,
		.next = start,
		.end = start + count,
		.max_bytes = max_bytes,
		.protobuf = protobuf,
	};
	if (!protobuf) {
		rc = frame_make(&rs->frame,
				json_pack("{s:I,s:I,s:[]}", "start",
					  (json_int_t)start, "size",
					  (json_int_t)size, "entries"),
				keys, 1);
		if (rc != PX_OK) {
			free(rs);
			return rc;
		}
		rs->s.held += rs->frame.len + 1 + MALLOC_OVERHEAD;
	}
	*out = &rs->s;
	return PX_OK;
}

/* ---- recalls ---- */

struct recall_stream {
	struct pxd_stream s;
	struct px_recall *r;
	struct frame frame;
	size_t i; /* the next lot */
	int begun;
};

static int
recall_next(struct pxd_stream *s, struct pxd_out *out)
{
	struct recall_stream *rs = (struct recall_stream *)s;
	struct px_recall view = *rs->r;
	json_t *root;
	int rc;

	if (!rs->begun) {
		rs->begun = 1;
		return step(frame_piece(&rs->frame, 0, out), 1);
	}
	if (rs->i == rs->r->n_lots)
		return step(frame_piece(&rs->frame, 1, out), 0);
	/* The recall of one lot: its element is the whole answer's. */
	view.lots = &rs->r->lots[rs->i];
	view.n_lots = 1;
	root = px_recall_json(&view);
	rc = put_element(out, rs->i,
			 json_array_get(json_object_get(root, "lots"), 0));
	json_decref(root);
	rs->i++;
	return step(rc, 1);
}

static void
recall_free(struct pxd_stream *s)
{
	struct recall_stream *rs = (struct recall_stream *)s;

	px_recall_free(rs->r);
	free(rs->frame.text);
	free(rs);
}

/* The bytes r holds, as px_recall allocates them. */
static size_t
recall_bytes(const struct px_recall *r)
{
	size_t n = sizeof(*r) + MALLOC_OVERHEAD +
		   (r->n_lots ? r->n_lots : 1) * sizeof(*r->lots) +
		   MALLOC_OVERHEAD;

	for (size_t i = 0; i < r->n_lots; i++) {
		const struct px_recall_lot *rl = &r->lots[i];

		if (rl->n_holders)
			n += rl->n_holders * (sizeof(*rl->holders) +
					      sizeof(*rl->holder_grams)) +
			     2 * MALLOC_OVERHEAD;
		if (rl->n_transit)
			n += rl->n_transit * sizeof(*rl->transit) +
			     MALLOC_OVERHEAD;
	}
	return n;
}

int
pxd_recall_stream(struct pxd_stream **out, struct px_recall *r)
{
	static const char *const keys[] = { "lots" };
	struct recall_stream *rs = calloc(1, sizeof(*rs));
	struct px_recall view = *r;
	int rc;

	*out = NULL;
	if (!rs) {
		px_recall_free(r);
		return PX_ENOMEM;
	}
	view.n_lots = 0;
	if ((rc = frame_make(&rs->frame, px_recall_json(&view), keys, 1)) !=
	    PX_OK) {
		px_recall_free(r);
		free(rs);
		return rc;
	}
	rs->s = (struct pxd_stream){ recall_next, recall_free,
				     sizeof(*rs) + rs->frame.len + 1 +
					     MALLOC_OVERHEAD +
					     recall_bytes(r) };
	rs->r = r;
	*out = &rs->s;
	return PX_OK;
}

/* ---- lineages ---- */

struct lineage_stream {
	struct pxd_stream s;
	struct px_lineage *g;
	struct frame frame;
	size_t i;  /* the next node, then the next edge */
	int phase; /* 0: the head; 1: nodes; 2: edges */
};

static int
lineage_next(struct pxd_stream *s, struct pxd_out *out)
{
	struct lineage_stream *ls = (struct lineage_stream *)s;
	const struct px_lineage *g = ls->g;
	struct px_lineage view = { 0 };
	json_t *root;
	int rc;

	if (ls->phase == 0) {
		ls->phase = 1;
		return step(frame_piece(&ls->frame, 0, out), 1);
	}
	if (ls->phase == 1 && ls->i == g->n_lots) {
		ls->phase = 2;
		ls->i = 0;
		return step(frame_piece(&ls->frame, 1, out), 1);
	}
	if (ls->phase == 2 && ls->i == g->n_edges)
		return step(frame_piece(&ls->frame, 2, out), 0);
	if (ls->phase == 1) {
		/* one node: a graph of that lot alone */
		view.lots = &g->lots[ls->i];
		view.n_lots = 1;
	} else {
		/* one edge: no nodes, but the lots its ends name */
		view.lots = g->lots;
		view.edges = &g->edges[ls->i];
		view.n_edges = 1;
	}
	root = px_lineage_json(&view);
	rc = put_element(
		out, ls->i,
		json_array_get(json_object_get(root, ls->phase == 1 ? "nodes"
								    : "edges"),
			       0));
	json_decref(root);
	ls->i++;
	return step(rc, 1);
}

static void
lineage_free(struct pxd_stream *s)
{
	struct lineage_stream *ls = (struct lineage_stream *)s;

	px_lineage_free(ls->g);
	free(ls->frame.text);
	free(ls);
}

/* What px_array_grow allocates for n items: a power of two, 32 at least. */
static size_t
grown(size_t n)
{
	size_t cap = 32;

	while (cap < n)
		cap *= 2;
	return cap;
}

int
pxd_lineage_stream(struct pxd_stream **out, struct px_lineage *g)
{
	static const char *const keys[] = { "nodes", "edges" };
	struct lineage_stream *ls = calloc(1, sizeof(*ls));
	struct px_lineage view = *g;
	int rc;

	*out = NULL;
	if (!ls) {
		px_lineage_free(g);
		return PX_ENOMEM;
	}
	/* the head names lots[0]: a view with that node and no edge */
	view.n_lots = g->n_lots ? 1 : 0;
	view.n_edges = 0;
	if ((rc = frame_make(&ls->frame, px_lineage_json(&view), keys, 2)) !=
	    PX_OK) {
		px_lineage_free(g);
		free(ls);
		return rc;
	}
	ls->s = (struct pxd_stream){
		lineage_next, lineage_free,
		sizeof(*ls) + ls->frame.len + 1 + sizeof(*g) +
			grown(g->n_lots) * sizeof(*g->lots) +
			grown(g->n_edges) * sizeof(*g->edges) +
			4 * MALLOC_OVERHEAD
	};
	ls->g = g;
	*out = &ls->s;
	return PX_OK;
}
