/* SQL for deadline notices; see sql_notices.h. */
#include "sql_notices.h"

const struct db_stmt sql_raise_notices = {
	.name = "raise_notices",
	.sql = "SELECT jy_raise_notices(jy_today())",
	.nparams = 0,
};

const struct db_stmt sql_inbox = {
	.name = "inbox",
	.sql = "SELECT jy_inbox($1::bigint, $2::boolean, $3::int, $4::bigint)::text",
	.nparams = 4,
};

const struct db_stmt sql_inbox_after = {
	.name = "inbox_after",
	.sql = "SELECT jy_inbox_after($1::bigint, $2::bigint, $3::int)::text",
	.nparams = 3,
};

const struct db_stmt sql_inbox_mark = {
	.name = "inbox_mark",
	.sql = "SELECT jy_inbox_mark($1::bigint, $2::bigint[])::text",
	.nparams = 2,
};

const struct db_stmt sql_claim_delivery = {
	.name = "claim_delivery",
	.sql = "SELECT delivery_id, attempt, notice_id, kind, deadline_kind, suggestion_id, number,"
	       " title, due, days_before, login, display_name, phone, text"
	       " FROM jy_claim_delivery($1::int)",
	.nparams = 1,
};

const struct db_stmt sql_finish_delivery = {
	.name = "finish_delivery",
	.sql = "SELECT jy_finish_delivery($1::bigint, $2::int, $3::boolean, $4::text, $5::int)",
	.nparams = 5,
};
