/* libjianyi driven by GLib's main loop, with no threads: the issue "One
 * source for each thing", part 3, asks for "a non-blocking interface in
 * the style of libpq ... An event loop (libevent, GLib) can drive it
 * without threads; a test does so with GLib's main loop".
 *
 * One connection as "cmte" is started with jy_connect_start and driven by
 * g_unix_fd_add watches on jy_socket: the connect (TCP, TLS, Hello), then
 * four requests sent at once (WhoAmI, GetSuggestion, Ping and a live Sync),
 * whose answers are collected as they come, then the event the server
 * pushes when another account (over an ordinary blocking connection) acts
 * on the case. A 20 s timer fails the test if the loop stalls.
 *
 * Then a connect by host name, driven the same way: "localhost" is looked
 * up while the loop runs (glibc's getaddrinfo_a) and greeted; a name that
 * does not exist fails from jy_connect_poll in the loop, never in
 * jy_connect_start (which once waited for the resolver there).
 *
 * Then the example program (examples/jianyi-whoami.c, linked with the
 * shared libjianyi.so like any outside program) connects to the same
 * server and must print who it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib-unix.h>

#include "harness.h"
#include "wf_helpers.h"

enum step { CONNECTING, ANSWERS, EVENT, DONE };
enum { WHOAMI, GET, PING, SYNC, N_REQ };

struct drive {
	GMainLoop *loop;
	struct jy_client *c;
	enum step step;
	struct kase k;
	char cursor[64];
	uint64_t ids[N_REQ];
	bool answered[N_REQ];
	int n_answered;
	int n_sources;          /* socket watches added, for the report */
	char failure[700];
};

static gboolean on_socket(gint fd, GIOCondition cond, gpointer data);

static void fail_drive(struct drive *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_drive(struct drive *d, const char *fmt, ...)
{
	va_list ap;

	if (d->failure[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(d->failure, sizeof d->failure, fmt, ap);
		va_end(ap);
	}
	g_main_loop_quit(d->loop);
}

/* Watches the socket (it may change while connecting) for cond. */
static void watch(struct drive *d, GIOCondition cond)
{
	g_unix_fd_add(jy_socket(d->c), cond, on_socket, d);
	d->n_sources++;
}

/* Watches for answers and events, and for writability while output waits. */
static void watch_io(struct drive *d)
{
	struct jy_error e = { 0 };
	int f = jy_flush(d->c, &e);

	if (f < 0)
		fail_drive(d, "flush: %s", e.message);
	else
		watch(d, G_IO_IN | (f > 0 ? G_IO_OUT : 0));
}

static void send_all(struct drive *d)
{
	Jianyi__Request req[N_REQ];
	Jianyi__WhoAmIRequest w = JIANYI__WHO_AM_IREQUEST__INIT;
	Jianyi__GetSuggestionRequest g;
	Jianyi__PingRequest p = JIANYI__PING_REQUEST__INIT;
	Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
	struct jy_error e = { 0 };

	for (int i = 0; i < N_REQ; i++)
		jianyi__request__init(&req[i]);
	req[WHOAMI].body_case = JIANYI__REQUEST__BODY_WHOAMI;
	req[WHOAMI].whoami = &w;
	jy_request_get(&req[GET], &g, d->k.id);
	p.payload.data = (uint8_t *)"glib";
	p.payload.len = 4;
	req[PING].body_case = JIANYI__REQUEST__BODY_PING;
	req[PING].ping = &p;
	s.cursor = d->cursor;
	s.live = true;
	req[SYNC].body_case = JIANYI__REQUEST__BODY_SYNC;
	req[SYNC].sync = &s;
	for (int i = 0; i < N_REQ; i++)
		if (!jy_send(d->c, &req[i], &d->ids[i], &e)) {
			fail_drive(d, "send %d: %s", i, e.message);
			return;
		}
	/* all four are in flight before any answer is read */
	if (!jy_is_busy(d->c) || jy_get_response(d->c) != NULL)
		fail_drive(d, "four requests sent, yet the connection is not busy");
	d->step = ANSWERS;
}

/* Checks one answer against the request it answers. */
static void check_answer(struct drive *d, const Jianyi__Envelope *env)
{
	struct jy_error e = { 0 };
	const Jianyi__Response *r = env->response;
	int i;

	for (i = 0; i < N_REQ && d->ids[i] != env->id; i++)
		;
	if (i == N_REQ || d->answered[i]) {
		fail_drive(d, "an answer to id %llu, which is not waiting", (unsigned long long)env->id);
		return;
	}
	if (!jy_response_ok(env, &e)) {
		fail_drive(d, "request %d: %s", i, e.message);
		return;
	}
	d->answered[i] = true;
	d->n_answered++;
	if ((i == WHOAMI && strcmp(r->whoami->identity->login, "cmte") != 0) ||
	    (i == GET && r->get_suggestion->suggestion->id != d->k.id) ||
	    (i == PING && (r->ping->payload.len != 4 || memcmp(r->ping->payload.data, "glib", 4))) ||
	    (i == SYNC && !r->sync->caught_up))
		fail_drive(d, "request %d got the wrong answer", i);
}

/* Every answer in; now another account acts, and the live Sync must push. */
static void act_elsewhere(struct drive *d)
{
	act("liaison", A(SUPERVISE), &d->k, NULL);
	d->step = EVENT;
}

static void take_arrivals(struct drive *d)
{
	Jianyi__Envelope *env;

	while (d->failure[0] == '\0' && (env = jy_get_response(d->c)) != NULL) {
		check_answer(d, env);
		jy_envelope_free(env);
	}
	while (d->failure[0] == '\0' && (env = jy_get_event(d->c)) != NULL) {
		const Jianyi__Event *ev = env->event;

		if (d->step == EVENT && strcmp(ev->kind, "feed") == 0 && ev->feed != NULL &&
		    ev->feed->suggestion_id == d->k.id) {
			d->step = DONE;
			g_main_loop_quit(d->loop);
		}
		jy_envelope_free(env);
	}
	if (d->step == ANSWERS && d->n_answered == N_REQ && d->failure[0] == '\0')
		act_elsewhere(d);
}

static void connect_step(struct drive *d)
{
	struct jy_error e = { 0 };

	switch (jy_connect_poll(d->c, &e)) {
	case JY_POLL_READING:
		watch(d, G_IO_IN);
		return;
	case JY_POLL_WRITING:
		watch(d, G_IO_OUT);
		return;
	case JY_POLL_FAILED:
		fail_drive(d, "connect: %s", e.message);
		return;
	case JY_POLL_OK:
		send_all(d);
		if (d->failure[0] == '\0')
			watch_io(d);
		return;
	}
}

/* Each callback ends its own watch and adds the one the state asks for. */
static gboolean on_socket(gint fd, GIOCondition cond, gpointer data)
{
	struct drive *d = data;
	struct jy_error e = { 0 };

	(void)fd;
	if (d->step == CONNECTING) {
		connect_step(d);
		return G_SOURCE_REMOVE;
	}
	if ((cond & G_IO_OUT) && jy_flush(d->c, &e) < 0) {
		fail_drive(d, "flush: %s", e.message);
		return G_SOURCE_REMOVE;
	}
	if ((cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && !jy_consume_input(d->c, &e)) {
		fail_drive(d, "read: %s", e.message);
		return G_SOURCE_REMOVE;
	}
	take_arrivals(d);
	if (d->step != DONE && d->failure[0] == '\0')
		watch_io(d);
	return G_SOURCE_REMOVE;
}

static gboolean on_timeout(gpointer data)
{
	struct drive *d = data;

	fail_drive(d, "the loop stalled (step %d, %d answers)", d->step, d->n_answered);
	return G_SOURCE_REMOVE;
}

/* This process's threads (/proc/self/status), 0 when unknown. */
static int thread_count(void)
{
	char line[128];
	int n = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The cursor at the end of cmte's feed, over a blocking connection. */
static void end_cursor(char *cursor, size_t len)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;

	req.body_case = JIANYI__REQUEST__BODY_SYNC;
	req.sync = &s;
	for (bool done = false; !done;) {
		Jianyi__Envelope *env = NULL;
		struct jy_error e = { 0 };

		s.cursor = cursor;
		if (!jy_call(cx("cmte"), &req, &env, &e))
			fail_msg("sync: %s", e.message);
		snprintf(cursor, len, "%s", env->response->sync->cursor);
		done = env->response->sync->caught_up;
		jy_envelope_free(env);
	}
}

static void glib_loop_drives_a_connection(void **state)
{
	struct drive d = { 0 };
	struct jy_client_options o;
	struct jy_error e = { 0 };
	char buf[2048];

	(void)state;
	prepare(&d.k, ST_SUBMITTED, "关于事件循环的建议", false);
	end_cursor(d.cursor, sizeof d.cursor);
	client_opts(&H, &S, "cmte", &o, buf, sizeof buf);
	d.c = jy_connect_start(&o, &e);
	if (d.c == NULL)
		fail_msg("jy_connect_start: %s", e.message);
	d.loop = g_main_loop_new(NULL, FALSE);
	g_timeout_add_seconds(20 * (guint)harness_time_scale(), on_timeout, &d);
	connect_step(&d);   /* at once, then as the socket asks */
	if (d.failure[0] == '\0')
		g_main_loop_run(d.loop);
	g_main_loop_unref(d.loop);
	jy_close(d.c);
	if (d.failure[0] != '\0')
		fail_msg("%s", d.failure);
	assert_int_equal(d.step, DONE);
	assert_int_equal(d.n_answered, N_REQ);
	/* all of it on this one thread: neither GLib nor libjianyi made one */
	assert_int_equal(thread_count(), 1);
	printf("glib: %d socket watches\n", d.n_sources);
}

/* A connect alone, driven by the loop: each callback takes one step and
 * watches as it asks; *result set when it ends. */
struct connect_only {
	struct jy_client *c;
	enum jy_poll result;     /* READING until it ends */
	char failure[sizeof ((struct jy_error *)0)->message];
	int steps;
};

static gboolean on_connect_socket(gint fd, GIOCondition cond, gpointer data)
{
	struct connect_only *co = data;
	struct jy_error e = { 0 };

	(void)fd;
	(void)cond;
	co->steps++;
	co->result = jy_connect_poll(co->c, &e);
	if (co->result == JY_POLL_READING || co->result == JY_POLL_WRITING)
		g_unix_fd_add(jy_socket(co->c), co->result == JY_POLL_READING ? G_IO_IN : G_IO_OUT,
			      on_connect_socket, co);
	else if (co->result == JY_POLL_FAILED)
		snprintf(co->failure, sizeof co->failure, "%s", e.message);
	return G_SOURCE_REMOVE;
}

/* jy_connect_start, then the loop until the connect ends (30 s at most). */
static void connect_in_loop(struct connect_only *co, const struct jy_client_options *o)
{
	struct jy_error e = { 0 };
	int64_t deadline = (int64_t)harness_now_ms() + 30000 * harness_time_scale();

	co->c = jy_connect_start(o, &e);
	if (co->c == NULL)
		fail_msg("jy_connect_start waited for or refused %s: %s", o->server, e.message);
	co->result = JY_POLL_READING;
	on_connect_socket(-1, 0, co);   /* at once, then as the descriptor asks */
	while ((co->result == JY_POLL_READING || co->result == JY_POLL_WRITING) &&
	       (int64_t)harness_now_ms() < deadline)
		g_main_context_iteration(NULL, TRUE);
}

/* A host name, looked up while the loop runs (getaddrinfo_a): "localhost"
 * connects and is greeted; a name that does not exist fails in the loop,
 * from jy_connect_poll, not in jy_connect_start, which never waits for
 * the resolver. */
static void glib_loop_connects_by_host_name(void **state)
{
	struct connect_only co = { 0 };
	struct jy_client_options o;
	char buf[2048], server[64];

	(void)state;
	client_opts(&H, &S, "cmte", &o, buf, sizeof buf);
	snprintf(server, sizeof server, "localhost:%d", S.port);
	o.server = server;
	connect_in_loop(&co, &o);
	if (co.result != JY_POLL_OK)
		fail_msg("localhost: %d after %d steps: %s", co.result, co.steps, co.failure);
	assert_string_equal(jy_welcome(co.c)->identity->login, "cmte");
	jy_close(co.c);

	memset(&co, 0, sizeof co);
	o.server = "no-such-host.invalid:7443";
	connect_in_loop(&co, &o);
	assert_int_equal(co.result, JY_POLL_FAILED);
	if (strstr(co.failure, "cannot resolve 'no-such-host.invalid'") == NULL)
		fail_msg("want the lookup's failure, got: %s", co.failure);
	jy_close(co.c);
	printf("glib: connected by name; an unknown name failed in the loop\n");
}

/* The example, a program outside the project's static libraries, talks to
 * a real jianyid through the shared library. */
static void example_links_the_shared_library(void **state)
{
	const char *exe = getenv("JIANYI_WHOAMI");
	char cmd[2048], out[4096];
	size_t n;
	FILE *p;

	(void)state;
	if (exe == NULL)
		fail_msg("JIANYI_WHOAMI is not set (tests/integration/meson.build sets it)");
	snprintf(cmd, sizeof cmd, "%s 127.0.0.1:%d %s/cmte.crt %s/cmte.key %s/ca.crt 2>&1", exe,
		 S.port, H.pki, H.pki, H.pki);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	if (pclose(p) != 0 || strstr(out, "login: cmte\n") == NULL)
		fail_msg("%s printed: %s", cmd, out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glib_loop_drives_a_connection),
		cmocka_unit_test(glib_loop_connects_by_host_name),
		cmocka_unit_test(example_links_the_shared_library),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
