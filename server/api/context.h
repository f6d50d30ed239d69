/* What a request handler works with (docs/ARCHITECTURE.md "The life of a
 * request"): the loop, the settings, the database pool and the live side of
 * the feed and the inbox. server.c fills one; the dispatcher hangs it on
 * each request (req->ctx). Handlers never see the whole server. */
#ifndef JY_API_CONTEXT_H
#define JY_API_CONTEXT_H

#include <event2/event.h>

#include "config.h"
#include "db.h"
#include "read_pool.h"

struct feed;
struct notice_push;
struct enroll_ca;

struct api_ctx {
	struct event_base *base;
	const struct jy_config *cfg;
	struct db_pool *db;
	struct db_read_pool *read;   /* replica_ok reads, when [database] read_conninfo is set; else NULL */
	struct feed *feed;           /* the change feed: Sync's live subscriptions, wake-ups after writes */
	struct notice_push *push;    /* inbox followers */
	struct enroll_ca *enroll_ca; /* enrollment's issuing CA; NULL: enrollment is off */
};

#endif
