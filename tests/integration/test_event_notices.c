/* Event notices: every workflow step raises the notices the issue lists
 * ("For the people who use it", section "What do I have to do": co-sign
 * requested, returned with the reason, registered with its number,
 * assigned, dispute decided, extension decided, reply awaiting evaluation,
 * re-handling ordered, supervision recorded, ...) for the right people and
 * no others, like the permission matrix: after each step every account's
 * inbox is read through the protocol and its new event notices compared
 * with the rule written here. docs/WORKFLOW.md "Event notices" states the
 * rules. Back-to-back: an individual evaluation form tells nobody. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "wf_helpers.h"

static const char *const accounts[] = {
	"liaison", "gov", "a-clerk", "a-head", "b-clerk", "b-head", "c-clerk", "c-head",
	"cmte", "leader", "deputy-wang", "deputy-li", "deputy-zhao", "deputy-sun", "visitor",
};
enum { NACC = sizeof accounts / sizeof accounts[0] };
static int64_t seen[NACC];   /* the newest notice id read, per account */

/* The last step's notice texts, per account, for checks of what they say. */
static char texts[NACC][1024];

static Jianyi__Envelope *inbox_of(const char *who)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest in = JIANYI__INBOX_REQUEST__INIT;
	in.limit = 500;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &in;
	Jianyi__Envelope *env = NULL;
	char msg[256];
	int code = wf_call(cx(who), &req, &env, msg, sizeof msg);
	if (code != OK)
		fail_msg("inbox of %s: status %d: %s", who, code, msg);
	return env;
}

/* The event kinds of who's notices newer than the last look, sorted,
 * space-separated. */
static void new_events(int i, char *out, size_t len)
{
	Jianyi__Envelope *env = inbox_of(accounts[i]);
	const Jianyi__InboxResponse *r = env->response->inbox;
	const char *kinds[32];
	size_t n = 0;
	int64_t newest = seen[i];
	texts[i][0] = '\0';
	for (size_t j = 0; j < r->n_notices; j++) {
		const Jianyi__Notice *x = r->notices[j];
		if (x->id <= seen[i] || strcmp(x->kind, "event") != 0)
			continue;
		if (x->id > newest)
			newest = x->id;
		if (n < 32)
			kinds[n++] = x->event;
		snprintf(texts[i] + strlen(texts[i]), sizeof texts[i] - strlen(texts[i]), "%s\n", x->text);
	}
	for (size_t a = 1; a < n; a++) /* insertion sort: a handful */
		for (size_t b = a; b > 0 && strcmp(kinds[b - 1], kinds[b]) > 0; b--) {
			const char *t = kinds[b];
			kinds[b] = kinds[b - 1];
			kinds[b - 1] = t;
		}
	out[0] = '\0';
	for (size_t a = 0; a < n; a++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", a ? " " : "", kinds[a]);
	seen[i] = newest;
	jy_envelope_free(env);
}

/* spec: "who:kind[,kind] who:kind ..." (kinds sorted); everyone not named
 * must have received nothing. */
static void expect(const char *step, const char *spec)
{
	for (int i = 0; i < NACC; i++) {
		char want[256] = "", got[256];
		size_t wl = strlen(accounts[i]);
		for (const char *p = spec; p && *p;) {
			while (*p == ' ')
				p++;
			if (strncmp(p, accounts[i], wl) == 0 && p[wl] == ':') {
				const char *end = strchr(p, ' ');
				size_t n = end ? (size_t)(end - p - wl - 1) : strlen(p + wl + 1);
				snprintf(want, sizeof want, "%.*s", (int)n, p + wl + 1);
				for (char *c = want; *c; c++)
					if (*c == ',')
						*c = ' ';
			}
			p = strchr(p, ' ');
		}
		new_events(i, got, sizeof got);
		if (strcmp(want, got) != 0)
			fail_msg("after %s, %s was told \"%s\", expected \"%s\"", step, accounts[i], got, want);
	}
}

static const char *text_of(const char *who)
{
	for (int i = 0; i < NACC; i++)
		if (strcmp(accounts[i], who) == 0)
			return texts[i];
	return "";
}

static void must_say(const char *who, const char *what)
{
	if (!strstr(text_of(who), what))
		fail_msg("%s's notice does not say \"%s\": %s", who, what, text_of(who));
}

static void evaluate(const char *who, struct kase *k, const char *result, bool closing, const char *to)
{
	struct jy_act a;
	wf_act_init(&a, A(EVALUATE), k->id, k->version);
	valid_params(&a, A(EVALUATE));
	a.evaluate.result = (char *)result;
	if (closing)
		ok_closing_step(who, &a, k, to);
	else
		ok_step(who, &a, k, to, NULL);
}

static void notices_step_by_step(void **state)
{
	(void)state;
	for (int i = 0; i < NACC; i++) { /* whatever came before: not this test's */
		char skip[256];
		new_events(i, skip, sizeof skip);
	}
	struct kase k = { 0 };
	struct jy_act a;
	int64_t co[2] = { dep_li, dep_zhao };
	wf_act_init(&a, A(CREATE), 0, 0);
	a.create.title = "关于消息通知的建议";
	a.create.body = "建议正文。";
	a.create.category = "交通";
	a.create.n_cosigner_deputy_ids = 2;
	a.create.cosigner_deputy_ids = co;
	ok_step("deputy-wang", &a, &k, "draft", NULL);
	expect("create", "deputy-li:cosign_requested deputy-zhao:cosign_requested");
	must_say("deputy-zhao", WANG);

	act("deputy-li", A(COSIGN), &k, "draft");
	expect("cosign", "");
	wf_act_init(&a, A(SUBMIT), k.id, k.version);
	wf_submit_removing(&a, &co[1], 1);
	ok_step("deputy-wang", &a, &k, "submitted", NULL);
	expect("submit", "liaison:submitted");

	wf_act_init(&a, A(RETURN), k.id, k.version);
	a.reason.reason = "请补充调研数据";
	ok_step("liaison", &a, &k, "returned", NULL);
	expect("return", "deputy-wang:returned");
	must_say("deputy-wang", "请补充调研数据");
	act("deputy-wang", A(SUBMIT), &k, "submitted");
	expect("submit again", "liaison:submitted");

	act("liaison", A(REGISTER), &k, "registered");
	/* zhao, dropped at submission, no longer reads the case: told nothing. */
	expect("register", "deputy-wang:registered deputy-li:registered gov:to_assign");
	must_say("deputy-wang", "第18届第9次会议第");

	act("gov", A(ASSIGN), &k, "assigned");
	expect("assign", "a-clerk:assigned a-head:assigned b-clerk:assigned_co b-head:assigned_co "
			 "deputy-wang:assigned_deputy deputy-li:assigned_deputy");
	must_say("deputy-wang", UNIT_A);

	act("b-clerk", A(DISPUTE), &k, "disputed");
	expect("dispute", "gov:disputed");
	must_say("gov", UNIT_B);

	int64_t co_c[1] = { unit_c };
	wf_act_init(&a, A(REASSIGN), k.id, k.version);
	valid_params(&a, A(REASSIGN));
	a.assign.co_unit_ids = co_c;
	ok_step("gov", &a, &k, "assigned", NULL);
	expect("reassign", "a-clerk:assigned a-head:assigned b-clerk:dispute_decided "
			   "b-head:dispute_decided c-clerk:assigned_co c-head:assigned_co "
			   "deputy-wang:assigned_deputy deputy-li:assigned_deputy");
	/* B no longer handles the case: its notice does not say who does. */
	if (strstr(text_of("b-clerk"), UNIT_C))
		fail_msg("the unit taken off the case is told who handles it now: %s", text_of("b-clerk"));

	act("a-clerk", A(ACCEPT), &k, "accepted");
	expect("accept", "");
	act("a-clerk", A(PLAN), &k, "in_progress");
	expect("plan", "");
	act("a-clerk", A(EXTEND), &k, "in_progress");
	expect("extend", "gov:extension_requested");
	wf_act_init(&a, A(APPROVE_EXTENSION), k.id, k.version);
	valid_params(&a, A(APPROVE_EXTENSION));
	a.approve.extension_id = extension_id_of(&k);
	ok_step("gov", &a, &k, "in_progress", NULL);
	expect("approve_extension", "a-clerk:extension_decided a-head:extension_decided");
	must_say("a-clerk", "已批准");
	act("a-clerk", A(CONTACT), &k, "in_progress");
	expect("contact", "");
	act("c-clerk", A(OPINION), &k, "in_progress");
	expect("opinion", "");
	act("liaison", A(SUPERVISE), &k, "in_progress");
	expect("supervise", "a-clerk:supervised a-head:supervised");

	act("a-head", A(REPLY), &k, "replied");
	expect("reply", "deputy-wang:replied deputy-li:replied");
	evaluate("deputy-wang", &k, "unsatisfied", false, "replied");
	expect("a form (back-to-back)", "");
	evaluate("deputy-li", &k, "satisfied", true, "rehandling");
	expect("the round's unsatisfied outcome", "a-clerk:rehandling a-head:rehandling");
	/* Nothing says who was unsatisfied. */
	if (strstr(text_of("a-clerk"), WANG) || strstr(text_of("a-clerk"), LI))
		fail_msg("the re-handling notice names an evaluator: %s", text_of("a-clerk"));

	act("a-clerk", A(CONTACT), &k, "rehandling");
	expect("contact", "");
	act("a-head", A(REPLY), &k, "replied");
	expect("reply again", "deputy-wang:replied deputy-li:replied");
	evaluate("deputy-wang", &k, "satisfied", false, "replied");
	evaluate("deputy-li", &k, "satisfied", true, "evaluated");
	expect("the round's satisfied outcome", "liaison:to_close");
	act("liaison", A(CLOSE), &k, "closed");
	expect("close", "");

	/* A withdrawal tells the units that handle the case. */
	struct kase w;
	prepare(&w, ST_IN_PROGRESS, "关于撤回通知的建议", false);
	for (int i = 0; i < NACC; i++) {
		char skip[256];
		new_events(i, skip, sizeof skip);
	}
	act("deputy-wang", A(WITHDRAW), &w, "withdrawn");
	expect("withdraw", "a-clerk:withdrawn a-head:withdrawn b-clerk:withdrawn b-head:withdrawn");
}

/* Each notice goes to the external notifier too: one delivery per
 * recipient, none to the one who acted. */
static void delivered_to_each_recipient(void **state)
{
	(void)state;
	assert_int_equal(sql_id("SELECT count(*) FROM notices n WHERE n.kind = 'event' AND "
				"(SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id) <> "
				"(SELECT count(*) FROM notice_deliveries d WHERE d.notice_id = n.id)", NULL),
			 0);
	assert_int_equal(sql_id("SELECT count(*) FROM notices n JOIN events e ON e.seq = n.event_seq "
				"JOIN notice_recipients r ON r.notice_id = n.id "
				"WHERE r.account_id = e.actor_account_id", NULL),
			 0);
	assert_true(sql_id("SELECT count(*) FROM notices WHERE kind = 'event'", NULL) >= 20);
}

/* Pushed live, to a follower on another jianyid: the notice rides on the
 * writer's coalesced wake-up after the commit (no NOTIFY inside the workflow
 * transaction: docs/ARCHITECTURE.md "Pitfalls"). */
static void pushed_across_servers(void **state)
{
	(void)state;
	struct server_proc s2;
	server_start(&H, &s2, "[jobs]\ninterval = 0");
	struct jy_client *wang = client_connect(&H, &s2, "deputy-wang");
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest in = JIANYI__INBOX_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	struct jy_error e = { 0 };
	in.follow = true;
	in.limit = 1;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &in;
	assert_true(jy_call(wang, &req, &env, &e));
	jy_envelope_free(env);
	usleep(300 * 1000); /* s2's LISTEN connection comes up asynchronously */

	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于跨服务推送通知的建议", false);
	uint64_t t0 = harness_now_ms();
	act("liaison", A(REGISTER), &k, "registered"); /* through S */
	bool got = false;
	while (!got && harness_now_ms() - t0 < 5000) {
		Jianyi__Envelope *ev = NULL;
		if (!jy_next_event(wang, 5000, &ev, &e))
			fail_msg("no notice pushed to the follower on the other server: %s", e.message);
		const Jianyi__Event *x = ev->event;
		got = strcmp(x->kind, "notice") == 0 && x->notice && x->notice->suggestion_id == k.id &&
		      strcmp(x->notice->event, "registered") == 0;
		jy_envelope_free(ev);
	}
	assert_true(got);
	printf("event notice pushed across servers %llu ms after the write\n",
	       (unsigned long long)(harness_now_ms() - t0));
	jy_close(wang);
	assert_int_equal(server_stop(&s2, SIGTERM, 10000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(notices_step_by_step, wf_each),
		cmocka_unit_test_setup(delivered_to_each_recipient, wf_each),
		cmocka_unit_test_setup(pushed_across_servers, wf_each),
	};
	return cmocka_run_group_tests_name("event_notices", tests, wf_setup, wf_teardown);
}
