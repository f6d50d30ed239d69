/* Lingering close: after our last bytes are flushed we half-close (FIN) and
 * discard whatever the peer still sends until it closes too or a few seconds
 * pass. Closing a socket with unread input makes the kernel send a reset,
 * and a reset can destroy answers the client had not read yet. */
#ifndef JY_LINGER_H
#define JY_LINGER_H

#include <stdbool.h>
#include <event2/event.h>

/* Takes a duplicate of fd; the caller still closes its own. When it
 * lingers (true), done(arg) is called once the socket is closed: the drain
 * waits for it (net.c). False: nothing to wait for. */
bool linger_start(struct event_base *base, int fd, void (*done)(void *arg), void *arg);

#endif
