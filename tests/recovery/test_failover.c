/* Failover (docs/OPERATIONS.md "Failover"): the harness's cluster is the
 * primary; a streaming standby made with pg_basebackup -R on its own Unix
 * socket is made synchronous (synchronous_standby_names, synchronous_commit
 * on). jianyid gets both hosts in one conninfo with
 * target_session_attrs=read-write. The fault suite's write load
 * (write_load.h) runs; the primary is killed with SIGKILL in the middle and
 * the standby promoted (pg_ctl promote). jianyid, never restarted, finds the
 * new primary by itself; the clients retry with their idempotency keys. At
 * the end every acknowledged write is on the new primary exactly once:
 * 0 lost, 0 twice.
 * Before that, a connection that finds itself on a read-only server is not
 * kept: the database is made read-only for new sessions
 * (default_transaction_read_only) and jianyid's connections are ended; the
 * write that meets SQLSTATE 25006 is answered unavailable (retryable), and
 * once the database accepts writes again the same write, sent again with
 * its key, succeeds without a restart of jianyid. */
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
#include "write_load.h"

#define NCASES 6
#define NWORKERS 3

static struct pg_node standby;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The standby, streaming, and then synchronous. Set on the primary after
 * the base backup, so that the standby, once promoted, does not itself
 * wait for a synchronous standby it does not have. */
static void start_sync_standby(void)
{
	char dir[300], value[64];
	pg_node_dir(&H, "ha", dir, sizeof dir);
	pg_node_basebackup(&H, H.pg.socket_dir, dir, "standby", true, &standby);
	pg_node_start(&H, &standby);
	PGconn *p = pg_node_connect(H.pg.socket_dir, "postgres", "postgres");
	PGresult *r = PQexec(p, "ALTER SYSTEM SET synchronous_standby_names = '*'");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	pg_value(p, "SELECT pg_reload_conf()", value, sizeof value);
	pg_wait_value(p, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication", "sync", 30000);
	pg_value(p, "SHOW synchronous_commit", value, sizeof value);
	assert_string_equal(value, "on");
	PQfinish(p);
	PGconn *s = pg_node_connect(standby.socket_dir, "postgres", "postgres");
	pg_value(s, "SELECT pg_is_in_recovery()", value, sizeof value);
	assert_string_equal(value, "t");
	PQfinish(s);
	print_message("standby streaming, synchronous\n");
}

/* A command as the superuser on the primary; it must succeed. */
static void primary_exec(const char *sql)
{
	PGconn *p = pg_node_connect(H.pg.socket_dir, "postgres", "postgres");
	PGresult *r = PQexec(p, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(p));
	PQclear(r);
	PQfinish(p);
}

static bool log_has(const char *path, const char *what)
{
	char line[2048];
	bool found = false;
	FILE *f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof line, f))
		found = strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void read_only_connection_not_kept(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "只读连接测试", false);
	primary_exec("ALTER DATABASE jianyi SET default_transaction_read_only = on");
	primary_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'jianyi'");
	cx_drop(NULL);
	sleep_ms(1500);   /* the pool is back, on read-only sessions */

	struct jy_act a;
	char date[16];
	wf_date(date, sizeof date, 0);
	wf_act_init(&a, A(CONTACT), k.id, k.version);
	a.contact.phase = "before";
	a.contact.method = "phone";
	a.contact.date = date;
	char note[] = "只读连接测试：走访";
	a.contact.note = note;
	struct wf_res r;
	int first = wf_do(cx("a-clerk"), &a, &r);
	print_message("a write on a read-only session: %s: %s\n", jy_status_str(first), r.message);
	wf_res_free(&r);
	assert_int_equal(first, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE);
	assert_true(log_has(S.log, "read-only"));

	primary_exec("ALTER DATABASE jianyi RESET default_transaction_read_only");
	uint64_t t0 = harness_now_ms();
	int code;
	do {
		sleep_ms(200);
		code = wf_do(cx("a-clerk"), &a, &r);   /* the same key */
		if (code == OK)
			assert_int_equal(r.sug->version, k.version + 1);
		wf_res_free(&r);
	} while (code != OK && harness_now_ms() - t0 < 15000);
	print_message("the same write accepted %llu ms after the database accepts writes again\n",
		      (unsigned long long)(harness_now_ms() - t0));
	assert_int_equal(code, OK);
	assert_true(server_alive(&S));
}

/* Writable again, every connection made anew (the pool's other one may
 * still be on a read-only session), also after a failure. */
static int writable_again(void **state)
{
	(void)state;
	primary_exec("ALTER DATABASE jianyi RESET default_transaction_read_only");
	primary_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'jianyi'");
	cx_drop(NULL);
	sleep_ms(1500);
	return 0;
}

static void primary_dies_standby_takes_over(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	wl_prepare_cases(NCASES);
	start_sync_standby();

	/* jianyid with both hosts, restarted once, never again. */
	char ini[900];
	snprintf(ini, sizeof ini,
		 "[database]\nconninfo = host=%s,%s dbname=jianyi user=jianyi "
		 "target_session_attrs=read-write connect_timeout=5",
		 H.pg.socket_dir, standby.socket_dir);
	server_stop(&S, SIGTERM, 10000);
	server_start(&H, &S, ini);
	wl_set_port(S.port);

	const char *who[NWORKERS] = { "a-clerk", "a-clerk", "cmte" };
	wl_start(NWORKERS, who, -1);
	sleep_ms(2500);
	int at_kill = wl_started();
	print_message("primary killed after %d writes started\n", at_kill);
	pg_kill_cluster(H.pg.pgdata);
	H.pg_running = false;
	sleep_ms(500);
	uint64_t t0 = harness_now_ms();
	pg_node_promote(&H, &standby);
	print_message("standby promoted in %llu ms\n", (unsigned long long)(harness_now_ms() - t0));
	uint64_t back_ms = wl_wait_serving("the promotion", 30000u * (uint64_t)harness_time_scale());

	sleep_ms(2500);
	int at_end = wl_started();
	wl_stop();
	assert_true(server_alive(&S));

	PGconn *db = pg_node_connect(standby.socket_dir, "jianyi", "postgres");
	char value[16];
	pg_value(db, "SELECT pg_is_in_recovery()", value, sizeof value);
	assert_string_equal(value, "f");
	struct wl_tally t;
	wl_tally(db, &t);
	PQfinish(db);
	struct wl_counts c;
	wl_counts(&c);
	print_message("failover: %d writes acknowledged, %d applied once, %d twice, %d lost; "
		      "serving again %llu ms after the promotion; %d writes started after the kill\n",
		      t.acked, t.once, t.twice, t.lost, (unsigned long long)back_ms,
		      at_end - at_kill);
	assert_true(t.acked >= 30);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.twice, 0);
	assert_int_equal(t.once, t.acked);
	assert_int_equal(t.row_mismatch, 0);
	assert_int_equal(t.consistent, t.ncases);
	assert_true(at_end > at_kill);
	assert_true(c.unavailable + c.reconnects > 0);
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
		cmocka_unit_test_setup_teardown(read_only_connection_not_kept, wf_each, writable_again),
		cmocka_unit_test_setup_teardown(primary_dies_standby_takes_over, wf_each, stop_standby),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
