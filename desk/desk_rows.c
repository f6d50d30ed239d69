/* See desk_rows.h. */
#include "desk_rows.h"

GtkWidget *desk_section_new(const char *name, GtkWidget **summary, GtkWidget **list)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6), *scroll = gtk_scrolled_window_new();

	*summary = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(*summary), 0);
	gtk_widget_set_margin_start(*summary, 12);
	gtk_widget_set_margin_top(*summary, 8);
	gtk_widget_add_css_class(*summary, "heading");
	*list = gtk_list_box_new();
	gtk_list_box_set_selection_mode(GTK_LIST_BOX(*list), GTK_SELECTION_NONE);
	gtk_widget_add_css_class(*list, "rich-list");
	gtk_accessible_update_property(GTK_ACCESSIBLE(*list), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), *list);
	gtk_widget_set_vexpand(scroll, TRUE);
	gtk_box_append(GTK_BOX(box), *summary);
	gtk_box_append(GTK_BOX(box), scroll);
	return box;
}

static GtkWidget *cell(const struct desk_cell *c)
{
	GtkWidget *l = gtk_label_new(c->text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	if (c->width_chars > 0) {
		gtk_label_set_width_chars(GTK_LABEL(l), c->width_chars);
		gtk_label_set_max_width_chars(GTK_LABEL(l), c->width_chars);
	} else {
		gtk_widget_set_hexpand(l, TRUE);
	}
	gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
	if (c->alarm)
		gtk_widget_add_css_class(l, "error");
	return l;
}

GtkWidget *desk_row_add(GtkWidget *list, const struct desk_cell *cells, size_t n,
			const char *aloud)
{
	GtkWidget *row = gtk_list_box_row_new(), *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	gtk_widget_set_margin_top(box, 6);
	gtk_widget_set_margin_bottom(box, 6);
	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	for (size_t i = 0; i < n; i++)
		gtk_box_append(GTK_BOX(box), cell(&cells[i]));
	gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
	gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL, aloud, -1);
	gtk_list_box_append(GTK_LIST_BOX(list), row);
	return row;
}

void desk_rows_clear(GtkWidget *list)
{
	GtkWidget *row;

	while ((row = gtk_widget_get_first_child(list)) != NULL)
		gtk_list_box_remove(GTK_LIST_BOX(list), row);
}
