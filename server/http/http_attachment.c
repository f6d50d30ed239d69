/* "/a/<id>": a public attachment of a published reply (the sealed reply
 * letter, 答复函), for anyone to download from the portal. What is public is
 * decided in SQL (jy_portal_attachment, server/sql/functions/15_attachments.sql:
 * marked public, attached to a reply, finished, the case on the portal).
 * "/c/<code>/a/<id>" is one of that congress's cases' (docs/CONGRESSES.md).
 *
 * The file is streamed as a chunked reply, one chunk of the database at a
 * time: the next chunk is asked for only once the previous one has gone
 * out, so a slow visitor holds at most one chunk in memory, never the file
 * (an attachment may have tens of megabytes). */
#include "http.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "db.h"
#include "read_pool.h"
#include "jy_limits.h"
#include "log.h"
#include "statements.h"
#include "xalloc.h"

/* One download in progress. */
struct download {
	struct http_env *env;
	struct http_pending *pending;   /* the whole stream's */
	char id[24];
	char code[JY_CONGRESS_CODE_MAX + 1];  /* the congress's; "" the first */
	int64_t off, size;
	bool started;                   /* the status line and headers went out */
	bool querying;                  /* a chunk's query is out */
};

static void query_next(struct download *d);

/* Ends the download's own part: the request, when the visitor is still
 * there, to be answered after (libevent frees it once the answer is out). */
static struct evhttp_request *finish(struct download *d)
{
	struct evhttp_request *req = http_pending_take(d->pending);
	free(d);
	return req;
}

/* The visitor left. With a query out, its answer finishes the download. */
static void on_gone(void *arg)
{
	struct download *d = arg;
	if (!d->querying)
		finish(d);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The hex text into b; false if it is not hex. */
static bool add_hex(struct evbuffer *b, const char *hex)
{
	size_t n = strlen(hex);
	if (n % 2 != 0)
		return false;
	unsigned char *bytes = jy_xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
		if (hi < 0 || lo < 0) {
			free(bytes);
			return false;
		}
		bytes[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	evbuffer_add(b, bytes, n / 2);
	free(bytes);
	return true;
}

/* RFC 5987: the name as UTF-8, percent-encoded but for the unreserved. */
static void add_disposition(struct evhttp_request *req, const char *name)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "attachment; filename=\"attachment\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			evbuffer_add(b, p, 1);
		else
			evbuffer_add_printf(b, "%%%02X", *p);
	}
	evbuffer_add(b, "", 1);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Disposition",
			  (const char *)evbuffer_pullup(b, -1));
	evbuffer_free(b);
}

static void start_reply(struct evhttp_request *req, struct download *d, json_object *doc)
{
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	json_object *v;
	const char *mime = json_object_object_get_ex(doc, "mime_type", &v) ? json_object_get_string(v) : "";
	evhttp_add_header(hd, "Content-Type", *mime ? mime : "application/octet-stream");
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	/* Opened in the browser (a PDF viewer), it runs nothing and loads nothing. */
	evhttp_add_header(hd, "Content-Security-Policy", "default-src 'none'; sandbox");
	evhttp_add_header(hd, "Referrer-Policy", "no-referrer");
	add_disposition(req, json_object_object_get_ex(doc, "name", &v) ? json_object_get_string(v) : "");
	d->size = json_object_object_get_ex(doc, "size", &v) ? json_object_get_int64(v) : 0;
	evhttp_send_reply_start(req, HTTP_OK, "OK");
	d->started = true;
}

/* The chunk went out: the next, or the end. */
static void on_sent(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	struct download *d = arg;
	if (!http_pending_peek(d->pending)) {
		finish(d);
	} else if (d->off >= d->size) {
		struct evhttp_request *req = finish(d);
		if (req)
			evhttp_send_reply_end(req);
	} else {
		query_next(d);
	}
}

/* A failure before the first byte is an error page; after it only closing
 * the stream early tells the browser (its length does not add up). */
static void fail(struct download *d, int code, const char *message)
{
	bool started = d->started;
	struct evhttp_request *req = finish(d);
	if (!req)
		return;
	if (!started)
		http_send_error_page(req, code, message);
	else
		evhttp_send_reply_end(req);
}

static void on_chunk(const struct db_result *r, void *arg)
{
	struct download *d = arg;
	d->querying = false;
	struct evhttp_request *req = http_pending_peek(d->pending);
	if (!req) {
		finish(d);
		return;
	}
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		fail(d, 503, "数据暂时无法读取，请稍后再试。");
		return;
	}
	if (PQgetisnull(r->res, 0, 0)) {
		fail(d, HTTP_NOTFOUND, "没有这个公开的附件。");
		return;
	}
	json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	json_object *data;
	struct evbuffer *b = evbuffer_new();
	if (!doc || !json_object_object_get_ex(doc, "data", &data) ||
	    !add_hex(b, json_object_get_string(data)) || evbuffer_get_length(b) == 0) {
		jy_warn("event=portal_attachment_bad_chunk id=%s offset=%" PRId64, d->id, d->off);
		evbuffer_free(b);
		json_object_put(doc);
		fail(d, 503, "数据暂时无法读取，请稍后再试。");
		return;
	}
	if (!d->started)
		start_reply(req, d, doc);
	json_object_put(doc);
	d->off += (int64_t)evbuffer_get_length(b);
	http_access_add_bytes(req, evbuffer_get_length(b));
	evhttp_send_reply_chunk_with_cb(req, b, on_sent, d);
	evbuffer_free(b);
}

static void query_next(struct download *d)
{
	char off[24], len[24];
	snprintf(off, sizeof off, "%" PRId64, d->off);
	snprintf(len, sizeof len, "%d", JY_ATTACH_CHUNK_MAX);
	const char *params[4] = { d->id, off, len, *d->code ? d->code : NULL };
	d->querying = true;
	if (!db_read_query(d->env->read_db, d->env->portal_db, &jy_statements[STMT_PORTAL_ATTACHMENT], params, on_chunk, d)) {
		d->querying = false;
		fail(d, 503, "服务器繁忙，请稍后再试。");
	}
}

void http_portal_attachment(struct http_env *env, struct evhttp_request *req, const char *path,
			    struct evkeyvalq *query)
{
	(void)query;
	struct portal_scope scope;
	http_portal_scope(path, &scope); /* the router checked it */
	const char *digits = scope.rest + strlen("/a/");
	size_t n = strlen(digits);
	if (n == 0 || n > 18 || strspn(digits, "0123456789") != n) {
		http_send_error_page_in(req, HTTP_NOTFOUND, "没有这个页面。", scope.prefix);
		return;
	}
	struct download *d = jy_xcalloc(1, sizeof *d);
	d->env = env;
	snprintf(d->id, sizeof d->id, "%s", digits);
	snprintf(d->code, sizeof d->code, "%s", scope.code);
	d->pending = http_pending_new(env, req);
	http_pending_on_gone(d->pending, on_gone, d);
	query_next(d);
}
