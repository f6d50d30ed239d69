/* The change feed (docs/ARCHITECTURE.md "Never skip an event",
 * server/sql/functions/06_feed.sql): Sync
 * pages never skip an event even when transactions commit out of sequence
 * order; a unit sees only its cases' events and no evaluation details; live
 * subscribers get pushes within a second, across two jianyid processes too;
 * a malformed cursor is refused. Prints (does not assert) the delay from a
 * write's acknowledgement to live subscribers seeing it. */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "wf_helpers.h"

/* ---- helpers ---------------------------------------------------------------- */

struct page {
	int code;
	char field[80];
	Jianyi__Envelope *env;
	const Jianyi__SyncResponse *sync;
};

static int sync_page(struct jy_client *c, const char *cursor, int page_size, bool live,
		     struct page *p)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
	struct jy_error e = { 0 };
	s.cursor = (char *)cursor;
	s.page_size = page_size;
	s.live = live;
	req.body_case = JIANYI__REQUEST__BODY_SYNC;
	req.sync = &s;
	memset(p, 0, sizeof *p);
	bool ok = jy_call(c, &req, &p->env, &e);
	p->code = ok ? 0 : e.code;
	if (p->env && p->env->response->status && p->env->response->status->n_violations)
		snprintf(p->field, sizeof p->field, "%s", p->env->response->status->violations[0]->field);
	if (ok)
		p->sync = p->env->response->sync;
	return p->code;
}

static void page_free(struct page *p)
{
	if (p->env)
		jy_envelope_free(p->env);
	memset(p, 0, sizeof *p);
}

/* Pages until caught up; returns the cursor (in buf). live: the last page
 * subscribes. */
static void sync_to_end(struct jy_client *c, char *cursor, size_t len, bool live)
{
	for (int guard = 0; guard < 10000; guard++) {
		struct page p;
		assert_int_equal(sync_page(c, cursor, 0, live, &p), 0);
		snprintf(cursor, len, "%s", p.sync->cursor);
		bool done = p.sync->caught_up;
		page_free(&p);
		if (done)
			return;
	}
	fail_msg("never caught up");
}

static PGconn *db_connect(void)
{
	PGconn *db = PQconnectdb(H.pg.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(db));
	return db;
}

static void db_ok(PGconn *db, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(db));
	PQclear(r);
}

/* An event written directly (as the owner), as jy_act would. */
static const char *const INSERT_EVENT =
	"INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)"
	" SELECT s.id, a.id, 'supervise', s.state, s.state, '{\"kind\":\"note\"}'::jsonb"
	" FROM suggestions s, accounts a WHERE s.id = $1::bigint AND a.login = 'liaison'";

static int64_t max_seq(void)
{
	return sql_id("SELECT coalesce(max(seq), 0) FROM events", NULL);
}

static void cursor_of(char *buf, size_t len, int64_t seq)
{
	snprintf(buf, len, "v1:%" PRId64, seq);
}

/* ---- 1. malformed cursors ------------------------------------------------------ */

static void malformed_cursor(void **state)
{
	(void)state;
	const char *bad[] = { "garbage", "v1:", "v1:-3", "v2:10", "v1:12x", "v1:99999999999999999999", "10" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct page p;
		assert_int_equal(sync_page(cx("liaison"), bad[i], 0, false, &p),
				 JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT);
		assert_string_equal(p.field, "sync.cursor");
		page_free(&p);
	}
	struct page p;
	assert_int_equal(sync_page(cx("liaison"), "", 6000, false, &p),
			 JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT);
	assert_string_equal(p.field, "sync.page_size");
	page_free(&p);
	/* The connection is still fine. */
	assert_int_equal(sync_page(cx("liaison"), "v1:0", 1, false, &p), 0);
	page_free(&p);
}

/* ---- 2. the race that xid < xmin alone gets wrong ------------------------------ */

/* A takes its xid first; B draws a sequence number and stays open; A draws
 * a later number and commits. A reader must not hand out A's event (and
 * move its cursor past B's) until B has committed. */
static void xid_before_draw(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于同步顺序的建议", false);
	char sid[24], cur[64];
	snprintf(sid, sizeof sid, "%" PRId64, k.id);
	const char *p[1] = { sid };
	cursor_of(cur, sizeof cur, max_seq());

	PGconn *a = db_connect(), *b = db_connect();
	db_ok(a, "BEGIN", 0, NULL);
	db_ok(a, "SELECT pg_current_xact_id()", 0, NULL);
	db_ok(b, "BEGIN", 0, NULL);
	db_ok(b, INSERT_EVENT, 1, p);
	db_ok(a, INSERT_EVENT, 1, p);
	db_ok(a, "COMMIT", 0, NULL);

	struct page pg;
	assert_int_equal(sync_page(cx("liaison"), cur, 0, false, &pg), 0);
	assert_int_equal(pg.sync->n_events, 0);
	assert_true(pg.sync->caught_up);
	assert_string_equal(pg.sync->cursor, cur);
	page_free(&pg);

	db_ok(b, "COMMIT", 0, NULL);
	assert_int_equal(sync_page(cx("liaison"), cur, 0, false, &pg), 0);
	assert_int_equal(pg.sync->n_events, 2);
	assert_true(pg.sync->events[0]->sequence < pg.sync->events[1]->sequence);
	assert_int_equal(pg.sync->events[0]->suggestion_id, k.id);
	assert_string_equal(pg.sync->events[0]->kind, "supervise");
	page_free(&pg);
	PQfinish(a);
	PQfinish(b);
}

/* ---- 3. never skip, under concurrent late commits ---------------------------- */

#define N_FAST 4
#define N_SLOW 3
#define N_READERS 3
#define RUN_MS 6000

static int64_t race_case;
static volatile int writers_done;

struct writer_arg {
	int id;
	bool slow;
	int count;
	char error[300];
};

/* Fast writers take their xid early and draw late (like jy_act, which locks
 * the case first); slow ones draw, then sleep before COMMIT. */
static void *writer_main(void *arg)
{
	struct writer_arg *w = arg;
	PGconn *db = PQconnectdb(H.pg.conninfo);
	char sid[24];
	snprintf(sid, sizeof sid, "%" PRId64, race_case);
	const char *p[1] = { sid };
	unsigned seed = (unsigned)w->id * 7919u;
	uint64_t end = harness_now_ms() + RUN_MS;
	while (harness_now_ms() < end && !w->error[0]) {
		const char *steps[4];
		int n = 0;
		char sleep_sql[64];
		if (w->slow) {
			snprintf(sleep_sql, sizeof sleep_sql, "SELECT pg_sleep(%.3f)",
				 0.2 + (rand_r(&seed) % 600) / 1000.0);
			steps[n++] = "BEGIN";
			steps[n++] = INSERT_EVENT;
			steps[n++] = sleep_sql;
			steps[n++] = "COMMIT";
		} else {
			snprintf(sleep_sql, sizeof sleep_sql, "SELECT pg_current_xact_id(), pg_sleep(%.4f)",
				 (rand_r(&seed) % 30) / 10000.0);
			steps[n++] = "BEGIN";
			steps[n++] = sleep_sql;
			steps[n++] = INSERT_EVENT;
			steps[n++] = "COMMIT";
		}
		for (int i = 0; i < n; i++) {
			PGresult *r = PQexecParams(db, steps[i], steps[i] == INSERT_EVENT ? 1 : 0, NULL,
						   steps[i] == INSERT_EVENT ? p : NULL, NULL, NULL, 0);
			ExecStatusType st = PQresultStatus(r);
			if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
				snprintf(w->error, sizeof w->error, "%s", PQerrorMessage(db));
			PQclear(r);
		}
		w->count++;
	}
	PQfinish(db);
	return NULL;
}

struct reader_arg {
	struct jy_client *c;
	int64_t start;
	int64_t *seen;
	size_t nseen, cap;
	char error[600];
	int pages;
};

static void *reader_main(void *arg)
{
	struct reader_arg *r = arg;
	char cur[64];
	cursor_of(cur, sizeof cur, r->start);
	int64_t last = r->start;
	bool final_pass = false;
	for (;;) {
		int done = __atomic_load_n(&writers_done, __ATOMIC_ACQUIRE);
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		Jianyi__Envelope *env = NULL;
		struct jy_error e = { 0 };
		s.cursor = cur;
		s.page_size = 7; /* small pages: many cursor hand-overs */
		req.body_case = JIANYI__REQUEST__BODY_SYNC;
		req.sync = &s;
		if (!jy_call(r->c, &req, &env, &e)) {
			snprintf(r->error, sizeof r->error, "sync: %s", e.message);
			if (env)
				jy_envelope_free(env);
			return NULL;
		}
		const Jianyi__SyncResponse *sr = env->response->sync;
		r->pages++;
		for (size_t i = 0; i < sr->n_events; i++) {
			int64_t seq = sr->events[i]->sequence;
			if (seq <= last) {
				snprintf(r->error, sizeof r->error, "sequence %" PRId64 " after %" PRId64, seq, last);
				jy_envelope_free(env);
				return NULL;
			}
			last = seq;
			if (r->nseen == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 1024;
				r->seen = realloc(r->seen, r->cap * sizeof *r->seen);
			}
			r->seen[r->nseen++] = seq;
		}
		snprintf(cur, sizeof cur, "%s", sr->cursor);
		bool caught_up = sr->caught_up;
		jy_envelope_free(env);
		if (caught_up && final_pass)
			return NULL;
		if (caught_up && done)
			final_pass = true; /* one more look after every writer committed */
		if (caught_up && !done)
			usleep(2000);
	}
}

static void never_skip(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于并发写入的建议", false);
	race_case = k.id;
	int64_t start = max_seq();

	struct reader_arg readers[N_READERS];
	memset(readers, 0, sizeof readers);
	for (int i = 0; i < N_READERS; i++) {
		readers[i].c = client_connect(&H, &S, "liaison");
		readers[i].start = start;
	}
	struct writer_arg writers[N_FAST + N_SLOW];
	memset(writers, 0, sizeof writers);
	pthread_t wt[N_FAST + N_SLOW], rt[N_READERS];
	writers_done = 0;
	for (int i = 0; i < N_READERS; i++)
		pthread_create(&rt[i], NULL, reader_main, &readers[i]);
	for (int i = 0; i < N_FAST + N_SLOW; i++) {
		writers[i].id = i + 1;
		writers[i].slow = i >= N_FAST;
		pthread_create(&wt[i], NULL, writer_main, &writers[i]);
	}
	int total = 0;
	for (int i = 0; i < N_FAST + N_SLOW; i++) {
		pthread_join(wt[i], NULL);
		assert_string_equal(writers[i].error, "");
		total += writers[i].count;
	}
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < N_READERS; i++)
		pthread_join(rt[i], NULL);

	/* The truth, read after everything committed. */
	PGconn *db = db_connect();
	char after[24];
	snprintf(after, sizeof after, "%" PRId64, start);
	const char *p[1] = { after };
	PGresult *res = PQexecParams(db, "SELECT seq FROM events WHERE seq > $1::bigint ORDER BY seq",
				     1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	size_t n = (size_t)PQntuples(res);
	assert_int_equal(n, (size_t)total);
	for (int i = 0; i < N_READERS; i++) {
		assert_string_equal(readers[i].error, "");
		assert_int_equal(readers[i].nseen, n);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(readers[i].seen[j], atoll(PQgetvalue(res, (int)j, 0)));
		free(readers[i].seen);
		jy_close(readers[i].c);
	}
	printf("never-skip: %d writers (%d late-committing), %zu events, %d readers, pages %d/%d/%d\n",
	       N_FAST + N_SLOW, N_SLOW, n, N_READERS, readers[0].pages, readers[1].pages,
	       readers[2].pages);
	PQclear(res);
	PQfinish(db);
}

/* ---- 4. visibility ---------------------------------------------------------------- */

static void unit_visibility(void **state)
{
	(void)state;
	int64_t start = max_seq();
	struct kase mine, other;
	prepare(&mine, ST_REPLIED, "关于甲局办理的建议", false);    /* lead A */
	prepare(&other, ST_SUBMITTED, "关于未交办的建议", false);   /* no unit */
	struct jy_act a;
	wf_act_init(&a, A(EVALUATE), mine.id, mine.version);
	valid_params(&a, A(EVALUATE));
	ok_closing_step("deputy-wang", &a, &mine, "evaluated");
	int64_t end = max_seq();

	char cur[64];
	cursor_of(cur, sizeof cur, start);
	int evaluates = 0, outcomes = 0, events = 0;
	for (;;) {
		struct page p;
		assert_int_equal(sync_page(cx("a-clerk"), cur, 3, false, &p), 0);
		for (size_t i = 0; i < p.sync->n_events; i++) {
			const Jianyi__FeedEvent *e = p.sync->events[i];
			assert_int_equal(e->suggestion_id, mine.id);
			events++;
			/* Back-to-back: never the form, only the round's outcome. */
			evaluates += strcmp(e->kind, "evaluate") == 0;
			outcomes += strcmp(e->kind, "evaluation_outcome") == 0;
			assert_true(e->version >= 1);
		}
		snprintf(cur, sizeof cur, "%s", p.sync->cursor);
		bool done = p.sync->caught_up;
		page_free(&p);
		if (done)
			break;
	}
	assert_int_equal(evaluates, 0);
	assert_int_equal(outcomes, 1);
	assert_true(events >= 5);
	/* The cursor moved past the other case's events too. */
	char want[64];
	cursor_of(want, sizeof want, end);
	assert_string_equal(cur, want);

	/* The congress sees the evaluation itself. */
	cursor_of(cur, sizeof cur, start);
	bool seen = false;
	for (;;) {
		struct page p;
		assert_int_equal(sync_page(cx("liaison"), cur, 0, false, &p), 0);
		for (size_t i = 0; i < p.sync->n_events; i++)
			if (strcmp(p.sync->events[i]->kind, "evaluate") == 0) {
				assert_non_null(strstr(p.sync->events[i]->details, "satisfied"));
				/* the form, then the round's outcome */
				assert_int_equal(p.sync->events[i]->version, mine.version - 1);
				seen = true;
			}
		snprintf(cur, sizeof cur, "%s", p.sync->cursor);
		bool done = p.sync->caught_up;
		page_free(&p);
		if (done)
			break;
	}
	assert_true(seen);
}

/* ---- 5. live push ------------------------------------------------------------------- */

/* Waits for a pushed feed event of case id; returns ms waited, -1 if none. */
static int64_t await_push(struct jy_client *c, int64_t id, int timeout_ms)
{
	uint64_t t0 = harness_now_ms();
	for (;;) {
		int64_t left = (int64_t)timeout_ms - (int64_t)(harness_now_ms() - t0);
		if (left <= 0)
			return -1;
		Jianyi__Envelope *ev = NULL;
		struct jy_error e = { 0 };
		if (!jy_next_event(c, (int)left, &ev, &e))
			return -1;
		bool hit = strcmp(ev->event->kind, "feed") == 0 && ev->event->feed &&
			   ev->event->feed->suggestion_id == id;
		jy_envelope_free(ev);
		if (hit)
			return (int64_t)(harness_now_ms() - t0);
	}
}

static void live_push(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于实时推送的建议", false);
	struct jy_client *sub = client_connect(&H, &S, "cmte");
	char cur[64] = "";
	sync_to_end(sub, cur, sizeof cur, true);

	act("liaison", A(SUPERVISE), &k, NULL);
	int64_t ms = await_push(sub, k.id, 1000);
	assert_true(ms >= 0);
	printf("live push, same process: %" PRId64 " ms\n", ms);

	/* A second jianyid on the same database: the write goes through the
	 * first, the subscriber sits on the second. */
	struct server_proc s2;
	server_start(&H, &s2, NULL);
	struct jy_client *sub2 = client_connect(&H, &s2, "cmte");
	char cur2[64] = "";
	sync_to_end(sub2, cur2, sizeof cur2, true);
	usleep(200 * 1000); /* its LISTEN connection comes up asynchronously */
	for (int round = 0; round < 3; round++) {
		act("liaison", A(SUPERVISE), &k, NULL);
		int64_t ms2 = await_push(sub2, k.id, 1000);
		assert_true(ms2 >= 0);
		printf("live push, other process: %" PRId64 " ms\n", ms2);
		/* the first subscriber sees it too */
		assert_true(await_push(sub, k.id, 1000) >= 0);
	}
	/* A write through the second reaches the first process's subscriber. */
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	struct jy_act a;
	struct wf_res r;
	struct jy_client *w2 = client_connect(&H, &s2, "liaison");
	wf_act_init(&a, A(SUPERVISE), k.id, k.version);
	valid_params(&a, A(SUPERVISE));
	(void)req;
	assert_int_equal(wf_do(w2, &a, &r), 0);
	k.version = r.sug->version;
	wf_res_free(&r);
	assert_true(await_push(sub, k.id, 1000) >= 0);
	jy_close(w2);
	jy_close(sub2);
	jy_close(sub);
	server_stop(&s2, SIGTERM, 10000);
}

/* ---- 6. delay from acknowledgement to subscribers (printed) ---------------------- */

#define N_SUBS 100   /* the figure issue #5 asks for */
#define N_WRITES 30

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void push_latency(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于推送延迟的建议", false);
	static struct jy_client *subs[N_SUBS];
	uint64_t t0 = harness_now_ms();
	char start[64];
	/* From now: the history is not what this measures. */
	cursor_of(start, sizeof start, max_seq());
	for (int i = 0; i < N_SUBS; i++) {
		subs[i] = client_connect(&H, &S, i % 2 ? "cmte" : "leader");
		char cur[64];
		snprintf(cur, sizeof cur, "%s", start);
		sync_to_end(subs[i], cur, sizeof cur, true);
	}
	printf("%d subscribers connected and live in %llu ms\n", N_SUBS,
	       (unsigned long long)(harness_now_ms() - t0));
	static int64_t delays[N_SUBS * N_WRITES];
	size_t nd = 0, missed = 0;
	for (int w = 0; w < N_WRITES; w++) {
		act("liaison", A(SUPERVISE), &k, NULL);
		uint64_t acked = now_us();
		bool got[N_SUBS] = { 0 };
		int left = N_SUBS;
		while (left > 0 && now_us() - acked < 2000000u) {
			struct pollfd pfd[N_SUBS];
			int map[N_SUBS], np = 0;
			for (int i = 0; i < N_SUBS; i++) {
				/* first whatever is already decoded and queued */
				Jianyi__Envelope *ev = NULL;
				struct jy_error e = { 0 };
				while (!got[i] && jy_next_event(subs[i], 0, &ev, &e)) {
					if (ev->event->feed && ev->event->feed->suggestion_id == k.id &&
					    ev->event->feed->version == k.version) {
						got[i] = true;
						left--;
						delays[nd++] = (int64_t)(now_us() - acked);
					}
					jy_envelope_free(ev);
				}
				if (!got[i]) {
					pfd[np].fd = jy_fd(subs[i]);
					pfd[np].events = POLLIN;
					map[np++] = i;
				}
			}
			(void)map;
			if (left > 0)
				poll(pfd, (nfds_t)np, 5);
		}
		missed += (size_t)left;
	}
	qsort(delays, nd, sizeof delays[0], cmp_i64);
	if (nd > 0)
		printf("push delay, %d subscribers x %d writes (acknowledged write -> subscriber has the"
		       " event): median %.2f ms, p99 %.2f ms, max %.2f ms, missed %zu\n",
		       N_SUBS, N_WRITES, delays[nd / 2] / 1000.0, delays[(nd * 99) / 100] / 1000.0,
		       delays[nd - 1] / 1000.0, missed);
	for (int i = 0; i < N_SUBS; i++)
		jy_close(subs[i]);
	assert_int_equal(missed, 0);
}

/* ---- 7. a subscriber too far behind is told to resume ------------------------- */

#define BIG_EVENTS 3000   /* x ~4 KiB: well past the 1 MiB backlog and the socket buffers */

/* A live subscriber stops reading while 3,000 large events are written.
 * jianyid pushes until its output backlog passes FEED_MAX_BACKLOG, then
 * sends one "resync" event with the cursor to resume from and pushes no
 * more; the subscriber drains what it was sent, syncs from that cursor and
 * ends with every event exactly once, in order. */
static void resync_slow_subscriber(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_SUBMITTED, "关于慢速订阅者的建议", false);
	struct jy_client *sub = client_connect(&H, &S, "cmte");
	char cur[64];
	cursor_of(cur, sizeof cur, max_seq());
	sync_to_end(sub, cur, sizeof cur, true);
	int64_t first = max_seq() + 1;

	char sid[24], n[16];
	snprintf(sid, sizeof sid, "%" PRId64, k.id);
	snprintf(n, sizeof n, "%d", BIG_EVENTS);
	const char *p[2] = { sid, n };
	PGconn *db = db_connect();
	db_ok(db, "INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)"
		  " SELECT s.id, a.id, 'supervise', s.state, s.state,"
		  " jsonb_build_object('kind', 'note', 'text', repeat('督办意见', 340) || g)"
		  " FROM suggestions s, accounts a, generate_series(1, $2::int) g"
		  " WHERE s.id = $1::bigint AND a.login = 'liaison'", 2, p);
	db_ok(db, "SELECT pg_notify('jianyi_events', '')", 0, NULL);
	PQfinish(db);
	int64_t last = max_seq();
	assert_int_equal(last - first + 1, BIG_EVENTS);

	/* Let jianyid push until it gives up on us (the poll wakes it within
	 * 2 s even without the notification). */
	sleep(6);
	int64_t seen = first - 1, resync_at = -1;
	size_t pushed = 0;
	for (;;) {
		Jianyi__Envelope *ev = NULL;
		struct jy_error e = { 0 };
		if (!jy_next_event(sub, 3000, &ev, &e)) {
			assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED);
			break;
		}
		if (strcmp(ev->event->kind, "resync") == 0) {
			assert_true(resync_at < 0);  /* once */
			int64_t c = -1;
			assert_int_equal(sscanf(ev->event->cursor, "v1:%" SCNd64, &c), 1);
			resync_at = c;
			snprintf(cur, sizeof cur, "%s", ev->event->cursor);
		} else {
			assert_true(resync_at < 0);  /* nothing after the resync */
			assert_int_equal(ev->event->feed->sequence, seen + 1);
			seen = ev->event->feed->sequence;
			pushed++;
		}
		jy_envelope_free(ev);
	}
	printf("slow subscriber: %zu of %d events pushed before the resync at %" PRId64 "\n",
	       pushed, BIG_EVENTS, resync_at);
	assert_true(resync_at >= 0);
	assert_int_equal(resync_at, seen);
	assert_true(pushed < BIG_EVENTS);

	/* Resume from the cursor: the rest, each once, in order. */
	for (int guard = 0; guard < 1000; guard++) {
		struct page pg;
		/* 100 of these large events fit in a frame; 500 would not. */
		assert_int_equal(sync_page(sub, cur, 100, false, &pg), 0);
		for (size_t i = 0; i < pg.sync->n_events; i++) {
			assert_int_equal(pg.sync->events[i]->sequence, seen + 1);
			seen = pg.sync->events[i]->sequence;
		}
		snprintf(cur, sizeof cur, "%s", pg.sync->cursor);
		bool done = pg.sync->caught_up;
		page_free(&pg);
		if (done)
			break;
	}
	assert_int_equal(seen, last);
	jy_close(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_cursor),
		cmocka_unit_test(xid_before_draw),
		cmocka_unit_test(never_skip),
		cmocka_unit_test(unit_visibility),
		cmocka_unit_test(live_push),
		cmocka_unit_test(push_latency),
		cmocka_unit_test(resync_slow_subscriber),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
