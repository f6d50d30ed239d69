/* SQL for the statistics; see sql_stats.h. */
#include "sql_stats.h"

const struct db_stmt sql_stats = {
	.name = "stats",
	.sql = "SELECT jy_stats($1::bigint, $2::int, $3::int, $4::text)::text",
	.nparams = 4,
};
