/* Connection cap and request deadline for evhttp; see http_limits.h. */
#include "http_limits.h"

#include <stdlib.h>
#include <sys/queue.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>

#include "config.h"
#include "log.h"
#include "http.h"
#include "http_proxy.h"
#include "xalloc.h"

/* Descriptors kept out of every budget: log, epoll, signal pipe, the
 * listeners, the embedded PostgreSQL's pipes, the change feed's and the
 * notifier's connections and child. Generous on purpose. */
#define FD_FIXED_RESERVE 64u
/* Refusals are logged at most once per this many seconds. */
#define REFUSAL_LOG_S 10

struct http_conn {
	struct http_limits *l;
	struct bufferevent *bev;        /* the connection's, made by new_connection */
	struct evhttp_connection *evcon;/* NULL until adopted */
	struct evbuffer_cb_entry *on_input;
	struct event *adopt, *deadline;
	bool armed;                     /* a request is being read */
	struct http_proxy *proxy;       /* its PROXY header, when the listener asks for one */
	TAILQ_ENTRY(http_conn) link;
};

struct http_limits {
	struct event_base *base;
	const char *name;
	unsigned max, deadline_s;
	unsigned open;
	uint64_t refused, timed_out, refusals_unlogged;
	int64_t refusal_logged_at;
	void (*closed)(struct evhttp_connection *, void *);
	void *closed_arg;
	const struct addr_list *proxy_from;
	TAILQ_HEAD(, http_conn) conns;
};

static int64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void conn_forget(struct http_conn *c)
{
	if (c->on_input)
		evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->on_input);
	http_proxy_free(c->proxy);
	event_free(c->adopt);
	event_free(c->deadline);
	TAILQ_REMOVE(&c->l->conns, c, link);
	c->l->open--;
	free(c);
}

/* Closes the connection the way evhttp closes one whose read timed out:
 * silently; a request still being answered is detached (http.c's pending
 * requests handle that). Deferred, so evhttp does not free the connection
 * inside our callback. */
static void close_connection(struct http_conn *c)
{
	bufferevent_trigger_event(c->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT,
				  BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

/* A connection that may not send a request: read nothing more from it. */
static void refuse_connection(void *arg)
{
	struct http_conn *c = arg;
	bufferevent_disable(c->bev, EV_READ);
	close_connection(c);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct http_conn *c = arg;
	c->l->timed_out++;
	jy_debug("event=http_request_deadline listener=%s deadline_s=%u", c->l->name,
		 c->l->deadline_s);
	close_connection(c);
}

/* Bytes arrived: the first one of a request starts its deadline. evhttp's
 * own timeout is renewed by every byte; this one is not. */
static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf;
	struct http_conn *c = arg;
	if (info->n_added == 0 || c->armed)
		return;
	c->armed = true;
	struct timeval tv = { (time_t)c->l->deadline_s, 0 };
	evtimer_add(c->deadline, &tv);
}

/* evhttp's close callback, for every connection: evhttp is freeing it. */
static void on_close(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;
	struct http_limits *l = c->l;
	conn_forget(c);
	if (l->closed)
		l->closed(evcon, l->closed_arg);
}

static void log_refusal(struct http_limits *l)
{
	l->refused++;
	l->refusals_unlogged++;
	int64_t now = now_s();
	if (l->refusal_logged_at >= 0 && now - l->refusal_logged_at < REFUSAL_LOG_S)
		return;
	jy_warn("event=http_connection_refused listener=%s open=%u max=%u refused=%llu", l->name,
		l->open, l->max, (unsigned long long)l->refusals_unlogged);
	l->refusal_logged_at = now;
	l->refusals_unlogged = 0;
}

/* Right after evhttp set the connection up (it is the argument of the
 * callbacks it put on our bufferevent): take its close callback, then
 * refuse it if over the cap. */
static void on_adopt(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct http_conn *c = arg;
	bufferevent_event_cb event_cb = NULL;
	void *evcon = NULL;
	bufferevent_getcb(c->bev, NULL, NULL, &event_cb, &evcon);
	if (!event_cb || !evcon) {
		/* evhttp gave up on it already (bufferevent_free clears the
		 * callbacks); ours was the last reference. */
		struct bufferevent *bev = c->bev;
		conn_forget(c);
		bufferevent_decref(bev);
		return;
	}
	c->evcon = evcon;
	bufferevent_decref(c->bev); /* evhttp's now */
	evhttp_connection_set_closecb(c->evcon, on_close, c);
	c->on_input = evbuffer_add_cb(bufferevent_get_input(c->bev), on_input, c);
	if (c->l->open > c->l->max) {
		log_refusal(c->l);
		close_connection(c);
	} else if (c->l->proxy_from &&
		   !(c->proxy = http_proxy_start(c->bev, c->l->proxy_from, refuse_connection, c))) {
		refuse_connection(c);
	}
}

/* evhttp's bufferevent factory: called once per accepted connection,
 * before evhttp knows the connection itself. */
static struct bufferevent *new_connection(struct event_base *base, void *arg)
{
	struct http_limits *l = arg;
	struct http_conn *c = jy_xcalloc(1, sizeof *c);
	c->l = l;
	c->bev = bufferevent_socket_new(base, -1, 0); /* evhttp closes the socket */
	c->adopt = event_new(base, -1, 0, on_adopt, c);
	c->deadline = evtimer_new(base, on_deadline, c);
	if (!c->bev || !c->adopt || !c->deadline)
		abort();
	/* Anonymous visitors come after sessions and the database (http.h). */
	bufferevent_priority_set(c->bev, JY_PRIORITY_HTTP);

	/* Kept alive until on_adopt, even if evhttp frees it before. */
	bufferevent_incref(c->bev);
	TAILQ_INSERT_TAIL(&l->conns, c, link);
	l->open++;
	/* Active now: runs in this loop turn, before any read on it. */
	event_active(c->adopt, EV_TIMEOUT, 1);
	return c->bev;
}

struct http_limits *http_limits_new(struct event_base *base, struct evhttp *http, const char *name,
				    unsigned max_connections, unsigned deadline_s,
				    const struct addr_list *proxy_from,
				    void (*closed)(struct evhttp_connection *, void *), void *closed_arg)
{
	struct http_limits *l = jy_xcalloc(1, sizeof *l);
	l->base = base;
	l->name = name;
	l->max = max_connections;
	l->deadline_s = deadline_s;
	l->refusal_logged_at = -1;
	l->closed = closed;
	l->closed_arg = closed_arg;
	l->proxy_from = proxy_from;
	TAILQ_INIT(&l->conns);
	evhttp_set_bevcb(http, new_connection, l);
	return l;
}

void http_limits_request_read(struct http_limits *l, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct http_conn *c;
	/* Linear: at most max connections, and only a pointer compare each. */
	TAILQ_FOREACH(c, &l->conns, link) {
		if (!evcon || c->evcon != evcon)
			continue;
		c->armed = false;
		evtimer_del(c->deadline);
		return;
	}
}

const char *http_limits_peer(const struct http_limits *l, struct evhttp_connection *evcon)
{
	struct http_conn *c;
	if (!l || !l->proxy_from || !evcon)
		return NULL;
	TAILQ_FOREACH(c, &l->conns, link)
		if (c->evcon == evcon)
			return http_proxy_peer(c->proxy);
	return NULL;
}

void http_limits_free(struct http_limits *l)
{
	if (!l)
		return;
	/* evhttp_free closed every adopted connection; what is left was
	 * accepted in the loop turn that ended the server. */
	struct http_conn *c;
	while ((c = TAILQ_FIRST(&l->conns)) != NULL) {
		struct bufferevent *bev = c->evcon ? NULL : c->bev;
		conn_forget(c);
		if (bev)
			bufferevent_decref(bev);
	}
	free(l);
}

unsigned http_limits_open(const struct http_limits *l)
{
	return l ? l->open : 0;
}

uint64_t http_limits_refused(const struct http_limits *l)
{
	return l ? l->refused : 0;
}

uint64_t http_limits_timed_out(const struct http_limits *l)
{
	return l ? l->timed_out : 0;
}

unsigned http_limits_fd_budget(const struct jy_config *cfg, uint64_t nofile)
{
	uint64_t reserve = FD_FIXED_RESERVE + cfg->pool_size + cfg->portal_pool_size +
			   (cfg->read_conninfo ? cfg->read_pool_size : 0);
	if (nofile <= reserve + 4)
		return 1;
	uint64_t rest = nofile - reserve;
	uint64_t tls = (uint64_t)cfg->max_connections + 16;
	if (tls > rest / 4 * 3)
		tls = rest / 4 * 3;
	uint64_t http = rest - tls;
	if (http > cfg->http_max_connections)
		http = cfg->http_max_connections;
	return http ? (unsigned)http : 1;
}
