/* Two tabs of the page 督办 (desk_supervision.h): 重点督办专题, every
 * key-supervision topic with its committee, leaders, cases and how many
 * are overdue (TopicListRequest, as "jianyi topic list"); and 优秀建议, a
 * year's excellent-suggestion round in ranking order (ExcellentListRequest,
 * as "jianyi excellent list"), the year picked above the list. */
#ifndef JY_DESK_TOPICS_H
#define JY_DESK_TOPICS_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_topics;

struct desk_topics *desk_topics_new(struct desk_link *link);
GtkWidget *desk_topics_widget(struct desk_topics *t);
GtkWidget *desk_excellent_widget(struct desk_topics *t);
void desk_topics_reload(struct desk_topics *t);
/* The id of the topic text names (its name, or the one name containing
 * it), NULL; else what is wrong, naming the field (g_free it). */
char *desk_topics_find(const struct desk_topics *t, const char *field, const char *text,
		       int64_t *id);
/* The year picked above the excellent suggestions. */
int desk_excellent_year(const struct desk_topics *t);
void desk_topics_free(struct desk_topics *t);

#endif
