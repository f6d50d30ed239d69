/* The read-only pool ([database] read_conninfo; docs/OPERATIONS.md "A
 * read-only pool on a standby"): a second pool, usually on a streaming
 * standby, for the reads that may be a moment behind the primary: the
 * statements marked replica_ok (the portal, the statistics, the ledger).
 *
 * A probe on a timer asks the read pool's server how far behind its
 * primary it is (STMT_READ_LAG). While its latest answer is fresh and
 * within read_max_lag, a replica_ok read goes to the read pool; otherwise
 * (too far behind, cannot tell, no connection, the probe unanswered) to the
 * primary pool the caller names, and event=read_pool_fallback says why. A
 * read that fails on the read pool because its server went away, or was
 * cancelled by a conflict with recovery, is sent again to the primary pool:
 * it is a read, so sending it twice is harmless. Nothing here blocks. */
#ifndef JY_READ_POOL_H
#define JY_READ_POOL_H

#include <stdbool.h>
#include <event2/event.h>

#include "db.h"

struct db_read_config {
	const char *conninfo;
	unsigned size;
	unsigned max_queue;
	unsigned statement_timeout_ms;
	unsigned max_lag_s;            /* >= 1 */
	const char *application_name;
};

struct db_read_stats {
	bool serving;                  /* replica_ok reads go to the read pool now */
	bool lag_known;                /* the probe has answered at least once */
	double lag_s;                  /* its latest answer; -1: the server could not tell */
	unsigned long long to_read;    /* reads sent to the read pool */
	unsigned long long to_primary; /* replica_ok reads sent to the primary instead */
	unsigned long long retried;    /* of those, failed on the read pool first */
	unsigned long long fallbacks;  /* times the read pool stopped serving */
	struct db_pool_stats pool;
};

struct db_read_pool;

/* Prepares every statement of statements.h on each connection. */
struct db_read_pool *db_read_pool_new(struct event_base *base, const struct db_read_config *cfg);
/* Connects and starts the probe; reads go to the primary until it answers. */
void db_read_pool_start(struct db_read_pool *rp);
/* db_query on the read pool when stmt is replica_ok and the read pool
 * serves, else on primary. rp may be NULL (no read pool: primary). The read
 * pool takes no more queued reads than primary would (the portal's short
 * queue stays short). */
bool db_read_query(struct db_read_pool *rp, struct db_pool *primary, const struct db_stmt *stmt,
		   const char *const *params, db_result_cb cb, void *arg)
	__attribute__((warn_unused_result));
void db_read_pool_get_stats(const struct db_read_pool *rp, struct db_read_stats *out);
/* Fails what is queued or in flight with DB_SHUTDOWN (never sent again to
 * a primary): free it before the primary pools. NULL is fine. */
void db_read_pool_free(struct db_read_pool *rp);

#endif
