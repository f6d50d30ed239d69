/* The HTTP side of jianyid (docs/ARCHITECTURE.md): libevent's evhttp on its own port
 * ([server] http_listen), in the same event loop as everything else.
 * http.c owns the listener, the routing table and what every response has
 * in common (headers, HTML escaping, the page frame); http_ops.c answers
 * /healthz, /readyz and /metrics (on its own listener, [server]
 * metrics_listen); http_portal.c the public pages.
 *
 * Nothing blocks: a page that needs data queues a db_query and answers from
 * its callback. The client may be gone by then; see http_pending_*. */
#ifndef JY_HTTP_H
#define JY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

struct jy_net;
struct jy_http;
struct db_pool;
struct db_read_pool;
struct portal_caches;

/* Event priorities (server.c): events get the middle one by default; the
 * public HTTP side's connections the lowest, and the loop checks for other
 * work after every JY_HTTP_BATCH of them. */
#define JY_PRIORITIES 3
#define JY_PRIORITY_HTTP 2
#define JY_HTTP_BATCH 4

/* What the HTTP side reads and owns; server.c keeps one. */
struct http_env {
	struct jy_net *net;               /* the protocol side's state and counters, for /readyz and /metrics */
	struct db_pool *portal_db;        /* the public portal's own pool, once the database is up */
	struct db_read_pool *read_db;     /* the read-only pool (db/read_pool.h), NULL: none */
	uint64_t portal_stats_computed;   /* /stats queries sent (http_portal.c) */
	struct portal_caches *stats_cache; /* each congress's /stats page (portal_cache.h) */
	struct jy_http *http;             /* the listeners, NULL when both are off (http.c) */
	/* The layers above's figures for /metrics (server.c fills it in; the
	 * HTTP side does not see the push layer). NULL: none. */
	void (*more_metrics)(void *arg, struct evbuffer *out);
	void *more_metrics_arg;
};

/* Starts the public side on [server] http_listen and /metrics on
 * metrics_listen (each "host:port" or "off"; both off: env->http stays
 * NULL). Logs event=http_listening / metrics_listening with the bound
 * address and writes "host:port\n" to http_ready_file / metrics_ready_file.
 * The public side's connection cap is http_max_connections within its share
 * of the descriptors (http_limits.h). */
bool http_start(struct http_env *env, char *err, size_t errlen);
/* Frees the listener and every open HTTP connection. Call after the
 * database pool is freed, so every pending page has been answered. */
void http_stop(struct http_env *env);

/* ---- for the handlers (http_ops.c, http_portal.c) ------------------------ */

/* A handler gets the decoded query (empty when there is none) and the raw
 * path (for routes with a parameter, like /s/<id>; a portal page's path may
 * start with its congress's /c/<code>, http_portal_scope). */
typedef void (*http_handler)(struct http_env *env, struct evhttp_request *req, const char *path,
			     struct evkeyvalq *query);

void http_ops_healthz(struct http_env *env, struct evhttp_request *req, const char *path,
		      struct evkeyvalq *query);
void http_ops_readyz(struct http_env *env, struct evhttp_request *req, const char *path,
		     struct evkeyvalq *query);
void http_ops_metrics(struct http_env *env, struct evhttp_request *req, const char *path,
		      struct evkeyvalq *query);
void http_portal_index(struct http_env *env, struct evhttp_request *req, const char *path,
		       struct evkeyvalq *query);
void http_portal_suggestion(struct http_env *env, struct evhttp_request *req, const char *path,
			    struct evkeyvalq *query);
void http_portal_stats(struct http_env *env, struct evhttp_request *req, const char *path,
		       struct evkeyvalq *query);
/* "/excellent[?year=Y]": the announced excellent suggestions (jy_portal_excellent). */
void http_portal_excellent(struct http_env *env, struct evhttp_request *req, const char *path,
			   struct evkeyvalq *query);
/* "/unsatisfied": the unsatisfied results the liaison committee published. */
void http_portal_unsatisfied(struct http_env *env, struct evhttp_request *req, const char *path,
			     struct evkeyvalq *query);

/* "/a/<id>": a public attachment of a published reply, streamed in chunks
 * (http_attachment.c). */
void http_portal_attachment(struct http_env *env, struct evhttp_request *req, const char *path,
			    struct evkeyvalq *query);

/* A streamed answer's body bytes for the access line (http_send counts a
 * whole body itself). */
void http_access_add_bytes(struct evhttp_request *req, size_t n);

/* Whether the HTTP listener is bound (for /readyz). */
bool http_listening(const struct http_env *env);

/* The public side's connections, for /metrics. */
struct http_side_stats {
	unsigned open;
	unsigned long long refused, timed_out, accept_errors;
};
void http_stats(const struct http_env *env, struct http_side_stats *out);

/* Sends body (may be NULL) with the common headers: Content-Type (charset
 * utf-8), nosniff, the Content-Security-Policy, no framing, no referrer. */
void http_send(struct evhttp_request *req, int code, const char *content_type,
	       struct evbuffer *body);
/* A plain-text answer ("ok\n", a reason). */
void http_send_text(struct evhttp_request *req, int code, const char *text);

/* Appends s with & < > " ' escaped: everything the pages print from data
 * goes through here (or http_esc_n). */
void http_esc(struct evbuffer *out, const char *s);
void http_esc_n(struct evbuffer *out, const char *s, size_t n);
/* Appends s percent-encoded for a query string value. */
void http_url_arg(struct evbuffer *out, const char *s);

/* The congress a portal path names. Every portal page is served at its
 * root path (the deployment's first congress) and under /c/<code> for any
 * congress (docs/CONGRESSES.md); code has congresses.code's pattern. */
#define JY_CONGRESS_CODE_MAX 40
struct portal_scope {
	char code[JY_CONGRESS_CODE_MAX + 1];       /* "" at the root */
	char prefix[JY_CONGRESS_CODE_MAX + 4];     /* "/c/<code>" or "": every link on the page starts with it */
	const char *rest;                          /* the page's path under the prefix: "/", "/s/<id>", ... */
};
/* False when the path starts with /c/ but names no well-formed code. */
bool http_portal_scope(const char *path, struct portal_scope *out);

/* The page frame: <!DOCTYPE html> ... <main>, title escaped; and its end.
 * http_page_begin_in is a congress's page: its links start with prefix and
 * its heading names the congress (NULL: the root's frame). */
void http_page_begin(struct evbuffer *out, const char *title);
void http_page_begin_in(struct evbuffer *out, const char *title, const char *prefix,
			const char *congress_name);
void http_page_end(struct evbuffer *out);
/* A whole error page (HTML, escaped message). */
void http_send_error_page(struct evhttp_request *req, int code, const char *message);
/* The same on a congress's page: its link back starts with prefix. */
void http_send_error_page_in(struct evhttp_request *req, int code, const char *message,
			     const char *prefix);

/* ---- answering later ------------------------------------------------------
 * evhttp frees a request with its connection. When the client goes away
 * while a query runs, libevent 2.1 either detaches the request from the
 * dying connection (it is then ours to free) or, at server shutdown, frees
 * it with the connection. The close callback tells which, so a late
 * database answer never touches a freed request. */
struct http_pending;

struct http_pending *http_pending_new(struct http_env *env, struct evhttp_request *req);
/* A long answer (a download in chunks) keeps its pending across several
 * queries: fn(arg) is called when the client's connection closes, so that
 * its owner can let go of what waits for a write that will never finish
 * (http_pending_take it then, unless a query is still out). */
void http_pending_on_gone(struct http_pending *p, void (*fn)(void *arg), void *arg);
/* The request while the client is there, else NULL; p stays. */
struct evhttp_request *http_pending_peek(const struct http_pending *p);
/* The request, if the client is still there (then answer it); NULL if it is
 * gone (its request already released). Frees p either way. */
struct evhttp_request *http_pending_take(struct http_pending *p);

#endif
