/*
 * paxta-sim — one season, day by day, from 1 September of the harvest year
 * to the next August.
 *
 * Each day runs in phases, each with its own window of UTC hours, in the
 * order things happen: farms pick and record their lots, trailers take
 * them to the cluster's gin, the gin weighs them and gins the oldest, bales
 * go by truck to spinning mills, mills spin laydowns of blended bales,
 * yarn goes to exporters and abroad, knitters knit it, garment makers cut
 * and sew, garments ship to brands; monitors and labs report last. A phase
 * only uses lots made in earlier phases or days, so the event file is in
 * time order and every lot's path runs forward in time (DESIGN.md §3.3
 * rule 5).
 *
 * Beside the events, the simulator tracks what the ledger will compute:
 * each blend's share per district, so expect.json can name lots whose
 * verdict is known in advance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* ---- season-lifetime memory, freed at once ---- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
};

static void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
	    sizeof(max_align_t);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > (1 << 20) ? n : 1 << 20;

		if (!(c = malloc(sizeof(*c) + cap)))
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static void
arena_release(struct arena *a)
{
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

/* A growable array of n elements of size `size`; 0 or -1. */
static int
grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? 2 * *cap : 64;
	if (!(nv = realloc(*v, nc * size)))
		return -1;
	*v = nv;
	*cap = nc;
	return 0;
}

#define PUSH(vec, item)                                                 \
	(grow((void **)&(vec).v, &(vec).cap, (vec).n, sizeof(*(vec).v)) \
		 ? -1                                                   \
		 : ((vec).v[(vec).n++] = (item), 0))

/* ---- what the ledger will see: blends per district ---- */

struct part {
	uint32_t district;
	double share;
};

struct comp {
	uint32_t n;
	/* Share a lab found not of its claimed origin: as the ledger does,
	 * it is in no district's share (DESIGN.md §3.4). */
	double lab;
	struct part p[];
};

/* ---- lots and their movements ---- */

struct seed_lot {
	uint32_t farm, seq;
	uint64_t grams; /* as received at the gin */
};

struct bale {
	uint32_t cluster, serial;
	uint32_t grams;
	const struct comp *comp;
};

struct truck {
	uint32_t from, to, seq; /* clusters */
	uint32_t n;
	struct bale *bales;
};

struct yarn {
	uint32_t cluster, seq;
	uint64_t grams;
	const struct comp *comp;
};

struct consignment {
	char id[40];
	uint32_t from, to; /* actors */
	int maker;         /* index, or -1: to exporter `exporter` */
	int exporter;
	uint32_t n;
	struct yarn *lots[8];
};

/* A knitting batch and what becomes of it: fabric, then garments. */
struct garment {
	uint32_t maker, seq;
	struct yarn *yarn[3];
	int n_yarn;
	const struct comp *comp;
	uint64_t fabric, grams;
	uint32_t brand[2];
	uint64_t shipped[2], held[2];
	int n_shipments, n_held;
};

struct garment_shipment {
	struct garment *g;
	int k;
	char id[48];
};

struct lab_job {
	char lot[48];
	const char *claimed;
	int matches;
	uint32_t lab;
};

struct seed_fifo {
	struct seed_lot *v;
	size_t head, n, cap;
};

struct bale_fifo {
	struct bale *v;
	size_t head, n, cap;
};

struct yarn_fifo {
	struct yarn **v;
	size_t head, n, cap;
};

struct ptrs {
	void **v;
	size_t n, cap;
};

enum agenda {
	AG_BALES_IN, /* struct truck */
	AG_YARN_IN,  /* struct consignment */
	AG_KNIT,     /* struct garment */
	AG_MAKE,
	AG_SHIP,
	AG_GARMENT_IN, /* struct garment_shipment */
	AG_LAB,        /* struct lab_job */
	AG_COUNT,
};

struct cluster_state {
	struct seed_fifo queue[3]; /* one per district */
	struct bale_fifo ginned, at_mill;
	struct yarn_fifo yarn;
	uint64_t gin_capacity; /* grams of seed cotton a day */
	double bales_a_day;    /* the mill's capacity */
	double budget;         /* bales it may still open today */
	uint32_t ginnings, trucks, spins, yarns, shipments;
	uint32_t pending; /* trucks on the road to the mill */
};

struct exporter_state {
	struct yarn_fifo yarn;
	uint32_t pending;
};

struct season {
	struct sim_world *w;
	struct sim_rng *r;
	struct sim_lines *l;
	struct sim_totals *totals;
	int year;
	int64_t day0; /* 1 September, 00:00 UTC */
	struct arena arena;
	struct cluster_state *cs;
	struct exporter_state xs[3];
	struct ptrs agenda[AG_COUNT][SIM_DAYS];
	struct ptrs garments;
	struct comp **pure; /* one district, per district */
	double *acc;        /* scratch: grams per district */
	uint32_t *touched;
	uint32_t farms_picking;
	uint32_t consignments, maker_seq[8];
	int lab_done, checks_done;
	char lab_lot[48]; /* the bale whose origin the lab contradicted */
	int failed;
};

/* ---- FIFOs ---- */

#define FIFO_PUSH(f, item)                                        \
	(((f).head > 1024 && (f).head * 2 > (f).n)                \
		 ? (memmove((f).v, (f).v + (f).head,              \
			    ((f).n - (f).head) * sizeof(*(f).v)), \
		    (f).n -= (f).head, (f).head = 0)              \
		 : 0,                                             \
	 grow((void **)&(f).v, &(f).cap, (f).n, sizeof(*(f).v))   \
		 ? -1                                             \
		 : ((f).v[(f).n++] = (item), 0))
#define FIFO_LEN(f) ((f).n - (f).head)

static void *
need(struct season *s, void *p)
{
	if (!p)
		s->failed = 1;
	return p;
}

static void
schedule(struct season *s, enum agenda a, int day, void *item)
{
	if (day >= SIM_DAYS) {
		/* A season's chain must end before the next one starts. */
		s->failed = 1;
		fprintf(stderr, "paxta-sim: season %d runs past August\n",
			s->year);
		return;
	}
	if (PUSH(s->agenda[a][day], item))
		s->failed = 1;
}

static void
flush(struct season *s, int day, int hour, int hours)
{
	sim_flush(s->l, s->day0 + (int64_t)day * 86400 + hour * 3600,
		  (int64_t)hours * 3600);
}

static uint64_t
grams_of(double g)
{
	return g <= 0 ? 0 : (uint64_t)g;
}

/* Whole kg, as a weighbridge reads. */
static uint64_t
whole_kg(double g)
{
	return grams_of(g) / 1000 * 1000;
}

static void
count(struct season *s, enum sim_product p, uint64_t grams)
{
	s->totals->grams[p] += grams;
	s->totals->lots[p]++;
}

/* ---- lot ids ---- */

static void
put_actor(struct season *s, uint32_t actor)
{
	sim_put(s->l, s->w->actors[actor].id);
}

static void
put_harvest_lot(struct season *s, uint32_t farm, uint32_t seq)
{
	sim_put(s->l, "UZ-");
	sim_put_u(s->l, (uint64_t)s->year);
	sim_put(s->l, "-F");
	sim_put_pad(s->l, s->w->farms[farm].number, 5);
	sim_put(s->l, "-");
	sim_put_pad(s->l, seq, 3);
}

/* PBI: a 5-digit gin code and a 7-digit bale number (cotton.org). */
static void
put_bale(struct season *s, const struct bale *b)
{
	sim_put(s->l, "PBI-");
	sim_put_pad(s->l, s->w->clusters[b->cluster].gin_code, 5);
	sim_put_pad(s->l, b->serial, 7);
}

static void
bale_id(char out[48], const struct sim_world *w, const struct bale *b)
{
	snprintf(out, 48, "PBI-%05u%07u", w->clusters[b->cluster].gin_code,
		 b->serial);
}

/* PREFIX-QA007-2025-00012 */
static void
put_cluster_lot(struct season *s, const char *prefix, uint32_t cluster,
		uint32_t seq)
{
	sim_put(s->l, prefix);
	sim_put(s->l, "-");
	sim_put(s->l, s->w->clusters[cluster].code);
	sim_put(s->l, "-");
	sim_put_u(s->l, (uint64_t)s->year);
	sim_put(s->l, "-");
	sim_put_pad(s->l, seq, 5);
}

static void
yarn_id(char out[48], const struct season *s, const struct yarn *y)
{
	snprintf(out, 48, "YARN-%s-%d-%05u", s->w->clusters[y->cluster].code,
		 s->year, y->seq);
}

static void
put_maker_lot(struct season *s, const char *prefix, const struct garment *g)
{
	sim_put(s->l, prefix);
	sim_put(s->l, "-");
	sim_put(s->l, s->w->makers[g->maker].code);
	sim_put(s->l, "-");
	sim_put_u(s->l, (uint64_t)s->year);
	sim_put(s->l, "-");
	sim_put_pad(s->l, g->seq, 6);
}

static void
garment_id(char out[48], const struct season *s, const struct garment *g)
{
	snprintf(out, 48, "GMT-%s-%d-%06u", s->w->makers[g->maker].code,
		 s->year, g->seq);
}

/* ---- event pieces ---- */

static void
begin(struct season *s, const char *kind, uint32_t actor)
{
	sim_put(s->l, "{\"kind\":\"");
	sim_put(s->l, kind);
	sim_put(s->l, "\",\"actor\":\"");
	put_actor(s, actor);
	sim_put(s->l, "\"");
}

static void
put_line_kg(struct season *s, uint64_t grams)
{
	sim_put(s->l, "\",\"kg\":");
	sim_put_kg(s->l, grams);
	sim_put(s->l, "}");
}

static void
open_line(struct season *s, int first)
{
	sim_put(s->l, first ? "{\"lot\":\"" : ",{\"lot\":\"");
}

static void
put_output(struct season *s, const char *product, uint64_t grams)
{
	sim_put(s->l, "\",\"kg\":");
	sim_put_kg(s->l, grams);
	sim_put(s->l, ",\"product\":\"");
	sim_put(s->l, product);
	sim_put(s->l, "\"}");
}

/* ---- farms: picking, the trailer to the gin, the gin's weighbridge ---- */

struct delivery {
	uint32_t farm, seq;
	uint64_t picked, received;
};

static void
plan_farms(struct season *s)
{
	struct sim_world *w = s->w;

	for (size_t c = 0; c < w->n_clusters; c++)
		s->cs[c].gin_capacity = 0;
	s->farms_picking = 0;
	for (uint32_t i = 0; i < w->n_farms; i++) {
		struct sim_farm *f = &w->farms[i];
		/* Uzbekistan's average was 3.4 t/ha in 2022. */
		double t_ha = 3.4 * sim_rng_range(s->r, 0.75, 1.2);

		f->remaining = whole_kg(f->hectares * t_ha * 1e6);
		f->seq = 0;
		if (f->machine) {
			/* after defoliation; modules of 9 to 13 t */
			f->next_day = sim_rng_between(s->r, 10, 20);
			f->load = (uint32_t)whole_kg(
				sim_rng_range(s->r, 9e6, 13e6));
		} else {
			/* the pickers' days gathered at the field's
			 * collection point (khirman), trucked in 6 to 10 t */
			f->next_day = sim_rng_between(s->r, 4, 12);
			f->load = (uint32_t)whole_kg(
				sim_rng_range(s->r, 6e6, 10e6));
		}
		f->last_day = sim_rng_between(s->r, 55, 72);
		s->farms_picking++;
		/* Gins keep up with about a 55-day harvest. */
		s->cs[f->cluster].gin_capacity += f->remaining / 55;
	}
}

static void
pick(struct season *s, int day, struct delivery **out, size_t *n_out,
     size_t *cap)
{
	struct sim_world *w = s->w;

	*n_out = 0;
	for (uint32_t i = 0; i < w->n_farms; i++) {
		struct sim_farm *f = &w->farms[i];
		uint64_t span;

		if (!f->remaining || day < f->next_day)
			continue;
		do {
			uint64_t kg = whole_kg(f->load *
					       sim_rng_range(s->r, 0.8, 1.2));
			struct delivery d;

			if (kg >= f->remaining ||
			    f->remaining - kg < f->load / 3 ||
			    (day >= f->last_day && f->remaining <= f->load))
				kg = f->remaining;
			f->remaining -= kg;
			d.farm = i;
			d.seq = (uint32_t)++f->seq;
			d.picked = kg;
			/* a few tenths of a percent lost on the way */
			d.received = whole_kg(
				(double)kg *
				(1 - sim_rng_range(s->r, 0.001, 0.006)));
			if (grow((void **)out, cap, *n_out, sizeof(**out))) {
				s->failed = 1;
				return;
			}
			(*out)[(*n_out)++] = d;
		} while (f->remaining && day >= f->last_day);
		if (!f->remaining) {
			s->farms_picking--;
			continue;
		}
		/* The next pass: spread what is left over the days left. */
		span = (uint64_t)(f->last_day > day ? f->last_day - day : 1);
		{
			uint64_t passes = f->remaining / f->load + 1;
			double gap = (double)span / (double)passes;
			int step = (int)lround(gap *
					       sim_rng_range(s->r, 0.6, 1.4));

			f->next_day = day + (step < 1 ? 1 : step);
			if (f->next_day > f->last_day)
				f->next_day = f->last_day;
		}
	}
}

static void
harvest_phases(struct season *s, int day, struct delivery *dl, size_t n)
{
	struct sim_world *w = s->w;

	for (size_t i = 0; i < n; i++) {
		const struct sim_farm *f = &w->farms[dl[i].farm];
		struct sim_district *d = &w->districts[f->district];

		begin(s, "harvest", f->actor);
		sim_put(s->l, ",\"lot\":\"");
		put_harvest_lot(s, dl[i].farm, dl[i].seq);
		sim_put(s->l, "\",\"kg\":");
		sim_put_kg(s->l, dl[i].picked);
		sim_put(s->l, ",\"season\":");
		sim_put_u(s->l, (uint64_t)s->year);
		sim_put(s->l, ",\"district\":\"");
		sim_put(s->l, d->code);
		sim_put(s->l, "\",\"field\":\"");
		sim_put(s->l, d->code + 6);
		sim_put(s->l, "-");
		sim_put_pad(s->l, f->number, 5);
		sim_put(s->l, f->machine ? "-M\",\"method\":\"machine\""
					 : "-H\",\"method\":\"hand\"");
		sim_end(s->l, SIM_HARVEST);
		d->harvest_lots++;
		d->harvest_grams += dl[i].picked;
		count(s, SIM_SEED_COTTON, dl[i].picked);
	}
	flush(s, day, 3, 4); /* 08:00-12:00 Tashkent time */

	for (size_t i = 0; i < n; i++) {
		const struct sim_farm *f = &w->farms[dl[i].farm];

		begin(s, "transfer", f->actor);
		sim_put(s->l, ",\"to\":\"");
		put_actor(s, w->clusters[f->cluster].gin);
		sim_put(s->l, "\",\"shipment\":\"WB-");
		sim_put_u(s->l, (uint64_t)s->year);
		sim_put(s->l, "-");
		sim_put_pad(s->l, f->number, 5);
		sim_put(s->l, "-");
		sim_put_pad(s->l, dl[i].seq, 3);
		sim_put(s->l, "\",\"lots\":[");
		open_line(s, 1);
		put_harvest_lot(s, dl[i].farm, dl[i].seq);
		put_line_kg(s, dl[i].picked);
		sim_put(s->l, "]");
		sim_end(s->l, SIM_TRANSFER);
		s->totals->shipments++;
	}
	flush(s, day, 7, 1);

	for (size_t i = 0; i < n; i++) {
		const struct sim_farm *f = &w->farms[dl[i].farm];
		const struct sim_cluster *cl = &w->clusters[f->cluster];
		struct seed_lot lot = { dl[i].farm, dl[i].seq, dl[i].received };
		int q = 0;

		begin(s, "receive", cl->gin);
		sim_put(s->l, ",\"shipment\":\"WB-");
		sim_put_u(s->l, (uint64_t)s->year);
		sim_put(s->l, "-");
		sim_put_pad(s->l, f->number, 5);
		sim_put(s->l, "-");
		sim_put_pad(s->l, dl[i].seq, 3);
		sim_put(s->l, "\",\"lots\":[");
		open_line(s, 1);
		put_harvest_lot(s, dl[i].farm, dl[i].seq);
		put_line_kg(s, dl[i].received);
		sim_put(s->l, "]");
		sim_end(s->l, SIM_RECEIVE);
		while (cl->districts[q] != f->district)
			q++;
		if (FIFO_PUSH(s->cs[f->cluster].queue[q], lot))
			s->failed = 1;
	}
	flush(s, day, 8, 1);
}

/* ---- gins ---- */

static void
gin_batch(struct season *s, uint32_t c, struct seed_fifo *q, uint64_t *budget)
{
	struct sim_world *w = s->w;
	struct sim_cluster *cl = &w->clusters[c];
	struct cluster_state *st = &s->cs[c];
	uint64_t target = whole_kg(sim_rng_range(s->r, 30e6, 60e6));
	uint64_t in = 0, machine = 0, lint = 0, seed, invisible, waste;
	size_t first = q->head, n = 0;
	const struct comp *comp;
	double turnout;
	uint32_t ginning = ++st->ginnings;

	while (q->head < q->n && n < 12 && in < target) {
		const struct seed_lot *lot = &q->v[q->head++];

		in += lot->grams;
		if (w->farms[lot->farm].machine)
			machine += lot->grams;
		n++;
	}
	*budget = *budget > in ? *budget - in : 0;
	comp = s->pure[w->farms[q->v[first].farm].district];

	begin(s, "transform", cl->gin);
	sim_put(s->l, ",\"process\":\"ginning\",\"inputs\":[");
	for (size_t i = 0; i < n; i++) {
		const struct seed_lot *lot = &q->v[first + i];

		open_line(s, i == 0);
		put_harvest_lot(s, lot->farm, lot->seq);
		put_line_kg(s, lot->grams);
	}
	sim_put(s->l, "],\"outputs\":[");
	/* Lint turnout 35.5-41.5 % hand-picked, 2.5 points less machine-
	 * picked (more trash); the ledger caps it at 45 %. */
	turnout = sim_rng_range(s->r, 0.355, 0.415) -
		  0.025 * (double)machine / (double)in;
	{
		uint64_t want = grams_of((double)in * turnout);
		int bales = 0;

		for (;;) {
			/* ~227 kg (500 lb) bales, weighed to 0.1 kg */
			uint64_t kg =
				grams_of(sim_rng_range(s->r, 218e3, 236e3)) /
				100 * 100;
			struct bale b;

			if (lint + kg > want) {
				if (bales)
					break;
				kg = want / 100 * 100; /* one light bale */
				if (!kg)
					break;
			}
			b.cluster = c;
			b.serial = ++cl->bale_serial;
			b.grams = (uint32_t)kg;
			b.comp = comp;
			open_line(s, bales == 0);
			put_bale(s, &b);
			put_output(s, "lint", kg);
			if (FIFO_PUSH(st->ginned, b))
				s->failed = 1;
			lint += kg;
			bales++;
			count(s, SIM_LINT, kg);
		}
		/* Cottonseed about 55 %, the rest trash and motes; a little
		 * moisture leaves as invisible loss. */
		seed = whole_kg((double)in * sim_rng_range(s->r, 0.535, 0.565));
		invisible = grams_of((double)in *
				     sim_rng_range(s->r, 0.004, 0.012));
		waste = in > lint + seed + invisible
				? (in - lint - seed - invisible) / 1000 * 1000
				: 0;
		sim_put(s->l, bales ? ",{\"lot\":\"" : "{\"lot\":\"");
		put_cluster_lot(s, "SEED", c, ginning);
		put_output(s, "cottonseed", seed);
		count(s, SIM_COTTONSEED, seed);
		if (waste) {
			sim_put(s->l, ",{\"lot\":\"");
			put_cluster_lot(s, "GW", c, ginning);
			put_output(s, "waste", waste);
			count(s, SIM_WASTE, waste);
		}
	}
	sim_put(s->l, "]");
	sim_end(s->l, SIM_TRANSFORM);
}

static int
gin_idle(const struct cluster_state *st)
{
	for (int q = 0; q < 3; q++)
		if (FIFO_LEN(st->queue[q]))
			return 0;
	return 1;
}

static void
gin_phase(struct season *s, int day)
{
	for (uint32_t c = 0; c < s->w->n_clusters; c++) {
		struct cluster_state *st = &s->cs[c];
		uint64_t budget = st->gin_capacity;
		int q = (int)sim_rng_below(s->r, 3), idle = 0;

		/* Round the district queues until the day's capacity is
		 * used: a batch never mixes districts. */
		while (budget > 0 && idle < 3) {
			struct seed_fifo *f = &st->queue[q];

			if (FIFO_LEN(*f) && (day > 70 || budget > 5e6)) {
				gin_batch(s, c, f, &budget);
				idle = 0;
			} else {
				idle++;
			}
			q = (q + 1) % 3;
		}
	}
	flush(s, day, 9, 2);
}

/* ---- bales by truck to the mills ---- */

static int
all_gins_done(const struct season *s)
{
	if (s->farms_picking)
		return 0;
	for (size_t c = 0; c < s->w->n_clusters; c++)
		if (!gin_idle(&s->cs[c]) || FIFO_LEN(s->cs[c].ginned))
			return 0;
	return 1;
}

static void
truck_phase(struct season *s, int day)
{
	struct sim_world *w = s->w;
	int harvest_over = s->farms_picking == 0;

	for (uint32_t c = 0; c < w->n_clusters; c++) {
		struct cluster_state *st = &s->cs[c];
		const struct sim_cluster *cl = &w->clusters[c];

		for (;;) {
			size_t have = FIFO_LEN(st->ginned), take;
			struct truck *t;
			/* a 20 t semi-trailer: 84 to 90 bales */
			size_t load = (size_t)sim_rng_between(s->r, 84, 90);

			if (have < load &&
			    !(harvest_over && gin_idle(st) && have > 0))
				break;
			take = have < load ? have : load;
			t = need(s, arena_alloc(&s->arena, sizeof(*t)));
			if (!t)
				return;
			t->bales =
				need(s, arena_alloc(&s->arena,
						    take * sizeof(*t->bales)));
			if (!t->bales)
				return;
			t->from = c;
			t->seq = ++st->trucks;
			/* Every fourth truck goes to the partner cluster's
			 * mill, which blends it with its own. */
			t->to = t->seq % 4 == 3 ? cl->partner : c;
			t->n = (uint32_t)take;
			memcpy(t->bales, st->ginned.v + st->ginned.head,
			       take * sizeof(*t->bales));
			st->ginned.head += take;
			begin(s, "transfer", cl->gin);
			sim_put(s->l, ",\"to\":\"");
			put_actor(s, w->clusters[t->to].mill);
			sim_put(s->l, "\",\"shipment\":\"");
			put_cluster_lot(s, "TTN", c, t->seq);
			sim_put(s->l, "\",\"lots\":[");
			for (uint32_t i = 0; i < t->n; i++) {
				open_line(s, i == 0);
				put_bale(s, &t->bales[i]);
				put_line_kg(s, t->bales[i].grams);
			}
			sim_put(s->l, "]");
			sim_end(s->l, SIM_TRANSFER);
			s->totals->shipments++;
			s->cs[t->to].pending++;
			schedule(s, AG_BALES_IN,
				 day + (t->to == c
						? 1
						: sim_rng_between(s->r, 1, 3)),
				 t);
		}
	}
	flush(s, day, 11, 1);

	for (size_t i = 0; i < s->agenda[AG_BALES_IN][day].n; i++) {
		struct truck *t = s->agenda[AG_BALES_IN][day].v[i];
		struct cluster_state *to = &s->cs[t->to];

		begin(s, "receive", w->clusters[t->to].mill);
		sim_put(s->l, ",\"shipment\":\"");
		put_cluster_lot(s, "TTN", t->from, t->seq);
		sim_put(s->l, "\",\"lots\":[");
		for (uint32_t k = 0; k < t->n; k++) {
			open_line(s, k == 0);
			put_bale(s, &t->bales[k]);
			put_line_kg(s, t->bales[k].grams);
			if (FIFO_PUSH(to->at_mill, t->bales[k]))
				s->failed = 1;
		}
		sim_put(s->l, "]");
		sim_end(s->l, SIM_RECEIVE);
		to->pending--;
	}
	flush(s, day, 12, 1);
}

/* ---- spinning ---- */

/* Blends, as the ledger computes them (DESIGN.md §3.4): an output
 * inherits the mass-weighted mix of the kg consumed. Add each input, then
 * take the mix. */
struct mixer {
	size_t touched;
	double lab; /* grams */
	uint64_t total;
};

static void
mix_add(struct season *s, struct mixer *m, const struct comp *c, uint64_t grams)
{
	m->lab += c->lab * (double)grams;
	m->total += grams;
	for (uint32_t k = 0; k < c->n; k++) {
		uint32_t d = c->p[k].district;

		if (c->p[k].share <= 0)
			continue;
		if (s->acc[d] == 0)
			s->touched[m->touched++] = d;
		s->acc[d] += c->p[k].share * (double)grams;
	}
}

static const struct comp *
mix_take(struct season *s, struct mixer *m)
{
	struct comp *c =
		need(s, arena_alloc(&s->arena,
				    sizeof(*c) + m->touched * sizeof(c->p[0])));

	for (size_t k = 0; k < m->touched; k++) {
		uint32_t d = s->touched[k];

		if (c) {
			c->p[c->n].district = d;
			c->p[c->n++].share = s->acc[d] / (double)m->total;
		}
		s->acc[d] = 0;
	}
	if (c)
		c->lab = m->total ? m->lab / (double)m->total : 0;
	return c;
}

/* A lab tests one bale of a laydown; on the first one of mill 1 (whose
 * cotton is all certified) the isotopes do not match the claimed region,
 * so that bale and what is spun from it are flagged. */
static void
lab_check(struct season *s, int day, uint32_t c, struct bale *b)
{
	struct sim_world *w = s->w;
	struct lab_job *job;
	struct comp *flagged;
	int contradicts = c == 1 && !s->lab_done && day >= 20;

	if (!contradicts && (s->checks_done >= 3 || c < 2 || day < 30))
		return;
	if (!(job = need(s, arena_alloc(&s->arena, sizeof(*job)))))
		return;
	bale_id(job->lot, w, b);
	job->claimed = w->regions[w->clusters[b->cluster].region].code;
	job->matches = !contradicts;
	job->lab = contradicts ? w->labs[0] : w->labs[1];
	schedule(s, AG_LAB, day + sim_rng_between(s->r, 14, 28), job);
	if (!contradicts) {
		s->checks_done++;
		return;
	}
	s->lab_done = 1;
	snprintf(s->lab_lot, sizeof(s->lab_lot), "%s", job->lot);
	flagged = need(s,
		       arena_alloc(&s->arena,
				   sizeof(*flagged) +
					   b->comp->n * sizeof(flagged->p[0])));
	if (!flagged)
		return;
	memcpy(flagged, b->comp,
	       sizeof(*flagged) + b->comp->n * sizeof(flagged->p[0]));
	/* The whole bale: none of it counts for its districts any more. */
	for (uint32_t k = 0; k < flagged->n; k++)
		flagged->p[k].share = 0;
	flagged->lab = 1;
	b->comp = flagged;
}

static void
spin(struct season *s, int day, uint32_t c, size_t n)
{
	struct sim_world *w = s->w;
	struct cluster_state *st = &s->cs[c];
	struct bale *bales = st->at_mill.v + st->at_mill.head;
	uint64_t in = 0, yarn, invisible, waste, first;
	uint32_t spin_no = ++st->spins;
	int lots = sim_rng_unit(s->r) < 0.5 ? 2 : 1;
	const struct comp *comp;

	struct mixer m = { 0 };

	lab_check(s, day, c, &bales[0]);
	for (size_t i = 0; i < n; i++) {
		in += bales[i].grams;
		mix_add(s, &m, bales[i].comp, bales[i].grams);
	}
	comp = mix_take(s, &m);
	begin(s, "transform", w->clusters[c].mill);
	sim_put(s->l, ",\"process\":\"spinning\",\"inputs\":[");
	for (size_t i = 0; i < n; i++) {
		open_line(s, i == 0);
		put_bale(s, &bales[i]);
		put_line_kg(s, bales[i].grams);
	}
	st->at_mill.head += n;
	sim_put(s->l, "],\"outputs\":[");
	/* Carded-yarn realisation, 85-90 % of the lint. */
	yarn = grams_of((double)in * sim_rng_range(s->r, 0.85, 0.90));
	first = lots == 2
			? grams_of((double)yarn * sim_rng_range(s->r, 0.4, 0.6))
			: yarn;
	for (int k = 0; k < lots; k++) {
		struct yarn *y = need(s, arena_alloc(&s->arena, sizeof(*y)));

		if (!y)
			return;
		y->cluster = c;
		y->seq = ++st->yarns;
		y->grams = k == 0 ? first : yarn - first;
		y->comp = comp;
		open_line(s, k == 0);
		put_cluster_lot(s, "YARN", c, y->seq);
		put_output(s, "yarn", y->grams);
		count(s, SIM_YARN, y->grams);
		if (FIFO_PUSH(st->yarn, y))
			s->failed = 1;
	}
	invisible = grams_of((double)in * sim_rng_range(s->r, 0.005, 0.012));
	waste = in - yarn - invisible;
	sim_put(s->l, ",{\"lot\":\"");
	put_cluster_lot(s, "SW", c, spin_no);
	put_output(s, "waste", waste);
	count(s, SIM_WASTE, waste);
	sim_put(s->l, "]");
	sim_end(s->l, SIM_TRANSFORM);
}

static void
spin_phase(struct season *s, int day)
{
	int gins_done = all_gins_done(s);

	for (uint32_t c = 0; c < s->w->n_clusters; c++) {
		struct cluster_state *st = &s->cs[c];

		/* Mills spin all year; this one opens bales at its
		 * capacity, and whatever is left once spring comes. */
		st->budget += day > 240 ? 1e9 : st->bales_a_day;
		for (;;) {
			/* A laydown: 36 to 48 bales side by side. */
			size_t want = (size_t)sim_rng_between(s->r, 36, 48);
			size_t have = FIFO_LEN(st->at_mill);

			if (st->budget < (double)want)
				break;
			if (have < want && !(have && gins_done && !st->pending))
				break;
			if (have < want)
				want = have;
			spin(s, day, c, want);
			st->budget -= (double)want;
		}
		if (st->budget > st->bales_a_day + 48)
			st->budget = st->bales_a_day + 48; /* no hoarding */
	}
	flush(s, day, 13, 1);
}

/* ---- yarn: to exporters, abroad ---- */

static uint64_t
fifo_grams(const struct yarn_fifo *f)
{
	uint64_t g = 0;

	for (size_t i = f->head; i < f->n; i++)
		g += f->v[i]->grams;
	return g;
}

static void
ship_yarn(struct season *s, int day, uint32_t from, struct yarn_fifo *f,
	  int exporter, int drain, const char *domestic_prefix, uint32_t c)
{
	struct sim_world *w = s->w;

	for (;;) {
		struct consignment *cg;
		uint64_t stock = fifo_grams(f), load = 0;
		int transit;

		/* A container: about 18 t of yarn, at most 8 lots. */
		if (!FIFO_LEN(*f) || (stock < 18e6 && !drain))
			return;
		if (!(cg = need(s, arena_alloc(&s->arena, sizeof(*cg)))))
			return;
		while (FIFO_LEN(*f) && cg->n < 8 && load < 18e6) {
			struct yarn *y = f->v[f->head++];

			cg->lots[cg->n++] = y;
			load += y->grams;
		}
		cg->from = from;
		cg->exporter = exporter;
		if (domestic_prefix) {
			/* a mill without an export licence sells to a
			 * trading house */
			cg->maker = -1;
			cg->to = w->exporters[exporter];
			snprintf(cg->id, sizeof(cg->id), "%s-%sM-%d-%05u",
				 domestic_prefix, w->clusters[c].code, s->year,
				 ++s->cs[c].shipments);
			transit = sim_rng_between(s->r, 1, 2);
			s->xs[exporter].pending++;
		} else {
			const struct sim_maker *mk;

			cg->maker =
				(int)sim_rng_below(s->r, (uint32_t)w->n_makers);
			mk = &w->makers[cg->maker];
			cg->to = mk->actor;
			snprintf(cg->id, sizeof(cg->id), "%s-%d-%06u",
				 mk->waybill, s->year, ++s->consignments);
			transit = sim_rng_between(s->r, mk->transit_lo,
						  mk->transit_hi);
		}
		begin(s, "transfer", from);
		sim_put(s->l, ",\"to\":\"");
		put_actor(s, cg->to);
		sim_put(s->l, "\",\"shipment\":\"");
		sim_put(s->l, cg->id);
		sim_put(s->l, "\",\"lots\":[");
		for (uint32_t i = 0; i < cg->n; i++) {
			char id[48];

			yarn_id(id, s, cg->lots[i]);
			open_line(s, i == 0);
			sim_put(s->l, id);
			put_line_kg(s, cg->lots[i]->grams);
		}
		sim_put(s->l, "]");
		if (!domestic_prefix) {
			char doc[64];

			snprintf(doc, sizeof(doc), "%s invoice", cg->id);
			sim_put(s->l, ",\"documents\":[\"");
			sim_put_sha256(s->l, doc);
			sim_put(s->l, "\"]");
		}
		sim_end(s->l, SIM_TRANSFER);
		s->totals->shipments++;
		schedule(s, AG_YARN_IN, day + transit, cg);
	}
}

static void
yarn_phase(struct season *s, int day)
{
	struct sim_world *w = s->w;
	int gins_done = all_gins_done(s), mills_done = gins_done;

	for (uint32_t c = 0; c < w->n_clusters; c++) {
		struct cluster_state *st = &s->cs[c];
		int done = gins_done && !st->pending && !FIFO_LEN(st->at_mill);
		const struct sim_cluster *cl = &w->clusters[c];

		mills_done &= done;
		if (cl->mill_exports)
			ship_yarn(s, day, cl->mill, &st->yarn, 0, done, NULL,
				  c);
		else
			ship_yarn(s, day, cl->mill, &st->yarn,
				  (int)(c % w->n_exporters), 1, "TTN", c);
	}
	for (size_t e = 0; e < w->n_exporters; e++) {
		int drain = mills_done && !s->xs[e].pending;

		for (uint32_t c = 0; drain && c < w->n_clusters; c++)
			drain &= !FIFO_LEN(s->cs[c].yarn);
		ship_yarn(s, day, w->exporters[e], &s->xs[e].yarn, (int)e,
			  drain, NULL, 0);
	}
	flush(s, day, 14, 1);

	for (size_t i = 0; i < s->agenda[AG_YARN_IN][day].n; i++) {
		struct consignment *cg = s->agenda[AG_YARN_IN][day].v[i];

		begin(s, "receive", cg->to);
		sim_put(s->l, ",\"shipment\":\"");
		sim_put(s->l, cg->id);
		sim_put(s->l, "\",\"lots\":[");
		for (uint32_t k = 0; k < cg->n; k++) {
			char id[48];

			yarn_id(id, s, cg->lots[k]);
			open_line(s, k == 0);
			sim_put(s->l, id);
			put_line_kg(s, cg->lots[k]->grams);
			if (cg->maker < 0 &&
			    FIFO_PUSH(s->xs[cg->exporter].yarn, cg->lots[k]))
				s->failed = 1;
		}
		/* A knitter knits one to three yarn lots of a consignment
		 * into one batch of fabric. */
		for (uint32_t k = 0; cg->maker >= 0 && k < cg->n;) {
			struct garment *g =
				need(s, arena_alloc(&s->arena, sizeof(*g)));
			int take = sim_rng_between(s->r, 1, 3);

			if (!g)
				return;
			g->maker = (uint32_t)cg->maker;
			g->seq = ++s->maker_seq[cg->maker];
			while (g->n_yarn < take && k < cg->n)
				g->yarn[g->n_yarn++] = cg->lots[k++];
			schedule(s, AG_KNIT, day + sim_rng_between(s->r, 3, 8),
				 g);
		}
		sim_put(s->l, "]");
		sim_end(s->l, SIM_RECEIVE);
		if (cg->maker < 0)
			s->xs[cg->exporter].pending--;
	}
	flush(s, day, 15, 1);
}

/* ---- knitting, making, garments to brands ---- */

static void
make_phases(struct season *s, int day)
{
	struct sim_world *w = s->w;
	struct ptrs *knit = &s->agenda[AG_KNIT][day],
		    *make = &s->agenda[AG_MAKE][day],
		    *ship = &s->agenda[AG_SHIP][day],
		    *arrive = &s->agenda[AG_GARMENT_IN][day];

	for (size_t i = 0; i < knit->n; i++) {
		struct garment *g = knit->v[i];
		struct mixer m = { 0 };
		uint64_t in, waste;

		begin(s, "transform", w->makers[g->maker].actor);
		sim_put(s->l, ",\"process\":\"knitting\",\"inputs\":[");
		for (int k = 0; k < g->n_yarn; k++) {
			char id[48];

			yarn_id(id, s, g->yarn[k]);
			open_line(s, k == 0);
			sim_put(s->l, id);
			put_line_kg(s, g->yarn[k]->grams);
			mix_add(s, &m, g->yarn[k]->comp, g->yarn[k]->grams);
		}
		in = m.total;
		g->comp = mix_take(s, &m);
		/* Knitting keeps 94-97 % of the yarn (cap: 98 %). */
		g->fabric =
			grams_of((double)in * sim_rng_range(s->r, 0.94, 0.97));
		waste = in - g->fabric -
			grams_of((double)in *
				 sim_rng_range(s->r, 0.003, 0.008));
		sim_put(s->l, "],\"outputs\":[");
		open_line(s, 1);
		put_maker_lot(s, "FAB", g);
		put_output(s, "fabric", g->fabric);
		open_line(s, 0);
		put_maker_lot(s, "KW", g);
		put_output(s, "waste", waste);
		sim_put(s->l, "]");
		sim_end(s->l, SIM_TRANSFORM);
		count(s, SIM_FABRIC, g->fabric);
		count(s, SIM_WASTE, waste);
		schedule(s, AG_MAKE, day + sim_rng_between(s->r, 4, 10), g);
	}
	flush(s, day, 16, 1);

	for (size_t i = 0; i < make->n; i++) {
		struct garment *g = make->v[i];
		uint64_t waste;

		/* Cutting and sewing keep 80-88 % of the fabric (cap 95 %). */
		g->grams = grams_of((double)g->fabric *
				    sim_rng_range(s->r, 0.80, 0.88));
		waste = g->fabric - g->grams -
			grams_of((double)g->fabric *
				 sim_rng_range(s->r, 0.002, 0.005));
		begin(s, "transform", w->makers[g->maker].actor);
		sim_put(s->l, ",\"process\":\"making\",\"inputs\":[");
		open_line(s, 1);
		put_maker_lot(s, "FAB", g);
		put_line_kg(s, g->fabric);
		sim_put(s->l, "],\"outputs\":[");
		open_line(s, 1);
		put_maker_lot(s, "GMT", g);
		put_output(s, "garment", g->grams);
		open_line(s, 0);
		put_maker_lot(s, "CW", g);
		put_output(s, "waste", waste);
		sim_put(s->l, "]");
		sim_end(s->l, SIM_TRANSFORM);
		count(s, SIM_GARMENT, g->grams);
		count(s, SIM_WASTE, waste);
		schedule(s, AG_SHIP, day + sim_rng_between(s->r, 2, 6), g);
	}
	flush(s, day, 17, 1);

	for (size_t i = 0; i < ship->n; i++) {
		struct garment *g = ship->v[i];

		/* One brand takes it all, or two share it. */
		g->n_shipments =
			w->n_brands > 1 && sim_rng_unit(s->r) < 0.4 ? 2 : 1;
		g->brand[0] = sim_rng_below(s->r, (uint32_t)w->n_brands);
		g->brand[1] = (g->brand[0] + 1 +
			       sim_rng_below(s->r, (uint32_t)w->n_brands - 1)) %
			      (uint32_t)w->n_brands;
		g->shipped[0] =
			g->n_shipments == 2
				? grams_of((double)g->grams *
					   sim_rng_range(s->r, 0.55, 0.75))
				: g->grams;
		g->shipped[1] = g->grams - g->shipped[0];
		for (int k = 0; k < g->n_shipments; k++) {
			struct garment_shipment *gs =
				need(s, arena_alloc(&s->arena, sizeof(*gs)));
			char doc[80];

			if (!gs)
				return;
			gs->g = g;
			gs->k = k;
			snprintf(gs->id, sizeof(gs->id), "BL-%s-%d-%06u-%d",
				 w->makers[g->maker].code, s->year, g->seq,
				 k + 1);
			begin(s, "transfer", w->makers[g->maker].actor);
			sim_put(s->l, ",\"to\":\"");
			put_actor(s, w->brands[g->brand[k]]);
			sim_put(s->l, "\",\"shipment\":\"");
			sim_put(s->l, gs->id);
			sim_put(s->l, "\",\"lots\":[");
			open_line(s, 1);
			put_maker_lot(s, "GMT", g);
			put_line_kg(s, g->shipped[k]);
			snprintf(doc, sizeof(doc), "%s bill of lading", gs->id);
			sim_put(s->l, "],\"documents\":[\"");
			sim_put_sha256(s->l, doc);
			sim_put(s->l, "\"]");
			sim_end(s->l, SIM_TRANSFER);
			s->totals->shipments++;
			/* by sea or rail to Europe and America */
			schedule(s, AG_GARMENT_IN,
				 day + sim_rng_between(s->r, 20, 35), gs);
		}
	}
	flush(s, day, 18, 1);

	for (size_t i = 0; i < arrive->n; i++) {
		struct garment_shipment *gs = arrive->v[i];
		struct garment *g = gs->g;

		begin(s, "receive", w->brands[g->brand[gs->k]]);
		sim_put(s->l, ",\"shipment\":\"");
		sim_put(s->l, gs->id);
		sim_put(s->l, "\",\"lots\":[");
		open_line(s, 1);
		put_maker_lot(s, "GMT", g);
		put_line_kg(s, g->shipped[gs->k]);
		sim_put(s->l, "]");
		sim_end(s->l, SIM_RECEIVE);
		g->held[gs->k] = g->shipped[gs->k];
		if (++g->n_held == g->n_shipments && PUSH(s->garments, g))
			s->failed = 1;
	}
	flush(s, day, 19, 1);
}

/* ---- monitors and labs ---- */

/* Days from 1 September: a forced-labour finding while the harvest is on
 * (20 October), the season's certifications when the monitors' reports
 * come out (late January and February), one withdrawn in late May. */
#define FINDING_DAY  49
#define CERTIFY_DAY  150
#define CERTIFY_DAYS 20
#define WITHDRAW_DAY 270

static void
attest(struct season *s, const struct sim_district *d, const char *status,
       const char *indicators, const char *kind)
{
	char uri[160];

	snprintf(uri, sizeof(uri), "https://tpm.example.org/%d/%s/%s.pdf",
		 s->year, kind, d->code);
	begin(s, "attest", s->w->monitors[s->w->regions[d->region].monitor]);
	sim_put(s->l, ",\"subject\":\"district:");
	sim_put(s->l, d->code);
	sim_put(s->l, "\",\"season\":");
	sim_put_u(s->l, (uint64_t)s->year);
	sim_put(s->l, ",\"status\":\"");
	sim_put(s->l, status);
	sim_put(s->l, "\",\"indicators\":[");
	sim_put(s->l, indicators);
	sim_put(s->l, "],");
	sim_put_field(s->l, "report_uri", uri);
	sim_put(s->l, ",\"report_sha256\":\"");
	sim_put_sha256(s->l, uri);
	sim_put(s->l, "\"");
	sim_end(s->l, SIM_ATTEST);
}

static void
report_phase(struct season *s, int day)
{
	struct sim_world *w = s->w;
	struct ptrs *labs = &s->agenda[AG_LAB][day];

	for (size_t i = 0; i < w->n_districts; i++) {
		const struct sim_district *d = &w->districts[i];

		if (!d->used)
			continue;
		if (d->status == SIM_FORCED && day == FINDING_DAY)
			attest(s, d, "forced_labour",
			       "\"intimidation_and_threats\","
			       "\"abuse_of_vulnerability\"",
			       "urgent");
		if ((d->status == SIM_CERTIFIED ||
		     d->status == SIM_WITHDRAWN) &&
		    day == CERTIFY_DAY + (int)(i % CERTIFY_DAYS))
			attest(s, d, "certified", "", "report");
		if (d->status == SIM_WITHDRAWN && day == WITHDRAW_DAY)
			attest(s, d, "withdrawn", "", "withdrawal");
	}
	for (size_t i = 0; i < labs->n; i++) {
		const struct lab_job *job = labs->v[i];
		char text[96];

		begin(s, "lab_result", job->lab);
		sim_put(s->l, ",\"lot\":\"");
		sim_put(s->l, job->lot);
		sim_put(s->l, job->matches ? "\",\"matches\":true"
					   : "\",\"matches\":false");
		sim_put(s->l, ",\"claimed_region\":\"");
		sim_put(s->l, job->claimed);
		if (job->matches) {
			sim_put(s->l, "\",\"matched_region\":\"");
			sim_put(s->l, job->claimed);
		}
		sim_put(s->l, job->lab == w->labs[0]
				      ? "\",\"method\":\"isotope\""
				      : "\",\"method\":\"trace_element\"");
		snprintf(text, sizeof(text), "lab report %s %d", job->lot,
			 s->year);
		sim_put(s->l, ",\"report_sha256\":\"");
		sim_put_sha256(s->l, text);
		sim_put(s->l, "\"");
		sim_end(s->l, SIM_LAB);
	}
	flush(s, day, 20, 1);
}

/* ---- the showcase: lots whose verdict is known ---- */

static void
shares(const struct sim_world *w, const struct comp *c,
       double out[SIM_STATUSES])
{
	memset(out, 0, SIM_STATUSES * sizeof(out[0]));
	for (uint32_t k = 0; k < c->n; k++)
		out[w->districts[c->p[k].district].status] += c->p[k].share;
	out[SIM_LAB_MISMATCH] = c->lab;
}

static void
show(struct season *s, struct sim_showcase *sc, const char *role,
     const char *verdict, const struct garment *g, const double *by)
{
	struct sim_world *w = s->w;
	int n = 0;

	memset(sc, 0, sizeof(*sc));
	garment_id(sc->lot, s, g);
	sc->role = role;
	sc->verdict = verdict;
	sc->season = s->year;
	sc->grams = g->grams;
	memcpy(sc->by_status, by, sizeof(sc->by_status));
	for (int k = 0; k < g->n_shipments; k++) {
		int j;

		/* Two shipments to one brand add up. */
		for (j = 0; j < n; j++)
			if (strcmp(sc->holders[j],
				   w->actors[w->brands[g->brand[k]]].id) == 0)
				break;
		if (j == n)
			snprintf(sc->holders[n++], sizeof(sc->holders[0]), "%s",
				 w->actors[w->brands[g->brand[k]]].id);
		sc->held[j] += g->held[k];
	}
	sc->n_holders = n;
	for (int k = 0; k < g->n_yarn; k++) {
		const char *mill =
			w->actors[w->clusters[g->yarn[k]->cluster].mill].id;
		int j;

		yarn_id(sc->yarn[k], s, g->yarn[k]);
		for (j = 0; j < sc->n_mills; j++)
			if (strcmp(sc->mills[j], mill) == 0)
				break;
		if (j == sc->n_mills)
			snprintf(sc->mills[sc->n_mills++], sizeof(sc->mills[0]),
				 "%s", mill);
	}
	sc->n_yarn = g->n_yarn;
	sc->found = 1;
}

static int
choose_showcase(struct season *s, struct sim_season_result *res)
{
	static const char *const roles[] = { "free", "flagged", "unverified",
					     "lab" };
	int score[4] = { 0 };

	for (size_t i = 0; i < s->garments.n; i++) {
		const struct garment *g = s->garments.v[i];
		const struct comp *c = g->comp;
		double by[SIM_STATUSES];
		int slot, quality;

		shares(s->w, c, by);
		if (c->lab > 0) {
			slot = 3;
			quality = 1;
		} else if (by[SIM_FORCED] > 0) {
			/* best: a blend, the finding a visible minority */
			slot = 1;
			quality = by[SIM_FORCED] < 0.95 ? 2 : 1;
			quality +=
				by[SIM_FORCED] > 0.05 && by[SIM_FORCED] < 0.6;
		} else if (by[SIM_CERTIFIED] < 1 - 1e-9) {
			slot = 2;
			quality = 1 + (by[SIM_CERTIFIED] > 0.05) +
				  (by[SIM_WITHDRAWN] > 0.01);
		} else {
			slot = 0;
			quality = 1 + (c->n > 1); /* a blend of districts */
		}
		if (quality <= score[slot])
			continue;
		score[slot] = quality;
		show(s, &res->show[slot], roles[slot],
		     slot == 0   ? "free"
		     : slot == 2 ? "unverified"
				 : "flagged",
		     g, by);
		if (slot == 1)
			res->show[slot].fault_district = res->forced;
		if (slot == 3)
			snprintf(res->show[slot].lab_lot,
				 sizeof(res->show[slot].lab_lot), "%s",
				 s->lab_lot);
	}
	for (int k = 0; k < 4; k++)
		if (!res->show[k].found) {
			fprintf(stderr,
				"paxta-sim: season %d has no %s lot to show; "
				"try more farms\n",
				s->year, roles[k]);
			return -1;
		}
	return 0;
}

/* ---- the season ---- */

static int
drained(const struct season *s)
{
	if (!all_gins_done(s))
		return 0;
	for (size_t c = 0; c < s->w->n_clusters; c++)
		if (s->cs[c].pending || FIFO_LEN(s->cs[c].at_mill) ||
		    FIFO_LEN(s->cs[c].yarn))
			return 0;
	for (size_t e = 0; e < s->w->n_exporters; e++)
		if (s->xs[e].pending || FIFO_LEN(s->xs[e].yarn))
			return 0;
	return 1;
}

static void
season_release(struct season *s)
{
	for (size_t c = 0; s->cs && c < s->w->n_clusters; c++) {
		for (int q = 0; q < 3; q++)
			free(s->cs[c].queue[q].v);
		free(s->cs[c].ginned.v);
		free(s->cs[c].at_mill.v);
		free(s->cs[c].yarn.v);
	}
	free(s->cs);
	for (size_t e = 0; e < 3; e++)
		free(s->xs[e].yarn.v);
	for (int a = 0; a < AG_COUNT; a++)
		for (int d = 0; d < SIM_DAYS; d++)
			free(s->agenda[a][d].v);
	free(s->garments.v);
	free(s->acc);
	free(s->touched);
	free(s->pure);
	arena_release(&s->arena);
}

int
sim_season_run(struct sim_world *w, struct sim_rng *r, int year,
	       struct sim_lines *lines, struct sim_totals *totals,
	       struct sim_season_result *res)
{
	struct season *s = calloc(1, sizeof(*s));
	struct delivery *deliveries = NULL;
	size_t n_deliveries = 0, cap = 0;
	int rc = -1, last = 0;

	memset(res, 0, sizeof(*res));
	if (!s)
		goto oom;
	s->w = w;
	s->r = r;
	s->l = lines;
	s->totals = totals;
	s->year = year;
	s->day0 = sim_epoch(year, 9, 1);
	s->cs = calloc(w->n_clusters, sizeof(*s->cs));
	s->pure = calloc(w->n_districts, sizeof(*s->pure));
	s->acc = calloc(w->n_districts, sizeof(*s->acc));
	s->touched = calloc(w->n_districts, sizeof(*s->touched));
	if (!s->cs || !s->pure || !s->acc || !s->touched)
		goto oom;
	for (uint32_t d = 0; d < w->n_districts; d++) {
		struct comp *c =
			arena_alloc(&s->arena, sizeof(*c) + sizeof(c->p[0]));

		if (!c)
			goto oom;
		c->n = 1;
		c->p[0].district = d;
		c->p[0].share = 1;
		s->pure[d] = c;
	}

	sim_world_statuses(w, r);
	res->season = year;
	for (uint32_t d = 0; d < w->n_districts; d++) {
		if (!w->districts[d].used)
			continue;
		if (w->districts[d].status == SIM_FORCED)
			res->forced = d;
		else if (w->districts[d].status == SIM_WITHDRAWN)
			res->withdrawn = d;
		else if (w->districts[d].status == SIM_UNCERTIFIED &&
			 res->n_uncertified < 16)
			res->uncertified[res->n_uncertified++] = d;
	}
	plan_farms(s);
	for (uint32_t c = 0; c < w->n_clusters; c++) {
		/* About its own cluster's bales (a quarter go to the
		 * partner, as many come in) over five to six months. */
		double bales =
			(double)s->cs[c].gin_capacity * 55 * 0.38 / 227000;

		s->cs[c].bales_a_day = bales / 165;
	}

	for (int day = 0; day < SIM_DAYS && !s->failed; day++) {
		size_t before = lines->by_kind[SIM_HARVEST] +
				lines->by_kind[SIM_TRANSFER] +
				lines->by_kind[SIM_RECEIVE] +
				lines->by_kind[SIM_TRANSFORM] +
				lines->by_kind[SIM_ATTEST] +
				lines->by_kind[SIM_LAB];

		pick(s, day, &deliveries, &n_deliveries, &cap);
		harvest_phases(s, day, deliveries, n_deliveries);
		gin_phase(s, day);
		truck_phase(s, day);
		spin_phase(s, day);
		yarn_phase(s, day);
		make_phases(s, day);
		report_phase(s, day);
		if (lines->by_kind[SIM_HARVEST] + lines->by_kind[SIM_TRANSFER] +
			    lines->by_kind[SIM_RECEIVE] +
			    lines->by_kind[SIM_TRANSFORM] +
			    lines->by_kind[SIM_ATTEST] +
			    lines->by_kind[SIM_LAB] !=
		    before)
			last = day;
		sim_day_end(lines);
		if (lines->failed || lines->overflow)
			s->failed = 1;
	}
	if (s->failed)
		goto fail;
	if (!drained(s)) {
		fprintf(stderr,
			"paxta-sim: season %d did not finish by "
			"August; this is a bug\n",
			year);
		goto fail;
	}
	res->last_day = last;
	res->forced_lots = w->districts[res->forced].harvest_lots;
	if (choose_showcase(s, res))
		goto fail;
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "paxta-sim: out of memory\n");
	goto out;
fail:
	if (lines->overflow)
		fprintf(stderr, "paxta-sim: a lot or shipment number outgrew "
				"its digits; give fewer farms or seasons\n");
	else if (lines->failed)
		fprintf(stderr, "paxta-sim: cannot write the events\n");
out:
	free(deliveries);
	if (s)
		season_release(s);
	free(s);
	return rc;
}
