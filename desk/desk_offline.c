/* See desk_offline.h. The main loop queues the mirror's jobs and shows
 * what they found; a GTask runs one job at a time on a worker thread, each
 * with a connection to the SQLite file of its own (so does an attachment
 * read offline, desk_transfer.h; the mirror's WAL lets them meet). */
#include "desk_offline.h"

#include <gio/gio.h>

#include "cli_i18n.h"
#include "desk_mirror_work.h"
#include "desk_refused.h"

#define SYNC_EVERY_S 60

/* A queued job and, for an answer, whom it goes to. */
struct task {
	struct desk_offline *o;
	struct desk_mirror_job *job;
	desk_link_reply_fn reply;
	void *reply_user;
};

struct desk_offline {
	char *path;
	struct desk_link *link;
	void (*reload)(void *user);
	void *user;
	GtkWidget *banner, *state, *count;
	struct desk_refused *refused;   /* the first refused write, to retry or drop */
	GQueue *queue;             /* struct task, not yet started */
	bool running;              /* a job is on the worker */
	bool sync_queued;          /* a SYNC job waits in the queue */
	bool syncing;              /* the first sync since connecting is not back yet */
	bool closing;              /* the window is gone: answers go nowhere */
	bool offline;
	char *since;               /* when the link dropped (local time) */
	char synced_at[40];        /* RFC 3339, "": never */
	char *sync_error;          /* the last sync's failure, NULL: none */
	int pending;
	char refused_text[1024];
	int64_t refused_id;        /* its outbox entry, 0: none */
	char todo_taken_at[40];    /* the offline to-do list's: when the server gave it */
	char *todo_note;           /* the to-do page's line about it (desk_offline_todo_note) */
	guint timer;
};

static void start_next(struct desk_offline *o);

static void task_free(struct task *t)
{
	desk_mirror_job_free(t->job);
	g_free(t);
}

/* "2026-12-06 10:02:03" in local time from the mirror's RFC 3339. */
static char *local_time(const char *rfc3339)
{
	GDateTime *t = g_date_time_new_from_iso8601(rfc3339, NULL), *local;
	char *text;

	if (t == NULL)
		return g_strdup(rfc3339);
	local = g_date_time_to_local(t);
	text = g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
	g_date_time_unref(local);
	g_date_time_unref(t);
	return text;
}

static char *state_text(struct desk_offline *o)
{
	char *when, *text;

	if (o->offline && o->synced_at[0] == '\0')
		return g_strdup_printf(_("Offline since %s; the mirror was never synced, so it has "
				       "nothing to show."), o->since);
	if (o->offline) {
		when = local_time(o->synced_at);
		/* TRANSLATORS: when the link dropped; when the mirror last synced */
		text = g_strdup_printf(_("Offline since %s: the pages show the mirror's copy as of %s; "
				       "actions wait in the outbox and are sent when the link is "
				       "back."), o->since, when);
		g_free(when);
		return text;
	}
	if (o->sync_error != NULL)
		return g_strdup_printf(_("The mirror could not be synced: %s"), o->sync_error);
	if (o->syncing || o->synced_at[0] == '\0')
		return g_strdup(_("Syncing the mirror…"));
	when = local_time(o->synced_at);
	text = g_strdup_printf(_("Mirror synced at %s."), when);
	g_free(when);
	return text;
}

static void show(struct desk_offline *o)
{
	char *state = state_text(o);
	char *count = g_strdup_printf(ngettext("%d action to send", "%d actions to send",
					       (unsigned long)o->pending), o->pending);

	gtk_label_set_text(GTK_LABEL(o->state), state);
	if (o->offline)
		gtk_widget_add_css_class(o->state, "warning");
	else
		gtk_widget_remove_css_class(o->state, "warning");
	gtk_label_set_text(GTK_LABEL(o->count), count);
	desk_refused_show(o->refused, o->refused_text, o->refused_id);
	g_free(state);
	g_free(count);
}

/* What every job read: the outbox and the last sync. */
static void take_status(struct desk_offline *o, const struct desk_mirror_job *j)
{
	o->pending = j->pending;
	g_strlcpy(o->refused_text, j->refused, sizeof o->refused_text);
	o->refused_id = j->refused_id;
	if (j->synced_at[0] != '\0')
		g_strlcpy(o->synced_at, j->synced_at, sizeof o->synced_at);
}

static void answer(struct task *t)
{
	const struct desk_mirror_job *j = t->job;

	if (j->ok) {
		Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;

		env.body_case = JIANYI__ENVELOPE__BODY_RESPONSE;
		env.response = j->response;
		t->reply(&env, NULL, t->reply_user);
	} else {
		t->reply(NULL, &j->err, t->reply_user);
	}
}

static void synced(struct desk_offline *o, const struct desk_mirror_job *j)
{
	o->syncing = false;
	g_clear_pointer(&o->sync_error, g_free);
	if (!j->ok)
		o->sync_error = g_strdup(j->err.message);
	/* the writes made offline are the server's now: show what they did */
	if (j->applied > 0 && !o->offline)
		o->reload(o->user);
}

static void sync_now(struct desk_offline *o);

/* A refused write sent again or dropped: said, and sent (with those that
 * waited behind it) when connected. */
static void decision_done(struct desk_offline *o, const struct desk_mirror_job *j)
{
	char *text;

	if (!j->ok)
		text = g_strdup_printf(_("Not done: %s"), j->err.message);
	else if (j->kind == DESK_MIRROR_RETRY)
		text = g_strdup(_("The refused action is queued again; it is sent when the link is "
				  "up."));
	else
		text = g_strdup(_("The refused action was dropped."));
	desk_refused_said(o->refused, text, !j->ok);
	g_free(text);
	if (j->ok)
		sync_now(o);
}

static void destroy(struct desk_offline *o)
{
	g_queue_free_full(o->queue, (GDestroyNotify)task_free);
	g_free(o->todo_note);
	g_free(o->path);
	g_free(o->since);
	g_free(o->sync_error);
	g_object_unref(o->banner);
	g_free(o);
}

static void on_done(GObject *source, GAsyncResult *res, gpointer data)
{
	struct task *t = data;
	struct desk_offline *o = t->o;

	(void)source;
	(void)res;
	o->running = false;
	if (o->closing) {
		task_free(t);
		destroy(o);
		return;
	}
	take_status(o, t->job);
	if (t->job->kind == DESK_MIRROR_SYNC)
		synced(o, t->job);
	else if (t->job->kind != DESK_MIRROR_ANSWER)
		decision_done(o, t->job);
	else if (t->job->todo_taken_at[0] != '\0')
		g_strlcpy(o->todo_taken_at, t->job->todo_taken_at, sizeof o->todo_taken_at);
	if (t->job->kind == DESK_MIRROR_ANSWER)
		answer(t);
	task_free(t);
	show(o);
	start_next(o);
}

static void run(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
	struct task *t = data;

	(void)source;
	(void)cancel;
	desk_mirror_job_run(t->job);
	g_task_return_boolean(task, TRUE);
}

static void start_next(struct desk_offline *o)
{
	struct task *t;
	GTask *task;

	if (o->running || (t = g_queue_pop_head(o->queue)) == NULL)
		return;
	if (t->job->kind == DESK_MIRROR_SYNC)
		o->sync_queued = false;
	o->running = true;
	task = g_task_new(NULL, NULL, on_done, t);
	g_task_set_task_data(task, t, NULL);
	g_task_run_in_thread(task, run);
	g_object_unref(task);
}

static void enqueue(struct desk_offline *o, struct desk_mirror_job *j, desk_link_reply_fn reply,
		    void *reply_user)
{
	struct task *t = g_new0(struct task, 1);

	t->o = o;
	t->job = j;
	t->reply = reply;
	t->reply_user = reply_user;
	g_queue_push_tail(o->queue, t);
	start_next(o);
}

static void sync_now(struct desk_offline *o)
{
	if (o->sync_queued || desk_link_state(o->link) != DESK_LINK_CONNECTED)
		return;
	o->sync_queued = true;
	enqueue(o, desk_mirror_job_new(DESK_MIRROR_SYNC, o->path, desk_link_options(o->link)),
		NULL, NULL);
}

/* desk_refused_fn: the person confirmed sending again or dropping. */
static void decided(enum desk_refused_choice choice, int64_t outbox_id, void *user)
{
	struct desk_offline *o = user;
	struct desk_mirror_job *j = desk_mirror_job_new(choice == DESK_REFUSED_RETRY
							? DESK_MIRROR_RETRY : DESK_MIRROR_DROP,
							o->path, NULL);

	j->outbox_id = outbox_id;
	enqueue(o, j, NULL, NULL);
}

static gboolean on_timer(gpointer data)
{
	sync_now(data);
	return G_SOURCE_CONTINUE;
}

/* The request as the job's own copy. */
static Jianyi__Request *copy_request(const Jianyi__Request *req)
{
	size_t n = jianyi__request__get_packed_size(req);
	uint8_t *buf = g_malloc(n ? n : 1);
	Jianyi__Request *copy;

	jianyi__request__pack(req, buf);
	copy = jianyi__request__unpack(NULL, n, buf);
	g_free(buf);
	return copy;
}

/* desk_link_take_fn: what the mirror can answer while the link is down. */
static bool take(const Jianyi__Request *req, desk_link_reply_fn reply, void *reply_user,
		 void *user)
{
	struct desk_offline *o = user;
	struct desk_mirror_job *j;

	if (req->body_case != JIANYI__REQUEST__BODY_GET_SUGGESTION &&
	    req->body_case != JIANYI__REQUEST__BODY_LIST_SUGGESTIONS &&
	    req->body_case != JIANYI__REQUEST__BODY_TODO &&
	    req->body_case != JIANYI__REQUEST__BODY_ACT)
		return false;
	j = desk_mirror_job_new(DESK_MIRROR_ANSWER, o->path, NULL);
	if ((j->request = copy_request(req)) == NULL) {
		desk_mirror_job_free(j);
		return false;
	}
	enqueue(o, j, reply, reply_user);
	return true;
}

static GtkWidget *banner_label(const char *what)
{
	GtkWidget *l = gtk_label_new("");

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
	gtk_accessible_update_property(GTK_ACCESSIBLE(l), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       what, -1);
	return l;
}

static GtkWidget *make_banner(struct desk_offline *o)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	o->state = banner_label(_("Offline work"));
	gtk_widget_set_hexpand(o->state, TRUE);
	o->count = banner_label(_("Outbox"));
	gtk_widget_add_css_class(o->count, "heading");
	o->refused = desk_refused_new(decided, o);
	gtk_box_append(GTK_BOX(line), o->state);
	gtk_box_append(GTK_BOX(line), o->count);
	gtk_box_append(GTK_BOX(box), line);
	gtk_box_append(GTK_BOX(box), desk_refused_widget(o->refused));
	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	gtk_widget_set_margin_top(box, 4);
	gtk_widget_set_margin_bottom(box, 4);
	return g_object_ref_sink(box);
}

struct desk_offline *desk_offline_new(const char *path, struct desk_link *link,
				      void (*reload)(void *user), void *user)
{
	struct desk_offline *o = g_new0(struct desk_offline, 1);

	o->path = g_strdup(path);
	o->link = link;
	o->reload = reload;
	o->user = user;
	o->queue = g_queue_new();
	o->banner = make_banner(o);
	show(o);
	desk_link_set_fallback(link, take, o);
	return o;
}

GtkWidget *desk_offline_banner(struct desk_offline *o)
{
	return o->banner;
}

void desk_offline_link_state(struct desk_offline *o, enum desk_link_state state)
{
	if (state == DESK_LINK_CONNECTED) {
		o->offline = false;
		o->syncing = true;
		if (o->timer == 0)
			o->timer = g_timeout_add_seconds(SYNC_EVERY_S, on_timer, o);
		sync_now(o);
	} else if (state == DESK_LINK_RECONNECTING && !o->offline) {
		GDateTime *now = g_date_time_new_now_local();

		o->offline = true;
		g_free(o->since);
		o->since = g_date_time_format(now, "%H:%M:%S");
		g_date_time_unref(now);
		if (o->timer != 0)
			g_source_remove(o->timer);
		o->timer = 0;
		o->reload(o->user);   /* from the mirror now */
	}
	show(o);
}

const char *desk_offline_todo_note(struct desk_offline *o)
{
	char *when;

	if (o == NULL || !o->offline || o->todo_taken_at[0] == '\0')
		return NULL;
	when = local_time(o->todo_taken_at);
	g_free(o->todo_note);
	/* TRANSLATORS: when the server gave the to-do list the mirror keeps */
	o->todo_note = g_strdup_printf(_("Offline: this is the mirror's copy of the to-do list, as "
					 "the server gave it at %s, without what the mirror shows "
					 "done since."), when);
	g_free(when);
	return o->todo_note;
}

void desk_offline_changed(struct desk_offline *o)
{
	if (o != NULL)
		sync_now(o);
}

void desk_offline_free(struct desk_offline *o)
{
	if (o == NULL)
		return;
	if (o->timer != 0)
		g_source_remove(o->timer);
	o->timer = 0;
	o->closing = true;
	if (!o->running)
		destroy(o);
}
