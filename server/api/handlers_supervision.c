#include "handlers_supervision.h"

#include <string.h>

#include "db_answer.h"
#include "field_check.h"

#define PAGE_MAX 500

static const char *const kinds[] = {
	"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
	"publish_unsatisfied",
};

static void on_list(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "supervision_list.", JIANYI__RESPONSE__BODY_SUPERVISION_LIST, false);
}

void handle_supervision_list(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__SupervisionListRequest *q = body->supervision_list;
	bool known = !*q->kind;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		known = known || strcmp(q->kind, kinds[i]) == 0;
	if (!known) {
		request_fail_field(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "supervision_list.kind",
				   "supervision_list.kind must be empty (any) or one of: note, whole_process, "
				   "by_field, leader_led, interview, inquiry, publish_unsatisfied");
		return;
	}
	if (fc_id(req, "supervision_list.committee_id", q->committee_id, false) &&
	    fc_id(req, "supervision_list.suggestion_id", q->suggestion_id, false) &&
	    fc_id(req, "supervision_list.topic_id", q->topic_id, false) &&
	    fc_range(req, "supervision_list.min_level", q->min_level, 0, 4) &&
	    fc_range(req, "supervision_list.page_size", q->page_size, 0, PAGE_MAX) &&
	    fc_id(req, "supervision_list.before_id", q->before_id, false))
		db_answer_read(req, "supervision_list", &q->base, on_list);
}
