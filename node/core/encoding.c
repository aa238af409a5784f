/* paxta — one UTF-8 validator, and strings checked once on decode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paxta/encoding.h"

/* Wire types: protobuf encoding, "Message Structure". */
enum wire_type {
	WIRE_VARINT = 0,
	WIRE_I64 = 1,
	WIRE_LEN = 2,
	WIRE_SGROUP = 3,
	WIRE_EGROUP = 4,
	WIRE_I32 = 5,
};

/* A varint is at most 10 bytes (64 bits, 7 per byte). */
#define VARINT_MAX 10

/* "a.b.c" for messages, capped; only for the refusal's sentence. */
#define PATH_MAX_LEN 160

bool
px_utf8_next(uint32_t *out, const uint8_t *s, size_t len, size_t *pos)
{
	size_t i = *pos;
	uint32_t c, min;
	size_t n;

	if (i >= len)
		return false;
	c = s[i];
	if (c < 0x80) {
		n = 0;
		min = 0;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return false; /* a continuation byte, 0xc0, 0xc1, 0xf5.. */
	}
	if (len - i - 1 < n)
		return false;
	for (size_t k = 1; k <= n; k++) {
		uint8_t b = s[i + k];

		if ((b & 0xc0) != 0x80)
			return false;
		c = c << 6 | (b & 0x3f);
	}
	/* RFC 3629 §3: overlong forms, surrogates, past U+10FFFF */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return false;
	*out = c;
	*pos = i + 1 + n;
	return true;
}

bool
px_utf8_valid(const uint8_t *s, size_t len)
{
	size_t pos = 0;
	uint32_t c;

	while (pos < len) {
		/* ASCII runs are the common case */
		if (s[pos] < 0x80) {
			pos++;
			continue;
		}
		if (!px_utf8_next(&c, s, len, &pos))
			return false;
	}
	return true;
}

size_t
px_utf8_sequence(const char *s)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t len = 0, pos = 0;
	uint32_t c;

	if (u[0] == 0)
		return 0;
	/* at most 4 bytes, and never past the NUL: a NUL is no
	 * continuation byte, so it ends every sequence it is inside */
	while (len < 4 && u[len])
		len++;
	if (!px_utf8_next(&c, u, len, &pos))
		return 0;
	return pos;
}

json_t *
px_json_text(const char *s)
{
	const char *in = s ? s : "";
	size_t len = strlen(in), o = 0, n;
	char *fixed;
	json_t *v;

	if (px_utf8_valid((const uint8_t *)in, len))
		return json_stringn(in, len);
	if (len > (SIZE_MAX - 1) / 3 || !(fixed = malloc(3 * len + 1)))
		return NULL;
	while (*in) {
		if ((n = px_utf8_sequence(in)) > 0) {
			memcpy(fixed + o, in, n);
			o += n;
			in += n;
		} else {
			memcpy(fixed + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			in++;
		}
	}
	v = json_stringn(fixed, o);
	free(fixed);
	return v;
}

/* ---- the wire walk ---- */

static bool
read_varint(uint64_t *out, const uint8_t *p, size_t len, size_t *pos)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < VARINT_MAX; i++) {
		uint8_t b;

		if (*pos >= len)
			return false;
		b = p[(*pos)++];
		/* the tenth byte may carry only bit 63 */
		if (i == VARINT_MAX - 1 && b > 1)
			return false;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static void
path_push(char *path, size_t *used, const char *name)
{
	size_t n = *used, k = strlen(name);

	/* On every entry's way in: no printf. Cut, never overflowed. */
	if (n && n + 1 < PATH_MAX_LEN)
		path[n++] = '.';
	if (k > PATH_MAX_LEN - 1 - n)
		k = PATH_MAX_LEN - 1 - n;
	memcpy(path + n, name, k);
	path[n + k] = '\0';
	*used = n + k;
}

static int
text_refuse(struct px_refusal *r, const char *path, const uint8_t *s,
	    size_t len)
{
	if (memchr(s, 0, len))
		return px_refuse(r, PX_CODE_ENCODING,
				 "field '%s' holds a nul byte", path);
	return px_refuse(r, PX_CODE_ENCODING, "field '%s' is not valid utf-8",
			 path);
}

static int
walk_wire(const ProtobufCMessageDescriptor *desc, const uint8_t *p, size_t len,
	  unsigned depth, char *path, size_t path_used, struct px_refusal *r)
{
	size_t pos = 0;

	if (depth > PX_ENCODING_DEPTH_MAX)
		return PX_EMALFORMED;
	while (pos < len) {
		const ProtobufCFieldDescriptor *f;
		uint64_t tag, n;
		unsigned type;
		size_t used = path_used;
		int rc;

		if (!read_varint(&tag, p, len, &pos))
			return PX_EMALFORMED;
		type = (unsigned)(tag & 7);
		if (tag >> 3 == 0 || tag >> 3 > UINT32_MAX)
			return PX_EMALFORMED;
		f = protobuf_c_message_descriptor_get_field(
			desc, (unsigned)(tag >> 3));
		switch (type) {
		case WIRE_VARINT:
			if (!read_varint(&n, p, len, &pos))
				return PX_EMALFORMED;
			break;
		case WIRE_I64:
		case WIRE_I32:
			n = type == WIRE_I64 ? 8 : 4;
			if (len - pos < n)
				return PX_EMALFORMED;
			pos += n;
			break;
		case WIRE_LEN:
			if (!read_varint(&n, p, len, &pos) || n > len - pos)
				return PX_EMALFORMED;
			if (f && f->type == PROTOBUF_C_TYPE_STRING &&
			    (memchr(p + pos, 0, n) ||
			     !px_utf8_valid(p + pos, n))) {
				path_push(path, &used, f->name);
				return text_refuse(r, path, p + pos, n);
			}
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
				path_push(path, &used, f->name);
				rc = walk_wire(f->descriptor, p + pos, n,
					       depth + 1, path, used, r);
				if (rc != PX_OK)
					return rc;
				path[path_used] = '\0';
			}
			pos += n;
			break;
		default: /* groups: no paxta message has one */
			return PX_EMALFORMED;
		}
		/* a known text or message field sent some other way is
		 * no encoding of this message */
		if (f && type != WIRE_LEN &&
		    (f->type == PROTOBUF_C_TYPE_STRING ||
		     f->type == PROTOBUF_C_TYPE_MESSAGE))
			return PX_EMALFORMED;
	}
	return PX_OK;
}

int
px_encoding_check_wire(const ProtobufCMessageDescriptor *desc,
		       const uint8_t *wire, size_t len, struct px_refusal *r)
{
	char path[PATH_MAX_LEN] = "";

	if (!desc || (!wire && len))
		return PX_EINVAL;
	if (desc->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC)
		return PX_EINVAL;
	return walk_wire(desc, wire, len, 0, path, 0, r);
}

/* ---- the decoded walk ---- */

static int walk_message(const ProtobufCMessage *msg, unsigned depth, char *path,
			size_t path_used, struct px_refusal *r);

static int
check_value(const ProtobufCFieldDescriptor *f, const void *member,
	    unsigned depth, char *path, size_t path_used, struct px_refusal *r)
{
	size_t used = path_used;
	int rc = PX_OK;

	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)member;

		if (s && !px_utf8_valid((const uint8_t *)s, strlen(s))) {
			path_push(path, &used, f->name);
			rc = text_refuse(r, path, (const uint8_t *)s,
					 strlen(s));
		}
	} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *m =
			*(const ProtobufCMessage *const *)member;

		if (m) {
			path_push(path, &used, f->name);
			rc = walk_message(m, depth + 1, path, used, r);
			path[path_used] = '\0';
		}
	}
	return rc;
}

static int
walk_message(const ProtobufCMessage *msg, unsigned depth, char *path,
	     size_t path_used, struct px_refusal *r)
{
	const ProtobufCMessageDescriptor *desc = msg->descriptor;
	const uint8_t *base = (const uint8_t *)msg;

	if (depth > PX_ENCODING_DEPTH_MAX)
		return PX_EMALFORMED;
	if (!desc || desc->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC)
		return PX_EINVAL;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];
		const void *member = base + f->offset;
		int rc;

		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t count =
				*(const size_t *)(base + f->quantifier_offset);
			const void *const *items =
				*(const void *const *const *)member;

			for (size_t k = 0; k < count && items; k++) {
				rc = check_value(f, &items[k], depth, path,
						 path_used, r);
				if (rc != PX_OK)
					return rc;
			}
			continue;
		}
		/* only the member of a oneof that is set is there */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		rc = check_value(f, member, depth, path, path_used, r);
		if (rc != PX_OK)
			return rc;
	}
	return PX_OK;
}

int
px_encoding_check_message(const ProtobufCMessage *msg, struct px_refusal *r)
{
	char path[PATH_MAX_LEN] = "";

	if (!msg)
		return PX_EINVAL;
	return walk_message(msg, 0, path, 0, r);
}

int
px_encoding_check(const ProtobufCMessage *msg, const uint8_t *wire, size_t len,
		  struct px_refusal *r)
{
	int rc;

	if (!msg)
		return PX_EINVAL;
	rc = px_encoding_check_wire(msg->descriptor, wire, len, r);
	if (rc == PX_OK)
		rc = px_encoding_check_message(msg, r);
	return rc;
}
