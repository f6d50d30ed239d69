/* The operations of the benchmark and the requests they send: the write
 * cycle on one case (contact → reply class B → evaluate unsatisfied →
 * plan, which leads back to in_progress; docs/WORKFLOW.md and the
 * transition table in server/api/workflow.c) and the two reads (a case with
 * its timeline; a unit's cases). jianyi-bench sends these requests to
 * jianyid, and the pgbench scripts are made from the very same messages
 * (bench_pgbench.c), so both sides carry the same parameters. */
#ifndef JY_BENCH_OPS_H
#define JY_BENCH_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "jianyi.pb-c.h"

enum bench_op { OP_CONTACT, OP_REPLY, OP_EVALUATE, OP_PLAN, OP_GET, OP_LIST, OP_N };
#define OP_NWRITE 4   /* the first four are the write cycle, in order */

/* Whose certificate an operation needs. */
enum bench_role { ROLE_CLERK, ROLE_HEAD, ROLE_DEPUTY, ROLE_READER, ROLE_N };

const char *bop_name(enum bench_op op);
enum bench_role bop_role(enum bench_op op);
bool bop_is_write(enum bench_op op);
const char *brole_name(enum bench_role r);      /* "clerk" */
/* The workflow action of a write (Jianyi__Action). */
int bop_action(enum bench_op op);

/* The write that a case in state needs next (the cycle resumes wherever a
 * previous run left it); -1 for a state outside the cycle. A case
 * in_progress gets a contact first: an extra contact is harmless, and the
 * reply needs one in its round. */
int bop_for_state(int state);   /* a Jianyi__State */
/* The write after op in the cycle. */
enum bench_op bop_next(enum bench_op op);

/* Values fixed for a run: the plan's promised date (today + 60 days where
 * the congress sits). Call once before building requests. */
void bop_init(void);

/* Storage for one request of any operation. */
struct bench_req {
	Jianyi__Request req;
	Jianyi__ActRequest act;
	Jianyi__ContactParams contact;
	Jianyi__ReplyParams reply;
	Jianyi__EvaluateParams evaluate;
	Jianyi__PlanParams plan;
	Jianyi__GetSuggestionRequest get;
	Jianyi__ListSuggestionsRequest list;
	char key[32];
};

/* A write on case sid at version ver with idempotency key key. */
void bop_write(struct bench_req *r, enum bench_op op, int64_t sid, int32_t ver, uint64_t key);
#define BOP_LIST_PAGE 50

void bop_get(struct bench_req *r, int64_t sid);
void bop_list(struct bench_req *r, int64_t unit_id);
/* A ListSuggestions page for discovering the working set. */
void bop_list_page(struct bench_req *r, int32_t term, int32_t session, int64_t after_id);

#endif
