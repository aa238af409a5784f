/* paxtad — URLs decoded: percent escapes and path segments (RFC 3986). */
#include <stdlib.h>
#include <string.h>

#include "paxta/crypto.h"
#include "paxtad.h"

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
			/* RFC 3986 §2.1; px_hex_decode stops at the first
			 * non-hex digit, so never reads past the NUL */
			uint8_t b;

			if (px_hex_decode(&b, 1, r + 1) != PX_OK || b == 0)
				return -1;
			*w++ = (char)b;
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
