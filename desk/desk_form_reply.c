/* 答复 (ActRequest reply), the unit head's, and 报告跟踪办理情况
 * (follow_up), the lead unit's report on a B or C reply: the same shape,
 * the result class (in words) and a text. The server refuses a reply until
 * a contact with the deputy is recorded this round; the form says so in
 * words. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

#define CLASSES_MAX 4

struct class_form {
	struct desk_form_spec spec;
	const char *const *classes;   /* the result classes it takes, NULL-ended */
	const char *text_name;        /* the text's name on the form */
	bool follow_up;               /* FollowUpParams, else ReplyParams */
};

/* A reply's classes here (ReplyParams.result_class); a follow-up report
 * may also say D, as "jianyi follow-up --class" takes it. */
static const char *const reply_classes[] = { "A", "B", "C", NULL };
static const char *const follow_up_classes[] = { "A", "B", "C", "D", NULL };

static const struct class_form reply_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_REPLY,
		.key_stem = "reply",
		.title = N_("Reply to the deputy"),
		.what = N_("Sign off the unit's reply: how far the suggestion is solved, and the "
			   "reply itself. The deputy is told and evaluates it."),
		.send_label = N_("_Sign off the reply"),
		.send_name = N_("Sign off the reply"),
		.done = N_("The reply is signed off."),
	},
	.classes = reply_classes,
	.text_name = N_("Reply text"),
};

static const struct class_form follow_up_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_FOLLOW_UP,
		.key_stem = "follow-up",
		.title = N_("Report progress"),
		.what = N_("Report how the handling went on since the reply, and the result class "
			   "now; A ends the follow-up reports."),
		.send_label = N_("_Send the report"),
		.send_name = N_("Send the progress report"),
		.done = N_("The progress report is sent."),
	},
	.classes = follow_up_classes,
	.text_name = N_("Progress report"),
	.follow_up = true,
};

struct reply_fields {
	const struct class_form *form;
	GtkWidget *cls[CLASSES_MAX], *text;
	char *reply_text;         /* the text as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct reply_fields *r = fields;
	char *why, *cls;

	g_free(r->reply_text);
	r->reply_text = desk_form_text_view_text(r->text);
	why = desk_check_text(_(r->form->text_name), r->reply_text, 1, JY_BODY_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(r->text));
		return why;
	}
	cls = (char *)desk_form_choice(r->form->classes, r->cls);
	if (r->form->follow_up) {
		act->follow_up.result_class = cls;
		act->follow_up.text = r->reply_text;
	} else {
		act->reply.result_class = cls;
		act->reply.text = r->reply_text;
	}
	return NULL;
}

static void reset(void *fields)
{
	struct reply_fields *r = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(r->text)));

	gtk_check_button_set_active(GTK_CHECK_BUTTON(r->cls[0]), TRUE);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct reply_fields *r = fields;

	g_free(r->reply_text);
	g_free(r);
}

static struct desk_form *class_form_new(const struct class_form *form, struct desk_link *link,
					void (*done)(void *user), void *user)
{
	struct reply_fields *r = g_new0(struct reply_fields, 1);
	struct desk_form *f = desk_form_new(link, &form->spec, fill, reset, r, free_fields, done,
					    user);

	r->form = form;
	desk_form_add_field(f, _("Result"), desk_form_choices(form->classes, cli_class_text, r->cls));
	r->text = desk_form_add_field(f, _(form->text_name), desk_form_text_view());
	return f;
}

struct desk_form *desk_form_reply_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return class_form_new(&reply_form, link, done, user);
}

struct desk_form *desk_form_follow_up_new(struct desk_link *link, void (*done)(void *user),
					  void *user)
{
	return class_form_new(&follow_up_form, link, done, user);
}
