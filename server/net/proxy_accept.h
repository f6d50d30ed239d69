/* Behind a load balancer ([server] proxy_protocol = v2): a connection from
 * one of the proxies ([server] proxy_from) must begin with a PROXY v2
 * header (proxy_v2.h). It is read without blocking, in as many pieces as it
 * comes, before the TLS handshake starts; the session then knows the client
 * by the header's address (logs, the enrollment's address limit). A LOCAL
 * header (the proxy's health check) keeps the proxy's own address. While
 * it waits for the header a connection counts against max_handshakes and
 * must finish within handshake_timeout. */
#ifndef JY_PROXY_ACCEPT_H
#define JY_PROXY_ACCEPT_H

struct jy_net;
struct sockaddr;

/* Takes ownership of fd, accepted from proxy (an address on proxy_from). */
void proxy_accept(struct jy_net *net, int fd, const char *proxy);
/* Closes every connection still waiting for its header (shutdown). */
void proxy_accept_stop(struct jy_net *net);

#endif
