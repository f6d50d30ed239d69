/* A case named in a form of the page 督办 (desk_sup_forms.h): by its
 * number (18-2-3 or 第18届第2次会议第3号, looked up in the server's
 * directory as the CLI's --into is, DirectoryRequest "cases") or by words
 * of its title (ListSuggestions' text: the one case they find), looked up
 * while it is written; the case found — its number, title and state, read
 * with GetSuggestion, which gives its version too — is shown under the
 * field. */
#ifndef JY_DESK_CASE_PICK_H
#define JY_DESK_CASE_PICK_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_form.h"

struct desk_case_pick;

/* Adds the field, named name, and the line under it to f. */
struct desk_case_pick *desk_case_pick_new(struct desk_link *link, struct desk_form *f,
					  const char *name);
/* The case found (its id and version), NULL; else what is wrong, naming
 * the field (g_free it): nothing written, no case or several, the lookup
 * still under way. */
char *desk_case_pick_get(struct desk_case_pick *p, int64_t *id, int32_t *version);
GtkWidget *desk_case_pick_entry(struct desk_case_pick *p);
void desk_case_pick_reset(struct desk_case_pick *p);
/* The form lets go; a lookup on its way finds itself outdated. */
void desk_case_pick_free(struct desk_case_pick *p);

#endif
