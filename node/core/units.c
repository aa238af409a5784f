/* paxta — masses and times as people read and write them. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "paxta/error.h"
#include "paxta/units.h"

void
px_format_kg(char out[PX_KG_TEXT], uint64_t grams)
{
	uint64_t kg = grams / 1000, g = grams % 1000;

	if (g == 0)
		snprintf(out, PX_KG_TEXT, "%llu", (unsigned long long)kg);
	else if (g % 100 == 0)
		snprintf(out, PX_KG_TEXT, "%llu.%llu", (unsigned long long)kg,
			 (unsigned long long)(g / 100));
	else if (g % 10 == 0)
		snprintf(out, PX_KG_TEXT, "%llu.%02llu", (unsigned long long)kg,
			 (unsigned long long)(g / 10));
	else
		snprintf(out, PX_KG_TEXT, "%llu.%03llu", (unsigned long long)kg,
			 (unsigned long long)g);
}

json_t *
px_kg_json(double grams)
{
	double g = round(grams);

	if (fmod(g, 1000.0) == 0)
		return json_integer((json_int_t)(g / 1000.0));
	return json_real(g / 1000.0);
}

void
px_format_time(char out[PX_TIME_TEXT], int64_t seconds)
{
	time_t t = (time_t)seconds;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(out, PX_TIME_TEXT, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, PX_TIME_TEXT, "@%lld", (long long)seconds);
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm, public domain description). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
px_parse_time(int64_t *out, const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	size_t n = strlen(s);
	const char *p;

	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return PX_EMALFORMED;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 &&
	     !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return PX_EMALFORMED;
	p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != 't') || strlen(p) < 9 ||
		    !digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi) || p[6] != ':' ||
		    !digits(p + 7, 2, &se))
			return PX_EMALFORMED;
		p += 9;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return PX_EMALFORMED;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
			sign = 0;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
			   digits(p + 1, 2, &oh) && p[3] == ':' &&
			   digits(p + 4, 2, &om)) {
			sign = *p == '+' ? 1 : -1;
		} else {
			return PX_EMALFORMED;
		}
		if (h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
			return PX_EMALFORMED;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	       sign * (oh * 3600 + om * 60);
	return PX_OK;
}

int
px_parse_kg(uint64_t *out, const char *s)
{
	uint64_t kg = 0, g = 0;
	int decimals = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return PX_EMALFORMED;
	for (; isdigit((unsigned char)*p); p++) {
		if (kg > PX_GRAMS_MAX / 1000)
			return PX_ETOOLARGE;
		kg = kg * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; isdigit((unsigned char)*p); p++) {
			if (++decimals > 3) {
				/* "12.5000" is fine: only zeros may pass 3. */
				if (*p != '0')
					return PX_EMALFORMED;
				continue;
			}
			g = g * 10 + (uint64_t)(*p - '0');
		}
		if (decimals == 0)
			return PX_EMALFORMED;
	}
	if (*p)
		return PX_EMALFORMED;
	for (int i = decimals < 3 ? decimals : 3; i < 3; i++)
		g *= 10;
	if (kg * 1000 + g > PX_GRAMS_MAX)
		return PX_ETOOLARGE;
	*out = kg * 1000 + g;
	return PX_OK;
}
