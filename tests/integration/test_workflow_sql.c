/* Integration tests for the workflow's SQL (server/sql/functions/): jy_act, jy_get
 * and jy_list called directly with blocking libpq against a private
 * cluster, bypassing the C transition table: each call passes the
 * transitions and relation the table would. Covers a whole case from draft
 * to closed, versions = events, conflicts, idempotency, immutable events,
 * back-to-back evaluation and visibility, Chinese substring search. */
#include <errno.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "admin.h"
#include "config.h"
#include "embedded_pg.h"
#include "jy_limits.h"
#include "migrate.h"

extern char **environ;

static char tmpdir[64];
static char data_dir[128];
static struct embedded_pg pg;
static bool pg_up;
static PGconn *conn;

/* ---- helpers ------------------------------------------------------------ */

static int spawn_wait(char *const argv[])
{
	pid_t pid;
	int st;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One value of a query with text parameters; "" for no row or NULL. The
 * answer lives in one of a few rotating buffers, so several can be
 * compared in one assertion. */
static const char *q(const char *sql, int n, const char *const *params)
{
	static char bufs[8][65536];
	static int next;
	char *buf = bufs[next++ % 8];
	PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	/* A cut answer would fail later as bad JSON, far from here. */
	if (snprintf(buf, sizeof bufs[0], "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "") >=
	    (int)sizeof bufs[0])
		fail_msg("%s: the answer is longer than %zu bytes", sql, sizeof bufs[0] - 1);
	PQclear(r);
	return buf;
}

static const char *q1(const char *sql, const char *a)
{
	const char *p[1] = { a };
	return q(sql, 1, p);
}

static const char *q2(const char *sql, const char *a, const char *b)
{
	const char *p[2] = { a, b };
	return q(sql, 2, p);
}

/* A value inside a JSON text: path in PostgreSQL's text[] syntax. */
static const char *jv(const char *json, const char *path)
{
	return q2("SELECT $1::jsonb #>> $2::text[]", json, path);
}

static const char *account(const char *login)
{
	return q1("SELECT id FROM accounts WHERE login = $1", login);
}

static const char *org(const char *name)
{
	return q1("SELECT id FROM organizations WHERE name = $1", name);
}

static const char *deputy(const char *name)
{
	return q1("SELECT id FROM deputies WHERE name = $1", name);
}

static const char *version_of(const char *sid)
{
	return q1("SELECT version FROM suggestions WHERE id = $1::bigint", sid);
}

static const char *events_of(const char *sid)
{
	return q1("SELECT count(*) FROM events WHERE suggestion_id = $1::bigint", sid);
}

static void assert_version_is_event_count(const char *sid)
{
	assert_string_equal(version_of(sid), events_of(sid));
}

/* Days from today where the congress sits, as YYYY-MM-DD. */
static const char *today_plus(const char *interval)
{
	return q1("SELECT to_char((jy_today() + $1::interval)::date, 'YYYY-MM-DD')", interval);
}

/* A deadline under a calendar without exceptions: today + interval, moved
 * off a weekend. Written without the functions under test. */
static const char *due_after(const char *interval)
{
	return q1("SELECT to_char(min(d), 'YYYY-MM-DD') FROM generate_series("
		  "(jy_today() + $1::interval)::date, (jy_today() + $1::interval)::date + 2, '1 day') d "
		  "WHERE extract(isodow FROM d) < 6", interval);
}

static char *act_raw(const char *login, const char *action, const char *sid, const char *version,
		     const char *transitions, const char *relation, const char *params,
		     const char *key, const char *hash)
{
	const char *p[9] = { account(login), action, sid, version, transitions, relation, params,
			     key, hash };
	/* account() returns a rotating buffer: copy before the next query. */
	char actor[32];
	snprintf(actor, sizeof actor, "%s", p[0]);
	p[0] = actor;
	PGresult *r = PQexecParams(conn,
		"SELECT jy_act($1::bigint, $2::text, $3::bigint, $4::int, $5::jsonb, $6::text,"
		" $7::jsonb, $8::text, $9::text)::text", 9, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("jy_act %s: %s", action, PQresultErrorMessage(r));
	char *out = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return out;
}

static int key_counter;

/* An action expected to succeed, at the case's current version with a
 * fresh idempotency key. Checks version = events afterwards. Returns the
 * result JSON (caller frees). */
static char *ok_events(const char *login, const char *action, const char *sid,
		       const char *transitions, const char *relation, const char *params, int events)
{
	char key[32], ver[16] = "0", before[16] = "0";
	snprintf(key, sizeof key, "key-%d", ++key_counter);
	if (sid) {
		snprintf(ver, sizeof ver, "%s", version_of(sid));
		snprintf(before, sizeof before, "%s", events_of(sid));
	}
	char *r = act_raw(login, action, sid, sid ? ver : NULL, transitions, relation, params, key,
			  "hash");
	if (strcmp(jv(r, "{code}"), "ok") != 0)
		fail_msg("%s by %s: %s", action, login, r);
	assert_string_equal(jv(r, "{replayed}"), "false");
	const char *id = jv(r, "{suggestion,id}");
	assert_version_is_event_count(id);
	assert_int_equal(atoi(events_of(id)), atoi(before) + events);
	assert_string_equal(jv(r, "{suggestion,version}"), version_of(id));
	/* The event is the last one of the case (after it, only the outcome of
	 * the evaluation round it closed). */
	assert_string_equal(jv(r, "{event_seq}"),
			    q1("SELECT max(seq) FROM events WHERE suggestion_id = $1::bigint"
			       " AND kind <> 'evaluation_outcome'", id));
	return r;
}

static char *ok(const char *login, const char *action, const char *sid, const char *transitions,
		const char *relation, const char *params)
{
	return ok_events(login, action, sid, transitions, relation, params, 1);
}

/* The last form of an evaluation round: the form and the round's outcome
 * (docs/WORKFLOW.md "Evaluation rounds"). */
static char *ok_closing(const char *login, const char *sid, const char *params)
{
	return ok_events(login, "evaluate", sid, "{\"replied\":\"evaluated\"}", "evaluator", params, 2);
}

/* An action expected to be refused with code and exactly message; nothing
 * changes (version, events, side tables as counted by the caller). */
static void refused(const char *login, const char *action, const char *sid, const char *version,
		    const char *transitions, const char *relation, const char *params,
		    const char *code, const char *message, const char *field)
{
	char key[32], ver[16], evs[16], upd[64];
	snprintf(key, sizeof key, "key-%d", ++key_counter);
	snprintf(ver, sizeof ver, "%s", sid ? version_of(sid) : "");
	snprintf(evs, sizeof evs, "%s", sid ? events_of(sid) : "");
	snprintf(upd, sizeof upd, "%s",
		 sid ? q1("SELECT updated_at FROM suggestions WHERE id = $1::bigint", sid) : "");
	char *r = act_raw(login, action, sid, version ? version : (sid ? ver : NULL), transitions,
			  relation, params, key, "hash");
	if (strcmp(jv(r, "{code}"), code) != 0 || strcmp(jv(r, "{message}"), message) != 0)
		fail_msg("%s by %s: want %s \"%s\", got %s", action, login, code, message, r);
	assert_string_equal(jv(r, "{field}"), field ? field : "");
	assert_string_equal(jv(r, "{replayed}"), "false");
	assert_string_equal(jv(r, "{suggestion}"), "");
	if (sid) {
		assert_string_equal(version_of(sid), ver);
		assert_string_equal(events_of(sid), evs);
		assert_string_equal(q1("SELECT updated_at FROM suggestions WHERE id = $1::bigint", sid),
				    upd);
	}
	/* Refusals are not stored for idempotency. */
	assert_string_equal(q2("SELECT count(*) FROM idempotency WHERE account_id = $1::bigint"
			       " AND key = $2", account(login), key), "0");
	free(r);
}

static char *get(const char *login, const char *sid)
{
	char actor[32];
	snprintf(actor, sizeof actor, "%s", account(login));
	return strdup(q2("SELECT jy_get($1::bigint, $2::bigint)::text", actor, sid));
}

static char *list(const char *login, const char *filters)
{
	char actor[32];
	snprintf(actor, sizeof actor, "%s", account(login));
	return strdup(q2("SELECT jy_list($1::bigint, $2::jsonb, 50, 0)::text", actor, filters));
}

/* Ids of a list result, "1,2". */
static const char *list_ids(const char *json)
{
	return q1("SELECT coalesce(string_agg(e ->> 'id', ',' ORDER BY (e ->> 'id')::bigint), '')"
		  " FROM jsonb_array_elements($1::jsonb -> 'suggestions') e", json);
}

/* The event of kind at position n (1-based) of a timeline. */
static const char *timeline_details(const char *json, const char *kind, const char *n)
{
	const char *p[3] = { json, kind, n };
	return q("SELECT (e -> 'details')::text FROM jsonb_array_elements($1::jsonb -> 'timeline') e"
		 " WHERE e ->> 'kind' = $2 ORDER BY (e ->> 'sequence')::bigint"
		 " OFFSET $3::int - 1 LIMIT 1", 3, p);
}

/* A statement that must fail (events are immutable). */
static void must_fail(const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_FATAL_ERROR)
		fail_msg("%s succeeded", sql);
	assert_non_null(strstr(PQresultErrorMessage(r), "events are immutable"));
	PQclear(r);
}

/* ---- set-up and tear-down ----------------------------------------------- */

static void cleanup(void)
{
	if (conn) {
		PQfinish(conn);
		conn = NULL;
	}
	if (pg_up) {
		embedded_pg_stop(&pg);
		embedded_pg_free(&pg);
		pg_up = false;
	}
	if (tmpdir[0]) {
		char *rm[] = { "rm", "-rf", tmpdir, NULL };
		for (int i = 0; i < 5 && access(tmpdir, F_OK) == 0; i++) {
			spawn_wait(rm);
			if (access(tmpdir, F_OK) == 0)
				usleep(200 * 1000);
		}
		tmpdir[0] = '\0';
	}
}

static const char people[] =
	"org-add --name 县人大常委会联络委 --kind liaison_committee\n"
	"org-add --name 县政府办 --kind government_office\n"
	"org-add --name 县交通运输局 --kind handling_unit\n"
	"org-add --name 县住建局 --kind handling_unit\n"
	"org-add --name 县财政局 --kind handling_unit\n"
	"org-add --name 县教育局 --kind handling_unit\n"
	"org-add --name 城建环保工委 --kind special_committee\n"
	"org-add --name 城关代表联络站 --kind liaison_station\n"
	"deputy-add --name 张三 --term 18 --station 城关代表联络站\n"
	"deputy-add --name 李四 --term 18 --station 城关代表联络站\n"
	"deputy-add --name 王五 --term 18\n"
	"deputy-add --name 赵六 --term 18\n";

static int group_setup(void **state)
{
	char err[1024], path[256];
	int applied;
	struct jy_config cfg;
	FILE *f;
	(void)state;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/jywfsql.XXXXXX");
	if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755) != 0) {
		perror("mkdtemp");
		return -1;
	}
	atexit(cleanup);
	snprintf(data_dir, sizeof data_dir, "%s/data", tmpdir);
	if (!embedded_pg_start(&pg, data_dir, NULL, err, sizeof err)) {
		fprintf(stderr, "embedded_pg_start: %s\n", err);
		return -1;
	}
	pg_up = true;
	conn = PQconnectdb(pg.conninfo);
	/* TRUNCATE ... CASCADE's notices would only clutter the output. */
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	if (PQstatus(conn) != CONNECTION_OK || !migrate_apply(conn, &applied, err, sizeof err)) {
		fprintf(stderr, "migrate: %s %s\n", err, PQerrorMessage(conn));
		return -1;
	}

	/* Organizations and deputies first: accounts name deputies by id. */
	snprintf(path, sizeof path, "%s/people.txt", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(people, f);
	fclose(f);
	memset(&cfg, 0, sizeof cfg);
	cfg.conninfo = pg.conninfo;
	cfg.database_named = true;
	char *argv1[] = { "batch", path, NULL };
	if (admin_main(2, argv1, &cfg) != 0)
		return -1;

	snprintf(path, sizeof path, "%s/accounts.txt", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "account-add --login zhangsan --name 张三 --org 城关代表联络站 --roles deputy --deputy %s\n",
		deputy("张三"));
	fprintf(f, "account-add --login lisi --name 李四 --org 城关代表联络站 --roles deputy --deputy %s\n",
		deputy("李四"));
	fprintf(f, "account-add --login wangwu --name 王五 --org 城关代表联络站 --roles deputy --deputy %s\n",
		deputy("王五"));
	fprintf(f, "account-add --login zhaoliu --name 赵六 --org 城关代表联络站 --roles deputy --deputy %s\n",
		deputy("赵六"));
	fputs("account-add --login liaison --name 联络员 --org 县人大常委会联络委 --roles liaison_officer\n"
	      "account-add --login gov --name 政府办督查员 --org 县政府办 --roles government_officer\n"
	      "account-add --login jt.clerk --name 交通局经办人 --org 县交通运输局 --roles unit_clerk\n"
	      "account-add --login jt.head --name 交通局局长 --org 县交通运输局 --roles unit_head\n"
	      "account-add --login zj.clerk --name 住建局经办人 --org 县住建局 --roles unit_clerk\n"
	      "account-add --login cz.clerk --name 财政局经办人 --org 县财政局 --roles unit_clerk\n"
	      "account-add --login jy.clerk --name 教育局经办人 --org 县教育局 --roles unit_clerk\n"
	      "account-add --login citizen --name 公众 --org 县人大常委会联络委 --roles public\n", f);
	fclose(f);
	char *argv2[] = { "batch", path, NULL };
	if (admin_main(2, argv2, &cfg) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

/* ---- the tests ---------------------------------------------------------- */

/* Suggestion ids shared by the tests, which run in order. */
static char s1[16], s2[16];

static void test_intake(void **state)
{
	char params[512], *r;
	(void)state;

	/* Refusals on create: empty title, self co-signing, unknown deputy, no deputy. */
	refused("zhangsan", "create", NULL, NULL, "{}", "any", "{\"title\":\" \",\"body\":\"x\"}",
		"invalid_argument", "title must not be empty", "title");
	snprintf(params, sizeof params, "{\"title\":\"t\",\"body\":\"b\",\"cosigner_deputy_ids\":[%s]}",
		 deputy("张三"));
	refused("zhangsan", "create", NULL, NULL, "{}", "any", params,
		"invalid_argument", "the lead deputy cannot also co-sign", "cosigner_deputy_ids");
	refused("zhangsan", "create", NULL, NULL, "{}", "any",
		"{\"title\":\"t\",\"body\":\"b\",\"cosigner_deputy_ids\":[999]}",
		"invalid_argument", "no deputy 999", "cosigner_deputy_ids");
	refused("liaison", "create", NULL, NULL, "{}", "any", "{\"title\":\"t\",\"body\":\"b\"}",
		"permission_denied", "only a deputy may create a suggestion", NULL);
	assert_string_equal(q("SELECT count(*) FROM suggestions", 0, NULL), "0");

	snprintf(params, sizeof params,
		 "{\"title\":\"关于县城东环路拓宽改造的建议\",\"body\":\"东环路高峰时段拥堵严重，建议拓宽为双向四车道。\","
		 "\"category\":\"交通\",\"confidential\":false,\"cosigner_deputy_ids\":[%s],\"kind\":\"\"}",
		 deputy("李四"));
	r = ok("zhangsan", "create", NULL, "{}", "any", params);
	snprintf(s1, sizeof s1, "%s", jv(r, "{suggestion,id}"));
	assert_string_equal(jv(r, "{suggestion,state}"), "draft");
	assert_string_equal(jv(r, "{suggestion,version}"), "1");
	assert_string_equal(jv(r, "{suggestion,kind}"), "suggestion");
	assert_string_equal(jv(r, "{suggestion,lead_deputy}"), "张三");
	assert_string_equal(jv(r, "{suggestion,cosigners}"), "[\"李四 (unconfirmed)\"]");
	assert_string_equal(jv(r, "{suggestion,number}"), "");
	free(r);

	/* A draft is the deputies' own: the liaison office cannot see it yet. */
	r = get("liaison", s1);
	assert_string_equal(jv(r, "{code}"), "permission_denied");
	assert_string_equal(jv(r, "{message}"), q1("SELECT 'you have no access to suggestion ' || $1", s1));
	free(r);
	refused("wangwu", "cosign", s1, NULL, "{\"draft\":\"draft\"}", "signer", "{}",
		"permission_denied", q1("SELECT 'you have no access to suggestion ' || $1", s1), NULL);

	r = ok("lisi", "cosign", s1, "{\"draft\":\"draft\"}", "signer", "{}");
	assert_string_equal(jv(r, "{suggestion,cosigners}"), "[\"李四\"]");
	free(r);
	refused("lisi", "cosign", s1, NULL, "{\"draft\":\"draft\"}", "signer", "{}",
		"failed_precondition", q1("SELECT 'you have already co-signed suggestion ' || $1", s1), NULL);
	refused("lisi", "submit", s1, NULL, "{\"draft\":\"submitted\"}", "proposer", "{}",
		"permission_denied", "only the proposing deputy may submit", NULL);
	r = ok("zhangsan", "submit", s1, "{\"draft\":\"submitted\",\"returned\":\"submitted\"}",
	       "proposer", "{}");
	assert_string_equal(jv(r, "{suggestion,state}"), "submitted");
	free(r);
	refused("zhangsan", "submit", s1, NULL, "{\"draft\":\"submitted\",\"returned\":\"submitted\"}",
		"proposer", "{}", "failed_precondition", "cannot submit a suggestion that is submitted",
		NULL);

	refused("liaison", "register", s1, NULL, "{\"submitted\":\"registered\"}", "any",
		"{\"term\":100,\"session\":2}", "invalid_argument", "term must be between 1 and 99", "term");
	r = ok("liaison", "register", s1, "{\"submitted\":\"registered\"}", "any",
	       "{\"term\":18,\"session\":2}");
	assert_string_equal(jv(r, "{suggestion,number}"), "第18届第2次会议第1号");
	assert_string_equal(jv(r, "{suggestion,term}"), "18");
	assert_string_equal(jv(r, "{suggestion,session}"), "2");
	free(r);

	/* The second case: alone, same session, the next number. */
	r = ok("wangwu", "create", NULL, "{}", "any",
	       "{\"title\":\"关于改善县城学校周边交通秩序的建议\",\"body\":\"建议在县城各中小学门口设置潮汐停车位。\","
	       "\"category\":\"教育\"}");
	snprintf(s2, sizeof s2, "%s", jv(r, "{suggestion,id}"));
	free(r);
	free(ok("wangwu", "submit", s2, "{\"draft\":\"submitted\"}", "proposer", "{}"));
	r = ok("liaison", "register", s2, "{\"submitted\":\"registered\"}", "any",
	       "{\"term\":18,\"session\":2}");
	assert_string_equal(jv(r, "{suggestion,number}"), "第18届第2次会议第2号");
	free(r);
	assert_string_equal(q("SELECT last_number FROM registration_counters"
			      " WHERE term = 18 AND session = 2", 0, NULL), "2");
}

static void test_assignment(void **state)
{
	char params[512], *r;
	(void)state;

	/* Lead unit among the co-units, a committee as handling unit. */
	snprintf(params, sizeof params, "{\"lead_unit_id\":%s,\"co_unit_ids\":[%s]}",
		 org("县交通运输局"), org("县交通运输局"));
	refused("gov", "assign", s1, NULL, "{\"registered\":\"assigned\"}", "any", params,
		"invalid_argument",
		q1("SELECT 'the lead unit ' || $1 || ' cannot also be a co-handling unit'", org("县交通运输局")),
		"co_unit_ids");
	snprintf(params, sizeof params, "{\"lead_unit_id\":%s}", org("城建环保工委"));
	refused("gov", "assign", s1, NULL, "{\"registered\":\"assigned\"}", "any", params,
		"invalid_argument",
		q1("SELECT 'lead_unit_id: organization ' || $1 || ' is a special_committee, not a handling_unit'",
		   org("城建环保工委")), "lead_unit_id");
	snprintf(params, sizeof params, "{\"lead_unit_id\":%s,\"reply_deadline\":\"2020-01-01\"}",
		 org("县交通运输局"));
	refused("gov", "assign", s1, NULL, "{\"registered\":\"assigned\"}", "any", params,
		"invalid_argument", "reply_deadline must be in the future", "reply_deadline");
	assert_string_equal(q("SELECT count(*) FROM suggestion_units", 0, NULL), "0");

	snprintf(params, sizeof params,
		 "{\"lead_unit_id\":%s,\"co_unit_ids\":[%s,%s],\"reply_deadline\":\"\",\"key\":true,"
		 "\"leaders\":[\"县长\"],\"supervising_committee_id\":%s,\"reason\":\"\"}",
		 org("县交通运输局"), org("县住建局"), org("县财政局"), org("城建环保工委"));
	r = ok("gov", "assign", s1, "{\"registered\":\"assigned\"}", "any", params);
	assert_string_equal(jv(r, "{suggestion,state}"), "assigned");
	assert_string_equal(jv(r, "{suggestion,lead_unit}"), "县交通运输局");
	assert_string_equal(jv(r, "{suggestion,co_units}"), "[\"县住建局\", \"县财政局\"]");
	assert_string_equal(jv(r, "{suggestion,key}"), "true");
	assert_string_equal(jv(r, "{suggestion,reply_deadline}"), due_after("3 months"));
	free(r);
	/* The dispute window: 10 working days (Monday to Friday here). */
	assert_string_equal(q1("SELECT dispute_due = (SELECT max(d) FROM (SELECT d::date FROM "
			       "generate_series(jy_today() + 1, jy_today() + 30, '1 day') d WHERE "
			       "extract(isodow FROM d) < 6 ORDER BY d LIMIT 10) w) FROM suggestions "
			       "WHERE id = $1::bigint", s1), "t");

	/* A co-unit disputes; only an assigned unit may. */
	refused("jy.clerk", "dispute", s1, NULL, "{\"assigned\":\"disputed\"}", "assigned_unit",
		"{\"reason\":\"不归我局\"}", "permission_denied",
		q1("SELECT 'you have no access to suggestion ' || $1", s1), NULL);
	refused("zj.clerk", "dispute", s1, NULL, "{\"assigned\":\"disputed\"}", "assigned_unit",
		"{\"reason\":\"\"}", "invalid_argument", "reason must not be empty", "reason");
	r = ok("zj.clerk", "dispute", s1, "{\"assigned\":\"disputed\"}", "assigned_unit",
	       "{\"reason\":\"道路拓宽不属于住建局职责\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "disputed");
	free(r);

	/* Reassigned: 住建局 replaced by 教育局; the old rows stay, inactive. */
	snprintf(params, sizeof params, "{\"lead_unit_id\":%s,\"co_unit_ids\":[%s,%s],\"key\":true,"
		 "\"reason\":\"调整协办单位\"}",
		 org("县交通运输局"), org("县财政局"), org("县教育局"));
	r = ok("gov", "reassign", s1, "{\"disputed\":\"assigned\"}", "any", params);
	assert_string_equal(jv(r, "{suggestion,state}"), "assigned");
	assert_string_equal(jv(r, "{suggestion,co_units}"), "[\"县财政局\", \"县教育局\"]");
	/* A reassignment states everything anew (deadline, key, leaders). */
	assert_string_equal(jv(r, "{suggestion,key}"), "true");
	free(r);
	assert_string_equal(q1("SELECT count(*) || '/' || count(*) FILTER (WHERE active)"
			       " FROM suggestion_units WHERE suggestion_id = $1::bigint", s1), "6/3");
	r = get("zj.clerk", s1);
	assert_string_equal(jv(r, "{code}"), "permission_denied");
	free(r);

	refused("cz.clerk", "accept", s1, NULL, "{\"assigned\":\"accepted\"}", "lead_unit", "{}",
		"permission_denied", "only the lead handling unit may accept", NULL);
	r = ok("jt.clerk", "accept", s1, "{\"assigned\":\"accepted\"}", "lead_unit", "{}");
	assert_string_equal(jv(r, "{suggestion,state}"), "accepted");
	free(r);
}

static void test_handling_and_reply(void **state)
{
	char params[512], deadline[16], *r;
	(void)state;

	snprintf(params, sizeof params, "{\"handler_name\":\"刘工\",\"handler_phone\":\"0571-1234567\","
		 "\"plan\":\"分两期拓宽\",\"promised_date\":\"2020-01-01\"}");
	refused("jt.clerk", "plan", s1, NULL, "{\"accepted\":\"in_progress\"}", "lead_unit", params,
		"invalid_argument", "promised_date must not be in the past", "promised_date");
	snprintf(params, sizeof params, "{\"handler_name\":\"刘工\",\"handler_phone\":\"0571-1234567\","
		 "\"plan\":\"分两期拓宽\",\"promised_date\":\"%s\"}", today_plus("2 months"));
	r = ok("jt.clerk", "plan", s1, "{\"accepted\":\"in_progress\"}", "lead_unit", params);
	assert_string_equal(jv(r, "{suggestion,state}"), "in_progress");
	assert_string_equal(jv(r, "{suggestion,handler_name}"), "刘工");
	assert_string_equal(jv(r, "{suggestion,plan}"), "分两期拓宽");
	free(r);

	refused("jt.clerk", "contact", s1, NULL, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"phase\":\"before\",\"method\":\"telegram\"}", "invalid_argument",
		"method must be visit, phone, meeting or sms", "method");
	refused("jt.clerk", "contact", s1, NULL, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"phase\":\"before\",\"method\":\"phone\",\"date\":\"2999-01-01\"}", "invalid_argument",
		"date must not be in the future", "date");
	free(ok("jt.clerk", "contact", s1, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"phase\":\"before\",\"method\":\"visit\",\"date\":\"\",\"note\":\"走访了解诉求\"}"));
	free(ok("jt.clerk", "contact", s1, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"phase\":\"during\",\"method\":\"phone\",\"note\":\"通报进度\"}"));
	r = ok("jt.clerk", "contact", s1, "{\"in_progress\":\"in_progress\"}", "lead_unit",
	       "{\"phase\":\"after\",\"method\":\"meeting\",\"note\":\"座谈\"}");
	assert_string_equal(jv(r, "{suggestion,contacts}"), "3");
	assert_string_equal(jv(r, "{suggestion,state}"), "in_progress");
	free(r);

	refused("jt.clerk", "opinion", s1, NULL, "{\"in_progress\":\"in_progress\"}", "co_unit",
		"{\"text\":\"x\"}", "permission_denied", "only a co-handling unit may opinion", NULL);
	free(ok("cz.clerk", "opinion", s1, "{\"in_progress\":\"in_progress\"}", "co_unit",
		"{\"text\":\"财政将安排专项资金\"}"));

	/* Extension: requested by the lead unit, approved by the office. */
	snprintf(deadline, sizeof deadline, "%s",
		 q1("SELECT reply_deadline FROM suggestions WHERE id = $1::bigint", s1));
	refused("jt.clerk", "extend", s1, NULL, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"days\":61,\"reason\":\"工程量大\"}", "invalid_argument", "days must be between 1 and 60",
		"days");
	r = ok("jt.clerk", "extend", s1, "{\"in_progress\":\"in_progress\"}", "lead_unit",
	       "{\"days\":30,\"reason\":\"需等待财政预算批复\"}");
	char ext[16];
	snprintf(ext, sizeof ext, "%s", q1("SELECT payload ->> 'extension_id' FROM events WHERE seq = $1::bigint",
					   jv(r, "{event_seq}")));
	assert_string_equal(ext, q1("SELECT id FROM extensions WHERE suggestion_id = $1::bigint", s1));
	free(r);
	snprintf(params, sizeof params, "{\"extension_id\":%s,\"approve\":true,\"reason\":\"同意\"}", ext);
	r = ok("gov", "approve_extension", s1, "{\"in_progress\":\"in_progress\"}", "any", params);
	assert_string_equal(jv(r, "{suggestion,reply_deadline}"),
			    q1("SELECT to_char(min(d), 'YYYY-MM-DD') FROM generate_series($1::date + 30, "
			       "$1::date + 32, '1 day') d WHERE extract(isodow FROM d) < 6", deadline));
	free(r);
	refused("gov", "approve_extension", s1, NULL, "{\"in_progress\":\"in_progress\"}", "any", params,
		"failed_precondition", q1("SELECT 'extension ' || $1 || ' is already approved'", ext),
		"extension_id");

	/* The second case: no contact yet, so no reply. */
	snprintf(params, sizeof params, "{\"lead_unit_id\":%s}", org("县交通运输局"));
	free(ok("gov", "assign", s2, "{\"registered\":\"assigned\"}", "any", params));
	free(ok("jt.clerk", "accept", s2, "{\"assigned\":\"accepted\"}", "lead_unit", "{}"));
	snprintf(params, sizeof params, "{\"handler_name\":\"陈工\",\"plan\":\"设置潮汐车位\","
		 "\"promised_date\":\"%s\"}", today_plus("1 month"));
	free(ok("jt.clerk", "plan", s2, "{\"accepted\":\"in_progress\"}", "lead_unit", params));
	refused("jt.head", "reply", s2, NULL, "{\"in_progress\":\"replied\"}", "lead_unit",
		"{\"text\":\"已设置\",\"result_class\":\"A\"}", "failed_precondition",
		"record at least 1 contact with the deputy before replying", NULL);
	assert_string_equal(q1("SELECT count(*) FROM replies WHERE suggestion_id = $1::bigint", s2), "0");

	/* The first case's reply: B, with the co-unit's opinion attached. */
	refused("cz.clerk", "reply", s1, NULL, "{\"in_progress\":\"replied\"}", "lead_unit",
		"{\"text\":\"x\",\"result_class\":\"A\"}", "permission_denied",
		"only the lead handling unit may reply", NULL);
	refused("jt.head", "reply", s1, NULL, "{\"in_progress\":\"replied\"}", "lead_unit",
		"{\"text\":\"x\",\"result_class\":\"E\"}", "invalid_argument",
		"result_class must be A, B, C or D", "result_class");
	r = ok("jt.head", "reply", s1, "{\"in_progress\":\"replied\"}", "lead_unit",
	       "{\"text\":\"已列入明年计划，分两期实施。\",\"result_class\":\"B\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "replied");
	assert_string_equal(jv(r, "{suggestion,result_class}"), "B");
	assert_string_equal(q1("SELECT payload -> 'opinion_ids' = jsonb_build_array((SELECT id FROM opinions"
			       " WHERE suggestion_id = $1::bigint)) FROM events WHERE suggestion_id = $1::bigint"
			       " AND kind = 'reply'", s1), "t");
	free(r);
	assert_string_equal(q1("SELECT follow_up_owed::text || round FROM suggestions WHERE id = $1::bigint",
			       s1), "true1");
}

static void test_evaluation_and_close(void **state)
{
	char params[256], *r;
	(void)state;

	refused("wangwu", "evaluate", s1, NULL, "{\"replied\":\"evaluated\"}", "evaluator",
		"{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", "permission_denied",
		q1("SELECT 'you have no access to suggestion ' || $1", s1), NULL);
	refused("zhangsan", "evaluate", s1, NULL, "{\"replied\":\"evaluated\"}", "evaluator",
		"{\"attitude\":\"happy\",\"result\":\"satisfied\"}", "invalid_argument",
		"attitude must be satisfied, basically_satisfied or unsatisfied", "attitude");
	/* Back-to-back (the "Fixes" issue, item 3): an unsatisfied form leaves
	 * the round open until the co-signer has answered too; the round then
	 * closes once, to re-handling. */
	r = ok("zhangsan", "evaluate", s1, "{\"replied\":\"evaluated\"}", "evaluator",
	       "{\"attitude\":\"satisfied\",\"result\":\"unsatisfied\",\"comment\":\"进度太慢\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "replied");
	free(r);
	r = ok_closing("lisi", s1, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "rehandling");
	free(r);
	assert_string_equal(q1("SELECT supervised::text || to_char(rehandle_due, 'YYYY-MM-DD') FROM suggestions"
			       " WHERE id = $1::bigint", s1), q1("SELECT 'true' || $1", due_after("1 month")));

	/* Re-handling: a new plan, a contact in the new round, reply A. */
	refused("jt.head", "reply", s1, NULL, "{\"rehandling\":\"replied\"}", "lead_unit",
		"{\"text\":\"x\",\"result_class\":\"A\"}", "failed_precondition",
		"record at least 1 contact with the deputy before replying", NULL);
	snprintf(params, sizeof params, "{\"handler_name\":\"刘工\",\"plan\":\"提前至今年实施\","
		 "\"promised_date\":\"%s\"}", today_plus("1 month"));
	free(ok("jt.clerk", "plan", s1, "{\"rehandling\":\"rehandling\"}", "lead_unit", params));
	free(ok("jt.clerk", "contact", s1, "{\"rehandling\":\"rehandling\"}", "lead_unit",
		"{\"phase\":\"during\",\"method\":\"sms\"}"));
	r = ok("jt.head", "reply", s1, "{\"rehandling\":\"replied\"}", "lead_unit",
	       "{\"text\":\"已于本年度完成拓宽。\",\"result_class\":\"A\"}");
	assert_string_equal(jv(r, "{suggestion,result_class}"), "A");
	free(r);
	assert_string_equal(q1("SELECT follow_up_owed::text || round FROM suggestions WHERE id = $1::bigint",
			       s1), "false2");

	/* Satisfied, but the confirmed co-signer has not evaluated yet. */
	r = ok("zhangsan", "evaluate", s1, "{\"replied\":\"evaluated\"}", "evaluator",
	       "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "replied");
	free(r);
	refused("zhangsan", "evaluate", s1, NULL, "{\"replied\":\"evaluated\"}", "evaluator",
		"{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", "failed_precondition",
		q1("SELECT 'you have already evaluated reply 2 of suggestion ' || $1", s1), NULL);
	r = ok_closing("lisi", s1, "{\"attitude\":\"basically_satisfied\",\"result\":\"satisfied\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "evaluated");
	free(r);

	r = ok("liaison", "close", s1, "{\"evaluated\":\"closed\"}", "any", "{\"reason\":\"办结\"}");
	assert_string_equal(jv(r, "{suggestion,state}"), "closed");
	free(r);
	/* 23 before back-to-back rounds: + li's round-1 form + two outcome events. */
	assert_string_equal(version_of(s1), "26");
	assert_version_is_event_count(s1);
}

static void test_conflict_and_idempotency(void **state)
{
	char *r, *r2, seq[16], ver[16], stale[16];
	(void)state;

	/* A stale version: conflict, nothing changes. A plan overwrites the
	 * last one; a record that overwrites nothing (a contact) is taken on a
	 * stale version ("Fixes" issue, item 11; test_workflow_guards.c). */
	snprintf(ver, sizeof ver, "%s", version_of(s2));
	snprintf(stale, sizeof stale, "%d", atoi(ver) - 1);
	char msg[160];
	snprintf(msg, sizeof msg, "suggestion %s changed: it is at version %s, you sent %s;"
		 " reload it and try again", s2, ver, stale);
	refused("jt.clerk", "plan", s2, stale, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		"{\"handler_name\":\"张三\",\"plan\":\"另一方案\",\"promised_date\":\"2099-12-31\"}",
		"conflict", msg, NULL);
	assert_string_equal(q1("SELECT count(*) FROM suggestions WHERE id = $1::bigint AND plan = '另一方案'", s2),
			    "0");
	assert_string_equal(q1("SELECT count(*) FROM contacts WHERE suggestion_id = $1::bigint", s2), "0");

	/* The same key and request: the first answer again, no new event. */
	r = act_raw("jt.clerk", "contact", s2, ver, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		    "{\"phase\":\"before\",\"method\":\"phone\"}", "retry-1", "h-contact");
	assert_string_equal(jv(r, "{code}"), "ok");
	assert_string_equal(jv(r, "{replayed}"), "false");
	snprintf(seq, sizeof seq, "%s", jv(r, "{event_seq}"));
	r2 = act_raw("jt.clerk", "contact", s2, ver, "{\"in_progress\":\"in_progress\"}", "lead_unit",
		     "{\"phase\":\"before\",\"method\":\"phone\"}", "retry-1", "h-contact");
	assert_string_equal(jv(r2, "{code}"), "ok");
	assert_string_equal(jv(r2, "{replayed}"), "true");
	assert_string_equal(jv(r2, "{event_seq}"), seq);
	assert_string_equal(jv(r2, "{suggestion}"), jv(r, "{suggestion}"));
	assert_string_equal(q1("SELECT count(*) FROM contacts WHERE suggestion_id = $1::bigint", s2), "1");
	assert_version_is_event_count(s2);
	free(r2);
	/* The same key for another request is refused. */
	r2 = act_raw("jt.clerk", "contact", s2, version_of(s2), "{\"in_progress\":\"in_progress\"}",
		     "lead_unit", "{\"phase\":\"after\",\"method\":\"phone\"}", "retry-1", "h-other");
	assert_string_equal(jv(r2, "{code}"), "invalid_argument");
	assert_string_equal(jv(r2, "{message}"),
			    "idempotency key \"retry-1\" was already used for a different request");
	assert_string_equal(jv(r2, "{field}"), "idempotency_key");
	assert_string_equal(q1("SELECT count(*) FROM contacts WHERE suggestion_id = $1::bigint", s2), "1");
	assert_version_is_event_count(s2);
	free(r2);
	/* Keys are per account: another account may use the same key. */
	r2 = act_raw("jt.head", "reply", s2, version_of(s2), "{\"in_progress\":\"replied\"}",
		     "lead_unit", "{\"text\":\"已设置潮汐车位\",\"result_class\":\"A\"}", "retry-1", "h-x");
	assert_string_equal(jv(r2, "{code}"), "ok");
	assert_version_is_event_count(s2);
	free(r2);
	free(r);

	/* Unknown case. */
	refused("liaison", "close", "999999", "1", "{\"evaluated\":\"closed\"}", "any", "{}",
		"not_found", "no suggestion 999999", NULL);

	/* The key's length: jianyid's limit (common/jy_limits.h) is SQL's too. */
	char key[JY_IDEMPOTENCY_KEY_MAX + 2];
	memset(key, 'k', JY_IDEMPOTENCY_KEY_MAX);
	key[JY_IDEMPOTENCY_KEY_MAX] = '\0';
	r = act_raw("liaison", "close", "999999", "1", "{\"evaluated\":\"closed\"}", "any", "{}",
		    key, "h-long");
	assert_string_equal(jv(r, "{code}"), "not_found");
	free(r);
	strcat(key, "k");
	r = act_raw("liaison", "close", "999999", "1", "{\"evaluated\":\"closed\"}", "any", "{}",
		    key, "h-long");
	assert_string_equal(jv(r, "{code}"), "invalid_argument");
	assert_string_equal(jv(r, "{field}"), "idempotency_key");
	assert_string_equal(jv(r, "{message}"),
			    "idempotency_key must be 1 to " JY_STR(JY_IDEMPOTENCY_KEY_MAX) " characters");
	free(r);
}

static void test_events_immutable(void **state)
{
	(void)state;
	must_fail("UPDATE events SET kind = 'close' WHERE seq = 1");
	must_fail("DELETE FROM events WHERE seq = 1");
	must_fail("TRUNCATE events CASCADE");
	must_fail("TRUNCATE suggestions CASCADE");
	assert_string_equal(q("SELECT count(*) = (SELECT sum(version) FROM suggestions) FROM events",
			      0, NULL), "t");
}

static void test_visibility_and_redaction(void **state)
{
	char *r;
	(void)state;

	/* The lead unit sees the timeline, but never an individual evaluation:
	 * the 4 forms are left out, the 2 rounds' outcomes are there. */
	r = get("jt.clerk", s1);
	assert_string_equal(jv(r, "{code}"), "ok");
	assert_string_equal(jv(r, "{suggestion,state}"), "closed");
	assert_string_equal(q1("SELECT jsonb_array_length($1::jsonb -> 'timeline')::text", r), "22");
	assert_string_equal(q1("SELECT count(*) FROM jsonb_array_elements($1::jsonb -> 'timeline') e"
			       " WHERE e ->> 'kind' = 'evaluate'", r), "0");
	assert_string_equal(q1("SELECT count(*) FROM jsonb_array_elements($1::jsonb -> 'timeline') e"
			       " WHERE e ->> 'kind' = 'evaluation_outcome'", r), "2");
	assert_null(strstr(r, "进度太慢"));
	/* Timeline entries carry who did what, in order. */
	assert_string_equal(jv(r, "{timeline,0,kind}"), "create");
	assert_string_equal(jv(r, "{timeline,0,actor_login}"), "zhangsan");
	assert_string_equal(jv(r, "{timeline,0,from_state}"), "");
	assert_string_equal(jv(r, "{timeline,0,to_state}"), "draft");
	assert_string_equal(jv(r, "{timeline,21,kind}"), "close");
	assert_string_equal(jv(r, "{timeline,21,actor_name}"), "联络员");
	free(r);

	/* The congress side sees the forms. */
	r = get("liaison", s1);
	assert_string_equal(timeline_details(r, "evaluate", "1"),
			    "{\"round\": 1, \"result\": \"unsatisfied\", \"comment\": \"进度太慢\", "
			    "\"attitude\": \"satisfied\"}");
	free(r);
	r = get("zhangsan", s1);
	assert_string_equal(jv(r, "{code}"), "ok");
	free(r);

	/* Units with no active assignment see nothing. */
	r = get("zj.clerk", s1);
	assert_string_equal(jv(r, "{code}"), "permission_denied");
	assert_string_equal(jv(r, "{message}"), q1("SELECT 'you have no access to suggestion ' || $1", s1));
	assert_string_equal(jv(r, "{suggestion}"), "");
	free(r);
	r = get("jy.clerk", s2);
	assert_string_equal(jv(r, "{code}"), "permission_denied");
	free(r);
	r = get("citizen", s1);
	assert_string_equal(jv(r, "{code}"), "permission_denied");
	free(r);
	r = get("liaison", "424242");
	assert_string_equal(jv(r, "{code}"), "not_found");
	assert_string_equal(jv(r, "{message}"), "no suggestion 424242");
	free(r);
}

static void test_list(void **state)
{
	char *r, both[40], filters[128];
	(void)state;
	snprintf(both, sizeof both, "%s,%s", s1, s2);

	/* "县城" is in both cases; a Chinese substring of one body finds one. */
	r = list("liaison", "{\"text\":\"县城\"}");
	assert_string_equal(jv(r, "{code}"), "ok");
	assert_string_equal(list_ids(r), both);
	assert_string_equal(jv(r, "{next_after_id}"), "0");
	/* Lists leave out body and plan. */
	assert_string_equal(jv(r, "{suggestions,0,body}"), "");
	assert_string_equal(jv(r, "{suggestions,0,plan}"), "");
	assert_string_equal(jv(r, "{suggestions,0,handler_name}"), "刘工");
	free(r);
	r = list("liaison", "{\"text\":\"潮汐停车位\"}");
	assert_string_equal(list_ids(r), s2);
	free(r);
	/* Visibility: each deputy finds only their own case. */
	r = list("zhangsan", "{\"text\":\"县城\"}");
	assert_string_equal(list_ids(r), s1);
	free(r);
	r = list("wangwu", "{\"text\":\"县城\"}");
	assert_string_equal(list_ids(r), s2);
	free(r);
	r = list("zhaoliu", "{\"text\":\"县城\"}");
	assert_string_equal(list_ids(r), "");
	free(r);
	r = list("citizen", "{}");
	assert_string_equal(list_ids(r), "");
	free(r);
	r = list("cz.clerk", "{}");
	assert_string_equal(list_ids(r), s1);
	free(r);
	/* Wildcards in the text are literal. */
	r = list("liaison", "{\"text\":\"%\"}");
	assert_string_equal(list_ids(r), "");
	free(r);
	r = list("liaison", "{\"text\":\"县_\"}");
	assert_string_equal(list_ids(r), "");
	free(r);

	/* Other filters, paging, and a bad filter. */
	r = list("liaison", "{\"state\":\"closed\"}");
	assert_string_equal(list_ids(r), s1);
	free(r);
	r = list("liaison", "{\"key_only\":true}");
	assert_string_equal(list_ids(r), s1);
	free(r);
	snprintf(filters, sizeof filters, "{\"unit_id\":%s,\"term\":18,\"session\":2}", org("县交通运输局"));
	r = list("liaison", filters);
	assert_string_equal(list_ids(r), both);
	free(r);
	snprintf(filters, sizeof filters, "{\"deputy_id\":%s}", deputy("李四"));
	r = list("liaison", filters);
	assert_string_equal(list_ids(r), s1);
	free(r);
	r = strdup(q1("SELECT jy_list($1::bigint, '{}', 1, 0)::text", account("liaison")));
	assert_string_equal(list_ids(r), s1);
	assert_string_equal(jv(r, "{next_after_id}"), s1);
	free(r);
	r = strdup(q2("SELECT jy_list($1::bigint, '{}', 1, $2::bigint)::text", account("liaison"), s1));
	assert_string_equal(list_ids(r), s2);
	assert_string_equal(jv(r, "{next_after_id}"), "0");
	free(r);
	r = list("liaison", "{\"state\":\"nonsense\"}");
	assert_string_equal(jv(r, "{code}"), "invalid_argument");
	assert_string_equal(jv(r, "{message}"), "state 'nonsense' is not a state");
	assert_string_equal(jv(r, "{field}"), "state");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intake),
		cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_handling_and_reply),
		cmocka_unit_test(test_evaluation_and_close),
		cmocka_unit_test(test_conflict_and_idempotency),
		cmocka_unit_test(test_events_immutable),
		cmocka_unit_test(test_visibility_and_redaction),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
