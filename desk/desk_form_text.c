/* The forms whose one field is a text: the reason-only actions
 * (ReasonParams: 提出异议 dispute, 退回修改 return, 办结 close, the lead
 * deputy's 撤回 withdraw) and the
 * co-handling unit's 协办意见 (OpinionParams). One table says each; the
 * fill, reset and layout are shared. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "desk_form_check.h"

struct text_form {
	struct desk_form_spec spec;
	const char *field;        /* the text's name on the form */
	glong min_chars;          /* 0: the text may be left empty */
	glong max_chars;          /* jy_limits.h */
	bool opinion;             /* OpinionParams.text, else ReasonParams.reason */
};

static const struct text_form dispute_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_DISPUTE,
		.key_stem = "dispute",
		.title = N_("Dispute the assignment"),
		.what = N_("Say why the case is not your unit's to handle. The assigning office "
			   "decides and may assign it anew."),
		.send_label = N_("_Send the dispute"),
		.send_name = N_("Send the dispute"),
		.done = N_("The dispute is sent."),
	},
	.field = N_("Reason for the dispute"),
	.min_chars = 1,
	.max_chars = JY_REASON_MAX,
};

static const struct text_form return_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_RETURN,
		.key_stem = "return",
		.title = N_("Return it for revision"),
		.what = N_("Tell the lead deputy what to revise; the deputy may submit it again."),
		.send_label = N_("_Send it back"),
		.send_name = N_("Confirm the return"),
		.done = N_("It is returned to the deputy."),
	},
	.field = N_("What to revise"),
	.min_chars = 1,
	.max_chars = JY_REASON_MAX,
};

static const struct text_form close_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_CLOSE,
		.key_stem = "close",
		.title = N_("Close the case"),
		.what = N_("The handling is over: the case is closed and leaves the to-do lists."),
		.send_label = N_("Clo_se the case"),
		.send_name = N_("Confirm the closing"),
		.done = N_("The case is closed."),
	},
	.field = N_("Reason for closing (may be left empty)"),
	.min_chars = 0,
	.max_chars = JY_REASON_MAX,
};

static const struct text_form opinion_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_OPINION,
		.key_stem = "opinion",
		.title = N_("Send the co-handling opinion"),
		.what = N_("Your unit's written opinion on the case; the lead unit attaches it to "
			   "its reply."),
		.send_label = N_("_Send the opinion"),
		.send_name = N_("Confirm and send the opinion"),
		.done = N_("The opinion is sent."),
	},
	.field = N_("Opinion"),
	.min_chars = 1,
	.max_chars = JY_BODY_MAX,
	.opinion = true,
};

static const struct text_form withdraw_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_WITHDRAW,
		.key_stem = "withdraw",
		.title = N_("Withdraw the suggestion"),
		.what = N_("The suggestion is withdrawn in writing and handled no further; the "
			   "units and the liaison committee are told why."),
		.send_label = N_("_Withdraw it"),
		.send_name = N_("Confirm the withdrawal"),
		.done = N_("The suggestion is withdrawn."),
	},
	.field = N_("Reason for withdrawing"),
	.min_chars = 1,
	.max_chars = JY_REASON_MAX,
};

struct text_fields {
	const struct text_form *form;
	GtkWidget *text;
	char *sent;               /* the text as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct text_fields *t = fields;
	char *why;

	g_free(t->sent);
	t->sent = desk_form_text_view_text(t->text);
	why = desk_check_text(_(t->form->field), t->sent, t->form->min_chars, t->form->max_chars);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(t->text));
		return why;
	}
	if (t->form->opinion)
		act->opinion.text = t->sent;
	else
		act->reason.reason = t->sent;
	return NULL;
}

static void reset(void *fields)
{
	struct text_fields *t = fields;
	GtkTextView *v = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(t->text)));

	gtk_text_buffer_set_text(gtk_text_view_get_buffer(v), "", -1);
}

static void free_fields(void *fields)
{
	struct text_fields *t = fields;

	g_free(t->sent);
	g_free(t);
}

static struct desk_form *text_form_new(const struct text_form *form, struct desk_link *link,
				       void (*done)(void *user), void *user)
{
	struct text_fields *t = g_new0(struct text_fields, 1);
	struct desk_form *f = desk_form_new(link, &form->spec, fill, reset, t, free_fields, done,
					    user);

	t->form = form;
	t->text = desk_form_add_field(f, _(form->field), desk_form_text_view());
	return f;
}

struct desk_form *desk_form_dispute_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	return text_form_new(&dispute_form, link, done, user);
}

struct desk_form *desk_form_return_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return text_form_new(&return_form, link, done, user);
}

struct desk_form *desk_form_close_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return text_form_new(&close_form, link, done, user);
}

struct desk_form *desk_form_opinion_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	return text_form_new(&opinion_form, link, done, user);
}

struct desk_form *desk_form_withdraw_new(struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	return text_form_new(&withdraw_form, link, done, user);
}
