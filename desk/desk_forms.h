/* The case view's action forms, each on the shared parts of desk_form.h:
 * 签收交办 (accept, desk_accept.c), 确定经办人和办理方案 (plan,
 * desk_form_plan.c), 记录办前联系/走访 (contact, desk_form_contact.c) and
 * the unit head's 答复 (reply, desk_form_reply.c). done is called after
 * the server took the action. */
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

#endif
