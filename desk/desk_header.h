/* The window's header: who is signed in (name, unit, roles, from the
 * server's Welcome) and the server's status (connected, connecting,
 * reconnecting with the reason, or refused: a revoked certificate). */
#ifndef JY_DESK_HEADER_H
#define JY_DESK_HEADER_H

#include <gtk/gtk.h>

#include "desk_link.h"

struct desk_header;

/* The header bar (for gtk_window_set_titlebar); switcher: the pages'
 * switcher shown in its middle. */
struct desk_header *desk_header_new(GtkWidget *switcher);
GtkWidget *desk_header_widget(struct desk_header *h);
void desk_header_show_status(struct desk_header *h, enum desk_link_state state, const char *why);
/* who: NULL while nobody is signed in. */
void desk_header_show_identity(struct desk_header *h, const Jianyi__Identity *who);
void desk_header_free(struct desk_header *h);

#endif
