/*
 * paxtad — the pages for people (DESIGN.md §6.3): GET / (a lot search
 * box), GET /lots?id=ID (where the box goes), GET /lots/{id} (the lot
 * page) and GET /lots/{id}/report (the evidence report). The html library
 * (node/html, docs/report.md) writes them; this file picks the language,
 * the checkpoint and the page's own address, and answers. No scripts,
 * nothing fetched: a Content-Security-Policy forbids loading any.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paxta/html.h"
#include "paxta/state.h"
#include "paxtad.h"

#define CT_HTML "text/html; charset=utf-8"

/* The host a client named, when it can only be one (RFC 9110 §7.2:
 * host[:port], a name, an IPv4 or a bracketed IPv6 address); else NULL,
 * and the page goes without its QR code. */
static int
base_url(char *out, size_t cap, struct pxd_request *rq)
{
	const char *host = pxd_header(rq, "Host");
	size_t n;

	if (!host || !(n = strlen(host)) || n > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-:[]") != n)
		return 0;
	return snprintf(out, cap, "http://%s", host) < (int)cap;
}

/* What every page is made with. */
static void
opts_of(struct px_html_opts *o, struct pxd_request *rq, char *url,
	size_t url_cap)
{
	struct pxd_node *node = pxd_request_node(rq);

	memset(o, 0, sizeof(*o));
	o->lang = px_lang_choose(pxd_query(rq, "lang"),
				 pxd_header(rq, "Accept-Language"));
	o->origin = px_ledger_origin(node->ledger);
	o->verifier_key = node->verifier_key;
	o->base_url = base_url(url, url_cap, rq) ? url : NULL;
	o->now = (int64_t)time(NULL);
}

static void
reply_html(struct pxd_request *rq, unsigned status, struct px_html *h,
	   const struct px_html_opts *o)
{
	if (h->failed) {
		px_html_release(h);
		pxd_reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	pxd_add_header(rq, "Content-Security-Policy",
		       "default-src 'none'; style-src 'unsafe-inline'; "
		       "img-src 'self'; form-action 'self'");
	pxd_add_header(rq, "Content-Language", px_lang_tag(o->lang));
	pxd_add_header(rq, "Vary", "Accept-Language");
	/* The buffer is handed to the reply, which frees it. */
	pxd_reply(rq, status, CT_HTML, h->buf, h->len);
	h->buf = NULL;
}

void
pxd_page_lot(struct pxd_request *rq)
{
	struct px_html h = { 0 };
	struct px_html_opts o;
	struct px_txn *t = NULL;
	char url[300];
	unsigned status = 500;

	opts_of(&o, rq, url, sizeof(url));
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	px_html_lot_page(&h, &status, t, pxd_param(rq, 0), &o);
	pxd_end(rq, t);
	reply_html(rq, status, &h, &o);
}

void
pxd_page_report(struct pxd_request *rq)
{
	struct pxd_node *node = pxd_request_node(rq);
	struct px_html h = { 0 };
	struct px_html_opts o;
	struct px_txn *t = NULL;
	char url[300], *cosigned = NULL;
	const char *note;
	size_t len;
	unsigned status = 500;
	int has_size;

	opts_of(&o, rq, url, sizeof(url));
	if (pxd_query_u64(rq, "size", &o.size, &has_size) ||
	    pxd_begin(rq, &t) != PX_OK)
		return;
	/* The bundle's SHA-256 in the report is the one GET
	 * /v1/lots/{id}/bundle?size=N answers now: with the cosignatures
	 * the node has. */
	if (!has_size &&
	    px_store_checkpoint_latest(t, &o.size, &note, &len) != PX_OK)
		o.size = 0;
	if (o.size)
		o.note = cosigned = pxd_cosigned_note(node->cosigner, o.size);
	px_html_report(&h, &status, t, pxd_param(rq, 0), &o);
	pxd_end(rq, t);
	free(cosigned);
	reply_html(rq, status, &h, &o);
}

void
pxd_page_landing(struct pxd_request *rq)
{
	struct px_html h = { 0 };
	struct px_html_opts o;
	struct px_txn *t = NULL;
	char url[300];

	opts_of(&o, rq, url, sizeof(url));
	if (pxd_begin(rq, &t) != PX_OK)
		return;
	px_html_landing(&h, t, &o);
	pxd_end(rq, t);
	reply_html(rq, 200, &h, &o);
}

/* The search box's GET /lots?id=ID&lang=L: to the lot's page. */
void
pxd_page_search(struct pxd_request *rq)
{
	const char *id = pxd_query(rq, "id");
	struct px_html to = { 0 };
	enum px_lang lang = px_lang_choose(pxd_query(rq, "lang"), NULL);

	/* Spaces around a pasted id are not part of it. */
	char *trimmed = NULL;
	size_t n;

	if (!id)
		id = "";
	id += strspn(id, " \t");
	n = strlen(id);
	while (n && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	if (!(trimmed = strndup(id, n))) {
		pxd_reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	if (!px_state_valid_id(trimmed)) {
		pxd_reply_error(rq, 400, "malformed",
				"give a lot id: /lots?id=LOT");
		free(trimmed);
		return;
	}
	px_html_put(&to, "/lots/");
	px_html_segment(&to, trimmed);
	px_html_put(&to, "?lang=%s", px_lang_tag(lang));
	free(trimmed);
	if (to.failed) {
		px_html_release(&to);
		pxd_reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	pxd_add_header(rq, "Location", to.buf);
	px_html_release(&to);
	pxd_reply(rq, 303, "text/plain; charset=utf-8", strdup(""), 0);
}
