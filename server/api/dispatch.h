/* Routes a request to its handler by body type; handlers answer through
 * request_reply()/request_fail(), now or later. */
#ifndef JY_DISPATCH_H
#define JY_DISPATCH_H

#include "context.h"
#include "session.h"

/* Hangs ctx on req (req->ctx, what its handler works with) and routes it. */
void dispatch_request(const struct api_ctx *ctx, struct request *req, const Jianyi__Request *body);

#endif
