#include "handlers_ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "log.h"
#include "pbjson.h"
#include "server.h"
#include "sql_ledger.h"
#include "utf8.h"
#include "workflow.h"



static void on_ledger(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	json_object *doc = db_answer_take(req, r, "");
	if (!doc)
		return;
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
	db_answer_query(req, &sql_ledger, values, on_ledger);
	json_object_put(filters);
}
