/* The change feed's live side (docs/ARCHITECTURE.md "The life of an event"): subscribers, wake-ups
 * and pushes.
 *
 * A session that synced with live = true and caught up becomes a
 * subscriber: it keeps its cursor and pushes what comes back as Envelope{id
 * 0, event{kind "feed"}}. On a wake-up the subscribers at one cursor (after
 * their first page they share one) are served by one jy_sync_many query
 * for all their accounts (at most FEED_FANOUT_MAX per query); a new
 * subscriber catches up with jy_sync of its own. Never two queries at once
 * for one subscriber. Wake-ups are: a workflow
 * commit in this process; a notification on channel jianyi_events from
 * another process, heard on one dedicated LISTEN connection per process; and
 * a safety poll every FEED_POLL_MS (lost notifications, and events held back
 * because an older transaction was still running). After a local commit the
 * process sends NOTIFY itself, at most one per FEED_NOTIFY_GAP_MS: writers
 * never notify inside their transaction (a NOTIFY takes a database-wide lock
 * at commit). A subscriber whose output backlog passes FEED_MAX_BACKLOG gets
 * one Event{kind "resync", cursor} and is dropped: it resumes with Sync. */
#ifndef JY_FEED_H
#define JY_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "jianyi.pb-c.h"
#include "pbjson.h"

#define FEED_POLL_MS 2000
#define FEED_NOTIFY_GAP_MS 5
#define FEED_MAX_BACKLOG (1024u * 1024u)
#define FEED_PAGE 500
#define FEED_FANOUT_MAX 256      /* distinct accounts per jy_sync_many */
#define FEED_CHANNEL "jianyi_events"
/* Payload on FEED_CHANNEL: a certificate was revoked or an account disabled
 * ("jianyid admin"); every server re-checks its sessions (revocation.c). */
#define FEED_PAYLOAD_ACCOUNTS "accounts"

struct jy_net;
struct notice_push;
struct session;
struct feed;

/* application_name: the LISTEN connection's, as the pool's (db.h). */
struct feed *feed_new(struct jy_net *net, struct notice_push *push, const char *conninfo,
		      const char *application_name);
/* Connects the LISTEN connection (asynchronously) and starts the poll. */
void feed_start(struct feed *f);
/* After the pool is freed: subscriptions' queries have all returned. */
void feed_free(struct feed *f);

/* A workflow transaction of this process committed. */
void feed_local_commit(struct feed *f);
/* Makes s a subscriber from cursor (replacing an earlier subscription) and
 * looks for events at once (some may have committed since its last page). */
void feed_subscribe(struct feed *f, struct session *s, int64_t cursor);
/* s is closing (or re-syncing): forget its subscription. */
void feed_unsubscribe(struct session *s);

/* Counters for tests and /metrics. */
struct feed_stats {
	unsigned subscribers;
	uint64_t wakeups_local, wakeups_remote, wakeups_poll, notifies_sent, syncs, pushed, resyncs;
	int64_t pushed_seq;       /* the newest event pushed to any subscriber */
	int64_t oldest_cursor;    /* the live subscriber furthest behind; -1: none */
	bool listening;
};
void feed_get_stats(const struct feed *f, struct feed_stats *out);

/* Cursors on the wire are opaque: "v1:<sequence>". "" is the beginning. */
void feed_cursor_format(char *buf, size_t len, int64_t seq);
bool feed_cursor_parse(const char *text, int64_t *seq);

/* FeedEvent messages from jy_sync's "events" array (memory in a; strings
 * point into arr, keep it alive). Returns the count. */
size_t feed_events_from_json(json_object *arr, Jianyi__FeedEvent ***out, struct pb_arena *a);

#endif
