/* The read-only pool and its lag probe; see read_pool.h. */
#include "read_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "statements.h"
#include "xalloc.h"

/* The probe runs every half of read_max_lag, at most every second; an
 * answer older than three periods no longer counts (a server that stopped
 * answering is not trusted to be current). */
#define PROBE_MAX_MS 1000u
#define PROBE_STALE_PERIODS 3u

/* SQLSTATE of "canceling statement due to conflict with recovery". */
#define SQLSTATE_RECOVERY_CONFLICT "40001"

struct db_read_pool {
	struct db_pool *pool;
	struct event *probe_timer;
	unsigned max_lag_s;
	unsigned probe_ms;
	bool asking;                  /* a probe is in flight */
	bool decided;                 /* serving or not has been logged once */
	uint64_t answered_ms;
	bool freeing;
	unsigned size;
	struct db_read_stats stats;
};

/* One read sent to the read pool: what is needed to send it again. */
struct read_call {
	struct db_read_pool *rp;
	struct db_pool *primary;
	const struct db_stmt *stmt;
	char **params;
	db_result_cb cb;
	void *arg;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Switches between serving and falling back, with one log line each way. */
static void set_serving(struct db_read_pool *rp, bool serving, const char *why)
{
	char q[240];
	/* Not serving from the start (a standby down, or behind) is said once too. */
	if (serving == rp->stats.serving && rp->decided)
		return;
	rp->decided = true;
	rp->stats.serving = serving;
	if (serving) {
		jy_info("event=read_pool_serving lag_seconds=%.3f max_lag_seconds=%u", rp->stats.lag_s,
			rp->max_lag_s);
		return;
	}
	rp->stats.fallbacks++;
	jy_warn("event=read_pool_fallback reason=%s reads_go_to=primary",
		jy_log_quote(why, q, sizeof q));
}

/* ---- the lag probe ---------------------------------------------------------- */

static void on_probe(const struct db_result *r, void *arg)
{
	struct db_read_pool *rp = arg;
	char why[200];
	rp->asking = false;
	if (rp->freeing)
		return;
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		snprintf(why, sizeof why, "lag probe failed: %s", r->error[0] ? r->error : "no row");
		set_serving(rp, false, why);
		return;
	}
	rp->answered_ms = mono_ms();
	rp->stats.lag_known = true;
	rp->stats.lag_s = strtod(PQgetvalue(r->res, 0, 0), NULL);
	if (rp->stats.lag_s < 0) {
		set_serving(rp, false, "the standby cannot tell its lag (no WAL receiver)");
	} else if (rp->stats.lag_s > rp->max_lag_s) {
		snprintf(why, sizeof why, "replication lag %.1f s is over read_max_lag %u s",
			 rp->stats.lag_s, rp->max_lag_s);
		set_serving(rp, false, why);
	} else {
		set_serving(rp, true, NULL);
	}
}

static void on_probe_timer(evutil_socket_t fd, short what, void *arg)
{
	struct db_read_pool *rp = arg;
	(void)fd;
	(void)what;
	uint64_t now = mono_ms();
	if (rp->stats.serving && now - rp->answered_ms > PROBE_STALE_PERIODS * rp->probe_ms)
		set_serving(rp, false, "lag probe not answered in time");
	if (rp->asking)
		return;
	rp->asking = db_query(rp->pool, &jy_statements[STMT_READ_LAG], NULL, on_probe, rp);
}

/* ---- reads ------------------------------------------------------------------ */

static void call_free(struct read_call *c)
{
	for (int i = 0; i < c->stmt->nparams; i++)
		free(c->params[i]);
	free(c->params);
	free(c);
}

/* Whether a read that failed on the read pool may be sent to the primary. */
static bool worth_again(const struct db_result *r)
{
	return r->outcome == DB_UNAVAILABLE ||
	       (r->outcome == DB_QUERY_ERROR && strcmp(r->sqlstate, SQLSTATE_RECOVERY_CONFLICT) == 0);
}

static void on_read(const struct db_result *r, void *arg)
{
	struct read_call *c = arg;
	struct db_read_pool *rp = c->rp;
	if (!rp->freeing && worth_again(r)) {
		if (r->outcome == DB_UNAVAILABLE)
			set_serving(rp, false, r->error);
		if (db_query(c->primary, c->stmt, (const char *const *)c->params, c->cb, c->arg)) {
			rp->stats.retried++;
			rp->stats.to_primary++;
			call_free(c);
			return;
		}
	}
	c->cb(r, c->arg);
	call_free(c);
}

static bool send_to_read_pool(struct db_read_pool *rp, struct db_pool *primary,
			      const struct db_stmt *stmt, const char *const *params,
			      db_result_cb cb, void *arg)
{
	if (db_pool_queued(rp->pool) >= db_pool_queue_limit(primary))
		return false;
	struct read_call *c = jy_xcalloc(1, sizeof *c);
	*c = (struct read_call){ rp, primary, stmt, NULL, cb, arg };
	c->params = jy_xcalloc((size_t)stmt->nparams + 1, sizeof *c->params);
	for (int i = 0; i < stmt->nparams; i++)
		c->params[i] = params && params[i] ? jy_xstrdup(params[i]) : NULL;
	if (!db_query(rp->pool, stmt, (const char *const *)c->params, on_read, c)) {
		call_free(c);
		return false;
	}
	rp->stats.to_read++;
	return true;
}

bool db_read_query(struct db_read_pool *rp, struct db_pool *primary, const struct db_stmt *stmt,
		   const char *const *params, db_result_cb cb, void *arg)
{
	if (rp && stmt->replica_ok && rp->stats.serving && !rp->freeing)
		return send_to_read_pool(rp, primary, stmt, params, cb, arg);
	if (!db_query(primary, stmt, params, cb, arg))
		return false;
	if (rp && stmt->replica_ok)
		rp->stats.to_primary++;
	return true;
}

/* ---- life ---------------------------------------------------------------- */

struct db_read_pool *db_read_pool_new(struct event_base *base, const struct db_read_config *cfg)
{
	struct db_read_pool *rp = jy_xcalloc(1, sizeof *rp);
	struct db_pool_config pc = { cfg->conninfo, cfg->size, cfg->max_queue, 10,
				     cfg->statement_timeout_ms, cfg->application_name };
	rp->pool = db_pool_new(base, &pc, jy_statements, STMT_COUNT);
	rp->size = cfg->size;
	rp->max_lag_s = cfg->max_lag_s ? cfg->max_lag_s : 1;
	rp->probe_ms = rp->max_lag_s * 1000u / 2u;
	if (rp->probe_ms > PROBE_MAX_MS)
		rp->probe_ms = PROBE_MAX_MS;
	rp->probe_timer = event_new(base, -1, EV_PERSIST, on_probe_timer, rp);
	if (!rp->probe_timer)
		abort();
	return rp;
}

void db_read_pool_start(struct db_read_pool *rp)
{
	struct timeval tv = { (time_t)(rp->probe_ms / 1000u), (suseconds_t)(rp->probe_ms % 1000u) * 1000 };
	db_pool_start(rp->pool);
	event_add(rp->probe_timer, &tv);
	jy_info("event=read_pool_started connections=%u max_lag_seconds=%u probe_ms=%u",
		rp->size, rp->max_lag_s,
		rp->probe_ms);
}

void db_read_pool_get_stats(const struct db_read_pool *rp, struct db_read_stats *out)
{
	*out = rp->stats;
	db_pool_get_stats(rp->pool, &out->pool);
}

void db_read_pool_free(struct db_read_pool *rp)
{
	if (!rp)
		return;
	rp->freeing = true;
	event_free(rp->probe_timer);
	db_pool_free(rp->pool);   /* answers every read with DB_SHUTDOWN */
	free(rp);
}
