/* jianyi-desk end to end (docs/DESK.md, "How it is tested"): a real
 * jianyid and PostgreSQL from the workflow fixture, a case brought to
 * "assigned" with unit A leading, and the real desk signed in as unit A's
 * clerk under Xvfb with a D-Bus session and the AT-SPI bus, driven through
 * its accessibility tree by desk_scenario.py (dogtail), which asserts what
 * is on screen: the to-do row, a row that arrives from a pushed notice when
 * the office assigns another case meanwhile (with the CLI), the case, the
 * form's check before sending, the accepted state in Chinese; the plan
 * (with its checks), a visit and a PDF attached; then a desk signed in as
 * the lead deputy beside one signed in as the unit head, who saves the PDF
 * elsewhere (另存为) and, before replying, records a telephone call while
 * the link is cut (the head's desk keeps a mirror; the call waits in its
 * outbox and is sent when the link is back), and
 * the deputy's to-do list shows the reply to evaluate from the pushed
 * notice alone; and writes a screenshot of each main screen. Then the
 * database must agree: the case is replied, has the PDF, and the call
 * made offline arrived exactly once.
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
#include "desk_runner.h"
#include "wf_helpers.h"

#define TITLE "关于修缮县城老旧小区道路的建议"
#define PUSHED "关于规范城区夜市经营秩序的建议"   /* assigned while the desk runs */

/* A small PDF that is valid (one empty page, its cross-reference table's
 * offsets counted), written to path. */
static void write_pdf(const char *path)
{
	static const char *const objs[] = {
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
	};
	long offsets[3];
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs("%PDF-1.4\n", f);
	for (int i = 0; i < 3; i++) {
		offsets[i] = ftell(f);
		fputs(objs[i], f);
	}
	long xref = ftell(f);
	fputs("xref\n0 4\n0000000000 65535 f \n", f);
	for (int i = 0; i < 3; i++)
		fprintf(f, "%010ld 00000 n \n", offsets[i]);
	fprintf(f, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
	assert_int_equal(fclose(f), 0);
}

/* Whether the two files hold the same bytes. */
static bool same_bytes(const char *a, const char *b)
{
	char cmd[1400];

	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
	return desk_sh_ok(cmd);
}

/* How many contacts made this way (visit, phone) the case's timeline has. */
static int contacts(const Jianyi__GetSuggestionResponse *g, const char *method)
{
	char want[64];
	int n = 0;

	/* details is the event's JSON: the method is the only field with
	 * these values */
	snprintf(want, sizeof want, "\"%s\"", method);
	for (size_t i = 0; i < g->n_timeline; i++)
		if (strcmp(g->timeline[i]->kind, "contact") == 0 &&
		    strstr(g->timeline[i]->details, want) != NULL)
			n++;
	return n;
}

static void desk_handles_a_case(void **state)
{
	struct kase k, other, pushed;
	struct cli_call c = { .sp = &S, .who = "a-clerk", .env = "LANG=zh_CN.UTF-8" };
	struct cli_call gov = { .sp = &S, .who = "gov" };
	char head_mirror[600];
	struct cli_call head = { .sp = &S, .who = "a-head", .env = "LANG=zh_CN.UTF-8",
				 .mirror = head_mirror };
	struct cli_call deputy = { .sp = &S, .who = "deputy-wang", .env = "LANG=zh_CN.UTF-8" };
	char env[2048], gov_env[2048], head_env[2048], deputy_env[2048], push[3000], shots[512];
	char pdf[600], saved[600], promised[16], cmd[16000];
	const Jianyi__GetSuggestionResponse *g;
	Jianyi__Envelope *got;

	(void)state;
	prepare(&k, ST_ASSIGNED, TITLE, false);
	/* more cases, so that the case list has rows of several states */
	prepare(&other, ST_IN_PROGRESS, "关于增设城区公共停车位的建议", false);
	prepare(&other, ST_REPLIED, "关于加强农村饮水安全保障的建议", false);
	/* registered now; the office assigns it to unit A while the desk shows
	 * its to-do list, which must grow from the pushed notice alone */
	prepare(&pushed, ST_REGISTERED, PUSHED, false);
	snprintf(head_mirror, sizeof head_mirror, "%s/head-mirror.sqlite", H.dir);
	harness_cli_env(&H, &c, env, sizeof env);
	harness_cli_env(&H, &gov, gov_env, sizeof gov_env);
	harness_cli_env(&H, &head, head_env, sizeof head_env);
	harness_cli_env(&H, &deputy, deputy_env, sizeof deputy_env);
	snprintf(pdf, sizeof pdf, "%s/道路修缮走访纪要.pdf", H.dir);
	write_pdf(pdf);
	snprintf(saved, sizeof saved, "%s/另存的纪要.pdf", H.dir);
	wf_date(promised, sizeof promised, 60);
	snprintf(push, sizeof push, "env %s %s assign %" PRId64 " --lead %" PRId64 " >/dev/null", gov_env,
		 getenv("JIANYI_CLI"), pushed.id, unit_a);
	desk_shots_dir(shots, sizeof shots, H.dir);
	snprintf(cmd, sizeof cmd,
		 "env %s GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 GTK_MODULES=gail:atk-bridge "
		 "DESK_EXE='%s' DESK_TITLE='%s' DESK_PUSHED='%s' DESK_PUSH_CMD='%s' "
		 "DESK_SHOTS='%s' DESK_SCALE=%d DESK_HEAD_ENV='%s' DESK_DEPUTY_ENV='%s' "
		 "DESK_PDF='%s' DESK_SAVED='%s' DESK_PROMISED='%s' "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_scenario.py' 2>&1",
		 env, getenv("JIANYI_DESK"), TITLE, PUSHED, push, shots, harness_time_scale(), head_env,
		 deputy_env, pdf, saved, promised, getenv("JIANYI_SOURCE_ROOT"));
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk scenario failed (status %d): see its output above", st);
	/* what the screen said, the server has */
	got = wf_get_ok(cx("a-clerk"), k.id);
	g = got->response->get_suggestion;
	assert_string_equal(state_str(g->suggestion->state), "replied");
	assert_string_equal(g->suggestion->handler_name, "刘志军");
	assert_int_equal(g->n_attachments, 1);
	assert_string_equal(g->attachments[0]->name, "道路修缮走访纪要.pdf");
	assert_string_equal(g->attachments[0]->mime_type, "application/pdf");
	/* the clerk's visit, and the head's call made offline: once */
	assert_int_equal(contacts(g, "visit"), 1);
	assert_int_equal(contacts(g, "phone"), 1);
	/* 另存为 fetched the very bytes sent */
	if (!same_bytes(pdf, saved))
		fail_msg("the file the head saved (%s) is not the PDF the clerk attached", saved);
	jy_envelope_free(got);
	printf("desk: screenshots in %s\n", shots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_handles_a_case),
	};
	return desk_run_tests("test_desk", tests, wf_setup, wf_teardown);
}
