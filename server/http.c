/* The HTTP listener, routing and common response helpers; see http.h. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "listener.h"
#include "log.h"
#include "server.h"
#include "xalloc.h"

struct http_pending {
	struct jy_http *h;
	struct evhttp_request *req;       /* NULL once libevent has freed it */
	struct evhttp_connection *evcon;  /* to match the close callback */
	bool gone;                        /* the client's connection closed */
	TAILQ_ENTRY(http_pending) link;
};

struct jy_http {
	struct jy_server *srv;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	TAILQ_HEAD(, http_pending) pending;
};

/* Limits: the HTTP side only serves small GETs, so anything large is an
 * abuse; idle keep-alive connections go after the timeout. */
#define MAX_HEADERS_BYTES 8192
#define MAX_BODY_BYTES 1024
#define TIMEOUT_S 30

static const struct route {
	const char *path;
	bool prefix;          /* path is a prefix ("/s/<id>") */
	http_handler fn;
} routes[] = {
	{ "/healthz", false, http_ops_healthz },
	{ "/readyz", false, http_ops_readyz },
	{ "/metrics", false, http_ops_metrics },
	{ "/", false, http_portal_index },
	{ "/stats", false, http_portal_stats },
	{ "/excellent", false, http_portal_excellent },
	{ "/unsatisfied", false, http_portal_unsatisfied },
	{ "/s/", true, http_portal_suggestion },
};

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

void http_page_begin(struct evbuffer *out, const char *title)
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
		"</style>\n</head>\n<body>\n<header><strong>县人大代表建议办理公开</strong>"
		"<a href=\"/\">建议列表</a><a href=\"/stats\">统计数据</a>"
		"<a href=\"/excellent\">优秀建议</a><a href=\"/unsatisfied\">不满意结果公开</a></header>\n<main>\n");
}

void http_page_end(struct evbuffer *out)
{
	evbuffer_add_printf(out,
		"</main>\n<footer><p class=\"note\" style=\"text-align:center\">"
		"公开内容已删除联系方式；涉密建议不予公开。</p></footer>\n</body>\n</html>\n");
}

void http_send_error_page(struct evhttp_request *req, int code, const char *message)
{
	struct evbuffer *b = evbuffer_new();
	http_page_begin(b, "出错了");
	evbuffer_add_printf(b, "<h1>出错了</h1>\n<p>");
	http_esc(b, message);
	evbuffer_add_printf(b, "</p>\n<p><a href=\"/\">返回建议列表</a></p>\n");
	http_page_end(b);
	http_send(req, code, "text/html; charset=utf-8", b);
	evbuffer_free(b);
}

/* ---- answering later ----------------------------------------------------- */

static void on_connection_close(struct evhttp_connection *evcon, void *arg)
{
	struct jy_http *h = arg;
	struct http_pending *p;
	TAILQ_FOREACH(p, &h->pending, link) {
		if (p->gone || p->evcon != evcon)
			continue;
		p->gone = true;
		/* Detached by libevent (client went away before our answer): the
		 * request is ours to free. Still attached (evhttp_free at
		 * shutdown): libevent frees it right after this callback. */
		if (evhttp_request_get_connection(p->req) != NULL)
			p->req = NULL;
	}
}

struct http_pending *http_pending_new(struct jy_server *srv, struct evhttp_request *req)
{
	struct jy_http *h = srv->http;
	struct http_pending *p = jy_xcalloc(1, sizeof *p);
	p->h = h;
	p->req = req;
	p->evcon = evhttp_request_get_connection(req);
	/* One close callback per connection; evhttp serves a connection's
	 * requests one after another, so at most one of ours is pending on it. */
	if (p->evcon)
		evhttp_connection_set_closecb(p->evcon, on_connection_close, h);
	TAILQ_INSERT_TAIL(&h->pending, p, link);
	return p;
}

struct evhttp_request *http_pending_take(struct http_pending *p)
{
	struct evhttp_request *req = p->gone ? NULL : p->req;
	if (p->gone && p->req)
		evhttp_request_free(p->req);
	if (!p->gone && p->evcon)
		evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	TAILQ_REMOVE(&p->h->pending, p, link);
	free(p);
	return req;
}

/* ---- routing --------------------------------------------------------------- */

static void on_request(struct evhttp_request *req, void *arg)
{
	struct jy_http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *qs = uri ? evhttp_uri_get_query(uri) : NULL;
	if (!path || !*path)
		path = "/";
	struct evkeyvalq query;
	TAILQ_INIT(&query);
	if (qs && evhttp_parse_query_str(qs, &query) != 0) {
		evhttp_clear_headers(&query);
		http_send_error_page(req, HTTP_BADREQUEST, "查询参数格式不正确。");
		return;
	}
	const struct route *r = NULL;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !r; i++)
		if (routes[i].prefix ? strncmp(path, routes[i].path, strlen(routes[i].path)) == 0
				     : strcmp(path, routes[i].path) == 0)
			r = &routes[i];
	if (r)
		r->fn(h->srv, req, path, &query);
	else
		http_send_error_page(req, HTTP_NOTFOUND, "没有这个页面。");
	evhttp_clear_headers(&query);
}

/* ---- start and stop -------------------------------------------------------- */

static bool announce(struct jy_http *h, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	listener_local_address(evhttp_bound_socket_get_fd(h->sock), host, sizeof host, &port);
	jy_info("event=http_listening addr=%s port=%u", host, port);
	const char *file = h->srv->cfg->http_ready_file;
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
		snprintf(err, errlen, "cannot write HTTP ready file %s", file);
		return false;
	}
	return true;
}

bool http_start(struct jy_server *srv, const char *addr, char *err, size_t errlen)
{
	if (strcmp(addr, "off") == 0)
		return true;
	char host[256], port[16];
	if (!listener_split_host_port(addr, host, sizeof host, port, sizeof port)) {
		snprintf(err, errlen, "HTTP listen address '%s' is not HOST:PORT", addr);
		return false;
	}
	struct jy_http *h = jy_xcalloc(1, sizeof *h);
	h->srv = srv;
	TAILQ_INIT(&h->pending);
	h->http = evhttp_new(srv->base);
	if (!h->http) {
		free(h);
		snprintf(err, errlen, "cannot create the HTTP server");
		return false;
	}
	srv->http = h;
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(h->http, MAX_HEADERS_BYTES);
	evhttp_set_max_body_size(h->http, MAX_BODY_BYTES);
	evhttp_set_timeout(h->http, TIMEOUT_S);
	evhttp_set_gencb(h->http, on_request, h);
	h->sock = evhttp_bind_socket_with_handle(h->http, host, (ev_uint16_t)atoi(port));
	if (!h->sock) {
		snprintf(err, errlen, "cannot listen for HTTP on %s", addr);
		return false;
	}
	return announce(h, err, errlen);
}

bool http_listening(const struct jy_server *srv)
{
	return srv->http && srv->http->sock;
}

void http_stop(struct jy_server *srv)
{
	struct jy_http *h = srv->http;
	if (!h)
		return;
	if (h->http)
		evhttp_free(h->http); /* runs the close callbacks of open connections */
	struct http_pending *p;
	while ((p = TAILQ_FIRST(&h->pending)) != NULL) {
		/* Only possible if a query outlived the pool; its request went
		 * with its connection. */
		TAILQ_REMOVE(&h->pending, p, link);
		free(p);
	}
	if (srv->cfg->http_ready_file)
		unlink(srv->cfg->http_ready_file);
	free(h);
	srv->http = NULL;
}
