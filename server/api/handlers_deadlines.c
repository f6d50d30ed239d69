/* DeadlinesRequest (see handlers_deadlines.h): checks the input, asks
 * jy_deadlines() (sql/functions/03_calendar.sql) and fills DeadlinesResponse from its
 * answer. The kind is checked by the database, which owns the list. */
#include "handlers_deadlines.h"

#include <stdio.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "pbjson.h"
#include "statements.h"

#define DEADLINES_MAX 2000

static void on_deadlines(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "deadlines.", JIANYI__RESPONSE__BODY_DEADLINES, false);
}

void handle_deadlines(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__DeadlinesRequest *q = body->deadlines;
	const char *bad = NULL, *why = NULL;
	if (q->within_days < 0 || q->within_days > 3660)
		bad = "deadlines.within_days", why = "within_days must be 0 (any) to 3660";
	else if (q->unit_id < 0)
		bad = "deadlines.unit_id", why = "unit_id must be 0 (any) or a unit's id";
	else if (q->suggestion_id < 0)
		bad = "deadlines.suggestion_id", why = "suggestion_id must be 0 (any) or a case's id";
	else if (q->limit < 0 || q->limit > DEADLINES_MAX)
		bad = "deadlines.limit", why = "limit must be 0 (default 200) to 2000";
	if (bad) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, bad,
			       REASON("bad_value", { "field", reason_field(bad) }), "%s", why);
		return;
	}
	json_object *filters = pbjson_from_message(&q->base);
	struct db_params p;
	db_params_viewer(&p, req);
	db_params_str(&p, json_object_to_json_string_ext(filters, JSON_C_TO_STRING_PLAIN));
	db_params_int(&p, q->limit);
	db_answer_query(req, &jy_statements[STMT_DEADLINES], p.values, on_deadlines);
	json_object_put(filters);
}
