/* The periodic job; see jobs.h. */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>

#include "db.h"
#include "log.h"
#include "notice_push.h"
#include "notifier.h"
#include "net.h"
#include "statements.h"
#include "xalloc.h"

struct jobs {
	struct jy_net *net;
	struct notice_push *push;
	struct notifier *notifier;
	struct event *timer;
	bool running;             /* a jy_raise_notices query is out */
	bool dropping;            /* a jy_drop_unfinished_uploads query is out */
	struct jobs_stats stats;
};

/* Whether a job step's query answered its one row; a failure is counted
 * and logged as event=<failed_event> (a warning while the database is
 * unavailable), shutting down is neither. */
static bool step_answered(struct jobs *j, const struct db_result *r, const char *failed_event)
{
	if (r->outcome == DB_SHUTDOWN)
		return false;
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		j->stats.failed++;
		char q[400];
		jy_log(r->outcome == DB_UNAVAILABLE ? JY_LOG_WARN : JY_LOG_ERROR,
		       "event=%s sqlstate=%s error=%s", failed_event, r->sqlstate,
		       jy_log_quote(r->error, q, sizeof q));
		return false;
	}
	return true;
}

static void on_raised(const struct db_result *r, void *arg)
{
	struct jobs *j = arg;
	j->running = false;
	/* A bad settings.reminder_days fails here, named by the message. */
	if (!step_answered(j, r, "notices_job_failed"))
		return;
	long n = strtol(PQgetvalue(r->res, 0, 0), NULL, 10);
	/* Finding another process at work is a success too: the job ran. */
	j->stats.last_success = (int64_t)time(NULL);
	if (n < 0) {
		/* Another jianyid holds the job's lock and does the work. */
		j->stats.locked_out++;
		jy_debug("event=notices_job_skipped reason=locked");
		return;
	}
	j->stats.raised += (uint64_t)n;
	if (n == 0) {
		jy_debug("event=notices_job_done raised=0");
		return;
	}
	jy_info("event=notices_raised count=%ld", n);
	notice_push_wake(j->push);
	notifier_kick(j->notifier);
}

static void on_dropped(const struct db_result *r, void *arg)
{
	struct jobs *j = arg;
	j->dropping = false;
	if (!step_answered(j, r, "uploads_job_failed"))
		return;
	long n = strtol(PQgetvalue(r->res, 0, 0), NULL, 10);
	j->stats.uploads_dropped += n > 0 ? (uint64_t)n : 0;
	if (n > 0)
		jy_info("event=unfinished_uploads_removed count=%ld older_than_hours=%u", n,
			j->net->cfg->attachment_unfinished_hours);
}

/* Uploads begun and never finished keep their chunks until this removes
 * them ([server] attachment_unfinished_hours). */
static void drop_unfinished_uploads(struct jobs *j)
{
	char hours[16];
	const char *params[] = { hours };

	if (j->dropping)
		return;
	snprintf(hours, sizeof hours, "%u", j->net->cfg->attachment_unfinished_hours);
	if (!db_query(j->net->db, &jy_statements[STMT_DROP_UNFINISHED_UPLOADS], params, on_dropped,
		      j)) {
		jy_warn("event=uploads_job_failed error=\"database queue full\"");
		j->stats.failed++;
		return;
	}
	j->dropping = true;
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct jobs *j = arg;
	struct timeval tv = { (time_t)j->net->cfg->jobs_interval_s, 0 };
	evtimer_add(j->timer, &tv);
	if (j->net->draining)
		return;
	drop_unfinished_uploads(j);
	/* A run still out (a slow database) is not doubled up. */
	if (j->running)
		return;
	if (!db_query(j->net->db, &jy_statements[STMT_RAISE_NOTICES], NULL, on_raised, j)) {
		jy_warn("event=notices_job_failed error=\"database queue full\"");
		j->stats.failed++;
		return;
	}
	j->running = true;
	j->stats.runs++;
}

struct jobs *jobs_new(struct jy_net *net, struct notice_push *push, struct notifier *notifier)
{
	struct jobs *j = jy_xcalloc(1, sizeof *j);
	j->net = net;
	j->push = push;
	j->notifier = notifier;
	j->timer = evtimer_new(net->base, tick, j);
	if (!j->timer)
		abort();
	return j;
}

void jobs_start(struct jobs *j)
{
	if (j->net->cfg->jobs_interval_s == 0) {
		jy_info("event=notices_job_off reason=\"jobs.interval is 0\"");
		return;
	}
	struct timeval tv = { JOBS_FIRST_RUN_MS / 1000, (JOBS_FIRST_RUN_MS % 1000) * 1000 };
	evtimer_add(j->timer, &tv);
}

void jobs_free(struct jobs *j)
{
	if (!j)
		return;
	event_free(j->timer);
	free(j);
}

void jobs_get_stats(const struct jobs *j, struct jobs_stats *out)
{
	*out = j->stats;
}
