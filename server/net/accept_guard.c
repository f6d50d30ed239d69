/* Pausing a listener after accept errors; see accept_guard.h. */
#include "accept_guard.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xalloc.h"

struct accept_guard {
	struct evconnlistener *l;
	struct event *resume;
	const char *name;
	const bool *stopped;
	uint64_t errors;          /* all accept errors */
	uint64_t unlogged;        /* since the last log line */
	int64_t logged_at;        /* monotonic s of the last line, -1: never */
};

/* The error callback gets the listener's own argument, which belongs to
 * whoever accepts (evhttp for the HTTP side), not to us: find the guard by
 * its listener. A process has a handful of listeners. */
#define MAX_GUARDS 8
static struct accept_guard *guards[MAX_GUARDS];

static struct accept_guard *guard_of(const struct evconnlistener *l)
{
	for (size_t i = 0; i < MAX_GUARDS; i++)
		if (guards[i] && guards[i]->l == l)
			return guards[i];
	return NULL;
}

static int64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct accept_guard *g = arg;
	if (!g->stopped || !*g->stopped)
		evconnlistener_enable(g->l);
}

static void on_error(struct evconnlistener *l, void *arg)
{
	(void)arg;
	int err = EVUTIL_SOCKET_ERROR();
	struct accept_guard *g = guard_of(l);
	if (!g)
		return;
	g->errors++;
	g->unlogged++;
	/* Whatever the error, the listening socket may stay readable: pause
	 * instead of spinning on it. */
	evconnlistener_disable(l);
	struct timeval pause = { 0, ACCEPT_GUARD_PAUSE_MS * 1000 };
	evtimer_add(g->resume, &pause);
	int64_t now = now_s();
	if (g->logged_at >= 0 && now - g->logged_at < ACCEPT_GUARD_LOG_S)
		return;
	jy_warn("event=accept_error listener=%s reason=\"%s\" errors=%llu pause_ms=%d", g->name,
		evutil_socket_error_to_string(err), (unsigned long long)g->unlogged,
		ACCEPT_GUARD_PAUSE_MS);
	g->logged_at = now;
	g->unlogged = 0;
}

struct accept_guard *accept_guard_new(struct event_base *base, struct evconnlistener *l,
				      const char *name, const bool *stopped)
{
	struct accept_guard *g = jy_xcalloc(1, sizeof *g);
	g->l = l;
	g->name = name;
	g->stopped = stopped;
	g->logged_at = -1;
	g->resume = evtimer_new(base, on_resume, g);
	if (!g->resume)
		abort();
	size_t i = 0;
	while (i < MAX_GUARDS && guards[i])
		i++;
	if (i == MAX_GUARDS)
		abort(); /* a programming error: more listeners than planned */
	guards[i] = g;
	evconnlistener_set_error_cb(l, on_error);
	return g;
}

void accept_guard_free(struct accept_guard *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < MAX_GUARDS; i++)
		if (guards[i] == g)
			guards[i] = NULL;
	event_free(g->resume);
	free(g);
}

uint64_t accept_guard_errors(const struct accept_guard *g)
{
	return g ? g->errors : 0;
}
