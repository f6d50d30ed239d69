/* SQL for supervision, topics and excellent suggestions; see sql_supervision.h. */
#include "sql_supervision.h"

const struct db_stmt sql_write = {
	.name = "write",
	.sql = "SELECT jy_write($1::bigint, $2::text, $3::jsonb, $4::text, $5::text)::text",
	.nparams = 5,
};

const struct db_stmt sql_read = {
	.name = "read",
	.sql = "SELECT jy_read($1::bigint, $2::text, $3::jsonb)::text",
	.nparams = 3,
};
