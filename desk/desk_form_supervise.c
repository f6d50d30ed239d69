/* 记录督办 (ActRequest supervise): the kind of supervision and what was
 * done. Who may record which kind is the server's to decide (README.md
 * "Supervision"); its refusal is said in words. */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

static const struct desk_form_spec supervise_spec = {
	.action = JIANYI__ACTION__ACTION_SUPERVISE,
	.key_stem = "supervise",
	.title = N_("Record supervision"),
	.what = N_("Record a supervision of the case: its kind and what was done. The lead unit "
		   "is told."),
	.send_label = N_("_Save the supervision"),
	.send_name = N_("Record the supervision"),
	.done = N_("The supervision is recorded."),
};

/* SuperviseParams.kind, said by cli_supervision_text. */
static const char *const kinds[] = {
	"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
	"publish_unsatisfied", NULL,
};

struct supervise_fields {
	GtkWidget *kind, *text;
	char *sent;               /* the text as sent: lives until the next fill */
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct supervise_fields *s = fields;
	guint kind = gtk_drop_down_get_selected(GTK_DROP_DOWN(s->kind));
	char *why;

	g_free(s->sent);
	s->sent = desk_form_text_view_text(s->text);
	why = desk_check_text(_("What was done"), s->sent, 1, JY_BODY_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(s->text));
		return why;
	}
	act->supervise.kind = (char *)kinds[kind < G_N_ELEMENTS(kinds) - 1 ? kind : 0];
	act->supervise.text = s->sent;
	return NULL;
}

static void reset(void *fields)
{
	struct supervise_fields *s = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(s->text)));

	gtk_drop_down_set_selected(GTK_DROP_DOWN(s->kind), 0);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct supervise_fields *s = fields;

	g_free(s->sent);
	g_free(s);
}

struct desk_form *desk_form_supervise_new(struct desk_link *link, void (*done)(void *user),
					  void *user)
{
	struct supervise_fields *s = g_new0(struct supervise_fields, 1);
	struct desk_form *f = desk_form_new(link, &supervise_spec, fill, reset, s, free_fields, done,
					    user);
	const char *words[G_N_ELEMENTS(kinds)];

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		words[i] = kinds[i] != NULL ? cli_supervision_text(kinds[i]) : NULL;
	s->kind = desk_form_add_field(f, _("Kind of supervision"),
				      gtk_drop_down_new_from_strings(words));
	s->text = desk_form_add_field(f, _("What was done"), desk_form_text_view());
	return f;
}
