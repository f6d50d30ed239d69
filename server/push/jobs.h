/* The periodic job: every [jobs] interval seconds this jianyid asks the
 * database to raise the deadline notices due today (jy_raise_notices,
 * sql/functions/10_notices.sql). The SQL takes a PostgreSQL advisory lock, so when several
 * jianyid share a database one of them does the work and the others return
 * at once; a unique index makes a second run raise nothing again. The query
 * goes through the async pool like any request: nothing blocks the loop.
 * When notices were raised, this process's inbox followers are woken (the
 * SQL's NOTIFY wakes the other processes) and the notifier looks for work.
 * The same tick removes the uploads left unfinished longer than [server]
 * attachment_unfinished_hours (jy_drop_unfinished_uploads,
 * sql/functions/15_attachments.sql). */
#ifndef JY_JOBS_H
#define JY_JOBS_H

#include <stdint.h>

struct jy_net;
struct notice_push;
struct notifier;
struct jobs;

struct jobs *jobs_new(struct jy_net *net, struct notice_push *push, struct notifier *notifier);
/* Arms the timer (nothing when the interval is 0); the first run comes
 * after JOBS_FIRST_RUN_MS, once the pool has had time to connect. */
void jobs_start(struct jobs *j);
/* After the pool is freed (its shutdown answered the query in flight). */
void jobs_free(struct jobs *j);

#define JOBS_FIRST_RUN_MS 1000

struct jobs_stats {
	uint64_t uploads_dropped;   /* unfinished uploads removed */
	uint64_t runs, raised, locked_out, failed;
	int64_t last_success;     /* unix time of the last run that did not fail; 0: none yet */
};
void jobs_get_stats(const struct jobs *j, struct jobs_stats *out);

#endif
