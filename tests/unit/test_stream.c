/*
 * Unit tests for paxtad's streamed answers (node/paxtad/stream.c and
 * answers.c, linked in alone: no HTTP): a recall, a lineage and a range
 * of entries streamed a piece at a time are, byte for byte, the whole
 * answers paxtad made before (the core's JSON dumped at once), however
 * small the bites a client takes; and the bytes they hold are counted in
 * the answer budget and given back.
 *
 * The season: farm A harvests LOTS lots with long ids in UZ-SA-KTK (more
 * than a buffer's worth of JSON), farm B one lot in UZ-QA-NKS; both ship a
 * lot to the gin, which gins them into LINT-1 and SEED-1; LINT-1 goes to
 * the spinner and is spun into YARN-1; farm A has one more lot on the road
 * to the gin (shipped, not received).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/store.h"
#include "paxtad.h"

#define FARM_A   "uz.farm.a"
#define FARM_B   "uz.farm.b"
#define GIN      "uz.gin.1"
#define SPINNER  "uz.spin.1"
#define DISTRICT "UZ-SA-KTK"
#define LOTS     500

/* A long lot id of farm A: 100 characters. */
static void
lot_id(char *out, size_t size, int i)
{
	snprintf(out, size, "A-%04d-%s", i,
		 "harvest-of-the-north-field-by-the-canal-picked-by-machine-"
		 "and-weighed-at-the-farm-gate-xx");
}

static void
harvest(struct pxt_ledger *fx, const char *farm, const char *lot,
	const char *district)
{
	pxt_ok(fx,
	       "{'kind':'harvest','actor':'%s','lot':'%s','kg':1000,"
	       "'season':2026,'district':'%s','method':'hand',"
	       "'harvested_at':'2026-09-21T08:00:00Z'}",
	       farm, lot, district);
}

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);
	char lot[PX_ID_MAX + 1], first[PX_ID_MAX + 1];

	pxt_register(fx, FARM_A, "farm", "UZ-SA", DISTRICT);
	pxt_register(fx, FARM_B, "farm", "UZ-QA", "UZ-QA-NKS");
	pxt_register(fx, GIN, "gin", "UZ-SA", DISTRICT);
	pxt_register(fx, SPINNER, "spinner", "UZ-SA", DISTRICT);
	for (int i = 0; i < LOTS; i++) {
		lot_id(lot, sizeof(lot), i);
		harvest(fx, FARM_A, lot, DISTRICT);
	}
	harvest(fx, FARM_B, "B-1", "UZ-QA-NKS");
	lot_id(first, sizeof(first), 0);
	pxt_ship(fx, FARM_A, GIN, "WB-A", first, 1000, 1000);
	pxt_ship(fx, FARM_B, GIN, "WB-B", "B-1", 1000, 1000);
	lot_id(lot, sizeof(lot), 1);
	pxt_ship(fx, FARM_A, GIN, "WB-ROAD", lot, 400, 0);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'ginning',"
	       "'inputs':[{'lot':'%s','kg':600},{'lot':'B-1','kg':400}],"
	       "'outputs':[{'lot':'LINT-1','kg':400,'product':'lint'},"
	       "{'lot':'SEED-1','kg':500,'product':'cottonseed'}]}",
	       GIN, first);
	pxt_ship(fx, GIN, SPINNER, "TR-1", "LINT-1", 400, 400);
	pxt_ok(fx,
	       "{'kind':'transform','actor':'%s','process':'spinning',"
	       "'inputs':[{'lot':'LINT-1','kg':400}],"
	       "'outputs':[{'lot':'YARN-1','kg':380,'product':'yarn'}]}",
	       SPINNER);
	*state = fx;
	return 0;
}

/* The whole answer as paxtad made it before streaming: one dump, and a
 * newline. Takes j. */
static char *
whole(json_t *j)
{
	char *text, *line;

	assert_non_null(j);
	text = json_dumps(j, PXD_JSON_FLAGS);
	json_decref(j);
	assert_non_null(text);
	assert_true(asprintf(&line, "%s\n", text) > 0);
	free(text);
	return line;
}

/*
 * What a client gets from s, taking at most bite bytes at a time, as
 * http.c's reader hands them out: the buffer is filled again only once it
 * ran dry. Frees s. The buffer is counted in budget (may be NULL).
 */
static char *
drain(struct pxd_stream *s, struct pxd_budget *budget, size_t bite,
      size_t *out_len)
{
	struct pxd_out o;
	char *all = NULL;
	size_t n = 0, cap = 0;
	int done = 0;

	assert_int_equal(pxd_out_init(&o, budget), PX_OK);
	for (;;) {
		size_t take;

		if (o.len == 0 && !done)
			assert_int_equal(pxd_stream_fill(s, &o, &done), PX_OK);
		if (o.len == 0)
			break;
		/* never more than one buffer, and one element, held */
		assert_true(o.cap <= 4 * PXD_STREAM_CHUNK);
		take = o.len < bite ? o.len : bite;
		if (n + take + 1 > cap) {
			cap = 2 * (n + take + 1);
			all = realloc(all, cap);
			assert_non_null(all);
		}
		memcpy(all + n, o.buf + o.off, take);
		n += take;
		pxd_out_consume(&o, take);
	}
	pxd_out_release(&o);
	pxd_stream_free(s);
	if (!all)
		all = calloc(1, 1);
	all[n] = '\0';
	*out_len = n;
	return all;
}

static void
assert_same(const char *want, const char *got, size_t got_len)
{
	assert_int_equal(strlen(want), got_len);
	if (strcmp(want, got) != 0) {
		size_t at = 0;

		while (want[at] == got[at])
			at++;
		fail_msg("the streamed answer differs at byte %zu: '%.60s' "
			 "where the whole one has '%.60s'",
			 at, got + at, want + at);
	}
}

static struct px_recall *
recall(struct pxt_ledger *fx, const struct px_recall_query *q)
{
	struct px_recall *r = NULL;
	struct px_txn *t;

	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_recall(&r, t, q), PX_OK);
	px_store_abort(t);
	return r;
}

/* Streamed in bites of every size from one byte to more than a buffer:
 * the whole answer each time. */
static void
check_recall(struct pxt_ledger *fx, const struct px_recall_query *q,
	     size_t min_len)
{
	static const size_t bites[] = { 1, 7, 4096, 100000 };

	for (size_t b = 0; b < sizeof(bites) / sizeof(bites[0]); b++) {
		struct px_recall *r = recall(fx, q);
		char *want = whole(px_recall_json(r)), *got;
		struct pxd_stream *s;
		size_t len;

		if (strlen(want) < min_len)
			fail_msg("a recall of %zu bytes, not %zu", strlen(want),
				 min_len);
		assert_int_equal(pxd_recall_stream(&s, r), PX_OK);
		assert_true(s->held > r->n_lots * sizeof(*r->lots));
		got = drain(s, NULL, bites[b], &len);
		assert_same(want, got, len);
		free(want);
		free(got);
	}
}

static void
test_recall_streams_the_whole_answer(void **state)
{
	struct pxt_ledger *fx = *state;
	struct px_recall_query district = { .district = DISTRICT,
					    .season = 2026 },
			       farm = { .farm = FARM_B },
			       lot = { .lot = "LINT-1" },
			       nothing = { .district = "UZ-XX-NONE",
					   .season = 2026 };

	/* LOTS lots of farm A and what was made of them: past a buffer,
	 * with a lot on the road (its in_transit keys) */
	check_recall(fx, &district, PXD_STREAM_CHUNK);
	check_recall(fx, &farm, 100);
	check_recall(fx, &lot, 100);
	/* no lot at all: an empty array */
	check_recall(fx, &nothing, 10);
}

static void
check_lineage(struct pxt_ledger *fx, const char *id, size_t want_edges)
{
	static const size_t bites[] = { 1, 13, 100000 };

	for (size_t b = 0; b < sizeof(bites) / sizeof(bites[0]); b++) {
		struct px_lineage *g = NULL;
		struct pxd_stream *s;
		struct px_txn *t;
		char *want, *got;
		size_t len;

		assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
		assert_int_equal(px_lineage(&g, t, id, 0), PX_OK);
		px_store_abort(t);
		assert_int_equal(g->n_edges, want_edges);
		want = whole(px_lineage_json(g));
		assert_int_equal(pxd_lineage_stream(&s, g), PX_OK);
		got = drain(s, NULL, bites[b], &len);
		assert_same(want, got, len);
		free(want);
		free(got);
	}
}

static void
test_lineage_streams_the_whole_answer(void **state)
{
	struct pxt_ledger *fx = *state;

	check_lineage(fx, "YARN-1", 3); /* harvests, a transform, a process */
	check_lineage(fx, "B-1", 0);    /* one node, no edge */
}

/* The range as GET /v1/entries answered it whole: the same stop, the same
 * shape, built here on its own. */
static char *
whole_range(struct pxt_ledger *fx, uint64_t start, uint64_t count,
	    size_t max_bytes, int protobuf, size_t *out_len)
{
	const uint8_t *leaves[1000];
	size_t lens[1000], n, bytes = 0;
	json_t *list = json_array(), *j;
	struct px_txn *t;
	uint64_t size;
	char *text;

	assert_true(count <= 1000);
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	size = px_store_size(t);
	for (n = 0; n < count; n++) {
		assert_int_equal(
			px_store_leaf(t, start + n, &leaves[n], &lens[n]),
			PX_OK);
		if (n > 0 && bytes + lens[n] > max_bytes)
			break;
		bytes += lens[n];
	}
	if (protobuf) {
		uint8_t *out;

		assert_int_equal(
			pxd_batch_write(leaves, lens, n, &out, out_len), PX_OK);
		px_store_abort(t);
		json_decref(list);
		return (char *)out;
	}
	for (size_t i = 0; i < n; i++) {
		struct px_entry e;
		char *b64 = NULL, *sent = NULL;

		assert_int_equal(px_entry_read(&e, leaves[i], lens[i], 0),
				 PX_OK);
		assert_int_equal(px_base64_encode(&b64, leaves[i], lens[i]),
				 PX_OK);
		assert_int_equal(
			px_base64_encode(&sent, e.signed_entry, e.signed_len),
			PX_OK);
		json_array_append_new(list,
				      json_pack("{s:I,s:s,s:s}", "index",
						(json_int_t)(start + i), "leaf",
						b64, "signed_entry", sent));
		px_entry_release(&e);
		free(b64);
		free(sent);
	}
	px_store_abort(t);
	j = json_pack("{s:I,s:I,s:o}", "start", (json_int_t)start, "size",
		      (json_int_t)size, "entries", list);
	text = whole(j);
	*out_len = strlen(text);
	return text;
}

static void
check_range(struct pxt_ledger *fx, uint64_t start, uint64_t count,
	    size_t max_bytes, int protobuf, size_t bite)
{
	struct pxd_stream *s;
	uint64_t size = pxt_log_size(fx->l);
	size_t want_len, len;
	char *want = whole_range(fx, start, count, max_bytes, protobuf,
				 &want_len),
	     *got;

	assert_int_equal(pxd_range_stream(&s, fx->l, start, count, size,
					  max_bytes, protobuf),
			 PX_OK);
	got = drain(s, NULL, bite, &len);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, len);
	free(want);
	free(got);
}

static void
test_range_streams_the_whole_answer(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t size = pxt_log_size(fx->l);

	assert_true(size > LOTS);
	for (int protobuf = 0; protobuf < 2; protobuf++) {
		/* all of it, past several buffers */
		check_range(fx, 0, size, (size_t)4 << 20, protobuf, 4096);
		check_range(fx, 0, size, (size_t)4 << 20, protobuf, 1);
		/* the stop: whole entries until the bytes would pass */
		check_range(fx, 3, 200, 10000, protobuf, 999);
		/* one entry bigger than the stop still comes */
		check_range(fx, 5, 10, 1, protobuf, 999);
		/* nothing: the log's end */
		check_range(fx, size, 0, (size_t)4 << 20, protobuf, 999);
	}
}

/* The range holds no snapshot between pieces: entries logged while it is
 * read do not change it (size stays the one it began with). */
static void
test_range_while_the_log_grows(void **state)
{
	struct pxt_ledger *fx = *state;
	uint64_t size = pxt_log_size(fx->l);
	size_t want_len;
	char *want = whole_range(fx, 0, size, (size_t)4 << 20, 0, &want_len);
	struct pxd_stream *s;
	struct pxd_out o;
	char *got = malloc(want_len + 1);
	size_t n = 0;
	int done = 0, pieces = 0;

	assert_non_null(got);
	assert_int_equal(
		pxd_range_stream(&s, fx->l, 0, size, size, (size_t)4 << 20, 0),
		PX_OK);
	assert_int_equal(pxd_out_init(&o, NULL), PX_OK);
	while (!done || o.len) {
		if (o.len == 0) {
			char late[32];

			assert_int_equal(pxd_stream_fill(s, &o, &done), PX_OK);
			/* a writer commits between two pieces */
			snprintf(late, sizeof(late), "B-LATE-%d", pieces++);
			harvest(fx, FARM_B, late, "UZ-QA-NKS");
		}
		assert_true(n + o.len <= want_len);
		memcpy(got + n, o.buf + o.off, o.len);
		n += o.len;
		pxd_out_consume(&o, o.len);
	}
	got[n] = '\0';
	assert_true(pieces > 2);
	assert_int_equal(pxt_log_size(fx->l), size + (uint64_t)pieces);
	assert_same(want, got, n);
	pxd_out_release(&o);
	pxd_stream_free(s);
	free(want);
	free(got);
}

/* Every byte a stream's buffer takes is in the budget, and comes back. */
static void
test_budget(void **state)
{
	struct pxd_budget budget = { .limit = PXD_STREAM_CHUNK * 3 };
	struct pxd_out o, other, third, fourth;
	char big[PXD_STREAM_CHUNK + 10];
	char *got;
	struct px_recall *r;
	struct px_recall_query q = { .district = DISTRICT, .season = 2026 };
	struct pxd_stream *s;
	size_t len;

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(pxd_out_init(&o, &budget), PX_OK);
	assert_int_equal(budget.held, PXD_STREAM_CHUNK);
	assert_int_equal(pxd_out_init(&other, &budget), PX_OK);
	assert_int_equal(budget.held, 2 * PXD_STREAM_CHUNK);
	/* one element larger than the buffer grows it, counted */
	assert_int_equal(pxd_out_write(&o, "[", 1), PX_OK);
	assert_int_equal(pxd_out_write(&o, big, sizeof(big)), PX_OK);
	assert_int_equal(o.cap, 2 * PXD_STREAM_CHUNK);
	assert_int_equal(budget.held, 3 * PXD_STREAM_CHUNK);
	/* taken: back to one buffer */
	pxd_out_consume(&o, 100);
	assert_int_equal(budget.held, 3 * PXD_STREAM_CHUNK);
	pxd_out_consume(&o, o.len);
	assert_int_equal(o.cap, PXD_STREAM_CHUNK);
	assert_int_equal(budget.held, 2 * PXD_STREAM_CHUNK);
	/* the limit: a third buffer fits, a fourth does not; growth past
	 * it is refused and the buffer is as it was */
	budget.limit = 3 * PXD_STREAM_CHUNK;
	assert_int_equal(pxd_out_init(&third, &budget), PX_OK);
	assert_int_equal(pxd_out_init(&fourth, &budget), PX_ETOOLARGE);
	assert_null(fourth.buf);
	assert_int_equal(budget.held, 3 * PXD_STREAM_CHUNK);
	assert_int_equal(pxd_out_write(&o, big, 10), PX_OK);
	assert_int_equal(pxd_out_write(&o, big, sizeof(big)), PX_ETOOLARGE);
	assert_int_equal(o.len, 10);
	assert_int_equal(o.cap, PXD_STREAM_CHUNK);
	assert_int_equal(budget.held, 3 * PXD_STREAM_CHUNK);
	pxd_out_release(&o);
	pxd_out_release(&other);
	pxd_out_release(&third);
	assert_int_equal(budget.held, 0);
	/* a whole recall through a budgeted buffer leaves nothing held */
	budget.limit = PXD_STREAM_CHUNK * 2;
	r = recall(*state, &q);
	assert_int_equal(pxd_recall_stream(&s, r), PX_OK);
	got = drain(s, &budget, 333, &len);
	assert_true(len > PXD_STREAM_CHUNK);
	assert_int_equal(budget.held, 0);
	free(got);
	/* and none is taken without limit */
	assert_int_equal(pxd_budget_take(NULL, SIZE_MAX), 1);
	assert_int_equal(pxd_budget_take(&budget, SIZE_MAX), 0);
	assert_int_equal(budget.held, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recall_streams_the_whole_answer),
		cmocka_unit_test(test_lineage_streams_the_whole_answer),
		cmocka_unit_test(test_range_streams_the_whole_answer),
		cmocka_unit_test(test_budget),
		/* last: it adds entries */
		cmocka_unit_test(test_range_while_the_log_grows),
	};

	return cmocka_run_group_tests(tests, setup, pxt_teardown);
}
