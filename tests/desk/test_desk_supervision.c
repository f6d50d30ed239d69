/* The desk's pages for the liaison committee (docs/DESK.md, "How it is
 * tested"): the workflow fixture with a case whose reply is 3 days
 * overdue and supervised, one replied and one assigned; the real desk
 * signed in as the liaison officer (刘联络). desk_supervision.py (dogtail)
 * checks on screen the overdue row (unit, case, days), the supervision
 * record, the statistics' figures and the result classes' chart's
 * accessible description against what the server answers StatsRequest
 * here, exports the ledger to XLSX through the save dialog and reads the
 * file back: one row a case the ledger holds, and the header.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "desk_runner.h"
#include "wf_helpers.h"

#define OVERDUE_TITLE "关于整治城区主干道积水点的建议"
#define OVERDUE_DAYS 3

/* The one row of StatsRequest over everything, as the liaison officer. */
static Jianyi__Envelope *server_stats(void)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest q = JIANYI__STATS_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[256] = "";

	q.group_by = "";
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &q;
	if (wf_call(cx("liaison"), &req, &env, msg, sizeof msg) != OK)
		fail_msg("StatsRequest: %s", msg);
	assert_int_equal(env->response->stats->n_rows, 1);
	return env;
}

/* How many rows the ledger holds for the liaison officer (its total). */
static int64_t ledger_total(void)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__LedgerRequest q = JIANYI__LEDGER_REQUEST__INIT;
	Jianyi__ListSuggestionsRequest f = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[256] = "";
	int64_t total;

	q.filter = &f;
	req.body_case = JIANYI__REQUEST__BODY_LEDGER;
	req.ledger = &q;
	if (wf_call(cx("liaison"), &req, &env, msg, sizeof msg) != OK)
		fail_msg("LedgerRequest: %s", msg);
	total = env->response->ledger->total;
	jy_envelope_free(env);
	return total;
}

/* "A=1,B=0,C=0,D=0": the first replies' classes, as the chart shows them. */
static void classes_text(const Jianyi__StatsRow *r, char *buf, size_t len)
{
	static const char *const names[] = { "A", "B", "C", "D" };
	size_t used = 0;

	for (int i = 0; i < 4; i++) {
		int64_t n = 0;

		for (size_t k = 0; k < r->n_by_class; k++)
			if (strcmp(r->by_class[k]->result_class, names[i]) == 0)
				n = r->by_class[k]->count;
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%" PRId64, i ? "," : "",
					 names[i], n);
	}
}

/* A rate as the desk shows it. */
static void rate_text(double rate, char *buf, size_t len)
{
	if (rate < 0)
		snprintf(buf, len, "—");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * rate);
}

static void desk_shows_supervision_and_statistics(void **state)
{
	struct kase late, replied, assigned;
	struct cli_call c = { .sp = &S, .who = "liaison", .env = "LANG=zh_CN.UTF-8" };
	char env[2048], cmd[9000], classes[128], on_time[32], id[32], xlsx[400];
	Jianyi__Envelope *stats;
	const Jianyi__StatsRow *r;
	struct stat st;
	int st_code;

	(void)state;
	prepare(&late, ST_IN_PROGRESS, OVERDUE_TITLE, false);
	prepare(&replied, ST_REPLIED, "关于增设城区公共停车位的建议", false);
	prepare(&assigned, ST_ASSIGNED, "关于修缮县城老旧小区道路的建议", false);
	snprintf(id, sizeof id, "%" PRId64, late.id);
	sql_exec("UPDATE suggestions SET reply_deadline = jy_today() - 3 WHERE id = $1::bigint",
		 id);
	act("liaison", A(SUPERVISE), &late, NULL);
	stats = server_stats();
	r = stats->response->stats->rows[0];
	assert_true(r->overdue_now >= 1);
	classes_text(r, classes, sizeof classes);
	rate_text(r->on_time_rate, on_time, sizeof on_time);
	snprintf(xlsx, sizeof xlsx, "%s/desk-ledger.xlsx", H.dir);
	harness_cli_env(&H, &c, env, sizeof env);
	snprintf(cmd, sizeof cmd,
		 "env %s PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 "
		 "GTK_MODULES=gail:atk-bridge DESK_NAME=desk_supervision DESK_EXE='%s' DESK_SHOTS='%s' "
		 "DESK_SCALE=%d DESK_OVERDUE_TITLE='%s' DESK_OVERDUE_UNIT='%s' DESK_OVERDUE_DAYS=%d "
		 "DESK_TOTAL=%" PRId64 " DESK_ON_TIME='%s' DESK_CLASSES='%s' DESK_XLSX='%s' "
		 "DESK_LEDGER_ROWS=%" PRId64 " "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_supervision.py' 2>&1",
		 env, getenv("JIANYI_DESK"),
		 getenv("JIANYI_DESK_SCREENSHOTS") ? getenv("JIANYI_DESK_SCREENSHOTS") : H.dir,
		 harness_time_scale(), OVERDUE_TITLE, UNIT_A, OVERDUE_DAYS, r->total, on_time, classes,
		 xlsx, ledger_total(), getenv("JIANYI_SOURCE_ROOT"));
	jy_envelope_free(stats);
	st_code = system(cmd);
	if (st_code == -1 || !WIFEXITED(st_code) || WEXITSTATUS(st_code) != 0)
		fail_msg("the desk supervision scenario failed (status %d): see its output above",
			 st_code);
	/* the file the desk wrote is the owner's alone, as the CLI's */
	assert_int_equal(stat(xlsx, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_shows_supervision_and_statistics),
	};
	return desk_run_tests("test_desk_supervision", tests, wf_setup, wf_teardown);
}
