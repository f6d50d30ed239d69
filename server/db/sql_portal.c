/* SQL for the public portal; see sql_portal.h. */
#include "sql_portal.h"

const struct db_stmt sql_portal_list = {
	.name = "portal_list",
	.sql = "SELECT jy_portal_list($1::text, $2::text, $3::int, $4::text, $5::int, $6::int)::text",
	.nparams = 6,
};

const struct db_stmt sql_portal_get = {
	.name = "portal_get",
	.sql = "SELECT jy_portal_get($1::bigint)::text",
	.nparams = 1,
};

const struct db_stmt sql_portal_stats = {
	.name = "portal_stats",
	.sql = "SELECT jy_portal_stats()::text",
	.nparams = 0,
};

const struct db_stmt sql_portal_excellent = {
	.name = "portal_excellent",
	.sql = "SELECT jy_portal_excellent($1::int)::text",
	.nparams = 1,
};

const struct db_stmt sql_portal_unsatisfied = {
	.name = "portal_unsatisfied",
	.sql = "SELECT jy_portal_unsatisfied()::text",
	.nparams = 0,
};
