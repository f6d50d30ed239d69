/* fuzz_pbjson: arbitrary bytes as the database's JSON answer. The server
 * fills response messages from it (pbjson_fill_message, as on_get and
 * suggestion_from do) and packs them; the message turned back into JSON and
 * filled again must come out the same (pbjson round trip). */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "pbjson.h"

/* fill(o) -> m1 -> JSON j1 -> fill -> m2 -> JSON j2: j1 and j2 must agree,
 * and m1 must pack. */
static void round_trip(const ProtobufCMessageDescriptor *d, json_object *o)
{
	struct pb_arena arena = { 0 };
	ProtobufCMessage *m1 = pb_arena_alloc(&arena, d->sizeof_message);
	protobuf_c_message_init(d, m1);
	bool filled = pbjson_fill_message(m1, o, &arena); /* lenient: always true */
	(void)filled;

	size_t n = protobuf_c_message_get_packed_size(m1);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		abort();
	if (protobuf_c_message_pack(m1, buf) != n)
		fuzz_fail("a filled message packs to another size than announced");
	free(buf);

	json_object *j1 = pbjson_from_message(m1);
	ProtobufCMessage *m2 = pb_arena_alloc(&arena, d->sizeof_message);
	protobuf_c_message_init(d, m2);
	/* What pbjson wrote itself always matches, even in strict mode. */
	pbjson_set_strict(true);
	if (!pbjson_fill_message(m2, j1, &arena))
		fuzz_fail("pbjson's own JSON does not match its message in strict mode");
	pbjson_set_strict(false);
	json_object *j2 = pbjson_from_message(m2);
	const char *t1 = json_object_to_json_string_ext(j1, JSON_C_TO_STRING_PLAIN);
	const char *t2 = json_object_to_json_string_ext(j2, JSON_C_TO_STRING_PLAIN);
	if (strcmp(t1, t2) != 0)
		fuzz_fail("pbjson round trip changed the message");
	json_object_put(j1);
	json_object_put(j2);
	pb_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new();
	if (!tok)
		abort();
	json_object *doc = json_tokener_parse_ex(tok, (const char *)data, (int)(size > 1 << 20 ? 1 << 20 : size));
	json_tokener_free(tok);
	if (!doc)
		return 0;
	if (json_object_is_type(doc, json_type_object)) {
		json_object *v;
		round_trip(&jianyi__suggestion__descriptor, doc);
		round_trip(&jianyi__timeline_event__descriptor, doc);
		round_trip(&jianyi__list_suggestions_request__descriptor, doc);
		if (json_object_object_get_ex(doc, "suggestion", &v) && json_object_is_type(v, json_type_object))
			round_trip(&jianyi__suggestion__descriptor, v);
		if (json_object_object_get_ex(doc, "timeline", &v) && json_object_is_type(v, json_type_array))
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				json_object *e = json_object_array_get_idx(v, i);
				if (json_object_is_type(e, json_type_object))
					round_trip(&jianyi__timeline_event__descriptor, e);
			}
	}
	json_object_put(doc);
	return 0;
}
