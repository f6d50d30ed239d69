/* The common shape of a request answered by one of the database's jy_*
 * functions: queue the statement (a full queue is answered at once), then
 * turn the result into either the JSON document it carries or an answer to
 * the request (unavailable, internal error, or the document's own refusal
 * with its code, message and field). */
#ifndef JY_DB_ANSWER_H
#define JY_DB_ANSWER_H

#include <json-c/json.h>

#include "db.h"
#include "session.h"

/* Queues stmt for req; answers resource_exhausted when the queue is full. */
void db_answer_query(struct request *req, const struct db_stmt *stmt, const char *const *values,
		     db_result_cb cb);

/* The document when it says "code":"ok" (the caller puts it); otherwise
 * req has been answered and NULL is returned. field_prefix ("stats.") is
 * put before the document's "field" in the violation; "" for none. */
json_object *db_answer_take(struct request *req, const struct db_result *r, const char *field_prefix);

/* A string member of o, "" when absent or not a string. */
const char *db_answer_str(json_object *o, const char *key);

#endif
