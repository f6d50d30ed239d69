/* The push layer's figures for /metrics (docs/OPERATIONS.md "Metrics"): the
 * change feed's subscribers and lag, the notifier's backlog and failures,
 * the periodic job's last success and failures.
 *
 * Two of them live only in the database: the newest event's sequence and
 * the deliveries not yet delivered. A timer asks for both every
 * OBSERVE_INTERVAL_MS through the async pool (STMT_OBSERVE, two index
 * reads), so a scrape never waits for the database nor blocks the loop; it
 * shows the last answer, and leaves a figure out until the first one. */
#ifndef JY_OBSERVE_H
#define JY_OBSERVE_H

#include <event2/buffer.h>

#define OBSERVE_INTERVAL_MS 5000

struct jy_net;
struct feed;
struct jobs;
struct notifier;
struct observe;

/* notifier may be NULL (none configured). */
struct observe *observe_new(struct jy_net *net, struct feed *feed, struct jobs *jobs,
			    struct notifier *notifier);
/* Asks the database now and then every OBSERVE_INTERVAL_MS. */
void observe_start(struct observe *o);
/* After the pool is freed (its shutdown answered the query in flight). */
void observe_free(struct observe *o);

/* Appends the metrics in Prometheus text format. */
void observe_write_metrics(const struct observe *o, struct evbuffer *out);

#endif
