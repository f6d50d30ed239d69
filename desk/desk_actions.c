/* See desk_actions.h. */
#include "desk_actions.h"

#include <string.h>

static bool has_role(const Jianyi__Identity *who, const char *role)
{
	for (size_t i = 0; i < who->n_roles; i++)
		if (strcmp(who->roles[i], role) == 0)
			return true;
	return false;
}

/* accept {}: the lead unit's clerks and heads, while the case is assigned
 * (docs/WORKFLOW.md, "Deadlines" and the transition rules). */
static bool may_accept(const Jianyi__Suggestion *s, const Jianyi__Identity *who)
{
	return strcmp(s->state, "assigned") == 0 &&
	       (has_role(who, "unit_clerk") || has_role(who, "unit_head")) &&
	       who->organization_name[0] != '\0' && strcmp(who->organization_name, s->lead_unit) == 0;
}

unsigned desk_allowed_actions(const Jianyi__GetSuggestionResponse *g, const Jianyi__Identity *who)
{
	unsigned can = 0;

	if (g == NULL || g->suggestion == NULL || who == NULL)
		return 0;
	if (may_accept(g->suggestion, who))
		can |= DESK_ACTION_ACCEPT;
	return can;
}
