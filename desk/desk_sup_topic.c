/* 新建专题 (TopicCreateRequest, as "jianyi topic create"): the name, the
 * supervising special committee picked from the server's directory
 * (DirectoryRequest "committees", read when the form opens), the leading
 * leaders and what the topic is about; and 专题加入/移出建议
 * (TopicMemberRequest, as "jianyi topic add|remove"): the topic by its
 * name, the case by its number or title, added or removed. Only key cases
 * go under a topic; the server says so when one is not. */
#include "desk_sup_forms.h"

#include <string.h>

#include "cli_i18n.h"
#include "desk_case_pick.h"
#include "desk_form_check.h"

/* TopicCreateRequest (proto/jianyi.proto): the name's length and the
 * leaders' count; jy_limits.h names neither. */
#define TOPIC_NAME_MAX 100
#define LEADERS_MAX 10

/* ---- 新建专题 --------------------------------------------------------- */

struct topic_fields {
	struct desk_link *link;
	GtkWidget *name, *committee, *leaders, *description;
	GtkStringList *committee_names;
	GArray *committee_ids;    /* int64_t, as committee_names */
	unsigned generation;      /* a later read outdates an earlier answer */
	Jianyi__TopicCreateRequest q;
	char *sent_name, *sent_description;
	char **sent_leaders;
};

struct committees_req {
	struct topic_fields *t;
	unsigned generation;
};

static void on_committees(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct committees_req *cr = user;
	struct topic_fields *t = cr->t;
	const Jianyi__DirectoryResponse *d;
	GPtrArray *names = g_ptr_array_new();
	guint old;

	if (cr->generation != t->generation || err != NULL ||
	    env->response->body_case != JIANYI__RESPONSE__BODY_DIRECTORY)
		goto done;
	d = env->response->directory;
	old = g_list_model_get_n_items(G_LIST_MODEL(t->committee_names));
	g_array_set_size(t->committee_ids, 0);
	for (size_t i = 0; i < d->n_entries; i++) {
		g_array_append_val(t->committee_ids, d->entries[i]->id);
		g_ptr_array_add(names, d->entries[i]->name);
	}
	g_ptr_array_add(names, NULL);
	gtk_string_list_splice(t->committee_names, 0, old, (const char *const *)names->pdata);
	gtk_drop_down_set_selected(GTK_DROP_DOWN(t->committee), 0);
done:
	g_ptr_array_unref(names);
	g_rc_box_release(t);
	g_free(cr);
}

static void read_committees(struct topic_fields *t)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	struct committees_req *cr = g_new0(struct committees_req, 1);
	struct jy_error e = { 0 };

	q.kind = (char *)"committees";
	q.query = (char *)"";
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	cr->t = g_rc_box_acquire(t);
	cr->generation = ++t->generation;
	if (!desk_link_send(t->link, &req, on_committees, cr, &e)) {
		g_rc_box_release(t);
		g_free(cr);
	}
}

/* The leaders written one after another, split at 、 , ， ; ； and spaces. */
static char *split_leaders(const char *text, char ***out)
{
	const char *field = _("Leading leaders");
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	char **parts = g_regex_split_simple("[、,，;；\\s]+", text, 0, 0);
	char *why = NULL;

	for (size_t i = 0; parts[i] != NULL && why == NULL; i++) {
		if (parts[i][0] == '\0')
			continue;
		why = desk_check_text(field, parts[i], 1, JY_SHORT_TEXT_MAX);
		g_ptr_array_add(names, g_strdup(parts[i]));
	}
	g_strfreev(parts);
	if (why == NULL && names->len > LEADERS_MAX)
		/* TRANSLATORS: the field's name, the most leaders */
		why = g_strdup_printf(_("%s: at most %d leaders."), field, LEADERS_MAX);
	g_ptr_array_add(names, NULL);
	*out = (char **)g_ptr_array_free(names, FALSE);
	return why;
}

static char *check_topic(struct topic_fields *t, GtkWidget **focus)
{
	char *why = desk_check_text(_("Name of the topic"), t->sent_name, 1, TOPIC_NAME_MAX);
	guint picked = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->committee));

	if (why != NULL) {
		*focus = t->name;
		return why;
	}
	if (picked == GTK_INVALID_LIST_POSITION || picked >= t->committee_ids->len) {
		*focus = t->committee;
		return g_strdup(_("Supervising committee: the list of committees is not read yet; "
				  "try again shortly."));
	}
	t->q.committee_id = g_array_index(t->committee_ids, int64_t, picked);
	why = split_leaders(gtk_editable_get_text(GTK_EDITABLE(t->leaders)), &t->sent_leaders);
	if (why != NULL) {
		*focus = t->leaders;
		return why;
	}
	why = desk_check_text(_("What the topic is about (may be left empty)"),
			      t->sent_description, 0, JY_REASON_MAX);
	if (why != NULL)
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(t->description));
	return why;
}

static char *build_topic(void *fields, const char *key, Jianyi__Request *req, GtkWidget **focus)
{
	struct topic_fields *t = fields;
	Jianyi__TopicCreateRequest empty = JIANYI__TOPIC_CREATE_REQUEST__INIT;
	char *why;

	t->q = empty;
	g_free(t->sent_name);
	g_free(t->sent_description);
	g_strfreev(t->sent_leaders);
	t->sent_leaders = NULL;
	t->sent_name = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(t->name))));
	t->sent_description = g_strstrip(desk_form_text_view_text(t->description));
	why = check_topic(t, focus);
	if (why != NULL)
		return why;
	t->q.idempotency_key = (char *)key;
	t->q.name = t->sent_name;
	t->q.description = t->sent_description;
	t->q.leaders = t->sent_leaders;
	t->q.n_leaders = g_strv_length(t->sent_leaders);
	req->body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
	req->topic_create = &t->q;
	return NULL;
}

static void reset_topic(void *fields)
{
	struct topic_fields *t = fields;
	GtkTextView *d = GTK_TEXT_VIEW(
		gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(t->description)));

	gtk_editable_set_text(GTK_EDITABLE(t->name), "");
	gtk_editable_set_text(GTK_EDITABLE(t->leaders), "");
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(d), "", -1);
	read_committees(t);
}

static void clear_topic(gpointer p)
{
	struct topic_fields *t = p;

	g_object_unref(t->committee_names);
	g_array_unref(t->committee_ids);
	g_free(t->sent_name);
	g_free(t->sent_description);
	g_strfreev(t->sent_leaders);
}

static void free_topic(void *fields)
{
	struct topic_fields *t = fields;

	t->generation++;
	g_rc_box_release_full(t, clear_topic);
}

struct desk_form *desk_sup_topic_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "topic",
		.title = N_("New key-supervision topic"),
		.what = N_("A topic groups key cases under a supervising committee and their leading "
			   "leaders; cases are added to it afterwards."),
		.send_label = N_("_Save the topic"),
		.send_name = N_("Create the topic"),
		.done = N_("The topic is created."),
	};
	struct topic_fields *t = g_rc_box_new0(struct topic_fields);
	struct desk_form *f = desk_form_new_request(link, &spec, build_topic, reset_topic, t,
						    free_topic, done, user);

	t->link = link;
	t->committee_names = gtk_string_list_new(NULL);
	t->committee_ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	t->name = desk_form_add_field(f, _("Name of the topic"), desk_form_entry(TOPIC_NAME_MAX));
	/* the drop-down holds a reference of its own */
	t->committee = desk_form_add_field(f, _("Supervising committee"),
		gtk_drop_down_new(G_LIST_MODEL(g_object_ref(t->committee_names)), NULL));
	t->leaders = desk_form_add_field(f, _("Leading leaders"),
					 desk_form_entry(LEADERS_MAX * (JY_SHORT_TEXT_MAX + 1)));
	gtk_entry_set_placeholder_text(GTK_ENTRY(t->leaders), _("Names separated by 、"));
	t->description = desk_form_add_field(f, _("What the topic is about (may be left empty)"),
					     desk_form_text_view());
	return f;
}

/* ---- 专题加入/移出建议 ------------------------------------------------ */

static const char *const member_ways[] = { "add", "remove", NULL };

static const char *member_way_text(const char *way)
{
	return strcmp(way, "add") == 0 ? _("Add it to the topic") : _("Remove it from the topic");
}

struct member_fields {
	struct desk_topics *topics;
	struct desk_case_pick *pick;
	GtkWidget *topic, *ways[G_N_ELEMENTS(member_ways)];
	Jianyi__TopicMemberRequest q;
};

static char *build_member(void *fields, const char *key, Jianyi__Request *req, GtkWidget **focus)
{
	struct member_fields *m = fields;
	Jianyi__TopicMemberRequest empty = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
	char *text = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(m->topic))));
	const char *field = _("Which topic");
	char *why = desk_check_text(field, text, 1, TOPIC_NAME_MAX);
	int32_t version;

	m->q = empty;
	if (why == NULL)
		why = desk_topics_find(m->topics, field, text, &m->q.topic_id);
	g_free(text);
	if (why != NULL) {
		*focus = m->topic;
		return why;
	}
	why = desk_case_pick_get(m->pick, &m->q.suggestion_id, &version);
	if (why != NULL) {
		*focus = desk_case_pick_entry(m->pick);
		return why;
	}
	m->q.idempotency_key = (char *)key;
	if (strcmp(desk_form_choice(member_ways, m->ways), "add") == 0) {
		req->body_case = JIANYI__REQUEST__BODY_TOPIC_ADD;
		req->topic_add = &m->q;
	} else {
		req->body_case = JIANYI__REQUEST__BODY_TOPIC_REMOVE;
		req->topic_remove = &m->q;
	}
	return NULL;
}

static void reset_member(void *fields)
{
	struct member_fields *m = fields;

	gtk_editable_set_text(GTK_EDITABLE(m->topic), "");
	desk_case_pick_reset(m->pick);
	gtk_check_button_set_active(GTK_CHECK_BUTTON(m->ways[0]), TRUE);
}

static void free_member(void *fields)
{
	struct member_fields *m = fields;

	desk_case_pick_free(m->pick);
	g_free(m);
}

struct desk_form *desk_sup_member_new(struct desk_link *link, struct desk_topics *topics,
				      void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "topic-member",
		.title = N_("Cases of a topic"),
		.what = N_("Add a key case to a topic, or remove one from it. The case's timeline "
			   "records it."),
		.send_label = N_("_Save it"),
		.send_name = N_("Save the topic's case"),
		.done = N_("The topic's cases are changed."),
	};
	struct member_fields *m = g_new0(struct member_fields, 1);
	struct desk_form *f = desk_form_new_request(link, &spec, build_member, reset_member, m,
						    free_member, done, user);

	m->topics = topics;
	m->topic = desk_form_add_field(f, _("Which topic"), desk_form_entry(TOPIC_NAME_MAX));
	m->pick = desk_case_pick_new(link, f, _("Case number or title"));
	desk_form_add_field(f, _("Add or remove"),
			    desk_form_choices(member_ways, member_way_text, m->ways));
	return f;
}
