/* Memory of idle mutual-TLS sessions: jianyid's RSS before and after N
 * identified, idle sessions (default 1000), and the cost per session, for
 * each kind of client certificate, each on a fresh jianyid:
 *   Ed25519  deploy/pki's default for client certificates
 *   P-256    deploy/pki client --key-type p256 (keys on hardware tokens)
 * The server keeps each peer certificate's decoded public key for the life
 * of the session, and a P-256 key decodes into a private copy of the
 * curve's parameters (~2.5 KiB) where an Ed25519 key is 32 bytes.
 * Every session is a full handshake (no session ticket offered: the worst
 * case, and the figure the target is about); a second batch of N resumed
 * sessions is reported next to it. Prints figures; fails only if a session
 * cannot be opened. */
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

#include "bench_util.h"
#include "harness.h"

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

/* A P-256 client certificate "who" from the harness CA (deploy/pki client
 * --key-type p256), bound to a new account of that login. */
static void p256_client(struct harness *h, const char *who)
{
	harness_client_cert_key(h, who, "p256");
	char crt[320];
	snprintf(crt, sizeof crt, "%s/%s.crt", h->pki, who);
	if (harness_admin(h, "account-add", "--login", who, "--name", who, "--org", "联工委",
			  "--roles", "liaison_officer", "--cert", crt, NULL) != 0)
		fail_msg("cannot bind %s", crt);
}

/* n full-handshake sessions, then n resumed ones, as who[0] and who[1]
 * alternately, on a fresh jianyid; prints the RSS they cost. */
static void measure(struct harness *h, const char *label, const char *const who[2], int n)
{
	struct server_proc sp;
	server_start(h, &sp, "max_connections = 20000");
	printf("client certificates: %s\n", label);
	/* One session first, so lazily allocated state is not counted. */
	struct jy_client *warm = connect_as(h, &sp, who[0], false);
	usleep(200000);
	long before = bench_rss_kib(sp.pid);
	struct jy_client **c = calloc((size_t)n, sizeof *c);
	uint64_t t0 = harness_now_ms();
	for (int i = 0; i < n; i++)
		c[i] = connect_as(h, &sp, who[i % 2], false);
	uint64_t took = harness_now_ms() - t0;
	usleep(500000);
	long after = bench_rss_kib(sp.pid);
	printf("idle sessions: %d opened in %llu ms (%.0f full mutual-TLS handshakes + Hello per second, one client thread)\n",
	       n, (unsigned long long)took, n * 1000.0 / (double)(took ? took : 1));
	printf("jianyid RSS before: %ld KiB, after: %ld KiB, per idle session: %.1f KiB (%s)\n",
	       before, after, (double)(after - before) / n, label);
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
		r[i] = connect_as(h, &sp, who[i % 2], true);
	usleep(500000);
	long resumed = bench_rss_kib(sp.pid);
	printf("resumed: jianyid RSS after %d more: %ld KiB, per idle resumed session: %.1f KiB (%s)\n",
	       n, resumed, (double)(resumed - after) / n, label);
	for (int i = 0; i < n; i++) {
		jy_close(c[i]);
		jy_close(r[i]);
	}
	free(r);
	jy_close(warm);
	free(c);
	assert_true(after > 0 && before > 0);
	assert_int_equal(server_stop(&sp, SIGTERM, 20000), 0);
}

static void idle_sessions(void **state)
{
	(void)state;
	int n = getenv("JIANYI_IDLE_SESSIONS") ? atoi(getenv("JIANYI_IDLE_SESSIONS")) : 1000;
	bench_raise_nofile();
	struct harness h;
	harness_init(&h);
	const char *const ed25519[2] = { "alice", "bob" };
	measure(&h, "Ed25519 (deploy/pki default)", ed25519, n);
	p256_client(&h, "palice");
	p256_client(&h, "pbob");
	const char *const p256[2] = { "palice", "pbob" };
	measure(&h, "EC P-256 (--key-type p256)", p256, n);
	harness_cleanup(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(idle_sessions) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
