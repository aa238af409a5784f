/*
 * paxta — events as JSON (DESIGN.md §6.1) to and from entries.
 *
 * An event's Entry is built by hand, every byte of it in the event's arena
 * (a list of calloc'd blocks), so px_event_free releases it in one sweep.
 * protobuf_c_message_free_unpacked must never see it: absent proto3
 * strings point at protobuf_c_empty_string, which is not ours to free.
 *
 * The parser checks shapes and types only: ids, custody and mass balance are
 * the ledger's rules (rules.c), which see the same Entry whoever built it.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/crypto.h"
#include "paxta/encoding.h"
#include "paxta/entry.h"
#include "paxta/error.h"
#include "paxta/event.h"
#include "paxta/state.h"
#include "paxta/units.h"

/* Caps on one event: lines of lots, inputs and outputs (and items of
 * roles, documents, indicators), and bytes of one string. */
#define LINES_MAX 1024
#define TEXT_MAX  2048

#define HASH_HEX (2 * PX_HASH_LEN)

_Static_assert(sizeof(json_int_t) >= sizeof(int64_t),
	       "jansson integers hold 64 bits");

enum need {
	OPTIONAL,
	REQUIRED,
};

/* ---- the arena ---- */

struct block {
	struct block *next;
	max_align_t data[];
};

/* Zeroed bytes that live as long as ev; NULL when out of memory. */
static void *
arena_alloc(struct px_event *ev, size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = calloc(1, sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = ev->arena;
	ev->arena = b;
	return b->data;
}

void
px_event_free(struct px_event *ev)
{
	struct block *b, *next;

	if (!ev)
		return;
	for (b = ev->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	free(ev);
}

/* ---- reading fields ---- */

struct parse {
	struct px_event *ev;
	struct px_refusal *r;
	const char *kind;  /* the event's kind, once known: "harvest: ..." */
	const char *where; /* "subject: ", "output 2: " or "" */
	char where_text[32];
	char label_text[64];
	char quote_text[4][48];
	unsigned quotes;
	char enum_text[200];
};

static int bad(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Refuse the event as malformed: "kind: where: sentence". */
static int
bad(struct parse *p, const char *fmt, ...)
{
	char text[PX_REFUSAL_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	px_refuse(p->r, PX_CODE_MALFORMED, "%s%s%s%s", p->kind ? p->kind : "",
		  p->kind ? ": " : "", p->where, text);
	return PX_EMALFORMED;
}

/* "field 'kg'", or "field 'documents' item 2" for item 2 of an array. */
static const char *
label(struct parse *p, const char *key, size_t item)
{
	if (item)
		snprintf(p->label_text, sizeof(p->label_text),
			 "field '%s' item %zu", key, item);
	else
		snprintf(p->label_text, sizeof(p->label_text), "field '%s'",
			 key);
	return p->label_text;
}

/* Messages about line n of an array say "output 2: ". */
static void
set_where(struct parse *p, const char *line, size_t n)
{
	if (!line) {
		p->where = "";
		return;
	}
	snprintf(p->where_text, sizeof(p->where_text), "%s %zu: ", line, n);
	p->where = p->where_text;
}

/*
 * A value of the event as a message may quote it: at most 40 bytes, cut at
 * a UTF-8 character boundary (refusals travel as JSON), "..." when cut. The
 * text lives in p until four more quotes are taken.
 */
static const char *
quote(struct parse *p, const char *s)
{
	char *q = p->quote_text[p->quotes++ % 4];
	size_t n = strlen(s);

	if (n <= 40)
		return s;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(q, s, n);
	memcpy(q + n, "...", 4);
	return q;
}

/* Levenshtein distance of two short names; 99 past 32 bytes. */
static unsigned
distance(const char *a, const char *b)
{
	unsigned row[33], n = (unsigned)strlen(b), m = (unsigned)strlen(a);

	if (n > 32 || m > 32)
		return 99;
	for (unsigned j = 0; j <= n; j++)
		row[j] = j;
	for (unsigned i = 1; i <= m; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (unsigned j = 1; j <= n; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[n];
}

/* names, a NULL-terminated list, as "a, b, c" into out (cut when long). */
static void
join_names(char *out, size_t size, const char *const *names)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; names && names[i] && used < size; i++) {
		int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "",
				 names[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/*
 * Refuse a member of obj named in neither list (NULL-terminated; b may be
 * NULL): DESIGN.md §6.1, "unknown fields are refused", so a misspelled
 * field is not dropped without a word. The message names the field and the
 * nearest known one, or lists them all when none is near.
 */
static int
known_fields(struct parse *p, const json_t *obj, const char *const *a,
	     const char *const *b)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		const char *const *lists[2] = { a, b };
		const char *nearest = NULL;
		unsigned best = 99;
		int found = 0;
		char all[160], more[160];

		(void)v;
		for (int l = 0; l < 2 && !found; l++)
			for (size_t i = 0; lists[l] && lists[l][i]; i++) {
				unsigned d = distance(key, lists[l][i]);

				if (d == 0)
					found = 1;
				if (d < best) {
					best = d;
					nearest = lists[l][i];
				}
			}
		if (found)
			continue;
		/* A near name is a typo; far from all, the list helps more. */
		if (nearest && best <= 2 && best < strlen(key))
			return bad(p, "unknown field '%s'; did you mean '%s'?",
				   quote(p, key), nearest);
		join_names(all, sizeof(all), a);
		join_names(more, sizeof(more), b);
		return bad(p, "unknown field '%s'; known fields: %s%s%s",
			   quote(p, key), all, b && b[0] ? ", " : "", more);
	}
	return PX_OK;
}

/* The names of an enum from first up, as "a, b, c". */
static const char *
enum_names(struct parse *p, const char *(*name_at)(int), int first)
{
	const char *names[32];
	size_t n = 0;

	for (int v = first; n < 31 && name_at(v); v++)
		names[n++] = name_at(v);
	names[n] = NULL;
	join_names(p->enum_text, sizeof(p->enum_text), names);
	return p->enum_text;
}

static const char *
role_at(int v)
{
	return px_role_name((Paxta__Role)v);
}

static const char *
product_at(int v)
{
	return px_product_name((Paxta__Product)v);
}

static const char *
process_at(int v)
{
	return px_process_name((Paxta__Process)v);
}

static const char *
method_at(int v)
{
	return px_method_name((Paxta__Method)v);
}

static const char *
status_at(int v)
{
	return px_status_name((Paxta__Status)v);
}

/* A member, with null taken as absent (scripts write null for none). */
static const json_t *
member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

/* A string within the caps; jansson can hold NULs, C strings cannot. */
static int
check_text(struct parse *p, const json_t *v, const char *key, size_t item,
	   enum need need)
{
	size_t len;

	if (!json_is_string(v))
		return bad(p, "%s must be a string", label(p, key, item));
	len = json_string_length(v);
	if (len > TEXT_MAX)
		return bad(p, "%s is longer than %d bytes", label(p, key, item),
			   TEXT_MAX);
	if (memchr(json_string_value(v), '\0', len))
		return bad(p, "%s contains a NUL byte", label(p, key, item));
	if (need == REQUIRED && len == 0)
		return bad(p, "%s must not be empty", label(p, key, item));
	return PX_OK;
}

/* Copy a checked string into the arena. */
static int
copy_text(struct parse *p, char **out, const json_t *v)
{
	size_t len = json_string_length(v);
	char *s = arena_alloc(p->ev, len + 1);

	if (!s)
		return PX_ENOMEM;
	memcpy(s, json_string_value(v), len);
	*out = s;
	return PX_OK;
}

/* A string member. An absent optional one is "", as protobuf-c has it. */
static int
get_string(struct parse *p, char **out, const json_t *obj, const char *key,
	   enum need need)
{
	const json_t *v = member(obj, key);
	int rc;

	if (!v) {
		if (need == REQUIRED)
			return bad(p, "%s is missing", label(p, key, 0));
		*out = (char *)protobuf_c_empty_string;
		return PX_OK;
	}
	if ((rc = check_text(p, v, key, 0, need)) != PX_OK)
		return rc;
	return copy_text(p, out, v);
}

/*
 * An id member (actor, lot, shipment, district): 1 to PX_ID_MAX printable
 * ASCII bytes, no space (state.h). The ledger's rules check the same; here
 * the refusal can name the field and the character that broke it.
 */
static int
get_id(struct parse *p, char **out, const json_t *obj, const char *key,
       enum need need)
{
	int rc = get_string(p, out, obj, key, need);
	const char *id = *out;
	size_t n, at = 0;

	if (rc != PX_OK || !id[0])
		return rc;
	if ((n = strlen(id)) > PX_ID_MAX)
		return bad(p, "%s is %zu bytes; an id has at most %d",
			   label(p, key, 0), n, PX_ID_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

		if ((c & 0xc0) != 0x80)
			at++;
		if (c > 0x20 && c < 0x7f)
			continue;
		if (c <= 0x20 || c == 0x7f)
			return bad(p,
				   "%s '%s' is not an id: character %zu is a "
				   "space or control character; ids are 1 to "
				   "%d ASCII letters, digits and punctuation",
				   label(p, key, 0), quote(p, id), at,
				   PX_ID_MAX);
		return bad(p,
			   "%s '%s' is not an id: character %zu '%.*s' is not "
			   "ASCII; ids are 1 to %d ASCII letters, digits and "
			   "punctuation, no spaces",
			   label(p, key, 0), quote(p, id), at,
			   (int)(i + (size_t)len <= n ? (size_t)len : n - i),
			   id + i, PX_ID_MAX);
	}
	return PX_OK;
}

/* The text of a required member naming an enum value (names.c). */
static int
get_name(struct parse *p, const char **out, const json_t *obj, const char *key)
{
	const json_t *v = member(obj, key);
	int rc;

	if (!v)
		return bad(p, "%s is missing", label(p, key, 0));
	if ((rc = check_text(p, v, key, 0, REQUIRED)) != PX_OK)
		return rc;
	*out = json_string_value(v);
	return PX_OK;
}

static int
too_heavy(struct parse *p)
{
	return bad(p, "field 'kg' is over %llu kg",
		   (unsigned long long)(PX_GRAMS_MAX / 1000));
}

/*
 * kg as jansson's double: exactly the double nearest some decimal with at
 * most 3 places, or within a millionth of a gram of one (what a script's
 * binary floating-point sum of such numbers gives).
 */
static int
grams_of_real(struct parse *p, uint64_t *out, double kg)
{
	double g;
	long long whole;

	if (kg < 0)
		return bad(p, "field 'kg' must not be negative");
	g = kg * 1000.0;
	/* jansson holds no NaN or infinity; were one here, it stops here */
	if (!(g <= (double)PX_GRAMS_MAX + 0.5))
		return too_heavy(p);
	whole = llround(g);
	if ((double)whole / 1000.0 != kg && fabs(g - (double)whole) > 1e-6)
		return bad(p, "field 'kg' must be a number with at most 3 "
			      "decimals");
	if ((uint64_t)whole > PX_GRAMS_MAX)
		return too_heavy(p);
	*out = (uint64_t)whole;
	return PX_OK;
}

static int
get_kg(struct parse *p, uint64_t *out, const json_t *obj)
{
	const json_t *v = member(obj, "kg");
	json_int_t kg;

	if (!v)
		return bad(p, "field 'kg' is missing");
	if (json_is_real(v))
		return grams_of_real(p, out, json_real_value(v));
	if (!json_is_integer(v))
		return bad(p, "field 'kg' must be a number with at most 3 "
			      "decimals");
	kg = json_integer_value(v);
	if (kg < 0)
		return bad(p, "field 'kg' must not be negative");
	if ((unsigned long long)kg > PX_GRAMS_MAX / 1000)
		return too_heavy(p);
	*out = (uint64_t)kg * 1000;
	return PX_OK;
}

/* An integer member in [min, max]; an absent optional one leaves *out. */
static int
get_integer(struct parse *p, json_int_t *out, const json_t *obj,
	    const char *key, json_int_t min, json_int_t max, enum need need)
{
	const json_t *v = member(obj, key);

	if (!v) {
		if (need == REQUIRED)
			return bad(p, "%s is missing", label(p, key, 0));
		return PX_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return bad(p, "%s must be an integer from %lld to %lld",
			   label(p, key, 0), (long long)min, (long long)max);
	*out = json_integer_value(v);
	return PX_OK;
}

static int
get_season(struct parse *p, uint32_t *out, const json_t *obj)
{
	json_int_t season = 0;
	int rc =
		get_integer(p, &season, obj, "season", 1, UINT32_MAX, REQUIRED);

	*out = (uint32_t)season;
	return rc;
}

/* An RFC 3339 time member; *given says whether it was there. */
static int
get_time(struct parse *p, int64_t *out, int *given, const json_t *obj,
	 const char *key)
{
	const json_t *v = member(obj, key);
	int rc;

	*given = 0;
	if (!v)
		return PX_OK;
	if ((rc = check_text(p, v, key, 0, REQUIRED)) != PX_OK)
		return rc;
	if (px_parse_time(out, json_string_value(v)) != PX_OK)
		return bad(p, "%s must be an RFC 3339 time, not '%s'",
			   label(p, key, 0), json_string_value(v));
	*given = 1;
	return PX_OK;
}

/* A SHA-256 value in hex (either case) into 32 arena bytes. */
static int
hash_of(struct parse *p, ProtobufCBinaryData *out, const json_t *v,
	const char *key, size_t item)
{
	uint8_t *b;
	int rc;

	if ((rc = check_text(p, v, key, item, REQUIRED)) != PX_OK)
		return rc;
	if (json_string_length(v) != HASH_HEX)
		return bad(p, "%s must be a SHA-256 in %d hex digits",
			   label(p, key, item), HASH_HEX);
	if (!(b = arena_alloc(p->ev, PX_HASH_LEN)))
		return PX_ENOMEM;
	if (px_hex_decode(b, PX_HASH_LEN, json_string_value(v)) != PX_OK)
		return bad(p, "%s must be a SHA-256 in %d hex digits",
			   label(p, key, item), HASH_HEX);
	out->data = b;
	out->len = PX_HASH_LEN;
	return PX_OK;
}

static int
get_hash(struct parse *p, ProtobufCBinaryData *out, const json_t *obj,
	 const char *key)
{
	const json_t *v = member(obj, key);

	if (!v)
		return PX_OK;
	return hash_of(p, out, v, key, 0);
}

/* An Ed25519 public key in standard base64 into 32 arena bytes. */
static int
get_key(struct parse *p, ProtobufCBinaryData *out, const json_t *obj,
	enum need need)
{
	const json_t *v = member(obj, "public_key");
	struct px_pubkey key;
	int rc;

	if (!v) {
		if (need == REQUIRED)
			return bad(p, "field 'public_key' is missing");
		return PX_OK;
	}
	if ((rc = check_text(p, v, "public_key", 0, REQUIRED)) != PX_OK)
		return rc;
	if (px_pubkey_from_base64(&key, json_string_value(v)) != PX_OK)
		return bad(p, "field 'public_key' must be a 32-byte Ed25519 "
			      "key in standard base64");
	if (!(out->data = arena_alloc(p->ev, PX_PUBKEY_LEN)))
		return PX_ENOMEM;
	memcpy(out->data, key.b, PX_PUBKEY_LEN);
	out->len = PX_PUBKEY_LEN;
	return PX_OK;
}

/* An array member of at most LINES_MAX items; an absent optional one is
 * NULL. */
static int
get_array(struct parse *p, const json_t **out, const json_t *obj,
	  const char *key, enum need need)
{
	const json_t *v = member(obj, key);

	*out = NULL;
	if (!v) {
		if (need == REQUIRED)
			return bad(p, "%s is missing", label(p, key, 0));
		return PX_OK;
	}
	if (!json_is_array(v))
		return bad(p, "%s must be an array", label(p, key, 0));
	if (json_array_size(v) > LINES_MAX)
		return bad(p, "%s has %zu items; at most %d", label(p, key, 0),
			   json_array_size(v), LINES_MAX);
	if (need == REQUIRED && json_array_size(v) == 0)
		return bad(p, "%s must not be empty", label(p, key, 0));
	*out = v;
	return PX_OK;
}

/* Item i of an array of line objects, or NULL when it is not an object;
 * messages about it from now on say "output 2: ". */
static const json_t *
line_at(struct parse *p, const json_t *arr, size_t i, const char *line)
{
	const json_t *item = json_array_get(arr, i);

	if (!json_is_object(item)) {
		set_where(p, NULL, 0);
		return NULL;
	}
	set_where(p, line, i + 1);
	return item;
}

static const char *const line_fields[] = { "lot", "kg", NULL };

/* "lots": [{"lot", "kg"}, ...], line by line. */
static int
get_lot_masses(struct parse *p, Paxta__LotMass ***out, size_t *n_out,
	       const json_t *obj, const char *key, const char *line)
{
	const json_t *arr;
	Paxta__LotMass **lines = NULL;
	size_t n;
	int rc;

	if ((rc = get_array(p, &arr, obj, key, REQUIRED)) != PX_OK)
		return rc;
	n = json_array_size(arr);
	if (n && !(lines = arena_alloc(p->ev, n * sizeof(*lines))))
		return PX_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *item = line_at(p, arr, i, line);

		if (!item)
			return bad(p, "%s must be an object",
				   label(p, key, i + 1));
		if ((rc = known_fields(p, item, line_fields, NULL)) != PX_OK)
			return rc;
		if (!(lines[i] = arena_alloc(p->ev, sizeof(*lines[i]))))
			return PX_ENOMEM;
		paxta__lot_mass__init(lines[i]);
		if ((rc = get_id(p, &lines[i]->lot, item, "lot", REQUIRED)) !=
			    PX_OK ||
		    (rc = get_kg(p, &lines[i]->grams, item)) != PX_OK)
			return rc;
	}
	set_where(p, NULL, 0);
	*out = lines;
	*n_out = n;
	return PX_OK;
}

static const char *const document_types[] = {
	"invoice",        "purchase_order",
	"contract",       "packing_list",
	"bill_of_lading", "cmr",
	"waybill",        "weighbridge_ticket",
	"hvi_report",     "certificate",
	"lab_report",     "remediation_plan",
	"other",          NULL,
};

/* One document object: {"type", "number", "date", "issuer", "sha256",
 * "uri"} (DESIGN.md §6.1), item i of "documents". */
static int
get_document(struct parse *p, Paxta__Document **out, const json_t *arr,
	     size_t i)
{
	static const char *const fields[] = {
		"type", "number", "date", "issuer", "sha256", "uri", NULL,
	};
	const json_t *item = line_at(p, arr, i, "document");
	Paxta__Document *d;
	const char *type = NULL;
	char all[200];
	size_t t;
	int rc, given;

	if (!item)
		return bad(p, "%s must be an object",
			   label(p, "documents", i + 1));
	if (!(d = *out = arena_alloc(p->ev, sizeof(*d))))
		return PX_ENOMEM;
	paxta__document__init(d);
	if ((rc = known_fields(p, item, fields, NULL)) != PX_OK ||
	    (rc = get_name(p, &type, item, "type")) != PX_OK)
		return rc;
	for (t = 0; document_types[t]; t++)
		if (strcmp(document_types[t], type) == 0)
			break;
	if (!document_types[t]) {
		join_names(all, sizeof(all), document_types);
		return bad(p, "unknown document type '%s'; types are %s",
			   quote(p, type), all);
	}
	d->type = (char *)document_types[t];
	if ((rc = get_string(p, &d->number, item, "number", OPTIONAL)) !=
		    PX_OK ||
	    (rc = get_time(p, &d->date, &given, item, "date")) != PX_OK ||
	    (rc = get_string(p, &d->issuer, item, "issuer", OPTIONAL)) !=
		    PX_OK ||
	    (rc = get_hash(p, &d->sha256, item, "sha256")) != PX_OK ||
	    (rc = get_string(p, &d->uri, item, "uri", OPTIONAL)) != PX_OK)
		return rc;
	if (!d->number[0] && !d->sha256.len && !d->uri[0])
		return bad(p, "a document needs a number, a sha256 or a uri");
	set_where(p, NULL, 0);
	return PX_OK;
}

/* "documents": a list of document objects, the same on every kind that
 * carries them; absent is none. */
static int
get_documents(struct parse *p, Paxta__Document ***out, size_t *n_out,
	      const json_t *event)
{
	const json_t *arr;
	Paxta__Document **docs = NULL;
	size_t n;
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = get_array(p, &arr, event, "documents", OPTIONAL)) != PX_OK ||
	    !arr)
		return rc;
	n = json_array_size(arr);
	if (n > 64)
		return bad(p, "field 'documents' has %zu items; at most 64", n);
	if (n && !(docs = arena_alloc(p->ev, n * sizeof(*docs))))
		return PX_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((rc = get_document(p, &docs[i], arr, i)) != PX_OK)
			return rc;
	*out = docs;
	*n_out = n;
	return PX_OK;
}

/* ---- kinds ---- */

static const char *const subject_fields[] = {
	"id",  "name", "roles",   "region",     "district",
	"lat", "lon",  "area_ha", "public_key", NULL,
};

/* "subject": {"id", "name", "roles", "region", "district", "lat", "lon",
 * "area_ha", "public_key"} of register_actor / update_actor. */
static int
get_actor(struct parse *p, Paxta__Actor **out, const json_t *event,
	  enum need key_need)
{
	const json_t *s = member(event, "subject"), *roles, *lat, *lon, *area;
	Paxta__Actor *a;
	int rc;

	if (!s)
		return bad(p, "field 'subject' is missing");
	if (!json_is_object(s))
		return bad(p, "field 'subject' must be an object");
	if (!(a = arena_alloc(p->ev, sizeof(*a))))
		return PX_ENOMEM;
	paxta__actor__init(a);
	p->where = "subject: ";
	if ((rc = known_fields(p, s, subject_fields, NULL)) != PX_OK)
		return rc;
	if ((rc = get_id(p, &a->id, s, "id", REQUIRED)) != PX_OK ||
	    (rc = get_string(p, &a->name, s, "name", REQUIRED)) != PX_OK ||
	    (rc = get_id(p, &a->region, s, "region", OPTIONAL)) != PX_OK ||
	    (rc = get_id(p, &a->district, s, "district", OPTIONAL)) != PX_OK ||
	    (rc = get_array(p, &roles, s, "roles", REQUIRED)) != PX_OK)
		return rc;
	a->n_roles = json_array_size(roles);
	if (!(a->roles = arena_alloc(p->ev, a->n_roles * sizeof(*a->roles))))
		return PX_ENOMEM;
	for (size_t i = 0; i < a->n_roles; i++) {
		const json_t *v = json_array_get(roles, i);

		if ((rc = check_text(p, v, "roles", i + 1, REQUIRED)) != PX_OK)
			return rc;
		if (px_role_from_name(&a->roles[i], json_string_value(v)) !=
		    PX_OK)
			return bad(p,
				   "unknown role '%s' in field 'roles'; "
				   "roles are %s",
				   quote(p, json_string_value(v)),
				   enum_names(p, role_at, 1));
	}
	lat = member(s, "lat");
	lon = member(s, "lon");
	if (lat || lon) {
		if (!json_is_number(lat) || fabs(json_number_value(lat)) > 90)
			return bad(p, "field 'lat' must be a number from -90 "
				      "to 90, given with 'lon'");
		if (!json_is_number(lon) || fabs(json_number_value(lon)) > 180)
			return bad(p, "field 'lon' must be a number from -180 "
				      "to 180, given with 'lat'");
		a->has_coords = 1;
		a->lat = json_number_value(lat);
		a->lon = json_number_value(lon);
	}
	if ((area = member(s, "area_ha"))) {
		/* Hectares with at most 4 decimals: whole m². */
		double m2 = json_is_number(area) ? json_number_value(area) * 1e4
						 : -1;

		if (!(m2 >= 0 && m2 <= 16e10) || fabs(m2 - round(m2)) > 1e-6)
			return bad(p, "field 'area_ha' must be a number of "
				      "hectares from 0 to 16000000, at most "
				      "4 decimals");
		a->area_m2 = (uint64_t)llround(m2);
	}
	/* update_actor never changes the key (rotate_key does): ignored. */
	if (key_need == REQUIRED &&
	    (rc = get_key(p, &a->public_key, s, REQUIRED)) != PX_OK)
		return rc;
	p->where = "";
	*out = a;
	return PX_OK;
}

static int
parse_register(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__RegisterActor *b = arena_alloc(p->ev, sizeof(*b));

	if (!b)
		return PX_ENOMEM;
	paxta__register_actor__init(b);
	e->register_actor = b;
	return get_actor(p, &b->subject, event, REQUIRED);
}

static int
parse_update(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__UpdateActor *b = arena_alloc(p->ev, sizeof(*b));

	if (!b)
		return PX_ENOMEM;
	paxta__update_actor__init(b);
	e->update_actor = b;
	return get_actor(p, &b->subject, event, OPTIONAL);
}

static int
parse_revoke(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__RevokeActor *b = arena_alloc(p->ev, sizeof(*b));
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__revoke_actor__init(b);
	e->revoke_actor = b;
	if ((rc = get_string(p, &b->subject, event, "subject", REQUIRED)) !=
	    PX_OK)
		return rc;
	return get_string(p, &b->reason, event, "reason", OPTIONAL);
}

static int
parse_rotate(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__RotateKey *b = arena_alloc(p->ev, sizeof(*b));
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__rotate_key__init(b);
	e->rotate_key = b;
	if ((rc = get_key(p, &b->public_key, event, REQUIRED)) != PX_OK ||
	    (rc = get_string(p, &b->subject, event, "subject", OPTIONAL)) !=
		    PX_OK)
		return rc;
	/* An actor rotating its own key need not name itself (§3.1). */
	if (!b->subject[0])
		b->subject = e->actor;
	return PX_OK;
}

static int
parse_harvest(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Harvest *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *method;
	int rc, given;

	if (!b)
		return PX_ENOMEM;
	paxta__harvest__init(b);
	e->harvest = b;
	if ((rc = get_id(p, &b->lot, event, "lot", REQUIRED)) != PX_OK ||
	    (rc = get_kg(p, &b->grams, event)) != PX_OK ||
	    (rc = get_season(p, &b->season, event)) != PX_OK ||
	    (rc = get_id(p, &b->district, event, "district", REQUIRED)) !=
		    PX_OK ||
	    (rc = get_string(p, &b->field, event, "field", OPTIONAL)) !=
		    PX_OK ||
	    (rc = get_time(p, &b->harvested_at, &given, event,
			   "harvested_at")) != PX_OK ||
	    (rc = get_documents(p, &b->documents, &b->n_documents, event)) !=
		    PX_OK)
		return rc;
	/* A harvest's event time is its harvested_at (DESIGN.md §6.1): one
	 * may stand for the other; both must name the same instant. */
	if (p->ev->has_event_time && !given)
		b->harvested_at = p->ev->event_time;
	else if (p->ev->has_event_time && b->harvested_at != p->ev->event_time)
		return bad(p, "field 'harvested_at' and field 'event_time' "
			      "name different times");
	if (!(method = member(event, "method")))
		return PX_OK;
	if ((rc = check_text(p, method, "method", 0, REQUIRED)) != PX_OK)
		return rc;
	/* names.c spells methods but has no reverse: look it up here. */
	for (int m = PAXTA__METHOD__METHOD_HAND;
	     m <= PAXTA__METHOD__METHOD_MACHINE; m++) {
		if (strcmp(px_method_name((Paxta__Method)m),
			   json_string_value(method)) == 0) {
			b->method = (Paxta__Method)m;
			return PX_OK;
		}
	}
	return bad(p, "unknown method '%s'; methods are %s",
		   quote(p, json_string_value(method)),
		   enum_names(p, method_at, 1));
}

static const char *const output_fields[] = { "lot", "kg", "product", NULL };

static int
parse_transform(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Transform *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *outputs;
	const char *name = NULL;
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__transform__init(b);
	e->transform = b;
	if ((rc = get_name(p, &name, event, "process")) != PX_OK)
		return rc;
	if (px_process_from_name(&b->process, name) != PX_OK)
		return bad(p, "unknown process '%s'; processes are %s",
			   quote(p, name), enum_names(p, process_at, 1));
	if ((rc = get_lot_masses(p, &b->inputs, &b->n_inputs, event, "inputs",
				 "input")) != PX_OK ||
	    (rc = get_array(p, &outputs, event, "outputs", REQUIRED)) != PX_OK)
		return rc;
	b->n_outputs = json_array_size(outputs);
	if (!(b->outputs =
		      arena_alloc(p->ev, b->n_outputs * sizeof(*b->outputs))))
		return PX_ENOMEM;
	for (size_t i = 0; i < b->n_outputs; i++) {
		const json_t *item = line_at(p, outputs, i, "output");
		Paxta__Output *o;

		if (!item)
			return bad(p, "%s must be an object",
				   label(p, "outputs", i + 1));
		if (!(o = b->outputs[i] = arena_alloc(p->ev, sizeof(*o))))
			return PX_ENOMEM;
		paxta__output__init(o);
		if ((rc = known_fields(p, item, output_fields, NULL)) != PX_OK)
			return rc;
		if ((rc = get_id(p, &o->lot, item, "lot", REQUIRED)) != PX_OK ||
		    (rc = get_kg(p, &o->grams, item)) != PX_OK ||
		    (rc = get_name(p, &name, item, "product")) != PX_OK)
			return rc;
		if (px_product_from_name(&o->product, name) != PX_OK)
			return bad(p, "unknown product '%s'; products are %s",
				   quote(p, name),
				   enum_names(p, product_at, 1));
	}
	set_where(p, NULL, 0);
	return get_documents(p, &b->documents, &b->n_documents, event);
}

static int
parse_transfer(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Transfer *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *documents;
	size_t n;
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__transfer__init(b);
	e->transfer = b;
	if ((rc = get_id(p, &b->to, event, "to", REQUIRED)) != PX_OK ||
	    (rc = get_id(p, &b->shipment, event, "shipment", REQUIRED)) !=
		    PX_OK ||
	    (rc = get_lot_masses(p, &b->lots, &b->n_lots, event, "lots",
				 "lot")) != PX_OK ||
	    (rc = get_array(p, &documents, event, "documents", OPTIONAL)) !=
		    PX_OK)
		return rc;
	/* Items are document objects, or (the older form, still valid) bare
	 * SHA-256 values of the papers: each goes to its own list. */
	n = json_array_size(documents);
	if (n > 64)
		return bad(p, "field 'documents' has %zu items; at most 64", n);
	if (n &&
	    (!(b->documents = arena_alloc(p->ev, n * sizeof(*b->documents))) ||
	     !(b->papers = arena_alloc(p->ev, n * sizeof(*b->papers)))))
		return PX_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(documents, i);

		if (json_is_string(item))
			rc = hash_of(p, &b->documents[b->n_documents++], item,
				     "documents", i + 1);
		else
			rc = get_document(p, &b->papers[b->n_papers++],
					  documents, i);
		if (rc != PX_OK)
			return rc;
	}
	return PX_OK;
}

static int
parse_receive(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Receive *b = arena_alloc(p->ev, sizeof(*b));
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__receive__init(b);
	e->receive = b;
	if ((rc = get_id(p, &b->shipment, event, "shipment", REQUIRED)) !=
	    PX_OK)
		return rc;
	if ((rc = get_lot_masses(p, &b->lots, &b->n_lots, event, "lots",
				 "lot")) != PX_OK)
		return rc;
	return get_documents(p, &b->documents, &b->n_documents, event);
}

static int
parse_lab_result(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__LabResult *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *matches, *share;
	int rc, given;

	if (!b)
		return PX_ENOMEM;
	paxta__lab_result__init(b);
	e->lab_result = b;
	if ((rc = get_id(p, &b->lot, event, "lot", REQUIRED)) != PX_OK)
		return rc;
	if (!(matches = member(event, "matches")))
		return bad(p, "field 'matches' is missing");
	if (!json_is_boolean(matches))
		return bad(p, "field 'matches' must be true or false");
	b->matches = json_is_true(matches);
	if ((rc = get_string(p, &b->claimed_region, event, "claimed_region",
			     OPTIONAL)) != PX_OK ||
	    (rc = get_string(p, &b->matched_region, event, "matched_region",
			     OPTIONAL)) != PX_OK ||
	    (rc = get_string(p, &b->method, event, "method", OPTIONAL)) !=
		    PX_OK ||
	    (rc = get_time(p, &b->tested_at, &given, event, "tested_at")) !=
		    PX_OK ||
	    (rc = get_documents(p, &b->documents, &b->n_documents, event)) !=
		    PX_OK)
		return rc;
	/* The share of the lot's mass that does not match its claimed
	 * origin; a mismatch without one is the whole lot (§6.1's example). */
	if ((share = member(event, "share"))) {
		double f =
			json_is_number(share) ? json_number_value(share) : -1;

		if (!(f >= 0 && f <= 1))
			return bad(p, "field 'share' must be a number from 0 "
				      "to 1");
		b->share_ppm = (uint32_t)llround(f * 1e6);
	} else if (!b->matches) {
		b->share_ppm = 1000000;
	}
	return get_hash(p, &b->report_sha256, event, "report_sha256");
}

static int
parse_attest(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Attest *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *indicators;
	const char *name = NULL;
	int rc, given;

	if (!b)
		return PX_ENOMEM;
	paxta__attest__init(b);
	e->attest = b;
	if ((rc = get_string(p, &b->subject, event, "subject", REQUIRED)) !=
		    PX_OK ||
	    (rc = get_season(p, &b->season, event)) != PX_OK ||
	    (rc = get_name(p, &name, event, "status")) != PX_OK)
		return rc;
	if (px_status_from_name(&b->status, name) != PX_OK)
		return bad(p, "unknown status '%s'; statuses are %s",
			   quote(p, name), enum_names(p, status_at, 1));
	if ((rc = get_array(p, &indicators, event, "indicators", OPTIONAL)) !=
	    PX_OK)
		return rc;
	b->n_indicators = json_array_size(indicators);
	if (b->n_indicators &&
	    !(b->indicators = arena_alloc(
		      p->ev, b->n_indicators * sizeof(*b->indicators))))
		return PX_ENOMEM;
	for (size_t i = 0; i < b->n_indicators; i++) {
		const json_t *v = json_array_get(indicators, i);

		if ((rc = check_text(p, v, "indicators", i + 1, REQUIRED)) !=
			    PX_OK ||
		    (rc = copy_text(p, &b->indicators[i], v)) != PX_OK)
			return rc;
	}
	if ((rc = get_string(p, &b->report_uri, event, "report_uri",
			     OPTIONAL)) != PX_OK ||
	    (rc = get_documents(p, &b->documents, &b->n_documents, event)) !=
		    PX_OK ||
	    (rc = get_time(p, &b->from, &given, event, "from")) != PX_OK ||
	    (rc = get_time(p, &b->until, &given, event, "until")) != PX_OK)
		return rc;
	return get_hash(p, &b->report_sha256, event, "report_sha256");
}

static int
parse_void(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Void *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *target;

	if (!b)
		return PX_ENOMEM;
	paxta__void__init(b);
	e->void_ = b;
	if (!(target = member(event, "entry")))
		return bad(p, "field 'entry' is missing");
	if (json_is_integer(target) && json_integer_value(target) >= 0) {
		b->index = (uint64_t)json_integer_value(target);
	} else if (json_is_string(target) &&
		   json_string_length(target) == HASH_HEX &&
		   px_hex_decode(p->ev->void_hash.b, PX_HASH_LEN,
				 json_string_value(target)) == PX_OK) {
		/* the caller looks the index up in its ledger */
		p->ev->void_by_hash = 1;
	} else {
		return bad(p,
			   "field 'entry' must be an entry index or a leaf "
			   "hash in %d hex digits",
			   HASH_HEX);
	}
	return get_string(p, &b->reason, event, "reason", OPTIONAL);
}

static int
parse_suspend(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__Suspend *b = arena_alloc(p->ev, sizeof(*b));
	json_int_t from = 0;
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__suspend__init(b);
	e->suspend = b;
	if ((rc = get_string(p, &b->subject, event, "subject", REQUIRED)) !=
		    PX_OK ||
	    (rc = get_integer(p, &from, event, "from", 1, INT64_MAX,
			      REQUIRED)) != PX_OK)
		return rc;
	b->from = (uint64_t)from;
	return get_string(p, &b->reason, event, "reason", REQUIRED);
}

/*
 * "event_time": when the event happened, an RFC 3339 date-time with its UTC
 * offset, kept as given (a clerk in Tashkent reads back "+05:00").
 */
static int
get_event_time(struct parse *p, Paxta__Entry *e, const json_t *event)
{
	const json_t *v = member(event, "event_time");
	int rc;

	if (!v)
		return PX_OK;
	if ((rc = check_text(p, v, "event_time", 0, REQUIRED)) != PX_OK)
		return rc;
	if (json_string_length(v) > 64 || !strchr(json_string_value(v), 'T') ||
	    px_parse_time(&p->ev->event_time, json_string_value(v)) != PX_OK)
		return bad(p,
			   "field 'event_time' must be an RFC 3339 date-time "
			   "with its UTC offset (2026-10-15T08:10:00+05:00), "
			   "not '%s'",
			   quote(p, json_string_value(v)));
	p->ev->has_event_time = 1;
	return copy_text(p, &e->event_time, v);
}

/* "code" and "name" of a region or district. */
static int
get_place(struct parse *p, char **code, char **name, const json_t *obj)
{
	int rc = get_string(p, code, obj, "code", REQUIRED);

	return rc != PX_OK ? rc : get_string(p, name, obj, "name", REQUIRED);
}

/* A region's fields; a district's are the same without "districts". */
static const char *const region_fields[] = { "districts", "code", "name",
					     NULL };

static int
parse_publish(struct parse *p, const json_t *event, Paxta__Entry *e)
{
	Paxta__PublishDistricts *b = arena_alloc(p->ev, sizeof(*b));
	const json_t *regions;
	int rc;

	if (!b)
		return PX_ENOMEM;
	paxta__publish_districts__init(b);
	e->publish_districts = b;
	if ((rc = get_string(p, &b->country, event, "country", REQUIRED)) !=
		    PX_OK ||
	    (rc = get_array(p, &regions, event, "regions", REQUIRED)) != PX_OK)
		return rc;
	b->n_regions = json_array_size(regions);
	if (!(b->regions =
		      arena_alloc(p->ev, b->n_regions * sizeof(*b->regions))))
		return PX_ENOMEM;
	for (size_t i = 0; i < b->n_regions; i++) {
		const json_t *item = line_at(p, regions, i, "region");
		const json_t *districts;
		Paxta__Region *rg;

		if (!item)
			return bad(p, "%s must be an object",
				   label(p, "regions", i + 1));
		if (!(rg = b->regions[i] = arena_alloc(p->ev, sizeof(*rg))))
			return PX_ENOMEM;
		paxta__region__init(rg);
		if ((rc = known_fields(p, item, region_fields, NULL)) != PX_OK)
			return rc;
		if ((rc = get_place(p, &rg->code, &rg->name, item)) != PX_OK ||
		    (rc = get_array(p, &districts, item, "districts",
				    OPTIONAL)) != PX_OK)
			return rc;
		rg->n_districts = json_array_size(districts);
		if (rg->n_districts &&
		    !(rg->districts = arena_alloc(
			      p->ev, rg->n_districts * sizeof(*rg->districts))))
			return PX_ENOMEM;
		for (size_t k = 0; k < rg->n_districts; k++) {
			const json_t *d = json_array_get(districts, k);
			Paxta__District *dd;

			if (!json_is_object(d))
				return bad(p, "%s must be an object",
					   label(p, "districts", k + 1));
			if (!(dd = rg->districts[k] =
				      arena_alloc(p->ev, sizeof(*dd))))
				return PX_ENOMEM;
			paxta__district__init(dd);
			if ((rc = known_fields(p, d, region_fields + 1,
					       NULL)) != PX_OK)
				return rc;
			if ((rc = get_place(p, &dd->code, &dd->name, d)) !=
			    PX_OK)
				return rc;
		}
	}
	set_where(p, NULL, 0);
	return PX_OK;
}

/*
 * Each kind's own fields, beside the common ones. "seq" and "prev" are a
 * logged entry's (px_event_from_entry adds them): accepted so a logged
 * event reads back, and ignored, since the submitter numbers its entries.
 */
static const char *const common_fields[] = {
	"kind", "actor", "time", "event_time", "event_id", "seq", "prev", NULL,
};
static const char *const register_fields[] = { "subject", NULL };
static const char *const revoke_fields[] = { "subject", "reason", NULL };
static const char *const rotate_fields[] = { "public_key", "subject", NULL };
static const char *const harvest_fields[] = {
	"lot",          "kg",     "season",    "district", "field",
	"harvested_at", "method", "documents", NULL,
};
static const char *const transform_fields[] = {
	"process", "inputs", "outputs", "documents", NULL,
};
static const char *const transfer_fields[] = { "to", "shipment", "lots",
					       "documents", NULL };
static const char *const receive_fields[] = {
	"shipment",
	"lots",
	"documents",
	NULL,
};
static const char *const lab_result_fields[] = {
	"lot",       "matches",   "claimed_region", "matched_region", "method",
	"tested_at", "documents", "share",          "report_sha256",  NULL,
};
static const char *const attest_fields[] = {
	"subject",   "season", "status", "indicators",    "report_uri",
	"documents", "from",   "until",  "report_sha256", NULL,
};
static const char *const void_fields[] = { "entry", "reason", NULL };
static const char *const suspend_fields[] = { "subject", "from", "reason",
					      NULL };
static const char *const publish_fields[] = { "country", "regions", NULL };

static const struct kind {
	const char *name;
	Paxta__Entry__BodyCase body;
	int (*parse)(struct parse *p, const json_t *event, Paxta__Entry *e);
	const char *const *fields;
} kinds[] = {
	{ "register_actor", PAXTA__ENTRY__BODY_REGISTER_ACTOR, parse_register,
	  register_fields },
	{ "update_actor", PAXTA__ENTRY__BODY_UPDATE_ACTOR, parse_update,
	  register_fields },
	{ "revoke_actor", PAXTA__ENTRY__BODY_REVOKE_ACTOR, parse_revoke,
	  revoke_fields },
	{ "rotate_key", PAXTA__ENTRY__BODY_ROTATE_KEY, parse_rotate,
	  rotate_fields },
	{ "harvest", PAXTA__ENTRY__BODY_HARVEST, parse_harvest,
	  harvest_fields },
	{ "transform", PAXTA__ENTRY__BODY_TRANSFORM, parse_transform,
	  transform_fields },
	{ "transfer", PAXTA__ENTRY__BODY_TRANSFER, parse_transfer,
	  transfer_fields },
	{ "receive", PAXTA__ENTRY__BODY_RECEIVE, parse_receive,
	  receive_fields },
	{ "lab_result", PAXTA__ENTRY__BODY_LAB_RESULT, parse_lab_result,
	  lab_result_fields },
	{ "attest", PAXTA__ENTRY__BODY_ATTEST, parse_attest, attest_fields },
	{ "void", PAXTA__ENTRY__BODY_VOID, parse_void, void_fields },
	{ "suspend", PAXTA__ENTRY__BODY_SUSPEND, parse_suspend,
	  suspend_fields },
	{ "publish_districts", PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS,
	  parse_publish, publish_fields },
};

#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/*
 * An event's id from its content (DESIGN.md §6.1 "event_id"): the SHA-256
 * in hex of the Entry packed without what numbering and signing add (seq,
 * prev, time). The same event signed again has the same id.
 */
static int
derive_event_id(struct px_event *ev, Paxta__Entry *e)
{
	int64_t time = e->time;
	uint64_t seq = e->seq;
	ProtobufCBinaryData prev = e->prev;
	struct px_hash h;
	uint8_t *buf;
	char *hex;
	size_t n;
	int rc;

	e->time = 0;
	e->seq = 0;
	e->prev.data = NULL;
	e->prev.len = 0;
	n = protobuf_c_message_get_packed_size(&e->base);
	if ((buf = malloc(n ? n : 1))) {
		protobuf_c_message_pack(&e->base, buf);
		rc = px_sha256(&h, buf, n);
		free(buf);
	} else {
		rc = PX_ENOMEM;
	}
	e->time = time;
	e->seq = seq;
	e->prev = prev;
	if (rc != PX_OK)
		return rc;
	if (!(hex = arena_alloc(ev, 2 * PX_HASH_LEN + 1)))
		return PX_ENOMEM;
	px_hex_encode(hex, h.b, PX_HASH_LEN);
	e->event_id = hex;
	return PX_OK;
}

int
px_event_parse(struct px_event **out, const json_t *event, struct px_refusal *r)
{
	struct parse p = { .r = r, .where = "" };
	const struct kind *kind = NULL;
	const char *names[N_KINDS + 1];
	const json_t *v;
	Paxta__Entry *e;
	int rc;

	*out = NULL;
	if (!json_is_object(event))
		return bad(&p, "an event must be a JSON object");
	if (!(v = member(event, "kind")))
		return bad(&p, "field 'kind' is missing");
	if ((rc = check_text(&p, v, "kind", 0, REQUIRED)) != PX_OK)
		return rc;
	for (size_t i = 0; i < N_KINDS; i++) {
		if (strcmp(kinds[i].name, json_string_value(v)) == 0)
			kind = &kinds[i];
		names[i] = kinds[i].name;
	}
	names[N_KINDS] = NULL;
	if (!kind) {
		join_names(p.enum_text, sizeof(p.enum_text), names);
		return bad(&p, "unknown kind '%s'; kinds are %s",
			   quote(&p, json_string_value(v)), p.enum_text);
	}
	p.kind = kind->name;
	/* Before the kind's own fields: 'lto' is better named as a typo of
	 * 'lot' than reported as a missing 'lot'. */
	if ((rc = known_fields(&p, event, common_fields, kind->fields)) !=
	    PX_OK)
		return rc;

	if (!(p.ev = calloc(1, sizeof(*p.ev))))
		return PX_ENOMEM;
	if (!(e = arena_alloc(p.ev, sizeof(*e)))) {
		rc = PX_ENOMEM;
		goto out;
	}
	paxta__entry__init(e);
	p.ev->entry = e;
	e->body_case = kind->body;
	if ((rc = get_id(&p, &e->actor, event, "actor", REQUIRED)) != PX_OK ||
	    (rc = get_time(&p, &e->time, &p.ev->has_time, event, "time")) !=
		    PX_OK ||
	    (rc = get_event_time(&p, e, event)) != PX_OK ||
	    (rc = get_id(&p, &e->event_id, event, "event_id", OPTIONAL)) !=
		    PX_OK ||
	    (rc = kind->parse(&p, event, e)) != PX_OK)
		goto out;
	if (!e->event_id[0])
		rc = derive_event_id(p.ev, e);
out:
	if (rc != PX_OK) {
		px_event_free(p.ev);
		return rc;
	}
	*out = p.ev;
	return PX_OK;
}

int
px_event_parse_text(struct px_event **out, const char *text, size_t len,
		    struct px_refusal *r)
{
	json_error_t error;
	json_t *event;
	int rc;

	*out = NULL;
	/* Capped before parsing: jansson never sees a large input. */
	if (len > PX_EVENT_MAX) {
		px_refuse(r, PX_CODE_TOO_LARGE,
			  "an event is %zu bytes; at most %d", len,
			  PX_EVENT_MAX);
		return PX_ETOOLARGE;
	}
	if (!text)
		text = "";
	/* A UTF-8 byte order mark, as some editors save: not JSON, skipped. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	event = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
	if (!event) {
		px_refuse(r, PX_CODE_MALFORMED,
			  "an event must be JSON: %s at line %d column %d",
			  error.text, error.line, error.column);
		return PX_EMALFORMED;
	}
	rc = px_event_parse(out, event, r);
	json_decref(event);
	return rc;
}

/* ---- entries as JSON ---- */

/* json_object_set_new steals value, a NULL one too, and then fails. */
static void
put(int *ok, json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, value) != 0)
		*ok = 0;
}

/* Strings of a logged entry: px_json_text shows bytes that are not UTF-8
 * as U+FFFD (the leaf's exact bytes are what counts, and they are served
 * beside). */
static void
put_text(int *ok, json_t *obj, const char *key, const char *s)
{
	put(ok, obj, key, px_json_text(s));
}

/* Optional strings: absent when empty, as proto3 has them. */
static void
put_opt_text(int *ok, json_t *obj, const char *key, const char *s)
{
	if (s && s[0])
		put(ok, obj, key, px_json_text(s));
}

static json_t *
u64_value(uint64_t v)
{
	/* Beyond json_int_t only in entries no ledger accepts. */
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

/* kg: an integer when whole, else a real that parses back exactly. */
static json_t *
kg_value(uint64_t grams)
{
	if (grams % 1000 == 0)
		return json_integer((json_int_t)(grams / 1000));
	return json_real((double)grams / 1000.0);
}

/* An enum by its name; a value this build has no name for, as a number. */
static json_t *
name_value(const char *name, int v)
{
	return name ? json_string(name) : json_integer(v);
}

static json_t *
hex_value(const ProtobufCBinaryData *b)
{
	json_t *v;
	char *hex;

	if (b->len > (SIZE_MAX - 1) / 2 || !(hex = malloc(2 * b->len + 1)))
		return NULL;
	px_hex_encode(hex, b->data, b->len);
	v = json_string(hex);
	free(hex);
	return v;
}

static void
put_hex(int *ok, json_t *obj, const char *key, const ProtobufCBinaryData *b)
{
	if (b->len)
		put(ok, obj, key, hex_value(b));
}

static json_t *
base64_value(const ProtobufCBinaryData *b)
{
	json_t *v;
	char *text = NULL;

	if (px_base64_encode(&text, b->data, b->len) != PX_OK)
		return NULL;
	v = json_string(text);
	free(text);
	return v;
}

static void
put_base64(int *ok, json_t *obj, const char *key, const ProtobufCBinaryData *b)
{
	if (b->len)
		put(ok, obj, key, base64_value(b));
}

/* json_array_append_new steals value like put, also when it fails. */
static void
append(int *ok, json_t *arr, json_t *value)
{
	if (!arr) {
		json_decref(value);
		*ok = 0;
	} else if (json_array_append_new(arr, value) != 0) {
		*ok = 0;
	}
}

static json_t *
lot_masses_value(Paxta__LotMass *const *lines, size_t n)
{
	json_t *arr = json_array();
	int ok = arr != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		json_t *line = json_object();

		if (line && lines[i]) {
			put_text(&ok, line, "lot", lines[i]->lot);
			put(&ok, line, "kg", kg_value(lines[i]->grams));
		}
		append(&ok, arr, line);
	}
	if (!ok) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *
actor_value(const Paxta__Actor *a)
{
	json_t *obj = json_object(), *roles = json_array();
	int ok = obj && roles;

	for (size_t i = 0; ok && i < a->n_roles; i++)
		append(&ok, roles,
		       name_value(px_role_name(a->roles[i]), a->roles[i]));
	if (ok) {
		put_text(&ok, obj, "id", a->id);
		put_text(&ok, obj, "name", a->name);
		put(&ok, obj, "roles", roles);
		roles = NULL;
		put_opt_text(&ok, obj, "region", a->region);
		put_opt_text(&ok, obj, "district", a->district);
		if (a->has_coords) {
			put(&ok, obj, "lat", json_real(a->lat));
			put(&ok, obj, "lon", json_real(a->lon));
		}
		if (a->area_m2)
			put(&ok, obj, "area_ha", json_real(a->area_m2 / 1e4));
		put_base64(&ok, obj, "public_key", &a->public_key);
	}
	json_decref(roles);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static void
put_genesis(int *ok, json_t *obj, const Paxta__Genesis *g)
{
	json_t *registrars = json_array();

	put(ok, obj, "format", json_integer(g->format));
	put_text(ok, obj, "origin", g->origin);
	put_base64(ok, obj, "node_key", &g->node_key);
	for (size_t i = 0; *ok && i < g->n_registrars; i++) {
		json_t *reg = json_object();

		if (reg && g->registrars[i]) {
			put_text(ok, reg, "id", g->registrars[i]->id);
			put_base64(ok, reg, "public_key",
				   &g->registrars[i]->public_key);
		}
		append(ok, registrars, reg);
	}
	put(ok, obj, "registrars", registrars);
	if (g->policy) {
		const Paxta__Policy *pol = g->policy;
		json_t *policy = json_object();

		/* yield caps as fractions, as §3.3 states them */
		if (policy) {
			put(ok, policy, "ginning",
			    json_real(pol->ginning_ppm / 1e6));
			put(ok, policy, "spinning",
			    json_real(pol->spinning_ppm / 1e6));
			put(ok, policy, "weaving",
			    json_real(pol->weaving_ppm / 1e6));
			put(ok, policy, "knitting",
			    json_real(pol->knitting_ppm / 1e6));
			put(ok, policy, "making",
			    json_real(pol->making_ppm / 1e6));
			put(ok, policy, "max_skew_s",
			    json_integer(pol->max_skew_s));
			if (pol->harvest_from || pol->harvest_until) {
				put(ok, policy, "harvest_from",
				    json_integer(pol->harvest_from));
				put(ok, policy, "harvest_until",
				    json_integer(pol->harvest_until));
			}
			if (pol->max_yield_kg_ha)
				put(ok, policy, "max_yield_kg_ha",
				    json_integer(pol->max_yield_kg_ha));
		}
		put(ok, obj, "policy", policy);
	}
}

static void put_documents(int *ok, json_t *obj,
			  const ProtobufCBinaryData *hashes, size_t n_hashes,
			  Paxta__Document *const *docs, size_t n);

static void
put_transform(int *ok, json_t *obj, const Paxta__Transform *t)
{
	json_t *outputs = json_array();

	put(ok, obj, "process",
	    name_value(px_process_name(t->process), t->process));
	put(ok, obj, "inputs", lot_masses_value(t->inputs, t->n_inputs));
	for (size_t i = 0; *ok && i < t->n_outputs; i++) {
		const Paxta__Output *o = t->outputs[i];
		json_t *line = json_object();

		if (line && o) {
			put_text(ok, line, "lot", o->lot);
			put(ok, line, "kg", kg_value(o->grams));
			put(ok, line, "product",
			    name_value(px_product_name(o->product),
				       o->product));
		}
		append(ok, outputs, line);
	}
	put(ok, obj, "outputs", outputs);
	put_documents(ok, obj, NULL, 0, t->documents, t->n_documents);
}

static void
put_transfer(int *ok, json_t *obj, const Paxta__Transfer *t)
{
	put_text(ok, obj, "to", t->to);
	put_text(ok, obj, "shipment", t->shipment);
	put(ok, obj, "lots", lot_masses_value(t->lots, t->n_lots));
	put_documents(ok, obj, t->documents, t->n_documents, t->papers,
		      t->n_papers);
}

/* "documents" as the parser reads them: a transfer's bare SHA-256 values
 * (hashes, n_hashes) first, then document objects; absent when none. */
static void
put_documents(int *ok, json_t *obj, const ProtobufCBinaryData *hashes,
	      size_t n_hashes, Paxta__Document *const *docs, size_t n)
{
	json_t *list;

	if (n == 0 && n_hashes == 0)
		return;
	list = json_array();
	for (size_t i = 0; *ok && i < n_hashes; i++)
		append(ok, list, hex_value(&hashes[i]));
	for (size_t i = 0; *ok && i < n; i++) {
		const Paxta__Document *d = docs[i];
		json_t *doc = json_object();

		if (doc && d) {
			put_text(ok, doc, "type", d->type);
			put_opt_text(ok, doc, "number", d->number);
			if (d->date) {
				char when[PX_TIME_TEXT];

				px_format_time(when, d->date);
				put_text(ok, doc, "date", when);
			}
			put_opt_text(ok, doc, "issuer", d->issuer);
			put_hex(ok, doc, "sha256", &d->sha256);
			put_opt_text(ok, doc, "uri", d->uri);
		}
		append(ok, list, doc);
	}
	put(ok, obj, "documents", list);
}

static void
put_attest(int *ok, json_t *obj, const Paxta__Attest *a)
{
	json_t *indicators = json_array();

	put_text(ok, obj, "subject", a->subject);
	put(ok, obj, "season", json_integer(a->season));
	put(ok, obj, "status",
	    name_value(px_status_name(a->status), a->status));
	for (size_t i = 0; *ok && i < a->n_indicators; i++)
		append(ok, indicators, px_json_text(a->indicators[i]));
	put(ok, obj, "indicators", indicators);
	put_opt_text(ok, obj, "report_uri", a->report_uri);
	put_hex(ok, obj, "report_sha256", &a->report_sha256);
	put_documents(ok, obj, NULL, 0, a->documents, a->n_documents);
	if (a->from) {
		char when[PX_TIME_TEXT];

		px_format_time(when, a->from);
		put_text(ok, obj, "from", when);
	}
	if (a->until) {
		char when[PX_TIME_TEXT];

		px_format_time(when, a->until);
		put_text(ok, obj, "until", when);
	}
}

static void
put_publish(int *ok, json_t *obj, const Paxta__PublishDistricts *pd)
{
	json_t *regions = json_array();

	put_text(ok, obj, "country", pd->country);
	for (size_t i = 0; *ok && i < pd->n_regions; i++) {
		const Paxta__Region *rg = pd->regions[i];
		json_t *region = json_object(), *districts = json_array();

		if (region && districts && rg) {
			put_text(ok, region, "code", rg->code);
			put_text(ok, region, "name", rg->name);
			for (size_t k = 0; *ok && k < rg->n_districts; k++) {
				json_t *d = json_object();

				if (d && rg->districts[k]) {
					put_text(ok, d, "code",
						 rg->districts[k]->code);
					put_text(ok, d, "name",
						 rg->districts[k]->name);
				}
				append(ok, districts, d);
			}
			put(ok, region, "districts", districts);
			districts = NULL;
		}
		json_decref(districts);
		append(ok, regions, region);
	}
	put(ok, obj, "regions", regions);
}

/* The body's fields, beside "kind" and the header. */
static void
put_body(int *ok, json_t *obj, const Paxta__Entry *e)
{
	switch (e->body_case) {
	case PAXTA__ENTRY__BODY_GENESIS:
		if (e->genesis)
			put_genesis(ok, obj, e->genesis);
		break;
	case PAXTA__ENTRY__BODY_REGISTER_ACTOR:
		if (e->register_actor && e->register_actor->subject)
			put(ok, obj, "subject",
			    actor_value(e->register_actor->subject));
		break;
	case PAXTA__ENTRY__BODY_UPDATE_ACTOR:
		if (e->update_actor && e->update_actor->subject)
			put(ok, obj, "subject",
			    actor_value(e->update_actor->subject));
		break;
	case PAXTA__ENTRY__BODY_REVOKE_ACTOR:
		if (!e->revoke_actor)
			break;
		put_text(ok, obj, "subject", e->revoke_actor->subject);
		put_opt_text(ok, obj, "reason", e->revoke_actor->reason);
		break;
	case PAXTA__ENTRY__BODY_ROTATE_KEY:
		if (!e->rotate_key)
			break;
		put_text(ok, obj, "subject", e->rotate_key->subject);
		put_base64(ok, obj, "public_key", &e->rotate_key->public_key);
		break;
	case PAXTA__ENTRY__BODY_HARVEST: {
		const Paxta__Harvest *h = e->harvest;

		if (!h)
			break;
		put_text(ok, obj, "lot", h->lot);
		put(ok, obj, "kg", kg_value(h->grams));
		put(ok, obj, "season", json_integer(h->season));
		put_text(ok, obj, "district", h->district);
		put_opt_text(ok, obj, "field", h->field);
		if (h->method != PAXTA__METHOD__METHOD_UNSPECIFIED)
			put(ok, obj, "method",
			    name_value(px_method_name(h->method), h->method));
		if (h->harvested_at != 0) {
			char when[PX_TIME_TEXT];

			px_format_time(when, h->harvested_at);
			put_text(ok, obj, "harvested_at", when);
		}
		put_documents(ok, obj, NULL, 0, h->documents, h->n_documents);
		break;
	}
	case PAXTA__ENTRY__BODY_TRANSFORM:
		if (e->transform)
			put_transform(ok, obj, e->transform);
		break;
	case PAXTA__ENTRY__BODY_TRANSFER:
		if (e->transfer)
			put_transfer(ok, obj, e->transfer);
		break;
	case PAXTA__ENTRY__BODY_RECEIVE:
		if (!e->receive)
			break;
		put_text(ok, obj, "shipment", e->receive->shipment);
		put(ok, obj, "lots",
		    lot_masses_value(e->receive->lots, e->receive->n_lots));
		put_documents(ok, obj, NULL, 0, e->receive->documents,
			      e->receive->n_documents);
		break;
	case PAXTA__ENTRY__BODY_LAB_RESULT: {
		const Paxta__LabResult *l = e->lab_result;

		if (!l)
			break;
		put_text(ok, obj, "lot", l->lot);
		put(ok, obj, "matches", json_boolean(l->matches));
		put_opt_text(ok, obj, "claimed_region", l->claimed_region);
		put_opt_text(ok, obj, "matched_region", l->matched_region);
		put_opt_text(ok, obj, "method", l->method);
		put_hex(ok, obj, "report_sha256", &l->report_sha256);
		if (l->share_ppm)
			put(ok, obj, "share", json_real(l->share_ppm / 1e6));
		if (l->tested_at) {
			char when[PX_TIME_TEXT];

			px_format_time(when, l->tested_at);
			put_text(ok, obj, "tested_at", when);
		}
		put_documents(ok, obj, NULL, 0, l->documents, l->n_documents);
		break;
	}
	case PAXTA__ENTRY__BODY_VOID:
		if (!e->void_)
			break;
		put(ok, obj, "entry", u64_value(e->void_->index));
		put_opt_text(ok, obj, "reason", e->void_->reason);
		break;
	case PAXTA__ENTRY__BODY_ATTEST:
		if (e->attest)
			put_attest(ok, obj, e->attest);
		break;
	case PAXTA__ENTRY__BODY_SUSPEND:
		if (!e->suspend)
			break;
		put_text(ok, obj, "subject", e->suspend->subject);
		put(ok, obj, "from", u64_value(e->suspend->from));
		put_text(ok, obj, "reason", e->suspend->reason);
		break;
	case PAXTA__ENTRY__BODY_PUBLISH_DISTRICTS:
		if (e->publish_districts)
			put_publish(ok, obj, e->publish_districts);
		break;
	case PAXTA__ENTRY__BODY_INDEX_ROOT:
		if (!e->index_root)
			break;
		put(ok, obj, "size", u64_value(e->index_root->size));
		put_hex(ok, obj, "root", &e->index_root->root);
		break;
	case PAXTA__ENTRY__BODY__NOT_SET:
	default:
		break;
	}
}

json_t *
px_event_from_entry(const Paxta__Entry *e)
{
	char when[PX_TIME_TEXT];
	json_t *obj = json_object();
	int ok = obj != NULL;

	if (!ok)
		return NULL;
	put_text(&ok, obj, "kind", px_entry_kind_name(e->body_case));
	put_text(&ok, obj, "actor", e->actor);
	put(&ok, obj, "seq", u64_value(e->seq));
	put_hex(&ok, obj, "prev", &e->prev);
	px_format_time(when, e->time);
	put_text(&ok, obj, "time", when);
	/* as given, its offset kept */
	put_opt_text(&ok, obj, "event_time", e->event_time);
	put_opt_text(&ok, obj, "event_id", e->event_id);
	put_body(&ok, obj, e);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
