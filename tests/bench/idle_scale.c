/* Connection scale (issue #6): jianyid holding many idle mutual-TLS
 * sessions while the operation mix runs on 32 other connections (8 clients
 * x the 4 accounts of the mixed mix). Prints jianyid's RSS per idle session
 * and the mix's throughput with and without the idle sessions. The idle
 * holders are jianyi-bench --idle processes of at most IDLE_PER_PROCESS
 * sessions each: a process may open 20,000 files on this machine, and
 * jianyid needs one per session too (its max_connections is raised in its
 * ini). Short by default; docs/BENCHMARKS.md has the 10,000-session run:
 *   JIANYI_BENCH_IDLE      idle sessions (default 300)
 *   JIANYI_BENCH_SECONDS   each mix run (default 3)
 * Fails only when sessions cannot be opened or a run fails. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench_run.h"
#include "bench_util.h"
#include "county.h"
#include "wf_helpers.h"

#define IDLE_PER_PROCESS 5000
#define MAX_HOLDERS 16

static void idle_scale(void **state)
{
	(void)state;
	int idle = bench_env_int("JIANYI_BENCH_IDLE", 300);
	int seconds = bench_env_int("JIANYI_BENCH_SECONDS", 3);
	if (idle < 1 || idle > IDLE_PER_PROCESS * MAX_HOLDERS)
		fail_msg("JIANYI_BENCH_IDLE must be 1 to %d", IDLE_PER_PROCESS * MAX_HOLDERS);
	/* jianyid inherits this limit: one descriptor per session. */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max < (rlim_t)idle + 200)
		fail_msg("jianyid may open only %llu files (hard limit); %d idle sessions need more",
			 (unsigned long long)rl.rlim_max, idle);

	struct county c = { .suggestions = bench_env_int("JIANYI_BENCH_SUGGESTIONS", 3000),
			    .working = bench_env_int("JIANYI_BENCH_WORKING", 300) };
	wf_fixture_up("max_connections = 20000\nmax_in_flight = 64\n[database]\npool_size = 4");
	county_load(&c);
	printf("county: %d suggestions, %d in progress; open files limit %llu\n", c.suggestions, c.working,
	       (unsigned long long)rl.rlim_cur);

	char dur[32];
	snprintf(dur, sizeof dur, "--duration=%d", seconds);
	const char *extra[] = { "--clients=8", "--in-flight=4", "--mix=mixed", dur, NULL };
	double base_rps = 0, idle_rps = 0;
	printf("\n==== the mix without idle sessions ====\n");
	assert_int_equal(bench_run(&c, extra, &base_rps), 0);

	sleep(1);
	long before = bench_rss_kib(S.pid);
	int holders = (idle + IDLE_PER_PROCESS - 1) / IDLE_PER_PROCESS, opened = 0;
	pid_t pid[MAX_HOLDERS];
	int hold[MAX_HOLDERS];
	uint64_t t0 = harness_now_ms();
	for (int i = 0; i < holders; i++) {
		int n = idle / holders + (i < idle % holders), ready;
		pid[i] = bench_idle_start(n, &hold[i], &ready);
		opened += ready;
	}
	uint64_t took = harness_now_ms() - t0;
	sleep(1);
	long after = bench_rss_kib(S.pid);
	printf("\nidle sessions: %d of %d open (%d holder processes) in %.1f s; jianyid RSS %ld KiB before,"
	       " %ld KiB after: %.1f KiB per idle session\n", opened, idle, holders, (double)took / 1000.0,
	       before, after, opened ? (double)(after - before) / opened : 0.0);
	printf("RESULT side=jianyid scale idle_sessions=%d rss_before_kib=%ld rss_after_kib=%ld"
	       " per_session_kib=%.1f\n", opened, before, after,
	       opened ? (double)(after - before) / opened : 0.0);

	printf("\n==== the mix with %d idle sessions ====\n", opened);
	int rc = bench_run(&c, extra, &idle_rps);
	printf("\nSCALE mix=mixed connections=32 rps_without_idle=%.1f rps_with_%d_idle=%.1f ratio=%.2f\n",
	       base_rps, opened, idle_rps, base_rps > 0 ? idle_rps / base_rps : 0);
	for (int i = 0; i < holders; i++) {
		close(hold[i]);
		int st;
		waitpid(pid[i], &st, 0);
	}
	fflush(stdout);
	assert_int_equal(rc, 0);
	assert_int_equal(opened, idle);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(idle_scale) };
	return cmocka_run_group_tests_name("idle_scale", tests, NULL, wf_teardown);
}
