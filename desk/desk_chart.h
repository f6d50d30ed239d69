/* A bar chart drawn with Cairo in a GtkDrawingArea: a value axis with its
 * scale, one bar a group with its number above it and its name below.
 * For screen readers it is an image named by its title, whose accessible
 * description gives every figure as text. */
#ifndef JY_DESK_CHART_H
#define JY_DESK_CHART_H

#include <gtk/gtk.h>

struct desk_chart_bar {
	const char *label;         /* the group, under the bar */
	double value;              /* the bar's height on the scale */
	const char *value_text;    /* the number shown on it ("50.0%", "3") */
};

/* An empty chart titled title (its heading and accessible name). */
GtkWidget *desk_chart_new(const char *title);
/* Shows n bars (copied) on a scale from 0 to max (0: the largest value). */
void desk_chart_set(GtkWidget *chart, const struct desk_chart_bar *bars, size_t n, double max);
/* The description read to screen readers: the title and every figure. */
const char *desk_chart_description(GtkWidget *chart);

#endif
