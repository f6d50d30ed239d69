/* The push layer's metrics; see observe.h. */
#include "observe.h"

#include <stdlib.h>
#include <event2/event.h>

#include "db.h"
#include "feed.h"
#include "jobs.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "notifier.h"
#include "statements.h"
#include "xalloc.h"

struct observe {
	struct jy_net *net;
	struct feed *feed;
	struct jobs *jobs;
	struct notifier *notifier;
	struct event *timer;
	bool asking;              /* a STMT_OBSERVE query is out */
	long long newest_seq;     /* the newest event in the database; -1: not known yet */
	long long backlog;        /* deliveries not yet delivered; -1: not known yet */
};

static void on_observed(const struct db_result *r, void *arg)
{
	struct observe *o = arg;
	o->asking = false;
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		/* The figures keep their last values; the next tick asks again. */
		if (r->outcome != DB_SHUTDOWN)
			jy_debug("event=observe_failed error=\"%s\"", r->error);
		return;
	}
	o->newest_seq = strtoll(PQgetvalue(r->res, 0, 0), NULL, 10);
	o->backlog = strtoll(PQgetvalue(r->res, 0, 1), NULL, 10);
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct observe *o = arg;
	struct timeval tv = { OBSERVE_INTERVAL_MS / 1000, (OBSERVE_INTERVAL_MS % 1000) * 1000 };
	evtimer_add(o->timer, &tv);
	if (o->asking)
		return;
	/* A full queue: try at the next tick. */
	o->asking = db_query(o->net->db, &jy_statements[STMT_OBSERVE], NULL, on_observed, o);
}

struct observe *observe_new(struct jy_net *net, struct feed *feed, struct jobs *jobs,
			    struct notifier *notifier)
{
	struct observe *o = jy_xcalloc(1, sizeof *o);
	o->net = net;
	o->feed = feed;
	o->jobs = jobs;
	o->notifier = notifier;
	o->newest_seq = -1;
	o->backlog = -1;
	o->timer = evtimer_new(net->base, tick, o);
	if (!o->timer)
		abort();
	return o;
}

void observe_start(struct observe *o)
{
	static const struct timeval now = { 0, 0 };
	evtimer_add(o->timer, &now);
}

void observe_free(struct observe *o)
{
	if (!o)
		return;
	event_free(o->timer);
	free(o);
}

static void write_feed(const struct observe *o, struct evbuffer *out)
{
	struct feed_stats fs;
	feed_get_stats(o->feed, &fs);
	jy_metric_write(out, "jianyid_feed_subscribers", "gauge",
			"Live change-feed subscribers on this process.", fs.subscribers);
	jy_metric_write(out, "jianyid_feed_events_pushed_total", "counter",
			"Change-feed events pushed to live subscribers.", (double)fs.pushed);
	jy_metric_write(out, "jianyid_feed_pushed_sequence", "gauge",
			"Sequence number of the newest event pushed to a subscriber (0: none yet).",
			(double)fs.pushed_seq);
	if (o->newest_seq < 0)
		return;
	jy_metric_write(out, "jianyid_feed_database_sequence", "gauge",
			"Sequence number of the newest event in the database, as last read.",
			(double)o->newest_seq);
	/* The subscriber furthest behind; a cursor covers the events its
	 * viewer may not see too, so an idle feed shows 0. */
	long long lag = fs.oldest_cursor >= 0 && o->newest_seq > fs.oldest_cursor
				? o->newest_seq - fs.oldest_cursor : 0;
	jy_metric_write(out, "jianyid_feed_lag_events", "gauge",
			"Events in the database not yet delivered to the live subscriber furthest behind.",
			(double)lag);
}

static void write_notifier_and_jobs(const struct observe *o, struct evbuffer *out)
{
	struct notifier_stats ns = { 0 };
	struct jobs_stats js;
	if (o->notifier)
		notifier_get_stats(o->notifier, &ns);
	jobs_get_stats(o->jobs, &js);
	if (o->backlog >= 0)
		jy_metric_write(out, "jianyid_notifier_backlog", "gauge",
				"Notice deliveries not yet delivered (all processes), as last read.",
				(double)o->backlog);
	jy_metric_write(out, "jianyid_notifier_deliveries_total", "counter",
			"Notice deliveries the external command accepted.", (double)ns.delivered);
	jy_metric_write(out, "jianyid_notifier_failures_total", "counter",
			"Runs of the external command that failed or timed out (each is retried).",
			(double)ns.failed);
	if (js.last_success)
		jy_metric_write(out, "jianyid_jobs_last_success_timestamp_seconds", "gauge",
				"Unix time of the periodic job's last run that did not fail.",
				(double)js.last_success);
	jy_metric_write(out, "jianyid_jobs_failures_total", "counter",
			"Runs of the periodic job that failed.", (double)js.failed);
}

void observe_write_metrics(const struct observe *o, struct evbuffer *out)
{
	if (!o)
		return;
	write_feed(o, out);
	write_notifier_and_jobs(o, out);
}
