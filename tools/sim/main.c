/* paxta-sim: write a reproducible cotton season as paxta events. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "paxta/crypto.h"
#include "sim.h"

#define MAX_SEASONS 10
#define MAX_FARMS   99999 /* 5-digit farm numbers in lot ids */

static const char help[] =
	"usage: paxta-sim --out DIR [--seed N] [--farms N] [--seasons N]\n"
	"                 [--first-season YEAR] [--quiet]\n"
	"\n"
	"Write a simulated cotton season in Uzbekistan as paxta events: farms "
	"in real\n"
	"districts pick seed cotton by hand or machine, their cluster's gin "
	"presses it\n"
	"into ~227 kg bales (PBI-numbered), mills blend bales from several "
	"districts\n"
	"and spin yarn, exporters ship it to knitters in Turkey, Bangladesh "
	"and\n"
	"Portugal, who make garments for brands. Third-party monitors certify "
	"most\n"
	"districts, find forced labour in one, never reach a few, and "
	"withdraw one\n"
	"certification; a lab finds one bale that does not match its claimed "
	"region.\n"
	"Companies, monitors and statements are fictional (docs/simulator.md)."
	"\n\n"
	"The same seed and knobs give byte-identical files, keys included.\n"
	"\n"
	"  --out DIR            where to write; created, or an empty folder\n"
	"  --seed N             the random stream's seed (default 1)\n"
	"  --farms N            farms (default 60: a few thousand entries; "
	"20000 is\n"
	"                       about Uzbekistan's national harvest, millions "
	"of entries)\n"
	"  --seasons N          harvests to simulate, 1 to 10 (default 1)\n"
	"  --first-season YEAR  the first harvest (default: so the last is "
	"2025; a\n"
	"                       season's chain runs to the next August, and "
	"every\n"
	"                       time must be in the past)\n"
	"  --quiet              print nothing but errors\n"
	"\n"
	"It writes:\n"
	"  DIR/keys/ACTOR.key           each actor's Ed25519 key (PKCS#8 "
	"PEM, 0600),\n"
	"                               derived from the seed: test keys, not "
	"secrets\n"
	"  DIR/registrar.pub            the registrar's public key (base64)\n"
	"  DIR/events/00-actors.jsonl   the registrar admits every actor\n"
	"  DIR/events/NN-season-YYYY.jsonl  one season's events, in time "
	"order\n"
	"  DIR/expect.json              lots whose verdict is known (free, "
	"flagged\n"
	"                               with its share and district, "
	"unverified, and\n"
	"                               one flagged by the lab), totals, the "
	"recall\n"
	"\n"
	"Load it:\n"
	"  paxta-sim --out season\n"
	"  paxta init --data ledger --origin sim.paxta.example/uz \\\n"
	"      --registrar uz.registrar=$(cat season/registrar.pub)\n"
	"  paxta submit --data ledger --keys season/keys "
	"season/events/*.jsonl\n"
	"  paxta verify --data ledger $(jq -r '.lots[1].lot' "
	"season/expect.json)\n";

static int
usage(const char *msg)
{
	fprintf(stderr, "paxta-sim: %s\ntry 'paxta-sim --help'\n", msg);
	return 2;
}

static int
parse_number(const char *text, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* DIR must not exist or be empty: keys are never written over. */
static int
make_out(const char *dir)
{
	char path[4096];
	DIR *d;

	if (mkdir(dir, 0755) != 0) {
		struct dirent *e;
		int empty = 1;

		if (errno != EEXIST || !(d = opendir(dir))) {
			fprintf(stderr, "paxta-sim: cannot create '%s': %s\n",
				dir, strerror(errno));
			return -1;
		}
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = 0;
		closedir(d);
		if (!empty) {
			fprintf(stderr,
				"paxta-sim: '%s' is not empty; give a new or "
				"empty folder\n",
				dir);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	if (mkdir(path, 0700) != 0) {
		fprintf(stderr, "paxta-sim: cannot create '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/events", dir);
	if (mkdir(path, 0755) != 0) {
		fprintf(stderr, "paxta-sim: cannot create '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The event files, numbered in the order they load: 00-actors.jsonl, then
 * NN-season-YYYY.jsonl; a big season goes on in the next NN. */
#define MAX_FILES 100

struct outfiles {
	const char *dir;
	char names[MAX_FILES][40];
	int n;
	int year; /* the season being written */
	FILE *f;
	char *path;
};

static int
open_next(struct outfiles *o)
{
	if (o->n == MAX_FILES) {
		fprintf(stderr,
			"paxta-sim: more than %d event files; give "
			"fewer farms or seasons\n",
			MAX_FILES - 1);
		return -1;
	}
	if (o->n == 0)
		snprintf(o->names[0], sizeof(o->names[0]), "00-actors.jsonl");
	else
		snprintf(o->names[o->n], sizeof(o->names[0]),
			 "%02d-season-%d.jsonl", o->n, o->year);
	free(o->path);
	if (asprintf(&o->path, "%s/events/%s", o->dir, o->names[o->n]) < 0) {
		o->path = NULL;
		fprintf(stderr, "paxta-sim: out of memory\n");
		return -1;
	}
	if (!(o->f = fopen(o->path, "w"))) {
		fprintf(stderr, "paxta-sim: cannot create '%s': %s\n", o->path,
			strerror(errno));
		return -1;
	}
	/* big writes: most events are a few hundred bytes */
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	o->n++;
	return 0;
}

static int
close_current(struct outfiles *o)
{
	FILE *f = o->f;

	o->f = NULL;
	if (f && fclose(f) != 0) {
		fprintf(stderr, "paxta-sim: cannot write '%s': %s\n", o->path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int
next_file(struct sim_lines *l, void *ctx)
{
	struct outfiles *o = ctx;

	if (close_current(o) || open_next(o))
		return -1;
	l->out = o->f;
	return 0;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *
sim_product_name(enum sim_product p)
{
	static const char *const names[] = {
		[SIM_SEED_COTTON] = "seed_cotton",
		[SIM_LINT] = "lint",
		[SIM_COTTONSEED] = "cottonseed",
		[SIM_WASTE] = "waste",
		[SIM_YARN] = "yarn",
		[SIM_FABRIC] = "fabric",
		[SIM_GARMENT] = "garment",
	};

	return names[p];
}

/* ---- expect.json: plain fprintf; every string is an id we made ---- */

static void
put_kg(FILE *f, uint64_t grams)
{
	char kg[32];

	sim_format_kg(kg, grams);
	fputs(kg, f);
}

static void
put_by_status(FILE *f, const double by[SIM_STATUSES])
{
	static const enum sim_status order[] = { SIM_CERTIFIED, SIM_WITHDRAWN,
						 SIM_UNCERTIFIED, SIM_FORCED,
						 SIM_LAB_MISMATCH };
	int first = 1;

	fputs("{", f);
	for (size_t i = 0; i < 5; i++) {
		if (by[order[i]] <= 0)
			continue;
		fprintf(f, "%s\"%s\": %.6f", first ? "" : ", ",
			sim_status_name(order[i]), by[order[i]]);
		first = 0;
	}
	fputs("}", f);
}

static void
put_showcase(FILE *f, const struct sim_world *w, const struct sim_showcase *sc,
	     int last)
{
	fprintf(f,
		"    {\n      \"role\": \"%s\",\n      \"lot\": \"%s\",\n"
		"      \"verdict\": \"%s\",\n      \"season\": %d,\n"
		"      \"product\": \"garment\",\n      \"kg\": ",
		sc->role, sc->lot, sc->verdict, sc->season);
	put_kg(f, sc->grams);
	fputs(",\n      \"holders\": [", f);
	for (int k = 0; k < sc->n_holders; k++) {
		fprintf(f, "%s{\"holder\": \"%s\", \"kg\": ", k ? ", " : "",
			sc->holders[k]);
		put_kg(f, sc->held[k]);
		fputs("}", f);
	}
	fputs("],\n      \"yarn\": [", f);
	for (int k = 0; k < sc->n_yarn; k++)
		fprintf(f, "%s\"%s\"", k ? ", " : "", sc->yarn[k]);
	fputs("],\n      \"mills\": [", f);
	for (int k = 0; k < sc->n_mills; k++)
		fprintf(f, "%s\"%s\"", k ? ", " : "", sc->mills[k]);
	fputs("],\n", f);
	if (strcmp(sc->role, "flagged") == 0) {
		const struct sim_district *d =
			&w->districts[sc->fault_district];

		fprintf(f,
			"      \"district\": \"%s\",\n      \"share\": %.6f,\n"
			"      \"monitor\": \"%s\",\n",
			d->code, sc->by_status[SIM_FORCED],
			w->actors[w->monitors[w->regions[d->region].monitor]]
				.id);
	}
	if (strcmp(sc->role, "lab") == 0)
		fprintf(f,
			"      \"lab_lot\": \"%s\",\n      \"lab\": \"%s\",\n",
			sc->lab_lot, w->actors[w->labs[0]].id);
	fputs("      \"by_status\": ", f);
	put_by_status(f, sc->by_status);
	fprintf(f, "\n    }%s\n", last ? "" : ",");
}

static int
write_expect(const char *dir, const struct sim_world *w,
	     const struct sim_lines *all, const struct sim_totals *t,
	     const struct sim_season_result *res, const struct outfiles *files)
{
	char *path = NULL;
	FILE *f;
	uint64_t entries = 0;
	int rc = 0;

	if (asprintf(&path, "%s/expect.json", dir) < 0 ||
	    !(f = fopen(path, "w"))) {
		fprintf(stderr, "paxta-sim: cannot write expect.json\n");
		free(path);
		return -1;
	}
	for (int k = 0; k < SIM_KINDS; k++)
		entries += all->by_kind[k];
	fprintf(f,
		"{\n  \"generator\": \"paxta-sim\",\n  \"seed\": %" PRIu64
		",\n  \"farms\": %u,\n  \"seasons\": [",
		w->seed, w->n_farms);
	for (int s = 0; s < w->seasons; s++)
		fprintf(f, "%s%d", s ? ", " : "", w->first_season + s);
	fprintf(f,
		"],\n  \"registrar\": {\"id\": \"%s\", \"public_key\": "
		"\"%s\"},\n  \"files\": [",
		w->actors[w->registrar].id, w->registrar_pub);
	for (int k = 0; k < files->n; k++)
		fprintf(f, "%s\"events/%s\"", k ? ", " : "", files->names[k]);
	fprintf(f, "],\n  \"totals\": {\n    \"entries\": %" PRIu64 ",\n",
		entries);
	fputs("    \"by_kind\": {", f);
	for (int k = 0; k < SIM_KINDS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "",
			sim_kind_name((enum sim_kind)k), all->by_kind[k]);
	fprintf(f,
		"},\n    \"actors\": %zu,\n    \"farms\": %u,\n"
		"    \"clusters\": %zu,\n    \"shipments\": %" PRIu64 ",\n",
		w->n_actors - 1, w->n_farms, w->n_clusters, t->shipments);
	fputs("    \"lots\": {", f);
	for (int p = 0; p < SIM_PRODUCTS; p++)
		fprintf(f, "%s\"%s\": %" PRIu64, p ? ", " : "",
			sim_product_name((enum sim_product)p), t->lots[p]);
	fputs("},\n    \"kg\": {", f);
	for (int p = 0; p < SIM_PRODUCTS; p++) {
		fprintf(f, "%s\"%s\": ", p ? ", " : "",
			sim_product_name((enum sim_product)p));
		put_kg(f, t->grams[p]);
	}
	fputs("}\n  },\n  \"lots\": [\n", f);
	for (int s = 0; s < w->seasons; s++)
		for (int k = 0; k < 4; k++)
			put_showcase(f, w, &res[s].show[k],
				     s == w->seasons - 1 && k == 3);
	fputs("  ],\n  \"statements\": [\n", f);
	for (int s = 0; s < w->seasons; s++) {
		const struct sim_season_result *r = &res[s];

		fprintf(f,
			"    {\"season\": %d, \"forced_labour\": [\"%s\"], "
			"\"withdrawn\": [\"%s\"], \"uncertified\": [",
			r->season, w->districts[r->forced].code,
			w->districts[r->withdrawn].code);
		for (int k = 0; k < r->n_uncertified; k++)
			fprintf(f, "%s\"%s\"", k ? ", " : "",
				w->districts[r->uncertified[k]].code);
		fprintf(f, "]}%s\n", s == w->seasons - 1 ? "" : ",");
	}
	fputs("  ],\n  \"recall\": [\n", f);
	for (int s = 0; s < w->seasons; s++)
		fprintf(f,
			"    {\"district\": \"%s\", \"season\": %d, "
			"\"origins\": %" PRIu64 "}%s\n",
			w->districts[res[s].forced].code, res[s].season,
			res[s].forced_lots, s == w->seasons - 1 ? "" : ",");
	fputs("  ]\n}\n", f);
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "paxta-sim: cannot write '%s': %s\n", path,
			strerror(errno));
	free(path);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "farms", required_argument, NULL, 'f' },
		{ "seasons", required_argument, NULL, 'n' },
		{ "first-season", required_argument, NULL, 'y' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = NULL;
	long long seed = 1, farms = 60, seasons = 1, first = 0;
	int quiet = 0, c, status = 1;
	struct sim_world w;
	struct sim_rng rng;
	struct sim_lines lines, all;
	struct sim_totals totals;
	struct sim_season_result res[MAX_SEASONS];
	struct outfiles files = { 0 };
	double t0, t_keys, t_end;

	memset(&w, 0, sizeof(w));
	memset(&totals, 0, sizeof(totals));
	sim_lines_init(&lines, NULL);
	sim_lines_init(&all, NULL);
	while ((c = getopt_long(argc, argv, "o:s:f:n:y:qh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 's':
			if (parse_number(optarg, 0, INT64_MAX, &seed))
				return usage("--seed takes a number from 0");
			break;
		case 'f':
			if (parse_number(optarg, SIM_MIN_FARMS, MAX_FARMS,
					 &farms))
				return usage("--farms takes a number from 8 "
					     "to 99999");
			break;
		case 'n':
			if (parse_number(optarg, 1, MAX_SEASONS, &seasons))
				return usage("--seasons takes a number from 1 "
					     "to 10");
			break;
		case 'y':
			if (parse_number(optarg, 1990, SIM_LAST_SEASON, &first))
				return usage("--first-season takes a year from "
					     "1990 to 2025");
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		default:
			return usage("unknown option");
		}
	}
	if (!dir || optind != argc)
		return usage("give --out DIR (and no other arguments)");
	if (!first)
		first = SIM_LAST_SEASON + 1 - seasons;
	if (first + seasons - 1 > SIM_LAST_SEASON) {
		fprintf(stderr,
			"paxta-sim: seasons %lld to %lld: the last season must "
			"be %d at the latest,\nso that its chain (to the next "
			"August) lies before 2026-11-29\n",
			first, first + seasons - 1, SIM_LAST_SEASON);
		return 2;
	}
	if (px_crypto_init() != PX_OK) {
		fprintf(stderr, "paxta-sim: cannot initialise libsodium\n");
		return 2;
	}
	if (make_out(dir))
		return 2;

	t0 = seconds();
	sim_rng_seed(&rng, (uint64_t)seed);
	if (sim_world_build(&w, &rng, (uint64_t)seed, (uint32_t)farms,
			    (int)first, (int)seasons)) {
		fprintf(stderr, "paxta-sim: out of memory\n");
		goto out;
	}
	files.dir = dir;
	if (open_next(&files))
		goto out;
	lines.out = files.f;
	if (sim_world_write_actors(&w, dir, &lines,
				   sim_epoch((int)first, 8, 1) + 4 * 3600) ||
	    close_current(&files))
		goto out;
	t_keys = seconds();
	for (int k = 0; k < SIM_KINDS; k++)
		all.by_kind[k] += lines.by_kind[k];
	all.bytes += lines.bytes;

	for (int s = 0; s < seasons; s++) {
		int year = (int)first + s;

		files.year = year;
		if (open_next(&files))
			goto out;
		memset(lines.by_kind, 0, sizeof(lines.by_kind));
		lines.bytes = 0;
		lines.file_bytes = 0;
		lines.out = files.f;
		lines.next_file = next_file;
		lines.next_ctx = &files;
		if (sim_season_run(&w, &rng, year, &lines, &totals, &res[s]) ||
		    close_current(&files))
			goto out;
		for (int k = 0; k < SIM_KINDS; k++)
			all.by_kind[k] += lines.by_kind[k];
		all.bytes += lines.bytes;
	}
	if (write_expect(dir, &w, &all, &totals, res, &files))
		goto out;
	t_end = seconds();
	if (!quiet) {
		uint64_t entries = 0;
		double gen = t_end - t_keys;

		for (int k = 0; k < SIM_KINDS; k++)
			entries += all.by_kind[k];
		printf("paxta-sim: %zu actors (%u farms, %zu clusters), %d "
		       "season%s from %lld\n",
		       w.n_actors - 1, w.n_farms, w.n_clusters, (int)seasons,
		       seasons == 1 ? "" : "s", first);
		printf("  %" PRIu64 " entries, %.1f MB of JSON, in %.2f s "
		       "(%.0f entries/s; keys %.2f s)\n",
		       entries, (double)all.bytes / 1e6, t_end - t0,
		       gen > 0 ? (double)entries / gen : 0.0, t_keys - t0);
		printf("  seed cotton %.1f t, lint %.1f t in %" PRIu64
		       " bales, yarn %.1f t, garments %.1f t\n",
		       (double)totals.grams[SIM_SEED_COTTON] / 1e6,
		       (double)totals.grams[SIM_LINT] / 1e6,
		       totals.lots[SIM_LINT],
		       (double)totals.grams[SIM_YARN] / 1e6,
		       (double)totals.grams[SIM_GARMENT] / 1e6);
		printf("  lots to check: %s/expect.json\n", dir);
	}
	status = 0;
out:
	if (files.f)
		fclose(files.f);
	free(files.path);
	sim_lines_release(&lines);
	sim_world_release(&w);
	return status;
}
