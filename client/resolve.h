/* Resolving the server's host name without blocking the caller's loop, for
 * jy_connect_start: glibc's getaddrinfo_a asks the system resolver on
 * glibc's own helper thread, and a descriptor (an eventfd) becomes
 * readable when the answer is in. Internal to libjianyi. */
#ifndef JY_CLIENT_RESOLVE_H
#define JY_CLIENT_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

#include "transport.h"

struct jy_resolve;

/* Starts resolving host (TCP, port); NULL with err when it cannot start. */
struct jy_resolve *jy_resolve_start(const char *host, uint16_t port, struct jy_error *err)
	__attribute__((warn_unused_result));
/* The descriptor to watch for readable while the answer is awaited. */
int jy_resolve_fd(const struct jy_resolve *r);
/* WANT_READ while the answer is awaited; DONE with *addrs (the caller's,
 * freeaddrinfo); FAILED with err ("cannot resolve ..."). */
enum jy_io jy_resolve_poll(struct jy_resolve *r, struct addrinfo **addrs, struct jy_error *err);
/* Cancels a lookup still running and frees what it can; what glibc's
 * thread still uses is freed when that thread is done with it. */
void jy_resolve_free(struct jy_resolve *r);

#endif
