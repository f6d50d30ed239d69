/* StatsRequest: the measures (README.md "Statistics") per unit, category or
 * term/session, as the caller may see them. Definitions: README.md
 * "Statistics" and sql/functions/09_stats.sql (jy_stats_cases). */
#ifndef JY_HANDLERS_STATS_H
#define JY_HANDLERS_STATS_H

#include "session.h"

void handle_stats(struct request *req, const Jianyi__Request *body);

#endif
