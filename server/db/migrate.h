/* The embedded SQL (server/sql/, docs/WORKFLOW.md "Where the SQL lives"),
 * applied at start-up in one transaction under an advisory lock: the
 * versioned schema files not yet applied (recorded in schema_migrations with
 * their checksum), then each functions file whose checksum differs from the
 * one recorded in schema_repeatables. Refused: a database whose schema is
 * newer than this binary, and an applied versioned file that was edited
 * since. Start-up only: blocking libpq. */
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
