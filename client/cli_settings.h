/* The CLI's settings and where they come from. For each setting the first
 * source that has it wins: command-line flag, then environment
 * (JIANYI_SERVER, JIANYI_CERT, JIANYI_KEY, JIANYI_CA, JIANYI_MIRROR), then the [client]
 * section of the config file, then the default. The config file is the one
 * named by --config or JIANYI_CONFIG (it must exist), else
 * $XDG_CONFIG_HOME/jianyi/client.ini or ~/.config/jianyi/client.ini (it may
 * be missing). Relative paths in a config file are relative to its folder. */
#ifndef JY_CLI_SETTINGS_H
#define JY_CLI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_DEFAULT_SERVER "127.0.0.1:7443"
#define CLI_DEFAULT_TIMEOUT_MS 10000
#define CLI_MAX_TIMEOUT_MS 3600000ul   /* an hour: anything longer is a typo */

/* Values as given on the command line; NULL when not given. */
struct cli_flags {
	const char *server, *cert, *key, *ca, *config, *timeout_ms, *mirror;
	bool json;
	bool offline;        /* --offline: read from / queue into the mirror */
};

/* The resolved settings; strings are owned (cli_settings_free). cert, key
 * and ca stay NULL when no source gives them. */
struct cli_settings {
	char *server, *cert, *key, *ca;
	int timeout_ms;
	char *mirror;        /* the local SQLite mirror (sync, --offline), NULL: none */
	char *config_path;   /* the config file read, NULL when none */
};

/* Resolves the settings. On failure writes one line naming the source at
 * fault (flag, variable, or file:line and key) into err. */
bool cli_settings_load(const struct cli_flags *flags, struct cli_settings *out,
		       char *err, size_t errlen) __attribute__((warn_unused_result));
void cli_settings_free(struct cli_settings *s);

/* Parses a whole decimal number in [min, max]. On failure writes
 * "<what>: '<s>' is not a whole number from <min> to <max>" into err. */
bool cli_parse_number(const char *what, const char *s, unsigned long min,
		      unsigned long max, unsigned long *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
