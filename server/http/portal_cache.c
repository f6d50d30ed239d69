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

void portal_cache_finish(struct portal_cache *pc, bool ok)
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
			http_send_error_page(req, 503, "数据暂时无法读取，请稍后再试。");
		free(w);
		w = next;
	}
}
