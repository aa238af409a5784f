/*
 * The html library (node/html): escaping of untrusted text, the language
 * choice and its message tables, the QR code's SVG, and the lot page and
 * the report of a ledger whose names and ids carry markup and quotes.
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
#include "msg.h"
#include "paxta/error.h"
#include "paxta/html.h"
#include "paxta/ledger.h"

static char *
text_of(const char *s, size_t max)
{
	struct px_html h = { 0 };

	px_html_text(&h, s, max);
	assert_false(h.failed);
	px_html_put(&h, "%s", ""); /* a NUL after an empty text too */
	return h.buf;
}

static void
test_text_escapes_markup_and_quotes(void **state)
{
	char *s;

	(void)state;
	s = text_of("<script>alert('x')</script> \"Q\" & Sons", 0);
	assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
			       "&gt; &quot;Q&quot; &amp; Sons");
	free(s);
	s = text_of("plain Kattaqoʻrgʻon", 0);
	assert_string_equal(s, "plain Kattaqoʻrgʻon");
	free(s);
	s = text_of(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

static void
test_text_cuts_on_a_character(void **state)
{
	char *s;

	(void)state;
	/* "oʻ": ʻ is two bytes; a cut inside it backs off to before it */
	s = text_of("abcoʻxyz", 5);
	assert_string_equal(s, "abco…");
	free(s);
	s = text_of("<<<<", 2);
	assert_string_equal(s, "&lt;&lt;…");
	free(s);
	s = text_of("abc", 3);
	assert_string_equal(s, "abc");
	free(s);
}

static void
test_segment_leaves_only_unreserved(void **state)
{
	struct px_html h = { 0 };

	(void)state;
	px_html_segment(&h, "A/1?x=\"<b>' %~._-z");
	assert_false(h.failed);
	assert_string_equal(h.buf, "A%2F1%3Fx%3D%22%3Cb%3E%27%20%25~._-z");
	px_html_release(&h);
}

static void
test_language_choice(void **state)
{
	enum px_lang l;

	(void)state;
	assert_int_equal(px_lang_parse(&l, "uz-Latn"), 0);
	assert_int_equal(l, PX_LANG_UZ);
	assert_int_equal(px_lang_parse(&l, "RU"), 0);
	assert_int_equal(l, PX_LANG_RU);
	assert_int_equal(px_lang_parse(&l, "de"), -1);
	assert_int_equal(px_lang_parse(&l, "english"), -1);
	assert_int_equal(px_lang_choose(NULL, NULL), PX_LANG_EN);
	assert_int_equal(px_lang_choose("ru", "uz"), PX_LANG_RU);
	assert_int_equal(px_lang_choose("xx", "uz"), PX_LANG_UZ);
	assert_int_equal(px_lang_choose(NULL, "de-DE, ru;q=0.8, en;q=0.5"),
			 PX_LANG_RU);
	assert_int_equal(px_lang_choose(NULL, "en;q=0.3, uz-Latn-UZ;q=0.9"),
			 PX_LANG_UZ);
	assert_int_equal(px_lang_choose(NULL, "ru;q=0, fr"), PX_LANG_EN);
	assert_int_equal(px_lang_choose(NULL, ";;,, ,q=,"), PX_LANG_EN);
	assert_string_equal(px_lang_tag(PX_LANG_UZ), "uz");
}

/* Every message in every language, none with markup: they go into pages
 * unescaped. */
static void
test_message_tables_complete(void **state)
{
	const char *const *tables[] = { px_msg_en, px_msg_uz, px_msg_ru };

	(void)state;
	for (size_t t = 0; t < 3; t++)
		for (int i = 0; i < PX_MSG_COUNT; i++) {
			const char *m = tables[t][i];

			if (!m)
				fail_msg("language %zu lacks message %d", t, i);
			assert_null(strpbrk(m, "<>&\"%"));
		}
	assert_string_equal(px_msg_product(PX_LANG_RU, 5), "пряжа");
	assert_string_equal(px_msg_status(PX_LANG_UZ, 5), "majburiy mehnat");
	assert_string_equal(px_msg_product(PX_LANG_EN, 99),
			    px_msg_product(PX_LANG_EN, 0));
}

/* The modules of a QR SVG, from its rects: the grid, its size. */
static unsigned char *
modules_of(const char *svg, int *size)
{
	unsigned char *grid;
	const char *p;
	int x, y, w;

	assert_int_equal(sscanf(svg,
				"<svg class=\"qr\" xmlns=\"http://www.w3"
				".org/2000/svg\" viewBox=\"0 0 %d",
				size),
			 1);
	grid = calloc((size_t)(*size * *size), 1);
	assert_non_null(grid);
	for (p = strstr(svg, "<rect x="); p; p = strstr(p + 1, "<rect x=")) {
		assert_int_equal(sscanf(p,
					"<rect x=\"%d\" y=\"%d\" width=\"%d\" "
					"height=\"1\"/>",
					&x, &y, &w),
				 3);
		assert_true(x >= 0 && y >= 0 && w > 0 && x + w <= *size &&
			    y < *size);
		for (int k = 0; k < w; k++)
			grid[y * *size + x + k] = 1;
	}
	return grid;
}

/* ISO/IEC 18004 §6.3.3: a finder pattern at (x, y), 7 × 7: dark ring,
 * light ring, dark 3 × 3 core. */
static void
assert_finder(const unsigned char *g, int size, int x0, int y0)
{
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;

			assert_int_equal(g[(y0 + y) * size + x0 + x],
					 ring || core);
		}
}

static void
test_qr_svg(void **state)
{
	struct px_html h = { 0 };
	unsigned char *g;
	int size, w;

	(void)state;
	assert_int_equal(px_html_qr_svg(&h, "http://127.0.0.1:8470/lots/"
					    "PBI-000100000001"),
			 0);
	assert_false(h.failed);
	assert_null(strstr(h.buf, "PBI")); /* the text is not in the markup */
	g = modules_of(h.buf, &size);
	w = size - 8;
	/* 4 modules of quiet zone each side; 21 + 4 (version - 1) modules:
	 * 43 bytes at level M need version 3, 29 modules */
	assert_int_equal((w - 17) % 4, 0);
	assert_int_equal(w, 29);
	for (int i = 0; i < size; i++)
		for (int k = 0; k < 4; k++) {
			assert_int_equal(g[k * size + i], 0);
			assert_int_equal(g[(size - 1 - k) * size + i], 0);
			assert_int_equal(g[i * size + k], 0);
			assert_int_equal(g[i * size + size - 1 - k], 0);
		}
	assert_finder(g, size, 4, 4);
	assert_finder(g, size, 4 + w - 7, 4);
	assert_finder(g, size, 4, 4 + w - 7);
	/* and none at the fourth corner */
	assert_int_equal(g[(size - 5) * size + size - 5] &
				 g[(size - 11) * size + size - 5] &
				 g[(size - 5) * size + size - 11] &
				 g[(size - 11) * size + size - 11] & 1,
			 0);
	free(g);
	px_html_release(&h);
	/* More than a version 40 symbol holds: refused. */
	{
		char *big = malloc(4000);

		assert_non_null(big);
		memset(big, 'x', 3999);
		big[3999] = '\0';
		assert_int_equal(px_html_qr_svg(&h, big), -1);
		free(big);
		px_html_release(&h);
	}
}

/* ---- the pages of a hostile little ledger ---- */

#define EVIL_NAME "<script>alert(\\\"x\\\")</script> 'Q' & Sons"
#define EVIL_LOT  "L<i>\\\"'&1"
#define EVIL_RAW  "L<i>\"'&1"

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
		fail_msg("%s\nrefused: %s", text, res.refusal.message);
	free(text);
}

static struct pxt_ledger *
hostile_ledger(void)
{
	struct pxt_ledger *fx = pxt_ledger_new(NULL);

	pxt_register(fx, "uz.farm.evil", "farm", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, "uz.gin.1", "gin", "UZ-SA", "UZ-SA-KTK");
	pxt_register(fx, "monitor.tpm", "monitor", "UZ", "UZ");
	submit_ok(
		fx,
		"{\"kind\":\"update_actor\",\"actor\":\"" PXT_REGISTRAR
		"\",\"subject\":{\"id\":\"uz.farm.evil\",\"name\":\"" EVIL_NAME
		"\",\"roles\":[\"farm\"],\"region\":\"UZ-SA\",\"district\":"
		"\"UZ-SA-KTK\"}}");
	submit_ok(fx, "{\"kind\":\"harvest\",\"actor\":\"uz.farm.evil\","
		      "\"lot\":\"" EVIL_LOT "\",\"kg\":1000,\"season\":2026,"
		      "\"district\":\"UZ-SA-KTK\",\"method\":\"hand\","
		      "\"harvested_at\":\"2026-09-21T08:00:00Z\"}");
	submit_ok(fx, "{\"kind\":\"transfer\",\"actor\":\"uz.farm.evil\","
		      "\"to\":\"uz.gin.1\",\"shipment\":\"S<1>\",\"lots\":[{"
		      "\"lot\":\"" EVIL_LOT "\",\"kg\":1000}],\"documents\":[{"
		      "\"type\":\"invoice\",\"number\":\"<b>N\\\"1</b>\","
		      "\"uri\":\"javascript:alert(1)\"}]}");
	submit_ok(fx, "{\"kind\":\"attest\",\"actor\":\"monitor.tpm\","
		      "\"subject\":\"district:UZ-SA-KTK\",\"season\":2026,"
		      "\"status\":\"forced_labour\",\"indicators\":"
		      "[\"<img src=x>\"]}");
	assert_int_equal(px_ledger_checkpoint(fx->l, NULL), PX_OK);
	return fx;
}

/* Nothing the ledger said became markup. */
static void
assert_inert(const char *page)
{
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "<i>"));
	assert_null(strstr(page, "<b>"));
	assert_null(strstr(page, "href=\"javascript"));
	assert_null(strstr(page, EVIL_RAW));
	assert_non_null(strstr(page, "&lt;script&gt;alert(&quot;x&quot;)"
				     "&lt;/script&gt; &#39;Q&#39; &amp; Sons"));
	assert_non_null(strstr(page, "L&lt;i&gt;&quot;&#39;&amp;1"));
}

static void
test_pages_escape_the_ledger(void **state)
{
	struct pxt_ledger *fx = hostile_ledger();
	struct px_html_opts o = {
		.lang = PX_LANG_EN,
		.origin = "test<origin>",
		.verifier_key = "key'\"",
		.base_url = "http://127.0.0.1:8470",
		.now = PXT_GENESIS,
	};
	struct px_html h = { 0 };
	struct px_txn *t = NULL;
	unsigned status = 0;

	(void)state;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_html_lot_page(&h, &status, t, EVIL_RAW, &o), PX_OK);
	assert_int_equal(status, 200);
	assert_inert(h.buf);
	/* links to it escape it as a path segment */
	assert_non_null(strstr(h.buf, "href=\"/lots/L%3Ci%3E%22%27%261/"
				      "report?lang=en\""));
	assert_non_null(strstr(h.buf, "class=\"qr\""));
	assert_non_null(strstr(h.buf, "id=\"verdict-word\">flagged<"));
	px_html_release(&h);

	assert_int_equal(px_html_report(&h, &status, t, EVIL_RAW, &o), PX_OK);
	assert_int_equal(status, 200);
	assert_inert(h.buf);
	/* in the page header's CSS string, as hex escapes */
	assert_non_null(strstr(h.buf, "L\\3c i\\3e \\22 \\27 \\26 1"));
	assert_non_null(strstr(h.buf, "id=\"bundle-sha256\">"));
	/* and in the shell commands, single-quoted */
	assert_non_null(strstr(h.buf, "paxta bundle 'L&lt;i&gt;&quot;'\\''"
				      "&amp;1'"));
	px_html_release(&h);

	assert_int_equal(px_html_lot_page(&h, &status, t, "NO-SUCH", &o),
			 PX_OK);
	assert_int_equal(status, 404);
	px_html_release(&h);
	assert_int_equal(px_html_lot_page(&h, &status, t, "two words", &o),
			 PX_OK);
	assert_int_equal(status, 400);
	assert_non_null(strstr(h.buf, "two words"));
	px_html_release(&h);
	assert_int_equal(px_html_landing(&h, t, &o), PX_OK);
	assert_non_null(strstr(h.buf, "id=\"lot-search\""));
	assert_null(strstr(h.buf, "test<origin>"));
	px_html_release(&h);
	px_store_abort(t);
	pxt_ledger_free(fx);
}

/* The same page in Uzbek and Russian: headings from their tables. */
static void
test_pages_in_three_languages(void **state)
{
	struct pxt_ledger *fx = hostile_ledger();
	struct px_html_opts o = { .origin = "o", .verifier_key = "k" };
	struct px_txn *t = NULL;
	unsigned status;

	(void)state;
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	for (int l = 0; l < PX_LANG_COUNT; l++) {
		struct px_html h = { 0 };
		char want[128];

		o.lang = (enum px_lang)l;
		assert_int_equal(px_html_report(&h, &status, t, EVIL_RAW, &o),
				 PX_OK);
		snprintf(want, sizeof(want), "<html lang=\"%s\">",
			 px_lang_tag(o.lang));
		assert_non_null(strstr(h.buf, want));
		snprintf(want, sizeof(want), "<h2>%s</h2>",
			 px_msg(o.lang, PX_M_PARTIES_TITLE));
		assert_non_null(strstr(h.buf, want));
		assert_inert(h.buf);
		px_html_release(&h);
	}
	px_store_abort(t);
	pxt_ledger_free(fx);
}

/* A lot logged after the last checkpoint: the page says so, as of the
 * log; the report has no bundle to point at yet. */
static void
test_a_lot_no_checkpoint_covers(void **state)
{
	struct pxt_ledger *fx = hostile_ledger();
	struct px_html_opts o = { .origin = "o", .verifier_key = "k" };
	struct px_html h = { 0 };
	struct px_txn *t = NULL;
	unsigned status;

	(void)state;
	submit_ok(fx, "{\"kind\":\"harvest\",\"actor\":\"uz.farm.evil\","
		      "\"lot\":\"LATE-1\",\"kg\":10,\"season\":2026,"
		      "\"district\":\"UZ-SA-KTK\",\"method\":\"hand\","
		      "\"harvested_at\":\"2026-09-22T08:00:00Z\"}");
	assert_int_equal(px_ledger_read(fx->l, &t), PX_OK);
	assert_int_equal(px_html_lot_page(&h, &status, t, "LATE-1", &o), PX_OK);
	assert_int_equal(status, 200);
	assert_non_null(
		strstr(h.buf, px_msg(PX_LANG_EN, PX_M_NOT_CHECKPOINTED)));
	assert_null(strstr(h.buf, "/v1/checkpoint?size="));
	assert_null(strstr(h.buf, "/bundle"));
	px_html_release(&h);
	assert_int_equal(px_html_report(&h, &status, t, "LATE-1", &o), PX_OK);
	assert_int_equal(status, 200);
	assert_non_null(
		strstr(h.buf, px_msg(PX_LANG_EN, PX_M_NO_CHECKPOINT_YET)));
	assert_null(strstr(h.buf, "bundle-sha256"));
	px_html_release(&h);
	/* as of a size that was never signed: not found */
	o.size = 3;
	assert_int_equal(px_html_report(&h, &status, t, EVIL_RAW, &o), PX_OK);
	assert_int_equal(status, 404);
	px_html_release(&h);
	px_store_abort(t);
	pxt_ledger_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_markup_and_quotes),
		cmocka_unit_test(test_text_cuts_on_a_character),
		cmocka_unit_test(test_segment_leaves_only_unreserved),
		cmocka_unit_test(test_language_choice),
		cmocka_unit_test(test_message_tables_complete),
		cmocka_unit_test(test_qr_svg),
		cmocka_unit_test(test_pages_escape_the_ledger),
		cmocka_unit_test(test_pages_in_three_languages),
		cmocka_unit_test(test_a_lot_no_checkpoint_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
