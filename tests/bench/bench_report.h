/* The figures jianyi-bench prints: a table per side (jianyid, pgbench) and
 * the ratios jianyid / pgbench. Lines starting with RESULT and RATIO are
 * for scripts (key=value, times in microseconds). */
#ifndef JY_BENCH_REPORT_H
#define JY_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_hist.h"
#include "bench_ops.h"

struct bench_report {
	const char *side;           /* "jianyid", "pgbench" */
	const char *mix;
	double seconds;
	struct bench_hist op[OP_N];
	uint64_t errors[OP_N];
};

void report_print(const struct bench_report *r, bool quiet);
/* Throughput and p99 ratios, overall and per operation both sides ran. */
void report_ratios(const struct bench_report *jianyid, const struct bench_report *pgbench);

#endif
