/* show and list (see cli_read.h). */
#include "cli_read.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cli_filter.h"
#include "cli_terms.h"
#include "enum_names.h"
#include "cli_flags.h"
#include "cli_mirror.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_timeline.h"

#define LIST_MAX_PAGE 500

const struct cli_option cli_list_options[] = {
	CLI_FILTER_OPTIONS,
	{ "limit", N_("N"), N_("at most N cases (1 to 500; default 50, the server's page)") },
	{ "after", N_("ID"), N_("the cases after id ID (the next page)") },
	{ 0 },
};

/* The actions the server says the reader may take now (none offline). */
static struct json_object *allowed_json(const Jianyi__GetSuggestionResponse *g)
{
	struct json_object *a = json_object_new_array();
	char name[JY_ENUM_NAME_MAX];

	for (size_t i = 0; i < g->n_allowed_actions; i++)
		if (jy_enum_name(&jianyi__action__descriptor, g->allowed_actions[i], name, sizeof name))
			json_object_array_add(a, json_object_new_string(name));
	return a;
}

static void print_allowed(const Jianyi__GetSuggestionResponse *g)
{
	char name[JY_ENUM_NAME_MAX];

	if (g->n_allowed_actions == 0)
		return;
	printf("%s", _("\nyou may now: "));
	for (size_t i = 0; i < g->n_allowed_actions; i++) {
		if (!jy_enum_name(&jianyi__action__descriptor, g->allowed_actions[i], name, sizeof name))
			continue;
		if (i > 0)
			printf("%s", _(", "));
		cli_put_clean(cli_deed_text(name));
	}
	putchar('\n');
}

bool cli_fetch_case(struct jy_client *c, int64_t id, Jianyi__Envelope **resp, int *rc)
{
	struct jy_error err;

	if (!jy_call_get(c, id, resp, &err)) {
		*rc = cli_fail_status(&err);
	} else if ((*resp)->response->body_case != JIANYI__RESPONSE__BODY_GET_SUGGESTION ||
		   (*resp)->response->get_suggestion->suggestion == NULL) {
		*rc = cli_fail(CLI_EXIT_FAILURE,
			       _("internal: the server's answer to get_suggestion has no suggestion"));
	} else if (!jy_timeline_complete(c, (*resp)->response->get_suggestion, &err)) {
		*rc = cli_fail_status(&err);
	} else {
		return true;
	}
	if (*resp != NULL)
		jy_envelope_free(*resp);
	*resp = NULL;
	return false;
}

int cli_run_show(const struct cli_invocation *inv)
{
	Jianyi__Envelope *resp = NULL;
	Jianyi__GetSuggestionResponse *offline = NULL;
	const Jianyi__GetSuggestionResponse *g;
	struct cli_output out;
	struct jy_client *c;
	struct mirror *m;
	int64_t id;
	int rc = CLI_EXIT_FAILURE;

	if (!cli_get_case_id(inv, &id))
		return CLI_EXIT_USAGE;
	if (!cli_connect_or_mirror(inv, &c, &m, &rc))
		return rc;
	if (m != NULL) {
		if (!mirror_get_case(m, id, &offline)) {
			rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
			goto done;
		}
		if (offline == NULL) {
			rc = cli_fail(CLI_EXIT_FAILURE, _("not found: the mirror holds no suggestion %"
				      PRId64 " (not yours to see, or not synced yet)"), id);
			goto done;
		}
		g = offline;
	} else if (!cli_fetch_case(c, id, &resp, &rc)) {
		goto done;
	} else {
		g = resp->response->get_suggestion;
	}
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object_put(out.root);
		out.root = cli_suggestion_json(g->suggestion);
		json_object_object_add(out.root, "allowed_actions", allowed_json(g));
		json_object_object_add(out.root, "timeline",
				       cli_timeline_json(g->timeline, g->n_timeline));
	} else {
		cli_print_case_block(g->suggestion);
		print_allowed(g);
		printf(ngettext("\ntimeline (%zu event):\n", "\ntimeline (%zu events):\n",
				g->n_timeline), g->n_timeline);
		cli_print_timeline(g->timeline, g->n_timeline, g->suggestion);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	mirror_free_get(offline);
	if (c != NULL)
		jy_close(c);
	mirror_close(m);
	return rc;
}

int cli_run_list(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ListSuggestionsRequest lr = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	Jianyi__ListSuggestionsResponse *offline = NULL;
	const Jianyi__ListSuggestionsResponse *l;
	struct cli_output out;
	struct jy_client *c;
	struct mirror *m;
	struct jy_error err;
	long limit = 0;
	int rc = CLI_EXIT_FAILURE;

	if (!cli_get_filter(inv, &lr) ||
	    !cli_get_int(inv, "limit", 1, LIST_MAX_PAGE, CLI_OPTIONAL, &limit) ||
	    !cli_get_id(inv, "after", CLI_OPTIONAL, &lr.after_id))
		return CLI_EXIT_USAGE;
	lr.page_size = (int32_t)limit;
	if (!cli_connect_or_mirror(inv, &c, &m, &rc))
		return rc;
	if (m != NULL) {
		/* deputies are names in the mirror: their ids are the server's */
		if (lr.deputy_id != 0) {
			rc = cli_fail(CLI_EXIT_USAGE, _("list: --deputy works only online"));
			goto done;
		}
		if (!mirror_list(m, &lr, &offline)) {
			rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
			goto done;
		}
		l = offline;
		goto print;
	}
	jy_request_list(&req, &lr);
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS) {
		rc = cli_fail(CLI_EXIT_FAILURE,
			      _("internal: the server's answer to list_suggestions has no list"));
		goto done;
	}
	l = resp->response->list_suggestions;
print:
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < l->n_suggestions; i++)
			json_object_array_add(a, cli_suggestion_json(l->suggestions[i]));
		json_object_object_add(out.root, "suggestions", a);
		json_object_object_add(out.root, "next_after_id",
				       json_object_new_int64(l->next_after_id));
	} else if (l->n_suggestions == 0) {
		puts(_("no suggestions match"));
	} else {
		cli_print_case_table(l->suggestions, l->n_suggestions);
		if (l->next_after_id != 0)
			printf(_("more: add --after %" PRId64 "\n"), l->next_after_id);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	mirror_free_list(offline);
	if (c != NULL)
		jy_close(c);
	mirror_close(m);
	return rc;
}
