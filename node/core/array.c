/* paxta — growable arrays. */
#include <stdint.h>
#include <stdlib.h>

#include "array.h"
#include "paxta/error.h"

int
px_array_grow(void **items, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 32;
	void *q;

	if (need <= *cap)
		return PX_OK;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return PX_ENOMEM;
		n *= 2;
	}
	if (size && n > SIZE_MAX / size)
		return PX_ENOMEM;
	q = realloc(*items, n * size);
	if (!q)
		return PX_ENOMEM;
	*items = q;
	*cap = n;
	return PX_OK;
}
