/* Helpers shared by the "jianyid admin" commands (see admin_util.h). */
#include "admin_util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_i18n.h"

int admin_fail(char *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
	return code;
}

bool admin_in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

const char *admin_join(const char *const *list, char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *const *w = list; *w && n < outlen; w++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", w == list ? "" : ", ", *w);
	return out;
}

const char *admin_sqlstate(const PGresult *res)
{
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	return s ? s : "";
}

const char *admin_constraint(const PGresult *res)
{
	const char *s = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	return s ? s : "";
}

/* The server's primary message, one line. */
int admin_fail_pg(char *err, const PGresult *res, PGconn *conn, const char *what)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!m)
		m = PQerrorMessage(conn);
	return admin_fail(err, EXIT_ERR, _("%s: %.*s"), what, (int)strcspn(m, "\n"), m);
}

PGresult *admin_exec(PGconn *conn, const char *sql, int n, const char *const *params)
{
	return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
}

bool admin_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

bool admin_parse_positive(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

bool admin_valid_login(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 64)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

bool admin_valid_text(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!isspace((unsigned char)*p))
			return true;
	return false;
}

/* Runs a statement that returns at most one row with one column into
 * out (empty string when no row). */
int admin_lookup_id(PGconn *conn, const char *sql, const char *key, char *out, size_t outlen,
		     char *err)
{
	const char *p[1] = { key };
	PGresult *res = admin_exec(conn, sql, 1, p);
	if (!admin_ok(res)) {
		int rc = admin_fail_pg(err, res, conn, _("lookup failed"));
		PQclear(res);
		return rc;
	}
	snprintf(out, outlen, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return EXIT_OK;
}

/* Parses "--name VALUE" and "--name=VALUE" for the flags in the table. */
int admin_parse_flags(const char *cmd, int argc, char **argv, struct flag *flags, char *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		size_t nlen;
		struct flag *f = NULL;
		if (strncmp(a, "--", 2) != 0)
			return admin_fail(err, EXIT_USAGE, _("%s: unexpected argument '%s'"), cmd, a);
		a += 2;
		nlen = strcspn(a, "=");
		if (a[nlen] == '=')
			val = a + nlen + 1;
		for (struct flag *g = flags; g->name; g++)
			if (strlen(g->name) == nlen && strncmp(g->name, a, nlen) == 0)
				f = g;
		if (!f)
			return admin_fail(err, EXIT_USAGE, _("%s: unknown flag '--%.*s'"), cmd, (int)nlen, a);
		if (!val) {
			if (i + 1 >= argc)
				return admin_fail(err, EXIT_USAGE, _("%s: flag --%s needs a value"), cmd,
						  f->name);
			val = argv[++i];
		}
		if (*f->value)
			return admin_fail(err, EXIT_USAGE, _("%s: flag --%s given twice"), cmd, f->name);
		*f->value = val;
	}
	for (struct flag *g = flags; g->name; g++)
		if (g->required && !*g->value)
			return admin_fail(err, EXIT_USAGE, _("%s: missing --%s"), cmd, g->name);
	return EXIT_OK;
}

