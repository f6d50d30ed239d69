/* The CLI's output: the same calls produce either aligned "label: value"
 * lines for people or, with --json, one JSON document on stdout. Errors go
 * to stderr as exactly one line "jianyi: <reason>". */
#ifndef JY_CLI_OUTPUT_H
#define JY_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jianyi.h"

/* Exit statuses of the jianyi command. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,   /* the server or the connection failed */
	CLI_EXIT_USAGE = 2,     /* bad flag, value, or configuration */
};

struct json_object;

struct cli_output {
	bool json;
	struct json_object *root;   /* the document being built (--json) */
};

void cli_output_init(struct cli_output *o, bool json);
/* value NULL: null in JSON, "-" for people. */
void cli_out_str(struct cli_output *o, const char *key, const char *label, const char *value);
void cli_out_int(struct cli_output *o, const char *key, const char *label, int64_t value);
/* A duration in milliseconds, three decimals. */
void cli_out_ms(struct cli_output *o, const char *key, const char *label, double ms);
/* A JSON array of strings; comma-separated for people. */
void cli_out_list(struct cli_output *o, const char *key, const char *label,
		  char *const *values, size_t n);
/* Prints the JSON document (if any) and checks that stdout took it all.
 * Returns the exit status. */
int cli_output_finish(struct cli_output *o);
/* Frees the document without printing it (the command failed). */
void cli_output_discard(struct cli_output *o);

/* Writes s to stdout for a terminal: control characters become '?'. */
void cli_put_clean(const char *s);

/* Print "jianyi: <reason>" on stderr; return exit_code. */
int cli_fail(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "jianyi: <status name>: <message>"; returns CLI_EXIT_FAILURE. */
int cli_fail_status(const struct jy_error *err);

#endif
