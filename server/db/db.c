/* The database layer (see db.h): a pool of non-blocking libpq connections
 * driven by the caller's libevent loop.
 *
 * Each connection moves through these states:
 *   CONN_DOWN        no PGconn; a timer brings it back (back-off with jitter)
 *   CONN_CONNECTING  PQconnectPoll in progress; socket watched as it asks
 *   CONN_CONFIGURING setting statement_timeout for the session
 *   CONN_PREPARING   sending PQsendPrepare for every registered statement,
 *                    one at a time
 *   CONN_IDLE        ready, no query in flight
 *   CONN_BUSY        ready, one query in flight (conn->inflight)
 *
 * Queries wait in one FIFO queue and go to the first idle connection. A
 * query whose connection dies is failed with DB_UNAVAILABLE and never sent
 * again (it may have been a write that committed). When no connection is
 * ready after a failure the pool is "down": queued and new queries fail at
 * once instead of waiting for a database that may be gone for long.
 *
 * Callbacks never run inside db_query(): immediate failures go to a
 * "completed" list that an event delivers on the next loop iteration.
 * A callback may call db_query() again, but must not call db_pool_free(). */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conninfo.h"
#include "log.h"
#include "xalloc.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_CONFIGURING, CONN_PREPARING, CONN_IDLE, CONN_BUSY };

struct db_item {
	struct db_item *next;
	const struct db_stmt *stmt;
	char **params;                 /* stmt->nparams copies, NULL entries for SQL NULL */
	db_result_cb cb;
	void *arg;
	uint64_t queued_us;            /* when db_query took it, for the wait histogram */
	enum db_outcome outcome;       /* for the completed list */
	char error[256];
};

/* A singly linked FIFO of items. */
struct item_list {
	struct db_item *head, *tail;
	unsigned count;
};

struct db_conn {
	struct db_pool *pool;
	unsigned id;
	enum conn_state state;
	PGconn *pg;
	struct event *io;              /* watches PQsocket(pg); re-created when it changes */
	int io_fd;
	short io_what;
	struct event *timer;           /* DOWN: reconnect; CONNECTING/PREPARING: timeout */
	size_t next_stmt;              /* PREPARING: the statement whose result we await */
	bool flushing;                 /* PQflush returned 1: watch for write readiness */
	struct db_item *inflight;      /* BUSY */
	PGresult *result;              /* the first result of the query in flight */
	unsigned backoff_ms;
	unsigned failed_attempts;      /* since it was last ready */
	bool was_ready;                /* log "down" once per outage */
};

struct db_pool {
	struct event_base *base;
	char *conninfo;
	char *application_name;
	unsigned size, max_queue, connect_timeout_s, statement_timeout_ms;
	const struct db_stmt *stmts;
	size_t nstmts;
	struct db_conn *conns;
	struct item_list queue;        /* waiting for a connection */
	struct item_list completed;    /* failed early; delivered by deliver_ev */
	struct event *deliver_ev;
	unsigned ready;                /* connections IDLE or BUSY */
	bool down;                     /* no connection ready since a failure */
	bool freeing;                  /* db_pool_free is running: refuse new queries */
	char down_reason[200];
	unsigned seed;                 /* jitter */
	struct db_pool_stats stats;
};

static void conn_connect(struct db_conn *c);
static void conn_fail(struct db_conn *c, const char *reason);
static void pool_dispatch(struct db_pool *p);

/* ---- items and lists --------------------------------------------------- */

static void list_push(struct item_list *l, struct db_item *it)
{
	it->next = NULL;
	if (l->tail)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
	l->count++;
}

static struct db_item *list_pop(struct item_list *l)
{
	struct db_item *it = l->head;
	if (it) {
		l->head = it->next;
		if (!l->head)
			l->tail = NULL;
		l->count--;
	}
	return it;
}

static void item_free(struct db_item *it)
{
	if (it->params)
		for (int i = 0; i < it->stmt->nparams; i++)
			free(it->params[i]);
	free(it->params);
	free(it);
}

/* The first line of a libpq message, without the trailing newline. */
static void first_line(char *dst, size_t len, const char *msg)
{
	snprintf(dst, len, "%.*s", (int)strcspn(msg ? msg : "", "\n"), msg ? msg : "");
	if (!dst[0])
		snprintf(dst, len, "unknown error");
}

/* Runs the callback and frees the item. The pool owns res. */
static void item_deliver(struct db_pool *p, struct db_item *it, enum db_outcome outcome,
			 PGresult *res, const char *sqlstate, const char *error)
{
	struct db_result r = {
		.outcome = outcome, .res = res,
		.sqlstate = sqlstate ? sqlstate : "", .error = error ? error : "",
	};
	if (outcome == DB_OK)
		p->stats.queries_ok++;
	else
		p->stats.queries_failed++;
	it->cb(&r, it->arg);
	item_free(it);
}

/* Fails an item later, from the loop (never inside db_query). */
static void item_fail_later(struct db_pool *p, struct db_item *it, enum db_outcome outcome,
			    const char *error)
{
	it->outcome = outcome;
	snprintf(it->error, sizeof it->error, "%s", error);
	list_push(&p->completed, it);
	event_active(p->deliver_ev, EV_TIMEOUT, 1);
}

static void deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_pool *p = arg;
	/* Take the current list: callbacks that query again while the pool is
	 * down add to a new list, delivered on the next iteration, so a
	 * retrying caller cannot spin here forever. */
	struct item_list batch = p->completed;
	struct db_item *it;
	(void)fd;
	(void)what;
	memset(&p->completed, 0, sizeof p->completed);
	while ((it = list_pop(&batch)))
		item_deliver(p, it, it->outcome, NULL, "", it->error);
	pool_dispatch(p);
}

static void pool_fail_queue(struct db_pool *p, enum db_outcome outcome, const char *error)
{
	struct db_item *it;
	while ((it = list_pop(&p->queue)))
		item_fail_later(p, it, outcome, error);
}

/* ---- socket watching ---------------------------------------------------- */

static void conn_io_cb(evutil_socket_t fd, short what, void *arg);

/* Watches the connection's current socket for what (EV_READ and/or
 * EV_WRITE). The event is re-created whenever the socket or the interest
 * changes: during connect libpq may close a socket and open another that
 * gets the same number, which an old registration would silently miss. */
static void conn_watch(struct db_conn *c, short what, bool force)
{
	int fd = PQsocket(c->pg);
	if (!force && c->io && c->io_fd == fd && c->io_what == what)
		return;
	if (c->io) {
		event_free(c->io);
		c->io = NULL;
	}
	if (fd < 0)
		return;
	c->io = event_new(c->pool->base, fd, what | EV_PERSIST, conn_io_cb, c);
	if (!c->io || event_add(c->io, NULL) != 0) {
		jy_error("event=db_event_failed conn=%u", c->id);
		abort();
	}
	c->io_fd = fd;
	c->io_what = what;
}

static void conn_unwatch(struct db_conn *c)
{
	if (c->io) {
		event_free(c->io);
		c->io = NULL;
	}
	c->io_fd = -1;
}

/* Flushes libpq's output buffer; watches write readiness while it is not
 * empty. False when the connection failed (already handled). */
static bool conn_flush(struct db_conn *c)
{
	int r = PQflush(c->pg);
	if (r < 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return false;
	}
	c->flushing = r == 1;
	conn_watch(c, c->flushing ? EV_READ | EV_WRITE : EV_READ, false);
	return true;
}

/* ---- connecting and preparing ------------------------------------------ */

static void conn_arm_timer(struct db_conn *c, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	evtimer_add(c->timer, &tv);
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;
	(void)fd;
	(void)what;
	if (c->state == CONN_DOWN)
		conn_connect(c);
	else if (c->state == CONN_CONNECTING || c->state == CONN_CONFIGURING ||
		 c->state == CONN_PREPARING)
		conn_fail(c, "timeout while connecting");
}

static bool conn_send_prepare(struct db_conn *c)
{
	const struct db_stmt *s = &c->pool->stmts[c->next_stmt];
	if (!PQsendPrepare(c->pg, s->name, s->sql, s->nparams, NULL)) {
		conn_fail(c, PQerrorMessage(c->pg));
		return false;
	}
	return conn_flush(c);
}

static void conn_became_ready(struct db_conn *c)
{
	struct db_pool *p = c->pool;
	evtimer_del(c->timer);
	c->state = CONN_IDLE;
	p->ready++;
	p->down = false;
	jy_info("event=db_up conn=%u statements=%zu attempts=%u", c->id, p->nstmts,
		c->failed_attempts + 1);
	c->backoff_ms = BACKOFF_MIN_MS;
	c->failed_attempts = 0;
	c->was_ready = true;
	pool_dispatch(p);
}

static void conn_start_preparing(struct db_conn *c)
{
	c->state = CONN_PREPARING;
	c->next_stmt = 0;
	if (c->pool->nstmts == 0) {
		conn_watch(c, EV_READ, true);
		conn_became_ready(c);
		return;
	}
	conn_send_prepare(c);
}

/* Every statement of this connection is cancelled after statement_timeout
 * (SQLSTATE 57014), so a request stuck behind a lock is answered with a
 * retryable error instead of hanging, and holds its connection no longer.
 * Set with set_config rather than in the conninfo's options, which the
 * administrator may use for something else. */
static void conn_start_configuring(struct db_conn *c)
{
	if (PQsetnonblocking(c->pg, 1) != 0) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (c->pool->statement_timeout_ms == 0) {
		conn_start_preparing(c);
		return;
	}
	char ms[24];
	snprintf(ms, sizeof ms, "%u", c->pool->statement_timeout_ms);
	const char *params[1] = { ms };
	c->state = CONN_CONFIGURING;
	if (!PQsendQueryParams(c->pg, "SELECT set_config('statement_timeout', $1, false)", 1, NULL,
			       params, NULL, NULL, 0)) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	conn_flush(c);
}

/* One step of PQconnectPoll; watch what it asks for next. */
static void conn_poll(struct db_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		conn_watch(c, EV_READ, true);
		break;
	case PGRES_POLLING_WRITING:
		conn_watch(c, EV_WRITE, true);
		break;
	case PGRES_POLLING_OK:
		conn_watch(c, EV_READ, true);
		conn_start_configuring(c);
		break;
	case PGRES_POLLING_FAILED:
	default:
		conn_fail(c, PQerrorMessage(c->pg));
		break;
	}
}

/* Server notices (e.g. "terminating connection due to immediate shutdown")
 * go to our log instead of libpq's default, raw stderr. */
static void conn_notice(void *arg, const char *message)
{
	struct db_conn *c = arg;
	char line[200], q[240];
	first_line(line, sizeof line, message);
	jy_debug("event=db_notice conn=%u message=%s", c->id, jy_log_quote(line, q, sizeof q));
}

static void conn_connect(struct db_conn *c)
{
	struct db_pool *p = c->pool;
	if (c->failed_attempts > 0)
		p->stats.reconnects++;
	/* Each attempt after a failure starts at the next host of a list. */
	c->pg = db_connect_start(p->conninfo, p->application_name, c->failed_attempts);
	if (!c->pg) {
		conn_fail(c, "out of memory");
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	PQsetNoticeProcessor(c->pg, conn_notice, c);
	c->state = CONN_CONNECTING;
	conn_arm_timer(c, p->connect_timeout_s * 1000);
	/* libpq's protocol: wait until the socket is writable before the
	 * first PQconnectPoll. */
	conn_watch(c, EV_WRITE, true);
}

/* Closes the connection, fails its query, schedules the reconnect, and
 * marks the pool down when nothing else is ready. */
static void conn_fail(struct db_conn *c, const char *reason)
{
	struct db_pool *p = c->pool;
	struct db_item *it = c->inflight;
	char line[200], qbuf[240], error[256];
	unsigned delay;

	first_line(line, sizeof line, reason);
	if (c->state == CONN_IDLE || c->state == CONN_BUSY)
		p->ready--;
	if (c->was_ready)
		jy_warn("event=db_down conn=%u reason=%s", c->id, jy_log_quote(line, qbuf, sizeof qbuf));
	else
		jy_debug("event=db_connect_failed conn=%u attempt=%u reason=%s", c->id,
			 c->failed_attempts + 1, jy_log_quote(line, qbuf, sizeof qbuf));
	c->was_ready = false;

	conn_unwatch(c);
	PQclear(c->result);
	c->result = NULL;
	PQfinish(c->pg);
	c->pg = NULL;
	c->inflight = NULL;
	c->flushing = false;
	c->state = CONN_DOWN;
	c->failed_attempts++;

	/* Back-off with jitter: between half and all of the current step, so a
	 * fleet of servers does not reconnect in lockstep. */
	delay = c->backoff_ms / 2 + (unsigned)rand_r(&p->seed) % (c->backoff_ms / 2 + 1);
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
	evtimer_del(c->timer);
	conn_arm_timer(c, delay);

	snprintf(error, sizeof error, "database unavailable: %s", line);
	if (p->ready == 0) {
		if (!p->down)
			jy_warn("event=db_pool_down reason=%s", qbuf);
		p->down = true;
		snprintf(p->down_reason, sizeof p->down_reason, "%s", line);
		pool_fail_queue(p, DB_UNAVAILABLE, error);
	}
	/* Last: the callback may query again, and the pool is consistent now. */
	if (it)
		item_deliver(p, it, DB_UNAVAILABLE, NULL, "", error);
}

/* ---- queries ------------------------------------------------------------ */

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void conn_send_query(struct db_conn *c, struct db_item *it)
{
	jy_histogram_observe(&c->pool->stats.wait, mono_us() - it->queued_us);
	c->state = CONN_BUSY;
	c->inflight = it;
	if (!PQsendQueryPrepared(c->pg, it->stmt->name, it->stmt->nparams,
				 (const char *const *)it->params, NULL, NULL, 0)) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	conn_flush(c);
}

static void pool_dispatch(struct db_pool *p)
{
	for (unsigned i = 0; i < p->size && p->queue.head; i++) {
		struct db_conn *c = &p->conns[i];
		if (c->state == CONN_IDLE)
			conn_send_query(c, list_pop(&p->queue));
	}
}

/* SQLSTATEs that mean the server or the connection is going away, not that
 * the statement was wrong: class 08 (connection exception), 57P0x
 * (admin/crash shutdown, cannot connect now), and 25006 (a write on a
 * read-only server: we reached a standby, e.g. through a conninfo without
 * target_session_attrs=read-write, and the connection must not be kept;
 * the next attempt may find the primary). */
static bool sqlstate_is_unavailable(const char *s)
{
	return !s || !*s || strncmp(s, "08", 2) == 0 || strncmp(s, "57P0", 4) == 0 ||
	       strcmp(s, "25006") == 0;
}

/* The query in flight finished (PQgetResult returned NULL). */
static void conn_query_done(struct db_conn *c)
{
	struct db_pool *p = c->pool;
	struct db_item *it = c->inflight;
	PGresult *res = c->result;
	ExecStatusType st = PQresultStatus(res);

	c->inflight = NULL;
	c->result = NULL;
	if (res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
		c->state = CONN_IDLE;
		item_deliver(p, it, DB_OK, res, "", "");
	} else {
		const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		char line[200];
		if (!msg)
			msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
		first_line(line, sizeof line, msg);   /* msg lives in res */
		if (PQstatus(c->pg) == CONNECTION_BAD || sqlstate_is_unavailable(sqlstate)) {
			/* Never retry: the statement may have committed. */
			c->inflight = it;
			PQclear(res);
			conn_fail(c, line);
			return;
		}
		c->state = CONN_IDLE;
		item_deliver(p, it, DB_QUERY_ERROR, res, sqlstate, line);
	}
	PQclear(res);
	pool_dispatch(p);
}

/* Reads what arrived and handles every complete result. */
static void conn_read(struct db_conn *c)
{
	PGnotify *n;
	if (!PQconsumeInput(c->pg)) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	while ((n = PQnotifies(c->pg)))
		PQfreemem(n);
	while (c->pg && !PQisBusy(c->pg)) {
		PGresult *res = PQgetResult(c->pg);
		if (res) {
			/* Keep the first result; a single statement has one. */
			if (!c->result)
				c->result = res;
			else
				PQclear(res);
			continue;
		}
		/* NULL: the command in progress is complete. */
		if (c->state == CONN_CONFIGURING) {
			if (PQresultStatus(c->result) != PGRES_TUPLES_OK) {
				char why[300];
				snprintf(why, sizeof why, "cannot set statement_timeout: %s",
					 c->result ? PQresultErrorMessage(c->result)
						   : PQerrorMessage(c->pg));
				conn_fail(c, why);
				return;
			}
			PQclear(c->result);
			c->result = NULL;
			conn_start_preparing(c);
			if (c->state != CONN_PREPARING)
				return;
		} else if (c->state == CONN_PREPARING) {
			ExecStatusType st = PQresultStatus(c->result);
			const struct db_stmt *s = &c->pool->stmts[c->next_stmt];
			if (st != PGRES_COMMAND_OK) {
				char why[300];
				snprintf(why, sizeof why, "cannot prepare %s: %s", s->name,
					 c->result ? PQresultErrorMessage(c->result)
						   : PQerrorMessage(c->pg));
				conn_fail(c, why);
				return;
			}
			PQclear(c->result);
			c->result = NULL;
			if (++c->next_stmt == c->pool->nstmts) {
				conn_became_ready(c);
				return;
			}
			if (!conn_send_prepare(c))
				return;
		} else if (c->state == CONN_BUSY) {
			conn_query_done(c);
			return; /* the callback may have changed everything */
		} else {
			/* Nothing should be in progress when idle. */
			PQclear(c->result);
			c->result = NULL;
			break;
		}
	}
	if (c->pg && PQstatus(c->pg) == CONNECTION_BAD)
		conn_fail(c, PQerrorMessage(c->pg));
}

static void conn_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;
	(void)fd;
	if (c->state == CONN_CONNECTING) {
		conn_poll(c);
		return;
	}
	if (c->state == CONN_DOWN)
		return;
	/* libpq: while a flush is pending, read whatever arrives too, since
	 * the server may be blocked writing to us. */
	if ((what & EV_WRITE) && c->flushing && !conn_flush(c))
		return;
	if (what & EV_READ) {
		conn_read(c);
		if (c->state != CONN_DOWN && c->flushing)
			conn_flush(c);
	}
}

/* ---- public API --------------------------------------------------------- */

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_config *cfg,
			    const struct db_stmt *stmts, size_t nstmts)
{
	struct db_pool *p = jy_xcalloc(1, sizeof *p);
	p->base = base;
	p->conninfo = jy_xstrdup(cfg->conninfo ? cfg->conninfo : "");
	p->application_name = cfg->application_name ? jy_xstrdup(cfg->application_name) : NULL;
	p->size = cfg->size ? cfg->size : 1;
	p->max_queue = cfg->max_queue ? cfg->max_queue : 10000;
	p->connect_timeout_s = cfg->connect_timeout_s ? cfg->connect_timeout_s : 10;
	p->statement_timeout_ms = cfg->statement_timeout_ms;
	p->stmts = stmts;
	p->nstmts = nstmts;
	p->seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	p->deliver_ev = event_new(base, -1, 0, deliver_cb, p);
	if (!p->deliver_ev)
		abort();
	p->conns = jy_xcalloc(p->size, sizeof *p->conns);
	for (unsigned i = 0; i < p->size; i++) {
		struct db_conn *c = &p->conns[i];
		c->pool = p;
		c->id = i;
		c->io_fd = -1;
		c->state = CONN_DOWN;
		c->backoff_ms = BACKOFF_MIN_MS;
		c->timer = evtimer_new(base, conn_timer_cb, c);
		if (!c->timer)
			abort();
	}
	p->stats.connections = p->size;
	return p;
}

void db_pool_start(struct db_pool *pool)
{
	for (unsigned i = 0; i < pool->size; i++)
		if (pool->conns[i].state == CONN_DOWN && !pool->conns[i].pg)
			conn_connect(&pool->conns[i]);
}

bool db_query(struct db_pool *pool, const struct db_stmt *stmt,
	      const char *const *params, db_result_cb cb, void *arg)
{
	struct db_item *it;

	if (pool->freeing || pool->queue.count >= pool->max_queue)
		return false;
	it = jy_xcalloc(1, sizeof *it);
	it->stmt = stmt;
	it->cb = cb;
	it->arg = arg;
	it->queued_us = mono_us();
	if (stmt->nparams > 0) {
		it->params = jy_xcalloc((size_t)stmt->nparams, sizeof *it->params);
		for (int i = 0; i < stmt->nparams; i++)
			it->params[i] = params && params[i] ? jy_xstrdup(params[i]) : NULL;
	}
	if (pool->down) {
		char error[256];
		snprintf(error, sizeof error, "database unavailable: %s", pool->down_reason);
		item_fail_later(pool, it, DB_UNAVAILABLE, error);
		return true;
	}
	list_push(&pool->queue, it);
	/* Not sent from here: a send that fails would run the callback inside
	 * db_query(). The deliver event dispatches on the next iteration. */
	event_active(pool->deliver_ev, EV_TIMEOUT, 1);
	return true;
}

bool db_result_timed_out(const struct db_result *r)
{
	return r->outcome == DB_QUERY_ERROR && strcmp(r->sqlstate, "57014") == 0;
}

void db_pool_get_stats(const struct db_pool *pool, struct db_pool_stats *out)
{
	*out = pool->stats;
	out->connections = pool->size;
	out->ready = pool->ready;
	out->busy = 0;
	for (unsigned i = 0; i < pool->size; i++)
		if (pool->conns[i].state == CONN_BUSY)
			out->busy++;
	out->queued = pool->queue.count;
}

unsigned db_pool_queued(const struct db_pool *pool)
{
	return pool->queue.count;
}

unsigned db_pool_queue_limit(const struct db_pool *pool)
{
	return pool->max_queue;
}

bool db_pool_owns_backend(const struct db_pool *pool, int pid)
{
	for (unsigned i = 0; i < pool->size; i++)
		if (pool->conns[i].pg && PQbackendPID(pool->conns[i].pg) == pid)
			return true;
	return false;
}

void db_pool_free(struct db_pool *pool)
{
	struct db_item *it;
	if (!pool)
		return;
	pool->freeing = true;
	for (unsigned i = 0; i < pool->size; i++) {
		struct db_conn *c = &pool->conns[i];
		conn_unwatch(c);
		event_free(c->timer);
		PQclear(c->result);
		/* PQfinish does not wait for the server: it sends Terminate and closes. */
		PQfinish(c->pg);
		if (c->inflight)
			item_deliver(pool, c->inflight, DB_SHUTDOWN, NULL, "", "database pool shutting down");
	}
	while ((it = list_pop(&pool->completed)))
		item_deliver(pool, it, DB_SHUTDOWN, NULL, "", "database pool shutting down");
	while ((it = list_pop(&pool->queue)))
		item_deliver(pool, it, DB_SHUTDOWN, NULL, "", "database pool shutting down");
	event_free(pool->deliver_ev);
	free(pool->conns);
	free(pool->conninfo);
	free(pool->application_name);
	free(pool);
}
