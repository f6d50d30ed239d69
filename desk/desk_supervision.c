/* See desk_supervision.h. Each tab asks once at a time; an answer that
 * comes while the page is being made again is simply shown. */
#include "desk_supervision.h"

#include <inttypes.h>

#include "cli_clock.h"
#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_rows.h"
#include "desk_sup_actions.h"
#include "desk_topics.h"

#define OVERDUE_LIMIT 2000      /* the server's most */
#define RECORDS_PAGE 200

struct desk_supervision {
	struct desk_link *link;
	desk_open_fn open;
	void *user;
	struct desk_topics *topics;
	struct desk_sup_actions *actions;
	GtkWidget *root, *tabs, *overdue_summary, *overdue, *records_summary, *records;
	bool overdue_waiting, records_waiting;
};

static void on_row_activated(GtkListBox *box, GtkListBoxRow *row, gpointer data)
{
	struct desk_supervision *s = data;
	int64_t *id = g_object_get_data(G_OBJECT(row), "case-id");

	(void)box;
	if (id != NULL)
		s->open(*id, s->user);
}

static void remember_case(GtkWidget *row, int64_t id)
{
	int64_t *copy = g_new(int64_t, 1);

	*copy = id;
	g_object_set_data_full(G_OBJECT(row), "case-id", copy, g_free);
}

static char *case_number(const char *number, int64_t id)
{
	return number[0] ? g_strdup(number) : g_strdup_printf(_("Case %" PRId64), id);
}

static void say_failed(GtkWidget *summary, const char *what, const struct jy_error *err)
{
	/* TRANSLATORS: what could not be read, why */
	char *text = g_strdup_printf(_("%s could not be read: %s"), what, err->message);

	gtk_label_set_text(GTK_LABEL(summary), text);
	g_free(text);
}

/* ---- 逾期 ------------------------------------------------------------- */

static void overdue_row(struct desk_supervision *s, const Jianyi__Deadline *d)
{
	char *days = g_strdup_printf(_("%d days overdue"), -d->days_left);
	char *number = case_number(d->number, d->suggestion_id), *aloud;
	const char *owner = d->organization_name[0] ? d->organization_name : d->deputy_name;
	struct desk_cell cells[] = {
		{ owner, 18, false }, { days, 10, true }, { cli_deadline_text(d->kind), 8, false },
		{ d->due, 10, false }, { number, 22, false }, { d->title, 0, false },
	};

	/* TRANSLATORS: an overdue row read aloud: who owes it, which deadline,
	 * the case's number and title, the days overdue */
	aloud = g_strdup_printf(_("%s owes the %s of %s %s, %s"), owner,
				cli_deadline_text(d->kind), number, d->title, days);
	remember_case(desk_row_add(s->overdue, cells, G_N_ELEMENTS(cells), aloud), d->suggestion_id);
	g_free(aloud);
	g_free(days);
	g_free(number);
}

static void on_overdue(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct desk_supervision *s = user;
	const Jianyi__DeadlinesResponse *r;
	char *text;

	s->overdue_waiting = false;
	if (err != NULL) {
		say_failed(s->overdue_summary, _("The overdue list"), err);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_DEADLINES)
		return;
	r = env->response->deadlines;
	desk_rows_clear(s->overdue);
	for (size_t i = 0; i < r->n_deadlines; i++)
		overdue_row(s, r->deadlines[i]);
	if (r->n_deadlines == 0)
		text = g_strdup_printf(_("Nothing overdue (today is %s)."), r->today);
	else
		text = g_strdup_printf(ngettext("%zu deadline overdue (today is %s)",
						"%zu deadlines overdue (today is %s)", r->n_deadlines),
				       r->n_deadlines, r->today);
	gtk_label_set_text(GTK_LABEL(s->overdue_summary), text);
	g_free(text);
}

static void ask_overdue(struct desk_supervision *s)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DeadlinesRequest q = JIANYI__DEADLINES_REQUEST__INIT;
	struct jy_error e = { 0 };

	q.overdue_only = true;
	q.limit = OVERDUE_LIMIT;
	req.body_case = JIANYI__REQUEST__BODY_DEADLINES;
	req.deadlines = &q;
	s->overdue_waiting = desk_link_send(s->link, &req, on_overdue, s, &e);
}

/* ---- 督办记录 --------------------------------------------------------- */

/* A record's text on one line. */
static char *one_line(const char *text)
{
	return g_strdelimit(g_strdup(text), "\r\n\t", ' ');
}

static void record_row(struct desk_supervision *s, const Jianyi__SupervisionRecord *x)
{
	char *number = case_number(x->number, x->suggestion_id), *flat = one_line(x->text), *aloud;
	char *level = g_strdup_printf(_("level %d"), x->level), day[64];
	const char *kind = cli_supervision_text(x->kind);
	struct desk_cell cells[] = {
		{ day, 10, false }, { kind, 12, false }, { level, 6, x->level > 1 },
		{ number, 22, false }, { x->title, 16, false },
		{ x->committee[0] ? x->committee : "—", 10, false }, { x->author_name, 6, false },
		{ flat, 0, false },
	};

	cli_clock_date(x->at, day, sizeof day);
	/* TRANSLATORS: a supervision record read aloud: date, kind, case
	 * number, case title, who, text */
	aloud = g_strdup_printf(_("%s %s on %s %s by %s: %s"), day, kind, number, x->title,
				x->author_name, flat);
	remember_case(desk_row_add(s->records, cells, G_N_ELEMENTS(cells), aloud),
		      x->suggestion_id);
	g_free(aloud);
	g_free(flat);
	g_free(level);
	g_free(number);
}

static void on_records(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct desk_supervision *s = user;
	const Jianyi__SupervisionListResponse *r;
	char *text;

	s->records_waiting = false;
	if (err != NULL) {
		say_failed(s->records_summary, _("The supervision records"), err);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_SUPERVISION_LIST)
		return;
	r = env->response->supervision_list;
	desk_rows_clear(s->records);
	for (size_t i = 0; i < r->n_records; i++)
		record_row(s, r->records[i]);
	if (r->n_records == 0)
		text = g_strdup(_("No supervision records."));
	else if (r->next_before_id != 0)
		text = g_strdup_printf(_("The newest %zu supervision records"), r->n_records);
	else
		text = g_strdup_printf(ngettext("%zu supervision record", "%zu supervision records",
						r->n_records), r->n_records);
	gtk_label_set_text(GTK_LABEL(s->records_summary), text);
	g_free(text);
}

static void ask_records(struct desk_supervision *s)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;
	struct jy_error e = { 0 };

	q.page_size = RECORDS_PAGE;
	req.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
	req.supervision_list = &q;
	s->records_waiting = desk_link_send(s->link, &req, on_records, s, &e);
}

/* ---- the page --------------------------------------------------------- */

void desk_supervision_reload(struct desk_supervision *s)
{
	if (!s->overdue_waiting)
		ask_overdue(s);
	if (!s->records_waiting)
		ask_records(s);
	desk_topics_reload(s->topics);
}

/* An action the server took: every tab shows it. */
static void on_done(void *user)
{
	desk_supervision_reload(user);
}

static void add_tab(GtkWidget *notebook, GtkWidget *page, const char *title)
{
	gtk_notebook_append_page(GTK_NOTEBOOK(notebook), page, gtk_label_new(title));
}

struct desk_supervision *desk_supervision_new(struct desk_link *link, desk_open_fn open,
					      void *user)
{
	struct desk_supervision *s = g_new0(struct desk_supervision, 1);
	GtkWidget *overdue, *records;

	s->link = link;
	s->open = open;
	s->user = user;
	s->topics = desk_topics_new(link);
	overdue = desk_section_new(_("Overdue deadlines"), &s->overdue_summary, &s->overdue);
	records = desk_section_new(_("Supervision records"), &s->records_summary, &s->records);
	gtk_label_set_text(GTK_LABEL(s->overdue_summary), _("Waiting for the server…"));
	gtk_label_set_text(GTK_LABEL(s->records_summary), _("Waiting for the server…"));
	g_signal_connect(s->overdue, "row-activated", G_CALLBACK(on_row_activated), s);
	g_signal_connect(s->records, "row-activated", G_CALLBACK(on_row_activated), s);
	s->tabs = gtk_notebook_new();
	add_tab(s->tabs, overdue, _("Overdue"));
	add_tab(s->tabs, records, _("Supervision records"));
	add_tab(s->tabs, desk_topics_widget(s->topics), _("Key-supervision topics"));
	add_tab(s->tabs, desk_excellent_widget(s->topics), _("Excellent suggestions"));
	gtk_widget_set_vexpand(s->tabs, TRUE);
	s->actions = desk_sup_actions_new(link, s->topics, s->tabs, on_done, s);
	s->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_box_append(GTK_BOX(s->root), desk_sup_actions_widget(s->actions));
	gtk_box_append(GTK_BOX(s->root), s->tabs);
	return s;
}

GtkWidget *desk_supervision_widget(struct desk_supervision *s)
{
	return s->root;
}

void desk_supervision_show_roles(struct desk_supervision *s, const Jianyi__Identity *who)
{
	desk_sup_actions_show_roles(s->actions, who);
}

void desk_supervision_free(struct desk_supervision *s)
{
	desk_sup_actions_free(s->actions);
	desk_topics_free(s->topics);
	g_free(s);
}
