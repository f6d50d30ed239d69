/* plpgsql_check over every PL/pgSQL function the migrations define
 * (trigger functions with the table they are attached to): any finding of
 * level "error" fails, warnings are printed. A function that names a
 * missing column, calls a function with the wrong arguments or assigns an
 * incompatible type is then caught when it is written, not when a request
 * first reaches that branch. Skipped (77) when the extension is not
 * installed (Debian: postgresql-15-plpgsql-check; deploy/test installs it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "harness.h"

static const char check_sql[] =
	"SELECT p.oid::regprocedure::text, r.level, r.message, coalesce(r.lineno, 0), "
	"       coalesce(r.statement, '') "
	"FROM pg_proc p "
	"JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public' "
	"JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql' "
	"LEFT JOIN LATERAL (SELECT t.tgrelid FROM pg_trigger t WHERE t.tgfoid = p.oid LIMIT 1) t ON true "
	"CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid, coalesce(t.tgrelid, 0)) r "
	"WHERE p.prorettype <> 'trigger'::regtype OR t.tgrelid IS NOT NULL "
	"ORDER BY r.level = 'error' DESC, 1";

static const char count_sql[] =
	"SELECT count(*) FROM pg_proc p "
	"JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public' "
	"JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'";

int main(void)
{
	struct harness h;
	char conninfo[512];
	int rc = 1;

	harness_init(&h);
	/* The extension needs a superuser: the cluster's, over its socket. */
	snprintf(conninfo, sizeof conninfo, "host='%s' dbname=jianyi user=postgres", h.pg.socket_dir);
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "connect: %s", PQerrorMessage(db));
		goto out;
	}
	PGresult *r = PQexec(db, "CREATE EXTENSION IF NOT EXISTS plpgsql_check");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "SKIP: plpgsql_check is not installed (postgresql-15-plpgsql-check): %s",
			PQresultErrorMessage(r));
		PQclear(r);
		rc = 77;
		goto out;
	}
	PQclear(r);

	r = PQexec(db, count_sql);
	long functions = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);

	r = PQexec(db, check_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "plpgsql_check: %s", PQresultErrorMessage(r));
		PQclear(r);
		goto out;
	}
	int errors = 0, warnings = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		bool error = strcmp(PQgetvalue(r, i, 1), "error") == 0;
		errors += error;
		warnings += !error;
		fprintf(error ? stderr : stdout, "%s %s line %s (%s): %s\n", PQgetvalue(r, i, 1),
			PQgetvalue(r, i, 0), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
			PQgetvalue(r, i, 2));
	}
	PQclear(r);
	printf("plpgsql_check: %ld PL/pgSQL functions checked, %d errors, %d warnings\n",
	       functions, errors, warnings);
	/* A check that saw no function would pass vacuously. */
	if (functions < 50)
		fprintf(stderr, "expected the migrations' functions, found %ld\n", functions);
	else if (errors == 0)
		rc = 0;
out:
	PQfinish(db);
	harness_cleanup(&h);
	return rc;
}
