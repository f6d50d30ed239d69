/* The cases the viewer may see, as a GListModel for a virtualized
 * GtkListView: it pages through ListSuggestions (keyset paging by id) as
 * the view comes near the end of what is loaded, so a list of 10,000
 * cases costs a page at a time. */
#ifndef JY_DESK_CASE_MODEL_H
#define JY_DESK_CASE_MODEL_H

#include <gio/gio.h>
#include <stdint.h>

#include "desk_link.h"

G_BEGIN_DECLS

/* One case in the list (what a row shows). */
#define DESK_TYPE_CASE (desk_case_get_type())
G_DECLARE_FINAL_TYPE(DeskCase, desk_case, DESK, CASE, GObject)

int64_t desk_case_id(DeskCase *c);
const char *desk_case_number(DeskCase *c);
const char *desk_case_title(DeskCase *c);
Jianyi__State desk_case_state(DeskCase *c);
const char *desk_case_lead_unit(DeskCase *c);
const char *desk_case_deadline(DeskCase *c);   /* YYYY-MM-DD or "" */
gboolean desk_case_overdue(DeskCase *c);

#define DESK_TYPE_CASE_MODEL (desk_case_model_get_type())
G_DECLARE_FINAL_TYPE(DeskCaseModel, desk_case_model, DESK, CASE_MODEL, GObject)

/* Told after each page (loaded: the rows so far, more: whether pages
 * remain) or failure (why set). */
typedef void (*desk_case_model_status_fn)(guint loaded, gboolean more, const char *why,
					  void *user);

DeskCaseModel *desk_case_model_new(struct desk_link *link, desk_case_model_status_fn status,
				   void *user);
/* Empties the list and loads it again with these filters: state "" (any),
 * text "" (any), overdue_only. */
void desk_case_model_filter(DeskCaseModel *m, Jianyi__State state, const char *text,
			    gboolean overdue_only);

G_END_DECLS

#endif
