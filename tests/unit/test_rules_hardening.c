/*
 * Unit tests for the rules of issue 13 (rules.c): keys that cannot stand
 * for one signer, and times that run backwards.
 *
 * A rotation to the all-zero (small-order) key used to be accepted and
 * left the actor unable to sign again; an author could date its entries
 * backwards as far as year 0001. Each rule broken here is refused with
 * its code and leaves the ledger as it was (pxt_snapshot).
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
#include "paxta/crypto.h"
#include "paxta/error.h"

#define FARM     "uz.farm.0042"
#define FARM2    "uz.farm.0043"
#define REGION   "UZ-SA"
#define DISTRICT "UZ-SA-KTK"

/* 2026-10-01T12:30:00Z: the node's clock; the genesis on 2026-01-01. */
#define NOW       1790857800
#define GENESIS_T 1767225600

/* Ed25519 encodings (RFC 8032 §5.1.2: y little-endian, x's sign in the
 * top bit) that no signer can stand behind. */
static const char *const bad_keys[] = {
	/* all zero: the point (x, 0), not on the curve's subgroup */
	"0000000000000000000000000000000000000000000000000000000000000000",
	/* the identity (0, 1): small order 1 */
	"0100000000000000000000000000000000000000000000000000000000000000",
	/* (0, -1): order 2 */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	/* order 8, from the small-order blocklist every verifier keeps */
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	/* y = p + 1: non-canonical (y is not reduced mod p) */
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	/* y = 1 with the sign bit set: the non-canonical -0 */
	"0100000000000000000000000000000000000000000000000000000000000080",
};

static void
key_b64(char out[45], const char *hex)
{
	struct px_pubkey k;

	assert_int_equal(px_hex_decode(k.b, sizeof(k.b), hex), PX_OK);
	assert_int_equal(px_pubkey_to_base64(out, &k), PX_OK);
}

static void expect_refused(struct pxt_ledger *fx, enum px_code want,
			   const char *part, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
expect_refused(struct pxt_ledger *fx, enum px_code want, const char *part,
	       const char *fmt, ...)
{
	struct pxt_snapshot before, after;
	struct px_append_result res;
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&text, fmt, ap) >= 0);
	va_end(ap);
	pxt_snapshot(fx, &before);
	memset(&res, 0, sizeof(res));
	pxt_submit(fx, &res, "%s", text);
	if (res.rc != PX_EREFUSED || res.refusal.code != want ||
	    !strstr(res.refusal.message, part))
		fail_msg("%s\nwant %s mentioning '%s'; got rc %d %s: %s", text,
			 px_code_name(want), part, res.rc,
			 px_code_name(res.refusal.code), res.refusal.message);
	free(text);
	pxt_snapshot(fx, &after);
	if (!pxt_snapshot_equal(&before, &after))
		fail_msg("a refused entry changed the ledger");
}

static void submit_ok(struct pxt_ledger *fx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
submit_ok(struct pxt_ledger *fx, const char *fmt, ...)
{
	struct px_append_result res;
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&text, fmt, ap) >= 0);
	va_end(ap);
	if (pxt_submit(fx, &res, "%s", text) != PX_OK)
		fail_msg("%s\nrefused: %s: %s", text,
			 px_code_name(res.refusal.code), res.refusal.message);
	free(text);
}

static int
setup(void **state)
{
	struct pxt_ledger *fx = pxt_ledger_new_at(NULL, GENESIS_T);

	fx->now = NOW;
	pxt_register(fx, FARM, "farm", REGION, DISTRICT);
	*state = fx;
	return 0;
}

static void
test_pubkey_valid(void **state)
{
	struct px_seckey k;
	struct px_pubkey p;

	(void)state;
	for (int i = 0; i < 16; i++) {
		assert_int_equal(px_key_generate(&k), PX_OK);
		assert_true(px_pubkey_valid(k.pub.b, PX_PUBKEY_LEN));
		assert_false(px_pubkey_valid(k.pub.b, PX_PUBKEY_LEN - 1));
		px_key_wipe(&k);
	}
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		assert_int_equal(px_hex_decode(p.b, sizeof(p.b), bad_keys[i]),
				 PX_OK);
		if (px_pubkey_valid(p.b, sizeof(p.b)))
			fail_msg("key %s is taken as valid", bad_keys[i]);
	}
	assert_false(px_pubkey_valid(NULL, PX_PUBKEY_LEN));
}

static void
test_register_bad_key(void **state)
{
	struct pxt_ledger *fx = *state;
	char b64[45];

	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		key_b64(b64, bad_keys[i]);
		expect_refused(
			fx, PX_CODE_MALFORMED, "no usable ed25519 public key",
			"{\"kind\":\"register_actor\",\"actor\":"
			"\"" PXT_REGISTRAR "\",\"subject\":{\"id\":\"" FARM2
			"\",\"name\":\"F\","
			"\"roles\":[\"farm\"],\"region\":\"" REGION "\","
			"\"district\":\"" DISTRICT "\",\"public_key\":\"%s\"}}",
			b64);
	}
}

static void
test_rotate_to_bad_key(void **state)
{
	struct pxt_ledger *fx = *state;
	char b64[45];

	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		key_b64(b64, bad_keys[i]);
		/* by the actor itself, and by a registrar after a theft */
		expect_refused(fx, PX_CODE_MALFORMED,
			       "the new key of '" FARM "'",
			       "{\"kind\":\"rotate_key\",\"actor\":\"" FARM
			       "\",\"public_key\":\"%s\"}",
			       b64);
		expect_refused(fx, PX_CODE_MALFORMED, "no usable ed25519",
			       "{\"kind\":\"rotate_key\",\"actor\":"
			       "\"" PXT_REGISTRAR "\",\"subject\":\"" FARM
			       "\",\"public_key\":\"%s\"}",
			       b64);
	}
	/* the actor still signs with its key */
	submit_ok(fx, "{\"kind\":\"harvest\",\"actor\":\"" FARM "\","
		      "\"lot\":\"L-1\",\"kg\":100,\"season\":2026,"
		      "\"district\":\"" DISTRICT "\",\"method\":\"hand\","
		      "\"harvested_at\":\"2026-09-21T08:00:00Z\"}");
}

#define HARVEST_AT(lot, t)                                                  \
	"{\"kind\":\"harvest\",\"actor\":\"" FARM "\",\"lot\":\"" lot "\"," \
	"\"kg\":100,\"season\":2026,\"district\":\"" DISTRICT "\","         \
	"\"method\":\"hand\",\"harvested_at\":\"2026-09-21T08:00:00Z\","    \
	"\"time\":\"" t "\"}"

static void
test_author_time_backwards(void **state)
{
	struct pxt_ledger *fx = *state;

	/* at the node's clock: 2026-10-01T12:30:00Z */
	submit_ok(fx, HARVEST_AT("L-1", "2026-10-01T12:30:00Z"));
	/* 301 s before the author's last entry: over the 300 s skew */
	expect_refused(fx, PX_CODE_TIME,
		       "is more than 300 s before its entry at "
		       "2026-10-01T12:30:00Z",
		       HARVEST_AT("L-2", "2026-10-01T12:24:59Z"));
	/* within the skew: two machines of one farm */
	submit_ok(fx, HARVEST_AT("L-2", "2026-10-01T12:25:00Z"));
	/* the mark is the latest time, not the last one: no creeping back
	 * 300 s at a time */
	expect_refused(fx, PX_CODE_TIME, "before its entry",
		       HARVEST_AT("L-3", "2026-10-01T12:24:59Z"));
	/* far back */
	expect_refused(fx, PX_CODE_TIME, "before",
		       HARVEST_AT("L-3", "2026-09-21T08:00:00Z"));
	submit_ok(fx, HARVEST_AT("L-3", "2026-10-01T12:31:00Z"));
}

static void
test_time_before_genesis(void **state)
{
	struct pxt_ledger *fx = *state;
	char pub[45];

	/* an author's first entry, dated before the log began */
	px_pubkey_to_base64(pub, &pxt_key(fx, FARM2)->pub);
	submit_ok(fx,
		  "{\"kind\":\"register_actor\",\"actor\":\"" PXT_REGISTRAR
		  "\",\"subject\":{\"id\":\"" FARM2 "\",\"name\":\"F\","
		  "\"roles\":[\"farm\"],\"region\":\"" REGION "\","
		  "\"district\":\"" DISTRICT "\",\"public_key\":\"%s\"}}",
		  pub);
	expect_refused(fx, PX_CODE_TIME,
		       "is before the log's genesis at 2026-01-01T00:00:00Z",
		       "{\"kind\":\"rotate_key\",\"actor\":\"" FARM2 "\","
		       "\"public_key\":\"%s\",\"time\":"
		       "\"0001-01-01T00:00:00Z\"}",
		       pub);
	expect_refused(fx, PX_CODE_TIME, "genesis",
		       "{\"kind\":\"rotate_key\",\"actor\":\"" FARM2 "\","
		       "\"public_key\":\"%s\",\"time\":"
		       "\"2025-12-31T23:54:59Z\"}",
		       pub);
	/* the skew holds here too */
	submit_ok(fx,
		  "{\"kind\":\"rotate_key\",\"actor\":\"" FARM2 "\","
		  "\"public_key\":\"%s\",\"time\":\"2025-12-31T23:55:00Z\"}",
		  pub);
}

/* The genesis time survives a reopen (it is kept in the metadata). */
static void
test_genesis_time_after_reopen(void **state)
{
	struct pxt_ledger *fx = *state;

	pxt_ledger_reopen(fx);
	expect_refused(fx, PX_CODE_TIME, "genesis",
		       HARVEST_AT("L-9", "2025-06-01T00:00:00Z"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pubkey_valid),
		cmocka_unit_test_setup_teardown(test_register_bad_key, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_rotate_to_bad_key, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_author_time_backwards,
						setup, pxt_teardown),
		cmocka_unit_test_setup_teardown(test_time_before_genesis, setup,
						pxt_teardown),
		cmocka_unit_test_setup_teardown(test_genesis_time_after_reopen,
						setup, pxt_teardown),
	};

	assert_int_equal(px_crypto_init(), PX_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
