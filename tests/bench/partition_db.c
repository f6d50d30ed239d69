/* See partition_db.h. */
#include "partition_db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void pdb_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("partition_events: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

double pdb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

PGconn *pdb_connect(const char *conninfo)
{
	PGconn *db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		pdb_die("cannot connect (%s): %s", conninfo, PQerrorMessage(db));
	return db;
}

PGresult *pdb_query(PGconn *db, const char *sql, int n, const char *const *vals)
{
	/* Without parameters, PQexec: it takes several statements at once. */
	PGresult *r = n ? PQexecParams(db, sql, n, NULL, vals, NULL, NULL, 0) : PQexec(db, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		pdb_die("%s\n  failed: %s", sql, PQresultErrorMessage(r));
	return r;
}

double pdb_run(PGconn *db, const char *sql, int n, const char *const *vals)
{
	double t0 = pdb_now();
	PQclear(pdb_query(db, sql, n, vals));
	return pdb_now() - t0;
}

long long pdb_ll(PGconn *db, const char *sql, int n, const char *const *vals)
{
	PGresult *r = pdb_query(db, sql, n, vals);
	if (PQntuples(r) < 1 || PQgetisnull(r, 0, 0))
		pdb_die("%s\n  gave no number", sql);
	long long v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}
