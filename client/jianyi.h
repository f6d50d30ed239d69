/* libjianyi: a small C client for jianyid, as a shared library
 * (libjianyi.so.0; link it with `pkg-config --cflags --libs jianyi`).
 *
 *   struct jy_client_options o = { .server = "127.0.0.1:7443",
 *       .cert_file = "me.crt", .key_file = "me.key", .ca_file = "ca.crt" };
 *   struct jy_error e;
 *   struct jy_client *c = jy_connect(&o, &e);       // TCP + mutual TLS + Hello/Welcome
 *   Jianyi__Request req = JIANYI__REQUEST__INIT; ... set one body ...
 *   Jianyi__Envelope *resp;
 *   if (jy_call(c, &req, &resp, &e)) { ... resp->response ...; jy_envelope_free(resp); }
 *   jy_close(c);
 *
 * Every failure is reported as a status code (Jianyi__StatusCode) and a
 * one-line message naming what went wrong; transport failures map to
 * STATUS_UNAVAILABLE (retryable) or STATUS_UNAUTHENTICATED (certificate
 * refused). Not thread-safe: one connection per thread.
 *
 * The requests and responses are the protocol's own protobuf-c structs
 * (jianyi.pb-c.h, generated from proto/jianyi.proto and installed beside
 * this header): the protocol is the API, so a program sees every field the
 * server sends without waiting for this library to wrap it. Hence the
 * pkg-config file requires libprotobuf-c. Only what is marked JY_API is
 * exported (besides the generated jianyi__* protobuf code); test hooks live
 * in jianyi_test.h and are not part of the shared library. */
#ifndef LIBJIANYI_H
#define LIBJIANYI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jianyi.pb-c.h"
#include "jy_limits.h"   /* JY_IDEMPOTENCY_KEY_MAX, the term and session */

/* Marks what the shared library exports; everything else is hidden. */
#define JY_API __attribute__((visibility("default")))

/* This library's version ("0.1.0"), for logs and bug reports. */
JY_API const char *jy_version(void);

struct jy_client_options {
	const char *server;      /* "host:port" or "host" (port 7443) */
	const char *cert_file;   /* client certificate, PEM */
	const char *key_file;    /* its private key, PEM */
	const char *ca_file;     /* CA that signed the server's certificate, PEM */
	const char *server_name; /* name to verify in the server cert; default: the host */
	int timeout_ms;          /* connect, handshake and each call; 0: 10000 */
	bool allow_tls12;
	bool no_resume;          /* never offer a session ticket: always a full
				  * handshake (benchmarks; by default a connection
				  * to a server we talked to before resumes) */
};

struct jy_error {
	int code;                /* Jianyi__StatusCode */
	char message[512];       /* English from the server; libjianyi's own in the
				  * reader's language */
	/* A server refusal's reason (Status.reason, docs/WORKFLOW.md "Reasons"),
	 * "" for none, and its named arguments as "name=value\n" lines: for a
	 * sentence in the reader's language (the CLI's cli_reasons.c). */
	char reason[48];
	char reason_args[512];
};

struct jy_client;

JY_API struct jy_client *jy_connect(const struct jy_client_options *opts, struct jy_error *err);
/* The server's Welcome (identity, limits); owned by the client. NULL
 * until the connection is ready (jy_connect_poll). */
JY_API const Jianyi__Welcome *jy_welcome(const struct jy_client *c);

/* Sends req and waits for its response. Returns true when a response
 * arrived with status OK; false otherwise, with err set (and *resp still set
 * to the response when one arrived with a non-OK status; free it). */
JY_API bool jy_call(struct jy_client *c, const Jianyi__Request *req,
	     Jianyi__Envelope **resp, struct jy_error *err);

/* A GetSuggestion answer holds one page of a long timeline; this fetches
 * the pages after it (timeline_next_after) and appends their events to g,
 * whose suggestion becomes the latest page's. False with err set when a
 * page cannot be had (g keeps the events it has). */
JY_API bool jy_timeline_complete(struct jy_client *c, Jianyi__GetSuggestionResponse *g, struct jy_error *err);

/* Pipelining: send many, then receive responses in whatever order they come.
 * jy_send queues the request under the next id (*id) and, in the default
 * blocking mode, writes it all before it returns; in non-blocking mode it
 * writes what the socket takes and leaves the rest to jy_flush. */
JY_API bool jy_send(struct jy_client *c, const Jianyi__Request *req, uint64_t *id, struct jy_error *err);
JY_API bool jy_receive(struct jy_client *c, Jianyi__Envelope **resp, struct jy_error *err);

/* --- Non-blocking use, for an event loop (libevent, GLib) -------------
 * In the manner of libpq (PQconnectStart/PQconnectPoll, PQsendQuery,
 * PQconsumeInput, PQisBusy, PQgetResult); the blocking calls above are
 * loops over these with poll(). No threads of ours: the caller watches
 * jy_socket.
 *
 *   c = jy_connect_start(&opts, &e);            // non-blocking mode
 *   p = jy_connect_poll(c, &e);                  // at once, then whenever the
 *                                                // socket is ready as p asks
 *   ... until p == JY_POLL_OK (or JY_POLL_FAILED: e says why) ...
 *   jy_send(c, &req, &id, &e);                   // as many as you like
 *   if (jy_flush(c, &e) == 1) watch for writable, then jy_flush again
 *   on readable: jy_consume_input(c, &e);
 *                while ((r = jy_get_response(c))) { jy_response_ok(r, &e) ... }
 *                while ((ev = jy_get_event(c))) { ... }
 *
 * A host name is looked up without blocking: glibc's getaddrinfo_a asks
 * the system resolver on a thread of glibc's, and until the answer is in
 * jy_socket is a descriptor that becomes readable when it is (an IP
 * address needs no lookup and no thread). Timeouts are the caller's
 * (timeout_ms applies to the blocking calls only). Each envelope taken is
 * the caller's to free with jy_envelope_free. */
enum jy_poll {
	JY_POLL_FAILED,    /* err says why; jy_close the connection */
	JY_POLL_READING,   /* call again once jy_socket is readable */
	JY_POLL_WRITING,   /* call again once jy_socket is writable */
	JY_POLL_OK,        /* connected and greeted: jy_welcome is set */
};
/* Starts connecting (TCP, then TLS, then Hello/Welcome); NULL with err when
 * the options are bad or no address can be tried. The connection is in
 * non-blocking mode. */
JY_API struct jy_client *jy_connect_start(const struct jy_client_options *opts,
					  struct jy_error *err);
JY_API enum jy_poll jy_connect_poll(struct jy_client *c, struct jy_error *err);
/* The socket to watch. It may change while connecting (each of the
 * server's addresses in turn): ask again after each jy_connect_poll. */
JY_API int jy_socket(const struct jy_client *c);
/* The same socket, by its older name. */
JY_API int jy_fd(const struct jy_client *c);
/* Non-blocking mode on or off (jy_send above). jy_call, jy_receive and
 * jy_next_event wait in either mode. */
JY_API void jy_set_nonblocking(struct jy_client *c, bool on);
/* Writes queued output without waiting: 0 when all of it is out, 1 while
 * some remains (wait for jy_socket to be writable, then call again), -1 when
 * the connection failed (err). */
JY_API int jy_flush(struct jy_client *c, struct jy_error *err);
/* Reads what has arrived, without waiting, and files it: answers for
 * jy_get_response, pushed events for jy_get_event. False when the
 * connection failed (err); true otherwise, even when nothing came. */
JY_API bool jy_consume_input(struct jy_client *c, struct jy_error *err);
/* True while requests wait for answers and none has arrived
 * (jy_get_response would return NULL). */
JY_API bool jy_is_busy(const struct jy_client *c);
/* The oldest answer that arrived (any request), or NULL; its envelope id
 * is the id jy_send gave. */
JY_API Jianyi__Envelope *jy_get_response(struct jy_client *c);
/* The oldest pushed event not yet taken, or NULL. */
JY_API Jianyi__Envelope *jy_get_event(struct jy_client *c);
/* Whether a response's status is OK; else err holds the server's reason
 * with its field violations. */
JY_API bool jy_response_ok(const Jianyi__Envelope *resp, struct jy_error *err);
/* Whether this connection resumed an earlier TLS session with the ticket
 * the server gave us then (no certificate exchange; the server still maps
 * our certificate to the account on every connection). */
JY_API bool jy_resumed(const struct jy_client *c);

JY_API void jy_close(struct jy_client *c);
JY_API void jy_envelope_free(Jianyi__Envelope *env);

/* Name of a status code ("permission_denied"). */
JY_API const char *jy_status_str(int code);

/* Splits a server address: "host:port", "host", "[v6addr]:port", "[v6addr]"
 * or a bare "v6addr" (the port defaults to 7443). Returns false with err
 * (STATUS_INVALID_ARGUMENT) when the address is none of these. */
JY_API bool jy_parse_server(const char *server, char *host, size_t hostlen,
		     uint16_t *port, struct jy_error *err);

/* The next event the server pushed (envelope id 0: change-feed events after
 * a live Sync, "resync" when we fell too far behind). Events that arrived
 * while a call waited for its response are queued and come first; else
 * waits up to timeout_ms (0: no waiting beyond what is already readable);
 * the queue is bounded (JY_MAX_QUEUED_EVENTS below).
 * Responses to pipelined requests read meanwhile are kept for jy_receive.
 * False with err: STATUS_DEADLINE_EXCEEDED when none came in time
 * (the connection stays usable), else the connection failed. Free *event
 * with jy_envelope_free. */
JY_API bool jy_next_event(struct jy_client *c, int timeout_ms, Jianyi__Envelope **event,
		   struct jy_error *err);

/* --- Enrollment (docs/ARCHITECTURE.md "Enrollment") ------------------
 * First run: with a one-time code from an administrator, jy_enroll makes
 * an Ed25519 key here (it never leaves this machine), sends a certificate
 * request and the code over TLS that checks the server against ca_file
 * (no client certificate yet), and writes into out_dir (made 0700 when
 * missing):
 *   client.key (0600), client.crt, ca.crt (a copy of ca_file),
 *   issuing-ca.crt (the CA that signed client.crt) and client.ini
 *   ([client] server, cert, key, ca: `jianyi --config DIR/client.ini`).
 * It refuses to overwrite any of them, before it uses the code. It blocks
 * (timeout_ms for the connection and the answer). It touches no state
 * shared with other connections but the library's locked caches, so a
 * program with a main loop calls it on a worker thread (GTask,
 * g_thread_new) and takes the result back on its loop. False with err:
 * the server's refusal (a used, expired or wrong code: permission_denied
 * or failed_precondition) or what failed here. */
struct jy_enroll_options {
	const char *server;      /* "host:port" */
	const char *ca_file;     /* CA that signed the server's certificate, PEM */
	const char *code;        /* the one-time code, "ID-SECRET" */
	const char *out_dir;
	const char *server_name; /* name to verify in the server cert; default: the host */
	int timeout_ms;          /* 0: 10000 */
};
struct jy_enroll_result {
	char login[128];         /* the account the certificate logs in as */
	char cert_sha256[65];
	char not_after[32];      /* RFC 3339, UTC */
	char config_file[4096];  /* out_dir/client.ini */
};
JY_API bool jy_enroll(const struct jy_enroll_options *opts, struct jy_enroll_result *result,
		      struct jy_error *err);

/* --- Typed helpers for the common requests ---------------------------
 * So that a program need not wire protobuf-c structs by hand:
 *
 *   struct jy_act a;
 *   jy_act_init(&a, JIANYI__ACTION__ACTION_REPLY, id, version);
 *   a.reply.result_class = "A"; a.reply.text = "...";
 *   if (!jy_act_set_key(&a, "reply-42-1", &e) || !jy_call_act(c, &a, &resp, &e)) ...
 *
 * Adding a params message to the protocol changes struct jy_act, and with
 * it the library's soversion. */

/* Everything one ActRequest points into. */
struct jy_act {
	Jianyi__ActRequest req;
	Jianyi__CreateParams create;
	Jianyi__ReasonParams reason;
	Jianyi__RegisterParams reg;
	Jianyi__MergeParams merge;
	Jianyi__ConvertParams convert;
	Jianyi__AssignParams assign;
	Jianyi__PlanParams plan;
	Jianyi__ContactParams contact;
	Jianyi__OpinionParams opinion;
	Jianyi__ExtendParams extend;
	Jianyi__ApproveExtensionParams approve;
	Jianyi__ReplyParams reply;
	Jianyi__FollowUpParams follow_up;
	Jianyi__EvaluateParams evaluate;
	Jianyi__SuperviseParams supervise;
	Jianyi__SubmitParams submit;  /* optional: point req at it to drop co-signers */
	Jianyi__EditParams edit;
	Jianyi__CorrectParams correct;
	char key[JY_IDEMPOTENCY_KEY_MAX + 1];
};
/* Readies every part and points req at the params message the action
 * takes (none for cosign, accept and submit); the key is empty until
 * jy_act_set_key. */
JY_API void jy_act_init(struct jy_act *a, Jianyi__Action action, int64_t suggestion_id,
			int32_t expected_version);
/* Copies the idempotency key (1 to JY_IDEMPOTENCY_KEY_MAX bytes); false
 * with err (STATUS_INVALID_ARGUMENT) otherwise. */
JY_API bool jy_act_set_key(struct jy_act *a, const char *key, struct jy_error *err);
/* Requests ready for jy_send or jy_call; they point into the given parts. */
JY_API void jy_request_act(Jianyi__Request *req, struct jy_act *a);
JY_API void jy_request_get(Jianyi__Request *req, Jianyi__GetSuggestionRequest *get,
			   int64_t suggestion_id);
/* list: the filters, from JIANYI__LIST_SUGGESTIONS_REQUEST__INIT. */
JY_API void jy_request_list(Jianyi__Request *req, Jianyi__ListSuggestionsRequest *list);
/* The same as one blocking call each (jy_call's contract). */
JY_API bool jy_call_act(struct jy_client *c, struct jy_act *a, Jianyi__Envelope **resp,
			struct jy_error *err);
JY_API bool jy_call_get(struct jy_client *c, int64_t suggestion_id, Jianyi__Envelope **resp,
			struct jy_error *err);
/* filter NULL: every case the caller may see (the first page). */
JY_API bool jy_call_list(struct jy_client *c, const Jianyi__ListSuggestionsRequest *filter,
			 Jianyi__Envelope **resp, struct jy_error *err);

/* --- Attachments (docs/WORKFLOW.md "Attachments") --------------------
 * A file travels in chunks that fit a frame. When the link is cut in the
 * middle the call fails (STATUS_UNAVAILABLE); connect again and call it
 * again with the same struct: it resumes where the bytes end.
 *
 *   struct jy_upload u = { .path = "答复函.pdf", .suggestion_id = 7,
 *                          .attached_to = "reply", .public_ = true };
 *   while (!jy_upload_file(c, &u, &e) && e.code == STATUS_UNAVAILABLE)
 *       ... jy_close(c); c = jy_connect(...) ...;
 *   // u.attachment_id is the attachment */
struct jy_upload {
	const char *path;          /* the file to send */
	const char *name;          /* its name for others; NULL: the path's last part */
	int64_t suggestion_id;
	const char *attached_to;   /* suggestion (NULL), plan, contact, reply, follow_up, supervision */
	int64_t event_sequence;    /* the record; 0: the case's latest of that kind */
	bool public_;              /* a reply's attachment, shown on the portal */
	/* Filled by the call and kept between calls (zero them for a new file): */
	int64_t attachment_id;
	int64_t size;
	char sha256[65];
	int64_t resumed_from;      /* the bytes the server held when this call began */
	int64_t event_sequence_done; /* the "attach" event, once finished */
	char key_[40];             /* the idempotency keys' stem */
};
JY_API bool jy_upload_file(struct jy_client *c, struct jy_upload *u, struct jy_error *err);
/* How far a file has moved: bytes_done of bytes_total (the file's size),
 * told on the calling thread. An upload tells first what the server holds
 * when the call begins (0, or where a cut transfer resumes), then the
 * server's count after each chunk; a download tells after each chunk. The
 * counts only grow, and the last one of a transfer that succeeds is
 * bytes_total. */
typedef void (*jy_progress_fn)(int64_t bytes_done, int64_t bytes_total, void *user);
/* jy_upload_file telling progress (NULL: nothing) as it goes. */
JY_API bool jy_upload_file_progress(struct jy_client *c, struct jy_upload *u,
				    jy_progress_fn progress, void *user, struct jy_error *err);

/* Writes attachment_id to path through "path.part": a part left by a cut
 * transfer is continued; the whole is checked against the attachment's
 * SHA-256 before it is renamed to path. */
struct jy_download {
	int64_t attachment_id;
	const char *path;
	/* Filled by the call: */
	char name[808];
	char mime_type[128];
	char sha256[65];
	int64_t size;
	int64_t resumed_from;      /* the bytes of the part file when this call began */
	char part_[4096];
};
JY_API bool jy_download_file(struct jy_client *c, struct jy_download *d, struct jy_error *err);
/* jy_download_file telling progress (NULL: nothing) after each chunk. */
JY_API bool jy_download_file_progress(struct jy_client *c, struct jy_download *d,
				      jy_progress_fn progress, void *user, struct jy_error *err);
/* AttachListRequest: a case's attachments (attachment_id 0), or one. */
JY_API bool jy_call_attach_list(struct jy_client *c, int64_t suggestion_id, int64_t attachment_id,
				Jianyi__Envelope **resp, struct jy_error *err);

/* Reconnection back-off with jitter: each delay is drawn from the upper
 * half of an interval that doubles from min_ms to max_ms, so a thousand
 * clients dropped at the same moment do not come back in lockstep.
 *
 *   struct jy_backoff b;
 *   jy_backoff_init(&b, 500, 30000);
 *   while (!(c = jy_connect(...))) usleep(jy_backoff_next(&b) * 1000u);
 *   jy_backoff_reset(&b);   // after a connection that did some work */
struct jy_backoff {
	unsigned min_ms, max_ms, cur_ms;
	unsigned seed;
};
JY_API void jy_backoff_init(struct jy_backoff *b, unsigned min_ms, unsigned max_ms);
/* The next delay in milliseconds (between cur/2 and cur), then doubles cur. */
JY_API unsigned jy_backoff_next(struct jy_backoff *b);
JY_API void jy_backoff_reset(struct jy_backoff *b);

/* What a server can make a client hold: events pushed while a call waits
 * for its answer are queued for jy_next_event up to this many and this many
 * bytes (as framed); one more fails the connection with
 * STATUS_RESOURCE_EXHAUSTED naming the bound. None is dropped unseen: a
 * change-feed reader connects again and resumes from its cursor. */
#define JY_MAX_QUEUED_EVENTS 100000u
#define JY_MAX_QUEUED_EVENT_BYTES (32u * 1024u * 1024u)

/* Always 0 (kept for callers of old): events are never dropped (above). */
JY_API uint64_t jy_dropped_events(const struct jy_client *c);

#endif
