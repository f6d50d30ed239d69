/* The requests that are only "check the fields, then one jy_write or
 * jy_read operation, then answer its document as the response of the same
 * name" (sql/functions/11_supervision.sql decides who may do what; README.md
 * says it in words): key-supervision topics (重点督办专题), excellent
 * suggestions (优秀建议) and the supervision records' list (督办记录; the
 * recording itself is ActRequest ACTION_SUPERVISE, handlers_workflow.c).
 * One table row each (operations.c), one handler for all. */
#ifndef JY_OPERATIONS_H
#define JY_OPERATIONS_H

#include "session.h"

struct operation;

/* The row for a request body, NULL when that body is not an operation. */
const struct operation *operation_find(Jianyi__Request__BodyCase body);
/* Its name: the operation jy_write / jy_read runs and the request's kind. */
const char *operation_name(const struct operation *op);
/* Checks body's fields by op's row, then queues the operation; the answer
 * (or the refusal naming the field) goes to req. */
void operation_handle(const struct operation *op, struct request *req, const Jianyi__Request *body);

#endif
