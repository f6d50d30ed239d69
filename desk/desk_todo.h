/* The home screen, 待办: what the signed-in role has to do now
 * (TodoRequest, as "jianyi todo" shows it), with each deadline and the
 * overdue ones marked; opening an item opens its case. Offline it is the
 * mirror's copy, and a line says so. The window refreshes
 * it when the server pushes a notice. */
#ifndef JY_DESK_TODO_H
#define JY_DESK_TODO_H

#include <gtk/gtk.h>

#include "desk_link.h"
#include "desk_open.h"

struct desk_todo;

struct desk_todo *desk_todo_new(struct desk_link *link, desk_open_fn open, void *user);
GtkWidget *desk_todo_widget(struct desk_todo *t);
/* note gives, each time the list is filled, a line to show above it (the
 * mirror's copy while offline, desk_offline_todo_note), or NULL for none. */
void desk_todo_set_note(struct desk_todo *t, const char *(*note)(void *user), void *user);
/* Asks the server for the list again (the answer fills the page). */
void desk_todo_refresh(struct desk_todo *t);
void desk_todo_free(struct desk_todo *t);

#endif
