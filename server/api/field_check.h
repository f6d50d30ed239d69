/* Checks of a request's fields before it reaches the database, for the
 * handlers that are not ActRequest (act_validate.c has those): each check
 * that fails answers the request with invalid_argument, naming the field
 * ("topic_create.name") and what is wrong, and returns false. Lengths are
 * in characters (strings arrive as valid UTF-8, frame.c checks). */
#ifndef JY_FIELD_CHECK_H
#define JY_FIELD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* min..max characters, no control characters but newline and tab. */
bool fc_text(struct request *req, const char *field, const char *s, size_t min, size_t max)
	__attribute__((warn_unused_result));
/* An idempotency key: 1 to JY_IDEMPOTENCY_KEY_MAX characters (jy_limits.h). */
bool fc_key(struct request *req, const char *field, const char *s)
	__attribute__((warn_unused_result));
/* A positive id (or 0 when optional). */
bool fc_id(struct request *req, const char *field, int64_t v, bool required)
	__attribute__((warn_unused_result));
/* lo <= v <= hi; what says it for a person ("from 1 to 100"). */
bool fc_range(struct request *req, const char *field, int64_t v, int64_t lo, int64_t hi)
	__attribute__((warn_unused_result));

#endif
