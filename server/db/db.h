/* The database layer: a pool of non-blocking libpq connections driven by the
 * server's event loop. Nothing here blocks. Every statement is prepared on
 * each connection when it connects; callers name statements, never paste
 * values into SQL. */
#ifndef JY_DB_H
#define JY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <event2/event.h>
#include <libpq-fe.h>

#include "metrics.h"

/* A prepared statement: a row of the registry (statements.c). */
struct db_stmt {
	const char *name;   /* unique, used as the prepared statement's name */
	const char *sql;    /* text with $1..$n placeholders */
	int nparams;
	bool replica_ok;    /* a read that may run on a standby (read_pool.h) */
};

enum db_outcome {
	DB_OK = 0,          /* res holds a PGRES_TUPLES_OK / PGRES_COMMAND_OK result */
	DB_UNAVAILABLE,     /* no connection, or it died with the query in flight: retryable */
	DB_QUERY_ERROR,     /* the server rejected the statement: see sqlstate / error */
	DB_SHUTDOWN,        /* the pool is being freed */
};

struct db_result {
	enum db_outcome outcome;
	PGresult *res;          /* DB_OK (and DB_QUERY_ERROR, when there is one); owned by the pool, valid during the callback only */
	const char *sqlstate;   /* DB_QUERY_ERROR: five-character SQLSTATE, else "" */
	const char *error;      /* human message for anything but DB_OK, else "" */
};

/* Called exactly once per accepted db_query(), always from the event loop and
 * never from inside db_query() itself. */
typedef void (*db_result_cb)(const struct db_result *result, void *arg);

struct db_pool_config {
	const char *conninfo;
	unsigned size;              /* connections, >= 1 */
	unsigned max_queue;         /* queued (not yet sent) queries */
	unsigned connect_timeout_s; /* per attempt */
	unsigned statement_timeout_ms; /* set on each connection; 0: the server's default */
	const char *application_name;  /* pg_stat_activity's, after the conninfo's; NULL: libpq's */
};

struct db_pool_stats {
	unsigned connections;       /* configured */
	unsigned ready;             /* connected, prepared, idle or busy */
	unsigned busy;              /* with a query in flight */
	unsigned queued;
	unsigned long long queries_ok, queries_failed, reconnects;
	struct jy_histogram wait;   /* from db_query to being sent on a connection */
};

struct db_pool;

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_config *cfg,
			    const struct db_stmt *stmts, size_t nstmts);
/* Starts connecting (asynchronously); reconnects with back-off forever after. */
void db_pool_start(struct db_pool *pool);
/* Queues stmt with params (nparams strings, NULL for SQL NULL; copied).
 * Returns false without calling cb when the queue is full; when no connection
 * is ready the callback later reports DB_UNAVAILABLE. */
bool db_query(struct db_pool *pool, const struct db_stmt *stmt,
	      const char *const *params, db_result_cb cb, void *arg)
	__attribute__((warn_unused_result));
/* Whether the statement was cancelled by statement_timeout (SQLSTATE 57014):
 * it rolled back, so sending the request again is safe. */
bool db_result_timed_out(const struct db_result *r);
void db_pool_get_stats(const struct db_pool *pool, struct db_pool_stats *out);
/* Queries queued and not yet sent; how many db_query takes before it refuses. */
unsigned db_pool_queued(const struct db_pool *pool);
unsigned db_pool_queue_limit(const struct db_pool *pool);
/* Whether pid is the backend of one of the pool's connections (so that the
 * change feed can ignore the NOTIFY it sent itself). */
bool db_pool_owns_backend(const struct db_pool *pool, int pid);
/* Fails everything queued or in flight with DB_SHUTDOWN, closes connections. */
void db_pool_free(struct db_pool *pool);

#endif
