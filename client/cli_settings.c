/* Resolves the CLI's settings from flags, environment, config file and
 * defaults (see cli_settings.h for the order). */
#include "cli_settings.h"
#include "cli_i18n.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jianyi.h"
#include "xalloc.h"

bool cli_parse_number(const char *what, const char *s, unsigned long min,
		      unsigned long max, unsigned long *out, char *err, size_t errlen)
{
	unsigned long v = 0;
	const char *p = s;

	/* strtoul would take "-1", " 5" and "0x10"; only plain digits are a
	 * whole number here. */
	if (*p == '\0')
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (ULONG_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return true;
bad:
	snprintf(err, errlen, _("%s: '%s' is not a whole number from %lu to %lu"),
		 what, s, min, max);
	return false;
}

/* --- Config file ------------------------------------------------------- */

struct ini_state {
	char *dir;                 /* folder of the file, for relative paths */
	char *values[6];           /* server, cert, key, ca, timeout_ms, mirror (owned) */
	char error[600];           /* set by the handler when it refuses a line */
};

static const char *const ini_keys[] = { "server", "cert", "key", "ca", "timeout_ms", "mirror" };
enum { INI_SERVER, INI_CERT, INI_KEY, INI_CA, INI_TIMEOUT, INI_MIRROR, INI_NKEYS };

/* File paths in a config file mean the same wherever jianyi runs from. */
static char *resolve_path(const char *dir, const char *value)
{
	char *out;
	size_t n;

	if (value[0] == '/' || dir == NULL)
		return jy_xstrdup(value);
	n = strlen(dir) + 1 + strlen(value) + 1;
	out = jy_xmalloc(n);
	snprintf(out, n, "%s/%s", dir, value);
	return out;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *st = user;
	struct jy_error jerr;
	char host[256];
	uint16_t port;
	unsigned long timeout;

	if (strcmp(section, "client") != 0) {
		if (section[0] == '\0')
			snprintf(st->error, sizeof st->error,
				 _("key '%s' is outside the [client] section"), name);
		else
			snprintf(st->error, sizeof st->error,
				 _("unknown section [%s] (only [client] is read)"), section);
		return 0;
	}
	for (int i = 0; i < INI_NKEYS; i++) {
		if (strcmp(name, ini_keys[i]) != 0)
			continue;
		if (value[0] == '\0') {
			snprintf(st->error, sizeof st->error, _("%s: empty value"), name);
			return 0;
		}
		/* checked here, where the line number is known */
		if (i == INI_SERVER && !jy_parse_server(value, host, sizeof host, &port, &jerr)) {
			snprintf(st->error, sizeof st->error, "%s: %s", name, jerr.message);
			return 0;
		}
		if (i == INI_TIMEOUT && !cli_parse_number(name, value, 1, CLI_MAX_TIMEOUT_MS,
							   &timeout, st->error, sizeof st->error))
			return 0;
		free(st->values[i]);
		st->values[i] = i == INI_CERT || i == INI_KEY || i == INI_CA || i == INI_MIRROR ?
				resolve_path(st->dir, value) : jy_xstrdup(value);
		return 1;
	}
	snprintf(st->error, sizeof st->error,
		 _("unknown key '%s' (known: server, cert, key, ca, timeout_ms, mirror)"), name);
	return 0;
}

/* The default config file path, or NULL when there is no home to look in. */
static char *default_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *out;
	size_t n;

	/* The XDG spec says relative values are to be ignored. */
	if (xdg != NULL && xdg[0] == '/') {
		n = strlen(xdg) + sizeof "/jianyi/client.ini";
		out = jy_xmalloc(n);
		snprintf(out, n, "%s/jianyi/client.ini", xdg);
		return out;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	n = strlen(home) + sizeof "/.config/jianyi/client.ini";
	out = jy_xmalloc(n);
	snprintf(out, n, "%s/.config/jianyi/client.ini", home);
	return out;
}

/* Reads path into st. A missing file is fine only when it was not asked for
 * (*found tells which happened). */
static bool read_config(const char *path, bool required, struct ini_state *st,
			bool *found, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	const char *slash;
	int line;

	*found = false;
	if (f == NULL) {
		if (errno == ENOENT && !required)
			return true;
		snprintf(err, errlen, _("cannot read config file '%s': %s"), path, strerror(errno));
		return false;
	}
	*found = true;
	slash = strrchr(path, '/');
	if (slash != NULL) {
		size_t n = slash == path ? 1 : (size_t)(slash - path);

		st->dir = jy_xmalloc(n + 1);
		memcpy(st->dir, path, n);
		st->dir[n] = '\0';
	}
	line = ini_parse_file(f, on_ini, st);
	fclose(f);
	if (line == 0)
		return true;
	if (line < 0)
		snprintf(err, errlen, _("cannot read config file '%s'"), path);
	else if (st->error[0] != '\0')
		snprintf(err, errlen, "%s:%d: %s", path, line, st->error);
	else
		snprintf(err, errlen, _("%s:%d: syntax error (expected key = value or [section])"),
			 path, line);
	return false;
}

/* --- Merging ----------------------------------------------------------- */

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;   /* empty means unset */
}

/* The first source that gives this setting, and its name for messages. */
static const char *pick(const char *flag, const char *flag_name, const char *env,
			const char *env_name, const char *file, const char *file_key,
			const char *path, char *source, size_t sourcelen)
{
	if (flag != NULL) {
		snprintf(source, sourcelen, "%s", flag_name);
		return flag;
	}
	if (env != NULL) {
		snprintf(source, sourcelen, "%s", env_name);
		return env;
	}
	if (file != NULL) {
		snprintf(source, sourcelen, "%s: %s", path, file_key);
		return file;
	}
	return NULL;
}

bool cli_settings_load(const struct cli_flags *flags, struct cli_settings *out,
		       char *err, size_t errlen)
{
	struct ini_state st = { 0 };
	const char *config = flags->config != NULL ? flags->config : env_value("JIANYI_CONFIG");
	const char *v, *path;
	char *default_path = NULL, source[300];
	char host[256];
	uint16_t port;
	struct jy_error jerr;
	unsigned long timeout;
	bool found = false, ok = false;

	memset(out, 0, sizeof *out);
	if (flags->config != NULL && flags->config[0] == '\0') {
		snprintf(err, errlen, _("--config: empty value"));
		return false;
	}
	path = config != NULL ? config : (default_path = default_config_path());
	if (path != NULL && !read_config(path, config != NULL, &st, &found, err, errlen))
		goto done;
	if (found)
		out->config_path = jy_xstrdup(path);

	v = pick(flags->server, "--server", env_value("JIANYI_SERVER"), "JIANYI_SERVER",
		 st.values[INI_SERVER], "server", path, source, sizeof source);
	if (v == NULL)
		v = CLI_DEFAULT_SERVER;
	else if (!jy_parse_server(v, host, sizeof host, &port, &jerr)) {
		snprintf(err, errlen, "%s: %s", source, jerr.message);
		goto done;
	}
	out->server = jy_xstrdup(v);

	v = pick(flags->cert, "--cert", env_value("JIANYI_CERT"), "JIANYI_CERT",
		 st.values[INI_CERT], "cert", path, source, sizeof source);
	out->cert = v != NULL ? jy_xstrdup(v) : NULL;
	v = pick(flags->key, "--key", env_value("JIANYI_KEY"), "JIANYI_KEY",
		 st.values[INI_KEY], "key", path, source, sizeof source);
	out->key = v != NULL ? jy_xstrdup(v) : NULL;
	v = pick(flags->ca, "--ca", env_value("JIANYI_CA"), "JIANYI_CA",
		 st.values[INI_CA], "ca", path, source, sizeof source);
	out->ca = v != NULL ? jy_xstrdup(v) : NULL;

	v = pick(flags->timeout_ms, "--timeout-ms", NULL, NULL,
		 st.values[INI_TIMEOUT], "timeout_ms", path, source, sizeof source);
	timeout = CLI_DEFAULT_TIMEOUT_MS;
	if (v != NULL && !cli_parse_number(source, v, 1, CLI_MAX_TIMEOUT_MS, &timeout,
					   err, errlen))
		goto done;
	out->timeout_ms = (int)timeout;

	v = pick(flags->mirror, "--mirror", env_value("JIANYI_MIRROR"), "JIANYI_MIRROR",
		 st.values[INI_MIRROR], "mirror", path, source, sizeof source);
	out->mirror = v != NULL ? jy_xstrdup(v) : NULL;
	ok = true;
done:
	for (int i = 0; i < INI_NKEYS; i++)
		free(st.values[i]);
	free(st.dir);
	free(default_path);
	if (!ok)
		cli_settings_free(out);
	return ok;
}

void cli_settings_free(struct cli_settings *s)
{
	free(s->server);
	free(s->cert);
	free(s->key);
	free(s->ca);
	free(s->mirror);
	free(s->config_path);
	memset(s, 0, sizeof *s);
}
