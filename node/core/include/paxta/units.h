/*
 * paxta — masses and times as people read and write them.
 *
 * Masses are integer grams inside paxta; people and JSON use kg with up to
 * 3 decimals. Times are Unix seconds inside; RFC 3339 (UTC) outside.
 */
#ifndef PAXTA_UNITS_H
#define PAXTA_UNITS_H

#include <stdint.h>

#include <jansson.h>

/* The largest mass of one lot or line: 10^15 g, a billion tonnes, far
 * above a country's harvest, and small enough that sums of a batch of
 * lines cannot overflow 64 bits. */
#define PX_GRAMS_MAX 1000000000000000ULL

#define PX_KG_TEXT   32
#define PX_TIME_TEXT 32

/* "12000", "11.98", "0.005": kg with trailing zeros dropped. */
void px_format_kg(char out[PX_KG_TEXT], uint64_t grams);

/* kg of grams as JSON, rounded to the gram: an integer when whole, else
 * a number with its decimals (the form every kg in the JSON has). NULL
 * when out of memory. */
json_t *px_kg_json(double grams);

/* "2026-09-21T08:00:00Z". */
void px_format_time(char out[PX_TIME_TEXT], int64_t seconds);

/*
 * Parse an RFC 3339 date-time ("2026-09-21T08:00:00Z", "...+05:00",
 * fractional seconds dropped) or a date ("2026-09-21", midnight UTC).
 * PX_OK or PX_EMALFORMED.
 */
int px_parse_time(int64_t *out, const char *text);

/*
 * kg as a decimal text with at most 3 decimals ("11.98", "12000") into
 * grams. PX_EMALFORMED for anything else (a negative number, 4 decimals,
 * an exponent), PX_ETOOLARGE above PX_GRAMS_MAX.
 */
int px_parse_kg(uint64_t *out, const char *text);

#endif
