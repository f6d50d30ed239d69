/* A county's data set for the benchmarks, loaded with SQL as the database
 * owner on top of the workflow fixture (tests/integration/wf_helpers.h):
 * more handling units and deputies, closed suggestions of past terms and
 * sessions with all their side rows and events, and the working set the
 * write cycle drives (wf_bulk_cases: in progress, lead unit A, deputy
 * Wang). Every invariant holds: version = number of events, numbers gapless
 * per (term, session) with their counters, one lead signer and one lead
 * unit per case, a reply, a contact and an evaluation for each round. */
#ifndef JY_BENCH_COUNTY_H
#define JY_BENCH_COUNTY_H

#include <stdint.h>

#define COUNTY_WORK_TERM 18
#define COUNTY_WORK_SESSION 3

struct county {
	int suggestions;      /* in all, the working set included */
	int working;          /* in progress, term 18 session 3 */
	/* what was loaded, for the benchmark's flags */
	int64_t min_id, max_id;
	int64_t units[64];
	int nunits;
	double seconds;
	/* after the load, for docs/SCALE.md's arithmetic */
	int64_t events, database_bytes, events_bytes;
};

/* Loads c->suggestions cases (fills the rest of *c); fails the test on
 * error. Call after wf_fixture_up. */
void county_load(struct county *c);

#endif
