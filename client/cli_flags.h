/* Checking a command's flags before anything is sent. Each getter reads one
 * flag (or the positional ID), checks it, and on a bad or missing value
 * prints one line "jianyi: <command>: --flag: what is wrong" and returns
 * false; the command then exits with CLI_EXIT_USAGE. A flag that is absent
 * and not required leaves *out untouched. */
#ifndef JY_CLI_FLAGS_H
#define JY_CLI_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_commands.h"

#define CLI_MAX_TEXT_BYTES (1024 * 1024)   /* --x-file and stdin */
#define CLI_IDEMPOTENCY_KEY_MAX 64
#define CLI_MAX_ID 9007199254740991LL      /* 2^53 - 1: exact in JSON too */

enum cli_need { CLI_OPTIONAL, CLI_REQUIRED };

/* Prints "jianyi: <command>: <fmt>" and returns false. */
bool cli_usage_error(const struct cli_invocation *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The positional ID: a positive whole number. */
bool cli_get_case_id(const struct cli_invocation *inv, int64_t *out);
/* --flag as an id (a positive whole number). */
bool cli_get_id(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		int64_t *out);
/* A repeatable id flag; no id twice. *n is the count. */
bool cli_get_ids(const struct cli_invocation *inv, const char *flag, int64_t *out,
		 size_t max, size_t *n);
/* --flag as a whole number in [min, max]. */
bool cli_get_int(const struct cli_invocation *inv, const char *flag, long min, long max,
		 enum cli_need need, long *out);
/* --flag as a real calendar date YYYY-MM-DD. */
bool cli_get_date(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		  const char **out);
/* --flag as one of choices (a NULL-ended list); *out is its index. */
bool cli_get_choice(const struct cli_invocation *inv, const char *flag,
		    const char *const *choices, enum cli_need need, int *out);
/* --flag as text: valid UTF-8, without control characters other than
 * tab and newline. */
bool cli_get_str(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		 const char **out);
/* A repeatable text flag. */
bool cli_get_strs(const struct cli_invocation *inv, const char *flag, const char **out,
		  size_t max, size_t *n);
/* A long text: --<flag> TEXT or --<flag>-file F ('-': standard input), not
 * both. The file must be readable, at most CLI_MAX_TEXT_BYTES, and valid
 * UTF-8. *out is malloc'd (free it); NULL when absent and optional. */
bool cli_get_long_text(const struct cli_invocation *inv, const char *flag,
		       enum cli_need need, char **out);
/* --idempotency-key K (checked) or a fresh random key (32 hex digits). */
bool cli_get_idempotency_key(const struct cli_invocation *inv,
			     char out[CLI_IDEMPOTENCY_KEY_MAX + 1]);

/* True when s is a real calendar date written YYYY-MM-DD. */
bool cli_date_valid(const char *s);

#endif
