/* The network layer's state: the TLS listener, the open sessions and their
 * bounds, and what the layers above plug in (docs/ARCHITECTURE.md "The
 * server's modules"). server.c owns one and fills the hooks; nothing here
 * knows the request handlers or the change feed. */
#ifndef JY_NET_H
#define JY_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "config.h"
#include "db.h"
#include "jianyi.pb-c.h"

struct session;
struct request;
struct accept_guard;
struct revocation;
struct jy_metrics;
struct addr_list;
struct proxy_waiting;
TAILQ_HEAD(session_list, session);
TAILQ_HEAD(proxy_waiting_list, proxy_waiting);

/* What the layers above do for the network layer; each gets hooks.app. */
struct jy_net_hooks {
	/* Answers an identified session's request (api/dispatch.c). */
	void (*dispatch)(void *app, struct request *req, const Jianyi__Request *body);
	/* A session is closing: its subscriptions end (push/). */
	void (*session_closing)(void *app, struct session *s);
	/* Draining, and the last session and lingering socket are gone. */
	void (*drained)(void *app);
	void *app;
};

struct jy_net {
	struct event_base *base;
	const struct jy_config *cfg;
	SSL_CTX *tls;                     /* current context; SIGHUP swaps it */
	struct evconnlistener *listener;
	struct accept_guard *accept_guard; /* pauses accept after EMFILE & co. */
	struct addr_list *proxy_from;     /* proxy_protocol = v2: the proxies; NULL: off */
	struct proxy_waiting_list proxy_waiting; /* connections still sending their PROXY header */
	struct db_pool *db;               /* the Hello's account lookup, revocation */
	struct revocation *revocation;    /* ends sessions of revoked certificates (revocation.c) */
	struct jy_metrics *metrics;       /* requests and this layer's events, counted (base/metrics.h) */
	struct jy_net_hooks hooks;

	struct session_list sessions;     /* open connections */
	struct session_list graveyard;    /* closed, freed after this loop iteration */
	struct event *reaper;             /* frees the graveyard (server.c) */
	unsigned nsessions;
	unsigned nhandshaking;            /* sessions still in the TLS handshake */
	uint64_t handshake_refusals_logged_at; /* monotonic s of the last such log line */
	uint64_t handshake_refusals_unlogged;
	unsigned nlinger;                 /* half-closed sockets still draining (linger.c) */
	uint64_t next_session_id;
	size_t input_held;                /* sessions' unprocessed input: incomplete frames */
	size_t input_released;            /* of it, dropped with closed or refused sessions since the last trim */
	bool draining;                    /* SIGTERM received */
};

/* Session bookkeeping, called by session.c. */
void net_session_opened(struct jy_net *net, struct session *s);
void net_session_closed(struct jy_net *net, struct session *s);
/* A lingering close of fd (linger.c), counted in nlinger until it ends. */
void net_linger(struct jy_net *net, int fd);
/* While draining: calls hooks.drained once no session or lingering socket is left. */
void net_maybe_drained(struct jy_net *net);

#endif
