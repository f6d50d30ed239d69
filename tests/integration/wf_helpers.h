/* Small helpers for the workflow end-to-end tests: build one ActRequest
 * (params inline, a fresh idempotency key), send it, and hand back the
 * status and the response; read a case (GetSuggestion) and list cases.
 * Also the fixture the workflow tests and the workflow throughput bench
 * share: the accounts (one per role), one server, a connection per login,
 * and cases brought to a stage of the workflow. */
#ifndef JY_WF_HELPERS_H
#define JY_WF_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

/* An act is libjianyi's struct jy_act (jianyi.h): wf_act_init readies it
 * (jy_act_init) with a fresh idempotency key; fill the params, then wf_do. */
void wf_act_init(struct jy_act *a, int action, int64_t suggestion_id, int32_t expected_version);
/* Makes a (a submit) drop the n listed co-signers ids[] who never
 * confirmed (SubmitParams.remove_cosigner_deputy_ids). */
void wf_submit_removing(struct jy_act *a, int64_t *ids, size_t n);
/* Wraps the act in a Request (storage in *req / caller-provided). */
void wf_request(Jianyi__Request *req, struct jy_act *a);

/* The outcome of one call. env is owned (wf_res_free). */
struct wf_res {
	int code;
	char message[512];
	char field[160];                   /* first field violation, "" if none */
	Jianyi__Envelope *env;
	const Jianyi__ActResponse *act;    /* when the body is an ActResponse */
	const Jianyi__Suggestion *sug;     /* act->suggestion */
};

int wf_do(struct jy_client *c, struct jy_act *a, struct wf_res *r);
void wf_res_free(struct wf_res *r);
/* Fills r from a received envelope (takes ownership). */
void wf_res_from_env(struct wf_res *r, Jianyi__Envelope *env, const struct jy_error *e);

/* Any request: returns the status code; on OK *out is the response
 * envelope (owned by the caller), else NULL and msg (if given) the message. */
int wf_call(struct jy_client *c, Jianyi__Request *req, Jianyi__Envelope **out, char *msg,
	    size_t msglen);

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
/* date + days into buf (YYYY-MM-DD). */
void wf_date_add(char *buf, size_t len, const char *date, int days);
/* date, or the Monday after it when it falls on a weekend: a deadline under
 * a calendar without exceptions (docs/WORKFLOW.md "Deadlines"). */
void wf_weekday_on_or_after(char *buf, size_t len, const char *date);

/* ---- the shared fixture --------------------------------------------------- */

#define A(x) JIANYI__ACTION__ACTION_##x
#define OK 0
#define INVALID JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT
#define NOT_FOUND JIANYI__STATUS_CODE__STATUS_NOT_FOUND
#define DENIED JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED
#define PRECOND JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION
#define CONFLICT JIANYI__STATUS_CODE__STATUS_CONFLICT

/* The harness (PostgreSQL, PKI) and the server of the fixture. */
extern struct harness H;
extern struct server_proc S;

/* Organizations and deputies (ids looked up after loading). */
#define UNIT_A "县交通运输局"
#define UNIT_B "县住房和城乡建设局"
#define UNIT_C "县财政局"
#define UNIT_D "县教育局"          /* made by harness_init; bob works there */
#define WANG "王明"
#define LI "李华"
#define ZHAO "赵强"
#define SUN "孙丽"
extern int64_t unit_a, unit_b, unit_c, unit_d, committee_id;
extern int64_t dep_wang, dep_li, dep_zhao, dep_sun;

/* Loads the organizations, deputies and one account per role (liaison, gov,
 * a-clerk, a-head, b-clerk, b-head, c-clerk, c-head, cmte, leader,
 * deputy-wang/li/zhao/sun, visitor; bob is the harness's) and starts jianyid
 * with server_extra (see server_start). */
void wf_fixture_up(const char *server_extra);
/* cmocka group setup/teardown: wf_fixture_up(NULL), and everything down. */
int wf_setup(void **state);
int wf_teardown(void **state);
/* cmocka per-test setup: nothing recorded. */
int wf_each(void **state);

/* The connection of a login, made on first use. */
struct jy_client *cx(const char *who);
/* Drops a connection (NULL: all), after the server closed it or a restart. */
void cx_drop(const char *who);

/* One value (or 0) of a query with at most one text parameter. */
int64_t sql_id(const char *query, const char *arg);
/* A command with one text parameter; it must succeed. */
void sql_exec(const char *query, const char *arg);

/* ---- cases and steps ---------------------------------------------------- */

struct kase {
	int64_t id;
	int32_t version;
	char state[32];
};

/* What a scenario did, to compare with the timeline at the end: while
 * recording is set, ok_step appends to it (up to maxrecorded). */
struct step_rec {
	char kind[32];
	char actor[32];
	char from[32];
	char to[32];
};
extern struct step_rec *recording;
extern size_t nrecorded, maxrecorded;

/* Whether state is one of "a|b|c". */
bool state_in(const char *state, const char *alternatives);
/* Sends a as who; it must succeed, move k to a state in expect ("a|b"; NULL:
 * any) and add exactly one version. Keeps the result in *keep if given. */
void ok_step(const char *who, struct jy_act *a, struct kase *k, const char *expect,
	     struct wf_res *keep);
/* The last form of an evaluation round (docs/WORKFLOW.md "Evaluation rounds"):
 * as ok_step, but two versions (the form, then the outcome event) and the case
 * in a state in expect. */
void ok_closing_step(const char *who, struct jy_act *a, struct kase *k, const char *expect);
/* Valid params for action a (so that only role/state/relation decide). */
void valid_params(struct jy_act *a, int action);
/* action with valid params as who on k; see ok_step. */
void act(const char *who, int action, struct kase *k, const char *expect);

enum stage {
	ST_DRAFT, ST_SUBMITTED, ST_REGISTERED, ST_ASSIGNED, ST_ACCEPTED,
	ST_IN_PROGRESS_NOCONTACT, ST_IN_PROGRESS, ST_REPLIED, ST_NSTAGES
};
/* A new case by deputy-wang brought to stage. joint: li (confirmed) and zhao
 * (never confirms) are listed; the submission drops zhao (an unconfirmed
 * co-signer blocks it). Units: lead A, co B. */
void prepare(struct kase *k, enum stage stage, const char *title, bool joint);

bool has_string(char **list, size_t n, const char *s);
/* The id of the case's latest extension (from the extend event's details,
 * else the database). */
int64_t extension_id_of(const struct kase *k);

/* n cases in progress inserted with SQL as the database owner, numbered 1..n
 * in (term, session) (which must be unused): by deputy-wang, unit A leading
 * and B co-handling, each with the six events its version counts. For
 * exports and benchmarks that need many rows fast. */
void wf_bulk_cases(int n, int term, int session);

/* A GET on the fixture server's HTTP side (S.http_port). */
struct wf_http {
	int status;
	char *head;   /* status line and headers */
	char *body;
};
/* A connected socket with a 10 s receive timeout; fails the test if not. */
int wf_http_connect(void);
int wf_http_connect_port(int port);
/* GET target (already percent-encoded), HTTP/1.0, the whole answer; fails
 * the test on a transport error. Free with wf_http_free. */
void wf_http_get(const char *target, struct wf_http *r);
/* The same on another port (S.metrics_port: /metrics). */
void wf_http_get_port(int port, const char *target, struct wf_http *r);
void wf_http_free(struct wf_http *r);

#endif
