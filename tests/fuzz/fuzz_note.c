/* Fuzz target: a signed checkpoint note, and verifier key strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The key of tests/fuzz/corpus/note: notes signed by it reach the
	 * body parser. */
	static const char key[] =
		"fuzz.example/log+44c33050+"
		"AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs";
	struct px_note_verifier v, other;
	struct px_checkpoint cp;
	char *text;

	if (px_note_verifier_parse(&v, key) == PX_OK)
		(void)px_checkpoint_open(&cp, (const char *)data, size, &v);
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void)px_note_verifier_parse(&other, text);
		free(text);
	}
	return 0;
}
