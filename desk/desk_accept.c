/* 签收交办 (ActRequest accept, no params): the person confirms that the
 * case is within the unit's duties; the form will not send without it. */
#include "desk_forms.h"

#include "cli_i18n.h"

static const struct desk_form_spec accept_spec = {
	.action = JIANYI__ACTION__ACTION_ACCEPT,
	.key_stem = "accept",
	.title = N_("Accept the assignment"),
	.what = N_("Your unit takes this case as its lead unit. Next, "
		   "fix the handler and the plan before the deadline."),
	.send_label = N_("_Send"),
	.send_name = N_("Send the acceptance"),
	.done = N_("Accepted."),
};

struct accept_fields {
	GtkWidget *confirm;
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct accept_fields *a = fields;

	(void)act;
	if (gtk_check_button_get_active(GTK_CHECK_BUTTON(a->confirm)))
		return NULL;
	*focus = a->confirm;
	return g_strdup(_("Tick the confirmation first: the case must be your unit's to handle."));
}

static void reset(void *fields)
{
	struct accept_fields *a = fields;

	gtk_check_button_set_active(GTK_CHECK_BUTTON(a->confirm), FALSE);
}

struct desk_form *desk_accept_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct accept_fields *a = g_new0(struct accept_fields, 1);
	struct desk_form *f = desk_form_new(link, &accept_spec, fill, reset, a, g_free, done, user);

	a->confirm = gtk_check_button_new_with_mnemonic(
		_("I confirm this case is within my unit's _duties"));
	/* GTK 4.8 names a check box by its text with the mnemonic's '_' */
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->confirm), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("I confirm this case is within my unit's duties"), -1);
	desk_form_add(f, a->confirm);
	return f;
}
