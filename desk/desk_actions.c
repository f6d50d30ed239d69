/* See desk_actions.h. */
#include "desk_actions.h"

#include <stddef.h>

/* The server's action and the desk's form for it. */
static const struct {
	Jianyi__Action action;
	unsigned form;
} forms[] = {
	{ JIANYI__ACTION__ACTION_ACCEPT, DESK_ACTION_ACCEPT },
	{ JIANYI__ACTION__ACTION_PLAN, DESK_ACTION_PLAN },
	{ JIANYI__ACTION__ACTION_CONTACT, DESK_ACTION_CONTACT },
	{ JIANYI__ACTION__ACTION_REPLY, DESK_ACTION_REPLY },
};

unsigned desk_allowed_actions(const Jianyi__GetSuggestionResponse *g)
{
	unsigned can = 0;

	if (g == NULL)
		return 0;
	for (size_t i = 0; i < g->n_allowed_actions; i++)
		for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
			if (g->allowed_actions[i] == forms[f].action)
				can |= forms[f].form;
	return can;
}
