/* paxta submit, sign: events (JSON) to signed entries in a ledger. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/map.h"
#include "paxta/signer.h"
#include "paxta/state.h"
#include "paxta/verify.h"

/* Entries per transaction (one fsync for each), and per request to a
 * node; a request also stops before BATCH_BYTES of entries, well under a
 * node's default 8 MiB body cap. */
#define BATCH       1000
#define BATCH_BYTES ((size_t)4 << 20)
#define BATCH_TYPE  "application/x-protobuf; proto=paxta.EntryBatch"
/* Tries of a request the node answered 503 (nothing of it logged). */
#define BUSY_TRIES 5
/* Refusals printed before the rest are only counted. */
#define SHOW_REFUSALS 20

/* Where keys come from: one file for every event, or a folder of
 * ACTOR.key files. */
struct keyring {
	const char *file;
	const char *dir;
	struct px_map index; /* actor -> slot in keys (size_t) */
	struct px_seckey *keys;
	size_t n;
};

static int
key_for(struct keyring *kr, const char *actor, const struct px_seckey **out)
{
	size_t *slot = px_map_get(&kr->index, actor);
	struct px_seckey *keys;
	char *path = NULL;
	int rc;

	if (slot) {
		*out = &kr->keys[*slot];
		return PX_OK;
	}
	if (kr->file) {
		path = strdup(kr->file);
	} else if (!px_state_valid_id(actor) || strchr(actor, '/')) {
		return PX_ENOTFOUND;
	} else if (asprintf(&path, "%s/%s.key", kr->dir, actor) < 0) {
		path = NULL;
	}
	if (!path)
		return PX_ENOMEM;
	keys = realloc(kr->keys, (kr->n + 1) * sizeof(*keys));
	if (!keys) {
		free(path);
		return PX_ENOMEM;
	}
	kr->keys = keys;
	rc = px_key_read_pem(&kr->keys[kr->n], path);
	free(path);
	if (rc != PX_OK)
		return rc;
	if (px_map_put(&kr->index, actor, (void **)&slot, NULL) != PX_OK) {
		px_key_wipe(&kr->keys[kr->n]);
		return PX_ENOMEM;
	}
	*slot = kr->n;
	*out = &kr->keys[kr->n++];
	return PX_OK;
}

static void
keyring_release(struct keyring *kr)
{
	for (size_t i = 0; i < kr->n; i++)
		px_key_wipe(&kr->keys[i]);
	free(kr->keys);
	px_map_clear(&kr->index);
}

/* What became of one event. */
struct outcome {
	const char *file;
	size_t number;     /* 1-based, within its file */
	size_t line;       /* where it begins in JSON lines; 0: not known */
	const char *label; /* its name there (an EPCIS eventID), or NULL */
	char kind[24];
	char actor[PX_ID_MAX + 1];
	int rc;
	int duplicate;
	uint64_t index;
	struct px_refusal refusal;
	char code[32]; /* a node's code, when it is not one paxta knows */
};

struct submit {
	struct px_ledger *l;
	struct node *node; /* --node: the ledger is there */
	struct px_signer *signer;
	struct px_verifier *pool;
	struct keyring keys;
	int json, verbose;
	json_t *results;
	json_t *labels; /* submit_opts.labels */
	uint64_t accepted, duplicates, refused, total;
	time_t progress_at;
	int progress_shown;
	/* The batch being built. */
	uint8_t *leaves[BATCH];
	size_t lens[BATCH];
	struct outcome outcomes[BATCH];
	json_t *events[BATCH]; /* to sign again after an earlier refusal */
	size_t n, bytes;
};

static const char *
code_of(const struct outcome *o)
{
	return o->code[0] ? o->code : px_code_name(o->refusal.code);
}

static void
report(struct submit *s, const struct outcome *o)
{
	if (o->rc == PX_OK && o->duplicate)
		s->duplicates++;
	else if (o->rc == PX_OK)
		s->accepted++;
	else
		s->refused++;
	if (s->json) {
		json_t *j = json_pack("{s:s,s:I}", "file", o->file, "event",
				      (json_int_t)o->number);

		if (o->line)
			json_object_set_new(j, "line",
					    json_integer((json_int_t)o->line));

		if (o->kind[0])
			json_object_set_new(j, "kind", json_string(o->kind));
		if (o->actor[0])
			json_object_set_new(j, "actor", json_string(o->actor));
		if (o->label)
			json_object_set_new(j, "eventID",
					    json_string(o->label));
		if (o->rc == PX_OK) {
			json_object_set_new(j, "index",
					    json_integer((json_int_t)o->index));
			json_object_set_new(j, "duplicate",
					    json_boolean(o->duplicate));
		} else {
			json_object_set_new(j, "error",
					    json_string(code_of(o)));
			json_object_set_new(j, "message",
					    json_string(o->refusal.message));
		}
		json_array_append_new(s->results, j);
		return;
	}
	if (o->rc != PX_OK) {
		if (s->progress_shown) {
			fputc('\n', stderr);
			s->progress_shown = 0;
		}
		if (s->refused <= SHOW_REFUSALS && o->label)
			fprintf(stderr,
				"refused: %s event '%s' (%s by '%s'): %s: %s\n",
				o->file, o->label, o->kind, o->actor,
				code_of(o), o->refusal.message);
		else if (s->refused <= SHOW_REFUSALS && o->line)
			fprintf(stderr,
				"refused: %s line %zu (%s by '%s'): %s: %s\n",
				o->file, o->line, o->kind, o->actor, code_of(o),
				o->refusal.message);
		else if (s->refused <= SHOW_REFUSALS)
			fprintf(stderr,
				"refused: %s event %zu (%s by '%s'): %s: %s\n",
				o->file, o->number, o->kind, o->actor,
				code_of(o), o->refusal.message);
		return;
	}
	if (s->verbose)
		printf("entry %" PRIu64 "%s: %s by '%s'\n", o->index,
		       o->duplicate ? " (logged before)" : "", o->kind,
		       o->actor);
}

static void
progress(struct submit *s, int last)
{
	time_t now;

	if (s->json || s->verbose || !err_is_tty())
		return;
	now = time(NULL);
	if (!last && now == s->progress_at)
		return;
	s->progress_at = now;
	s->progress_shown = 1;
	fprintf(stderr,
		"\rsubmitted %" PRIu64 " / %" PRIu64 " events: %" PRIu64
		" logged, %" PRIu64 " refused",
		s->accepted + s->duplicates + s->refused, s->total,
		s->accepted + s->duplicates, s->refused);
}

/* What the node said of one entry of a batch, into its outcome. */
static int
node_result(struct submit *s, struct outcome *o, json_t *r)
{
	json_t *index = json_object_get(r, "index");
	const char *code = json_string_value(json_object_get(r, "error"));
	const char *message = json_string_value(json_object_get(r, "message"));

	if (json_is_integer(index) && json_integer_value(index) >= 0) {
		o->rc = PX_OK;
		o->index = (uint64_t)json_integer_value(index);
		o->duplicate = json_is_true(json_object_get(r, "duplicate"));
		return PX_OK;
	}
	if (!code || !message) {
		node_bad_answer(s->node, "a result that is neither an index "
					 "nor an error");
		return PX_EIO;
	}
	/* The refusal as the local ledger words it: the node's code and
	 * sentence (a code this paxta does not know is kept as it came). */
	o->rc = PX_EREFUSED;
	o->refusal.code = px_code_from_name(code);
	snprintf(o->code, sizeof(o->code), "%s", code);
	snprintf(o->refusal.message, sizeof(o->refusal.message), "%s", message);
	node_clean(o->code);
	node_clean(o->refusal.message);
	return PX_OK;
}

static int sign_event(struct submit *s, size_t i, struct px_event **ev);

/*
 * After a batch: an entry refused because an earlier entry of the same
 * author in the batch was refused or had been logged before (it was
 * numbered after it: `sequence`) is signed again, numbered from what the
 * ledger holds, into slot[0..*m).
 * Only that one event is reported refused; the author's later events go on.
 */
static int
sign_followers(struct submit *s, size_t *slot, size_t *m)
{
	int rc;

	*m = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct outcome *o = &s->outcomes[i];
		struct px_event *ev = NULL;
		int follows = 0;

		if (o->rc != PX_EREFUSED ||
		    o->refusal.code != PX_CODE_SEQUENCE || !s->events[i])
			continue;
		/* Numbered after an entry of its author that took no
		 * number: one refused, or one logged before (a run again). */
		for (size_t k = 0; k < i && !follows; k++)
			follows = (s->outcomes[k].rc != PX_OK ||
				   s->outcomes[k].duplicate) &&
				  strcmp(s->outcomes[k].actor, o->actor) == 0;
		if (!follows)
			continue;
		free(s->leaves[i]);
		s->leaves[i] = NULL;
		o->rc = PX_OK;
		o->code[0] = '\0';
		memset(&o->refusal, 0, sizeof(o->refusal));
		rc = sign_event(s, i, &ev);
		px_event_free(ev);
		if (rc == PX_EREFUSED || rc == PX_EMALFORMED) {
			o->rc = PX_EREFUSED;
			continue;
		}
		if (rc != PX_OK)
			return rc;
		slot[(*m)++] = i;
	}
	return PX_OK;
}

/* POST the entries in slot[0..m) as one EntryBatch; each outcome gets the
 * node's answer for its entry. */
static int
send_batch(struct submit *s, const size_t *slot, size_t m)
{
	Paxta__EntryBatch batch = PAXTA__ENTRY_BATCH__INIT;
	ProtobufCBinaryData *entries = calloc(m, sizeof(*entries));
	uint8_t *body = NULL;
	size_t len;
	json_t *j = NULL, *results;
	int rc = PX_ENOMEM;

	if (!entries)
		goto out;
	for (size_t k = 0; k < m; k++) {
		entries[k].data = s->leaves[slot[k]];
		entries[k].len = s->lens[slot[k]];
	}
	batch.entries = entries;
	batch.n_entries = m;
	len = paxta__entry_batch__get_packed_size(&batch);
	if (!(body = malloc(len ? len : 1)))
		goto out;
	paxta__entry_batch__pack(&batch, body);
	for (int tries = 1;; tries++) {
		if (node_post_json(s->node, &j, BATCH_TYPE, body, len,
				   "/v1/entries") == 0)
			break;
		/* 503: nothing of it was logged, and it may be sent again. */
		if (node_status(s->node) == 503 && tries < BUSY_TRIES) {
			sleep(1);
			continue;
		}
		/* 413: a node with a smaller body cap takes it in halves. */
		if (node_status(s->node) == 413 && m > 1) {
			size_t half = m / 2;

			rc = send_batch(s, slot, half);
			if (rc == PX_OK)
				rc = send_batch(s, slot + half, m - half);
			goto out;
		}
		rc = PX_EIO;
		goto out;
	}
	results = json_object_get(j, "results");
	if (!json_is_array(results) || json_array_size(results) != m) {
		node_bad_answer(s->node,
				"a batch without one result per entry");
		rc = PX_EIO;
		goto out;
	}
	for (size_t k = 0; k < m; k++) {
		struct outcome *o = &s->outcomes[slot[k]];

		if ((rc = node_result(s, o, json_array_get(results, k))) !=
		    PX_OK)
			goto out;
		if (o->rc != PX_OK || o->duplicate)
			px_signer_forget(s->signer, o->actor);
	}
	rc = PX_OK;
out:
	json_decref(j);
	free(body);
	free(entries);
	return rc;
}

/* Send the batch to the node: one request, one group commit there. */
static int
flush_node(struct submit *s)
{
	size_t slot[BATCH], m = 0;
	int rc = PX_OK;

	for (size_t i = 0; i < s->n; i++)
		if (s->leaves[i])
			slot[m++] = i; /* the others were refused here */
	if (m)
		rc = send_batch(s, slot, m);
	/* Each round settles at least the first follower of each author. */
	for (size_t round = 0; rc == PX_OK && m && round < s->n; round++)
		if ((rc = sign_followers(s, slot, &m)) == PX_OK && m)
			rc = send_batch(s, slot, m);
	for (size_t i = 0; rc == PX_OK && i < s->n; i++)
		report(s, &s->outcomes[i]);
	for (size_t i = 0; i < s->n; i++) {
		free(s->leaves[i]);
		s->leaves[i] = NULL;
		json_decref(s->events[i]);
		s->events[i] = NULL;
	}
	s->n = 0;
	s->bytes = 0;
	progress(s, 0);
	return rc;
}

/* Append the entries of slot[0..m): hash, decode and verify in parallel,
 * then one transaction; each outcome gets what became of its entry. */
static int
append_slots(struct submit *s, const size_t *slot, size_t m)
{
	struct px_entry *entries = calloc(m, sizeof(*entries));
	struct px_entry **ptrs = calloc(m, sizeof(*ptrs));
	int rc = PX_ENOMEM;

	if (!entries || !ptrs)
		goto out;
	for (size_t k = 0; k < m; k++) {
		px_entry_init(&entries[k], s->leaves[slot[k]],
			      s->lens[slot[k]]);
		ptrs[k] = &entries[k];
	}
	if ((rc = px_verifier_run(s->pool, ptrs, m, PX_ENTRY_ALL)) != PX_OK)
		goto out;
	if ((rc = px_ledger_append(s->l, ptrs, m, (int64_t)time(NULL))) !=
	    PX_OK)
		goto out;
	for (size_t k = 0; k < m; k++) {
		struct outcome *o = &s->outcomes[slot[k]];
		const struct px_append_result *res = &entries[k].result;

		o->rc = res->rc;
		o->duplicate = res->duplicate;
		o->index = res->index;
		o->refusal = res->refusal;
		if (o->rc != PX_OK || o->duplicate)
			px_signer_forget(s->signer, o->actor);
	}
out:
	for (size_t k = 0; entries && k < m; k++)
		px_entry_release(&entries[k]);
	free(entries);
	free(ptrs);
	return rc;
}

/* Append the batch as one transaction, then its authors' followers of a
 * refused entry, signed again. */
static int
flush(struct submit *s)
{
	int rc = PX_OK;
	size_t m = 0, slot[BATCH];

	if (s->node)
		return flush_node(s);
	if (s->n == 0)
		return PX_OK;
	for (size_t i = 0; i < s->n; i++)
		if (s->leaves[i])
			slot[m++] = i; /* the others were refused here */
	if (m)
		rc = append_slots(s, slot, m);
	for (size_t round = 0; rc == PX_OK && m && round < s->n; round++)
		if ((rc = sign_followers(s, slot, &m)) == PX_OK && m)
			rc = append_slots(s, slot, m);
	for (size_t i = 0; rc == PX_OK && i < s->n; i++)
		report(s, &s->outcomes[i]);
	for (size_t i = 0; i < s->n; i++) {
		free(s->leaves[i]);
		s->leaves[i] = NULL;
		json_decref(s->events[i]);
		s->events[i] = NULL;
	}
	s->n = 0;
	s->bytes = 0;
	progress(s, 0);
	return rc;
}

static void
start_outcome(struct outcome *o, const char *file, size_t number, json_t *event)
{
	const char *kind = json_string_value(json_object_get(event, "kind"));
	const char *actor = json_string_value(json_object_get(event, "actor"));

	memset(o, 0, sizeof(*o));
	o->file = file;
	o->number = number;
	o->rc = PX_OK;
	snprintf(o->kind, sizeof(o->kind), "%s", kind ? kind : "?");
	snprintf(o->actor, sizeof(o->actor), "%s", actor ? actor : "?");
}

/* Parse s->events[i], find its key and sign it into s->leaves[i]: PX_OK,
 * PX_EREFUSED / PX_EMALFORMED with the outcome's refusal, or an error. */
static int
sign_event(struct submit *s, size_t i, struct px_event **ev)
{
	struct outcome *o = &s->outcomes[i];
	const struct px_seckey *key = NULL;
	int rc;

	*ev = NULL;
	rc = px_event_parse(ev, s->events[i], &o->refusal);
	if (rc == PX_OK) {
		rc = key_for(&s->keys, (*ev)->entry->actor, &key);
		if (rc == PX_ENOTFOUND || rc == PX_EMALFORMED) {
			rc = px_refuse(&o->refusal, PX_CODE_BAD_SIGNATURE,
				       "no key for actor '%s' (%s)",
				       (*ev)->entry->actor,
				       s->keys.file
					       ? "the --key file is not its "
						 "key"
					       : "no readable ACTOR.key "
						 "in --keys");
		}
	}
	if (rc == PX_OK)
		rc = px_signer_sign(s->signer, *ev, key, (int64_t)time(NULL),
				    &s->leaves[i], &s->lens[i], &o->refusal);
	return rc;
}

static int
add_event(struct submit *s, const char *file, size_t number, size_t line,
	  json_t *event)
{
	struct outcome *o = &s->outcomes[s->n];
	struct px_event *ev = NULL;
	int rc;

	start_outcome(o, file, number, event);
	o->line = line;
	o->label = json_string_value(json_array_get(s->labels, number - 1));
	s->leaves[s->n] = NULL;
	s->events[s->n] = json_incref(event);
	rc = sign_event(s, s->n, &ev);
	if (rc == PX_EREFUSED && o->refusal.code == PX_CODE_UNKNOWN_ACTOR &&
	    s->n > 0) {
		/* Its registration may be in the batch not yet appended:
		 * append that first, then ask again. */
		json_decref(s->events[s->n]);
		s->events[s->n] = NULL;
		if ((rc = flush(s)) != PX_OK)
			goto out;
		o = &s->outcomes[0];
		start_outcome(o, file, number, event);
		o->line = line;
		o->label = json_string_value(
			json_array_get(s->labels, number - 1));
		s->events[0] = json_incref(event);
		px_event_free(ev);
		rc = sign_event(s, 0, &ev);
	}
	if (rc == PX_EREFUSED || rc == PX_EMALFORMED) {
		o->rc = PX_EREFUSED;
		rc = PX_OK;
	}
	if (rc == PX_OK && s->leaves[s->n])
		s->bytes += s->lens[s->n];
	if (rc == PX_OK && (++s->n == BATCH || s->bytes >= BATCH_BYTES))
		rc = flush(s);
out:
	/* Failed before it took its slot: the slot's event is not kept. */
	if (rc != PX_OK && s->n < BATCH) {
		json_decref(s->events[s->n]);
		s->events[s->n] = NULL;
	}
	px_event_free(ev);
	return rc;
}

/* Something read that is not an event (a CSV row with a kg that is not a
 * number): refused here, why saying so, and reported in its place among
 * the batch's outcomes. */
static int
add_unread(struct submit *s, const char *file, size_t number, size_t line,
	   json_t *event, const char *why)
{
	struct outcome *o = &s->outcomes[s->n];

	start_outcome(o, file, number, json_is_object(event) ? event : NULL);
	o->line = line;
	o->label = json_string_value(json_array_get(s->labels, number - 1));
	o->rc = PX_EREFUSED;
	px_refuse(&o->refusal, PX_CODE_MALFORMED, "%s", why);
	s->leaves[s->n] = NULL;
	s->events[s->n] = NULL; /* nothing to sign again */
	if (++s->n == BATCH)
		return flush(s);
	return PX_OK;
}

static const char submit_help[] =
	"usage: paxta submit (--data DIR | --node URL) (--key KEYFILE | --keys "
	"KEYDIR)\n                    [--json] [-v] EVENT.json...\n"
	"       paxta submit (--data DIR | --node URL) (--key KEYFILE | --keys "
	"KEYDIR)\n                    [--json] [-v] --csv KIND FILE.csv..."
	"\n\n"
	"Sign events and append them to the ledger in DIR, or send them to "
	"the paxtad\nnode at URL. Each file holds one JSON event, a JSON "
	"array of events, or JSON\nlines (one event per line); '-' reads "
	"stdin. Events are numbered (the author's\nnext sequence number and "
	"previous entry, asked of the ledger or the node) and\ntime-stamped "
	"(unless they give \"time\") here, signed here — keys never leave\n"
	"this machine — and appended in batches of 1000: each batch one "
	"durable\ntransaction (with --node, one request and one group commit "
	"at the node).\nA checkpoint is signed after the load.\n\n"
	"  --data DIR      the ledger in DIR\n"
	"  --node URL      the paxtad node at URL (http:// or https://)\n"
	"  --key KEYFILE   sign every event with this key (its actor's "
	"current key)\n"
	"  --keys KEYDIR   sign each event with KEYDIR/ACTOR.key\n"
	"  --node-key FILE with --data: the node's key, which signs the "
	"checkpoint\n"
	"                  (default DIR.key, beside the folder)\n"
	"  --csv KIND      the files are CSV, one KIND event a row: harvest, "
	"transfer,\n"
	"                  receive or transform (below)\n"
	"  --json          one result per event: {index, duplicate} or "
	"{error, message}\n"
	"  -v, --verbose   print every entry's index\n\n"
	"An event the ledger refuses is reported with its stable code "
	"(overspend,\nmass_balance, ...) and its file and line, and the rest "
	"go on: the same\nauthor's later events are numbered and signed again "
	"after it. Every event has\nan event_id (given, or derived from its "
	"content): one logged before, even\nsigned again, is counted as "
	"already logged, so a file may simply be run again\nafter a failure. "
	"The same over HTTP. Progress\ngoes to stderr on a terminal. Exit 0 "
	"when "
	"every event was logged (or had been),\n1 when any was refused, 2 on "
	"errors (a node that is down or answers garbage\namong them: what "
	"was acknowledged before is logged).\n\n"
	"Every kind and field, with its type, unit, valid values and an "
	"example, is in\ndocs/events.md; unknown fields are refused. "
	"Statements, labs, the map and\nsuspensions: docs/statements.md.\n\n"
	"example event:\n"
	"  {\"kind\": \"harvest\", \"actor\": \"uz.farm.0042\", \"lot\": "
	"\"UZ-2026-F0042-001\",\n"
	"   \"kg\": 12000, \"season\": 2026, \"district\": \"UZ-SA-KTK\", "
	"\"method\": \"hand\",\n"
	"   \"harvested_at\": \"2026-09-21T08:00:00Z\"}\n\n"
	"CSV, as a spreadsheet saves it (docs/events.md, \"CSV\"): the first "
	"row names the\ncolumns by the event's JSON fields; a nested field "
	"by its path with dots\n(documents.0.type, documents.0.number: a "
	"waybill); lots, inputs and outputs as\none cell of LOT:KG items "
	"(outputs LOT:KG:PRODUCT) separated by ';'; an empty\ncell leaves "
	"the field out. Separated by ',' or ';' (then 225,2 is a decimal\n"
	"comma), quoted fields, CRLF and a UTF-8 byte order mark as Excel "
	"writes them.\nA row that cannot be an event is refused with its "
	"line and column; the other\nrows go on.\n"
	"  paxta submit --data ledger --keys keys --csv transfer day.csv\n"
	"day.csv:\n"
	"  actor,to,shipment,lots,event_time\n"
	"  uz.gin.1,uz.spin.1,WB-7781,PBI-1:225.2;PBI-2:226,"
	"2026-10-15T08:10:00+05:00\n";

/* An error of the load in one line: the node's, when it was the node. */
static int
submit_fail(struct submit *s, const char *what, int rc)
{
	if (s->node && node_error(s->node)[0])
		return node_fail(s->node);
	return fail("%s: %s", what, px_strerror(rc));
}

/* A checkpoint of what was logged: signed here, or asked of the node
 * (POST /v1/checkpoint signs one if the log grew). */
static int
sign_checkpoint(struct submit *s)
{
	char *note = NULL;
	size_t len;
	int rc;

	if (!s->node)
		return px_ledger_checkpoint(s->l, NULL);
	rc = node_text(s->node, &note, &len, "POST", "/v1/checkpoint");
	free(note);
	return rc ? PX_EIO : PX_OK;
}

int
submit_events(const struct submit_opts *opts, struct event_reader **readers,
	      const char *const *names, int nfiles)
{
	struct submit *s = NULL;
	struct px_signer_source src;
	int rc, status = EXIT_ERROR;

	s = calloc(1, sizeof(*s));
	if (!s)
		return fail("out of memory");
	s->keys.file = opts->keyfile;
	s->keys.dir = opts->keydir;
	s->json = opts->json;
	s->verbose = opts->verbose;
	s->labels = opts->labels;
	if (s->keys.file) {
		/* A wrong --key is the caller's mistake, not the ledger's
		 * refusal: say so before anything is read or logged. */
		struct px_seckey probe;
		const char *file = s->keys.file;

		rc = px_key_read_pem(&probe, file);
		px_key_wipe(&probe);
		if (rc != PX_OK) {
			free(s);
			return fail(
				rc == PX_ENOTFOUND
					? "key file '%s' does not exist"
					: "'%s' is not an Ed25519 private key "
					  "(PKCS#8 PEM, as 'paxta keygen' "
					  "writes)",
				file);
		}
	}
	px_map_init(&s->keys.index, sizeof(size_t));
	s->results = json_array();
	if (!s->results) {
		status = fail("out of memory");
		goto out;
	}
	/* Read every file through first: a typo in the last one stops the
	 * load before anything is logged (stdin is read once, as it goes). */
	for (int f = 0; f < nfiles; f++) {
		json_t *event;
		size_t number;
		int more;

		if (strcmp(names[f], "-") == 0)
			continue;
		while ((more = event_reader_next(readers[f], &event, &number)) >
		       0) {
			json_decref(event);
			s->total++;
		}
		if (more < 0 || event_reader_rewind(readers[f]))
			goto out;
	}
	if (opts->node) {
		/* The node verifies; the chains come from it. */
		if (node_open(&s->node, opts->node))
			goto out;
		node_signer_source(s->node, &src);
	} else {
		if (open_ledger_key(&s->l, opts->data, opts->node_key, 0))
			goto out;
		if (px_verifier_new(&s->pool, 0) != PX_OK) {
			status = fail("cannot start verifier threads");
			goto out;
		}
		px_ledger_signer_source(s->l, &src);
	}
	if (px_signer_new(&s->signer, &src) != PX_OK) {
		status = fail("out of memory");
		goto out;
	}
	for (int f = 0; f < nfiles; f++) {
		const char *file = names[f];
		const char *problem;
		json_t *event;
		size_t number;
		int more;

		while ((more = event_reader_next(readers[f], &event, &number)) >
		       0) {
			if (strcmp(file, "-") == 0)
				s->total++;
			problem = event_reader_problem(readers[f]);
			if (!json_is_object(event) && !problem)
				problem = "an event is a JSON object";
			if (problem)
				rc = add_unread(s, file, number,
						event_reader_line(readers[f]),
						event, problem);
			else
				rc = add_event(s, file, number,
					       event_reader_line(readers[f]),
					       event);
			json_decref(event);
			if (rc != PX_OK) {
				status = submit_fail(s, "cannot append", rc);
				goto out;
			}
		}
		if (more < 0) {
			/* What was read before the bad line is logged. */
			if (flush(s) == PX_OK)
				sign_checkpoint(s);
			goto out;
		}
	}
	if ((rc = flush(s)) != PX_OK) {
		status = submit_fail(s, "cannot append", rc);
		goto out;
	}
	/* Sign a checkpoint of what was logged: what a brand holds, and what
	 * --at refers to. */
	if ((rc = sign_checkpoint(s)) != PX_OK) {
		if (s->node)
			status = fail("logged, but the node did not sign a "
				      "checkpoint: %s",
				      node_error(s->node));
		else
			status = fail("logged, but cannot sign a checkpoint: "
				      "%s",
				      px_strerror(rc));
		goto out;
	}
	progress(s, 1);
	if (s->progress_shown)
		fputc('\n', stderr);
	if (s->json) {
		print_json(s->results);
		s->results = NULL;
	} else {
		if (s->refused > SHOW_REFUSALS)
			fprintf(stderr, "... and %" PRIu64 " more refused\n",
				s->refused - SHOW_REFUSALS);
		printf("%" PRIu64 " logged, %" PRIu64
		       " already logged, %" PRIu64 " refused\n",
		       s->accepted, s->duplicates, s->refused);
	}
	status = s->refused ? EXIT_NO : 0;
out:
	px_signer_free(s->signer);
	px_verifier_free(s->pool);
	px_ledger_close(s->l);
	node_close(s->node);
	keyring_release(&s->keys);
	json_decref(s->results);
	for (size_t i = 0; i < s->n; i++) {
		free(s->leaves[i]);
		json_decref(s->events[i]);
	}
	free(s);
	return status;
}

int
cmd_submit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "keys", required_argument, NULL, 'K' },
		{ "node-key", required_argument, NULL, 'N' },
		{ "csv", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct submit_opts o = { 0 };
	const char *csv_kind = NULL;
	struct event_reader **readers = NULL;
	const char *const *names;
	int c, status = EXIT_ERROR, nfiles;

	while ((c = getopt_long(argc, argv, "d:k:K:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.data = optarg;
			break;
		case 'n':
			o.node = optarg;
			break;
		case 'k':
			o.keyfile = optarg;
			break;
		case 'K':
			o.keydir = optarg;
			break;
		case 'N':
			o.node_key = optarg;
			break;
		case 'C':
			csv_kind = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			fputs(submit_help, stdout);
			return 0;
		default:
			return usage_error("submit", "unknown option");
		}
	}
	nfiles = argc - optind;
	names = (const char *const *)argv + optind;
	if (o.data && o.node)
		return usage_error("submit", "give --data DIR or --node URL, "
					     "not both");
	if (o.node_key && !o.data)
		return usage_error("submit",
				   "--node-key signs checkpoints of "
				   "a ledger folder: give --data DIR");
	if (!o.keyfile == !o.keydir || nfiles == 0)
		return usage_error("submit", "give --key KEYFILE or --keys "
					     "KEYDIR, and one or more event "
					     "files");
	if (csv_kind && !csv_kind_ok(csv_kind))
		return usage_error("submit",
				   "--csv takes the kind of every row: "
				   "harvest, transfer, receive or transform, "
				   "not '%s'",
				   csv_kind);
	readers = calloc((size_t)nfiles, sizeof(*readers));
	if (!readers)
		return fail("out of memory");
	for (int f = 0; f < nfiles; f++)
		if (csv_kind ? event_reader_open_csv(&readers[f], names[f],
						     csv_kind)
			     : event_reader_open(&readers[f], names[f]))
			goto out;
	status = submit_events(&o, readers, names, nfiles);
out:
	for (int f = 0; f < nfiles; f++)
		event_reader_close(readers[f]);
	free(readers);
	return status;
}

/* ---- sign ---- */

static const char sign_help[] =
	"usage: paxta sign (--data DIR | --node URL) --key KEYFILE EVENT.json "
	"> ENTRY.pb\n\n"
	"Sign one event and write the signed entry (a protobuf SignedEntry, "
	"the exact\nbytes a node logs) to stdout, without appending it. The "
	"ledger in DIR, or the\npaxtad node at URL (GET /v1/actors/{id}), "
	"gives the author's next sequence\nnumber and previous entry; the "
	"key never leaves this machine. Send the entry\nwith curl (docs/"
	"api.md, POST /v1/entries) or let 'paxta submit' do both.\n\n"
	"  --data DIR     the ledger in DIR\n"
	"  --node URL     the paxtad node at URL (http:// or https://)\n"
	"  --key KEYFILE  the author's current key\n";

int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *data = NULL, *keyfile = NULL, *url = NULL;
	struct px_ledger *l = NULL;
	struct node *node = NULL;
	struct px_signer *signer = NULL;
	struct px_signer_source src;
	struct px_event *ev = NULL;
	struct px_refusal r = { 0 };
	struct px_seckey key;
	struct event_reader *reader = NULL;
	json_t *event = NULL, *extra = NULL;
	size_t number;
	uint8_t *leaf = NULL;
	size_t len;
	int c, rc, status = EXIT_ERROR;

	memset(&key, 0, sizeof(key));
	while ((c = getopt_long(argc, argv, "d:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'n':
			url = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'h':
			fputs(sign_help, stdout);
			return 0;
		default:
			return usage_error("sign", "unknown option");
		}
	}
	if (!keyfile || argc - optind != 1)
		return usage_error("sign", "give --key KEYFILE and one event "
					   "file");
	if (data && url)
		return usage_error("sign", "give --data DIR or --node URL, not "
					   "both");
	if (isatty(STDOUT_FILENO))
		return fail("the signed entry is binary: redirect stdout to a "
			    "file");
	if (px_key_read_pem(&key, keyfile) != PX_OK)
		return fail("cannot read key file '%s'", keyfile);
	if (event_reader_open(&reader, argv[optind]))
		goto out;
	if (event_reader_next(reader, &event, &number) != 1 ||
	    event_reader_next(reader, &extra, &number) != 0) {
		json_decref(extra);
		status = fail("sign takes exactly one event");
		goto out;
	}
	if (url) {
		if (node_open(&node, url))
			goto out;
		node_signer_source(node, &src);
	} else {
		if (open_ledger(&l, data, PX_LEDGER_READONLY))
			goto out;
		px_ledger_signer_source(l, &src);
	}
	if (px_signer_new(&signer, &src) != PX_OK) {
		status = fail("out of memory");
		goto out;
	}
	rc = px_event_parse(&ev, event, &r);
	if (rc == PX_OK)
		rc = px_signer_sign(signer, ev, &key, (int64_t)time(NULL),
				    &leaf, &len, &r);
	if (rc == PX_EREFUSED || rc == PX_EMALFORMED) {
		status = fail("%s: %s", px_code_name(r.code), r.message);
		goto out;
	}
	if (rc != PX_OK && node && node_error(node)[0]) {
		status = node_fail(node);
		goto out;
	}
	if (rc != PX_OK) {
		status = fail("cannot sign: %s", px_strerror(rc));
		goto out;
	}
	if (fwrite(leaf, 1, len, stdout) != len || fflush(stdout) != 0) {
		status = fail("cannot write the entry to stdout");
		goto out;
	}
	status = 0;
out:
	free(leaf);
	px_event_free(ev);
	px_signer_free(signer);
	px_ledger_close(l);
	node_close(node);
	json_decref(event);
	event_reader_close(reader);
	px_key_wipe(&key);
	return status;
}
