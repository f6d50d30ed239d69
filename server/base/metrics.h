/* Per-server counters for /metrics that no other module keeps already:
 * protocol requests by kind and status code, and their durations as a
 * histogram by kind. session.c's request_reply feeds it with one call; the
 * HTTP side (http_ops.c) prints it with the rest in Prometheus text format. */
#ifndef JY_METRICS_H
#define JY_METRICS_H

#include <stdint.h>
#include <event2/buffer.h>

/* Histogram upper bounds in seconds (plus +Inf), as the issue asks. */
#define JY_METRICS_NBUCKETS 8
extern const double jy_metrics_buckets[JY_METRICS_NBUCKETS];

struct jy_metrics;

struct jy_metrics *jy_metrics_new(void);
void jy_metrics_free(struct jy_metrics *m);

/* One answered request. kind is a string with static lifetime (dispatch's
 * route names); code is the protocol status code. m may be NULL (a server
 * built without metrics, as in some unit tests): then nothing happens. */
void jy_metrics_request(struct jy_metrics *m, const char *kind, int code, uint64_t duration_us);

/* Appends jianyid_requests_total and jianyid_request_duration_seconds. */
void jy_metrics_write_requests(const struct jy_metrics *m, struct evbuffer *out);

#endif
