/*
 * paxta — markup into a growing buffer, and the escaping of untrusted
 * text (HTML Living Standard §13.1.2.6: an attribute value in double
 * quotes ends only at '"'; in content only '<' and '&' begin markup: we
 * escape all five of & < > " ' everywhere, so one function serves both).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/html.h"

static void
grow_to(struct px_html *h, size_t need)
{
	size_t cap = h->cap ? h->cap : 16384;
	char *nb;

	if (need <= h->cap || h->failed)
		return;
	while (cap < need)
		cap *= 2;
	if (!(nb = realloc(h->buf, cap))) {
		h->failed = 1;
		return;
	}
	h->buf = nb;
	h->cap = cap;
}

static void
put_bytes(struct px_html *h, const char *s, size_t n)
{
	grow_to(h, h->len + n + 1);
	if (h->failed)
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
px_html_put(struct px_html *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (h->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		h->failed = 1;
		return;
	}
	grow_to(h, h->len + (size_t)n + 1);
	if (h->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(h->buf + h->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	h->len += (size_t)n;
}

void
px_html_text(struct px_html *h, const char *s, size_t max)
{
	size_t n, i, run = 0;
	int cut = 0;

	s = s ? s : "";
	n = strlen(s);
	if (max && n > max) {
		/* Cut on a UTF-8 character boundary. */
		while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
			max--;
		n = max;
		cut = 1;
	}
	for (i = 0; i < n; i++) {
		const char *ent;

		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			run++;
			continue;
		}
		put_bytes(h, s + i - run, run);
		run = 0;
		put_bytes(h, ent, strlen(ent));
	}
	put_bytes(h, s + i - run, run);
	if (cut)
		put_bytes(h, "…", strlen("…"));
}

void
px_html_segment(struct px_html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

		/* RFC 3986 §2.3 unreserved */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			put_bytes(h, (const char *)&c, 1);
		else
			put_bytes(h, esc, 3);
	}
}

void
px_html_release(struct px_html *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
	h->failed = 0;
}
