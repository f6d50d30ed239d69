/* See desk_topics.h. */
#include "desk_topics.h"

#include <inttypes.h>
#include <string.h>

#include "cli_i18n.h"
#include "desk_rows.h"

#define YEAR_MIN 2000           /* as the server checks a round's year */
#define YEAR_MAX 2100

struct desk_topics {
	struct desk_link *link;
	GtkWidget *topics_root, *topics_summary, *topics;
	GPtrArray *topic_names;   /* as listed, for desk_topics_find */
	GArray *topic_ids;
	bool topics_loaded;
	GtkWidget *excellent_root, *excellent_summary, *excellent, *year;
	bool topics_waiting, excellent_waiting;
};

static void say_failed(GtkWidget *summary, const char *what, const struct jy_error *err)
{
	char *text = g_strdup_printf(_("%s could not be read: %s"), what, err->message);

	gtk_label_set_text(GTK_LABEL(summary), text);
	g_free(text);
}

/* ---- 重点督办专题 ----------------------------------------------------- */

/* The leaders joined with 、 (a repeated field: counted, not NULL-ended). */
static char *leaders_text(const Jianyi__Topic *x)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < x->n_leaders; i++)
		g_string_append_printf(s, i > 0 ? "、%s" : "%s", x->leaders[i]);
	return g_string_free(s, FALSE);
}

static void topic_row(struct desk_topics *t, const Jianyi__Topic *x)
{
	char *leaders = leaders_text(x);
	char *cases = g_strdup_printf(ngettext("%d case", "%d cases", (gulong)x->suggestions),
				      x->suggestions);
	char *overdue = g_strdup_printf(_("%d overdue"), x->overdue);
	struct desk_cell cells[] = {
		{ x->name, 0, false }, { x->committee, 14, false },
		{ leaders[0] ? leaders : "—", 14, false }, { cases, 8, false },
		{ overdue, 8, x->overdue > 0 },
	};
	/* TRANSLATORS: a topic read aloud: name, committee, leaders, cases, overdue */
	char *aloud = g_strdup_printf(_("%s (%s; %s): %s, %s"), x->name, x->committee, leaders, cases,
				      overdue);

	desk_row_add(t->topics, cells, G_N_ELEMENTS(cells), aloud);
	g_free(aloud);
	g_free(overdue);
	g_free(cases);
	g_free(leaders);
}

static void on_topics(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct desk_topics *t = user;
	const Jianyi__TopicListResponse *r;
	char *text;

	t->topics_waiting = false;
	if (err != NULL) {
		say_failed(t->topics_summary, _("The topics"), err);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_TOPIC_LIST)
		return;
	r = env->response->topic_list;
	desk_rows_clear(t->topics);
	g_ptr_array_set_size(t->topic_names, 0);
	g_array_set_size(t->topic_ids, 0);
	for (size_t i = 0; i < r->n_topics; i++) {
		topic_row(t, r->topics[i]);
		g_ptr_array_add(t->topic_names, g_strdup(r->topics[i]->name));
		g_array_append_val(t->topic_ids, r->topics[i]->id);
	}
	t->topics_loaded = true;
	text = r->n_topics == 0 ? g_strdup(_("No key-supervision topics yet.")) :
	       g_strdup_printf(ngettext("%zu key-supervision topic", "%zu key-supervision topics",
					r->n_topics), r->n_topics);
	gtk_label_set_text(GTK_LABEL(t->topics_summary), text);
	g_free(text);
}

static void ask_topics(struct desk_topics *t)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicListRequest q = JIANYI__TOPIC_LIST_REQUEST__INIT;
	struct jy_error e = { 0 };

	req.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
	req.topic_list = &q;
	t->topics_waiting = desk_link_send(t->link, &req, on_topics, t, &e);
}

/* The topic's name, or the one name that contains text. */
char *desk_topics_find(const struct desk_topics *t, const char *field, const char *text,
		       int64_t *id)
{
	guint n = 0, one = 0;

	if (!t->topics_loaded)
		return g_strdup(_("The list of topics is not read yet; try again shortly."));
	for (guint i = 0; i < t->topic_names->len; i++) {
		if (strcmp(g_ptr_array_index(t->topic_names, i), text) == 0) {
			*id = g_array_index(t->topic_ids, int64_t, i);
			return NULL;
		}
		if (strstr(g_ptr_array_index(t->topic_names, i), text) != NULL) {
			one = i;
			n++;
		}
	}
	if (n == 1) {
		*id = g_array_index(t->topic_ids, int64_t, one);
		return NULL;
	}
	/* TRANSLATORS: the field's name and what was written */
	return g_strdup_printf(n == 0 ? _("%s: no topic is named '%s' (nor has a name containing "
					  "it).")
				      : _("%s: '%s' names several topics; write the whole name."),
			       field, text);
}

/* ---- 优秀建议 --------------------------------------------------------- */

static void excellent_row(struct desk_topics *t, const Jianyi__ExcellentEntry *x)
{
	char *rank = x->rank > 0 ? g_strdup_printf(_("No. %d"), x->rank) : g_strdup("—");
	char *scores = g_strdup_printf(ngettext("%d score", "%d scores", (gulong)x->scores),
				       x->scores);
	const char *average = x->average[0] ? x->average : "—";
	struct desk_cell cells[] = {
		{ rank, 6, false }, { x->number, 22, false }, { x->title, 0, false },
		{ x->lead_unit, 14, false }, { scores, 8, false }, { average, 6, false },
	};
	/* TRANSLATORS: an excellent suggestion read aloud: rank, number, title,
	 * scores, average */
	char *aloud = g_strdup_printf(_("%s %s %s: %s, average %s"), rank, x->number, x->title,
				      scores, average);

	desk_row_add(t->excellent, cells, G_N_ELEMENTS(cells), aloud);
	g_free(aloud);
	g_free(scores);
	g_free(rank);
}

static void on_excellent(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct desk_topics *t = user;
	const Jianyi__ExcellentResponse *r;
	char *text;

	t->excellent_waiting = false;
	if (err != NULL) {
		say_failed(t->excellent_summary, _("The excellent suggestions"), err);
		return;
	}
	if (env->response->body_case != JIANYI__RESPONSE__BODY_EXCELLENT_LIST)
		return;
	r = env->response->excellent_list;
	desk_rows_clear(t->excellent);
	for (size_t i = 0; i < r->n_entries; i++)
		excellent_row(t, r->entries[i]);
	if (r->n_entries == 0)
		text = g_strdup_printf(_("No nominations for %d."), r->year);
	else if (r->announced)
		text = g_strdup_printf(_("%d: %d selected of %zu nominated (announced)"), r->year,
				       r->count, r->n_entries);
	else
		text = g_strdup_printf(_("%d: %zu nominated, not announced yet"), r->year,
				       r->n_entries);
	gtk_label_set_text(GTK_LABEL(t->excellent_summary), text);
	g_free(text);
}

static void ask_excellent(struct desk_topics *t)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentListRequest q = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
	struct jy_error e = { 0 };

	q.year = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(t->year));
	req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
	req.excellent_list = &q;
	t->excellent_waiting = desk_link_send(t->link, &req, on_excellent, t, &e);
}

static void on_year_changed(GtkSpinButton *b, gpointer data)
{
	(void)b;
	ask_excellent(data);
}

int desk_excellent_year(const struct desk_topics *t)
{
	return gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(t->year));
}

/* ---- the tabs --------------------------------------------------------- */

void desk_topics_reload(struct desk_topics *t)
{
	if (!t->topics_waiting)
		ask_topics(t);
	if (!t->excellent_waiting)
		ask_excellent(t);
}

static GtkWidget *year_row(struct desk_topics *t)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *label = gtk_label_new_with_mnemonic(_("_Year"));
	GDateTime *now = g_date_time_new_now_local();

	t->year = gtk_spin_button_new_with_range(YEAR_MIN, YEAR_MAX, 1);
	gtk_spin_button_set_value(GTK_SPIN_BUTTON(t->year), g_date_time_get_year(now));
	g_date_time_unref(now);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), t->year);
	gtk_accessible_update_property(GTK_ACCESSIBLE(t->year), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Year of the round"), -1);
	g_signal_connect(t->year, "value-changed", G_CALLBACK(on_year_changed), t);
	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_top(box, 8);
	gtk_box_append(GTK_BOX(box), label);
	gtk_box_append(GTK_BOX(box), t->year);
	return box;
}

struct desk_topics *desk_topics_new(struct desk_link *link)
{
	struct desk_topics *t = g_new0(struct desk_topics, 1);
	GtkWidget *section;

	t->link = link;
	t->topic_names = g_ptr_array_new_with_free_func(g_free);
	t->topic_ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	t->topics_root = desk_section_new(_("Key-supervision topics"), &t->topics_summary,
					  &t->topics);
	section = desk_section_new(_("Excellent suggestions"), &t->excellent_summary, &t->excellent);
	t->excellent_root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_box_append(GTK_BOX(t->excellent_root), year_row(t));
	gtk_box_append(GTK_BOX(t->excellent_root), section);
	gtk_label_set_text(GTK_LABEL(t->topics_summary), _("Waiting for the server…"));
	gtk_label_set_text(GTK_LABEL(t->excellent_summary), _("Waiting for the server…"));
	return t;
}

GtkWidget *desk_topics_widget(struct desk_topics *t)
{
	return t->topics_root;
}

GtkWidget *desk_excellent_widget(struct desk_topics *t)
{
	return t->excellent_root;
}

void desk_topics_free(struct desk_topics *t)
{
	g_ptr_array_unref(t->topic_names);
	g_array_unref(t->topic_ids);
	g_free(t);
}
