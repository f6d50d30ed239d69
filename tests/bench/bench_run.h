/* Runs jianyi-bench (the JIANYI_BENCH program) against the fixture's
 * server (tests/integration/wf_helpers.h) and the loaded county, echoing
 * its output; shared by the bench suite's tests. */
#ifndef JY_BENCH_RUN_H
#define JY_BENCH_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "county.h"

/* Environment knobs of the bench tests, with the short CI defaults. */
int bench_env_int(const char *name, int def);

/* jianyi-bench with the fixture's address, certificates and the county's
 * read ids and units, then extra (NULL-terminated). Returns its exit
 * status; *rps (if given) gets the "jianyid ... op=all" throughput. */
int bench_run(const struct county *c, const char *const *extra, double *rps);

/* Starts jianyi-bench --idle n; returns once it printed IDLE READY (its
 * stdin is *hold: close it to let the sessions go). */
pid_t bench_idle_start(int n, int *hold, int *ready);


#endif
