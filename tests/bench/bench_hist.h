/* A latency histogram with logarithmic buckets (HDR-like): 16 sub-buckets
 * per power of two of microseconds, so any recorded value is reported
 * within about 6 %, in fixed memory, and histograms of several workers or
 * runs simply add up. */
#ifndef JY_BENCH_HIST_H
#define JY_BENCH_HIST_H

#include <stdint.h>

#define BH_SUB_BITS 4
#define BH_SUB (1u << BH_SUB_BITS)
#define BH_BUCKETS (64u * BH_SUB)

struct bench_hist {
	uint64_t count;
	uint64_t sum_us;
	uint64_t max_us;
	uint64_t bucket[BH_BUCKETS];
};

void bh_record(struct bench_hist *h, uint64_t us);
void bh_add(struct bench_hist *into, const struct bench_hist *from);
/* The value (µs) below which a fraction q (0..1) of the recorded values
 * fall: the upper edge of the bucket holding it, capped at the maximum.
 * 0 when nothing was recorded. */
uint64_t bh_quantile(const struct bench_hist *h, double q);

#endif
