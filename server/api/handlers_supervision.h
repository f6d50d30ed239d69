/* SupervisionListRequest: the supervision records (督办记录) for the
 * liaison committee's daily work, filtered by kind, committee, case, topic
 * and escalation level, newest first. Recording is ActRequest
 * ACTION_SUPERVISE (handlers_workflow.c). */
#ifndef JY_HANDLERS_SUPERVISION_H
#define JY_HANDLERS_SUPERVISION_H

#include "session.h"

void handle_supervision_list(struct request *req, const Jianyi__Request *body);

#endif
