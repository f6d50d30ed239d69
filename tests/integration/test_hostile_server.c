/* What a server can make libjianyi hold (the "Fixes" issue, item 21: "the
 * client bounds what a server can make it hold (unsolicited events queued
 * while waiting for an answer)").
 *
 * A real jianyid never floods (its feed sends "resync" past a backlog), so
 * the hostile side here is a stand-in: a TLS server on the harness's real
 * server certificate that greets the real client with a Welcome, then
 * answers its next request with a flood of pushed events and no answer.
 * The client must fail the call with RESOURCE_EXHAUSTED naming the bound,
 * not hold it all and wait; a modest number of events before the answer
 * stays fine. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/ssl.h>

#include "frame.h"
#include "harness.h"
#include "protocol.h"
#include "tls.h"

static struct harness H;

struct flood {
	unsigned events;           /* pushed after the client's second request */
	size_t details_bytes;      /* each event's details */
	bool answer;               /* then answer that request */
	int lfd, port;
	pthread_t thread;
};

static bool ssl_read_all(SSL *ssl, uint8_t *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		int k = SSL_read(ssl, buf + off, (int)(n - off));
		if (k <= 0)
			return false;
		off += (size_t)k;
	}
	return true;
}

/* Reads one frame and returns its envelope id (0 on failure). */
static uint64_t read_request(SSL *ssl)
{
	uint8_t head[JY_FRAME_HEADER_BYTES], *body;
	uint32_t len = 0;
	char err[256];

	if (!ssl_read_all(ssl, head, sizeof head))
		return 0;
	jy_frame_peek(head, sizeof head, JY_HARD_MAX_FRAME, &len);
	body = malloc(len ? len : 1);
	if (body == NULL || !ssl_read_all(ssl, body, len)) {
		free(body);
		return 0;
	}
	Jianyi__Envelope *env = jy_envelope_decode(body, len, err, sizeof err);
	free(body);
	uint64_t id = env ? env->id : 0;
	if (env)
		jy_envelope_free(env);
	return id;
}

static bool send_envelope(SSL *ssl, const Jianyi__Envelope *env)
{
	uint8_t *frame;
	size_t len;
	char err[256];
	bool ok = jy_frame_encode(env, JY_HARD_MAX_FRAME, &frame, &len, err, sizeof err) &&
		  SSL_write(ssl, frame, (int)len) == (int)len;
	free(frame);
	return ok;
}

static void *flood_main(void *arg)
{
	struct flood *f = arg;
	char crt[400], key[400], ca[400], err[256];
	snprintf(crt, sizeof crt, "%s/server.crt", H.pki);
	snprintf(key, sizeof key, "%s/server.key", H.pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", H.pki);
	/* jianyid's own TLS set-up (ALPN, TLS 1.3, client certificates) */
	struct jy_tls_files files = { .cert_file = crt, .key_file = key, .ca_file = ca };
	SSL_CTX *ctx = jy_tls_server_ctx(&files, err, sizeof err);
	if (ctx == NULL)
		return NULL;
	int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	SSL *ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1)
		goto out;

	/* The greeting: a Welcome to the Hello. */
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__Welcome w = JIANYI__WELCOME__INIT;
	env.id = read_request(ssl);
	w.protocol_version = JY_PROTOCOL_VERSION;
	w.software = "hostile/0";
	resp.body_case = JIANYI__RESPONSE__BODY_WELCOME;
	resp.welcome = &w;
	env.body_case = JIANYI__ENVELOPE__BODY_RESPONSE;
	env.response = &resp;
	if (env.id == 0 || !send_envelope(ssl, &env))
		goto out;

	/* The next request: events it did not ask for, then maybe the answer. */
	uint64_t id = read_request(ssl);
	char *details = malloc(f->details_bytes + 1);
	memset(details, 'x', f->details_bytes);
	details[f->details_bytes] = '\0';
	Jianyi__Envelope ev_env = JIANYI__ENVELOPE__INIT;
	Jianyi__Event ev = JIANYI__EVENT__INIT;
	Jianyi__FeedEvent fe = JIANYI__FEED_EVENT__INIT;
	fe.kind = "contact";
	fe.details = details;
	ev.kind = "feed";
	ev.cursor = "v1:1";
	ev.feed = &fe;
	ev_env.body_case = JIANYI__ENVELOPE__BODY_EVENT;
	ev_env.event = &ev;
	bool ok = true;
	for (unsigned i = 0; ok && i < f->events; i++) {
		ev.sequence = fe.sequence = i + 1;
		ok = send_envelope(ssl, &ev_env);
	}
	free(details);
	if (ok && f->answer) {
		Jianyi__PingResponse pr = JIANYI__PING_RESPONSE__INIT;
		Jianyi__Response r2 = JIANYI__RESPONSE__INIT;
		r2.body_case = JIANYI__RESPONSE__BODY_PING;
		r2.ping = &pr;
		env.id = id;
		env.response = &r2;
		send_envelope(ssl, &env);
	}
	/* Hold the connection until the client is done with it. */
	uint8_t sink[4096];
	while (SSL_read(ssl, sink, sizeof sink) > 0)
		;
out:
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	return NULL;
}

static void flood_start(struct flood *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(f->lfd, 1), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sa, &sl), 0);
	f->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&f->thread, NULL, flood_main, f), 0);
}

/* Connects the real client to the flood, sends a Ping; the call's outcome. */
static int ping_through(struct flood *f, struct jy_client **out, char *msg, size_t msglen)
{
	struct server_proc sp = { 0 };
	struct jy_client_options o;
	char buf[2048];
	struct jy_error e;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__PingRequest ping = JIANYI__PING_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;

	flood_start(f);
	sp.port = f->port;
	client_opts(&H, &sp, "alice", &o, buf, sizeof buf);
	o.timeout_ms = 5000 * harness_time_scale();   /* a client that holds it all waits */
	struct jy_client *c = jy_connect(&o, &e);
	if (c == NULL)
		fail_msg("connect to the stand-in: %s", e.message);
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &ping;
	int code = jy_call(c, &req, &resp, &e) ? 0 : e.code;
	snprintf(msg, msglen, "%s", code ? e.message : "");
	if (resp)
		jy_envelope_free(resp);
	*out = c;
	return code;
}

static void flood_end(struct flood *f, struct jy_client *c)
{
	jy_close(c);
	pthread_join(f->thread, NULL);
	close(f->lfd);
}

static void too_many_bytes_fail_the_call(void **state)
{
	(void)state;
	/* 40 events of ~1 MB: past JY_MAX_QUEUED_EVENT_BYTES (32 MiB). */
	struct flood f = { .events = 40, .details_bytes = 1000000 };
	struct jy_client *c;
	char msg[512];
	int code = ping_through(&f, &c, msg, sizeof msg);
	flood_end(&f, c);
	if (code != JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED)
		fail_msg("want resource_exhausted, got %s: %s", jy_status_str(code), msg);
	assert_non_null(strstr(msg, "bytes"));
}

static void too_many_events_fail_the_call(void **state)
{
	(void)state;
	struct flood f = { .events = JY_MAX_QUEUED_EVENTS + 1, .details_bytes = 1 };
	struct jy_client *c;
	char msg[512];
	int code = ping_through(&f, &c, msg, sizeof msg);
	flood_end(&f, c);
	if (code != JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED)
		fail_msg("want resource_exhausted, got %s: %s", jy_status_str(code), msg);
	assert_non_null(strstr(msg, "events"));
}

static void a_few_events_are_kept(void **state)
{
	(void)state;
	struct flood f = { .events = 100, .details_bytes = 1000, .answer = true };
	struct jy_client *c;
	char msg[512];
	assert_int_equal(ping_through(&f, &c, msg, sizeof msg), 0);
	struct jy_error e;
	for (unsigned i = 1; i <= 100; i++) {
		Jianyi__Envelope *ev;
		assert_true(jy_next_event(c, 0, &ev, &e));
		assert_int_equal(ev->event->sequence, i);
		jy_envelope_free(ev);
	}
	flood_end(&f, c);
}

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);   /* the stand-in writes to a client that left */
	harness_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_cleanup(&H);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_few_events_are_kept),
		cmocka_unit_test(too_many_bytes_fail_the_call),
		cmocka_unit_test(too_many_events_fail_the_call),
	};
	return cmocka_run_group_tests_name("hostile_server", tests, setup, teardown);
}
