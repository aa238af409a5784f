/*
 * Unit tests for event.c: events as JSON (DESIGN.md §6.1) to entries and
 * back.
 *
 * Every example of §6.1 parses into the right fields with exact grams;
 * every kind survives parse -> px_event_from_entry -> parse with the same
 * packed Entry; and every malformed event is refused with
 * PX_CODE_MALFORMED and a message naming the field. Events are written
 * with single quotes here and turned into JSON by dq().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "paxta/event.h"
#include "paxta/units.h"
#include "support.h"

/* The bytes 0, 1, ..., 31: as an Ed25519 key in base64 and as a SHA-256
 * in hex. */
#define KEY   "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY31 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="
#define KEY33 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define HEX   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_UC \
	"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"

/* 2026-09-21T08:00:00Z and 2026-10-01T12:30:00Z. */
#define HARVESTED_AT 1789977600
#define EVENT_TIME   1790857800

static uint8_t counting[32];

/* ---- helpers ---- */

/* A single-quoted event as JSON: every ' becomes ". malloc'd. */
static char *
dq(const char *squoted)
{
	char *text = strdup(squoted);

	assert_non_null(text);
	for (char *c = text; *c; c++)
		if (*c == '\'')
			*c = '"';
	return text;
}

static struct px_event *
parse_ok(const char *squoted)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;
	char *text = dq(squoted);
	int rc = px_event_parse_text(&ev, text, strlen(text), &r);

	if (rc != PX_OK)
		print_error("refused %s: %s\n", text, r.message);
	assert_int_equal(rc, PX_OK);
	assert_non_null(ev);
	assert_non_null(ev->entry);
	free(text);
	return ev;
}

static void
expect_text_refusal(const char *text, size_t len, int want_rc,
		    enum px_code want_code, const char *needle)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = (struct px_event *)&r;
	int rc = px_event_parse_text(&ev, text, len, &r);

	if (rc != want_rc || !strstr(r.message, needle))
		print_error("%.200s\n  -> %d '%s', wanted %d and '%s'\n", text,
			    rc, r.message, want_rc, needle);
	assert_int_equal(rc, want_rc);
	assert_null(ev);
	assert_int_equal(r.code, want_code);
	assert_non_null(strstr(r.message, needle));
}

/* Refused as malformed, with needle in the message. */
static void
expect_malformed(const char *squoted, const char *needle)
{
	char *text = dq(squoted);

	expect_text_refusal(text, strlen(text), PX_EMALFORMED,
			    PX_CODE_MALFORMED, needle);
	free(text);
}

static void
expect_json_malformed(const json_t *event, const char *needle)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = (struct px_event *)&r;
	int rc = px_event_parse(&ev, event, &r);

	if (rc != PX_EMALFORMED || !strstr(r.message, needle))
		print_error("-> %d '%s', wanted '%s'\n", rc, r.message, needle);
	assert_int_equal(rc, PX_EMALFORMED);
	assert_null(ev);
	assert_int_equal(r.code, PX_CODE_MALFORMED);
	assert_non_null(strstr(r.message, needle));
}

static uint8_t *
pack(const Paxta__Entry *e, size_t *len)
{
	uint8_t *buf;

	*len = paxta__entry__get_packed_size(e);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(paxta__entry__pack(e, buf), *len);
	return buf;
}

static void
assert_same_entry(const Paxta__Entry *a, const Paxta__Entry *b)
{
	size_t alen, blen;
	uint8_t *ab = pack(a, &alen), *bb = pack(b, &blen);

	assert_int_equal(alen, blen);
	assert_memory_equal(ab, bb, alen);
	free(ab);
	free(bb);
}

static void
assert_bytes(const ProtobufCBinaryData *b, const uint8_t *want, size_t len)
{
	assert_int_equal(b->len, len);
	assert_memory_equal(b->data, want, len);
}

static void
assert_header(const struct px_event *ev, const char *actor)
{
	assert_string_equal(ev->entry->actor, actor);
	assert_int_equal(ev->entry->seq, 0);
	assert_int_equal(ev->entry->prev.len, 0);
	assert_int_equal(ev->entry->time, 0);
	assert_int_equal(ev->has_time, 0);
	assert_int_equal(ev->void_by_hash, 0);
}

static uint64_t
grams_of(const char *kg)
{
	char text[256];
	struct px_event *ev;
	uint64_t grams;

	snprintf(text, sizeof(text),
		 "{'kind': 'harvest', 'actor': 'uz.farm.0042', 'lot': 'L', "
		 "'kg': %s, 'season': 2026, 'district': 'UZ-SA-KTK'}",
		 kg);
	ev = parse_ok(text);
	grams = ev->entry->harvest->grams;
	px_event_free(ev);
	return grams;
}

/* ---- DESIGN.md §6.1, example by example ---- */

static void
test_example_register_actor(void **state)
{
	struct px_event *ev =
		parse_ok("{'kind': 'register_actor', 'actor': 'uz.registrar', "
			 "'subject': {'id': 'uz.gin.kattakurgan-01', "
			 "'name': 'Kattakurgan Gin 1', 'roles': ['gin'], "
			 "'region': 'UZ-SA', 'district': 'UZ-SA-KTK', "
			 "'public_key': '" KEY "'}}");
	const Paxta__Actor *a;

	(void)state;
	assert_header(ev, "uz.registrar");
	assert_int_equal(ev->entry->body_case,
			 PAXTA__ENTRY__BODY_REGISTER_ACTOR);
	a = ev->entry->register_actor->subject;
	assert_string_equal(a->id, "uz.gin.kattakurgan-01");
	assert_string_equal(a->name, "Kattakurgan Gin 1");
	assert_int_equal(a->n_roles, 1);
	assert_int_equal(a->roles[0], PAXTA__ROLE__ROLE_GIN);
	assert_string_equal(a->region, "UZ-SA");
	assert_string_equal(a->district, "UZ-SA-KTK");
	assert_false(a->has_coords);
	assert_bytes(&a->public_key, counting, 32);
	px_event_free(ev);
}

static void
test_example_harvest(void **state)
{
	struct px_event *ev = parse_ok(
		"{'kind': 'harvest', 'actor': 'uz.farm.0042', "
		"'lot': 'UZ-2026-F0042-001', 'kg': 12000, 'season': 2026, "
		"'district': 'UZ-SA-KTK', 'method': 'hand', "
		"'harvested_at': '2026-09-21T08:00:00Z'}");
	const Paxta__Harvest *h;

	(void)state;
	assert_header(ev, "uz.farm.0042");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_HARVEST);
	h = ev->entry->harvest;
	assert_string_equal(h->lot, "UZ-2026-F0042-001");
	assert_int_equal(h->grams, 12000000);
	assert_int_equal(h->season, 2026);
	assert_string_equal(h->district, "UZ-SA-KTK");
	assert_string_equal(h->field, "");
	assert_int_equal(h->method, PAXTA__METHOD__METHOD_HAND);
	assert_int_equal(h->harvested_at, HARVESTED_AT);
	px_event_free(ev);
}

static void
test_example_transfer(void **state)
{
	struct px_event *ev = parse_ok(
		"{'kind': 'transfer', 'actor': 'uz.farm.0042', "
		"'to': 'uz.gin.kattakurgan-01', 'shipment': 'WB-7781', "
		"'lots': [{'lot': 'UZ-2026-F0042-001', 'kg': 12000}]}");
	const Paxta__Transfer *t;

	(void)state;
	assert_header(ev, "uz.farm.0042");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_TRANSFER);
	t = ev->entry->transfer;
	assert_string_equal(t->to, "uz.gin.kattakurgan-01");
	assert_string_equal(t->shipment, "WB-7781");
	assert_int_equal(t->n_lots, 1);
	assert_string_equal(t->lots[0]->lot, "UZ-2026-F0042-001");
	assert_int_equal(t->lots[0]->grams, 12000000);
	assert_int_equal(t->n_documents, 0);
	px_event_free(ev);
}

static void
test_example_receive(void **state)
{
	struct px_event *ev = parse_ok(
		"{'kind': 'receive', 'actor': 'uz.gin.kattakurgan-01', "
		"'shipment': 'WB-7781', "
		"'lots': [{'lot': 'UZ-2026-F0042-001', 'kg': 11980}]}");
	const Paxta__Receive *rv;

	(void)state;
	assert_header(ev, "uz.gin.kattakurgan-01");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_RECEIVE);
	rv = ev->entry->receive;
	assert_string_equal(rv->shipment, "WB-7781");
	assert_int_equal(rv->n_lots, 1);
	assert_string_equal(rv->lots[0]->lot, "UZ-2026-F0042-001");
	assert_int_equal(rv->lots[0]->grams, 11980000);
	px_event_free(ev);
}

static void
test_example_transform(void **state)
{
	struct px_event *ev = parse_ok(
		"{'kind': 'transform', 'actor': 'uz.gin.kattakurgan-01', "
		"'process': 'ginning', "
		"'inputs': [{'lot': 'UZ-2026-F0042-001', 'kg': 11980}], "
		"'outputs': [{'lot': 'PBI-000100000001', 'kg': 227, "
		"'product': 'lint'}, {'lot': 'SEED-2026-0001', 'kg': 6500, "
		"'product': 'cottonseed'}]}");
	const Paxta__Transform *t;

	(void)state;
	assert_header(ev, "uz.gin.kattakurgan-01");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_TRANSFORM);
	t = ev->entry->transform;
	assert_int_equal(t->process, PAXTA__PROCESS__PROCESS_GINNING);
	assert_int_equal(t->n_inputs, 1);
	assert_string_equal(t->inputs[0]->lot, "UZ-2026-F0042-001");
	assert_int_equal(t->inputs[0]->grams, 11980000);
	assert_int_equal(t->n_outputs, 2);
	assert_string_equal(t->outputs[0]->lot, "PBI-000100000001");
	assert_int_equal(t->outputs[0]->grams, 227000);
	assert_int_equal(t->outputs[0]->product, PAXTA__PRODUCT__PRODUCT_LINT);
	assert_string_equal(t->outputs[1]->lot, "SEED-2026-0001");
	assert_int_equal(t->outputs[1]->grams, 6500000);
	assert_int_equal(t->outputs[1]->product,
			 PAXTA__PRODUCT__PRODUCT_COTTONSEED);
	px_event_free(ev);
}

static void
test_example_attest(void **state)
{
	struct px_event *ev =
		parse_ok("{'kind': 'attest', 'actor': 'monitor.tpm', "
			 "'subject': 'district:UZ-SA-KTK', 'season': 2026, "
			 "'status': 'certified', 'indicators': [], "
			 "'report_uri': 'https://example.org/tpm-2026.pdf', "
			 "'report_sha256': '" HEX "'}");
	const Paxta__Attest *a;

	(void)state;
	assert_header(ev, "monitor.tpm");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_ATTEST);
	a = ev->entry->attest;
	assert_string_equal(a->subject, "district:UZ-SA-KTK");
	assert_int_equal(a->season, 2026);
	assert_int_equal(a->status, PAXTA__STATUS__STATUS_CERTIFIED);
	assert_int_equal(a->n_indicators, 0);
	assert_string_equal(a->report_uri, "https://example.org/tpm-2026.pdf");
	assert_bytes(&a->report_sha256, counting, 32);
	px_event_free(ev);
}

static void
test_example_lab_result(void **state)
{
	struct px_event *ev = parse_ok(
		"{'kind': 'lab_result', 'actor': 'lab.isotope-1', "
		"'lot': 'PBI-000100000001', 'matches': false, "
		"'claimed_region': 'UZ-SA', 'report_sha256': '" HEX_UC "'}");
	const Paxta__LabResult *l;

	(void)state;
	assert_header(ev, "lab.isotope-1");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_LAB_RESULT);
	l = ev->entry->lab_result;
	assert_string_equal(l->lot, "PBI-000100000001");
	assert_false(l->matches);
	assert_string_equal(l->claimed_region, "UZ-SA");
	assert_string_equal(l->matched_region, "");
	assert_string_equal(l->method, "");
	assert_bytes(&l->report_sha256, counting, 32);
	px_event_free(ev);
}

/* ---- the other kinds and the optional fields ---- */

static void
test_update_actor(void **state)
{
	/* The key is rotate_key's business: an update ignores one. */
	struct px_event *ev = parse_ok(
		"{'kind': 'update_actor', 'actor': 'uz.registrar', "
		"'subject': {'id': 'uz.gin.kattakurgan-01', 'name': 'KG1', "
		"'roles': ['gin', 'warehouse', 'exporter'], "
		"'region': 'UZ-SA', 'lat': 39.9, 'lon': 66, "
		"'public_key': 'not a key'}}");
	const Paxta__Actor *a;

	(void)state;
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_UPDATE_ACTOR);
	a = ev->entry->update_actor->subject;
	assert_string_equal(a->id, "uz.gin.kattakurgan-01");
	assert_string_equal(a->name, "KG1");
	assert_int_equal(a->n_roles, 3);
	assert_int_equal(a->roles[0], PAXTA__ROLE__ROLE_GIN);
	assert_int_equal(a->roles[1], PAXTA__ROLE__ROLE_WAREHOUSE);
	assert_int_equal(a->roles[2], PAXTA__ROLE__ROLE_EXPORTER);
	assert_string_equal(a->district, "");
	assert_true(a->has_coords);
	assert_true(a->lat == 39.9);
	assert_true(a->lon == 66.0);
	assert_int_equal(a->public_key.len, 0);
	px_event_free(ev);
}

static void
test_revoke_and_rotate(void **state)
{
	struct px_event *ev;

	(void)state;
	ev = parse_ok("{'kind': 'revoke_actor', 'actor': 'uz.registrar', "
		      "'subject': 'uz.farm.0042', 'reason': 'key lost'}");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_REVOKE_ACTOR);
	assert_string_equal(ev->entry->revoke_actor->subject, "uz.farm.0042");
	assert_string_equal(ev->entry->revoke_actor->reason, "key lost");
	px_event_free(ev);

	/* Without a subject an actor rotates its own key. */
	ev = parse_ok("{'kind': 'rotate_key', 'actor': 'uz.farm.0042', "
		      "'public_key': '" KEY "'}");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_ROTATE_KEY);
	assert_string_equal(ev->entry->rotate_key->subject, "uz.farm.0042");
	assert_bytes(&ev->entry->rotate_key->public_key, counting, 32);
	px_event_free(ev);

	ev = parse_ok("{'kind': 'rotate_key', 'actor': 'uz.registrar', "
		      "'subject': 'uz.farm.0042', 'public_key': '" KEY "'}");
	assert_string_equal(ev->entry->rotate_key->subject, "uz.farm.0042");
	px_event_free(ev);
}

static void
test_void(void **state)
{
	struct px_event *ev;

	(void)state;
	ev = parse_ok("{'kind': 'void', 'actor': 'uz.farm.0042', "
		      "'entry': 17, 'reason': 'typo in kg'}");
	assert_int_equal(ev->entry->body_case, PAXTA__ENTRY__BODY_VOID);
	assert_int_equal(ev->entry->void_->index, 17);
	assert_string_equal(ev->entry->void_->reason, "typo in kg");
	assert_false(ev->void_by_hash);
	px_event_free(ev);

	ev = parse_ok("{'kind': 'void', 'actor': 'uz.farm.0042', "
		      "'entry': '" HEX_UC "'}");
	assert_int_equal(ev->entry->void_->index, 0);
	assert_true(ev->void_by_hash);
	assert_memory_equal(ev->void_hash.b, counting, 32);
	assert_string_equal(ev->entry->void_->reason, "");
	px_event_free(ev);
}

static void
test_optional_fields(void **state)
{
	struct px_event *ev;

	(void)state;
	ev = parse_ok("{'kind': 'harvest', 'actor': 'uz.farm.0042', "
		      "'time': '2026-10-01T17:30:00+05:00', 'lot': 'L1', "
		      "'kg': 0.5, 'season': 2026, 'district': 'UZ-SA-KTK', "
		      "'field': 'F-12', 'method': 'machine', "
		      "'harvested_at': '2026-09-21'}");
	assert_true(ev->has_time);
	assert_int_equal(ev->entry->time, EVENT_TIME);
	assert_string_equal(ev->entry->harvest->field, "F-12");
	assert_int_equal(ev->entry->harvest->method,
			 PAXTA__METHOD__METHOD_MACHINE);
	assert_int_equal(ev->entry->harvest->harvested_at,
			 HARVESTED_AT - 8 * 3600);
	assert_int_equal(ev->entry->harvest->grams, 500);
	px_event_free(ev);

	ev = parse_ok("{'kind': 'transfer', 'actor': 'a', 'to': 'b', "
		      "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}], "
		      "'documents': ['" HEX "', '" HEX_UC "']}");
	assert_int_equal(ev->entry->transfer->n_documents, 2);
	assert_bytes(&ev->entry->transfer->documents[0], counting, 32);
	assert_bytes(&ev->entry->transfer->documents[1], counting, 32);
	px_event_free(ev);

	ev = parse_ok("{'kind': 'lab_result', 'actor': 'lab', 'lot': 'L', "
		      "'matches': true, 'claimed_region': 'UZ-SA', "
		      "'matched_region': 'UZ-XO', 'method': 'isotope'}");
	assert_true(ev->entry->lab_result->matches);
	assert_string_equal(ev->entry->lab_result->matched_region, "UZ-XO");
	assert_string_equal(ev->entry->lab_result->method, "isotope");
	assert_int_equal(ev->entry->lab_result->report_sha256.len, 0);
	px_event_free(ev);

	ev = parse_ok("{'kind': 'attest', 'actor': 'monitor.ilo', "
		      "'subject': 'country:UZ', 'season': 2026, "
		      "'status': 'forced_labour', "
		      "'indicators': ['abuse of vulnerability', "
		      "'intimidation and threats']}");
	assert_int_equal(ev->entry->attest->status,
			 PAXTA__STATUS__STATUS_FORCED_LABOUR);
	assert_int_equal(ev->entry->attest->n_indicators, 2);
	assert_string_equal(ev->entry->attest->indicators[1],
			    "intimidation and threats");
	assert_string_equal(ev->entry->attest->report_uri, "");
	px_event_free(ev);
}

static void
test_null_fields(void **state)
{
	/* null is an absent optional field */
	struct px_event *ev = parse_ok(
		"{'kind': 'harvest', 'actor': 'uz.farm.0042', 'lot': 'L', "
		"'kg': 1, 'season': 2026, 'district': 'D', 'field': null, "
		"'method': null, 'time': null}");

	(void)state;
	assert_string_equal(ev->entry->harvest->field, "");
	assert_int_equal(ev->entry->harvest->method,
			 PAXTA__METHOD__METHOD_UNSPECIFIED);
	assert_false(ev->has_time);
	px_event_free(ev);
}

#define REGISTER_EV(subject) \
	"{'kind': 'register_actor', 'actor': 'r', 'subject': {" subject "}}"

static void
test_unknown_fields(void **state)
{
	struct px_event *ev;

	(void)state;
	/* DESIGN.md §6.1: unknown fields are refused, not dropped; a near
	 * name is offered, else the list of known ones */
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
			 "'kg': 1, 'season': 2026, 'district': 'D', "
			 "'feild': 'north'}",
			 "harvest: unknown field 'feild'; did you mean "
			 "'field'?");
	expect_malformed("{'kind': 'transfer', 'actor': 'a', 'to': 'b', "
			 "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}], "
			 "'vehicle': '01A123BC'}",
			 "transfer: unknown field 'vehicle'; known fields: "
			 "kind, actor, time, event_time, event_id, seq, "
			 "prev, to, "
			 "shipment, lots, "
			 "documents");
	/* a typo of a required field is named as a typo, not as missing */
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lto': 'L', "
			 "'kg': 1, 'season': 2026, 'district': 'D'}",
			 "unknown field 'lto'; did you mean 'lot'?");
	/* nested objects: lines, outputs, subjects, documents, regions */
	expect_malformed("{'kind': 'receive', 'actor': 'a', 'shipment': 'S', "
			 "'lots': [{'lot': 'L', 'kg': 1}, "
			 "{'lot': 'M', 'kg': 1, 'moisture': 8}]}",
			 "receive: lot 2: unknown field 'moisture'");
	expect_malformed("{'kind': 'transform', 'actor': 'g', 'process': "
			 "'ginning', 'inputs': [{'lot': 'A', 'kg': 10}], "
			 "'outputs': [{'lot': 'B', 'kg': 4, 'prodcut': "
			 "'lint'}]}",
			 "transform: output 1: unknown field 'prodcut'; did "
			 "you mean 'product'?");
	expect_malformed(REGISTER_EV("'id': 'x', 'name': 'X', 'roles': "
				     "['gin'], 'regoin': 'UZ-SA', "
				     "'public_key': '" KEY "'"),
			 "register_actor: subject: unknown field 'regoin'; "
			 "did you mean 'region'?");
	expect_malformed("{'kind': 'lab_result', 'actor': 'l', 'lot': 'L', "
			 "'matches': true, 'documents': [{'type': 'other', "
			 "'number': '1', 'numbr': '2'}]}",
			 "document 1: unknown field 'numbr'");
	expect_malformed("{'kind': 'publish_districts', 'actor': 'r', "
			 "'country': 'UZ', 'regions': [{'code': 'UZ-SA', "
			 "'name': 'S', 'districts': [{'code': 'D', 'name': "
			 "'N', 'districts': []}]}]}",
			 "unknown field 'districts'");
	/* a logged event's own "seq" and "prev" read back, ignored */
	ev = parse_ok("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
		      "'kg': 1, 'season': 2026, 'district': 'D', "
		      "'seq': 7, 'prev': 'ab'}");
	assert_int_equal(ev->entry->seq, 0);
	px_event_free(ev);
}

static void
test_ids_and_names(void **state)
{
	char long_id[160];
	char *text;
	struct px_event *ev;

	(void)state;
	/* an id error names the field and the character that broke it */
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': "
			 "'\u041b\u043e\u0442-1', 'kg': 1, 'season': 2026, "
			 "'district': 'D'}",
			 "harvest: field 'lot' '\xd0\x9b\xd0\xbe\xd1\x82-1' "
			 "is not an id: character 1 '\xd0\x9b' is not ASCII");
	expect_malformed("{'kind': 'receive', 'actor': 'a', 'shipment': "
			 "'WB 7781', 'lots': [{'lot': 'L', 'kg': 1}]}",
			 "receive: field 'shipment' 'WB 7781' is not an id: "
			 "character 3 is a space");
	expect_malformed("{'kind': 'transfer', 'actor': 'a', 'to': 'b', "
			 "'shipment': 'S', 'lots': [{'lot': 'L 1', 'kg': 1}]}",
			 "transfer: lot 1: field 'lot' 'L 1' is not an id");
	memset(long_id, 'x', 129);
	long_id[129] = '\0';
	text = malloc(400);
	assert_non_null(text);
	snprintf(text, 400,
		 "{'kind': 'harvest', 'actor': 'f', 'lot': '%s', 'kg': 1, "
		 "'season': 2026, 'district': 'D'}",
		 long_id);
	expect_malformed(text, "field 'lot' is 129 bytes; an id has at most "
			       "128");
	long_id[128] = '\0';
	snprintf(text, 400,
		 "{'kind': 'harvest', 'actor': 'f', 'lot': '%s', 'kg': 1, "
		 "'season': 2026, 'district': 'D'}",
		 long_id);
	ev = parse_ok(text);
	assert_int_equal(strlen(ev->entry->harvest->lot), 128);
	px_event_free(ev);
	free(text);

	/* every enum error lists the valid values */
	expect_malformed(REGISTER_EV("'id': 'x', 'name': 'X', 'roles': "
				     "['spinning'], 'public_key': '" KEY "'"),
			 "unknown role 'spinning' in field 'roles'; roles are "
			 "registrar, farm, gin, warehouse, spinner, weaver, "
			 "manufacturer, exporter, importer, brand, monitor, "
			 "lab");
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
			 "'kg': 1, 'season': 2026, 'district': 'D', "
			 "'method': 'tractor'}",
			 "unknown method 'tractor'; methods are hand, "
			 "machine");
	expect_malformed("{'kind': 'transform', 'actor': 'g', 'process': "
			 "'gin', 'inputs': [], 'outputs': []}",
			 "unknown process 'gin'; processes are ginning, "
			 "spinning, weaving, knitting, making");
	expect_malformed("{'kind': 'transform', 'actor': 'g', 'process': "
			 "'ginning', 'inputs': [{'lot': 'A', 'kg': 10}], "
			 "'outputs': [{'lot': 'B', 'kg': 4, 'product': "
			 "'linen'}]}",
			 "unknown product 'linen'; products are seed_cotton, "
			 "lint, cottonseed, waste, yarn, fabric, garment");
	expect_malformed("{'kind': 'attest', 'actor': 'm', 'subject': "
			 "'country:UZ', 'season': 2026, 'status': 'ok'}",
			 "unknown status 'ok'; statuses are certified, "
			 "under_review, withdrawn, child_labour, "
			 "forced_labour, remediated");
	expect_malformed("{'kind': 'lab_result', 'actor': 'l', 'lot': 'L', "
			 "'matches': true, 'documents': [{'type': 'receipt', "
			 "'number': '1'}]}",
			 "unknown document type 'receipt'; types are invoice, "
			 "purchase_order, contract, packing_list");
	expect_malformed("{'kind': 'harvests', 'actor': 'f'}",
			 "unknown kind 'harvests'; kinds are register_actor, "
			 "update_actor, revoke_actor, rotate_key, harvest, "
			 "transform, transfer, receive");
}

static void
test_event_time(void **state)
{
	struct px_event *ev;
	json_t *json;

	(void)state;
	/* kept as given, its offset shown as given */
	ev = parse_ok("{'kind': 'receive', 'actor': 'b', 'shipment': 'S', "
		      "'lots': [{'lot': 'L', 'kg': 1}], "
		      "'event_time': '2026-10-15T08:10:00+05:00'}");
	assert_string_equal(ev->entry->event_time, "2026-10-15T08:10:00+05:00");
	assert_true(ev->has_event_time);
	assert_int_equal(ev->event_time, 1792033800);
	json = px_event_from_entry(ev->entry);
	assert_string_equal(
		json_string_value(json_object_get(json, "event_time")),
		"2026-10-15T08:10:00+05:00");
	json_decref(json);
	px_event_free(ev);
	/* a harvest's event time is its harvested_at */
	ev = parse_ok("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
		      "'kg': 1, 'season': 2026, 'district': 'D', "
		      "'event_time': '2026-09-21T13:00:00+05:00'}");
	assert_int_equal(ev->entry->harvest->harvested_at, 1789977600);
	px_event_free(ev);
	ev = parse_ok("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
		      "'kg': 1, 'season': 2026, 'district': 'D', "
		      "'harvested_at': '2026-09-21T08:00:00Z', "
		      "'event_time': '2026-09-21T13:00:00+05:00'}");
	px_event_free(ev);
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
			 "'kg': 1, 'season': 2026, 'district': 'D', "
			 "'harvested_at': '2026-09-21T08:00:00Z', "
			 "'event_time': '2026-09-21T08:00:00+05:00'}",
			 "harvest: field 'harvested_at' and field "
			 "'event_time' name different times");
	/* a date-time with its offset, not a date */
	expect_malformed("{'kind': 'receive', 'actor': 'b', 'shipment': 'S', "
			 "'lots': [{'lot': 'L', 'kg': 1}], "
			 "'event_time': '2026-10-15'}",
			 "receive: field 'event_time' must be an RFC 3339 "
			 "date-time with its UTC offset");
	expect_malformed("{'kind': 'receive', 'actor': 'b', 'shipment': 'S', "
			 "'lots': [{'lot': 'L', 'kg': 1}], "
			 "'event_time': 'yesterday T'}",
			 "field 'event_time' must be an RFC 3339");
	/* documents: an object needs a way to find the paper */
	expect_malformed("{'kind': 'receive', 'actor': 'b', 'shipment': 'S', "
			 "'lots': [{'lot': 'L', 'kg': 1}], "
			 "'documents': [{'type': 'waybill'}]}",
			 "receive: document 1: a document needs a number, a "
			 "sha256 or a uri");
	expect_malformed("{'kind': 'transfer', 'actor': 'a', 'to': 'b', "
			 "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}], "
			 "'documents': [7]}",
			 "field 'documents' item 1 must be an object");
}

static void
test_byte_order_mark(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf{\"kind\": \"harvest\", \"actor\": \"f\", "
		"\"lot\": \"L\", \"kg\": 1, \"season\": 2026, "
		"\"district\": \"D\"}";
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;

	(void)state;
	assert_int_equal(px_event_parse_text(&ev, text, sizeof(text) - 1, &r),
			 PX_OK);
	assert_string_equal(ev->entry->harvest->lot, "L");
	px_event_free(ev);
	/* only at the start, and only whole */
	expect_text_refusal("\xef\xbb{}", 4, PX_EMALFORMED, PX_CODE_MALFORMED,
			    "an event must be JSON");
}

static void
test_grams(void **state)
{
	(void)state;
	assert_int_equal(grams_of("11980"), 11980000);
	assert_int_equal(grams_of("11.98"), 11980);
	assert_int_equal(grams_of("0.001"), 1);
	assert_int_equal(grams_of("0"), 0);
	assert_int_equal(grams_of("-0"), 0);
	assert_int_equal(grams_of("0.0"), 0);
	assert_int_equal(grams_of("12000.0"), 12000000);
	assert_int_equal(grams_of("12.5000"), 12500);
	assert_int_equal(grams_of("1e3"), 1000000);
	assert_int_equal(grams_of("1.5E-2"), 15);
	assert_int_equal(grams_of("227.125"), 227125);
	assert_int_equal(grams_of("0.1"), 100);
	assert_int_equal(grams_of("1.005"), 1005);
	/* a script's 0.1 + 0.2 */
	assert_int_equal(grams_of("0.30000000000000004"), 300);
	assert_int_equal(grams_of("11.979999999999999"), 11980);
	/* the cap, and the largest values with 3 decimals under it */
	assert_int_equal(grams_of("1000000000000"), PX_GRAMS_MAX);
	assert_int_equal(grams_of("1000000000000.000"), PX_GRAMS_MAX);
	assert_int_equal(grams_of("999999999999.999"), PX_GRAMS_MAX - 1);
	assert_int_equal(grams_of("123456789012.345"), 123456789012345ULL);
	assert_int_equal(grams_of("9007199254.741"), 9007199254741ULL);
}

/* ---- round trips ---- */

static const char *const round_trip_events[] = {
	/* business time and documents on the kinds that move cotton */
	"{'kind': 'harvest', 'actor': 'f', 'lot': 'L', 'kg': 1, "
	"'season': 2026, 'district': 'D', "
	"'event_time': '2026-09-21T13:00:00+05:00', "
	"'documents': [{'type': 'weighbridge_ticket', 'number': 'WT-9'}]}",
	"{'kind': 'transfer', 'actor': 'a', 'to': 'b', 'shipment': 'S', "
	"'lots': [{'lot': 'L', 'kg': 1}], "
	"'event_time': '2026-10-15T08:10:00+05:00', "
	"'documents': ['" HEX "', {'type': 'waybill', 'number': "
	"'WB-7781', 'date': '2026-10-15T00:00:00Z', 'issuer': 'gin', "
	"'sha256': '" HEX "', 'uri': 'https://example.org/wb.pdf'}]}",
	"{'kind': 'receive', 'actor': 'b', 'shipment': 'S', "
	"'lots': [{'lot': 'L', 'kg': 1}], "
	"'event_time': '2026-10-16T09:00:00+05:00', "
	"'documents': [{'type': 'weighbridge_ticket', 'number': 'W-1'}]}",
	"{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	"'inputs': [{'lot': 'A', 'kg': 10}], "
	"'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}], "
	"'documents': [{'type': 'hvi_report', 'uri': 'https://x.org/h'}]}",
	"{'kind': 'register_actor', 'actor': 'uz.registrar', "
	"'subject': {'id': 'uz.gin.kattakurgan-01', "
	"'name': 'Kattakurgan Gin 1', 'roles': ['gin', 'warehouse'], "
	"'region': 'UZ-SA', 'district': 'UZ-SA-KTK', 'lat': 39.93, "
	"'lon': 66.25, 'public_key': '" KEY "'}}",
	"{'kind': 'register_actor', 'actor': 'uz.registrar', "
	"'subject': {'id': 'monitor.tpm', 'name': 'TPM', "
	"'roles': ['monitor'], 'lat': 0, 'lon': -180, "
	"'public_key': '" KEY "'}}",
	"{'kind': 'update_actor', 'actor': 'uz.registrar', "
	"'subject': {'id': 'uz.farm.0042', 'name': 'Farm 42', "
	"'roles': ['farm', 'registrar', 'spinner', 'weaver', "
	"'manufacturer', 'importer', 'brand', 'lab'], "
	"'district': 'UZ-SA-KTK'}}",
	"{'kind': 'revoke_actor', 'actor': 'uz.registrar', "
	"'subject': 'uz.farm.0042'}",
	"{'kind': 'revoke_actor', 'actor': 'uz.registrar', "
	"'subject': 'uz.farm.0042', 'reason': 'compromised key'}",
	"{'kind': 'rotate_key', 'actor': 'uz.farm.0042', "
	"'public_key': '" KEY "'}",
	"{'kind': 'rotate_key', 'actor': 'uz.registrar', "
	"'subject': 'uz.farm.0042', 'public_key': '" KEY "'}",
	"{'kind': 'harvest', 'actor': 'uz.farm.0042', "
	"'lot': 'UZ-2026-F0042-001', 'kg': 12000, 'season': 2026, "
	"'district': 'UZ-SA-KTK', 'method': 'hand', "
	"'harvested_at': '2026-09-21T08:00:00Z'}",
	"{'kind': 'harvest', 'actor': 'uz.farm.0042', 'lot': 'L2', "
	"'kg': 11.98, 'season': 4294967295, 'district': 'D', "
	"'field': 'north', 'method': 'machine', "
	"'time': '2026-10-01T12:30:00Z'}",
	"{'kind': 'harvest', 'actor': 'f', 'lot': 'L3', 'kg': 0.001, "
	"'season': 1, 'district': 'D'}",
	"{'kind': 'harvest', 'actor': 'f', 'lot': 'L4', "
	"'kg': 999999999999.999, 'season': 2026, 'district': 'D'}",
	"{'kind': 'transform', 'actor': 'uz.gin.kattakurgan-01', "
	"'process': 'ginning', "
	"'inputs': [{'lot': 'UZ-2026-F0042-001', 'kg': 11980}, "
	"{'lot': 'UZ-2026-F0043-001', 'kg': 0.25}], "
	"'outputs': [{'lot': 'PBI-000100000001', 'kg': 227, "
	"'product': 'lint'}, {'lot': 'SEED-2026-0001', 'kg': 6500, "
	"'product': 'cottonseed'}, {'lot': 'W-1', 'kg': 10.125, "
	"'product': 'waste'}]}",
	"{'kind': 'transform', 'actor': 's', 'process': 'spinning', "
	"'inputs': [{'lot': 'PBI-1', 'kg': 227}], "
	"'outputs': [{'lot': 'Y-1', 'kg': 215.65, 'product': 'yarn'}]}",
	"{'kind': 'transform', 'actor': 'w', 'process': 'weaving', "
	"'inputs': [{'lot': 'Y-1', 'kg': 1}], "
	"'outputs': [{'lot': 'F-1', 'kg': 0.98, 'product': 'fabric'}]}",
	"{'kind': 'transform', 'actor': 'w', 'process': 'knitting', "
	"'inputs': [{'lot': 'Y-1', 'kg': 1}], "
	"'outputs': [{'lot': 'F-2', 'kg': 0.5, 'product': 'fabric'}]}",
	"{'kind': 'transform', 'actor': 'm', 'process': 'making', "
	"'inputs': [{'lot': 'F-1', 'kg': 1}], "
	"'outputs': [{'lot': 'G-1', 'kg': 0.9, 'product': 'garment'}, "
	"{'lot': 'SC-1', 'kg': 0.01, 'product': 'seed_cotton'}]}",
	"{'kind': 'transfer', 'actor': 'uz.farm.0042', "
	"'to': 'uz.gin.kattakurgan-01', 'shipment': 'WB-7781', "
	"'lots': [{'lot': 'UZ-2026-F0042-001', 'kg': 12000}]}",
	"{'kind': 'transfer', 'actor': 'a', 'to': 'b', 'shipment': 'S-2', "
	"'lots': [{'lot': 'L1', 'kg': 1.5}, {'lot': 'L2', 'kg': 2}], "
	"'documents': ['" HEX "', '" HEX_UC "']}",
	"{'kind': 'receive', 'actor': 'uz.gin.kattakurgan-01', "
	"'shipment': 'WB-7781', "
	"'lots': [{'lot': 'UZ-2026-F0042-001', 'kg': 11980}]}",
	"{'kind': 'lab_result', 'actor': 'lab.isotope-1', "
	"'lot': 'PBI-000100000001', 'matches': false, "
	"'claimed_region': 'UZ-SA', 'report_sha256': '" HEX "'}",
	"{'kind': 'lab_result', 'actor': 'lab.dna', 'lot': 'L', "
	"'matches': true, 'claimed_region': 'UZ-SA', "
	"'matched_region': 'UZ-SA', 'method': 'dna'}",
	"{'kind': 'attest', 'actor': 'monitor.tpm', "
	"'subject': 'district:UZ-SA-KTK', 'season': 2026, "
	"'status': 'certified', 'indicators': [], "
	"'report_uri': 'https://example.org/tpm-2026.pdf', "
	"'report_sha256': '" HEX "'}",
	"{'kind': 'attest', 'actor': 'monitor.ilo', 'subject': 'country:UZ', "
	"'season': 2021, 'status': 'child_labour', "
	"'indicators': ['restriction of movement', 'withholding of wages']}",
	"{'kind': 'attest', 'actor': 'm', 'subject': 'farm:uz.farm.0042', "
	"'season': 2026, 'status': 'under_review'}",
	"{'kind': 'attest', 'actor': 'm', 'subject': 'region:UZ-SA', "
	"'season': 2026, 'status': 'withdrawn'}",
	"{'kind': 'void', 'actor': 'uz.farm.0042', 'entry': 17}",
	"{'kind': 'void', 'actor': 'uz.farm.0042', 'entry': 9007199254740993, "
	"'reason': 'typo in kg'}",
	/* unicode survives */
	"{'kind': 'revoke_actor', 'actor': 'uz.registrar', "
	"'subject': 'uz.farm.\xc3\xbc', 'reason': "
	"'\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87'}",
};

/* The same packed Entry again: through the json_t, and through its text. */
static void
round_trip(const char *squoted)
{
	struct px_refusal r = { 0 };
	struct px_event *first = parse_ok(squoted), *again = NULL;
	json_t *json = px_event_from_entry(first->entry);
	char *text;

	assert_non_null(json);
	assert_int_equal(px_event_parse(&again, json, &r), PX_OK);
	assert_same_entry(first->entry, again->entry);
	px_event_free(again);
	again = NULL;

	text = json_dumps(json, JSON_COMPACT);
	assert_non_null(text);
	assert_int_equal(px_event_parse_text(&again, text, strlen(text), &r),
			 PX_OK);
	assert_same_entry(first->entry, again->entry);
	free(text);
	px_event_free(again);
	json_decref(json);
	px_event_free(first);
}

static void
test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(round_trip_events) / sizeof(round_trip_events[0]); i++)
		round_trip(round_trip_events[i]);
}

static void
test_from_entry_header(void **state)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = parse_ok(
		"{'kind': 'receive', 'actor': 'uz.gin.kattakurgan-01', "
		"'shipment': 'WB-7781', 'lots': [{'lot': 'A', 'kg': 11980}, "
		"{'lot': 'B', 'kg': 11.98}, {'lot': 'C', 'kg': 0.001}]}");
	struct px_event *again = NULL;
	const json_t *lots;
	json_t *json;

	(void)state;
	ev->entry->seq = 42;
	ev->entry->prev.data = counting;
	ev->entry->prev.len = sizeof(counting);
	ev->entry->time = EVENT_TIME;
	json = px_event_from_entry(ev->entry);
	assert_non_null(json);
	assert_string_equal(json_string_value(json_object_get(json, "kind")),
			    "receive");
	assert_string_equal(json_string_value(json_object_get(json, "actor")),
			    "uz.gin.kattakurgan-01");
	assert_int_equal(json_integer_value(json_object_get(json, "seq")), 42);
	assert_string_equal(json_string_value(json_object_get(json, "prev")),
			    HEX);
	assert_string_equal(json_string_value(json_object_get(json, "time")),
			    "2026-10-01T12:30:00Z");
	lots = json_object_get(json, "lots");
	assert_int_equal(json_array_size(lots), 3);
	/* whole kg as integers, the rest as reals */
	assert_true(json_is_integer(
		json_object_get(json_array_get(lots, 0), "kg")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(lots, 0), "kg")),
			 11980);
	assert_true(
		json_is_real(json_object_get(json_array_get(lots, 1), "kg")));
	assert_true(json_real_value(json_object_get(json_array_get(lots, 1),
						    "kg")) == 11.98);
	assert_true(json_real_value(json_object_get(json_array_get(lots, 2),
						    "kg")) == 0.001);

	/* Parsing it again takes the body and the time, not seq or prev:
	 * the caller numbers an entry. */
	assert_int_equal(px_event_parse(&again, json, &r), PX_OK);
	assert_int_equal(again->entry->seq, 0);
	assert_int_equal(again->entry->prev.len, 0);
	assert_true(again->has_time);
	assert_int_equal(again->entry->time, EVENT_TIME);
	again->entry->seq = 42;
	again->entry->prev = ev->entry->prev;
	assert_same_entry(ev->entry, again->entry);
	px_event_free(again);
	json_decref(json);

	/* An entry with no prev has no "prev". */
	ev->entry->prev.len = 0;
	ev->entry->prev.data = NULL;
	json = px_event_from_entry(ev->entry);
	assert_non_null(json);
	assert_null(json_object_get(json, "prev"));
	json_decref(json);
	px_event_free(ev);
}

static void
test_from_entry_genesis(void **state)
{
	Paxta__Entry e = PAXTA__ENTRY__INIT;
	Paxta__Genesis g = PAXTA__GENESIS__INIT;
	Paxta__Policy policy = PAXTA__POLICY__INIT;
	Paxta__Registrar reg = PAXTA__REGISTRAR__INIT;
	Paxta__Registrar *regs[] = { &reg };
	const json_t *p, *r0;
	json_t *json;

	(void)state;
	g.format = 1;
	g.origin = "uz.paxta.example/2026";
	g.node_key.data = counting;
	g.node_key.len = 32;
	reg.id = "uz.registrar";
	reg.public_key.data = counting;
	reg.public_key.len = 32;
	g.n_registrars = 1;
	g.registrars = regs;
	policy.ginning_ppm = 450000;
	policy.spinning_ppm = 950000;
	policy.weaving_ppm = 980000;
	policy.knitting_ppm = 980000;
	policy.making_ppm = 950000;
	policy.max_skew_s = 300;
	g.policy = &policy;
	e.body_case = PAXTA__ENTRY__BODY_GENESIS;
	e.genesis = &g;

	json = px_event_from_entry(&e);
	assert_non_null(json);
	assert_string_equal(json_string_value(json_object_get(json, "kind")),
			    "genesis");
	assert_string_equal(json_string_value(json_object_get(json, "origin")),
			    "uz.paxta.example/2026");
	assert_string_equal(
		json_string_value(json_object_get(json, "node_key")), KEY);
	assert_int_equal(json_array_size(json_object_get(json, "registrars")),
			 1);
	r0 = json_array_get(json_object_get(json, "registrars"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "id")),
			    "uz.registrar");
	assert_string_equal(
		json_string_value(json_object_get(r0, "public_key")), KEY);
	p = json_object_get(json, "policy");
	assert_true(json_real_value(json_object_get(p, "ginning")) == 0.45);
	assert_true(json_real_value(json_object_get(p, "spinning")) == 0.95);
	assert_true(json_real_value(json_object_get(p, "weaving")) == 0.98);
	assert_true(json_real_value(json_object_get(p, "knitting")) == 0.98);
	assert_true(json_real_value(json_object_get(p, "making")) == 0.95);
	assert_int_equal(json_integer_value(json_object_get(p, "max_skew_s")),
			 300);
	assert_string_equal(json_string_value(json_object_get(json, "time")),
			    "1970-01-01T00:00:00Z");

	/* A genesis is made by `paxta init`, not written as an event. */
	expect_json_malformed(json, "kind 'genesis'");
	json_decref(json);
}

static void
test_from_entry_unknown_names(void **state)
{
	/* A value this build has no name for comes out as its number. */
	Paxta__Entry e = PAXTA__ENTRY__INIT;
	Paxta__Transform t = PAXTA__TRANSFORM__INIT;
	Paxta__Output o = PAXTA__OUTPUT__INIT, *outs[] = { &o };
	json_t *json;

	(void)state;
	t.process = (Paxta__Process)77;
	o.lot = "X";
	o.grams = 5;
	o.product = (Paxta__Product)99;
	t.n_outputs = 1;
	t.outputs = outs;
	e.body_case = PAXTA__ENTRY__BODY_TRANSFORM;
	e.transform = &t;
	json = px_event_from_entry(&e);
	assert_non_null(json);
	assert_int_equal(json_integer_value(json_object_get(json, "process")),
			 77);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(json, "outputs"), 0),
			"product")),
		99);
	assert_int_equal(json_array_size(json_object_get(json, "inputs")), 0);
	json_decref(json);
}

static void
test_from_entry_not_utf8(void **state)
{
	/* protobuf-c does not check UTF-8; JSON must be: bad bytes show as
	 * U+FFFD, good sequences stay. */
	Paxta__Entry e = PAXTA__ENTRY__INIT;
	Paxta__RevokeActor rv = PAXTA__REVOKE_ACTOR__INIT;
	json_t *json;

	(void)state;
	e.actor = "r\xff";
	rv.subject = "a\xc3\xbc\xc3";
	rv.reason = "\xed\xa0\x80|\xf0\x9f\x8c\xbf|\xf4\x90\x80\x80|\xc0\xaf";
	e.body_case = PAXTA__ENTRY__BODY_REVOKE_ACTOR;
	e.revoke_actor = &rv;
	json = px_event_from_entry(&e);
	assert_non_null(json);
	assert_string_equal(json_string_value(json_object_get(json, "actor")),
			    "r\xef\xbf\xbd");
	assert_string_equal(json_string_value(json_object_get(json, "subject")),
			    "a\xc3\xbc\xef\xbf\xbd");
	assert_string_equal(
		json_string_value(json_object_get(json, "reason")),
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xf0\x9f\x8c\xbf|"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
		"\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(json);
}

/* ---- refusals ---- */

struct refusal_case {
	const char *event;
	const char *needle; /* in the message */
};

#define HARVEST_HEAD   "{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
#define HARVEST_TAIL   "'season': 2026, 'district': 'D'}"
#define HARVEST_KG(kg) HARVEST_HEAD "'kg': " kg ", " HARVEST_TAIL
#define TRANSFER_HEAD  "{'kind': 'transfer', 'actor': 'a', 'to': 'b', "
#define REGISTER(subject) \
	"{'kind': 'register_actor', 'actor': 'r', 'subject': {" subject "}}"
#define ATTEST_HEAD "{'kind': 'attest', 'actor': 'm', 'subject': 'country:UZ', "

static const struct refusal_case refusals[] = {
	/* kg */
	{ HARVEST_KG("1.0005"), "harvest: field 'kg' must be a number with "
				"at most 3 decimals" },
	{ HARVEST_KG("11.9801"), "'kg'" },
	{ HARVEST_KG("0.0001"), "'kg'" },
	{ HARVEST_KG("1e-4"), "'kg'" },
	{ HARVEST_KG("-1"), "'kg'" },
	{ HARVEST_KG("-0.5"), "'kg'" },
	{ HARVEST_KG("-0.001"), "'kg'" },
	{ HARVEST_KG("'12'"), "'kg'" },
	{ HARVEST_KG("true"), "'kg'" },
	{ HARVEST_KG("[12]"), "'kg'" },
	{ HARVEST_KG("1000000000001"), "'kg' is over 1000000000000 kg" },
	{ HARVEST_KG("1000000000000.001"), "'kg'" },
	{ HARVEST_KG("1e300"), "'kg'" },
	{ HARVEST_KG("9223372036854775807"), "'kg'" },
	{ HARVEST_HEAD HARVEST_TAIL, "field 'kg' is missing" },
	{ TRANSFER_HEAD "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}, "
			"{'lot': 'M', 'kg': 2.0005}]}",
	  "transfer: lot 2: field 'kg'" },
	{ "{'kind': 'receive', 'actor': 'a', 'shipment': 'S', "
	  "'lots': [{'lot': 'L'}]}",
	  "receive: lot 1: field 'kg' is missing" },

	/* kinds and names */
	{ "{'kind': 'harvests', 'actor': 'f'}", "unknown kind 'harvests'" },
	{ "{'kind': 'genesis', 'actor': 'f'}", "unknown kind 'genesis'" },
	{ "{'kind': 'Harvest', 'actor': 'f'}", "kind" },
	{ "{'actor': 'f', 'lot': 'L'}", "field 'kind' is missing" },
	{ "{'kind': 7, 'actor': 'f'}", "field 'kind' must be a string" },
	{ "{'kind': null, 'actor': 'f'}", "field 'kind' is missing" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [{'lot': 'A', 'kg': 10}], "
	  "'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}, "
	  "{'lot': 'C', 'kg': 1, 'product': 'linen'}]}",
	  "transform: output 2: unknown product 'linen'" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [{'lot': 'A', 'kg': 10}], "
	  "'outputs': [{'lot': 'B', 'kg': 4}]}",
	  "output 1: field 'product' is missing" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'retting', "
	  "'inputs': [{'lot': 'A', 'kg': 10}], "
	  "'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}]}",
	  "unknown process 'retting'" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'uncertified'}",
	  "unknown status 'uncertified'" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'fine'}",
	  "unknown status 'fine'" },
	{ ATTEST_HEAD "'season': 2026, 'status': 1}",
	  "field 'status' must be a string" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin', 'baker'], "
		   "'public_key': '" KEY "'"),
	  "register_actor: subject: unknown role 'baker' in field 'roles'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin', 3], "
		   "'public_key': '" KEY "'"),
	  "field 'roles' item 2 must be a string" },
	{ HARVEST_HEAD "'kg': 1, 'method': 'tractor', " HARVEST_TAIL,
	  "harvest: unknown method 'tractor'" },
	{ HARVEST_HEAD "'kg': 1, 'method': 'Hand', " HARVEST_TAIL, "method" },

	/* keys and hashes */
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], "
		   "'public_key': "
		   "'!!!!AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'"),
	  "subject: field 'public_key'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], "
		   "'public_key': '" KEY31 "'"),
	  "field 'public_key' must be a 32-byte" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], "
		   "'public_key': '" KEY33 "'"),
	  "field 'public_key'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], "
		   "'public_key': '" HEX "'"),
	  "field 'public_key'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin']"),
	  "register_actor: subject: field 'public_key' is missing" },
	{ "{'kind': 'rotate_key', 'actor': 'f'}",
	  "rotate_key: field 'public_key' is missing" },
	{ "{'kind': 'rotate_key', 'actor': 'f', 'public_key': ''}",
	  "field 'public_key'" },
	{ "{'kind': 'lab_result', 'actor': 'l', 'lot': 'L', 'matches': true, "
	  "'report_sha256': 'zz0102030405060708090a0b0c0d0e0f10111213141516"
	  "1718191a1b1c1d1e1f'}",
	  "lab_result: field 'report_sha256' must be a SHA-256" },
	{ "{'kind': 'lab_result', 'actor': 'l', 'lot': 'L', 'matches': true, "
	  "'report_sha256': '0102030405060708090a0b0c0d0e0f1011121314151617"
	  "18191a1b1c1d1e1f'}",
	  "field 'report_sha256'" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'certified', "
		      "'report_sha256': '" HEX "00'}",
	  "attest: field 'report_sha256'" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'certified', "
		      "'report_sha256': 32}",
	  "field 'report_sha256' must be a string" },
	{ TRANSFER_HEAD "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}], "
			"'documents': ['" HEX "', 'abc']}",
	  "transfer: field 'documents' item 2 must be a SHA-256" },
	{ TRANSFER_HEAD "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}], "
			"'documents': '" HEX "'}",
	  "field 'documents' must be an array" },
	{ "{'kind': 'void', 'actor': 'f', 'entry': '" HEX "0'}",
	  "void: field 'entry'" },
	{ "{'kind': 'void', 'actor': 'f', 'entry': 'g" HEX "'}",
	  "field 'entry'" },
	{ "{'kind': 'void', 'actor': 'f', 'entry': -1}", "field 'entry'" },
	{ "{'kind': 'void', 'actor': 'f', 'entry': 1.5}", "field 'entry'" },
	{ "{'kind': 'void', 'actor': 'f'}", "field 'entry' is missing" },

	/* missing and ill-typed fields, kind by kind */
	{ "{'kind': 'harvest', 'lot': 'L', 'kg': 1, " HARVEST_TAIL,
	  "harvest: field 'actor' is missing" },
	{ "{'kind': 'harvest', 'actor': '', 'lot': 'L', 'kg': 1, " HARVEST_TAIL,
	  "field 'actor' must not be empty" },
	{ "{'kind': 'harvest', 'actor': ['f'], 'lot': 'L', 'kg': "
	  "1, " HARVEST_TAIL,
	  "field 'actor' must be a string" },
	{ "{'kind': 'harvest', 'actor': 'f', 'kg': 1, " HARVEST_TAIL,
	  "field 'lot' is missing" },
	{ HARVEST_HEAD "'kg': 1, 'district': 'D'}",
	  "field 'season' is missing" },
	{ HARVEST_HEAD "'kg': 1, 'season': '2026', 'district': 'D'}",
	  "field 'season' must be an integer" },
	{ HARVEST_HEAD "'kg': 1, 'season': 0, 'district': 'D'}",
	  "field 'season'" },
	{ HARVEST_HEAD "'kg': 1, 'season': 4294967296, 'district': 'D'}",
	  "field 'season'" },
	{ HARVEST_HEAD "'kg': 1, 'season': 2026.0, 'district': 'D'}",
	  "field 'season'" },
	{ HARVEST_HEAD "'kg': 1, 'season': 2026}",
	  "field 'district' is missing" },
	{ HARVEST_HEAD "'kg': 1, 'season': 2026, 'district': ''}",
	  "field 'district' must not be empty" },
	{ HARVEST_HEAD "'kg': 1, 'field': 3, " HARVEST_TAIL,
	  "field 'field' must be a string" },
	{ HARVEST_HEAD "'kg': 1, 'harvested_at': '21/09/2026', " HARVEST_TAIL,
	  "field 'harvested_at' must be an RFC 3339 time" },
	{ HARVEST_HEAD "'kg': 1, 'time': '2026-02-30T00:00:00Z', " HARVEST_TAIL,
	  "harvest: field 'time' must be an RFC 3339 time" },
	{ HARVEST_HEAD "'kg': 1, 'time': 1790857800, " HARVEST_TAIL,
	  "field 'time' must be a string" },
	{ REGISTER("'name': 'X', 'roles': ['gin'], 'public_key': '" KEY "'"),
	  "subject: field 'id' is missing" },
	{ REGISTER("'id': 'x', 'roles': ['gin'], 'public_key': '" KEY "'"),
	  "subject: field 'name' is missing" },
	{ REGISTER("'id': 'x', 'name': 'X', 'public_key': '" KEY "'"),
	  "subject: field 'roles' is missing" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': [], "
		   "'public_key': '" KEY "'"),
	  "field 'roles' must not be empty" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': 'gin', "
		   "'public_key': '" KEY "'"),
	  "field 'roles' must be an array" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], 'lat': 40, "
		   "'public_key': '" KEY "'"),
	  "field 'lon'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], 'lon': 40, "
		   "'public_key': '" KEY "'"),
	  "field 'lat'" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], 'lat': 91, "
		   "'lon': 0, 'public_key': '" KEY "'"),
	  "field 'lat' must be a number from -90 to 90" },
	{ REGISTER("'id': 'x', 'name': 'X', 'roles': ['gin'], 'lat': 0, "
		   "'lon': '66', 'public_key': '" KEY "'"),
	  "field 'lon'" },
	{ "{'kind': 'register_actor', 'actor': 'r'}",
	  "register_actor: field 'subject' is missing" },
	{ "{'kind': 'update_actor', 'actor': 'r', 'subject': 'x'}",
	  "update_actor: field 'subject' must be an object" },
	{ "{'kind': 'revoke_actor', 'actor': 'r'}",
	  "revoke_actor: field 'subject' is missing" },
	{ "{'kind': 'revoke_actor', 'actor': 'r', 'subject': {'id': 'x'}}",
	  "field 'subject' must be a string" },
	{ "{'kind': 'revoke_actor', 'actor': 'r', 'subject': 'x', "
	  "'reason': false}",
	  "field 'reason' must be a string" },
	{ "{'kind': 'transform', 'actor': 'g', "
	  "'inputs': [{'lot': 'A', 'kg': 10}], "
	  "'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}]}",
	  "transform: field 'process' is missing" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}]}",
	  "field 'inputs' is missing" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [], 'outputs': [{'lot': 'B', 'kg': 4, "
	  "'product': 'lint'}]}",
	  "field 'inputs' must not be empty" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [{'lot': 'A', 'kg': 10}]}",
	  "field 'outputs' is missing" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [{'lot': 'A', 'kg': 10}], 'outputs': ['B']}",
	  "field 'outputs' item 1 must be an object" },
	{ "{'kind': 'transform', 'actor': 'g', 'process': 'ginning', "
	  "'inputs': [{'lot': 'A', 'kg': 10}, {'kg': 1}], "
	  "'outputs': [{'lot': 'B', 'kg': 4, 'product': 'lint'}]}",
	  "transform: input 2: field 'lot' is missing" },
	{ TRANSFER_HEAD "'lots': [{'lot': 'L', 'kg': 1}]}",
	  "transfer: field 'shipment' is missing" },
	{ "{'kind': 'transfer', 'actor': 'a', 'shipment': 'S', "
	  "'lots': [{'lot': 'L', 'kg': 1}]}",
	  "transfer: field 'to' is missing" },
	{ TRANSFER_HEAD "'shipment': 'S'}", "field 'lots' is missing" },
	{ TRANSFER_HEAD "'shipment': 'S', 'lots': {'lot': 'L', 'kg': 1}}",
	  "field 'lots' must be an array" },
	{ TRANSFER_HEAD "'shipment': 'S', 'lots': [{'lot': 'L', 'kg': 1}, 5]}",
	  "transfer: field 'lots' item 2 must be an object" },
	{ "{'kind': 'receive', 'actor': 'a', 'lots': [{'lot': 'L', 'kg': 1}]}",
	  "receive: field 'shipment' is missing" },
	{ "{'kind': 'lab_result', 'actor': 'l', 'lot': 'L'}",
	  "lab_result: field 'matches' is missing" },
	{ "{'kind': 'lab_result', 'actor': 'l', 'lot': 'L', 'matches': 0}",
	  "field 'matches' must be true or false" },
	{ "{'kind': 'lab_result', 'actor': 'l', 'matches': true}",
	  "field 'lot' is missing" },
	{ ATTEST_HEAD "'status': 'certified'}", "field 'season' is missing" },
	{ ATTEST_HEAD "'season': 2026}", "attest: field 'status' is missing" },
	{ "{'kind': 'attest', 'actor': 'm', 'season': 2026, "
	  "'status': 'certified'}",
	  "attest: field 'subject' is missing" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'certified', "
		      "'indicators': ['a', ['b']]}",
	  "field 'indicators' item 2 must be a string" },
	{ ATTEST_HEAD "'season': 2026, 'status': 'certified', "
		      "'report_uri': {}}",
	  "field 'report_uri' must be a string" },
};

static void
test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		expect_malformed(refusals[i].event, refusals[i].needle);
}

/* An event with n lines of lots. */
static char *
transfer_with_lots(size_t n)
{
	size_t cap = 128 + n * 32, len;
	char *text = malloc(cap);

	assert_non_null(text);
	len = (size_t)snprintf(text, cap,
			       "{\"kind\": \"transfer\", \"actor\": \"a\", "
			       "\"to\": \"b\", \"shipment\": \"S\", "
			       "\"lots\": [");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"%s{\"lot\": \"L%zu\", \"kg\": 1}",
					i ? ", " : "", i);
	snprintf(text + len, cap - len, "]}");
	return text;
}

static void
test_caps(void **state)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;
	char *text, *big;
	json_t *event;

	(void)state;
	/* 1024 lines pass, 1025 do not */
	text = transfer_with_lots(1024);
	assert_int_equal(px_event_parse_text(&ev, text, strlen(text), &r),
			 PX_OK);
	assert_int_equal(ev->entry->transfer->n_lots, 1024);
	assert_string_equal(ev->entry->transfer->lots[1023]->lot, "L1023");
	px_event_free(ev);
	free(text);
	text = transfer_with_lots(1025);
	expect_text_refusal(
		text, strlen(text), PX_EMALFORMED, PX_CODE_MALFORMED,
		"transfer: field 'lots' has 1025 items; at most 1024");
	free(text);

	/* the same cap on transform lines and other arrays */
	event = json_pack("{s:s, s:s, s:s, s:[], s:[{s:s, s:i, s:s}]}", "kind",
			  "transform", "actor", "g", "process", "ginning",
			  "inputs", "outputs", "lot", "B", "kg", 1, "product",
			  "lint");
	assert_non_null(event);
	for (int i = 0; i < 1025; i++)
		json_array_append_new(
			json_object_get(event, "inputs"),
			json_pack("{s:s, s:i}", "lot", "A", "kg", 1));
	expect_json_malformed(event, "field 'inputs' has 1025 items");
	json_decref(event);

	event = json_pack("{s:s, s:s, s:s, s:i, s:s, s:[]}", "kind", "attest",
			  "actor", "m", "subject", "country:UZ", "season", 2026,
			  "status", "certified", "indicators");
	assert_non_null(event);
	for (int i = 0; i < 1025; i++)
		json_array_append_new(json_object_get(event, "indicators"),
				      json_string("x"));
	expect_json_malformed(event, "field 'indicators' has 1025 items");
	json_decref(event);

	/* strings: 2048 bytes pass, 2049 do not */
	big = malloc(2050);
	assert_non_null(big);
	memset(big, 'x', 2049);
	big[2048] = '\0';
	/* (a free-text field: an id stops at 128 bytes, test_ids_and_names) */
	event = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "kind",
			  "harvest", "actor", "f", "lot", "L", "kg", 1,
			  "season", 2026, "district", "D", "field", big);
	assert_non_null(event);
	assert_int_equal(px_event_parse(&ev, event, &r), PX_OK);
	assert_int_equal(strlen(ev->entry->harvest->field), 2048);
	px_event_free(ev);
	big[2048] = 'x';
	big[2049] = '\0';
	json_object_set_new(event, "lot", json_string(big));
	expect_json_malformed(event, "field 'lot' is longer than 2048 bytes");
	json_object_set_new(event, "lot", json_string("L"));
	json_object_set_new(event, "field", json_string(big));
	expect_json_malformed(event, "field 'field' is longer than 2048");
	json_decref(event);
	free(big);

	/* jansson strings may hold NULs; C strings may not */
	event = json_pack("{s:s, s:s, s:s%, s:i, s:i, s:s}", "kind", "harvest",
			  "actor", "f", "lot", "L\0X", (size_t)3, "kg", 1,
			  "season", 2026, "district", "D");
	assert_non_null(event);
	expect_json_malformed(event, "field 'lot' contains a NUL byte");
	json_object_set_new(event, "lot", json_string("L"));
	json_object_set_new(event, "kind", json_stringn("harvest\0x", 9));
	expect_json_malformed(event, "field 'kind' contains a NUL byte");
	json_object_set_new(event, "kind", json_string("harvest"));
	json_object_set_new(event, "harvested_at",
			    json_stringn("2026-09-21\0junk", 15));
	expect_json_malformed(event, "field 'harvested_at' contains a NUL");
	json_object_del(event, "harvested_at");
	json_object_set_new(event, "actor", json_stringn("f\0", 2));
	expect_json_malformed(event, "field 'actor' contains a NUL");
	json_decref(event);
}

static void
test_text_refusals(void **state)
{
	struct px_refusal r = { 0 };
	struct px_event *ev = NULL;
	const char *ok = "{\"kind\": \"revoke_actor\", \"actor\": \"r\", "
			 "\"subject\": \"x\"}";
	char *text;
	size_t len;

	(void)state;
	/* Over the cap before any parsing: even valid JSON. */
	text = malloc(PX_EVENT_MAX + 2);
	assert_non_null(text);
	len = strlen(ok);
	memcpy(text, ok, len);
	memset(text + len, ' ', PX_EVENT_MAX + 1 - len);
	text[PX_EVENT_MAX + 1] = '\0';
	expect_text_refusal(text, PX_EVENT_MAX + 1, PX_ETOOLARGE,
			    PX_CODE_TOO_LARGE, "65536");
	/* exactly the cap is fine */
	assert_int_equal(px_event_parse_text(&ev, text, PX_EVENT_MAX, &r),
			 PX_OK);
	px_event_free(ev);
	free(text);

	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
			 "'kg': 1, 'kg': 2, " HARVEST_TAIL,
			 "duplicate object key");
	expect_malformed("{'kind': 'harvest', 'actor': 'f', 'lot': 'L', "
			 "'kg': 1, 'season': 2026, 'district': 'D', "
			 "'kind': 'harvest'}",
			 "kind");
	expect_malformed("[{'kind': 'harvest'}]", "must be a JSON object");
	expect_malformed("'harvest'", "must be JSON");
	expect_malformed("12", "must be JSON");
	expect_malformed("null", "must be JSON");
	expect_malformed("", "must be JSON");
	expect_malformed("{'kind': 'harvest',", "must be JSON");
	expect_malformed("{'kind': 'void', 'actor': 'f', 'entry': 1} {}",
			 "must be JSON");
	expect_malformed("{'kind': 'void', 'actor': 'f', 'entry': NaN}",
			 "must be JSON");
	expect_text_refusal("{\"kind\": \"void\"\0}", 17, PX_EMALFORMED,
			    PX_CODE_MALFORMED, "must be JSON");
	expect_malformed("{'kind': 'void', 'actor': 'f\\u0000', 'entry': 1}",
			 "must be JSON");
	text = "{\"kind\": \"void\", \"actor\": \"\xff\"}";
	expect_text_refusal(text, strlen(text), PX_EMALFORMED,
			    PX_CODE_MALFORMED, "must be JSON");
	expect_text_refusal(NULL, 0, PX_EMALFORMED, PX_CODE_MALFORMED,
			    "must be JSON");
}

static void
test_json_refusals(void **state)
{
	json_t *v;

	(void)state;
	expect_json_malformed(NULL, "must be a JSON object");
	v = json_array();
	expect_json_malformed(v, "must be a JSON object");
	json_decref(v);
	v = json_integer(12);
	expect_json_malformed(v, "must be a JSON object");
	json_decref(v);
	v = json_object();
	expect_json_malformed(v, "field 'kind' is missing");
	json_decref(v);
}

static void
test_no_refusal_struct(void **state)
{
	/* r may be NULL: refusals still come back as codes. */
	struct px_event *ev = NULL;
	const char *bad = "{\"kind\": \"harvest\", \"actor\": \"f\"}";

	(void)state;
	assert_int_equal(px_event_parse_text(&ev, bad, strlen(bad), NULL),
			 PX_EMALFORMED);
	assert_null(ev);
	assert_int_equal(px_event_parse_text(&ev, "[", 1, NULL), PX_EMALFORMED);
	assert_int_equal(px_event_parse_text(&ev, bad, PX_EVENT_MAX + 1, NULL),
			 PX_ETOOLARGE);
	px_event_free(NULL);
}

static int
setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(counting); i++)
		counting[i] = (uint8_t)i;
	return px_crypto_init() == PX_OK ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_register_actor),
		cmocka_unit_test(test_example_harvest),
		cmocka_unit_test(test_example_transfer),
		cmocka_unit_test(test_example_receive),
		cmocka_unit_test(test_example_transform),
		cmocka_unit_test(test_example_attest),
		cmocka_unit_test(test_example_lab_result),
		cmocka_unit_test(test_update_actor),
		cmocka_unit_test(test_revoke_and_rotate),
		cmocka_unit_test(test_void),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_null_fields),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_ids_and_names),
		cmocka_unit_test(test_byte_order_mark),
		cmocka_unit_test(test_event_time),
		cmocka_unit_test(test_grams),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_from_entry_header),
		cmocka_unit_test(test_from_entry_genesis),
		cmocka_unit_test(test_from_entry_unknown_names),
		cmocka_unit_test(test_from_entry_not_utf8),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_text_refusals),
		cmocka_unit_test(test_json_refusals),
		cmocka_unit_test(test_no_refusal_struct),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
