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
	DESK_ACTION_DISPUTE = 1u << 4,  /* an assigned unit disputes the assignment */
	DESK_ACTION_OPINION = 1u << 5,  /* a co-handling unit sends its opinion */
	DESK_ACTION_EXTEND = 1u << 6,   /* the lead unit asks for more time */
	DESK_ACTION_ASSIGN = 1u << 7,   /* the office assigns the handling units */
	DESK_ACTION_REASSIGN = 1u << 8, /* the office changes them */
	DESK_ACTION_APPROVE_EXTENSION = 1u << 9, /* the office decides an extension */
	DESK_ACTION_RETURN = 1u << 10,  /* the liaison committee returns it for revision */
	DESK_ACTION_CLOSE = 1u << 11,   /* the liaison committee closes the case */
	DESK_ACTION_FOLLOW_UP = 1u << 12, /* the lead unit reports progress after a B/C reply */
	DESK_ACTION_REGISTER = 1u << 13, /* the liaison committee registers it */
	DESK_ACTION_SUPERVISE = 1u << 14, /* a supervision is recorded */
	DESK_ACTION_EVALUATE = 1u << 15, /* a deputy evaluates the reply */
	DESK_ACTION_MERGE = 1u << 16,   /* the liaison committee merges it into another */
	DESK_ACTION_CONVERT = 1u << 17, /* the liaison committee makes it a letter or motion */
	DESK_ACTION_SUBMIT = 1u << 18,  /* the lead deputy submits a draft or returned one */
	DESK_ACTION_COSIGN = 1u << 19,  /* a listed co-signer confirms */
	DESK_ACTION_WITHDRAW = 1u << 20, /* the lead deputy withdraws it */
	DESK_ACTION_CORRECT = 1u << 21, /* the liaison committee corrects the registered text */
};

unsigned desk_allowed_actions(const Jianyi__GetSuggestionResponse *g);

#endif
