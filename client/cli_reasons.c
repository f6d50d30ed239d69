/* See cli_reasons.h. The catalogue lists every reason of docs/WORKFLOW.md
 * "Reasons" (test sql_reasons, server/sql_reasons.py, checks that nothing
 * the server sends is missing); a sentence names its arguments in braces
 * ("{field}"), so that a translation may put them in its own order. */
#include "cli_reasons.h"

#include <stdio.h>
#include <string.h>

#include "cli_i18n.h"
#include "cli_terms.h"
#include "enum_names.h"

struct word {
	const char *id, *text;
};

static const char *word(const struct word *t, const char *id)
{
	for (; t->id != NULL; t++)
		if (strcmp(t->id, id) == 0)
			return _(t->text);
	return NULL;
}

/* An action as the sentences name what could not be done. */
static const struct word actions[] = {
	{ "create", N_("draft a case") }, { "cosign", N_("co-sign the case") },
	{ "submit", N_("submit the case") }, { "withdraw", N_("withdraw the case") },
	{ "register", N_("register the case") },
	{ "return", N_("return the case for revision") }, { "merge", N_("merge the case") },
	{ "convert", N_("convert the case") }, { "assign", N_("assign the case") },
	{ "accept", N_("accept the assignment") }, { "dispute", N_("dispute the assignment") },
	{ "reassign", N_("reassign the case") }, { "plan", N_("fix the handling plan") },
	{ "contact", N_("record a contact with the deputy") },
	{ "opinion", N_("give a co-handling opinion") }, { "extend", N_("ask for an extension") },
	{ "approve_extension", N_("decide on an extension") },
	{ "reply", N_("reply to the case") }, { "follow_up", N_("report progress") },
	{ "evaluate", N_("evaluate the reply") }, { "supervise", N_("record supervision") },
	{ "close", N_("close the case") }, { "edit", N_("edit the case") },
	{ "correct", N_("correct the case") }, { NULL, NULL },
};

/* Who stands in a relation to the case (docs/WORKFLOW.md, "Relations"). */
static const struct word relations[] = {
	{ "proposer", N_("the proposing deputy") }, { "signer", N_("a listed co-signer") },
	{ "evaluator", N_("the proposing deputy or a confirmed co-signer") },
	{ "lead_unit", N_("the lead handling unit") }, { "co_unit", N_("a co-handling unit") },
	{ "assigned_unit", N_("an assigned handling unit") }, { NULL, NULL },
};

/* The request and params fields the reasons name. */
static const struct word fields[] = {
	{ "title", N_("title") }, { "body", N_("body") }, { "category", N_("category") },
	{ "kind", N_("kind") }, { "reason", N_("reason") }, { "term", N_("term") },
	{ "session", N_("session") }, { "into_suggestion_id", N_("case to merge into") },
	{ "to_kind", N_("kind to convert to") }, { "lead_unit_id", N_("lead unit") },
	{ "co_unit_ids", N_("co-handling units") },
	{ "reply_deadline", N_("reply deadline") },
	{ "supervising_committee_id", N_("supervising committee") },
	{ "committee_id", N_("committee") }, { "handler_name", N_("handler's name") },
	{ "handler_phone", N_("handler's phone") }, { "plan", N_("plan") },
	{ "promised_date", N_("promised date") }, { "phase", N_("contact phase") },
	{ "method", N_("contact method") }, { "date", N_("date") },
	{ "note", N_("note") }, { "text", N_("text") }, { "days", N_("days") },
	{ "extension_id", N_("extension") }, { "result_class", N_("result class") },
	{ "attitude", N_("rating of the attitude") },
	{ "result", N_("rating of the result") }, { "comment", N_("comment") },
	{ "cosigner_deputy_ids", N_("co-signers") },
	{ "add_cosigner_deputy_ids", N_("co-signers to add") },
	{ "remove_cosigner_deputy_ids", N_("co-signers to remove") },
	{ "leaders", N_("leaders") }, { "year", N_("year") }, { "score", N_("score") },
	{ "count", N_("count") }, { "name", N_("topic name") }, { "query", N_("query") },
	{ "filters", N_("filters") }, { "params", N_("details of the request") },
	{ "state", N_("state") }, { "key_only", N_("key mark") },
	{ "overdue_only", N_("overdue") }, { "within_days", N_("days ahead") },
	{ "min_level", N_("supervision level") }, { "page_size", N_("page size") },
	{ "limit", N_("count") }, { "before_id", N_("starting point") },
	{ "notice_ids", N_("notices") }, { "group_by", N_("grouping") },
	{ "suggestion_id", N_("case") }, { "topic_id", N_("topic") },
	{ "unit_id", N_("unit") }, { "deputy_id", N_("deputy") },
	{ "station_id", N_("liaison station") }, { "expected_version", N_("version") },
	{ "idempotency_key", N_("request key") }, { "action", N_("action") },
	{ "timeline_after", N_("timeline") }, { "timeline_limit", N_("timeline") },
	{ "approve", N_("decision") }, { "description", N_("description") },
	{ "attached_to", N_("record the file belongs to") },
	{ "event_sequence", N_("record") }, { "attachment_id", N_("attachment") },
	{ "size", N_("file size") }, { "sha256", N_("checksum") },
	{ "offset", N_("position in the file") },
	{ NULL, NULL },
};

/* The records of a case a file can be attached to (attach_begin.attached_to). */
static const struct word records[] = {
	{ "plan", N_("handling plan") }, { "contact", N_("contact record") },
	{ "reply", N_("reply") }, { "follow_up", N_("progress report") },
	{ "supervision", N_("supervision record") }, { NULL, NULL },
};

static const struct word extension_states[] = {
	{ "pending", N_("waiting for a decision") }, { "approved", N_("approved") },
	{ "rejected", N_("rejected") }, { NULL, NULL },
};

/* The sentences; "generic" is for a reason this table does not know. */
static const struct word sentences[] = {
	{ "account_disabled", N_("Your account does not exist or is disabled.") },
	{ "already_cosigned", N_("You have already co-signed case #{id}.") },
	{ "already_cosigner", N_("Deputy {deputy} is already a co-signer.") },
	{ "already_disputed", N_("Your unit has already disputed the assignment of case #{id}.") },
	{ "already_evaluated", N_("You have already evaluated reply {round} of case #{id}.") },
	{ "already_in_topic", N_("Case #{id} is already in topic {topic}.") },
	{ "already_kind", N_("Case #{id} is already a {case_kind}.") },
	{ "already_nominated", N_("Case #{id} is already nominated for {year}.") },
	{ "already_numbered",
	  N_("Case #{id} already has its number of term {term}, session {session}.") },
	{ "already_published", N_("The unsatisfied result of case #{id} is already published.") },
	{ "already_scored", N_("You have already scored case #{id} for {year}.") },
	{ "attach_proposer_only",
	  N_("Only the proposing deputy or the liaison committee may attach a file to case #{id}.") },
	{ "attachment_unfinished", N_("Attachment {id} is not completely uploaded yet.") },
	{ "bad_case_number",
	  N_("A case number is written like 18-2-3 or 第18届第2次会议第3号, not “{value}”.") },
	{ "bad_csr", N_("The certificate request is not accepted (a fault of the program).") },
	{ "bad_cursor",
	  N_("The sync position is not one this server gave out; sync again from the start.") },
	{ "bad_file_name", N_("A file name must be 1 to {max} characters and not only dots.") },
	{ "bad_phone", N_("The {field} may hold only digits, spaces and + - ( ).") },
	{ "bad_value", N_("The value given for {field} is not accepted.") },
	{ "before_assignment", N_("The {field} must not precede the assignment on {date}.") },
	{ "busy", N_("Another request changed the same records at the same time; try again.") },
	{ "certificate_expired", N_("Your certificate has expired.") },
	{ "certificate_revoked", N_("Your certificate was revoked.") },
	{ "certificate_unknown", N_("Your certificate is not bound to any account.") },
	{ "changes_nothing",
	  N_("Nothing would change: give a new title, body, category or co-signers.") },
	{ "checksum_mismatch",
	  N_("The file received as attachment {id} differs from the file sent (its checksum does "
	     "not match); upload it again.") },
	{ "chunk_size",
	  N_("A piece of a file must hold {min} to {max} bytes (a fault of the program).") },
	{ "connection_limit", N_("The server has all the connections it takes; try again later.") },
	{ "control_character", N_("The {field} contains a control character.") },
	{ "cosigner_confirmed",
	  N_("Deputy {deputy} has confirmed: only co-signers who have not confirmed can be "
	     "removed.") },
	{ "cosigners_draft_only",
	  N_("Co-signers can be asked only while the case is a draft; case #{id} is {state}.") },
	{ "cosigners_pending",
	  N_("Case #{id} cannot be submitted before every co-signer has confirmed; not yet: "
	     "{names}.") },
	{ "database_unavailable", N_("The server cannot reach its database just now; try again.") },
	{ "dispute_ended", N_("The time to dispute case #{id} ended on {date}.") },
	{ "enroll_address_limit",
	  N_("Too many wrong enrollment codes came from this address; try again in an hour.") },
	{ "enroll_code_expired",
	  N_("This enrollment code expired at {at}; ask an administrator for a new one.") },
	{ "enroll_code_used",
	  N_("This enrollment code was already used; ask an administrator for a new one.") },
	{ "enroll_code_voided",
	  N_("This enrollment code was voided after too many wrong attempts; ask an administrator "
	     "for a new one.") },
	{ "enroll_code_wrong",
	  N_("This enrollment code is not valid; check it, or ask an administrator for a new one.") },
	{ "enroll_off", N_("This server does not enroll certificates.") },
	{ "enroll_only", N_("A connection without a certificate may only enroll, once.") },
	{ "excellent_announced",
	  N_("The excellent suggestions of {year} were announced on {date}: the selection is "
	     "closed.") },
	{ "extension_decided", N_("Extension {extension} was already decided: {status}.") },
	{ "extensions_used",
	  N_("Case #{id} already has {max} extensions pending or approved (at most {max}).") },
	{ "file_too_large",
	  N_("The file has {size} bytes; an attachment may have at most {max} bytes.") },
	{ "file_type",
	  N_("The content of “{name}” is not a PDF, PNG, JPEG, Word, Excel or PowerPoint file.") },
	{ "frame_too_large", N_("The request is larger than the server takes.") },
	{ "hello_first", N_("The request is malformed (a fault of the program).") },
	{ "hello_twice", N_("The request is malformed (a fault of the program).") },
	{ "in_future", N_("The {field} must not be in the future.") },
	{ "in_past", N_("The {field} must not be in the past.") },
	{ "internal", N_("The server met an internal error; tell the administrator.") },
	{ "key_invalid", N_("The request key must be 1 to {max} characters (a fault of the program).") },
	{ "key_reused",
	  N_("This request key was already used for a different request; send the request "
	     "again.") },
	{ "lead_cosigns", N_("The lead deputy cannot also co-sign.") },
	{ "lead_is_co_unit", N_("The lead unit cannot also be a co-handling unit.") },
	{ "listed_twice", N_("{field} lists {id} twice.") },
	{ "malformed", N_("The request is malformed (a fault of the program).") },
	{ "merge_into_itself", N_("Case #{id} cannot be merged into itself.") },
	{ "merge_target_state", N_("Cannot merge into case #{id}: it is {state}.") },
	{ "min_contacts", N_("Record at least {count} contacts with the deputy before replying.") },
	{ "no_access", N_("You have no access to case #{id}.") },
	{ "no_attachment", N_("There is no attachment {id}.") },
	{ "no_attachment_access", N_("You have no access to attachment {id}.") },
	{ "no_case", N_("There is no case #{id}.") },
	{ "no_deputy", N_("There is no deputy {id}.") },
	{ "no_extension", N_("Case #{id} has no extension {extension}.") },
	{ "no_follow_up_owed", N_("No progress report is owed on case #{id}.") },
	{ "no_notice", N_("Notice {id} is not in your inbox.") },
	{ "no_organization", N_("There is no organization {id} (for {field}).") },
	{ "no_record_yet", N_("Case #{id} has no {record} yet.") },
	{ "no_reply_to_evaluate", N_("Case #{id} has no reply to evaluate.") },
	{ "no_scores", N_("No nomination for {year} has a score yet.") },
	{ "no_supervising_committee",
	  N_("Case #{id} has no supervising special committee: supervision by field needs one "
	     "(set at assignment).") },
	{ "no_topic", N_("There is no topic {id}.") },
	{ "no_unsatisfied_evaluation", N_("Case #{id} has no unsatisfied evaluation to publish.") },
	{ "no_upload", N_("You have no upload {id} under way.") },
	{ "nominate_registered_only",
	  N_("Only registered cases can be nominated; case #{id} is {state}.") },
	{ "not_a_record", N_("Entry {event} is not a {record} of case #{id}.") },
	{ "not_boolean", N_("The {field} must be yes or no.") },
	{ "not_cosigner", N_("Deputy {deputy} is not a co-signer of case #{id}.") },
	{ "not_date", N_("The {field} must be a date YYYY-MM-DD, not “{value}”.") },
	{ "not_future", N_("The {field} must be in the future.") },
	{ "not_in_topic", N_("Case #{id} is not in topic {topic}.") },
	{ "not_integer", N_("The {field} must be a whole number, not “{value}”.") },
	{ "not_key", N_("Case #{id} is not a key suggestion; mark it key at assignment first.") },
	{ "not_list", N_("The {field} must be a list (a fault of the program).") },
	{ "not_nominated", N_("Case #{id} is not nominated for {year}.") },
	{ "not_object", N_("The {field} are malformed (a fault of the program).") },
	{ "not_one_of", N_("“{value}” is not a valid value for {field}.") },
	{ "not_positive_id", N_("The {field} must be given by its number.") },
	{ "not_published", N_("Case #{id} is not published on the portal; publish it first.") },
	{ "only_relation", N_("Only {relation} may {action}.") },
	{ "only_role", N_("Only {roles} may do this.") },
	{ "out_of_range", N_("The {field} must be from {min} to {max}.") },
	{ "overloaded", N_("The server is busy; try again later.") },
	{ "past_declared_size",
	  N_("Attachment {id} was declared as {size} bytes; this piece goes past its end (a fault "
	     "of the program).") },
	{ "protocol_version",
	  N_("This program and the server speak different protocol versions; update the "
	     "program.") },
	{ "public_filter", N_("The public cannot filter by {field}: the portal does not show it.") },
	{ "public_reply_only", N_("Only an attachment of the reply can be public.") },
	{ "record_of_other",
	  N_("Only the organization that made entry {event} may attach files to it.") },
	{ "required", N_("The {field} is required.") },
	{ "role_may_not", N_("Your roles may not {action}.") },
	{ "rollup_congress_side",
	  N_("Only the congress side (the liaison committee, the government office, committees "
	     "and leaders) reads the statistics of the congresses under its own.") },
	{ "shutting_down", N_("The server is shutting down; connect again.") },
	{ "supervision_role", N_("Your roles may not record this supervision: {supervision}.") },
	{ "timeout", N_("The server's database did not answer in time; try again.") },
	{ "too_long", N_("The {field} is longer than {max} characters.") },
	{ "too_many", N_("The {field} lists more than {max} entries.") },
	{ "topic_exists", N_("A topic named {name} already exists.") },
	{ "unknown_action", N_("The server does not know this action.") },
	{ "unsupported", N_("The server does not support this request; update the server.") },
	{ "upload_finished", N_("Attachment {id} is already completely uploaded.") },
	{ "upload_incomplete",
	  N_("Attachment {id} has {received} of {size} bytes; send the rest first.") },
	{ "upload_offset",
	  N_("Attachment {id} has {received} bytes stored; send the rest from there (a fault of "
	     "the program).") },
	{ "version_conflict",
	  N_("Case #{id} changed meanwhile (it is at version {version}, you had {sent}); "
	     "reload it and try again.") },
	{ "wrong_organization_kind", N_("Organization {id} is a {org_kind}, not a {expected}.") },
	{ "wrong_state", N_("You cannot {action} while the case is {state}.") },
	{ NULL, NULL },
};

static const char *arg_value(const struct cli_reason_arg *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(args[i].name, name) == 0)
			return args[i].value;
	return NULL;
}

/* "liaison_officer,admin" in words, joined as the language joins a list. */
static void roles_text(const char *codes, char *out, size_t len)
{
	char copy[256], *save = NULL;
	size_t used = 0;

	snprintf(copy, sizeof copy, "%s", codes);
	out[0] = '\0';
	for (char *r = strtok_r(copy, ",", &save); r != NULL; r = strtok_r(NULL, ",", &save)) {
		int w = snprintf(out + used, len - used, "%s%s", used ? _(", ") : "", cli_role_text(r));
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static bool snake_case(const char *s)
{
	return strchr(s, '_') != NULL;
}

/* An argument in words: the codes of actions, states, fields, roles and
 * kinds through the tables; NULL for a code no table knows (a newer
 * server); other values as they are. */
static const char *said(const char *name, const char *value, char *tmp, size_t len)
{
	const char *w = NULL;

	if (strcmp(name, "action") == 0)
		w = word(actions, value);
	else if (strcmp(name, "relation") == 0)
		w = word(relations, value);
	else if (strcmp(name, "field") == 0)
		w = word(fields, value);
	else if (strcmp(name, "record") == 0)
		w = word(records, value);
	else if (strcmp(name, "status") == 0)
		w = word(extension_states, value);
	else if (strcmp(name, "state") == 0) {
		int state;
		w = jy_enum_value(&jianyi__state__descriptor, value, &state) ? cli_state_text(state) : NULL;
	}
	else if (strcmp(name, "org_kind") == 0 || strcmp(name, "expected") == 0)
		w = cli_org_kind_text(value);
	else if (strcmp(name, "supervision") == 0)
		w = cli_supervision_text(value);
	else if (strcmp(name, "case_kind") == 0)
		w = cli_case_kind_text(value);
	else if (strcmp(name, "roles") == 0) {
		roles_text(value, tmp, len);
		w = tmp;
	} else
		return value;
	return w == NULL || snake_case(w) ? NULL : w;
}

/* The sentence of an unknown reason, or of one with an argument no table
 * knows: it names nothing rather than show an internal name. */
static void generic(char *buf, size_t len)
{
	snprintf(buf, len, "%s", _("The server refused the request."));
}

void cli_reason_text(const char *reason, const struct cli_reason_arg *args, size_t n,
		     char *buf, size_t len)
{
	const char *fmt = word(sentences, reason);
	size_t used = 0;

	if (fmt == NULL) {
		generic(buf, len);
		return;
	}
	buf[0] = '\0';
	for (const char *p = fmt; *p && used + 1 < len;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		char name[32], tmp[256];
		const char *v;

		if (close == NULL || (size_t)(close - p) >= sizeof name) {
			buf[used++] = *p++;
			buf[used] = '\0';
			continue;
		}
		snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
		v = arg_value(args, n, name);
		v = v != NULL ? said(name, v, tmp, sizeof tmp) : "?";
		if (v == NULL) {
			generic(buf, len);
			return;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s", v);
		if (used >= len)
			used = len - 1;
		p = close + 1;
	}
}

void cli_status_sentence(const struct jy_error *err, char *buf, size_t len)
{
	char text[1024];

	cli_error_text(err, text, sizeof text);
	snprintf(buf, len, "%s: %s", cli_status_text(err->code), text);
}

const char *cli_status_name_text(const char *name)
{
	for (int code = 0; code <= JIANYI__STATUS_CODE__STATUS_UNIMPLEMENTED; code++)
		if (strcmp(jy_status_str(code), name) == 0)
			return cli_status_text(code);
	return _("refused");
}

bool cli_reason_known(const char *reason)
{
	return word(sentences, reason) != NULL;
}

bool cli_reason_status(const Jianyi__Status *st, char *buf, size_t len)
{
	struct cli_reason_arg args[16];
	size_t n = 0;

	if (st == NULL || st->reason == NULL || !*st->reason)
		return false;
	for (size_t i = 0; i < st->n_args && n < sizeof args / sizeof args[0]; i++)
		args[n++] = (struct cli_reason_arg){ st->args[i]->name, st->args[i]->value };
	cli_reason_text(st->reason, args, n, buf, len);
	return true;
}

void cli_error_text(const struct jy_error *err, char *buf, size_t len)
{
	struct cli_reason_arg args[16];
	char lines[sizeof err->reason_args], *save = NULL;
	size_t n = 0;

	if (!err->reason[0]) {
		snprintf(buf, len, "%s", err->message);
		return;
	}
	snprintf(lines, sizeof lines, "%s", err->reason_args);
	for (char *l = strtok_r(lines, "\n", &save); l != NULL && n < sizeof args / sizeof args[0];
	     l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		args[n++] = (struct cli_reason_arg){ l, eq + 1 };
	}
	cli_reason_text(err->reason, args, n, buf, len);
}
