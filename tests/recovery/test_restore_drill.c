/* The restore drill (docs/OPERATIONS.md "Backups and point-in-time
 * restore"), as an operator would run it on the embedded cluster:
 *  1. the harness's cluster, made by embedded_pg (data checksums), is
 *     started with its WAL archive (embedded_pg_start_archiving, the
 *     default DIR/archive); jianyid on it;
 *  2. workflow writes through jianyid; a base backup (pg_basebackup);
 *  3. more writes, the last one acknowledged; the point in time is read
 *     from the database after that answer, with the counts of suggestions
 *     and events at that moment, which must be exactly what the test had
 *     acknowledged; pg_switch_wal so the point's WAL is archived;
 *  4. more writes after the point (a contact, a new case), archived too;
 *  5. the base backup copied into a new directory, recovery_target_time =
 *     the point, restore_command from the archive, recovery.signal; started
 *     and promoted: the counts equal those at the point, the last
 *     acknowledged write before it is there, the first after it is not. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "pg_node.h"
#include "wf_helpers.h"

#define NOTE_BEFORE "还原演练：还原点之前最后一次走访"
#define NOTE_AFTER "还原演练：还原点之后的走访"

static struct pg_node restored;

/* What the test had acknowledged: its cases and their versions (each
 * version is one event). */
static struct kase cases[8];
static int ncases;

static void new_case(const char *title)
{
	assert_true(ncases < 8);
	prepare(&cases[ncases++], ST_IN_PROGRESS, title, false);
}

static void contact(struct kase *k, char *note)
{
	struct jy_act a;
	char date[16];
	wf_date(date, sizeof date, 0);
	wf_act_init(&a, A(CONTACT), k->id, k->version);
	a.contact.phase = "before";
	a.contact.method = "phone";
	a.contact.date = date;
	a.contact.note = note;
	ok_step("a-clerk", &a, k, NULL, NULL);
}

static long acknowledged_events(void)
{
	long n = 0;
	for (int i = 0; i < ncases; i++)
		n += cases[i].version;
	return n;
}

/* The harness's cluster restarted with its WAL archive, jianyid on it. */
static void start_archiving(char *archive, size_t len)
{
	char data[300], err[1024];
	server_stop(&S, SIGTERM, 10000);
	embedded_pg_stop(&H.pg);
	embedded_pg_free(&H.pg);
	snprintf(data, sizeof data, "%s/db", H.dir);
	if (!embedded_pg_start_archiving(&H.pg, data, NULL, NULL, err, sizeof err))
		fail_msg("cannot start PostgreSQL with its archive: %s", err);
	assert_non_null(H.pg.archive_dir);
	snprintf(archive, len, "%s", H.pg.archive_dir);
	server_start(&H, &S, NULL);
	cx_drop(NULL);
}

/* Switches to a new WAL file and waits until the finished one is in the
 * archive. */
static void switch_and_archive(PGconn *db)
{
	char wal[64], sql[200];
	pg_value(db, "SELECT pg_walfile_name(pg_switch_wal())", wal, sizeof wal);
	snprintf(sql, sizeof sql,
		 "SELECT coalesce(last_archived_wal, '') >= '%s' FROM pg_stat_archiver", wal);
	pg_wait_value(db, sql, "t", 30000);
	char failed[32];
	pg_value(db, "SELECT failed_count FROM pg_stat_archiver", failed, sizeof failed);
	print_message("WAL file %s archived (failed attempts so far: %s)\n", wal, failed);
	assert_string_equal(failed, "0");
}

static long count_of(PGconn *db, const char *sql)
{
	char v[32];
	pg_value(db, sql, v, sizeof v);
	return atol(v);
}

static void restore_to_point(void **state)
{
	(void)state;
	char archive[300], value[200];
	start_archiving(archive, sizeof archive);
	PGconn *db = pg_node_connect(H.pg.socket_dir, "jianyi", "postgres");
	pg_value(db, "SHOW data_checksums", value, sizeof value);
	assert_string_equal(value, "on");
	pg_value(db, "SHOW archive_mode", value, sizeof value);
	assert_string_equal(value, "on");

	/* 2. writes, then the base backup */
	new_case("还原演练：备份之前的建议一");
	new_case("还原演练：备份之前的建议二");
	char rec[300];
	pg_node_dir(&H, "rec", rec, sizeof rec);
	struct pg_node base;
	pg_node_basebackup(&H, H.pg.socket_dir, rec, "base", false, &base);

	/* 3. more writes, the point after the last acknowledged one */
	new_case("还原演练：备份之后的建议");
	char note_backup[] = "还原演练：备份之后的走访", note_before[] = NOTE_BEFORE;
	contact(&cases[0], note_backup);
	contact(&cases[2], note_before);
	char point[64];
	pg_value(db, "SELECT clock_timestamp()", point, sizeof point);
	long sugg_at_point = count_of(db, "SELECT count(*) FROM suggestions");
	long events_at_point = count_of(db, "SELECT count(*) FROM events");
	print_message("point in time %s: %ld suggestions, %ld events (acknowledged: %d cases, "
		      "%ld events)\n", point, sugg_at_point, events_at_point, ncases,
		      acknowledged_events());
	assert_int_equal(sugg_at_point, ncases);
	assert_int_equal(events_at_point, acknowledged_events());
	switch_and_archive(db);

	/* 4. after the point */
	usleep(20000);
	char note_after[] = NOTE_AFTER;
	contact(&cases[1], note_after);
	new_case("还原演练：还原点之后的建议");
	switch_and_archive(db);
	PQfinish(db);
	print_message("after the point: %d suggestions, %ld events\n", ncases, acknowledged_events());

	/* 5. the restore, into a new directory */
	char *cp[] = { "/bin/cp", "-a", base.pgdata, NULL, NULL };
	snprintf(restored.pgdata, sizeof restored.pgdata, "%s/restored", rec);
	cp[3] = restored.pgdata;
	harness_must_run(&H, cp);
	snprintf(restored.log, sizeof restored.log, "%s/restored.log", rec);
	snprintf(restored.socket_dir, sizeof restored.socket_dir, "%s", base.socket_dir);
	char line[600];
	snprintf(line, sizeof line, "restore_command = 'cp %s/%%f %%p'", archive);
	pg_node_conf(&restored, line);
	snprintf(line, sizeof line, "recovery_target_time = '%s'", point);
	pg_node_conf(&restored, line);
	pg_node_conf(&restored, "recovery_target_action = 'promote'");
	char signal_file[360];
	snprintf(signal_file, sizeof signal_file, "%s/recovery.signal", restored.pgdata);
	char *touch[] = { "/bin/cp", "/dev/null", signal_file, NULL };
	harness_must_run(&H, touch);
	pg_node_start(&H, &restored);
	PGconn *r = pg_node_connect(restored.socket_dir, "jianyi", "postgres");
	pg_wait_value(r, "SELECT pg_is_in_recovery()", "f", 60000);

	long sugg = count_of(r, "SELECT count(*) FROM suggestions");
	long events = count_of(r, "SELECT count(*) FROM events");
	long before = count_of(r, "SELECT count(*) FROM contacts WHERE note = '" NOTE_BEFORE "'");
	long after = count_of(r, "SELECT count(*) FROM contacts WHERE note = '" NOTE_AFTER "'");
	PQfinish(r);
	print_message("restored to %s: %ld suggestions, %ld events; the last write before the "
		      "point %s, the first after it %s\n", point, sugg, events,
		      before == 1 ? "present" : "MISSING", after == 0 ? "absent" : "PRESENT");
	assert_int_equal(sugg, sugg_at_point);
	assert_int_equal(events, events_at_point);
	assert_int_equal(before, 1);
	assert_int_equal(after, 0);
}

static int stop_restored(void **state)
{
	(void)state;
	pg_node_stop(&H, &restored);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(restore_to_point, wf_each, stop_restored),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
