/*
 * paxta — which language a page is in: ?lang=, then Accept-Language
 * (RFC 9110 §12.5.4), then English; and the message tables.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "paxta/html.h"

static const char *const tags[PX_LANG_COUNT] = {
	[PX_LANG_EN] = "en",
	[PX_LANG_UZ] = "uz",
	[PX_LANG_RU] = "ru",
};

int
px_lang_parse(enum px_lang *out, const char *tag)
{
	size_t n;

	if (!tag)
		return -1;
	n = strcspn(tag, "-_");
	for (int i = 0; i < PX_LANG_COUNT; i++)
		if (n == strlen(tags[i]) && strncasecmp(tag, tags[i], n) == 0) {
			*out = (enum px_lang)i;
			return 0;
		}
	return -1;
}

const char *
px_lang_tag(enum px_lang lang)
{
	return lang < PX_LANG_COUNT ? tags[lang] : "en";
}

/* q of one Accept-Language element's parameters: ";q=0.5"; 1 when not
 * given, 0 when it does not parse. */
static double
q_value(const char *params, size_t len)
{
	const char *q = NULL;
	char num[8];
	size_t n;

	for (size_t i = 0; i + 1 < len; i++)
		if ((params[i] == 'q' || params[i] == 'Q') &&
		    params[i + 1] == '=') {
			q = params + i + 2;
			break;
		}
	if (!q)
		return 1;
	n = (size_t)(params + len - q);
	if (n == 0 || n >= sizeof(num))
		return 0;
	memcpy(num, q, n);
	num[n] = '\0';
	return strtod(num, NULL);
}

enum px_lang
px_lang_choose(const char *query, const char *accept_language)
{
	enum px_lang best = PX_LANG_EN, l;
	double best_q = 0;
	const char *p = accept_language;

	if (px_lang_parse(&l, query) == 0)
		return l;
	/* "uz-Latn-UZ, ru;q=0.8, en;q=0.5": the highest q of ours, the
	 * first of equals. */
	while (p && *p) {
		size_t len = strcspn(p, ","), tag_len;
		char tag[36];
		double q;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		tag_len = strcspn(p, ";, \t");
		if (tag_len > len)
			tag_len = len;
		if (tag_len && tag_len < sizeof(tag)) {
			memcpy(tag, p, tag_len);
			tag[tag_len] = '\0';
			q = q_value(p + tag_len, len - tag_len);
			if (q > best_q && px_lang_parse(&l, tag) == 0) {
				best = l;
				best_q = q;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return best;
}

const char *
px_msg(enum px_lang lang, enum px_msg id)
{
	const char *const *table = lang == PX_LANG_UZ   ? px_msg_uz
				   : lang == PX_LANG_RU ? px_msg_ru
							: px_msg_en;

	if (id >= PX_MSG_COUNT)
		return "";
	return table[id] ? table[id] : px_msg_en[id];
}

/* The message of value v of an enum whose n messages begin at first. */
static const char *
ranged(enum px_lang lang, enum px_msg first, unsigned n, unsigned v)
{
	return px_msg(lang, (enum px_msg)(first + (v < n ? v : 0)));
}

const char *
px_msg_product(enum px_lang lang, Paxta__Product p)
{
	return ranged(lang, PX_M_PRODUCT_0, 8, (unsigned)p);
}

const char *
px_msg_process(enum px_lang lang, Paxta__Process p)
{
	return ranged(lang, PX_M_PROCESS_0, 6, (unsigned)p);
}

const char *
px_msg_method(enum px_lang lang, Paxta__Method m)
{
	return ranged(lang, PX_M_METHOD_0, 3, (unsigned)m);
}

const char *
px_msg_role(enum px_lang lang, Paxta__Role r)
{
	return ranged(lang, PX_M_ROLE_0, 13, (unsigned)r);
}

const char *
px_msg_status(enum px_lang lang, Paxta__Status s)
{
	return ranged(lang, PX_M_STATUS_0, 7, (unsigned)s);
}

const char *
px_msg_verdict(enum px_lang lang, enum px_verdict_kind k)
{
	return ranged(lang, PX_M_VERDICT_0, 4, (unsigned)k);
}

const char *
px_msg_part(enum px_lang lang, unsigned part)
{
	unsigned bit = 0;

	while (bit < 7 && !(part & (1u << bit)))
		bit++;
	return ranged(lang, PX_M_PART_0, 7, bit);
}
