/* The forms of one or two choices and a text: the deputy's 评价答复
 * (EvaluateParams: the attitude and the result, each satisfied, basically
 * satisfied or unsatisfied, and a comment) and the liaison committee's
 * 转为… (ConvertParams: a letter, a motion or a suggestion, and the
 * reason). The choices are in the CLI's words (cli_terms.h); one table
 * says each form, the layout is shared. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

#define CHOICES_MAX 3             /* values per row */
#define ROWS_MAX 2

struct choose_form {
	struct desk_form_spec spec;
	const char *row_name[ROWS_MAX];       /* NULL: no second row */
	const char *const *values;            /* every row's values, NULL-ended */
	const char *(*value_text)(const char *value);
	const char *text_name;
	glong min_chars;                      /* 0: the text may be left empty */
	/* Points act's params at the picked values and the text. */
	void (*set)(struct jy_act *act, const char *const picked[ROWS_MAX], char *text);
};

/* EvaluateParams' and the CLI's --attitude and --result. */
static const char *const answers[] = { "satisfied", "basically_satisfied", "unsatisfied", NULL };
/* ConvertParams.to_kind, as "jianyi convert --to" takes it. */
static const char *const kinds[] = { "letter", "motion", "suggestion", NULL };

static void set_evaluate(struct jy_act *act, const char *const picked[ROWS_MAX], char *text)
{
	act->evaluate.attitude = (char *)picked[0];
	act->evaluate.result = (char *)picked[1];
	act->evaluate.comment = text;
}

static void set_convert(struct jy_act *act, const char *const picked[ROWS_MAX], char *text)
{
	act->convert.to_kind = (char *)picked[0];
	act->convert.reason = text;
}

static const struct choose_form evaluate_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_EVALUATE,
		.key_stem = "evaluate",
		.title = N_("Evaluate the reply"),
		.what = N_("Say how satisfied you are with the unit's attitude and with the result of "
			   "the handling."),
		.send_label = N_("_Send the evaluation"),
		.send_name = N_("Send the evaluation"),
		.done = N_("The evaluation is sent."),
	},
	.row_name = { N_("Attitude of the unit"), N_("Result of the handling") },
	.values = answers,
	.value_text = cli_answer_text,
	.text_name = N_("Comment (may be left empty)"),
	.min_chars = 0,
	.set = set_evaluate,
};

static const struct choose_form convert_form = {
	.spec = {
		.action = JIANYI__ACTION__ACTION_CONVERT,
		.key_stem = "convert",
		.title = N_("Convert the case"),
		.what = N_("Handle it as another kind of case: a letter from the people, a motion "
			   "or a suggestion."),
		.send_label = N_("Convert it (_S)"),
		.send_name = N_("Confirm the conversion"),
		.done = N_("The case is converted."),
	},
	.row_name = { N_("Convert it to"), NULL },
	.values = kinds,
	.value_text = cli_case_kind_text,
	.text_name = N_("Reason for the conversion"),
	.min_chars = 1,
	.set = set_convert,
};

struct choose_fields {
	const struct choose_form *form;
	GtkWidget *rows[ROWS_MAX][CHOICES_MAX], *text;
	char *sent;               /* the text as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct choose_fields *c = fields;
	const char *picked[ROWS_MAX] = { NULL, NULL };
	char *why;

	g_free(c->sent);
	c->sent = desk_form_text_view_text(c->text);
	why = desk_check_text(_(c->form->text_name), c->sent, c->form->min_chars, JY_REASON_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(c->text));
		return why;
	}
	for (int r = 0; r < ROWS_MAX && c->form->row_name[r] != NULL; r++)
		picked[r] = desk_form_choice(c->form->values, c->rows[r]);
	c->form->set(act, picked, c->sent);
	return NULL;
}

static void reset(void *fields)
{
	struct choose_fields *c = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(c->text)));

	for (int r = 0; r < ROWS_MAX && c->form->row_name[r] != NULL; r++)
		gtk_check_button_set_active(GTK_CHECK_BUTTON(c->rows[r][0]), TRUE);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct choose_fields *c = fields;

	g_free(c->sent);
	g_free(c);
}

static struct desk_form *choose_form_new(const struct choose_form *form, struct desk_link *link,
					 void (*done)(void *user), void *user)
{
	struct choose_fields *c = g_new0(struct choose_fields, 1);
	struct desk_form *f = desk_form_new(link, &form->spec, fill, reset, c, free_fields, done,
					    user);

	c->form = form;
	for (int r = 0; r < ROWS_MAX && form->row_name[r] != NULL; r++)
		desk_form_add_field(f, _(form->row_name[r]),
				    desk_form_choices(form->values, form->value_text, c->rows[r]));
	c->text = desk_form_add_field(f, _(form->text_name), desk_form_text_view());
	return f;
}

struct desk_form *desk_form_evaluate_new(struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	return choose_form_new(&evaluate_form, link, done, user);
}

struct desk_form *desk_form_convert_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	return choose_form_new(&convert_form, link, done, user);
}
