/*
 * paxta — growable arrays, private to libpaxta.
 */
#ifndef PAXTA_ARRAY_H
#define PAXTA_ARRAY_H

#include <stddef.h>

/*
 * Make *items (an array of elements of size bytes, *cap of them allocated)
 * hold at least need elements, doubling as it grows. PX_OK, or PX_ENOMEM
 * with *items and *cap unchanged.
 */
int px_array_grow(void **items, size_t *cap, size_t need, size_t size);

#endif
