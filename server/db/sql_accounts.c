/* SQL for the account table family; see sql_accounts.h. */
#include "sql_accounts.h"

const struct db_stmt sql_identity_by_cert = {
	.name = "identity_by_cert",
	.sql =
		"SELECT a.id, a.login, a.display_name,"
		" array_to_string(a.roles, ','),"
		" o.id, o.name, o.kind,"
		" a.disabled,"
		" c.revoked_at IS NOT NULL,"
		" c.not_after,"
		" (SELECT value FROM settings WHERE key = 'time_zone')"
		" FROM certificates c"
		" JOIN accounts a ON a.id = c.account_id"
		" JOIN organizations o ON o.id = a.organization_id"
		" WHERE c.sha256 = $1::text",
	.nparams = 1,
};

const struct db_stmt sql_certs_ended = {
	.name = "certs_ended",
	.sql =
		"SELECT s.sha256,"
		" CASE WHEN c.sha256 IS NULL THEN 'unbound'"
		"  WHEN c.revoked_at IS NOT NULL THEN 'revoked' ELSE 'disabled' END"
		" FROM (SELECT DISTINCT unnest($1::text[])) AS s(sha256)"
		" LEFT JOIN certificates c ON c.sha256 = s.sha256"
		" LEFT JOIN accounts a ON a.id = c.account_id"
		" WHERE c.sha256 IS NULL OR c.revoked_at IS NOT NULL OR a.disabled",
	.nparams = 1,
};

const struct db_stmt sql_ping_db = {
	.name = "ping_db",
	.sql = "SELECT 1",
	.nparams = 0,
};
