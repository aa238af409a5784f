/*
 * paxta — a client of a paxtad node over HTTP (client.c, libcurl).
 *
 * It knows HTTP and the shape of paxta's answers, nothing of the commands:
 * it prints nothing, and whatever goes wrong becomes one line kept in the
 * handle (node_error), its control characters made '?'. backend_node.c
 * builds the commands' node backend on it; paxta mirror uses it directly.
 */
#ifndef PAXTA_CLIENT_H
#define PAXTA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define NODE_CONNECT_TIMEOUT 10                 /* seconds */
#define NODE_TIMEOUT         120                /* seconds per request */
#define NODE_JSON_MAX        ((size_t)64 << 20) /* cap on a JSON answer */
#define NODE_TEXT_MAX        ((size_t)64 << 10) /* on a text answer */
#define NODE_ERROR_MAX       512                /* a kept failure's size */

struct node;

/*
 * A client of the node at url: http:// or https://, host and port, and an
 * optional path prefix (a node behind a proxy). Returns 0, or -1 with the
 * reason (another scheme, out of memory) in why[NODE_ERROR_MAX].
 */
int node_open(struct node **out, const char *url, char *why);
void node_close(struct node *n); /* accepts NULL */
const char *node_url(const struct node *n);

/*
 * Requests. path is printf-formatted, its variable parts escaped with
 * node_escape. Each returns 0 on a 2xx answer, or -1 with one line kept in
 * the handle (node_error): the node's own sentence for a refusal or a 4xx
 * ({"error", "message"}, as a local ledger words it), "node URL: connection
 * refused", "node URL answered 502, not a paxta answer", "node URL answered
 * something that is not JSON", an answer past its cap. After a failure
 * node_status and node_code tell what the node answered (0 and "" when it
 * did not).
 */
int node_get_json(struct node *n, json_t **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int node_post_json(struct node *n, json_t **out, const char *content_type,
		   const void *body, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A text answer (GET or POST without a body); *out malloc'd, NUL-ended. */
int node_text(struct node *n, char **out, size_t *out_len, const char *method,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A binary answer to GET of at most cap bytes (a proof bundle); *out
 * malloc'd. */
int node_bytes(struct node *n, uint8_t **out, size_t *out_len, size_t cap,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
long node_status(const struct node *n);
const char *node_code(const struct node *n);

/* The kept line ("" before any failure); valid until the next request. */
const char *node_error(const struct node *n);
/* Keep "node URL answered WHAT" as the failure; returns -1. */
int node_bad_answer(struct node *n, const char *what);

/* text %-escaped as one path segment or query value; malloc'd, NULL on
 * out of memory. */
char *node_escape(const char *text);

/* A leaf from its base64 in a node's JSON: *out malloc'd. PX_EMALFORMED
 * when b64 is not base64 of at most an entry's size. */
int node_leaf(uint8_t **out, size_t *out_len, json_t *b64);

#endif
