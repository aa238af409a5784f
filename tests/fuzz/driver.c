/*
 * A smoke driver for the fuzz targets, so ctest runs them with gcc and the
 * sanitizers: each seed in the corpus folder as is, then `runs` inputs made
 * by mutating seeds (bit flips, byte changes, truncation, splicing,
 * duplication), from a fixed random seed so a failure reproduces.
 *
 * With clang, the same targets build for libFuzzer instead
 * (-fsanitize=fuzzer, without this file) for coverage-guided runs.
 *
 *   fuzz_X CORPUS_DIR [RUNS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS      256
#define FUZZ_INPUT_MAX (128 * 1024)

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

static uint8_t *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = malloc(FUZZ_INPUT_MAX);
	if (buf)
		n = fread(buf, 1, FUZZ_INPUT_MAX, f);
	fclose(f);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	uint8_t *seeds[MAX_SEEDS], *buf;
	size_t lens[MAX_SEEDS], n = 0;
	long runs = argc > 2 ? atol(argv[2]) : 20000;
	struct dirent *d;
	DIR *dir;

	if (argc < 2 || !(dir = opendir(argv[1]))) {
		fprintf(stderr, "usage: %s CORPUS_DIR [RUNS]\n", argv[0]);
		return 2;
	}
	while ((d = readdir(dir)) && n < MAX_SEEDS) {
		char *path;

		if (d->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", argv[1], d->d_name) < 0)
			return 2;
		if ((seeds[n] = read_all(path, &lens[n])))
			LLVMFuzzerTestOneInput(seeds[n], lens[n]), n++;
		free(path);
	}
	closedir(dir);
	if (n == 0) {
		fprintf(stderr, "no seeds in %s\n", argv[1]);
		return 2;
	}
	buf = malloc(FUZZ_INPUT_MAX);
	if (!buf)
		return 2;
	for (long r = 0; r < runs; r++) {
		size_t s = next() % n, len = lens[s];
		int edits = 1 + (int)(next() % 8);

		memcpy(buf, seeds[s], len);
		for (int e = 0; e < edits; e++) {
			size_t at = len ? next() % len : 0;

			switch (next() % 6) {
			case 0: /* flip a bit */
				if (len)
					buf[at] ^=
						(uint8_t)(1u << (next() % 8));
				break;
			case 1: /* an interesting byte */
				if (len)
					buf[at] = (uint8_t[]){
						0,   0xff, 0x7f, 0x80,
						'"', '{',  '\n', ':'
					}[next() % 8];
				break;
			case 2: /* truncate */
				len = at;
				break;
			case 3: /* splice in part of another seed */
			{
				size_t o = next() % n, from, count;

				if (!lens[o])
					break;
				from = next() % lens[o];
				count = next() % (lens[o] - from + 1);
				if (at + count > FUZZ_INPUT_MAX)
					count = FUZZ_INPUT_MAX - at;
				memcpy(buf + at, seeds[o] + from, count);
				if (at + count > len)
					len = at + count;
				break;
			}
			case 4: /* duplicate a run */
			{
				size_t count =
					len ? next() % (len - at + 1) : 0;

				if (len + count <= FUZZ_INPUT_MAX) {
					memmove(buf + at + count, buf + at,
						len - at);
					len += count;
				}
				break;
			}
			default: /* a random byte */
				if (len)
					buf[at] = (uint8_t)next();
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%s: %zu seeds, %ld mutated inputs, no crash\n", argv[0], n,
	       runs);
	for (size_t i = 0; i < n; i++)
		free(seeds[i]);
	free(buf);
	return 0;
}
