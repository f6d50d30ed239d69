/* See desk_window.h. The window owns the link and the pages; they go when
 * it is destroyed (the link first: no answer then reaches a page). */
#include "desk_window.h"

#include "cli_i18n.h"
#include "cli_settings.h"
#include "desk_case_view.h"
#include "desk_cases.h"
#include "desk_draft.h"
#include "desk_header.h"
#include "desk_link.h"
#include "desk_offline.h"
#include "desk_probe.h"
#include "desk_stats.h"
#include "desk_supervision.h"
#include "desk_todo.h"

#define WIDTH 1366
#define HEIGHT 768

struct desk_window {
	GtkWidget *win, *stack;
	struct desk_link *link;
	struct desk_header *header;
	struct desk_todo *todo;
	struct desk_cases *cases;
	struct desk_draft *draft;       /* 起草新建议, for deputies */
	struct desk_case_view *view;
	struct desk_supervision *supervision;
	struct desk_stats *stats;
	struct desk_offline *offline;   /* NULL: no mirror configured */
};

/* Pushed notices follow (Inbox with follow, as "jianyi inbox --follow"):
 * each one refreshes the to-do list. The first answer itself is not shown. */
static void on_inbox(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	(void)env;
	(void)err;
	(void)user;
}

static void follow_notices(struct desk_window *w)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest q = JIANYI__INBOX_REQUEST__INIT;
	struct jy_error e = { 0 };

	q.limit = 1;
	q.follow = true;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &q;
	desk_link_send(w->link, &req, on_inbox, w, &e);
}

/* 督办 and 统计 only for the roles that see every case (desk_stats_for). */
static void show_oversight(struct desk_window *w, const Jianyi__Identity *who)
{
	bool show = desk_stats_for(who);
	GtkStack *stack = GTK_STACK(w->stack);

	gtk_stack_page_set_visible(gtk_stack_get_page(stack, desk_supervision_widget(w->supervision)),
				   show);
	gtk_stack_page_set_visible(gtk_stack_get_page(stack, desk_stats_widget(w->stats)), show);
	desk_supervision_show_roles(w->supervision, who);
	if (show) {
		desk_supervision_reload(w->supervision);
		desk_stats_reload(w->stats);
	}
}

static void on_status(enum desk_link_state state, const char *why, void *user)
{
	struct desk_window *w = user;
	const Jianyi__Welcome *welcome = desk_link_welcome(w->link);

	desk_header_show_status(w->header, state, why);
	/* offline with the mirror, the person is still at work: who stays */
	if (welcome != NULL || w->offline == NULL || state != DESK_LINK_RECONNECTING)
		desk_header_show_identity(w->header, welcome != NULL ? welcome->identity : NULL);
	if (w->offline != NULL)
		desk_offline_link_state(w->offline, state);
	if (state != DESK_LINK_CONNECTED)
		return;
	show_oversight(w, welcome->identity);
	desk_draft_show_for(w->draft, welcome->identity);
	follow_notices(w);
	desk_todo_refresh(w->todo);
	desk_cases_reload(w->cases);
	desk_case_view_reload(w->view);
}

/* A notice refreshes the to-do list, and the case view when it is about
 * the case shown (so does a change-feed event). */
static void on_event(const Jianyi__Event *ev, void *user)
{
	struct desk_window *w = user;

	if (g_strcmp0(ev->kind, "notice") == 0) {
		desk_todo_refresh(w->todo);
		if (ev->notice != NULL)
			desk_case_view_follow(w->view, ev->notice->suggestion_id);
		desk_offline_changed(w->offline);
	} else if (g_strcmp0(ev->kind, "feed") == 0 && ev->feed != NULL) {
		desk_case_view_follow(w->view, ev->feed->suggestion_id);
	}
}

static void open_case(int64_t id, void *user)
{
	struct desk_window *w = user;

	desk_case_view_open(w->view, id);
	gtk_stack_set_visible_child_name(GTK_STACK(w->stack), "case");
}

/* An action changed a case: the to-do list and the case list change with it. */
static void on_case_changed(void *user)
{
	struct desk_window *w = user;

	desk_todo_refresh(w->todo);
	desk_cases_reload(w->cases);
	desk_offline_changed(w->offline);
}

/* Every page loads again (from the mirror while offline). */
static void reload_pages(void *user)
{
	struct desk_window *w = user;

	desk_todo_refresh(w->todo);
	desk_cases_reload(w->cases);
	desk_case_view_reload(w->view);
}

/* 导出台账 exports what the case list's filters give (desk_ledger_export.h). */
static char *cases_filter(Jianyi__ListSuggestionsRequest *q, void *user)
{
	struct desk_window *w = user;

	return desk_cases_filter(w->cases, q);
}

/* The to-do page's line while offline (desk_todo_set_note). */
static const char *todo_note(void *offline)
{
	return desk_offline_todo_note(offline);
}

static gboolean show_page(GtkWidget *widget, GVariant *args, gpointer data)
{
	struct desk_window *w = data;

	GtkWidget *page = gtk_stack_get_child_by_name(GTK_STACK(w->stack),
						      g_variant_get_string(args, NULL));

	(void)widget;
	if (page != NULL && gtk_widget_get_visible(page))   /* 督办, 统计: not for every role */
		gtk_stack_set_visible_child(GTK_STACK(w->stack), page);
	return TRUE;
}

static gboolean find_case(GtkWidget *widget, GVariant *args, gpointer data)
{
	struct desk_window *w = data;

	(void)widget;
	(void)args;
	gtk_stack_set_visible_child_name(GTK_STACK(w->stack), "cases");
	gtk_widget_grab_focus(desk_cases_search(w->cases));
	return TRUE;
}

/* Ctrl+N: 起草新建议, where offered (deputies). */
static gboolean new_draft(GtkWidget *widget, GVariant *args, gpointer data)
{
	struct desk_window *w = data;

	(void)widget;
	(void)args;
	if (desk_draft_open(w->draft))
		gtk_stack_set_visible_child_name(GTK_STACK(w->stack), "cases");
	return TRUE;
}

/* F10: the case's menu 更多操作, the keyboard's second level. */
static gboolean more_actions(GtkWidget *widget, GVariant *args, gpointer data)
{
	struct desk_window *w = data;

	(void)widget;
	(void)args;
	return desk_case_view_more(w->view);
}

static gboolean refresh(GtkWidget *widget, GVariant *args, gpointer data)
{
	struct desk_window *w = data;

	(void)widget;
	(void)args;
	desk_link_retry_now(w->link);   /* a dropped link: now, not after the back-off */
	reload_pages(w);
	if (desk_link_welcome(w->link) != NULL)
		show_oversight(w, desk_link_welcome(w->link)->identity);
	return TRUE;
}

static void add_shortcut(GtkEventController *c, const char *accel, GtkShortcutFunc fn,
			 struct desk_window *w, GVariant *args)
{
	GtkShortcut *s = gtk_shortcut_new(gtk_shortcut_trigger_parse_string(accel),
					  gtk_callback_action_new(fn, w, NULL));

	if (args != NULL)
		gtk_shortcut_set_arguments(s, args);
	gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(c), s);
}

/* Ctrl+1/2/3 the pages (Ctrl+4/5 督办 and 统计 where shown), Ctrl+F the search, F5 everything
 * again (and a dropped link tried at once), Ctrl+N a new suggestion (deputies), F10 the
 * case's 更多操作. */
static void add_shortcuts(struct desk_window *w)
{
	GtkEventController *c = gtk_shortcut_controller_new();

	gtk_shortcut_controller_set_scope(GTK_SHORTCUT_CONTROLLER(c), GTK_SHORTCUT_SCOPE_GLOBAL);
	add_shortcut(c, "<Control>1", show_page, w, g_variant_new_string("todo"));
	add_shortcut(c, "<Control>2", show_page, w, g_variant_new_string("cases"));
	add_shortcut(c, "<Control>3", show_page, w, g_variant_new_string("case"));
	add_shortcut(c, "<Control>4", show_page, w, g_variant_new_string("supervision"));
	add_shortcut(c, "<Control>5", show_page, w, g_variant_new_string("stats"));
	add_shortcut(c, "<Control>f", find_case, w, NULL);
	add_shortcut(c, "F5", refresh, w, NULL);
	add_shortcut(c, "<Control>n", new_draft, w, NULL);
	gtk_widget_add_controller(w->win, c);
	/* GtkWindow's own F10 (the menu bar's) would take it in the bubble phase */
	c = gtk_shortcut_controller_new();
	gtk_event_controller_set_propagation_phase(c, GTK_PHASE_CAPTURE);
	add_shortcut(c, "F10", more_actions, w, NULL);
	gtk_widget_add_controller(w->win, c);
}

static void on_destroy(GtkWidget *widget, gpointer data)
{
	struct desk_window *w = data;

	(void)widget;
	desk_link_free(w->link);
	desk_offline_free(w->offline);
	desk_todo_free(w->todo);
	desk_cases_free(w->cases);
	desk_draft_free(w->draft);
	desk_case_view_free(w->view);
	desk_supervision_free(w->supervision);
	desk_stats_free(w->stats);
	desk_header_free(w->header);
	g_free(w);
}

static void add_page(struct desk_window *w, GtkWidget *page, const char *name, const char *title)
{
	GtkStackPage *p = gtk_stack_add_titled(GTK_STACK(w->stack), page, name, title);

	(void)p;
}

void desk_window_open(GtkApplication *app, const struct cli_settings *s)
{
	struct desk_window *w = g_new0(struct desk_window, 1);
	GtkWidget *switcher = gtk_stack_switcher_new();

	w->link = desk_link_new(s);
	w->win = gtk_application_window_new(app);
	gtk_window_set_title(GTK_WINDOW(w->win), _("Deputies' suggestions desk"));
	gtk_window_set_default_size(GTK_WINDOW(w->win), WIDTH, HEIGHT);
	w->stack = gtk_stack_new();
	gtk_stack_set_transition_type(GTK_STACK(w->stack), GTK_STACK_TRANSITION_TYPE_NONE);
	gtk_stack_switcher_set_stack(GTK_STACK_SWITCHER(switcher), GTK_STACK(w->stack));
	w->header = desk_header_new(switcher);
	gtk_window_set_titlebar(GTK_WINDOW(w->win), desk_header_widget(w->header));
	w->todo = desk_todo_new(w->link, open_case, w);
	w->cases = desk_cases_new(w->link, open_case, w);
	w->draft = desk_draft_new(w->link, on_case_changed, w);
	desk_cases_put_above(w->cases, desk_draft_widget(w->draft));
	w->view = desk_case_view_new(w->link, on_case_changed, w);
	add_page(w, desk_todo_widget(w->todo), "todo", _("To do"));
	add_page(w, desk_cases_widget(w->cases), "cases", _("Cases"));
	add_page(w, desk_case_view_widget(w->view), "case", _("Case"));
	w->supervision = desk_supervision_new(w->link, open_case, w);
	w->stats = desk_stats_new(w->link);
	desk_ledger_export_set_filter(desk_stats_ledger_export(w->stats), cases_filter, w);
	add_page(w, desk_supervision_widget(w->supervision), "supervision", _("Supervision"));
	add_page(w, desk_stats_widget(w->stats), "stats", _("Statistics"));
	show_oversight(w, NULL);
	if (s->mirror != NULL) {
		GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);

		w->offline = desk_offline_new(s->mirror, w->link, reload_pages, w);
		desk_todo_set_note(w->todo, todo_note, w->offline);
		gtk_box_append(GTK_BOX(box), desk_offline_banner(w->offline));
		gtk_widget_set_vexpand(w->stack, TRUE);
		gtk_box_append(GTK_BOX(box), w->stack);
		gtk_window_set_child(GTK_WINDOW(w->win), box);
	} else {
		gtk_window_set_child(GTK_WINDOW(w->win), w->stack);
	}
	add_shortcuts(w);
	g_signal_connect(w->win, "destroy", G_CALLBACK(on_destroy), w);
	desk_link_set_handlers(w->link, on_status, on_event, w);
	desk_probe_start(w->win);   /* tests only (JIANYI_DESK_TEST_FRAMES) */
	gtk_window_present(GTK_WINDOW(w->win));
	desk_link_start(w->link);
}
