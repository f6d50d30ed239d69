/* SyncRequest: a page of the change feed from a cursor (jy_sync,
 * sql/functions/06_feed.sql); with live = true and caught up, the session becomes a
 * subscriber (feed.c) and new events are pushed to it. */
#ifndef JY_HANDLERS_SYNC_H
#define JY_HANDLERS_SYNC_H

#include "session.h"

void handle_sync(struct request *req, const Jianyi__Request *body);

#endif
