/* The HTTP listener, routing and common response helpers; see http.h. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "accept_guard.h"
#include "addr_list.h"
#include "config.h"
#include "http_limits.h"
#include "listener.h"
#include "portal_cache.h"
#include "log.h"
#include "net.h"
#include "xalloc.h"

struct http_pending {
	struct jy_http *h;
	struct evhttp_request *req;       /* NULL once libevent has freed it */
	struct evhttp_connection *evcon;  /* to match the close callback */
	bool gone;                        /* the client's connection closed */
	void (*on_gone)(void *arg);       /* told when it closes (http_pending_on_gone) */
	void *gone_arg;
	TAILQ_ENTRY(http_pending) link;
};

struct route {
	const char *path;
	bool prefix;          /* path is a prefix ("/s/<id>") */
	bool per_congress;    /* also served under /c/<code> (http_portal_scope) */
	http_handler fn;
};

/* One evhttp on one address: the public side or the metrics listener. */
struct http_site {
	struct jy_http *h;
	const char *name;                 /* for the log: "http", "metrics" */
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct accept_guard *guard;
	struct http_limits *limits;
	const struct route *routes;
	size_t nroutes;
	const char *ready_file;
};

struct jy_http {
	struct http_env *env;
	struct http_site portal, metrics;
	struct addr_list *proxy_from;     /* [http] proxy_protocol = v2: the proxies; NULL: off */
	TAILQ_HEAD(, http_pending) pending;
};

/* Limits: the HTTP side only serves small GETs, so anything large is an
 * abuse; idle keep-alive connections go after the timeout. */
#define MAX_HEADERS_BYTES 8192
#define MAX_BODY_BYTES 1024
#define TIMEOUT_S 30
/* The metrics listener is for one or two scrapers on the host. */
#define METRICS_MAX_CONNECTIONS 16
/* The /stats pages kept: one per congress visited, the least recently
 * visited dropped beyond this. */
#define PORTAL_STATS_CONGRESSES 64

/* /metrics is not here: it has its own listener (loopback by default), so
 * the public never sees the server's internals. */
static const struct route portal_routes[] = {
	{ "/healthz", false, false, http_ops_healthz },
	{ "/readyz", false, false, http_ops_readyz },
	{ "/", false, true, http_portal_index },
	{ "/stats", false, true, http_portal_stats },
	{ "/excellent", false, true, http_portal_excellent },
	{ "/unsatisfied", false, true, http_portal_unsatisfied },
	{ "/s/", true, true, http_portal_suggestion },
	{ "/a/", true, true, http_portal_attachment },
};

static const struct route metrics_routes[] = {
	{ "/metrics", false, false, http_ops_metrics },
};

/* ---- the access log ---------------------------------------------------------
 * One line per request (docs/OPERATIONS.md "Logs"), written when its answer
 * has gone out (evhttp's on-complete callback), or with status 499 when the
 * client's connection closed first (as nginx writes it). The open requests
 * are a list of this file's own: evhttp keeps no pointer of ours on a
 * request, and http_send, which knows the body's size, gets only the
 * request. One loop per process, so one list. */
struct access_entry {
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	const char *site;
	uint64_t started_us;
	size_t bytes;
	char method[8];
	char path[200];               /* without the query: it is never logged */
	char peer[64];
	TAILQ_ENTRY(access_entry) link;
};
static TAILQ_HEAD(access_list_head, access_entry) access_open = TAILQ_HEAD_INITIALIZER(access_open);

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct access_entry *access_find(struct evhttp_request *req)
{
	struct access_entry *e;
	/* From the newest: the request being answered is usually among the last. */
	TAILQ_FOREACH_REVERSE(e, &access_open, access_list_head, link)
		if (e->req == req)
			return e;
	return NULL;
}

static void access_write(struct access_entry *e, int status)
{
	TAILQ_REMOVE(&access_open, e, link);
	jy_access("event=http_access site=%s method=%s path=%s status=%d bytes=%zu ms=%.3f peer=%s",
		  e->site, e->method, e->path, status, e->bytes,
		  (double)(mono_us() - e->started_us) / 1000.0, e->peer);
	free(e);
}

static void access_done(struct evhttp_request *req, void *arg)
{
	access_write(arg, evhttp_request_get_response_code(req));
}

static void access_begin(struct http_site *site, struct evhttp_request *req, const char *path)
{
	if (!jy_access_enabled())
		return;
	struct access_entry *e = jy_xcalloc(1, sizeof *e);
	e->req = req;
	e->evcon = evhttp_request_get_connection(req);
	e->site = site->name;
	e->started_us = mono_us();
	snprintf(e->method, sizeof e->method, "%s",
		 evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? "HEAD" : "GET");
	jy_log_quote(path, e->path, sizeof e->path);
	char *host = NULL;
	ev_uint16_t port = 0;
	/* Behind a balancer, the client its PROXY header named. */
	const char *client = http_limits_peer(site->limits, e->evcon);
	if (e->evcon && !client)
		evhttp_connection_get_peer(e->evcon, &host, &port);
	snprintf(e->peer, sizeof e->peer, "%s", client ? client : host ? host : "-");
	TAILQ_INSERT_TAIL(&access_open, e, link);
	evhttp_request_set_on_complete_cb(req, access_done, e);
}

/* The client's connection closed: requests it left unanswered. */
static void access_connection_closed(struct evhttp_connection *evcon)
{
	struct access_entry *e, *next;
	for (e = TAILQ_FIRST(&access_open); e; e = next) {
		next = TAILQ_NEXT(e, link);
		if (e->evcon == evcon)
			access_write(e, 499);
	}
}

void http_access_add_bytes(struct evhttp_request *req, size_t n)
{
	struct access_entry *e = access_find(req);
	if (e)
		e->bytes += n;
}

/* ---- responses ----------------------------------------------------------- */

void http_send(struct evhttp_request *req, int code, const char *content_type,
	       struct evbuffer *body)
{
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	evhttp_add_header(hd, "Content-Type", content_type);
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(hd, "Content-Security-Policy",
			  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
	/* CSP's default-src does not cover framing; the pages are not meant
	 * to be framed (click-jacking) nor to leak the query as a referrer. */
	evhttp_add_header(hd, "X-Frame-Options", "DENY");
	evhttp_add_header(hd, "Referrer-Policy", "no-referrer");
	if (body)
		http_access_add_bytes(req, evbuffer_get_length(body));
	evhttp_send_reply(req, code, NULL, body);
}

void http_send_text(struct evhttp_request *req, int code, const char *text)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, text, strlen(text));
	http_send(req, code, "text/plain; charset=utf-8", b);
	evbuffer_free(b);
}

void http_esc_n(struct evbuffer *out, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		evbuffer_add(out, s + start, i - start);
		evbuffer_add(out, rep, strlen(rep));
		start = i + 1;
	}
	evbuffer_add(out, s + start, n - start);
}

void http_esc(struct evbuffer *out, const char *s)
{
	if (s)
		http_esc_n(out, s, strlen(s));
}

void http_url_arg(struct evbuffer *out, const char *s)
{
	/* evhttp_encode_uri keeps only unreserved characters as they are, so
	 * the result is safe inside an HTML attribute too. */
	char *enc = evhttp_encode_uri(s ? s : "");
	if (enc) {
		evbuffer_add(out, enc, strlen(enc));
		free(enc);
	}
}

void http_page_begin_in(struct evbuffer *out, const char *title, const char *prefix,
			const char *congress_name)
{
	evbuffer_add_printf(out,
		"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	http_esc(out, title);
	evbuffer_add_printf(out,
		" · 代表建议公开</title>\n<style>\n"
		"body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",sans-serif;"
		"margin:0;color:#222;background:#fafafa;line-height:1.6}\n"
		"header{background:#a31515;color:#fff;padding:.6em 1em}\n"
		"header a{color:#fff;margin-right:1.2em;text-decoration:none}\n"
		"header strong{margin-right:2em}\n"
		"main{max-width:60em;margin:0 auto;padding:1em}\n"
		"table{border-collapse:collapse;width:100%%;background:#fff}\n"
		"th,td{border:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}\n"
		"th{background:#f0f0f0}\n"
		"form{margin:1em 0}form label{margin-right:.8em}\n"
		".text{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:.8em}\n"
		".note{color:#666;font-size:.9em}\n"
		".pager a,.pager span{margin-right:1em}\n"
		"dl.meta dt{float:left;clear:left;width:7em;color:#666}dl.meta dd{margin-left:7.5em}\n"
		"</style>\n</head>\n<body>\n<header><strong>");
	if (congress_name) {
		http_esc(out, congress_name);
		evbuffer_add_printf(out, "代表建议办理公开");
	} else {
		evbuffer_add_printf(out, "县人大代表建议办理公开");
	}
	/* prefix is "/c/<code>", checked (http_portal_scope): nothing to escape. */
	evbuffer_add_printf(out, "</strong><a href=\"%s/\">建议列表</a><a href=\"%s/stats\">统计数据</a>"
		"<a href=\"%s/excellent\">优秀建议</a><a href=\"%s/unsatisfied\">不满意结果公开</a>"
		"</header>\n<main>\n", prefix, prefix, prefix, prefix);
}

void http_page_begin(struct evbuffer *out, const char *title)
{
	http_page_begin_in(out, title, "", NULL);
}

void http_page_end(struct evbuffer *out)
{
	evbuffer_add_printf(out,
		"</main>\n<footer><p class=\"note\" style=\"text-align:center\">"
		"公开内容已删除联系方式；涉密建议不予公开。</p></footer>\n</body>\n</html>\n");
}

void http_send_error_page_in(struct evhttp_request *req, int code, const char *message,
			     const char *prefix)
{
	struct evbuffer *b = evbuffer_new();
	http_page_begin_in(b, "出错了", prefix, NULL);
	evbuffer_add_printf(b, "<h1>出错了</h1>\n<p>");
	http_esc(b, message);
	evbuffer_add_printf(b, "</p>\n<p><a href=\"%s/\">返回建议列表</a></p>\n", prefix);
	http_page_end(b);
	http_send(req, code, "text/html; charset=utf-8", b);
	evbuffer_free(b);
}

void http_send_error_page(struct evhttp_request *req, int code, const char *message)
{
	http_send_error_page_in(req, code, message, "");
}

/* ---- answering later ----------------------------------------------------- */

static void on_connection_close(struct evhttp_connection *evcon, void *arg)
{
	struct jy_http *h = arg;
	struct http_pending *p, *next;
	access_connection_closed(evcon);
	/* An on_gone callback may take its pending off the list. */
	for (p = TAILQ_FIRST(&h->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, link);
		if (p->gone || p->evcon != evcon)
			continue;
		p->gone = true;
		/* Detached by libevent (client went away before our answer): the
		 * request is ours to free. Still attached (evhttp_free at
		 * shutdown): libevent frees it right after this callback. */
		if (evhttp_request_get_connection(p->req) != NULL)
			p->req = NULL;
		if (p->on_gone)
			p->on_gone(p->gone_arg);
	}
}

struct http_pending *http_pending_new(struct http_env *env, struct evhttp_request *req)
{
	struct jy_http *h = env->http;
	struct http_pending *p = jy_xcalloc(1, sizeof *p);
	p->h = h;
	p->req = req;
	/* http_limits owns every connection's close callback and passes it
	 * on to on_connection_close. */
	p->evcon = evhttp_request_get_connection(req);
	TAILQ_INSERT_TAIL(&h->pending, p, link);
	return p;
}

void http_pending_on_gone(struct http_pending *p, void (*fn)(void *arg), void *arg)
{
	p->on_gone = fn;
	p->gone_arg = arg;
}

struct evhttp_request *http_pending_peek(const struct http_pending *p)
{
	return p->gone ? NULL : p->req;
}

struct evhttp_request *http_pending_take(struct http_pending *p)
{
	struct evhttp_request *req = p->gone ? NULL : p->req;
	if (p->gone && p->req)
		evhttp_request_free(p->req);
	TAILQ_REMOVE(&p->h->pending, p, link);
	free(p);
	return req;
}

/* ---- routing --------------------------------------------------------------- */

/* The route of a path under its congress's prefix; NULL when there is
 * none, or when it is not a congress's page and the path names a congress. */
static const struct route *find_route(const struct http_site *site, const struct portal_scope *scope)
{
	const char *p = scope->rest;
	for (size_t i = 0; i < site->nroutes; i++) {
		const struct route *t = &site->routes[i];
		if (t->prefix ? strncmp(p, t->path, strlen(t->path)) == 0 : strcmp(p, t->path) == 0)
			return t->per_congress || !*scope->code ? t : NULL;
	}
	return NULL;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http_site *site = arg;
	http_limits_request_read(site->limits, req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *qs = uri ? evhttp_uri_get_query(uri) : NULL;
	if (!path || !*path)
		path = "/";
	access_begin(site, req, path);
	struct evkeyvalq query;
	TAILQ_INIT(&query);
	if (qs && evhttp_parse_query_str(qs, &query) != 0) {
		evhttp_clear_headers(&query);
		http_send_error_page(req, HTTP_BADREQUEST, "查询参数格式不正确。");
		return;
	}
	const struct route *r = NULL;
	struct portal_scope scope;
	if (http_portal_scope(path, &scope))
		r = find_route(site, &scope);
	if (r)
		r->fn(site->h->env, req, path, &query);
	else
		http_send_error_page(req, HTTP_NOTFOUND, "没有这个页面。");
	evhttp_clear_headers(&query);
}

/* ---- start and stop -------------------------------------------------------- */

static bool announce(struct http_site *site, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	listener_local_address(evhttp_bound_socket_get_fd(site->sock), host, sizeof host, &port);
	jy_info("event=%s_listening addr=%s port=%u", site->name, host, port);
	const char *file = site->ready_file;
	if (!file)
		return true;
	/* Write then rename, so a watcher never reads half a line. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fprintf(f, "%s:%u\n", host, port) >= 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, file) != 0) {
		snprintf(err, errlen, "cannot write the %s ready file %s", site->name, file);
		return false;
	}
	return true;
}

static bool site_start(struct http_site *site, const char *addr, unsigned max_connections,
		       const struct addr_list *proxy_from, char *err, size_t errlen)
{
	struct http_env *env = site->h->env;
	site->http = evhttp_new(env->net->base);
	if (!site->http) {
		snprintf(err, errlen, "cannot create the %s server", site->name);
		return false;
	}
	evhttp_set_allowed_methods(site->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(site->http, MAX_HEADERS_BYTES);
	evhttp_set_max_body_size(site->http, MAX_BODY_BYTES);
	evhttp_set_timeout(site->http, TIMEOUT_S);
	evhttp_set_gencb(site->http, on_request, site);
	site->limits = http_limits_new(env->net->base, site->http, site->name, max_connections,
				       env->net->cfg->http_request_timeout_s, proxy_from,
				       on_connection_close, site->h);
	char why[512];
	/* Our own listener, so that accept errors go to the guard; evhttp
	 * takes over its accept callback. */
	struct evconnlistener *l = listener_bind(env->net->base, addr, NULL, NULL, why, sizeof why);
	if (!l) {
		snprintf(err, errlen, "%s: %s", site->name, why);
		return false;
	}
	site->sock = evhttp_bind_listener(site->http, l);
	if (!site->sock) {
		evconnlistener_free(l);
		snprintf(err, errlen, "cannot listen for %s on %s", site->name, addr);
		return false;
	}
	site->guard = accept_guard_new(env->net->base, l, site->name, NULL);
	return announce(site, err, errlen);
}

static void site_stop(struct http_site *site)
{
	if (site->http)
		evhttp_free(site->http); /* runs the close callbacks of open connections */
	/* After evhttp_free: it freed the listener the guard watches. */
	accept_guard_free(site->guard);
	http_limits_free(site->limits);
	if (site->sock && site->ready_file)
		unlink(site->ready_file);
	memset(site, 0, sizeof *site);
}

/* [http] proxy_protocol = v2: the public side's connections come from the
 * balancers on proxy_from, each with a PROXY header (http_proxy.h). */
static bool proxy_setup(struct jy_http *h, const struct jy_config *cfg, char *err, size_t errlen)
{
	char why[200];
	if (strcmp(cfg->http_proxy_protocol, "v2") != 0)
		return true;
	h->proxy_from = jy_xcalloc(1, sizeof *h->proxy_from);
	if (!addr_list_parse(cfg->http_proxy_from, h->proxy_from, why, sizeof why)) {
		snprintf(err, errlen, "http.proxy_from: %s", why);
		return false;
	}
	jy_info("event=http_proxy_protocol version=2");
	return true;
}

bool http_start(struct http_env *env, char *err, size_t errlen)
{
	const struct jy_config *cfg = env->net->cfg;
	bool portal = strcmp(cfg->http_listen, "off") != 0;
	bool metrics = strcmp(cfg->metrics_listen, "off") != 0;
	if (!portal && !metrics)
		return true;
	struct jy_http *h = jy_xcalloc(1, sizeof *h);
	h->env = env;
	TAILQ_INIT(&h->pending);
	env->http = h;
	env->stats_cache = portal_caches_new(cfg->portal_cache_s, PORTAL_STATS_CONGRESSES);
	h->portal = (struct http_site){ h, "http", NULL, NULL, NULL, NULL, portal_routes,
					sizeof portal_routes / sizeof portal_routes[0],
					cfg->http_ready_file };
	h->metrics = (struct http_site){ h, "metrics", NULL, NULL, NULL, NULL, metrics_routes,
					 sizeof metrics_routes / sizeof metrics_routes[0],
					 cfg->metrics_ready_file };
	struct rlimit rl = { 0, 0 };
	getrlimit(RLIMIT_NOFILE, &rl);
	unsigned budget = http_limits_fd_budget(cfg, (uint64_t)rl.rlim_cur);
	if (portal)
		jy_info("event=http_fd_budget nofile=%llu http_max_connections=%u tls_max_connections=%u",
			(unsigned long long)rl.rlim_cur, budget, cfg->max_connections);
	if (portal && !proxy_setup(h, cfg, err, errlen))
		return false;
	return (!portal || site_start(&h->portal, cfg->http_listen, budget, h->proxy_from, err,
				      errlen)) &&
	       (!metrics || site_start(&h->metrics, cfg->metrics_listen, METRICS_MAX_CONNECTIONS,
				       NULL, err, errlen));
}

bool http_listening(const struct http_env *env)
{
	return env->http && env->http->portal.sock;
}

void http_stats(const struct http_env *env, struct http_side_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!env->http)
		return;
	const struct http_site *p = &env->http->portal;
	out->open = http_limits_open(p->limits);
	out->refused = http_limits_refused(p->limits);
	out->timed_out = http_limits_timed_out(p->limits);
	out->accept_errors = accept_guard_errors(p->guard);
}

void http_stop(struct http_env *env)
{
	struct jy_http *h = env->http;
	if (!h)
		return;
	site_stop(&h->portal);
	site_stop(&h->metrics);
	struct http_pending *p;
	while ((p = TAILQ_FIRST(&h->pending)) != NULL) {
		/* Only possible if a query outlived the pool; its request went
		 * with its connection. */
		TAILQ_REMOVE(&h->pending, p, link);
		free(p);
	}
	free(h->proxy_from);
	free(h);
	env->http = NULL;
	/* After the portal's pool: no computation is in flight. */
	portal_caches_free(env->stats_cache);
	env->stats_cache = NULL;
}
