/* SQL for the workflow table family (suggestions and their side tables,
 * events, idempotency): calls into the SQL functions (sql/functions/), which
 * hold the rules that need the row (docs/WORKFLOW.md). Each statement
 * returns one row, one column: the function's JSON result as text. */
#ifndef JY_SQL_WORKFLOW_H
#define JY_SQL_WORKFLOW_H

#include "db.h"

/* jy_act: $1 actor account id, $2 action name, $3 suggestion id (NULL or 0
 * for create), $4 expected version, $5 transitions {"from":"to",...},
 * $6 relation name, $7 params (jsonb, proto field names), $8 idempotency
 * key, $9 request hash. */
extern const struct db_stmt sql_act;

/* jy_get: $1 viewer account id, $2 suggestion id. */
extern const struct db_stmt sql_get_suggestion;

/* jy_list: $1 viewer account id, $2 filters (jsonb), $3 page size,
 * $4 after id. */
extern const struct db_stmt sql_list_suggestions;

#endif
