/* Which actions the desk offers on a case, so that it never shows a button
 * the server would refuse: the server sends the viewer's allowed actions
 * with the case (GetSuggestionResponse.allowed_actions, docs/WORKFLOW.md),
 * and the desk offers those it has a form for (desk_forms.h). */
#ifndef JY_DESK_ACTIONS_H
#define JY_DESK_ACTIONS_H

#include "jianyi.h"

/* The actions the desk has a form for, as bits. */
enum desk_action {
	DESK_ACTION_ACCEPT = 1u << 0,   /* the lead unit accepts the assignment */
	DESK_ACTION_PLAN = 1u << 1,     /* the lead unit fixes handler and plan */
	DESK_ACTION_CONTACT = 1u << 2,  /* the lead unit records a contact */
	DESK_ACTION_REPLY = 1u << 3,    /* the lead unit's head signs off the reply */
};

unsigned desk_allowed_actions(const Jianyi__GetSuggestionResponse *g);

#endif
