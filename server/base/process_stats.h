/* The process metrics Prometheus' client libraries call standard
 * (process_resident_memory_bytes, process_cpu_seconds_total,
 * process_open_fds, process_start_time_seconds), read from /proc/self when
 * /metrics is scraped: a few small reads of procfs, which never wait for a
 * disk. */
#ifndef JY_PROCESS_STATS_H
#define JY_PROCESS_STATS_H

#include <stdbool.h>
#include <event2/buffer.h>

struct jy_process_stats {
	double resident_bytes;
	double cpu_seconds;      /* user + system */
	double open_fds;
	double start_time;       /* unix time */
};

/* false (and zeros) where /proc is missing or unreadable. */
bool jy_process_stats_read(struct jy_process_stats *out);
/* Appends the four metrics (nothing when /proc cannot be read). */
void jy_process_metrics_write(struct evbuffer *out);

#endif
