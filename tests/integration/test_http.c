/* The HTTP side end to end, on the workflow fixture (wf_helpers.c): health,
 * readiness across a database outage, Prometheus metrics, and the public
 * portal: only published, non-confidential cases; no contact details;
 * everything escaped; statistics as inline SVG. A plain-socket HTTP/1.0
 * client is enough: the server closes after each answer. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

static bool has_header(const struct wf_http *r, const char *line)
{
	return strcasestr(r->head, line) != NULL;
}

static void expect_contains(const char *what, const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("%s: expected to contain \"%s\"; got:\n%.3000s", what, needle, hay);
}

static void expect_absent(const char *what, const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("%s: must not contain \"%s\"; got:\n%.3000s", what, needle, hay);
}

static bool wait_status(const char *target, int want, int timeout_ms);

/* ---- health and metrics ------------------------------------------------------ */

static void healthz_and_headers(void **state)
{
	(void)state;
	struct wf_http r;
	wf_http_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok\n");
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	assert_true(has_header(&r, "Content-Security-Policy: default-src 'none'; "
				   "style-src 'self' 'unsafe-inline'; img-src 'self' data:"));
	assert_true(has_header(&r, "charset=utf-8"));
	wf_http_free(&r);

	/* The pool connects in the background after start-up: ready soon. */
	assert_true(wait_status("/readyz", 200, 10000));

	wf_http_get("/no/such/page", &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);
	wf_http_get("/s/abc", &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);
	wf_http_get("/?term=notanumber", &r);
	assert_int_equal(r.status, 400);
	wf_http_free(&r);
}

/* Every line is a comment (# HELP / # TYPE) or "name{labels} value". */
static void assert_prometheus_text(const char *text)
{
	char *copy = strdup(text), *save = NULL;
	int samples = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#') {
			if (strncmp(l, "# HELP ", 7) != 0 && strncmp(l, "# TYPE ", 7) != 0)
				fail_msg("bad comment line: %s", l);
			continue;
		}
		const char *p = l;
		if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
			fail_msg("bad metric name: %s", l);
		while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
			p++;
		if (*p == '{') {
			/* label="value" pairs, comma separated */
			p++;
			while (*p != '}') {
				while (isalnum((unsigned char)*p) || *p == '_')
					p++;
				if (p[0] != '=' || p[1] != '"')
					fail_msg("bad label: %s", l);
				p += 2;
				while (*p && *p != '"')
					p += *p == '\\' && p[1] ? 2 : 1;
				if (*p != '"')
					fail_msg("unterminated label value: %s", l);
				p++;
				if (*p == ',')
					p++;
				else if (*p != '}')
					fail_msg("bad label list: %s", l);
			}
			p++;
		}
		if (*p != ' ')
			fail_msg("no value: %s", l);
		char *end;
		strtod(p + 1, &end);
		if (end == p + 1 || *end)
			fail_msg("bad value: %s", l);
		samples++;
	}
	free(copy);
	assert_true(samples >= 9); /* the fixed series, before any request */
}

/* Fixes issue, "The server under hostile load", item 15: /metrics moves to
 * its own listener (loopback by default), away from the public portal. */
static void metrics_own_listener(void **state)
{
	(void)state;
	assert_true(S.metrics_port > 0);
	assert_true(S.metrics_port != S.http_port);
	struct wf_http r;
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_int_equal(r.status, 200);
	expect_contains("metrics listener", r.body, "jianyid_sessions_open");
	wf_http_free(&r);
	/* The public port does not have it ... */
	wf_http_get("/metrics", &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "jianyid_"));
	wf_http_free(&r);
	/* ... and the metrics listener serves nothing else. */
	wf_http_get_port(S.metrics_port, "/", &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);
	wf_http_get_port(S.metrics_port, "/stats", &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);
}

static void metrics(void **state)
{
	(void)state;
	struct wf_http r;
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "text/plain; version=0.0.4"));
	assert_prometheus_text(r.body);
	double before = metric_sample(r.body, "jianyid_requests_total{kind=\"ping\",code=\"ok\"}");
	double sessions_before = metric_sample(r.body, "jianyid_sessions_total");
	assert_true(metric_sample(r.body, "jianyid_db_connections{state=\"ready\"}") >= 0);
	assert_true(metric_sample(r.body, "jianyid_db_queue_depth") >= 0);
	wf_http_free(&r);

	/* A ping on a fresh connection. */
	struct jy_client *c = client_connect(&H, &S, "alice");
	client_call_ping(c, "metrics", 7);

	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_prometheus_text(r.body);
	double after = metric_sample(r.body, "jianyid_requests_total{kind=\"ping\",code=\"ok\"}");
	assert_true(after >= 1);
	assert_true(after == (before < 0 ? 0 : before) + 1);
	assert_true(metric_sample(r.body, "jianyid_sessions_total") >= sessions_before + 1);
	assert_true(metric_sample(r.body, "jianyid_sessions_open") >= 1);
	assert_true(metric_sample(r.body, "jianyid_request_duration_seconds_count{kind=\"ping\"}") >= 1);
	assert_true(metric_sample(r.body,
				  "jianyid_request_duration_seconds_bucket{kind=\"ping\",le=\"+Inf\"}") >= 1);
	wf_http_free(&r);
	jy_close(c);
}

/* ---- the portal ------------------------------------------------------------ */

#define T_PUBLIC "关于修缮<script>alert(1)</script>乡村公路的建议"
#define T_PUBLIC_ESCAPED "关于修缮&lt;script&gt;alert(1)&lt;/script&gt;乡村公路的建议"
#define T_HIDDEN "关于尚未公开事项的建议"
#define T_SECRET "关于涉密事项的建议"
#define SUMMARY "建议对乡村公路进行修缮，并加强日常养护。"
#define REPLY "答复：修缮工程已列入明年计划 & 预算。"
#define REPLY_ESCAPED "答复：修缮工程已列入明年计划 &amp; 预算。"

static char idbuf[32];
static const char *id_str(int64_t id)
{
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	return idbuf;
}

static void portal(void **state)
{
	(void)state;
	struct kase pub, hidden, secret;
	struct jy_act a;
	prepare(&pub, ST_IN_PROGRESS, T_PUBLIC, false);
	wf_act_init(&a, A(REPLY), pub.id, pub.version);
	a.reply.text = REPLY;
	a.reply.result_class = "A";
	ok_step("a-head", &a, &pub, "replied", NULL);
	wf_act_init(&a, A(EVALUATE), pub.id, pub.version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step("deputy-wang", &a, &pub, "evaluated");
	prepare(&hidden, ST_REGISTERED, T_HIDDEN, false);
	prepare(&secret, ST_REGISTERED, T_SECRET, false);
	/* No fixture step makes a confidential case after creation; the flag is
	 * what matters here. */
	sql_exec("UPDATE suggestions SET confidential = true WHERE id = $1::bigint", id_str(secret.id));

	/* Publishing: the public one with a summary; the confidential one is
	 * refused; the hidden one stays unpublished. */
	char pub_id[32], secret_id[32];
	snprintf(pub_id, sizeof pub_id, "%lld", (long long)pub.id);
	snprintf(secret_id, sizeof secret_id, "%lld", (long long)secret.id);
	assert_int_equal(harness_admin(&H, "publish", "--id", pub_id, "--summary", SUMMARY, NULL), 0);
	assert_int_not_equal(harness_admin(&H, "publish", "--id", secret_id, NULL), 0);
	assert_int_equal(sql_id("SELECT count(*) FROM suggestions WHERE published AND id = $1::bigint",
				secret_id), 0);

	struct wf_http r;
	wf_http_get("/", &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/html; charset=utf-8"));
	expect_contains("list", r.body, T_PUBLIC_ESCAPED);
	expect_contains("list", r.body, "/s/");
	expect_absent("list", r.body, "<script>");
	expect_absent("list", r.body, T_HIDDEN);
	expect_absent("list", r.body, T_SECRET);
	expect_contains("list", r.body, "A类");
	wf_http_free(&r);

	/* Search (Chinese substring, percent-encoded as a browser sends it)
	 * and filters. 乡村 = %E4%B9%A1%E6%9D%91 */
	wf_http_get("/?q=%E4%B9%A1%E6%9D%91", &r);
	assert_int_equal(r.status, 200);
	expect_contains("search 乡村", r.body, T_PUBLIC_ESCAPED);
	expect_contains("search 乡村", r.body, "value=\"乡村\"");
	wf_http_free(&r);
	wf_http_get("/?q=%E6%B2%A1%E6%9C%89", &r); /* 没有 */
	expect_absent("search 没有", r.body, T_PUBLIC_ESCAPED);
	wf_http_free(&r);
	/* The full text is not public when a summary was chosen: not even searchable. */
	wf_http_get("/?q=%E5%81%9C%E8%BD%A6", &r); /* 停车, in the fixture's body only */
	expect_absent("search body", r.body, T_PUBLIC_ESCAPED);
	wf_http_free(&r);
	wf_http_get("/?result=A&term=18", &r);
	expect_contains("filter A", r.body, T_PUBLIC_ESCAPED);
	wf_http_free(&r);
	wf_http_get("/?result=D", &r);
	expect_absent("filter D", r.body, T_PUBLIC_ESCAPED);
	wf_http_free(&r);
	wf_http_get("/?q=%22%3E%3Cscript%3E", &r); /* "><script> echoed back into the form */
	assert_int_equal(r.status, 200);
	expect_absent("echo", r.body, "<script>");
	expect_contains("echo", r.body, "&quot;&gt;&lt;script&gt;");
	wf_http_free(&r);

	char path[64];
	snprintf(path, sizeof path, "/s/%lld", (long long)pub.id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 200);
	expect_contains("page", r.body, T_PUBLIC_ESCAPED);
	expect_absent("page", r.body, "<script>");
	expect_contains("page", r.body, SUMMARY);
	expect_contains("page", r.body, REPLY_ESCAPED);
	expect_contains("page", r.body, "A类：已解决或采纳");
	expect_absent("page", r.body, "代表尚未测评");
	expect_contains("page", r.body, "<th>对办理结果</th><td>1</td><td>0</td><td>0</td>");
	/* Never contact details, the handler, a contact note, a comment, or
	 * the unpublished full text. */
	expect_absent("page", r.body, "0571-12345678");
	expect_absent("page", r.body, "张经办");
	expect_absent("page", r.body, "电话沟通办理思路");
	expect_absent("page", r.body, "停车");
	wf_http_free(&r);

	snprintf(path, sizeof path, "/s/%lld", (long long)hidden.id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 404);
	expect_absent("hidden", r.body, T_HIDDEN);
	wf_http_free(&r);
	snprintf(path, sizeof path, "/s/%lld", (long long)secret.id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);

	wf_http_get("/stats", &r);
	assert_int_equal(r.status, 200);
	expect_contains("stats", r.body, "<svg");
	expect_contains("stats", r.body, "满意率");
	expect_contains("stats", r.body, "按期答复率");
	wf_http_free(&r);

	/* Unpublishing takes it off the portal. */
	assert_int_equal(harness_admin(&H, "unpublish", "--id", pub_id, NULL), 0);
	wf_http_get("/", &r);
	expect_absent("after unpublish", r.body, T_PUBLIC_ESCAPED);
	wf_http_free(&r);
	assert_int_equal(harness_admin(&H, "publish", "--id", pub_id, NULL), 0);
	wf_http_get(path, &r);
	wf_http_free(&r);
}

/* ---- one portal per congress (docs/CONGRESSES.md) ----------------------------- */

#define OTHER_CODE "xq-2"
#define OTHER_NAME "某某县人民代表大会"
#define T_OTHER "关于修建某某县文化广场的建议"
#define T_FIRST "关于第一个代表大会公开建议的建议"

/* Every href and form action of a page starts with prefix. */
static void expect_links_under(const char *what, const char *body, const char *prefix)
{
	int links = 0;
	for (const char *p = body; (p = strstr(p, "href=\"")) != NULL; p += 6, links++)
		if (strncmp(p + 6, prefix, strlen(prefix)) != 0)
			fail_msg("%s: a link outside %s: %.80s", what, prefix, p);
	for (const char *p = body; (p = strstr(p, "action=\"")) != NULL; p += 8)
		if (strncmp(p + 8, prefix, strlen(prefix)) != 0)
			fail_msg("%s: a form outside %s: %.80s", what, prefix, p);
	assert_true(links >= 5); /* the header's four and the case */
}

static void expect_status(const char *target, int want)
{
	struct wf_http r;
	wf_http_get(target, &r);
	if (r.status != want)
		fail_msg("GET %s: status %d, expected %d", target, r.status, want);
	wf_http_free(&r);
}

/* A second congress with one published case (rows as the loader of
 * test_congresses.c writes them: a deputy of its own, registered, number
 * 1 like the first congress's); returns the case's id. */
static int64_t other_congress_case(void)
{
	assert_int_equal(harness_admin(&H, "congress-add", "--code", OTHER_CODE, "--name", OTHER_NAME,
				       "--level", "county", "--parent", "main", NULL), 0);
	return sql_id("WITH c AS (SELECT id FROM congresses WHERE code = $1),"
		      " o AS (INSERT INTO organizations (congress_id, name, kind)"
		      "  SELECT id, '代表联络站', 'liaison_station' FROM c RETURNING id, congress_id),"
		      " d AS (INSERT INTO deputies (congress_id, name, term, organization_id)"
		      "  SELECT congress_id, '某代表', 18, id FROM o RETURNING id, congress_id, organization_id),"
		      " a AS (INSERT INTO accounts (congress_id, login, display_name, organization_id, roles,"
		      "  deputy_id) SELECT congress_id, 'dep-xq-2', '某代表', organization_id, ARRAY['deputy'], id"
		      "  FROM d RETURNING id, congress_id, deputy_id)"
		      " INSERT INTO suggestions (congress_id, state, version, title, body, category,"
		      "  lead_deputy_id, created_by, term, session, number, published, published_at)"
		      " SELECT congress_id, 'registered', 1, '" T_OTHER "', '正文', '文化', deputy_id, id,"
		      "  18, 1, 1, true, now() FROM a RETURNING id",
		      OTHER_CODE);
}

static double stats_computed(void)
{
	struct wf_http r;
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	double n = metric_sample(r.body, "jianyid_portal_stats_computed_total");
	wf_http_free(&r);
	return n;
}

/* /stats is cached per congress, and at most 64 congresses' pages are
 * kept: the least recently asked for goes first. (Within the default
 * portal_cache_seconds, 5: these requests take well under a second.) */
static void stats_cache_per_congress(void)
{
	expect_status("/c/" OTHER_CODE "/stats", 200);
	double n = stats_computed();
	expect_status("/c/" OTHER_CODE "/stats", 200);
	assert_true(stats_computed() == n);           /* its own page, cached */
	expect_status("/c/main/stats", 200);
	assert_true(stats_computed() == n + 1);       /* another congress's is not that page */
	char path[64];
	for (int i = 0; i < 64; i++) {
		snprintf(path, sizeof path, "/c/z%d/stats", i);
		expect_status(path, 404);             /* unknown: a page not found, not 503 */
	}
	assert_true(stats_computed() == n + 65);
	expect_status("/c/" OTHER_CODE "/stats", 200);
	assert_true(stats_computed() == n + 66);      /* dropped, computed again */
}

static void portal_per_congress(void **state)
{
	(void)state;
	struct kase first;
	prepare(&first, ST_REGISTERED, T_FIRST, false);
	char first_id[32], other_id[32], path[96];
	snprintf(first_id, sizeof first_id, "%lld", (long long)first.id);
	assert_int_equal(harness_admin(&H, "publish", "--id", first_id, NULL), 0);
	snprintf(other_id, sizeof other_id, "%lld", (long long)other_congress_case());

	/* Each list has its own congress's cases only, and says which congress. */
	struct wf_http r;
	wf_http_get("/c/" OTHER_CODE "/", &r);
	assert_int_equal(r.status, 200);
	expect_contains("congress list", r.body, T_OTHER);
	expect_contains("congress list", r.body, OTHER_NAME);
	expect_absent("congress list", r.body, T_FIRST);
	expect_links_under("congress list", r.body, "/c/" OTHER_CODE "/");
	wf_http_free(&r);
	wf_http_get("/", &r);
	assert_int_equal(r.status, 200);
	expect_contains("root list", r.body, T_FIRST);
	expect_absent("root list", r.body, T_OTHER);
	expect_absent("root list", r.body, "/c/");
	wf_http_free(&r);
	wf_http_get("/c/" OTHER_CODE "/?q=%E6%96%87%E5%8C%96", &r); /* 文化: the form keeps the prefix */
	expect_contains("congress search", r.body, T_OTHER);
	expect_links_under("congress search", r.body, "/c/" OTHER_CODE "/");
	wf_http_free(&r);

	/* A case is found under its own congress's path only. */
	snprintf(path, sizeof path, "/c/" OTHER_CODE "/s/%s", other_id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 200);
	expect_contains("congress case", r.body, T_OTHER);
	expect_contains("congress case", r.body, OTHER_NAME);
	expect_links_under("congress case", r.body, "/c/" OTHER_CODE "/");
	wf_http_free(&r);
	snprintf(path, sizeof path, "/s/%s", other_id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 404);
	expect_absent("other congress's case at the root", r.body, T_OTHER);
	wf_http_free(&r);
	snprintf(path, sizeof path, "/c/" OTHER_CODE "/s/%s", first_id);
	wf_http_get(path, &r);
	assert_int_equal(r.status, 404);
	expect_absent("first congress's case under another", r.body, T_FIRST);
	wf_http_free(&r);
	snprintf(path, sizeof path, "/c/main/s/%s", first_id);
	expect_status(path, 200);

	/* Its statistics count its one case; the other pages are there too. */
	wf_http_get("/c/" OTHER_CODE "/stats", &r);
	assert_int_equal(r.status, 200);
	expect_contains("congress stats", r.body, "已立案建议 1 件，其中已公开 1 件。");
	expect_contains("congress stats", r.body, OTHER_NAME);
	wf_http_free(&r);
	wf_http_get("/stats", &r);
	assert_int_equal(r.status, 200);
	expect_absent("root stats", r.body, "已立案建议 1 件，");
	wf_http_free(&r);
	expect_status("/c/" OTHER_CODE "/excellent", 200);
	expect_status("/c/" OTHER_CODE "/unsatisfied", 200);
	expect_status("/c/" OTHER_CODE, 200);

	/* An unknown or malformed code, or a page that is not the portal's. */
	expect_status("/c/nosuch/", 404);
	expect_status("/c/nosuch/stats", 404);
	expect_status("/c/nosuch/s/1", 404);
	expect_status("/c/Main/", 404);
	expect_status("/c/-x/", 404);
	expect_status("/c/x_y/", 404);
	expect_status("/c//", 404);
	expect_status("/c/", 404);
	expect_status("/c/a%2Fb/", 404);
	expect_status("/c/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/", 404); /* 41 characters */
	expect_status("/c/" OTHER_CODE "/healthz", 404);
	expect_status("/c/" OTHER_CODE "/a/0", 404);

	/* A public reply attachment of the first congress's case (rows as a
	 * finished upload leaves them): downloaded under its congress's paths,
	 * linked under the prefix of the page, not found under another's. */
	char att[32];
	snprintf(att, sizeof att, "%lld", (long long)sql_id(
		"WITH t AS (INSERT INTO attachments (suggestion_id, attached_to, event_seq, name,"
		"  mime_type, size, sha256, public, received, uploaded_by, finished_at)"
		"  SELECT s.id, 'reply', (SELECT max(e.seq) FROM events e WHERE e.suggestion_id = s.id),"
		"  '答复函.pdf', 'application/pdf', 3, repeat('0', 64), true, 3, s.created_by, now()"
		"  FROM suggestions s WHERE s.id = $1::bigint RETURNING id),"
		" c AS (INSERT INTO attachment_chunks (attachment_id, off, data)"
		"  SELECT id, 0, 'abc'::bytea FROM t)"
		" SELECT id FROM t", first_id));
	snprintf(path, sizeof path, "/c/main/s/%s", first_id);
	wf_http_get(path, &r);
	char link[64];
	snprintf(link, sizeof link, "href=\"/c/main/a/%s\"", att);
	expect_contains("attachment link", r.body, link);
	wf_http_free(&r);
	snprintf(path, sizeof path, "/a/%s", att);
	expect_status(path, 200);
	snprintf(path, sizeof path, "/c/main/a/%s", att);
	expect_status(path, 200);
	snprintf(path, sizeof path, "/c/" OTHER_CODE "/a/%s", att);
	expect_status(path, 404);

	stats_cache_per_congress();
}

/* A visitor who leaves before the database answers must not hurt the
 * server: the late answer finds the request gone. */
static void client_leaves_early(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++) {
		int fd = wf_http_connect();
		const char *req = i % 2 ? "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n"
					: "GET /?q=%E4%B9%A1 HTTP/1.1\r\nHost: x\r\n\r\n";
		assert_true(write(fd, req, strlen(req)) > 0);
		close(fd);
	}
	struct wf_http r;
	wf_http_get("/stats", &r);
	assert_int_equal(r.status, 200);
	wf_http_free(&r);
	assert_true(server_alive(&S));
}

/* ---- readiness across a database outage ------------------------------------- */

static int status_of(const char *target)
{
	struct wf_http r;
	wf_http_get(target, &r);
	int st = r.status;
	wf_http_free(&r);
	return st;
}

static bool wait_status(const char *target, int want, int timeout_ms)
{
	uint64_t deadline = harness_now_ms() + (uint64_t)timeout_ms;
	while (harness_now_ms() < deadline) {
		if (status_of(target) == want)
			return true;
		usleep(100000);
	}
	return false;
}

static void readyz_follows_database(void **state)
{
	(void)state;
	assert_int_equal(status_of("/readyz"), 200);
	harness_pg_stop(&H);
	assert_true(wait_status("/readyz", 503, 15000));
	struct wf_http r;
	wf_http_get("/readyz", &r);
	expect_contains("readyz", r.body, "database");
	wf_http_free(&r);
	/* Health is about the process, not its database. */
	assert_int_equal(status_of("/healthz"), 200);
	/* A page that needs data says so instead of hanging. */
	assert_int_equal(status_of("/"), 503);
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_prometheus_text(r.body);
	wf_http_free(&r);
	harness_pg_start(&H);
	assert_true(wait_status("/readyz", 200, 30000));
	assert_int_equal(status_of("/"), 200);
	cx_drop(NULL);
}

/* Draining: SIGTERM while a write waits on a row lock. /readyz says
 * "draining" (503) at once so a balancer stops sending, /healthz stays 200,
 * the waiting write is still answered once the lock goes, and jianyid then
 * exits 0. Last: the fixture's server does not come back. */
static void readyz_while_draining(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于排空期间就绪探针的建议", false);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)k.id);
	PGconn *db = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	const char *p[1] = { sid };
	PQclear(PQexec(db, "BEGIN"));
	PGresult *res = PQexecParams(db, "SELECT 1 FROM suggestions WHERE id = $1::bigint FOR UPDATE",
				     1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);

	/* The write: jy_act waits for the lock, so it stays in flight. */
	struct jy_act a;
	wf_act_init(&a, A(REGISTER), k.id, k.version);
	valid_params(&a, A(REGISTER));
	Jianyi__Request req;
	wf_request(&req, &a);
	struct jy_error err;
	uint64_t id;
	struct jy_client *c = cx("liaison");
	assert_true(jy_send(c, &req, &id, &err));
	usleep(300000);

	assert_int_equal(kill(S.pid, SIGTERM), 0);
	assert_true(wait_status("/readyz", 503, 5000));
	struct wf_http r;
	wf_http_get("/readyz", &r);
	expect_contains("readyz while draining", r.body, "draining");
	wf_http_free(&r);
	assert_int_equal(status_of("/healthz"), 200);
	assert_true(server_alive(&S));

	PQclear(PQexec(db, "COMMIT"));
	PQfinish(db);
	Jianyi__Envelope *env = NULL;
	assert_true(jy_receive(c, &env, &err));
	assert_int_equal(env->id, id);
	assert_int_equal(env->response->body_case, JIANYI__RESPONSE__BODY_ACT);
	assert_string_equal(state_str(env->response->act->suggestion->state), "registered");
	jy_envelope_free(env);
	/* Nothing left in flight: it exits by itself, cleanly. */
	assert_int_equal(server_stop(&S, 0, 10000), 0);
	cx_drop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(healthz_and_headers, wf_each),
		cmocka_unit_test_setup(metrics, wf_each),
		cmocka_unit_test_setup(metrics_own_listener, wf_each),
		cmocka_unit_test_setup(portal, wf_each),
		cmocka_unit_test_setup(portal_per_congress, wf_each),
		cmocka_unit_test_setup(client_leaves_early, wf_each),
		cmocka_unit_test_setup(readyz_follows_database, wf_each),
		cmocka_unit_test_setup(readyz_while_draining, wf_each),
	};
	return cmocka_run_group_tests_name("http", tests, wf_setup, wf_teardown);
}
