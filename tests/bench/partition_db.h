/* The partition benchmark's few libpq calls: every statement either works
 * or ends the program with the statement and PostgreSQL's message (a
 * benchmark has nothing to recover), values always as parameters. */
#ifndef JY_PARTITION_DB_H
#define JY_PARTITION_DB_H

#include <libpq-fe.h>

/* Ends the program (exit 1, after the atexit cleanup) with a message. */
void pdb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
PGconn *pdb_connect(const char *conninfo);
/* Runs sql with n text parameters; the result (tuples or command) or death. */
PGresult *pdb_query(PGconn *db, const char *sql, int n, const char *const *vals);
/* The same, result discarded; returns the seconds it took. */
double pdb_run(PGconn *db, const char *sql, int n, const char *const *vals);
/* The first row's first column as a number. */
long long pdb_ll(PGconn *db, const char *sql, int n, const char *const *vals);
double pdb_now(void);

#endif
