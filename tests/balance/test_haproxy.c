/* Several jianyid behind HAProxy (issue 15; docs/OPERATIONS.md "Several
 * instances behind HAProxy"): three instances on one database, each with
 * proxy_protocol = v2 and the same ticket_key_file, behind an HAProxy in TCP
 * mode that sends PROXY v2 headers (also with its health checks) from its
 * own source address 127.0.0.2.
 *
 * 1. A ticket one instance issued resumes on the others: consecutive
 *    connections through the balancer (round robin) each resume, and every
 *    instance counts resumed handshakes. jianyid logs the client's own
 *    address and port from the header, never the balancer's; a connection
 *    from elsewhere, or one from the balancer's address without a header,
 *    is closed with a log line saying why.
 * 1b. The HTTP side ([http] proxy_protocol = v2) behind a TCP frontend of
 *    its own: the access log names the client's address from the header;
 *    a header sent in pieces is waited for; a connection from an address
 *    not on proxy_from, or from the balancer without a header, is closed
 *    with a line saying why.
 * 2. Clients write (the fault suite's load and counting, write_load.h:
 *    idempotency keys, the same key again after a lost connection, a new
 *    one after a conflict) through HAProxy while one instance is killed
 *    with SIGKILL; they reconnect through HAProxy to the others, resuming
 *    their TLS sessions, and every acknowledged write is in the database
 *    exactly once.
 * Skipped (77) without haproxy. */
#include "write_load.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <openssl/rand.h>

#define NINST 3
#define PROXY_SOURCE "127.0.0.2"    /* HAProxy's source address towards jianyid */
#define CLIENT_SOURCE "127.0.0.9"   /* a client with an address of its own */

static struct server_proc inst[NINST];
static pid_t haproxy_pid;
static int front_port;              /* HAProxy's frontend */
static int front_http_port;         /* its frontend for the instances' HTTP side */
static char haproxy_bin[256];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool find_haproxy(void)
{
	static const char *const where[] = { "/usr/sbin/haproxy", "/usr/bin/haproxy",
					     "/usr/local/sbin/haproxy" };
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
		if (access(where[i], X_OK) == 0) {
			snprintf(haproxy_bin, sizeof haproxy_bin, "%s", where[i]);
			return true;
		}
	return false;
}

/* A TCP socket from source (NULL: any) to 127.0.0.1:port; -1 on failure. */
static int tcp_from(const char *source, int port, unsigned *local_port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	if (source) {
		inet_pton(AF_INET, source, &sa.sin_addr);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			goto fail;
	}
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		goto fail;
	socklen_t sl = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	if (local_port)
		*local_port = ntohs(sa.sin_port);
	return fd;
fail:
	close(fd);
	return -1;
}

/* Whether the peer closes fd within ms (EOF or reset). */
static bool closed_within(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, ms) <= 0)
		return false;
	char c;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t sl = sizeof sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static bool any_harness_file_has(const char *s)
{
	for (int i = 0; i < NINST; i++)
		if (harness_file_has(inst[i].log, s))
			return true;
	return false;
}

/* ---- the set-up: cases, three instances, HAProxy ------------------------- */

#define NCASES 6

static void write_ticket_keys(const char *path)
{
	uint8_t keys[160];
	assert_int_equal(RAND_bytes(keys, sizeof keys), 1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, keys, sizeof keys), (ssize_t)sizeof keys);
	close(fd);
}

static void start_haproxy(void)
{
	char cfg[320], log[320];
	snprintf(cfg, sizeof cfg, "%s/haproxy.cfg", H.dir);
	snprintf(log, sizeof log, "%s/haproxy.log", H.dir);
	front_port = free_port();
	front_http_port = free_port();
	FILE *f = fopen(cfg, "w");
	assert_non_null(f);
	/* TCP mode: HAProxy relays the TLS bytes and prepends a PROXY v2
	 * header; its health checks (a TCP connect) send a LOCAL one. A
	 * refused connection to a dead instance is retried on another. */
	fprintf(f,
		"global\n  maxconn 256\n"
		"defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n"
		"  timeout server 60s\n  retries 3\n  option redispatch 1\n"
		"frontend jianyi\n  bind 127.0.0.1:%d\n  default_backend jianyid\n"
		"backend jianyid\n  balance roundrobin\n"
		"  default-server send-proxy-v2 check inter 300ms fall 2 rise 2\n",
		front_port);
	for (int i = 0; i < NINST; i++)
		fprintf(f, "  server j%d 127.0.0.1:%d source %s\n", i, inst[i].port, PROXY_SOURCE);
	/* The HTTP side, also in TCP mode with PROXY v2 (no health checks). */
	fprintf(f, "frontend web\n  bind 127.0.0.1:%d\n  default_backend web\n"
		"backend web\n  balance roundrobin\n  default-server send-proxy-v2\n", front_http_port);
	for (int i = 0; i < NINST; i++)
		fprintf(f, "  server w%d 127.0.0.1:%d source %s\n", i, inst[i].http_port, PROXY_SOURCE);
	fclose(f);
	pid_t parent = getpid();
	haproxy_pid = fork();
	assert_true(haproxy_pid >= 0);
	if (haproxy_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(haproxy_bin, haproxy_bin, "-db", "-f", cfg, (char *)NULL);
		_exit(127);
	}
	uint64_t deadline = harness_now_ms() + 10000;
	for (;;) {
		int fd = tcp_from(NULL, front_port, NULL);
		if (fd >= 0) {
			close(fd);
			break;
		}
		if (harness_now_ms() > deadline || waitpid(haproxy_pid, NULL, WNOHANG) == haproxy_pid)
			fail_msg("haproxy did not start (its log: %s)", log);
		sleep_ms(50);
	}
	sleep_ms(1000);   /* a few health checks */
}

static int setup(void **state)
{
	(void)state;
	wf_fixture_up(NULL);
	wl_prepare_cases(NCASES);
	/* From now on only the instances behind the balancer serve. */
	assert_int_equal(server_stop(&S, SIGTERM, 10000), 0);
	char keys[300], extra[700];
	snprintf(keys, sizeof keys, "%s/ticket.key", H.dir);
	write_ticket_keys(keys);
	snprintf(extra, sizeof extra,
		 "proxy_protocol = v2\nproxy_from = " PROXY_SOURCE "\n[tls]\nticket_key_file = %s\n"
		 "[http]\nproxy_protocol = v2\nproxy_from = " PROXY_SOURCE "\n", keys);
	for (int i = 0; i < NINST; i++)
		server_start(&H, &inst[i], extra);
	start_haproxy();
	return 0;
}

static int teardown(void **state)
{
	if (haproxy_pid > 0) {
		kill(haproxy_pid, SIGTERM);
		waitpid(haproxy_pid, NULL, 0);
	}
	for (int i = 0; i < NINST; i++)
		if (inst[i].pid > 0)
			server_stop(&inst[i], SIGTERM, 10000);
	return wf_teardown(state);
}

/* ---- 1. resumption across instances, the client's address ---------------- */

static void tickets_resume_across_instances(void **state)
{
	(void)state;
	long before[NINST];
	for (int i = 0; i < NINST; i++)
		before[i] = harness_handshakes(&inst[i], "resumed");
	/* Round robin: each connection on the next instance, each offering the
	 * ticket the previous one (another instance) issued. */
	int resumed = 0;
	for (int k = 0; k < 2 * NINST + 1; k++) {
		struct jy_error e;
		struct jy_client *c = client_try_connect(&H, front_port, "liaison", 10000, &e);
		if (!c)
			fail_msg("connection %d through haproxy: %s", k, e.message);
		if (k > 0 && !jy_resumed(c))
			fail_msg("connection %d through haproxy did not resume its TLS session", k);
		resumed += jy_resumed(c);
		Jianyi__Envelope *env = wf_get_ok(c, wl_case_id(0));
		jy_envelope_free(env);
		jy_close(c);
	}
	assert_int_equal(resumed, 2 * NINST);
	for (int i = 0; i < NINST; i++) {
		long now = harness_handshakes(&inst[i], "resumed");
		print_message("instance %d: %ld resumed handshakes\n", i, now - before[i]);
		if (now - before[i] < 1)
			fail_msg("instance %d resumed no session: tickets do not travel between instances", i);
	}
}

static void client_address_from_header(void **state)
{
	(void)state;
	/* A client of its own address: the instance HAProxy picks logs it, with
	 * its port, although the TCP connection comes from PROXY_SOURCE. */
	unsigned port = 0;
	int fd = tcp_from(CLIENT_SOURCE, front_port, &port);
	assert_true(fd >= 0);
	sleep_ms(300);
	close(fd);
	char want[64];
	snprintf(want, sizeof want, "peer=%s:%u ", CLIENT_SOURCE, port);
	uint64_t deadline = harness_now_ms() + 5000;
	while (!any_harness_file_has(want) && harness_now_ms() < deadline)
		sleep_ms(50);
	if (!any_harness_file_has(want))
		fail_msg("no instance logged %s", want);
	/* Identified sessions name the clients, never the balancer. */
	int ready_clients = 0;
	for (int i = 0; i < NINST; i++) {
		ready_clients += harness_file_lines(inst[i].log, "event=session_ready", "peer=127.0.0.1:");
		if (harness_file_lines(inst[i].log, "event=session_ready", "peer=" PROXY_SOURCE ":"))
			fail_msg("instance %d logged the balancer's address for a client (%s)", i,
				 inst[i].log);
	}
	assert_true(ready_clients >= 2 * NINST + 1);

	/* Straight to an instance, from an address not on proxy_from: closed. */
	fd = tcp_from("127.0.0.1", inst[0].port, &port);
	assert_true(fd >= 0);
	assert_true(closed_within(fd, 2000));
	close(fd);
	snprintf(want, sizeof want, "peer=127.0.0.1:%u reason=not_from_a_proxy", port);
	sleep_ms(100);
	if (!harness_file_has(inst[0].log, want))
		fail_msg("%s does not say %s", inst[0].log, want);
	/* From the balancer's address but without a header (a TLS record). */
	fd = tcp_from(PROXY_SOURCE, inst[0].port, &port);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x16\x03\x01\x02\x00", 5), 5);
	assert_true(closed_within(fd, 2000));
	close(fd);
	snprintf(want, sizeof want, "peer=" PROXY_SOURCE ":%u reason=\"no PROXY v2 header", port);
	sleep_ms(100);
	if (!harness_file_has(inst[0].log, want))
		fail_msg("%s does not say %s", inst[0].log, want);
}

/* ---- 1b. the HTTP side behind the balancer ---------------------------------- */

/* Sends bytes on fd and reads the answer's status (0: closed without one). */
static int http_status(int fd, const void *bytes, size_t len)
{
	char buf[512];
	if (send(fd, bytes, len, MSG_NOSIGNAL) != (ssize_t)len)
		return 0;
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, 5000) <= 0)
		return 0;
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	int status = 0;
	sscanf(buf, "HTTP/1.%*d %d", &status);
	return status;
}

/* A PROXY v2 header (TCP over IPv4) naming client:port as the source. */
static size_t proxy_header(uint8_t *h, const char *client, uint16_t port)
{
	static const uint8_t sig[12] = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51,
					 0x55, 0x49, 0x54, 0x0A };
	memcpy(h, sig, sizeof sig);
	h[12] = 0x21;                  /* version 2, PROXY */
	h[13] = 0x11;                  /* TCP over IPv4 */
	h[14] = 0;
	h[15] = 12;
	inet_pton(AF_INET, client, h + 16);
	inet_pton(AF_INET, "127.0.0.1", h + 20);
	h[24] = (uint8_t)(port >> 8);
	h[25] = (uint8_t)port;
	h[26] = 0x1F;
	h[27] = 0x90;
	return 28;
}

/* How many access lines of all instances name peer. */
static int access_lines(const char *peer)
{
	int n = 0;
	for (int i = 0; i < NINST; i++)
		n += harness_file_lines(inst[i].log, "event=http_access", peer);
	return n;
}

static void http_client_address_from_header(void **state)
{
	(void)state;
	static const char get[] = "GET /healthz HTTP/1.0\r\n\r\n";
	/* Through HAProxy from a client of its own address. */
	int fd = tcp_from(CLIENT_SOURCE, front_http_port, NULL);
	assert_true(fd >= 0);
	assert_int_equal(http_status(fd, get, strlen(get)), 200);
	close(fd);
	uint64_t deadline = harness_now_ms() + 5000;
	while (access_lines("peer=" CLIENT_SOURCE) == 0 && harness_now_ms() < deadline)
		sleep_ms(50);
	if (access_lines("peer=" CLIENT_SOURCE) == 0)
		fail_msg("no instance's access log names the client " CLIENT_SOURCE);
	if (access_lines("peer=" PROXY_SOURCE) > 0)
		fail_msg("an instance logged the balancer's address for an HTTP client");

	/* A header of our own from the balancer's address, in two pieces. */
	uint8_t h[64];
	size_t n = proxy_header(h, "10.1.2.3", 40000);
	memcpy(h + n, get, strlen(get));
	fd = tcp_from(PROXY_SOURCE, inst[0].http_port, NULL);
	assert_true(fd >= 0);
	assert_int_equal(send(fd, h, 10, MSG_NOSIGNAL), 10);
	sleep_ms(200);
	assert_int_equal(http_status(fd, h + 10, n - 10 + strlen(get)), 200);
	close(fd);
	sleep_ms(100);
	if (!harness_file_lines(inst[0].log, "event=http_access", "peer=10.1.2.3"))
		fail_msg("%s has no access line for 10.1.2.3", inst[0].log);

	/* Straight to an instance from an address not on proxy_from: closed. */
	fd = tcp_from("127.0.0.1", inst[0].http_port, NULL);
	assert_true(fd >= 0);
	assert_int_equal(http_status(fd, get, strlen(get)), 0);
	close(fd);
	sleep_ms(100);
	if (!harness_file_has(inst[0].log, "listener=http peer=127.0.0.1 reason=not_from_a_proxy"))
		fail_msg("%s does not say an HTTP connection was not from a proxy", inst[0].log);
	/* From the balancer's address without a header: closed too. */
	fd = tcp_from(PROXY_SOURCE, inst[0].http_port, NULL);
	assert_true(fd >= 0);
	assert_int_equal(http_status(fd, get, strlen(get)), 0);
	close(fd);
	sleep_ms(100);
	if (!harness_file_has(inst[0].log,
			      "listener=http peer=" PROXY_SOURCE " reason=\"no PROXY v2 header"))
		fail_msg("%s does not say an HTTP connection had no PROXY header", inst[0].log);
}

/* ---- 2. writes while an instance dies -------------------------------------- */

#define NWORKERS 3       /* two make contact (two certificates), the last supervises */

static void writes_survive_an_instance_killed(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	/* A certificate per worker: libjianyi keeps tickets per certificate,
	 * so a worker offers the ticket of its own last connection, and one
	 * that reconnects after the kill offers a ticket of the dead instance. */
	char crt[320];
	harness_client_cert(&H, "a-clerk2");
	snprintf(crt, sizeof crt, "%s/a-clerk2.crt", H.pki);
	assert_int_equal(harness_admin(&H, "cert-bind", "--login", "a-clerk", "--cert", crt, NULL), 0);
	static const char *const who[NWORKERS] = { "a-clerk", "a-clerk2", "cmte" };
	wl_set_port(front_port);   /* every worker through the balancer */
	wl_start(NWORKERS, who, -1);
	sleep_ms(2000);
	int victim = 1;
	print_message("instance %d killed (SIGKILL) after %d writes started\n", victim, wl_started());
	assert_int_equal(server_stop(&inst[victim], SIGKILL, 5000), 128 + SIGKILL);
	sleep_ms(3000);
	wl_stop();

	struct wl_counts c;
	wl_counts(&c);
	PGconn *db = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	struct wl_tally t;
	wl_tally(db, &t);
	PQfinish(db);
	assert_true(t.acked >= 30);
	assert_int_equal(t.once, t.acked);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.twice, 0);
	/* Round robin put one of the three clients on the instance killed. */
	assert_true(c.reconnects >= 1);
	/* Tickets the dead instance issued opened on living ones. */
	assert_true(c.resumed >= 1);
	assert_true(c.resumed * 2 >= c.reconnects);
}

int main(void)
{
	if (!find_haproxy()) {
		fprintf(stderr, "haproxy is not installed (apt-get install haproxy): skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(tickets_resume_across_instances, wf_each),
		cmocka_unit_test_setup(client_address_from_header, wf_each),
		cmocka_unit_test_setup(http_client_address_from_header, wf_each),
		cmocka_unit_test_setup(writes_survive_an_instance_killed, wf_each),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
