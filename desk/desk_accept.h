/* The form that accepts an assignment for the lead unit (ActRequest
 * accept): the person confirms the case is the unit's to handle; the form
 * checks that before sending, and shows the server's refusal as text. */
#ifndef JY_DESK_ACCEPT_H
#define JY_DESK_ACCEPT_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_accept;

/* done is called after the server accepted. */
struct desk_accept *desk_accept_new(struct desk_link *link, void (*done)(void *user), void *user);
GtkWidget *desk_accept_widget(struct desk_accept *a);
/* Shows the form, empty, for this case at this version. */
void desk_accept_open(struct desk_accept *a, int64_t suggestion_id, int32_t version);
void desk_accept_close(struct desk_accept *a);
void desk_accept_free(struct desk_accept *a);

#endif
