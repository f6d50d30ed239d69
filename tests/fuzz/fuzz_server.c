/* The server's handling of one decoded request, short of the database and
 * the socket: session.c's handle_envelope checks, then what each handler
 * does with the request before it queues SQL (handlers_workflow.c), and the
 * encoding of an answer. Kept in step with those files by hand: they are
 * static functions there. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "act_validate.h"
#include "frame.h"
#include "pbjson.h"
#include "protocol.h"
#include "utf8.h"

/* Every string the server takes from a decoded message has passed the
 * decoder's UTF-8 walk; check that it really holds. */
static void must_be_utf8(const char *s)
{
	if (s && !jy_utf8_valid(s, strlen(s)))
		fuzz_fail("a decoded string is not valid UTF-8");
}

/* What handle_act puts into the SQL call: the params as JSON text. */
static void act_params_json(const Jianyi__ActRequest *act)
{
	const ProtobufCMessage *p = act_params(act);
	json_object *o = p ? pbjson_from_message(p) : json_object_new_object();
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	/* The database parses it as jsonb: it must be JSON again. */
	json_object *back = json_tokener_parse(text);
	if (!back)
		fuzz_fail("params JSON does not parse back");
	json_object_put(back);
	json_object_put(o);
}

static void handle_act(const Jianyi__ActRequest *act)
{
	char field[80], msg[300];
	must_be_utf8(act->idempotency_key);
	if (!act_validate(act, field, sizeof field, msg, sizeof msg)) {
		if (!field[0] || !msg[0])
			fuzz_fail("act_validate refused without naming a field and a reason");
		if (!jy_utf8_valid(msg, strlen(msg)))
			/* snprintf may cut a multi-byte character; the message goes
			 * to the client in a string field, which must be UTF-8 */
			fuzz_fail("act_validate's message is not valid UTF-8");
		return;
	}
	act_params_json(act);
	/* request_hash: the request packed again */
	size_t n = jianyi__act_request__get_packed_size(act);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		abort();
	if (jianyi__act_request__pack(act, buf) != n)
		fuzz_fail("ActRequest packs to another size than announced");
	free(buf);
}

static void handle_list(const Jianyi__ListSuggestionsRequest *q)
{
	json_object *filters = pbjson_from_message(&q->base);
	(void)json_object_to_json_string_ext(filters, JSON_C_TO_STRING_PLAIN);
	json_object_put(filters);
}

/* What db_answer_write / db_answer_read do with the other requests (topics,
 * excellent, supervision, stats, ledger, deadlines, inbox, ...): the body as
 * JSON for the SQL call, and packed again for the request hash. */
static void handle_generic(const Jianyi__Request *rq)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(rq->base.descriptor, (unsigned)rq->body_case);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return;
	const ProtobufCMessage *m = *(ProtobufCMessage *const *)((const char *)rq + f->offset);
	if (!m)
		return;
	json_object *o = pbjson_from_message(m);
	json_object *back = json_tokener_parse(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	if (!back)
		fuzz_fail("request JSON does not parse back");
	json_object_put(back);
	json_object_put(o);
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		abort();
	if (protobuf_c_message_pack(m, buf) != n)
		fuzz_fail("a request body packs to another size than announced");
	free(buf);
}

/* The answer to a ping echoes the payload: encode it as the server does. */
static void answer_ping(uint64_t id, const Jianyi__PingRequest *ping)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__PingResponse pong = JIANYI__PING_RESPONSE__INIT;
	pong.payload = ping->payload;
	resp.body_case = JIANYI__RESPONSE__BODY_PING;
	resp.ping = &pong;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_RESPONSE;
	env.response = &resp;
	uint8_t *frame;
	size_t len;
	char err[200];
	if (!jy_frame_encode(&env, JY_HARD_MAX_FRAME, &frame, &len, err, sizeof err))
		return; /* the server answers RESOURCE_EXHAUSTED instead */
	char derr[300];
	Jianyi__Envelope *back = jy_envelope_decode(frame + JY_FRAME_HEADER_BYTES,
						   len - JY_FRAME_HEADER_BYTES, derr, sizeof derr);
	if (!back)
		fuzz_fail("the server's own answer does not decode");
	if (back->id != id || back->response->ping->payload.len != ping->payload.len)
		fuzz_fail("the server's own answer decodes differently");
	jy_envelope_free(back);
	free(frame);
}

bool fuzz_server_envelope(const Jianyi__Envelope *env, bool *hello_seen)
{
	if (env->body_case != JIANYI__ENVELOPE__BODY_REQUEST)
		return false; /* "a client may only send requests" */
	if (env->id == 0)
		return false; /* "request id 0 is reserved for server events" */
	const Jianyi__Request *rq = env->request;
	if (!*hello_seen) {
		if (rq->body_case != JIANYI__REQUEST__BODY_HELLO)
			return false;
		must_be_utf8(rq->hello->software);
		if (rq->hello->protocol_version != JY_PROTOCOL_VERSION)
			return false;
		*hello_seen = true;
		return true;
	}
	switch (rq->body_case) {
	case JIANYI__REQUEST__BODY_HELLO: /* answered FAILED_PRECONDITION */
		break;
	case JIANYI__REQUEST__BODY_PING:
		answer_ping(env->id, rq->ping);
		break;
	case JIANYI__REQUEST__BODY_ACT:
		handle_act(rq->act);
		break;
	case JIANYI__REQUEST__BODY_LIST_SUGGESTIONS:
		handle_list(rq->list_suggestions);
		break;
	case JIANYI__REQUEST__BODY__NOT_SET: /* answered INVALID_ARGUMENT */
		break;
	default:
		handle_generic(rq);
		break;
	}
	return true;
}
