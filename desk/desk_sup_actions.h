/* The page 督办's own actions (desk_sup_forms.h): a row of buttons above
 * the tabs — 记录督办, 新建专题, 专题加入/移出建议, 推荐, 评分, 公布 — each
 * opening its form below them (one at a time), and each also on a
 * Ctrl+Shift+letter while the page is shown (the Alt letters are all taken
 * by the case view). The buttons shown are those of the signed-in roles
 * as docs/WORKFLOW.md has them (the liaison committee records, makes
 * topics, nominates and announces; committee members and leaders record
 * and score); the server still decides and says no in words. */
#ifndef JY_DESK_SUP_ACTIONS_H
#define JY_DESK_SUP_ACTIONS_H

#include <gtk/gtk.h>

#include "desk_topics.h"

struct desk_sup_actions;

/* notebook is the page's tabs, shown at the form's tab when it opens;
 * done (user) after the server took an action. */
struct desk_sup_actions *desk_sup_actions_new(struct desk_link *link, struct desk_topics *topics,
					      GtkWidget *notebook, void (*done)(void *user),
					      void *user);
GtkWidget *desk_sup_actions_widget(struct desk_sup_actions *a);
/* Shows the buttons of who's roles (NULL: none). */
void desk_sup_actions_show_roles(struct desk_sup_actions *a, const Jianyi__Identity *who);
void desk_sup_actions_free(struct desk_sup_actions *a);

#endif
