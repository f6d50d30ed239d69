/* Sessions end to end: a real PostgreSQL, a real jianyid, real mutual TLS.
 * Identity from certificates, refusals that name the problem, hostile
 * frames, pipelining, back-pressure, a database outage, and draining. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/rand.h>

#include "frame.h"
#include "harness.h"
#include "jianyi_test.h"
#include "protocol.h"
#include "tls.h"

static struct harness H;
static struct server_proc S;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	/* Stretched under valgrind, where a first handshake alone takes seconds. */
	char extra[64];
	snprintf(extra, sizeof extra, "handshake_timeout = %d", 2 * harness_time_scale());
	server_start(&H, &S, extra);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_teardown(&H, &S);
	return 0;
}

static void whoami_request(Jianyi__Request *req, Jianyi__WhoAmIRequest *w)
{
	jianyi__request__init(req);
	jianyi__who_am_irequest__init(w);
	req->body_case = JIANYI__REQUEST__BODY_WHOAMI;
	req->whoami = w;
}

static void ping_request(Jianyi__Request *req, Jianyi__PingRequest *p, const char *payload)
{
	jianyi__request__init(req);
	jianyi__ping_request__init(p);
	p->payload.data = (uint8_t *)payload;
	p->payload.len = strlen(payload);
	req->body_case = JIANYI__REQUEST__BODY_PING;
	req->ping = p;
}

/* Whether a fresh client as "alice" can still do a whoami. */
static void assert_serving(struct server_proc *sp)
{
	struct jy_client *c = client_connect(&H, sp, "alice");
	Jianyi__Request req;
	Jianyi__WhoAmIRequest w;
	whoami_request(&req, &w);
	Jianyi__Envelope *resp = NULL;
	struct jy_error e;
	assert_true(jy_call(c, &req, &resp, &e));
	assert_string_equal(resp->response->whoami->identity->login, "alice");
	jy_envelope_free(resp);
	jy_close(c);
}

static void whoami_returns_identity(void **state)
{
	(void)state;
	struct jy_client *c = client_connect(&H, &S, "bob");
	const Jianyi__Welcome *w = jy_welcome(c);
	assert_int_equal(w->protocol_version, JY_PROTOCOL_VERSION);
	assert_string_equal(w->identity->login, "bob");
	assert_true(w->limits->max_in_flight > 0);

	Jianyi__Request req;
	Jianyi__WhoAmIRequest wr;
	whoami_request(&req, &wr);
	Jianyi__Envelope *resp = NULL;
	struct jy_error e;
	assert_true(jy_call(c, &req, &resp, &e));
	Jianyi__Identity *id = resp->response->whoami->identity;
	assert_string_equal(id->login, "bob");
	assert_string_equal(id->display_name, "王波");
	assert_string_equal(id->organization_name, "县教育局");
	assert_string_equal(id->organization_kind, "handling_unit");
	assert_int_equal(id->n_roles, 1);
	assert_string_equal(id->roles[0], "unit_clerk");
	assert_int_equal(strlen(id->certificate_sha256), 64);
	jy_envelope_free(resp);
	jy_close(c);
}

/* Connecting as who must fail with code, and the message must contain needle. */
static void assert_refused(const char *who, int code, const char *needle)
{
	struct jy_client_options o;
	char buf[2048];
	client_opts(&H, &S, who, &o, buf, sizeof buf);
	struct jy_error e;
	memset(&e, 0, sizeof e);
	struct jy_client *c = jy_connect(&o, &e);
	if (c) {
		jy_close(c);
		fail_msg("%s was accepted", who);
	}
	if (e.code != code || !strstr(e.message, needle))
		fail_msg("%s: expected %s containing '%s', got %s: %s", who, jy_status_str(code),
			 needle, jy_status_str(e.code), e.message);
}

static void bad_certificates_refused(void **state)
{
	(void)state;
	assert_refused("stranger", JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "not bound to any account");
	assert_refused("carol", JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "revoked");
	assert_refused("dave", JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, "disabled");
	assert_refused("expired", JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "expired");
	assert_refused("foreign", JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "certificate");

	/* No certificate at all: the TLS 1.3 handshake completes on the client
	 * side, then the server's alert closes the connection. */
	SSL *ssl = raw_tls_connect(&H, &S, NULL);
	if (ssl) {
		assert_true(raw_wait_closed(ssl, 5000));
		raw_tls_close(ssl);
	}
	assert_true(server_alive(&S));
	assert_serving(&S);
}

static void hello_must_come_first(void **state)
{
	(void)state;
	SSL *ssl = raw_tls_connect(&H, &S, "alice");
	assert_non_null(ssl);
	Jianyi__Request req;
	Jianyi__PingRequest p;
	ping_request(&req, &p, "too early");
	assert_true(raw_send_request(ssl, 5, &req));
	Jianyi__Envelope *env = raw_read_envelope(ssl, 5000);
	assert_non_null(env);
	assert_int_equal(env->id, 5);
	assert_int_equal(env->response->status->code, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(env->response->status->message, "Hello"));
	jy_envelope_free(env);
	assert_true(raw_wait_closed(ssl, 5000));
	raw_tls_close(ssl);
}

static void silent_client_times_out(void **state)
{
	(void)state;
	/* TLS done, never a Hello: closed after handshake_timeout (2 s natively). */
	SSL *ssl = raw_tls_connect(&H, &S, "alice");
	assert_non_null(ssl);
	uint64_t t0 = harness_now_ms();
	assert_true(raw_wait_closed(ssl, 6000));
	uint64_t took = harness_now_ms() - t0;
	assert_true(took >= 1500);
	raw_tls_close(ssl);
}

/* Sends a ping (so the client library waits for an answer) and expects the
 * server's final status for the connection instead: code and a message with
 * needle, then a closed connection. */
static void expect_connection_refused(struct jy_client *c, int code, const char *needle)
{
	Jianyi__Request req;
	Jianyi__PingRequest p;
	ping_request(&req, &p, "after garbage");
	uint64_t id;
	struct jy_error e;
	jy_send(c, &req, &id, &e);
	Jianyi__Envelope *resp = NULL;
	int rounds = 0;
	while (jy_receive(c, &resp, &e) && rounds++ < 5) {
		jy_envelope_free(resp);
		resp = NULL;
	}
	jy_envelope_free(resp);
	if (e.code != code || (needle && !strstr(e.message, needle)))
		fail_msg("expected %s with '%s', got %s: %s", jy_status_str(code), needle ? needle : "",
			 jy_status_str(e.code), e.message);
}

static void oversized_frame_closes_only_that_connection(void **state)
{
	(void)state;
	struct jy_client *other = client_connect(&H, &S, "bob");
	struct jy_client *c = client_connect(&H, &S, "alice");
	uint8_t hdr[4];
	jy_frame_put_header(hdr, JY_DEFAULT_MAX_FRAME + 1);
	struct jy_error e;
	assert_true(jy_send_raw(c, hdr, sizeof hdr, &e));
	/* The server answers with a final status (id 0) and closes. */
	expect_connection_refused(c, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "larger");
	jy_close(c);

	/* The other connection is untouched. */
	Jianyi__Request req;
	Jianyi__PingRequest p;
	Jianyi__Envelope *resp = NULL;
	ping_request(&req, &p, "still here");
	assert_true(jy_call(other, &req, &resp, &e));
	assert_memory_equal(resp->response->ping->payload.data, "still here", 10);
	jy_envelope_free(resp);
	jy_close(other);
}

static void random_frames_close_only_that_connection(void **state)
{
	(void)state;
	for (int round = 0; round < 20; round++) {
		struct jy_client *c = client_connect(&H, &S, "alice");
		uint8_t frame[4 + 200];
		size_t n = 1 + (size_t)(round * 9) % 200;
		jy_frame_put_header(frame, (uint32_t)n);
		RAND_bytes(frame + 4, (int)n);
		struct jy_error e;
		assert_true(jy_send_raw(c, frame, 4 + n, &e));
		/* Garbage either fails to decode (closed) or decodes as something
		 * unexpected (answered or closed): the server must not hang. */
		Jianyi__Envelope *resp = NULL;
		for (int k = 0; k < 3 && jy_receive(c, &resp, &e); k++)
			jy_envelope_free(resp);
		jy_close(c);
	}
	/* And pure noise without a valid header. */
	struct jy_client *c = client_connect(&H, &S, "alice");
	uint8_t noise[64];
	RAND_bytes(noise, sizeof noise);
	noise[0] = 0xFF; /* announces a huge frame */
	struct jy_error e;
	assert_true(jy_send_raw(c, noise, sizeof noise, &e));
	expect_connection_refused(c, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "larger");
	jy_close(c);
	/* A well-sized frame of noise that is not an envelope. */
	c = client_connect(&H, &S, "alice");
	uint8_t frame[4 + 32];
	jy_frame_put_header(frame, 32);
	memset(frame + 4, 0xFF, 32); /* invalid varints throughout */
	assert_true(jy_send_raw(c, frame, sizeof frame, &e));
	expect_connection_refused(c, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "undecodable");
	jy_close(c);
	assert_true(server_alive(&S));
	assert_serving(&S);
}

/* Sends n requests back to back, then collects n answers by id. */
static void pipeline(struct server_proc *sp, int n, bool use_whoami)
{
	struct jy_client *c = client_connect(&H, sp, "alice");
	uint64_t *ids = calloc((size_t)n, sizeof *ids);
	char (*payloads)[32] = calloc((size_t)n, sizeof *payloads);
	struct jy_error e;
	for (int i = 0; i < n; i++) {
		Jianyi__Request req;
		Jianyi__PingRequest p;
		Jianyi__WhoAmIRequest w;
		snprintf(payloads[i], sizeof payloads[i], "ping-%d", i);
		if (use_whoami && i % 2)
			whoami_request(&req, &w);
		else
			ping_request(&req, &p, payloads[i]);
		assert_true(jy_send(c, &req, &ids[i], &e));
	}
	int seen = 0;
	bool *done = calloc((size_t)n, sizeof *done);
	for (int k = 0; k < n; k++) {
		Jianyi__Envelope *resp = NULL;
		if (!jy_receive(c, &resp, &e))
			fail_msg("after %d answers: %s: %s", seen, jy_status_str(e.code), e.message);
		int idx = -1;
		for (int i = 0; i < n; i++)
			if (ids[i] == resp->id)
				idx = i;
		assert_true(idx >= 0);
		assert_false(done[idx]);
		done[idx] = true;
		assert_int_equal(resp->response->status ? resp->response->status->code : 0, 0);
		if (resp->response->body_case == JIANYI__RESPONSE__BODY_PING) {
			/* bytes, not a C string: no terminator to rely on */
			const ProtobufCBinaryData *pl = &resp->response->ping->payload;
			assert_int_equal(pl->len, strlen(payloads[idx]));
			assert_memory_equal(pl->data, payloads[idx], pl->len);
		} else {
			assert_string_equal(resp->response->whoami->identity->login, "alice");
		}
		seen++;
		jy_envelope_free(resp);
	}
	assert_int_equal(seen, n);
	free(done);
	free(ids);
	free(payloads);
	jy_close(c);
}

static void hundred_pipelined_pings(void **state)
{
	(void)state;
	pipeline(&S, 100, false);
}

static void backpressure_resumes(void **state)
{
	(void)state;
	/* In-flight bound 2: the server pauses reading many times and must
	 * pick up the frames already buffered each time it resumes. */
	struct server_proc small;
	server_start(&H, &small, "max_in_flight = 2");
	pipeline(&small, 300, true);
	assert_int_equal(server_stop(&small, SIGTERM, 10000), 0);
}

static void frame_split_across_records(void **state)
{
	(void)state;
	SSL *ssl = raw_tls_connect(&H, &S, "alice");
	assert_non_null(ssl);
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__Hello hello = JIANYI__HELLO__INIT;
	hello.protocol_version = JY_PROTOCOL_VERSION;
	hello.software = "split-test";
	req.body_case = JIANYI__REQUEST__BODY_HELLO;
	req.hello = &hello;
	env.id = 1;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = &req;
	uint8_t *buf;
	size_t len;
	char err[200];
	assert_true(jy_frame_encode(&env, JY_DEFAULT_MAX_FRAME, &buf, &len, err, sizeof err));
	/* One byte per TLS record. */
	for (size_t i = 0; i < len; i++) {
		assert_int_equal(SSL_write(ssl, buf + i, 1), 1);
		usleep(2000);
	}
	free(buf);
	Jianyi__Envelope *resp = raw_read_envelope(ssl, 5000);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1);
	assert_int_equal(resp->response->body_case, JIANYI__RESPONSE__BODY_WELCOME);
	jy_envelope_free(resp);
	raw_tls_close(ssl);
}

static void connection_limit(void **state)
{
	(void)state;
	struct server_proc lim;
	server_start(&H, &lim, "max_connections = 2");
	struct jy_client *a = client_connect(&H, &lim, "alice");
	struct jy_client *b = client_connect(&H, &lim, "bob");
	struct jy_client_options o;
	char buf[2048];
	client_opts(&H, &lim, "alice", &o, buf, sizeof buf);
	struct jy_error e;
	struct jy_client *c = jy_connect(&o, &e);
	assert_null(c);
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED);
	assert_non_null(strstr(e.message, "limit"));
	jy_close(b);
	usleep(200000);
	c = client_connect(&H, &lim, "alice");
	jy_close(c);
	jy_close(a);
	assert_int_equal(server_stop(&lim, SIGTERM, 10000), 0);
}

static void database_outage_and_recovery(void **state)
{
	(void)state;
	struct jy_client *c = client_connect(&H, &S, "alice");
	struct jy_error e;
	/* Requests in flight while PostgreSQL goes away. */
	enum { N = 40 };
	uint64_t ids[N];
	for (int i = 0; i < N; i++) {
		Jianyi__Request req;
		Jianyi__WhoAmIRequest w;
		whoami_request(&req, &w);
		assert_true(jy_send(c, &req, &ids[i], &e));
	}
	harness_pg_stop(&H);
	int ok = 0, unavailable = 0;
	for (int i = 0; i < N; i++) {
		Jianyi__Envelope *resp = NULL;
		/* false with a response: it came with a non-OK status */
		if (!jy_receive(c, &resp, &e) && !resp)
			fail_msg("answer %d missing: %s", i, e.message);
		int code = resp->response->status ? (int)resp->response->status->code : 0;
		if (code == 0)
			ok++;
		else if (code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE) {
			assert_true(resp->response->status->retryable);
			unavailable++;
		} else
			fail_msg("unexpected status %d: %s", code, resp->response->status->message);
		jy_envelope_free(resp);
	}
	assert_int_equal(ok + unavailable, N);
	/* With the database down, a new request is answered, not left hanging. */
	Jianyi__Request req;
	Jianyi__WhoAmIRequest w;
	whoami_request(&req, &w);
	Jianyi__Envelope *resp = NULL;
	uint64_t t0 = harness_now_ms();
	assert_false(jy_call(c, &req, &resp, &e));
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE);
	assert_true(harness_now_ms() - t0 < 5000);
	jy_envelope_free(resp);
	/* Pings do not need the database. */
	Jianyi__PingRequest p;
	ping_request(&req, &p, "db down");
	assert_true(jy_call(c, &req, &resp, &e));
	jy_envelope_free(resp);

	harness_pg_start(&H);
	/* The pool reconnects by itself (back-off at most 5 s). */
	bool recovered = false;
	uint64_t deadline = harness_now_ms() + 20000;
	while (!recovered && harness_now_ms() < deadline) {
		whoami_request(&req, &w);
		resp = NULL;
		recovered = jy_call(c, &req, &resp, &e);
		jy_envelope_free(resp);
		if (!recovered)
			usleep(200000);
	}
	assert_true(recovered);
	jy_close(c);
	assert_true(server_alive(&S));
}

static void server_fingerprint(struct server_proc *sp, char out[65])
{
	SSL *ssl = raw_tls_connect(&H, sp, "alice");
	assert_non_null(ssl);
	assert_true(jy_tls_cert_sha256(SSL_get0_peer_certificate(ssl), out));
	raw_tls_close(ssl);
}

static void regenerate_server_cert(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/deploy/pki server %s server --force >/dev/null",
		 getenv("JIANYI_SOURCE_ROOT"), H.pki);
	assert_int_equal(system(cmd), 0);
}

static void sighup_reloads_certificates(void **state)
{
	(void)state;
	char before[65], after[65], after_bad[65];
	server_fingerprint(&S, before);
	regenerate_server_cert();
	kill(S.pid, SIGHUP);
	usleep(300000);
	server_fingerprint(&S, after);
	assert_string_not_equal(before, after);

	/* A broken certificate file: the reload fails and the server keeps
	 * the context it had. */
	char path[400];
	snprintf(path, sizeof path, "%s/server.crt", H.pki);
	char saved[400];
	snprintf(saved, sizeof saved, "%s/server.crt.saved", H.pki);
	assert_int_equal(rename(path, saved), 0);
	FILE *f = fopen(path, "w");
	fputs("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	kill(S.pid, SIGHUP);
	usleep(300000);
	assert_true(server_alive(&S));
	server_fingerprint(&S, after_bad);
	assert_string_equal(after, after_bad);
	assert_int_equal(rename(saved, path), 0);
	assert_serving(&S);
}

/* Sum of requests=N over the server log's session_closed lines. */
static long logged_requests(const char *log)
{
	FILE *f = fopen(log, "r");
	assert_non_null(f);
	char line[2048];
	long total = 0;
	while (fgets(line, sizeof line, f)) {
		const char *p;
		if (strstr(line, "event=session_closed") && (p = strstr(line, " requests=")))
			total += atol(p + 10);
	}
	fclose(f);
	return total;
}

static void sigterm_answers_everything_in_flight(void **state)
{
	(void)state;
	struct server_proc d;
	server_start(&H, &d, NULL);
	enum { CLIENTS = 4, PER = 50 };
	struct jy_client *c[CLIENTS];
	struct jy_error e;
	for (int k = 0; k < CLIENTS; k++) {
		c[k] = client_connect(&H, &d, k % 2 ? "bob" : "alice");
		for (int i = 0; i < PER; i++) {
			Jianyi__Request req;
			Jianyi__WhoAmIRequest w;
			whoami_request(&req, &w);
			uint64_t id;
			assert_true(jy_send(c[k], &req, &id, &e));
		}
	}
	/* Requests are under way on every connection; now ask the server to stop. */
	int got[CLIENTS] = { 0 };
	Jianyi__Envelope *resp = NULL;
	for (int k = 0; k < CLIENTS; k++) {
		assert_true(jy_receive(c[k], &resp, &e));
		jy_envelope_free(resp);
		got[k]++;
	}
	kill(d.pid, SIGTERM);
	long answered = 0;
	for (int k = 0; k < CLIENTS; k++) {
		/* Every answer that comes is a real one; then the server closes. */
		while (got[k] < PER && jy_receive(c[k], &resp, &e)) {
			jy_envelope_free(resp);
			got[k]++;
		}
		if (got[k] < PER && (e.code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
				     !strstr(e.message, "closed")))
			fail_msg("client %d after %d answers: %s: %s", k, got[k],
				 jy_status_str(e.code), e.message);
		answered += got[k];
		jy_close(c[k]);
	}
	assert_int_equal(server_stop(&d, 0, 10000), 0);
	/* The server read (and counted) each request it took on, Hello
	 * included: every one of them was answered before it exited. */
	long taken = logged_requests(d.log) - CLIENTS;
	printf("sigterm: %ld requests taken on, %ld answered\n", taken, answered);
	assert_int_equal(taken, answered);
	assert_true(answered >= CLIENTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whoami_returns_identity),
		cmocka_unit_test(bad_certificates_refused),
		cmocka_unit_test(hello_must_come_first),
		cmocka_unit_test(silent_client_times_out),
		cmocka_unit_test(oversized_frame_closes_only_that_connection),
		cmocka_unit_test(random_frames_close_only_that_connection),
		cmocka_unit_test(hundred_pipelined_pings),
		cmocka_unit_test(backpressure_resumes),
		cmocka_unit_test(frame_split_across_records),
		cmocka_unit_test(connection_limit),
		cmocka_unit_test(database_outage_and_recovery),
		cmocka_unit_test(sighup_reloads_certificates),
		cmocka_unit_test(sigterm_answers_everything_in_flight),
	};
	if (getenv("JIANYI_TEST_FILTER"))
		cmocka_set_test_filter(getenv("JIANYI_TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
