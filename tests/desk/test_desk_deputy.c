/* The deputies' own forms and the liaison committee's correction
 * (docs/DESK.md, "How it is tested"): the workflow fixture with a
 * registered case, and the real desk signed in in turn as the deputy 王明,
 * the deputy 李华, 王明 again and the liaison committee. desk_deputy.py
 * (dogtail) drafts a joint suggestion with 李华 as co-signer (the empty
 * title and an unknown co-signer refused by the form first) and a second
 * one submitted at once, which 王明 then withdraws from the menu 更多操作;
 * 李华 confirms as co-signer; 王明 submits the joint one; the liaison
 * committee corrects the registered case's title through 更多操作. Then
 * the server must agree.
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
#include <cmocka.h>

#include "harness.h"
#include "desk_runner.h"
#include "wf_helpers.h"

#define JOINT "关于在城关镇增设公交线路的建议"        /* drafted with 李华, submitted */
#define SINGLE "关于规范城区共享单车停放的建议"       /* drafted and submitted, withdrawn */
#define REGISTERED "关于加快老旧小区改造的建议"       /* registered: its title corrected */
#define CORRECTED "关于加快城区老旧小区改造的建议"    /* the title after the correction */

/* The id of the case with this title (0: none). */
static int64_t case_titled(const char *title)
{
	return sql_id("SELECT id FROM suggestions WHERE title = $1", title);
}

static void desk_deputy_act(void **state)
{
	struct kase reg;
	struct cli_call wang = { .sp = &S, .who = "deputy-wang", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call li = { .sp = &S, .who = "deputy-li", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call lc = { .sp = &S, .who = "liaison", .env = "LANG=zh_CN.UTF-8" };
	char wang_env[2048], li_env[2048], lc_env[2048], shots[512], cmd[12000];
	const Jianyi__GetSuggestionResponse *g;
	Jianyi__Envelope *got;
	int64_t joint, single;
	int st;

	(void)state;
	prepare(&reg, ST_REGISTERED, REGISTERED, false);
	harness_cli_env(&H, &wang, wang_env, sizeof wang_env);
	harness_cli_env(&H, &li, li_env, sizeof li_env);
	harness_cli_env(&H, &lc, lc_env, sizeof lc_env);
	desk_shots_dir(shots, sizeof shots, H.dir);
	snprintf(cmd, sizeof cmd,
		 "env PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 "
		 "GTK_MODULES=gail:atk-bridge DESK_NAME=desk_deputy DESK_EXE='%s' "
		 "DESK_JOINT='%s' DESK_SINGLE='%s' DESK_REGISTERED='%s' DESK_CORRECTED='%s' "
		 "DESK_WANG_ENV='%s' DESK_LI_ENV='%s' DESK_LC_ENV='%s' DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_deputy.py' 2>&1",
		 getenv("JIANYI_DESK"), JOINT, SINGLE, REGISTERED, CORRECTED, wang_env, li_env,
		 lc_env, shots, harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk deputy scenario failed (status %d): see its output above", st);

	/* what the screen said, the server has */
	joint = case_titled(JOINT);
	single = case_titled(SINGLE);
	assert_true(joint > 0);
	assert_true(single > 0);
	got = wf_get_ok(cx("deputy-wang"), joint);
	g = got->response->get_suggestion;
	assert_string_equal(state_str(g->suggestion->state), "submitted");
	assert_int_equal(g->suggestion->n_cosigners, 1);
	assert_string_equal(g->suggestion->cosigners[0], LI);   /* confirmed: no "(unconfirmed)" */
	assert_int_equal(desk_events_of(g, "create"), 1);
	assert_int_equal(desk_events_of(g, "cosign"), 1);
	assert_int_equal(desk_events_of(g, "submit"), 1);
	jy_envelope_free(got);
	got = wf_get_ok(cx("deputy-wang"), single);
	g = got->response->get_suggestion;
	assert_string_equal(state_str(g->suggestion->state), "withdrawn");
	assert_int_equal(desk_events_of(g, "submit"), 1);
	jy_envelope_free(got);
	got = wf_get_ok(cx("liaison"), reg.id);
	g = got->response->get_suggestion;
	assert_string_equal(g->suggestion->title, CORRECTED);
	assert_string_equal(state_str(g->suggestion->state), "registered");
	assert_int_equal(desk_events_of(g, "correct"), 1);
	jy_envelope_free(got);
	printf("desk_deputy: screenshots in %s\n", shots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_deputy_act),
	};
	return desk_run_tests("test_desk_deputy", tests, wf_setup, wf_teardown);
}
