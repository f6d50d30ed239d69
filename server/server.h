/* The jianyid process: one libevent loop, the TLS listener, the database
 * pool, the set of sessions, signals (SIGTERM drains, SIGHUP reloads TLS). */
#ifndef JY_SERVER_H
#define JY_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "config.h"
#include "db.h"

struct session;
struct jy_metrics;
struct jy_http;
struct accept_guard;
struct portal_cache;
struct feed;
struct notice_push;
struct jobs;
struct notifier;
struct revocation;
TAILQ_HEAD(session_list, session);

struct jy_server {
	struct event_base *base;
	const struct jy_config *cfg;
	SSL_CTX *tls;                     /* current context; SIGHUP swaps it */
	struct evconnlistener *listener;
	struct accept_guard *accept_guard; /* pauses accept after EMFILE & co. */
	struct db_pool *db;
	struct db_pool *portal_db;        /* the public portal's own (http_portal.c) */
	uint64_t portal_stats_computed;   /* /stats queries sent (http_portal.c) */
	struct portal_cache *stats_cache; /* the /stats page (portal_cache.h), with the HTTP side */

	struct session_list sessions;     /* open connections */
	struct session_list graveyard;    /* closed, freed after this loop iteration */
	struct event *reaper;             /* frees the graveyard */
	struct event *trim_timer;         /* returns freed input buffers to the system (server.c) */
	unsigned nsessions;
	unsigned nhandshaking;            /* sessions still in the TLS handshake */
	uint64_t handshake_refusals_logged_at; /* monotonic s of the last such log line */
	uint64_t handshake_refusals_unlogged;
	unsigned nlinger;                 /* half-closed sockets still draining (linger.c) */
	uint64_t next_session_id;
	size_t input_held;                /* sessions' unprocessed input: incomplete frames */
	size_t input_released;            /* of it, dropped with closed or refused sessions since the last trim */
	uint64_t partial_refused;         /* sessions refused over max_partial_bytes */

	bool draining;                    /* SIGTERM received */
	struct event *drain_timer;
	struct event *sig_term, *sig_int, *sig_hup;

	/* Counters, exported on /metrics (http_ops.c). */
	uint64_t sessions_total, sessions_refused, requests_total, requests_failed;
	uint64_t tls_full, tls_resumed;   /* completed handshakes, by kind */
	uint64_t handshakes_refused;      /* closed at accept: max_handshakes reached */
	struct jy_metrics *metrics;       /* requests by kind and code (metrics.c) */
	struct jy_http *http;             /* the HTTP side, NULL when off (http.c) */
	struct feed *feed;                /* change-feed subscribers and wake-ups (feed.c) */
	struct notice_push *push;         /* inbox followers (notice_push.c) */
	struct jobs *jobs;                /* the periodic job: deadline notices (jobs.c) */
	struct notifier *notifier;        /* external notifier, NULL when not configured (notifier.c) */
	struct revocation *revocation;    /* ends sessions of revoked certificates (revocation.c) */
};

/* Event priorities (server.c): events get the middle one by default; the
 * public HTTP side's connections the lowest, and the loop checks for other
 * work after every JY_HTTP_BATCH of them. */
#define JY_PRIORITIES 3
#define JY_PRIORITY_HTTP 2
#define JY_HTTP_BATCH 4

/* Queued portal queries past which a page answers 503 at once: an
 * anonymous flood gets "busy" instead of an ever longer queue. */
#define PORTAL_MAX_QUEUE 64

/* Runs the server until SIGTERM/SIGINT; returns the process exit status. */
int server_run(struct jy_config *cfg);

/* Builds a new TLS context from the configured files and swaps it in; the
 * old context stays alive for the sessions that use it. */
bool server_reload_tls(struct jy_server *srv);

/* While draining: stops the loop once no session or lingering socket is left. */
void server_maybe_exit(struct jy_server *srv);

/* Session bookkeeping, called by session.c. */
void server_session_opened(struct jy_server *srv, struct session *s);
void server_session_closed(struct jy_server *srv, struct session *s);

#endif
