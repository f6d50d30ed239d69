/* jianyi topic, jianyi excellent and "jianyi supervise list" (see
 * cli_topics.h). Each builds one request, prints the answer as an aligned
 * table for people or, with --json, the answer's fields under their proto
 * names. */
#include "cli_topics.h"
#include "cli_i18n.h"
#include "cli_terms.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_clock.h"
#include "cli_flags.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_workflow.h"
#include "cli_write.h"
#include "jianyi.h"
#include "xalloc.h"

#define TEXT_COLUMNS 40

/* --- shared ------------------------------------------------------------ */

/* A positional id (args[i]), named what for the message. */
static bool arg_id(const struct cli_invocation *inv, int i, const char *what, int64_t *out)
{
	const char *s = i < inv->nargs ? inv->args[i] : NULL;
	long long v = 0;

	if (s == NULL)
		return cli_usage_error(inv, _("%s: missing; see 'jianyi help %s'"), what, inv->cmd->name);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (CLI_MAX_ID - (*p - '0')) / 10)
			return cli_usage_error(inv, _("%s: '%s' is not an id (a positive whole number)"),
					       what, s);
		v = v * 10 + (*p - '0');
	}
	if (*s == '\0' || v == 0)
		return cli_usage_error(inv, _("%s: '%s' is not an id (a positive whole number)"), what, s);
	*out = v;
	return true;
}

/* Refuses positional arguments beyond n and the flags not in allowed
 * (a NULL-ended list) that were given. */
static bool only(const struct cli_invocation *inv, const char *sub, int n, const char *const *allowed)
{
	if (inv->nargs > n)
		return cli_usage_error(inv, _("%s %s: unexpected argument '%s'"), inv->cmd->name, sub,
				       inv->args[n]);
	for (int i = 0; inv->cmd->options[i].name != NULL; i++) {
		bool ok = false;

		for (size_t k = 0; allowed[k] && !ok; k++)
			ok = strcmp(allowed[k], inv->cmd->options[i].name) == 0;
		if (!ok && inv->values[i] != NULL)
			return cli_usage_error(inv, _("--%s does not go with '%s %s'"),
					       inv->cmd->options[i].name, inv->cmd->name, sub);
	}
	return true;
}

/* Sends req; on success *resp holds an answer whose body is want. A write
 * (key: its idempotency key; NULL for a read) is sent once (cli_write.h). */
static bool send(const struct cli_invocation *inv, Jianyi__Request *req, const char *key,
		 Jianyi__Response__BodyCase want, Jianyi__Envelope **resp, int *rc)
{
	struct jy_error err;
	struct jy_client *c = cli_connect_or_fail(inv, rc);
	bool ok;

	*resp = NULL;
	if (c == NULL)
		return false;
	if (key != NULL)
		ok = cli_call_write(inv, &c, req, key, resp, rc);   /* prints a failure */
	else if (!(ok = jy_call(c, req, resp, &err)))
		*rc = cli_fail_status(&err);
	if (ok && (*resp)->response->body_case == want) {
		jy_close(c);
		return true;
	}
	if (ok)
		*rc = cli_fail(CLI_EXIT_FAILURE, _("internal: unexpected answer from the server"));
	if (*resp != NULL)
		jy_envelope_free(*resp);
	*resp = NULL;
	jy_close(c);
	return false;
}

/* --json: the whole answer body; extra (may be NULL) adds the key used. */
static int print_json(const ProtobufCMessage *m, const char *key)
{
	struct cli_output out;

	cli_output_init(&out, true);
	json_object_put(out.root);
	out.root = cli_message_json(m);
	if (key != NULL)
		json_object_object_add(out.root, "idempotency_key", json_object_new_string(key));
	return cli_output_finish(&out);
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* --- jianyi topic ------------------------------------------------------ */

const struct cli_option cli_topic_options[] = {
	{ "name", N_("N"), N_("create: the topic's name, unique (required)") },
	{ "committee", N_("ORG_ID"), N_("create: the supervising special committee (or the liaison committee)") },
	{ "leader", N_("NAME"), N_("create: a leading leader (repeat for more, at most 10)"), true },
	{ "description", N_("TEXT"), N_("create: what the topic is about") },
	{ "idempotency-key", N_("K"), N_("retry key for create/add/remove (default: random)") },
	{ 0 },
};

static void print_topic_line(const Jianyi__Topic *t)
{
	printf(_("topic #%" PRId64 "  "), t->id);
	cli_put_clean(t->name);
	printf(ngettext("  (%" PRId32 " suggestion, %" PRId32 " overdue)\n",
			"  (%" PRId32 " suggestions, %" PRId32 " overdue)\n", (unsigned long)t->suggestions),
	       t->suggestions, t->overdue);
}

static void print_topic_block(const Jianyi__Topic *t)
{
	print_topic_line(t);
	fputs(_("committee: "), stdout);
	cli_put_clean(dash(t->committee));
	fputs(_("\nleaders: "), stdout);
	for (size_t i = 0; i < t->n_leaders; i++) {
		fputs(i ? "、" : "", stdout);
		cli_put_clean(t->leaders[i]);
	}
	if (t->n_leaders == 0)
		fputs("-", stdout);
	if (t->description[0]) {
		fputs(_("\ndescription: "), stdout);
		cli_put_clean(t->description);
	}
	putchar('\n');
}

static void print_topic_cases(Jianyi__Suggestion *const *s, size_t n)
{
	static const char *const head[] = { N_("ID"), N_("NUMBER"), N_("STATE"), N_("LEAD UNIT"), N_("CO-UNITS"),
					     N_("DEADLINE"), N_("RESULT"), N_("TITLE") };
	struct cli_cells c = { 0 };

	for (size_t i = 0; i < n; i++) {
		char co[512] = "";

		for (size_t k = 0; k < s[i]->n_co_units; k++)
			snprintf(co + strlen(co), sizeof co - strlen(co), "%s%s", k ? "、" : "",
				 s[i]->co_units[k]);
		cli_cell(&c, "%" PRId64, s[i]->id);
		cli_cell(&c, "%s", dash(s[i]->number));
		cli_cell(&c, "%s", cli_state_text(s[i]->state));
		cli_cell(&c, "%s", dash(s[i]->lead_unit));
		cli_cell(&c, "%s", dash(co));
		cli_cell(&c, "%s%s", dash(s[i]->reply_deadline), s[i]->overdue ? " !" : "");
		cli_cell(&c, "%s", s[i]->result_class[0] ? cli_class_text(s[i]->result_class) : "-");
		cli_cell(&c, "%s", s[i]->title);
	}
	cli_print_table(head, 8, c.v, n, TEXT_COLUMNS);
	cli_cells_free(&c);
}

static int topic_create(const struct cli_invocation *inv)
{
	static const char *const allowed[] = { "name", "committee", "leader", "description",
					       "idempotency-key", NULL };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicCreateRequest t = JIANYI__TOPIC_CREATE_REQUEST__INIT;
	Jianyi__Envelope *resp;
	const char *name, *description = NULL, *leaders[10];
	char key[CLI_IDEMPOTENCY_KEY_MAX + 1];
	size_t n = 0;
	int rc = CLI_EXIT_FAILURE;

	if (!only(inv, "create", 1, allowed) ||
	    !cli_get_str(inv, "name", CLI_REQUIRED, &name) ||
	    !cli_get_id(inv, "committee", CLI_REQUIRED, &t.committee_id) ||
	    !cli_get_str(inv, "description", CLI_OPTIONAL, &description) ||
	    !cli_get_strs(inv, "leader", leaders, 10, &n) ||
	    !cli_get_idempotency_key(inv, key))
		return CLI_EXIT_USAGE;
	if (n > 10)
		return cli_usage_error(inv, _("--leader: at most 10")), CLI_EXIT_USAGE;
	t.idempotency_key = key;
	t.name = (char *)name;
	t.description = (char *)(description ? description : "");
	t.n_leaders = n;
	t.leaders = (char **)leaders;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
	req.topic_create = &t;
	if (!send(inv, &req, key, JIANYI__RESPONSE__BODY_TOPIC_CREATE, &resp, &rc))
		return rc;
	if (inv->flags.json) {
		rc = print_json(&resp->response->topic_create->base, key);
	} else {
		print_topic_block(resp->response->topic_create->topic);
		if (resp->response->topic_create->replayed)
			puts(_("(already done by an earlier request with this idempotency key; nothing changed)"));
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

static int topic_member(const struct cli_invocation *inv, bool add)
{
	static const char *const allowed[] = { "idempotency-key", NULL };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicMemberRequest m = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
	Jianyi__Envelope *resp;
	char key[CLI_IDEMPOTENCY_KEY_MAX + 1];
	int rc = CLI_EXIT_FAILURE;

	if (!only(inv, add ? "add" : "remove", 3, allowed) ||
	    !arg_id(inv, 1, "TOPIC_ID", &m.topic_id) || !arg_id(inv, 2, "SUGGESTION_ID", &m.suggestion_id) ||
	    !cli_get_idempotency_key(inv, key))
		return CLI_EXIT_USAGE;
	m.idempotency_key = key;
	if (add) {
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_ADD;
		req.topic_add = &m;
	} else {
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_REMOVE;
		req.topic_remove = &m;
	}
	if (!send(inv, &req, key, add ? JIANYI__RESPONSE__BODY_TOPIC_ADD : JIANYI__RESPONSE__BODY_TOPIC_REMOVE,
		  &resp, &rc))
		return rc;
	const Jianyi__TopicMemberResponse *r = add ? resp->response->topic_add : resp->response->topic_remove;
	if (inv->flags.json) {
		rc = print_json(&r->base, key);
	} else {
		printf("%s #%" PRId64 " %s ", add ? "added" : "removed", m.suggestion_id, add ? "to" : "from");
		print_topic_line(r->topic);
		if (r->replayed)
			puts(_("(already done by an earlier request with this idempotency key; nothing changed)"));
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

static int topic_list(const struct cli_invocation *inv)
{
	static const char *const allowed[] = { NULL };
	static const char *const head[] = { N_("ID"), N_("CASES"), N_("OVERDUE"), N_("COMMITTEE"), N_("LEADERS"), N_("NAME") };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicListRequest l = JIANYI__TOPIC_LIST_REQUEST__INIT;
	Jianyi__Envelope *resp;
	int rc = CLI_EXIT_FAILURE;

	if (!only(inv, "list", 1, allowed))
		return CLI_EXIT_USAGE;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
	req.topic_list = &l;
	if (!send(inv, &req, NULL, JIANYI__RESPONSE__BODY_TOPIC_LIST, &resp, &rc))
		return rc;
	const Jianyi__TopicListResponse *r = resp->response->topic_list;
	if (inv->flags.json) {
		rc = print_json(&r->base, NULL);
	} else if (r->n_topics == 0) {
		puts(_("no topics"));
		rc = CLI_EXIT_OK;
	} else {
		struct cli_cells c = { 0 };

		for (size_t i = 0; i < r->n_topics; i++) {
			const Jianyi__Topic *t = r->topics[i];
			char leaders[512] = "";

			for (size_t k = 0; k < t->n_leaders; k++)
				snprintf(leaders + strlen(leaders), sizeof leaders - strlen(leaders), "%s%s",
					 k ? "、" : "", t->leaders[k]);
			cli_cell(&c, "%" PRId64, t->id);
			cli_cell(&c, "%" PRId32, t->suggestions);
			cli_cell(&c, "%" PRId32, t->overdue);
			cli_cell(&c, "%s", dash(t->committee));
			cli_cell(&c, "%s", dash(leaders));
			cli_cell(&c, "%s", t->name);
		}
		cli_print_table(head, 6, c.v, r->n_topics, TEXT_COLUMNS);
		cli_cells_free(&c);
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

static int topic_show(const struct cli_invocation *inv)
{
	static const char *const allowed[] = { NULL };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicShowRequest s = JIANYI__TOPIC_SHOW_REQUEST__INIT;
	Jianyi__Envelope *resp;
	int rc = CLI_EXIT_FAILURE;

	if (!only(inv, "show", 2, allowed) || !arg_id(inv, 1, "TOPIC_ID", &s.topic_id))
		return CLI_EXIT_USAGE;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_SHOW;
	req.topic_show = &s;
	if (!send(inv, &req, NULL, JIANYI__RESPONSE__BODY_TOPIC_SHOW, &resp, &rc))
		return rc;
	const Jianyi__TopicShowResponse *r = resp->response->topic_show;
	if (inv->flags.json) {
		rc = print_json(&r->base, NULL);
	} else {
		print_topic_block(r->topic);
		putchar('\n');
		if (r->n_suggestions == 0)
			puts(_("no suggestions under this topic (that you may see)"));
		else
			print_topic_cases(r->suggestions, r->n_suggestions);
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

int cli_run_topic(const struct cli_invocation *inv)
{
	const char *sub = inv->nargs > 0 ? inv->args[0] : "";

	if (strcmp(sub, "create") == 0)
		return topic_create(inv);
	if (strcmp(sub, "add") == 0)
		return topic_member(inv, true);
	if (strcmp(sub, "remove") == 0)
		return topic_member(inv, false);
	if (strcmp(sub, "list") == 0)
		return topic_list(inv);
	if (strcmp(sub, "show") == 0)
		return topic_show(inv);
	cli_usage_error(inv, _("'%s' is not create, add, remove, list or show; see 'jianyi help topic'"), sub);
	return CLI_EXIT_USAGE;
}

/* --- jianyi excellent -------------------------------------------------- */

const struct cli_option cli_excellent_options[] = {
	{ "year", N_("Y"), N_("the selection's year, 2000 to 2100 (required)") },
	{ "reason", N_("TEXT"), N_("nominate: why it is nominated") },
	{ "score", N_("N"), N_("score: 1 to 100 (required)") },
	{ "comment", N_("TEXT"), N_("score: the reviewer's comment") },
	{ "count", N_("N"), N_("announce: how many to select, 1 to 100 (default 10)") },
	{ "idempotency-key", N_("K"), N_("retry key for nominate/score/announce (default: random)") },
	{ 0 },
};

static void print_selection(const Jianyi__ExcellentResponse *r)
{
	static const char *const head[] = { N_("RANK"), N_("ID"), N_("NUMBER"), N_("SCORES"), N_("AVERAGE"), N_("MINE"),
					     N_("PORTAL"), N_("TITLE") };
	struct cli_cells c = { 0 };

	printf(_("excellent suggestions %" PRId32 ": "), r->year);
	if (r->announced) {
		char day[64];
		cli_clock_date(r->announced_at, day, sizeof day);
		printf(_("announced %s, %" PRId32 " selected\n"), day, r->count);
	} else {
		puts(_("not announced yet (order as it stands)"));
	}
	if (r->n_entries == 0) {
		puts(_("no nominations"));
		return;
	}
	for (size_t i = 0; i < r->n_entries; i++) {
		const Jianyi__ExcellentEntry *e = r->entries[i];

		if (e->rank)
			cli_cell(&c, "%" PRId32, e->rank);
		else
			cli_cell(&c, "-");
		cli_cell(&c, "%" PRId64, e->suggestion_id);
		cli_cell(&c, "%s", dash(e->number));
		cli_cell(&c, "%" PRId32, e->scores);
		cli_cell(&c, "%s", dash(e->average));
		if (e->my_score)
			cli_cell(&c, "%" PRId32, e->my_score);
		else
			cli_cell(&c, "-");
		cli_cell(&c, "%s", e->published ? _("yes") : _("no"));
		cli_cell(&c, "%s", e->title);
	}
	cli_print_table(head, 8, c.v, r->n_entries, TEXT_COLUMNS);
	cli_cells_free(&c);
}

int cli_run_excellent(const struct cli_invocation *inv)
{
	static const char *const nominate_flags[] = { "year", "reason", "idempotency-key", NULL };
	static const char *const score_flags[] = { "year", "score", "comment", "idempotency-key", NULL };
	static const char *const announce_flags[] = { "year", "count", "idempotency-key", NULL };
	static const char *const list_flags[] = { "year", NULL };
	const char *sub = inv->nargs > 0 ? inv->args[0] : "";
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentNominateRequest nom = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
	Jianyi__ExcellentScoreRequest sc = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
	Jianyi__ExcellentAnnounceRequest an = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
	Jianyi__ExcellentListRequest li = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
	Jianyi__Response__BodyCase want;
	Jianyi__Envelope *resp;
	char key[CLI_IDEMPOTENCY_KEY_MAX + 1];
	const char *text = NULL;
	long year = 0, n = 0;
	int64_t id = 0;
	int rc = CLI_EXIT_FAILURE;
	bool write = true;

	if (strcmp(sub, "nominate") == 0) {
		if (!only(inv, sub, 2, nominate_flags) || !arg_id(inv, 1, "ID", &id) ||
		    !cli_get_int(inv, "year", 2000, 2100, CLI_REQUIRED, &year) ||
		    !cli_get_str(inv, "reason", CLI_OPTIONAL, &text) || !cli_get_idempotency_key(inv, key))
			return CLI_EXIT_USAGE;
		nom.idempotency_key = key;
		nom.year = (int32_t)year;
		nom.suggestion_id = id;
		nom.reason = (char *)(text ? text : "");
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
		req.excellent_nominate = &nom;
		want = JIANYI__RESPONSE__BODY_EXCELLENT_NOMINATE;
	} else if (strcmp(sub, "score") == 0) {
		if (!only(inv, sub, 2, score_flags) || !arg_id(inv, 1, "ID", &id) ||
		    !cli_get_int(inv, "year", 2000, 2100, CLI_REQUIRED, &year) ||
		    !cli_get_int(inv, "score", 1, 100, CLI_REQUIRED, &n) ||
		    !cli_get_str(inv, "comment", CLI_OPTIONAL, &text) || !cli_get_idempotency_key(inv, key))
			return CLI_EXIT_USAGE;
		sc.idempotency_key = key;
		sc.year = (int32_t)year;
		sc.suggestion_id = id;
		sc.score = (int32_t)n;
		sc.comment = (char *)(text ? text : "");
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
		req.excellent_score = &sc;
		want = JIANYI__RESPONSE__BODY_EXCELLENT_SCORE;
	} else if (strcmp(sub, "announce") == 0) {
		if (!only(inv, sub, 1, announce_flags) ||
		    !cli_get_int(inv, "year", 2000, 2100, CLI_REQUIRED, &year) ||
		    !cli_get_int(inv, "count", 1, 100, CLI_OPTIONAL, &n) || !cli_get_idempotency_key(inv, key))
			return CLI_EXIT_USAGE;
		an.idempotency_key = key;
		an.year = (int32_t)year;
		an.count = (int32_t)n;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
		req.excellent_announce = &an;
		want = JIANYI__RESPONSE__BODY_EXCELLENT_ANNOUNCE;
	} else if (strcmp(sub, "list") == 0) {
		if (!only(inv, sub, 1, list_flags) ||
		    !cli_get_int(inv, "year", 2000, 2100, CLI_REQUIRED, &year))
			return CLI_EXIT_USAGE;
		li.year = (int32_t)year;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
		req.excellent_list = &li;
		want = JIANYI__RESPONSE__BODY_EXCELLENT_LIST;
		write = false;
	} else {
		cli_usage_error(inv, _("'%s' is not nominate, score, announce or list; see 'jianyi help excellent'"),
				sub);
		return CLI_EXIT_USAGE;
	}
	if (!send(inv, &req, write ? key : NULL, want, &resp, &rc))
		return rc;
	/* The four answers are the same message. */
	const Jianyi__ExcellentResponse *r = want == JIANYI__RESPONSE__BODY_EXCELLENT_NOMINATE
						     ? resp->response->excellent_nominate
					     : want == JIANYI__RESPONSE__BODY_EXCELLENT_SCORE
						     ? resp->response->excellent_score
					     : want == JIANYI__RESPONSE__BODY_EXCELLENT_ANNOUNCE
						     ? resp->response->excellent_announce
						     : resp->response->excellent_list;
	if (inv->flags.json) {
		rc = print_json(&r->base, write ? key : NULL);
	} else {
		print_selection(r);
		if (r->replayed)
			puts(_("(already done by an earlier request with this idempotency key; nothing changed)"));
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

/* --- jianyi supervise list --------------------------------------------- */

static const char *const kind_flags[] = {
	"note", "whole-process", "by-field", "leader-led", "interview", "inquiry",
	"publish-unsatisfied", NULL,
};
static const char *const kind_wire[] = {
	"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
	"publish_unsatisfied",
};

static int supervision_list(const struct cli_invocation *inv)
{
	static const char *const allowed[] = { "kind", "committee", "suggestion", "topic", "min-level",
					       "limit", "before", NULL };
	static const char *const head[] = { N_("ID"), N_("CASE"), N_("DATE"), N_("KIND"), N_("LEVEL"), N_("COMMITTEE"), N_("BY"),
					    N_("TEXT") };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;
	Jianyi__Envelope *resp;
	long level = 0, limit = 0;
	int kind = -1, rc = CLI_EXIT_FAILURE;

	if (!only(inv, "list", 1, allowed) ||
	    !cli_get_choice(inv, "kind", kind_flags, CLI_OPTIONAL, &kind) ||
	    !cli_get_id(inv, "committee", CLI_OPTIONAL, &q.committee_id) ||
	    !cli_get_id(inv, "suggestion", CLI_OPTIONAL, &q.suggestion_id) ||
	    !cli_get_id(inv, "topic", CLI_OPTIONAL, &q.topic_id) ||
	    !cli_get_int(inv, "min-level", 1, 4, CLI_OPTIONAL, &level) ||
	    !cli_get_int(inv, "limit", 1, 500, CLI_OPTIONAL, &limit) ||
	    !cli_get_id(inv, "before", CLI_OPTIONAL, &q.before_id))
		return CLI_EXIT_USAGE;
	q.kind = (char *)(kind >= 0 ? kind_wire[kind] : "");
	q.min_level = (int32_t)level;
	q.page_size = (int32_t)limit;
	req.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
	req.supervision_list = &q;
	if (!send(inv, &req, NULL, JIANYI__RESPONSE__BODY_SUPERVISION_LIST, &resp, &rc))
		return rc;
	const Jianyi__SupervisionListResponse *r = resp->response->supervision_list;
	if (inv->flags.json) {
		rc = print_json(&r->base, NULL);
	} else if (r->n_records == 0) {
		puts(_("no supervision records"));
		rc = CLI_EXIT_OK;
	} else {
		struct cli_cells c = { 0 };

		for (size_t i = 0; i < r->n_records; i++) {
			const Jianyi__SupervisionRecord *x = r->records[i];
			char *flat = jy_xstrdup(x->text);

			for (char *p = flat; *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			cli_cell(&c, "%" PRId64, x->id);
			cli_cell(&c, "#%" PRId64, x->suggestion_id);
			char day[64];
			cli_clock_date(x->at, day, sizeof day);
			cli_cell(&c, "%s", day);
			cli_cell(&c, "%s", cli_supervision_text(x->kind));
			cli_cell(&c, "%" PRId32, x->level);
			cli_cell(&c, "%s", dash(x->committee));
			cli_cell(&c, "%s", x->author_name);
			cli_cell(&c, "%s", flat);
			free(flat);
		}
		cli_print_table(head, 8, c.v, r->n_records, TEXT_COLUMNS);
		cli_cells_free(&c);
		if (r->next_before_id)
			printf(_("(more: --before %" PRId64 ")\n"), r->next_before_id);
		rc = CLI_EXIT_OK;
	}
	jy_envelope_free(resp);
	return rc;
}

int cli_run_supervise(const struct cli_invocation *inv)
{
	static const char *const list_only[] = { "committee", "suggestion", "topic", "min-level", "limit",
						 "before", NULL };

	if (inv->nargs > 0 && strcmp(inv->args[0], "list") == 0)
		return supervision_list(inv);
	for (size_t k = 0; list_only[k]; k++)
		if (cli_value(inv, list_only[k]) != NULL) {
			cli_usage_error(inv, _("--%s goes with 'supervise list' only"), list_only[k]);
			return CLI_EXIT_USAGE;
		}
	return cli_run_act(inv);
}
