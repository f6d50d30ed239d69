/* 起草新建议 on the case list page, for the accounts with the deputy role
 * (the server lets an account with a deputy make a case, docs/WORKFLOW.md
 * "create"): a button, and below it the form (desk_form_draft.c) it opens.
 * Ctrl+N opens it too (desk_window.c). */
#ifndef JY_DESK_DRAFT_H
#define JY_DESK_DRAFT_H

#include <gtk/gtk.h>

#include "desk_link.h"

struct desk_draft;

/* done: a case was made (the lists load again). */
struct desk_draft *desk_draft_new(struct desk_link *link, void (*done)(void *user), void *user);
GtkWidget *desk_draft_widget(struct desk_draft *d);
/* Shown only to whom: a deputy (NULL: nobody signed in). */
void desk_draft_show_for(struct desk_draft *d, const Jianyi__Identity *who);
/* Opens the form, empty (an open one stays as it is); false when it is
 * not offered. */
bool desk_draft_open(struct desk_draft *d);
void desk_draft_free(struct desk_draft *d);

#endif
