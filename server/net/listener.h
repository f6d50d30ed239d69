/* The TCP listener: accepts connections and hands them to sessions; after
 * an accept error (out of file descriptors) it pauses (accept_guard.h). */
#ifndef JY_LISTENER_H
#define JY_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <event2/listener.h>

struct jy_net;

bool listener_start(struct jy_net *net, const char *addr, char *err, size_t errlen);
void listener_stop(struct jy_net *net);
/* A listening socket on addr ("host:port"), close-on-exec, reusable, with
 * cb accepting; NULL and err on failure. */
struct evconnlistener *listener_bind(struct event_base *base, const char *addr,
				     evconnlistener_cb cb, void *arg, char *err, size_t errlen);

struct sockaddr;
/* A socket address as host text and port ("?" and 0 for other families). */
void listener_sockaddr(const struct sockaddr *sa, char *host, size_t hostlen, unsigned *port);
/* "host:port" or "[v6]:port", as logs name a peer. */
void listener_format_peer(const struct sockaddr *sa, char *out, size_t outlen);
/* The address a bound socket listens on (port 0 in the configuration picks one). */
void listener_local_address(int fd, char *host, size_t hostlen, unsigned *port);
/* Splits "host:port" or "[v6]:port" (port 0..65535); the HTTP side uses it
 * too, so both addresses are read the same way. */
bool listener_split_host_port(const char *addr, char *host, size_t hostlen, char *port,
			      size_t portlen);

#endif
