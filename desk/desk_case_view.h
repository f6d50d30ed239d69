/* The case view: number, title and state; the deputies (lead and
 * co-signers), the units, deadlines, handler and plan; the text; the
 * actions the viewer may take now (desk_actions.h), each a form; and the
 * timeline in sentences, as "jianyi show" prints them (cli_timeline.h). */
#ifndef JY_DESK_CASE_VIEW_H
#define JY_DESK_CASE_VIEW_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_case_view;

/* changed is called after an action changed the case. */
struct desk_case_view *desk_case_view_new(struct desk_link *link, void (*changed)(void *user),
					  void *user);
GtkWidget *desk_case_view_widget(struct desk_case_view *v);
/* Loads and shows the case (the answer fills the view). */
void desk_case_view_open(struct desk_case_view *v, int64_t suggestion_id);
/* Loads the case shown again (0: none shown, nothing to do). */
void desk_case_view_reload(struct desk_case_view *v);
/* Something pushed to us (a notice) concerns suggestion_id: when it is the
 * case shown, loads it again keeping the scroll positions and an open
 * form with what is written in it (while its action is still allowed). */
void desk_case_view_follow(struct desk_case_view *v, int64_t suggestion_id);
/* Opens the menu 更多操作 (the window's F10) when the case is on screen
 * and offers actions that have no Alt+letter; false otherwise. */
bool desk_case_view_more(struct desk_case_view *v);
void desk_case_view_free(struct desk_case_view *v);

#endif
