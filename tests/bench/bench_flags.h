/* jianyi-bench's command line: every flag checked, a clear error for each
 * bad value, --help with what each does. */
#ifndef JY_BENCH_FLAGS_H
#define JY_BENCH_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_conn.h"
#include "bench_ops.h"

enum bench_mix { MIX_WRITE, MIX_READ, MIX_MIXED };

#define BF_MAX_UNITS 64

struct bench_flags {
	struct bench_target target;
	char server_name[256];
	const char *ca;
	const char *certs;
	const char *login[ROLE_N];
	int clients;
	int in_flight;
	double seconds;
	double warmup;              /* seconds sent first and not counted, each side */
	uint64_t requests;          /* 0: run for seconds */
	enum bench_mix mix;
	int32_t term, session;      /* the working set */
	int offset;                 /* cases of the working set to skip */
	int64_t get_lo, get_hi;
	int64_t units[BF_MAX_UNITS];
	int nunits;
	const char *pgbench_conninfo;   /* NULL: no pgbench comparison */
	const char *pgbench_dir;
	const char *pgbench_program;
	int pgbench_jobs;
	int pgbench_offset;         /* -1: right after jianyid's cases */
	bool settle;                /* VACUUM ANALYZE before each side */
	int idle;                   /* >0: only hold this many idle sessions */
	bool quiet;
};

/* Parses argv; on a bad flag prints why and exits 2; --help exits 0. */
void bench_flags_parse(struct bench_flags *f, int argc, char **argv);
const char *bench_mix_name(enum bench_mix m);

#endif
