/* 更正 (ActRequest correct, CorrectParams), the liaison committee's: after
 * registration the text is frozen, and only a correction with a reason
 * changes the title, the text or the category (docs/WORKFLOW.md
 * "Editing"). The fields start as the case has them; only what was changed
 * is sent ("" leaves a text as it is, as "jianyi correct" sends it), and
 * the form will not send when nothing was changed or no reason given. */
#include "desk_forms.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_form_check.h"

struct correct_fields {
	GtkWidget *title, *category, *body, *reason;
	char *was_title, *was_category, *was_body;    /* the case as last shown */
	char *title_sent, *category_sent, *body_sent, *reason_sent;  /* live until the next fill */
};

static void set_view_text(GtkWidget *scrolled, const char *text)
{
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(scrolled)));

	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), text, -1);
}

static GtkWidget *view_of(GtkWidget *scrolled)
{
	return gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(scrolled));
}

/* One corrected text: *sent is "" when unchanged (then not sent), else the
 * new text once checked; NULL when all is well. */
static char *changed(const char *field, char *now, const char *was, glong max, char **sent)
{
	char *why;

	g_free(*sent);
	*sent = now;
	if (g_strcmp0(now, was) == 0) {
		(*sent)[0] = '\0';
		return NULL;
	}
	why = desk_check_text(field, now, 1, max);
	return why;
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct correct_fields *c = fields;
	char *why;

	why = changed(_("Title"), g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(c->title)))),
		      c->was_title, JY_TITLE_MAX, &c->title_sent);
	if (why != NULL) {
		*focus = c->title;
		return why;
	}
	why = changed(_("Category"),
		      g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(c->category)))),
		      c->was_category, JY_SHORT_TEXT_MAX, &c->category_sent);
	if (why != NULL) {
		*focus = c->category;
		return why;
	}
	why = changed(_("Text of the suggestion"), desk_form_text_view_text(c->body), c->was_body,
		      JY_BODY_MAX, &c->body_sent);
	if (why != NULL) {
		*focus = view_of(c->body);
		return why;
	}
	if (!c->title_sent[0] && !c->category_sent[0] && !c->body_sent[0]) {
		*focus = c->title;
		return g_strdup(_("Nothing is corrected: change the title, the text or the category."));
	}
	g_free(c->reason_sent);
	c->reason_sent = desk_form_text_view_text(c->reason);
	why = desk_check_text(_("Reason for the correction"), c->reason_sent, 1, JY_REASON_MAX);
	if (why != NULL) {
		*focus = view_of(c->reason);
		return why;
	}
	act->correct.title = c->title_sent;
	act->correct.category = c->category_sent;
	act->correct.body = c->body_sent;
	act->correct.reason = c->reason_sent;
	return NULL;
}

/* Opened anew: the texts as the case has them, no reason yet. */
static void reset(void *fields)
{
	struct correct_fields *c = fields;

	gtk_editable_set_text(GTK_EDITABLE(c->title), c->was_title ? c->was_title : "");
	gtk_editable_set_text(GTK_EDITABLE(c->category), c->was_category ? c->was_category : "");
	set_view_text(c->body, c->was_body ? c->was_body : "");
	set_view_text(c->reason, "");
}

static void see_case(void *fields, const Jianyi__Suggestion *s)
{
	struct correct_fields *c = fields;

	g_free(c->was_title);
	g_free(c->was_category);
	g_free(c->was_body);
	c->was_title = g_strdup(s->title);
	c->was_category = g_strdup(s->category);
	c->was_body = g_strdup(s->body);
}

static void free_fields(void *fields)
{
	struct correct_fields *c = fields;

	g_free(c->was_title);
	g_free(c->was_category);
	g_free(c->was_body);
	g_free(c->title_sent);
	g_free(c->category_sent);
	g_free(c->body_sent);
	g_free(c->reason_sent);
	g_free(c);
}

struct desk_form *desk_form_correct_new(struct desk_link *link, void (*done)(void *user),
					void *user)
{
	static const struct desk_form_spec spec = {
		.action = JIANYI__ACTION__ACTION_CORRECT,
		.key_stem = "correct",
		.title = N_("Correct the registered text"),
		.what = N_("Change what must be corrected and say why. The timeline records what "
			   "changed, and the deputies are told."),
		.send_label = N_("_Send the correction"),
		.send_name = N_("Confirm the correction"),
		.done = N_("The correction is recorded."),
	};
	struct correct_fields *c = g_new0(struct correct_fields, 1);
	struct desk_form *f = desk_form_new(link, &spec, fill, reset, c, free_fields, done, user);

	c->title = desk_form_add_field(f, _("Title"), desk_form_entry(JY_TITLE_MAX));
	c->category = desk_form_add_field(f, _("Category"), desk_form_entry(JY_SHORT_TEXT_MAX));
	c->body = desk_form_add_field(f, _("Text of the suggestion"), desk_form_text_view());
	c->reason = desk_form_add_field(f, _("Reason for the correction"), desk_form_text_view());
	desk_form_set_case_fn(f, see_case);
	return f;
}
