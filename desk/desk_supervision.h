/* The page 督办 for the liaison committee and the leaders, in four tabs:
 * 逾期 (every deadline past its day, as "jianyi overdue": the unit or
 * deputy who owes it, the case, the days overdue), 督办记录 (the
 * supervision records, newest first, as "jianyi supervise list"),
 * 重点督办专题 (the topics, as "jianyi topic list") and 优秀建议 (a year's
 * round, as "jianyi excellent list"; desk_topics.h). A row of the first
 * two opens its case. Above the tabs, the page's own actions
 * (desk_sup_actions.h): 记录督办, 新建专题, 专题加入/移出建议, 推荐, 评分
 * and 公布, each a form, the tabs loaded again after each. */
#ifndef JY_DESK_SUPERVISION_H
#define JY_DESK_SUPERVISION_H

#include <gtk/gtk.h>

#include "desk_link.h"
#include "desk_open.h"

struct desk_supervision;

struct desk_supervision *desk_supervision_new(struct desk_link *link, desk_open_fn open,
					      void *user);
GtkWidget *desk_supervision_widget(struct desk_supervision *s);
/* Shows the actions of who's roles. */
void desk_supervision_show_roles(struct desk_supervision *s, const Jianyi__Identity *who);
/* Asks the server for every tab again. */
void desk_supervision_reload(struct desk_supervision *s);
void desk_supervision_free(struct desk_supervision *s);

#endif
