/* Applying the change feed to the mirror (jianyi sync): transactions, the
 * cursor, cases stored, dropped or marked stale, statistics kept. See
 * mirror_store.h for why the cursor moves with the page. */
#ifndef JY_MIRROR_FEED_H
#define JY_MIRROR_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.pb-c.h"
#include "mirror_store.h"

bool mirror_begin(struct mirror *m) __attribute__((warn_unused_result));
bool mirror_commit(struct mirror *m) __attribute__((warn_unused_result));
void mirror_rollback(struct mirror *m);

/* The stored cursor ("" = from the beginning). */
bool mirror_cursor(struct mirror *m, char *buf, size_t len);
/* Inside a transaction: the new cursor and how many events it adds. */
bool mirror_set_cursor(struct mirror *m, const char *cursor, int64_t events_added);
/* Inside a transaction: replaces the case with the server's answer. */
bool mirror_put_case(struct mirror *m, const Jianyi__GetSuggestionResponse *g);
/* Inside a transaction: the case is gone from our view (no longer visible). */
bool mirror_drop_case(struct mirror *m, int64_t id);
/* Inside a transaction: the feed touched the case; its new state is still
 * to be read (mirror_put_case or mirror_drop_case clears the mark). */
bool mirror_mark_stale(struct mirror *m, int64_t id);
/* Up to max marked cases into ids (*n of them); *total: how many in all. */
bool mirror_stale(struct mirror *m, size_t max, int64_t *ids, size_t *n, int64_t *total);
/* The server's statistics answer for group_by ("", unit, category,
 * term_session) over every term, kept for offline stats. */
bool mirror_put_stats(struct mirror *m, const char *group_by, const Jianyi__StatsResponse *r);

#endif
