/* See desk_case_view.h. A case comes in pages of its timeline
 * (GetSuggestion, timeline_next_after): the view asks for the next page
 * until the timeline is complete, then shows it. */
#include "desk_case_view.h"

#include <inttypes.h>

#include "cli_i18n.h"
#include "cli_terms.h"
#include "cli_timeline.h"
#include "desk_actions.h"
#include "desk_attachments.h"
#include "desk_forms.h"

enum fact {
	F_NUMBER, F_STATE, F_KIND, F_DEPUTY, F_COSIGNERS, F_LEAD_UNIT, F_CO_UNITS, F_DEADLINE,
	F_HANDLER, F_PLAN, NFACTS
};

static const char *const fact_names[NFACTS] = {
	N_("Number"), N_("State"), N_("Kind"), N_("Lead deputy"), N_("Co-signers"),
	N_("Lead unit"), N_("Co-handling units"), N_("Reply due"), N_("Handler"), N_("Plan"),
};

/* The actions the view offers, each a button that opens its form; the
 * later ones are named with the CLI's words for the deed (cli_terms.h).
 * Every Alt+letter is taken: the actions without one (label NULL) are the
 * items of the menu 更多操作 (F10), the keyboard's second level. */
static const struct {
	unsigned action;              /* desk_actions.h */
	const char *label, *name;     /* the button: with its mnemonic, its accessible name */
	const char *deed;             /* else named by cli_deed_text(deed) */
	desk_form_new_fn form;
} action_forms[] = {
	{ DESK_ACTION_ACCEPT, N_("_Accept the assignment…"), N_("Accept the assignment"), NULL,
	  desk_accept_new },
	{ DESK_ACTION_PLAN, N_("Fix the _plan…"), N_("Fix the handler and the plan"), NULL,
	  desk_form_plan_new },
	{ DESK_ACTION_CONTACT, N_("Record a _visit…"), N_("Record a contact with the deputy"), NULL,
	  desk_form_contact_new },
	{ DESK_ACTION_REPLY, N_("_Reply…"), N_("Reply to the deputy"), NULL, desk_form_reply_new },
	{ DESK_ACTION_OPINION, N_("Send the opi_nion…"), NULL, "opinion", desk_form_opinion_new },
	{ DESK_ACTION_EXTEND, N_("Ask for an e_xtension…"), NULL, "extend", desk_form_extend_new },
	{ DESK_ACTION_FOLLOW_UP, N_("Report _follow-up…"), NULL, "follow_up",
	  desk_form_follow_up_new },
	{ DESK_ACTION_DISPUTE, N_("_Dispute…"), NULL, "dispute", desk_form_dispute_new },
	{ DESK_ACTION_ASSIGN, N_("Assi_gn…"), NULL, "assign", desk_form_assign_new },
	{ DESK_ACTION_REASSIGN, N_("Reassign (_M)…"), NULL, "reassign", desk_form_reassign_new },
	{ DESK_ACTION_APPROVE_EXTENSION, N_("Decide on the extension (_J)…"), NULL,
	  "approve_extension", desk_form_approve_new },
	{ DESK_ACTION_REGISTER, N_("Reg_ister…"), NULL, "register", desk_form_register_new },
	{ DESK_ACTION_RETURN, N_("Send _back…"), NULL, "return", desk_form_return_new },
	{ DESK_ACTION_SUPERVISE, N_("S_upervise…"), NULL, "supervise", desk_form_supervise_new },
	{ DESK_ACTION_CLOSE, N_("C_lose…"), NULL, "close", desk_form_close_new },
	{ DESK_ACTION_EVALUATE, N_("Evaluate (_K)…"), NULL, "evaluate", desk_form_evaluate_new },
	{ DESK_ACTION_MERGE, N_("Merge (_W)…"), NULL, "merge", desk_form_merge_new },
	{ DESK_ACTION_CONVERT, N_("Convert (_Z)…"), NULL, "convert", desk_form_convert_new },
	{ DESK_ACTION_SUBMIT, NULL, NULL, "submit", desk_form_submit_new },
	{ DESK_ACTION_COSIGN, NULL, NULL, "cosign", desk_form_cosign_new },
	{ DESK_ACTION_WITHDRAW, NULL, NULL, "withdraw", desk_form_withdraw_new },
	{ DESK_ACTION_CORRECT, NULL, NULL, "correct", desk_form_correct_new },
};
#define NFORMS (sizeof action_forms / sizeof action_forms[0])

/* Natural widths, in characters, of the labels that wrap: each column of
 * the view is half of a 1366-pixel window. */
#define TITLE_CHARS 30
#define TEXT_CHARS 50
#define FACT_CHARS 20
#define TIMELINE_CHARS 50

struct desk_case_view {
	struct desk_link *link;
	void (*changed)(void *user);
	void *user;
	GtkWidget *root, *title, *facts[NFACTS], *body, *actions, *timeline;
	GtkWidget *message, *buttons[NFORMS];
	GtkWidget *more, *more_items;    /* 更多操作 and its popover's box */
	GtkWidget *scrollers[2];         /* the two columns */
	double scroll[2];                /* their positions, kept while following */
	bool following;                  /* reloading for a change pushed to us */
	struct desk_form *forms[NFORMS];
	struct desk_attachments *attachments;
	int64_t id;
	unsigned generation;             /* opening another case outdates answers */
	GPtrArray *pages;                /* Jianyi__Envelope of the case being read */
};

struct get_req {
	struct desk_case_view *v;
	unsigned generation;
};

static void request_page(struct desk_case_view *v, int64_t after);

/* A label that wraps anywhere (Chinese has no spaces) and asks for a
 * narrow natural width: an unwrapped sentence would size the window wider
 * than a 1366-pixel screen (issue #14). */
static GtkWidget *wrapping_label(const char *text, int max_chars)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
	gtk_label_set_max_width_chars(GTK_LABEL(l), max_chars);
	return l;
}

static void set_fact(struct desk_case_view *v, enum fact f, const char *text)
{
	gtk_label_set_text(GTK_LABEL(v->facts[f]), text[0] ? text : "—");
}

static char *joined(char **items, size_t n)
{
	GString *s = g_string_new("");

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			g_string_append(s, _(", "));
		g_string_append(s, items[i]);
	}
	return g_string_free(s, FALSE);
}

static void show_facts(struct desk_case_view *v, const Jianyi__Suggestion *s)
{
	char *cosigners = joined(s->cosigners, s->n_cosigners);
	char *co_units = joined(s->co_units, s->n_co_units);
	char *deadline = s->overdue ? g_strdup_printf(_("%s (overdue)"), s->reply_deadline)
				    : g_strdup(s->reply_deadline);
	char *number = s->number[0] ? g_strdup(s->number)
				    : g_strdup_printf(_("Case %" PRId64 " (not registered)"), s->id);

	gtk_label_set_text(GTK_LABEL(v->title), s->title);
	set_fact(v, F_NUMBER, number);
	set_fact(v, F_STATE, cli_state_text(s->state));
	set_fact(v, F_KIND, cli_case_kind_text(s->kind));
	set_fact(v, F_DEPUTY, s->lead_deputy);
	set_fact(v, F_COSIGNERS, cosigners);
	set_fact(v, F_LEAD_UNIT, s->lead_unit);
	set_fact(v, F_CO_UNITS, co_units);
	set_fact(v, F_DEADLINE, deadline);
	set_fact(v, F_HANDLER, s->handler_name);
	set_fact(v, F_PLAN, s->plan);
	gtk_label_set_text(GTK_LABEL(v->body), s->body);
	g_free(cosigners);
	g_free(co_units);
	g_free(deadline);
	g_free(number);
}

/* Empties a list box (gtk_list_box_remove_all is GTK 4.12; Debian 12 has 4.8). */
static void remove_rows(GtkWidget *box)
{
	GtkWidget *row;

	while ((row = gtk_widget_get_first_child(box)) != NULL)
		gtk_list_box_remove(GTK_LIST_BOX(box), row);
}

/* The events of every page read, in order (they stay in v->pages). */
static GPtrArray *all_events(struct desk_case_view *v)
{
	GPtrArray *events = g_ptr_array_new();

	for (guint p = 0; p < v->pages->len; p++) {
		const Jianyi__GetSuggestionResponse *g =
			((Jianyi__Envelope *)g_ptr_array_index(v->pages, p))->response->get_suggestion;
		for (size_t i = 0; i < g->n_timeline; i++)
			g_ptr_array_add(events, g->timeline[i]);
	}
	return events;
}

static void show_timeline(struct desk_case_view *v, const Jianyi__Suggestion *s, GPtrArray *events)
{
	char **lines;

	lines = cli_timeline_sentences((Jianyi__TimelineEvent *const *)events->pdata, events->len, s);
	remove_rows(v->timeline);
	for (guint i = 0; i < events->len; i++) {
		GtkWidget *l = wrapping_label(lines[i], TIMELINE_CHARS);

		gtk_widget_set_margin_top(l, 4);
		gtk_widget_set_margin_bottom(l, 4);
		gtk_widget_set_margin_start(l, 8);
		gtk_widget_set_margin_end(l, 8);
		gtk_list_box_append(GTK_LIST_BOX(v->timeline), l);
	}
	cli_timeline_sentences_free(lines);
}

/* The actions the viewer may take now: a button each (desk_actions.h).
 * While following the case, a form still allowed stays open as it is. */
static void show_actions(struct desk_case_view *v, const Jianyi__GetSuggestionResponse *g)
{
	unsigned can = desk_allowed_actions(g);
	bool more = false;

	for (size_t i = 0; i < NFORMS; i++) {
		bool allowed = (can & action_forms[i].action) != 0;

		gtk_widget_set_visible(v->buttons[i], allowed);
		more |= allowed && action_forms[i].label == NULL;
		if (v->following && allowed && desk_form_is_open(v->forms[i]))
			desk_form_follow(v->forms[i], g->suggestion->version);
		else
			desk_form_close(v->forms[i]);
	}
	gtk_widget_set_visible(v->more, more);
	gtk_widget_set_visible(v->actions, can != 0);
}

/* Puts the scroll positions back once the reloaded case is laid out. */
static gboolean restore_scroll(GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	struct desk_case_view *v = data;

	(void)w;
	(void)clock;
	for (size_t i = 0; i < G_N_ELEMENTS(v->scrollers); i++)
		gtk_adjustment_set_value(gtk_scrolled_window_get_vadjustment(
			GTK_SCROLLED_WINDOW(v->scrollers[i])), v->scroll[i]);
	return G_SOURCE_REMOVE;
}

/* Every page is in: the latest page's suggestion is the case as it is. */
static void show_case(struct desk_case_view *v)
{
	Jianyi__Envelope *last = g_ptr_array_index(v->pages, v->pages->len - 1);
	const Jianyi__GetSuggestionResponse *g = last->response->get_suggestion;
	GPtrArray *events = all_events(v);

	show_facts(v, g->suggestion);
	show_timeline(v, g->suggestion, events);
	for (size_t i = 0; i < NFORMS; i++)
		desk_form_see_case(v->forms[i], g->suggestion);
	show_actions(v, g);
	for (size_t i = 0; i < NFORMS; i++)
		desk_form_see_timeline(v->forms[i], (Jianyi__TimelineEvent *const *)events->pdata,
				       events->len);
	desk_attachments_show(v->attachments, v->id, g->attachments, g->n_attachments,
			      (Jianyi__TimelineEvent *const *)events->pdata, events->len);
	g_ptr_array_free(events, TRUE);
	gtk_label_set_text(GTK_LABEL(v->message), "");
	if (v->following && gtk_widget_get_mapped(v->root))
		gtk_widget_add_tick_callback(v->root, restore_scroll, v, NULL);
	v->following = false;
}

static Jianyi__Envelope *copy_envelope(const Jianyi__Envelope *env)
{
	size_t n = jianyi__envelope__get_packed_size(env);
	uint8_t *buf = g_malloc(n);
	Jianyi__Envelope *copy;

	jianyi__envelope__pack(env, buf);
	copy = jianyi__envelope__unpack(NULL, n, buf);
	g_free(buf);
	return copy;
}

static void on_page(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct get_req *gr = user;
	struct desk_case_view *v = gr->v;

	if (gr->generation != v->generation) {
		g_free(gr);
		return;
	}
	g_free(gr);
	if (err != NULL) {
		char *text = g_strdup_printf(_("The case could not be read: %s"), err->message);
		gtk_label_set_text(GTK_LABEL(v->message), text);
		g_free(text);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_GET_SUGGESTION)
		return;
	/* the link frees env after this call: keep a copy of the page */
	g_ptr_array_add(v->pages, copy_envelope(env));
	if (env->response->get_suggestion->timeline_next_after != 0)
		request_page(v, env->response->get_suggestion->timeline_next_after);
	else
		show_case(v);
}

static void request_page(struct desk_case_view *v, int64_t after)
{
	Jianyi__Request req;
	Jianyi__GetSuggestionRequest g;
	struct get_req *gr = g_new0(struct get_req, 1);
	struct jy_error e = { 0 };

	jy_request_get(&req, &g, v->id);
	g.timeline_after = after;
	gr->v = v;
	gr->generation = v->generation;
	if (!desk_link_send(v->link, &req, on_page, gr, &e)) {
		char *text = g_strdup_printf(_("The case could not be read: %s"), e.message);
		gtk_label_set_text(GTK_LABEL(v->message), text);
		g_free(text);
		g_free(gr);
	}
}

void desk_case_view_open(struct desk_case_view *v, int64_t suggestion_id)
{
	v->following = false;
	v->id = suggestion_id;
	v->generation++;
	g_ptr_array_set_size(v->pages, 0);
	gtk_label_set_text(GTK_LABEL(v->message), _("Loading…"));
	request_page(v, 0);
}

void desk_case_view_reload(struct desk_case_view *v)
{
	if (v->id > 0)
		desk_case_view_open(v, v->id);
}

void desk_case_view_follow(struct desk_case_view *v, int64_t suggestion_id)
{
	if (v->id <= 0 || suggestion_id != v->id)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(v->scrollers); i++)
		v->scroll[i] = gtk_adjustment_get_value(gtk_scrolled_window_get_vadjustment(
			GTK_SCROLLED_WINDOW(v->scrollers[i])));
	v->generation++;
	g_ptr_array_set_size(v->pages, 0);
	v->following = true;
	request_page(v, 0);
}

/* An action's button opens its form (and closes any other) for the case
 * at the version shown. */
static void on_action_clicked(GtkButton *b, gpointer data)
{
	struct desk_case_view *v = data;
	const Jianyi__Envelope *last;
	int32_t version;

	gtk_menu_button_popdown(GTK_MENU_BUTTON(v->more));
	if (v->pages->len == 0)
		return;
	last = g_ptr_array_index(v->pages, v->pages->len - 1);
	version = last->response->get_suggestion->suggestion->version;
	for (size_t i = 0; i < NFORMS; i++)
		if (v->buttons[i] == GTK_WIDGET(b))
			desk_form_open(v->forms[i], v->id, version);
		else
			desk_form_close(v->forms[i]);
}

static void on_acted(void *user)
{
	struct desk_case_view *v = user;

	desk_case_view_reload(v);
	v->changed(v->user);
}

static GtkWidget *heading(const char *text)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_widget_add_css_class(l, "heading");
	gtk_widget_set_margin_top(l, 12);
	return l;
}

/* The facts two by two (name, value, name, value): half as tall as one
 * column, so that a form opened below them still fits 768 pixels. */
static GtkWidget *facts_grid(struct desk_case_view *v)
{
	GtkWidget *grid = gtk_grid_new();

	gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
	for (int i = 0; i < NFACTS; i++) {
		char *name = g_strdup_printf(_("%s:"), _(fact_names[i]));
		GtkWidget *k = gtk_label_new(name);
		int column = (i % 2) * 2, row = i / 2;

		gtk_label_set_xalign(GTK_LABEL(k), 1);
		gtk_widget_set_valign(k, GTK_ALIGN_START);
		gtk_widget_add_css_class(k, "dim-label");
		v->facts[i] = wrapping_label("—", FACT_CHARS);
		gtk_label_set_selectable(GTK_LABEL(v->facts[i]), TRUE);
		gtk_widget_set_valign(v->facts[i], GTK_ALIGN_START);
		gtk_widget_set_hexpand(v->facts[i], TRUE);
		gtk_grid_attach(GTK_GRID(grid), k, column, row, 1, 1);
		gtk_grid_attach(GTK_GRID(grid), v->facts[i], column + 1, row, 1, 1);
		g_free(name);
	}
	return grid;
}

/* An action's button: in the row with its Alt+letter, else an item of
 * the menu 更多操作. */
static GtkWidget *action_button(struct desk_case_view *v, size_t i)
{
	const char *name = action_forms[i].deed != NULL ? cli_deed_text(action_forms[i].deed)
						 : _(action_forms[i].name);
	GtkWidget *b;
	char *label;

	if (action_forms[i].label != NULL) {
		b = gtk_button_new_with_mnemonic(_(action_forms[i].label));
		gtk_box_append(GTK_BOX(v->actions), b);
	} else {
		label = g_strdup_printf(_("%s…"), name);
		b = gtk_button_new_with_label(label);
		g_free(label);
		gtk_widget_add_css_class(b, "flat");
		gtk_box_append(GTK_BOX(v->more_items), b);
	}
	gtk_accessible_update_property(GTK_ACCESSIBLE(b), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	g_signal_connect(b, "clicked", G_CALLBACK(on_action_clicked), v);
	return b;
}

/* 更多操作: a menu button whose popover lists the allowed actions that have
 * no Alt+letter; F10 opens it (desk_case_view_more). */
static GtkWidget *more_menu(struct desk_case_view *v)
{
	GtkWidget *popover = gtk_popover_new();

	v->more_items = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	gtk_popover_set_child(GTK_POPOVER(popover), v->more_items);
	v->more = gtk_menu_button_new();
	gtk_menu_button_set_label(GTK_MENU_BUTTON(v->more), _("More actions (F10)"));
	gtk_menu_button_set_popover(GTK_MENU_BUTTON(v->more), popover);
	gtk_accessible_update_property(GTK_ACCESSIBLE(v->more), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("More actions"), -1);
	gtk_widget_set_visible(v->more, FALSE);
	return v->more;
}

bool desk_case_view_more(struct desk_case_view *v)
{
	if (!gtk_widget_get_mapped(v->more))
		return false;
	gtk_menu_button_popup(GTK_MENU_BUTTON(v->more));
	return true;
}

static GtkWidget *details_column(struct desk_case_view *v)
{
	GtkWidget *col = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6), *forms, *menu;

	v->title = wrapping_label("", TITLE_CHARS);
	gtk_widget_add_css_class(v->title, "title-2");
	v->message = wrapping_label(_("Open a case from the to-do list or the case list."),
				    TEXT_CHARS);
	gtk_widget_add_css_class(v->message, "dim-label");
	v->actions = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	menu = more_menu(v);
	for (size_t i = 0; i < NFORMS; i++)
		v->buttons[i] = action_button(v, i);
	gtk_box_append(GTK_BOX(v->actions), menu);
	gtk_widget_set_visible(v->actions, FALSE);
	v->body = wrapping_label("", TEXT_CHARS);
	gtk_label_set_selectable(GTK_LABEL(v->body), TRUE);
	gtk_box_append(GTK_BOX(col), v->title);
	gtk_box_append(GTK_BOX(col), v->message);
	gtk_box_append(GTK_BOX(col), facts_grid(v));
	gtk_box_append(GTK_BOX(col), v->actions);
	/* the forms in a box of their own, without spacing: the hidden ones
	 * take no room */
	forms = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	for (size_t i = 0; i < NFORMS; i++)
		gtk_box_append(GTK_BOX(forms), desk_form_widget(v->forms[i]));
	gtk_box_append(GTK_BOX(col), forms);
	gtk_box_append(GTK_BOX(col), heading(_("Attachments")));
	gtk_box_append(GTK_BOX(col), desk_attachments_widget(v->attachments));
	gtk_box_append(GTK_BOX(col), heading(_("Text of the suggestion")));
	gtk_box_append(GTK_BOX(col), v->body);
	return col;
}

static GtkWidget *scrolled(GtkWidget *child)
{
	GtkWidget *s = gtk_scrolled_window_new();

	gtk_widget_set_margin_start(child, 16);
	gtk_widget_set_margin_end(child, 16);
	gtk_widget_set_margin_top(child, 12);
	gtk_widget_set_margin_bottom(child, 12);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(s), child);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(s), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
	gtk_widget_set_hexpand(s, TRUE);
	gtk_widget_set_vexpand(s, TRUE);
	return s;
}

struct desk_case_view *desk_case_view_new(struct desk_link *link, void (*changed)(void *user),
					  void *user)
{
	struct desk_case_view *v = g_new0(struct desk_case_view, 1);
	GtkWidget *right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);

	v->link = link;
	v->changed = changed;
	v->user = user;
	v->pages = g_ptr_array_new_with_free_func((GDestroyNotify)jy_envelope_free);
	for (size_t i = 0; i < NFORMS; i++)
		v->forms[i] = action_forms[i].form(link, on_acted, v);
	v->attachments = desk_attachments_new(link, on_acted, v);
	v->timeline = gtk_list_box_new();
	gtk_list_box_set_selection_mode(GTK_LIST_BOX(v->timeline), GTK_SELECTION_NONE);
	gtk_widget_add_css_class(v->timeline, "boxed-list");
	gtk_accessible_update_property(GTK_ACCESSIBLE(v->timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Timeline"), -1);
	gtk_box_append(GTK_BOX(right), heading(_("Timeline")));
	gtk_box_append(GTK_BOX(right), v->timeline);
	v->root = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
	/* not homogeneous: two halves as wide as the wider column (the
	 * attachments' rows) made the window wider than the screen */
	gtk_widget_set_size_request(right, 480, -1);
	v->scrollers[0] = scrolled(details_column(v));
	v->scrollers[1] = scrolled(right);
	gtk_box_append(GTK_BOX(v->root), v->scrollers[0]);
	gtk_box_append(GTK_BOX(v->root), v->scrollers[1]);
	return v;
}

GtkWidget *desk_case_view_widget(struct desk_case_view *v)
{
	return v->root;
}

void desk_case_view_free(struct desk_case_view *v)
{
	for (size_t i = 0; i < NFORMS; i++)
		desk_form_free(v->forms[i]);
	desk_attachments_free(v->attachments);
	g_ptr_array_unref(v->pages);
	g_free(v);
}
