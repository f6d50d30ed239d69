/* The permission matrix end to end: on a case in each reachable state,
 * every account kind tries every action that the transition table refuses
 * it there, through the real server. Each must be refused (permission
 * denied, or failed precondition where the role may act in other states),
 * and the case must be left exactly as it was. Allowed cells are skipped
 * here: the scenario tests take them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wf_helpers.h"
#include "workflow.h"

struct who {
	const char *login;
	enum wf_role role;
	const char *relation;   /* what the account is to the prepared cases */
	unsigned rels;          /* bit per enum wf_relation it satisfies */
};

#define REL(x) (1u << WF_REL_##x)

/* Cases are deputy-wang's (li confirmed co-signer), lead unit A, co-unit B. */
static const struct who accounts[] = {
	{ "deputy-wang", WF_ROLE_DEPUTY, "proposer", REL(ANY) | REL(PROPOSER) | REL(EVALUATOR) },
	{ "deputy-sun", WF_ROLE_DEPUTY, "unrelated deputy", 0 },
	{ "liaison", WF_ROLE_LIAISON_OFFICER, "committee", REL(ANY) },
	{ "gov", WF_ROLE_GOVERNMENT_OFFICER, "assigning office", REL(ANY) },
	{ "a-clerk", WF_ROLE_UNIT_CLERK, "lead unit", REL(LEAD_UNIT) | REL(ASSIGNED_UNIT) },
	{ "a-head", WF_ROLE_UNIT_HEAD, "lead unit", REL(LEAD_UNIT) | REL(ASSIGNED_UNIT) },
	{ "b-clerk", WF_ROLE_UNIT_CLERK, "co-unit", REL(CO_UNIT) | REL(ASSIGNED_UNIT) },
	{ "c-head", WF_ROLE_UNIT_HEAD, "unrelated unit", 0 },
	{ "cmte", WF_ROLE_COMMITTEE_MEMBER, "committee", REL(ANY) },
	{ "leader", WF_ROLE_LEADER, "leader", REL(ANY) },
	{ "visitor", WF_ROLE_PUBLIC, "public", 0 },
};

static const enum stage stages[] = {
	ST_DRAFT, ST_SUBMITTED, ST_REGISTERED, ST_ASSIGNED, ST_ACCEPTED, ST_IN_PROGRESS, ST_REPLIED,
};

/* Whether the role may take the action from any state at all. */
static bool role_ever_may(int action, enum wf_role role)
{
	for (int s = 0; s < WF_NSTATES; s++)
		if (wf_allows((enum wf_state)s, (enum wf_action)action, role))
			return true;
	return false;
}

static void matrix(void **state)
{
	(void)state;
	int cells = 0, refused = 0, skipped = 0, untouchable = 0;
	for (size_t st = 0; st < sizeof stages / sizeof stages[0]; st++) {
		struct kase k;
		char title[64];
		snprintf(title, sizeof title, "权限矩阵 %zu", st);
		prepare(&k, stages[st], title, true);
		enum wf_state s;
		assert_true(wf_state_parse(k.state, &s));
		for (size_t w = 0; w < sizeof accounts / sizeof accounts[0]; w++) {
			const struct who *who = &accounts[w];
			for (int action = A(COSIGN); action <= A(CLOSE); action++) {
				cells++;
				bool table = wf_allows(s, (enum wf_action)action, who->role);
				bool related = who->rels & (1u << wf_rule((enum wf_action)action)->relation);
				if (table && related) {
					skipped++; /* allowed: the scenario tests take it */
					continue;
				}
				struct wf_act a;
				struct wf_res r;
				wf_act_init(&a, action, k.id, k.version);
				valid_params(&a, action);
				wf_do(cx(who->login), &a, &r);
				/* A role that never may, or a case the account has no part
				 * in: permission denied. A role that may elsewhere: the
				 * state (or the relation) refuses it. */
				bool ever = role_ever_may(action, who->role);
				bool ok = (!ever || (table && !related)) ? r.code == DENIED
									 : (r.code == DENIED || r.code == PRECOND);
				if (!ok)
					fail_msg("%s (%s, %s) %s on a %s case: got %d: %s", who->login,
						 wf_role_name(who->role), who->relation, wf_action_name(action),
						 k.state, r.code, r.message);
				wf_res_free(&r);
				refused++;
				untouchable += table && !related;
			}
		}
		/* Nothing changed: same version and state as prepared. */
		Jianyi__Envelope *g = wf_get_ok(cx(stages[st] == ST_DRAFT ? "deputy-wang" : "liaison"), k.id);
		const Jianyi__Suggestion *sug = g->response->get_suggestion->suggestion;
		assert_int_equal(sug->version, k.version);
		assert_string_equal(sug->state, k.state);
		assert_int_equal(g->response->get_suggestion->n_timeline, (size_t)k.version);
		jy_envelope_free(g);
	}
	printf("permission matrix: %d cells (%zu states x %zu accounts x %d actions): %d refused as expected "
	       "(%d of them by the case: a role that may, on a case it has no part in), %d allowed and left to the scenario tests\n",
	       cells, sizeof stages / sizeof stages[0], sizeof accounts / sizeof accounts[0],
	       A(CLOSE) - A(COSIGN) + 1, refused, untouchable, skipped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(matrix, wf_each),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
