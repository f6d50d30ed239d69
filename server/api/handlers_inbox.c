/* Inbox requests; see handlers_inbox.h. */
#include "handlers_inbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "log.h"
#include "notice_push.h"
#include "pbjson.h"
#include "context.h"
#include "statements.h"
#include "xalloc.h"

#define INVALID JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT

/* What the request asked for, kept until the page comes back. */
struct inbox_call {
	struct request *req;
	bool follow;
};

/* Following starts after the answer (request_reply_then_subscribe). */
static void follow_inbox(void *push, struct session *s, int64_t cursor)
{
	notice_push_follow(push, s, cursor);
}

static void on_inbox(const struct db_result *r, void *arg)
{
	struct inbox_call *call = arg;
	struct request *req = call->req;
	bool follow = call->follow;
	free(call);
	json_object *doc = db_answer_take(req, r, "inbox.");
	if (!doc)
		return;
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__InboxResponse inbox = JIANYI__INBOX_RESPONSE__INIT;
	static const char *const side[] = { "latest", NULL };
	if (!db_answer_fill(req, &inbox.base, doc, &arena, side)) { /* notices, next_before_id, unread */
		pb_arena_free(&arena);
		json_object_put(doc);
		return;
	}
	json_object *v;
	/* The caller's newest notice, whatever the page: pushes start after it. */
	int64_t latest = json_object_object_get_ex(doc, "latest", &v) ? json_object_get_int64(v) : 0;
	resp.body_case = JIANYI__RESPONSE__BODY_INBOX;
	resp.inbox = &inbox;
	request_reply_then_subscribe(req, &resp, follow, follow_inbox, req->ctx->push, latest);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void handle_inbox(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__InboxRequest *q = body->inbox;
	if (q->limit < 0 || q->limit > INBOX_MAX) {
		request_refuse(req, INVALID, "inbox.limit", REASON("bad_value", { "field", "limit" }),
			       "limit must be 0 (default %d) to %d",
				   INBOX_DEFAULT, INBOX_MAX);
		return;
	}
	if (q->before_id < 0) {
		request_refuse(req, INVALID, "inbox.before_id", REASON("bad_value", { "field", "before_id" }),
				   "before_id must be 0 (from the newest) or a notice id");
		return;
	}
	char account[24], limit[16], before[24];
	snprintf(account, sizeof account, "%" PRId64, req->sess->who.account_id);
	snprintf(limit, sizeof limit, "%d", q->limit ? q->limit : INBOX_DEFAULT);
	snprintf(before, sizeof before, "%" PRId64, q->before_id);
	const char *values[4] = { account, q->unread_only ? "true" : "false", limit, before };
	struct inbox_call *call = jy_xmalloc(sizeof *call);
	call->req = req;
	call->follow = q->follow;
	if (!db_answer_query_arg(req, &jy_statements[STMT_INBOX], values, on_inbox, call))
		free(call);
}

static void on_mark(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	json_object *doc = db_answer_take(req, r, "inbox_mark.");
	if (!doc)
		return;
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__InboxMarkResponse mark = JIANYI__INBOX_MARK_RESPONSE__INIT;
	json_object *v;
	mark.marked = json_object_object_get_ex(doc, "marked", &v) ? json_object_get_int64(v) : 0;
	resp.body_case = JIANYI__RESPONSE__BODY_INBOX_MARK;
	resp.inbox_mark = &mark;
	request_reply(req, &resp);
	json_object_put(doc);
}

void handle_inbox_mark(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__InboxMarkRequest *q = body->inbox_mark;
	if (q->n_notice_ids == 0 || q->n_notice_ids > INBOX_MARK_MAX) {
		request_refuse(req, INVALID, "inbox_mark.notice_ids",
			       REASON("bad_value", { "field", "notice_ids" }),
				   "give 1 to %d notice ids (%zu given)", INBOX_MARK_MAX, q->n_notice_ids);
		return;
	}
	/* A bigint[] literal of digits only: built from integers, never from
	 * text the client sent. */
	size_t cap = q->n_notice_ids * 21 + 3, len = 0;
	char *ids = jy_xmalloc(cap);
	ids[len++] = '{';
	for (size_t i = 0; i < q->n_notice_ids; i++) {
		if (q->notice_ids[i] <= 0) {
			free(ids);
			request_refuse(req, INVALID, "inbox_mark.notice_ids",
				       REASON("not_positive_id", { "field", "notice_ids" }),
					   "notice ids are positive (got %" PRId64 ")", q->notice_ids[i]);
			return;
		}
		len += (size_t)snprintf(ids + len, cap - len, "%s%" PRId64, i ? "," : "",
					q->notice_ids[i]);
	}
	snprintf(ids + len, cap - len, "}");
	char account[24];
	snprintf(account, sizeof account, "%" PRId64, req->sess->who.account_id);
	const char *values[2] = { account, ids };
	db_answer_query(req, &jy_statements[STMT_INBOX_MARK], values, on_mark);
	free(ids); /* db_query copied it */
}
