/* Observability and live reload (issue #15): the metrics an operator
 * watches (build, process, feed, notifier, periodic job, the database
 * wait histogram), the instance id in every log line and in
 * pg_stat_activity's application_name, a line per protocol request and per
 * HTTP request, the access log in its own file, and SIGHUP applying what
 * can change live, naming what needs a restart, and keeping the running
 * configuration when the new file is broken. Real PostgreSQL, real jianyid
 * over real TLS. */
#include <ctype.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

#define INSTANCE "obs-test.1"

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_teardown(&H, &S);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	struct stat st;
	fstat(fileno(f), &st);
	char *buf = calloc(1, (size_t)st.st_size + 1);
	size_t n = fread(buf, 1, (size_t)st.st_size, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* The part of the file from offset on. */
static char *slurp_from(const char *path, long offset)
{
	char *all = slurp(path);
	long len = (long)strlen(all);
	char *tail = strdup(all + (offset < len ? offset : len));
	free(all);
	return tail;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Waits until path holds needle at least n times. */
static bool wait_in_file(const char *path, const char *needle, int n, int timeout_ms)
{
	uint64_t end = harness_now_ms() + (uint64_t)timeout_ms;
	do {
		char *text = slurp(path);
		int got = count(text, needle);
		free(text);
		if (got >= n)
			return true;
		usleep(50000);
	} while (harness_now_ms() < end);
	return false;
}

/* The line of text holding all of the needles (NULL-terminated), copied into
 * out; false when there is none. */
static bool find_line(const char *text, char *out, size_t len, ...)
{
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[2048];
		snprintf(line, sizeof line, "%.*s", (int)n, l);
		va_list ap;
		va_start(ap, len);
		bool all = true;
		for (const char *w; (w = va_arg(ap, const char *));)
			if (!strstr(line, w))
				all = false;
		va_end(ap);
		if (all) {
			snprintf(out, len, "%s", line);
			return true;
		}
		l += n + (nl ? 1 : 0);
	}
	return false;
}

static char *scrape(void)
{
	struct wf_http r;
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	wf_http_free(&r);
	return body;
}

/* Scrapes until series is present (values that come from the database on
 * a timer, or from the periodic job's first run); its value. */
static double wait_sample(const char *series, int timeout_ms)
{
	uint64_t end = harness_now_ms() + (uint64_t)timeout_ms;
	double v;
	do {
		char *m = scrape();
		v = metric_sample(m, series);
		free(m);
		if (v >= 0)
			return v;
		usleep(100000);
	} while (harness_now_ms() < end);
	fail_msg("metric %s never appeared", series);
	return -1;
}

/* Every metric family carries HELP and TYPE, counters end in _total. */
static void assert_conventions(const char *text)
{
	char *copy = strdup(text), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[128], type[32];
		if (sscanf(l, "# TYPE %127s %31s", name, type) != 2)
			continue;
		char help[160];
		snprintf(help, sizeof help, "# HELP %s ", name);
		if (!strstr(text, help))
			fail_msg("%s has no HELP line", name);
		size_t n = strlen(name);
		if (!strcmp(type, "counter") && (n < 6 || strcmp(name + n - 6, "_total") != 0))
			fail_msg("counter %s does not end in _total", name);
	}
	free(copy);
}

/* A live Sync from the beginning: the session becomes a subscriber. */
static void subscribe(struct jy_client *c)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
	s.cursor = (char *)"";
	s.live = true;
	req.body_case = JIANYI__REQUEST__BODY_SYNC;
	req.sync = &s;
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	assert_true(jy_call(c, &req, &resp, &err));
	assert_true(resp->response->sync->caught_up);
	jy_envelope_free(resp);
}

/* Backends whose application_name is name. */
static int backends_named(const char *name)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	const char *v[1] = { name };
	PGresult *r = PQexecParams(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
				   1, NULL, v, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	int n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(db);
	return n;
}

static void ini_path(char *buf, size_t len)
{
	/* harness.c writes server-N.ini beside server-N.log. */
	snprintf(buf, len, "%.*s.ini", (int)(strlen(S.log) - 4), S.log);
}

static void ini_append(const char *text)
{
	char path[400];
	ini_path(path, sizeof path);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sighup_and_wait(const char *needle, int nth)
{
	assert_int_equal(kill(S.pid, SIGHUP), 0);
	if (!wait_in_file(S.log, needle, nth, 5000))
		fail_msg("no %s (#%d) after SIGHUP", needle, nth);
}

/* ---- 1. metrics ---------------------------------------------------------------- */

static void metrics_an_operator_watches(void **state)
{
	(void)state;
	server_start(&H, &S, "[log]\ninstance = " INSTANCE);
	struct jy_client *a = client_connect(&H, &S, "alice");
	struct jy_client *b = client_connect(&H, &S, "alice");
	char *m = scrape();
	double waits_before = metric_sample(m, "jianyid_db_wait_seconds_count{pool=\"main\"}");
	free(m);
	assert_true(waits_before >= 1); /* the Hellos' account lookups */
	subscribe(a);
	subscribe(b);
	client_call_ping(a, NULL, 0);

	m = scrape();
	assert_conventions(m);
	char line[512];
	if (!find_line(m, line, sizeof line, "jianyid_build_info{version=\"", "} 1", (char *)NULL))
		fail_msg("no build info in:\n%.3000s", m);
	assert_true(metric_sample(m, "process_resident_memory_bytes") > 1024 * 1024);
	assert_true(metric_sample(m, "process_open_fds") > 3);
	assert_true(metric_sample(m, "process_cpu_seconds_total") >= 0);
	double started = metric_sample(m, "process_start_time_seconds");
	assert_true(started > (double)time(NULL) - 600 && started <= (double)time(NULL) + 1);
	/* The two live subscribers this test opened, and no other. */
	assert_int_equal((int)metric_sample(m, "jianyid_feed_subscribers"), 2);
	/* The Syncs waited for a connection, and were counted. */
	assert_true(metric_sample(m, "jianyid_db_wait_seconds_count{pool=\"main\"}") >= waits_before + 2);
	assert_true(metric_sample(m, "jianyid_db_wait_seconds_bucket{pool=\"main\",le=\"+Inf\"}") >=
		    waits_before + 2);
	assert_true(metric_sample(m, "jianyid_db_wait_seconds_sum{pool=\"main\"}") >= 0);
	assert_true(metric_sample(m, "jianyid_request_duration_seconds_count{kind=\"ping\"}") == 1);
	assert_true(metric_sample(m, "jianyid_notifier_failures_total") == 0);
	assert_true(metric_sample(m, "jianyid_jobs_failures_total") == 0);
	free(m);

	/* From the database, on a timer: an empty feed, nothing to deliver. */
	assert_true(wait_sample("jianyid_feed_database_sequence", 8000) >= 0);
	assert_true(wait_sample("jianyid_notifier_backlog", 8000) == 0);
	assert_true(wait_sample("jianyid_feed_lag_events", 8000) == 0);
	double job = wait_sample("jianyid_jobs_last_success_timestamp_seconds", 8000);
	assert_true(job > (double)time(NULL) - 60 && job <= (double)time(NULL) + 1);

	jy_close(b);
	/* The subscriber count follows the sessions. */
	uint64_t end = harness_now_ms() + 5000;
	double subs;
	do {
		m = scrape();
		subs = metric_sample(m, "jianyid_feed_subscribers");
		free(m);
	} while (subs != 1 && harness_now_ms() < end && usleep(50000) == 0);
	assert_int_equal((int)subs, 1);
	jy_close(a);
}

/* ---- 2. the instance id ------------------------------------------------------- */

static void instance_in_logs_and_pg_stat_activity(void **state)
{
	(void)state;
	/* The server of the test before, still running. */
	char *log = slurp(S.log);
	char line[2048];
	assert_true(find_line(log, line, sizeof line, "event=listening", (char *)NULL));
	if (!strstr(line, " instance=" INSTANCE " "))
		fail_msg("no instance in: %s", line);
	/* Every log line of this server. */
	int lines = 0;
	for (const char *l = log; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		if (strncmp(l, "ts=", 3) != 0)
			continue;
		size_t n = strcspn(l, "\n");
		char *one = strndup(l, n);
		if (!strstr(one, " instance=" INSTANCE " "))
			fail_msg("a line without the instance: %s", one);
		free(one);
		lines++;
	}
	assert_true(lines >= 3);
	free(log);

	/* The pool (2), the portal's pool (1) and the feed's LISTEN connection. */
	uint64_t end = harness_now_ms() + 10000;
	int n;
	while ((n = backends_named("jianyid/" INSTANCE)) < 4 && harness_now_ms() < end)
		usleep(100000);
	assert_int_equal(n, 4);
}

/* ---- 3. request lines ------------------------------------------------------------ */

static void request_and_access_lines(void **state)
{
	(void)state;
	long from = file_size(S.log);
	struct jy_client *c = client_connect(&H, &S, "alice");
	client_call_ping(c, NULL, 0);
	/* WhoAmI gets its line at info level (a ping's is at debug: a
	 * keep-alive line each would bury the requests). */
	client_call_whoami(c);
	jy_close(c);
	struct wf_http r;
	wf_http_get_port(S.http_port, "/healthz", &r);
	wf_http_free(&r);
	/* A query string is never logged (it might carry something private). */
	wf_http_get_port(S.http_port, "/no-such-page?token=s3cret", &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);

	char *log = slurp_from(S.log, from);
	char line[2048];
	if (find_line(log, line, sizeof line, "event=request ", "kind=ping", (char *)NULL))
		fail_msg("a ping has a request line at info level:\n%s", line);
	if (!find_line(log, line, sizeof line, "event=request ", "kind=whoami", (char *)NULL))
		fail_msg("no request line for the WhoAmI in:\n%s", log);
	assert_non_null(strstr(line, "level=info"));
	assert_non_null(strstr(line, " code=ok"));
	assert_non_null(strstr(line, " account=alice"));
	assert_non_null(strstr(line, " peer=127.0.0.1"));
	assert_non_null(strstr(line, " ms="));
	if (!find_line(log, line, sizeof line, "event=http_access", "path=/healthz", (char *)NULL))
		fail_msg("no access line for /healthz in:\n%s", log);
	assert_non_null(strstr(line, " method=GET"));
	assert_non_null(strstr(line, " status=200"));
	assert_non_null(strstr(line, " bytes=3"));
	assert_non_null(strstr(line, " peer=127.0.0.1"));
	assert_true(find_line(log, line, sizeof line, "event=http_access", "path=/no-such-page ",
			      "status=404", (char *)NULL));
	assert_null(strstr(log, "s3cret"));
	free(log);
	server_stop(&S, SIGTERM, 10000);
	S.pid = 0;
}

static void access_log_in_its_own_file(void **state)
{
	(void)state;
	char extra[600], path[400];
	snprintf(path, sizeof path, "%s/access.log", H.dir);
	snprintf(extra, sizeof extra, "[log]\naccess_log = %s", path);
	server_start(&H, &S, extra);
	struct wf_http r;
	wf_http_get_port(S.http_port, "/healthz", &r);
	wf_http_free(&r);
	assert_true(wait_in_file(path, "event=http_access", 1, 2000));
	char *access = slurp(path), *log = slurp(S.log);
	char line[2048];
	assert_true(find_line(access, line, sizeof line, "path=/healthz", "status=200", (char *)NULL));
	assert_non_null(strstr(line, " instance="));
	assert_null(strstr(log, "event=http_access"));
	free(access);
	free(log);

	/* SIGHUP reopens it (after logrotate moved it away). */
	char moved[420];
	snprintf(moved, sizeof moved, "%s.1", path);
	assert_int_equal(rename(path, moved), 0);
	sighup_and_wait("event=config_reloaded", 1);
	wf_http_get_port(S.http_port, "/readyz", &r);
	wf_http_free(&r);
	assert_true(wait_in_file(path, "path=/readyz", 1, 2000));
	server_stop(&S, SIGTERM, 10000);
	S.pid = 0;
}

/* ---- 4. SIGHUP -------------------------------------------------------------------- */

static unsigned welcome_max_in_flight(void)
{
	struct jy_client *c = client_connect(&H, &S, "alice");
	unsigned n = jy_welcome(c)->limits->max_in_flight;
	jy_close(c);
	return n;
}

static void sighup_reloads(void **state)
{
	(void)state;
	server_start(&H, &S, NULL);
	/* No instance configured: hostname:pid. */
	char *log = slurp(S.log), want[64], line[2048];
	snprintf(want, sizeof want, ":%d event=listening", (int)S.pid);
	assert_true(find_line(log, line, sizeof line, " instance=", want, (char *)NULL));
	free(log);
	assert_int_equal(welcome_max_in_flight(), 64);

	/* A log level and a limit: applied, each logged. */
	ini_append("[log]\nlevel = warn\n[server]\nmax_in_flight = 7\n");
	sighup_and_wait("event=config_reloaded", 1);
	log = slurp(S.log);
	assert_true(find_line(log, line, sizeof line, "event=config_applied", "setting=log.level",
			      "value=warn", (char *)NULL));
	assert_true(find_line(log, line, sizeof line, "event=config_applied",
			      "setting=server.max_in_flight", "value=7", (char *)NULL));
	free(log);
	assert_int_equal(welcome_max_in_flight(), 7);
	/* At warn, a request writes no line. */
	long from = file_size(S.log);
	struct jy_client *c = client_connect(&H, &S, "alice");
	client_call_ping(c, NULL, 0);
	jy_close(c);
	log = slurp_from(S.log, from);
	assert_null(strstr(log, "event=request "));
	free(log);

	/* The listen address: named as needing a restart, still served. */
	ini_append("[server]\nlisten = 127.0.0.1:1\n");
	sighup_and_wait("event=config_not_applied", 1);
	log = slurp(S.log);
	if (!find_line(log, line, sizeof line, "event=config_not_applied", "setting=server.listen",
		       "needs a restart", (char *)NULL))
		fail_msg("no restart note in:\n%s", log);
	free(log);
	assert_int_equal(welcome_max_in_flight(), 7);

	/* A broken file changes nothing, and says why. */
	ini_append("[server]\nmax_in_flight = lots\n[log]\nlevel = debug\n");
	sighup_and_wait("event=config_reload_failed", 1);
	log = slurp(S.log);
	assert_true(find_line(log, line, sizeof line, "event=config_reload_failed",
			      "server.max_in_flight", "lots", (char *)NULL));
	free(log);
	assert_int_equal(welcome_max_in_flight(), 7);
	from = file_size(S.log);
	c = client_connect(&H, &S, "alice");
	client_call_ping(c, NULL, 0);
	jy_close(c);
	log = slurp_from(S.log, from);
	assert_null(strstr(log, "level=debug"));
	assert_null(strstr(log, "event=request "));
	free(log);
	assert_true(server_alive(&S));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_an_operator_watches),
		cmocka_unit_test(instance_in_logs_and_pg_stat_activity),
		cmocka_unit_test(request_and_access_lines),
		cmocka_unit_test(access_log_in_its_own_file),
		cmocka_unit_test(sighup_reloads),
	};
	return cmocka_run_group_tests_name("observability", tests, setup, teardown);
}
