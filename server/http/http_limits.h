/* Limits of an evhttp listener that evhttp (libevent 2.1) lacks:
 *
 *  - a cap on open connections: past it a new connection is closed at once;
 *  - a deadline for a request's headers and body, counted from its first
 *    byte. evhttp's own timeout is renewed by every byte read, so a client
 *    sending a byte a second ("slow loris") would hold a connection forever.
 *
 * We make every connection's bufferevent (evhttp_set_bevcb), learn the
 * connection from the callbacks evhttp puts on it, and own its close
 * callback, which keeps the count honest; an input-buffer callback sees the
 * first byte of each request. */
#ifndef JY_HTTP_LIMITS_H
#define JY_HTTP_LIMITS_H

#include <stdint.h>
#include <event2/event.h>
#include <event2/http.h>

struct http_limits;
struct jy_config;
struct addr_list;

/* name goes into the log ("http", "metrics"). The limits own every
 * connection's close callback (evhttp has one): closed, if not NULL, is
 * called from it. proxy_from (NULL: none) asks every connection for a PROXY
 * v2 header first (http_proxy.h). */
struct http_limits *http_limits_new(struct event_base *base, struct evhttp *http, const char *name,
				    unsigned max_connections, unsigned deadline_s,
				    const struct addr_list *proxy_from,
				    void (*closed)(struct evhttp_connection *, void *), void *closed_arg);
/* The client's address from the connection's PROXY header, NULL when it
 * had none (evhttp's peer is the client then, or the proxy itself). */
const char *http_limits_peer(const struct http_limits *l, struct evhttp_connection *evcon);
/* Call from the request callback: the request was read in full in time. */
void http_limits_request_read(struct http_limits *l, struct evhttp_request *req);
/* Call after evhttp_free (every connection is gone by then). */
void http_limits_free(struct http_limits *l);

unsigned http_limits_open(const struct http_limits *l);
uint64_t http_limits_refused(const struct http_limits *l);
uint64_t http_limits_timed_out(const struct http_limits *l);

/* The HTTP side's share of the process's descriptors (RLIMIT_NOFILE =
 * nofile): a fixed reserve and the database connections first, then the TLS
 * side's max_connections (at most three quarters of what is left), and the
 * HTTP side gets the rest, at most its configured cap. So HTTP clients can
 * never take the descriptors the TLS port needs. */
unsigned http_limits_fd_budget(const struct jy_config *cfg, uint64_t nofile);

#endif
