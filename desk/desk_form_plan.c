/* 确定经办人和办理方案 (ActRequest plan): the handler's name and telephone,
 * the plan, and the date the unit promises to have it done by. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "desk_form_check.h"

static const struct desk_form_spec plan_spec = {
	.action = JIANYI__ACTION__ACTION_PLAN,
	.key_stem = "plan",
	.title = N_("Fix the handler and the plan"),
	.what = N_("Name the person who handles the case and how to reach them, say how the "
		   "unit will handle it and by when. The deputy is contacted next."),
	.send_label = N_("_Save the plan"),
	.send_name = N_("Record the plan"),
	.done = N_("The plan is recorded."),
};

struct plan_fields {
	GtkWidget *handler, *phone, *plan, *date;
	char *plan_text;          /* the plan as sent: lives until the next fill */
};

static const char *text_of(GtkWidget *entry)
{
	return gtk_editable_get_text(GTK_EDITABLE(entry));
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct plan_fields *p = fields;
	char *why;

	g_free(p->plan_text);
	p->plan_text = desk_form_text_view_text(p->plan);
	if ((why = desk_check_text(_("Handler's name"), text_of(p->handler), 1, JY_SHORT_TEXT_MAX)))
		*focus = p->handler;
	else if ((why = desk_check_phone(_("Handler's telephone"), text_of(p->phone))))
		*focus = p->phone;
	else if ((why = desk_check_text(_("Handling plan"), p->plan_text, 1, JY_BODY_MAX)))
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(p->plan));
	else if ((why = desk_check_date(_("Promised date"), text_of(p->date), DESK_DATE_NOT_PAST)))
		*focus = p->date;
	if (why != NULL)
		return why;
	act->plan.handler_name = (char *)text_of(p->handler);
	act->plan.handler_phone = (char *)text_of(p->phone);
	act->plan.plan = p->plan_text;
	act->plan.promised_date = (char *)text_of(p->date);
	return NULL;
}

static void reset(void *fields)
{
	struct plan_fields *p = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(p->plan)));

	gtk_editable_set_text(GTK_EDITABLE(p->handler), "");
	gtk_editable_set_text(GTK_EDITABLE(p->phone), "");
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
	gtk_editable_set_text(GTK_EDITABLE(p->date), "");
}

static void free_fields(void *fields)
{
	struct plan_fields *p = fields;

	g_free(p->plan_text);
	g_free(p);
}

struct desk_form *desk_form_plan_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct plan_fields *p = g_new0(struct plan_fields, 1);
	struct desk_form *f = desk_form_new(link, &plan_spec, fill, reset, p, free_fields, done,
					    user);

	p->handler = desk_form_add_field(f, _("Handler's name"), desk_form_entry(JY_SHORT_TEXT_MAX));
	p->phone = desk_form_add_field(f, _("Handler's telephone"),
				       desk_form_entry(JY_PHONE_MAX));
	p->plan = desk_form_add_field(f, _("Handling plan"), desk_form_text_view());
	p->date = desk_form_add_field(f, _("Promised date"), desk_form_entry(10));
	gtk_entry_set_placeholder_text(GTK_ENTRY(p->date), _("YYYY-MM-DD"));
	return f;
}
