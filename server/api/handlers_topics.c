#include "handlers_topics.h"

#include "db_answer.h"
#include "field_check.h"

#define NAME_MAX_CHARS 100
#define DESCRIPTION_MAX 2000
#define LEADERS_MAX 10
#define LEADER_MAX_CHARS 50

static void on_create(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "topic_create.", JIANYI__RESPONSE__BODY_TOPIC_CREATE, true);
}

static void on_add(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "topic_add.", JIANYI__RESPONSE__BODY_TOPIC_ADD, true);
}

static void on_remove(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "topic_remove.", JIANYI__RESPONSE__BODY_TOPIC_REMOVE, true);
}

static void on_list(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "topic_list.", JIANYI__RESPONSE__BODY_TOPIC_LIST, false);
}

static void on_show(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "topic_show.", JIANYI__RESPONSE__BODY_TOPIC_SHOW, false);
}

void handle_topic_create(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__TopicCreateRequest *q = body->topic_create;
	if (!fc_key(req, "topic_create.idempotency_key", q->idempotency_key) ||
	    !fc_text(req, "topic_create.name", q->name, 1, NAME_MAX_CHARS) ||
	    !fc_text(req, "topic_create.description", q->description, 0, DESCRIPTION_MAX) ||
	    !fc_id(req, "topic_create.committee_id", q->committee_id, true) ||
	    !fc_range(req, "topic_create.leaders (count)", (int64_t)q->n_leaders, 0, LEADERS_MAX))
		return;
	for (size_t i = 0; i < q->n_leaders; i++)
		if (!fc_text(req, "topic_create.leaders", q->leaders[i], 1, LEADER_MAX_CHARS))
			return;
	db_answer_write(req, "topic_create", &q->base, q->idempotency_key, on_create);
}

static bool member_ok(struct request *req, const Jianyi__TopicMemberRequest *q, bool add)
{
	return fc_key(req, add ? "topic_add.idempotency_key" : "topic_remove.idempotency_key",
		      q->idempotency_key) &&
	       fc_id(req, add ? "topic_add.topic_id" : "topic_remove.topic_id", q->topic_id, true) &&
	       fc_id(req, add ? "topic_add.suggestion_id" : "topic_remove.suggestion_id",
		     q->suggestion_id, true);
}

void handle_topic_add(struct request *req, const Jianyi__Request *body)
{
	if (member_ok(req, body->topic_add, true))
		db_answer_write(req, "topic_add", &body->topic_add->base, body->topic_add->idempotency_key,
				on_add);
}

void handle_topic_remove(struct request *req, const Jianyi__Request *body)
{
	if (member_ok(req, body->topic_remove, false))
		db_answer_write(req, "topic_remove", &body->topic_remove->base,
				body->topic_remove->idempotency_key, on_remove);
}

void handle_topic_list(struct request *req, const Jianyi__Request *body)
{
	db_answer_read(req, "topic_list", &body->topic_list->base, on_list);
}

void handle_topic_show(struct request *req, const Jianyi__Request *body)
{
	if (fc_id(req, "topic_show.topic_id", body->topic_show->topic_id, true))
		db_answer_read(req, "topic_show", &body->topic_show->base, on_show);
}
