/* The acknowledged-writes load of the fault suite (test_faults.c), shared
 * with the failover test (tests/recovery/test_failover.c): a few client
 * threads keep contact (and supervise) writes in flight on prepared cases
 * while the test breaks things. A conflict is re-read and retried with a
 * new key; a lost connection or "unavailable" is retried with the same key
 * and version. Each write's note names it ("flt<n>z"), so that at the end
 * the database can be asked how often each was applied: every acknowledged
 * write exactly once, none twice, none lost. The HAProxy test
 * (tests/balance/test_haproxy.c) runs it through the balancer. Built on the
 * workflow fixture (wf_helpers.h: H, S, the accounts). */
#ifndef JY_WRITE_LOAD_H
#define JY_WRITE_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "wf_helpers.h"

#define WL_MAXCASES 16
#define WL_MAXWORKERS 8

/* Prepares ncases cases in progress (their ids in wl_case_id). */
void wl_prepare_cases(int ncases);
int64_t wl_case_id(int i);

/* The port the workers connect to: jianyid's (or a balancer's in front of
 * several), 0 while it restarts. The relayed worker connects to the relay's
 * port instead. */
void wl_set_port(int port);
int wl_port(void);
void wl_set_relay_port(int port);
/* A second jianyid beside the first on the same database (the rolling
 * upgrade, tests/recovery/test_rolling_upgrade.c): the workers named by
 * wl_use_second_port before wl_start connect to this port instead (0: they
 * wait for it, 30 s at most). */
void wl_set_second_port(int port);
void wl_use_second_port(int worker);

/* Starts nworkers threads logged in as who[i]; a "cmte" worker supervises,
 * the others record contacts. relay_worker (-1: none) goes through the
 * relay and, when the load stops, walks away from its writes in flight
 * (their fate unknown). */
void wl_start(int nworkers, const char *const who[], int relay_worker);
/* How many writes were started so far; acknowledged to worker i so far. */
int wl_started(void);
int wl_acked(int worker);
/* Lets the workers finish their writes in flight (20 s at most) and joins
 * them; fails the test when a worker met something unexpected. Prints what
 * the clients met. */
void wl_stop(void);

/* How long until jianyid (wl_port) answers a read of a case again; fails
 * the test after limit_ms. */
uint64_t wl_wait_serving(const char *after, uint64_t limit_ms);

/* What the clients met (after wl_stop). */
struct wl_counts {
	int writes, conflicts, unavailable, other, reconnects, resends, replays;
	int resumed;                       /* reconnects that resumed their TLS session */
};
void wl_counts(struct wl_counts *c);

/* The database's side: each write's events and rows counted. */
struct wl_tally {
	int acked, once, twice, lost;      /* acknowledged writes applied once, >1, 0 times */
	int unacked, unacked_applied;      /* the others, and how many of them were applied */
	int row_mismatch;                  /* contact/supervision rows disagreeing with events */
	int ncases, consistent;            /* cases, and those whose version = their events */
};
/* Counts on db; prints the tally. */
void wl_tally(PGconn *db, struct wl_tally *t);

#endif
