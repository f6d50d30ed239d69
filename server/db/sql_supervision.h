/* SQL for supervision records, key-supervision topics and excellent
 * suggestions: the two entry points in server/sql/functions/11_supervision.sql,
 * each answering with one JSON document as text. */
#ifndef JY_SQL_SUPERVISION_H
#define JY_SQL_SUPERVISION_H

#include "db.h"

/* jy_write: $1 actor account id, $2 operation ("topic_create", ...), $3
 * params (jsonb, the request's proto field names), $4 idempotency key, $5
 * request hash. */
extern const struct db_stmt sql_write;
/* jy_read: $1 viewer account id, $2 operation ("topic_show", ...), $3 params. */
extern const struct db_stmt sql_read;

#endif
