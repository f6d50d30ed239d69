/* jianyi-desk: the desktop workbench for the liaison committee, the
 * government office and the handling units (docs/DESK.md). It reads its
 * connection settings where the jianyi CLI does (client/cli_settings.h:
 * JIANYI_SERVER, JIANYI_CERT, JIANYI_KEY, JIANYI_CA, JIANYI_CONFIG, or
 * ~/.config/jianyi/client.ini) and speaks Chinese under zh_CN (gettext).
 * Without a certificate it first enrolls (desk_enroll.h). */
#include <gtk/gtk.h>
#include <stdio.h>

#include "cli_i18n.h"
#include "cli_settings.h"
#include "desk_enroll.h"
#include "desk_window.h"

/* Also the name of the .desktop file, the icon and the AppStream
 * metadata (desk/data, installed by desk/meson.build). */
#define DESK_APP_ID "cn.gov.renda.JianyiDesk"

static struct cli_settings settings;

static bool has_certificate(const struct cli_settings *s)
{
	return s->cert != NULL && s->key != NULL;
}

/* Enrolled: the settings now name the certificate; read them again and
 * sign in with them. */
static void on_enrolled(GtkApplication *app, void *user)
{
	struct cli_flags flags = { 0 };
	char err[700];

	(void)user;
	cli_settings_free(&settings);
	if (!cli_settings_load(&flags, &settings, err, sizeof err)) {
		fprintf(stderr, _("jianyi-desk: %s\n"), err);
		g_application_quit(G_APPLICATION(app));
		return;
	}
	if (!has_certificate(&settings) || settings.ca == NULL) {
		fprintf(stderr, "%s\n", _("jianyi-desk: the settings name no certificate after "
					  "enrolling"));
		g_application_quit(G_APPLICATION(app));
		return;
	}
	desk_window_open(app, &settings);
}

static void on_activate(GtkApplication *app, gpointer data)
{
	GList *open = gtk_application_get_windows(app);

	(void)data;
	if (open != NULL) {   /* started again: show the window it has */
		gtk_window_present(GTK_WINDOW(open->data));
		return;
	}
	gtk_window_set_default_icon_name(DESK_APP_ID);
	if (has_certificate(&settings))
		desk_window_open(app, &settings);
	else
		desk_enroll_open(app, &settings, on_enrolled, NULL);
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
	if (has_certificate(&settings) && settings.ca == NULL) {
		fprintf(stderr, "%s\n", _("jianyi-desk: no CA certificate is set: give it in "
					  "~/.config/jianyi/client.ini (ca) or in JIANYI_CA"));
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
