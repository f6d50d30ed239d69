/* The offline banner's line about a queued write the server refused
 * (desk_offline.h): what it was and why, in words, and 重新发送 or 放弃,
 * each asked once more in the banner before it is done, as "jianyi outbox
 * retry" and "jianyi outbox drop" do it. */
#ifndef JY_DESK_REFUSED_H
#define JY_DESK_REFUSED_H

#include <gtk/gtk.h>
#include <stdint.h>

enum desk_refused_choice { DESK_REFUSED_RETRY, DESK_REFUSED_DROP };

/* The person confirmed choice on the outbox entry outbox_id. */
typedef void (*desk_refused_fn)(enum desk_refused_choice choice, int64_t outbox_id, void *user);

struct desk_refused;

struct desk_refused *desk_refused_new(desk_refused_fn decided, void *user);
GtkWidget *desk_refused_widget(struct desk_refused *r);
/* The refused write in words and its outbox entry; outbox_id 0: none (the
 * line hides, unless a message of the last decision is to be read). */
void desk_refused_show(struct desk_refused *r, const char *text, int64_t outbox_id);
/* What became of the last decision (done or why not). */
void desk_refused_said(struct desk_refused *r, const char *message, bool error);
void desk_refused_free(struct desk_refused *r);

#endif
