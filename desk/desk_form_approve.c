/* 审批延期申请 (ActRequest approve_extension), the assigning office's: the
 * request waiting for a decision is read from the case's timeline (its
 * extend event names the extension; desk_form_see_timeline), shown with its
 * days and reason, and approved or rejected with an optional reason. */
#include "desk_forms.h"

#include <json-c/json.h>
#include <string.h>

#include "cli_i18n.h"
#include "desk_form_check.h"

static const struct desk_form_spec approve_spec = {
	.action = JIANYI__ACTION__ACTION_APPROVE_EXTENSION,
	.key_stem = "approve-extension",
	.title = N_("Decide on the extension request"),
	.what = N_("Approving it moves the reply's deadline by the days asked for; the lead "
		   "unit is told either way."),
	.send_label = N_("_Send the decision"),
	.send_name = N_("Send the decision on the extension"),
	.done = N_("The decision is recorded."),
};

static const char *const decisions[] = { "approve", "reject", NULL };

struct approve_fields {
	GtkWidget *request, *decision[2], *reason;
	int64_t extension_id;     /* the request waiting, 0: none */
	char *reason_text;        /* the reason as sent: lives until the next fill */
};

static const char *decision_text(const char *decision)
{
	return strcmp(decision, "approve") == 0 ? _("Approve") : _("Reject");
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct approve_fields *a = fields;
	char *why;

	g_free(a->reason_text);
	a->reason_text = desk_form_text_view_text(a->reason);
	if (a->extension_id <= 0)
		return g_strdup(_("No extension request of this case waits for a decision."));
	why = desk_check_text(_("Reason for the decision (may be left empty)"), a->reason_text, 0,
			      JY_REASON_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(a->reason));
		return why;
	}
	act->approve.extension_id = a->extension_id;
	act->approve.approve = strcmp(desk_form_choice(decisions, a->decision), "approve") == 0;
	act->approve.reason = a->reason_text;
	return NULL;
}

static void reset(void *fields)
{
	struct approve_fields *a = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(a->reason)));

	gtk_check_button_set_active(GTK_CHECK_BUTTON(a->decision[0]), TRUE);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct approve_fields *a = fields;

	g_free(a->reason_text);
	g_free(a);
}

static int64_t id_in(struct json_object *d, const char *key)
{
	struct json_object *v;

	return d != NULL && json_object_object_get_ex(d, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *text_in(struct json_object *d, const char *key)
{
	struct json_object *v;

	return d != NULL && json_object_object_get_ex(d, key, &v) &&
	       json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* The last extend event whose extension no approve_extension decided yet. */
static void see_timeline(void *fields, Jianyi__TimelineEvent *const *events, size_t n)
{
	struct approve_fields *a = fields;
	char *request = NULL;

	a->extension_id = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_tokener_parse(events[i]->details);
		int64_t id = id_in(d, "extension_id");

		if (strcmp(events[i]->kind, "extend") == 0 && id > 0) {
			a->extension_id = id;
			g_free(request);
			/* TRANSLATORS: the days asked for and the unit's reason */
			request = g_strdup_printf(_("Asked for %d more days: %s"),
						  (int)id_in(d, "days"), text_in(d, "reason"));
		} else if (strcmp(events[i]->kind, "approve_extension") == 0 &&
			   id == a->extension_id) {
			a->extension_id = 0;
		}
		json_object_put(d);
	}
	gtk_label_set_text(GTK_LABEL(a->request), a->extension_id > 0 && request != NULL
			   ? request : _("No extension request waits for a decision."));
	g_free(request);
}

struct desk_form *desk_form_approve_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	struct approve_fields *a = g_new0(struct approve_fields, 1);
	struct desk_form *f = desk_form_new(link, &approve_spec, fill, reset, a, free_fields, done,
					    user);

	a->request = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(a->request), 0);
	gtk_label_set_wrap(GTK_LABEL(a->request), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(a->request), PANGO_WRAP_WORD_CHAR);
	gtk_label_set_max_width_chars(GTK_LABEL(a->request), 40);
	desk_form_add(f, a->request);
	desk_form_add_field(f, _("Decision"), desk_form_choices(decisions, decision_text,
								 a->decision));
	a->reason = desk_form_add_field(f, _("Reason for the decision (may be left empty)"),
					desk_form_text_view());
	desk_form_set_timeline_fn(f, see_timeline);
	return f;
}
