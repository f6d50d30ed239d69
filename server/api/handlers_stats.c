/* StatsRequest (see handlers_stats.h): checks the input, asks jy_stats()
 * (sql/functions/09_stats.sql) and turns its rows into StatsRow messages. */
#include "handlers_stats.h"

#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "jy_limits.h"
#include "log.h"
#include "pbjson.h"
#include "context.h"
#include "db_answer.h"
#include "statements.h"


static double jdouble(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : -1.0;
}


/* NULL when o does not match the protocol (strict mode: pbjson_error()). */
static Jianyi__StatsRow *row_from(json_object *o, struct pb_arena *a)
{
	Jianyi__StatsRow *row = pb_arena_alloc(a, sizeof *row);
	jianyi__stats_row__init(row);
	/* Strings, integers and the nested counts by name; the rates again
	 * below (-1: no denominator, also when absent or null). */
	if (!pbjson_fill_message(&row->base, o, a))
		return NULL;
	row->on_time_rate = jdouble(o, "on_time_rate");
	row->first_round_satisfaction = jdouble(o, "first_round_satisfaction");
	row->final_satisfaction = jdouble(o, "final_satisfaction");
	row->solved_rate = jdouble(o, "solved_rate");
	row->avg_days_to_reply = jdouble(o, "avg_days_to_reply");
	return row;
}

static void on_stats(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	json_object *doc = db_answer_take(req, r, "stats.");
	if (!doc)
		return;
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__StatsResponse st = JIANYI__STATS_RESPONSE__INIT;
	json_object *v;
	if (json_object_object_get_ex(doc, "rows", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);
		st.rows = pb_arena_alloc(&arena, (n ? n : 1) * sizeof *st.rows);
		for (size_t i = 0; i < n; i++) {
			Jianyi__StatsRow *row = row_from(json_object_array_get_idx(v, i), &arena);
			if (!row) {
				jy_error("event=answer_mismatch message=StatsRow error=\"%s\"", pbjson_error());
				request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
					     "internal error (the database's answer does not match the protocol: %s)",
					     pbjson_error());
				pb_arena_free(&arena);
				json_object_put(doc);
				return;
			}
			st.rows[st.n_rows++] = row;
		}
	}
	resp.body_case = JIANYI__RESPONSE__BODY_STATS;
	resp.stats = &st;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void handle_stats(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__StatsRequest *q = body->stats;
	static const char *const groups[] = { "", "unit", "category", "term_session", "congress" };
	bool known = false;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		known = known || strcmp(q->group_by, groups[i]) == 0;
	if (!known) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "stats.group_by",
			       REASON("not_one_of", { "field", "group_by" }, { "value", q->group_by }),
				   "group_by must be empty, unit, category, term_session or congress");
		return;
	}
	if (q->term < 0 || q->term > JY_TERM_MAX) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "stats.term",
			       REASON("out_of_range", { "field", "term" }, { "min", "0" },
				      { "max", JY_STR(JY_TERM_MAX) }),
				   "term must be 0 (any) or " JY_STR(JY_TERM_MIN) " to " JY_STR(JY_TERM_MAX));
		return;
	}
	if (q->session < 0 || q->session > JY_SESSION_MAX) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "stats.session",
			       REASON("out_of_range", { "field", "session" }, { "min", "0" },
				      { "max", JY_STR(JY_SESSION_MAX) }),
				   "session must be 0 (any) or " JY_STR(JY_SESSION_MIN) " to "
				   JY_STR(JY_SESSION_MAX));
		return;
	}
	struct db_params p;
	db_params_viewer(&p, req);
	db_params_int(&p, q->term);
	db_params_int(&p, q->session);
	db_params_str(&p, q->group_by);
	db_params_str(&p, q->rollup ? "true" : "false");
	db_answer_query(req, &jy_statements[STMT_STATS], p.values, on_stats);
}
