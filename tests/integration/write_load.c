/* The fault suite's acknowledged-writes load (see write_load.h), moved
 * here from test_faults.c so that the failover test counts the same way. */
#include "write_load.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

#define INFLIGHT 3
#define MAXWRITES 20000

enum { W_PENDING = 0, W_ACK, W_ACK_REPLAYED, W_UNRESOLVED };

static int ncases;
static struct kase cases[WL_MAXCASES];
static int known_ver[WL_MAXCASES];          /* the highest version any client saw */
static int cur_port;                   /* jianyid's port; 0 while it restarts */
static int relay_port;
static int second_port;
static bool on_second[WL_MAXWORKERS];   /* for the next wl_start */
static int load_stop;
static int next_write;
static unsigned char outcome[MAXWRITES];
static bool used[MAXWRITES];
static int n_conflicts, n_unavailable, n_other, n_reconnects, n_resumed, n_resends, n_replays;
static char worker_error[512];
static pthread_mutex_t err_mu = PTHREAD_MUTEX_INITIALIZER;

static void worker_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void worker_fail(const char *fmt, ...)
{
	pthread_mutex_lock(&err_mu);
	if (!worker_error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(worker_error, sizeof worker_error, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&err_mu);
}

static void saw_version(int ci, int v)
{
	int cur = __atomic_load_n(&known_ver[ci], __ATOMIC_RELAXED);
	while (v > cur && !__atomic_compare_exchange_n(&known_ver[ci], &cur, v, false,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

#define BUMP(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)

/* One logical write: a note "flt<n>z" that names it in the database. */
struct lwrite {
	bool active;
	int n;
	int ci;
	bool supervise;
	uint64_t env_id;
	char note[64];
	char date[16];
	struct jy_act a;
};

/* (Re)builds the request: a fresh idempotency key and the version we know. */
static void lw_build(struct lwrite *w)
{
	int ver = __atomic_load_n(&known_ver[w->ci], __ATOMIC_RELAXED);
	if (w->supervise) {
		wf_act_init(&w->a, A(SUPERVISE), cases[w->ci].id, ver);
		w->a.supervise.kind = "note";
		w->a.supervise.text = w->note;
	} else {
		wf_act_init(&w->a, A(CONTACT), cases[w->ci].id, ver);
		w->a.contact.phase = "before";
		w->a.contact.method = "phone";
		w->a.contact.date = w->date;
		w->a.contact.note = w->note;
	}
}

struct worker {
	int idx;
	const char *who;
	bool relay;
	bool second;   /* connects to second_port */
	unsigned seed;
	pthread_t th;
	struct jy_client *c;
	struct lwrite slot[INFLIGHT];
	int acked;
};

static struct jy_client *worker_connect(struct worker *wk)
{
	uint64_t deadline = harness_now_ms() + 30000;
	struct jy_error e = { 0 };
	while (harness_now_ms() < deadline) {
		int *which = wk->relay ? &relay_port : wk->second ? &second_port : &cur_port;
		int port = __atomic_load_n(which, __ATOMIC_ACQUIRE);
		struct jy_client *c = port > 0 ? client_try_connect(&H, port, wk->who, 5000, &e) : NULL;
		if (c)
			return c;
		sleep_ms(50);
	}
	worker_fail("worker %d (%s) could not reconnect in 30 s: %s", wk->idx, wk->who, e.message);
	return NULL;
}

static bool send_slot(struct worker *wk, struct lwrite *w)
{
	Jianyi__Request req;
	wf_request(&req, &w->a);
	struct jy_error e;
	return jy_send(wk->c, &req, &w->env_id, &e);
}

/* The connection broke: reconnect and send every pending write again,
 * unchanged (same key, same version). */
static bool worker_recover(struct worker *wk)
{
	for (;;) {
		if (wk->c)
			jy_close(wk->c);
		wk->c = worker_connect(wk);
		if (!wk->c)
			return false;
		BUMP(n_reconnects);
		if (jy_resumed(wk->c))
			BUMP(n_resumed);
		bool ok = true;
		for (int i = 0; i < INFLIGHT && ok; i++)
			if (wk->slot[i].active) {
				ok = send_slot(wk, &wk->slot[i]);
				if (ok)
					BUMP(n_resends);
			}
		if (ok)
			return true;
	}
}

/* Re-reads the case's version after a conflict. False: the connection broke. */
static bool reread_version(struct worker *wk, int ci)
{
	Jianyi__Request req;
	Jianyi__GetSuggestionRequest g;
	jianyi__request__init(&req);
	jianyi__get_suggestion_request__init(&g);
	g.suggestion_id = cases[ci].id;
	req.body_case = JIANYI__REQUEST__BODY_GET_SUGGESTION;
	req.get_suggestion = &g;
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	bool ok = jy_call(wk->c, &req, &env, &e);
	if (ok && env->response->body_case == JIANYI__RESPONSE__BODY_GET_SUGGESTION &&
	    env->response->get_suggestion->suggestion)
		saw_version(ci, env->response->get_suggestion->suggestion->version);
	if (env) {
		jy_envelope_free(env);
		return true;   /* an answer (maybe "unavailable"): the link is fine */
	}
	return false;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	wk->c = worker_connect(wk);
	if (!wk->c)
		return NULL;
	uint64_t give_up = 0;
	for (;;) {
		bool stopping = __atomic_load_n(&load_stop, __ATOMIC_ACQUIRE);
		if (stopping && !give_up)
			give_up = harness_now_ms() + 20000;
		if (stopping && wk->relay)
			break;   /* walks away from its writes in flight: their fate is unknown */
		bool any = false;
		bool broken = false;
		for (int i = 0; i < INFLIGHT; i++) {
			struct lwrite *w = &wk->slot[i];
			if (!w->active && !stopping) {
				int n = BUMP(next_write);
				if (n >= MAXWRITES) {
					worker_fail("more than %d writes", MAXWRITES);
					stopping = true;
					continue;
				}
				memset(w, 0, offsetof(struct lwrite, a));
				w->active = true;
				w->n = n;
				used[n] = true;
				w->ci = (int)(rand_r(&wk->seed) % (unsigned)ncases);
				w->supervise = strcmp(wk->who, "cmte") == 0;
				snprintf(w->note, sizeof w->note, "故障测试 flt%dz w%d", n, wk->idx);
				wf_date(w->date, sizeof w->date, 0);
				lw_build(w);
				if (!broken && !send_slot(wk, w))
					broken = true;
			}
			any = any || w->active;
		}
		if (!any)
			break;
		if (give_up && harness_now_ms() > give_up)
			break;
		Jianyi__Envelope *env = NULL;
		struct jy_error e;
		memset(&e, 0, sizeof e);
		if (!broken)
			jy_receive(wk->c, &env, &e);
		if (!env) {
			if (!worker_recover(wk))
				break;
			continue;
		}
		struct lwrite *w = NULL;
		for (int i = 0; i < INFLIGHT; i++)
			if (wk->slot[i].active && wk->slot[i].env_id == env->id)
				w = &wk->slot[i];
		if (!w) {
			worker_fail("worker %d: a response to id %llu, which is not pending", wk->idx,
				    (unsigned long long)env->id);
			jy_envelope_free(env);
			continue;
		}
		struct wf_res r;
		wf_res_from_env(&r, env, &e);
		if (r.code == OK) {
			if (!r.act || !r.sug) {
				worker_fail("write flt%d: OK without an ActResponse", w->n);
			} else {
				outcome[w->n] = r.act->replayed ? W_ACK_REPLAYED : W_ACK;
				if (r.act->replayed)
					BUMP(n_replays);
				saw_version(w->ci, r.sug->version);
				BUMP(wk->acked);
			}
			w->active = false;
			wf_res_free(&r);
		} else if (r.code == CONFLICT) {
			BUMP(n_conflicts);
			wf_res_free(&r);
			bool link_ok = reread_version(wk, w->ci);
			lw_build(w);     /* a new key, the version just read */
			if (!link_ok || !send_slot(wk, w)) {
				if (!worker_recover(wk))
					break;
			}
		} else if (r.code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
			   r.code == JIANYI__STATUS_CODE__STATUS_INTERNAL ||
			   r.code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED ||
			   r.code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED) {
			if (r.code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
				BUMP(n_unavailable);
			else
				BUMP(n_other);
			wf_res_free(&r);
			sleep_ms(100);
			if (!send_slot(wk, w) && !worker_recover(wk))   /* same key, same version */
				break;
		} else {
			worker_fail("worker %d (%s) write flt%d on #%lld: unexpected %s: %s", wk->idx,
				    wk->who, w->n, (long long)cases[w->ci].id, jy_status_str(r.code),
				    r.message);
			w->active = false;
			wf_res_free(&r);
		}
	}
	for (int i = 0; i < INFLIGHT; i++)
		if (wk->slot[i].active)
			outcome[wk->slot[i].n] = W_UNRESOLVED;
	if (wk->c)
		jy_close(wk->c);
	wk->c = NULL;
	return NULL;
}

uint64_t wl_wait_serving(const char *after, uint64_t limit_ms)
{
	uint64_t t0 = harness_now_ms();
	char last[600] = "no attempt";
	while (harness_now_ms() - t0 < limit_ms) {
		struct jy_error e;
		struct jy_client *c = client_try_connect(&H, wl_port(), "liaison", 3000, &e);
		if (!c) {
			snprintf(last, sizeof last, "connect: %s", e.message);
		} else {
			Jianyi__Envelope *env = NULL;
			int code = wf_get(c, cases[0].id, &env, last, sizeof last);
			if (env)
				jy_envelope_free(env);
			jy_close(c);
			if (code == OK) {
				uint64_t ms = harness_now_ms() - t0;
				print_message("serving again %llu ms after %s\n", (unsigned long long)ms, after);
				return ms;
			}
		}
		sleep_ms(50);
	}
	fail_msg("jianyid does not serve %llu ms after %s: %s", (unsigned long long)limit_ms, after,
		 last);
	return 0;
}


/* ---- starting, stopping, counting ----------------------------------------- */

static struct worker workers[WL_MAXWORKERS];
static int nworkers;

void wl_prepare_cases(int n)
{
	assert_true(n > 0 && n <= WL_MAXCASES);
	ncases = n;
	for (int i = 0; i < n; i++) {
		char title[64];
		snprintf(title, sizeof title, "故障测试：案件%d", i);
		prepare(&cases[i], ST_IN_PROGRESS, title, false);
		known_ver[i] = cases[i].version;
	}
	cx_drop(NULL);
}

int64_t wl_case_id(int i)
{
	return cases[i].id;
}

void wl_set_port(int port)
{
	__atomic_store_n(&cur_port, port, __ATOMIC_RELEASE);
}

int wl_port(void)
{
	return __atomic_load_n(&cur_port, __ATOMIC_ACQUIRE);
}

void wl_set_relay_port(int port)
{
	__atomic_store_n(&relay_port, port, __ATOMIC_RELEASE);
}

void wl_set_second_port(int port)
{
	__atomic_store_n(&second_port, port, __ATOMIC_RELEASE);
}

void wl_use_second_port(int worker)
{
	assert_true(worker >= 0 && worker < WL_MAXWORKERS);
	on_second[worker] = true;
}

void wl_start(int n, const char *const who[], int relay_worker)
{
	assert_true(n > 0 && n <= WL_MAXWORKERS && ncases > 0);
	nworkers = n;
	__atomic_store_n(&load_stop, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < n; i++) {
		memset(&workers[i], 0, sizeof workers[i]);
		workers[i].idx = i;
		workers[i].who = who[i];
		workers[i].relay = i == relay_worker;
		workers[i].second = on_second[i];
		workers[i].seed = 1000u + (unsigned)i;
		assert_int_equal(pthread_create(&workers[i].th, NULL, worker_main, &workers[i]), 0);
	}
}

int wl_started(void)
{
	return __atomic_load_n(&next_write, __ATOMIC_RELAXED);
}

int wl_acked(int worker)
{
	return __atomic_load_n(&workers[worker].acked, __ATOMIC_RELAXED);
}

void wl_stop(void)
{
	__atomic_store_n(&load_stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i].th, NULL);
	if (worker_error[0])
		fail_msg("%s", worker_error);
	char per[160] = "";
	for (int i = 0, off = 0; i < nworkers && off < (int)sizeof per; i++)
		off += snprintf(per + off, sizeof per - (size_t)off, " %d", workers[i].acked);
	print_message("load: %d writes, %d conflicts (re-read, new key), %d unavailable, %d other "
		      "retryable, %d reconnects (%d resumed), %d resent unchanged, %d replayed "
		      "answers; acknowledged per worker:%s\n",
		      next_write, n_conflicts, n_unavailable, n_other, n_reconnects, n_resumed,
		      n_resends, n_replays, per);
}

void wl_counts(struct wl_counts *c)
{
	*c = (struct wl_counts){ next_write, n_conflicts, n_unavailable, n_other, n_reconnects,
				 n_resends, n_replays, n_resumed };
}

/* applied[n]: how many events name write n. */
static void count_events(PGconn *db, int *applied)
{
	PGresult *res = PQexec(db,
		"SELECT substring(payload::text from 'flt([0-9]+)z')::int, count(*) FROM events "
		"WHERE kind IN ('contact', 'supervise') AND payload::text ~ 'flt[0-9]+z' GROUP BY 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("counting events: %s", PQerrorMessage(db));
	for (int i = 0; i < PQntuples(res); i++) {
		int n = atoi(PQgetvalue(res, i, 0));
		if (n < 0 || n >= MAXWRITES || !used[n])
			fail_msg("an event names write flt%dz, which no client made", n);
		applied[n] = atoi(PQgetvalue(res, i, 1));
	}
	PQclear(res);
}

/* The same in the tables the actions write to: the rows that disagree. */
static int count_row_mismatch(PGconn *db, const int *applied)
{
	PGresult *res = PQexec(db,
		"SELECT substring(t from 'flt([0-9]+)z')::int, count(*) FROM ("
		" SELECT note AS t FROM contacts UNION ALL SELECT text FROM supervision_notes) x "
		"WHERE t ~ 'flt[0-9]+z' GROUP BY 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("counting rows: %s", PQerrorMessage(db));
	int mismatch = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		int n = atoi(PQgetvalue(res, i, 0));
		if (n < 0 || n >= MAXWRITES || applied[n] != atoi(PQgetvalue(res, i, 1)))
			mismatch++;
	}
	PQclear(res);
	return mismatch;
}

void wl_tally(PGconn *db, struct wl_tally *t)
{
	static int applied[MAXWRITES];
	memset(applied, 0, sizeof applied);
	memset(t, 0, sizeof *t);
	count_events(db, applied);
	t->row_mismatch = count_row_mismatch(db, applied);
	for (int n = 1; n < MAXWRITES; n++) {
		if (!used[n])
			continue;
		if (applied[n] > 1) {
			t->twice++;
			print_message("write flt%dz applied %d times\n", n, applied[n]);
		}
		if (outcome[n] == W_ACK || outcome[n] == W_ACK_REPLAYED) {
			t->acked++;
			if (applied[n] == 1)
				t->once++;
			else if (applied[n] == 0) {
				t->lost++;
				print_message("acknowledged write flt%dz is not in the database\n", n);
			}
		} else {
			t->unacked++;
			t->unacked_applied += applied[n] == 1;
		}
	}
	PGresult *res = PQexec(db,
		"SELECT count(*), count(*) FILTER (WHERE s.version = coalesce(e.n, 0)) "
		"FROM suggestions s LEFT JOIN (SELECT suggestion_id, count(*) AS n FROM events "
		"GROUP BY suggestion_id) e ON e.suggestion_id = s.id");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("counting cases: %s", PQerrorMessage(db));
	t->ncases = atoi(PQgetvalue(res, 0, 0));
	t->consistent = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	print_message("%d writes acknowledged, %d applied once, %d twice, %d lost; %d unacknowledged "
		      "(%d of them applied); %d cases consistent of %d; contact/supervision rows "
		      "disagreeing with events: %d\n",
		      t->acked, t->once, t->twice, t->lost, t->unacked, t->unacked_applied,
		      t->consistent, t->ncases, t->row_mismatch);
}
