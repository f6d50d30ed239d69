#include "bench_ops.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct op_info {
	const char *name;
	enum bench_role role;
	int action;
};

/* Who takes each step follows the transition table (server/api/workflow.c):
 * contact and plan by the lead unit's clerk, the reply signed by its head,
 * the evaluation by the proposing deputy. Reads by a liaison officer, who
 * sees every registered case. */
static const struct op_info ops[OP_N] = {
	[OP_CONTACT] = { "contact", ROLE_CLERK, JIANYI__ACTION__ACTION_CONTACT },
	[OP_REPLY] = { "reply", ROLE_HEAD, JIANYI__ACTION__ACTION_REPLY },
	[OP_EVALUATE] = { "evaluate", ROLE_DEPUTY, JIANYI__ACTION__ACTION_EVALUATE },
	[OP_PLAN] = { "plan", ROLE_CLERK, JIANYI__ACTION__ACTION_PLAN },
	[OP_GET] = { "get", ROLE_READER, 0 },
	[OP_LIST] = { "list", ROLE_READER, 0 },
};

static const char *const role_names[ROLE_N] = { "clerk", "head", "deputy", "reader" };

static char promised_date[16];

const char *bop_name(enum bench_op op) { return ops[op].name; }
enum bench_role bop_role(enum bench_op op) { return ops[op].role; }
bool bop_is_write(enum bench_op op) { return op < OP_NWRITE; }
const char *brole_name(enum bench_role r) { return role_names[r]; }
int bop_action(enum bench_op op) { return ops[op].action; }

int bop_for_state(int state)
{
	if (state == JIANYI__STATE__STATE_IN_PROGRESS)
		return OP_CONTACT;
	if (state == JIANYI__STATE__STATE_REPLIED)
		return OP_EVALUATE;
	if (state == JIANYI__STATE__STATE_REHANDLING)
		return OP_PLAN;
	return -1;
}

enum bench_op bop_next(enum bench_op op)
{
	return (enum bench_op)((op + 1) % OP_NWRITE);
}

void bop_init(void)
{
	/* UTC+8 with a margin of days: the date is never in the past for the
	 * database's jy_today(), whatever this machine's time zone. */
	time_t t = time(NULL) + 8 * 3600 + 60 * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(promised_date, sizeof promised_date, "%Y-%m-%d", &tm);
}

void bop_write(struct bench_req *r, enum bench_op op, int64_t sid, int32_t ver, uint64_t key)
{
	memset(r, 0, sizeof *r);
	jianyi__request__init(&r->req);
	jianyi__act_request__init(&r->act);
	r->req.body_case = JIANYI__REQUEST__BODY_ACT;
	r->req.act = &r->act;
	r->act.action = (Jianyi__Action)ops[op].action;
	r->act.suggestion_id = sid;
	r->act.expected_version = ver;
	snprintf(r->key, sizeof r->key, "%" PRIu64, key);
	r->act.idempotency_key = r->key;
	switch (op) {
	case OP_CONTACT:
		jianyi__contact_params__init(&r->contact);
		r->contact.phase = (char *)"during";
		r->contact.method = (char *)"phone";
		r->contact.note = (char *)"电话沟通办理进展，代表要求加快实施。";
		r->act.params_case = JIANYI__ACT_REQUEST__PARAMS_CONTACT;
		r->act.contact = &r->contact;
		break;
	case OP_REPLY:
		jianyi__reply_params__init(&r->reply);
		r->reply.text = (char *)"经研究，该建议已列入年度计划，正在分步实施，预计年底前完成。";
		r->reply.result_class = (char *)"B";
		r->act.params_case = JIANYI__ACT_REQUEST__PARAMS_REPLY;
		r->act.reply = &r->reply;
		break;
	case OP_EVALUATE:
		jianyi__evaluate_params__init(&r->evaluate);
		r->evaluate.attitude = (char *)"satisfied";
		r->evaluate.result = (char *)"unsatisfied";
		r->evaluate.comment = (char *)"进度偏慢，请再研究。";
		r->act.params_case = JIANYI__ACT_REQUEST__PARAMS_EVALUATE;
		r->act.evaluate = &r->evaluate;
		break;
	case OP_PLAN:
		jianyi__plan_params__init(&r->plan);
		r->plan.handler_name = (char *)"张经办";
		r->plan.handler_phone = (char *)"0571-12345678";
		r->plan.plan = (char *)"重新调研，调整方案，分期实施并向代表报告。";
		r->plan.promised_date = promised_date;
		r->act.params_case = JIANYI__ACT_REQUEST__PARAMS_PLAN;
		r->act.plan = &r->plan;
		break;
	default:
		break;
	}
}

void bop_get(struct bench_req *r, int64_t sid)
{
	memset(r, 0, sizeof *r);
	jianyi__request__init(&r->req);
	jianyi__get_suggestion_request__init(&r->get);
	r->get.suggestion_id = sid;
	r->req.body_case = JIANYI__REQUEST__BODY_GET_SUGGESTION;
	r->req.get_suggestion = &r->get;
}

void bop_list(struct bench_req *r, int64_t unit_id)
{
	memset(r, 0, sizeof *r);
	jianyi__request__init(&r->req);
	jianyi__list_suggestions_request__init(&r->list);
	r->list.unit_id = unit_id;
	/* Explicit, so that jianyid binds exactly this limit and the pgbench
	 * script can bind the same (the server's default is also 50). */
	r->list.page_size = BOP_LIST_PAGE;
	r->req.body_case = JIANYI__REQUEST__BODY_LIST_SUGGESTIONS;
	r->req.list_suggestions = &r->list;
}

void bop_list_page(struct bench_req *r, int32_t term, int32_t session, int64_t after_id)
{
	bop_list(r, 0);
	r->list.term = term;
	r->list.session = session;
	r->list.page_size = 500;
	r->list.after_id = after_id;
}
