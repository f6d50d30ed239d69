/* The 案件 page: every case the viewer may see, in a virtualized
 * GtkListView over DeskCaseModel, with a search (title or body), a state
 * filter and "overdue only"; activating a row opens the case. */
#ifndef JY_DESK_CASES_H
#define JY_DESK_CASES_H

#include <gtk/gtk.h>

#include "desk_link.h"
#include "desk_open.h"

struct desk_cases;

struct desk_cases *desk_cases_new(struct desk_link *link, desk_open_fn open, void *user);
GtkWidget *desk_cases_widget(struct desk_cases *c);
/* Puts w above the filters (the deputies' 起草新建议, desk_draft.h). */
void desk_cases_put_above(struct desk_cases *c, GtkWidget *w);
/* The search field, for the window's Ctrl+F. */
GtkWidget *desk_cases_search(struct desk_cases *c);
/* Loads the list again with the filters shown. */
void desk_cases_reload(struct desk_cases *c);
/* The filters shown into q (state, text, overdue_only; q->text is the
 * search field's own, to copy before it changes) and in words for a
 * person ("状态：办理中；只看逾期"), "" when none is set. g_free it. */
char *desk_cases_filter(struct desk_cases *c, Jianyi__ListSuggestionsRequest *q);
void desk_cases_free(struct desk_cases *c);

#endif
