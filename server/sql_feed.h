/* SQL for the change feed (migration 0004_feed.sql). */
#ifndef JY_SQL_FEED_H
#define JY_SQL_FEED_H

#include "db.h"

/* jy_sync: $1 viewer account id, $2 after sequence, $3 page size. One row,
 * one column: the JSON answer as text. */
extern const struct db_stmt sql_sync;

/* The cross-process wake-up, sent after commits (never inside a workflow
 * transaction: NOTIFY takes a database-wide lock at commit). */
extern const struct db_stmt sql_feed_notify;

#endif
