#include "county.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "wf_helpers.h"

/* Past (term, session) pairs the closed cases are spread over. */
static const int past[][2] = {
	{ 16, 1 }, { 16, 2 }, { 16, 3 }, { 16, 4 }, { 16, 5 },
	{ 17, 1 }, { 17, 2 }, { 17, 3 }, { 17, 4 }, { 17, 5 },
	{ 18, 1 }, { 18, 2 },
};
#define NPAST (sizeof past / sizeof past[0])
#define EXTRA_UNITS 30
#define EXTRA_DEPUTIES 240

static void exec(PGconn *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void exec(PGconn *db, const char *fmt, ...)
{
	char *sql;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		abort();
	va_end(ap);
	PGresult *r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("county: %s\nin: %.300s", PQerrorMessage(db), sql);
	PQclear(r);
	free(sql);
}

static int64_t value(PGconn *db, const char *sql)
{
	PGresult *r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("county: %s", PQerrorMessage(db));
	int64_t v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* n closed cases numbered 1..n in (term, session): lead deputy and lead
 * unit spread over all of them, a co-handling unit for one in three, ten
 * events each (create ... close). */
static void closed_cases(PGconn *db, int n, int term, int session, int age_days)
{
	exec(db,
	     "INSERT INTO suggestions (state, version, title, body, category, lead_deputy_id, created_by,"
	     " term, session, number, reply_deadline, dispute_due, key, handler_name, handler_phone, plan,"
	     " promised_date, result_class, round, created_at, updated_at)"
	     " SELECT 'closed', 10, '关于第' || g || '号片区' ||"
	     "  (ARRAY['道路','学校','医院','供水','公交','养老','菜市场','停车'])[1 + g %% 8] || '问题的建议',"
	     " '建议正文：群众反映较多，请有关部门研究解决。', (ARRAY['交通','城建','教育','卫生','民政','财政'])[1 + g %% 6],"
	     " (SELECT id FROM deputies ORDER BY id OFFSET (g * 7919) %% (SELECT count(*) FROM deputies) LIMIT 1),"
	     " (SELECT id FROM accounts WHERE login = 'liaison'), %d, %d, g,"
	     " current_date - %d + 90, current_date - %d + 10, g %% 10 = 0, '李经办', '0571-87654321',"
	     " '调研论证，纳入年度计划', current_date - %d + 60,"
	     " (ARRAY['A','A','B','C','D'])[1 + g %% 5], 1, now() - interval '%d days', now() - interval '%d days'"
	     " FROM generate_series(1, %d) AS g",
	     term, session, age_days, age_days, age_days, age_days, age_days - 120, n);
	exec(db, "INSERT INTO registration_counters (term, session, last_number) VALUES (%d, %d, %d)",
	     term, session, n);
	exec(db,
	     "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position, confirmed_at)"
	     " SELECT id, lead_deputy_id, 'lead', 0, created_at FROM suggestions"
	     " WHERE term = %d AND session = %d", term, session);
	exec(db,
	     "WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM organizations WHERE kind = 'handling_unit')"
	     " INSERT INTO suggestion_units (suggestion_id, organization_id, role, position, assigned_at, accepted_at)"
	     " SELECT s.id, u.ids[1 + (s.number * 31) %% cardinality(u.ids)], 'lead', 0, s.created_at, s.created_at"
	     " FROM suggestions s, u WHERE s.term = %d AND s.session = %d"
	     " UNION ALL"
	     " SELECT s.id, u.ids[1 + (s.number * 31 + 1) %% cardinality(u.ids)], 'co', 1, s.created_at, s.created_at"
	     " FROM suggestions s, u WHERE s.term = %d AND s.session = %d AND s.number %% 3 = 0",
	     term, session, term, session);
	exec(db,
	     "INSERT INTO contacts (suggestion_id, round, phase, method, contact_date, note, recorded_by, at)"
	     " SELECT s.id, 1, 'before', 'phone', (s.created_at + interval '20 days')::date, '电话沟通',"
	     " (SELECT id FROM accounts WHERE login = 'a-clerk'), s.created_at + interval '20 days'"
	     " FROM suggestions s WHERE s.term = %d AND s.session = %d", term, session);
	exec(db,
	     "INSERT INTO replies (suggestion_id, round, text, result_class, organization_id, signed_by, at)"
	     " SELECT s.id, 1, '答复：已研究办理。', s.result_class, u.organization_id,"
	     " (SELECT id FROM accounts WHERE login = 'a-head'), s.created_at + interval '60 days'"
	     " FROM suggestions s JOIN suggestion_units u ON u.suggestion_id = s.id AND u.role = 'lead'"
	     " WHERE s.term = %d AND s.session = %d", term, session);
	exec(db,
	     "INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, at)"
	     " SELECT s.id, 1, s.lead_deputy_id, 'satisfied',"
	     " CASE WHEN s.number %% 9 = 0 THEN 'basically_satisfied' ELSE 'satisfied' END,"
	     " s.created_at + interval '75 days'"
	     " FROM suggestions s WHERE s.term = %d AND s.session = %d", term, session);
	/* The events' actors are the fixture's accounts (paper forms are
	 * entered by the liaison committee); the count and the states are
	 * what the invariants need. */
	exec(db,
	     "INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload, at)"
	     " SELECT s.id, (SELECT id FROM accounts WHERE login = e.actor), e.kind, e.f, e.t,"
	     " e.payload::jsonb, s.created_at + e.n * interval '8 days'"
	     " FROM suggestions s, (VALUES (1, 'liaison', 'create', NULL, 'draft', '{}'),"
	     "  (2, 'liaison', 'submit', 'draft', 'submitted', '{}'),"
	     "  (3, 'liaison', 'register', 'submitted', 'registered', '{}'),"
	     "  (4, 'gov', 'assign', 'registered', 'assigned', '{}'),"
	     "  (5, 'a-clerk', 'accept', 'assigned', 'accepted', '{}'),"
	     "  (6, 'a-clerk', 'plan', 'accepted', 'in_progress', '{\"handler_name\": \"李经办\"}'),"
	     "  (7, 'a-clerk', 'contact', 'in_progress', 'in_progress', '{\"phase\": \"before\", \"method\": \"phone\"}'),"
	     "  (8, 'a-head', 'reply', 'in_progress', 'replied', '{\"round\": 1}'),"
	     "  (9, 'liaison', 'evaluate', 'replied', 'evaluated', '{\"round\": 1}'),"
	     "  (10, 'liaison', 'close', 'evaluated', 'closed', '{}'))"
	     "  AS e (n, actor, kind, f, t, payload)"
	     " WHERE s.term = %d AND s.session = %d ORDER BY s.id, e.n", term, session);
}

void county_load(struct county *c)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(c->working > 0 && c->suggestions >= c->working);
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	exec(db, "BEGIN");
	exec(db, "INSERT INTO organizations (name, kind) SELECT '县第' || g || '局', 'handling_unit'"
		 " FROM generate_series(1, %d) AS g", EXTRA_UNITS);
	exec(db, "INSERT INTO deputies (name, term, delegation, organization_id)"
		 " SELECT '代表' || g, 18, '第' || (1 + g %% 12) || '代表团',"
		 " (SELECT id FROM organizations WHERE kind = 'liaison_station' LIMIT 1)"
		 " FROM generate_series(1, %d) AS g", EXTRA_DEPUTIES);
	int closed = c->suggestions - c->working;
	for (size_t i = 0; i < NPAST; i++) {
		int n = closed / (int)NPAST + ((int)i < closed % (int)NPAST);
		if (n > 0)
			closed_cases(db, n, past[i][0], past[i][1], 200 + 365 * (int)(NPAST - 1 - i) / 2);
	}
	exec(db, "COMMIT");
	PQfinish(db);
	wf_bulk_cases(c->working, COUNTY_WORK_TERM, COUNTY_WORK_SESSION);

	db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	/* jianyid keeps every write's idempotency key (docs/WORKFLOW.md), so a
	 * county that has worked through it holds one per event. Left empty,
	 * the table is planned as empty: --settle's ANALYZE records 0 rows,
	 * the first side's long-lived pool connections plan the key lookup as
	 * a scan of a near-empty table and keep that plan while the table
	 * grows, until autovacuum analyzes it again (docs/BENCHMARKS.md,
	 * "the first side after the load"). */
	exec(db, "INSERT INTO idempotency (account_id, key, request_hash, result, created_at)"
		 " SELECT actor_account_id, 'county-' || seq, md5(seq::text), '{}', at FROM events");
	exec(db, "ANALYZE organizations, deputies, accounts, suggestions, suggestion_signers,"
		 " suggestion_units, contacts, replies, evaluations, events, idempotency");
	c->events = value(db, "SELECT count(*) FROM events");
	c->database_bytes = value(db, "SELECT pg_database_size(current_database())");
	c->events_bytes = value(db, "SELECT pg_total_relation_size('events')");
	c->min_id = value(db, "SELECT min(id) FROM suggestions");
	c->max_id = value(db, "SELECT max(id) FROM suggestions");
	/* Every case is in a consistent state: the version counts the events. */
	assert_int_equal(value(db, "SELECT count(*) FROM suggestions s WHERE version <>"
			       " (SELECT count(*) FROM events e WHERE e.suggestion_id = s.id)"), 0);
	assert_int_equal(value(db, "SELECT count(*) FROM suggestions"), c->suggestions);
	PGresult *r = PQexec(db, "SELECT id FROM organizations WHERE kind = 'handling_unit' ORDER BY id");
	c->nunits = 0;
	for (int i = 0; i < PQntuples(r) && c->nunits < 64; i++)
		c->units[c->nunits++] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	PQclear(r);
	PQfinish(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}
