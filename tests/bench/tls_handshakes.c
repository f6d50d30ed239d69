/* TLS handshakes per second of server CPU: jianyid next to `openssl
 * s_server`, in the same run, with the same certificates (EC P-256 from
 * deploy/pki), mutual TLS 1.3, ALPN jianyi/1, one session ticket per
 * handshake (s_server -num_tickets 1, as jianyid sends).
 *
 * One client loop in this process drives both servers the same way: TCP
 * connect, handshake, close_notify, read until the server closes (so the
 * server has verified our certificate and sent its ticket before the next
 * connection starts). Full handshakes, then resumed ones (the ticket from
 * the previous connection). The server's CPU is read from /proc/<pid>/stat
 * (utime + stime) before and after, so the figure is handshakes per second
 * of the server's own CPU, whatever else runs on the machine. jianyid does
 * no database work here: the client never sends Hello.
 *
 * Then `openssl s_time -new` (which cannot offer ALPN: jianyid finishes the
 * handshake and closes) against both, for the reference rate the issue
 * names, measured the same way.
 *
 * JIANYI_BENCH_SECONDS (default 2) per measurement. JIANYI_BENCH_HANDSHAKES=N
 * makes exactly N handshakes of each kind against each server instead (and
 * skips s_time), for instruction counts that do not depend on the load:
 * run both servers under valgrind --tool=callgrind (docs/BENCHMARKS-tls.md).
 * Fails only when handshakes fail or do not resume. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench_util.h"
#include "harness.h"
#include "tls.h"

static SSL_SESSION *ticket;   /* the newest ticket from the server under test */

static int keep_ticket(SSL *ssl, SSL_SESSION *sess)
{
	(void)ssl;
	SSL_SESSION_free(ticket);
	ticket = sess;
	return 1;
}

struct figures {
	long n;               /* completed handshakes */
	long failures;        /* handshakes that failed */
	long not_resumed;     /* asked to resume, did a full handshake */
	double wall, cpu;     /* seconds: elapsed, and the server's CPU */
};

/* One connection: handshake, close_notify, wait for the server's close. */
static void one(SSL_CTX *ctx, int port, bool resume, struct figures *f)
{
	int fd = bench_tcp_connect(port);
	if (fd < 0) {
		f->failures++;
		return;
	}
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	SSL *ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (resume && ticket)
		SSL_set_session(ssl, ticket);
	if (SSL_connect(ssl) != 1) {
		f->failures++;
	} else {
		f->n++;
		if (resume && !SSL_session_reused(ssl))
			f->not_resumed++;
		SSL_shutdown(ssl);
		char buf[256];
		while (SSL_read(ssl, buf, sizeof buf) > 0)
			;
	}
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
}

static long fixed_count;   /* JIANYI_BENCH_HANDSHAKES, 0: timed runs */

static struct figures run(SSL_CTX *ctx, int port, pid_t server, bool resume, double seconds)
{
	struct figures f = { 0 };
	if (resume && !ticket) {
		struct figures warm = { 0 };
		one(ctx, port, false, &warm);   /* the first ticket */
	}
	double c0 = bench_cpu_seconds(server), t0 = bench_now();
	if (fixed_count > 0) {
		for (long i = 0; i < fixed_count; i++)
			one(ctx, port, resume, &f);
	} else {
		while (bench_now() - t0 < seconds)
			one(ctx, port, resume, &f);
	}
	f.wall = bench_now() - t0;
	f.cpu = bench_cpu_seconds(server) - c0;
	return f;
}

static double per_cpu(const struct figures *f)
{
	return f->cpu > 0 ? (double)f->n / f->cpu : 0;
}

static void report(const char *who, const char *kind, const struct figures *f)
{
	printf("%-9s %-8s %6ld handshakes in %.2f s: %7.0f /s wall, server CPU %.2f s -> %7.0f "
	       "per server-CPU second (failed %ld, not resumed %ld)\n", who, kind, f->n, f->wall,
	       (double)f->n / f->wall, f->cpu, per_cpu(f), f->failures, f->not_resumed);
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		fail_msg("no free port: %s", strerror(errno));
	close(fd);
	return ntohs(sa.sin_port);
}

static pid_t spawn_quiet(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static pid_t start_s_server(struct harness *h, int port)
{
	char accept[32], cert[320], key[320], ca[320];
	snprintf(accept, sizeof accept, "127.0.0.1:%d", port);
	snprintf(cert, sizeof cert, "%s/server.crt", h->pki);
	snprintf(key, sizeof key, "%s/server.key", h->pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", h->pki);
	char *argv[] = { "openssl", "s_server", "-accept", accept, "-cert", cert, "-key", key,
			 "-CAfile", ca, "-Verify", "4", "-tls1_3", "-alpn", "jianyi/1",
			 "-num_tickets", "1", "-www", "-quiet", NULL };
	pid_t pid = spawn_quiet(argv);
	for (int i = 0; i < 200; i++) {
		int fd = bench_tcp_connect(port);
		if (fd >= 0) {
			close(fd);
			return pid;
		}
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("openssl s_server did not listen on %d", port);
	return -1;
}

/* `openssl s_time -new` for seconds against port; the connection count it
 * prints goes into f, the server's CPU is measured around it. */
static struct figures s_time(struct harness *h, int port, pid_t server, int seconds)
{
	char connect[32], cert[320], key[320], ca[320], secs[16], cmd[1400];
	snprintf(connect, sizeof connect, "127.0.0.1:%d", port);
	snprintf(cert, sizeof cert, "%s/alice.crt", h->pki);
	snprintf(key, sizeof key, "%s/alice.key", h->pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", h->pki);
	snprintf(secs, sizeof secs, "%d", seconds);
	snprintf(cmd, sizeof cmd, "openssl s_time -connect %s -new -tls1_3 -time %s -cert %s "
		 "-key %s -CAfile %s 2>/dev/null", connect, secs, cert, key, ca);
	struct figures f = { 0 };
	double c0 = bench_cpu_seconds(server), t0 = bench_now();
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[512];
	while (fgets(line, sizeof line, p)) {
		long n, real;
		if (sscanf(line, "%ld connections in %ld real seconds", &n, &real) == 2)
			f.n = n;
	}
	pclose(p);
	f.wall = bench_now() - t0;
	f.cpu = bench_cpu_seconds(server) - c0;
	return f;
}

static void tls_handshakes(void **state)
{
	(void)state;
	double seconds = (double)bench_env_long("JIANYI_BENCH_SECONDS", 2, 1, 600);
	fixed_count = bench_env_long("JIANYI_BENCH_HANDSHAKES", 0, 0, 1000000);
	struct harness h;
	harness_init(&h);
	struct server_proc sp;
	server_start(&h, &sp, NULL);
	int sport = free_port();
	pid_t ss = start_s_server(&h, sport);

	char err[512], cert[320], key[320], ca[320];
	snprintf(cert, sizeof cert, "%s/alice.crt", h.pki);
	snprintf(key, sizeof key, "%s/alice.key", h.pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", h.pki);
	struct jy_tls_files files = { cert, key, ca, false };
	SSL_CTX *ctx = jy_tls_client_ctx(&files, err, sizeof err);
	if (!ctx)
		fail_msg("client context: %s", err);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, keep_ticket);

	bench_print_conditions();
	printf("mutual TLS 1.3, EC P-256 certificates, one client loop in this process, %.0f s each\n",
	       seconds);
	/* Interleaved, so load from other processes hits both alike. */
	struct figures jf = run(ctx, sp.port, sp.pid, false, seconds);
	struct figures of = run(ctx, sport, ss, false, seconds);
	SSL_SESSION_free(ticket);
	ticket = NULL;
	struct figures jr = run(ctx, sp.port, sp.pid, true, seconds);
	SSL_SESSION_free(ticket);
	ticket = NULL;
	struct figures or = run(ctx, sport, ss, true, seconds);
	SSL_SESSION_free(ticket);
	ticket = NULL;
	report("jianyid", "full", &jf);
	report("s_server", "full", &of);
	report("jianyid", "resumed", &jr);
	report("s_server", "resumed", &or);
	double rf = per_cpu(&of) > 0 ? per_cpu(&jf) / per_cpu(&of) : 0;
	double rr = per_cpu(&or) > 0 ? per_cpu(&jr) / per_cpu(&or) : 0;
	printf("ratio jianyid/s_server per server-CPU second: full %.2f, resumed %.2f (target >= 0.8: %s)\n",
	       rf, rr, rf >= 0.8 && rr >= 0.8 ? "met" : "missed");

	int st = (int)seconds;
	struct figures tj = { 0 }, to = { 0 };
	if (fixed_count > 0)
		goto done;
	tj = s_time(&h, sp.port, sp.pid, st);
	to = s_time(&h, sport, ss, st);
	report("jianyid", "s_time", &tj);
	report("s_server", "s_time", &to);
	printf("ratio jianyid/s_server under s_time -new: per server-CPU second %.2f, wall %.2f\n",
	       per_cpu(&to) > 0 ? per_cpu(&tj) / per_cpu(&to) : 0,
	       to.n > 0 ? ((double)tj.n / tj.wall) / ((double)to.n / to.wall) : 0);

done:
	SSL_CTX_free(ctx);
	kill(ss, SIGTERM);
	waitpid(ss, NULL, 0);
	assert_true(server_alive(&sp));
	assert_int_equal(server_stop(&sp, SIGTERM, 20000), 0);
	harness_cleanup(&h);
	assert_true(jf.n > 0 && of.n > 0 && jr.n > 0 && or.n > 0);
	assert_int_equal(jf.failures + jr.failures + of.failures + or.failures, 0);
	assert_int_equal(jr.not_resumed, 0);
	assert_int_equal(or.not_resumed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(tls_handshakes) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
