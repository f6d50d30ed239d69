/* 记录办前联系/走访 (ActRequest contact): when in the handling (before,
 * during, after), the way (a visit, a call, a meeting, a text message),
 * the day it took place and what was said. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

static const struct desk_form_spec contact_spec = {
	.action = JIANYI__ACTION__ACTION_CONTACT,
	.key_stem = "contact",
	.title = N_("Record a contact with the deputy"),
	.what = N_("Record each visit, call or meeting with the deputy: the unit head signs off "
		   "the reply only after at least one contact this round."),
	.send_label = N_("_Save the contact"),
	.send_name = N_("Record the contact"),
	.done = N_("The contact is recorded."),
};

/* The wire's values (ContactParams), said by cli_terms.h. */
static const char *const phases[] = { "before", "during", "after", NULL };
static const char *const methods[] = { "visit", "phone", "meeting", "sms", NULL };

struct contact_fields {
	GtkWidget *phase[3], *method[4], *date, *note;
	char *note_text;          /* the summary as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct contact_fields *c = fields;
	const char *date = gtk_editable_get_text(GTK_EDITABLE(c->date));
	char *why;

	g_free(c->note_text);
	c->note_text = desk_form_text_view_text(c->note);
	if ((why = desk_check_date(_("Date of the contact"), date, DESK_DATE_NOT_FUTURE)))
		*focus = c->date;
	else if ((why = desk_check_text(_("Summary"), c->note_text, 1, JY_REASON_MAX)))
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(c->note));
	if (why != NULL)
		return why;
	act->contact.phase = (char *)desk_form_choice(phases, c->phase);
	act->contact.method = (char *)desk_form_choice(methods, c->method);
	act->contact.date = (char *)date;
	act->contact.note = c->note_text;
	return NULL;
}

static void reset(void *fields)
{
	struct contact_fields *c = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(c->note)));
	char today[11];

	desk_today(today);
	gtk_check_button_set_active(GTK_CHECK_BUTTON(c->phase[0]), TRUE);
	gtk_check_button_set_active(GTK_CHECK_BUTTON(c->method[0]), TRUE);
	gtk_editable_set_text(GTK_EDITABLE(c->date), today);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct contact_fields *c = fields;

	g_free(c->note_text);
	g_free(c);
}

struct desk_form *desk_form_contact_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	struct contact_fields *c = g_new0(struct contact_fields, 1);
	struct desk_form *f = desk_form_new(link, &contact_spec, fill, reset, c, free_fields, done,
					    user);

	desk_form_add_field(f, _("When"), desk_form_choices(phases, cli_phase_text, c->phase));
	desk_form_add_field(f, _("Way of contact"),
			    desk_form_choices(methods, cli_method_text, c->method));
	c->date = desk_form_add_field(f, _("Date of the contact"), desk_form_entry(10));
	gtk_entry_set_placeholder_text(GTK_ENTRY(c->date), _("YYYY-MM-DD"));
	c->note = desk_form_add_field(f, _("Summary"), desk_form_text_view());
	return f;
}
