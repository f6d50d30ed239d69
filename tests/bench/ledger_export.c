/* Time of "jianyi export" of a large ledger (台账): 10,000 suggestions in
 * progress, inserted directly with SQL as the database owner (consistent
 * rows: numbers, units, signers, the events their version counts), then
 * exported as the liaison committee to XLSX (and CSV, for comparison)
 * through a real jianyid. Prints seconds, rows and file sizes; fails only
 * when the export does. The fixture is the workflow tests' (wf_helpers.c). */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <json-c/json.h>

#include "wf_helpers.h"

#define N_CASES 10000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The cluster's superuser (initdb -U postgres, trust on the socket): only it
 * may turn on function timing; the same database as jianyid's. */
static PGconn *connect_db(void)
{
	char conninfo[600];
	snprintf(conninfo, sizeof conninfo, "host=%s dbname=jianyi user=postgres", H.pg.socket_dir);
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	return db;
}

/* JIANYI_BENCH_PROFILE=1: the SQL functions by self time over the pages of
 * sql_pages (their backend has ended, so its counts are flushed). */
static void profile_print(void)
{
	PGconn *db = connect_db();
	PGresult *r = PQexec(db, "SELECT funcname, calls, round(self_time::numeric, 1),"
			     " round(total_time::numeric, 1) FROM pg_stat_user_functions"
			     " ORDER BY self_time DESC LIMIT 15");
	printf("PROFILE SQL functions by self time (ms): name calls self total\n");
	for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
		printf("PROFILE   %-28s %8s %10s %10s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	PQclear(r);
	PQfinish(db);
}

/* The database's share: every page of jy_ledger for the liaison, called
 * directly; returns seconds. */
static double sql_pages(long *rows, bool profile)
{
	PGconn *db = connect_db();
	if (profile)
		PQclear(PQexec(db, "SET track_functions = 'all'"));
	char viewer[24], after[24] = "0";
	snprintf(viewer, sizeof viewer, "%lld",
		 (long long)sql_id("SELECT id FROM accounts WHERE login = $1", "liaison"));
	*rows = 0;
	double t0 = now_s();
	for (;;) {
		const char *p[2] = { viewer, after };
		PGresult *r = PQexecParams(db, "SELECT jy_ledger($1::bigint, '{}', 1000, $2::bigint)::text",
					   2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s", PQerrorMessage(db));
		json_object *doc = json_tokener_parse(PQgetvalue(r, 0, 0)), *v;
		PQclear(r);
		assert_non_null(doc);
		if (json_object_object_get_ex(doc, "rows", &v))
			*rows += (long)json_object_array_length(v);
		int64_t next = json_object_object_get_ex(doc, "next_after_id", &v) ? json_object_get_int64(v) : 0;
		json_object_put(doc);
		if (next == 0)
			break;
		snprintf(after, sizeof after, "%lld", (long long)next);
	}
	double t = now_s() - t0;
	PQfinish(db);
	if (profile) {
		usleep(200000);   /* the ended backend writes its counts */
		profile_print();
	}
	return t;
}

/* Exports as the liaison committee; returns seconds; *rows from the CLI's
 * line "exported N suggestions to FILE". */
static double export(const char *format, const char *out, long *rows, long long *bytes)
{
	char cmd[2048], line[512] = "";
	snprintf(cmd, sizeof cmd,
		 "JIANYI_SERVER=127.0.0.1:%d JIANYI_CA=%s/ca.crt JIANYI_CERT=%s/liaison.crt "
		 "JIANYI_KEY=%s/liaison.key XDG_CONFIG_HOME=/nonexistent %s export --format %s "
		 "--output '%s' --force </dev/null",
		 S.port, H.pki, H.pki, H.pki, getenv("JIANYI_CLI"), format, out);
	double t0 = now_s();
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(line, sizeof line, p))
		line[0] = '\0';
	int st = pclose(p);
	double t = now_s() - t0;
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(sscanf(line, "exported %ld", rows), 1);
	struct stat sb;
	assert_int_equal(stat(out, &sb), 0);
	*bytes = (long long)sb.st_size;
	return t;
}

static void ledger_export(void **state)
{
	(void)state;
	double t0 = now_s();
	wf_bulk_cases(N_CASES, 18, 3);
	printf("ledger_export: inserted %d suggestions with SQL in %.2f s\n", N_CASES, now_s() - t0);
	char out[400];
	long rows;
	const char *profile = getenv("JIANYI_BENCH_PROFILE");
	double ts = sql_pages(&rows, profile && strcmp(profile, "0") != 0);
	assert_int_equal(rows, N_CASES);
	printf("ledger_export: jy_ledger alone, %ld rows in pages of 1000: %.2f s\n", rows, ts);
	long long bytes;
	snprintf(out, sizeof out, "%s/ledger.xlsx", H.dir);
	double t = export("xlsx", out, &rows, &bytes);
	assert_int_equal(rows, N_CASES);
	printf("ledger_export: xlsx %ld rows in %.2f s, %lld bytes (%.1f KiB)\n", rows, t, bytes,
	       (double)bytes / 1024.0);
	snprintf(out, sizeof out, "%s/ledger.csv", H.dir);
	t = export("csv", out, &rows, &bytes);
	assert_int_equal(rows, N_CASES);
	printf("ledger_export: csv  %ld rows in %.2f s, %lld bytes (%.1f KiB)\n", rows, t, bytes,
	       (double)bytes / 1024.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ledger_export),
	};
	return cmocka_run_group_tests_name("ledger_export", tests, wf_setup, wf_teardown);
}
