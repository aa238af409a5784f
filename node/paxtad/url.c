/* paxtad — URLs decoded: percent escapes and path segments (RFC 3986). */
#include <stdlib.h>
#include <string.h>

#include "paxtad.h"

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pxd_percent_decode(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r != '%') {
			*w++ = *r;
			continue;
		}
		{
			/* RFC 3986 §2.1; lo is read only when hi was a
			 * digit, so never past the terminating NUL */
			int hi = hex_digit(r[1]),
			    lo = hi < 0 ? -1 : hex_digit(r[2]);

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		}
	}
	*w = '\0';
	return 0;
}

int
pxd_split_path(char **segments, size_t max, size_t *n, const char *url)
{
	const char *p = url;

	if (*p != '/')
		return -1;
	while (*p == '/' && *n < max) {
		const char *end = strchr(p + 1, '/');
		size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);
		char *seg = strndup(p + 1, len);

		if (!seg)
			return -2;
		segments[(*n)++] = seg;
		if (pxd_percent_decode(seg) != 0)
			return -3;
		p += len + 1;
	}
	return *p ? -1 : 0;
}
