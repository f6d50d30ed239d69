/* The public portal (阳光公开): server-rendered zh-CN pages that read without
 * JavaScript. "/" lists published suggestions (search, filters, pages),
 * "/s/<id>" shows one with its replies and the deputies' feedback as counts,
 * "/stats" draws the statistics as inline SVG, "/excellent" lists a year's
 * announced excellent suggestions, "/unsatisfied" the unsatisfied results
 * the liaison committee published (server/sql/functions/07_portal.sql).
 * Those are the deployment's first congress's; every congress's are the
 * same pages under /c/<code> (docs/CONGRESSES.md), its code a statement
 * parameter and its pages' links under the same prefix.
 *
 * What is public is decided in SQL (server/sql/functions/07_portal.sql: jy_portal_*):
 * those functions never return contact details, evaluations by person,
 * unpublished or confidential cases. Here every value from the database or
 * the query string is HTML-escaped on output, and values reach SQL only as
 * parameters of prepared statements. */
#include "http.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "db.h"
#include "read_pool.h"
#include "jy_limits.h"
#include "log.h"
#include "portal_cache.h"
#include "net.h"
#include "statements.h"
#include "utf8.h"
#include "xalloc.h"

#define PAGE_SIZE 20
#define MAX_Q_CHARS 100
#define MAX_CATEGORY_CHARS 50

enum page_kind { PAGE_LIST, PAGE_SUGGESTION, PAGE_EXCELLENT, PAGE_UNSATISFIED };

/* What a page needs once its query answers: the filters to show again in
 * the form (copied: the query string is gone by then). */
struct portal_call {
	struct http_pending *pending;
	enum page_kind kind;
	struct portal_scope scope;      /* rest is not kept: the path is gone */
	char *q, *category, *result;
	int term, page;
};

static const char *const state_names[][2] = {
	{ "draft", "草稿" }, { "submitted", "已提交" }, { "returned", "已退回修改" },
	{ "registered", "已立案" }, { "assigned", "已交办" }, { "disputed", "交办有异议" },
	{ "accepted", "已接收" }, { "in_progress", "办理中" }, { "replied", "已答复" },
	{ "rehandling", "重新办理" }, { "evaluated", "已测评" }, { "closed", "已办结" },
	{ "withdrawn", "已撤回" }, { "merged", "已并案" }, { "converted", "已转换" },
};

/* The default result scheme (docs/WORKFLOW.md). */
static const char *const result_names[][2] = {
	{ "A", "A类：已解决或采纳" }, { "B", "B类：正在解决或列入计划" },
	{ "C", "C类：因条件限制待以后解决" }, { "D", "D类：留作参考" },
};

static const char *state_name(const char *s)
{
	for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcmp(state_names[i][0], s) == 0)
			return state_names[i][1];
	return s;
}

static const char *result_name(const char *c)
{
	for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
		if (strcmp(result_names[i][0], c) == 0)
			return result_names[i][1];
	return *c ? c : "—";
}

/* ---- JSON access: missing or mistyped members read as empty ----------------- */

static json_object *jget(json_object *o, const char *k)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v = jget(o, k);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v = jget(o, k);
	return v ? json_object_get_int64(v) : 0;
}

static size_t jlen(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* ---- the calls ------------------------------------------------------------ */

static void call_free(struct portal_call *c)
{
	free(c->q);
	free(c->category);
	free(c->result);
	free(c);
}

/* ---- which congress ---------------------------------------------------------- */

/* congresses.code: [a-z0-9][a-z0-9-]{0,39} (schema 0023). */
static bool code_valid(const char *s, size_t n)
{
	if (n == 0 || n > JY_CONGRESS_CODE_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

bool http_portal_scope(const char *path, struct portal_scope *out)
{
	memset(out, 0, sizeof *out);
	out->rest = path;
	if (strncmp(path, "/c/", 3) != 0)
		return true;
	const char *code = path + 3;
	size_t n = strcspn(code, "/");
	if (!code_valid(code, n))
		return false;
	memcpy(out->code, code, n);
	snprintf(out->prefix, sizeof out->prefix, "/c/%s", out->code);
	/* "/c/<code>" is its list, as "/c/<code>/". */
	out->rest = code[n] ? code + n : "/";
	return true;
}

/* The statement parameter: NULL at the root (the first congress). */
static const char *scope_param(const struct portal_scope *sc)
{
	return *sc->code ? sc->code : NULL;
}

/* The page frame; a congress's page names it (the root's stays as it was). */
static void page_begin(struct evbuffer *b, const char *title, const struct portal_scope *sc,
		       json_object *doc)
{
	http_page_begin_in(b, title, sc->prefix, *sc->code ? jstr(doc, "congress_name") : NULL);
}

/* A page of a congress that does not exist: the code is well formed, but
 * no congress has it (jy_portal_congress_name answered NULL). */
static bool congress_unknown(json_object *doc)
{
	json_object *v = jget(doc, "congress_name");
	return !v || !json_object_is_type(v, json_type_string);
}

#define NO_CONGRESS "没有这个人民代表大会的公开页面。"

static void render_list(struct evbuffer *b, const struct portal_call *c, json_object *doc);
static void render_suggestion(struct evbuffer *b, const struct portal_scope *sc, json_object *doc);
static void render_stats(struct evbuffer *b, const struct portal_scope *sc, json_object *doc);
static void render_excellent(struct evbuffer *b, const struct portal_scope *sc, json_object *doc);
static void render_unsatisfied(struct evbuffer *b, const struct portal_scope *sc, json_object *doc);

static void on_result(const struct db_result *r, void *arg)
{
	struct portal_call *c = arg;
	struct evhttp_request *req = http_pending_take(c->pending);
	if (!req) {
		/* The visitor left; nothing to answer. */
		call_free(c);
		return;
	}
	json_object *doc = NULL;
	if (r->outcome == DB_OK && PQntuples(r->res) == 1 && !PQgetisnull(r->res, 0, 0))
		doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (!doc) {
		if (r->outcome != DB_SHUTDOWN) {
			char q[300];
			jy_warn("event=portal_query_failed outcome=%d reason=%s", (int)r->outcome,
				jy_log_quote(r->error, q, sizeof q));
		}
		http_send_error_page(req, 503, "数据暂时无法读取，请稍后再试。");
		call_free(c);
		return;
	}
	if (congress_unknown(doc)) {
		http_send_error_page(req, HTTP_NOTFOUND, NO_CONGRESS);
	} else if (c->kind == PAGE_SUGGESTION && strcmp(jstr(doc, "code"), "ok") != 0) {
		http_send_error_page_in(req, HTTP_NOTFOUND, "没有这件公开的建议。", c->scope.prefix);
	} else {
		struct evbuffer *b = evbuffer_new();
		if (c->kind == PAGE_LIST)
			render_list(b, c, doc);
		else if (c->kind == PAGE_SUGGESTION)
			render_suggestion(b, &c->scope, doc);
		else if (c->kind == PAGE_EXCELLENT)
			render_excellent(b, &c->scope, doc);
		else
			render_unsatisfied(b, &c->scope, doc);
		http_send(req, HTTP_OK, "text/html; charset=utf-8", b);
		evbuffer_free(b);
	}
	json_object_put(doc);
	call_free(c);
}

/* Queues the statement; answers 503 at once when the queue is full. */
static void start(struct http_env *env, struct evhttp_request *req, struct portal_call *c,
		  const struct db_stmt *stmt, const char *const *params)
{
	c->scope.rest = NULL;
	c->pending = http_pending_new(env, req);
	if (!db_read_query(env->read_db, env->portal_db, stmt, params, on_result, c)) {
		req = http_pending_take(c->pending);
		if (req)
			http_send_error_page(req, 503, "服务器繁忙，请稍后再试。");
		call_free(c);
	}
}

/* A query parameter: NULL if absent; false (with a message) if it is not
 * valid UTF-8 or longer than max characters. */
static bool text_arg(struct evkeyvalq *query, const char *name, size_t max, const char **out)
{
	const char *v = evhttp_find_header(query, name);
	*out = v && *v ? v : NULL;
	return !v || (jy_utf8_valid(v, strlen(v)) && jy_utf8_length(v, strlen(v)) <= max);
}

static bool int_arg(struct evkeyvalq *query, const char *name, long lo, long hi, int *out)
{
	const char *v = evhttp_find_header(query, name);
	if (!v || !*v)
		return true;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

/* A page's call, for the congress its path names (the router checked it). */
static struct portal_call *call_new(enum page_kind kind, const char *path)
{
	struct portal_call *c = jy_xcalloc(1, sizeof *c);
	c->kind = kind;
	http_portal_scope(path, &c->scope);
	return c;
}

void http_portal_index(struct http_env *env, struct evhttp_request *req, const char *path,
		       struct evkeyvalq *query)
{
	const char *q, *category, *result;
	int term = 0, page = 1;
	if (!text_arg(query, "q", MAX_Q_CHARS, &q) ||
	    !text_arg(query, "category", MAX_CATEGORY_CHARS, &category) ||
	    !text_arg(query, "result", 1, &result) || (result && !strchr("ABCD", *result)) ||
	    !int_arg(query, "term", 0, JY_TERM_MAX, &term) || !int_arg(query, "page", 1, 100000, &page)) {
		http_send_error_page(req, HTTP_BADREQUEST, "查询条件不正确（搜索词最多 100 个字）。");
		return;
	}
	struct portal_call *c = call_new(PAGE_LIST, path);
	c->q = jy_xstrdup(q ? q : "");
	c->category = jy_xstrdup(category ? category : "");
	c->result = jy_xstrdup(result ? result : "");
	c->term = term;
	c->page = page;
	char sterm[16], spage[16], ssize[16];
	snprintf(sterm, sizeof sterm, "%d", term);
	snprintf(spage, sizeof spage, "%d", page);
	snprintf(ssize, sizeof ssize, "%d", PAGE_SIZE);
	const char *params[7] = { c->q, c->category, sterm, c->result, spage, ssize, scope_param(&c->scope) };
	start(env, req, c, &jy_statements[STMT_PORTAL_LIST], params);
}

void http_portal_suggestion(struct http_env *env, struct evhttp_request *req, const char *path,
			    struct evkeyvalq *query)
{
	(void)query;
	struct portal_call *c = call_new(PAGE_SUGGESTION, path);
	const char *digits = c->scope.rest + strlen("/s/");
	size_t n = strlen(digits);
	if (n == 0 || n > 18 || strspn(digits, "0123456789") != n) {
		http_send_error_page_in(req, HTTP_NOTFOUND, "没有这个页面。", c->scope.prefix);
		call_free(c);
		return;
	}
	const char *params[2] = { digits, scope_param(&c->scope) };
	start(env, req, c, &jy_statements[STMT_PORTAL_GET], params);
}

/* /stats comes from the congress's cache (portal_cache.h): with many
 * visitors its statistics are computed at most once per [server]
 * portal_cache_seconds. The cache stays while its computation is out. */
struct stats_call {
	struct portal_cache *pc;
	struct portal_scope scope;
};

static void on_stats(const struct db_result *r, void *arg)
{
	struct stats_call *sc = arg;
	struct portal_cache *pc = sc->pc;
	json_object *doc = NULL;
	if (r->outcome == DB_OK && PQntuples(r->res) == 1 && !PQgetisnull(r->res, 0, 0))
		doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (!doc) {
		if (r->outcome != DB_SHUTDOWN) {
			char q[300];
			jy_warn("event=portal_query_failed page=stats outcome=%d reason=%s",
				(int)r->outcome, jy_log_quote(r->error, q, sizeof q));
		}
		portal_cache_finish(pc, false);
	} else if (congress_unknown(doc)) {
		portal_cache_fail(pc, HTTP_NOTFOUND, NO_CONGRESS);
	} else {
		struct evbuffer *b = evbuffer_new();
		render_stats(b, &sc->scope, doc);
		portal_cache_store(pc, b);
		evbuffer_free(b);
		portal_cache_finish(pc, true);
	}
	json_object_put(doc);
	free(sc);
}

void http_portal_stats(struct http_env *env, struct evhttp_request *req, const char *path,
		       struct evkeyvalq *query)
{
	(void)query;
	struct stats_call *sc = jy_xcalloc(1, sizeof *sc);
	http_portal_scope(path, &sc->scope);
	sc->scope.rest = NULL;
	struct portal_cache *pc = portal_caches_get(env->stats_cache, sc->scope.code);
	if (!pc) {
		/* Every kept congress's page is being computed at once. */
		http_send_error_page(req, 503, "服务器繁忙，请稍后再试。");
		free(sc);
		return;
	}
	if (portal_cache_fresh(pc)) {
		portal_cache_answer(pc, req);
		free(sc);
		return;
	}
	bool first = portal_cache_begin(pc);
	portal_cache_wait(pc, http_pending_new(env, req));
	if (!first) {
		free(sc);
		return; /* answered when the computation in flight ends */
	}
	sc->pc = pc;
	env->portal_stats_computed++;
	const char *params[1] = { scope_param(&sc->scope) };
	if (!db_read_query(env->read_db, env->portal_db, &jy_statements[STMT_PORTAL_STATS], params, on_stats, sc)) {
		portal_cache_finish(pc, false);
		free(sc);
	}
}

void http_portal_excellent(struct http_env *env, struct evhttp_request *req, const char *path,
			   struct evkeyvalq *query)
{
	int year = 0;
	if (!int_arg(query, "year", 2000, 2100, &year)) {
		http_send_error_page(req, HTTP_BADREQUEST, "年度不正确。");
		return;
	}
	struct portal_call *c = call_new(PAGE_EXCELLENT, path);
	char syear[16];
	snprintf(syear, sizeof syear, "%d", year);
	const char *params[2] = { syear, scope_param(&c->scope) };
	start(env, req, c, &jy_statements[STMT_PORTAL_EXCELLENT], params);
}

void http_portal_unsatisfied(struct http_env *env, struct evhttp_request *req, const char *path,
			     struct evkeyvalq *query)
{
	(void)query;
	struct portal_call *c = call_new(PAGE_UNSATISFIED, path);
	const char *params[1] = { scope_param(&c->scope) };
	start(env, req, c, &jy_statements[STMT_PORTAL_UNSATISFIED], params);
}

/* ---- the list ---------------------------------------------------------------- */

static void option(struct evbuffer *b, const char *value, const char *label, const char *current)
{
	evbuffer_add_printf(b, "<option value=\"");
	http_esc(b, value);
	evbuffer_add_printf(b, "\"%s>", strcmp(value, current) == 0 ? " selected" : "");
	http_esc(b, label);
	evbuffer_add_printf(b, "</option>");
}

/* A link to page n of the same search. */
static void page_link(struct evbuffer *b, const struct portal_call *c, int n, const char *label)
{
	char term[16] = "";
	if (c->term)
		snprintf(term, sizeof term, "%d", c->term);
	evbuffer_add_printf(b, "<a href=\"%s/?q=", c->scope.prefix);
	http_url_arg(b, c->q);
	evbuffer_add_printf(b, "&amp;category=");
	http_url_arg(b, c->category);
	evbuffer_add_printf(b, "&amp;term=%s&amp;result=", term);
	http_url_arg(b, c->result);
	evbuffer_add_printf(b, "&amp;page=%d\">", n);
	http_esc(b, label);
	evbuffer_add_printf(b, "</a>");
}

static void render_list(struct evbuffer *b, const struct portal_call *c, json_object *doc)
{
	page_begin(b, "建议列表", &c->scope, doc);
	evbuffer_add_printf(b, "<h1>代表建议办理情况公开</h1>\n"
			       "<form method=\"get\" action=\"%s/\">\n"
			       "<label>搜索 <input type=\"search\" name=\"q\" maxlength=\"100\" value=\"",
			    c->scope.prefix);
	http_esc(b, c->q);
	evbuffer_add_printf(b, "\"></label>\n<label>类别 <select name=\"category\">");
	option(b, "", "全部", c->category);
	json_object *cats = jget(doc, "categories");
	for (size_t i = 0; i < jlen(cats); i++) {
		json_object *v = json_object_array_get_idx(cats, i);
		const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
		option(b, s, s, c->category);
	}
	evbuffer_add_printf(b, "</select></label>\n<label>届次 <select name=\"term\">");
	char cur[16] = "", val[16], label[32];
	if (c->term)
		snprintf(cur, sizeof cur, "%d", c->term);
	option(b, "", "全部", cur);
	json_object *terms = jget(doc, "terms");
	for (size_t i = 0; i < jlen(terms); i++) {
		int t = json_object_get_int(json_object_array_get_idx(terms, i));
		snprintf(val, sizeof val, "%d", t);
		snprintf(label, sizeof label, "第%d届", t);
		option(b, val, label, cur);
	}
	evbuffer_add_printf(b, "</select></label>\n<label>办理结果 <select name=\"result\">");
	option(b, "", "全部", c->result);
	for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
		option(b, result_names[i][0], result_names[i][1], c->result);
	evbuffer_add_printf(b, "</select></label>\n<button type=\"submit\">查询</button>\n</form>\n");

	int64_t total = jint(doc, "total");
	json_object *items = jget(doc, "suggestions");
	evbuffer_add_printf(b, "<p>共 %" PRId64 " 件</p>\n", total);
	if (jlen(items) == 0) {
		evbuffer_add_printf(b, "<p>没有符合条件的公开建议。</p>\n");
	} else {
		evbuffer_add_printf(b, "<table>\n<thead><tr><th>编号</th><th>标题</th><th>类别</th>"
				       "<th>主办单位</th><th>办理结果</th><th>状态</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < jlen(items); i++) {
			json_object *it = json_object_array_get_idx(items, i);
			evbuffer_add_printf(b, "<tr><td>");
			http_esc(b, jstr(it, "number"));
			evbuffer_add_printf(b, "</td><td><a href=\"%s/s/%" PRId64 "\">", c->scope.prefix,
					    jint(it, "id"));
			http_esc(b, jstr(it, "title"));
			evbuffer_add_printf(b, "</a></td><td>");
			http_esc(b, jstr(it, "category"));
			evbuffer_add_printf(b, "</td><td>");
			http_esc(b, jstr(it, "lead_unit"));
			evbuffer_add_printf(b, "</td><td>");
			http_esc(b, result_name(jstr(it, "result_class")));
			evbuffer_add_printf(b, "</td><td>");
			http_esc(b, state_name(jstr(it, "state")));
			evbuffer_add_printf(b, "</td></tr>\n");
		}
		evbuffer_add_printf(b, "</tbody>\n</table>\n");
	}
	int64_t size = jint(doc, "page_size") > 0 ? jint(doc, "page_size") : PAGE_SIZE;
	int64_t pages = (total + size - 1) / size;
	if (pages > 1) {
		evbuffer_add_printf(b, "<p class=\"pager\">");
		if (c->page > 1)
			page_link(b, c, c->page - 1, "上一页");
		evbuffer_add_printf(b, "<span>第 %d 页，共 %" PRId64 " 页</span>", c->page, pages);
		if (c->page < pages)
			page_link(b, c, c->page + 1, "下一页");
		evbuffer_add_printf(b, "</p>\n");
	}
	http_page_end(b);
}

/* ---- one suggestion ------------------------------------------------------------ */

static void meta_row(struct evbuffer *b, const char *label, const char *value)
{
	evbuffer_add_printf(b, "<dt>%s</dt><dd>", label);
	http_esc(b, *value ? value : "—");
	evbuffer_add_printf(b, "</dd>\n");
}

static void feedback_row(struct evbuffer *b, const char *label, json_object *counts)
{
	evbuffer_add_printf(b, "<tr><th>%s</th><td>%" PRId64 "</td><td>%" PRId64 "</td><td>%" PRId64
			       "</td></tr>\n",
			    label, jint(counts, "satisfied"), jint(counts, "basically_satisfied"),
			    jint(counts, "unsatisfied"));
}

/* The replies' public attachments (答复函), each a link to /a/<id>. */
static void render_attachments(struct evbuffer *b, const struct portal_scope *sc, json_object *list)
{
	if (jlen(list) == 0)
		return;
	evbuffer_add_printf(b, "<h3>答复附件</h3>\n<ul class=\"attachments\">\n");
	for (size_t i = 0; i < jlen(list); i++) {
		json_object *a = json_object_array_get_idx(list, i);
		int64_t size = jint(a, "size");
		evbuffer_add_printf(b, "<li><a href=\"%s/a/%" PRId64 "\">", sc->prefix, jint(a, "id"));
		http_esc(b, jstr(a, "name"));
		if (size < 1024 * 1024)
			evbuffer_add_printf(b, "</a>（%.1f KB）</li>\n", (double)size / 1024.0);
		else
			evbuffer_add_printf(b, "</a>（%.1f MB）</li>\n", (double)size / (1024.0 * 1024.0));
	}
	evbuffer_add_printf(b, "</ul>\n");
}

static void render_suggestion(struct evbuffer *b, const struct portal_scope *sc, json_object *doc)
{
	json_object *s = jget(doc, "suggestion");
	page_begin(b, jstr(s, "title"), sc, doc);
	evbuffer_add_printf(b, "<p><a href=\"%s/\">← 返回建议列表</a></p>\n<h1>", sc->prefix);
	http_esc(b, jstr(s, "title"));
	evbuffer_add_printf(b, "</h1>\n<dl class=\"meta\">\n");
	meta_row(b, "编号", jstr(s, "number"));
	meta_row(b, "类别", jstr(s, "category"));
	meta_row(b, "领衔代表", jstr(s, "lead_deputy"));
	meta_row(b, "主办单位", jstr(s, "lead_unit"));
	meta_row(b, "办理状态", state_name(jstr(s, "state")));
	meta_row(b, "办理结果", result_name(jstr(s, "result_class")));
	meta_row(b, "公开日期", jstr(s, "published_at"));
	evbuffer_add_printf(b, "</dl>\n");

	bool summary = json_object_get_boolean(jget(s, "is_summary"));
	evbuffer_add_printf(b, "<h2>%s</h2>\n", summary ? "建议摘要" : "建议内容");
	if (summary)
		evbuffer_add_printf(b, "<p class=\"note\">以下为人大常委会代表工作机构确定公开的摘要。</p>\n");
	evbuffer_add_printf(b, "<div class=\"text\">");
	http_esc(b, jstr(s, "text"));
	evbuffer_add_printf(b, "</div>\n<h2>办理答复</h2>\n");
	json_object *replies = jget(doc, "replies");
	if (jlen(replies) == 0)
		evbuffer_add_printf(b, "<p>承办单位尚未答复。</p>\n");
	for (size_t i = 0; i < jlen(replies); i++) {
		json_object *r = json_object_array_get_idx(replies, i);
		evbuffer_add_printf(b, "<h3>第 %" PRId64 " 次答复（", jint(r, "round"));
		http_esc(b, jstr(r, "date"));
		evbuffer_add_printf(b, "，");
		http_esc(b, jstr(r, "unit"));
		evbuffer_add_printf(b, "）</h3>\n<p>办理结果：");
		http_esc(b, result_name(jstr(r, "result_class")));
		evbuffer_add_printf(b, "</p>\n<div class=\"text\">");
		http_esc(b, jstr(r, "text"));
		evbuffer_add_printf(b, "</div>\n");
	}
	render_attachments(b, sc, jget(doc, "attachments"));
	json_object *fus = jget(doc, "follow_ups");
	if (jlen(fus) > 0)
		evbuffer_add_printf(b, "<h2>跟踪办理情况</h2>\n");
	for (size_t i = 0; i < jlen(fus); i++) {
		json_object *f = json_object_array_get_idx(fus, i);
		evbuffer_add_printf(b, "<h3>");
		http_esc(b, jstr(f, "date"));
		evbuffer_add_printf(b, " 跟踪报告，办理结果：");
		http_esc(b, result_name(jstr(f, "result_class")));
		evbuffer_add_printf(b, "</h3>\n<div class=\"text\">");
		http_esc(b, jstr(f, "text"));
		evbuffer_add_printf(b, "</div>\n");
	}
	evbuffer_add_printf(b, "<h2>代表反馈</h2>\n");
	json_object *fb = jget(doc, "feedback");
	if (jint(fb, "round") == 0) {
		evbuffer_add_printf(b, "<p>代表尚未测评。</p>\n");
	} else {
		/* Counts only: the evaluation is back-to-back, who said what
		 * never leaves the congress. */
		evbuffer_add_printf(b, "<p class=\"note\">代表对第 %" PRId64 " 次答复的测评人数"
				       "（只公布人数，不公布个人意见）。</p>\n"
				       "<table>\n<thead><tr><th></th><th>满意</th><th>基本满意</th>"
				       "<th>不满意</th></tr></thead>\n<tbody>\n",
				    jint(fb, "round"));
		feedback_row(b, "对办理结果", jget(fb, "result"));
		feedback_row(b, "对办理态度", jget(fb, "attitude"));
		evbuffer_add_printf(b, "</tbody>\n</table>\n");
	}
	http_page_end(b);
}

/* ---- statistics ------------------------------------------------------------------ */

#define MAX_BARS 16

/* A horizontal bar chart as inline SVG (no script, no external file, so
 * it passes the Content-Security-Policy and prints as it shows). Values
 * are scaled to the largest; percent charts scale to 100. */
static void svg_bars(struct evbuffer *b, const char *title, size_t n, const char *const *labels,
		     const double *values, bool percent)
{
	const int label_w = 230, bar_w = 330, row = 30, top = 10;
	double max = percent ? 100 : 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int height = top * 2 + row * (int)(n ? n : 1);
	evbuffer_add_printf(b, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			       "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
			    label_w + bar_w + 90, height, label_w + bar_w + 90, height);
	http_esc(b, title);
	evbuffer_add_printf(b, "\">\n<title>");
	http_esc(b, title);
	evbuffer_add_printf(b, "</title>\n");
	if (n == 0)
		evbuffer_add_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"14\">暂无数据</text>\n", top + 18);
	for (size_t i = 0; i < n; i++) {
		int y = top + row * (int)i;
		int w = max > 0 ? (int)(values[i] / max * bar_w + 0.5) : 0;
		evbuffer_add_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"end\">",
				    label_w - 8, y + 18);
		http_esc(b, labels[i]);
		evbuffer_add_printf(b, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
				       "fill=\"#a31515\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"14\">",
				    label_w, y + 4, w, label_w + w + 6, y + 18);
		if (percent)
			evbuffer_add_printf(b, "%.1f%%", values[i]);
		else
			evbuffer_add_printf(b, "%.0f", values[i]);
		evbuffer_add_printf(b, "</text>\n");
	}
	evbuffer_add_printf(b, "</svg>\n<figcaption>");
	http_esc(b, title);
	evbuffer_add_printf(b, "</figcaption>\n</figure>\n");
}

/* num/den as a percentage for the text, "—" when nothing to divide. */
static void rate_text(struct evbuffer *b, const char *label, int64_t num, int64_t den)
{
	evbuffer_add_printf(b, "<tr><th>%s</th>", label);
	if (den > 0)
		evbuffer_add_printf(b, "<td>%.1f%%</td><td>%" PRId64 " / %" PRId64 "</td></tr>\n",
				    100.0 * (double)num / (double)den, num, den);
	else
		evbuffer_add_printf(b, "<td>—</td><td>0 / 0</td></tr>\n");
}

static void render_stats(struct evbuffer *b, const struct portal_scope *sc, json_object *doc)
{
	page_begin(b, "统计数据", sc, doc);
	evbuffer_add_printf(b, "<h1>建议办理统计</h1>\n<p>已立案建议 %" PRId64 " 件，其中已公开 %" PRId64
			       " 件。</p>\n",
			    jint(doc, "total"), jint(doc, "published"));

	const char *labels[MAX_BARS];
	double values[MAX_BARS];
	size_t n = 0;
	/* States in workflow order, whatever order the database sent. */
	json_object *by_state = jget(doc, "by_state");
	for (size_t k = 0; k < sizeof state_names / sizeof state_names[0] && n < MAX_BARS; k++)
		for (size_t i = 0; i < jlen(by_state); i++) {
			json_object *e = json_object_array_get_idx(by_state, i);
			if (strcmp(jstr(e, "state"), state_names[k][0]) == 0) {
				labels[n] = state_names[k][1];
				values[n++] = (double)jint(e, "count");
			}
		}
	evbuffer_add_printf(b, "<h2>按办理状态</h2>\n");
	svg_bars(b, "各办理状态的建议件数", n, labels, values, false);

	n = 0;
	json_object *by_result = jget(doc, "by_result");
	for (size_t i = 0; i < jlen(by_result) && n < MAX_BARS; i++) {
		json_object *e = json_object_array_get_idx(by_result, i);
		labels[n] = result_name(jstr(e, "result_class"));
		values[n++] = (double)jint(e, "count");
	}
	evbuffer_add_printf(b, "<h2>按办理结果</h2>\n");
	svg_bars(b, "各办理结果类别的建议件数", n, labels, values, false);

	int64_t ev = jint(doc, "evaluations"), sat = jint(doc, "satisfied");
	int64_t rep = jint(doc, "due"), ontime = jint(doc, "on_time");
	int64_t cls = jint(doc, "classified"), solved = jint(doc, "solved");
	const char *rl[3] = { "满意率", "按期答复率", "解决率（A类）" };
	double rv[3] = { ev ? 100.0 * (double)sat / (double)ev : 0,
			 rep ? 100.0 * (double)ontime / (double)rep : 0,
			 cls ? 100.0 * (double)solved / (double)cls : 0 };
	evbuffer_add_printf(b, "<h2>满意率与按期答复率</h2>\n");
	svg_bars(b, "满意率、按期答复率与解决率", 3, rl, rv, true);
	evbuffer_add_printf(b, "<table>\n<thead><tr><th>指标</th><th>比率</th><th>件数</th></tr></thead>\n"
			       "<tbody>\n");
	rate_text(b, "满意率", sat, ev);
	rate_text(b, "按期答复率", ontime, rep);
	rate_text(b, "解决率（A类）", solved, cls);
	evbuffer_add_printf(b, "</tbody>\n</table>\n"
		"<p class=\"note\">统计口径：已立案的全部建议（含未公开的，只计件数；不含撤回、并案、转换的）。"
		"满意率 = 每件建议最近一次被测评的答复中，代表对办理结果评为“满意”或“基本满意”的人次 ÷ 测评人次；"
		"按期答复率 = 首次答复日期不晚于答复期限（含批准的延期）的件数 ÷ 已答复或已过答复期限的件数；"
		"解决率 = 最新办理结果（含跟踪续报）为 A 类的件数 ÷ 已答复件数。</p>\n");
	http_page_end(b);
}

/* ---- excellent suggestions ------------------------------------------------------ */

static void render_excellent(struct evbuffer *b, const struct portal_scope *sc, json_object *doc)
{
	page_begin(b, "优秀建议", sc, doc);
	int64_t year = jint(doc, "year");
	json_object *years = jget(doc, "years");
	if (jlen(years) > 1) {
		evbuffer_add_printf(b, "<p class=\"pager\">年度：");
		for (size_t i = 0; i < jlen(years); i++) {
			int64_t y = json_object_get_int64(json_object_array_get_idx(years, i));
			if (y == year)
				evbuffer_add_printf(b, "<span>%" PRId64 "</span>", y);
			else
				evbuffer_add_printf(b, "<a href=\"%s/excellent?year=%" PRId64 "\">%" PRId64
						       "</a>", sc->prefix, y, y);
		}
		evbuffer_add_printf(b, "</p>\n");
	}
	if (!json_object_get_boolean(jget(doc, "announced"))) {
		evbuffer_add_printf(b, "<h1>优秀建议</h1>\n<p>");
		if (year)
			evbuffer_add_printf(b, "%" PRId64 " 年度的优秀建议尚未公布。", year);
		else
			evbuffer_add_printf(b, "尚未公布优秀建议。");
		evbuffer_add_printf(b, "</p>\n");
		http_page_end(b);
		return;
	}
	evbuffer_add_printf(b, "<h1>%" PRId64 " 年度优秀建议</h1>\n<p>人大常委会代表工作机构于 ", year);
	http_esc(b, jstr(doc, "announced_on"));
	evbuffer_add_printf(b, " 公布。按评审平均分排序。</p>\n");
	json_object *items = jget(doc, "items");
	if (jlen(items) > 0) {
		evbuffer_add_printf(b, "<table>\n<thead><tr><th>名次</th><th>编号</th><th>标题</th>"
				       "<th>主办单位</th><th>办理结果</th><th>平均分</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < jlen(items); i++) {
			json_object *it = json_object_array_get_idx(items, i);
			evbuffer_add_printf(b, "<tr><td>%" PRId64 "</td><td>", jint(it, "rank"));
			http_esc(b, jstr(it, "number"));
			evbuffer_add_printf(b, "</td><td><a href=\"%s/s/%" PRId64 "\">", sc->prefix,
					    jint(it, "id"));
			http_esc(b, jstr(it, "title"));
			evbuffer_add_printf(b, "</a></td><td>");
			http_esc(b, jstr(it, "lead_unit"));
			evbuffer_add_printf(b, "</td><td>");
			http_esc(b, result_name(jstr(it, "result_class")));
			evbuffer_add_printf(b, "</td><td>");
			http_esc(b, jstr(it, "average"));
			evbuffer_add_printf(b, "</td></tr>\n");
		}
		evbuffer_add_printf(b, "</tbody>\n</table>\n");
	}
	int64_t hidden = jint(doc, "hidden");
	if (hidden > 0)
		evbuffer_add_printf(b, "<p class=\"note\">另有 %" PRId64 " 件入选建议未公开，不在此列出。</p>\n",
				    hidden);
	http_page_end(b);
}

/* ---- published unsatisfied results ------------------------------------------------ */

static void render_unsatisfied(struct evbuffer *b, const struct portal_scope *sc, json_object *doc)
{
	page_begin(b, "不满意办理结果公开", sc, doc);
	evbuffer_add_printf(b, "<h1>不满意办理结果公开</h1>\n<p class=\"note\">代表对办理结果测评为不满意、"
			       "经人大常委会代表工作机构决定公开的建议。</p>\n");
	json_object *items = jget(doc, "items");
	if (jlen(items) == 0)
		evbuffer_add_printf(b, "<p>目前没有公开的不满意办理结果。</p>\n");
	for (size_t i = 0; i < jlen(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		evbuffer_add_printf(b, "<section class=\"unsatisfied\">\n<h2><a href=\"%s/s/%" PRId64 "\">",
				    sc->prefix, jint(it, "id"));
		http_esc(b, jstr(it, "title"));
		evbuffer_add_printf(b, "</a></h2>\n<dl class=\"meta\">\n");
		meta_row(b, "编号", jstr(it, "number"));
		meta_row(b, "主办单位", jstr(it, "lead_unit"));
		meta_row(b, "办理结果", result_name(jstr(it, "result_class")));
		meta_row(b, "办理状态", state_name(jstr(it, "state")));
		meta_row(b, "公开日期", jstr(it, "published_on"));
		evbuffer_add_printf(b, "</dl>\n<div class=\"text\">");
		http_esc(b, jstr(it, "statement"));
		evbuffer_add_printf(b, "</div>\n</section>\n");
	}
	http_page_end(b);
}
