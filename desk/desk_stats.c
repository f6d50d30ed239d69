/* See desk_stats.h. Two requests fill the page: one row over everything
 * (the figures and the classes' chart) and one row a unit (the units'
 * charts). */
#include "desk_stats.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_i18n.h"
#include "desk_chart.h"
#include "desk_ledger_export.h"

#define UNITS_SHOWN 8          /* the units with the most cases */

enum figure {
	FIG_TOTAL, FIG_REPLIED, FIG_ON_TIME, FIG_FIRST_SAT, FIG_FINAL_SAT, FIG_SOLVED,
	FIG_REHANDLED, FIG_AVG_DAYS, FIG_OVERDUE, NFIG
};

static const char *const figure_names[NFIG] = {
	N_("Registered"), N_("Replied"), N_("Replied on time"), N_("First-round satisfaction"),
	N_("Final satisfaction"), N_("Solved (class A)"), N_("Rehandled"),
	N_("Average days to reply"), N_("Overdue now"),
};

struct desk_stats {
	struct desk_link *link;
	struct desk_ledger_export *export;
	GtkWidget *root, *summary, *figure[NFIG], *classes, *on_time, *satisfaction;
	int waiting;               /* requests out */
};

bool desk_stats_for(const Jianyi__Identity *who)
{
	static const char *const whole[] = { "liaison_officer", "government_officer",
					     "committee_member", "leader", "admin" };

	for (size_t i = 0; who != NULL && i < who->n_roles; i++)
		for (size_t k = 0; k < G_N_ELEMENTS(whole); k++)
			if (strcmp(who->roles[i], whole[k]) == 0)
				return true;
	return false;
}

/* A rate (0..1, below 0: nothing to divide) as the CLI prints it. */
static char *rate_text(double rate)
{
	return rate < 0 ? g_strdup("—") : g_strdup_printf("%.1f%%", 100.0 * rate);
}

static void show_figure(struct desk_stats *s, enum figure f, char *value)
{
	/* TRANSLATORS: a figure: its name, its value */
	char *text = g_strdup_printf(_("%s: %s"), _(figure_names[f]), value);

	gtk_label_set_text(GTK_LABEL(s->figure[f]), text);
	g_free(text);
	g_free(value);
}

static void fill_figures(struct desk_stats *s, const Jianyi__StatsRow *r)
{
	show_figure(s, FIG_TOTAL, g_strdup_printf("%" PRId64, r->total));
	show_figure(s, FIG_REPLIED, g_strdup_printf("%" PRId64, r->replied));
	show_figure(s, FIG_ON_TIME, rate_text(r->on_time_rate));
	show_figure(s, FIG_FIRST_SAT, rate_text(r->first_round_satisfaction));
	show_figure(s, FIG_FINAL_SAT, rate_text(r->final_satisfaction));
	show_figure(s, FIG_SOLVED, rate_text(r->solved_rate));
	show_figure(s, FIG_REHANDLED, g_strdup_printf("%" PRId64, r->rehandled));
	show_figure(s, FIG_AVG_DAYS, r->avg_days_to_reply < 0 ? g_strdup("—") :
		    g_strdup_printf("%.1f", r->avg_days_to_reply));
	show_figure(s, FIG_OVERDUE, g_strdup_printf("%" PRId64, r->overdue_now));
}

/* The first replies' classes A to D, every one shown (0 too). */
static void fill_classes(struct desk_stats *s, const Jianyi__StatsRow *r)
{
	static const char *const names[] = { "A", "B", "C", "D" };
	struct desk_chart_bar bars[4];
	char *labels[4], *values[4];

	for (int i = 0; i < 4; i++) {
		int64_t n = 0;

		for (size_t k = 0; k < r->n_by_class; k++)
			if (strcmp(r->by_class[k]->result_class, names[i]) == 0)
				n = r->by_class[k]->count;
		/* TRANSLATORS: a result class under its bar: "A" */
		labels[i] = g_strdup_printf(_("Class %s"), names[i]);
		values[i] = g_strdup_printf("%" PRId64, n);
		bars[i] = (struct desk_chart_bar){ labels[i], (double)n, values[i] };
	}
	desk_chart_set(s->classes, bars, 4, 0);
	for (int i = 0; i < 4; i++) {
		g_free(labels[i]);
		g_free(values[i]);
	}
}

static gint most_cases_first(gconstpointer a, gconstpointer b)
{
	const Jianyi__StatsRow *x = *(Jianyi__StatsRow *const *)a, *y = *(Jianyi__StatsRow *const *)b;

	return x->total < y->total ? 1 : x->total > y->total ? -1 : strcmp(x->group, y->group);
}

/* One bar a unit (the UNITS_SHOWN with most cases): a rate in percent. */
static void fill_unit_chart(GtkWidget *chart, Jianyi__StatsRow **rows, size_t n, bool final_sat)
{
	struct desk_chart_bar bars[UNITS_SHOWN] = { { 0 } };
	char *values[UNITS_SHOWN];

	for (size_t i = 0; i < n; i++) {
		double rate = final_sat ? rows[i]->final_satisfaction : rows[i]->on_time_rate;

		values[i] = rate_text(rate);
		bars[i] = (struct desk_chart_bar){ rows[i]->group, rate < 0 ? 0 : 100.0 * rate,
						   values[i] };
	}
	desk_chart_set(chart, bars, n, 100);
	for (size_t i = 0; i < n; i++)
		g_free(values[i]);
}

static void fill_units(struct desk_stats *s, const Jianyi__StatsResponse *r)
{
	Jianyi__StatsRow **rows = g_memdup2(r->rows, sizeof *rows * (r->n_rows ? r->n_rows : 1));
	size_t n = MIN(r->n_rows, (size_t)UNITS_SHOWN);

	qsort(rows, r->n_rows, sizeof *rows, most_cases_first);
	fill_unit_chart(s->on_time, rows, n, false);
	fill_unit_chart(s->satisfaction, rows, n, true);
	g_free(rows);
}

static void on_stats(const Jianyi__Envelope *env, const struct jy_error *err, void *user,
		     bool by_unit)
{
	struct desk_stats *s = user;

	s->waiting--;
	if (err != NULL) {
		char *text = g_strdup_printf(_("The statistics could not be read: %s"), err->message);
		gtk_label_set_text(GTK_LABEL(s->summary), text);
		g_free(text);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_STATS)
		return;
	if (by_unit) {
		fill_units(s, env->response->stats);
	} else if (env->response->stats->n_rows > 0) {
		fill_figures(s, env->response->stats->rows[0]);
		fill_classes(s, env->response->stats->rows[0]);
		gtk_label_set_text(GTK_LABEL(s->summary), _("Statistics of every registered case"));
	} else {
		gtk_label_set_text(GTK_LABEL(s->summary), _("No suggestions to count yet."));
	}
}

static void on_stats_all(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	on_stats(env, err, user, false);
}

static void on_stats_by_unit(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	on_stats(env, err, user, true);
}

static void ask(struct desk_stats *s, const char *group_by, desk_link_reply_fn reply)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest q = JIANYI__STATS_REQUEST__INIT;
	struct jy_error e = { 0 };

	q.group_by = (char *)group_by;
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &q;
	if (desk_link_send(s->link, &req, reply, s, &e))
		s->waiting++;
}

void desk_stats_reload(struct desk_stats *s)
{
	if (s->waiting > 0)
		return;   /* the answers on their way are as fresh */
	ask(s, "", on_stats_all);
	ask(s, "unit", on_stats_by_unit);
}

static GtkWidget *figures_box(struct desk_stats *s)
{
	GtkWidget *box = gtk_flow_box_new();

	gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(box), GTK_SELECTION_NONE);
	gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(box), 5);
	gtk_flow_box_set_column_spacing(GTK_FLOW_BOX(box), 24);
	gtk_flow_box_set_row_spacing(GTK_FLOW_BOX(box), 6);
	for (int f = 0; f < NFIG; f++) {
		s->figure[f] = gtk_label_new(_(figure_names[f]));
		gtk_label_set_xalign(GTK_LABEL(s->figure[f]), 0);
		gtk_flow_box_append(GTK_FLOW_BOX(box), s->figure[f]);
	}
	return box;
}

static GtkWidget *charts_box(struct desk_stats *s)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	s->classes = desk_chart_new(_("Result classes of the first replies"));
	s->on_time = desk_chart_new(_("Replied on time, by unit (%)"));
	s->satisfaction = desk_chart_new(_("Final satisfaction, by unit (%)"));
	gtk_box_append(GTK_BOX(box), s->classes);
	gtk_box_append(GTK_BOX(box), s->on_time);
	gtk_box_append(GTK_BOX(box), s->satisfaction);
	return box;
}

struct desk_stats *desk_stats_new(struct desk_link *link)
{
	struct desk_stats *s = g_new0(struct desk_stats, 1);
	GtkWidget *scroll = gtk_scrolled_window_new(), *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);

	s->link = link;
	s->export = desk_ledger_export_new(link);
	s->summary = gtk_label_new(_("Waiting for the server…"));
	gtk_label_set_xalign(GTK_LABEL(s->summary), 0);
	gtk_widget_add_css_class(s->summary, "heading");
	gtk_box_append(GTK_BOX(box), s->summary);
	gtk_box_append(GTK_BOX(box), figures_box(s));
	gtk_box_append(GTK_BOX(box), charts_box(s));
	gtk_box_append(GTK_BOX(box), desk_ledger_export_widget(s->export));
	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	gtk_widget_set_margin_top(box, 8);
	gtk_widget_set_margin_bottom(box, 8);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), box);
	gtk_widget_set_vexpand(scroll, TRUE);
	s->root = scroll;
	return s;
}

GtkWidget *desk_stats_widget(struct desk_stats *s)
{
	return s->root;
}

struct desk_ledger_export *desk_stats_ledger_export(struct desk_stats *s)
{
	return s->export;
}

void desk_stats_free(struct desk_stats *s)
{
	desk_ledger_export_free(s->export);
	g_free(s);
}
