#include "db_answer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "feed.h"
#include "log.h"
#include "pbjson.h"
#include "context.h"
#include "statements.h"

void db_params_viewer(struct db_params *p, const struct request *req)
{
	p->n = 0;
	db_params_int(p, req->sess->who.account_id);
}

void db_params_int(struct db_params *p, int64_t v)
{
	if (p->n >= DB_PARAMS_MAX)
		abort();   /* a statement with more parameters: raise DB_PARAMS_MAX */
	snprintf(p->ints[p->n], sizeof p->ints[p->n], "%" PRId64, v);
	p->values[p->n] = p->ints[p->n];
	p->n++;
}

void db_params_str(struct db_params *p, const char *s)
{
	if (p->n >= DB_PARAMS_MAX)
		abort();
	p->values[p->n++] = s;
}

bool db_answer_query_arg(struct request *req, const struct db_stmt *stmt, const char *const *values,
			 db_result_cb cb, void *arg)
{
	if (db_read_query(req->ctx->read, req->ctx->db, stmt, values, cb, arg))
		return true;
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, NULL, REASON("overloaded"),
		     "server is overloaded (database queue full); try again later");
	return false;
}

void db_answer_query(struct request *req, const struct db_stmt *stmt, const char *const *values,
		     db_result_cb cb)
{
	db_answer_query_arg(req, stmt, values, cb, req);
}

const char *db_answer_str(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

/* The database answers with a status name; map it to ours. */
static int code_from_name(const char *name)
{
	static const struct { const char *name; int code; } map[] = {
		{ "ok", JIANYI__STATUS_CODE__STATUS_OK },
		{ "invalid_argument", JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT },
		{ "not_found", JIANYI__STATUS_CODE__STATUS_NOT_FOUND },
		{ "permission_denied", JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED },
		{ "failed_precondition", JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION },
		{ "conflict", JIANYI__STATUS_CODE__STATUS_CONFLICT },
		{ "resource_exhausted", JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (name && strcmp(name, map[i].name) == 0)
			return map[i].code;
	return JIANYI__STATUS_CODE__STATUS_INTERNAL;
}

/* A race the database settled by refusing one side: two requests creating
 * rows with one unique value (23505), a serialization failure (40001), a
 * deadlock (40P01). The statement rolled back and wrote nothing; sent
 * again, the request meets the other side's committed rows and gets the
 * functions' own answer (e.g. "a topic named ... already exists"). */
static bool sqlstate_is_race(const char *s)
{
	return strcmp(s, "23505") == 0 || strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0;
}

/* The refusal's reason and named arguments, as jy_result wrote them
 * (docs/WORKFLOW.md "Reasons"); the strings stay doc's. */
static void reason_from_answer(json_object *doc, struct reason *why)
{
	json_object *args;
	size_t n = 0;
	why->code = *db_answer_str(doc, "reason") ? db_answer_str(doc, "reason") : NULL;
	if (!why->code || !json_object_object_get_ex(doc, "args", &args) ||
	    !json_object_is_type(args, json_type_object))
		return;
	json_object_object_foreach(args, name, value) {
		if (n == REASON_ARGS_MAX)
			break;
		why->args[n].name = name;
		why->args[n].value = value ? json_object_get_string(value) : "";
		n++;
	}
}

bool db_answer_rows(struct request *req, const struct db_result *r)
{
	if (r->outcome == DB_UNAVAILABLE || r->outcome == DB_SHUTDOWN) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, NULL, REASON("database_unavailable"),
			     "database unavailable (%s); try again", r->error);
		return false;
	}
	if (db_result_timed_out(r)) {
		jy_warn("event=sql_timeout kind=%s error=\"%s\"", req->kind, r->error);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED, NULL, REASON("timeout"),
			     "the database did not answer within statement_timeout (%s); try again",
			     r->error);
		return false;
	}
	if (r->outcome == DB_QUERY_ERROR && sqlstate_is_race(r->sqlstate)) {
		jy_warn("event=sql_race kind=%s sqlstate=%s error=\"%s\"", req->kind, r->sqlstate, r->error);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, NULL, REASON("busy"),
			     "a concurrent request changed the same records (%s); try again", r->sqlstate);
		return false;
	}
	if (r->outcome != DB_OK) {
		jy_error("event=sql_failed kind=%s sqlstate=%s error=\"%s\"", req->kind, r->sqlstate,
			 r->error);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"), "internal error (%s)",
			     r->sqlstate[0] ? r->sqlstate : "no result");
		return false;
	}
	return true;
}

json_object *db_answer_take(struct request *req, const struct db_result *r, const char *field_prefix)
{
	if (!db_answer_rows(req, r))
		return NULL;
	if (PQntuples(r->res) != 1) {
		jy_error("event=sql_failed kind=%s rows=%d", req->kind, PQntuples(r->res));
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
			       "internal error (no result)");
		return NULL;
	}
	json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
	if (!doc) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"), "internal error (bad answer)");
		return NULL;
	}
	int code = code_from_name(db_answer_str(doc, "code"));
	if (code != JIANYI__STATUS_CODE__STATUS_OK) {
		const char *field = db_answer_str(doc, "field");
		char full[128] = "";
		if (*field)
			snprintf(full, sizeof full, "%s%s", field_prefix, field);
		struct reason why = { 0 };
		reason_from_answer(doc, &why);
		request_refuse(req, code, full, &why, "%s", db_answer_str(doc, "message"));
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

bool db_answer_fill(struct request *req, ProtobufCMessage *m, json_object *doc,
		    struct pb_arena *a, const char *const *side_keys)
{
	if (pbjson_fill_answer(m, doc, a, side_keys))
		return true;
	jy_error("event=answer_mismatch message=%s error=\"%s\"", m->descriptor->short_name,
		 pbjson_error());
	request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
		     "internal error (the database's answer does not match the protocol: %s)",
		     pbjson_error());
	return false;
}

void db_answer_reply(struct request *req, json_object *doc, Jianyi__Response__BodyCase body)
{
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(&jianyi__response__descriptor, (unsigned)body);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE) {
		/* A handler named a body that is not a message: a bug here. */
		jy_error("event=bad_response_body body=%d", (int)body);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"), "internal error (response body)");
		json_object_put(doc);
		return;
	}
	const ProtobufCMessageDescriptor *md = f->descriptor;
	ProtobufCMessage *m = pb_arena_alloc(&arena, md->sizeof_message);
	protobuf_c_message_init(md, m);
	static const char *const side[] = { "replayed", NULL };
	if (!db_answer_fill(req, m, doc, &arena, side)) {
		pb_arena_free(&arena);
		json_object_put(doc);
		return;
	}
	resp.body_case = body;
	*(ProtobufCMessage **)((char *)&resp + f->offset) = m;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
}

void db_answer_finish(struct request *req, const struct db_result *r, const char *field_prefix,
		      Jianyi__Response__BodyCase body, bool write)
{
	json_object *doc = db_answer_take(req, r, field_prefix);
	if (!doc)
		return;
	json_object *v;
	if (write && !(json_object_object_get_ex(doc, "replayed", &v) && json_object_get_boolean(v)))
		/* Committed events: wake this process's subscribers and,
		 * coalesced, the other processes' (feed.c). */
		feed_local_commit(req->ctx->feed);
	db_answer_reply(req, doc, body);
}

/* SHA-256 of op and the request's encoding, in hex. */
static void request_hash(const char *op, const ProtobufCMessage *m, char out[65])
{
	size_t oplen = strlen(op);
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(oplen + 1 + n);
	if (!buf)
		abort();
	memcpy(buf, op, oplen + 1);
	protobuf_c_message_pack(m, buf + oplen + 1);
	unsigned char md[32];
	unsigned mdlen = 0;
	EVP_Digest(buf, oplen + 1 + n, md, &mdlen, EVP_sha256(), NULL);
	free(buf);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void db_answer_write(struct request *req, const char *op, const ProtobufCMessage *m,
		     const char *idempotency_key, db_result_cb cb)
{
	db_answer_write_with(req, op, m, NULL, NULL, idempotency_key, cb);
}

void db_answer_write_with(struct request *req, const char *op, const ProtobufCMessage *m,
			  const char *key, const char *value, const char *idempotency_key, db_result_cb cb)
{
	json_object *params = pbjson_from_message(m);
	if (key)
		json_object_object_add(params, key, json_object_new_string(value));
	char actor[24], hash[65];
	snprintf(actor, sizeof actor, "%" PRId64, req->sess->who.account_id);
	request_hash(op, m, hash);
	const char *values[5] = { actor, op, json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN),
				  idempotency_key, hash };
	db_answer_query(req, &jy_statements[STMT_WRITE], values, cb); /* values are copied */
	json_object_put(params);
}

void db_answer_read(struct request *req, const char *op, const ProtobufCMessage *m, db_result_cb cb)
{
	json_object *params = pbjson_from_message(m);
	struct db_params p;
	db_params_viewer(&p, req);
	db_params_str(&p, op);
	db_params_str(&p, json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN));
	db_answer_query(req, &jy_statements[STMT_READ], p.values, cb);
	json_object_put(params);
}
