/* Lingering close: after our last bytes are flushed we half-close (FIN) and
 * discard whatever the peer still sends until it closes too or a few seconds
 * pass. Closing a socket with unread input makes the kernel send a reset,
 * and a reset can destroy answers the client had not read yet. */
#ifndef JY_LINGER_H
#define JY_LINGER_H

struct jy_net;

/* Takes a duplicate of fd; the caller still closes its own. */
void linger_start(struct jy_net *net, int fd);

#endif
