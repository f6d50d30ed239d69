#include "bench_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void total(const struct bench_report *r, struct bench_hist *all, uint64_t *errors)
{
	memset(all, 0, sizeof *all);
	*errors = 0;
	for (int op = 0; op < OP_N; op++) {
		bh_add(all, &r->op[op]);
		*errors += r->errors[op];
	}
}

static void row(const struct bench_report *r, const char *name, const struct bench_hist *h,
		uint64_t errors, bool quiet)
{
	double rps = r->seconds > 0 ? (double)h->count / r->seconds : 0;
	if (!quiet)
		printf("  %-9s %9" PRIu64 " %7" PRIu64 " %9.1f %8.2f %8.2f %9.2f %8.2f\n", name, h->count,
		       errors, rps, (double)bh_quantile(h, 0.5) / 1000.0, (double)bh_quantile(h, 0.99) / 1000.0,
		       (double)bh_quantile(h, 0.999) / 1000.0, (double)h->max_us / 1000.0);
	printf("RESULT side=%s mix=%s op=%s count=%" PRIu64 " errors=%" PRIu64 " seconds=%.2f rps=%.1f"
	       " p50_us=%" PRIu64 " p99_us=%" PRIu64 " p999_us=%" PRIu64 " max_us=%" PRIu64 "\n",
	       r->side, r->mix, name, h->count, errors, r->seconds, rps, bh_quantile(h, 0.5),
	       bh_quantile(h, 0.99), bh_quantile(h, 0.999), h->max_us);
}

void report_print(const struct bench_report *r, bool quiet)
{
	if (!quiet)
		printf("  %-9s %9s %7s %9s %8s %8s %9s %8s\n", "operation", "count", "errors", "per s",
		       "p50 ms", "p99 ms", "p99.9 ms", "max ms");
	for (int op = 0; op < OP_N; op++)
		if (r->op[op].count || r->errors[op])
			row(r, bop_name((enum bench_op)op), &r->op[op], r->errors[op], quiet);
	struct bench_hist all;
	uint64_t errors;
	total(r, &all, &errors);
	row(r, "all", &all, errors, quiet);
}

static void ratio(const char *mix, const char *name, const struct bench_hist *j, double js,
		  const struct bench_hist *p, double ps)
{
	if (!j->count || !p->count)
		return;
	double jr = (double)j->count / js, pr = (double)p->count / ps;
	double j99 = (double)bh_quantile(j, 0.99), p99 = (double)bh_quantile(p, 0.99);
	printf("RATIO mix=%s op=%s throughput=%.2f p99=%.2f (jianyid/pgbench: %.1f/%.1f per s, p99 %.2f/%.2f ms)\n",
	       mix, name, jr / pr, p99 > 0 ? j99 / p99 : 0, jr, pr, j99 / 1000.0, p99 / 1000.0);
}

void report_ratios(const struct bench_report *j, const struct bench_report *p)
{
	for (int op = 0; op < OP_N; op++)
		ratio(j->mix, bop_name((enum bench_op)op), &j->op[op], j->seconds, &p->op[op], p->seconds);
	struct bench_hist ja, pa;
	uint64_t e;
	total(j, &ja, &e);
	total(p, &pa, &e);
	ratio(j->mix, "all", &ja, j->seconds, &pa, p->seconds);
}
