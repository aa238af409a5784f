/*
 * paxta-sim — a reproducible cotton season in Uzbekistan, written as the
 * event JSON of DESIGN.md §6.1 that `paxta submit` loads.
 *
 * The simulator is a day-by-day model of a season: farms pick seed cotton
 * and send it to their cluster's gin, gins press lint into bales, mills
 * blend bales from several districts and spin yarn, exporters ship it
 * abroad, knitters and garment makers turn it into goods for brands, and
 * monitors and labs say what they found. Every number comes from one seeded
 * random stream, so the same seed and knobs give the same bytes.
 *
 * Files: rng.c (the stream), text.c (fast JSON lines with their times),
 * world.c (regions, districts, actors and their keys), season.c (one
 * season's events), main.c (options, expect.json).
 */
#ifndef PAXTA_SIM_H
#define PAXTA_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The reference date every generated time lies before: 2026-11-29. A
 * season's chain runs from 1 September to the next August, so the last
 * season the simulator writes is 2025. */
#define SIM_LAST_SEASON 2025
#define SIM_DAYS        365 /* days of one season's chain, from 1 September */
#define SIM_MIN_FARMS   8

/* ---- rng.c: xoshiro256** seeded by splitmix64 ---- */

struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, 1), from the top 53 bits. */
double sim_rng_unit(struct sim_rng *r);
/* Uniform in [lo, hi). */
double sim_rng_range(struct sim_rng *r, double lo, double hi);
/* Uniform integer in [0, n); n > 0. */
uint32_t sim_rng_below(struct sim_rng *r, uint32_t n);
/* Uniform integer in [lo, hi], both included. */
int sim_rng_between(struct sim_rng *r, int lo, int hi);

/* ---- text.c: dates, kg, and a phase's event lines ---- */

/* Seconds since the epoch of 00:00 UTC on year-month-day. */
int64_t sim_epoch(int year, int month, int day);
/* "2025-09-05T03:12:45Z" into out (21 bytes with the NUL). */
void sim_format_time(char out[21], int64_t t);

enum sim_kind {
	SIM_REGISTER,
	SIM_HARVEST,
	SIM_TRANSFER,
	SIM_RECEIVE,
	SIM_TRANSFORM,
	SIM_ATTEST,
	SIM_LAB,
	SIM_PUBLISH, /* the registrar's map of Uzbekistan */
	SIM_KINDS,
};

const char *sim_kind_name(enum sim_kind kind);

/*
 * The events of one phase of one day, kept in memory until the phase ends:
 * then each gets its time, spread evenly over the phase's window, and is
 * written. Events of a phase never depend on each other, and every phase
 * runs after those it depends on, so the file is in time order and every
 * lot's path runs forward in time.
 */
struct sim_lines {
	FILE *out;
	char *buf;
	size_t len, cap;
	size_t *ends;  /* end of each event in buf */
	uint8_t *kind; /* enum sim_kind of each */
	size_t n, n_cap;
	size_t start; /* where the event being written began */
	int failed;   /* out of memory or a write error */
	int overflow; /* a counter outgrew its digits in an id */
	uint64_t by_kind[SIM_KINDS];
	uint64_t bytes;      /* written through these lines */
	uint64_t file_bytes; /* written to the current file */
	/* Called between days once the file holds SIM_FILE_BYTES: close it,
	 * point out at the next one; 0 or -1. NULL: one file. */
	int (*next_file)(struct sim_lines *l, void *ctx);
	void *next_ctx;
};

void sim_lines_init(struct sim_lines *l, FILE *out);
void sim_lines_release(struct sim_lines *l);
/* Append text to the event being written. */
void sim_put(struct sim_lines *l, const char *s);
void sim_putn(struct sim_lines *l, const char *s, size_t n);
void sim_put_u(struct sim_lines *l, uint64_t v);
/* v in exactly width digits, zero-padded; sets overflow if v needs more. */
void sim_put_pad(struct sim_lines *l, uint64_t v, int width);
/* grams as kg: "12000", "227.4", "8123.456". */
void sim_put_kg(struct sim_lines *l, uint64_t grams);
/* "name":"value" with value escaped as a JSON string. */
void sim_put_field(struct sim_lines *l, const char *name, const char *value);
/* A lowercase hex SHA-256 of text. */
void sim_put_sha256(struct sim_lines *l, const char *text);
/* The event written since the last sim_end is complete, less its time and
 * closing brace. */
void sim_end(struct sim_lines *l, enum sim_kind kind);
/* Write the phase's events with times from start over window seconds; a
 * harvest also gets "harvested_at", an hour before its entry. */
void sim_flush(struct sim_lines *l, int64_t start, int64_t window);
/* Between days: go on in a new file if this one is big enough. */
void sim_day_end(struct sim_lines *l);

/* Files stop growing at the end of the day they pass this size, so each
 * loads on its own (paxta submit reads a whole file, up to 2 GiB). */
#define SIM_FILE_BYTES ((uint64_t)256 << 20)

/* kg as exact decimal text into out (PX_KG_TEXT-sized). */
void sim_format_kg(char out[32], uint64_t grams);

/* ---- world.c: the places and the actors ---- */

enum sim_status {
	SIM_UNCERTIFIED, /* no statement */
	SIM_CERTIFIED,
	SIM_WITHDRAWN,    /* certified, then withdrawn */
	SIM_FORCED,       /* a forced_labour finding */
	SIM_LAB_MISMATCH, /* not a district's: mass a lab found not of its
			     origin */
	SIM_STATUSES,
};

const char *sim_status_name(enum sim_status s);

struct sim_region {
	const char *code; /* ISO 3166-2, "UZ-QA" */
	const char *name;
	int weight;  /* share of the harvest, roughly */
	int monitor; /* index of the monitor that covers it */
};

struct sim_district {
	const char *code; /* "UZ-QA-KSB": invented suffix */
	const char *name;
	int region;
	int used;               /* clusters farming in it */
	uint32_t protect;       /* used by the showcase's free clusters */
	enum sim_status status; /* this season */
	uint64_t harvest_lots;  /* this season */
	uint64_t harvest_grams; /* this season */
};

struct sim_actor {
	char id[48];
	char name[96];
	const char *roles; /* JSON array items: "\"spinner\",\"exporter\"" */
	const char *region;
	const char *district;
	char public_key[45]; /* base64, once its key is written */
};

struct sim_farm {
	uint32_t actor;
	uint32_t cluster;
	uint32_t district;
	uint32_t number; /* 1-based, in lot ids */
	int machine;     /* machine-picked */
	double hectares;
	/* this season */
	int next_day, last_day, seq;
	uint64_t remaining; /* grams still to pick */
	uint32_t load;      /* grams of a usual trailer or module */
};

struct sim_cluster {
	char code[16]; /* "QA007": in its actors' ids and lot ids */
	int region;
	uint32_t districts[3];
	int n_districts;
	uint32_t gin, mill; /* actors */
	uint32_t gin_code;  /* PBI gin code, 5 digits */
	uint32_t bale_serial;
	int mill_exports;  /* the mill has the exporter role */
	uint32_t exporter; /* else the trading house it sells yarn to */
	uint32_t partner;  /* cluster whose mill gets some of our bales */
	uint32_t n_farms;
	double hectares;
};

/* An importer abroad that knits yarn and makes garments. */
struct sim_maker {
	uint32_t actor;
	const char *code;           /* in lot ids, "TRBUR" */
	int transit_lo, transit_hi; /* days from Uzbekistan */
	const char *waybill;        /* CMR (road), SMGS (rail) */
};

struct sim_world {
	uint64_t seed;
	int first_season, seasons;
	uint32_t n_farms;
	struct sim_actor *actors;
	size_t n_actors;
	const struct sim_region *regions;
	size_t n_regions;
	struct sim_district *districts;
	size_t n_districts;
	struct sim_farm *farms;
	struct sim_cluster *clusters;
	size_t n_clusters;
	uint32_t registrar;
	uint32_t monitors[2];
	uint32_t labs[2];
	uint32_t exporters[3];
	size_t n_exporters;
	struct sim_maker *makers;
	size_t n_makers;
	uint32_t *brands;
	size_t n_brands;
	char registrar_pub[45];
};

/* Build the world for the options, drawing from r; its actors are not
 * written yet. 0 or -1 (out of memory). */
int sim_world_build(struct sim_world *w, struct sim_rng *r, uint64_t seed,
		    uint32_t farms, int first_season, int seasons);
void sim_world_release(struct sim_world *w);

/*
 * Derive each actor's key from the seed, write DIR/keys/ACTOR.key (PKCS#8
 * PEM, 0600), DIR/registrar.pub, and the registrations into lines (time
 * from start). 0, or -1 with a message on stderr.
 */
int sim_world_write_actors(struct sim_world *w, const char *dir,
			   struct sim_lines *lines, int64_t start);

/* Decide the monitors' findings for a season (sets districts' status). */
void sim_world_statuses(struct sim_world *w, struct sim_rng *r);

/* ---- season.c ---- */

/* One lot the demo and the tests can assert on. */
struct sim_showcase {
	char lot[48];
	const char *role; /* "free", "flagged", "unverified", "lab" */
	const char *verdict;
	int season;
	uint64_t grams;
	double by_status[SIM_STATUSES];
	uint32_t fault_district; /* flagged: the district at fault */
	char lab_lot[48];        /* lab: the lot the lab tested */
	char holders[2][48];
	uint64_t held[2];
	int n_holders;
	char yarn[3][48]; /* the yarn it was knitted from, and its mills */
	int n_yarn;
	char mills[3][48];
	int n_mills;
	int found;
};

enum sim_product {
	SIM_SEED_COTTON,
	SIM_LINT,
	SIM_COTTONSEED,
	SIM_WASTE,
	SIM_YARN,
	SIM_FABRIC,
	SIM_GARMENT,
	SIM_PRODUCTS,
};

const char *sim_product_name(enum sim_product p);

struct sim_totals {
	uint64_t grams[SIM_PRODUCTS];
	uint64_t lots[SIM_PRODUCTS];
	uint64_t shipments;
};

struct sim_season_result {
	int season;
	struct sim_showcase show[4]; /* free, flagged, unverified, lab */
	uint32_t forced, withdrawn;  /* districts */
	uint32_t uncertified[16];
	int n_uncertified;
	uint64_t forced_lots; /* harvest lots in the forced district */
	int last_day;         /* the season's last event, days from 1 Sep */
};

/*
 * Simulate season `season` (the year of its harvest) of w, writing its
 * events through lines. 0, or -1 with a message on stderr.
 */
int sim_season_run(struct sim_world *w, struct sim_rng *r, int season,
		   struct sim_lines *lines, struct sim_totals *totals,
		   struct sim_season_result *out);

#endif
