/* Per-server counters for /metrics that no other module keeps already:
 * protocol requests by kind and status code, their durations as a
 * histogram by kind, and the network layer's event counters (enum
 * jy_counter). The network layer counts through these functions only;
 * session.c's request_reply feeds a request with one call; the HTTP side
 * (http_ops.c) prints them with the rest in Prometheus text format. */
#ifndef JY_METRICS_H
#define JY_METRICS_H

#include <stdint.h>
#include <event2/buffer.h>

/* Histogram upper bounds in seconds (plus +Inf), as the issue asks. */
#define JY_METRICS_NBUCKETS 8
extern const double jy_metrics_buckets[JY_METRICS_NBUCKETS];

struct jy_metrics;

/* A histogram over jy_metrics_buckets, in microseconds as observed; each
 * observation counts in its first bucket only, the writer sums them up. */
struct jy_histogram {
	uint64_t buckets[JY_METRICS_NBUCKETS];
	uint64_t count;
	uint64_t sum_us;
};
void jy_histogram_observe(struct jy_histogram *h, uint64_t us);
/* Appends the _bucket, _sum and _count lines of name{labels,le=...}; labels
 * is "" or 'key="value"'. HELP and TYPE are the caller's. */
void jy_histogram_write(const struct jy_histogram *h, const char *name, const char *labels,
			struct evbuffer *out);

/* Appends one metric without labels with its HELP and TYPE lines. */
void jy_metric_write(struct evbuffer *out, const char *name, const char *type, const char *help,
		     double value);

/* Events the network layer counts (net/). */
enum jy_counter {
	JY_SESSIONS_TOTAL,      /* protocol connections accepted */
	JY_SESSIONS_REFUSED,    /* refused: over the limit, draining, unknown certificate */
	JY_HANDSHAKES_REFUSED,  /* closed at accept: max_handshakes reached */
	JY_TLS_FULL,            /* completed handshakes, full */
	JY_TLS_RESUMED,         /* completed handshakes, resumed with a ticket */
	JY_PARTIAL_REFUSED,     /* sessions refused over max_partial_bytes */
	JY_REQUESTS_READ,       /* requests read and dispatched */
	JY_REQUESTS_FAILED,     /* answered with a status other than ok */
	JY_NCOUNTERS
};

struct jy_metrics *jy_metrics_new(void);
void jy_metrics_free(struct jy_metrics *m);

/* One answered request. kind is a string with static lifetime (dispatch's
 * route names); code is the protocol status code. m may be NULL (a server
 * built without metrics, as in some unit tests): then nothing happens. */
void jy_metrics_request(struct jy_metrics *m, const char *kind, int code, uint64_t duration_us);

/* Adds one to counter c; m may be NULL, as above. */
void jy_metrics_count(struct jy_metrics *m, enum jy_counter c);
/* Counter c's value (0 when m is NULL). */
uint64_t jy_metrics_counter(const struct jy_metrics *m, enum jy_counter c);

/* Appends jianyid_requests_total and jianyid_request_duration_seconds. */
void jy_metrics_write_requests(const struct jy_metrics *m, struct evbuffer *out);

#endif
