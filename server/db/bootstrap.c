#include "bootstrap.h"

#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>

#include "log.h"
#include "migrate.h"

bool bootstrap_database(const char *conninfo, unsigned lock_timeout_s, char *err, size_t errlen)
{
	PGconn *conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		char why[512];
		snprintf(why, sizeof why, "%s", PQerrorMessage(conn));
		why[strcspn(why, "\n")] = '\0';
		snprintf(err, errlen, "cannot connect to the database: %s", why);
		PQfinish(conn);
		return false;
	}
	int applied = 0;
	bool ok = migrate_apply_waiting(conn, lock_timeout_s, &applied, err, errlen);
	PQfinish(conn);
	if (ok)
		jy_info("event=schema_ready version=%d applied_now=%d", migrate_latest_version(), applied);
	return ok;
}
