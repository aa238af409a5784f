/*
 * paxta mirror: a verifying read replica of a node's log. Every entry's
 * signature and every rule is checked as on the source (px_ledger_append),
 * every signed checkpoint's root is computed here before anything of it is
 * appended, and every new checkpoint must be consistent with the last one
 * kept. When the source shows another history, the mirror keeps both notes
 * and the proof as evidence (witness.h), prints it, and stops with 1.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "paxta/checkpoint.h"
#include "paxta/entry.h"
#include "paxta/merkle.h"
#include "paxta/replica.h"
#include "paxta/witness.h"

#define BATCH 1000
/* At most this many entries (--step) are fetched and held before they are
 * checked and appended: a far-behind mirror steps through the node's
 * signed sizes (GET /v1/checkpoints). */
#define STEP_DEFAULT 100000
#define STEP_MAX     1000000

static const char mirror_help[] =
	"usage: paxta mirror --from URL --data DIR [--trust KEY] [--once] "
	"[--interval S]\n"
	"                    [--step N]\n\n"
	"Keep DIR a verifying read replica of the node at URL. The first run "
	"makes DIR\nfrom the node's genesis; every run then takes the node's "
	"latest signed\ncheckpoint, checks it extends the last one kept "
	"(an RFC 9162 consistency\nproof), fetches the entries up to it, "
	"checks that they make its signed root,\nand appends them with every "
	"signature and rule checked as the node did. DIR\nthen answers every "
	"'paxta ... --data DIR' read (lot, verify, recall, proof,\naudit) as "
	"the node would, and holds no key.\n\n"
	"When the node shows another history -- a signed checkpoint its last "
	"kept one\nis not a prefix of, or a smaller one whose root is not "
	"this tree's -- the mirror\nkeeps both notes and the proof in DIR as "
	"evidence, prints it as JSON (check it\nwith 'paxta evidence'), and "
	"exits 1.\n\n"
	"  --from URL     the node to mirror (http:// or https://)\n"
	"  --data DIR     the replica (made on the first run)\n"
	"  --trust KEY    the node's verifier key (NAME+HEX8+BASE64); "
	"without it, the\n"
	"                 one in the replica's genesis (first run: the "
	"node's GET /v1/log)\n"
	"  --once         one round, then exit 0 (default: a round every "
	"--interval\n"
	"                 seconds until SIGTERM or SIGINT)\n"
	"  --interval S   seconds between rounds (default 10)\n"
	"  --step N       fetch and check at most N entries at a time, "
	"stepping through\n"
	"                 the node's signed checkpoints when further behind "
	"(default\n"
	"                 100000)\n\n"
	"Exit 0 after a clean stop or --once; 1 on a fork or an entry that "
	"breaks a rule;\n2 on errors (a node that is down or answers "
	"garbage).\n";

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

struct mirror {
	uint64_t step;
	struct node *node;
	struct px_ledger *l;
	struct px_note_verifier key;
	const char *dir;
};

/* The first run: the replica from the node's genesis. */
static int
create(struct mirror *m, const char *trust)
{
	json_t *log = NULL, *g = NULL;
	uint8_t *leaf = NULL;
	size_t len;
	char *vkey = NULL;
	struct px_ledger *l = NULL;
	int rc, status = EXIT_ERROR;

	if (node_get_json(m->node, &log, "/v1/log") ||
	    node_get_json(m->node, &g, "/v1/entries/0")) {
		status = node_fail(m->node);
		goto out;
	}
	if (node_leaf(&leaf, &len, json_object_get(g, "leaf")) != PX_OK) {
		node_bad_answer(m->node, "a genesis that is not an entry");
		status = node_fail(m->node);
		goto out;
	}
	rc = px_ledger_create_replica(m->dir, leaf, len, NULL);
	if (rc == PX_EFOREIGN) {
		node_bad_answer(m->node, "a first entry that is not a genesis "
					 "signed by its own key");
		status = node_fail(m->node);
		goto out;
	}
	if (rc != PX_OK) {
		status = fail("cannot make the replica '%s': %s", m->dir,
			      px_strerror(rc));
		goto out;
	}
	if (px_ledger_open(&l, m->dir, PX_LEDGER_READONLY) != PX_OK ||
	    px_ledger_verifier_key(l, &vkey) != PX_OK) {
		status = fail("cannot read the replica '%s'", m->dir);
		goto out;
	}
	/* The genesis names the key that signs checkpoints: it must be the
	 * one the node and the caller say. */
	if (strcmp(vkey, jstr(log, "verifier_key")) != 0 ||
	    (trust && strcmp(vkey, trust) != 0)) {
		status = fail("the node's genesis names the key '%s', not %s",
			      vkey, trust ? trust : "the one it serves");
		goto out;
	}
	status = 0;
out:
	px_ledger_close(l);
	free(vkey);
	free(leaf);
	json_decref(log);
	json_decref(g);
	return status;
}

/* Keep and print evidence; returns EXIT_NO. */
static int
fork_found(struct mirror *m, const char *older, const char *newer,
	   const struct px_hash *proof, size_t n, const char *why)
{
	struct px_hash id;
	char *text = NULL;
	int rc;

	rc = px_evidence_make(&text, &id, &m->key, older, strlen(older), newer,
			      strlen(newer), proof, n, node_url(m->node),
			      (uint64_t)time(NULL));
	if (rc == PX_OK)
		rc = px_replica_keep_evidence(m->l, &id, text);
	fprintf(stderr, "paxta mirror: FORK: %s\n", why);
	if (rc != PX_OK) {
		free(text);
		return fail("the evidence could not be kept: %s",
			    px_strerror(rc));
	}
	printf("%s\n", text);
	free(text);
	return EXIT_NO;
}

/* What the replica holds: its size and the latest note kept (malloc'd;
 * NULL before the first). */
static int
local_state(struct mirror *m, uint64_t *size, char **note,
	    struct px_checkpoint *cp)
{
	struct px_txn *t = NULL;
	const char *text;
	size_t len;
	uint64_t cp_size;
	int rc;

	*note = NULL;
	if ((rc = px_ledger_read(m->l, &t)) != PX_OK)
		return rc;
	*size = px_store_size(t);
	rc = px_store_checkpoint_latest(t, &cp_size, &text, &len);
	if (rc == PX_OK) {
		*note = strndup(text, len);
		rc = *note ? px_checkpoint_open(cp, *note, len, &m->key)
			   : PX_ENOMEM;
	} else if (rc == PX_ENOTFOUND) {
		rc = PX_OK;
	}
	px_store_abort(t);
	return rc;
}

/* Entries [from, to) from the node, checked to make the signed root of
 * to before any is appended. */
static int
fetch_and_append(struct mirror *m, uint64_t from,
		 const struct px_checkpoint *cp)
{
	uint64_t count = cp->size - from, got = 0;
	uint8_t **leaves = calloc(count ? count : 1, sizeof(*leaves));
	size_t *lens = calloc(count ? count : 1, sizeof(*lens));
	struct px_hash *hashes = calloc(count ? count : 1, sizeof(*hashes));
	struct px_entry *entries = calloc(count ? count : 1, sizeof(*entries));
	struct px_entry **ptrs = calloc(count ? count : 1, sizeof(*ptrs));
	struct px_txn *t = NULL;
	struct px_hash root;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	if (!leaves || !lens || !hashes || !entries || !ptrs) {
		status = fail("out of memory");
		goto out;
	}
	while (got < count) {
		json_t *arr, *e;
		size_t i;

		if (node_get_json(m->node, &j,
				  "/v1/entries?start=%" PRIu64 "&count=%d",
				  from + got, BATCH)) {
			status = node_fail(m->node);
			goto out;
		}
		arr = json_object_get(j, "entries");
		if (!json_is_array(arr) || json_array_size(arr) == 0) {
			node_bad_answer(m->node, "an empty range of entries");
			status = node_fail(m->node);
			goto out;
		}
		json_array_foreach(arr, i, e)
		{
			if (got == count)
				break;
			/* Hashed once: for the root here, and for the
			 * append below. */
			if (jint(e, "index") != (json_int_t)(from + got) ||
			    node_leaf(&leaves[got], &lens[got],
				      json_object_get(e, "leaf")) != PX_OK ||
			    px_entry_read(&entries[got], leaves[got], lens[got],
					  PX_ENTRY_HASH) != PX_OK) {
				node_bad_answer(m->node,
						"entries that are not the ones "
						"asked for");
				status = node_fail(m->node);
				goto out;
			}
			hashes[got] = entries[got].leaf_hash;
			ptrs[got] = &entries[got];
			got++;
		}
		json_decref(j);
		j = NULL;
	}
	/* The root they make, before anything is appended. */
	if ((rc = px_ledger_read(m->l, &t)) != PX_OK ||
	    (rc = px_replica_root(&root, t, from, hashes, cp->size)) != PX_OK) {
		status = fail("cannot compute the root: %s", px_strerror(rc));
		goto out;
	}
	px_store_abort(t);
	t = NULL;
	if (memcmp(root.b, cp->root.b, PX_HASH_LEN) != 0) {
		node_bad_answer(m->node, "entries that do not make the root "
					 "of its own signed checkpoint");
		status = node_fail(m->node);
		goto out;
	}
	for (uint64_t at = 0; at < count; at += BATCH) {
		size_t n = count - at < BATCH ? (size_t)(count - at) : BATCH;

		rc = px_ledger_append(m->l, ptrs + at, n, (int64_t)time(NULL));
		if (rc != PX_OK) {
			status = fail("cannot append to the replica: %s",
				      px_strerror(rc));
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			const struct px_append_result *r =
				&entries[at + i].result;

			if (r->rc != PX_OK || r->duplicate) {
				printf("REFUSED: entry %" PRIu64
				       " of the node breaks a rule (%s): %s\n",
				       from + at + i,
				       px_code_name(r->refusal.code),
				       r->refusal.message);
				status = EXIT_NO;
				goto out;
			}
		}
	}
	status = 0;
out:
	px_store_abort(t);
	json_decref(j);
	for (uint64_t i = 0; entries && i < got; i++)
		px_entry_release(&entries[i]);
	for (uint64_t i = 0; leaves && i < count; i++)
		free(leaves[i]);
	free(leaves);
	free(lens);
	free(hashes);
	free(entries);
	free(ptrs);
	return status;
}

/*
 * When the latest checkpoint is more than STEP entries ahead of size, a
 * signed checkpoint in between: the largest at most size + STEP, else the
 * smallest past size. *note and *cp replaced; 0 or EXIT_ERROR.
 */
static int
step_target(struct mirror *m, uint64_t size, char **note, size_t *len,
	    struct px_checkpoint *cp)
{
	json_t *j = NULL, *sizes, *v;
	uint64_t pick = 0;
	char *text = NULL;
	size_t i, n;
	int status = EXIT_ERROR;

	if (cp->size - size <= m->step)
		return 0;
	if (node_get_json(m->node, &j,
			  "/v1/checkpoints?start=%" PRIu64 "&count=10000",
			  size + 1))
		return node_fail(m->node);
	sizes = json_object_get(j, "sizes");
	json_array_foreach(sizes, i, v)
	{
		uint64_t s = (uint64_t)json_integer_value(v);

		if (s <= size || s > cp->size)
			continue;
		if (!pick || s <= size + m->step)
			pick = s;
	}
	if (!pick) {
		status = 0; /* nothing in between: the latest it is */
		goto out;
	}
	if (node_text(m->node, &text, &n, "GET", "/v1/checkpoint?size=%" PRIu64,
		      pick)) {
		status = node_fail(m->node);
		goto out;
	}
	if (strlen(text) != n ||
	    px_checkpoint_open(cp, text, n, &m->key) != PX_OK ||
	    cp->size != pick) {
		node_bad_answer(m->node, "a checkpoint of the size asked for "
					 "not signed by its key");
		status = node_fail(m->node);
		goto out;
	}
	free(*note);
	*note = text;
	*len = n;
	text = NULL;
	status = 0;
out:
	free(text);
	json_decref(j);
	return status;
}

/* One round: 0 (in step), 1 (a fork: evidence printed), 2. */
static int
round_once(struct mirror *m, int *grew, int *behind)
{
	struct px_checkpoint cp, kept = { 0 };
	struct px_hash proof[PX_MERKLE_MAX_PROOF], other, root;
	struct px_txn *t = NULL;
	char *note = NULL, *kept_note = NULL, *oops;
	size_t len, n = 0;
	uint64_t size = 0;
	json_t *j = NULL;
	int rc, status = EXIT_ERROR;

	*grew = 0;
	*behind = 0;
	if (node_text(m->node, &note, &len, "GET", "/v1/checkpoint")) {
		status = node_fail(m->node);
		goto out;
	}
	if (strlen(note) != len ||
	    px_checkpoint_open(&cp, note, len, &m->key) != PX_OK) {
		node_bad_answer(m->node, "a checkpoint not signed by its key");
		status = node_fail(m->node);
		goto out;
	}
	if ((rc = local_state(m, &size, &kept_note, &kept)) != PX_OK) {
		status = fail("cannot read the replica: %s", px_strerror(rc));
		goto out;
	}
	if (cp.size > size) {
		uint64_t latest = cp.size;

		if (step_target(m, size, &note, &len, &cp))
			goto out;
		*behind = cp.size < latest;
	}
	if (cp.size < size) {
		/* Smaller than what is held: this tree's own prefix, or
		 * another history. */
		if ((rc = px_ledger_read(m->l, &t)) != PX_OK ||
		    (rc = px_store_root(t, cp.size, &root)) != PX_OK) {
			status = fail("cannot read the replica: %s",
				      px_strerror(rc));
			goto out;
		}
		if (memcmp(root.b, cp.root.b, PX_HASH_LEN) == 0) {
			status = 0; /* a stale checkpoint, not a fork */
			goto out;
		}
		if (kept_note && cp.size > 0 &&
		    (cp.size & (cp.size - 1)) != 0 &&
		    px_merkle_consistency_proof(proof, &n, cp.size, kept.size,
						px_store_merkle_source,
						t) == PX_OK) {
			px_store_abort(t);
			t = NULL;
			status = fork_found(
				m, note, kept_note, proof, n,
				"the node signed a smaller tree that is not a "
				"prefix of the one kept");
			goto out;
		}
		fprintf(stderr,
			"paxta mirror: FORK: the node signed a tree of "
			"%" PRIu64
			" entries that is not a prefix of the %" PRIu64
			" kept\n",
			cp.size, size);
		status = EXIT_NO;
		goto out;
	}
	if (kept_note && cp.size == kept.size) {
		if (memcmp(cp.root.b, kept.root.b, PX_HASH_LEN) == 0) {
			status = 0;
			goto out;
		}
		status = fork_found(m, kept_note, note, NULL, 0,
				    "two signed trees of one size");
		goto out;
	}
	if (kept_note) {
		json_t *hashes, *h;
		size_t i, got;

		if (node_get_json(m->node, &j,
				  "/v1/proof/consistency?from=%" PRIu64
				  "&to=%" PRIu64,
				  kept.size, cp.size)) {
			status = node_fail(m->node);
			goto out;
		}
		hashes = json_object_get(j, "hashes");
		if (!json_is_array(hashes) ||
		    json_array_size(hashes) > PX_MERKLE_MAX_PROOF)
			goto bad_proof;
		json_array_foreach(hashes, i, h)
		{
			const char *b64 = json_string_value(h);

			if (!b64 || strlen(b64) != 44 ||
			    px_base64_decode(proof[i].b, PX_HASH_LEN, &got, b64,
					     44) != PX_OK ||
			    got != PX_HASH_LEN)
				goto bad_proof;
		}
		n = json_array_size(hashes);
		if (px_merkle_verify_consistency(kept.size, cp.size, &kept.root,
						 &cp.root, proof, n) != PX_OK) {
			if (px_merkle_consistency_old_root(&other, kept.size,
							   cp.size, &cp.root,
							   proof, n) == PX_OK &&
			    memcmp(other.b, kept.root.b, PX_HASH_LEN) != 0) {
				status = fork_found(
					m, kept_note, note, proof, n,
					"the node's own proof leads to its new "
					"tree from another tree of the size "
					"kept");
				goto out;
			}
			goto bad_proof;
		}
	}
	if ((status = fetch_and_append(m, size, &cp)) != 0)
		goto out;
	rc = px_replica_keep_checkpoint(m->l, note, len, NULL);
	if (rc != PX_OK) {
		status =
			fail("cannot keep the checkpoint: %s", px_strerror(rc));
		goto out;
	}
	*grew = 1;
	status = 0;
	goto out;
bad_proof:
	oops = "a consistency proof that does not verify";
	node_bad_answer(m->node, oops);
	status = node_fail(m->node);
out:
	px_store_abort(t);
	json_decref(j);
	free(note);
	free(kept_note);
	return status;
}

int
cmd_mirror(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "data", required_argument, NULL, 'd' },
		{ "trust", required_argument, NULL, 't' },
		{ "once", no_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "step", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct mirror m = { .step = STEP_DEFAULT };
	const char *url = NULL, *trust = NULL;
	char *vkey = NULL, why[NODE_ERROR_MAX];
	uint64_t interval = 10;
	int once = 0, c, status = EXIT_ERROR, grew, behind;
	struct px_ledger *probe = NULL;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			url = optarg;
			break;
		case 'd':
			m.dir = optarg;
			break;
		case 't':
			trust = optarg;
			break;
		case 'o':
			once = 1;
			break;
		case 'i':
			if (parse_u64(optarg, &interval) || interval == 0 ||
			    interval > 86400)
				return usage_error("mirror",
						   "--interval takes 1 to "
						   "86400 seconds");
			break;
		case 's':
			if (parse_u64(optarg, &m.step) || m.step == 0 ||
			    m.step > STEP_MAX)
				return usage_error("mirror",
						   "--step takes 1 to %d "
						   "entries",
						   STEP_MAX);
			break;
		case 'h':
			fputs(mirror_help, stdout);
			return 0;
		default:
			return usage_error("mirror", "unknown option");
		}
	}
	if (!url || !m.dir || optind != argc)
		return usage_error("mirror", "give --from URL and --data DIR");
	if (trust && px_note_verifier_parse(&m.key, trust) != PX_OK)
		return usage_error("mirror",
				   "--trust takes a verifier key "
				   "NAME+HEX8+BASE64, not '%s'",
				   trust);
	if (node_open(&m.node, url, why))
		return fail("%s", why);
	/* A folder without a ledger: the first run makes it. */
	if (px_ledger_open(&probe, m.dir, PX_LEDGER_READONLY) != PX_OK &&
	    (status = create(&m, trust)) != 0)
		goto out;
	px_ledger_close(probe);
	if (px_ledger_open_key(&m.l, m.dir, NULL, PX_LEDGER_REPLICA) != PX_OK)
		status = open_ledger(&m.l, m.dir, PX_LEDGER_REPLICA);
	if (!m.l)
		goto out;
	if (px_ledger_verifier_key(m.l, &vkey) != PX_OK ||
	    px_note_verifier_parse(&m.key, vkey) != PX_OK ||
	    (trust && strcmp(vkey, trust) != 0)) {
		status = fail("the replica '%s' is of the key '%s', not %s",
			      m.dir, vkey ? vkey : "?",
			      trust ? trust : "a readable one");
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (;;) {
		if ((status = round_once(&m, &grew, &behind)) != 0)
			goto out;
		if (grew) {
			uint64_t size = 0;
			struct px_txn *t = NULL;

			if (px_ledger_read(m.l, &t) == PX_OK)
				size = px_store_size(t);
			px_store_abort(t);
			fprintf(stderr,
				"paxta mirror: '%s' holds %" PRIu64
				" entries, checked against the node's signed "
				"root\n",
				m.dir, size);
		}
		/* Behind: the next step at once, --once included. */
		if (behind && !stopping)
			continue;
		if (once || stopping)
			break;
		for (uint64_t s = 0; s < interval * 10 && !stopping; s++)
			usleep(100000);
		if (stopping)
			break;
	}
	status = 0;
out:
	free(vkey);
	px_ledger_close(m.l);
	node_close(m.node);
	return status;
}
