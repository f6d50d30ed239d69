/* The common shape of a request answered by one of the database's jy_*
 * functions: queue the statement (a full queue is answered at once), then
 * turn the result into either the JSON document it carries or an answer to
 * the request (unavailable, internal error, or the document's own refusal
 * with its code, message and field). */
#ifndef JY_DB_ANSWER_H
#define JY_DB_ANSWER_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

#include "db.h"
#include "pbjson.h"
#include "session.h"

/* A statement's parameters as text, in order: the viewer's account id
 * first, then integers and strings. values is what db_answer_query takes
 * (it copies them); a string is not copied here, so it must outlive that call. */
#define DB_PARAMS_MAX 8
struct db_params {
	const char *values[DB_PARAMS_MAX];
	char ints[DB_PARAMS_MAX][24];
	int n;
};
/* Starts p with the account id of req's caller. */
void db_params_viewer(struct db_params *p, const struct request *req);
void db_params_int(struct db_params *p, int64_t v);
void db_params_str(struct db_params *p, const char *s);

/* Queues stmt for req; answers resource_exhausted when the queue is full. */
void db_answer_query(struct request *req, const struct db_stmt *stmt, const char *const *values,
		     db_result_cb cb);
/* The same with the callback's own arg (which holds req); false when the
 * queue was full and req answered: the caller frees arg. */
bool db_answer_query_arg(struct request *req, const struct db_stmt *stmt, const char *const *values,
			 db_result_cb cb, void *arg);

/* Whether r is a result (DB_OK) to read; otherwise req has been answered:
 * unavailable (retryable), deadline exceeded, a race, or an internal error. */
bool db_answer_rows(struct request *req, const struct db_result *r);

/* The document when it says "code":"ok" (the caller puts it); otherwise
 * req has been answered and NULL is returned. field_prefix ("stats.") is
 * put before the document's "field" in the violation; "" for none. */
json_object *db_answer_take(struct request *req, const struct db_result *r, const char *field_prefix);

/* Fills m from the answer document doc (pbjson_fill_answer, with the
 * side_keys its caller reads itself); on a mismatch (strict mode) answers
 * the request with an internal error naming it and returns false. */
bool db_answer_fill(struct request *req, ProtobufCMessage *m, json_object *doc,
		    struct pb_arena *a, const char *const *side_keys)
	__attribute__((warn_unused_result));

/* Fills the message member `body` of a Response (the proto field of that
 * number) from doc by name (pbjson), sends it, and frees doc. */
void db_answer_reply(struct request *req, json_object *doc, Jianyi__Response__BodyCase body);

/* Takes r (db_answer_take) and, when it is an answer, db_answer_reply. A
 * write that was not a replay wakes the change feed (its events). */
void db_answer_finish(struct request *req, const struct db_result *r, const char *field_prefix,
		      Jianyi__Response__BodyCase body, bool write);

/* jy_write / jy_read (sql/functions/11_supervision.sql): op names the operation, the
 * request message m goes as JSON params (its proto field names); a write
 * carries its idempotency key and a hash of op and m, so a reused key with
 * another request is refused instead of replaying the wrong answer. */
void db_answer_write(struct request *req, const char *op, const ProtobufCMessage *m,
		     const char *idempotency_key, db_result_cb cb);
void db_answer_read(struct request *req, const char *op, const ProtobufCMessage *m,
		    db_result_cb cb);
/* db_answer_write with one more params key that jianyid found itself (not
 * the client's: it is not in m, nor in the request's hash). */
void db_answer_write_with(struct request *req, const char *op, const ProtobufCMessage *m,
			  const char *key, const char *value, const char *idempotency_key, db_result_cb cb);

/* A string member of o, "" when absent or not a string. */
const char *db_answer_str(json_object *o, const char *key);

#endif
