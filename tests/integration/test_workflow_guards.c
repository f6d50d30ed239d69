/* The workflow's own rules of the "Fixes" issue (section "The workflow's own
 * rules"), end to end on the workflow fixture (wf_helpers.c), each rule as
 * the issue states it (docs/WORKFLOW.md writes them down):
 *   5  a joint suggestion is submitted only once every listed co-signer has
 *      confirmed or the lead deputy has removed them;
 *   7  only registered cases are published, never withdrawn, merged or
 *      converted ones;
 *   8  closing a case that still owes follow-up reports records them, and
 *      they stay on the deadlines;
 *   9  follow-up reports are signed off by the unit head; contact dates are
 *      neither before the assignment nor in the future;
 *   11 records that overwrite nothing are accepted on a stale version while
 *      the case's current state allows them; other writes stay conflicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "harness.h"
#include "wf_helpers.h"

/* a as who must be refused with code; the message must contain text. */
static void refused(const char *who, struct jy_act *a, const struct kase *k, int code, const char *text)
{
	struct wf_res r;
	int got = wf_do(cx(who), a, &r);
	if (got != code || !strstr(r.message, text))
		fail_msg("%s %s on #%lld (v%d, %s): %s \"%s\"; expected %s with \"%s\"", who,
			 wf_action_name(a->req.action), (long long)k->id, k->version, k->state,
			 jy_status_str(got), r.message, jy_status_str(code), text);
	wf_res_free(&r);
}

static const char *id_str(int64_t id)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%lld", (long long)id);
	return b;
}

/* Runs the CLI (JIANYI_CLI) as who with args; stderr in err; returns the
 * exit status. */
static int cli(const char *who, const char *args, char *err, size_t errlen)
{
	struct cli_call c = { .sp = &S, .who = who };
	return harness_cli_run(&H, &c, args, NULL, 0, err, errlen);
}

/* ---- item 5: co-signers confirm (or are removed) before submission -------- */

static void joint_draft(struct kase *k, const char *title)
{
	struct jy_act a;
	int64_t co[2] = { dep_li, dep_zhao };
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = (char *)title;
	a.create.cosigner_deputy_ids = co;
	a.create.n_cosigner_deputy_ids = 2;
	ok_step("deputy-wang", &a, k, "draft", NULL);
}

static void cosigners_before_submit(void **state)
{
	(void)state;
	struct jy_act a;
	struct kase k, m;

	/* Nobody has confirmed: refused, naming both. */
	joint_draft(&k, "联名测试：全部确认后提交");
	wf_act_init(&a, A(SUBMIT), k.id, k.version);
	refused("deputy-wang", &a, &k, PRECOND, LI);
	wf_act_init(&a, A(SUBMIT), k.id, k.version);
	refused("deputy-wang", &a, &k, PRECOND, ZHAO);
	/* One confirmed: refused, naming the other only. */
	act("deputy-li", A(COSIGN), &k, "draft");
	wf_act_init(&a, A(SUBMIT), k.id, k.version);
	struct wf_res r;
	assert_int_equal(wf_do(cx("deputy-wang"), &a, &r), PRECOND);
	assert_non_null(strstr(r.message, ZHAO));
	assert_null(strstr(r.message, LI));
	wf_res_free(&r);
	/* The last one confirms while it is a draft; then it goes. */
	act("deputy-zhao", A(COSIGN), &k, "draft");
	act("deputy-wang", A(SUBMIT), &k, "submitted");

	/* The lead deputy removes the one who never confirms. */
	joint_draft(&m, "联名测试：移除未确认的联名人");
	act("deputy-li", A(COSIGN), &m, "draft");
	int64_t li[1] = { dep_li }, sun[1] = { dep_sun }, zhao[1] = { dep_zhao };
	wf_act_init(&a, A(SUBMIT), m.id, m.version);
	wf_submit_removing(&a, li, 1);
	refused("deputy-wang", &a, &m, INVALID, "has confirmed");
	wf_act_init(&a, A(SUBMIT), m.id, m.version);
	wf_submit_removing(&a, sun, 1);
	refused("deputy-wang", &a, &m, INVALID, "not a co-signer");
	wf_act_init(&a, A(SUBMIT), m.id, m.version);
	wf_submit_removing(&a, zhao, 1);
	ok_step("deputy-wang", &a, &m, "submitted", &r);
	assert_int_equal((int)r.sug->n_cosigners, 1);
	assert_string_equal(r.sug->cosigners[0], LI);
	wf_res_free(&r);
	/* Removed, zhao no longer reads the case. */
	Jianyi__Envelope *g = NULL;
	char msg[256];
	assert_int_equal(wf_get(cx("deputy-zhao"), m.id, &g, msg, sizeof msg), DENIED);
	assert_null(g);

	/* The same from the command line. */
	struct kase c;
	char args[256], err[1024];
	joint_draft(&c, "联名测试：命令行移除联名人");
	act("deputy-li", A(COSIGN), &c, "draft");
	snprintf(args, sizeof args, "submit --id %lld", (long long)c.id);
	if (cli("deputy-wang", args, err, sizeof err) != 1 || !strstr(err, ZHAO))
		fail_msg("jianyi %s with an unconfirmed co-signer: %s", args, err);
	snprintf(args, sizeof args, "submit --id %lld --remove-cosigner %lld", (long long)c.id,
		 (long long)dep_zhao);
	if (cli("deputy-wang", args, err, sizeof err) != 0)
		fail_msg("jianyi %s: %s", args, err);
	assert_int_equal(sql_id("SELECT count(*) FROM suggestions WHERE state = 'submitted' AND id = $1::bigint",
				id_str(c.id)), 1);
}

/* ---- item 7: what may be published ------------------------------------------ */

static void expect_publish(const struct kase *k, bool ok, const char *what)
{
	int rc = harness_admin(&H, "publish", "--id", id_str(k->id), NULL);
	int64_t published = sql_id("SELECT count(*) FROM suggestions WHERE published AND id = $1::bigint",
				   id_str(k->id));
	if ((rc == 0) != ok || published != (ok ? 1 : 0))
		fail_msg("publishing %s (#%lld, %s): exit %d, published %lld; expected %s", what,
			 (long long)k->id, k->state, rc, (long long)published, ok ? "published" : "refused");
}

static void publish_registered_only(void **state)
{
	(void)state;
	struct kase dr, sub, reg, wd, wdc, mg, cv, target;
	struct jy_act a;
	prepare(&dr, ST_DRAFT, "公开测试：草稿", false);
	prepare(&sub, ST_SUBMITTED, "公开测试：仅提交", false);
	prepare(&reg, ST_REGISTERED, "公开测试：已立案", false);
	prepare(&wd, ST_REGISTERED, "公开测试：立案后撤回", false);
	act("deputy-wang", A(WITHDRAW), &wd, "withdrawn");
	prepare(&wdc, ST_REGISTERED, "公开测试：撤回后办结", false);
	act("deputy-wang", A(WITHDRAW), &wdc, "withdrawn");
	act("liaison", A(CLOSE), &wdc, "closed");
	prepare(&target, ST_REGISTERED, "公开测试：并案目标", false);
	prepare(&mg, ST_REGISTERED, "公开测试：并案", false);
	wf_act_init(&a, A(MERGE), mg.id, mg.version);
	valid_params(&a, A(MERGE));
	a.merge.into_suggestion_id = target.id;
	ok_step("liaison", &a, &mg, "merged", NULL);
	prepare(&cv, ST_REGISTERED, "公开测试：转来信", false);
	act("liaison", A(CONVERT), &cv, "converted");

	expect_publish(&dr, false, "a draft");
	expect_publish(&sub, false, "a case only submitted (no number)");
	expect_publish(&wd, false, "a withdrawn case");
	expect_publish(&wdc, false, "a case closed after its withdrawal");
	expect_publish(&mg, false, "a merged case");
	expect_publish(&cv, false, "a converted case");
	expect_publish(&reg, true, "a registered case");
	expect_publish(&target, true, "the case merged into");
}

/* Noticed after item 7: a case published while registered and then
 * withdrawn, merged or converted stayed on the portal. The rule is item 7's
 * ("withdrawn, merged and converted suggestions are never published"):
 * leaving the record takes the case off the portal at once. */
static void expect_off_portal(const struct kase *k, const char *what)
{
	int64_t published = sql_id("SELECT count(*) FROM suggestions WHERE published AND id = $1::bigint",
				   id_str(k->id));
	char path[64];
	snprintf(path, sizeof path, "/s/%lld", (long long)k->id);
	struct wf_http r;
	wf_http_get(path, &r);
	int status = r.status;
	wf_http_free(&r);
	Jianyi__Envelope *g = NULL;
	char msg[256];
	int code = wf_get(cx("visitor"), k->id, &g, msg, sizeof msg);
	jy_envelope_free(g);
	if (published != 0 || status != 404 || code == 0)
		fail_msg("%s (#%lld): published %lld, portal page %d, the public's get %d; expected "
			 "unpublished, 404, refused", what, (long long)k->id, (long long)published, status, code);
}

static void published_then(struct kase *k, const char *title)
{
	prepare(k, ST_REGISTERED, title, false);
	expect_publish(k, true, title);
	char path[64];
	snprintf(path, sizeof path, "/s/%lld", (long long)k->id);
	struct wf_http r;
	wf_http_get(path, &r);
	assert_int_equal(r.status, 200);
	wf_http_free(&r);
}

static void leaving_the_record_leaves_the_portal(void **state)
{
	(void)state;
	struct kase wd, mg, cv, target;
	struct jy_act a;
	published_then(&wd, "公开后撤回");
	act("deputy-wang", A(WITHDRAW), &wd, "withdrawn");
	expect_off_portal(&wd, "a published case withdrawn");
	act("liaison", A(CLOSE), &wd, "closed");
	expect_off_portal(&wd, "a published case withdrawn and closed");
	expect_publish(&wd, false, "a case closed after its withdrawal");

	prepare(&target, ST_REGISTERED, "公开后并案：目标", false);
	published_then(&mg, "公开后并案");
	wf_act_init(&a, A(MERGE), mg.id, mg.version);
	valid_params(&a, A(MERGE));
	a.merge.into_suggestion_id = target.id;
	ok_step("liaison", &a, &mg, "merged", NULL);
	expect_off_portal(&mg, "a published case merged into another");

	published_then(&cv, "公开后转来信");
	act("liaison", A(CONVERT), &cv, "converted");
	expect_off_portal(&cv, "a published case converted to a letter");
}

/* ---- item 8: closing with follow-up reports owed ----------------------------- */

static int64_t follow_ups_on_deadlines(const struct kase *k)
{
	return sql_id("SELECT count(*) FROM jy_open_deadlines(jy_today()) "
		      "WHERE suggestion_id = $1::bigint AND kind = 'follow_up'", id_str(k->id));
}

/* The only evaluator's form: it closes the round, so the case moves on by
 * two versions (the form, then the outcome event; back-to-back rounds). */
static void evaluate_closing(const char *who, struct kase *k)
{
	struct jy_act a;
	wf_act_init(&a, A(EVALUATE), k->id, k->version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step(who, &a, k, "evaluated");
}

static void close_records_owed_follow_up(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_REPLIED, "办结测试：B类答复尚欠跟踪报告", false);   /* reply class B */
	evaluate_closing("deputy-wang", &k);
	assert_int_equal(follow_ups_on_deadlines(&k), 1);
	act("liaison", A(CLOSE), &k, "closed");
	/* Not silent: the close event names the owed report and its round. */
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k.id);
	const Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	const Jianyi__TimelineEvent *last = gs->timeline[gs->n_timeline - 1];
	assert_string_equal(last->kind, "close");
	json_object *d = json_tokener_parse(last->details), *owed, *round, *due;
	if (!d || !json_object_object_get_ex(d, "follow_up_owed", &owed) || !json_object_get_boolean(owed) ||
	    !json_object_object_get_ex(d, "follow_up_round", &round) || json_object_get_int(round) != 1 ||
	    !json_object_object_get_ex(d, "follow_up_due", &due) || strlen(json_object_get_string(due)) != 10)
		fail_msg("the close event does not record the owed follow-up report: %s", last->details);
	json_object_put(d);
	jy_envelope_free(g);
	/* It stays owed, on the deadlines, until the unit head files it. */
	assert_int_equal(follow_ups_on_deadlines(&k), 1);
	act("a-head", A(FOLLOW_UP), &k, "closed");
	assert_int_equal(follow_ups_on_deadlines(&k), 0);
}

/* ---- item 9: follow-ups signed off by the head; contact dates ---------------- */

static void follow_up_head_and_contact_dates(void **state)
{
	(void)state;
	struct jy_act a;
	struct kase k, c;
	prepare(&k, ST_REPLIED, "跟踪测试：单位负责人签发", false);
	wf_act_init(&a, A(FOLLOW_UP), k.id, k.version);
	valid_params(&a, A(FOLLOW_UP));
	refused("a-clerk", &a, &k, DENIED, "follow_up");
	act("a-head", A(FOLLOW_UP), &k, "replied");

	/* Assigned today: a contact dated yesterday precedes the assignment. */
	prepare(&c, ST_IN_PROGRESS_NOCONTACT, "跟踪测试：联系日期", false);
	char yesterday[16], tomorrow[16];
	wf_date(yesterday, sizeof yesterday, -1);
	wf_date(tomorrow, sizeof tomorrow, 1);
	wf_act_init(&a, A(CONTACT), c.id, c.version);
	valid_params(&a, A(CONTACT));
	a.contact.date = yesterday;
	refused("a-clerk", &a, &c, INVALID, "assignment");
	wf_act_init(&a, A(CONTACT), c.id, c.version);
	valid_params(&a, A(CONTACT));
	a.contact.date = tomorrow;
	refused("a-clerk", &a, &c, INVALID, "future");
	act("a-clerk", A(CONTACT), &c, "in_progress");   /* today */
}

/* ---- item 11: records on a stale version ------------------------------------- */

/* action with valid params as who, sent with version sent (not k's). */
static void stale_ok(const char *who, int action, struct kase *k, int32_t sent)
{
	struct jy_act a;
	wf_act_init(&a, action, k->id, sent);
	valid_params(&a, action);
	ok_step(who, &a, k, NULL, NULL);
}

static void stale_records(void **state)
{
	(void)state;
	struct jy_act a;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "离线测试：过期版本的记录", false);
	int32_t seen = k.version;            /* what the remote office last read */
	act("a-head", A(EXTEND), &k, "in_progress");   /* the case moves on meanwhile */
	stale_ok("a-clerk", A(CONTACT), &k, seen);
	stale_ok("b-clerk", A(OPINION), &k, seen);
	stale_ok("liaison", A(SUPERVISE), &k, seen);
	/* Overwriting writes stay conflicts; so does a version never seen. */
	wf_act_init(&a, A(PLAN), k.id, seen);
	valid_params(&a, A(PLAN));
	refused("a-clerk", &a, &k, CONFLICT, "version");
	wf_act_init(&a, A(CONTACT), k.id, k.version + 1);
	valid_params(&a, A(CONTACT));
	refused("a-clerk", &a, &k, CONFLICT, "version");

	/* A follow-up report on a stale version; then a contact the current
	 * state no longer allows. */
	act("a-head", A(REPLY), &k, "replied");
	seen = k.version;
	evaluate_closing("deputy-wang", &k);
	stale_ok("a-head", A(FOLLOW_UP), &k, seen);
	wf_act_init(&a, A(CONTACT), k.id, seen);
	valid_params(&a, A(CONTACT));
	refused("a-clerk", &a, &k, PRECOND, "cannot contact a suggestion that is evaluated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(cosigners_before_submit, wf_each),
		cmocka_unit_test_setup(publish_registered_only, wf_each),
		cmocka_unit_test_setup(leaving_the_record_leaves_the_portal, wf_each),
		cmocka_unit_test_setup(close_records_owed_follow_up, wf_each),
		cmocka_unit_test_setup(follow_up_head_and_contact_dates, wf_each),
		cmocka_unit_test_setup(stale_records, wf_each),
	};
	return cmocka_run_group_tests_name("workflow_guards", tests, wf_setup, wf_teardown);
}
