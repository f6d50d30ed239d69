/* "jianyid admin": offline administration over blocking libpq (see admin.h).
 *
 * Every command is a function taking the connection and its own argv; flags
 * are declared in a small table per command and checked before any SQL
 * runs. Values always travel as $n parameters. "batch" runs many commands
 * in one transaction, so a load is all-or-nothing. */
#include "admin.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "admin_calendar.h"
#include "admin_congress.h"
#include "admin_enroll.h"
#include "admin_i18n.h"
#include "admin_util.h"
#include "embedded_pg.h"
#include "feed.h"
#include "migrate.h"

static const char *const org_kinds[] = {
	"liaison_committee", "government_office", "handling_unit", "special_committee",
	"standing_committee", "government_leadership", "liaison_station",
	"township_congress", "administration", NULL,
};
static const char *const role_names[] = {
	"deputy", "liaison_officer", "government_officer", "unit_clerk", "unit_head",
	"committee_member", "leader", "admin", "public", NULL,
};

/* ---- certificates ------------------------------------------------------- */

struct cert_info {
	char sha256[65];
	char subject[512];
	char not_after[40];   /* "YYYY-MM-DD HH:MM:SS+00" */
	bool expired;
};

static int read_cert(const char *path, struct cert_info *ci, char *err)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct tm tm;
	BIO *bio;
	long n;
	char *p;

	if (!f)
		return admin_fail(err, EXIT_ERR, _("cannot open certificate %s: %s"), path, strerror(errno));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		ERR_clear_error();
		return admin_fail(err, EXIT_ERR, _("%s is not a PEM certificate"), path);
	}
	/* The fingerprint is the SHA-256 of the DER encoding, as the server
	 * computes it for the peer certificate. */
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32) {
		X509_free(x);
		ERR_clear_error();
		return admin_fail(err, EXIT_ERR, _("%s: cannot compute the SHA-256 fingerprint"), path);
	}
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(ci->sha256 + 2 * i, 3, "%02x", md[i]);
	bio = BIO_new(BIO_s_mem());
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
	n = BIO_get_mem_data(bio, &p);
	snprintf(ci->subject, sizeof ci->subject, "%.*s", (int)n, p);
	BIO_free(bio);
	if (!ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm)) {
		X509_free(x);
		ERR_clear_error();
		return admin_fail(err, EXIT_ERR, _("%s: unreadable notAfter date"), path);
	}
	strftime(ci->not_after, sizeof ci->not_after, "%Y-%m-%d %H:%M:%S+00", &tm);
	ci->expired = X509_cmp_current_time(X509_get0_notAfter(x)) <= 0;
	X509_free(x);
	return EXIT_OK;
}

/* Binds the certificate file to the account with that id (login for messages). */
static int bind_cert(PGconn *conn, const char *account_id, const char *login,
		     const char *path, char *err)
{
	struct cert_info ci;
	char owner[80];
	int rc = read_cert(path, &ci, err);
	if (rc != EXIT_OK)
		return rc;
	if (ci.expired)
		return admin_fail(err, EXIT_ERR, _("certificate %s expired on %s"), path, ci.not_after);
	rc = admin_lookup_id(conn, "SELECT a.login FROM certificates c JOIN accounts a ON a.id = c.account_id"
			     " WHERE c.sha256 = $1", ci.sha256, owner, sizeof owner, err);
	if (rc != EXIT_OK)
		return rc;
	if (*owner)
		return admin_fail(err, EXIT_ERR, _("certificate %s is already bound to login '%s'"),
				  path, owner);
	const char *p[4] = { ci.sha256, account_id, ci.subject, ci.not_after };
	PGresult *res = admin_exec(conn, "INSERT INTO certificates (sha256, account_id, subject, not_after)"
				   " VALUES ($1, $2::bigint, $3, $4::timestamptz)", 4, p);
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, _("cannot bind certificate"));
	else
		printf(_("bound certificate %s to %s\n"), ci.sha256, login);
	PQclear(res);
	return rc;
}

/* ---- transactions ------------------------------------------------------- */

/* Commands that write several rows run in a transaction, unless batch has
 * one open already. */
static bool tx_begin(PGconn *conn, bool *mine)
{
	*mine = PQtransactionStatus(conn) == PQTRANS_IDLE;
	if (*mine)
		PQclear(PQexec(conn, "BEGIN"));
	return true;
}

static int tx_end(PGconn *conn, bool mine, int rc, char *err)
{
	if (!mine)
		return rc;
	PGresult *res = PQexec(conn, rc == EXIT_OK ? "COMMIT" : "ROLLBACK");
	if (rc == EXIT_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = admin_fail_pg(err, res, conn, _("commit failed"));
	PQclear(res);
	return rc;
}

/* ---- commands ----------------------------------------------------------- */

static int cmd_org_add(PGconn *conn, int argc, char **argv, char *err)
{
	const char *name = NULL, *kind = NULL, *parent = NULL, *congress = NULL;
	struct flag flags[] = { { "name", &name, true }, { "kind", &kind, true },
				{ "parent", &parent, false }, { "congress", &congress, false },
				{ NULL, NULL, false } };
	char parent_id[32] = "", list[256], cid[32];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!admin_valid_text(name))
		return admin_fail(err, EXIT_USAGE, _("org-add: --name must not be empty"));
	if (!admin_in_list(kind, org_kinds))
		return admin_fail(err, EXIT_USAGE, _("org-add: --kind '%s' is not one of %s"), kind,
				  admin_join(org_kinds, list, sizeof list));
	/* An organization is of one congress; its parent is of the same. */
	if ((rc = admin_congress_id(conn, congress, cid, sizeof cid, err)))
		return rc;
	if (parent && (rc = admin_org_in_congress(conn, parent, cid, parent_id, sizeof parent_id, err)))
		return rc;
	const char *p[4] = { name, kind, parent ? parent_id : NULL, cid };
	PGresult *res = admin_exec(conn, "INSERT INTO organizations (name, kind, parent_id, congress_id)"
				   " VALUES ($1, $2, $3::bigint, $4::bigint) RETURNING id", 4, p);
	if (admin_ok(res))
		printf("%s\n", PQgetvalue(res, 0, 0));
	else if (strcmp(admin_sqlstate(res), "23505") == 0)
		rc = admin_fail(err, EXIT_ERR, _("organization '%s' already exists"), name);
	else
		rc = admin_fail_pg(err, res, conn, _("cannot add organization"));
	PQclear(res);
	return rc;
}

static int cmd_deputy_add(PGconn *conn, int argc, char **argv, char *err)
{
	const char *name = NULL, *term = NULL, *delegation = NULL, *phone = NULL, *station = NULL,
		   *congress = NULL, *station_congress = NULL;
	struct flag flags[] = { { "name", &name, true }, { "term", &term, true },
				{ "delegation", &delegation, false }, { "phone", &phone, false },
				{ "station", &station, false }, { "congress", &congress, false },
				{ "station-congress", &station_congress, false }, { NULL, NULL, false } };
	char station_id[32] = "", cid[32], scid[32];
	long t;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!admin_valid_text(name))
		return admin_fail(err, EXIT_USAGE, _("deputy-add: --name must not be empty"));
	if (!admin_parse_positive(term, &t))
		return admin_fail(err, EXIT_USAGE, _("deputy-add: --term '%s' is not a positive number"), term);
	/* A deputy belongs to the congress that elected them; the station that
	 * hosts them may be another congress's (--station-congress). */
	if ((rc = admin_congress_id(conn, congress, cid, sizeof cid, err)))
		return rc;
	if ((rc = admin_congress_id(conn, station_congress ? station_congress : congress, scid,
				    sizeof scid, err)))
		return rc;
	if (station && (rc = admin_org_in_congress(conn, station, scid, station_id, sizeof station_id,
						   err)))
		return rc;
	const char *p[6] = { name, term, delegation, phone, station ? station_id : NULL, cid };
	PGresult *res = admin_exec(conn, "INSERT INTO deputies (name, term, delegation, phone,"
				   " organization_id, congress_id)"
				   " VALUES ($1, $2::int, $3, $4, $5::bigint, $6::bigint) RETURNING id", 6, p);
	if (admin_ok(res))
		printf("%s\n", PQgetvalue(res, 0, 0));
	else
		rc = admin_fail_pg(err, res, conn, _("cannot add deputy"));
	PQclear(res);
	return rc;
}

static int check_roles(const char *roles, char *err)
{
	char buf[512], list[256], *save = NULL;
	if (!*roles || strlen(roles) >= sizeof buf)
		return admin_fail(err, EXIT_USAGE, _("account-add: --roles must list 1 or more roles"));
	snprintf(buf, sizeof buf, "%s", roles);
	for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save))
		if (!admin_in_list(r, role_names))
			return admin_fail(err, EXIT_USAGE,
					  _("account-add: --roles: unknown role '%s' (known: %s)"), r,
					  admin_join(role_names, list, sizeof list));
	if (roles[0] == ',' || roles[strlen(roles) - 1] == ',' || strstr(roles, ",,"))
		return admin_fail(err, EXIT_USAGE, _("account-add: --roles '%s' has an empty role"), roles);
	return EXIT_OK;
}

static int cmd_account_add(PGconn *conn, int argc, char **argv, char *err)
{
	const char *login = NULL, *name = NULL, *org = NULL, *roles = NULL, *deputy = NULL,
		   *cert = NULL, *congress = NULL;
	struct flag flags[] = { { "login", &login, true }, { "name", &name, true },
				{ "org", &org, true }, { "roles", &roles, true },
				{ "deputy", &deputy, false }, { "cert", &cert, false },
				{ "congress", &congress, false }, { NULL, NULL, false } };
	char oid[32], did[32] = "", id[32] = "", cid[32];
	long dnum;
	bool mine;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!admin_valid_login(login))
		return admin_fail(err, EXIT_USAGE, _("account-add: --login '%s' must be 2-64 characters "
			    "of a-z 0-9 . _ -"), login);
	if (!admin_valid_text(name))
		return admin_fail(err, EXIT_USAGE, _("account-add: --name must not be empty"));
	if ((rc = check_roles(roles, err)))
		return rc;
	if (deputy && !admin_parse_positive(deputy, &dnum))
		return admin_fail(err, EXIT_USAGE, _("account-add: --deputy '%s' is not a deputy id"), deputy);
	/* An account acts within one congress: its organization's, and its
	 * deputy's (the database refuses a deputy of another congress). */
	if ((rc = admin_congress_id(conn, congress, cid, sizeof cid, err)))
		return rc;
	if ((rc = admin_org_in_congress(conn, org, cid, oid, sizeof oid, err)))
		return rc;
	if (deputy) {
		if ((rc = admin_lookup_id(conn, "SELECT id FROM deputies WHERE id = $1::bigint", deputy,
				    did, sizeof did, err)))
			return rc;
		if (!*did)
			return admin_fail(err, EXIT_ERR, _("no deputy with id %s"), deputy);
	}
	tx_begin(conn, &mine);
	const char *p[6] = { login, name, oid, roles, deputy ? did : NULL, cid };
	PGresult *res = admin_exec(conn, "INSERT INTO accounts (login, display_name, organization_id, roles,"
				   " deputy_id, congress_id) VALUES ($1, $2, $3::bigint, string_to_array($4, ','),"
				   " $5::bigint, $6::bigint) RETURNING id", 6, p);
	if (admin_ok(res))
		snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
	else if (strcmp(admin_sqlstate(res), "23505") == 0 && strcmp(admin_constraint(res), "accounts_login_key") == 0)
		rc = admin_fail(err, EXIT_ERR, _("login '%s' already exists"), login);
	else if (strcmp(admin_sqlstate(res), "23503") == 0
		 && strcmp(admin_constraint(res), "accounts_deputy_id_congress_fkey") == 0)
		rc = admin_fail(err, EXIT_ERR, _("deputy %s is not a deputy of this account's congress"),
				deputy);
	else
		rc = admin_fail_pg(err, res, conn, _("cannot add account"));
	PQclear(res);
	if (rc == EXIT_OK && cert)
		rc = bind_cert(conn, id, login, cert, err);
	rc = tx_end(conn, mine, rc, err);
	if (rc == EXIT_OK)
		printf("%s\n", id);
	return rc;
}

static int account_id(PGconn *conn, const char *login, char *out, size_t outlen, char *err)
{
	int rc = admin_lookup_id(conn, "SELECT id FROM accounts WHERE login = $1", login, out, outlen, err);
	if (rc == EXIT_OK && !*out)
		return admin_fail(err, EXIT_ERR, _("no account with login '%s'"), login);
	return rc;
}

static int cmd_cert_bind(PGconn *conn, int argc, char **argv, char *err)
{
	const char *login = NULL, *cert = NULL;
	struct flag flags[] = { { "login", &login, true }, { "cert", &cert, true },
				{ NULL, NULL, false } };
	char id[32];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc || (rc = account_id(conn, login, id, sizeof id, err)))
		return rc;
	return bind_cert(conn, id, login, cert, err);
}

/* Tells every running jianyid to re-check the certificates of its open
 * sessions (server/net/revocation.c), so that a revoked certificate or a
 * disabled account loses its sessions at once. Inside a transaction (batch)
 * the NOTIFY goes out at its commit. */
static int notify_servers(PGconn *conn, char *err)
{
	PGresult *res = admin_exec(conn, "SELECT pg_notify('" FEED_CHANNEL "', '" FEED_PAYLOAD_ACCOUNTS "')",
				   0, NULL);
	int rc = admin_ok(res) ? EXIT_OK : admin_fail_pg(err, res, conn, _("cannot notify the servers"));
	PQclear(res);
	return rc;
}

static int cmd_cert_revoke(PGconn *conn, int argc, char **argv, char *err)
{
	const char *cert = NULL, *hex = NULL;
	struct flag flags[] = { { "cert", &cert, false }, { "sha256", &hex, false },
				{ NULL, NULL, false } };
	struct cert_info ci;
	char sha[65], found[8];
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (!cert == !hex)
		return admin_fail(err, EXIT_USAGE,
				  _("cert-revoke: give exactly one of --cert FILE or --sha256 HEX"));
	if (cert) {
		if ((rc = read_cert(cert, &ci, err)))
			return rc;
		memcpy(sha, ci.sha256, sizeof sha);
	} else {
		size_t n = strlen(hex);
		if (n != 64 || strspn(hex, "0123456789abcdefABCDEF") != 64)
			return admin_fail(err, EXIT_USAGE,
					  _("cert-revoke: --sha256 '%s' is not 64 hex digits"), hex);
		for (size_t i = 0; i <= n; i++)
			sha[i] = (char)tolower((unsigned char)hex[i]);
	}
	const char *p[1] = { sha };
	/* whose it was, for the confirmation */
	PGresult *res = admin_exec(conn, "UPDATE certificates c SET revoked_at = now() FROM accounts a"
				   " WHERE c.sha256 = $1 AND c.revoked_at IS NULL AND a.id = c.account_id"
				   " RETURNING a.display_name, a.login", 1, p);
	if (!admin_ok(res)) {
		rc = admin_fail_pg(err, res, conn, _("cannot revoke"));
	} else if (PQntuples(res) == 1) {
		rc = notify_servers(conn, err);
		if (rc == EXIT_OK)
			/* TRANSLATORS: the fingerprint, the owner's name and login */
			printf(_("revoked certificate %s of %s (%s)\n"), sha, PQgetvalue(res, 0, 0),
			       PQgetvalue(res, 0, 1));
	} else {
		rc = admin_lookup_id(conn, "SELECT 'x' FROM certificates WHERE sha256 = $1", sha,
			       found, sizeof found, err);
		if (rc == EXIT_OK)
			rc = admin_fail(err, EXIT_ERR,
					*found ? _("certificate %s is already revoked")
					: _("no certificate with SHA-256 fingerprint %s"), sha);
	}
	PQclear(res);
	return rc;
}

static int set_disabled(PGconn *conn, int argc, char **argv, const char *value, char *err)
{
	const char *login = NULL;
	struct flag flags[] = { { "login", &login, true }, { NULL, NULL, false } };
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	const char *p[2] = { login, value };
	PGresult *res = admin_exec(conn, "UPDATE accounts SET disabled = $2::boolean WHERE login = $1"
				   " RETURNING display_name", 2, p);
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, _("cannot update account"));
	else if (PQntuples(res) != 1)
		rc = admin_fail(err, EXIT_ERR, _("no account with login '%s'"), login);
	else if ((rc = notify_servers(conn, err)) == EXIT_OK)
		/* TRANSLATORS: the account's name and login */
		printf(value[0] == 't' ? _("account %s (%s) disabled\n") : _("account %s (%s) enabled\n"),
		       PQgetvalue(res, 0, 0), login);
	PQclear(res);
	return rc;
}

static int cmd_account_disable(PGconn *conn, int argc, char **argv, char *err)
{
	return set_disabled(conn, argc, argv, "true", err);
}

static int cmd_account_enable(PGconn *conn, int argc, char **argv, char *err)
{
	return set_disabled(conn, argc, argv, "false", err);
}

static int cmd_list_accounts(PGconn *conn, int argc, char **argv, char *err)
{
	struct flag flags[] = { { NULL, NULL, false } };
	/* TRANSLATORS: the headings of list-accounts' columns */
	const char *head[4] = { _("LOGIN"), _("NAME"), _("ORG"), _("ROLES") };
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err), w[4];
	if (rc)
		return rc;
	for (int c = 0; c < 4; c++)
		w[c] = (int)strlen(head[c]);
	/* the words of the table, in the reader's language, as parameters */
	const char *p[3] = { _("yes"), _("no"), _("(revoked)") };
	PGresult *res = admin_exec(conn,
		"SELECT a.login, a.display_name, o.name, array_to_string(a.roles, ','),"
		" CASE WHEN a.disabled THEN $1::text ELSE $2::text END,"
		" coalesce(string_agg(c.sha256 || CASE WHEN c.revoked_at IS NOT NULL"
		"   THEN $3::text ELSE '' END, ' ' ORDER BY c.created_at), '')"
		" FROM accounts a JOIN organizations o ON o.id = a.organization_id"
		" LEFT JOIN certificates c ON c.account_id = a.id"
		" GROUP BY a.id, o.name ORDER BY a.login", 3, p);
	if (!admin_ok(res)) {
		rc = admin_fail_pg(err, res, conn, _("cannot list accounts"));
		PQclear(res);
		return rc;
	}
	for (int r = 0; r < PQntuples(res); r++)
		for (int c = 0; c < 4; c++)
			if (PQgetlength(res, r, c) > w[c])
				w[c] = PQgetlength(res, r, c);
	printf("%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2],
	       w[3], head[3], _("DISABLED"), _("CERTIFICATES (SHA-256)"));
	for (int r = 0; r < PQntuples(res); r++)
		printf("%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", w[0], PQgetvalue(res, r, 0),
		       w[1], PQgetvalue(res, r, 1), w[2], PQgetvalue(res, r, 2),
		       w[3], PQgetvalue(res, r, 3), PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
	PQclear(res);
	return EXIT_OK;
}

static int cmd_migrate(PGconn *conn, int argc, char **argv, char *err)
{
	struct flag flags[] = { { NULL, NULL, false } };
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	(void)conn;
	if (rc)
		return rc;
	/* admin_main has applied the migrations already. */
	printf(_("schema version %d\n"), migrate_latest_version());
	return EXIT_OK;
}

/* ---- portal publication ------------------------------------------------ */

/* jy_publish (server/sql/functions/07_portal.sql) checks
 * everything (no such case, confidential, not registered, withdrawn, merged
 * or converted) and says why in its message. */
static int set_published(PGconn *conn, int argc, char **argv, bool publish, char *err)
{
	const char *id = NULL, *summary = NULL, *title = NULL;
	struct flag pub_flags[] = { { "id", &id, true }, { "summary", &summary, false },
				    { "title", &title, false }, { NULL, NULL, false } };
	struct flag unpub_flags[] = { { "id", &id, true }, { NULL, NULL, false } };
	int rc = admin_parse_flags(argv[0], argc, argv, publish ? pub_flags : unpub_flags, err);
	long n;
	if (rc)
		return rc;
	if (!admin_parse_positive(id, &n))
		return admin_fail(err, EXIT_USAGE, _("%s: --id must be a positive number"), argv[0]);
	if ((summary && !admin_valid_text(summary)) || (title && !admin_valid_text(title)))
		return admin_fail(err, EXIT_USAGE, _("%s: --summary and --title must not be blank"), argv[0]);
	const char *p[4] = { id, publish ? "true" : "false", title, summary };
	PGresult *res = admin_exec(conn, "SELECT jy_publish($1::bigint, $2::boolean, $3::text, $4::text)",
			     4, p);
	if (!admin_ok(res))
		rc = admin_fail_pg(err, res, conn, publish ? _("cannot publish") : _("cannot unpublish"));
	else
		printf(!publish ? _("suggestion %s unpublished\n")
		       : summary ? _("suggestion %s published (summary)\n")
				 : _("suggestion %s published (full text)\n"), id);
	PQclear(res);
	return rc;
}

static int cmd_publish(PGconn *conn, int argc, char **argv, char *err)
{
	return set_published(conn, argc, argv, true, err);
}

static int cmd_unpublish(PGconn *conn, int argc, char **argv, char *err)
{
	return set_published(conn, argc, argv, false, err);
}

static int cmd_batch(PGconn *conn, int argc, char **argv, char *err);

struct command {
	const char *name;
	int (*run)(PGconn *conn, int argc, char **argv, char *err);
	const char *usage;
};

/* The usage lines are translated where printed (--help): the command, its
 * flags and the values typed as they are stay; the placeholders are words. */
static const struct command commands[] = {
	/* TRANSLATORS: keep the command, the --flags and the values a person
	 * types (holiday, workday, clear, -) as they are; translate the
	 * placeholders (NAME, KIND ...) and the notes in parentheses. */
	{ "congress-add", admin_congress_add, N_("congress-add --code CODE --name NAME --level LEVEL "
						 "[--parent CODE]") },
	{ "congress-rename", admin_congress_rename, N_("congress-rename --code CODE --name NAME") },
	{ "congress-list", admin_congress_list, "congress-list" },
	{ "setting-set", admin_setting_set, N_("setting-set [--congress CODE] --key KEY --value VALUE") },
	{ "org-add", cmd_org_add, N_("org-add --name NAME --kind KIND [--parent NAME] [--congress CODE]") },
	{ "deputy-add", cmd_deputy_add, N_("deputy-add --name NAME --term N [--delegation TEXT] "
					"[--phone TEXT] [--station ORGNAME] [--congress CODE] "
					"[--station-congress CODE]") },
	{ "account-add", cmd_account_add, N_("account-add --login L --name DISPLAY --org ORGNAME "
					  "--roles r1,r2 [--deputy DEPUTY_ID] [--cert FILE.pem] "
					  "[--congress CODE]") },
	{ "cert-bind", cmd_cert_bind, N_("cert-bind --login L --cert FILE.pem") },
	{ "cert-revoke", cmd_cert_revoke, N_("cert-revoke (--cert FILE.pem | --sha256 HEX)") },
	{ "enroll-code", admin_enroll_code, N_("enroll-code --login L [--valid-hours H]   (one-time code "
					    "for 'jianyi enroll'; default 72 h, at most 720)") },
	{ "account-disable", cmd_account_disable, N_("account-disable --login L") },
	{ "account-enable", cmd_account_enable, N_("account-enable --login L") },
	{ "list-accounts", cmd_list_accounts, "list-accounts" },
	{ "migrate", cmd_migrate, "migrate" },
	{ "publish", cmd_publish, N_("publish --id N [--summary TEXT] [--title TEXT]   (public portal; "
				  "registered cases only, never a confidential one)") },
	{ "unpublish", cmd_unpublish, N_("unpublish --id N") },
	{ "calendar-set", admin_calendar_set, N_("calendar-set --date YYYY-MM-DD[..YYYY-MM-DD] "
					      "--kind holiday|workday|clear [--name TEXT] [--by LOGIN]") },
	{ "calendar-load", admin_calendar_load, N_("calendar-load --file FILE [--replace-year YYYY] "
						"[--by LOGIN]   (lines: DATE[..DATE] holiday|workday [NAME])") },
	{ "calendar-show", admin_calendar_show, N_("calendar-show [--year YYYY]") },
	{ "batch", cmd_batch, N_("batch FILE|-   (one command per line, all in one transaction)") },
	{ NULL, NULL, NULL },
};

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, _("usage: jianyid admin COMMAND [flags]   (COMMAND --help for details)\n"));
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %s\n", _(c->usage));
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/* ---- batch -------------------------------------------------------------- */

#define MAX_WORDS 64

/* Splits line in place into words: blanks separate, "..." groups (with \"
 * and \\ escapes), # outside quotes starts a comment. */
static int split_line(char *line, char **words, int *nwords, char *err)
{
	char *r = line, *w = line;
	int n = 0;
	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r || *r == '#')
			break;
		if (n == MAX_WORDS)
			return admin_fail(err, EXIT_ERR, _("more than %d words"), MAX_WORDS);
		words[n++] = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n') {
			if (*r != '"') {
				*w++ = *r++;
				continue;
			}
			for (r++; *r != '"'; r++) {
				if (!*r)
					return admin_fail(err, EXIT_ERR, _("unterminated double quote"));
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r;
			}
			r++;
		}
		/* Terminate the word; w never passes r, so this is safe. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	*nwords = n;
	return EXIT_OK;
}

static int cmd_batch(PGconn *conn, int argc, char **argv, char *err)
{
	FILE *f;
	char *line = NULL, lerr[ERRLEN];
	size_t cap = 0;
	long lineno = 0;
	int rc = EXIT_OK;
	PGresult *res;

	if (argc != 2)
		return admin_fail(err, EXIT_USAGE, _("batch: give exactly one FILE (or - for stdin)"));
	f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
	if (!f)
		return admin_fail(err, EXIT_ERR, _("cannot open %s: %s"), argv[1], strerror(errno));
	res = PQexec(conn, "BEGIN");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = admin_fail_pg(err, res, conn, _("batch: cannot begin"));
	PQclear(res);
	while (rc == EXIT_OK && getline(&line, &cap, f) >= 0) {
		char *words[MAX_WORDS + 1];
		int n = 0;
		const struct command *c;
		lineno++;
		if (split_line(line, words, &n, lerr) != EXIT_OK) {
			rc = admin_fail(err, EXIT_ERR, _("line %ld: %s"), lineno, lerr);
			break;
		}
		if (n == 0)
			continue;
		words[n] = NULL;
		c = find_command(words[0]);
		if (!c || c->run == cmd_batch) {
			rc = admin_fail(err, EXIT_ERR, _("line %ld: unknown command '%s'"), lineno, words[0]);
			break;
		}
		if (c->run(conn, n, words, lerr) != EXIT_OK)
			rc = admin_fail(err, EXIT_ERR, _("line %ld: %s"), lineno, lerr);
	}
	if (rc == EXIT_OK && ferror(f))
		rc = admin_fail(err, EXIT_ERR, _("cannot read %s: %s"), argv[1], strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	res = PQexec(conn, rc == EXIT_OK ? "COMMIT" : "ROLLBACK");
	if (rc == EXIT_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = admin_fail_pg(err, res, conn, _("batch: commit failed"));
	PQclear(res);
	if (rc == EXIT_OK)
		printf(_("batch: %ld lines, committed\n"), lineno);
	return rc;
}

/* ---- entry -------------------------------------------------------------- */

int admin_main(int argc, char **argv, struct jy_config *cfg)
{
	const struct command *cmd;
	struct embedded_pg pg;
	bool embedded = false;
	PGconn *conn = NULL;
	char err[ERRLEN] = "";
	int rc, applied;

	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	if (!(cmd = find_command(argv[0]))) {
		fprintf(stderr, _("jianyid admin: unknown command '%s'\n"), argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (wants_help(argc, argv)) {
		printf(_("usage: jianyid admin %s\n"), _(cmd->usage));
		return EXIT_OK;
	}

	if (!cfg->database_named) {
		fprintf(stderr, _("jianyid admin: which database? Give --config FILE, --database CONNINFO "
				  "or --data-dir DIR (there is no %s to read); admin never creates a new "
				  "database in the current directory\n"), JY_DEFAULT_CONFIG);
		return EXIT_USAGE;
	}
	if (cfg->conninfo) {
		conn = PQconnectdb(cfg->conninfo);
	} else {
		if (!embedded_pg_start_archiving(&pg, cfg->data_dir, cfg->pg_bindir, cfg->archive_dir,
						 err, sizeof err)) {
			fprintf(stderr, _("jianyid admin: %s\n"), err);
			return EXIT_ERR;
		}
		embedded = true;
		conn = PQconnectdb(pg.conninfo);
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		/* libpq's message names host and database, never the password. */
		snprintf(err, sizeof err, _("cannot connect to the database: %.*s"),
			 (int)strcspn(PQerrorMessage(conn), "\n"), PQerrorMessage(conn));
		rc = EXIT_ERR;
	} else if (!migrate_apply_waiting(conn, cfg->migration_lock_timeout_s, &applied, err, sizeof err)) {
		rc = EXIT_ERR;
	} else {
		rc = cmd->run(conn, argc, argv, err);
	}
	fflush(stdout);
	if (rc != EXIT_OK) {
		fprintf(stderr, _("jianyid admin: %s\n"), err);
		if (rc == EXIT_USAGE)
			fprintf(stderr, _("usage: jianyid admin %s\n"), _(cmd->usage));
	}
	PQfinish(conn);
	if (embedded) {
		embedded_pg_stop(&pg);
		embedded_pg_free(&pg);
	}
	return rc;
}
