/*
 * paxta — documents for people: the lot page, the landing page and the
 * evidence report (docs/report.md), as self-contained HTML (inline CSS
 * and SVG, nothing fetched), in English, Uzbek (Latin) or Russian.
 *
 * A library above the core: paxtad serves these pages and `paxta report`
 * writes the report from a ledger folder, with the same code. The core
 * knows nothing of HTML; this knows nothing of HTTP.
 *
 * Everything here reads one snapshot and writes nothing. Text from the
 * ledger (ids, names, documents) is signed but untrusted: every string
 * is escaped for where it goes (px_html_text, px_html_segment).
 */
#ifndef PAXTA_HTML_H
#define PAXTA_HTML_H
#include "paxta/store.h"
#include <stddef.h>
#include <stdint.h>

/* A growing buffer of markup. A failed allocation sets failed and makes
 * every later write a no-op: check it once, at the end. */
struct px_html {
	char *buf;
	size_t len, cap;
	int failed;
};

/* Markup, formatted: only ever with trusted text or numbers. */
void px_html_put(struct px_html *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text escaped for element content and quoted attribute values alike
 * (& < > " ' as entities). At most max bytes of it, cut on a UTF-8
 * character boundary and followed by "…" (max 0: all). NULL is "". */
void px_html_text(struct px_html *h, const char *s, size_t max);
/* One URL path segment: every byte but RFC 3986 unreserved ones as %XX,
 * so an id with '/', '?', '"' or '<' stays one inert segment. */
void px_html_segment(struct px_html *h, const char *s);
/* Free the buffer; accepts an empty one. */
void px_html_release(struct px_html *h);

/* The languages of the pages. */
enum px_lang {
	PX_LANG_EN,
	PX_LANG_UZ, /* Uzbek, Latin script */
	PX_LANG_RU,
	PX_LANG_COUNT,
};
/* "en", "uz", "ru" (also "uz-Latn", "ru-RU": the primary subtag, any
 * case): 0 with *out, -1 for any other. */
int px_lang_parse(enum px_lang *out, const char *tag);
/*
 * The language to answer in: ?lang= when it names one of ours, else the
 * first of ours in an Accept-Language header by its q-values (RFC 9110
 * §12.5.4), else English. Either may be NULL.
 */
enum px_lang px_lang_choose(const char *query, const char *accept_language);
/* "en", "uz", "ru": the BCP 47 tag for <html lang>. */
const char *px_lang_tag(enum px_lang lang);

/*
 * A QR code (ISO/IEC 18004, by libqrencode; error correction M) of text
 * as an inline <svg>: one <rect> per dark module, a 4-module quiet zone,
 * viewBox in modules so it scales to its box. text is never put in the
 * markup itself. 0; -1 when text cannot be encoded (too long) or out of
 * memory (h->failed set).
 */
int px_html_qr_svg(struct px_html *h, const char *text);

/* What the documents need beside the snapshot. */
struct px_html_opts {
	enum px_lang lang;
	const char *origin;       /* the log's origin line */
	const char *verifier_key; /* the node's note verifier key */
	/* The lot page's own address, for the QR code and the report
	 * ("http://host:port"); NULL: no QR code. */
	const char *base_url;
	/* The checkpoint size the documents are as of (0: the latest
	 * stored checkpoint; with none, the snapshot's size). */
	uint64_t size;
	/* The signed note the bundle carries instead of the stored one
	 * (a node's cosigned note), for the report's bundle SHA-256; NULL:
	 * the stored one. */
	const char *note;
	int64_t now; /* when the document is made, seconds since the epoch */
	/* The report from a ledger folder: how to name it in the commands
	 * (NULL: as served by a node at base_url). */
	const char *data_dir_hint;
};

/*
 * The lot page (GET /lots/{id}) of lot into h, with *status the HTTP
 * status it stands for (200; 404 no such lot; 400 not a lot id; 422 a
 * lineage too large to draw; 500 could not read). Always writes a whole
 * page, an error page included. PX_OK, or PX_ENOMEM (h->failed).
 */
int px_html_lot_page(struct px_html *h, unsigned *status, struct px_txn *t,
		     const char *lot, const struct px_html_opts *o);
/* The landing page (GET /): what the node is and a lot search box. */
int px_html_landing(struct px_html *h, struct px_txn *t,
		    const struct px_html_opts *o);
/*
 * The evidence report of lot into h (docs/report.md): for print, A4,
 * sections after the document groups of CBP's UFLPA applicability
 * review. *status as px_html_lot_page's. PX_OK, or PX_ENOMEM.
 */
int px_html_report(struct px_html *h, unsigned *status, struct px_txn *t,
		   const char *lot, const struct px_html_opts *o);
#endif
