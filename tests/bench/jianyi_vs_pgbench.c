/* The figure we steer by (issue #6): jianyi-bench's write and read mixes
 * through jianyid, then pgbench on the same SQL with the same values and
 * concurrency against the same database, and the ratios jianyid/pgbench.
 * A county is loaded first (county.c). The defaults are a short run for CI;
 * docs/BENCHMARKS.md has the long runs:
 *   JIANYI_BENCH_SUGGESTIONS  cases in all (default 3000)
 *   JIANYI_BENCH_WORKING      of which in progress (default 300)
 *   JIANYI_BENCH_SECONDS      per run and side (default 3)
 *   JIANYI_BENCH_WARMUP       uncounted seconds before each side (default 2):
 *                             pgbench's new backends compile every function
 *                             first (docs/BENCHMARKS.md "Warm-up")
 *   JIANYI_BENCH_CLIENTS, JIANYI_BENCH_IN_FLIGHT   (default 4 x 8)
 *   JIANYI_BENCH_POOLS        jianyid database pool sizes, comma-separated
 *                             (default 4, the server's default)
 *   JIANYI_BENCH_MIXES        comma-separated (default write,read; mixed too)
 *   JIANYI_BENCH_PROFILE=1    where the database's time goes: track_functions
 *                             = all, and after each run the SQL functions
 *                             with the most self time (a profile run: the
 *                             timing itself costs, so not for the figures)
 *   JIANYI_BENCH_SQL          SQL run as the cluster's superuser after loading:
 *                             to try a fix before writing a migration (e.g.
 *                             an ALTER FUNCTION), both sides then run with it
 * Fails only when a run fails (a refused request, a pgbench error, pgbench
 * writes that did not apply), never on a figure. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "bench_run.h"
#include "county.h"
#include "wf_helpers.h"

/* The cluster's superuser (initdb -U postgres, trust on the socket): only
 * it may turn on function timing. */
static PGconn *superuser(void)
{
	char conninfo[600];
	snprintf(conninfo, sizeof conninfo, "host=%s dbname=jianyi user=postgres", H.pg.socket_dir);
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect as postgres: %s", PQerrorMessage(db));
	return db;
}

static void sql(PGconn *db, const char *q)
{
	PGresult *r = PQexec(db, q);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(db));
	PQclear(r);
}

static void profile_on(void)
{
	PGconn *db = superuser();
	sql(db, "ALTER SYSTEM SET track_functions = 'all'");
	sql(db, "SELECT pg_reload_conf()");
	sql(db, "SELECT pg_stat_reset()");
	PQfinish(db);
}

/* The functions with the most self time since the last reset. Backends
 * report when they end (pgbench's) or after being idle a while (jianyid's
 * pool), so the figures cover pgbench's run fully, jianyid's mostly. */
static void profile_print(const char *what)
{
	sleep(11);   /* idle backends flush their counts within 10 s */
	PGconn *db = superuser();
	PGresult *r = PQexec(db, "SELECT funcname, calls, round(self_time::numeric, 1),"
			     " round(total_time::numeric, 1) FROM pg_stat_user_functions"
			     " ORDER BY self_time DESC LIMIT 12");
	printf("PROFILE %s: SQL functions by self time (ms): name calls self total\n", what);
	for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
		printf("PROFILE   %-28s %8s %10s %10s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	PQclear(r);
	sql(db, "SELECT pg_stat_reset()");
	PQfinish(db);
}

static void jianyi_vs_pgbench(void **state)
{
	(void)state;
	struct county c = {
		.suggestions = bench_env_int("JIANYI_BENCH_SUGGESTIONS", 3000),
		.working = bench_env_int("JIANYI_BENCH_WORKING", 300),
	};
	int seconds = bench_env_int("JIANYI_BENCH_SECONDS", 3);
	int warmup = bench_env_int("JIANYI_BENCH_WARMUP", 2);
	int clients = bench_env_int("JIANYI_BENCH_CLIENTS", 4);
	int in_flight = bench_env_int("JIANYI_BENCH_IN_FLIGHT", 8);
	const char *pools = getenv("JIANYI_BENCH_POOLS");
	if (!pools || !*pools)
		pools = "4";
	if (c.working < 2 * clients * in_flight)
		fail_msg("JIANYI_BENCH_WORKING must be at least 2 x clients x in-flight (%d): jianyid and"
			 " pgbench each drive their own cases", 2 * clients * in_flight);

	wf_fixture_up("[database]\npool_size = 4");
	county_load(&c);
	printf("county: %d suggestions (%d in progress in term %d session %d), ids %lld-%lld, %d units,"
	       " loaded in %.1f s\n", c.suggestions, c.working, COUNTY_WORK_TERM, COUNTY_WORK_SESSION,
	       (long long)c.min_id, (long long)c.max_id, c.nunits, c.seconds);
	printf("county size: %lld events, database %.1f MiB, events table with its indexes %.1f MiB"
	       " (%.0f bytes an event)\n", (long long)c.events, (double)c.database_bytes / 1048576.0,
	       (double)c.events_bytes / 1048576.0,
	       c.events ? (double)c.events_bytes / (double)c.events : 0.0);

	char cl[32], inf[32], dur[32], warm[32], pg[400], pool_list[128];
	snprintf(cl, sizeof cl, "--clients=%d", clients);
	snprintf(inf, sizeof inf, "--in-flight=%d", in_flight);
	snprintf(dur, sizeof dur, "--duration=%d", seconds);
	snprintf(warm, sizeof warm, "--warmup=%d", warmup);
	snprintf(pg, sizeof pg, "--pgbench=%s", H.pg.conninfo);
	snprintf(pool_list, sizeof pool_list, "%s", pools);
	const char *try_sql = getenv("JIANYI_BENCH_SQL");
	if (try_sql && *try_sql) {
		PGconn *db = superuser();
		printf("JIANYI_BENCH_SQL: %s\n", try_sql);
		sql(db, try_sql);
		PQfinish(db);
	}
	bool profile = bench_env_int("JIANYI_BENCH_PROFILE", 0) != 0;
	if (profile)
		profile_on();
	int failures = 0;
	char *save = NULL;
	for (char *p = strtok_r(pool_list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int pool = atoi(p);
		if (pool < 1 || pool > 256)
			fail_msg("JIANYI_BENCH_POOLS: '%s' is not a pool size (1 to 256)", p);
		server_stop(&S, SIGTERM, 10000);
		char ini[64];
		snprintf(ini, sizeof ini, "[database]\npool_size = %d", pool);
		server_start(&H, &S, ini);
		printf("\n==== jianyid database pool_size = %d ====\n", pool);
		const char *mixes_env = getenv("JIANYI_BENCH_MIXES");
		char mixes[64], *msave = NULL;
		snprintf(mixes, sizeof mixes, "%s", mixes_env && *mixes_env ? mixes_env : "write,read");
		for (char *m = strtok_r(mixes, ",", &msave); m; m = strtok_r(NULL, ",", &msave)) {
			char mix[32];
			snprintf(mix, sizeof mix, "--mix=%s", m);
			/* pgbench's scripts and logs go with the fixture's files:
			 * removed with them, kept with JIANYI_KEEP_TMP=1. */
			char pgdir[400];
			snprintf(pgdir, sizeof pgdir, "%s/pgbench-%d-%s", H.dir, pool, m);
			if (mkdir(pgdir, 0755) != 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", pgdir, strerror(errno));
			char pgdir_flag[420];
			snprintf(pgdir_flag, sizeof pgdir_flag, "--pgbench-dir=%s", pgdir);
			/* --settle: VACUUM ANALYZE before each side, so that
			 * autovacuum running between them cannot hand the later
			 * side other plans (docs/BENCHMARKS.md). */
			const char *extra[] = { cl, inf, dur, warm, mix, pg, pgdir_flag, "--settle", NULL };
			int rc = bench_run(&c, extra, NULL);
			if (rc != 0) {
				printf("jianyi-bench exited with %d\n", rc);
				failures++;
			}
			if (profile)
				profile_print(m);
		}
	}
	fflush(stdout);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(jianyi_vs_pgbench) };
	return cmocka_run_group_tests_name("jianyi_vs_pgbench", tests, NULL, wf_teardown);
}
