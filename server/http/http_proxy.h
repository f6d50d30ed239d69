/* The PROXY protocol v2 on the public HTTP listener ([http] proxy_protocol =
 * v2, docs/OPERATIONS.md "Several instances behind HAProxy"): a connection
 * from an address on [http] proxy_from must begin with a PROXY v2 header
 * (parsed by net/proxy_v2.c, as on the TLS listener); anyone else is
 * refused. The client's address in it is the connection's peer in the
 * access log.
 *
 * evhttp (libevent 2.1) reads the socket itself, so the header is taken out
 * of the connection's input buffer before evhttp's parser sees it: an input
 * callback runs as bytes are added, and the read low watermark holds
 * evhttp's read callback back until the whole header is there. Within
 * http_request_timeout like any request (http_limits.c). */
#ifndef JY_HTTP_PROXY_H
#define JY_HTTP_PROXY_H

#include <stdbool.h>
#include <event2/bufferevent.h>

struct addr_list;
struct http_proxy;

/* Starts waiting for the header on bev, whose socket evhttp has just set.
 * NULL when the peer is not on from (logged: the caller refuses the
 * connection). refuse(arg) is called when the header turns out bad (also
 * logged). */
struct http_proxy *http_proxy_start(struct bufferevent *bev, const struct addr_list *from,
				    void (*refuse)(void *arg), void *arg);
/* The client's address ("host" as evhttp names peers) once the header
 * came; NULL before, or for a LOCAL header (the proxy's own check). */
const char *http_proxy_peer(const struct http_proxy *p);
void http_proxy_free(struct http_proxy *p);

#endif
