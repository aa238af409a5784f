/*
 * Unit tests for epcis.c and epcis_hash.c: the rules and properties of the
 * CBV 2.0 event hash (tests/e2e/epcis.sh cross-checks whole events against
 * an independent implementation), and the mapping of entries to EPCIS
 * events and back.
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

/* The pre-hash string of the event in text (NULL when not hashed). */
static char *
prehash_of(const char *text, int want)
{
	json_t *ev = json_loads(text, 0, NULL);
	char id[PX_EPCIS_ID_TEXT];
	char *pre = NULL;

	assert_non_null(ev);
	assert_int_equal(px_epcis_event_id(id, &pre, ev, NULL), want);
	json_decref(ev);
	return pre;
}

/* The rules of the CBV 2.0 pre-hash string (§8.9), each on its own; the
 * whole is cross-checked against GS1 Europe's epcis2.js by
 * tests/e2e/epcis.sh. */
static void
test_hash_rules(void **state)
{
	char *pre;

	(void)state;
	/* times in UTC, milliseconds, the 4th decimal rounding */
	pre = prehash_of("{\"type\":\"ObjectEvent\",\"eventTime\":\"2023-"
			 "01-18T11:04:03.1415+01:00\"}",
			 PX_OK);
	assert_string_equal(pre, "eventType=ObjectEventeventTime=2023-01-18T10:"
				 "04:03.142Z");
	free(pre);
	/* numbers without trailing zeros or exponents; every quantity
	 * element named; members sorted */
	pre = prehash_of(
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-01-01T00:"
		"00:00Z\",\"quantityList\":[{\"epcClass\":\"https://x/b\","
		"\"quantity\":1.5E3,\"uom\":\"KGM\"},{\"epcClass\":\"https:"
		"//x/a\",\"quantity\":0.50}]}",
		PX_OK);
	assert_non_null(strstr(
		pre, "quantityListquantityElementepcClass=https://x/aquantity="
		     "0.5quantityElementepcClass=https://x/bquantity=1500uom="
		     "KGM"));
	free(pre);
	/* EPC URNs as canonical Digital Link URIs: an SSCC is 18 digits
	 * (CBV 2.0 worked example 1), an LGTIN a GTIN and its lot */
	pre = prehash_of(
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-01-01T00:"
		"00:00Z\",\"epcList\":[\"urn:epc:id:sscc:4012345.0000000333\"],"
		"\"quantityList\":[{\"epcClass\":\"urn:epc:class:lgtin:"
		"4012345.012345.L1\"}],\"bizLocation\":{\"id\":\"https://"
		"a.example/414/4012345000016?x=1\"}}",
		PX_OK);
	assert_non_null(strstr(pre, "epc=https://id.gs1.org/00/"
				    "040123450000003338quantityList"));
	assert_non_null(strstr(pre, "epcClass=https://id.gs1.org/01/"
				    "04012345123456/10/L1"));
	assert_non_null(strstr(pre, "bizLocationid=https://id.gs1.org/414/"
				    "4012345000016"));
	free(pre);
	/* empty lists add nothing; persistentDisposition's members as
	 * dispositions, "set=" and "unset=" each */
	pre = prehash_of(
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-01-01T00:"
		"00:00Z\",\"epcList\":[],\"persistentDisposition\":{\"set\":"
		"[\"urn:epcglobal:cbv:disp:active\",\"completeness_verified\"],"
		"\"unset\":[]}}",
		PX_OK);
	assert_string_equal(
		pre, "eventType=ObjectEventeventTime=2025-01-01T00:00:00.000Z"
		     "persistentDispositionset=https://ref.gs1.org/cbv/Disp-"
		     "activeset=https://ref.gs1.org/cbv/Disp-completeness_"
		     "verified");
	free(pre);
	/* CBV words: bare, URN and Web URI alike */
	pre = prehash_of("{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-"
			 "01-01T00:00:00Z\",\"bizStep\":\"urn:epcglobal:cbv:"
			 "bizstep:shipping\",\"disposition\":\"in_transit\"}",
			 PX_OK);
	assert_non_null(strstr(pre, "bizStep=https://ref.gs1.org/cbv/BizStep-"
				    "shippingdisposition=https://ref.gs1.org/"
				    "cbv/Disp-in_transit"));
	free(pre);
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
	assert_int_equal(px_epcis_event(&x, "node.example/uz", 42, &leaf,
					ev->entry->time, ev->entry),
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

/* A shipment's papers: the ones a CBV business transaction type names
 * join the bizTransactionList after the shipment's despatch advice (by
 * their own URI, else by number under the node's), every paper travels
 * whole in paxta:documents, and all of them come back on import. */
static void
test_documents_as_business_transactions(void **state)
{
	static const char text[] =
		"{\"kind\":\"transfer\",\"actor\":\"uz.gin.1\",\"to\":"
		"\"uz.mill.1\",\"shipment\":\"WB-7\",\"lots\":[{\"lot\":"
		"\"PBI-1\",\"kg\":227}],\"documents\":[{\"type\":"
		"\"invoice\",\"number\":\"INV 7/1\"},{\"type\":"
		"\"bill_of_lading\",\"number\":\"BL-9\",\"uri\":"
		"\"https://carrier.example/bl/9\"},{\"type\":"
		"\"weighbridge_ticket\",\"number\":\"W-1\"}]}";
	struct px_event *ev = NULL;
	struct px_refusal r = { 0 };
	struct px_hash leaf = { { 7 } };
	json_t *x = NULL, *back = NULL, *list, *docs;

	(void)state;
	assert_int_equal(px_event_parse_text(&ev, text, strlen(text), &r),
			 PX_OK);
	ev->entry->time = 1790857800;
	assert_int_equal(px_epcis_event(&x, "node.example/uz", 42, &leaf,
					ev->entry->time, ev->entry),
			 PX_OK);
	list = json_object_get(x, "bizTransactionList");
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "type")),
			    "desadv");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 1), "type")),
			    "inv");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 1), "bizTransaction")),
			    "https://node.example/uz/document/INV%207%2F1");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 2), "type")),
			    "bol");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 2), "bizTransaction")),
			    "https://carrier.example/bl/9");
	assert_int_equal(json_array_size(json_object_get(x, "paxta:documents")),
			 3);
	assert_int_equal(px_epcis_to_event(&back, x, &r), PX_OK);
	assert_string_equal(
		json_string_value(json_object_get(back, "shipment")), "WB-7");
	docs = json_object_get(back, "documents");
	assert_int_equal(json_array_size(docs), 3);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(docs, 2), "type")),
			    "weighbridge_ticket");
	json_decref(back);
	json_decref(x);
	px_event_free(ev);
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
		cmocka_unit_test(test_hash_rules),
		cmocka_unit_test(test_hash_canonical),
		cmocka_unit_test(test_mapping_round_trip),
		cmocka_unit_test(test_documents_as_business_transactions),
		cmocka_unit_test(test_import_refusals),
	};

	px_crypto_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
