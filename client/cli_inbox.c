/* jianyi inbox (see cli_inbox.h). The listing is newest first; --follow
 * then prints each new notice as the server pushes it and, when the
 * connection drops, reconnects with back-off and prints only the notices
 * newer than the last one it printed, so none is shown twice. */
#include "cli_inbox.h"
#include "cli_i18n.h"
#include "cli_terms.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_output.h"
#include "cli_render.h"
#include "jianyi.h"

#define INBOX_MAX_PAGE 500
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

const struct cli_option cli_inbox_options[] = {
	{ "unread", NULL, N_("only notices not marked read") },
	{ "limit", N_("N"), N_("at most N notices (1 to 500; default 50)") },
	{ "before", N_("ID"), N_("the notices older than notice ID (the next page)") },
	{ "follow", NULL, N_("then print new notices as they are raised (Ctrl-C stops)") },
	{ 0 },
};

static json_object *notice_json(const Jianyi__Notice *n)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(n->id));
	json_object_object_add(o, "kind", json_object_new_string(n->kind));
	json_object_object_add(o, "suggestion_id", json_object_new_int64(n->suggestion_id));
	json_object_object_add(o, "number", json_object_new_string(n->number));
	json_object_object_add(o, "title", json_object_new_string(n->title));
	json_object_object_add(o, "deadline_kind", json_object_new_string(n->deadline_kind));
	json_object_object_add(o, "due", json_object_new_string(n->due));
	json_object_object_add(o, "days_before", json_object_new_int(n->days_before));
	json_object_object_add(o, "round", json_object_new_int(n->round));
	json_object_object_add(o, "organization", json_object_new_string(n->organization));
	json_object_object_add(o, "text", json_object_new_string(n->text));
	json_object_object_add(o, "created_at", json_object_new_string(n->created_at));
	json_object_object_add(o, "read", json_object_new_boolean(n->read));
	json_object_object_add(o, "event", json_object_new_string(n->event));
	return o;
}

/* Columns of the table; "*" marks an unread notice. */
enum { W_ID = 8, W_KIND = 9, W_DUE = 11, W_CASE = 22 };

static void print_header(void)
{
	printf("  ");
	cli_put_padded(_("ID"), W_ID);
	cli_put_padded(_("KIND"), W_KIND);
	cli_put_padded(_("DUE"), W_DUE);
	cli_put_padded(_("CASE"), W_CASE);
	puts(_("TEXT"));
}

/* One notice: a table row, or one JSON object on its own line. */
static bool print_notice(const Jianyi__Notice *n, bool json)
{
	if (json) {
		json_object *o = notice_json(n);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		char id[24], kase[64];
		snprintf(id, sizeof id, "%" PRId64, n->id);
		if (n->number[0])
			snprintf(kase, sizeof kase, "%s", n->number);
		else
			snprintf(kase, sizeof kase, "#%" PRId64, n->suggestion_id);
		printf("%s ", n->read ? " " : "*");
		cli_put_padded(id, W_ID);
		cli_put_padded(cli_notice_text(n->kind), W_KIND);
		cli_put_padded(n->due, W_DUE);
		cli_put_padded(kase, W_CASE - 1);
		putchar(' ');
		cli_put_clean(n->text);
		putchar('\n');
	}
	/* A pipe reader sees each notice when it comes. */
	return fflush(stdout) == 0;
}

/* Sends the Inbox request; on failure prints why and sets *rc. */
static bool fetch(struct jy_client *c, const Jianyi__InboxRequest *q, Jianyi__Envelope **resp,
		  int *rc)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	struct jy_error err;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = (Jianyi__InboxRequest *)q;
	if (!jy_call(c, &req, resp, &err)) {
		*rc = cli_fail_status(&err);
	} else if ((*resp)->response->body_case != JIANYI__RESPONSE__BODY_INBOX) {
		*rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to inbox has no notices"));
	} else {
		return true;
	}
	if (*resp)
		jy_envelope_free(*resp);
	*resp = NULL;
	return false;
}

static int run_list(const struct cli_invocation *inv, Jianyi__InboxRequest *q)
{
	Jianyi__Envelope *resp = NULL;
	int rc = CLI_EXIT_FAILURE;
	struct jy_client *c = cli_connect_or_fail(inv, &rc);
	if (c == NULL)
		return rc;
	if (!fetch(c, q, &resp, &rc))
		goto done;
	const Jianyi__InboxResponse *r = resp->response->inbox;
	bool json = inv->flags.json;
	if (!json && r->n_notices == 0)
		puts(q->unread_only ? _("no unread notices") : _("no notices"));
	else if (!json)
		print_header();
	for (size_t i = 0; i < r->n_notices; i++)
		if (!print_notice(r->notices[i], json))
			goto done;
	if (!json) {
		printf(_("%" PRId64 " unread\n"), r->unread);
		if (r->next_before_id != 0)
			printf(_("more: add --before %" PRId64 "\n"), r->next_before_id);
	}
	rc = cli_output_finish(&(struct cli_output){ .json = false });
done:
	if (resp)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}

enum outcome { F_RETRY, F_FAIL };

/* One connection's worth of --follow: the page (only what is newer than
 * *last), then pushes. Returns when the connection fails or on an error a
 * retry cannot fix (then *rc is set). */
static enum outcome follow_once(struct jy_client *c, Jianyi__InboxRequest *q, bool json,
				int64_t *last, bool *header, int *rc)
{
	Jianyi__Envelope *resp = NULL;
	if (!fetch(c, q, &resp, rc)) {
		/* Unreachable or overloaded: retry; refused: give up. */
		return *rc == CLI_EXIT_FAILURE ? F_RETRY : F_FAIL;
	}
	const Jianyi__InboxResponse *r = resp->response->inbox;
	if (!json && !*header) {
		print_header();
		*header = true;
	}
	/* Newest first on the wire: print the new ones oldest first. */
	for (size_t i = r->n_notices; i-- > 0;) {
		if (r->notices[i]->id <= *last)
			continue;
		if (!print_notice(r->notices[i], json)) {
			jy_envelope_free(resp);
			*rc = CLI_EXIT_FAILURE;
			return F_FAIL;
		}
		*last = r->notices[i]->id;
	}
	jy_envelope_free(resp);
	for (;;) {
		Jianyi__Envelope *ev = NULL;
		struct jy_error err;
		if (!jy_next_event(c, 60000, &ev, &err)) {
			if (err.code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED)
				continue; /* quiet, not broken */
			return F_RETRY;
		}
		const Jianyi__Event *e = ev->event;
		bool ok = true;
		if (strcmp(e->kind, "notice") == 0 && e->notice && e->notice->id > *last &&
		    (!q->unread_only || !e->notice->read)) {
			ok = print_notice(e->notice, json);
			*last = e->notice->id;
		}
		jy_envelope_free(ev);
		if (!ok) {
			*rc = CLI_EXIT_FAILURE;
			return F_FAIL;
		}
	}
}

static int run_follow(const struct cli_invocation *inv, Jianyi__InboxRequest *q)
{
	int64_t last = 0;
	bool header = false;
	unsigned backoff = BACKOFF_MIN_MS;
	q->follow = true;
	for (;;) {
		int rc = CLI_EXIT_FAILURE;
		struct jy_client *c = cli_connect_or_fail(inv, &rc);
		if (c == NULL && rc == CLI_EXIT_USAGE)
			return rc;
		if (c != NULL) {
			int64_t before = last;
			enum outcome o = follow_once(c, q, inv->flags.json, &last, &header, &rc);
			jy_close(c);
			if (o == F_FAIL)
				return rc;
			if (last != before)
				backoff = BACKOFF_MIN_MS;
			fprintf(stderr, _("jianyi: inbox: connection lost; reconnecting\n"));
		}
		usleep(backoff * 1000u);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
}

/* "inbox read ID...". */
static int run_read(const struct cli_invocation *inv)
{
	int64_t ids[CLI_INBOX_MAX_READ];
	size_t n = 0;
	for (int i = 1; i < inv->nargs; i++) {
		char *end;
		long long v = strtoll(inv->args[i], &end, 10);
		if (inv->args[i][0] < '0' || inv->args[i][0] > '9' || *end != '\0' || v <= 0 ||
		    v > CLI_MAX_ID)
			return cli_fail(CLI_EXIT_USAGE, _("inbox read: '%s' is not a notice id"),
					inv->args[i]);
		ids[n++] = v;
	}
	if (n == 0)
		return cli_fail(CLI_EXIT_USAGE, _("inbox read: give the ids of the notices to mark read"));
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxMarkRequest mark = JIANYI__INBOX_MARK_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	int rc = CLI_EXIT_FAILURE;
	struct jy_client *c = cli_connect_or_fail(inv, &rc);
	if (c == NULL)
		return rc;
	mark.notice_ids = ids;
	mark.n_notice_ids = n;
	req.body_case = JIANYI__REQUEST__BODY_INBOX_MARK;
	req.inbox_mark = &mark;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
	} else if (resp->response->body_case != JIANYI__RESPONSE__BODY_INBOX_MARK) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to inbox read is empty"));
	} else {
		/* One line, like the listing's JSON. */
		int64_t marked = resp->response->inbox_mark->marked;
		if (inv->flags.json)
			printf("{\"marked\":%" PRId64 "}\n", marked);
		else
			printf(ngettext("marked %" PRId64 " notice read\n", "marked %" PRId64 " notices read\n",
					(unsigned long)marked), marked);
		rc = cli_output_finish(&(struct cli_output){ .json = false });
	}
	if (resp)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}

int cli_run_inbox(const struct cli_invocation *inv)
{
	if (inv->nargs > 0) {
		if (strcmp(inv->args[0], "read") != 0)
			return cli_fail(CLI_EXIT_USAGE,
					_("inbox: unknown subcommand '%s'; only 'read ID...' is one"),
					inv->args[0]);
		if (cli_value(inv, "unread") || cli_value(inv, "limit") || cli_value(inv, "before") ||
		    cli_value(inv, "follow"))
			return cli_fail(CLI_EXIT_USAGE, _("inbox read: takes no flags but the ids"));
		return run_read(inv);
	}
	Jianyi__InboxRequest q = JIANYI__INBOX_REQUEST__INIT;
	long limit = 0;
	if (!cli_get_int(inv, "limit", 1, INBOX_MAX_PAGE, CLI_OPTIONAL, &limit) ||
	    !cli_get_id(inv, "before", CLI_OPTIONAL, &q.before_id))
		return CLI_EXIT_USAGE;
	q.limit = (int32_t)limit;
	q.unread_only = cli_value(inv, "unread") != NULL;
	if (cli_value(inv, "follow")) {
		if (q.before_id)
			return cli_fail(CLI_EXIT_USAGE, _("inbox: --follow shows the newest; drop --before"));
		return run_follow(inv, &q);
	}
	return run_list(inv, &q);
}
