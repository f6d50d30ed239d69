/* "jianyid admin congress-add / congress-list / setting-set" (see
 * admin_congress.h). A congress is made under its parent and keeps it: its
 * path (root first, itself last) is what the roll-up reads. */
#include "admin_congress.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "admin_i18n.h"
#include "admin_util.h"

static const char *const levels[] = {
	"national", "province", "prefecture", "county", "township", NULL,
};

/* The code is the congress's portal path: lowercase letters, digits, '-'. */
static bool valid_code(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 40 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

int admin_congress_id(PGconn *conn, const char *code, char *out, size_t outlen, char *err)
{
	if (!code || !*code) {
		snprintf(out, outlen, "1");
		return EXIT_OK;
	}
	int rc = admin_lookup_id(conn, "SELECT id FROM congresses WHERE code = $1", code, out, outlen,
				 err);
	if (rc == EXIT_OK && !*out)
		return admin_fail(err, EXIT_ERR, _("no congress with code '%s' (jianyid admin "
						   "congress-list lists them)"), code);
	return rc;
}

int admin_org_in_congress(PGconn *conn, const char *name, const char *congress_id, char *out,
			  size_t outlen, char *err)
{
	const char *p[2] = { name, congress_id };
	PGresult *res = admin_exec(conn, "SELECT id FROM organizations WHERE name = $1"
				   " AND congress_id = $2::bigint", 2, p);
	int rc = EXIT_OK;
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, _("lookup failed"));
	else if (PQntuples(res) == 0)
		rc = admin_fail(err, EXIT_ERR, _("no organization named '%s'"), name);
	else
		snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

int admin_congress_add(PGconn *conn, int argc, char **argv, char *err)
{
	const char *code = NULL, *name = NULL, *level = NULL, *parent = NULL;
	struct flag flags[] = { { "code", &code, true }, { "name", &name, true },
				{ "level", &level, true }, { "parent", &parent, false },
				{ NULL, NULL, false } };
	char parent_id[32] = "", list[128];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!valid_code(code))
		return admin_fail(err, EXIT_USAGE, _("congress-add: --code '%s' must be 1-40 characters of "
			    "a-z 0-9 - (not starting with -): it is the congress's path on the portal"), code);
	if (!admin_valid_text(name) || strlen(name) > 300)
		return admin_fail(err, EXIT_USAGE, _("congress-add: --name must be 1 to 100 characters"));
	if (!admin_in_list(level, levels))
		return admin_fail(err, EXIT_USAGE, _("congress-add: --level '%s' is not one of %s"), level,
				  admin_join(levels, list, sizeof list));
	if (parent && (rc = admin_congress_id(conn, parent, parent_id, sizeof parent_id, err)))
		return rc;
	const char *p[4] = { code, name, level, parent ? parent_id : NULL };
	/* path is set by the trigger congresses_path (functions/18_congresses.sql) */
	PGresult *res = admin_exec(conn, "INSERT INTO congresses (code, name, level, parent_id, path)"
				   " VALUES ($1, $2, $3, $4::bigint, '{}') RETURNING id", 4, p);
	if (admin_ok(res))
		printf("%s\n", PQgetvalue(res, 0, 0));
	else if (strcmp(admin_sqlstate(res), "23505") == 0)
		rc = admin_fail(err, EXIT_ERR, _("a congress with code '%s' already exists"), code);
	else
		rc = admin_fail_pg(err, res, conn, _("cannot add congress"));
	PQclear(res);
	return rc;
}

/* The name is what people read (统计 by congress, the desk); the code and
 * the place in the hierarchy stay. */
int admin_congress_rename(PGconn *conn, int argc, char **argv, char *err)
{
	const char *code = NULL, *name = NULL;
	struct flag flags[] = { { "code", &code, true }, { "name", &name, true },
				{ NULL, NULL, false } };
	char cid[32];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!admin_valid_text(name) || strlen(name) > 300)
		return admin_fail(err, EXIT_USAGE, _("congress-rename: --name must be 1 to 100 characters"));
	if ((rc = admin_congress_id(conn, code, cid, sizeof cid, err)))
		return rc;
	const char *p[2] = { cid, name };
	PGresult *res = admin_exec(conn, "UPDATE congresses SET name = $2 WHERE id = $1::bigint", 2, p);
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, _("cannot rename the congress"));
	PQclear(res);
	return rc;
}

int admin_congress_list(PGconn *conn, int argc, char **argv, char *err)
{
	struct flag flags[] = { { NULL, NULL, false } };
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	/* In the hierarchy's order: each congress under its parent. */
	PGresult *res = admin_exec(conn, "SELECT c.code, c.level, c.name, coalesce(p.code, ''),"
				   " (SELECT count(*) FROM accounts a WHERE a.congress_id = c.id),"
				   " (SELECT count(*) FROM suggestions s WHERE s.congress_id = c.id)"
				   " FROM congresses c LEFT JOIN congresses p ON p.id = c.parent_id"
				   " ORDER BY c.path", 0, NULL);
	if (!admin_ok(res)) {
		rc = admin_fail_pg(err, res, conn, _("cannot list congresses"));
		PQclear(res);
		return rc;
	}
	printf("%-16s %-11s %-8s %-9s %-16s %s\n", _("CONGRESS CODE"), _("LEVEL"), _("ACCOUNTS"), _("CASES"),
	       _("PARENT"), _("NAME"));
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-16s %-11s %-8s %-9s %-16s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 3),
		       PQgetvalue(res, i, 2));
	PQclear(res);
	return EXIT_OK;
}

/* Whether value suits key: the time zone is one PostgreSQL knows, the
 * reminder days a list like "7,1", every other setting a whole number of
 * days, months or times (0 to 3660). */
static int check_setting(PGconn *conn, const char *key, const char *value, char *err)
{
	if (strcmp(key, "time_zone") == 0) {
		const char *p[1] = { value };
		PGresult *res = admin_exec(conn, "SELECT now() AT TIME ZONE $1", 1, p);
		bool ok = admin_ok(res);
		PQclear(res);
		return ok ? EXIT_OK : admin_fail(err, EXIT_USAGE, _("setting-set: '%s' is not a time zone "
								   "(e.g. Asia/Shanghai)"), value);
	}
	if (strcmp(key, "reminder_days") == 0) {
		for (const char *c = value; *c; c++)
			if (!((*c >= '0' && *c <= '9') || *c == ',' || *c == ' '))
				return admin_fail(err, EXIT_USAGE, _("setting-set: reminder_days is a list "
								     "of days like 7,1, not '%s'"), value);
		return EXIT_OK;
	}
	long n;
	if (strcmp(value, "0") != 0 && (!admin_parse_positive(value, &n) || n > 3660))
		return admin_fail(err, EXIT_USAGE, _("setting-set: %s must be a whole number from 0 to "
						     "3660, not '%s'"), key, value);
	return EXIT_OK;
}

/* A congress's own value of a setting the deployment has (its first
 * congress's row names every setting); the congresses under it inherit it. */
int admin_setting_set(PGconn *conn, int argc, char **argv, char *err)
{
	const char *congress = NULL, *key = NULL, *value = NULL;
	struct flag flags[] = { { "congress", &congress, false }, { "key", &key, true },
				{ "value", &value, true }, { NULL, NULL, false } };
	char cid[32], known[8];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc || (rc = admin_congress_id(conn, congress, cid, sizeof cid, err)))
		return rc;
	if ((rc = admin_lookup_id(conn, "SELECT 1 FROM settings WHERE congress_id = 1 AND key = $1",
				  key, known, sizeof known, err)))
		return rc;
	if (!*known)
		return admin_fail(err, EXIT_USAGE, _("setting-set: there is no setting '%s' "
						     "(docs/WORKFLOW.md \"Deadlines\" names them)"), key);
	if (!admin_valid_text(value) || strlen(value) > 200)
		return admin_fail(err, EXIT_USAGE, _("setting-set: --value must be 1 to 200 characters"));
	if ((rc = check_setting(conn, key, value, err)))
		return rc;
	const char *p[3] = { cid, key, value };
	PGresult *res = admin_exec(conn, "INSERT INTO settings (congress_id, key, value)"
				   " VALUES ($1::bigint, $2, $3) ON CONFLICT (congress_id, key)"
				   " DO UPDATE SET value = EXCLUDED.value", 3, p);
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, _("cannot set the setting"));
	PQclear(res);
	return rc;
}
