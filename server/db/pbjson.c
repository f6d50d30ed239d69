#include "pbjson.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "enum_names.h"

#include "xalloc.h"

void *pb_arena_alloc(struct pb_arena *a, size_t size)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->ptrs = jy_xreallocarray(a->ptrs, a->cap, sizeof *a->ptrs);
	}
	void *p = jy_xcalloc(1, size);
	a->ptrs[a->n++] = p;
	return p;
}

void pb_arena_free(struct pb_arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ptrs[i]);
	free(a->ptrs);
	memset(a, 0, sizeof *a);
}

/* Bytes travel in JSON as base64 (no line breaks), as PostgreSQL's
 * decode(..., 'base64') reads them (attachment chunks). */
static json_object *bytes_to_json(const ProtobufCBinaryData *b)
{
	size_t cap = 4 * ((b->len + 2) / 3) + 1;
	unsigned char *out = jy_xmalloc(cap);
	int n = b->len ? EVP_EncodeBlock(out, b->data, (int)b->len) : 0;
	json_object *o = json_object_new_string_len((const char *)out, n);
	free(out);
	return o;
}

/* The base64 text of v into the arena; false when it is not base64. */
static bool bytes_from_json(ProtobufCBinaryData *b, json_object *v, struct pb_arena *a)
{
	if (!json_object_is_type(v, json_type_string))
		return false;
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);
	if (n % 4 != 0 || n > INT32_MAX)
		return false;
	unsigned char *out = pb_arena_alloc(a, n / 4 * 3 + 1);
	int got = n ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) : 0;
	if (got < 0)
		return false;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	for (size_t k = n; k > 0 && s[k - 1] == '=' && got > 0; k--)
		got--;
	b->data = out;
	b->len = (size_t)got;
	return true;
}

static json_object *scalar_to_json(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_object_new_int64(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		/* By name (enum_names.h); a value the protocol does not know, as a number. */
		char name[JY_ENUM_NAME_MAX];
		const char *n = jy_enum_name(f->descriptor, *(const int32_t *)p, name, sizeof name);
		return n ? json_object_new_string(n) : json_object_new_int64(*(const int32_t *)p);
	}
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_object_new_int64(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_object_new_int64(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_object_new_int64((int64_t)*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_object_new_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_object_new_double(*(const double *)p);
	case PROTOBUF_C_TYPE_STRING:
		return json_object_new_string(*(char *const *)p ? *(char *const *)p : "");
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(ProtobufCMessage *const *)p ? pbjson_from_message(*(ProtobufCMessage *const *)p)
						     : NULL;
	case PROTOBUF_C_TYPE_BYTES:
		return bytes_to_json(p);
	default:
		return NULL; /* floats: not used in JSON-bound messages */
	}
}

static size_t scalar_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

json_object *pbjson_from_message(const ProtobufCMessage *m)
{
	json_object *o = json_object_new_object();
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		json_object *v;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			const char *arr = *(char *const *)(base + f->offset);
			v = json_object_new_array();
			for (size_t k = 0; k < n; k++) {
				json_object *item = scalar_to_json(f, arr + k * scalar_size(f));
				if (item)
					json_object_array_add(v, item);
			}
		} else {
			v = scalar_to_json(f, base + f->offset);
		}
		if (v)
			json_object_object_add(o, f->name, v);
	}
	return o;
}

static bool fill_scalar(const ProtobufCFieldDescriptor *f, void *p, json_object *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (!json_object_is_type(v, json_type_int))
			return false;
		*(int32_t *)p = (int32_t)json_object_get_int64(v);
		return true;
	case PROTOBUF_C_TYPE_ENUM: {
		/* A value's name (enum_names.h), as the SQL writes it. */
		int value;
		if (!json_object_is_type(v, json_type_string) ||
		    !jy_enum_value(f->descriptor, json_object_get_string(v), &value))
			return false;
		*(int32_t *)p = value;
		return true;
	}
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (!json_object_is_type(v, json_type_int))
			return false;
		*(uint32_t *)p = (uint32_t)json_object_get_int64(v);
		return true;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (!json_object_is_type(v, json_type_int))
			return false;
		*(int64_t *)p = json_object_get_int64(v);
		return true;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return false;
		*(protobuf_c_boolean *)p = json_object_get_boolean(v);
		return true;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
			return false;
		*(double *)p = json_object_get_double(v);
		return true;
	case PROTOBUF_C_TYPE_STRING:
		if (json_object_is_type(v, json_type_string)) {
			*(const char **)p = json_object_get_string(v);
			return true;
		}
		if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array)) {
			/* Nested JSON in a string field (event details): its text. */
			*(const char **)p = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
			return true;
		}
		return false;
	default:
		return false;
	}
}

static bool strict_mode;
static char strict_error[256];

void pbjson_set_strict(bool on)
{
	strict_mode = on;
}

const char *pbjson_error(void)
{
	return strict_error;
}

/* Strict mode: remembers the first mismatch and fails the fill. */
static bool mismatch(const ProtobufCMessageDescriptor *d, const char *key, const char *what)
{
	if (!strict_mode)
		return true;
	if (!strict_error[0])
		snprintf(strict_error, sizeof strict_error, "%s.%s: %s", d->short_name, key, what);
	return false;
}

static bool fill(ProtobufCMessage *m, json_object *o, struct pb_arena *a,
		 const char *const *side_keys);

static const char *wrong_value(const ProtobufCFieldDescriptor *f, bool element)
{
	if (f->type == PROTOBUF_C_TYPE_ENUM)
		return element ? "an element is not the name of a value of its enum"
			       : "not the name of a value of its enum";
	return element ? "an element of the wrong type" : "the wrong JSON type";
}

/* A new message of type d filled from o (an object), from the arena. */
static ProtobufCMessage *message_from(const ProtobufCMessageDescriptor *d, json_object *o,
				      struct pb_arena *a, bool *ok)
{
	ProtobufCMessage *m = pb_arena_alloc(a, d->sizeof_message);
	d->message_init(m);
	*ok = fill(m, o, a, NULL) && *ok;
	return m;
}

static bool listed(const char *key, const char *const *keys)
{
	for (; keys && *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* The keys of o that are no field of d and not among side_keys. */
static bool check_keys(const ProtobufCMessageDescriptor *d, json_object *o,
		       const char *const *side_keys)
{
	bool ok = true;
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (listed(key, side_keys))
			continue;
		if (!protobuf_c_message_descriptor_get_field_by_name(d, key))
			ok = mismatch(d, key, "no such field in the protocol") && ok;
	}
	return ok;
}

static bool fill(ProtobufCMessage *m, json_object *o, struct pb_arena *a,
		 const char *const *side_keys)
{
	if (!o || !json_object_is_type(o, json_type_object))
		return mismatch(m->descriptor, "", "not a JSON object");
	const ProtobufCMessageDescriptor *d = m->descriptor;
	bool ok = !strict_mode || check_keys(d, o, side_keys);
	char *base = (char *)m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		json_object *v;
		if (!json_object_object_get_ex(o, f->name, &v) || !v)
			continue;
		bool nested = f->type == PROTOBUF_C_TYPE_MESSAGE;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			if (!json_object_is_type(v, json_type_array)) {
				ok = mismatch(d, f->name, "not an array") && ok;
				continue;
			}
			size_t n = json_object_array_length(v);
			char *arr = pb_arena_alloc(a, (n ? n : 1) * scalar_size(f));
			size_t k = 0;
			for (size_t j = 0; j < n; j++) {
				json_object *item = json_object_array_get_idx(v, j);
				if (nested) {
					if (json_object_is_type(item, json_type_object))
						((ProtobufCMessage **)arr)[k++] =
							message_from(f->descriptor, item, a, &ok);
					else
						ok = mismatch(d, f->name, "an element is not an object") && ok;
				} else if (fill_scalar(f, arr + k * scalar_size(f), item)) {
					k++;
				} else {
					ok = mismatch(d, f->name, wrong_value(f, true)) && ok;
				}
			}
			*(size_t *)(base + f->quantifier_offset) = k;
			*(char **)(base + f->offset) = arr;
		} else if (nested) {
			if (json_object_is_type(v, json_type_object))
				*(ProtobufCMessage **)(base + f->offset) =
					message_from(f->descriptor, v, a, &ok);
			else
				ok = mismatch(d, f->name, "not an object") && ok;
		} else if (f->type == PROTOBUF_C_TYPE_BYTES) {
			if (!bytes_from_json((ProtobufCBinaryData *)(base + f->offset), v, a))
				ok = mismatch(d, f->name, "not base64") && ok;
		} else if (!fill_scalar(f, base + f->offset, v)) {
			ok = mismatch(d, f->name, wrong_value(f, false)) && ok;
		}
	}
	return ok;
}

bool pbjson_fill_message(ProtobufCMessage *m, json_object *o, struct pb_arena *a)
{
	strict_error[0] = '\0';
	return fill(m, o, a, NULL);
}

bool pbjson_fill_answer(ProtobufCMessage *m, json_object *o, struct pb_arena *a,
			const char *const *side_keys)
{
	/* The answer's own keys, then the caller's (at most 6). */
	const char *keys[8] = { "code", "message" };
	for (size_t i = 0; side_keys && side_keys[i] && i < 5; i++)
		keys[2 + i] = side_keys[i];
	strict_error[0] = '\0';
	return fill(m, o, a, keys);
}
