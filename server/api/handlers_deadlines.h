/* DeadlinesRequest: every deadline still owed on the cases the caller may
 * see (docs/WORKFLOW.md "Deadlines"); `jianyi deadlines` and `jianyi
 * overdue` ask it. */
#ifndef JY_HANDLERS_DEADLINES_H
#define JY_HANDLERS_DEADLINES_H

#include "session.h"

void handle_deadlines(struct request *req, const Jianyi__Request *body);

#endif
