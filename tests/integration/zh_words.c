/* See zh_words.h. */
#include "zh_words.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* Names of formats, programs and units, the same in Chinese text. */
static const char *const names[] = {
	"jianyi", "jianyid", "ID", "JSON", "CSV", "XLSX", "PEM", "INI", "UTF-8", "SHA-256",
	"IPv6", "CA", "TLS", "RFC", "Excel", "Ctrl-C", "MiB", "iconv", "GBK", "tzdata", "SQLite",
	"PostgreSQL", "UTC", "README.md", "A-Z", "a-z", "PDF", "PNG", "JPEG", "Word", "PowerPoint",
	"KB", "MB", NULL,
};

static bool in_list(const char *const *list, const char *w)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], w) == 0)
			return true;
	return false;
}

/* Whether a token with a Latin letter is allowed (see zh_words.h). */
static bool token_ok(const char *w, const char *const *const *also)
{
	size_t n = strlen(w);

	if (w[0] == '-' || w[0] == '$' || w[0] == '~' || w[0] == '[')
		return true;                         /* --flag, -h, $XDG_..., ~/.config */
	if (strchr(w, '/') || strchr(w, '.') || strchr(w, '@'))
		return true;                         /* paths, file names, versions */
	if (strncmp(w, "JIANYI_", 7) == 0 || strncmp(w, "XDG_", 4) == 0 || strcmp(w, "HOME") == 0)
		return true;
	if (strspn(w, "0123456789abcdef:") == n)
		return true;                         /* fingerprints */
	if (in_list(names, w))
		return true;
	for (int i = 0; also != NULL && also[i] != NULL; i++)
		if (in_list(also[i], w))
			return true;
	if (strchr(w, '|') != NULL) {         /* choices: before|during|after */
		char copy[128], *save = NULL;

		snprintf(copy, sizeof copy, "%s", w);
		for (char *v = strtok_r(copy, "|", &save); v; v = strtok_r(NULL, "|", &save))
			if (!token_ok(v, also))
				return false;
		return true;
	}
	return strspn(w, "ABCD/") == n;              /* result classes: A, AB */
}

void zh_assert_chinese(const char *what, const char *text, const char *const *const *also)
{
	const char *p = text;

	while (*p) {
		if (*p == '{') {
			int depth = 0;

			do {
				depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
				p++;
			} while (*p && depth > 0);
			continue;
		}
		char w[128];
		size_t n = 0;

		while (*p && *p != '{' && !(isalnum((unsigned char)*p) || strchr("-_.:/@|$~[", *p)))
			p++;
		while (*p && (isalnum((unsigned char)*p) || strchr("-_.:/@|$~[]=", *p))) {
			if (n + 1 < sizeof w)
				w[n++] = *p;
			p++;
		}
		w[n] = '\0';
		/* trailing punctuation belongs to the sentence */
		while (n > 0 && strchr(".:]=", w[n - 1]))
			w[--n] = '\0';
		bool letters = false;
		for (size_t i = 0; i < n; i++)
			letters |= isalpha((unsigned char)w[i]) != 0;
		if (letters && !token_ok(w, also))
			fail_msg("%s: English word '%s' in:\n%s", what, w, text);
	}
}

void zh_assert_no_snake_case(const char *what, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '_' && p > text && isalpha((unsigned char)p[-1]) && isalpha((unsigned char)p[1]))
			fail_msg("%s: an internal name in:\n%s", what, text);
	}
}
