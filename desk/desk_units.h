/* The handling units of the server's directory (DirectoryRequest "units",
 * docs/WORKFLOW.md "Directory"), read through the desk's link, so that a
 * form takes a unit by its name where the protocol wants its id: the name
 * itself, or the one unit whose name contains what was written, as the
 * CLI's --lead and --co take them (client/cli_resolve.c); and the
 * deputies likewise. */
#ifndef JY_DESK_UNITS_H
#define JY_DESK_UNITS_H

#include <glib.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_units;

struct desk_units *desk_units_new(struct desk_link *link);
/* The same for the deputies (DirectoryRequest "deputies"), as the CLI's
 * --cosigner takes them. */
struct desk_units *desk_deputies_new(struct desk_link *link);
/* Reads the directory again (the answer replaces the list). */
void desk_units_load(struct desk_units *u);
/* The id of the unit text names, NULL; else what is wrong, naming the
 * field (g_free it): no such unit, several (listed), or the list not read
 * yet. */
char *desk_units_find(const struct desk_units *u, const char *field, const char *text,
		      int64_t *id);
void desk_units_free(struct desk_units *u);

#endif
