#include "handlers_ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "db_answer.h"
#include "handlers_workflow.h"
#include "log.h"
#include "pbjson.h"
#include "server.h"
#include "sql_ledger.h"



static void on_ledger(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	json_object *doc = db_answer_take(req, r, "");
	if (!doc)
		return;
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__LedgerResponse led = JIANYI__LEDGER_RESPONSE__INIT;
	pbjson_fill_message(&led.base, doc, &arena); /* rows, next_after_id, total */
	resp.body_case = JIANYI__RESPONSE__BODY_LEDGER;
	resp.ledger = &led;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void handle_ledger(struct request *req, const Jianyi__Request *body)
{
	static const Jianyi__ListSuggestionsRequest no_filter = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	const Jianyi__ListSuggestionsRequest *q =
		body->ledger->filter ? body->ledger->filter : &no_filter;
	query_with_list_filter(req, q, "ledger.filter", LEDGER_DEFAULT, LEDGER_MAX, &sql_ledger, on_ledger);
}
