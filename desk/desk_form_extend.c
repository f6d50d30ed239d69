/* 申请延期 (ActRequest extend), the lead unit's: how many days more and
 * why. The assigning office decides (desk_form_approve.c). */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "desk_form_check.h"

/* As the CLI's --days: the server's own cap (its setting
 * extension_max_days) is lower, and its refusal names it. */
#define EXTENSION_DAYS_MAX 365

static const struct desk_form_spec extend_spec = {
	.action = JIANYI__ACTION__ACTION_EXTEND,
	.key_stem = "extend",
	.title = N_("Ask for an extension"),
	.what = N_("Ask the assigning office for more days before the reply is due, and say "
		   "why. The deadline moves when the office approves."),
	.send_label = N_("_Send the request"),
	.send_name = N_("Send the extension request"),
	.done = N_("The extension request is sent."),
};

struct extend_fields {
	GtkWidget *days, *reason;
	char *reason_text;        /* the reason as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct extend_fields *x = fields;
	long days = 0;
	char *why;

	g_free(x->reason_text);
	x->reason_text = desk_form_text_view_text(x->reason);
	if ((why = desk_check_number(_("Days more"), gtk_editable_get_text(GTK_EDITABLE(x->days)),
				     1, EXTENSION_DAYS_MAX, &days)))
		*focus = x->days;
	else if ((why = desk_check_text(_("Reason for the extension"), x->reason_text, 1,
					JY_REASON_MAX)))
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(x->reason));
	if (why != NULL)
		return why;
	act->extend.days = (int32_t)days;
	act->extend.reason = x->reason_text;
	return NULL;
}

static void reset(void *fields)
{
	struct extend_fields *x = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(x->reason)));

	gtk_editable_set_text(GTK_EDITABLE(x->days), "");
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct extend_fields *x = fields;

	g_free(x->reason_text);
	g_free(x);
}

struct desk_form *desk_form_extend_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct extend_fields *x = g_new0(struct extend_fields, 1);
	struct desk_form *f = desk_form_new(link, &extend_spec, fill, reset, x, free_fields, done,
					    user);

	x->days = desk_form_add_field(f, _("Days more"), desk_form_entry(3));
	x->reason = desk_form_add_field(f, _("Reason for the extension"), desk_form_text_view());
	return f;
}
