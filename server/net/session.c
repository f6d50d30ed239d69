#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "accounts.h"
#include "revocation.h"
#include "frame.h"
#include "log.h"
#include "metrics.h"
#include "protocol.h"
#include "net.h"
#include "status.h"
#include "tls.h"
#include "xalloc.h"

static void process_input(struct session *s);
static void session_close(struct session *s, const char *reason);

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Frame limit before Hello: a Hello is a few dozen bytes, and a client not
 * yet identified (any certificate the CA signed will do) must not make us
 * hold up to max_frame_bytes for it. */
#define HELLO_MAX_FRAME 4096u

/* Output we are willing to hold for a client that does not read: beyond it
 * the session stops reading requests until the client catches up. */
static size_t output_limit(const struct session *s)
{
	return 2u * s->net->cfg->max_frame_bytes + 64u * 1024u;
}

void identity_clear(struct identity *who)
{
	for (size_t i = 0; i < who->n_roles; i++)
		free(who->roles[i]);
	free(who->roles);
	free(who->login);
	free(who->display_name);
	free(who->org_name);
	free(who->org_kind);
	free(who->time_zone);
	memset(who, 0, sizeof *who);
}

static void session_unref(struct session *s)
{
	if (--s->refs == 0) {
		/* Freed by the reaper after this loop iteration, never inside the
		 * callback that noticed the death. */
		TAILQ_INSERT_TAIL(&s->net->graveyard, s, link);
		event_active(s->net->reaper, EV_TIMEOUT, 0);
	}
}

void session_release(struct session *s)
{
	session_unref(s);
}

void session_free(struct session *s)
{
	identity_clear(&s->who);
	free(s);
}

/* ---- writing ---------------------------------------------------------- */

static void send_envelope(struct session *s, const Jianyi__Envelope *env)
{
	struct evbuffer *out = bufferevent_get_output(s->bev);
	size_t n = jianyi__envelope__get_packed_size(env);
	uint8_t hdr[JY_FRAME_HEADER_BYTES];
	jy_frame_put_header(hdr, (uint32_t)n);
	struct evbuffer_iovec v;
	evbuffer_add(out, hdr, sizeof hdr);
	/* Encode straight into the output buffer: no intermediate copy. */
	if (evbuffer_reserve_space(out, (ev_ssize_t)n, &v, 1) < 1) {
		session_close(s, "out of buffer space");
		return;
	}
	v.iov_len = jianyi__envelope__pack(env, v.iov_base);
	evbuffer_commit_space(out, &v, 1);
}

static void send_response(struct session *s, uint64_t id, Jianyi__Response *resp)
{
	Jianyi__Status ok = JIANYI__STATUS__INIT;
	if (!resp->status)
		resp->status = &ok;
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_RESPONSE;
	env.response = resp;
	size_t n = jianyi__envelope__get_packed_size(&env);
	if (n > s->net->cfg->max_frame_bytes) {
		/* Never send what the client would have to reject. */
		Jianyi__Response small = JIANYI__RESPONSE__INIT;
		Jianyi__Status st = JIANYI__STATUS__INIT;
		char msg[128];
		snprintf(msg, sizeof msg, "response of %zu bytes exceeds the frame limit of %u bytes",
			 n, s->net->cfg->max_frame_bytes);
		st.code = JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED;
		st.message = msg;
		small.status = &st;
		env.response = &small;
		send_envelope(s, &env);
	} else {
		send_envelope(s, &env);
	}
	if (resp->status == &ok)
		resp->status = NULL;
}

bool session_push_event(struct session *s, Jianyi__Event *ev)
{
	if (s->state != SESS_READY)
		return false;
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	env.id = 0; /* id 0: not an answer to any request */
	env.body_case = JIANYI__ENVELOPE__BODY_EVENT;
	env.event = ev;
	send_envelope(s, &env);
	return s->state == SESS_READY;
}

size_t session_output_backlog(const struct session *s)
{
	return s->bev ? evbuffer_get_length(bufferevent_get_output(s->bev)) : 0;
}

static void send_status(struct session *s, uint64_t id, int code, const char *reason,
			const char *msg)
{
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__Status st = JIANYI__STATUS__INIT;
	st.code = (Jianyi__StatusCode)code;
	st.message = (char *)msg;
	st.reason = (char *)reason;
	st.retryable = jy_status_retryable(code);
	resp.status = &st;
	send_response(s, id, &resp);
}

/* Answers with a final status, then closes once the answer is flushed. */
static void session_abort(struct session *s, uint64_t id, int code, const char *reason,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void session_abort(struct session *s, uint64_t id, int code, const char *reason,
			  const char *fmt, ...)
{
	if (s->state == SESS_CLOSED || s->state == SESS_CLOSING)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char q[600];
	jy_info("event=session_refused session=%llu peer=%s code=%s reason=%s",
		(unsigned long long)s->id, s->peer, jy_status_name(code),
		jy_log_quote(msg, q, sizeof q));
	send_status(s, id, code, reason, msg);
	s->state = SESS_CLOSING;
	bufferevent_disable(s->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		session_close(s, "refused");
}

/* ---- flow control ----------------------------------------------------- */

static void pause_reading(struct session *s)
{
	if (!s->read_paused) {
		s->read_paused = true;
		bufferevent_disable(s->bev, EV_READ);
	}
}

/* Resumes reading when the in-flight count and the output backlog allow it,
 * then handles frames that were already buffered: bytes that arrived before
 * the pause produce no new read event. */
static void maybe_resume(struct session *s)
{
	if (s->state != SESS_READY || !s->read_paused || s->net->draining)
		return;
	if (s->in_flight >= s->net->cfg->max_in_flight)
		return;
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) > output_limit(s) / 2)
		return;
	s->read_paused = false;
	bufferevent_enable(s->bev, EV_READ);
	process_input(s);
}

/* Draining: close once nothing is in flight and the output is flushed. */
static void drain_check(struct session *s)
{
	if (!s->net->draining || s->state == SESS_CLOSED || s->in_flight > 0)
		return;
	s->state = SESS_CLOSING;
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		session_close(s, "server draining");
}

/* ---- requests --------------------------------------------------------- */

static struct request *request_new(struct session *s, uint64_t id, const char *kind)
{
	struct request *req = jy_xcalloc(1, sizeof *req);
	req->sess = s;
	req->id = id;
	req->kind = kind;
	req->started_us = now_us();
	s->in_flight++;
	s->refs++;
	s->requests++;
	jy_metrics_count(s->net->metrics, JY_REQUESTS_READ);
	return req;
}

bool request_connected(const struct request *req)
{
	return req->sess->state != SESS_CLOSED;
}

/* One line per answered request at info level (docs/OPERATIONS.md "Logs"):
 * the level is checked before anything is formatted. */
static void log_request(const struct session *s, const struct request *req, int code,
			uint64_t took_us)
{
	/* A ping is a keep-alive (desks and stations send one every few
	 * seconds): a line each would bury the requests; at debug level only. */
	bool ping = strcmp(req->kind, "ping") == 0;
	if (!jy_log_enabled(ping ? JY_LOG_DEBUG : JY_LOG_INFO))
		return;
	char login[80];
	jy_log(ping ? JY_LOG_DEBUG : JY_LOG_INFO, "event=request session=%llu id=%llu kind=%s code=%s ms=%.3f account=%s peer=%s",
		(unsigned long long)s->id, (unsigned long long)req->id, req->kind,
		jy_status_name(code), (double)took_us / 1000.0,
		jy_log_quote(s->who.login ? s->who.login : "-", login, sizeof login), s->peer);
}

void request_reply(struct request *req, Jianyi__Response *resp)
{
	struct session *s = req->sess;
	int code = resp->status ? (int)resp->status->code : 0;
	if (s->state != SESS_CLOSED && s->state != SESS_CLOSING)
		send_response(s, req->id, resp);
	uint64_t took_us = now_us() - req->started_us;
	jy_metrics_request(s->net->metrics, req->kind, code, took_us);
	log_request(s, req, code, took_us);
	s->in_flight--;
	free(req);
	if (s->state != SESS_CLOSED) {
		if (s->net->draining)
			drain_check(s);
		else
			maybe_resume(s);
	}
	session_unref(s);
}

void request_reply_then_subscribe(struct request *req, Jianyi__Response *resp, bool subscribe,
				  void (*then)(void *owner, struct session *, int64_t), void *owner,
				  int64_t cursor)
{
	struct session *s = req->sess;
	subscribe = subscribe && request_connected(req);
	if (subscribe)
		s->refs++; /* keep s while we reply; request_reply may release it */
	request_reply(req, resp);
	if (subscribe) {
		if (s->state == SESS_READY)
			then(owner, s, cursor);
		session_release(s);
	}
}

static void fail_v(struct request *req, int code, const char *field, const struct reason *why,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void fail_v(struct request *req, int code, const char *field, const struct reason *why,
		   const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__Status st = JIANYI__STATUS__INIT;
	Jianyi__FieldViolation fv = JIANYI__FIELD_VIOLATION__INIT;
	Jianyi__FieldViolation *fvs[1] = { &fv };
	Jianyi__ReasonArg args[REASON_ARGS_MAX];
	Jianyi__ReasonArg *argp[REASON_ARGS_MAX];
	st.code = (Jianyi__StatusCode)code;
	st.message = msg;
	st.retryable = jy_status_retryable(code);
	if (field && *field) {
		fv.field = (char *)field;
		fv.description = msg;
		st.violations = fvs;
		st.n_violations = 1;
	}
	if (why && why->code) {
		st.reason = (char *)why->code;
		for (size_t i = 0; i < REASON_ARGS_MAX && why->args[i].name; i++) {
			jianyi__reason_arg__init(&args[i]);
			args[i].name = (char *)why->args[i].name;
			args[i].value = (char *)(why->args[i].value ? why->args[i].value : "");
			argp[i] = &args[i];
			st.n_args = i + 1;
		}
		st.args = argp;
	}
	resp.status = &st;
	request_reply(req, &resp);
}

void request_fail(struct request *req, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(req, code, NULL, NULL, fmt, ap);
	va_end(ap);
}

void request_fail_field(struct request *req, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(req, code, field, NULL, fmt, ap);
	va_end(ap);
}

const char *reason_field(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

void request_refuse(struct request *req, int code, const char *field, const struct reason *why,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(req, code, field, why, fmt, ap);
	va_end(ap);
}

/* ---- identification --------------------------------------------------- */

void identity_to_proto(const struct session *s, Jianyi__Identity *id)
{
	id->account_id = s->who.account_id;
	id->login = s->who.login;
	id->display_name = s->who.display_name;
	id->organization_id = s->who.org_id;
	id->organization_name = s->who.org_name;
	id->organization_kind = s->who.org_kind;
	id->certificate_sha256 = (char *)s->cert_sha256;
	id->roles = s->who.roles;
	id->n_roles = s->who.n_roles;
}

/* Ends a request whose answer was already given some other way. */
static void request_drop(struct request *req)
{
	struct session *s = req->sess;
	s->in_flight--;
	free(req);
	session_unref(s);
}

static void send_welcome(struct request *req)
{
	struct session *s = req->sess;
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__Welcome w = JIANYI__WELCOME__INIT;
	Jianyi__Identity id = JIANYI__IDENTITY__INIT;
	Jianyi__Limits lim = JIANYI__LIMITS__INIT;
	identity_to_proto(s, &id);
	lim.max_frame_bytes = s->net->cfg->max_frame_bytes;
	lim.max_in_flight = s->net->cfg->max_in_flight;
	lim.idle_timeout_seconds = s->net->cfg->idle_timeout_s;
	w.protocol_version = JY_PROTOCOL_VERSION;
	w.software = "jianyid/" JY_SOFTWARE_VERSION;
	w.identity = &id;
	w.limits = &lim;
	w.time_zone = s->who.time_zone ? s->who.time_zone : "";
	resp.body_case = JIANYI__RESPONSE__BODY_WELCOME;
	resp.welcome = &w;
	request_reply(req, &resp);
}

/* A session without a certificate is nobody: its Welcome names no one,
 * and it stays under the handshake deadline (docs/ARCHITECTURE.md
 * "Enrollment"). */
static void welcome_enroll_only(struct session *s, uint64_t id)
{
	struct request *req = request_new(s, id, "hello");
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__Welcome w = JIANYI__WELCOME__INIT;
	Jianyi__Limits lim = JIANYI__LIMITS__INIT;
	lim.max_frame_bytes = HELLO_MAX_FRAME;
	lim.max_in_flight = 1;
	lim.idle_timeout_seconds = s->net->cfg->handshake_timeout_s;
	w.protocol_version = JY_PROTOCOL_VERSION;
	w.software = "jianyid/" JY_SOFTWARE_VERSION;
	w.limits = &lim;
	w.time_zone = "";
	resp.body_case = JIANYI__RESPONSE__BODY_WELCOME;
	resp.welcome = &w;
	s->state = SESS_READY;
	request_reply(req, &resp);
}

static void on_identified(enum lookup_verdict v, struct identity *who, const char *detail, void *arg)
{
	struct request *req = arg;
	struct session *s = req->sess; /* valid until the graveyard is reaped */
	if (s->state == SESS_CLOSED) {
		if (who)
			identity_clear(who);
		request_drop(req);
		return;
	}
	if (v != LOOKUP_OK) {
		int code = v == LOOKUP_UNAVAILABLE ? JIANYI__STATUS_CODE__STATUS_UNAVAILABLE
			 : v == LOOKUP_DISABLED ? JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED
			 : v == LOOKUP_ERROR ? JIANYI__STATUS_CODE__STATUS_INTERNAL
			 : JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED;
		if (who)
			identity_clear(who);
		/* The refusal is the Hello's answer; the connection then closes. */
		session_abort(s, req->id, code, lookup_verdict_reason(v), "%s",
			      detail ? detail : lookup_verdict_str(v));
		request_drop(req);
		return;
	}
	s->who = *who;
	s->state = SESS_READY;
	/* Identified: the handshake deadline is done with for good, and an
	 * idle session should not carry its timer (~150 bytes). */
	event_free(s->deadline);
	s->deadline = NULL;
	struct timeval idle = { (time_t)s->net->cfg->idle_timeout_s, 0 };
	struct timeval wt = { (time_t)s->net->cfg->write_timeout_s, 0 };
	bufferevent_set_timeouts(s->bev, &idle, &wt);
	char q[200];
	jy_info("event=session_ready session=%llu peer=%s login=%s account=%lld cert=%.16s",
		(unsigned long long)s->id, s->peer, jy_log_quote(s->who.login, q, sizeof q),
		(long long)s->who.account_id, s->cert_sha256);
	send_welcome(req);
	/* A revoke committed while we looked the account up may not show in
	 * what we read: check again. */
	if (s->hello_epoch != revocation_epoch(s->net->revocation))
		revocation_wake(s->net->revocation);
	/* Requests pipelined behind the Hello are already buffered. */
	if (s->state == SESS_READY)
		process_input(s);
}

void session_end_credentials(struct session *s, const char *reason, const char *why)
{
	session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, reason, "%s", why);
}

/* ---- reading ---------------------------------------------------------- */

static void handle_hello(struct session *s, uint64_t id, const Jianyi__Hello *hello)
{
	if (hello->protocol_version != JY_PROTOCOL_VERSION) {
		session_abort(s, id, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, "protocol_version",
			      "protocol version %u is not supported; this server speaks version %u",
			      hello->protocol_version, JY_PROTOCOL_VERSION);
		return;
	}
	if (s->net->draining) {
		session_abort(s, id, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, "shutting_down",
			      "server is shutting down; connect again");
		return;
	}
	if (s->net->nsessions > s->net->cfg->max_connections) {
		jy_metrics_count(s->net->metrics, JY_SESSIONS_REFUSED);
		session_abort(s, id, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, "connection_limit",
			      "server is at its connection limit (%u); try again later",
			      s->net->cfg->max_connections);
		return;
	}
	if (s->enroll_only) {
		welcome_enroll_only(s, id);
		return;
	}
	s->state = SESS_IDENTIFYING;
	/* Read nothing more until identified (the Welcome's reply resumes):
	 * what a client sends meanwhile would pile up unprocessed. */
	pause_reading(s);
	s->hello_epoch = revocation_epoch(s->net->revocation);
	struct request *req = request_new(s, id, "hello");
	if (!accounts_lookup(s->net->db, s->cert_sha256, on_identified, req)) {
		session_abort(s, id, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, "overloaded",
			      "server is overloaded (database queue full); try again later");
		request_drop(req);
	}
}

static void handle_envelope(struct session *s, Jianyi__Envelope *env)
{
	if (env->body_case != JIANYI__ENVELOPE__BODY_REQUEST) {
		session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "malformed",
			      "a client may only send requests");
		return;
	}
	if (env->id == 0) {
		session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "malformed",
			      "request id 0 is reserved for server events");
		return;
	}
	const Jianyi__Request *rq = env->request;
	if (s->state == SESS_AWAIT_HELLO) {
		if (rq->body_case != JIANYI__REQUEST__BODY_HELLO) {
			session_abort(s, env->id, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, "hello_first",
				      "the first request on a connection must be Hello");
			return;
		}
		handle_hello(s, env->id, rq->hello);
		return;
	}
	if (rq->body_case == JIANYI__REQUEST__BODY_HELLO) {
		send_status(s, env->id, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, "hello_twice",
			    "Hello was already exchanged on this connection");
		return;
	}
	if (s->enroll_only) {
		if (rq->body_case != JIANYI__REQUEST__BODY_ENROLL || s->enroll_sent) {
			session_abort(s, env->id, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "enroll_only",
				      "a connection without a client certificate may only enroll, once");
			return;
		}
		s->enroll_sent = true;
	}
	struct request *req = request_new(s, env->id, "request");
	s->net->hooks.dispatch(s->net->hooks.app, req, rq);
}

/* The largest frame this session may send now. */
static uint32_t frame_limit(const struct session *s)
{
	uint32_t max = s->net->cfg->max_frame_bytes;
	return (s->state == SESS_AWAIT_HELLO || s->enroll_only) && max > HELLO_MAX_FRAME
		       ? HELLO_MAX_FRAME : max;
}

/* Refuses s for holding an incomplete frame while the server is over its
 * budget, and drops its input at once. */
static void refuse_partial(struct session *s)
{
	struct jy_net *net = s->net;
	evbuffer_drain(bufferevent_get_input(s->bev), s->input_held);
	net->input_held -= s->input_held;
	net->input_released += s->input_held;
	s->input_held = 0;
	s->partial_waiting = false;
	jy_metrics_count(net->metrics, JY_PARTIAL_REFUSED);
	session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, "overloaded",
		      "the server holds too much in incomplete frames (max_partial_bytes %u) and "
		      "this connection's frame made no progress for the longest; try again",
		      net->cfg->max_partial_bytes);
}

/* The session waiting for the rest of a frame that last received any of
 * it the longest ago: a stalled frame, rather than one still arriving. */
static struct session *stalest_partial(struct jy_net *net)
{
	struct session *s, *best = NULL;
	TAILQ_FOREACH(s, &net->sessions, link)
		if (s->partial_waiting && s->input_held > 0 &&
		    (!best || s->partial_progress_us < best->partial_progress_us))
			best = s;
	return best;
}

/* Counts what s holds in its input buffer against the server-wide budget
 * for bytes in incomplete frames (max_partial_bytes), so that many
 * connections each sending most of a large frame and then stalling cannot
 * exhaust memory. Over the budget, the sessions whose frames have made no
 * progress for the longest are refused until it fits. */
static void account_input(struct session *s, bool waiting_rest)
{
	struct jy_net *net = s->net;
	size_t held = evbuffer_get_length(bufferevent_get_input(s->bev));
	if (held != s->input_held) /* bytes arrived, or a frame completed */
		s->partial_progress_us = now_us();
	net->input_held = net->input_held - s->input_held + held;
	s->input_held = held;
	s->partial_waiting = waiting_rest;
	while (net->input_held > net->cfg->max_partial_bytes) {
		struct session *victim = stalest_partial(net);
		if (!victim)
			break;
		refuse_partial(victim);
	}
}

static void process_input(struct session *s)
{
	if (s->processing)
		return;
	s->processing = true;
	s->refs++; /* a handler may close the session under us */
	bool waiting_rest = false;
	while (s->state == SESS_AWAIT_HELLO || s->state == SESS_READY) {
		const uint32_t max = frame_limit(s);
		if (s->in_flight >= s->net->cfg->max_in_flight ||
		    evbuffer_get_length(bufferevent_get_output(s->bev)) > output_limit(s)) {
			pause_reading(s);
			break;
		}
		struct evbuffer *in = bufferevent_get_input(s->bev);
		size_t avail = evbuffer_get_length(in);
		uint8_t hdr[JY_FRAME_HEADER_BYTES];
		if (avail < sizeof hdr) {
			waiting_rest = avail > 0;
			break;
		}
		evbuffer_copyout(in, hdr, sizeof hdr);
		uint32_t n;
		enum jy_frame_result r = jy_frame_peek(hdr, sizeof hdr, max, &n);
		if (r == JY_FRAME_EMPTY || r == JY_FRAME_TOO_LARGE) {
			evbuffer_drain(in, avail);
			session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "frame_too_large",
				      "%s (announced %u bytes, limit %u)", jy_frame_result_str(r), n, max);
			break;
		}
		if (avail - sizeof hdr < n) {
			/* Wait for the rest: only what arrived is buffered, at most
			 * max bytes, and within the server-wide budget. */
			waiting_rest = true;
			break;
		}
		const uint8_t *frame = evbuffer_pullup(in, (ev_ssize_t)(sizeof hdr + n));
		char err[300];
		Jianyi__Envelope *env = jy_envelope_decode(frame + sizeof hdr, n, err, sizeof err);
		evbuffer_drain(in, sizeof hdr + n);
		if (!env) {
			evbuffer_drain(in, evbuffer_get_length(in));
			session_abort(s, 0, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "malformed",
				      "undecodable frame: %s", err);
			break;
		}
		handle_envelope(s, env);
		jy_envelope_free(env);
	}
	if (s->state != SESS_CLOSED)
		account_input(s, waiting_rest);
	s->processing = false;
	session_unref(s);
}

/* ---- libevent callbacks ----------------------------------------------- */

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	process_input(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct session *s = arg;
	/* A write callback queued earlier can run after more output was added:
	 * act only on what is true now. */
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
		return;
	if (s->state == SESS_CLOSING) {
		session_close(s, "closed after final answer");
		return;
	}
	maybe_resume(s);
}

/* The session no longer counts against max_handshakes. */
static void handshake_over(struct session *s)
{
	if (s->counted_handshake) {
		s->counted_handshake = false;
		s->net->nhandshaking--;
	}
}

static void on_handshake_done(struct session *s)
{
	SSL *ssl = bufferevent_openssl_get_ssl(s->bev);
	bool resumed = SSL_session_reused(ssl) == 1;
	handshake_over(s);
	if (resumed)
		jy_metrics_count(s->net->metrics, JY_TLS_RESUMED);
	else
		jy_metrics_count(s->net->metrics, JY_TLS_FULL);
	const unsigned char *alpn = NULL;
	unsigned alpn_len = 0;
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	if (alpn_len != strlen(JY_ALPN) || memcmp(alpn, JY_ALPN, alpn_len) != 0) {
		session_close(s, "client did not negotiate ALPN " JY_ALPN);
		return;
	}
	/* On a resumed session this is the certificate from the ticket: it was
	 * verified when the ticket was issued, and is mapped to its account
	 * again at Hello (revocation is checked there). Its validity period is
	 * not re-checked by OpenSSL on resumption, so check it here. */
	X509 *cert = SSL_get0_peer_certificate(ssl);
	if (!cert && s->net->cfg->issuing_cert_file) {
		/* Possible only with enrollment on (tls.c): Hello and one
		 * EnrollRequest, nothing else. */
		s->enroll_only = true;
		s->state = SESS_AWAIT_HELLO;
		jy_debug("event=tls_ready session=%llu peer=%s enroll_only=1", (unsigned long long)s->id, s->peer);
		process_input(s);
		return;
	}
	if (!jy_tls_cert_sha256(cert, s->cert_sha256)) {
		session_close(s, "no client certificate");
		return;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
		session_close(s, "client certificate expired since the session began");
		return;
	}
	struct tm not_after;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &not_after) == 1)
		s->cert_not_after = timegm(&not_after);
	s->state = SESS_AWAIT_HELLO;
	jy_debug("event=tls_ready session=%llu peer=%s version=%s resumed=%d cert=%.16s",
		 (unsigned long long)s->id, s->peer, SSL_get_version(ssl), resumed, s->cert_sha256);
	process_input(s);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;
	if (what & BEV_EVENT_CONNECTED) {
		on_handshake_done(s);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if ((what & BEV_EVENT_READING) &&
		    (s->in_flight > 0 || s->feed_sub || s->notice_follower)) {
			/* Quiet because we owe it answers (or it is watching the
			 * feed or its inbox and waits for our pushes), not idle. */
			bufferevent_enable(bev, EV_READ);
			return;
		}
		session_close(s, (what & BEV_EVENT_WRITING) ? "slow reader: output not drained in time"
							     : "idle timeout");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		char reason[256] = "connection error";
		unsigned long e, last = 0;
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			last = e;
		if (last >= 1 && last <= SSL_ERROR_WANT_CLIENT_HELLO_CB)
			/* libevent queues SSL_get_error()'s code when OpenSSL queued none */
			snprintf(reason, sizeof reason, "%s",
				 last == SSL_ERROR_SYSCALL ? "connection reset or broken during TLS I/O"
							   : "TLS protocol error");
		else if (last)
			ERR_error_string_n(last, reason, sizeof reason);
		else if (EVUTIL_SOCKET_ERROR())
			snprintf(reason, sizeof reason, "%s",
				 evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		ERR_clear_error();
		session_close(s, reason);
		return;
	}
	if (what & BEV_EVENT_EOF)
		session_close(s, "peer closed");
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct session *s = arg;
	if (s->state == SESS_HANDSHAKE || s->state == SESS_AWAIT_HELLO)
		session_close(s, "handshake or Hello not completed in time");
	else if (s->enroll_only)
		session_close(s, "enrollment not completed in time");
}

/* ---- life cycle ------------------------------------------------------- */

static void session_close(struct session *s, const char *reason)
{
	if (s->state == SESS_CLOSED)
		return;
	handshake_over(s);
	char q[300];
	jy_info("event=session_closed session=%llu peer=%s requests=%llu reason=%s",
		(unsigned long long)s->id, s->peer, (unsigned long long)s->requests,
		jy_log_quote(reason, q, sizeof q));
	bool was_open = s->state != SESS_HANDSHAKE;
	jy_debug("event=closing session=%llu state=%d out=%zu in=%zu", (unsigned long long)s->id, (int)s->state,
		 evbuffer_get_length(bufferevent_get_output(s->bev)), evbuffer_get_length(bufferevent_get_input(s->bev)));
	s->state = SESS_CLOSED;
	s->net->input_held -= s->input_held;
	s->net->input_released += s->input_held;
	s->input_held = 0;
	if (s->feed_sub || s->notice_follower)
		s->net->hooks.session_closing(s->net->hooks.app, s);
	if (was_open && evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		/* Everything is flushed: a close_notify tells the client the close
		 * was deliberate (best effort; the socket is non-blocking), and a
		 * lingering half-close keeps unread requests from turning our close
		 * into a reset that would destroy answers the client has not read. */
		SSL_shutdown(bufferevent_openssl_get_ssl(s->bev));
		net_linger(s->net, bufferevent_getfd(s->bev));
	}
	ERR_clear_error();
	bufferevent_free(s->bev); /* BEV_OPT_CLOSE_ON_FREE: frees the SSL, closes the socket */
	s->bev = NULL;
	if (s->deadline) {
		event_free(s->deadline);
		s->deadline = NULL;
	}
	net_session_closed(s->net, s);
	session_unref(s);
}

void session_force_close(struct session *s, const char *reason)
{
	session_close(s, reason);
}

void session_begin_drain(struct session *s)
{
	if (s->state == SESS_CLOSED || s->state == SESS_CLOSING)
		return;
	pause_reading(s);
	drain_check(s);
}

void session_accept(struct jy_net *net, int fd, const char *peer)
{
	jy_socket_nodelay(fd);
	SSL *ssl = SSL_new(net->tls);
	if (!ssl) {
		char why[256];
		jy_warn("event=accept_failed reason=%s", jy_tls_drain_errors(why, sizeof why));
		close(fd);
		return;
	}
	struct bufferevent *bev = bufferevent_openssl_socket_new(
		net->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		jy_warn("event=accept_failed reason=bufferevent");
		SSL_free(ssl);
		close(fd);
		return;
	}
	/* We frame our own messages, so a peer that drops TCP without
	 * close_notify cannot truncate a message unnoticed: treat it as EOF. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);

	struct session *s = jy_xcalloc(1, sizeof *s);
	s->net = net;
	s->id = ++net->next_session_id;
	snprintf(s->peer, sizeof s->peer, "%s", peer);
	s->state = SESS_HANDSHAKE;
	s->bev = bev;
	s->refs = 1;
	s->counted_handshake = true;
	net->nhandshaking++;
	s->deadline = evtimer_new(net->base, on_deadline, s);
	struct timeval hs = { (time_t)net->cfg->handshake_timeout_s, 0 };
	evtimer_add(s->deadline, &hs);
	struct timeval wt = { (time_t)net->cfg->write_timeout_s, 0 };
	bufferevent_set_timeouts(bev, &hs, &wt);
	bufferevent_setcb(bev, on_read, on_write, on_event, s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	net_session_opened(net, s);
	jy_debug("event=session_open session=%llu peer=%s", (unsigned long long)s->id, peer);
}
