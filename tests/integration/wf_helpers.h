/* Small helpers for the workflow end-to-end tests: build one ActRequest
 * (params inline, a fresh idempotency key), send it, and hand back the
 * status and the response; read a case (GetSuggestion) and list cases. */
#ifndef JY_WF_HELPERS_H
#define JY_WF_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

/* One ActRequest with storage for every kind of params. wf_act_init points
 * req.params at the member matching the action; fill it, then wf_do. */
struct wf_act {
	Jianyi__ActRequest req;
	char key[64];
	Jianyi__CreateParams create;
	Jianyi__ReasonParams reason;
	Jianyi__RegisterParams reg;
	Jianyi__MergeParams merge;
	Jianyi__ConvertParams convert;
	Jianyi__AssignParams assign;
	Jianyi__PlanParams plan;
	Jianyi__ContactParams contact;
	Jianyi__OpinionParams opinion;
	Jianyi__ExtendParams extend;
	Jianyi__ApproveExtensionParams approve;
	Jianyi__ReplyParams reply;
	Jianyi__FollowUpParams follow_up;
	Jianyi__EvaluateParams evaluate;
	Jianyi__SuperviseParams supervise;
};

void wf_act_init(struct wf_act *a, int action, int64_t suggestion_id, int32_t expected_version);
/* Wraps the act in a Request (storage in *req / caller-provided). */
void wf_request(Jianyi__Request *req, struct wf_act *a);

/* The outcome of one call. env is owned (wf_res_free). */
struct wf_res {
	int code;
	char message[512];
	char field[160];                   /* first field violation, "" if none */
	Jianyi__Envelope *env;
	const Jianyi__ActResponse *act;    /* when the body is an ActResponse */
	const Jianyi__Suggestion *sug;     /* act->suggestion */
};

int wf_do(struct jy_client *c, struct wf_act *a, struct wf_res *r);
void wf_res_free(struct wf_res *r);
/* Fills r from a received envelope (takes ownership). */
void wf_res_from_env(struct wf_res *r, Jianyi__Envelope *env, const struct jy_error *e);

/* GetSuggestion: returns the code; on OK *out is the response envelope. */
int wf_get(struct jy_client *c, int64_t id, Jianyi__Envelope **out, char *msg, size_t msglen);
/* GetSuggestion that must succeed. */
Jianyi__Envelope *wf_get_ok(struct jy_client *c, int64_t id);

/* ListSuggestions with a filled request; returns code, *out on OK. */
int wf_list(struct jy_client *c, Jianyi__ListSuggestionsRequest *l, Jianyi__Envelope **out,
	    char *msg, size_t msglen);

/* Whether r names field (in its violations or message). */
bool wf_names(const struct wf_res *r, const char *field);

const char *wf_action_name(int action);
/* Today + days as YYYY-MM-DD, today being the congress's (UTC+8). */
void wf_date(char *buf, size_t len, int days);
/* Adds months (calendar, day clamped) to today. */
void wf_date_months(char *buf, size_t len, int months);
/* Days between two YYYY-MM-DD dates (b - a). */
long wf_days_between(const char *a, const char *b);

#endif
