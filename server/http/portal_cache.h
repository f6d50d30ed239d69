/* A cached public page (/stats): computed at most once per ttl seconds
 * however many visitors ask, with an ETag so that a browser that has it
 * gets 304 Not Modified. Visitors that arrive while it is being computed
 * wait for that one computation instead of starting their own. */
#ifndef JY_PORTAL_CACHE_H
#define JY_PORTAL_CACHE_H

#include <stdbool.h>
#include <event2/buffer.h>
#include <event2/http.h>

struct http_pending;
struct portal_cache;

struct portal_cache *portal_cache_new(unsigned ttl_s);
/* Call once no computation is in flight (after the portal's pool is freed). */
void portal_cache_free(struct portal_cache *pc);

/* Whether the page is fresh (computed less than ttl seconds ago). */
bool portal_cache_fresh(const struct portal_cache *pc);
/* Answers from the fresh page: 304 when If-None-Match names its ETag, else
 * 200 with the page and its ETag. */
void portal_cache_answer(const struct portal_cache *pc, struct evhttp_request *req);

/* Computing: begin (true: this caller must compute it; false: one is
 * already in flight), then add each visitor to the waiters and finish with
 * store (success) or fail. */
bool portal_cache_begin(struct portal_cache *pc);
void portal_cache_wait(struct portal_cache *pc, struct http_pending *p);
void portal_cache_store(struct portal_cache *pc, struct evbuffer *page);
/* Answers every waiter still there: from the page just stored, or (after a
 * failure) with a 503 error page. */
void portal_cache_finish(struct portal_cache *pc, bool ok);
/* Answers every waiter still there with an error page (code, message): the
 * page does not exist (an unknown congress); nothing is stored. */
void portal_cache_fail(struct portal_cache *pc, int code, const char *message);

/* One cached page per congress (keyed by its code, "" the root's), at most
 * max of them: a congress's /stats is computed for it alone, and a crawler
 * walking many congresses' paths cannot make the server keep more than max
 * pages. */
struct portal_caches;

struct portal_caches *portal_caches_new(unsigned ttl_s, size_t max);
/* Call once no computation is in flight, as portal_cache_free. */
void portal_caches_free(struct portal_caches *set);
/* The congress's cache, made if need be; to make room the least recently
 * used one that is not being computed is dropped (one being computed stays
 * until portal_cache_finish, so its query's answer finds it). NULL when all
 * max are being computed. */
struct portal_cache *portal_caches_get(struct portal_caches *set, const char *code);

#endif
