/* jianyi todo (see cli_todo.h). */
#include "cli_todo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli_clock.h"
#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_mirror.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "jianyi.h"
#include "mirror_todo.h"

/* The title column is cut to this many terminal columns. */
#define TITLE_COLUMNS 60

const struct cli_option cli_todo_options[] = {
	{ 0 },
};

/* Due, days left, what to do, case, title. An overdue item says which
 * deadline and who owes it; a case without a number yet is named by id. */
static void print_table(Jianyi__TodoItem *const *items, size_t n)
{
	static const char *const head[] = { N_("DUE"), N_("LEFT"), N_("TO DO"), N_("CASE"), N_("TITLE") };
	struct cli_cells c = { 0 };

	for (size_t i = 0; i < n; i++) {
		const Jianyi__TodoItem *t = items[i];
		cli_cell(&c, "%s", t->due[0] ? t->due : "-");
		if (!t->due[0])
			cli_cell(&c, "-");
		else if (t->days_left < 0)
			cli_cell(&c, _("%d d overdue"), -t->days_left);
		else if (t->days_left == 0)
			cli_cell(&c, "%s", _("today"));
		else
			cli_cell(&c, _("%d d"), t->days_left);
		if (strcmp(t->kind, "overdue") == 0)
			cli_cell(&c, _("%s: %s (%s)"), cli_todo_text(t->kind), cli_deadline_text(t->deadline_kind),
				 t->owner_name);
		else
			cli_cell(&c, "%s", cli_todo_text(t->kind));
		if (t->number[0])
			cli_cell(&c, "%s", t->number);
		else
			cli_cell(&c, "#%" PRId64, t->suggestion_id);
		cli_cell(&c, "%s", t->title);
	}
	cli_print_table(head, 5, c.v, n, TITLE_COLUMNS);
	cli_cells_free(&c);
}

/* The list as a table, or as JSON with --json. */
static int print_todo(const struct cli_invocation *inv, const Jianyi__TodoResponse *r)
{
	struct cli_output out;

	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_items; i++)
			json_object_array_add(a, cli_message_json(&r->items[i]->base));
		json_object_object_add(out.root, "today", json_object_new_string(r->today));
		json_object_object_add(out.root, "items", a);
	} else if (r->n_items == 0) {
		printf(_("nothing to do (today is %s)\n"), r->today);
	} else {
		print_table(r->items, r->n_items);
	}
	return cli_output_finish(&out);
}

/* --offline: the list the last sync stored, checked against the mirror's
 * cases and counted from today in the congress's time zone (mirror_todo.h). */
static int todo_offline(const struct cli_invocation *inv)
{
	int rc = CLI_EXIT_FAILURE;
	struct mirror *m = cli_mirror_offline(inv, &rc);
	Jianyi__TodoResponse *r = NULL;
	char today[16], taken[64], when[64];
	time_t now = time(NULL);
	struct tm tm;

	if (m == NULL)
		return rc;
	strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));   /* the zone's day */
	if (!mirror_todo(m, today, &r, taken, sizeof taken)) {
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
	} else if (r == NULL) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("todo: the mirror holds no to-do list (sync it while the "
			      "server is reachable)"));
	} else {
		cli_clock_minute(taken, when, sizeof when);
		fprintf(stderr, _("jianyi: the to-do list from the mirror %s, as the server gave it at %s\n"),
			mirror_path(m), when);
		rc = print_todo(inv, r);
		jianyi__todo_response__free_unpacked(r, NULL);
	}
	mirror_close(m);
	return rc;
}

int cli_run_todo(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	int rc = CLI_EXIT_FAILURE;

	if (inv->flags.offline)
		return todo_offline(inv);
	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	Jianyi__Envelope *resp = cli_read_once(inv, &req, JIANYI__RESPONSE__BODY_TODO, N_("to-do list"), NULL, &rc);
	if (resp == NULL)
		return rc;
	rc = print_todo(inv, resp->response->todo);
	jy_envelope_free(resp);
	return rc;
}
