#include "db_answer.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server.h"

void db_answer_query(struct request *req, const struct db_stmt *stmt, const char *const *values,
		     db_result_cb cb)
{
	if (!db_query(req->sess->srv->db, stmt, values, cb, req))
		request_fail(req, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED,
			     "server is overloaded (database queue full); try again later");
}

const char *db_answer_str(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

/* The database answers with a status name; map it to ours. */
static int code_from_name(const char *name)
{
	static const struct { const char *name; int code; } map[] = {
		{ "ok", JIANYI__STATUS_CODE__STATUS_OK },
		{ "invalid_argument", JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT },
		{ "not_found", JIANYI__STATUS_CODE__STATUS_NOT_FOUND },
		{ "permission_denied", JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED },
		{ "failed_precondition", JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION },
		{ "conflict", JIANYI__STATUS_CODE__STATUS_CONFLICT },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (name && strcmp(name, map[i].name) == 0)
			return map[i].code;
	return JIANYI__STATUS_CODE__STATUS_INTERNAL;
}

json_object *db_answer_take(struct request *req, const struct db_result *r, const char *field_prefix)
{
	if (r->outcome == DB_UNAVAILABLE || r->outcome == DB_SHUTDOWN) {
		request_fail(req, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     "database unavailable (%s); try again", r->error);
		return NULL;
	}
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		jy_error("event=sql_failed kind=%s sqlstate=%s error=\"%s\"", req->kind, r->sqlstate,
			 r->error);
		request_fail(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, "internal error (%s)",
			     r->sqlstate[0] ? r->sqlstate : "no result");
		return NULL;
	}
	json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (!doc) {
		request_fail(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, "internal error (bad answer)");
		return NULL;
	}
	int code = code_from_name(db_answer_str(doc, "code"));
	if (code != JIANYI__STATUS_CODE__STATUS_OK) {
		const char *field = db_answer_str(doc, "field");
		char full[128] = "";
		if (*field)
			snprintf(full, sizeof full, "%s%s", field_prefix, field);
		request_fail_field(req, code, full, "%s", db_answer_str(doc, "message"));
		json_object_put(doc);
		return NULL;
	}
	return doc;
}
