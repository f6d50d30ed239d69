/* The seed corpus: the requests a real client sends (jianyi CLI, libjianyi),
 * built as messages and encoded with the real codec, so a fuzzer starts from
 * valid traffic instead of guessing the wire format. Nothing binary is kept
 * in the repository: fuzz_seedgen writes these into the build directory and
 * the replay tests run them from memory. */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "frame.h"
#include "pbjson.h"
#include "protocol.h"
#include "xalloc.h"

#define MAX_FRAME JY_DEFAULT_MAX_FRAME

/* One seed per request, each built into a Request by a builder below. */
struct seed_ctx {
	fuzz_seed_cb cb;
	void *arg;
	size_t count;
	const char *target;
	/* For "frame": every frame of the session appended, then emitted as one
	 * pipelined stream at the end, as a client sends them. */
	uint8_t *stream;
	size_t stream_len;
};

static void emit(struct seed_ctx *c, const char *name, const uint8_t *data, size_t len)
{
	char file[96];
	snprintf(file, sizeof file, "%s-%02zu-%s", c->target, c->count, name);
	c->cb(file, data, len, c->arg);
	c->count++;
}

static void emit_request(struct seed_ctx *c, const char *name, uint64_t id, Jianyi__Request *rq)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = rq;
	uint8_t *frame;
	size_t len;
	char err[200];
	if (!jy_frame_encode(&env, MAX_FRAME, &frame, &len, err, sizeof err))
		fuzz_fail(err);
	if (strcmp(c->target, "frame") == 0) {
		emit(c, name, frame, len);
		c->stream = jy_xrealloc(c->stream, c->stream_len + len);
		memcpy(c->stream + c->stream_len, frame, len);
		c->stream_len += len;
	} else if (strcmp(c->target, "envelope") == 0) {
		emit(c, name, frame + JY_FRAME_HEADER_BYTES, len - JY_FRAME_HEADER_BYTES);
	}
	free(frame);
}

static void emit_act(struct seed_ctx *c, const char *name, uint64_t id, Jianyi__ActRequest *act)
{
	Jianyi__Request rq = JIANYI__REQUEST__INIT;
	rq.body_case = JIANYI__REQUEST__BODY_ACT;
	rq.act = act;
	emit_request(c, name, id, &rq);
}

static void act_init(Jianyi__ActRequest *a, Jianyi__Action action, const char *key)
{
	jianyi__act_request__init(a);
	a->action = action;
	a->idempotency_key = (char *)key;
	if (action != JIANYI__ACTION__ACTION_CREATE) {
		a->suggestion_id = 1;
		a->expected_version = 3;
	}
}

/* The newer request types, filled as the CLI fills them (client/cli_topics.c,
 * cli_stats.c, cli_export.c, cli_deadlines.c, cli_inbox.c, cli_sync.c): an
 * unset option is 0 or "", a default idempotency key is 32 hex digits. */
static void newer_request_seeds(struct seed_ctx *c, uint64_t *id)
{
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TopicCreateRequest t = JIANYI__TOPIC_CREATE_REQUEST__INIT;
		char *leaders[] = { "王县长", "人大常委会李主任" };
		t.idempotency_key = "3f9c2a7e51d04b8c9e6f1a2b3c4d5e6f";
		t.name = "农村道路养护专题";
		t.description = "2027年重点督办：农村公路养护资金与路长制落实";
		t.leaders = leaders;
		t.n_leaders = 2;
		t.committee_id = 9;
		rq.body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
		rq.topic_create = &t;
		emit_request(c, "topic-create", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TopicMemberRequest m = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
		m.idempotency_key = "topic-add-1";
		m.topic_id = 1;
		m.suggestion_id = 1;
		rq.body_case = JIANYI__REQUEST__BODY_TOPIC_ADD;
		rq.topic_add = &m;
		emit_request(c, "topic-add", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TopicMemberRequest m = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
		m.idempotency_key = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
		m.topic_id = 1;
		m.suggestion_id = 1;
		rq.body_case = JIANYI__REQUEST__BODY_TOPIC_REMOVE;
		rq.topic_remove = &m;
		emit_request(c, "topic-remove", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TopicListRequest l = JIANYI__TOPIC_LIST_REQUEST__INIT;
		rq.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
		rq.topic_list = &l;
		emit_request(c, "topic-list", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TopicShowRequest t = JIANYI__TOPIC_SHOW_REQUEST__INIT;
		t.topic_id = 1;
		rq.body_case = JIANYI__REQUEST__BODY_TOPIC_SHOW;
		rq.topic_show = &t;
		emit_request(c, "topic-show", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentNominateRequest n = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
		n.idempotency_key = "0c1d2e3f405162738495a6b7c8d9eaf1";
		n.year = 2026;
		n.suggestion_id = 1;
		n.reason = "调研深入，建议可行，已推动出台养护专项资金办法";
		rq.body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
		rq.excellent_nominate = &n;
		emit_request(c, "excellent-nominate", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentScoreRequest sc = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
		sc.idempotency_key = "9e8d7c6b5a4938271605f4e3d2c1b0a9";
		sc.year = 2026;
		sc.suggestion_id = 1;
		sc.score = 92;
		sc.comment = "问题抓得准，办理成效明显";
		rq.body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
		rq.excellent_score = &sc;
		emit_request(c, "excellent-score", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentAnnounceRequest a = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
		a.idempotency_key = "excellent-2026-announce";
		a.year = 2026;
		a.count = 10;
		rq.body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
		rq.excellent_announce = &a;
		emit_request(c, "excellent-announce", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__ExcellentListRequest l = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
		l.year = 2026;
		rq.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
		rq.excellent_list = &l;
		emit_request(c, "excellent-list", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;
		q.kind = "interview";
		q.committee_id = 9;
		q.topic_id = 1;
		q.min_level = 2;
		q.page_size = 100;
		q.before_id = 250;
		rq.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
		rq.supervision_list = &q;
		emit_request(c, "supervision-list", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__DeadlinesRequest d = JIANYI__DEADLINES_REQUEST__INIT;
		d.within_days = 7;
		d.unit_id = 5;
		d.kind = "reply";
		d.limit = 200;
		rq.body_case = JIANYI__REQUEST__BODY_DEADLINES;
		rq.deadlines = &d;
		emit_request(c, "deadlines", (*id)++, &rq);
	}
	{
		/* jianyi overdue */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__DeadlinesRequest d = JIANYI__DEADLINES_REQUEST__INIT;
		d.overdue_only = 1;
		d.kind = "";
		rq.body_case = JIANYI__REQUEST__BODY_DEADLINES;
		rq.deadlines = &d;
		emit_request(c, "overdue", (*id)++, &rq);
	}
	{
		/* jianyi inbox --follow --unread */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__InboxRequest q = JIANYI__INBOX_REQUEST__INIT;
		q.unread_only = 1;
		q.limit = 50;
		q.follow = 1;
		rq.body_case = JIANYI__REQUEST__BODY_INBOX;
		rq.inbox = &q;
		emit_request(c, "inbox", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__InboxMarkRequest m = JIANYI__INBOX_MARK_REQUEST__INIT;
		int64_t ids[] = { 12, 15, 31 };
		m.notice_ids = ids;
		m.n_notice_ids = 3;
		rq.body_case = JIANYI__REQUEST__BODY_INBOX_MARK;
		rq.inbox_mark = &m;
		emit_request(c, "inbox-mark", (*id)++, &rq);
	}
	{
		/* jianyi show 18-2-3: a case by number */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__DirectoryRequest d = JIANYI__DIRECTORY_REQUEST__INIT;
		d.kind = "cases";
		d.query = "18-2-3";
		rq.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
		rq.directory = &d;
		emit_request(c, "directory", (*id)++, &rq);
	}
	{
		/* jianyi todo */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__TodoRequest t = JIANYI__TODO_REQUEST__INIT;
		rq.body_case = JIANYI__REQUEST__BODY_TODO;
		rq.todo = &t;
		emit_request(c, "todo", (*id)++, &rq);
	}
	{
		/* jianyi export: the list filters, a page of the ledger */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__LedgerRequest l = JIANYI__LEDGER_REQUEST__INIT;
		Jianyi__ListSuggestionsRequest f = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
		f.state = JIANYI__STATE__STATE_REPLIED;
		f.category = "交通";
		f.term = 18;
		f.session = 2;
		f.page_size = 500;
		l.filter = &f;
		rq.body_case = JIANYI__REQUEST__BODY_LEDGER;
		rq.ledger = &l;
		emit_request(c, "ledger", (*id)++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__StatsRequest sr = JIANYI__STATS_REQUEST__INIT;
		sr.term = 18;
		sr.session = 2;
		sr.group_by = "unit";
		rq.body_case = JIANYI__REQUEST__BODY_STATS;
		rq.stats = &sr;
		emit_request(c, "stats", (*id)++, &rq);
	}
	{
		/* jianyi sync --mirror resuming from its saved cursor */
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		s.cursor = "v1:100000";
		s.page_size = 250;
		rq.body_case = JIANYI__REQUEST__BODY_SYNC;
		rq.sync = &s;
		emit_request(c, "sync-resume", (*id)++, &rq);
	}
}

static void request_seeds(struct seed_ctx *c)
{
	uint64_t id = 1;
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__Hello h = JIANYI__HELLO__INIT;
		h.protocol_version = JY_PROTOCOL_VERSION;
		h.software = "jianyi/" JY_SOFTWARE_VERSION;
		h.max_frame_bytes = MAX_FRAME;
		rq.body_case = JIANYI__REQUEST__BODY_HELLO;
		rq.hello = &h;
		emit_request(c, "hello", id++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__PingRequest p = JIANYI__PING_REQUEST__INIT;
		static uint8_t payload[] = "ping 你好";
		p.payload.data = payload;
		p.payload.len = sizeof payload - 1;
		rq.body_case = JIANYI__REQUEST__BODY_PING;
		rq.ping = &p;
		emit_request(c, "ping", id++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__WhoAmIRequest w = JIANYI__WHO_AM_IREQUEST__INIT;
		rq.body_case = JIANYI__REQUEST__BODY_WHOAMI;
		rq.whoami = &w;
		emit_request(c, "whoami", id++, &rq);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__CreateParams p = JIANYI__CREATE_PARAMS__INIT;
		int64_t cosigners[] = { 2, 3 };
		act_init(&a, JIANYI__ACTION__ACTION_CREATE, "k-create-1");
		p.title = "关于加强农村道路养护的建议";
		p.body = "我县农村公路里程长，养护资金不足，部分路段坑洼严重。\n建议：一、设立专项资金；二、落实路长制。";
		p.category = "交通";
		p.kind = "suggestion";
		p.cosigner_deputy_ids = cosigners;
		p.n_cosigner_deputy_ids = 2;
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_CREATE;
		a.create = &p;
		emit_act(c, "act-create", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		act_init(&a, JIANYI__ACTION__ACTION_SUBMIT, "k-submit-1");
		emit_act(c, "act-submit", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__RegisterParams p = JIANYI__REGISTER_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_REGISTER, "k-register-1");
		p.term = 18;
		p.session = 2;
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_REGISTER;
		a.register_ = &p;
		emit_act(c, "act-register", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__AssignParams p = JIANYI__ASSIGN_PARAMS__INIT;
		int64_t co[] = { 6, 7 };
		char *leaders[] = { "张副县长", "李主任" };
		act_init(&a, JIANYI__ACTION__ACTION_ASSIGN, "k-assign-1");
		p.lead_unit_id = 5;
		p.co_unit_ids = co;
		p.n_co_unit_ids = 2;
		p.reply_deadline = "2027-03-01";
		p.key = 1;
		p.leaders = leaders;
		p.n_leaders = 2;
		p.supervising_committee_id = 9;
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_ASSIGN;
		a.assign = &p;
		emit_act(c, "act-assign", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__PlanParams p = JIANYI__PLAN_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_PLAN, "k-plan-1");
		p.handler_name = "张三";
		p.handler_phone = "+86 138-0000-0000";
		p.plan = "一、三月底前完成摸排；二、六月底前完成修补。";
		p.promised_date = "2027-01-15";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_PLAN;
		a.plan = &p;
		emit_act(c, "act-plan", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__ContactParams p = JIANYI__CONTACT_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_CONTACT, "k-contact-1");
		p.phase = "before";
		p.method = "visit";
		p.date = "2026-12-30";
		p.note = "上门走访，听取代表意见";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
		a.contact = &p;
		emit_act(c, "act-contact", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__ReplyParams p = JIANYI__REPLY_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_REPLY, "k-reply-1");
		p.text = "经研究，已将该路段纳入年度养护计划。";
		p.result_class = "B";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_REPLY;
		a.reply = &p;
		emit_act(c, "act-reply", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__EvaluateParams p = JIANYI__EVALUATE_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_EVALUATE, "k-evaluate-1");
		p.attitude = "satisfied";
		p.result = "basically_satisfied";
		p.comment = "态度好，希望尽快落实";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
		a.evaluate = &p;
		emit_act(c, "act-evaluate", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__ExtendParams p = JIANYI__EXTEND_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_EXTEND, "k-extend-1");
		p.days = 30;
		p.reason = "涉及多个部门，需要协调";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_EXTEND;
		a.extend = &p;
		emit_act(c, "act-extend", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__ReasonParams p = JIANYI__REASON_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_CLOSE, "k-close-1");
		p.reason = "办结";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_REASON;
		a.reason = &p;
		emit_act(c, "act-close", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__EditParams p = JIANYI__EDIT_PARAMS__INIT;
		int64_t add[] = { 3 }, remove[] = { 4 };
		act_init(&a, JIANYI__ACTION__ACTION_EDIT, "k-edit-1");
		p.title = "关于修改后的标题的建议";
		p.add_cosigner_deputy_ids = add;
		p.n_add_cosigner_deputy_ids = 1;
		p.remove_cosigner_deputy_ids = remove;
		p.n_remove_cosigner_deputy_ids = 1;
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_EDIT;
		a.edit = &p;
		emit_act(c, "act-edit", id++, &a);
	}
	{
		Jianyi__ActRequest a;
		Jianyi__CorrectParams p = JIANYI__CORRECT_PARAMS__INIT;
		act_init(&a, JIANYI__ACTION__ACTION_CORRECT, "k-correct-1");
		p.category = "城建";
		p.reason = "分类有误";
		a.params_case = JIANYI__ACT_REQUEST__PARAMS_CORRECT;
		a.correct = &p;
		emit_act(c, "act-correct", id++, &a);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__GetSuggestionRequest g = JIANYI__GET_SUGGESTION_REQUEST__INIT;
		g.suggestion_id = 1;
		rq.body_case = JIANYI__REQUEST__BODY_GET_SUGGESTION;
		rq.get_suggestion = &g;
		emit_request(c, "get", id++, &rq);
		/* the next page of a long timeline, as jy_timeline_complete asks */
		g.timeline_after = 4321;
		g.timeline_limit = 100;
		emit_request(c, "get-page", id++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__ListSuggestionsRequest l = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
		l.state = JIANYI__STATE__STATE_ASSIGNED;
		l.category = "教育";
		l.text = "道路";
		l.term = 18;
		l.page_size = 50;
		l.overdue_only = 1;
		rq.body_case = JIANYI__REQUEST__BODY_LIST_SUGGESTIONS;
		rq.list_suggestions = &l;
		emit_request(c, "list", id++, &rq);
	}
	{
		Jianyi__Request rq = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		s.cursor = "";
		s.page_size = 500;
		s.live = 1;
		rq.body_case = JIANYI__REQUEST__BODY_SYNC;
		rq.sync = &s;
		emit_request(c, "sync", id++, &rq);
	}
	newer_request_seeds(c, &id);
	if (c->stream) {
		emit(c, "session-stream", c->stream, c->stream_len);
		free(c->stream);
		c->stream = NULL;
	}
}

/* What the database hands back (jy_get's answer): a suggestion and its
 * timeline as JSON, from which the server fills the response messages. */
static void pbjson_seeds(struct seed_ctx *c)
{
	Jianyi__Suggestion s = JIANYI__SUGGESTION__INIT;
	char *cosigners[] = { "王芳", "赵强 (unconfirmed)" };
	char *co_units[] = { "县交通运输局", "县财政局" };
	s.id = 1;
	s.number = "第18届第2次会议第1号";
	s.state = JIANYI__STATE__STATE_ASSIGNED;
	s.version = 4;
	s.title = "关于加强农村道路养护的建议";
	s.body = "我县农村公路里程长，养护资金不足。";
	s.category = "交通";
	s.kind = "suggestion";
	s.key = 1;
	s.term = 18;
	s.session = 2;
	s.lead_deputy = "刘敏";
	s.cosigners = cosigners;
	s.n_cosigners = 2;
	s.lead_unit = "县住建局";
	s.co_units = co_units;
	s.n_co_units = 2;
	s.reply_deadline = "2027-03-01";
	s.created_at = "2026-11-26T08:00:00+08:00";
	s.updated_at = "2026-11-27T09:30:00+08:00";
	json_object *sj = pbjson_from_message(&s.base);
	const char *text = json_object_to_json_string_ext(sj, JSON_C_TO_STRING_PLAIN);
	emit(c, "suggestion", (const uint8_t *)text, strlen(text));

	Jianyi__TimelineEvent e = JIANYI__TIMELINE_EVENT__INIT;
	e.sequence = 7;
	e.at = "2026-11-27T09:30:00+08:00";
	e.kind = "assign";
	e.actor_login = "govoffice";
	e.actor_name = "县政府办";
	e.from_state = JIANYI__STATE__STATE_REGISTERED;
	e.to_state = JIANYI__STATE__STATE_ASSIGNED;
	json_object *ej = pbjson_from_message(&e.base);
	/* details arrive as a nested object, which the server keeps as text */
	json_object_object_add(ej, "details",
			       json_tokener_parse("{\"lead_unit_id\":5,\"co_unit_ids\":[6,7],\"note\":\"重点\"}"));
	text = json_object_to_json_string_ext(ej, JSON_C_TO_STRING_PLAIN);
	emit(c, "timeline-event", (const uint8_t *)text, strlen(text));

	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "code", json_object_new_string("ok"));
	json_object_object_add(doc, "suggestion", json_object_get(sj));
	json_object *tl = json_object_new_array();
	json_object_array_add(tl, json_object_get(ej));
	json_object_object_add(doc, "timeline", tl);
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	emit(c, "get-answer", (const uint8_t *)text, strlen(text));

	static const char refusal[] =
		"{\"code\":\"failed_precondition\",\"field\":\"act.expected_version\",\"message\":\"版本已变化\"}";
	emit(c, "refusal", (const uint8_t *)refusal, sizeof refusal - 1);
	json_object_put(doc);
	json_object_put(sj);
	json_object_put(ej);
}

/* PROXY v2 headers (tests/unit/test_proxy_v2.c has their layout), each
 * after the byte that picks the read size, some followed by a TLS record. */
static void proxy_v2_seeds(struct seed_ctx *c)
{
	static const uint8_t sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
					 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };
	static const struct { const char *name; uint8_t cut, ver_cmd, fam; uint16_t len; } h[] = {
		{ "v4", 7, 0x21, 0x11, 12 }, { "v4-tlv", 1, 0x21, 0x11, 19 },
		{ "v6", 31, 0x21, 0x21, 36 }, { "local", 3, 0x20, 0x00, 0 },
		{ "local-v4", 5, 0x20, 0x11, 12 }, { "unix", 9, 0x21, 0x31, 216 },
		{ "short", 2, 0x21, 0x11, 11 }, { "v1-version", 4, 0x11, 0x11, 12 },
	};
	uint8_t buf[1 + 16 + 216 + 5];
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		memset(buf, 0, sizeof buf);
		buf[0] = h[i].cut;
		memcpy(buf + 1, sig, sizeof sig);
		buf[13] = h[i].ver_cmd;
		buf[14] = h[i].fam;
		buf[15] = (uint8_t)(h[i].len >> 8);
		buf[16] = (uint8_t)h[i].len;
		for (size_t j = 0; j < h[i].len; j++)
			buf[17 + j] = (uint8_t)(127 + j);
		size_t n = 17 + h[i].len;
		memcpy(buf + n, "\x16\x03\x01\x02\x00", 5);   /* a ClientHello's record header */
		emit(c, h[i].name, buf, n + 5);
	}
	static const char v1[] = "\x01PROXY TCP4 192.0.2.7 198.51.100.1 51000 7443\r\n";
	emit(c, "v1-text", (const uint8_t *)v1, sizeof v1 - 1);
}

size_t fuzz_seeds(const char *target, fuzz_seed_cb cb, void *arg)
{
	struct seed_ctx c = { .cb = cb, .arg = arg, .target = target };
	if (strcmp(target, "frame") == 0 || strcmp(target, "envelope") == 0)
		request_seeds(&c);
	else if (strcmp(target, "pbjson") == 0)
		pbjson_seeds(&c);
	else if (strcmp(target, "proxy_v2") == 0)
		proxy_v2_seeds(&c);
	return c.count;
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}
