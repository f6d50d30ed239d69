/* jianyi todo (see cli_todo.h). */
#include "cli_todo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "jianyi.h"
#include "xalloc.h"

const struct cli_option cli_todo_options[] = {
	{ 0 },
};

/* What each item asks of the reader, and the deadline kinds an overdue
 * item names: the wire's codes never reach the screen. */
static const struct {
	const char *code, *text;
} labels[] = {
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
};

static const char *label(const char *code)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].code, code) == 0)
			return _(labels[i].text);
	return _("other");
}

static json_object *item_json(const Jianyi__TodoItem *t)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(t->kind));
	json_object_object_add(o, "suggestion_id", json_object_new_int64(t->suggestion_id));
	json_object_object_add(o, "number", json_object_new_string(t->number));
	json_object_object_add(o, "title", json_object_new_string(t->title));
	json_object_object_add(o, "due", json_object_new_string(t->due));
	json_object_object_add(o, "days_left", json_object_new_int(t->days_left));
	json_object_object_add(o, "overdue", json_object_new_boolean(t->overdue));
	json_object_object_add(o, "deadline_kind", json_object_new_string(t->deadline_kind));
	json_object_object_add(o, "owner_name", json_object_new_string(t->owner_name));
	json_object_object_add(o, "extension_id", json_object_new_int64(t->extension_id));
	return o;
}

enum { NCOLS = 5, CELL = 200 };

/* Every column but the title. An overdue item says which deadline and
 * who owes it; a case without a number yet is named by its id. */
static void item_cells(const Jianyi__TodoItem *t, char cell[NCOLS][CELL])
{
	snprintf(cell[0], CELL, "%s", t->due[0] ? t->due : "-");
	if (!t->due[0])
		snprintf(cell[1], CELL, "-");
	else if (t->days_left < 0)
		snprintf(cell[1], CELL, _("%d d overdue"), -t->days_left);
	else if (t->days_left == 0)
		snprintf(cell[1], CELL, "%s", _("today"));
	else
		snprintf(cell[1], CELL, _("%d d"), t->days_left);
	if (strcmp(t->kind, "overdue") == 0)
		snprintf(cell[2], CELL, _("%s: %s (%s)"), label(t->kind), cli_deadline_text(t->deadline_kind),
			 t->owner_name);
	else
		snprintf(cell[2], CELL, "%s", label(t->kind));
	if (t->number[0])
		snprintf(cell[3], CELL, "%s", t->number);
	else
		snprintf(cell[3], CELL, "#%" PRId64, t->suggestion_id);
}

static void print_table(Jianyi__TodoItem *const *t, size_t n)
{
	static const char *const heads[NCOLS] = { N_("DUE"), N_("LEFT"), N_("TO DO"), N_("CASE"),
						  N_("TITLE") };
	const char *head[NCOLS];
	char (*cells)[NCOLS][CELL] = jy_xcalloc(n ? n : 1, sizeof *cells);
	int width[NCOLS];

	for (int c = 0; c < NCOLS; c++) {
		head[c] = _(heads[c]);
		width[c] = cli_text_width(head[c]);
	}
	for (size_t i = 0; i < n; i++) {
		item_cells(t[i], cells[i]);
		for (int c = 0; c < NCOLS - 1; c++)
			if (cli_text_width(cells[i][c]) > width[c])
				width[c] = cli_text_width(cells[i][c]);
	}
	for (int c = 0; c < NCOLS - 1; c++) {
		cli_put_padded(head[c], width[c]);
		fputs("  ", stdout);
	}
	puts(head[NCOLS - 1]);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < NCOLS - 1; c++) {
			cli_put_padded(cells[i][c], width[c]);
			fputs("  ", stdout);
		}
		cli_put_clean(t[i]->title);
		putchar('\n');
	}
	free(cells);
}

int cli_run_todo(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	struct cli_output out;
	struct jy_client *c;
	struct jy_error err;
	int rc = CLI_EXIT_FAILURE;

	if ((c = cli_connect_or_fail(inv, &rc)) == NULL)
		return rc;
	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_TODO) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer has no to-do list"));
		goto done;
	}
	const Jianyi__TodoResponse *r = resp->response->todo;
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_items; i++)
			json_object_array_add(a, item_json(r->items[i]));
		json_object_object_add(out.root, "today", json_object_new_string(r->today));
		json_object_object_add(out.root, "items", a);
	} else if (r->n_items == 0) {
		printf(_("nothing to do (today is %s)\n"), r->today);
	} else {
		print_table(r->items, r->n_items);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}
