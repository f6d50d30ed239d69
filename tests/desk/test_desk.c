/* jianyi-desk end to end (docs/DESK.md, "How it is tested"): a real
 * jianyid and PostgreSQL from the workflow fixture, a case brought to
 * "assigned" with unit A leading, and the real desk signed in as unit A's
 * clerk under Xvfb with a D-Bus session and the AT-SPI bus, driven through
 * its accessibility tree by desk_scenario.py (dogtail), which asserts what
 * is on screen: the to-do row, a row that arrives from a pushed notice when
 * the office assigns another case meanwhile (with the CLI), the case, the
 * form's check before sending, the accepted state in Chinese; and writes a
 * screenshot of each main screen. Then the database must agree: the case is accepted.
 *
 * Skipped (77) when the desk was not built (no libgtk-4-dev), or xvfb-run,
 * dbus-run-session or python3-dogtail are missing. */
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
#include "wf_helpers.h"

#define TITLE "关于修缮县城老旧小区道路的建议"
#define PUSHED "关于规范城区夜市经营秩序的建议"   /* assigned while the desk runs */
#define PYTHON "/usr/bin/python3"   /* Debian's, where python3-dogtail is */
#define SKIP 77

static int sh_ok(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Why the scenario cannot run here, or NULL when it can. */
static const char *missing(void)
{
	const char *desk = getenv("JIANYI_DESK");

	if (desk == NULL || desk[0] == '\0' || access(desk, X_OK) != 0)
		return "jianyi-desk was not built (libgtk-4-dev)";
	if (!sh_ok("command -v xvfb-run >/dev/null 2>&1"))
		return "xvfb-run is missing (xvfb, xauth)";
	if (!sh_ok("command -v dbus-run-session >/dev/null 2>&1"))
		return "dbus-run-session is missing (dbus)";
	if (!sh_ok(PYTHON " -c 'import dogtail, pyatspi' >/dev/null 2>&1"))
		return "python3-dogtail or python3-pyatspi is missing";
	return NULL;
}

/* Where the screenshots go: JIANYI_DESK_SCREENSHOTS, else under the
 * harness's temporary folder. */
static void shots_dir(char *buf, size_t len)
{
	const char *d = getenv("JIANYI_DESK_SCREENSHOTS");

	if (d != NULL && d[0] != '\0')
		snprintf(buf, len, "%s", d);
	else
		snprintf(buf, len, "%s/screenshots", H.dir);
	mkdir(buf, 0755);
}

static void desk_accepts_an_assignment(void **state)
{
	struct kase k, other, pushed;
	struct cli_call c = { .sp = &S, .who = "a-clerk", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call gov = { .sp = &S, .who = "gov" };
	char env[2048], gov_env[2048], push[3000], shots[512], cmd[9000];
	Jianyi__Envelope *got;

	(void)state;
	prepare(&k, ST_ASSIGNED, TITLE, false);
	/* more cases, so that the case list has rows of several states */
	prepare(&other, ST_IN_PROGRESS, "关于增设城区公共停车位的建议", false);
	prepare(&other, ST_REPLIED, "关于加强农村饮水安全保障的建议", false);
	/* registered now; the office assigns it to unit A while the desk shows
	 * its to-do list, which must grow from the pushed notice alone */
	prepare(&pushed, ST_REGISTERED, PUSHED, false);
	harness_cli_env(&H, &c, env, sizeof env);
	harness_cli_env(&H, &gov, gov_env, sizeof gov_env);
	snprintf(push, sizeof push, "env %s %s assign %" PRId64 " --lead %" PRId64 " >/dev/null", gov_env,
		 getenv("JIANYI_CLI"), pushed.id, unit_a);
	shots_dir(shots, sizeof shots);
	snprintf(cmd, sizeof cmd,
		 "env %s GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 GTK_MODULES=gail:atk-bridge "
		 "DESK_EXE='%s' DESK_TITLE='%s' DESK_PUSHED='%s' DESK_PUSH_CMD='%s' "
		 "DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 PYTHON " '%s/tests/desk/desk_scenario.py' 2>&1",
		 env, getenv("JIANYI_DESK"), TITLE, PUSHED, push, shots, harness_time_scale(),
		 getenv("JIANYI_SOURCE_ROOT"));
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk scenario failed (status %d): see its output above", st);
	/* what the screen said, the server has */
	got = wf_get_ok(cx("a-clerk"), k.id);
	assert_string_equal(state_str(got->response->get_suggestion->suggestion->state), "accepted");
	jy_envelope_free(got);
	printf("desk: screenshots in %s\n", shots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_accepts_an_assignment),
	};
	const char *why = missing();

	if (why != NULL) {
		printf("SKIP: %s\n", why);
		return SKIP;
	}
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
