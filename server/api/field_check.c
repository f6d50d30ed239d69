#include "field_check.h"

#include <inttypes.h>
#include <string.h>

#include "jy_limits.h"
#include "utf8.h"


static bool bad(struct request *req, const char *field, const char *what)
{
	request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field, "%s %s", field, what);
	return false;
}

bool fc_text(struct request *req, const char *field, const char *s, size_t min, size_t max)
{
	size_t chars = jy_utf8_length(s, strlen(s));
	if (chars < min)
		return bad(req, field, "is required");
	if (chars > max) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
				   "%s is longer than %zu characters", field, max);
		return false;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return bad(req, field, "contains a control character");
	return true;
}

bool fc_key(struct request *req, const char *field, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > JY_IDEMPOTENCY_KEY_MAX)
		return bad(req, field, "is required (1 to " JY_STR(JY_IDEMPOTENCY_KEY_MAX)
			   " characters): a retry with the same key acts once");
	return true;
}

bool fc_id(struct request *req, const char *field, int64_t v, bool required)
{
	if (v < 0 || (required && v == 0))
		return bad(req, field, required ? "must be a positive id" : "must be a positive id or 0");
	return true;
}

bool fc_range(struct request *req, const char *field, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo || v > hi) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
				   "%s must be from %" PRId64 " to %" PRId64, field, lo, hi);
		return false;
	}
	return true;
}
