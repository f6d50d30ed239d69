#include "wf_helpers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

static const char *const action_names[] = {
	"unspecified", "create", "cosign", "submit", "withdraw", "register", "return",
	"merge", "convert", "assign", "accept", "dispute", "reassign", "plan", "contact",
	"opinion", "extend", "approve_extension", "reply", "follow_up", "evaluate",
	"supervise", "close",
};

const char *wf_action_name(int action)
{
	if (action >= 0 && (size_t)action < sizeof action_names / sizeof action_names[0])
		return action_names[action];
	return "?";
}

void wf_act_init(struct wf_act *a, int action, int64_t suggestion_id, int32_t expected_version)
{
	static unsigned counter;
	memset(a, 0, sizeof *a);
	jianyi__act_request__init(&a->req);
	jianyi__create_params__init(&a->create);
	jianyi__reason_params__init(&a->reason);
	jianyi__register_params__init(&a->reg);
	jianyi__merge_params__init(&a->merge);
	jianyi__convert_params__init(&a->convert);
	jianyi__assign_params__init(&a->assign);
	jianyi__plan_params__init(&a->plan);
	jianyi__contact_params__init(&a->contact);
	jianyi__opinion_params__init(&a->opinion);
	jianyi__extend_params__init(&a->extend);
	jianyi__approve_extension_params__init(&a->approve);
	jianyi__reply_params__init(&a->reply);
	jianyi__follow_up_params__init(&a->follow_up);
	jianyi__evaluate_params__init(&a->evaluate);
	jianyi__supervise_params__init(&a->supervise);
	/* Unique per process and run: pid, time, counter. */
	snprintf(a->key, sizeof a->key, "e2e-%d-%lld-%u", (int)getpid(), (long long)time(NULL),
		 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	a->req.idempotency_key = a->key;
	a->req.suggestion_id = suggestion_id;
	a->req.expected_version = expected_version;
	a->req.action = (Jianyi__Action)action;
	Jianyi__ActRequest *r = &a->req;
	switch (action) {
	case JIANYI__ACTION__ACTION_CREATE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CREATE;
		r->create = &a->create;
		break;
	case JIANYI__ACTION__ACTION_WITHDRAW:
	case JIANYI__ACTION__ACTION_RETURN:
	case JIANYI__ACTION__ACTION_DISPUTE:
	case JIANYI__ACTION__ACTION_CLOSE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;
		r->reason = &a->reason;
		break;
	case JIANYI__ACTION__ACTION_REGISTER:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REGISTER;
		r->register_ = &a->reg;
		break;
	case JIANYI__ACTION__ACTION_MERGE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_MERGE;
		r->merge = &a->merge;
		break;
	case JIANYI__ACTION__ACTION_CONVERT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CONVERT;
		r->convert = &a->convert;
		break;
	case JIANYI__ACTION__ACTION_ASSIGN:
	case JIANYI__ACTION__ACTION_REASSIGN:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
		r->assign = &a->assign;
		break;
	case JIANYI__ACTION__ACTION_PLAN:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_PLAN;
		r->plan = &a->plan;
		break;
	case JIANYI__ACTION__ACTION_CONTACT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
		r->contact = &a->contact;
		break;
	case JIANYI__ACTION__ACTION_OPINION:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_OPINION;
		r->opinion = &a->opinion;
		break;
	case JIANYI__ACTION__ACTION_EXTEND:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_EXTEND;
		r->extend = &a->extend;
		break;
	case JIANYI__ACTION__ACTION_APPROVE_EXTENSION:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_APPROVE_EXTENSION;
		r->approve_extension = &a->approve;
		break;
	case JIANYI__ACTION__ACTION_REPLY:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REPLY;
		r->reply = &a->reply;
		break;
	case JIANYI__ACTION__ACTION_FOLLOW_UP:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_FOLLOW_UP;
		r->follow_up = &a->follow_up;
		break;
	case JIANYI__ACTION__ACTION_EVALUATE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
		r->evaluate = &a->evaluate;
		break;
	case JIANYI__ACTION__ACTION_SUPERVISE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_SUPERVISE;
		r->supervise = &a->supervise;
		break;
	default:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS__NOT_SET;
		break;
	}
}

void wf_request(Jianyi__Request *req, struct wf_act *a)
{
	jianyi__request__init(req);
	req->body_case = JIANYI__REQUEST__BODY_ACT;
	req->act = &a->req;
}

void wf_res_from_env(struct wf_res *r, Jianyi__Envelope *env, const struct jy_error *e)
{
	memset(r, 0, sizeof *r);
	r->env = env;
	Jianyi__Response *resp = env && env->body_case == JIANYI__ENVELOPE__BODY_RESPONSE ? env->response : NULL;
	if (resp && resp->status) {
		r->code = resp->status->code;
		snprintf(r->message, sizeof r->message, "%s", resp->status->message ? resp->status->message : "");
		if (resp->status->n_violations > 0 && resp->status->violations[0]->field)
			snprintf(r->field, sizeof r->field, "%s", resp->status->violations[0]->field);
	} else if (resp) {
		r->code = 0;
	} else {
		r->code = e ? e->code : JIANYI__STATUS_CODE__STATUS_INTERNAL;
		snprintf(r->message, sizeof r->message, "%s", e ? e->message : "no response");
	}
	if (resp && resp->body_case == JIANYI__RESPONSE__BODY_ACT) {
		r->act = resp->act;
		r->sug = resp->act ? resp->act->suggestion : NULL;
	}
}

int wf_do(struct jy_client *c, struct wf_act *a, struct wf_res *r)
{
	Jianyi__Request req;
	wf_request(&req, a);
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	memset(&e, 0, sizeof e);
	bool ok = jy_call(c, &req, &env, &e);
	wf_res_from_env(r, env, &e);
	if (ok && r->code == 0 && !r->act)
		fail_msg("%s: OK without an ActResponse", wf_action_name(a->req.action));
	return r->code;
}

void wf_res_free(struct wf_res *r)
{
	if (r->env)
		jy_envelope_free(r->env);
	memset(r, 0, sizeof *r);
}

bool wf_names(const struct wf_res *r, const char *field)
{
	if (strstr(r->field, field) || strstr(r->message, field))
		return true;
	const Jianyi__Response *resp = r->env && r->env->body_case == JIANYI__ENVELOPE__BODY_RESPONSE ? r->env->response : NULL;
	if (resp && resp->status)
		for (size_t i = 0; i < resp->status->n_violations; i++) {
			const Jianyi__FieldViolation *v = resp->status->violations[i];
			if ((v->field && strstr(v->field, field)) ||
			    (v->description && strstr(v->description, field)))
				return true;
		}
	return false;
}

static int call_code(struct jy_client *c, Jianyi__Request *req, Jianyi__Envelope **out,
		     char *msg, size_t msglen)
{
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	memset(&e, 0, sizeof e);
	bool ok = jy_call(c, req, &env, &e);
	if (msg)
		snprintf(msg, msglen, "%s", ok ? "" : e.message);
	if (ok) {
		*out = env;
		return 0;
	}
	if (env)
		jy_envelope_free(env);
	*out = NULL;
	return e.code;
}

int wf_get(struct jy_client *c, int64_t id, Jianyi__Envelope **out, char *msg, size_t msglen)
{
	Jianyi__Request req;
	Jianyi__GetSuggestionRequest g;
	jianyi__request__init(&req);
	jianyi__get_suggestion_request__init(&g);
	g.suggestion_id = id;
	req.body_case = JIANYI__REQUEST__BODY_GET_SUGGESTION;
	req.get_suggestion = &g;
	return call_code(c, &req, out, msg, msglen);
}

Jianyi__Envelope *wf_get_ok(struct jy_client *c, int64_t id)
{
	Jianyi__Envelope *env = NULL;
	char msg[512];
	int code = wf_get(c, id, &env, msg, sizeof msg);
	if (code != 0)
		fail_msg("GetSuggestion %lld: %s: %s", (long long)id, jy_status_str(code), msg);
	if (env->response->body_case != JIANYI__RESPONSE__BODY_GET_SUGGESTION ||
	    !env->response->get_suggestion->suggestion)
		fail_msg("GetSuggestion %lld: OK without a suggestion", (long long)id);
	return env;
}

int wf_list(struct jy_client *c, Jianyi__ListSuggestionsRequest *l, Jianyi__Envelope **out,
	    char *msg, size_t msglen)
{
	Jianyi__Request req;
	jianyi__request__init(&req);
	req.body_case = JIANYI__REQUEST__BODY_LIST_SUGGESTIONS;
	req.list_suggestions = l;
	int code = call_code(c, &req, out, msg, msglen);
	if (code == 0 && (*out)->response->body_case != JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS)
		fail_msg("ListSuggestions: OK without a list");
	return code;
}

/* "Today" is where the congress sits: the server's settings.time_zone
 * defaults to Asia/Shanghai (UTC+8, no daylight saving time). */
#define CONGRESS_UTC_OFFSET (8 * 3600)

void wf_date(char *buf, size_t len, int days)
{
	time_t t = time(NULL) + CONGRESS_UTC_OFFSET + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m];
}

void wf_date_months(char *buf, size_t len, int months)
{
	time_t t = time(NULL) + CONGRESS_UTC_OFFSET;
	struct tm tm;
	gmtime_r(&t, &tm);
	int m = tm.tm_mon + months;
	int y = tm.tm_year + 1900 + m / 12;
	m %= 12;
	int d = tm.tm_mday;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	snprintf(buf, len, "%04d-%02d-%02d", y, m + 1, d);
}

static long day_number(const char *s)
{
	int y, m, d;
	if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return -1000000;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	return (long)(timegm(&tm) / 86400);
}

long wf_days_between(const char *a, const char *b)
{
	return day_number(b) - day_number(a);
}
