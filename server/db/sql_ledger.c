/* SQL for the ledger; see sql_ledger.h. */
#include "sql_ledger.h"

const struct db_stmt sql_ledger = {
	.name = "ledger",
	.sql = "SELECT jy_ledger($1::bigint, $2::jsonb, $3::int, $4::bigint)::text",
	.nparams = 4,
};
