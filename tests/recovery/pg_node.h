/* More PostgreSQL clusters beside the harness's own (tests/integration/
 * harness.h), for the recovery tests: a base backup of a running cluster
 * (pg_basebackup), started as a standby or as a restore, promoted, killed.
 * The tools run as the clusters' user (postgres when we are root, as the
 * harness does), with their output in the harness's commands.log; every
 * helper fails the test on error. Each node listens on its own Unix socket
 * directory only. */
#ifndef JY_PG_NODE_H
#define JY_PG_NODE_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "harness.h"

struct pg_node {
	char pgdata[320];
	char socket_dir[320];
	char log[330];
	char conninfo[400];   /* dbname=jianyi user=jianyi on the node's socket */
	bool running;
};

/* A directory the clusters' user owns (mode 0700), made under h->dir. */
void pg_node_dir(struct harness *h, const char *name, char *path, size_t len);

/* A base backup of the cluster at from_socket_dir into dir/NAME (a new
 * directory), made with pg_basebackup -c fast (its WAL streamed into it);
 * standby: with -R (standby.signal and primary_conninfo). Fills n; the node
 * is not started. */
void pg_node_basebackup(struct harness *h, const char *from_socket_dir, const char *dir,
			const char *name, bool standby, struct pg_node *n);
/* Appends a line to the node's postgresql.auto.conf. */
void pg_node_conf(struct pg_node *n, const char *line);
/* Starts it (pg_ctl start -w): no TCP, its own socket directory, no WAL
 * archiving of its own. */
void pg_node_start(struct harness *h, struct pg_node *n);
/* pg_ctl promote -w. */
void pg_node_promote(struct harness *h, struct pg_node *n);
/* Stops it (fast) if it runs; for the tests' teardown too. */
void pg_node_stop(struct harness *h, struct pg_node *n);

/* SIGKILL to the postmaster of pgdata and to every child it has: a crash
 * of the machine's database, no shutdown of any kind. */
void pg_kill_cluster(const char *pgdata);

/* A blocking connection as user (dbname) on socket_dir; fails the test if
 * it cannot connect. */
PGconn *pg_node_connect(const char *socket_dir, const char *dbname, const char *user);
/* One text value of a query (without parameters) into buf; fails the test
 * on error or no row. */
void pg_value(PGconn *c, const char *sql, char *buf, size_t len);
/* Polls sql until its one value equals want, for up to ms; fails after. */
void pg_wait_value(PGconn *c, const char *sql, const char *want, int ms);

#endif
