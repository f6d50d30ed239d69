/* Live pushes of new notices to the sessions that follow their inbox (an
 * InboxRequest with follow = true).
 *
 * A follower keeps the id of the newest notice it has been sent (or was
 * shown in its Inbox answer) and, on every wake-up, asks jy_inbox_after for
 * the account's notices after it (one query per follower, never two at
 * once), pushing each as Envelope{id 0, event{kind "notice", sequence id,
 * notice}}. Notice ids grow in commit order (migration 0008), so nothing is
 * skipped. Wake-ups: the periodic job of this process raised notices
 * (jobs.c); a NOTIFY with payload "notices" from another process (heard on
 * the change feed's LISTEN connection, feed.c); a safety poll every
 * NOTICE_POLL_MS. A follower whose output backlog passes FEED_MAX_BACKLOG is
 * skipped until a later wake-up: notices are few, and its cursor stays. */
#ifndef JY_NOTICE_PUSH_H
#define JY_NOTICE_PUSH_H

#include <stdint.h>

#define NOTICE_POLL_MS 10000
#define NOTICE_PAGE 100

struct jy_net;
struct session;
struct notice_push;

struct notice_push *notice_push_new(struct jy_net *net);
void notice_push_start(struct notice_push *np);
/* After the pool is freed: every follower's query has returned. */
void notice_push_free(struct notice_push *np);

/* Makes s follow its account's inbox after notice id cursor (replacing an
 * earlier follow) and looks for newer ones at once. */
void notice_push_follow(struct notice_push *np, struct session *s, int64_t cursor);
/* s is closing: forget it. */
void notice_push_unfollow(struct session *s);
/* New notices may have been raised: every follower looks. */
void notice_push_wake(struct notice_push *np);

struct notice_push_stats {
	unsigned followers;
	uint64_t wakeups, queries, pushed;
};
void notice_push_get_stats(const struct notice_push *np, struct notice_push_stats *out);

#endif
