#include "act_validate.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jy_limits.h"
#include "utf8.h"

struct check {
	struct act_problem *p;
	size_t n_args;
};

/* An argument of the reason bad() is about to give; value is cut at a
 * character boundary when long (it may be the client's text). */
static void arg(struct check *c, const char *name, const char *value)
{
	if (c->n_args == ACT_PROBLEM_ARGS)
		return;
	char *out = c->p->arg_values[c->n_args];
	size_t len = strlen(value);
	if (len >= sizeof c->p->arg_values[0])
		len = sizeof c->p->arg_values[0] - 1;
	while (len > 0 && !jy_utf8_valid(value, len))
		len--;
	memcpy(out, value, len);
	out[len] = '\0';
	c->p->arg_names[c->n_args++] = name;
}

/* fmt is always a literal of this file with two %s: the field, then a detail.
 * The reason's arguments: the field's own name ("reply_deadline"), then
 * those arg() gave. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static bool bad(struct check *c, const char *field, const char *reason, const char *fmt,
		const char *detail)
{
	struct act_problem *p = c->p;
	snprintf(p->field, sizeof p->field, "act.%s", field);
	int n = snprintf(p->msg, sizeof p->msg, fmt, field, detail);
	/* detail may be the client's text: a cut must not split a character,
	 * or the answer is not valid UTF-8 (found by tests/fuzz). */
	if (n > 0 && (size_t)n >= sizeof p->msg) {
		size_t len = strlen(p->msg);
		while (len > 0 && !jy_utf8_valid(p->msg, len))
			p->msg[--len] = '\0';
	}
	p->reason = reason;
	const char *dot = strrchr(field, '.');
	if (strcmp(reason, "changes_nothing") != 0 && strcmp(reason, "key_invalid") != 0)
		arg(c, "field", dot ? dot + 1 : field);
	return false;
}
#pragma GCC diagnostic pop

static bool text(struct check *c, const char *field, const char *s, size_t min, size_t max)
{
	size_t chars = jy_utf8_length(s, strlen(s));
	char limit[64];
	if (chars < min)
		return bad(c, field, "required", "%s is required%s", "");
	snprintf(limit, sizeof limit, "%zu", max);
	if (chars > max) {
		arg(c, "max", limit);
		return bad(c, field, "too_long", "%s is longer than %s characters", limit);
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return bad(c, field, "control_character", "%s contains a control character%s", "");
	return true;
}

static bool one_of(struct check *c, const char *field, const char *s, const char *const *list)
{
	char allowed[200] = "";
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(s, list[i]) == 0)
			return true;
		snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
			 i ? ", " : "", list[i]);
	}
	arg(c, "value", s);
	return bad(c, field, "not_one_of", "%s must be one of: %s", allowed);
}

bool valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	int y, m, d;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return false;
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d <= max;
}

static bool date(struct check *c, const char *field, const char *s, bool required)
{
	if (!*s)
		return required ? bad(c, field, "required", "%s is required (YYYY-MM-DD)%s", "") : true;
	if (valid_date(s))
		return true;
	arg(c, "value", s);
	return bad(c, field, "not_date", "%s '%s' is not a real date (YYYY-MM-DD)", s);
}

static bool id(struct check *c, const char *field, int64_t v)
{
	return v > 0 ? true : bad(c, field, "not_positive_id", "%s must be a positive id%s", "");
}

static bool ids(struct check *c, const char *field, const int64_t *v, size_t n, size_t max)
{
	char lim[32];
	snprintf(lim, sizeof lim, "%zu", max);
	if (n > max) {
		arg(c, "max", lim);
		return bad(c, field, "too_many", "%s lists more than %s entries", lim);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] <= 0)
			return bad(c, field, "not_positive_id", "%s must list positive ids%s", "");
		for (size_t j = 0; j < i; j++)
			if (v[i] == v[j]) {
				char id[24];
				snprintf(id, sizeof id, "%" PRId64, v[i]);
				arg(c, "id", id);
				return bad(c, field, "listed_twice", "%s lists the same id twice%s", "");
			}
	}
	return true;
}

static const char *const result_classes[] = { "A", "B", "C", "D", NULL };
static const char *const satisfaction[] = { "satisfied", "basically_satisfied", "unsatisfied", NULL };

static bool check_params(struct check *c, const Jianyi__ActRequest *a)
{
	switch (a->action) {
	case JIANYI__ACTION__ACTION_CREATE: {
		const Jianyi__CreateParams *p = a->create;
		static const char *const kinds[] = { "suggestion", "motion", NULL };
		return text(c, "create.title", p->title, 1, JY_TITLE_MAX) &&
		       text(c, "create.body", p->body, 1, JY_BODY_MAX) &&
		       text(c, "create.category", p->category, 1, JY_SHORT_TEXT_MAX) &&
		       (!*p->kind || one_of(c, "create.kind", p->kind, kinds)) &&
		       ids(c, "create.cosigner_deputy_ids", p->cosigner_deputy_ids, p->n_cosigner_deputy_ids, 50);
	}
	case JIANYI__ACTION__ACTION_WITHDRAW:
	case JIANYI__ACTION__ACTION_RETURN:
	case JIANYI__ACTION__ACTION_DISPUTE:
		return text(c, "reason.reason", a->reason->reason, 1, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_CLOSE:
		return !a->reason || text(c, "reason.reason", a->reason->reason, 0, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_REGISTER:
		if (a->register_->term < JY_TERM_MIN || a->register_->term > JY_TERM_MAX) {
			arg(c, "min", JY_STR(JY_TERM_MIN));
			arg(c, "max", JY_STR(JY_TERM_MAX));
			return bad(c, "register.term", "out_of_range", "%s must be from " JY_STR(JY_TERM_MIN) " to "
				   JY_STR(JY_TERM_MAX) "%s", "");
		}
		if (a->register_->session < JY_SESSION_MIN || a->register_->session > JY_SESSION_MAX) {
			arg(c, "min", JY_STR(JY_SESSION_MIN));
			arg(c, "max", JY_STR(JY_SESSION_MAX));
			return bad(c, "register.session", "out_of_range", "%s must be from " JY_STR(JY_SESSION_MIN) " to "
				   JY_STR(JY_SESSION_MAX) "%s", "");
		}
		return true;
	case JIANYI__ACTION__ACTION_MERGE:
		return id(c, "merge.into_suggestion_id", a->merge->into_suggestion_id) &&
		       text(c, "merge.reason", a->merge->reason, 1, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_CONVERT: {
		static const char *const kinds[] = { "letter", "motion", "suggestion", NULL };
		return one_of(c, "convert.to_kind", a->convert->to_kind, kinds) &&
		       text(c, "convert.reason", a->convert->reason, 1, JY_REASON_MAX);
	}
	case JIANYI__ACTION__ACTION_ASSIGN:
	case JIANYI__ACTION__ACTION_REASSIGN: {
		const Jianyi__AssignParams *p = a->assign;
		if (!id(c, "assign.lead_unit_id", p->lead_unit_id) ||
		    !ids(c, "assign.co_unit_ids", p->co_unit_ids, p->n_co_unit_ids, 20) ||
		    !date(c, "assign.reply_deadline", p->reply_deadline, false) ||
		    (p->supervising_committee_id < 0 && !id(c, "assign.supervising_committee_id", 0)) ||
		    !text(c, "assign.reason", p->reason, 0, JY_REASON_MAX))
			return false;
		for (size_t i = 0; i < p->n_co_unit_ids; i++)
			if (p->co_unit_ids[i] == p->lead_unit_id)
				return bad(c, "assign.co_unit_ids", "lead_is_co_unit",
					   "%s must not include the lead unit%s", "");
		if (p->n_leaders > 10) {
			arg(c, "max", "10");
			return bad(c, "assign.leaders", "too_many", "%s lists more than 10 leaders%s", "");
		}
		for (size_t i = 0; i < p->n_leaders; i++)
			if (!text(c, "assign.leaders", p->leaders[i], 1, JY_SHORT_TEXT_MAX))
				return false;
		return true;
	}
	case JIANYI__ACTION__ACTION_PLAN: {
		const Jianyi__PlanParams *p = a->plan;
		if (!text(c, "plan.handler_name", p->handler_name, 1, JY_SHORT_TEXT_MAX) ||
		    !text(c, "plan.handler_phone", p->handler_phone, JY_PHONE_MIN, JY_PHONE_MAX) ||
		    !text(c, "plan.plan", p->plan, 1, JY_BODY_MAX) ||
		    !date(c, "plan.promised_date", p->promised_date, true))
			return false;
		for (const char *q = p->handler_phone; *q; q++)
			if (!isdigit((unsigned char)*q) && !strchr("+- ()", *q))
				return bad(c, "plan.handler_phone", "bad_phone", "%s may hold only digits, spaces and + - ( )%s", "");
		return true;
	}
	case JIANYI__ACTION__ACTION_CONTACT: {
		static const char *const phases[] = { "before", "during", "after", NULL };
		static const char *const methods[] = { "visit", "phone", "meeting", "sms", NULL };
		const Jianyi__ContactParams *p = a->contact;
		return one_of(c, "contact.phase", p->phase, phases) &&
		       one_of(c, "contact.method", p->method, methods) &&
		       date(c, "contact.date", p->date, false) &&
		       text(c, "contact.note", p->note, 0, JY_REASON_MAX);
	}
	case JIANYI__ACTION__ACTION_OPINION:
		return text(c, "opinion.text", a->opinion->text, 1, JY_BODY_MAX);
	case JIANYI__ACTION__ACTION_EXTEND:
		if (a->extend->days < 1 || a->extend->days > 365) {
			arg(c, "min", "1");
			arg(c, "max", "365");
			return bad(c, "extend.days", "out_of_range", "%s must be from 1 to 365%s", "");
		}
		return text(c, "extend.reason", a->extend->reason, 1, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_APPROVE_EXTENSION:
		return id(c, "approve_extension.extension_id", a->approve_extension->extension_id) &&
		       text(c, "approve_extension.reason", a->approve_extension->reason, 0, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_REPLY:
		return text(c, "reply.text", a->reply->text, 1, JY_BODY_MAX) &&
		       one_of(c, "reply.result_class", a->reply->result_class, result_classes);
	case JIANYI__ACTION__ACTION_FOLLOW_UP:
		return text(c, "follow_up.text", a->follow_up->text, 1, JY_BODY_MAX) &&
		       one_of(c, "follow_up.result_class", a->follow_up->result_class, result_classes);
	case JIANYI__ACTION__ACTION_EVALUATE:
		return one_of(c, "evaluate.attitude", a->evaluate->attitude, satisfaction) &&
		       one_of(c, "evaluate.result", a->evaluate->result, satisfaction) &&
		       text(c, "evaluate.comment", a->evaluate->comment, 0, JY_REASON_MAX);
	case JIANYI__ACTION__ACTION_SUBMIT:
		return !a->submit || ids(c, "submit.remove_cosigner_deputy_ids",
					 a->submit->remove_cosigner_deputy_ids,
					 a->submit->n_remove_cosigner_deputy_ids, 50);
	case JIANYI__ACTION__ACTION_SUPERVISE: {
		static const char *const kinds[] = {
			"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
			"publish_unsatisfied", NULL };
		return one_of(c, "supervise.kind", a->supervise->kind, kinds) &&
		       text(c, "supervise.text", a->supervise->text, 1, JY_BODY_MAX);
	}
	case JIANYI__ACTION__ACTION_EDIT: {
		const Jianyi__EditParams *p = a->edit;
		if (!text(c, "edit.title", p->title, 0, JY_TITLE_MAX) || !text(c, "edit.body", p->body, 0, JY_BODY_MAX) ||
		    !text(c, "edit.category", p->category, 0, JY_SHORT_TEXT_MAX) ||
		    !ids(c, "edit.add_cosigner_deputy_ids", p->add_cosigner_deputy_ids,
			 p->n_add_cosigner_deputy_ids, 50) ||
		    !ids(c, "edit.remove_cosigner_deputy_ids", p->remove_cosigner_deputy_ids,
			 p->n_remove_cosigner_deputy_ids, 50))
			return false;
		if (!*p->title && !*p->body && !*p->category && !p->n_add_cosigner_deputy_ids &&
		    !p->n_remove_cosigner_deputy_ids)
			return bad(c, "edit", "changes_nothing", "%s changes nothing: give a title, body, category or co-signers%s", "");
		return true;
	}
	case JIANYI__ACTION__ACTION_CORRECT: {
		const Jianyi__CorrectParams *p = a->correct;
		if (!text(c, "correct.title", p->title, 0, JY_TITLE_MAX) ||
		    !text(c, "correct.body", p->body, 0, JY_BODY_MAX) ||
		    !text(c, "correct.category", p->category, 0, JY_SHORT_TEXT_MAX) ||
		    !text(c, "correct.reason", p->reason, 1, JY_REASON_MAX))
			return false;
		if (!*p->title && !*p->body && !*p->category)
			return bad(c, "correct", "changes_nothing", "%s changes nothing: give a title, body or category%s", "");
		return true;
	}
	default:
		return true; /* cosign, submit, accept: nothing to carry */
	}
}

/* Which params each action carries (0: none). */
static Jianyi__ActRequest__ParamsCase params_for(Jianyi__Action a)
{
	switch (a) {
	case JIANYI__ACTION__ACTION_CREATE: return JIANYI__ACT_REQUEST__PARAMS_CREATE;
	case JIANYI__ACTION__ACTION_WITHDRAW:
	case JIANYI__ACTION__ACTION_RETURN:
	case JIANYI__ACTION__ACTION_DISPUTE:
	case JIANYI__ACTION__ACTION_CLOSE: return JIANYI__ACT_REQUEST__PARAMS_REASON;
	case JIANYI__ACTION__ACTION_REGISTER: return JIANYI__ACT_REQUEST__PARAMS_REGISTER;
	case JIANYI__ACTION__ACTION_MERGE: return JIANYI__ACT_REQUEST__PARAMS_MERGE;
	case JIANYI__ACTION__ACTION_CONVERT: return JIANYI__ACT_REQUEST__PARAMS_CONVERT;
	case JIANYI__ACTION__ACTION_ASSIGN:
	case JIANYI__ACTION__ACTION_REASSIGN: return JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
	case JIANYI__ACTION__ACTION_PLAN: return JIANYI__ACT_REQUEST__PARAMS_PLAN;
	case JIANYI__ACTION__ACTION_CONTACT: return JIANYI__ACT_REQUEST__PARAMS_CONTACT;
	case JIANYI__ACTION__ACTION_OPINION: return JIANYI__ACT_REQUEST__PARAMS_OPINION;
	case JIANYI__ACTION__ACTION_EXTEND: return JIANYI__ACT_REQUEST__PARAMS_EXTEND;
	case JIANYI__ACTION__ACTION_APPROVE_EXTENSION: return JIANYI__ACT_REQUEST__PARAMS_APPROVE_EXTENSION;
	case JIANYI__ACTION__ACTION_REPLY: return JIANYI__ACT_REQUEST__PARAMS_REPLY;
	case JIANYI__ACTION__ACTION_FOLLOW_UP: return JIANYI__ACT_REQUEST__PARAMS_FOLLOW_UP;
	case JIANYI__ACTION__ACTION_EVALUATE: return JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
	case JIANYI__ACTION__ACTION_SUPERVISE: return JIANYI__ACT_REQUEST__PARAMS_SUPERVISE;
	case JIANYI__ACTION__ACTION_SUBMIT: return JIANYI__ACT_REQUEST__PARAMS_SUBMIT;
	case JIANYI__ACTION__ACTION_EDIT: return JIANYI__ACT_REQUEST__PARAMS_EDIT;
	case JIANYI__ACTION__ACTION_CORRECT: return JIANYI__ACT_REQUEST__PARAMS_CORRECT;
	default: return JIANYI__ACT_REQUEST__PARAMS__NOT_SET;
	}
}

const ProtobufCMessage *act_params(const Jianyi__ActRequest *act)
{
	/* The oneof case is the member's field number: find it by descriptor
	 * so a new params message needs no code here. */
	if (act->params_case == JIANYI__ACT_REQUEST__PARAMS__NOT_SET)
		return NULL;
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(act->base.descriptor, act->params_case);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)act + f->offset);
}

bool act_check(const Jianyi__ActRequest *a, struct act_problem *problem)
{
	memset(problem, 0, sizeof *problem);
	struct check c = { problem, 0 };
	size_t keylen = strlen(a->idempotency_key);
	if (keylen == 0 || keylen > JY_IDEMPOTENCY_KEY_MAX) {
		arg(&c, "max", JY_STR(JY_IDEMPOTENCY_KEY_MAX));
		return bad(&c, "idempotency_key", "key_invalid", "%s is required (1 to " JY_STR(JY_IDEMPOTENCY_KEY_MAX)
			   " characters): a retry with the same key acts once%s", "");
	}
	if (a->action < JIANYI__ACTION__ACTION_CREATE || a->action > JIANYI__ACTION__ACTION_CORRECT)
		return bad(&c, "action", "malformed", "%s is missing or unknown%s", "");
	if (a->action == JIANYI__ACTION__ACTION_CREATE) {
		if (a->suggestion_id != 0)
			return bad(&c, "suggestion_id", "malformed", "%s must be 0 when creating a suggestion%s", "");
	} else {
		if (a->suggestion_id <= 0)
			return bad(&c, "suggestion_id", "not_positive_id", "%s must be a positive id%s", "");
		if (a->expected_version <= 0)
			return bad(&c, "expected_version", "required", "%s is required: the version you last saw%s", "");
	}
	Jianyi__ActRequest__ParamsCase want = params_for(a->action);
	/* close and submit may come without params: their params are optional;
	 * params of another action never pass (check_params reads the member
	 * the action names: another would be read as the wrong type). */
	bool optional = a->action == JIANYI__ACTION__ACTION_CLOSE || a->action == JIANYI__ACTION__ACTION_SUBMIT;
	if (want != JIANYI__ACT_REQUEST__PARAMS__NOT_SET && a->params_case != want &&
	    !(optional && a->params_case == JIANYI__ACT_REQUEST__PARAMS__NOT_SET))
		return bad(&c, "params", "malformed", "%s do not match the action%s", "");
	return check_params(&c, a);
}

bool act_validate(const Jianyi__ActRequest *a, char *field, size_t fieldlen, char *msg, size_t msglen)
{
	struct act_problem p;
	if (act_check(a, &p))
		return true;
	snprintf(field, fieldlen, "%s", p.field);
	snprintf(msg, msglen, "%s", p.msg);
	return false;
}
