/* See desk_form_check.h. */
#include "desk_form_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_i18n.h"

char *desk_check_text(const char *name, const char *text, glong min_chars, glong max_chars)
{
	glong n = g_utf8_strlen(text, -1);
	const char *p = text;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (min_chars > 0 && *p == '\0')
		/* TRANSLATORS: %s is the field's name */
		return g_strdup_printf(_("Fill in %s."), name);
	if (n > max_chars)
		/* TRANSLATORS: the field's name, its limit, its length now */
		return g_strdup_printf(_("%s: at most %ld characters (it has %ld)."), name,
				       (long)max_chars, (long)n);
	return NULL;
}

char **desk_split_names(const char *text)
{
	char **parts = g_regex_split_simple("[、，,；;\\s]+", text, 0, 0);
	char **names = g_new0(char *, g_strv_length(parts) + 1);
	size_t n = 0;

	for (size_t i = 0; parts[i] != NULL; i++)
		if (parts[i][0] != '\0')
			names[n++] = g_strdup(parts[i]);
	g_strfreev(parts);
	return names;
}

void desk_today(char buf[11])
{
	GDateTime *now = g_date_time_new_now_local();
	char *s = g_date_time_format(now, "%Y-%m-%d");

	snprintf(buf, 11, "%s", s);
	g_free(s);
	g_date_time_unref(now);
}

/* YYYY-MM-DD and a day that exists. */
static bool is_date(const char *text)
{
	unsigned y, m, d;
	char tail;

	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
	    strspn(text, "0123456789-") != 10)
		return false;
	if (sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return false;
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
	       g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

char *desk_check_date(const char *name, const char *text, enum desk_date_rule rule)
{
	char today[11];

	desk_today(today);
	if (text[0] == '\0')
		return g_strdup_printf(_("Fill in %s."), name);
	if (!is_date(text))
		/* TRANSLATORS: the field's name, what was written, today as an example */
		return g_strdup_printf(_("%s: '%s' is not a date written YYYY-MM-DD (such as %s)."),
				       name, text, today);
	if (rule == DESK_DATE_NOT_PAST && strcmp(text, today) < 0)
		return g_strdup_printf(_("%s: %s is in the past."), name, text);
	if (rule == DESK_DATE_NOT_FUTURE && strcmp(text, today) > 0)
		return g_strdup_printf(_("%s: %s is still to come."), name, text);
	return NULL;
}

char *desk_check_phone(const char *name, const char *text)
{
	size_t n = strlen(text), digits = 0;
	char *why = desk_check_text(name, text, 1, JY_PHONE_MAX);

	if (why != NULL)
		return why;
	for (const char *p = text; *p; p++)
		digits += *p >= '0' && *p <= '9';
	if (strspn(text, "0123456789+- ()") != n || digits < 3)
		return g_strdup_printf(_("%s: '%s' is not a telephone number (digits, spaces and "
					 "+ - ( ), at least three digits)."), name, text);
	return NULL;
}

char *desk_check_number(const char *name, const char *text, long min, long max, long *out)
{
	char *end = NULL;
	long n;

	if (text[0] == '\0')
		return g_strdup_printf(_("Fill in %s."), name);
	n = strspn(text, "0123456789") == strlen(text) && strlen(text) <= 9
		? strtol(text, &end, 10) : -1;
	if (end == NULL || n < min || n > max)
		/* TRANSLATORS: the field's name, what was written, the bounds */
		return g_strdup_printf(_("%s: '%s' is not a whole number from %ld to %ld."), name,
				       text, min, max);
	*out = n;
	return NULL;
}
