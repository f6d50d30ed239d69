/* See desk_case_pick.h. Each change of the text starts a lookup: the
 * directory (a number) or the list (words of a title) to find the one
 * case, then GetSuggestion for what is shown and its version. A later
 * change outdates an answer still to come. */
#include "desk_case_pick.h"

#include <string.h>

#include "cli_i18n.h"
#include "cli_terms.h"
#include "desk_form_check.h"

#define TEXT_MAX 100              /* a number, or words of a title (JY_TITLE_MAX) */

struct desk_case_pick {
	struct desk_link *link;
	GtkWidget *entry, *found;
	const char *name;         /* the field's name, translated */
	char *looked_up;          /* the text the answer below is for */
	int64_t id;               /* 0: none found (why says why) */
	int32_t version;
	char *why;
	unsigned generation;
};

/* A lookup on its way; it holds a reference to the picker. */
struct lookup {
	struct desk_case_pick *p;
	unsigned generation;
	char *text;
};

static void finish(struct lookup *l)
{
	g_rc_box_release(l->p);
	g_free(l->text);
	g_free(l);
}

static void found(struct desk_case_pick *p, const char *text, int64_t id, int32_t version,
		  char *why, const char *shown)
{
	g_free(p->looked_up);
	g_free(p->why);
	p->looked_up = g_strdup(text);
	p->id = id;
	p->version = version;
	p->why = why;
	if (p->found != NULL)
		gtk_label_set_text(GTK_LABEL(p->found), shown);
}

static void not_found(struct lookup *l, char *why)
{
	found(l->p, l->text, 0, 0, why, why);
}

static void lookup_failed(struct lookup *l)
{
	/* TRANSLATORS: the field's name */
	not_found(l, g_strdup_printf(_("%s: the case could not be looked up; try again."),
				     l->p->name));
}

static void on_case(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct lookup *l = user;
	const Jianyi__Suggestion *s;
	char *shown;

	if (l->generation != l->p->generation)
		goto done;
	if (err != NULL || env->response->body_case != JIANYI__RESPONSE__BODY_GET_SUGGESTION ||
	    env->response->get_suggestion->suggestion == NULL) {
		lookup_failed(l);
		goto done;
	}
	s = env->response->get_suggestion->suggestion;
	/* TRANSLATORS: the case found: number, title, state */
	shown = g_strdup_printf(_("%s %s (%s)"), s->number[0] ? s->number : "—", s->title,
				cli_state_text(s->state));
	found(l->p, l->text, s->id, s->version, NULL, shown);
	g_free(shown);
done:
	finish(l);
}

/* The one case is known: read it. */
static void read_case(struct lookup *l, int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__GetSuggestionRequest q = JIANYI__GET_SUGGESTION_REQUEST__INIT;
	struct jy_error e = { 0 };

	jy_request_get(&req, &q, id);
	q.timeline_limit = 1;     /* only the case is shown */
	if (!desk_link_send(l->p->link, &req, on_case, l, &e)) {
		lookup_failed(l);
		finish(l);
	}
}

/* Several or none: said naming the field and what was written. */
static void not_one(struct lookup *l, size_t n, bool by_number)
{
	char *why;

	/* TRANSLATORS: the field's name, what was written */
	if (by_number)
		why = g_strdup_printf(n == 0 ? _("%s: no case is numbered '%s'.")
				      : _("%s: '%s' names several cases; write the whole number."),
				      l->p->name, l->text);
	else
		why = g_strdup_printf(n == 0 ? _("%s: no case has '%s' in its title or text.")
				      : _("%s: several cases have '%s'; write more of the title, or "
					  "the case's number."), l->p->name, l->text);
	not_found(l, why);
}

static void on_directory(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct lookup *l = user;
	const Jianyi__DirectoryResponse *d;

	if (l->generation != l->p->generation)
		goto done;
	if (err != NULL || env->response->body_case != JIANYI__RESPONSE__BODY_DIRECTORY) {
		lookup_failed(l);
		goto done;
	}
	d = env->response->directory;
	if (d->n_entries == 1) {
		read_case(l, d->entries[0]->id);
		return;
	}
	not_one(l, d->n_entries, true);
done:
	finish(l);
}

static void on_list(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct lookup *l = user;
	const Jianyi__ListSuggestionsResponse *r;

	if (l->generation != l->p->generation)
		goto done;
	if (err != NULL || env->response->body_case != JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS) {
		lookup_failed(l);
		goto done;
	}
	r = env->response->list_suggestions;
	if (r->n_suggestions == 1) {
		read_case(l, r->suggestions[0]->id);
		return;
	}
	not_one(l, r->n_suggestions, false);
done:
	finish(l);
}

/* 18-2-3 or 第18届第2次会议第3号, as the directory takes a number. */
static bool looks_like_number(const char *text)
{
	return g_regex_match_simple("^[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,6}$", text, 0, 0) ||
	       g_regex_match_simple("^第[0-9]{1,2}届第[0-9]{1,2}次会议第[0-9]{1,6}号$", text, 0, 0);
}

static bool ask(struct lookup *l)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest dir = JIANYI__DIRECTORY_REQUEST__INIT;
	Jianyi__ListSuggestionsRequest list = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	struct jy_error e = { 0 };

	if (looks_like_number(l->text)) {
		dir.kind = (char *)"cases";
		dir.query = l->text;
		req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
		req.directory = &dir;
		return desk_link_send(l->p->link, &req, on_directory, l, &e);
	}
	list.text = l->text;
	list.page_size = 2;       /* one is the case; two, several */
	jy_request_list(&req, &list);
	return desk_link_send(l->p->link, &req, on_list, l, &e);
}

static void on_changed(GtkEditable *e, gpointer data)
{
	struct desk_case_pick *p = data;
	struct lookup *l;
	char *text = g_strstrip(g_strdup(gtk_editable_get_text(e)));

	p->generation++;
	gtk_label_set_text(GTK_LABEL(p->found), "");
	if (text[0] == '\0' || g_utf8_strlen(text, -1) > TEXT_MAX) {
		g_free(text);
		return;
	}
	l = g_new0(struct lookup, 1);
	l->p = g_rc_box_acquire(p);
	l->generation = p->generation;
	l->text = text;
	if (!ask(l)) {
		lookup_failed(l);
		finish(l);
	}
}

char *desk_case_pick_get(struct desk_case_pick *p, int64_t *id, int32_t *version)
{
	char *text = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(p->entry))));
	char *why = desk_check_text(p->name, text, 1, TEXT_MAX);

	if (why == NULL && (p->looked_up == NULL || strcmp(p->looked_up, text) != 0))
		why = g_strdup_printf(_("%s: the case is still being looked up; try again shortly."),
				      p->name);
	else if (why == NULL && p->id == 0)
		why = g_strdup(p->why);
	*id = p->id;
	*version = p->version;
	g_free(text);
	return why;
}

GtkWidget *desk_case_pick_entry(struct desk_case_pick *p)
{
	return p->entry;
}

void desk_case_pick_reset(struct desk_case_pick *p)
{
	gtk_editable_set_text(GTK_EDITABLE(p->entry), "");
}

struct desk_case_pick *desk_case_pick_new(struct desk_link *link, struct desk_form *f,
					  const char *name)
{
	struct desk_case_pick *p = g_rc_box_new0(struct desk_case_pick);

	p->link = link;
	p->name = name;
	p->entry = desk_form_add_field(f, name, desk_form_entry(TEXT_MAX));
	gtk_entry_set_placeholder_text(GTK_ENTRY(p->entry), _("18-2-3, or words of the title"));
	p->found = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(p->found), 0);
	gtk_label_set_wrap(GTK_LABEL(p->found), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(p->found), PANGO_WRAP_WORD_CHAR);
	desk_form_add(f, p->found);
	g_signal_connect(p->entry, "changed", G_CALLBACK(on_changed), p);
	return p;
}

static void clear(gpointer data)
{
	struct desk_case_pick *p = data;

	g_free(p->looked_up);
	g_free(p->why);
}

void desk_case_pick_free(struct desk_case_pick *p)
{
	p->generation++;
	p->found = NULL;          /* the widgets go with the form */
	g_rc_box_release_full(p, clear);
}
