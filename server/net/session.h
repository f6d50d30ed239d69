/* One client connection: TLS handshake, frame reading, Hello first, account
 * identification by certificate, requests in flight with a bound (beyond it
 * the session stops reading: back-pressure, not buffering), responses in any
 * order, and timeouts for the handshake, idleness and slow readers. */
#ifndef JY_SESSION_H
#define JY_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>
#include <event2/bufferevent.h>

#include "jianyi.pb-c.h"

struct jy_net;
struct api_ctx;

enum session_state {
	SESS_HANDSHAKE,   /* TLS handshake in progress */
	SESS_AWAIT_HELLO, /* handshake done; the first frame must be Hello */
	SESS_IDENTIFYING, /* Hello received; looking up the certificate's account */
	SESS_READY,       /* identified; requests are dispatched */
	SESS_CLOSING,     /* flushing a final answer, then closing */
	SESS_CLOSED,      /* socket gone; struct lives until in-flight work returns */
};

/* The caller, as mapped from the client certificate. */
struct identity {
	int64_t account_id;
	char *login;
	char *display_name;
	char **roles;
	size_t n_roles;
	int64_t org_id;
	char *org_name;
	char *org_kind;
	char *time_zone;    /* settings.time_zone when identified (the Welcome's) */
};

struct session {
	struct jy_net *net;
	uint64_t id;
	char peer[64];
	enum session_state state;
	struct bufferevent *bev;
	struct event *deadline;       /* handshake + Hello must finish before it fires;
				       * freed once identified */
	char cert_sha256[65];         /* "" on an enroll-only session */
	bool enroll_only;             /* no client certificate: Hello and one EnrollRequest,
				       * all before the handshake deadline ("Enrollment") */
	bool enroll_sent;             /* that EnrollRequest came */
	time_t cert_not_after;        /* the certificate's notAfter (revocation.c ends the session then) */
	uint64_t hello_epoch;         /* revocation_epoch() when the account lookup began */
	struct identity who;
	unsigned in_flight;           /* requests dispatched and not yet answered */
	unsigned refs;                /* 1 for the connection + 1 per request in flight */
	bool read_paused;             /* reading disabled (in-flight bound or output backlog) */
	bool processing;              /* inside process_input(): don't re-enter */
	bool counted_handshake;       /* counted in net->nhandshaking */
	uint64_t requests;
	size_t input_held;            /* input bytes counted in net->input_held */
	bool partial_waiting;         /* input_held ends in an incomplete frame */
	uint64_t partial_progress_us; /* when input_held last grew (monotonic) */
	struct feed_sub *feed_sub;    /* live change-feed subscription (feed.c), or NULL */
	struct notice_follower *notice_follower; /* follows its inbox (notice_push.c), or NULL */
	TAILQ_ENTRY(session) link;
};

/* Takes ownership of fd (an accepted TCP socket). */
void session_accept(struct jy_net *net, int fd, const char *peer);

/* A request being served. Exactly one of request_reply()/request_fail()
 * must be called for each, possibly later from a database callback. */
struct request {
	struct session *sess;
	/* What the handlers work with (api/context.h), set by the dispatcher;
	 * opaque to this layer. */
	const struct api_ctx *ctx;
	uint64_t id;
	const char *kind;
	uint64_t started_us;
};

/* Sends resp (status OK unless resp->status is set) and frees req. */
void request_reply(struct request *req, Jianyi__Response *resp);
void request_fail(struct request *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like request_fail, with a field violation naming the offending field. */
void request_fail_field(struct request *req, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A refusal's reason for a program and a translator (Status.reason and
 * Status.args; docs/WORKFLOW.md "Reasons"): a stable lowercase code and its
 * named arguments, an argument naming an action, state, field or role by
 * its code. */
#define REASON_ARGS_MAX 6
struct reason_arg {
	const char *name;
	const char *value;
};
struct reason {
	const char *code;
	struct reason_arg args[REASON_ARGS_MAX]; /* up to the first with a NULL name */
};
/* A reason literal: REASON("too_long", { "field", "title" }, { "max", "200" }). */
#define REASON(code, ...) (&(const struct reason){ (code), { __VA_ARGS__ } })
/* A field path's own name: "page_size" of "sync.page_size". */
const char *reason_field(const char *path);
/* Like request_fail_field (field may be NULL), with the reason why. Every
 * refusal of the api layer goes through here (test sql_reasons checks). */
void request_refuse(struct request *req, int code, const char *field, const struct reason *why,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Whether the connection behind req is still open (else the reply is dropped). */
bool request_connected(const struct request *req);
/* Replies, then, when subscribe is set and the session is still ready,
 * calls then(owner, session, cursor): a subscription's pushes never precede the
 * answer that started it (Sync with live, Inbox with follow). */
void request_reply_then_subscribe(struct request *req, Jianyi__Response *resp, bool subscribe,
				  void (*then)(void *owner, struct session *, int64_t), void *owner,
				  int64_t cursor);

/* SIGTERM: stop reading new requests; close once the in-flight ones are answered. */
void session_begin_drain(struct session *s);
/* Closes now, whatever is in flight (shutdown after the drain timeout). */
void session_force_close(struct session *s, const char *reason);
/* The certificate or account behind s is no longer valid (revocation.c):
 * a final UNAUTHENTICATED answer (id 0) saying why (reason: its code), nothing
 * more is read or pushed, and the connection closes once that answer is flushed. */
void session_end_credentials(struct session *s, const char *reason, const char *why);
/* Frees a session that server.c took from the graveyard. */
void session_free(struct session *s);

/* Pushes a server event (envelope id 0) to an identified, open session;
 * false when it is not open. */
bool session_push_event(struct session *s, Jianyi__Event *ev);
/* Drops a reference taken with s->refs++ (freed after this loop iteration
 * when it was the last). */
void session_release(struct session *s);
/* Bytes written to the session and not yet taken by the socket. */
size_t session_output_backlog(const struct session *s);

void identity_clear(struct identity *who);
/* Points id's fields at the session's identity (valid while the session is). */
void identity_to_proto(const struct session *s, Jianyi__Identity *id);

#endif
