/*
 * paxta — a client of a paxtad node over HTTP (libcurl): what `--node URL`
 * talks through. docs/api.md is the contract of the routes it asks.
 *
 * A node is another machine: what it answers is checked, never trusted.
 * Only http and https are spoken, redirects are not followed, every request
 * has a connect and a total timeout, and an answer past its cap is cut off
 * in the write callback before it is held. Whatever goes wrong becomes one
 * line in the handle (node_error), never a crash. It includes nothing of
 * the commands (client.h): they are built on it, not it on them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "client.h"
#include "paxta/entry.h"
#include "text.h"

struct node {
	CURL *curl;
	struct curl_slist *json_headers;
	char *url; /* the base URL, no trailing '/' */
	long status;
	char code[40];
	char error[NODE_ERROR_MAX];
};

/* An answer being received. */
struct answer {
	char *body;
	size_t len, alloc, cap;
	int over;
};

static size_t
collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;

	/* The cap is enforced here, before the bytes are kept: a node that
	 * answers without end costs nothing past it. */
	if (n > a->cap - a->len) {
		a->over = 1;
		return 0;
	}
	if (a->len + n + 1 > a->alloc) {
		size_t want = a->alloc ? a->alloc : 4096;
		char *b;

		while (want < a->len + n + 1)
			want *= 2;
		if (want > a->cap + 1)
			want = a->cap + 1;
		if (!(b = realloc(a->body, want)))
			return 0;
		a->body = b;
		a->alloc = want;
	}
	memcpy(a->body + a->len, data, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

__attribute__((format(printf, 2, 3))) static int
set_error(struct node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->error, sizeof(n->error), fmt, ap);
	va_end(ap);
	/* Control characters from the network are not kept as they came:
	 * one line stays one line, and a node cannot drive the terminal. */
	text_clean(n->error);
	return -1;
}

const char *
node_error(const struct node *n)
{
	return n->error;
}

long
node_status(const struct node *n)
{
	return n->status;
}

const char *
node_code(const struct node *n)
{
	return n->code;
}

const char *
node_url(const struct node *n)
{
	return n->url;
}

__attribute__((format(printf, 2, 3))) static int
open_error(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, NODE_ERROR_MAX, fmt, ap);
	va_end(ap);
	text_clean(why);
	return -1;
}

int
node_open(struct node **out, const char *url, char *why)
{
	static int curl_ready;
	struct node *n;
	const char *host;
	size_t len;

	*out = NULL;
	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return open_error(why,
				  "node URL '%s' is not http:// or https:// "
				  "(the only schemes paxta speaks)",
				  url);
	if (!*host || *host == '/' || strpbrk(url, "?# \t\r\n"))
		return open_error(why,
				  "node URL '%s' is not a node's address, like "
				  "http://127.0.0.1:8470",
				  url);
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return open_error(why, "cannot initialise libcurl");
		curl_ready = 1;
	}
	if (!(n = calloc(1, sizeof(*n))) || !(n->url = strdup(url)) ||
	    !(n->curl = curl_easy_init())) {
		node_close(n);
		return open_error(why, "out of memory");
	}
	len = strlen(n->url);
	while (len > 0 && n->url[len - 1] == '/')
		n->url[--len] = '\0';
	n->json_headers = curl_slist_append(NULL, "Accept: application/json");
	if (!n->json_headers) {
		node_close(n);
		return open_error(why, "out of memory");
	}
	*out = n;
	return 0;
}

void
node_close(struct node *n)
{
	if (!n)
		return;
	curl_slist_free_all(n->json_headers);
	if (n->curl)
		curl_easy_cleanup(n->curl);
	free(n->url);
	free(n);
}

char *
node_escape(const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(text);
	char *out = malloc(3 * n + 1), *o = out;

	if (!out)
		return NULL;
	/* RFC 3986 unreserved characters stay; everything else, '/' among
	 * them (a lot id may hold one), is %-escaped. */
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* What went wrong with the transfer, in words. */
static int
transport_error(struct node *n, CURLcode rc, const char *curl_error,
		const struct answer *a)
{
	long os_errno = 0;
	curl_off_t connected = 0;
	char why[CURL_ERROR_SIZE + 8];

	curl_easy_getinfo(n->curl, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		snprintf(why, sizeof(why), "%s",
			 os_errno ? strerror((int)os_errno) : "cannot connect");
		why[0] = (char)tolower((unsigned char)why[0]);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(why, sizeof(why), "cannot resolve the host name");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(n->curl, CURLINFO_CONNECT_TIME_T, &connected);
		if (connected == 0)
			snprintf(why, sizeof(why), "cannot connect within %d s",
				 NODE_CONNECT_TIMEOUT);
		else
			snprintf(why, sizeof(why), "no answer within %d s",
				 NODE_TIMEOUT);
		break;
	case CURLE_WRITE_ERROR:
		if (a->over)
			snprintf(why, sizeof(why),
				 "answered more than %zu KiB, the cap on an "
				 "answer",
				 a->cap >> 10);
		else
			snprintf(why, sizeof(why), "out of memory");
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		snprintf(why, sizeof(why),
			 "only http:// and https:// are "
			 "spoken");
		break;
	case CURLE_GOT_NOTHING:
		snprintf(why, sizeof(why),
			 "closed the connection without an "
			 "answer");
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		snprintf(why, sizeof(why),
			 "answered something that is not "
			 "HTTP");
		break;
	default:
		snprintf(why, sizeof(why), "%s",
			 curl_error[0] ? curl_error : curl_easy_strerror(rc));
		why[0] = (char)tolower((unsigned char)why[0]);
		break;
	}
	return set_error(n, "node %s: %s", n->url, why);
}

/*
 * One request: method, the URL's path (escaped), an optional body. The
 * answer (NUL-terminated, at most cap bytes) in *out. 0 whatever the
 * status; -1 when no answer came (the reason in n->error).
 */
static int
request(struct node *n, const char *method, const char *path,
	const char *content_type, const void *body, size_t body_len, size_t cap,
	struct answer *out, long *status)
{
	char curl_error[CURL_ERROR_SIZE] = "", *url = NULL, ct[160];
	struct curl_slist *headers = NULL, *h;
	CURLcode rc;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->cap = cap;
	n->status = 0;
	n->code[0] = n->error[0] = '\0';
	if (asprintf(&url, "%s%s", n->url, path) < 0) {
		url = NULL;
		return set_error(n, "out of memory");
	}
	curl_easy_reset(n->curl);
	if (body) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		if (!(h = curl_slist_append(NULL, ct)) ||
		    !(headers = curl_slist_append(h, "Expect:"))) {
			curl_slist_free_all(h);
			free(url);
			return set_error(n, "out of memory");
		}
	}
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(n->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(n->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(n->curl, CURLOPT_PROTOCOLS,
			 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(n->curl, CURLOPT_REDIR_PROTOCOLS,
			 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(n->curl, CURLOPT_URL, url);
	curl_easy_setopt(n->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(n->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(n->curl, CURLOPT_CONNECTTIMEOUT,
			 (long)NODE_CONNECT_TIMEOUT);
	curl_easy_setopt(n->curl, CURLOPT_TIMEOUT, (long)NODE_TIMEOUT);
	curl_easy_setopt(n->curl, CURLOPT_USERAGENT, "paxta/0.1.0");
	curl_easy_setopt(n->curl, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(n->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(n->curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(n->curl, CURLOPT_HTTPHEADER,
			 headers ? headers : n->json_headers);
	if (body) {
		curl_easy_setopt(n->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)body_len);
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(n->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)0);
	}
	rc = curl_easy_perform(n->curl);
	if (rc != CURLE_OK) {
		transport_error(n, rc, curl_error, out);
		free(out->body);
		memset(out, 0, sizeof(*out));
		goto done;
	}
	curl_easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, status);
	n->status = *status;
	if (!out->body && !(out->body = calloc(1, 1))) {
		set_error(n, "out of memory");
		goto done;
	}
	ret = 0;
done:
	/* The handle keeps its connection for the next request, not the
	 * pointers to this one's buffers. */
	curl_easy_setopt(n->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(n->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	free(url);
	return ret;
}

/* A non-2xx answer in one line: the node's own sentence when it gave
 * one ({"error", "message"}), else the status. */
static int
status_error(struct node *n, long status, const char *body, size_t len)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *code = json_string_value(json_object_get(j, "error"));
	const char *message = json_string_value(json_object_get(j, "message"));

	if (code && message) {
		snprintf(n->code, sizeof(n->code), "%s", code);
		text_clean(n->code);
		/* A refusal reads as it does from a local ledger; a node in
		 * trouble says it is the node. */
		if (status < 500)
			set_error(n, "%s", message);
		else
			set_error(n, "node %s answered %ld %s: %s", n->url,
				  status, code, message);
	} else {
		set_error(n,
			  "node %s answered %ld, not a paxta answer (is it a "
			  "paxta node, and is the URL its root?)",
			  n->url, status);
	}
	json_decref(j);
	return -1;
}

static int
vrequest_json(struct node *n, json_t **out, const char *method,
	      const char *content_type, const void *body, size_t body_len,
	      const char *fmt, va_list ap)
{
	struct answer a;
	json_error_t err;
	char *path = NULL;
	long status = 0;
	int rc;

	*out = NULL;
	if (vasprintf(&path, fmt, ap) < 0)
		return set_error(n, "out of memory");
	rc = request(n, method, path, content_type, body, body_len,
		     NODE_JSON_MAX, &a, &status);
	free(path);
	if (rc)
		return rc;
	if (status < 200 || status > 299) {
		rc = status_error(n, status, a.body, a.len);
		free(a.body);
		return rc;
	}
	*out = json_loadb(a.body, a.len, JSON_REJECT_DUPLICATES, &err);
	free(a.body);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return set_error(n,
				 "node %s answered something that is not JSON "
				 "(is it a paxta node, and is the URL its "
				 "root?)",
				 n->url);
	}
	return 0;
}

int
node_get_json(struct node *n, json_t **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vrequest_json(n, out, "GET", NULL, NULL, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int
node_post_json(struct node *n, json_t **out, const char *content_type,
	       const void *body, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vrequest_json(n, out, "POST", content_type, body, len, fmt, ap);
	va_end(ap);
	return rc;
}

int
node_text(struct node *n, char **out, size_t *out_len, const char *method,
	  const char *fmt, ...)
{
	struct answer a;
	char *path = NULL;
	long status = 0;
	va_list ap;
	int rc;

	*out = NULL;
	va_start(ap, fmt);
	rc = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return set_error(n, "out of memory");
	rc = request(n, method, path, NULL, NULL, 0, NODE_TEXT_MAX, &a,
		     &status);
	free(path);
	if (rc)
		return rc;
	if (status < 200 || status > 299) {
		rc = status_error(n, status, a.body, a.len);
		free(a.body);
		return rc;
	}
	*out = a.body;
	*out_len = a.len;
	return 0;
}

int
node_bytes(struct node *n, uint8_t **out, size_t *out_len, size_t cap,
	   const char *fmt, ...)
{
	struct answer a;
	char *path = NULL;
	long status = 0;
	va_list ap;
	int rc;

	*out = NULL;
	va_start(ap, fmt);
	rc = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return set_error(n, "out of memory");
	rc = request(n, "GET", path, NULL, NULL, 0, cap, &a, &status);
	free(path);
	if (rc)
		return rc;
	if (status < 200 || status > 299) {
		rc = status_error(n, status, a.body, a.len);
		free(a.body);
		return rc;
	}
	*out = (uint8_t *)a.body;
	*out_len = a.len;
	return 0;
}

int
node_bad_answer(struct node *n, const char *what)
{
	return set_error(n, "node %s answered %s", n->url, what);
}

int
node_leaf(uint8_t **out, size_t *out_len, json_t *b64)
{
	const char *text = json_string_value(b64);
	size_t len = text ? strlen(text) : 0;
	uint8_t *leaf;
	int rc;

	*out = NULL;
	if (!text || len == 0 || len > 4 * ((PX_ENTRY_MAX + 2) / 3))
		return PX_EMALFORMED;
	if (!(leaf = malloc(len)))
		return PX_ENOMEM;
	rc = px_base64_decode(leaf, len, out_len, text, len);
	if (rc != PX_OK) {
		free(leaf);
		return rc;
	}
	*out = leaf;
	return PX_OK;
}
