/*
 * paxta — the CBV 2.0 EPCIS event hash (CBV 2.0 §8.9): an event's
 * canonical pre-hash string, hashed with SHA-256 and named as an RFC 6920
 * "ni" URI. The steps, as the standard states them:
 *   - data elements in the canonical property order, concatenated without
 *     separators, each value as key=value;
 *   - times in UTC with milliseconds (rounded at the 4th decimal), "Z";
 *   - numbers without trailing zeros;
 *   - list members sorted by case-sensitive byte order, the list's name
 *     once; members with fields are concatenated first, then sorted;
 *   - bare CBV words and urn:epcglobal:cbv: URNs expanded to their
 *     https://ref.gs1.org/cbv/ Web URIs;
 *   - EPC URNs and GS1 Digital Link URIs turned into constrained canonical
 *     Digital Link URIs (https://id.gs1.org, no query string);
 *   - ILMD and user extensions as {namespace}name[=value], sorted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/epcis.h"
#include "paxta/units.h"

/* A growing string; on out of memory it stops growing and says so. */
struct text {
	char *s;
	size_t len, cap;
	int failed;
};

static void
add_n(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *ns;

		while (t->len + n + 1 > cap)
			cap *= 2;
		if (!(ns = realloc(t->s, cap))) {
			t->failed = 1;
			return;
		}
		t->s = ns;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
add(struct text *t, const char *s)
{
	add_n(t, s, strlen(s));
}

/* A sortable list of strings (each malloc'd). */
struct strings {
	char **v;
	size_t n, cap;
	int failed;
};

static void
strings_take(struct strings *l, struct text *t)
{
	char **nv;

	if (t->failed || l->failed) {
		l->failed = 1;
		free(t->s);
		return;
	}
	if (!t->s)
		t->s = strdup("");
	if (!t->s) {
		l->failed = 1;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;

		if (!(nv = realloc(l->v, cap * sizeof(*nv)))) {
			free(t->s);
			l->failed = 1;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = t->s;
}

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, appended to t, freed. */
static void
strings_flush(struct text *t, struct strings *l)
{
	if (l->failed)
		t->failed = 1;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_bytes);
	for (size_t i = 0; i < l->n; i++) {
		add(t, l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- values ---- */

/* s without leading and trailing white space, into t. */
static void
add_trimmed(struct text *t, const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	add_n(t, s, n);
}

/* The shortest decimal that reads back as x, without trailing zeros. */
static void
add_number(struct text *t, const json_t *v)
{
	char buf[64];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	} else {
		double x = json_real_value(v);

		int p = 1;
		char *e;

		for (; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*g", p, x);
			if (strtod(buf, NULL) == x)
				break;
		}
		/* plain decimal notation, never an exponent (1.5E3 is 1500):
		 * p significant digits, as many decimals as they reach */
		if ((e = strchr(buf, 'e'))) {
			int exp10 = atoi(e + 1), decimals = p - 1 - exp10;
			size_t n;

			if (exp10 > 40 || exp10 < -40) {
				add(t, buf); /* beyond any quantity: kept */
				return;
			}
			snprintf(buf, sizeof(buf), "%.*f",
				 decimals > 0 ? decimals : 0, x);
			n = strlen(buf);
			if (strchr(buf, '.')) {
				while (n && buf[n - 1] == '0')
					buf[--n] = '\0';
				if (n && buf[n - 1] == '.')
					buf[--n] = '\0';
			}
		}
	}
	add(t, buf);
}

/* A GS1 mod-10 check digit of the digits of s. */
static char
check_digit(const char *s)
{
	size_t n = strlen(s);
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';

		sum += i % 2 == 0 ? 3 * d : d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/*
 * An EPC URN as a canonical GS1 Digital Link URI (Tag Data Standard 2.0 §6
 * and GS1 Digital Link 1.2 §4.11) for the keys paxta's partners use most:
 * the pure identities SGTIN, SSCC, SGLN, PGLN, GDTI, GRAI, GIAI; the class
 * LGTIN (a GTIN and its lot); the pattern of every SGTIN of one GTIN. 1
 * when converted.
 */
static int
add_epc_urn(struct text *t, const char *urn)
{
	char scheme[8], a[32], b[32], key[72];
	const char *rest, *dot1, *dot2 = NULL;
	size_t la, lb;
	int cls = 0, pat = 0;

	if (strncmp(urn, "urn:epc:id:", 11) == 0)
		rest = urn + 11;
	else if (strncmp(urn, "urn:epc:class:lgtin:", 20) == 0)
		rest = urn + 14, cls = 1;
	else if (strncmp(urn, "urn:epc:idpat:sgtin:", 20) == 0)
		rest = urn + 14, pat = 1;
	else
		return 0;
	if (!(dot1 = strchr(rest, ':')) || (size_t)(dot1 - rest) >= 7)
		return 0;
	memcpy(scheme, rest, (size_t)(dot1 - rest));
	scheme[dot1 - rest] = '\0';
	rest = dot1 + 1;
	if (!(dot1 = strchr(rest, '.')))
		return 0;
	la = (size_t)(dot1 - rest);
	dot2 = strchr(dot1 + 1, '.');
	lb = dot2 ? (size_t)(dot2 - dot1 - 1) : strlen(dot1 + 1);
	if (la >= sizeof(a) || lb >= sizeof(b) || !all_digits(rest, la))
		return 0;
	memcpy(a, rest, la);
	a[la] = '\0';
	memcpy(b, dot1 + 1, lb);
	b[lb] = '\0';
	if ((strcmp(scheme, "sgtin") == 0 || strcmp(scheme, "lgtin") == 0) &&
	    dot2 && all_digits(b, lb) && la + lb == 13) {
		if (pat && strcmp(dot2 + 1, "*") != 0)
			return 0;
		/* indicator digit, company prefix, item reference */
		snprintf(key, sizeof(key), "%c%s%s", b[0], a, b + 1);
		add(t, "https://id.gs1.org/01/");
		add(t, key);
		add_n(t, (char[]){ check_digit(key) }, 1);
		if (!pat) {
			add(t, cls ? "/10/" : "/21/");
			add(t, dot2 + 1);
		}
		return 1;
	}
	if (cls || pat)
		return 0;
	if (strcmp(scheme, "grai") == 0 && dot2 && la + lb == 12 &&
	    all_digits(b, lb)) {
		/* GRAI: "0", the 13-digit asset type, then its serial */
		snprintf(key, sizeof(key), "0%s%s", a, b);
		add(t, "https://id.gs1.org/8003/");
		add(t, key);
		add_n(t, (char[]){ check_digit(key) }, 1);
		add(t, dot2 + 1);
		return 1;
	}
	if (strcmp(scheme, "giai") == 0) {
		/* GIAI: company prefix and asset reference, no check digit */
		add(t, "https://id.gs1.org/8004/");
		add(t, a);
		add(t, dot1 + 1);
		return 1;
	}
	if (strcmp(scheme, "sscc") == 0 && !dot2 && all_digits(b, lb) &&
	    la + lb == 17) {
		snprintf(key, sizeof(key), "%c%s%s", b[0], a, b + 1);
		add(t, "https://id.gs1.org/00/");
		add(t, key);
		add_n(t, (char[]){ check_digit(key) }, 1);
		return 1;
	}
	if (strcmp(scheme, "gdti") == 0 && dot2 && la + lb == 12 &&
	    all_digits(b, lb)) {
		/* GDTI: the 13-digit document type, then its serial */
		snprintf(key, sizeof(key), "%s%s", a, b);
		add(t, "https://id.gs1.org/253/");
		add(t, key);
		add_n(t, (char[]){ check_digit(key) }, 1);
		add(t, dot2 + 1);
		return 1;
	}
	if ((strcmp(scheme, "sgln") == 0 && dot2) ||
	    (strcmp(scheme, "pgln") == 0 && !dot2)) {
		if (la + lb != 12 || (lb && !all_digits(b, lb)))
			return 0;
		snprintf(key, sizeof(key), "%s%s", a, b);
		add(t, scheme[0] == 's' ? "https://id.gs1.org/414/"
					: "https://id.gs1.org/417/");
		add(t, key);
		add_n(t, (char[]){ check_digit(key) }, 1);
		if (dot2 && strcmp(dot2 + 1, "0") != 0) {
			add(t, "/254/");
			add(t, dot2 + 1);
		}
		return 1;
	}
	return 0;
}

/* Primary keys of a constrained canonical Digital Link URI, each with the
 * one qualifier it may keep (CBV 2.0 §8.9). */
static const struct {
	const char *key, *qualifiers; /* ",21,10," */
} dl_keys[] = {
	{ "00", "" },       { "01", ",21,10,235," }, { "253", "" },
	{ "255", "" },      { "401", "" },           { "402", "" },
	{ "414", ",254," }, { "417", "" },           { "8003", "" },
	{ "8004", "" },     { "8006", ",21,10," },   { "8010", ",8011," },
	{ "8017", "" },     { "8018", "" },
};

/* "/QUALIFIER/VALUE" at q (a '/') into t when QUALIFIER is one of
 * qualifiers. */
static void
add_qualifier(struct text *t, const char *q, const char *end,
	      const char *qualifiers)
{
	const char *qs = q + 1, *qe = qs, *ve;
	char name[8];

	while (qe < end && *qe != '/')
		qe++;
	if (qe >= end || (size_t)(qe - qs) + 3 > sizeof(name))
		return;
	snprintf(name, sizeof(name), ",%.*s,", (int)(qe - qs), qs);
	if (!strstr(qualifiers, name))
		return;
	for (ve = qe + 1; ve < end && *ve != '/'; ve++)
		;
	add_n(t, q, (size_t)(ve - q));
}

/*
 * A GS1 Digital Link URI (any domain) as the constrained canonical one:
 * https://id.gs1.org, the primary key, its finest qualifier, no query.
 * 1 when uri is one.
 */
static int
add_digital_link(struct text *t, const char *uri)
{
	const char *p, *end;
	char seg[8];

	if (strncmp(uri, "https://", 8) == 0)
		p = uri + 8;
	else if (strncmp(uri, "http://", 7) == 0)
		p = uri + 7;
	else
		return 0;
	end = p + strcspn(p, "?#");
	for (p = memchr(p, '/', (size_t)(end - p)); p && p < end;
	     p = memchr(p + 1, '/', (size_t)(end - p - 1))) {
		const char *s = p + 1, *e = s;
		size_t n;

		while (e < end && *e != '/')
			e++;
		n = (size_t)(e - s);
		if (n == 0 || n >= sizeof(seg) || e >= end)
			continue;
		memcpy(seg, s, n);
		seg[n] = '\0';
		for (size_t k = 0; k < sizeof(dl_keys) / sizeof(dl_keys[0]);
		     k++) {
			const char *v = e + 1, *ve = v, *q;

			if (strcmp(seg, dl_keys[k].key) != 0)
				continue;
			while (ve < end && *ve != '/')
				ve++;
			if (ve == v || !isdigit((unsigned char)*v))
				break;
			add(t, "https://id.gs1.org/");
			add_n(t, s, (size_t)(ve - s));
			/* keep the qualifier this key may carry, if next */
			q = ve;
			if (q < end)
				add_qualifier(t, q, end, dl_keys[k].qualifiers);
			return 1;
		}
	}
	return 0;
}

/* The CBV vocabularies as the pre-hash names them. */
enum vocab {
	V_NONE,
	V_BIZSTEP,
	V_DISP,
	V_BTT,
	V_SDT
};

static const struct {
	const char *urn, *web;
} cbv_urns[] = {
	{ "urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-" },
	{ "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-" },
	{ "urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-" },
	{ "urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-" },
	{ "urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-" },
};

/* An identifier or vocabulary value as the pre-hash writes it. */
static void
add_value(struct text *t, const char *s, enum vocab vocab)
{
	static const char *const web[] = {
		[V_BIZSTEP] = "https://ref.gs1.org/cbv/BizStep-",
		[V_DISP] = "https://ref.gs1.org/cbv/Disp-",
		[V_BTT] = "https://ref.gs1.org/cbv/BTT-",
		[V_SDT] = "https://ref.gs1.org/cbv/SDT-",
	};
	struct text v = { 0 };

	add_trimmed(&v, s);
	if (v.failed) {
		t->failed = 1;
		return;
	}
	s = v.s ? v.s : "";
	for (size_t i = 0; i < sizeof(cbv_urns) / sizeof(cbv_urns[0]); i++) {
		size_t n = strlen(cbv_urns[i].urn);

		if (strncmp(s, cbv_urns[i].urn, n) == 0) {
			add(t, cbv_urns[i].web);
			add(t, s + n);
			free(v.s);
			return;
		}
	}
	if (vocab != V_NONE && !strchr(s, ':')) {
		/* a bare CBV word, as JSON-LD writes them */
		add(t, web[vocab]);
		add(t, s);
	} else if (strncmp(s, "cbv:", 4) == 0) {
		add(t, "https://ref.gs1.org/cbv/");
		add(t, s + 4);
	} else if (!add_epc_urn(t, s) && !add_digital_link(t, s)) {
		add(t, s);
	}
	free(v.s);
}

/* ---- times ---- */

/* An xsd:dateTimeStamp as UTC with milliseconds, the 4th decimal
 * rounding (CBV 2.0 §8.9). */
static int
add_time(struct text *t, const char *s)
{
	char out[PX_TIME_TEXT + 8], day[PX_TIME_TEXT];
	int64_t secs, ms = 0;
	const char *frac;
	int rc;

	if ((rc = px_parse_time(&secs, s)) != PX_OK || strlen(s) < 19)
		return PX_EMALFORMED;
	frac = s + 19;
	if (*frac == '.') {
		int digits = 0;

		for (frac++; isdigit((unsigned char)*frac) && digits < 4;
		     frac++, digits++) {
			if (digits < 3)
				ms = ms * 10 + (*frac - '0');
			else if (*frac >= '5')
				ms++;
		}
		for (; digits < 3; digits++)
			ms *= 10;
	}
	secs += ms / 1000;
	ms %= 1000;
	px_format_time(day, secs); /* "YYYY-MM-DDTHH:MM:SSZ" */
	day[19] = '\0';
	snprintf(out, sizeof(out), "%s.%03dZ", day, (int)ms);
	add(t, out);
	return PX_OK;
}

/* ---- extensions ---- */

/* The namespace of prefix in the document's context, or NULL. */
static const char *
namespace_of(const json_t *context, const char *prefix)
{
	static const struct {
		const char *prefix, *ns;
	} known[] = {
		{ "gs1", "https://gs1.org/voc/" },
		{ "cbv", "https://ref.gs1.org/cbv/" },
		{ "epcis", "https://ref.gs1.org/epcis/" },
	};
	size_t i;
	const json_t *c;

	if (json_is_object(context)) {
		const char *ns =
			json_string_value(json_object_get(context, prefix));

		if (ns)
			return ns;
	}
	json_array_foreach(context, i, c)
	{
		const char *ns = namespace_of(c, prefix);

		if (ns)
			return ns;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(prefix, known[i].prefix) == 0)
			return known[i].ns;
	return NULL;
}

/* "{namespace}local" of a prefixed name into t; 0 when name has no known
 * prefix (then it is not an extension the hash covers). */
static int
add_expanded_name(struct text *t, const char *name, const json_t *context)
{
	const char *colon = strchr(name, ':');
	char prefix[64];
	const char *ns;

	if (!colon || (size_t)(colon - name) >= sizeof(prefix))
		return 0;
	memcpy(prefix, name, (size_t)(colon - name));
	prefix[colon - name] = '\0';
	if (!(ns = namespace_of(context, prefix)))
		return 0;
	add(t, "{");
	add(t, ns);
	add(t, "}");
	add(t, colon + 1);
	return 1;
}

static void add_extension(struct strings *l, const char *name, const json_t *v,
			  const json_t *context);

/* The members of an extension object, each a sorted substring. */
static void
add_extension_members(struct text *t, const json_t *obj, const json_t *context)
{
	struct strings l = { 0 };
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)obj, k, v)
		add_extension(&l, k, v, context);
	strings_flush(t, &l);
}

/* One extension element name=value (or name + its members); an array
 * gives one element per member. */
static void
add_extension(struct strings *l, const char *name, const json_t *v,
	      const json_t *context)
{
	struct text t = { 0 };
	size_t i;
	const json_t *m;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m) add_extension(l, name, m, context);
		return;
	}
	if (!add_expanded_name(&t, name, context)) {
		free(t.s);
		return;
	}
	if (json_is_object(v)) {
		add_extension_members(&t, v, context);
	} else if (json_is_string(v)) {
		add(&t, "=");
		add_trimmed(&t, json_string_value(v));
	} else if (json_is_number(v)) {
		add(&t, "=");
		add_number(&t, v);
	} else if (json_is_boolean(v)) {
		add(&t, json_is_true(v) ? "=true" : "=false");
	}
	strings_take(l, &t);
}

/* ---- the event ---- */

/* The members of the list a as sorted "member=VALUE". */
static int
add_members(struct text *t, const json_t *a, const char *member,
	    enum vocab vocab)
{
	const json_t *v;
	struct strings l = { 0 };
	size_t i;

	json_array_foreach(a, i, v)
	{
		struct text m = { 0 };

		if (!json_is_string(v)) {
			strings_flush(&m, &l);
			free(m.s);
			return PX_EMALFORMED;
		}
		add(&m, member);
		add(&m, "=");
		add_value(&m, json_string_value(v), vocab);
		strings_take(&l, &m);
	}
	strings_flush(t, &l);
	return PX_OK;
}

/* A list of identifiers: "listName" + sorted "member=ID". */
static int
add_id_list(struct text *t, const json_t *event, const char *list,
	    const char *member)
{
	const json_t *a = json_object_get(event, list);

	if (!a)
		return PX_OK;
	if (!json_is_array(a))
		return PX_EMALFORMED;
	if (json_array_size(a) == 0)
		return PX_OK; /* an empty element adds nothing */
	add(t, list);
	return add_members(t, a, member, V_NONE);
}

static int
add_quantity_list(struct text *t, const json_t *event, const char *list)
{
	const json_t *a = json_object_get(event, list), *q;
	struct strings l = { 0 };
	size_t i;

	if (!a)
		return PX_OK;
	if (!json_is_array(a))
		return PX_EMALFORMED;
	if (json_array_size(a) == 0)
		return PX_OK; /* an empty element adds nothing */
	add(t, list);
	json_array_foreach(a, i, q)
	{
		const json_t *c = json_object_get(q, "epcClass");
		const json_t *n = json_object_get(q, "quantity");
		const json_t *u = json_object_get(q, "uom");
		struct text m = { 0 };

		if (!json_is_string(c) || (n && !json_is_number(n)) ||
		    (u && !json_is_string(u))) {
			strings_flush(&m, &l);
			free(m.s);
			return PX_EMALFORMED;
		}
		add(&m, "quantityElementepcClass=");
		add_value(&m, json_string_value(c), V_NONE);
		if (n) {
			add(&m, "quantity=");
			add_number(&m, n);
		}
		if (u) {
			add(&m, "uom=");
			add_trimmed(&m, json_string_value(u));
		}
		strings_take(&l, &m);
	}
	strings_flush(t, &l);
	return PX_OK;
}

/* A list of typed references: bizTransactionList, sourceList,
 * destinationList. Each member is "type=T" then "member=ID", as the
 * standard's examples write them, and the members are sorted. */
static int
add_typed_list(struct text *t, const json_t *event, const char *list,
	       const char *member, enum vocab vocab)
{
	const json_t *a = json_object_get(event, list), *o;
	struct strings l = { 0 };
	size_t i;

	if (!a)
		return PX_OK;
	if (!json_is_array(a))
		return PX_EMALFORMED;
	if (json_array_size(a) == 0)
		return PX_OK; /* an empty element adds nothing */
	add(t, list);
	json_array_foreach(a, i, o)
	{
		const json_t *id = json_object_get(o, member);
		const json_t *type = json_object_get(o, "type");
		struct text m = { 0 };

		if (!json_is_string(id) || (type && !json_is_string(type))) {
			strings_flush(&m, &l);
			free(m.s);
			return PX_EMALFORMED;
		}
		if (type) {
			add(&m, "type=");
			add_value(&m, json_string_value(type), vocab);
		}
		add(&m, member);
		add(&m, "=");
		add_value(&m, json_string_value(id), V_NONE);
		strings_take(&l, &m);
	}
	strings_flush(t, &l);
	return PX_OK;
}

/* readPoint, bizLocation: "name" "id=ID", then their extensions. */
static int
add_place(struct text *t, const json_t *event, const char *name,
	  const json_t *context)
{
	const json_t *o = json_object_get(event, name), *id;
	struct strings l = { 0 };
	const char *k;
	const json_t *v;

	if (!o)
		return PX_OK;
	id = json_object_get(o, "id");
	if (!json_is_string(id))
		return PX_EMALFORMED;
	add(t, name);
	add(t, "id=");
	add_value(t, json_string_value(id), V_NONE);
	json_object_foreach((json_t *)o, k, v) if (strcmp(k, "id") != 0)
		add_extension(&l, k, v, context);
	strings_flush(t, &l);
	return PX_OK;
}

static int
add_simple(struct text *t, const json_t *event, const char *name,
	   enum vocab vocab)
{
	const json_t *v = json_object_get(event, name);

	if (!v)
		return PX_OK;
	if (!json_is_string(v))
		return PX_EMALFORMED;
	add(t, name);
	add(t, "=");
	add_value(t, json_string_value(v), vocab);
	return PX_OK;
}

/* The standard's own fields: not user extensions. */
static const char *const standard_fields[] = {
	"type",
	"eventTime",
	"eventTimeZoneOffset",
	"recordTime",
	"eventID",
	"certificationInfo",
	"parentID",
	"epcList",
	"inputEPCList",
	"childEPCs",
	"quantityList",
	"childQuantityList",
	"inputQuantityList",
	"outputEPCList",
	"outputQuantityList",
	"action",
	"transformationID",
	"bizStep",
	"disposition",
	"persistentDisposition",
	"readPoint",
	"bizLocation",
	"bizTransactionList",
	"sourceList",
	"destinationList",
	"ilmd",
	"@context",
};

static int
is_standard(const char *k)
{
	for (size_t i = 0;
	     i < sizeof(standard_fields) / sizeof(standard_fields[0]); i++)
		if (strcmp(k, standard_fields[i]) == 0)
			return 1;
	return 0;
}

static int
prehash(struct text *t, const json_t *event, const json_t *context)
{
	const json_t *type = json_object_get(event, "type");
	const json_t *when = json_object_get(event, "eventTime");
	const json_t *v;
	struct strings l = { 0 };
	const char *k;
	int rc, persistent = 0;

	if (!json_is_string(type) || !json_is_string(when))
		return PX_EMALFORMED;
	if (json_object_get(event, "sensorElementList") ||
	    json_object_get(event, "errorDeclaration"))
		return PX_EMALFORMED; /* not canonicalised here */
	add(t, "eventType=");
	add(t, json_string_value(type));
	add(t, "eventTime=");
	if ((rc = add_time(t, json_string_value(when))) != PX_OK)
		return rc;
	if ((rc = add_simple(t, event, "eventTimeZoneOffset", V_NONE)) ||
	    (rc = add_simple(t, event, "certificationInfo", V_NONE)) ||
	    (rc = add_simple(t, event, "parentID", V_NONE)) ||
	    (rc = add_id_list(t, event, "epcList", "epc")) ||
	    (rc = add_id_list(t, event, "inputEPCList", "epc")) ||
	    (rc = add_id_list(t, event, "childEPCs", "epc")) ||
	    (rc = add_quantity_list(t, event, "quantityList")) ||
	    (rc = add_quantity_list(t, event, "childQuantityList")) ||
	    (rc = add_quantity_list(t, event, "inputQuantityList")) ||
	    (rc = add_id_list(t, event, "outputEPCList", "epc")) ||
	    (rc = add_quantity_list(t, event, "outputQuantityList")) ||
	    (rc = add_simple(t, event, "action", V_NONE)) ||
	    (rc = add_simple(t, event, "transformationID", V_NONE)) ||
	    (rc = add_simple(t, event, "bizStep", V_BIZSTEP)) ||
	    (rc = add_simple(t, event, "disposition", V_DISP)))
		return rc;
	if ((v = json_object_get(event, "persistentDisposition"))) {
		if (!json_is_object(v))
			return PX_EMALFORMED;
		/* "set=D" and "unset=D" each, as dispositions, sorted */
		for (int w = 0; w < 2; w++) {
			const char *name = w ? "unset" : "set";
			const json_t *a = json_object_get(v, name);

			if (a && !json_is_array(a))
				return PX_EMALFORMED;
			if (!json_array_size(a))
				continue;
			if (!persistent++)
				add(t, "persistentDisposition");
			if ((rc = add_members(t, a, name, V_DISP)))
				return rc;
		}
	}
	if ((rc = add_place(t, event, "readPoint", context)) ||
	    (rc = add_place(t, event, "bizLocation", context)) ||
	    (rc = add_typed_list(t, event, "bizTransactionList",
				 "bizTransaction", V_BTT)) ||
	    /* destinationList before sourceList, as the published worked
	     * example 3 hashes them (the order table lists source first) */
	    (rc = add_typed_list(t, event, "destinationList", "destination",
				 V_SDT)) ||
	    (rc = add_typed_list(t, event, "sourceList", "source", V_SDT)))
		return rc;
	if ((v = json_object_get(event, "ilmd"))) {
		if (!json_is_object(v))
			return PX_EMALFORMED;
		if (json_object_size(v))
			add(t, "ilmd");
		add_extension_members(t, v, context);
	}
	json_object_foreach((json_t *)event, k, v) if (!is_standard(k))
		add_extension(&l, k, v, context);
	strings_flush(t, &l);
	return PX_OK;
}

int
px_epcis_event_id(char out[PX_EPCIS_ID_TEXT], char **prehash_out,
		  const json_t *event, const json_t *context)
{
	struct text t = { 0 };
	struct px_hash h;
	char hex[2 * sizeof(h.b) + 1];
	int rc;

	if (prehash_out)
		*prehash_out = NULL;
	if (!json_is_object(event))
		return PX_EMALFORMED;
	if ((rc = prehash(&t, event, context)) != PX_OK)
		goto out;
	if (t.failed) {
		rc = PX_ENOMEM;
		goto out;
	}
	if ((rc = px_sha256(&h, t.s ? t.s : "", t.len)) != PX_OK)
		goto out;
	px_hex_encode(hex, h.b, sizeof(h.b));
	snprintf(out, PX_EPCIS_ID_TEXT, "ni:///sha-256;%s?ver=CBV2.0", hex);
	if (prehash_out) {
		*prehash_out = t.s;
		t.s = NULL;
	}
out:
	free(t.s);
	return rc;
}
