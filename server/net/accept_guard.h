/* Accept errors on a listener (EMFILE, ENFILE, ENOBUFS, ...): without a
 * callback libevent logs each one and, the listening socket staying
 * readable, retries at once, which under EMFILE means millions of lines a
 * minute. The guard pauses accepting for a moment after any error and logs
 * one line per burst (the first error, then at most one line every
 * ACCEPT_GUARD_LOG_S seconds with the count since the last line). */
#ifndef JY_ACCEPT_GUARD_H
#define JY_ACCEPT_GUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include <event2/listener.h>

#define ACCEPT_GUARD_PAUSE_MS 250
#define ACCEPT_GUARD_LOG_S 10

struct accept_guard;

/* Installs itself as l's error callback. name goes into the log ("tls",
 * "http", "metrics"). While *stopped is true (e.g. draining) a pause does
 * not end by re-enabling the listener; stopped may be NULL. */
struct accept_guard *accept_guard_new(struct event_base *base, struct evconnlistener *l,
				      const char *name, const bool *stopped);
void accept_guard_free(struct accept_guard *g);
/* Accept errors seen so far (for /metrics). */
uint64_t accept_guard_errors(const struct accept_guard *g);

#endif
