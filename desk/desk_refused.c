/* See desk_refused.h. The question replaces the two buttons until it is
 * answered; the entry it asks about is kept with it, so that a banner
 * showing another refusal meanwhile does not change what is decided. */
#include "desk_refused.h"

#include "cli_i18n.h"

struct desk_refused {
	desk_refused_fn decided;
	void *user;
	GtkWidget *root, *text, *retry, *drop, *ask, *question, *yes, *no, *message;
	int64_t shown;              /* the entry shown, 0: none */
	int64_t asked;              /* the entry asked about, 0: no question open */
	enum desk_refused_choice choice;
};

static void show_question(struct desk_refused *r, bool open)
{
	gtk_widget_set_visible(r->ask, open);
	gtk_widget_set_visible(r->retry, !open && r->shown != 0);
	gtk_widget_set_visible(r->drop, !open && r->shown != 0);
	if (!open)
		r->asked = 0;
}

/* What is visible follows what there is to read. */
static void update(struct desk_refused *r)
{
	bool message = gtk_label_get_text(GTK_LABEL(r->message))[0] != '\0';

	gtk_widget_set_visible(r->text, r->shown != 0);
	show_question(r, r->asked != 0);
	gtk_widget_set_visible(r->message, message);
	gtk_widget_set_visible(r->root, r->shown != 0 || message);
}

static void ask(struct desk_refused *r, enum desk_refused_choice choice)
{
	r->choice = choice;
	r->asked = r->shown;
	gtk_label_set_text(GTK_LABEL(r->question), choice == DESK_REFUSED_RETRY
			   ? _("Send the refused action again, on the case as the mirror shows it "
			       "now?")
			   : _("Drop the refused action? It will not be sent; the actions queued "
			       "after it on the case are sent without it."));
	gtk_button_set_label(GTK_BUTTON(r->yes), choice == DESK_REFUSED_RETRY
			     ? _("Yes, send it again") : _("Yes, drop it"));
	show_question(r, true);
	gtk_widget_grab_focus(r->no);
}

static void on_retry(GtkButton *b, gpointer data)
{
	(void)b;
	ask(data, DESK_REFUSED_RETRY);
}

static void on_drop(GtkButton *b, gpointer data)
{
	(void)b;
	ask(data, DESK_REFUSED_DROP);
}

static void on_yes(GtkButton *b, gpointer data)
{
	struct desk_refused *r = data;
	int64_t id = r->asked;

	(void)b;
	show_question(r, false);
	if (id != 0)
		r->decided(r->choice, id, r->user);
}

static void on_no(GtkButton *b, gpointer data)
{
	(void)b;
	show_question(data, false);
}

static GtkWidget *label(const char *what)
{
	GtkWidget *l = gtk_label_new("");

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
	gtk_widget_set_hexpand(l, TRUE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(l), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       what, -1);
	return l;
}

static GtkWidget *button(const char *text, GCallback clicked, struct desk_refused *r)
{
	GtkWidget *b = gtk_button_new_with_label(text);

	gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
	g_signal_connect(b, "clicked", clicked, r);
	return b;
}

struct desk_refused *desk_refused_new(desk_refused_fn decided, void *user)
{
	struct desk_refused *r = g_new0(struct desk_refused, 1);
	GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);

	r->decided = decided;
	r->user = user;
	r->text = label(_("Outbox"));
	gtk_widget_add_css_class(r->text, "error");
	r->retry = button(_("Send again"), G_CALLBACK(on_retry), r);
	r->drop = button(_("Drop"), G_CALLBACK(on_drop), r);
	r->ask = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	r->question = label(_("Outbox"));
	r->yes = button(_("Yes, drop it"), G_CALLBACK(on_yes), r);
	r->no = button(_("No"), G_CALLBACK(on_no), r);
	gtk_box_append(GTK_BOX(r->ask), r->question);
	gtk_box_append(GTK_BOX(r->ask), r->yes);
	gtk_box_append(GTK_BOX(r->ask), r->no);
	gtk_box_append(GTK_BOX(line), r->text);
	gtk_box_append(GTK_BOX(line), r->retry);
	gtk_box_append(GTK_BOX(line), r->drop);
	r->message = label(_("Outbox"));
	r->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	gtk_box_append(GTK_BOX(r->root), line);
	gtk_box_append(GTK_BOX(r->root), r->ask);
	gtk_box_append(GTK_BOX(r->root), r->message);
	update(r);
	return r;
}

GtkWidget *desk_refused_widget(struct desk_refused *r)
{
	return r->root;
}

void desk_refused_show(struct desk_refused *r, const char *text, int64_t outbox_id)
{
	if (outbox_id != r->shown)
		r->asked = 0;   /* the question was about another entry */
	r->shown = outbox_id;
	gtk_label_set_text(GTK_LABEL(r->text), text);
	update(r);
}

void desk_refused_said(struct desk_refused *r, const char *message, bool error)
{
	gtk_label_set_text(GTK_LABEL(r->message), message);
	if (error)
		gtk_widget_add_css_class(r->message, "error");
	else
		gtk_widget_remove_css_class(r->message, "error");
	update(r);
}

void desk_refused_free(struct desk_refused *r)
{
	g_free(r);
}
