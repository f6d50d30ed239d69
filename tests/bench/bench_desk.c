/* The desk benchmark (issue #14; docs/BENCHMARKS.md, "The desk"): how
 * soon the real jianyi-desk shows the liaison officer's to-do list, how
 * long until its case list is scrolled to the end of every case the
 * officer sees, and the desk's memory before and after. A county loaded
 * with SQL (county.c) on the workflow fixture, the working set's reply
 * deadlines past (so the to-do list has overdue rows), jianyid, and the
 * desk under xvfb-run (1366x768) with GSK_RENDERER=cairo, driven by
 * tests/desk/desk_bench.py, which reads the desk's probe marks
 * (desk/desk_probe.h) and prints the figures.
 *   JIANYI_BENCH_DESK_CASES  cases in all (default 2,000, a short run;
 *                            docs/BENCHMARKS.md has the 10,000 one)
 * Skipped (77) without the desk, xvfb-run, dbus-run-session or dogtail;
 * fails only when the desk does not get there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "bench_run.h"
#include "county.h"
#include "desk_runner.h"
#include "wf_helpers.h"

#define OVERDUE 20   /* the working set: in progress, past its reply deadline */

static void desk_bench(void **state)
{
	struct county c = { .suggestions = bench_env_int("JIANYI_BENCH_DESK_CASES", 2000),
			    .working = OVERDUE };
	struct cli_call as = { .sp = &S, .who = "liaison", .env = "LANG=zh_CN.UTF-8" };
	char env[2048], frames[400], cmd[8192];
	int st;

	(void)state;
	if (c.suggestions < OVERDUE)
		fail_msg("JIANYI_BENCH_DESK_CASES must be at least %d", OVERDUE);
	wf_fixture_up(NULL);
	county_load(&c);
	sql_exec("UPDATE suggestions SET reply_deadline = current_date - 3 WHERE state = $1",
		 "in_progress");
	printf("desk: a county of %d cases (%d overdue) loaded with SQL in %.1f s\n", c.suggestions,
	       OVERDUE, c.seconds);
	fflush(stdout);
	harness_cli_env(&H, &as, env, sizeof env);
	snprintf(frames, sizeof frames, "%s/desk-frames.txt", H.dir);
	snprintf(cmd, sizeof cmd,
		 "env %s PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 GTK_MODULES=gail:atk-bridge "
		 "JIANYI_DESK_TEST_FRAMES='%s' DESK_FRAMES='%s' DESK_CASES=%d DESK_NAME=desk_bench "
		 "DESK_EXE='%s' DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_bench.py' 2>&1",
		 env, frames, frames, c.suggestions, getenv("JIANYI_DESK"), H.dir,
		 harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	st = system(cmd);
	fflush(stdout);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk benchmark's driver failed (status %d): see its output above", st);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(desk_bench) };
	return desk_run_tests("desk_bench", tests, NULL, wf_teardown);
}
