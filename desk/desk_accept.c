/* See desk_accept.h. */
#include "desk_accept.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli_i18n.h"
#include "cli_terms.h"

struct desk_accept {
	struct desk_link *link;
	void (*done)(void *user);
	void *user;
	GtkWidget *revealer, *confirm, *send, *message;
	int64_t id;
	int32_t version;
	unsigned generation;      /* a form opened again outdates an answer */
	bool sending;
};

struct send_req {
	struct desk_accept *a;
	unsigned generation;
};

static void say(struct desk_accept *a, const char *text, bool error)
{
	gtk_label_set_text(GTK_LABEL(a->message), text);
	gtk_widget_set_visible(a->message, text[0] != '\0');
	if (error)
		gtk_widget_add_css_class(a->message, "error");
	else
		gtk_widget_remove_css_class(a->message, "error");
}

static void on_answer(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct send_req *sr = user;
	struct desk_accept *a = sr->a;

	(void)env;
	if (sr->generation == a->generation) {
		a->sending = false;
		gtk_widget_set_sensitive(a->send, TRUE);
		if (err != NULL) {
			/* TRANSLATORS: the server's refusal: what kind, then why */
			char *text = g_strdup_printf(_("Not accepted. %s: %s"), cli_status_text(err->code),
						     err->message);
			say(a, text, true);
			g_free(text);
		} else {
			say(a, _("Accepted."), false);
			a->done(a->user);
		}
	}
	g_free(sr);
}

/* What the form needs before it may be sent; NULL when all is there. */
static const char *missing(const struct desk_accept *a)
{
	if (!gtk_check_button_get_active(GTK_CHECK_BUTTON(a->confirm)))
		return _("Tick the confirmation first: the case must be your unit's to handle.");
	if (a->id <= 0 || a->version <= 0)
		return _("The case is not loaded yet.");
	return NULL;
}

static void on_send(GtkButton *b, gpointer data)
{
	struct desk_accept *a = data;
	const char *why = missing(a);
	struct jy_act act;
	Jianyi__Request req;
	struct jy_error e = { 0 };
	struct send_req *sr;
	char key[64];

	(void)b;
	if (a->sending)
		return;
	if (why != NULL) {
		say(a, why, true);
		gtk_widget_grab_focus(a->confirm);
		return;
	}
	jy_act_init(&act, JIANYI__ACTION__ACTION_ACCEPT, a->id, a->version);
	/* the same case at the same version is the same act: a retry after a
	 * lost answer is not accepted twice */
	snprintf(key, sizeof key, "desk-accept-%" PRId64 "-%" PRId32, a->id, a->version);
	if (!jy_act_set_key(&act, key, &e))
		goto refused;
	jy_request_act(&req, &act);
	sr = g_new0(struct send_req, 1);
	sr->a = a;
	sr->generation = a->generation;
	a->sending = true;
	gtk_widget_set_sensitive(a->send, FALSE);
	say(a, _("Sending…"), false);
	if (desk_link_send(a->link, &req, on_answer, sr, &e))
		return;
	g_free(sr);
	a->sending = false;
	gtk_widget_set_sensitive(a->send, TRUE);
refused:
	say(a, e.message, true);
}

/* Ticking the confirmation answers the form's request for it. */
static void on_confirm_toggled(GtkCheckButton *c, gpointer data)
{
	struct desk_accept *a = data;

	if (gtk_check_button_get_active(c) && !a->sending)
		say(a, "", false);
}

static void on_cancel(GtkButton *b, gpointer data)
{
	(void)b;
	desk_accept_close(data);
}

struct desk_accept *desk_accept_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct desk_accept *a = g_new0(struct desk_accept, 1);
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
	GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *title = gtk_label_new(_("Accept the assignment"));
	GtkWidget *what = gtk_label_new(_("Your unit takes this case as its lead unit. Next, "
					  "fix the handler and the plan before the deadline."));
	GtkWidget *cancel = gtk_button_new_with_mnemonic(_("_Cancel"));

	a->link = link;
	a->done = done;
	a->user = user;
	gtk_widget_add_css_class(box, "card");
	gtk_widget_set_margin_top(box, 6);
	for (GtkWidget *w = title; w != NULL; w = w == title ? what : NULL) {
		gtk_label_set_xalign(GTK_LABEL(w), 0);
		gtk_label_set_wrap(GTK_LABEL(w), TRUE);
		gtk_widget_set_margin_start(w, 12);
		gtk_widget_set_margin_end(w, 12);
	}
	gtk_widget_add_css_class(title, "heading");
	gtk_widget_set_margin_top(title, 8);
	a->confirm = gtk_check_button_new_with_mnemonic(
		_("I confirm this case is within my unit's _duties"));
	/* GTK 4.8 names a check box by its text with the mnemonic's '_' */
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->confirm), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("I confirm this case is within my unit's duties"), -1);
	gtk_widget_set_margin_start(a->confirm, 8);
	a->send = gtk_button_new_with_mnemonic(_("_Send"));
	gtk_widget_add_css_class(a->send, "suggested-action");
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->send), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Send the acceptance"), -1);
	g_signal_connect(a->send, "clicked", G_CALLBACK(on_send), a);
	g_signal_connect(a->confirm, "toggled", G_CALLBACK(on_confirm_toggled), a);
	g_signal_connect(cancel, "clicked", G_CALLBACK(on_cancel), a);
	a->message = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(a->message), 0);
	gtk_label_set_wrap(GTK_LABEL(a->message), TRUE);
	gtk_label_set_selectable(GTK_LABEL(a->message), TRUE);
	gtk_widget_set_margin_start(a->message, 12);
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->message),
				       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Form message"), -1);
	gtk_widget_set_margin_start(buttons, 12);
	gtk_widget_set_margin_bottom(buttons, 8);
	gtk_box_append(GTK_BOX(buttons), a->send);
	gtk_box_append(GTK_BOX(buttons), cancel);
	gtk_box_append(GTK_BOX(box), title);
	gtk_box_append(GTK_BOX(box), what);
	gtk_box_append(GTK_BOX(box), a->confirm);
	gtk_box_append(GTK_BOX(box), a->message);
	gtk_box_append(GTK_BOX(box), buttons);
	a->revealer = gtk_revealer_new();
	gtk_revealer_set_child(GTK_REVEALER(a->revealer), box);
	return a;
}

GtkWidget *desk_accept_widget(struct desk_accept *a)
{
	return a->revealer;
}

void desk_accept_open(struct desk_accept *a, int64_t suggestion_id, int32_t version)
{
	a->id = suggestion_id;
	a->version = version;
	a->generation++;
	a->sending = false;
	gtk_widget_set_sensitive(a->send, TRUE);
	gtk_check_button_set_active(GTK_CHECK_BUTTON(a->confirm), FALSE);
	say(a, "", false);
	gtk_revealer_set_reveal_child(GTK_REVEALER(a->revealer), TRUE);
	gtk_widget_grab_focus(a->confirm);
}

void desk_accept_close(struct desk_accept *a)
{
	a->generation++;
	gtk_revealer_set_reveal_child(GTK_REVEALER(a->revealer), FALSE);
}

void desk_accept_free(struct desk_accept *a)
{
	g_free(a);
}
