/* The desk's one connection to jianyid, driven by GLib's main loop through
 * libjianyi's non-blocking interface (jy_connect_start/jy_connect_poll,
 * jy_send, jy_flush, jy_consume_input): nothing here waits on the network.
 * Answers come back to the callback given with each request; events the
 * server pushes go to one handler. When the link drops, every waiting
 * request is answered with the failure and the link connects again after a
 * jittered back-off (jy_backoff). */
#ifndef JY_DESK_LINK_H
#define JY_DESK_LINK_H

#include <stdbool.h>

#include "jianyi.h"

struct cli_settings;

enum desk_link_state {
	DESK_LINK_CONNECTING,     /* the first connect */
	DESK_LINK_CONNECTED,      /* greeted: desk_link_welcome is set */
	DESK_LINK_RECONNECTING,   /* lost; connecting again (why says why) */
	DESK_LINK_REFUSED,        /* the server refused the certificate (why: its
				   * reason, e.g. revoked); tried again all the same */
};

struct desk_link;

typedef void (*desk_link_status_fn)(enum desk_link_state state, const char *why, void *user);
typedef void (*desk_link_event_fn)(const Jianyi__Event *ev, void *user);
/* The answer to one request: env with its status OK and err NULL, or err
 * set (env the refusal, or NULL when no answer came). The link frees env
 * after the call. */
typedef void (*desk_link_reply_fn)(const Jianyi__Envelope *env, const struct jy_error *err,
				   void *user);

/* A link with s's server and credentials (copied); call desk_link_start. */
struct desk_link *desk_link_new(const struct cli_settings *s);
void desk_link_set_handlers(struct desk_link *l, desk_link_status_fn status,
			    desk_link_event_fn event, void *user);
void desk_link_start(struct desk_link *l);
/* Between two tries of a dropped link (F5: the person knows the line is
 * back), tries at once, the back-off from its shortest again; else
 * nothing. */
void desk_link_retry_now(struct desk_link *l);
void desk_link_free(struct desk_link *l);

enum desk_link_state desk_link_state(const struct desk_link *l);
/* The server's Welcome while connected, else NULL. */
const Jianyi__Welcome *desk_link_welcome(const struct desk_link *l);

/* The server and credentials the link connects with, for a connection of
 * one's own on a worker thread (attachments, desk_attachments.c). */
const struct jy_client_options *desk_link_options(const struct desk_link *l);

/* While the link is down (RECONNECTING), another source of answers (the
 * mirror, desk_offline.h): take is offered each request first and returns
 * whether it will answer it (later, through reply). */
typedef bool (*desk_link_take_fn)(const Jianyi__Request *req, desk_link_reply_fn reply,
				  void *reply_user, void *user);
void desk_link_set_fallback(struct desk_link *l, desk_link_take_fn take, void *user);

/* While the link is down and the mirror answers in its place (the
 * fallback is set), the mirror file, for work on a thread of its own (an
 * attachment's bytes, desk_transfer.h); else NULL. */
const char *desk_link_offline_mirror(const struct desk_link *l);

/* Sends req; reply is called once with its answer, or with the failure
 * when the link drops first. False (reply not called, err set) when the
 * link is not connected (and no fallback takes req) or the request cannot
 * be sent. */
bool desk_link_send(struct desk_link *l, const Jianyi__Request *req, desk_link_reply_fn reply,
		    void *user, struct jy_error *err);

#endif
