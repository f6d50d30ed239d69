/* Protobuf messages to and from JSON (json-c), walking protobuf-c's
 * descriptors so one piece of code serves every message: requests' params
 * go to the database as jsonb, the database's answers come back as JSON and
 * fill response messages. Keys are the proto field names. */
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

/* Fills m (already initialised) from o: strings, integers, booleans, enums
 * (by number), nested messages and repeated fields of all of these; nested
 * messages and arrays come from the arena. Strings point into o (keep o
 * alive). Keys that are not fields are ignored; a field of the wrong JSON
 * type is left unset. */
void pbjson_fill_message(ProtobufCMessage *m, json_object *o, struct pb_arena *a);

#endif
