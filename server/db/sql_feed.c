/* SQL for the change feed; see sql_feed.h. */
#include "sql_feed.h"

const struct db_stmt sql_sync = {
	.name = "feed_sync",
	.sql = "SELECT jy_sync($1::bigint, $2::bigint, $3::int)::text",
	.nparams = 3,
};

const struct db_stmt sql_sync_many = {
	.name = "feed_sync_many",
	.sql = "SELECT jy_sync_many($1::bigint[], $2::bigint, $3::int)::text",
	.nparams = 3,
};

const struct db_stmt sql_feed_notify = {
	.name = "feed_notify",
	.sql = "SELECT pg_notify('jianyi_events', '')",
	.nparams = 0,
};
