/* SQL for the change feed (server/sql/functions/06_feed.sql). */
#ifndef JY_SQL_FEED_H
#define JY_SQL_FEED_H

#include "db.h"

/* jy_sync: $1 viewer account id, $2 after sequence, $3 page size. One row,
 * one column: the JSON answer as text. */
extern const struct db_stmt sql_sync;

/* jy_sync_many: $1 viewer account ids as a
 * bigint[] literal ("{1,2}"), $2 after sequence, $3 page size per viewer.
 * One query for every live subscriber at one cursor. */
extern const struct db_stmt sql_sync_many;

/* The cross-process wake-up, sent after commits (never inside a workflow
 * transaction: NOTIFY takes a database-wide lock at commit). */
extern const struct db_stmt sql_feed_notify;

#endif
