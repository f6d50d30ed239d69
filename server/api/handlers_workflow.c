#include "handlers_workflow.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "act_validate.h"
#include "db_answer.h"
#include "feed.h"
#include "log.h"
#include "pbjson.h"
#include "context.h"
#include "statements.h"
#include "utf8.h"
#include "workflow.h"

#define LIST_DEFAULT 50
#define LIST_MAX 500

/* ---- ActRequest ------------------------------------------------------- */

static void on_act(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	json_object *doc = db_answer_take(req, r, "");
	if (!doc)
		return;
	struct pb_arena arena = { 0 };
	Jianyi__Response resp = JIANYI__RESPONSE__INIT;
	Jianyi__ActResponse act = JIANYI__ACT_RESPONSE__INIT;
	json_object *v;
	static const char *const side[] = { "event_seq", NULL };
	if (!db_answer_fill(req, &act.base, doc, &arena, side)) { /* suggestion, replayed */
		pb_arena_free(&arena);
		json_object_put(doc);
		return;
	}
	if (json_object_object_get_ex(doc, "event_seq", &v))
		act.event_sequence = json_object_get_int64(v);
	if (json_object_object_get_ex(doc, "replayed", &v))
		act.replayed = json_object_get_boolean(v);
	if (!act.replayed)
		/* Committed: wake this process's subscribers and, coalesced,
		 * the other processes' (feed.c). */
		feed_local_commit(req->ctx->feed);
	resp.body_case = JIANYI__RESPONSE__BODY_ACT;
	resp.act = &act;
	request_reply(req, &resp);
	pb_arena_free(&arena);
	json_object_put(doc);
}

json_object *act_transitions(enum wf_action a, uint32_t roles)
{
	json_object *t = json_object_new_object();
	if (a == WF_CREATE) {
		json_object_object_add(t, "new", json_object_new_string(wf_state_name(WF_DRAFT)));
		return t;
	}
	const char *from[WF_NSTATES];
	size_t n = wf_allowed_from(a, roles, from, WF_NSTATES);
	for (size_t i = 0; i < n; i++) {
		enum wf_state s;
		wf_state_parse(from[i], &s);
		json_object_object_add(t, from[i], json_object_new_string(wf_state_name(wf_next(s, a))));
	}
	return t;
}

json_object *act_rules(uint32_t roles)
{
	json_object *all = json_object_new_object();
	for (int a = WF_CREATE + 1; a <= WF_ACTION_MAX; a++) {
		const struct wf_rule *rule = wf_rule((enum wf_action)a);
		if (!rule || !(rule->roles & roles))
			continue;
		json_object *one = json_object_new_object();
		json_object_object_add(one, "relation", json_object_new_string(wf_relation_name(rule->relation)));
		json_object_object_add(one, "transitions", act_transitions(rule->action, roles));
		json_object_object_add(all, rule->name, one);
	}
	return all;
}

static json_object *params_json(const Jianyi__ActRequest *act)
{
	const ProtobufCMessage *p = act_params(act);
	return p ? pbjson_from_message(p) : json_object_new_object();
}

void act_request_hash(const Jianyi__ActRequest *act, char out[65])
{
	size_t n = jianyi__act_request__get_packed_size(act);
	uint8_t *buf = malloc(n ? n : 1);
	jianyi__act_request__pack(act, buf);
	unsigned char md[32];
	unsigned mdlen = 0;
	EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL);
	free(buf);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void handle_act(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__ActRequest *act = body->act;
	struct act_problem problem;
	if (!act_check(act, &problem)) {
		struct reason why = { problem.reason, { { NULL, NULL } } };
		for (size_t i = 0; i < ACT_PROBLEM_ARGS && problem.arg_names[i]; i++)
			why.args[i] = (struct reason_arg){ problem.arg_names[i], problem.arg_values[i] };
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, problem.field, &why, "%s",
			       problem.msg);
		return;
	}
	const struct wf_rule *rule = wf_rule((enum wf_action)act->action);
	const struct identity *who = &req->sess->who;
	uint32_t roles = wf_roles_mask(who->roles, who->n_roles);
	if (!(rule->roles & roles)) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, NULL,
			       REASON("role_may_not", { "action", rule->name }),
			       "your roles may not %s a suggestion", rule->name);
		return;
	}
	req->kind = rule->name;
	json_object *transitions = act_transitions(rule->action, roles);
	json_object *params = params_json(act);
	char actor[24], sid[24], version[16], hash[65];
	snprintf(actor, sizeof actor, "%" PRId64, who->account_id);
	snprintf(sid, sizeof sid, "%" PRId64, act->suggestion_id);
	snprintf(version, sizeof version, "%d", act->expected_version);
	act_request_hash(act, hash);
	const char *values[9] = {
		actor, rule->name,
		rule->action == WF_CREATE ? NULL : sid,
		rule->action == WF_CREATE ? NULL : version,
		json_object_to_json_string_ext(transitions, JSON_C_TO_STRING_PLAIN),
		wf_relation_name(rule->relation),
		json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN),
		act->idempotency_key, hash,
	};
	db_answer_query(req, &jy_statements[STMT_ACT], values, on_act); /* values are copied */
	json_object_put(transitions);
	json_object_put(params);
}

/* ---- ListSuggestions -------------------------------------------------- */

static void on_list(const struct db_result *r, void *arg)
{
	db_answer_finish(arg, r, "", JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS, false);
}

void query_with_list_filter(struct request *req, const Jianyi__ListSuggestionsRequest *q,
			    const char *field, int default_page, int max_page,
			    const struct db_stmt *stmt, db_result_cb cb)
{
	char f[96], v[16];
	if (!protobuf_c_enum_descriptor_get_value(&jianyi__state__descriptor, q->state)) {
		snprintf(f, sizeof f, "%s.state", field);
		snprintf(v, sizeof v, "%d", (int)q->state);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, f,
			       REASON("not_one_of", { "field", "state" }, { "value", v }),
			       "state %d is not a workflow state", (int)q->state);
		return;
	}
	if (q->page_size < 0 || q->page_size > max_page || q->after_id < 0 || q->unit_id < 0 ||
	    q->deputy_id < 0 || q->term < 0 || q->session < 0) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, field, REASON("bad_value", { "field", "page_size" }),
			       "page_size must be 0 to %d and ids, term and session not negative", max_page);
		return;
	}
	if (jy_utf8_length(q->text, strlen(q->text)) > 100) {
		snprintf(f, sizeof f, "%s.text", field);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, f,
			       REASON("too_long", { "field", "text" }, { "max", "100" }),
			       "text filter is longer than 100 characters");
		return;
	}
	json_object *filters = pbjson_from_message(&q->base);
	struct db_params p;
	db_params_viewer(&p, req);
	db_params_str(&p, json_object_to_json_string_ext(filters, JSON_C_TO_STRING_PLAIN));
	db_params_int(&p, q->page_size ? q->page_size : default_page);
	db_params_int(&p, q->after_id);
	db_answer_query(req, stmt, p.values, cb);
	json_object_put(filters);
}

void handle_list_suggestions(struct request *req, const Jianyi__Request *body)
{
	query_with_list_filter(req, body->list_suggestions, "list_suggestions", LIST_DEFAULT, LIST_MAX,
			       &jy_statements[STMT_LIST_SUGGESTIONS], on_list);
}
