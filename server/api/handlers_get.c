/* GetSuggestionRequest (see handlers_get.h): a case and a page of its
 * timeline. jy_get() (sql/functions/05_reads.sql) answers with the whole timeline;
 * this handler keeps the events the request asked for that fit in one
 * frame, and says where the next page starts. jy_get_with_actions
 * (sql/functions/17_allowed_actions.sql) adds the actions the caller may
 * take, from the transition table's rules for the caller's roles. */
#include "handlers_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "pbjson.h"
#include "context.h"
#include "handlers_workflow.h"
#include "statements.h"
#include "timeline_page.h"
#include "xalloc.h"

#define INVALID JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT
#define TIMELINE_LIMIT_MAX 1000
/* Room in a frame for the envelope, the status and the case itself is
 * counted exactly; this is for the varints around them. */
#define FRAME_SLACK 64

/* What the request asked for, kept until the answer comes back. */
struct get_call {
	struct request *req;
	int64_t after;
	int32_t limit;
};

static void on_get(const struct db_result *r, void *arg)
{
	struct get_call *call = arg;
	struct request *req = call->req;
	json_object *doc = db_answer_take(req, r, "");
	if (!doc) {
		free(call);
		return;
	}
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__GetSuggestionResponse get = JIANYI__GET_SUGGESTION_RESPONSE__INIT;
	if (!db_answer_fill(req, &get.base, doc, &arena, NULL)) { /* suggestion, timeline */
		pb_arena_free(&arena);
		json_object_put(doc);
		free(call);
		return;
	}
	resp.body_case = JIANYI__RESPONSE__BODY_GET_SUGGESTION;
	resp.get_suggestion = &get;
	size_t frame = req->ctx->cfg->max_frame_bytes;
	Jianyi__GetSuggestionResponse bare = get;
	bare.n_timeline = 0;
	size_t head = jianyi__get_suggestion_response__get_packed_size(&bare) + FRAME_SLACK;
	size_t budget = frame > head ? frame - head : 0;
	size_t start, count;
	get.timeline_next_after = timeline_page(get.timeline, get.n_timeline, call->after, call->limit,
						budget, &start, &count);
	get.timeline += start;
	get.n_timeline = count;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
	free(call);
}

void handle_get_suggestion(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__GetSuggestionRequest *q = body->get_suggestion;
	const char *bad = NULL, *why = NULL;
	if (q->suggestion_id <= 0)
		bad = "get_suggestion.suggestion_id", why = "suggestion_id must be a positive id";
	else if (q->timeline_after < 0)
		bad = "get_suggestion.timeline_after", why = "timeline_after must be 0 or a sequence";
	else if (q->timeline_limit < 0 || q->timeline_limit > TIMELINE_LIMIT_MAX)
		bad = "get_suggestion.timeline_limit",
		why = "timeline_limit must be 0 (as many as fit) to 1000";
	if (bad) {
		request_refuse(req, INVALID, bad, REASON("bad_value", { "field", reason_field(bad) }),
			       "%s", why);
		return;
	}
	struct get_call *call = jy_xmalloc(sizeof *call);
	*call = (struct get_call){ .req = req, .after = q->timeline_after, .limit = q->timeline_limit };
	/* The rules of the caller's roles, for allowed_actions. */
	const struct identity *who = &req->sess->who;
	json_object *rules = act_rules(wf_roles_mask(who->roles, who->n_roles));
	struct db_params p;
	db_params_viewer(&p, req);
	db_params_int(&p, q->suggestion_id);
	db_params_str(&p, json_object_to_json_string_ext(rules, JSON_C_TO_STRING_PLAIN));
	if (!db_answer_query_arg(req, &jy_statements[STMT_GET_SUGGESTION], p.values, on_get, call))
		free(call);
	json_object_put(rules); /* values are copied */
}
