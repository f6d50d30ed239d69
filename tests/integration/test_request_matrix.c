/* The permission matrix over every request type but Act (which
 * test_permission_matrix.c covers cell by cell): Ping, WhoAmI, GetSuggestion,
 * ListSuggestions, the topic, excellent-suggestion and supervision requests,
 * Sync, Stats, Ledger, Deadlines, Inbox and InboxMark, the attachment
 * requests (AttachBegin, AttachPut, AttachFinish, AttachFetch, AttachList),
 * for every kind of
 * account (each role; a unit on its own organization's case and on
 * another's; the proposer, a co-signer and an unrelated deputy; the public),
 * through the real server over TLS.
 *
 * The expected answer of each cell comes from the rules written out below
 * (docs/WORKFLOW.md "Visibility" and "Attachments", README.md "Supervision,
 * topics and excellent suggestions", "Statistics", "Reminders and notices"), from what
 * each account and each case is, never from the server's answers. A read
 * cell is (account, case): the case must be returned / listed / counted when
 * the account may see it, and refused or absent when not. A write cell must
 * succeed (a case's version + 1) when allowed and, when refused, leave
 * everything as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "wf_helpers.h"

#define YEAR 2032
#define LEADER_NAME "周主任"   /* the fixture's "leader" */

/* ---- who and what --------------------------------------------------------- */

enum role { DEPUTY, LIAISON, GOV, CLERK, HEAD, CMTE, LEADER, ADMIN, PUBLIC };

static const struct who {
	const char *login;
	enum role role;
	char org;              /* handling unit 'A', 'B', 'C', or 0 */
	const char *deputy;    /* the deputy's name, or NULL */
	const char *what;
} accounts[] = {
	{ "liaison", LIAISON, 0, NULL, "liaison committee" },
	{ "gov", GOV, 0, NULL, "government office" },
	{ "cmte", CMTE, 0, NULL, "special committee member" },
	{ "leader", LEADER, 0, NULL, "leader" },
	{ "admin", ADMIN, 0, NULL, "administrator" },
	{ "a-clerk", CLERK, 'A', NULL, "clerk of unit A" },
	{ "a-head", HEAD, 'A', NULL, "head of unit A" },
	{ "b-clerk", CLERK, 'B', NULL, "clerk of unit B" },
	{ "c-head", HEAD, 'C', NULL, "head of unit C" },
	{ "deputy-wang", DEPUTY, 0, WANG, "deputy 王明" },
	{ "deputy-li", DEPUTY, 0, LI, "deputy 李华" },
	{ "deputy-sun", DEPUTY, 0, SUN, "deputy 孙丽" },
	{ "visitor", PUBLIC, 0, NULL, "public" },
};
#define NACCOUNTS (sizeof accounts / sizeof accounts[0])

/* The cases. X: 王明's (李华 a confirmed co-signer), lead unit A, co-unit
 * B, key, in progress. Y: 孙丽's, lead unit C, key, in progress, published
 * on the portal. D: 王明's draft. For unit A, X is its own organization's
 * case and Y another's; for C the other way round. */
struct kcase {
	const char *name;
	struct kase k;
	bool draft, published, key;
	char lead, co;
	const char *proposer, *cosigner;
};
static struct kcase X = { "X (unit A leads, B co-handles; 王明, 李华)", { 0 }, false, false, true, 'A', 'B', WANG, LI };
static struct kcase Y = { "Y (unit C leads; 孙丽; published)", { 0 }, false, true, true, 'C', 0, SUN, NULL };
static struct kcase D = { "D (王明's draft)", { 0 }, true, false, false, 0, 0, WANG, NULL };
static struct kcase *const cases[] = { &X, &Y, &D };
#define NCASES (sizeof cases / sizeof cases[0])

static bool office(const struct who *w)
{
	return w->role == LIAISON || w->role == GOV || w->role == CMTE || w->role == LEADER ||
	       w->role == ADMIN;
}

static bool unit(const struct who *w)
{
	return w->role == CLERK || w->role == HEAD;
}

static bool signs(const struct who *w, const struct kcase *c)
{
	return w->deputy && (strcmp(w->deputy, c->proposer) == 0 ||
			     (c->cosigner && strcmp(w->deputy, c->cosigner) == 0));
}

/* Visibility (docs/WORKFLOW.md): the congress's side and the government
 * office every case but drafts; a unit the cases it is assigned (lead or
 * co); a deputy the cases they lead or co-signed, drafts too; the public
 * published ones. Every read and every write on a case goes through it.
 * The public reads a published case only as the portal shows it (the
 * "Fixes" issue, item 4; docs/WORKFLOW.md "Visibility"): its ledger row, but
 * no deadlines, and in the feed only replies, follow-up reports and
 * evaluation outcomes (Y has none yet). Where the documents say no more,
 * decided as their readers would expect: a co-handling unit reads its cases
 * everywhere but in the statistics, which count a unit's lead cases only
 * (README "Statistics"); an administrator reads as the congress's side and
 * writes nothing here. */
static bool sees(const struct who *w, const struct kcase *c)
{
	if (office(w))
		return !c->draft;
	if (unit(w))
		return !c->draft && (w->org == c->lead || w->org == c->co);
	if (w->role == DEPUTY)
		return signs(w, c);
	return c->published && !c->draft;
}

/* What only cases being handled have: deadlines owed, supervision records,
 * nominations (X and Y; the draft D has none), as far as w sees them. */
static bool sees_handled(const struct who *w, const struct kcase *c)
{
	return sees(w, c) && !c->draft;
}

/* Deadlines: as sees_handled, never the public's (not on the portal). */
static bool sees_deadlines(const struct who *w, const struct kcase *c)
{
	return sees_handled(w, c) && w->role != PUBLIC;
}

/* The feed: a visible case's events; the public's only the portal's kinds,
 * of which the cases here (none replied) have none. */
static bool in_feed(const struct who *w, const struct kcase *c)
{
	return sees(w, c) && w->role != PUBLIC;
}

/* What is under the topic: the key cases (X and Y) that w sees. */
static bool sees_key(const struct who *w, const struct kcase *c)
{
	return sees(w, c) && c->key;
}

/* Topics, supervision records and the excellent selection: everyone but
 * the public reads them (each only about the cases they may see). */
static bool inside(const struct who *w)
{
	return w->role != PUBLIC;
}

/* Statistics (README "Statistics"): registered cases; the congress's side
 * all of them, a unit the cases it leads (not those it co-handles), a
 * deputy the cases they lead or co-signed; the public is refused. */
static bool counts_in_stats(const struct who *w, const struct kcase *c)
{
	if (c->draft)
		return false;
	if (office(w))
		return true;
	if (unit(w))
		return w->org == c->lead;
	return w->role == DEPUTY && signs(w, c);
}

/* Notices (README "Reminders and notices"): a reminder of a reply deadline
 * goes to the clerks and heads of the lead unit, which owes the reply; the
 * liaison officers only once it is overdue (not here). */
static bool gets_notice(const struct who *w, const struct kcase *c)
{
	return unit(w) && w->org == c->lead;
}

/* ---- counting and failing --------------------------------------------------- */

enum rt {
	PING, WHOAMI, GET, LIST, TOPIC_CREATE, TOPIC_ADD, TOPIC_REMOVE, TOPIC_LIST, TOPIC_SHOW,
	EXC_NOMINATE, EXC_SCORE, EXC_ANNOUNCE, EXC_LIST, SUPERVISION_LIST, SYNC, STATS, LEDGER,
	DEADLINES, INBOX, INBOX_MARK, ATTACH_BEGIN, ATTACH_PUT, ATTACH_FINISH, ATTACH_FETCH,
	ATTACH_LIST, NRT
};
static const char *const rt_names[NRT] = {
	"Ping", "WhoAmI", "GetSuggestion", "ListSuggestions", "TopicCreate", "TopicAdd", "TopicRemove",
	"TopicList", "TopicShow", "ExcellentNominate", "ExcellentScore", "ExcellentAnnounce",
	"ExcellentList", "SupervisionList", "Sync", "Stats", "Ledger", "Deadlines", "Inbox", "InboxMark",
	"AttachBegin", "AttachPut", "AttachFinish", "AttachFetch", "AttachList",
};
static struct { int cells, yes, no; } tally[NRT];

/* One cell: the expected status and, for OK answers to reads, whether the
 * target must be in it; the same for what came back. */
static void cell(enum rt t, const struct who *w, const char *target, int want, bool want_in, int got,
		 bool got_in, const char *msg)
{
	tally[t].cells++;
	bool yes = want == OK && want_in;
	if (yes)
		tally[t].yes++;
	else
		tally[t].no++;
	if (want != got || (want == OK && want_in != got_in))
		fail_msg("%s cell (%s [%s], %s): expected %s%s, got %s%s%s%s", rt_names[t], w->login, w->what,
			 target, jy_status_str(want), want != OK ? "" : want_in ? ", present" : ", absent",
			 jy_status_str(got), got != OK ? "" : got_in ? ", present" : ", absent",
			 msg && *msg ? ": " : "", msg ? msg : "");
}

/* ---- connections ------------------------------------------------------------- */

static struct jy_client *admin_conn;

static struct jy_client *conn(const struct who *w)
{
	if (strcmp(w->login, "admin") == 0)
		return admin_conn ? admin_conn : (admin_conn = client_connect(&H, &S, "admin"));
	return cx(w->login);
}

static char *new_key(void)
{
	static char keys[8][48];
	static unsigned n;
	char *k = keys[n % 8];
	snprintf(k, 48, "rm-%d-%lld-%u", (int)getpid(), (long long)time(NULL), ++n);
	return k;
}

static int call(const struct who *w, Jianyi__Request *req, Jianyi__Envelope **out, char *msg)
{
	return wf_call(conn(w), req, out, msg, 256);
}

static int32_t version_of(const struct kcase *c)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)c->k.id);
	return (int32_t)sql_id("SELECT version FROM suggestions WHERE id = $1::bigint", id);
}

/* ---- the cases ------------------------------------------------------------------- */

/* Assigns k (registered) to lead unit with co (0: none) as a key case led
 * by 周主任 under the fixture's committee, then accept, plan, contact by the
 * lead unit's clerk. */
static void assign_and_handle(struct kase *k, int64_t lead, int64_t co, const char *clerk)
{
	struct jy_act a;
	char *leaders[1] = { LEADER_NAME };
	int64_t cos[1] = { co };
	wf_act_init(&a, A(ASSIGN), k->id, k->version);
	a.assign.lead_unit_id = lead;
	a.assign.n_co_unit_ids = co ? 1 : 0;
	a.assign.co_unit_ids = cos;
	a.assign.key = true;
	a.assign.n_leaders = 1;
	a.assign.leaders = leaders;
	a.assign.supervising_committee_id = committee_id;
	ok_step("gov", &a, k, "assigned", NULL);
	act(clerk, A(ACCEPT), k, "accepted");
	act(clerk, A(PLAN), k, "in_progress");
	act(clerk, A(CONTACT), k, "in_progress");
	act("liaison", A(SUPERVISE), k, "in_progress");
}

static void make_cases(void)
{
	/* X: prepare's joint case (李华 confirms; 赵强 listed, never confirms). */
	prepare(&X.k, ST_REGISTERED, "矩阵 X：城区公交线网优化", true);
	assign_and_handle(&X.k, unit_a, unit_b, "a-clerk");
	/* Y: 孙丽's own, handled by unit C. */
	struct jy_act a;
	wf_act_init(&a, A(CREATE), 0, 0);
	valid_params(&a, A(CREATE));
	a.create.title = "矩阵 Y：财政资金绩效公开";
	ok_step("deputy-sun", &a, &Y.k, "draft", NULL);
	act("deputy-sun", A(SUBMIT), &Y.k, "submitted");
	act("liaison", A(REGISTER), &Y.k, "registered");
	assign_and_handle(&Y.k, unit_c, 0, "c-clerk");
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)Y.k.id);
	assert_int_equal(harness_admin(&H, "publish", "--id", id, NULL), 0);
	prepare(&D.k, ST_DRAFT, "矩阵 D：王明的草稿", false);
}

/* ---- session and case reads ----------------------------------------------------- */

static void ping_whoami(void)
{
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__PingRequest p = JIANYI__PING_REQUEST__INIT;
		Jianyi__WhoAmIRequest q = JIANYI__WHO_AM_IREQUEST__INIT;
		Jianyi__Envelope *env;
		char msg[256];
		uint8_t payload[] = "矩阵";
		p.payload.data = payload;
		p.payload.len = sizeof payload;
		req.body_case = JIANYI__REQUEST__BODY_PING;
		req.ping = &p;
		int code = call(w, &req, &env, msg);
		bool echoed = code == OK && env->response->ping->payload.len == sizeof payload &&
			      memcmp(env->response->ping->payload.data, payload, sizeof payload) == 0;
		cell(PING, w, "its own session (payload echoed)", OK, true, code, echoed, msg);
		if (env)
			jy_envelope_free(env);
		req.body_case = JIANYI__REQUEST__BODY_WHOAMI;
		req.whoami = &q;
		code = call(w, &req, &env, msg);
		bool me = code == OK && strcmp(env->response->whoami->identity->login, w->login) == 0;
		cell(WHOAMI, w, "its own identity", OK, true, code, me, msg);
		if (env)
			jy_envelope_free(env);
	}
}

static bool has_id(int64_t id, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Up to 64 ids of what an answer lists, for cell() to look in. */
struct ids {
	int64_t v[64];
	size_t n;
};

static void ids_add(struct ids *s, int64_t id)
{
	if (!has_id(id, s->v, s->n) && s->n < 64)
		s->v[s->n++] = id;
}

/* One cell per case: present in the answer exactly when visible. */
static void per_case(enum rt t, const struct who *w, int want, int code, const struct ids *got,
		     bool (*rule)(const struct who *, const struct kcase *), const char *msg)
{
	for (size_t c = 0; c < NCASES; c++)
		cell(t, w, cases[c]->name, want, rule(w, cases[c]), code,
		     got && has_id(cases[c]->k.id, got->v, got->n), msg);
}

static void get_list_ledger(void)
{
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		char msg[256];
		for (size_t c = 0; c < NCASES; c++) {
			Jianyi__Envelope *env = NULL;
			int code = wf_get(conn(w), cases[c]->k.id, &env, msg, sizeof msg);
			bool same = code == OK && env->response->get_suggestion->suggestion->id == cases[c]->k.id;
			bool vis = sees(w, cases[c]);
			cell(GET, w, cases[c]->name, vis ? OK : DENIED, true, code, same, msg);
			if (env)
				jy_envelope_free(env);
		}
		Jianyi__ListSuggestionsRequest l = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
		l.page_size = 500;
		Jianyi__Envelope *env = NULL;
		int code = wf_list(conn(w), &l, &env, msg, sizeof msg);
		struct ids got = { .n = 0 };
		for (size_t k = 0; code == OK && k < env->response->list_suggestions->n_suggestions; k++)
			ids_add(&got, env->response->list_suggestions->suggestions[k]->id);
		per_case(LIST, w, OK, code, &got, sees, msg);
		if (env)
			jy_envelope_free(env);

		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__LedgerRequest lr = JIANYI__LEDGER_REQUEST__INIT;
		Jianyi__ListSuggestionsRequest f = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
		f.page_size = 1000;
		lr.filter = &f;
		req.body_case = JIANYI__REQUEST__BODY_LEDGER;
		req.ledger = &lr;
		code = call(w, &req, &env, msg);
		got.n = 0;
		for (size_t k = 0; code == OK && k < env->response->ledger->n_rows; k++)
			ids_add(&got, env->response->ledger->rows[k]->id);
		per_case(LEDGER, w, OK, code, &got, sees, msg);
		if (env)
			jy_envelope_free(env);
	}
}

/* Sync from the beginning to caught up: a visible case's every event (as
 * many as its version) and no event of an invisible one. */
static void sync_cells(void)
{
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		char cursor[64] = "", msg[256] = "";
		int events[NCASES] = { 0 };
		int code = OK;
		for (int page = 0; page < 100; page++) {
			Jianyi__Request req = JIANYI__REQUEST__INIT;
			Jianyi__SyncRequest q = JIANYI__SYNC_REQUEST__INIT;
			q.cursor = cursor;
			q.page_size = 5000;
			req.body_case = JIANYI__REQUEST__BODY_SYNC;
			req.sync = &q;
			Jianyi__Envelope *env = NULL;
			code = call(w, &req, &env, msg);
			if (code != OK)
				break;
			const Jianyi__SyncResponse *r = env->response->sync;
			for (size_t e = 0; e < r->n_events; e++)
				for (size_t c = 0; c < NCASES; c++)
					events[c] += r->events[e]->suggestion_id == cases[c]->k.id;
			snprintf(cursor, sizeof cursor, "%s", r->cursor);
			bool done = r->caught_up;
			jy_envelope_free(env);
			if (done)
				break;
		}
		for (size_t c = 0; c < NCASES; c++) {
			int32_t v = version_of(cases[c]);
			bool vis = in_feed(w, cases[c]);
			if (code == OK && vis && events[c] > 0 && events[c] != v)
				fail_msg("Sync cell (%s, %s): %d events of a case at version %d", w->login,
					 cases[c]->name, events[c], v);
			cell(SYNC, w, cases[c]->name, OK, vis, code, events[c] > 0, msg);
		}
	}
}

/* ---- topics ----------------------------------------------------------------------- */

static int64_t topic_id;

static int topic_member(const struct who *w, bool add, const struct kcase *c, char *msg)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TopicMemberRequest m = JIANYI__TOPIC_MEMBER_REQUEST__INIT;
	m.idempotency_key = new_key();
	m.topic_id = topic_id;
	m.suggestion_id = c->k.id;
	req.body_case = add ? JIANYI__REQUEST__BODY_TOPIC_ADD : JIANYI__REQUEST__BODY_TOPIC_REMOVE;
	if (add)
		req.topic_add = &m;
	else
		req.topic_remove = &m;
	Jianyi__Envelope *env = NULL;
	int code = call(w, &req, &env, msg);
	if (env)
		jy_envelope_free(env);
	return code;
}

/* A write on case c as w: the expected code, and version + 1 exactly when
 * it succeeds (a refused one leaves the case as it was). */
static void write_cell(enum rt t, const struct who *w, const struct kcase *c, int want, int32_t before,
		       int code, const char *msg)
{
	int32_t after = version_of(c);
	if (after != before + (code == OK ? 1 : 0))
		fail_msg("%s cell (%s, %s): %s and the case went from v%d to v%d", rt_names[t], w->login,
			 c->name, jy_status_str(code), before, after);
	cell(t, w, c->name, want, true, code, true, msg);
}

static int64_t topic_count(void)
{
	return sql_id("SELECT count(*) FROM topics", NULL);
}

static void topic_cells(void)
{
	char msg[256];
	/* Create: the liaison committee only. */
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		char name[64];
		snprintf(name, sizeof name, "矩阵专题（%s）", w->login);
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__TopicCreateRequest t = JIANYI__TOPIC_CREATE_REQUEST__INIT;
		char *leaders[1] = { LEADER_NAME };
		t.idempotency_key = new_key();
		t.name = name;
		t.n_leaders = 1;
		t.leaders = leaders;
		t.committee_id = committee_id;
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_CREATE;
		req.topic_create = &t;
		int64_t before = topic_count();
		Jianyi__Envelope *env = NULL;
		int code = call(w, &req, &env, msg);
		if (code == OK)
			topic_id = env->response->topic_create->topic->id;
		if (env)
			jy_envelope_free(env);
		if (topic_count() != before + (code == OK ? 1 : 0))
			fail_msg("TopicCreate cell (%s): %s and topics went from %lld to %lld", w->login,
				 jy_status_str(code), (long long)before, (long long)topic_count());
		cell(TOPIC_CREATE, w, "a new topic", w->role == LIAISON ? OK : DENIED, true, code, true, msg);
	}
	assert_true(topic_id > 0);
	/* Add, then remove: the liaison committee, on key cases it may see. */
	for (int add = 1; add >= 0; add--)
		for (size_t i = 0; i < NACCOUNTS; i++)
			for (size_t c = 0; c < NCASES; c++) {
				const struct who *w = &accounts[i];
				bool ok = w->role == LIAISON && sees(w, cases[c]) && cases[c]->key;
				int32_t before = version_of(cases[c]);
				int code = topic_member(w, add, cases[c], msg);
				write_cell(add ? TOPIC_ADD : TOPIC_REMOVE, w, cases[c], ok ? OK : DENIED, before,
					   code, msg);
			}
	/* Back in, for the reads. */
	for (size_t c = 0; c < NCASES; c++)
		if (cases[c]->key)
			assert_int_equal(topic_member(&accounts[0], true, cases[c], msg), OK);

	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		int want = inside(w) ? OK : DENIED;
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__TopicShowRequest s = JIANYI__TOPIC_SHOW_REQUEST__INIT;
		s.topic_id = topic_id;
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_SHOW;
		req.topic_show = &s;
		Jianyi__Envelope *env = NULL;
		int code = call(w, &req, &env, msg);
		struct ids got = { .n = 0 };
		for (size_t k = 0; code == OK && k < env->response->topic_show->n_suggestions; k++)
			ids_add(&got, env->response->topic_show->suggestions[k]->id);
		per_case(TOPIC_SHOW, w, want, code, &got, sees_key, msg);
		if (env)
			jy_envelope_free(env);

		/* The list counts the cases under the topic that the caller sees. */
		Jianyi__TopicListRequest l = JIANYI__TOPIC_LIST_REQUEST__INIT;
		req.body_case = JIANYI__REQUEST__BODY_TOPIC_LIST;
		req.topic_list = &l;
		code = call(w, &req, &env, msg);
		int counted = -1, expect = 0;
		for (size_t k = 0; code == OK && k < env->response->topic_list->n_topics; k++)
			if (env->response->topic_list->topics[k]->id == topic_id)
				counted = env->response->topic_list->topics[k]->suggestions;
		for (size_t c = 0; c < NCASES; c++)
			expect += sees_key(w, cases[c]);
		char target[64];
		snprintf(target, sizeof target, "the topic's count (%d visible)", expect);
		cell(TOPIC_LIST, w, target, want, true, code, counted == expect, msg);
		if (env)
			jy_envelope_free(env);
	}
}

/* ---- excellent suggestions and supervision records ------------------------------------ */

static int excellent(const struct who *w, enum rt t, const struct kcase *c, Jianyi__Envelope **env, char *msg)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ExcellentNominateRequest nom = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
	Jianyi__ExcellentScoreRequest sc = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
	Jianyi__ExcellentAnnounceRequest an = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
	Jianyi__ExcellentListRequest li = JIANYI__EXCELLENT_LIST_REQUEST__INIT;
	switch (t) {
	case EXC_NOMINATE:
		nom.idempotency_key = new_key();
		nom.year = YEAR;
		nom.suggestion_id = c->k.id;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
		req.excellent_nominate = &nom;
		break;
	case EXC_SCORE:
		sc.idempotency_key = new_key();
		sc.year = YEAR;
		sc.suggestion_id = c->k.id;
		sc.score = 90;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
		req.excellent_score = &sc;
		break;
	case EXC_ANNOUNCE:
		an.idempotency_key = new_key();
		an.year = YEAR;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
		req.excellent_announce = &an;
		break;
	default:
		li.year = YEAR;
		req.body_case = JIANYI__REQUEST__BODY_EXCELLENT_LIST;
		req.excellent_list = &li;
		break;
	}
	Jianyi__Envelope *mine = NULL;
	int code = call(w, &req, &mine, msg);
	if (env)
		*env = mine;
	else if (mine)
		jy_envelope_free(mine);
	return code;
}

static void excellent_cells(void)
{
	char msg[256];
	/* Nominate (the liaison committee, registered cases it sees), then
	 * score (committee members and leaders, nominated cases they see). */
	for (enum rt t = EXC_NOMINATE; t <= EXC_SCORE; t++)
		for (size_t i = 0; i < NACCOUNTS; i++)
			for (size_t c = 0; c < NCASES; c++) {
				const struct who *w = &accounts[i];
				bool role = t == EXC_NOMINATE ? w->role == LIAISON
							      : w->role == CMTE || w->role == LEADER;
				bool ok = role && sees(w, cases[c]) && !cases[c]->draft;
				int32_t before = version_of(cases[c]);
				int code = excellent(w, t, cases[c], NULL, msg);
				write_cell(t, w, cases[c], ok ? OK : DENIED, before, code, msg);
			}
	/* List: everyone but the public, the nominations it may see. */
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		Jianyi__Envelope *env = NULL;
		int code = excellent(w, EXC_LIST, NULL, &env, msg);
		struct ids got = { .n = 0 };
		for (size_t k = 0; code == OK && k < env->response->excellent_list->n_entries; k++)
			ids_add(&got, env->response->excellent_list->entries[k]->suggestion_id);
		per_case(EXC_LIST, w, inside(w) ? OK : DENIED, code, &got, sees_handled, msg);
		if (env)
			jy_envelope_free(env);
	}
	/* Announce: the liaison committee, once. Refused ones announce nothing. */
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		char year[16];
		snprintf(year, sizeof year, "%d", YEAR);
		int64_t before = sql_id("SELECT count(*) FROM excellent_announcements WHERE year = $1::int", year);
		int code = excellent(w, EXC_ANNOUNCE, NULL, NULL, msg);
		int64_t after = sql_id("SELECT count(*) FROM excellent_announcements WHERE year = $1::int", year);
		if (after != before + (code == OK ? 1 : 0))
			fail_msg("ExcellentAnnounce cell (%s): %s and announcements went from %lld to %lld",
				 w->login, jy_status_str(code), (long long)before, (long long)after);
		cell(EXC_ANNOUNCE, w, "the year's selection", w->role == LIAISON ? OK : DENIED, true, code, true,
		     msg);
	}
}

static void supervision_cells(void)
{
	char msg[256];
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SupervisionListRequest q = JIANYI__SUPERVISION_LIST_REQUEST__INIT;
		q.page_size = 500;
		req.body_case = JIANYI__REQUEST__BODY_SUPERVISION_LIST;
		req.supervision_list = &q;
		Jianyi__Envelope *env = NULL;
		int code = call(w, &req, &env, msg);
		struct ids got = { .n = 0 };
		for (size_t k = 0; code == OK && k < env->response->supervision_list->n_records; k++)
			ids_add(&got, env->response->supervision_list->records[k]->suggestion_id);
		per_case(SUPERVISION_LIST, w, inside(w) ? OK : DENIED, code, &got, sees_handled, msg);
		if (env)
			jy_envelope_free(env);
	}
}

/* ---- reporting and deadlines ---------------------------------------------------------- */

static void stats_deadlines(void)
{
	char msg[256];
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		/* By lead unit: X counts in unit A's row, Y in unit C's. */
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__StatsRequest st = JIANYI__STATS_REQUEST__INIT;
		st.group_by = "unit";
		req.body_case = JIANYI__REQUEST__BODY_STATS;
		req.stats = &st;
		Jianyi__Envelope *env = NULL;
		int code = call(w, &req, &env, msg);
		for (size_t c = 0; c < NCASES; c++) {
			const char *group = cases[c]->lead == 'A' ? UNIT_A : cases[c]->lead == 'C' ? UNIT_C : "(unassigned)";
			int64_t total = 0;
			for (size_t k = 0; code == OK && k < env->response->stats->n_rows; k++)
				if (strcmp(env->response->stats->rows[k]->group, group) == 0)
					total = env->response->stats->rows[k]->total;
			if (total > 1)
				fail_msg("Stats (%s): group %s counts %lld cases, only one leads there", w->login,
					 group, (long long)total);
			cell(STATS, w, cases[c]->name, w->role == PUBLIC ? DENIED : OK, counts_in_stats(w, cases[c]),
			     code, total == 1, msg);
		}
		if (env)
			jy_envelope_free(env);

		Jianyi__DeadlinesRequest dq = JIANYI__DEADLINES_REQUEST__INIT;
		dq.limit = 2000;
		req.body_case = JIANYI__REQUEST__BODY_DEADLINES;
		req.deadlines = &dq;
		code = call(w, &req, &env, msg);
		struct ids got = { .n = 0 };
		for (size_t k = 0; code == OK && k < env->response->deadlines->n_deadlines; k++)
			ids_add(&got, env->response->deadlines->deadlines[k]->suggestion_id);
		per_case(DEADLINES, w, OK, code, &got, sees_deadlines, msg);
		if (env)
			jy_envelope_free(env);
	}
}

/* ---- notices ----------------------------------------------------------------------------- */

static int64_t notice_of(const struct kcase *c)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)c->k.id);
	return sql_id("SELECT min(id) FROM notices WHERE kind <> 'event' AND suggestion_id = $1::bigint", id);
}

/* Reply deadlines of X and Y tomorrow: today's job raises the 1-day
 * reminders (a server's own job may hold the lock for a moment). */
static void raise_notices(void)
{
	for (size_t c = 0; c < NCASES; c++) {
		if (cases[c]->draft)
			continue;
		char id[32];
		snprintf(id, sizeof id, "%lld", (long long)cases[c]->k.id);
		sql_exec("UPDATE suggestions SET reply_deadline = jy_today() + 1 WHERE id = $1::bigint", id);
	}
	for (int tries = 0; tries < 100; tries++) {
		if (sql_id("SELECT jy_raise_notices(jy_today()) + 1", NULL) > 0)
			break;
		usleep(50000);
	}
	assert_true(notice_of(&X) > 0 && notice_of(&Y) > 0);
}

static void inbox_cells(void)
{
	char msg[256];
	raise_notices();
	for (size_t i = 0; i < NACCOUNTS; i++) {
		const struct who *w = &accounts[i];
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__InboxRequest q = JIANYI__INBOX_REQUEST__INIT;
		q.limit = 500;
		req.body_case = JIANYI__REQUEST__BODY_INBOX;
		req.inbox = &q;
		Jianyi__Envelope *env = NULL;
		int code = call(w, &req, &env, msg);
		struct ids got = { .n = 0 };
		/* The deadline reminders (event notices: test_event_notices.c). */
		for (size_t k = 0; code == OK && k < env->response->inbox->n_notices; k++)
			if (strcmp(env->response->inbox->notices[k]->kind, "event") != 0)
				ids_add(&got, env->response->inbox->notices[k]->suggestion_id);
		per_case(INBOX, w, OK, code, &got, gets_notice, msg);
		if (env)
			jy_envelope_free(env);
	}
	/* Marking: one's own notices only; another's is not in one's inbox:
	 * not found rather than permission denied, so the answer does not tell
	 * whether the notice exists; it stays as it was. */
	for (size_t i = 0; i < NACCOUNTS; i++)
		for (size_t c = 0; c < NCASES; c++) {
			if (cases[c]->draft)
				continue;
			const struct who *w = &accounts[i];
			int64_t ids[1] = { notice_of(cases[c]) };
			char nid[32];
			snprintf(nid, sizeof nid, "%lld", (long long)ids[0]);
			const char *read_rows = "SELECT count(*) FROM notice_recipients WHERE notice_id = $1::bigint"
						" AND read_at IS NOT NULL";
			int64_t before = sql_id(read_rows, nid);
			Jianyi__Request req = JIANYI__REQUEST__INIT;
			Jianyi__InboxMarkRequest m = JIANYI__INBOX_MARK_REQUEST__INIT;
			m.n_notice_ids = 1;
			m.notice_ids = ids;
			req.body_case = JIANYI__REQUEST__BODY_INBOX_MARK;
			req.inbox_mark = &m;
			Jianyi__Envelope *env = NULL;
			int code = call(w, &req, &env, msg);
			int64_t marked = code == OK ? env->response->inbox_mark->marked : 0;
			if (env)
				jy_envelope_free(env);
			if (sql_id(read_rows, nid) != before + marked || (code == OK && marked != 1))
				fail_msg("InboxMark cell (%s, notice on %s): %s, marked %lld, read rows %lld -> %lld",
					 w->login, cases[c]->name, jy_status_str(code), (long long)marked,
					 (long long)before, (long long)sql_id(read_rows, nid));
			char target[96];
			snprintf(target, sizeof target, "the notice on %s", cases[c]->name);
			cell(INBOX_MARK, w, target, gets_notice(w, cases[c]) ? OK : NOT_FOUND, true, code, true, msg);
		}
}

/* ---- attachments (docs/WORKFLOW.md "Attachments") -------------------------------------- */

/* One small file (a PDF by its first bytes) and its SHA-256. */
static const char attach_bytes[] = "%PDF-1.4\n矩阵附件\n";
#define ATTACH_SHA256 "ac9243c0a96da4b40aeb8e1353a84879edfbe8e20c909302cff0f75d4964be81"

static int attach_begin(const struct who *w, const struct kcase *c, const char *to, int64_t *id,
			char *msg)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachBeginRequest b = JIANYI__ATTACH_BEGIN_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	b.idempotency_key = new_key();
	b.suggestion_id = c->k.id;
	b.attached_to = (char *)to;
	b.name = "矩阵附件.pdf";
	b.size = sizeof attach_bytes - 1;
	b.sha256 = ATTACH_SHA256;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_BEGIN;
	req.attach_begin = &b;
	int code = call(w, &req, &env, msg);
	*id = code == OK ? env->response->attach_begin->attachment->id : 0;
	if (env)
		jy_envelope_free(env);
	return code;
}

/* Sends the whole file into upload id (put) or finishes it (finish). */
static int attach_step(const struct who *w, bool finish, int64_t id, char *msg)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachPutRequest p = JIANYI__ATTACH_PUT_REQUEST__INIT;
	Jianyi__AttachFinishRequest f = JIANYI__ATTACH_FINISH_REQUEST__INIT;
	Jianyi__Envelope *env = NULL;
	if (finish) {
		f.idempotency_key = new_key();
		f.attachment_id = id;
		req.body_case = JIANYI__REQUEST__BODY_ATTACH_FINISH;
		req.attach_finish = &f;
	} else {
		p.idempotency_key = new_key();
		p.attachment_id = id;
		p.data.data = (uint8_t *)attach_bytes;
		p.data.len = sizeof attach_bytes - 1;
		req.body_case = JIANYI__REQUEST__BODY_ATTACH_PUT;
		req.attach_put = &p;
	}
	int code = call(w, &req, &env, msg);
	if (env)
		jy_envelope_free(env);
	return code;
}

/* Who may begin an upload (docs/WORKFLOW.md "Attachments"): an account
 * inside the congress (the public is refused first), on a case it sees
 * (jy_case_for_update); to the case itself its lead deputy or the liaison
 * committee; to a record (here the contacts the lead unit's clerk recorded
 * on X and Y) someone of the organization that recorded it. The draft D has
 * no contact record: not found, for those who see it. */
static int may_attach(const struct who *w, const struct kcase *c, bool to_case)
{
	if (w->role == PUBLIC || !sees(w, c))
		return DENIED;
	if (to_case)
		return w->role == LIAISON || (w->deputy && strcmp(w->deputy, c->proposer) == 0) ? OK : DENIED;
	if (c->draft)
		return NOT_FOUND;
	return unit(w) && w->org == c->lead ? OK : DENIED;
}

/* Who reads a finished attachment ("Who reads"): whoever sees its case,
 * but the public only those marked public (none here). */
static bool reads_attachment(const struct who *w, const struct kcase *c)
{
	return sees(w, c) && w->role != PUBLIC;
}

static const struct who *account(const char *login)
{
	for (size_t i = 0; i < NACCOUNTS; i++)
		if (strcmp(accounts[i].login, login) == 0)
			return &accounts[i];
	fail_msg("no account %s", login);
	return NULL;
}

/* Begin cells; the uploads to the cases themselves are kept in upload[c]
 * (the liaison's on X and Y, 王明's on his draft D) for the next cells. */
static void attach_begin_cells(int64_t upload[NCASES])
{
	char msg[256];
	for (size_t i = 0; i < NACCOUNTS; i++)
		for (size_t c = 0; c < NCASES; c++)
			for (int to_case = 1; to_case >= 0; to_case--) {
				const struct who *w = &accounts[i];
				int64_t before = sql_id("SELECT count(*) FROM attachments", NULL), id;
				int code = attach_begin(w, cases[c], to_case ? "suggestion" : "contact", &id,
							msg);
				int64_t after = sql_id("SELECT count(*) FROM attachments", NULL);
				if (after != before + (code == OK ? 1 : 0))
					fail_msg("AttachBegin cell (%s, %s): %s and uploads went from %lld to "
						 "%lld", w->login, cases[c]->name, jy_status_str(code),
						 (long long)before, (long long)after);
				char target[160];
				snprintf(target, sizeof target, "%s of %s", to_case ? "the case" : "its contact",
					 cases[c]->name);
				cell(ATTACH_BEGIN, w, target, may_attach(w, cases[c], to_case), true, code, true,
				     msg);
				if (to_case && code == OK &&
				    (w->role == LIAISON || (cases[c]->draft && w->deputy)))
					upload[c] = id;
			}
	for (size_t c = 0; c < NCASES; c++)
		assert_true(upload[c] > 0);
}

/* Put and finish: only the uploader writes to its upload; another's is not
 * found (jy_attach_own), so the answer does not tell whether it exists.
 * The uploader comes last, so that every other finish meets an upload
 * still open. */
static void attach_put_finish_cells(const int64_t upload[NCASES])
{
	char msg[256];
	for (int finish = 0; finish <= 1; finish++)
		for (size_t n = NACCOUNTS; n-- > 0;)
			for (size_t c = 0; c < NCASES; c++) {
				const struct who *w = &accounts[n];
				const struct who *owner = account(cases[c]->draft ? "deputy-wang" : "liaison");
				char target[160];
				if (w == owner)
					continue;
				int code = attach_step(w, finish, upload[c], msg);
				snprintf(target, sizeof target, "%s's upload to %s", owner->login, cases[c]->name);
				cell(finish ? ATTACH_FINISH : ATTACH_PUT, w, target, NOT_FOUND, true, code, true, msg);
			}
	for (int finish = 0; finish <= 1; finish++)
		for (size_t c = 0; c < NCASES; c++) {
			const struct who *owner = account(cases[c]->draft ? "deputy-wang" : "liaison");
			char id[32], target[160];
			snprintf(id, sizeof id, "%lld", (long long)upload[c]);
			int32_t before = version_of(cases[c]);
			int code = attach_step(owner, finish, upload[c], msg);
			snprintf(target, sizeof target, "its own upload to %s", cases[c]->name);
			/* the finish appends the case's "attach" event */
			if (finish)
				write_cell(ATTACH_FINISH, owner, cases[c], OK, before, code, msg);
			else
				cell(ATTACH_PUT, owner, target, OK, true, code,
				     sql_id("SELECT received FROM attachments WHERE id = $1::bigint", id) ==
				     (int64_t)(sizeof attach_bytes - 1), msg);
		}
}

/* Fetch and list the finished ones: readable as reads_attachment says; a
 * case's list is refused when the case is not visible. */
static void attach_read_cells(const int64_t upload[NCASES])
{
	char msg[256];
	for (size_t i = 0; i < NACCOUNTS; i++)
		for (size_t c = 0; c < NCASES; c++) {
			const struct who *w = &accounts[i];
			Jianyi__Request req = JIANYI__REQUEST__INIT;
			Jianyi__AttachFetchRequest f = JIANYI__ATTACH_FETCH_REQUEST__INIT;
			Jianyi__AttachListRequest l = JIANYI__ATTACH_LIST_REQUEST__INIT;
			Jianyi__Envelope *env = NULL;
			f.attachment_id = upload[c];
			f.length = 4096;
			req.body_case = JIANYI__REQUEST__BODY_ATTACH_FETCH;
			req.attach_fetch = &f;
			int code = call(w, &req, &env, msg);
			bool same = code == OK && env->response->attach_fetch->data.len == sizeof attach_bytes - 1 &&
				    memcmp(env->response->attach_fetch->data.data, attach_bytes,
					   sizeof attach_bytes - 1) == 0;
			cell(ATTACH_FETCH, w, cases[c]->name, reads_attachment(w, cases[c]) ? OK : DENIED, true,
			     code, same, msg);
			if (env)
				jy_envelope_free(env);
			env = NULL;
			l.suggestion_id = cases[c]->k.id;
			req.body_case = JIANYI__REQUEST__BODY_ATTACH_LIST;
			req.attach_list = &l;
			code = call(w, &req, &env, msg);
			struct ids got = { .n = 0 };
			for (size_t k = 0; code == OK && k < env->response->attach_list->n_attachments; k++)
				ids_add(&got, env->response->attach_list->attachments[k]->id);
			cell(ATTACH_LIST, w, cases[c]->name, sees(w, cases[c]) ? OK : DENIED,
			     reads_attachment(w, cases[c]), code, has_id(upload[c], got.v, got.n), msg);
			if (env)
				jy_envelope_free(env);
		}
}

static void attachment_cells(void)
{
	int64_t upload[NCASES] = { 0 };
	attach_begin_cells(upload);
	attach_put_finish_cells(upload);
	attach_read_cells(upload);
}

/* ---- the test -------------------------------------------------------------------------- */

static int setup(void **state)
{
	wf_setup(state);
	harness_client_cert(&H, "admin");
	char batch[512];
	snprintf(batch, sizeof batch,
		 "account-add --login admin --name 管理员 --org 公众门户 --roles admin --cert %s/admin.crt\n", H.pki);
	harness_batch(&H, batch);
	return 0;
}

static int teardown(void **state)
{
	if (admin_conn)
		jy_close(admin_conn);
	return wf_teardown(state);
}

static void every_request_type(void **state)
{
	(void)state;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	make_cases();
	ping_whoami();
	get_list_ledger();
	topic_cells();
	excellent_cells();
	supervision_cells();
	stats_deadlines();
	inbox_cells();
	attachment_cells();
	sync_cells();   /* last: every write above is in the feed */
	clock_gettime(CLOCK_MONOTONIC, &t1);

	int cells = 0, yes = 0, no = 0;
	printf("request matrix (%zu accounts, cases X, Y, D; Act is in permission_matrix):\n", NACCOUNTS);
	for (int t = 0; t < NRT; t++) {
		printf("  %-18s %4d cells: %3d allowed / visible, %3d refused / absent\n", rt_names[t],
		       tally[t].cells, tally[t].yes, tally[t].no);
		assert_true(tally[t].cells > 0);
		cells += tally[t].cells;
		yes += tally[t].yes;
		no += tally[t].no;
	}
	printf("request matrix: %d cells over %d request types: %d allowed / visible, %d refused / absent, "
	       "in %.1f s\n", cells, NRT, yes, no,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_request_type, wf_each),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
