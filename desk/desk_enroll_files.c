/* See desk_enroll_files.h. */
#include "desk_enroll_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_i18n.h"
#include "cli_settings.h"

char *desk_enroll_settings_file(const struct cli_settings *s)
{
	const char *xdg = g_getenv("XDG_CONFIG_HOME");

	if (s->config_path != NULL)
		return g_strdup(s->config_path);
	/* the XDG spec says a relative value is to be ignored */
	if (xdg != NULL && xdg[0] == '/')
		return g_build_filename(xdg, "jianyi", "client.ini", NULL);
	return g_build_filename(g_get_home_dir(), ".config", "jianyi", "client.ini", NULL);
}

char *desk_enroll_default_dir(const char *settings_file)
{
	char *dir = g_path_get_dirname(settings_file), *out;

	if (!g_file_test(settings_file, G_FILE_TEST_EXISTS))
		return dir;
	out = g_build_filename(dir, "enrolled", NULL);
	g_free(dir);
	return out;
}

static bool same_file(const char *a, const char *b)
{
	char *ca = g_canonicalize_filename(a, NULL), *cb = g_canonicalize_filename(b, NULL);
	bool same = strcmp(ca, cb) == 0;

	g_free(ca);
	g_free(cb);
	return same;
}

bool desk_enroll_point_settings(const char *settings_file, const char *server, const char *dir,
				const char *written_ini, char **err)
{
	char *folder = g_path_get_dirname(settings_file);
	int fd = -1;
	FILE *f = NULL;
	bool ok;

	if (same_file(settings_file, written_ini)) {
		g_free(folder);
		return true;
	}
	if (g_mkdir_with_parents(folder, 0700) != 0)
		goto fail;
	fd = open(settings_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "a")) == NULL)
		goto fail;
	fprintf(f, "\n# written by jianyi-desk when it enrolled\n[client]\nserver = %s\n"
		"cert = %s/client.crt\nkey = %s/client.key\nca = %s/ca.crt\n",
		server, dir, dir, dir);
	ok = fflush(f) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		fd = -1;
		goto fail;
	}
	g_free(folder);
	return true;
fail:
	/* TRANSLATORS: %s: the settings file; then why it failed */
	*err = g_strdup_printf(_("the settings file %s could not be written: %s"), settings_file,
			       g_strerror(errno));
	if (fd >= 0 && f == NULL)
		close(fd);
	g_free(folder);
	return false;
}
