/* Unit tests: C2SP tlog-tiles paths and hash tiles (node/core/tiles.c),
 * with the examples of the tlog-tiles text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/merkle.h"
#include "paxta/tiles.h"

static void
roundtrip(const char *path, int entries, unsigned level, uint64_t index,
	  unsigned width)
{
	struct px_tile t;
	char out[PX_TILE_PATH_MAX];

	assert_int_equal(px_tile_parse(&t, path), PX_OK);
	assert_int_equal(t.entries, entries);
	assert_int_equal(t.level, level);
	assert_int_equal(t.index, index);
	assert_int_equal(t.width, width);
	assert_int_equal(px_tile_format(out, sizeof(out), &t), PX_OK);
	assert_string_equal(out, path);
}

static void
test_paths(void **state)
{
	const char *bad[] = {
		"0/1234",
		"0/01",
		"00/000",
		"0/000.p/0",
		"0/000.p/256",
		"0/000.p/012",
		"0/x001",
		"7/000",
		"0/x000/001",
		"0/x01/001",
		"0/00a",
		"entries",
		"0/000.p/",
		"0/000/",
		"-1/000",
		"0/000.p/1/2",
		"entries/x001",
		"tile/0/000",
		"0/x001/x002",
		"0/x018/x446/x744/x073/x709/x551/616", /* 2^64 */
	};
	struct px_tile t;

	(void)state;
	/* tlog-tiles: "index 1234067 will be encoded as x001/x234/067" */
	roundtrip("0/x001/x234/067", 0, 0, 1234067, 256);
	roundtrip("2/000.p/1", 0, 2, 0, 1);
	roundtrip("entries/x001/x234/067.p/112", 1, 0, 1234067, 112);
	roundtrip("entries/000", 1, 0, 0, 256);
	roundtrip("6/x018/x446/x744/x073/x709/x551/615", 0, 6, UINT64_MAX, 256);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(px_tile_parse(&t, bad[i]), PX_EMALFORMED);
}

static int
exists(const char *path, uint64_t size)
{
	struct px_tile t;

	assert_int_equal(px_tile_parse(&t, path), PX_OK);
	return px_tile_exists(&t, size) == PX_OK;
}

static void
test_tree_of_70000(void **state)
{
	(void)state;
	/* tlog-tiles: "a tree of size 70,000 will be represented by 273
	 * full level 0 tiles, one partial level 0 tile of width 112, one
	 * full level 1 tile, one partial level 1 tile of width 17, and one
	 * partial level 2 tile of width 1." */
	assert_true(exists("0/000", 70000));
	assert_true(exists("0/272", 70000));
	assert_false(exists("0/273", 70000));
	assert_true(exists("0/273.p/112", 70000));
	assert_false(exists("0/273.p/113", 70000));
	assert_false(exists("0/274.p/1", 70000));
	assert_true(exists("1/000", 70000));
	assert_false(exists("1/001", 70000));
	assert_true(exists("1/001.p/17", 70000));
	assert_true(exists("2/000.p/1", 70000));
	assert_false(exists("2/000.p/2", 70000));
	assert_false(exists("3/000.p/1", 70000));
	assert_true(exists("entries/273.p/112", 70000));
	/* "a tree of size 256 will be represented by a full level 0 tile and
	 * a partial level 1 tile of width 1" */
	assert_true(exists("0/000", 256));
	assert_true(exists("1/000.p/1", 256));
	assert_false(exists("0/001.p/1", 256));
}

/* Leaf i's hash is SHA-256(0x00 ‖ the 8 bytes of i). */
static int
source(void *ctx, uint64_t start, unsigned level, struct px_hash *out)
{
	struct px_hash l, r;
	uint8_t b[8];

	(void)ctx;
	if (level == 0) {
		memcpy(b, &start, 8);
		return px_hash_leaf(out, b, 8);
	}
	source(ctx, start, level - 1, &l);
	source(ctx, start + ((uint64_t)1 << (level - 1)), level - 1, &r);
	return px_hash_node(out, &l, &r);
}

static void
test_hash_tiles(void **state)
{
	uint8_t tile[256 * 32];
	struct px_hash h;
	struct px_tile t;

	(void)state;
	assert_int_equal(px_crypto_init(), PX_OK);
	/* Level 0: the leaf hashes. */
	assert_int_equal(px_tile_parse(&t, "0/001.p/3"), PX_OK);
	assert_int_equal(px_tile_hashes(tile, &t, source, NULL), PX_OK);
	for (unsigned i = 0; i < 3; i++) {
		source(NULL, 256 + i, 0, &h);
		assert_memory_equal(tile + 32 * i, h.b, 32);
	}
	/* Level 1: hash i is MTH(D[i*256 : (i+1)*256]); a whole level 0
	 * tile's root. */
	assert_int_equal(px_tile_parse(&t, "1/000.p/2"), PX_OK);
	assert_int_equal(px_tile_hashes(tile, &t, source, NULL), PX_OK);
	assert_int_equal(px_merkle_subtree(&h, 256, 512, source, NULL), PX_OK);
	assert_memory_equal(tile + 32, h.b, 32);
	assert_int_equal(px_merkle_root(&h, 256, source, NULL), PX_OK);
	assert_memory_equal(tile, h.b, 32);
	assert_int_equal(px_tile_parse(&t, "entries/000"), PX_OK);
	assert_int_equal(px_tile_hashes(tile, &t, source, NULL), PX_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_tree_of_70000),
		cmocka_unit_test(test_hash_tiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
