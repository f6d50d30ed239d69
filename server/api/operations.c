#include "operations.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "db_answer.h"
#include "field_check.h"
#include "jy_limits.h"

/* A row: the request body, the operation's name (also the request's kind
 * and, with a dot, the prefix of the fields its refusals name), the
 * response body its document fills, whether it writes (then the message
 * carries an idempotency_key, and an answer that was not a replay wakes the
 * feed), and the field checks (NULL: none). */
struct operation {
	Jianyi__Request__BodyCase body;
	const char *name;
	const char *field_prefix;
	Jianyi__Response__BodyCase answer;
	bool write;
	bool (*check)(struct request *req, const ProtobufCMessage *m);
};

/* ---- field checks ------------------------------------------------------- */

#define TOPIC_NAME_MAX_CHARS 100
#define TOPIC_DESCRIPTION_MAX 2000
#define TOPIC_LEADERS_MAX 10
#define TOPIC_LEADER_MAX_CHARS 50
#define YEAR_MIN 2000
#define YEAR_MAX 2100
#define EXCELLENT_TEXT_MAX 2000
#define SUPERVISION_PAGE_MAX 500

static bool check_topic_create(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__TopicCreateRequest *q = (const Jianyi__TopicCreateRequest *)m;
	if (!fc_key(req, "topic_create.idempotency_key", q->idempotency_key) ||
	    !fc_text(req, "topic_create.name", q->name, 1, TOPIC_NAME_MAX_CHARS) ||
	    !fc_text(req, "topic_create.description", q->description, 0, TOPIC_DESCRIPTION_MAX) ||
	    !fc_id(req, "topic_create.committee_id", q->committee_id, true) ||
	    !fc_range(req, "topic_create.leaders (count)", (int64_t)q->n_leaders, 0, TOPIC_LEADERS_MAX))
		return false;
	for (size_t i = 0; i < q->n_leaders; i++)
		if (!fc_text(req, "topic_create.leaders", q->leaders[i], 1, TOPIC_LEADER_MAX_CHARS))
			return false;
	return true;
}

static bool member_ok(struct request *req, const ProtobufCMessage *m, bool add)
{
	const Jianyi__TopicMemberRequest *q = (const Jianyi__TopicMemberRequest *)m;
	return fc_key(req, add ? "topic_add.idempotency_key" : "topic_remove.idempotency_key",
		      q->idempotency_key) &&
	       fc_id(req, add ? "topic_add.topic_id" : "topic_remove.topic_id", q->topic_id, true) &&
	       fc_id(req, add ? "topic_add.suggestion_id" : "topic_remove.suggestion_id",
		     q->suggestion_id, true);
}

static bool check_topic_add(struct request *req, const ProtobufCMessage *m)
{
	return member_ok(req, m, true);
}

static bool check_topic_remove(struct request *req, const ProtobufCMessage *m)
{
	return member_ok(req, m, false);
}

static bool check_topic_show(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__TopicShowRequest *q = (const Jianyi__TopicShowRequest *)m;
	return fc_id(req, "topic_show.topic_id", q->topic_id, true);
}

static bool check_excellent_nominate(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__ExcellentNominateRequest *q = (const Jianyi__ExcellentNominateRequest *)m;
	return fc_key(req, "excellent_nominate.idempotency_key", q->idempotency_key) &&
	       fc_range(req, "excellent_nominate.year", q->year, YEAR_MIN, YEAR_MAX) &&
	       fc_id(req, "excellent_nominate.suggestion_id", q->suggestion_id, true) &&
	       fc_text(req, "excellent_nominate.reason", q->reason, 0, EXCELLENT_TEXT_MAX);
}

static bool check_excellent_score(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__ExcellentScoreRequest *q = (const Jianyi__ExcellentScoreRequest *)m;
	return fc_key(req, "excellent_score.idempotency_key", q->idempotency_key) &&
	       fc_range(req, "excellent_score.year", q->year, YEAR_MIN, YEAR_MAX) &&
	       fc_id(req, "excellent_score.suggestion_id", q->suggestion_id, true) &&
	       fc_range(req, "excellent_score.score", q->score, 1, 100) &&
	       fc_text(req, "excellent_score.comment", q->comment, 0, EXCELLENT_TEXT_MAX);
}

static bool check_excellent_announce(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__ExcellentAnnounceRequest *q = (const Jianyi__ExcellentAnnounceRequest *)m;
	return fc_key(req, "excellent_announce.idempotency_key", q->idempotency_key) &&
	       fc_range(req, "excellent_announce.year", q->year, YEAR_MIN, YEAR_MAX) &&
	       fc_range(req, "excellent_announce.count", q->count, 0, 100);
}

static bool check_excellent_list(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__ExcellentListRequest *q = (const Jianyi__ExcellentListRequest *)m;
	return fc_range(req, "excellent_list.year", q->year, YEAR_MIN, YEAR_MAX);
}

static const char *const supervision_kinds[] = {
	"note", "whole_process", "by_field", "leader_led", "interview", "inquiry",
	"publish_unsatisfied",
};

static bool check_supervision_list(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__SupervisionListRequest *q = (const Jianyi__SupervisionListRequest *)m;
	bool known = !*q->kind;
	for (size_t i = 0; i < sizeof supervision_kinds / sizeof supervision_kinds[0]; i++)
		known = known || strcmp(q->kind, supervision_kinds[i]) == 0;
	if (!known) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "supervision_list.kind",
			       REASON("not_one_of", { "field", "kind" }, { "value", q->kind }),
				   "supervision_list.kind must be empty (any) or one of: note, whole_process, "
				   "by_field, leader_led, interview, inquiry, publish_unsatisfied");
		return false;
	}
	return fc_id(req, "supervision_list.committee_id", q->committee_id, false) &&
	       fc_id(req, "supervision_list.suggestion_id", q->suggestion_id, false) &&
	       fc_id(req, "supervision_list.topic_id", q->topic_id, false) &&
	       fc_range(req, "supervision_list.min_level", q->min_level, 0, 4) &&
	       fc_range(req, "supervision_list.page_size", q->page_size, 0, SUPERVISION_PAGE_MAX) &&
	       fc_id(req, "supervision_list.before_id", q->before_id, false);
}

static const char *const directory_kinds[] = {
	"units", "committees", "stations", "deputies", "accounts", "cases",
};

#define DIRECTORY_QUERY_MAX_CHARS 100

static bool check_directory(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__DirectoryRequest *q = (const Jianyi__DirectoryRequest *)m;
	bool known = false;
	for (size_t i = 0; i < sizeof directory_kinds / sizeof directory_kinds[0]; i++)
		known = known || strcmp(q->kind, directory_kinds[i]) == 0;
	if (!known) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "directory.kind",
			       REASON("not_one_of", { "field", "kind" }, { "value", q->kind }),
				   "directory.kind must be one of: units, committees, stations, deputies, "
				   "accounts, cases");
		return false;
	}
	return fc_text(req, "directory.query", q->query, strcmp(q->kind, "cases") == 0 ? 1 : 0,
		       DIRECTORY_QUERY_MAX_CHARS) &&
	       fc_id(req, "directory.station_id", q->station_id, false);
}

/* ---- attachments (docs/WORKFLOW.md "Attachments") ---------------------------- */

static const char *const attach_targets[] = {
	"", "suggestion", "plan", "contact", "reply", "follow_up", "supervision",
};

/* Room in a frame for everything but a chunk's bytes. */
#define ATTACH_FRAME_SLACK 2048

/* The largest chunk this server's frames carry. */
static int64_t attach_chunk_max(const struct request *req)
{
	int64_t frame = (int64_t)req->ctx->cfg->max_frame_bytes - ATTACH_FRAME_SLACK;
	return frame < JY_ATTACH_CHUNK_MAX ? (frame > 1 ? frame : 1) : JY_ATTACH_CHUNK_MAX;
}

/* A guard before the database's own check (characters, 15_attachments.sql):
 * more than 4 bytes a character is more than JY_ATTACH_NAME_MAX characters. */
static bool check_attach_name(struct request *req, const char *name)
{
	size_t n = strlen(name);
	if (n >= 1 && n <= 4 * JY_ATTACH_NAME_MAX)
		return true;
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "attach_begin.name",
		       REASON("bad_file_name", { "max", JY_STR(JY_ATTACH_NAME_MAX) }),
		       "attach_begin.name must be 1 to %d characters", JY_ATTACH_NAME_MAX);
	return false;
}

static bool check_attach_sha256(struct request *req, const char *sha256)
{
	if (strlen(sha256) == 64)
		return true;
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "attach_begin.sha256",
		       REASON("bad_value", { "field", "sha256" }),
		       "attach_begin.sha256 must be 64 hexadecimal digits");
	return false;
}

/* A chunk's bytes: 1 to what a frame carries. */
static bool check_chunk(struct request *req, const char *field, int64_t n)
{
	int64_t max = attach_chunk_max(req);
	if (n >= 1 && n <= max)
		return true;
	char limit[24];
	snprintf(limit, sizeof limit, "%" PRId64, max);
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field,
		       REASON("chunk_size", { "min", "1" }, { "max", limit }),
		       "%s must be 1 to %" PRId64 " bytes", field, max);
	return false;
}

static bool check_attach_begin(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__AttachBeginRequest *q = (const Jianyi__AttachBeginRequest *)m;
	bool known = false;
	for (size_t i = 0; i < sizeof attach_targets / sizeof attach_targets[0]; i++)
		known = known || strcmp(q->attached_to, attach_targets[i]) == 0;
	if (!known) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "attach_begin.attached_to",
			       REASON("not_one_of", { "field", "attached_to" }, { "value", q->attached_to }),
			       "attach_begin.attached_to must be empty (the suggestion) or one of: "
			       "suggestion, plan, contact, reply, follow_up, supervision");
		return false;
	}
	int64_t max = req->ctx->cfg->attachment_max_bytes;
	if (q->size > max) {
		char size[24], limit[24];
		snprintf(size, sizeof size, "%lld", (long long)q->size);
		snprintf(limit, sizeof limit, "%lld", (long long)max);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "attach_begin.size",
			       REASON("file_too_large", { "size", size }, { "max", limit }),
			       "the file has %lld bytes; an attachment may have at most %lld bytes "
			       "(the server's attachment_max_bytes)", (long long)q->size, (long long)max);
		return false;
	}
	return fc_key(req, "attach_begin.idempotency_key", q->idempotency_key) &&
	       fc_id(req, "attach_begin.suggestion_id", q->suggestion_id, true) &&
	       fc_id(req, "attach_begin.event_sequence", q->event_sequence, false) &&
	       fc_range(req, "attach_begin.size", q->size, 1, max) &&
	       check_attach_name(req, q->name) && check_attach_sha256(req, q->sha256);
}

static bool check_attach_put(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__AttachPutRequest *q = (const Jianyi__AttachPutRequest *)m;
	return fc_key(req, "attach_put.idempotency_key", q->idempotency_key) &&
	       fc_id(req, "attach_put.attachment_id", q->attachment_id, true) &&
	       fc_range(req, "attach_put.offset", q->offset, 0, INT64_MAX) &&
	       check_chunk(req, "attach_put.data", (int64_t)q->data.len);
}

static bool check_attach_fetch(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__AttachFetchRequest *q = (const Jianyi__AttachFetchRequest *)m;
	return fc_id(req, "attach_fetch.attachment_id", q->attachment_id, true) &&
	       fc_range(req, "attach_fetch.offset", q->offset, 0, INT64_MAX) &&
	       check_chunk(req, "attach_fetch.length", q->length);
}

static bool check_attach_list(struct request *req, const ProtobufCMessage *m)
{
	const Jianyi__AttachListRequest *q = (const Jianyi__AttachListRequest *)m;
	return fc_id(req, "attach_list.suggestion_id", q->suggestion_id, false) &&
	       fc_id(req, "attach_list.attachment_id", q->attachment_id, false);
}

/* ---- the table ------------------------------------------------------------ */

#define WRITE(name, NAME) \
	{ JIANYI__REQUEST__BODY_##NAME, #name, #name ".", JIANYI__RESPONSE__BODY_##NAME, true, check_##name }
#define READ(name, NAME, check) \
	{ JIANYI__REQUEST__BODY_##NAME, #name, #name ".", JIANYI__RESPONSE__BODY_##NAME, false, check }

static const struct operation operations[] = {
	WRITE(topic_create, TOPIC_CREATE),
	WRITE(topic_add, TOPIC_ADD),
	WRITE(topic_remove, TOPIC_REMOVE),
	READ(topic_list, TOPIC_LIST, NULL),
	READ(topic_show, TOPIC_SHOW, check_topic_show),
	WRITE(excellent_nominate, EXCELLENT_NOMINATE),
	WRITE(excellent_score, EXCELLENT_SCORE),
	WRITE(excellent_announce, EXCELLENT_ANNOUNCE),
	READ(excellent_list, EXCELLENT_LIST, check_excellent_list),
	READ(supervision_list, SUPERVISION_LIST, check_supervision_list),
	READ(directory, DIRECTORY, check_directory),
	READ(todo, TODO, NULL),
	WRITE(attach_begin, ATTACH_BEGIN),
	WRITE(attach_put, ATTACH_PUT),
	READ(attach_fetch, ATTACH_FETCH, check_attach_fetch),
	READ(attach_list, ATTACH_LIST, check_attach_list),
};

#define NOPERATIONS (sizeof operations / sizeof operations[0])

/* ---- the handler ---------------------------------------------------------- */

const struct operation *operation_find(Jianyi__Request__BodyCase body)
{
	for (size_t i = 0; i < NOPERATIONS; i++)
		if (operations[i].body == body)
			return &operations[i];
	return NULL;
}

const char *operation_name(const struct operation *op)
{
	return op->name;
}

/* The body's message: the oneof member whose field number is the case. */
static const ProtobufCMessage *body_message(const Jianyi__Request *body)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(&jianyi__request__descriptor, (unsigned)body->body_case);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)body + f->offset);
}

/* A write's idempotency_key member ("" when the message has none). */
static const char *idempotency_key(const ProtobufCMessage *m)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "idempotency_key");
	if (!f || f->type != PROTOBUF_C_TYPE_STRING)
		return "";
	return *(const char *const *)((const char *)m + f->offset);
}

/* The request's kind is its row's name (dispatch.c), which finds the row. */
static void on_answer(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	for (size_t i = 0; i < NOPERATIONS; i++) {
		const struct operation *op = &operations[i];
		if (op->name == req->kind) {
			db_answer_finish(req, r, op->field_prefix, op->answer, op->write);
			return;
		}
	}
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"), "internal error (no operation %s)",
		     req->kind);
}

void operation_handle(const struct operation *op, struct request *req, const Jianyi__Request *body)
{
	const ProtobufCMessage *m = body_message(body);
	if (!m) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, NULL, REASON("malformed"),
			       "%s: the request body is empty",
			     op->name);
		return;
	}
	if (op->check && !op->check(req, m))
		return;
	if (op->write)
		db_answer_write(req, op->name, m, idempotency_key(m), on_answer);
	else
		db_answer_read(req, op->name, m, on_answer);
}
