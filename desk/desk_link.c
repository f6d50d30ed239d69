/* See desk_link.h. One GLib watch on the socket at a time: each callback
 * removes its own and adds the one the connection's state asks for. */
#include "desk_link.h"

#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "cli_clock.h"
#include "cli_i18n.h"
#include "cli_reasons.h"
#include "cli_settings.h"
#include "desk_conn_copy.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

struct pending {
	uint64_t id;
	desk_link_reply_fn reply;
	void *user;
};

struct desk_link {
	struct desk_conn_copy conn;   /* the settings, with strings of its own */
	struct jy_client *c;
	enum desk_link_state state;
	guint watch;              /* the socket's watch, 0: none */
	guint timer;              /* connect deadline or reconnect delay, 0: none */
	GArray *pending;          /* struct pending, in the order sent */
	struct jy_backoff backoff;
	desk_link_status_fn on_status;
	desk_link_event_fn on_event;
	void *user;
	desk_link_take_fn take;   /* the fallback while down (desk_link_set_fallback) */
	void *fallback_user;
	char *mirror;             /* the settings' mirror file, NULL: none */
};

static gboolean on_socket(gint fd, GIOCondition cond, gpointer data);
static void start_connect(struct desk_link *l);

struct desk_link *desk_link_new(const struct cli_settings *s)
{
	struct desk_link *l = g_new0(struct desk_link, 1);

	const struct jy_client_options o = {
		.server = s->server, .cert_file = s->cert, .key_file = s->key, .ca_file = s->ca,
		.timeout_ms = s->timeout_ms,
	};

	desk_conn_copy_init(&l->conn, &o);
	l->mirror = g_strdup(s->mirror);
	l->pending = g_array_new(FALSE, FALSE, sizeof(struct pending));
	jy_backoff_init(&l->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	return l;
}

void desk_link_set_handlers(struct desk_link *l, desk_link_status_fn status,
			    desk_link_event_fn event, void *user)
{
	l->on_status = status;
	l->on_event = event;
	l->user = user;
}

void desk_link_set_fallback(struct desk_link *l, desk_link_take_fn take, void *user)
{
	l->take = take;
	l->fallback_user = user;
}

const char *desk_link_offline_mirror(const struct desk_link *l)
{
	return l->state == DESK_LINK_RECONNECTING && l->take != NULL ? l->mirror : NULL;
}

enum desk_link_state desk_link_state(const struct desk_link *l)
{
	return l->state;
}

const struct jy_client_options *desk_link_options(const struct desk_link *l)
{
	return &l->conn.opts;
}

const Jianyi__Welcome *desk_link_welcome(const struct desk_link *l)
{
	return l->state == DESK_LINK_CONNECTED ? jy_welcome(l->c) : NULL;
}

static void set_state(struct desk_link *l, enum desk_link_state st, const char *why)
{
	l->state = st;
	if (l->on_status != NULL)
		l->on_status(st, why, l->user);
}

static void clear_sources(struct desk_link *l)
{
	if (l->watch != 0)
		g_source_remove(l->watch);
	if (l->timer != 0)
		g_source_remove(l->timer);
	l->watch = 0;
	l->timer = 0;
}

static void watch(struct desk_link *l, GIOCondition cond)
{
	if (l->watch != 0)
		g_source_remove(l->watch);
	l->watch = g_unix_fd_add(jy_socket(l->c), cond, on_socket, l);
}

static gboolean on_reconnect_timer(gpointer data)
{
	struct desk_link *l = data;

	l->timer = 0;
	start_connect(l);
	return G_SOURCE_REMOVE;
}

/* Answers every waiting request with the failure; a reply may send again
 * (it is refused: the link is down by then). */
static void fail_pending(struct desk_link *l, const char *why)
{
	GArray *was = l->pending;
	struct jy_error e = { .code = JIANYI__STATUS_CODE__STATUS_UNAVAILABLE };

	snprintf(e.message, sizeof e.message, "%s", why);
	l->pending = g_array_new(FALSE, FALSE, sizeof(struct pending));
	for (guint i = 0; i < was->len; i++) {
		struct pending *p = &g_array_index(was, struct pending, i);
		p->reply(NULL, &e, p->user);
	}
	g_array_free(was, TRUE);
}

/* The connection failed or dropped: close it, tell, and try again later
 * (st: RECONNECTING, or REFUSED when the server turned the certificate
 * away). */
static void lost_as(struct desk_link *l, enum desk_link_state st, const char *why)
{
	char copy[sizeof ((struct jy_error *)0)->message];

	snprintf(copy, sizeof copy, "%s", why);
	clear_sources(l);
	if (l->c != NULL)
		jy_close(l->c);
	l->c = NULL;
	fail_pending(l, copy);
	l->timer = g_timeout_add(jy_backoff_next(&l->backoff), on_reconnect_timer, l);
	set_state(l, st, copy);
}

static void lost(struct desk_link *l, const char *why)
{
	lost_as(l, DESK_LINK_RECONNECTING, why);
}

/* Lost with err: the server's refusal in the reader's language
 * (cli_error_text), not its English message. */
static void lost_error(struct desk_link *l, const struct jy_error *err)
{
	char why[sizeof err->message];
	bool refused = err->code == JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED ||
		       err->code == JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED;

	cli_error_text(err, why, sizeof why);
	lost_as(l, refused ? DESK_LINK_REFUSED : DESK_LINK_RECONNECTING, why);
}

/* Watches for answers, and for writability while output waits. */
static void watch_io(struct desk_link *l)
{
	struct jy_error e = { 0 };
	int f = jy_flush(l->c, &e);

	if (f < 0)
		lost_error(l, &e);
	else
		watch(l, G_IO_IN | (f > 0 ? G_IO_OUT : 0));
}

static void connect_step(struct desk_link *l)
{
	struct jy_error e = { 0 };

	switch (jy_connect_poll(l->c, &e)) {
	case JY_POLL_READING:
		watch(l, G_IO_IN);
		return;
	case JY_POLL_WRITING:
		watch(l, G_IO_OUT);
		return;
	case JY_POLL_FAILED:
		lost_error(l, &e);
		return;
	case JY_POLL_OK:
		if (l->timer != 0)
			g_source_remove(l->timer);
		l->timer = 0;
		jy_backoff_reset(&l->backoff);
		/* dates as the congress's calendar has them (cli_clock.h) */
		cli_clock_use(jy_welcome(l->c)->time_zone);
		watch_io(l);
		if (l->c != NULL)
			set_state(l, DESK_LINK_CONNECTED, "");
		return;
	}
}

static gboolean on_connect_deadline(gpointer data)
{
	struct desk_link *l = data;

	l->timer = 0;
	lost(l, _("the server did not answer in time"));
	return G_SOURCE_REMOVE;
}

static void start_connect(struct desk_link *l)
{
	struct jy_error e = { 0 };

	l->c = jy_connect_start(&l->conn.opts, &e);
	if (l->c == NULL) {
		lost_error(l, &e);
		return;
	}
	l->timer = g_timeout_add(l->conn.opts.timeout_ms > 0 ? (guint)l->conn.opts.timeout_ms : 10000u,
				 on_connect_deadline, l);
	connect_step(l);
}

void desk_link_retry_now(struct desk_link *l)
{
	/* only between tries: a connect under way keeps its own deadline */
	if (l->c != NULL || l->timer == 0 || l->state == DESK_LINK_CONNECTED ||
	    l->state == DESK_LINK_CONNECTING)
		return;
	g_source_remove(l->timer);
	l->timer = 0;
	jy_backoff_reset(&l->backoff);
	start_connect(l);
}

void desk_link_start(struct desk_link *l)
{
	set_state(l, DESK_LINK_CONNECTING, "");
	start_connect(l);
}

/* Hands each answer to the request's callback, each event to the handler. */
static void dispatch(struct desk_link *l)
{
	Jianyi__Envelope *env;
	struct jy_client *c = l->c;

	while (l->c == c && (env = jy_get_response(c)) != NULL) {
		struct jy_error e = { 0 };
		struct pending p = { 0 };
		bool ok = jy_response_ok(env, &e);

		for (guint i = 0; i < l->pending->len; i++)
			if (g_array_index(l->pending, struct pending, i).id == env->id) {
				p = g_array_index(l->pending, struct pending, i);
				g_array_remove_index(l->pending, i);
				break;
			}
		if (p.reply != NULL)
			p.reply(env, ok ? NULL : &e, p.user);
		jy_envelope_free(env);
	}
	while (l->c == c && (env = jy_get_event(c)) != NULL) {
		if (l->on_event != NULL && env->event != NULL)
			l->on_event(env->event, l->user);
		jy_envelope_free(env);
	}
}

static gboolean on_socket(gint fd, GIOCondition cond, gpointer data)
{
	struct desk_link *l = data;
	struct jy_error e = { 0 };

	(void)fd;
	l->watch = 0;   /* this one ends here */
	if (l->state != DESK_LINK_CONNECTED) {
		connect_step(l);
		return G_SOURCE_REMOVE;
	}
	if ((cond & G_IO_OUT) && jy_flush(l->c, &e) < 0) {
		lost_error(l, &e);
		return G_SOURCE_REMOVE;
	}
	if ((cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && !jy_consume_input(l->c, &e)) {
		lost_error(l, &e);
		return G_SOURCE_REMOVE;
	}
	dispatch(l);
	if (l->c != NULL && l->state == DESK_LINK_CONNECTED)
		watch_io(l);
	return G_SOURCE_REMOVE;
}

bool desk_link_send(struct desk_link *l, const Jianyi__Request *req, desk_link_reply_fn reply,
		    void *user, struct jy_error *err)
{
	struct pending p = { .reply = reply, .user = user };

	if (l->state == DESK_LINK_RECONNECTING && l->take != NULL &&
	    l->take(req, reply, user, l->fallback_user))
		return true;
	if (l->state != DESK_LINK_CONNECTED) {
		err->code = JIANYI__STATUS_CODE__STATUS_UNAVAILABLE;
		snprintf(err->message, sizeof err->message, "%s", _("not connected to the server"));
		return false;
	}
	if (!jy_send(l->c, req, &p.id, err)) {
		struct jy_error copy = *err;

		lost_error(l, &copy);
		return false;
	}
	g_array_append_val(l->pending, p);
	watch_io(l);
	return true;
}

void desk_link_free(struct desk_link *l)
{
	if (l == NULL)
		return;
	clear_sources(l);
	if (l->c != NULL)
		jy_close(l->c);
	l->c = NULL;
	/* the pages waiting are going away too: nobody is told */
	g_array_free(l->pending, TRUE);
	desk_conn_copy_clear(&l->conn);
	g_free(l->mirror);
	g_free(l);
}
