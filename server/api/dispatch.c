#include "dispatch.h"

#include <time.h>

#include "accounts.h"
#include "handlers_attach.h"
#include "handlers_enroll.h"
#include "handlers_get.h"
#include "handlers_workflow.h"
#include "handlers_sync.h"
#include "handlers_ledger.h"
#include "handlers_stats.h"
#include "handlers_deadlines.h"
#include "handlers_inbox.h"
#include "operations.h"
#include "context.h"
#include "status.h"

/* One row per request type with a handler of its own: the body it carries
 * and the handler that answers it. The requests that are only one
 * jy_write / jy_read operation are rows of operations.c instead. */
struct route {
	Jianyi__Request__BodyCase body;
	const char *kind;
	void (*handle)(struct request *req, const Jianyi__Request *body);
};

static void handle_ping(struct request *req, const Jianyi__Request *body)
{
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__PingResponse pong = JIANYI__PING_RESPONSE__INIT;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	pong.payload = body->ping->payload;
	pong.server_time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	resp.body_case = JIANYI__RESPONSE__BODY_PING;
	resp.ping = &pong;
	request_reply(req, &resp);
}

/* WhoAmI re-reads the account from the database, so a certificate revoked
 * or an account disabled since the Hello shows at once. */
static void on_whoami_lookup(enum lookup_verdict v, struct identity *who, const char *detail, void *arg)
{
	struct request *req = arg;
	if (who)
		identity_clear(who);
	if (!request_connected(req) || v == LOOKUP_OK) {
		Jianyi__Response resp = JIANYI__RESPONSE__INIT;
		Jianyi__WhoAmIResponse w = JIANYI__WHO_AM_IRESPONSE__INIT;
		Jianyi__Identity id = JIANYI__IDENTITY__INIT;
		identity_to_proto(req->sess, &id);
		w.identity = &id;
		resp.body_case = JIANYI__RESPONSE__BODY_WHOAMI;
		resp.whoami = &w;
		request_reply(req, &resp);
		return;
	}
	int code = v == LOOKUP_UNAVAILABLE ? JIANYI__STATUS_CODE__STATUS_UNAVAILABLE
		 : v == LOOKUP_DISABLED ? JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED
		 : v == LOOKUP_ERROR ? JIANYI__STATUS_CODE__STATUS_INTERNAL
		 : JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED;
	request_refuse(req, code, NULL, REASON(lookup_verdict_reason(v)), "%s", detail);
}

static void handle_whoami(struct request *req, const Jianyi__Request *body)
{
	(void)body;
	if (!accounts_lookup(req->ctx->db, req->sess->cert_sha256, on_whoami_lookup, req))
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, NULL, REASON("overloaded"),
			     "server is overloaded (database queue full); try again later");
}

static const struct route routes[] = {
	{ JIANYI__REQUEST__BODY_PING, "ping", handle_ping },
	{ JIANYI__REQUEST__BODY_WHOAMI, "whoami", handle_whoami },
	{ JIANYI__REQUEST__BODY_ENROLL, "enroll", handle_enroll },
	{ JIANYI__REQUEST__BODY_ACT, "act", handle_act },
	{ JIANYI__REQUEST__BODY_GET_SUGGESTION, "get_suggestion", handle_get_suggestion },
	{ JIANYI__REQUEST__BODY_LIST_SUGGESTIONS, "list_suggestions", handle_list_suggestions },
	{ JIANYI__REQUEST__BODY_SYNC, "sync", handle_sync },
	{ JIANYI__REQUEST__BODY_LEDGER, "ledger", handle_ledger },
	{ JIANYI__REQUEST__BODY_STATS, "stats", handle_stats },
	{ JIANYI__REQUEST__BODY_DEADLINES, "deadlines", handle_deadlines },
	{ JIANYI__REQUEST__BODY_INBOX, "inbox", handle_inbox },
	{ JIANYI__REQUEST__BODY_INBOX_MARK, "inbox_mark", handle_inbox_mark },
	{ JIANYI__REQUEST__BODY_ATTACH_FINISH, "attach_finish", handle_attach_finish },
};

void dispatch_request(const struct api_ctx *ctx, struct request *req, const Jianyi__Request *body)
{
	req->ctx = ctx;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (routes[i].body == body->body_case) {
			req->kind = routes[i].kind;
			routes[i].handle(req, body);
			return;
		}
	}
	const struct operation *op = operation_find(body->body_case);
	if (op) {
		req->kind = operation_name(op);
		operation_handle(op, req, body);
		return;
	}
	if (body->body_case == JIANYI__REQUEST__BODY__NOT_SET)
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_UNIMPLEMENTED, NULL, REASON("unsupported"),
			     "request has no body, or a type this server does not know");
	else
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_UNIMPLEMENTED, NULL, REASON("unsupported"),
			     "request type %d is not implemented", (int)body->body_case);
}
