/* See desk_attachments.h. One transfer at a time; a timer shows its
 * progress while it runs. */
#include "desk_attachments.h"

#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_clock.h"
#include "cli_i18n.h"
#include "cli_reasons.h"
#include "cli_terms.h"
#include "desk_transfer.h"

#define TICK_MS 150
#define MAX_TARGETS 6

/* The records a file may be attached to: the timeline's event kind and
 * AttachBeginRequest.attached_to (docs/WORKFLOW.md "Attachments"). */
static const struct {
	const char *event, *target;
} records[] = {
	{ "plan", "plan" }, { "contact", "contact" }, { "reply", "reply" },
	{ "follow_up", "follow_up" }, { "supervise", "supervision" },
};

/* A file of the list, kept on its buttons. */
struct file_ref {
	int64_t id, size;
	char name[];
};

struct desk_attachments {
	struct desk_link *link;
	void (*changed)(void *user);
	void *user;
	GtkWidget *root, *list, *empty, *targets, *target[MAX_TARGETS], *add, *progress, *status;
	const char *target_of[MAX_TARGETS];
	size_t ntargets;
	int64_t id;
	struct desk_transfer *busy;
	char *name;                 /* the file moving, for the messages */
	guint tick;
	char *tmpdir;               /* the copies 打开 opens, made when first needed */
};

static void say(struct desk_attachments *a, const char *text, bool error)
{
	gtk_label_set_text(GTK_LABEL(a->status), text);
	if (error)
		gtk_widget_add_css_class(a->status, "error");
	else
		gtk_widget_remove_css_class(a->status, "error");
}

static GtkWindow *window_of(struct desk_attachments *a)
{
	GtkRoot *root = gtk_widget_get_root(a->root);

	return GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL;
}

/* The bar shows the fraction and, on it, the bytes moved of the file's. */
static gboolean on_tick(gpointer data)
{
	struct desk_attachments *a = data;
	int64_t done = 0, total = 0;
	char *d, *t, *text;

	if (a->busy == NULL || !desk_transfer_bytes(a->busy, &done, &total)) {
		gtk_progress_bar_pulse(GTK_PROGRESS_BAR(a->progress));
		return G_SOURCE_CONTINUE;
	}
	gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(a->progress),
				      total > 0 && done < total ? (double)done / (double)total : 1.0);
	d = g_format_size((guint64)done);
	t = g_format_size((guint64)total);
	/* TRANSLATORS: a transfer's progress: bytes moved, the file's size */
	text = g_strdup_printf(_("%s of %s"), d, t);
	gtk_progress_bar_set_text(GTK_PROGRESS_BAR(a->progress), text);
	gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(a->progress), TRUE);
	g_free(text);
	g_free(t);
	g_free(d);
	return G_SOURCE_CONTINUE;
}

static void set_busy(struct desk_attachments *a, struct desk_transfer *t, const char *name,
		     const char *doing)
{
	a->busy = t;
	g_free(a->name);
	a->name = g_strdup(name);
	gtk_widget_set_sensitive(a->add, t == NULL);
	gtk_widget_set_sensitive(a->list, t == NULL);
	gtk_widget_set_visible(a->progress, t != NULL);
	if (t != NULL) {
		gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(a->progress), 0);
		gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(a->progress), FALSE);
		if (a->tick == 0)
			a->tick = g_timeout_add(TICK_MS, on_tick, a);
		say(a, doing, false);
	} else if (a->tick != 0) {
		g_source_remove(a->tick);
		a->tick = 0;
	}
}

/* A transfer failed: said from the server's reason, or libjianyi's words. */
static void say_failure(struct desk_attachments *a, const struct jy_error *err)
{
	char why[700], *text;

	cli_error_text(err, why, sizeof why);
	/* TRANSLATORS: the file's name, then why it could not be moved */
	text = g_strdup_printf(_("%s: not done: %s"), a->name, why);
	say(a, text, true);
	g_free(text);
}

static void on_uploaded(struct desk_transfer *t, const struct jy_error *err, void *user)
{
	struct desk_attachments *a = user;
	char *text;

	(void)t;
	if (err != NULL) {
		say_failure(a, err);
		set_busy(a, NULL, NULL, NULL);
		return;
	}
	text = g_strdup_printf(_("Attached %s."), a->name);
	set_busy(a, NULL, NULL, NULL);
	say(a, text, false);
	g_free(text);
	a->changed(a->user);
}

static void on_launched(GObject *source, GAsyncResult *res, gpointer data)
{
	struct desk_attachments *a = data;
	GError *error = NULL;

	(void)source;
	if (!g_app_info_launch_default_for_uri_finish(res, &error)) {
		char *text = g_strdup_printf(_("No application here opens this file: %s"),
					     error->message);
		say(a, text, true);
		g_free(text);
		g_error_free(error);
	}
}

static void on_fetched_to_open(struct desk_transfer *t, const struct jy_error *err, void *user)
{
	struct desk_attachments *a = user;
	char *uri, *text;

	if (err != NULL) {
		say_failure(a, err);
		set_busy(a, NULL, NULL, NULL);
		return;
	}
	uri = g_filename_to_uri(desk_transfer_path(t), NULL, NULL);
	text = g_strdup_printf(_("Opening %s…"), a->name);
	set_busy(a, NULL, NULL, NULL);
	say(a, text, false);
	if (uri != NULL)
		g_app_info_launch_default_for_uri_async(uri, NULL, NULL, on_launched, a);
	g_free(uri);
	g_free(text);
}

static void on_saved(struct desk_transfer *t, const struct jy_error *err, void *user)
{
	struct desk_attachments *a = user;
	char *text;

	if (err != NULL) {
		say_failure(a, err);
		set_busy(a, NULL, NULL, NULL);
		return;
	}
	text = g_strdup_printf(_("Saved as %s."), desk_transfer_path(t));
	set_busy(a, NULL, NULL, NULL);
	say(a, text, false);
	g_free(text);
}

/* From the server, or offline from the mirror's copy of the bytes. */
static void download(struct desk_attachments *a, const struct file_ref *f, const char *path,
		     desk_transfer_done_fn done)
{
	const char *mirror = desk_link_offline_mirror(a->link);
	char *doing;

	if (mirror != NULL) {
		doing = g_strdup_printf(_("Reading %s from the mirror…"), f->name);
		set_busy(a, desk_transfer_from_mirror(mirror, f->id, f->size, path, done, a), f->name,
			 doing);
	} else {
		doing = g_strdup_printf(_("Fetching %s…"), f->name);
		set_busy(a, desk_transfer_download(desk_link_options(a->link), f->id, f->size, path,
						   done, a), f->name, doing);
	}
	g_free(doing);
}

static void on_open_clicked(GtkButton *b, gpointer data)
{
	struct desk_attachments *a = data;
	const struct file_ref *f = g_object_get_data(G_OBJECT(b), "file");
	char id[32], *dir, *path;

	if (a->busy != NULL)
		return;
	if (a->tmpdir == NULL && (a->tmpdir = g_dir_make_tmp("jianyi-desk-XXXXXX", NULL)) == NULL) {
		say(a, _("No temporary folder could be made for the copy."), true);
		return;
	}
	/* a folder per attachment: two files of the same name do not meet */
	snprintf(id, sizeof id, "%" PRId64, f->id);
	dir = g_build_filename(a->tmpdir, id, NULL);
	g_mkdir(dir, 0700);
	path = g_build_filename(dir, f->name, NULL);
	download(a, f, path, on_fetched_to_open);
	g_free(path);
	g_free(dir);
}

/* What a file chooser answered: its file's path, or NULL. */
static char *chosen_path(GtkNativeDialog *d, int response)
{
	GFile *file;
	char *path;

	if (response != GTK_RESPONSE_ACCEPT)
		return NULL;
	file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
	if (file == NULL)
		return NULL;
	path = g_file_get_path(file);
	g_object_unref(file);
	return path;
}

static void on_save_chosen(GtkNativeDialog *d, int response, gpointer data)
{
	struct desk_attachments *a = data;
	const struct file_ref *f = g_object_get_data(G_OBJECT(d), "file");
	char *path = chosen_path(d, response);

	if (path != NULL && a->busy == NULL)
		download(a, f, path, on_saved);
	g_free(path);
	g_object_unref(d);
}

static GtkFileChooserNative *chooser(struct desk_attachments *a, const char *title,
				     GtkFileChooserAction action, const char *accept)
{
	/* GtkFileDialog is GTK 4.10; Debian 12 has 4.8 */
	return gtk_file_chooser_native_new(title, window_of(a), action, accept, _("_Cancel"));
}

static void on_save_clicked(GtkButton *b, gpointer data)
{
	struct desk_attachments *a = data;
	struct file_ref *f = g_object_get_data(G_OBJECT(b), "file");
	GtkFileChooserNative *d;

	if (a->busy != NULL)
		return;
	d = chooser(a, _("Save the attachment as"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(d), f->name);
	/* the row may go (a reload) while the dialog is open: a copy */
	g_object_set_data_full(G_OBJECT(d), "file",
			       g_memdup2(f, sizeof *f + strlen(f->name) + 1), g_free);
	g_signal_connect(d, "response", G_CALLBACK(on_save_chosen), a);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

/* The record the new file goes to: the picked choice. */
static const char *picked_target(struct desk_attachments *a)
{
	for (size_t i = 0; i < a->ntargets; i++)
		if (gtk_check_button_get_active(GTK_CHECK_BUTTON(a->target[i])))
			return a->target_of[i];
	return "suggestion";
}

static void on_add_chosen(GtkNativeDialog *d, int response, gpointer data)
{
	struct desk_attachments *a = data;
	char *path = chosen_path(d, response), *name, *doing;

	if (path != NULL && a->busy == NULL && a->id > 0) {
		name = g_path_get_basename(path);
		doing = g_strdup_printf(_("Sending %s…"), name);
		set_busy(a, desk_transfer_upload(desk_link_options(a->link), path, a->id,
						 picked_target(a), on_uploaded, a), name, doing);
		g_free(doing);
		g_free(name);
	}
	g_free(path);
	g_object_unref(d);
}

static void on_add_clicked(GtkButton *b, gpointer data)
{
	struct desk_attachments *a = data;
	GtkFileChooserNative *d;

	(void)b;
	if (a->busy != NULL || a->id <= 0)
		return;
	d = chooser(a, _("Add an attachment"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"));
	g_signal_connect(d, "response", G_CALLBACK(on_add_chosen), a);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

static GtkWidget *cell(const char *text, bool expand)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	if (expand) {
		gtk_widget_set_hexpand(l, TRUE);
		gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_MIDDLE);
	}
	return l;
}

/* A file's button; name (taken) is its accessible name. */
static GtkWidget *file_button(struct desk_attachments *a, const char *label, char *name,
			      const Jianyi__Attachment *file, GCallback clicked)
{
	GtkWidget *b = gtk_button_new_with_label(label);
	struct file_ref *f = g_malloc(sizeof *f + strlen(file->name) + 1);

	f->id = file->id;
	f->size = file->size;
	strcpy(f->name, file->name);
	g_object_set_data_full(G_OBJECT(b), "file", f, g_free);
	gtk_accessible_update_property(GTK_ACCESSIBLE(b), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	g_signal_connect(b, "clicked", clicked, a);
	g_free(name);
	return b;
}

static GtkWidget *file_row(struct desk_attachments *a, const Jianyi__Attachment *file)
{
	GtkWidget *row = gtk_list_box_row_new(), *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	char *size = g_format_size((guint64)file->size), at[32];

	cli_clock_minute(file->at, at, sizeof at);
	gtk_widget_set_margin_top(box, 4);
	gtk_widget_set_margin_bottom(box, 4);
	gtk_widget_set_margin_start(box, 8);
	gtk_widget_set_margin_end(box, 8);
	gtk_box_append(GTK_BOX(box), cell(file->name, true));
	gtk_box_append(GTK_BOX(box), cell(size, false));
	gtk_box_append(GTK_BOX(box), cell(file->uploaded_by, false));
	gtk_box_append(GTK_BOX(box), cell(at, false));
	gtk_box_append(GTK_BOX(box), cell(cli_attach_target_text(file->attached_to), false));
	/* TRANSLATORS: the buttons' accessible names; %s is the file's name */
	gtk_box_append(GTK_BOX(box), file_button(a, _("Open"),
						 g_strdup_printf(_("Open %s"), file->name), file,
						 G_CALLBACK(on_open_clicked)));
	gtk_box_append(GTK_BOX(box), file_button(a, _("Save as…"),
						 g_strdup_printf(_("Save %s as"), file->name), file,
						 G_CALLBACK(on_save_clicked)));
	gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
	gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       file->name, -1);
	g_free(size);
	return row;
}

/* The case and the records its timeline holds, the latest picked. */
static void show_targets(struct desk_attachments *a, Jianyi__TimelineEvent *const *events,
			 size_t nevents)
{
	const char *latest = "suggestion";
	GtkWidget *child;

	while ((child = gtk_widget_get_first_child(a->targets)) != NULL)
		gtk_box_remove(GTK_BOX(a->targets), child);
	a->ntargets = 0;
	a->target_of[a->ntargets++] = "suggestion";
	for (size_t r = 0; r < G_N_ELEMENTS(records); r++)
		for (size_t i = 0; i < nevents; i++)
			if (g_strcmp0(events[i]->kind, records[r].event) == 0) {
				a->target_of[a->ntargets++] = records[r].target;
				break;
			}
	for (size_t i = 0; i < nevents; i++)
		for (size_t r = 0; r < G_N_ELEMENTS(records); r++)
			if (g_strcmp0(events[i]->kind, records[r].event) == 0)
				latest = records[r].target;
	for (size_t i = 0; i < a->ntargets; i++) {
		const char *words = cli_attach_target_text(a->target_of[i]);

		a->target[i] = gtk_check_button_new_with_label(words);
		if (i > 0)
			gtk_check_button_set_group(GTK_CHECK_BUTTON(a->target[i]),
						   GTK_CHECK_BUTTON(a->target[0]));
		gtk_check_button_set_active(GTK_CHECK_BUTTON(a->target[i]),
					    g_strcmp0(a->target_of[i], latest) == 0);
		gtk_box_append(GTK_BOX(a->targets), a->target[i]);
	}
}

void desk_attachments_show(struct desk_attachments *a, int64_t id,
			   Jianyi__Attachment *const *files, size_t nfiles,
			   Jianyi__TimelineEvent *const *events, size_t nevents)
{
	GtkWidget *row;

	if (id != a->id && a->busy == NULL)
		say(a, "", false);
	a->id = id;
	while ((row = gtk_widget_get_first_child(a->list)) != NULL)
		gtk_list_box_remove(GTK_LIST_BOX(a->list), row);
	for (size_t i = 0; i < nfiles; i++)
		gtk_list_box_append(GTK_LIST_BOX(a->list), file_row(a, files[i]));
	gtk_widget_set_visible(a->list, nfiles > 0);
	gtk_widget_set_visible(a->empty, nfiles == 0);
	show_targets(a, events, nevents);
}

static GtkWidget *add_row(struct desk_attachments *a)
{
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *to = gtk_label_new(_("Attach to:"));

	a->targets = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	gtk_widget_set_hexpand(a->targets, TRUE);
	a->add = gtk_button_new_with_mnemonic(_("Add an a_ttachment…"));
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->add), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Add an attachment"), -1);
	g_signal_connect(a->add, "clicked", G_CALLBACK(on_add_clicked), a);
	gtk_box_append(GTK_BOX(row), to);
	gtk_box_append(GTK_BOX(row), a->targets);
	gtk_box_append(GTK_BOX(row), a->add);
	return row;
}

struct desk_attachments *desk_attachments_new(struct desk_link *link, void (*changed)(void *user),
					      void *user)
{
	struct desk_attachments *a = g_new0(struct desk_attachments, 1);

	a->link = link;
	a->changed = changed;
	a->user = user;
	a->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	a->list = gtk_list_box_new();
	gtk_list_box_set_selection_mode(GTK_LIST_BOX(a->list), GTK_SELECTION_NONE);
	gtk_widget_add_css_class(a->list, "boxed-list");
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Attachments"), -1);
	a->empty = cell(_("No attachments."), false);
	gtk_widget_add_css_class(a->empty, "dim-label");
	a->progress = gtk_progress_bar_new();
	gtk_widget_set_visible(a->progress, FALSE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Transfer progress"), -1);
	a->status = cell("", false);
	gtk_label_set_wrap(GTK_LABEL(a->status), TRUE);
	gtk_label_set_selectable(GTK_LABEL(a->status), TRUE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(a->status),
				       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
				       _("Attachment message"), -1);
	gtk_box_append(GTK_BOX(a->root), a->list);
	gtk_box_append(GTK_BOX(a->root), a->empty);
	gtk_box_append(GTK_BOX(a->root), add_row(a));
	gtk_box_append(GTK_BOX(a->root), a->progress);
	gtk_box_append(GTK_BOX(a->root), a->status);
	return a;
}

GtkWidget *desk_attachments_widget(struct desk_attachments *a)
{
	return a->root;
}

/* The copies 打开 made go with the desk. */
static void remove_copies(const char *dir, int depth)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);

		if (depth < 1 && g_file_test(path, G_FILE_TEST_IS_DIR))
			remove_copies(path, depth + 1);
		else
			g_remove(path);
		g_free(path);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(dir);
}

void desk_attachments_free(struct desk_attachments *a)
{
	if (a->busy != NULL)
		desk_transfer_forget(a->busy);
	if (a->tick != 0)
		g_source_remove(a->tick);
	if (a->tmpdir != NULL)
		remove_copies(a->tmpdir, 0);
	g_free(a->tmpdir);
	g_free(a->name);
	g_free(a);
}
