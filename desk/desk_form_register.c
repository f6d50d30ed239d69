/* 立案 (ActRequest register), the liaison committee's: the congress's term
 * and the session within it; the server gives the case its number. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "desk_form_check.h"

static const struct desk_form_spec register_spec = {
	.action = JIANYI__ACTION__ACTION_REGISTER,
	.key_stem = "register",
	.title = N_("Register it"),
	.what = N_("The suggestion is registered under the term and session it was made at and "
		   "gets its number; the government office assigns it next."),
	.send_label = N_("_Send the registration"),
	.send_name = N_("Confirm the registration"),
	.done = N_("It is registered."),
};

struct register_fields {
	GtkWidget *term, *session;
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct register_fields *r = fields;
	long term = 0, session = 0;
	char *why;

	if ((why = desk_check_number(_("Term"), gtk_editable_get_text(GTK_EDITABLE(r->term)),
				     JY_TERM_MIN, JY_TERM_MAX, &term)))
		*focus = r->term;
	else if ((why = desk_check_number(_("Session"),
					  gtk_editable_get_text(GTK_EDITABLE(r->session)),
					  JY_SESSION_MIN, JY_SESSION_MAX, &session)))
		*focus = r->session;
	if (why != NULL)
		return why;
	act->reg.term = (int32_t)term;
	act->reg.session = (int32_t)session;
	return NULL;
}

static void reset(void *fields)
{
	struct register_fields *r = fields;

	gtk_editable_set_text(GTK_EDITABLE(r->term), "");
	gtk_editable_set_text(GTK_EDITABLE(r->session), "");
}

struct desk_form *desk_form_register_new(struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	struct register_fields *r = g_new0(struct register_fields, 1);
	struct desk_form *f = desk_form_new(link, &register_spec, fill, reset, r, g_free, done, user);

	r->term = desk_form_add_field(f, _("Term"), desk_form_entry(2));
	r->session = desk_form_add_field(f, _("Session"), desk_form_entry(2));
	return f;
}
