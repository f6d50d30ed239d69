/* libjianyi's connect steps: TCP and TLS (transport.c), then the Hello and
 * the server's Welcome, one step at a time for jy_connect_poll; jy_connect
 * is the same steps with poll() between them. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "lib_i18n.h"
#include "protocol.h"
#include "transport.h"
#include "xalloc.h"

/* Hello: announces our versions and limits. */
static bool send_hello(struct jy_client *c, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__Hello hello = JIANYI__HELLO__INIT;

	hello.protocol_version = JY_PROTOCOL_VERSION;
	hello.software = (char *)"jianyi/" JY_SOFTWARE_VERSION;
	hello.max_frame_bytes = c->recv_max;
	req.body_case = JIANYI__REQUEST__BODY_HELLO;
	req.hello = &hello;
	if (!jy_client_queue(c, &req, &c->hello_id, err))
		return jy_client_fail(c, err);
	c->phase = PHASE_GREETING;
	return true;
}

/* With TLS 1.3 a server that refuses our certificate does so after our
 * handshake ended; its alert may be waiting unread behind a failed write
 * of the Hello. Its reason beats "broken pipe". */
static void read_refusal(struct jy_client *c, struct jy_error *err)
{
	struct jy_error alert_err = { .code = JIANYI__STATUS_CODE__STATUS_OK };
	uint8_t scratch[512];
	size_t got;
	enum jy_io r;

	if (jy_transport_broken(c->t))
		return;
	if (!c->nonblocking && jy_wait_fd(jy_socket(c), POLLIN, c->connect_deadline) <= 0)
		return;
	do
		r = jy_transport_read_some(c->t, scratch, sizeof scratch, &got, &alert_err);
	while (r == JY_IO_DONE);
	if (r == JY_IO_FAILED && alert_err.code == JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED) {
		*err = alert_err;
		c->broken_err = alert_err;
	}
}

/* Checks the answer to Hello: who the server thinks we are, its limits. */
static bool take_welcome(struct jy_client *c, Jianyi__Envelope *env, struct jy_error *err)
{
	const Jianyi__Welcome *w;

	if (!jy_response_ok(env, err)) {
		jy_envelope_free(env);
		return jy_client_fail(c, err);
	}
	c->welcome = env;
	if (env->response->body_case != JIANYI__RESPONSE__BODY_WELCOME) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("protocol error from %s: the answer to Hello is not a Welcome"),
			     jy_transport_peer(c->t));
		return jy_client_fail(c, err);
	}
	w = env->response->welcome;
	if (w->protocol_version != JY_PROTOCOL_VERSION) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
			     _("the server speaks protocol version %" PRIu32 ", this client %d"),
			     w->protocol_version, JY_PROTOCOL_VERSION);
		return jy_client_fail(c, err);
	}
	if (w->limits != NULL && w->limits->max_frame_bytes != 0)
		c->send_max = w->limits->max_frame_bytes < JY_HARD_MAX_FRAME ?
			      w->limits->max_frame_bytes : JY_HARD_MAX_FRAME;
	c->phase = PHASE_READY;
	return true;
}

/* Sends the Hello and waits (without blocking) for the Welcome. */
static enum jy_poll greeting_step(struct jy_client *c, struct jy_error *err)
{
	Jianyi__Envelope *env;
	int f = jy_flush(c, err);
	bool read_ok;

	if (f < 0) {
		read_refusal(c, err);
		return JY_POLL_FAILED;
	}
	read_ok = jy_consume_input(c, err);
	/* The answer may have come just before the server closed (a refused
	 * certificate): its reason beats the end of the stream. */
	env = jy_client_take_answer(c, c->hello_id);
	if (env == NULL)
		return !read_ok ? JY_POLL_FAILED : f > 0 ? JY_POLL_WRITING : JY_POLL_READING;
	return take_welcome(c, env, err) ? JY_POLL_OK : JY_POLL_FAILED;
}

enum jy_poll jy_connect_poll(struct jy_client *c, struct jy_error *err)
{
	if (!jy_client_usable(c, err))
		return JY_POLL_FAILED;
	if (c->phase == PHASE_CONNECTING) {
		switch (jy_transport_connect_poll(c->t, err)) {
		case JY_IO_WANT_READ:
			return JY_POLL_READING;
		case JY_IO_WANT_WRITE:
			return JY_POLL_WRITING;
		case JY_IO_FAILED:
			jy_client_fail(c, err);
			return JY_POLL_FAILED;
		case JY_IO_DONE:
			if (!send_hello(c, err))
				return JY_POLL_FAILED;
			break;
		}
	}
	if (c->phase == PHASE_GREETING)
		return greeting_step(c, err);
	return JY_POLL_OK;
}

static struct jy_client *client_start(const struct jy_client_options *opts, bool nonblocking,
				      bool anonymous, struct jy_error *err)
{
	struct jy_client *c;

	if (opts == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "no options");
		return NULL;
	}
	if (opts->timeout_ms < 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("the timeout must not be negative (%d ms)"), opts->timeout_ms);
		return NULL;
	}
	c = jy_xcalloc(1, sizeof *c);
	c->nonblocking = nonblocking;
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->connect_deadline = jy_client_deadline(c);
	c->next_id = 1;
	c->send_max = JY_DEFAULT_MAX_FRAME;   /* until the Welcome tells us */
	c->recv_max = JY_DEFAULT_MAX_FRAME;
	c->t = jy_transport_start(opts, nonblocking, anonymous, err);
	if (c->t == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

struct jy_client *jy_connect_start(const struct jy_client_options *opts, struct jy_error *err)
{
	return client_start(opts, true, false, err);
}

/* The blocking connect: jy_connect_poll in a loop, with poll() between. */
static struct jy_client *connect_blocking(struct jy_client *c, struct jy_error *err)
{
	while (c != NULL) {
		enum jy_poll p = jy_connect_poll(c, err);
		int w;

		if (p == JY_POLL_OK)
			return c;
		if (p == JY_POLL_FAILED)
			break;
		w = jy_wait_fd(jy_socket(c), p == JY_POLL_READING ? POLLIN : POLLOUT,
			       c->connect_deadline);
		if (w > 0)
			continue;
		if (w < 0)
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
				     _("poll failed: %s"), strerror(errno));
		else if (c->phase == PHASE_CONNECTING)
			jy_transport_timeout_error(c->t, err);
		else
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED,
				     _("timed out waiting for an answer from %s"),
				     jy_transport_peer(c->t));
		jy_transport_fail(c->t);
		break;
	}
	jy_close(c);
	return NULL;
}

struct jy_client *jy_connect(const struct jy_client_options *opts, struct jy_error *err)
{
	return connect_blocking(client_start(opts, false, false, err), err);
}

struct jy_client *jy_connect_anonymous(const struct jy_client_options *opts, struct jy_error *err)
{
	return connect_blocking(client_start(opts, false, true, err), err);
}

const Jianyi__Welcome *jy_welcome(const struct jy_client *c)
{
	if (c == NULL || c->phase != PHASE_READY)
		return NULL;
	return c->welcome->response->welcome;
}

