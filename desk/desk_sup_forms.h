/* The forms of the page 督办 (desk_supervision.h), on the shared frame of
 * desk_form.h, each building its own request (desk_form_new_request) as
 * the CLI's commands do: 记录督办 on a case named by its number or title
 * (ActRequest supervise, as "jianyi supervise"; desk_sup_supervise.c),
 * 新建专题 and 专题加入/移出建议 (TopicCreateRequest, TopicMemberRequest,
 * as "jianyi topic create|add|remove"; desk_sup_topic.c), and the
 * excellent-suggestion round of the year picked on the tab 优秀建议:
 * 推荐, 评分 and 公布 (ExcellentNominate/Score/AnnounceRequest, as
 * "jianyi excellent"; desk_sup_excellent.c). Who may do which is the
 * server's to decide (docs/WORKFLOW.md); its refusal is said in words.
 * done is called after the server took it. */
#ifndef JY_DESK_SUP_FORMS_H
#define JY_DESK_SUP_FORMS_H

#include "desk_form.h"
#include "desk_topics.h"

struct desk_form *desk_sup_supervise_new(struct desk_link *link, void (*done)(void *user),
					 void *user);
struct desk_form *desk_sup_topic_new(struct desk_link *link, void (*done)(void *user), void *user);
/* The topic is named as the tab 重点督办专题 lists it (desk_topics_find). */
struct desk_form *desk_sup_member_new(struct desk_link *link, struct desk_topics *topics,
				      void (*done)(void *user), void *user);
/* The year is the one picked on the tab 优秀建议 (desk_excellent_year). */
struct desk_form *desk_sup_nominate_new(struct desk_link *link, struct desk_topics *topics,
					void (*done)(void *user), void *user);
struct desk_form *desk_sup_score_new(struct desk_link *link, struct desk_topics *topics,
				     void (*done)(void *user), void *user);
struct desk_form *desk_sup_announce_new(struct desk_link *link, struct desk_topics *topics,
					void (*done)(void *user), void *user);

#endif
