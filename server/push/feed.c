/* The change feed's live side; see feed.h. */
#include "feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>
#include <event2/event.h>
#include <libpq-fe.h>

#include "conninfo.h"
#include "db.h"
#include "log.h"
#include "notice_push.h"
#include "revocation.h"
#include "net.h"
#include "session.h"
#include "statements.h"
#include "xalloc.h"

#define LISTEN_BACKOFF_MIN_MS 100
#define LISTEN_BACKOFF_MAX_MS 5000
#define LISTEN_CONNECT_TIMEOUT_MS 10000

enum listen_state { L_DOWN, L_CONNECTING, L_LISTENING, L_READY };

struct feed_sub {
	struct feed *f;
	struct session *sess;     /* NULL once the session has gone */
	int64_t account_id;
	int64_t cursor;           /* everything up to here was pushed (or invisible) */
	bool inflight;            /* a jy_sync or jy_sync_many query is out */
	bool again;               /* woken while it was out: look again after it */
	bool grouped;             /* taken into a fan-out query by this wake-up */
	TAILQ_ENTRY(feed_sub) link;
};
TAILQ_HEAD(sub_list, feed_sub);

struct feed {
	struct jy_net *net;
	struct notice_push *push;
	char *conninfo;
	char *application_name;   /* NULL: libpq's */
	struct sub_list subs;
	unsigned nsubs;

	/* The LISTEN connection: its own state machine, not the pool's,
	 * because it must stay in LISTEN mode and never run queries. */
	enum listen_state lstate;
	PGconn *pg;
	struct event *io;
	int io_fd;
	short io_what;
	struct event *ltimer;     /* DOWN: reconnect; CONNECTING/LISTENING: timeout */
	unsigned backoff_ms;
	unsigned failed_connects;  /* since it last listened: turns a host list */
	unsigned seed;

	/* Coalesced NOTIFY after local commits. */
	struct event *notify_timer;
	bool notify_wanted, notify_inflight;
	uint64_t last_notify_us;

	struct event *poll;
	struct event *rewake;     /* wake_all once more, from the loop */
	struct feed_stats stats;
};

/* One jy_sync_many query: the subscribers it serves (all at one cursor)
 * and the distinct accounts it asked for, in the order it asked. */
struct fanout {
	struct feed *f;
	int64_t cursor;
	size_t nsubs, naccounts;
	struct feed_sub **subs;
	int64_t accounts[FEED_FANOUT_MAX];
};

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- cursors and events ------------------------------------------------ */

void feed_cursor_format(char *buf, size_t len, int64_t seq)
{
	snprintf(buf, len, "v1:%" PRId64, seq);
}

bool feed_cursor_parse(const char *text, int64_t *seq)
{
	if (!text || !*text) {
		*seq = 0;
		return true;
	}
	if (strncmp(text, "v1:", 3) != 0)
		return false;
	const char *p = text + 3;
	size_t n = strlen(p);
	if (n == 0 || n > 19)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		int d = p[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*seq = v;
	return true;
}

size_t feed_events_from_json(json_object *arr, Jianyi__FeedEvent ***out, struct pb_arena *a)
{
	size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	*out = pb_arena_alloc(a, (n ? n : 1) * sizeof **out);
	for (size_t i = 0; i < n; i++) {
		Jianyi__FeedEvent *e = pb_arena_alloc(a, sizeof *e);
		jianyi__feed_event__init(e);
		if (!pbjson_fill_message(&e->base, json_object_array_get_idx(arr, i), a))
			/* Strict mode (the tests) only: the event still goes out. */
			jy_error("event=answer_mismatch message=FeedEvent error=\"%s\"", pbjson_error());
		(*out)[i] = e;
	}
	return n;
}

/* ---- subscribers --------------------------------------------------------- */

static void sub_kick(struct feed_sub *sub);

static void sub_free(struct feed_sub *sub)
{
	free(sub);
}

/* Detaches sub from its session and the list; freed now or, when its query
 * is out, by the query's callback. */
static void sub_drop(struct feed_sub *sub)
{
	struct feed *f = sub->f;
	if (sub->sess) {
		sub->sess->feed_sub = NULL;
		sub->sess = NULL;
		TAILQ_REMOVE(&f->subs, sub, link);
		f->nsubs--;
	}
	if (!sub->inflight)
		sub_free(sub);
}

/* Pushes one page; false when the subscriber was dropped (backlog or gone). */
static bool sub_push_page(struct feed_sub *sub, json_object *events)
{
	struct pb_arena arena = { 0 };
	Jianyi__FeedEvent **evs;
	size_t n = feed_events_from_json(events, &evs, &arena);
	bool alive = true;
	for (size_t i = 0; i < n && alive; i++) {
		Jianyi__Event ev = JIANYI__EVENT__INIT;
		char cursor[32];
		if (session_output_backlog(sub->sess) > FEED_MAX_BACKLOG) {
			/* A slow reader must never make us buffer without bound: tell
			 * it where to resume and stop pushing. */
			jy_info("event=feed_resync session=%llu cursor=%" PRId64 " backlog=%zu",
				(unsigned long long)sub->sess->id, sub->cursor,
				session_output_backlog(sub->sess));
			feed_cursor_format(cursor, sizeof cursor, sub->cursor);
			ev.kind = "resync";
			ev.cursor = cursor;
			ev.sequence = sub->cursor;
			sub->f->stats.resyncs++;
			if (session_push_event(sub->sess, &ev) && sub->sess)
				sub_drop(sub);
			alive = false;
			break;
		}
		feed_cursor_format(cursor, sizeof cursor, evs[i]->sequence);
		ev.kind = "feed";
		ev.sequence = evs[i]->sequence;
		ev.feed = evs[i];
		ev.cursor = cursor;
		if (!session_push_event(sub->sess, &ev)) {
			alive = false;
			break;
		}
		sub->cursor = evs[i]->sequence;
		sub->f->stats.pushed++;
		if (evs[i]->sequence > sub->f->stats.pushed_seq)
			sub->f->stats.pushed_seq = evs[i]->sequence;
	}
	pb_arena_free(&arena);
	return alive && sub->sess;
}

static void on_sub_sync(const struct db_result *r, void *arg)
{
	struct feed_sub *sub = arg;
	/* sub->inflight stays true while we push: a push that closes the
	 * session detaches sub (sub_drop) without freeing it under us. */
	if (!sub->sess) {
		sub_free(sub);
		return;
	}
	sub->f->stats.syncs++;
	bool caught_up = true;
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		/* Retried by the next wake-up or the safety poll, not at once:
		 * a database that is down must not make us spin. */
		if (r->outcome != DB_SHUTDOWN)
			jy_warn("event=feed_sync_failed session=%llu error=\"%s\"",
				(unsigned long long)sub->sess->id, r->error);
		sub->again = false;
	} else {
		json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
		json_object *v;
		int64_t cursor = sub->cursor;
		if (doc) {
			if (json_object_object_get_ex(doc, "caught_up", &v))
				caught_up = json_object_get_boolean(v);
			if (json_object_object_get_ex(doc, "cursor", &v))
				cursor = json_object_get_int64(v);
			/* The answer's cursor also covers invisible events after
			 * the last pushed one. */
			if (sub_push_page(sub, json_object_object_get_ex(doc, "events", &v) ? v : NULL) &&
			    cursor > sub->cursor)
				sub->cursor = cursor;
			json_object_put(doc);
		} else {
			jy_error("event=feed_bad_answer session=%llu", (unsigned long long)sub->sess->id);
		}
	}
	sub->inflight = false;
	if (!sub->sess) {
		sub_free(sub);
		return;
	}
	if (!caught_up || sub->again) {
		sub->again = false;
		sub_kick(sub);
	}
}

static void sub_kick(struct feed_sub *sub)
{
	if (!sub->sess)
		return;
	if (sub->inflight) {
		/* Its query may have read before the commit that woke us. */
		sub->again = true;
		return;
	}
	char account[24], after[24], limit[16];
	snprintf(account, sizeof account, "%" PRId64, sub->account_id);
	snprintf(after, sizeof after, "%" PRId64, sub->cursor);
	snprintf(limit, sizeof limit, "%d", FEED_PAGE);
	const char *values[3] = { account, after, limit };
	if (db_query(sub->f->net->db, &jy_statements[STMT_SYNC], values, on_sub_sync, sub))
		sub->inflight = true;
	/* else the queue is full: the next wake-up or the poll tries again */
}

/* ---- fan-out: one query for the live subscribers at one cursor ----------- */

static void rewake(struct feed *f)
{
	static const struct timeval now = { 0, 0 };
	if (!evtimer_pending(f->rewake, NULL))
		evtimer_add(f->rewake, &now);
}

static size_t fanout_account(const struct fanout *fo, int64_t account)
{
	for (size_t i = 0; i < fo->naccounts; i++)
		if (fo->accounts[i] == account)
			return i;
	return fo->naccounts;
}

/* This subscriber's events in a jy_sync_many answer, as jy_sync would have
 * given them (a new array holding references). */
static json_object *fanout_events(const struct fanout *fo, json_object *doc, int64_t account)
{
	json_object *out = json_object_new_array(), *viewers, *events, *mine;
	if (!json_object_object_get_ex(doc, "viewers", &viewers) ||
	    !json_object_object_get_ex(doc, "events", &events) ||
	    !(mine = json_object_array_get_idx(viewers, fanout_account(fo, account))))
		return out;
	size_t n = json_object_array_length(mine);
	for (size_t k = 0; k < n; k++) {
		int idx = json_object_get_int(json_object_array_get_idx(mine, k));
		json_object *e = idx >= 0 ? json_object_array_get_idx(events, (size_t)idx) : NULL;
		if (e)
			json_object_array_add(out, json_object_get(e));
	}
	return out;
}

static void on_fanout(const struct db_result *r, void *arg)
{
	struct fanout *fo = arg;
	struct feed *f = fo->f;
	json_object *doc = NULL, *v;
	bool caught_up = true, more = false;
	int64_t cursor = fo->cursor;
	f->stats.syncs++;
	if (r->outcome == DB_OK && PQntuples(r->res) == 1)
		doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (doc) {
		if (json_object_object_get_ex(doc, "caught_up", &v))
			caught_up = json_object_get_boolean(v);
		if (json_object_object_get_ex(doc, "cursor", &v))
			cursor = json_object_get_int64(v);
	} else if (r->outcome == DB_OK) {
		jy_error("event=feed_bad_answer subscribers=%zu", fo->nsubs);
	} else if (r->outcome != DB_SHUTDOWN) {
		/* The next wake-up or the safety poll tries again, not at once. */
		jy_warn("event=feed_sync_failed subscribers=%zu error=\"%s\"", fo->nsubs, r->error);
	}
	for (size_t i = 0; i < fo->nsubs; i++) {
		struct feed_sub *sub = fo->subs[i];
		/* inflight stays true while we push: a push that closes the
		 * session detaches sub without freeing it under us. */
		if (sub->sess && doc) {
			json_object *mine = fanout_events(fo, doc, sub->account_id);
			/* The shared cursor also covers the events it may not see. */
			if (sub_push_page(sub, mine) && cursor > sub->cursor)
				sub->cursor = cursor;
			json_object_put(mine);
		}
		sub->inflight = false;
		if (!sub->sess) {
			sub_free(sub);
			continue;
		}
		if (doc && (!caught_up || sub->again))
			more = true;
		sub->again = false;
	}
	json_object_put(doc);
	free(fo->subs);
	free(fo);
	/* Pages left, or commits while we asked: look again, grouped again. */
	if (more)
		rewake(f);
}

/* Asks jy_sync_many for first and every later free subscriber at its
 * cursor, up to FEED_FANOUT_MAX distinct accounts (the rest wait for the
 * next group of this wake-up). */
static void fanout_start(struct feed *f, struct feed_sub *first)
{
	struct fanout *fo = jy_xcalloc(1, sizeof *fo);
	size_t cap = 16;
	fo->f = f;
	fo->cursor = first->cursor;
	fo->subs = jy_xmalloc(cap * sizeof *fo->subs);
	for (struct feed_sub *sub = first; sub; sub = TAILQ_NEXT(sub, link)) {
		if (sub->inflight || sub->grouped || sub->cursor != fo->cursor)
			continue;
		size_t a = fanout_account(fo, sub->account_id);
		if (a == fo->naccounts) {
			if (fo->naccounts == FEED_FANOUT_MAX)
				continue;
			fo->accounts[fo->naccounts++] = sub->account_id;
		}
		if (fo->nsubs == cap) {
			cap *= 2;
			fo->subs = jy_xrealloc(fo->subs, cap * sizeof *fo->subs);
		}
		fo->subs[fo->nsubs++] = sub;
		sub->grouped = true;
	}
	/* "{1,2,3}": at most 20 digits and a comma per account. */
	char *viewers = jy_xmalloc(fo->naccounts * 21 + 3), after[24], limit[16];
	size_t len = 0;
	viewers[len++] = '{';
	for (size_t i = 0; i < fo->naccounts; i++)
		len += (size_t)sprintf(viewers + len, "%s%" PRId64, i ? "," : "", fo->accounts[i]);
	viewers[len++] = '}';
	viewers[len] = '\0';
	snprintf(after, sizeof after, "%" PRId64, fo->cursor);
	snprintf(limit, sizeof limit, "%d", FEED_PAGE);
	const char *values[3] = { viewers, after, limit };
	bool sent = db_query(f->net->db, &jy_statements[STMT_SYNC_MANY], values, on_fanout, fo);
	free(viewers);
	if (!sent) {
		/* The queue is full: the next wake-up or the poll tries again. */
		free(fo->subs);
		free(fo);
		return;
	}
	for (size_t i = 0; i < fo->nsubs; i++)
		fo->subs[i]->inflight = true;
}

/* A subscriber with a query out looks again after it; the others are
 * grouped by cursor (after a first page they share one), one query each. */
static void wake_all(struct feed *f)
{
	struct feed_sub *sub;
	TAILQ_FOREACH(sub, &f->subs, link) {
		sub->grouped = false;
		if (sub->inflight)
			sub->again = true;
	}
	TAILQ_FOREACH(sub, &f->subs, link)
		if (!sub->inflight && !sub->grouped && sub->sess)
			fanout_start(f, sub);
}

static void rewake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	wake_all(arg);
}

void feed_subscribe(struct feed *f, struct session *s, int64_t cursor)
{
	if (s->feed_sub)
		sub_drop(s->feed_sub);
	struct feed_sub *sub = jy_xcalloc(1, sizeof *sub);
	sub->f = f;
	sub->sess = s;
	sub->account_id = s->who.account_id;
	sub->cursor = cursor;
	s->feed_sub = sub;
	TAILQ_INSERT_TAIL(&f->subs, sub, link);
	f->nsubs++;
	/* Events that committed between its last page and now woke nobody. */
	sub_kick(sub);
}

void feed_unsubscribe(struct session *s)
{
	if (s->feed_sub)
		sub_drop(s->feed_sub);
}

/* ---- NOTIFY after local commits ----------------------------------------- */

static void notify_maybe_send(struct feed *f);

static void on_notified(const struct db_result *r, void *arg)
{
	struct feed *f = arg;
	f->notify_inflight = false;
	if (r->outcome == DB_SHUTDOWN)
		return;
	if (r->outcome != DB_OK)
		jy_debug("event=feed_notify_failed error=\"%s\"", r->error);
	notify_maybe_send(f);
}

static void notify_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	notify_maybe_send(arg);
}

/* At most one NOTIFY per FEED_NOTIFY_GAP_MS and one at a time: a burst of
 * commits costs other processes one wake-up, and the database one lock. */
static void notify_maybe_send(struct feed *f)
{
	if (!f->notify_wanted || f->notify_inflight || evtimer_pending(f->notify_timer, NULL))
		return;
	uint64_t now = mono_us(), gap = FEED_NOTIFY_GAP_MS * 1000u;
	if (f->last_notify_us && now - f->last_notify_us < gap) {
		uint64_t wait = gap - (now - f->last_notify_us);
		struct timeval tv = { 0, (suseconds_t)wait };
		evtimer_add(f->notify_timer, &tv);
		return;
	}
	if (!db_query(f->net->db, &jy_statements[STMT_FEED_NOTIFY], NULL, on_notified, f)) {
		struct timeval tv = { 0, (suseconds_t)gap };
		evtimer_add(f->notify_timer, &tv);
		return;
	}
	f->notify_wanted = false;
	f->notify_inflight = true;
	f->last_notify_us = now;
	f->stats.notifies_sent++;
}

void feed_local_commit(struct feed *f)
{
	if (!f)
		return;
	f->stats.wakeups_local++;
	wake_all(f);
	/* A workflow write may have raised event notices (13_event_notices.sql):
	 * they ride on this wake-up, never on a NOTIFY of their own. */
	notice_push_wake(f->push);
	f->notify_wanted = true;
	notify_maybe_send(f);
}

/* ---- the LISTEN connection ------------------------------------------------ */

static void listen_io_cb(evutil_socket_t fd, short what, void *arg);

static void listen_watch(struct feed *f, short what)
{
	int fd = PQsocket(f->pg);
	/* The socket can change during connect: re-register whenever it or the
	 * interest differs. */
	if (f->io && f->io_fd == fd && f->io_what == what)
		return;
	if (f->io) {
		event_free(f->io);
		f->io = NULL;
	}
	if (fd < 0)
		return;
	f->io = event_new(f->net->base, fd, what | EV_PERSIST, listen_io_cb, f);
	if (!f->io || event_add(f->io, NULL) != 0) {
		jy_error("event=feed_event_failed");
		abort();
	}
	f->io_fd = fd;
	f->io_what = what;
}

static void listen_arm(struct feed *f, unsigned ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000) };
	evtimer_del(f->ltimer);
	evtimer_add(f->ltimer, &tv);
}

static void listen_fail(struct feed *f, const char *why)
{
	char line[200];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(why ? why : "", "\n"), why ? why : "");
	if (f->lstate == L_READY)
		jy_warn("event=feed_listen_down reason=\"%s\"", line);
	else
		jy_debug("event=feed_listen_failed reason=\"%s\"", line);
	if (f->io) {
		event_free(f->io);
		f->io = NULL;
	}
	f->io_fd = -1;
	PQfinish(f->pg);
	f->pg = NULL;
	if (f->lstate != L_READY)
		f->failed_connects++;
	f->lstate = L_DOWN;
	f->stats.listening = false;
	/* Back-off with jitter, like the pool. */
	unsigned delay = f->backoff_ms / 2 + (unsigned)rand_r(&f->seed) % (f->backoff_ms / 2 + 1);
	f->backoff_ms = f->backoff_ms * 2 > LISTEN_BACKOFF_MAX_MS ? LISTEN_BACKOFF_MAX_MS
								    : f->backoff_ms * 2;
	listen_arm(f, delay);
}

static void listen_connect(struct feed *f)
{
	f->pg = db_connect_start(f->conninfo, f->application_name, f->failed_connects);
	if (!f->pg || PQstatus(f->pg) == CONNECTION_BAD) {
		listen_fail(f, f->pg ? PQerrorMessage(f->pg) : "out of memory");
		return;
	}
	f->lstate = L_CONNECTING;
	listen_arm(f, LISTEN_CONNECT_TIMEOUT_MS);
	/* libpq: wait for write readiness before the first PQconnectPoll. */
	listen_watch(f, EV_WRITE);
}

static void listen_send(struct feed *f)
{
	if (PQsetnonblocking(f->pg, 1) != 0 ||
	    !PQsendQuery(f->pg, "LISTEN " FEED_CHANNEL)) {
		listen_fail(f, PQerrorMessage(f->pg));
		return;
	}
	f->lstate = L_LISTENING;
	int r = PQflush(f->pg);
	if (r < 0) {
		listen_fail(f, PQerrorMessage(f->pg));
		return;
	}
	listen_watch(f, r == 1 ? EV_READ | EV_WRITE : EV_READ);
}

static void listen_read(struct feed *f)
{
	if (!PQconsumeInput(f->pg)) {
		listen_fail(f, PQerrorMessage(f->pg));
		return;
	}
	while (!PQisBusy(f->pg)) {
		PGresult *res = PQgetResult(f->pg);
		if (!res)
			break;
		ExecStatusType st = PQresultStatus(res);
		if (f->lstate == L_LISTENING && st == PGRES_COMMAND_OK) {
			f->lstate = L_READY;
			f->stats.listening = true;
			f->backoff_ms = LISTEN_BACKOFF_MIN_MS;
			f->failed_connects = 0;
			evtimer_del(f->ltimer);
			jy_info("event=feed_listening channel=" FEED_CHANNEL);
			/* Notifications sent while we were not listening are lost. */
			wake_all(f);
			notice_push_wake(f->push);
			revocation_wake(f->net->revocation);
		} else if (st != PGRES_COMMAND_OK) {
			char why[300];
			snprintf(why, sizeof why, "%s", PQresultErrorMessage(res));
			PQclear(res);
			listen_fail(f, why);
			return;
		}
		PQclear(res);
	}
	bool woken = false, notices = false, accounts = false;
	PGnotify *n;
	while ((n = PQnotifies(f->pg))) {
		if (strcmp(n->extra, FEED_PAYLOAD_ACCOUNTS) == 0) {
			accounts = true;
			PQfreemem(n);
			continue;
		}
		/* Our own NOTIFY: the local commit already woke everyone. The
		 * payload "notices" (jy_raise_notices) is for inbox followers;
		 * the feed's own is empty. */
		if (!db_pool_owns_backend(f->net->db, n->be_pid)) {
			if (strcmp(n->extra, "notices") == 0)
				notices = true;
			else
				woken = true;
		}
		PQfreemem(n);
	}
	if (woken) {
		f->stats.wakeups_remote++;
		wake_all(f);
		notices = true; /* another process's write may have raised event notices */
	}
	if (notices)
		notice_push_wake(f->push);
	if (accounts)
		revocation_wake(f->net->revocation);
	if (PQstatus(f->pg) == CONNECTION_BAD)
		listen_fail(f, PQerrorMessage(f->pg));
}

static void listen_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	if (f->lstate == L_CONNECTING) {
		switch (PQconnectPoll(f->pg)) {
		case PGRES_POLLING_READING:
			listen_watch(f, EV_READ);
			break;
		case PGRES_POLLING_WRITING:
			listen_watch(f, EV_WRITE);
			break;
		case PGRES_POLLING_OK:
			listen_send(f);
			break;
		default:
			listen_fail(f, PQerrorMessage(f->pg));
			break;
		}
		return;
	}
	if (f->lstate == L_DOWN)
		return;
	if (what & EV_WRITE) {
		int r = PQflush(f->pg);
		if (r < 0) {
			listen_fail(f, PQerrorMessage(f->pg));
			return;
		}
		listen_watch(f, r == 1 ? EV_READ | EV_WRITE : EV_READ);
	}
	if (what & EV_READ)
		listen_read(f);
}

static void listen_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	(void)what;
	if (f->lstate == L_DOWN)
		listen_connect(f);
	else if (f->lstate != L_READY)
		listen_fail(f, "timeout while connecting the LISTEN connection");
}

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	(void)fd;
	(void)what;
	if (f->nsubs > 0) {
		f->stats.wakeups_poll++;
		wake_all(f);
	}
}

/* ---- life cycle ------------------------------------------------------------ */

struct feed *feed_new(struct jy_net *net, struct notice_push *push, const char *conninfo,
		      const char *application_name)
{
	struct feed *f = jy_xcalloc(1, sizeof *f);
	f->net = net;
	f->push = push;
	f->conninfo = jy_xstrdup(conninfo ? conninfo : "");
	f->application_name = application_name ? jy_xstrdup(application_name) : NULL;
	TAILQ_INIT(&f->subs);
	f->io_fd = -1;
	f->backoff_ms = LISTEN_BACKOFF_MIN_MS;
	f->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ 0x5eedu;
	f->ltimer = evtimer_new(net->base, listen_timer_cb, f);
	f->notify_timer = evtimer_new(net->base, notify_timer_cb, f);
	f->poll = event_new(net->base, -1, EV_PERSIST, poll_cb, f);
	f->rewake = evtimer_new(net->base, rewake_cb, f);
	if (!f->ltimer || !f->notify_timer || !f->poll || !f->rewake)
		abort();
	return f;
}

void feed_start(struct feed *f)
{
	struct timeval tv = { FEED_POLL_MS / 1000, (FEED_POLL_MS % 1000) * 1000 };
	event_add(f->poll, &tv);
	listen_connect(f);
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	struct feed_sub *sub;
	while ((sub = TAILQ_FIRST(&f->subs)) != NULL) {
		sub->inflight = false; /* the pool is gone: no callback will come */
		sub_drop(sub);
	}
	if (f->io)
		event_free(f->io);
	PQfinish(f->pg);
	event_free(f->ltimer);
	event_free(f->notify_timer);
	event_free(f->poll);
	event_free(f->rewake);
	free(f->conninfo);
	free(f->application_name);
	free(f);
}

void feed_get_stats(const struct feed *f, struct feed_stats *out)
{
	*out = f->stats;
	out->subscribers = f->nsubs;
	out->oldest_cursor = -1;
	const struct feed_sub *sub;
	TAILQ_FOREACH(sub, &f->subs, link)
		if (out->oldest_cursor < 0 || sub->cursor < out->oldest_cursor)
			out->oldest_cursor = sub->cursor;
}
