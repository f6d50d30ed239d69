/* The jianyid process, the composition root (docs/ARCHITECTURE.md "The
 * server's modules"): one libevent loop; it creates every layer's parts in
 * start-up order, hands each layer its own context (net, api, http) and
 * handles the signals (SIGTERM drains, SIGHUP reloads). */
#ifndef JY_SERVER_H
#define JY_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "config.h"
#include "context.h"
#include "db.h"
#include "http.h"
#include "net.h"

struct feed;
struct notice_push;
struct jobs;
struct notifier;
struct observe;

struct jy_server {
	struct jy_config *cfg;            /* the running configuration; SIGHUP changes its live settings */
	struct jy_net net;                /* listener, sessions, their bounds and counters (net/) */
	struct api_ctx api;               /* what the request handlers work with (api/) */
	struct db_read_pool *read_db;     /* [database] read_conninfo's pool, NULL: none (db/read_pool.h) */
	struct http_env http;             /* the HTTP side: portal, /metrics (http/) */
	struct event *trim_timer;         /* returns freed input buffers to the system (server.c) */
	struct event *drain_timer;
	struct event *sig_term, *sig_int, *sig_hup;
	struct feed *feed;                /* change-feed subscribers and wake-ups (feed.c) */
	struct notice_push *push;         /* inbox followers (notice_push.c) */
	struct jobs *jobs;                /* the periodic job: deadline notices (jobs.c) */
	struct notifier *notifier;        /* external notifier, NULL when not configured (notifier.c) */
	struct enroll_ca *enroll_ca;      /* enrollment's issuing CA, NULL when off (api/enroll_ca.c) */
	struct observe *observe;          /* the push layer's figures for /metrics (observe.c) */
	int access_fd;                    /* [log] access_log, -1: none */
};

/* Queued portal queries past which a page answers 503 at once: an
 * anonymous flood gets "busy" instead of an ever longer queue. */
#define PORTAL_MAX_QUEUE 64

/* Runs the server until SIGTERM/SIGINT; returns the process exit status. */
int server_run(struct jy_config *cfg);

/* Builds a new TLS context from the configured files and swaps it in; the
 * old context stays alive for the sessions that use it. */
bool server_reload_tls(struct jy_server *srv);
/* SIGHUP (docs/OPERATIONS.md "Reloading"): the configuration file again,
 * each live setting that changed applied and logged, each other one logged
 * as needing a restart (a file that does not load changes nothing); the
 * access log reopened; the certificates reloaded. */
void server_reload(struct jy_server *srv);

#endif
