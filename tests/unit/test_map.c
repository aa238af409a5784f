/*
 * The text-keyed map (map.h): puts, gets and removals in a random order
 * checked against a plain list, across growth and runs that removal must
 * shift back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/error.h"
#include "paxta/map.h"

#define KEYS 3000

struct value {
	uint64_t n;
	char tag[24];
};

static void
test_empty(void **state)
{
	struct px_map m;

	(void)state;
	px_map_init(&m, sizeof(struct value));
	assert_null(px_map_get(&m, "uz.farm.0001"));
	px_map_del(&m, "uz.farm.0001");
	assert_int_equal(px_map_size(&m), 0);
	px_map_clear(&m);
}

static void
test_put_get_del(void **state)
{
	struct px_map m;
	struct value *v;
	int made;

	(void)state;
	px_map_init(&m, sizeof(struct value));
	assert_int_equal(px_map_put(&m, "A-1", (void **)&v, &made), PX_OK);
	assert_true(made);
	assert_int_equal(v->n, 0); /* made zeroed */
	v->n = 7;
	assert_int_equal(px_map_put(&m, "A-1", (void **)&v, &made), PX_OK);
	assert_false(made);
	assert_int_equal(v->n, 7);
	/* Keys are text: a prefix or an extension is another key. */
	assert_null(px_map_get(&m, "A-"));
	assert_null(px_map_get(&m, "A-10"));
	assert_int_equal(px_map_put(&m, "", (void **)&v, &made), PX_OK);
	assert_true(made);
	assert_int_equal(px_map_size(&m), 2);
	px_map_del(&m, "A-1");
	assert_null(px_map_get(&m, "A-1"));
	assert_non_null(px_map_get(&m, ""));
	assert_int_equal(px_map_size(&m), 1);
	px_map_clear(&m);
	assert_int_equal(px_map_size(&m), 0);
	/* Used again after a clear. */
	assert_int_equal(px_map_put(&m, "B-2", (void **)&v, NULL), PX_OK);
	assert_non_null(px_map_get(&m, "B-2"));
	px_map_clear(&m);
}

/* Random puts and removals against a reference: every key's presence and
 * value agree after every step. */
static void
test_against_reference(void **state)
{
	static char keys[KEYS][16];
	static uint64_t want[KEYS];
	static int present[KEYS];
	struct px_map m;
	uint64_t rng = 0x9e3779b97f4a7c15u;
	size_t n = 0;

	(void)state;
	px_map_init(&m, sizeof(struct value));
	for (int k = 0; k < KEYS; k++)
		snprintf(keys[k], sizeof(keys[k]), "PBI-%06d", k);
	for (int step = 0; step < 40000; step++) {
		int k;
		struct value *v;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		k = (int)(rng % KEYS);
		if (rng >> 62) { /* three puts for each removal */
			int made;

			assert_int_equal(
				px_map_put(&m, keys[k], (void **)&v, &made),
				PX_OK);
			assert_int_equal(made, !present[k]);
			if (made) {
				assert_int_equal(v->n, 0);
				n++;
			} else {
				assert_int_equal(v->n, want[k]);
				assert_string_equal(v->tag, keys[k]);
			}
			v->n = want[k] = rng;
			snprintf(v->tag, sizeof(v->tag), "%s", keys[k]);
			present[k] = 1;
		} else {
			px_map_del(&m, keys[k]);
			n -= present[k];
			present[k] = 0;
		}
		assert_int_equal(px_map_size(&m), n);
		if (step % 997 == 0)
			for (int j = 0; j < KEYS; j++) {
				v = px_map_get(&m, keys[j]);
				if (!present[j]) {
					assert_null(v);
					continue;
				}
				assert_non_null(v);
				assert_int_equal(v->n, want[j]);
				assert_string_equal(v->tag, keys[j]);
			}
	}
	px_map_clear(&m);
}

/* Keys alone (value size 0): a set. */
static void
test_set(void **state)
{
	struct px_map m;
	void *v;

	(void)state;
	px_map_init(&m, 0);
	for (int k = 0; k < 100; k++) {
		char key[16];

		snprintf(key, sizeof(key), "district-%d", k % 10);
		assert_int_equal(px_map_put(&m, key, &v, NULL), PX_OK);
	}
	assert_int_equal(px_map_size(&m), 10);
	assert_non_null(px_map_get(&m, "district-3"));
	px_map_clear(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
