/* 合并 (ActRequest merge), the liaison committee's: the case this one is
 * merged into, written by its number ("18-2-3" or 第18届第2次会议第3号)
 * and looked up in the server's directory as the CLI's --into is
 * (DirectoryRequest "cases", client/cli_resolve.c) while it is written,
 * the case found shown under it; and the reason. */
#include "desk_forms.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_form_check.h"

#define NUMBER_MAX 64             /* 第99届第20次会议第99999号 with room */

struct merge_fields {
	GtkWidget *number, *found, *reason;
	struct desk_link *link;
	char *looked_up;          /* the number the answer below is for */
	int64_t into;             /* 0: none or several */
	char *why;                /* why not, when into is 0 */
	unsigned generation;      /* a later lookup outdates an earlier answer */
	char *sent;               /* the reason as sent: lives until the next fill */
};

/* A lookup on its way; it holds a reference to the fields. */
struct lookup {
	struct merge_fields *m;
	unsigned generation;
	char *text;
};

static void found(struct merge_fields *m, const char *text, int64_t into, char *why,
		  const char *shown)
{
	g_free(m->looked_up);
	g_free(m->why);
	m->looked_up = g_strdup(text);
	m->into = into;
	m->why = why;
	gtk_label_set_text(GTK_LABEL(m->found), shown);
}

static void on_cases(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct lookup *l = user;
	struct merge_fields *m = l->m;
	const Jianyi__DirectoryResponse *d;
	char *shown, *why;

	if (l->generation != m->generation)
		goto done;
	if (err != NULL || env->response->body_case != JIANYI__RESPONSE__BODY_DIRECTORY) {
		why = g_strdup(_("The case could not be looked up; try again."));
		found(m, l->text, 0, why, why);
		goto done;
	}
	d = env->response->directory;
	if (d->n_entries == 1) {
		shown = g_strdup_printf(_("%s: %s"), d->entries[0]->number, d->entries[0]->name);
		found(m, l->text, d->entries[0]->id, NULL, shown);
		g_free(shown);
	} else {
		/* TRANSLATORS: the field's name and what was written */
		why = g_strdup_printf(d->n_entries == 0 ? _("%s: no case is numbered '%s'.") :
				      _("%s: '%s' names several cases; write the whole number."),
				      _("Merge into case number"), l->text);
		found(m, l->text, 0, why, why);
	}
done:
	g_rc_box_release(m);
	g_free(l->text);
	g_free(l);
}

/* Each change of the number looks it up anew. */
static void on_number_changed(GtkEditable *e, gpointer data)
{
	struct merge_fields *m = data;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	struct lookup *l;
	struct jy_error err = { 0 };
	char *text = g_strstrip(g_strdup(gtk_editable_get_text(e)));

	m->generation++;
	gtk_label_set_text(GTK_LABEL(m->found), "");
	if (text[0] == '\0') {
		g_free(text);
		return;
	}
	l = g_new0(struct lookup, 1);
	l->m = g_rc_box_acquire(m);
	l->generation = m->generation;
	l->text = text;
	q.kind = (char *)"cases";
	q.query = text;
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	if (!desk_link_send(m->link, &req, on_cases, l, &err)) {
		char *why = g_strdup(_("The case could not be looked up; try again."));

		found(m, text, 0, why, why);
		g_rc_box_release(m);
		g_free(l->text);
		g_free(l);
	}
}

/* The case the number names, NULL; else what is wrong (g_free it). */
static char *into_case(struct merge_fields *m, int64_t self, int64_t *into)
{
	const char *field = _("Merge into case number");
	char *text = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(m->number))));
	char *why = desk_check_text(field, text, 1, NUMBER_MAX);

	if (why == NULL && (m->looked_up == NULL || strcmp(m->looked_up, text) != 0))
		why = g_strdup_printf(_("%s: the case is still being looked up; try again shortly."),
				      field);
	else if (why == NULL && m->into == 0)
		why = g_strdup(m->why);
	else if (why == NULL && m->into == self)
		why = g_strdup_printf(_("%s: a case cannot be merged into itself."), field);
	*into = m->into;
	g_free(text);
	return why;
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct merge_fields *m = fields;
	char *why = into_case(m, act->req.suggestion_id, &act->merge.into_suggestion_id);

	if (why != NULL) {
		*focus = m->number;
		return why;
	}
	g_free(m->sent);
	m->sent = desk_form_text_view_text(m->reason);
	why = desk_check_text(_("Reason for merging"), m->sent, 1, JY_REASON_MAX);
	if (why != NULL) {
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(m->reason));
		return why;
	}
	act->merge.reason = m->sent;
	return NULL;
}

static void reset(void *fields)
{
	struct merge_fields *m = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(m->reason)));

	gtk_editable_set_text(GTK_EDITABLE(m->number), "");
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
}

static void clear_fields(gpointer p)
{
	struct merge_fields *m = p;

	g_free(m->looked_up);
	g_free(m->why);
	g_free(m->sent);
}

/* The form lets go; a lookup on its way keeps the fields until it ends,
 * and finds itself outdated (the widgets are gone). */
static void free_fields(void *fields)
{
	struct merge_fields *m = fields;

	m->generation++;
	g_rc_box_release_full(m, clear_fields);
}

struct desk_form *desk_form_merge_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.action = JIANYI__ACTION__ACTION_MERGE,
		.key_stem = "merge",
		.title = N_("Merge it into another case"),
		.what = N_("The case is handled with the one it is merged into and leaves the "
			   "to-do lists; its deputies are told."),
		.send_label = N_("Merge it (_S)"),
		.send_name = N_("Confirm the merging"),
		.done = N_("The case is merged."),
	};
	struct merge_fields *m = g_rc_box_new0(struct merge_fields);
	struct desk_form *f = desk_form_new(link, &spec, fill, reset, m, free_fields, done, user);

	m->link = link;
	m->number = desk_form_add_field(f, _("Merge into case number"), desk_form_entry(NUMBER_MAX));
	m->found = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(m->found), 0);
	gtk_label_set_wrap(GTK_LABEL(m->found), TRUE);
	desk_form_add(f, m->found);
	m->reason = desk_form_add_field(f, _("Reason for merging"), desk_form_text_view());
	g_signal_connect(m->number, "changed", G_CALLBACK(on_number_changed), m);
	return f;
}
