/* Fuzz target: an EntryBatch as paxtad reads it (node/paxtad/batch.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxtad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t **leaves = NULL, **again = NULL;
	size_t *lens = NULL, *again_lens = NULL, n = 0, m = 0, out_len;
	uint8_t *out = NULL;

	if (pxd_batch_read(data, size, PXD_BATCH_MAX, &leaves, &lens, &n) !=
	    PX_OK)
		goto done;
	/* Every entry lies inside the body... */
	for (size_t i = 0; i < n; i++)
		if (leaves[i] < data || lens[i] > size ||
		    (size_t)(leaves[i] - data) > size - lens[i])
			abort();
	/* ...and written back as a batch, it reads the same. */
	if (pxd_batch_write(leaves, lens, n, &out, &out_len) != PX_OK)
		goto done;
	if (pxd_batch_read(out, out_len, PXD_BATCH_MAX, &again, &again_lens,
			   &m) != PX_OK ||
	    m != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (again_lens[i] != lens[i] ||
		    memcmp(again[i], leaves[i], lens[i]) != 0)
			abort();
done:
	free(leaves);
	free(lens);
	free(again);
	free(again_lens);
	free(out);
	return 0;
}
