/* GetSuggestionRequest: a case and a page of its timeline (the pages fit
 * the frame limit; GetSuggestionResponse.timeline_next_after says where
 * the next one starts). */
#ifndef JY_HANDLERS_GET_H
#define JY_HANDLERS_GET_H

#include "session.h"

void handle_get_suggestion(struct request *req, const Jianyi__Request *body);

#endif
