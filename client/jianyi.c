/* libjianyi's call layer: frames, request ids, the Hello/Welcome greeting,
 * and matching responses to requests. Bytes move through transport.c. */
#include "jianyi.h"
#include "jianyi_test.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "log.h"
#include "protocol.h"
#include "status.h"
#include "transport.h"
#include "xalloc.h"

#define DEFAULT_TIMEOUT_MS 10000
#define READ_CHUNK 4096u

struct jy_client {
	struct jy_transport *t;
	int timeout_ms;
	uint64_t next_id;          /* next request id; starts at 1, never 0 */
	uint64_t outstanding;      /* requests sent and not yet answered */
	uint32_t send_max;         /* the server's Limits.max_frame_bytes */
	uint32_t recv_max;         /* ours, announced in Hello */

	/* Bytes received and not yet decoded. Freed whenever it is empty so
	 * that an idle connection holds no buffer. */
	uint8_t *rbuf;
	size_t rlen, rcap;

	/* Responses that arrived while jy_call waited for another id. */
	Jianyi__Envelope **early;
	size_t n_early, cap_early;

	Jianyi__Envelope *welcome;   /* the greeting's response envelope */

	/* Pushed events (envelope id 0) read while waiting for responses,
	 * oldest first, until jy_next_event takes them; bounded in number
	 * and in bytes (see event_push). */
	Jianyi__Envelope **events;
	size_t *event_bytes;         /* each queued event's encoded size */
	size_t ev_head, n_events, cap_events, queued_bytes;

	/* Once the stream is out of step (transport failure, malformed frame)
	 * every later call reports the first error again. */
	bool broken;
	struct jy_error broken_err;
};

const char *jy_version(void)
{
	return JY_SOFTWARE_VERSION;
}

const char *jy_status_str(int code)
{
	return jy_status_name(code);
}

static int64_t call_deadline(const struct jy_client *c)
{
	return jy_now_ms() + c->timeout_ms;
}

/* Records err as the connection's final state (see struct jy_client). */
static bool fail_broken(struct jy_client *c, const struct jy_error *err)
{
	c->broken = true;
	c->broken_err = *err;
	return false;
}

static bool check_usable(const struct jy_client *c, struct jy_error *err)
{
	if (c == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     "no connection");
		return false;
	}
	if (c->broken) {
		if (err != NULL)
			*err = c->broken_err;
		return false;
	}
	return true;
}

static bool protocol_error(struct jy_client *c, struct jy_error *err, const char *what)
{
	jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
		     "protocol error from %s: %s", jy_transport_peer(c->t), what);
	return fail_broken(c, err);
}

/* --- Sending ---------------------------------------------------------- */

bool jy_send(struct jy_client *c, const Jianyi__Request *req, uint64_t *id,
	     struct jy_error *err)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	char msg[256];
	uint8_t *frame = NULL;
	size_t len = 0;
	bool ok;

	if (!check_usable(c, err))
		return false;
	if (req == NULL || req->body_case == JIANYI__REQUEST__BODY__NOT_SET) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     "the request has no body");
		return false;
	}
	env.id = c->next_id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = (Jianyi__Request *)req;   /* only read by the encoder */
	if (!jy_frame_encode(&env, c->send_max, &frame, &len, msg, sizeof msg)) {
		/* nothing was sent: the connection is still fine */
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     "the request does not fit the server's frame limit: %s", msg);
		return false;
	}
	ok = jy_transport_write(c->t, frame, len, call_deadline(c), err);
	free(frame);
	if (!ok)
		return fail_broken(c, err);
	if (id != NULL)
		*id = c->next_id;
	c->next_id++;
	c->outstanding++;
	return true;
}

bool jy_send_raw(struct jy_client *c, const void *buf, size_t len, struct jy_error *err)
{
	if (!check_usable(c, err))
		return false;
	if (!jy_transport_write(c->t, buf, len, call_deadline(c), err))
		return fail_broken(c, err);
	return true;
}

/* --- Receiving -------------------------------------------------------- */

/* Makes room for at least want more bytes after rlen. */
static void rbuf_reserve(struct jy_client *c, size_t want)
{
	size_t cap;

	if (c->rcap - c->rlen >= want)
		return;
	cap = c->rcap ? c->rcap : READ_CHUNK;
	while (cap - c->rlen < want)
		cap *= 2;
	c->rbuf = jy_xrealloc(c->rbuf, cap);
	c->rcap = cap;
}

/* Drops the first n bytes of the receive buffer. */
static void rbuf_consume(struct jy_client *c, size_t n)
{
	c->rlen -= n;
	if (c->rlen > 0) {
		memmove(c->rbuf, c->rbuf + n, c->rlen);
		return;
	}
	free(c->rbuf);
	c->rbuf = NULL;
	c->rcap = 0;
}

/* Reads one envelope from the stream (any kind); *size: its frame's bytes. */
static bool read_envelope(struct jy_client *c, int64_t deadline,
			  Jianyi__Envelope **out, size_t *size, struct jy_error *err)
{
	for (;;) {
		uint32_t body_len = 0;
		enum jy_frame_result r = jy_frame_peek(c->rbuf, c->rlen, c->recv_max, &body_len);
		size_t want = READ_CHUNK, got = 0;
		char msg[256], what[320];

		if (r == JY_FRAME_OK) {
			*out = jy_envelope_decode(c->rbuf + JY_FRAME_HEADER_BYTES, body_len,
						  msg, sizeof msg);
			*size = JY_FRAME_HEADER_BYTES + (size_t)body_len;
			rbuf_consume(c, JY_FRAME_HEADER_BYTES + (size_t)body_len);
			if (*out != NULL)
				return true;
			snprintf(what, sizeof what, "undecodable frame: %s", msg);
			return protocol_error(c, err, what);
		}
		if (r == JY_FRAME_EMPTY)
			return protocol_error(c, err, "an empty frame");
		if (r != JY_FRAME_INCOMPLETE) {
			snprintf(what, sizeof what, "a frame of %" PRIu32 " bytes, above our limit of %"
				 PRIu32 " (%s)", body_len, c->recv_max, jy_frame_result_str(r));
			return protocol_error(c, err, what);
		}
		if (c->rlen >= JY_FRAME_HEADER_BYTES &&
		    JY_FRAME_HEADER_BYTES + (size_t)body_len - c->rlen > want)
			want = JY_FRAME_HEADER_BYTES + (size_t)body_len - c->rlen;
		rbuf_reserve(c, want);
		if (!jy_transport_read(c->t, c->rbuf + c->rlen, c->rcap - c->rlen, &got,
				       deadline, err)) {
			if (c->rlen == 0) {
				free(c->rbuf);
				c->rbuf = NULL;
				c->rcap = 0;
			}
			/* a read that merely timed out leaves the stream in step */
			if (err != NULL && err->code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED)
				return false;
			return fail_broken(c, err);
		}
		c->rlen += got;
	}
}

/* Keeps a pushed event for jy_next_event. What a server can make us hold
 * this way is bounded (jianyi.h, JY_MAX_QUEUED_EVENTS/_BYTES): beyond it
 * the connection fails with RESOURCE_EXHAUSTED rather than dropping events
 * unseen, since a change-feed reader resumes from its cursor on a new
 * connection and would never learn of a gap. */
static bool event_push(struct jy_client *c, Jianyi__Envelope *env, size_t bytes,
		       struct jy_error *err)
{
	if (c->n_events >= JY_MAX_QUEUED_EVENTS ||
	    c->queued_bytes + bytes > JY_MAX_QUEUED_EVENT_BYTES) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED,
			     "%s pushed more events than this client holds unread while waiting "
			     "for an answer (%zu events, %zu bytes; at most %u and %u): connection "
			     "closed; connect again (a feed resumes from its cursor)",
			     jy_transport_peer(c->t), c->n_events + 1, c->queued_bytes + bytes,
			     (unsigned)JY_MAX_QUEUED_EVENTS, (unsigned)JY_MAX_QUEUED_EVENT_BYTES);
		jy_envelope_free(env);
		return fail_broken(c, err);
	}
	if (c->ev_head > 0 && c->ev_head + c->n_events == c->cap_events) {
		memmove(c->events, c->events + c->ev_head, c->n_events * sizeof *c->events);
		memmove(c->event_bytes, c->event_bytes + c->ev_head,
			c->n_events * sizeof *c->event_bytes);
		c->ev_head = 0;
	}
	if (c->ev_head + c->n_events == c->cap_events) {
		c->cap_events = c->cap_events ? c->cap_events * 2 : 16;
		c->events = jy_xreallocarray(c->events, c->cap_events, sizeof *c->events);
		c->event_bytes = jy_xreallocarray(c->event_bytes, c->cap_events,
						  sizeof *c->event_bytes);
	}
	c->events[c->ev_head + c->n_events] = env;
	c->event_bytes[c->ev_head + c->n_events++] = bytes;
	c->queued_bytes += bytes;
	return true;
}

static Jianyi__Envelope *event_pop(struct jy_client *c)
{
	if (c->n_events == 0)
		return NULL;
	c->queued_bytes -= c->event_bytes[c->ev_head];
	Jianyi__Envelope *env = c->events[c->ev_head++];
	if (--c->n_events == 0)
		c->ev_head = 0;
	return env;
}

/* Reads envelopes until a response arrives, queueing pushed events and
 * refusing anything a server must not send. */
static bool read_response(struct jy_client *c, int64_t deadline,
			  Jianyi__Envelope **out, struct jy_error *err)
{
	for (;;) {
		Jianyi__Envelope *env;
		size_t size;
		char what[128];

		if (!read_envelope(c, deadline, &env, &size, err))
			return false;
		if (env->body_case == JIANYI__ENVELOPE__BODY_EVENT && env->id == 0) {
			if (!event_push(c, env, size, err))
				return false;
			continue;
		}
		if (env->body_case != JIANYI__ENVELOPE__BODY_RESPONSE) {
			snprintf(what, sizeof what, "envelope %" PRIu64 " is neither a response nor an event",
				 env->id);
			jy_envelope_free(env);
			return protocol_error(c, err, what);
		}
		if (env->id == 0 && env->response->status &&
		    env->response->status->code != JIANYI__STATUS_CODE__STATUS_OK) {
			/* A response with id 0 is the server's verdict on the whole
			 * connection (a bad frame, a refused Hello); it closes next. */
			jy_set_error(err, env->response->status->code,
				     "the server closed the connection: %s",
				     env->response->status->message);
			jy_envelope_free(env);
			return fail_broken(c, err);
		}
		if (env->id == 0 || env->id >= c->next_id || c->outstanding == 0) {
			snprintf(what, sizeof what, "a response to request %" PRIu64
				 ", which is not waiting for one", env->id);
			jy_envelope_free(env);
			return protocol_error(c, err, what);
		}
		c->outstanding--;
		*out = env;
		return true;
	}
}

static void early_push(struct jy_client *c, Jianyi__Envelope *env)
{
	if (c->n_early == c->cap_early) {
		c->cap_early = c->cap_early ? c->cap_early * 2 : 8;
		c->early = jy_xreallocarray(c->early, c->cap_early, sizeof *c->early);
	}
	c->early[c->n_early++] = env;
}

/* Takes the queued response with this id (any, oldest first, when id is 0). */
static Jianyi__Envelope *early_take(struct jy_client *c, uint64_t id)
{
	for (size_t i = 0; i < c->n_early; i++) {
		Jianyi__Envelope *env = c->early[i];

		if (id != 0 && env->id != id)
			continue;
		memmove(c->early + i, c->early + i + 1, (c->n_early - i - 1) * sizeof *c->early);
		c->n_early--;
		return env;
	}
	return NULL;
}

/* Turns a response's status into the call's result; *resp keeps the
 * response either way. A response without a status is OK (proto3: an
 * absent message reads as its defaults, and code 0 is STATUS_OK). */
static bool judge_response(Jianyi__Envelope *env, Jianyi__Envelope **resp,
			   struct jy_error *err)
{
	const Jianyi__Status *st = env->response->status;
	size_t used;

	*resp = env;
	if (st == NULL || st->code == JIANYI__STATUS_CODE__STATUS_OK)
		return true;
	jy_set_error(err, st->code, "%s", st->message[0] ? st->message :
		     "the server gave no reason");
	/* field-level details, so the person can fix the right field */
	for (size_t i = 0; err != NULL && i < st->n_violations; i++) {
		/* The server often words the message and the violation alike. */
		if (strcmp(st->violations[i]->description, st->message) == 0)
			continue;
		used = strlen(err->message);
		snprintf(err->message + used, sizeof err->message - used, "; %s: %s",
			 st->violations[i]->field, st->violations[i]->description);
	}
	return false;
}

bool jy_receive(struct jy_client *c, Jianyi__Envelope **resp, struct jy_error *err)
{
	Jianyi__Envelope *env;

	*resp = NULL;
	if (!check_usable(c, err))
		return false;
	env = early_take(c, 0);
	if (env == NULL) {
		if (c->outstanding == 0) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
				     "no request is waiting for an answer");
			return false;
		}
		if (!read_response(c, call_deadline(c), &env, err))
			return false;
	}
	return judge_response(env, resp, err);
}

/* Waits for the response to request id, queueing others that come first. */
static bool receive_id(struct jy_client *c, uint64_t id, Jianyi__Envelope **resp,
		       struct jy_error *err)
{
	int64_t deadline = call_deadline(c);
	Jianyi__Envelope *env = early_take(c, id);

	while (env == NULL) {
		if (!read_response(c, deadline, &env, err))
			return false;
		if (env->id != id) {
			early_push(c, env);
			env = NULL;
		}
	}
	return judge_response(env, resp, err);
}

bool jy_call(struct jy_client *c, const Jianyi__Request *req,
	     Jianyi__Envelope **resp, struct jy_error *err)
{
	uint64_t id;

	*resp = NULL;
	return jy_send(c, req, &id, err) && receive_id(c, id, resp, err);
}

/* --- Connection ------------------------------------------------------- */

/* Hello/Welcome: announces our versions and limits, learns who the server
 * thinks we are and its limits. */
static bool greet(struct jy_client *c, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__Hello hello = JIANYI__HELLO__INIT;
	Jianyi__Envelope *env = NULL;
	const Jianyi__Welcome *w;
	uint64_t id;

	hello.protocol_version = JY_PROTOCOL_VERSION;
	hello.software = (char *)"jianyi/" JY_SOFTWARE_VERSION;
	hello.max_frame_bytes = c->recv_max;
	req.body_case = JIANYI__REQUEST__BODY_HELLO;
	req.hello = &hello;

	if (!jy_send(c, &req, &id, err)) {
		/* With TLS 1.3 a server that refuses our certificate does so
		 * after our handshake ended; its alert may be waiting unread
		 * behind the failed write. Its reason beats "broken pipe". */
		struct jy_error alert_err = { .code = JIANYI__STATUS_CODE__STATUS_OK };

		if (!c->broken)
			return false;   /* the request itself was refused */
		size_t size;

		if (read_envelope(c, call_deadline(c), &env, &size, &alert_err))
			jy_envelope_free(env);
		else if (alert_err.code == JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED)
			*err = alert_err;
		return false;
	}
	if (!receive_id(c, id, &env, err)) {
		if (env != NULL)
			jy_envelope_free(env);
		return false;
	}
	c->welcome = env;
	if (env->response->body_case != JIANYI__RESPONSE__BODY_WELCOME) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     "protocol error from %s: the answer to Hello is not a Welcome",
			     jy_transport_peer(c->t));
		return false;
	}
	w = env->response->welcome;
	if (w->protocol_version != JY_PROTOCOL_VERSION) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
			     "the server speaks protocol version %" PRIu32 ", this client %d",
			     w->protocol_version, JY_PROTOCOL_VERSION);
		return false;
	}
	if (w->limits != NULL && w->limits->max_frame_bytes != 0)
		c->send_max = w->limits->max_frame_bytes < JY_HARD_MAX_FRAME ?
			      w->limits->max_frame_bytes : JY_HARD_MAX_FRAME;
	return true;
}

struct jy_client *jy_connect(const struct jy_client_options *opts, struct jy_error *err)
{
	struct jy_client *c;

	if (opts == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "no options");
		return NULL;
	}
	if (opts->timeout_ms < 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     "the timeout must not be negative (%d ms)", opts->timeout_ms);
		return NULL;
	}
	c = jy_xcalloc(1, sizeof *c);
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->next_id = 1;
	c->send_max = JY_DEFAULT_MAX_FRAME;   /* until the Welcome tells us */
	c->recv_max = JY_DEFAULT_MAX_FRAME;
	c->t = jy_transport_open(opts, call_deadline(c), err);
	if (c->t == NULL || !greet(c, err)) {
		jy_close(c);
		return NULL;
	}
	return c;
}

const Jianyi__Welcome *jy_welcome(const struct jy_client *c)
{
	return c->welcome->response->welcome;
}

int jy_fd(const struct jy_client *c)
{
	return jy_transport_fd(c->t);
}

bool jy_resumed(const struct jy_client *c)
{
	return c != NULL && c->t != NULL && jy_transport_resumed(c->t);
}

uint64_t jy_dropped_events(const struct jy_client *c)
{
	(void)c;
	return 0;   /* nothing is dropped: see event_push */
}

bool jy_next_event(struct jy_client *c, int timeout_ms, Jianyi__Envelope **event,
		   struct jy_error *err)
{
	int64_t deadline = jy_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	*event = event_pop(c);
	if (*event != NULL)
		return true;
	if (!check_usable(c, err))
		return false;
	for (;;) {
		Jianyi__Envelope *env;
		size_t size;
		char what[128];

		if (!read_envelope(c, deadline, &env, &size, err))
			return false;
		if (env->body_case == JIANYI__ENVELOPE__BODY_EVENT && env->id == 0) {
			*event = env;
			return true;
		}
		if (env->body_case == JIANYI__ENVELOPE__BODY_RESPONSE && env->id != 0 &&
		    env->id < c->next_id && c->outstanding > 0) {
			/* an answer to a pipelined request: keep it for jy_receive */
			c->outstanding--;
			early_push(c, env);
			continue;
		}
		if (env->body_case == JIANYI__ENVELOPE__BODY_RESPONSE && env->id == 0 &&
		    env->response->status != NULL &&
		    env->response->status->code != JIANYI__STATUS_CODE__STATUS_OK) {
			jy_set_error(err, env->response->status->code,
				     "the server closed the connection: %s",
				     env->response->status->message);
			jy_envelope_free(env);
			return fail_broken(c, err);
		}
		snprintf(what, sizeof what, "unexpected envelope %" PRIu64 " while waiting for events",
			 env->id);
		jy_envelope_free(env);
		return protocol_error(c, err, what);
	}
}

void jy_close(struct jy_client *c)
{
	if (c == NULL)
		return;
	jy_transport_close(c->t);
	for (Jianyi__Envelope *env; (env = event_pop(c)) != NULL;)
		jy_envelope_free(env);
	free(c->events);
	free(c->event_bytes);
	for (size_t i = 0; i < c->n_early; i++)
		jy_envelope_free(c->early[i]);
	free(c->early);
	if (c->welcome != NULL)
		jy_envelope_free(c->welcome);
	free(c->rbuf);
	free(c);
}
