/* See desk_enroll.h. The window owns its struct until it is destroyed; an
 * enrollment still running then finishes on its thread and its result is
 * dropped (the struct goes when both are done). */
#include "desk_enroll.h"

#include <string.h>

#include "cli_i18n.h"
#include "cli_reasons.h"
#include "cli_settings.h"
#include "desk_enroll_files.h"
#include "jianyi.h"

enum field { F_SERVER, F_CODE, F_CA, F_DIR, NFIELDS };

static const char *const field_names[NFIELDS] = {
	N_("Server address"), N_("Enrollment code"), N_("Server's CA certificate (file)"),
	N_("Folder for the key and certificate"),
};

struct desk_enroll {
	GtkApplication *app;
	GtkWidget *win, *entry[NFIELDS], *button, *spinner, *message;
	char *settings_file;
	int timeout_ms;
	desk_enrolled_fn done;
	void *user;
	bool busy;      /* an enrollment runs on its thread */
	bool closed;    /* the window is gone */
};

/* One enrollment, copied for the worker thread. */
struct job {
	char *server, *code, *ca, *dir;
	int timeout_ms;
	bool ok;
	struct jy_enroll_result result;
	struct jy_error err;
};

static void job_free(gpointer data)
{
	struct job *j = data;

	g_free(j->server);
	g_free(j->code);
	g_free(j->ca);
	g_free(j->dir);
	g_free(j);
}

static void enroll_free(struct desk_enroll *e)
{
	g_free(e->settings_file);
	g_free(e);
}

/* A field's text without the spaces around it (g_free it). */
static char *field(struct desk_enroll *e, enum field f)
{
	return g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(e->entry[f]))));
}

static void say(struct desk_enroll *e, const char *text, bool error)
{
	gtk_label_set_text(GTK_LABEL(e->message), text);
	if (error)
		gtk_widget_add_css_class(e->message, "error");
	else
		gtk_widget_remove_css_class(e->message, "error");
}

static void set_busy(struct desk_enroll *e, bool busy)
{
	e->busy = busy;
	gtk_widget_set_sensitive(e->button, !busy);
	gtk_spinner_set_spinning(GTK_SPINNER(e->spinner), busy);
}

/* What is wrong with the fields, or NULL when they can be sent (g_free). */
static char *check_fields(struct job *j)
{
	char host[256];
	uint16_t port;
	struct jy_error e = { 0 };

	if (j->server[0] == '\0')
		return g_strdup(_("Give the server's address, e.g. 192.168.1.10:7443."));
	if (!jy_parse_server(j->server, host, sizeof host, &port, &e))
		/* TRANSLATORS: %s: what is wrong with the address */
		return g_strdup_printf(_("The server's address is not usable: %s"), e.message);
	if (j->code[0] == '\0')
		return g_strdup(_("Give the enrollment code the administrator gave you."));
	if (j->ca[0] == '\0' || !g_file_test(j->ca, G_FILE_TEST_IS_REGULAR))
		/* TRANSLATORS: %s: the file name given */
		return g_strdup_printf(_("The CA certificate file \"%s\" was not found."), j->ca);
	if (!g_path_is_absolute(j->dir) || strchr(j->dir, '\n') != NULL)
		return g_strdup(_("Give the folder for the key and certificate as a full path "
				  "(starting with /)."));
	return NULL;
}

static void enroll_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
	struct job *j = data;
	struct jy_enroll_options o = { .server = j->server, .ca_file = j->ca, .code = j->code,
				       .out_dir = j->dir, .timeout_ms = j->timeout_ms };
	char *parent = g_path_get_dirname(j->dir);

	(void)source;
	(void)cancel;
	/* jy_enroll makes the folder itself, not its parents (~/.config may
	 * not exist yet on a new account); a failure here shows as its own */
	g_mkdir_with_parents(parent, 0700);
	g_free(parent);
	j->ok = jy_enroll(&o, &j->result, &j->err);
	g_task_return_boolean(task, j->ok);
}

static void enrolled(struct desk_enroll *e, struct job *j)
{
	char *err = NULL, *text;

	if (!desk_enroll_point_settings(e->settings_file, j->server, j->dir, j->result.config_file,
					&err)) {
		/* TRANSLATORS: %s: why the settings could not be written */
		text = g_strdup_printf(_("Enrolled, but %s"), err);
		say(e, text, true);
		g_free(text);
		g_free(err);
		return;
	}
	e->done(e->app, e->user);
	gtk_window_destroy(GTK_WINDOW(e->win));
}

static void on_enroll_done(GObject *source, GAsyncResult *res, gpointer data)
{
	struct desk_enroll *e = data;
	struct job *j = g_task_get_task_data(G_TASK(res));
	char why[1200], *text;

	(void)source;
	if (e->closed) {   /* its widgets are gone */
		enroll_free(e);
		return;
	}
	set_busy(e, false);
	if (j->ok) {
		enrolled(e, j);
		return;
	}
	cli_status_sentence(&j->err, why, sizeof why);
	/* TRANSLATORS: %s: the server's refusal or what failed, in words */
	text = g_strdup_printf(_("Enrollment did not succeed: %s"), why);
	say(e, text, true);
	g_free(text);
}

static void on_enroll_clicked(GtkButton *b, gpointer data)
{
	struct desk_enroll *e = data;
	struct job *j = g_new0(struct job, 1);
	char *wrong;
	GTask *task;

	(void)b;
	if (e->busy) {
		job_free(j);
		return;
	}
	j->server = field(e, F_SERVER);
	j->code = field(e, F_CODE);
	j->ca = field(e, F_CA);
	j->dir = field(e, F_DIR);
	j->timeout_ms = e->timeout_ms;
	wrong = check_fields(j);
	if (wrong != NULL) {
		say(e, wrong, true);
		g_free(wrong);
		job_free(j);
		return;
	}
	set_busy(e, true);
	say(e, _("Enrolling…"), false);
	task = g_task_new(NULL, NULL, on_enroll_done, e);
	g_task_set_task_data(task, j, job_free);
	g_task_run_in_thread(task, enroll_thread);
	g_object_unref(task);
}

/* Enter in any field enrolls. */
static void on_entry_activate(GtkEntry *entry, gpointer data)
{
	(void)entry;
	on_enroll_clicked(NULL, data);
}

static void on_destroy(GtkWidget *w, gpointer data)
{
	struct desk_enroll *e = data;

	(void)w;
	e->closed = true;
	if (!e->busy)
		enroll_free(e);
}

/* The four labelled fields in a grid. */
static GtkWidget *fields_grid(struct desk_enroll *e, const char *values[NFIELDS])
{
	GtkWidget *grid = gtk_grid_new();

	gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
	for (int i = 0; i < NFIELDS; i++) {
		GtkWidget *label = gtk_label_new(_(field_names[i]));

		gtk_label_set_xalign(GTK_LABEL(label), 1);
		e->entry[i] = gtk_entry_new();
		gtk_editable_set_text(GTK_EDITABLE(e->entry[i]), values[i] != NULL ? values[i] : "");
		gtk_widget_set_hexpand(e->entry[i], TRUE);
		gtk_accessible_update_property(GTK_ACCESSIBLE(e->entry[i]),
					       GTK_ACCESSIBLE_PROPERTY_LABEL, _(field_names[i]), -1);
		g_signal_connect(e->entry[i], "activate", G_CALLBACK(on_entry_activate), e);
		gtk_grid_attach(GTK_GRID(grid), label, 0, i, 1, 1);
		gtk_grid_attach(GTK_GRID(grid), e->entry[i], 1, i, 1, 1);
	}
	return grid;
}

static GtkWidget *labelled(const char *text, bool wrap)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_wrap(GTK_LABEL(l), wrap);
	return l;
}

static GtkWidget *enroll_page(struct desk_enroll *e, const char *values[NFIELDS])
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 16);
	GtkWidget *heading = labelled(_("First start: enroll this computer"), false);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	gtk_widget_add_css_class(heading, "title-1");
	gtk_widget_set_margin_start(box, 48);
	gtk_widget_set_margin_end(box, 48);
	gtk_widget_set_margin_top(box, 36);
	gtk_box_append(GTK_BOX(box), heading);
	gtk_box_append(GTK_BOX(box), labelled(_("This computer has no certificate yet. Enter the "
						"one-time enrollment code an administrator gave "
						"you: a key is made on this computer (it never "
						"leaves it) and the server issues its "
						"certificate."), true));
	gtk_box_append(GTK_BOX(box), fields_grid(e, values));
	e->button = gtk_button_new_with_mnemonic(_("_Enroll"));
	gtk_widget_add_css_class(e->button, "suggested-action");
	gtk_accessible_update_property(GTK_ACCESSIBLE(e->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Enroll"), -1);
	g_signal_connect(e->button, "clicked", G_CALLBACK(on_enroll_clicked), e);
	e->spinner = gtk_spinner_new();
	gtk_box_append(GTK_BOX(row), e->button);
	gtk_box_append(GTK_BOX(row), e->spinner);
	gtk_box_append(GTK_BOX(box), row);
	e->message = labelled("", true);
	gtk_accessible_update_property(GTK_ACCESSIBLE(e->message),
				       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Enrollment status"), -1);
	gtk_box_append(GTK_BOX(box), e->message);
	return box;
}

void desk_enroll_open(GtkApplication *app, const struct cli_settings *s, desk_enrolled_fn done,
		      void *user)
{
	struct desk_enroll *e = g_new0(struct desk_enroll, 1);
	char *dir;
	const char *values[NFIELDS];

	e->app = app;
	e->done = done;
	e->user = user;
	e->timeout_ms = s->timeout_ms;
	e->settings_file = desk_enroll_settings_file(s);
	dir = desk_enroll_default_dir(e->settings_file);
	values[F_SERVER] = s->server;
	values[F_CODE] = NULL;
	values[F_CA] = s->ca;
	values[F_DIR] = dir;
	e->win = gtk_application_window_new(app);
	gtk_window_set_title(GTK_WINDOW(e->win), _("Enroll this computer"));
	gtk_window_set_default_size(GTK_WINDOW(e->win), 760, 520);
	gtk_window_set_child(GTK_WINDOW(e->win), enroll_page(e, values));
	g_signal_connect(e->win, "destroy", G_CALLBACK(on_destroy), e);
	g_free(dir);
	gtk_window_present(GTK_WINDOW(e->win));
	gtk_widget_grab_focus(e->entry[values[F_SERVER] != NULL ? F_CODE : F_SERVER]);
}
