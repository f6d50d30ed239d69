/* A probe for the tests that the desk never waits on the network
 * (docs/DESK.md, "Never waiting on the network"): only when the
 * environment names a file in JIANYI_DESK_TEST_FRAMES, the window counts
 * its frame clock's ticks and appends, every 200 ms, one line to that
 * file: "<monotonic ms> <ticks so far> <longest gap between two ticks
 * since the last line, ms>". A main loop that blocks shows as a long gap.
 *
 * For the desk benchmark (docs/BENCHMARKS.md, "The desk") the pages also
 * mark what they show, as lines "<monotonic ms> mark <what>" (what has two
 * words or more, so a mark never reads as a tick line): "first frame", and
 * at the end of the first frame painted after the to-do list or the case
 * list changed, "todo painted <items>", "cases painted <rows> more|all"
 * and "cases end painted <rows>". The clock is CLOCK_MONOTONIC, the one a
 * driver outside reads too. Without the variable it does nothing. */
#ifndef JY_DESK_PROBE_H
#define JY_DESK_PROBE_H

#include <gtk/gtk.h>

void desk_probe_start(GtkWidget *window);
/* Appends the mark (printf-style) when the next frame has been painted;
 * nothing without the probe. Marks asked for before that frame all come
 * with it, in order. */
void desk_probe_mark_painted(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
