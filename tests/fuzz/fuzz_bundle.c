/* Fuzz target: a proof bundle's bytes, decoded and checked (px_bundle_check:
 * the note, the order, the proofs, the signatures). The replay of
 * px_bundle_verify opens a store per input and is left to the unit and
 * end-to-end tests. */
#include <stdint.h>
#include <stdlib.h>

#include "paxta/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The node key of tests/fuzz/corpus/bundle: bundles made under it
	 * reach the proofs and the entries. */
	static const char key[] =
		"e2e.example/cotton+e538fed8+"
		"AQNgzbgdp4+GuSBzbXS/jMyX5BNMe0eccs7BO8itY3s5";
	struct px_note_verifier v;
	struct px_bundle_problem problem;
	struct px_checkpoint cp;
	Paxta__Bundle *b = NULL;

	if (px_note_verifier_parse(&v, key) != PX_OK)
		abort();
	if (px_bundle_decode(&b, data, size) == PX_OK)
		(void)px_bundle_check(&cp, &problem, b, &v);
	px_bundle_free(b);
	return 0;
}
