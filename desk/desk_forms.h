/* The case view's action forms, each on the shared parts of desk_form.h:
 * 签收交办 (accept, desk_accept.c), 确定经办人和办理方案 (plan,
 * desk_form_plan.c), 记录办前联系/走访 (contact, desk_form_contact.c),
 * the unit head's 答复 (reply, desk_form_reply.c) and those below. done is
 * called after the server took the action. */
#ifndef JY_DESK_FORMS_H
#define JY_DESK_FORMS_H

#include "desk_form.h"

typedef struct desk_form *(*desk_form_new_fn)(struct desk_link *link, void (*done)(void *user),
					       void *user);

struct desk_form *desk_accept_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_plan_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_contact_new(struct desk_link *link, void (*done)(void *user),
					void *user);
struct desk_form *desk_form_reply_new(struct desk_link *link, void (*done)(void *user), void *user);
/* The lead unit's 报告跟踪办理情况, shaped as the reply (desk_form_reply.c). */
struct desk_form *desk_form_follow_up_new(struct desk_link *link, void (*done)(void *user),
					  void *user);
/* One text each (desk_form_text.c): 提出异议, 退回修改, 办结, 协办意见. */
struct desk_form *desk_form_dispute_new(struct desk_link *link, void (*done)(void *user),
					void *user);
struct desk_form *desk_form_return_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_close_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_opinion_new(struct desk_link *link, void (*done)(void *user),
					void *user);
/* 申请延期 (desk_form_extend.c) and the office's 审批延期申请
 * (desk_form_approve.c). */
struct desk_form *desk_form_extend_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_approve_new(struct desk_link *link, void (*done)(void *user),
					void *user);
/* The liaison committee's 立案 (desk_form_register.c) and 记录督办
 * (desk_form_supervise.c). */
struct desk_form *desk_form_register_new(struct desk_link *link, void (*done)(void *user),
					 void *user);
struct desk_form *desk_form_supervise_new(struct desk_link *link, void (*done)(void *user),
					  void *user);
/* The deputy's 评价答复 and the liaison committee's 转为… (a choice or
 * two and a text, desk_form_choose.c); its 合并, the other case by its
 * number (desk_form_merge.c). */
struct desk_form *desk_form_evaluate_new(struct desk_link *link, void (*done)(void *user),
					 void *user);
struct desk_form *desk_form_convert_new(struct desk_link *link, void (*done)(void *user),
					void *user);
struct desk_form *desk_form_merge_new(struct desk_link *link, void (*done)(void *user), void *user);
/* The office's 交办 and 重新交办, units by name (desk_form_assign.c). */
struct desk_form *desk_form_assign_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_reassign_new(struct desk_link *link, void (*done)(void *user),
					 void *user);
/* The deputies' 提交 and 附议 (no fields, desk_form_deputy.c), 撤回 (a
 * reason, desk_form_text.c) and 起草建议 (desk_form_draft.c: a new case,
 * saved as a draft or submitted); the liaison committee's 更正
 * (desk_form_correct.c). */
struct desk_form *desk_form_submit_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_cosign_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_withdraw_new(struct desk_link *link, void (*done)(void *user),
					 void *user);
struct desk_form *desk_form_draft_new(struct desk_link *link, void (*done)(void *user), void *user);
struct desk_form *desk_form_correct_new(struct desk_link *link, void (*done)(void *user),
					void *user);

#endif
