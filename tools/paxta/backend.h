/*
 * paxta — where a command's answers come from: the ledger in a folder
 * (--data DIR, backend_local.c) or a paxtad node (--node URL,
 * backend_node.c), behind one small table of operations in the spirit of
 * px_signer_source. A command opens its backend once from the common
 * options, asks it, and closes it once; its body is written once for both.
 *
 * Both sides answer the same: the core's JSON (a node serves exactly that,
 * docs/api.md), the same bytes (a leaf, a bundle, a signed note), and
 * failures worded as a local ledger words them (a node's refusal is its
 * own sentence; a node that is down or answers garbage says it is the
 * node). What a node answers is checked for the shape every answer of its
 * kind has; what it proves is the command's to check (paxta proof, entry).
 *
 * Every operation returns 0, or EXIT_ERROR with one line kept in
 * b->error (backend_fail prints it): nothing is printed by an operation,
 * so a command may also ask quietly (a fork's other checkpoint). Not every
 * command needs both sides: audit reads a folder only, mirror speaks to a
 * node only, and neither goes through here.
 */
#ifndef PAXTA_BACKEND_H
#define PAXTA_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cli.h"
#include "paxta/checkpoint.h"
#include "paxta/epcis.h"
#include "paxta/html.h"
#include "paxta/merkle.h"
#include "paxta/provenance.h"
#include "paxta/signer.h"

/* How a local ledger is opened (a node is the same either way). */
enum backend_mode {
	BACKEND_READ,       /* a read-only snapshot, taken at the first read */
	BACKEND_APPEND,     /* writable: entries appended, checkpoints signed
			       with the node key (--node-key, or DIR.key) */
	BACKEND_CHECKPOINT, /* writable when the key is at hand and no node
			       runs on DIR (checkpoint() then signs the
			       grown log first), else read-only */
};

/* What became of one entry of an append. */
struct backend_result {
	int rc;                    /* PX_OK (logged) or PX_EREFUSED */
	int duplicate;             /* logged before, at index */
	uint64_t index;            /* where it is logged */
	struct px_refusal refusal; /* with PX_EREFUSED */
	char code[32]; /* a node's refusal code as it came ("": the refusal's
			  own), kept when this paxta does not know it */
};

struct backend;

struct backend_ops {
	/* A lot's state (GET /v1/lots/{id}); its shipments (.../shipments). */
	int (*lot)(struct backend *b, const char *lot, json_t **out);
	int (*lot_shipments)(struct backend *b, const char *lot, json_t **out);
	/* The verdict as of a tree of at entries (0: the whole log). */
	int (*verdict)(struct backend *b, const char *lot, uint64_t at,
		       json_t **out);
	int (*recall)(struct backend *b, const struct px_recall_query *q,
		      json_t **out);
	/* An actor's registration; its holdings. */
	int (*actor)(struct backend *b, const char *id, json_t **out);
	int (*holdings)(struct backend *b, const char *id, json_t **out);
	/* The exact bytes of entry index; *out malloc'd. */
	int (*leaf)(struct backend *b, uint64_t index, uint8_t **out,
		    size_t *out_len);
	/* The verifier key of the log's checkpoints, parsed, and as text
	 * (*text malloc'd; text may be NULL). */
	int (*verifier)(struct backend *b, struct px_note_verifier *out,
			char **text);
	/* The signed note of the checkpoint of size entries (0: the latest;
	 * in BACKEND_CHECKPOINT mode one is signed first when the log grew);
	 * *out malloc'd and NUL-terminated, its signature not checked. */
	int (*checkpoint)(struct backend *b, uint64_t size, char **out,
			  size_t *out_len);
	/* RFC 9162 proofs into out[PX_MERKLE_MAX_PROOF]; a node's must echo
	 * what was asked. */
	int (*inclusion)(struct backend *b, uint64_t index, uint64_t size,
			 struct px_hash *out, size_t *out_len);
	int (*consistency)(struct backend *b, uint64_t from, uint64_t to,
			   struct px_hash *out, size_t *out_len);
	/* A lot's proof bundle as of the checkpoint of at (0: the latest). */
	int (*bundle)(struct backend *b, const char *lot, uint64_t at,
		      uint8_t **out, size_t *out_len);
	/* A lot's evidence report, appended to h. */
	int (*report)(struct backend *b, const char *lot, enum px_lang lang,
		      uint64_t at, struct px_html *h);
	/* An EPCIS document of the entries sel names. EXIT_NO when sel's lot
	 * is not in a local ledger. */
	int (*epcis)(struct backend *b, const struct px_epcis_select *sel,
		     json_t **out);
	/* Where authors' chains stand, for px_signer_new: valid until
	 * backend_close. A node's failures are kept in b->error. */
	void (*signer_source)(struct backend *b, struct px_signer_source *out);
	/*
	 * Append the entries leaves[0..n) (lens[0..n)): one durable
	 * transaction, or one request (one group commit at the node); out[k]
	 * says what became of entry k. A px_err code when the batch as a
	 * whole could not be appended (the reason in b->error when known).
	 */
	int (*append)(struct backend *b, uint8_t *const *leaves,
		      const size_t *lens, size_t n, struct backend_result *out);
	/* Have a checkpoint signed of what was appended: a px_err code, and
	 * on failure b->error says so after "logged, but ". */
	int (*sign_checkpoint)(struct backend *b);
	void (*close)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
	/* The last failure, one line, for people: "" when none. */
	char error[512];
	/* Who answered, for backend_bad_answer: "the ledger", "node URL". */
	char who[256];
};

/*
 * Open the backend the options name: the node at c->node, else the ledger
 * in c->data (opened in mode, with c->node_key). Returns 0, or EXIT_ERROR
 * with the reason printed (no --data nor --node, a missing ledger, a URL
 * that is not http(s)).
 */
int backend_open(struct backend **out, const struct cli_common *c,
		 enum backend_mode mode);
void backend_close(struct backend *b); /* accepts NULL */

/* Print b->error ("paxta: ..." on stderr); returns EXIT_ERROR. */
int backend_fail(struct backend *b);

/* Keep the failure; return EXIT_ERROR. */
int backend_error(struct backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An answer without what every answer of its kind has: keep "WHO
 * answered WHAT"; returns EXIT_ERROR. */
int backend_bad_answer(struct backend *b, const char *what);

/* The two sides (backend.c picks one). */
int backend_local_open(struct backend **out, const struct cli_common *c,
		       enum backend_mode mode);
int backend_node_open(struct backend **out, const char *url);

#endif
