/* Enum values as text, the one rule for every enum of proto/jianyi.proto
 * wherever a value leaves protobuf (the database's JSON, the mirror's
 * SQLite): the value's proto name without its first word, lower-cased.
 * STATE_IN_PROGRESS is "in_progress", ACTION_APPROVE_EXTENSION
 * "approve_extension", STATUS_INVALID_ARGUMENT "invalid_argument". A value
 * X_UNSPECIFIED (none given) is "", as an empty string field was before. */
#ifndef JY_ENUM_NAMES_H
#define JY_ENUM_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

#define JY_ENUM_NAME_MAX 48   /* room for the longest name and its NUL */

/* The name of value in buf (len bytes); NULL when d has no such value. */
const char *jy_enum_name(const ProtobufCEnumDescriptor *d, int value, char *buf, size_t len);
/* The value of d named name; false when no value has that name. */
bool jy_enum_value(const ProtobufCEnumDescriptor *d, const char *name, int *value);

#endif
