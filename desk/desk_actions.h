/* Which actions the desk offers on a case, so that it never shows a button
 * the server would refuse. The server is to send the viewer's allowed
 * actions with the case (GetSuggestionResponse.allowed_actions, being added
 * on another branch); until it does, desk_allowed_actions works them out
 * from the case's state and the viewer's roles and unit, by the rules of
 * docs/WORKFLOW.md, and this one function is what changes to read the
 * server's list. */
#ifndef JY_DESK_ACTIONS_H
#define JY_DESK_ACTIONS_H

#include "jianyi.h"

/* The actions the desk has a form for, as bits. */
enum desk_action {
	DESK_ACTION_ACCEPT = 1u << 0,   /* the lead unit accepts the assignment */
};

unsigned desk_allowed_actions(const Jianyi__GetSuggestionResponse *g, const Jianyi__Identity *who);

#endif
