/* A probe for the tests that the desk never waits on the network
 * (docs/DESK.md, "Never waiting on the network"): only when the
 * environment names a file in JIANYI_DESK_TEST_FRAMES, the window counts
 * its frame clock's ticks and appends, every 200 ms, one line to that
 * file: "<monotonic ms> <ticks so far> <longest gap between two ticks
 * since the last line, ms>". A main loop that blocks shows as a long gap.
 * Without the variable it does nothing. */
#ifndef JY_DESK_PROBE_H
#define JY_DESK_PROBE_H

#include <gtk/gtk.h>

void desk_probe_start(GtkWidget *window);

#endif
