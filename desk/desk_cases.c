/* See desk_cases.h. */
#include "desk_cases.h"

#include <inttypes.h>

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_case_model.h"
#include "desk_probe.h"

/* The states the filter offers, in the workflow's order (UNSPECIFIED
 * first: any). */
static const Jianyi__State states[] = {
	JIANYI__STATE__STATE_UNSPECIFIED, JIANYI__STATE__STATE_SUBMITTED,
	JIANYI__STATE__STATE_RETURNED, JIANYI__STATE__STATE_REGISTERED,
	JIANYI__STATE__STATE_ASSIGNED, JIANYI__STATE__STATE_DISPUTED,
	JIANYI__STATE__STATE_ACCEPTED, JIANYI__STATE__STATE_IN_PROGRESS,
	JIANYI__STATE__STATE_REPLIED, JIANYI__STATE__STATE_REHANDLING,
	JIANYI__STATE__STATE_EVALUATED, JIANYI__STATE__STATE_CLOSED,
};

struct desk_cases {
	desk_open_fn open;
	void *user;
	DeskCaseModel *model;
	GtkWidget *root, *search, *state, *overdue, *status, *view;
	gboolean complete;          /* every page of the filter is in */
};

enum col { COL_NUMBER, COL_TITLE, COL_STATE, COL_UNIT, COL_DEADLINE, NCOLS };

static const int widths[NCOLS] = { 24, 0, 10, 18, 12 };
static const char *const headings[NCOLS] = {
	N_("Number"), N_("Title"), N_("State"), N_("Lead unit"), N_("Reply due"),
};

/* A row of NCOLS labels, as wide as the columns. */
static GtkWidget *row_box(void)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	gtk_widget_set_margin_top(box, 4);
	gtk_widget_set_margin_bottom(box, 4);
	for (int i = 0; i < NCOLS; i++) {
		GtkWidget *l = gtk_label_new("");

		gtk_label_set_xalign(GTK_LABEL(l), 0);
		if (widths[i] > 0)
			gtk_label_set_width_chars(GTK_LABEL(l), widths[i]);
		else {
			gtk_widget_set_hexpand(l, TRUE);
			gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
		}
		gtk_box_append(GTK_BOX(box), l);
	}
	return box;
}

static void on_setup(GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void)f;
	(void)data;
	gtk_list_item_set_child(item, row_box());
}

/* The columns' names above the list. */
static GtkWidget *column_heads(void)
{
	GtkWidget *box = row_box(), *l = gtk_widget_get_first_child(box);

	for (int i = 0; i < NCOLS && l != NULL; i++, l = gtk_widget_get_next_sibling(l)) {
		gtk_label_set_text(GTK_LABEL(l), _(headings[i]));
		gtk_widget_add_css_class(l, "dim-label");
	}
	return box;
}

static void on_bind(GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	DeskCase *c = gtk_list_item_get_item(item);
	GtkWidget *l = gtk_widget_get_first_child(gtk_list_item_get_child(item));
	char *number = desk_case_number(c)[0] ? g_strdup(desk_case_number(c))
		: g_strdup_printf(_("Case %" PRId64), desk_case_id(c));
	char *deadline = desk_case_overdue(c)
		? g_strdup_printf(_("%s overdue"), desk_case_deadline(c))
		: g_strdup(desk_case_deadline(c));
	const char *text[NCOLS] = { number, desk_case_title(c), cli_state_text(desk_case_state(c)),
				    desk_case_lead_unit(c), deadline };
	struct desk_cases *cases = data;
	guint at = gtk_list_item_get_position(item);

	(void)f;
	/* the benchmark's mark: the list scrolled to its very end */
	if (cases->complete && at + 1 == g_list_model_get_n_items(G_LIST_MODEL(cases->model)))
		desk_probe_mark_painted("cases end painted %u", at + 1);
	for (int i = 0; i < NCOLS && l != NULL; i++, l = gtk_widget_get_next_sibling(l)) {
		gtk_label_set_text(GTK_LABEL(l), text[i]);
		if (i == COL_DEADLINE && desk_case_overdue(c))
			gtk_widget_add_css_class(l, "error");
		else if (i == COL_DEADLINE)
			gtk_widget_remove_css_class(l, "error");
	}
	gtk_accessible_update_property(GTK_ACCESSIBLE(gtk_list_item_get_child(item)),
				       GTK_ACCESSIBLE_PROPERTY_LABEL, desk_case_title(c), -1);
	g_free(number);
	g_free(deadline);
}

static void on_activate(GtkListView *view, guint position, gpointer data)
{
	struct desk_cases *c = data;
	DeskCase *k = g_list_model_get_item(G_LIST_MODEL(c->model), position);

	(void)view;
	if (k == NULL)
		return;
	c->open(desk_case_id(k), c->user);
	g_object_unref(k);
}

static void on_status(guint loaded, gboolean more, const char *why, void *user)
{
	struct desk_cases *c = user;
	char *text;

	c->complete = why == NULL && !more;
	if (why == NULL)
		desk_probe_mark_painted("cases painted %u %s", loaded, more ? "more" : "all");
	if (why != NULL)
		text = g_strdup_printf(_("The list could not be read: %s"), why);
	else if (more)
		text = g_strdup_printf(_("%u cases loaded; more load as you scroll"), loaded);
	else
		text = g_strdup_printf(ngettext("%u case", "%u cases", loaded), loaded);
	gtk_label_set_text(GTK_LABEL(c->status), text);
	g_free(text);
}

void desk_cases_reload(struct desk_cases *c)
{
	guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(c->state));

	c->complete = FALSE;
	desk_case_model_filter(c->model, i < G_N_ELEMENTS(states) ? states[i] : JIANYI__STATE__STATE_UNSPECIFIED,
			       gtk_editable_get_text(GTK_EDITABLE(c->search)),
			       gtk_check_button_get_active(GTK_CHECK_BUTTON(c->overdue)));
}

static void on_filter_changed(GObject *w, GParamSpec *p, gpointer data)
{
	(void)w;
	(void)p;
	desk_cases_reload(data);
}

static void on_search_changed(GtkSearchEntry *e, gpointer data)
{
	(void)e;
	desk_cases_reload(data);
}

static GtkWidget *state_filter(void)
{
	GtkStringList *names = gtk_string_list_new(NULL);
	GtkWidget *d;

	gtk_string_list_append(names, _("All states"));
	for (size_t i = 1; i < G_N_ELEMENTS(states); i++)
		gtk_string_list_append(names, cli_state_text(states[i]));
	d = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
	gtk_accessible_update_property(GTK_ACCESSIBLE(d), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Filter by state"), -1);
	return d;
}

static GtkWidget *filter_bar(struct desk_cases *c)
{
	GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	gtk_widget_set_margin_start(bar, 12);
	gtk_widget_set_margin_end(bar, 12);
	gtk_widget_set_margin_top(bar, 8);
	c->search = gtk_search_entry_new();
	g_object_set(c->search, "placeholder-text", _("Search titles and texts"), NULL);
	gtk_accessible_update_property(GTK_ACCESSIBLE(c->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Search cases"), -1);
	gtk_widget_set_hexpand(c->search, TRUE);
	g_signal_connect(c->search, "search-changed", G_CALLBACK(on_search_changed), c);
	c->state = state_filter();
	g_signal_connect(c->state, "notify::selected", G_CALLBACK(on_filter_changed), c);
	c->overdue = gtk_check_button_new_with_mnemonic(_("_Overdue only"));
	gtk_accessible_update_property(GTK_ACCESSIBLE(c->overdue), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Overdue only"), -1);
	g_signal_connect(c->overdue, "notify::active", G_CALLBACK(on_filter_changed), c);
	gtk_box_append(GTK_BOX(bar), c->search);
	gtk_box_append(GTK_BOX(bar), c->state);
	gtk_box_append(GTK_BOX(bar), c->overdue);
	return bar;
}

struct desk_cases *desk_cases_new(struct desk_link *link, desk_open_fn open, void *user)
{
	struct desk_cases *c = g_new0(struct desk_cases, 1);
	GtkListItemFactory *f = gtk_signal_list_item_factory_new();
	GtkWidget *scroll = gtk_scrolled_window_new();

	c->open = open;
	c->user = user;
	c->model = desk_case_model_new(link, on_status, c);
	c->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	gtk_box_append(GTK_BOX(c->root), filter_bar(c));
	gtk_box_append(GTK_BOX(c->root), column_heads());
	g_signal_connect(f, "setup", G_CALLBACK(on_setup), c);
	g_signal_connect(f, "bind", G_CALLBACK(on_bind), c);
	c->view = gtk_list_view_new(
		GTK_SELECTION_MODEL(gtk_single_selection_new(G_LIST_MODEL(g_object_ref(c->model)))), f);
	gtk_accessible_update_property(GTK_ACCESSIBLE(c->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Cases"), -1);
	g_signal_connect(c->view, "activate", G_CALLBACK(on_activate), c);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), c->view);
	gtk_widget_set_vexpand(scroll, TRUE);
	gtk_box_append(GTK_BOX(c->root), scroll);
	c->status = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(c->status), 0);
	gtk_widget_set_margin_start(c->status, 12);
	gtk_widget_set_margin_bottom(c->status, 6);
	gtk_widget_add_css_class(c->status, "dim-label");
	gtk_box_append(GTK_BOX(c->root), c->status);
	return c;
}

GtkWidget *desk_cases_widget(struct desk_cases *c)
{
	return c->root;
}

void desk_cases_put_above(struct desk_cases *c, GtkWidget *w)
{
	gtk_box_prepend(GTK_BOX(c->root), w);
}

GtkWidget *desk_cases_search(struct desk_cases *c)
{
	return c->search;
}

char *desk_cases_filter(struct desk_cases *c, Jianyi__ListSuggestionsRequest *q)
{
	guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(c->state));
	GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
	char *text;

	q->state = i < G_N_ELEMENTS(states) ? states[i] : JIANYI__STATE__STATE_UNSPECIFIED;
	q->text = (char *)gtk_editable_get_text(GTK_EDITABLE(c->search));
	q->overdue_only = gtk_check_button_get_active(GTK_CHECK_BUTTON(c->overdue));
	if (q->state != JIANYI__STATE__STATE_UNSPECIFIED)
		g_ptr_array_add(words, g_strdup_printf(_("state: %s"), cli_state_text(q->state)));
	if (q->text[0] != '\0')
		g_ptr_array_add(words, g_strdup_printf(_("search: %s"), q->text));
	if (q->overdue_only)
		g_ptr_array_add(words, g_strdup(_("overdue only")));
	g_ptr_array_add(words, NULL);
	/* TRANSLATORS: between two filters of the case list */
	text = g_strjoinv(_("; "), (char **)words->pdata);
	g_ptr_array_free(words, TRUE);
	return text;
}

void desk_cases_free(struct desk_cases *c)
{
	g_object_unref(c->model);
	g_free(c);
}
