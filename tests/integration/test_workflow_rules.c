/* The workflow's other rules end to end (docs/WORKFLOW.md), on the same
 * fixture as test_workflow.c (wf_helpers.c): bad input; lists, filters and
 * visibility; more rules (evaluation order, follow-ups, return, withdraw,
 * convert, merge, supervision, reassignment, extensions); a retry racing the
 * original; numbers under concurrency; overdue cases and the dispute window;
 * and a retry across a database outage acting exactly once. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "wf_helpers.h"

/* ---- 1. bad input ----------------------------------------------------------- */

static int bad_failures;

/* Sends a as who; it must be invalid_argument naming field; k unchanged. */
static void bad(const char *who, struct jy_act *a, const struct kase *k, const char *field,
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
	struct jy_act a;
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

/* ---- 2. lists ---------------------------------------------------------------- */

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
	struct jy_act a;
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
	struct jy_act a;
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
	l.state = JIANYI__STATE__STATE_DRAFT;
	env = list_ok("deputy-wang", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l1.id));
	assert_false(contains_id(res, l2.id));
	for (size_t i = 0; i < res->n_suggestions; i++) {
		assert_string_equal(state_str(res->suggestions[i]->state), "draft");
		assert_true(involves_deputy(res->suggestions[i], WANG));
		/* Lists omit body and plan. */
		assert_string_equal(res->suggestions[i]->body, "");
	}
	jy_envelope_free(env);

	/* By state as the liaison officer: registered cases, never drafts. */
	l.state = JIANYI__STATE__STATE_REGISTERED;
	env = list_ok("liaison", &l);
	res = env->response->list_suggestions;
	assert_true(contains_id(res, l4.id));
	assert_false(contains_id(res, l2.id));
	for (size_t i = 0; i < res->n_suggestions; i++)
		assert_string_equal(state_str(res->suggestions[i]->state), "registered");
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

	/* A filter with a state the protocol does not have is bad input. */
	jianyi__list_suggestions_request__init(&l);
	l.state = (Jianyi__State)99;
	env = NULL;
	char msg[512];
	int code = wf_list(cx("liaison"), &l, &env, msg, sizeof msg);
	if (code != INVALID)
		fail_msg("list with state 99: %s (expected invalid_argument)", jy_status_str(code));
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

/* ---- 3. more rules: evaluation order, follow-ups, return, withdraw,
 * convert, merge, supervision, reassignment, extensions, numbering, the
 * order of the checks, and refusals not stored for idempotency ----------- */

static int rule_failures;

static void expect_code(const char *who, struct jy_act *a, struct kase *k, int code, const char *what)
{
	struct wf_res r;
	int got = wf_do(cx(who), a, &r);
	if (got != code) {
		print_error("RULE: %s: expected %s, got %s: %s\n", what, jy_status_str(code),
			    jy_status_str(got), r.message);
		rule_failures++;
		if (got == OK && k) {
			k->version = r.sug->version;
			snprintf(k->state, sizeof k->state, "%s", state_str(r.sug->state));
		}
	}
	wf_res_free(&r);
}

/* Like ok_step, but a wrong state is counted, not fatal. */
static void soft_step(const char *who, struct jy_act *a, struct kase *k, const char *expect,
		      const char *what)
{
	struct wf_res r;
	int got = wf_do(cx(who), a, &r);
	if (got != OK) {
		print_error("RULE: %s: %s: %s\n", what, jy_status_str(got), r.message);
		rule_failures++;
	} else {
		if (!state_in(state_str(r.sug->state), expect) || r.sug->version != k->version + 1) {
			print_error("RULE: %s: now v%d %s, expected v%d %s\n", what, r.sug->version,
				    state_str(r.sug->state), k->version + 1, expect);
			rule_failures++;
		}
		k->version = r.sug->version;
		snprintf(k->state, sizeof k->state, "%s", state_str(r.sug->state));
	}
	wf_res_free(&r);
}

static void more_rules(void **state)
{
	(void)state;
	rule_failures = 0;
	struct jy_act a;
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
	if (strcmp(ev.state, "replied") == 0)   /* the last form closes the round */
		ok_closing_step("deputy-wang", &a, &ev, "evaluated");
	/* b) Follow-ups: owed after B, cleared by A, then refused. */
	wf_act_init(&a, A(FOLLOW_UP), ev.id, ev.version);
	valid_params(&a, A(FOLLOW_UP));
	/* Signed off by the unit head, like a reply ("Fixes" issue, item 9). */
	soft_step("a-head", &a, &ev, "evaluated", "follow-up A on an evaluated case");
	wf_act_init(&a, A(FOLLOW_UP), ev.id, ev.version);
	valid_params(&a, A(FOLLOW_UP));
	expect_code("a-head", &a, &ev, PRECOND, "a follow-up when none is owed");

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
	/* 10 calendar days later, moved off a weekend. */
	char plus10[16], extended[16];
	wf_date_add(plus10, sizeof plus10, deadline0, 10);
	wf_weekday_on_or_after(extended, sizeof extended, plus10);
	if (strcmp(r.sug->reply_deadline, extended) != 0) {
		print_error("RULE: approved 10 days: deadline %s -> %s, expected %s\n", deadline0,
			    r.sug->reply_deadline, extended);
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
	if (strcmp(r.sug->reply_deadline, extended) != 0) {
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
	wf_act_init(&a, A(PLAN), sv.id, sv.version - 1);
	valid_params(&a, A(PLAN));
	expect_code("a-clerk", &a, &sv, CONFLICT, "a plan with a stale version");
	a.req.expected_version = sv.version;
	ok_step("a-clerk", &a, &sv, "in_progress", NULL);

	/* m) Re-handling: a new round needs its own contact before the reply;
	 * nobody evaluates until the new reply. */
	struct kase rh;
	prepare(&rh, ST_REPLIED, "规则测试：重新办理", false);
	wf_act_init(&a, A(EVALUATE), rh.id, rh.version);
	a.evaluate.attitude = "unsatisfied";
	a.evaluate.result = "unsatisfied";
	ok_closing_step("deputy-wang", &a, &rh, "rehandling");
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
	wf_act_init(&a, A(EVALUATE), rh.id, rh.version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step("deputy-wang", &a, &rh, "evaluated");

	if (rule_failures)
		fail_msg("%d rule checks failed (see above)", rule_failures);
}

/* ---- 4. a retry racing the original -------------------------------------- */

static void concurrent_retry(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "幂等测试：并发重试", false);
	struct jy_client *c1 = client_connect(&H, &S, "a-clerk");
	struct jy_client *c2 = client_connect(&H, &S, "a-clerk");
	int bad_rounds = 0;
	for (int round = 0; round < 10; round++) {
		struct jy_act a;
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

/* ---- 5. numbers under concurrency, overdue, the dispute window, more filters */

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
	static struct jy_act acts[NUM_CASES];
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
	struct jy_act a;
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
	struct jy_act a;
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

/* ---- 6. a database outage: a retry with the same key acts exactly once -- */

/* Sends a until it is answered with something other than unavailable
 * (the pool reconnects with a back-off of at most 5 s). */
static int retry_until_answered(struct jy_act *a, struct wf_res *r)
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
	struct jy_act a;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(bad_input, wf_each),
		cmocka_unit_test_setup(lists, wf_each),
		cmocka_unit_test_setup(more_rules, wf_each),
		cmocka_unit_test_setup(concurrent_retry, wf_each),
		cmocka_unit_test_setup(numbers_concurrent, wf_each),
		cmocka_unit_test_setup(overdue_and_windows, wf_each),
		cmocka_unit_test_setup(more_filters, wf_each),
		cmocka_unit_test_setup(database_outage_retry, wf_each),
	};
	return cmocka_run_group_tests_name("workflow_rules", tests, wf_setup, wf_teardown);
}
