/* See desk_draft.h. */
#include "desk_draft.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_forms.h"

struct desk_draft {
	GtkWidget *root, *button;
	struct desk_form *form;
};

static bool is_deputy(const Jianyi__Identity *who)
{
	for (size_t i = 0; who != NULL && i < who->n_roles; i++)
		if (strcmp(who->roles[i], "deputy") == 0)
			return true;
	return false;
}

static void on_clicked(GtkButton *b, gpointer data)
{
	(void)b;
	desk_draft_open(data);
}

struct desk_draft *desk_draft_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct desk_draft *d = g_new0(struct desk_draft, 1);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);

	d->form = desk_form_draft_new(link, done, user);
	d->button = gtk_button_new_with_label(_("Draft a new suggestion… (Ctrl+N)"));
	gtk_accessible_update_property(GTK_ACCESSIBLE(d->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Draft a new suggestion"), -1);
	g_signal_connect(d->button, "clicked", G_CALLBACK(on_clicked), d);
	gtk_box_append(GTK_BOX(row), d->button);
	d->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_widget_set_margin_start(d->root, 12);
	gtk_widget_set_margin_end(d->root, 12);
	gtk_widget_set_margin_top(d->root, 8);
	gtk_box_append(GTK_BOX(d->root), row);
	gtk_box_append(GTK_BOX(d->root), desk_form_widget(d->form));
	gtk_widget_set_visible(d->root, FALSE);
	return d;
}

GtkWidget *desk_draft_widget(struct desk_draft *d)
{
	return d->root;
}

void desk_draft_show_for(struct desk_draft *d, const Jianyi__Identity *who)
{
	bool show = is_deputy(who);

	gtk_widget_set_visible(d->root, show);
	if (!show)
		desk_form_close(d->form);
}

bool desk_draft_open(struct desk_draft *d)
{
	if (!gtk_widget_get_visible(d->root))
		return false;
	/* what is being written stays */
	if (!desk_form_is_open(d->form))
		desk_form_open_new(d->form);
	return true;
}

void desk_draft_free(struct desk_draft *d)
{
	if (d == NULL)
		return;
	desk_form_free(d->form);
	g_free(d);
}
