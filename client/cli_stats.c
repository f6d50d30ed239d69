/* jianyi stats (see cli_stats.h). */
#include "cli_stats.h"
#include "cli_i18n.h"
#include "enum_names.h"
#include "cli_terms.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_mirror.h"
#include "cli_output.h"
#include "cli_render.h"
#include "jy_limits.h"

const struct cli_option cli_stats_options[] = {
	{ "term", N_("N"), N_("only term N (1 to 99; default: every term)") },
	{ "session", N_("N"), N_("only session N (1 to 20; default: every session)") },
	{ "by", N_("G"), N_("one row per unit, category, term-session or congress (default: one row)") },
	{ "rollup", NULL, N_("this congress and every congress under it (the congress side only)") },
	{ 0 },
};

static const char *const by_flags[] = { "unit", "category", "term-session", "congress", NULL };
static const char *const by_wire[] = { "unit", "category", "term_session", "congress" };

/* A rate (0..1, -1: nothing to divide) with one decimal. */
static void fmt_rate(char *buf, size_t len, double rate)
{
	if (rate < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * rate);
}

static json_object *rate_json(double rate)
{
	return rate < 0 ? NULL : json_object_new_double(rate);
}

static json_object *row_json(const Jianyi__StatsRow *r)
{
	json_object *o = json_object_new_object(), *a = json_object_new_object();
	json_object_object_add(o, "group", json_object_new_string(r->group));
	json_object_object_add(o, "total", json_object_new_int64(r->total));
	for (size_t i = 0; i < r->n_by_state; i++) {
		char name[JY_ENUM_NAME_MAX];
		if (jy_enum_name(&jianyi__state__descriptor, r->by_state[i]->state, name, sizeof name))
			json_object_object_add(a, name, json_object_new_int64(r->by_state[i]->count));
	}
	json_object_object_add(o, "by_state", a);
	a = json_object_new_object();
	for (size_t i = 0; i < r->n_by_class; i++)
		json_object_object_add(a, r->by_class[i]->result_class,
				       json_object_new_int64(r->by_class[i]->count));
	json_object_object_add(o, "by_class", a);
	json_object_object_add(o, "replied", json_object_new_int64(r->replied));
	json_object_object_add(o, "due", json_object_new_int64(r->due));
	json_object_object_add(o, "on_time", json_object_new_int64(r->on_time));
	json_object_object_add(o, "on_time_rate", rate_json(r->on_time_rate));
	json_object_object_add(o, "evaluated", json_object_new_int64(r->evaluated));
	json_object_object_add(o, "first_round_forms", json_object_new_int64(r->first_round_forms));
	json_object_object_add(o, "first_round_satisfied",
			       json_object_new_int64(r->first_round_satisfied));
	json_object_object_add(o, "first_round_satisfaction",
			       rate_json(r->first_round_satisfaction));
	json_object_object_add(o, "final_forms", json_object_new_int64(r->final_forms));
	json_object_object_add(o, "final_satisfied", json_object_new_int64(r->final_satisfied));
	json_object_object_add(o, "final_satisfaction", rate_json(r->final_satisfaction));
	json_object_object_add(o, "solved", json_object_new_int64(r->solved));
	json_object_object_add(o, "solved_rate", rate_json(r->solved_rate));
	json_object_object_add(o, "rehandled", json_object_new_int64(r->rehandled));
	json_object_object_add(o, "avg_days_to_reply", rate_json(r->avg_days_to_reply));
	json_object_object_add(o, "overdue_now", json_object_new_int64(r->overdue_now));
	return o;
}

#define NCOLS 11

/* s right-aligned in width columns (a Chinese character takes two). */
static void put_right(const char *s, int width)
{
	for (int w = cli_text_width(s); w < width; w++)
		putchar(' ');
	cli_put_clean(s);
}

/* The server names the single group "all". */
static const char *group_text(const char *group)
{
	return strcmp(group, "all") == 0 ? _("all") : group;
}

static void print_table(Jianyi__StatsRow *const *rows, size_t n)
{
	static const char *const head_text[NCOLS] = {
		N_("group"), N_("total"), N_("replied"), N_("on-time"), N_("1st sat."),
		N_("final sat."), N_("solved (A)"), N_("rehandled"), N_("avg days"), N_("overdue"),
		N_("A/B/C/D (1st reply)"),
	};
	const char *head[NCOLS];
	char cell[NCOLS][64];
	int width[NCOLS];

	for (int j = 0; j < NCOLS; j++) {
		head[j] = _(head_text[j]);
		width[j] = cli_text_width(head[j]);
	}
	/* Two passes: widths, then the lines. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (int j = 0; j < NCOLS; j++) {
				if (j == 0 || j == NCOLS - 1)
					cli_put_padded(head[j], j == NCOLS - 1 ? 0 : width[j]);
				else
					put_right(head[j], width[j]);
				fputs(j == NCOLS - 1 ? "\n" : "  ", stdout);
			}
		}
		for (size_t i = 0; i < n; i++) {
			const Jianyi__StatsRow *r = rows[i];
			int64_t cls[4] = { 0, 0, 0, 0 };
			for (size_t k = 0; k < r->n_by_class; k++) {
				const char *c = r->by_class[k]->result_class;
				if (c[0] >= 'A' && c[0] <= 'D' && c[1] == '\0')
					cls[c[0] - 'A'] = r->by_class[k]->count;
			}
			snprintf(cell[0], sizeof cell[0], "%s", group_text(r->group));
			snprintf(cell[1], sizeof cell[1], "%" PRId64, r->total);
			snprintf(cell[2], sizeof cell[2], "%" PRId64, r->replied);
			fmt_rate(cell[3], sizeof cell[3], r->on_time_rate);
			fmt_rate(cell[4], sizeof cell[4], r->first_round_satisfaction);
			fmt_rate(cell[5], sizeof cell[5], r->final_satisfaction);
			fmt_rate(cell[6], sizeof cell[6], r->solved_rate);
			snprintf(cell[7], sizeof cell[7], "%" PRId64, r->rehandled);
			if (r->avg_days_to_reply < 0)
				snprintf(cell[8], sizeof cell[8], "-");
			else
				snprintf(cell[8], sizeof cell[8], "%.1f", r->avg_days_to_reply);
			snprintf(cell[9], sizeof cell[9], "%" PRId64, r->overdue_now);
			snprintf(cell[10], sizeof cell[10], "%" PRId64 "/%" PRId64 "/%" PRId64 "/%" PRId64,
				 cls[0], cls[1], cls[2], cls[3]);
			for (int j = 0; j < NCOLS; j++) {
				const char *s = cell[j];
				int w = cli_text_width(s);
				if (pass == 0) {
					if (w > width[j])
						width[j] = w;
					continue;
				}
				if (j == 0)
					cli_put_padded(s, width[j]);
				else if (j == NCOLS - 1)
					fputs(s, stdout);
				else
					put_right(s, width[j]);
				fputs(j == NCOLS - 1 ? "\n" : "  ", stdout);
			}
		}
	}
	/* The states, one line per group. */
	puts(_("\nby state:"));
	for (size_t i = 0; i < n; i++) {
		cli_put_padded(group_text(rows[i]->group), width[0]);
		for (size_t k = 0; k < rows[i]->n_by_state; k++)
			printf("  %s %" PRId64, cli_state_text(rows[i]->by_state[k]->state),
			       rows[i]->by_state[k]->count);
		putchar('\n');
	}
}

int cli_run_stats(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest sr = JIANYI__STATS_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	Jianyi__StatsResponse *offline = NULL;
	const Jianyi__StatsResponse *s;
	struct cli_output out;
	struct jy_client *c;
	struct mirror *m;
	struct jy_error err;
	long term = 0, session = 0;
	int by = -1, rc = CLI_EXIT_FAILURE;

	if (!cli_get_int(inv, "term", JY_TERM_MIN, JY_TERM_MAX, CLI_OPTIONAL, &term) ||
	    !cli_get_int(inv, "session", JY_SESSION_MIN, JY_SESSION_MAX, CLI_OPTIONAL, &session) ||
	    !cli_get_choice(inv, "by", by_flags, CLI_OPTIONAL, &by))
		return CLI_EXIT_USAGE;
	sr.term = (int32_t)term;
	sr.session = (int32_t)session;
	sr.group_by = (char *)(by >= 0 ? by_wire[by] : "");
	sr.rollup = cli_value(inv, "rollup") != NULL;
	if (!cli_connect_or_mirror(inv, &c, &m, &rc))
		return rc;
	if (m != NULL && (sr.rollup || by == 3)) {
		rc = cli_fail(CLI_EXIT_USAGE, _("stats: --rollup and --by congress work only online"));
		goto done;
	}
	if (m != NULL) {
		/* The mirror keeps the server's answers from the last sync, over
		 * every term: the measures' definitions stay the server's alone. */
		char taken[64];
		if (term != 0 || session != 0) {
			rc = cli_fail(CLI_EXIT_USAGE, _("stats: --term and --session work only online "
				      "(offline: every term, with --by term-session for each)"));
			goto done;
		}
		if (!mirror_get_stats(m, sr.group_by, &offline, taken, sizeof taken)) {
			rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
			goto done;
		}
		if (offline == NULL) {
			rc = cli_fail(CLI_EXIT_FAILURE, _("stats: the mirror holds no statistics (sync it "
				      "while the server is reachable)"));
			goto done;
		}
		fprintf(stderr, _("jianyi: statistics as of %s\n"), taken);
		s = offline;
		goto print;
	}
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &sr;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_STATS) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to stats has no rows"));
		goto done;
	}
	s = resp->response->stats;
print:
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < s->n_rows; i++)
			json_object_array_add(a, row_json(s->rows[i]));
		json_object_object_add(out.root, "rows", a);
	} else if (s->n_rows == 0) {
		puts(_("no suggestions to count"));
	} else {
		print_table(s->rows, s->n_rows);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	if (offline != NULL)
		jianyi__stats_response__free_unpacked(offline, NULL);
	if (c != NULL)
		jy_close(c);
	mirror_close(m);
	return rc;
}
