/* The portal in a real browser: headless Chromium loads each public page
 * with the server's Content-Security-Policy in force, and the DOM it builds
 * must hold the escaped title as text (no script element from data) and
 * the inline SVG charts. Skipped (exit 77) when chromium is not installed.
 * With JIANYI_SCREENSHOT_DIR set, it also saves a PNG of each page there
 * (docs/screenshots/ was made this way). The excellent-suggestion page and
 * the published unsatisfied results are loaded the same way. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
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

#define TITLE "关于修缮<script>alert(1)</script>乡村公路的建议"

static const char *chromium_path(void)
{
	static const char *const candidates[] = { "/usr/bin/chromium", "/usr/bin/chromium-browser",
						  "/usr/bin/google-chrome", NULL };
	const char *env = getenv("JIANYI_CHROMIUM");
	if (env && access(env, X_OK) == 0)
		return env;
	for (int i = 0; candidates[i]; i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

/* Runs chromium headless with one extra flag on url; its stdout goes to
 * out (may be NULL). Gives it 60 s. Returns its exit status. */
static int chromium(const char *flag, const char *url, const char *out)
{
	char profile[300];
	snprintf(profile, sizeof profile, "--user-data-dir=%s/chromium-profile", H.dir);
	char *argv[] = { (char *)chromium_path(), "--headless", "--no-sandbox", "--disable-gpu",
			 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1100,900",
			 profile, (char *)flag, (char *)url, NULL };
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);
		if (o < 0 || null < 0 || dup2(o, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		/* The screenshot lands in the working directory. */
		if (chdir(H.dir) != 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	uint64_t deadline = harness_now_ms() + 60000;
	int st;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (harness_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			fail_msg("chromium did not finish %s in 60 s", url);
		}
		usleep(50000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Loads path, returns the DOM Chromium built; saves a screenshot as name
 * when asked to. */
static char *load(const char *path, const char *name)
{
	char url[128], out[300];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", S.http_port, path);
	snprintf(out, sizeof out, "%s/dom.html", H.dir);
	assert_int_equal(chromium("--dump-dom", url, out), 0);
	const char *dir = getenv("JIANYI_SCREENSHOT_DIR");
	if (dir && *dir) {
		char shot[300], dest[600];
		assert_int_equal(chromium("--screenshot", url, NULL), 0);
		snprintf(shot, sizeof shot, "%s/screenshot.png", H.dir);
		snprintf(dest, sizeof dest, "%s/%s.png", dir, name);
		/* Copied, not renamed: the two may be on different file systems. */
		FILE *in = fopen(shot, "rb"), *o = fopen(dest, "wb");
		assert_non_null(in);
		assert_non_null(o);
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			fwrite(buf, 1, n, o);
		fclose(in);
		fclose(o);
	}
	return slurp(out);
}

/* One excellent-suggestion request as who; it must succeed. */
static void excellent_step(const char *who, Jianyi__Request *req)
{
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	memset(&e, 0, sizeof e);
	if (!jy_call(cx(who), req, &env, &e))
		fail_msg("%s: excellent-suggestion request refused: %s", who, e.message);
	jy_envelope_free(env);
}

static void excellent_year(int64_t first, int64_t second)
{
	static unsigned n;
	char keys[5][48];
	for (int i = 0; i < 5; i++)
		snprintf(keys[i], sizeof keys[i], "browser-%d-%u", (int)getpid(), n++);
	int64_t ids[2] = { first, second };
	int scores[2] = { 92, 88 };
	for (int i = 0; i < 2; i++) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentNominateRequest nom = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
		nom.idempotency_key = keys[2 * i];
		nom.year = 2031;
		nom.suggestion_id = ids[i];
		nom.reason = "办理成效显著";
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
		req.excellent_nominate = &nom;
		excellent_step("liaison", &req);
		Jianyi__Request req2 = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentScoreRequest sc = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
		sc.idempotency_key = keys[2 * i + 1];
		sc.year = 2031;
		sc.suggestion_id = ids[i];
		sc.score = scores[i];
		req2.body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
		req2.excellent_score = &sc;
		excellent_step("cmte", &req2);
	}
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentAnnounceRequest an = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
	an.idempotency_key = keys[4];
	an.year = 2031;
	req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
	req.excellent_announce = &an;
	excellent_step("liaison", &req);
}

static void pages_in_browser(void **state)
{
	(void)state;
	struct kase k, other;
	struct jy_act a;
	prepare(&k, ST_IN_PROGRESS, TITLE, false);
	wf_act_init(&a, A(REPLY), k.id, k.version);
	a.reply.text = "答复：修缮工程已列入明年计划，预计年底前完工。";
	a.reply.result_class = "A";
	ok_step("a-head", &a, &k, "replied", NULL);
	wf_act_init(&a, A(EVALUATE), k.id, k.version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step("deputy-wang", &a, &k, "evaluated");
	prepare(&other, ST_REPLIED, "关于增设公交线路的建议", false);
	char id[32], id2[32];
	snprintf(id, sizeof id, "%lld", (long long)k.id);
	snprintf(id2, sizeof id2, "%lld", (long long)other.id);
	assert_int_equal(harness_admin(&H, "publish", "--id", id, "--summary",
				       "建议对乡村公路进行修缮，并加强日常养护。", NULL), 0);
	assert_int_equal(harness_admin(&H, "publish", "--id", id2, NULL), 0);

	char *dom = load("/", "portal-list");
	/* The title is text in the DOM; the page has no script element at all. */
	assert_non_null(strstr(dom, "关于修缮&lt;script&gt;alert(1)&lt;/script&gt;乡村公路的建议"));
	assert_null(strstr(dom, "<script"));
	assert_non_null(strstr(dom, "关于增设公交线路的建议"));
	free(dom);

	char path[64];
	snprintf(path, sizeof path, "/s/%s", id);
	dom = load(path, "portal-suggestion");
	assert_null(strstr(dom, "<script"));
	assert_non_null(strstr(dom, "修缮工程已列入明年计划"));
	assert_null(strstr(dom, "0571-12345678"));
	free(dom);

	dom = load("/stats", "portal-stats");
	assert_non_null(strstr(dom, "<svg"));
	assert_non_null(strstr(dom, "<rect"));
	free(dom);

	/* Both published cases selected; the higher score first. */
	excellent_year(k.id, other.id);
	dom = load("/excellent", "portal-excellent");
	assert_null(strstr(dom, "<script"));
	const char *p1 = strstr(dom, "关于修缮&lt;script&gt;alert(1)&lt;/script&gt;乡村公路的建议");
	const char *p2 = strstr(dom, "关于增设公交线路的建议");
	assert_non_null(p1);
	assert_non_null(p2);
	assert_true(p1 < p2);
	assert_non_null(strstr(dom, "92.00"));
	free(dom);

	/* The other case's reply evaluated unsatisfied, and published as such. */
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), other.id);
	other.version = g->response->get_suggestion->suggestion->version; /* nominate, score, announce */
	jy_envelope_free(g);
	wf_act_init(&a, A(EVALUATE), other.id, other.version);
	a.evaluate.attitude = "unsatisfied";
	a.evaluate.result = "unsatisfied";
	ok_closing_step("deputy-wang", &a, &other, "rehandling");
	wf_act_init(&a, A(SUPERVISE), other.id, other.version);
	a.supervise.kind = "publish_unsatisfied";
	a.supervise.text = "代表对办理结果不满意，现予公开，督促承办单位重新办理。";
	ok_step("liaison", &a, &other, "rehandling", NULL);
	dom = load("/unsatisfied", "portal-unsatisfied");
	assert_null(strstr(dom, "<script"));
	assert_non_null(strstr(dom, "督促承办单位重新办理"));
	assert_null(strstr(dom, "0571-12345678"));
	assert_null(strstr(dom, "张经办"));
	free(dom);
}

int main(void)
{
	if (!chromium_path()) {
		fprintf(stderr, "chromium is not installed: skipping the browser check\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(pages_in_browser, wf_each),
	};
	return cmocka_run_group_tests_name("http_browser", tests, wf_setup, wf_teardown);
}
