/* Human and JSON output for the CLI (see cli_output.h). */
#include "cli_output.h"
#include "cli_i18n.h"
#include "cli_render.h"
#include "cli_reasons.h"
#include "cli_terms.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#define LABEL_WIDTH 14

void cli_output_init(struct cli_output *o, bool json)
{
	o->json = json;
	o->root = json ? json_object_new_object() : NULL;
}

/* Writes s for a terminal: control characters (C0, DEL, C1) from the server
 * could move the cursor or retitle the window, so they become '?'. The
 * decoder has already checked that strings are valid UTF-8. */
void cli_put_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			putchar('?');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar('?');
			p++;
		} else
			putchar(*p);
	}
}

/* "login:" padded so that values line up (a Chinese character takes two
 * columns). */
static void put_label(const char *label)
{
	char text[96];

	snprintf(text, sizeof text, _("%s:"), label);
	cli_put_padded(text, LABEL_WIDTH + 1);
}

void cli_out_str(struct cli_output *o, const char *key, const char *label, const char *value)
{
	if (o->json) {
		json_object_object_add(o->root, key,
				       value ? json_object_new_string(value) : NULL);
		return;
	}
	put_label(label);
	cli_put_clean(value ? value : "-");
	putchar('\n');
}

void cli_out_int(struct cli_output *o, const char *key, const char *label, int64_t value)
{
	if (o->json) {
		json_object_object_add(o->root, key, json_object_new_int64(value));
		return;
	}
	put_label(label);
	printf("%lld\n", (long long)value);
}

void cli_out_ms(struct cli_output *o, const char *key, const char *label, double ms)
{
	char text[64];

	snprintf(text, sizeof text, "%.3f", ms);
	if (o->json) {
		/* the short text form, not 0.12345678901 */
		json_object_object_add(o->root, key, json_object_new_double_s(ms, text));
		return;
	}
	put_label(label);
	printf(_("%s ms\n"), text);
}

void cli_out_list(struct cli_output *o, const char *key, const char *label,
		  char *const *values, size_t n)
{
	if (o->json) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_string(values[i]));
		json_object_object_add(o->root, key, a);
		return;
	}
	put_label(label);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", stdout);
		cli_put_clean(values[i]);
	}
	if (n == 0)
		putchar('-');
	putchar('\n');
}

int cli_output_finish(struct cli_output *o)
{
	if (o->json) {
		puts(json_object_to_json_string_ext(o->root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		cli_output_discard(o);
	}
	/* a full disk or closed pipe must not look like success */
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(CLI_EXIT_FAILURE, _("cannot write the output: %s"), strerror(errno));
	return CLI_EXIT_OK;
}

void cli_output_discard(struct cli_output *o)
{
	json_object_put(o->root);
	o->root = NULL;
}

int cli_fail(int exit_code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("jianyi: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}

int cli_fail_status(const struct jy_error *err)
{
	char text[1200];

	cli_status_sentence(err, text, sizeof text);
	return cli_fail(CLI_EXIT_FAILURE, "%s", text);
}
