/* 记录督办 from the page 督办: the case named by its number or title
 * (desk_case_pick.h), the kind of supervision and what was done, sent as
 * the CLI's "jianyi supervise" sends it (ActRequest supervise). The case's
 * version is the one read when it was found: a supervision record
 * overwrites nothing, so the server takes it even when the case moved on
 * meanwhile (docs/WORKFLOW.md "jy_act", step 4). */
#include "desk_sup_forms.h"

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_case_pick.h"
#include "desk_form_check.h"

/* SuperviseParams.kind, said by cli_supervision_text (as the case view's
 * form, desk_form_supervise.c, offers them). */
static const char *const kinds[] = {
	"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
	"publish_unsatisfied", NULL,
};

struct supervise_fields {
	struct desk_case_pick *pick;
	GtkWidget *kind, *text;
	struct jy_act act;
	char *sent;               /* the text as sent: lives until the next build */
};

static char *build(void *fields, const char *key, Jianyi__Request *req, GtkWidget **focus)
{
	struct supervise_fields *s = fields;
	guint kind = gtk_drop_down_get_selected(GTK_DROP_DOWN(s->kind));
	struct jy_error e = { 0 };
	int64_t id;
	int32_t version;
	char *why = desk_case_pick_get(s->pick, &id, &version);

	if (why != NULL) {
		*focus = desk_case_pick_entry(s->pick);
		return why;
	}
	g_free(s->sent);
	s->sent = desk_form_text_view_text(s->text);
	why = desk_check_text(_("What was done"), s->sent, 1, JY_BODY_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(s->text));
		return why;
	}
	jy_act_init(&s->act, JIANYI__ACTION__ACTION_SUPERVISE, id, version);
	s->act.supervise.kind = (char *)kinds[kind < G_N_ELEMENTS(kinds) - 1 ? kind : 0];
	s->act.supervise.text = s->sent;
	if (!jy_act_set_key(&s->act, key, &e))
		return g_strdup(e.message);
	jy_request_act(req, &s->act);
	return NULL;
}

static void reset(void *fields)
{
	struct supervise_fields *s = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(s->text)));

	desk_case_pick_reset(s->pick);
	gtk_drop_down_set_selected(GTK_DROP_DOWN(s->kind), 0);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void free_fields(void *fields)
{
	struct supervise_fields *s = fields;

	desk_case_pick_free(s->pick);
	g_free(s->sent);
	g_free(s);
}

struct desk_form *desk_sup_supervise_new(struct desk_link *link, void (*done)(void *user),
					 void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "supervise",
		.title = N_("Record supervision"),
		.what = N_("Record a supervision of a case, named by its number or by words of its "
			   "title: its kind and what was done. The lead unit is told."),
		.send_label = N_("_Save the supervision"),
		.send_name = N_("Record the supervision"),
		.done = N_("The supervision is recorded."),
	};
	struct supervise_fields *s = g_new0(struct supervise_fields, 1);
	struct desk_form *f = desk_form_new_request(link, &spec, build, reset, s, free_fields, done,
						    user);
	const char *words[G_N_ELEMENTS(kinds)];

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		words[i] = kinds[i] != NULL ? cli_supervision_text(kinds[i]) : NULL;
	s->pick = desk_case_pick_new(link, f, _("Case number or title"));
	s->kind = desk_form_add_field(f, _("Kind of supervision"),
				      gtk_drop_down_new_from_strings(words));
	s->text = desk_form_add_field(f, _("What was done"), desk_form_text_view());
	return f;
}
