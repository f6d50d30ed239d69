#include "field_check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jy_limits.h"
#include "utf8.h"


static bool bad(struct request *req, const char *field, const char *reason, const char *what)
{
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
		       REASON(reason, { "field", reason_field(field) }), "%s %s", field, what);
	return false;
}

bool fc_text(struct request *req, const char *field, const char *s, size_t min, size_t max)
{
	size_t chars = jy_utf8_length(s, strlen(s));
	if (chars < min)
		return bad(req, field, "required", "is required");
	if (chars > max) {
		char limit[24];
		snprintf(limit, sizeof limit, "%zu", max);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
			       REASON("too_long", { "field", reason_field(field) }, { "max", limit }),
			       "%s is longer than %zu characters", field, max);
		return false;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return bad(req, field, "control_character", "contains a control character");
	return true;
}

bool fc_key(struct request *req, const char *field, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > JY_IDEMPOTENCY_KEY_MAX) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
			       REASON("key_invalid", { "max", JY_STR(JY_IDEMPOTENCY_KEY_MAX) }),
			       "%s is required (1 to " JY_STR(JY_IDEMPOTENCY_KEY_MAX)
			       " characters): a retry with the same key acts once", field);
		return false;
	}
	return true;
}

bool fc_id(struct request *req, const char *field, int64_t v, bool required)
{
	if (v < 0 || (required && v == 0))
		return bad(req, field, "not_positive_id",
			   required ? "must be a positive id" : "must be a positive id or 0");
	return true;
}

bool fc_range(struct request *req, const char *field, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo || v > hi) {
		char min[24], max[24];
		snprintf(min, sizeof min, "%" PRId64, lo);
		snprintf(max, sizeof max, "%" PRId64, hi);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
			       REASON("out_of_range", { "field", reason_field(field) }, { "min", min },
				      { "max", max }),
			       "%s must be from %" PRId64 " to %" PRId64, field, lo, hi);
		return false;
	}
	return true;
}
