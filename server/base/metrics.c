#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "xalloc.h"

const double jy_metrics_buckets[JY_METRICS_NBUCKETS] = { .001, .005, .01, .05, .1, .5, 1, 5 };

/* Kinds are a small fixed set (dispatch's routes, plus hello and errors), so
 * a linear table is enough; codes are the protocol's status codes, which fit
 * in a small array. Past the caps, requests count under kind "other" /
 * code "unknown" rather than growing without bound. */
#define MAX_KINDS 64
#define MAX_CODES 32

struct kind_stats {
	const char *kind;
	uint64_t by_code[MAX_CODES + 1];           /* [MAX_CODES]: out of range */
	uint64_t buckets[JY_METRICS_NBUCKETS];     /* cumulative at write time, not here */
	uint64_t count;
	uint64_t sum_us;
};

struct jy_metrics {
	struct kind_stats kinds[MAX_KINDS];
	unsigned nkinds;
	uint64_t counters[JY_NCOUNTERS];
};

struct jy_metrics *jy_metrics_new(void)
{
	return jy_xcalloc(1, sizeof(struct jy_metrics));
}

void jy_metrics_free(struct jy_metrics *m)
{
	free(m);
}

static struct kind_stats *find_kind(struct jy_metrics *m, const char *kind)
{
	if (!kind)
		kind = "unknown";
	for (unsigned i = 0; i < m->nkinds; i++)
		if (m->kinds[i].kind == kind || strcmp(m->kinds[i].kind, kind) == 0)
			return &m->kinds[i];
	if (m->nkinds < MAX_KINDS - 1 || (m->nkinds == MAX_KINDS - 1 && strcmp(kind, "other") == 0)) {
		m->kinds[m->nkinds].kind = kind;
		return &m->kinds[m->nkinds++];
	}
	return find_kind(m, "other");
}

void jy_metrics_count(struct jy_metrics *m, enum jy_counter c)
{
	if (m)
		m->counters[c]++;
}

uint64_t jy_metrics_counter(const struct jy_metrics *m, enum jy_counter c)
{
	return m ? m->counters[c] : 0;
}

void jy_metrics_request(struct jy_metrics *m, const char *kind, int code, uint64_t duration_us)
{
	if (!m)
		return;
	if (code != 0)
		m->counters[JY_REQUESTS_FAILED]++;
	struct kind_stats *k = find_kind(m, kind);
	k->by_code[code >= 0 && code < MAX_CODES ? code : MAX_CODES]++;
	k->count++;
	k->sum_us += duration_us;
	/* Count only in the first bucket that holds it; the writer sums them up
	 * into Prometheus' cumulative buckets. */
	for (int b = 0; b < JY_METRICS_NBUCKETS; b++)
		if ((double)duration_us <= jy_metrics_buckets[b] * 1e6) {
			k->buckets[b]++;
			break;
		}
}

void jy_metrics_write_requests(const struct jy_metrics *m, struct evbuffer *out)
{
	evbuffer_add_printf(out,
		"# HELP jianyid_requests_total Protocol requests answered, by kind and status code.\n"
		"# TYPE jianyid_requests_total counter\n");
	for (unsigned i = 0; m && i < m->nkinds; i++) {
		const struct kind_stats *k = &m->kinds[i];
		for (int c = 0; c <= MAX_CODES; c++)
			if (k->by_code[c])
				evbuffer_add_printf(out, "jianyid_requests_total{kind=\"%s\",code=\"%s\"} %llu\n",
						    k->kind, c < MAX_CODES ? jy_status_name(c) : "unknown",
						    (unsigned long long)k->by_code[c]);
	}
	evbuffer_add_printf(out,
		"# HELP jianyid_request_duration_seconds Time from reading a request to answering it.\n"
		"# TYPE jianyid_request_duration_seconds histogram\n");
	for (unsigned i = 0; m && i < m->nkinds; i++) {
		const struct kind_stats *k = &m->kinds[i];
		uint64_t cum = 0;
		for (int b = 0; b < JY_METRICS_NBUCKETS; b++) {
			cum += k->buckets[b];
			evbuffer_add_printf(out,
				"jianyid_request_duration_seconds_bucket{kind=\"%s\",le=\"%g\"} %llu\n",
				k->kind, jy_metrics_buckets[b], (unsigned long long)cum);
		}
		evbuffer_add_printf(out,
			"jianyid_request_duration_seconds_bucket{kind=\"%s\",le=\"+Inf\"} %llu\n"
			"jianyid_request_duration_seconds_sum{kind=\"%s\"} %.6f\n"
			"jianyid_request_duration_seconds_count{kind=\"%s\"} %llu\n",
			k->kind, (unsigned long long)k->count, k->kind, (double)k->sum_us / 1e6,
			k->kind, (unsigned long long)k->count);
	}
}
