/* See desk_transfer.h. The worker thread owns the transfer until it
 * returns; the main loop reads only path and, under the lock, the bytes
 * libjianyi last told (jy_progress_fn, called on the worker). */
#include "desk_transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cli_i18n.h"
#include "mirror_attach.h"

#include "desk_conn_copy.h"

#define TRIES 4                  /* connections tried before giving up */
#define RETRY_PAUSE_US 500000    /* times the attempt */

struct desk_transfer {
	struct desk_conn_copy conn;
	char *path, *attached_to;
	char *mirror;                /* from the mirror's bytes, NULL: from the server */
	bool upload, ok;
	struct jy_upload up;
	struct jy_download down;
	GMutex lock;                 /* guards the two counts */
	int64_t bytes_done, bytes_total;   /* bytes_total < 0: nothing told yet */
	struct jy_error err;
	desk_transfer_done_fn done;
	void *user;
};

static void transfer_free(struct desk_transfer *t)
{
	g_mutex_clear(&t->lock);
	desk_conn_copy_clear(&t->conn);
	g_free(t->path);
	g_free(t->attached_to);
	g_free(t->mirror);
	g_free(t);
}

/* On the worker: libjianyi's count, handed to the main loop's timer. */
static void on_progress(int64_t done, int64_t total, void *user)
{
	struct desk_transfer *t = user;

	g_mutex_lock(&t->lock);
	t->bytes_done = done;
	t->bytes_total = total;
	g_mutex_unlock(&t->lock);
}

static bool mirror_failed(struct desk_transfer *t, const char *why)
{
	t->err.code = JIANYI__STATUS_CODE__STATUS_UNAVAILABLE;
	g_strlcpy(t->err.message, why, sizeof t->err.message);
	return false;
}

/* The file written from the mirror (mode 0600, as the mirror keeps it),
 * or no file and the reason. */
static bool copy_from_mirror(struct desk_transfer *t)
{
	char err[800];
	struct mirror *m = mirror_open(t->mirror, false, err, sizeof err);
	Jianyi__Attachment *info = NULL;
	bool found = false, ok;
	FILE *f;
	int fd;

	if (m == NULL)
		return mirror_failed(t, err);
	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
		g_snprintf(err, sizeof err, _("cannot write %s: %s"), t->path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		mirror_close(m);
		return mirror_failed(t, err);
	}
	ok = mirror_attach_write(m, t->down.attachment_id, f, &info, &found);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		mirror_failed(t, mirror_error(m));
	else if (!found)
		ok = mirror_failed(t, _("the mirror does not hold this file's bytes yet (they are "
					"fetched when it syncs)"));
	if (info != NULL)
		jianyi__attachment__free_unpacked(info, NULL);
	mirror_close(m);
	if (!ok)
		unlink(t->path);
	else
		on_progress(t->bytes_total, t->bytes_total, t);
	return ok;
}

/* The worker: connect, move the file; again after a cut link. */
static void run(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
	struct desk_transfer *t = data;

	(void)source;
	(void)cancel;
	if (t->mirror != NULL) {
		t->ok = copy_from_mirror(t);
		g_task_return_boolean(task, t->ok);
		return;
	}
	for (int attempt = 0; attempt < TRIES && !t->ok; attempt++) {
		struct jy_client *c;

		if (attempt > 0)
			g_usleep(RETRY_PAUSE_US * (gulong)attempt);
		c = jy_connect(&t->conn.opts, &t->err);
		if (c != NULL) {
			t->ok = t->upload
				? jy_upload_file_progress(c, &t->up, on_progress, t, &t->err)
				: jy_download_file_progress(c, &t->down, on_progress, t, &t->err);
			jy_close(c);
		}
		if (!t->ok && t->err.code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
			break;
	}
	g_task_return_boolean(task, t->ok);
}

static void on_done(GObject *source, GAsyncResult *res, gpointer data)
{
	struct desk_transfer *t = data;

	(void)source;
	(void)res;
	if (t->done != NULL)
		t->done(t, t->ok ? NULL : &t->err, t->user);
	transfer_free(t);
}

static struct desk_transfer *transfer_new(const struct jy_client_options *o, const char *path,
					  desk_transfer_done_fn done, void *user)
{
	struct desk_transfer *t = g_new0(struct desk_transfer, 1);

	if (o != NULL)   /* NULL: from the mirror, no connection */
		desk_conn_copy_init(&t->conn, o);
	t->path = g_strdup(path);
	g_mutex_init(&t->lock);
	t->bytes_total = -1;
	t->done = done;
	t->user = user;
	return t;
}

static struct desk_transfer *start(struct desk_transfer *t)
{
	GTask *task = g_task_new(NULL, NULL, on_done, t);

	g_task_set_task_data(task, t, NULL);
	g_task_run_in_thread(task, run);
	g_object_unref(task);
	return t;
}

struct desk_transfer *desk_transfer_upload(const struct jy_client_options *o, const char *path,
					   int64_t suggestion_id, const char *attached_to,
					   desk_transfer_done_fn done, void *user)
{
	struct desk_transfer *t = transfer_new(o, path, done, user);

	t->upload = true;
	t->attached_to = g_strdup(attached_to);
	t->up.path = t->path;
	t->up.suggestion_id = suggestion_id;
	t->up.attached_to = t->attached_to;
	return start(t);
}

struct desk_transfer *desk_transfer_download(const struct jy_client_options *o,
					     int64_t attachment_id, int64_t size, const char *path,
					     desk_transfer_done_fn done, void *user)
{
	struct desk_transfer *t = transfer_new(o, path, done, user);

	if (size > 0)   /* the bar shows the total before the first chunk */
		t->bytes_total = size;
	t->down.attachment_id = attachment_id;
	t->down.path = t->path;
	return start(t);
}

struct desk_transfer *desk_transfer_from_mirror(const char *mirror, int64_t attachment_id,
						int64_t size, const char *path,
						desk_transfer_done_fn done, void *user)
{
	struct desk_transfer *t = transfer_new(NULL, path, done, user);

	t->mirror = g_strdup(mirror);
	t->bytes_total = size > 0 ? size : 0;
	t->down.attachment_id = attachment_id;
	t->down.path = t->path;
	return start(t);
}

bool desk_transfer_bytes(struct desk_transfer *t, int64_t *done, int64_t *total)
{
	g_mutex_lock(&t->lock);
	*done = t->bytes_done;
	*total = t->bytes_total;
	g_mutex_unlock(&t->lock);
	return *total >= 0;
}

const char *desk_transfer_path(const struct desk_transfer *t)
{
	return t->path;
}

void desk_transfer_forget(struct desk_transfer *t)
{
	t->done = NULL;
}
