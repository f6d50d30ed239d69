/* Every prepared statement the server uses, so the db pool can prepare them
 * all on each new connection. Add new sql_*.c statements to the list. */
#ifndef JY_SQL_REGISTRY_H
#define JY_SQL_REGISTRY_H

#include <stddef.h>
#include "db.h"

extern const struct db_stmt *const jy_all_statements[];
extern const size_t jy_all_statements_count;
/* The public portal's statements (its own pool, server.c). */
extern const struct db_stmt *const jy_portal_statements[];
extern const size_t jy_portal_statements_count;

#endif
