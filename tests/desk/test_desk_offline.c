/* jianyi-desk offline (docs/DESK.md, "Offline, with a mirror" and "How it
 * is tested"): the workflow fixture with a submitted case (a PDF attached
 * by the liaison committee) and two more, the liaison officer's mirror
 * synced by the CLI, and the real desk started with the link cut by the
 * scenario's relay (desk_relay.py), driven by desk_offline.py (dogtail):
 * the to-do list is the mirror's, with the server's count of rows; the PDF
 * saved as (另存为) comes from the mirror; a return queued offline is
 * refused when the link is back (the CLI registered the case after the
 * mirror's sync) and dropped from the desk; the ledger exported as CSV with the case
 * list's search. Then: the saved file holds the PDF's very bytes, the
 * mirror's outbox is empty, the case is registered (not returned), and the
 * CSV is the one "jianyi export --text" writes: the two searched cases and
 * not the third.
 *
 * Skipped (77) when the desk was not built, or xvfb-run, dbus-run-session
 * or python3-dogtail are missing. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "harness.h"
#include "desk_runner.h"
#include "wf_helpers.h"

#define SEARCH "镜像台账"
#define TITLE "关于" SEARCH "整治城区道路积水的建议"        /* submitted */
#define HANDLED "关于" SEARCH "增设乡村公交站点的建议"       /* in progress */
#define OTHER "关于加强农村饮水安全保障的建议"               /* not searched */
#define PDF_NAME "积水点位图.pdf"

/* A file whose first bytes make it a PDF for jianyid (jy_attach_sniff). */
static void write_pdf(const char *path)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs("%PDF-1.4\n% 积水点位图\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n"
	      "<< /Root 1 0 R >>\n%%EOF\n", f);
	assert_int_equal(fclose(f), 0);
}

static bool same_bytes(const char *a, const char *b)
{
	char cmd[1400];

	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
	return desk_sh_ok(cmd);
}

/* How many items the server's to-do list has for who. */
static size_t todo_count(const char *who)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[512];
	size_t n;

	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	if (wf_call(cx(who), &req, &env, msg, sizeof msg) != OK)
		fail_msg("todo: %s", msg);
	n = env->response->todo->n_items;
	jy_envelope_free(env);
	return n;
}

static int64_t outbox_rows(const char *mirror)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_open_v2(mirror, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox", -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];
	size_t n;

	if (f == NULL)
		fail_msg("%s: not written", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void run(const char *cmd)
{
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("failed (status %d): %s", st, cmd);
}

static void desk_works_offline(void **state)
{
	struct kase k, other;
	char mirror[600];
	struct cli_call liaison = { .sp = &S, .who = "liaison", .env = "LANG=zh_CN.UTF-8",
				    .mirror = mirror };
	struct cli_call online = { .sp = &S, .who = "liaison" };
	char env[2048], online_env[2048], pdf[600], saved[600], csv[600], want[600];
	char cmd[16000];
	size_t todo_n;
	const char *cli = getenv("JIANYI_CLI");
	Jianyi__Envelope *got;

	(void)state;
	prepare(&k, ST_SUBMITTED, TITLE, false);
	prepare(&other, ST_IN_PROGRESS, HANDLED, false);
	prepare(&other, ST_REPLIED, OTHER, false);
	snprintf(mirror, sizeof mirror, "%s/liaison-mirror.sqlite", H.dir);
	harness_cli_env(&H, &liaison, env, sizeof env);
	harness_cli_env(&H, &online, online_env, sizeof online_env);
	snprintf(pdf, sizeof pdf, "%s/%s", H.dir, PDF_NAME);
	snprintf(saved, sizeof saved, "%s/离线另存的点位图.pdf", H.dir);
	snprintf(csv, sizeof csv, "%s/台账-离线.csv", H.dir);
	snprintf(want, sizeof want, "%s/台账-命令行.csv", H.dir);
	write_pdf(pdf);
	/* the PDF on the case, then the mirror synced with it, as the CLI does */
	snprintf(cmd, sizeof cmd, "env %s %s attach %" PRId64 " '%s' >/dev/null", online_env, cli,
		 k.id, pdf);
	run(cmd);
	snprintf(cmd, sizeof cmd, "env %s %s sync >/dev/null", env, cli);
	run(cmd);
	/* the to-do list as the mirror got it; then the case is registered on
	 * the server, which the mirror does not know (it is not synced again) */
	todo_n = todo_count("liaison");
	snprintf(cmd, sizeof cmd, "env %s %s register %" PRId64 " --term 18 --session 9 >/dev/null",
		 online_env, cli, k.id);
	run(cmd);
	snprintf(cmd, sizeof cmd,
		 "env PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 "
		 "GTK_MODULES=gail:atk-bridge DESK_NAME=desk_offline DESK_EXE='%s' DESK_ENV='%s' "
		 "DESK_TITLE='%s' DESK_TODO_N=%zu DESK_PDF_NAME='%s' DESK_SAVED='%s' "
		 "DESK_SEARCH='%s' DESK_FOUND=2 DESK_CSV='%s' DESK_SHOTS='%s' "
		 "DESK_SCALE=%d xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_offline.py' 2>&1",
		 getenv("JIANYI_DESK"), env, TITLE, todo_n, PDF_NAME, saved, SEARCH,
		 csv, getenv("JIANYI_DESK_SCREENSHOTS") ? getenv("JIANYI_DESK_SCREENSHOTS") : H.dir,
		 harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk offline scenario failed (status %d): see its output above", st);

	/* the mirror's bytes were the PDF's */
	if (!same_bytes(pdf, saved))
		fail_msg("the file saved offline (%s) is not the PDF attached", saved);
	/* the refused return dropped: nothing left in the outbox, the
	 * server's state stands */
	assert_int_equal(outbox_rows(mirror), 0);
	got = wf_get_ok(cx("liaison"), k.id);
	assert_string_equal(state_str(got->response->get_suggestion->suggestion->state),
			    "registered");
	jy_envelope_free(got);
	/* the export with the case list's search is the CLI's with --text */
	snprintf(cmd, sizeof cmd, "env %s %s export --format csv --text '%s' --output '%s' >/dev/null",
		 online_env, cli, SEARCH, want);
	run(cmd);
	if (!same_bytes(want, csv))
		fail_msg("the desk's CSV (%s) is not jianyi export --text %s's (%s)", csv, SEARCH, want);
	const char *rows = read_all(csv);
	assert_non_null(strstr(rows, TITLE));
	assert_non_null(strstr(rows, HANDLED));
	assert_null(strstr(rows, OTHER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_works_offline),
	};
	return desk_run_tests("test_desk_offline", tests, wf_setup, wf_teardown);
}
