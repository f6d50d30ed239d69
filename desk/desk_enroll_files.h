/* Where enrollment puts things (docs/DESK.md, "Enrollment"): the settings
 * file the desk reads at start, the default folder for the key and
 * certificate, and the lines that make the settings file name them. */
#ifndef JY_DESK_ENROLL_FILES_H
#define JY_DESK_ENROLL_FILES_H

#include <glib.h>
#include <stdbool.h>

struct cli_settings;

/* The settings file the desk reads: the one s was read from, else the
 * default $XDG_CONFIG_HOME/jianyi/client.ini or ~/.config/jianyi/client.ini
 * (as client/cli_settings.h says). g_free it. */
char *desk_enroll_settings_file(const struct cli_settings *s);

/* The folder offered for the key and certificate: the settings file's
 * folder while that file does not exist (jy_enroll then writes it there
 * as it is), else the folder "enrolled" beside it. g_free it. */
char *desk_enroll_default_dir(const char *settings_file);

/* Makes settings_file name the enrolled files in dir and server, unless
 * it is written_ini itself (jy_enroll's client.ini): a [client] section is
 * appended (a later value wins), the file made 0600 when new. False with
 * *err (a sentence naming the file) when it cannot be written. */
bool desk_enroll_point_settings(const char *settings_file, const char *server, const char *dir,
				const char *written_ini, char **err);

#endif
