/* GetSuggestionRequest (see handlers_get.h): a case and a page of its
 * timeline. jy_get() (sql/functions/05_reads.sql) answers with the whole timeline;
 * this handler keeps the events the request asked for that fit in one
 * frame, and says where the next page starts. */
#include "handlers_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "pbjson.h"
#include "context.h"
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
	char viewer[24], sid[24];
	snprintf(viewer, sizeof viewer, "%" PRId64, req->sess->who.account_id);
	snprintf(sid, sizeof sid, "%" PRId64, q->suggestion_id);
	const char *values[2] = { viewer, sid };
	if (!db_answer_query_arg(req, &jy_statements[STMT_GET_SUGGESTION], values, on_get, call))
		free(call);
}
