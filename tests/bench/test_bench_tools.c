/* Unit checks of the benchmark's own logic: the histogram's quantiles,
 * the $n → :variable rewrite that makes pgbench scripts from the server's
 * SQL, and the write cycle against the transition table (server/api/workflow.c),
 * so a change of the rules shows here before a benchmark run refuses
 * requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench_hist.h"
#include "bench_ops.h"
#include "bench_pgbench.h"
#include "statements.h"
#include "workflow.h"

static void hist_quantiles(void **state)
{
	(void)state;
	struct bench_hist *h = calloc(1, sizeof *h);
	assert_int_equal(bh_quantile(h, 0.99), 0);
	for (uint64_t v = 1; v <= 10000; v++)
		bh_record(h, v);
	assert_int_equal(h->count, 10000);
	assert_int_equal(h->max_us, 10000);
	/* within the bucket width (1/16 of the power of two) above the truth */
	uint64_t p50 = bh_quantile(h, 0.5), p99 = bh_quantile(h, 0.99);
	assert_true(p50 >= 5000 && p50 <= 5000 + 5000 / 8);
	assert_true(p99 >= 9900 && p99 <= 10000);
	assert_int_equal(bh_quantile(h, 1.0), 10000);
	struct bench_hist *g = calloc(1, sizeof *g);
	bh_record(g, 3);
	bh_add(g, h);
	assert_int_equal(g->count, 10001);
	assert_int_equal(bh_quantile(g, 0.00001), 1);
	free(h);
	free(g);
}

static void substitute(void **state)
{
	(void)state;
	const char *names[11] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k" };
	char *s = pgb_substitute("SELECT f($1::bigint, $10, $11::text, $2) || '$12' || $1", 11, names);
	assert_string_equal(s, "SELECT f(:a::bigint, :j, :k::text, :b) || '$12' || :a");
	free(s);
	/* the server's statement: every $n replaced, nothing else touched */
	const char *act[9] = { "actor0", "action0", "sid", "ver", "tr0", "rel0", "params0", "key", "hash0" };
	s = pgb_substitute(jy_statements[STMT_ACT].sql, jy_statements[STMT_ACT].nparams, act);
	assert_non_null(strstr(s, "jy_act(:actor0::bigint, :action0::text, :sid::bigint, :ver::int,"));
	assert_null(strchr(s, '$'));
	free(s);
}

static void cycle_follows_the_transition_table(void **state)
{
	(void)state;
	static const enum wf_role role_of[ROLE_N] = {
		[ROLE_CLERK] = WF_ROLE_UNIT_CLERK, [ROLE_HEAD] = WF_ROLE_UNIT_HEAD,
		[ROLE_DEPUTY] = WF_ROLE_DEPUTY, [ROLE_READER] = WF_ROLE_LIAISON_OFFICER,
	};
	enum wf_state s = WF_IN_PROGRESS;
	enum bench_op op = (enum bench_op)bop_for_state(JIANYI__STATE__STATE_IN_PROGRESS);
	assert_int_equal(op, OP_CONTACT);
	for (int step = 0; step < 2 * OP_NWRITE; step++) {
		assert_true(bop_is_write(op));
		assert_true(wf_allows(s, (enum wf_action)bop_action(op), role_of[bop_role(op)]));
		s = wf_next(s, (enum wf_action)bop_action(op));
		/* jy_act refines evaluate: an unsatisfied answer leads to rehandling */
		if (op == OP_EVALUATE)
			s = WF_REHANDLING;
		op = bop_next(op);
		assert_int_equal(bop_for_state(s + 1) == (int)OP_EVALUATE, s == WF_REPLIED);
	}
	assert_int_equal(s, WF_IN_PROGRESS);
	assert_int_equal(bop_for_state(JIANYI__STATE__STATE_CLOSED), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hist_quantiles),
		cmocka_unit_test(substitute),
		cmocka_unit_test(cycle_follows_the_transition_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
