/* The home screen, 待办: what the signed-in role has to do now
 * (TodoRequest, as "jianyi todo" shows it), with each deadline and the
 * overdue ones marked; opening an item opens its case. The window refreshes
 * it when the server pushes a notice. */
#ifndef JY_DESK_TODO_H
#define JY_DESK_TODO_H

#include <gtk/gtk.h>

#include "desk_link.h"
#include "desk_open.h"

struct desk_todo;

struct desk_todo *desk_todo_new(struct desk_link *link, desk_open_fn open, void *user);
GtkWidget *desk_todo_widget(struct desk_todo *t);
/* Asks the server for the list again (the answer fills the page). */
void desk_todo_refresh(struct desk_todo *t);
void desk_todo_free(struct desk_todo *t);

#endif
