#include "handlers_sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "feed.h"
#include "log.h"
#include "pbjson.h"
#include "context.h"
#include "statements.h"

#define SYNC_DEFAULT FEED_PAGE
#define SYNC_MAX 5000

/* What the request asked for, kept until the page comes back. */
struct sync_call {
	struct request *req;
	bool live;
};

/* The subscription starts after the answer (request_reply_then_subscribe). */
static void subscribe(void *feed, struct session *s, int64_t cursor)
{
	feed_subscribe(feed, s, cursor);
}

static void on_sync(const struct db_result *r, void *arg)
{
	struct sync_call *call = arg;
	struct request *req = call->req;
	bool live = call->live;
	free(call);
	if (r->outcome == DB_UNAVAILABLE || r->outcome == DB_SHUTDOWN) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, NULL, REASON("database_unavailable"),
			     "database unavailable (%s); try again", r->error);
		return;
	}
	if (db_result_timed_out(r)) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED, NULL, REASON("timeout"),
			     "the database did not answer within statement_timeout (%s); try again",
			     r->error);
		return;
	}
	json_object *doc = r->outcome == DB_OK && PQntuples(r->res) == 1
				   ? json_tokener_parse(PQgetvalue(r->res, 0, 0)) : NULL;
	if (!doc) {
		jy_error("event=sync_sql_failed sqlstate=%s error=\"%s\"", r->sqlstate, r->error);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"), "internal error (%s)",
			     r->sqlstate[0] ? r->sqlstate : "no result");
		return;
	}
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__SyncResponse sync = JIANYI__SYNC_RESPONSE__INIT;
	json_object *v;
	int64_t cursor = 0;
	char cursor_text[32];
	sync.n_events = feed_events_from_json(json_object_object_get_ex(doc, "events", &v) ? v : NULL,
					      &sync.events, &arena);
	if (json_object_object_get_ex(doc, "cursor", &v))
		cursor = json_object_get_int64(v);
	if (json_object_object_get_ex(doc, "caught_up", &v))
		sync.caught_up = json_object_get_boolean(v);
	feed_cursor_format(cursor_text, sizeof cursor_text, cursor);
	sync.cursor = cursor_text;
	resp.body_case = JIANYI__RESPONSE__BODY_SYNC;
	resp.sync = &sync;
	request_reply_then_subscribe(req, &resp, live && sync.caught_up, subscribe,
				     req->ctx->feed, cursor);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void handle_sync(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__SyncRequest *q = body->sync;
	int64_t after;
	if (!feed_cursor_parse(q->cursor, &after)) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "sync.cursor", REASON("bad_cursor"),
				   "cursor is not one this server gave out; use \"\" to start from the beginning");
		return;
	}
	if (q->page_size < 0 || q->page_size > SYNC_MAX) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "sync.page_size",
			       REASON("bad_value", { "field", "page_size" }),
				   "page_size must be 0 (default %d) to %d", SYNC_DEFAULT, SYNC_MAX);
		return;
	}
	char viewer[24], after_text[24], limit[16];
	snprintf(viewer, sizeof viewer, "%" PRId64, req->sess->who.account_id);
	snprintf(after_text, sizeof after_text, "%" PRId64, after);
	snprintf(limit, sizeof limit, "%d", q->page_size ? q->page_size : SYNC_DEFAULT);
	const char *values[3] = { viewer, after_text, limit };
	struct sync_call *call = malloc(sizeof *call);
	if (!call)
		abort();
	call->req = req;
	call->live = q->live;
	if (!db_query(req->ctx->db, &jy_statements[STMT_SYNC], values, on_sync, call)) {
		free(call);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, NULL, REASON("overloaded"),
			     "server is overloaded (database queue full); try again later");
	}
}
