#include "bench_hist.h"

/* Values below BH_SUB µs get one bucket each; above, the bucket is the
 * power of two (the exponent) and the next BH_SUB_BITS bits below the top
 * bit. */
static unsigned bucket_of(uint64_t v)
{
	if (v < BH_SUB)
		return (unsigned)v;
	unsigned top = 63u - (unsigned)__builtin_clzll(v);      /* >= BH_SUB_BITS */
	unsigned sub = (unsigned)(v >> (top - BH_SUB_BITS)) & (BH_SUB - 1);
	return (top - BH_SUB_BITS + 1) * BH_SUB + sub;
}

/* The largest value that falls in bucket b. */
static uint64_t bucket_top(unsigned b)
{
	if (b < BH_SUB)
		return b;
	unsigned top = b / BH_SUB + BH_SUB_BITS - 1, sub = b % BH_SUB;
	uint64_t low = ((uint64_t)(BH_SUB + sub)) << (top - BH_SUB_BITS);
	return low + (1ull << (top - BH_SUB_BITS)) - 1;
}

void bh_record(struct bench_hist *h, uint64_t us)
{
	unsigned b = bucket_of(us);
	if (b >= BH_BUCKETS)
		b = BH_BUCKETS - 1;
	h->bucket[b]++;
	h->count++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

void bh_add(struct bench_hist *into, const struct bench_hist *from)
{
	for (unsigned b = 0; b < BH_BUCKETS; b++)
		into->bucket[b] += from->bucket[b];
	into->count += from->count;
	into->sum_us += from->sum_us;
	if (from->max_us > into->max_us)
		into->max_us = from->max_us;
}

uint64_t bh_quantile(const struct bench_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	/* the rank of the value wanted, 1-based: ceil(q * count) */
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	uint64_t seen = 0;
	for (unsigned b = 0; b < BH_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			uint64_t v = bucket_top(b);
			return v < h->max_us ? v : h->max_us;
		}
	}
	return h->max_us;
}
