/* jianyi deadlines / jianyi overdue (see cli_deadlines.h). */
#include "cli_deadlines.h"
#include "cli_i18n.h"
#include "cli_terms.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_output.h"
#include "cli_render.h"
#include "jianyi.h"
#include "xalloc.h"

#define SHARED_OPTIONS                                                                     \
	{ "unit", N_("ID"), N_("only those this handling unit owes") },                              \
	{ "kind", N_("K"), N_("reply, rehandle, opinion, dispute, follow-up or evaluation") },        \
	{ "id", N_("ID"), N_("only this suggestion") },                                              \
	{ "limit", N_("N"), N_("at most N (1 to 2000; default 200)") }

const struct cli_option cli_deadlines_options[] = {
	{ "within", N_("DAYS"), N_("only those due within DAYS days from today (1 to 3660)") },
	SHARED_OPTIONS,
	{ 0 },
};

const struct cli_option cli_overdue_options[] = {
	SHARED_OPTIONS,
	{ 0 },
};

static const char *const kind_flags[] = { "reply", "rehandle", "opinion", "dispute", "follow-up",
					  "evaluation", NULL };
static const char *const kind_wire[] = { "reply", "rehandle", "opinion", "dispute", "follow_up",
					 "evaluation" };

static json_object *deadline_json(const Jianyi__Deadline *d)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "suggestion_id", json_object_new_int64(d->suggestion_id));
	json_object_object_add(o, "number", json_object_new_string(d->number));
	json_object_object_add(o, "title", json_object_new_string(d->title));
	json_object_object_add(o, "kind", json_object_new_string(d->kind));
	json_object_object_add(o, "organization_id", json_object_new_int64(d->organization_id));
	json_object_object_add(o, "organization_name", json_object_new_string(d->organization_name));
	json_object_object_add(o, "deputy_id", json_object_new_int64(d->deputy_id));
	json_object_object_add(o, "deputy_name", json_object_new_string(d->deputy_name));
	json_object_object_add(o, "round", json_object_new_int(d->round));
	json_object_object_add(o, "due", json_object_new_string(d->due));
	json_object_object_add(o, "days_left", json_object_new_int(d->days_left));
	json_object_object_add(o, "working_days_left", json_object_new_int(d->working_days_left));
	json_object_object_add(o, "key", json_object_new_boolean(d->key));
	json_object_object_add(o, "supervised", json_object_new_boolean(d->supervised));
	return o;
}

enum { NCOLS = 7 };

/* Every column but the title, which is printed as it is. */
static void deadline_cells(const Jianyi__Deadline *d, char cell[NCOLS][160])
{
	snprintf(cell[0], sizeof cell[0], "%" PRId64, d->suggestion_id);
	snprintf(cell[1], sizeof cell[1], "%s", cli_deadline_text(d->kind));
	snprintf(cell[2], sizeof cell[2], "%s",
		 d->organization_name[0] ? d->organization_name : d->deputy_name);
	snprintf(cell[3], sizeof cell[3], "%s", d->due);
	if (d->days_left < 0)
		snprintf(cell[4], sizeof cell[4], _("overdue %d d"), -d->days_left);
	else if (d->days_left == 0)
		snprintf(cell[4], sizeof cell[4], _("today"));
	else
		snprintf(cell[4], sizeof cell[4], _("%d d (%d wd)"), d->days_left, d->working_days_left);
	snprintf(cell[5], sizeof cell[5], "%s%s%s", d->key ? _("key") : "",
		 d->key && d->supervised ? " " : "", d->supervised ? _("supervised") : "");
}

/* ID, KIND, OWED BY, DUE, LEFT, FLAGS, TITLE: columns fitted to the widest
 * cell (CJK characters count two). */
static void print_table(Jianyi__Deadline *const *d, size_t n)
{
	static const char *const head_text[NCOLS] = {
		N_("ID"), N_("KIND"), N_("OWED BY"), N_("DUE"), N_("LEFT"), N_("FLAGS"), N_("TITLE") };
	char (*cells)[NCOLS][160] = jy_xcalloc(n ? n : 1, sizeof *cells);
	const char *head[NCOLS];
	int width[NCOLS];

	for (int c = 0; c < NCOLS; c++) {
		head[c] = _(head_text[c]);
		width[c] = cli_text_width(head[c]);
	}
	for (size_t i = 0; i < n; i++) {
		deadline_cells(d[i], cells[i]);
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
			if (c == 0)
				printf("%*s", width[c], cells[i][c]);
			else
				cli_put_padded(cells[i][c], width[c]);
			fputs("  ", stdout);
		}
		cli_put_clean(d[i]->title);
		putchar('\n');
	}
	free(cells);
}

int cli_run_deadlines(const struct cli_invocation *inv)
{
	bool overdue = strcmp(inv->cmd->name, "overdue") == 0;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DeadlinesRequest q = JIANYI__DEADLINES_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	struct cli_output out;
	struct jy_client *c;
	struct jy_error err;
	long within = 0, limit = 0;
	int64_t unit = 0, id = 0;
	int kind = -1, rc = CLI_EXIT_FAILURE;

	if ((!overdue && !cli_get_int(inv, "within", 1, 3660, CLI_OPTIONAL, &within)) ||
	    !cli_get_id(inv, "unit", CLI_OPTIONAL, &unit) || !cli_get_id(inv, "id", CLI_OPTIONAL, &id) ||
	    !cli_get_int(inv, "limit", 1, 2000, CLI_OPTIONAL, &limit) ||
	    !cli_get_choice(inv, "kind", kind_flags, CLI_OPTIONAL, &kind))
		return CLI_EXIT_USAGE;
	q.overdue_only = overdue;
	q.within_days = (int32_t)within;
	q.unit_id = unit;
	q.suggestion_id = id;
	q.limit = (int32_t)limit;
	q.kind = (char *)(kind >= 0 ? kind_wire[kind] : "");
	if ((c = cli_connect_or_fail(inv, &rc)) == NULL)
		return rc;
	req.body_case = JIANYI__REQUEST__BODY_DEADLINES;
	req.deadlines = &q;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_DEADLINES) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer has no deadlines"));
		goto done;
	}
	const Jianyi__DeadlinesResponse *r = resp->response->deadlines;
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_deadlines; i++)
			json_object_array_add(a, deadline_json(r->deadlines[i]));
		json_object_object_add(out.root, "today", json_object_new_string(r->today));
		json_object_object_add(out.root, "deadlines", a);
	} else if (r->n_deadlines == 0) {
		printf(overdue ? _("nothing overdue (today is %s)\n") :
		       _("no open deadlines (today is %s)\n"), r->today);
	} else {
		print_table(r->deadlines, r->n_deadlines);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}
