/*
 * paxta-sim — JSON lines, written fast: millions of events go through
 * these appenders, so they copy bytes instead of calling printf, and a
 * phase's events wait in one buffer until their times are known.
 */
#include <stdlib.h>
#include <string.h>

#include "paxta/crypto.h"
#include "sim.h"

/* ---- dates (H. Hinnant's days_from_civil / civil_from_days) ---- */

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
sim_epoch(int year, int month, int day)
{
	return days_from_civil(year, month, day) * 86400;
}

static void
two(char *out, int v)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

void
sim_format_time(char out[21], int64_t t)
{
	int64_t z = t / 86400 + 719468, era, doe, yoe, y, doy, mp;
	int secs = (int)(t % 86400), d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	two(out, (int)(y / 100));
	two(out + 2, (int)(y % 100));
	out[4] = '-';
	two(out + 5, m);
	out[7] = '-';
	two(out + 8, d);
	out[10] = 'T';
	two(out + 11, secs / 3600);
	out[13] = ':';
	two(out + 14, secs / 60 % 60);
	out[16] = ':';
	two(out + 17, secs % 60);
	out[19] = 'Z';
	out[20] = '\0';
}

/* ---- names ---- */

const char *
sim_kind_name(enum sim_kind kind)
{
	static const char *const names[] = {
		[SIM_REGISTER] = "register_actor",
		[SIM_HARVEST] = "harvest",
		[SIM_TRANSFER] = "transfer",
		[SIM_RECEIVE] = "receive",
		[SIM_TRANSFORM] = "transform",
		[SIM_ATTEST] = "attest",
		[SIM_LAB] = "lab_result",
		[SIM_PUBLISH] = "publish_districts",
	};

	return names[kind];
}

void
sim_format_kg(char out[32], uint64_t grams)
{
	uint64_t frac = grams % 1000;
	int n = 0;
	char digits[24];
	int k = 0;

	for (uint64_t whole = grams / 1000;; whole /= 10) {
		digits[k++] = (char)('0' + whole % 10);
		if (whole < 10)
			break;
	}
	while (k)
		out[n++] = digits[--k];
	if (frac) {
		out[n++] = '.';
		out[n++] = (char)('0' + frac / 100);
		frac %= 100;
		if (frac) {
			out[n++] = (char)('0' + frac / 10);
			frac %= 10;
			if (frac)
				out[n++] = (char)('0' + frac);
		}
	}
	out[n] = '\0';
}

/* ---- a phase's lines ---- */

void
sim_lines_init(struct sim_lines *l, FILE *out)
{
	memset(l, 0, sizeof(*l));
	l->out = out;
}

void
sim_lines_release(struct sim_lines *l)
{
	free(l->buf);
	free(l->ends);
	free(l->kind);
	memset(l, 0, sizeof(*l));
}

static int
reserve(struct sim_lines *l, size_t more)
{
	size_t cap;
	char *nb;

	if (l->len + more <= l->cap)
		return 0;
	cap = l->cap ? l->cap : 1 << 16;
	while (cap < l->len + more)
		cap *= 2;
	if (!(nb = realloc(l->buf, cap))) {
		l->failed = 1;
		return -1;
	}
	l->buf = nb;
	l->cap = cap;
	return 0;
}

void
sim_putn(struct sim_lines *l, const char *s, size_t n)
{
	if (reserve(l, n))
		return;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

void
sim_put(struct sim_lines *l, const char *s)
{
	sim_putn(l, s, strlen(s));
}

void
sim_put_u(struct sim_lines *l, uint64_t v)
{
	char digits[24];
	int k = sizeof(digits);

	do {
		digits[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sim_putn(l, digits + k, sizeof(digits) - (size_t)k);
}

void
sim_put_pad(struct sim_lines *l, uint64_t v, int width)
{
	char digits[24];
	uint64_t limit = 1;

	for (int k = 0; k < width; k++)
		limit *= 10;
	if (v >= limit)
		l->overflow = 1; /* an id would collide with another */

	for (int k = width - 1; k >= 0; k--) {
		digits[k] = (char)('0' + v % 10);
		v /= 10;
	}
	sim_putn(l, digits, (size_t)width);
}

void
sim_put_kg(struct sim_lines *l, uint64_t grams)
{
	char kg[32];

	sim_format_kg(kg, grams);
	sim_put(l, kg);
}

void
sim_put_field(struct sim_lines *l, const char *name, const char *value)
{
	static const char hex[] = "0123456789abcdef";

	sim_put(l, "\"");
	sim_put(l, name);
	sim_put(l, "\":\"");
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char esc[7] = { '\\',         'u',          '0', '0',
				hex[*p >> 4], hex[*p & 15], 0 };

		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			sim_putn(l, esc, 2);
		} else if (*p < 0x20) {
			sim_putn(l, esc, 6);
		} else {
			sim_putn(l, (const char *)p, 1);
		}
	}
	sim_put(l, "\"");
}

void
sim_put_sha256(struct sim_lines *l, const char *text)
{
	struct px_hash h;
	char hex[2 * PX_HASH_LEN + 1];

	if (px_sha256(&h, text, strlen(text)) != PX_OK) {
		l->failed = 1;
		return;
	}
	px_hex_encode(hex, h.b, PX_HASH_LEN);
	sim_putn(l, hex, 2 * PX_HASH_LEN);
}

void
sim_end(struct sim_lines *l, enum sim_kind kind)
{
	if (l->n == l->n_cap) {
		size_t cap = l->n_cap ? 2 * l->n_cap : 1024;
		size_t *ends = realloc(l->ends, cap * sizeof(*ends));
		uint8_t *kinds;

		if (ends)
			l->ends = ends;
		kinds = ends ? realloc(l->kind, cap * sizeof(*kinds)) : NULL;
		if (!kinds) {
			l->failed = 1;
			return;
		}
		l->kind = kinds;
		l->n_cap = cap;
	}
	l->ends[l->n] = l->len;
	l->kind[l->n++] = (uint8_t)kind;
	l->by_kind[kind]++;
}

void
sim_flush(struct sim_lines *l, int64_t start, int64_t window)
{
	size_t from = 0;

	for (size_t k = 0; k < l->n; k++) {
		int64_t t = start + (int64_t)((uint64_t)window * k / l->n);
		char when[21], tail[80];
		size_t n = 0;

		if (l->kind[k] == SIM_HARVEST) {
			memcpy(tail, ",\"harvested_at\":\"", 17);
			sim_format_time(tail + 17, t - 3600);
			memcpy(tail + 37, "\"", 1);
			n = 38;
		}
		sim_format_time(when, t);
		memcpy(tail + n, ",\"time\":\"", 9);
		memcpy(tail + n + 9, when, 20);
		memcpy(tail + n + 29, "\"}\n", 3);
		n += 32;
		if (fwrite(l->buf + from, 1, l->ends[k] - from, l->out) !=
			    l->ends[k] - from ||
		    fwrite(tail, 1, n, l->out) != n)
			l->failed = 1;
		l->bytes += l->ends[k] - from + n;
		l->file_bytes += l->ends[k] - from + n;
		from = l->ends[k];
	}
	l->len = 0;
	l->n = 0;
}

void
sim_day_end(struct sim_lines *l)
{
	if (!l->next_file || l->file_bytes < SIM_FILE_BYTES)
		return;
	if (l->next_file(l, l->next_ctx))
		l->failed = 1;
	l->file_bytes = 0;
}
