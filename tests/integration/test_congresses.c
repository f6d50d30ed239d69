/* Many congresses in one deployment (issue #15, "Many congresses in one
 * deployment"; docs/CONGRESSES.md). Its done-when: "100 congresses × 1,000
 * suggestions in one deployment give roll-up statistics equal to the sums
 * of their parts, and no request of one congress's account reads
 * another's rows."
 *
 * On the workflow fixture (congress 1, "main", with its own accounts and
 * cases) the test loads a province of 100 congresses (the province, 9
 * prefectures, 90 counties: 1 + 9 + 90), each with its units, station, 20
 * deputies, four accounts and 1,000 cases in every state, by SQL as the
 * database owner. Then:
 * - the statistics: each congress's own (read by its liaison officer) sum
 *   to its roll-up (read by the committee above), for the province and for
 *   every prefecture, and each part's total is the count of its registered
 *   cases (README.md "Statistics": registered or later, not withdrawn,
 *   merged or converted); over TLS the province's roll-up is the same;
 * - no leak: every account, of every role, of 21 congresses (the main
 *   one, the province, its 9 prefectures, 10 counties) runs every read
 *   (lists, search, to-do, deadlines, ledger, directory, topics,
 *   supervision, excellent, feed, inbox) and no answer names a case, unit,
 *   deputy or account of another congress; and requests aimed at another
 *   congress's rows (its
 *   case by id, its case number, its unit, its deputy) are answered as if
 *   the rows did not exist;
 * - each congress numbers its own cases, and reads its own settings and
 *   calendar, inherited from the congresses above it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

#define CONGRESSES 100
#define CASES_EACH 1000

static PGconn *db;

static PGresult *q(const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s\nin: %.400s", PQerrorMessage(db), sql);
	return r;
}

static void run(const char *sql)
{
	PQclear(q(sql, 0, NULL));
}

/* The single value of a query (one text parameter or none). */
static char *val(const char *sql, const char *arg)
{
	static char buf[8][4096];
	static int next;
	char *b = buf[next++ % 8];
	const char *p[1] = { arg };
	PGresult *r = q(sql, arg ? 1 : 0, p);
	if (PQntuples(r) != 1)
		fail_msg("expected one row, got %d: %.300s", PQntuples(r), sql);
	snprintf(b, sizeof buf[0], "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return b;
}

static long num(const char *sql, const char *arg)
{
	return strtol(val(sql, arg), NULL, 10);
}

/* ---- the province ------------------------------------------------------------ */

/* The states the cases are spread over, by (g * 7 + congress * (g % 3)) % 10
 * so that the congresses' mixes differ: closed (four in ten), in progress
 * overdue and not, replied, submitted, registered, draft. */
static const char *const load[] = {
	"INSERT INTO congresses (code, name, level, path) VALUES ('p', '某某省人民代表大会', 'province', '{}')",
	"INSERT INTO congresses (code, name, level, parent_id, path)"
	" SELECT 'p' || i, '第' || i || '市人民代表大会', 'prefecture',"
	" (SELECT id FROM congresses WHERE code = 'p'), '{}' FROM generate_series(1, 9) i",
	"INSERT INTO congresses (code, name, level, parent_id, path)"
	" SELECT 'p' || i || '-' || j, '第' || i || '市第' || j || '县人民代表大会', 'county',"
	" (SELECT id FROM congresses WHERE code = 'p' || i), '{}'"
	" FROM generate_series(1, 9) i, generate_series(1, 10) j",
	/* The same unit names in every congress: unique within one only. */
	"INSERT INTO organizations (congress_id, name, kind)"
	" SELECT c.id, o.name, o.kind FROM congresses c, (VALUES"
	" ('人大常委会联工委', 'liaison_committee'), ('政府办公室', 'government_office'),"
	" ('教育局', 'handling_unit'), ('交通运输局', 'handling_unit'), ('卫生健康局', 'handling_unit'),"
	" ('代表联络站', 'liaison_station'), ('财政经济委员会', 'special_committee')) o (name, kind)"
	" WHERE c.code LIKE 'p%'",
	"INSERT INTO deputies (congress_id, name, term, organization_id)"
	" SELECT c.id, '代表' || c.code || '-' || g, 18,"
	" (SELECT o.id FROM organizations o WHERE o.congress_id = c.id AND o.kind = 'liaison_station')"
	" FROM congresses c, generate_series(1, 20) g WHERE c.code LIKE 'p%'",
	"INSERT INTO accounts (congress_id, login, display_name, organization_id, roles, deputy_id)"
	" SELECT c.id, a.prefix || c.code, a.prefix || c.code,"
	" (SELECT o.id FROM organizations o WHERE o.congress_id = c.id AND o.name = a.org),"
	" ARRAY[a.role],"
	" CASE WHEN a.role = 'deputy' THEN (SELECT min(d.id) FROM deputies d WHERE d.congress_id = c.id) END"
	" FROM congresses c, (VALUES ('lo-', '人大常委会联工委', 'liaison_officer'),"
	" ('gov-', '政府办公室', 'government_officer'), ('clerk-', '教育局', 'unit_clerk'),"
	" ('dep-', '代表联络站', 'deputy')) a (prefix, org, role)"
	" WHERE c.code LIKE 'p%'",
	"CREATE TEMP TABLE plan AS"
	" SELECT c.id AS congress, g, (ARRAY['closed','closed','closed','closed','in_progress',"
	"  'in_progress','replied','submitted','registered','draft'])[1 + (g * 7 + c.id * (g % 3)) % 10]"
	"  AS state, (g * 7 + c.id * (g % 3)) % 10 = 4 AS overdue"
	" FROM congresses c, generate_series(1, " "1000" ") g WHERE c.code LIKE 'p%'",
	"INSERT INTO suggestions (congress_id, state, version, title, body, category, lead_deputy_id,"
	" created_by, term, session, number, reply_deadline, dispute_due, result_class, round,"
	" created_at)"
	" SELECT p.congress, p.state, 1, '关于第' || p.g || '号片区的建议（' || p.congress || '）',"
	" '正文', (ARRAY['交通','教育','卫生'])[1 + p.g % 3],"
	" (SELECT d.id FROM deputies d WHERE d.congress_id = p.congress ORDER BY d.id OFFSET p.g % 20 LIMIT 1),"
	" (SELECT a.id FROM accounts a WHERE a.congress_id = p.congress AND a.login LIKE 'dep-%'),"
	" CASE WHEN p.state NOT IN ('draft', 'submitted') THEN 18 END,"
	" CASE WHEN p.state NOT IN ('draft', 'submitted') THEN 1 END,"
	" CASE WHEN p.state NOT IN ('draft', 'submitted') THEN p.g END,"
	" CASE WHEN p.state IN ('in_progress', 'replied', 'closed')"
	"  THEN CASE WHEN p.overdue THEN current_date - 5 ELSE current_date + 30 END END,"
	" CASE WHEN p.state IN ('in_progress', 'replied', 'closed') THEN current_date - 80 END,"
	" CASE WHEN p.state IN ('replied', 'closed') THEN (ARRAY['A','B','C','D'])[1 + p.g % 4] END,"
	" CASE WHEN p.state IN ('replied', 'closed') THEN 1 ELSE 0 END,"
	" now() - interval '100 days'"
	" FROM plan p",
	"INSERT INTO registration_counters (congress_id, term, session, last_number)"
	" SELECT c.id, 18, 1, " "1000" " FROM congresses c WHERE c.code LIKE 'p%'",
	"INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position, confirmed_at)"
	" SELECT s.id, s.lead_deputy_id, 'lead', 0, s.created_at FROM suggestions s"
	" WHERE s.congress_id > 1",
	"INSERT INTO suggestion_units (suggestion_id, organization_id, role, position, assigned_at,"
	" accepted_at)"
	" SELECT s.id, (SELECT o.id FROM organizations o WHERE o.congress_id = s.congress_id"
	"  AND o.kind = 'handling_unit' ORDER BY o.id OFFSET s.number % 3 LIMIT 1), 'lead', 0,"
	" s.created_at + interval '10 days', s.created_at + interval '10 days'"
	" FROM suggestions s WHERE s.congress_id > 1 AND s.state IN ('in_progress', 'replied', 'closed')",
	/* Every seventh reply comes after its deadline. */
	"INSERT INTO replies (suggestion_id, round, text, result_class, organization_id, signed_by, at)"
	" SELECT s.id, 1, '答复', s.result_class, u.organization_id,"
	" (SELECT a.id FROM accounts a WHERE a.congress_id = s.congress_id AND a.login LIKE 'clerk-%'),"
	" CASE WHEN s.number % 7 = 0 THEN now() ELSE now() - interval '40 days' END"
	" FROM suggestions s JOIN suggestion_units u ON u.suggestion_id = s.id"
	" WHERE s.congress_id > 1 AND s.state IN ('replied', 'closed')",
	"INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, at)"
	" SELECT s.id, 1, s.lead_deputy_id, 'satisfied',"
	" CASE WHEN s.number % 5 = 0 THEN 'unsatisfied' ELSE 'satisfied' END, now() - interval '20 days'"
	" FROM suggestions s WHERE s.congress_id > 1 AND s.state = 'closed'",
	"ANALYZE",
};

static int setup(void **state)
{
	wf_setup(state);
	db = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	run("BEGIN");
	for (size_t i = 0; i < sizeof load / sizeof load[0]; i++)
		run(load[i]);
	run("COMMIT");
	assert_int_equal(num("SELECT count(*) FROM congresses WHERE code LIKE 'p%'", NULL), CONGRESSES);
	assert_int_equal(num("SELECT count(*) FROM suggestions WHERE congress_id > 1", NULL),
			 CONGRESSES * CASES_EACH);
	/* Certificates for the province's and one county's committee, and
	 * that county's unit clerk: the requests over TLS. */
	const char *const logins[] = { "lo-p1", "lo-p1-1", "clerk-p1-1", "lo-p2-1" };
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		char path[400];
		harness_client_cert(&H, logins[i]);
		snprintf(path, sizeof path, "%s/%s.crt", H.pki, logins[i]);
		assert_int_equal(harness_admin(&H, "cert-bind", "--login", logins[i], "--cert", path, NULL), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	PQfinish(db);
	return wf_teardown(state);
}

/* ---- the roll-up ------------------------------------------------------------- */

/* The count-like fields of a StatsRow: a roll-up's is the sum of its parts'. */
static const char *const counted[] = {
	"total", "replied", "due", "on_time", "solved", "rehandled", "overdue_now", "evaluated",
	"first_round_forms", "first_round_satisfied", "final_forms", "final_satisfied",
};

/* The roll-up of congress `code` (read by its liaison officer, table
 * rolls) against the sum of the own statistics of it and every congress
 * under it (each read by that congress's own liaison officer, table
 * parts). */
static void rollup_is_sum(const char *code)
{
	for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
		char sql[800];
		snprintf(sql, sizeof sql,
			 "SELECT (SELECT (r.row ->> '%1$s')::bigint FROM rolls r WHERE r.code = $1)"
			 "     - (SELECT sum((p.row ->> '%1$s')::bigint) FROM congresses top, parts p"
			 "        WHERE top.code = $1 AND top.id = ANY (p.path))",
			 counted[i]);
		long diff = num(sql, code);
		if (diff != 0)
			fail_msg("congress %s: roll-up %s differs from the sum of its parts by %ld", code,
				 counted[i], diff);
	}
	/* The states and the result classes too. */
	long diff = num("WITH r AS (SELECT row FROM rolls WHERE code = $1),"
			" parts AS (SELECT p.row FROM congresses top, parts p"
			"           WHERE top.code = $1 AND top.id = ANY (p.path))"
			" SELECT coalesce(sum(abs(x.n)), 0) FROM ("
			"  SELECT k, sum(n) AS n FROM ("
			"   SELECT 's' || (e ->> 'state') AS k, (e ->> 'count')::bigint AS n"
			"   FROM r, jsonb_array_elements(r.row -> 'by_state') e"
			"   UNION ALL SELECT 's' || (e ->> 'state'), -(e ->> 'count')::bigint"
			"   FROM parts, jsonb_array_elements(parts.row -> 'by_state') e"
			"   UNION ALL SELECT 'c' || (e ->> 'result_class'), (e ->> 'count')::bigint"
			"   FROM r, jsonb_array_elements(r.row -> 'by_class') e"
			"   UNION ALL SELECT 'c' || (e ->> 'result_class'), -(e ->> 'count')::bigint"
			"   FROM parts, jsonb_array_elements(parts.row -> 'by_class') e) y GROUP BY k) x",
			code);
	if (diff != 0)
		fail_msg("congress %s: roll-up by state/class differs from its parts by %ld", code, diff);
}

static void rollup_equals_sum_of_parts(void **state)
{
	(void)state;
	/* Each congress's own statistics, read by its own committee; the
	 * roll-ups of the province, its prefectures and one county, read by
	 * theirs. */
	uint64_t t0 = harness_now_ms();
	run("CREATE TEMP TABLE parts AS SELECT c.id, c.path, c.code,"
	    " jy_stats(a.id, 0, 0, '', false) -> 'rows' -> 0 AS row"
	    " FROM congresses c JOIN accounts a ON a.congress_id = c.id AND a.login LIKE 'lo-%'");
	uint64_t t1 = harness_now_ms();
	run("CREATE TEMP TABLE rolls AS SELECT c.code, jy_stats(a.id, 0, 0, '', true) -> 'rows' -> 0 AS row"
	    " FROM congresses c JOIN accounts a ON a.congress_id = c.id AND a.login LIKE 'lo-%'"
	    " WHERE c.code ~ '^p[0-9]?$' OR c.code = 'p3-4'");
	uint64_t t2 = harness_now_ms();
	/* Figures, not limits (the machine may be shared): docs/CONGRESSES.md. */
	printf("statistics: the 100 congresses' own in %.1f s; 11 roll-ups (the province's over %ld"
	       " cases, its 9 prefectures', a county's) in %.1f s\n", (double)(t1 - t0) / 1000.0,
	       num("SELECT row ->> 'total' FROM rolls WHERE code = 'p'", NULL),
	       (double)(t2 - t1) / 1000.0);
	assert_int_equal(num("SELECT count(*) FROM parts", NULL), CONGRESSES);
	/* Each part's total is its registered cases, counted here from the
	 * rows (README.md "Statistics"), not by the function under test. */
	assert_int_equal(num("SELECT count(*) FROM parts p"
			     " WHERE (p.row ->> 'total')::bigint <>"
			     " (SELECT count(*) FROM suggestions s WHERE s.congress_id = p.id"
			     "  AND s.number IS NOT NULL AND s.state NOT IN ('withdrawn', 'merged', 'converted'))",
			     NULL), 0);
	/* Not all alike: the parts differ, so a sum that took one of them for
	 * all would be caught. */
	assert_true(num("SELECT count(DISTINCT p.row ->> 'solved') FROM parts p", NULL) > 3);
	rollup_is_sum("p");
	for (int i = 1; i <= 9; i++) {
		char code[8];
		snprintf(code, sizeof code, "p%d", i);
		rollup_is_sum(code);
	}
	/* A county has nothing under it: its roll-up is its own. */
	rollup_is_sum("p3-4");
	/* By congress: one row per congress of the subtree, each its own. */
	assert_int_equal(num("SELECT jsonb_array_length(jy_stats(a.id, 0, 0, 'congress', true) -> 'rows')"
			     " FROM accounts a WHERE a.login = 'lo-p'", NULL), CONGRESSES);
	assert_int_equal(num("SELECT count(*) FROM parts p, congresses c,"
			     " jsonb_array_elements((SELECT jy_stats(t.id, 0, 0, 'congress', true) -> 'rows'"
			     "  FROM accounts t WHERE t.login = 'lo-p')) r"
			     " WHERE c.id = p.id AND r ->> 'group' = c.name"
			     " AND r ->> 'total' <> p.row ->> 'total'", NULL), 0);
	/* The main congress (the fixture's) is no part of the province. */
	assert_int_equal(num("SELECT (row ->> 'total')::bigint FROM rolls WHERE code = 'p'", NULL),
			 num("SELECT count(*) FROM suggestions WHERE congress_id > 1 AND number IS NOT NULL",
			     NULL));

	/* Over TLS, as the first prefecture's committee: the same roll-up
	 * (the province's, 80,000 cases, takes longer than a request may on
	 * this shared machine: docs/CONGRESSES.md "Roll-up"). */
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__StatsRequest sr = JIANYI__STATS_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	char msg[512];
	sr.group_by = "";
	sr.rollup = true;
	req.body_case = JIANYI__REQUEST__BODY_STATS;
	req.stats = &sr;
	struct jy_client *c = client_connect(&H, &S, "lo-p1");
	assert_int_equal(wf_call(c, &req, &env, msg, sizeof msg), OK);
	assert_int_equal(env->response->stats->n_rows, 1);
	assert_int_equal(env->response->stats->rows[0]->total,
			 num("SELECT row ->> 'total' FROM rolls WHERE code = 'p1'", NULL));
	assert_int_equal(env->response->stats->rows[0]->solved,
			 num("SELECT row ->> 'solved' FROM rolls WHERE code = 'p1'", NULL));
	jy_envelope_free(env);
	jy_close(c);
	/* A unit asks for the roll-up: refused in words. */
	c = client_connect(&H, &S, "clerk-p1-1");
	assert_int_equal(wf_call(c, &req, &env, msg, sizeof msg), DENIED);
	if (env)
		jy_envelope_free(env);
	jy_close(c);
}

/* ---- no leak ----------------------------------------------------------------- */

/* The accounts of the sweep: every account of the main congress and of 20
 * of the province's (the province, its 9 prefectures, 10 counties), every
 * role. */
#define SWEEP "(SELECT a.* FROM accounts a JOIN congresses c ON c.id = a.congress_id" \
	" WHERE NOT a.disabled AND (c.code ~ '^(main|p[0-9]?|p[0-9]-1)$' OR c.code = 'p9-10'))"

/* One read by every account of the sweep, kept; then the ids it names (by
 * jsonpath) that belong to another congress (table: where the ids live).
 * Must be none, and the answers must name something at all, so that the
 * sweep could see a leak. */
static void no_foreign(const char *what, const char *call, const char *path, const char *table)
{
	char sql[1600];
	run("DROP TABLE IF EXISTS answer");
	snprintf(sql, sizeof sql, "CREATE TEMP TABLE answer AS SELECT a.login, a.congress_id, %s AS doc"
		 " FROM " SWEEP " a", call);
	run(sql);
	snprintf(sql, sizeof sql,
		 "SELECT count(*), min(a.login) FROM answer a,"
		 " LATERAL jsonb_path_query(a.doc, '%s') AS x (id)"
		 " JOIN %s t ON t.id = (x.id #>> '{}')::bigint"
		 " WHERE t.congress_id <> a.congress_id", path, table);
	PGresult *r = q(sql, 0, NULL);
	long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	if (n != 0)
		fail_msg("%s: %ld rows of another congress (first account: %s)", what, n,
			 PQgetvalue(r, 0, 1));
	PQclear(r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM answer a, LATERAL jsonb_path_query(a.doc, '%s') x",
		 path);
	if (num(sql, NULL) == 0)
		fail_msg("the sweep %s saw nothing: it would not see a leak either", what);
}

static void no_request_reads_another_congress(void **state)
{
	(void)state;
	static const struct { const char *what, *call, *path, *table; } reads[] = {
		{ "list", "jy_list(a.id, '{}', 200, 0)", "lax $.suggestions[*].id", "suggestions" },
		/* from the province's first case on: where the main congress's
		 * accounts would meet the province's cases */
		{ "list from the province", "jy_list(a.id, '{}', 200, (SELECT min(id) - 1 FROM suggestions"
		  " WHERE congress_id > 1))", "lax $.suggestions[*].id", "suggestions" },
		{ "search", "jy_list(a.id, '{\"text\": \"片区\"}', 200, 0)", "lax $.suggestions[*].id",
		  "suggestions" },
		{ "to-do", "jy_todo(a.id)", "lax $.items[*].suggestion_id", "suggestions" },
		{ "deadlines", "jy_deadlines(a.id, '{}', 100)", "lax $.deadlines[*].suggestion_id",
		  "suggestions" },
		{ "ledger", "jy_ledger(a.id, '{}', 200, (SELECT min(id) - 1 FROM suggestions"
		  " WHERE congress_id > 1))", "lax $.rows[*].id", "suggestions" },
		{ "directory units", "jy_read(a.id, 'directory', '{\"kind\": \"units\", \"query\": \"\"}')",
		  "lax $.entries[*].id", "organizations" },
		{ "directory stations", "jy_read(a.id, 'directory', '{\"kind\": \"stations\", \"query\": \"\"}')",
		  "lax $.entries[*].id", "organizations" },
		{ "directory deputies", "jy_read(a.id, 'directory', '{\"kind\": \"deputies\", \"query\": \"\"}')",
		  "lax $.entries[*].id", "deputies" },
		{ "directory accounts", "jy_read(a.id, 'directory', '{\"kind\": \"accounts\", \"query\": \"\"}')",
		  "lax $.entries[*].id", "accounts" },
		{ "case by number", "jy_read(a.id, 'directory', '{\"kind\": \"cases\", \"query\": \"18-1-8\"}')",
		  "lax $.entries[*].id", "suggestions" },
		{ "supervision", "jy_read(a.id, 'supervision_list', '{}')",
		  "lax $.records[*].suggestion_id", "suggestions" },
		{ "topics", "jy_read(a.id, 'topic_list', '{}')", "lax $.topics[*].id", "topics" },
		{ "excellent", "jy_read(a.id, 'excellent_list', '{\"year\": 2026}')",
		  "lax $.entries[*].suggestion_id", "suggestions" },
		{ "feed", "jy_sync(a.id, 0, 1000)", "lax $.events[*].suggestion_id", "suggestions" },
		{ "inbox", "jy_inbox(a.id, false, 500, 0)", "lax $.notices[*].suggestion_id", "suggestions" },
	};
	/* Some supervision, a topic, nominations and notices in two congresses,
	 * so that those reads have something to leak. */
	run("INSERT INTO supervision_notes (suggestion_id, kind, text, written_by, level)"
	    " SELECT s.id, 'note', '请加快办理', (SELECT a.id FROM accounts a WHERE a.congress_id = s.congress_id"
	    "  AND a.login LIKE 'lo-%'), 1"
	    " FROM suggestions s JOIN congresses c ON c.id = s.congress_id"
	    " WHERE c.code IN ('p1-1', 'p2-1') AND s.state = 'in_progress' AND s.number < 50");
	run("INSERT INTO topics (name, committee_id, created_by)"
	    " SELECT '乡村振兴', o.id, a.id FROM congresses c"
	    " JOIN organizations o ON o.congress_id = c.id AND o.kind = 'special_committee'"
	    " JOIN accounts a ON a.congress_id = c.id AND a.login LIKE 'lo-%'"
	    " WHERE c.code IN ('p1-1', 'p2-1')");
	run("INSERT INTO excellent_nominations (year, suggestion_id, nominated_by)"
	    " SELECT 2026, s.id, (SELECT a.id FROM accounts a WHERE a.congress_id = s.congress_id"
	    "  AND a.login LIKE 'lo-%')"
	    " FROM suggestions s JOIN congresses c ON c.id = s.congress_id"
	    " WHERE c.code IN ('p1-1', 'p2-1') AND s.state = 'closed' AND s.number < 30");
	run("SELECT jy_raise_notices(jy_today())");
	/* Events in two congresses (the loaded cases have none): each one's
	 * committee registers a submitted case of its own, so that the feed
	 * has something to leak. */
	const char *const registrars[2] = { "lo-p1-1", "lo-p2-1" };
	for (int i = 0; i < 2; i++) {
		char key[32];
		snprintf(key, sizeof key, "k-feed-%d", i);
		const char *p[2] = { registrars[i], key };
		PGresult *r = q("SELECT jy_act(a.id, 'register', (SELECT max(s.id) FROM suggestions s"
				"  WHERE s.congress_id = a.congress_id AND s.state = 'submitted'), 1,"
				" '{\"submitted\": \"registered\"}', 'any', '{\"term\": 18, \"session\": 2}',"
				" $2, '') ->> 'code' FROM accounts a WHERE a.login = $1", 2, p);
		assert_string_equal(PQgetvalue(r, 0, 0), "ok");
		PQclear(r);
	}
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
		no_foreign(reads[i].what, reads[i].call, reads[i].path, reads[i].table);
	/* Statistics by unit name only the account's own units. */
	assert_int_equal(num("SELECT count(*) FROM " SWEEP " a,"
			     " jsonb_array_elements(jy_stats(a.id, 0, 0, 'unit', false) -> 'rows') r"
			     " WHERE a.login LIKE 'lo-%' AND r ->> 'group' <> '(unassigned)'"
			     " AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.congress_id = a.congress_id"
			     "  AND o.name = r ->> 'group')", NULL), 0);

	/* Aimed at another congress's rows: as if they did not exist. */
	/* copied: val's buffers are reused */
	char b_case[32], b_unit[32], b_deputy[32], a_case[32];
	snprintf(b_case, sizeof b_case, "%s", val("SELECT min(s.id)::text FROM suggestions s JOIN congresses c"
		 " ON c.id = s.congress_id WHERE c.code = 'p2-1' AND s.state = 'submitted'", NULL));
	snprintf(b_unit, sizeof b_unit, "%s", val("SELECT o.id::text FROM organizations o JOIN congresses c"
		 " ON c.id = o.congress_id WHERE c.code = 'p2-1' AND o.name = '教育局'", NULL));
	snprintf(b_deputy, sizeof b_deputy, "%s", val("SELECT min(d.id)::text FROM deputies d JOIN congresses c"
		 " ON c.id = d.congress_id WHERE c.code = 'p2-1'", NULL));
	assert_string_equal(val("SELECT jy_get((SELECT id FROM accounts WHERE login = 'lo-p1-1'),"
				" $1::bigint) ->> 'code'", b_case), "not_found");
	/* The province's committee reads statistics of p2-1, never its cases. */
	assert_string_equal(val("SELECT jy_get((SELECT id FROM accounts WHERE login = 'lo-p'),"
				" $1::bigint) ->> 'code'", b_case), "not_found");
	assert_string_equal(val("SELECT jy_act((SELECT id FROM accounts WHERE login = 'lo-p1-1'), 'register',"
				" $1::bigint, 1, '{\"submitted\": \"registered\"}', 'any',"
				" '{\"term\": 18, \"session\": 1}', 'k-leak-1', '') ->> 'code'", b_case),
			    "not_found");
	/* A case of p1-1 assigned to p2-1's unit: no such unit. */
	snprintf(a_case, sizeof a_case, "%s", val("SELECT min(s.id)::text FROM suggestions s JOIN congresses c"
		 " ON c.id = s.congress_id WHERE c.code = 'p1-1' AND s.state = 'registered'", NULL));
	char sql[800];
	snprintf(sql, sizeof sql,
		 "SELECT jy_act((SELECT id FROM accounts WHERE login = 'gov-p1-1'), 'assign', $1::bigint,"
		 " 1, '{\"registered\": \"assigned\"}', 'any', jsonb_build_object('lead_unit_id', %s),"
		 " 'k-leak-2', '') ->> 'reason'",
		 b_unit);
	assert_string_equal(val(sql, a_case), "no_organization");
	/* A draft of p1-1's deputy co-signed by p2-1's deputy: no such deputy. */
	snprintf(sql, sizeof sql,
		 "SELECT jy_act((SELECT id FROM accounts WHERE login = 'dep-p1-1'), 'create', NULL, NULL,"
		 " '{}', 'any', jsonb_build_object('title', '联名', 'body', '正文', 'cosigner_deputy_ids',"
		 " jsonb_build_array(%s)), 'k-leak-3', '') ->> 'reason'", b_deputy);
	assert_string_equal(val(sql, NULL), "no_deputy");
	/* Attachments of another congress's case: none such. */
	assert_string_equal(val("SELECT jy_read((SELECT id FROM accounts WHERE login = 'lo-p1-1'),"
				" 'attach_list', jsonb_build_object('suggestion_id', $1::bigint)) ->> 'code'",
				b_case), "not_found");

	/* Over TLS: p1-1's committee asks for p2-1's case, and lists. */
	struct jy_client *c = client_connect(&H, &S, "lo-p1-1");
	Jianyi__Envelope *env = NULL;
	char msg[512];
	assert_int_equal(wf_get(c, strtoll(b_case, NULL, 10), &env, msg, sizeof msg), NOT_FOUND);
	if (env)
		jy_envelope_free(env);
	jy_close(c);
}

/* ---- each congress its own numbering, settings and calendar ------------------------ */

static void own_numbering_settings_calendar(void **state)
{
	(void)state;
	/* p1-1's reply window is two months; p1-2 inherits the deployment's
	 * (docs/WORKFLOW.md "Deadlines": reply_months 3). Set as an operator
	 * would. */
	assert_int_equal(harness_admin(&H, "setting-set", "--congress", "p1-1", "--key", "reply_months",
				       "--value", "2", NULL), 0);
	assert_int_equal(harness_admin(&H, "setting-set", "--congress", "p1-1", "--key", "reply_months",
				       "--value", "many", NULL), 2);
	assert_int_equal(harness_admin(&H, "setting-set", "--congress", "nowhere", "--key",
				       "reply_months", "--value", "2", NULL), 1);
	assert_int_equal(num("SELECT jy_setting_int(c.id, 'reply_months') FROM congresses c"
			     " WHERE c.code = 'p1-1'", NULL), 2);
	assert_int_equal(num("SELECT jy_setting_int(c.id, 'reply_months') FROM congresses c"
			     " WHERE c.code = 'p1-2'", NULL), 3);
	/* A prefecture's setting reaches its counties, not another's. */
	assert_int_equal(harness_admin(&H, "setting-set", "--congress", "p3", "--key", "dispute_days",
				       "--value", "5", NULL), 0);
	assert_int_equal(num("SELECT jy_setting_int(c.id, 'dispute_days') FROM congresses c"
			     " WHERE c.code = 'p3-7'", NULL), 5);
	assert_int_equal(num("SELECT jy_setting_int(c.id, 'dispute_days') FROM congresses c"
			     " WHERE c.code = 'p4-7'", NULL), 10);
	/* The calendar likewise: a prefecture's holiday is its counties'. */
	run("SELECT jy_calendar_set('2031-03-04', 'holiday', '地方节日',"
	    " (SELECT id FROM congresses WHERE code = 'p5'))");
	assert_string_equal(val("SELECT jy_is_working_day(c.id, '2031-03-04') FROM congresses c"
				" WHERE c.code = 'p5-2'", NULL), "f");
	assert_string_equal(val("SELECT jy_is_working_day(c.id, '2031-03-04') FROM congresses c"
				" WHERE c.code = 'p6-2'", NULL), "t");

	/* Numbering: two congresses register at once in a session no one has
	 * used; each starts at 1. Through jianyid, with the real workflow. */
	const char *const who[2] = { "lo-p1-1", "lo-p2-1" };
	for (int i = 0; i < 2; i++) {
		const char *id = val("SELECT min(s.id)::text FROM suggestions s JOIN accounts a"
				     " ON a.congress_id = s.congress_id WHERE a.login = $1 AND s.state = 'submitted'",
				     who[i]);
		struct jy_client *c = client_connect(&H, &S, who[i]);
		struct jy_act a;
		struct wf_res r;
		wf_act_init(&a, A(REGISTER), strtoll(id, NULL, 10), 1);
		a.reg.term = 19;
		a.reg.session = 1;
		assert_int_equal(wf_do(c, &a, &r), OK);
		wf_res_free(&r);
		jy_close(c);
		assert_int_equal(num("SELECT number FROM suggestions WHERE id = $1::bigint", id), 1);
	}
	/* And p1-1's assignment takes p1-1's reply window. */
	char reg[32], unit[32];
	snprintf(reg, sizeof reg, "%s", val("SELECT min(s.id)::text FROM suggestions s JOIN congresses c"
		 " ON c.id = s.congress_id WHERE c.code = 'p1-1' AND s.state = 'registered' AND s.term = 19",
		 NULL));
	snprintf(unit, sizeof unit, "%s", val("SELECT o.id::text FROM organizations o JOIN congresses c"
		 " ON c.id = o.congress_id WHERE c.code = 'p1-1' AND o.name = '交通运输局'", NULL));
	char sql[600];
	snprintf(sql, sizeof sql,
		 "SELECT jy_act((SELECT id FROM accounts WHERE login = 'gov-p1-1'), 'assign', $1::bigint,"
		 " 2, '{\"registered\": \"assigned\"}', 'any', jsonb_build_object('lead_unit_id', %s),"
		 " 'k-assign-1', '') ->> 'code'", unit);
	assert_string_equal(val(sql, reg), "ok");
	assert_string_equal(val("SELECT reply_deadline::text FROM suggestions WHERE id = $1::bigint", reg),
			    val("SELECT jy_next_working_day(congress_id, (jy_today(congress_id)"
				" + interval '2 months')::date)::text FROM suggestions WHERE id = $1::bigint", reg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollup_equals_sum_of_parts),
		cmocka_unit_test(no_request_reads_another_congress),
		cmocka_unit_test(own_numbering_settings_calendar),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
