/* SQL for the workflow table family; see sql_workflow.h. The functions
 * answer with jsonb; ::text hands the C side one string to parse. */
#include "sql_workflow.h"

const struct db_stmt sql_act = {
	.name = "act",
	.sql = "SELECT jy_act($1::bigint, $2::text, $3::bigint, $4::int, $5::jsonb,"
	       " $6::text, $7::jsonb, $8::text, $9::text)::text",
	.nparams = 9,
};

const struct db_stmt sql_get_suggestion = {
	.name = "get_suggestion",
	.sql = "SELECT jy_get($1::bigint, $2::bigint)::text",
	.nparams = 2,
};

const struct db_stmt sql_list_suggestions = {
	.name = "list_suggestions",
	.sql = "SELECT jy_list($1::bigint, $2::jsonb, $3::int, $4::bigint)::text",
	.nparams = 4,
};
