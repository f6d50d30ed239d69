#include "handlers_ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "log.h"
#include "pbjson.h"
#include "server.h"
#include "sql_ledger.h"
#include "utf8.h"
#include "workflow.h"

static int code_from_name(const char *name)
{
	static const struct { const char *name; int code; } map[] = {
		{ "ok", JIANYI__STATUS_CODE__STATUS_OK },
		{ "invalid_argument", JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT },
		{ "not_found", JIANYI__STATUS_CODE__STATUS_NOT_FOUND },
		{ "permission_denied", JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (name && strcmp(name, map[i].name) == 0)
			return map[i].code;
	return JIANYI__STATUS_CODE__STATUS_INTERNAL;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

static void on_ledger(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	if (r->outcome == DB_UNAVAILABLE || r->outcome == DB_SHUTDOWN) {
		request_fail(req, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     "database unavailable (%s); try again", r->error);
		return;
	}
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		jy_error("event=ledger_sql_failed sqlstate=%s error=\"%s\"", r->sqlstate, r->error);
		request_fail(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, "internal error (%s)",
			     r->sqlstate[0] ? r->sqlstate : "no result");
		return;
	}
	json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (!doc) {
		request_fail(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, "internal error (bad answer)");
		return;
	}
	int code = code_from_name(jstr(doc, "code"));
	if (code != JIANYI__STATUS_CODE__STATUS_OK) {
		request_fail_field(req, code, jstr(doc, "field"), "%s", jstr(doc, "message"));
		json_object_put(doc);
		return;
	}
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__LedgerResponse led = JIANYI__LEDGER_RESPONSE__INIT;
	json_object *v;
	if (json_object_object_get_ex(doc, "rows", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);
		led.rows = pb_arena_alloc(&arena, (n ? n : 1) * sizeof *led.rows);
		for (size_t i = 0; i < n; i++) {
			Jianyi__LedgerRow *row = pb_arena_alloc(&arena, sizeof *row);
			jianyi__ledger_row__init(row);
			pbjson_fill_message(&row->base, json_object_array_get_idx(v, i), &arena);
			led.rows[led.n_rows++] = row;
		}
	}
	if (json_object_object_get_ex(doc, "next_after_id", &v))
		led.next_after_id = json_object_get_int64(v);
	if (json_object_object_get_ex(doc, "total", &v))
		led.total = json_object_get_int64(v);
	resp.body_case = JIANYI__RESPONSE__BODY_LEDGER;
	resp.ledger = &led;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void handle_ledger(struct request *req, const Jianyi__Request *body)
{
	static const Jianyi__ListSuggestionsRequest no_filter = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	const Jianyi__ListSuggestionsRequest *q =
		body->ledger->filter ? body->ledger->filter : &no_filter;
	enum wf_state st;
	if (*q->state && !wf_state_parse(q->state, &st)) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "ledger.filter.state",
				   "state '%s' is not a workflow state", q->state);
		return;
	}
	if (q->page_size < 0 || q->page_size > LEDGER_MAX || q->after_id < 0 || q->unit_id < 0 ||
	    q->deputy_id < 0 || q->term < 0 || q->session < 0) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "ledger.filter",
				   "page_size must be 0 to %d and ids, term and session not negative",
				   LEDGER_MAX);
		return;
	}
	if (jy_utf8_length(q->text, strlen(q->text)) > 100) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "ledger.filter.text",
				   "text filter is longer than 100 characters");
		return;
	}
	json_object *filters = pbjson_from_message(&q->base);
	char viewer[24], limit[16], after[24];
	snprintf(viewer, sizeof viewer, "%" PRId64, req->sess->who.account_id);
	snprintf(limit, sizeof limit, "%d", q->page_size ? q->page_size : LEDGER_DEFAULT);
	snprintf(after, sizeof after, "%" PRId64, q->after_id);
	const char *values[4] = { viewer, json_object_to_json_string_ext(filters, JSON_C_TO_STRING_PLAIN),
				  limit, after };
	if (!db_query(req->sess->srv->db, &sql_ledger, values, on_ledger, req))
		request_fail(req, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED,
			     "server is overloaded (database queue full); try again later");
	json_object_put(filters);
}
