#include "handlers_ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "handlers_workflow.h"
#include "log.h"
#include "context.h"
#include "statements.h"

static void on_ledger(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "", JIANYI__RESPONSE__BODY_LEDGER, false);
}

void handle_ledger(struct request *req, const Jianyi__Request *body)
{
	static const Jianyi__ListSuggestionsRequest no_filter = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	const Jianyi__ListSuggestionsRequest *q =
		body->ledger->filter ? body->ledger->filter : &no_filter;
	query_with_list_filter(req, q, "ledger.filter", LEDGER_DEFAULT, LEDGER_MAX, &jy_statements[STMT_LEDGER], on_ledger);
}
