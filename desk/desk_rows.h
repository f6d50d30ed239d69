/* What the lists of the pages 统计 and 督办 share: a section (a summary
 * line over a scrolled list) and a row of cells with its sentence for
 * screen readers. */
#ifndef JY_DESK_ROWS_H
#define JY_DESK_ROWS_H

#include <gtk/gtk.h>
#include <stdbool.h>

struct desk_cell {
	const char *text;
	int width_chars;           /* 0: takes the room left, ellipsized */
	bool alarm;                /* shown in red (overdue) */
};

/* A section: *summary (a heading label) over *list (a list box named
 * name for screen readers), in a scrolled window, returned. */
GtkWidget *desk_section_new(const char *name, GtkWidget **summary, GtkWidget **list);
/* Appends a row of n cells to list, read aloud as aloud. */
GtkWidget *desk_row_add(GtkWidget *list, const struct desk_cell *cells, size_t n,
			const char *aloud);
/* Empties a list box (gtk_list_box_remove_all is GTK 4.12). */
void desk_rows_clear(GtkWidget *list);

#endif
