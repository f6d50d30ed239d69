/* The embedded default: a private PostgreSQL cluster under the data
 * directory, created with initdb and run with pg_ctl (as the unprivileged
 * "postgres" user when we are root), reachable only through a Unix socket in
 * that directory. Start-up only: these calls block. */
#ifndef JY_EMBEDDED_PG_H
#define JY_EMBEDDED_PG_H

#include <stdbool.h>
#include <stddef.h>

struct embedded_pg {
	char *data_dir;     /* the jianyid data directory */
	char *pgdata;       /* data_dir/pg */
	char *socket_dir;   /* data_dir/pg/run (short enough for sun_path) */
	char *bindir;       /* where initdb, pg_ctl live */
	char *conninfo;     /* "host=<socket_dir> dbname=jianyi user=jianyi" */
	char *run_as;       /* the user pg_ctl ran as (NULL: ourselves) */
	char *archive_dir;  /* where finished WAL files are copied (NULL: no archiving) */
	bool started_by_us; /* stop it on exit */
};

/* Creates the cluster if needed, starts it unless already running, creates
 * the role and database "jianyi". bindir NULL: the newest
 * /usr/lib/postgresql/<N>/bin. The tools run as the cluster's owner (for a
 * new cluster: ourselves, or "postgres" when we are root); a running
 * cluster, e.g. one a running jianyid started, is used through its socket,
 * never started twice, and no existing directory changes owner. Refuses,
 * naming the owner, a cluster of another user when we are not root. */
bool embedded_pg_start(struct embedded_pg *pg, const char *data_dir, const char *bindir,
		       char *err, size_t errlen);
/* The same, with WAL archiving as [embedded] archive_dir says: NULL for the
 * default, data_dir/archive; "off" for none; else the directory (made if
 * missing). A new cluster always gets data checksums (initdb
 * --data-checksums); archiving is switched on (or off) at each start that
 * starts the cluster, so an existing cluster follows the setting too. */
bool embedded_pg_start_archiving(struct embedded_pg *pg, const char *data_dir, const char *bindir,
				 const char *archive, char *err, size_t errlen);
/* Stops the cluster if embedded_pg_start started it (pg_ctl stop -m fast). */
void embedded_pg_stop(struct embedded_pg *pg);
void embedded_pg_free(struct embedded_pg *pg);

#endif
