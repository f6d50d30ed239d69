/* A server refusal in the reader's language: its reason (Status.reason, a
 * stable code; docs/WORKFLOW.md "Reasons") and named arguments become a
 * translated sentence, the arguments that name an action, a state, a field,
 * a role or a kind said in words (cli_terms.h). An unknown reason (a newer
 * server) gives a general sentence; no internal name reaches the screen.
 * The English Status.message stays for --json and logs. Shared by the CLI
 * and the desk: it needs only cli_terms.c and gettext. */
#ifndef JY_CLI_REASONS_H
#define JY_CLI_REASONS_H

#include <stdbool.h>
#include <stddef.h>

#include "jianyi.h"

/* One argument: name and value as the server sent them. */
struct cli_reason_arg {
	const char *name;
	const char *value;
};

/* The sentence for reason with its n arguments, into buf. */
void cli_reason_text(const char *reason, const struct cli_reason_arg *args, size_t n,
		     char *buf, size_t len);

/* A Status's sentence; false (buf untouched) when it has no reason. */
bool cli_reason_status(const Jianyi__Status *st, char *buf, size_t len);

/* What a person reads for err: the sentence of the server's reason, or
 * err->message when there is none (libjianyi's own failures, already in the
 * reader's language). */
void cli_error_text(const struct jy_error *err, char *buf, size_t len);

/* "<the status in words>: <cli_error_text>", as the CLI reports a failure. */
void cli_status_sentence(const struct jy_error *err, char *buf, size_t len);

/* A status by its name as stored ("failed_precondition") in words. */
const char *cli_status_name_text(const char *name);

/* Whether the catalogue has a sentence for reason (tests, tools). */
bool cli_reason_known(const char *reason);

#endif
