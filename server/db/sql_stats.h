/* SQL for the statistics (README.md "Statistics"): calls jy_stats
 * (sql/functions/09_stats.sql), which returns one JSON document as text. */
#ifndef JY_SQL_STATS_H
#define JY_SQL_STATS_H

#include "db.h"

/* jy_stats: $1 viewer account id, $2 term (0: any), $3 session (0: any),
 * $4 group_by ('', unit, category, term_session). */
extern const struct db_stmt sql_stats;

#endif
