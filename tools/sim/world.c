/*
 * paxta-sim — the places and the people: Uzbekistan's cotton regions by
 * their ISO 3166-2 codes, real district names with invented three-letter
 * codes, vertically integrated clusters (farms, a gin, a spinning mill),
 * trading houses, knitters abroad, brands, monitors and labs. Sources and
 * the choices behind the numbers: docs/simulator.md.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "paxta/crypto.h"
#include "sim.h"

enum {
	MONITOR_WEST,
	MONITOR_EAST
};

/* Weights are a rough share of the cotton area, enough to make the south
 * and west dominate as they do; they are not official statistics. */
static const struct sim_region regions[] = {
	{ "UZ-QA", "Kashkadarya", 14, MONITOR_WEST },
	{ "UZ-SU", "Surkhandarya", 11, MONITOR_WEST },
	{ "UZ-BU", "Bukhara", 11, MONITOR_WEST },
	{ "UZ-JI", "Jizzakh", 10, MONITOR_EAST },
	{ "UZ-XO", "Khorezm", 9, MONITOR_WEST },
	{ "UZ-SI", "Syrdarya", 8, MONITOR_EAST },
	{ "UZ-QR", "Karakalpakstan", 8, MONITOR_WEST },
	{ "UZ-SA", "Samarkand", 8, MONITOR_WEST },
	{ "UZ-TO", "Tashkent", 6, MONITOR_EAST },
	{ "UZ-FA", "Fergana", 6, MONITOR_EAST },
	{ "UZ-AN", "Andijan", 4, MONITOR_EAST },
	{ "UZ-NG", "Namangan", 4, MONITOR_EAST },
	{ "UZ-NW", "Navoiy", 4, MONITOR_WEST },
};

#define N_REGIONS (sizeof(regions) / sizeof(regions[0]))

/* Real district (tuman) names; the suffix after the region is ours. */
static const struct {
	int region;
	const char *code, *name;
} district_table[] = {
	{ 0, "UZ-QA-CHR", "Chiroqchi" },
	{ 0, "UZ-QA-DHQ", "Dehqonobod" },
	{ 0, "UZ-QA-GUZ", "Guzor" },
	{ 0, "UZ-QA-QMS", "Qamashi" },
	{ 0, "UZ-QA-QRS", "Qarshi" },
	{ 0, "UZ-QA-KSB", "Kasbi" },
	{ 0, "UZ-QA-KTB", "Kitob" },
	{ 0, "UZ-QA-KSN", "Koson" },
	{ 0, "UZ-QA-MRS", "Mirishkor" },
	{ 0, "UZ-QA-MBR", "Muborak" },
	{ 0, "UZ-QA-NSH", "Nishon" },
	{ 0, "UZ-QA-SHR", "Shahrisabz" },
	{ 0, "UZ-QA-YKB", "Yakkabog" },
	{ 1, "UZ-SU-ANG", "Angor" },
	{ 1, "UZ-SU-BYS", "Boysun" },
	{ 1, "UZ-SU-DNV", "Denov" },
	{ 1, "UZ-SU-JRQ", "Jarqorgon" },
	{ 1, "UZ-SU-QZR", "Qiziriq" },
	{ 1, "UZ-SU-QMQ", "Qumqorgon" },
	{ 1, "UZ-SU-MZR", "Muzrabot" },
	{ 1, "UZ-SU-OLS", "Oltinsoy" },
	{ 1, "UZ-SU-SRS", "Sariosiyo" },
	{ 1, "UZ-SU-SHB", "Sherobod" },
	{ 1, "UZ-SU-SHC", "Shorchi" },
	{ 1, "UZ-SU-TRM", "Termiz" },
	{ 1, "UZ-SU-UZN", "Uzun" },
	{ 2, "UZ-BU-OLT", "Olot" },
	{ 2, "UZ-BU-BXR", "Buxoro" },
	{ 2, "UZ-BU-GJD", "Gijduvon" },
	{ 2, "UZ-BU-JND", "Jondor" },
	{ 2, "UZ-BU-KGN", "Kogon" },
	{ 2, "UZ-BU-QRK", "Qorakol" },
	{ 2, "UZ-BU-QVB", "Qorovulbozor" },
	{ 2, "UZ-BU-PSK", "Peshku" },
	{ 2, "UZ-BU-RMT", "Romitan" },
	{ 2, "UZ-BU-SHF", "Shofirkon" },
	{ 2, "UZ-BU-VBK", "Vobkent" },
	{ 3, "UZ-JI-ARN", "Arnasoy" },
	{ 3, "UZ-JI-BXM", "Baxmal" },
	{ 3, "UZ-JI-DST", "Dostlik" },
	{ 3, "UZ-JI-FRS", "Forish" },
	{ 3, "UZ-JI-GLR", "Gallaorol" },
	{ 3, "UZ-JI-SRD", "Sharof Rashidov" },
	{ 3, "UZ-JI-MRC", "Mirzachol" },
	{ 3, "UZ-JI-PXK", "Paxtakor" },
	{ 3, "UZ-JI-ZMN", "Zomin" },
	{ 3, "UZ-JI-ZFR", "Zafarobod" },
	{ 3, "UZ-JI-ZRB", "Zarbdor" },
	{ 4, "UZ-XO-BGT", "Bogot" },
	{ 4, "UZ-XO-GRL", "Gurlan" },
	{ 4, "UZ-XO-XNQ", "Xonqa" },
	{ 4, "UZ-XO-HZR", "Hazorasp" },
	{ 4, "UZ-XO-XIV", "Khiva" },
	{ 4, "UZ-XO-QSK", "Qoshkopir" },
	{ 4, "UZ-XO-SHV", "Shovot" },
	{ 4, "UZ-XO-URG", "Urganch" },
	{ 4, "UZ-XO-YAR", "Yangiariq" },
	{ 4, "UZ-XO-YBZ", "Yangibozor" },
	{ 5, "UZ-SI-OQL", "Oqoltin" },
	{ 5, "UZ-SI-BYV", "Boyovut" },
	{ 5, "UZ-SI-GUL", "Guliston" },
	{ 5, "UZ-SI-XVS", "Xovos" },
	{ 5, "UZ-SI-MZB", "Mirzaobod" },
	{ 5, "UZ-SI-SYX", "Sayxunobod" },
	{ 5, "UZ-SI-SRD", "Sardoba" },
	{ 5, "UZ-SI-SRY", "Sirdaryo" },
	{ 6, "UZ-QR-AMU", "Amudaryo" },
	{ 6, "UZ-QR-BER", "Beruniy" },
	{ 6, "UZ-QR-CHM", "Chimboy" },
	{ 6, "UZ-QR-ELL", "Ellikqala" },
	{ 6, "UZ-QR-KEG", "Kegeyli" },
	{ 6, "UZ-QR-QNL", "Qanlikol" },
	{ 6, "UZ-QR-QRZ", "Qoraozak" },
	{ 6, "UZ-QR-SHU", "Shumanay" },
	{ 6, "UZ-QR-TRT", "Tortkol" },
	{ 6, "UZ-QR-XJL", "Xojayli" },
	{ 6, "UZ-QR-NKS", "Nukus" },
	{ 6, "UZ-QR-TXK", "Taxtakopir" },
	{ 7, "UZ-SA-BLG", "Bulungur" },
	{ 7, "UZ-SA-IST", "Ishtixon" },
	{ 7, "UZ-SA-JMB", "Jomboy" },
	{ 7, "UZ-SA-KTK", "Kattaqorgon" },
	{ 7, "UZ-SA-QRB", "Qoshrabot" },
	{ 7, "UZ-SA-NRP", "Narpay" },
	{ 7, "UZ-SA-NRB", "Nurobod" },
	{ 7, "UZ-SA-OQD", "Oqdaryo" },
	{ 7, "UZ-SA-PXC", "Paxtachi" },
	{ 7, "UZ-SA-PYQ", "Payariq" },
	{ 7, "UZ-SA-PDG", "Pastdargom" },
	{ 7, "UZ-SA-TYL", "Toyloq" },
	{ 7, "UZ-SA-URT", "Urgut" },
	{ 8, "UZ-TO-BKB", "Bekobod" },
	{ 8, "UZ-TO-BOK", "Boka" },
	{ 8, "UZ-TO-CHN", "Chinoz" },
	{ 8, "UZ-TO-OQQ", "Oqqorgon" },
	{ 8, "UZ-TO-PSK", "Piskent" },
	{ 8, "UZ-TO-QCH", "Quyi Chirchiq" },
	{ 8, "UZ-TO-OCH", "Orta Chirchiq" },
	{ 8, "UZ-TO-YNG", "Yangiyol" },
	{ 8, "UZ-TO-ZNG", "Zangiota" },
	{ 9, "UZ-FA-OLA", "Oltiariq" },
	{ 9, "UZ-FA-BGD", "Bagdod" },
	{ 9, "UZ-FA-BSH", "Beshariq" },
	{ 9, "UZ-FA-BUV", "Buvayda" },
	{ 9, "UZ-FA-DNG", "Dangara" },
	{ 9, "UZ-FA-FRQ", "Furqat" },
	{ 9, "UZ-FA-QST", "Qoshtepa" },
	{ 9, "UZ-FA-QUV", "Quva" },
	{ 9, "UZ-FA-RSH", "Rishton" },
	{ 9, "UZ-FA-UCK", "Uchkoprik" },
	{ 9, "UZ-FA-YZV", "Yozyovon" },
	{ 10, "UZ-AN-ASK", "Asaka" },
	{ 10, "UZ-AN-BLQ", "Baliqchi" },
	{ 10, "UZ-AN-BST", "Boston" },
	{ 10, "UZ-AN-BLB", "Buloqboshi" },
	{ 10, "UZ-AN-IZB", "Izboskan" },
	{ 10, "UZ-AN-JLQ", "Jalaquduq" },
	{ 10, "UZ-AN-XJB", "Xojaobod" },
	{ 10, "UZ-AN-QRT", "Qorgontepa" },
	{ 10, "UZ-AN-MRH", "Marhamat" },
	{ 10, "UZ-AN-OLK", "Oltinkol" },
	{ 10, "UZ-AN-PXB", "Paxtaobod" },
	{ 10, "UZ-AN-SHX", "Shahrixon" },
	{ 10, "UZ-AN-ULG", "Ulugnor" },
	{ 11, "UZ-NG-CHT", "Chortoq" },
	{ 11, "UZ-NG-CHS", "Chust" },
	{ 11, "UZ-NG-KSS", "Kosonsoy" },
	{ 11, "UZ-NG-MNB", "Mingbuloq" },
	{ 11, "UZ-NG-NRN", "Norin" },
	{ 11, "UZ-NG-POP", "Pop" },
	{ 11, "UZ-NG-TRQ", "Toraqorgon" },
	{ 11, "UZ-NG-UCQ", "Uchqorgon" },
	{ 11, "UZ-NG-UYC", "Uychi" },
	{ 11, "UZ-NG-YNQ", "Yangiqorgon" },
	{ 12, "UZ-NW-KRM", "Karmana" },
	{ 12, "UZ-NW-QZT", "Qiziltepa" },
	{ 12, "UZ-NW-KNX", "Konimex" },
	{ 12, "UZ-NW-NVB", "Navbahor" },
	{ 12, "UZ-NW-NUR", "Nurota" },
	{ 12, "UZ-NW-XTR", "Xatirchi" },
};

#define N_DISTRICTS (sizeof(district_table) / sizeof(district_table[0]))

static const char *const given[] = {
	"Akmal",  "Bahodir", "Dilshod", "Farhod", "Gulnora", "Jamshid",
	"Malika", "Nodir",   "Otabek",  "Rustam", "Sherzod", "Ulugbek",
	"Zarina", "Dilnoza", "Aziz",    "Sanjar", "Kamola",  "Shavkat",
};
static const char *const family[] = {
	"Abdullayev", "Karimov",  "Rakhimov", "Yusupov",   "Tursunov",
	"Nazarov",    "Ergashev", "Sobirov",  "Khodjayev", "Umarov",
	"Ismoilov",   "Mirzayev", "Qodirov",  "Aliyev",    "Jurayev",
	"Saidov",     "Rashidov", "Hamidov",  "Normatov",  "Toshmatov",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Knitters and garment makers abroad: where Uzbek yarn goes. Firms are
 * fictional; regions are ISO 3166-2. */
static const struct {
	const char *id, *code, *name, *region;
	int transit_lo, transit_hi;
	const char *waybill;
} maker_table[] = {
	{ "tr.knit.bursa", "TRBUR", "Bursa Knit and Apparel (fictional)",
	  "TR-16", 10, 16, "CMR" },
	{ "bd.knit.gazipur", "BDGAZ", "Gazipur Knit Composite (fictional)",
	  "BD-C", 35, 45, "SMGS" },
	{ "tr.knit.denizli", "TRDEN", "Denizli Tekstil (fictional)", "TR-20",
	  10, 16, "CMR" },
	{ "pt.knit.porto", "PTPOR", "Porto Malhas (fictional)", "PT-13", 16, 24,
	  "CMR" },
	{ "bd.knit.narayanganj", "BDNAR", "Narayanganj Knitwear (fictional)",
	  "BD-C", 35, 45, "SMGS" },
	{ "tr.knit.istanbul", "TRIST", "Istanbul Orme (fictional)", "TR-34", 10,
	  16, "CMR" },
};

static const struct {
	const char *id, *name, *region;
} brand_table[] = {
	{ "eu.brand.nordvik", "Nordvik Apparel (fictional)", "SE-AB" },
	{ "us.brand.trailhead", "Trailhead Outfitters (fictional)", "US-NY" },
	{ "eu.brand.hafenwerk", "Hafenwerk Mode (fictional)", "DE-HH" },
	{ "uk.brand.penrose", "Penrose and Daughters (fictional)", "GB-LND" },
	{ "eu.brand.grachten", "Grachten Basics (fictional)", "NL-NH" },
	{ "us.brand.sierra", "Sierra Supply Co (fictional)", "US-CA" },
};

static const struct {
	const char *id, *name, *region;
} exporter_table[] = {
	{ "uz.exporter.tashkent-1", "Tashkent Textile Trade (fictional)",
	  "UZ-TK" },
	{ "uz.exporter.fergana-1", "Fergana Yarn Export (fictional)", "UZ-FA" },
	{ "uz.exporter.tashkent-2", "Silk Road Fibre House (fictional)",
	  "UZ-TK" },
};

const char *
sim_status_name(enum sim_status s)
{
	static const char *const names[] = {
		[SIM_UNCERTIFIED] = "uncertified",
		[SIM_CERTIFIED] = "certified",
		[SIM_WITHDRAWN] = "withdrawn",
		[SIM_FORCED] = "forced_labour",
		[SIM_LAB_MISMATCH] = "lab_mismatch",
	};

	return names[s];
}

static uint32_t
add_actor(struct sim_world *w, const char *roles, const char *region,
	  const char *district)
{
	struct sim_actor *a = &w->actors[w->n_actors];

	a->roles = roles;
	a->region = region;
	a->district = district;
	return (uint32_t)w->n_actors++;
}

static int
pick_region(struct sim_rng *r, const int *avoid, int n_avoid)
{
	int total = 0;

	for (size_t i = 0; i < N_REGIONS; i++)
		total += regions[i].weight;
	for (;;) {
		int x = (int)sim_rng_below(r, (uint32_t)total), i = 0, ok = 1;

		while (x >= regions[i].weight)
			x -= regions[i++].weight;
		for (int k = 0; k < n_avoid; k++)
			ok &= avoid[k] != i;
		if (ok)
			return i;
	}
}

int
sim_world_build(struct sim_world *w, struct sim_rng *r, uint64_t seed,
		uint32_t farms, int first_season, int seasons)
{
	size_t n_clusters, n_actors, next[N_REGIONS] = { 0 }, first[N_REGIONS];
	int used_regions[4];
	uint32_t farm = 0;

	memset(w, 0, sizeof(*w));
	w->seed = seed;
	w->first_season = first_season;
	w->seasons = seasons;
	w->n_farms = farms;
	w->regions = regions;
	w->n_regions = N_REGIONS;

	/* One cluster per ~sqrt(farms) farms: 8 for the demo's 60 farms,
	 * 142 for 20,000 (Uzbekistan had about 130 clusters in 2021). At
	 * least four, so every kind of verdict has its cluster. */
	n_clusters = (size_t)lround(sqrt((double)farms));
	if (n_clusters < 4)
		n_clusters = 4;
	if (n_clusters > farms / 2)
		n_clusters = farms / 2;
	w->n_clusters = n_clusters;
	w->n_makers = 4 + n_clusters / 40;
	if (w->n_makers > COUNT(maker_table))
		w->n_makers = COUNT(maker_table);
	w->n_brands = 4 + n_clusters / 50;
	if (w->n_brands > COUNT(brand_table))
		w->n_brands = COUNT(brand_table);
	w->n_exporters = n_clusters >= 30 ? 3 : 2;

	n_actors = 1 + 2 + 2 + w->n_exporters + 2 * n_clusters + farms +
		   w->n_makers + w->n_brands;
	w->actors = calloc(n_actors, sizeof(*w->actors));
	w->districts = calloc(N_DISTRICTS, sizeof(*w->districts));
	w->farms = calloc(farms, sizeof(*w->farms));
	w->clusters = calloc(n_clusters, sizeof(*w->clusters));
	w->makers = calloc(w->n_makers, sizeof(*w->makers));
	w->brands = calloc(w->n_brands, sizeof(*w->brands));
	if (!w->actors || !w->districts || !w->farms || !w->clusters ||
	    !w->makers || !w->brands)
		return -1;
	w->n_districts = N_DISTRICTS;
	for (size_t i = 0; i < N_DISTRICTS; i++) {
		w->districts[i].code = district_table[i].code;
		w->districts[i].name = district_table[i].name;
		w->districts[i].region = district_table[i].region;
	}
	for (size_t i = N_DISTRICTS; i-- > 0;)
		first[district_table[i].region] = i;

	w->registrar = add_actor(w, "\"registrar\"", "UZ-TK", "");
	snprintf(w->actors[w->registrar].id, sizeof(w->actors[0].id),
		 "uz.registrar");
	snprintf(w->actors[w->registrar].name, sizeof(w->actors[0].name),
		 "Cotton actor registry (simulated)");
	for (int m = 0; m < 2; m++) {
		uint32_t a = add_actor(w, "\"monitor\"", "UZ-TK", "");

		snprintf(w->actors[a].id, sizeof(w->actors[a].id),
			 "monitor.tpm-%s", m == MONITOR_WEST ? "west" : "east");
		snprintf(w->actors[a].name, sizeof(w->actors[a].name),
			 "Third-party harvest monitor, %s regions (fictional)",
			 m == MONITOR_WEST ? "western and southern"
					   : "eastern");
		w->monitors[m] = a;
	}
	{
		uint32_t a = add_actor(w, "\"lab\"", "DE-HB", "");

		snprintf(w->actors[a].id, sizeof(w->actors[a].id),
			 "lab.isotope-bremen");
		snprintf(w->actors[a].name, sizeof(w->actors[a].name),
			 "Stable-isotope fibre laboratory (fictional)");
		w->labs[0] = a;
		a = add_actor(w, "\"lab\"", "UZ-TK", "");
		snprintf(w->actors[a].id, sizeof(w->actors[a].id),
			 "lab.trace-tashkent");
		snprintf(w->actors[a].name, sizeof(w->actors[a].name),
			 "Trace-element origin laboratory (fictional)");
		w->labs[1] = a;
	}
	for (size_t e = 0; e < w->n_exporters; e++) {
		uint32_t a = add_actor(w, "\"exporter\"",
				       exporter_table[e].region, "");

		snprintf(w->actors[a].id, sizeof(w->actors[a].id), "%s",
			 exporter_table[e].id);
		snprintf(w->actors[a].name, sizeof(w->actors[a].name), "%s",
			 exporter_table[e].name);
		w->exporters[e] = a;
	}

	for (size_t c = 0; c < n_clusters; c++) {
		struct sim_cluster *cl = &w->clusters[c];
		uint32_t n_farms = (uint32_t)(farms / n_clusters +
					      (c < farms % n_clusters));
		const struct sim_region *rg;
		int want;

		/* The first four clusters carry the showcase: keep them in
		 * four regions, so their districts differ. */
		cl->region = pick_region(r, used_regions, c < 4 ? (int)c : 0);
		if (c < 4)
			used_regions[c] = cl->region;
		rg = &regions[cl->region];
		want = sim_rng_between(r, 1, 3);
		if ((uint32_t)want > n_farms)
			want = (int)n_farms;
		for (int k = 0; k < want; k++) {
			size_t span = 0, d;

			for (size_t i = first[cl->region];
			     i < N_DISTRICTS &&
			     district_table[i].region == cl->region;
			     i++)
				span++;
			d = first[cl->region] + next[cl->region]++ % span;
			if (k > 0 && d == cl->districts[0])
				break; /* a small region, wrapped around */
			cl->districts[cl->n_districts++] = (uint32_t)d;
			w->districts[d].used++;
			if (c < 2)
				w->districts[d].protect = 1;
		}
		/* at most 316 clusters (99,999 farms): 5 bytes */
		snprintf(cl->code, sizeof(cl->code), "%.2s%03u", rg->code + 3,
			 (unsigned)(c + 1));
		cl->gin_code = 20001 + (uint32_t)c;
		cl->mill_exports = c % 3 != 2;
		cl->exporter = w->exporters[c % w->n_exporters];
		cl->partner = (uint32_t)((c + 1) % n_clusters);
		cl->n_farms = n_farms;
		cl->gin = add_actor(w, "\"gin\"", rg->code,
				    w->districts[cl->districts[0]].code);
		snprintf(w->actors[cl->gin].id, sizeof(w->actors[0].id),
			 "uz.gin.%c%c%03zu", rg->code[3] | 0x20,
			 rg->code[4] | 0x20, c + 1);
		snprintf(w->actors[cl->gin].name, sizeof(w->actors[0].name),
			 "%s cotton-textile cluster %zu, gin (fictional)",
			 w->districts[cl->districts[0]].name, c + 1);
		cl->mill = add_actor(
			w,
			cl->mill_exports ? "\"spinner\",\"exporter\""
					 : "\"spinner\"",
			rg->code, w->districts[cl->districts[0]].code);
		snprintf(w->actors[cl->mill].id, sizeof(w->actors[0].id),
			 "uz.mill.%c%c%03zu", rg->code[3] | 0x20,
			 rg->code[4] | 0x20, c + 1);
		snprintf(w->actors[cl->mill].name, sizeof(w->actors[0].name),
			 "%s cotton-textile cluster %zu, spinning mill "
			 "(fictional)",
			 w->districts[cl->districts[0]].name, c + 1);

		for (uint32_t k = 0; k < n_farms; k++, farm++) {
			struct sim_farm *f = &w->farms[farm];
			const struct sim_district *d;
			double u = sim_rng_unit(r);

			f->cluster = (uint32_t)c;
			f->district =
				cl->districts[k % (uint32_t)cl->n_districts];
			f->number = farm + 1;
			/* 25 to 135 ha, most of them small. */
			f->hectares = round((25 + 110 * u * sqrt(u)) * 10) / 10;
			/* Machine picking is still the exception. */
			f->machine = sim_rng_unit(r) < 0.15;
			cl->hectares += f->hectares;
			d = &w->districts[f->district];
			f->actor = add_actor(w, "\"farm\"",
					     regions[d->region].code, d->code);
			snprintf(w->actors[f->actor].id,
				 sizeof(w->actors[0].id), "uz.farm.%05u",
				 f->number);
			snprintf(w->actors[f->actor].name,
				 sizeof(w->actors[0].name),
				 "%s %s farm, %s (fictional)",
				 given[sim_rng_below(r, COUNT(given))],
				 family[sim_rng_below(r, COUNT(family))],
				 d->name);
		}
	}
	for (size_t m = 0; m < w->n_makers; m++) {
		struct sim_maker *mk = &w->makers[m];

		mk->actor =
			add_actor(w, "\"importer\",\"weaver\",\"manufacturer\"",
				  maker_table[m].region, "");
		snprintf(w->actors[mk->actor].id, sizeof(w->actors[0].id), "%s",
			 maker_table[m].id);
		snprintf(w->actors[mk->actor].name, sizeof(w->actors[0].name),
			 "%s", maker_table[m].name);
		mk->code = maker_table[m].code;
		mk->transit_lo = maker_table[m].transit_lo;
		mk->transit_hi = maker_table[m].transit_hi;
		mk->waybill = maker_table[m].waybill;
	}
	for (size_t b = 0; b < w->n_brands; b++) {
		uint32_t a = add_actor(w, "\"brand\",\"importer\"",
				       brand_table[b].region, "");

		snprintf(w->actors[a].id, sizeof(w->actors[0].id), "%s",
			 brand_table[b].id);
		snprintf(w->actors[a].name, sizeof(w->actors[0].name), "%s",
			 brand_table[b].name);
		w->brands[b] = a;
	}
	return 0;
}

void
sim_world_release(struct sim_world *w)
{
	free(w->actors);
	free(w->districts);
	free(w->farms);
	free(w->clusters);
	free(w->makers);
	free(w->brands);
	memset(w, 0, sizeof(*w));
}

/* The key of an actor: its seed is SHA-256("paxta-sim key" ‖ seed ‖ id),
 * so keys are reproducible and differ between seeds. Test keys only. */
static int
derive_key(struct px_seckey *out, uint64_t seed, const char *id)
{
	uint8_t material[8 + 64 + 16];
	struct px_hash h;
	size_t n = 0, len = strlen(id);
	int rc;

	memcpy(material, "paxta-sim key", 13);
	n = 13;
	for (int i = 0; i < 8; i++)
		material[n++] = (uint8_t)(seed >> (8 * i));
	if (len > sizeof(material) - n)
		return PX_EINVAL;
	memcpy(material + n, id, len);
	n += len;
	if ((rc = px_sha256(&h, material, n)) != PX_OK)
		return rc;
	rc = px_key_from_seed(out, h.b);
	OPENSSL_cleanse(&h, sizeof(h));
	return rc;
}

/* Key files are written by several threads: each is fsync'd
 * (px_key_write_pem), and 20,000 fsyncs one after another take a while. */
#define KEY_THREADS 8

struct key_writer {
	struct sim_world *w;
	const char *dir;
	atomic_size_t next;
	pthread_mutex_t lock;
	char error[512]; /* the first failure */
};

static void *
write_keys(void *arg)
{
	struct key_writer *kw = arg;
	struct sim_world *w = kw->w;
	size_t i;

	while ((i = atomic_fetch_add(&kw->next, 1)) < w->n_actors) {
		struct sim_actor *a = &w->actors[i];
		struct px_seckey key;
		char *path = NULL;
		int rc = PX_ENOMEM;

		if (asprintf(&path, "%s/keys/%s.key", kw->dir, a->id) < 0)
			path = NULL;
		else if ((rc = derive_key(&key, w->seed, a->id)) == PX_OK) {
			rc = px_key_write_pem(path, &key);
			px_pubkey_to_base64(a->public_key, &key.pub);
			px_key_wipe(&key);
		}
		if (rc != PX_OK) {
			pthread_mutex_lock(&kw->lock);
			if (!kw->error[0])
				snprintf(kw->error, sizeof(kw->error),
					 "cannot write key '%s': %s",
					 path ? path : a->id, px_strerror(rc));
			pthread_mutex_unlock(&kw->lock);
		}
		free(path);
	}
	return NULL;
}

int
sim_world_write_actors(struct sim_world *w, const char *dir,
		       struct sim_lines *lines, int64_t start)
{
	struct key_writer kw = { .w = w, .dir = dir };
	pthread_t threads[KEY_THREADS];
	int started = 0;
	char *path = NULL;
	FILE *pub = NULL;
	int rc = -1;

	atomic_init(&kw.next, 0);
	pthread_mutex_init(&kw.lock, NULL);
	for (; started < KEY_THREADS; started++)
		if (pthread_create(&threads[started], NULL, write_keys, &kw))
			break;
	if (started == 0)
		write_keys(&kw);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	pthread_mutex_destroy(&kw.lock);
	if (kw.error[0]) {
		fprintf(stderr, "paxta-sim: %s\n", kw.error);
		return -1;
	}
	memcpy(w->registrar_pub, w->actors[w->registrar].public_key,
	       sizeof(w->registrar_pub));

	/* First the registrar's map (DESIGN.md §6.1): every region and
	 * district the world names, and Tashkent city (UZ-TK), where the
	 * registrar, the monitors and two exporters sit. */
	sim_put(lines, "{\"kind\":\"publish_districts\",\"actor\":\"");
	sim_put(lines, w->actors[w->registrar].id);
	sim_put(lines, "\",\"country\":\"UZ\",\"regions\":[{\"code\":"
		       "\"UZ-TK\",\"name\":\"Tashkent city\"}");
	for (size_t r = 0; r < w->n_regions; r++) {
		int first = 1;

		sim_put(lines, ",{");
		sim_put_field(lines, "code", w->regions[r].code);
		sim_put(lines, ",");
		sim_put_field(lines, "name", w->regions[r].name);
		sim_put(lines, ",\"districts\":[");
		for (size_t d = 0; d < w->n_districts; d++) {
			if (w->districts[d].region != (int)r)
				continue;
			sim_put(lines, first ? "{" : ",{");
			sim_put_field(lines, "code", w->districts[d].code);
			sim_put(lines, ",");
			sim_put_field(lines, "name", w->districts[d].name);
			sim_put(lines, "}");
			first = 0;
		}
		sim_put(lines, "]}");
	}
	sim_put(lines, "]");
	sim_end(lines, SIM_PUBLISH);

	for (size_t i = 0; i < w->n_actors; i++) {
		const struct sim_actor *a = &w->actors[i];

		if (i == w->registrar)
			continue;
		sim_put(lines, "{\"kind\":\"register_actor\",\"actor\":\"");
		sim_put(lines, w->actors[w->registrar].id);
		sim_put(lines, "\",\"subject\":{");
		sim_put_field(lines, "id", a->id);
		sim_put(lines, ",");
		sim_put_field(lines, "name", a->name);
		sim_put(lines, ",\"roles\":[");
		sim_put(lines, a->roles);
		sim_put(lines, "],");
		sim_put_field(lines, "region", a->region);
		if (a->district[0]) {
			sim_put(lines, ",");
			sim_put_field(lines, "district", a->district);
		}
		sim_put(lines, ",\"public_key\":\"");
		sim_put(lines, a->public_key);
		sim_put(lines, "\"}");
		sim_end(lines, SIM_REGISTER);
	}
	/* Registrations over the first week of August. */
	sim_flush(lines, start, 7 * 86400);
	if (lines->failed) {
		fprintf(stderr, "paxta-sim: cannot write the actors: %s\n",
			strerror(errno));
		goto out;
	}
	if (asprintf(&path, "%s/registrar.pub", dir) < 0) {
		path = NULL;
		goto out;
	}
	if (!(pub = fopen(path, "w")) ||
	    fprintf(pub, "%s\n", w->registrar_pub) < 0) {
		fprintf(stderr, "paxta-sim: cannot write '%s': %s\n", path,
			strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (pub && fclose(pub) != 0 && rc == 0) {
		fprintf(stderr, "paxta-sim: cannot write '%s': %s\n", path,
			strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

/* Statuses are drawn among the districts some cluster farms in, but never
 * among those of clusters 0 and 1: their mill's yarn is the showcase's
 * free lot. */
static int
candidate(const struct sim_world *w, uint32_t d)
{
	return w->districts[d].used && !w->districts[d].protect &&
	       w->districts[d].status == SIM_CERTIFIED;
}

/* A candidate district of cluster c, or of any cluster from c on. */
static int
pick_district(const struct sim_world *w, struct sim_rng *r, size_t c,
	      uint32_t *out)
{
	for (size_t k = c; k < w->n_clusters; k++) {
		const struct sim_cluster *cl = &w->clusters[k];
		uint32_t start = sim_rng_below(r, (uint32_t)cl->n_districts);

		for (int i = 0; i < cl->n_districts; i++) {
			uint32_t d = cl->districts[(start + (uint32_t)i) %
						   (uint32_t)cl->n_districts];

			if (candidate(w, d)) {
				*out = d;
				return 0;
			}
		}
	}
	return -1;
}

void
sim_world_statuses(struct sim_world *w, struct sim_rng *r)
{
	size_t n_candidates = 0, want;
	uint32_t d;

	for (size_t i = 0; i < w->n_districts; i++) {
		struct sim_district *dd = &w->districts[i];

		dd->status = dd->used ? SIM_CERTIFIED : SIM_UNCERTIFIED;
		dd->harvest_lots = 0;
		dd->harvest_grams = 0;
		n_candidates += dd->used && !dd->protect;
	}
	/* One district with a forced-labour finding (cluster 2's), one
	 * certified and later withdrawn (cluster 3's), and a few that no
	 * monitor reached. */
	if (pick_district(w, r, 2, &d) == 0)
		w->districts[d].status = SIM_FORCED;
	if (pick_district(w, r, 3, &d) == 0)
		w->districts[d].status = SIM_WITHDRAWN;
	want = 2 + n_candidates / 40;
	for (size_t k = 0; k < want && k < 16; k++) {
		size_t c = 3 + sim_rng_below(r, (uint32_t)(w->n_clusters - 3));

		if (k == 0)
			c = 3; /* beside the withdrawal: an unverified mill */
		if (pick_district(w, r, c, &d) == 0 ||
		    pick_district(w, r, 2, &d) == 0)
			w->districts[d].status = SIM_UNCERTIFIED;
	}
}
