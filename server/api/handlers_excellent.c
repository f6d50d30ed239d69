#include "handlers_excellent.h"

#include "db_answer.h"
#include "field_check.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2100
#define TEXT_MAX 2000

static void on_nominate(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "excellent_nominate.", JIANYI__RESPONSE__BODY_EXCELLENT_NOMINATE, true);
}

static void on_score(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "excellent_score.", JIANYI__RESPONSE__BODY_EXCELLENT_SCORE, true);
}

static void on_announce(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "excellent_announce.", JIANYI__RESPONSE__BODY_EXCELLENT_ANNOUNCE, true);
}

static void on_list(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "excellent_list.", JIANYI__RESPONSE__BODY_EXCELLENT_LIST, false);
}

void handle_excellent_nominate(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__ExcellentNominateRequest *q = body->excellent_nominate;
	if (fc_key(req, "excellent_nominate.idempotency_key", q->idempotency_key) &&
	    fc_range(req, "excellent_nominate.year", q->year, YEAR_MIN, YEAR_MAX) &&
	    fc_id(req, "excellent_nominate.suggestion_id", q->suggestion_id, true) &&
	    fc_text(req, "excellent_nominate.reason", q->reason, 0, TEXT_MAX))
		db_answer_write(req, "excellent_nominate", &q->base, q->idempotency_key, on_nominate);
}

void handle_excellent_score(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__ExcellentScoreRequest *q = body->excellent_score;
	if (fc_key(req, "excellent_score.idempotency_key", q->idempotency_key) &&
	    fc_range(req, "excellent_score.year", q->year, YEAR_MIN, YEAR_MAX) &&
	    fc_id(req, "excellent_score.suggestion_id", q->suggestion_id, true) &&
	    fc_range(req, "excellent_score.score", q->score, 1, 100) &&
	    fc_text(req, "excellent_score.comment", q->comment, 0, TEXT_MAX))
		db_answer_write(req, "excellent_score", &q->base, q->idempotency_key, on_score);
}

void handle_excellent_announce(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__ExcellentAnnounceRequest *q = body->excellent_announce;
	if (fc_key(req, "excellent_announce.idempotency_key", q->idempotency_key) &&
	    fc_range(req, "excellent_announce.year", q->year, YEAR_MIN, YEAR_MAX) &&
	    fc_range(req, "excellent_announce.count", q->count, 0, 100))
		db_answer_write(req, "excellent_announce", &q->base, q->idempotency_key, on_announce);
}

void handle_excellent_list(struct request *req, const Jianyi__Request *body)
{
	if (fc_range(req, "excellent_list.year", body->excellent_list->year, YEAR_MIN, YEAR_MAX))
		db_answer_read(req, "excellent_list", &body->excellent_list->base, on_list);
}
