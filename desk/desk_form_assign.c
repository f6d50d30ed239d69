/* 交办承办单位 (ActRequest assign) and 重新交办 (reassign), the assigning
 * office's: the lead unit and the co-handling units by name (desk_units.h,
 * read when the form opens), the reply's deadline (empty: three months, the
 * server's default), whether it is a key suggestion and its leading
 * leaders; a reassignment also says why. The same params as "jianyi assign"
 * and "jianyi reassign" send (AssignParams). */
#include "desk_forms.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_form_check.h"
#include "desk_units.h"

#define CO_UNITS_MAX 20
#define LEADERS_MAX 10

static const struct desk_form_spec assign_spec = {
	.action = JIANYI__ACTION__ACTION_ASSIGN,
	.key_stem = "assign",
	.title = N_("Assign the handling units"),
	.what = N_("Name the lead unit and any co-handling units by their names. The units are "
		   "told and the reply's deadline starts."),
	.send_label = N_("_Send the assignment"),
	.send_name = N_("Send the assignment"),
	.done = N_("The case is assigned."),
};

static const struct desk_form_spec reassign_spec = {
	.action = JIANYI__ACTION__ACTION_REASSIGN,
	.key_stem = "reassign",
	.title = N_("Reassign the handling units"),
	.what = N_("Name the units that handle the case from now on, and say why they change."),
	.send_label = N_("_Send the reassignment"),
	.send_name = N_("Send the reassignment"),
	.done = N_("The case is reassigned."),
};

struct assign_fields {
	struct desk_units *units;
	GtkWidget *lead, *co, *deadline, *key, *leaders, *reason;  /* reason: reassign only */
	int64_t co_ids[CO_UNITS_MAX];
	char **leader_names;      /* as sent: live until the next fill */
	char *reason_text;
};

static const char *text_of(GtkWidget *entry)
{
	return gtk_editable_get_text(GTK_EDITABLE(entry));
}

static char *fill_co_units(struct assign_fields *a, struct jy_act *act)
{
	const char *field = _("Co-handling units");
	char **names = desk_split_names(text_of(a->co)), *why = NULL;
	size_t n = 0;

	for (; names[n] != NULL && why == NULL; n++) {
		if (n == CO_UNITS_MAX)
			why = g_strdup_printf(_("%s: at most %d units."), field, CO_UNITS_MAX);
		else if ((why = desk_units_find(a->units, field, names[n], &a->co_ids[n])) == NULL &&
			 a->co_ids[n] == act->assign.lead_unit_id)
			why = g_strdup_printf(_("%s: %s is already the lead unit."), field, names[n]);
	}
	g_strfreev(names);
	act->assign.co_unit_ids = a->co_ids;
	act->assign.n_co_unit_ids = n;
	return why;
}

static char *fill_leaders(struct assign_fields *a, struct jy_act *act)
{
	const char *field = _("Leading leaders");
	guint n;

	g_strfreev(a->leader_names);
	a->leader_names = desk_split_names(text_of(a->leaders));
	n = g_strv_length(a->leader_names);
	if (n > LEADERS_MAX)
		return g_strdup_printf(_("%s: at most %d leaders."), field, LEADERS_MAX);
	for (guint i = 0; i < n; i++) {
		char *why = desk_check_text(field, a->leader_names[i], 1, JY_SHORT_TEXT_MAX);
		if (why != NULL)
			return why;
	}
	if (n > 0 && !gtk_check_button_get_active(GTK_CHECK_BUTTON(a->key)))
		return g_strdup_printf(_("%s: only a key suggestion has leading leaders."), field);
	act->assign.leaders = a->leader_names;
	act->assign.n_leaders = n;
	act->assign.key = gtk_check_button_get_active(GTK_CHECK_BUTTON(a->key));
	return NULL;
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct assign_fields *a = fields;
	const char *lead = text_of(a->lead), *deadline = text_of(a->deadline);
	char *why;

	if ((why = desk_check_text(_("Lead unit"), lead, 1, JY_SHORT_TEXT_MAX)) ||
	    (why = desk_units_find(a->units, _("Lead unit"), lead, &act->assign.lead_unit_id)))
		*focus = a->lead;
	else if ((why = fill_co_units(a, act)))
		*focus = a->co;
	else if (deadline[0] != '\0' &&
		 (why = desk_check_date(_("Reply due"), deadline, DESK_DATE_NOT_PAST)))
		*focus = a->deadline;
	else if ((why = fill_leaders(a, act)))
		*focus = a->leaders;
	if (why == NULL && a->reason != NULL) {
		g_free(a->reason_text);
		a->reason_text = desk_form_text_view_text(a->reason);
		if ((why = desk_check_text(_("Reason for the change"), a->reason_text, 1,
					   JY_REASON_MAX)))
			*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(a->reason));
		act->assign.reason = a->reason_text;
	}
	act->assign.reply_deadline = (char *)deadline;
	return why;
}

static void reset(void *fields)
{
	struct assign_fields *a = fields;

	desk_units_load(a->units);
	gtk_editable_set_text(GTK_EDITABLE(a->lead), "");
	gtk_editable_set_text(GTK_EDITABLE(a->co), "");
	gtk_editable_set_text(GTK_EDITABLE(a->deadline), "");
	gtk_editable_set_text(GTK_EDITABLE(a->leaders), "");
	gtk_check_button_set_active(GTK_CHECK_BUTTON(a->key), FALSE);
	if (a->reason != NULL)
		gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(
			gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(a->reason)))), "", -1);
}

static void free_fields(void *fields)
{
	struct assign_fields *a = fields;

	desk_units_free(a->units);
	g_strfreev(a->leader_names);
	g_free(a->reason_text);
	g_free(a);
}

static struct desk_form *assign_form_new(const struct desk_form_spec *spec, bool reassign,
					 struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	struct assign_fields *a = g_new0(struct assign_fields, 1);
	struct desk_form *f = desk_form_new(link, spec, fill, reset, a, free_fields, done, user);

	a->units = desk_units_new(link);
	a->lead = desk_form_add_field(f, _("Lead unit"), desk_form_entry(JY_SHORT_TEXT_MAX));
	a->co = desk_form_add_field(f, _("Co-handling units"), gtk_entry_new());
	gtk_entry_set_placeholder_text(GTK_ENTRY(a->co), _("names, separated by 、"));
	a->deadline = desk_form_add_field(f, _("Reply due"), desk_form_entry(10));
	gtk_entry_set_placeholder_text(GTK_ENTRY(a->deadline),
				       _("YYYY-MM-DD; empty: three months from today"));
	a->key = gtk_check_button_new_with_label(_("Key suggestion"));
	desk_form_add(f, a->key);
	a->leaders = desk_form_add_field(f, _("Leading leaders"), gtk_entry_new());
	gtk_entry_set_placeholder_text(GTK_ENTRY(a->leaders), _("names, separated by 、"));
	if (reassign)
		a->reason = desk_form_add_field(f, _("Reason for the change"), desk_form_text_view());
	return f;
}

struct desk_form *desk_form_assign_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return assign_form_new(&assign_spec, false, link, done, user);
}

struct desk_form *desk_form_reassign_new(struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	return assign_form_new(&reassign_spec, true, link, done, user);
}
