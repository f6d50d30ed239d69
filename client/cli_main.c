/* jianyi: the command-line client. This file parses the command line
 * (global flags may come before or after the command name) and dispatches to
 * the command table in cli_commands.c. */
#include <stdio.h>
#include <string.h>

#include "cli_commands.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_settings.h"

const struct cli_option cli_global_options[] = {
	{ "server", N_("HOST:PORT"), N_("server address (default 127.0.0.1:7443; IPv6 as [::1]:7443)") },
	{ "cert", N_("FILE"), N_("client certificate, PEM") },
	{ "key", N_("FILE"), N_("its private key, PEM") },
	{ "ca", N_("FILE"), N_("CA certificate the server's certificate must chain to, PEM") },
	{ "config", N_("FILE"), N_("config file (default ~/.config/jianyi/client.ini)") },
	{ "timeout-ms", N_("N"), N_("limit for connecting and for each call (default 10000)") },
	{ "json", NULL, N_("print one JSON document instead of text") },
	{ "mirror", N_("FILE"), N_("the local SQLite mirror (jianyi sync; default: none)") },
	{ "offline", NULL, N_("read from the mirror / queue writes in its outbox") },
	{ "help", NULL, N_("show help (also -h)") },
	{ 0 },
};

/* Stores a global flag's value; false when name is not a global flag. */
static bool set_global(struct cli_invocation *inv, const char *name, const char *value)
{
	struct cli_flags *f = &inv->flags;
	const char **slot =
		strcmp(name, "server") == 0 ? &f->server :
		strcmp(name, "cert") == 0 ? &f->cert :
		strcmp(name, "key") == 0 ? &f->key :
		strcmp(name, "ca") == 0 ? &f->ca :
		strcmp(name, "config") == 0 ? &f->config :
		strcmp(name, "timeout-ms") == 0 ? &f->timeout_ms :
		strcmp(name, "mirror") == 0 ? &f->mirror : NULL;

	if (strcmp(name, "json") == 0)
		f->json = true;
	else if (strcmp(name, "offline") == 0)
		f->offline = true;
	else if (strcmp(name, "help") == 0)
		inv->help = true;
	else if (slot != NULL)
		*slot = value;   /* a repeated flag: the last one wins */
	else
		return false;
	return true;
}

/* Stores the value of the command's flag number idx (NULL for a switch). */
static bool set_command_flag(struct cli_invocation *inv, int idx, const char *value,
			     char *err, size_t errlen)
{
	const struct cli_option *opt = &inv->cmd->options[idx];

	if (opt->repeatable) {
		if (inv->nrepeated == CLI_MAX_REPEATED) {
			snprintf(err, errlen, _("%s: --%s: more than %d values"), inv->cmd->name,
				 opt->name, CLI_MAX_REPEATED);
			return false;
		}
		inv->repeated_opt[inv->nrepeated] = idx;
		inv->repeated[inv->nrepeated++] = value;
	} else if (inv->values[idx] != NULL) {
		/* "--reason a --reason b" would silently drop a */
		snprintf(err, errlen, _("%s: --%s: given more than once"), inv->cmd->name, opt->name);
		return false;
	}
	inv->values[idx] = value != NULL ? value : opt->name;
	return true;
}

/* Handles one "--name[=value]" at argv[*i]; may consume argv[*i + 1]. */
static bool parse_flag(struct cli_invocation *inv, int argc, char **argv, int *i,
		       char *err, size_t errlen)
{
	char name[64], where[48] = "";
	const char *arg = argv[*i], *eq = strchr(arg, '='), *value = NULL;
	size_t nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	const struct cli_option *opt = NULL;
	int cmd_idx = -1, global_idx = -1;

	if (nlen == 0 || nlen >= sizeof name) {
		snprintf(err, errlen, _("unknown flag '%s'"), arg);
		return false;
	}
	memcpy(name, arg + 2, nlen);
	name[nlen] = '\0';
	/* after the command name its own flags come first (assign --key) */
	if (inv->cmd != NULL && inv->cmd->options != NULL &&
	    (cmd_idx = cli_option_find(inv->cmd->options, name)) >= 0)
		opt = &inv->cmd->options[cmd_idx];
	else if ((global_idx = cli_option_find(cli_global_options, name)) >= 0)
		opt = &cli_global_options[global_idx];
	if (opt == NULL) {
		if (inv->cmd != NULL)
			snprintf(err, errlen, _("unknown flag '--%s' for %s; see 'jianyi help %s'"),
				 name, inv->cmd->name, inv->cmd->name);
		else
			snprintf(err, errlen, _("unknown flag '--%s'; see 'jianyi --help'"), name);
		return false;
	}
	if (inv->cmd != NULL)
		snprintf(where, sizeof where, "%s: ", inv->cmd->name);
	if (opt->metavar == NULL) {
		if (eq != NULL) {
			snprintf(err, errlen, _("%s--%s: takes no value"), where, name);
			return false;
		}
	} else if (eq != NULL) {
		value = eq + 1;
	} else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0) {
		/* "--cert --json" is a forgotten value, not a file named "--json" */
		value = argv[++*i];
	} else {
		snprintf(err, errlen, _("%s--%s: needs a value (%s)"), where, name, _(opt->metavar));
		return false;
	}
	if (value != NULL && value[0] == '\0') {
		snprintf(err, errlen, _("%s--%s: empty value"), where, name);
		return false;
	}
	if (cmd_idx >= 0)
		return set_command_flag(inv, cmd_idx, value, err, errlen);
	else
		(void)set_global(inv, name, value);
	return true;
}

static bool parse_args(struct cli_invocation *inv, int argc, char **argv,
		       char *err, size_t errlen)
{
	bool options_done = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_done && strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (!options_done && strcmp(arg, "-h") == 0) {
			inv->help = true;
		} else if (!options_done && strncmp(arg, "--", 2) == 0) {
			if (!parse_flag(inv, argc, argv, &i, err, errlen))
				return false;
		} else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
			snprintf(err, errlen, _("unknown flag '%s'; flags are spelt --name"), arg);
			return false;
		} else if (inv->cmd == NULL) {
			inv->cmd = cli_command_find(arg);
			if (inv->cmd == NULL) {
				snprintf(err, errlen, _("unknown command '%s'; see 'jianyi --help'"), arg);
				return false;
			}
		} else if (inv->nargs < inv->cmd->max_args) {
			inv->args[inv->nargs++] = arg;
		} else {
			snprintf(err, errlen, _("%s: unexpected argument '%s'"), inv->cmd->name, arg);
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	struct cli_invocation inv = { 0 };
	char err[512];
	int rc;

	cli_i18n_init();
	if (!parse_args(&inv, argc, argv, err, sizeof err))
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	if (inv.help) {
		if (inv.cmd != NULL)
			cli_print_command_help(stdout, inv.cmd);
		else
			cli_print_global_help(stdout);
		return cli_output_finish(&(struct cli_output){ .json = false });
	}
	if (inv.cmd == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("no command given; see 'jianyi --help'"));
	if (inv.flags.offline && !inv.cmd->offline)
		return cli_fail(CLI_EXIT_USAGE, _("%s: works only online (--offline: show, list, stats, "
				"todo, attachments, download, outbox and the write commands)"), inv.cmd->name);
	if (inv.cmd->needs_settings &&
	    !cli_settings_load(&inv.flags, &inv.settings, err, sizeof err))
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	rc = inv.cmd->run(&inv);
	cli_settings_free(&inv.settings);
	return rc;
}
