/* The read-only pool (docs/OPERATIONS.md "A read-only pool on a standby"):
 * the harness's cluster is the primary; a streaming standby made with
 * pg_basebackup -R on its own Unix socket is jianyid's [database]
 * read_conninfo. Once the lag probe says it is current, the statistics, the
 * ledger and the portal are read there (the read pool's counter grows, and
 * jianyid's connections are in the standby's pg_stat_activity). Replay is
 * paused on the standby and a case written on the primary: a ledger read
 * from the standby does not have it yet; once the standby is more than
 * read_max_lag behind, the reads go to the primary and have it
 * (event=read_pool_fallback). Replay resumed, the standby serves again; then
 * it is stopped, and every read is still answered (from the primary). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "pg_node.h"
#include "wf_helpers.h"

#define MAX_LAG_S 5

static struct pg_node standby;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One sample of jianyid's /metrics (-1: absent). */
static double metric(const char *series)
{
	struct wf_http r;
	wf_http_get_port(S.metrics_port, "/metrics", &r);
	assert_int_equal(r.status, 200);
	double v = metric_sample(r.body, series);
	wf_http_free(&r);
	return v;
}

#define SERVING "jianyid_db_read_pool_serving"
#define TO_READ "jianyid_db_read_queries_total{pool=\"read\"}"
#define TO_PRIMARY "jianyid_db_read_queries_total{pool=\"primary\"}"

static void wait_serving(double want, unsigned ms)
{
	uint64_t t0 = harness_now_ms();
	double got;
	while ((got = metric(SERVING)) != want && harness_now_ms() - t0 < ms)
		sleep_ms(100);
	if (got != want)
		fail_msg("%s is %g after %u ms, not %g", SERVING, got, ms, want);
	print_message("%s = %g after %llu ms\n", SERVING, want,
		      (unsigned long long)(harness_now_ms() - t0));
}

/* A command as the superuser on socket_dir; it must succeed. */
static void exec_on(const char *socket_dir, const char *sql)
{
	PGconn *c = pg_node_connect(socket_dir, "postgres", "postgres");
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void start_standby(void)
{
	char dir[300];
	pg_node_dir(&H, "ro", dir, sizeof dir);
	pg_node_basebackup(&H, H.pg.socket_dir, dir, "standby", true, &standby);
	pg_node_start(&H, &standby);
	PGconn *p = pg_node_connect(H.pg.socket_dir, "postgres", "postgres");
	pg_wait_value(p, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1",
		      30000);
	PQfinish(p);
	print_message("standby streaming\n");
}

/* The standby has replayed everything the primary wrote so far. */
static void wait_replayed(void)
{
	char lsn[64], sql[160];
	PGconn *p = pg_node_connect(H.pg.socket_dir, "postgres", "postgres");
	pg_value(p, "SELECT pg_current_wal_lsn()", lsn, sizeof lsn);
	PQfinish(p);
	snprintf(sql, sizeof sql, "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn", lsn);
	PGconn *s = pg_node_connect(standby.socket_dir, "postgres", "postgres");
	pg_wait_value(s, sql, "t", 30000);
	PQfinish(s);
}

/* The ledger as the liaison officer: OK, and whether case id is in it. */
static bool ledger_has(int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__LedgerRequest lr = JIANYI__LEDGER_REQUEST__INIT;
	Jianyi__ListSuggestionsRequest f = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[256];
	f.page_size = 1000;
	lr.filter = &f;
	req.body_case = JIANYI__REQUEST__BODY_LEDGER;
	req.ledger = &lr;
	int code = wf_call(cx("liaison"), &req, &env, msg, sizeof msg);
	if (code != OK)
		fail_msg("ledger: %s", msg);
	bool found = false;
	for (size_t k = 0; k < env->response->ledger->n_rows; k++)
		found = found || env->response->ledger->rows[k]->id == id;
	jy_envelope_free(env);
	return found;
}

/* Statistics as the liaison officer: must be answered. */
static void stats_ok(void)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest st = JIANYI__STATS_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[256];
	st.group_by = "";
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &st;
	if (wf_call(cx("liaison"), &req, &env, msg, sizeof msg) != OK)
		fail_msg("stats: %s", msg);
	assert_true(env->response->stats->n_rows >= 1);
	jy_envelope_free(env);
}

/* A portal page (target: "/" is never cached, "/stats" for a while). */
static void portal_ok(const char *target)
{
	struct wf_http r;
	wf_http_get(target, &r);
	assert_int_equal(r.status, 200);
	wf_http_free(&r);
}

/* Reads served by the standby: the read pool's counter grows by each. */
static void reads_from_the_standby(void)
{
	double before = metric(TO_READ);
	portal_ok("/");
	stats_ok();
	assert_false(ledger_has(0));   /* a ledger read; no case has id 0 */
	double after = metric(TO_READ);
	print_message("read pool queries: %g before, %g after a portal page, stats and the ledger\n",
		      before, after);
	assert_true(after >= before + 3);
	char n[16];
	PGconn *s = pg_node_connect(standby.socket_dir, "postgres", "postgres");
	pg_value(s, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'jianyid/%'",
		 n, sizeof n);
	PQfinish(s);
	print_message("jianyid's connections on the standby: %s\n", n);
	assert_true(atoi(n) >= 1);
}

/* Replay paused: the standby keeps the old state until it is too far
 * behind; then the primary answers, with the new case. */
static void lagging_standby_is_left(int64_t *new_case)
{
	int scale = harness_time_scale();
	struct kase k;
	prepare(&k, ST_REGISTERED, "只读池：回放暂停前", false);
	wait_replayed();
	exec_on(standby.socket_dir, "SELECT pg_wal_replay_pause()");
	prepare(&k, ST_REGISTERED, "只读池：回放暂停后", false);
	*new_case = k.id;
	double read0 = metric(TO_READ), retried0 = metric("jianyid_db_read_retried_total");
	bool seen = ledger_has(k.id);
	bool from_standby = metric(TO_READ) > read0 &&
			    metric("jianyid_db_read_retried_total") == retried0;
	print_message("right after the write: from the standby %d, the new case seen %d\n",
		      (int)from_standby, (int)seen);
	assert_true(from_standby);   /* read_max_lag is not over yet */
	assert_false(seen);          /* the standby has not replayed it */

	wait_serving(0, (unsigned)(MAX_LAG_S + 10) * 1000u * (unsigned)scale);
	double primary0 = metric(TO_PRIMARY);
	assert_true(ledger_has(k.id));
	stats_ok();
	assert_true(metric(TO_PRIMARY) >= primary0 + 2);
	assert_true(harness_file_has(S.log, "event=read_pool_fallback"));
}

static void read_pool_follows_the_standby(void **state)
{
	(void)state;
	int scale = harness_time_scale();
	start_standby();
	char ini[900];
	snprintf(ini, sizeof ini,
		 "[database]\nread_conninfo = host=%s dbname=jianyi user=jianyi\n"
		 "read_pool_size = 2\nread_max_lag = %d", standby.socket_dir, MAX_LAG_S * scale);
	server_stop(&S, SIGTERM, 10000);
	server_start(&H, &S, ini);
	cx_drop(NULL);
	wait_serving(1, 15000u * (unsigned)scale);
	reads_from_the_standby();

	int64_t new_case;
	lagging_standby_is_left(&new_case);

	exec_on(standby.socket_dir, "SELECT pg_wal_replay_resume()");
	wait_serving(1, 15000u * (unsigned)scale);
	assert_true(ledger_has(new_case));   /* replayed now */

	/* The standby goes away: reads in flight and after are answered. */
	pg_node_stop(&H, &standby);
	for (int i = 0; i < 5; i++) {
		assert_true(ledger_has(new_case));
		stats_ok();
		portal_ok("/");
		portal_ok("/stats");
	}
	wait_serving(0, 15000u * (unsigned)scale);
	assert_true(ledger_has(new_case));
	assert_true(server_alive(&S));
}

static int stop_standby(void **state)
{
	(void)state;
	pg_node_stop(&H, &standby);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read_pool_follows_the_standby, wf_each, stop_standby),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
