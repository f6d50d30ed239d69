/* The desk's offline mode, with a mirror configured (the CLI's mirror
 * setting, cli_settings.h; docs/DESK.md "Offline"). While the link is up
 * the mirror is kept synced (when the link comes, after a notice or an
 * action, and every minute). When the link drops, the pages read from the
 * mirror (desk_link_set_fallback) and an action goes into the outbox; a
 * banner says 已离线, since when, that the pages show the mirror's copy
 * and as of when, and how many actions wait. When the link is back the
 * outbox is sent, and the pages load again. A write the server refused is
 * said in the banner in words (cli_reasons.h), to be sent again or dropped
 * (desk_refused.h). Every mirror and network
 * call runs on a worker thread (desk_mirror_work.h), one at a time. */
#ifndef JY_DESK_OFFLINE_H
#define JY_DESK_OFFLINE_H

#include <gtk/gtk.h>

#include "desk_link.h"

struct desk_offline;

/* Offline mode for link with the mirror file path; reload: the pages load
 * again (the outbox was sent, the link dropped). */
struct desk_offline *desk_offline_new(const char *path, struct desk_link *link,
				      void (*reload)(void *user), void *user);
/* The banner, to put above the pages. */
GtkWidget *desk_offline_banner(struct desk_offline *o);
/* The link's state changed (desk_link_status_fn). */
void desk_offline_link_state(struct desk_offline *o, enum desk_link_state state);
/* While offline, the line the to-do page shows above the mirror's list
 * (its copy, as of when); NULL when online or none was read. o's own. */
const char *desk_offline_todo_note(struct desk_offline *o);
/* Something changed on the server: sync when connected. */
void desk_offline_changed(struct desk_offline *o);
/* After the link is freed: no answer then reaches a page. */
void desk_offline_free(struct desk_offline *o);

#endif
