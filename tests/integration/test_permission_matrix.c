/* The permission matrix of ActRequest end to end: every action, in every
 * workflow state, by every kind of account (each role; the proposer, a
 * listed co-signer and an unrelated deputy; the lead unit, a co-unit and an
 * unrelated unit; the public), through the real server over TLS.
 *
 * The expected answer of each cell comes from the rules written out here
 * (docs/WORKFLOW.md "States and transitions", "Relations", "Visibility"), not
 * from server/api/workflow.c. Allowed cells are each taken on a freshly prepared
 * case and must answer OK with version + 1 and the rule's target state;
 * refused cells all run on one case per state, must get the exact refusal
 * (jy_act checks visibility, then relation, then state) and leave that case
 * exactly as it was. Also create, which has no case: deputies only.
 *
 * GetSuggestionResponse.allowed_actions is checked against the matrix's own
 * outcome: for every account and state, the actions it offers on the case
 * are exactly those the matrix found accepted there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "wf_helpers.h"
#include "workflow.h"

/* ---- the rules, written a second time ----------------------------------- */

#define R(x) (1u << WF_ROLE_##x)
#define S(x) (1u << WF_##x)
#define UNIT (R(UNIT_CLERK) | R(UNIT_HEAD))
#define ASSIGNING (R(GOVERNMENT_OFFICER) | R(LIAISON_OFFICER))
#define SUPERVISING (R(LIAISON_OFFICER) | R(COMMITTEE_MEMBER) | R(LEADER))
#define HANDLING (S(ACCEPTED) | S(IN_PROGRESS) | S(REHANDLING))
#define NOT_ENDED (S(DRAFT) | S(SUBMITTED) | S(RETURNED) | S(REGISTERED) | S(ASSIGNED) | \
		   S(DISPUTED) | HANDLING)
#define EVERY_STATE ((1u << WF_NSTATES) - 1)
#define SAME (-1)

/* What the caller must be to the case. */
enum need { ANYONE, PROPOSER, SIGNER, EVALUATOR, LEAD_UNIT, CO_UNIT, ASSIGNED_UNIT };

static const struct rule {
	int action;
	unsigned roles;
	enum need need;
	unsigned from;
	int to;            /* enum wf_state, or SAME */
} rules[] = {
	{ A(COSIGN), R(DEPUTY), SIGNER, S(DRAFT), SAME },
	{ A(SUBMIT), R(DEPUTY), PROPOSER, S(DRAFT) | S(RETURNED), WF_SUBMITTED },
	{ A(WITHDRAW), R(DEPUTY), PROPOSER, NOT_ENDED, WF_WITHDRAWN },
	{ A(REGISTER), R(LIAISON_OFFICER), ANYONE, S(SUBMITTED), WF_REGISTERED },
	{ A(RETURN), R(LIAISON_OFFICER), ANYONE, S(SUBMITTED), WF_RETURNED },
	{ A(MERGE), R(LIAISON_OFFICER), ANYONE, S(SUBMITTED) | S(REGISTERED), WF_MERGED },
	{ A(CONVERT), R(LIAISON_OFFICER), ANYONE, S(SUBMITTED) | S(REGISTERED), WF_CONVERTED },
	{ A(ASSIGN), ASSIGNING, ANYONE, S(REGISTERED), WF_ASSIGNED },
	{ A(ACCEPT), UNIT, LEAD_UNIT, S(ASSIGNED), WF_ACCEPTED },
	{ A(DISPUTE), UNIT, ASSIGNED_UNIT, S(ASSIGNED), WF_DISPUTED },
	{ A(REASSIGN), ASSIGNING, ANYONE, S(ASSIGNED) | S(DISPUTED), WF_ASSIGNED },
	{ A(PLAN), UNIT, LEAD_UNIT, HANDLING, WF_IN_PROGRESS },
	{ A(CONTACT), UNIT, LEAD_UNIT, HANDLING | S(REPLIED), SAME },
	{ A(OPINION), UNIT, CO_UNIT, S(ASSIGNED) | HANDLING, SAME },
	{ A(EXTEND), UNIT, LEAD_UNIT, HANDLING, SAME },
	{ A(APPROVE_EXTENSION), ASSIGNING, ANYONE, HANDLING, SAME },
	{ A(REPLY), R(UNIT_HEAD), LEAD_UNIT, S(IN_PROGRESS) | S(REHANDLING), WF_REPLIED },
	/* Signed off like a reply, by the unit head ("Fixes" issue, item 9). */
	{ A(FOLLOW_UP), R(UNIT_HEAD), LEAD_UNIT, S(REPLIED) | S(EVALUATED) | S(CLOSED), SAME },
	/* The target depends on the other evaluators: checked as replied|evaluated. */
	{ A(EVALUATE), R(DEPUTY), EVALUATOR, S(REPLIED), WF_EVALUATED },
	{ A(SUPERVISE), SUPERVISING, ANYONE, EVERY_STATE & ~S(DRAFT), SAME },
	{ A(CLOSE), R(LIAISON_OFFICER), ANYONE, S(EVALUATED) | S(WITHDRAWN) | S(MERGED) | S(CONVERTED),
	  WF_CLOSED },
	/* "For the people who use it", section "Editing": the lead deputy edits
	 * before registration, the liaison committee corrects after it (while the
	 * case is on the record). */
	{ A(EDIT), R(DEPUTY), PROPOSER, S(DRAFT) | S(RETURNED), SAME },
	{ A(CORRECT), R(LIAISON_OFFICER), ANYONE,
	  EVERY_STATE & ~(S(DRAFT) | S(SUBMITTED) | S(RETURNED) | S(WITHDRAWN) | S(MERGED) | S(CONVERTED)), SAME },
};
#define LAST_ACTION A(CORRECT)
#define NRULES (sizeof rules / sizeof rules[0])

/* What an account is to the cases prepared here: deputy-wang's, zhao a
 * listed co-signer who never confirms (li, confirmed, is not asked: her
 * cosign would be refused as done already), lead unit A, co-unit B. An
 * unconfirmed co-signer blocks the submission ("Fixes" issue, item 5), so
 * the lead deputy drops zhao when submitting (prepare): zhao is listed on
 * the draft only. */
enum kind { OFFICE, UNIT_LEAD, UNIT_CO, UNIT_OTHER, DEP_PROPOSER, DEP_COSIGNER, DEP_OTHER, PUBLIC };

static const struct who {
	const char *login;
	enum wf_role role;
	enum kind kind;
	const char *what;
} accounts[] = {
	{ "deputy-wang", WF_ROLE_DEPUTY, DEP_PROPOSER, "proposer" },
	{ "deputy-zhao", WF_ROLE_DEPUTY, DEP_COSIGNER, "co-signer, unconfirmed" },
	{ "deputy-sun", WF_ROLE_DEPUTY, DEP_OTHER, "unrelated deputy" },
	{ "liaison", WF_ROLE_LIAISON_OFFICER, OFFICE, "liaison committee" },
	{ "gov", WF_ROLE_GOVERNMENT_OFFICER, OFFICE, "assigning office" },
	{ "a-clerk", WF_ROLE_UNIT_CLERK, UNIT_LEAD, "own unit: lead" },
	{ "a-head", WF_ROLE_UNIT_HEAD, UNIT_LEAD, "own unit: lead" },
	{ "b-clerk", WF_ROLE_UNIT_CLERK, UNIT_CO, "own unit: co-handling" },
	{ "c-head", WF_ROLE_UNIT_HEAD, UNIT_OTHER, "another unit" },
	{ "cmte", WF_ROLE_COMMITTEE_MEMBER, OFFICE, "special committee" },
	{ "leader", WF_ROLE_LEADER, OFFICE, "leader" },
	{ "visitor", WF_ROLE_PUBLIC, PUBLIC, "public" },
};
#define NACCOUNTS (sizeof accounts / sizeof accounts[0])

/* States in which the prepared case has active units (A lead, B co): a
 * withdrawal does not take the case away from the units that handled it. */
#define UNITS_ON (S(ASSIGNED) | S(DISPUTED) | HANDLING | S(REPLIED) | S(EVALUATED) | S(CLOSED) | \
		  S(WITHDRAWN))

/* Visibility: the congress's side every case but drafts, a unit the cases
 * it is assigned, a deputy the cases they lead or are listed on, the public
 * published ones (none of these). */
static bool sees(enum kind k, enum wf_state s)
{
	switch (k) {
	case OFFICE: return s != WF_DRAFT;
	case UNIT_LEAD: case UNIT_CO: return UNITS_ON & (1u << s);
	case DEP_PROPOSER: return true;
	case DEP_COSIGNER: return s == WF_DRAFT;   /* dropped at submission */
	default: return false;
	}
}

static bool holds(enum kind k, enum need n, enum wf_state s)
{
	bool units = UNITS_ON & (1u << s);
	switch (n) {
	case ANYONE: return true;
	case PROPOSER: case EVALUATOR: return k == DEP_PROPOSER;
	case SIGNER: return k == DEP_COSIGNER;
	case LEAD_UNIT: return units && k == UNIT_LEAD;
	case CO_UNIT: return units && k == UNIT_CO;
	case ASSIGNED_UNIT: return units && (k == UNIT_LEAD || k == UNIT_CO);
	}
	return false;
}

static const struct rule *rule_of(int action)
{
	for (size_t i = 0; i < NRULES; i++)
		if (rules[i].action == action)
			return &rules[i];
	fail_msg("no rule for action %d", action);
	return NULL;
}

/* The expected answer: OK, or the refusal in jy_act's order of checks. */
static int expected(const struct who *w, int action, enum wf_state s, const char **why)
{
	const struct rule *r = rule_of(action);
	if (!(r->roles & (1u << w->role)))
		return *why = "role never may", DENIED;
	if (!sees(w->kind, s))
		return *why = "cannot see the case", DENIED;
	if (!holds(w->kind, r->need, s))
		return *why = "not related as the action needs", DENIED;
	if (!(r->from & (1u << s)))
		return *why = "not in this state", PRECOND;
	return *why = "allowed", OK;
}

/* ---- cases in every state --------------------------------------------------- */

static struct kase merge_target;   /* registered: what merge cells merge into */

/* A new case (see prepare) brought to state s. */
static void reach(struct kase *k, enum wf_state s, const char *title)
{
	static const enum stage direct[WF_NSTATES] = {
		[WF_DRAFT] = ST_DRAFT, [WF_SUBMITTED] = ST_SUBMITTED, [WF_RETURNED] = ST_SUBMITTED,
		[WF_REGISTERED] = ST_REGISTERED, [WF_ASSIGNED] = ST_ASSIGNED, [WF_DISPUTED] = ST_ASSIGNED,
		[WF_ACCEPTED] = ST_ACCEPTED, [WF_IN_PROGRESS] = ST_IN_PROGRESS, [WF_REPLIED] = ST_REPLIED,
		[WF_REHANDLING] = ST_REPLIED, [WF_EVALUATED] = ST_REPLIED, [WF_CLOSED] = ST_REPLIED,
		[WF_WITHDRAWN] = ST_IN_PROGRESS, [WF_MERGED] = ST_REGISTERED, [WF_CONVERTED] = ST_SUBMITTED,
	};
	prepare(k, direct[s], title, true);
	struct jy_act a;
	switch (s) {
	case WF_RETURNED:
		act("liaison", A(RETURN), k, "returned");
		break;
	case WF_DISPUTED:
		act("b-clerk", A(DISPUTE), k, "disputed");
		break;
	case WF_REHANDLING:
		wf_act_init(&a, A(EVALUATE), k->id, k->version);
		valid_params(&a, A(EVALUATE));
		a.evaluate.result = "unsatisfied";
		/* Back-to-back: the round closes with the last evaluator's form. */
		ok_step("deputy-wang", &a, k, "replied", NULL);
		wf_act_init(&a, A(EVALUATE), k->id, k->version);
		valid_params(&a, A(EVALUATE));
		ok_closing_step("deputy-li", &a, k, "rehandling");
		break;
	case WF_EVALUATED: case WF_CLOSED:
		act("deputy-wang", A(EVALUATE), k, "replied");
		wf_act_init(&a, A(EVALUATE), k->id, k->version);
		valid_params(&a, A(EVALUATE));
		ok_closing_step("deputy-li", &a, k, "evaluated");
		if (s == WF_CLOSED)
			act("liaison", A(CLOSE), k, "closed");
		break;
	case WF_WITHDRAWN:
		act("deputy-wang", A(WITHDRAW), k, "withdrawn");
		break;
	case WF_MERGED:
		wf_act_init(&a, A(MERGE), k->id, k->version);
		valid_params(&a, A(MERGE));
		a.merge.into_suggestion_id = merge_target.id;
		ok_step("liaison", &a, k, "merged", NULL);
		break;
	case WF_CONVERTED:
		act("liaison", A(CONVERT), k, "converted");
		break;
	default:
		break;
	}
	assert_string_equal(k->state, wf_state_name(s));
}

/* Params for a cell: valid ones, and what the case needs for the action's
 * own rules to pass (a pending extension to approve, a contact in this
 * round before a reply, a case to merge into). Only for allowed cells does
 * the preparation touch the case. */
static void cell_params(struct jy_act *a, int action, struct kase *k, bool allowed)
{
	if (allowed && action == A(APPROVE_EXTENSION))
		act("a-clerk", A(EXTEND), k, NULL);
	if (allowed && action == A(REPLY) && strcmp(k->state, "rehandling") == 0)
		act("a-clerk", A(CONTACT), k, NULL);
	wf_act_init(a, action, k->id, k->version);
	valid_params(a, action);
	static int64_t zhao[1];
	zhao[0] = dep_zhao;
	if (allowed && action == A(SUBMIT) && strcmp(k->state, "draft") == 0)
		wf_submit_removing(a, zhao, 1);   /* zhao never confirms */
	if (action == A(MERGE))
		a->merge.into_suggestion_id = merge_target.id;
	if (allowed && action == A(APPROVE_EXTENSION))
		a->approve.extension_id = extension_id_of(k);
}

/* ---- the matrix --------------------------------------------------------------- */

struct counts {
	int cells, allowed, denied, precond;
	int per_action_allowed[LAST_ACTION + 1];
};

/* Per account, a bit per action: what GetSuggestion offered on the state's
 * case, and what the matrix then found accepted in that state. */
struct offers {
	uint32_t offered[NACCOUNTS], accepted[NACCOUNTS];
};

/* allowed_actions of case id as account w reads it; none when it may not
 * read the case. */
static uint32_t offered_actions(const struct who *w, int64_t id)
{
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	uint32_t bits = 0;
	if (jy_call_get(cx(w->login), id, &resp, &err)) {
		const Jianyi__GetSuggestionResponse *g = resp->response->get_suggestion;
		for (size_t i = 0; i < g->n_allowed_actions; i++)
			bits |= 1u << g->allowed_actions[i];
	}
	if (resp)
		jy_envelope_free(resp);
	return bits;
}

static void actions_text(uint32_t bits, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int a = A(COSIGN); a <= LAST_ACTION; a++)
		if (bits & (1u << a)) {
			size_t n = strlen(buf);
			snprintf(buf + n, len - n, "%s%s", n ? " " : "", wf_action_name(a));
		}
}

static void check_offers(enum wf_state s, const struct offers *o)
{
	for (size_t w = 0; w < NACCOUNTS; w++) {
		if (o->offered[w] == o->accepted[w])
			continue;
		char offered[512], accepted[512];
		actions_text(o->offered[w], offered, sizeof offered);
		actions_text(o->accepted[w], accepted, sizeof accepted);
		fail_msg("allowed_actions (%s, %s): offered [%s], the matrix accepted [%s]", wf_state_name(s),
			 accounts[w].login, offered, accepted);
	}
}

static void describe_fail(const struct who *w, int action, enum wf_state s, int want, const char *why,
			  const struct wf_res *r)
{
	fail_msg("cell (%s, %s [%s, %s], %s): expected %s (%s), got %s: %s", wf_state_name(s), w->login,
		 wf_role_name(w->role), w->what, wf_action_name(action), jy_status_str(want), why,
		 jy_status_str(r->code), r->message);
}

/* Every refused cell of state s on one case; it must be left as it was.
 * Before them, what each account is offered on that case. */
static void refused_cells(enum wf_state s, struct counts *n, struct offers *o)
{
	struct kase k;
	char title[64];
	snprintf(title, sizeof title, "权限矩阵 拒绝 %s", wf_state_name(s));
	reach(&k, s, title);
	for (size_t w = 0; w < NACCOUNTS; w++)
		o->offered[w] = offered_actions(&accounts[w], k.id);
	Jianyi__Envelope *before = wf_get_ok(cx("deputy-wang"), k.id);
	for (size_t w = 0; w < NACCOUNTS; w++)
		for (int action = A(COSIGN); action <= LAST_ACTION; action++) {
			const char *why;
			int want = expected(&accounts[w], action, s, &why);
			if (want == OK)
				continue;
			struct jy_act a;
			struct wf_res r;
			cell_params(&a, action, &k, false);
			wf_do(cx(accounts[w].login), &a, &r);
			if (r.code != want)
				describe_fail(&accounts[w], action, s, want, why, &r);
			wf_res_free(&r);
			n->cells++;
			n->denied += want == DENIED;
			n->precond += want == PRECOND;
		}
	Jianyi__Envelope *after = wf_get_ok(cx("deputy-wang"), k.id);
	const Jianyi__GetSuggestionResponse *b = before->response->get_suggestion;
	const Jianyi__GetSuggestionResponse *x = after->response->get_suggestion;
	if (x->suggestion->version != b->suggestion->version || strcmp(state_str(x->suggestion->state), state_str(b->suggestion->state)) ||
	    strcmp(x->suggestion->updated_at, b->suggestion->updated_at) || x->n_timeline != b->n_timeline)
		fail_msg("the %s case #%lld changed under refused requests: v%d %s %s, %zu events -> v%d %s %s, "
			 "%zu events", wf_state_name(s), (long long)k.id, b->suggestion->version,
			 state_str(b->suggestion->state), b->suggestion->updated_at, b->n_timeline,
			 x->suggestion->version, state_str(x->suggestion->state), x->suggestion->updated_at,
			 x->n_timeline);
	jy_envelope_free(before);
	jy_envelope_free(after);
}

/* Every allowed cell of state s, each on a case of its own; o records the
 * accepted ones. */
static void allowed_cells(enum wf_state s, struct counts *n, struct offers *o)
{
	for (size_t w = 0; w < NACCOUNTS; w++)
		for (int action = A(COSIGN); action <= LAST_ACTION; action++) {
			const char *why;
			if (expected(&accounts[w], action, s, &why) != OK)
				continue;
			struct kase k;
			char title[96];
			snprintf(title, sizeof title, "权限矩阵 %s %s %s", wf_state_name(s), accounts[w].login,
				 wf_action_name(action));
			reach(&k, s, title);
			struct jy_act a;
			struct wf_res r;
			cell_params(&a, action, &k, true);
			int32_t version = k.version;
			wf_do(cx(accounts[w].login), &a, &r);
			if (r.code != OK)
				describe_fail(&accounts[w], action, s, OK, why, &r);
			o->accepted[w] |= 1u << action;
			const struct rule *rule = rule_of(action);
			const char *to = rule->to == SAME ? wf_state_name(s) : wf_state_name((enum wf_state)rule->to);
			bool state_ok = action == A(EVALUATE) ? state_in(state_str(r.sug->state), "replied|evaluated")
							      : strcmp(state_str(r.sug->state), to) == 0;
			if (r.sug->version != version + 1 || !state_ok)
				fail_msg("cell (%s, %s, %s): OK but v%d -> v%d and state %s (expected v%d, %s)",
					 wf_state_name(s), accounts[w].login, wf_action_name(action), version,
					 r.sug->version, state_str(r.sug->state), version + 1, to);
			wf_res_free(&r);
			n->cells++;
			n->allowed++;
			n->per_action_allowed[action]++;
		}
}

/* create: a deputy drafts a case of their own; nobody else may. */
static void create_cells(struct counts *n)
{
	for (size_t w = 0; w < NACCOUNTS; w++) {
		const struct who *who = &accounts[w];
		int want = who->role == WF_ROLE_DEPUTY ? OK : DENIED;
		struct jy_act a;
		struct wf_res r;
		wf_act_init(&a, A(CREATE), 0, 0);
		valid_params(&a, A(CREATE));
		wf_do(cx(who->login), &a, &r);
		if (r.code != want)
			describe_fail(who, A(CREATE), WF_DRAFT, want, want == OK ? "allowed" : "role never may", &r);
		if (want == OK && (r.sug->version != 1 || strcmp(state_str(r.sug->state), "draft") != 0))
			fail_msg("create by %s: v%d %s, expected v1 draft", who->login, r.sug->version, state_str(r.sug->state));
		wf_res_free(&r);
		n->cells++;
		n->allowed += want == OK;
		n->per_action_allowed[A(CREATE)] += want == OK;
		n->denied += want == DENIED;
	}
}

static void matrix(void **state)
{
	(void)state;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	prepare(&merge_target, ST_REGISTERED, "权限矩阵 并案目标", false);
	struct counts n = { 0 };
	create_cells(&n);
	for (int s = 0; s < WF_NSTATES; s++) {
		struct offers o = { 0 };
		refused_cells((enum wf_state)s, &n, &o);
		allowed_cells((enum wf_state)s, &n, &o);
		check_offers((enum wf_state)s, &o);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int expect_cells = (int)NACCOUNTS * (1 + WF_NSTATES * (LAST_ACTION - A(COSIGN) + 1));
	printf("permission matrix, Act: %d cells (%zu accounts x (create + %d states x %d actions)): "
	       "%d allowed (OK, version + 1), %d refused (%d permission denied, %d failed precondition), "
	       "in %.1f s\n", n.cells, NACCOUNTS, WF_NSTATES, LAST_ACTION - A(COSIGN) + 1, n.allowed,
	       n.denied + n.precond, n.denied, n.precond,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("  allowed cells per action:");
	for (int a = A(CREATE); a <= LAST_ACTION; a++)
		printf(" %s %d", wf_action_name(a), n.per_action_allowed[a]);
	printf("\n");
	assert_int_equal(n.cells, expect_cells);
}

/* Every state a case can be in is written in three places that must agree:
 * the proto enum State, the C transition table (server/api/workflow.c,
 * state s is the enum's value s + 1) and the schema's CHECK on
 * suggestions.state (the names the SQL writes). */
static void one_set_of_states(void **state)
{
	(void)state;
	const ProtobufCEnumDescriptor *d = &jianyi__state__descriptor;
	assert_int_equal(d->n_values, WF_NSTATES + 1); /* and STATE_UNSPECIFIED */
	char list[512] = "";
	for (int s = 0; s < WF_NSTATES; s++) {
		assert_string_equal(wf_state_name((enum wf_state)s), state_str(s + 1));
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", s ? "," : "", state_str(s + 1));
	}
	static const char names[] =
		"SELECT m[1] AS s FROM pg_constraint c, "
		"regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m "
		"WHERE c.conname = 'suggestions_state_check'";
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM (%s) x WHERE $1 <> ''", names);
	assert_int_equal(sql_id(q, list), WF_NSTATES);
	snprintf(q, sizeof q, "SELECT count(*) FROM (%s) x FULL JOIN unnest(string_to_array($1, ',')) AS e(s) "
		 "ON e.s = x.s WHERE x.s IS NULL OR e.s IS NULL", names);
	assert_int_equal(sql_id(q, list), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(one_set_of_states, wf_each),
		cmocka_unit_test_setup(matrix, wf_each),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
