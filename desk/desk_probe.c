/* See desk_probe.h. */
#include "desk_probe.h"

#include <stdio.h>

#define WRITE_EVERY_MS 200

struct probe {
	FILE *out;
	guint timer;
	guint64 ticks;
	gint64 last_us;      /* the last tick's time, 0: none yet */
	gint64 max_gap_us;   /* since the last line */
};

/* The tick callback keeps the frame clock running: a tick per frame while
 * the main loop is free. */
static gboolean on_tick(GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	struct probe *p = data;
	gint64 now = g_get_monotonic_time();

	(void)w;
	(void)clock;
	if (p->last_us != 0 && now - p->last_us > p->max_gap_us)
		p->max_gap_us = now - p->last_us;
	p->last_us = now;
	p->ticks++;
	return G_SOURCE_CONTINUE;
}

static gboolean on_write(gpointer data)
{
	struct probe *p = data;
	gint64 now = g_get_monotonic_time();
	gint64 gap = p->max_gap_us;

	/* a tick still awaited counts too: a loop blocked right now shows */
	if (p->last_us != 0 && now - p->last_us > gap)
		gap = now - p->last_us;
	fprintf(p->out, "%" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
		now / 1000, p->ticks, gap / 1000);
	fflush(p->out);
	p->max_gap_us = 0;
	return G_SOURCE_CONTINUE;
}

/* When the window goes (its tick callbacks go with it). */
static void probe_free(gpointer data)
{
	struct probe *p = data;

	g_source_remove(p->timer);
	fclose(p->out);
	g_free(p);
}

void desk_probe_start(GtkWidget *window)
{
	const char *path = g_getenv("JIANYI_DESK_TEST_FRAMES");
	struct probe *p;
	FILE *out;

	if (path == NULL || path[0] == '\0')
		return;
	out = fopen(path, "a");
	if (out == NULL) {
		g_warning("JIANYI_DESK_TEST_FRAMES: cannot open %s", path);
		return;
	}
	p = g_new0(struct probe, 1);
	p->out = out;
	p->timer = g_timeout_add(WRITE_EVERY_MS, on_write, p);
	gtk_widget_add_tick_callback(window, on_tick, p, probe_free);
}
