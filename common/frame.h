/* The frame codec: a 4-byte big-endian body length, then that many bytes of
 * one encoded Envelope. Nothing here trusts a length it has not checked. */
#ifndef JY_FRAME_H
#define JY_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jianyi.pb-c.h"

#define JY_FRAME_HEADER_BYTES 4u

enum jy_frame_result {
	JY_FRAME_OK = 0,       /* a whole frame is available */
	JY_FRAME_INCOMPLETE,   /* need more bytes */
	JY_FRAME_EMPTY,        /* length 0: a protocol error */
	JY_FRAME_TOO_LARGE,    /* length above the limit: a protocol error */
};

/* Looks at the bytes received so far. On JY_FRAME_OK, *body_len is the
 * frame's body length and avail >= JY_FRAME_HEADER_BYTES + *body_len.
 * On JY_FRAME_INCOMPLETE with a known header, *body_len is already set.
 * On EMPTY/TOO_LARGE, *body_len is the announced length. */
enum jy_frame_result jy_frame_peek(const uint8_t *buf, size_t avail,
				   uint32_t max_body, uint32_t *body_len);
const char *jy_frame_result_str(enum jy_frame_result r);

void jy_frame_put_header(uint8_t out[JY_FRAME_HEADER_BYTES], uint32_t body_len);

/* Encodes env as one frame (header + body) into a new buffer the caller frees.
 * Fails (returns false, writes err) if the body would exceed max_body. */
bool jy_frame_encode(const Jianyi__Envelope *env, uint32_t max_body,
		     uint8_t **out, size_t *out_len, char *err, size_t errlen);

/* Decodes one frame body. Allocations are capped at a budget proportional to
 * len; every string field (at any depth) must be valid UTF-8; envelope id and
 * oneof presence are left to the caller's rules. Returns NULL with err set on
 * any failure. Free the result with jy_envelope_free(). */
Jianyi__Envelope *jy_envelope_decode(const uint8_t *body, size_t len,
				     char *err, size_t errlen);
/* Exported from libjianyi (its callers free what it returns). */
__attribute__((visibility("default"))) void jy_envelope_free(Jianyi__Envelope *env);

/* Checks every string field in msg (recursively) for valid UTF-8. On failure
 * writes the field's dotted path into path and returns false. */
bool jy_message_utf8_valid(const ProtobufCMessage *msg, char *path, size_t pathlen);

#endif
