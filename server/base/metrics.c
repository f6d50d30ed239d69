#include "metrics.h"

#include <stdio.h>
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
	struct jy_histogram duration;
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
	jy_histogram_observe(&k->duration, duration_us);
}

void jy_histogram_observe(struct jy_histogram *h, uint64_t us)
{
	h->count++;
	h->sum_us += us;
	/* Count only in the first bucket that holds it; the writer sums them up
	 * into Prometheus' cumulative buckets. */
	for (int b = 0; b < JY_METRICS_NBUCKETS; b++)
		if ((double)us <= jy_metrics_buckets[b] * 1e6) {
			h->buckets[b]++;
			break;
		}
}

void jy_histogram_write(const struct jy_histogram *h, const char *name, const char *labels,
			struct evbuffer *out)
{
	const char *sep = labels[0] ? "," : "";
	uint64_t cum = 0;
	for (int b = 0; b < JY_METRICS_NBUCKETS; b++) {
		cum += h->buckets[b];
		evbuffer_add_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
				    jy_metrics_buckets[b], (unsigned long long)cum);
	}
	evbuffer_add_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
			    (unsigned long long)h->count);
	if (labels[0])
		evbuffer_add_printf(out, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, labels,
				    (double)h->sum_us / 1e6, name, labels, (unsigned long long)h->count);
	else
		evbuffer_add_printf(out, "%s_sum %.6f\n%s_count %llu\n", name, (double)h->sum_us / 1e6,
				    name, (unsigned long long)h->count);
}

void jy_metric_write(struct evbuffer *out, const char *name, const char *type, const char *help,
		     double value)
{
	/* %.15g: integers (a unix time too) print whole, fractions keep milliseconds. */
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.15g\n", name, help, name, type,
			    name, value);
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
		char labels[96];
		snprintf(labels, sizeof labels, "kind=\"%s\"", m->kinds[i].kind);
		jy_histogram_write(&m->kinds[i].duration, "jianyid_request_duration_seconds", labels, out);
	}
}
