/* jianyi-desk: the desktop workbench for the liaison committee, the
 * government office and the handling units (docs/DESK.md). It reads its
 * connection settings where the jianyi CLI does (client/cli_settings.h:
 * JIANYI_SERVER, JIANYI_CERT, JIANYI_KEY, JIANYI_CA, JIANYI_CONFIG, or
 * ~/.config/jianyi/client.ini) and speaks Chinese under zh_CN (gettext). */
#include <gtk/gtk.h>
#include <stdio.h>

#include "cli_i18n.h"
#include "cli_settings.h"
#include "desk_window.h"

/* Also the name of the .desktop file, the icon and the AppStream
 * metadata (desk/data, installed by desk/meson.build). */
#define DESK_APP_ID "cn.gov.renda.JianyiDesk"

static struct cli_settings settings;

static void on_activate(GtkApplication *app, gpointer data)
{
	GList *open = gtk_application_get_windows(app);

	(void)data;
	if (open != NULL) {   /* started again: show the window it has */
		gtk_window_present(GTK_WINDOW(open->data));
	} else {
		gtk_window_set_default_icon_name(DESK_APP_ID);
		desk_window_open(app, &settings);
	}
}

int main(int argc, char **argv)
{
	struct cli_flags flags = { 0 };
	char err[700];
	GtkApplication *app;
	int rc;

	cli_i18n_init();
	if (!cli_settings_load(&flags, &settings, err, sizeof err)) {
		fprintf(stderr, _("jianyi-desk: %s\n"), err);
		return 1;
	}
	if (settings.cert == NULL || settings.key == NULL || settings.ca == NULL) {
		fprintf(stderr, "%s\n", _("jianyi-desk: no certificate, key or CA is set: give them "
					  "in ~/.config/jianyi/client.ini (cert, key, ca) or in "
					  "JIANYI_CERT, JIANYI_KEY and JIANYI_CA"));
		cli_settings_free(&settings);
		return 1;
	}
	/* NON_UNIQUE: each desk its own process (two accounts on one machine) */
	app = gtk_application_new(DESK_APP_ID, G_APPLICATION_NON_UNIQUE);
	g_signal_connect(app, "activate", G_CALLBACK(on_activate), NULL);
	rc = g_application_run(G_APPLICATION(app), argc, argv);
	g_object_unref(app);
	cli_settings_free(&settings);
	return rc;
}
