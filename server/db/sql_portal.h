/* SQL for the public portal (server/sql/functions/07_portal.sql): each function
 * answers with jsonb, handed to C as text. */
#ifndef JY_SQL_PORTAL_H
#define JY_SQL_PORTAL_H

#include "db.h"

/* $1 q, $2 category, $3 term (0: any), $4 result class, $5 page, $6 page size */
extern const struct db_stmt sql_portal_list;
/* $1 id */
extern const struct db_stmt sql_portal_get;
extern const struct db_stmt sql_portal_stats;
/* Migration 0009: $1 year (0: the latest announced) */
extern const struct db_stmt sql_portal_excellent;
extern const struct db_stmt sql_portal_unsatisfied;

#endif
