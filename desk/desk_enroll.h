/* First run (docs/DESK.md, "Enrollment"): when no certificate is set, the
 * desk shows this window instead of the main one. It asks for the server's
 * address, the one-time code an administrator made (`jianyid admin
 * enroll-code --login L`), the server's CA certificate and the folder for
 * the key and certificate; 注册 makes the key and enrolls through
 * libjianyi's jy_enroll on a worker thread (GTask: it blocks, the window
 * does not), then points the settings file the desk reads at the new
 * files, so that the next start signs in, and hands over to the main
 * window. Refusals (a used or expired code, a wrong address) are shown in
 * the window in the reader's language. */
#ifndef JY_DESK_ENROLL_H
#define JY_DESK_ENROLL_H

#include <gtk/gtk.h>

struct cli_settings;

/* Called once enrolled and the settings are written; the enrollment
 * window closes right after it returns. */
typedef void (*desk_enrolled_fn)(GtkApplication *app, void *user);

/* Shows the enrollment window, its fields filled from s where s has them
 * (the server, the CA). */
void desk_enroll_open(GtkApplication *app, const struct cli_settings *s, desk_enrolled_fn done,
		      void *user);

#endif
