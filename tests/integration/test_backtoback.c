/* Back-to-back evaluation (背靠背) and the public's view, over every read
 * path a client reaches: GetSuggestion, ListSuggestions, Sync, Stats,
 * Ledger, Deadlines, Inbox and the portal's HTTP pages, with a joint
 * suggestion (lead deputy 王明, co-signers 李华 and 赵强, both confirmed).
 *
 * The rules come from the project's "Fixes" issue, items 3, 4 and 9
 * (docs/WORKFLOW.md "Evaluation rounds" and "Visibility" say the same):
 * - an individual form (its ratings, its comment, who gave which rating) is
 *   read by the deputy who filled it and by the liaison committee only: not
 *   by the government office, handling units, co-signers or the public;
 * - while a round is open the others see only that evaluation is under way;
 *   when it closes (every evaluator answered, or its window ended) everyone
 *   who may see the case sees the outcome (counts per rating, the resulting
 *   state) in one step: one state change, one outcome event;
 * - the public reads the published view of a case wherever it reads it:
 *   published title and text, no handler, no logins, no supervision notes,
 *   no contact details;
 * - the proposer of a case merged into another evaluates the reply that
 *   answers it through the link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "wf_helpers.h"

#define ORIGINAL_TITLE "关于整治城东菜市场周边交通秩序的建议"
#define PUBLIC_TITLE "关于改善城东交通秩序的建议"
#define BODY "城东菜市场周边拥堵严重。联系人电话13800001111，住址城东路88号。"
#define SUMMARY "建议改善城东菜市场周边交通秩序。"
#define PHONE "13800001111"
#define HANDLER "张经办"            /* valid_params' plan */
#define CONTACT_NOTE "电话沟通办理思路"  /* valid_params' contact */
#define SUPERVISION_NOTE "内部督办：请交通局本周内说明进度"
#define C_WANG "王明评语：基本认可"
#define C_LI "李华评语：答复敷衍，未解决"
#define C_ZHAO "赵强评语：很满意"

/* ---- who reads -------------------------------------------------------------- */

enum role { LEAD, COSIGNER, LIAISON, GOV, UNIT, PUBLIC };

static const struct reader {
	const char *login;
	enum role role;
	const char *own_comment;   /* the comment of the reader's own form, or NULL */
	bool in_stats;             /* the case counts in its Stats (a unit: the cases it leads) */
} readers[] = {
	{ "deputy-wang", LEAD, C_WANG, true },
	{ "deputy-li", COSIGNER, C_LI, true },
	{ "deputy-zhao", COSIGNER, C_ZHAO, true },
	{ "liaison", LIAISON, NULL, true },
	{ "gov", GOV, NULL, true },
	{ "a-clerk", UNIT, NULL, true },
	{ "a-head", UNIT, NULL, true },
	{ "b-clerk", UNIT, NULL, false },   /* co-handling */
	{ "visitor", PUBLIC, NULL, false },  /* refused */
};
#define NREADERS (sizeof readers / sizeof readers[0])

static const char *const comments[] = { C_WANG, C_LI, C_ZHAO };

/* Whether reader r may read the form that carries comment c (the rule). */
static bool reads_form(const struct reader *r, const char *c)
{
	return r->role == LIAISON || (r->own_comment && strcmp(r->own_comment, c) == 0);
}

/* ---- small helpers ----------------------------------------------------------- */

static char idbuf[32];
static const char *id_str(int64_t id)
{
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	return idbuf;
}

/* Whether the packed envelope holds s anywhere (protobuf keeps strings as
 * they are): a field the test did not think of leaks as well. */
static bool env_has(const Jianyi__Envelope *e, const char *s)
{
	size_t n = jianyi__envelope__get_packed_size(e);
	uint8_t *buf = malloc(n ? n : 1);
	assert_non_null(buf);
	jianyi__envelope__pack(e, buf);
	bool found = memmem(buf, n, s, strlen(s)) != NULL;
	free(buf);
	return found;
}

static int call(const char *who, Jianyi__Request *req, Jianyi__Envelope **out)
{
	char msg[256];
	return wf_call(cx(who), req, out, msg, sizeof msg);
}

/* What a reader got through one path about case id: events by kind, and
 * whether each secret string appeared. */
struct seen {
	int evaluate, outcome, supervise, plan, contact;
	bool logins;                 /* an event named its actor */
	char outcome_details[512];
	char state[32];
};

static void count_event(struct seen *s, const char *kind, const char *login, const char *details)
{
	s->evaluate += strcmp(kind, "evaluate") == 0;
	s->supervise += strcmp(kind, "supervise") == 0;
	s->plan += strcmp(kind, "plan") == 0;
	s->contact += strcmp(kind, "contact") == 0;
	if (strcmp(kind, "evaluation_outcome") == 0) {
		/* Without spaces, whatever the JSON writer's style. */
		size_t n = 0;
		for (const char *c = details; *c && n + 1 < sizeof s->outcome_details; c++)
			if (*c != ' ')
				s->outcome_details[n++] = *c;
		s->outcome_details[n] = '\0';
		s->outcome++;
	}
	if (login && *login)
		s->logins = true;
}

/* GetSuggestion; *env kept for string checks (caller frees). */
static struct seen via_get(const char *who, int64_t id, Jianyi__Envelope **env)
{
	struct seen s = { 0 };
	*env = wf_get_ok(cx(who), id);
	const Jianyi__GetSuggestionResponse *g = (*env)->response->get_suggestion;
	snprintf(s.state, sizeof s.state, "%s", state_str(g->suggestion->state));
	for (size_t i = 0; i < g->n_timeline; i++)
		count_event(&s, g->timeline[i]->kind, g->timeline[i]->actor_login, g->timeline[i]->details);
	return s;
}

/* Sync from the start to caught up, the events of case id; *leak set when a
 * page holds one of the strings in bad[]. */
static struct seen via_sync(const char *who, int64_t id, const char *const *bad, size_t nbad,
			    const char **leak)
{
	struct seen s = { 0 };
	char cursor[64] = "";
	*leak = NULL;
	for (int page = 0; page < 100; page++) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest q = JIANYI__SYNC_REQUEST__INIT;
		q.cursor = cursor;
		q.page_size = 5000;
		req.body_case = JIANYI__REQUEST__BODY_SYNC;
		req.sync = &q;
		Jianyi__Envelope *env = NULL;
		assert_int_equal(call(who, &req, &env), OK);
		const Jianyi__SyncResponse *r = env->response->sync;
		for (size_t e = 0; e < r->n_events; e++)
			if (r->events[e]->suggestion_id == id)
				count_event(&s, r->events[e]->kind, r->events[e]->actor_login,
					    r->events[e]->details);
		for (size_t b = 0; b < nbad && !*leak; b++)
			if (env_has(env, bad[b]))
				*leak = bad[b];
		snprintf(cursor, sizeof cursor, "%s", r->cursor);
		bool done = r->caught_up;
		jy_envelope_free(env);
		if (done)
			break;
	}
	return s;
}

/* The reader's ledger row of case id (NULL: none), in *env. */
static const Jianyi__LedgerRow *ledger_row(const char *who, int64_t id, Jianyi__Envelope **env)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__LedgerRequest lr = JIANYI__LEDGER_REQUEST__INIT;
	Jianyi__ListSuggestionsRequest f = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	f.page_size = 1000;
	lr.filter = &f;
	req.body_case = JIANYI__REQUEST__BODY_LEDGER;
	req.ledger = &lr;
	assert_int_equal(call(who, &req, env), OK);
	for (size_t k = 0; k < (*env)->response->ledger->n_rows; k++)
		if ((*env)->response->ledger->rows[k]->id == id)
			return (*env)->response->ledger->rows[k];
	return NULL;
}

/* Stats over everything the reader may count: round-1 forms and rehandled
 * cases (-1: refused). */
static void stats_of(const char *who, int64_t *forms, int64_t *rehandled)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest st = JIANYI__STATS_REQUEST__INIT;
	st.group_by = "";
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &st;
	Jianyi__Envelope *env = NULL;
	*forms = *rehandled = -1;
	if (call(who, &req, &env) != OK)
		return;
	*forms = *rehandled = 0;
	for (size_t k = 0; k < env->response->stats->n_rows; k++) {
		*forms += env->response->stats->rows[k]->first_round_forms;
		*rehandled += env->response->stats->rows[k]->rehandled;
	}
	jy_envelope_free(env);
}

/* Evaluation deadlines of case id the reader is shown. */
static int evaluation_deadlines(const char *who, int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DeadlinesRequest dq = JIANYI__DEADLINES_REQUEST__INIT;
	dq.limit = 2000;
	req.body_case = JIANYI__REQUEST__BODY_DEADLINES;
	req.deadlines = &dq;
	Jianyi__Envelope *env = NULL;
	assert_int_equal(call(who, &req, &env), OK);
	int n = 0;
	for (size_t k = 0; k < env->response->deadlines->n_deadlines; k++)
		n += env->response->deadlines->deadlines[k]->suggestion_id == id &&
		     strcmp(env->response->deadlines->deadlines[k]->kind, "evaluation") == 0;
	jy_envelope_free(env);
	return n;
}

/* Evaluation notices of case id in the reader's inbox. */
static int evaluation_notices(const char *who, int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest q = JIANYI__INBOX_REQUEST__INIT;
	q.limit = 500;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &q;
	Jianyi__Envelope *env = NULL;
	assert_int_equal(call(who, &req, &env), OK);
	int n = 0;
	for (size_t k = 0; k < env->response->inbox->n_notices; k++)
		n += env->response->inbox->notices[k]->suggestion_id == id &&
		     strcmp(env->response->inbox->notices[k]->deadline_kind, "evaluation") == 0 &&
		     strcmp(env->response->inbox->notices[k]->kind, "event") != 0; /* reminders */
	jy_envelope_free(env);
	return n;
}

/* jy_raise_notices(day) as the periodic job would run it on that day,
 * retried while a server's own job holds the lock. */
static void job_on(const char *day_sql, const char *id)
{
	for (int tries = 0; tries < 100; tries++) {
		if (sql_id(day_sql, id) >= 0)
			return;
		usleep(50000);
	}
	fail_msg("the periodic job's lock stayed taken");
}

static void evaluate(const char *who, struct kase *k, const char *attitude, const char *result,
		     const char *comment, int want, const char *state)
{
	struct jy_act a;
	struct wf_res r;
	wf_act_init(&a, A(EVALUATE), k->id, k->version);
	a.evaluate.attitude = (char *)attitude;
	a.evaluate.result = (char *)result;
	a.evaluate.comment = (char *)comment;
	int code = wf_do(cx(who), &a, &r);
	if (code != want)
		fail_msg("%s evaluating #%lld: %s (%s), expected %s", who, (long long)k->id,
			 jy_status_str(code), r.message, jy_status_str(want));
	if (code == OK) {
		if (strcmp(state_str(r.sug->state), state) != 0)
			fail_msg("%s evaluating #%lld: the case is %s, expected %s", who, (long long)k->id,
				 state_str(r.sug->state), state);
		k->version = r.sug->version;
		snprintf(k->state, sizeof k->state, "%s", state_str(r.sug->state));
	}
	wf_res_free(&r);
}

/* The joint case: 王明 leads, 李华 and 赵强 co-sign and confirm; unit A
 * leads, B co-handles; planned, contacted, supervised, replied, published
 * with its own title and a summary. */
static void joint_case(struct kase *k)
{
	struct jy_act a;
	int64_t co[2] = { dep_li, dep_zhao };
	memset(k, 0, sizeof *k);
	wf_act_init(&a, A(CREATE), 0, 0);
	a.create.title = ORIGINAL_TITLE;
	a.create.body = BODY;
	a.create.category = "交通";
	a.create.n_cosigner_deputy_ids = 2;
	a.create.cosigner_deputy_ids = co;
	ok_step("deputy-wang", &a, k, "draft", NULL);
	act("deputy-li", A(COSIGN), k, "draft");
	act("deputy-zhao", A(COSIGN), k, "draft");
	act("deputy-wang", A(SUBMIT), k, "submitted");
	act("liaison", A(REGISTER), k, "registered");
	act("gov", A(ASSIGN), k, "assigned");
	act("a-clerk", A(ACCEPT), k, "accepted");
	act("a-clerk", A(PLAN), k, "in_progress");
	act("a-clerk", A(CONTACT), k, "in_progress");
	wf_act_init(&a, A(SUPERVISE), k->id, k->version);
	a.supervise.kind = "note";
	a.supervise.text = SUPERVISION_NOTE;
	ok_step("liaison", &a, k, "in_progress", NULL);
	act("a-head", A(REPLY), k, "replied");
	assert_int_equal(harness_admin(&H, "publish", "--id", id_str(k->id), "--title", PUBLIC_TITLE,
				       "--summary", SUMMARY, NULL), 0);
}

/* The portal page of case id, in *r. */
static void portal_page(int64_t id, struct wf_http *r)
{
	char path[64];
	snprintf(path, sizeof path, "/s/%lld", (long long)id);
	wf_http_get(path, r);
	assert_int_equal(r->status, 200);
}

/* ---- the open round ------------------------------------------------------------ */

/* Two of three forms in: each reader, through each path, sees the forms
 * the rule lets it see and nothing of the others; nobody sees an outcome. */
static void check_open_round(const struct kase *k)
{
	for (size_t i = 0; i < NREADERS; i++) {
		const struct reader *r = &readers[i];
		int own = 0;
		for (size_t c = 1; c < 3; c++)   /* 李华's and 赵强's forms are in */
			own += reads_form(r, comments[c]);
		Jianyi__Envelope *env;
		struct seen g = via_get(r->login, k->id, &env);
		if (strcmp(g.state, "replied") != 0)
			fail_msg("open round: %s reads the case as %s, not replied", r->login, g.state);
		if (g.evaluate != own || g.outcome != 0)
			fail_msg("open round, GetSuggestion: %s sees %d forms and %d outcomes, expected %d and 0",
				 r->login, g.evaluate, g.outcome, own);
		for (size_t c = 1; c < 3; c++)
			if (env_has(env, comments[c]) != reads_form(r, comments[c]))
				fail_msg("open round, GetSuggestion: %s %s the comment \"%s\"", r->login,
					 reads_form(r, comments[c]) ? "does not see" : "sees", comments[c]);
		jy_envelope_free(env);

		const char *bad[2];
		size_t nbad = 0;
		for (size_t c = 1; c < 3; c++)
			if (!reads_form(r, comments[c]))
				bad[nbad++] = comments[c];
		const char *leak;
		struct seen s = via_sync(r->login, k->id, bad, nbad, &leak);
		if (s.evaluate != own || s.outcome != 0 || leak)
			fail_msg("open round, Sync: %s sees %d forms, %d outcomes%s%s", r->login, s.evaluate,
				 s.outcome, leak ? ", and the comment " : "", leak ? leak : "");

		const Jianyi__LedgerRow *row = ledger_row(r->login, k->id, &env);
		if (row && row->evaluation[0])
			fail_msg("open round, Ledger: %s reads evaluation \"%s\"", r->login, row->evaluation);
		jy_envelope_free(env);

		int64_t forms, rehandled;
		stats_of(r->login, &forms, &rehandled);
		if (r->role != PUBLIC && (forms != 0 || rehandled != 0))
			fail_msg("open round, Stats: %s counts %lld round-1 forms, %lld re-handled cases",
				 r->login, (long long)forms, (long long)rehandled);

		/* Who still owes a form (王明) tells who has answered. */
		int want_dl = r->role == LIAISON || r->role == LEAD;
		int dl = evaluation_deadlines(r->login, k->id);
		if (dl != want_dl)
			fail_msg("open round, Deadlines: %s is shown %d evaluation deadlines, expected %d",
				 r->login, dl, want_dl);
	}
	struct wf_http h;
	portal_page(k->id, &h);
	if (!strstr(h.body, "代表尚未测评"))
		fail_msg("open round: the portal page shows feedback before the round closed");
	wf_http_free(&h);
}

/* ---- the closed round ------------------------------------------------------------ */

static void check_closed_round(const struct kase *k)
{
	for (size_t i = 0; i < NREADERS; i++) {
		const struct reader *r = &readers[i];
		int own = 0;
		for (size_t c = 0; c < 3; c++)
			own += reads_form(r, comments[c]);
		Jianyi__Envelope *env;
		struct seen g = via_get(r->login, k->id, &env);
		if (strcmp(g.state, "rehandling") != 0)
			fail_msg("closed round: %s reads the case as %s, not rehandling", r->login, g.state);
		if (g.evaluate != own || g.outcome != 1)
			fail_msg("closed round, GetSuggestion: %s sees %d forms and %d outcomes, expected %d and 1",
				 r->login, g.evaluate, g.outcome, own);
		if (!strstr(g.outcome_details, "\"unsatisfied\":1") ||
		    !strstr(g.outcome_details, "\"basically_satisfied\":1") ||
		    !strstr(g.outcome_details, "\"rehandling\""))
			fail_msg("closed round: %s reads the outcome %s", r->login, g.outcome_details);
		for (size_t c = 0; c < 3; c++)
			if (env_has(env, comments[c]) != reads_form(r, comments[c]))
				fail_msg("closed round, GetSuggestion: %s %s the comment \"%s\"", r->login,
					 reads_form(r, comments[c]) ? "does not see" : "sees", comments[c]);
		jy_envelope_free(env);

		const char *bad[3];
		size_t nbad = 0;
		for (size_t c = 0; c < 3; c++)
			if (!reads_form(r, comments[c]))
				bad[nbad++] = comments[c];
		const char *leak;
		struct seen s = via_sync(r->login, k->id, bad, nbad, &leak);
		if (s.evaluate != own || s.outcome != 1 || leak)
			fail_msg("closed round, Sync: %s sees %d forms, %d outcomes%s%s", r->login, s.evaluate,
				 s.outcome, leak ? ", and the comment " : "", leak ? leak : "");

		const Jianyi__LedgerRow *row = ledger_row(r->login, k->id, &env);
		if (!row || !strstr(row->evaluation, "不满意 1"))
			fail_msg("closed round, Ledger: %s reads evaluation \"%s\"", r->login,
				 row ? row->evaluation : "(no row)");
		jy_envelope_free(env);

		int64_t forms, rehandled;
		stats_of(r->login, &forms, &rehandled);
		if (r->in_stats && (forms != 3 || rehandled != 1))
			fail_msg("closed round, Stats: %s counts %lld round-1 forms, %lld re-handled cases",
				 r->login, (long long)forms, (long long)rehandled);
	}
	struct wf_http h;
	portal_page(k->id, &h);
	if (!strstr(h.body, "<tr><th>对办理结果</th><td>1</td><td>1</td><td>1</td></tr>"))
		fail_msg("closed round: the portal page does not show the counts 1/1/1");
	for (size_t c = 0; c < 3; c++)
		if (strstr(h.body, comments[c]))
			fail_msg("the portal page shows the comment \"%s\"", comments[c]);
	wf_http_free(&h);
}

/* ---- the public's view ------------------------------------------------------------ */

static const char *const internal[] = {
	ORIGINAL_TITLE, PHONE, HANDLER, CONTACT_NOTE, SUPERVISION_NOTE, "a-head", "liaison",
};
#define NINTERNAL (sizeof internal / sizeof internal[0])

static void check_public_view(const struct kase *k)
{
	Jianyi__Envelope *env;
	struct seen g = via_get("visitor", k->id, &env);
	const Jianyi__Suggestion *s = env->response->get_suggestion->suggestion;
	assert_string_equal(s->title, PUBLIC_TITLE);
	assert_string_equal(s->body, SUMMARY);
	assert_string_equal(s->handler_name, "");
	for (size_t i = 0; i < NINTERNAL; i++)
		if (env_has(env, internal[i]))
			fail_msg("the public reads \"%s\" through GetSuggestion", internal[i]);
	if (g.logins || g.supervise || g.plan || g.contact)
		fail_msg("the public's timeline: logins %d, supervise %d, plan %d, contact %d", g.logins,
			 g.supervise, g.plan, g.contact);
	jy_envelope_free(env);
	/* An inside reader still reads the original (the test can tell). */
	via_get("gov", k->id, &env);
	assert_true(env_has(env, ORIGINAL_TITLE) && env_has(env, HANDLER));
	jy_envelope_free(env);

	/* List: the published title; the full text is not searchable. */
	Jianyi__ListSuggestionsRequest l = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	l.page_size = 500;
	char msg[256];
	assert_int_equal(wf_list(cx("visitor"), &l, &env, msg, sizeof msg), OK);
	bool listed = false;
	for (size_t i = 0; i < env->response->list_suggestions->n_suggestions; i++)
		listed |= env->response->list_suggestions->suggestions[i]->id == k->id;
	assert_true(listed);
	for (size_t i = 0; i < NINTERNAL; i++)
		if (env_has(env, internal[i]))
			fail_msg("the public reads \"%s\" through ListSuggestions", internal[i]);
	jy_envelope_free(env);
	l.text = PHONE;
	assert_int_equal(wf_list(cx("visitor"), &l, &env, msg, sizeof msg), OK);
	if (env->response->list_suggestions->n_suggestions != 0)
		fail_msg("the public finds the case by a phone number in its unpublished text");
	jy_envelope_free(env);
	/* Key marks and deadlines are not shown to the public: filtering by them
	 * would tell (found by the offline-filter comparison, test mirror_filters). */
	l.text = "";
	l.key_only = true;
	assert_int_equal(wf_list(cx("visitor"), &l, &env, msg, sizeof msg), INVALID);
	l.key_only = false;
	l.overdue_only = true;
	assert_int_equal(wf_list(cx("visitor"), &l, &env, msg, sizeof msg), INVALID);
	l.overdue_only = false;

	/* Ledger (export) and Sync (the mirror). */
	const Jianyi__LedgerRow *row = ledger_row("visitor", k->id, &env);
	assert_non_null(row);
	assert_string_equal(row->title, PUBLIC_TITLE);
	for (size_t i = 0; i < NINTERNAL; i++)
		if (env_has(env, internal[i]))
			fail_msg("the public reads \"%s\" through Ledger", internal[i]);
	jy_envelope_free(env);
	const char *leak;
	struct seen sy = via_sync("visitor", k->id, internal, NINTERNAL, &leak);
	if (leak || sy.logins || sy.supervise || sy.plan || sy.contact)
		fail_msg("the public's feed: leak %s, logins %d, supervise %d, plan %d, contact %d",
			 leak ? leak : "-", sy.logins, sy.supervise, sy.plan, sy.contact);
	assert_int_equal(evaluation_deadlines("visitor", k->id), 0);
}

/* ---- the tests ---------------------------------------------------------------------- */

static void joint_round_is_back_to_back(void **state)
{
	(void)state;
	struct kase k;
	joint_case(&k);
	/* The first form is unsatisfied: the case stays replied (the round is
	 * open until every evaluator has answered). */
	evaluate("deputy-li", &k, "basically_satisfied", "unsatisfied", C_LI, OK, "replied");
	evaluate("deputy-zhao", &k, "satisfied", "satisfied", C_ZHAO, OK, "replied");
	check_open_round(&k);
	check_public_view(&k);

	/* The reminder a few days before the window ends goes to the one deputy
	 * who still owes a form, nobody else learns who answered. */
	job_on("SELECT jy_raise_notices(jy_due(1, 'evaluation', jy_today()) - 1)", NULL);
	for (size_t i = 0; i < NREADERS; i++) {
		int want = readers[i].role == LEAD;
		int got = evaluation_notices(readers[i].login, k.id);
		if (got != want)
			fail_msg("%s has %d evaluation notices, expected %d", readers[i].login, got, want);
	}

	/* The last form closes the round: one state change, one outcome event. */
	int32_t before = k.version;
	evaluate("deputy-wang", &k, "satisfied", "basically_satisfied", C_WANG, OK, "rehandling");
	assert_int_equal(k.version, before + 2);   /* the form, then the outcome */
	check_closed_round(&k);
	check_public_view(&k);
}

/* Item 4: the public account reads the published view of the case through
 * every protocol path (before any evaluation: nothing else in the way). */
static void public_reads_published_view(void **state)
{
	(void)state;
	struct kase k;
	joint_case(&k);
	check_public_view(&k);
}

/* The window ends with one form of two in: the periodic job closes the
 * round as it is; the late evaluator can no longer answer that round. */
static void window_end_closes_round(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_REPLIED, "背靠背测试：测评期满", true);   /* evaluators wang and li */
	evaluate("deputy-li", &k, "satisfied", "satisfied", "按期测评", OK, "replied");
	job_on("SELECT jy_raise_notices(jy_due(1, 'evaluation', jy_today()))", NULL);   /* last day */
	Jianyi__Envelope *env;
	struct seen g = via_get("a-clerk", k.id, &env);
	jy_envelope_free(env);
	assert_string_equal(g.state, "replied");
	job_on("SELECT jy_raise_notices(jy_due(1, 'evaluation', jy_today()) + 1)", NULL);
	g = via_get("a-clerk", k.id, &env);
	jy_envelope_free(env);
	assert_string_equal(g.state, "evaluated");
	assert_int_equal(g.outcome, 1);
	assert_int_equal(g.evaluate, 0);
	assert_non_null(strstr(g.outcome_details, "\"window_ended\""));
	assert_non_null(strstr(g.outcome_details, "\"forms\":1"));
	k.version = 0;
	Jianyi__Envelope *e2 = wf_get_ok(cx("deputy-wang"), k.id);
	k.version = e2->response->get_suggestion->suggestion->version;
	jy_envelope_free(e2);
	evaluate("deputy-wang", &k, "unsatisfied", "unsatisfied", "迟到的测评", PRECOND, NULL);
}

/* Item 9: 孙丽's suggestion is merged into 王明's; she evaluates its reply
 * through the link, and the round waits for her. */
static void merged_proposer_evaluates(void **state)
{
	(void)state;
	struct kase target, merged;
	prepare(&target, ST_REGISTERED, "背靠背测试：并案主件", false);
	memset(&merged, 0, sizeof merged);
	struct jy_act a;
	wf_act_init(&a, A(CREATE), 0, 0);
	a.create.title = "背靠背测试：并入的建议";
	a.create.body = "与主件内容相同。";
	a.create.category = "交通";
	ok_step("deputy-sun", &a, &merged, "draft", NULL);
	act("deputy-sun", A(SUBMIT), &merged, "submitted");
	act("liaison", A(REGISTER), &merged, "registered");
	wf_act_init(&a, A(MERGE), merged.id, merged.version);
	a.merge.into_suggestion_id = target.id;
	a.merge.reason = "内容相同，并案办理";
	ok_step("liaison", &a, &merged, "merged", NULL);
	act("gov", A(ASSIGN), &target, "assigned");
	act("a-clerk", A(ACCEPT), &target, "accepted");
	act("a-clerk", A(PLAN), &target, "in_progress");
	act("a-clerk", A(CONTACT), &target, "in_progress");
	act("a-head", A(REPLY), &target, "replied");

	evaluate("deputy-sun", &target, "satisfied", "unsatisfied", "孙丽评语：并案答复未回应我的问题",
		 OK, "replied");
	evaluate("deputy-wang", &target, "satisfied", "satisfied", "满意", OK, "rehandling");
	/* Through the link, her own case's timeline shows the outcome. */
	Jianyi__Envelope *env;
	struct seen g = via_get("deputy-sun", merged.id, &env);
	jy_envelope_free(env);
	assert_int_equal(g.outcome, 1);
	assert_int_equal(g.evaluate, 1);
	/* 王明 does not read her form. */
	g = via_get("deputy-wang", target.id, &env);
	assert_false(env_has(env, "孙丽评语"));
	assert_int_equal(g.evaluate, 1);
	jy_envelope_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(joint_round_is_back_to_back, wf_each),
		cmocka_unit_test_setup(public_reads_published_view, wf_each),
		cmocka_unit_test_setup(window_end_closes_round, wf_each),
		cmocka_unit_test_setup(merged_proposer_evaluates, wf_each),
	};
	return cmocka_run_group_tests_name("backtoback", tests, wf_setup, wf_teardown);
}
