/* The reads the server makes on events, run on every layout with the same
 * parameters, interleaved (each repetition runs every query on every
 * layout in turn, so a busy moment of the machine weighs on all alike),
 * timed, and their answers compared with the one table's; then single-row
 * inserts, again in turn. */
#ifndef JY_PARTITION_QUERIES_H
#define JY_PARTITION_QUERIES_H

#include <libpq-fe.h>

#include "partition_layouts.h"

/* Runs the queries `repeat` times (after a few untimed runs), prints
 * median and p99 per layout and the ratios to the first layout (the one
 * table); returns how many answers differed from the first layout's. */
int queries_measure(PGconn *db, struct layout *layouts, int n_layouts,
		    const struct scenario *sc, int repeat);
/* Single-row inserts, one transaction each (synchronous_commit off: the
 * CPU of an insert, not the disk's flush), to cases outside the archive
 * congress, for `seconds`; prints rate, median and p99. */
void inserts_measure(PGconn *db, struct layout *layouts, int n_layouts,
		     const struct scenario *sc, double seconds);

#endif
