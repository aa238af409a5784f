/*
 * Fuzz target: what a witness and its clients decode from the network. The
 * first byte picks the decoder: 0 an add-checkpoint request (to a witness
 * watching the log of seed 0x01), 1 a note whose cosignature by the witness
 * of seed 0x02 is checked, 2 a piece of evidence, 3 a tile path, 4 a
 * cosigner key string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paxta/cosignature.h"
#include "paxta/tiles.h"
#include "paxta/witness.h"

#define LOG_NAME     "fuzz.example/log"
#define WITNESS_NAME "fuzz.example/witness"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct px_store *store;
static struct px_witness *witness;
static struct px_note_verifier cosigner;
static char dir[] = "/tmp/paxta-fuzz-witness-XXXXXX";

static void
cleanup(void)
{
	char path[sizeof(dir) + 16];
	const char *files[] = { "data.mdb", "lock.mdb", "writer.lock" };

	px_witness_free(witness);
	px_store_close(store);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int
setup(void)
{
	uint8_t seed[PX_SEED_LEN];
	struct px_seckey log_key, w_key;
	struct px_note_verifier log;
	char *vkey = NULL;
	int ok;

	if (px_crypto_init() != PX_OK || !mkdtemp(dir) ||
	    px_store_open(&store, dir, PX_STORE_CREATE) != PX_OK)
		return -1;
	atexit(cleanup);
	memset(seed, 1, sizeof(seed));
	px_key_from_seed(&log_key, seed);
	memset(seed, 2, sizeof(seed));
	px_key_from_seed(&w_key, seed);
	ok = px_note_verifier_string(&vkey, LOG_NAME, &log_key.pub) == PX_OK &&
	     px_note_verifier_parse(&log, vkey) == PX_OK &&
	     px_witness_new(&witness, store, WITNESS_NAME, &w_key) == PX_OK &&
	     px_witness_watch(witness, &log) == PX_OK;
	free(vkey);
	vkey = NULL;
	ok = ok &&
	     px_cosig_verifier_string(&vkey, WITNESS_NAME, &w_key.pub) ==
		     PX_OK &&
	     px_cosig_verifier_parse(&cosigner, vkey) == PX_OK;
	free(vkey);
	px_key_wipe(&log_key);
	px_key_wipe(&w_key);
	return ok ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct px_witness_answer a;
	struct px_tile tile;
	struct px_note_verifier v;
	char *text;

	if (!ready)
		ready = setup() == 0 ? 1 : -1;
	if (ready < 0 || size == 0)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		if (px_witness_add_checkpoint(witness, text, size - 1,
					      1700000000, &a) == PX_OK)
			free(a.body);
		break;
	case 1:
		(void)px_cosig_verify(text, size - 1, &cosigner, NULL);
		break;
	case 2:
		(void)px_evidence_check(text, size - 1, NULL, NULL, NULL);
		break;
	case 3:
		if (px_tile_parse(&tile, text) == PX_OK) {
			char out[PX_TILE_PATH_MAX];

			(void)px_tile_format(out, sizeof(out), &tile);
			(void)px_tile_exists(&tile, 70000);
		}
		break;
	default:
		(void)px_cosig_verifier_parse(&v, text);
		break;
	}
	free(text);
	return 0;
}
