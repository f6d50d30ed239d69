/* The to-do list (待办) for every role and state, end to end on the workflow
 * fixture (wf_helpers.c). The rules are the ("For the people who use
 * it", section "What do I have to do"), written out here a second time,
 * independently of the SQL (docs/WORKFLOW.md "To-do" states them):
 *   the government office: registered cases to assign, disputes to decide,
 *     extensions to approve;
 *   a unit: assignments to accept, plans to fix, contacts and replies owed
 *     (and re-handling), follow-ups owed; a co-handling unit its opinion;
 *   a deputy: co-sign requests, evaluations owed, returned suggestions to
 *     revise;
 *   the liaison committee: submissions to register, cases to close,
 *     overdue items.
 * Every other account (another unit, a committee member, a leader, a deputy
 * with no case, the public) has nothing to do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "wf_helpers.h"

struct tcase {
	struct kase k;
	const char *title;
	bool no_contact;       /* in progress, no contact with the deputy yet */
	bool extension;        /* an extension request is pending */
	bool overdue_reply;    /* its reply deadline has passed */
	bool wang_done, li_done; /* evaluators who sent this round's form */
};

enum { NCASES = 16, MAXITEMS = 64 };
static struct tcase cases[NCASES];

static const char *id_str(int64_t id)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%lld", (long long)id);
	return b;
}

static bool is(const struct tcase *t, const char *states)
{
	return state_in(t->k.state, states);
}

static bool follow_up_owed(const struct tcase *t)
{
	return sql_id("SELECT count(*) FROM suggestions WHERE follow_up_owed AND id = $1::bigint",
		      id_str(t->k.id)) == 1 &&
	       !is(t, "withdrawn|merged|converted");
}

/* What who has to do on case t: the rules of the header, as "kind". */
static int expected(const char *who, const struct tcase *t, const char *kinds[4])
{
	int n = 0;
	if (strcmp(who, "liaison") == 0) {
		if (is(t, "submitted"))
			kinds[n++] = "register";
		if (is(t, "evaluated|withdrawn|merged|converted"))
			kinds[n++] = "close";
		if (t->overdue_reply)
			kinds[n++] = "overdue";
	} else if (strcmp(who, "gov") == 0) {
		if (is(t, "registered"))
			kinds[n++] = "assign";
		if (is(t, "disputed"))
			kinds[n++] = "decide_dispute";
		if (t->extension)
			kinds[n++] = "approve_extension";
	} else if (strcmp(who, "a-clerk") == 0 || strcmp(who, "a-head") == 0) { /* lead unit */
		if (is(t, "assigned"))
			kinds[n++] = "accept";
		if (is(t, "accepted"))
			kinds[n++] = "plan";
		if (is(t, "in_progress"))
			kinds[n++] = t->no_contact ? "contact" : "reply";
		if (is(t, "rehandling"))
			kinds[n++] = "rehandle";
		if (follow_up_owed(t))
			kinds[n++] = "follow_up";
	} else if (strcmp(who, "b-clerk") == 0 || strcmp(who, "b-head") == 0) { /* co-unit */
		if (is(t, "assigned|accepted|in_progress|rehandling"))
			kinds[n++] = "opinion";
	} else if (strcmp(who, "deputy-wang") == 0) { /* the lead deputy */
		if (is(t, "returned"))
			kinds[n++] = "revise";
		if (is(t, "replied") && !t->wang_done)
			kinds[n++] = "evaluate";
	} else if (strcmp(who, "deputy-li") == 0) { /* a confirmed co-signer */
		if (is(t, "replied") && !t->li_done)
			kinds[n++] = "evaluate";
	} else if (strcmp(who, "deputy-zhao") == 0) { /* asked, never confirmed */
		if (is(t, "draft"))
			kinds[n++] = "cosign";
	}
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static Jianyi__Envelope *todo_of(const char *who)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	Jianyi__Envelope *env = NULL;
	char msg[256];
	int code = wf_call(cx(who), &req, &env, msg, sizeof msg);
	if (code != OK)
		fail_msg("todo as %s: status %d: %s", who, code, msg);
	return env;
}

static const struct tcase *case_of(int64_t id)
{
	for (int i = 0; i < NCASES; i++)
		if (cases[i].k.id == id)
			return &cases[i];
	return NULL;
}

/* who's list, item by item, against the rules. */
static void check_account(const char *who)
{
	char *want[MAXITEMS], *got[MAXITEMS];
	size_t nw = 0, ng = 0;
	for (int i = 0; i < NCASES; i++) {
		const char *kinds[4];
		int n = expected(who, &cases[i], kinds);
		for (int j = 0; j < n && nw < MAXITEMS; j++) {
			want[nw] = malloc(64);
			snprintf(want[nw++], 64, "%s #%lld", kinds[j], (long long)cases[i].k.id);
		}
	}
	Jianyi__Envelope *env = todo_of(who);
	const Jianyi__TodoResponse *r = env->response->todo;
	for (size_t i = 0; i < r->n_items && ng < MAXITEMS; i++) {
		const Jianyi__TodoItem *t = r->items[i];
		got[ng] = malloc(64);
		snprintf(got[ng++], 64, "%s #%lld", t->kind, (long long)t->suggestion_id);
		const struct tcase *c = case_of(t->suggestion_id);
		if (c == NULL)
			fail_msg("%s's to-do names case %lld, which this test never made", who,
				 (long long)t->suggestion_id);
		/* Soonest first; an item without a deadline after those with one. */
		if (i > 0) {
			const Jianyi__TodoItem *p = r->items[i - 1];
			if ((!p->due[0] && t->due[0]) || (p->due[0] && t->due[0] && strcmp(p->due, t->due) > 0))
				fail_msg("%s's to-do is not soonest first: %s then %s", who, p->due, t->due);
		}
		if (strcmp(t->title, c->title) != 0)
			fail_msg("%s's item for #%lld has the title \"%s\"", who, (long long)c->k.id, t->title);
	}
	qsort(want, nw, sizeof *want, cmp_str);
	qsort(got, ng, sizeof *got, cmp_str);
	char wants[2048] = "", gots[2048] = "";
	for (size_t i = 0; i < nw; i++)
		snprintf(wants + strlen(wants), sizeof wants - strlen(wants), "%s%s", i ? ", " : "", want[i]);
	for (size_t i = 0; i < ng; i++)
		snprintf(gots + strlen(gots), sizeof gots - strlen(gots), "%s%s", i ? ", " : "", got[i]);
	if (strcmp(wants, gots) != 0)
		fail_msg("the to-do of %s:\n  expected: %s\n  got:      %s", who, wants, gots);
	for (size_t i = 0; i < nw; i++)
		free(want[i]);
	for (size_t i = 0; i < ng; i++)
		free(got[i]);
	jy_envelope_free(env);
}

/* The deadline an item carries: the one the rule names. */
static void check_deadlines(void)
{
	Jianyi__Envelope *env = todo_of("a-clerk");
	const Jianyi__TodoResponse *r = env->response->todo;
	int seen = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		const Jianyi__TodoItem *t = r->items[i];
		const char *col = strcmp(t->kind, "accept") == 0   ? "dispute_due"
				  : strcmp(t->kind, "rehandle") == 0 ? "rehandle_due"
				  : strcmp(t->kind, "plan") == 0 || strcmp(t->kind, "contact") == 0 ||
					  strcmp(t->kind, "reply") == 0
				      ? "reply_deadline"
				      : NULL;
		if (col == NULL)
			continue;
		char q[160];
		snprintf(q, sizeof q,
			 "SELECT count(*) FROM suggestions WHERE id = $1::bigint AND %s::text = '%s'", col,
			 t->due);
		if (sql_id(q, id_str(t->suggestion_id)) != 1)
			fail_msg("the %s item of #%lld is due %s, not on its %s", t->kind,
				 (long long)t->suggestion_id, t->due, col);
		bool late = case_of(t->suggestion_id)->overdue_reply;
		if (t->overdue != late || (late && t->days_left >= 0))
			fail_msg("the %s item of #%lld: overdue %d, days left %d", t->kind,
				 (long long)t->suggestion_id, t->overdue, t->days_left);
		seen++;
	}
	assert_true(seen >= 6);
	jy_envelope_free(env);

	/* The liaison committee's overdue item names the deadline and its owner. */
	env = todo_of("liaison");
	r = env->response->todo;
	int overdue = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		const Jianyi__TodoItem *t = r->items[i];
		if (strcmp(t->kind, "overdue") != 0)
			continue;
		overdue++;
		assert_string_equal(t->deadline_kind, "reply");
		assert_string_equal(t->owner_name, UNIT_A);
		assert_true(t->overdue);
		assert_int_equal(t->days_left, -3);
		assert_true(i == 0); /* the most overdue first */
	}
	assert_int_equal(overdue, 1);
	jy_envelope_free(env);
}

static void make_cases(void)
{
	static const char *titles[NCASES] = {
		"待办：草稿待联名", "待办：待立案", "待办：退回待修改", "待办：待交办",
		"待办：待签收", "待办：有异议", "待办：待制定方案", "待办：待联系代表",
		"待办：待答复且申请延期", "待办：答复已逾期", "待办：待评价", "待办：一位代表已评价",
		"待办：重新办理", "待办：待办结", "待办：已撤回", "待办：已办结",
	};
	static const enum stage stages[NCASES] = {
		ST_DRAFT, ST_SUBMITTED, ST_SUBMITTED, ST_REGISTERED, ST_ASSIGNED, ST_ASSIGNED,
		ST_ACCEPTED, ST_IN_PROGRESS_NOCONTACT, ST_IN_PROGRESS, ST_IN_PROGRESS, ST_REPLIED,
		ST_REPLIED, ST_REPLIED, ST_REPLIED, ST_IN_PROGRESS, ST_REPLIED,
	};
	struct jy_act a;
	for (int i = 0; i < NCASES; i++) {
		cases[i].title = titles[i];
		prepare(&cases[i].k, stages[i], titles[i], true);
	}
	act("liaison", A(RETURN), &cases[2].k, "returned");
	act("b-clerk", A(DISPUTE), &cases[5].k, "disputed");
	cases[7].no_contact = true;
	act("a-clerk", A(EXTEND), &cases[8].k, "in_progress");
	cases[8].extension = true;
	/* Three days pass on the reply deadline (as the database's owner: no
	 * request can set a deadline in the past). */
	sql_exec("UPDATE suggestions SET reply_deadline = jy_today() - 3 WHERE id = $1::bigint",
		 id_str(cases[9].k.id));
	cases[9].overdue_reply = true;
	act("deputy-wang", A(EVALUATE), &cases[11].k, "replied");
	cases[11].wang_done = true;
	/* Re-handling: an unsatisfied form closes the round with the last one. */
	wf_act_init(&a, A(EVALUATE), cases[12].k.id, cases[12].k.version);
	valid_params(&a, A(EVALUATE));
	a.evaluate.result = "unsatisfied";
	ok_step("deputy-wang", &a, &cases[12].k, "replied", NULL);
	wf_act_init(&a, A(EVALUATE), cases[12].k.id, cases[12].k.version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step("deputy-li", &a, &cases[12].k, "rehandling");
	for (int i = 13; i <= 15; i += 2) {
		act("deputy-wang", A(EVALUATE), &cases[i].k, "replied");
		wf_act_init(&a, A(EVALUATE), cases[i].k.id, cases[i].k.version);
		valid_params(&a, A(EVALUATE));
		ok_closing_step("deputy-li", &a, &cases[i].k, "evaluated");
	}
	act("liaison", A(CLOSE), &cases[15].k, "closed");
	act("deputy-wang", A(WITHDRAW), &cases[14].k, "withdrawn");
}

static void todo_for_every_role_and_state(void **state)
{
	(void)state;
	make_cases();
	static const char *const accounts[] = {
		"liaison", "gov", "a-clerk", "a-head", "b-clerk", "b-head", "c-clerk", "c-head",
		"cmte", "leader", "deputy-wang", "deputy-li", "deputy-zhao", "deputy-sun", "visitor",
	};
	for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++)
		check_account(accounts[i]);
	check_deadlines();

	/* Acting on an item takes it off the list: the unit accepts. */
	act("a-clerk", A(ACCEPT), &cases[4].k, "accepted");
	check_account("a-clerk");
	check_account("b-clerk");
}

/* The command: the lead unit's clerk reads the list with the case's number
 * and title, no internal code. */
static void todo_command(void **state)
{
	(void)state;
	char out[8192], err[1024];
	struct cli_call c = { .sp = &S, .who = "a-clerk" };
	int rc = harness_cli_run(&H, &c, "todo", out, sizeof out, err, sizeof err);
	if (rc != 0)
		fail_msg("jianyi todo: exit %d: %s", rc, err);
	if (!strstr(out, "待办：待制定方案") || !strstr(out, "第") || strstr(out, "follow_up") ||
	    strstr(out, "rehandle "))
		fail_msg("jianyi todo printed:\n%s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(todo_for_every_role_and_state, wf_each),
		cmocka_unit_test_setup(todo_command, wf_each),
	};
	return cmocka_run_group_tests_name("todo", tests, wf_setup, wf_teardown);
}
