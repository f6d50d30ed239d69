/* Applies the embedded SQL (see migrate.h, docs/WORKFLOW.md "Where the SQL
 * lives"). Start-up only, so this file uses blocking libpq. Everything
 * happens in one transaction under a transaction-scoped advisory lock: two
 * servers starting at once serialise here, and the second one finds nothing
 * left to do. */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "migrations.h"

/* Arbitrary but fixed: every jianyid uses this key for the migration lock.
 * ("jymigr" in ASCII, to be recognisable in pg_locks.) */
#define MIGRATE_LOCK_KEY "117546045171570"

/* A migration that hits lock_timeout is tried again after 1, 2, 4, ... s
 * (at most 30 s apart), MIGRATE_ATTEMPTS times in all (about 3 minutes). */
#define MIGRATE_ATTEMPTS 10
#define MIGRATE_RETRY_FIRST_S 1u
#define MIGRATE_RETRY_MAX_S 30u

int migrate_latest_version(void)
{
	return jy_migrations_count ? jy_migrations[jy_migrations_count - 1].version : 0;
}

/* Whether the last failure was a lock wait cut short by lock_timeout
 * (SQLSTATE 55P03) or a deadlock with the requests of a running instance
 * (40P01: a migration that alters many tables locks them one by one, while
 * a request holding one waits for another; seen with schema 0023 under the
 * rolling upgrade's load): the only failures worth retrying, since either
 * rolls the whole migration back. Start-up is single threaded, so a
 * file-level flag is enough. */
static bool lock_timed_out;

static void note_sqlstate(const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	lock_timed_out = st && (strcmp(st, "55P03") == 0 || strcmp(st, "40P01") == 0);
}

/* Runs sql with params; true when the result status is the expected one.
 * On failure writes "<what>: <server message>" into err. *out, when given,
 * receives the result (the caller clears it). */
static bool exec(PGconn *conn, const char *what, const char *sql, int nparams,
		 const char *const *params, ExecStatusType want, PGresult **out,
		 char *err, size_t errlen)
{
	PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != want) {
		const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
		if (!msg) /* never, but GCC's sanitizer build cannot tell */
			msg = "";
		snprintf(err, errlen, "%s: %.*s", what,
			 (int)strcspn(msg, "\n"), msg);
		note_sqlstate(res);
		PQclear(res);
		return false;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return true;
}

/* Runs a migration file, which holds several statements. PQexec (simple
 * query protocol) is the only way to send a multi-statement script; the
 * text is our own embedded SQL, never user input. */
static bool exec_script(PGconn *conn, const struct migration *m, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, m->sql);
	ExecStatusType st = PQresultStatus(res);
	/* A versioned file whose statements all moved to server/sql/functions/
	 * holds only comments: an empty query. */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
		if (!msg) /* never, but GCC's sanitizer build cannot tell */
			msg = "";
		snprintf(err, errlen, "SQL file %s failed: %.*s", m->name,
			 (int)strcspn(msg, "\n"), msg);
		note_sqlstate(res);
		PQclear(res);
		return false;
	}
	PQclear(res);
	return true;
}

static void rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}

/* The bookkeeping tables. schema_migrations rows written before checksums
 * existed (migrations 0001..0015 applied by an older jianyid) have none:
 * verify_applied records the file's on the first start with this code. */
static bool create_bookkeeping(PGconn *conn, char *err, size_t errlen)
{
	return exec(conn, "create schema_migrations",
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version int PRIMARY KEY,"
		    " name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    0, NULL, PGRES_COMMAND_OK, NULL, err, errlen) &&
	       exec(conn, "add schema_migrations.checksum",
		    "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text",
		    0, NULL, PGRES_COMMAND_OK, NULL, err, errlen) &&
	       exec(conn, "create schema_repeatables",
		    "CREATE TABLE IF NOT EXISTS schema_repeatables ("
		    " name text PRIMARY KEY,"
		    " checksum text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    0, NULL, PGRES_COMMAND_OK, NULL, err, errlen);
}

static const struct migration *find_migration(int version)
{
	for (size_t i = 0; i < jy_migrations_count; i++)
		if (jy_migrations[i].version == version)
			return &jy_migrations[i];
	return NULL;
}

/* A versioned migration once applied is never edited: the database would
 * not get the edit, and databases would disagree about what version N is.
 * Each applied file's checksum must match the one recorded; a row without
 * one gets it now. */
static bool verify_applied(PGconn *conn, char *err, size_t errlen)
{
	PGresult *res = NULL;
	if (!exec(conn, "read applied migrations",
		  "SELECT version, checksum FROM schema_migrations ORDER BY version",
		  0, NULL, PGRES_TUPLES_OK, &res, err, errlen))
		return false;
	for (int row = 0; row < PQntuples(res); row++) {
		const struct migration *m = find_migration(atoi(PQgetvalue(res, row, 0)));
		const char *p[2];
		if (!m)
			continue; /* newer than this binary: refused by the caller */
		if (!PQgetisnull(res, row, 1)) {
			if (strcmp(PQgetvalue(res, row, 1), m->checksum) == 0)
				continue;
			snprintf(err, errlen, "migration %s was edited after it was applied to this "
				 "database (recorded checksum %.12s..., the file's %.12s...): restore "
				 "server/sql/schema/%s.sql and put the change in a new migration",
				 m->name, PQgetvalue(res, row, 1), m->checksum, m->name);
			goto fail;
		}
		p[0] = PQgetvalue(res, row, 0);
		p[1] = m->checksum;
		if (!exec(conn, "record migration checksum",
			  "UPDATE schema_migrations SET checksum = $2 WHERE version = $1::int",
			  2, p, PGRES_COMMAND_OK, NULL, err, errlen))
			goto fail;
		jy_info("event=migration_checksum_recorded version=%d name=%s", m->version, m->name);
	}
	PQclear(res);
	return true;
fail:
	PQclear(res);
	return false;
}

static bool apply_versioned(PGconn *conn, int current, int *applied, char *err, size_t errlen)
{
	for (size_t i = 0; i < jy_migrations_count; i++) {
		const struct migration *m = &jy_migrations[i];
		char version[16];
		const char *p[3] = { version, m->name, m->checksum };

		if (m->version <= current)
			continue;
		if (!exec_script(conn, m, err, errlen))
			return false;
		snprintf(version, sizeof version, "%d", m->version);
		if (!exec(conn, "record migration",
			  "INSERT INTO schema_migrations (version, name, checksum)"
			  " VALUES ($1::int, $2::text, $3::text)",
			  3, p, PGRES_COMMAND_OK, NULL, err, errlen))
			return false;
		jy_info("event=migration_applied version=%d name=%s", m->version, m->name);
		(*applied)++;
	}
	return true;
}

/* Whether the repeatable file m was applied with its present text. */
static bool repeatable_current(PGconn *conn, const struct migration *m, bool *current,
			       char *err, size_t errlen)
{
	PGresult *res = NULL;
	const char *p[2] = { m->name, m->checksum };
	if (!exec(conn, "read schema_repeatables",
		  "SELECT 1 FROM schema_repeatables WHERE name = $1 AND checksum = $2",
		  2, p, PGRES_TUPLES_OK, &res, err, errlen))
		return false;
	*current = PQntuples(res) > 0;
	PQclear(res);
	return true;
}

/* The functions, views and triggers: each file, in order, again whenever
 * its checksum differs from the one recorded (CREATE OR REPLACE), after
 * the versioned migrations so that the tables they use exist. */
static bool apply_repeatables(PGconn *conn, char *err, size_t errlen)
{
	for (size_t i = 0; i < jy_repeatables_count; i++) {
		const struct migration *m = &jy_repeatables[i];
		const char *p[2] = { m->name, m->checksum };
		bool current;

		if (!repeatable_current(conn, m, &current, err, errlen))
			return false;
		if (current)
			continue;
		if (!exec_script(conn, m, err, errlen))
			return false;
		if (!exec(conn, "record functions file",
			  "INSERT INTO schema_repeatables (name, checksum) VALUES ($1, $2)"
			  " ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum,"
			  " applied_at = now()",
			  2, p, PGRES_COMMAND_OK, NULL, err, errlen))
			return false;
		jy_info("event=sql_functions_applied name=%s", m->name);
	}
	return true;
}

static bool apply_once(PGconn *conn, unsigned lock_timeout_s, int *applied, char *err, size_t errlen)
{
	PGresult *res = NULL;
	int current, latest = migrate_latest_version();

	*applied = 0;
	if (PQstatus(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "migrate: not connected: %s", PQerrorMessage(conn));
		return false;
	}
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		snprintf(err, errlen, "migrate: connection is already inside a transaction");
		return false;
	}
	if (!exec(conn, "begin", "BEGIN", 0, NULL, PGRES_COMMAND_OK, NULL, err, errlen))
		return false;
	{
		const char *p[1] = { MIGRATE_LOCK_KEY };
		if (!exec(conn, "advisory lock", "SELECT pg_advisory_xact_lock($1::bigint)",
			  1, p, PGRES_TUPLES_OK, NULL, err, errlen))
			goto fail;
	}
	/* Past the advisory lock (which only other migrating servers hold),
	 * never wait long for a table's lock: requests of the servers still
	 * running would queue behind our waiting ALTER and stall. */
	{
		char ms[24];
		snprintf(ms, sizeof ms, "%u", lock_timeout_s * 1000u);
		const char *p[1] = { ms };
		if (!exec(conn, "set lock_timeout", "SELECT set_config('lock_timeout', $1, true)",
			  1, p, PGRES_TUPLES_OK, NULL, err, errlen))
			goto fail;
	}
	/* Quiet the NOTICE "relation already exists, skipping". */
	if (!exec(conn, "set client_min_messages", "SET LOCAL client_min_messages = warning",
		  0, NULL, PGRES_COMMAND_OK, NULL, err, errlen))
		goto fail;
	if (!create_bookkeeping(conn, err, errlen))
		goto fail;
	if (!exec(conn, "read schema version",
		  "SELECT coalesce(max(version), 0) FROM schema_migrations",
		  0, NULL, PGRES_TUPLES_OK, &res, err, errlen))
		goto fail;
	current = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;

	if (current > latest) {
		/* A running older instance keeps serving (a release only expands
		 * the schema); a starting one must not: it cannot tell what the
		 * newer files changed. */
		snprintf(err, errlen, "database schema is version %d, newer than this jianyid "
			 "(knows up to %d); upgrade jianyid (to go back to an older release, "
			 "restore the database from before the upgrade)", current, latest);
		goto fail;
	}
	if (!verify_applied(conn, err, errlen) ||
	    !apply_versioned(conn, current, applied, err, errlen) ||
	    !apply_repeatables(conn, err, errlen))
		goto fail;
	if (!exec(conn, "commit", "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL, err, errlen)) {
		*applied = 0;
		return false;
	}
	return true;

fail:
	PQclear(res);
	rollback(conn);
	*applied = 0;
	return false;
}

bool migrate_apply_waiting(PGconn *conn, unsigned lock_timeout_s, int *applied, char *err,
			   size_t errlen)
{
	unsigned delay_s = MIGRATE_RETRY_FIRST_S;
	for (int attempt = 1;; attempt++) {
		lock_timed_out = false;
		if (apply_once(conn, lock_timeout_s, applied, err, errlen))
			return true;
		if (!lock_timed_out || attempt == MIGRATE_ATTEMPTS)
			return false;
		jy_warn("event=migration_lock_timeout attempt=%d of=%d lock_timeout_s=%u retry_in_s=%u "
			"reason=\"a table the migration needs is locked by another session (or a "
			"deadlock with one); retrying "
			"so that requests queued behind us are not stalled\"",
			attempt, MIGRATE_ATTEMPTS, lock_timeout_s, delay_s);
		sleep(delay_s);
		delay_s = delay_s * 2 > MIGRATE_RETRY_MAX_S ? MIGRATE_RETRY_MAX_S : delay_s * 2;
	}
}

bool migrate_apply(PGconn *conn, int *applied, char *err, size_t errlen)
{
	return migrate_apply_waiting(conn, MIGRATE_DEFAULT_LOCK_TIMEOUT_S, applied, err, errlen);
}
