/* jianyid's [database] conninfo: checked once at start, and the start of
 * each connection attempt, which with several hosts (failover,
 * docs/OPERATIONS.md "Failover") begins at a different host each time. */
#ifndef JY_CONNINFO_H
#define JY_CONNINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

/* Whether conninfo (a libpq keyword string or URI) can be used: libpq can
 * parse it, and a list of several hosts asks for
 * target_session_attrs=read-write (or primary), so that no connection
 * lands on a standby. False with the reason in err. */
bool db_conninfo_check(const char *conninfo, char *err, size_t errlen);

/* Whether [database] read_conninfo can be used: libpq can parse it. Several
 * hosts need no target_session_attrs (standby or prefer-standby is the
 * point); the lag probe decides what it may serve (read_pool.h). */
bool db_read_conninfo_check(const char *conninfo, char *err, size_t errlen);

/* PQconnectStart for attempt number `attempt`: with several hosts, their
 * list (and hostaddr's and port's when they list as many) turned by
 * attempt places. libpq tries the hosts in order and moves on when one
 * refuses, but an asynchronous connect has no per-host timeout: a host that
 * never answers (a machine that is down) would hold every attempt until
 * our connect timeout, and the next attempt would start with it again.
 * application_name (NULL: the conninfo's or none) wins over the conninfo's:
 * one name per jianyid process in pg_stat_activity. */
PGconn *db_connect_start(const char *conninfo, const char *application_name, unsigned attempt);

#endif
