/* A reconnect storm: N identified, idle mutual-TLS sessions (default 1000)
 * are all dropped at once by killing jianyid (SIGKILL, a crash), a new
 * jianyid starts on the same port, and every client reconnects with
 * libjianyi's jittered exponential back-off (jy_backoff, 100 ms doubling to
 * 5 s), then proves its session with a Ping. Reports the time from the
 * kill until every session is back, the server's restart time, how many
 * attempts were refused meanwhile, and how many sessions were lost (must
 * be zero: a session that is not back within JIANYI_STORM_GIVE_UP_S,
 * default 300 s, counts as lost).
 *
 * A first phase drops every session from the client side and reconnects
 * to the same server: these resume with the server's ticket. In the crash
 * phase the new process has a new ticket key, so no old ticket resumes; as
 * a thousand separate client processes would each need a full handshake
 * (one process would share the first new ticket among its connections),
 * the clients offer no ticket there: the worst case.
 *
 * JIANYI_STORM_SESSIONS (default 1000; 10000 is the long run, see
 * docs/BENCHMARKS-tls.md), JIANYI_STORM_THREADS (client threads, default 4). */
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

#include "bench_util.h"
#include "harness.h"

static double give_up_s = 300;     /* JIANYI_STORM_GIVE_UP_S */

static struct harness H;
static struct server_proc S;
static struct server_proc target;   /* S as the clients see it: the port */
static struct jy_client **clients;
static int nsessions, nthreads;
static bool full_handshakes;        /* clients offer no ticket (see phase 2) */

struct worker {
	int first, last;          /* clients [first, last) */
	double t0;                /* when the sessions were dropped */
	double done_at;           /* when this worker's last client was back */
	long attempts, refused, lost, resumed;
	char error[300];
};

static bool ping(struct jy_client *c, struct jy_error *e)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__PingRequest p = JIANYI__PING_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &p;
	bool ok = jy_call(c, &req, &env, e);
	if (env)
		jy_envelope_free(env);
	return ok;
}

/* Reconnects clients [first, last) with back-off; each is due at its own
 * time and the thread always tries the one due first, as if each client
 * were its own process with its own timer (a client refused early must
 * not wait for a pass over all the others). */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int n = w->last - w->first;
	struct jy_backoff *b = calloc((size_t)n, sizeof *b);
	double *due = calloc((size_t)n, sizeof *due);
	bool *back = calloc((size_t)n, sizeof *back);
	int left = n;
	if (!b || !due || !back) {
		snprintf(w->error, sizeof w->error, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		jy_backoff_init(&b[i], 100, 5000);
		/* Clients notice the drop at about the same moment; the first
		 * attempt is already jittered. */
		due[i] = w->t0 + jy_backoff_next(&b[i]) / 1000.0;
	}
	while (left > 0) {
		double now = bench_now();
		if (now - w->t0 > give_up_s) {
			w->lost += left;
			break;
		}
		int i = -1;
		for (int k = 0; k < n; k++)
			if (!back[k] && (i < 0 || due[k] < due[i]))
				i = k;
		if (due[i] > now) {
			usleep((useconds_t)((due[i] - now) * 1e6));
			continue;
		}
		struct jy_client_options o;
		char buf[2048];
		struct jy_error e;
		client_opts(&H, &target, (w->first + i) % 2 ? "bob" : "alice", &o, buf, sizeof buf);
		o.timeout_ms = 5000;
		o.no_resume = full_handshakes;
		w->attempts++;
		struct jy_client *c = jy_connect(&o, &e);
		if (c && ping(c, &e)) {
			w->resumed += jy_resumed(c);
			clients[w->first + i] = c;
			back[i] = true;
			left--;
			w->done_at = bench_now();
		} else {
			if (c)
				jy_close(c);
			w->refused++;
			due[i] = bench_now() + jy_backoff_next(&b[i]) / 1000.0;
		}
	}
	free(b);
	free(due);
	free(back);
	return NULL;
}

struct storm {
	struct worker *w;
	pthread_t *th;
	double t0;
};

/* Starts reconnecting every client whose slot is empty, from t0. */
static void storm_begin(struct storm *st, double t0)
{
	st->w = calloc((size_t)nthreads, sizeof *st->w);
	st->th = calloc((size_t)nthreads, sizeof *st->th);
	st->t0 = t0;
	assert_non_null(st->w);
	assert_non_null(st->th);
	int per = (nsessions + nthreads - 1) / nthreads;
	for (int i = 0; i < nthreads; i++) {
		st->w[i].first = i * per < nsessions ? i * per : nsessions;
		st->w[i].last = (i + 1) * per < nsessions ? (i + 1) * per : nsessions;
		st->w[i].t0 = t0;
		st->w[i].done_at = t0;
		assert_int_equal(pthread_create(&st->th[i], NULL, worker_main, &st->w[i]), 0);
	}
}

/* Waits for every client; returns the seconds from t0 to the last one back. */
static double storm_end(struct storm *st, long *attempts, long *refused, long *lost, long *resumed)
{
	double last = st->t0;
	*attempts = *refused = *lost = *resumed = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(st->th[i], NULL);
		if (st->w[i].error[0])
			fail_msg("%s", st->w[i].error);
		*attempts += st->w[i].attempts;
		*refused += st->w[i].refused;
		*lost += st->w[i].lost;
		*resumed += st->w[i].resumed;
		if (st->w[i].done_at > last)
			last = st->w[i].done_at;
	}
	free(st->w);
	free(st->th);
	return last - st->t0;
}

static void close_all(void)
{
	for (int i = 0; i < nsessions; i++) {
		jy_close(clients[i]);   /* what each client does when its read fails */
		clients[i] = NULL;
	}
}

static void reconnect_storm(void **state)
{
	(void)state;
	nsessions = (int)bench_env_long("JIANYI_STORM_SESSIONS", 1000, 1, 19000);
	nthreads = (int)bench_env_long("JIANYI_STORM_THREADS", 4, 1, 64);
	give_up_s = (double)bench_env_long("JIANYI_STORM_GIVE_UP_S", 300, 1, 86400);
	bench_raise_nofile();
	harness_init(&H);
	server_start(&H, &S, "max_connections = 20000\nmax_handshakes = 1000");
	/* The workers read only the port, which stays the same across the
	 * restart; S itself is rewritten by server_start meanwhile. */
	target = S;
	clients = calloc((size_t)nsessions, sizeof *clients);
	assert_non_null(clients);
	bench_print_conditions();
	long attempts, refused, lost, resumed;
	struct storm st;

	/* Open the sessions (the first ones full, the rest resume alice's or
	 * bob's ticket). */
	storm_begin(&st, bench_now());
	double t = storm_end(&st, &attempts, &refused, &lost, &resumed);
	printf("opened %d sessions in %.2f s (%ld resumed, %ld attempts refused)\n", nsessions, t,
	       resumed, refused);
	assert_int_equal(lost, 0);
	long rss = bench_rss_kib(S.pid);

	/* Phase 1: every client drops its session at once and returns to the
	 * same server (tickets resume). */
	close_all();
	storm_begin(&st, bench_now());
	t = storm_end(&st, &attempts, &refused, &lost, &resumed);
	printf("same server: %d sessions dropped and back in %.2f s, %ld attempts, %ld refused, "
	       "%ld resumed, %ld lost\n", nsessions, t, attempts, refused, resumed, lost);
	assert_int_equal(lost, 0);

	/* Phase 2: jianyid crashes with every session open; a new one starts
	 * on the same port while the clients already knock. */
	char ini[128];
	snprintf(ini, sizeof ini, "max_connections = 20000\nmax_handshakes = 1000\n"
		 "listen = 127.0.0.1:%d", target.port);
	double t0 = bench_now();
	server_stop(&S, SIGKILL, 5000);
	close_all();
	full_handshakes = true;
	storm_begin(&st, t0);
	double r0 = bench_now();
	server_start(&H, &S, ini);
	double restart = bench_now() - r0;
	assert_int_equal(S.port, target.port);
	t = storm_end(&st, &attempts, &refused, &lost, &resumed);
	long rss_after = bench_rss_kib(S.pid);
	printf("crash and restart: %d sessions back %.2f s after the kill (new jianyid ready "
	       "after %.2f s), %ld attempts, %ld refused, %ld resumed, %ld lost; jianyid RSS %ld "
	       "KiB before, %ld KiB after\n", nsessions, t, restart, attempts, refused, resumed,
	       lost, rss, rss_after);
	assert_int_equal(lost, 0);
	close_all();
	free(clients);
	assert_int_equal(server_stop(&S, SIGTERM, 20000), 0);
	harness_cleanup(&H);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(reconnect_storm) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
