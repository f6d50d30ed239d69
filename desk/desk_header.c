/* See desk_header.h. */
#include "desk_header.h"

#include "cli_i18n.h"
#include "cli_terms.h"

struct desk_header {
	GtkWidget *bar, *who, *status;
};

/* Sets a label's text and, so that a screen reader says what it is, its
 * accessible description. */
static void set_text(GtkWidget *label, const char *text, const char *what)
{
	gtk_label_set_text(GTK_LABEL(label), text);
	gtk_accessible_update_property(GTK_ACCESSIBLE(label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       what, -1);
}

struct desk_header *desk_header_new(GtkWidget *switcher)
{
	struct desk_header *h = g_new0(struct desk_header, 1);
	GtkWidget *title = gtk_label_new(_("Deputies' suggestions desk"));

	h->bar = gtk_header_bar_new();
	gtk_widget_add_css_class(title, "title");
	gtk_header_bar_pack_start(GTK_HEADER_BAR(h->bar), title);
	gtk_header_bar_set_title_widget(GTK_HEADER_BAR(h->bar), switcher);
	h->status = gtk_label_new("");
	/* a long reason (a reconnect's) must not widen the window past the
	 * screen; the whole text stays the label's, for screen readers */
	gtk_label_set_ellipsize(GTK_LABEL(h->status), PANGO_ELLIPSIZE_END);
	gtk_label_set_max_width_chars(GTK_LABEL(h->status), 48);
	h->who = gtk_label_new("");
	gtk_widget_set_margin_start(h->who, 12);
	gtk_header_bar_pack_end(GTK_HEADER_BAR(h->bar), h->status);
	gtk_header_bar_pack_end(GTK_HEADER_BAR(h->bar), h->who);
	desk_header_show_identity(h, NULL);
	return h;
}

GtkWidget *desk_header_widget(struct desk_header *h)
{
	return h->bar;
}

void desk_header_show_status(struct desk_header *h, enum desk_link_state state, const char *why)
{
	char *text;

	switch (state) {
	case DESK_LINK_CONNECTED:
		text = g_strdup(_("● Connected"));
		gtk_widget_remove_css_class(h->status, "error");
		gtk_widget_add_css_class(h->status, "success");
		break;
	case DESK_LINK_CONNECTING:
		text = g_strdup(_("Connecting…"));
		gtk_widget_remove_css_class(h->status, "success");
		break;
	case DESK_LINK_REFUSED:
		/* TRANSLATORS: %s: why the server refused the certificate, e.g. revoked */
		text = g_strdup_printf(_("● Refused by the server (%s)"), why);
		gtk_widget_remove_css_class(h->status, "success");
		gtk_widget_add_css_class(h->status, "error");
		break;
	default:
		/* TRANSLATORS: %s: why the connection was lost */
		text = g_strdup_printf(_("● Reconnecting (%s)"), why);
		gtk_widget_remove_css_class(h->status, "success");
		gtk_widget_add_css_class(h->status, "error");
		break;
	}
	set_text(h->status, text, _("Server status"));
	g_free(text);
}

void desk_header_show_identity(struct desk_header *h, const Jianyi__Identity *who)
{
	GString *s;

	if (who == NULL) {
		set_text(h->who, _("Not signed in"), _("Signed in as"));
		return;
	}
	s = g_string_new(who->display_name[0] ? who->display_name : who->login);
	if (who->organization_name[0])
		g_string_append_printf(s, " · %s", who->organization_name);
	for (size_t i = 0; i < who->n_roles; i++)
		g_string_append_printf(s, i == 0 ? " · %s" : _(", %s"), cli_role_text(who->roles[i]));
	set_text(h->who, s->str, _("Signed in as"));
	g_string_free(s, TRUE);
}

void desk_header_free(struct desk_header *h)
{
	g_free(h);
}
