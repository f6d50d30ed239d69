/* SQL for the account table family (organizations, accounts, certificates):
 * prepared statements run through the db pool. One place for this SQL. */
#ifndef JY_SQL_ACCOUNTS_H
#define JY_SQL_ACCOUNTS_H

#include "db.h"

/* $1 = certificate SHA-256 (lowercase hex). At most one row, columns: */
enum sql_identity_col {
	SQL_IDENTITY_ACCOUNT_ID = 0,
	SQL_IDENTITY_LOGIN,
	SQL_IDENTITY_DISPLAY_NAME,
	SQL_IDENTITY_ROLES,          /* comma-joined, e.g. "admin,leader" */
	SQL_IDENTITY_ORG_ID,
	SQL_IDENTITY_ORG_NAME,
	SQL_IDENTITY_ORG_KIND,
	SQL_IDENTITY_DISABLED,       /* 't' / 'f' */
	SQL_IDENTITY_REVOKED,        /* 't' / 'f' */
	SQL_IDENTITY_NOT_AFTER,      /* timestamptz text */
	SQL_IDENTITY_TIME_ZONE,      /* settings.time_zone, for the Welcome */
	SQL_IDENTITY_NCOLS
};
extern const struct db_stmt sql_identity_by_cert;

/* $1 = text[] of certificate SHA-256s (open sessions', repeats allowed). One row per
 * certificate that may no longer be used: (sha256, why), why being
 * "revoked", "disabled" (its account) or "unbound" (no such certificate). */
extern const struct db_stmt sql_certs_ended;

/* No parameters; one row "1". Health checks. */
extern const struct db_stmt sql_ping_db;

#endif
