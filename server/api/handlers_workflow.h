/* Request handlers for the suggestion workflow: ActRequest (every state
 * change) and ListSuggestions (GetSuggestion: handlers_get.h). The
 * rules come from workflow.c; the database function jy_act() applies them
 * in one transaction (docs/WORKFLOW.md is the contract). */
#ifndef JY_HANDLERS_WORKFLOW_H
#define JY_HANDLERS_WORKFLOW_H

#include <json-c/json.h>

#include "db.h"
#include "session.h"
#include "workflow.h"

void handle_act(struct request *req, const Jianyi__Request *body);
void handle_list_suggestions(struct request *req, const Jianyi__Request *body);

/* What handle_act binds besides the request's own fields; exported so that
 * the benchmark's pgbench scripts (tests/bench/bench_pgbench.c) bind the
 * same values. */
/* The states the caller's roles may act from, each with its target:
 * {"accepted":"in_progress", ...}. The caller frees it (json_object_put). */
json_object *act_transitions(enum wf_action a, uint32_t roles);
/* Every action but create that the caller's roles may take, with what
 * jy_act gets for it: {"plan": {"relation": "lead_unit", "transitions":
 * {"accepted": "in_progress", ...}}, ...}. jy_allowed_actions
 * (sql/functions/17_allowed_actions.sql) reads it. The caller frees it. */
json_object *act_rules(uint32_t roles);
/* SHA-256 of the request's encoding, lowercase hex: a reused idempotency key
 * with other content is refused instead of replaying the wrong answer. */
void act_request_hash(const Jianyi__ActRequest *act, char out[65]);

/* Checks list filters (naming field in refusals) and runs stmt with
 * (viewer, filters JSON, page size, after id): list and ledger share it. */
void query_with_list_filter(struct request *req, const Jianyi__ListSuggestionsRequest *q,
			    const char *field, int default_page, int max_page,
			    const struct db_stmt *stmt, db_result_cb cb);

#endif
