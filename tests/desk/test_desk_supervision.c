/* The desk's pages for the liaison committee (docs/DESK.md, "How it is
 * tested"): the workflow fixture with a case whose reply is 3 days
 * overdue and supervised, one replied and one assigned; the real desk
 * signed in as the liaison officer (刘联络). desk_supervision.py (dogtail)
 * checks on screen the overdue row (unit, case, days), the supervision
 * record, the statistics' figures and the result classes' chart's
 * accessible description against what the server answers StatsRequest
 * here, exports the ledger to XLSX through the save dialog and reads the
 * file back: one row a case the ledger holds, and the header. Then the
 * page's own actions: the officer records a supervision on the assigned
 * case (on the page, in its timeline), makes a topic and puts the two key
 * cases under it, nominates the replied case; a leader's desk scores it;
 * the officer announces the round. The server must then hold the record,
 * the topic with its committee, leaders and two cases, and the announced
 * round with the case first.
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "desk_runner.h"
#include "wf_helpers.h"

#define OVERDUE_TITLE "关于整治城区主干道积水点的建议"
#define OVERDUE_DAYS 3
#define REPLIED_TITLE "关于增设城区公共停车位的建议"
#define ASSIGNED_TITLE "关于修缮县城老旧小区道路的建议"
#define RECORD_TEXT "已约谈承办单位负责人，要求本周内报送整改进度"
#define TOPIC_NAME "城区道路交通重点督办专题"
#define TOPIC_WORDS "城区主干道积水"      /* words of the overdue case's title */
#define SCORE 92

/* One request as the liaison officer; its answer must come. */
static Jianyi__Envelope *ask(Jianyi__Request *req, const char *what)
{
	Jianyi__Envelope *env = NULL;
	char msg[256] = "";

	if (wf_call(cx("liaison"), req, &env, msg, sizeof msg) != OK)
		fail_msg("%s: %s", what, msg);
	return env;
}

/* A case's number as the server gives it, into buf. */
static void case_number(int64_t id, char *buf, size_t len)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__GetSuggestionRequest q = JIANYI__GET_SUGGESTION_REQUEST__INIT;
	Jianyi__Envelope *env;

	jy_request_get(&req, &q, id);
	env = ask(&req, "GetSuggestion");
	snprintf(buf, len, "%s", env->response->get_suggestion->suggestion->number);
	jy_envelope_free(env);
	assert_true(buf[0] != '\0');
}

/* The desk's supervision record of the case, on the server. */
static void server_has_record(int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__SupervisionListResponse *r;

	q.suggestion_id = id;
	req.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
	req.supervision_list = &q;
	env = ask(&req, "SupervisionList");
	r = env->response->supervision_list;
	assert_int_equal(r->n_records, 1);
	assert_string_equal(r->records[0]->text, RECORD_TEXT);
	assert_string_equal(r->records[0]->kind, "note");
	assert_string_equal(r->records[0]->author_login, "liaison");
	jy_envelope_free(env);
}

/* The desk's topic: its committee, its leaders and the two cases. */
static void server_has_topic(int64_t first, int64_t second)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicListRequest l = JIANYI__TOPIC_LIST_REQUEST__INIT;
	Jianyi__TopicShowRequest q = JIANYI__TOPIC_SHOW_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__Topic *t;

	req.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
	req.topic_list = &l;
	env = ask(&req, "TopicList");
	assert_int_equal(env->response->topic_list->n_topics, 1);
	t = env->response->topic_list->topics[0];
	assert_string_equal(t->name, TOPIC_NAME);
	assert_int_equal(t->committee_id, committee_id);
	assert_int_equal(t->n_leaders, 2);
	assert_string_equal(t->leaders[0], "周主任");
	assert_string_equal(t->leaders[1], "钱委员");
	q.topic_id = t->id;
	jy_envelope_free(env);
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_SHOW;
	req.topic_show = &q;
	env = ask(&req, "TopicShow");
	assert_int_equal(env->response->topic_show->n_suggestions, 2);
	assert_int_equal(env->response->topic_show->suggestions[0]->id, first < second ? first : second);
	assert_int_equal(env->response->topic_show->suggestions[1]->id, first < second ? second : first);
	jy_envelope_free(env);
}

/* The year's round: announced, the case first with the leader's score. */
static void server_has_selection(int year, int64_t id)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentListRequest q = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__ExcellentResponse *r;

	q.year = year;
	req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
	req.excellent_list = &q;
	env = ask(&req, "ExcellentList");
	r = env->response->excellent_list;
	assert_true(r->announced);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->n_entries, 1);
	assert_int_equal(r->entries[0]->suggestion_id, id);
	assert_int_equal(r->entries[0]->rank, 1);
	assert_int_equal(r->entries[0]->scores, 1);
	assert_string_equal(r->entries[0]->average, "92.00");
	jy_envelope_free(env);
}

static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

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
	struct cli_call lead = { .sp = &S, .who = "leader", .env = "LANG=zh_CN.UTF-8" };
	char env[2048], leader_env[2048], cmd[12000], classes[128], on_time[32], id[32], xlsx[400];
	char record_number[64], nominee_number[64];
	Jianyi__Envelope *stats;
	const Jianyi__StatsRow *r;
	struct stat st;
	int st_code;

	(void)state;
	prepare(&late, ST_IN_PROGRESS, OVERDUE_TITLE, false);
	prepare(&replied, ST_REPLIED, REPLIED_TITLE, false);
	prepare(&assigned, ST_ASSIGNED, ASSIGNED_TITLE, false);
	snprintf(id, sizeof id, "%" PRId64, late.id);
	sql_exec("UPDATE suggestions SET reply_deadline = jy_today() - 3 WHERE id = $1::bigint",
		 id);
	act("liaison", A(SUPERVISE), &late, NULL);
	/* topics take key cases (marked at assignment; here by hand) */
	sql_exec("UPDATE suggestions SET key = true WHERE id = $1::bigint", id);
	snprintf(id, sizeof id, "%" PRId64, replied.id);
	sql_exec("UPDATE suggestions SET key = true WHERE id = $1::bigint", id);
	case_number(assigned.id, record_number, sizeof record_number);
	case_number(replied.id, nominee_number, sizeof nominee_number);
	stats = server_stats();
	r = stats->response->stats->rows[0];
	assert_true(r->overdue_now >= 1);
	classes_text(r, classes, sizeof classes);
	rate_text(r->on_time_rate, on_time, sizeof on_time);
	snprintf(xlsx, sizeof xlsx, "%s/desk-ledger.xlsx", H.dir);
	harness_cli_env(&H, &c, env, sizeof env);
	harness_cli_env(&H, &lead, leader_env, sizeof leader_env);
	snprintf(cmd, sizeof cmd,
		 "env %s PYTHONDONTWRITEBYTECODE=1 GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 "
		 "GTK_MODULES=gail:atk-bridge DESK_NAME=desk_supervision DESK_EXE='%s' DESK_SHOTS='%s' "
		 "DESK_SCALE=%d DESK_OVERDUE_TITLE='%s' DESK_OVERDUE_UNIT='%s' DESK_OVERDUE_DAYS=%d "
		 "DESK_TOTAL=%" PRId64 " DESK_ON_TIME='%s' DESK_CLASSES='%s' DESK_XLSX='%s' "
		 "DESK_LEDGER_ROWS=%" PRId64 " DESK_RECORD_NUMBER='%s' DESK_RECORD_TITLE='%s' "
		 "DESK_RECORD_TEXT='%s' DESK_TOPIC='%s' DESK_TOPIC_LEADERS='周主任、钱委员' "
		 "DESK_TOPIC_WORDS='%s' DESK_NOMINEE_NUMBER='%s' DESK_NOMINEE_TITLE='%s' "
		 "DESK_SCORE=%d DESK_LEADER_ENV='%s' "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_supervision.py' 2>&1",
		 env, getenv("JIANYI_DESK"),
		 getenv("JIANYI_DESK_SCREENSHOTS") ? getenv("JIANYI_DESK_SCREENSHOTS") : H.dir,
		 harness_time_scale(), OVERDUE_TITLE, UNIT_A, OVERDUE_DAYS, r->total, on_time, classes,
		 xlsx, ledger_total(), record_number, ASSIGNED_TITLE, RECORD_TEXT, TOPIC_NAME,
		 TOPIC_WORDS, nominee_number, REPLIED_TITLE, SCORE, leader_env,
		 getenv("JIANYI_SOURCE_ROOT"));
	jy_envelope_free(stats);
	st_code = system(cmd);
	if (st_code == -1 || !WIFEXITED(st_code) || WEXITSTATUS(st_code) != 0)
		fail_msg("the desk supervision scenario failed (status %d): see its output above",
			 st_code);
	/* the file the desk wrote is the owner's alone, as the CLI's */
	assert_int_equal(stat(xlsx, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* what the desk did is on the server */
	server_has_record(assigned.id);
	server_has_topic(late.id, replied.id);
	server_has_selection(this_year(), replied.id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_shows_supervision_and_statistics),
	};
	return desk_run_tests("test_desk_supervision", tests, wf_setup, wf_teardown);
}
