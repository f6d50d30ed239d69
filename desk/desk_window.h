/* The main window (1366×768 by default, the common office screen): the
 * header (who, server status), and the pages 待办, 案件 and the case view
 * in a stack, with 督办 and 统计 for the roles that see every case
 * (desk_stats_for), over one link to the server. */
#ifndef JY_DESK_WINDOW_H
#define JY_DESK_WINDOW_H

#include <gtk/gtk.h>

struct cli_settings;

/* Makes and shows the window and starts connecting with s. */
void desk_window_open(GtkApplication *app, const struct cli_settings *s);

#endif
