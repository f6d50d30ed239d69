/* The suggestion workflow's rules: one transition table. For each action it
 * says which roles may take it, which relation the caller must have to the
 * case, from which states, and to which state it leads. The database
 * function jy_act() (sql/functions/04_workflow.sql) applies a transition atomically given
 * what this table allows; nothing else decides who may do what. */
#ifndef JY_WORKFLOW_H
#define JY_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The proto enum State less one (State = wf_state + 1), and the names of
 * wf_state_name() are the enum's (common/enum_names.h): the
 * permission_matrix test checks both, and the schema's CHECK list. */
enum wf_state {
	WF_DRAFT,        /* created by the lead deputy; co-signers confirm */
	WF_SUBMITTED,    /* waiting for the liaison committee */
	WF_RETURNED,     /* returned for revision; the deputy may submit again */
	WF_REGISTERED,   /* numbered (立案), waiting for assignment */
	WF_ASSIGNED,     /* units assigned (交办), waiting for the lead unit */
	WF_DISPUTED,     /* a unit disputed the assignment; the office reassigns */
	WF_ACCEPTED,     /* the lead unit accepted */
	WF_IN_PROGRESS,  /* handler, plan and date fixed (三定) */
	WF_REPLIED,      /* combined reply sent; the deputies evaluate */
	WF_REHANDLING,   /* unsatisfied evaluation: handled again */
	WF_EVALUATED,    /* satisfied or basically satisfied */
	WF_CLOSED,       /* closed by the liaison committee */
	WF_WITHDRAWN,    /* withdrawn in writing by the deputy */
	WF_MERGED,       /* merged into another suggestion (并案) */
	WF_CONVERTED,    /* converted (to a letter, or between 议案 and 建议) */
	WF_NSTATES
};

/* Same numbering as proto enum Jianyi__Action. */
enum wf_action {
	WF_CREATE = 1, WF_COSIGN, WF_SUBMIT, WF_WITHDRAW, WF_REGISTER, WF_RETURN,
	WF_MERGE, WF_CONVERT, WF_ASSIGN, WF_ACCEPT, WF_DISPUTE, WF_REASSIGN, WF_PLAN,
	WF_CONTACT, WF_OPINION, WF_EXTEND, WF_APPROVE_EXTENSION, WF_REPLY,
	WF_FOLLOW_UP, WF_EVALUATE, WF_SUPERVISE, WF_CLOSE, WF_EDIT, WF_CORRECT,
	WF_ACTION_MAX = WF_CORRECT
};

enum wf_role {
	WF_ROLE_DEPUTY, WF_ROLE_LIAISON_OFFICER, WF_ROLE_GOVERNMENT_OFFICER,
	WF_ROLE_UNIT_CLERK, WF_ROLE_UNIT_HEAD, WF_ROLE_COMMITTEE_MEMBER,
	WF_ROLE_LEADER, WF_ROLE_ADMIN, WF_ROLE_PUBLIC,
	WF_NROLES
};

/* What the caller must be to the case, checked by the database. */
enum wf_relation {
	WF_REL_ANY,          /* any case the role can see */
	WF_REL_PROPOSER,     /* the lead deputy */
	WF_REL_SIGNER,       /* a listed co-signer */
	WF_REL_EVALUATOR,    /* the lead deputy or a confirmed co-signer */
	WF_REL_LEAD_UNIT,    /* works at the lead handling unit */
	WF_REL_CO_UNIT,      /* works at a co-handling unit */
	WF_REL_ASSIGNED_UNIT /* works at the lead or a co-handling unit */
};

#define WF_SAME_STATE (-1)   /* the action records something; state unchanged */

struct wf_rule {
	enum wf_action action;
	const char *name;         /* "assign": event kind and CLI command */
	uint32_t roles;           /* bit per enum wf_role */
	enum wf_relation relation;
	uint32_t from;            /* bit per enum wf_state */
	int to;                   /* enum wf_state or WF_SAME_STATE */
};

const struct wf_rule *wf_rule(enum wf_action a);   /* NULL for an unknown action */
const char *wf_state_name(enum wf_state s);         /* "in_progress" */
bool wf_state_parse(const char *name, enum wf_state *out);
const char *wf_role_name(enum wf_role r);
bool wf_role_parse(const char *name, enum wf_role *out);
const char *wf_relation_name(enum wf_relation r);   /* as jy_act() expects it */

/* Whether role may take action a on a case in state s (relation aside). */
bool wf_allows(enum wf_state s, enum wf_action a, enum wf_role role);
/* Where a leads from s (s itself for WF_SAME_STATE rules). */
enum wf_state wf_next(enum wf_state s, enum wf_action a);

/* Roles bitmask of a caller from role names; unknown names are ignored. */
uint32_t wf_roles_mask(char *const *names, size_t n);

/* Fills states[] with the names of the states from which a caller holding
 * roles (mask) may take a; returns how many. 0 means the role never may. */
size_t wf_allowed_from(enum wf_action a, uint32_t roles, const char **states, size_t max);

#endif
