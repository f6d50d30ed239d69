/* jianyi-desk never waits on the network (docs/DESK.md, "Never waiting on
 * the network" and "How it is tested"): the workflow fixture with a case
 * assigned to unit A, and the real desk signed in as unit A's clerk through
 * the test relay (tests/integration/harness_relay.h), which holds every
 * answer of the server back 2 s. desk_slow_link.py (dogtail) searches the
 * case list and accepts the case, and while each request is outstanding
 * checks from outside that the window kept drawing (the desk's frame-clock
 * probe, desk/desk_probe.h) and kept answering accessibility queries.
 * Then the database must agree: the case is accepted.
 *
 * Skipped (77) when the desk was not built, or xvfb-run, dbus-run-session
 * or python3-dogtail are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "desk_runner.h"
#include "harness_relay.h"
#include "wf_helpers.h"

#define TITLE "关于修缮县城老旧小区道路的建议"
#define DELAY_MS 2000

static void desk_draws_while_answers_are_late(void **state)
{
	struct kase k, other;
	struct harness_relay *relay;
	struct cli_call c = { .sp = &S, .who = "a-clerk", .env = "LANG=zh_CN.UTF-8" };
	char env[2048], frames[400], cmd[9000];
	int delay = DELAY_MS * harness_time_scale(), st;
	Jianyi__Envelope *got;

	(void)state;
	prepare(&k, ST_ASSIGNED, TITLE, false);
	prepare(&other, ST_IN_PROGRESS, "关于增设城区公共停车位的建议", false);
	relay = harness_relay_start(S.port, (struct relay_cuts){ 0 });
	harness_relay_set_delay(relay, delay);
	c.port = harness_relay_port(relay);
	harness_cli_env(&H, &c, env, sizeof env);
	snprintf(frames, sizeof frames, "%s/desk-frames.txt", H.dir);
	snprintf(cmd, sizeof cmd,
		 "env %s PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 GTK_MODULES=gail:atk-bridge "
		 "JIANYI_DESK_TEST_FRAMES='%s' DESK_FRAMES='%s' DESK_DELAY_MS=%d "
		 "DESK_NAME=desk_slow_link DESK_EXE='%s' DESK_TITLE='%s' DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_slow_link.py' 2>&1",
		 env, frames, frames, delay, getenv("JIANYI_DESK"), TITLE, H.dir,
		 harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	st = system(cmd);
	harness_relay_end(relay);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk slow-link scenario failed (status %d): see its output above", st);
	got = wf_get_ok(cx("a-clerk"), k.id);
	assert_string_equal(state_str(got->response->get_suggestion->suggestion->state), "accepted");
	jy_envelope_free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_draws_while_answers_are_late),
	};
	return desk_run_tests("test_desk_slow_link", tests, wf_setup, wf_teardown);
}
