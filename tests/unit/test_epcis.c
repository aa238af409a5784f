/*
 * Unit tests for epcis.c and epcis_hash.c: the CBV 2.0 event hash against
 * the standard's worked examples (tests/vectors/epcis), and the mapping of
 * entries to EPCIS events and back.
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
#include "paxta/epcis.h"
#include "paxta/event.h"
#include "support.h"

/* Every example's eventID is what px_epcis_event_id computes. */
static void
test_cbv_examples(void **state)
{
	char *path = pxt_vector_path("epcis/cbv-event-hash.json");
	json_error_t err;
	json_t *examples = json_load_file(path, 0, &err), *x;
	size_t i;

	(void)state;
	assert_non_null(examples);
	assert_true(json_array_size(examples) >= 5);
	json_array_foreach(examples, i, x)
	{
		char id[PX_EPCIS_ID_TEXT];
		char *pre = NULL;
		const char *want =
			json_string_value(json_object_get(x, "eventID"));

		assert_int_equal(
			px_epcis_event_id(id, &pre, json_object_get(x, "event"),
					  json_object_get(x, "context")),
			PX_OK);
		if (strcmp(id, want) != 0)
			fprintf(stderr, "%s\n%s\n",
				json_string_value(json_object_get(x, "name")),
				pre);
		assert_string_equal(id, want);
		free(pre);
	}
	json_decref(examples);
	free(path);
}

/* A change of any value changes the hash; the order of a list and of the
 * JSON members does not. */
static void
test_hash_canonical(void **state)
{
	json_t *a = json_loads(
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-01-01T05:00:00+"
		"05:00\",\"eventTimeZoneOffset\":\"+05:00\",\"action\":"
		"\"OBSERVE\",\"quantityList\":[{\"epcClass\":\"https://x/lot/"
		"A\","
		"\"quantity\":1.5,\"uom\":\"KGM\"},{\"epcClass\":\"https://x/"
		"lot/"
		"B\",\"quantity\":2,\"uom\":\"KGM\"}],\"bizStep\":"
		"\"shipping\"}",
		0, NULL);
	json_t *b = json_loads(
		"{\"bizStep\":\"urn:epcglobal:cbv:bizstep:shipping\","
		"\"action\":"
		"\"OBSERVE\",\"quantityList\":[{\"uom\":\"KGM\",\"quantity\":2."
		"0,"
		"\"epcClass\":\"https://x/lot/B\"},{\"epcClass\":\"https://x/"
		"lot/"
		"A\",\"quantity\":1.50,\"uom\":\"KGM\"}],\"eventTime\":\"2025-"
		"01-"
		"01T00:00:00.0000Z\",\"eventTimeZoneOffset\":\"+05:00\","
		"\"type\":"
		"\"ObjectEvent\",\"recordTime\":\"2030-01-01T00:00:00Z\"}",
		0, NULL);
	char ia[PX_EPCIS_ID_TEXT], ib[PX_EPCIS_ID_TEXT];

	(void)state;
	assert_int_equal(px_epcis_event_id(ia, NULL, a, NULL), PX_OK);
	assert_int_equal(px_epcis_event_id(ib, NULL, b, NULL), PX_OK);
	assert_string_equal(ia, ib);
	json_object_set_new(
		json_array_get(json_object_get(b, "quantityList"), 0),
		"quantity", json_real(2.001));
	assert_int_equal(px_epcis_event_id(ib, NULL, b, NULL), PX_OK);
	assert_string_not_equal(ia, ib);
	/* what it cannot canonicalise is refused, not hashed wrongly */
	json_object_set_new(a, "sensorElementList", json_array());
	assert_int_equal(px_epcis_event_id(ia, NULL, a, NULL), PX_EMALFORMED);
	json_object_del(a, "sensorElementList");
	json_object_set_new(a, "eventTime", json_string("yesterday"));
	assert_int_equal(px_epcis_event_id(ia, NULL, a, NULL), PX_EMALFORMED);
	json_decref(a);
	json_decref(b);
}

/* An entry's event JSON (DESIGN.md §6.1) -> Entry -> EPCIS -> event JSON:
 * the same fields come back. */
static json_t *
round_trip(const char *text)
{
	struct px_event *ev = NULL;
	struct px_refusal r = { 0 };
	struct px_hash leaf = { { 7 } };
	json_t *x = NULL, *back = NULL;

	assert_int_equal(px_event_parse_text(&ev, text, strlen(text), &r),
			 PX_OK);
	ev->entry->time = 1790857800; /* 2026-10-01T12:30:00Z */
	assert_int_equal(
		px_epcis_event(&x, "node.example/uz", 42, &leaf, ev->entry),
		PX_OK);
	assert_int_equal(json_integer_value(json_object_get(x, "paxta:index")),
			 42);
	assert_non_null(json_object_get(x, "eventID"));
	assert_int_equal(px_epcis_to_event(&back, x, &r), PX_OK);
	json_decref(x);
	px_event_free(ev);
	return back;
}

static void
test_mapping_round_trip(void **state)
{
	json_t *e;

	(void)state;
	e = round_trip("{\"kind\":\"harvest\",\"actor\":\"uz.farm.0042\","
		       "\"lot\":\"UZ/2026#1\",\"kg\":12000.5,\"season\":2026,"
		       "\"district\":\"UZ-SA-KTK\",\"method\":\"hand\","
		       "\"harvested_at\":\"2026-09-21T08:00:00Z\"}");
	assert_string_equal(json_string_value(json_object_get(e, "lot")),
			    "UZ/2026#1");
	assert_string_equal(json_string_value(json_object_get(e, "actor")),
			    "uz.farm.0042");
	assert_true(json_number_value(json_object_get(e, "kg")) == 12000.5);
	assert_string_equal(
		json_string_value(json_object_get(e, "harvested_at")),
		"2026-09-21T08:00:00Z");
	assert_string_equal(json_string_value(json_object_get(e, "time")),
			    "2026-10-01T12:30:00Z");
	json_decref(e);
	e = round_trip("{\"kind\":\"transfer\",\"actor\":\"uz.gin.1\",\"to\":"
		       "\"uz.mill.1\",\"shipment\":\"WB-1\",\"lots\":[{\"lot\":"
		       "\"PBI-1\",\"kg\":227}]}");
	assert_string_equal(json_string_value(json_object_get(e, "to")),
			    "uz.mill.1");
	assert_string_equal(json_string_value(json_object_get(e, "shipment")),
			    "WB-1");
	json_decref(e);
	e = round_trip("{\"kind\":\"transform\",\"actor\":\"uz.gin.1\","
		       "\"process\":\"ginning\",\"inputs\":[{\"lot\":\"S\","
		       "\"kg\":1000}],\"outputs\":[{\"lot\":\"L\",\"kg\":400,"
		       "\"product\":\"lint\"}]}");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(e, "outputs"), 0),
			"product")),
		"lint");
	json_decref(e);
	e = round_trip("{\"kind\":\"attest\",\"actor\":\"monitor.tpm\","
		       "\"subject\":\"district:UZ-SA-KTK\",\"season\":2026,"
		       "\"status\":\"forced_labour\",\"indicators\":[],"
		       "\"report_uri\":\"https://example.org/r.pdf\"}");
	assert_string_equal(json_string_value(json_object_get(e, "status")),
			    "forced_labour");
	assert_string_equal(json_string_value(json_object_get(e, "report_uri")),
			    "https://example.org/r.pdf");
	json_decref(e);
}

/* What paxta cannot read is refused with a reason; what it has no
 * meaning for is said so (code none), never guessed. */
static void
test_import_refusals(void **state)
{
	struct px_refusal r = { 0 };
	json_t *out = NULL;
	json_t *x = json_loads(
		"{\"type\":\"ObjectEvent\",\"action\":\"OBSERVE\",\"bizStep\":"
		"\"shipping\",\"eventTime\":\"2025-01-01T00:00:00Z\","
		"\"quantityList\":[{\"epcClass\":\"https://n/lot/A\","
		"\"quantity\":\"many\",\"uom\":\"KGM\"}],\"sourceList\":[{"
		"\"type\":\"owning_party\",\"source\":\"https://n/actor/a\"}],"
		"\"destinationList\":[{\"type\":\"owning_party\","
		"\"destination\":"
		"\"https://n/actor/b\"}],\"bizTransactionList\":[{\"type\":"
		"\"desadv\",\"bizTransaction\":\"https://n/shipment/S\"}]}",
		0, NULL);

	(void)state;
	assert_int_equal(px_epcis_to_event(&out, x, &r), PX_EREFUSED);
	assert_int_equal(r.code, PX_CODE_MALFORMED);
	assert_non_null(strstr(r.message, "quantity of lot 'A'"));
	assert_null(out);
	json_object_set_new(
		json_array_get(json_object_get(x, "quantityList"), 0),
		"quantity", json_integer(5));
	json_object_set_new(
		json_array_get(json_object_get(x, "quantityList"), 0), "uom",
		json_string("LBR"));
	assert_int_equal(px_epcis_to_event(&out, x, &r), PX_EREFUSED);
	assert_non_null(strstr(r.message, "KGM"));
	json_object_set_new(
		json_array_get(json_object_get(x, "quantityList"), 0), "uom",
		json_string("KGM"));
	assert_int_equal(px_epcis_to_event(&out, x, &r), PX_OK);
	assert_string_equal(json_string_value(json_object_get(out, "kind")),
			    "transfer");
	json_decref(out);
	json_object_set_new(x, "type", json_string("AggregationEvent"));
	assert_int_equal(px_epcis_to_event(&out, x, &r), PX_EREFUSED);
	assert_int_equal(r.code, PX_CODE_NONE);
	assert_non_null(strstr(r.message, "AggregationEvent"));
	json_decref(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbv_examples),
		cmocka_unit_test(test_hash_canonical),
		cmocka_unit_test(test_mapping_round_trip),
		cmocka_unit_test(test_import_refusals),
	};

	px_crypto_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
