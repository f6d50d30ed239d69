/* Reading a connection's PROXY v2 header; see proxy_accept.h. */
#include "proxy_accept.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "proxy_v2.h"
#include "session.h"
#include "xalloc.h"

struct proxy_waiting {
	struct jy_net *net;
	int fd;
	struct event *ev;
	char proxy[64];               /* the proxy's address, as the log names it */
	uint64_t deadline_us;         /* monotonic */
	size_t have;
	uint8_t buf[PROXY_V2_MAX_BYTES];
	TAILQ_ENTRY(proxy_waiting) link;
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Forgets w; its descriptor stays open (the caller closes or hands it on). */
static void waiting_end(struct proxy_waiting *w)
{
	TAILQ_REMOVE(&w->net->proxy_waiting, w, link);
	w->net->nhandshaking--;
	event_free(w->ev);
	free(w);
}

/* quiet: at debug level only (a proxy's health check may connect and
 * close without a word). */
static void drop(struct proxy_waiting *w, const char *why, bool quiet)
{
	char q[160];
	jy_metrics_count(w->net->metrics, JY_SESSIONS_REFUSED);
	if (quiet)
		jy_debug("event=connection_dropped peer=%s reason=%s", w->proxy,
			 jy_log_quote(why, q, sizeof q));
	else
		jy_warn("event=connection_dropped peer=%s reason=%s", w->proxy,
			jy_log_quote(why, q, sizeof q));
	close(w->fd);
	waiting_end(w);
}

/* The header is complete: the session starts with the client's address. */
static void finish(struct proxy_waiting *w, const struct proxy_v2 *h)
{
	struct jy_net *net = w->net;
	int fd = w->fd;
	char peer[64];
	if (h->local)
		snprintf(peer, sizeof peer, "%s", w->proxy);
	else
		listener_format_peer((const struct sockaddr *)&h->src, peer, sizeof peer);
	if (net->draining) {
		drop(w, "server draining", false);
		return;
	}
	jy_debug("event=proxy_header peer=%s proxy=%s local=%d", peer, w->proxy, (int)h->local);
	waiting_end(w);
	session_accept(net, fd, peer);
}

static void wait_more(struct proxy_waiting *w)
{
	uint64_t now = now_us();
	uint64_t left = w->deadline_us > now ? w->deadline_us - now : 0;
	struct timeval tv = { (time_t)(left / 1000000u), (suseconds_t)(left % 1000000u) };
	event_add(w->ev, &tv);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	struct proxy_waiting *w = arg;
	if (what & EV_TIMEOUT) {
		drop(w, "no complete PROXY header within handshake_timeout", false);
		return;
	}
	for (;;) {
		struct proxy_v2 h;
		size_t need;
		enum proxy_v2_result r = proxy_v2_parse(w->buf, w->have, &h, &need);
		if (r == PROXY_V2_OK) {
			finish(w, &h);
			return;
		}
		if (r != PROXY_V2_NEED_MORE) {
			drop(w, proxy_v2_result_str(r), false);
			return;
		}
		/* Never more than the header: what follows is the TLS handshake's. */
		ssize_t n = recv(w->fd, w->buf + w->have, need - w->have, 0);
		if (n > 0) {
			w->have += (size_t)n;
		} else if (n == 0) {
			drop(w, "closed before its PROXY header", w->have == 0);
			return;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			wait_more(w);
			return;
		} else {
			drop(w, strerror(errno), false);
			return;
		}
	}
}

void proxy_accept(struct jy_net *net, int fd, const char *proxy)
{
	struct proxy_waiting *w = jy_xcalloc(1, sizeof *w);
	w->net = net;
	w->fd = fd;
	snprintf(w->proxy, sizeof w->proxy, "%s", proxy);
	w->deadline_us = now_us() + (uint64_t)net->cfg->handshake_timeout_s * 1000000u;
	w->ev = event_new(net->base, fd, EV_READ, on_readable, w);
	if (!w->ev)
		abort();
	evutil_make_socket_nonblocking(fd);
	TAILQ_INSERT_TAIL(&net->proxy_waiting, w, link);
	net->nhandshaking++;
	wait_more(w);
}

void proxy_accept_stop(struct jy_net *net)
{
	struct proxy_waiting *w;
	while ((w = TAILQ_FIRST(&net->proxy_waiting)) != NULL) {
		close(w->fd);
		waiting_end(w);
	}
}
