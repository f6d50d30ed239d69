/* SQL for the open deadlines; see sql_deadlines.h. */
#include "sql_deadlines.h"

const struct db_stmt sql_deadlines = {
	.name = "deadlines",
	.sql = "SELECT jy_deadlines($1::bigint, $2::jsonb, $3::int)::text",
	.nparams = 3,
};
