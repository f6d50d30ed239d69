/* See desk_ledger_export.h. The worker owns the job until it returns; the
 * main loop reads only the two counters (atomics) from a timer. */
#include "desk_ledger_export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_i18n.h"
#include "desk_conn_copy.h"
#include "cli_reasons.h"
#include "ledger_file.h"

#define TICK_MS 100

/* The rows to export: the case list's filters, or none. */
struct filter {
	Jianyi__State state;
	char *text;
	bool overdue_only;
	char *words;                /* in words for a person, "" when none is set */
};

struct job {
	struct desk_conn_copy conn;
	char *path, *tmp;
	enum ledger_format format;
	struct filter filter;
	GCancellable *cancel;
	gint written, total;        /* atomics: the worker writes, the timer reads */
	enum ledger_result result;
	struct jy_error err;
	char file_error[256];
	int64_t rows;
	struct desk_ledger_export *owner;   /* NULL once the page is gone */
};

struct desk_ledger_export {
	struct desk_link *link;
	GtkWidget *root, *button, *progress, *cancel, *message;
	struct job *job;            /* the export under way, or NULL */
	guint tick;
	desk_ledger_filter_fn filter_fn;
	void *filter_user;
	struct filter offered;      /* the filters the open dialog offers */
};

static void filter_clear(struct filter *f)
{
	g_clear_pointer(&f->text, g_free);
	g_clear_pointer(&f->words, g_free);
}

static void job_free(struct job *j)
{
	desk_conn_copy_clear(&j->conn);
	g_free(j->path);
	g_free(j->tmp);
	filter_clear(&j->filter);
	g_object_unref(j->cancel);
	g_free(j);
}

static bool on_page(int64_t written, int64_t total, void *user)
{
	struct job *j = user;

	g_atomic_int_set(&j->total, (gint)MIN(total, G_MAXINT));
	g_atomic_int_set(&j->written, (gint)MIN(written, G_MAXINT));
	return !g_cancellable_is_cancelled(j->cancel);
}

/* The file written and renamed into place, or the reason in the job (and
 * no file left). */
static void export_to_file(struct job *j, struct jy_client *c)
{
	Jianyi__ListSuggestionsRequest filter = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	struct ledger_writer w = { .format = j->format, .path = j->tmp };

	filter.state = j->filter.state;
	filter.text = j->filter.text != NULL ? j->filter.text : "";
	filter.overdue_only = j->filter.overdue_only;

	if (!ledger_writer_open(&w)) {
		ledger_writer_close(&w, false);
		j->result = LEDGER_FILE_FAILED;
	} else {
		j->result = ledger_export(c, &filter, &w, on_page, j, &j->rows, &j->err);
		if (!ledger_writer_close(&w, j->result == LEDGER_DONE) && j->result == LEDGER_DONE)
			j->result = LEDGER_FILE_FAILED;
	}
	if (j->result == LEDGER_DONE && rename(j->tmp, j->path) != 0) {
		j->result = LEDGER_FILE_FAILED;
		snprintf(w.error, sizeof w.error, _("cannot write %s: %s"), j->path, strerror(errno));
	}
	if (j->result != LEDGER_DONE) {
		snprintf(j->file_error, sizeof j->file_error, "%s", w.error);
		unlink(j->tmp);
	}
}

static void run(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
	struct job *j = data;
	struct jy_client *c = jy_connect(&j->conn.opts, &j->err);

	(void)source;
	(void)cancel;
	if (c == NULL) {
		j->result = LEDGER_SERVER_FAILED;
	} else {
		export_to_file(j, c);
		jy_close(c);
	}
	g_task_return_boolean(task, j->result == LEDGER_DONE);
}

/* The bar stays after an export, showing how far it came. */
static void set_running(struct desk_ledger_export *x, bool running)
{
	gtk_widget_set_sensitive(x->button, !running);
	if (running)
		gtk_widget_set_visible(x->progress, TRUE);
	gtk_widget_set_visible(x->cancel, running);
	if (!running && x->tick != 0) {
		g_source_remove(x->tick);
		x->tick = 0;
	}
}

static gboolean on_tick(gpointer data)
{
	struct desk_ledger_export *x = data;
	gint written = g_atomic_int_get(&x->job->written), total = g_atomic_int_get(&x->job->total);
	char *text = g_strdup_printf(_("%d of %d rows written"), written, total);

	gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(x->progress),
				      total > 0 ? (double)written / total : 0);
	gtk_progress_bar_set_text(GTK_PROGRESS_BAR(x->progress), text);
	g_free(text);
	return G_SOURCE_CONTINUE;
}

static char *outcome_text(struct job *j)
{
	char why[sizeof j->err.message];

	switch (j->result) {
	case LEDGER_DONE:
		if (j->filter.words != NULL && j->filter.words[0] != '\0')
			/* TRANSLATORS: the file, the rows, the case list's filters */
			return g_strdup_printf(ngettext("The ledger is exported to %s (%d row; %s).",
							"The ledger is exported to %s (%d rows; %s).",
							(gulong)j->rows), j->path, (int)j->rows,
					       j->filter.words);
		return g_strdup_printf(ngettext("The ledger is exported to %s (%d row).",
						"The ledger is exported to %s (%d rows).", (gulong)j->rows),
				       j->path, (int)j->rows);
	case LEDGER_STOPPED:
		return g_strdup(_("The export was cancelled; no file was written."));
	case LEDGER_SERVER_FAILED:
		cli_error_text(&j->err, why, sizeof why);
		return g_strdup_printf(_("The ledger could not be exported: %s"), why);
	case LEDGER_FILE_FAILED:
		break;
	}
	return g_strdup_printf(_("The ledger could not be exported: %s"), j->file_error);
}

static void on_done(GObject *source, GAsyncResult *res, gpointer data)
{
	struct job *j = data;
	struct desk_ledger_export *x = j->owner;
	char *text;

	(void)source;
	(void)res;
	if (x != NULL) {
		on_tick(x);
		x->job = NULL;
		set_running(x, false);
		text = outcome_text(j);
		gtk_label_set_text(GTK_LABEL(x->message), text);
		g_free(text);
	}
	job_free(j);
}

/* filtered: the filters offered, else every case. */
static struct job *job_new(struct desk_ledger_export *x, const char *path,
			   enum ledger_format format, bool filtered)
{
	const struct jy_client_options *o = desk_link_options(x->link);
	struct job *j = g_new0(struct job, 1);

	desk_conn_copy_init(&j->conn, o);
	j->format = format;
	if (filtered) {
		j->filter = x->offered;
		x->offered = (struct filter){ 0 };
	}
	j->path = g_strdup(path);
	j->tmp = g_strconcat(path, ".tmp", NULL);
	j->cancel = g_cancellable_new();
	j->owner = x;
	return j;
}

static void start(struct desk_ledger_export *x, const char *path, enum ledger_format format,
		  bool filtered)
{
	GTask *task;

	x->job = job_new(x, path, format, filtered);
	task = g_task_new(NULL, NULL, on_done, x->job);
	g_task_set_task_data(task, x->job, NULL);
	gtk_label_set_text(GTK_LABEL(x->message), _("Exporting the ledger…"));
	set_running(x, true);
	gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(x->progress), 0);
	x->tick = g_timeout_add(TICK_MS, on_tick, x);
	g_task_run_in_thread(task, run);
	g_object_unref(task);
}

/* The format: the chosen name's ending (.xlsx, .csv) when it has one, else
 * the dialog's choice. */
static enum ledger_format chosen_format(GtkFileChooser *d, const char *path)
{
	const char *choice = gtk_file_chooser_get_choice(d, "format");

	if (g_str_has_suffix(path, ".csv"))
		return LEDGER_CSV;
	if (g_str_has_suffix(path, ".xlsx"))
		return LEDGER_XLSX;
	return g_strcmp0(choice, "csv") == 0 ? LEDGER_CSV : LEDGER_XLSX;
}

/* The chosen file, ending as its format does (added when it does not). */
static char *chosen_path(GtkNativeDialog *d, int response, enum ledger_format *format)
{
	GFile *f;
	char *path, *full;
	const char *ending;

	if (response != GTK_RESPONSE_ACCEPT)
		return NULL;
	f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
	path = f != NULL ? g_file_get_path(f) : NULL;
	if (f != NULL)
		g_object_unref(f);
	if (path == NULL)
		return NULL;
	*format = chosen_format(GTK_FILE_CHOOSER(d), path);
	ending = *format == LEDGER_CSV ? ".csv" : ".xlsx";
	if (g_str_has_suffix(path, ending))
		return path;
	full = g_strconcat(path, ending, NULL);
	g_free(path);
	return full;
}

static void on_chosen(GtkNativeDialog *d, int response, gpointer data)
{
	struct desk_ledger_export *x = data;
	enum ledger_format format = LEDGER_XLSX;
	char *path = chosen_path(d, response, &format);
	bool filtered = g_strcmp0(gtk_file_chooser_get_choice(GTK_FILE_CHOOSER(d), "filtered"),
				  "true") == 0;

	if (path != NULL && x->job == NULL)
		start(x, path, format, filtered);
	filter_clear(&x->offered);
	g_free(path);
	g_object_unref(d);
}

/* The case list's filters as they are now, for the dialog to offer. */
static void take_filters(struct desk_ledger_export *x)
{
	Jianyi__ListSuggestionsRequest q = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;

	filter_clear(&x->offered);
	x->offered = (struct filter){ 0 };
	if (x->filter_fn == NULL)
		return;
	x->offered.words = x->filter_fn(&q, x->filter_user);
	x->offered.state = q.state;
	x->offered.text = g_strdup(q.text != NULL ? q.text : "");
	x->offered.overdue_only = q.overdue_only;
}

/* The dialog's choices: the format, and the case list's filters when set
 * (ticked: the dialog says which cases it exports). */
static void add_choices(struct desk_ledger_export *x, GtkFileChooser *d)
{
	const char *ids[] = { "xlsx", "csv", NULL };
	const char *labels[] = { _("XLSX (Excel)"), _("CSV (UTF-8)"), NULL };
	char *label;

	gtk_file_chooser_add_choice(d, "format", _("Format"), ids, labels);
	gtk_file_chooser_set_choice(d, "format", "xlsx");
	if (x->offered.words == NULL || x->offered.words[0] == '\0')
		return;
	/* TRANSLATORS: the case list's filters, in words */
	label = g_strdup_printf(_("Only the cases the case list's filters give (%s)"),
				x->offered.words);
	gtk_file_chooser_add_choice(d, "filtered", label, NULL, NULL);
	gtk_file_chooser_set_choice(d, "filtered", "true");
	g_free(label);
}

static void on_export_clicked(GtkButton *b, gpointer data)
{
	struct desk_ledger_export *x = data;
	GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(b));
	GtkFileChooserNative *d;

	if (x->job != NULL)
		return;
	take_filters(x);
	/* GtkFileDialog is GTK 4.10; Debian 12 has 4.8 */
	d = gtk_file_chooser_native_new(_("Export the ledger"),
					GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL,
					GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
	/* no ending: the format's choice adds it */
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(d), _("ledger"));
	add_choices(x, GTK_FILE_CHOOSER(d));
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(d), TRUE);
	g_signal_connect(d, "response", G_CALLBACK(on_chosen), x);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

static void on_cancel_clicked(GtkButton *b, gpointer data)
{
	struct desk_ledger_export *x = data;

	(void)b;
	if (x->job != NULL) {
		g_cancellable_cancel(x->job->cancel);
		gtk_label_set_text(GTK_LABEL(x->message), _("Cancelling after the page under way…"));
	}
}

struct desk_ledger_export *desk_ledger_export_new(struct desk_link *link)
{
	struct desk_ledger_export *x = g_new0(struct desk_ledger_export, 1);

	x->link = link;
	x->root = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	x->button = gtk_button_new_with_mnemonic(_("Export t_he ledger (XLSX or CSV)"));
	g_signal_connect(x->button, "clicked", G_CALLBACK(on_export_clicked), x);
	x->progress = gtk_progress_bar_new();
	gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(x->progress), TRUE);
	gtk_widget_set_size_request(x->progress, 280, -1);
	gtk_widget_set_valign(x->progress, GTK_ALIGN_CENTER);
	gtk_accessible_update_property(GTK_ACCESSIBLE(x->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _("Ledger export progress"), -1);
	x->cancel = gtk_button_new_with_label(_("Cancel the export"));
	g_signal_connect(x->cancel, "clicked", G_CALLBACK(on_cancel_clicked), x);
	x->message = gtk_label_new("");
	gtk_label_set_wrap(GTK_LABEL(x->message), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(x->message), PANGO_WRAP_CHAR);
	gtk_label_set_xalign(GTK_LABEL(x->message), 0);
	gtk_widget_set_hexpand(x->message, TRUE);
	gtk_box_append(GTK_BOX(x->root), x->button);
	gtk_box_append(GTK_BOX(x->root), x->progress);
	gtk_box_append(GTK_BOX(x->root), x->cancel);
	gtk_box_append(GTK_BOX(x->root), x->message);
	gtk_widget_set_visible(x->progress, FALSE);
	set_running(x, false);
	return x;
}

void desk_ledger_export_set_filter(struct desk_ledger_export *x, desk_ledger_filter_fn fn,
				   void *user)
{
	x->filter_fn = fn;
	x->filter_user = user;
}

GtkWidget *desk_ledger_export_widget(struct desk_ledger_export *x)
{
	return x->root;
}

void desk_ledger_export_free(struct desk_ledger_export *x)
{
	if (x->tick != 0)
		g_source_remove(x->tick);
	if (x->job != NULL)
		x->job->owner = NULL;
	filter_clear(&x->offered);
	g_free(x);
}
