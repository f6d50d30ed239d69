/* The client's transport: one TCP connection with mutual TLS 1.3, driven with
 * a non-blocking socket and poll() so that every step honours a deadline.
 * It moves bytes only; framing and the protocol live in jianyi.c.
 *
 * Every failure is reported as a jy_error: STATUS_UNAVAILABLE for network
 * trouble (refused, DNS, timeout, EOF), STATUS_UNAUTHENTICATED when either
 * side's certificate is refused, STATUS_INVALID_ARGUMENT for bad options. */
#ifndef JY_CLIENT_TRANSPORT_H
#define JY_CLIENT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jianyi.h"

struct jy_transport;

/* Milliseconds on the monotonic clock; deadlines below are in this unit. */
int64_t jy_now_ms(void);

/* Connects, handshakes and checks ALPN, all before the deadline. */
struct jy_transport *jy_transport_open(const struct jy_client_options *opts,
				       int64_t deadline, struct jy_error *err)
	__attribute__((warn_unused_result));

/* Writes all len bytes. */
bool jy_transport_write(struct jy_transport *t, const void *buf, size_t len,
			int64_t deadline, struct jy_error *err)
	__attribute__((warn_unused_result));

/* Reads between 1 and cap bytes into buf. Bytes OpenSSL has already
 * decrypted are returned before the socket is polled, so nothing hangs on
 * data that is buffered inside the TLS layer. */
bool jy_transport_read(struct jy_transport *t, void *buf, size_t cap, size_t *got,
		       int64_t deadline, struct jy_error *err)
	__attribute__((warn_unused_result));

/* "host:port" as given, for messages. */
const char *jy_transport_peer(const struct jy_transport *t);
int jy_transport_fd(const struct jy_transport *t);
/* Whether the handshake resumed an earlier session (a ticket) instead of
 * exchanging certificates again. */
bool jy_transport_resumed(const struct jy_transport *t);

/* Sends close_notify once (without waiting for the peer's) and frees all. */
void jy_transport_close(struct jy_transport *t);

/* Writes a formatted message into err. */
void jy_set_error(struct jy_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
