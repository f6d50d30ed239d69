#include "wf_helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <libpq-fe.h>

static const char *const action_names[] = {
	"unspecified", "create", "cosign", "submit", "withdraw", "register", "return",
	"merge", "convert", "assign", "accept", "dispute", "reassign", "plan", "contact",
	"opinion", "extend", "approve_extension", "reply", "follow_up", "evaluate",
	"supervise", "close", "edit", "correct",
};

const char *wf_action_name(int action)
{
	if (action >= 0 && (size_t)action < sizeof action_names / sizeof action_names[0])
		return action_names[action];
	return "?";
}

void wf_act_init(struct jy_act *a, int action, int64_t suggestion_id, int32_t expected_version)
{
	static unsigned counter;
	char key[64];
	struct jy_error e = { 0 };

	jy_act_init(a, (Jianyi__Action)action, suggestion_id, expected_version);
	/* Unique per process and run: pid, time, counter. */
	snprintf(key, sizeof key, "e2e-%d-%lld-%u", (int)getpid(), (long long)time(NULL),
		 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	if (!jy_act_set_key(a, key, &e))
		fail_msg("%s", e.message);
}

void wf_request(Jianyi__Request *req, struct jy_act *a)
{
	jy_request_act(req, a);
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

int wf_do(struct jy_client *c, struct jy_act *a, struct wf_res *r)
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

int wf_call(struct jy_client *c, Jianyi__Request *req, Jianyi__Envelope **out, char *msg,
	    size_t msglen)
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
	return wf_call(c, &req, out, msg, msglen);
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
	int code = wf_call(c, &req, out, msg, msglen);
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

void wf_date_add(char *buf, size_t len, const char *date, int days)
{
	time_t t = (time_t)(day_number(date) + days) * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

void wf_weekday_on_or_after(char *buf, size_t len, const char *date)
{
	time_t t = (time_t)day_number(date) * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	int skip = tm.tm_wday == 6 ? 2 : tm.tm_wday == 0 ? 1 : 0;
	wf_date_add(buf, len, date, skip);
}

/* ---- the workflow fixture: accounts, one server, connections ------------ */

struct harness H;
struct server_proc S;
int64_t unit_a, unit_b, unit_c, unit_d, committee_id;
int64_t dep_wang, dep_li, dep_zhao, dep_sun;

static const char *const logins[] = {
	"liaison", "gov", "a-clerk", "a-head", "b-clerk", "b-head", "c-clerk", "c-head",
	"cmte", "leader", "deputy-wang", "deputy-li", "deputy-zhao", "deputy-sun", "visitor",
};
#define NLOGINS (sizeof logins / sizeof logins[0])

/* ---- connections, one per login, made on first use ---------------------- */

static struct jy_client *conns[NLOGINS + 1];
static const char *conn_names[NLOGINS + 1] = { [NLOGINS] = "bob" };

struct jy_client *cx(const char *who)
{
	for (size_t i = 0; i <= NLOGINS; i++) {
		const char *n = i < NLOGINS ? logins[i] : conn_names[i];
		if (strcmp(n, who) == 0) {
			if (!conns[i])
				conns[i] = client_connect(&H, &S, who);
			return conns[i];
		}
	}
	fail_msg("no account %s", who);
	return NULL;
}

/* Drops a connection (after the server closed it, or a restart). */
void cx_drop(const char *who)
{
	for (size_t i = 0; i <= NLOGINS; i++) {
		const char *n = i < NLOGINS ? logins[i] : conn_names[i];
		if ((!who || strcmp(n, who) == 0) && conns[i]) {
			jy_close(conns[i]);
			conns[i] = NULL;
		}
	}
}

int64_t sql_id(const char *query, const char *arg)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect to the test database: %s", PQerrorMessage(db));
	const char *p[1] = { arg };
	PGresult *res = PQexecParams(db, query, arg ? 1 : 0, NULL, p, NULL, NULL, 0);
	int64_t v = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		v = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(db);
	return v;
}

void sql_exec(const char *query, const char *arg)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect to the test database: %s", PQerrorMessage(db));
	const char *p[1] = { arg };
	PGresult *res = PQexecParams(db, query, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", query, PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
}

void wf_fixture_up(const char *server_extra)
{
	harness_init(&H);
	for (size_t i = 0; i < NLOGINS; i++)
		harness_client_cert(&H, logins[i]);
	char *batch = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&batch, &len);
	fprintf(f,
		"org-add --name 县政府办公室 --kind government_office\n"
		"org-add --name " UNIT_A " --kind handling_unit\n"
		"org-add --name " UNIT_B " --kind handling_unit\n"
		"org-add --name " UNIT_C " --kind handling_unit\n"
		"org-add --name 教科文卫工委 --kind special_committee\n"
		"org-add --name 常委会 --kind standing_committee\n"
		"org-add --name 城关代表联络站 --kind liaison_station\n"
		"org-add --name 公众门户 --kind administration\n"
		"deputy-add --name " WANG " --term 18 --delegation 城关镇代表团 --station 城关代表联络站\n"
		"deputy-add --name " LI " --term 18 --station 城关代表联络站\n"
		"deputy-add --name " ZHAO " --term 18\n"
		"deputy-add --name " SUN " --term 18\n"
		"account-add --login liaison --name 刘联络 --org 联工委 --roles liaison_officer --cert %1$s/liaison.crt\n"
		"account-add --login gov --name 郑政办 --org 县政府办公室 --roles government_officer --cert %1$s/gov.crt\n"
		"account-add --login a-clerk --name 甲经办 --org " UNIT_A " --roles unit_clerk --cert %1$s/a-clerk.crt\n"
		"account-add --login a-head --name 甲局长 --org " UNIT_A " --roles unit_head --cert %1$s/a-head.crt\n"
		"account-add --login b-clerk --name 乙经办 --org " UNIT_B " --roles unit_clerk --cert %1$s/b-clerk.crt\n"
		"account-add --login b-head --name 乙局长 --org " UNIT_B " --roles unit_head --cert %1$s/b-head.crt\n"
		"account-add --login c-clerk --name 丙经办 --org " UNIT_C " --roles unit_clerk --cert %1$s/c-clerk.crt\n"
		"account-add --login c-head --name 丙局长 --org " UNIT_C " --roles unit_head --cert %1$s/c-head.crt\n"
		"account-add --login cmte --name 钱委员 --org 教科文卫工委 --roles committee_member --cert %1$s/cmte.crt\n"
		"account-add --login leader --name 周主任 --org 常委会 --roles leader --cert %1$s/leader.crt\n"
		"account-add --login deputy-wang --name " WANG " --org 城关代表联络站 --roles deputy --deputy 1 --cert %1$s/deputy-wang.crt\n"
		"account-add --login deputy-li --name " LI " --org 城关代表联络站 --roles deputy --deputy 2 --cert %1$s/deputy-li.crt\n"
		"account-add --login deputy-zhao --name " ZHAO " --org 城关代表联络站 --roles deputy --deputy 3 --cert %1$s/deputy-zhao.crt\n"
		"account-add --login deputy-sun --name " SUN " --org 城关代表联络站 --roles deputy --deputy 4 --cert %1$s/deputy-sun.crt\n"
		"account-add --login visitor --name 访客 --org 公众门户 --roles public --cert %1$s/visitor.crt\n",
		H.pki);
	fclose(f);
	harness_batch(&H, batch);
	free(batch);

	const char *org = "SELECT id FROM organizations WHERE name = $1";
	unit_a = sql_id(org, UNIT_A);
	unit_b = sql_id(org, UNIT_B);
	unit_c = sql_id(org, UNIT_C);
	unit_d = sql_id(org, UNIT_D);
	committee_id = sql_id(org, "教科文卫工委");
	const char *dep = "SELECT deputy_id FROM accounts WHERE login = $1";
	dep_wang = sql_id(dep, "deputy-wang");
	dep_li = sql_id(dep, "deputy-li");
	dep_zhao = sql_id(dep, "deputy-zhao");
	dep_sun = sql_id(dep, "deputy-sun");
	assert_true(unit_a > 0 && unit_b > 0 && unit_c > 0 && unit_d > 0 && committee_id > 0);
	/* Deputy ids are assigned in order on the fresh database. */
	assert_int_equal(dep_wang, 1);
	assert_int_equal(dep_li, 2);
	assert_int_equal(dep_zhao, 3);
	assert_int_equal(dep_sun, 4);

	server_start(&H, &S, server_extra);
}

int wf_setup(void **state)
{
	(void)state;
	wf_fixture_up(NULL);
	return 0;
}

int wf_teardown(void **state)
{
	(void)state;
	cx_drop(NULL);
	harness_teardown(&H, &S);
	return 0;
}

/* ---- cases and steps ----------------------------------------------------- */

struct step_rec *recording;
size_t nrecorded, maxrecorded;

/* Whether state is one of "a|b|c". */
bool state_in(const char *state, const char *alternatives)
{
	char want[128];
	snprintf(want, sizeof want, "|%s|", alternatives);
	char got[64];
	snprintf(got, sizeof got, "|%s|", state);
	return strstr(want, got) != NULL;
}

/* Sends a as who; it must succeed, move k to a state in expect ("a|b"; NULL:
 * any) and add exactly one version. Keeps the result in *keep if given. */
void ok_step(const char *who, struct jy_act *a, struct kase *k, const char *expect,
	     struct wf_res *keep)
{
	struct wf_res r;
	int code = wf_do(cx(who), a, &r);
	const char *action = wf_action_name(a->req.action);
	if (code != OK)
		fail_msg("%s %s on #%lld (v%d, %s): %s: %s [field %s]", who, action, (long long)k->id,
			 k->version, k->state, jy_status_str(code), r.message, r.field);
	assert_non_null(r.sug);
	if (a->req.action == A(CREATE)) {
		assert_true(r.sug->id > 0);
		k->id = r.sug->id;
		k->version = 0;
		snprintf(k->state, sizeof k->state, "%s", "");
	}
	if (r.sug->id != k->id)
		fail_msg("%s %s: answered suggestion %lld, sent %lld", who, action,
			 (long long)r.sug->id, (long long)k->id);
	if (r.sug->version != k->version + 1)
		fail_msg("%s %s on #%lld: version %d after v%d, expected %d", who, action,
			 (long long)k->id, r.sug->version, k->version, k->version + 1);
	if (expect && !state_in(state_str(r.sug->state), expect))
		fail_msg("%s %s on #%lld: state '%s' after '%s', expected %s", who, action,
			 (long long)k->id, state_str(r.sug->state), k->state, expect);
	assert_false(r.act->replayed);
	assert_true(r.act->event_sequence > 0);
	if (recording && nrecorded < maxrecorded) {
		struct step_rec *s = &recording[nrecorded++];
		snprintf(s->kind, sizeof s->kind, "%s", action);
		snprintf(s->actor, sizeof s->actor, "%s", who);
		snprintf(s->from, sizeof s->from, "%s", a->req.action == A(CREATE) ? "" : k->state);
		snprintf(s->to, sizeof s->to, "%s", state_str(r.sug->state));
	}
	k->version = r.sug->version;
	snprintf(k->state, sizeof k->state, "%s", state_str(r.sug->state));
	if (keep)
		*keep = r;
	else
		wf_res_free(&r);
}

/* The last form of an evaluation round: the form's event (the state stays
 * replied) and the round's outcome event (no actor) moving k to a state in
 * expect: two versions. Records both while recording is set. */
void ok_closing_step(const char *who, struct jy_act *a, struct kase *k, const char *expect)
{
	struct wf_res r;
	int code = wf_do(cx(who), a, &r);
	if (code != OK)
		fail_msg("%s evaluate on #%lld (v%d, %s): %s: %s", who, (long long)k->id, k->version,
			 k->state, jy_status_str(code), r.message);
	if (r.sug->version != k->version + 2 || !state_in(state_str(r.sug->state), expect))
		fail_msg("%s evaluate on #%lld: v%d %s after v%d, expected v%d %s (form + outcome)", who,
			 (long long)k->id, r.sug->version, state_str(r.sug->state), k->version, k->version + 2,
			 expect);
	if (recording && nrecorded + 1 < maxrecorded) {
		struct step_rec *s = &recording[nrecorded++];
		snprintf(s->kind, sizeof s->kind, "evaluate");
		snprintf(s->actor, sizeof s->actor, "%s", who);
		snprintf(s->from, sizeof s->from, "%s", k->state);
		snprintf(s->to, sizeof s->to, "%s", k->state);
		s = &recording[nrecorded++];
		snprintf(s->kind, sizeof s->kind, "evaluation_outcome");
		snprintf(s->actor, sizeof s->actor, "%s", "");
		snprintf(s->from, sizeof s->from, "%s", k->state);
		snprintf(s->to, sizeof s->to, "%s", state_str(r.sug->state));
	}
	k->version = r.sug->version;
	snprintf(k->state, sizeof k->state, "%s", state_str(r.sug->state));
	wf_res_free(&r);
}

/* Valid params for action a (so that only role/state/relation decide). */
void valid_params(struct jy_act *a, int action)
{
	static int64_t co_b[1];
	static char date30[16], date_today[16];
	co_b[0] = unit_b;
	wf_date(date30, sizeof date30, 30);
	wf_date(date_today, sizeof date_today, 0);
	switch (action) {
	case A(CREATE):
		a->create.title = "关于完善城区停车设施的建议";
		a->create.body = "城区停车难问题突出，建议规划建设公共停车场。";
		a->create.category = "城建";
		break;
	case A(WITHDRAW): case A(RETURN): case A(DISPUTE): case A(CLOSE):
		a->reason.reason = "书面说明理由";
		break;
	case A(REGISTER):
		a->reg.term = 18;
		a->reg.session = 9;
		break;
	case A(ASSIGN): case A(REASSIGN):
		a->assign.lead_unit_id = unit_a;
		a->assign.n_co_unit_ids = 1;
		a->assign.co_unit_ids = co_b;
		a->assign.reason = "重新交办";
		break;
	case A(PLAN):
		a->plan.handler_name = "张经办";
		a->plan.handler_phone = "0571-12345678";
		a->plan.plan = "现场调研，制定方案，年内实施";
		a->plan.promised_date = date30;
		break;
	case A(CONTACT):
		a->contact.phase = "before";
		a->contact.method = "phone";
		a->contact.date = date_today;
		a->contact.note = "电话沟通办理思路";
		break;
	case A(OPINION):
		a->opinion.text = "协办意见：同意主办单位方案。";
		break;
	case A(EXTEND):
		a->extend.days = 30;
		a->extend.reason = "需跨年度预算安排";
		break;
	case A(APPROVE_EXTENSION):
		a->approve.extension_id = 1;
		a->approve.approve = true;
		a->approve.reason = "同意";
		break;
	case A(REPLY):
		a->reply.text = "答复：已列入年度计划。";
		a->reply.result_class = "B";
		break;
	case A(FOLLOW_UP):
		a->follow_up.text = "跟踪报告：已完成。";
		a->follow_up.result_class = "A";
		break;
	case A(EVALUATE):
		a->evaluate.attitude = "satisfied";
		a->evaluate.result = "satisfied";
		a->evaluate.comment = "满意";
		break;
	case A(EDIT):
		a->edit.title = "修改后的标题";
		break;
	case A(CORRECT):
		a->correct.title = "更正后的标题";
		a->correct.reason = "标题有错字";
		break;
	case A(SUPERVISE):
		a->supervise.kind = "note";
		a->supervise.text = "督办意见";
		break;
	case A(MERGE):
		a->merge.into_suggestion_id = 1;
		a->merge.reason = "内容相同";
		break;
	case A(CONVERT):
		a->convert.to_kind = "letter";
		a->convert.reason = "转为来信";
		break;
	default:
		break;
	}
}

void act(const char *who, int action, struct kase *k, const char *expect)
{
	struct jy_act a;
	wf_act_init(&a, action, k->id, k->version);
	valid_params(&a, action);
	ok_step(who, &a, k, expect, NULL);
}

/* A new case by deputy-wang brought to stage. joint: li (confirmed) and zhao
 * (never confirms) co-sign. Units: lead A, co B. */
void wf_submit_removing(struct jy_act *a, int64_t *ids, size_t n)
{
	a->submit.remove_cosigner_deputy_ids = ids;
	a->submit.n_remove_cosigner_deputy_ids = n;
	a->req.params_case = JIANYI__ACT_REQUEST__PARAMS_SUBMIT;
	a->req.submit = &a->submit;
}

void prepare(struct kase *k, enum stage stage, const char *title, bool joint)
{
	memset(k, 0, sizeof *k);
	struct jy_act a;
	wf_act_init(&a, A(CREATE), 0, 0);
	int64_t co[2] = { dep_li, dep_zhao };
	a.create.title = (char *)title;
	a.create.body = "建议正文：请有关部门研究办理。";
	a.create.category = "交通";
	if (joint) {
		a.create.n_cosigner_deputy_ids = 2;
		a.create.cosigner_deputy_ids = co;
	}
	ok_step("deputy-wang", &a, k, "draft", NULL);
	if (joint)
		act("deputy-li", A(COSIGN), k, "draft");
	if (stage >= ST_SUBMITTED && joint) {
		wf_act_init(&a, A(SUBMIT), k->id, k->version);
		wf_submit_removing(&a, &co[1], 1);
		ok_step("deputy-wang", &a, k, "submitted", NULL);
	} else if (stage >= ST_SUBMITTED) {
		act("deputy-wang", A(SUBMIT), k, "submitted");
	}
	if (stage >= ST_REGISTERED)
		act("liaison", A(REGISTER), k, "registered");
	if (stage >= ST_ASSIGNED)
		act("gov", A(ASSIGN), k, "assigned");
	if (stage >= ST_ACCEPTED)
		act("a-clerk", A(ACCEPT), k, "accepted");
	if (stage >= ST_IN_PROGRESS_NOCONTACT)
		act("a-clerk", A(PLAN), k, "in_progress");
	if (stage >= ST_IN_PROGRESS)
		act("a-clerk", A(CONTACT), k, "in_progress");
	if (stage >= ST_REPLIED)
		act("a-head", A(REPLY), k, "replied");
}

bool has_string(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* The id of the case's latest extension: from the extend event's details
 * ("extension_id"), else from the database. */
int64_t extension_id_of(const struct kase *k)
{
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k->id);
	Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	int64_t id = 0;
	for (size_t i = gs->n_timeline; i-- > 0 && id == 0;) {
		if (strcmp(gs->timeline[i]->kind, "extend") != 0)
			continue;
		json_object *o = json_tokener_parse(gs->timeline[i]->details);
		json_object *v;
		if (o && (json_object_object_get_ex(o, "extension_id", &v) ||
			  json_object_object_get_ex(o, "id", &v)))
			id = json_object_get_int64(v);
		json_object_put(o);
	}
	jy_envelope_free(g);
	if (id == 0) {
		print_message("note: the extend event does not carry extension_id; "
			      "looking it up in the database\n");
		char sid[32];
		snprintf(sid, sizeof sid, "%lld", (long long)k->id);
		id = sql_id("SELECT max(id) FROM extensions WHERE suggestion_id = $1::bigint", sid);
	}
	if (id == 0)
		fail_msg("cannot learn the extension id of #%lld (not in the extend event's "
			 "details, no extensions table row)", (long long)k->id);
	return id;
}

/* Before each test: nothing recorded (a failed scenario leaves it set). */
int wf_each(void **state)
{
	(void)state;
	recording = NULL;
	return 0;
}

/* ---- bulk data -------------------------------------------------------------- */

static void bulk_exec(PGconn *db, const char *sql)
{
	PGresult *r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s", PQerrorMessage(db));
	PQclear(r);
}

void wf_bulk_cases(int n, int term, int session)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	char sql[4096];
	bulk_exec(db, "BEGIN");
	snprintf(sql, sizeof sql,
		 "INSERT INTO suggestions (state, version, title, body, category, lead_deputy_id,"
		 " created_by, term, session, number, reply_deadline, dispute_due, key, handler_name,"
		 " handler_phone, plan, promised_date)"
		 " SELECT 'in_progress', 6, '关于第' || g || '片区道路交通与公共服务设施改进的建议',"
		 " '建议正文：请有关部门研究办理。', (ARRAY['交通','城建','教育','财政'])[1 + g %% 4],"
		 " %lld, (SELECT id FROM accounts WHERE login = 'deputy-wang'), %d, %d, g,"
		 " current_date + 60, current_date + 10, g %% 10 = 0, '张经办', '0571-12345678',"
		 " '现场调研，制定方案，年内实施', current_date + 30"
		 " FROM generate_series(1, %d) AS g",
		 (long long)dep_wang, term, session, n);
	bulk_exec(db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO registration_counters (term, session, last_number) VALUES (%d, %d, %d)",
		 term, session, n);
	bulk_exec(db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position, confirmed_at)"
		 " SELECT id, lead_deputy_id, 'lead', 0, created_at FROM suggestions"
		 " WHERE term = %d AND session = %d", term, session);
	bulk_exec(db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO suggestion_units (suggestion_id, organization_id, role, position, accepted_at)"
		 " SELECT s.id, u.org, u.role, u.pos, now() FROM suggestions s,"
		 " (VALUES (%lld::bigint, 'lead', 0), (%lld::bigint, 'co', 1)) AS u (org, role, pos)"
		 " WHERE s.term = %d AND s.session = %d",
		 (long long)unit_a, (long long)unit_b, term, session);
	bulk_exec(db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state)"
		 " SELECT s.id, (SELECT id FROM accounts WHERE login = e.actor), e.kind, e.f, e.t"
		 " FROM suggestions s, (VALUES (1, 'deputy-wang', 'create', NULL, 'draft'),"
		 "  (2, 'deputy-wang', 'submit', 'draft', 'submitted'),"
		 "  (3, 'liaison', 'register', 'submitted', 'registered'),"
		 "  (4, 'gov', 'assign', 'registered', 'assigned'),"
		 "  (5, 'a-clerk', 'accept', 'assigned', 'accepted'),"
		 "  (6, 'a-clerk', 'plan', 'accepted', 'in_progress'))"
		 "  AS e (n, actor, kind, f, t)"
		 " WHERE s.term = %d AND s.session = %d ORDER BY s.id, e.n",
		 term, session);
	bulk_exec(db, sql);
	bulk_exec(db, "COMMIT");
	/* Only the tables written: a bare ANALYZE warns about every shared
	 * catalog the database owner may not analyze. */
	bulk_exec(db, "ANALYZE suggestions, suggestion_signers, suggestion_units, events");
	PQfinish(db);
}

/* ---- the HTTP side ----------------------------------------------------------- */

void wf_http_free(struct wf_http *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof *r);
}

int wf_http_connect(void)
{
	return wf_http_connect_port(S.http_port);
}

int wf_http_connect_port(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct timeval tv = { 10, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

void wf_http_get(const char *target, struct wf_http *r)
{
	wf_http_get_port(S.http_port, target, r);
}

void wf_http_get_port(int port, const char *target, struct wf_http *r)
{
	memset(r, 0, sizeof *r);
	assert_true(port > 0);
	int fd = wf_http_connect_port(port);
	char req[2048];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", target);
	assert_int_equal(write(fd, req, (size_t)n), n);
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t got;
	while ((got = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)got;
		if (len == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	close(fd);
	buf[len] = '\0';
	char *sep = strstr(buf, "\r\n\r\n");
	if (!sep)
		fail_msg("GET %s: no complete answer (%zu bytes)", target, len);
	*sep = '\0';
	r->head = strdup(buf);
	r->body = strdup(sep + 4);
	free(buf);
	assert_int_equal(sscanf(r->head, "HTTP/1.%*d %d", &r->status), 1);
}
