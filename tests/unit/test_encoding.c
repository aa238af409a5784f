/*
 * Unit tests for encoding.c: the one UTF-8 validator, and the walk that
 * checks every string of a decoded entry against the signed bytes.
 *
 * The entries of issue 13 — a lab result claiming region "UZ-\xff", a
 * statement with report_uri "https://x/\xc3" and a harvest of lot
 * "A-1\0junk" — are signed by their actors' keys exactly as an attacker
 * would sign them: a valid event is signed through the fixture, one byte
 * of a string is changed in the payload (same length, so the protobuf
 * stays well-formed) and the payload is sealed again with the actor's key.
 * protobuf-c decodes all three; the walk refuses each with `encoding`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/provenance.h"

#define FARM     "uz.farm.0042"
#define LAB      "lab.isotope-1"
#define MONITOR  "monitor.tpm"
#define REGION   "UZ-SA"
#define DISTRICT "UZ-SA-KTK"
#define REPORT \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* ---- the validator ---- */

static int
valid(const char *s, size_t len)
{
	return px_utf8_valid((const uint8_t *)s, len);
}
#define V(lit) valid((lit), sizeof(lit) - 1)

static void
test_utf8_well_formed(void **state)
{
	(void)state;
	assert_true(V(""));
	assert_true(V("UZ-SA-KTK"));
	assert_true(V("Kattaqo\xe2\x80\x98rg\xe2\x80\x98on")); /* U+2018 */
	assert_true(V("\xc2\x80"));                            /* U+0080 */
	assert_true(V("\xdf\xbf"));                            /* U+07FF */
	assert_true(V("\xe0\xa0\x80"));                        /* U+0800 */
	assert_true(V("\xed\x9f\xbf"));                        /* U+D7FF */
	assert_true(V("\xee\x80\x80"));                        /* U+E000 */
	assert_true(V("\xef\xbf\xbf"));                        /* U+FFFF */
	assert_true(V("\xf0\x90\x80\x80"));                    /* U+10000 */
	assert_true(V("\xf4\x8f\xbf\xbf"));                    /* U+10FFFF */
	assert_true(V("a\0b")); /* NUL is UTF-8; the walk refuses it */
}

static void
test_utf8_ill_formed(void **state)
{
	(void)state;
	assert_false(V("UZ-\xff"));
	assert_false(V("https://x/\xc3"));   /* truncated */
	assert_false(V("\x80"));             /* lone continuation */
	assert_false(V("\xc0\x80"));         /* overlong NUL */
	assert_false(V("\xc1\xbf"));         /* overlong */
	assert_false(V("\xe0\x80\x80"));     /* overlong */
	assert_false(V("\xe0\x9f\xbf"));     /* overlong */
	assert_false(V("\xf0\x80\x80\x80")); /* overlong */
	assert_false(V("\xf0\x8f\xbf\xbf")); /* overlong */
	assert_false(V("\xed\xa0\x80"));     /* surrogate U+D800 */
	assert_false(V("\xed\xbf\xbf"));     /* surrogate U+DFFF */
	assert_false(V("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(V("\xf5\x80\x80\x80"));
	assert_false(V("\xe2\x80"));     /* truncated */
	assert_false(V("\xe2\x28\xa1")); /* bad continuation */
	assert_false(V("\xf0\x90\x80")); /* truncated */
	assert_false(V("ok\xfe"));
}

static void
test_utf8_next_and_sequence(void **state)
{
	const uint8_t s[] = "a\xc3\xa9\xe2\x80\x98\xf0\x9f\x8c\xb1";
	size_t pos = 0;
	uint32_t c = 0;

	(void)state;
	assert_true(px_utf8_next(&c, s, sizeof(s) - 1, &pos));
	assert_int_equal(c, 'a');
	assert_true(px_utf8_next(&c, s, sizeof(s) - 1, &pos));
	assert_int_equal(c, 0xe9);
	assert_true(px_utf8_next(&c, s, sizeof(s) - 1, &pos));
	assert_int_equal(c, 0x2018);
	assert_true(px_utf8_next(&c, s, sizeof(s) - 1, &pos));
	assert_int_equal(c, 0x1f331);
	assert_int_equal(pos, sizeof(s) - 1);
	assert_false(px_utf8_next(&c, s, sizeof(s) - 1, &pos));
	pos = 1; /* "\xc3" alone: truncated, and pos stays */
	assert_false(px_utf8_next(&c, s, 2, &pos));
	assert_int_equal(pos, 1);

	assert_int_equal(px_utf8_sequence("a"), 1);
	assert_int_equal(px_utf8_sequence("\xc3\xa9x"), 2);
	assert_int_equal(px_utf8_sequence("\xf0\x9f\x8c\xb1"), 4);
	assert_int_equal(px_utf8_sequence("\xc3"), 0);
	assert_int_equal(px_utf8_sequence("\xe2\x80"), 0);
	assert_int_equal(px_utf8_sequence("\xff"), 0);
	assert_int_equal(px_utf8_sequence(""), 0);
}

/* ---- hostile entries, signed ---- */

struct hostile {
	struct pxt_ledger *fx;
	uint8_t *leaf;
	size_t len;
	struct px_signed_entry env;
	Paxta__Entry *body;
};

/*
 * Sign event (valid JSON) through the fixture, replace the first
 * occurrence of marker in its payload by bad (same length) and seal the
 * payload again with actor's key; then open the new leaf and decode its
 * Entry as the write path would (protobuf-c accepts it).
 */
static void
forge(struct hostile *h, const char *actor, const char *marker, const char *bad,
      size_t bad_len, const char *event)
{
	struct px_signed_entry env;
	struct px_refusal r = { 0 };
	uint8_t *leaf = NULL, *payload, *hit = NULL;
	size_t len = 0, mlen = strlen(marker);
	int rc;

	assert_int_equal(bad_len, mlen);
	rc = pxt_sign(h->fx, &leaf, &len, &r, "%s", event);
	if (rc != PX_OK)
		fail_msg("signing %s: %s: %s", event, px_code_name(r.code),
			 r.message);
	assert_int_equal(px_entry_open(&env, leaf, len), PX_OK);
	payload = malloc(env.payload_len);
	assert_non_null(payload);
	memcpy(payload, env.payload, env.payload_len);
	for (size_t i = 0; i + mlen <= env.payload_len && !hit; i++)
		if (memcmp(payload + i, marker, mlen) == 0)
			hit = payload + i;
	assert_non_null(hit);
	memcpy(hit, bad, bad_len);
	assert_int_equal(px_entry_seal(&h->leaf, &h->len, payload,
				       env.payload_len, pxt_key(h->fx, actor)),
			 PX_OK);
	free(payload);
	px_entry_close(&env);
	free(leaf);

	/* the forged leaf is a well-signed envelope whose Entry decodes */
	assert_int_equal(px_entry_verify_signed(h->leaf, h->len), PX_OK);
	assert_int_equal(px_entry_open(&h->env, h->leaf, h->len), PX_OK);
	assert_int_equal(px_entry_body_decode(&h->body, h->env.payload,
					      h->env.payload_len),
			 PX_OK);
}

static void
release(struct hostile *h)
{
	px_entry_body_free(h->body);
	px_entry_close(&h->env);
	free(h->leaf);
	h->body = NULL;
	h->leaf = NULL;
}

static void
refused(struct hostile *h, const char *path, const char *what)
{
	struct px_refusal r = { 0 };
	char want[128];

	assert_int_equal(px_encoding_check(&h->body->base, h->env.payload,
					   h->env.payload_len, &r),
			 PX_EREFUSED);
	assert_int_equal(r.code, PX_CODE_ENCODING);
	assert_string_equal(px_code_name(r.code), "encoding");
	snprintf(want, sizeof(want), "field '%s' %s", path, what);
	assert_string_equal(r.message, want);
	/* the bytes alone say the same, whoever decodes them */
	memset(&r, 0, sizeof(r));
	assert_int_equal(px_encoding_check_wire(&paxta__entry__descriptor,
						h->env.payload,
						h->env.payload_len, &r),
			 PX_EREFUSED);
	assert_int_equal(r.code, PX_CODE_ENCODING);
	/* and the write path refuses it, storing nothing */
	{
		struct px_append_result res;
		struct pxt_snapshot before, after;
		const uint8_t *leaf = h->leaf;

		pxt_snapshot(h->fx, &before);
		assert_int_equal(pxt_append(h->fx->l, &leaf, &h->len, 1,
					    h->fx->now, &res),
				 PX_OK);
		assert_int_equal(res.rc, PX_EREFUSED);
		assert_int_equal(res.refusal.code, PX_CODE_ENCODING);
		assert_string_equal(res.refusal.message, want);
		pxt_snapshot(h->fx, &after);
		assert_true(pxt_snapshot_equal(&before, &after));
	}
}

static int
setup(void **state)
{
	struct hostile *h = calloc(1, sizeof(*h));

	h->fx = pxt_ledger_new(NULL);
	pxt_register(h->fx, FARM, "farm", REGION, DISTRICT);
	pxt_register(h->fx, LAB, "lab", REGION, DISTRICT);
	pxt_register(h->fx, MONITOR, "monitor", REGION, DISTRICT);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct hostile *h = *state;

	release(h);
	pxt_ledger_free(h->fx);
	free(h);
	return 0;
}

#define HARVEST(lot)                                                    \
	"{\"kind\":\"harvest\",\"actor\":\"" FARM "\",\"lot\":\"" lot   \
	"\",\"kg\":1000,\"season\":2026,\"district\":\"" DISTRICT "\"," \
	"\"method\":\"hand\",\"harvested_at\":\"2026-09-21T08:00:00Z\"}"

static void
test_lab_region_not_utf8(void **state)
{
	struct hostile *h = *state;

	forge(h, LAB, "UZ-Q", "UZ-\xff", 4,
	      "{\"kind\":\"lab_result\",\"actor\":\"" LAB "\",\"lot\":\"B-1\","
	      "\"matches\":false,\"claimed_region\":\"UZ-Q\","
	      "\"method\":\"isotope\",\"report_sha256\":\"" REPORT "\"}");
	assert_string_equal(h->body->lab_result->claimed_region, "UZ-\xff");
	refused(h, "lab_result.claimed_region", "is not valid utf-8");
	/* and what protobuf-c made of it is caught on its own too */
	assert_int_equal(px_encoding_check_message(&h->body->base, NULL),
			 PX_EREFUSED);
}

static void
test_report_uri_truncated(void **state)
{
	struct hostile *h = *state;

	forge(h, MONITOR, "https://x/Q", "https://x/\xc3", 11,
	      "{\"kind\":\"attest\",\"actor\":\"" MONITOR "\","
	      "\"subject\":\"district:" DISTRICT "\",\"season\":2026,"
	      "\"status\":\"certified\",\"indicators\":[],"
	      "\"report_uri\":\"https://x/Q\","
	      "\"report_sha256\":\"" REPORT "\"}");
	refused(h, "attest.report_uri", "is not valid utf-8");
}

static void
test_lot_with_nul(void **state)
{
	struct hostile *h = *state;
	struct px_refusal r = { 0 };

	forge(h, FARM, "A-1Qjunk", "A-1\0junk", 8, HARVEST("A-1Qjunk"));
	/* the break: protobuf-c hands out "A-1", the leaf says more */
	assert_string_equal(h->body->harvest->lot, "A-1");
	/* which the decoded message alone cannot see */
	assert_int_equal(px_encoding_check_message(&h->body->base, &r), PX_OK);
	refused(h, "harvest.lot", "holds a nul byte");
}

/* A batch [good, bad]: the good entry is logged and answered as logged,
 * the bad one refused on its own (code encoding); the batch never fails
 * as a whole for one entry's bytes. */
static void
test_batch_good_and_bad(void **state)
{
	struct hostile *h = *state;
	struct px_append_result res[2];
	struct px_refusal r = { 0 };
	const uint8_t *leaves[2];
	size_t lens[2];
	uint8_t *good = NULL;
	uint64_t size = pxt_log_size(h->fx->l);

	forge(h, FARM, "A-1Qjunk", "A-1\0junk", 8, HARVEST("A-1Qjunk"));
	/* The forged entry took the farm's next number: the good one is a
	 * lab's. */
	assert_int_equal(pxt_sign(h->fx, &good, &lens[0], &r,
				  "{\"kind\":\"attest\",\"actor\":\"" MONITOR
				  "\",\"subject\":\"district:" DISTRICT
				  "\",\"season\":2026,\"status\":\"certified\","
				  "\"indicators\":[]}"),
			 PX_OK);
	leaves[0] = good;
	leaves[1] = h->leaf;
	lens[1] = h->len;
	assert_int_equal(pxt_append(h->fx->l, leaves, lens, 2, h->fx->now, res),
			 PX_OK);
	assert_int_equal(res[0].rc, PX_OK);
	assert_int_equal(res[0].index, size);
	assert_int_equal(res[1].rc, PX_EREFUSED);
	assert_int_equal(res[1].refusal.code, PX_CODE_ENCODING);
	assert_int_equal(pxt_log_size(h->fx->l), size + 1);
	free(good);
}

static void
test_repeated_string_and_nested(void **state)
{
	struct hostile *h = *state;

	forge(h, MONITOR, "forced_Q", "forced_\xc0", 8,
	      "{\"kind\":\"attest\",\"actor\":\"" MONITOR "\","
	      "\"subject\":\"district:" DISTRICT "\",\"season\":2026,"
	      "\"status\":\"forced_labour\",\"indicators\":[\"debt\","
	      "\"forced_Q\"],\"report_uri\":\"https://example.org/r.pdf\","
	      "\"report_sha256\":\"" REPORT "\"}");
	refused(h, "attest.indicators", "is not valid utf-8");
	release(h);
	forge(h, FARM, "T-Qb", "T-\xed\xa0", 4,
	      "{\"kind\":\"transfer\",\"actor\":\"" FARM "\",\"to\":\"" LAB
	      "\",\"shipment\":\"WB-1\",\"lots\":[{\"lot\":\"A-2\","
	      "\"kg\":1},{\"lot\":\"T-Qb\",\"kg\":2}]}");
	refused(h, "transfer.lots.lot", "is not valid utf-8");
}

static void
test_good_entries_pass(void **state)
{
	struct hostile *h = *state;
	struct px_refusal r = { 0 };

	/* UTF-8 in free text (an id is ASCII: the parser refuses it) */
	forge(h, FARM, "Kattaqo", "Kattaqo", 7,
	      "{\"kind\":\"harvest\",\"actor\":\"" FARM "\",\"lot\":\"K-1\","
	      "\"kg\":1000,\"season\":2026,\"district\":\"" DISTRICT "\","
	      "\"field\":\"Kattaqo\xe2\x80\x98rg-1\",\"method\":\"hand\","
	      "\"harvested_at\":\"2026-09-21T08:00:00Z\"}");
	assert_int_equal(px_encoding_check(&h->body->base, h->env.payload,
					   h->env.payload_len, &r),
			 PX_OK);
	assert_int_equal(r.code, PX_CODE_NONE);
}

static void
test_wire_malformed(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "\x0a", 1 }, /* actor: no length */
		{ "\x0a\x05"
		  "ab",
		  4 },             /* actor: past the end */
		{ "\x08", 1 },     /* varint cut */
		{ "\x0b", 1 },     /* a group */
		{ "\x00\x01", 2 }, /* field 0 */
		{ "\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 11 },
		{ "\x08\x01", 2 },     /* actor (string) as varint */
		{ "\x0d\x01\x02", 3 }, /* fixed32 cut */
	};
	struct px_refusal r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (px_encoding_check_wire(&paxta__entry__descriptor,
					   (const uint8_t *)bad[i].bytes,
					   bad[i].len, &r) != PX_EMALFORMED)
			fail_msg("case %zu is not refused as malformed", i);
	assert_int_equal(
		px_encoding_check_wire(&paxta__entry__descriptor, NULL, 0, &r),
		PX_OK);
	assert_int_equal(px_encoding_check_wire(NULL, NULL, 0, &r), PX_EINVAL);
	/* unknown fields are skipped, whatever they hold */
	assert_int_equal(px_encoding_check_wire(
				 &paxta__entry__descriptor,
				 (const uint8_t *)"\xfa\x3f\x01\xff", 4, &r),
			 PX_OK);
}

/* ---- JSON answers: whole, never a silent drop ---- */

static void
test_json_text(void **state)
{
	json_t *j;

	(void)state;
	j = px_json_text("UZ-\xff");
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "UZ-\xef\xbf\xbd");
	json_decref(j);
	j = px_json_text("https://x/\xc3");
	assert_string_equal(json_string_value(j), "https://x/\xef\xbf\xbd");
	json_decref(j);
	j = px_json_text("Kattaqo\xe2\x80\x98rg\xe2\x80\x98on");
	assert_string_equal(json_string_value(j),
			    "Kattaqo\xe2\x80\x98rg\xe2\x80\x98on");
	json_decref(j);
	j = px_json_text(NULL);
	assert_string_equal(json_string_value(j), "");
	json_decref(j);
}

/* Issue 13: a lab's reason whose region is not UTF-8 vanished from the
 * flagged verdict (json_string() gave NULL and the append was dropped). */
static void
test_verdict_json_keeps_every_reason(void **state)
{
	char *reasons[] = { "district 'UZ-SA-KTK' is certified",
			    "lab 'lab.isotope-1' finds region 'UZ-\xff'" };
	struct px_origin origin = { .lot = "B-1",
				    .farm = "uz.farm.0042",
				    .district = "UZ-SA-KTK",
				    .region = "UZ-SA",
				    .season = 2026,
				    .share = 1.0 };
	struct px_verdict v = { .kind = PX_VERDICT_FLAGGED,
				.lot = "B-1",
				.grams = 1000000,
				.origins = &origin,
				.n_origins = 1,
				.reasons = reasons,
				.n_reasons = 2 };
	json_t *j, *rs;

	(void)state;
	j = px_verdict_json(&v);
	assert_non_null(j);
	rs = json_object_get(j, "reasons");
	assert_int_equal(json_array_size(rs), 2);
	assert_string_equal(
		json_string_value(json_array_get(rs, 1)),
		"lab 'lab.isotope-1' finds region 'UZ-\xef\xbf\xbd'");
	assert_int_equal(json_array_size(json_object_get(j, "origins")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "districts")), 1);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_well_formed),
		cmocka_unit_test(test_utf8_ill_formed),
		cmocka_unit_test(test_utf8_next_and_sequence),
		cmocka_unit_test(test_wire_malformed),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_verdict_json_keeps_every_reason),
		cmocka_unit_test_setup_teardown(test_lab_region_not_utf8, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_uri_truncated,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_good_and_bad, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lot_with_nul, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_repeated_string_and_nested,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_entries_pass, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
