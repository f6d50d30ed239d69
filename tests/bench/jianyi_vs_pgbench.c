/* The figure we steer by (issue #6): jianyi-bench's write and read mixes
 * through jianyid, then pgbench on the same SQL with the same values and
 * concurrency against the same database, and the ratios jianyid/pgbench.
 * A county is loaded first (county.c). The defaults are a short run for CI;
 * docs/BENCHMARKS.md has the long runs:
 *   JIANYI_BENCH_SUGGESTIONS  cases in all (default 3000)
 *   JIANYI_BENCH_WORKING      of which in progress (default 300)
 *   JIANYI_BENCH_SECONDS      per run and side (default 3)
 *   JIANYI_BENCH_CLIENTS, JIANYI_BENCH_IN_FLIGHT   (default 4 x 8)
 *   JIANYI_BENCH_POOLS        jianyid database pool sizes, comma-separated
 *                             (default 4, the server's default)
 * Fails only when a run fails (a refused request, a pgbench error, pgbench
 * writes that did not apply), never on a figure. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench_run.h"
#include "county.h"
#include "wf_helpers.h"

static void jianyi_vs_pgbench(void **state)
{
	(void)state;
	struct county c = {
		.suggestions = bench_env_int("JIANYI_BENCH_SUGGESTIONS", 3000),
		.working = bench_env_int("JIANYI_BENCH_WORKING", 300),
	};
	int seconds = bench_env_int("JIANYI_BENCH_SECONDS", 3);
	int clients = bench_env_int("JIANYI_BENCH_CLIENTS", 4);
	int in_flight = bench_env_int("JIANYI_BENCH_IN_FLIGHT", 8);
	const char *pools = getenv("JIANYI_BENCH_POOLS");
	if (!pools || !*pools)
		pools = "4";
	if (c.working < 2 * clients * in_flight)
		fail_msg("JIANYI_BENCH_WORKING must be at least 2 x clients x in-flight (%d): jianyid and"
			 " pgbench each drive their own cases", 2 * clients * in_flight);

	wf_fixture_up("[database]\npool_size = 4");
	county_load(&c);
	printf("county: %d suggestions (%d in progress in term %d session %d), ids %lld-%lld, %d units,"
	       " loaded in %.1f s\n", c.suggestions, c.working, COUNTY_WORK_TERM, COUNTY_WORK_SESSION,
	       (long long)c.min_id, (long long)c.max_id, c.nunits, c.seconds);

	char cl[32], inf[32], dur[32], pg[400], pool_list[128];
	snprintf(cl, sizeof cl, "--clients=%d", clients);
	snprintf(inf, sizeof inf, "--in-flight=%d", in_flight);
	snprintf(dur, sizeof dur, "--duration=%d", seconds);
	snprintf(pg, sizeof pg, "--pgbench=%s", H.pg.conninfo);
	snprintf(pool_list, sizeof pool_list, "%s", pools);
	int failures = 0;
	char *save = NULL;
	for (char *p = strtok_r(pool_list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int pool = atoi(p);
		if (pool < 1 || pool > 256)
			fail_msg("JIANYI_BENCH_POOLS: '%s' is not a pool size (1 to 256)", p);
		server_stop(&S, SIGTERM, 10000);
		char ini[64];
		snprintf(ini, sizeof ini, "[database]\npool_size = %d", pool);
		server_start(&H, &S, ini);
		printf("\n==== jianyid database pool_size = %d ====\n", pool);
		static const char *const mixes[] = { "--mix=write", "--mix=read" };
		for (size_t m = 0; m < 2; m++) {
			const char *extra[] = { cl, inf, dur, mixes[m], pg, NULL };
			int rc = bench_run(&c, extra, NULL);
			if (rc != 0) {
				printf("jianyi-bench exited with %d\n", rc);
				failures++;
			}
		}
	}
	fflush(stdout);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(jianyi_vs_pgbench) };
	return cmocka_run_group_tests_name("jianyi_vs_pgbench", tests, NULL, wf_teardown);
}
