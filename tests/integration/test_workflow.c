/* The suggestion workflow end to end (docs/WORKFLOW.md): a real PostgreSQL,
 * a real jianyid, real mutual TLS, one account per role. The full life of a
 * joint suggestion; refusals by role and by state; two writers racing;
 * idempotent retries across a restart; bad input; lists and visibility; and
 * a first throughput figure for contact transitions. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

#define A(x) JIANYI__ACTION__ACTION_##x
#define OK 0
#define INVALID JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT
#define NOT_FOUND JIANYI__STATUS_CODE__STATUS_NOT_FOUND
#define DENIED JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED
#define PRECOND JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION
#define CONFLICT JIANYI__STATUS_CODE__STATUS_CONFLICT

static struct harness H;
static struct server_proc S;

/* Organizations and deputies (ids looked up after loading). */
#define UNIT_A "县交通运输局"
#define UNIT_B "县住房和城乡建设局"
#define UNIT_C "县财政局"
#define UNIT_D "县教育局"          /* made by harness_init; bob works there */
#define WANG "王明"
#define LI "李华"
#define ZHAO "赵强"
#define SUN "孙丽"
static int64_t unit_a, unit_b, unit_c, unit_d, committee_id;
static int64_t dep_wang, dep_li, dep_zhao, dep_sun;

static const char *const logins[] = {
	"liaison", "gov", "a-clerk", "a-head", "b-clerk", "b-head", "c-clerk", "c-head",
	"cmte", "leader", "deputy-wang", "deputy-li", "deputy-zhao", "deputy-sun", "visitor",
};
#define NLOGINS (sizeof logins / sizeof logins[0])

/* ---- connections, one per login, made on first use ---------------------- */

static struct jy_client *conns[NLOGINS + 1];
static const char *conn_names[NLOGINS + 1] = { [NLOGINS] = "bob" };

static struct jy_client *cx(const char *who)
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
static void cx_drop(const char *who)
{
	for (size_t i = 0; i <= NLOGINS; i++) {
		const char *n = i < NLOGINS ? logins[i] : conn_names[i];
		if ((!who || strcmp(n, who) == 0) && conns[i]) {
			jy_close(conns[i]);
			conns[i] = NULL;
		}
	}
}

/* ---- fixture ------------------------------------------------------------- */

static int64_t sql_id(const char *query, const char *arg)
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

static int setup(void **state)
{
	(void)state;
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

	server_start(&H, &S, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cx_drop(NULL);
	if (S.pid > 0)
		server_stop(&S, SIGTERM, 10000);
	harness_cleanup(&H);
	return 0;
}

/* ---- cases and steps ----------------------------------------------------- */

struct kase {
	int64_t id;
	int32_t version;
	char state[32];
};

/* What the scenario did, to compare with the timeline at the end. */
struct step_rec {
	char kind[32];
	char actor[32];
	char from[32];
	char to[32];
};
static struct step_rec *recording;
static size_t nrecorded, maxrecorded;

/* Whether state is one of "a|b|c". */
static bool state_in(const char *state, const char *alternatives)
{
	char want[128];
	snprintf(want, sizeof want, "|%s|", alternatives);
	char got[64];
	snprintf(got, sizeof got, "|%s|", state);
	return strstr(want, got) != NULL;
}

/* Sends a as who; it must succeed, move k to a state in expect ("a|b"; NULL:
 * any) and add exactly one version. Keeps the result in *keep if given. */
static void ok_step(const char *who, struct wf_act *a, struct kase *k, const char *expect,
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
	if (expect && !state_in(r.sug->state, expect))
		fail_msg("%s %s on #%lld: state '%s' after '%s', expected %s", who, action,
			 (long long)k->id, r.sug->state, k->state, expect);
	assert_false(r.act->replayed);
	assert_true(r.act->event_sequence > 0);
	if (recording && nrecorded < maxrecorded) {
		struct step_rec *s = &recording[nrecorded++];
		snprintf(s->kind, sizeof s->kind, "%s", action);
		snprintf(s->actor, sizeof s->actor, "%s", who);
		snprintf(s->from, sizeof s->from, "%s", a->req.action == A(CREATE) ? "" : k->state);
		snprintf(s->to, sizeof s->to, "%s", r.sug->state);
	}
	k->version = r.sug->version;
	snprintf(k->state, sizeof k->state, "%s", r.sug->state);
	if (keep)
		*keep = r;
	else
		wf_res_free(&r);
}

/* Valid params for action a (so that only role/state/relation decide). */
static void valid_params(struct wf_act *a, int action)
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

static void act(const char *who, int action, struct kase *k, const char *expect)
{
	struct wf_act a;
	wf_act_init(&a, action, k->id, k->version);
	valid_params(&a, action);
	ok_step(who, &a, k, expect, NULL);
}

enum stage {
	ST_DRAFT, ST_SUBMITTED, ST_REGISTERED, ST_ASSIGNED, ST_ACCEPTED,
	ST_IN_PROGRESS_NOCONTACT, ST_IN_PROGRESS, ST_REPLIED, ST_NSTAGES
};
static const char *const stage_names[] = {
	"draft", "submitted", "registered", "assigned", "accepted",
	"in_progress (no contact)", "in_progress", "replied",
};

/* A new case by deputy-wang brought to stage. joint: li (confirmed) and zhao
 * (never confirms) co-sign. Units: lead A, co B. */
static void prepare(struct kase *k, enum stage stage, const char *title, bool joint)
{
	memset(k, 0, sizeof *k);
	struct wf_act a;
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
	if (stage >= ST_SUBMITTED)
		act("deputy-wang", A(SUBMIT), k, "submitted");
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

/* ---- 1. the full scenario ------------------------------------------------ */

static bool has_string(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* The id of the case's latest extension: from the extend event's details
 * ("extension_id"), else from the database. */
static int64_t extension_id_of(const struct kase *k)
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

static void full_scenario(void **state)
{
	(void)state;
	static struct step_rec steps[64];
	recording = steps;
	nrecorded = 0;
	maxrecorded = 64;
	struct kase k = { 0 };
	struct wf_res r;
	struct wf_act a;
	int code;

	/* Intake: a joint suggestion. */
	wf_act_init(&a, A(CREATE), 0, 0);
	int64_t co[2] = { dep_li, dep_zhao };
	a.create.title = "关于优化城区公交线路的建议";
	a.create.body = "城区公交线路重复率高，建议重新规划，增设社区微循环线路。";
	a.create.category = "交通";
	a.create.n_cosigner_deputy_ids = 2;
	a.create.cosigner_deputy_ids = co;
	ok_step("deputy-wang", &a, &k, "draft", &r);
	assert_int_equal(r.sug->version, 1);
	assert_string_equal(r.sug->number, "");
	assert_string_equal(r.sug->title, "关于优化城区公交线路的建议");
	assert_string_equal(r.sug->category, "交通");
	assert_string_equal(r.sug->kind, "suggestion");
	assert_string_equal(r.sug->lead_deputy, WANG);
	assert_int_equal(r.sug->n_cosigners, 2);
	assert_true(has_string(r.sug->cosigners, 2, LI " (unconfirmed)"));
	assert_true(has_string(r.sug->cosigners, 2, ZHAO " (unconfirmed)"));
	wf_res_free(&r);

	act("deputy-li", A(COSIGN), &k, "draft");
	wf_act_init(&a, A(COSIGN), k.id, k.version);
	ok_step("deputy-zhao", &a, &k, "draft", &r);
	assert_int_equal(r.sug->n_cosigners, 2);
	assert_true(has_string(r.sug->cosigners, 2, LI));
	assert_true(has_string(r.sug->cosigners, 2, ZHAO));
	wf_res_free(&r);

	act("deputy-wang", A(SUBMIT), &k, "submitted");

	wf_act_init(&a, A(REGISTER), k.id, k.version);
	a.reg.term = 18;
	a.reg.session = 2;
	ok_step("liaison", &a, &k, "registered", &r);
	assert_string_equal(r.sug->number, "第18届第2次会议第1号");
	assert_int_equal(r.sug->term, 18);
	assert_int_equal(r.sug->session, 2);
	wf_res_free(&r);

	/* Assignment: lead A, co B and C, the default deadline. */
	int64_t co_bc[2] = { unit_b, unit_c };
	wf_act_init(&a, A(ASSIGN), k.id, k.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.n_co_unit_ids = 2;
	a.assign.co_unit_ids = co_bc;
	ok_step("gov", &a, &k, "assigned", &r);
	assert_string_equal(r.sug->lead_unit, UNIT_A);
	assert_int_equal(r.sug->n_co_units, 2);
	assert_true(has_string(r.sug->co_units, 2, UNIT_B));
	assert_true(has_string(r.sug->co_units, 2, UNIT_C));
	char three_months[16];
	wf_date_months(three_months, sizeof three_months, 3);
	assert_string_equal(r.sug->reply_deadline, three_months);
	assert_false(r.sug->overdue);
	wf_res_free(&r);

	/* B disputes; the office reassigns (lead A, co C and B). */
	wf_act_init(&a, A(DISPUTE), k.id, k.version);
	a.reason.reason = "本单位不承担公交线路规划职能";
	ok_step("b-clerk", &a, &k, "disputed", NULL);

	int64_t co_cb[2] = { unit_c, unit_b };
	wf_act_init(&a, A(REASSIGN), k.id, k.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.n_co_unit_ids = 2;
	a.assign.co_unit_ids = co_cb;
	a.assign.reason = "线路规划涉及站点用地，仍需住建局协办";
	ok_step("gov", &a, &k, "assigned", &r);
	assert_string_equal(r.sug->lead_unit, UNIT_A);
	assert_int_equal(r.sug->n_co_units, 2);
	assert_true(has_string(r.sug->co_units, 2, UNIT_B));
	assert_true(has_string(r.sug->co_units, 2, UNIT_C));
	wf_res_free(&r);

	/* Handling. */
	act("a-clerk", A(ACCEPT), &k, "accepted");
	char promised[16];
	wf_date(promised, sizeof promised, 45);
	wf_act_init(&a, A(PLAN), k.id, k.version);
	a.plan.handler_name = "张经办";
	a.plan.handler_phone = "0571-88886666";
	a.plan.plan = "调研客流，征求意见，调整三条线路";
	a.plan.promised_date = promised;
	ok_step("a-clerk", &a, &k, "in_progress", &r);
	assert_string_equal(r.sug->handler_name, "张经办");
	assert_string_equal(r.sug->plan, "调研客流，征求意见，调整三条线路");
	assert_string_equal(r.sug->promised_date, promised);
	assert_int_equal(r.sug->contacts, 0);
	wf_res_free(&r);

	const char *phases[2] = { "before", "during" };
	const char *methods[2] = { "phone", "visit" };
	for (int i = 0; i < 2; i++) {
		wf_act_init(&a, A(CONTACT), k.id, k.version);
		a.contact.phase = (char *)phases[i];
		a.contact.method = (char *)methods[i];
		a.contact.date = "";
		a.contact.note = "与王明代表沟通办理进展";
		ok_step("a-clerk", &a, &k, "in_progress", &r);
		assert_int_equal(r.sug->contacts, i + 1);
		wf_res_free(&r);
	}

	wf_act_init(&a, A(OPINION), k.id, k.version);
	a.opinion.text = "住建局意见：新增站点用地可予保障。";
	ok_step("b-clerk", &a, &k, "in_progress", NULL);
	wf_act_init(&a, A(OPINION), k.id, k.version);
	a.opinion.text = "财政局意见：线路补贴纳入下年度预算。";
	ok_step("c-head", &a, &k, "in_progress", NULL);

	/* Extension requested and approved: the deadline moves by 30 days. */
	wf_act_init(&a, A(EXTEND), k.id, k.version);
	a.extend.days = 30;
	a.extend.reason = "需等待客流调查结果";
	ok_step("a-clerk", &a, &k, "in_progress", NULL);
	int64_t ext = extension_id_of(&k);
	wf_act_init(&a, A(APPROVE_EXTENSION), k.id, k.version);
	a.approve.extension_id = ext;
	a.approve.approve = true;
	a.approve.reason = "同意延期30天";
	ok_step("gov", &a, &k, "in_progress", &r);
	assert_int_equal(wf_days_between(three_months, r.sug->reply_deadline), 30);
	wf_res_free(&r);

	/* The head's reply, class B. */
	wf_act_init(&a, A(REPLY), k.id, k.version);
	a.reply.text = "答复：线路调整方案已形成，年内实施。";
	a.reply.result_class = "B";
	ok_step("a-head", &a, &k, "replied", &r);
	assert_string_equal(r.sug->result_class, "B");
	wf_res_free(&r);

	/* Wang is unsatisfied: back to the unit. */
	wf_act_init(&a, A(EVALUATE), k.id, k.version);
	a.evaluate.attitude = "basically_satisfied";
	a.evaluate.result = "unsatisfied";
	a.evaluate.comment = "方案未覆盖城郊结合部";
	ok_step("deputy-wang", &a, &k, "rehandling", NULL);

	/* Re-handling: plan again, one contact in this round, reply again. */
	wf_date(promised, sizeof promised, 20);
	wf_act_init(&a, A(PLAN), k.id, k.version);
	a.plan.handler_name = "张经办";
	a.plan.handler_phone = "0571-88886666";
	a.plan.plan = "补充城郊结合部两条微循环线路";
	a.plan.promised_date = promised;
	ok_step("a-clerk", &a, &k, "in_progress|rehandling", NULL);
	const char *handling_state = k.state[0] ? k.state : "in_progress";
	char hs[32];
	snprintf(hs, sizeof hs, "%s", handling_state);
	wf_act_init(&a, A(CONTACT), k.id, k.version);
	a.contact.phase = "during";
	a.contact.method = "meeting";
	a.contact.note = "座谈听取意见";
	ok_step("a-clerk", &a, &k, hs, NULL);

	wf_act_init(&a, A(REPLY), k.id, k.version);
	a.reply.text = "再次答复：已增设两条微循环线路，下月开通。";
	a.reply.result_class = "B";
	ok_step("a-head", &a, &k, "replied", &r);
	assert_string_equal(r.sug->result_class, "B");
	wf_res_free(&r);

	/* The follow-up report owed on a B reply: solved, class A. */
	wf_act_init(&a, A(FOLLOW_UP), k.id, k.version);
	a.follow_up.text = "跟踪报告：两条线路已开通运行。";
	a.follow_up.result_class = "A";
	ok_step("a-head", &a, &k, "replied", &r);
	assert_string_equal(r.sug->result_class, "A");
	wf_res_free(&r);

	/* The visit after handling (三访: after), while the case is replied. */
	wf_act_init(&a, A(CONTACT), k.id, k.version);
	a.contact.phase = "after";
	a.contact.method = "visit";
	a.contact.note = "办结后回访";
	ok_step("a-clerk", &a, &k, "replied", &r);
	assert_int_equal(r.sug->contacts, 4);
	wf_res_free(&r);

	/* Every evaluator evaluates: the state stays replied until the last. */
	wf_act_init(&a, A(EVALUATE), k.id, k.version);
	a.evaluate.attitude = "satisfied";
	a.evaluate.result = "satisfied";
	a.evaluate.comment = "问题已解决";
	ok_step("deputy-wang", &a, &k, "replied", NULL);
	wf_act_init(&a, A(EVALUATE), k.id, k.version);
	a.evaluate.attitude = "satisfied";
	a.evaluate.result = "basically_satisfied";
	ok_step("deputy-li", &a, &k, "replied", NULL);
	wf_act_init(&a, A(EVALUATE), k.id, k.version);
	a.evaluate.attitude = "satisfied";
	a.evaluate.result = "satisfied";
	ok_step("deputy-zhao", &a, &k, "evaluated", NULL);

	wf_act_init(&a, A(CLOSE), k.id, k.version);
	a.reason.reason = "办结";
	ok_step("liaison", &a, &k, "closed", NULL);
	recording = NULL;

	/* The timeline as the liaison officer sees it: every step, in order. */
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
	Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	assert_int_equal(gs->suggestion->version, k.version);
	assert_string_equal(gs->suggestion->state, "closed");
	assert_string_equal(gs->suggestion->number, "第18届第2次会议第1号");
	assert_int_equal((int)nrecorded, k.version);
	if (gs->n_timeline != nrecorded)
		fail_msg("timeline has %zu events, %zu steps were taken", gs->n_timeline, nrecorded);
	int64_t prev = 0;
	for (size_t i = 0; i < nrecorded; i++) {
		Jianyi__TimelineEvent *ev = gs->timeline[i];
		if (strcmp(ev->kind, steps[i].kind) != 0 || strcmp(ev->actor_login, steps[i].actor) != 0 ||
		    strcmp(ev->to_state, steps[i].to) != 0 ||
		    (i > 0 && strcmp(ev->from_state, steps[i].from) != 0))
			fail_msg("timeline[%zu] is %s by %s %s->%s; expected %s by %s %s->%s", i, ev->kind,
				 ev->actor_login, ev->from_state, ev->to_state, steps[i].kind,
				 steps[i].actor, steps[i].from, steps[i].to);
		assert_true(ev->sequence > prev);
		prev = ev->sequence;
		assert_true(strlen(ev->at) >= 20);
		assert_true(ev->actor_name[0] != '\0');
		json_object *o = json_tokener_parse(ev->details);
		if (!o || !json_object_is_type(o, json_type_object))
			fail_msg("timeline[%zu] (%s) details are not a JSON object: %s", i, ev->kind, ev->details);
		if (strcmp(ev->kind, "evaluate") == 0 && json_object_object_length(o) == 0)
			fail_msg("the liaison officer sees evaluation details '{}' at timeline[%zu]", i);
		json_object_put(o);
	}
	/* The create event starts from no state (or "draft"/""). */
	assert_true(state_in(gs->timeline[0]->from_state, "|draft"));
	jy_envelope_free(g);

	/* The deputy sees the whole timeline too. */
	g = wf_get_ok(cx("deputy-wang"), k.id);
	assert_int_equal(g->response->get_suggestion->n_timeline, nrecorded);
	jy_envelope_free(g);

	/* Handling units see the timeline but never individual evaluations. */
	const char *units[] = { "a-clerk", "a-head", "b-clerk" };
	for (size_t u = 0; u < 3; u++) {
		g = wf_get_ok(cx(units[u]), k.id);
		gs = g->response->get_suggestion;
		assert_int_equal(gs->n_timeline, nrecorded);
		int evals = 0;
		for (size_t i = 0; i < gs->n_timeline; i++)
			if (strcmp(gs->timeline[i]->kind, "evaluate") == 0) {
				evals++;
				if (strcmp(gs->timeline[i]->details, "{}") != 0)
					fail_msg("%s sees evaluation details %s", units[u],
						 gs->timeline[i]->details);
			}
		assert_int_equal(evals, 4);
		jy_envelope_free(g);
	}
	/* Another unit (D) cannot read it at all. */
	char msg[512];
	g = NULL;
	code = wf_get(cx("bob"), k.id, &g, msg, sizeof msg);
	if (code != DENIED && code != NOT_FOUND)
		fail_msg("unit D reading #%lld: %s (expected permission_denied or not_found)",
			 (long long)k.id, jy_status_str(code));
	if (g)
		jy_envelope_free(g);
}

/* ---- 2. refusals ------------------------------------------------------- */

struct refusal {
	const char *who;
	int action;
	enum stage stage;   /* ST_NSTAGES: no case (create) */
	int code;
	const char *why;
};

static void refusals(void **state)
{
	(void)state;
	static const struct refusal table[] = {
		/* role never allowed: permission_denied */
		{ "b-clerk", A(REGISTER), ST_SUBMITTED, DENIED, "a unit clerk registering" },
		{ "deputy-wang", A(REGISTER), ST_SUBMITTED, DENIED, "a deputy registering" },
		{ "cmte", A(REGISTER), ST_SUBMITTED, DENIED, "a committee member registering" },
		{ "deputy-wang", A(ASSIGN), ST_REGISTERED, DENIED, "a deputy assigning" },
		{ "leader", A(ASSIGN), ST_REGISTERED, DENIED, "a leader assigning" },
		{ "a-clerk", A(REASSIGN), ST_ASSIGNED, DENIED, "a unit passing the case on" },
		{ "liaison", A(ACCEPT), ST_ASSIGNED, DENIED, "liaison accepting" },
		{ "gov", A(ACCEPT), ST_ASSIGNED, DENIED, "government office accepting" },
		{ "a-clerk", A(REPLY), ST_IN_PROGRESS, DENIED, "a clerk (not head) replying" },
		{ "a-clerk", A(APPROVE_EXTENSION), ST_IN_PROGRESS, DENIED, "a unit approving extensions" },
		{ "a-head", A(CREATE), ST_NSTAGES, DENIED, "a unit creating a suggestion" },
		{ "visitor", A(CREATE), ST_NSTAGES, DENIED, "public creating" },
		{ "visitor", A(REGISTER), ST_SUBMITTED, DENIED, "public registering" },
		{ "visitor", A(EVALUATE), ST_REPLIED, DENIED, "public evaluating" },
		{ "visitor", A(SUPERVISE), ST_IN_PROGRESS, DENIED, "public supervising" },
		/* role allowed, relation wrong or case not visible: permission_denied */
		{ "b-head", A(REPLY), ST_IN_PROGRESS, DENIED, "co-unit B replying as lead" },
		{ "b-clerk", A(ACCEPT), ST_ASSIGNED, DENIED, "co-unit B accepting" },
		{ "b-clerk", A(PLAN), ST_ACCEPTED, DENIED, "co-unit B planning" },
		{ "c-clerk", A(ACCEPT), ST_ASSIGNED, DENIED, "unit C (not assigned) accepting" },
		{ "bob", A(CONTACT), ST_IN_PROGRESS, DENIED, "unit D (not assigned) recording a contact" },
		{ "a-clerk", A(OPINION), ST_IN_PROGRESS, DENIED, "lead unit sending a co-unit opinion" },
		{ "deputy-sun", A(EVALUATE), ST_REPLIED, DENIED, "a deputy evaluating someone else's case" },
		{ "deputy-zhao", A(EVALUATE), ST_REPLIED, DENIED, "an unconfirmed co-signer evaluating" },
		{ "deputy-li", A(WITHDRAW), ST_SUBMITTED, DENIED, "a co-signer withdrawing" },
		{ "deputy-li", A(SUBMIT), ST_DRAFT, DENIED, "a co-signer submitting" },
		{ "deputy-sun", A(COSIGN), ST_DRAFT, DENIED, "a deputy not listed co-signing" },
		/* wrong state: failed_precondition */
		{ "liaison", A(REGISTER), ST_REGISTERED, PRECOND, "registering twice" },
		{ "gov", A(ASSIGN), ST_SUBMITTED, PRECOND, "assigning before registration" },
		{ "a-clerk", A(ACCEPT), ST_IN_PROGRESS, PRECOND, "accepting twice" },
		{ "deputy-wang", A(SUBMIT), ST_SUBMITTED, PRECOND, "submitting twice" },
		{ "deputy-wang", A(EVALUATE), ST_IN_PROGRESS, PRECOND, "evaluating before the reply" },
		{ "b-clerk", A(DISPUTE), ST_IN_PROGRESS, PRECOND, "disputing after acceptance" },
		{ "a-clerk", A(PLAN), ST_REPLIED, PRECOND, "planning after the reply" },
		{ "a-head", A(FOLLOW_UP), ST_IN_PROGRESS, PRECOND, "a follow-up before any reply" },
		{ "gov", A(REASSIGN), ST_IN_PROGRESS, PRECOND, "reassigning a case in progress" },
		/* a rule: no reply before a contact with the deputy */
		{ "a-head", A(REPLY), ST_IN_PROGRESS_NOCONTACT, PRECOND, "replying without any contact" },
	};
	struct kase cases[ST_NSTAGES];
	memset(cases, 0, sizeof cases);
	int failures = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct refusal *t = &table[i];
		struct kase *k = NULL;
		if (t->stage < ST_NSTAGES) {
			k = &cases[t->stage];
			if (k->id == 0) {
				char title[80];
				snprintf(title, sizeof title, "拒绝测试：%s阶段", stage_names[t->stage]);
				prepare(k, t->stage, title, true);
			}
		}
		struct wf_act a;
		wf_act_init(&a, t->action, k ? k->id : 0, k ? k->version : 0);
		valid_params(&a, t->action);
		struct wf_res r;
		int got = wf_do(cx(t->who), &a, &r);
		if (got != t->code) {
			print_error("REFUSAL MISMATCH: %s (%s %s on %s): expected %s, got %s: %s\n", t->why,
				    t->who, wf_action_name(t->action),
				    k ? stage_names[t->stage] : "-", jy_status_str(t->code),
				    jy_status_str(got), r.message);
			failures++;
			if (got == OK && k) {
				k->version = r.sug->version; /* keep tracking the case */
				snprintf(k->state, sizeof k->state, "%s", r.sug->state);
			}
			wf_res_free(&r);
			continue;
		}
		if (r.message[0] == '\0') {
			print_error("%s: %s without a message\n", t->why, jy_status_str(got));
			failures++;
		}
		wf_res_free(&r);
		if (k) {
			Jianyi__Envelope *g = wf_get_ok(cx("deputy-wang"), k->id);
			Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
			if (gs->suggestion->version != k->version || (int)gs->n_timeline != k->version) {
				print_error("%s: after the refusal #%lld is v%d with %zu events, expected v%d\n",
					    t->why, (long long)k->id, gs->suggestion->version,
					    gs->n_timeline, k->version);
				failures++;
			}
			jy_envelope_free(g);
		}
	}

	/* Reading: units not on the case, other deputies and the public. */
	const char *outsiders[] = { "bob", "c-clerk", "deputy-sun", "visitor" };
	for (size_t i = 0; i < 4; i++) {
		Jianyi__Envelope *g = NULL;
		char msg[512];
		int code = wf_get(cx(outsiders[i]), cases[ST_IN_PROGRESS].id, &g, msg, sizeof msg);
		if (code != DENIED && code != NOT_FOUND) {
			print_error("%s reading another's case: %s (expected permission_denied or not_found)\n",
				    outsiders[i], jy_status_str(code));
			failures++;
		}
		if (g)
			jy_envelope_free(g);
	}
	/* Drafts are the deputies' own: the liaison officer cannot read one. */
	Jianyi__Envelope *g = NULL;
	char msg[512];
	int code = wf_get(cx("liaison"), cases[ST_DRAFT].id, &g, msg, sizeof msg);
	if (code != DENIED && code != NOT_FOUND) {
		print_error("liaison reading a draft: %s\n", jy_status_str(code));
		failures++;
	}
	if (g)
		jy_envelope_free(g);
	/* A listed co-signer can read the draft. */
	g = wf_get_ok(cx("deputy-zhao"), cases[ST_DRAFT].id);
	jy_envelope_free(g);
	/* A nonexistent case. */
	code = wf_get(cx("liaison"), 999999, &g, msg, sizeof msg);
	if (code != NOT_FOUND) {
		print_error("reading case 999999: %s (expected not_found)\n", jy_status_str(code));
		failures++;
	}
	if (g)
		jy_envelope_free(g);
	struct wf_act a;
	wf_act_init(&a, A(SUBMIT), 999999, 1);
	struct wf_res r;
	code = wf_do(cx("deputy-wang"), &a, &r);
	if (code != NOT_FOUND) {
		print_error("submitting case 999999: %s: %s (expected not_found)\n", jy_status_str(code), r.message);
		failures++;
	}
	wf_res_free(&r);
	if (failures)
		fail_msg("%d refusal checks failed (see above)", failures);
}

/* ---- 3. two writers racing ---------------------------------------------- */

static void racing_writers(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "并发测试：两个客户端同时写", false);
	struct jy_client *c1 = client_connect(&H, &S, "a-clerk");
	struct jy_client *c2 = client_connect(&H, &S, "a-clerk");
	for (int round = 0; round < 10; round++) {
		struct wf_act a1, a2;
		wf_act_init(&a1, A(CONTACT), k.id, k.version);
		valid_params(&a1, A(CONTACT));
		wf_act_init(&a2, A(CONTACT), k.id, k.version);
		valid_params(&a2, A(CONTACT));
		a2.contact.phase = "during";
		Jianyi__Request r1, r2;
		wf_request(&r1, &a1);
		wf_request(&r2, &a2);
		uint64_t id1, id2;
		struct jy_error e;
		assert_true(jy_send(c1, &r1, &id1, &e));
		assert_true(jy_send(c2, &r2, &id2, &e));
		Jianyi__Envelope *e1 = NULL, *e2 = NULL;
		jy_receive(c1, &e1, &e);
		struct wf_res x1, x2;
		wf_res_from_env(&x1, e1, &e);
		jy_receive(c2, &e2, &e);
		wf_res_from_env(&x2, e2, &e);
		int oks = (x1.code == OK) + (x2.code == OK);
		int conflicts = (x1.code == CONFLICT) + (x2.code == CONFLICT);
		if (oks != 1 || conflicts != 1)
			fail_msg("round %d: %s (%s) and %s (%s); expected one ok and one conflict", round,
				 jy_status_str(x1.code), x1.message, jy_status_str(x2.code), x2.message);
		struct wf_res *won = x1.code == OK ? &x1 : &x2;
		struct wf_res *lost = x1.code == OK ? &x2 : &x1;
		assert_int_equal(won->sug->version, k.version + 1);
		if (!strstr(lost->message, "version"))
			fail_msg("the conflict does not mention the version: %s", lost->message);
		k.version++;
		wf_res_free(&x1);
		wf_res_free(&x2);
	}
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
	assert_int_equal(g->response->get_suggestion->suggestion->version, k.version);
	assert_int_equal((int)g->response->get_suggestion->n_timeline, k.version);
	jy_envelope_free(g);
	jy_close(c1);
	jy_close(c2);
}

/* ---- 4. idempotency ------------------------------------------------------- */

static void idempotent_retries(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "幂等测试：重复请求", false);
	struct wf_act a;
	wf_act_init(&a, A(CONTACT), k.id, k.version);
	valid_params(&a, A(CONTACT));
	a.contact.note = "重复发送的同一请求";
	struct wf_res r1, r2, r3;
	assert_int_equal(wf_do(cx("a-clerk"), &a, &r1), OK);
	assert_false(r1.act->replayed);
	assert_int_equal(r1.sug->version, k.version + 1);
	int code = wf_do(cx("a-clerk"), &a, &r2);
	if (code != OK)
		fail_msg("the retry was refused: %s: %s", jy_status_str(code), r2.message);
	assert_true(r2.act->replayed);
	assert_int_equal(r2.act->event_sequence, r1.act->event_sequence);
	assert_int_equal(r2.sug->version, r1.sug->version);
	k.version++;

	/* A retry from another connection of the same account is the same request. */
	struct jy_client *other = client_connect(&H, &S, "a-clerk");
	code = wf_do(other, &a, &r3);
	jy_close(other);
	assert_int_equal(code, OK);
	assert_true(r3.act->replayed);
	assert_int_equal(r3.act->event_sequence, r1.act->event_sequence);
	wf_res_free(&r3);

	/* The same key for a different request is refused. */
	struct wf_act b = a;
	b.req.contact = &b.contact;
	b.contact.note = "同一个键，不同的内容";
	code = wf_do(cx("a-clerk"), &b, &r3);
	if (code != INVALID || !strstr(r3.message, "already used"))
		fail_msg("same key, different request: %s: %s", jy_status_str(code), r3.message);
	wf_res_free(&r3);

	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
	assert_int_equal((int)g->response->get_suggestion->n_timeline, k.version);
	jy_envelope_free(g);

	/* After a restart of the server on the same database. */
	cx_drop(NULL);
	assert_int_equal(server_stop(&S, SIGTERM, 10000), 0);
	server_start(&H, &S, NULL);
	code = wf_do(cx("a-clerk"), &a, &r3);
	if (code != OK)
		fail_msg("the retry after a restart was refused: %s: %s", jy_status_str(code), r3.message);
	assert_true(r3.act->replayed);
	assert_int_equal(r3.act->event_sequence, r1.act->event_sequence);
	wf_res_free(&r3);
	g = wf_get_ok(cx("liaison"), k.id);
	assert_int_equal((int)g->response->get_suggestion->n_timeline, k.version);
	assert_int_equal(g->response->get_suggestion->suggestion->version, k.version);
	jy_envelope_free(g);

	/* A key is per account: another account's identical key is a new request. */
	struct wf_act c = a;
	c.req.contact = &c.contact;
	c.req.expected_version = k.version;
	code = wf_do(cx("a-head"), &c, &r3);
	if (code != OK)
		fail_msg("the same key from another account: %s: %s", jy_status_str(code), r3.message);
	assert_false(r3.act->replayed);
	assert_int_not_equal(r3.act->event_sequence, r1.act->event_sequence);
	assert_int_equal(r3.sug->version, k.version + 1);
	wf_res_free(&r3);
	wf_res_free(&r1);
	wf_res_free(&r2);
}

/* ---- 5. bad input ----------------------------------------------------------- */

static int bad_failures;

/* Sends a as who; it must be invalid_argument naming field; k unchanged. */
static void bad(const char *who, struct wf_act *a, const struct kase *k, const char *field,
		const char *what)
{
	struct wf_res r;
	int code = wf_do(cx(who), a, &r);
	if (code != INVALID || !wf_names(&r, field)) {
		print_error("BAD INPUT ACCEPTED OR MISREPORTED: %s: expected invalid_argument naming '%s', "
			    "got %s: '%s' [field '%s']\n", what, field, jy_status_str(code), r.message, r.field);
		bad_failures++;
	}
	if (code == OK && k)
		print_error("  (the case moved to v%d)\n", r.sug->version);
	wf_res_free(&r);
	if (k && k->id > 0) {
		Jianyi__Envelope *g = wf_get_ok(cx("deputy-wang"), k->id);
		if (g->response->get_suggestion->suggestion->version != k->version) {
			print_error("  %s changed case #%lld\n", what, (long long)k->id);
			bad_failures++;
		}
		jy_envelope_free(g);
	}
}

static void bad_input(void **state)
{
	(void)state;
	bad_failures = 0;
	struct wf_act a;
	char title200[200 * 3 + 1], title201[201 * 3 + 1];
	title200[0] = title201[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(title200, "建");
	snprintf(title201, sizeof title201, "%s议", title200);
	size_t big = 200000;
	char *body = malloc(big + 1);
	memset(body, 'x', big);
	body[big] = '\0';

	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = "";
	bad("deputy-wang", &a, NULL, "title", "empty title");
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = "   ";
	bad("deputy-wang", &a, NULL, "title", "blank title");
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = title201;
	bad("deputy-wang", &a, NULL, "title", "title of 201 characters");
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.body = body;
	bad("deputy-wang", &a, NULL, "body", "body of 200000 bytes");
	free(body);
	int64_t self[1] = { dep_wang }, twice[2] = { dep_li, dep_li }, nobody[1] = { 9999 };
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.n_cosigner_deputy_ids = 1;
	a.create.cosigner_deputy_ids = self;
	bad("deputy-wang", &a, NULL, "cosigner", "the lead deputy as co-signer");
	a.create.n_cosigner_deputy_ids = 2;
	a.create.cosigner_deputy_ids = twice;
	a.req.idempotency_key = "e2e-bad-twice";
	bad("deputy-wang", &a, NULL, "cosigner", "a co-signer listed twice");
	a.create.n_cosigner_deputy_ids = 1;
	a.create.cosigner_deputy_ids = nobody;
	a.req.idempotency_key = "e2e-bad-nobody";
	bad("deputy-wang", &a, NULL, "cosigner", "an unknown co-signer");
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.kind = "poem";
	bad("deputy-wang", &a, NULL, "kind", "unknown kind");
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.req.idempotency_key = "";
	bad("deputy-wang", &a, NULL, "idempotency_key", "missing idempotency key");

	/* A 200-character title is fine (characters, not bytes). */
	struct kase ok200 = { 0 };
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = title200;
	ok_step("deputy-wang", &a, &ok200, "draft", NULL);

	/* Case-bound input. */
	struct kase reg, acc;
	prepare(&reg, ST_REGISTERED, "输入校验测试：待交办", false);
	prepare(&acc, ST_ACCEPTED, "输入校验测试：已接收", false);
	char past[16];
	wf_date(past, sizeof past, -1);
	struct { const char *deadline; int64_t lead; int64_t co; const char *field; const char *what; } as[] = {
		{ "", 99999, 0, "lead_unit_id", "unknown lead unit" },
		{ "", 0, 0, "lead_unit_id", "no lead unit" },
		{ "", unit_a, 99999, "co_unit_ids", "unknown co-unit" },
		{ "", unit_a, unit_a, "co_unit_ids", "lead unit also a co-unit" },
		{ "", 1, 0, "lead_unit_id", "lead unit that is not a handling unit (联工委)" },
		{ past, unit_a, 0, "reply_deadline", "deadline in the past" },
		{ "2026-13-40", unit_a, 0, "reply_deadline", "malformed deadline 2026-13-40" },
		{ "next week", unit_a, 0, "reply_deadline", "deadline 'next week'" },
	};
	for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
		wf_act_init(&a, A(ASSIGN), reg.id, reg.version);
		int64_t co[1] = { as[i].co };
		a.assign.lead_unit_id = as[i].lead;
		a.assign.reply_deadline = (char *)as[i].deadline;
		if (as[i].co) {
			a.assign.n_co_unit_ids = 1;
			a.assign.co_unit_ids = co;
		}
		bad("gov", &a, &reg, as[i].field, as[i].what);
	}
	wf_act_init(&a, A(ASSIGN), reg.id, reg.version);
	valid_params(&a, A(ASSIGN));
	a.assign.supervising_committee_id = unit_b;
	bad("gov", &a, &reg, "supervising_committee_id", "a handling unit as supervising committee");

	struct { const char *date; const char *what; } pd[] = {
		{ "2026-13-40", "malformed promised date 2026-13-40" },
		{ "2026-02-30", "promised date 2026-02-30" },
		{ past, "promised date in the past" },
	};
	for (size_t i = 0; i < sizeof pd / sizeof pd[0]; i++) {
		wf_act_init(&a, A(PLAN), acc.id, acc.version);
		valid_params(&a, A(PLAN));
		a.plan.promised_date = (char *)pd[i].date;
		bad("a-clerk", &a, &acc, "promised_date", pd[i].what);
	}
	act("a-clerk", A(PLAN), &acc, "in_progress");
	char future[16];
	wf_date(future, sizeof future, 2);
	struct { const char *phase, *method, *date, *field, *what; } cs[] = {
		{ "sometime", "phone", "", "phase", "contact phase 'sometime'" },
		{ "before", "telepathy", "", "method", "contact method 'telepathy'" },
		{ "before", "phone", future, "date", "contact date in the future" },
		{ "before", "phone", "2026-13-40", "date", "malformed contact date" },
	};
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
		wf_act_init(&a, A(CONTACT), acc.id, acc.version);
		a.contact.phase = (char *)cs[i].phase;
		a.contact.method = (char *)cs[i].method;
		a.contact.date = (char *)cs[i].date;
		bad("a-clerk", &a, &acc, cs[i].field, cs[i].what);
	}
	int bad_days[] = { 0, -5, 61 };
	for (size_t i = 0; i < 3; i++) {
		wf_act_init(&a, A(EXTEND), acc.id, acc.version);
		a.extend.days = bad_days[i];
		a.extend.reason = "理由";
		char what[64];
		snprintf(what, sizeof what, "extension of %d days", bad_days[i]);
		bad("a-clerk", &a, &acc, "days", what);
	}
	act("a-clerk", A(CONTACT), &acc, "in_progress");
	wf_act_init(&a, A(REPLY), acc.id, acc.version);
	a.reply.text = "答复";
	a.reply.result_class = "E";
	bad("a-head", &a, &acc, "result_class", "result class E");

	/* Register: term and session ranges (a fresh submitted case). */
	struct kase sub;
	prepare(&sub, ST_SUBMITTED, "输入校验测试：待立案", false);
	int terms[][2] = { { 0, 1 }, { 100, 1 }, { 18, 0 }, { 18, 21 } };
	for (size_t i = 0; i < 4; i++) {
		wf_act_init(&a, A(REGISTER), sub.id, sub.version);
		a.reg.term = terms[i][0];
		a.reg.session = terms[i][1];
		char what[64];
		snprintf(what, sizeof what, "register term %d session %d", terms[i][0], terms[i][1]);
		bad("liaison", &a, &sub, terms[i][0] == 18 ? "session" : "term", what);
	}

	/* Suggestion id 0 or negative for actions on a case; unknown actions. */
	int64_t ids[] = { 0, -1 };
	for (size_t i = 0; i < 2; i++) {
		wf_act_init(&a, A(SUBMIT), ids[i], 1);
		char what[64];
		snprintf(what, sizeof what, "submit with suggestion id %lld", (long long)ids[i]);
		bad("deputy-wang", &a, NULL, "suggestion_id", what);
	}
	wf_act_init(&a, A(UNSPECIFIED), sub.id, sub.version);
	bad("deputy-wang", &a, &sub, "action", "action unspecified (0)");
	wf_act_init(&a, 99, sub.id, sub.version);
	bad("deputy-wang", &a, &sub, "action", "unknown action 99");
	/* Params of another action. */
	wf_act_init(&a, A(REGISTER), sub.id, sub.version);
	a.req.params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
	a.req.contact = &a.contact;
	bad("liaison", &a, &sub, "params", "register with contact params");

	/* Invalid UTF-8 in the title: refused for the request or the connection,
	 * naming the field either way. */
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = "关于\xff\xfe的建议";
	struct wf_res r;
	int code = wf_do(cx("deputy-wang"), &a, &r);
	if (code != INVALID || !(wf_names(&r, "title") || wf_names(&r, "UTF-8"))) {
		print_error("BAD INPUT: invalid UTF-8 title: %s: '%s' [field '%s']\n", jy_status_str(code),
			    r.message, r.field);
		bad_failures++;
	} else {
		print_message("invalid UTF-8 title: %s: %s [field '%s']\n", jy_status_str(code), r.message,
			      r.field);
	}
	wf_res_free(&r);
	cx_drop("deputy-wang"); /* it may have been closed */
	/* The server is still serving. */
	struct kase after = { 0 };
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	ok_step("deputy-wang", &a, &after, "draft", NULL);

	if (bad_failures)
		fail_msg("%d bad-input checks failed (see above)", bad_failures);
}

/* ---- 6. lists ---------------------------------------------------------------- */

static bool contains_id(Jianyi__ListSuggestionsResponse *l, int64_t id)
{
	for (size_t i = 0; i < l->n_suggestions; i++)
		if (l->suggestions[i]->id == id)
			return true;
	return false;
}

static Jianyi__Envelope *list_ok(const char *who, Jianyi__ListSuggestionsRequest *l)
{
	Jianyi__Envelope *env = NULL;
	char msg[512];
	int code = wf_list(cx(who), l, &env, msg, sizeof msg);
	if (code != OK)
		fail_msg("list as %s: %s: %s", who, jy_status_str(code), msg);
	return env;
}

static bool involves_unit(const Jianyi__Suggestion *s, const char *unit)
{
	return strcmp(s->lead_unit, unit) == 0 || has_string(s->co_units, s->n_co_units, unit);
}

static bool involves_deputy(const Jianyi__Suggestion *s, const char *name)
{
	char unconfirmed[64];
	snprintf(unconfirmed, sizeof unconfirmed, "%s (unconfirmed)", name);
	return strcmp(s->lead_deputy, name) == 0 || has_string(s->cosigners, s->n_cosigners, name) ||
	       has_string(s->cosigners, s->n_cosigners, unconfirmed);
}

/* Case L3 is zhao's own, assigned to C alone. */
static void create_as(const char *who, struct kase *k, const char *title, const char *body)
{
	memset(k, 0, sizeof *k);
	struct wf_act a;
	wf_act_init(&a, A(CREATE), 0, 0);
	a.create.title = (char *)title;
	a.create.body = (char *)body;
	a.create.category = "交通";
	ok_step(who, &a, k, "draft", NULL);
}

static void lists(void **state)
{
	(void)state;
	struct kase l1, l2, l3, l4;
	create_as("deputy-wang", &l1, "关于增设公交站台的建议", "列表测试一");
	create_as("deputy-wang", &l2, "关于改善农村公路的建议", "列表测试二");
	act("deputy-wang", A(SUBMIT), &l2, "submitted");
	act("liaison", A(REGISTER), &l2, "registered");
	act("gov", A(ASSIGN), &l2, "assigned");          /* lead A, co B */
	create_as("deputy-zhao", &l3, "关于公交线路延伸的建议", "列表测试三：延伸至开发区");
	act("deputy-zhao", A(SUBMIT), &l3, "submitted");
	act("liaison", A(REGISTER), &l3, "registered");
	struct wf_act a;
	wf_act_init(&a, A(ASSIGN), l3.id, l3.version);
	a.assign.lead_unit_id = unit_c;
	ok_step("gov", &a, &l3, "assigned", NULL);
	create_as("deputy-li", &l4, "关于学校食堂管理的建议", "列表测试四：食品安全");
	act("deputy-li", A(SUBMIT), &l4, "submitted");
	act("liaison", A(REGISTER), &l4, "registered");

	Jianyi__ListSuggestionsRequest l;
	Jianyi__Envelope *env;
	Jianyi__ListSuggestionsResponse *res;

	/* By state: wang's drafts. */
	jianyi__list_suggestions_request__init(&l);
	l.state = "draft";
	env = list_ok("deputy-wang", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l1.id));
	assert_false(contains_id(res, l2.id));
	for (size_t i = 0; i < res->n_suggestions; i++) {
		assert_string_equal(res->suggestions[i]->state, "draft");
		assert_true(involves_deputy(res->suggestions[i], WANG));
		/* Lists omit body and plan. */
		assert_string_equal(res->suggestions[i]->body, "");
	}
	jy_envelope_free(env);

	/* By state as the liaison officer: registered cases, never drafts. */
	l.state = "registered";
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l4.id));
	assert_false(contains_id(res, l2.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		assert_string_equal(res->suggestions[i]->state, "registered");
	jy_envelope_free(env);

	/* By unit. */
	jianyi__list_suggestions_request__init(&l);
	l.unit_id = unit_a;
	env = list_ok("gov", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l2.id));
	assert_false(contains_id(res, l3.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		if (!involves_unit(res->suggestions[i], UNIT_A))
			fail_msg("unit filter A returned #%lld (lead %s)", (long long)res->suggestions[i]->id,
				 res->suggestions[i]->lead_unit);
	jy_envelope_free(env);
	l.unit_id = unit_c;
	env = list_ok("gov", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l3.id));
	assert_false(contains_id(res, l2.id));
	jy_envelope_free(env);

	/* By deputy. */
	jianyi__list_suggestions_request__init(&l);
	l.deputy_id = dep_zhao;
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l3.id));
	assert_false(contains_id(res, l4.id));
	assert_false(contains_id(res, l2.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		if (!involves_deputy(res->suggestions[i], ZHAO))
			fail_msg("deputy filter returned #%lld of %s", (long long)res->suggestions[i]->id,
				 res->suggestions[i]->lead_deputy);
	jy_envelope_free(env);

	/* Text search with a Chinese substring (title or body). */
	jianyi__list_suggestions_request__init(&l);
	l.text = "公交";
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l3.id));
	assert_false(contains_id(res, l1.id));   /* a draft */
	assert_false(contains_id(res, l2.id));
	assert_false(contains_id(res, l4.id));
	jy_envelope_free(env);
	l.text = "食品安全";                       /* only in L4's body */
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l4.id));
	assert_int_equal(res->n_suggestions, 1);
	jy_envelope_free(env);
	l.text = "公交";
	env = list_ok("deputy-wang", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l1.id));    /* his own draft */
	assert_false(contains_id(res, l3.id));   /* zhao's */
	jy_envelope_free(env);
	l.text = "%";                             /* no LIKE wildcards leak through */
	env = list_ok("liaison", &l);
	assert_int_equal(env->response->list_suggestions->n_suggestions, 0);
	jy_envelope_free(env);

	/* Paging: pages of 2 give the same ids as one big page, in order. */
	jianyi__list_suggestions_request__init(&l);
	l.page_size = 500;
	env = list_ok("liaison", &l);
	Jianyi__ListSuggestionsResponse *all = env->response->list_suggestions;
	assert_int_equal(all->next_after_id, 0);
	assert_true(all->n_suggestions >= 4);
	size_t seen = 0;
	int64_t after = 0;
	for (int pages = 0; pages < 1000; pages++) {
		Jianyi__ListSuggestionsRequest p;
		jianyi__list_suggestions_request__init(&p);
		p.page_size = 2;
		p.after_id = after;
		Jianyi__Envelope *pe = list_ok("liaison", &p);
		Jianyi__ListSuggestionsResponse *pr = pe->response->list_suggestions;
		assert_true(pr->n_suggestions <= 2);
		for (size_t i = 0; i < pr->n_suggestions; i++) {
			assert_true(seen < all->n_suggestions);
			assert_int_equal(pr->suggestions[i]->id, all->suggestions[seen]->id);
			assert_true(pr->suggestions[i]->id > after);
			seen++;
		}
		int64_t next = pr->next_after_id;
		if (next != 0)
			assert_int_equal(next, pr->suggestions[pr->n_suggestions - 1]->id);
		jy_envelope_free(pe);
		if (next == 0)
			break;
		after = next;
	}
	assert_int_equal(seen, all->n_suggestions);
	for (size_t i = 1; i < all->n_suggestions; i++)
		assert_true(all->suggestions[i]->id > all->suggestions[i - 1]->id);
	jy_envelope_free(env);

	/* Per-role visibility with no filter. */
	struct { const char *who; const char *unit; const char *deputy; const struct kase *yes; const struct kase *no; } vis[] = {
		{ "a-clerk", UNIT_A, NULL, &l2, &l3 },
		{ "b-head", UNIT_B, NULL, &l2, &l4 },
		{ "c-clerk", UNIT_C, NULL, &l3, &l2 },
		{ "bob", UNIT_D, NULL, NULL, &l2 },
		{ "deputy-zhao", NULL, ZHAO, &l3, &l2 },
		{ "deputy-li", NULL, LI, &l4, &l1 },
		{ "deputy-sun", NULL, SUN, NULL, &l3 },
		{ "visitor", NULL, NULL, NULL, &l2 },
	};
	for (size_t v = 0; v < sizeof vis / sizeof vis[0]; v++) {
		jianyi__list_suggestions_request__init(&l);
		l.page_size = 500;
		env = list_ok(vis[v].who, &l);
		res = env->response->list_suggestions;
		if (vis[v].yes && !contains_id(res, vis[v].yes->id))
			fail_msg("%s does not see #%lld", vis[v].who, (long long)vis[v].yes->id);
		if (contains_id(res, vis[v].no->id))
			fail_msg("%s sees #%lld", vis[v].who, (long long)vis[v].no->id);
		for (size_t i = 0; i < res->n_suggestions; i++) {
			const Jianyi__Suggestion *s = res->suggestions[i];
			if (vis[v].unit && !involves_unit(s, vis[v].unit))
				fail_msg("%s sees #%lld (lead %s), not its unit's", vis[v].who, (long long)s->id,
					 s->lead_unit);
			if (vis[v].deputy && !involves_deputy(s, vis[v].deputy))
				fail_msg("%s sees #%lld of %s", vis[v].who, (long long)s->id, s->lead_deputy);
			if (strcmp(vis[v].who, "visitor") == 0 && !s->published)
				fail_msg("the public sees unpublished #%lld", (long long)s->id);
		}
		jy_envelope_free(env);
	}

	/* A filter naming an unknown state is bad input. */
	jianyi__list_suggestions_request__init(&l);
	l.state = "lost";
	env = NULL;
	char msg[512];
	int code = wf_list(cx("liaison"), &l, &env, msg, sizeof msg);
	if (code != INVALID)
		fail_msg("list with state 'lost': %s (expected invalid_argument)", jy_status_str(code));
	if (env)
		jy_envelope_free(env);
	jianyi__list_suggestions_request__init(&l);
	l.page_size = 501;
	code = wf_list(cx("liaison"), &l, &env, msg, sizeof msg);
	if (code == OK) {
		assert_true(env->response->list_suggestions->n_suggestions <= 500);
		jy_envelope_free(env);
	}
}

/* ---- 8. more rules: evaluation order, follow-ups, return, withdraw,
 * convert, merge, supervision, reassignment, extensions, numbering, the
 * order of the checks, and refusals not stored for idempotency ----------- */

static int rule_failures;

static void expect_code(const char *who, struct wf_act *a, struct kase *k, int code, const char *what)
{
	struct wf_res r;
	int got = wf_do(cx(who), a, &r);
	if (got != code) {
		print_error("RULE: %s: expected %s, got %s: %s\n", what, jy_status_str(code),
			    jy_status_str(got), r.message);
		rule_failures++;
		if (got == OK && k) {
			k->version = r.sug->version;
			snprintf(k->state, sizeof k->state, "%s", r.sug->state);
		}
	}
	wf_res_free(&r);
}

/* Like ok_step, but a wrong state is counted, not fatal. */
static void soft_step(const char *who, struct wf_act *a, struct kase *k, const char *expect,
		      const char *what)
{
	struct wf_res r;
	int got = wf_do(cx(who), a, &r);
	if (got != OK) {
		print_error("RULE: %s: %s: %s\n", what, jy_status_str(got), r.message);
		rule_failures++;
	} else {
		if (!state_in(r.sug->state, expect) || r.sug->version != k->version + 1) {
			print_error("RULE: %s: now v%d %s, expected v%d %s\n", what, r.sug->version,
				    r.sug->state, k->version + 1, expect);
			rule_failures++;
		}
		k->version = r.sug->version;
		snprintf(k->state, sizeof k->state, "%s", r.sug->state);
	}
	wf_res_free(&r);
}

static void more_rules(void **state)
{
	(void)state;
	rule_failures = 0;
	struct wf_act a;
	struct wf_res r;

	/* a) Every evaluator: the co-signer first, then the lead deputy. */
	struct kase ev;
	prepare(&ev, ST_REPLIED, "规则测试：测评顺序", true);   /* evaluators wang and li */
	wf_act_init(&a, A(EVALUATE), ev.id, ev.version);
	valid_params(&a, A(EVALUATE));
	soft_step("deputy-li", &a, &ev, "replied",
		  "co-signer li evaluates first: the lead deputy has not evaluated, the case stays replied");
	wf_act_init(&a, A(EVALUATE), ev.id, ev.version);
	valid_params(&a, A(EVALUATE));
	expect_code("deputy-li", &a, &ev, PRECOND, "li evaluating the same reply twice");
	wf_act_init(&a, A(EVALUATE), ev.id, ev.version);
	valid_params(&a, A(EVALUATE));
	if (strcmp(ev.state, "replied") == 0)
		soft_step("deputy-wang", &a, &ev, "evaluated", "the lead deputy evaluates last");
	/* b) Follow-ups: owed after B, cleared by A, then refused. */
	wf_act_init(&a, A(FOLLOW_UP), ev.id, ev.version);
	valid_params(&a, A(FOLLOW_UP));
	soft_step("a-clerk", &a, &ev, "evaluated", "follow-up A on an evaluated case");
	wf_act_init(&a, A(FOLLOW_UP), ev.id, ev.version);
	valid_params(&a, A(FOLLOW_UP));
	expect_code("a-clerk", &a, &ev, PRECOND, "a follow-up when none is owed");

	/* c) Returned for revision, submitted again, registered. */
	struct kase rt;
	prepare(&rt, ST_SUBMITTED, "规则测试：退回修改", false);
	wf_act_init(&a, A(RETURN), rt.id, rt.version);
	a.reason.reason = "请补充调研数据";
	ok_step("liaison", &a, &rt, "returned", NULL);
	act("deputy-wang", A(SUBMIT), &rt, "submitted");
	act("liaison", A(REGISTER), &rt, "registered");

	/* d) Withdrawn in writing, then closed. */
	struct kase wd;
	prepare(&wd, ST_REGISTERED, "规则测试：撤回", false);
	wf_act_init(&a, A(WITHDRAW), wd.id, wd.version);
	a.reason.reason = "问题已解决，书面撤回";
	ok_step("deputy-wang", &a, &wd, "withdrawn", NULL);
	wf_act_init(&a, A(SUBMIT), wd.id, wd.version);
	expect_code("deputy-wang", &a, &wd, PRECOND, "submitting a withdrawn case");
	act("liaison", A(CLOSE), &wd, "closed");

	/* e) Converted to a letter. */
	struct kase cv;
	prepare(&cv, ST_SUBMITTED, "规则测试：转为来信", false);
	act("liaison", A(CONVERT), &cv, "converted");
	wf_act_init(&a, A(CONVERT), cv.id, cv.version);
	valid_params(&a, A(CONVERT));
	expect_code("liaison", &a, &cv, PRECOND, "converting twice");

	/* f) Merged into another. */
	struct kase mx, my;
	prepare(&mx, ST_SUBMITTED, "规则测试：并案甲", false);
	prepare(&my, ST_REGISTERED, "规则测试：并案乙", false);
	wf_act_init(&a, A(MERGE), mx.id, mx.version);
	a.merge.into_suggestion_id = mx.id;
	a.merge.reason = "重复";
	expect_code("liaison", &a, &mx, INVALID, "merging a case into itself");
	wf_act_init(&a, A(MERGE), mx.id, mx.version);
	a.merge.into_suggestion_id = my.id;
	a.merge.reason = "内容相同，并案办理";
	ok_step("liaison", &a, &mx, "merged", NULL);

	/* g) Supervision by the special committee and a leader records events. */
	struct kase sv;
	prepare(&sv, ST_IN_PROGRESS, "规则测试：督办", false);
	wf_act_init(&a, A(SUPERVISE), sv.id, sv.version);
	valid_params(&a, A(SUPERVISE));
	ok_step("cmte", &a, &sv, "in_progress", NULL);
	wf_act_init(&a, A(SUPERVISE), sv.id, sv.version);
	a.supervise.kind = "interview";
	a.supervise.text = "约谈承办单位负责人";
	ok_step("leader", &a, &sv, "in_progress", NULL);

	/* h) B disputes and is dropped: it loses the case, C gains it. */
	struct kase rs;
	prepare(&rs, ST_ASSIGNED, "规则测试：改派", false);
	wf_act_init(&a, A(DISPUTE), rs.id, rs.version);
	a.reason.reason = "不属于本单位职责";
	ok_step("b-clerk", &a, &rs, "disputed", NULL);
	int64_t co_c[1] = { unit_c };
	wf_act_init(&a, A(REASSIGN), rs.id, rs.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.n_co_unit_ids = 1;
	a.assign.co_unit_ids = co_c;
	a.assign.reason = "改由财政局协办";
	ok_step("gov", &a, &rs, "assigned", &r);
	assert_int_equal(r.sug->n_co_units, 1);
	assert_string_equal(r.sug->co_units[0], UNIT_C);
	wf_res_free(&r);
	Jianyi__Envelope *g = NULL;
	char msg[512];
	int code = wf_get(cx("b-clerk"), rs.id, &g, msg, sizeof msg);
	if (code != DENIED && code != NOT_FOUND) {
		print_error("RULE: unit B reads the case after being dropped: %s\n", jy_status_str(code));
		rule_failures++;
	}
	if (g)
		jy_envelope_free(g);
	g = wf_get_ok(cx("c-clerk"), rs.id);
	jy_envelope_free(g);
	wf_act_init(&a, A(REASSIGN), rs.id, rs.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.reason = "";
	expect_code("gov", &a, &rs, INVALID, "reassigning without a reason");

	/* i) Extensions: at most 2 pending or approved; approve once. */
	struct kase ex;
	prepare(&ex, ST_IN_PROGRESS, "规则测试：延期", false);
	Jianyi__Envelope *g0 = wf_get_ok(cx("liaison"), ex.id);
	char deadline0[16];
	snprintf(deadline0, sizeof deadline0, "%s", g0->response->get_suggestion->suggestion->reply_deadline);
	jy_envelope_free(g0);
	int64_t ext_ids[2];
	for (int i = 0; i < 2; i++) {
		wf_act_init(&a, A(EXTEND), ex.id, ex.version);
		a.extend.days = 10;
		a.extend.reason = "需要协调";
		ok_step("a-clerk", &a, &ex, "in_progress", NULL);
		ext_ids[i] = extension_id_of(&ex);
	}
	assert_true(ext_ids[1] != ext_ids[0]);
	wf_act_init(&a, A(EXTEND), ex.id, ex.version);
	a.extend.days = 10;
	a.extend.reason = "第三次";
	expect_code("a-clerk", &a, &ex, PRECOND, "a third extension");
	wf_act_init(&a, A(APPROVE_EXTENSION), ex.id, ex.version);
	a.approve.extension_id = 999999;
	a.approve.approve = true;
	expect_code("gov", &a, &ex, INVALID, "approving an extension of no such id");
	wf_act_init(&a, A(APPROVE_EXTENSION), ex.id, ex.version);
	a.approve.extension_id = ext_ids[0];
	a.approve.approve = true;
	ok_step("gov", &a, &ex, "in_progress", &r);
	if (wf_days_between(deadline0, r.sug->reply_deadline) != 10) {
		print_error("RULE: approved 10 days: deadline %s -> %s\n", deadline0, r.sug->reply_deadline);
		rule_failures++;
	}
	wf_res_free(&r);
	wf_act_init(&a, A(APPROVE_EXTENSION), ex.id, ex.version);
	a.approve.extension_id = ext_ids[0];
	a.approve.approve = true;
	expect_code("gov", &a, &ex, PRECOND, "approving the same extension twice");
	wf_act_init(&a, A(APPROVE_EXTENSION), ex.id, ex.version);
	a.approve.extension_id = ext_ids[1];
	a.approve.approve = false;
	a.approve.reason = "不同意";
	ok_step("gov", &a, &ex, "in_progress", &r);
	if (wf_days_between(deadline0, r.sug->reply_deadline) != 10) {
		print_error("RULE: a rejected extension moved the deadline to %s\n", r.sug->reply_deadline);
		rule_failures++;
	}
	wf_res_free(&r);

	/* j) Numbers per (term, session) are gapless: a refused register takes none. */
	struct kase n1, n2;
	prepare(&n1, ST_SUBMITTED, "规则测试：编号一", false);
	prepare(&n2, ST_SUBMITTED, "规则测试：编号二", false);
	wf_act_init(&a, A(REGISTER), n1.id, n1.version);
	a.reg.term = 18;
	a.reg.session = 7;
	ok_step("liaison", &a, &n1, "registered", &r);
	assert_string_equal(r.sug->number, "第18届第7次会议第1号");
	wf_res_free(&r);
	wf_act_init(&a, A(REGISTER), n2.id, n2.version - 1);
	a.reg.term = 18;
	a.reg.session = 7;
	expect_code("liaison", &a, &n2, CONFLICT, "registering with a stale version");
	wf_act_init(&a, A(REGISTER), n2.id, n2.version);
	a.reg.term = 18;
	a.reg.session = 7;
	ok_step("liaison", &a, &n2, "registered", &r);
	assert_string_equal(r.sug->number, "第18届第7次会议第2号");
	wf_res_free(&r);

	/* k) The order of the checks: relation before version, version before state. */
	wf_act_init(&a, A(REPLY), sv.id, sv.version - 1);
	valid_params(&a, A(REPLY));
	expect_code("b-head", &a, &sv, DENIED, "a non-lead unit with a stale version (relation first)");
	wf_act_init(&a, A(SUBMIT), n2.id, n2.version - 1);
	expect_code("deputy-wang", &a, &n2, CONFLICT, "wrong state and stale version (version first)");

	/* l) A refusal is not stored under its key: the same key may succeed later. */
	wf_act_init(&a, A(CONTACT), sv.id, sv.version - 1);
	valid_params(&a, A(CONTACT));
	expect_code("a-clerk", &a, &sv, CONFLICT, "a contact with a stale version");
	a.req.expected_version = sv.version;
	ok_step("a-clerk", &a, &sv, "in_progress", NULL);

	/* m) Re-handling: a new round needs its own contact before the reply;
	 * nobody evaluates until the new reply. */
	struct kase rh;
	prepare(&rh, ST_REPLIED, "规则测试：重新办理", false);
	wf_act_init(&a, A(EVALUATE), rh.id, rh.version);
	a.evaluate.attitude = "unsatisfied";
	a.evaluate.result = "unsatisfied";
	ok_step("deputy-wang", &a, &rh, "rehandling", NULL);
	wf_act_init(&a, A(EVALUATE), rh.id, rh.version);
	valid_params(&a, A(EVALUATE));
	expect_code("deputy-wang", &a, &rh, PRECOND, "evaluating a case in re-handling");
	wf_act_init(&a, A(REPLY), rh.id, rh.version);
	valid_params(&a, A(REPLY));
	expect_code("a-head", &a, &rh, PRECOND, "replying again without a contact in the new round");
	act("a-clerk", A(CONTACT), &rh, "rehandling");
	act("a-head", A(REPLY), &rh, "replied");
	wf_act_init(&a, A(OPINION), rh.id, rh.version);
	valid_params(&a, A(OPINION));
	expect_code("b-clerk", &a, &rh, PRECOND, "a co-unit opinion after the reply");
	act("deputy-wang", A(EVALUATE), &rh, "evaluated");

	if (rule_failures)
		fail_msg("%d rule checks failed (see above)", rule_failures);
}

/* ---- 9. a retry racing the original -------------------------------------- */

static void concurrent_retry(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "幂等测试：并发重试", false);
	struct jy_client *c1 = client_connect(&H, &S, "a-clerk");
	struct jy_client *c2 = client_connect(&H, &S, "a-clerk");
	int bad_rounds = 0;
	for (int round = 0; round < 10; round++) {
		struct wf_act a;
		wf_act_init(&a, A(CONTACT), k.id, k.version);
		valid_params(&a, A(CONTACT));
		Jianyi__Request req;
		wf_request(&req, &a);
		uint64_t id1, id2;
		struct jy_error e;
		assert_true(jy_send(c1, &req, &id1, &e));
		assert_true(jy_send(c2, &req, &id2, &e));
		Jianyi__Envelope *e1 = NULL, *e2 = NULL;
		struct wf_res x1, x2;
		jy_receive(c1, &e1, &e);
		wf_res_from_env(&x1, e1, &e);
		jy_receive(c2, &e2, &e);
		wf_res_from_env(&x2, e2, &e);
		if (x1.code != OK || x2.code != OK ||
		    x1.act->event_sequence != x2.act->event_sequence ||
		    x1.act->replayed == x2.act->replayed) {
			if (!bad_rounds)
				print_error("round %d: the same request twice at once: %s%s (%s) and %s%s (%s); "
					    "expected both ok with one event, the second replayed\n", round,
					    jy_status_str(x1.code), x1.act && x1.act->replayed ? " replayed" : "",
					    x1.message, jy_status_str(x2.code),
					    x2.act && x2.act->replayed ? " replayed" : "", x2.message);
			bad_rounds++;
		}
		wf_res_free(&x1);
		wf_res_free(&x2);
		k.version++;
		Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
		int v = g->response->get_suggestion->suggestion->version;
		jy_envelope_free(g);
		if (v != k.version)
			fail_msg("round %d: version %d, expected %d (one event per key)", round, v, k.version);
	}
	jy_close(c1);
	jy_close(c2);
	if (bad_rounds)
		fail_msg("%d of 10 rounds: a retry racing the original was not answered with the replay",
			 bad_rounds);
}

/* ---- 10. numbers under concurrency, overdue, the dispute window, more filters */

static void sql_exec(const char *query, const char *arg)
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

#define NUM_CASES 12
#define NUM_CONNS 3

static void numbers_concurrent(void **state)
{
	(void)state;
	struct kase k[NUM_CASES];
	for (int i = 0; i < NUM_CASES; i++)
		prepare(&k[i], ST_SUBMITTED, "编号并发测试", false);
	struct jy_client *c[NUM_CONNS];
	for (int i = 0; i < NUM_CONNS; i++)
		c[i] = client_connect(&H, &S, "liaison");
	static struct wf_act acts[NUM_CASES];
	for (int i = 0; i < NUM_CASES; i++) {
		wf_act_init(&acts[i], A(REGISTER), k[i].id, k[i].version);
		acts[i].reg.term = 18;
		acts[i].reg.session = 11;
		Jianyi__Request req;
		wf_request(&req, &acts[i]);
		uint64_t id;
		struct jy_error e;
		assert_true(jy_send(c[i % NUM_CONNS], &req, &id, &e));
	}
	bool seen[NUM_CASES + 1] = { false };
	for (int i = 0; i < NUM_CASES; i++) {
		Jianyi__Envelope *env = NULL;
		struct jy_error e;
		jy_receive(c[i % NUM_CONNS], &env, &e);
		struct wf_res r;
		wf_res_from_env(&r, env, &e);
		if (r.code != OK)
			fail_msg("concurrent register: %s: %s", jy_status_str(r.code), r.message);
		int n = 0;
		if (sscanf(r.sug->number, "第18届第11次会议第%d号", &n) != 1 || n < 1 || n > NUM_CASES || seen[n])
			fail_msg("concurrent register gave number '%s'", r.sug->number);
		seen[n] = true;
		wf_res_free(&r);
	}
	for (int i = 0; i < NUM_CONNS; i++)
		jy_close(c[i]);
}

static void overdue_and_windows(void **state)
{
	(void)state;
	/* A case past its reply deadline (moved back in the database). */
	struct kase od, ontime;
	prepare(&od, ST_ACCEPTED, "逾期测试：已过答复期限", false);
	prepare(&ontime, ST_ACCEPTED, "逾期测试：未过期限", false);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)od.id);
	sql_exec("UPDATE suggestions SET reply_deadline = current_date - 5 WHERE id = $1::bigint", sid);
	Jianyi__Envelope *g = wf_get_ok(cx("gov"), od.id);
	assert_true(g->response->get_suggestion->suggestion->overdue);
	jy_envelope_free(g);
	g = wf_get_ok(cx("gov"), ontime.id);
	assert_false(g->response->get_suggestion->suggestion->overdue);
	jy_envelope_free(g);
	Jianyi__ListSuggestionsRequest l;
	jianyi__list_suggestions_request__init(&l);
	l.overdue_only = true;
	l.page_size = 500;
	Jianyi__Envelope *env = list_ok("gov", &l);
	Jianyi__ListSuggestionsResponse *res = env->response->list_suggestions;
	assert_true(contains_id(res, od.id));
	assert_false(contains_id(res, ontime.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		assert_true(res->suggestions[i]->overdue);
	jy_envelope_free(env);
	/* Replied: no longer overdue. */
	act("a-clerk", A(PLAN), &od, "in_progress");
	act("a-clerk", A(CONTACT), &od, "in_progress");
	act("a-head", A(REPLY), &od, "replied");
	g = wf_get_ok(cx("gov"), od.id);
	assert_false(g->response->get_suggestion->suggestion->overdue);
	jy_envelope_free(g);

	/* The dispute window closed (moved back in the database). */
	struct kase dw;
	prepare(&dw, ST_ASSIGNED, "异议期限测试", false);
	snprintf(sid, sizeof sid, "%lld", (long long)dw.id);
	sql_exec("UPDATE suggestions SET dispute_due = current_date - 1 WHERE id = $1::bigint", sid);
	struct wf_act a;
	wf_act_init(&a, A(DISPUTE), dw.id, dw.version);
	a.reason.reason = "逾期提出的异议";
	struct wf_res r;
	int code = wf_do(cx("b-clerk"), &a, &r);
	if (code != PRECOND)
		fail_msg("a dispute after the window: %s: %s (expected failed_precondition)",
			 jy_status_str(code), r.message);
	wf_res_free(&r);
}

static void more_filters(void **state)
{
	(void)state;
	struct kase edu, keyc;
	memset(&edu, 0, sizeof edu);
	struct wf_act a;
	wf_act_init(&a, A(CREATE), 0, 0);
	a.create.title = "关于增加乡村教师编制的建议";
	a.create.body = "乡村学校师资不足。";
	a.create.category = "教育";
	ok_step("deputy-li", &a, &edu, "draft", NULL);
	act("deputy-li", A(SUBMIT), &edu, "submitted");
	wf_act_init(&a, A(REGISTER), edu.id, edu.version);
	a.reg.term = 18;
	a.reg.session = 12;
	ok_step("liaison", &a, &edu, "registered", NULL);

	prepare(&keyc, ST_REGISTERED, "重点建议测试", false);
	char *leaders[1] = { "周主任" };
	wf_act_init(&a, A(ASSIGN), keyc.id, keyc.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.key = true;
	a.assign.n_leaders = 1;
	a.assign.leaders = leaders;
	a.assign.supervising_committee_id = committee_id;
	struct wf_res r;
	ok_step("gov", &a, &keyc, "assigned", &r);
	assert_true(r.sug->key);
	wf_res_free(&r);

	Jianyi__ListSuggestionsRequest l;
	jianyi__list_suggestions_request__init(&l);
	l.page_size = 500;
	l.category = "教育";
	Jianyi__Envelope *env = list_ok("liaison", &l);
	Jianyi__ListSuggestionsResponse *res = env->response->list_suggestions;
	assert_true(contains_id(res, edu.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		assert_string_equal(res->suggestions[i]->category, "教育");
	jy_envelope_free(env);

	jianyi__list_suggestions_request__init(&l);
	l.term = 18;
	l.session = 12;
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_int_equal(res->n_suggestions, 1);
	assert_int_equal(res->suggestions[0]->id, edu.id);
	assert_string_equal(res->suggestions[0]->number, "第18届第12次会议第1号");
	jy_envelope_free(env);

	jianyi__list_suggestions_request__init(&l);
	l.key_only = true;
	l.page_size = 500;
	env = list_ok("leader", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, keyc.id));
	assert_false(contains_id(res, edu.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		assert_true(res->suggestions[i]->key);
	jy_envelope_free(env);

	/* A text filter over 100 characters is refused. */
	char longtext[101 * 3 + 1] = "";
	for (int i = 0; i < 101; i++)
		strcat(longtext, "字");
	jianyi__list_suggestions_request__init(&l);
	l.text = longtext;
	char msg[512];
	env = NULL;
	int code = wf_list(cx("liaison"), &l, &env, msg, sizeof msg);
	if (code != INVALID)
		fail_msg("a 101-character text filter: %s", jy_status_str(code));
	if (env)
		jy_envelope_free(env);
}

/* ---- 11. a database outage: a retry with the same key acts exactly once -- */

/* Sends a until it is answered with something other than unavailable
 * (the pool reconnects with a back-off of at most 5 s). */
static int retry_until_answered(struct wf_act *a, struct wf_res *r)
{
	uint64_t deadline = harness_now_ms() + 30000;
	for (;;) {
		int code = wf_do(cx("a-clerk"), a, r);
		if (code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE || harness_now_ms() > deadline)
			return code;
		if (!r->env)
			cx_drop("a-clerk"); /* the transport failed: a new connection */
		wf_res_free(r);
		usleep(200000);
	}
}

static void database_outage_retry(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "数据库中断测试", false);

	/* Refused while the database is down, retryable; acts once after. */
	harness_pg_stop(&H);
	struct wf_act a;
	wf_act_init(&a, A(CONTACT), k.id, k.version);
	valid_params(&a, A(CONTACT));
	struct wf_res r;
	int code = wf_do(cx("a-clerk"), &a, &r);
	if (code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
		fail_msg("an act with the database down: %s: %s (expected unavailable)",
			 jy_status_str(code), r.message);
	assert_true(r.env && r.env->response->status->retryable);
	wf_res_free(&r);
	harness_pg_start(&H);
	code = retry_until_answered(&a, &r);
	if (code != OK)
		fail_msg("the retry after the outage: %s: %s", jy_status_str(code), r.message);
	assert_false(r.act->replayed);
	assert_int_equal(r.sug->version, k.version + 1);
	k.version++;
	wf_res_free(&r);

	/* In flight when the database dies: whatever the first answer, the
	 * retry acts at most once. */
	for (int round = 0; round < 3; round++) {
		wf_act_init(&a, A(CONTACT), k.id, k.version);
		valid_params(&a, A(CONTACT));
		Jianyi__Request req;
		wf_request(&req, &a);
		uint64_t id;
		struct jy_error e;
		assert_true(jy_send(cx("a-clerk"), &req, &id, &e));
		if (round > 0)
			usleep((useconds_t)round * 1000);
		harness_pg_stop(&H);
		Jianyi__Envelope *env = NULL;
		jy_receive(cx("a-clerk"), &env, &e);
		struct wf_res first;
		wf_res_from_env(&first, env, &e);
		int64_t first_seq = first.code == OK ? first.act->event_sequence : 0;
		print_message("outage round %d: the in-flight act was answered %s\n", round,
			      jy_status_str(first.code));
		if (first.code != OK && first.code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
			fail_msg("in-flight act during an outage: %s: %s", jy_status_str(first.code), first.message);
		wf_res_free(&first);
		harness_pg_start(&H);
		code = retry_until_answered(&a, &r);
		if (code != OK)
			fail_msg("round %d: the retry: %s: %s", round, jy_status_str(code), r.message);
		if (first_seq) {
			assert_true(r.act->replayed);
			assert_int_equal(r.act->event_sequence, first_seq);
		}
		assert_int_equal(r.sug->version, k.version + 1);
		k.version++;
		wf_res_free(&r);
		Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
		assert_int_equal((int)g->response->get_suggestion->n_timeline, k.version);
		jy_envelope_free(g);
	}
}

/* ---- 7. throughput ------------------------------------------------------------ */

#define TP_CONNS 8
#define TP_DEPTH 8
#define TP_TOTAL 2000

struct tp_worker {
	struct jy_client *c;
	struct kase cases[TP_DEPTH];
	int sent, done, errors;
	uint64_t *lat_us;
	char first_error[640];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *tp_run(void *arg)
{
	struct tp_worker *w = arg;
	int quota = TP_TOTAL / TP_CONNS;
	uint64_t ids[TP_DEPTH], started[TP_DEPTH];
	struct wf_act acts[TP_DEPTH];
	struct jy_error e;
	for (int s = 0; s < TP_DEPTH && w->sent < quota; s++) {
		wf_act_init(&acts[s], A(CONTACT), w->cases[s].id, w->cases[s].version);
		valid_params(&acts[s], A(CONTACT));
		Jianyi__Request req;
		wf_request(&req, &acts[s]);
		started[s] = now_us();
		if (!jy_send(w->c, &req, &ids[s], &e))
			return NULL;
		w->sent++;
	}
	while (w->done < w->sent) {
		Jianyi__Envelope *env = NULL;
		if (!jy_receive(w->c, &env, &e)) {
			if (!env) {
				snprintf(w->first_error, sizeof w->first_error, "receive: %s", e.message);
				w->errors += w->sent - w->done;
				return NULL;
			}
		}
		int s = 0;
		while (s < TP_DEPTH && ids[s] != env->id)
			s++;
		if (s == TP_DEPTH) {
			jy_envelope_free(env);
			continue;
		}
		w->lat_us[w->done++] = now_us() - started[s];
		struct wf_res r;
		wf_res_from_env(&r, env, &e);
		if (r.code == OK) {
			w->cases[s].version = r.sug->version;
		} else {
			if (!w->errors++)
				snprintf(w->first_error, sizeof w->first_error, "%s: %s",
					 jy_status_str(r.code), r.message);
			/* resynchronise on the version the message names */
			w->cases[s].version++;
		}
		wf_res_free(&r);
		if (w->sent < quota) {
			wf_act_init(&acts[s], A(CONTACT), w->cases[s].id, w->cases[s].version);
			valid_params(&acts[s], A(CONTACT));
			Jianyi__Request req;
			wf_request(&req, &acts[s]);
			started[s] = now_us();
			if (!jy_send(w->c, &req, &ids[s], &e))
				return NULL;
			w->sent++;
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void throughput(void **state)
{
	(void)state;
	struct tp_worker w[TP_CONNS];
	memset(w, 0, sizeof w);
	uint64_t t0 = now_us();
	for (int i = 0; i < TP_CONNS; i++)
		for (int s = 0; s < TP_DEPTH; s++)
			prepare(&w[i].cases[s], ST_IN_PROGRESS_NOCONTACT, "性能测试：三访记录", false);
	print_message("prepared %d cases in %.1f s\n", TP_CONNS * TP_DEPTH, (double)(now_us() - t0) / 1e6);
	for (int i = 0; i < TP_CONNS; i++) {
		w[i].c = client_connect(&H, &S, "a-clerk");
		w[i].lat_us = calloc(TP_TOTAL, sizeof(uint64_t));
	}
	pthread_t th[TP_CONNS];
	t0 = now_us();
	for (int i = 0; i < TP_CONNS; i++)
		pthread_create(&th[i], NULL, tp_run, &w[i]);
	for (int i = 0; i < TP_CONNS; i++)
		pthread_join(th[i], NULL);
	uint64_t elapsed = now_us() - t0;
	uint64_t *all = calloc(TP_TOTAL, sizeof(uint64_t));
	size_t n = 0;
	int errors = 0;
	for (int i = 0; i < TP_CONNS; i++) {
		memcpy(all + n, w[i].lat_us, (size_t)w[i].done * sizeof(uint64_t));
		n += (size_t)w[i].done;
		errors += w[i].errors;
		if (w[i].first_error[0])
			print_message("connection %d: first error: %s\n", i, w[i].first_error);
		free(w[i].lat_us);
		jy_close(w[i].c);
	}
	qsort(all, n, sizeof all[0], cmp_u64);
	if (n > 0)
		print_message("THROUGHPUT contact: %zu requests (%d errors) over %d connections x %d in flight "
			      "in %.2f s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
			      n, errors, TP_CONNS, TP_DEPTH, (double)elapsed / 1e6, (double)n * 1e6 / (double)elapsed,
			      (double)all[n / 2] / 1000.0, (double)all[(n * 99) / 100] / 1000.0,
			      (double)all[n - 1] / 1000.0);
	free(all);
	assert_int_equal(n, TP_TOTAL);

	/* For comparison: one connection, one request at a time. */
	struct kase one = w[0].cases[0];
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), one.id);
	one.version = g->response->get_suggestion->suggestion->version;
	jy_envelope_free(g);
	enum { SERIAL = 200 };
	uint64_t lat[SERIAL];
	uint64_t s0 = now_us();
	for (int i = 0; i < SERIAL; i++) {
		struct wf_act a;
		wf_act_init(&a, A(CONTACT), one.id, one.version);
		valid_params(&a, A(CONTACT));
		struct wf_res r;
		uint64_t t = now_us();
		assert_int_equal(wf_do(cx("a-clerk"), &a, &r), OK);
		lat[i] = now_us() - t;
		one.version = r.sug->version;
		wf_res_free(&r);
	}
	uint64_t serial_us = now_us() - s0;
	qsort(lat, SERIAL, sizeof lat[0], cmp_u64);
	print_message("THROUGHPUT contact, serial: %d requests on 1 connection, 1 in flight: %.0f req/s, "
		      "p50 %.2f ms, p99 %.2f ms\n", SERIAL, (double)SERIAL * 1e6 / (double)serial_us,
		      (double)lat[SERIAL / 2] / 1000.0, (double)lat[(SERIAL * 99) / 100] / 1000.0);
	/* Not a speed assertion: the transitions must all have been taken. */
	assert_int_equal(errors, 0);
}

/* Before each test: nothing recorded (a failed scenario leaves it set). */
static int each(void **state)
{
	(void)state;
	recording = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(full_scenario, each),
		cmocka_unit_test_setup(refusals, each),
		cmocka_unit_test_setup(racing_writers, each),
		cmocka_unit_test_setup(idempotent_retries, each),
		cmocka_unit_test_setup(bad_input, each),
		cmocka_unit_test_setup(lists, each),
		cmocka_unit_test_setup(more_rules, each),
		cmocka_unit_test_setup(concurrent_retry, each),
		cmocka_unit_test_setup(numbers_concurrent, each),
		cmocka_unit_test_setup(overdue_and_windows, each),
		cmocka_unit_test_setup(more_filters, each),
		cmocka_unit_test_setup(throughput, each),
		cmocka_unit_test_setup(database_outage_retry, each),
	};
	return cmocka_run_group_tests_name("workflow", tests, setup, teardown);
}
