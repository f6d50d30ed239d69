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
/* Applies what is missing. *applied gets how many were applied now. A
 * statement waiting more than lock_timeout_s for a table's lock gives up
 * (so the running servers' requests do not queue behind it), and the whole
 * transaction is tried again with back-off, logging each retry. */
bool migrate_apply_waiting(PGconn *conn, unsigned lock_timeout_s, int *applied, char *err,
			   size_t errlen);
/* The same with the default lock_timeout ([database] migration_lock_timeout). */
#define MIGRATE_DEFAULT_LOCK_TIMEOUT_S 5u
bool migrate_apply(PGconn *conn, int *applied, char *err, size_t errlen);

#endif
