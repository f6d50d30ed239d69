/* Request handlers for the suggestion workflow: ActRequest (every state
 * change), GetSuggestion (a case and its timeline), ListSuggestions. The
 * rules come from workflow.c; the database function jy_act() applies them
 * in one transaction (docs/WORKFLOW.md is the contract). */
#ifndef JY_HANDLERS_WORKFLOW_H
#define JY_HANDLERS_WORKFLOW_H

#include "session.h"

void handle_act(struct request *req, const Jianyi__Request *body);
void handle_get_suggestion(struct request *req, const Jianyi__Request *body);
void handle_list_suggestions(struct request *req, const Jianyi__Request *body);

#endif
