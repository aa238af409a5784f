/*
 * paxta proof: an inclusion or a consistency proof, fetched from a ledger
 * or a node and checked here against the checkpoints it signed.
 *
 * Nothing the source hands over is taken on its word: the checkpoint must
 * carry a valid signature by the verifier key (the source's own, or one
 * given with --trust), the leaf hash is computed here from the entry's
 * bytes, and the proof must lead from it (RFC 9162 §2.1.3.2), or from the
 * older signed root (§2.1.4.2), to the signed root.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "paxta/checkpoint.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/merkle.h"

struct proof {
	struct cli_common c;
	const char *trust, *from_note;
	uint64_t index, size, from, to;
	int has_index, has_size, has_from, has_to;
	struct backend *b;
	struct px_note_verifier verifier;
	char signer[PX_ORIGIN_MAX + 16]; /* "NAME+HEX8", for people */
};

/* A checkpoint as checked: its note and what it says. */
struct signed_tree {
	char *note;
	size_t len;
	struct px_checkpoint cp;
};

static const char proof_help[] =
	"usage: paxta proof (--data DIR | --node URL) --index I [--size N] "
	"[--trust KEY] [--json]\n"
	"       paxta proof (--data DIR | --node URL) --from M [--to N] "
	"[--trust KEY] [--json]\n"
	"       paxta proof (--data DIR | --node URL) --from-note SAVED "
	"[--trust KEY] [--json]\n\n"
	"Fetch a Merkle proof and check it here against a signed checkpoint "
	"(RFC 9162\nproofs, C2SP signed notes): nothing is taken on the "
	"ledger's or the node's word.\n\n"
	"  --index I     inclusion: entry I is in the tree. Its bytes are "
	"fetched and\n"
	"                hashed here, and the proof must lead from that hash "
	"to the\n"
	"                signed root\n"
	"  --size N      of the checkpoint signed at N entries (default: the "
	"latest)\n"
	"  --from M      consistency: the tree of M entries is a prefix of "
	"the tree of N\n"
	"                entries (nothing was rewritten or hidden); both are "
	"signed\n"
	"                checkpoints\n"
	"  --to N        (default: the latest checkpoint's size)\n"
	"  --from-note SAVED\n"
	"                consistency from a checkpoint kept elsewhere (a "
	"file: the note\n"
	"                as 'paxta checkpoint' printed it, or - for stdin): "
	"the log's\n"
	"                latest signed tree extends it. When it does not (a "
	"log that\n"
	"                was rolled back or forked), both roots are printed, "
	"and the\n"
	"                log's own checkpoint of that size when it signed "
	"one\n"
	"  --trust KEY   check signatures with this verifier key "
	"(NAME+HEX8+BASE64, as\n"
	"                'paxta checkpoint --json' prints it) instead of the "
	"one the\n"
	"                ledger or node gives: what a brand or an auditor "
	"holds\n"
	"  --data DIR    the ledger in DIR\n"
	"  --node URL    the paxtad node at URL (http:// or https://)\n"
	"  --json        the result as JSON\n\n"
	"Exit 0 only when the proof verifies; 1 when it does not (a bad "
	"signature, a\nproof that does not lead to the signed root); 2 on "
	"errors.\n";

enum {
	OPT_INDEX = 1000,
	OPT_SIZE,
	OPT_FROM,
	OPT_TO,
	OPT_TRUST,
	OPT_FROM_NOTE
};

static int
take(void *ctx, int opt, const char *arg)
{
	struct proof *p = ctx;
	uint64_t *v = NULL;
	int *has = NULL;

	switch (opt) {
	case OPT_TRUST:
		p->trust = arg;
		return 0;
	case OPT_FROM_NOTE:
		p->from_note = arg;
		return 0;
	case OPT_INDEX:
		v = &p->index, has = &p->has_index;
		break;
	case OPT_SIZE:
		v = &p->size, has = &p->has_size;
		break;
	case OPT_FROM:
		v = &p->from, has = &p->has_from;
		break;
	case OPT_TO:
		v = &p->to, has = &p->has_to;
		break;
	default:
		return usage_error("proof", "unknown option");
	}
	if (parse_u64(arg, v))
		return usage_error("proof", "'%s' is not a number", arg);
	*has = 1;
	return 0;
}

static int
parse(int argc, char **argv, struct proof *p)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "from-note", required_argument, NULL, OPT_FROM_NOTE },
		{ 0 },
	};
	const struct cli_parser parser = {
		.cmd = "proof",
		.help = proof_help,
		.shortopts = "d:jh",
		.flags = CLI_JSON,
		.own = opts,
		.take = take,
		.ctx = p,
	};
	int rc;

	if ((rc = parse_options(&parser, argc, argv, &p->c)) != 0)
		return rc;
	if (p->from_note && (p->has_index || p->has_from || p->has_size ||
			     p->has_to || argc != optind))
		return usage_error("proof", "--from-note SAVED takes no "
					    "--index, --size, --from or --to");
	if (!p->from_note &&
	    (argc != optind || p->has_index == p->has_from ||
	     (p->has_index && p->has_to) || (p->has_from && p->has_size)))
		return usage_error("proof", "give --index I [--size N], "
					    "--from M [--to N] or --from-note "
					    "SAVED");
	if ((p->has_size && p->size == 0) || (p->has_from && p->from == 0) ||
	    (p->has_to && p->to == 0))
		return usage_error("proof", "a tree size is at least 1");
	return 0;
}

/* ---- what the ledger or the node hands over ---- */

/* The key signatures are checked with: --trust, or the source's own. */
static int
get_verifier(struct proof *p)
{
	char hex[9];

	if (p->trust) {
		if (px_note_verifier_parse(&p->verifier, p->trust) != PX_OK)
			return usage_error("proof",
					   "--trust takes a note verifier key "
					   "NAME+HEX8+BASE64, not '%s'",
					   p->trust);
	} else if (p->b->ops->verifier(p->b, &p->verifier, NULL)) {
		return backend_fail(p->b);
	}
	px_hex_encode(hex, p->verifier.key_id, 4);
	snprintf(p->signer, sizeof(p->signer), "%s+%s", p->verifier.name, hex);
	text_clean(p->signer);
	return 0;
}

static int
get_inclusion(struct proof *p, uint64_t index, uint64_t size,
	      struct px_hash *out, size_t *out_len)
{
	return p->b->ops->inclusion(p->b, index, size, out, out_len)
		       ? backend_fail(p->b)
		       : 0;
}

static int
get_consistency(struct proof *p, uint64_t from, uint64_t to,
		struct px_hash *out, size_t *out_len)
{
	return p->b->ops->consistency(p->b, from, to, out, out_len)
		       ? backend_fail(p->b)
		       : 0;
}

/* ---- the checks ---- */

static const char *
entries(uint64_t n)
{
	return n == 1 ? "entry" : "entries";
}

/* The answer is no: say why, exit 1. */
__attribute__((format(printf, 2, 3))) static int
not_verified(const struct proof *p, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	text_clean(why);
	if (p->c.json)
		print_json(
			json_pack("{s:b,s:s}", "verified", 0, "problem", why));
	else
		printf("%sNOT VERIFIED%s: %s\n", style("red"), style("reset"),
		       why);
	return EXIT_NO;
}

/* The checkpoint of size (0: the latest), its signature checked: 0, 1
 * (printed: not verified) or 2 (printed: an error). */
static int
signed_tree(struct proof *p, uint64_t size, struct signed_tree *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (p->b->ops->checkpoint(p->b, size, &out->note, &out->len))
		return backend_fail(p->b);
	rc = px_checkpoint_open(&out->cp, out->note, out->len, &p->verifier);
	if (rc == PX_EVERIFY)
		return not_verified(p, "the checkpoint%s is not signed by %s",
				    size ? " of that size" : "", p->signer);
	if (rc != PX_OK || strlen(out->note) != out->len)
		return not_verified(p,
				    "what was served as the checkpoint%s is "
				    "not a signed checkpoint",
				    size ? " of that size" : "");
	if (size && out->cp.size != size)
		return not_verified(p,
				    "the checkpoint served for %" PRIu64
				    " entries is of %" PRIu64,
				    size, out->cp.size);
	return 0;
}

static char *
b64_root(const struct px_checkpoint *cp)
{
	char *b64 = NULL;

	if (px_base64_encode(&b64, cp->root.b, PX_HASH_LEN) != PX_OK)
		return NULL;
	return b64;
}

static int
inclusion(struct proof *p)
{
	struct signed_tree latest = { 0 }, at = { 0 };
	const struct signed_tree *tree;
	struct px_hash hashes[PX_MERKLE_MAX_PROOF];
	struct px_entry e = { 0 };
	json_t *ev = NULL;
	uint8_t *leaf = NULL;
	char hex[2 * PX_HASH_LEN + 1], *root = NULL;
	size_t len, n;
	uint64_t size;
	int rc;

	if ((rc = signed_tree(p, 0, &latest)) != 0)
		goto out;
	size = p->has_size ? p->size : latest.cp.size;
	if (size > latest.cp.size) {
		rc = fail("no signed checkpoint covers %" PRIu64
			  " entries yet: the latest is of %" PRIu64,
			  size, latest.cp.size);
		goto out;
	}
	if (p->index >= size) {
		rc = usage_error("proof",
				 "entry %" PRIu64
				 " is not in a tree of %" PRIu64 " entries",
				 p->index, size);
		goto out;
	}
	if (size != latest.cp.size && (rc = signed_tree(p, size, &at)) != 0)
		goto out;
	tree = size == latest.cp.size ? &latest : &at;
	if (p->b->ops->leaf(p->b, p->index, &leaf, &len)) {
		rc = backend_fail(p->b);
		goto out;
	}
	if ((rc = get_inclusion(p, p->index, size, hashes, &n)) != 0)
		goto out;
	/* Hashed for the proof, decoded for people (its bytes are what is
	 * proven), once. */
	if (px_entry_read(&e, leaf, len, PX_ENTRY_HASH | PX_ENTRY_DECODE) !=
	    PX_OK) {
		rc = fail("cannot hash the entry");
		goto out;
	}
	px_hex_encode(hex, e.leaf_hash.b, PX_HASH_LEN);
	if (px_merkle_verify_inclusion(&e.leaf_hash, p->index, size, hashes, n,
				       &tree->cp.root) != PX_OK) {
		rc = not_verified(p,
				  "the inclusion proof does not lead from "
				  "entry %" PRIu64 " (leaf hash %s) to the "
				  "signed root of %" PRIu64 " entries",
				  p->index, hex, size);
		goto out;
	}
	if (!(root = b64_root(&tree->cp))) {
		rc = fail("out of memory");
		goto out;
	}
	if (e.body)
		ev = px_event_from_entry(e.body);
	if (p->c.json) {
		json_t *j = json_pack(
			"{s:b,s:I,s:I,s:s,s:s,s:s,s:s}", "verified", 1, "index",
			(json_int_t)p->index, "size", (json_int_t)size,
			"leaf_hash", hex, "root", root, "signed_by", p->signer,
			"checkpoint", tree->note);

		if (j && ev)
			json_object_set(j, "entry", ev);
		print_json(j);
	} else {
		json_clean(ev);
		printf("%sverified%s: entry %" PRIu64
		       " is in the tree of %" PRIu64 " %s signed by %s\n",
		       style("green"), style("reset"), p->index, size,
		       entries(size), p->signer);
		printf("  leaf hash %s", hex);
		if (ev)
			printf("  (%s by '%s')", jstr(ev, "kind"),
			       jstr(ev, "actor"));
		printf("\n  root      %s\n", root);
	}
	rc = 0;
out:
	json_decref(ev);
	px_entry_release(&e);
	free(leaf);
	free(root);
	free(latest.note);
	free(at.note);
	return rc;
}

static int
consistency(struct proof *p)
{
	struct signed_tree latest = { 0 }, old = { 0 }, at = { 0 };
	const struct signed_tree *new_tree;
	struct px_hash hashes[PX_MERKLE_MAX_PROOF];
	char *old_root = NULL, *new_root = NULL;
	uint64_t to;
	size_t n;
	int rc;

	if ((rc = signed_tree(p, 0, &latest)) != 0)
		goto out;
	to = p->has_to ? p->to : latest.cp.size;
	if (to > latest.cp.size) {
		rc = fail("no signed checkpoint covers %" PRIu64
			  " entries yet: the latest is of %" PRIu64,
			  to, latest.cp.size);
		goto out;
	}
	if (p->from > to) {
		rc = usage_error("proof",
				 "--from %" PRIu64 " is past --to %" PRIu64,
				 p->from, to);
		goto out;
	}
	if (to != latest.cp.size && (rc = signed_tree(p, to, &at)) != 0)
		goto out;
	new_tree = to == latest.cp.size ? &latest : &at;
	if ((rc = signed_tree(p, p->from, &old)) != 0 ||
	    (rc = get_consistency(p, p->from, to, hashes, &n)) != 0)
		goto out;
	if (px_merkle_verify_consistency(p->from, to, &old.cp.root,
					 &new_tree->cp.root, hashes,
					 n) != PX_OK) {
		rc = not_verified(p,
				  "the consistency proof does not show the "
				  "signed tree of %" PRIu64
				  " entries as a prefix of the signed tree of "
				  "%" PRIu64,
				  p->from, to);
		goto out;
	}
	if (!(old_root = b64_root(&old.cp)) ||
	    !(new_root = b64_root(&new_tree->cp))) {
		rc = fail("out of memory");
		goto out;
	}
	if (p->c.json)
		print_json(json_pack(
			"{s:b,s:I,s:I,s:s,s:s,s:s}", "verified", 1, "from",
			(json_int_t)p->from, "to", (json_int_t)to, "from_root",
			old_root, "to_root", new_root, "signed_by", p->signer));
	else
		printf("%sverified%s: the tree of %" PRIu64
		       " %s is a prefix of the tree of %" PRIu64
		       " %s, both signed by %s\n  root of %-*" PRIu64
		       "  %s\n  root of %-*" PRIu64 "  %s\n",
		       style("green"), style("reset"), p->from,
		       entries(p->from), to, entries(to), p->signer,
		       snprintf(NULL, 0, "%" PRIu64, to), p->from, old_root,
		       snprintf(NULL, 0, "%" PRIu64, to), to, new_root);
	rc = 0;
out:
	free(old_root);
	free(new_root);
	free(latest.note);
	free(old.note);
	free(at.note);
	return rc;
}

/* The log's own signed checkpoint of size, if it has one (no message when
 * not): the other half of a fork's evidence. */
static int
quiet_note(struct proof *p, uint64_t size, struct signed_tree *out)
{
	memset(out, 0, sizeof(*out));
	if (p->b->ops->checkpoint(p->b, size, &out->note, &out->len))
		return -1;
	if (strlen(out->note) != out->len ||
	    px_checkpoint_open(&out->cp, out->note, out->len, &p->verifier) !=
		    PX_OK ||
	    out->cp.size != size) {
		free(out->note);
		out->note = NULL;
		return -1;
	}
	return 0;
}

/* The log does not extend the saved note: why, with both roots. */
static int
not_extended(struct proof *p, const struct signed_tree *saved,
	     const struct signed_tree *latest, const char *why)
{
	struct signed_tree same = { 0 };
	char *saved_root = b64_root(&saved->cp),
	     *log_root = b64_root(&latest->cp);
	char *same_root = NULL;
	int have_same =
		quiet_note(p, saved->cp.size, &same) == 0 &&
		memcmp(same.cp.root.b, saved->cp.root.b, PX_HASH_LEN) != 0;

	if (have_same)
		same_root = b64_root(&same.cp);
	if (!saved_root || !log_root || (have_same && !same_root)) {
		free(saved_root);
		free(log_root);
		free(same.note);
		return fail("out of memory");
	}
	if (p->c.json) {
		json_t *j = json_pack("{s:b,s:s,s:I,s:s,s:I,s:s,s:s}",
				      "verified", 0, "problem", why,
				      "note_size", (json_int_t)saved->cp.size,
				      "note_root", saved_root, "log_size",
				      (json_int_t)latest->cp.size, "log_root",
				      log_root, "signed_by", p->signer);

		if (j && have_same) {
			json_object_set_new(j, "log_root_at_note_size",
					    json_string(same_root));
			json_object_set_new(j, "log_note_at_note_size",
					    json_string(same.note));
		}
		print_json(j);
	} else {
		printf("%sNOT VERIFIED%s: %s\n", style("red"), style("reset"),
		       why);
		printf("  saved note: %" PRIu64 " %s, root %s\n",
		       saved->cp.size, entries(saved->cp.size), saved_root);
		printf("  the log:    %" PRIu64 " %s, root %s\n",
		       latest->cp.size, entries(latest->cp.size), log_root);
		if (have_same) {
			printf("  the log also signed %" PRIu64
			       " %s with root %s: two signed checkpoints "
			       "of one size, a fork\n%s",
			       saved->cp.size, entries(saved->cp.size),
			       same_root, same.note);
		}
	}
	free(saved_root);
	free(log_root);
	free(same_root);
	free(same.note);
	return EXIT_NO;
}

static int
from_note(struct proof *p)
{
	struct signed_tree latest = { 0 }, saved = { 0 };
	struct px_hash hashes[PX_MERKLE_MAX_PROOF];
	char *saved_root = NULL, *log_root = NULL, why[256];
	size_t n;
	int rc;

	if ((rc = read_small_file(p->from_note, PX_NOTE_MAX, &saved.note,
				  &saved.len)) != 0)
		goto out;
	rc = px_checkpoint_open(&saved.cp, saved.note, saved.len, &p->verifier);
	if (rc == PX_EVERIFY) {
		rc = not_verified(p, "the saved note '%s' is not signed by %s",
				  p->from_note, p->signer);
		goto out;
	}
	if (rc != PX_OK || strlen(saved.note) != saved.len) {
		rc = not_verified(p, "'%s' is not a signed checkpoint",
				  p->from_note);
		goto out;
	}
	if ((rc = signed_tree(p, 0, &latest)) != 0)
		goto out;
	if (saved.cp.size > latest.cp.size) {
		snprintf(why, sizeof(why),
			 "the log went back: its latest signed tree has "
			 "%" PRIu64 " %s, the saved note %" PRIu64,
			 latest.cp.size, entries(latest.cp.size),
			 saved.cp.size);
		rc = not_extended(p, &saved, &latest, why);
		goto out;
	}
	if (saved.cp.size == latest.cp.size) {
		n = 0;
		rc = memcmp(saved.cp.root.b, latest.cp.root.b, PX_HASH_LEN)
			     ? PX_EVERIFY
			     : PX_OK;
	} else {
		if ((rc = get_consistency(p, saved.cp.size, latest.cp.size,
					  hashes, &n)) != 0)
			goto out;
		rc = px_merkle_verify_consistency(saved.cp.size, latest.cp.size,
						  &saved.cp.root,
						  &latest.cp.root, hashes, n);
	}
	if (rc != PX_OK) {
		snprintf(why, sizeof(why),
			 "the log does not extend the saved note: its signed "
			 "tree of %" PRIu64 " %s does not hold the saved tree "
			 "of %" PRIu64 " as its prefix",
			 latest.cp.size, entries(latest.cp.size),
			 saved.cp.size);
		rc = not_extended(p, &saved, &latest, why);
		goto out;
	}
	if (!(saved_root = b64_root(&saved.cp)) ||
	    !(log_root = b64_root(&latest.cp))) {
		rc = fail("out of memory");
		goto out;
	}
	if (p->c.json)
		print_json(json_pack(
			"{s:b,s:I,s:s,s:I,s:s,s:s,s:s}", "verified", 1,
			"note_size", (json_int_t)saved.cp.size, "note_root",
			saved_root, "log_size", (json_int_t)latest.cp.size,
			"log_root", log_root, "signed_by", p->signer,
			"checkpoint", latest.note));
	else
		printf("%sverified%s: the log extends the saved note; both "
		       "signed by %s\n  saved note: %" PRIu64
		       " %s, root %s\n  the log:    %" PRIu64 " %s, root %s\n",
		       style("green"), style("reset"), p->signer, saved.cp.size,
		       entries(saved.cp.size), saved_root, latest.cp.size,
		       entries(latest.cp.size), log_root);
	rc = 0;
out:
	free(saved_root);
	free(log_root);
	free(saved.note);
	free(latest.note);
	return rc;
}

int
cmd_proof(int argc, char **argv)
{
	struct proof p;
	int rc;

	memset(&p, 0, sizeof(p));
	if ((rc = parse(argc, argv, &p)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = backend_open(&p.b, &p.c, BACKEND_READ)) == 0 &&
	    (rc = get_verifier(&p)) == 0)
		rc = p.from_note   ? from_note(&p)
		     : p.has_index ? inclusion(&p)
				   : consistency(&p);
	backend_close(p.b);
	return rc;
}
