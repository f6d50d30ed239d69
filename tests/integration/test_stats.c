/* Statistics (StatsRequest, jy_stats, server/sql/functions/09_stats.sql) against a data set
 * whose true figures are known. The generator below decides every case's
 * facts (unit, category, dates, reply classes, evaluation forms, state) as
 * day offsets from today, writes them straight into the tables as the
 * database owner (one multi-statement batch), and computes the true figures
 * from the same decisions with the definitions of README.md "Statistics".
 * Every figure jianyid answers must equal them: counts exactly, rates and
 * averages within 1e-9. Also: a unit sees only its own row, a deputy only
 * their cases, the public is refused, bad input names its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

#define NUNITS 4
#define NCATS 5
#define MAXCASES 1100

static const char *const cats[NCATS] = { "交通", "教育", "城建", "财政", "民生" };
static const char *const unit_names[NUNITS] = { UNIT_A, UNIT_B, UNIT_C, UNIT_D };

/* One generated case; dates are days relative to today (negative: past). */
struct gcase {
	int64_t id;
	int term, session, number;
	int unit, co_unit, cat, dep;           /* co_unit -1: none */
	char state[16];
	int assigned, deadline, ext_days;
	bool replied;
	int reply1;                            /* date of the first reply */
	char class1, latest;                   /* result classes; 0: none */
	bool follow_up;                        /* a follow-up report (class = latest) */
	int r1_eval;                           /* 0 none, 1 satisfied, 2 basically, 3 unsatisfied */
	bool r1_attitude_unsat;
	bool reply2;                           /* a re-handling reply (round 2) */
	char class2;
	int r2_eval;                           /* as r1_eval */
	int rehandle_due;
	bool counted;                          /* false: withdrawn / merged / converted / draft */
};

static struct gcase G[MAXCASES];
static size_t NG;

/* The shares of one term/session. */
struct shares {
	int term, session, n;
	int replied;        /* the first n_replied cases replied */
	int overdue;        /* of the rest, this many past their deadline (in_progress) */
	int evaluated;      /* the first n_evaluated replied cases evaluated (one form each) */
	int satisfied;      /* round-1 forms "satisfied" */
	int basic;          /* round-1 forms "basically satisfied" (the rest: unsatisfied) */
	int attitude_only;  /* of the satisfied ones, attitude unsatisfied (re-handled too) */
};

static void generate(const struct shares *p, int64_t *next_id)
{
	int k_rehandled = 0;
	for (int i = 0; i < p->n; i++) {
		struct gcase *c = &G[NG++];
		memset(c, 0, sizeof *c);
		c->id = (*next_id)++;
		c->term = p->term;
		c->session = p->session;
		c->number = i + 1;
		c->counted = true;
		c->unit = i % NUNITS;
		c->co_unit = i % 7 == 0 ? (c->unit + 1) % NUNITS : -1;
		c->cat = (i / NUNITS) % NCATS;
		c->dep = i % 3;
		c->assigned = -(100 + i % 37);
		c->ext_days = i % 10 == 3 ? 30 : 0;
		c->deadline = c->assigned + 90 + c->ext_days;
		if (i >= p->replied) {
			if (i < p->replied + p->overdue) {
				snprintf(c->state, sizeof c->state, "in_progress");
				c->deadline = -5;
			} else {
				snprintf(c->state, sizeof c->state, "assigned");
				c->deadline = 30;
			}
			c->assigned = c->deadline - 90 - c->ext_days;
			continue;
		}
		int j = i;                    /* index among replied cases */
		int d = 20 + (j * 7) % 80;    /* days from assignment to the first reply */
		c->replied = true;
		c->reply1 = c->assigned + d;
		static const char first[9] = { 'A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'D' };
		c->class1 = c->latest = first[j % 9];
		snprintf(c->state, sizeof c->state, "replied");
		if (j < p->evaluated) {
			int q = (j * 37) % p->evaluated;   /* spreads the shares over units */
			c->r1_eval = q < p->satisfied ? 1 : q < p->satisfied + p->basic ? 2 : 3;
			c->r1_attitude_unsat = q < p->attitude_only;
			if (c->r1_eval == 3 || c->r1_attitude_unsat) {
				int k = k_rehandled++;
				if (k % 3 == 0) {          /* re-replied A, then satisfied */
					c->reply2 = true, c->class2 = 'A', c->r2_eval = 1;
					snprintf(c->state, sizeof c->state, "evaluated");
				} else if (k % 3 == 1) {   /* re-replied B, unsatisfied again: overdue */
					c->reply2 = true, c->class2 = 'B', c->r2_eval = 3;
					c->rehandle_due = -3;
					snprintf(c->state, sizeof c->state, "rehandling");
				} else {                   /* still being re-handled, in time */
					c->rehandle_due = 10;
					snprintf(c->state, sizeof c->state, "rehandling");
				}
				if (c->reply2)
					c->latest = c->class2;
			} else {
				snprintf(c->state, sizeof c->state, j % 5 == 0 ? "closed" : "evaluated");
			}
		}
		/* Some B replies were followed up as solved. */
		if (!c->reply2 && c->class1 == 'B' && (j / 9) % 3 == 0) {
			c->follow_up = true;
			c->latest = 'A';
		}
	}
}

/* Cases that must not count: withdrawn, merged and converted after
 * registration, and drafts. */
static void generate_excluded(int term, int session, int first_number, int64_t *next_id)
{
	static const char *const st[4] = { "withdrawn", "merged", "converted", "draft" };
	for (int i = 0; i < 20; i++) {
		struct gcase *c = &G[NG++];
		memset(c, 0, sizeof *c);
		c->id = (*next_id)++;
		c->term = term, c->session = session;
		c->number = st[i % 4][0] == 'd' ? 0 : first_number + i;
		c->unit = i % NUNITS, c->co_unit = -1, c->cat = i % NCATS, c->dep = 0;
		snprintf(c->state, sizeof c->state, "%s", st[i % 4]);
	}
}

/* ---- true figures -------------------------------------------------------- */

struct figures {
	int64_t total, replied, due, on_time, evaluated, solved, rehandled, overdue;
	int64_t r1_forms, r1_sat, last_forms, last_sat, days_sum;
	int64_t by_class[4];
	int64_t by_state[16];
};

static const char *const state_names[] = {
	"draft", "submitted", "returned", "registered", "assigned", "disputed", "accepted",
	"in_progress", "replied", "rehandling", "evaluated", "closed", "withdrawn", "merged",
	"converted",
};

static int state_index(const char *s)
{
	for (int i = 0; i < 15; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	fail_msg("unknown state %s", s);
	return 0;
}

static void add_case(struct figures *f, const struct gcase *c)
{
	f->total++;
	f->by_state[state_index(c->state)]++;
	bool due = c->replied || c->deadline < 0;
	f->due += due;
	if (c->replied) {
		f->replied++;
		f->by_class[c->class1 - 'A']++;
		f->on_time += c->reply1 <= c->deadline;
		f->solved += c->latest == 'A';
		f->days_sum += c->reply1 - c->assigned;
	}
	if (c->r1_eval) {
		f->evaluated++;
		f->r1_forms++;
		f->r1_sat += c->r1_eval != 3;
		int last = c->r2_eval ? c->r2_eval : c->r1_eval;
		f->last_forms++;
		f->last_sat += last != 3;
		f->rehandled += c->r1_eval == 3 || c->r1_attitude_unsat;
	}
	if ((strcmp(c->state, "in_progress") == 0 || strcmp(c->state, "assigned") == 0)
	    && c->deadline < 0)
		f->overdue++;
	if (strcmp(c->state, "rehandling") == 0 && c->rehandle_due < 0)
		f->overdue++;
}

static double rate(int64_t n, int64_t d)
{
	return d == 0 ? -1.0 : (double)n / (double)d;
}

/* ---- writing the data set ------------------------------------------------ */

struct sbuf { char *p; size_t n, cap; };

static void sb(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k >= 0 && (size_t)k < b->cap - b->n) {
			b->n += (size_t)k;
			return;
		}
		b->cap = b->cap * 2 + (size_t)k + 4096;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
}

static int64_t unit_id(int u)
{
	int64_t ids[NUNITS] = { unit_a, unit_b, unit_c, unit_d };
	return ids[u];
}

static int64_t dep_id(int d)
{
	int64_t ids[4] = { dep_wang, dep_li, dep_zhao, dep_sun };
	return ids[d];
}

static void write_cases(void)
{
	int64_t creator = sql_id("SELECT id FROM accounts WHERE login = $1", "deputy-wang");
	int64_t head = sql_id("SELECT id FROM accounts WHERE login = $1", "a-head");
	int64_t gov = sql_id("SELECT id FROM accounts WHERE login = $1", "gov");
	struct sbuf b = { 0 };
	sb(&b, "BEGIN;\n"
	       "CREATE FUNCTION pg_temp.ts(d int) RETURNS timestamptz LANGUAGE sql AS "
	       "$$ SELECT ((jy_today() + d) + time '12:00') AT TIME ZONE jy_setting('time_zone') $$;\n"
	       "CREATE FUNCTION pg_temp.dt(d int) RETURNS date LANGUAGE sql AS "
	       "$$ SELECT jy_today() + d $$;\n");
	for (size_t i = 0; i < NG; i++) {
		const struct gcase *c = &G[i];
		bool merged = strcmp(c->state, "merged") == 0;
		bool converted = strcmp(c->state, "converted") == 0;
		bool assigned = c->counted;
		int round = c->reply2 ? 2 : c->replied ? 1 : 0;
		char latest[8] = "NULL";
		if (c->replied)
			snprintf(latest, sizeof latest, "'%c'", c->latest);
		char number[16] = "NULL", deadline[32] = "NULL", dispute[32] = "NULL";
		char rehandle[32] = "NULL", merged_into[24] = "NULL";
		if (c->number)
			snprintf(number, sizeof number, "%d", c->number);
		if (assigned) {
			snprintf(deadline, sizeof deadline, "pg_temp.dt(%d)", c->deadline);
			snprintf(dispute, sizeof dispute, "pg_temp.dt(%d)", c->assigned + 10);
		}
		if (strcmp(c->state, "rehandling") == 0)
			snprintf(rehandle, sizeof rehandle, "pg_temp.dt(%d)", c->rehandle_due);
		if (merged)
			snprintf(merged_into, sizeof merged_into, "%lld", (long long)G[0].id);
		sb(&b, "INSERT INTO suggestions (id, state, version, title, body, category, lead_deputy_id,"
		       " created_by, term, session, number, reply_deadline, dispute_due, rehandle_due,"
		       " result_class, round, merged_into, converted_to) OVERRIDING SYSTEM VALUE VALUES ("
		       "%lld, '%s', 1, '统计测试建议 %lld', '正文', '%s', %lld, %lld, %d, %d, %s, %s, %s, %s,"
		       " %s, %d, %s, %s);\n",
		   (long long)c->id, c->state, (long long)c->id, cats[c->cat], (long long)dep_id(c->dep),
		   (long long)creator, c->term, c->session, number, deadline, dispute, rehandle,
		   latest, round, merged_into, converted ? "'letter'" : "NULL");
		if (!assigned)
			continue;
		sb(&b, "INSERT INTO suggestion_units (suggestion_id, organization_id, role, position,"
		       " assigned_at) VALUES (%lld, %lld, 'lead', 0, pg_temp.ts(%d));\n",
		   (long long)c->id, (long long)unit_id(c->unit), c->assigned);
		if (c->co_unit >= 0)
			sb(&b, "INSERT INTO suggestion_units (suggestion_id, organization_id, role, position,"
			       " assigned_at) VALUES (%lld, %lld, 'co', 1, pg_temp.ts(%d));\n",
			   (long long)c->id, (long long)unit_id(c->co_unit), c->assigned);
		if (c->ext_days)
			sb(&b, "INSERT INTO extensions (suggestion_id, days, reason, status, requested_by,"
			       " requested_at, decided_by, decided_at, decision_reason) VALUES (%lld, %d,"
			       " '调研', 'approved', %lld, pg_temp.ts(%d), %lld, pg_temp.ts(%d), '同意');\n",
			   (long long)c->id, c->ext_days, (long long)head, c->assigned + 30,
			   (long long)gov, c->assigned + 31);
		if (c->replied)
			sb(&b, "INSERT INTO replies (suggestion_id, round, text, result_class,"
			       " organization_id, signed_by, at) VALUES (%lld, 1, '答复', '%c', %lld, %lld,"
			       " pg_temp.ts(%d));\n",
			   (long long)c->id, c->class1, (long long)unit_id(c->unit), (long long)head,
			   c->reply1);
		if (c->follow_up)
			sb(&b, "INSERT INTO follow_ups (suggestion_id, round, text, result_class, written_by,"
			       " at) VALUES (%lld, 1, '已解决', 'A', %lld, pg_temp.ts(%d));\n",
			   (long long)c->id, (long long)head, c->reply1 / 2);
		static const char *const ev[4] = { "", "satisfied", "basically_satisfied", "unsatisfied" };
		if (c->r1_eval)
			sb(&b, "INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, at)"
			       " VALUES (%lld, 1, %lld, '%s', '%s', pg_temp.ts(%d));\n",
			   (long long)c->id, (long long)dep_id(c->dep),
			   c->r1_attitude_unsat ? "unsatisfied" : "satisfied", ev[c->r1_eval], c->reply1);
		if (c->reply2)
			sb(&b, "INSERT INTO replies (suggestion_id, round, text, result_class,"
			       " organization_id, signed_by, at) VALUES (%lld, 2, '再次答复', '%c', %lld, %lld,"
			       " pg_temp.ts(%d));\n",
			   (long long)c->id, c->class2, (long long)unit_id(c->unit), (long long)head,
			   c->reply1 / 2);
		if (c->r2_eval)
			sb(&b, "INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, at)"
			       " VALUES (%lld, 2, %lld, 'satisfied', '%s', pg_temp.ts(%d));\n",
			   (long long)c->id, (long long)dep_id(c->dep), ev[c->r2_eval], c->reply1 / 2);
	}
	sb(&b, "COMMIT;\n");
	PGconn *db = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	PGresult *res = PQexec(db, b.p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("writing the data set failed: %s", PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
	free(b.p);
}

/* ---- asking ---------------------------------------------------------- */

static int ask(const char *who, int term, int session, const char *group_by, struct wf_res *r)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest sr = JIANYI__STATS_REQUEST__INIT;
	sr.term = term;
	sr.session = session;
	sr.group_by = (char *)group_by;
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &sr;
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	memset(&e, 0, sizeof e);
	jy_call(cx(who), &req, &env, &e);
	wf_res_from_env(r, env, &e);
	return r->code;
}

static const Jianyi__StatsResponse *stats_of(const struct wf_res *r)
{
	assert_int_equal(r->code, OK);
	assert_int_equal(r->env->response->body_case, JIANYI__RESPONSE__BODY_STATS);
	return r->env->response->stats;
}

#define EQ(name, got, want) do { \
	if ((int64_t)(got) != (int64_t)(want)) \
		fail_msg("%s %s: jianyi says %lld, true value %lld", row->group, name, \
			 (long long)(got), (long long)(want)); \
	} while (0)
#define NEAR(name, got, want) do { \
	if (fabs((got) - (want)) >= 1e-9) \
		fail_msg("%s %s: jianyi says %.12f, true value %.12f", row->group, name, \
			 (double)(got), (double)(want)); \
	} while (0)

static void check_row(const Jianyi__StatsRow *row, const struct figures *f, bool print)
{
	double avg = f->replied ? (double)f->days_sum / (double)f->replied : -1.0;
	if (print) {
		printf("# %-26s %14s %14s\n", "figure", "jianyi", "true");
		printf("# %-26s %14lld %14lld\n", "total", (long long)row->total, (long long)f->total);
		printf("# %-26s %14lld %14lld\n", "replied", (long long)row->replied, (long long)f->replied);
		printf("# %-26s %14lld %14lld\n", "on time / due", (long long)row->on_time, (long long)f->on_time);
		printf("# %-26s %14lld %14lld\n", "due", (long long)row->due, (long long)f->due);
		printf("# %-26s %14.10f %14.10f\n", "on_time_rate", row->on_time_rate, rate(f->on_time, f->due));
		printf("# %-26s %14lld %14lld\n", "evaluated (cases)", (long long)row->evaluated, (long long)f->evaluated);
		printf("# %-26s %14lld %14lld\n", "round-1 satisfied forms", (long long)row->first_round_satisfied, (long long)f->r1_sat);
		printf("# %-26s %14.10f %14.10f\n", "first_round_satisfaction", row->first_round_satisfaction, rate(f->r1_sat, f->r1_forms));
		printf("# %-26s %14.10f %14.10f\n", "final_satisfaction", row->final_satisfaction, rate(f->last_sat, f->last_forms));
		printf("# %-26s %14lld %14lld\n", "solved (latest A)", (long long)row->solved, (long long)f->solved);
		printf("# %-26s %14.10f %14.10f\n", "solved_rate", row->solved_rate, rate(f->solved, f->replied));
		printf("# %-26s %14lld %14lld\n", "rehandled", (long long)row->rehandled, (long long)f->rehandled);
		printf("# %-26s %14.10f %14.10f\n", "avg_days_to_reply", row->avg_days_to_reply, avg);
		printf("# %-26s %14lld %14lld\n", "overdue_now", (long long)row->overdue_now, (long long)f->overdue);
		for (int k = 0; k < 4; k++) {
			int64_t got = 0;
			for (size_t m = 0; m < row->n_by_class; m++)
				if (row->by_class[m]->result_class[0] == 'A' + k)
					got = row->by_class[m]->count;
			printf("# first reply class %c        %14lld %14lld\n", 'A' + k, (long long)got,
			       (long long)f->by_class[k]);
		}
		for (size_t m = 0; m < row->n_by_state; m++)
			printf("# state %-20s %14lld %14lld\n", state_str(row->by_state[m]->state),
			       (long long)row->by_state[m]->count,
			       (long long)f->by_state[state_index(state_str(row->by_state[m]->state))]);
	}
	EQ("total", row->total, f->total);
	EQ("replied", row->replied, f->replied);
	EQ("due", row->due, f->due);
	EQ("on_time", row->on_time, f->on_time);
	EQ("evaluated", row->evaluated, f->evaluated);
	EQ("solved", row->solved, f->solved);
	EQ("rehandled", row->rehandled, f->rehandled);
	EQ("overdue_now", row->overdue_now, f->overdue);
	EQ("first_round_forms", row->first_round_forms, f->r1_forms);
	EQ("first_round_satisfied", row->first_round_satisfied, f->r1_sat);
	EQ("final_forms", row->final_forms, f->last_forms);
	EQ("final_satisfied", row->final_satisfied, f->last_sat);
	NEAR("on_time_rate", row->on_time_rate, rate(f->on_time, f->due));
	NEAR("first_round_satisfaction", row->first_round_satisfaction, rate(f->r1_sat, f->r1_forms));
	NEAR("final_satisfaction", row->final_satisfaction, rate(f->last_sat, f->last_forms));
	NEAR("solved_rate", row->solved_rate, rate(f->solved, f->replied));
	NEAR("avg_days_to_reply", row->avg_days_to_reply, avg);
	assert_int_equal(row->n_by_class, 4);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(row->by_class[k]->result_class[0], 'A' + k);
		EQ("by_class", row->by_class[k]->count, f->by_class[k]);
	}
	int64_t states_seen = 0, nonzero = 0;
	for (size_t m = 0; m < row->n_by_state; m++) {
		EQ(state_str(row->by_state[m]->state), row->by_state[m]->count,
		   f->by_state[state_index(state_str(row->by_state[m]->state))]);
		states_seen += row->by_state[m]->count;
	}
	for (int k = 0; k < 16; k++)
		nonzero += f->by_state[k] != 0;
	EQ("states listed", (int64_t)row->n_by_state, nonzero);
	EQ("sum of states", states_seen, f->total);
}

/* The true figures of the counted cases that pass keep(). */
typedef bool (*keep_fn)(const struct gcase *c, const void *arg);

static struct figures truth(keep_fn keep, const void *arg)
{
	struct figures f;
	memset(&f, 0, sizeof f);
	for (size_t i = 0; i < NG; i++)
		if (G[i].counted && keep(&G[i], arg))
			add_case(&f, &G[i]);
	return f;
}

static bool in_term(const struct gcase *c, const void *arg)
{
	const int *ts = arg;
	return (ts[0] == 0 || c->term == ts[0]) && (ts[1] == 0 || c->session == ts[1]);
}
static bool of_unit(const struct gcase *c, const void *arg) { return c->unit == *(const int *)arg; }
static bool of_cat(const struct gcase *c, const void *arg) { return c->cat == *(const int *)arg; }
static bool of_dep(const struct gcase *c, const void *arg) { return c->dep == *(const int *)arg; }
static bool of_unit18(const struct gcase *c, const void *arg)
{
	return c->term == 18 && c->unit == *(const int *)arg;
}

/* ---- the test ---------------------------------------------------------- */

static const struct shares MAIN = {
	/* 970 cases; 900 replied, 40 overdue without a reply, 30 in time;
	 * 800 evaluated: 600 satisfied + 76 basically = 676 (84.5%),
	 * 124 unsatisfied; 10 satisfied with the result but not the attitude. */
	.term = 18, .session = 2, .n = 970, .replied = 900, .overdue = 40,
	.evaluated = 800, .satisfied = 600, .basic = 76, .attitude_only = 10,
};
static const struct shares OTHER = {
	.term = 17, .session = 1, .n = 30, .replied = 25, .overdue = 3,
	.evaluated = 20, .satisfied = 14, .basic = 3, .attitude_only = 1,
};

static void figures_match(void **state)
{
	(void)state;
	int64_t next = 100000;
	NG = 0;
	generate(&MAIN, &next);
	generate_excluded(18, 2, 2000, &next);
	generate(&OTHER, &next);
	write_cases();

	struct wf_res r;
	/* The whole term 18, session 2: the chosen shares, literally. */
	ask("liaison", 18, 2, "", &r);
	const Jianyi__StatsResponse *s = stats_of(&r);
	assert_int_equal(s->n_rows, 1);
	const Jianyi__StatsRow *row = s->rows[0];
	assert_string_equal(row->group, "all");
	int ts[2] = { 18, 2 };
	struct figures f = truth(in_term, ts);
	printf("# term 18 session 2, every unit (liaison's view)\n");
	check_row(row, &f, true);
	assert_int_equal(f.total, 970);
	assert_int_equal(f.r1_forms, 800);
	assert_int_equal(f.r1_sat, 676);
	NEAR("first_round_satisfaction (84.5%)", row->first_round_satisfaction, 0.845);
	assert_int_equal(row->replied, 900);
	assert_int_equal(row->rehandled, 124 + 10);
	wf_res_free(&r);

	/* Per unit in term 18 (both sessions: there is only session 2). */
	ask("gov", 18, 0, "unit", &r);
	s = stats_of(&r);
	assert_int_equal(s->n_rows, NUNITS);
	for (size_t i = 0; i < s->n_rows; i++) {
		row = s->rows[i];
		int u = -1;
		for (int k = 0; k < NUNITS; k++)
			if (strcmp(row->group, unit_names[k]) == 0)
				u = k;
		assert_true(u >= 0);
		f = truth(of_unit18, &u);
		check_row(row, &f, false);
	}
	wf_res_free(&r);

	/* Per category over every term. */
	ask("cmte", 0, 0, "category", &r);
	s = stats_of(&r);
	assert_int_equal(s->n_rows, NCATS);
	for (size_t i = 0; i < s->n_rows; i++) {
		row = s->rows[i];
		int k = -1;
		for (int m = 0; m < NCATS; m++)
			if (strcmp(row->group, cats[m]) == 0)
				k = m;
		assert_true(k >= 0);
		f = truth(of_cat, &k);
		check_row(row, &f, false);
	}
	wf_res_free(&r);

	/* Per term and session: 17-1 first, then 18-2. */
	ask("leader", 0, 0, "term_session", &r);
	s = stats_of(&r);
	assert_int_equal(s->n_rows, 2);
	assert_string_equal(s->rows[0]->group, "第17届第1次会议");
	assert_string_equal(s->rows[1]->group, "第18届第2次会议");
	int t17[2] = { 17, 1 };
	row = s->rows[0];
	f = truth(in_term, t17);
	check_row(row, &f, false);
	row = s->rows[1];
	f = truth(in_term, ts);
	check_row(row, &f, false);
	wf_res_free(&r);

	/* A handling unit: only the cases it leads, so only its own row. */
	ask("a-clerk", 0, 0, "unit", &r);
	s = stats_of(&r);
	assert_int_equal(s->n_rows, 1);
	row = s->rows[0];
	assert_string_equal(row->group, UNIT_A);
	int ua = 0;
	f = truth(of_unit, &ua);
	printf("# unit %s (its own view, every term): total %lld, true %lld\n", UNIT_A,
	       (long long)row->total, (long long)f.total);
	check_row(row, &f, false);
	wf_res_free(&r);
	ask("b-head", 0, 0, "", &r);
	s = stats_of(&r);
	assert_int_equal(s->n_rows, 1);
	row = s->rows[0];
	int ub = 1;
	f = truth(of_unit, &ub);
	check_row(row, &f, false);
	wf_res_free(&r);

	/* A deputy: their own cases. */
	ask("deputy-wang", 0, 0, "", &r);
	s = stats_of(&r);
	row = s->rows[0];
	int dw = 0;
	f = truth(of_dep, &dw);
	check_row(row, &f, false);
	wf_res_free(&r);
}

static void refusals(void **state)
{
	(void)state;
	struct wf_res r;
	assert_int_equal(ask("visitor", 0, 0, "", &r), DENIED);
	wf_res_free(&r);
	assert_int_equal(ask("liaison", 0, 0, "region", &r), INVALID);
	assert_true(wf_names(&r, "group_by"));
	wf_res_free(&r);
	assert_int_equal(ask("liaison", 100, 0, "", &r), INVALID);
	assert_true(wf_names(&r, "term"));
	wf_res_free(&r);
	assert_int_equal(ask("liaison", 18, 21, "unit", &r), INVALID);
	assert_true(wf_names(&r, "session"));
	wf_res_free(&r);
	assert_int_equal(ask("liaison", -1, 0, "", &r), INVALID);
	wf_res_free(&r);
	/* Nothing counted yet in a term with no cases: one row, rates -1. */
	assert_int_equal(ask("liaison", 99, 0, "", &r), OK);
	const Jianyi__StatsRow *row = r.env->response->stats->rows[0];
	assert_int_equal(row->total, 0);
	assert_true(row->on_time_rate == -1.0 && row->solved_rate == -1.0);
	wf_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(refusals, wf_each),
		cmocka_unit_test_setup(figures_match, wf_each),
	};
	return cmocka_run_group_tests_name("stats", tests, wf_setup, wf_teardown);
}
