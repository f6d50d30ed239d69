/* See desk_sup_actions.h. */
#include "desk_sup_actions.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_sup_forms.h"

#define FORMS_MAX_HEIGHT 330    /* the tabs keep the rest of a 768-pixel screen */

enum { TAB_OVERDUE, TAB_RECORDS, TAB_TOPICS, TAB_EXCELLENT };

enum role { LIAISON = 1, REVIEWER = 2 };  /* reviewers: committee members, leaders */

struct action {
	const char *label;        /* the button */
	const char *trigger;      /* its shortcut, as GTK parses it */
	const char *keys;         /* the same, for screen readers (aria-keyshortcuts) */
	int tab;                  /* shown when the form opens */
	int roles;                /* enum role */
};

static const struct action actions[] = {
	{ N_("Record supervision"), "<Control><Shift>s", "Control+Shift+S", TAB_RECORDS,
	  LIAISON | REVIEWER },
	{ N_("New topic"), "<Control><Shift>t", "Control+Shift+T", TAB_TOPICS, LIAISON },
	{ N_("Cases of a topic"), "<Control><Shift>m", "Control+Shift+M", TAB_TOPICS, LIAISON },
	{ N_("Nominate"), "<Control><Shift>n", "Control+Shift+N", TAB_EXCELLENT, LIAISON },
	{ N_("Score"), "<Control><Shift>g", "Control+Shift+G", TAB_EXCELLENT, REVIEWER },
	{ N_("Announce"), "<Control><Shift>p", "Control+Shift+P", TAB_EXCELLENT, LIAISON },
};

#define N_ACTIONS G_N_ELEMENTS(actions)

struct desk_sup_actions {
	GtkWidget *root, *notebook, *buttons[N_ACTIONS];
	struct desk_form *forms[N_ACTIONS];
};

/* One button or shortcut: the action's index, and the page's parts. */
struct opener {
	struct desk_sup_actions *a;
	size_t i;
};

static void open_form(struct desk_sup_actions *a, size_t i)
{
	for (size_t k = 0; k < N_ACTIONS; k++)
		if (k != i)
			desk_form_close(a->forms[k]);
	gtk_notebook_set_current_page(GTK_NOTEBOOK(a->notebook), actions[i].tab);
	desk_form_open(a->forms[i], 0, 0);
}

static void on_clicked(GtkButton *b, gpointer data)
{
	struct opener *o = data;

	(void)b;
	open_form(o->a, o->i);
}

/* Only while the page is shown, and for the roles whose button is shown. */
static gboolean on_shortcut(GtkWidget *w, GVariant *args, gpointer data)
{
	struct opener *o = data;

	(void)w;
	(void)args;
	if (!gtk_widget_get_mapped(o->a->root) || !gtk_widget_get_visible(o->a->buttons[o->i]))
		return FALSE;
	open_form(o->a, o->i);
	return TRUE;
}

static GtkWidget *action_button(struct desk_sup_actions *a, size_t i, GtkEventController *keys)
{
	struct opener *o = g_new0(struct opener, 1);
	GtkWidget *b = gtk_button_new_with_label(_(actions[i].label));
	char *tip = g_strdup_printf("%s (%s)", _(actions[i].label), actions[i].keys);

	o->a = a;
	o->i = i;
	g_object_set_data_full(G_OBJECT(b), "opener", o, g_free);
	gtk_widget_set_tooltip_text(b, tip);
	gtk_accessible_update_property(GTK_ACCESSIBLE(b), GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS,
				       actions[i].keys, -1);
	g_signal_connect(b, "clicked", G_CALLBACK(on_clicked), o);
	gtk_shortcut_controller_add_shortcut(
		GTK_SHORTCUT_CONTROLLER(keys),
		gtk_shortcut_new(gtk_shortcut_trigger_parse_string(actions[i].trigger),
				 gtk_callback_action_new(on_shortcut, o, NULL)));
	g_free(tip);
	return b;
}

static struct desk_form *new_form(size_t i, struct desk_link *link, struct desk_topics *topics,
				  void (*done)(void *user), void *user)
{
	switch (i) {
	case 0: return desk_sup_supervise_new(link, done, user);
	case 1: return desk_sup_topic_new(link, done, user);
	case 2: return desk_sup_member_new(link, topics, done, user);
	case 3: return desk_sup_nominate_new(link, topics, done, user);
	case 4: return desk_sup_score_new(link, topics, done, user);
	default: return desk_sup_announce_new(link, topics, done, user);
	}
}

/* The forms scroll when the one open is taller than its room. */
static GtkWidget *forms_box(struct desk_sup_actions *a)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	GtkWidget *scroll = gtk_scrolled_window_new();

	for (size_t i = 0; i < N_ACTIONS; i++)
		gtk_box_append(GTK_BOX(box), desk_form_widget(a->forms[i]));
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), box);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scroll), TRUE);
	gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scroll), FORMS_MAX_HEIGHT);
	return scroll;
}

struct desk_sup_actions *desk_sup_actions_new(struct desk_link *link, struct desk_topics *topics,
					      GtkWidget *notebook, void (*done)(void *user),
					      void *user)
{
	struct desk_sup_actions *a = g_new0(struct desk_sup_actions, 1);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkEventController *keys = gtk_shortcut_controller_new();

	a->notebook = notebook;
	a->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_shortcut_controller_set_scope(GTK_SHORTCUT_CONTROLLER(keys), GTK_SHORTCUT_SCOPE_GLOBAL);
	gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Supervision actions"), -1);
	gtk_widget_set_margin_start(row, 12);
	gtk_widget_set_margin_top(row, 6);
	gtk_widget_set_margin_bottom(row, 6);
	for (size_t i = 0; i < N_ACTIONS; i++) {
		a->forms[i] = new_form(i, link, topics, done, user);
		a->buttons[i] = action_button(a, i, keys);
		gtk_widget_set_visible(a->buttons[i], FALSE);
		gtk_box_append(GTK_BOX(row), a->buttons[i]);
	}
	gtk_widget_add_controller(a->root, keys);
	gtk_box_append(GTK_BOX(a->root), row);
	gtk_box_append(GTK_BOX(a->root), forms_box(a));
	return a;
}

GtkWidget *desk_sup_actions_widget(struct desk_sup_actions *a)
{
	return a->root;
}

static int roles_of(const Jianyi__Identity *who)
{
	int roles = 0;

	for (size_t i = 0; who != NULL && i < who->n_roles; i++) {
		if (strcmp(who->roles[i], "liaison_officer") == 0)
			roles |= LIAISON;
		else if (strcmp(who->roles[i], "committee_member") == 0 ||
			 strcmp(who->roles[i], "leader") == 0)
			roles |= REVIEWER;
	}
	return roles;
}

void desk_sup_actions_show_roles(struct desk_sup_actions *a, const Jianyi__Identity *who)
{
	int roles = roles_of(who);

	for (size_t i = 0; i < N_ACTIONS; i++) {
		bool shown = (actions[i].roles & roles) != 0;

		gtk_widget_set_visible(a->buttons[i], shown);
		if (!shown)
			desk_form_close(a->forms[i]);
	}
}

void desk_sup_actions_free(struct desk_sup_actions *a)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		desk_form_free(a->forms[i]);
	g_free(a);
}
