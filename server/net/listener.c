#include "listener.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/listener.h>

#include "accept_guard.h"
#include "addr_list.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "proxy_accept.h"
#include "session.h"
#include "xalloc.h"

/* Hard ceiling above max_connections: past it we close at once instead of
 * spending a handshake on a polite refusal. */
#define REFUSE_SLACK 256u

void listener_sockaddr(const struct sockaddr *sa, char *host, size_t hostlen, unsigned *port)
{
	snprintf(host, hostlen, "?");
	*port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)hostlen);
		*port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)hostlen);
		*port = ntohs(in6->sin6_port);
	}
}

void listener_local_address(int fd, char *host, size_t hostlen, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		listener_sockaddr((struct sockaddr *)&ss, host, hostlen, port);
	} else {
		snprintf(host, hostlen, "?");
		*port = 0;
	}
}

void listener_format_peer(const struct sockaddr *sa, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	listener_sockaddr(sa, host, sizeof host, &port);
	snprintf(out, outlen, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
}

/* Past max_handshakes a new connection is closed before it costs a TLS
 * handshake's memory. A flood would log a line per connection: log one
 * line per second with the count since the last one instead. */
static void refuse_handshake(struct jy_net *net, const char *peer)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec;
	jy_metrics_count(net->metrics, JY_SESSIONS_REFUSED);
	jy_metrics_count(net->metrics, JY_HANDSHAKES_REFUSED);
	net->handshake_refusals_unlogged++;
	if (now == net->handshake_refusals_logged_at)
		return;
	net->handshake_refusals_logged_at = now;
	jy_warn("event=connection_dropped peer=%s handshaking=%u refused=%llu reason=max_handshakes",
		peer, net->nhandshaking, (unsigned long long)net->handshake_refusals_unlogged);
	net->handshake_refusals_unlogged = 0;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)l;
	(void)salen;
	struct jy_net *net = arg;
	char peer[64];
	listener_format_peer(sa, peer, sizeof peer);
	if (net->draining || net->nsessions >= net->cfg->max_connections + REFUSE_SLACK) {
		jy_metrics_count(net->metrics, JY_SESSIONS_REFUSED);
		jy_warn("event=connection_dropped peer=%s sessions=%u reason=%s", peer,
			net->nsessions, net->draining ? "draining" : "over_hard_limit");
		close(fd);
		return;
	}
	if (net->nhandshaking >= net->cfg->max_handshakes) {
		refuse_handshake(net, peer);
		close(fd);
		return;
	}
	if (!net->proxy_from) {
		session_accept(net, fd, peer);
	} else if (addr_list_match(net->proxy_from, sa)) {
		proxy_accept(net, fd, peer);
	} else {
		/* Behind a balancer only the proxies may connect: anyone else
		 * could claim any address in a header of their own. */
		jy_metrics_count(net->metrics, JY_SESSIONS_REFUSED);
		jy_warn("event=connection_dropped peer=%s reason=not_from_a_proxy", peer);
		close(fd);
	}
}

/* proxy_protocol = v2: the proxies a connection must come from. */
static bool proxy_setup(struct jy_net *net, char *err, size_t errlen)
{
	TAILQ_INIT(&net->proxy_waiting);
	if (strcmp(net->cfg->proxy_protocol, "v2") != 0)
		return true;
	net->proxy_from = jy_xcalloc(1, sizeof *net->proxy_from);
	char why[200];
	if (!addr_list_parse(net->cfg->proxy_from, net->proxy_from, why, sizeof why)) {
		snprintf(err, errlen, "server.proxy_from: %s", why);
		return false;
	}
	return true;
}

bool listener_split_host_port(const char *addr, char *host, size_t hostlen, char *port,
			       size_t portlen)
{
	const char *colon;
	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');
		if (!close || close[1] != ':')
			return false;
		snprintf(host, hostlen, "%.*s", (int)(close - addr - 1), addr + 1);
		colon = close + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return false;
		snprintf(host, hostlen, "%.*s", (int)(colon - addr), addr);
	}
	snprintf(port, portlen, "%s", colon + 1);
	char *end;
	long p = strtol(port, &end, 10);
	return *port && !*end && p >= 0 && p <= 65535;
}

struct evconnlistener *listener_bind(struct event_base *base, const char *addr,
				     evconnlistener_cb cb, void *arg, char *err, size_t errlen)
{
	char host[256], port[16];
	if (!listener_split_host_port(addr, host, sizeof host, port, sizeof port)) {
		snprintf(err, errlen, "listen address '%s' is not HOST:PORT", addr);
		return NULL;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(*host ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s", addr, gai_strerror(rc));
		return NULL;
	}
	struct evconnlistener *l = evconnlistener_new_bind(base, cb, arg,
							   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
								   LEV_OPT_CLOSE_ON_EXEC,
							   1024, ai->ai_addr, (int)ai->ai_addrlen);
	int saved = errno;
	freeaddrinfo(ai);
	if (!l)
		snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(saved));
	return l;
}

bool listener_start(struct jy_net *net, const char *addr, char *err, size_t errlen)
{
	if (!proxy_setup(net, err, errlen))
		return false;
	net->listener = listener_bind(net->base, addr, on_accept, net, err, errlen);
	if (!net->listener)
		return false;
	net->accept_guard = accept_guard_new(net->base, net->listener, "tls", &net->draining);
	return true;
}

void listener_stop(struct jy_net *net)
{
	if (net->listener) {
		evconnlistener_free(net->listener);
		net->listener = NULL;
	}
	accept_guard_free(net->accept_guard);
	net->accept_guard = NULL;
	if (net->proxy_from) {
		proxy_accept_stop(net);
		free(net->proxy_from);
		net->proxy_from = NULL;
	}
}
