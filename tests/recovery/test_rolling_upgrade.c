/* The rolling upgrade (docs/OPERATIONS.md "Rolling upgrade and rollback"):
 * the previous release's jianyid (the commit deploy/previous-release names,
 * built from this clone's history by build_previous.sh) and this tree's on
 * one database, under the fault suite's write load (write_load.h):
 *   1. the old one migrates the empty database to its schema and serves;
 *   2. the new one starts while the old one serves under load: it migrates
 *      (re-applies the function files that changed);
 *   3. both serve side by side, clients on each;
 *   4. the old one is drained (SIGTERM); its clients move to the new one,
 *      where the load goes on.
 * Then every acknowledged write is in the database exactly once, the new
 * one reads every case the old one wrote, the old one logged no error, and
 * every function signature and column the old release had is still there
 * (the new release expanded, it did not contract).
 * The rollback of a release without a versioned schema file: the new one
 * stopped, the old one started again on the database the new one migrated
 * re-applies its own function files and serves; the new one started after
 * it puts its own back.
 * Skipped (77) when the previous release cannot be built here (no git, a
 * shallow clone, a failed build: build_previous.sh says which). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "pg_node.h"
#include "write_load.h"

#define NCASES 6
#define NWORKERS 5
#define NSECOND 2   /* the last NSECOND workers use the new jianyid from its start */

static char old_jianyid[600];
static char new_jianyid[600];

/* What the database offered each release right after it migrated: function
 * signatures and columns ("surface"), function files and their checksums. */
static char *old_surface, *old_repeatables, *new_repeatables;
/* The schema versions the previous release made and this one migrated to. */
static int64_t old_version, new_version;

/* Function signatures with their results and the columns of tables and
 * views: what SQL written for this schema may call or name. */
static const char *const surface_sql =
	"SELECT 'function ' || p.oid::regprocedure::text || ' returns ' || "
	"pg_get_function_result(p.oid) FROM pg_proc p "
	"WHERE p.pronamespace = 'public'::regnamespace "
	"UNION ALL SELECT 'column ' || c.relname || '.' || a.attname || ' ' || "
	"format_type(a.atttypid, a.atttypmod) FROM pg_class c "
	"JOIN pg_attribute a ON a.attrelid = c.oid "
	"WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'p') "
	"AND a.attnum > 0 AND NOT a.attisdropped";
static const char *const repeatables_sql =
	"SELECT name || ' ' || checksum FROM schema_repeatables";

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static PGconn *db_connect(void)
{
	return pg_node_connect(H.pg.socket_dir, "jianyi", "postgres");
}

/* The rows of sql (one text column), one a line. */
static char *db_lines(const char *sql)
{
	char *q = NULL;
	size_t qlen = strlen(sql) + 80;
	q = malloc(qlen);
	assert_non_null(q);
	snprintf(q, qlen, "SELECT coalesce(string_agg(x, E'\\n' ORDER BY x), '') FROM (%s) s(x)", sql);
	PGconn *db = db_connect();
	PGresult *r = PQexec(db, q);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(db));
	char *lines = strdup(PQgetvalue(r, 0, 0));
	assert_non_null(lines);
	PQclear(r);
	PQfinish(db);
	free(q);
	return lines;
}

/* The lines of before that sql no longer returns; fails the test when there
 * are any, naming them. */
static void assert_still_there(const char *before, const char *sql, const char *what)
{
	size_t qlen = strlen(sql) + 200;
	char *q = malloc(qlen);
	assert_non_null(q);
	snprintf(q, qlen, "SELECT count(*), coalesce(string_agg(b, '; '), '') "
		 "FROM unnest(string_to_array($1, E'\\n')) b WHERE b NOT IN (%s)", sql);
	PGconn *db = db_connect();
	const char *p[1] = { before };
	PGresult *r = PQexecParams(db, q, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(db));
	int missing = atoi(PQgetvalue(r, 0, 0));
	if (missing)
		fail_msg("%d of %s are gone: %s", missing, what, PQgetvalue(r, 0, 1));
	PQclear(r);
	PQfinish(db);
	free(q);
}

/* The jianyid the harness starts next (server_start, harness_admin). */
static void use_jianyid(const char *path)
{
	assert_int_equal(setenv("JIANYID", path, 1), 0);
}

/* Acknowledged so far to the workers [from, to). */
static int acked_by(int from, int to)
{
	int n = 0;
	for (int i = from; i < to; i++)
		n += wl_acked(i);
	return n;
}

/* An instance's log holds no error and no failed SQL: a "busy" race
 * (event=sql_race, a retryable answer) is the load's normal conflict. */
static void assert_log_clean(const char *log, const char *who)
{
	int errors = harness_file_lines(log, "level=error", NULL);
	int sql = harness_file_lines(log, "sqlstate=", NULL) -
		  harness_file_lines(log, "sqlstate=", "event=sql_race");
	print_message("%s: %d errors, %d failed SQL statements in its log\n", who, errors, sql);
	assert_int_equal(errors, 0);
	assert_int_equal(sql, 0);
}

/* Every case of the load, read through c, in the state the database holds
 * and at its version (settled: the load has stopped; else at most it). */
static void assert_reads_cases(struct jy_client *c, bool settled, const char *who)
{
	for (int i = 0; i < NCASES; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)wl_case_id(i));
		Jianyi__Envelope *env = wf_get_ok(c, wl_case_id(i));
		const Jianyi__Suggestion *s = env->response->get_suggestion->suggestion;
		int64_t version = sql_id("SELECT version FROM suggestions WHERE id = $1::bigint", id);
		if (settled)
			assert_int_equal(s->version, version);
		else
			assert_true(s->version > 0 && s->version <= version);
		/* contacts and supervision notes leave the state as it was */
		assert_string_equal(state_str(s->state), "in_progress");
		jy_envelope_free(env);
	}
	print_message("%s reads the %d cases at their versions\n", who, NCASES);
}

static void rolling_upgrade_under_load(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	wl_prepare_cases(NCASES);   /* through the old one (S) */
	old_surface = db_lines(surface_sql);
	old_version = sql_id("SELECT max(version) FROM schema_migrations", NULL);
	old_repeatables = db_lines(repeatables_sql);

	/* 1. the old one alone under load */
	const char *who[NWORKERS] = { "a-clerk", "a-clerk", "cmte", "a-clerk", "cmte" };
	wl_set_port(S.port);
	wl_set_second_port(0);
	for (int i = NWORKERS - NSECOND; i < NWORKERS; i++)
		wl_use_second_port(i);
	use_jianyid(new_jianyid);   /* the next server_start; not with the workers running */
	wl_start(NWORKERS, who, -1);
	sleep_ms(2000);
	assert_true(acked_by(0, NWORKERS - NSECOND) > 0);

	/* 2. the new one starts on the same database while the old one serves */
	struct server_proc n;
	uint64_t t0 = harness_now_ms();
	server_start(&H, &n, NULL);
	print_message("the new jianyid serves %llu ms after its start, having re-applied %d "
		      "function files; %d writes started so far\n",
		      (unsigned long long)(harness_now_ms() - t0),
		      harness_file_lines(n.log, "event=sql_functions_applied", NULL), wl_started());
	new_repeatables = db_lines(repeatables_sql);
	new_version = sql_id("SELECT max(version) FROM schema_migrations", NULL);

	/* 3. side by side: writes acknowledged by both, reads on the old one
	 * through the new release's functions */
	int old_before = acked_by(0, NWORKERS - NSECOND);
	wl_set_second_port(n.port);
	sleep_ms(3000);
	struct jy_client *reader = client_connect(&H, &S, "liaison");
	assert_reads_cases(reader, false, "the old jianyid, on the new functions,");
	jy_close(reader);
	int old_side = acked_by(0, NWORKERS - NSECOND) - old_before;
	int new_side = acked_by(NWORKERS - NSECOND, NWORKERS);
	print_message("side by side: %d writes acknowledged by the old jianyid, %d by the new\n",
		      old_side, new_side);
	assert_true(old_side > 0);
	assert_true(new_side > 0);

	/* 4. the old one drained; its clients go on with the new one */
	char old_log[sizeof S.log];
	snprintf(old_log, sizeof old_log, "%s", S.log);
	wl_set_port(n.port);
	assert_int_equal(server_stop(&S, SIGTERM, 20000), 0);
	S = n;
	cx_drop(NULL);
	int at_drain = wl_started();
	sleep_ms(2500);
	int at_end = wl_started();
	wl_stop();
	assert_true(server_alive(&S));
	assert_true(at_end > at_drain);

	PGconn *db = db_connect();
	struct wl_tally t;
	wl_tally(db, &t);
	PQfinish(db);
	print_message("rolling upgrade: %d writes acknowledged, %d applied once, %d twice, "
		      "%d lost; %d writes started after the old one was drained\n",
		      t.acked, t.once, t.twice, t.lost, at_end - at_drain);
	assert_true(t.acked >= 30);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.twice, 0);
	assert_int_equal(t.once, t.acked);
	assert_int_equal(t.row_mismatch, 0);
	assert_int_equal(t.consistent, t.ncases);

	assert_reads_cases(cx("liaison"), true, "the new jianyid");
	assert_log_clean(old_log, "the old jianyid");
	assert_still_there(old_surface, surface_sql, "the old release's functions and columns");
}

/* A case made, worked on and read through the jianyid S is. */
static void serves_writes(const char *title)
{
	struct kase k;
	cx_drop(NULL);
	prepare(&k, ST_IN_PROGRESS, title, false);
	act("a-clerk", A(CONTACT), &k, "in_progress");
	Jianyi__Envelope *env = wf_get_ok(cx("liaison"), k.id);
	assert_int_equal(env->response->get_suggestion->suggestion->version, k.version);
	jy_envelope_free(env);
}

static void rollback_to_previous_release(void **state)
{
	(void)state;
	assert_non_null(old_repeatables);
	assert_non_null(new_repeatables);

	/* the new one (S since the upgrade) stopped, the old one started again */
	assert_int_equal(server_stop(&S, SIGTERM, 10000), 0);
	cx_drop(NULL);
	use_jianyid(old_jianyid);
	if (new_version > old_version) {
		/* This release added a schema file: the previous jianyid refuses
		 * to start on it (docs/OPERATIONS.md "Rollback": fix forward, or
		 * restore from before the upgrade, restore_drill), and changes
		 * nothing. */
		print_message("this release added schema versions %lld..%lld: the previous jianyid "
			      "must refuse to start\n", (long long)old_version + 1, (long long)new_version);
		assert_int_not_equal(harness_admin(&H, "migrate", NULL), 0);
		assert_int_equal(sql_id("SELECT max(version) FROM schema_migrations", NULL), new_version);
		assert_still_there(new_repeatables, repeatables_sql, "this release's function files");
		use_jianyid(new_jianyid);
		server_start(&H, &S, NULL);
		serves_writes("回退测试：修正后继续");
		assert_log_clean(S.log, "the new jianyid after the refused rollback");
		return;
	}
	server_start(&H, &S, NULL);
	print_message("the old jianyid started again re-applied %d function files\n",
		      harness_file_lines(S.log, "event=sql_functions_applied", NULL));
	assert_still_there(old_repeatables, repeatables_sql, "the old release's function files");
	serves_writes("回退测试：旧版本");
	assert_log_clean(S.log, "the old jianyid after the rollback");

	/* and forward again */
	assert_int_equal(server_stop(&S, SIGTERM, 10000), 0);
	cx_drop(NULL);
	use_jianyid(new_jianyid);
	server_start(&H, &S, NULL);
	assert_still_there(new_repeatables, repeatables_sql, "this release's function files");
	serves_writes("回退测试：再次升级");
	assert_log_clean(S.log, "the new jianyid after the rollback");
}

/* The database made by the old one: harness_admin and the fixture's first
 * server_start run the jianyid JIANYID names. */
static int upgrade_setup(void **state)
{
	use_jianyid(old_jianyid);
	return wf_setup(state);
}

/* Builds (or finds built) the previous release's jianyid: 0, 77 (skip, the
 * script said why) or 1. */
static int build_previous(void)
{
	const char *src = getenv("JIANYI_SOURCE_ROOT");
	const char *cache = getenv("JIANYI_PREVIOUS_CACHE");
	if (!src || !cache) {
		fprintf(stderr, "JIANYI_SOURCE_ROOT and JIANYI_PREVIOUS_CACHE must be set "
			"(tests/recovery/meson.build)\n");
		return 1;
	}
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s/tests/recovery/build_previous.sh' '%s' '%s'", src, src, cache);
	uint64_t t0 = harness_now_ms();
	FILE *p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "popen %s: %s\n", cmd, strerror(errno));
		return 1;
	}
	char line[sizeof old_jianyid];
	while (fgets(line, sizeof line, p))
		snprintf(old_jianyid, sizeof old_jianyid, "%.*s", (int)strcspn(line, "\n"), line);
	int st = pclose(p);
	int rc = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	if (rc != 0 || !old_jianyid[0])
		return rc == 77 ? 77 : 1;
	printf("the previous release's jianyid: %s (built or found in %.1f s)\n", old_jianyid,
	       (double)(harness_now_ms() - t0) / 1000.0);
	return 0;
}

int main(void)
{
	const char *current = getenv("JIANYID");
	if (!current || !*current) {
		fprintf(stderr, "JIANYID (this tree's jianyid) must be set\n");
		return 1;
	}
	snprintf(new_jianyid, sizeof new_jianyid, "%s", current);
	int rc = build_previous();
	if (rc != 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rolling_upgrade_under_load),
		cmocka_unit_test(rollback_to_previous_release),
	};
	rc = cmocka_run_group_tests(tests, upgrade_setup, wf_teardown);
	free(old_surface);
	free(old_repeatables);
	free(new_repeatables);
	return rc;
}
