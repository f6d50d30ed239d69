/* Request handlers for the suggestion workflow: ActRequest (every state
 * change), GetSuggestion (a case and its timeline), ListSuggestions. The
 * rules come from workflow.c; the database function jy_act() applies them
 * in one transaction (docs/WORKFLOW.md is the contract). */
#ifndef JY_HANDLERS_WORKFLOW_H
#define JY_HANDLERS_WORKFLOW_H

#include "db.h"
#include "session.h"

void handle_act(struct request *req, const Jianyi__Request *body);
void handle_get_suggestion(struct request *req, const Jianyi__Request *body);
void handle_list_suggestions(struct request *req, const Jianyi__Request *body);

/* Checks list filters (naming field in refusals) and runs stmt with
 * (viewer, filters JSON, page size, after id): list and ledger share it. */
void query_with_list_filter(struct request *req, const Jianyi__ListSuggestionsRequest *q,
			    const char *field, int default_page, int max_page,
			    const struct db_stmt *stmt, db_result_cb cb);

#endif
