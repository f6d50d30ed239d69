/* Supervision, key-supervision topics and excellent suggestions end to end,
 * through a real jianyid over mutual TLS on a real PostgreSQL:
 * who may record which kind of supervision (and the refusal each other
 * account gets), the supervision list's filters, a topic's view of exactly
 * its suggestions with their states and overdue flags, the excellent-
 * suggestion flow (nominate, several reviewers score, announce the top N in
 * a known order with ties, the events on the timeline, the refusals), and
 * the portal: /excellent lists exactly the announced published cases,
 * /unsatisfied shows a published unsatisfied result without contact
 * details. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "harness.h"
#include "wf_helpers.h"

#define YEAR 2031
#define LEADER_NAME "周主任"     /* the fixture's "leader" account */
#define HANDLER "张经办"          /* valid_params' plan: never on the portal */
#define HANDLER_PHONE "0571-12345678"

/* Accounts this test adds to the fixture: a member of another special
 * committee and a second leader, named for no case. */
static struct jy_client *cmte2, *leader2;

static struct jy_client *who(const char *login)
{
	if (strcmp(login, "cmte2") == 0)
		return cmte2 ? cmte2 : (cmte2 = client_connect(&H, &S, "cmte2"));
	if (strcmp(login, "leader2") == 0)
		return leader2 ? leader2 : (leader2 = client_connect(&H, &S, "leader2"));
	return cx(login);
}

static int64_t committee2_id;

static int setup(void **state)
{
	wf_setup(state);
	harness_client_cert(&H, "cmte2");
	harness_client_cert(&H, "leader2");
	char batch[2048];
	snprintf(batch, sizeof batch,
		 "org-add --name 财经工委 --kind special_committee\n"
		 "account-add --login cmte2 --name 孙委员 --org 财经工委 --roles committee_member --cert %1$s/cmte2.crt\n"
		 "account-add --login leader2 --name 吴副主任 --org 常委会 --roles leader --cert %1$s/leader2.crt\n",
		 H.pki);
	harness_batch(&H, batch);
	committee2_id = sql_id("SELECT id FROM organizations WHERE name = $1", "财经工委");
	assert_true(committee2_id > 0);
	return 0;
}

static int teardown(void **state)
{
	if (cmte2)
		jy_close(cmte2);
	if (leader2)
		jy_close(leader2);
	return wf_teardown(state);
}

/* ---- calls ---------------------------------------------------------------------- */

static unsigned key_counter;

static char *new_key(void)
{
	static char keys[64][48];
	char *k = keys[key_counter % 64];
	snprintf(k, 48, "sv-%d-%lld-%u", (int)getpid(), (long long)time(NULL), ++key_counter);
	return k;
}

/* Sends req as login; returns the status code, *out the envelope (owned). */
static int call(const char *login, Jianyi__Request *req, Jianyi__Envelope **out, char *field,
		size_t fieldlen)
{
	Jianyi__Envelope *env = NULL;
	struct jy_error e;
	memset(&e, 0, sizeof e);
	bool ok = jy_call(who(login), req, &env, &e);
	if (field && fieldlen)
		field[0] = '\0';
	if (env && env->body_case == JIANYI__ENVELOPE__BODY_RESPONSE && env->response->status &&
	    env->response->status->n_violations > 0 && field)
		snprintf(field, fieldlen, "%s", env->response->status->violations[0]->field);
	if (ok) {
		*out = env;
		return 0;
	}
	if (env)
		jy_envelope_free(env);
	*out = NULL;
	return e.code;
}

/* ---- cases ---------------------------------------------------------------------- */

/* A case of deputy-wang, assigned as a key suggestion (lead A, led by
 * 周主任, supervised by the fixture's committee) and brought to stage. */
static void prepare_key(struct kase *k, const char *title, enum stage stage)
{
	prepare(k, ST_REGISTERED, title, false);
	struct jy_act a;
	char *leaders[1] = { LEADER_NAME };
	wf_act_init(&a, A(ASSIGN), k->id, k->version);
	a.assign.lead_unit_id = unit_a;
	a.assign.key = true;
	a.assign.n_leaders = 1;
	a.assign.leaders = leaders;
	a.assign.supervising_committee_id = committee_id;
	ok_step("gov", &a, k, "assigned", NULL);
	if (stage >= ST_ACCEPTED)
		act("a-clerk", A(ACCEPT), k, "accepted");
	if (stage >= ST_IN_PROGRESS_NOCONTACT)
		act("a-clerk", A(PLAN), k, "in_progress");
	if (stage >= ST_IN_PROGRESS)
		act("a-clerk", A(CONTACT), k, "in_progress");
	if (stage >= ST_REPLIED)
		act("a-head", A(REPLY), k, "replied");
}

/* Records supervision kind as login on k; returns the code (OK moves k on). */
static int supervise(const char *login, struct kase *k, const char *kind, const char *text,
		     char *field, size_t fieldlen)
{
	struct jy_act a;
	struct wf_res r;
	wf_act_init(&a, A(SUPERVISE), k->id, k->version);
	a.supervise.kind = (char *)kind;
	a.supervise.text = (char *)text;
	int code = wf_do(who(login), &a, &r);
	if (code == OK) {
		assert_int_equal(r.sug->version, k->version + 1);
		assert_string_equal(state_str(r.sug->state), k->state); /* supervision never moves the state */
		k->version = r.sug->version;
	}
	if (field)
		snprintf(field, fieldlen, "%s", r.field);
	wf_res_free(&r);
	return code;
}

static void expect_code(const char *what, int got, int want)
{
	if (got != want)
		fail_msg("%s: got status %d (%s), expected %d (%s)", what, got, jy_status_str(got), want,
			 jy_status_str(want));
}

/* The details (JSON) of the case's latest event of kind, as liaison sees it. */
static json_object *last_event(const struct kase *k, const char *kind)
{
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k->id);
	Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	json_object *o = NULL;
	for (size_t i = gs->n_timeline; i-- > 0 && !o;)
		if (strcmp(gs->timeline[i]->kind, kind) == 0)
			o = json_tokener_parse(gs->timeline[i]->details);
	jy_envelope_free(g);
	if (!o)
		fail_msg("#%lld has no %s event", (long long)k->id, kind);
	return o;
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/* The event kinds of the case's timeline, joined with ' '. */
static void timeline_kinds(const struct kase *k, char *out, size_t len)
{
	Jianyi__Envelope *g = wf_get_ok(cx("liaison"), k->id);
	Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	out[0] = '\0';
	for (size_t i = 0; i < gs->n_timeline; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? " " : "", gs->timeline[i]->kind);
	assert_int_equal(gs->n_timeline, (size_t)gs->suggestion->version);
	jy_envelope_free(g);
}

/* ---- who may record which kind of supervision ------------------------------------------ */

static struct kase key_case, plain_case;

static void who_may_supervise(void **state)
{
	(void)state;
	char f[160];
	prepare_key(&key_case, "重点督办：城区主干道改造", ST_ACCEPTED);
	prepare(&plain_case, ST_ACCEPTED, "一般建议：增设公交站台", false);

	/* Whole-process: the liaison committee only. */
	expect_code("cmte whole_process", supervise("cmte", &key_case, "whole_process", "全过程督办", f, sizeof f), DENIED);
	assert_string_equal(f, "kind");
	expect_code("leader whole_process", supervise("leader", &key_case, "whole_process", "全过程督办", NULL, 0), DENIED);
	expect_code("liaison whole_process", supervise("liaison", &key_case, "whole_process", "全过程跟踪督办", NULL, 0), OK);

	/* By field: the supervising committee's members or the liaison committee. */
	expect_code("cmte by_field", supervise("cmte", &key_case, "by_field", "教科文卫工委分领域督办", NULL, 0), OK);
	expect_code("cmte2 by_field", supervise("cmte2", &key_case, "by_field", "不是本委督办的", NULL, 0), DENIED);
	expect_code("leader by_field", supervise("leader", &key_case, "by_field", "领导", NULL, 0), DENIED);
	expect_code("liaison by_field", supervise("liaison", &key_case, "by_field", "联工委分领域督办", NULL, 0), OK);
	expect_code("cmte by_field without committee",
		    supervise("cmte", &plain_case, "by_field", "没有督办委员会", f, sizeof f), PRECOND);
	assert_string_equal(f, "kind");

	/* Leader-led: key cases, by a leader named for the case. */
	expect_code("leader leader_led", supervise("leader", &key_case, "leader_led", "主任领衔督办", NULL, 0), OK);
	expect_code("leader2 leader_led", supervise("leader2", &key_case, "leader_led", "未被指定", NULL, 0), DENIED);
	expect_code("liaison leader_led", supervise("liaison", &key_case, "leader_led", "代领导", NULL, 0), DENIED);
	expect_code("leader leader_led not key", supervise("leader", &plain_case, "leader_led", "非重点", NULL, 0), PRECOND);

	/* Escalations. */
	expect_code("cmte interview", supervise("cmte", &key_case, "interview", "约谈", NULL, 0), DENIED);
	expect_code("leader interview", supervise("leader", &key_case, "interview", "约谈承办单位负责人", NULL, 0), OK);
	json_object *d = last_event(&key_case, "supervise");
	assert_int_equal(jint(d, "level"), 2);
	assert_int_equal(jint(d, "committee_id"), committee_id);
	json_object_put(d);
	expect_code("cmte2 inquiry", supervise("cmte2", &key_case, "inquiry", "询问", NULL, 0), DENIED);
	expect_code("cmte inquiry", supervise("cmte", &key_case, "inquiry", "专题询问", NULL, 0), OK);
	d = last_event(&key_case, "supervise");
	assert_int_equal(jint(d, "level"), 3);
	json_object_put(d);
	expect_code("leader publish", supervise("leader", &key_case, "publish_unsatisfied", "公开", NULL, 0), DENIED);
	expect_code("liaison publish, not evaluated",
		    supervise("liaison", &key_case, "publish_unsatisfied", "公开", NULL, 0), PRECOND);

	/* Notes: any supervising role; units and deputies never. */
	expect_code("cmte2 note", supervise("cmte2", &plain_case, "note", "一般督办意见", NULL, 0), OK);
	expect_code("a-clerk note", supervise("a-clerk", &plain_case, "note", "单位", NULL, 0), DENIED);
	expect_code("deputy note", supervise("deputy-wang", &plain_case, "note", "代表", NULL, 0), DENIED);
	expect_code("unknown kind", supervise("liaison", &plain_case, "escalate", "x", f, sizeof f), INVALID);
	assert_string_equal(f, "act.supervise.kind");
	expect_code("empty text", supervise("liaison", &plain_case, "note", "", f, sizeof f), INVALID);
	assert_string_equal(f, "act.supervise.text");

	/* Every refusal left the records as they were: 6 on the key case. */
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)key_case.id);
	assert_int_equal(sql_id("SELECT count(*) FROM supervision_notes WHERE suggestion_id = $1::bigint", sid), 6);
}

/* ---- listing ---------------------------------------------------------------------------- */

static int list(const char *login, Jianyi__SupervisionListRequest *q, Jianyi__Envelope **out, char *f)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
	req.supervision_list = q;
	return call(login, &req, out, f, 160);
}

/* "kind/author kind/author ..." of the records, in the order given. */
static void records_str(const Jianyi__SupervisionListResponse *l, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < l->n_records; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s/%s", i ? " " : "", l->records[i]->kind,
			 l->records[i]->author_login);
}

static void supervision_listing(void **state)
{
	(void)state;
	Jianyi__Envelope *env;
	char f[160], got[1024];
	Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;

	/* One case, newest first. */
	q.suggestion_id = key_case.id;
	expect_code("list by case", list("liaison", &q, &env, f), OK);
	records_str(env->response->supervision_list, got, sizeof got);
	assert_string_equal(got, "inquiry/cmte interview/leader leader_led/leader by_field/liaison "
				 "by_field/cmte whole_process/liaison");
	const Jianyi__SupervisionRecord *top = env->response->supervision_list->records[0];
	assert_int_equal(top->level, 3);
	assert_int_equal(top->committee_id, committee_id);
	assert_string_equal(top->committee, "教科文卫工委");
	assert_string_equal(top->text, "专题询问");
	assert_string_equal(state_str(top->state), "accepted");
	assert_int_equal(top->suggestion_id, key_case.id);
	assert_int_equal(env->response->supervision_list->next_before_id, 0);
	jy_envelope_free(env);

	/* By kind, across cases. */
	memset(&q, 0, sizeof q);
	jianyi__supervision_list_request__init(&q);
	q.kind = "by_field";
	expect_code("list by kind", list("liaison", &q, &env, f), OK);
	records_str(env->response->supervision_list, got, sizeof got);
	assert_string_equal(got, "by_field/liaison by_field/cmte");
	jy_envelope_free(env);

	/* By committee: the records on cases that committee supervises. */
	q.kind = "";
	q.committee_id = committee_id;
	expect_code("list by committee", list("cmte", &q, &env, f), OK);
	assert_int_equal(env->response->supervision_list->n_records, 6);
	jy_envelope_free(env);
	q.committee_id = committee2_id;
	expect_code("list by other committee", list("liaison", &q, &env, f), OK);
	assert_int_equal(env->response->supervision_list->n_records, 0);
	jy_envelope_free(env);

	/* Escalations only, and paging. */
	q.committee_id = 0;
	q.min_level = 2;
	expect_code("list escalations", list("liaison", &q, &env, f), OK);
	records_str(env->response->supervision_list, got, sizeof got);
	assert_string_equal(got, "inquiry/cmte interview/leader");
	jy_envelope_free(env);
	q.min_level = 0;
	q.suggestion_id = key_case.id;
	q.page_size = 4;
	expect_code("page 1", list("liaison", &q, &env, f), OK);
	assert_int_equal(env->response->supervision_list->n_records, 4);
	int64_t next = env->response->supervision_list->next_before_id;
	assert_int_equal(next, env->response->supervision_list->records[3]->id);
	jy_envelope_free(env);
	q.before_id = next;
	expect_code("page 2", list("liaison", &q, &env, f), OK);
	records_str(env->response->supervision_list, got, sizeof got);
	assert_string_equal(got, "by_field/cmte whole_process/liaison");
	assert_int_equal(env->response->supervision_list->next_before_id, 0);
	jy_envelope_free(env);

	/* A unit sees the records on its own cases only; the public none. */
	memset(&q, 0, sizeof q);
	jianyi__supervision_list_request__init(&q);
	q.suggestion_id = plain_case.id;
	expect_code("c-head list", list("c-head", &q, &env, f), OK);
	assert_int_equal(env->response->supervision_list->n_records, 0);
	jy_envelope_free(env);
	expect_code("a-clerk list", list("a-clerk", &q, &env, f), OK);
	records_str(env->response->supervision_list, got, sizeof got);
	assert_string_equal(got, "note/cmte2");
	jy_envelope_free(env);
	expect_code("visitor list", list("visitor", &q, &env, f), DENIED);
	q.kind = "shout";
	expect_code("bad kind", list("liaison", &q, &env, f), INVALID);
	assert_string_equal(f, "supervision_list.kind");
	q.kind = "";
	q.min_level = 5;
	expect_code("bad level", list("liaison", &q, &env, f), INVALID);
	assert_string_equal(f, "supervision_list.min_level");
}

/* ---- topics ------------------------------------------------------------------------------ */

static int topic_create(const char *login, const char *name, int64_t committee, Jianyi__Envelope **env,
			char *f)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicCreateRequest t = JIANYI__TOPIC_CREATE_REQUEST__INIT;
	char *leaders[2] = { LEADER_NAME, "吴副主任" };
	t.idempotency_key = new_key();
	t.name = (char *)name;
	t.description = "县人大常委会 2031 年重点督办";
	t.n_leaders = 2;
	t.leaders = leaders;
	t.committee_id = committee;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
	req.topic_create = &t;
	return call(login, &req, env, f, 160);
}

/* ---- two officers creating one topic at once ---------------------------------------------- */

#define RACERS 8

struct racer {
	pthread_barrier_t *go;
	const char *name;
	char key[48];
	int code, retried;      /* first answer; the answer to the same request again */
	char error[600];
};

/* One create as liaison on a connection of its own, right after the
 * others are ready; an answer saying "try again" is sent again with the
 * same idempotency key, as a client would. */
static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct jy_client *c = client_connect(&H, &S, "liaison");
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicCreateRequest t = JIANYI__TOPIC_CREATE_REQUEST__INIT;
	t.idempotency_key = r->key;
	t.name = (char *)r->name;
	t.committee_id = committee_id;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
	req.topic_create = &t;
	pthread_barrier_wait(r->go);
	for (int round = 0; round < 2; round++) {
		Jianyi__Envelope *env = NULL;
		struct jy_error e;
		memset(&e, 0, sizeof e);
		int code = jy_call(c, &req, &env, &e) ? 0 : e.code;
		if (code == JIANYI__STATUS_CODE__STATUS_INTERNAL)
			snprintf(r->error, sizeof r->error, "%s", e.message);
		if (env)
			jy_envelope_free(env);
		*(round ? &r->retried : &r->code) = code;
		if (code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
			break;
	}
	jy_close(c);
	return NULL;
}

/* Eight creations of one name at once, five names: the database's unique
 * name settles each race, and the losers get a clean answer — "already
 * exists", or "try again" and then "already exists" — never an internal
 * error; one topic per name. */
static void concurrent_topic_creation(void **state)
{
	(void)state;
	int created = 0, exists = 0, raced = 0;
	for (int round = 0; round < 5; round++) {
		char name[64];
		snprintf(name, sizeof name, "并发专题 %d-%lld", round, (long long)time(NULL));
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, RACERS);
		struct racer rs[RACERS];
		pthread_t th[RACERS];
		for (int i = 0; i < RACERS; i++) {
			rs[i] = (struct racer){ .go = &go, .name = name, .code = -1, .retried = -1 };
			snprintf(rs[i].key, sizeof rs[i].key, "%s", new_key());
			assert_int_equal(pthread_create(&th[i], NULL, racer_main, &rs[i]), 0);
		}
		int ok = 0;
		for (int i = 0; i < RACERS; i++) {
			pthread_join(th[i], NULL);
			if (rs[i].error[0])
				fail_msg("racer %d of round %d: internal error: %s", i, round, rs[i].error);
			int final = rs[i].code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ? rs[i].retried : rs[i].code;
			raced += rs[i].code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE;
			if (final != OK && final != PRECOND)
				fail_msg("racer %d of round %d: answered %d (then %d)", i, round, rs[i].code,
					 rs[i].retried);
			ok += final == OK;
			exists += final == PRECOND;
		}
		pthread_barrier_destroy(&go);
		assert_int_equal(ok, 1);
		created += ok;
		assert_int_equal(sql_id("SELECT count(*) FROM topics WHERE name = $1", name), 1);
	}
	printf("topic creations, %d at once, 5 names: %d created, %d told the name exists, %d of them"
	       " told to try again first (the race the unique name settled)\n", RACERS, created, exists,
	       raced);
}

static int topic_member(const char *login, bool add, int64_t topic, struct kase *k, char *f)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicMemberRequest m = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
	Jianyi__Envelope *env;
	m.idempotency_key = new_key();
	m.topic_id = topic;
	m.suggestion_id = k->id;
	if (add) {
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_ADD;
		req.topic_add = &m;
	} else {
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_REMOVE;
		req.topic_remove = &m;
	}
	int code = call(login, &req, &env, f, 160);
	if (code == OK) {
		const Jianyi__TopicMemberResponse *r = add ? env->response->topic_add : env->response->topic_remove;
		assert_true(r->event_sequence > 0);
		k->version++;
		jy_envelope_free(env);
	}
	return code;
}

static int topic_show(const char *login, int64_t topic, Jianyi__Envelope **env)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicShowRequest s = JIANYI__TOPIC_SHOW_REQUEST__INIT;
	s.topic_id = topic;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_SHOW;
	req.topic_show = &s;
	return call(login, &req, env, NULL, 0);
}

static void topics(void **state)
{
	(void)state;
	Jianyi__Envelope *env;
	char f[160];
	struct kase k2, k3;
	prepare_key(&k2, "重点督办：农村饮水安全", ST_REPLIED);
	prepare_key(&k3, "重点督办：学校周边交通", ST_ASSIGNED);

	expect_code("cmte create", topic_create("cmte", "民生实事专题", committee_id, &env, f), DENIED);
	expect_code("unit as committee", topic_create("liaison", "民生实事专题", unit_a, &env, f), INVALID);
	assert_string_equal(f, "topic_create.committee_id");
	expect_code("create", topic_create("liaison", "民生实事专题", committee_id, &env, f), OK);
	const Jianyi__Topic *t = env->response->topic_create->topic;
	int64_t topic = t->id;
	assert_true(topic > 0);
	assert_string_equal(t->name, "民生实事专题");
	assert_string_equal(t->committee, "教科文卫工委");
	assert_int_equal(t->n_leaders, 2);
	assert_string_equal(t->leaders[0], LEADER_NAME);
	assert_int_equal(t->suggestions, 0);
	jy_envelope_free(env);
	expect_code("same name", topic_create("liaison", "民生实事专题", committee_id, &env, f), PRECOND);
	assert_string_equal(f, "topic_create.name");

	expect_code("add key", topic_member("liaison", true, topic, &key_case, f), OK);
	expect_code("add k2", topic_member("liaison", true, topic, &k2, f), OK);
	expect_code("add k3", topic_member("liaison", true, topic, &k3, f), OK);
	expect_code("add twice", topic_member("liaison", true, topic, &k2, f), PRECOND);
	expect_code("add plain", topic_member("liaison", true, topic, &plain_case, f), PRECOND);
	assert_string_equal(f, "topic_add.suggestion_id");
	expect_code("cmte adds", topic_member("cmte", true, topic, &plain_case, f), DENIED);
	expect_code("no topic", topic_member("liaison", true, 999999, &k2, f), NOT_FOUND);
	expect_code("remove k3", topic_member("liaison", false, topic, &k3, f), OK);
	expect_code("remove k3 again", topic_member("liaison", false, topic, &k3, f), PRECOND);

	/* The key case's reply deadline passed: the view says it is overdue. */
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)key_case.id);
	sql_exec("UPDATE suggestions SET reply_deadline = reply_deadline - 400 WHERE id = $1::bigint", sid);

	expect_code("show", topic_show("leader", topic, &env), OK);
	const Jianyi__TopicShowResponse *s = env->response->topic_show;
	assert_int_equal(s->topic->suggestions, 2);
	assert_int_equal(s->topic->overdue, 1);
	assert_int_equal(s->n_suggestions, 2);
	assert_int_equal(s->suggestions[0]->id, key_case.id);
	assert_string_equal(state_str(s->suggestions[0]->state), "accepted");
	assert_true(s->suggestions[0]->overdue);
	assert_string_equal(s->suggestions[0]->lead_unit, UNIT_A);
	assert_int_equal(s->suggestions[1]->id, k2.id);
	assert_string_equal(state_str(s->suggestions[1]->state), "replied");
	assert_false(s->suggestions[1]->overdue);
	assert_string_equal(s->suggestions[1]->result_class, "B");
	assert_true(s->suggestions[1]->reply_deadline[0] != '\0');
	jy_envelope_free(env);
	expect_code("visitor show", topic_show("visitor", topic, &env), DENIED);
	expect_code("missing topic", topic_show("liaison", 999999, &env), NOT_FOUND);

	/* The list has it with its counts; the timeline has the steps. */
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicListRequest l = JIANYI__TOPIC_LIST_REQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
	req.topic_list = &l;
	expect_code("list", call("cmte", &req, &env, NULL, 0), OK);
	assert_int_equal(env->response->topic_list->n_topics, 1);
	assert_int_equal(env->response->topic_list->topics[0]->suggestions, 2);
	jy_envelope_free(env);
	char kinds[1024];
	timeline_kinds(&k3, kinds, sizeof kinds);
	assert_string_equal(kinds, "create submit register assign topic_add topic_remove");
}

/* ---- excellent suggestions ------------------------------------------------------------------ */

static int excellent(const char *login, int what, int year, struct kase *k, int n, Jianyi__Envelope **env,
		     char *f)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentNominateRequest nom = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
	Jianyi__ExcellentScoreRequest sc = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
	Jianyi__ExcellentAnnounceRequest an = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
	Jianyi__ExcellentListRequest li = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
	switch (what) {
	case 'n':
		nom.idempotency_key = new_key();
		nom.year = year;
		nom.suggestion_id = k->id;
		nom.reason = "办理成效显著";
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
		req.excellent_nominate = &nom;
		break;
	case 's':
		sc.idempotency_key = new_key();
		sc.year = year;
		sc.suggestion_id = k->id;
		sc.score = n;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
		req.excellent_score = &sc;
		break;
	case 'a':
		an.idempotency_key = new_key();
		an.year = year;
		an.count = n;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
		req.excellent_announce = &an;
		break;
	default:
		li.year = year;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
		req.excellent_list = &li;
		break;
	}
	Jianyi__Envelope *mine = NULL;
	int code = call(login, &req, &mine, f, 160);
	if (code == OK && k && what != 'l' && what != 'a')
		k->version++;
	if (env)
		*env = mine;
	else if (mine)
		jy_envelope_free(mine);
	return code;
}

static const Jianyi__ExcellentResponse *answer(const Jianyi__Envelope *env)
{
	const Jianyi__Response *r = env->response;
	switch (r->body_case) {
	case JIANYI__RESPONSE__BODY_EXCELLENT_NOMINATE: return r->excellent_nominate;
	case JIANYI__RESPONSE__BODY_EXCELLENT_SCORE: return r->excellent_score;
	case JIANYI__RESPONSE__BODY_EXCELLENT_ANNOUNCE: return r->excellent_announce;
	case JIANYI__RESPONSE__BODY_EXCELLENT_LIST: return r->excellent_list;
	default: fail_msg("not an excellent-suggestion answer: %d", (int)r->body_case); return NULL;
	}
}

static struct kase e[7];
static const char *const e_titles[7] = {
	"优秀候选一：老旧小区加装电梯", "优秀候选二：乡村医生待遇", "优秀候选三：校园食品安全",
	"优秀候选四：河道综合治理", "未提名：路灯维修", "优秀候选六：农贸市场改造", "优秀候选七：无人评分",
};

static void excellent_flow(void **state)
{
	(void)state;
	Jianyi__Envelope *env;
	char f[160];
	/* Created (and so registered and numbered) in this order: e[0] first. */
	for (int i = 0; i < 7; i++)
		prepare(&e[i], i == 3 ? ST_REPLIED : ST_REGISTERED, e_titles[i], false);
	struct kase draft;
	prepare(&draft, ST_DRAFT, "草稿不能提名", false);

	for (int i = 0; i < 7; i++)
		if (i != 4)
			expect_code("nominate", excellent("liaison", 'n', YEAR, &e[i], 0, NULL, f), OK);
	expect_code("nominate twice", excellent("liaison", 'n', YEAR, &e[0], 0, NULL, f), PRECOND);
	assert_string_equal(f, "excellent_nominate.suggestion_id");
	expect_code("cmte nominates", excellent("cmte", 'n', YEAR, &e[4], 0, NULL, f), DENIED);
	expect_code("nominate a draft", excellent("liaison", 'n', YEAR, &draft, 0, NULL, f), DENIED);
	expect_code("bad year", excellent("liaison", 'n', 1999, &e[4], 0, NULL, f), INVALID);
	assert_string_equal(f, "excellent_nominate.year");

	/* Scores, by three reviewers. Expected order:
	 *   e[3] 95 (one score)                       -> 1
	 *   e[0] 85, 85 (mean 85, two scores)         -> 2  tie with e[2] on mean and count:
	 *   e[2] 80, 90 (mean 85, two scores)         -> 3  e[0] was registered first
	 *   e[1] 85 (mean 85, one score)              -> 4  fewer scores
	 *   e[5] 60                                   -> 5, not selected with count 4
	 *   e[6] no score                             -> never selected */
	static const struct { const char *who; int i, score; } scores[] = {
		{ "cmte", 3, 95 }, { "cmte", 0, 85 }, { "leader", 0, 85 }, { "cmte2", 2, 80 },
		{ "leader", 2, 90 }, { "leader2", 1, 85 }, { "cmte2", 5, 60 },
	};
	for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++)
		expect_code("score", excellent(scores[i].who, 's', YEAR, &e[scores[i].i], scores[i].score, NULL, f),
			    OK);
	expect_code("score twice", excellent("cmte", 's', YEAR, &e[0], 70, NULL, f), PRECOND);
	expect_code("liaison scores", excellent("liaison", 's', YEAR, &e[1], 70, NULL, f), DENIED);
	expect_code("unit scores", excellent("a-head", 's', YEAR, &e[3], 70, NULL, f), DENIED);
	expect_code("score unnominated", excellent("cmte", 's', YEAR, &e[4], 70, NULL, f), PRECOND);
	assert_string_equal(f, "excellent_score.suggestion_id");
	expect_code("score 0", excellent("cmte", 's', YEAR, &e[1], 0, NULL, f), INVALID);
	assert_string_equal(f, "excellent_score.score");
	expect_code("score 101", excellent("cmte", 's', YEAR, &e[1], 101, NULL, f), INVALID);
	expect_code("another year", excellent("cmte", 's', YEAR + 1, &e[1], 70, NULL, f), PRECOND);

	/* A reviewer sees the preview with their own score. */
	expect_code("list", excellent("leader", 'l', YEAR, NULL, 0, &env, f), OK);
	const Jianyi__ExcellentResponse *r = answer(env);
	assert_false(r->announced);
	assert_int_equal(r->n_entries, 6);
	assert_int_equal(r->entries[1]->suggestion_id, e[0].id);
	assert_int_equal(r->entries[1]->my_score, 85);
	assert_int_equal(r->entries[0]->my_score, 0);
	assert_int_equal(r->entries[5]->suggestion_id, e[6].id);
	assert_string_equal(r->entries[5]->average, "");
	jy_envelope_free(env);

	expect_code("cmte announces", excellent("cmte", 'a', YEAR, NULL, 4, NULL, f), DENIED);
	expect_code("announce empty year", excellent("liaison", 'a', YEAR + 1, NULL, 4, NULL, f), PRECOND);
	expect_code("announce", excellent("liaison", 'a', YEAR, NULL, 4, &env, f), OK);
	r = answer(env);
	assert_true(r->announced);
	assert_int_equal(r->count, 4);
	assert_true(r->event_sequence > 0);
	static const int order[] = { 3, 0, 2, 1, 5, 6 };
	static const char *const avgs[] = { "95.00", "85.00", "85.00", "85.00", "60.00", "" };
	static const int nscores[] = { 1, 2, 2, 1, 1, 0 };
	assert_int_equal(r->n_entries, 6);
	for (size_t i = 0; i < 6; i++) {
		const Jianyi__ExcellentEntry *x = r->entries[i];
		if (x->suggestion_id != e[order[i]].id)
			fail_msg("place %zu: #%lld (%s), expected #%lld (%s)", i + 1, (long long)x->suggestion_id,
				 x->title, (long long)e[order[i]].id, e_titles[order[i]]);
		assert_int_equal(x->rank, i < 4 ? (int)i + 1 : 0);
		assert_string_equal(x->average, avgs[i]);
		assert_int_equal(x->scores, nscores[i]);
	}
	jy_envelope_free(env);
	for (int i = 0; i < 4; i++)
		e[order[i]].version++;  /* the announce event */

	/* Final: no second announcement, no more nominations or scores. */
	expect_code("announce again", excellent("liaison", 'a', YEAR, NULL, 10, NULL, f), PRECOND);
	assert_string_equal(f, "excellent_announce.year");
	expect_code("nominate after", excellent("liaison", 'n', YEAR, &e[4], 0, NULL, f), PRECOND);
	expect_code("score after", excellent("leader2", 's', YEAR, &e[6], 70, NULL, f), PRECOND);

	/* Each step is on the timeline like any other. */
	char kinds[1024];
	timeline_kinds(&e[0], kinds, sizeof kinds);
	assert_string_equal(kinds, "create submit register nominate score score announce");
	json_object *d = last_event(&e[0], "announce");
	assert_int_equal(jint(d, "rank"), 2);
	assert_int_equal(jint(d, "year"), YEAR);
	json_object_put(d);
	timeline_kinds(&e[6], kinds, sizeof kinds);
	assert_string_equal(kinds, "create submit register nominate");
	/* The score event does not show the score. */
	d = last_event(&e[1], "score");
	assert_int_equal(jint(d, "score"), -1);
	json_object_put(d);
	for (int i = 0; i < 7; i++) {
		Jianyi__Envelope *g = wf_get_ok(cx("liaison"), e[i].id);
		assert_int_equal(g->response->get_suggestion->suggestion->version, e[i].version);
		jy_envelope_free(g);
	}
}

/* ---- the portal ------------------------------------------------------------------------------ */


static void expect_in(const char *what, const char *hay, const char *needle, bool present)
{
	if ((strstr(hay, needle) != NULL) != present)
		fail_msg("%s: %s \"%s\"; page:\n%.4000s", what, present ? "expected" : "must not contain",
			 needle, hay);
}

static void publish(const struct kase *k)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)k->id);
	assert_int_equal(harness_admin(&H, "publish", "--id", id, NULL), 0);
}

static void portal_excellent(void **state)
{
	(void)state;
	struct wf_http r;
	wf_http_get("/excellent", &r);
	assert_int_equal(r.status, 200);
	expect_in("nothing published", r.body, "2031 年度优秀建议", true);
	expect_in("nothing published", r.body, e_titles[3], false);
	expect_in("nothing published", r.body, "另有 4 件入选建议未公开", true);
	wf_http_free(&r);

	/* Published: two of the four selected, and one not selected. */
	publish(&e[3]);
	publish(&e[2]);
	publish(&e[5]);
	wf_http_get("/excellent?year=2031", &r);
	assert_int_equal(r.status, 200);
	expect_in("nav", r.body, "<a href=\"/excellent\">优秀建议</a>", true);
	const char *p3 = strstr(r.body, e_titles[3]), *p2 = strstr(r.body, e_titles[2]);
	if (!p3 || !p2 || p3 > p2)
		fail_msg("expected %s before %s on /excellent:\n%.4000s", e_titles[3], e_titles[2], r.body);
	expect_in("rank 1 average", r.body, "<td>95.00</td>", true);
	expect_in("not published", r.body, e_titles[0], false);
	expect_in("not published", r.body, e_titles[1], false);
	expect_in("not selected", r.body, e_titles[5], false);
	expect_in("hidden count", r.body, "另有 2 件入选建议未公开", true);
	char link[64];
	snprintf(link, sizeof link, "<a href=\"/s/%lld\">", (long long)e[3].id);
	expect_in("link", r.body, link, true);
	wf_http_free(&r);

	wf_http_get("/excellent?year=2030", &r);
	assert_int_equal(r.status, 200);
	expect_in("other year", r.body, "2030 年度的优秀建议尚未公布", true);
	wf_http_free(&r);
	wf_http_get("/excellent?year=abc", &r);
	assert_int_equal(r.status, 400);
	wf_http_free(&r);
}

static void publish_unsatisfied(void **state)
{
	(void)state;
	struct kase u, hidden;
	char f[160];
	prepare(&u, ST_REPLIED, "不满意公开：垃圾分类站点<设置>", false);
	prepare(&hidden, ST_REPLIED, "不满意但未公开的建议", false);
	struct kase *both[2] = { &u, &hidden };
	for (int i = 0; i < 2; i++) {
		struct jy_act a;
		wf_act_init(&a, A(EVALUATE), both[i]->id, both[i]->version);
		a.evaluate.attitude = "basically_satisfied";
		a.evaluate.result = "unsatisfied";
		ok_closing_step("deputy-wang", &a, both[i], "rehandling");
	}
	const char *statement = "经测评，代表对办理结果不满意，现予公开并督促重新办理。";
	expect_code("not yet published", supervise("liaison", &u, "publish_unsatisfied", statement, f, sizeof f),
		    PRECOND);
	assert_string_equal(f, "kind");
	publish(&u);
	expect_code("cmte publishes", supervise("cmte", &u, "publish_unsatisfied", statement, NULL, 0), DENIED);
	expect_code("publish", supervise("liaison", &u, "publish_unsatisfied", statement, NULL, 0), OK);
	expect_code("publish twice", supervise("liaison", &u, "publish_unsatisfied", statement, NULL, 0), PRECOND);
	expect_code("hidden", supervise("liaison", &hidden, "publish_unsatisfied", statement, NULL, 0), PRECOND);
	json_object *d = last_event(&u, "supervise");
	assert_int_equal(jint(d, "level"), 4);
	json_object_put(d);

	struct wf_http r;
	wf_http_get("/unsatisfied", &r);
	assert_int_equal(r.status, 200);
	expect_in("title, escaped", r.body, "不满意公开：垃圾分类站点&lt;设置&gt;", true);
	expect_in("raw title", r.body, "站点<设置>", false);
	expect_in("statement", r.body, statement, true);
	expect_in("unit", r.body, UNIT_A, true);
	expect_in("not published", r.body, "不满意但未公开的建议", false);
	expect_in("handler", r.body, HANDLER, false);
	expect_in("phone", r.body, HANDLER_PHONE, false);
	expect_in("contact note", r.body, "电话沟通办理思路", false);
	expect_in("nav", r.body, "<a href=\"/unsatisfied\">不满意结果公开</a>", true);
	wf_http_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(who_may_supervise, wf_each),
		cmocka_unit_test_setup(supervision_listing, wf_each),
		cmocka_unit_test_setup(topics, wf_each),
		cmocka_unit_test_setup(concurrent_topic_creation, wf_each),
		cmocka_unit_test_setup(excellent_flow, wf_each),
		cmocka_unit_test_setup(portal_excellent, wf_each),
		cmocka_unit_test_setup(publish_unsatisfied, wf_each),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
