/* What the change feed's horizon trigger (server/sql/functions/01_events.sql) costs a write:
 * every event insert reads pg_locks to find the newest running xid. Inserts
 * 10,000 events in one statement with the trigger and with it disabled
 * (rolled back each time), with no other transaction running and with 50
 * idle transactions holding xids (pg_locks grows with them), and prints the
 * cost per event. A workflow write appends one event, so this is the
 * trigger's share of each write. Fails only when the SQL does. */
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

#define N_EVENTS 10000
#define N_OPEN_XACTS 50
#define ROUNDS 3

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static PGconn *connect_db(void)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	return db;
}

static void run(PGconn *db, const char *sql)
{
	PGresult *r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(db));
	PQclear(r);
}

/* Best of ROUNDS: seconds to insert N_EVENTS events into case sid, with
 * the horizon trigger on or off; always rolled back. */
static double insert_events(PGconn *db, const char *sid, const char *actor, bool trigger)
{
	char sql[512];
	double best = 1e9;
	for (int i = 0; i < ROUNDS; i++) {
		run(db, "BEGIN");
		if (!trigger)
			run(db, "ALTER TABLE events DISABLE TRIGGER events_horizon");
		snprintf(sql, sizeof sql,
			 "INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state)"
			 " SELECT %s, %s, 'supervise', 'submitted', 'submitted'"
			 " FROM generate_series(1, %d)",
			 sid, actor, N_EVENTS);
		double t0 = now_s();
		run(db, sql);
		double t = now_s() - t0;
		run(db, "ROLLBACK");
		if (t < best)
			best = t;
	}
	return best;
}

static void measure(PGconn *db, const char *sid, const char *actor, const char *label)
{
	double on = insert_events(db, sid, actor, true);
	double off = insert_events(db, sid, actor, false);
	printf("feed_horizon: %s: %d events %.3f s with the trigger, %.3f s without: "
	       "%.1f us per event for the horizon (%.1f us per event in all)\n",
	       label, N_EVENTS, on, off, (on - off) / N_EVENTS * 1e6, on / N_EVENTS * 1e6);
}

static void horizon_cost(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于事件水位线开销的建议", false);
	char sid[24], actor[24];
	snprintf(sid, sizeof sid, "%lld", (long long)k.id);
	snprintf(actor, sizeof actor, "%lld",
		 (long long)sql_id("SELECT id FROM accounts WHERE login = $1", "liaison"));
	PGconn *db = connect_db();
	measure(db, sid, actor, "no other transaction");

	/* Idle transactions that hold an xid each: pg_locks lists them all. */
	PGconn *open[N_OPEN_XACTS];
	for (int i = 0; i < N_OPEN_XACTS; i++) {
		open[i] = connect_db();
		run(open[i], "BEGIN");
		run(open[i], "SELECT pg_current_xact_id()");
	}
	char label[64];
	snprintf(label, sizeof label, "%d open transactions", N_OPEN_XACTS);
	measure(db, sid, actor, label);
	for (int i = 0; i < N_OPEN_XACTS; i++) {
		run(open[i], "ROLLBACK");
		PQfinish(open[i]);
	}
	PQfinish(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(horizon_cost, wf_each),
	};
	return cmocka_run_group_tests_name("feed_horizon", tests, wf_setup, wf_teardown);
}
