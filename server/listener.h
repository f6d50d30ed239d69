/* The TCP listener: accepts connections and hands them to sessions; backs
 * off for a second when the process runs out of file descriptors. */
#ifndef JY_LISTENER_H
#define JY_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

struct jy_server;

bool listener_start(struct jy_server *srv, const char *addr, char *err, size_t errlen);
void listener_stop(struct jy_server *srv);

struct sockaddr;
/* A socket address as host text and port ("?" and 0 for other families). */
void listener_sockaddr(const struct sockaddr *sa, char *host, size_t hostlen, unsigned *port);
/* The address a bound socket listens on (port 0 in the configuration picks one). */
void listener_local_address(int fd, char *host, size_t hostlen, unsigned *port);
/* Splits "host:port" or "[v6]:port" (port 0..65535); the HTTP side uses it
 * too, so both addresses are read the same way. */
bool listener_split_host_port(const char *addr, char *host, size_t hostlen, char *port,
			      size_t portlen);

#endif
