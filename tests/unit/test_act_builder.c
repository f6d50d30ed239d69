/* libjianyi's typed ActRequest builder (jy_act_init, jy_act_set_key,
 * jy_request_act). The issue "One source for each thing", part 3: "Typed
 * helpers for the common requests (get, list, act) so a program need not
 * fill protobuf structs by hand". Whatever jy_act_init makes for an action
 * must carry the params the server expects for it: this checks each action
 * against the server's own shape check (server/api/act_validate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "act_validate.h"
#include "jianyi.h"

/* Every action's request has the params the server wants for it. */
static void each_action_carries_its_params(void **state)
{
	(void)state;
	for (int action = JIANYI__ACTION__ACTION_CREATE; action <= JIANYI__ACTION__ACTION_CORRECT;
	     action++) {
		struct jy_act a;
		struct jy_error e = { 0 };
		char field[80] = "", msg[300] = "";

		jy_act_init(&a, (Jianyi__Action)action,
			    action == JIANYI__ACTION__ACTION_CREATE ? 0 : 7, 3);
		assert_true(jy_act_set_key(&a, "unit-key", &e));
		if (!act_validate(&a.req, field, sizeof field, msg, sizeof msg) &&
		    strcmp(field, "act.params") == 0)
			fail_msg("action %d: the server says: %s", action, msg);
		/* the params pointer is the member of the struct */
		if (a.req.params_case != JIANYI__ACT_REQUEST__PARAMS__NOT_SET)
			assert_non_null(act_params(&a.req));
	}
}

/* Filled in, a request goes through the server's check whole. */
static void a_filled_reply_passes(void **state)
{
	struct jy_act a;
	struct jy_error e = { 0 };
	Jianyi__Request req;
	char field[80] = "", msg[300] = "";

	(void)state;
	jy_act_init(&a, JIANYI__ACTION__ACTION_REPLY, 42, 5);
	a.reply.result_class = "A";
	a.reply.text = "已按建议完成道路养护。";
	assert_true(jy_act_set_key(&a, "reply-42-5", &e));
	if (!act_validate(&a.req, field, sizeof field, msg, sizeof msg))
		fail_msg("%s: %s", field, msg);
	jy_request_act(&req, &a);
	assert_int_equal(req.body_case, JIANYI__REQUEST__BODY_ACT);
	assert_ptr_equal(req.act, &a.req);
	assert_string_equal(req.act->idempotency_key, "reply-42-5");
	assert_int_equal(req.act->suggestion_id, 42);
	assert_int_equal(req.act->expected_version, 5);
}

/* The key is checked before it goes anywhere: 1 to 100 bytes. */
static void bad_keys_refused(void **state)
{
	struct jy_act a;
	struct jy_error e = { 0 };
	char long_key[JY_IDEMPOTENCY_KEY_MAX + 2];

	(void)state;
	jy_act_init(&a, JIANYI__ACTION__ACTION_ACCEPT, 1, 1);
	assert_false(jy_act_set_key(&a, "", &e));
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(e.message, "idempotency key"));
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	assert_false(jy_act_set_key(&a, long_key, &e));
	/* The refusal names the field and the limit. */
	assert_non_null(strstr(e.message, "idempotency key"));
	assert_non_null(strstr(e.message, "1 to " JY_STR(JY_IDEMPOTENCY_KEY_MAX) " characters"));
	long_key[JY_IDEMPOTENCY_KEY_MAX] = '\0';
	assert_true(jy_act_set_key(&a, long_key, &e));
	assert_string_equal(a.req.idempotency_key, long_key);
}

/* get and list: the request points at the given parts. */
static void get_and_list_requests(void **state)
{
	Jianyi__Request req;
	Jianyi__GetSuggestionRequest get;
	Jianyi__ListSuggestionsRequest list = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;

	(void)state;
	jy_request_get(&req, &get, 99);
	assert_int_equal(req.body_case, JIANYI__REQUEST__BODY_GET_SUGGESTION);
	assert_int_equal(req.get_suggestion->suggestion_id, 99);
	assert_int_equal(req.get_suggestion->timeline_after, 0);
	list.unit_id = 5;
	jy_request_list(&req, &list);
	assert_int_equal(req.body_case, JIANYI__REQUEST__BODY_LIST_SUGGESTIONS);
	assert_int_equal(req.list_suggestions->unit_id, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_action_carries_its_params),
		cmocka_unit_test(a_filled_reply_passes),
		cmocka_unit_test(bad_keys_refused),
		cmocka_unit_test(get_and_list_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
