/* SQL for deadline notices (server/sql/functions/10_notices.sql): the periodic job,
 * the inbox, and the external notifier's deliveries. */
#ifndef JY_SQL_NOTICES_H
#define JY_SQL_NOTICES_H

#include "db.h"

/* jy_raise_notices(jy_today()): one row, one int: notices raised, -1 when
 * another process holds the job's lock. */
extern const struct db_stmt sql_raise_notices;

/* jy_inbox: $1 account id, $2 unread only (bool), $3 limit, $4 before id.
 * One row: the JSON answer as text. */
extern const struct db_stmt sql_inbox;

/* jy_inbox_after: $1 account id, $2 after id, $3 limit. JSON as text. */
extern const struct db_stmt sql_inbox_after;

/* jy_inbox_mark: $1 account id, $2 notice ids (bigint[] literal). JSON. */
extern const struct db_stmt sql_inbox_mark;

/* jy_claim_delivery: $1 lease seconds. Zero or one row, columns in the
 * order of enum claim_col (notifier.c). */
extern const struct db_stmt sql_claim_delivery;

/* jy_finish_delivery: $1 delivery id, $2 attempt, $3 ok (bool), $4 error,
 * $5 retry after seconds. One row, one boolean: the claim was still ours. */
extern const struct db_stmt sql_finish_delivery;

#endif
