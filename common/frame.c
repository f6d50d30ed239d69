#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "utf8.h"
#include "xalloc.h"

enum jy_frame_result jy_frame_peek(const uint8_t *buf, size_t avail,
				   uint32_t max_body, uint32_t *body_len)
{
	*body_len = 0;
	if (avail < JY_FRAME_HEADER_BYTES)
		return JY_FRAME_INCOMPLETE;
	uint32_t n = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
		     ((uint32_t)buf[2] << 8) | (uint32_t)buf[3];
	*body_len = n;
	if (n == 0)
		return JY_FRAME_EMPTY;
	if (n > max_body)
		return JY_FRAME_TOO_LARGE;
	if (avail - JY_FRAME_HEADER_BYTES < n)
		return JY_FRAME_INCOMPLETE;
	return JY_FRAME_OK;
}

const char *jy_frame_result_str(enum jy_frame_result r)
{
	switch (r) {
	case JY_FRAME_OK: return "ok";
	case JY_FRAME_INCOMPLETE: return "incomplete frame";
	case JY_FRAME_EMPTY: return "zero-length frame";
	case JY_FRAME_TOO_LARGE: return "frame larger than the negotiated maximum";
	}
	return "unknown frame result";
}

void jy_frame_put_header(uint8_t out[JY_FRAME_HEADER_BYTES], uint32_t body_len)
{
	out[0] = (uint8_t)(body_len >> 24);
	out[1] = (uint8_t)(body_len >> 16);
	out[2] = (uint8_t)(body_len >> 8);
	out[3] = (uint8_t)body_len;
}

bool jy_frame_encode(const Jianyi__Envelope *env, uint32_t max_body,
		     uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	size_t n = jianyi__envelope__get_packed_size(env);
	if (n == 0 || n > max_body) {
		snprintf(err, errlen, "message of %zu bytes does not fit a frame (limit %u)",
			 n, max_body);
		return false;
	}
	uint8_t *buf = jy_xmalloc(JY_FRAME_HEADER_BYTES + n);
	jy_frame_put_header(buf, (uint32_t)n);
	size_t packed = jianyi__envelope__pack(env, buf + JY_FRAME_HEADER_BYTES);
	if (packed != n) {
		free(buf);
		snprintf(err, errlen, "encoder wrote %zu bytes, expected %zu", packed, n);
		return false;
	}
	*out = buf;
	*out_len = JY_FRAME_HEADER_BYTES + n;
	return true;
}

/* protobuf-c allocator that refuses to allocate more than a budget in total,
 * so a small hostile frame cannot make the decoder allocate gigabytes
 * (e.g. a repeated field announcing millions of elements). */
struct budget {
	size_t left;
};

static void *budget_alloc(void *data, size_t size)
{
	struct budget *b = data;
	if (size > b->left)
		return NULL;
	b->left -= size;
	return malloc(size ? size : 1);
}

static void budget_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

/* Field number 0 is invalid. protobuf-c refuses it in a one-byte tag but
 * keeps it as an unknown field when the tag is a longer (non-minimal)
 * varint, and then cannot decode its own encoding of that message: refuse
 * it in either form (found by tests/fuzz/fuzz_envelope). */
static bool has_field_zero(const ProtobufCMessage *msg)
{
	for (unsigned i = 0; i < msg->n_unknown_fields; i++)
		if (msg->unknown_fields[i].tag == 0)
			return true;
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const char *base = (const char *)msg;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		size_t count = 1;
		const ProtobufCMessage *const *items;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)(base + f->quantifier_offset);
			items = *(const ProtobufCMessage *const *const *)(base + f->offset);
		} else {
			items = (const ProtobufCMessage *const *)(base + f->offset);
		}
		for (size_t k = 0; k < count; k++)
			if (items[k] && has_field_zero(items[k]))
				return true;
	}
	return false;
}

Jianyi__Envelope *jy_envelope_decode(const uint8_t *body, size_t len,
				     char *err, size_t errlen)
{
	if (len == 0) {
		snprintf(err, errlen, "empty message");
		return NULL;
	}
	size_t budget_bytes = len * JY_DECODE_BUDGET_FACTOR;
	if (budget_bytes < JY_DECODE_BUDGET_MIN)
		budget_bytes = JY_DECODE_BUDGET_MIN;
	struct budget b = { .left = budget_bytes };
	ProtobufCAllocator alloc = { budget_alloc, budget_free, &b };
	Jianyi__Envelope *env = jianyi__envelope__unpack(&alloc, len, body);
	if (!env) {
		snprintf(err, errlen, "malformed message (not a valid envelope, or it needs more than %zu bytes to decode)",
			 budget_bytes);
		return NULL;
	}
	if (has_field_zero(&env->base)) {
		snprintf(err, errlen, "malformed message (field number 0)");
		jy_envelope_free(env);
		return NULL;
	}
	char path[256];
	if (!jy_message_utf8_valid(&env->base, path, sizeof path)) {
		snprintf(err, errlen, "field %s is not valid UTF-8", path);
		jy_envelope_free(env);
		return NULL;
	}
	return env;
}

void jy_envelope_free(Jianyi__Envelope *env)
{
	if (env)
		jianyi__envelope__free_unpacked(env, NULL); /* plain free(), like budget_free */
}

static void path_join(char *path, size_t pathlen, const char *prefix, const char *name)
{
	if (prefix[0])
		snprintf(path, pathlen, "%s.%s", prefix, name);
	else
		snprintf(path, pathlen, "%s", name);
}

static bool check_message(const ProtobufCMessage *msg, const char *prefix,
			  char *path, size_t pathlen)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		const char *base = (const char *)msg;
		/* A oneof member only counts when it is the one that is set. */
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
			if (which != f->id)
				continue;
		}
		char here[256];
		path_join(here, sizeof here, prefix, f->name);
		size_t count = 1;
		const void *const *items;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)(base + f->quantifier_offset);
			items = *(const void *const *const *)(base + f->offset);
		} else {
			items = (const void *const *)(base + f->offset);
		}
		for (size_t k = 0; k < count; k++) {
			const void *item = items[k];
			if (!item)
				continue;
			if (f->type == PROTOBUF_C_TYPE_STRING) {
				const char *s = item;
				if (!jy_utf8_valid(s, strlen(s))) {
					snprintf(path, pathlen, "%s", here);
					return false;
				}
			} else if (!check_message(item, here, path, pathlen)) {
				return false;
			}
		}
	}
	return true;
}

bool jy_message_utf8_valid(const ProtobufCMessage *msg, char *path, size_t pathlen)
{
	return check_message(msg, "", path, pathlen);
}
