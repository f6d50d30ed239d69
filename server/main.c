/* jianyid: the Jianyi server. "jianyid [flags]" serves; "jianyid admin ..."
 * administers the database offline. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "admin_i18n.h"
#include "config.h"
#include "log.h"
#include "protocol.h"
#include "server.h"

static void usage(FILE *out)
{
	/* TRANSLATORS: keep the flags (--config ...) and the words in quotes as
	 * they are; the values in capitals may be translated. */
	fputs(_("usage: jianyid [flags]                 run the server\n"
	      "       jianyid admin [flags] COMMAND   administer accounts, certificates, organizations\n"
	      "                                       ('jianyid admin --help' lists the commands)\n"
	      "\n"
	      "flags (each overrides the configuration file):\n"
	      "  --config FILE        INI configuration (see deploy/jianyid.ini.example)\n"
	      "  --listen HOST:PORT   address for clients (default 127.0.0.1:7443; port 0 picks one)\n"
	      "  --cert FILE          server certificate (PEM)\n"
	      "  --key FILE           its private key (PEM)\n"
	      "  --ca FILE            CA that client certificates must chain to (PEM)\n"
	      "  --database CONNINFO  PostgreSQL connection string; without it a private\n"
	      "                       cluster runs under --data-dir\n"
	      "  --data-dir DIR       data directory for the private cluster (default ./jianyi-data)\n"
	      "  --pg-bindir DIR      where initdb and pg_ctl are (default: newest installed)\n"
	      "  --log-level LEVEL    debug, info, warn or error (default info)\n"
	      "  --ready-file FILE    write HOST:PORT here once listening\n"
	      "  --http-listen HOST:PORT  address for the HTTP side (health, public portal;\n"
	      "                       default 127.0.0.1:7080; \"off\" disables it)\n"
	      "  --http-ready-file FILE  write the HTTP side's HOST:PORT here once listening\n"
	      "  --metrics-listen HOST:PORT  address for /metrics (default 127.0.0.1:7081;\n"
	      "                       \"off\" disables it)\n"
	      "  --metrics-ready-file FILE  write the metrics listener's HOST:PORT here\n"
	      "  --version            print the version\n"
	      "  --help               this text\n"
	      "\n"
	      "signals: TERM or INT drains in-flight requests and exits; HUP reads the\n"
	      "configuration file again and applies what can change live (and the certificates).\n"),
	      out);
}

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "listen", required_argument, NULL, 'l' },
	{ "cert", required_argument, NULL, 'C' },
	{ "key", required_argument, NULL, 'K' },
	{ "ca", required_argument, NULL, 'A' },
	{ "database", required_argument, NULL, 'd' },
	{ "data-dir", required_argument, NULL, 'D' },
	{ "pg-bindir", required_argument, NULL, 'B' },
	{ "log-level", required_argument, NULL, 'L' },
	{ "ready-file", required_argument, NULL, 'r' },
	{ "http-listen", required_argument, NULL, 'H' },
	{ "http-ready-file", required_argument, NULL, 'R' },
	{ "metrics-listen", required_argument, NULL, 'M' },
	{ "metrics-ready-file", required_argument, NULL, 'm' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Flag -> configuration key. */
static const char *flag_key(int opt, const char **section)
{
	switch (opt) {
	case 'l': *section = "server"; return "listen";
	case 'H': *section = "server"; return "http_listen";
	case 'M': *section = "server"; return "metrics_listen";
	case 'C': *section = "tls"; return "cert";
	case 'K': *section = "tls"; return "key";
	case 'A': *section = "tls"; return "ca";
	case 'd': *section = "database"; return "conninfo";
	case 'D': *section = "embedded"; return "data_dir";
	case 'B': *section = "embedded"; return "pg_bindir";
	case 'L': *section = "log"; return "level";
	default: return NULL;
	}
}

int main(int argc, char **argv)
{
	bool admin = argc > 1 && strcmp(argv[1], "admin") == 0;
	/* What jianyid says to a person (admin; usage, version and a bad flag,
	 * each just before it exits) is in their language. The server itself
	 * keeps the C locale: its log lines are for tools, in English. */
	if (admin) {
		admin_i18n_init();
		argv++;
		argc--;
	}
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[1024];
	int status = 2;

	/* Pass 1: the configuration file, so flags can override it. */
	const char *config_path = NULL;
	bool database_flag = false;
	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		bool has_value = strchr(a, '=') != NULL;
		if (!strcmp(a, "--config") && i + 1 < argc)
			config_path = argv[i + 1];
		else if (!strncmp(a, "--config=", 9))
			config_path = a + 9;
		else if (!strncmp(a, "--database", 10) || !strncmp(a, "--data-dir", 10))
			database_flag = true;
		/* Every long flag but --help and --version takes a value; past
		 * the flags comes the admin subcommand with its own flags. */
		if (!has_value && strcmp(a, "--help") && strcmp(a, "-h") && strcmp(a, "--version"))
			i++;
	}
	/* jianyid admin with nothing naming a database works on the installed
	 * server's (the systemd unit's configuration), never on a new cluster
	 * in the current directory: admin_main refuses when nothing named one. */
	if (admin && !config_path && !database_flag && access(JY_DEFAULT_CONFIG, F_OK) == 0)
		config_path = JY_DEFAULT_CONFIG;
	if (config_path && !jy_config_load_file(&cfg, config_path, err, sizeof err)) {
		fprintf(stderr, "jianyid: %s\n", err);
		goto out;
	}
	if (config_path)
		cfg.config_path = strdup(config_path);

	/* Pass 2: flags. "+" stops at the admin subcommand. */
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", long_opts, NULL)) != -1) {
		const char *section = NULL, *key;
		switch (opt) {
		case 'c':
			break;
		case 'h':
			if (admin)
				goto run_admin_help;
			admin_i18n_init();
			usage(stdout);
			status = 0;
			goto out;
		case 'V':
			admin_i18n_init();
			printf(_("jianyid %s (protocol %d)\n"), JY_SOFTWARE_VERSION, JY_PROTOCOL_VERSION);
			status = 0;
			goto out;
		case 'r':
			free(cfg.ready_file);
			cfg.ready_file = strdup(optarg);
			break;
		case 'R':
			free(cfg.http_ready_file);
			cfg.http_ready_file = strdup(optarg);
			break;
		case 'm':
			free(cfg.metrics_ready_file);
			cfg.metrics_ready_file = strdup(optarg);
			break;
		case '?':
			admin_i18n_init();
			if (optopt)
				fprintf(stderr,
					_("jianyid: flag -%c is unknown or needs a value (see --help)\n"),
					optopt);
			else
				fprintf(stderr, _("jianyid: %s is unknown or needs a value (see --help)\n"),
					argv[optind - 1]);
			goto out;
		default:
			key = flag_key(opt, &section);
			if (!key || !jy_config_set(&cfg, section, key, optarg, err, sizeof err)) {
				fprintf(stderr, "jianyid: %s\n", key ? err : _("bad flag"));
				goto out;
			}
			jy_config_note_flag(&cfg, section, key, optarg);
		}
	}
	enum jy_log_level lvl = JY_LOG_INFO;
	jy_log_parse_level(cfg.log_level, &lvl);
	jy_log_set_level(lvl);

	if (admin) {
		if (optind >= argc) {
run_admin_help:;
			char *help[] = { "--help", NULL };
			status = admin_main(1, help, &cfg);
			goto out;
		}
		status = admin_main(argc - optind, argv + optind, &cfg);
		goto out;
	}
	if (optind < argc) {
		admin_i18n_init();
		fprintf(stderr, _("jianyid: unexpected argument '%s' (see --help)\n"), argv[optind]);
		goto out;
	}
	if (!jy_config_validate(&cfg, true, err, sizeof err)) {
		fprintf(stderr, "jianyid: %s\n", err);
		goto out;
	}
	status = server_run(&cfg);
out:
	jy_config_free(&cfg);
	return status;
}
