/* See desk_todo.h. One row an item: due date, days left (overdue in red),
 * what to do, case number, title, and an 打开 button. */
#include "desk_todo.h"

#include <inttypes.h>

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_probe.h"

struct desk_todo {
	struct desk_link *link;
	desk_open_fn open;
	void *user;
	GtkWidget *root, *summary, *note, *list;
	const char *(*note_text)(void *user);
	void *note_user;
	bool waiting;            /* a TodoRequest is out */
	bool again;              /* asked for again meanwhile */
};

static void on_open_clicked(GtkButton *b, gpointer data)
{
	struct desk_todo *t = data;
	int64_t *id = g_object_get_data(G_OBJECT(b), "case-id");

	t->open(*id, t->user);
}

static void on_row_activated(GtkListBox *box, GtkListBoxRow *row, gpointer data)
{
	struct desk_todo *t = data;
	int64_t *id = g_object_get_data(G_OBJECT(row), "case-id");

	(void)box;
	t->open(*id, t->user);
}

static GtkWidget *cell(const char *text, int width_chars, bool expand)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	if (width_chars > 0)
		gtk_label_set_width_chars(GTK_LABEL(l), width_chars);
	if (expand) {
		gtk_widget_set_hexpand(l, TRUE);
		gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
	}
	return l;
}

static char *days_left_text(const Jianyi__TodoItem *it)
{
	if (!it->due[0])
		return g_strdup("—");
	if (it->days_left < 0)
		return g_strdup_printf(_("%d days overdue"), -it->days_left);
	if (it->days_left == 0)
		return g_strdup(_("due today"));
	return g_strdup_printf(_("%d days left"), it->days_left);
}

static char *what_text(const Jianyi__TodoItem *it)
{
	if (g_strcmp0(it->kind, "overdue") == 0)
		/* TRANSLATORS: overdue: which deadline (whose) */
		return g_strdup_printf(_("%s: %s (%s)"), cli_todo_text(it->kind),
				       cli_deadline_text(it->deadline_kind), it->owner_name);
	return g_strdup(cli_todo_text(it->kind));
}

static GtkWidget *item_row(struct desk_todo *t, const Jianyi__TodoItem *it)
{
	GtkWidget *row = gtk_list_box_row_new(), *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *left, *open;
	char *days = days_left_text(it), *what = what_text(it), *number, *name;
	int64_t *id = g_new(int64_t, 1);

	*id = it->suggestion_id;
	number = it->number[0] ? g_strdup(it->number) : g_strdup_printf(_("Case %" PRId64), *id);
	gtk_widget_set_margin_top(box, 6);
	gtk_widget_set_margin_bottom(box, 6);
	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	gtk_box_append(GTK_BOX(box), cell(it->due[0] ? it->due : "—", 10, false));
	left = cell(days, 10, false);
	if (it->days_left < 0 || it->overdue)
		gtk_widget_add_css_class(left, "error");
	gtk_box_append(GTK_BOX(box), left);
	gtk_box_append(GTK_BOX(box), cell(what, 16, false));
	gtk_box_append(GTK_BOX(box), cell(number, 22, false));
	gtk_box_append(GTK_BOX(box), cell(it->title, 0, true));
	open = gtk_button_new_with_label(_("Open"));
	name = g_strdup_printf(_("Open %s: %s"), number, it->title);
	gtk_accessible_update_property(GTK_ACCESSIBLE(open), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	g_object_set_data_full(G_OBJECT(open), "case-id", id, g_free);
	g_signal_connect(open, "clicked", G_CALLBACK(on_open_clicked), t);
	gtk_box_append(GTK_BOX(box), open);
	gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
	g_object_set_data(G_OBJECT(row), "case-id", id);
	g_free(name);
	/* TRANSLATORS: a to-do row read aloud: what to do, case number, title, days left */
	name = g_strdup_printf(_("%s: %s %s, %s"), what, number, it->title, days);
	gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       name, -1);
	g_free(days);
	g_free(what);
	g_free(number);
	g_free(name);
	return row;
}

/* Empties a list box (gtk_list_box_remove_all is GTK 4.12; Debian 12 has 4.8). */
static void remove_rows(GtkWidget *box)
{
	GtkWidget *row;

	while ((row = gtk_widget_get_first_child(box)) != NULL)
		gtk_list_box_remove(GTK_LIST_BOX(box), row);
}

/* The line above the list (the mirror's copy, as of when), if any. */
static void show_note(struct desk_todo *t)
{
	const char *text = t->note_text != NULL ? t->note_text(t->note_user) : NULL;

	gtk_label_set_text(GTK_LABEL(t->note), text != NULL ? text : "");
	gtk_widget_set_visible(t->note, text != NULL);
}

static void fill(struct desk_todo *t, const Jianyi__TodoResponse *r)
{
	char *summary;

	remove_rows(t->list);
	for (size_t i = 0; i < r->n_items; i++)
		gtk_list_box_append(GTK_LIST_BOX(t->list), item_row(t, r->items[i]));
	if (r->n_items == 0)
		summary = g_strdup_printf(_("Nothing to do (today is %s)."), r->today);
	else
		summary = g_strdup_printf(ngettext("%zu item to do (today is %s)",
						   "%zu items to do (today is %s)", r->n_items),
					  r->n_items, r->today);
	gtk_label_set_text(GTK_LABEL(t->summary), summary);
	g_free(summary);
	show_note(t);
	desk_probe_mark_painted("todo painted %zu", r->n_items);   /* the benchmark's */
}

static void on_todo(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct desk_todo *t = user;

	t->waiting = false;
	if (err != NULL) {
		char *text = g_strdup_printf(_("The to-do list could not be read: %s"), err->message);
		gtk_label_set_text(GTK_LABEL(t->summary), text);
		g_free(text);
	} else if (env->response->body_case == JIANYI__RESPONSE__BODY_TODO) {
		fill(t, env->response->todo);
	}
	if (t->again) {
		t->again = false;
		desk_todo_refresh(t);
	}
}

void desk_todo_refresh(struct desk_todo *t)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	struct jy_error e = { 0 };

	if (t->waiting) {   /* one at a time: the answer then asks again */
		t->again = true;
		return;
	}
	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	t->waiting = true;
	if (!desk_link_send(t->link, &req, on_todo, t, &e))
		t->waiting = false;
}

struct desk_todo *desk_todo_new(struct desk_link *link, desk_open_fn open, void *user)
{
	struct desk_todo *t = g_new0(struct desk_todo, 1);
	GtkWidget *scroll = gtk_scrolled_window_new();

	t->link = link;
	t->open = open;
	t->user = user;
	t->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	t->summary = gtk_label_new(_("Waiting for the server…"));
	gtk_label_set_xalign(GTK_LABEL(t->summary), 0);
	gtk_widget_set_margin_start(t->summary, 12);
	gtk_widget_set_margin_top(t->summary, 8);
	gtk_widget_add_css_class(t->summary, "heading");
	t->note = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(t->note), 0);
	gtk_label_set_wrap(GTK_LABEL(t->note), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(t->note), PANGO_WRAP_WORD_CHAR);
	gtk_widget_set_margin_start(t->note, 12);
	gtk_widget_add_css_class(t->note, "warning");
	gtk_accessible_update_property(GTK_ACCESSIBLE(t->note), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       _("Where the to-do list comes from"), -1);
	gtk_widget_set_visible(t->note, FALSE);
	t->list = gtk_list_box_new();
	gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->list), GTK_SELECTION_NONE);
	gtk_widget_add_css_class(t->list, "rich-list");
	gtk_accessible_update_property(GTK_ACCESSIBLE(t->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("To-do list"), -1);
	g_signal_connect(t->list, "row-activated", G_CALLBACK(on_row_activated), t);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), t->list);
	gtk_widget_set_vexpand(scroll, TRUE);
	gtk_box_append(GTK_BOX(t->root), t->summary);
	gtk_box_append(GTK_BOX(t->root), t->note);
	gtk_box_append(GTK_BOX(t->root), scroll);
	return t;
}

void desk_todo_set_note(struct desk_todo *t, const char *(*note)(void *user), void *user)
{
	t->note_text = note;
	t->note_user = user;
}

GtkWidget *desk_todo_widget(struct desk_todo *t)
{
	return t->root;
}

void desk_todo_free(struct desk_todo *t)
{
	g_free(t);
}
