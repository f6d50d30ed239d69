/* Protobuf messages to and from JSON (json-c), walking protobuf-c's
 * descriptors so one piece of code serves every message: requests' params
 * go to the database as jsonb, the database's answers come back as JSON and
 * fill response messages. Keys are the proto field names; enum values are
 * their names (common/enum_names.h). */
#ifndef JY_PBJSON_H
#define JY_PBJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

/* Memory for messages built from JSON, freed in one go after the reply. */
struct pb_arena {
	void **ptrs;
	size_t n, cap;
};

void *pb_arena_alloc(struct pb_arena *a, size_t size);
void pb_arena_free(struct pb_arena *a);

/* Every field of m (a oneof's unset members left out). */
json_object *pbjson_from_message(const ProtobufCMessage *m);

/* Fills m (already initialised) from o: strings, integers, doubles,
 * booleans, enums (by name, common/enum_names.h: "in_progress"; strict mode
 * refuses a name the enum does not have), nested messages and repeated fields of all
 * of these; nested messages and arrays come from the arena. Strings point
 * into o (keep o alive). JSON null leaves a field unset. Keys that are not
 * fields and fields of the wrong JSON type are left out; in strict mode each
 * is a mismatch:
 * the fill still does what it can, returns false and pbjson_error() names
 * the first one ("Suggestion.lead_unit: no such field in the protocol").
 * Outside strict mode it always returns true. */
bool pbjson_fill_message(ProtobufCMessage *m, json_object *o, struct pb_arena *a)
	__attribute__((warn_unused_result));
/* The same for a SQL function's answer document: its own "code" and
 * "message", and the side_keys the caller reads itself (NULL-terminated, at
 * most 5; NULL: none), are not mismatches at the top level. */
bool pbjson_fill_answer(ProtobufCMessage *m, json_object *o, struct pb_arena *a,
			const char *const *side_keys) __attribute__((warn_unused_result));

/* Strict mode, on in the tests (JIANYI_PBJSON_STRICT=1 in jianyid's
 * environment): the SQL functions and the protocol must agree exactly, so
 * that a renamed column or a typo is an error, not a silently empty field. */
void pbjson_set_strict(bool on);
/* The first mismatch of the last fill in strict mode ("" when none). */
const char *pbjson_error(void);

#endif
