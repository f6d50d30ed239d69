/* The message path without the database: small Ping requests (16-byte
 * payload) pipelined on a few mutual-TLS connections, one client thread
 * per connection keeping a window of requests in flight. Reports requests
 * per second of wall time and per second of jianyid's CPU (/proc utime +
 * stime): the second is "per core", a regression figure for the session,
 * codec and TLS layers whatever else the machine does.
 *
 * JIANYI_BENCH_SECONDS (default 3), JIANYI_PING_CONNECTIONS (default 4),
 * JIANYI_PING_WINDOW (requests in flight per connection, default 32; the
 * server's max_in_flight is 64). Fails only if a ping fails. */
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

struct pinger {
	struct jy_client *c;
	int window;
	double seconds;
	long done, failed;
	char error[600];
};

static void ping_request(Jianyi__Request *req, Jianyi__PingRequest *p)
{
	static const uint8_t payload[16] = "0123456789abcdef";
	jianyi__request__init(req);
	jianyi__ping_request__init(p);
	p->payload.data = (uint8_t *)payload;
	p->payload.len = sizeof payload;
	req->body_case = JIANYI__REQUEST__BODY_PING;
	req->ping = p;
}

static void *pinger_main(void *arg)
{
	struct pinger *pg = arg;
	Jianyi__Request req;
	Jianyi__PingRequest p;
	struct jy_error e;
	ping_request(&req, &p);
	int in_flight = 0;
	double t0 = bench_now();
	bool sending = true;
	while (sending || in_flight > 0) {
		if (sending && bench_now() - t0 >= pg->seconds)
			sending = false;
		while (sending && in_flight < pg->window) {
			if (!jy_send(pg->c, &req, NULL, &e)) {
				snprintf(pg->error, sizeof pg->error, "send: %s", e.message);
				return NULL;
			}
			in_flight++;
		}
		Jianyi__Envelope *env = NULL;
		if (!jy_receive(pg->c, &env, &e)) {
			pg->failed++;
			snprintf(pg->error, sizeof pg->error, "receive: %s", e.message);
			if (env)
				jy_envelope_free(env);
			return NULL;
		}
		in_flight--;
		pg->done++;
		jy_envelope_free(env);
	}
	return NULL;
}

static void ping_path(void **state)
{
	(void)state;
	double seconds = (double)bench_env_long("JIANYI_BENCH_SECONDS", 3, 1, 600);
	int nconn = (int)bench_env_long("JIANYI_PING_CONNECTIONS", 4, 1, 256);
	int window = (int)bench_env_long("JIANYI_PING_WINDOW", 32, 1, 64);
	struct harness h;
	harness_init(&h);
	struct server_proc sp;
	/* info logging stays on (one line per session, none per request), as
	 * in production */
	server_start(&h, &sp, NULL);
	struct pinger *pg = calloc((size_t)nconn, sizeof *pg);
	pthread_t *th = calloc((size_t)nconn, sizeof *th);
	assert_non_null(pg);
	assert_non_null(th);
	for (int i = 0; i < nconn; i++) {
		pg[i].c = client_connect(&h, &sp, i % 2 ? "bob" : "alice");
		pg[i].window = window;
		pg[i].seconds = seconds;
	}
	bench_print_conditions();
	double c0 = bench_cpu_seconds(sp.pid), t0 = bench_now();
	for (int i = 0; i < nconn; i++)
		assert_int_equal(pthread_create(&th[i], NULL, pinger_main, &pg[i]), 0);
	long done = 0, failed = 0;
	for (int i = 0; i < nconn; i++) {
		pthread_join(th[i], NULL);
		done += pg[i].done;
		failed += pg[i].failed;
		if (pg[i].error[0])
			fprintf(stderr, "connection %d: %s\n", i, pg[i].error);
	}
	double wall = bench_now() - t0, cpu = bench_cpu_seconds(sp.pid) - c0;
	printf("ping path: %d connections x %d in flight, 16-byte payload: %ld pings in %.2f s = "
	       "%.0f /s wall; jianyid CPU %.2f s = %.0f pings per server-CPU second (per core)\n",
	       nconn, window, done, wall, (double)done / wall, cpu, cpu > 0 ? (double)done / cpu : 0);
	for (int i = 0; i < nconn; i++)
		jy_close(pg[i].c);
	free(pg);
	free(th);
	assert_int_equal(server_stop(&sp, SIGTERM, 20000), 0);
	harness_cleanup(&h);
	assert_int_equal(failed, 0);
	assert_true(done > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(ping_path) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
