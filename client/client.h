/* libjianyi's connection state, shared by its call layer (jianyi.c) and its
 * connect steps (connect.c). Internal: not installed, not exported. */
#ifndef JY_CLIENT_CLIENT_H
#define JY_CLIENT_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "jianyi.h"

#define DEFAULT_TIMEOUT_MS 10000

enum phase { PHASE_CONNECTING, PHASE_GREETING, PHASE_READY };

struct jy_client {
	struct jy_transport *t;
	enum phase phase;
	bool nonblocking;          /* jy_send only queues (jy_set_nonblocking) */
	int timeout_ms;
	int64_t connect_deadline;  /* jy_connect's */
	uint64_t hello_id;
	uint64_t next_id;          /* next request id; starts at 1, never 0 */
	uint64_t outstanding;      /* requests sent and not yet answered */
	uint32_t send_max;         /* the server's Limits.max_frame_bytes */
	uint32_t recv_max;         /* ours, announced in Hello */

	/* Bytes received and not yet decoded. Freed whenever it is empty so
	 * that an idle connection holds no buffer. */
	uint8_t *rbuf;
	size_t rlen, rcap;

	/* Frames queued and not yet written (freed when empty); the direction
	 * the pending write waits for; whether a read waits for writability
	 * (TLS may need to write to read). */
	uint8_t *wbuf;
	size_t wlen, wcap;
	short write_wait;
	bool read_wants_write;

	/* Answers that arrived and are not yet taken (jy_get_response, jy_call). */
	Jianyi__Envelope **early;
	size_t n_early, cap_early;

	Jianyi__Envelope *welcome;   /* the greeting's response envelope */

	/* Pushed events (envelope id 0) read and not yet taken,
	 * oldest first, until jy_next_event takes them; bounded in number
	 * and in bytes (see event_push in jianyi.c). */
	Jianyi__Envelope **events;
	size_t *event_bytes;         /* each queued event's encoded size */
	size_t ev_head, n_events, cap_events, queued_bytes;

	/* Once the stream is out of step (transport failure, malformed frame)
	 * every later call reports the first error again. */
	bool broken;
	struct jy_error broken_err;
};

/* Now plus the connection's timeout: a blocking call's deadline. */
int64_t jy_client_deadline(const struct jy_client *c);
/* Records err as the connection's final state; returns false. */
bool jy_client_fail(struct jy_client *c, const struct jy_error *err);
/* jy_connect without a client certificate (enroll.c): the server lets such
 * a connection say Hello and enroll, nothing else. */
struct jy_client *jy_connect_anonymous(const struct jy_client_options *opts, struct jy_error *err);
/* False with err when there is no connection or it has failed. */
bool jy_client_usable(const struct jy_client *c, struct jy_error *err);
/* Frames req with the next id and queues it for writing. */
bool jy_client_queue(struct jy_client *c, const Jianyi__Request *req, uint64_t *id,
		     struct jy_error *err);
/* Takes the answer to request id (any, oldest first, when id is 0). */
Jianyi__Envelope *jy_client_take_answer(struct jy_client *c, uint64_t id);

#endif
