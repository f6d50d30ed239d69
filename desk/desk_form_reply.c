/* 答复 (ActRequest reply), the unit head's: the result class (A, B or C,
 * in words) and the reply's text. The server refuses it until a contact
 * with the deputy is recorded this round; the form says so in words. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

static const struct desk_form_spec reply_spec = {
	.action = JIANYI__ACTION__ACTION_REPLY,
	.key_stem = "reply",
	.title = N_("Reply to the deputy"),
	.what = N_("Sign off the unit's reply: how far the suggestion is solved, and the reply "
		   "itself. The deputy is told and evaluates it."),
	.send_label = N_("_Sign off the reply"),
	.send_name = N_("Sign off the reply"),
	.done = N_("The reply is signed off."),
};

/* The result classes a reply takes here (ReplyParams.result_class). */
static const char *const classes[] = { "A", "B", "C", NULL };

struct reply_fields {
	GtkWidget *cls[3], *text;
	char *reply_text;         /* the reply as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct reply_fields *r = fields;
	char *why;

	g_free(r->reply_text);
	r->reply_text = desk_form_text_view_text(r->text);
	why = desk_check_text(_("Reply text"), r->reply_text, 1, JY_BODY_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(r->text));
		return why;
	}
	act->reply.result_class = (char *)desk_form_choice(classes, r->cls);
	act->reply.text = r->reply_text;
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

struct desk_form *desk_form_reply_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	struct reply_fields *r = g_new0(struct reply_fields, 1);
	struct desk_form *f = desk_form_new(link, &reply_spec, fill, reset, r, free_fields, done,
					    user);

	desk_form_add_field(f, _("Result"), desk_form_choices(classes, cli_class_text, r->cls));
	r->text = desk_form_add_field(f, _("Reply text"), desk_form_text_view());
	return f;
}
