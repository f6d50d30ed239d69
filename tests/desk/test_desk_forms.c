/* The desk's remaining action forms and a case view that follows its case
 * (docs/DESK.md, "How it is tested"): the workflow fixture with a
 * registered case and one assigned to unit A, and the real desk signed in
 * in turn as the government office, unit A's clerk and unit B's clerk.
 * desk_forms.py (dogtail) assigns the registered case by the units' names,
 * watches the office's case view follow the CLI's acts on it (unit A
 * accepts and asks for an extension: the 审批延期 button appears
 * unasked), approves the extension (the new deadline on screen), disputes
 * the other case (the empty reason refused by the form first), asks for
 * another extension from the desk and sends unit B's opinion; the
 * liaison committee merges a submitted case into a registered one by its
 * number and converts another into a letter; the lead deputy evaluates a
 * replied case. Then the server must agree.
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

#define TITLE "关于整治县城主干道占道经营的建议"      /* registered: the office assigns it */
#define DISPUTED "关于改造城区排水管网的建议"         /* assigned to A: A disputes it */
#define INTO "关于加强农村饮用水安全保障的建议"       /* registered: one is merged into it */
#define MERGED "关于保障农村居民饮水安全的建议"       /* submitted: merged into INTO */
#define CONVERTED "关于解决本人宅基地纠纷的建议"      /* submitted: converted to a letter */
#define REPLIED "关于增设城区公共停车场的建议"        /* replied: the deputy evaluates it */

/* Whether the case's one event of kind says what in its details. */
static bool event_says(const Jianyi__GetSuggestionResponse *g, const char *kind, const char *what)
{
	for (size_t i = 0; i < g->n_timeline; i++)
		if (strcmp(g->timeline[i]->kind, kind) == 0)
			return strstr(g->timeline[i]->details, what) != NULL;
	return false;
}

static void desk_forms_act(void **state)
{
	struct kase k, disputed, into, merged, converted, replied;
	struct cli_call gov = { .sp = &S, .who = "gov", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call a = { .sp = &S, .who = "a-clerk", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call b = { .sp = &S, .who = "b-clerk", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call lc = { .sp = &S, .who = "liaison", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call dep = { .sp = &S, .who = "deputy-wang", .env = "LANG=zh_CN.UTF-8" };
	char gov_env[2048], a_env[2048], b_env[2048], lc_env[2048], dep_env[2048], shots[512];
	char cmd[20000], into_id[32];
	const Jianyi__GetSuggestionResponse *g;
	Jianyi__Envelope *got;
	int st;

	(void)state;
	prepare(&k, ST_REGISTERED, TITLE, false);
	prepare(&disputed, ST_ASSIGNED, DISPUTED, false);
	prepare(&into, ST_REGISTERED, INTO, false);
	prepare(&merged, ST_SUBMITTED, MERGED, false);
	prepare(&converted, ST_SUBMITTED, CONVERTED, false);
	prepare(&replied, ST_REPLIED, REPLIED, false);
	snprintf(into_id, sizeof into_id, "%" PRId64, into.id);
	harness_cli_env(&H, &gov, gov_env, sizeof gov_env);
	harness_cli_env(&H, &a, a_env, sizeof a_env);
	harness_cli_env(&H, &b, b_env, sizeof b_env);
	harness_cli_env(&H, &lc, lc_env, sizeof lc_env);
	harness_cli_env(&H, &dep, dep_env, sizeof dep_env);
	desk_shots_dir(shots, sizeof shots, H.dir);
	snprintf(cmd, sizeof cmd,
		 "env PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 "
		 "GTK_MODULES=gail:atk-bridge DESK_NAME=desk_forms DESK_EXE='%s' DESK_CLI='%s' "
		 "DESK_TITLE='%s' DESK_DISPUTED='%s' DESK_ID=%" PRId64 " DESK_GOV_ENV='%s' "
		 "DESK_A_ENV='%s' DESK_B_ENV='%s' DESK_LC_ENV='%s' DESK_DEP_ENV='%s' "
		 "DESK_MERGED='%s' DESK_INTO_ID=%s DESK_CONVERTED='%s' DESK_REPLIED='%s' "
		 "DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_forms.py' 2>&1",
		 getenv("JIANYI_DESK"), getenv("JIANYI_CLI"), TITLE, DISPUTED, k.id, gov_env, a_env,
		 b_env, lc_env, dep_env, MERGED, into_id, CONVERTED, REPLIED, shots,
		 harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk forms scenario failed (status %d): see its output above", st);

	/* what the screen said, the server has */
	got = wf_get_ok(cx("gov"), k.id);
	g = got->response->get_suggestion;
	assert_string_equal(g->suggestion->lead_unit, UNIT_A);
	assert_int_equal(g->suggestion->n_co_units, 1);
	assert_string_equal(g->suggestion->co_units[0], UNIT_B);
	assert_int_equal(desk_events_of(g, "assign"), 1);
	assert_int_equal(desk_events_of(g, "extend"), 2);
	assert_int_equal(desk_events_of(g, "approve_extension"), 1);
	assert_int_equal(desk_events_of(g, "opinion"), 1);
	jy_envelope_free(got);
	got = wf_get_ok(cx("gov"), disputed.id);
	assert_string_equal(state_str(got->response->get_suggestion->suggestion->state), "disputed");
	jy_envelope_free(got);
	got = wf_get_ok(cx("liaison"), merged.id);
	g = got->response->get_suggestion;
	assert_string_equal(state_str(g->suggestion->state), "merged");
	assert_true(event_says(g, "merge", into_id));
	jy_envelope_free(got);
	got = wf_get_ok(cx("liaison"), converted.id);
	g = got->response->get_suggestion;
	assert_string_equal(state_str(g->suggestion->state), "converted");
	assert_true(event_says(g, "convert", "letter"));
	jy_envelope_free(got);
	got = wf_get_ok(cx("deputy-wang"), replied.id);
	g = got->response->get_suggestion;
	assert_int_equal(desk_events_of(g, "evaluate"), 1);
	assert_true(event_says(g, "evaluate", "basically_satisfied"));
	jy_envelope_free(got);
	printf("desk_forms: screenshots in %s\n", shots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_forms_act),
	};
	return desk_run_tests("test_desk_forms", tests, wf_setup, wf_teardown);
}
