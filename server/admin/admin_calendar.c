/* "jianyid admin calendar-set|calendar-load|calendar-show" (see
 * admin_calendar.h).
 *
 * A calendar file has one entry per line:
 *     2026-10-01..2026-10-07  holiday  国庆节
 *     2026-09-27              workday  国庆节调休
 * a date or an inclusive range, the kind (holiday: a weekday off; workday:
 * a weekend day worked), then an optional name; # starts a comment. The
 * weekend days inside a holiday range are skipped (they are off anyway),
 * so a range can be copied from the State Council's notice as written. */
#include "admin_calendar.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act_validate.h"
#include "admin_i18n.h"
#include "admin_util.h"
#include "utf8.h"

#define MAX_RANGE_DAYS 366

static const char *const kinds[] = { "holiday", "workday", NULL };
/* The weekdays as calendar-show prints them (ISO: Monday is 1). */
static const char *const weekdays[] = { N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"),
					N_("Sat"), N_("Sun") };

/* A kind as the reader says it (the file and the flags keep the English). */
static const char *kind_word(const char *kind)
{
	if (strcmp(kind, "holiday") == 0)
		/* TRANSLATORS: a weekday off (calendar-show) */
		return _("holiday");
	if (strcmp(kind, "workday") == 0)
		/* TRANSLATORS: a weekend day worked, 调休 (calendar-show) */
		return _("workday");
	return kind;
}

/* The account recorded on the timelines of the cases a change moves. */
static int actor_id(PGconn *conn, const char *login, char *out, size_t outlen, char *err)
{
	*out = '\0';
	if (!login)
		return EXIT_OK;
	int rc = admin_lookup_id(conn, "SELECT id FROM accounts WHERE login = $1 AND NOT disabled",
				 login, out, outlen, err);
	if (rc == EXIT_OK && !*out)
		return admin_fail(err, EXIT_ERR, _("no enabled account with login '%s'"), login);
	return rc;
}

/* Sets the days first..last (inclusive) to kind ("" clears them). A range
 * of holidays skips its weekend days; a single day is taken as written. */
static int set_range(PGconn *conn, const char *first, const char *last, const char *kind,
		     const char *name, char *err)
{
	const char *p[4] = { first, last, kind, name ? name : "" };
	PGresult *res = admin_exec(
		conn,
		"SELECT count(jy_calendar_set(d::date, $3, $4)) FROM generate_series($1::date, $2::date, "
		"'1 day') d WHERE $3 <> 'holiday' OR $1 = $2 OR extract(isodow FROM d) < 6",
		4, p);
	int rc = admin_ok(res) ? EXIT_OK : admin_fail_pg(err, res, conn, _("cannot set the calendar"));
	PQclear(res);
	return rc;
}

/* "DATE" or "DATE..DATE" into first/last (11 bytes each). */
static bool parse_days(const char *s, char *first, char *last)
{
	const char *dots = strstr(s, "..");
	size_t n = dots ? (size_t)(dots - s) : strlen(s);
	if (n != 10)
		return false;
	memcpy(first, s, 10);
	first[10] = '\0';
	snprintf(last, 11, "%s", dots ? dots + 2 : first);
	if (dots && strlen(dots + 2) != 10)
		return false;
	return valid_date(first) && valid_date(last) && strcmp(first, last) <= 0;
}

/* More than a year in one range is a typo, not a holiday. */
static bool range_short(PGconn *conn, const char *first, const char *last)
{
	char days[16];
	snprintf(days, sizeof days, "%d", MAX_RANGE_DAYS);
	const char *p[3] = { first, last, days };
	PGresult *res = admin_exec(conn, "SELECT ($2::date - $1::date) < $3::int", 3, p);
	bool ok = admin_ok(res) && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return ok;
}

/* A day's name: valid UTF-8, at most 50 characters (as the table says). */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	return jy_utf8_valid(name, n) && jy_utf8_length(name, n) <= 50;
}

/* Runs the change and the recalculation in one transaction (the batch's,
 * when inside "jianyid admin batch"). */
static int begin(PGconn *conn, bool *own, char *err)
{
	*own = PQtransactionStatus(conn) == PQTRANS_IDLE;
	if (!*own)
		return EXIT_OK;
	PGresult *res = PQexec(conn, "BEGIN");
	int rc = admin_ok(res) ? EXIT_OK : admin_fail_pg(err, res, conn, _("cannot begin"));
	PQclear(res);
	return rc;
}

static int finish(PGconn *conn, bool own, int rc, const char *actor, char *err)
{
	if (rc == EXIT_OK) {
		const char *p[1] = { *actor ? actor : NULL };
		PGresult *res = admin_exec(conn, "SELECT jy_calendar_recalculate($1::bigint)", 1, p);
		if (!admin_ok(res))
			rc = admin_fail_pg(err, res, conn, _("cannot move the deadlines"));
		else
			printf(_("deadlines moved on %s case(s)\n"), PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (own) {
		PGresult *res = PQexec(conn, rc == EXIT_OK ? "COMMIT" : "ROLLBACK");
		if (rc == EXIT_OK && !admin_ok(res))
			rc = admin_fail_pg(err, res, conn, _("commit failed"));
		PQclear(res);
	}
	return rc;
}

int admin_calendar_set(PGconn *conn, int argc, char **argv, char *err)
{
	const char *day = NULL, *kind = NULL, *name = NULL, *by = NULL;
	struct flag flags[] = { { "date", &day, true }, { "kind", &kind, true },
				{ "name", &name, false }, { "by", &by, false }, { NULL, NULL, false } };
	char first[11], last[11], actor[24];
	bool own;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!parse_days(day, first, last))
		return admin_fail(err, EXIT_USAGE, _("%s: --date must be YYYY-MM-DD or FIRST..LAST (real "
				  "dates, FIRST not after LAST)"), argv[0]);
	if (strcmp(kind, "clear") != 0 && !admin_in_list(kind, kinds))
		return admin_fail(err, EXIT_USAGE, _("%s: --kind must be holiday, workday or clear"), argv[0]);
	if (name && !name_ok(name))
		return admin_fail(err, EXIT_USAGE, _("%s: --name must be UTF-8, at most 50 characters"),
				  argv[0]);
	if (!range_short(conn, first, last))
		return admin_fail(err, EXIT_USAGE, _("%s: a range covers at most %d days"), argv[0],
				  MAX_RANGE_DAYS);
	if ((rc = actor_id(conn, by, actor, sizeof actor, err)) != EXIT_OK ||
	    (rc = begin(conn, &own, err)) != EXIT_OK)
		return rc;
	rc = set_range(conn, first, last, strcmp(kind, "clear") == 0 ? "" : kind, name, err);
	return finish(conn, own, rc, actor, err);
}

/* One line of a calendar file; words are blank-separated, the name is the
 * rest of the line. Returns EXIT_OK for a blank or comment line too. */
static int load_line(PGconn *conn, char *line, char *err)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *days = strtok(line, " \t\r\n");
	if (!days)
		return EXIT_OK;
	char *kind = strtok(NULL, " \t\r\n");
	char *name = strtok(NULL, "\r\n");
	char first[11], last[11];
	if (!parse_days(days, first, last))
		return admin_fail(err, EXIT_ERR, _("'%s' is not YYYY-MM-DD or FIRST..LAST"), days);
	if (!kind || !admin_in_list(kind, kinds))
		return admin_fail(err, EXIT_ERR, _("the kind must be holiday or workday"));
	while (name && isspace((unsigned char)*name))
		name++;
	for (size_t n = name ? strlen(name) : 0; n > 0 && isspace((unsigned char)name[n - 1]); n--)
		name[n - 1] = '\0';
	if (name && !name_ok(name))
		return admin_fail(err, EXIT_ERR, _("the name must be UTF-8, at most 50 characters"));
	if (!range_short(conn, first, last))
		return admin_fail(err, EXIT_ERR, _("a range covers at most %d days"), MAX_RANGE_DAYS);
	return set_range(conn, first, last, kind, name, err);
}

int admin_calendar_load(PGconn *conn, int argc, char **argv, char *err)
{
	const char *file = NULL, *by = NULL, *replace = NULL;
	struct flag flags[] = { { "file", &file, true }, { "by", &by, false },
				{ "replace-year", &replace, false }, { NULL, NULL, false } };
	char actor[24], lerr[ERRLEN];
	long year = 0;
	bool own;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (replace && (!admin_parse_positive(replace, &year) || year < 1900 || year > 2200))
		return admin_fail(err, EXIT_USAGE, _("%s: --replace-year must be a year (1900 to 2200)"),
				  argv[0]);
	FILE *f = fopen(file, "r");
	if (!f)
		return admin_fail(err, EXIT_ERR, _("cannot open %s: %s"), file, strerror(errno));
	if ((rc = actor_id(conn, by, actor, sizeof actor, err)) != EXIT_OK ||
	    (rc = begin(conn, &own, err)) != EXIT_OK) {
		fclose(f);
		return rc;
	}
	if (replace) {
		/* The file is the whole truth for that year: earlier entries go. */
		const char *p[1] = { replace };
		PGresult *res = admin_exec(conn, "DELETE FROM calendar_days WHERE "
					   "extract(year FROM day) = $1::int", 1, p);
		if (!admin_ok(res))
			rc = admin_fail_pg(err, res, conn, _("cannot clear the year"));
		PQclear(res);
	}
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	ssize_t len;
	while (rc == EXIT_OK && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len))
			rc = admin_fail(err, EXIT_ERR, _("%s line %ld: contains a NUL byte"), file, lineno);
		else if (load_line(conn, line, lerr) != EXIT_OK)
			rc = admin_fail(err, EXIT_ERR, _("%s line %ld: %s"), file, lineno, lerr);
	}
	if (rc == EXIT_OK && ferror(f))
		rc = admin_fail(err, EXIT_ERR, _("cannot read %s: %s"), file, strerror(errno));
	free(line);
	fclose(f);
	if (rc == EXIT_OK)
		printf(_("calendar: %ld lines read from %s\n"), lineno, file);
	return finish(conn, own, rc, actor, err);
}

int admin_calendar_show(PGconn *conn, int argc, char **argv, char *err)
{
	const char *year = NULL;
	struct flag flags[] = { { "year", &year, false }, { NULL, NULL, false } };
	long y = 0;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (year && (!admin_parse_positive(year, &y) || y < 1900 || y > 2200))
		return admin_fail(err, EXIT_USAGE, _("%s: --year must be a year (1900 to 2200)"), argv[0]);
	const char *p[1] = { year ? year : "0" };
	PGresult *res = admin_exec(conn,
				   "SELECT to_char(day, 'YYYY-MM-DD'), extract(isodow FROM day)::int, kind,"
				   " name FROM calendar_days"
				   " WHERE $1::int = 0 OR extract(year FROM day) = $1::int ORDER BY day",
				   1, p);
	if (!admin_ok(res)) {
		rc = admin_fail_pg(err, res, conn, _("cannot read the calendar"));
	} else {
		for (int r = 0; r < PQntuples(res); r++)
			printf("%s %s  %-7s  %s\n", PQgetvalue(res, r, 0),
			       _(weekdays[(atoi(PQgetvalue(res, r, 1)) + 6) % 7]),
			       kind_word(PQgetvalue(res, r, 2)), PQgetvalue(res, r, 3));
		printf(_("%d exception(s) to Monday-Friday\n"), PQntuples(res));
	}
	PQclear(res);
	return rc;
}
