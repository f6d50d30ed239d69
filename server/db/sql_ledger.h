/* SQL for the handling ledger (台账): calls jy_ledger (server/sql/functions/
 * 08_ledger.sql), which answers with one JSON document as text. */
#ifndef JY_SQL_LEDGER_H
#define JY_SQL_LEDGER_H

#include "db.h"

/* jy_ledger: $1 viewer account id, $2 filters (jsonb, ListSuggestionsRequest
 * field names), $3 page size, $4 after id. */
extern const struct db_stmt sql_ledger;

#endif
