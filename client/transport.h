/* The client's transport: one TCP connection with mutual TLS 1.3 on a
 * non-blocking socket. Every step here moves what it can without waiting
 * and says which way the socket must be ready before the next (enum
 * jy_io); jianyi.c waits with poll() for the blocking calls, an event loop
 * waits for the non-blocking ones. It moves bytes only; framing and the
 * protocol live in jianyi.c.
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

enum jy_io {
	JY_IO_DONE,        /* the step is complete */
	JY_IO_WANT_READ,   /* call again once the socket is readable */
	JY_IO_WANT_WRITE,  /* call again once the socket is writable */
	JY_IO_FAILED,      /* err says why; the transport is unusable */
};

/* Milliseconds on the monotonic clock; deadlines below are in this unit. */
int64_t jy_now_ms(void);

/* Waits until fd is ready for events. Returns 1 when ready (or in error:
 * the next I/O call reports which), 0 when the deadline passed, -1 on a
 * poll failure (errno set). */
int jy_wait_fd(int fd, short events, int64_t deadline);

/* Checks the options, resolves the address and starts the TCP connection.
 * Blocking, a host name is resolved here (in the system resolver);
 * nonblocking, its lookup starts here and jy_transport_connect_poll picks
 * up the answer (until then the descriptor to watch is the lookup's). */
/* anonymous: present no client certificate (enrollment; opts' cert_file
 * and key_file are unused), and neither keep nor offer a session ticket. */
struct jy_transport *jy_transport_start(const struct jy_client_options *opts,
					bool nonblocking, bool anonymous, struct jy_error *err)
	__attribute__((warn_unused_result));
/* Advances the connection: the host name's lookup, TCP (each address in
 * turn; the socket changes with it), the TLS handshake, the ALPN check.
 * DONE once it is ready. */
enum jy_io jy_transport_connect_poll(struct jy_transport *t, struct jy_error *err);
/* The message for a connection that did not become ready in time. */
void jy_transport_timeout_error(const struct jy_transport *t, struct jy_error *err);

/* One write of up to len bytes (*done: how many went). A write that must
 * be repeated repeats with the same bytes first (more may follow them). */
enum jy_io jy_transport_write_some(struct jy_transport *t, const void *buf, size_t len,
				   size_t *done, struct jy_error *err);
/* One read of up to cap bytes (*got). Bytes OpenSSL has already decrypted
 * come without the socket's help: read until it asks to wait. */
enum jy_io jy_transport_read_some(struct jy_transport *t, void *buf, size_t cap,
				  size_t *got, struct jy_error *err);
/* Whether OpenSSL holds decrypted bytes not yet read (the socket will not
 * say so). */
bool jy_transport_pending(const struct jy_transport *t);
/* Whether a fatal error ended the TLS session (a failed write may leave the
 * server's reason, an alert, still to be read: then it has not). */
bool jy_transport_broken(const struct jy_transport *t);
/* Marks the transport failed and forgets its session ticket. */
void jy_transport_fail(struct jy_transport *t);

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
