/* Shape checks on workflow requests, before any database work. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "act_validate.h"
#include "enum_names.h"
#include "pbjson.h"
#include "utf8.h"

static char field[80], msg[300];

static Jianyi__ActRequest base_create(Jianyi__CreateParams *p)
{
	Jianyi__ActRequest a = JIANYI__ACT_REQUEST__INIT;
	jianyi__create_params__init(p);
	p->title = "关于加强农村道路养护的建议";
	p->body = "建议县交通运输局加强养护。";
	p->category = "交通";
	a.idempotency_key = "k1";
	a.action = JIANYI__ACTION__ACTION_CREATE;
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_CREATE;
	a.create = p;
	return a;
}

static void create_checks(void **state)
{
	(void)state;
	Jianyi__CreateParams p;
	Jianyi__ActRequest a = base_create(&p);
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));

	p.title = "";
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.create.title");

	/* 200 Chinese characters pass (600 bytes), 201 do not. */
	char long_title[1024] = "";
	for (int i = 0; i < 200; i++)
		strcat(long_title, "建");
	p.title = long_title;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));
	strcat(long_title, "议");
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_non_null(strstr(msg, "200"));
	/* The reason names the field by its own name and the limit, for the
	 * client's sentence in the user's language. */
	struct act_problem why;
	assert_false(act_check(&a, &why));
	assert_string_equal(why.reason, "too_long");
	assert_string_equal(why.arg_names[0], "max");
	assert_string_equal(why.arg_values[0], "200");
	assert_string_equal(why.arg_names[1], "field");
	assert_string_equal(why.arg_values[1], "title");
	assert_null(why.arg_names[2]);
	p.title = "ok";

	a.idempotency_key = "";
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.idempotency_key");
	a.idempotency_key = "k1";

	a.suggestion_id = 5;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.suggestion_id");
	a.suggestion_id = 0;

	int64_t dup[] = { 3, 3 };
	p.cosigner_deputy_ids = dup;
	p.n_cosigner_deputy_ids = 2;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.create.cosigner_deputy_ids");
}

static void transitions_need_id_version_and_params(void **state)
{
	(void)state;
	Jianyi__ActRequest a = JIANYI__ACT_REQUEST__INIT;
	Jianyi__AssignParams p = JIANYI__ASSIGN_PARAMS__INIT;
	a.idempotency_key = "k";
	a.action = JIANYI__ACTION__ACTION_ASSIGN;
	a.suggestion_id = 0;
	a.expected_version = 3;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.suggestion_id");
	a.suggestion_id = -4;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	a.suggestion_id = 4;
	a.expected_version = 0;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.expected_version");
	a.expected_version = 3;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg)); /* no params */
	assert_string_equal(field, "act.params");
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
	a.assign = &p;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg)); /* no lead unit */
	assert_string_equal(field, "act.assign.lead_unit_id");
	p.lead_unit_id = 7;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));
	p.reply_deadline = "2026-13-40";
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.assign.reply_deadline");
	p.reply_deadline = "2027-02-28";
	int64_t co[] = { 7 };
	p.co_unit_ids = co;
	p.n_co_unit_ids = 1;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_non_null(strstr(msg, "lead unit"));

	a.action = 99;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.action");
}

/* submit's params are optional: the co-signers the lead deputy removes
 * ("Fixes" issue, item 5). */
static void submit_params_optional(void **state)
{
	(void)state;
	Jianyi__ActRequest a = JIANYI__ACT_REQUEST__INIT;
	Jianyi__SubmitParams p = JIANYI__SUBMIT_PARAMS__INIT;
	Jianyi__ReasonParams r = JIANYI__REASON_PARAMS__INIT;
	a.idempotency_key = "k";
	a.action = JIANYI__ACTION__ACTION_SUBMIT;
	a.suggestion_id = 4;
	a.expected_version = 2;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));   /* none */
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_SUBMIT;
	a.submit = &p;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));   /* empty list */
	int64_t ids[] = { 3, 3 };
	p.remove_cosigner_deputy_ids = ids;
	p.n_remove_cosigner_deputy_ids = 2;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.submit.remove_cosigner_deputy_ids");
	ids[1] = 0;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.submit.remove_cosigner_deputy_ids");
	ids[1] = 5;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;   /* another action's params */
	a.reason = &r;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.params");
}

/* close's params are optional, but another action's params are refused:
 * check_params would read them as a reason (found by fuzz_envelope: a
 * close carrying assign params crashed in text()). */
static void close_refuses_other_params(void **state)
{
	(void)state;
	Jianyi__ActRequest a = JIANYI__ACT_REQUEST__INIT;
	Jianyi__AssignParams as = JIANYI__ASSIGN_PARAMS__INIT;
	Jianyi__ReasonParams r = JIANYI__REASON_PARAMS__INIT;
	a.idempotency_key = "k";
	a.action = JIANYI__ACTION__ACTION_CLOSE;
	a.suggestion_id = 4;
	a.expected_version = 2;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));   /* none */
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;
	a.reason = &r;
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));   /* a reason */
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
	a.assign = &as;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.params");
}

static void enums_and_dates(void **state)
{
	(void)state;
	assert_true(valid_date("2028-02-29"));
	assert_false(valid_date("2027-02-29"));
	assert_false(valid_date("2026-04-31"));
	assert_false(valid_date("26-01-01"));
	assert_false(valid_date("2026/01/01"));
	assert_false(valid_date("2026-1-01"));

	Jianyi__ActRequest a = JIANYI__ACT_REQUEST__INIT;
	Jianyi__EvaluateParams e = JIANYI__EVALUATE_PARAMS__INIT;
	a.idempotency_key = "k";
	a.action = JIANYI__ACTION__ACTION_EVALUATE;
	a.suggestion_id = 1;
	a.expected_version = 9;
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
	a.evaluate = &e;
	e.attitude = "satisfied";
	e.result = "happy";
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.evaluate.result");
	assert_non_null(strstr(msg, "basically_satisfied"));
	e.result = "basically_satisfied";
	assert_true(act_validate(&a, field, sizeof field, msg, sizeof msg));

	/* A long Chinese "date" is echoed in the message, which is cut to fit:
	 * never in the middle of a character (the client would refuse the
	 * whole answer as invalid UTF-8). */
	Jianyi__ContactParams c = JIANYI__CONTACT_PARAMS__INIT;
	char date[1 + 200 * 3 + 1] = "x";
	for (int i = 0; i < 200; i++)
		strcat(date, "中");
	a.action = JIANYI__ACTION__ACTION_CONTACT;
	a.params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
	a.contact = &c;
	c.phase = "before";
	c.method = "visit";
	c.date = date;
	assert_false(act_validate(&a, field, sizeof field, msg, sizeof msg));
	assert_string_equal(field, "act.contact.date");
	assert_true(strlen(msg) > 200);
	assert_true(jy_utf8_valid(msg, strlen(msg)));
}

static void params_to_json(void **state)
{
	(void)state;
	Jianyi__AssignParams p = JIANYI__ASSIGN_PARAMS__INIT;
	int64_t co[] = { 8, 9 };
	char *leaders[] = { "王县长" };
	p.lead_unit_id = 7;
	p.co_unit_ids = co;
	p.n_co_unit_ids = 2;
	p.leaders = leaders;
	p.n_leaders = 1;
	p.key = 1;
	json_object *o = pbjson_from_message(&p.base);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(strstr(text, "\"lead_unit_id\":7"));
	assert_non_null(strstr(text, "\"co_unit_ids\":[8,9]"));
	assert_non_null(strstr(text, "\"key\":true"));
	assert_non_null(strstr(text, "王县长"));

	/* And back into a message. */
	struct pb_arena arena = { 0 };
	Jianyi__AssignParams q = JIANYI__ASSIGN_PARAMS__INIT;
	assert_true(pbjson_fill_message(&q.base, o, &arena));
	assert_int_equal(q.lead_unit_id, 7);
	assert_int_equal(q.n_co_unit_ids, 2);
	assert_int_equal(q.co_unit_ids[1], 9);
	assert_string_equal(q.leaders[0], "王县长");
	assert_true(q.key);
	pb_arena_free(&arena);
	json_object_put(o);
}

static void nested_json_fills_messages(void **state)
{
	(void)state;
	/* The shape jy_get answers with: a nested case, a list of events whose
	 * details are a JSON object carried as text. */
	json_object *doc = json_tokener_parse(
		"{\"code\":\"ok\",\"suggestion\":{\"id\":7,\"state\":\"assigned\",\"version\":3,"
		"\"co_units\":[\"县财政局\",\"县教育局\"],\"key\":true},"
		"\"timeline\":[{\"sequence\":1,\"kind\":\"create\",\"details\":{\"title\":\"建议\"}},"
		"{\"sequence\":2,\"kind\":\"submit\"}, 5]}");
	assert_non_null(doc);
	struct pb_arena arena = { 0 };
	Jianyi__GetSuggestionResponse get = JIANYI__GET_SUGGESTION_RESPONSE__INIT;
	/* Outside strict mode the stray 5 and "code" are left out quietly. */
	assert_true(pbjson_fill_message(&get.base, doc, &arena));
	assert_non_null(get.suggestion);
	assert_int_equal(get.suggestion->id, 7);
	assert_int_equal(get.suggestion->state, JIANYI__STATE__STATE_ASSIGNED);
	assert_int_equal(get.suggestion->version, 3);
	assert_true(get.suggestion->key);
	assert_int_equal(get.suggestion->n_co_units, 2);
	assert_string_equal(get.suggestion->co_units[1], "县教育局");
	/* The stray 5 is not an object: skipped, not a crash. */
	assert_int_equal(get.n_timeline, 2);
	assert_int_equal(get.timeline[1]->sequence, 2);
	assert_string_equal(get.timeline[1]->kind, "submit");
	assert_non_null(strstr(get.timeline[0]->details, "建议"));
	/* It packs: every pointer is valid. */
	size_t n = jianyi__get_suggestion_response__get_packed_size(&get);
	assert_true(n > 0);
	pb_arena_free(&arena);
	json_object_put(doc);
}

/* Strict mode (on in the tests' jianyid): an answer key that is no field,
 * or a field of the wrong JSON type, is an error naming it; the keys the
 * caller reads itself are allowed. */
static void strict_mode_names_mismatches(void **state)
{
	(void)state;
	struct pb_arena arena = { 0 };
	pbjson_set_strict(true);

	json_object *good = json_tokener_parse(
		"{\"code\":\"ok\",\"event_seq\":9,\"replayed\":false,"
		"\"suggestion\":{\"id\":7,\"state\":\"assigned\",\"version\":3}}");
	Jianyi__ActResponse act = JIANYI__ACT_RESPONSE__INIT;
	static const char *const side[] = { "event_seq", NULL };
	assert_true(pbjson_fill_answer(&act.base, good, &arena, side));
	assert_string_equal(pbjson_error(), "");
	Jianyi__ActResponse act2 = JIANYI__ACT_RESPONSE__INIT;
	assert_false(pbjson_fill_answer(&act2.base, good, &arena, NULL)); /* event_seq unknown */
	assert_non_null(strstr(pbjson_error(), "event_seq"));

	json_object *typo = json_tokener_parse("{\"suggestion\":{\"id\":7,\"stat\":\"assigned\"}}");
	Jianyi__ActResponse act3 = JIANYI__ACT_RESPONSE__INIT;
	assert_false(pbjson_fill_answer(&act3.base, typo, &arena, NULL));
	assert_non_null(strstr(pbjson_error(), "stat: no such field"));
	assert_int_equal(act3.suggestion->id, 7); /* what could be filled was */

	json_object *wrong = json_tokener_parse("{\"suggestion\":{\"id\":\"7\"}}");
	Jianyi__ActResponse act4 = JIANYI__ACT_RESPONSE__INIT;
	assert_false(pbjson_fill_answer(&act4.base, wrong, &arena, NULL));
	assert_non_null(strstr(pbjson_error(), "id: the wrong JSON type"));

	pbjson_set_strict(false);
	Jianyi__ActResponse act5 = JIANYI__ACT_RESPONSE__INIT;
	assert_true(pbjson_fill_answer(&act5.base, typo, &arena, NULL)); /* lenient */
	json_object_put(good);
	json_object_put(typo);
	json_object_put(wrong);
	pb_arena_free(&arena);
}

/* Enums travel by name (common/enum_names.h) both ways; strict mode refuses
 * a name the enum does not have. */
static void enums_by_name(void **state)
{
	(void)state;
	char buf[JY_ENUM_NAME_MAX];
	assert_string_equal(jy_enum_name(&jianyi__action__descriptor, JIANYI__ACTION__ACTION_APPROVE_EXTENSION,
					 buf, sizeof buf), "approve_extension");
	assert_null(jy_enum_name(&jianyi__action__descriptor, 999, buf, sizeof buf));
	int v = 0;
	assert_true(jy_enum_value(&jianyi__action__descriptor, "follow_up", &v));
	assert_int_equal(v, JIANYI__ACTION__ACTION_FOLLOW_UP);
	assert_false(jy_enum_value(&jianyi__action__descriptor, "FOLLOW_UP", &v));
	assert_string_equal(jy_enum_name(&jianyi__state__descriptor, JIANYI__STATE__STATE_UNSPECIFIED, buf,
					 sizeof buf), "");
	assert_true(jy_enum_value(&jianyi__state__descriptor, "", &v));
	assert_int_equal(v, JIANYI__STATE__STATE_UNSPECIFIED);
	assert_true(jy_enum_value(&jianyi__state__descriptor, "in_progress", &v));
	assert_int_equal(v, JIANYI__STATE__STATE_IN_PROGRESS);

	struct pb_arena arena = { 0 };
	json_object *doc = json_tokener_parse("{\"allowed_actions\":[\"plan\",\"approve_extension\"]}");
	Jianyi__GetSuggestionResponse get = JIANYI__GET_SUGGESTION_RESPONSE__INIT;
	pbjson_set_strict(true);
	assert_true(pbjson_fill_message(&get.base, doc, &arena));
	assert_int_equal(get.n_allowed_actions, 2);
	assert_int_equal(get.allowed_actions[0], JIANYI__ACTION__ACTION_PLAN);
	assert_int_equal(get.allowed_actions[1], JIANYI__ACTION__ACTION_APPROVE_EXTENSION);
	json_object *back = pbjson_from_message(&get.base);
	assert_non_null(strstr(json_object_to_json_string(back), "[ \"plan\", \"approve_extension\" ]"));

	json_object *bad = json_tokener_parse("{\"allowed_actions\":[\"plan\",\"fly\"]}");
	Jianyi__GetSuggestionResponse get2 = JIANYI__GET_SUGGESTION_RESPONSE__INIT;
	assert_false(pbjson_fill_message(&get2.base, bad, &arena));
	assert_non_null(strstr(pbjson_error(), "allowed_actions: an element is not the name"));
	json_object *number = json_tokener_parse("{\"allowed_actions\":[13]}");
	Jianyi__GetSuggestionResponse get3 = JIANYI__GET_SUGGESTION_RESPONSE__INIT;
	assert_false(pbjson_fill_message(&get3.base, number, &arena));
	pbjson_set_strict(false);
	json_object_put(doc);
	json_object_put(back);
	json_object_put(bad);
	json_object_put(number);
	pb_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_checks),
		cmocka_unit_test(transitions_need_id_version_and_params),
		cmocka_unit_test(submit_params_optional),
		cmocka_unit_test(close_refuses_other_params),
		cmocka_unit_test(enums_and_dates),
		cmocka_unit_test(params_to_json),
		cmocka_unit_test(nested_json_fills_messages),
		cmocka_unit_test(strict_mode_names_mismatches),
		cmocka_unit_test(enums_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
