/* See desk_probe.h. */
#include "desk_probe.h"

#include <stdarg.h>
#include <stdio.h>

#define WRITE_EVERY_MS 200

struct probe {
	FILE *out;
	guint timer;
	guint64 ticks;
	gint64 last_us;      /* the last tick's time, 0: none yet */
	gint64 max_gap_us;   /* since the last line */
	GdkFrameClock *clock;   /* a reference, from the first tick */
	gulong painted;         /* its after-paint handler */
	GPtrArray *marks;       /* owned texts waiting for a painted frame */
};

/* The window's probe (the desk has one main window), NULL: none. */
static struct probe *active;

/* After a frame is painted: the marks asked for until now. */
static void on_painted(GdkFrameClock *clock, gpointer data)
{
	struct probe *p = data;
	gint64 now_ms = g_get_monotonic_time() / 1000;

	(void)clock;
	for (guint i = 0; i < p->marks->len; i++)
		fprintf(p->out, "%" G_GINT64_FORMAT " mark %s\n", now_ms,
			(const char *)g_ptr_array_index(p->marks, i));
	if (p->marks->len > 0)
		fflush(p->out);
	g_ptr_array_set_size(p->marks, 0);
}

void desk_probe_mark_painted(const char *fmt, ...)
{
	va_list ap;

	if (active == NULL)
		return;
	va_start(ap, fmt);
	g_ptr_array_add(active->marks, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* The tick callback keeps the frame clock running: a tick per frame while
 * the main loop is free. */
static gboolean on_tick(GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	struct probe *p = data;
	gint64 now = g_get_monotonic_time();

	(void)w;
	if (p->clock == NULL) {   /* the first frame */
		p->clock = g_object_ref(clock);
		p->painted = g_signal_connect(clock, "after-paint", G_CALLBACK(on_painted), p);
		desk_probe_mark_painted("first frame");
	}
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

	if (active == p)
		active = NULL;
	if (p->clock != NULL) {
		g_signal_handler_disconnect(p->clock, p->painted);
		g_object_unref(p->clock);
	}
	g_ptr_array_unref(p->marks);
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
	p->marks = g_ptr_array_new_with_free_func(g_free);
	p->timer = g_timeout_add(WRITE_EVERY_MS, on_write, p);
	active = p;
	gtk_widget_add_tick_callback(window, on_tick, p, probe_free);
}
