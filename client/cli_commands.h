/* The CLI's command table. A new command (submit, assign, ...) is one row in
 * cli_commands[] plus its handler: the parser, help and dispatch in
 * cli_main.c need no change. */
#ifndef JY_CLI_COMMANDS_H
#define JY_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli_settings.h"
#include "jianyi.h"

#define CLI_MAX_OPTIONS 16
#define CLI_MAX_ARGS 33      /* "inbox read ID...": 32 ids */
#define CLI_MAX_REPEATED 64    /* values of repeatable flags, all together */

/* A flag: "--name VALUE" (or "--name=VALUE"), or a switch when metavar is NULL.
 * A command's own flag may be given once, unless it is repeatable
 * ("--co 3 --co 4"). After the command name a command's flag shadows a
 * global flag of the same name (assign --key: a key suggestion; the private
 * key then goes before the command name or in the environment). */
struct cli_option {
	const char *name;      /* without the leading "--" */
	const char *metavar;   /* "N", "FILE", ...; NULL for a switch (N_(): printed with _()) */
	const char *help;      /* N_(): printed with _() */
	bool repeatable;
};

struct cli_command;

/* What the command line asked for, after parsing. */
struct cli_invocation {
	const struct cli_command *cmd;
	struct cli_flags flags;                  /* global flags */
	const char *values[CLI_MAX_OPTIONS];     /* the command's own options, by index; NULL: not given
	                                            (a switch given: its name) */
	/* Every value of a repeatable flag, in command-line order. */
	const char *repeated[CLI_MAX_REPEATED];
	int repeated_opt[CLI_MAX_REPEATED];      /* the option index of each */
	int nrepeated;
	const char *args[CLI_MAX_ARGS];          /* positional arguments */
	int nargs;
	bool help;                               /* --help anywhere */
	struct cli_settings settings;            /* resolved before run() */
};

/* summary, usage and help are marked N_() and printed with _(). */
struct cli_command {
	const char *name;
	const char *summary;                     /* one line, for "jianyi --help" */
	const char *usage;                       /* after "usage: jianyi " */
	const char *help;                        /* paragraphs, for "jianyi help NAME" */
	bool write_help;                         /* help goes on with CLI_WRITE_HELP */
	const struct cli_option *options;        /* ends with a zero row; NULL: none */
	int max_args;
	bool needs_settings;                     /* false: runs without reading any config */
	bool offline;                            /* may run with --offline (the mirror) */
	int (*run)(const struct cli_invocation *inv);   /* returns the exit status */
	const void *spec;                        /* handler data (e.g. the workflow action) */
};

/* The table, ending with a row whose name is NULL. */
extern const struct cli_command cli_commands[];
/* The global flags (cli_main.c), ending with a zero row. */
extern const struct cli_option cli_global_options[];

const struct cli_command *cli_command_find(const char *name);
/* Index of --name in cmd's options, or -1. */
int cli_option_find(const struct cli_option *options, const char *name);

/* The value of the command's flag --name: NULL when not given, and for a
 * switch that was given, its name. */
const char *cli_value(const struct cli_invocation *inv, const char *name);
/* The values of a repeatable flag, in order, into out (at most max);
 * returns how many were given (more than max: only max stored). */
size_t cli_values(const struct cli_invocation *inv, const char *name,
		  const char **out, size_t max);

struct jy_client;
/* Connects with the resolved settings; on failure prints the reason and
 * sets *rc (2 for a missing setting, 1 for a failed connection). */
struct jy_client *cli_connect_or_fail(const struct cli_invocation *inv, int *rc);
/* One read: connects, sends req and waits for its answer, which must carry
 * body (what: the answer's name for the error, marked N_()). Returns the
 * answer (jy_envelope_free it), or NULL with the reason printed and *rc
 * set. The connection is closed either way. usage_of: NULL, or the
 * argument ("--lead") whose value the request carries; the server's
 * invalid_argument is then a usage error about it (exit status 2). */
Jianyi__Envelope *cli_read_once(const struct cli_invocation *inv, Jianyi__Request *req,
				Jianyi__Response__BodyCase body, const char *what,
				const char *usage_of, int *rc);

void cli_print_global_help(FILE *f);
void cli_print_command_help(FILE *f, const struct cli_command *cmd);

#endif
