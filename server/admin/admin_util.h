/* Helpers shared by the "jianyid admin" commands (admin.c,
 * admin_calendar.c): error text, blocking libpq calls with $n parameters,
 * flag parsing and input checks. Offline only: never in the event loop. */
#ifndef JY_ADMIN_UTIL_H
#define JY_ADMIN_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#define ERRLEN 512
enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* A command's flag: "--name VALUE" or "--name=VALUE". */
struct flag {
	const char *name;     /* without "--" */
	const char **value;   /* NULL until given */
	bool required;
};

/* Formats the message into err (ERRLEN bytes) and returns code. */
int admin_fail(char *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The database's primary message for res (or the connection's), one line. */
int admin_fail_pg(char *err, const PGresult *res, PGconn *conn, const char *what);
bool admin_in_list(const char *s, const char *const *list);
/* The words of list joined by ", " into out (the values a flag takes). */
const char *admin_join(const char *const *list, char *out, size_t outlen);
const char *admin_sqlstate(const PGresult *res);
const char *admin_constraint(const PGresult *res);
PGresult *admin_exec(PGconn *conn, const char *sql, int n, const char *const *params);
bool admin_ok(const PGresult *res);
bool admin_parse_positive(const char *s, long *out);
bool admin_valid_login(const char *s);
/* Not empty and not only blanks. */
bool admin_valid_text(const char *s);
/* Runs a statement returning at most one row of one column into out
 * (empty string when no row). */
int admin_lookup_id(PGconn *conn, const char *sql, const char *key, char *out, size_t outlen,
		    char *err);
/* Parses argv[1..] against flags; missing required flags are errors. */
int admin_parse_flags(const char *cmd, int argc, char **argv, struct flag *flags, char *err);

#endif
