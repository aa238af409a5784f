/* Fuzz target: a request's URL as paxtad reads it — the path split into
 * %-decoded segments, and the %-decoded values of its query string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxtad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEGMENTS 8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1), *query, *save = NULL;
	char *segments[SEGMENTS];
	size_t n = 0;

	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	query = strchr(url, '?');
	if (query)
		*query++ = '\0';
	(void)pxd_split_path(segments, SEGMENTS, &n, url);
	if (n > SEGMENTS)
		abort();
	for (size_t i = 0; i < n; i++)
		free(segments[i]);
	for (char *arg = query ? strtok_r(query, "&", &save) : NULL; arg;
	     arg = strtok_r(NULL, "&", &save)) {
		char *value = strchr(arg, '=');
		size_t raw;

		value = value ? value + 1 : arg;
		raw = strlen(value);
		/* decoding never lengthens a value */
		if (pxd_percent_decode(value) == 0 && strlen(value) > raw)
			abort();
	}
	free(url);
	return 0;
}
