#include "workflow.h"

#include <string.h>

#define R(x) (1u << WF_ROLE_##x)
#define S(x) (1u << WF_##x)

/* Cases the deputy can still take back: handling has not ended yet. */
#define WITHDRAWABLE (S(DRAFT) | S(SUBMITTED) | S(RETURNED) | S(REGISTERED) | S(ASSIGNED) | \
		      S(DISPUTED) | S(ACCEPTED) | S(IN_PROGRESS) | S(REHANDLING))
/* States in which the lead unit is handling the case. */
#define HANDLING (S(ACCEPTED) | S(IN_PROGRESS) | S(REHANDLING))
#define ALL_BUT_DRAFT (((1u << WF_NSTATES) - 1) & ~S(DRAFT))
#define UNIT (R(UNIT_CLERK) | R(UNIT_HEAD))
#define ASSIGNING (R(GOVERNMENT_OFFICER) | R(LIAISON_OFFICER))
/* Registered cases whose record stands: their text is frozen, the liaison
 * committee corrects it. */
#define CORRECTABLE (S(REGISTERED) | S(ASSIGNED) | S(DISPUTED) | HANDLING | S(REPLIED) | \
		     S(EVALUATED) | S(CLOSED))

/* THE transition table. One row per action; docs/WORKFLOW.md explains
 * the rules. evaluate's target is refined by the database: an unsatisfied
 * answer leads to rehandling, and the case stays replied until every
 * proposing deputy has evaluated. */
static const struct wf_rule rules[] = {
	{ WF_CREATE, "create", R(DEPUTY), WF_REL_ANY, 0, WF_DRAFT },
	{ WF_COSIGN, "cosign", R(DEPUTY), WF_REL_SIGNER, S(DRAFT), WF_SAME_STATE },
	{ WF_SUBMIT, "submit", R(DEPUTY), WF_REL_PROPOSER, S(DRAFT) | S(RETURNED), WF_SUBMITTED },
	{ WF_WITHDRAW, "withdraw", R(DEPUTY), WF_REL_PROPOSER, WITHDRAWABLE, WF_WITHDRAWN },
	{ WF_REGISTER, "register", R(LIAISON_OFFICER), WF_REL_ANY, S(SUBMITTED), WF_REGISTERED },
	{ WF_RETURN, "return", R(LIAISON_OFFICER), WF_REL_ANY, S(SUBMITTED), WF_RETURNED },
	{ WF_MERGE, "merge", R(LIAISON_OFFICER), WF_REL_ANY, S(SUBMITTED) | S(REGISTERED), WF_MERGED },
	{ WF_CONVERT, "convert", R(LIAISON_OFFICER), WF_REL_ANY, S(SUBMITTED) | S(REGISTERED), WF_CONVERTED },
	{ WF_ASSIGN, "assign", ASSIGNING, WF_REL_ANY, S(REGISTERED), WF_ASSIGNED },
	{ WF_ACCEPT, "accept", UNIT, WF_REL_LEAD_UNIT, S(ASSIGNED), WF_ACCEPTED },
	{ WF_DISPUTE, "dispute", UNIT, WF_REL_ASSIGNED_UNIT, S(ASSIGNED), WF_DISPUTED },
	{ WF_REASSIGN, "reassign", ASSIGNING, WF_REL_ANY, S(ASSIGNED) | S(DISPUTED), WF_ASSIGNED },
	{ WF_PLAN, "plan", UNIT, WF_REL_LEAD_UNIT, HANDLING, WF_IN_PROGRESS },
	{ WF_CONTACT, "contact", UNIT, WF_REL_LEAD_UNIT, HANDLING | S(REPLIED), WF_SAME_STATE },
	{ WF_OPINION, "opinion", UNIT, WF_REL_CO_UNIT, S(ASSIGNED) | HANDLING, WF_SAME_STATE },
	{ WF_EXTEND, "extend", UNIT, WF_REL_LEAD_UNIT, HANDLING, WF_SAME_STATE },
	{ WF_APPROVE_EXTENSION, "approve_extension", ASSIGNING, WF_REL_ANY, HANDLING, WF_SAME_STATE },
	{ WF_REPLY, "reply", R(UNIT_HEAD), WF_REL_LEAD_UNIT, S(IN_PROGRESS) | S(REHANDLING), WF_REPLIED },
	/* A follow-up report is signed off like a reply, by the unit head. */
	{ WF_FOLLOW_UP, "follow_up", R(UNIT_HEAD), WF_REL_LEAD_UNIT, S(REPLIED) | S(EVALUATED) | S(CLOSED),
	  WF_SAME_STATE },
	{ WF_EVALUATE, "evaluate", R(DEPUTY), WF_REL_EVALUATOR, S(REPLIED), WF_EVALUATED },
	{ WF_SUPERVISE, "supervise", R(LIAISON_OFFICER) | R(COMMITTEE_MEMBER) | R(LEADER), WF_REL_ANY,
	  ALL_BUT_DRAFT, WF_SAME_STATE },
	{ WF_CLOSE, "close", R(LIAISON_OFFICER), WF_REL_ANY,
	  S(EVALUATED) | S(WITHDRAWN) | S(MERGED) | S(CONVERTED), WF_CLOSED },
	/* Before registration the deputy revises; after it the text is frozen
	 * and only the liaison committee corrects it, with a reason. */
	{ WF_EDIT, "edit", R(DEPUTY), WF_REL_PROPOSER, S(DRAFT) | S(RETURNED), WF_SAME_STATE },
	{ WF_CORRECT, "correct", R(LIAISON_OFFICER), WF_REL_ANY, CORRECTABLE, WF_SAME_STATE },
};

static const char *const state_names[WF_NSTATES] = {
	"draft", "submitted", "returned", "registered", "assigned", "disputed", "accepted",
	"in_progress", "replied", "rehandling", "evaluated", "closed", "withdrawn", "merged",
	"converted",
};

static const char *const role_names[WF_NROLES] = {
	"deputy", "liaison_officer", "government_officer", "unit_clerk", "unit_head",
	"committee_member", "leader", "admin", "public",
};

static const char *const relation_names[] = {
	"any", "proposer", "signer", "evaluator", "lead_unit", "co_unit", "assigned_unit",
};

const struct wf_rule *wf_rule(enum wf_action a)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].action == a)
			return &rules[i];
	return NULL;
}

const char *wf_state_name(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES ? state_names[s] : "unknown";
}

bool wf_state_parse(const char *name, enum wf_state *out)
{
	for (int i = 0; i < WF_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum wf_state)i;
			return true;
		}
	return false;
}

const char *wf_role_name(enum wf_role r)
{
	return (unsigned)r < WF_NROLES ? role_names[r] : "unknown";
}

bool wf_role_parse(const char *name, enum wf_role *out)
{
	for (int i = 0; i < WF_NROLES; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum wf_role)i;
			return true;
		}
	return false;
}

const char *wf_relation_name(enum wf_relation r)
{
	return (unsigned)r < sizeof relation_names / sizeof relation_names[0] ? relation_names[r] : "any";
}

bool wf_allows(enum wf_state s, enum wf_action a, enum wf_role role)
{
	const struct wf_rule *r = wf_rule(a);
	return r && (unsigned)s < WF_NSTATES && (unsigned)role < WF_NROLES &&
	       (r->roles & (1u << role)) && (r->from & (1u << s));
}

enum wf_state wf_next(enum wf_state s, enum wf_action a)
{
	const struct wf_rule *r = wf_rule(a);
	return (!r || r->to == WF_SAME_STATE) ? s : (enum wf_state)r->to;
}

uint32_t wf_roles_mask(char *const *names, size_t n)
{
	uint32_t mask = 0;
	for (size_t i = 0; i < n; i++) {
		enum wf_role r;
		if (wf_role_parse(names[i], &r))
			mask |= 1u << r;
	}
	return mask;
}

size_t wf_allowed_from(enum wf_action a, uint32_t roles, const char **states, size_t max)
{
	const struct wf_rule *r = wf_rule(a);
	if (!r || !(r->roles & roles))
		return 0;
	size_t n = 0;
	for (int s = 0; s < WF_NSTATES && n < max; s++)
		if (r->from & (1u << s))
			states[n++] = state_names[s];
	return n;
}
