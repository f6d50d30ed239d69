/* Editing (the issue "For the people who use it", section "Editing and
 * attachments"): "The lead deputy edits a draft or a returned suggestion
 * (title, body, category, co-signers); each edit is an event with what
 * changed; after registration the text is frozen and only the liaison
 * committee may correct it, with a reason." docs/WORKFLOW.md "Editing". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "harness.h"
#include "wf_helpers.h"

static const char *id_str(int64_t id)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%lld", (long long)id);
	return b;
}

/* The details of the case's last event, parsed (json_object_put it). */
static json_object *last_event(const struct kase *k, const char *kind)
{
	Jianyi__Envelope *g = wf_get_ok(cx("deputy-wang"), k->id); /* drafts too */
	const Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	const Jianyi__TimelineEvent *e = gs->timeline[gs->n_timeline - 1];
	assert_string_equal(e->kind, kind);
	json_object *d = json_tokener_parse(e->details);
	assert_non_null(d);
	jy_envelope_free(g);
	return d;
}

/* "changes": {field: {from, to}} names the change exactly. */
static void assert_change(json_object *d, const char *field, const char *from, const char *to)
{
	json_object *changes, *c, *f, *t;
	if (!json_object_object_get_ex(d, "changes", &changes) ||
	    !json_object_object_get_ex(changes, field, &c) || !json_object_object_get_ex(c, "from", &f) ||
	    !json_object_object_get_ex(c, "to", &t) || strcmp(json_object_get_string(f), from) != 0 ||
	    strcmp(json_object_get_string(t), to) != 0)
		fail_msg("the event does not record %s: %s -> %s: %s", field, from, to,
			 json_object_to_json_string(d));
}

static int64_t signers(const struct kase *k)
{
	return sql_id("SELECT count(*) FROM suggestion_signers WHERE role = 'cosigner'"
		      " AND suggestion_id = $1::bigint", id_str(k->id));
}

static void deputy_edits_before_registration(void **state)
{
	(void)state;
	struct kase k;
	struct jy_act a;
	struct wf_res r;
	prepare(&k, ST_DRAFT, "关于修改前的标题的建议", false);

	/* A draft: texts and co-signers. */
	int64_t ask[1] = { dep_zhao };
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.title = "关于修改后的标题的建议";
	a.edit.category = "城建";
	a.edit.add_cosigner_deputy_ids = ask;
	a.edit.n_add_cosigner_deputy_ids = 1;
	ok_step("deputy-wang", &a, &k, "draft", &r);
	assert_string_equal(r.sug->title, "关于修改后的标题的建议");
	assert_string_equal(r.sug->category, "城建");
	wf_res_free(&r);
	json_object *d = last_event(&k, "edit");
	assert_change(d, "title", "关于修改前的标题的建议", "关于修改后的标题的建议");
	assert_change(d, "category", "交通", "城建");
	json_object_put(d);
	assert_int_equal(signers(&k), 1);

	/* Nothing changed; someone else; an edit of nothing. */
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.title = "关于修改后的标题的建议";
	assert_int_equal(wf_do(cx("deputy-wang"), &a, &r), INVALID);
	wf_res_free(&r);
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.title = "别人改的标题";
	assert_int_equal(wf_do(cx("deputy-zhao"), &a, &r), DENIED);
	wf_res_free(&r);
	wf_act_init(&a, A(EDIT), k.id, k.version);
	assert_int_equal(wf_do(cx("deputy-wang"), &a, &r), INVALID);
	wf_res_free(&r);

	/* Returned: the text changes, no one new may be asked. */
	wf_act_init(&a, A(SUBMIT), k.id, k.version);
	wf_submit_removing(&a, ask, 1);
	ok_step("deputy-wang", &a, &k, "submitted", NULL);
	act("liaison", A(RETURN), &k, "returned");
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.add_cosigner_deputy_ids = ask;
	a.edit.n_add_cosigner_deputy_ids = 1;
	assert_int_equal(wf_do(cx("deputy-wang"), &a, &r), PRECOND);
	wf_res_free(&r);
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.body = "补充了调研数据的建议正文。";
	ok_step("deputy-wang", &a, &k, "returned", NULL);
	d = last_event(&k, "edit");
	assert_change(d, "body", "建议正文：请有关部门研究办理。", "补充了调研数据的建议正文。");
	json_object_put(d);
	act("deputy-wang", A(SUBMIT), &k, "submitted");

	/* Registered: frozen for the deputy. */
	act("liaison", A(REGISTER), &k, "registered");
	wf_act_init(&a, A(EDIT), k.id, k.version);
	a.edit.title = "立案后再改";
	assert_int_equal(wf_do(cx("deputy-wang"), &a, &r), PRECOND);
	wf_res_free(&r);
}

static void liaison_corrects_after_registration(void **state)
{
	(void)state;
	struct kase k;
	struct jy_act a;
	struct wf_res r;
	prepare(&k, ST_IN_PROGRESS, "关于错别子的建议", false);
	/* With a reason only; the liaison committee only. */
	wf_act_init(&a, A(CORRECT), k.id, k.version);
	a.correct.title = "关于错别字的建议";
	a.correct.reason = "";
	assert_int_equal(wf_do(cx("liaison"), &a, &r), INVALID);
	wf_res_free(&r);
	a.correct.reason = "标题有错字";
	assert_int_equal(wf_do(cx("gov"), &a, &r), DENIED);
	wf_res_free(&r);
	ok_step("liaison", &a, &k, "in_progress", &r);
	assert_string_equal(r.sug->title, "关于错别字的建议");
	wf_res_free(&r);
	json_object *d = last_event(&k, "correct");
	assert_change(d, "title", "关于错别子的建议", "关于错别字的建议");
	json_object *reason;
	assert_true(json_object_object_get_ex(d, "reason", &reason));
	assert_string_equal(json_object_get_string(reason), "标题有错字");
	json_object_put(d);
}

/* From the command line, with the case's number; the timeline says what
 * changed. */
static void edit_and_correct_commands(void **state)
{
	(void)state;
	struct kase k;
	char args[256], out[16384], err[2048];
	struct cli_call w = { .sp = &S, .who = "deputy-wang" }, l = { .sp = &S, .who = "liaison" };
	prepare(&k, ST_DRAFT, "关于命令行修改的建议", false);
	snprintf(args, sizeof args, "edit %lld --title 关于命令行修改后的建议", (long long)k.id);
	if (harness_cli_run(&H, &w, args, out, sizeof out, err, sizeof err) != 0)
		fail_msg("jianyi %s: %s", args, err);
	k.version++; /* the edit's event */
	act("deputy-wang", A(SUBMIT), &k, "submitted");
	act("liaison", A(REGISTER), &k, "registered");
	int64_t n = sql_id("SELECT number FROM suggestions WHERE id = $1::bigint", id_str(k.id));
	snprintf(args, sizeof args, "correct 18-9-%lld --category 城建 --reason 分类有误", (long long)n);
	if (harness_cli_run(&H, &l, args, out, sizeof out, err, sizeof err) != 0)
		fail_msg("jianyi %s: %s", args, err);
	snprintf(args, sizeof args, "show %lld", (long long)k.id);
	assert_int_equal(harness_cli_run(&H, &l, args, out, sizeof out, err, sizeof err), 0);
	if (!strstr(out, "revised the suggestion (title)") ||
	    !strstr(out, "corrected the registered text (category)") || !strstr(out, "分类有误"))
		fail_msg("the timeline does not say what changed:\n%s", out);
	/* Nothing to change: a usage error before anything is sent. */
	snprintf(args, sizeof args, "correct %lld --reason 无", (long long)k.id);
	assert_int_equal(harness_cli_run(&H, &l, args, out, sizeof out, err, sizeof err), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(deputy_edits_before_registration, wf_each),
		cmocka_unit_test_setup(liaison_corrects_after_registration, wf_each),
		cmocka_unit_test_setup(edit_and_correct_commands, wf_each),
	};
	return cmocka_run_group_tests_name("edit", tests, wf_setup, wf_teardown);
}
