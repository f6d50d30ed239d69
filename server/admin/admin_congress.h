/* "jianyid admin congress-*" and "setting-set": the congresses of one
 * deployment (docs/CONGRESSES.md; server/sql/schema/0023_congresses.sql)
 * and the lookups the other commands use to act within one of them. */
#ifndef JY_ADMIN_CONGRESS_H
#define JY_ADMIN_CONGRESS_H

#include <stddef.h>

#include <libpq-fe.h>

int admin_congress_add(PGconn *conn, int argc, char **argv, char *err);
int admin_congress_rename(PGconn *conn, int argc, char **argv, char *err);
int admin_congress_list(PGconn *conn, int argc, char **argv, char *err);
int admin_setting_set(PGconn *conn, int argc, char **argv, char *err);

/* The id of the congress with that code into out; NULL or "" is the
 * deployment's first congress ("1"). An unknown code is an error. */
int admin_congress_id(PGconn *conn, const char *code, char *out, size_t outlen, char *err);
/* The id of the organization named name in congress congress_id. */
int admin_org_in_congress(PGconn *conn, const char *name, const char *congress_id, char *out,
			  size_t outlen, char *err);

#endif
