#include "linger.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event2/event.h>

#include "log.h"
#include "xalloc.h"

#define LINGER_SECONDS 2

struct lingering {
	void (*done)(void *arg);
	void *arg;
	int fd;
	struct event *ev;
};

static void linger_end(struct lingering *l, const char *why)
{
	jy_debug("event=linger_end fd=%d reason=%s", l->fd, why);
	event_free(l->ev);
	close(l->fd);
	void (*done)(void *) = l->done;
	void *arg = l->arg;
	free(l);
	done(arg);
}

static void on_linger(evutil_socket_t fd, short what, void *arg)
{
	struct lingering *l = arg;
	if (what & EV_TIMEOUT) {
		linger_end(l, "timeout");
		return;
	}
	char scratch[16384];
	for (;;) {
		ssize_t n = recv(fd, scratch, sizeof scratch, 0);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* more may come; the timeout bounds the wait */
		if (n < 0 && errno == EINTR)
			continue;
		linger_end(l, n == 0 ? "peer_closed" : strerror(errno)); /* peer closed, or the connection failed */
		return;
	}
}

bool linger_start(struct event_base *base, int fd, void (*done)(void *arg), void *arg)
{
	int dupfd = fd >= 0 ? dup(fd) : -1;
	if (dupfd < 0)
		return false; /* out of descriptors: plain close it is */
	shutdown(dupfd, SHUT_WR);
	struct lingering *l = jy_xcalloc(1, sizeof *l);
	l->done = done;
	l->arg = arg;
	l->fd = dupfd;
	l->ev = event_new(base, dupfd, EV_READ | EV_PERSIST, on_linger, l);
	struct timeval tv = { LINGER_SECONDS, 0 };
	event_add(l->ev, &tv);
	return true;
}
