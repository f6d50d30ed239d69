/* SQL for the open deadlines: calls jy_deadlines (server/sql/functions/
 * 03_calendar.sql), which returns one JSON document as text. */
#ifndef JY_SQL_DEADLINES_H
#define JY_SQL_DEADLINES_H

#include "db.h"

/* jy_deadlines: $1 viewer account id, $2 filters (DeadlinesRequest as JSON),
 * $3 limit (0: default). */
extern const struct db_stmt sql_deadlines;

#endif
