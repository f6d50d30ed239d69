/* Deadline notices (server/sql/functions/10_notices.sql, server/push/jobs.c, notifier.c,
 * notice_push.c, handlers_inbox.c, jianyi inbox): reminders 7 and 1 days
 * before a deadline and an overdue notice after it are raised exactly once
 * each, however often the job runs and with three jianyid racing on one
 * database; only the accounts concerned receive them; a following session
 * gets the push from another process within seconds; jianyi inbox lists and
 * marks them; an external notifier that fails twice per delivery is retried
 * until each recipient has exactly one successful delivery, and deliveries
 * pending when a jianyid is killed are delivered by the next one.
 *
 * Later days are simulated by calling jy_raise_notices(date) directly; the
 * servers' own jobs (every second) run with the real today meanwhile. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

/* ---- database helpers ------------------------------------------------------- */

static PGconn *db_connect(void)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	return db;
}

/* The first value of a query as text (into buf; "" for none or NULL). */
static const char *q_text(char *buf, size_t len, const char *sql, int n, ...)
{
	const char *params[8];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n && i < 8; i++)
		params[i] = va_arg(ap, const char *);
	va_end(ap);
	PGconn *db = db_connect();
	PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(db));
	snprintf(buf, len, "%s",
		 st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(db);
	return buf;
}

#define Q_INT(...) ({ char b_[64]; atoll(q_text(b_, sizeof b_, __VA_ARGS__)); })

static void idtext(char *buf, size_t len, int64_t id)
{
	snprintf(buf, len, "%" PRId64, id);
}

/* Polls a count until it equals want (or the time is up); returns it. */
static int64_t wait_count(int64_t want, int timeout_ms, const char *sql, const char *arg)
{
	uint64_t end = harness_now_ms() + (uint64_t)timeout_ms;
	int64_t v;
	for (;;) {
		v = Q_INT(sql, arg ? 1 : 0, arg);
		if (v == want || harness_now_ms() > end)
			return v;
		usleep(100 * 1000);
	}
}

/* jy_raise_notices on due + days, retried while a server's job holds the
 * lock; returns how many it raised (all cases). */
static int64_t raise_at(const char *due, int days)
{
	char d[16];
	snprintf(d, sizeof d, "%d", days);
	for (int i = 0; i < 100; i++) {
		int64_t n = Q_INT("SELECT jy_raise_notices($1::date + $2::int)", 2, due, d);
		if (n >= 0)
			return n;
		usleep(50 * 1000);
	}
	fail_msg("jy_raise_notices stayed locked for 5 s");
	return -1;
}

/* Moves the case's reply deadline to today + days and returns the due date
 * the open-deadline function reports for it (the calendar may shift it). */
static void set_reply_due(const struct kase *k, int days, char *due, size_t len)
{
	char id[24], d[16];
	idtext(id, sizeof id, k->id);
	snprintf(d, sizeof d, "%d", days);
	q_text(due, len, "UPDATE suggestions SET reply_deadline = jy_today() + $2::int WHERE id = $1::bigint",
	       2, id, d);
	q_text(due, len, "SELECT to_char(due, 'YYYY-MM-DD') FROM jy_open_deadlines(jy_today())"
			 " WHERE suggestion_id = $1::bigint AND kind = 'reply'", 1, id);
	assert_int_equal(strlen(due), 10);
}

/* Days from the congress's today to due. */
static int64_t days_left(const char *due)
{
	return Q_INT("SELECT $1::date - jy_today()", 1, due);
}

static int64_t count_reply_notices(const struct kase *k)
{
	char id[24];
	idtext(id, sizeof id, k->id);
	return Q_INT("SELECT count(*) FROM notices WHERE kind <> 'event' AND suggestion_id = $1::bigint"
		     " AND deadline_kind = 'reply'", 1, id);
}

/* The id of the case's reply notice with this offset (0: none). */
static int64_t notice_of(const struct kase *k, int days_before)
{
	char id[24], d[16];
	idtext(id, sizeof id, k->id);
	snprintf(d, sizeof d, "%d", days_before);
	return Q_INT("SELECT max(id) FROM notices WHERE kind <> 'event' AND suggestion_id = $1::bigint"
		     " AND deadline_kind = 'reply' AND days_before = $2::int", 2, id, d);
}

/* Logins a notice went to, sorted, comma-separated. */
static const char *recipients(char *buf, size_t len, int64_t notice)
{
	char id[24];
	idtext(id, sizeof id, notice);
	return q_text(buf, len, "SELECT string_agg(a.login, ',' ORDER BY a.login) FROM notice_recipients r"
				" JOIN accounts a ON a.id = r.account_id WHERE r.notice_id = $1::bigint", 1, id);
}

/* Accounts of units never assigned anything, or not concerned: nothing. */
static void uninvolved_receive_nothing(void)
{
	assert_int_equal(Q_INT("SELECT count(*) FROM notice_recipients r JOIN accounts a ON a.id = r.account_id"
			       " JOIN notices n ON n.id = r.notice_id AND n.kind <> 'event'"
			       " WHERE a.login IN ('c-clerk', 'c-head', 'bob', 'gov', 'cmte', 'leader',"
			       " 'visitor', 'deputy-sun')", 0), 0);
}

/* ---- 1. once each, however often the job runs -------------------------------------- */

static struct kase k1;
static char k1_due[16];

static void raised_once(void **state)
{
	(void)state;
	char buf[256];
	prepare(&k1, ST_ACCEPTED, "关于提醒一次的建议", false);
	set_reply_due(&k1, 5, k1_due, sizeof k1_due);
	int64_t left = days_left(k1_due);
	assert_true(left >= 1 && left <= 7);
	int expect = left > 1 ? 7 : 1;

	/* The server's job (every second) raises the reminder now due... */
	assert_int_equal(wait_count(1, 5000, "SELECT count(*) FROM notices WHERE kind <> 'event' AND suggestion_id = $1::bigint"
				    " AND deadline_kind = 'reply'", (idtext(buf, sizeof buf, k1.id), buf)), 1);
	/* ...and, running again and again, never a second one. */
	sleep(3);
	assert_int_equal(count_reply_notices(&k1), 1);
	int64_t first = notice_of(&k1, expect);
	assert_true(first > 0);
	assert_string_equal(recipients(buf, sizeof buf, first), "a-clerk,a-head");
	char id[24];
	idtext(id, sizeof id, first);
	assert_string_equal(q_text(buf, sizeof buf, "SELECT kind || ' ' || to_char(due, 'YYYY-MM-DD') || ' '"
				   " || organization_id FROM notices WHERE id = $1::bigint", 1, id),
			    (snprintf(buf + 128, 128, "reminder %s %" PRId64, k1_due, unit_a), buf + 128));
	/* One delivery per recipient for the external notifier. */
	assert_int_equal(Q_INT("SELECT count(*) FROM notice_deliveries WHERE notice_id = $1::bigint", 1, id), 2);

	/* The day before: the 1-day reminder, once (the due day adds nothing). */
	if (expect == 7) {
		raise_at(k1_due, -1);
		raise_at(k1_due, -1);
		raise_at(k1_due, 0);
		assert_int_equal(count_reply_notices(&k1), 2);
		assert_true(notice_of(&k1, 1) > first);
		assert_string_equal(recipients(buf, sizeof buf, notice_of(&k1, 1)), "a-clerk,a-head");
	}
	int64_t reminders = count_reply_notices(&k1);

	/* The day after: one overdue notice, to the unit and the liaison
	 * officers (alice is one too), however many days the job runs on. */
	raise_at(k1_due, 1);
	raise_at(k1_due, 1);
	raise_at(k1_due, 5);
	assert_int_equal(count_reply_notices(&k1), reminders + 1);
	int64_t overdue = notice_of(&k1, -1);
	assert_true(overdue > 0);
	assert_string_equal(recipients(buf, sizeof buf, overdue), "a-clerk,a-head,alice,liaison");
	idtext(id, sizeof id, overdue);
	assert_string_equal(q_text(buf, sizeof buf, "SELECT kind FROM notices WHERE id = $1::bigint", 1, id),
			    "overdue");
	assert_non_null(strstr(q_text(buf, sizeof buf, "SELECT text FROM notices WHERE id = $1::bigint", 1, id),
			       "关于提醒一次的建议"));
	/* The co-handling unit B owes no reply: nothing for it on this case. */
	idtext(id, sizeof id, k1.id);
	assert_int_equal(Q_INT("SELECT count(*) FROM notice_recipients r JOIN notices n ON n.id = r.notice_id"
			       " JOIN accounts a ON a.id = r.account_id WHERE n.suggestion_id = $1::bigint"
			       " AND n.kind <> 'event'"
			       " AND a.login IN ('b-clerk', 'b-head')", 1, id), 0);
	uninvolved_receive_nothing();
}

/* ---- 2. three jianyid and six callers at the same moment --------------------------- */

struct racer {
	const char *date;
	pthread_barrier_t *go;
	int64_t result;
	char error[200];
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	PGconn *db = PQconnectdb(H.pg.conninfo);
	const char *p[1] = { r->date };
	pthread_barrier_wait(r->go);
	PGresult *res = PQexecParams(db, "SELECT jy_raise_notices($1::date)", 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		r->result = atoll(PQgetvalue(res, 0, 0));
	else
		snprintf(r->error, sizeof r->error, "%s", PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
	return NULL;
}

#define N_RACERS 6

static void shared_database(void **state)
{
	(void)state;
	char buf[256], due[16];
	struct server_proc s2, s3;
	server_start(&H, &s2, "[jobs]\ninterval = 1");
	server_start(&H, &s3, "[jobs]\ninterval = 1");
	struct kase k;
	prepare(&k, ST_ACCEPTED, "关于三个服务同时提醒的建议", false);
	set_reply_due(&k, 1, due, sizeof due);
	int64_t left = days_left(due);
	assert_true(left >= 1 && left <= 7);
	int expect = left > 1 ? 7 : 1;
	char id[24];
	idtext(id, sizeof id, k.id);
	assert_int_equal(wait_count(1, 5000, "SELECT count(*) FROM notices WHERE kind <> 'event' AND suggestion_id = $1::bigint"
				    " AND deadline_kind = 'reply'", id), 1);
	sleep(3); /* three servers, three runs each */
	assert_int_equal(count_reply_notices(&k), 1);
	assert_true(notice_of(&k, expect) > 0);

	/* The day after, from six connections at once (and the servers). */
	char after[16];
	q_text(after, sizeof after, "SELECT to_char($1::date + 1, 'YYYY-MM-DD')", 1, due);
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N_RACERS);
	struct racer rs[N_RACERS];
	pthread_t th[N_RACERS];
	for (int i = 0; i < N_RACERS; i++) {
		rs[i] = (struct racer){ .date = after, .go = &go, .result = -2 };
		pthread_create(&th[i], NULL, racer_main, &rs[i]);
	}
	int raised = 0, skipped = 0;
	for (int i = 0; i < N_RACERS; i++) {
		pthread_join(th[i], NULL);
		if (rs[i].error[0])
			fail_msg("racer %d: %s", i, rs[i].error);
		raised += rs[i].result > 0;
		skipped += rs[i].result == -1;
	}
	pthread_barrier_destroy(&go);
	printf("six callers at once: %d raised, %d found the lock taken, %d found nothing to do\n",
	       raised, skipped, N_RACERS - raised - skipped);
	assert_true(raised <= 1);
	assert_int_equal(count_reply_notices(&k), 2);
	int64_t overdue = notice_of(&k, -1);
	assert_true(overdue > 0);
	assert_string_equal(recipients(buf, sizeof buf, overdue), "a-clerk,a-head,alice,liaison");
	idtext(id, sizeof id, overdue);
	assert_int_equal(Q_INT("SELECT count(*) FROM notice_deliveries WHERE notice_id = $1::bigint", 1, id), 4);
	assert_int_equal(server_stop(&s2, SIGTERM, 10000), 0);
	assert_int_equal(server_stop(&s3, SIGTERM, 10000), 0);
	uninvolved_receive_nothing();
}

/* ---- 3. pushed to a following session on another jianyid --------------------------- */

static int inbox_call(struct jy_client *c, bool follow, bool unread, Jianyi__Envelope **out)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest in = JIANYI__INBOX_REQUEST__INIT;
	struct jy_error e = { 0 };
	in.follow = follow;
	in.unread_only = unread;
	in.limit = 500;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &in;
	*out = NULL;
	return jy_call(c, &req, out, &e) ? 0 : e.code;
}

static void pushed_to_follower(void **state)
{
	(void)state;
	/* The follower's server never runs the job: the notice is raised by S
	 * and reaches it through NOTIFY. */
	struct server_proc s2;
	server_start(&H, &s2, "[jobs]\ninterval = 0");
	struct jy_client *clerk = client_connect(&H, &s2, "a-clerk");
	struct jy_client *other = client_connect(&H, &S, "c-clerk");
	Jianyi__Envelope *env;
	assert_int_equal(inbox_call(clerk, true, false, &env), 0);
	size_t before = env->response->inbox->n_notices;
	jy_envelope_free(env);
	assert_int_equal(inbox_call(other, true, false, &env), 0);
	assert_int_equal(env->response->inbox->n_notices, 0);
	jy_envelope_free(env);
	usleep(300 * 1000); /* s2's LISTEN connection comes up asynchronously */

	struct kase k;
	char due[16];
	prepare(&k, ST_ACCEPTED, "关于推送提醒的建议", false);
	uint64_t t0 = harness_now_ms();
	set_reply_due(&k, 6, due, sizeof due);
	Jianyi__Envelope *ev = NULL;
	struct jy_error e = { 0 };
	bool got = false;
	while (!got && harness_now_ms() - t0 < 5000) {
		if (!jy_next_event(clerk, 5000, &ev, &e))
			fail_msg("no notice pushed: %s", e.message);
		const Jianyi__Event *x = ev->event;
		/* The case's event notices (assigned, ...) come first: the
		 * reminder is the one this test is about. */
		if (strcmp(x->kind, "notice") == 0 && x->notice && x->notice->suggestion_id == k.id &&
		    strcmp(x->notice->kind, "event") != 0) {
			got = true;
			assert_string_equal(x->notice->kind, "reminder");
			assert_string_equal(x->notice->deadline_kind, "reply");
			assert_string_equal(x->notice->due, due);
			assert_int_equal(x->notice->days_before, days_left(due) > 1 ? 7 : 1);
			assert_string_equal(x->notice->organization, UNIT_A);
			assert_string_equal(x->notice->title, "关于推送提醒的建议");
			assert_true(strncmp(x->notice->number, "第", 3) == 0);
			assert_non_null(strstr(x->notice->text, "关于推送提醒的建议"));
			assert_false(x->notice->read);
			assert_int_equal(x->sequence, x->notice->id);
		}
		jy_envelope_free(ev);
	}
	assert_true(got);
	printf("notice pushed across processes %" PRIu64 " ms after the deadline was set\n",
	       harness_now_ms() - t0);
	/* The connection still answers calls, the new notice listed. */
	assert_int_equal(inbox_call(clerk, false, false, &env), 0);
	assert_true(env->response->inbox->n_notices >= before + 1);
	assert_int_equal(env->response->inbox->notices[0]->suggestion_id, k.id);
	assert_string_equal(env->response->inbox->notices[0]->kind, "reminder");
	jy_envelope_free(env);
	/* A unit not concerned was pushed nothing. */
	assert_false(jy_next_event(other, 1500, &ev, &e));
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED);
	jy_close(clerk);
	jy_close(other);
	assert_int_equal(server_stop(&s2, SIGTERM, 10000), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return calloc(1, 1);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* ---- 4. jianyi inbox ------------------------------------------------------------------ */

/* Runs the CLI as who; stdout and stderr into buffers; returns the status. */
static int cli(const char *who, const char *args, char *out, size_t outlen, char *err, size_t errlen)
{
	struct cli_call c = { .sp = &S, .who = who };
	return harness_cli_run(&H, &c, args, out, outlen, err, errlen);
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static void cli_inbox(void **state)
{
	(void)state;
	static char out[256 * 1024];
	char err[1024], args[128], buf[64];
	const char *mine = "SELECT count(*) FROM notice_recipients r JOIN accounts a ON a.id = r.account_id"
			   " WHERE a.login = 'a-clerk'";
	const char *unread = "SELECT count(*) FROM notice_recipients r JOIN accounts a ON a.id = r.account_id"
			     " WHERE a.login = 'a-clerk' AND r.read_at IS NULL";
	int64_t total = Q_INT(mine, 0), nunread = Q_INT(unread, 0);
	assert_true(total >= 4);
	assert_int_equal(nunread, total);

	assert_int_equal(cli("a-clerk", "inbox --json --limit 500", out, sizeof out, err, sizeof err), 0);
	assert_int_equal(count_char(out, '\n'), total);
	assert_non_null(strstr(out, "\"kind\":\"overdue\""));
	assert_non_null(strstr(out, "关于提醒一次的建议"));
	/* For people: a table, the unread count. */
	assert_int_equal(cli("a-clerk", "inbox", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "TEXT"));
	assert_non_null(strstr(out, "【逾期】"));
	snprintf(buf, sizeof buf, "%" PRId64 " unread", nunread);
	assert_non_null(strstr(out, buf));
	/* Paging: one per page, the next page named. */
	assert_int_equal(cli("a-clerk", "inbox --limit 1", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "more: add --before "));

	/* Mark k1's overdue notice read. */
	int64_t overdue = notice_of(&k1, -1);
	snprintf(args, sizeof args, "--json inbox read %" PRId64, overdue);
	assert_int_equal(cli("a-clerk", args, out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "\"marked\":1"));
	assert_int_equal(Q_INT(unread, 0), nunread - 1);
	assert_int_equal(cli("a-clerk", "inbox --unread --json --limit 500", out, sizeof out, err, sizeof err), 0);
	assert_int_equal(count_char(out, '\n'), nunread - 1);
	/* Again: nothing new to mark. */
	assert_int_equal(cli("a-clerk", args, out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "\"marked\":0"));
	/* Only for the account it went to: liaison still has it unread. */
	assert_int_equal(cli("liaison", "inbox --unread --json --limit 500", out, sizeof out, err, sizeof err), 0);
	snprintf(buf, sizeof buf, "\"id\":%" PRId64 ",", overdue);
	assert_non_null(strstr(out, buf));
	/* Someone else's notice, a bad id, an unknown subcommand. */
	snprintf(args, sizeof args, "inbox read %" PRId64, overdue);
	assert_int_equal(cli("c-clerk", args, out, sizeof out, err, sizeof err), 1);
	assert_non_null(strstr(err, "not in your inbox"));
	assert_int_equal(cli("a-clerk", "inbox read abc", out, sizeof out, err, sizeof err), 2);
	assert_int_equal(cli("a-clerk", "inbox delete 3", out, sizeof out, err, sizeof err), 2);
	assert_int_equal(cli("a-clerk", "inbox --limit 0", out, sizeof out, err, sizeof err), 2);
	assert_int_equal(cli("c-clerk", "inbox", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "no notices"));

	/* --follow: the newest one, then a new one as it is raised. */
	char cmd[4096], path[400];
	snprintf(path, sizeof path, "%s/follow.out", H.dir);
	snprintf(cmd, sizeof cmd,
		 "JIANYI_SERVER=127.0.0.1:%d JIANYI_CA=%s/ca.crt JIANYI_CERT=%s/a-head.crt JIANYI_KEY=%s/a-head.key "
		 "XDG_CONFIG_HOME=/nonexistent timeout %d %s inbox --follow --json --limit 1 >%s 2>&1 </dev/null &",
		 S.port, H.pki, H.pki, H.pki, 15 * harness_time_scale(), harness_cli(&H), path);
	assert_int_equal(system(cmd), 0);
	usleep(1000 * 1000 * (useconds_t)harness_time_scale()); /* connected and following */
	struct kase k;
	char due[16];
	prepare(&k, ST_ACCEPTED, "关于命令行跟踪的建议", false);
	set_reply_due(&k, 4, due, sizeof due);
	char *text = NULL, reminder[96];
	snprintf(reminder, sizeof reminder, "\"kind\":\"reminder\",\"suggestion_id\":%" PRId64 ",", k.id);
	uint64_t wait_ms = 8000u * (uint64_t)harness_time_scale();
	for (uint64_t t0 = harness_now_ms(); harness_now_ms() - t0 < wait_ms; usleep(100 * 1000)) {
		free(text);
		text = slurp(path);
		if (strstr(text, reminder))
			break;
	}
	if (!strstr(text, reminder))
		fail_msg("jianyi inbox --follow printed:\n%s", text);
	/* The newest before, the assignment's event notice, the reminder. */
	assert_int_equal(count_char(text, '\n'), 3);
	free(text);
}

/* ---- 5. the external notifier: retried, exactly once each ----------------------------- */

/* A notifier script in dir: fails the first `fails` attempts of each
 * delivery (counted in dir/tries-ID), sleeping `pause` first; then appends
 * the fields it was given to dir/delivered.log. */
static void write_notifier(const char *dir, int fails, const char *pause, char *path, size_t len)
{
	mkdir(dir, 0755);
	snprintf(path, len, "%s/notify.sh", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"#!/bin/sh\n"
		"dir='%s'\n"
		"t=\"$dir/tries-$JIANYI_DELIVERY_ID\"\n"
		"n=$(cat \"$t\" 2>/dev/null || echo 0); n=$((n + 1)); echo \"$n\" > \"$t\"\n"
		"sleep %s\n"
		"if [ \"$n\" -le %d ]; then echo \"gateway busy (try $n)\"; exit 1; fi\n"
		"printf '%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s\\n' \"$JIANYI_DELIVERY_ID\" \"$JIANYI_NOTICE_ID\""
		" \"$JIANYI_RECIPIENT_LOGIN\" \"$JIANYI_KIND\" \"$JIANYI_SUGGESTION_ID\" \"$JIANYI_DUE\""
		" \"$JIANYI_DAYS_BEFORE\" \"$JIANYI_NUMBER\" \"$JIANYI_TITLE\" \"$JIANYI_RECIPIENT_NAME\""
		" \"$JIANYI_TEXT\" >> \"$dir/delivered.log\"\n",
		dir, pause, fails);
	fclose(f);
	chmod(path, 0755);
}

/* Lines of a delivered.log whose first field is delivery id. */
static int delivered_lines(const char *log, int64_t delivery)
{
	char want[32];
	int n = 0;
	snprintf(want, sizeof want, "%" PRId64 "|", delivery);
	for (const char *p = log; p && *p;) {
		if (strncmp(p, want, strlen(want)) == 0)
			n++;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

static const char *const ALL_DELIVERED =
	"SELECT count(*) FROM notice_deliveries WHERE delivered_at IS NULL";

static void notifier_retries(void **state)
{
	(void)state;
	char dir[300], script[400], ini[600], buf[400];
	snprintf(dir, sizeof dir, "%s/notify-1", H.dir);
	write_notifier(dir, 2, "0", script, sizeof script);
	/* This test is about the deadline notices' deliveries: the event
	 * notices' (13_event_notices.sql) count as sent before it starts. */
	PGconn *ev = db_connect();
	PQclear(PQexec(ev, "UPDATE notice_deliveries d SET delivered_at = now() FROM notices n"
			   " WHERE n.id = d.notice_id AND n.kind = 'event'"));
	PQfinish(ev);
	int64_t total = Q_INT("SELECT count(*) FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id"
			      " WHERE n.kind <> 'event'", 0);
	assert_true(total >= 10);
	assert_int_equal(Q_INT(ALL_DELIVERED, 0), total);

	struct server_proc s4;
	snprintf(ini, sizeof ini, "[jobs]\ninterval = 0\n[notifier]\ncommand = %s\ntimeout_seconds = 5\n"
		 "retry_seconds = 1\nmax_retry_seconds = 2", script);
	server_start(&H, &s4, ini);
	assert_int_equal(wait_count(0, 90000, ALL_DELIVERED, NULL), 0);
	assert_int_equal(server_stop(&s4, SIGTERM, 10000), 0);

	/* Exactly one successful run per delivery, after two failures each. */
	snprintf(buf, sizeof buf, "%s/delivered.log", dir);
	char *log = slurp(buf);
	assert_int_equal(count_char(log, '\n'), total);
	PGconn *db = db_connect();
	PGresult *r = PQexec(db, "SELECT d.id, d.attempts, d.last_error IS NULL FROM notice_deliveries d"
				 " JOIN notices n ON n.id = d.notice_id WHERE n.kind <> 'event' ORDER BY d.id");
	assert_int_equal(PQntuples(r), total);
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t id = atoll(PQgetvalue(r, i, 0));
		if (delivered_lines(log, id) != 1)
			fail_msg("delivery %" PRId64 " succeeded %d times", id, delivered_lines(log, id));
		assert_int_equal(atoi(PQgetvalue(r, i, 1)), 3);
		assert_string_equal(PQgetvalue(r, i, 2), "t");
	}
	PQclear(r);
	PQfinish(db);
	/* The fields the command was given, for k1's overdue notice to a-clerk. */
	char want[512], num[64];
	q_text(num, sizeof num, "SELECT jy_case_number(s) FROM suggestions s WHERE id = $1::bigint", 1,
	       (idtext(buf, sizeof buf, k1.id), buf));
	snprintf(want, sizeof want, "|%" PRId64 "|a-clerk|overdue|%" PRId64 "|%s|-1|%s|关于提醒一次的建议|甲经办|【逾期】",
		 notice_of(&k1, -1), k1.id, k1_due, num);
	if (!strstr(log, want))
		fail_msg("no line with %s in:\n%.2000s", want, log);
	free(log);
	/* Each failure logged with its reason and the wait before the retry. */
	char *slog = slurp(s4.log);
	assert_non_null(strstr(slog, "event=notice_delivery_failed"));
	assert_non_null(strstr(slog, "gateway busy (try 2)"));
	assert_non_null(strstr(slog, "retry_in=2"));
	free(slog);
}

/* ---- 6. pending when a jianyid dies: delivered after the restart ----------------------- */

static void notifier_restart(void **state)
{
	(void)state;
	char failing_dir[300], good_dir[300], failing[400], good[400], ini[600], buf[400], due[16], id[24];
	snprintf(failing_dir, sizeof failing_dir, "%s/notify-fail", H.dir);
	snprintf(good_dir, sizeof good_dir, "%s/notify-good", H.dir);
	write_notifier(failing_dir, 1000000, "0.2", failing, sizeof failing);
	write_notifier(good_dir, 0, "0", good, sizeof good);
	const char *of_case = "SELECT count(*) FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id"
			      " WHERE n.kind <> 'event' AND n.suggestion_id = $1::bigint";
	const char *untried = "SELECT count(*) FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id"
			      " WHERE n.kind <> 'event' AND n.suggestion_id = $1::bigint AND d.attempts = 0";
	const char *pending = "SELECT count(*) FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id"
			      " WHERE n.kind <> 'event' AND n.suggestion_id = $1::bigint AND d.delivered_at IS NULL";

	struct server_proc s5;
	snprintf(ini, sizeof ini, "[jobs]\ninterval = 0\n[notifier]\ncommand = %s\ntimeout_seconds = 2\n"
		 "retry_seconds = 1\nmax_retry_seconds = 1", failing);
	server_start(&H, &s5, ini);
	struct kase k;
	prepare(&k, ST_ACCEPTED, "关于重启后送达的建议", false);
	idtext(id, sizeof id, k.id);
	set_reply_due(&k, 3, due, sizeof due);
	assert_int_equal(wait_count(2, 5000, of_case, id), 2);  /* the reminder (S's job) */
	raise_at(due, 1);                                        /* and the overdue notice */
	assert_int_equal(Q_INT(of_case, 1, id), 6);
	/* Every one has failed at least once; then the server dies. */
	assert_int_equal(wait_count(0, 20000, untried, id), 0);
	assert_int_equal(server_stop(&s5, SIGKILL, 5000), 128 + SIGKILL);
	assert_int_equal(Q_INT(pending, 1, id), 6);

	struct server_proc s6;
	snprintf(ini, sizeof ini, "[jobs]\ninterval = 0\n[notifier]\ncommand = %s\ntimeout_seconds = 2\n"
		 "retry_seconds = 1\nmax_retry_seconds = 1", good);
	server_start(&H, &s6, ini);
	/* One may have been mid-run when the server died: its lease (timeout +
	 * 10 s) must end first. */
	assert_int_equal(wait_count(0, 40000, ALL_DELIVERED, NULL), 0);
	assert_int_equal(server_stop(&s6, SIGTERM, 10000), 0);
	snprintf(buf, sizeof buf, "%s/delivered.log", good_dir);
	char *log = slurp(buf);
	snprintf(buf, sizeof buf, "%s/delivered.log", failing_dir);
	char *none = slurp(buf);
	assert_string_equal(none, "");
	PGconn *db = db_connect();
	const char *p[1] = { id };
	PGresult *r = PQexecParams(db, "SELECT d.id FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id"
				   " WHERE n.kind <> 'event' AND n.suggestion_id = $1::bigint", 1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(r), 6);
	for (int i = 0; i < PQntuples(r); i++)
		assert_int_equal(delivered_lines(log, atoll(PQgetvalue(r, i, 0))), 1);
	PQclear(r);
	PQfinish(db);
	free(log);
	free(none);
}

/* The workflow fixture with the job every second on the main server. */
static int setup_notices(void **state)
{
	(void)state;
	wf_fixture_up("[jobs]\ninterval = 1");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raised_once),
		cmocka_unit_test(shared_database),
		cmocka_unit_test(pushed_to_follower),
		cmocka_unit_test(cli_inbox),
		cmocka_unit_test(notifier_retries),
		cmocka_unit_test(notifier_restart),
	};
	return cmocka_run_group_tests(tests, setup_notices, wf_teardown);
}
