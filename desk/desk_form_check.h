/* The checks an action form makes before it sends (desk_form.h): each says
 * what is wrong with one field, naming it, in the reader's language, or
 * returns NULL. jianyid checks the same again and decides; these spare a
 * person a round trip and a refusal in the server's words. */
#ifndef JY_DESK_FORM_CHECK_H
#define JY_DESK_FORM_CHECK_H

#include <glib.h>

#include "jy_limits.h"   /* the lengths jianyid allows, in characters */

enum desk_date_rule {
	DESK_DATE_NOT_PAST,       /* today or later (a promised date) */
	DESK_DATE_NOT_FUTURE,     /* today or earlier (a contact that took place) */
};

/* g_free the answers. name is the field's name as the form shows it. */
char *desk_check_text(const char *name, const char *text, glong min_chars, glong max_chars);
/* YYYY-MM-DD, a day of the calendar, on the rule's side of today. */
char *desk_check_date(const char *name, const char *text, enum desk_date_rule rule);
/* Digits, spaces and + - ( ), at least three digits. */
char *desk_check_phone(const char *name, const char *text);

/* A whole number from min to max, into *out. */
char *desk_check_number(const char *name, const char *text, long min, long max, long *out);

/* The names written in one field, split at commas, 、 and spaces
 * (g_strfreev it). */
char **desk_split_names(const char *text);

/* Today in the congress's time zone (cli_clock.h sets it from the
 * server's Welcome) as YYYY-MM-DD into buf (11 bytes). */
void desk_today(char buf[11]);

#endif
