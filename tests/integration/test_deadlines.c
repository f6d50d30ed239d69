/* The working-day calendar and the deadlines (server/sql/functions/03_calendar.sql,
 * docs/WORKFLOW.md "Deadlines") end to end, on the workflow fixture:
 * loading a calendar file with `jianyid admin calendar-load` (and refusing
 * bad ones whole), the working-day arithmetic against values worked out by
 * hand, a calendar change moving the deadlines set from it (with a
 * 'recalculate' event) but not an assigner's explicit date, and the
 * DeadlinesRequest behind `jianyi deadlines` / `jianyi overdue`: which
 * deadlines a case owes in each stage, who owes them, overdue, filters and
 * visibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

/* One text value of a query with up to two text parameters ("" for no
 * row); rotating buffers so that two can be compared in one assertion. */
static const char *sql_text(const char *query, const char *a, const char *b)
{
	static char bufs[4][512];
	static int next;
	char *buf = bufs[next++ % 4];
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect to the test database: %s", PQerrorMessage(db));
	const char *p[2] = { a, b };
	PGresult *res = PQexecParams(db, query, b ? 2 : a ? 1 : 0, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", query, PQresultErrorMessage(res));
	snprintf(buf, sizeof bufs[0], "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	PQfinish(db);
	return buf;
}

static char *write_file(const char *name, const char *text)
{
	static char path[400];
	snprintf(path, sizeof path, "%s/%s", H.dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *calendar_count(void)
{
	return sql_text("SELECT count(*) FROM calendar_days", NULL, NULL);
}

/* ---- 1. the calendar and the arithmetic ----------------------------------- */

/* 2026's National Day week as test data: Thursday 1 to Thursday 8 October
 * off (the weekend inside is skipped), Sunday 27 September and Saturday 10
 * October worked. */
static const char calendar_2026[] =
	"# test data shaped like the State Council's notice\n"
	"2026-10-01..2026-10-08  holiday  国庆节、中秋节\n"
	"\n"
	"2026-09-27 workday 国庆节调休   # a Sunday\n"
	"2026-10-10\tworkday\n";

static void calendar_and_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(harness_admin(&H, "calendar-load", "--file",
				       write_file("cal.txt", calendar_2026), NULL), 0);
	/* Six weekdays off (3 and 4 October are a weekend) and two worked. */
	assert_string_equal(calendar_count(), "8");
	assert_string_equal(sql_text("SELECT name FROM calendar_days WHERE day = '2026-09-27'", NULL, NULL),
			    "国庆节调休");

	/* Worked out by hand on the calendar above. */
	static const struct {
		const char *sql, *arg, *want;
	} cases[] = {
		{ "SELECT jy_is_working_day(1, $1::date)", "2026-10-05", "f" },   /* a Monday off */
		{ "SELECT jy_is_working_day(1, $1::date)", "2026-10-10", "t" },   /* a Saturday worked */
		{ "SELECT jy_is_working_day(1, $1::date)", "2026-10-11", "f" },   /* an ordinary Sunday */
		{ "SELECT jy_is_working_day(1, $1::date)", "2026-10-09", "t" },
		/* Friday 25 Sep + 5: Sun 27, Mon 28, Tue 29, Wed 30, Fri 9 Oct. */
		{ "SELECT jy_add_working_days(1, $1::date, 5)", "2026-09-25", "2026-10-09" },
		/* the dispute window opened Thursday 24 Sep: 10 working days. */
		{ "SELECT jy_due(1, 'dispute', $1::date)", "2026-09-24", "2026-10-14" },
		/* three months from 1 July is 1 October, a holiday: the 9th. */
		{ "SELECT jy_due(1, 'reply', $1::date)", "2026-07-01", "2026-10-09" },
		/* one month from 3 September is a Saturday in the holiday. */
		{ "SELECT jy_due(1, 'rehandle', $1::date)", "2026-09-03", "2026-10-09" },
		{ "SELECT jy_due(1, 'opinion', $1::date)", "2026-09-14", "2026-10-14" },
		/* a working day stays where it is. */
		{ "SELECT jy_next_working_day(1, $1::date)", "2026-10-10", "2026-10-10" },
		{ "SELECT jy_working_days_between(1, '2026-09-30', $1::date)", "2026-10-10", "2" },
		{ "SELECT jy_working_days_between(1, $1::date, '2026-09-30')", "2026-10-10", "-2" },
		/* an approved extension of 3 days from 30 Sep lands on the 9th. */
		{ "SELECT jy_extended(1, $1::date, 3)", "2026-09-30", "2026-10-09" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = sql_text(cases[i].sql, cases[i].arg, NULL);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s with %s: got %s, expected %s", cases[i].sql, cases[i].arg, got,
				 cases[i].want);
	}

	/* Bad files are refused whole: nothing of them is stored. */
	static const char *const bad_files[] = {
		"2026-05-01 holiday 劳动节\n2026-02-30 holiday 不存在的日子\n",
		"2026-05-01 holiday 劳动节\n2026-05-06 workday 星期三不需要调休\n",
		"2026-05-01 holiday 劳动节\n2026-05-02 holiday 星期六本来休息\n",
		"2026-05-01 day-off\n",
		"2026-05-01..2027-06-01 holiday 太长\n",
		"2026-05-05..2026-05-01 holiday 倒序\n",
		"2026-05-01 holiday 名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长名字太长\n",
	};
	for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		if (harness_admin(&H, "calendar-load", "--file", write_file("bad.txt", bad_files[i]), NULL) != 1)
			fail_msg("bad calendar file %zu was not refused with status 1", i);
		assert_string_equal(calendar_count(), "8");
	}
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", "2026-05-01", "--kind", "bogus", NULL), 2);
	assert_int_equal(harness_admin(&H, "calendar-load", "--file", "/nonexistent/cal.txt", NULL), 1);
	assert_string_equal(calendar_count(), "8");

	/* --replace-year: the file is the whole truth for that year. */
	assert_int_equal(harness_admin(&H, "calendar-load", "--replace-year", "2026", "--file",
				       write_file("cal2.txt", "2026-05-01 holiday 劳动节\n"), NULL), 0);
	assert_string_equal(calendar_count(), "1");
	assert_int_equal(harness_admin(&H, "calendar-load", "--replace-year", "2026", "--file",
				       write_file("cal.txt", calendar_2026), NULL), 0);
	assert_string_equal(calendar_count(), "8");
}

/* ---- 2. a calendar change moves the deadlines set from it ------------------ */

static void case_dates(int64_t id, char *reply, char *dispute)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	snprintf(reply, 16, "%s", sql_text("SELECT reply_deadline FROM suggestions WHERE id = $1::bigint",
					   sid, NULL));
	snprintf(dispute, 16, "%s", sql_text("SELECT dispute_due FROM suggestions WHERE id = $1::bigint",
					     sid, NULL));
}

/* The case's last timeline event, which must be 'recalculate' by liaison
 * naming the new reply deadline; returns the version. */
static int32_t expect_recalculated(int64_t id, const char *reply)
{
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), id);
	Jianyi__GetSuggestionResponse *r = g->response->get_suggestion;
	assert_int_equal((int)r->n_timeline, r->suggestion->version);
	Jianyi__TimelineEvent *last = r->timeline[r->n_timeline - 1];
	assert_string_equal(last->kind, "recalculate");
	assert_string_equal(state_str(last->from_state), state_str(r->suggestion->state));
	assert_string_equal(state_str(last->to_state), state_str(r->suggestion->state));
	assert_non_null(strstr(last->details, reply));
	assert_string_equal(r->suggestion->reply_deadline, reply);
	int32_t v = r->suggestion->version;
	jy_envelope_free(g);
	return v;
}

static void calendar_change_moves_deadlines(void **state)
{
	(void)state;
	struct kase dflt, fixed;
	struct jy_act a;
	prepare(&dflt, ST_ACCEPTED, "期限测试：默认期限", false);

	/* The same stage with the assigner's own date, a weekday far off. */
	prepare(&fixed, ST_REGISTERED, "期限测试：指定期限", false);
	char explicit_due[16], want[16];
	wf_date(explicit_due, sizeof explicit_due, 150);
	wf_weekday_on_or_after(want, sizeof want, explicit_due);
	wf_act_init(&a, A(ASSIGN), fixed.id, fixed.version);
	a.assign.lead_unit_id = unit_a;
	a.assign.reply_deadline = want;
	ok_step("gov", &a, &fixed, "assigned", NULL);

	char reply0[16], dispute0[16], freply0[16], fdispute0[16];
	case_dates(dflt.id, reply0, dispute0);
	case_dates(fixed.id, freply0, fdispute0);
	assert_string_equal(freply0, want);
	assert_string_equal(dispute0, fdispute0);   /* both assigned today */

	/* Without naming the administrator, a change that moves cases is refused
	 * and stores nothing. */
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", reply0, "--kind", "holiday", NULL), 1);
	assert_string_equal(sql_text("SELECT count(*) FROM calendar_days WHERE day = $1::date", reply0, NULL),
			    "0");

	/* The default reply deadline becomes a holiday: it moves to the next
	 * working day; the assigner's own date does not move. */
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", reply0, "--kind", "holiday", "--name",
				       "测试假日", "--by", "liaison", NULL), 0);
	char next[16], moved[16], r1[16], d1[16];
	wf_date_add(next, sizeof next, reply0, 1);
	wf_weekday_on_or_after(moved, sizeof moved, next);
	case_dates(dflt.id, r1, d1);
	assert_string_equal(r1, moved);
	assert_string_equal(d1, dispute0);
	int32_t v = expect_recalculated(dflt.id, moved);
	assert_int_equal(v, dflt.version + 1);
	dflt.version = v;
	case_dates(fixed.id, r1, d1);
	assert_string_equal(r1, want);
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), fixed.id);
	assert_int_equal(g->response->get_suggestion->suggestion->version, fixed.version);
	jy_envelope_free(g);

	/* The last day of the dispute window becomes a holiday: both windows
	 * (opened the same day) close one working day later. */
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", dispute0, "--kind", "holiday", "--by",
				       "liaison", NULL), 0);
	char dmoved[16];
	wf_date_add(next, sizeof next, dispute0, 1);
	wf_weekday_on_or_after(dmoved, sizeof dmoved, next);
	case_dates(dflt.id, r1, d1);
	assert_string_equal(d1, dmoved);
	case_dates(fixed.id, r1, d1);
	assert_string_equal(d1, dmoved);
	assert_string_equal(r1, want);
	dflt.version = expect_recalculated(dflt.id, moved);
	fixed.version = expect_recalculated(fixed.id, want);

	/* Clearing the holidays puts the dates back. */
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", reply0, "--kind", "clear", "--by",
				       "liaison", NULL), 0);
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", dispute0, "--kind", "clear", "--by",
				       "liaison", NULL), 0);
	case_dates(dflt.id, r1, d1);
	assert_string_equal(r1, reply0);
	assert_string_equal(d1, dispute0);
	expect_recalculated(dflt.id, reply0);
	/* A change that moves nothing records nothing. */
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", "2030-01-01", "--kind", "holiday",
				       NULL), 0);
	g = wf_get_ok(cx("liaison"), fixed.id);
	int32_t fv = g->response->get_suggestion->suggestion->version;
	jy_envelope_free(g);
	assert_int_equal(harness_admin(&H, "calendar-set", "--date", "2030-01-01", "--kind", "clear", NULL),
			 0);
	g = wf_get_ok(cx("liaison"), fixed.id);
	assert_int_equal(g->response->get_suggestion->suggestion->version, fv);
	jy_envelope_free(g);
}

/* ---- 3. the DeadlinesRequest ----------------------------------------------- */

struct dl_query {
	int64_t id;
	bool overdue;
	int32_t within;
	int64_t unit;
	const char *kind;
};

/* Asks as who; returns the response envelope (the caller frees it), or
 * NULL with *code set when refused. */
static Jianyi__Envelope *deadlines(const char *who, const struct dl_query *q, int *code, char *field)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DeadlinesRequest d = JIANYI__DEADLINES_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	struct jy_error err;
	d.suggestion_id = q->id;
	d.overdue_only = q->overdue;
	d.within_days = q->within;
	d.unit_id = q->unit;
	d.kind = (char *)(q->kind ? q->kind : "");
	req.body_case = JIANYI__REQUEST__BODY_DEADLINES;
	req.deadlines = &d;
	*code = 0;
	if (!jy_call(cx(who), &req, &env, &err)) {
		*code = err.code;
		if (field) {
			const Jianyi__Status *st = env && env->response ? env->response->status : NULL;
			snprintf(field, 64, "%s", st && st->n_violations ? st->violations[0]->field : "");
		}
		if (env)
			jy_envelope_free(env);
		return NULL;
	}
	assert_int_equal(env->response->body_case, JIANYI__RESPONSE__BODY_DEADLINES);
	return env;
}

/* The deadlines as "kind:owner" joined with spaces, in the answer's order. */
static const char *summary(const char *who, const struct dl_query *q)
{
	static char buf[1024];
	int code;
	Jianyi__Envelope *env = deadlines(who, q, &code, NULL);
	if (!env)
		fail_msg("deadlines as %s refused: %s", who, jy_status_str(code));
	const Jianyi__DeadlinesResponse *r = env->response->deadlines;
	buf[0] = '\0';
	for (size_t i = 0; i < r->n_deadlines; i++) {
		const Jianyi__Deadline *d = r->deadlines[i];
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, "%s%s:%s", i ? " " : "", d->kind,
			 d->organization_name[0] ? d->organization_name : d->deputy_name);
	}
	jy_envelope_free(env);
	return buf;
}

static void deadlines_request(void **state)
{
	(void)state;
	struct kase as, ac, rp;
	prepare(&as, ST_ASSIGNED, "期限测试：已交办", false);
	prepare(&ac, ST_ACCEPTED, "期限测试：已接受", false);
	prepare(&rp, ST_REPLIED, "期限测试：已答复", true);

	/* Soonest first: the dispute window (10 working days) of each unit,
	 * then the co-unit's opinion (1 month), then the reply (3 months). */
	struct dl_query q = { .id = as.id };
	assert_string_equal(summary("liaison", &q),
			    "dispute:" UNIT_A " dispute:" UNIT_B " opinion:" UNIT_B " reply:" UNIT_A);
	q.id = ac.id;
	assert_string_equal(summary("liaison", &q), "opinion:" UNIT_B " reply:" UNIT_A);
	/* A reply owes each confirmed proposer an evaluation (zhao never
	 * confirmed his co-signature), and the B reply a follow-up report, due
	 * three months after it. */
	q.id = rp.id;
	const char *first = dep_wang < dep_li ? WANG : LI, *second = dep_wang < dep_li ? LI : WANG;
	char want_rp[256];
	snprintf(want_rp, sizeof want_rp, "evaluation:%s evaluation:%s follow_up:" UNIT_A, first, second);
	assert_string_equal(summary("liaison", &q), want_rp);
	/* Who still owes a form is the deputy's own and the liaison
	 * committee's business (back-to-back, the "Fixes" issue item 3). */
	assert_string_equal(summary("deputy-wang", &q), "evaluation:" WANG " follow_up:" UNIT_A);
	assert_string_equal(summary("a-clerk", &q), "follow_up:" UNIT_A);

	/* The due dates: the reply deadline as stored, the opinion one month
	 * after assignment moved off a weekend. */
	int code;
	q.id = ac.id;
	Jianyi__Envelope *env = deadlines("liaison", &q, &code, NULL);
	const Jianyi__DeadlinesResponse *r = env->response->deadlines;
	assert_int_equal(r->n_deadlines, 2);
	char today[16], month[16], want[16];
	wf_date(today, sizeof today, 0);
	assert_string_equal(r->today, today);
	wf_date_months(month, sizeof month, 1);
	wf_weekday_on_or_after(want, sizeof want, month);
	assert_string_equal(r->deadlines[0]->kind, "opinion");
	assert_string_equal(r->deadlines[0]->due, want);
	assert_int_equal(r->deadlines[0]->organization_id, unit_b);
	assert_int_equal(r->deadlines[0]->days_left, wf_days_between(today, want));
	assert_true(r->deadlines[0]->working_days_left > 0);
	assert_true(r->deadlines[0]->working_days_left < r->deadlines[0]->days_left);
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), ac.id);
	assert_string_equal(r->deadlines[1]->due, g->response->get_suggestion->suggestion->reply_deadline);
	assert_string_equal(r->deadlines[1]->title, "期限测试：已接受");
	jy_envelope_free(g);
	jy_envelope_free(env);

	/* Filters: the unit that owes it, the kind, due within N days. */
	q = (struct dl_query){ .id = ac.id, .unit = unit_b };
	assert_string_equal(summary("liaison", &q), "opinion:" UNIT_B);
	q = (struct dl_query){ .id = as.id, .kind = "dispute" };
	assert_string_equal(summary("liaison", &q), "dispute:" UNIT_A " dispute:" UNIT_B);
	q = (struct dl_query){ .id = as.id, .within = 20 };
	assert_string_equal(summary("liaison", &q), "dispute:" UNIT_A " dispute:" UNIT_B);

	/* Overdue: the reply deadline passed three days ago. */
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)ac.id);
	sql_exec("UPDATE suggestions SET reply_deadline = jy_today() - 3 WHERE id = $1::bigint", sid);
	q = (struct dl_query){ .id = ac.id, .overdue = true };
	env = deadlines("liaison", &q, &code, NULL);
	r = env->response->deadlines;
	assert_int_equal(r->n_deadlines, 1);
	assert_string_equal(r->deadlines[0]->kind, "reply");
	assert_int_equal(r->deadlines[0]->days_left, -3);
	assert_true(r->deadlines[0]->working_days_left < 0);
	jy_envelope_free(env);
	/* Everything overdue, as the liaison committee sees it, includes it
	 * and nothing that is not overdue. */
	q = (struct dl_query){ .overdue = true };
	env = deadlines("liaison", &q, &code, NULL);
	r = env->response->deadlines;
	bool found = false;
	for (size_t i = 0; i < r->n_deadlines; i++) {
		assert_true(r->deadlines[i]->days_left < 0);
		found = found || r->deadlines[i]->suggestion_id == ac.id;
	}
	assert_true(found);
	jy_envelope_free(env);

	/* Visibility: the co-handling unit sees the case's deadlines, a unit
	 * with no part in it sees none, nor does another deputy. */
	q = (struct dl_query){ .id = ac.id };
	assert_string_equal(summary("b-clerk", &q), "reply:" UNIT_A " opinion:" UNIT_B);   /* overdue first */
	assert_string_equal(summary("c-clerk", &q), "");
	assert_string_equal(summary("deputy-sun", &q), "");

	/* Bad input names the field. */
	char field[64];
	q = (struct dl_query){ .kind = "lunch" };
	assert_null(deadlines("liaison", &q, &code, field));
	assert_int_equal(code, INVALID);
	assert_string_equal(field, "deadlines.kind");
	q = (struct dl_query){ .within = -1 };
	assert_null(deadlines("liaison", &q, &code, field));
	assert_int_equal(code, INVALID);
	assert_string_equal(field, "deadlines.within_days");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(calendar_and_arithmetic, wf_each),
		cmocka_unit_test_setup(calendar_change_moves_deadlines, wf_each),
		cmocka_unit_test_setup(deadlines_request, wf_each),
	};
	return cmocka_run_group_tests_name("deadlines", tests, wf_setup, wf_teardown);
}
