/* libjianyi's call layer: frames, request ids, the Hello/Welcome greeting,
 * and matching responses to requests. Nothing here waits but the blocking
 * calls, which are loops over the non-blocking ones (jy_flush,
 * jy_consume_input) with poll(). Connecting is connect.c's; bytes move
 * through transport.c. */
#include "jianyi.h"
#include "lib_i18n.h"
#include "jianyi_test.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "log.h"
#include "protocol.h"
#include "status.h"
#include "client.h"
#include "transport.h"
#include "xalloc.h"

#define READ_CHUNK 4096u
/* What one jy_consume_input reads at most before it lets the caller take
 * what it decoded: a server streaming a long feed must not make one call
 * queue it all (the queue is bounded). */
#define CONSUME_MAX_BYTES (64u * 1024u)

const char *jy_version(void)
{
	return JY_SOFTWARE_VERSION;
}

const char *jy_status_str(int code)
{
	return jy_status_name(code);
}

int64_t jy_client_deadline(const struct jy_client *c)
{
	return jy_now_ms() + c->timeout_ms;
}

/* Records err as the connection's final state (see struct jy_client). */
bool jy_client_fail(struct jy_client *c, const struct jy_error *err)
{
	c->broken = true;
	c->broken_err = *err;
	return false;
}

bool jy_client_usable(const struct jy_client *c, struct jy_error *err)
{
	if (c == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("no connection"));
		return false;
	}
	if (c->broken) {
		if (err != NULL)
			*err = c->broken_err;
		return false;
	}
	return true;
}

static bool check_ready(const struct jy_client *c, struct jy_error *err)
{
	if (!jy_client_usable(c, err))
		return false;
	if (c->phase != PHASE_READY) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
			     _("the connection is not ready: jy_connect_poll has not returned JY_POLL_OK"));
		return false;
	}
	return true;
}

static bool protocol_error(struct jy_client *c, struct jy_error *err, const char *what)
{
	jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
		     _("protocol error from %s: %s"), jy_transport_peer(c->t), what);
	return jy_client_fail(c, err);
}

/* --- Buffers ---------------------------------------------------------- */

/* Makes room for at least want more bytes after *len. */
static void buf_reserve(uint8_t **buf, size_t *cap, size_t len, size_t want)
{
	size_t n;

	if (*cap - len >= want)
		return;
	n = *cap ? *cap : READ_CHUNK;
	while (n - len < want)
		n *= 2;
	*buf = jy_xrealloc(*buf, n);
	*cap = n;
}

/* Drops the first n bytes; an empty buffer is freed, so that an idle
 * connection holds none. */
static void buf_consume(uint8_t **buf, size_t *cap, size_t *len, size_t n)
{
	*len -= n;
	if (*len > 0) {
		memmove(*buf, *buf + n, *len);
		return;
	}
	free(*buf);
	*buf = NULL;
	*cap = 0;
}

/* --- Sending ---------------------------------------------------------- */

/* Frames req with the next id and queues it. */
bool jy_client_queue(struct jy_client *c, const Jianyi__Request *req, uint64_t *id,
			  struct jy_error *err)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	char msg[256];
	uint8_t *frame = NULL;
	size_t len = 0;

	if (req == NULL || req->body_case == JIANYI__REQUEST__BODY__NOT_SET) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("the request has no body"));
		return false;
	}
	env.id = c->next_id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = (Jianyi__Request *)req;   /* only read by the encoder */
	if (!jy_frame_encode(&env, c->send_max, &frame, &len, msg, sizeof msg)) {
		/* nothing was queued: the connection is still fine */
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("the request does not fit the server's frame limit: %s"), msg);
		return false;
	}
	buf_reserve(&c->wbuf, &c->wcap, c->wlen, len);
	memcpy(c->wbuf + c->wlen, frame, len);
	c->wlen += len;
	free(frame);
	if (id != NULL)
		*id = c->next_id;
	c->next_id++;
	c->outstanding++;
	return true;
}

int jy_flush(struct jy_client *c, struct jy_error *err)
{
	if (!jy_client_usable(c, err))
		return -1;
	while (c->wlen > 0) {
		size_t n = 0;
		enum jy_io r = jy_transport_write_some(c->t, c->wbuf, c->wlen, &n, err);

		if (r == JY_IO_FAILED) {
			jy_client_fail(c, err);
			return -1;
		}
		if (r != JY_IO_DONE) {
			c->write_wait = r == JY_IO_WANT_READ ? POLLIN : POLLOUT;
			return 1;
		}
		buf_consume(&c->wbuf, &c->wcap, &c->wlen, n);
	}
	/* a read that waited for writability goes on now */
	if (c->read_wants_write && !jy_consume_input(c, err))
		return -1;
	return c->read_wants_write ? 1 : 0;
}

/* What the socket must be ready for before jy_flush can go on. */
static short flush_events(const struct jy_client *c)
{
	return c->wlen > 0 ? c->write_wait : POLLOUT;
}

/* Writes all queued output, waiting as long as the deadline allows. */
static bool flush_all(struct jy_client *c, int64_t deadline, struct jy_error *err)
{
	for (;;) {
		int f = jy_flush(c, err), w;

		if (f <= 0)
			return f == 0;
		w = jy_wait_fd(jy_socket(c), flush_events(c), deadline);
		if (w > 0)
			continue;
		/* a write cut short leaves the stream out of step */
		if (w == 0)
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED,
				     _("timed out sending to %s"), jy_transport_peer(c->t));
		else
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
				     _("poll failed: %s"), strerror(errno));
		return jy_client_fail(c, err);
	}
}

bool jy_send(struct jy_client *c, const Jianyi__Request *req, uint64_t *id,
	     struct jy_error *err)
{
	if (!check_ready(c, err) || !jy_client_queue(c, req, id, err))
		return false;
	if (c->nonblocking)
		return jy_flush(c, err) >= 0;
	return flush_all(c, jy_client_deadline(c), err);
}

bool jy_send_raw(struct jy_client *c, const void *buf, size_t len, struct jy_error *err)
{
	if (!check_ready(c, err))
		return false;
	buf_reserve(&c->wbuf, &c->wcap, c->wlen, len);
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	return flush_all(c, jy_client_deadline(c), err);
}

void jy_set_nonblocking(struct jy_client *c, bool on)
{
	if (c != NULL)
		c->nonblocking = on;
}

/* --- Receiving -------------------------------------------------------- */

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
		return jy_client_fail(c, err);
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

static void early_push(struct jy_client *c, Jianyi__Envelope *env)
{
	if (c->n_early == c->cap_early) {
		c->cap_early = c->cap_early ? c->cap_early * 2 : 8;
		c->early = jy_xreallocarray(c->early, c->cap_early, sizeof *c->early);
	}
	c->early[c->n_early++] = env;
}

/* Takes the queued response with this id (any, oldest first, when id is 0). */
Jianyi__Envelope *jy_client_take_answer(struct jy_client *c, uint64_t id)
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

/* The status's reason and arguments into err, as "name=value" lines (an
 * argument that does not fit is left out; a line break in a value becomes a
 * space, the lines being the list). */
static void keep_reason(const Jianyi__Status *st, struct jy_error *err)
{
	size_t used = 0;

	if (err == NULL || st->reason == NULL)
		return;
	snprintf(err->reason, sizeof err->reason, "%s", st->reason);
	for (size_t i = 0; i < st->n_args; i++) {
		const Jianyi__ReasonArg *a = st->args[i];
		char *line = err->reason_args + used;
		int n = snprintf(line, sizeof err->reason_args - used, "%s=%s\n", a->name, a->value);

		if (n < 0 || (size_t)n >= sizeof err->reason_args - used) {
			*line = '\0';
			break;
		}
		for (char *p = line; p < line + n - 1; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		used += (size_t)n;
	}
}

/* Files one envelope from the server: a pushed event, an answer to a
 * request of ours, or the server's verdict on the whole connection;
 * anything else is a protocol error. */
static bool route_envelope(struct jy_client *c, Jianyi__Envelope *env, size_t size,
			   struct jy_error *err)
{
	char what[128];

	if (env->body_case == JIANYI__ENVELOPE__BODY_EVENT && env->id == 0)
		return event_push(c, env, size, err);
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
			     _("the server closed the connection: %s"),
			     env->response->status->message);
		keep_reason(env->response->status, err);
		jy_envelope_free(env);
		return jy_client_fail(c, err);
	}
	if (env->id == 0 || env->id >= c->next_id || c->outstanding == 0) {
		snprintf(what, sizeof what, "a response to request %" PRIu64
			 ", which is not waiting for one", env->id);
		jy_envelope_free(env);
		return protocol_error(c, err, what);
	}
	c->outstanding--;
	early_push(c, env);
	return true;
}

/* Decodes and files every whole frame received so far. */
static bool decode_frames(struct jy_client *c, struct jy_error *err)
{
	for (;;) {
		uint32_t body_len = 0;
		enum jy_frame_result r = jy_frame_peek(c->rbuf, c->rlen, c->recv_max, &body_len);
		Jianyi__Envelope *env;
		size_t size = JY_FRAME_HEADER_BYTES + (size_t)body_len;
		char msg[256], what[320];

		if (r == JY_FRAME_INCOMPLETE)
			return true;
		if (r == JY_FRAME_EMPTY)
			return protocol_error(c, err, _("an empty frame"));
		if (r != JY_FRAME_OK) {
			snprintf(what, sizeof what, "a frame of %" PRIu32 " bytes, above our limit of %"
				 PRIu32 " (%s)", body_len, c->recv_max, jy_frame_result_str(r));
			return protocol_error(c, err, what);
		}
		env = jy_envelope_decode(c->rbuf + JY_FRAME_HEADER_BYTES, body_len, msg, sizeof msg);
		buf_consume(&c->rbuf, &c->rcap, &c->rlen, size);
		if (env == NULL) {
			snprintf(what, sizeof what, _("undecodable frame: %s"), msg);
			return protocol_error(c, err, what);
		}
		if (!route_envelope(c, env, size, err))
			return false;
	}
}

/* How much the next read should make room for: a chunk, or the rest of a
 * frame whose length is known. */
static size_t read_want(const struct jy_client *c)
{
	uint32_t body_len = 0;
	size_t need;

	if (c->rlen < JY_FRAME_HEADER_BYTES ||
	    jy_frame_peek(c->rbuf, c->rlen, c->recv_max, &body_len) != JY_FRAME_INCOMPLETE)
		return READ_CHUNK;
	need = JY_FRAME_HEADER_BYTES + (size_t)body_len - c->rlen;
	return need > READ_CHUNK ? need : READ_CHUNK;
}

bool jy_consume_input(struct jy_client *c, struct jy_error *err)
{
	size_t total = 0;

	if (!jy_client_usable(c, err))
		return false;
	if (c->phase == PHASE_CONNECTING) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
			     _("the connection is not established yet (jy_connect_poll)"));
		return false;
	}
	for (;;) {
		size_t got = 0;
		enum jy_io r;

		/* Enough for now, unless OpenSSL holds bytes the socket will
		 * not announce again. */
		if (total >= CONSUME_MAX_BYTES && !jy_transport_pending(c->t))
			return true;
		buf_reserve(&c->rbuf, &c->rcap, c->rlen, read_want(c));
		r = jy_transport_read_some(c->t, c->rbuf + c->rlen, c->rcap - c->rlen, &got, err);
		if (r == JY_IO_DONE) {
			c->rlen += got;
			total += got;
			if (!decode_frames(c, err))
				return false;
			continue;
		}
		if (c->rlen == 0)
			buf_consume(&c->rbuf, &c->rcap, &c->rlen, 0);
		if (r == JY_IO_FAILED)
			return jy_client_fail(c, err);
		c->read_wants_write = r == JY_IO_WANT_WRITE;
		return true;
	}
}

/* Waits until the socket can move something, then moves it. A deadline
 * that passes leaves the stream in step (STATUS_DEADLINE_EXCEEDED). */
static bool wait_io(struct jy_client *c, int64_t deadline, struct jy_error *err)
{
	short events = POLLIN;
	int w;

	if (!jy_client_usable(c, err))
		return false;
	if (c->wlen > 0 || c->read_wants_write)
		events |= flush_events(c);
	w = jy_wait_fd(jy_socket(c), events, deadline);
	if (w == 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED,
			     _("timed out waiting for an answer from %s"), jy_transport_peer(c->t));
		return false;
	}
	if (w < 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("poll failed: %s"), strerror(errno));
		return jy_client_fail(c, err);
	}
	return jy_flush(c, err) >= 0 && jy_consume_input(c, err);
}

bool jy_is_busy(const struct jy_client *c)
{
	return c != NULL && c->n_early == 0 && c->outstanding > 0;
}

Jianyi__Envelope *jy_get_response(struct jy_client *c)
{
	return c != NULL ? jy_client_take_answer(c, 0) : NULL;
}

Jianyi__Envelope *jy_get_event(struct jy_client *c)
{
	return c != NULL ? event_pop(c) : NULL;
}

bool jy_response_ok(const Jianyi__Envelope *env, struct jy_error *err)
{
	const Jianyi__Status *st;
	size_t used;

	if (env == NULL || env->body_case != JIANYI__ENVELOPE__BODY_RESPONSE) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("not a response envelope"));
		return false;
	}
	/* A response without a status is OK (proto3: an absent message reads
	 * as its defaults, and code 0 is STATUS_OK). */
	st = env->response->status;
	if (st == NULL || st->code == JIANYI__STATUS_CODE__STATUS_OK)
		return true;
	jy_set_error(err, st->code, "%s", st->message[0] ? st->message :
		     _("the server gave no reason"));
	keep_reason(st, err);
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

/* Turns a response's status into the call's result; *resp keeps the
 * response either way. */
static bool judge_response(Jianyi__Envelope *env, Jianyi__Envelope **resp,
			   struct jy_error *err)
{
	*resp = env;
	return jy_response_ok(env, err);
}

/* Waits for the answer to request id (any, oldest first, when id is 0);
 * the others stay queued. Answers that arrived before the connection
 * failed are still delivered; the failure comes after them. */
static bool await_response(struct jy_client *c, uint64_t id, Jianyi__Envelope **resp,
			   struct jy_error *err)
{
	int64_t deadline = jy_client_deadline(c);
	Jianyi__Envelope *env;

	while ((env = jy_client_take_answer(c, id)) == NULL) {
		if (id == 0 && c->outstanding == 0) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
				     _("no request is waiting for an answer"));
			return false;
		}
		if (!wait_io(c, deadline, err)) {
			env = jy_client_take_answer(c, id);
			if (env == NULL)
				return false;
			break;
		}
	}
	return judge_response(env, resp, err);
}

bool jy_receive(struct jy_client *c, Jianyi__Envelope **resp, struct jy_error *err)
{
	*resp = NULL;
	if ((c == NULL || c->n_early == 0) && !check_ready(c, err))
		return false;
	return await_response(c, 0, resp, err);
}

bool jy_call(struct jy_client *c, const Jianyi__Request *req,
	     Jianyi__Envelope **resp, struct jy_error *err)
{
	uint64_t id;

	*resp = NULL;
	/* in non-blocking mode the rest of the request goes out while we wait */
	return jy_send(c, req, &id, err) && await_response(c, id, resp, err);
}

int jy_socket(const struct jy_client *c)
{
	return c != NULL ? jy_transport_fd(c->t) : -1;
}

int jy_fd(const struct jy_client *c)
{
	return jy_socket(c);
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
	bool ok;

	/* events already queued come first, even on a failed connection */
	*event = event_pop(c);
	if (*event != NULL)
		return true;
	if (!check_ready(c, err))
		return false;
	/* what is readable now, then wait for more */
	ok = jy_flush(c, err) >= 0 && jy_consume_input(c, err);
	while (ok && (*event = event_pop(c)) == NULL)
		ok = wait_io(c, deadline, err);
	if (*event == NULL)
		*event = event_pop(c);   /* one that came just before a failure */
	return *event != NULL;
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
	free(c->wbuf);
	free(c);
}
