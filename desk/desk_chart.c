/* See desk_chart.h. The bars live on the drawing area (object data);
 * every draw lays the chart out again for the widget's size. */
#include "desk_chart.h"

#include <pango/pangocairo.h>
#include <stdbool.h>

#include "cli_i18n.h"

#define MIN_WIDTH 380
#define MIN_HEIGHT 230
#define TITLE_H 26          /* the title's band */
#define LEFT 46             /* the scale's numbers */
#define RIGHT 12
#define VALUE_H 18          /* room for a full bar's number */
#define BOTTOM 56           /* the groups' names, up to three lines */
#define BAR_MAX_W 64

struct chart {
	char *title, *description;
	struct desk_chart_bar *bars;   /* label and value_text owned */
	size_t n;
	double max;
};

static void chart_clear(struct chart *c)
{
	for (size_t i = 0; i < c->n; i++) {
		g_free((char *)c->bars[i].label);
		g_free((char *)c->bars[i].value_text);
	}
	g_free(c->bars);
	g_free(c->description);
	c->bars = NULL;
	c->description = NULL;
	c->n = 0;
}

static void chart_free(gpointer data)
{
	struct chart *c = data;

	chart_clear(c);
	g_free(c->title);
	g_free(c);
}

static struct chart *chart_of(GtkWidget *w)
{
	return g_object_get_data(G_OBJECT(w), "desk-chart");
}

/* text at x, y: its left (align 0), middle (0.5) or right (1) there. */
static void text_at(GtkWidget *w, cairo_t *cr, const char *text, double x, double y,
		    double align, int width, bool bold)
{
	PangoLayout *l = gtk_widget_create_pango_layout(w, NULL);
	int tw, th;

	if (bold) {
		char *m = g_markup_printf_escaped("<b>%s</b>", text);
		pango_layout_set_markup(l, m, -1);
		g_free(m);
	} else {
		pango_layout_set_text(l, text, -1);
	}
	if (width > 0) {   /* wrapped within width, centred, at most 3 lines */
		pango_layout_set_width(l, width * PANGO_SCALE);
		pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		pango_layout_set_height(l, -3);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_get_pixel_size(l, &tw, &th);
	cairo_move_to(cr, width > 0 ? x - width / 2.0 : x - align * tw, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

static void draw_axes(GtkWidget *w, cairo_t *cr, double max, double x0, double y0, double x1,
		      double y1)
{
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, x0 + 0.5, y0);
	cairo_line_to(cr, x0 + 0.5, y1 + 0.5);
	cairo_line_to(cr, x1, y1 + 0.5);
	cairo_stroke(cr);
	for (int k = 0; k <= 2; k++) {   /* 0, half, the top */
		double y = y1 - (y1 - y0) * k / 2.0;
		char *t = g_strdup_printf("%g", max * k / 2.0);

		cairo_move_to(cr, x0 - 4, y + 0.5);
		cairo_line_to(cr, x0, y + 0.5);
		cairo_stroke(cr);
		text_at(w, cr, t, x0 - 6, y - 8, 1, 0, false);
		g_free(t);
	}
}

static void draw_bars(GtkWidget *w, cairo_t *cr, const struct chart *c, double max, double x0,
		      double y0, double x1, double y1)
{
	double slot = (x1 - x0) / (double)c->n, bw = MIN(slot * 0.6, BAR_MAX_W);

	for (size_t i = 0; i < c->n; i++) {
		const struct desk_chart_bar *b = &c->bars[i];
		double mid = x0 + slot * ((double)i + 0.5);
		double h = b->value > 0 ? (y1 - y0) * MIN(b->value / max, 1.0) : 0;

		cairo_set_source_rgb(cr, 0.21, 0.52, 0.89);
		cairo_rectangle(cr, mid - bw / 2, y1 - h, bw, h);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		text_at(w, cr, b->value_text, mid, y1 - h - VALUE_H, 0.5, 0, false);
		text_at(w, cr, b->label, mid, y1 + 4, 0.5, (int)slot - 4, false);
	}
}

/* The smallest even whole number at least v, and at least 2. */
static double even_top(double v)
{
	long top = (long)v;

	if ((double)top < v)
		top++;
	if (top % 2 != 0)
		top++;
	return (double)MAX(top, 2);
}

static void draw(GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
	GtkWidget *w = GTK_WIDGET(area);
	struct chart *c = data;
	double max = c->max, x0 = LEFT, y0 = TITLE_H + VALUE_H, x1 = width - RIGHT,
	       y1 = height - BOTTOM;

	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	text_at(w, cr, c->title, 4, 2, 0, 0, true);
	if (c->n == 0) {
		text_at(w, cr, _("No figures yet"), width / 2.0, height / 2.0, 0.5, 0, false);
		return;
	}
	for (size_t i = 0; c->max <= 0 && i < c->n; i++)
		max = MAX(max, c->bars[i].value);
	if (c->max <= 0)   /* counts: an even whole top, so that half way is whole too */
		max = even_top(max);
	draw_axes(w, cr, max, x0, y0, x1, y1);
	draw_bars(w, cr, c, max, x0, y0, x1, y1);
}

static void describe(GtkWidget *w, struct chart *c)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < c->n; i++) {
		if (i > 0)
			/* TRANSLATORS: between two figures of a chart read aloud */
			g_string_append(s, _("; "));
		g_string_append_printf(s, "%s %s", c->bars[i].label, c->bars[i].value_text);
	}
	g_free(c->description);
	/* TRANSLATORS: a chart read aloud: its title, then its figures */
	c->description = g_strdup_printf(_("%s: %s"), c->title,
					 c->n > 0 ? s->str : _("No figures yet"));
	g_string_free(s, TRUE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       c->description, -1);
}

GtkWidget *desk_chart_new(const char *title)
{
	GtkWidget *w = g_object_new(GTK_TYPE_DRAWING_AREA, "accessible-role",
				    GTK_ACCESSIBLE_ROLE_IMG, NULL);
	struct chart *c = g_new0(struct chart, 1);

	c->title = g_strdup(title);
	g_object_set_data_full(G_OBJECT(w), "desk-chart", c, chart_free);
	gtk_drawing_area_set_content_width(GTK_DRAWING_AREA(w), MIN_WIDTH);
	gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(w), MIN_HEIGHT);
	gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(w), draw, c, NULL);
	gtk_widget_set_hexpand(w, TRUE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
	describe(w, c);
	return w;
}

void desk_chart_set(GtkWidget *chart, const struct desk_chart_bar *bars, size_t n, double max)
{
	struct chart *c = chart_of(chart);

	chart_clear(c);
	c->bars = g_new0(struct desk_chart_bar, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		c->bars[i].label = g_strdup(bars[i].label);
		c->bars[i].value = bars[i].value;
		c->bars[i].value_text = g_strdup(bars[i].value_text);
	}
	c->n = n;
	c->max = max;
	describe(chart, c);
	gtk_widget_queue_draw(chart);
}

const char *desk_chart_description(GtkWidget *chart)
{
	return chart_of(chart)->description;
}
