/*
 * paxtad — the memory of answers: the budget every answer held for a client
 * counts in, and the bounded buffer a streamed answer is produced into
 * (http.c hands its bytes to libmicrohttpd; answers.c produces them).
 *
 * A streamed answer holds its buffer (PXD_STREAM_CHUNK bytes, more only
 * for one element larger than PXD_STREAM_CHUNK - PXD_STREAM_FILL) and what
 * it is produced from, never the answer whole: the budget bounds the sum
 * over all connections (docs/reliability.md).
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "paxtad.h"

int
pxd_budget_take(struct pxd_budget *b, size_t n)
{
	size_t was;

	if (!b)
		return 1;
	was = atomic_fetch_add(&b->held, n);
	if (was + n < was || was + n > b->limit) {
		atomic_fetch_sub(&b->held, n);
		return 0;
	}
	return 1;
}

void
pxd_budget_give(struct pxd_budget *b, size_t n)
{
	if (b && n)
		atomic_fetch_sub(&b->held, n);
}

int
pxd_out_init(struct pxd_out *o, struct pxd_budget *budget)
{
	*o = (struct pxd_out){ .budget = budget };
	if (!pxd_budget_take(budget, PXD_STREAM_CHUNK))
		return PX_ETOOLARGE;
	o->buf = malloc(PXD_STREAM_CHUNK);
	if (!o->buf) {
		pxd_budget_give(budget, PXD_STREAM_CHUNK);
		return PX_ENOMEM;
	}
	o->cap = PXD_STREAM_CHUNK;
	return PX_OK;
}

void
pxd_out_release(struct pxd_out *o)
{
	pxd_budget_give(o->budget, o->cap);
	free(o->buf);
	o->buf = NULL;
	o->off = o->len = o->cap = 0;
}

int
pxd_out_write(struct pxd_out *o, const void *p, size_t n)
{
	if (n > o->cap - o->off - o->len && o->off) {
		/* room at the front first: what was taken is gone */
		memmove(o->buf, o->buf + o->off, o->len);
		o->off = 0;
	}
	if (n > o->cap - o->len) {
		size_t cap = o->cap ? o->cap : PXD_STREAM_CHUNK;
		char *nb;

		while (cap - o->len < n) {
			if (cap > SIZE_MAX / 2)
				return PX_ENOMEM;
			cap *= 2;
		}
		if (!pxd_budget_take(o->budget, cap - o->cap))
			return PX_ETOOLARGE;
		nb = realloc(o->buf, cap);
		if (!nb) {
			pxd_budget_give(o->budget, cap - o->cap);
			return PX_ENOMEM;
		}
		o->buf = nb;
		o->cap = cap;
	}
	if (n)
		memcpy(o->buf + o->off + o->len, p, n);
	o->len += n;
	return PX_OK;
}

int
pxd_out_json(struct pxd_out *o, json_t *j)
{
	char *text = j ? json_dumps(j, PXD_JSON_FLAGS) : NULL;
	int rc = text ? pxd_out_write(o, text, strlen(text)) : PX_ENOMEM;

	free(text);
	json_decref(j);
	return rc;
}

void
pxd_out_consume(struct pxd_out *o, size_t n)
{
	if (n < o->len) {
		o->off += n;
		o->len -= n;
		return;
	}
	o->off = o->len = 0;
	/* A buffer grown for one large element goes back to its size once
	 * that element is taken: only CHUNK stays held per stream. */
	if (o->cap > PXD_STREAM_CHUNK) {
		char *nb = realloc(o->buf, PXD_STREAM_CHUNK);

		if (nb) {
			o->buf = nb;
			pxd_budget_give(o->budget, o->cap - PXD_STREAM_CHUNK);
			o->cap = PXD_STREAM_CHUNK;
		}
	}
}

void
pxd_stream_free(struct pxd_stream *s)
{
	size_t held;

	if (!s)
		return;
	held = s->held;
	s->free(s);
	/* A large answer's small pieces (a recall's lots, a lineage's text)
	 * stay in the heap of the thread that made them: give the free pages
	 * of every heap back, once per large answer. */
	if (held >= PXD_TRIM_AFTER)
		malloc_trim(0);
}

int
pxd_stream_fill(struct pxd_stream *s, struct pxd_out *out, int *done)
{
	int rc;

	*done = 0;
	while (out->len < PXD_STREAM_FILL) {
		rc = s->next(s, out);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			*done = 1;
			break;
		}
	}
	return PX_OK;
}
