/* Numbered SQL migrations (server/migrations/NNNN_name.sql, embedded in the
 * binary at build time), applied at start-up in one transaction under an
 * advisory lock and recorded in schema_migrations. A database whose schema
 * is newer than this binary is refused. Start-up only: blocking libpq. */
#ifndef JY_MIGRATE_H
#define JY_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

/* Highest migration number this binary knows. */
int migrate_latest_version(void);
/* Applies what is missing. *applied gets how many were applied now. */
bool migrate_apply(PGconn *conn, int *applied, char *err, size_t errlen);

#endif
