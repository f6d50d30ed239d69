/* Throughput of workflow transitions (contact records on cases in progress)
 * through a real jianyid over mutual TLS on a real PostgreSQL, with the
 * server's default database pool (pool_size 4): TP_CONNS connections with
 * TP_DEPTH requests in flight each, then one connection with one request at a
 * time for comparison. Prints requests per second and p50/p99 latency; fails
 * only if a request is not answered or does not succeed. The fixture (accounts
 * per role, cases brought to a stage) is the workflow tests' (wf_helpers.c). */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "wf_helpers.h"

/* The server's default (server/base/config.c); the harness otherwise uses 2. */
#define POOL_SIZE 4
#define JY_STR_(x) #x
#define JY_STR(x) JY_STR_(x)

#define TP_CONNS 8
#define TP_DEPTH 8
#define TP_TOTAL 2000

struct tp_worker {
	struct jy_client *c;
	struct kase cases[TP_DEPTH];
	int sent, done, errors;
	uint64_t *lat_us;
	char first_error[640];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *tp_run(void *arg)
{
	struct tp_worker *w = arg;
	int quota = TP_TOTAL / TP_CONNS;
	uint64_t ids[TP_DEPTH], started[TP_DEPTH];
	struct jy_act acts[TP_DEPTH];
	struct jy_error e;
	for (int s = 0; s < TP_DEPTH && w->sent < quota; s++) {
		wf_act_init(&acts[s], A(CONTACT), w->cases[s].id, w->cases[s].version);
		valid_params(&acts[s], A(CONTACT));
		Jianyi__Request req;
		wf_request(&req, &acts[s]);
		started[s] = now_us();
		if (!jy_send(w->c, &req, &ids[s], &e)) {
			snprintf(w->first_error, sizeof w->first_error, "send: %s", e.message);
			return NULL;
		}
		w->sent++;
	}
	while (w->done < w->sent) {
		Jianyi__Envelope *env = NULL;
		if (!jy_receive(w->c, &env, &e)) {
			if (!env) {
				snprintf(w->first_error, sizeof w->first_error, "receive: %s", e.message);
				w->errors += w->sent - w->done;
				return NULL;
			}
		}
		int s = 0;
		while (s < TP_DEPTH && ids[s] != env->id)
			s++;
		if (s == TP_DEPTH) {
			jy_envelope_free(env);
			continue;
		}
		w->lat_us[w->done++] = now_us() - started[s];
		struct wf_res r;
		wf_res_from_env(&r, env, &e);
		if (r.code == OK) {
			w->cases[s].version = r.sug->version;
		} else {
			if (!w->errors++)
				snprintf(w->first_error, sizeof w->first_error, "%s: %s",
					 jy_status_str(r.code), r.message);
			/* resynchronise on the version the message names */
			w->cases[s].version++;
		}
		wf_res_free(&r);
		if (w->sent < quota) {
			wf_act_init(&acts[s], A(CONTACT), w->cases[s].id, w->cases[s].version);
			valid_params(&acts[s], A(CONTACT));
			Jianyi__Request req;
			wf_request(&req, &acts[s]);
			started[s] = now_us();
			if (!jy_send(w->c, &req, &ids[s], &e)) {
				snprintf(w->first_error, sizeof w->first_error, "send: %s", e.message);
				return NULL;
			}
			w->sent++;
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}


/* PostgreSQL sessions other than this one on the test database: jianyid's
 * pool (it opens every connection at start). */
static int64_t pg_sessions(void)
{
	return sql_id("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
		      "AND backend_type = 'client backend' AND pid <> pg_backend_pid()", NULL);
}

static void workflow_throughput(void **state)
{
	(void)state;
	wf_fixture_up("[database]\npool_size = " JY_STR(POOL_SIZE));
	struct tp_worker w[TP_CONNS];
	memset(w, 0, sizeof w);
	uint64_t t0 = now_us();
	for (int i = 0; i < TP_CONNS; i++)
		for (int s = 0; s < TP_DEPTH; s++)
			prepare(&w[i].cases[s], ST_IN_PROGRESS_NOCONTACT, "性能测试：三访记录", false);
	printf("prepared %d cases in %.1f s\n", TP_CONNS * TP_DEPTH, (double)(now_us() - t0) / 1e6);
	printf("server database pool: pool_size = %d, %lld PostgreSQL sessions open\n", POOL_SIZE,
	       (long long)pg_sessions());
	for (int i = 0; i < TP_CONNS; i++) {
		w[i].c = client_connect(&H, &S, "a-clerk");
		w[i].lat_us = calloc(TP_TOTAL, sizeof(uint64_t));
	}
	pthread_t th[TP_CONNS];
	t0 = now_us();
	for (int i = 0; i < TP_CONNS; i++)
		pthread_create(&th[i], NULL, tp_run, &w[i]);
	for (int i = 0; i < TP_CONNS; i++)
		pthread_join(th[i], NULL);
	uint64_t elapsed = now_us() - t0;
	uint64_t *all = calloc(TP_TOTAL, sizeof(uint64_t));
	size_t n = 0;
	int errors = 0;
	for (int i = 0; i < TP_CONNS; i++) {
		memcpy(all + n, w[i].lat_us, (size_t)w[i].done * sizeof(uint64_t));
		n += (size_t)w[i].done;
		errors += w[i].errors;
		if (w[i].first_error[0])
			printf("connection %d: first error: %s\n", i, w[i].first_error);
		free(w[i].lat_us);
		jy_close(w[i].c);
	}
	qsort(all, n, sizeof all[0], cmp_u64);
	if (n > 0)
		printf("THROUGHPUT contact: %zu requests (%d errors) over %d connections x %d in flight, "
		       "database pool %d, in %.2f s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		       n, errors, TP_CONNS, TP_DEPTH, POOL_SIZE, (double)elapsed / 1e6,
		       (double)n * 1e6 / (double)elapsed, (double)all[n / 2] / 1000.0,
		       (double)all[(n * 99) / 100] / 1000.0, (double)all[n - 1] / 1000.0);
	free(all);

	/* For comparison: one connection, one request at a time. */
	struct kase one = w[0].cases[0];
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), one.id);
	one.version = g->response->get_suggestion->suggestion->version;
	jy_envelope_free(g);
	enum { SERIAL = 200 };
	uint64_t lat[SERIAL];
	int serial_errors = 0;
	uint64_t s0 = now_us();
	for (int i = 0; i < SERIAL; i++) {
		struct jy_act a;
		wf_act_init(&a, A(CONTACT), one.id, one.version);
		valid_params(&a, A(CONTACT));
		struct wf_res r;
		uint64_t t = now_us();
		int code = wf_do(cx("a-clerk"), &a, &r);
		lat[i] = now_us() - t;
		if (code == OK) {
			one.version = r.sug->version;
		} else {
			if (!serial_errors++)
				printf("serial: first error: %s: %s\n", jy_status_str(code), r.message);
			one.version++;
		}
		wf_res_free(&r);
	}
	uint64_t serial_us = now_us() - s0;
	qsort(lat, SERIAL, sizeof lat[0], cmp_u64);
	printf("THROUGHPUT contact, serial: %d requests (%d errors) on 1 connection x 1 in flight, "
	       "database pool %d: %.0f req/s, p50 %.2f ms, p99 %.2f ms\n", SERIAL, serial_errors,
	       POOL_SIZE, (double)SERIAL * 1e6 / (double)serial_us, (double)lat[SERIAL / 2] / 1000.0,
	       (double)lat[(SERIAL * 99) / 100] / 1000.0);
	fflush(stdout);
	/* Not a speed assertion: every request was answered and succeeded. */
	assert_int_equal(n, TP_TOTAL);
	assert_int_equal(errors, 0);
	assert_int_equal(serial_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(workflow_throughput) };
	return cmocka_run_group_tests_name("workflow_throughput", tests, NULL, wf_teardown);
}
