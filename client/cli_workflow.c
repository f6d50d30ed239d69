/* The workflow's write commands (see cli_workflow.h). Each action is a row
 * of its own: which Action it sends and which builder turns its flags into
 * the ActRequest's params. Builders check every flag before anything is
 * sent; commands with the same params share one builder. */
#include "cli_workflow.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_outbox.h"
#include "cli_output.h"
#include "cli_read.h"
#include "cli_render.h"
#include "cli_write.h"
#include "jianyi.h"
#include "jy_limits.h"

#define MAX_UNITS 32
#define MAX_LEADERS 8
#define MAX_COSIGNERS 32
#define MAX_EXTENSION_DAYS 365
#define SUBMIT_KEY_SUFFIX ".submit"   /* submit's second step: the first's key + this */
/* submit's notes: --json keeps them untranslated (data) */
#define DRAFT_NOTE N_("a draft; submit it with: jianyi submit --id %" PRId64)
#define COSIGN_NOTE N_("a draft until the co-signers confirm (jianyi cosign %" PRId64 "); " \
		       "then submit it with: jianyi submit --id %" PRId64)

/* One ActRequest (libjianyi's struct jy_act) and what the CLI's flags put
 * into it. */
struct act {
	struct jy_act j;
	int64_t ids[CLI_MAX_REPEATED];
	const char *strs[CLI_MAX_REPEATED];
	char *owned[2];              /* long texts read from files */
	char key[CLI_IDEMPOTENCY_KEY_MAX + 1];
};

struct cli_act_spec {
	Jianyi__Action action;
	/* Checks the flags and fills a->j.req's params; false: usage error printed. */
	bool (*build)(const struct cli_invocation *inv, struct act *a);
	enum cli_need reason;        /* reason_params: is --reason required? */
	const char *const *classes;  /* reply_params: the result classes */
};

static const char *const result_classes[] = { "A", "B", "C", "D", NULL };

/* Flags as written on the command line; the wire spells them with '_'. */
static char *wire(const char *const *choices, int i, const char *const *wire_choices)
{
	return (char *)(wire_choices ? wire_choices[i] : choices[i]);
}

static char *or_empty(const char *s)
{
	return (char *)(s ? s : "");
}

/* --- Builders ---------------------------------------------------------- */

static bool no_params(const struct cli_invocation *inv, struct act *a)
{
	(void)inv;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS__NOT_SET;
	return true;
}

static bool reason_params(const struct cli_invocation *inv, struct act *a)
{
	const struct cli_act_spec *spec = inv->cmd->spec;
	const char *reason = NULL;

	if (!cli_get_str(inv, "reason", spec->reason, &reason))
		return false;
	a->j.reason.reason = or_empty(reason);
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;
	a->j.req.reason = &a->j.reason;
	return true;
}

static bool register_params(const struct cli_invocation *inv, struct act *a)
{
	long term, session;

	if (!cli_get_int(inv, "term", JY_TERM_MIN, JY_TERM_MAX, CLI_REQUIRED, &term) ||
	    !cli_get_int(inv, "session", JY_SESSION_MIN, JY_SESSION_MAX, CLI_REQUIRED, &session))
		return false;
	a->j.reg.term = (int32_t)term;
	a->j.reg.session = (int32_t)session;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_REGISTER;
	a->j.req.register_ = &a->j.reg;
	return true;
}

static bool merge_params(const struct cli_invocation *inv, struct act *a)
{
	const char *reason;

	if (!cli_get_id(inv, "into", CLI_REQUIRED, &a->j.merge.into_suggestion_id) ||
	    !cli_get_str(inv, "reason", CLI_REQUIRED, &reason))
		return false;
	if (a->j.merge.into_suggestion_id == a->j.req.suggestion_id)
		return cli_usage_error(inv, _("--into: a suggestion cannot be merged into itself"));
	a->j.merge.reason = (char *)reason;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_MERGE;
	a->j.req.merge = &a->j.merge;
	return true;
}

static bool convert_params(const struct cli_invocation *inv, struct act *a)
{
	static const char *const kinds[] = { "letter", "motion", "suggestion", NULL };
	const char *reason;
	int kind;

	if (!cli_get_choice(inv, "to", kinds, CLI_REQUIRED, &kind) ||
	    !cli_get_str(inv, "reason", CLI_REQUIRED, &reason))
		return false;
	a->j.convert.to_kind = wire(kinds, kind, NULL);
	a->j.convert.reason = (char *)reason;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_CONVERT;
	a->j.req.convert = &a->j.convert;
	return true;
}

/* assign and reassign; reassign needs --reason. */
static bool assign_params(const struct cli_invocation *inv, struct act *a)
{
	const struct cli_act_spec *spec = inv->cmd->spec;
	const char *deadline = NULL, *reason = NULL;
	size_t nco, nleaders;

	if (!cli_get_id(inv, "lead", CLI_REQUIRED, &a->j.assign.lead_unit_id) ||
	    !cli_get_ids(inv, "co", a->ids, MAX_UNITS, &nco) ||
	    !cli_get_date(inv, "deadline", CLI_OPTIONAL, &deadline) ||
	    !cli_get_strs(inv, "leader", a->strs, MAX_LEADERS, &nleaders) ||
	    !cli_get_id(inv, "committee", CLI_OPTIONAL, &a->j.assign.supervising_committee_id) ||
	    !cli_get_str(inv, "reason", spec->reason, &reason))
		return false;
	for (size_t i = 0; i < nco; i++)
		if (a->ids[i] == a->j.assign.lead_unit_id)
			return cli_usage_error(inv, _("--co: unit %" PRId64 " is already the lead unit"),
					       a->ids[i]);
	a->j.assign.co_unit_ids = a->ids;
	a->j.assign.n_co_unit_ids = nco;
	a->j.assign.reply_deadline = or_empty(deadline);
	a->j.assign.key = cli_value(inv, "key") != NULL;
	a->j.assign.leaders = (char **)a->strs;
	a->j.assign.n_leaders = nleaders;
	if (nleaders > 0 && !a->j.assign.key)
		return cli_usage_error(inv, _("--leader: only a key suggestion (--key) has leading leaders"));
	a->j.assign.reason = or_empty(reason);
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
	a->j.req.assign = &a->j.assign;
	return true;
}

static bool phone_valid(const char *s)
{
	size_t n = strlen(s), digits = 0;

	if (n > 32 || strspn(s, "0123456789+- ()") != n)
		return false;
	for (; *s; s++)
		digits += *s >= '0' && *s <= '9';
	return digits >= 3;
}

static bool plan_params(const struct cli_invocation *inv, struct act *a)
{
	const char *handler, *phone, *date;

	if (!cli_get_str(inv, "handler", CLI_REQUIRED, &handler) ||
	    !cli_get_str(inv, "phone", CLI_REQUIRED, &phone) ||
	    !cli_get_long_text(inv, "plan", CLI_REQUIRED, &a->owned[0]) ||
	    !cli_get_date(inv, "date", CLI_REQUIRED, &date))
		return false;
	if (!phone_valid(phone))
		return cli_usage_error(inv, _("--phone: '%s' is not a telephone number"), phone);
	a->j.plan.handler_name = (char *)handler;
	a->j.plan.handler_phone = (char *)phone;
	a->j.plan.plan = a->owned[0];
	a->j.plan.promised_date = (char *)date;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_PLAN;
	a->j.req.plan = &a->j.plan;
	return true;
}

static bool contact_params(const struct cli_invocation *inv, struct act *a)
{
	static const char *const phases[] = { "before", "during", "after", NULL };
	static const char *const methods[] = { "visit", "phone", "meeting", "sms", NULL };
	const char *date = NULL, *note = NULL;
	int phase, method;

	if (!cli_get_choice(inv, "phase", phases, CLI_REQUIRED, &phase) ||
	    !cli_get_choice(inv, "method", methods, CLI_REQUIRED, &method) ||
	    !cli_get_date(inv, "date", CLI_OPTIONAL, &date) ||
	    !cli_get_str(inv, "note", CLI_OPTIONAL, &note))
		return false;
	a->j.contact.phase = wire(phases, phase, NULL);
	a->j.contact.method = wire(methods, method, NULL);
	a->j.contact.date = or_empty(date);
	a->j.contact.note = or_empty(note);
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
	a->j.req.contact = &a->j.contact;
	return true;
}

static bool opinion_params(const struct cli_invocation *inv, struct act *a)
{
	if (!cli_get_long_text(inv, "text", CLI_REQUIRED, &a->owned[0]))
		return false;
	a->j.opinion.text = a->owned[0];
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_OPINION;
	a->j.req.opinion = &a->j.opinion;
	return true;
}

static bool extend_params(const struct cli_invocation *inv, struct act *a)
{
	const char *reason;
	long days;

	if (!cli_get_int(inv, "days", 1, MAX_EXTENSION_DAYS, CLI_REQUIRED, &days) ||
	    !cli_get_str(inv, "reason", CLI_REQUIRED, &reason))
		return false;
	a->j.extend.days = (int32_t)days;
	a->j.extend.reason = (char *)reason;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_EXTEND;
	a->j.req.extend = &a->j.extend;
	return true;
}

static bool approve_extension_params(const struct cli_invocation *inv, struct act *a)
{
	bool approve = cli_value(inv, "approve") != NULL, reject = cli_value(inv, "reject") != NULL;
	const char *reason = NULL;

	if (!cli_get_id(inv, "extension", CLI_REQUIRED, &a->j.approve.extension_id) ||
	    !cli_get_str(inv, "reason", CLI_OPTIONAL, &reason))
		return false;
	if (approve == reject)
		return cli_usage_error(inv, "%s", approve ? _("--reject: give --approve or --reject, not both") :
					    _("--approve: required (or --reject)"));
	a->j.approve.approve = approve;
	a->j.approve.reason = or_empty(reason);
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_APPROVE_EXTENSION;
	a->j.req.approve_extension = &a->j.approve;
	return true;
}

/* reply and follow-up: --class and a long --text. */
static bool reply_params(const struct cli_invocation *inv, struct act *a)
{
	const struct cli_act_spec *spec = inv->cmd->spec;
	int cls;

	if (!cli_get_choice(inv, "class", spec->classes, CLI_REQUIRED, &cls) ||
	    !cli_get_long_text(inv, "text", CLI_REQUIRED, &a->owned[0]))
		return false;
	if (spec->action == JIANYI__ACTION__ACTION_REPLY) {
		a->j.reply.text = a->owned[0];
		a->j.reply.result_class = wire(spec->classes, cls, NULL);
		a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_REPLY;
		a->j.req.reply = &a->j.reply;
	} else {
		a->j.follow_up.text = a->owned[0];
		a->j.follow_up.result_class = wire(spec->classes, cls, NULL);
		a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_FOLLOW_UP;
		a->j.req.follow_up = &a->j.follow_up;
	}
	return true;
}

static bool evaluate_params(const struct cli_invocation *inv, struct act *a)
{
	static const char *const answers[] = {
		"satisfied", "basically-satisfied", "unsatisfied", NULL };
	static const char *const wire_answers[] = {
		"satisfied", "basically_satisfied", "unsatisfied", NULL };
	const char *comment = NULL;
	int attitude, result;

	if (!cli_get_choice(inv, "attitude", answers, CLI_REQUIRED, &attitude) ||
	    !cli_get_choice(inv, "result", answers, CLI_REQUIRED, &result) ||
	    !cli_get_str(inv, "comment", CLI_OPTIONAL, &comment))
		return false;
	a->j.evaluate.attitude = wire(answers, attitude, wire_answers);
	a->j.evaluate.result = wire(answers, result, wire_answers);
	a->j.evaluate.comment = or_empty(comment);
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
	a->j.req.evaluate = &a->j.evaluate;
	return true;
}

static bool supervise_params(const struct cli_invocation *inv, struct act *a)
{
	static const char *const kinds[] = {
		"note", "whole-process", "by-field", "leader-led", "interview", "inquiry",
		"publish-unsatisfied", NULL };
	static const char *const wire_kinds[] = {
		"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
		"publish_unsatisfied", NULL };
	int kind;

	if (!cli_get_choice(inv, "kind", kinds, CLI_REQUIRED, &kind) ||
	    !cli_get_long_text(inv, "text", CLI_REQUIRED, &a->owned[0]))
		return false;
	a->j.supervise.kind = wire(kinds, kind, wire_kinds);
	a->j.supervise.text = a->owned[0];
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_SUPERVISE;
	a->j.req.supervise = &a->j.supervise;
	return true;
}

/* --- The actions ------------------------------------------------------- */

/* edit: only what is given changes; co-signers added or removed by id or
 * name (the server says which may change in the case's state). */
static bool edit_params(const struct cli_invocation *inv, struct act *a)
{
	const char *title = NULL, *category = NULL;
	size_t nadd = 0, nremove = 0;
	int64_t *add = a->ids, *remove = a->ids + CLI_MAX_REPEATED / 2;

	if (!cli_get_str(inv, "title", CLI_OPTIONAL, &title) ||
	    !cli_get_long_text(inv, "body", CLI_OPTIONAL, &a->owned[0]) ||
	    !cli_get_str(inv, "category", CLI_OPTIONAL, &category) ||
	    !cli_get_ids(inv, "add-cosigner", add, CLI_MAX_REPEATED / 2, &nadd) ||
	    !cli_get_ids(inv, "remove-cosigner", remove, CLI_MAX_REPEATED / 2, &nremove))
		return false;
	if (!title && !a->owned[0] && !category && !nadd && !nremove)
		return cli_usage_error(inv, _("nothing to change: give --title, --body, --category, "
					      "--add-cosigner or --remove-cosigner"));
	a->j.edit.title = or_empty(title);
	a->j.edit.body = or_empty(a->owned[0]);
	a->j.edit.category = or_empty(category);
	a->j.edit.add_cosigner_deputy_ids = add;
	a->j.edit.n_add_cosigner_deputy_ids = nadd;
	a->j.edit.remove_cosigner_deputy_ids = remove;
	a->j.edit.n_remove_cosigner_deputy_ids = nremove;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_EDIT;
	a->j.req.edit = &a->j.edit;
	return true;
}

/* correct: the liaison committee's correction of a registered text. */
static bool correct_params(const struct cli_invocation *inv, struct act *a)
{
	const char *title = NULL, *category = NULL, *reason = NULL;

	if (!cli_get_str(inv, "title", CLI_OPTIONAL, &title) ||
	    !cli_get_long_text(inv, "body", CLI_OPTIONAL, &a->owned[0]) ||
	    !cli_get_str(inv, "category", CLI_OPTIONAL, &category) ||
	    !cli_get_str(inv, "reason", CLI_REQUIRED, &reason))
		return false;
	if (!title && !a->owned[0] && !category)
		return cli_usage_error(inv, _("nothing to correct: give --title, --body or --category"));
	a->j.correct.title = or_empty(title);
	a->j.correct.body = or_empty(a->owned[0]);
	a->j.correct.category = or_empty(category);
	a->j.correct.reason = (char *)reason;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_CORRECT;
	a->j.req.correct = &a->j.correct;
	return true;
}


#define A(name) JIANYI__ACTION__ACTION_##name
const struct cli_act_spec cli_act_cosign = { A(COSIGN), no_params, 0, NULL };
const struct cli_act_spec cli_act_withdraw = { A(WITHDRAW), reason_params, CLI_REQUIRED, NULL };
const struct cli_act_spec cli_act_register = { A(REGISTER), register_params, 0, NULL };
const struct cli_act_spec cli_act_return = { A(RETURN), reason_params, CLI_REQUIRED, NULL };
const struct cli_act_spec cli_act_merge = { A(MERGE), merge_params, 0, NULL };
const struct cli_act_spec cli_act_convert = { A(CONVERT), convert_params, 0, NULL };
const struct cli_act_spec cli_act_assign = { A(ASSIGN), assign_params, CLI_OPTIONAL, NULL };
const struct cli_act_spec cli_act_accept = { A(ACCEPT), no_params, 0, NULL };
const struct cli_act_spec cli_act_dispute = { A(DISPUTE), reason_params, CLI_REQUIRED, NULL };
const struct cli_act_spec cli_act_reassign = { A(REASSIGN), assign_params, CLI_REQUIRED, NULL };
const struct cli_act_spec cli_act_plan = { A(PLAN), plan_params, 0, NULL };
const struct cli_act_spec cli_act_contact = { A(CONTACT), contact_params, 0, NULL };
const struct cli_act_spec cli_act_opinion = { A(OPINION), opinion_params, 0, NULL };
const struct cli_act_spec cli_act_extend = { A(EXTEND), extend_params, 0, NULL };
const struct cli_act_spec cli_act_approve_extension =
	{ A(APPROVE_EXTENSION), approve_extension_params, 0, NULL };
const struct cli_act_spec cli_act_reply = { A(REPLY), reply_params, 0, result_classes };
const struct cli_act_spec cli_act_follow_up = { A(FOLLOW_UP), reply_params, 0, result_classes };
const struct cli_act_spec cli_act_evaluate = { A(EVALUATE), evaluate_params, 0, NULL };
const struct cli_act_spec cli_act_supervise = { A(SUPERVISE), supervise_params, 0, NULL };
const struct cli_act_spec cli_act_close = { A(CLOSE), reason_params, CLI_OPTIONAL, NULL };
const struct cli_act_spec cli_act_edit = { A(EDIT), edit_params, 0, NULL };
const struct cli_act_spec cli_act_correct = { A(CORRECT), correct_params, 0, NULL };
#undef A

/* --- Their flags ------------------------------------------------------- */

#define WRITE_FLAGS \
	{ "version", N_("N"), N_("the case's version you last saw (default: read it first)") }, \
	{ "idempotency-key", N_("K"), N_("retry key, 1 to 56 of A-Z a-z 0-9 - _ . : (default: random)") }, \
	{ 0 }

const struct cli_option cli_cosign_options[] = { WRITE_FLAGS };
const struct cli_option cli_accept_options[] = { WRITE_FLAGS };
const struct cli_option cli_withdraw_options[] = {
	{ "reason", N_("TEXT"), N_("why the deputy withdraws it (required)") }, WRITE_FLAGS };
const struct cli_option cli_return_options[] = {
	{ "reason", N_("TEXT"), N_("what the deputy should revise (required)") }, WRITE_FLAGS };
const struct cli_option cli_dispute_options[] = {
	{ "reason", N_("TEXT"), N_("why the unit is not the right one (required)") }, WRITE_FLAGS };
const struct cli_option cli_edit_options[] = {
	{ "title", N_("TEXT"), N_("the new title") },
	{ "body", N_("TEXT"), N_("the new text (or --body-file)") },
	{ "body-file", N_("FILE"), N_("the new text from FILE, '-' for standard input") },
	{ "category", N_("C"), N_("the new category, e.g. 交通") },
	{ "add-cosigner", N_("DEPUTY"), N_("ask another deputy to co-sign, a draft only (repeatable)"), true },
	{ "remove-cosigner", N_("DEPUTY"), N_("take a co-signer off (repeatable)"), true }, WRITE_FLAGS };
const struct cli_option cli_correct_options[] = {
	{ "title", N_("TEXT"), N_("the corrected title") },
	{ "body", N_("TEXT"), N_("the corrected text (or --body-file)") },
	{ "body-file", N_("FILE"), N_("the corrected text from FILE, '-' for standard input") },
	{ "category", N_("C"), N_("the corrected category") },
	{ "reason", N_("TEXT"), N_("why it is corrected (required)") }, WRITE_FLAGS };
const struct cli_option cli_close_options[] = {
	{ "reason", N_("TEXT"), N_("why it is closed (optional)") }, WRITE_FLAGS };
const struct cli_option cli_register_options[] = {
	{ "term", N_("N"), N_("the congress's term, 1 to 99 (required)") },
	{ "session", N_("N"), N_("the session of that term, 1 to 20 (required)") }, WRITE_FLAGS };
const struct cli_option cli_merge_options[] = {
	{ "into", N_("ID"), N_("the suggestion it joins (required)") },
	{ "reason", N_("TEXT"), N_("why they are one case (required)") }, WRITE_FLAGS };
const struct cli_option cli_convert_options[] = {
	{ "to", N_("KIND"), N_("letter, motion or suggestion (required)") },
	{ "reason", N_("TEXT"), N_("why (required)") }, WRITE_FLAGS };

#define ASSIGN_FLAGS \
	{ "lead", N_("UNIT_ID"), N_("the lead handling unit, 主办 (required)") }, \
	{ "co", N_("UNIT_ID"), N_("a co-handling unit, 协办 (repeatable)"), true }, \
	{ "deadline", N_("YYYY-MM-DD"), N_("reply deadline (default: 3 months from today)") }, \
	{ "key", NULL, N_("a key suggestion, 重点") }, \
	{ "leader", N_("NAME"), N_("a leading leader of a key suggestion (repeatable)"), true }, \
	{ "committee", N_("ORG_ID"), N_("the supervising special committee") }
const struct cli_option cli_assign_options[] = { ASSIGN_FLAGS, WRITE_FLAGS };
const struct cli_option cli_reassign_options[] = {
	ASSIGN_FLAGS, { "reason", N_("TEXT"), N_("why the units change (required)") }, WRITE_FLAGS };
const struct cli_option cli_plan_options[] = {
	{ "handler", N_("NAME"), N_("who handles it (required)") },
	{ "phone", N_("P"), N_("the handler's telephone (required)") },
	{ "plan", N_("TEXT"), N_("the plan (or --plan-file)") },
	{ "plan-file", N_("FILE"), N_("the plan from FILE, '-' for standard input") },
	{ "date", N_("YYYY-MM-DD"), N_("the date promised for the result (required)") }, WRITE_FLAGS };
const struct cli_option cli_contact_options[] = {
	{ "phase", N_("P"), N_("before, during or after handling (required)") },
	{ "method", N_("M"), N_("visit, phone, meeting or sms (required)") },
	{ "date", N_("YYYY-MM-DD"), N_("when (default today)") },
	{ "note", N_("TEXT"), N_("what was said") }, WRITE_FLAGS };
#define TEXT_FLAGS(what) \
	{ "text", N_("TEXT"), what }, \
	{ "text-file", N_("FILE"), N_("the text from FILE, '-' for standard input") }
const struct cli_option cli_opinion_options[] = {
	TEXT_FLAGS(N_("the co-handling unit's written opinion (or --text-file)")), WRITE_FLAGS };
const struct cli_option cli_extend_options[] = {
	{ "days", N_("N"), N_("days more, 1 to 365 (the server's cap is lower; required)") },
	{ "reason", N_("TEXT"), N_("why (required)") }, WRITE_FLAGS };
const struct cli_option cli_approve_extension_options[] = {
	{ "extension", N_("EXT_ID"), N_("the extension request (required)") },
	{ "approve", NULL, N_("approve it") },
	{ "reject", NULL, N_("reject it") },
	{ "reason", N_("TEXT"), N_("why") }, WRITE_FLAGS };
const struct cli_option cli_reply_options[] = {
	{ "class", N_("A|B|C|D"), N_("A solved, B being solved, C later, D for reference (required)") },
	TEXT_FLAGS(N_("the combined reply (or --text-file)")), WRITE_FLAGS };
const struct cli_option cli_follow_up_options[] = {
	{ "class", N_("A|B|C|D"), N_("the result class now (A ends the follow-ups; required)") },
	TEXT_FLAGS(N_("the follow-up report (or --text-file)")), WRITE_FLAGS };
const struct cli_option cli_evaluate_options[] = {
	{ "attitude", N_("A"), N_("satisfied, basically-satisfied or unsatisfied (required)") },
	{ "result", N_("R"), N_("satisfied, basically-satisfied or unsatisfied (required)") },
	{ "comment", N_("TEXT"), N_("a comment") }, WRITE_FLAGS };
/* Recording flags, then those of "supervise list" (cli_topics.c). */
const struct cli_option cli_supervise_options[] = {
	{ "kind", N_("K"), N_("note, whole-process, by-field, leader-led, interview, inquiry or "
		       "publish-unsatisfied (required to record; a filter for list)") },
	TEXT_FLAGS(N_("what (or --text-file)")),
	{ "committee", N_("ORG_ID"), N_("list: records on cases this special committee supervises") },
	{ "suggestion", N_("ID"), N_("list: records on this case") },
	{ "topic", N_("ID"), N_("list: records on the cases under this topic") },
	{ "min-level", N_("N"), N_("list: escalations of this level or higher (2 interview, 3 inquiry, 4 publication)") },
	{ "limit", N_("N"), N_("list: at most N records, 1 to 500 (default 50)") },
	{ "before", N_("ID"), N_("list: the page after the one that ended with record ID") },
	WRITE_FLAGS };
const struct cli_option cli_submit_options[] = {
	{ "title", N_("T"), N_("the title (required when creating)") },
	{ "body", N_("TEXT"), N_("the text (or --body-file)") },
	{ "body-file", N_("FILE"), N_("the text from FILE, '-' for standard input") },
	{ "category", N_("C"), N_("the field, e.g. 交通, 教育 (required when creating)") },
	{ "confidential", NULL, N_("ask to keep it unpublished") },
	{ "cosigner", N_("DEPUTY_ID"), N_("a co-signing deputy (repeatable); keeps it a draft"), true },
	{ "kind", N_("K"), N_("suggestion (default) or motion") },
	{ "draft", NULL, N_("only create the draft; submit it later with --id") },
	{ "id", N_("ID"), N_("submit this existing draft or returned suggestion") },
	{ "remove-cosigner", N_("DEPUTY_ID"), N_("with --id: drop a co-signer who has not confirmed (repeatable)"),
	  true },
	WRITE_FLAGS };

/* --- Sending ----------------------------------------------------------- */

/* Every part ready; the builders point the request at their params. */
static void act_init(struct act *a)
{
	memset(a, 0, sizeof *a);
	jy_act_init(&a->j, JIANYI__ACTION__ACTION_UNSPECIFIED, 0, 0);
}

static void act_free(struct act *a)
{
	for (size_t i = 0; i < sizeof a->owned / sizeof a->owned[0]; i++)
		free(a->owned[i]);
}

/* The key a person reruns the command with: submit's second step derives
 * its key from the first's by a suffix (see cli_run_submit). */
static void rerun_key(const struct act *a, char *out, size_t len)
{
	size_t n = strlen(a->key), s = strlen(SUBMIT_KEY_SUFFIX);

	if (n > s && strcmp(a->key + n - s, SUBMIT_KEY_SUFFIX) == 0)
		n -= s;
	snprintf(out, len, "%.*s", (int)n, a->key);
}

/* Sends a->j.req on *c (which a retry may replace; see cli_write.h); on
 * success *resp holds an answer with a suggestion. */
static bool send_act(const struct cli_invocation *inv, struct jy_client **c, struct act *a,
		     Jianyi__Envelope **resp, int *rc)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	char key[CLI_IDEMPOTENCY_KEY_MAX + 1];

	a->j.req.idempotency_key = a->key;
	req.body_case = JIANYI__REQUEST__BODY_ACT;
	req.act = &a->j.req;
	rerun_key(a, key, sizeof key);
	if (!cli_call_write(inv, c, &req, key, resp, rc))
		goto fail;   /* printed */
	if ((*resp)->response->body_case == JIANYI__RESPONSE__BODY_ACT &&
	    (*resp)->response->act->suggestion != NULL)
		return true;
	*rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to act has no suggestion"));
fail:
	if (*resp != NULL)
		jy_envelope_free(*resp);
	*resp = NULL;
	return false;
}

/* The case's current version, read from the server. */
static bool fetch_version(struct jy_client *c, int64_t id, int32_t *version, int *rc)
{
	Jianyi__Envelope *resp;

	if (!cli_fetch_case(c, id, &resp, rc))
		return false;
	*version = resp->response->get_suggestion->suggestion->version;
	jy_envelope_free(resp);
	return true;
}

/* Prints the case after a write; note (may be NULL) is a second line. */
static int print_result(const struct cli_invocation *inv, const Jianyi__ActResponse *r,
			const char *key, const char *note)
{
	struct cli_output out;

	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object_put(out.root);
		out.root = cli_suggestion_json(r->suggestion);
		json_object_object_add(out.root, "event_sequence",
				       json_object_new_int64(r->event_sequence));
		json_object_object_add(out.root, "replayed", json_object_new_boolean(r->replayed));
		json_object_object_add(out.root, "idempotency_key", json_object_new_string(key));
		if (note != NULL)
			json_object_object_add(out.root, "note", json_object_new_string(note));
	} else {
		cli_print_case_line(r->suggestion);
		if (r->replayed)
			puts(_("(already done by an earlier request with this idempotency key; nothing changed)"));
		if (note != NULL)
			puts(note);
	}
	return cli_output_finish(&out);
}

/* Checks the version flag, then connects and fills in the version. */
static struct jy_client *connect_at_version(const struct cli_invocation *inv, struct act *a,
					    int *rc)
{
	struct jy_client *c;
	long version = 0;

	if (!cli_get_int(inv, "version", 1, INT32_MAX, CLI_OPTIONAL, &version)) {
		*rc = CLI_EXIT_USAGE;
		return NULL;
	}
	if ((c = cli_connect_or_fail(inv, rc)) == NULL)
		return NULL;
	a->j.req.expected_version = (int32_t)version;
	if (version == 0 && !fetch_version(c, a->j.req.suggestion_id, &a->j.req.expected_version, rc)) {
		jy_close(c);
		return NULL;
	}
	return c;
}

int cli_run_act(const struct cli_invocation *inv)
{
	const struct cli_act_spec *spec = inv->cmd->spec;
	struct act a;
	Jianyi__Envelope *resp = NULL;
	struct jy_client *c;
	int rc = CLI_EXIT_USAGE;

	act_init(&a);
	a.j.req.action = spec->action;
	if (!cli_get_case_id(inv, &a.j.req.suggestion_id) || !spec->build(inv, &a) ||
	    !cli_get_idempotency_key(inv, a.key))
		goto done;
	if (inv->flags.offline) {
		a.j.req.idempotency_key = a.key;
		rc = cli_outbox_queue(inv, &a.j.req);
		goto done;
	}
	if ((c = connect_at_version(inv, &a, &rc)) == NULL)
		goto done;
	if (send_act(inv, &c, &a, &resp, &rc)) {
		rc = print_result(inv, resp->response->act, a.key, NULL);
		jy_envelope_free(resp);
	}
	jy_close(c);
done:
	act_free(&a);
	return rc;
}

/* --- submit ------------------------------------------------------------ */

/* submit --id N: submits an existing draft or returned suggestion. */
static int submit_existing(const struct cli_invocation *inv)
{
	static const char *const create_only[] = {
		"title", "body", "body-file", "category", "confidential", "cosigner", "kind",
		"draft", NULL };
	struct act a;
	Jianyi__Envelope *resp = NULL;
	struct jy_client *c;
	int rc = CLI_EXIT_USAGE;

	act_init(&a);
	for (int i = 0; create_only[i] != NULL; i++)
		if (cli_value(inv, create_only[i]) != NULL)
			return cli_usage_error(inv, _("--%s: not with --id (which submits an existing "
					       "suggestion)"), create_only[i]), CLI_EXIT_USAGE;
	a.j.req.action = JIANYI__ACTION__ACTION_SUBMIT;
	size_t nremove;
	if (!cli_get_id(inv, "id", CLI_REQUIRED, &a.j.req.suggestion_id) ||
	    !cli_get_ids(inv, "remove-cosigner", a.ids, CLI_MAX_REPEATED, &nremove) ||
	    !cli_get_idempotency_key(inv, a.key))
		return CLI_EXIT_USAGE;
	if (nremove > 0) {
		a.j.submit.remove_cosigner_deputy_ids = a.ids;
		a.j.submit.n_remove_cosigner_deputy_ids = nremove;
		a.j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_SUBMIT;
		a.j.req.submit = &a.j.submit;
	}
	if ((c = connect_at_version(inv, &a, &rc)) == NULL)
		return rc;
	if (send_act(inv, &c, &a, &resp, &rc)) {
		rc = print_result(inv, resp->response->act, a.key, NULL);
		jy_envelope_free(resp);
	}
	jy_close(c);
	return rc;
}

static bool create_params(const struct cli_invocation *inv, struct act *a)
{
	static const char *const kinds[] = { "suggestion", "motion", NULL };
	const char *title, *category;
	size_t ncosigners;
	int kind = 0;

	if (!cli_get_str(inv, "title", CLI_REQUIRED, &title) ||
	    !cli_get_long_text(inv, "body", CLI_REQUIRED, &a->owned[0]) ||
	    !cli_get_str(inv, "category", CLI_REQUIRED, &category) ||
	    !cli_get_ids(inv, "cosigner", a->ids, MAX_COSIGNERS, &ncosigners) ||
	    !cli_get_choice(inv, "kind", kinds, CLI_OPTIONAL, &kind))
		return false;
	if (cli_value(inv, "version") != NULL)
		return cli_usage_error(inv, _("--version: only with --id (a new suggestion has none)"));
	a->j.create.title = (char *)title;
	a->j.create.body = a->owned[0];
	a->j.create.category = (char *)category;
	a->j.create.confidential = cli_value(inv, "confidential") != NULL;
	a->j.create.cosigner_deputy_ids = a->ids;
	a->j.create.n_cosigner_deputy_ids = ncosigners;
	a->j.create.kind = wire(kinds, kind, NULL);
	a->j.req.action = JIANYI__ACTION__ACTION_CREATE;
	a->j.req.params_case = JIANYI__ACT_REQUEST__PARAMS_CREATE;
	a->j.req.create = &a->j.create;
	return true;
}

int cli_run_submit(const struct cli_invocation *inv)
{
	struct act a;
	Jianyi__Envelope *created = NULL, *submitted = NULL;
	Jianyi__ActRequest sub = JIANYI__ACT_REQUEST__INIT;
	const Jianyi__Suggestion *s;
	char note[256], key[CLI_IDEMPOTENCY_KEY_MAX + 1];
	struct jy_client *c = NULL;
	int rc = CLI_EXIT_USAGE;

	if (cli_value(inv, "id") != NULL)
		return submit_existing(inv);
	if (cli_value(inv, "remove-cosigner") != NULL)
		return cli_usage_error(inv, _("--remove-cosigner: only with --id (co-signers confirm "
				       "on the draft first)")), CLI_EXIT_USAGE;
	act_init(&a);
	if (!create_params(inv, &a) || !cli_get_idempotency_key(inv, a.key))
		goto done;
	if ((c = cli_connect_or_fail(inv, &rc)) == NULL)
		goto done;
	if (!send_act(inv, &c, &a, &created, &rc))
		goto done;
	s = created->response->act->suggestion;
	if (cli_value(inv, "draft") != NULL) {
		snprintf(note, sizeof note, inv->flags.json ? DRAFT_NOTE : _(DRAFT_NOTE),
			 s->id);
		rc = print_result(inv, created->response->act, a.key, note);
		goto done;
	}
	if (a.j.create.n_cosigner_deputy_ids > 0) {
		snprintf(note, sizeof note, inv->flags.json ? COSIGN_NOTE : _(COSIGN_NOTE),
			 s->id, s->id);
		rc = print_result(inv, created->response->act, a.key, note);
		goto done;
	}
	/* The second step's key follows from the first, so a retry of the
	 * whole command with the same --idempotency-key replays both. */
	/* cli_get_idempotency_key leaves room for the suffix */
	memcpy(key, a.key, strlen(a.key) + 1);
	strncat(key, SUBMIT_KEY_SUFFIX, sizeof key - strlen(key) - 1);
	sub.idempotency_key = key;
	sub.suggestion_id = s->id;
	sub.expected_version = s->version;
	sub.action = JIANYI__ACTION__ACTION_SUBMIT;
	a.j.req = sub;
	memcpy(a.key, key, sizeof key);
	if (!send_act(inv, &c, &a, &submitted, &rc)) {
		cli_fail(rc, _("the draft #%" PRId64 " was created but not submitted; submit it with: "
			 "jianyi submit --id %" PRId64), s->id, s->id);
		goto done;
	}
	/* the key to print is the one the person gave or should give again */
	a.key[strlen(a.key) - strlen(SUBMIT_KEY_SUFFIX)] = '\0';
	rc = print_result(inv, submitted->response->act, a.key, NULL);
done:
	if (created != NULL)
		jy_envelope_free(created);
	if (submitted != NULL)
		jy_envelope_free(submitted);
	if (c != NULL)
		jy_close(c);
	act_free(&a);
	return rc;
}
