/* pgbench on the same SQL as jianyid: the scripts are generated from the
 * server's own statements (server/db/statements.c: STMT_ACT,
 * STMT_GET_SUGGESTION, STMT_LIST_SUGGESTIONS) by replacing each $n with a
 * pgbench variable, so the two cannot drift apart; the values are those
 * jianyid binds for the same requests (bench_ops.c builds the messages,
 * pbjson turns params and filters into the same JSON, handle_act's own
 * act_transitions and act_request_hash and the transition table give the
 * rest). pgbench runs with -M prepared (jianyid
 * prepares every statement too), one client per jianyi-bench in-flight
 * slot, against the same database, and its per-transaction log gives
 * per-operation latencies. */
#ifndef JY_BENCH_PGBENCH_H
#define JY_BENCH_PGBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_hist.h"
#include "bench_ops.h"

struct pgb_account {
	int64_t id;
	uint32_t roles;         /* bit per enum wf_role, as jianyid sees them */
};

struct pgb_spec {
	const char *pgbench;     /* program, "pgbench" by default */
	const char *conninfo;    /* the database jianyid uses */
	const char *dir;         /* scripts and logs go here */
	int clients;             /* = jianyi-bench clients x in flight */
	int threads;             /* pgbench -j */
	double seconds;          /* counted */
	double warmup;           /* -T is warmup + seconds; what ends in the
	                          * first warmup seconds is not counted */
	unsigned weight[3];      /* write cycle, get, list; 0 leaves a script out */
	struct pgb_account acct[ROLE_N];   /* per enum bench_role */
	/* The write cycle: client c takes the case at position offset + c of
	 * the working set (term, session) ordered by id. */
	int32_t term, session;
	int offset;
	/* Reads: ids lo..hi; list pages of these units. */
	int64_t get_lo, get_hi;
	const int64_t *units;
	int nunits;
	uint64_t key_base;       /* idempotency keys start here (never reused) */
};

struct pgb_result {
	double tps;              /* pgbench's, without connection time */
	uint64_t transactions;
	uint64_t failed;
	struct bench_hist op[OP_N];
	struct bench_hist all;
	/* The write cycle's check: versions moved by exactly the number of
	 * write transactions logged (a refused write would not move one). */
	uint64_t writes_logged, versions_moved;
	uint64_t warmup_transactions;   /* logged, not counted */
};

/* Writes the scripts, runs pgbench, reads its output and log. False with
 * err set when something could not be run or read. */
bool pgb_run(const struct pgb_spec *spec, struct pgb_result *res, char *err, size_t errlen);

/* VACUUM ANALYZE through conninfo (the tables its user owns: all of
 * jianyid's). False with err set on failure. */
bool pgb_settle(const char *conninfo, char *err, size_t errlen);

/* The statement text with $n replaced by ":" names[n-1] (pgbench
 * variables); the caller frees it. Exposed for the unit check. */
char *pgb_substitute(const char *sql, int nparams, const char *const *names);

#endif
