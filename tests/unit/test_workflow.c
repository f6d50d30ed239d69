/* The transition table, exhaustively: every (state, action, role) triple is
 * checked against the rules as the congress states them, written here a
 * second time in plain words, so an accidental edit of the table fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "workflow.h"

/* action: roles : from-states -> to ("=" keeps the state) */
static const char *const spec[] = {
	"cosign: deputy : draft -> =",
	"submit: deputy : draft returned -> submitted",
	"withdraw: deputy : draft submitted returned registered assigned disputed accepted in_progress rehandling -> withdrawn",
	"register: liaison_officer : submitted -> registered",
	"return: liaison_officer : submitted -> returned",
	"merge: liaison_officer : submitted registered -> merged",
	"convert: liaison_officer : submitted registered -> converted",
	"assign: government_officer liaison_officer : registered -> assigned",
	"accept: unit_clerk unit_head : assigned -> accepted",
	"dispute: unit_clerk unit_head : assigned -> disputed",
	"reassign: government_officer liaison_officer : assigned disputed -> assigned",
	"plan: unit_clerk unit_head : accepted in_progress rehandling -> in_progress",
	"contact: unit_clerk unit_head : accepted in_progress rehandling replied -> =",
	"opinion: unit_clerk unit_head : assigned accepted in_progress rehandling -> =",
	"extend: unit_clerk unit_head : accepted in_progress rehandling -> =",
	"approve_extension: government_officer liaison_officer : accepted in_progress rehandling -> =",
	"reply: unit_head : in_progress rehandling -> replied",
	/* Signed off like a reply, by the unit head (the "Fixes" issue, item 9). */
	"follow_up: unit_head : replied evaluated closed -> =",
	"evaluate: deputy : replied -> evaluated",
	"supervise: liaison_officer committee_member leader : submitted returned registered assigned disputed accepted in_progress replied rehandling evaluated closed withdrawn merged converted -> =",
	"close: liaison_officer : evaluated withdrawn merged converted -> closed",
	/* "For the people who use it", section "Editing": the lead deputy edits a
	 * draft or a returned suggestion; after registration the text is frozen
	 * and only the liaison committee may correct it (not once it was
	 * withdrawn, merged or converted: it left the record). */
	"edit: deputy : draft returned -> =",
	"correct: liaison_officer : registered assigned disputed accepted in_progress replied rehandling evaluated closed -> =",
};

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[n] == ' ' || p[n] == '\0';
		if (start && end)
			return true;
	}
	return false;
}

/* Finds the spec line of an action; splits it into roles, from, to. */
static bool spec_for(const char *action, char *roles, char *from, char *to)
{
	for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
		char name[64];
		const char *colon = strchr(spec[i], ':');
		snprintf(name, sizeof name, "%.*s", (int)(colon - spec[i]), spec[i]);
		if (strcmp(name, action) != 0)
			continue;
		const char *colon2 = strchr(colon + 1, ':');
		const char *arrow = strstr(colon2, "->");
		snprintf(roles, 256, "%.*s", (int)(colon2 - colon - 2), colon + 2);
		snprintf(from, 512, "%.*s", (int)(arrow - colon2 - 3), colon2 + 2);
		snprintf(to, 64, "%s", arrow + 3);
		return true;
	}
	return false;
}

static void every_triple(void **state)
{
	(void)state;
	int allowed = 0, refused = 0;
	for (int a = WF_COSIGN; a <= WF_ACTION_MAX; a++) {
		const struct wf_rule *rule = wf_rule((enum wf_action)a);
		assert_non_null(rule);
		char roles[256], from[512], to[64];
		if (!spec_for(rule->name, roles, from, to))
			fail_msg("action %s has no line in the spec", rule->name);
		for (int s = 0; s < WF_NSTATES; s++) {
			for (int r = 0; r < WF_NROLES; r++) {
				const char *sn = wf_state_name((enum wf_state)s);
				bool expect = word_in(roles, wf_role_name((enum wf_role)r)) && word_in(from, sn);
				bool got = wf_allows((enum wf_state)s, (enum wf_action)a, (enum wf_role)r);
				if (expect != got)
					fail_msg("%s by %s in %s: table says %s, rules say %s", rule->name,
						 wf_role_name((enum wf_role)r), sn, got ? "allowed" : "refused",
						 expect ? "allowed" : "refused");
				if (got) {
					allowed++;
					const char *next = wf_state_name(wf_next((enum wf_state)s, (enum wf_action)a));
					assert_string_equal(next, strcmp(to, "=") == 0 ? sn : to);
				} else {
					refused++;
				}
			}
		}
	}
	/* create has no prior state: only a deputy may. */
	const struct wf_rule *create = wf_rule(WF_CREATE);
	assert_int_equal(create->roles, 1u << WF_ROLE_DEPUTY);
	assert_int_equal(create->to, WF_DRAFT);
	printf("transition table: %d triples allowed, %d refused, of %d\n", allowed, refused,
	       allowed + refused);
	assert_int_equal(allowed + refused, (WF_ACTION_MAX - 1) * WF_NSTATES * WF_NROLES);
}

static void admin_and_public_never_act(void **state)
{
	(void)state;
	for (int a = WF_CREATE; a <= WF_ACTION_MAX; a++)
		for (int s = 0; s < WF_NSTATES; s++) {
			assert_false(wf_allows((enum wf_state)s, (enum wf_action)a, WF_ROLE_ADMIN));
			assert_false(wf_allows((enum wf_state)s, (enum wf_action)a, WF_ROLE_PUBLIC));
		}
}

static void units_never_pass_cases_on(void **state)
{
	(void)state;
	/* Only the assigning office (re)assigns: no unit role may. */
	for (int s = 0; s < WF_NSTATES; s++) {
		assert_false(wf_allows((enum wf_state)s, WF_ASSIGN, WF_ROLE_UNIT_CLERK));
		assert_false(wf_allows((enum wf_state)s, WF_REASSIGN, WF_ROLE_UNIT_HEAD));
	}
	/* A clerk may not sign off a reply; the unit head may. */
	assert_false(wf_allows(WF_IN_PROGRESS, WF_REPLY, WF_ROLE_UNIT_CLERK));
	assert_true(wf_allows(WF_IN_PROGRESS, WF_REPLY, WF_ROLE_UNIT_HEAD));
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < WF_NSTATES; s++) {
		enum wf_state back;
		assert_true(wf_state_parse(wf_state_name((enum wf_state)s), &back));
		assert_int_equal(back, s);
	}
	enum wf_state x;
	assert_false(wf_state_parse("finished", &x));
	char *roles[] = { "unit_clerk", "bogus", "unit_head" };
	assert_int_equal(wf_roles_mask(roles, 3), (1u << WF_ROLE_UNIT_CLERK) | (1u << WF_ROLE_UNIT_HEAD));
	const char *from[WF_NSTATES];
	assert_int_equal(wf_allowed_from(WF_PLAN, 1u << WF_ROLE_UNIT_CLERK, from, WF_NSTATES), 3);
	assert_int_equal(wf_allowed_from(WF_PLAN, 1u << WF_ROLE_DEPUTY, from, WF_NSTATES), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_triple),
		cmocka_unit_test(admin_and_public_never_act),
		cmocka_unit_test(units_never_pass_cases_on),
		cmocka_unit_test(names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
