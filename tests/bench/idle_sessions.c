/* Memory of idle mutual-TLS sessions: jianyid's RSS before and after N
 * identified, idle sessions (default 1000), and the cost per session.
 * Prints figures; fails only if a session cannot be opened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "harness.h"

static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kib = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void idle_sessions(void **state)
{
	(void)state;
	int n = getenv("JIANYI_IDLE_SESSIONS") ? atoi(getenv("JIANYI_IDLE_SESSIONS")) : 1000;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);

	struct harness h;
	harness_init(&h);
	struct server_proc sp;
	server_start(&h, &sp, "max_connections = 20000");
	/* One session first, so lazily allocated state is not counted. */
	struct jy_client *warm = client_connect(&h, &sp, "alice");
	usleep(200000);
	long before = rss_kib(sp.pid);
	struct jy_client **c = calloc((size_t)n, sizeof *c);
	uint64_t t0 = harness_now_ms();
	for (int i = 0; i < n; i++)
		c[i] = client_connect(&h, &sp, i % 2 ? "alice" : "bob");
	uint64_t took = harness_now_ms() - t0;
	usleep(500000);
	long after = rss_kib(sp.pid);
	printf("idle sessions: %d opened in %llu ms (%.0f full mutual-TLS handshakes + Hello per second, one client thread)\n",
	       n, (unsigned long long)took, n * 1000.0 / (double)(took ? took : 1));
	printf("jianyid RSS before: %ld KiB, after: %ld KiB, per idle session: %.1f KiB\n",
	       before, after, (double)(after - before) / n);
	for (int i = 0; i < n; i++)
		jy_close(c[i]);
	jy_close(warm);
	free(c);
	assert_true(after > 0 && before > 0);
	assert_int_equal(server_stop(&sp, SIGTERM, 20000), 0);
	harness_cleanup(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(idle_sessions) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
