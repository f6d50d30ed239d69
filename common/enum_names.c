#include "enum_names.h"

#include <ctype.h>
#include <string.h>

/* The rule: past the first '_', lower-cased; UNSPECIFIED is "". */
static const char *rule(const char *proto_name, char *buf, size_t len)
{
	const char *rest = strchr(proto_name, '_');
	rest = rest ? rest + 1 : proto_name;
	if (strcmp(rest, "UNSPECIFIED") == 0)
		rest = "";
	size_t n = strlen(rest);
	if (n >= len)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)rest[i]);
	return buf;
}

const char *jy_enum_name(const ProtobufCEnumDescriptor *d, int value, char *buf, size_t len)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
	return v ? rule(v->name, buf, len) : NULL;
}

bool jy_enum_value(const ProtobufCEnumDescriptor *d, const char *name, int *value)
{
	char buf[JY_ENUM_NAME_MAX];
	for (unsigned i = 0; i < d->n_values; i++) {
		const char *n = rule(d->values[i].name, buf, sizeof buf);
		if (n && strcmp(n, name) == 0) {
			*value = d->values[i].value;
			return true;
		}
	}
	return false;
}
