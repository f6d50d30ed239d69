/* See cli_terms.h. The tables follow docs/WORKFLOW.md ("Contract between C
 * and SQL") and the schema's CHECK lists; the Chinese words are those of a
 * people's congress office (po/zh_CN.po). */
#include "cli_terms.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli_i18n.h"
#include "enum_names.h"
#include "jianyi.h"

struct term {
	const char *id, *text;
};

static const char *lookup(const struct term *t, const char *id)
{
	if (id == NULL)
		return "";
	for (; t->id != NULL; t++)
		if (strcmp(t->id, id) == 0)
			return _(t->text);
	return id;
}

const char *cli_state_text(int state)
{
	static char name[JY_ENUM_NAME_MAX];
	static const struct term t[] = {
		{ "draft", N_("draft") }, { "submitted", N_("submitted") },
		{ "returned", N_("returned for revision") }, { "registered", N_("registered") },
		{ "assigned", N_("assigned") }, { "disputed", N_("assignment disputed") },
		{ "accepted", N_("accepted") }, { "in_progress", N_("in progress") },
		{ "replied", N_("replied") }, { "rehandling", N_("being handled again") },
		{ "evaluated", N_("evaluated") }, { "closed", N_("closed") },
		{ "withdrawn", N_("withdrawn") }, { "merged", N_("merged") },
		{ "converted", N_("converted") }, { NULL, NULL },
	};
	if (!jy_enum_name(&jianyi__state__descriptor, state, name, sizeof name))
		snprintf(name, sizeof name, "%d", state);   /* a newer server's */
	return lookup(t, name);
}

const char *cli_action_text(const char *action)
{
	static const struct term t[] = {
		{ "create", N_("drafted the suggestion") }, { "cosign", N_("confirmed as a co-signer") },
		{ "submit", N_("submitted the suggestion") }, { "withdraw", N_("withdrew the suggestion") },
		{ "register", N_("registered the suggestion") },
		{ "return", N_("returned it for revision") },
		{ "merge", N_("merged it into another suggestion") },
		{ "convert", N_("converted the case") },
		{ "assign", N_("assigned the handling units") },
		{ "accept", N_("accepted the assignment") },
		{ "dispute", N_("disputed the assignment") },
		{ "reassign", N_("assigned other handling units") },
		{ "plan", N_("fixed the handling plan") }, { "contact", N_("contacted the deputy") },
		{ "opinion", N_("sent a co-handling opinion") },
		{ "extend", N_("asked for an extension") },
		{ "approve_extension", N_("decided on an extension") },
		{ "reply", N_("sent the reply") }, { "follow_up", N_("reported progress") },
		{ "evaluate", N_("evaluated the reply") }, { "supervise", N_("recorded supervision") },
		{ "close", N_("closed the case") }, { "recalculate", N_("recalculated the deadlines") },
		{ "edit", N_("revised the suggestion") }, { "correct", N_("corrected the registered text") },
		{ "topic_add", N_("added to a key-supervision topic") },
		{ "topic_remove", N_("removed from a key-supervision topic") },
		{ "nominate", N_("nominated as excellent") },
		{ "score", N_("scored the nomination") },
		{ "announce", N_("announced as excellent") },
		{ "evaluation_outcome", N_("evaluation round closed") },
		{ "attach", N_("attached a file") }, { NULL, NULL },
	};
	return lookup(t, action);
}

const char *cli_deed_text(const char *action)
{
	static const struct term t[] = {
		{ "create", N_("draft a suggestion") }, { "cosign", N_("confirm as co-signer") },
		{ "submit", N_("submit it") }, { "withdraw", N_("withdraw it") },
		{ "register", N_("register it") }, { "return", N_("return it for revision") },
		{ "merge", N_("merge it into another") }, { "convert", N_("convert it") },
		{ "assign", N_("assign handling units") }, { "accept", N_("accept the assignment") },
		{ "dispute", N_("dispute the assignment") },
		{ "reassign", N_("reassign handling units") },
		{ "plan", N_("fix handler, plan and date") }, { "contact", N_("record a contact") },
		{ "opinion", N_("send a co-handling opinion") },
		{ "extend", N_("ask for an extension") },
		{ "approve_extension", N_("decide on an extension request") },
		{ "reply", N_("sign off the reply") }, { "follow_up", N_("report progress") },
		{ "evaluate", N_("evaluate the reply") }, { "supervise", N_("record supervision") },
		{ "close", N_("close it") }, { "edit", N_("revise it") },
		{ "correct", N_("correct the registered text") }, { NULL, NULL },
	};
	return lookup(t, action);
}

const char *cli_attach_target_text(const char *target)
{
	static const struct term t[] = {
		{ "suggestion", N_("the suggestion") }, { "plan", N_("the handling plan") },
		{ "contact", N_("a contact record") }, { "reply", N_("the reply") },
		{ "follow_up", N_("a follow-up report") }, { "supervision", N_("a supervision record") },
		{ NULL, NULL },
	};
	return lookup(t, target);
}

const char *cli_role_text(const char *role)
{
	static const struct term t[] = {
		{ "deputy", N_("deputy") }, { "liaison_officer", N_("liaison officer") },
		{ "government_officer", N_("government office officer") },
		{ "unit_clerk", N_("handling unit clerk") }, { "unit_head", N_("handling unit head") },
		{ "committee_member", N_("special committee member") }, { "leader", N_("leader") },
		{ "admin", N_("administrator") }, { "public", N_("the public") }, { NULL, NULL },
	};
	return lookup(t, role);
}

const char *cli_org_kind_text(const char *kind)
{
	static const struct term t[] = {
		{ "liaison_committee", N_("liaison committee") },
		{ "government_office", N_("government office") },
		{ "handling_unit", N_("handling unit") },
		{ "special_committee", N_("special committee") },
		{ "standing_committee", N_("standing committee") },
		{ "government_leadership", N_("government leadership") },
		{ "liaison_station", N_("liaison station") },
		{ "township_congress", N_("township congress") },
		{ "administration", N_("administration") }, { NULL, NULL },
	};
	return lookup(t, kind);
}

const char *cli_class_text(const char *result_class)
{
	static const struct term t[] = {
		{ "A", N_("A (solved or adopted)") }, { "B", N_("B (being solved)") },
		{ "C", N_("C (to be solved later)") }, { "D", N_("D (kept for reference)") },
		{ NULL, NULL },
	};
	return lookup(t, result_class);
}

const char *cli_case_kind_text(const char *kind)
{
	static const struct term t[] = {
		{ "suggestion", N_("suggestion") }, { "motion", N_("motion") },
		{ "letter", N_("letter") }, { NULL, NULL },
	};
	return lookup(t, kind);
}

const char *cli_answer_text(const char *answer)
{
	static const struct term t[] = {
		{ "satisfied", N_("satisfied") }, { "basically_satisfied", N_("basically satisfied") },
		{ "unsatisfied", N_("unsatisfied") }, { NULL, NULL },
	};
	return lookup(t, answer);
}

const char *cli_phase_text(const char *phase)
{
	static const struct term t[] = {
		{ "before", N_("before handling") }, { "during", N_("during handling") },
		{ "after", N_("after handling") }, { NULL, NULL },
	};
	return lookup(t, phase);
}

const char *cli_method_text(const char *method)
{
	static const struct term t[] = {
		{ "visit", N_("a visit") }, { "phone", N_("a telephone call") },
		{ "meeting", N_("a meeting") }, { "sms", N_("a text message") }, { NULL, NULL },
	};
	return lookup(t, method);
}

const char *cli_supervision_text(const char *kind)
{
	static const struct term t[] = {
		{ "note", N_("supervision note") },
		{ "whole_process", N_("whole-process supervision") },
		{ "by_field", N_("by-field supervision") },
		{ "leader_led", N_("leader-led supervision") },
		{ "interview", N_("interview") }, { "inquiry", N_("special inquiry") },
		{ "publish_unsatisfied", N_("publication of the unsatisfied result") },
		{ NULL, NULL },
	};
	return lookup(t, kind);
}

const char *cli_deadline_text(const char *kind)
{
	static const struct term t[] = {
		{ "reply", N_("reply") }, { "rehandle", N_("re-handling") },
		{ "opinion", N_("co-handling opinion") }, { "dispute", N_("dispute window") },
		{ "follow_up", N_("follow-up report") }, { "evaluation", N_("evaluation") },
		{ NULL, NULL },
	};
	return lookup(t, kind);
}

const char *cli_notice_text(const char *kind)
{
	static const struct term t[] = {
		{ "reminder", N_("reminder") }, { "overdue", N_("overdue") }, { "event", N_("notice") },
		{ NULL, NULL },
	};
	return lookup(t, kind);
}

const char *cli_status_text(int code)
{
	static const struct term t[] = {
		{ "ok", N_("ok") }, { "invalid_argument", N_("invalid argument") },
		{ "not_found", N_("not found") }, { "permission_denied", N_("permission denied") },
		{ "failed_precondition", N_("not possible now") }, { "conflict", N_("conflict") },
		{ "unavailable", N_("unavailable") }, { "resource_exhausted", N_("server busy") },
		{ "unauthenticated", N_("unauthenticated") }, { "internal", N_("internal error") },
		{ "deadline_exceeded", N_("timed out") }, { "unimplemented", N_("not supported") },
		{ "unknown", N_("unknown error") }, { NULL, NULL },
	};
	return lookup(t, jy_status_str(code));
}

const char *cli_todo_text(const char *kind)
{
	/* What each item asks of the reader, and the deadline kinds an overdue
	 * item names: the wire's codes never reach the screen. */
	static const struct term t[] = {
		{ "register", N_("register the submission") },
		{ "close", N_("close the case") },
		{ "overdue", N_("overdue") },
		{ "assign", N_("assign handling units") },
		{ "decide_dispute", N_("decide the unit's dispute") },
		{ "approve_extension", N_("decide the extension request") },
		{ "accept", N_("accept the assignment") },
		{ "plan", N_("fix the handler and the plan") },
		{ "contact", N_("contact the deputy") },
		{ "reply", N_("reply to the deputy") },
		{ "rehandle", N_("handle it again") },
		{ "opinion", N_("send the co-handling opinion") },
		{ "follow_up", N_("send the follow-up report") },
		{ "cosign", N_("co-sign") },
		{ "evaluate", N_("evaluate the reply") },
		{ "revise", N_("revise and submit again") },
		{ NULL, NULL },
	};

	for (const struct term *p = t; p->id != NULL; p++)
		if (kind != NULL && strcmp(p->id, kind) == 0)
			return _(p->text);
	return _("other");
}
