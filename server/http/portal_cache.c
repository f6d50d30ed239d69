/* One cached public page; see portal_cache.h. */
#include "portal_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "xalloc.h"

struct waiter {
	struct http_pending *pending;
	struct waiter *next;
};

struct portal_cache {
	char *code;                   /* the congress's, in a portal_caches */
	double used_at;               /* monotonic seconds of the last portal_caches_get */
	unsigned ttl_s;
	char *page;
	size_t len;
	char etag[24];                /* "\"<16 hex>\"" */
	double computed_at;           /* monotonic seconds; < 0: never */
	bool computing;
	struct waiter *waiters;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct portal_cache *portal_cache_new(unsigned ttl_s)
{
	struct portal_cache *pc = jy_xcalloc(1, sizeof *pc);
	pc->ttl_s = ttl_s;
	pc->computed_at = -1;
	return pc;
}

void portal_cache_free(struct portal_cache *pc)
{
	if (!pc)
		return;
	free(pc->page);
	free(pc->code);
	free(pc);
}

bool portal_cache_fresh(const struct portal_cache *pc)
{
	return pc->page && pc->computed_at >= 0 && now_s() - pc->computed_at < pc->ttl_s;
}

/* Whether an If-None-Match value ("*", or a list of tags) names etag. */
static bool matches(const char *if_none_match, const char *etag)
{
	if (!if_none_match)
		return false;
	if (strcmp(if_none_match, "*") == 0)
		return true;
	/* Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter. */
	return strstr(if_none_match, etag) != NULL;
}

void portal_cache_answer(const struct portal_cache *pc, struct evhttp_request *req)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "ETag", pc->etag);
	/* A browser may keep the page but must ask again (and gets 304). */
	evhttp_add_header(out, "Cache-Control", "no-cache");
	const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
	if (matches(inm, pc->etag)) {
		http_send(req, 304, "text/html; charset=utf-8", NULL);
		return;
	}
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, pc->page, pc->len);
	http_send(req, HTTP_OK, "text/html; charset=utf-8", b);
	evbuffer_free(b);
}

bool portal_cache_begin(struct portal_cache *pc)
{
	if (pc->computing)
		return false;
	pc->computing = true;
	return true;
}

void portal_cache_wait(struct portal_cache *pc, struct http_pending *p)
{
	struct waiter *w = jy_xcalloc(1, sizeof *w);
	w->pending = p;
	w->next = pc->waiters;
	pc->waiters = w;
}

/* FNV-1a, 64 bits: the ETag only has to change when the page does. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void portal_cache_store(struct portal_cache *pc, struct evbuffer *page)
{
	free(pc->page);
	pc->len = evbuffer_get_length(page);
	pc->page = jy_xmalloc(pc->len + 1);
	evbuffer_copyout(page, pc->page, pc->len);
	snprintf(pc->etag, sizeof pc->etag, "\"%016" PRIx64 "\"",
		 fnv1a((const unsigned char *)pc->page, pc->len));
	pc->computed_at = now_s();
}

/* Answers the waiters: from the page (ok) or with the error page. */
static void answer_waiters(struct portal_cache *pc, bool ok, int code, const char *message)
{
	struct waiter *w = pc->waiters;
	pc->waiters = NULL;
	pc->computing = false;
	while (w) {
		struct waiter *next = w->next;
		struct evhttp_request *req = http_pending_take(w->pending);
		if (req && ok)
			portal_cache_answer(pc, req);
		else if (req)
			http_send_error_page(req, code, message);
		free(w);
		w = next;
	}
}

void portal_cache_finish(struct portal_cache *pc, bool ok)
{
	answer_waiters(pc, ok, 503, "数据暂时无法读取，请稍后再试。");
}

void portal_cache_fail(struct portal_cache *pc, int code, const char *message)
{
	answer_waiters(pc, false, code, message);
}

/* ---- one per congress ------------------------------------------------------ */

struct portal_caches {
	unsigned ttl_s;
	size_t n, max;
	struct portal_cache **caches;
};

struct portal_caches *portal_caches_new(unsigned ttl_s, size_t max)
{
	struct portal_caches *set = jy_xcalloc(1, sizeof *set);
	set->ttl_s = ttl_s;
	set->max = max ? max : 1;
	set->caches = jy_xcalloc(set->max, sizeof *set->caches);
	return set;
}

void portal_caches_free(struct portal_caches *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		portal_cache_free(set->caches[i]);
	free(set->caches);
	free(set);
}

/* The index of the least recently used cache not being computed, or n. */
static size_t oldest_idle(const struct portal_caches *set)
{
	size_t best = set->n;
	for (size_t i = 0; i < set->n; i++) {
		const struct portal_cache *pc = set->caches[i];
		if (!pc->computing && (best == set->n || pc->used_at < set->caches[best]->used_at))
			best = i;
	}
	return best;
}

struct portal_cache *portal_caches_get(struct portal_caches *set, const char *code)
{
	struct portal_cache *pc = NULL;
	for (size_t i = 0; i < set->n && !pc; i++)
		if (strcmp(set->caches[i]->code, code) == 0)
			pc = set->caches[i];
	if (!pc) {
		size_t slot = set->n;
		if (set->n == set->max) {
			slot = oldest_idle(set);
			if (slot == set->n)
				return NULL;
			portal_cache_free(set->caches[slot]);
		} else {
			set->n++;
		}
		pc = portal_cache_new(set->ttl_s);
		pc->code = jy_xstrdup(code);
		set->caches[slot] = pc;
	}
	pc->used_at = now_s();
	return pc;
}
