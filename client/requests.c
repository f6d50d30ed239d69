/* Typed helpers for the common requests (see jianyi.h): what a program would
 * otherwise fill in protobuf-c structs by hand. The CLI and the tests build
 * their requests here too, so there is one ActRequest builder. */
#include "jianyi.h"
#include "lib_i18n.h"

#include <string.h>

#include "transport.h"

/* Points the request at the params message this action takes (the
 * protocol's ActRequest comments; server/act_validate.c checks the same).
 * submit's params are optional (only to drop co-signers): left unset. */
static void act_point_params(struct jy_act *a)
{
	Jianyi__ActRequest *r = &a->req;

	switch (r->action) {
	case JIANYI__ACTION__ACTION_CREATE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CREATE;
		r->create = &a->create;
		break;
	case JIANYI__ACTION__ACTION_WITHDRAW:
	case JIANYI__ACTION__ACTION_RETURN:
	case JIANYI__ACTION__ACTION_DISPUTE:
	case JIANYI__ACTION__ACTION_CLOSE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;
		r->reason = &a->reason;
		break;
	case JIANYI__ACTION__ACTION_REGISTER:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REGISTER;
		r->register_ = &a->reg;
		break;
	case JIANYI__ACTION__ACTION_MERGE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_MERGE;
		r->merge = &a->merge;
		break;
	case JIANYI__ACTION__ACTION_CONVERT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CONVERT;
		r->convert = &a->convert;
		break;
	case JIANYI__ACTION__ACTION_ASSIGN:
	case JIANYI__ACTION__ACTION_REASSIGN:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
		r->assign = &a->assign;
		break;
	case JIANYI__ACTION__ACTION_PLAN:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_PLAN;
		r->plan = &a->plan;
		break;
	case JIANYI__ACTION__ACTION_CONTACT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
		r->contact = &a->contact;
		break;
	case JIANYI__ACTION__ACTION_OPINION:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_OPINION;
		r->opinion = &a->opinion;
		break;
	case JIANYI__ACTION__ACTION_EXTEND:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_EXTEND;
		r->extend = &a->extend;
		break;
	case JIANYI__ACTION__ACTION_APPROVE_EXTENSION:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_APPROVE_EXTENSION;
		r->approve_extension = &a->approve;
		break;
	case JIANYI__ACTION__ACTION_REPLY:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_REPLY;
		r->reply = &a->reply;
		break;
	case JIANYI__ACTION__ACTION_FOLLOW_UP:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_FOLLOW_UP;
		r->follow_up = &a->follow_up;
		break;
	case JIANYI__ACTION__ACTION_EVALUATE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
		r->evaluate = &a->evaluate;
		break;
	case JIANYI__ACTION__ACTION_SUPERVISE:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_SUPERVISE;
		r->supervise = &a->supervise;
		break;
	case JIANYI__ACTION__ACTION_EDIT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_EDIT;
		r->edit = &a->edit;
		break;
	case JIANYI__ACTION__ACTION_CORRECT:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS_CORRECT;
		r->correct = &a->correct;
		break;
	default:
		r->params_case = JIANYI__ACT_REQUEST__PARAMS__NOT_SET;
		break;
	}
}

void jy_act_init(struct jy_act *a, Jianyi__Action action, int64_t suggestion_id,
		 int32_t expected_version)
{
	/* every message needs its descriptor: each part starts from its INIT */
	memset(a, 0, sizeof *a);
	jianyi__act_request__init(&a->req);
	jianyi__create_params__init(&a->create);
	jianyi__reason_params__init(&a->reason);
	jianyi__register_params__init(&a->reg);
	jianyi__merge_params__init(&a->merge);
	jianyi__convert_params__init(&a->convert);
	jianyi__assign_params__init(&a->assign);
	jianyi__plan_params__init(&a->plan);
	jianyi__contact_params__init(&a->contact);
	jianyi__opinion_params__init(&a->opinion);
	jianyi__extend_params__init(&a->extend);
	jianyi__approve_extension_params__init(&a->approve);
	jianyi__reply_params__init(&a->reply);
	jianyi__follow_up_params__init(&a->follow_up);
	jianyi__evaluate_params__init(&a->evaluate);
	jianyi__supervise_params__init(&a->supervise);
	jianyi__submit_params__init(&a->submit);
	jianyi__edit_params__init(&a->edit);
	jianyi__correct_params__init(&a->correct);
	a->req.idempotency_key = a->key;
	a->req.action = action;
	a->req.suggestion_id = suggestion_id;
	a->req.expected_version = expected_version;
	act_point_params(a);
}

bool jy_act_set_key(struct jy_act *a, const char *key, struct jy_error *err)
{
	size_t n = key != NULL ? strlen(key) : 0;

	if (n == 0 || n > JY_IDEMPOTENCY_KEY_MAX) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("the idempotency key must have 1 to %d characters (it has %zu)"),
			     JY_IDEMPOTENCY_KEY_MAX, n);
		return false;
	}
	memcpy(a->key, key, n + 1);
	a->req.idempotency_key = a->key;
	return true;
}

void jy_request_act(Jianyi__Request *req, struct jy_act *a)
{
	jianyi__request__init(req);
	req->body_case = JIANYI__REQUEST__BODY_ACT;
	req->act = &a->req;
}

void jy_request_get(Jianyi__Request *req, Jianyi__GetSuggestionRequest *get,
		    int64_t suggestion_id)
{
	jianyi__get_suggestion_request__init(get);
	get->suggestion_id = suggestion_id;
	jianyi__request__init(req);
	req->body_case = JIANYI__REQUEST__BODY_GET_SUGGESTION;
	req->get_suggestion = get;
}

void jy_request_list(Jianyi__Request *req, Jianyi__ListSuggestionsRequest *list)
{
	jianyi__request__init(req);
	req->body_case = JIANYI__REQUEST__BODY_LIST_SUGGESTIONS;
	req->list_suggestions = list;
}

bool jy_call_act(struct jy_client *c, struct jy_act *a, Jianyi__Envelope **resp,
		 struct jy_error *err)
{
	Jianyi__Request req;

	jy_request_act(&req, a);
	return jy_call(c, &req, resp, err);
}

bool jy_call_get(struct jy_client *c, int64_t suggestion_id, Jianyi__Envelope **resp,
		 struct jy_error *err)
{
	Jianyi__Request req;
	Jianyi__GetSuggestionRequest get;

	jy_request_get(&req, &get, suggestion_id);
	return jy_call(c, &req, resp, err);
}

bool jy_call_list(struct jy_client *c, const Jianyi__ListSuggestionsRequest *filter,
		  Jianyi__Envelope **resp, struct jy_error *err)
{
	Jianyi__ListSuggestionsRequest all = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	Jianyi__Request req;

	/* only read by the encoder */
	jy_request_list(&req, filter != NULL ? (Jianyi__ListSuggestionsRequest *)filter : &all);
	return jy_call(c, &req, resp, err);
}
