/* Small helpers the TLS, Ping and reconnect benchmarks share: a process's
 * CPU time and RSS from /proc, the clock, a blocking TCP connection to
 * loopback, and a benchmark length from the environment. */
#ifndef JY_BENCH_UTIL_H
#define JY_BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* utime + stime of pid (all its threads), in seconds; -1 if unreadable. */
double bench_cpu_seconds(pid_t pid);
/* VmRSS of pid in KiB; -1 if unreadable. */
long bench_rss_kib(pid_t pid);
/* Monotonic clock in seconds. */
double bench_now(void);
/* A connected, blocking TCP socket to 127.0.0.1:port with TCP_NODELAY;
 * -1 with errno set. */
int bench_tcp_connect(int port);
/* An integer from the environment within [lo, hi], else dflt. */
long bench_env_long(const char *name, long dflt, long lo, long hi);
/* Raises the soft open-files limit to the hard one. */
void bench_raise_nofile(void);
/* Prints `date -u` and the load average, so every figure carries them. */
void bench_print_conditions(void);

#endif
