/* The words people read for the identifiers the server sends (states,
 * actions, roles, result classes, ...): no snake_case identifier reaches a
 * person's screen. Each returns the translated text (cli_i18n.h); an
 * identifier the table does not know (a newer server) comes back as it is. */
#ifndef JY_CLI_TERMS_H
#define JY_CLI_TERMS_H

const char *cli_state_text(int state);                 /* a Jianyi__State */
const char *cli_action_text(const char *action);       /* event kinds: "approve_extension" */
const char *cli_deed_text(const char *action);         /* what one may do: "approve_extension" */
/* What an attachment is on (AttachBeginRequest.attached_to), for people. */
const char *cli_attach_target_text(const char *target);
const char *cli_role_text(const char *role);           /* "liaison_officer" */
const char *cli_org_kind_text(const char *kind);       /* "handling_unit" */
const char *cli_class_text(const char *result_class);  /* "A" */
const char *cli_case_kind_text(const char *kind);      /* "suggestion", "motion", "letter" */
const char *cli_answer_text(const char *answer);       /* "basically_satisfied" */
const char *cli_phase_text(const char *phase);         /* contact phases: "before" */
const char *cli_method_text(const char *method);       /* contact methods: "visit" */
const char *cli_supervision_text(const char *kind);    /* "whole_process" */
const char *cli_deadline_text(const char *kind);       /* "follow_up" */
const char *cli_notice_text(const char *kind);         /* "reminder", "overdue" */
const char *cli_status_text(int code);
const char *cli_todo_text(const char *kind);           /* to-do items: "accept"; else "other" */                 /* a jy_error's code: "not found" */

#endif
