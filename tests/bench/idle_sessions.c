/* Memory of idle mutual-TLS sessions: jianyid's RSS before and after N
 * identified, idle sessions (default 1000), and the cost per session.
 * Every session is a full handshake (no session ticket offered: the worst
 * case, and the figure the target is about); a second batch of N resumed
 * sessions is reported next to it. Prints figures; fails only if a session
 * cannot be opened.
 *
 * JIANYI_IDLE_CLIENT_KEY=ed25519 makes the clients' certificates Ed25519
 * (signed by the same CA, bound to two new accounts) instead of deploy/pki's
 * EC P-256: the server keeps each peer certificate's decoded public key for
 * the life of the session, and a P-256 key decodes into a private copy of
 * the curve's parameters (~2.5 KiB) where an Ed25519 key is 32 bytes. */
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

static struct jy_client *connect_as(struct harness *h, struct server_proc *sp, const char *who,
				    bool resume)
{
	struct jy_client_options o;
	char buf[2048];
	struct jy_error e;
	client_opts(h, sp, who, &o, buf, sizeof buf);
	o.no_resume = !resume;
	struct jy_client *c = jy_connect(&o, &e);
	if (!c)
		fail_msg("connect as %s: %s", who, e.message);
	return c;
}

/* An Ed25519 client certificate "who" from the harness CA (deploy/pki
 * client --key-type ed25519), bound to a new account of that login. */
static void ed25519_client(struct harness *h, const char *who)
{
	char cmd[1200];
	const char *root = getenv("JIANYI_SOURCE_ROOT");
	snprintf(cmd, sizeof cmd, "'%s/deploy/pki' client '%s' %s --key-type ed25519 >/dev/null",
		 root ? root : ".", h->pki, who);
	if (system(cmd) != 0)
		fail_msg("cannot make an Ed25519 certificate for %s", who);
	char crt[320];
	snprintf(crt, sizeof crt, "%s/%s.crt", h->pki, who);
	if (harness_admin(h, "account-add", "--login", who, "--name", who, "--org", "联工委",
			  "--roles", "liaison_officer", "--cert", crt, NULL) != 0)
		fail_msg("cannot bind %s", crt);
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
	const char *key = getenv("JIANYI_IDLE_CLIENT_KEY");
	const char *who[2] = { "alice", "bob" };
	if (key && strcmp(key, "ed25519") == 0) {
		ed25519_client(&h, "edalice");
		ed25519_client(&h, "edbob");
		who[0] = "edalice";
		who[1] = "edbob";
	}
	printf("client certificates: %s\n", who[0][0] == 'e' ? "Ed25519" : "EC P-256 (deploy/pki)");
	/* One session first, so lazily allocated state is not counted. */
	struct jy_client *warm = connect_as(&h, &sp, who[0], false);
	usleep(200000);
	long before = rss_kib(sp.pid);
	struct jy_client **c = calloc((size_t)n, sizeof *c);
	uint64_t t0 = harness_now_ms();
	for (int i = 0; i < n; i++)
		c[i] = connect_as(&h, &sp, who[i % 2], false);
	uint64_t took = harness_now_ms() - t0;
	usleep(500000);
	long after = rss_kib(sp.pid);
	printf("idle sessions: %d opened in %llu ms (%.0f full mutual-TLS handshakes + Hello per second, one client thread)\n",
	       n, (unsigned long long)took, n * 1000.0 / (double)(took ? took : 1));
	printf("jianyid RSS before: %ld KiB, after: %ld KiB, per idle session: %.1f KiB\n",
	       before, after, (double)(after - before) / n);
	/* JIANYI_IDLE_HOLD_MS keeps the idle sessions open for inspection (a
	 * heap profiler's snapshot of jianyid, e.g. massif via vgdb). */
	if (getenv("JIANYI_IDLE_HOLD_MS")) {
		printf("holding %d idle sessions of jianyid pid %d\n", n, (int)sp.pid);
		fflush(stdout);
		usleep((useconds_t)atoi(getenv("JIANYI_IDLE_HOLD_MS")) * 1000u);
	}
	/* The same number again, resuming: a resumed session's state comes
	 * from the ticket (the peer certificate without its chain). */
	struct jy_client **r = calloc((size_t)n, sizeof *r);
	for (int i = 0; i < n; i++)
		r[i] = connect_as(&h, &sp, who[i % 2], true);
	usleep(500000);
	long resumed = rss_kib(sp.pid);
	printf("resumed: jianyid RSS after %d more: %ld KiB, per idle resumed session: %.1f KiB\n",
	       n, resumed, (double)(resumed - after) / n);
	for (int i = 0; i < n; i++) {
		jy_close(c[i]);
		jy_close(r[i]);
	}
	free(r);
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
