/*
 * paxta — the bytes of text: one UTF-8 validator for the whole code base,
 * and the check that every string of a decoded protobuf message is text.
 *
 * proto3 says a `string` field holds valid UTF-8, but protobuf-c does not
 * check it, and it hands a string over as a NUL-terminated char *: a NUL
 * inside the wire bytes silently cuts the string short, so paxta would act
 * on "A-1" while the signed leaf says "A-1\0junk" (and a verifier built on
 * another protobuf library would disagree). Entries are therefore checked
 * once, where they are decoded, against the exact bytes that were signed.
 */
#ifndef PAXTA_ENCODING_H
#define PAXTA_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "paxta/error.h"

/* Nesting deeper than this is refused (paxta's schema nests 3 levels). */
#define PX_ENCODING_DEPTH_MAX 16

/*
 * Decode the UTF-8 sequence at s[*pos] (s holds len bytes, *pos < len) into
 * *out and move *pos past it. RFC 3629 §3-4: no overlong form, no
 * surrogate, nothing above U+10FFFF. Returns false, moving nothing, on an
 * ill-formed or truncated sequence. U+0000 is well-formed here; callers
 * that refuse it say so.
 */
bool px_utf8_next(uint32_t *out, const uint8_t *s, size_t len, size_t *pos);

/* true when s[0..len) is well-formed UTF-8 (RFC 3629), NUL allowed. */
bool px_utf8_valid(const uint8_t *s, size_t len);

/*
 * The length of the well-formed UTF-8 sequence that starts s, a
 * NUL-terminated string, or 0 when there is none (never reads past the
 * terminating NUL). A helper for code that repairs text for display.
 */
size_t px_utf8_sequence(const char *s);

/*
 * A JSON string of s (NULL reads as ""). Text checked on decode is always
 * UTF-8; bytes stored before that check may not be, and a JSON answer must
 * never drop them silently (json_string() returns NULL for them): each
 * ill-formed byte shows as U+FFFD, and the leaf's exact bytes are served
 * beside. NULL only when out of memory.
 */
json_t *px_json_text(const char *s);

/*
 * Check that every string field in wire[0..len), the serialized bytes of a
 * message of type desc, is valid UTF-8 without a NUL byte: every field of
 * type string at any depth, in nested messages and repeated fields, found
 * by walking the wire format (protobuf encoding: tag varint, then a varint,
 * a fixed 8 or 4 bytes, or a length and that many bytes) with the
 * descriptors. Every occurrence on the wire is checked, including ones a
 * decoder would overwrite (proto3: last one wins), so no decoder can see
 * a string that was not checked. Unknown fields are skipped.
 *
 * Why the wire and not the decoded strings: a decoded string's length
 * (strlen) cannot tell "A-1" from "A-1\0junk"; its length on the wire can.
 *
 * Returns PX_OK; PX_EREFUSED with r (may be NULL) filled with code
 * PX_CODE_ENCODING and the field's path ("lab_result.claimed_region");
 * PX_EMALFORMED when the bytes are not a protobuf encoding (a truncated
 * field, a group, a field number 0, a string or message field not sent
 * length-delimited, nesting over PX_ENCODING_DEPTH_MAX); PX_EINVAL for
 * NULL arguments (wire may be NULL when len is 0). Reads only; thread-safe.
 */
int px_encoding_check_wire(const ProtobufCMessageDescriptor *desc,
			   const uint8_t *wire, size_t len,
			   struct px_refusal *r);

/*
 * Check every string of a decoded (or built) message msg through its
 * descriptors: string fields in nested messages, repeated fields and the
 * set member of a oneof, at any depth, must be valid UTF-8. A NUL inside a
 * decoded string is invisible here (see above): messages that come as
 * bytes are checked with px_encoding_check, this one is for messages built
 * in memory before they are encoded (the signer's) and as a cross-check.
 * Same returns as px_encoding_check_wire, without PX_EMALFORMED.
 */
int px_encoding_check_message(const ProtobufCMessage *msg,
			      struct px_refusal *r);

/*
 * The check for a message decoded from wire[0..len): px_encoding_check_wire
 * with msg's descriptor, which is what makes the check sound; then
 * px_encoding_check_message as the cross-check of what the decoder made.
 * Call it right after protobuf-c's unpack succeeded.
 */
int px_encoding_check(const ProtobufCMessage *msg, const uint8_t *wire,
		      size_t len, struct px_refusal *r);

#endif
