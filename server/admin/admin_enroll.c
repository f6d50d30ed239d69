/* An enrollment code is "ID-SECRET": the row's id, then 128 random bits in
 * hex. It is printed once; the database keeps only the SHA-256 of the
 * secret, so a copy of the database cannot enroll anyone. */
#include "admin_enroll.h"

#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "admin_i18n.h"
#include "admin_util.h"

#define DEFAULT_VALID_HOURS 72
#define MAX_VALID_HOURS (30 * 24)

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* 16 random bytes as hex, and the SHA-256 of that text as hex. */
static bool make_secret(char secret[33], char sha[65])
{
	unsigned char raw[16], md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	if (RAND_bytes(raw, sizeof raw) != 1)
		return false;
	hex(raw, sizeof raw, secret);
	if (EVP_Digest(secret, 32, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return false;
	hex(md, n, sha);
	return true;
}

int admin_enroll_code(PGconn *conn, int argc, char **argv, char *err)
{
	const char *login = NULL, *hours = NULL;
	struct flag flags[] = { { "login", &login, true }, { "valid-hours", &hours, false },
				{ NULL, NULL, false } };
	char secret[33], sha[65], hbuf[16];
	long h = DEFAULT_VALID_HOURS;
	int rc = admin_parse_flags(argv[0], argc, argv, flags, err);
	if (rc)
		return rc;
	if (hours && (!admin_parse_positive(hours, &h) || h > MAX_VALID_HOURS))
		return admin_fail(err, EXIT_USAGE, _("%s: --valid-hours must be a whole number from 1 to %d"),
				  argv[0], MAX_VALID_HOURS);
	if (!make_secret(secret, sha))
		return admin_fail(err, EXIT_ERR, _("%s: cannot make a random secret"), argv[0]);
	snprintf(hbuf, sizeof hbuf, "%ld", h);
	const char *p[3] = { login, sha, hbuf };
	/* The expiry as the congress's clock reads it, and the person by name:
	 * what the operator tells them. */
	PGresult *res = admin_exec(conn,
		"WITH a AS (SELECT id, display_name FROM accounts WHERE login = $1 AND NOT disabled),"
		" c AS (INSERT INTO enrollment_codes (account_id, secret_sha256, expires_at)"
		"  SELECT id, $2, now() + make_interval(hours => $3::int) FROM a"
		"  RETURNING id, account_id, expires_at)"
		" SELECT c.id, to_char(c.expires_at AT TIME ZONE jy_setting('time_zone'),"
		"  'YYYY-MM-DD HH24:MI'), jy_setting('time_zone'), a.display_name"
		" FROM c JOIN a ON a.id = c.account_id", 3, p);
	if (!admin_ok(res)) {
		rc = admin_fail_pg(err, res, conn, _("cannot make an enrollment code"));
	} else if (PQntuples(res) != 1) {
		rc = admin_fail(err, EXIT_ERR, _("no enabled account with login '%s'"), login);
	} else {
		/* The code alone on stdout (a script takes it); the rest on stderr. */
		printf("%s-%s\n", PQgetvalue(res, 0, 0), secret);
		/* TRANSLATORS: the person's name, their login, the expiry (date and
		 * time) and its time zone (e.g. Asia/Shanghai) */
		fprintf(stderr, _("enrollment code for %s (%s), valid until %s (%s), usable once; it is "
				  "shown only now: give it to the person, who runs "
				  "'jianyi enroll --code CODE ...'\n"),
			PQgetvalue(res, 0, 3), login, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return rc;
}
