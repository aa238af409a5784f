/* paxta submit, sign: events (JSON) to signed entries in a ledger. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "csv.h"
#include "paxta/entry.h"
#include "paxta/event.h"
#include "paxta/map.h"
#include "paxta/signer.h"
#include "paxta/state.h"

/* Entries per transaction (one fsync for each), and per request to a
 * node; a request also stops before BATCH_BYTES of entries, well under a
 * node's default 8 MiB body cap. */
#define BATCH       1000
#define BATCH_BYTES ((size_t)4 << 20)
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
	struct backend *b; /* the ledger in --data, or the node at --node */
	struct px_signer *signer;
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

/* Append the entries of slot[0..m) (one transaction, or one request to
 * the node); each outcome gets what became of its entry. */
static int
append_slots(struct submit *s, const size_t *slot, size_t m)
{
	uint8_t *leaves[BATCH] = { NULL };
	size_t lens[BATCH] = { 0 };
	struct backend_result *res = calloc(m, sizeof(*res));
	int rc = PX_ENOMEM;

	if (!res)
		goto out;
	for (size_t k = 0; k < m; k++) {
		leaves[k] = s->leaves[slot[k]];
		lens[k] = s->lens[slot[k]];
	}
	if ((rc = s->b->ops->append(s->b, leaves, lens, m, res)) != PX_OK)
		goto out;
	for (size_t k = 0; k < m; k++) {
		struct outcome *o = &s->outcomes[slot[k]];

		o->rc = res[k].rc;
		o->duplicate = res[k].duplicate;
		o->index = res[k].index;
		o->refusal = res[k].refusal;
		memcpy(o->code, res[k].code, sizeof(o->code));
		if (o->rc != PX_OK || o->duplicate)
			px_signer_forget(s->signer, o->actor);
	}
out:
	free(res);
	return rc;
}

/* Append the batch (one transaction, or one request and one group commit
 * at the node), then its authors' followers of a refused entry, signed
 * again. */
static int
flush(struct submit *s)
{
	int rc = PX_OK;
	size_t m = 0, slot[BATCH];

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

/* An error of the load in one line: the backend's, when it said one. */
static int
submit_fail(struct submit *s, const char *what, int rc)
{
	if (s->b->error[0])
		return backend_fail(s->b);
	return fail("%s: %s", what, px_strerror(rc));
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
	s->json = opts->c.json;
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
	/* The chains come from where the entries go. */
	if (backend_open(&s->b, &opts->c, BACKEND_APPEND))
		goto out;
	s->b->ops->signer_source(s->b, &src);
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
				s->b->ops->sign_checkpoint(s->b);
			goto out;
		}
	}
	if ((rc = flush(s)) != PX_OK) {
		status = submit_fail(s, "cannot append", rc);
		goto out;
	}
	/* Sign a checkpoint of what was logged: what a brand holds, and what
	 * --at refers to. */
	if (s->b->ops->sign_checkpoint(s->b) != PX_OK) {
		status = fail("logged, but %s", s->b->error);
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
	backend_close(s->b);
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
submit_option(void *ctx, int opt, const char *arg)
{
	struct submit_opts *o = ctx;

	switch (opt) {
	case 'k':
		o->keyfile = arg;
		break;
	case 'K':
		o->keydir = arg;
		break;
	case 'C':
		o->csv = arg;
		break;
	case 'v':
		o->verbose = 1;
		break;
	default:
		return EXIT_ERROR;
	}
	return 0;
}

/* Take an option of paxta submit's, or say it is none. */
static int
take(void *ctx, int opt, const char *arg)
{
	return submit_option(ctx, opt, arg)
		       ? usage_error("submit", "unknown option")
		       : 0;
}

int
cmd_submit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "keys", required_argument, NULL, 'K' },
		{ "csv", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 },
	};
	struct submit_opts o = { 0 };
	const struct cli_parser p = {
		.cmd = "submit",
		.help = submit_help,
		.shortopts = "d:k:K:jvh",
		.flags = CLI_JSON | CLI_NODE_KEY,
		.own = opts,
		.take = take,
		.ctx = &o,
	};
	struct event_reader **readers = NULL;
	const char *const *names;
	int status = EXIT_ERROR, nfiles;

	if ((status = parse_options(&p, argc, argv, &o.c)) != 0)
		return status < 0 ? 0 : status;
	nfiles = argc - optind;
	names = (const char *const *)argv + optind;
	if (!o.keyfile == !o.keydir || nfiles == 0)
		return usage_error("submit", "give --key KEYFILE or --keys "
					     "KEYDIR, and one or more event "
					     "files");
	if (o.csv && !csv_kind_ok(o.csv))
		return usage_error("submit",
				   "--csv takes the kind of every row: "
				   "harvest, transfer, receive or transform, "
				   "not '%s'",
				   o.csv);
	readers = calloc((size_t)nfiles, sizeof(*readers));
	if (!readers)
		return fail("out of memory");
	status = EXIT_ERROR;
	for (int f = 0; f < nfiles; f++)
		if (o.csv ? event_reader_open_csv(&readers[f], names[f], o.csv)
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

/* --key, the one option of paxta sign's own. */
static int
take_sign(void *ctx, int opt, const char *arg)
{
	return opt == 'k' && submit_option(ctx, opt, arg) == 0
		       ? 0
		       : usage_error("sign", "unknown option");
}

int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ 0 },
	};
	struct submit_opts o = { 0 };
	const struct cli_parser p = {
		.cmd = "sign",
		.help = sign_help,
		.shortopts = "d:k:h",
		.flags = CLI_CHECK_LATER,
		.own = opts,
		.take = take_sign,
		.ctx = &o,
	};
	struct backend *b = NULL;
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
	int rc, status = EXIT_ERROR;

	memset(&key, 0, sizeof(key));
	if ((rc = parse_options(&p, argc, argv, &o.c)) != 0)
		return rc < 0 ? 0 : rc;
	if (!o.keyfile || argc - optind != 1)
		return usage_error("sign", "give --key KEYFILE and one event "
					   "file");
	if ((rc = check_source(&p, &o.c)) != 0)
		return rc;
	if (isatty(STDOUT_FILENO))
		return fail("the signed entry is binary: redirect stdout to a "
			    "file");
	if (px_key_read_pem(&key, o.keyfile) != PX_OK)
		return fail("cannot read key file '%s'", o.keyfile);
	if (event_reader_open(&reader, argv[optind]))
		goto out;
	if (event_reader_next(reader, &event, &number) != 1 ||
	    event_reader_next(reader, &extra, &number) != 0) {
		json_decref(extra);
		status = fail("sign takes exactly one event");
		goto out;
	}
	if (backend_open(&b, &o.c, BACKEND_READ))
		goto out;
	b->ops->signer_source(b, &src);
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
	if (rc != PX_OK && b->error[0]) {
		status = backend_fail(b);
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
	backend_close(b);
	json_decref(event);
	event_reader_close(reader);
	px_key_wipe(&key);
	return status;
}
