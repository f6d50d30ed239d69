/* Bringing a mirror up to date over one connection: the core of jianyi
 * sync (client/cli_sync.c), which the desk (desk/desk_mirror_sync.c) runs
 * too.
 *
 * A FeedEvent says what happened (kind, states, version, details) but not
 * what the case now is (title, units, deadline, plan, ...), so the mirror
 * reads every case the feed touched with GetSuggestion (the case and its
 * whole timeline as the server shows it to us), pipelined up to the
 * server's in-flight limit. Reading a case once per page would read a busy
 * case again in every page of a long first sync; so a page only marks its
 * cases stale, in the same SQLite transaction as the page's cursor, and the
 * stale cases are read and stored when many have gathered and whenever the
 * feed is caught up (each batch in its own transaction, clearing the
 * marks). Killed at any point, the mirror holds the cursor of its last
 * committed page and every case that page and the ones before touched is
 * either stored after it or still marked: resuming reads the rest. A case
 * read is as of the moment of reading, possibly ahead of the cursor; the
 * feed brings those newer events later and the case is read again, so once
 * caught up every case equals the server's. A case we may no longer see
 * (reassigned away) is dropped from the mirror. */
#ifndef JY_MIRROR_SYNC_H
#define JY_MIRROR_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.h"
#include "mirror_feed.h"
#include "outbox_send.h"

#define MIRROR_SYNC_PAGE 250   /* events a page, unless asked otherwise */

/* One sync's state: set c, m, page_size, page_want, cursor (mirror_cursor)
 * and t0 (mirror_sync_clock) before the first call. */
struct mirror_sync {
	struct jy_client *c;
	struct mirror *m;
	int page_size;              /* this Sync's page: halved while the server says too big */
	int page_want;              /* what the user asked for */
	bool tty;                   /* progress on stderr */
	char cursor[MIRROR_CURSOR_MAX];
	int64_t events, cases, pages;
	int fatal_rc;               /* exit status when SYNC_FATAL */
	double t0;
};

/* SYNC_RETRY: the link failed (said on stderr), try again later;
 * SYNC_FATAL: the mirror or the server's answer needs a person (said). */
enum mirror_sync_outcome { SYNC_OK, SYNC_RETRY, SYNC_FATAL };

/* SHA-256 (hex) of the first certificate in a PEM file (the mirror's
 * owner, mirror_bind and mirror_check_owner); false with err. */
bool cli_cert_sha256(const char *path, char out[65], char *err, size_t errlen);

/* Seconds on the monotonic clock. */
double mirror_sync_clock(void);
/* The progress line on stderr (when tty); done: the last one. */
void mirror_sync_progress(struct mirror_sync *x, bool done);
/* Pages from the cursor until caught up; live: the last Sync subscribes. */
enum mirror_sync_outcome mirror_sync_catch_up(struct mirror_sync *x, bool live);
/* The statistics answers kept for offline stats. */
enum mirror_sync_outcome mirror_sync_stats(struct mirror_sync *x);
/* The to-do list for offline todo (mirror_todo.h). */
enum mirror_sync_outcome mirror_sync_todo(struct mirror_sync *x);
/* The attachments' bytes for offline reading. */
enum mirror_sync_outcome mirror_sync_attachments(struct mirror_sync *x);
/* Live: applies pushed events as they come, until the link fails. */
enum mirror_sync_outcome mirror_sync_follow(struct mirror_sync *x);
/* One connection's work: the mirror bound to the Welcome's account (server,
 * ca_sha256), the outbox sent (quiet: what was applied is not printed),
 * then catch up, statistics, the to-do list, attachments, and with follow_on follow. */
enum mirror_sync_outcome mirror_sync_once(struct mirror_sync *x, const char *server,
					  const char *ca_sha256, bool quiet, bool follow_on,
					  struct outbox_tally *t);

#endif
