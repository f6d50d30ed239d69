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
	{ JIANYI__ACTION__ACTION_DISPUTE, DESK_ACTION_DISPUTE },
	{ JIANYI__ACTION__ACTION_OPINION, DESK_ACTION_OPINION },
	{ JIANYI__ACTION__ACTION_EXTEND, DESK_ACTION_EXTEND },
	{ JIANYI__ACTION__ACTION_ASSIGN, DESK_ACTION_ASSIGN },
	{ JIANYI__ACTION__ACTION_REASSIGN, DESK_ACTION_REASSIGN },
	{ JIANYI__ACTION__ACTION_APPROVE_EXTENSION, DESK_ACTION_APPROVE_EXTENSION },
	{ JIANYI__ACTION__ACTION_RETURN, DESK_ACTION_RETURN },
	{ JIANYI__ACTION__ACTION_CLOSE, DESK_ACTION_CLOSE },
	{ JIANYI__ACTION__ACTION_FOLLOW_UP, DESK_ACTION_FOLLOW_UP },
	{ JIANYI__ACTION__ACTION_REGISTER, DESK_ACTION_REGISTER },
	{ JIANYI__ACTION__ACTION_SUPERVISE, DESK_ACTION_SUPERVISE },
	{ JIANYI__ACTION__ACTION_EVALUATE, DESK_ACTION_EVALUATE },
	{ JIANYI__ACTION__ACTION_MERGE, DESK_ACTION_MERGE },
	{ JIANYI__ACTION__ACTION_CONVERT, DESK_ACTION_CONVERT },
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
