/* Routes a request to its handler by body type; handlers answer through
 * request_reply()/request_fail(), now or later. */
#ifndef JY_DISPATCH_H
#define JY_DISPATCH_H

#include "session.h"

void dispatch_request(struct request *req, const Jianyi__Request *body);

#endif
